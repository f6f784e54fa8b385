//! Accounts of a community, for staff: who has which role, and resetting a password for someone who forgot it
//! (often an elderly resident at the desk). The new password is shown once, to the staff member, and the
//! reset is audited.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use rand::Rng;
use weizhili_core::access::{Action, Place, Role};
use weizhili_store::{account, audit};

use crate::auth::CurrentUser;
use crate::auth::login::hash_password;
use crate::grid::pages::parse_id;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/users", get(list)).route("/users/{id}/reset-password", post(reset_password))
}

pub struct UserLine {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub last_login: String,
    pub can_reset: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    c: PageCtx,
    rows: Vec<UserLine>,
    reset: Option<(String, String)>,
}

fn communities_of(user: &CurrentUser) -> Result<Option<Vec<i64>>, AppError> {
    if user.actor.is_admin() {
        return Ok(None);
    }
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(Action::ManageUsers, &Place::community(cid))?;
    Ok(Some(vec![cid]))
}

async fn page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    reset: Option<(String, String)>,
) -> Result<Response, AppError> {
    let communities = communities_of(user)?;
    let users = account::list_users(&state.db, communities.as_deref()).await?;
    let rows = users
        .into_iter()
        .map(|(u, grants)| {
            let is_admin = grants.iter().any(|g| g.role == Role::Admin);
            UserLine {
                can_reset: u.id != user.user.id && (!is_admin || user.actor.is_admin()),
                roles: grants.iter().map(|g| c.t(&format!("role-{}", g.role.as_str().replace('_', "-")))).collect(),
                id: u.id,
                login: u.login,
                display_name: u.display_name,
                last_login: u
                    .last_login_at
                    .map(|t| weizhili_core::clock::china_time(t).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok(render(&UsersPage { c, rows, reset }))
}

async fn list(State(state): State<AppState>, c: PageCtx, user: CurrentUser) -> Result<Response, AppError> {
    page(&state, c, &user, None).await
}

/// An easy-to-read temporary password: no 0/O or 1/l to confuse.
fn temporary_password() -> String {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..10).map(|_| CHARS[rng.random_range(0..CHARS.len())] as char).collect()
}

async fn reset_password(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let target = account::user_by_id(&state.db, parse_id(&id)?).await?.ok_or(AppError::NotFound)?;
    let communities = communities_of(&user)?;
    if let Some(ids) = &communities
        && !target.community_id.is_some_and(|cid| ids.contains(&cid))
    {
        return Err(AppError::NotFound);
    }
    let target_grants = account::grants_of(&state.db, target.id).await?;
    if target.id == user.user.id || (target_grants.iter().any(|g| g.role == Role::Admin) && !user.actor.is_admin()) {
        return Err(AppError::Forbidden);
    }
    let password = temporary_password();
    let hash = hash_password(password.clone()).await?;
    let now = state.clock.now();
    let txn = weizhili_store::begin_write(&state.db).await?;
    account::set_password(&txn, target.id, hash).await?;
    audit::record(
        &txn,
        now,
        user.audit("password.reset")
            .object("user", target.id)
            .community(target.community_id)
            .detail(target.login.clone()),
    )
    .await?;
    txn.commit().await.map_err(weizhili_store::StoreError::from)?;
    state.sessions.forget_user(target.id);
    page(&state, c, &user, Some((target.login, password))).await
}

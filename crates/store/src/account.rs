//! Accounts: users, their role grants, browser sessions, API tokens and the failed-login record used for
//! throttling. Passwords arrive here already hashed; tokens and session ids arrive hashed too.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use weizhili_core::access::{Grant, Role, ScopeKind};

use crate::entity::{api_token, login_failure, role_grant, session, user};
use crate::{Result, StoreError};

pub use crate::entity::user::Model as User;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub password_hash: String,
    pub display_name: String,
    pub community_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub locale: String,
}

/// Creates a user; a login that is taken is a `Conflict("login_taken")`.
pub async fn create_user(db: &impl ConnectionTrait, new: NewUser, now: DateTime<Utc>) -> Result<User> {
    user::ActiveModel {
        login: Set(new.login.trim().to_owned()),
        password_hash: Set(new.password_hash),
        display_name: Set(new.display_name),
        community_id: Set(new.community_id),
        resident_id: Set(new.resident_id),
        locale: Set(new.locale),
        status: Set("active".into()),
        created_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "login_taken"))
}

pub async fn add_grant(db: &impl ConnectionTrait, user_id: i64, grant: &Grant) -> Result<()> {
    role_grant::ActiveModel {
        user_id: Set(user_id),
        role: Set(grant.role.as_str().into()),
        scope_kind: Set(grant.scope_kind.as_str().into()),
        scope_id: Set(grant.scope_id),
        community_id: Set(grant.community_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn user_by_login(db: &impl ConnectionTrait, login: &str) -> Result<Option<User>> {
    Ok(user::Entity::find().filter(user::Column::Login.eq(login.trim())).one(db).await?)
}

pub async fn user_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<User>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

/// The grants of one user, as the permission policy reads them. Rows with an unknown role are skipped (and
/// logged), never widened.
pub async fn grants_of(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<Grant>> {
    let rows = role_grant::Entity::find().filter(role_grant::Column::UserId.eq(user_id)).all(db).await?;
    Ok(rows.into_iter().filter_map(to_grant).collect())
}

fn to_grant(row: role_grant::Model) -> Option<Grant> {
    let (Some(role), Some(scope_kind)) = (Role::parse(&row.role), ScopeKind::parse(&row.scope_kind)) else {
        tracing::warn!(grant = row.id, role = %row.role, "ignoring a role grant with an unknown role or scope");
        return None;
    };
    Some(Grant { role, scope_kind, scope_id: row.scope_id, community_id: row.community_id })
}

/// Users of some communities (or all, for `None`) with their grants, by login. Two queries whatever the count.
pub async fn list_users(db: &impl ConnectionTrait, communities: Option<&[i64]>) -> Result<Vec<(User, Vec<Grant>)>> {
    let mut query = user::Entity::find().order_by_asc(user::Column::Login);
    if let Some(ids) = communities {
        query = query.filter(user::Column::CommunityId.is_in(ids.to_vec()));
    }
    let users = query.all(db).await?;
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let grants = role_grant::Entity::find().filter(role_grant::Column::UserId.is_in(ids)).all(db).await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let mine = grants.iter().filter(|g| g.user_id == u.id).cloned().filter_map(to_grant).collect();
            (u, mine)
        })
        .collect())
}

/// Replaces a password and ends every session and token of that user.
pub async fn set_password(db: &impl ConnectionTrait, user_id: i64, password_hash: String) -> Result<()> {
    let found = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    if found.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(())
}

pub async fn set_locale(db: &impl ConnectionTrait, user_id: i64, locale: &str) -> Result<()> {
    user::Entity::update_many()
        .col_expr(user::Column::Locale, Expr::value(locale))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn mark_login(db: &impl ConnectionTrait, user_id: i64, now: DateTime<Utc>) -> Result<()> {
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

// ---- sessions ----

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: String,
    pub user_id: i64,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub async fn create_session(db: &impl ConnectionTrait, new: NewSession, now: DateTime<Utc>) -> Result<()> {
    session::ActiveModel {
        id: Set(new.id_hash),
        user_id: Set(new.user_id),
        csrf: Set(new.csrf),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        last_seen_at: Set(now),
        ip: Set(new.ip),
        user_agent: Set(new.user_agent.map(|ua| ua.chars().take(250).collect())),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The live session with this id hash and its active user, if any.
pub async fn session_user(
    db: &impl ConnectionTrait,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, User)>> {
    let Some(found) = session::Entity::find_by_id(id_hash.to_owned()).one(db).await? else {
        return Ok(None);
    };
    if found.expires_at <= now {
        session::Entity::delete_by_id(id_hash.to_owned()).exec(db).await?;
        return Ok(None);
    }
    let user = user_by_id(db, found.user_id).await?.filter(|u| u.status == "active");
    Ok(user.map(|u| (found, u)))
}

/// Slides a session's expiry forward. Callers do this at most every few minutes, not on every request.
pub async fn touch_session(
    db: &impl ConnectionTrait,
    id_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
        .filter(session::Column::Id.eq(id_hash))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_session(db: &impl ConnectionTrait, id_hash: &str) -> Result<()> {
    session::Entity::delete_by_id(id_hash.to_owned()).exec(db).await?;
    Ok(())
}

pub async fn delete_expired_sessions(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(session::Entity::delete_many().filter(session::Column::ExpiresAt.lte(now)).exec(db).await?.rows_affected)
}

// ---- API tokens ----

pub async fn create_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    token_hash: String,
    label: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    api_token::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(token_hash),
        label: Set(label.chars().take(100).collect()),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The active user behind a live (unrevoked) token.
pub async fn token_user(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<User>> {
    let Some(token) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(user_by_id(db, token.user_id).await?.filter(|u| u.status == "active"))
}

pub async fn revoke_token(db: &impl ConnectionTrait, token_hash: &str, now: DateTime<Utc>) -> Result<bool> {
    let done = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

// ---- throttling ----

pub async fn record_login_failure(db: &impl ConnectionTrait, login: &str, ip: &str, now: DateTime<Utc>) -> Result<()> {
    login_failure::ActiveModel {
        login: Set(login.trim().chars().take(100).collect()),
        ip: Set(ip.to_owned()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Failed logins since `since`: (for this login, from this IP).
pub async fn recent_failures(
    db: &impl ConnectionTrait,
    login: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<(u64, u64)> {
    let by_login = login_failure::Entity::find()
        .filter(login_failure::Column::Login.eq(login.trim()))
        .filter(login_failure::Column::At.gte(since))
        .count(db)
        .await?;
    let by_ip = login_failure::Entity::find()
        .filter(login_failure::Column::Ip.eq(ip))
        .filter(login_failure::Column::At.gte(since))
        .count(db)
        .await?;
    Ok((by_login, by_ip))
}

/// A successful login forgives the account's earlier failures (not the IP's).
pub async fn clear_failures(db: &impl ConnectionTrait, login: &str) -> Result<()> {
    login_failure::Entity::delete_many().filter(login_failure::Column::Login.eq(login.trim())).exec(db).await?;
    Ok(())
}

/// Users holding `role` whose grant's scope id is `scope_id` (the accounts of a household, the staff of a
/// community), active ones only.
pub async fn users_with_grant(db: &impl ConnectionTrait, role: Role, scope_id: i64) -> Result<Vec<i64>> {
    let ids: Vec<i64> = role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::UserId)
        .filter(role_grant::Column::Role.eq(role.as_str()))
        .filter(role_grant::Column::ScopeId.eq(scope_id))
        .into_tuple()
        .all(db)
        .await?;
    let active: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Status.eq("active"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(active)
}

/// The people who may be a resident's standing helper in a community (volunteers, building heads, group
/// leaders), as (user id, display name), by name.
pub async fn helpers_of(db: &impl ConnectionTrait, community_id: i64) -> Result<Vec<(i64, String)>> {
    let roles = [Role::Volunteer, Role::BuildingHead, Role::GroupLeader].map(Role::as_str);
    let ids: Vec<i64> = role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::UserId)
        .filter(role_grant::Column::Role.is_in(roles))
        .filter(role_grant::Column::CommunityId.eq(community_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Status.eq("active"))
        .order_by_asc(user::Column::DisplayName)
        .into_tuple()
        .all(db)
        .await?)
}

/// The display names of some users, by id (one query however many).
pub async fn display_names(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

//! Signing in and out, as pages and as the JSON API, with throttling of failed attempts per account and per IP.

use std::sync::OnceLock;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use weizhili_store::account::{self, NewSession, User};
use weizhili_store::audit;

use super::session::{CurrentUser, client_ip};
use super::{SESSION_COOKIE, random_token, set_cookie, sha256_hex};
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/prefs/lang", post(set_lang))
        .route("/prefs/large", post(set_large))
        .route("/api/v1/auth/login", post(api_login))
        .route("/api/v1/auth/logout", post(api_logout))
        .route("/api/v1/me", get(api_me))
}

/// Hashes a password (argon2) off the async workers.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok()).await.unwrap_or(false)
}

/// A hash to check against when the login does not exist, so that the answer takes as long either way.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password_auth::generate_hash("not a password of anyone"))
}

/// Checks a login and password, with throttling and audit; the one path both the page and the API use.
pub async fn authenticate(state: &AppState, login: &str, password: &str, ip: &str) -> Result<User, AppError> {
    let login = login.trim();
    if login.is_empty() || password.is_empty() || login.len() > 100 || password.len() > 200 {
        return Err(AppError::invalid("login_failed"));
    }
    let now = state.clock.now();
    let since = now - chrono::Duration::minutes(state.config.throttle_minutes);
    let (by_login, by_ip) = account::recent_failures(&state.db, login, ip, since).await?;
    let entry = |action: &str, user: Option<&User>| audit::Entry {
        community_id: user.and_then(|u| u.community_id),
        user_id: user.map(|u| u.id),
        login: Some(login.to_owned()),
        ip: Some(ip.to_owned()),
        ..audit::Entry::new(action)
    };
    if by_login >= state.config.max_failures_per_login || by_ip >= state.config.max_failures_per_ip {
        audit::record(&state.db, now, entry("login_throttled", None)).await?;
        return Err(AppError::Throttled);
    }
    let user = account::user_by_login(&state.db, login).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| dummy_hash().to_owned());
    let ok = verify_password(password.to_owned(), hash).await;
    match user {
        Some(user) if ok && user.status == "active" => {
            account::clear_failures(&state.db, login).await?;
            account::mark_login(&state.db, user.id, now).await?;
            audit::record(&state.db, now, entry("login", Some(&user))).await?;
            Ok(user)
        }
        user => {
            account::record_login_failure(&state.db, login, ip, now).await?;
            audit::record(&state.db, now, entry("login_failed", user.as_ref())).await?;
            Err(AppError::invalid("login_failed"))
        }
    }
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    c: PageCtx,
    error: Option<String>,
    next: String,
    login: String,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only local paths, so the login form cannot be used to send people elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_owned(),
        _ => "/".to_owned(),
    }
}

async fn login_page(c: PageCtx, Query(q): Query<NextQuery>, user: Option<Extension<CurrentUser>>) -> Response {
    if user.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    render(&LoginPage { c, error: None, next: safe_next(q.next.as_deref()), login: String::new() })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    c: PageCtx,
    request_ext: axum::http::Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    let ip = client_ip(&request_ext);
    let next = safe_next(form.next.as_deref());
    match authenticate(&state, &form.login, &form.password, &ip).await {
        Ok(user) => match start_session(&state, &user, &ip).await {
            Ok(cookie) => {
                let mut response = Redirect::to(&next).into_response();
                if let Ok(value) = cookie.parse() {
                    response.headers_mut().append(SET_COOKIE, value);
                }
                response
            }
            Err(e) => e.into_response(),
        },
        Err(e) => {
            let status = e.status();
            let message = e.message(c.lang);
            let login = form.login.chars().take(100).collect();
            let mut response = render(&LoginPage { c, error: Some(message), next, login });
            if matches!(e, AppError::Internal(_)) {
                return e.into_response();
            }
            *response.status_mut() = status;
            response
        }
    }
}

/// Creates a session and returns its `Set-Cookie` value.
async fn start_session(state: &AppState, user: &User, ip: &str) -> Result<String, AppError> {
    let token = random_token();
    let now = state.clock.now();
    let max_age = state.config.session_hours * 3600;
    account::create_session(
        &state.db,
        NewSession {
            id_hash: sha256_hex(&token),
            user_id: user.id,
            csrf: random_token(),
            expires_at: now + chrono::Duration::hours(state.config.session_hours),
            ip: Some(ip.to_owned()),
            user_agent: None,
        },
        now,
    )
    .await?;
    Ok(set_cookie(SESSION_COOKIE, &token, max_age, true, state.config.secure_cookies))
}

async fn logout(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    if let Some((hash, _)) = &user.session {
        account::delete_session(&state.db, hash).await?;
        state.sessions.forget(hash);
    }
    audit::record(&state.db, state.clock.now(), user.audit("logout")).await?;
    let mut response = Redirect::to("/login").into_response();
    if let Ok(value) = set_cookie(SESSION_COOKIE, "", 0, true, state.config.secure_cookies).parse() {
        response.headers_mut().append(SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
struct PrefForm {
    lang: Option<String>,
    on: Option<String>,
    back: Option<String>,
}

async fn set_lang(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Form(form): Form<PrefForm>,
) -> Result<Response, AppError> {
    let lang = crate::i18n::Lang::parse(form.lang.as_deref().unwrap_or("")).unwrap_or_default();
    if let Some(Extension(user)) = user {
        account::set_locale(&state.db, user.user.id, lang.code()).await?;
    }
    let mut response = Redirect::to(&safe_next(form.back.as_deref())).into_response();
    if let Ok(value) = set_cookie("lang", lang.code(), 60 * 60 * 24 * 365, false, state.config.secure_cookies).parse() {
        response.headers_mut().append(SET_COOKIE, value);
    }
    Ok(response)
}

/// 长辈模式: larger type and targets, remembered in a cookie for a year.
async fn set_large(State(state): State<AppState>, Form(form): Form<PrefForm>) -> Response {
    let on = form.on.as_deref() == Some("1");
    let mut response = Redirect::to(&safe_next(form.back.as_deref())).into_response();
    let cookie =
        set_cookie("large", if on { "1" } else { "0" }, 60 * 60 * 24 * 365, false, state.config.secure_cookies);
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

// ---- API ----

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// At most 100 bytes of UTF-8.
    #[schema(min_length = 1, max_length = 100)]
    pub login: String,
    /// At most 200 bytes of UTF-8.
    #[schema(min_length = 1, max_length = 200)]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct GrantView {
    pub role: String,
    pub scope_kind: String,
    pub scope_id: Option<i64>,
    pub community_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub community_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub locale: String,
    pub roles: Vec<GrantView>,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub user: MeView,
}

fn me_view(user: &User, grants: &[weizhili_core::access::Grant]) -> MeView {
    MeView {
        id: user.id,
        login: user.login.clone(),
        display_name: user.display_name.clone(),
        community_id: user.community_id,
        resident_id: user.resident_id,
        locale: user.locale.clone(),
        roles: grants
            .iter()
            .map(|g| GrantView {
                role: g.role.as_str().into(),
                scope_kind: g.scope_kind.as_str().into(),
                scope_id: g.scope_id,
                community_id: g.community_id,
            })
            .collect(),
    }
}

/// Signs in and returns a bearer token for `Authorization: Bearer …`.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 422, description = "wrong login or password"),
              (status = 429, description = "too many failed attempts")))]
pub async fn api_login(
    State(state): State<AppState>,
    request_ext: axum::http::Extensions,
    Json(body): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let ip = client_ip(&request_ext);
    let user = authenticate(&state, &body.login, &body.password, &ip).await?;
    let token = random_token();
    account::create_token(&state.db, user.id, sha256_hex(&token), "api login", state.clock.now()).await?;
    let grants = account::grants_of(&state.db, user.id).await?;
    Ok(Json(LoginResponse { token, user: me_view(&user, &grants) }))
}

/// Revokes the bearer token the request carries.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "token revoked"), (status = 401, description = "no valid token")))]
pub async fn api_logout(State(state): State<AppState>, user: CurrentUser) -> Result<axum::http::StatusCode, AppError> {
    let now = state.clock.now();
    if let Some(hash) = &user.token_hash {
        account::revoke_token(&state.db, hash, now).await?;
        state.sessions.forget(hash);
    } else if let Some((hash, _)) = &user.session {
        account::delete_session(&state.db, hash).await?;
        state.sessions.forget(hash);
    }
    audit::record(&state.db, now, user.audit("logout")).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The signed-in user, their roles and scopes.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeView), (status = 401, description = "not signed in")))]
pub async fn api_me(user: CurrentUser) -> Json<MeView> {
    Json(me_view(&user.user, &user.actor.grants))
}

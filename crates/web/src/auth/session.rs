//! Loading the user of a request (session cookie or bearer token) and the extractors handlers use.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use weizhili_core::access::{Action, Actor, Place};
use weizhili_store::account::{self, User};
use weizhili_store::audit;

use super::{CSRF_COOKIE, SESSION_COOKIE, cookie, random_token, set_cookie, sha256_hex};
use crate::{AppError, AppState};

/// The signed-in user of this request, with their permissions.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub actor: Actor,
    /// Set for browser sessions: (session id hash, CSRF token).
    pub session: Option<(String, String)>,
    /// Set for API requests with a bearer token: the token's hash.
    pub token_hash: Option<String>,
    pub ip: String,
}

impl CurrentUser {
    pub fn can(&self, action: Action, place: &Place) -> bool {
        self.actor.can(action, place)
    }

    /// Refuses with 403 unless allowed.
    pub fn require(&self, action: Action, place: &Place) -> Result<(), AppError> {
        if self.can(action, place) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// The community this user works in: their own, or for a platform admin the one they asked for.
    pub fn community_id(&self) -> Option<i64> {
        self.user.community_id.or_else(|| self.actor.home_community())
    }

    /// An audit entry already saying who and from where.
    pub fn audit(&self, action: &str) -> audit::Entry {
        audit::Entry {
            community_id: self.community_id(),
            user_id: Some(self.user.id),
            login: Some(self.user.login.clone()),
            ip: Some(self.ip.clone()),
            ..audit::Entry::new(action)
        }
    }
}

/// What a session or token stands for, as loaded from the database.
#[derive(Debug, Clone)]
pub struct Cached {
    user: User,
    grants: Vec<weizhili_core::access::Grant>,
    /// The session's CSRF token; `None` for an API token.
    csrf: Option<String>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Cached {
    fn into_user(self, hash: String, csrf: Option<String>, ip: &str) -> CurrentUser {
        let is_session = csrf.is_some();
        CurrentUser {
            actor: Actor { user_id: self.user.id, grants: self.grants },
            user: self.user,
            session: csrf.map(|c| (hash.clone(), c)),
            token_hash: (!is_session).then_some(hash),
            ip: ip.to_owned(),
        }
    }
}

/// A few seconds' memory of sessions and tokens, so that a page does not spend three of its queries on who is
/// asking. Signing out, a password reset and a revoked token forget at once in this process; with several
/// instances, another instance may honour a session for up to [`SessionCache::TTL`] after it ended there.
#[derive(Debug, Default)]
pub struct SessionCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, Cached)>>,
}

impl SessionCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(15);
    const MAX_ENTRIES: usize = 20_000;

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (std::time::Instant, Cached)>> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, hash: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Cached> {
        let entries = self.lock();
        let (at, cached) = entries.get(hash)?;
        let fresh = at.elapsed() < Self::TTL && cached.expires_at.is_none_or(|e| e > now);
        fresh.then(|| cached.clone())
    }

    fn put(&self, hash: &str, cached: Cached) {
        let mut entries = self.lock();
        if entries.len() >= Self::MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(hash.to_owned(), (std::time::Instant::now(), cached));
    }

    /// Forgets one session or token (sign-out, revocation).
    pub fn forget(&self, hash: &str) {
        self.lock().remove(hash);
    }

    /// Forgets every session and token of a user (password reset, role change).
    pub fn forget_user(&self, user_id: i64) {
        self.lock().retain(|_, (_, c)| c.user.id != user_id);
    }
}

/// The CSRF token of an anonymous visitor (double-submit cookie), set by [`load_user`].
#[derive(Debug, Clone)]
pub struct AnonCsrf(pub String);

/// The client's address.
pub fn client_ip(parts_ext: &axum::http::Extensions) -> String {
    parts_ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// Middleware: finds the user behind the session cookie or bearer token and puts a [`CurrentUser`] into the
/// request. Anonymous visitors get a CSRF cookie so that the login form can be protected too.
pub async fn load_user(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let now = state.clock.now();
    let ip = client_ip(request.extensions());
    let headers = request.headers();
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| sha256_hex(t.trim()));
    let mut current = None;
    if let Some(hash) = bearer {
        current = state.sessions.get(&hash, now).map(|c| c.into_user(hash.clone(), None, &ip));
        if current.is_none()
            && let Ok(Some(user)) = account::token_user(&state.db, &hash).await
            && let Ok(grants) = account::grants_of(&state.db, user.id).await
        {
            let cached = Cached { user, grants, csrf: None, expires_at: None };
            state.sessions.put(&hash, cached.clone());
            current = Some(cached.into_user(hash, None, &ip));
        }
    } else if let Some(token) = cookie(headers, SESSION_COOKIE) {
        let hash = sha256_hex(&token);
        current = state.sessions.get(&hash, now).map(|c| {
            let csrf = c.csrf.clone();
            c.into_user(hash.clone(), csrf, &ip)
        });
        if current.is_none() {
            match account::session_user(&state.db, &hash, now).await {
                Ok(Some((session, user))) => {
                    let mut expires_at = session.expires_at;
                    if now - session.last_seen_at > chrono::Duration::minutes(10) {
                        expires_at = now + chrono::Duration::hours(state.config.session_hours);
                        if let Err(e) = account::touch_session(&state.db, &hash, now, expires_at).await {
                            tracing::warn!(error = %e, "could not extend a session");
                        }
                    }
                    if let Ok(grants) = account::grants_of(&state.db, user.id).await {
                        let csrf = Some(session.csrf);
                        let cached = Cached { user, grants, csrf: csrf.clone(), expires_at: Some(expires_at) };
                        state.sessions.put(&hash, cached.clone());
                        current = Some(cached.into_user(hash, csrf, &ip));
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "session lookup failed"),
            }
        }
    }
    let mut new_anon_cookie = None;
    if current.is_none() {
        let token = cookie(request.headers(), CSRF_COOKIE).unwrap_or_else(|| {
            let t = random_token();
            new_anon_cookie = Some(t.clone());
            t
        });
        request.extensions_mut().insert(AnonCsrf(token));
    }
    if let Some(user) = current {
        request.extensions_mut().insert(user);
    }
    let mut response = next.run(request).await;
    if let Some(token) = new_anon_cookie
        && let Ok(value) = set_cookie(CSRF_COOKIE, &token, 60 * 60 * 24, true, state.config.secure_cookies).parse()
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<CurrentUser>().cloned().ok_or(AppError::Unauthenticated)
    }
}

/// The user if someone is signed in; for pages anyone may see.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(parts.extensions.get::<CurrentUser>().cloned()))
    }
}

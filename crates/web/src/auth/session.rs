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
        if let Ok(Some(user)) = account::token_user(&state.db, &hash).await
            && let Ok(grants) = account::grants_of(&state.db, user.id).await
        {
            current = Some(CurrentUser {
                actor: Actor { user_id: user.id, grants },
                user,
                session: None,
                token_hash: Some(hash),
                ip: ip.clone(),
            });
        }
    } else if let Some(token) = cookie(headers, SESSION_COOKIE) {
        let hash = sha256_hex(&token);
        match account::session_user(&state.db, &hash, now).await {
            Ok(Some((session, user))) => {
                if now - session.last_seen_at > chrono::Duration::minutes(10) {
                    let expires = now + chrono::Duration::hours(state.config.session_hours);
                    if let Err(e) = account::touch_session(&state.db, &hash, now, expires).await {
                        tracing::warn!(error = %e, "could not extend a session");
                    }
                }
                if let Ok(grants) = account::grants_of(&state.db, user.id).await {
                    current = Some(CurrentUser {
                        actor: Actor { user_id: user.id, grants },
                        user,
                        session: Some((hash, session.csrf)),
                        token_hash: None,
                        ip: ip.clone(),
                    });
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
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

//! CSRF protection for every state-changing request, in one middleware.
//!
//! A signed-in browser sends its session's token; an anonymous one (the login form) the token in its
//! `wzl_csrf` cookie (double submit). The token comes in the `X-CSRF-Token` header, the `_csrf` query parameter
//! (multipart uploads) or the `_csrf` field of a urlencoded form. Requests with a bearer token carry no ambient
//! authority and need none; neither do API calls that send no session cookie.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::session::{AnonCsrf, CurrentUser};
use super::{SESSION_COOKIE, cookie, same_secret};
use crate::{AppError, AppState};

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    if headers.get(header::AUTHORIZATION).is_some_and(|v| v.as_bytes().starts_with(b"Bearer ")) {
        return next.run(request).await;
    }
    let is_api = request.uri().path().starts_with("/api/");
    if is_api && cookie(headers, SESSION_COOKIE).is_none() {
        return next.run(request).await;
    }
    let expected = match request.extensions().get::<CurrentUser>() {
        Some(user) => user.session.as_ref().map(|(_, csrf)| csrf.clone()),
        None => request
            .extensions()
            .get::<AnonCsrf>()
            .map(|a| a.0.clone())
            .filter(|_| cookie(headers, super::CSRF_COOKIE).is_some()),
    };
    let Some(expected) = expected else {
        return AppError::Csrf.into_response();
    };
    let mut provided = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if provided.is_none() {
        provided = request
            .uri()
            .query()
            .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let request = if provided.is_none() && is_form {
        let (parts, body) = request.into_parts();
        let bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
            Ok(bytes) => bytes,
            Err(_) => return crate::error::too_large(),
        };
        provided = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
        Request::from_parts(parts, Body::from(bytes))
    } else {
        request
    };
    match provided {
        Some(token) if same_secret(&token, &expected) => next.run(request).await,
        _ => AppError::Csrf.into_response(),
    }
}

//! One error type for the web layer, rendered once: an HTML page in the visitor's language for pages, a JSON
//! body `{"error": {"code", "message"}}` under `/api/`. Internal details are logged, never shown.
//!
//! Handlers return [`AppError`]; its response carries an [`ErrorInfo`] extension that the [`render`] middleware
//! turns into the page or JSON. The same middleware dresses axum's own rejections (bad form, too large, …).

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use weizhili_store::StoreError;

use crate::i18n::Lang;
use crate::page::PageCtx;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("login required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf")]
    Csrf,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Input the user can fix: a code (also the locale key `error-<code>`) and a detail shown with it.
    #[error("invalid {code}: {detail}")]
    Invalid { code: &'static str, detail: String },
    #[error("throttled")]
    Throttled,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn invalid(code: &'static str, detail: impl Into<String>) -> AppError {
        AppError::Invalid { code, detail: detail.into() }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "login_required",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf_failed",
            AppError::Conflict(code) => code,
            AppError::Invalid { code, .. } => code,
            AppError::Throttled => "too_many_attempts",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(code) => AppError::Conflict(code),
            StoreError::Invalid(detail) => AppError::Invalid { code: "invalid", detail },
            StoreError::Db(e) => AppError::Internal(e.into()),
        }
    }
}

/// What the renderer needs to know about an error.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let detail = match &self {
            AppError::Invalid { detail, .. } if !detail.is_empty() => Some(detail.clone()),
            _ => None,
        };
        let mut response = self.status().into_response();
        response.extensions_mut().insert(ErrorInfo { code: self.code(), detail });
        response
    }
}

/// The message for an error code in a language: `error-<code>` from the locale files.
pub fn message(lang: Lang, code: &str) -> String {
    let key = format!("error-{}", code.replace('_', "-"));
    let text = lang.t(&key);
    if text == key { lang.t("error-internal") } else { text }
}

fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 422 => "bad_request",
        401 => "login_required",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        429 => "too_many_attempts",
        _ => "internal",
    }
}

/// Middleware: turns error responses (ours and axum's rejections) into the page or JSON the visitor expects.
pub async fn render(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let wants_json = is_api
        || request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
    let ctx_seed = PageCtx::seed(&request);
    let user = request.extensions().get::<crate::auth::CurrentUser>().cloned();
    let anon_csrf = request.extensions().get::<crate::auth::session::AnonCsrf>().map(|a| a.0.clone());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let info = response.extensions().get::<ErrorInfo>().cloned();
    let is_plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if info.is_none() && !is_plain {
        return response; // already a rendered page or JSON body
    }
    let code = info.as_ref().map(|i| i.code).unwrap_or_else(|| code_for_status(status));
    let lang = ctx_seed.lang;
    let mut message = message(lang, code);
    if let Some(detail) = info.as_ref().and_then(|i| i.detail.clone()) {
        message = format!("{message} {detail}");
    }
    let mut out = if wants_json {
        Json(serde_json::json!({ "error": { "code": code, "message": message } })).into_response()
    } else if status == StatusCode::UNAUTHORIZED {
        // A page that needs a login sends the visitor to it, and back afterwards.
        let next = ctx_seed.path.clone();
        return axum::response::Redirect::to(&format!("/login?next={}", crate::page::urlencode(&next))).into_response();
    } else {
        let mut ctx = ctx_seed.into_ctx(user.as_ref());
        if user.is_none() {
            ctx.csrf = anon_csrf.unwrap_or_default();
        }
        Html(crate::page::render_error(&ctx, status, &message)).into_response()
    };
    *out.status_mut() = status;
    if let Some(retry) = response.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, retry.clone());
    }
    out
}

/// The 413 response, for bodies over the limit.
pub fn too_large() -> Response {
    let mut response = StatusCode::PAYLOAD_TOO_LARGE.into_response();
    response.extensions_mut().insert(ErrorInfo { code: "too_large", detail: None });
    response
}

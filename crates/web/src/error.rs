//! One error type for the web layer, rendered once: an HTML page in the visitor's language for pages, a JSON
//! body `{"error": {"code", "message"}}` under `/api/`. Internal details are logged, never shown.
//!
//! Handlers return [`AppError`]; its response carries an [`ErrorInfo`] extension that the [`render`] middleware
//! turns into the page or JSON. The same middleware dresses axum's own rejections (bad form, too large, …).
//!
//! Every word of a message comes from the locale files (`error-<code>`), in the visitor's language. What the
//! person needs to put things right (the places already taken, the value typed, the fields at fault) travels as
//! Fluent arguments, never as free text: core's and the store's `Display` texts are Chinese and for the log.

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
    /// Input the user can fix: a code (also the locale key `error-<code>`), the arguments its message takes, and
    /// the input fields at fault (as the API names them), which the message lists by their labels.
    #[error("invalid {code} {args:?} {fields:?}")]
    Invalid { code: &'static str, args: Args, fields: Vec<&'static str> },
    #[error("throttled")]
    Throttled,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Named arguments of a message (`{ $taken }`): both locales' texts for the code use the same names.
pub type Args = Vec<(&'static str, String)>;

/// How much of a typed value a message repeats: enough to recognise it, not a pasted page.
const TYPED_CHARS: usize = 40;

impl AppError {
    pub fn invalid(code: &'static str) -> AppError {
        AppError::Invalid { code, args: Args::new(), fields: Vec::new() }
    }

    /// A refusal whose message takes arguments; every use of `code` must give the same ones.
    pub fn invalid_with(code: &'static str, args: Args) -> AppError {
        AppError::Invalid { code, args, fields: Vec::new() }
    }

    /// Input that could not be read, repeated in the message as `{ $value }` (shortened, trimmed).
    pub fn typed(code: &'static str, value: &str) -> AppError {
        let value: String = value.trim().chars().take(TYPED_CHARS).collect();
        AppError::invalid_with(code, vec![("value", value)])
    }

    /// The first problem's code, and every field at fault.
    pub fn in_fields(code: &'static str, fields: Vec<&'static str>) -> AppError {
        AppError::Invalid { code, args: Args::new(), fields }
    }

    /// What the visitor reads, in their language: the same text the error page or JSON body would carry.
    pub fn message(&self, lang: Lang) -> String {
        self.info().message(lang)
    }

    fn info(&self) -> ErrorInfo {
        match self {
            AppError::Invalid { code, args, fields } => ErrorInfo { code, args: args.clone(), fields: fields.clone() },
            _ => ErrorInfo::code(self.code()),
        }
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
            StoreError::Invalid(detail) => {
                // The store's words are for us (an Excel writer's complaint, a status it cannot read).
                tracing::warn!(%detail, "refused by the store");
                AppError::invalid("invalid")
            }
            StoreError::Db(e) => AppError::Internal(e.into()),
        }
    }
}

/// What the renderer needs to know about an error: its code and its message's arguments, no text.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub args: Args,
    pub fields: Vec<&'static str>,
}

impl ErrorInfo {
    pub fn code(code: &'static str) -> ErrorInfo {
        ErrorInfo { code, args: Args::new(), fields: Vec::new() }
    }

    /// `error-<code>` with its arguments; with fields at fault, `error-in-fields` around it lists their labels.
    pub fn message(&self, lang: Lang) -> String {
        let key = format!("error-{}", self.code.replace('_', "-"));
        let text = if self.args.is_empty() { lang.t(&key) } else { lang.ta(&key, &self.args) };
        // A code without a text (or a text asking for an argument it was not given) must not show its key.
        let problem = if text == key { lang.t("error-internal") } else { text };
        if self.fields.is_empty() {
            return problem;
        }
        let labels: Vec<String> = self.fields.iter().map(|f| field_label(lang, f)).collect();
        lang.ta("error-in-fields", &[("problem", problem), ("fields", labels.join(&lang.t("list-separator")))])
    }
}

/// The label a form shows for an input field, by the name the API gives it.
fn field_label(lang: Lang, field: &str) -> String {
    match field {
        "name" => lang.t("col-name"),
        "gender" => lang.t("col-gender"),
        "birth_year" => lang.t("col-birth-year"),
        "phone" => lang.t("col-phone"),
        "relation" => lang.t("col-relation"),
        "tags" => lang.t("col-tags"),
        "skills" => lang.t("col-skills"),
        "hobbies" => lang.t("col-hobbies"),
        "note" => lang.t("col-note"),
        "consent_basis" => lang.t("col-consent"),
        other => other.to_owned(),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self.info());
        response
    }
}

/// The message for an error code in a language: `error-<code>` from the locale files. For an [`AppError`] in
/// hand use [`AppError::message`], which also gives the message its arguments.
pub fn message(lang: Lang, code: &'static str) -> String {
    ErrorInfo::code(code).message(lang)
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
    let info = info.unwrap_or_else(|| ErrorInfo::code(code_for_status(status)));
    let code = info.code;
    let message = info.message(ctx_seed.lang);
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
    response.extensions_mut().insert(ErrorInfo::code("too_large"));
    response
}

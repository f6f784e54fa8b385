//! The OpenAPI document of `/api/v1` (`/api/openapi.json`) and a documentation page rendered from it on the
//! server (`/api/docs`): no script, no CDN, works on an intranet.

use askama::Template;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::AppState;
use crate::auth::login;
use crate::grid::{api, forms};
use crate::page::{PageCtx, render};
use crate::wish;

#[derive(OpenApi)]
#[openapi(
    info(title = "weizhili API", description = "楼栋微治理平台 weizhili: the JSON twin of every page. Sign in with \
        POST /api/v1/auth/login, then send `Authorization: Bearer <token>`. Errors are \
        `{\"error\": {\"code\": \"...\", \"message\": \"...\"}}`."),
    paths(
        login::api_login, login::api_logout, login::api_me,
        api::list_courtyards, api::create_courtyard, api::rename_courtyard, api::list_buildings, api::create_building,
        api::list_households, api::get_household, api::create_household, api::update_household, api::update_building,
        api::list_residents, api::get_resident, api::create_resident, api::update_resident, api::move_out,
        wish::api::list_wishes, wish::api::submit_wish, wish::api::get_wish, wish::api::act, wish::api::list_updates,
        wish::api::add_note, wish::wall::wall_json, wish::pairs::list_json, wish::pairs::create_json,
        wish::pairs::end_json, wish::photos::list_json, wish::photos::upload_json, crate::notify::list_json, crate::notify::read_json, crate::service::list_json,
        crate::service::confirm_json, crate::event::api::create_events, crate::event::api::list_events, crate::event::api::get_event,
        crate::event::api::sign_up, crate::event::api::list_signups, crate::event::api::cancel, crate::event::api::check_in,
        crate::event::api::edit_event, crate::event::api::cancel_event, crate::event::api::attendance,
        crate::event::volunteers::list_json, crate::event::volunteers::add_shift_json, crate::event::volunteers::take_json,
        crate::event::volunteers::served_json, crate::event::volunteers::leave_json,
        crate::event::after::summary_json, crate::event::after::put_summary_json, crate::event::after::photos_json,
        crate::event::after::upload_json, crate::event::after::story_json,
        crate::event::feedback::list_json, crate::event::feedback::give_json, crate::event::ledger::ledger_json,
        crate::competition::api::list_json, crate::competition::api::create_json, crate::competition::api::get_json,
        crate::competition::api::players_json, crate::competition::api::register_json,
        crate::competition::api::rounds_json, crate::competition::api::pair_json,
        crate::competition::api::results_json, crate::competition::api::standings_json,
    ),
    components(schemas(forms::ResidentInput, crate::grid::ResidentView, ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth, &CommonAnswers),
    tags((name = "auth", description = "Sign in and out"), (name = "grid", description = "Courtyards, buildings, households, residents"),
        (name = "wish", description = "Micro-wishes: submit, publish, claim, fulfil, confirm; the wall; help pairs"),
        (name = "notify", description = "Notifications: the bell"),
        (name = "service", description = "Volunteer service records and hours"),
        (name = "event", description = "Micro-projects' events: create, sign up, waitlist, cancel, check in; volunteers, summary, photos, feedback, the story, the events ledger"),
        (name = "competition", description = "Chess & card competitions: register, pair rounds, enter results, standings")),
)]
pub struct ApiDoc;

/// The shape of every error answer.
#[derive(utoipa::ToSchema, serde::Serialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(utoipa::ToSchema, serde::Serialize)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `not_found`, `forbidden`, `login_failed`, `bad_phone`, …
    pub code: String,
    /// For people, in the request's language.
    pub message: String,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The operations anyone may call without a token.
const PUBLIC: [&str; 2] = ["/api/v1/auth/login", "/api/v1/wall/{community_id}"];

/// The answers every operation of a kind can give, added here once so that the document tells the truth without
/// each handler repeating them: 401 wherever a bearer token is needed (and the token requirement itself); 400 for
/// a malformed body or query and 415 for a body of another content type, wherever one is read.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::security::SecurityRequirement;
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in operations.into_iter().flatten() {
                if !PUBLIC.contains(&path.as_str()) {
                    if op.security.as_ref().is_none_or(Vec::is_empty) {
                        op.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
                    }
                    answer(op, 401, "Not signed in: no bearer token, or one that was revoked or has expired");
                }
                if op.request_body.is_some() {
                    answer(op, 400, "The body could not be read: not well-formed, or a field of the wrong type");
                    answer(op, 415, "The body is not of the content type this operation takes");
                }
                if op.parameters.iter().flatten().any(|p| p.parameter_in == ParameterIn::Query) {
                    answer(op, 400, "A query value could not be read");
                }
            }
        }
    }
}

fn answer(op: &mut utoipa::openapi::path::Operation, status: u16, description: &str) {
    use utoipa::openapi::{RefOr, Response};
    op.responses.responses.entry(status.to_string()).or_insert_with(|| RefOr::T(Response::new(description)));
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(spec)).route("/api/docs", get(docs))
}

async fn spec() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub responses: String,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    c: PageCtx,
    operations: Vec<Operation>,
}

async fn docs(c: PageCtx) -> Response {
    let doc = ApiDoc::openapi();
    let mut operations = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                let mut codes: Vec<&String> = op.responses.responses.keys().collect();
                codes.sort();
                operations.push(Operation {
                    method: method.into(),
                    path: path.clone(),
                    summary: op.summary.clone().or_else(|| op.description.clone()).unwrap_or_default(),
                    responses: codes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" "),
                });
            }
        }
    }
    render(&DocsPage { c, operations })
}

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
    modifiers(&BearerAuth),
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

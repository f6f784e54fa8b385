//! Volunteer hours (志愿服务记录): a volunteer's records and total confirmed hours; staff confirm pending records
//! or correct their hours. Records come from confirmed wishes and from event shifts marked served (`event_id`). Pages and JSON API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use weizhili_core::access::{Action, Place};
use weizhili_core::service::{Minutes, RecordStatus, hours};
use weizhili_store::service::{self as store, Filter, Row};
use weizhili_store::{StoreError, audit, begin_write};

use crate::auth::CurrentUser;
use crate::grid::api::ListOf;
use crate::grid::pages::parse_id;
use crate::page::{PageCtx, render};
use crate::paging::{PageQuery, Pager, Paging, Size};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/service-records", get(list_page))
        .route("/service-records/{id}/confirm", post(confirm_form))
        .route("/api/v1/service-records", get(list_json))
        .route("/api/v1/service-records/{id}/confirm", post(confirm_json))
}

/// A service record as the API gives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordView {
    pub id: i64,
    pub volunteer: String,
    pub user_id: i64,
    /// What was done (the wish's title).
    pub what: String,
    /// The wish the service was for.
    pub wish_id: Option<i64>,
    /// The event the service was at (a volunteer shift).
    pub event_id: Option<i64>,
    pub served_on: chrono::NaiveDate,
    pub minutes: i32,
    /// pending or confirmed.
    pub status: String,
    /// Why staff corrected the hours.
    pub note: Option<String>,
}

impl RecordView {
    fn build(row: Row) -> RecordView {
        let r = row.record;
        RecordView {
            id: r.id,
            volunteer: row.volunteer,
            user_id: r.user_id,
            what: r.what,
            wish_id: r.wish_id,
            event_id: r.event_id,
            served_on: r.served_on,
            minutes: r.minutes,
            status: r.status,
            note: r.note,
        }
    }

    pub fn hours(&self) -> String {
        hours(i64::from(self.minutes))
    }

    pub fn pending(&self) -> bool {
        self.status == RecordStatus::Pending.as_str()
    }
}

/// Whether the user confirms records for their community.
fn reviewer(user: &CurrentUser) -> Option<i64> {
    user.community_id().filter(|cid| user.can(Action::ConfirmService, &Place::community(*cid)))
}

#[derive(Deserialize, IntoParams, Default)]
pub struct ListParams {
    /// `mine` (the default for volunteers) or `all` (staff: the community's).
    pub view: Option<String>,
    /// pending or confirmed.
    pub status: Option<String>,
}

/// 30 records a page.
const PAGE_SIZE: Size = Size::fixed(30);
/// 30 a page through the API, up to 200.
const API_SIZE: Size = Size::up_to(30, 200);

fn filter_for(user: &CurrentUser, p: &ListParams, paging: Paging) -> (Filter, bool) {
    let staff = reviewer(user);
    let all = staff.is_some() && p.view.as_deref() != Some("mine");
    let status = match p.status.as_deref() {
        Some("pending") => Some(RecordStatus::Pending),
        Some("confirmed") => Some(RecordStatus::Confirmed),
        _ => None,
    };
    let filter = Filter {
        community_id: if all { staff } else { None },
        user_id: if all { None } else { Some(user.user.id) },
        status,
        page: paging.page(),
        per_page: paging.per_page(),
    };
    (filter, all)
}

#[derive(Template)]
#[template(path = "service/list.html")]
struct ListPage {
    c: PageCtx,
    records: Vec<RecordView>,
    all: bool,
    can_review: bool,
    status: String,
    confirmed_hours: String,
    pending_hours: String,
    total: u64,
    pager: Pager,
    error: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(p): Query<ListParams>,
    Query(pq): Query<PageQuery>,
) -> Result<Response, AppError> {
    page(&state, c, &user, p, pq.paging(PAGE_SIZE), None).await
}

async fn page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    p: ListParams,
    paging: Paging,
    error: Option<(axum::http::StatusCode, String)>,
) -> Result<Response, AppError> {
    let (filter, all) = filter_for(user, &p, paging);
    let found = store::list(&state.db, &filter).await?;
    let (confirmed, pending) = store::totals(&state.db, user.user.id).await?;
    let query = [
        ("view", if all { "all".to_owned() } else { "mine".to_owned() }),
        ("status", p.status.clone().unwrap_or_default()),
    ];
    let pager = Pager::new("/service-records", &query, found.page, found.pages());
    let code = error.as_ref().map(|e| e.0).unwrap_or(axum::http::StatusCode::OK);
    let mut response = render(&ListPage {
        records: found.rows.into_iter().map(RecordView::build).collect(),
        all,
        can_review: reviewer(user).is_some(),
        status: p.status.clone().unwrap_or_default(),
        confirmed_hours: hours(confirmed),
        pending_hours: hours(pending),
        total: found.total,
        pager,
        error: error.map(|e| e.1),
        c,
    });
    *response.status_mut() = code;
    Ok(response)
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ConfirmInput {
    /// The hours as staff settle them, in minutes (a number, or text like `90` or `1.5h`); without it, as
    /// recorded.
    #[serde(default, deserialize_with = "number_or_text")]
    #[schema(value_type = Option<String>)]
    pub minutes: Option<String>,
    /// Why the hours were corrected.
    pub note: Option<String>,
}

/// Minutes as a JSON number or as text (forms send text).
fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Number(i64),
        Text(String),
    }
    Ok(Option::<Given>::deserialize(d)?.map(|g| match g {
        Given::Number(n) => n.to_string(),
        Given::Text(t) => t,
    }))
}

/// Confirms a pending record (with corrected minutes, if given); staff of the record's community only.
async fn confirm(state: &AppState, user: &CurrentUser, id: i64, input: ConfirmInput) -> Result<RecordView, AppError> {
    let record = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !user.can(Action::ConfirmService, &Place::community(record.community_id)) {
        // Someone else's record: as if it did not exist, unless it is their own.
        return Err(if record.user_id == user.user.id { AppError::Forbidden } else { AppError::NotFound });
    }
    let minutes = match input.minutes.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Minutes::parse(m).map_err(|e| AppError::invalid(e.code()))?.get() as i32,
        None => record.minutes,
    };
    let note = crate::wish::actions::text(&input.note, 200)?;
    if minutes != record.minutes && note.is_none() {
        return Err(AppError::invalid("correction_note_required"));
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let done = store::confirm(&txn, id, user.user.id, minutes, note, now).await.map_err(|e| match e {
        StoreError::Conflict(code) => AppError::Conflict(code),
        other => other.into(),
    })?;
    let entry = user
        .audit("service.confirm")
        .object("service_record", id)
        .community(Some(record.community_id))
        .detail(format!("minutes={}→{}", record.minutes, minutes));
    audit::record(&txn, now, entry).await?;
    txn.commit().await.map_err(StoreError::from)?;
    let volunteer = weizhili_store::account::user_by_id(&state.db, done.user_id).await?;
    Ok(RecordView::build(Row { record: done, volunteer: volunteer.map(|u| u.display_name).unwrap_or_default() }))
}

async fn confirm_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(input): Form<ConfirmInput>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    match confirm(&state, &user, id, input).await {
        Ok(_) => Ok(Redirect::to("/service-records?view=all&status=pending").into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let message = e.message(c.lang);
            let p = ListParams { view: Some("all".into()), status: Some("pending".into()) };
            page(&state, c, &user, p, Paging::first(PAGE_SIZE), Some((e.status(), message))).await
        }
        Err(e) => Err(e),
    }
}

/// Service records: a volunteer's own (`view=mine`), or for staff their community's (`view=all`, the default
/// for them).
#[utoipa::path(get, path = "/api/v1/service-records", tag = "service", security(("bearer" = [])),
    params(ListParams, PageQuery), responses((status = 200, body = ListOf<RecordView>), (status = 401)))]
pub async fn list_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
    Query(pq): Query<PageQuery>,
) -> Result<Json<ListOf<RecordView>>, AppError> {
    let (filter, _) = filter_for(&user, &p, pq.paging(API_SIZE));
    let found = store::list(&state.db, &filter).await?;
    Ok(Json(ListOf {
        total: found.total,
        page: found.page,
        per_page: found.per_page,
        items: found.rows.into_iter().map(RecordView::build).collect(),
    }))
}

/// Confirms a pending service record, optionally with corrected minutes (then a note is required). Staff only.
#[utoipa::path(post, path = "/api/v1/service-records/{id}/confirm", tag = "service", security(("bearer" = [])),
    request_body = ConfirmInput,
    responses((status = 200, body = RecordView), (status = 403, description = "The volunteer's own record, or anyone's but staff"),
        (status = 404), (status = 409), (status = 422)))]
pub async fn confirm_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<ConfirmInput>>,
) -> Result<Json<RecordView>, AppError> {
    let input = body.map(|b| b.0).unwrap_or_default();
    Ok(Json(confirm(&state, &user, parse_id(&id)?, input).await?))
}

//! Notifications in the app: the bell with its unread count (in every page's header), the list page, the JSON
//! API, and the timed work that sends them: the warning before a claim lapses, and staff's daily summary.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use weizhili_core::access::Role;
use weizhili_core::notify::{DAILY_SUMMARY_HOUR, Kind, StaffMode};
use weizhili_store::notify::{self as store, NewNotification, Notification};
use weizhili_store::wish as wish_store;
use weizhili_store::{StoreError, account, begin_write};

use crate::auth::CurrentUser;
use crate::grid::api::ListOf;
use crate::grid::pages::parse_id;
use crate::page::{PageCtx, render};
use crate::paging::{PageQuery, Pager, Size};
use crate::wish::actions::notification;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list_page))
        .route("/notifications/read", post(read_all))
        .route("/notifications/{id}", get(open))
        .route("/api/v1/notifications", get(list_json))
        .route("/api/v1/notifications/read", post(read_json))
}

/// A notification as the API gives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// wish_published, wish_rejected, wish_claimed, wish_fulfilled, claim_revoked, claim_lapsing, claim_lapsed,
    /// wish_offered, wish_submitted, staff_claim_lapsing, daily_summary, event_promoted, event_changed,
    /// event_cancelled, shift_assigned.
    pub kind: String,
    pub wish_id: Option<i64>,
    /// The event (session) it is about.
    pub event_id: Option<i64>,
    pub title: String,
    pub detail: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        NotificationView {
            id: n.id,
            kind: n.kind,
            wish_id: n.wish_id,
            event_id: n.event_id,
            title: n.title,
            detail: n.detail,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }
    }
}

pub struct Item {
    pub id: i64,
    pub text: String,
    pub detail: Option<String>,
    pub at: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notify/list.html")]
struct ListPage {
    c: PageCtx,
    items: Vec<Item>,
    unread: u64,
    pager: Pager,
}

/// 20 notifications a page.
const PAGE_SIZE: Size = Size::fixed(20);
/// 50 a page through the API, up to 100 (`store::notify::list`).
const API_SIZE: Size = Size::up_to(50, 100);

async fn list_page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let paging = q.paging(PAGE_SIZE);
    let found = store::list(&state.db, user.user.id, paging.page(), paging.per_page()).await?;
    let unread = store::unread_count(&state.db, user.user.id).await?;
    let pager = Pager::new("/notifications", &[], found.page, found.pages());
    let items = found
        .rows
        .into_iter()
        .map(|n| {
            let (text, detail) = describe(&c, &n);
            Item {
                id: n.id,
                text,
                detail,
                at: weizhili_core::clock::china_time(n.created_at).format("%Y-%m-%d %H:%M").to_string(),
                unread: n.read_at.is_none(),
            }
        })
        .collect();
    Ok(render(&ListPage { c, items, unread, pager }))
}

/// What a notification says, in the reader's language, and the line under it.
fn describe(c: &PageCtx, n: &Notification) -> (String, Option<String>) {
    let key = format!("notice-{}", n.kind.replace('_', "-"));
    if n.kind == Kind::DailySummary.as_str() {
        let (submitted, lapsing) = n.detail.as_deref().and_then(|d| d.split_once('/')).unwrap_or(("0", "0"));
        let args = [("date", n.title.clone()), ("submitted", submitted.to_owned()), ("lapsing", lapsing.to_owned())];
        return (c.lang.ta(&key, &args), None);
    }
    (c.ta(&key, "title", &n.title), n.detail.clone())
}

/// Opens a notification: marks it read and goes to what it is about.
async fn open(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response, AppError> {
    let n = store::get(&state.db, user.user.id, parse_id(&id)?).await?.ok_or(AppError::NotFound)?;
    store::mark_read(&state.db, user.user.id, Some(n.id), state.clock.now()).await?;
    let to = match (n.wish_id, n.kind.as_str()) {
        (Some(w), _) => format!("/wishes/{w}"),
        (None, _) if let Some(e) = n.event_id => format!("/events/{e}"),
        (None, "daily_summary") => "/wishes?view=all&status=submitted".to_owned(),
        _ => "/notifications".to_owned(),
    };
    Ok(Redirect::to(&to).into_response())
}

async fn read_all(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    store::mark_read(&state.db, user.user.id, None, state.clock.now()).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// The signed-in user's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notify", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = ListOf<NotificationView>), (status = 401)))]
pub async fn list_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<ListOf<NotificationView>>, AppError> {
    let paging = q.paging(API_SIZE);
    let found = store::list(&state.db, user.user.id, paging.page(), paging.per_page()).await?;
    Ok(Json(ListOf {
        total: found.total,
        page: found.page,
        per_page: found.per_page,
        items: found.rows.into_iter().map(NotificationView::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ReadInput {
    /// One notification; without it, all of them.
    pub id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ReadResult {
    /// How many were unread and are read now.
    pub marked: u64,
}

/// Marks one notification, or all, as read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notify", security(("bearer" = [])),
    request_body = ReadInput, responses((status = 200, body = ReadResult), (status = 401)))]
pub async fn read_json(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Option<Json<ReadInput>>,
) -> Result<Json<ReadResult>, AppError> {
    let id = body.and_then(|b| b.0.id);
    let marked = store::mark_read(&state.db, user.user.id, id, state.clock.now()).await?;
    Ok(Json(ReadResult { marked }))
}

/// Warns claimants a day before their claim lapses (and staff, when they asked for each event). Returns how many
/// claimants were warned.
pub async fn warn_lapsing(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let days = state.config.first_contact_days;
    let before = now - chrono::Duration::days((days - 1).max(0));
    let mut warned = 0;
    for (w, claim) in wish_store::claims_to_warn(&state.db, before).await? {
        if !weizhili_core::wish::lapse_warning_due(claim.claimed_at, false, now, days) {
            continue;
        }
        let txn = begin_write(&state.db).await?;
        wish_store::mark_warned(&txn, claim.id, now).await?;
        store::send(&txn, &[claim.user_id], &notification(&w, Kind::ClaimLapsing, None), now).await?;
        if state.config.staff_notifications == StaffMode::Each {
            let staff = account::users_with_grant(&txn, Role::Staff, w.community_id).await?;
            store::send(&txn, &staff, &notification(&w, Kind::StaffClaimLapsing, None), now).await?;
        }
        txn.commit().await.map_err(StoreError::from)?;
        warned += 1;
    }
    Ok(warned)
}

/// Sends each community's staff one summary a day, from 08:00 Beijing time: wishes waiting for review and claims
/// about to lapse. Nothing waiting, no summary; at most one a day however often this runs. Returns how many
/// summaries went out.
pub async fn daily_summaries(state: &AppState) -> Result<usize, AppError> {
    use chrono::{TimeZone, Timelike};
    if state.config.staff_notifications != StaffMode::Daily {
        return Ok(0);
    }
    let now = state.clock.now();
    let local = weizhili_core::clock::china_time(now);
    if local.hour() < DAILY_SUMMARY_HOUR {
        return Ok(0);
    }
    let day_start = local
        .offset()
        .from_local_datetime(&local.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|d| d.with_timezone(&chrono::Utc))
        .unwrap_or(now);
    let warn_before = now - chrono::Duration::days((state.config.first_contact_days - 1).max(0));
    let mut sent = 0;
    for community_id in wish_store::communities_with_wishes(&state.db).await? {
        let (submitted, lapsing) = wish_store::waiting_counts(&state.db, community_id, warn_before).await?;
        if submitted == 0 && lapsing == 0 {
            continue;
        }
        let staff = account::users_with_grant(&state.db, Role::Staff, community_id).await?;
        let mut due = Vec::new();
        for id in staff {
            if !store::sent_since(&state.db, id, Kind::DailySummary, day_start).await? {
                due.push(id);
            }
        }
        if due.is_empty() {
            continue;
        }
        let notification = NewNotification {
            community_id: Some(community_id),
            kind: Kind::DailySummary,
            wish_id: None,
            event_id: None,
            title: local.format("%Y-%m-%d").to_string(),
            // Counts as data; the page words them in the reader's language.
            detail: Some(format!("{submitted}/{lapsing}")),
        };
        store::send(&state.db, &due, &notification, now).await?;
        sent += due.len();
    }
    Ok(sent)
}

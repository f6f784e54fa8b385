//! Micro-projects' events (微项目/活动) through the JSON API: staff and group leaders create an event or a
//! series of sessions; residents sign up themselves or a child of their household, staff anyone (代报名); a
//! full event offers its waitlist; a cancellation promotes the first in line; people are checked in per
//! session, once. The rules are `core::event`'s; the places are kept by `store::event` on a locked row.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use weizhili_core::access::{Action, Place};
use weizhili_core::event::{Audience, Capacity, EventError, EventTitle, Recurrence};
use weizhili_store::event::{self as store, Event, NewEvent};
use weizhili_store::{StoreError, audit, begin_write, grid};

use super::flow::{self, refusal, visible};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events", get(list_events).post(create_events))
        .route("/api/v1/events/{id}", get(get_event).put(edit_event))
        .route("/api/v1/events/{id}/cancel", post(cancel_event))
        .route("/api/v1/events/{id}/attendance", get(attendance))
        .route("/api/v1/events/{id}/signups", get(list_signups).post(sign_up))
        .route("/api/v1/events/{id}/signups/{signup}/cancel", post(cancel))
        .route("/api/v1/events/{id}/check-in", post(check_in))
}

/// An event (or one session of a series) as the API gives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    /// The series' first session (its own id when it stands alone): sign up there.
    pub series_id: i64,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Places; none: no limit.
    pub capacity: Option<i32>,
    /// Places taken.
    pub registered: i32,
    /// everyone, children, adults, elderly.
    pub audience: String,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub signup_deadline: Option<DateTime<Utc>>,
    /// scheduled or cancelled.
    pub status: String,
}

impl From<&Event> for EventView {
    fn from(e: &Event) -> Self {
        EventView {
            id: e.id,
            series_id: store::head_of(e),
            title: e.title.clone(),
            description: e.description.clone(),
            place: e.place.clone(),
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            capacity: e.capacity,
            registered: e.registered,
            audience: e.audience.clone(),
            min_age: e.min_age,
            max_age: e.max_age,
            signup_deadline: e.signup_deadline,
            status: e.status.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct AudienceInput {
    /// everyone, children, adults, elderly.
    pub kind: String,
    /// children: 0–17.
    pub min_age: Option<u8>,
    pub max_age: Option<u8>,
}

#[derive(Deserialize, ToSchema)]
pub struct EventInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub place: String,
    /// One session: its start and end. Leave out when `recurrence` is given.
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// A series in Beijing time, e.g. the "430" class: `{"weekdays": [1,2,3,4,5], "from": "2026-09-01",
    /// "until": "2026-12-31", "start": "16:30:00", "end": "18:00:00", "skip": ["2026-10-01"]}`.
    #[schema(value_type = Object)]
    pub recurrence: Option<Recurrence>,
    /// "30", "30人"; none or "不限": no limit.
    pub capacity: Option<String>,
    pub audience: Option<AudienceInput>,
    pub signup_deadline: Option<DateTime<Utc>>,
    /// The project (微项目) it belongs to.
    pub project_id: Option<i64>,
    /// Or a new project to group it in, by its title.
    #[serde(default)]
    pub new_project: Option<String>,
    /// Only for this building's residents' calendar (it still shows on the community's).
    pub building_id: Option<i64>,
}

/// Creates an event, or one event per session of a series (staff and group leaders of the community).
#[utoipa::path(post, path = "/api/v1/events", tag = "event", security(("bearer" = [])), request_body = EventInput,
    responses((status = 201, body = Vec<EventView>), (status = 403), (status = 422)))]
pub async fn create_events(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<EventInput>,
) -> Result<(StatusCode, Json<Vec<EventView>>), AppError> {
    let made = create(&state, &user, input).await?;
    Ok((StatusCode::CREATED, Json(made.iter().map(EventView::from).collect())))
}

/// Creates the event (or the series' sessions) `input` describes: the form's way in as well as the API's.
pub(super) async fn create(state: &AppState, user: &CurrentUser, input: EventInput) -> Result<Vec<Event>, AppError> {
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(Action::ManageEvents, &Place::community(cid))?;
    let title = EventTitle::parse(&input.title).map_err(refusal)?;
    let place = crate::wish::actions::text(&Some(input.place.clone()), 60)?
        .ok_or_else(|| AppError::invalid("place_required"))?;
    let description = crate::wish::actions::text(&Some(input.description.clone()), 2000)?.unwrap_or_default();
    let capacity = Capacity::parse(input.capacity.as_deref().unwrap_or("")).map_err(refusal)?;
    let audience = match &input.audience {
        Some(a) => Audience::from_parts(&a.kind, a.min_age, a.max_age).map_err(refusal)?,
        None => Audience::Everyone,
    };
    let sessions: Vec<(DateTime<Utc>, DateTime<Utc>)> = match (&input.recurrence, input.starts_at, input.ends_at) {
        (Some(r), _, _) => r.sessions().map_err(refusal)?.iter().map(|s| (s.start_utc(), s.end_utc())).collect(),
        (None, Some(start), Some(end)) if end > start => vec![(start, end)],
        _ => return Err(refusal(EventError::BadSessionTimes)),
    };
    if let Some(b) = input.building_id {
        let building = grid::building(&state.db, b).await?.ok_or(AppError::NotFound)?;
        if building.community_id != cid {
            return Err(AppError::NotFound);
        }
    }
    if let Some(p) = input.project_id {
        store::project(&state.db, p).await?.filter(|p| p.community_id == cid).ok_or(AppError::NotFound)?;
    }
    let new_project = crate::wish::actions::text(&input.new_project, 60)?;
    let (min_age, max_age) = match audience {
        Audience::Children(range) => (Some(i32::from(range.min_age())), Some(i32::from(range.max_age()))),
        _ => (None, None),
    };
    let mut new = NewEvent {
        community_id: cid,
        project_id: input.project_id,
        building_id: input.building_id,
        title: title.as_str().to_owned(),
        description,
        place,
        capacity: capacity.map(|c| c.get() as i32),
        audience: audience.kind().to_owned(),
        min_age,
        max_age,
        signup_deadline: input.signup_deadline,
        created_by: Some(user.user.id),
    };
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    if let Some(title) = new_project {
        let project = store::create_project(&txn, cid, title, String::new(), Some(user.user.id), now).await?;
        new.project_id = Some(project.id);
    }
    let made = store::create(&txn, &new, &sessions, now).await?;
    let head = made.first().map(|e| e.id).unwrap_or_default();
    let entry = user.audit("event.create").object("event", head).community(Some(cid));
    audit::record(&txn, now, entry.detail(format!("sessions={}", made.len()))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(made)
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// From (default: now).
    pub from: Option<DateTime<Utc>>,
    /// Until (default: 31 days after `from`).
    pub to: Option<DateTime<Utc>>,
    pub building_id: Option<i64>,
}

/// The community's events (sessions) in a period, soonest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "event", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Vec<EventView>), (status = 401),
        (status = 403, description = "An account of no community (a platform admin)")))]
pub async fn list_events(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<EventView>>, AppError> {
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    let from = p.from.unwrap_or_else(|| state.clock.now());
    let to = p.to.unwrap_or(from + chrono::Duration::days(31));
    let found = store::list(&state.db, cid, from, to, p.building_id, 500).await?;
    Ok(Json(found.iter().map(EventView::from).collect()))
}

/// One event (session).
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = EventView), (status = 404)))]
pub async fn get_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<EventView>, AppError> {
    Ok(Json(EventView::from(&visible(&state, &user, &id).await?)))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignupView {
    pub id: i64,
    pub event_id: i64,
    pub resident_id: i64,
    /// registered, waitlisted, cancelled, attended, no_show.
    pub status: String,
    /// self, guardian or proxy.
    pub signed_up_as: String,
    pub walk_in: bool,
    /// The person's name: for staff and the person's household.
    pub name: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct SignupInput {
    /// Whom to sign up: yourself (the default), a child of your household, or (staff) any resident.
    pub resident_id: Option<i64>,
    /// When the event is full: go on the waitlist instead of being refused with `event_full`.
    #[serde(default)]
    pub waitlist: bool,
}

/// Signs up for an event (the series' first session for a series). Refusals: `event_full` (409; ask again with
/// `waitlist: true`), `signup_closed` (409), `already_signed_up` (409), `not_eligible` (422), `not_your_child`
/// (422).
#[utoipa::path(post, path = "/api/v1/events/{id}/signups", tag = "event", security(("bearer" = [])),
    request_body = SignupInput,
    responses((status = 201, body = SignupView), (status = 403, description = "Signing oneself up without living in the community"),
        (status = 404), (status = 409), (status = 422)))]
pub async fn sign_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<SignupInput>>,
) -> Result<(StatusCode, Json<SignupView>), AppError> {
    let input = body.map(|b| b.0).unwrap_or_default();
    let session = visible(&state, &user, &id).await?;
    let (signup, as_whom, name) = flow::sign_up(&state, &user, &session, input.resident_id, input.waitlist).await?;
    let view = SignupView {
        id: signup.id,
        event_id: signup.event_id,
        resident_id: signup.resident_id,
        status: signup.status,
        signed_up_as: as_whom.as_str().to_owned(),
        walk_in: false,
        name: Some(name),
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// The sign-ups of an event: all of them for staff, their own household's for a resident; places first, then
/// the waitlist in order.
#[utoipa::path(get, path = "/api/v1/events/{id}/signups", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = Vec<SignupView>), (status = 404)))]
pub async fn list_signups(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<SignupView>>, AppError> {
    let session = visible(&state, &user, &id).await?;
    let staff = user.can(Action::ManageEvents, &Place::community(session.community_id));
    let households = user.actor.own_households();
    let shown: Vec<_> = store::signups(&state.db, store::head_of(&session))
        .await?
        .into_iter()
        .filter(|s| staff || households.contains(&s.household_id))
        .collect();
    let names = grid::resident_names(&state.db, shown.iter().map(|s| s.resident_id).collect()).await?;
    let mut views = Vec::new();
    for s in shown {
        let name = names.get(&s.resident_id).cloned();
        let signed_up_as = flow::signed_up_as(&s);
        views.push(SignupView {
            id: s.id,
            event_id: s.event_id,
            resident_id: s.resident_id,
            status: s.status,
            signed_up_as: signed_up_as.to_owned(),
            walk_in: s.walk_in,
            name,
        });
    }
    Ok(Json(views))
}

#[derive(Serialize, ToSchema)]
pub struct CancelResult {
    /// The sign-ups moved up from the waitlist.
    pub promoted: Vec<i64>,
}

/// Cancels a sign-up (its household or staff); the first in line moves up.
#[utoipa::path(post, path = "/api/v1/events/{id}/signups/{signup}/cancel", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = CancelResult), (status = 404), (status = 409)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, signup)): Path<(String, String)>,
) -> Result<Json<CancelResult>, AppError> {
    let session = visible(&state, &user, &id).await?;
    let moved = flow::cancel_signup(&state, &user, &session, &signup).await?;
    Ok(Json(CancelResult { promoted: moved.iter().map(|m| m.id).collect() }))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct CheckInInput {
    /// Staff: whom to check in. Residents check themselves in (the event's QR code) and leave it out.
    pub resident_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckInResult {
    /// False when they were checked in to this session already (it counts once).
    pub new: bool,
    pub walk_in: bool,
}

/// Checks a person in to this session: staff anyone of the community, a resident themselves. Once per session.
#[utoipa::path(post, path = "/api/v1/events/{id}/check-in", tag = "event", security(("bearer" = [])),
    request_body = CheckInInput, responses((status = 200, body = CheckInResult), (status = 403), (status = 404)))]
pub async fn check_in(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<CheckInInput>>,
) -> Result<Json<CheckInResult>, AppError> {
    let input = body.map(|b| b.0).unwrap_or_default();
    let session = visible(&state, &user, &id).await?;
    let (checkin, new) = flow::check_in(&state, &user, &session, input.resident_id).await?;
    Ok(Json(CheckInResult { new, walk_in: checkin.walk_in }))
}

#[derive(Deserialize, ToSchema)]
pub struct EventEditInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// This session's place.
    pub place: String,
    /// This session's start and end.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// For the whole series: "30", or none for no limit. Not fewer than the places taken.
    pub capacity: Option<String>,
    pub signup_deadline: Option<DateTime<Utc>>,
}

/// Edits a session (time, place) and its series (title, description, places, deadline). Everyone signed up is
/// told of a new time or place; more places move people up from the waitlist. `capacity_below_taken` (422).
#[utoipa::path(put, path = "/api/v1/events/{id}", tag = "event", security(("bearer" = [])),
    request_body = EventEditInput, responses((status = 200, body = EventView), (status = 403), (status = 404), (status = 422)))]
pub async fn edit_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<EventEditInput>,
) -> Result<Json<EventView>, AppError> {
    let ev = visible(&state, &user, &id).await?;
    let title = EventTitle::parse(&input.title).map_err(refusal)?;
    let place =
        crate::wish::actions::text(&Some(input.place), 60)?.ok_or_else(|| AppError::invalid("place_required"))?;
    let description = crate::wish::actions::text(&Some(input.description), 2000)?.unwrap_or_default();
    let capacity = Capacity::parse(input.capacity.as_deref().unwrap_or("")).map_err(refusal)?;
    if input.ends_at <= input.starts_at {
        return Err(refusal(EventError::BadSessionTimes));
    }
    let edit = store::EventEdit {
        title: title.as_str().to_owned(),
        description,
        capacity: capacity.map(|c| c.get() as i32),
        signup_deadline: input.signup_deadline,
        place,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
    };
    flow::edit(&state, &user, &ev, edit).await?;
    let ev = store::get(&state.db, ev.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(EventView::from(&ev)))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct CancelEventInput {
    /// Cancel this and every later session of the series, not just this one.
    #[serde(default)]
    pub whole_series: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CancelEventResult {
    /// How many sessions were cancelled.
    pub cancelled: u64,
}

/// Cancels a session, or it and the rest of its series; everyone signed up is told. `event_cancelled` (409)
/// when there was nothing left to cancel.
#[utoipa::path(post, path = "/api/v1/events/{id}/cancel", tag = "event", security(("bearer" = [])),
    request_body = CancelEventInput, responses((status = 200, body = CancelEventResult), (status = 403), (status = 404), (status = 409)))]
pub async fn cancel_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<CancelEventInput>>,
) -> Result<Json<CancelEventResult>, AppError> {
    let input = body.map(|b| b.0).unwrap_or_default();
    let ev = visible(&state, &user, &id).await?;
    let whole = input.whole_series && ev.series_id.is_some();
    let cancelled = flow::cancel_event(&state, &user, &ev, whole).await?;
    Ok(Json(CancelEventResult { cancelled }))
}

#[derive(Serialize, ToSchema)]
pub struct CheckinView {
    pub resident_id: i64,
    pub name: String,
    pub walk_in: bool,
    pub checked_in_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceView {
    /// This session's check-ins, in order.
    pub checkins: Vec<CheckinView>,
    /// 服务人次 over the whole series: check-ins, each person once per session.
    pub attendances: usize,
    /// 服务人数 over the whole series: distinct people.
    pub people_served: usize,
}

/// A session's check-ins (the sign-in sheet's data) and the series' attendance counts; staff only, audited.
#[utoipa::path(get, path = "/api/v1/events/{id}/attendance", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = AttendanceView), (status = 404)))]
pub async fn attendance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<AttendanceView>, AppError> {
    let ev = visible(&state, &user, &id).await?;
    if !flow::manages(&user, &ev) {
        return Err(AppError::NotFound);
    }
    let rows = store::checkins(&state.db, ev.id).await?;
    let names = grid::resident_names(&state.db, rows.iter().map(|c| c.resident_id).collect()).await?;
    let counts =
        weizhili_core::event::attendance_counts(store::checkins_of_series(&state.db, store::head_of(&ev)).await?);
    let entry = user.audit("event.attendance").object("event", ev.id).community(Some(ev.community_id));
    audit::record(&state.db, state.clock.now(), entry.detail(format!("rows={}", rows.len()))).await?;
    let checkins = rows
        .into_iter()
        .map(|c| CheckinView {
            name: names.get(&c.resident_id).cloned().unwrap_or_default(),
            resident_id: c.resident_id,
            walk_in: c.walk_in,
            checked_in_at: c.checked_in_at,
        })
        .collect();
    Ok(Json(AttendanceView { checkins, attendances: counts.attendances, people_served: counts.people_served }))
}

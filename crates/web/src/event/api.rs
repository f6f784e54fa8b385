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
use weizhili_core::event::{
    Attendee, Audience, Capacity, EventError, EventTitle, Places, Recurrence, SignedUpBy, Signer, SignupTerms,
    WhenFull, decide_signup, eligible, may_sign_up_for, promote,
};
use weizhili_core::grid::BirthYear;
use weizhili_store::event::{self as store, Event, NewEvent, NewSignup};
use weizhili_store::{StoreError, audit, begin_write, grid};

use crate::auth::CurrentUser;
use crate::grid::pages::parse_id;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events", get(list_events).post(create_events))
        .route("/api/v1/events/{id}", get(get_event))
        .route("/api/v1/events/{id}/signups", get(list_signups).post(sign_up))
        .route("/api/v1/events/{id}/signups/{signup}/cancel", post(cancel))
        .route("/api/v1/events/{id}/check-in", post(check_in))
}

fn refusal(e: EventError) -> AppError {
    // The state of the event or the sign-up stands in the way (409); otherwise the input is wrong (422).
    const CONFLICTS: [&str; 7] = [
        "event_full",
        "signup_closed",
        "already_signed_up",
        "signup_cancelled",
        "signup_not_waitlisted",
        "signup_not_registered",
        "signup_settled",
    ];
    let code = e.code();
    if CONFLICTS.contains(&code) { AppError::Conflict(code) } else { AppError::invalid(code, e.to_string()) }
}

pub(crate) fn store_refusal(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(code) => AppError::Conflict(code),
        other => other.into(),
    }
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

/// The event if the user belongs to its community (or is an admin), else 404.
pub(crate) async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> Result<Event, AppError> {
    let ev = store::get(&state.db, parse_id(id)?).await?.ok_or(AppError::NotFound)?;
    if !(user.actor.is_admin() || user.community_id() == Some(ev.community_id)) {
        return Err(AppError::NotFound);
    }
    Ok(ev)
}

fn audience_of(e: &Event) -> Audience {
    let age = |v: Option<i32>| v.and_then(|a| u8::try_from(a).ok());
    Audience::from_parts(&e.audience, age(e.min_age), age(e.max_age)).unwrap_or(Audience::Everyone)
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
    pub project_id: Option<i64>,
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
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(Action::ManageEvents, &Place::community(cid))?;
    let title = EventTitle::parse(&input.title).map_err(refusal)?;
    let place = crate::wish::actions::text(&Some(input.place.clone()), 60)?
        .ok_or_else(|| AppError::invalid("place_required", ""))?;
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
    let (min_age, max_age) = match audience {
        Audience::Children(range) => (Some(i32::from(range.min_age())), Some(i32::from(range.max_age()))),
        _ => (None, None),
    };
    let new = NewEvent {
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
    let made = store::create(&txn, &new, &sessions, now).await?;
    let head = made.first().map(|e| e.id).unwrap_or_default();
    let entry = user.audit("event.create").object("event", head).community(Some(cid));
    audit::record(&txn, now, entry.detail(format!("sessions={}", made.len()))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok((StatusCode::CREATED, Json(made.iter().map(EventView::from).collect())))
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
    responses((status = 200, body = Vec<EventView>), (status = 401)))]
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
    responses((status = 201, body = SignupView), (status = 404), (status = 409), (status = 422)))]
pub async fn sign_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<SignupInput>>,
) -> Result<(StatusCode, Json<SignupView>), AppError> {
    let input = body.map(|b| b.0).unwrap_or_default();
    let session = visible(&state, &user, &id).await?;
    let head = store::get(&state.db, store::head_of(&session)).await?.ok_or(AppError::NotFound)?;
    let staff = user.can(Action::ManageEvents, &Place::community(head.community_id));
    let own = match user.user.resident_id {
        Some(r) => grid::resident(&state.db, r).await?.map(|row| row.resident),
        None => None,
    };
    let resident_id = input.resident_id.or(own.as_ref().map(|r| r.id)).ok_or(AppError::Forbidden)?;
    let person = grid::resident(&state.db, resident_id).await?.ok_or(AppError::NotFound)?.resident;
    let household = grid::household(&state.db, person.household_id).await?.ok_or(AppError::NotFound)?;
    if household.community_id != head.community_id {
        return Err(AppError::NotFound);
    }
    if !staff && !user.can(Action::SignUpForEvent, &crate::grid::household_place(&household)) {
        return Err(AppError::Forbidden);
    }
    let on = weizhili_core::clock::china_time(head.starts_at).date_naive();
    let signer =
        Signer { resident_id: own.as_ref().map(|r| r.id), household_id: own.map(|r| r.household_id), proxy: staff };
    let this_year = state.clock.this_year();
    let attendee = Attendee {
        resident_id: person.id,
        household_id: Some(person.household_id),
        birth_year: person.birth_year.and_then(|y| BirthYear::new(y, this_year).ok()),
    };
    let as_whom = may_sign_up_for(&signer, &attendee, on).map_err(refusal)?;
    eligible(audience_of(&head), attendee.birth_year, on).map_err(refusal)?;
    let now = state.clock.now();
    let when_full = if input.waitlist { WhenFull::Waitlist } else { WhenFull::Refuse };
    let decide = |ev: &Event, already: bool, waiting: u32| {
        let terms = SignupTerms {
            capacity: ev.capacity.and_then(|c| u32::try_from(c).ok()).and_then(|c| Capacity::new(c).ok()),
            deadline: ev.signup_deadline,
            starts_at: ev.starts_at,
        };
        let places = Places { taken: u32::try_from(ev.registered).unwrap_or(0), waiting };
        decide_signup(&terms, places, already, when_full, now).map(|s| s.as_str()).map_err(|e| e.code())
    };
    let new = NewSignup {
        resident_id: person.id,
        household_id: person.household_id,
        signed_up_by: Some(user.user.id),
        proxy: as_whom == SignedUpBy::Proxy,
        guardian: as_whom == SignedUpBy::Guardian,
    };
    let txn = begin_write(&state.db).await?;
    let (_, signup) = store::sign_up(&txn, head.id, new, decide, now).await.map_err(store_refusal)?;
    let entry = user.audit("event.sign_up").object("event", head.id).community(Some(head.community_id));
    audit::record(&txn, now, entry.detail(format!("resident={} status={}", person.id, signup.status))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    let view = SignupView {
        id: signup.id,
        event_id: signup.event_id,
        resident_id: signup.resident_id,
        status: signup.status,
        signed_up_as: as_whom.as_str().to_owned(),
        walk_in: false,
        name: Some(person.name),
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
        let signed_up_as = if s.proxy {
            "proxy"
        } else if s.guardian {
            "guardian"
        } else {
            "self"
        };
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
    let head = store::head_of(&session);
    let s =
        store::signup(&state.db, parse_id(&signup)?).await?.filter(|s| s.event_id == head).ok_or(AppError::NotFound)?;
    let staff = user.can(Action::ManageEvents, &Place::community(session.community_id));
    let own = user.actor.lives_in(Some(s.household_id));
    if !(staff || own) {
        return Err(AppError::NotFound);
    }
    let status = weizhili_core::event::SignupStatus::parse(&s.status).map_err(refusal)?;
    weizhili_core::event::transition(status, weizhili_core::event::SignupAction::Cancel).map_err(refusal)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let moved = store::cancel(
        &txn,
        &s,
        |ev, line| {
            let capacity = ev.capacity.and_then(|c| u32::try_from(c).ok()).and_then(|c| Capacity::new(c).ok());
            promote(capacity, u32::try_from(ev.registered).unwrap_or(0), line).to_vec()
        },
        now,
    )
    .await
    .map_err(store_refusal)?;
    let entry = user.audit("event.cancel").object("event", head).community(Some(session.community_id));
    audit::record(&txn, now, entry.detail(format!("signup={} promoted={}", s.id, moved.len()))).await?;
    txn.commit().await.map_err(StoreError::from)?;
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
    let staff = user.can(Action::ManageEvents, &Place::community(session.community_id));
    let resident_id = match (input.resident_id, user.user.resident_id) {
        (Some(r), _) if staff => r,
        (Some(r), Some(own)) if r == own => r,
        (None, Some(own)) => own,
        _ => return Err(AppError::Forbidden),
    };
    let person = grid::resident(&state.db, resident_id).await?.ok_or(AppError::NotFound)?.resident;
    let household = grid::household(&state.db, person.household_id).await?.ok_or(AppError::NotFound)?;
    if household.community_id != session.community_id {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (checkin, new) = store::check_in(&txn, &session, person.id, person.household_id, Some(user.user.id), now)
        .await
        .map_err(store_refusal)?;
    if new {
        let entry = user.audit("event.check_in").object("event", session.id).community(Some(session.community_id));
        audit::record(&txn, now, entry.detail(format!("resident={}", person.id))).await?;
    }
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Json(CheckInResult { new, walk_in: checkin.walk_in }))
}

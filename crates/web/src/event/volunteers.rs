//! Event volunteers (活动志愿者): staff and group leaders add shifts of a role (裁判, 签到, 摄影…); volunteers take a
//! place themselves or staff put one on; after the shift staff mark who served, which records a pending service
//! record (志愿服务记录, minutes = the shift's length, `event_id` set) for staff to confirm at /service-records.
//! The page `/events/{id}/volunteers` and the API under `/api/v1/events/{id}/volunteers`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use weizhili_core::access::{Action, Actor, Place};
use weizhili_core::clock::china_time;
use weizhili_core::event::followup::{self as rules, FollowupError, RoleName, Shift};
use weizhili_store::event::Event;
use weizhili_store::event::followup::{self as store, NewShift};
use weizhili_store::service::NewRecord;
use weizhili_store::{StoreError, account, audit, begin_write};

use super::after::{followup_refusal, hm};
use super::flow::{store_refusal, visible};
use crate::auth::CurrentUser;
use crate::grid::pages::parse_id;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/volunteers", get(page))
        .route("/events/{id}/volunteers/shifts", post(add_shift_form))
        .route("/events/{id}/volunteers/shifts/{shift}/take", post(take_form))
        .route("/events/{id}/volunteers/{on}/served", post(served_form))
        .route("/events/{id}/volunteers/{on}/leave", post(leave_form))
        .route("/api/v1/events/{id}/volunteers", get(list_json))
        .route("/api/v1/events/{id}/volunteers/shifts", post(add_shift_json))
        .route("/api/v1/events/{id}/volunteers/shifts/{shift}/take", post(take_json))
        .route("/api/v1/events/{id}/volunteers/{on}/served", post(served_json))
        .route("/api/v1/events/{id}/volunteers/{on}/leave", post(leave_json))
}

/// Someone on a shift.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OnShiftView {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// Put on the shift by staff (rather than taken).
    pub assigned: bool,
    pub served: bool,
    /// The pending (or confirmed) service record the served mark made.
    pub service_record_id: Option<i64>,
}

/// A volunteer shift with the people on it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShiftView {
    pub id: i64,
    pub role: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub places: i32,
    pub taken: i32,
    /// The service time a served shift records.
    pub minutes: i64,
    pub volunteers: Vec<OnShiftView>,
    /// Whether the asking user is on it.
    #[serde(skip)]
    pub mine: bool,
}

impl ShiftView {
    pub fn time(&self) -> String {
        format!("{} {}–{}", china_time(self.starts_at).format("%Y-%m-%d"), hm(self.starts_at), hm(self.ends_at))
    }

    pub fn full(&self) -> bool {
        self.taken >= self.places
    }
}

/// What the asking user may do here: run the volunteers (staff, group leaders) or take a shift (volunteers).
struct Standing {
    manage: bool,
    volunteer: bool,
}

async fn standing(state: &AppState, user: &CurrentUser, id: &str) -> Result<(Event, Standing), AppError> {
    let ev = visible(state, user, id).await?;
    let place = Place::community(ev.community_id);
    let s = Standing {
        manage: user.can(Action::ManageEvents, &place),
        volunteer: user.can(Action::VolunteerAtEvent, &place),
    };
    if !(s.manage || s.volunteer) {
        return Err(AppError::Forbidden);
    }
    Ok((ev, s))
}

/// The shifts of an event with the people on them (full names: staff and volunteers work together).
pub async fn shifts(state: &AppState, ev: &Event, me: i64) -> Result<Vec<ShiftView>, AppError> {
    let shifts = store::shifts_of(&state.db, ev.id).await?;
    let on = store::on_shifts(&state.db, ev.id).await?;
    let names = account::display_names(&state.db, on.iter().map(|o| o.user_id).collect()).await?;
    Ok(shifts
        .into_iter()
        .map(|s| {
            let volunteers: Vec<OnShiftView> = on
                .iter()
                .filter(|o| o.shift_id == s.id)
                .map(|o| OnShiftView {
                    id: o.id,
                    user_id: o.user_id,
                    name: names.get(&o.user_id).cloned().unwrap_or_default(),
                    assigned: o.assigned_by.is_some(),
                    served: o.served_at.is_some(),
                    service_record_id: o.service_record_id,
                })
                .collect();
            ShiftView {
                id: s.id,
                role: s.role,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                places: s.places,
                taken: volunteers.len() as i32,
                minutes: rules::shift_minutes(s.starts_at, s.ends_at).map(|m| m.get()).unwrap_or(0),
                mine: volunteers.iter().any(|v| v.user_id == me),
                volunteers,
            }
        })
        .collect())
}

/// A shift as the API takes it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ShiftInput {
    /// 裁判, 签到, 摄影…
    pub role: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// 1–200.
    pub places: u32,
}

async fn add_shift(state: &AppState, user: &CurrentUser, ev: &Event, shift: Shift) -> Result<store::Shift, AppError> {
    let now = state.clock.now();
    let new = NewShift {
        community_id: ev.community_id,
        event_id: ev.id,
        role: shift.role.as_str().to_owned(),
        starts_at: shift.starts_at,
        ends_at: shift.ends_at,
        places: shift.places as i32,
        created_by: Some(user.user.id),
    };
    let txn = begin_write(&state.db).await?;
    let made = store::add_shift(&txn, new, now).await?;
    let entry = user.audit("event.shift_add").object("event", ev.id).community(Some(ev.community_id));
    audit::record(&txn, now, entry.detail(format!("shift={} role={} places={}", made.id, made.role, made.places)))
        .await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(made)
}

/// Puts `whom` (default: the user) on a shift: themselves if they may volunteer, anyone who may if staff.
async fn take(
    state: &AppState,
    user: &CurrentUser,
    ev: &Event,
    s: &Standing,
    shift_id: i64,
    whom: Option<i64>,
) -> Result<store::OnShift, AppError> {
    let shift = store::shift(&state.db, shift_id).await?.filter(|x| x.event_id == ev.id).ok_or(AppError::NotFound)?;
    let place = Place::community(ev.community_id);
    let (user_id, assigned_by) = match whom.filter(|w| *w != user.user.id) {
        None if s.volunteer => (user.user.id, None),
        None => return Err(followup_refusal(FollowupError::NotAVolunteer)),
        Some(_) if !s.manage => return Err(AppError::Forbidden),
        Some(other) => {
            let target = account::user_by_id(&state.db, other).await?.ok_or(AppError::NotFound)?;
            let actor = Actor { user_id: target.id, grants: account::grants_of(&state.db, target.id).await? };
            if !actor.can(Action::VolunteerAtEvent, &place) {
                return Err(followup_refusal(FollowupError::NotAVolunteer));
            }
            (target.id, Some(user.user.id))
        }
    };
    let now = state.clock.now();
    let decide = |sh: &store::Shift, taken: u32, already: bool| {
        rules::take_shift(u32::try_from(sh.places).unwrap_or(0), taken, already).map_err(|e| e.code())
    };
    let txn = begin_write(&state.db).await?;
    let on = store::take_shift(&txn, shift.id, user_id, assigned_by, decide, now).await.map_err(store_refusal)?;
    let entry = user.audit("event.shift_take").object("event", ev.id).community(Some(ev.community_id));
    audit::record(&txn, now, entry.detail(format!("shift={} user={user_id}", shift.id))).await?;
    if assigned_by.is_some() {
        // Put on a shift by staff: they hear of it, with the role and the time.
        let local = |t| weizhili_core::clock::china_time(t);
        let detail = format!(
            "{} {} {}–{}",
            shift.role,
            local(shift.starts_at).format("%m-%d"),
            local(shift.starts_at).format("%H:%M"),
            local(shift.ends_at).format("%H:%M")
        );
        let notification = weizhili_store::notify::NewNotification {
            community_id: Some(ev.community_id),
            kind: weizhili_core::notify::Kind::ShiftAssigned,
            wish_id: None,
            event_id: Some(ev.id),
            title: ev.title.clone(),
            detail: Some(detail),
        };
        weizhili_store::notify::send(&txn, &[user_id], &notification, now).await?;
    }
    txn.commit().await.map_err(StoreError::from)?;
    Ok(on)
}

/// Marks someone on a shift as having served it: a pending service record for the shift's length.
async fn served(state: &AppState, user: &CurrentUser, ev: &Event, on_id: i64) -> Result<OnShiftView, AppError> {
    user.require(Action::ManageEvents, &Place::community(ev.community_id))?;
    let on = store::on_shift(&state.db, on_id).await?.filter(|o| o.event_id == ev.id).ok_or(AppError::NotFound)?;
    let shift = store::shift(&state.db, on.shift_id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let minutes =
        rules::mark_served(shift.starts_at, shift.ends_at, on.served_at.is_some(), now).map_err(followup_refusal)?;
    let record = NewRecord {
        community_id: ev.community_id,
        user_id: on.user_id,
        wish_id: None,
        event_id: Some(ev.id),
        what: format!("{} · {}", ev.title, shift.role),
        served_on: china_time(shift.starts_at).date_naive(),
        minutes: minutes.get() as i32,
    };
    let txn = begin_write(&state.db).await?;
    let (after, made) = store::mark_served(&txn, &on, user.user.id, record, now).await.map_err(store_refusal)?;
    let entry = user.audit("event.shift_served").object("event", ev.id).community(Some(ev.community_id));
    audit::record(&txn, now, entry.detail(format!("user={} record={} minutes={}", on.user_id, made.id, made.minutes)))
        .await?;
    txn.commit().await.map_err(StoreError::from)?;
    let name = account::user_by_id(&state.db, after.user_id).await?.map(|u| u.display_name).unwrap_or_default();
    Ok(OnShiftView {
        id: after.id,
        user_id: after.user_id,
        name,
        assigned: after.assigned_by.is_some(),
        served: true,
        service_record_id: after.service_record_id,
    })
}

/// Takes someone off a shift not yet served: themselves, or anyone for staff.
async fn leave(state: &AppState, user: &CurrentUser, ev: &Event, s: &Standing, on_id: i64) -> Result<(), AppError> {
    let on = store::on_shift(&state.db, on_id).await?.filter(|o| o.event_id == ev.id).ok_or(AppError::NotFound)?;
    if !(s.manage || on.user_id == user.user.id) {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    store::leave_shift(&txn, on.id).await.map_err(store_refusal)?;
    let entry = user.audit("event.shift_leave").object("event", ev.id).community(Some(ev.community_id));
    audit::record(&txn, now, entry.detail(format!("shift={} user={}", on.shift_id, on.user_id))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

/// The "add a shift" form as typed: kept when it is sent back with a message.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShiftForm {
    #[serde(default)]
    pub role: String,
    /// YYYY-MM-DD, Beijing time.
    #[serde(default)]
    pub date: String,
    /// HH:MM.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub places: String,
}

impl ShiftForm {
    fn for_event(ev: &Event) -> ShiftForm {
        ShiftForm {
            role: String::new(),
            date: china_time(ev.starts_at).format("%Y-%m-%d").to_string(),
            start: hm(ev.starts_at),
            end: hm(ev.ends_at),
            places: "2".into(),
        }
    }

    fn parse(&self) -> Result<Shift, AppError> {
        let role = RoleName::parse(&self.role).map_err(followup_refusal)?;
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::typed("bad_date", &self.date))?;
        let time = |t: &str| {
            NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| followup_refusal(FollowupError::BadShiftTimes))
        };
        let beijing = *china_time(Utc::now()).offset();
        let at = |t: NaiveTime| {
            beijing
                .from_local_datetime(&date.and_time(t))
                .single()
                .map(|d| d.with_timezone(&Utc))
                .ok_or_else(|| followup_refusal(FollowupError::BadShiftTimes))
        };
        let places: u32 = self.places.trim().parse().map_err(|_| followup_refusal(FollowupError::BadShiftPlaces))?;
        Shift::new(role, at(time(&self.start)?)?, at(time(&self.end)?)?, places).map_err(followup_refusal)
    }
}

#[derive(Template)]
#[template(path = "event/volunteers.html")]
struct VolunteersPage {
    c: PageCtx,
    ev: Event,
    when: String,
    shifts: Vec<ShiftView>,
    manage: bool,
    volunteer: bool,
    /// The asking user.
    me: i64,
    /// Whom staff may put on a shift: (user id, name).
    candidates: Vec<(i64, String)>,
    form: ShiftForm,
    error: Option<String>,
}

async fn render_page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    id: &str,
    form: Option<ShiftForm>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let (ev, s) = standing(state, user, id).await?;
    let candidates = if s.manage { store::volunteers_of(&state.db, ev.community_id).await? } else { Vec::new() };
    let code = error.as_ref().map(|e| e.0).unwrap_or(StatusCode::OK);
    let mut response = render(&VolunteersPage {
        when: super::after::when(&ev),
        shifts: shifts(state, &ev, user.user.id).await?,
        manage: s.manage,
        volunteer: s.volunteer,
        me: user.user.id,
        candidates,
        form: form.unwrap_or_else(|| ShiftForm::for_event(&ev)),
        error: error.map(|e| e.1),
        ev,
        c,
    });
    *response.status_mut() = code;
    Ok(response)
}

async fn page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    render_page(&state, c, &user, &id, None, None).await
}

/// After a form: back to the page, or the page again with the message (and what was typed).
async fn answer(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    id: &str,
    result: Result<(), AppError>,
    form: Option<ShiftForm>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/events/{}/volunteers", parse_id(id)?)).into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let message = e.message(c.lang);
            render_page(state, c, user, id, form, Some((e.status(), message))).await
        }
        Err(e) => Err(e),
    }
}

async fn add_shift_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ShiftForm>,
) -> Result<Response, AppError> {
    let (ev, s) = standing(&state, &user, &id).await?;
    if !s.manage {
        return Err(AppError::Forbidden);
    }
    let result = match form.parse() {
        Ok(shift) => add_shift(&state, &user, &ev, shift).await.map(|_| ()),
        Err(e) => Err(e),
    };
    answer(&state, c, &user, &id, result, Some(form)).await
}

#[derive(Debug, Default, Deserialize)]
pub struct TakeForm {
    /// Staff: whom to put on the shift (a user id); empty: oneself.
    #[serde(default)]
    pub user_id: String,
}

async fn take_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path((id, shift)): Path<(String, String)>,
    Form(form): Form<TakeForm>,
) -> Result<Response, AppError> {
    let (ev, s) = standing(&state, &user, &id).await?;
    let whom = match form.user_id.trim() {
        "" => None,
        other => Some(parse_id(other)?),
    };
    let result = take(&state, &user, &ev, &s, parse_id(&shift)?, whom).await.map(|_| ());
    answer(&state, c, &user, &id, result, None).await
}

async fn served_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path((id, on)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (ev, _) = standing(&state, &user, &id).await?;
    let result = served(&state, &user, &ev, parse_id(&on)?).await.map(|_| ());
    answer(&state, c, &user, &id, result, None).await
}

async fn leave_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path((id, on)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (ev, s) = standing(&state, &user, &id).await?;
    let result = leave(&state, &user, &ev, &s, parse_id(&on)?).await;
    answer(&state, c, &user, &id, result, None).await
}

// ---------------------------------------------------------------------------------------------------------------
// API

/// An event's volunteer shifts with the people on them (staff, group leaders and volunteers of the community).
#[utoipa::path(get, path = "/api/v1/events/{id}/volunteers", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = Vec<ShiftView>), (status = 403), (status = 404)))]
pub async fn list_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<ShiftView>>, AppError> {
    let (ev, _) = standing(&state, &user, &id).await?;
    Ok(Json(shifts(&state, &ev, user.user.id).await?))
}

/// Adds a volunteer shift (staff and group leaders). Refusals: `bad_volunteer_role`, `bad_shift_times`,
/// `bad_shift_places` (422).
#[utoipa::path(post, path = "/api/v1/events/{id}/volunteers/shifts", tag = "event", security(("bearer" = [])),
    request_body = ShiftInput, responses((status = 201, body = ShiftView), (status = 403), (status = 404), (status = 422)))]
pub async fn add_shift_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<ShiftInput>,
) -> Result<(StatusCode, Json<ShiftView>), AppError> {
    let (ev, s) = standing(&state, &user, &id).await?;
    if !s.manage {
        return Err(AppError::Forbidden);
    }
    let role = RoleName::parse(&input.role).map_err(followup_refusal)?;
    let shift = Shift::new(role, input.starts_at, input.ends_at, input.places).map_err(followup_refusal)?;
    let made = add_shift(&state, &user, &ev, shift).await?;
    let view =
        shifts(&state, &ev, user.user.id).await?.into_iter().find(|v| v.id == made.id).ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TakeInput {
    /// Staff: whom to put on the shift (a volunteer or staff member of the community). Leave out to take it
    /// yourself.
    pub user_id: Option<i64>,
}

/// Takes a place on a shift (volunteers and staff), or puts someone on it (staff). Refusals: `shift_full`,
/// `already_on_shift` (409), `not_a_volunteer` (422).
#[utoipa::path(post, path = "/api/v1/events/{id}/volunteers/shifts/{shift}/take", tag = "event",
    security(("bearer" = [])), request_body = TakeInput,
    responses((status = 201, body = OnShiftView), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn take_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, shift)): Path<(String, String)>,
    body: Option<Json<TakeInput>>,
) -> Result<(StatusCode, Json<OnShiftView>), AppError> {
    let input = body.map(|b| b.0).unwrap_or_default();
    let (ev, s) = standing(&state, &user, &id).await?;
    let on = take(&state, &user, &ev, &s, parse_id(&shift)?, input.user_id).await?;
    let name = account::user_by_id(&state.db, on.user_id).await?.map(|u| u.display_name).unwrap_or_default();
    let view = OnShiftView {
        id: on.id,
        user_id: on.user_id,
        name,
        assigned: on.assigned_by.is_some(),
        served: false,
        service_record_id: None,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Marks a volunteer as having served their shift (staff and group leaders): a pending service record for the
/// shift's length, to confirm at /service-records. Refusals: `already_served`, `shift_not_started` (409).
#[utoipa::path(post, path = "/api/v1/events/{id}/volunteers/{on}/served", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = OnShiftView), (status = 403), (status = 404), (status = 409)))]
pub async fn served_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, on)): Path<(String, String)>,
) -> Result<Json<OnShiftView>, AppError> {
    let (ev, _) = standing(&state, &user, &id).await?;
    Ok(Json(served(&state, &user, &ev, parse_id(&on)?).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Done {
    pub ok: bool,
}

/// Takes someone off a shift they have not served (themselves, or anyone for staff). Refusal: `already_served`.
#[utoipa::path(post, path = "/api/v1/events/{id}/volunteers/{on}/leave", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = Done), (status = 403), (status = 404), (status = 409)))]
pub async fn leave_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, on)): Path<(String, String)>,
) -> Result<Json<Done>, AppError> {
    let (ev, s) = standing(&state, &user, &id).await?;
    leave(&state, &user, &ev, &s, parse_id(&on)?).await?;
    Ok(Json(Done { ok: true }))
}

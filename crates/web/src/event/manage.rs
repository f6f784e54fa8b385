//! Staff's event forms: a new event or series (the "430" class every school day of a term), editing a session
//! (its time and place) and its series (title, places, deadline), and cancelling a session or the rest of a
//! series. Everyone signed up hears of a change of time or place and of a cancellation.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use serde::Deserialize;
use weizhili_core::access::{Action, Place};
use weizhili_core::event::recurrence::china_to_utc;
use weizhili_core::event::{Audience, Capacity, EventTitle, Recurrence};
use weizhili_store::event::{self as store, Event, EventEdit};
use weizhili_store::grid as grid_store;

use super::api::{AudienceInput, EventInput};
use super::flow::{self, refusal, visible};
use crate::auth::CurrentUser;
use crate::grid::pages::Choice;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/new", get(new_form))
        .route("/events/{id}/edit", get(edit_form).post(edit))
        .route("/events/{id}/cancel", post(cancel))
}

/// The event form as typed, kept whole when it comes back with a message.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    pub repeat: Option<String>,
    /// Weekdays 1 (Monday) to 7, as checkboxes; serde_urlencoded gives repeated keys one by one, so the raw form
    /// is read for them.
    #[serde(skip)]
    pub weekdays: Vec<u8>,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub skip: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub min_age: String,
    #[serde(default)]
    pub max_age: String,
    #[serde(default)]
    pub deadline_date: String,
    #[serde(default)]
    pub deadline_time: String,
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub new_project: String,
    #[serde(default)]
    pub building_id: String,
}

impl EventForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> EventForm {
        let weekdays = pairs.iter().filter(|(k, _)| k == "weekday").filter_map(|(_, v)| v.parse().ok()).collect();
        let rest: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "weekday").collect();
        let encoded = serde_urlencoded::to_string(&rest).unwrap_or_default();
        let mut form: EventForm = serde_urlencoded::from_str(&encoded).unwrap_or_default();
        form.weekdays = weekdays;
        form
    }

    fn with_defaults() -> EventForm {
        EventForm {
            start: "09:00".into(),
            end: "11:00".into(),
            audience: "everyone".into(),
            weekdays: vec![1, 2, 3, 4, 5],
            ..Default::default()
        }
    }

    fn of(ev: &Event) -> EventForm {
        let local = |t: DateTime<Utc>| weizhili_core::clock::china_time(t);
        EventForm {
            title: ev.title.clone(),
            description: ev.description.clone(),
            place: ev.place.clone(),
            date: local(ev.starts_at).format("%Y-%m-%d").to_string(),
            start: local(ev.starts_at).format("%H:%M").to_string(),
            end: local(ev.ends_at).format("%H:%M").to_string(),
            capacity: ev.capacity.map(|c| c.to_string()).unwrap_or_default(),
            deadline_date: ev.signup_deadline.map(|d| local(d).format("%Y-%m-%d").to_string()).unwrap_or_default(),
            deadline_time: ev.signup_deadline.map(|d| local(d).format("%H:%M").to_string()).unwrap_or_default(),
            audience: ev.audience.clone(),
            ..Default::default()
        }
    }

    pub fn has_weekday(&self, n: &u8) -> bool {
        self.weekdays.contains(n)
    }
}

fn date(raw: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| AppError::typed("bad_date", raw))
}

fn time(raw: &str) -> Result<NaiveTime, AppError> {
    let raw = raw.trim().replace('：', ":");
    NaiveTime::parse_from_str(&raw, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&raw, "%H:%M:%S"))
        .map_err(|_| AppError::typed("bad_time", &raw))
}

fn optional_id(raw: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() { Ok(None) } else { crate::grid::pages::parse_id(raw).map(Some) }
}

fn age(raw: &str) -> Result<Option<u8>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| AppError::typed("bad_audience", raw))
}

/// The deadline typed as a date and an optional time (end of that day without one), Beijing time.
fn deadline(form: &EventForm) -> Result<Option<DateTime<Utc>>, AppError> {
    if form.deadline_date.trim().is_empty() {
        return Ok(None);
    }
    let day = date(&form.deadline_date)?;
    let at = if form.deadline_time.trim().is_empty() {
        NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default()
    } else {
        time(&form.deadline_time)?
    };
    Ok(Some(china_to_utc(day.and_time(at))))
}

/// The API's input from the form: one parser for both ways in.
fn to_input(form: &EventForm) -> Result<EventInput, AppError> {
    let day = date(&form.date)?;
    let (start, end) = (time(&form.start)?, time(&form.end)?);
    let recurrence = if form.repeat.is_some() {
        let weekdays = form
            .weekdays
            .iter()
            .filter_map(|n| Weekday::try_from(n.wrapping_sub(1)).ok())
            .collect::<chrono::WeekdaySet>();
        let skip = form
            .skip
            .split([',', '，', ' ', '、', '\n'])
            .filter(|s| !s.trim().is_empty())
            .map(date)
            .collect::<Result<Vec<_>, _>>()?;
        Some(Recurrence { weekdays, from: day, until: date(&form.until)?, start, end, skip, extra: vec![] })
    } else {
        None
    };
    Ok(EventInput {
        title: form.title.clone(),
        description: form.description.clone(),
        place: form.place.clone(),
        starts_at: Some(china_to_utc(day.and_time(start))),
        ends_at: Some(china_to_utc(day.and_time(end))),
        recurrence,
        capacity: Some(form.capacity.clone()),
        audience: Some(AudienceInput {
            kind: if form.audience.is_empty() { "everyone".into() } else { form.audience.clone() },
            min_age: age(&form.min_age)?,
            max_age: age(&form.max_age)?,
        }),
        signup_deadline: deadline(form)?,
        project_id: optional_id(&form.project_id)?,
        new_project: Some(form.new_project.clone()),
        building_id: optional_id(&form.building_id)?,
    })
}

#[derive(Template)]
#[template(path = "event/form.html")]
struct FormPage {
    c: PageCtx,
    form: EventForm,
    /// Editing this session; none: a new event.
    editing: Option<Event>,
    series: bool,
    projects: Vec<Choice>,
    buildings: Vec<Choice>,
    audiences: Vec<Choice>,
    weekdays: Vec<(u8, String)>,
    error: Option<String>,
}

async fn form_page(
    state: &AppState,
    c: PageCtx,
    cid: i64,
    form: EventForm,
    editing: Option<Event>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let projects = store::projects(&state.db, cid)
        .await?
        .into_iter()
        .map(|p| Choice { selected: form.project_id == p.id.to_string(), value: p.id.to_string(), label: p.title })
        .collect();
    let buildings = grid_store::buildings_of_community(&state.db, cid)
        .await?
        .into_iter()
        .map(|b| Choice { selected: form.building_id == b.id.to_string(), value: b.id.to_string(), label: b.name })
        .collect();
    let audiences = Audience::KINDS
        .iter()
        .map(|k| Choice {
            value: (*k).into(),
            label: c.t(&format!("event-audience-kind-{k}")),
            selected: form.audience == *k,
        })
        .collect();
    let weekdays = (1..=7u8).map(|n| (n, c.t(&format!("event-weekday-{n}")))).collect();
    let series = editing.as_ref().is_some_and(|e| e.series_id.is_some());
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = render(&FormPage { c, form, editing, series, projects, buildings, audiences, weekdays, error });
    *response.status_mut() = status;
    Ok(response)
}

fn community_for_managing(user: &CurrentUser) -> Result<i64, AppError> {
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(Action::ManageEvents, &Place::community(cid))?;
    Ok(cid)
}

async fn new_form(State(state): State<AppState>, c: PageCtx, user: CurrentUser) -> Result<Response, AppError> {
    let cid = community_for_managing(&user)?;
    form_page(&state, c, cid, EventForm::with_defaults(), None, None).await
}

/// `POST /events`: the new-event form.
pub(super) async fn create(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let cid = community_for_managing(&user)?;
    let form = EventForm::from_pairs(pairs);
    let made = match to_input(&form) {
        Ok(input) => super::api::create(&state, &user, input).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(made) => {
            let first = made.first().map(|e| e.id).unwrap_or_default();
            Ok(Redirect::to(&format!("/events/{first}?done=created")).into_response())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let message = e.message(c.lang);
            form_page(&state, c, cid, form, None, Some(message)).await
        }
        Err(e) => Err(e),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    if !flow::manages(&user, &ev) {
        return Err(AppError::Forbidden);
    }
    let cid = ev.community_id;
    form_page(&state, c, cid, EventForm::of(&ev), Some(ev), None).await
}

fn to_edit(form: &EventForm) -> Result<EventEdit, AppError> {
    let title = EventTitle::parse(&form.title).map_err(refusal)?;
    let place = crate::wish::actions::text(&Some(form.place.clone()), 60)?
        .ok_or_else(|| AppError::invalid("place_required"))?;
    let description = crate::wish::actions::text(&Some(form.description.clone()), 2000)?.unwrap_or_default();
    let capacity = Capacity::parse(&form.capacity).map_err(refusal)?.map(|c| c.get() as i32);
    let day = date(&form.date)?;
    let (start, end) = (time(&form.start)?, time(&form.end)?);
    if end <= start {
        return Err(refusal(weizhili_core::event::EventError::BadSessionTimes));
    }
    Ok(EventEdit {
        title: title.as_str().to_owned(),
        description,
        capacity,
        signup_deadline: deadline(form)?,
        place,
        starts_at: china_to_utc(day.and_time(start)),
        ends_at: china_to_utc(day.and_time(end)),
    })
}

async fn edit(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    let form = EventForm::from_pairs(pairs);
    let done = match to_edit(&form) {
        Ok(changes) => flow::edit(&state, &user, &ev, changes).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/events/{}?done=saved", ev.id)).into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let message = e.message(c.lang);
            let cid = ev.community_id;
            form_page(&state, c, cid, form, Some(ev), Some(message)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct CancelForm {
    /// `series`: this and every later session of the series.
    scope: Option<String>,
}

async fn cancel(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CancelForm>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    let whole = form.scope.as_deref() == Some("series") && ev.series_id.is_some();
    match flow::cancel_event(&state, &user, &ev, whole).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{}?done=event_cancelled", ev.id)).into_response()),
        Err(e) => super::pages::or_show(&state, c, &user, ev, e).await,
    }
}

//! The event pages residents and staff read: the calendar (a list of what is coming, or a week) for the
//! community or one building, and an event's page with its places, the household's sign-ups, the sign-up form
//! (self, a child, or — staff — anyone), and what staff can do next.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;
use weizhili_core::access::ListScope;
use weizhili_core::clock::china_time;
use weizhili_core::event::recurrence::china_to_utc;
use weizhili_core::event::{Attendee, Audience, Signer, attendance_counts, eligible, may_sign_up_for};
use weizhili_core::grid::BirthYear;
use weizhili_store::event::{self as store, Event};
use weizhili_store::grid::{self as grid_store, ResidentFilter};

use super::flow::{self, audience_of, capacity_of, manages, visible};
use crate::auth::CurrentUser;
use crate::grid::pages::{Choice, parse_id};
use crate::i18n::Lang;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(calendar).post(super::manage::create))
        .route("/events/{id}", get(show))
        .route("/events/{id}/signup", post(sign_up))
        .route("/events/{id}/signups/{signup}/cancel", post(cancel_signup))
}

/// "11月30日 周一" / "Mon 30/11".
pub fn day_label(lang: Lang, day: NaiveDate) -> String {
    let weekday = lang.t(&format!("event-weekday-{}", day.weekday().number_from_monday()));
    lang.ta("event-day", &[("month", day.month().to_string()), ("day", day.day().to_string()), ("weekday", weekday)])
}

/// "16:30–18:00", Beijing time.
pub fn time_range(ev: &Event) -> String {
    format!("{}–{}", china_time(ev.starts_at).format("%H:%M"), china_time(ev.ends_at).format("%H:%M"))
}

pub fn audience_label(lang: Lang, ev: &Event) -> String {
    match audience_of(ev) {
        Audience::Children(range) => lang.ta(
            "event-audience-children",
            &[("min", range.min_age().to_string()), ("max", range.max_age().to_string())],
        ),
        other => lang.t(&format!("event-audience-{}", other.kind())),
    }
}

/// A session as the calendar lists it.
pub struct SessionRow {
    pub id: i64,
    pub title: String,
    pub time: String,
    pub place: String,
    pub audience: String,
    /// "12 places left", "full", "no limit".
    pub places: String,
    pub full: bool,
    pub cancelled: bool,
    /// Only for this building.
    pub building: Option<String>,
}

pub struct DayGroup {
    pub label: String,
    pub today: bool,
    pub rows: Vec<SessionRow>,
}

fn places_label(lang: Lang, head: &Event) -> (String, bool) {
    match head.capacity {
        None => (lang.t("event-places-unlimited"), false),
        Some(c) if head.registered >= c => (lang.t("event-places-full"), true),
        Some(c) => (lang.ta("event-places-left", &[("count", (c - head.registered).to_string())]), false),
    }
}

#[derive(Template)]
#[template(path = "event/calendar.html")]
struct CalendarPage {
    c: PageCtx,
    week_view: bool,
    days: Vec<DayGroup>,
    buildings: Vec<Choice>,
    building: String,
    prev: Option<String>,
    next: Option<String>,
    can_manage: bool,
    feed: String,
    range: String,
}

#[derive(Deserialize, Default)]
pub struct CalendarQuery {
    view: Option<String>,
    building: Option<String>,
    week: Option<String>,
    community: Option<String>,
}

/// The community the page is about: the user's own; a platform admin names one (`?community=`) or gets the first.
pub async fn community_of(state: &AppState, user: &CurrentUser, asked: Option<&str>) -> Result<i64, AppError> {
    if let Some(cid) = user.community_id() {
        return Ok(cid);
    }
    if !user.actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    if let Some(raw) = asked.filter(|s| !s.is_empty()) {
        let id = parse_id(raw)?;
        return grid_store::community(&state.db, id).await?.map(|c| c.id).ok_or(AppError::NotFound);
    }
    grid_store::communities(&state.db).await?.first().map(|c| c.id).ok_or(AppError::NotFound)
}

async fn calendar(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(q): Query<CalendarQuery>,
) -> Result<Response, AppError> {
    let cid = community_of(&state, &user, q.community.as_deref()).await?;
    let building = q.building.as_deref().filter(|b| !b.is_empty()).map(parse_id).transpose()?;
    let all_buildings = grid_store::buildings_of_community(&state.db, cid).await?;
    if building.is_some_and(|b| !all_buildings.iter().any(|x| x.id == b)) {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let today = china_time(now).date_naive();
    let week_view = q.view.as_deref() == Some("week");
    let (from_day, days_shown) = if week_view {
        let asked = q.week.as_deref().and_then(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok()).unwrap_or(today);
        (asked - Duration::days(i64::from(asked.weekday().num_days_from_monday())), 7)
    } else {
        (today, 31)
    };
    let from = china_to_utc(from_day.and_hms_opt(0, 0, 0).unwrap_or_default());
    let to = from + Duration::days(days_shown);
    let sessions = store::list(&state.db, cid, from, to, building, 500).await?;
    let heads = heads_of(&state, &sessions).await?;
    let names: std::collections::HashMap<i64, String> = all_buildings.iter().map(|b| (b.id, b.name.clone())).collect();
    let mut days: Vec<DayGroup> = Vec::new();
    if week_view {
        for n in 0..7 {
            let day = from_day + Duration::days(n);
            days.push(DayGroup { label: day_label(c.lang, day), today: day == today, rows: vec![] });
        }
    }
    for ev in &sessions {
        let day = china_time(ev.starts_at).date_naive();
        let head = heads.get(&store::head_of(ev)).unwrap_or(ev);
        let (places, full) = places_label(c.lang, head);
        let row = SessionRow {
            id: ev.id,
            title: ev.title.clone(),
            time: time_range(ev),
            place: ev.place.clone(),
            audience: audience_label(c.lang, ev),
            places,
            full,
            cancelled: ev.status == "cancelled",
            building: ev.building_id.and_then(|b| names.get(&b).cloned()),
        };
        let label = day_label(c.lang, day);
        match days.iter_mut().find(|d| d.label == label) {
            Some(group) => group.rows.push(row),
            None => days.push(DayGroup { label, today: day == today, rows: vec![row] }),
        }
    }
    let chosen = building.map(|b| b.to_string()).unwrap_or_default();
    let buildings = all_buildings
        .iter()
        .map(|b| Choice { value: b.id.to_string(), label: b.name.clone(), selected: chosen == b.id.to_string() })
        .collect();
    let link = |week: NaiveDate| {
        let mut href = format!("/events?view=week&week={}", week.format("%Y-%m-%d"));
        if let Some(b) = building {
            href.push_str(&format!("&building={b}"));
        }
        href
    };
    let (prev, next) = if week_view {
        (Some(link(from_day - Duration::days(7))), Some(link(from_day + Duration::days(7))))
    } else {
        (None, None)
    };
    let mut feed = format!("/communities/{cid}/events.ics");
    if let Some(b) = building {
        feed.push_str(&format!("?building={b}"));
    }
    let last = from_day + Duration::days(days_shown - 1);
    let range = format!("{} – {}", day_label(c.lang, from_day), day_label(c.lang, last));
    let can_manage =
        user.can(weizhili_core::access::Action::ManageEvents, &weizhili_core::access::Place::community(cid));
    Ok(render(&CalendarPage { c, week_view, days, buildings, building: chosen, prev, next, can_manage, feed, range }))
}

/// The series' first sessions (where places are kept) of `sessions`, by id.
pub async fn heads_of(state: &AppState, sessions: &[Event]) -> Result<std::collections::HashMap<i64, Event>, AppError> {
    let mut heads: std::collections::HashMap<i64, Event> =
        sessions.iter().filter(|e| store::head_of(e) == e.id).map(|e| (e.id, e.clone())).collect();
    for ev in sessions {
        let h = store::head_of(ev);
        if let std::collections::hash_map::Entry::Vacant(slot) = heads.entry(h)
            && let Some(found) = store::get(&state.db, h).await?
        {
            slot.insert(found);
        }
    }
    Ok(heads)
}

/// A sign-up as the event page shows it.
pub struct SignupRow {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub how: String,
    pub cancellable: bool,
    pub place_in_line: Option<usize>,
}

#[derive(Template)]
#[template(path = "event/show.html")]
struct ShowPage {
    c: PageCtx,
    ev: Event,
    day: String,
    time: String,
    audience: String,
    places: String,
    full: bool,
    waiting: usize,
    deadline: Option<String>,
    /// The series' sessions (empty for a single event), with the one shown marked.
    sessions: Vec<(i64, String, bool, bool)>,
    project: Option<String>,
    mine: Vec<SignupRow>,
    choices: Vec<Choice>,
    open: bool,
    can_manage: bool,
    /// Staff's view of every sign-up.
    all: Vec<SignupRow>,
    counts: Option<(usize, usize)>,
    q: String,
    found: Vec<Choice>,
    done: Option<String>,
    error: Option<String>,
    /// What followed the event: summary, photos, satisfaction, volunteers (`templates/event/story.html`).
    story: super::after::Story,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
    q: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    show_page(&state, c, &user, ev, q, None).await
}

fn status_text(lang: Lang, s: &weizhili_store::event::Signup) -> String {
    let key = if s.walk_in {
        "event-status-walk-in".to_owned()
    } else {
        format!("event-status-{}", s.status.replace('_', "-"))
    };
    lang.t(&key)
}

pub(crate) async fn show_page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    ev: Event,
    q: ShowQuery,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let lang = c.lang;
    let now = state.clock.now();
    let head = store::get(&state.db, store::head_of(&ev)).await?.ok_or(AppError::NotFound)?;
    let can_manage = manages(user, &ev);
    let (places, full) = places_label(lang, &head);
    let signups = store::signups(&state.db, head.id).await?;
    let waiting = signups.iter().filter(|s| s.status == "waitlisted").count();
    let households = user.actor.own_households();
    let ids: Vec<i64> = signups.iter().map(|s| s.resident_id).collect();
    let names = grid_store::resident_names(&state.db, ids).await?;
    let mut line = 0;
    let rows: Vec<(bool, SignupRow)> = signups
        .iter()
        .map(|s| {
            let place_in_line = (s.status == "waitlisted").then(|| {
                line += 1;
                line
            });
            let row = SignupRow {
                id: s.id,
                name: names.get(&s.resident_id).cloned().unwrap_or_default(),
                status: status_text(lang, s),
                how: lang.t(&format!("event-signed-up-as-{}", flow::signed_up_as(s))),
                cancellable: matches!(s.status.as_str(), "registered" | "waitlisted") && head.status != "cancelled",
                place_in_line,
            };
            (households.contains(&s.household_id), row)
        })
        .collect();
    let taken: Vec<i64> = signups.iter().map(|s| s.resident_id).collect();
    let open = match store::last_start(&state.db, &head).await? {
        Some(closes) => weizhili_core::event::SignupTerms {
            capacity: capacity_of(&head),
            deadline: head.signup_deadline,
            starts_at: closes,
        }
        .is_open(now),
        None => false,
    };
    let on = china_time(head.starts_at).date_naive();
    let this_year = state.clock.this_year();
    let mut choices = Vec::new();
    if open && !households.is_empty() {
        let own = user.user.resident_id;
        let filter = ResidentFilter { page: 1, per_page: 50, ..Default::default() };
        let members =
            grid_store::residents(&state.db, &ListScope::Households(households.clone()), &filter, this_year).await?;
        let signer = Signer {
            resident_id: own,
            household_id: members.rows.iter().find(|r| Some(r.resident.id) == own).map(|r| r.resident.household_id),
            proxy: false,
        };
        for r in members.rows {
            let p = r.resident;
            let attendee = Attendee {
                resident_id: p.id,
                household_id: Some(p.household_id),
                birth_year: p.birth_year.and_then(|y| BirthYear::new(y, this_year).ok()),
            };
            if taken.contains(&p.id)
                || may_sign_up_for(&signer, &attendee, on).is_err()
                || eligible(audience_of(&head), attendee.birth_year, on).is_err()
            {
                continue;
            }
            let label = if Some(p.id) == own { lang.ta("event-choice-self", &[("name", p.name)]) } else { p.name };
            choices.push(Choice { value: p.id.to_string(), label, selected: false });
        }
        if let Some(first) = choices.first_mut() {
            first.selected = true;
        }
    }
    let query = q.q.clone().unwrap_or_default();
    let found =
        if can_manage { find_residents(state, ev.community_id, &query, |r| taken.contains(&r)).await? } else { vec![] };
    let sessions = if ev.series_id.is_some() {
        store::sessions_of(&state.db, head.id)
            .await?
            .iter()
            .map(|s| {
                let day = china_time(s.starts_at).date_naive();
                (s.id, day_label(lang, day), s.id == ev.id, s.status == "cancelled")
            })
            .collect()
    } else {
        vec![]
    };
    let counts = if can_manage {
        let c = attendance_counts(store::checkins_of_series(&state.db, head.id).await?);
        Some((c.attendances, c.people_served))
    } else {
        None
    };
    let project = match ev.project_id {
        Some(p) => store::project(&state.db, p).await?.map(|p| p.title),
        None => None,
    };
    let deadline = head.signup_deadline.map(|d| china_time(d).format("%Y-%m-%d %H:%M").to_string());
    let done = q
        .done
        .as_deref()
        .filter(|d| d.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'))
        .map(|d| lang.t(&format!("event-done-{}", d.replace('_', "-"))));
    type Rows = Vec<(bool, SignupRow)>;
    let (mine, all): (Rows, Rows) = rows.into_iter().partition(|(own, _)| *own);
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.0);
    let story = super::after::story(state, user, &ev).await?;
    let page = ShowPage {
        day: day_label(lang, china_time(ev.starts_at).date_naive()),
        time: time_range(&ev),
        audience: audience_label(lang, &ev),
        places,
        full,
        waiting,
        deadline,
        sessions,
        project,
        mine: mine.into_iter().map(|(_, r)| r).collect(),
        choices,
        open,
        can_manage,
        all: if can_manage { all.into_iter().map(|(_, r)| r).collect() } else { vec![] },
        counts,
        q: query,
        found,
        done,
        error: error.map(|e| e.1),
        story,
        ev,
        c,
    };
    let mut response = render(&page);
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Deserialize, Default)]
struct SignupForm {
    resident_id: Option<String>,
    waitlist: Option<String>,
}

/// Refusals the person can act on come back on the event page with the message; the rest are errors.
pub(super) async fn or_show(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    ev: Event,
    e: AppError,
) -> Result<Response, AppError> {
    match e {
        AppError::Invalid { .. } | AppError::Conflict(_) | AppError::Forbidden => {
            let message = e.message(c.lang);
            show_page(state, c, user, ev, ShowQuery::default(), Some((e.status(), message))).await
        }
        other => Err(other),
    }
}

async fn sign_up(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<SignupForm>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    let who = form.resident_id.as_deref().filter(|s| !s.is_empty()).map(parse_id).transpose()?;
    match flow::sign_up(&state, &user, &ev, who, form.waitlist.is_some()).await {
        Ok((signup, _, _)) => Ok(Redirect::to(&format!("/events/{}?done={}", ev.id, signup.status)).into_response()),
        Err(e) => or_show(&state, c, &user, ev, e).await,
    }
}

async fn cancel_signup(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path((id, signup)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    match flow::cancel_signup(&state, &user, &ev, &signup).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{}?done=cancelled", ev.id)).into_response()),
        Err(e) => or_show(&state, c, &user, ev, e).await,
    }
}

/// Residents of the community whose name or phone tail matches `query` (staff's search for a proxy sign-up or a
/// walk-in), at most 20; `marked` says which are already on the list.
pub(super) async fn find_residents(
    state: &AppState,
    community_id: i64,
    query: &str,
    marked: impl Fn(i64) -> bool,
) -> Result<Vec<Choice>, AppError> {
    if query.trim().is_empty() {
        return Ok(vec![]);
    }
    let filter = ResidentFilter { q: Some(query.trim().to_owned()), page: 1, per_page: 20, ..Default::default() };
    let scope = ListScope::Communities(vec![community_id]);
    let rows = grid_store::residents(&state.db, &scope, &filter, state.clock.this_year()).await?.rows;
    Ok(rows
        .into_iter()
        .map(|r| Choice {
            label: format!("{} · {}", r.resident.name, crate::grid::place_label(&r.building_name, &r.unit, &r.room)),
            selected: marked(r.resident.id),
            value: r.resident.id.to_string(),
        })
        .collect())
}

/// A Beijing-time "YYYY-MM-DD HH:MM" for forms.
pub fn local_input(at: DateTime<Utc>) -> String {
    china_time(at).format("%Y-%m-%d %H:%M").to_string()
}

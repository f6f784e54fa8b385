//! Check-in (签到) and the sign-in sheet (签到表). Staff check people in from the sign-up list on a phone, and
//! walk-ins found by name; a resident scans the session's QR code and checks themselves in. The sign-in sheet
//! is the 台账 record of a session: a printable A4 page with blank rows for walk-ins, and the same as Excel.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use weizhili_core::clock::china_time;
use weizhili_store::event::{self as store, Event};
use weizhili_store::grid as grid_store;
use weizhili_store::{StoreError, audit};

use super::flow::{self, manages, visible};
use super::pages::{day_label, time_range};
use crate::auth::CurrentUser;
use crate::grid::pages::{Choice, parse_id};
use crate::i18n::Lang;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

/// Rows a printed sheet has at least, blank ones filling up for walk-ins.
const SHEET_MIN_ROWS: usize = 20;
/// Blank rows a printed sheet has at least.
const SHEET_MIN_BLANK: usize = 5;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/check-in", get(page).post(check_in))
        .route("/events/{id}/sign-in-sheet", get(sheet))
        .route("/events/{id}/sign-in-sheet.xlsx", get(sheet_xlsx))
}

/// One person on the check-in list or the sign-in sheet.
pub struct Person {
    pub resident_id: i64,
    pub name: String,
    pub address: String,
    /// How they came: signed up (self, guardian, proxy), waitlisted, or walked in.
    pub how: String,
    pub checked_in_at: Option<String>,
}

/// Everyone of `session`: its series' sign-ups holding a place or waiting, then walk-ins; with their check-in
/// time for this session.
async fn people(state: &AppState, lang: Lang, session: &Event) -> Result<Vec<Person>, AppError> {
    let head = store::head_of(session);
    let checkins = store::checkins(&state.db, session.id).await?;
    let at = |resident: i64| {
        checkins
            .iter()
            .find(|c| c.resident_id == resident)
            .map(|c| china_time(c.checked_in_at).format("%H:%M").to_string())
    };
    let mut out = Vec::new();
    let signups = store::signups(&state.db, head).await?;
    let shown: Vec<_> =
        signups.iter().filter(|s| !s.walk_in || checkins.iter().any(|c| c.resident_id == s.resident_id)).collect();
    let residents = grid_store::residents_by_id(&state.db, shown.iter().map(|s| s.resident_id).collect()).await?;
    for s in shown {
        let Some(row) = residents.get(&s.resident_id) else { continue };
        let how = if s.walk_in {
            lang.t("event-status-walk-in")
        } else if s.status == "waitlisted" {
            lang.t("event-status-waitlisted")
        } else {
            lang.t(&format!("event-signed-up-as-{}", flow::signed_up_as(s)))
        };
        out.push(Person {
            resident_id: s.resident_id,
            name: row.resident.name.clone(),
            address: crate::grid::place_label(&row.building_name, &row.unit, &row.room),
            how,
            checked_in_at: at(s.resident_id),
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "event/checkin.html")]
struct CheckInPage {
    c: PageCtx,
    ev: Event,
    day: String,
    time: String,
    staff: bool,
    people: Vec<Person>,
    checked: usize,
    /// A resident's own state: checked in already.
    me_checked: bool,
    q: String,
    found: Vec<Choice>,
    qr: String,
    link: String,
    done: bool,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    q: Option<String>,
    done: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    let staff = manages(&user, &ev);
    let people = if staff { people(&state, c.lang, &ev).await? } else { vec![] };
    let checked_set = store::checked_in(&state.db, ev.id).await?;
    let me_checked = user.user.resident_id.is_some_and(|r| checked_set.contains(&r));
    let query = q.q.unwrap_or_default();
    let found = if staff {
        super::pages::find_residents(&state, ev.community_id, &query, |r| checked_set.contains(&r)).await?
    } else {
        vec![]
    };
    let link = format!("{}/events/{}/check-in", crate::qr::public_base(&state.config, &headers), ev.id);
    let page = CheckInPage {
        day: day_label(c.lang, china_time(ev.starts_at).date_naive()),
        time: time_range(&ev),
        staff,
        checked: checked_set.len(),
        people,
        me_checked,
        q: query,
        found,
        qr: if staff { crate::qr::svg(&link) } else { String::new() },
        link,
        done: q.done.is_some(),
        ev,
        c,
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
struct CheckInForm {
    resident_id: Option<String>,
    q: Option<String>,
}

async fn check_in(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CheckInForm>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    let who = form.resident_id.as_deref().filter(|s| !s.is_empty()).map(parse_id).transpose()?;
    match flow::check_in(&state, &user, &ev, who).await {
        Ok(_) => {
            let mut to = format!("/events/{}/check-in?done=1", ev.id);
            if let Some(q) = form.q.filter(|q| !q.trim().is_empty()) {
                to.push_str(&format!("&q={}", crate::page::urlencode(&q)));
            }
            if let Some(r) = who {
                to.push_str(&format!("#p{r}"));
            }
            Ok(Redirect::to(&to).into_response())
        }
        // Shown as a refusal of the form (422), the same as before; its message is the conflict's own.
        Err(AppError::Conflict(code)) => Err(AppError::invalid(code)),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "event/sheet.html")]
struct SheetPage {
    c: PageCtx,
    ev: Event,
    community: String,
    day: String,
    time: String,
    people: Vec<Person>,
    blanks: Vec<usize>,
    printed: String,
}

/// Staff only; every view is audited (it lists names and addresses).
async fn sheet_data(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    id: &str,
    what: &str,
) -> Result<(Event, String, Vec<Person>), AppError> {
    let ev = visible(state, user, id).await?;
    if !manages(user, &ev) {
        return Err(AppError::NotFound);
    }
    let people = people(state, lang, &ev).await?;
    let community = grid_store::community(&state.db, ev.community_id).await?.map(|c| c.name).unwrap_or_default();
    let entry = user.audit(what).object("event", ev.id).community(Some(ev.community_id));
    audit::record(&state.db, state.clock.now(), entry.detail(format!("rows={}", people.len()))).await?;
    Ok((ev, community, people))
}

async fn sheet(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (ev, community, people) = sheet_data(&state, &user, c.lang, &id, "event.sign_in_sheet").await?;
    let blanks = SHEET_MIN_BLANK.max(SHEET_MIN_ROWS.saturating_sub(people.len()));
    let first_blank = people.len() + 1;
    let page = SheetPage {
        day: day_label(c.lang, china_time(ev.starts_at).date_naive()),
        time: time_range(&ev),
        community,
        blanks: (first_blank..first_blank + blanks).collect(),
        people,
        printed: china_time(state.clock.now()).format("%Y-%m-%d %H:%M").to_string(),
        ev,
        c,
    };
    Ok(render(&page))
}

async fn sheet_xlsx(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (ev, community, people) = sheet_data(&state, &user, c.lang, &id, "event.sign_in_sheet_export").await?;
    let bytes = workbook(c.lang, &ev, &community, &people)?;
    let day = china_time(ev.starts_at).format("%Y%m%d");
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"sign-in-{}-{day}.xlsx\"", ev.id)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

fn workbook(lang: Lang, ev: &Event, community: &str, people: &[Person]) -> Result<Vec<u8>, StoreError> {
    let local = |t: DateTime<Utc>| china_time(t);
    let when = format!(
        "{} {}–{} · {}",
        local(ev.starts_at).format("%Y-%m-%d"),
        local(ev.starts_at).format("%H:%M"),
        local(ev.ends_at).format("%H:%M"),
        ev.place
    );
    let columns = ["no", "name", "address", "how", "time", "signature"].map(|k| lang.t(&format!("event-sheet-{k}")));
    let rows = people
        .iter()
        .map(|p| [p.name.clone(), p.address.clone(), p.how.clone(), p.checked_in_at.clone().unwrap_or_default()])
        .collect();
    store::sign_in_sheet_xlsx(&store::SignInSheet {
        sheet_name: lang.t("event-sheet-title"),
        heading: format!("{community} · {}", ev.title),
        when,
        columns,
        rows,
        blank_rows: SHEET_MIN_BLANK,
    })
}

//! The events ledger (活动台账) for staff: per period (from/to dates, Beijing time, default this month) and per
//! community, rows per project and per building with sessions, 服务人次, 服务人数, volunteer hours (confirmed and
//! pending) and average satisfaction, plus totals. The page `/events/ledger`, Excel `/events/ledger.xlsx`
//! (audited), the API `/api/v1/events/ledger`. The counting is `store::event::ledger`'s.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use weizhili_core::access::{Action, Place};
use weizhili_core::clock::china_time;
use weizhili_core::service::hours;
use weizhili_store::audit;
use weizhili_store::event::ledger::{self as store, Ledger, Line};

use crate::auth::CurrentUser;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/ledger", get(page))
        .route("/events/ledger.xlsx", get(export))
        .route("/api/v1/events/ledger", get(ledger_json))
}

/// The longest period one ledger covers.
const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct PeriodParams {
    /// First day, `YYYY-MM-DD` (Beijing time); default: the first of this month.
    pub from: Option<String>,
    /// Last day, included; default: the last of this month.
    pub to: Option<String>,
}

/// A period of whole days in Beijing time.
#[derive(Debug, Clone, Copy)]
struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    fn parse(p: &PeriodParams, now: DateTime<Utc>) -> Result<Period, AppError> {
        let today = china_time(now).date_naive();
        let first = today.with_day(1).unwrap_or(today);
        let next = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
        };
        let last = next.and_then(|n| n.pred_opt()).unwrap_or(today);
        let day = |v: &Option<String>, default: NaiveDate| match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::typed("bad_date", s)),
        };
        let period = Period { from: day(&p.from, first)?, to: day(&p.to, last)? };
        if period.to < period.from || (period.to - period.from).num_days() >= MAX_DAYS {
            return Err(AppError::invalid("bad_ledger_period"));
        }
        Ok(period)
    }

    /// `[from 00:00, the day after to 00:00)` Beijing time, in UTC.
    fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let beijing = *china_time(Utc::now()).offset();
        let at = |d: NaiveDate| {
            beijing
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        (at(self.from), at(self.to + Duration::days(1)))
    }

    fn label(self) -> String {
        format!("{} – {}", self.from.format("%Y-%m-%d"), self.to.format("%Y-%m-%d"))
    }
}

/// The community whose ledger the user keeps (staff), or 403.
fn keeper(user: &CurrentUser) -> Result<i64, AppError> {
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(Action::ViewEventLedger, &Place::community(cid))?;
    Ok(cid)
}

/// One ledger row as the API gives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LineView {
    /// The project's or building's id; none for events without one (and for the totals).
    pub id: Option<i64>,
    /// Its title or name; empty for none.
    pub label: String,
    /// Sessions held.
    pub events: u64,
    /// 服务人次: check-ins, once per person and session.
    pub attendances: u64,
    /// 服务人数: distinct people.
    pub people_served: u64,
    pub confirmed_minutes: i64,
    pub pending_minutes: i64,
    /// Average rating to one decimal; none without feedback.
    pub average_rating: Option<f64>,
    pub ratings: u64,
}

impl LineView {
    fn build(l: &Line) -> LineView {
        LineView {
            id: l.key,
            label: l.label.clone(),
            events: l.events,
            attendances: l.attendances,
            people_served: l.people_served,
            confirmed_minutes: l.confirmed_minutes,
            pending_minutes: l.pending_minutes,
            average_rating: l.average_rating(),
            ratings: l.ratings,
        }
    }

    pub fn confirmed_hours(&self) -> String {
        hours(self.confirmed_minutes)
    }

    pub fn pending_hours(&self) -> String {
        hours(self.pending_minutes)
    }

    pub fn average(&self) -> String {
        self.average_rating.map(|a| format!("{a:.1}")).unwrap_or_else(|| "—".into())
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerView {
    /// First day (Beijing time).
    pub from: NaiveDate,
    /// Last day, included.
    pub to: NaiveDate,
    pub by_project: Vec<LineView>,
    pub by_building: Vec<LineView>,
    pub total: LineView,
}

impl LedgerView {
    fn build(l: &Ledger, p: Period) -> LedgerView {
        LedgerView {
            from: p.from,
            to: p.to,
            by_project: l.by_project.iter().map(LineView::build).collect(),
            by_building: l.by_building.iter().map(LineView::build).collect(),
            total: LineView::build(&l.total),
        }
    }
}

#[derive(Template)]
#[template(path = "event/ledger.html")]
struct LedgerPage {
    c: PageCtx,
    from: String,
    to: String,
    ledger: Option<LedgerView>,
    xlsx: String,
    error: Option<String>,
}

impl LedgerPage {
    /// The two tables: (heading, the label of events with none, rows).
    fn sections(&self) -> Vec<(String, String, Vec<LineView>)> {
        let Some(l) = &self.ledger else { return vec![] };
        vec![
            (self.c.t("event-ledger-by-project"), self.c.t("event-ledger-no-project"), l.by_project.clone()),
            (self.c.t("event-ledger-by-building"), self.c.t("event-ledger-whole-community"), l.by_building.clone()),
        ]
    }
}

async fn page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(p): Query<PeriodParams>,
) -> Result<Response, AppError> {
    let cid = keeper(&user)?;
    let typed = |v: &Option<String>| v.clone().unwrap_or_default();
    match Period::parse(&p, state.clock.now()) {
        Ok(period) => {
            let (from, to) = period.bounds();
            let ledger = store::ledger(&state.db, cid, from, to).await?;
            let query = serde_urlencoded::to_string([("from", period.from.to_string()), ("to", period.to.to_string())])
                .unwrap_or_default();
            Ok(render(&LedgerPage {
                from: period.from.to_string(),
                to: period.to.to_string(),
                ledger: Some(LedgerView::build(&ledger, period)),
                xlsx: format!("/events/ledger.xlsx?{query}"),
                error: None,
                c,
            }))
        }
        Err(e) => {
            let message = e.message(c.lang);
            let mut response = render(&LedgerPage {
                from: typed(&p.from),
                to: typed(&p.to),
                ledger: None,
                xlsx: String::new(),
                error: Some(message),
                c,
            });
            *response.status_mut() = e.status();
            Ok(response)
        }
    }
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PeriodParams>,
) -> Result<Response, AppError> {
    let cid = keeper(&user)?;
    let period = Period::parse(&p, state.clock.now())?;
    let (from, to) = period.bounds();
    let ledger = store::ledger(&state.db, cid, from, to).await?;
    let bytes = store::to_xlsx(&ledger, &period.label())?;
    let entry = user.audit("event.ledger_export").community(Some(cid));
    audit::record(&state.db, state.clock.now(), entry.detail(format!("{} bytes={}", period.label(), bytes.len())))
        .await?;
    let filename = format!("events-ledger-{}-{}.xlsx", period.from.format("%Y%m%d"), period.to.format("%Y%m%d"));
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// The events ledger (活动台账) of the user's community for a period (staff only). Refusals: `bad_date`,
/// `bad_ledger_period` (422).
#[utoipa::path(get, path = "/api/v1/events/ledger", tag = "event", security(("bearer" = [])), params(PeriodParams),
    responses((status = 200, body = LedgerView), (status = 403), (status = 422)))]
pub async fn ledger_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PeriodParams>,
) -> Result<Json<LedgerView>, AppError> {
    let cid = keeper(&user)?;
    let period = Period::parse(&p, state.clock.now())?;
    let (from, to) = period.bounds();
    let ledger = store::ledger(&state.db, cid, from, to).await?;
    Ok(Json(LedgerView::build(&ledger, period)))
}

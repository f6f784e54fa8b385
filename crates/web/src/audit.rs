//! The audit log page: staff read who did what, filtered by person, action and date.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use weizhili_core::access::{Action, Place};
use weizhili_core::clock::china_time;
use weizhili_store::audit::{self, Filter};

use crate::auth::CurrentUser;
use crate::page::{PageCtx, render};
use crate::paging::{PageQuery, Pager, Size};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    pub login: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// 50 entries a page.
const SIZE: Size = Size::fixed(50);

pub struct EntryLine {
    pub at: String,
    pub login: String,
    pub action: String,
    pub object: String,
    pub detail: String,
    pub ip: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    c: PageCtx,
    rows: Vec<EntryLine>,
    total: u64,
    q: AuditQuery,
    pager: Pager,
    /// The message for a date that could not be read, naming it.
    date_error: Option<String>,
}

fn date(s: &Option<String>) -> Result<Option<NaiveDate>, ()> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| ()),
    }
}

async fn list(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
    Query(pq): Query<PageQuery>,
) -> Result<Response, AppError> {
    let communities = if user.actor.is_admin() {
        None
    } else {
        let cid = user.community_id().ok_or(AppError::Forbidden)?;
        user.require(Action::ViewAudit, &Place::community(cid))?;
        Some(vec![cid])
    };
    let (from, to) = (date(&q.from), date(&q.to));
    let date_error = [(&q.from, from.is_err()), (&q.to, to.is_err())]
        .into_iter()
        .find(|(_, bad)| *bad)
        .map(|(typed, _)| AppError::typed("bad_date", typed.as_deref().unwrap_or_default()).message(c.lang));
    let paging = pq.paging(SIZE);
    let filter = Filter {
        communities,
        login: q.login.clone(),
        action: q.action.clone(),
        from: from.unwrap_or(None),
        to: to.unwrap_or(None),
        page: paging.page(),
        per_page: paging.per_page(),
    };
    let (rows, total) = audit::list(&state.db, &filter).await?;
    let rows = rows
        .into_iter()
        .map(|e| EntryLine {
            at: china_time(e.at).format("%Y-%m-%d %H:%M:%S").to_string(),
            login: e.login.unwrap_or_default(),
            action: e.action,
            object: match (e.object_kind, e.object_id) {
                (Some(k), Some(id)) => format!("{k} #{id}"),
                _ => String::new(),
            },
            detail: e.detail.unwrap_or_default(),
            ip: e.ip.unwrap_or_default(),
        })
        .collect();
    let query = [
        ("login", q.login.clone().unwrap_or_default()),
        ("action", q.action.clone().unwrap_or_default()),
        ("from", q.from.clone().unwrap_or_default()),
        ("to", q.to.clone().unwrap_or_default()),
    ];
    let pages = total.div_ceil(paging.per_page()).max(1);
    let pager = Pager::new("/audit", &query, paging.page(), pages);
    Ok(render(&AuditPage { c, rows, total, pager, q, date_error }))
}

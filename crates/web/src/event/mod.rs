//! Micro-projects' events (微项目/活动): the JSON API ([`api`]), the calendar and event pages ([`pages`]), staff's
//! forms ([`manage`]), check-in and the sign-in sheet ([`checkin`]), the iCalendar feed ([`ical`]). What the
//! pages and the API both do is in [`flow`], once.

pub mod api;
pub mod checkin;
pub mod flow;
pub mod ical;
pub mod manage;
pub mod pages;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(manage::routes())
        .merge(checkin::routes())
        .merge(ical::routes())
}

//! Micro-projects' events (微项目/活动): the JSON API ([`api`]), the calendar and event pages ([`pages`]), staff's
//! forms ([`manage`]), check-in and the sign-in sheet ([`checkin`]), the iCalendar feed ([`ical`]). What the
//! pages and the API both do is in [`flow`], once. What follows an event: volunteers ([`volunteers`]), the
//! summary, photos and story ([`after`]), feedback ([`feedback`]); and the events ledger ([`ledger`]).

pub mod after;
pub mod api;
pub mod checkin;
pub mod feedback;
pub mod flow;
pub mod ical;
pub mod ledger;
pub mod manage;
pub mod pages;
pub mod volunteers;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(manage::routes())
        .merge(checkin::routes())
        .merge(ical::routes())
        .merge(after::routes())
        .merge(volunteers::routes())
        .merge(feedback::routes())
        .merge(ledger::routes())
}

//! Micro-projects' events (微项目/活动): the JSON API ([`api`]) and the pages residents and staff use; what follows
//! an event: volunteers ([`volunteers`]), the summary, photos and story ([`after`]), feedback ([`feedback`]); and
//! the events ledger ([`ledger`]).

pub mod after;
pub mod api;
pub mod feedback;
pub mod ledger;
pub mod volunteers;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(after::routes())
        .merge(volunteers::routes())
        .merge(feedback::routes())
        .merge(ledger::routes())
}

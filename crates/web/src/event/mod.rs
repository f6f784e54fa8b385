//! Micro-projects' events (微项目/活动): the JSON API ([`api`]) and the pages residents and staff use.

pub mod api;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes())
}

//! The smiley wall (笑脸墙) online: the public page `/wall/{community_id}` and its JSON twin
//! `/api/v1/wall/{community_id}`, `?page=N` for older wishes. Anyone may look; nobody's name, room or phone is on
//! it (see [`WallItem`]). The first page comes from memory ([`cache`]); the council hall's TV has its own page
//! ([`screen`]).

pub mod cache;
pub mod screen;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

pub use cache::{WALL_PAGE_SIZE, WALL_TTL, WallCache, WallView};

use super::WallItem;
use crate::auth::MaybeUser;
use crate::grid::pages::parse_id;
use crate::page::{PageCtx, render};
use crate::paging::{PageQuery, Pager, Size};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wall/{community_id}", get(wall))
        .route("/api/v1/wall/{community_id}", get(wall_json))
        .merge(screen::routes())
}

#[derive(Template)]
#[template(path = "wish/wall.html")]
struct WallPage<'a> {
    c: PageCtx,
    wall: &'a WallView,
    signed_in: bool,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct WallQuery {
    /// `1`: the old address of the big screen; it now lives at `/wall/{community_id}/screen`.
    screen: Option<String>,
}

/// [`WALL_PAGE_SIZE`] wishes a page, whatever the client asks for (the first page is the cached one).
const SIZE: Size = Size::fixed(WALL_PAGE_SIZE as u32);

/// The smiley wall (笑脸墙) online: anyone may look; nobody's name, room or phone is on it.
async fn wall(
    State(state): State<AppState>,
    c: PageCtx,
    MaybeUser(user): MaybeUser,
    Path(community_id): Path<String>,
    Query(q): Query<WallQuery>,
    Query(pq): Query<PageQuery>,
) -> Result<Response, AppError> {
    let community_id = parse_id(&community_id)?;
    if q.screen.as_deref() == Some("1") {
        return Ok(Redirect::permanent(&format!("/wall/{community_id}/screen")).into_response());
    }
    let view = state.wall.page(&state.db, community_id, pq.paging(SIZE).page()).await?;
    let pager = Pager::uncounted(&format!("/wall/{community_id}"), view.page, view.has_next, view.items.is_empty());
    Ok(render(&WallPage { c, wall: &view, signed_in: user.is_some(), pager }))
}

/// The public wall of a community: published, claimed, fulfilled and confirmed wishes, anonymised (building
/// but not room, surname + 某 at most, no phone), priority first, then newest; 40 a page. Anyone may read it.
/// A `Link: <…?page=N>; rel="next"` header says that there are older ones.
#[utoipa::path(get, path = "/api/v1/wall/{community_id}", tag = "wish", operation_id = "wall",
    params(("community_id" = i64, Path), ("page" = Option<u64>, Query, description = "from 1; 40 wishes a page. Numbers out of range are clamped (to 1..=1000), anything else means 1; past the last page the list is empty")),
    responses((status = 200, body = Vec<WallItem>), (status = 404)))]
pub async fn wall_json(
    State(state): State<AppState>,
    Path(community_id): Path<String>,
    Query(pq): Query<PageQuery>,
) -> Result<Response, AppError> {
    let community_id = parse_id(&community_id)?;
    let view = state.wall.page(&state.db, community_id, pq.paging(SIZE).page()).await?;
    let mut response = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        view.json.clone(),
    )
        .into_response();
    if view.has_next {
        let link = format!("</api/v1/wall/{community_id}?page={}>; rel=\"next\"", view.page + 1);
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

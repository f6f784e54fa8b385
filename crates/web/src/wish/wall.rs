//! The smiley wall (笑脸墙) online: the public page `/wall/{community_id}` and its JSON twin
//! `/api/v1/wall/{community_id}`. Anyone may look; nobody's name, room or phone is on it (see [`WallItem`]).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use weizhili_core::wish::WishStatus;
use weizhili_store::grid as grid_store;
use weizhili_store::wish::{self as store, Filter};

use super::WallItem;
use crate::auth::MaybeUser;
use crate::grid::pages::parse_id;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/wall/{community_id}", get(wall)).route("/api/v1/wall/{community_id}", get(wall_json))
}

#[derive(Template)]
#[template(path = "wish/wall.html")]
struct WallPage {
    c: PageCtx,
    community: String,
    items: Vec<WallItem>,
    screen: bool,
    signed_in: bool,
}

#[derive(Deserialize)]
struct WallQuery {
    screen: Option<String>,
}

/// The smiley wall (笑脸墙) online: anyone may look; nobody's name, room or phone is on it.
async fn wall(
    State(state): State<AppState>,
    c: PageCtx,
    MaybeUser(user): MaybeUser,
    Path(community_id): Path<String>,
    Query(q): Query<WallQuery>,
) -> Result<Response, AppError> {
    let community = grid_store::community(&state.db, parse_id(&community_id)?).await?.ok_or(AppError::NotFound)?;
    let filter = Filter {
        community_id: Some(community.id),
        statuses: WishStatus::ALL.iter().copied().filter(|s| s.on_wall()).collect(),
        wall_at: Some((state.clock.now(), None)),
        page: 1,
        per_page: 60,
        ..Default::default()
    };
    let items = store::list(&state.db, &filter).await?.rows.iter().map(WallItem::build).collect();
    Ok(render(&WallPage {
        c,
        community: community.name,
        items,
        screen: q.screen.as_deref() == Some("1"),
        signed_in: user.is_some(),
    }))
}

/// The public wall of a community: published, claimed, fulfilled and confirmed wishes, anonymised (building
/// but not room, surname + 某 at most, no phone). Anyone may read it.
#[utoipa::path(get, path = "/api/v1/wall/{community_id}", tag = "wish", operation_id = "wall",
    responses((status = 200, body = Vec<WallItem>), (status = 404)))]
pub async fn wall_json(
    State(state): State<AppState>,
    Path(community_id): Path<String>,
) -> Result<Json<Vec<WallItem>>, AppError> {
    let community_id = parse_id(&community_id)?;
    grid_store::community(&state.db, community_id).await?.ok_or(AppError::NotFound)?;
    let filter = Filter {
        community_id: Some(community_id),
        statuses: WishStatus::ALL.iter().copied().filter(|s| s.on_wall()).collect(),
        wall_at: Some((state.clock.now(), None)),
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let found = store::list(&state.db, &filter).await?;
    Ok(Json(found.rows.iter().map(WallItem::build).collect()))
}

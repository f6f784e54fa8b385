//! The wish-box poster (心愿箱海报) of a building: an A4 page to print and put up by the wish box at the gate,
//! with the community and building, a large QR code to the online wish form, and three short steps. Whoever may
//! look at the building in the grid may print it (staff of the community, the building's head); the same rule
//! as the building pages, through `grid::visible_building`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use weizhili_store::grid as grid_store;

use crate::auth::CurrentUser;
use crate::grid::pages::parse_id;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState, qr};

pub fn routes() -> Router<AppState> {
    Router::new().route("/buildings/{building_id}/poster", get(poster))
}

#[derive(Template)]
#[template(path = "wish/poster.html")]
struct PosterPage {
    c: PageCtx,
    community: String,
    building: String,
    qr: String,
    form_url: String,
    /// Where "back" goes: the building's page for those who may edit it, else the list.
    back: String,
}

async fn poster(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    headers: HeaderMap,
    Path(building_id): Path<String>,
) -> Result<Response, AppError> {
    let b = crate::grid::visible_building(&state, &user, parse_id(&building_id)?).await?;
    let community = grid_store::community(&state.db, b.community_id).await?.ok_or(AppError::NotFound)?;
    let form_url = format!("{}/wishes/new", qr::public_base(&state.config, &headers));
    let layout = weizhili_core::access::Place::community(b.community_id);
    let back = if user.can(weizhili_core::access::Action::EditCommunityLayout, &layout) {
        format!("/buildings/{}", b.id)
    } else {
        "/buildings".to_owned()
    };
    Ok(render(&PosterPage { c, community: community.name, building: b.name, qr: qr::svg(&form_url), form_url, back }))
}

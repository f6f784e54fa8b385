//! Printable sheets (A4, black on white, like the wish-box poster): the pairing sheet of a round, with a
//! result column to fill in by hand or the results once entered, and the result sheet (standings with
//! tie-breaks and every round's results). Whoever sees the competition may print them.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use super::{CompetitionBoard, CompetitionRoundView, Labels, board, labels, visible};
use crate::auth::CurrentUser;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/competitions/{id}/rounds/{number}/sheet", get(pairing_sheet))
        .route("/competitions/{id}/sheet", get(result_sheet))
}

// The print style sheet, /static/sheet.css, is served once by `ops` (two merges both added its route).

#[derive(Template)]
#[template(path = "competition/pairing_sheet.html")]
struct PairingSheet {
    c: PageCtx,
    board: CompetitionBoard,
    l: Labels,
    round: CompetitionRoundView,
    community: String,
}

async fn pairing_sheet(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let comp = visible(&state, &user, &id).await?;
    let number: u32 = number.parse().map_err(|_| AppError::NotFound)?;
    let (board, _) = board(&state, &comp).await?;
    let round = board.rounds.iter().find(|r| r.number == number).cloned().ok_or(AppError::NotFound)?;
    let community = weizhili_store::grid::community(&state.db, comp.community_id).await?.map(|c| c.name);
    let l = labels(c.lang, &comp);
    Ok(render(&PairingSheet { c, board, l, round, community: community.unwrap_or_default() }))
}

#[derive(Template)]
#[template(path = "competition/result_sheet.html")]
struct ResultSheet {
    c: PageCtx,
    board: CompetitionBoard,
    l: Labels,
    community: String,
    swiss: bool,
}

async fn result_sheet(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let comp = visible(&state, &user, &id).await?;
    let (board, _) = board(&state, &comp).await?;
    let community = weizhili_store::grid::community(&state.db, comp.community_id).await?.map(|c| c.name);
    let l = labels(c.lang, &comp);
    let swiss = comp.format == "swiss";
    Ok(render(&ResultSheet { c, board, l, community: community.unwrap_or_default(), swiss }))
}

//! Competitions through the JSON API: the same changes as the pages ([`super::actions`]), the same refusals
//! with their codes.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use weizhili_store::competition as store;

use super::actions::{self, CompetitionInput, CompetitionRegisterInput, CompetitionResultInput};
use super::{
    CompetitionBoard, CompetitionPlayerView, CompetitionRoundView, CompetitionStandingView, CompetitionView, board,
    visible,
};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/competitions", get(list_json).post(create_json))
        .route("/api/v1/competitions/{id}", get(get_json))
        .route("/api/v1/competitions/{id}/players", get(players_json).post(register_json))
        .route("/api/v1/competitions/{id}/rounds", get(rounds_json).post(pair_json))
        .route("/api/v1/competitions/{id}/rounds/{number}/results", post(results_json))
        .route("/api/v1/competitions/{id}/standings", get(standings_json))
}

/// The competitions of the user's community, newest first.
#[utoipa::path(get, path = "/api/v1/competitions", tag = "competition", security(("bearer" = [])),
    responses((status = 200, body = Vec<CompetitionView>), (status = 401)))]
pub async fn list_json(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<CompetitionView>>, AppError> {
    let Some(cid) = user.community_id() else { return Ok(Json(vec![])) };
    Ok(Json(store::list(&state.db, cid).await?.iter().map(CompetitionView::from).collect()))
}

/// Creates a competition (staff and group leaders of the community). Refusals (422): `bad_competition_title`,
/// `bad_competition_game`, `bad_competition_format`, `bad_competition_rounds`.
#[utoipa::path(post, path = "/api/v1/competitions", tag = "competition", security(("bearer" = [])),
    request_body = CompetitionInput,
    responses((status = 201, body = CompetitionView), (status = 403), (status = 404), (status = 422)))]
pub async fn create_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<CompetitionInput>,
) -> Result<(StatusCode, Json<CompetitionView>), AppError> {
    let comp = actions::create(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(CompetitionView::from(&comp))))
}

/// A competition with its entries, rounds and standings.
#[utoipa::path(get, path = "/api/v1/competitions/{id}", tag = "competition", security(("bearer" = [])),
    responses((status = 200, body = CompetitionBoard), (status = 404)))]
pub async fn get_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CompetitionBoard>, AppError> {
    let comp = visible(&state, &user, &id).await?;
    Ok(Json(board(&state, &comp).await?.0))
}

/// The entries, in seed order (the order of registration).
#[utoipa::path(get, path = "/api/v1/competitions/{id}/players", tag = "competition", security(("bearer" = [])),
    responses((status = 200, body = Vec<CompetitionPlayerView>), (status = 404)))]
pub async fn players_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<CompetitionPlayerView>>, AppError> {
    let comp = visible(&state, &user, &id).await?;
    Ok(Json(board(&state, &comp).await?.0.players))
}

#[derive(Serialize, ToSchema)]
pub struct CompetitionEntry {
    /// The entry's id.
    pub id: i64,
    pub resident_id: i64,
    pub partner_id: Option<i64>,
    /// self, guardian or proxy.
    pub registered_as: String,
}

/// Registers a player: yourself, a child of your household (guardian), or anyone of the community (staff,
/// proxy); a 掼蛋 entry names a partner. Refusals: `already_registered` (409), `competition_started` (409),
/// `not_your_child` (422), `partner_required` (422), `partner_not_allowed` (422), `partner_not_in_household`
/// (422).
#[utoipa::path(post, path = "/api/v1/competitions/{id}/players", tag = "competition", security(("bearer" = [])),
    request_body = CompetitionRegisterInput,
    responses((status = 201, body = CompetitionEntry), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn register_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<CompetitionRegisterInput>>,
) -> Result<(StatusCode, Json<CompetitionEntry>), AppError> {
    let input = body.map(|b| b.0).unwrap_or_default();
    let comp = visible(&state, &user, &id).await?;
    let (player, as_whom) = actions::register(&state, &user, &comp, &input).await?;
    let view = CompetitionEntry {
        id: player.id,
        resident_id: player.resident_id,
        partner_id: player.partner_id,
        registered_as: as_whom.as_str().to_owned(),
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// The rounds paired so far, each with its tables and results.
#[utoipa::path(get, path = "/api/v1/competitions/{id}/rounds", tag = "competition", security(("bearer" = [])),
    responses((status = 200, body = Vec<CompetitionRoundView>), (status = 404)))]
pub async fn rounds_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<CompetitionRoundView>>, AppError> {
    let comp = visible(&state, &user, &id).await?;
    Ok(Json(board(&state, &comp).await?.0.rounds))
}

/// Pairs the next round (round-robin: every round at once); returns the rounds made. Staff and group leaders.
/// Refusals (409): `round_incomplete`, `all_rounds_paired`, `competition_finished`,
/// `competition_too_few_entrants`, `competition_not_head_to_head` (麻将), `competition_rounds_exhausted`.
#[utoipa::path(post, path = "/api/v1/competitions/{id}/rounds", tag = "competition", security(("bearer" = [])),
    responses((status = 201, body = Vec<CompetitionRoundView>), (status = 403), (status = 404), (status = 409)))]
pub async fn pair_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Vec<CompetitionRoundView>>), AppError> {
    let comp = visible(&state, &user, &id).await?;
    let made = actions::pair_next(&state, &user, &comp).await?;
    let comp = visible(&state, &user, &id).await?;
    let rounds = board(&state, &comp).await?.0.rounds.into_iter().filter(|r| made.contains(&r.number)).collect();
    Ok((StatusCode::CREATED, Json(rounds)))
}

#[derive(Deserialize, ToSchema)]
pub struct CompetitionResultsInput {
    pub results: Vec<CompetitionResultInput>,
}

/// Enters or corrects results of a round; tables left out keep theirs. Staff and group leaders. Refusals (422):
/// `bad_competition_outcome`, `competition_unknown_table`, `competition_bad_outcome`.
#[utoipa::path(post, path = "/api/v1/competitions/{id}/rounds/{number}/results", tag = "competition",
    security(("bearer" = [])), request_body = CompetitionResultsInput,
    responses((status = 200, body = CompetitionRoundView), (status = 403), (status = 404), (status = 422)))]
pub async fn results_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, number)): Path<(String, String)>,
    Json(input): Json<CompetitionResultsInput>,
) -> Result<Json<CompetitionRoundView>, AppError> {
    let comp = visible(&state, &user, &id).await?;
    let number: u32 = number.parse().map_err(|_| AppError::NotFound)?;
    actions::record(&state, &user, &comp, number, &input.results).await?;
    let comp = visible(&state, &user, &id).await?;
    let round = board(&state, &comp).await?.0.rounds.into_iter().find(|r| r.number == number);
    Ok(Json(round.ok_or(AppError::NotFound)?))
}

/// The standings after the rounds with every result, with the tie-breaks (Swiss: Buchholz, Sonneborn-Berger,
/// wins, head-to-head; round-robin: Sonneborn-Berger, head-to-head, wins).
#[utoipa::path(get, path = "/api/v1/competitions/{id}/standings", tag = "competition", security(("bearer" = [])),
    responses((status = 200, body = Vec<CompetitionStandingView>), (status = 404)))]
pub async fn standings_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<CompetitionStandingView>>, AppError> {
    let comp = visible(&state, &user, &id).await?;
    Ok(Json(board(&state, &comp).await?.0.standings))
}

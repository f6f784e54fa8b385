//! Help pairs (帮扶对子): staff pair a helper with a resident; a paired resident's new wish is then offered to
//! the helper first (see `actions::follow_up`). Pages and JSON API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use weizhili_core::access::{Action, ListScope, Place};
use weizhili_store::grid::{self as grid_store, ResidentFilter};
use weizhili_store::wish::pairs::{self as store, Row};
use weizhili_store::{StoreError, account, audit, begin_write};

use crate::auth::CurrentUser;
use crate::grid::pages::{Choice, parse_id};
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/help-pairs", get(list_page).post(create_form))
        .route("/help-pairs/{id}/end", post(end_form))
        .route("/api/v1/help-pairs", get(list_json).post(create_json))
        .route("/api/v1/help-pairs/{id}/end", post(end_json))
}

/// The community whose pairs this user manages, or 403.
fn managed(user: &CurrentUser) -> Result<i64, AppError> {
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(Action::ManageHelpPairs, &Place::community(cid))?;
    Ok(cid)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HelpPairView {
    pub id: i64,
    pub helper_id: i64,
    /// The helper's display name.
    pub helper: String,
    pub resident_id: i64,
    /// The resident's name (staff manage pairs and see it).
    pub resident: String,
    pub household_id: i64,
    pub since: chrono::DateTime<chrono::Utc>,
}

impl From<Row> for HelpPairView {
    fn from(r: Row) -> Self {
        HelpPairView {
            id: r.pair.id,
            helper_id: r.pair.helper_id,
            helper: r.helper,
            resident_id: r.pair.resident_id,
            resident: r.resident,
            household_id: r.pair.household_id,
            since: r.pair.created_at,
        }
    }
}

impl HelpPairView {
    pub fn since_day(&self) -> String {
        weizhili_core::clock::china_time(self.since).format("%Y-%m-%d").to_string()
    }
}

#[derive(Deserialize, ToSchema)]
pub struct PairInput {
    pub resident_id: i64,
    /// The helper's user id (a volunteer, building head or group leader of the community).
    pub helper_id: i64,
}

/// Pairs a helper with a resident of the manager's community.
async fn create(state: &AppState, user: &CurrentUser, input: PairInput) -> Result<HelpPairView, AppError> {
    let cid = managed(user)?;
    let r = grid_store::resident(&state.db, input.resident_id).await?.ok_or(AppError::NotFound)?;
    let h = grid_store::household(&state.db, r.resident.household_id).await?.ok_or(AppError::NotFound)?;
    if h.community_id != cid {
        return Err(AppError::NotFound);
    }
    if r.resident.moved_out_at.is_some() {
        return Err(AppError::invalid("already_moved_out"));
    }
    let helpers = account::helpers_of(&state.db, cid).await?;
    if !helpers.iter().any(|(id, _)| *id == input.helper_id) {
        return Err(AppError::invalid("not_a_helper"));
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let pair = store::create(&txn, cid, input.helper_id, r.resident.id, h.id, user.user.id, now).await.map_err(
        |e| match e {
            StoreError::Conflict(code) => AppError::Conflict(code),
            other => other.into(),
        },
    )?;
    let entry = user.audit("help_pair.create").object("help_pair", pair.id).community(Some(cid));
    audit::record(&txn, now, entry.detail(format!("helper={} resident={}", input.helper_id, r.resident.id))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    let row = store::list(&state.db, cid, Some(r.resident.id)).await?.into_iter().find(|row| row.pair.id == pair.id);
    row.map(HelpPairView::from).ok_or(AppError::NotFound)
}

async fn end(state: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let cid = managed(user)?;
    let pair = store::get(&state.db, id).await?.filter(|p| p.community_id == cid).ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    store::end(&txn, pair.id, now).await.map_err(|e| match e {
        StoreError::Conflict(code) => AppError::Conflict(code),
        other => other.into(),
    })?;
    audit::record(&txn, now, user.audit("help_pair.end").object("help_pair", pair.id).community(Some(cid))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(())
}

pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub place: String,
}

#[derive(Template)]
#[template(path = "wish/pairs.html")]
struct PairsPage {
    c: PageCtx,
    pairs: Vec<HelpPairView>,
    helpers: Vec<Choice>,
    search: String,
    candidates: Vec<Candidate>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct PairsQuery {
    q: Option<String>,
}

async fn pairs_page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    q: PairsQuery,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let cid = managed(user)?;
    let pairs = store::list(&state.db, cid, None).await?.into_iter().map(HelpPairView::from).collect();
    let helpers = account::helpers_of(&state.db, cid)
        .await?
        .into_iter()
        .map(|(id, name)| Choice { value: id.to_string(), label: name, selected: false })
        .collect();
    let search = q.q.clone().unwrap_or_default().trim().chars().take(30).collect::<String>();
    let candidates = if search.is_empty() {
        vec![]
    } else {
        let filter = ResidentFilter {
            community_id: Some(cid),
            q: Some(search.clone()),
            page: 1,
            per_page: 20,
            ..Default::default()
        };
        grid_store::residents(&state.db, &ListScope::Communities(vec![cid]), &filter, state.clock.this_year())
            .await?
            .rows
            .into_iter()
            .map(|r| Candidate {
                id: r.resident.id,
                name: r.resident.name,
                place: crate::grid::place_label(&r.building_name, &r.unit, &r.room),
            })
            .collect()
    };
    let code = error.as_ref().map(|e| e.0).unwrap_or(StatusCode::OK);
    let mut response = render(&PairsPage { c, pairs, helpers, search, candidates, error: error.map(|e| e.1) });
    *response.status_mut() = code;
    Ok(response)
}

async fn list_page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(q): Query<PairsQuery>,
) -> Result<Response, AppError> {
    pairs_page(&state, c, &user, q, None).await
}

#[derive(Deserialize)]
struct PairForm {
    resident_id: String,
    helper_id: String,
}

async fn create_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Form(form): Form<PairForm>,
) -> Result<Response, AppError> {
    let input = PairInput { resident_id: parse_id(&form.resident_id)?, helper_id: parse_id(&form.helper_id)? };
    match create(&state, &user, input).await {
        Ok(_) => Ok(Redirect::to("/help-pairs").into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let message = e.message(c.lang);
            pairs_page(&state, c, &user, PairsQuery::default(), Some((e.status(), message))).await
        }
        Err(e) => Err(e),
    }
}

async fn end_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    end(&state, &user, parse_id(&id)?).await?;
    Ok(Redirect::to("/help-pairs").into_response())
}

/// The open help pairs of the staff member's community.
#[utoipa::path(get, path = "/api/v1/help-pairs", tag = "wish", security(("bearer" = [])),
    responses((status = 200, body = Vec<HelpPairView>), (status = 401), (status = 403)))]
pub async fn list_json(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Vec<HelpPairView>>, AppError> {
    let cid = managed(&user)?;
    Ok(Json(store::list(&state.db, cid, None).await?.into_iter().map(HelpPairView::from).collect()))
}

/// Pairs a helper with a resident; a resident already paired is 409 `help_pair_exists`.
#[utoipa::path(post, path = "/api/v1/help-pairs", tag = "wish", security(("bearer" = [])), request_body = PairInput,
    responses((status = 201, body = HelpPairView), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn create_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<PairInput>,
) -> Result<(StatusCode, Json<HelpPairView>), AppError> {
    Ok((StatusCode::CREATED, Json(create(&state, &user, input).await?)))
}

/// Ends a help pair.
#[utoipa::path(post, path = "/api/v1/help-pairs/{id}/end", tag = "wish", security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
pub async fn end_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    end(&state, &user, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! The grid's JSON API under `/api/v1`: the same loaders, permissions and masking as the pages.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use weizhili_core::access::{Action, ListScope};
use weizhili_store::grid::{self};

use super::forms::ResidentInput;
use super::pages::{ResidentQuery, parse_id};
use super::{ResidentView, resident_place, view_resident, visible_household, visible_resident};
use crate::auth::CurrentUser;
use crate::paging::{PageQuery, Size};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/courtyards", get(list_courtyards).post(create_courtyard))
        .route("/api/v1/buildings", get(list_buildings).post(create_building))
        .route("/api/v1/households", get(list_households).post(create_household))
        .route("/api/v1/households/{id}", get(get_household).put(update_household))
        .route("/api/v1/buildings/{id}", axum::routing::put(update_building))
        .route("/api/v1/courtyards/{id}", axum::routing::put(rename_courtyard))
        .route("/api/v1/residents", get(list_residents).post(create_resident))
        .route("/api/v1/residents/{id}", get(get_resident).put(update_resident))
        .route("/api/v1/residents/{id}/move-out", post(move_out))
}

#[derive(Serialize, ToSchema)]
pub struct CourtyardView {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct BuildingView {
    pub id: i64,
    pub community_id: i64,
    pub courtyard_id: i64,
    pub name: String,
    pub floors: Option<i32>,
    pub units: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdView {
    pub id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub building: String,
    pub unit: String,
    pub room: String,
    /// occupied, vacant or rented.
    pub status: String,
    pub residents: u64,
}

fn household_view(h: grid::Household, building: String, residents: u64) -> HouseholdView {
    HouseholdView {
        id: h.id,
        community_id: h.community_id,
        building_id: h.building_id,
        building,
        unit: h.unit,
        room: h.room,
        status: h.status,
        residents,
    }
}

#[derive(Serialize, ToSchema)]
pub struct ListOf<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

fn grid_scope(user: &CurrentUser) -> Result<ListScope, AppError> {
    match user.actor.list_scope(Action::ViewGrid) {
        ListScope::Nothing => Err(AppError::Forbidden),
        scope => Ok(scope),
    }
}

/// Courtyards of the user's community (all, for a platform admin).
#[utoipa::path(get, path = "/api/v1/courtyards", tag = "grid", security(("bearer" = [])),
    responses((status = 200, body = Vec<CourtyardView>), (status = 401), (status = 403)))]
pub async fn list_courtyards(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<CourtyardView>>, AppError> {
    grid_scope(&user)?;
    let communities = match user.community_id() {
        Some(id) => vec![id],
        None if user.actor.is_admin() => grid::communities(&state.db).await?.into_iter().map(|c| c.id).collect(),
        None => vec![],
    };
    let mut out = Vec::new();
    for id in communities {
        out.extend(grid::courtyards(&state.db, id).await?.into_iter().map(|y| CourtyardView {
            id: y.id,
            community_id: y.community_id,
            name: y.name,
        }));
    }
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
pub struct NewCourtyardInput {
    pub name: String,
}

/// Adds a courtyard to the user's community (staff).
#[utoipa::path(post, path = "/api/v1/courtyards", tag = "grid", security(("bearer" = [])), request_body = NewCourtyardInput,
    responses((status = 201, body = CourtyardView), (status = 403), (status = 409, description = "courtyard_exists"), (status = 422)))]
pub async fn create_courtyard(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<NewCourtyardInput>,
) -> Result<(StatusCode, Json<CourtyardView>), AppError> {
    let y = super::change::add_courtyard(&state, &user, &input.name).await?;
    Ok((StatusCode::CREATED, Json(CourtyardView { id: y.id, community_id: y.community_id, name: y.name })))
}

fn building_view(b: grid::Building) -> BuildingView {
    BuildingView {
        id: b.id,
        community_id: b.community_id,
        courtyard_id: b.courtyard_id,
        name: b.name,
        floors: b.floors,
        units: b.units,
    }
}

/// Buildings the user may see.
#[utoipa::path(get, path = "/api/v1/buildings", tag = "grid", security(("bearer" = [])),
    responses((status = 200, body = Vec<BuildingView>), (status = 401), (status = 403)))]
pub async fn list_buildings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<BuildingView>>, AppError> {
    let scope = grid_scope(&user)?;
    let rows = grid::buildings(&state.db, &scope, None).await?;
    Ok(Json(
        rows.into_iter()
            .map(|b| BuildingView {
                id: b.id,
                community_id: b.community_id,
                courtyard_id: b.courtyard_id,
                name: b.name,
                floors: b.floors,
                units: b.units,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewBuildingInput {
    pub courtyard_id: i64,
    pub name: String,
    pub floors: Option<i32>,
    pub units: Option<i32>,
}

/// Adds a building to a courtyard of the user's community (staff).
#[utoipa::path(post, path = "/api/v1/buildings", tag = "grid", security(("bearer" = [])), request_body = NewBuildingInput,
    responses((status = 201, body = BuildingView), (status = 403), (status = 404), (status = 409, description = "building_exists"), (status = 422)))]
pub async fn create_building(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<NewBuildingInput>,
) -> Result<(StatusCode, Json<BuildingView>), AppError> {
    let b =
        super::change::add_building(&state, &user, input.courtyard_id, &input.name, input.floors, input.units).await?;
    Ok((StatusCode::CREATED, Json(building_view(b))))
}

#[derive(Deserialize, IntoParams)]
pub struct HouseholdParams {
    pub building_id: Option<i64>,
}

/// 50 households or residents a page, up to 200.
const SIZE: Size = Size::up_to(50, 200);

/// Households the user may see, by building, unit and room.
#[utoipa::path(get, path = "/api/v1/households", tag = "grid", security(("bearer" = [])), params(HouseholdParams, PageQuery),
    responses((status = 200, body = ListOf<HouseholdView>), (status = 401), (status = 403)))]
pub async fn list_households(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HouseholdParams>,
    Query(pq): Query<PageQuery>,
) -> Result<Json<ListOf<HouseholdView>>, AppError> {
    let scope = grid_scope(&user)?;
    let paging = pq.paging(SIZE);
    let found = grid::households(&state.db, &scope, None, q.building_id, paging.page(), paging.per_page()).await?;
    Ok(Json(ListOf {
        total: found.total,
        page: found.page,
        per_page: found.per_page,
        items: found.rows.into_iter().map(|r| household_view(r.household, r.building_name, r.residents)).collect(),
    }))
}

/// One household.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "grid", security(("bearer" = [])),
    responses((status = 200, body = HouseholdView), (status = 404)))]
pub async fn get_household(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<HouseholdView>, AppError> {
    let h = visible_household(&state, &user, parse_id(&id)?).await?;
    let b = grid::building(&state.db, h.building_id).await?.ok_or(AppError::NotFound)?;
    let found = grid::households(&state.db, &ListScope::Households(vec![h.id]), None, None, 1, 1).await?;
    let residents = found.rows.first().map(|r| r.residents).unwrap_or(0);
    Ok(Json(household_view(h, b.name, residents)))
}

#[derive(Deserialize, ToSchema)]
pub struct NewHouseholdInput {
    pub building_id: i64,
    #[serde(default)]
    pub unit: String,
    pub room: String,
    /// occupied (default), vacant or rented.
    pub status: Option<String>,
}

/// Adds a household to a building (staff, or the building's head).
#[utoipa::path(post, path = "/api/v1/households", tag = "grid", security(("bearer" = [])), request_body = NewHouseholdInput,
    responses((status = 201, body = HouseholdView), (status = 403), (status = 404), (status = 409, description = "household_exists"), (status = 422)))]
pub async fn create_household(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<NewHouseholdInput>,
) -> Result<(StatusCode, Json<HouseholdView>), AppError> {
    let status = input.status.as_deref().unwrap_or("occupied");
    let h = super::change::add_household(&state, &user, input.building_id, &input.unit, &input.room, status).await?;
    let b = grid::building(&state.db, h.building_id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(household_view(h, b.name, 0))))
}

#[derive(Deserialize, IntoParams)]
pub struct ResidentParams {
    /// A name fragment, the last four digits of a phone, or a whole phone.
    pub q: Option<String>,
    pub building_id: Option<i64>,
    /// A tag code, e.g. `aged`.
    pub tag: Option<String>,
    /// `child`, `adult`, `senior` or `aged`.
    pub age_band: Option<String>,
}

/// Residents the user may see, masked: the resident's own endpoint shows what the role may see unmasked.
#[utoipa::path(get, path = "/api/v1/residents", tag = "grid", security(("bearer" = [])), params(ResidentParams, PageQuery),
    responses((status = 200, body = ListOf<ResidentView>), (status = 401), (status = 403)))]
pub async fn list_residents(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ResidentParams>,
    Query(pq): Query<PageQuery>,
) -> Result<Json<ListOf<ResidentView>>, AppError> {
    let scope = grid_scope(&user)?;
    let q = ResidentQuery {
        q: p.q,
        building: p.building_id.map(|b| b.to_string()),
        tag: p.tag,
        age: p.age_band,
        moved_out: None,
    };
    let filter = q.filter(pq.paging(SIZE));
    let this_year = state.clock.this_year();
    let found = grid::residents(&state.db, &scope, &filter, this_year).await?;
    let items = found
        .rows
        .iter()
        .map(|r| ResidentView::build(r, false, user.can(Action::ViewSensitiveTags, &resident_place(r)), this_year))
        .collect();
    Ok(Json(ListOf { items, total: found.total, page: found.page, per_page: found.per_page }))
}

/// One resident; phone and birth year unmasked for roles that need them (and that view is audited).
#[utoipa::path(get, path = "/api/v1/residents/{id}", tag = "grid", security(("bearer" = [])),
    responses((status = 200, body = ResidentView), (status = 404)))]
pub async fn get_resident(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ResidentView>, AppError> {
    let row = visible_resident(&state, &user, parse_id(&id)?).await?;
    Ok(Json(view_resident(&state, &user, &row, true).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewResidentInput {
    pub household_id: i64,
    #[serde(flatten)]
    pub fields: ResidentInput,
}

fn invalid(problems: Vec<(&'static str, &'static str)>) -> AppError {
    let code = problems.first().map(|p| p.1).unwrap_or("invalid");
    let fields: Vec<&str> = problems.iter().map(|p| p.0).collect();
    AppError::in_fields(code, fields)
}

/// Adds a resident to a household.
#[utoipa::path(post, path = "/api/v1/residents", tag = "grid", security(("bearer" = [])), request_body = NewResidentInput,
    responses((status = 201, body = ResidentView), (status = 403), (status = 404), (status = 422)))]
pub async fn create_resident(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<NewResidentInput>,
) -> Result<(StatusCode, Json<ResidentView>), AppError> {
    let h = visible_household(&state, &user, input.household_id).await?;
    let fields = input.fields.parse(state.clock.this_year()).map_err(invalid)?;
    let id = super::change::add_resident(&state, &user, &h, fields).await?;
    let row = grid::resident(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(view_resident(&state, &user, &row, false).await?)))
}

/// Replaces a resident's fields. Tags the caller may not see are kept as they were.
#[utoipa::path(put, path = "/api/v1/residents/{id}", tag = "grid", security(("bearer" = [])), request_body = ResidentInput,
    responses((status = 200, body = ResidentView), (status = 403), (status = 404), (status = 422)))]
pub async fn update_resident(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<ResidentInput>,
) -> Result<Json<ResidentView>, AppError> {
    let row = visible_resident(&state, &user, parse_id(&id)?).await?;
    user.require(Action::EditGrid, &resident_place(&row))?;
    let fields = input.parse(state.clock.this_year()).map_err(invalid)?;
    super::change::change_resident(&state, &user, &row, fields).await?;
    let row = grid::resident(&state.db, row.resident.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(view_resident(&state, &user, &row, false).await?))
}

/// Marks a resident as moved out; they stay in history.
#[utoipa::path(post, path = "/api/v1/residents/{id}/move-out", tag = "grid", security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "already_moved_out")))]
pub async fn move_out(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let row = visible_resident(&state, &user, parse_id(&id)?).await?;
    super::change::move_out(&state, &user, &row).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct HouseholdChangeInput {
    /// occupied, vacant or rented.
    pub status: String,
    pub note: Option<String>,
}

/// Changes a household's status and note (staff, or the building's head).
#[utoipa::path(put, path = "/api/v1/households/{id}", tag = "grid", security(("bearer" = [])), request_body = HouseholdChangeInput,
    responses((status = 200, body = HouseholdView), (status = 403), (status = 404), (status = 422)))]
pub async fn update_household(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<HouseholdChangeInput>,
) -> Result<Json<HouseholdView>, AppError> {
    let h = visible_household(&state, &user, parse_id(&id)?).await?;
    super::change::change_household(&state, &user, &h, &input.status, input.note.as_deref()).await?;
    get_household(State(state), user, Path(id)).await
}

#[derive(Deserialize, ToSchema)]
pub struct BuildingChangeInput {
    pub name: String,
    pub floors: Option<i32>,
    pub units: Option<i32>,
}

/// Renames a building or corrects its floors and units (staff).
#[utoipa::path(put, path = "/api/v1/buildings/{id}", tag = "grid", security(("bearer" = [])), request_body = BuildingChangeInput,
    responses((status = 200, body = BuildingView), (status = 403), (status = 404), (status = 409, description = "building_exists"), (status = 422)))]
pub async fn update_building(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<BuildingChangeInput>,
) -> Result<Json<BuildingView>, AppError> {
    let b = super::visible_building(&state, &user, parse_id(&id)?).await?;
    let b = super::change::change_building(&state, &user, &b, &input.name, input.floors, input.units).await?;
    Ok(Json(building_view(b)))
}

/// Renames a courtyard (staff).
#[utoipa::path(put, path = "/api/v1/courtyards/{id}", tag = "grid", security(("bearer" = [])), request_body = NewCourtyardInput,
    responses((status = 200, body = CourtyardView), (status = 403), (status = 404), (status = 409, description = "courtyard_exists"), (status = 422)))]
pub async fn rename_courtyard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<NewCourtyardInput>,
) -> Result<Json<CourtyardView>, AppError> {
    let y = super::change::rename_courtyard(&state, &user, parse_id(&id)?, &input.name).await?;
    Ok(Json(CourtyardView { id: y.id, community_id: y.community_id, name: y.name }))
}

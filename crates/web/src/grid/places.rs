//! The grid's places: households (list, page, add, change status) and the community's layout (courtyards and
//! buildings: list, add, rename). Residents are in `pages`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use weizhili_core::access::{Action, ListScope, Place};
use weizhili_store::grid::{self, HouseholdRow, ResidentFilter};

use super::{ResidentView, household_place, visible_household};
use crate::auth::CurrentUser;
use crate::page::{PageCtx, render};
use crate::paging::{PageQuery, Pager, Paging, Size};
use crate::{AppError, AppState};

use super::pages::{Choice, parse_id};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/households", get(households).post(create_household))
        .route("/households/{id}", get(household).post(update_household))
        .route("/buildings", get(buildings).post(create_building))
        .route("/buildings/{id}", get(building).post(update_building))
        .route("/courtyards", post(create_courtyard))
        .route("/courtyards/{id}", post(rename_courtyard))
}

// ---- households ----

#[derive(Template)]
#[template(path = "grid/households.html")]
struct HouseholdsPage {
    c: PageCtx,
    rows: Vec<HouseholdRow>,
    total: u64,
    pager: Pager,
    buildings: Vec<Choice>,
    can_add: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct HouseholdQuery {
    building: Option<String>,
}

/// 30 households a page.
const SIZE: Size = Size::fixed(30);

async fn households(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(q): Query<HouseholdQuery>,
    Query(pq): Query<PageQuery>,
) -> Result<Response, AppError> {
    households_page(&state, c, &user, &q, pq.paging(SIZE), None).await
}

async fn households_page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    q: &HouseholdQuery,
    paging: Paging,
    error: Option<String>,
) -> Result<Response, AppError> {
    let scope = user.actor.list_scope(Action::ViewGrid);
    if scope == ListScope::Nothing {
        return Err(AppError::Forbidden);
    }
    let building_id = q.building.as_deref().and_then(|b| b.parse().ok());
    let found = grid::households(&state.db, &scope, None, building_id, paging.page(), paging.per_page()).await?;
    let buildings = grid::buildings(&state.db, &scope, None).await?;
    let query = [("building", q.building.clone().unwrap_or_default())];
    let can_add = matches!(scope, ListScope::Everything | ListScope::Communities(_) | ListScope::Buildings(_));
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let mut response = render(&HouseholdsPage {
        pager: Pager::new("/households", &query, found.page, found.pages()),
        total: found.total,
        rows: found.rows,
        buildings: buildings
            .iter()
            .map(|b| Choice { value: b.id.to_string(), label: b.name.clone(), selected: building_id == Some(b.id) })
            .collect(),
        c,
        can_add,
        error,
    });
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Deserialize)]
struct HouseholdForm {
    building_id: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    room: String,
}

async fn create_household(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Form(form): Form<HouseholdForm>,
) -> Result<Response, AppError> {
    let building_id = parse_id(&form.building_id)?;
    match super::change::add_household(&state, &user, building_id, &form.unit, &form.room, "occupied").await {
        Ok(h) => Ok(Redirect::to(&format!("/households/{}", h.id)).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let q = HouseholdQuery { building: Some(building_id.to_string()) };
            households_page(&state, c.clone(), &user, &q, Paging::first(SIZE), Some(e.message(c.lang))).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "grid/household.html")]
struct HouseholdPage {
    c: PageCtx,
    address: String,
    status_key: String,
    household_id: i64,
    residents: Vec<ResidentView>,
    can_edit: bool,
    statuses: Vec<Choice>,
    note: String,
    error: Option<String>,
}

async fn household(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let h = visible_household(&state, &user, parse_id(&id)?).await?;
    household_page(&state, c, &user, h, None).await
}

async fn household_page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    h: grid::Household,
    error: Option<String>,
) -> Result<Response, AppError> {
    let place = household_place(&h);
    let b = grid::building(&state.db, h.building_id).await?.ok_or(AppError::NotFound)?;
    let filter =
        ResidentFilter { household_id: Some(h.id), include_moved_out: true, per_page: 50, ..Default::default() };
    let scope = ListScope::Households(vec![h.id]);
    let this_year = state.clock.this_year();
    let rows = grid::residents(&state.db, &scope, &filter, this_year).await?;
    let sensitive = user.can(Action::ViewSensitiveTags, &place);
    let residents = rows.rows.iter().map(|r| ResidentView::build(r, false, sensitive, this_year)).collect();
    let statuses = ["occupied", "vacant", "rented"]
        .iter()
        .map(|s| Choice { value: (*s).into(), label: c.t(&format!("household-{s}")), selected: h.status == *s })
        .collect();
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let mut response = render(&HouseholdPage {
        address: super::place_label(&b.name, &h.unit, &h.room),
        status_key: format!("household-{}", h.status),
        household_id: h.id,
        residents,
        can_edit: user.can(Action::EditGrid, &place),
        statuses,
        note: h.note.clone().unwrap_or_default(),
        error,
        c,
    });
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Deserialize)]
struct HouseholdChange {
    #[serde(default)]
    status: String,
    note: Option<String>,
}

async fn update_household(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<HouseholdChange>,
) -> Result<Response, AppError> {
    let h = visible_household(&state, &user, parse_id(&id)?).await?;
    match super::change::change_household(&state, &user, &h, &form.status, form.note.as_deref()).await {
        Ok(h) => Ok(Redirect::to(&format!("/households/{}", h.id)).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let message = e.message(c.lang);
            household_page(&state, c, &user, h, Some(message)).await
        }
        Err(e) => Err(e),
    }
}

// ---- courtyards and buildings ----

pub struct BuildingLine {
    pub id: i64,
    pub name: String,
    pub courtyard: String,
    pub floors: String,
    pub units: String,
    /// May print the building's wish-box poster (`wish::poster`): whoever may view the building.
    pub poster: bool,
}

#[derive(Template)]
#[template(path = "grid/buildings.html")]
struct BuildingsPage {
    c: PageCtx,
    buildings: Vec<BuildingLine>,
    courtyards: Vec<Choice>,
    can_layout: bool,
    can_poster: bool,
    error: Option<String>,
}

async fn buildings(State(state): State<AppState>, c: PageCtx, user: CurrentUser) -> Result<Response, AppError> {
    buildings_page(&state, c, &user, None).await
}

async fn buildings_page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    error: Option<String>,
) -> Result<Response, AppError> {
    let scope = user.actor.list_scope(Action::ViewGrid);
    if scope == ListScope::Nothing {
        return Err(AppError::Forbidden);
    }
    let buildings = grid::buildings(&state.db, &scope, None).await?;
    let mut courtyards = Vec::new();
    let community = user.community_id();
    if let Some(cid) = community {
        courtyards = grid::courtyards(&state.db, cid).await?;
    } else if user.actor.is_admin() {
        for community in grid::communities(&state.db).await? {
            courtyards.extend(grid::courtyards(&state.db, community.id).await?);
        }
    }
    let name_of = |id: i64| courtyards.iter().find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_default();
    let lines: Vec<BuildingLine> = buildings
        .iter()
        .map(|b| BuildingLine {
            id: b.id,
            name: b.name.clone(),
            courtyard: name_of(b.courtyard_id),
            floors: b.floors.map(|f| f.to_string()).unwrap_or_default(),
            units: b.units.map(|u| u.to_string()).unwrap_or_default(),
            poster: user.can(Action::ViewGrid, &Place::building(b.community_id, b.id))
                || user.can(Action::ViewGrid, &Place::community(b.community_id)),
        })
        .collect();
    let can_layout = community.is_some_and(|cid| user.can(Action::EditCommunityLayout, &Place::community(cid)));
    let can_poster = lines.iter().any(|l| l.poster);
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let mut response = render(&BuildingsPage {
        buildings: lines,
        courtyards: courtyards
            .iter()
            .map(|y| Choice { value: y.id.to_string(), label: y.name.clone(), selected: false })
            .collect(),
        can_layout,
        can_poster,
        error,
        c,
    });
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Template)]
#[template(path = "grid/building.html")]
struct BuildingPage {
    c: PageCtx,
    id: i64,
    name: String,
    floors: String,
    units: String,
    error: Option<String>,
}

async fn building(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let b = super::visible_building(&state, &user, parse_id(&id)?).await?;
    user.require(Action::EditCommunityLayout, &Place::community(b.community_id))?;
    let floors = b.floors.map(|f| f.to_string()).unwrap_or_default();
    let units = b.units.map(|u| u.to_string()).unwrap_or_default();
    Ok(render(&BuildingPage { c, id: b.id, name: b.name, floors, units, error: None }))
}

async fn update_building(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<BuildingForm>,
) -> Result<Response, AppError> {
    let b = super::visible_building(&state, &user, parse_id(&id)?).await?;
    let number = |s: &str| -> Result<Option<i32>, AppError> {
        match s.trim() {
            "" => Ok(None),
            n => n.parse().map(Some).map_err(|_| AppError::invalid("bad_number")),
        }
    };
    let done = match (number(&form.floors), number(&form.units)) {
        (Ok(floors), Ok(units)) => super::change::change_building(&state, &user, &b, &form.name, floors, units).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match done {
        Ok(_) => Ok(Redirect::to("/buildings").into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let error = Some(e.message(c.lang));
            let mut response =
                render(&BuildingPage { c, id: b.id, name: form.name, floors: form.floors, units: form.units, error });
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct CourtyardForm {
    #[serde(default)]
    name: String,
}

async fn create_courtyard(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Form(form): Form<CourtyardForm>,
) -> Result<Response, AppError> {
    let done = super::change::add_courtyard(&state, &user, &form.name).await.map(|_| ());
    after_layout_change(&state, c, &user, done).await
}

async fn rename_courtyard(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CourtyardForm>,
) -> Result<Response, AppError> {
    let done = super::change::rename_courtyard(&state, &user, parse_id(&id)?, &form.name).await.map(|_| ());
    after_layout_change(&state, c, &user, done).await
}

/// Back to the buildings page, or the page again with what went wrong.
async fn after_layout_change(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    done: Result<(), AppError>,
) -> Result<Response, AppError> {
    match done {
        Ok(()) => Ok(Redirect::to("/buildings").into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let message = e.message(c.lang);
            buildings_page(state, c, user, Some(message)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct BuildingForm {
    #[serde(default)]
    courtyard_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    floors: String,
    #[serde(default)]
    units: String,
}

async fn create_building(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Form(form): Form<BuildingForm>,
) -> Result<Response, AppError> {
    let courtyard_id = parse_id(&form.courtyard_id)?;
    let number = |s: &str| -> Result<Option<i32>, AppError> {
        match s.trim() {
            "" => Ok(None),
            n => n.parse().map(Some).map_err(|_| AppError::invalid("bad_number")),
        }
    };
    let done = match (number(&form.floors), number(&form.units)) {
        (Ok(floors), Ok(units)) => {
            super::change::add_building(&state, &user, courtyard_id, &form.name, floors, units).await.map(|_| ())
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    after_layout_change(&state, c, &user, done).await
}

//! The grid's pages: lists with search and filters, a resident's page, forms to add and change, move-out.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use weizhili_core::access::{Action, ListScope, Place};
use weizhili_core::grid::{AgeBand, Tag};
use weizhili_store::grid::{self, ResidentFilter};

use super::forms::{CONSENT_BASES, ResidentInput};
use super::{ResidentView, household_place, view_resident, visible_household, visible_resident};
use crate::auth::CurrentUser;
use crate::page::{PageCtx, render};
use crate::paging::{PageQuery, Pager, Paging, Size};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/residents", get(residents).post(create_resident))
        .route("/residents/new", get(new_resident))
        .route("/residents/{id}", get(resident).post(update_resident))
        .route("/residents/{id}/edit", get(edit_resident))
        .route("/residents/{id}/move-out", post(move_out))
}

/// An id in a path; anything that is not a number is a page that does not exist.
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or(AppError::NotFound)
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResidentQuery {
    pub q: Option<String>,
    pub building: Option<String>,
    pub tag: Option<String>,
    pub age: Option<String>,
    pub moved_out: Option<String>,
}

impl ResidentQuery {
    /// Unknown filter values are ignored rather than refused: a stale bookmark still opens the list.
    pub fn filter(&self, paging: Paging) -> ResidentFilter {
        ResidentFilter {
            community_id: None,
            q: self.q.clone().filter(|q| !q.trim().is_empty()).map(|q| q.chars().take(50).collect()),
            building_id: self.building.as_deref().and_then(|b| b.parse().ok()),
            household_id: None,
            tag: self.tag.as_deref().and_then(|t| Tag::parse(t).ok()),
            age_band: self.age.as_deref().and_then(|a| AgeBand::parse(a).ok()),
            include_moved_out: self.moved_out.as_deref() == Some("1"),
            page: paging.page(),
            per_page: paging.per_page(),
        }
    }
}

#[derive(Template)]
#[template(path = "grid/residents.html")]
struct ResidentsPage {
    c: PageCtx,
    rows: Vec<ResidentView>,
    total: u64,
    pager: Pager,
    q: String,
    buildings: Vec<Choice>,
    tags: Vec<Choice>,
    ages: Vec<Choice>,
    can_add: bool,
}

/// 20 residents a page.
const SIZE: Size = Size::fixed(20);

async fn residents(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(q): Query<ResidentQuery>,
    Query(pq): Query<PageQuery>,
) -> Result<Response, AppError> {
    let scope = user.actor.list_scope(Action::ViewGrid);
    if scope == ListScope::Nothing {
        return Err(AppError::Forbidden);
    }
    let filter = q.filter(pq.paging(SIZE));
    let this_year = state.clock.this_year();
    let found = grid::residents(&state.db, &scope, &filter, this_year).await?;
    let buildings = grid::buildings(&state.db, &scope, None).await?;
    // Lists never show unmasked personal data: the resident's own page does, and is audited.
    let rows = found
        .rows
        .iter()
        .map(|r| {
            let place = super::resident_place(r);
            ResidentView::build(r, false, user.can(Action::ViewSensitiveTags, &place), this_year)
        })
        .collect();
    let sees_sensitive = user.community_id().is_some_and(|c| user.can(Action::ViewSensitiveTags, &Place::community(c)))
        || user.actor.is_admin();
    let tags = Tag::ALL
        .iter()
        .filter(|t| sees_sensitive || !t.is_sensitive())
        .map(|t| Choice {
            value: t.as_str().into(),
            label: c.t(&format!("tag-{}", t.as_str().replace('_', "-"))),
            selected: filter.tag == Some(*t),
        })
        .collect();
    let ages = AgeBand::ALL
        .iter()
        .map(|a| Choice {
            value: a.as_str().into(),
            label: c.t(&format!("age-{}", a.as_str())),
            selected: filter.age_band == Some(*a),
        })
        .collect();
    let buildings = buildings
        .iter()
        .map(|b| Choice { value: b.id.to_string(), label: b.name.clone(), selected: filter.building_id == Some(b.id) })
        .collect();
    let query = [
        ("q", q.q.clone().unwrap_or_default()),
        ("building", q.building.clone().unwrap_or_default()),
        ("tag", q.tag.clone().unwrap_or_default()),
        ("age", q.age.clone().unwrap_or_default()),
    ];
    let pager = Pager::new("/residents", &query, found.page, found.pages());
    let can_add = matches!(scope, ListScope::Everything | ListScope::Communities(_) | ListScope::Buildings(_));
    Ok(render(&ResidentsPage {
        c,
        rows,
        total: found.total,
        pager,
        q: q.q.unwrap_or_default(),
        buildings,
        tags,
        ages,
        can_add,
    }))
}

#[derive(Template)]
#[template(path = "grid/resident.html")]
struct ResidentPage {
    c: PageCtx,
    r: ResidentView,
    can_edit: bool,
}

async fn resident(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = visible_resident(&state, &user, parse_id(&id)?).await?;
    let can_edit = user.can(Action::EditGrid, &super::resident_place(&row)) && row.resident.moved_out_at.is_none();
    let r = view_resident(&state, &user, &row, true).await?;
    Ok(render(&ResidentPage { c, r, can_edit }))
}

#[derive(Template)]
#[template(path = "grid/resident_form.html")]
struct ResidentForm {
    c: PageCtx,
    action: String,
    title_key: &'static str,
    place: String,
    household_id: i64,
    input: ResidentInput,
    errors: Vec<(&'static str, String)>,
    tags: Vec<Choice>,
    genders: Vec<Choice>,
    bases: Vec<Choice>,
}

impl ResidentForm {
    fn error_for(&self, field: &str) -> String {
        self.errors.iter().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" ")
    }
}

#[expect(clippy::too_many_arguments, reason = "a form's parts; a struct for one call site would only rename them")]
fn resident_form(
    c: PageCtx,
    action: String,
    title_key: &'static str,
    place: String,
    household_id: i64,
    input: ResidentInput,
    errors: Vec<(&'static str, &'static str)>,
    sensitive: bool,
) -> ResidentForm {
    let tags = Tag::ALL
        .iter()
        .filter(|t| sensitive || !t.is_sensitive())
        .map(|t| Choice {
            value: t.as_str().into(),
            label: c.t(&format!("tag-{}", t.as_str().replace('_', "-"))),
            selected: input.has_tag(t.as_str()),
        })
        .collect();
    let gender = input.gender.clone().unwrap_or_default();
    let genders = ["male", "female"]
        .iter()
        .map(|g| Choice {
            value: (*g).into(),
            label: c.t(&format!("gender-{g}")),
            selected: gender == *g || (gender == "男" && *g == "male") || (gender == "女" && *g == "female"),
        })
        .collect();
    let basis = input.consent_basis.clone().unwrap_or_default();
    let bases = CONSENT_BASES
        .iter()
        .map(|b| Choice {
            value: (*b).into(),
            label: c.t(&format!("consent-{}", b.replace('_', "-"))),
            selected: basis == *b,
        })
        .collect();
    let errors = errors.into_iter().map(|(f, code)| (f, crate::error::message(c.lang, code))).collect();
    ResidentForm { c, action, title_key, place, household_id, input, errors, tags, genders, bases }
}

#[derive(Deserialize)]
struct NewResidentQuery {
    household: Option<String>,
}

async fn new_resident(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(q): Query<NewResidentQuery>,
) -> Result<Response, AppError> {
    let hid = parse_id(q.household.as_deref().unwrap_or(""))?;
    let h = visible_household(&state, &user, hid).await?;
    user.require(Action::EditGrid, &household_place(&h))?;
    let b = grid::building(&state.db, h.building_id).await?.ok_or(AppError::NotFound)?;
    let sensitive = user.can(Action::ViewSensitiveTags, &household_place(&h));
    let form = resident_form(
        c,
        "/residents".into(),
        "resident-new",
        super::place_label(&b.name, &h.unit, &h.room),
        h.id,
        ResidentInput::default(),
        vec![],
        sensitive,
    );
    Ok(render(&form))
}

async fn create_resident(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let hid = parse_id(pairs.iter().find(|(k, _)| k == "household_id").map(|(_, v)| v.as_str()).unwrap_or(""))?;
    let h = visible_household(&state, &user, hid).await?;
    let place = household_place(&h);
    user.require(Action::EditGrid, &place)?;
    let input = ResidentInput::from_pairs(&pairs);
    let sensitive = user.can(Action::ViewSensitiveTags, &place);
    match input.parse(state.clock.this_year()) {
        Ok(fields) => {
            let id = super::change::add_resident(&state, &user, &h, fields).await?;
            Ok(Redirect::to(&format!("/residents/{id}")).into_response())
        }
        Err(problems) => {
            let b = grid::building(&state.db, h.building_id).await?.ok_or(AppError::NotFound)?;
            let form = resident_form(
                c,
                "/residents".into(),
                "resident-new",
                super::place_label(&b.name, &h.unit, &h.room),
                h.id,
                input,
                problems,
                sensitive,
            );
            let mut response = render(&form);
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

async fn edit_resident(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = visible_resident(&state, &user, parse_id(&id)?).await?;
    let place = super::resident_place(&row);
    user.require(Action::EditGrid, &place)?;
    let view = view_resident(&state, &user, &row, true).await?;
    let r = &row.resident;
    let input = ResidentInput {
        name: r.name.clone(),
        gender: r.gender.clone(),
        birth_year: r.birth_year.map(|y| y.to_string()),
        phone: r.phone.clone(),
        relation: r.relation.clone(),
        tags: view.tags.clone(),
        skills: Some(r.skills.clone()),
        hobbies: Some(r.hobbies.clone()),
        note: r.note.clone(),
        consent_basis: r.consent_basis.clone(),
    };
    let sensitive = user.can(Action::ViewSensitiveTags, &place);
    let form = resident_form(
        c,
        format!("/residents/{}", r.id),
        "resident-edit",
        view.address(),
        r.household_id,
        input,
        vec![],
        sensitive,
    );
    Ok(render(&form))
}

async fn update_resident(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let row = visible_resident(&state, &user, parse_id(&id)?).await?;
    let place = super::resident_place(&row);
    user.require(Action::EditGrid, &place)?;
    let input = ResidentInput::from_pairs(&pairs);
    let sensitive = user.can(Action::ViewSensitiveTags, &place);
    match input.parse(state.clock.this_year()) {
        Ok(fields) => {
            super::change::change_resident(&state, &user, &row, fields).await?;
            Ok(Redirect::to(&format!("/residents/{}", row.resident.id)).into_response())
        }
        Err(problems) => {
            let place_label = super::place_label(&row.building_name, &row.unit, &row.room);
            let form = resident_form(
                c,
                format!("/residents/{}", row.resident.id),
                "resident-edit",
                place_label,
                row.resident.household_id,
                input,
                problems,
                sensitive,
            );
            let mut response = render(&form);
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

async fn move_out(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = visible_resident(&state, &user, parse_id(&id)?).await?;
    super::change::move_out(&state, &user, &row).await?;
    Ok(Redirect::to(&format!("/residents/{}", row.resident.id)).into_response())
}

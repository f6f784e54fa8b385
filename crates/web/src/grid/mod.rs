//! The grid feature in the web layer: courtyards, buildings, households, residents, roster import/export.
//! `pages` and `api` share the loaders and view models here, so both answer with the same permissions and the
//! same masking.

pub mod api;
pub mod change;
pub mod forms;
pub mod pages;
pub mod places;
pub mod roster;

use axum::Router;
use serde::Serialize;
use utoipa::ToSchema;
use weizhili_core::access::{Action, Place};
use weizhili_core::grid::{AgeBand, Phone};
use weizhili_store::grid::{self, Household, ResidentRow};

use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().merge(pages::routes()).merge(places::routes()).merge(api::routes()).merge(roster::routes())
}

/// A resident as a viewer may see them: phone and birth year masked unless their role needs them, sensitive
/// tags left out unless their role needs them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResidentView {
    pub id: i64,
    pub community_id: i64,
    pub household_id: i64,
    pub building_id: i64,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub name: String,
    /// `male` or `female`.
    pub gender: Option<String>,
    /// Only for roles that need it; otherwise null and `age_band` says enough.
    pub birth_year: Option<i32>,
    /// `child`, `adult`, `senior` (60–79) or `aged` (80+).
    pub age_band: Option<String>,
    /// Masked (`138****5678`) unless `personal_unmasked`.
    pub phone: Option<String>,
    pub personal_unmasked: bool,
    pub relation: Option<String>,
    pub tags: Vec<String>,
    pub skills: String,
    pub hobbies: String,
    pub note: Option<String>,
    pub consent_basis: Option<String>,
    pub consent_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Who recorded the legal basis (display name); only on a single resident's view.
    pub consent_recorded_by: Option<String>,
    pub moved_out: bool,
}

impl ResidentView {
    pub fn build(row: &ResidentRow, unmasked: bool, sensitive: bool, this_year: i32) -> ResidentView {
        let r = &row.resident;
        let phone = r.phone.as_deref().map(|p| {
            if unmasked { p.to_owned() } else { Phone::parse(p).map(|p| p.masked()).unwrap_or_else(|_| "****".into()) }
        });
        ResidentView {
            id: r.id,
            community_id: r.community_id,
            household_id: r.household_id,
            building_id: r.building_id,
            building: row.building_name.clone(),
            unit: row.unit.clone(),
            room: row.room.clone(),
            name: r.name.clone(),
            gender: r.gender.clone(),
            birth_year: r.birth_year.filter(|_| unmasked),
            age_band: r.birth_year.map(|y| AgeBand::from_age(this_year - y).as_str().to_owned()),
            phone,
            personal_unmasked: unmasked,
            relation: r.relation.clone(),
            tags: row.tags.iter().filter(|t| sensitive || !t.is_sensitive()).map(|t| t.as_str().to_owned()).collect(),
            skills: r.skills.clone(),
            hobbies: r.hobbies.clone(),
            note: r.note.clone().filter(|_| unmasked),
            consent_basis: r.consent_basis.clone(),
            consent_at: r.consent_at,
            consent_recorded_by: None,
            moved_out: r.moved_out_at.is_some(),
        }
    }

    pub fn gender_key(&self) -> &'static str {
        match self.gender.as_deref() {
            Some("male") => "gender-male",
            Some("female") => "gender-female",
            _ => "unknown",
        }
    }

    pub fn age_key(&self) -> String {
        self.age_band.as_deref().map(|a| format!("age-{a}")).unwrap_or_else(|| "unknown".into())
    }

    pub fn address(&self) -> String {
        place_label(&self.building, &self.unit, &self.room)
    }
}

/// "3栋 2单元 301" from the parts, leaving out an empty unit.
pub fn place_label(building: &str, unit: &str, room: &str) -> String {
    if unit.is_empty() { format!("{building} {room}") } else { format!("{building} {unit}单元 {room}") }
}

pub fn resident_place(row: &ResidentRow) -> Place {
    let r = &row.resident;
    Place::household(r.community_id, r.building_id, r.household_id)
}

pub fn household_place(h: &Household) -> Place {
    Place::household(h.community_id, h.building_id, h.id)
}

/// A resident the user may see, or 404 (also when it exists elsewhere: we do not say what is behind a door).
pub async fn visible_resident(state: &AppState, user: &CurrentUser, id: i64) -> Result<ResidentRow, AppError> {
    let row = grid::resident(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !user.can(Action::ViewGrid, &resident_place(&row)) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

pub async fn visible_household(state: &AppState, user: &CurrentUser, id: i64) -> Result<Household, AppError> {
    let h = grid::household(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !user.can(Action::ViewGrid, &household_place(&h)) {
        return Err(AppError::NotFound);
    }
    Ok(h)
}

pub async fn visible_building(state: &AppState, user: &CurrentUser, id: i64) -> Result<grid::Building, AppError> {
    let b = grid::building(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let visible = user.can(Action::ViewGrid, &Place::building(b.community_id, b.id))
        || user.can(Action::ViewGrid, &Place::community(b.community_id));
    if !visible {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

/// Shows a resident to a user, and writes the audit entry when the view shows unmasked personal data.
pub async fn view_resident(
    state: &AppState,
    user: &CurrentUser,
    row: &ResidentRow,
    audit_view: bool,
) -> Result<ResidentView, AppError> {
    let place = resident_place(row);
    let unmasked = user.can(Action::ViewPersonal, &place);
    let sensitive = user.can(Action::ViewSensitiveTags, &place);
    let mut view = ResidentView::build(row, unmasked, sensitive, state.clock.this_year());
    if let Some(by) = row.resident.consent_recorded_by {
        view.consent_recorded_by = weizhili_store::account::user_by_id(&state.db, by).await?.map(|u| u.display_name);
    }
    // PIPL art. 51: access to personal information is logged. A person looking at their own household is not.
    let own = user
        .user
        .resident_id
        .is_some_and(|_| user.actor.grants.iter().all(|g| g.role == weizhili_core::access::Role::Resident));
    if audit_view && unmasked && !own && (row.resident.phone.is_some() || row.resident.birth_year.is_some()) {
        let entry = user
            .audit("resident.view_personal")
            .object("resident", row.resident.id)
            .community(Some(row.resident.community_id));
        weizhili_store::audit::record(&state.db, state.clock.now(), entry).await?;
    }
    Ok(view)
}

//! The grid's changes. Each checks the permission, writes in one transaction together with its audit entry, and
//! is called by both the pages and the API, so the two cannot drift apart.

use weizhili_core::access::{Action, Place};
use weizhili_core::grid::{Label, Tag};
use weizhili_core::roster::{building_key, room_key, unit_key};
use weizhili_store::grid::{
    self, Building, Courtyard, Household, NewBuilding, NewHousehold, ResidentFields, ResidentRow,
};
use weizhili_store::{StoreError, audit, begin_write};

use super::{household_place, resident_place};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

/// Tags this user may not see at this place: they can neither set nor remove them.
pub fn hidden_tags(user: &CurrentUser, place: &Place) -> Vec<Tag> {
    if user.can(Action::ViewSensitiveTags, place) {
        vec![]
    } else {
        Tag::ALL.iter().copied().filter(|t| t.is_sensitive()).collect()
    }
}

/// The community whose layout (courtyards, buildings) this user may change.
fn layout_community(user: &CurrentUser) -> Result<i64, AppError> {
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(Action::EditCommunityLayout, &Place::community(cid))?;
    Ok(cid)
}

pub async fn add_courtyard(state: &AppState, user: &CurrentUser, name: &str) -> Result<Courtyard, AppError> {
    let cid = layout_community(user)?;
    let name = Label::parse(name).map_err(|_| AppError::invalid("bad_label"))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let y = grid::create_courtyard(&txn, cid, name.as_str(), now).await?;
    audit::record(&txn, now, user.audit("courtyard.create").object("courtyard", y.id)).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(y)
}

pub async fn add_building(
    state: &AppState,
    user: &CurrentUser,
    courtyard_id: i64,
    name: &str,
    floors: Option<i32>,
    units: Option<i32>,
) -> Result<Building, AppError> {
    let cid = layout_community(user)?;
    let courtyard =
        grid::courtyard(&state.db, courtyard_id).await?.filter(|y| y.community_id == cid).ok_or(AppError::NotFound)?;
    let name = Label::parse(name).map_err(|_| AppError::invalid("bad_label"))?;
    if floors.is_some_and(|f| !(1..=100).contains(&f)) || units.is_some_and(|u| !(1..=20).contains(&u)) {
        return Err(AppError::invalid("bad_number"));
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let new = NewBuilding {
        community_id: cid,
        courtyard_id: courtyard.id,
        key: building_key(name.as_str()),
        name: name.as_str().to_owned(),
        floors,
        units,
    };
    let b = grid::create_building(&txn, new, now).await?;
    audit::record(&txn, now, user.audit("building.create").object("building", b.id)).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(b)
}

pub async fn add_household(
    state: &AppState,
    user: &CurrentUser,
    building_id: i64,
    unit: &str,
    room: &str,
    status: &str,
) -> Result<Household, AppError> {
    let b = super::visible_building(state, user, building_id).await?;
    user.require(Action::EditGrid, &Place::building(b.community_id, b.id))?;
    let (unit, room) = (unit_key(unit), room_key(room));
    if room.is_empty() || room.chars().count() > 20 || unit.chars().count() > 20 {
        return Err(AppError::invalid("bad_room"));
    }
    if !["occupied", "vacant", "rented"].contains(&status) {
        return Err(AppError::invalid("bad_status"));
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let new = NewHousehold { community_id: b.community_id, building_id: b.id, unit, room, status: status.into() };
    let h = grid::create_household(&txn, new, now).await?;
    let entry = user.audit("household.create").object("household", h.id).community(Some(b.community_id));
    audit::record(&txn, now, entry).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(h)
}

/// Adds a resident to a household. Tags the user may not see are dropped rather than set.
pub async fn add_resident(
    state: &AppState,
    user: &CurrentUser,
    h: &Household,
    mut fields: ResidentFields,
) -> Result<i64, AppError> {
    let place = household_place(h);
    user.require(Action::EditGrid, &place)?;
    let hidden = hidden_tags(user, &place);
    fields.tags.retain(|t| !hidden.contains(t));
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let created = grid::create_resident(&txn, h, fields, Some(user.user.id), now).await?;
    let entry = user.audit("resident.create").object("resident", created.id).community(Some(h.community_id));
    audit::record(&txn, now, entry).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(created.id)
}

/// Changes a resident. Tags the user may not see stay as they were.
pub async fn change_resident(
    state: &AppState,
    user: &CurrentUser,
    row: &ResidentRow,
    mut fields: ResidentFields,
) -> Result<(), AppError> {
    let place = resident_place(row);
    user.require(Action::EditGrid, &place)?;
    let hidden = hidden_tags(user, &place);
    fields.tags.retain(|t| !hidden.contains(t));
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    grid::update_resident(&txn, row.resident.id, fields, &hidden, Some(user.user.id), now).await?;
    let entry =
        user.audit("resident.update").object("resident", row.resident.id).community(Some(row.resident.community_id));
    audit::record(&txn, now, entry).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Records that a resident moved out: they leave the lists and stay in history.
pub async fn move_out(state: &AppState, user: &CurrentUser, row: &ResidentRow) -> Result<(), AppError> {
    user.require(Action::EditGrid, &resident_place(row))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    grid::move_out(&txn, row.resident.id, now).await?;
    let entry =
        user.audit("resident.move_out").object("resident", row.resident.id).community(Some(row.resident.community_id));
    audit::record(&txn, now, entry).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Changes a household's status and note (staff, or the building's head).
pub async fn change_household(
    state: &AppState,
    user: &CurrentUser,
    h: &Household,
    status: &str,
    note: Option<&str>,
) -> Result<Household, AppError> {
    user.require(Action::EditGrid, &household_place(h))?;
    if !["occupied", "vacant", "rented"].contains(&status) {
        return Err(AppError::invalid("bad_status"));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > 1000) {
        return Err(AppError::invalid("too_long"));
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let updated = grid::update_household(&txn, h.id, status, note).await?;
    let entry = user.audit("household.update").object("household", h.id).community(Some(h.community_id));
    audit::record(&txn, now, entry.detail(format!("status={status}"))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(updated)
}

/// Renames a building or corrects its floors and units (staff).
pub async fn change_building(
    state: &AppState,
    user: &CurrentUser,
    b: &Building,
    name: &str,
    floors: Option<i32>,
    units: Option<i32>,
) -> Result<Building, AppError> {
    user.require(Action::EditCommunityLayout, &Place::community(b.community_id))?;
    let name = Label::parse(name).map_err(|_| AppError::invalid("bad_label"))?;
    if floors.is_some_and(|f| !(1..=100).contains(&f)) || units.is_some_and(|u| !(1..=20).contains(&u)) {
        return Err(AppError::invalid("bad_number"));
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let updated = grid::update_building(&txn, b.id, name.as_str(), &building_key(name.as_str()), floors, units).await?;
    let entry = user.audit("building.update").object("building", b.id).community(Some(b.community_id));
    audit::record(&txn, now, entry.detail(name.as_str().to_owned())).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(updated)
}

/// Renames a courtyard of the user's community (staff).
pub async fn rename_courtyard(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    name: &str,
) -> Result<Courtyard, AppError> {
    let cid = layout_community(user)?;
    let courtyard =
        grid::courtyard(&state.db, id).await?.filter(|y| y.community_id == cid).ok_or(AppError::NotFound)?;
    let name = Label::parse(name).map_err(|_| AppError::invalid("bad_label"))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let renamed = grid::rename_courtyard(&txn, courtyard.id, name.as_str()).await?;
    let entry = user.audit("courtyard.update").object("courtyard", courtyard.id).detail(name.as_str().to_owned());
    audit::record(&txn, now, entry).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(renamed)
}

//! The grid: communities → courtyards → buildings → households → residents, and the queries behind the lists.
//!
//! Every list takes a [`ListScope`] from the permission policy and a filter; every list page costs a fixed
//! number of queries (count, page, and one each for the households, buildings and tags of the page's rows).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use weizhili_core::access::ListScope;

use crate::entity::{building, community, courtyard, household, resident};
use crate::{Result, StoreError};

pub use crate::entity::building::Model as Building;
pub use crate::entity::community::Model as Community;
pub use crate::entity::courtyard::Model as Courtyard;
pub use crate::entity::household::Model as Household;
pub use crate::entity::resident::Model as Resident;

mod residents;
pub use residents::*;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }
}

pub(crate) fn scope_condition(
    scope: &ListScope,
    community: impl ColumnTrait,
    building: Option<impl ColumnTrait>,
    household: Option<impl ColumnTrait>,
) -> Option<Condition> {
    let never = Condition::all().add(Expr::cust("1 = 0"));
    Some(match scope {
        ListScope::Everything => Condition::all(),
        ListScope::Communities(ids) => Condition::all().add(community.is_in(ids.clone())),
        ListScope::Buildings(ids) => match building {
            Some(col) => Condition::all().add(col.is_in(ids.clone())),
            None => never,
        },
        ListScope::Households(ids) => match household {
            Some(col) => Condition::all().add(col.is_in(ids.clone())),
            None => never,
        },
        ListScope::Nothing => return None,
    })
}

// ---- communities ----

pub async fn create_community(db: &impl ConnectionTrait, name: &str, now: DateTime<Utc>) -> Result<Community> {
    community::ActiveModel { name: Set(name.trim().to_owned()), created_at: Set(now), ..Default::default() }
        .insert(db)
        .await
        .map_err(|e| StoreError::on_unique(e, "community_exists"))
}

pub async fn community_by_name(db: &impl ConnectionTrait, name: &str) -> Result<Option<Community>> {
    Ok(community::Entity::find().filter(community::Column::Name.eq(name.trim())).one(db).await?)
}

pub async fn community(db: &impl ConnectionTrait, id: i64) -> Result<Option<Community>> {
    Ok(community::Entity::find_by_id(id).one(db).await?)
}

pub async fn communities(db: &impl ConnectionTrait) -> Result<Vec<Community>> {
    Ok(community::Entity::find().order_by_asc(community::Column::Id).all(db).await?)
}

// ---- courtyards and buildings ----

pub async fn create_courtyard(
    db: &impl ConnectionTrait,
    community_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Courtyard> {
    courtyard::ActiveModel {
        community_id: Set(community_id),
        name: Set(name.trim().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "courtyard_exists"))
}

/// Renames a courtyard; a name another courtyard of the community has is a conflict.
pub async fn rename_courtyard(db: &impl ConnectionTrait, id: i64, name: &str) -> Result<Courtyard> {
    let current = courtyard::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
    let mut model: courtyard::ActiveModel = current.into();
    model.name = Set(name.trim().to_owned());
    model.update(db).await.map_err(|e| StoreError::on_unique(e, "courtyard_exists"))
}

pub async fn courtyards(db: &impl ConnectionTrait, community_id: i64) -> Result<Vec<Courtyard>> {
    Ok(courtyard::Entity::find()
        .filter(courtyard::Column::CommunityId.eq(community_id))
        .order_by_asc(courtyard::Column::Id)
        .all(db)
        .await?)
}

pub async fn courtyard(db: &impl ConnectionTrait, id: i64) -> Result<Option<Courtyard>> {
    Ok(courtyard::Entity::find_by_id(id).one(db).await?)
}

#[derive(Debug, Clone)]
pub struct NewBuilding {
    pub community_id: i64,
    pub courtyard_id: i64,
    pub name: String,
    pub key: String,
    pub floors: Option<i32>,
    pub units: Option<i32>,
}

pub async fn create_building(db: &impl ConnectionTrait, new: NewBuilding, now: DateTime<Utc>) -> Result<Building> {
    building::ActiveModel {
        community_id: Set(new.community_id),
        courtyard_id: Set(new.courtyard_id),
        name: Set(new.name),
        key: Set(new.key),
        floors: Set(new.floors),
        units: Set(new.units),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "building_exists"))
}

/// Buildings the scope can see, in one community (or all for `None`), ordered by id (which is the order they
/// were set up in: 1栋, 2栋, …).
pub async fn buildings(
    db: &impl ConnectionTrait,
    scope: &ListScope,
    community_id: Option<i64>,
) -> Result<Vec<Building>> {
    let Some(cond) =
        scope_condition(scope, building::Column::CommunityId, Some(building::Column::Id), None::<building::Column>)
    else {
        return Ok(vec![]);
    };
    let mut query = building::Entity::find().filter(cond);
    if let Some(id) = community_id {
        query = query.filter(building::Column::CommunityId.eq(id));
    }
    if let ListScope::Households(ids) = scope {
        // A resident sees the building their household is in.
        let building_ids: Vec<i64> = household::Entity::find()
            .select_only()
            .column(household::Column::BuildingId)
            .filter(household::Column::Id.is_in(ids.clone()))
            .into_tuple()
            .all(db)
            .await?;
        query = building::Entity::find().filter(building::Column::Id.is_in(building_ids));
    }
    Ok(query.order_by_asc(building::Column::Id).all(db).await?)
}

pub async fn building(db: &impl ConnectionTrait, id: i64) -> Result<Option<Building>> {
    Ok(building::Entity::find_by_id(id).one(db).await?)
}

pub async fn buildings_of_community(db: &impl ConnectionTrait, community_id: i64) -> Result<Vec<Building>> {
    buildings(db, &ListScope::Communities(vec![community_id]), Some(community_id)).await
}

// ---- households ----

#[derive(Debug, Clone)]
pub struct NewHousehold {
    pub community_id: i64,
    pub building_id: i64,
    pub unit: String,
    pub room: String,
    pub status: String,
}

pub async fn create_household(db: &impl ConnectionTrait, new: NewHousehold, now: DateTime<Utc>) -> Result<Household> {
    household::ActiveModel {
        community_id: Set(new.community_id),
        building_id: Set(new.building_id),
        unit: Set(new.unit),
        room: Set(new.room),
        status: Set(new.status),
        note: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "household_exists"))
}

/// Changes a household's status (occupied, vacant, rented) and note.
pub async fn update_household(
    db: &impl ConnectionTrait,
    id: i64,
    status: &str,
    note: Option<String>,
) -> Result<Household> {
    let current = household::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
    let mut model: household::ActiveModel = current.into();
    model.status = Set(status.to_owned());
    model.note = Set(note);
    Ok(model.update(db).await?)
}

/// Renames a building or corrects its floors and units; a name that another building has is a conflict.
pub async fn update_building(
    db: &impl ConnectionTrait,
    id: i64,
    name: &str,
    key: &str,
    floors: Option<i32>,
    units: Option<i32>,
) -> Result<Building> {
    let current = building::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
    let mut model: building::ActiveModel = current.into();
    model.name = Set(name.to_owned());
    model.key = Set(key.to_owned());
    model.floors = Set(floors);
    model.units = Set(units);
    model.update(db).await.map_err(|e| StoreError::on_unique(e, "building_exists"))
}

pub async fn household(db: &impl ConnectionTrait, id: i64) -> Result<Option<Household>> {
    Ok(household::Entity::find_by_id(id).one(db).await?)
}

pub async fn household_at(
    db: &impl ConnectionTrait,
    building_id: i64,
    unit: &str,
    room: &str,
) -> Result<Option<Household>> {
    Ok(household::Entity::find()
        .filter(household::Column::BuildingId.eq(building_id))
        .filter(household::Column::Unit.eq(unit))
        .filter(household::Column::Room.eq(room))
        .one(db)
        .await?)
}

/// A household in a list, with its building's name and how many people live there.
#[derive(Debug, Clone)]
pub struct HouseholdRow {
    pub household: Household,
    pub building_name: String,
    pub residents: u64,
}

pub async fn households(
    db: &impl ConnectionTrait,
    scope: &ListScope,
    community_id: Option<i64>,
    building_id: Option<i64>,
    page: u64,
    per_page: u64,
) -> Result<Page<HouseholdRow>> {
    let per_page = per_page.clamp(1, 200);
    let page = page.max(1);
    let Some(cond) = scope_condition(
        scope,
        household::Column::CommunityId,
        Some(household::Column::BuildingId),
        Some(household::Column::Id),
    ) else {
        return Ok(Page { rows: vec![], total: 0, page, per_page });
    };
    let mut query = household::Entity::find().filter(cond);
    if let Some(id) = community_id {
        query = query.filter(household::Column::CommunityId.eq(id));
    }
    if let Some(id) = building_id {
        query = query.filter(household::Column::BuildingId.eq(id));
    }
    let total = crate::count_of(db, query.clone(), household::Column::Id).await?;
    let rows = query
        .order_by_asc(household::Column::BuildingId)
        .order_by_asc(household::Column::Unit)
        .order_by_asc(household::Column::Room)
        .offset(crate::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await?;
    let building_ids: Vec<i64> = rows.iter().map(|h| h.building_id).collect();
    let names: HashMap<i64, String> = building::Entity::find()
        .filter(building::Column::Id.is_in(building_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let ids: Vec<i64> = rows.iter().map(|h| h.id).collect();
    let counts: Vec<(i64, i64)> = resident::Entity::find()
        .select_only()
        .column(resident::Column::HouseholdId)
        .column_as(resident::Column::Id.count(), "n")
        .filter(resident::Column::HouseholdId.is_in(ids))
        .filter(resident::Column::MovedOutAt.is_null())
        .group_by(resident::Column::HouseholdId)
        .into_tuple()
        .all(db)
        .await?;
    let counts: HashMap<i64, i64> = counts.into_iter().collect();
    let rows = rows
        .into_iter()
        .map(|h| HouseholdRow {
            building_name: names.get(&h.building_id).cloned().unwrap_or_default(),
            residents: counts.get(&h.id).copied().unwrap_or(0).max(0) as u64,
            household: h,
        })
        .collect();
    Ok(Page { rows, total, page, per_page })
}

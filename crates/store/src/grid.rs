//! The grid: communities → courtyards → buildings → households → residents, and the queries behind the lists.
//!
//! Every list takes a [`ListScope`] from the permission policy and a filter; every list page costs a fixed
//! number of queries (count, page, and one each for the households, buildings and tags of the page's rows).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};
use weizhili_core::access::ListScope;
use weizhili_core::grid::{AgeBand, Tag};

use crate::entity::{building, community, courtyard, household, resident, resident_tag};
use crate::{Result, StoreError, like_contains};

pub use crate::entity::building::Model as Building;
pub use crate::entity::community::Model as Community;
pub use crate::entity::courtyard::Model as Courtyard;
pub use crate::entity::household::Model as Household;
pub use crate::entity::resident::Model as Resident;

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

fn scope_condition(
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
        .offset((page - 1) * per_page)
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

// ---- residents ----

/// A resident with what a list shows beside them.
#[derive(Debug, Clone)]
pub struct ResidentRow {
    pub resident: Resident,
    pub building_name: String,
    pub unit: String,
    pub room: String,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default)]
pub struct ResidentFilter {
    pub community_id: Option<i64>,
    /// A name fragment, or the last four digits of a phone, or a whole phone.
    pub q: Option<String>,
    pub building_id: Option<i64>,
    pub household_id: Option<i64>,
    pub tag: Option<Tag>,
    pub age_band: Option<AgeBand>,
    pub include_moved_out: bool,
    pub page: u64,
    pub per_page: u64,
}

fn age_band_years(band: AgeBand, this_year: i32) -> (Option<i32>, Option<i32>) {
    // Birth years whose age (this_year - birth_year) falls in the band: [from, to].
    match band {
        AgeBand::Child => (Some(this_year - 17), None),
        AgeBand::Adult => (Some(this_year - 59), Some(this_year - 18)),
        AgeBand::Senior => (Some(this_year - 79), Some(this_year - 60)),
        AgeBand::Aged => (None, Some(this_year - 80)),
    }
}

pub async fn residents(
    db: &impl ConnectionTrait,
    scope: &ListScope,
    filter: &ResidentFilter,
    this_year: i32,
) -> Result<Page<ResidentRow>> {
    let per_page = filter.per_page.clamp(1, 200);
    let page = filter.page.max(1);
    let Some(mut cond) = scope_condition(
        scope,
        resident::Column::CommunityId,
        Some(resident::Column::BuildingId),
        Some(resident::Column::HouseholdId),
    ) else {
        return Ok(Page { rows: vec![], total: 0, page, per_page });
    };
    if let Some(id) = filter.community_id {
        cond = cond.add(resident::Column::CommunityId.eq(id));
    }
    if let Some(id) = filter.building_id {
        cond = cond.add(resident::Column::BuildingId.eq(id));
    }
    if let Some(id) = filter.household_id {
        cond = cond.add(resident::Column::HouseholdId.eq(id));
    }
    if !filter.include_moved_out {
        cond = cond.add(resident::Column::MovedOutAt.is_null());
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        cond = cond.add(if digits.len() == q.len() && digits.len() == 4 {
            Condition::all().add(resident::Column::PhoneTail.eq(digits))
        } else if digits.len() == q.len() && digits.len() == 11 {
            Condition::all().add(resident::Column::Phone.eq(digits))
        } else {
            Condition::all().add(resident::Column::Name.like(like_contains(q)))
        });
    }
    if let Some(tag) = filter.tag {
        let tagged = resident_tag::Entity::find()
            .select_only()
            .column(resident_tag::Column::ResidentId)
            .filter(resident_tag::Column::Tag.eq(tag.as_str()))
            .into_query();
        cond = cond.add(resident::Column::Id.in_subquery(tagged));
    }
    if let Some(band) = filter.age_band {
        let (from, to) = age_band_years(band, this_year);
        if let Some(from) = from {
            cond = cond.add(resident::Column::BirthYear.gte(from));
        }
        if let Some(to) = to {
            cond = cond.add(resident::Column::BirthYear.lte(to));
        }
    }
    let query = resident::Entity::find().filter(cond);
    let total = crate::count_of(db, query.clone(), resident::Column::Id).await?;
    // Building, then id: the order of the index (residents of a household are added together, so they stay
    // together).
    let rows = query
        .order_by_asc(resident::Column::BuildingId)
        .order_by_asc(resident::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let rows = decorate(db, rows).await?;
    Ok(Page { rows, total, page, per_page })
}

/// Adds building, unit, room and tags to residents: three queries for any number of rows.
async fn decorate(db: &impl ConnectionTrait, rows: Vec<Resident>) -> Result<Vec<ResidentRow>> {
    let household_ids: Vec<i64> = rows.iter().map(|r| r.household_id).collect();
    let households: HashMap<i64, Household> = household::Entity::find()
        .filter(household::Column::Id.is_in(household_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let building_ids: Vec<i64> = rows.iter().map(|r| r.building_id).collect();
    let names: HashMap<i64, String> = building::Entity::find()
        .filter(building::Column::Id.is_in(building_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags: HashMap<i64, Vec<Tag>> = HashMap::new();
    for t in resident_tag::Entity::find().filter(resident_tag::Column::ResidentId.is_in(ids)).all(db).await? {
        if let Ok(tag) = Tag::parse(&t.tag) {
            tags.entry(t.resident_id).or_default().push(tag);
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let h = households.get(&r.household_id);
            let mut row_tags = tags.remove(&r.id).unwrap_or_default();
            row_tags.sort_by_key(|t| Tag::ALL.iter().position(|a| a == t));
            ResidentRow {
                building_name: names.get(&r.building_id).cloned().unwrap_or_default(),
                unit: h.map(|h| h.unit.clone()).unwrap_or_default(),
                room: h.map(|h| h.room.clone()).unwrap_or_default(),
                tags: row_tags,
                resident: r,
            }
        })
        .collect())
}

pub async fn resident(db: &impl ConnectionTrait, id: i64) -> Result<Option<ResidentRow>> {
    let Some(found) = resident::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(decorate(db, vec![found]).await?.pop())
}

/// The fields a person can set on a resident (by form, API or roster import).
#[derive(Debug, Clone, Default)]
pub struct ResidentFields {
    pub name: String,
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub phone: Option<String>,
    pub relation: Option<String>,
    pub skills: String,
    pub hobbies: String,
    pub note: Option<String>,
    pub tags: Vec<Tag>,
    pub consent_basis: Option<String>,
}

fn phone_tail(phone: &Option<String>) -> Option<String> {
    phone.as_ref().filter(|p| p.len() >= 4).map(|p| p[p.len() - 4..].to_owned())
}

pub async fn create_resident(
    db: &impl ConnectionTrait,
    household: &Household,
    fields: ResidentFields,
    recorded_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Resident> {
    let consent_at = fields.consent_basis.as_ref().map(|_| now);
    let created = resident::ActiveModel {
        community_id: Set(household.community_id),
        household_id: Set(household.id),
        building_id: Set(household.building_id),
        name: Set(fields.name),
        gender: Set(fields.gender),
        birth_year: Set(fields.birth_year),
        phone_tail: Set(phone_tail(&fields.phone)),
        phone: Set(fields.phone),
        relation: Set(fields.relation),
        skills: Set(fields.skills),
        hobbies: Set(fields.hobbies),
        note: Set(fields.note),
        consent_recorded_by: Set(fields.consent_basis.as_ref().and(recorded_by)),
        consent_basis: Set(fields.consent_basis),
        consent_at: Set(consent_at),
        moved_out_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    set_tags(db, created.id, created.community_id, &fields.tags).await?;
    Ok(created)
}

async fn set_tags(db: &impl ConnectionTrait, resident_id: i64, community_id: i64, tags: &[Tag]) -> Result<()> {
    resident_tag::Entity::delete_many().filter(resident_tag::Column::ResidentId.eq(resident_id)).exec(db).await?;
    let mut tags = tags.to_vec();
    tags.sort_by_key(|t| t.as_str());
    tags.dedup();
    if tags.is_empty() {
        return Ok(());
    }
    resident_tag::Entity::insert_many(tags.iter().map(|t| resident_tag::ActiveModel {
        resident_id: Set(resident_id),
        community_id: Set(community_id),
        tag: Set(t.as_str().to_owned()),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Changes a resident. `keep_sensitive` lists tags the editor could not see, which therefore stay as they were
/// (a building head's edit must not silently drop a tag only staff can see).
pub async fn update_resident(
    db: &impl ConnectionTrait,
    id: i64,
    fields: ResidentFields,
    keep_tags: &[Tag],
    recorded_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Resident> {
    let Some(current) = resident(db, id).await? else {
        return Err(StoreError::NotFound);
    };
    let consent_changed = fields.consent_basis != current.resident.consent_basis;
    let mut model: resident::ActiveModel = current.resident.clone().into();
    model.name = Set(fields.name);
    model.gender = Set(fields.gender);
    model.birth_year = Set(fields.birth_year);
    model.phone_tail = Set(phone_tail(&fields.phone));
    model.phone = Set(fields.phone);
    model.relation = Set(fields.relation);
    model.skills = Set(fields.skills);
    model.hobbies = Set(fields.hobbies);
    model.note = Set(fields.note);
    if consent_changed {
        model.consent_at = Set(fields.consent_basis.as_ref().map(|_| now));
        model.consent_recorded_by = Set(fields.consent_basis.as_ref().and(recorded_by));
        model.consent_basis = Set(fields.consent_basis);
    }
    model.updated_at = Set(now);
    let updated = model.update(db).await?;
    let mut tags = fields.tags;
    tags.extend(current.tags.iter().filter(|t| keep_tags.contains(t)));
    set_tags(db, id, updated.community_id, &tags).await?;
    Ok(updated)
}

/// Marks a resident as moved out: they leave lists but stay in history.
pub async fn move_out(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<()> {
    let done = resident::Entity::update_many()
        .col_expr(resident::Column::MovedOutAt, Expr::value(now))
        .col_expr(resident::Column::UpdatedAt, Expr::value(now))
        .filter(resident::Column::Id.eq(id))
        .filter(resident::Column::MovedOutAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(StoreError::Conflict("already_moved_out"));
    }
    Ok(())
}

/// Headline counts for a staff home page: two aggregate queries.
#[derive(Debug, Clone, Default)]
pub struct GridCounts {
    pub buildings: u64,
    pub households: u64,
    pub residents: u64,
    pub tagged: Vec<(Tag, u64)>,
}

pub async fn counts(db: &impl ConnectionTrait, scope: &ListScope, community_id: Option<i64>) -> Result<GridCounts> {
    let Some(cond) = scope_condition(
        scope,
        resident::Column::CommunityId,
        Some(resident::Column::BuildingId),
        Some(resident::Column::HouseholdId),
    ) else {
        return Ok(GridCounts::default());
    };
    let mut cond = cond.add(resident::Column::MovedOutAt.is_null());
    if let Some(id) = community_id {
        cond = cond.add(resident::Column::CommunityId.eq(id));
    }
    let (residents, households, buildings): (i64, i64, i64) = resident::Entity::find()
        .select_only()
        .column_as(resident::Column::Id.count(), "residents")
        .column_as(Expr::cust("COUNT(DISTINCT household_id)"), "households")
        .column_as(Expr::cust("COUNT(DISTINCT building_id)"), "buildings")
        .filter(cond.clone())
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, 0, 0));
    let tagged: Vec<(String, i64)> =
        resident_tag::Entity::find()
            .select_only()
            .column(resident_tag::Column::Tag)
            .column_as(resident_tag::Column::ResidentId.count(), "n")
            .filter(resident_tag::Column::ResidentId.in_subquery(
                resident::Entity::find().select_only().column(resident::Column::Id).filter(cond).into_query(),
            ))
            .group_by(resident_tag::Column::Tag)
            .into_tuple()
            .all(db)
            .await?;
    let mut tagged: Vec<(Tag, u64)> =
        tagged.into_iter().filter_map(|(t, n)| Tag::parse(&t).ok().map(|t| (t, n.max(0) as u64))).collect();
    tagged.sort_by_key(|(t, _)| Tag::ALL.iter().position(|a| a == t));
    Ok(GridCounts {
        buildings: buildings.max(0) as u64,
        households: households.max(0) as u64,
        residents: residents.max(0) as u64,
        tagged,
    })
}

//! Residents: the lists staff use most, one resident, adding, changing, moving out, and the headline counts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};
use weizhili_core::access::ListScope;
use weizhili_core::grid::{AgeBand, Tag};

use super::{Household, Page, Resident, scope_condition};
use crate::entity::{building, household, resident, resident_tag};
use crate::{Result, StoreError, like_contains};

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
        .offset(crate::offset(page, per_page))
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

/// Many residents with their addresses, in one round of queries, by id (for lists built from other rows, such as
/// an event's sign-ups).
pub async fn residents_by_id(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<HashMap<i64, ResidentRow>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found = resident::Entity::find().filter(resident::Column::Id.is_in(ids)).all(db).await?;
    Ok(decorate(db, found).await?.into_iter().map(|r| (r.resident.id, r)).collect())
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

/// The names of some residents, by id (one query however many).
pub async fn resident_names(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::Name)
        .filter(resident::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

//! Micro-wishes in the database: create, list, the wall, claims and updates. Every status change goes through
//! [`apply`], which asks `weizhili_core::wish::transition` for the next status and writes it only if the wish
//! is still in the status the caller saw (compare and set), so two people acting at once cannot both win.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use weizhili_core::wish::{WishAction, WishStatus, transition};

use crate::entity::{building, resident, wish, wish_claim, wish_update};
use crate::grid::Page;
use crate::{Result, StoreError};

pub use crate::entity::wish::Model as Wish;
pub use crate::entity::wish_claim::Model as Claim;
pub use crate::entity::wish_update::Model as Update;

mod batch;
mod ledger;
pub use batch::{ClaimOutcome, ClaimRequest, claim_many};
pub mod pairs;
pub mod photos;
mod timed;
pub use ledger::{MonthCounts, export_ledger, month_counts};
pub use timed::{
    claims_to_warn, claims_without_contact, communities_with_wishes, end_offer, mark_warned, offer, set_needs_check,
    waiting_counts,
};
mod wall;
pub use wall::{WALL_MAX_PAGE, WallPage, wall_condition, wall_page, wall_query};

/// A wish as it arrives.
#[derive(Debug, Clone)]
pub struct NewWish {
    pub community_id: i64,
    pub building_id: Option<i64>,
    pub household_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub submitted_by: Option<i64>,
    pub proxy: bool,
    pub source: String,
    pub slip_no: Option<String>,
    pub category: String,
    pub title: String,
    pub description: String,
    pub anonymous: bool,
}

pub async fn create(db: &impl ConnectionTrait, new: NewWish, now: DateTime<Utc>) -> Result<Wish> {
    Ok(wish::ActiveModel {
        community_id: Set(new.community_id),
        building_id: Set(new.building_id),
        household_id: Set(new.household_id),
        resident_id: Set(new.resident_id),
        submitted_by: Set(new.submitted_by),
        proxy: Set(new.proxy),
        source: Set(new.source),
        slip_no: Set(new.slip_no),
        category: Set(new.category),
        title: Set(new.title),
        description: Set(new.description),
        status: Set(WishStatus::Submitted.as_str().to_owned()),
        anonymous: Set(new.anonymous),
        priority: Set(false),
        due_date: Set(None),
        reject_reason: Set(None),
        published_at: Set(None),
        claimed_at: Set(None),
        fulfilled_at: Set(None),
        confirmed_at: Set(None),
        closed_at: Set(None),
        satisfaction: Set(None),
        thanks: Set(None),
        minutes: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Wish>> {
    Ok(wish::Entity::find_by_id(id).one(db).await?)
}

/// The status a wish is in, parsed; an unknown status in the database is an error, never guessed.
pub fn status_of(w: &Wish) -> Result<WishStatus> {
    WishStatus::parse(&w.status).map_err(|_| StoreError::Invalid(format!("wish {} has status {:?}", w.id, w.status)))
}

/// What an action sets besides the status.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub category: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub reject_reason: Option<String>,
    pub priority: Option<bool>,
    pub satisfaction: Option<i32>,
    pub thanks: Option<String>,
    pub minutes: Option<i32>,
}

/// Moves a wish by `action`: the rules of `core::wish` decide the next status, and the row changes only if it
/// is still in the status `current` had (`Conflict("wish_changed")` otherwise: someone else acted first).
pub async fn apply(
    db: &impl ConnectionTrait,
    current: &Wish,
    action: WishAction,
    change: Change,
    now: DateTime<Utc>,
) -> Result<Wish> {
    let from = status_of(current)?;
    let to = transition(from, action).map_err(|e| StoreError::Conflict(e.code()))?;
    let mut update = wish::Entity::update_many()
        .col_expr(wish::Column::Status, Expr::value(to.as_str()))
        .col_expr(wish::Column::UpdatedAt, Expr::value(now))
        .filter(wish::Column::Id.eq(current.id))
        .filter(wish::Column::Status.eq(from.as_str()));
    let stamp = match to {
        WishStatus::Published if from == WishStatus::Submitted => Some(wish::Column::PublishedAt),
        WishStatus::Claimed => Some(wish::Column::ClaimedAt),
        WishStatus::Fulfilled => Some(wish::Column::FulfilledAt),
        WishStatus::Confirmed => Some(wish::Column::ConfirmedAt),
        WishStatus::Closed => Some(wish::Column::ClosedAt),
        _ => None,
    };
    if let Some(col) = stamp {
        update = update.col_expr(col, Expr::value(now));
    }
    if from == WishStatus::Claimed && to == WishStatus::Published {
        update = update.col_expr(wish::Column::ClaimedAt, Expr::value(Option::<DateTime<Utc>>::None));
    }
    if let Some(v) = change.category {
        update = update.col_expr(wish::Column::Category, Expr::value(v));
    }
    if let Some(v) = change.due_date {
        update = update.col_expr(wish::Column::DueDate, Expr::value(v));
    }
    if let Some(v) = change.reject_reason {
        update = update.col_expr(wish::Column::RejectReason, Expr::value(v));
    }
    if let Some(v) = change.priority {
        update = update.col_expr(wish::Column::Priority, Expr::value(v));
    }
    if let Some(v) = change.satisfaction {
        update = update.col_expr(wish::Column::Satisfaction, Expr::value(v));
    }
    if let Some(v) = change.thanks {
        update = update.col_expr(wish::Column::Thanks, Expr::value(v));
    }
    if let Some(v) = change.minutes {
        update = update.col_expr(wish::Column::Minutes, Expr::value(v));
    }
    // RETURNING (SQLite ≥ 3.35, PostgreSQL): the moved row comes back with the write, no second read.
    update.exec_with_returning(db).await?.pop().ok_or(StoreError::Conflict("wish_changed"))
}

/// The active claim of a wish, if any.
pub async fn active_claim(db: &impl ConnectionTrait, wish_id: i64) -> Result<Option<Claim>> {
    Ok(wish_claim::Entity::find()
        .filter(wish_claim::Column::WishId.eq(wish_id))
        .filter(wish_claim::Column::Status.eq("active"))
        .one(db)
        .await?)
}

/// Inserts an active claim; a second active claim of the same wish is `Conflict("wish_already_claimed")`.
pub async fn insert_claim(
    db: &impl ConnectionTrait,
    w: &Wish,
    user_id: i64,
    organisation: Option<String>,
    now: DateTime<Utc>,
) -> Result<Claim> {
    wish_claim::ActiveModel {
        wish_id: Set(w.id),
        community_id: Set(w.community_id),
        user_id: Set(user_id),
        organisation: Set(organisation),
        status: Set("active".into()),
        claimed_at: Set(now),
        contacted_at: Set(None),
        ended_at: Set(None),
        end_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "wish_already_claimed"))
}

/// Ends the active claim of a wish: `released`, `revoked`, `lapsed` or `completed`.
pub async fn end_claim(
    db: &impl ConnectionTrait,
    wish_id: i64,
    status: &str,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    wish_claim::Entity::update_many()
        .col_expr(wish_claim::Column::Status, Expr::value(status))
        .col_expr(wish_claim::Column::EndedAt, Expr::value(now))
        .col_expr(wish_claim::Column::EndReason, Expr::value(reason))
        .filter(wish_claim::Column::WishId.eq(wish_id))
        .filter(wish_claim::Column::Status.eq("active"))
        .exec(db)
        .await?;
    Ok(())
}

/// Records the claimant's first contact with the wisher.
pub async fn mark_contacted(db: &impl ConnectionTrait, claim_id: i64, now: DateTime<Utc>) -> Result<()> {
    wish_claim::Entity::update_many()
        .col_expr(wish_claim::Column::ContactedAt, Expr::value(now))
        .filter(wish_claim::Column::Id.eq(claim_id))
        .filter(wish_claim::Column::ContactedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn add_update(
    db: &impl ConnectionTrait,
    w: &Wish,
    user_id: Option<i64>,
    kind: &str,
    text: Option<String>,
    now: DateTime<Utc>,
) -> Result<Update> {
    Ok(wish_update::ActiveModel {
        wish_id: Set(w.id),
        community_id: Set(w.community_id),
        user_id: Set(user_id),
        kind: Set(kind.to_owned()),
        text: Set(text),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The story of a wish, oldest first, with each author's display name.
pub async fn updates(db: &impl ConnectionTrait, wish_id: i64) -> Result<Vec<(Update, Option<String>)>> {
    let rows = wish_update::Entity::find()
        .filter(wish_update::Column::WishId.eq(wish_id))
        .order_by_asc(wish_update::Column::Id)
        .all(db)
        .await?;
    let names = crate::account::display_names(db, rows.iter().filter_map(|u| u.user_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|u| {
            let name = u.user_id.and_then(|id| names.get(&id).cloned());
            (u, name)
        })
        .collect())
}

/// Which wishes a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub community_id: Option<i64>,
    pub statuses: Vec<WishStatus>,
    pub category: Option<String>,
    pub building_id: Option<i64>,
    /// Only wishes of these buildings (a building head's).
    pub building_ids: Option<Vec<i64>>,
    /// Only wishes of these households (a resident's own).
    pub household_ids: Option<Vec<i64>>,
    /// Only wishes this user claims now.
    pub claimed_by: Option<i64>,
    /// A fragment of the title or the slip number.
    pub q: Option<String>,
    /// online, box, wall or visit.
    pub source: Option<String>,
    /// Only published or claimed wishes whose due date is before this day.
    pub overdue_on: Option<NaiveDate>,
    /// Only published wishes on the wall since before this instant and still unclaimed.
    pub unclaimed_since: Option<DateTime<Utc>>,
    /// Only fulfilled wishes that staff should look at: fulfilled without a photo, or not confirmed by the
    /// wisher since before this instant.
    pub attention_since: Option<DateTime<Utc>>,
    /// What the wall shows at this instant: leave out wishes still offered to a paired helper, except to that
    /// helper (the user id given).
    pub wall_at: Option<(DateTime<Utc>, Option<i64>)>,
    pub page: u64,
    pub per_page: u64,
}

/// A wish with what a list shows beside it.
#[derive(Debug, Clone)]
pub struct Row {
    pub wish: Wish,
    pub building_name: Option<String>,
    /// The wisher's full name (the caller decides whether to show it).
    pub wisher_name: Option<String>,
    pub claim: Option<Claim>,
    pub claimant_name: Option<String>,
}

pub async fn list(db: &impl ConnectionTrait, filter: &Filter) -> Result<Page<Row>> {
    let per_page = filter.per_page.clamp(1, 200);
    let page = filter.page.max(1);
    let query = wish::Entity::find().filter(condition(filter));
    let total = crate::count_of(db, query.clone(), wish::Column::Id).await?;
    let wishes = query
        .order_by_desc(wish::Column::Priority)
        .order_by_desc(wish::Column::Id)
        .offset(crate::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await?;
    let rows = decorate(db, wishes).await?;
    Ok(Page { rows, total, page, per_page })
}

/// How many wishes a filter matches (one COUNT).
pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> Result<u64> {
    crate::count_of(db, wish::Entity::find().filter(condition(filter)), wish::Column::Id).await
}

fn condition(filter: &Filter) -> Condition {
    let mut cond = Condition::all();
    if let Some(id) = filter.community_id {
        cond = cond.add(wish::Column::CommunityId.eq(id));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(wish::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(c) = &filter.category {
        cond = cond.add(wish::Column::Category.eq(c.as_str()));
    }
    if let Some(id) = filter.building_id {
        cond = cond.add(wish::Column::BuildingId.eq(id));
    }
    if let Some(ids) = &filter.building_ids {
        cond = cond.add(wish::Column::BuildingId.is_in(ids.clone()));
    }
    if let Some(ids) = &filter.household_ids {
        cond = cond.add(wish::Column::HouseholdId.is_in(ids.clone()));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = crate::like_contains(q);
        cond = cond.add(
            Condition::any().add(wish::Column::Title.like(pattern.clone())).add(wish::Column::SlipNo.like(pattern)),
        );
    }
    if let Some(s) = &filter.source {
        cond = cond.add(wish::Column::Source.eq(s.as_str()));
    }
    if let Some(day) = filter.overdue_on {
        cond = cond
            .add(wish::Column::DueDate.lt(day))
            .add(wish::Column::Status.is_in([WishStatus::Published.as_str(), WishStatus::Claimed.as_str()]));
    }
    if let Some(at) = filter.unclaimed_since {
        cond = cond.add(wish::Column::PublishedAt.lte(at)).add(wish::Column::Status.eq(WishStatus::Published.as_str()));
    }
    if let Some(at) = filter.attention_since {
        cond = cond
            .add(wish::Column::Status.eq(WishStatus::Fulfilled.as_str()))
            .add(Condition::any().add(wish::Column::NeedsCheck.eq(true)).add(wish::Column::FulfilledAt.lte(at)));
    }
    if let Some((at, helper)) = filter.wall_at {
        // Only a published wish is held back: once claimed (by the helper), it shows like any other.
        let mut shown = Condition::any()
            .add(wish::Column::Status.ne(WishStatus::Published.as_str()))
            .add(wish::Column::OfferUntil.is_null())
            .add(wish::Column::OfferUntil.lte(at));
        if let Some(id) = helper {
            shown = shown.add(wish::Column::OfferedTo.eq(id));
        }
        cond = cond.add(shown);
    }
    if let Some(user_id) = filter.claimed_by {
        let mine = wish_claim::Entity::find()
            .select_only()
            .column(wish_claim::Column::WishId)
            .filter(wish_claim::Column::UserId.eq(user_id))
            .filter(wish_claim::Column::Status.eq("active"));
        cond = cond.add(wish::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(mine)));
    }
    cond
}

/// Adds building, wisher, claim and claimant to wishes: four queries for any number of rows.
pub async fn decorate(db: &impl ConnectionTrait, wishes: Vec<Wish>) -> Result<Vec<Row>> {
    let building_ids: Vec<i64> = wishes.iter().filter_map(|w| w.building_id).collect();
    let buildings: HashMap<i64, String> = building::Entity::find()
        .filter(building::Column::Id.is_in(building_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let wishers = crate::grid::resident_names(db, wishes.iter().filter_map(|w| w.resident_id).collect()).await?;
    let ids: Vec<i64> = wishes.iter().map(|w| w.id).collect();
    let claims: HashMap<i64, Claim> = wish_claim::Entity::find()
        .filter(wish_claim::Column::WishId.is_in(ids))
        .filter(wish_claim::Column::Status.is_in(["active", "completed"]))
        .order_by_asc(wish_claim::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.wish_id, c))
        .collect();
    let names = crate::account::display_names(db, claims.values().map(|c| c.user_id).collect()).await?;
    Ok(wishes
        .into_iter()
        .map(|w| {
            let claim = claims.get(&w.id).cloned();
            Row {
                building_name: w.building_id.and_then(|b| buildings.get(&b).cloned()),
                wisher_name: w.resident_id.and_then(|r| wishers.get(&r).cloned()),
                claimant_name: claim.as_ref().and_then(|c| names.get(&c.user_id).cloned()),
                claim,
                wish: w,
            }
        })
        .collect())
}

/// A row for one wish whose claim and claimant are known already (the answer to a claim): two queries, for the
/// building and the wisher.
/// A wish with its building's name and its wisher's name, in one statement (the claim path reads this once and
/// answers from it).
pub async fn get_with_names(db: &impl ConnectionTrait, id: i64) -> Result<Option<Row>> {
    #[derive(sea_orm::FromQueryResult)]
    struct WithNames {
        #[sea_orm(nested)]
        wish: Wish,
        building_name: Option<String>,
        wisher_name: Option<String>,
    }
    use sea_orm::sea_query::{ExprTrait, Query};
    let building_name = Query::select()
        .column((building::Entity, building::Column::Name))
        .from(building::Entity)
        .and_where(Expr::col((building::Entity, building::Column::Id)).equals((wish::Entity, wish::Column::BuildingId)))
        .to_owned();
    let wisher_name = Query::select()
        .column((resident::Entity, resident::Column::Name))
        .from(resident::Entity)
        .and_where(Expr::col((resident::Entity, resident::Column::Id)).equals((wish::Entity, wish::Column::ResidentId)))
        .to_owned();
    let found = wish::Entity::find_by_id(id)
        .expr_as(Expr::SubQuery(None, Box::new(building_name.into())), "building_name")
        .expr_as(Expr::SubQuery(None, Box::new(wisher_name.into())), "wisher_name")
        .into_model::<WithNames>()
        .one(db)
        .await?;
    Ok(found.map(|f| Row {
        wish: f.wish,
        building_name: f.building_name,
        wisher_name: f.wisher_name,
        claim: None,
        claimant_name: None,
    }))
}

/// Open wishes of a household other than `except`, newest first: staff see them before publishing another.
pub async fn open_of_household(db: &impl ConnectionTrait, household_id: i64, except: i64) -> Result<Vec<Wish>> {
    let open: Vec<&str> = WishStatus::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str()).collect();
    Ok(wish::Entity::find()
        .filter(wish::Column::HouseholdId.eq(household_id))
        .filter(wish::Column::Id.ne(except))
        .filter(wish::Column::Status.is_in(open))
        .order_by_desc(wish::Column::Id)
        .limit(10)
        .all(db)
        .await?)
}

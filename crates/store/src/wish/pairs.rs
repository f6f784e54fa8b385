//! Help pairs (帮扶对子): a standing pairing of a helper with a resident. A paired resident's new wish is offered
//! to the helper first (see `weizhili_core::wish::offer_open`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::entity::help_pair;
use crate::{Result, StoreError};

pub use crate::entity::help_pair::Model as HelpPair;

/// Pairs `helper_id` with a resident; a resident already paired is `Conflict("help_pair_exists")`.
pub async fn create(
    db: &impl ConnectionTrait,
    community_id: i64,
    helper_id: i64,
    resident_id: i64,
    household_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<HelpPair> {
    help_pair::ActiveModel {
        community_id: Set(community_id),
        helper_id: Set(helper_id),
        resident_id: Set(resident_id),
        household_id: Set(household_id),
        created_by: Set(Some(by)),
        created_at: Set(now),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "help_pair_exists"))
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<HelpPair>> {
    Ok(help_pair::Entity::find_by_id(id).one(db).await?)
}

/// Ends a pairing; one already ended is `Conflict("help_pair_ended")`.
pub async fn end(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<()> {
    let done = help_pair::Entity::update_many()
        .col_expr(help_pair::Column::EndedAt, Expr::value(now))
        .filter(help_pair::Column::Id.eq(id))
        .filter(help_pair::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(StoreError::Conflict("help_pair_ended"));
    }
    Ok(())
}

/// The standing helper of a wish's wisher: of the resident if the wish names one, else of anyone in the
/// household (the oldest pairing).
pub async fn helper_for(
    db: &impl ConnectionTrait,
    household_id: i64,
    resident_id: Option<i64>,
) -> Result<Option<HelpPair>> {
    let mut query = help_pair::Entity::find().filter(help_pair::Column::EndedAt.is_null());
    query = match resident_id {
        Some(r) => query.filter(help_pair::Column::ResidentId.eq(r)),
        None => query.filter(help_pair::Column::HouseholdId.eq(household_id)),
    };
    Ok(query.order_by_asc(help_pair::Column::Id).one(db).await?)
}

/// A pairing with the names a list shows.
#[derive(Debug, Clone)]
pub struct Row {
    pub pair: HelpPair,
    pub helper: String,
    pub resident: String,
}

/// The open pairings of a community (or of one resident), oldest first.
pub async fn list(db: &impl ConnectionTrait, community_id: i64, resident_id: Option<i64>) -> Result<Vec<Row>> {
    let mut query = help_pair::Entity::find()
        .filter(help_pair::Column::CommunityId.eq(community_id))
        .filter(help_pair::Column::EndedAt.is_null());
    if let Some(r) = resident_id {
        query = query.filter(help_pair::Column::ResidentId.eq(r));
    }
    let pairs = query.order_by_asc(help_pair::Column::Id).limit(500).all(db).await?;
    let helpers = crate::account::display_names(db, pairs.iter().map(|p| p.helper_id).collect()).await?;
    let residents = crate::grid::resident_names(db, pairs.iter().map(|p| p.resident_id).collect()).await?;
    Ok(pairs
        .into_iter()
        .map(|pair| Row {
            helper: helpers.get(&pair.helper_id).cloned().unwrap_or_default(),
            resident: residents.get(&pair.resident_id).cloned().unwrap_or_default(),
            pair,
        })
        .collect())
}

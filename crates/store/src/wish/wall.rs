//! The public wall's query: one page of a community's wishes that the wall shows, priority first, then newest.
//! It reads only the page it shows (one row more, to know whether there is a next page) and never counts, so a
//! page costs the same whether the community has fifty wishes or fifty thousand.
//!
//! The status condition is written out as literals, not bound parameters, so that SQLite and PostgreSQL can
//! both match it against the partial index `ix_wishes_wall` (migration `m20261129_000004_wall_indexes`): a
//! planner cannot prove that a bound `IN (?, ?, …)` implies the index's condition.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use weizhili_core::wish::WishStatus;

use super::{Row, decorate};
use crate::Result;
use crate::entity::wish;

/// The deepest page the wall serves: deeper pages would be mostly skipping, and nobody reads that far.
pub const WALL_MAX_PAGE: u64 = 1000;

/// One page of the wall.
#[derive(Debug, Clone)]
pub struct WallPage {
    pub rows: Vec<Row>,
    pub page: u64,
    pub has_next: bool,
}

/// `status IN ('published', 'claimed', …)`: the statuses [`WishStatus::on_wall`] admits, as SQL literals.
pub fn wall_condition() -> String {
    let statuses: Vec<String> =
        WishStatus::ALL.iter().filter(|s| s.on_wall()).map(|s| format!("'{}'", s.as_str())).collect();
    format!("status IN ({})", statuses.join(", "))
}

/// Page `page` (from 1; clamped to 1..=[`WALL_MAX_PAGE`]) of the wall of `community_id`, `per_page` wishes.
/// A wish still offered to a paired helper at `now` is not on the wall yet.
pub async fn wall_page(
    db: &impl ConnectionTrait,
    community_id: i64,
    page: u64,
    per_page: u64,
    now: DateTime<Utc>,
) -> Result<WallPage> {
    let per_page = per_page.clamp(1, 200);
    let page = page.clamp(1, WALL_MAX_PAGE);
    let mut wishes = wall_query(community_id, page, per_page, now).all(db).await?;
    let has_next = wishes.len() as u64 > per_page;
    wishes.truncate(per_page as usize);
    Ok(WallPage { rows: decorate(db, wishes).await?, page, has_next })
}

/// The query behind [`wall_page`]: `per_page + 1` rows from page `page`, for a look at its plan.
pub fn wall_query(community_id: i64, page: u64, per_page: u64, now: DateTime<Utc>) -> Select<wish::Entity> {
    // Checked on the rows the index yields, not part of it: offers are few and short.
    let offered = Condition::any()
        .add(wish::Column::Status.ne(WishStatus::Published.as_str()))
        .add(wish::Column::OfferUntil.is_null())
        .add(wish::Column::OfferUntil.lte(now));
    wish::Entity::find()
        .filter(wish::Column::CommunityId.eq(community_id))
        .filter(Expr::cust(wall_condition()))
        .filter(offered)
        .order_by_desc(wish::Column::Priority)
        .order_by_desc(wish::Column::Id)
        .offset(crate::offset(page, per_page))
        .limit(per_page.saturating_add(1))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_condition_names_exactly_the_wall_statuses() {
        assert_eq!(super::wall_condition(), "status IN ('published', 'claimed', 'fulfilled', 'confirmed')");
    }
}

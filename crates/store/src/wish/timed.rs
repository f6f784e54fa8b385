//! The queries of the timed work and of what follows a move: claims that lapse or whose claimant is to be
//! warned, the offer of a paired resident's wish to their helper, fulfilments staff check, and what the daily
//! summary counts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use weizhili_core::wish::WishStatus;

use super::{Claim, Wish};
use crate::Result;
use crate::entity::{wish, wish_claim};

/// Active claims with no first contact since `before`: they lapse, and the wish goes back on the wall.
pub async fn claims_without_contact(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<Vec<(Wish, Claim)>> {
    silent_claims(db, before, false).await
}

/// Active claims with no first contact, claimed at or before `before` (at most 500, oldest first), with their
/// wishes; `unwarned`: only those whose claimant has not been warned yet.
async fn silent_claims(db: &impl ConnectionTrait, before: DateTime<Utc>, unwarned: bool) -> Result<Vec<(Wish, Claim)>> {
    let mut query = wish_claim::Entity::find()
        .filter(wish_claim::Column::Status.eq("active"))
        .filter(wish_claim::Column::ContactedAt.is_null())
        .filter(wish_claim::Column::ClaimedAt.lte(before));
    if unwarned {
        query = query.filter(wish_claim::Column::WarnedAt.is_null());
    }
    let claims = query.order_by_asc(wish_claim::Column::Id).limit(500).all(db).await?;
    let ids: Vec<i64> = claims.iter().map(|c| c.wish_id).collect();
    let wishes: HashMap<i64, Wish> = wish::Entity::find()
        .filter(wish::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    Ok(claims.into_iter().filter_map(|c| wishes.get(&c.wish_id).cloned().map(|w| (w, c))).collect())
}

/// Offers a just-published wish to the wisher's paired helper until `until`.
pub async fn offer(db: &impl ConnectionTrait, wish_id: i64, helper_id: i64, until: DateTime<Utc>) -> Result<()> {
    wish::Entity::update_many()
        .col_expr(wish::Column::OfferedTo, Expr::value(helper_id))
        .col_expr(wish::Column::OfferUntil, Expr::value(until))
        .filter(wish::Column::Id.eq(wish_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends the offer to the paired helper now (they passed it on): the wish goes on the wall.
pub async fn end_offer(db: &impl ConnectionTrait, wish_id: i64, now: DateTime<Utc>) -> Result<()> {
    wish::Entity::update_many()
        .col_expr(wish::Column::OfferUntil, Expr::value(now))
        .filter(wish::Column::Id.eq(wish_id))
        .filter(wish::Column::OfferUntil.gt(now))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks whether a fulfilled wish waits for staff to check it (fulfilled without a photo).
pub async fn set_needs_check(db: &impl ConnectionTrait, wish_id: i64, needs_check: bool) -> Result<()> {
    wish::Entity::update_many()
        .col_expr(wish::Column::NeedsCheck, Expr::value(needs_check))
        .filter(wish::Column::Id.eq(wish_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Active claims with no first contact, claimed at or before `before`, whose claimant has not been warned.
pub async fn claims_to_warn(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<Vec<(Wish, Claim)>> {
    silent_claims(db, before, true).await
}

/// Records that the claimant was warned.
pub async fn mark_warned(db: &impl ConnectionTrait, claim_id: i64, now: DateTime<Utc>) -> Result<()> {
    wish_claim::Entity::update_many()
        .col_expr(wish_claim::Column::WarnedAt, Expr::value(now))
        .filter(wish_claim::Column::Id.eq(claim_id))
        .exec(db)
        .await?;
    Ok(())
}

/// How many wishes of a community wait for review, and how many claims are about to lapse (for the daily
/// summary).
pub async fn waiting_counts(
    db: &impl ConnectionTrait,
    community_id: i64,
    warn_before: DateTime<Utc>,
) -> Result<(u64, u64)> {
    let submitted = wish::Entity::find()
        .filter(wish::Column::CommunityId.eq(community_id))
        .filter(wish::Column::Status.eq(WishStatus::Submitted.as_str()));
    let submitted = crate::count_of(db, submitted, wish::Column::Id).await?;
    let lapsing = wish_claim::Entity::find()
        .filter(wish_claim::Column::CommunityId.eq(community_id))
        .filter(wish_claim::Column::Status.eq("active"))
        .filter(wish_claim::Column::ContactedAt.is_null())
        .filter(wish_claim::Column::ClaimedAt.lte(warn_before));
    let lapsing = crate::count_of(db, lapsing, wish_claim::Column::Id).await?;
    Ok((submitted, lapsing))
}

/// The communities that have wishes (for the daily summary's round).
pub async fn communities_with_wishes(db: &impl ConnectionTrait) -> Result<Vec<i64>> {
    Ok(wish::Entity::find().select_only().column(wish::Column::CommunityId).distinct().into_tuple().all(db).await?)
}

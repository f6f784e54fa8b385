//! The `wishes` table.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "wishes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub building_id: Option<i64>,
    pub household_id: Option<i64>,
    /// The wisher, when known (an anonymous slip from the wish box has none).
    pub resident_id: Option<i64>,
    pub submitted_by: Option<i64>,
    /// Entered by staff or a building head on the wisher's behalf.
    pub proxy: bool,
    /// online, box, wall or visit.
    pub source: String,
    /// The number on the paper slip (心愿卡编号).
    pub slip_no: Option<String>,
    pub category: String,
    pub title: String,
    pub description: String,
    /// See `weizhili_core::wish::WishStatus`; only changed through `store::wish::apply`.
    pub status: String,
    /// Keep the wisher's name off the wall.
    pub anonymous: bool,
    /// Back on the wall after a lapsed claim.
    pub priority: bool,
    pub due_date: Option<Date>,
    pub reject_reason: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub claimed_at: Option<DateTimeUtc>,
    pub fulfilled_at: Option<DateTimeUtc>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub satisfaction: Option<i32>,
    pub thanks: Option<String>,
    /// Time the claimant spent, in minutes.
    pub minutes: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// A paired resident's wish is offered to their helper first (帮扶对子): only they may claim it, and the
    /// wall leaves it out, until `offer_until`.
    pub offered_to: Option<i64>,
    pub offer_until: Option<DateTimeUtc>,
    /// Fulfilled without a photo: staff check it happened.
    pub needs_check: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

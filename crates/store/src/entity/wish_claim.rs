//! The `wish_claims` table.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "wish_claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub wish_id: i64,
    pub community_id: i64,
    pub user_id: i64,
    /// A partner organisation claiming (e.g. 区税务局党支部).
    pub organisation: Option<String>,
    /// active, released, revoked, lapsed or completed.
    pub status: String,
    pub claimed_at: DateTimeUtc,
    pub contacted_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub end_reason: Option<String>,
    /// When the claimant was warned that the claim is about to lapse.
    pub warned_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! The `help_pairs` table: standing helper–resident pairings (帮扶对子).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "help_pairs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    /// The helper's user account.
    pub helper_id: i64,
    pub resident_id: i64,
    pub household_id: i64,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    /// Set when the pairing ends; at most one open pairing per resident.
    pub ended_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

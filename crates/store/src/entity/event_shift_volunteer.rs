//! The `event_shift_volunteers` table: who is on a volunteer shift (once per person and shift), and whether they
//! served it (then the pending service record it made).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "event_shift_volunteers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub event_id: i64,
    pub shift_id: i64,
    /// The volunteer (a user).
    pub user_id: i64,
    /// Staff who put them on the shift; `None` when they took it themselves.
    pub assigned_by: Option<i64>,
    pub served_at: Option<DateTimeUtc>,
    pub served_by: Option<i64>,
    pub service_record_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

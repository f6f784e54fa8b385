//! The `event_shifts` table: a volunteer role at an event (裁判, 签到, 摄影…) for a time, with its places.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "event_shifts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    /// The event (session) the shift is at.
    pub event_id: i64,
    /// The role's name; shifts with the same name are one role.
    pub role: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub places: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

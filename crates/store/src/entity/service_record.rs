//! The `service_records` table: volunteer service records (志愿服务记录), pending until staff confirm them.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "service_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    /// The volunteer.
    pub user_id: i64,
    /// The wish the service was for.
    pub wish_id: Option<i64>,
    /// The event the service was at (a volunteer shift).
    pub event_id: Option<i64>,
    pub what: String,
    pub served_on: Date,
    pub minutes: i32,
    /// `pending` or `confirmed`.
    pub status: String,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<DateTimeUtc>,
    /// Why staff corrected the hours, if they did.
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

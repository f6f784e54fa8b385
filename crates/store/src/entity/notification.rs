//! The `notifications` table: the messages behind the bell.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub community_id: Option<i64>,
    /// What happened: `wish_published`, `wish_claimed`, `claim_lapsing`, `daily_summary`, … (a locale key).
    pub kind: String,
    pub wish_id: Option<i64>,
    pub event_id: Option<i64>,
    /// The wish's title (or the summary's date) when it happened.
    pub title: String,
    /// A reason or a count, shown under the title.
    pub detail: Option<String>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! The `wish_updates` table.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "wish_updates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub wish_id: i64,
    pub community_id: i64,
    pub user_id: Option<i64>,
    /// note, contact, or the action that changed the status (publish, claim, fulfil, …).
    pub kind: String,
    pub text: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

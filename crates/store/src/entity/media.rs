//! The `media` table: photos and other files kept in the storage layer, each belonging to something (a wish, …).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    /// What it belongs to: `wish`.
    pub owner_kind: String,
    pub owner_id: i64,
    /// The story entry (wish update) it came with, if any.
    pub update_id: Option<i64>,
    /// Where the re-encoded file and its thumbnail are in the storage layer.
    pub key: String,
    pub thumb_key: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

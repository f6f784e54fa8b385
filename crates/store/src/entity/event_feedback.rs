//! The `event_feedback` table: a rating (1–5) and a comment from someone who came, once per person and event
//! (the series' first session), editable.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "event_feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    /// The series' first session.
    pub event_id: i64,
    /// Who gives it (the household adult answering for a child gives it as themselves).
    pub resident_id: i64,
    pub household_id: i64,
    pub user_id: Option<i64>,
    pub rating: i32,
    pub comment: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

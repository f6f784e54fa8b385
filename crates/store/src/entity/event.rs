//! The `events` table: one activity (活动) with its time, place, capacity and audience. The sessions of a
//! recurring event share a `series_id` (the first session's id), each with its own sign-ups and attendance.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub project_id: Option<i64>,
    /// For a building's own activities (its calendar).
    pub building_id: Option<i64>,
    pub series_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// `None`: no limit.
    pub capacity: Option<i32>,
    /// everyone, children, elderly (see `weizhili_core::event`).
    pub audience: String,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub signup_deadline: Option<DateTimeUtc>,
    /// scheduled or cancelled.
    pub status: String,
    /// Sign-ups holding a place (registered, attended, no-show), kept in step by `store::event`.
    pub registered: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

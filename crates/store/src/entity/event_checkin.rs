//! The `event_checkins` table: who came to one session (签到), once per person and session.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "event_checkins")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The session.
    pub event_id: i64,
    /// The series' first session (the event itself when it has one session): where the sign-up is.
    pub head_id: i64,
    pub community_id: i64,
    pub resident_id: i64,
    pub signup_id: Option<i64>,
    /// Came without signing up.
    pub walk_in: bool,
    pub checked_in_by: Option<i64>,
    pub checked_in_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

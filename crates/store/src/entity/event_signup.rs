//! The `event_signups` table: a person's sign-up for one event (报名), waitlisted (候补) or holding a place,
//! and their check-in (签到).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "event_signups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub community_id: i64,
    pub resident_id: i64,
    pub household_id: i64,
    pub signed_up_by: Option<i64>,
    /// Entered by staff for someone without a phone.
    pub proxy: bool,
    /// Entered by a guardian for a child of their household.
    pub guardian: bool,
    /// Came without signing up; recorded at check-in.
    pub walk_in: bool,
    /// registered, waitlisted, cancelled, attended or no_show; the waitlist's order is the id's.
    pub status: String,
    pub checked_in_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

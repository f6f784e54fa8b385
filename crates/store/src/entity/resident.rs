//! The `residents` table.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "residents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub household_id: i64,
    /// Copied from the household so that lists filter by building without a join.
    pub building_id: i64,
    pub name: String,
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub phone: Option<String>,
    /// Last four digits, for the search staff actually do ("the one whose number ends 5678").
    pub phone_tail: Option<String>,
    pub relation: Option<String>,
    /// Skills offered, joined by "、".
    pub skills: String,
    /// Hobbies, joined by "、".
    pub hobbies: String,
    pub note: Option<String>,
    /// PIPL art. 13 legal basis the data is held on (e.g. consent, public duty).
    pub consent_basis: Option<String>,
    pub consent_recorded_by: Option<i64>,
    pub consent_at: Option<DateTimeUtc>,
    pub moved_out_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

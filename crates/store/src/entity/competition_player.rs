//! The `competition_players` table: one entry of a competition (the entrant of the pairings): a resident, and
//! for 掼蛋 their partner. Seeds follow the order of entry (the id's).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "competition_players")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub competition_id: i64,
    pub community_id: i64,
    pub resident_id: i64,
    /// The second of a 掼蛋 team.
    pub partner_id: Option<i64>,
    pub household_id: i64,
    pub registered_by: Option<i64>,
    /// self, guardian or proxy (as for event sign-ups).
    pub registered_as: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

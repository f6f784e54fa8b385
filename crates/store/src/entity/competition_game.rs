//! The `competition_games` table: one table of a round (对局): who moves first, who second (none: a bye), and
//! the result once entered.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "competition_games")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub competition_id: i64,
    pub round_id: i64,
    /// From 1, the order of the pairing sheet; a bye is last.
    pub table_no: i32,
    /// The entry (competition_players.id) that moves first (红方 in 中国象棋, 黑方 in 围棋).
    pub first_id: i64,
    pub second_id: Option<i64>,
    /// A `core::competition::Outcome` code; none until entered (a bye's is set when paired).
    pub outcome: Option<String>,
    pub recorded_by: Option<i64>,
    pub recorded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

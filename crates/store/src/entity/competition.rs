//! The `competitions` table: one chess & card competition (棋牌竞赛) of a community, optionally part of an
//! event or a micro-project.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "competitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub event_id: Option<i64>,
    pub project_id: Option<i64>,
    pub title: String,
    /// xiangqi, go, guandan or mahjong (`core::competition::Game`).
    pub game: String,
    /// round_robin or swiss.
    pub format: String,
    /// Swiss: the rounds planned; round-robin: set to the rounds made when they are paired.
    pub rounds_planned: i32,
    /// registration, running or finished (`core::competition::Status`), written only through its transition.
    pub status: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

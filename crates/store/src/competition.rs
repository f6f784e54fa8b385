//! Chess & card competitions (棋牌竞赛) in the database: competitions, their entries, rounds and tables.
//!
//! Who plays whom and what a result is worth are `weizhili_core::competition`'s; this module stores what core
//! decided and reads it back as core's types ([`Loaded::rounds`]). Changes run inside the caller's write
//! transaction after [`lock`] (the competition's row `FOR UPDATE` on PostgreSQL; SQLite's write transaction
//! already excludes other writers), so two people pairing or entering at once see each other's work. The unique
//! indexes (one entry per person, one round per number) hold even so.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use weizhili_core::competition::{EntrantId, Outcome, Pairing, Round, Status};

use crate::entity::{competition, competition_game, competition_player, competition_round};
use crate::{Result, StoreError};

pub use crate::entity::competition::Model as Competition;
pub use crate::entity::competition_game::Model as Game;
pub use crate::entity::competition_player::Model as Player;
pub use crate::entity::competition_round::Model as RoundRow;

/// A competition as staff set it up (already parsed by core).
#[derive(Debug, Clone)]
pub struct NewCompetition {
    pub community_id: i64,
    pub event_id: Option<i64>,
    pub project_id: Option<i64>,
    pub title: String,
    pub game: String,
    pub format: String,
    pub rounds_planned: i32,
    pub created_by: Option<i64>,
}

pub async fn create(db: &impl ConnectionTrait, new: NewCompetition, now: DateTime<Utc>) -> Result<Competition> {
    Ok(competition::ActiveModel {
        community_id: Set(new.community_id),
        event_id: Set(new.event_id),
        project_id: Set(new.project_id),
        title: Set(new.title),
        game: Set(new.game),
        format: Set(new.format),
        rounds_planned: Set(new.rounds_planned),
        status: Set(Status::Registration.as_str().to_owned()),
        created_by: Set(new.created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Competition>> {
    Ok(competition::Entity::find_by_id(id).one(db).await?)
}

/// The competition, its row locked for the rest of the caller's write transaction.
pub async fn lock(db: &impl ConnectionTrait, id: i64) -> Result<Competition> {
    competition::Entity::find_by_id(id).lock_exclusive().one(db).await?.ok_or(StoreError::NotFound)
}

/// A community's competitions, newest first (at most 200).
pub async fn list(db: &impl ConnectionTrait, community_id: i64) -> Result<Vec<Competition>> {
    Ok(competition::Entity::find()
        .filter(competition::Column::CommunityId.eq(community_id))
        .order_by_desc(competition::Column::Id)
        .limit(200)
        .all(db)
        .await?)
}

/// The entries of a competition in seed order (the order they came in).
pub async fn players(db: &impl ConnectionTrait, competition_id: i64) -> Result<Vec<Player>> {
    Ok(competition_player::Entity::find()
        .filter(competition_player::Column::CompetitionId.eq(competition_id))
        .order_by_asc(competition_player::Column::Id)
        .all(db)
        .await?)
}

/// An entry as it arrives.
#[derive(Debug, Clone)]
pub struct NewPlayer {
    pub resident_id: i64,
    pub partner_id: Option<i64>,
    pub household_id: i64,
    pub registered_by: Option<i64>,
    pub registered_as: String,
}

/// Adds an entry inside the caller's write transaction (after [`lock`]). Someone already in the competition,
/// as player or as partner, is `Conflict("already_registered")`, and so is a second entry racing past the check.
pub async fn register(
    db: &impl ConnectionTrait,
    comp: &Competition,
    new: NewPlayer,
    now: DateTime<Utc>,
) -> Result<Player> {
    let people: Vec<i64> = std::iter::once(new.resident_id).chain(new.partner_id).collect();
    let taken = players(db, comp.id)
        .await?
        .iter()
        .any(|p| people.contains(&p.resident_id) || p.partner_id.is_some_and(|id| people.contains(&id)));
    if taken || new.partner_id == Some(new.resident_id) {
        return Err(StoreError::Conflict("already_registered"));
    }
    competition_player::ActiveModel {
        competition_id: Set(comp.id),
        community_id: Set(comp.community_id),
        resident_id: Set(new.resident_id),
        partner_id: Set(new.partner_id),
        household_id: Set(new.household_id),
        registered_by: Set(new.registered_by),
        registered_as: Set(new.registered_as),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "already_registered"))
}

/// Everything about a competition's play: the entries (seed order), the rounds and their tables.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub players: Vec<Player>,
    /// Each round (by number) with its tables (by table number).
    pub rounds: Vec<(RoundRow, Vec<Game>)>,
}

impl Loaded {
    /// The entrants, in seed order.
    pub fn entrants(&self) -> Vec<EntrantId> {
        self.players.iter().map(|p| EntrantId(p.id)).collect()
    }

    /// The rounds as core's [`Round`]s (a stored outcome core no longer knows reads as no result).
    pub fn rounds(&self) -> Vec<Round> {
        self.rounds
            .iter()
            .map(|(round, games)| Round {
                number: u32::try_from(round.number).unwrap_or(0),
                pairings: games
                    .iter()
                    .map(|g| Pairing {
                        first: EntrantId(g.first_id),
                        second: g.second_id.map(EntrantId),
                        outcome: g.outcome.as_deref().and_then(|o| Outcome::parse(o).ok()),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The leading rounds that have every result: what the standings are computed from.
    pub fn finished_rounds(&self) -> Vec<Round> {
        self.rounds().into_iter().take_while(Round::is_finished).collect()
    }
}

pub async fn load(db: &impl ConnectionTrait, competition_id: i64) -> Result<Loaded> {
    let players = players(db, competition_id).await?;
    let rounds = competition_round::Entity::find()
        .filter(competition_round::Column::CompetitionId.eq(competition_id))
        .order_by_asc(competition_round::Column::Number)
        .all(db)
        .await?;
    let mut games = competition_game::Entity::find()
        .filter(competition_game::Column::CompetitionId.eq(competition_id))
        .order_by_asc(competition_game::Column::TableNo)
        .all(db)
        .await?;
    let rounds = rounds
        .into_iter()
        .map(|round| {
            let (mine, rest): (Vec<Game>, Vec<Game>) = games.drain(..).partition(|g| g.round_id == round.id);
            games = rest;
            (round, mine)
        })
        .collect();
    Ok(Loaded { players, rounds })
}

/// Stores newly paired rounds (core's, in order) inside the caller's write transaction, and the competition's
/// new status and rounds planned. A round number that exists already is `Conflict("round_already_paired")`.
pub async fn add_rounds(
    db: &impl ConnectionTrait,
    comp: &Competition,
    rounds: &[Round],
    status: Status,
    rounds_planned: i32,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    for round in rounds {
        let row = competition_round::ActiveModel {
            competition_id: Set(comp.id),
            number: Set(i32::try_from(round.number).unwrap_or(i32::MAX)),
            paired_by: Set(by),
            paired_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(|e| StoreError::on_unique(e, "round_already_paired"))?;
        for (table_no, pairing) in (1i32..).zip(&round.pairings) {
            competition_game::ActiveModel {
                competition_id: Set(comp.id),
                round_id: Set(row.id),
                table_no: Set(table_no),
                first_id: Set(pairing.first.0),
                second_id: Set(pairing.second.map(|e| e.0)),
                outcome: Set(pairing.outcome.map(|o| o.as_str().to_owned())),
                recorded_by: Set(None),
                recorded_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    set_state(db, comp, status, rounds_planned, now).await
}

/// Writes results (game id, outcome) inside the caller's write transaction, and the competition's new status.
pub async fn record(
    db: &impl ConnectionTrait,
    comp: &Competition,
    results: &[(i64, Outcome)],
    status: Status,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    for (game_id, outcome) in results {
        competition_game::Entity::update_many()
            .col_expr(competition_game::Column::Outcome, Expr::value(outcome.as_str()))
            .col_expr(competition_game::Column::RecordedBy, Expr::value(by))
            .col_expr(competition_game::Column::RecordedAt, Expr::value(now))
            .filter(competition_game::Column::Id.eq(*game_id))
            .filter(competition_game::Column::CompetitionId.eq(comp.id))
            .exec(db)
            .await?;
    }
    set_state(db, comp, status, comp.rounds_planned, now).await
}

/// Moves the status on (compare and set: the row must still be in the status `comp` was read in).
async fn set_state(
    db: &impl ConnectionTrait,
    comp: &Competition,
    status: Status,
    rounds_planned: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    let done = competition::Entity::update_many()
        .col_expr(competition::Column::Status, Expr::value(status.as_str()))
        .col_expr(competition::Column::RoundsPlanned, Expr::value(rounds_planned))
        .col_expr(competition::Column::UpdatedAt, Expr::value(now))
        .filter(competition::Column::Id.eq(comp.id))
        .filter(competition::Column::Status.eq(comp.status.as_str()))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(StoreError::Conflict("competition_changed"));
    }
    Ok(())
}

/// The community an event belongs to, if the event exists (to check a competition's link to it).
pub async fn community_of_event(db: &impl ConnectionTrait, event_id: i64) -> Result<Option<i64>> {
    Ok(crate::entity::event::Entity::find_by_id(event_id).one(db).await?.map(|e| e.community_id))
}

/// The community a micro-project belongs to, if it exists.
pub async fn community_of_project(db: &impl ConnectionTrait, project_id: i64) -> Result<Option<i64>> {
    Ok(crate::entity::project::Entity::find_by_id(project_id).one(db).await?.map(|p| p.community_id))
}

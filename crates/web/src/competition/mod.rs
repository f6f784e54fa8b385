//! Chess & card competitions (棋牌竞赛): staff and group leaders set one up, residents register themselves or a
//! child of their household (staff anyone, 代报名), the rounds are paired (round-robin all at once, Swiss one
//! round at a time from the standings), results are entered per round, and the standings, pairing sheets and
//! result sheets are shown and printed.
//!
//! Who plays whom and what results are worth are `core::competition`'s; every change is one function in
//! [`actions`], called by the pages ([`pages`]) and the JSON API ([`api`]) alike. Printable A4 sheets are
//! [`sheets`]. A competition is seen by the people of its community (and platform admins); elsewhere it is 404.

pub mod actions;
pub mod api;
mod pages;
mod sheets;

use axum::Router;
use serde::Serialize;
use utoipa::ToSchema;
use weizhili_core::access::{Action, Place};
use weizhili_core::competition::{
    CompetitionError, Format, Game, Outcome, Scoring, Standing, Status, rounds_possible, standings,
};
use weizhili_store::StoreError;
use weizhili_store::competition::{self as store, Competition, Loaded};

use crate::auth::CurrentUser;
use crate::grid::pages::parse_id;
use crate::i18n::Lang;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes()).merge(sheets::routes())
}

/// A refusal of core's rules: the state of the competition stands in the way (409), or the input is wrong (422).
pub(crate) fn refusal(e: CompetitionError) -> AppError {
    match e {
        CompetitionError::Started
        | CompetitionError::Finished
        | CompetitionError::NotStarted
        | CompetitionError::AllRoundsPaired(_)
        | CompetitionError::RoundNotFinished(_)
        | CompetitionError::RoundsExhausted(_)
        | CompetitionError::TooFewEntrants(_)
        | CompetitionError::NotHeadToHead(_) => AppError::Conflict(e.code()),
        other => AppError::invalid(other.code()),
    }
}

pub(crate) fn store_refusal(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(code) => AppError::Conflict(code),
        other => other.into(),
    }
}

/// The competition if the user belongs to its community (or is an admin), else 404.
pub(crate) async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> Result<Competition, AppError> {
    let comp = store::get(&state.db, parse_id(id)?).await?.ok_or(AppError::NotFound)?;
    if !(user.actor.is_admin() || user.community_id() == Some(comp.community_id)) {
        return Err(AppError::NotFound);
    }
    Ok(comp)
}

/// Whether the user runs this competition (pairs rounds, enters results, registers anyone).
pub(crate) fn manages(user: &CurrentUser, comp: &Competition) -> bool {
    user.can(Action::ManageEvents, &Place::community(comp.community_id))
}

/// A stored competition's codes, read back (they were written from core's own codes).
pub(crate) struct Kind {
    pub game: Game,
    pub format: Format,
    pub status: Status,
}

pub(crate) fn kind(comp: &Competition) -> Result<Kind, AppError> {
    let game = Game::parse(&comp.game).map_err(|e| AppError::Internal(e.into()))?;
    let format = Format::parse(&comp.format).map_err(|e| AppError::Internal(e.into()))?;
    let status = Status::parse(&comp.status).ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad status")))?;
    Ok(Kind { game, format, status })
}

/// How many rounds this competition will have, given its entries (a Swiss plan is capped by what the field
/// allows; a round-robin's is set when it is paired).
pub(crate) fn rounds_total(comp: &Competition, format: Format, entries: usize) -> u32 {
    let planned = u32::try_from(comp.rounds_planned).unwrap_or(0);
    match format {
        Format::Swiss => rounds_possible(planned, entries),
        Format::RoundRobin => planned,
    }
}

/// A competition as the API gives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetitionView {
    pub id: i64,
    pub title: String,
    /// xiangqi, go, guandan or mahjong.
    pub game: String,
    /// round_robin or swiss.
    pub format: String,
    /// Rounds planned (Swiss) or made (round-robin, once paired).
    pub rounds_planned: i32,
    /// registration, running or finished.
    pub status: String,
    pub event_id: Option<i64>,
    pub project_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<&Competition> for CompetitionView {
    fn from(c: &Competition) -> Self {
        CompetitionView {
            id: c.id,
            title: c.title.clone(),
            game: c.game.clone(),
            format: c.format.clone(),
            rounds_planned: c.rounds_planned,
            status: c.status.clone(),
            event_id: c.event_id,
            project_id: c.project_id,
            created_at: c.created_at,
        }
    }
}

/// One entry: a player, or a 掼蛋 team of two.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetitionPlayerView {
    /// The entry's id: what pairings and standings name.
    pub id: i64,
    /// Place in the entry list, from 1 (the order of registration).
    pub seed: u32,
    pub resident_id: i64,
    pub partner_id: Option<i64>,
    /// The player's name, or "player / partner".
    pub name: String,
    /// self, guardian or proxy.
    pub registered_as: String,
}

/// One table of a round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetitionGameView {
    /// From 1; a bye is last.
    pub table: u32,
    /// The entry that moves first (红方 in 中国象棋, 黑方 in 围棋).
    pub first_id: i64,
    pub first: String,
    /// None: a bye.
    pub second_id: Option<i64>,
    pub second: Option<String>,
    /// first_wins, second_wins, draw, first_wins_by_forfeit, second_wins_by_forfeit, bye; none until entered.
    pub outcome: Option<String>,
}

impl CompetitionGameView {
    /// The result sheet's mark (`1-0`, `½-½`, …), empty until entered.
    pub fn mark(&self) -> &'static str {
        self.outcome.as_deref().and_then(|o| Outcome::parse(o).ok()).map(Outcome::mark).unwrap_or("")
    }

    pub fn is_bye(&self) -> bool {
        self.second_id.is_none()
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetitionRoundView {
    pub number: u32,
    /// Every table has its result.
    pub finished: bool,
    pub games: Vec<CompetitionGameView>,
}

/// One line of the standings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetitionStandingView {
    /// Entrants equal on everything share a rank (3, 3, 5).
    pub rank: u32,
    pub shared: bool,
    pub entry_id: i64,
    pub name: String,
    pub seed: u32,
    pub points: f64,
    /// 对手分: the opponents' points (Swiss's first tie-break).
    pub buchholz: f64,
    /// 索伯分: points of the opponents beaten plus half of those drawn.
    pub sonneborn_berger: f64,
    pub wins: u32,
    pub games: u32,
    pub byes: u32,
}

impl CompetitionStandingView {
    fn build(s: &Standing, name: String) -> CompetitionStandingView {
        CompetitionStandingView {
            rank: s.rank,
            shared: s.shared,
            entry_id: s.entrant.0,
            name,
            seed: s.seed,
            points: s.points.as_f64(),
            buchholz: s.buchholz.as_f64(),
            sonneborn_berger: s.sonneborn_berger.as_f64(),
            wins: s.wins,
            games: s.games,
            byes: s.byes,
        }
    }

    /// Points, Buchholz and Sonneborn-Berger as printed (`2.5`).
    pub fn points_text(&self) -> String {
        points(&self.points)
    }

    pub fn buchholz_text(&self) -> String {
        points(&self.buchholz)
    }

    pub fn sb_text(&self) -> String {
        points(&self.sonneborn_berger)
    }

    /// `3` or `3=` (shared).
    pub fn place(&self) -> String {
        if self.shared { format!("{}=", self.rank) } else { self.rank.to_string() }
    }
}

/// Points as a sheet prints them: `2`, `2.5`, `2.25`.
pub fn points(value: &f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Everything about a competition, with names: for its page, its sheets and the API.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetitionBoard {
    pub competition: CompetitionView,
    pub players: Vec<CompetitionPlayerView>,
    pub rounds: Vec<CompetitionRoundView>,
    /// After the leading rounds that have every result.
    pub standings: Vec<CompetitionStandingView>,
    /// How many rounds the standings count.
    pub standings_after: u32,
    /// How many rounds there will be in all (Swiss: capped by the number of entries).
    pub rounds_total: u32,
}

pub(crate) async fn board(state: &AppState, comp: &Competition) -> Result<(CompetitionBoard, Loaded), AppError> {
    let k = kind(comp)?;
    let loaded = store::load(&state.db, comp.id).await?;
    let people: Vec<i64> =
        loaded.players.iter().flat_map(|p| std::iter::once(p.resident_id).chain(p.partner_id)).collect();
    let names = weizhili_store::grid::resident_names(&state.db, people).await?;
    let name_of = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let players: Vec<CompetitionPlayerView> = (1u32..)
        .zip(&loaded.players)
        .map(|(seed, p)| CompetitionPlayerView {
            id: p.id,
            seed,
            resident_id: p.resident_id,
            partner_id: p.partner_id,
            name: match p.partner_id {
                Some(partner) => format!("{} / {}", name_of(p.resident_id), name_of(partner)),
                None => name_of(p.resident_id),
            },
            registered_as: p.registered_as.clone(),
        })
        .collect();
    let entry_name = |id: i64| players.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default();
    let rounds: Vec<CompetitionRoundView> = loaded
        .rounds()
        .iter()
        .map(|round| CompetitionRoundView {
            number: round.number,
            finished: round.is_finished(),
            games: (1u32..)
                .zip(&round.pairings)
                .map(|(table, p)| CompetitionGameView {
                    table,
                    first_id: p.first.0,
                    first: entry_name(p.first.0),
                    second_id: p.second.map(|e| e.0),
                    second: p.second.map(|e| entry_name(e.0)),
                    outcome: p.outcome.map(|o| o.as_str().to_owned()),
                })
                .collect(),
        })
        .collect();
    let finished = loaded.finished_rounds();
    let table = standings(&loaded.entrants(), &finished, k.format, &Scoring::default()).unwrap_or_default();
    let board = CompetitionBoard {
        competition: CompetitionView::from(comp),
        standings: table.iter().map(|s| CompetitionStandingView::build(s, entry_name(s.entrant.0))).collect(),
        standings_after: u32::try_from(finished.len()).unwrap_or(0),
        rounds_total: rounds_total(comp, k.format, players.len()),
        players,
        rounds,
    };
    Ok((board, loaded))
}

/// Labels of a competition's codes in a language (the locale files hold them).
pub(crate) struct Labels {
    pub game: String,
    pub format: String,
    pub status: String,
    /// What the sheet calls the first and the second side (红方/黑方, 黑方/白方, 甲方/乙方).
    pub first: String,
    pub second: String,
}

pub(crate) fn labels(lang: Lang, comp: &Competition) -> Labels {
    let key = |prefix: &str, code: &str| lang.t(&format!("{prefix}-{}", code.replace('_', "-")));
    Labels {
        game: key("competition-game", &comp.game),
        format: key("competition-format", &comp.format),
        status: key("competition-status", &comp.status),
        first: key("competition-first", &comp.game),
        second: key("competition-second", &comp.game),
    }
}

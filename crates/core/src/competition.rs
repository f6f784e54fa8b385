//! Chess & card competitions (棋牌竞赛): who plays whom each round, and the standings.
//!
//! Owns the pairing rules ([`round_robin`], [`swiss_round`]), the scoring ([`Scoring`], [`Outcome`]) and the
//! standings with their tie-breaks ([`standings`]). It must not do I/O and reads no clock or randomness: the same
//! entrants and results always give the same pairings, so a printed pairing sheet can be made again.
//!
//! # Entrants, tables and games
//! A competitor is an opaque [`EntrantId`]: a resident for 中国象棋 and 围棋, a team of two partners for 掼蛋
//! (the store keeps who is in the team). Every table seats two entrants, the *first* (who moves first: 红方 in
//! 中国象棋, 黑方 in 围棋; for 掼蛋 simply the side listed first) and the *second*; a table without a second is a
//! bye. 麻将 seats four at a table, which these pairings cannot express: [`check_format`] refuses it, so a
//! mahjong competition takes registrations (the list of players, printable) and its tables are seated by hand
//! (seating tables of four and adding up placement points is left out for now). A 掼蛋 entry names both
//! partners ([`check_partner`]).
//!
//! # Lifecycle
//! [`Status`]: registration until the first round is paired, then running, finished when every planned round
//! has every result; [`may_pair_next`] says when the next round may be paired (see `lifecycle.rs`).
//!
//! The order of the entrant list is the *seed* order (registration order or rating, the caller's choice): seed 1
//! first. Seeds place entrants in round 1, break the pairing order inside a score group, and order the list of
//! entrants who share a rank. They never separate a rank.
//!
//! # Round-robin (循环赛)
//! [`round_robin`] builds every round at once with the FIDE Berger tables (the circle method): every pair meets
//! exactly once, each entrant plays once per round, and moving first alternates as evenly as the tables allow.
//! An odd number of entrants adds a bye seat, so there are n rounds and each entrant sits out exactly once (so
//! what a bye scores changes no rank); an even number gives n − 1 rounds.
//!
//! # Swiss (瑞士制)
//! [`swiss_round`] makes the next round from the rounds played so far:
//! 1. Round 1: seed order, top half against bottom half (seed 1 v seed n/2 + 1, …).
//! 2. Later rounds: entrants are ranked by points, then seed, and paired from the top score group down. Inside a
//!    score group the upper half meets the lower half, as in the Dutch system; an entrant left over floats down
//!    to the highest-placed entrant of the next group. This is a simplified Dutch system, enough for a
//!    community event: it keeps no float history, and colours never change who meets whom (rule 5).
//! 3. No two entrants meet twice if any pairing of the round avoids it. A backtracking search finds it; only when
//!    none exists (or the search passes its step budget, [`SEARCH_BUDGET`]) does it allow one repeat, then two, …
//!    Up to round ⌊n/2⌋ a repeat-free pairing always exists (Dirac: everyone still has at least half the field
//!    left to meet), and the tests hold the search to it.
//! 4. With an odd number, the bye goes to the lowest-ranked entrant who has not had one yet (then to the next
//!    one up if the rest cannot be paired without a repeat). Byes therefore rotate: nobody gets a second bye
//!    while someone has had none. A bye scores [`Scoring::bye`], a win by default, as in most Swiss rules.
//! 5. Who moves first is decided after the pairing, never changing who meets whom: the entrant who has moved
//!    first less often moves first; then who moved second last time; then the higher-ranked on tables 1, 3, 5, …
//!    and the lower-ranked on tables 2, 4, … (so round 1 alternates down the sheet).
//! 6. A Swiss event cannot have more rounds than a full round-robin (n − 1 for even n, n for odd n):
//!    `competition_rounds_exhausted`; play a round-robin instead.
//!
//! # Results and points
//! Each table gets an [`Outcome`]. The default [`Scoring`] is win 1, draw ½, loss 0, bye 1. Chinese chess events
//! often count 2/1/0 ([`Scoring::two_one_zero`]); scaling every value by the same factor changes no ranking. A
//! forfeit (弃权) scores as a win and a loss, and counts as a game between the two for pairing and tie-breaks.
//! 围棋 with komi has no draws, and 掼蛋 matches are won or lost; the draw is there for 中国象棋.
//!
//! # Standings and tie-breaks
//! [`standings`] ranks by points, then by the format's tie-breaks ([`Format::tie_breaks`]):
//! - Swiss: Buchholz (对手分, the sum of the opponents' points), Sonneborn-Berger (索伯分: the points of each
//!   opponent beaten, plus half the points of each opponent drawn), number of wins, head-to-head.
//! - Round-robin: Sonneborn-Berger, head-to-head, number of wins (Buchholz says nothing there: everyone met the
//!   same opponents).
//!
//! A bye is counted, for Buchholz and Sonneborn-Berger, as a game against a virtual opponent with the entrant's
//! own final points, won if the bye scores a win (drawn if it scores a draw). It is the simple form of the FIDE
//! "virtual opponent" rule: a bye neither lifts nor sinks an entrant against others on the same points.
//! *Wins* are games won at the table: byes and forfeits are not counted. *Head-to-head* applies among entrants
//! still tied when each of them has met each of the others: their points in those games; otherwise it separates
//! no one. Entrants equal on everything share a rank (two at rank 3, the next is rank 5) and are listed by seed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::grid::normalize_text;

mod lifecycle;
mod pairing;
mod score;
mod standings;

pub use lifecycle::{
    CompetitionTitle, MAX_ROUNDS, Status, StatusAction, check_partner, may_pair_next, parse_rounds, rounds_possible,
};
pub use pairing::{SEARCH_BUDGET, max_swiss_rounds, round_robin, swiss_round};
pub use score::{Outcome, Score, Scoring};
pub use standings::{Standing, standings};

/// Why a competition input was refused. [`CompetitionError::code`] is the stable key the web layer localises by;
/// the `Display` text is a plain Chinese fallback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompetitionError {
    /// Fewer than 2 entrants; carries how many there were.
    #[error("至少要有 2 位（队）参赛者才能排对阵（现在 {0} 位）")]
    TooFewEntrants(usize),
    /// The same entrant appears twice in the entrant list.
    #[error("参赛者重复报名了（编号 {0}）")]
    DuplicateEntrant(EntrantId),
    /// A round names an entrant who is not in the entrant list.
    #[error("对阵里有不在报名名单上的参赛者（编号 {0}）")]
    UnknownEntrant(EntrantId),
    /// An entrant sits at two tables of one round (or plays themself).
    #[error("第 {round} 轮里同一位参赛者排了两次（编号 {entrant}）")]
    EntrantTwiceInRound { round: u32, entrant: EntrantId },
    /// A table of the round has no result yet.
    #[error("第 {0} 轮还有对局没有录入结果，请先录完")]
    RoundNotFinished(u32),
    /// The rounds are not numbered 1, 2, 3, … in order; carries the position where the number was wrong.
    #[error("轮次编号不连续（应为第 {0} 轮）")]
    RoundOutOfOrder(u32),
    /// A bye recorded as a game, or a game recorded as a bye.
    #[error("第 {round} 轮第 {table} 桌的结果不对：轮空只能记为轮空，对局不能记为轮空")]
    BadOutcome { round: u32, table: u32 },
    /// No such table in the round.
    #[error("第 {round} 轮没有第 {table} 桌")]
    UnknownTable { round: u32, table: u32 },
    /// A Swiss event asked for more rounds than a round-robin would have; carries that maximum.
    #[error("这么多参赛者的瑞士制最多排 {0} 轮，请改用循环赛")]
    RoundsExhausted(u32),
    /// The game is not played by two sides at a table (麻将 seats four).
    #[error("{}是四人一桌，不能用两两对阵编排", .0.zh())]
    NotHeadToHead(Game),
    /// Not one of the game codes; carries the input as given.
    #[error("不认识的棋牌项目（{0}）")]
    BadGame(String),
    /// Not one of the format codes; carries the input as given.
    #[error("不认识的赛制（{0}）")]
    BadFormat(String),
    /// Not one of the outcome codes; carries the input as given.
    #[error("不认识的比赛结果（{0}）")]
    BadOutcomeCode(String),
    /// Not a whole or half number of points from 0 to 1000; carries the input as given.
    #[error("分值要是 0 到 1000 之间的整数或半分（{0}）")]
    BadScore(String),
    /// Registration closes when the first round is paired.
    #[error("比赛已经开始排对阵，不能再报名了")]
    Started,
    /// Every round is paired and every result is in.
    #[error("比赛已经结束了")]
    Finished,
    /// No round is paired yet, so there is no result to enter.
    #[error("比赛还没有开始，还没有对阵")]
    NotStarted,
    /// Every planned round is paired already; carries how many.
    #[error("计划的 {0} 轮已经全部排好了")]
    AllRoundsPaired(u32),
    /// Not a number of rounds from 1 to [`MAX_ROUNDS`]; carries the input as given.
    #[error("轮数要是 1 到 30 之间的整数（{0}）")]
    BadRounds(String),
    /// The title is empty, too long or has control characters.
    #[error("比赛名称要有 2 到 60 个字")]
    BadTitle,
    /// A team game (掼蛋) was entered without the partner.
    #[error("{}是两人一队，请同时填写搭档", .0.zh())]
    PartnerRequired(Game),
    /// A partner was given for a game played alone.
    #[error("{}是一人一方，不需要搭档", .0.zh())]
    PartnerNotAllowed(Game),
}

impl CompetitionError {
    /// Stable snake_case code, the key of the localised message.
    pub fn code(&self) -> &'static str {
        match self {
            CompetitionError::TooFewEntrants(_) => "competition_too_few_entrants",
            CompetitionError::DuplicateEntrant(_) => "competition_duplicate_entrant",
            CompetitionError::UnknownEntrant(_) => "competition_unknown_entrant",
            CompetitionError::EntrantTwiceInRound { .. } => "competition_entrant_twice_in_round",
            CompetitionError::RoundNotFinished(_) => "round_incomplete",
            CompetitionError::RoundOutOfOrder(_) => "competition_round_out_of_order",
            CompetitionError::BadOutcome { .. } => "competition_bad_outcome",
            CompetitionError::UnknownTable { .. } => "competition_unknown_table",
            CompetitionError::RoundsExhausted(_) => "competition_rounds_exhausted",
            CompetitionError::NotHeadToHead(_) => "competition_not_head_to_head",
            CompetitionError::BadGame(_) => "bad_competition_game",
            CompetitionError::BadFormat(_) => "bad_competition_format",
            CompetitionError::BadOutcomeCode(_) => "bad_competition_outcome",
            CompetitionError::BadScore(_) => "bad_competition_score",
            CompetitionError::Started => "competition_started",
            CompetitionError::Finished => "competition_finished",
            CompetitionError::NotStarted => "competition_not_started",
            CompetitionError::AllRoundsPaired(_) => "all_rounds_paired",
            CompetitionError::BadRounds(_) => "bad_competition_rounds",
            CompetitionError::BadTitle => "bad_competition_title",
            CompetitionError::PartnerRequired(_) => "partner_required",
            CompetitionError::PartnerNotAllowed(_) => "partner_not_allowed",
        }
    }
}

/// Finds the value among `all` whose code matches `input` (normalised, case-insensitive).
fn parse_code<T: Copy>(all: &[T], as_str: fn(T) -> &'static str, input: &str) -> Option<T> {
    let code = normalize_text(input);
    all.iter().copied().find(|value| as_str(*value).eq_ignore_ascii_case(&code))
}

// ---------------------------------------------------------------------------------------------------------------
// Game and format

/// The game a competition is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Game {
    /// 中国象棋: one player a side, 红方 moves first.
    Xiangqi,
    /// 围棋: one player a side, 黑方 moves first.
    Go,
    /// 扑克/掼蛋: two partners a side; the entrant is the team.
    Guandan,
    /// 麻将: four at a table; not paired by this module (see [`check_format`]).
    Mahjong,
}

impl Game {
    pub const ALL: [Game; 4] = [Game::Xiangqi, Game::Go, Game::Guandan, Game::Mahjong];

    pub fn as_str(self) -> &'static str {
        match self {
            Game::Xiangqi => "xiangqi",
            Game::Go => "go",
            Game::Guandan => "guandan",
            Game::Mahjong => "mahjong",
        }
    }

    /// Parses a code (`xiangqi`, …), case-insensitive.
    pub fn parse(code: &str) -> Result<Game, CompetitionError> {
        parse_code(&Game::ALL, Game::as_str, code).ok_or_else(|| CompetitionError::BadGame(code.trim().to_owned()))
    }

    /// The Chinese label shown in the UI.
    pub fn zh(self) -> &'static str {
        match self {
            Game::Xiangqi => "中国象棋",
            Game::Go => "围棋",
            Game::Guandan => "扑克/掼蛋",
            Game::Mahjong => "麻将",
        }
    }

    /// How many entrants sit at one table: 2, or 4 for 麻将.
    pub fn seats(self) -> u32 {
        match self {
            Game::Mahjong => 4,
            Game::Xiangqi | Game::Go | Game::Guandan => 2,
        }
    }

    /// What a pairing sheet calls the first and the second side of a table.
    pub fn sides_zh(self) -> (&'static str, &'static str) {
        match self {
            Game::Xiangqi => ("红方", "黑方"),
            Game::Go => ("黑方", "白方"),
            Game::Guandan | Game::Mahjong => ("甲方", "乙方"),
        }
    }
}

/// How a competition is paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// 循环赛: everyone meets everyone once ([`round_robin`]).
    RoundRobin,
    /// 瑞士制: a fixed number of rounds, each paired by score ([`swiss_round`]).
    Swiss,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::RoundRobin, Format::Swiss];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::RoundRobin => "round_robin",
            Format::Swiss => "swiss",
        }
    }

    /// Parses a code (`round_robin`, `swiss`), case-insensitive.
    pub fn parse(code: &str) -> Result<Format, CompetitionError> {
        parse_code(&Format::ALL, Format::as_str, code)
            .ok_or_else(|| CompetitionError::BadFormat(code.trim().to_owned()))
    }

    /// The Chinese label shown in the UI.
    pub fn zh(self) -> &'static str {
        match self {
            Format::RoundRobin => "循环赛",
            Format::Swiss => "瑞士制",
        }
    }

    /// The tie-breaks after points, in the order they apply (see the module docs).
    pub fn tie_breaks(self) -> &'static [TieBreak] {
        match self {
            Format::RoundRobin => &[TieBreak::SonnebornBerger, TieBreak::HeadToHead, TieBreak::Wins],
            Format::Swiss => &[TieBreak::Buchholz, TieBreak::SonnebornBerger, TieBreak::Wins, TieBreak::HeadToHead],
        }
    }
}

/// Whether `format` can pair `game`: both formats seat two entrants a table, so 麻将 is refused.
pub fn check_format(game: Game, format: Format) -> Result<(), CompetitionError> {
    match format {
        Format::RoundRobin | Format::Swiss if game.seats() != 2 => Err(CompetitionError::NotHeadToHead(game)),
        Format::RoundRobin | Format::Swiss => Ok(()),
    }
}

/// A criterion that orders entrants on equal points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Sum of the opponents' points.
    Buchholz,
    /// Points of the opponents beaten plus half the points of the opponents drawn.
    SonnebornBerger,
    /// Games won at the table.
    Wins,
    /// Points in the games among the tied entrants, when they have all met.
    HeadToHead,
}

impl TieBreak {
    pub fn as_str(self) -> &'static str {
        match self {
            TieBreak::Buchholz => "buchholz",
            TieBreak::SonnebornBerger => "sonneborn_berger",
            TieBreak::Wins => "wins",
            TieBreak::HeadToHead => "head_to_head",
        }
    }

    /// The Chinese label shown on a standings sheet.
    pub fn zh(self) -> &'static str {
        match self {
            TieBreak::Buchholz => "对手分",
            TieBreak::SonnebornBerger => "索伯分",
            TieBreak::Wins => "胜局数",
            TieBreak::HeadToHead => "直胜",
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Entrants

/// A competitor: a player, or a team for team games. The store says who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntrantId(pub i64);

impl fmt::Display for EntrantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Pairings and rounds

/// One table of a round: `first` moves first; no `second` is a bye. `outcome` is empty until the result is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pairing {
    pub first: EntrantId,
    pub second: Option<EntrantId>,
    pub outcome: Option<Outcome>,
}

impl Pairing {
    /// A table of two, no result yet.
    pub fn game(first: EntrantId, second: EntrantId) -> Pairing {
        Pairing { first, second: Some(second), outcome: None }
    }

    /// A bye for `entrant`, its outcome already set.
    pub fn bye(entrant: EntrantId) -> Pairing {
        Pairing { first: entrant, second: None, outcome: Some(Outcome::Bye) }
    }

    pub fn is_bye(&self) -> bool {
        self.second.is_none()
    }

    /// Whether `entrant` sits at this table.
    pub fn has(&self, entrant: EntrantId) -> bool {
        self.first == entrant || self.second == Some(entrant)
    }
}

/// One round: its number (from 1) and its tables in the order of the pairing sheet (table 1 first, a bye last).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Round {
    pub number: u32,
    pub pairings: Vec<Pairing>,
}

impl Round {
    /// Whether every table has its result.
    pub fn is_finished(&self) -> bool {
        self.pairings.iter().all(|pairing| pairing.outcome.is_some())
    }

    /// Who has the bye this round, if anyone.
    pub fn bye(&self) -> Option<EntrantId> {
        self.pairings.iter().find(|pairing| pairing.is_bye()).map(|pairing| pairing.first)
    }

    /// Records the result of table `table` (from 1). A bye table takes only [`Outcome::Bye`], a game any other.
    pub fn record(&mut self, table: u32, outcome: Outcome) -> Result<(), CompetitionError> {
        let round = self.number;
        let index = usize::try_from(table).ok().and_then(|t| t.checked_sub(1));
        let pairing =
            index.and_then(|i| self.pairings.get_mut(i)).ok_or(CompetitionError::UnknownTable { round, table })?;
        if pairing.is_bye() != (outcome == Outcome::Bye) {
            return Err(CompetitionError::BadOutcome { round, table });
        }
        pairing.outcome = Some(outcome);
        Ok(())
    }
}

/// Checks an entrant list: at least two, no one twice.
fn check_entrants(entrants: &[EntrantId]) -> Result<(), CompetitionError> {
    if entrants.len() < 2 {
        return Err(CompetitionError::TooFewEntrants(entrants.len()));
    }
    let mut seen = std::collections::HashSet::new();
    for entrant in entrants {
        if !seen.insert(*entrant) {
            return Err(CompetitionError::DuplicateEntrant(*entrant));
        }
    }
    Ok(())
}

/// Checks rounds played against the entrant list (already checked): numbered 1, 2, … in order; every entrant
/// known and at most once a round; byes recorded as byes and games not; every result in.
fn check_rounds(entrants: &[EntrantId], rounds: &[Round]) -> Result<(), CompetitionError> {
    let known: std::collections::HashSet<EntrantId> = entrants.iter().copied().collect();
    for (position, round) in (1u32..).zip(rounds) {
        if round.number != position {
            return Err(CompetitionError::RoundOutOfOrder(position));
        }
        let mut seated = std::collections::HashSet::new();
        for (table, pairing) in (1u32..).zip(&round.pairings) {
            for entrant in std::iter::once(pairing.first).chain(pairing.second) {
                if !known.contains(&entrant) {
                    return Err(CompetitionError::UnknownEntrant(entrant));
                }
                if !seated.insert(entrant) {
                    return Err(CompetitionError::EntrantTwiceInRound { round: round.number, entrant });
                }
            }
            match pairing.outcome {
                None => return Err(CompetitionError::RoundNotFinished(round.number)),
                Some(outcome) if pairing.is_bye() != (outcome == Outcome::Bye) => {
                    return Err(CompetitionError::BadOutcome { round: round.number, table });
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

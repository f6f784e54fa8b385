//! A competition's life: registration, running, finished ([`Status`], [`Status::transition`]), when the next
//! round may be paired ([`may_pair_next`]), and the inputs staff type when they set one up (title, rounds,
//! partners). The store writes the status only as [`Status::transition`] says.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{CompetitionError, Format, Game, max_swiss_rounds, parse_code};
use crate::grid::normalize_text;

/// Where a competition stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Players register; no round is paired yet.
    Registration,
    /// At least one round is paired; registration is closed (a Swiss pairing depends on the field).
    Running,
    /// Every planned round is paired and every result is in.
    Finished,
}

/// What happens to a competition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    /// A player (or team) registers.
    Register,
    /// The next round (or, round-robin, every round) is paired.
    PairRound,
    /// Results are entered; `all_done`: every planned round is now paired and finished.
    RecordResults { all_done: bool },
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Registration, Status::Running, Status::Finished];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Registration => "registration",
            Status::Running => "running",
            Status::Finished => "finished",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Status> {
        parse_code(&Status::ALL, Status::as_str, code)
    }

    /// The status after `action`, or why the action is refused. Results may still be corrected once finished
    /// (a wrong slip is found when the sheet goes up).
    pub fn transition(self, action: StatusAction) -> Result<Status, CompetitionError> {
        use Status::*;
        use StatusAction::*;
        match (self, action) {
            (Registration, Register) => Ok(Registration),
            (Running | Finished, Register) => Err(CompetitionError::Started),
            (Registration | Running, PairRound) => Ok(Running),
            (Finished, PairRound) => Err(CompetitionError::Finished),
            (Registration, RecordResults { .. }) => Err(CompetitionError::NotStarted),
            (Running, RecordResults { all_done: true }) | (Finished, RecordResults { .. }) => Ok(Finished),
            (Running, RecordResults { all_done: false }) => Ok(Running),
        }
    }
}

/// Whether another round may be paired now: a round-robin is paired all at once; a Swiss event pairs round by
/// round up to `planned`, each after the one before has all its results (`paired` rounds so far, the last
/// of them `last_finished`).
pub fn may_pair_next(format: Format, planned: u32, paired: u32, last_finished: bool) -> Result<(), CompetitionError> {
    match format {
        Format::RoundRobin if paired > 0 => Err(CompetitionError::AllRoundsPaired(paired)),
        Format::Swiss if paired >= planned => Err(CompetitionError::AllRoundsPaired(planned)),
        _ if paired > 0 && !last_finished => Err(CompetitionError::RoundNotFinished(paired)),
        _ => Ok(()),
    }
}

/// The most rounds a competition may plan (a Swiss event of a few dozen players needs 5–7).
pub const MAX_ROUNDS: u32 = 30;

/// A number of rounds as staff type it: `5`, `５`, `5轮`; from 1 to [`MAX_ROUNDS`].
pub fn parse_rounds(input: &str) -> Result<u32, CompetitionError> {
    let text = normalize_text(input);
    let digits = text.trim_end_matches('轮').trim();
    digits
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_ROUNDS).contains(n))
        .ok_or_else(|| CompetitionError::BadRounds(input.trim().to_owned()))
}

/// How many rounds a Swiss event of `entrants` can really have: the plan, capped by [`max_swiss_rounds`].
pub fn rounds_possible(planned: u32, entrants: usize) -> u32 {
    planned.min(max_swiss_rounds(entrants))
}

/// Whether an entry has the partner its game needs: 掼蛋 is played by teams of two, the others alone.
pub fn check_partner(game: Game, has_partner: bool) -> Result<(), CompetitionError> {
    match (game, has_partner) {
        (Game::Guandan, false) => Err(CompetitionError::PartnerRequired(game)),
        (Game::Guandan, true) | (_, false) => Ok(()),
        (_, true) => Err(CompetitionError::PartnerNotAllowed(game)),
    }
}

/// A competition's title: normalised with [`normalize_text`], 2–60 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CompetitionTitle(String);

impl CompetitionTitle {
    pub fn parse(input: &str) -> Result<CompetitionTitle, CompetitionError> {
        let title = normalize_text(input);
        let len = title.chars().count();
        if (2..=60).contains(&len) && !title.chars().any(char::is_control) {
            Ok(CompetitionTitle(title))
        } else {
            Err(CompetitionError::BadTitle)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CompetitionTitle {
    type Error = CompetitionError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CompetitionTitle::parse(&value)
    }
}

impl From<CompetitionTitle> for String {
    fn from(value: CompetitionTitle) -> String {
        value.0
    }
}

impl fmt::Display for CompetitionTitle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;

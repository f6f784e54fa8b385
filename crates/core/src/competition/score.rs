//! Points and results: [`Score`], [`Scoring`], [`Outcome`]. The rules are in the parent module's docs.

use std::fmt;
use std::ops::Add;

use serde::{Deserialize, Serialize};

use super::{CompetitionError, parse_code};

/// Points, exact: counted in quarter points, since a Sonneborn-Berger draw is worth half of half points.
/// Built only from whole and half points, so sums and halves stay exact. Shown as `2`, `2.5`, `2.25`; read and
/// written as a JSON number, and read only when it is a whole or half number from 0 to 1000.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Score(u32);

impl Score {
    pub const ZERO: Score = Score(0);
    pub const HALF: Score = Score(2);
    pub const ONE: Score = Score(4);

    /// `n` whole points.
    pub const fn points(n: u32) -> Score {
        Score(n * 4)
    }

    /// `n` half points (`halves(3)` is 1.5).
    pub const fn halves(n: u32) -> Score {
        Score(n * 2)
    }

    /// The score in quarter points, the exact unit.
    pub fn quarters(self) -> u32 {
        self.0
    }

    /// Half of this score (exact: whole and half points halve into quarters).
    pub(super) fn half(self) -> Score {
        Score(self.0 / 2)
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 4.0
    }
}

impl Add for Score {
    type Output = Score;
    fn add(self, other: Score) -> Score {
        Score(self.0 + other.0)
    }
}

impl std::iter::Sum for Score {
    fn sum<I: Iterator<Item = Score>>(iter: I) -> Score {
        iter.fold(Score::ZERO, Add::add)
    }
}

impl TryFrom<f64> for Score {
    type Error = CompetitionError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        let halves = value * 2.0;
        if (0.0..=2000.0).contains(&halves) && halves.fract() == 0.0 {
            Ok(Score::halves(halves as u32))
        } else {
            Err(CompetitionError::BadScore(value.to_string()))
        }
    }
}

impl From<Score> for f64 {
    fn from(value: Score) -> f64 {
        value.as_f64()
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 4;
        match self.0 % 4 {
            0 => write!(f, "{whole}"),
            1 => write!(f, "{whole}.25"),
            2 => write!(f, "{whole}.5"),
            _ => write!(f, "{whole}.75"),
        }
    }
}

/// What a win, a draw, a loss and a bye are worth. Forfeits score as a win and a loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoring {
    pub win: Score,
    pub draw: Score,
    pub loss: Score,
    pub bye: Score,
}

impl Default for Scoring {
    /// Win 1, draw ½, loss 0, bye 1.
    fn default() -> Self {
        Scoring { win: Score::ONE, draw: Score::HALF, loss: Score::ZERO, bye: Score::ONE }
    }
}

impl Scoring {
    /// Win 2, draw 1, loss 0, bye 2: the usual count at Chinese chess events. Ranks exactly as the default.
    pub fn two_one_zero() -> Scoring {
        Scoring { win: Score::points(2), draw: Score::points(1), loss: Score::ZERO, bye: Score::points(2) }
    }
}

/// The result of one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    FirstWins,
    SecondWins,
    Draw,
    /// The second did not come or gave up before play (弃权); the first wins.
    FirstWinsByForfeit,
    /// The first did not come or gave up before play; the second wins.
    SecondWinsByForfeit,
    /// No opponent: the only outcome of a bye table, set when the round is paired.
    Bye,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::FirstWins,
        Outcome::SecondWins,
        Outcome::Draw,
        Outcome::FirstWinsByForfeit,
        Outcome::SecondWinsByForfeit,
        Outcome::Bye,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::FirstWins => "first_wins",
            Outcome::SecondWins => "second_wins",
            Outcome::Draw => "draw",
            Outcome::FirstWinsByForfeit => "first_wins_by_forfeit",
            Outcome::SecondWinsByForfeit => "second_wins_by_forfeit",
            Outcome::Bye => "bye",
        }
    }

    /// Parses a code (`first_wins`, …), case-insensitive.
    pub fn parse(code: &str) -> Result<Outcome, CompetitionError> {
        parse_code(&Outcome::ALL, Outcome::as_str, code)
            .ok_or_else(|| CompetitionError::BadOutcomeCode(code.trim().to_owned()))
    }

    /// The Chinese label shown in the UI.
    pub fn zh(self) -> &'static str {
        match self {
            Outcome::FirstWins => "先手胜",
            Outcome::SecondWins => "后手胜",
            Outcome::Draw => "和",
            Outcome::FirstWinsByForfeit => "后手弃权",
            Outcome::SecondWinsByForfeit => "先手弃权",
            Outcome::Bye => "轮空",
        }
    }

    /// The short mark of a result sheet: `1-0`, `0-1`, `½-½`, `+:-`, `-:+`, `轮空`.
    pub fn mark(self) -> &'static str {
        match self {
            Outcome::FirstWins => "1-0",
            Outcome::SecondWins => "0-1",
            Outcome::Draw => "½-½",
            Outcome::FirstWinsByForfeit => "+:-",
            Outcome::SecondWinsByForfeit => "-:+",
            Outcome::Bye => "轮空",
        }
    }

    /// Points of the first and of the second under `scoring` (a bye's second is zero: there is none).
    pub fn points(self, scoring: &Scoring) -> (Score, Score) {
        match self {
            Outcome::FirstWins | Outcome::FirstWinsByForfeit => (scoring.win, scoring.loss),
            Outcome::SecondWins | Outcome::SecondWinsByForfeit => (scoring.loss, scoring.win),
            Outcome::Draw => (scoring.draw, scoring.draw),
            Outcome::Bye => (scoring.bye, Score::ZERO),
        }
    }
}

//! Who plays whom: the round-robin tables and the next Swiss round. The rules are in the parent module's docs.

use std::collections::{HashMap, HashSet};

use super::{CompetitionError, EntrantId, Pairing, Round, Score, Scoring, check_entrants, check_rounds};

/// Every round of a round-robin among `entrants` (seed order), from the FIDE Berger tables.
///
/// Seat k (from 0) is seed k + 1; with an odd number of entrants a last, empty seat is added and whoever meets it
/// has the bye. Round 1 pairs seat 0 with the last seat, 1 with the one before, …; each next round moves every
/// seat but the last by n/2 (mod n − 1) and keeps the tables, while the last seat changes side every round. The
/// result: every pair meets once, and moving first alternates as far as a round-robin allows.
pub fn round_robin(entrants: &[EntrantId]) -> Result<Vec<Round>, CompetitionError> {
    check_entrants(entrants)?;
    let seats = entrants.len() + entrants.len() % 2;
    let fixed = seats - 1;
    let mut tables: Vec<(usize, usize)> = (0..seats / 2).map(|t| (t, fixed - t)).collect();
    let mut rounds = Vec::with_capacity(fixed);
    for (number, index) in (1u32..).zip(0..fixed) {
        if index > 0 {
            let turn = |seat: usize| if seat == fixed { fixed } else { (seat + seats / 2) % fixed };
            for table in &mut tables {
                let (a, b) = (turn(table.0), turn(table.1));
                *table = if b == fixed || a == fixed {
                    let other = if a == fixed { b } else { a };
                    // The last seat moves second in odd rounds and first in even ones.
                    if number % 2 == 1 { (other, fixed) } else { (fixed, other) }
                } else {
                    (a, b)
                };
            }
        }
        let seat = |seat: usize| entrants.get(seat).copied();
        let mut pairings: Vec<Pairing> = Vec::with_capacity(tables.len());
        let mut bye = None;
        for &(a, b) in &tables {
            match (seat(a), seat(b)) {
                (Some(first), Some(second)) => pairings.push(Pairing::game(first, second)),
                (Some(only), None) | (None, Some(only)) => bye = Some(Pairing::bye(only)),
                (None, None) => {}
            }
        }
        pairings.extend(bye);
        rounds.push(Round { number, pairings });
    }
    Ok(rounds)
}

/// The most rounds a Swiss event of `entrants` entrants may have: as many as a round-robin (n − 1 for even n, n for
/// odd n). Beyond that someone would have to meet everyone twice.
pub fn max_swiss_rounds(entrants: usize) -> u32 {
    let rounds = if entrants.is_multiple_of(2) { entrants.saturating_sub(1) } else { entrants };
    u32::try_from(rounds).unwrap_or(u32::MAX)
}

/// How many steps the search for a repeat-free Swiss pairing may take before the round is paired in preference
/// order allowing repeats. Far more than a building's competition needs (dozens of entrants take hundreds).
pub const SEARCH_BUDGET: u32 = 200_000;

/// The next Swiss round among `entrants` (seed order), given the rounds `played` so far (all finished).
///
/// Its number is `played.len() + 1`. Refuses fewer than two entrants, duplicates, rounds that name unknown
/// entrants or are unfinished, and a round past [`max_swiss_rounds`].
pub fn swiss_round(entrants: &[EntrantId], played: &[Round], scoring: &Scoring) -> Result<Round, CompetitionError> {
    swiss_round_within(entrants, played, scoring, SEARCH_BUDGET)
}

/// [`swiss_round`] with a given step budget (the tests run out of it on purpose).
pub(super) fn swiss_round_within(
    entrants: &[EntrantId],
    played: &[Round],
    scoring: &Scoring,
    budget: u32,
) -> Result<Round, CompetitionError> {
    check_entrants(entrants)?;
    check_rounds(entrants, played)?;
    let max = max_swiss_rounds(entrants.len());
    let number = u32::try_from(played.len()).map_or(u32::MAX, |n| n.saturating_add(1));
    if number > max {
        return Err(CompetitionError::RoundsExhausted(max));
    }

    let history = History::of(entrants, played, scoring);
    let n = entrants.len();
    // Ranked by points, then seed (the index).
    let mut ranked: Vec<usize> = (0..n).collect();
    ranked.sort_by(|a, b| history.points[*b].cmp(&history.points[*a]).then(a.cmp(b)));

    let mut search = Search { history: &history, steps: 0, budget, failed: HashSet::new() };
    let (bye, pairs) = search.pair(&ranked);

    let position: HashMap<usize, usize> = ranked.iter().enumerate().map(|(pos, i)| (*i, pos)).collect();
    let mut pairs: Vec<(usize, usize)> =
        pairs.into_iter().map(|(a, b)| if position[&a] < position[&b] { (a, b) } else { (b, a) }).collect();
    pairs.sort_by_key(|(higher, _)| position[higher]);

    let mut pairings: Vec<Pairing> = pairs
        .into_iter()
        .enumerate()
        .map(|(table, (higher, lower))| {
            let (first, second) =
                if history.higher_moves_first(higher, lower, table) { (higher, lower) } else { (lower, higher) };
            Pairing::game(entrants[first], entrants[second])
        })
        .collect();
    pairings.extend(bye.map(|i| Pairing::bye(entrants[i])));
    Ok(Round { number, pairings })
}

/// What the rounds played say about each entrant, indexed by seed (position in the entrant list).
struct History {
    points: Vec<Score>,
    /// Times moved first minus times moved second.
    balance: Vec<i64>,
    /// Whether the entrant moved first in their last game (none yet: `None`).
    last_first: Vec<Option<bool>>,
    byes: Vec<u32>,
    /// Pairs (lower index, higher index) that have met.
    met: HashSet<(usize, usize)>,
}

impl History {
    fn of(entrants: &[EntrantId], played: &[Round], scoring: &Scoring) -> History {
        let n = entrants.len();
        let index: HashMap<EntrantId, usize> = entrants.iter().enumerate().map(|(i, e)| (*e, i)).collect();
        let mut history = History {
            points: vec![Score::ZERO; n],
            balance: vec![0; n],
            last_first: vec![None; n],
            byes: vec![0; n],
            met: HashSet::new(),
        };
        for pairing in played.iter().flat_map(|round| &round.pairings) {
            let first = index[&pairing.first];
            let (first_points, second_points) = pairing.outcome.map(|o| o.points(scoring)).unwrap_or_default();
            history.points[first] = history.points[first] + first_points;
            match pairing.second.map(|e| index[&e]) {
                None => history.byes[first] += 1,
                Some(second) => {
                    history.points[second] = history.points[second] + second_points;
                    history.balance[first] += 1;
                    history.balance[second] -= 1;
                    history.last_first[first] = Some(true);
                    history.last_first[second] = Some(false);
                    history.met.insert((first.min(second), first.max(second)));
                }
            }
        }
        history
    }

    fn have_met(&self, a: usize, b: usize) -> bool {
        self.met.contains(&(a.min(b), a.max(b)))
    }

    /// Whether the higher-ranked of a pair moves first: who has moved first less often; then who moved second
    /// last time; then the higher-ranked on odd tables (1, 3, …) and the lower-ranked on even ones.
    fn higher_moves_first(&self, higher: usize, lower: usize, table: usize) -> bool {
        let wants_first = |i: usize| match self.last_first[i] {
            Some(false) => 0,
            None => 1,
            Some(true) => 2,
        };
        self.balance[higher].cmp(&self.balance[lower]).then(wants_first(higher).cmp(&wants_first(lower))).is_lt()
            || (self.balance[higher] == self.balance[lower]
                && wants_first(higher) == wants_first(lower)
                && table.is_multiple_of(2))
    }
}

/// The backtracking search for a Swiss pairing, with memory of the states that failed and a step budget.
struct Search<'a> {
    history: &'a History,
    steps: u32,
    budget: u32,
    /// Ranked lists of unpaired entrants, each followed by the repeats still allowed, that cannot be paired.
    failed: HashSet<Vec<usize>>,
}

impl Search<'_> {
    /// The bye (for an odd number) and the pairs: the fewest repeats first, then the lowest-ranked bye among
    /// those with the fewest byes, then the preference order of [`Search::candidates`].
    fn pair(&mut self, ranked: &[usize]) -> (Option<usize>, Vec<(usize, usize)>) {
        let byes: Vec<Option<usize>> = if ranked.len().is_multiple_of(2) {
            vec![None]
        } else {
            let fewest = ranked.iter().map(|i| self.history.byes[*i]).min().unwrap_or(0);
            ranked.iter().rev().filter(|i| self.history.byes[**i] == fewest).map(|i| Some(*i)).collect()
        };
        let tables = ranked.len() / 2;
        for allowed in 0..=tables {
            for bye in &byes {
                let rest: Vec<usize> = ranked.iter().copied().filter(|i| Some(*i) != *bye).collect();
                let mut pairs = Vec::with_capacity(tables);
                if self.solve(&rest, allowed, &mut pairs) {
                    return (*bye, pairs);
                }
            }
        }
        // Only when the budget ran out: pair in preference order, repeats allowed.
        let bye = byes.first().copied().flatten();
        let mut rest: Vec<usize> = ranked.iter().copied().filter(|i| Some(*i) != bye).collect();
        let mut pairs = Vec::with_capacity(tables);
        while rest.len() >= 2 {
            let candidates = self.candidates(&rest);
            let partner = candidates.iter().copied().find(|j| !self.history.have_met(rest[0], rest[*j]));
            let j = partner.or(candidates.first().copied()).unwrap_or(1);
            pairs.push((rest[0], rest[j]));
            rest.remove(j);
            rest.remove(0);
        }
        (bye, pairs)
    }

    /// Pairs `remaining` (ranked, even) with at most `allowed` pairs who have met before, into `pairs`.
    fn solve(&mut self, remaining: &[usize], allowed: usize, pairs: &mut Vec<(usize, usize)>) -> bool {
        if remaining.is_empty() {
            return true;
        }
        if self.steps >= self.budget {
            return false;
        }
        self.steps += 1;
        let mut key = remaining.to_vec();
        key.push(allowed);
        if self.failed.contains(&key) {
            return false;
        }
        let top = remaining[0];
        for j in self.candidates(remaining) {
            let partner = remaining[j];
            let repeat = usize::from(self.history.have_met(top, partner));
            if repeat > allowed {
                continue;
            }
            let rest: Vec<usize> =
                remaining.iter().enumerate().filter(|(k, _)| *k != 0 && *k != j).map(|(_, i)| *i).collect();
            pairs.push((top, partner));
            if self.solve(&rest, allowed - repeat, pairs) {
                return true;
            }
            pairs.pop();
        }
        if self.steps < self.budget {
            self.failed.insert(key);
        }
        false
    }

    /// Positions in `remaining` of the partners for its first entrant, best first. Its score group (the leading
    /// entrants on its points, m of them) comes first, Dutch style: the one m/2 places down, then those below it,
    /// then those above it; then everyone below the group in ranked order.
    fn candidates(&self, remaining: &[usize]) -> Vec<usize> {
        let points = &self.history.points;
        let top = points[remaining[0]];
        let group = remaining.iter().take_while(|i| points[**i] == top).count();
        let ideal = group / 2;
        if ideal == 0 {
            return (1..remaining.len()).collect();
        }
        (ideal..group).chain((1..ideal).rev()).chain(group..remaining.len()).collect()
    }
}

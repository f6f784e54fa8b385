//! The standings: points, the tie-breaks, shared ranks. The rules are in the parent module's docs.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::{CompetitionError, EntrantId, Format, Round, Score, Scoring, TieBreak, check_entrants, check_rounds};

/// One line of the standings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// 1 for the first; entrants equal on everything share a rank, and the next rank skips (3, 3, 5).
    pub rank: u32,
    /// Whether another entrant has the same rank (a sheet prints "3=").
    pub shared: bool,
    pub entrant: EntrantId,
    /// Place in the entrant list, from 1.
    pub seed: u32,
    pub points: Score,
    pub buchholz: Score,
    pub sonneborn_berger: Score,
    /// Games won at the table (not byes, not forfeits).
    pub wins: u32,
    /// Games with an opponent, forfeits included.
    pub games: u32,
    pub byes: u32,
}

/// A game from one entrant's side: the opponent (by seed index) and the points the entrant got.
#[derive(Debug, Clone, Copy)]
struct Game {
    opponent: usize,
    points: Score,
}

/// The standings of `entrants` (seed order) after `rounds` (all finished), ranked by points and then
/// `format`'s tie-breaks ([`Format::tie_breaks`]).
pub fn standings(
    entrants: &[EntrantId],
    rounds: &[Round],
    format: Format,
    scoring: &Scoring,
) -> Result<Vec<Standing>, CompetitionError> {
    check_entrants(entrants)?;
    check_rounds(entrants, rounds)?;
    let n = entrants.len();
    let index: HashMap<EntrantId, usize> = entrants.iter().enumerate().map(|(i, e)| (*e, i)).collect();

    let mut points = vec![Score::ZERO; n];
    let mut games: Vec<Vec<Game>> = vec![Vec::new(); n];
    let mut wins = vec![0u32; n];
    let mut byes = vec![0u32; n];
    for pairing in rounds.iter().flat_map(|round| &round.pairings) {
        let Some(outcome) = pairing.outcome else { continue };
        let first = index[&pairing.first];
        let (first_points, second_points) = outcome.points(scoring);
        points[first] = points[first] + first_points;
        let Some(second) = pairing.second.map(|e| index[&e]) else {
            byes[first] += 1;
            continue;
        };
        points[second] = points[second] + second_points;
        games[first].push(Game { opponent: second, points: first_points });
        games[second].push(Game { opponent: first, points: second_points });
        match outcome {
            super::Outcome::FirstWins => wins[first] += 1,
            super::Outcome::SecondWins => wins[second] += 1,
            _ => {}
        }
    }

    // A bye is a game against a virtual opponent on the entrant's own points, won, drawn or lost as it scored.
    let bye_weight = |own: Score| {
        if scoring.bye == scoring.win {
            own
        } else if scoring.bye == scoring.draw {
            own.half()
        } else {
            Score::ZERO
        }
    };
    let buchholz: Vec<Score> = (0..n)
        .map(|i| games[i].iter().map(|g| points[g.opponent]).sum::<Score>() + repeat(points[i], byes[i]))
        .collect();
    let sonneborn_berger: Vec<Score> = (0..n)
        .map(|i| {
            let from_games: Score = games[i]
                .iter()
                .map(|g| {
                    if g.points == scoring.win {
                        points[g.opponent]
                    } else if g.points == scoring.draw {
                        points[g.opponent].half()
                    } else {
                        Score::ZERO
                    }
                })
                .sum();
            from_games + repeat(bye_weight(points[i]), byes[i])
        })
        .collect();

    let head_to_head = |i: usize, group: &[usize]| -> u64 {
        let members: HashSet<usize> = group.iter().copied().collect();
        let all_met = group.iter().all(|a| group.iter().all(|b| a == b || games[*a].iter().any(|g| g.opponent == *b)));
        if !all_met {
            return 0;
        }
        let own: Score = games[i].iter().filter(|g| members.contains(&g.opponent)).map(|g| g.points).sum();
        u64::from(own.quarters())
    };
    let key = |criterion: Option<TieBreak>, i: usize, group: &[usize]| -> u64 {
        match criterion {
            None => u64::from(points[i].quarters()),
            Some(TieBreak::Buchholz) => u64::from(buchholz[i].quarters()),
            Some(TieBreak::SonnebornBerger) => u64::from(sonneborn_berger[i].quarters()),
            Some(TieBreak::Wins) => u64::from(wins[i]),
            Some(TieBreak::HeadToHead) => head_to_head(i, group),
        }
    };

    // Split the field into groups still tied, one criterion at a time; each group stays in seed order.
    let mut groups: Vec<Vec<usize>> = vec![(0..n).collect()];
    let criteria = std::iter::once(None).chain(format.tie_breaks().iter().copied().map(Some));
    for criterion in criteria {
        let mut next = Vec::with_capacity(groups.len());
        for group in groups {
            if group.len() < 2 {
                next.push(group);
                continue;
            }
            let mut keyed: Vec<(u64, usize)> = group.iter().map(|i| (key(criterion, *i, &group), *i)).collect();
            keyed.sort_by_key(|(k, i)| (Reverse(*k), *i));
            let mut start = 0;
            while start < keyed.len() {
                let end = start + keyed[start..].iter().take_while(|(k, _)| *k == keyed[start].0).count();
                next.push(keyed[start..end].iter().map(|(_, i)| *i).collect());
                start = end;
            }
        }
        groups = next;
    }

    let mut table = Vec::with_capacity(n);
    for group in groups {
        let rank = u32::try_from(table.len() + 1).unwrap_or(u32::MAX);
        for i in &group {
            let i = *i;
            table.push(Standing {
                rank,
                shared: group.len() > 1,
                entrant: entrants[i],
                seed: u32::try_from(i + 1).unwrap_or(u32::MAX),
                points: points[i],
                buchholz: buchholz[i],
                sonneborn_berger: sonneborn_berger[i],
                wins: wins[i],
                games: u32::try_from(games[i].len()).unwrap_or(u32::MAX),
                byes: byes[i],
            });
        }
    }
    Ok(table)
}

/// `score` added up `times` times.
fn repeat(score: Score, times: u32) -> Score {
    (0..times).map(|_| score).sum()
}

#[cfg(test)]
mod tests;

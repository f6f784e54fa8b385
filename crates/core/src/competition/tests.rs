//! Tests of the parent module.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::{HashMap, HashSet};

use super::*;
use proptest::prelude::*;
use serde::de::IntoDeserializer;
use serde::de::value::Error as DeError;

use Outcome as O;

fn ids(n: usize) -> Vec<EntrantId> {
    (1..=n).map(|i| EntrantId(i64::try_from(i).unwrap() * 10)).collect()
}

pub(super) fn e(id: i64) -> EntrantId {
    EntrantId(id)
}

/// A finished table of two.
pub(super) fn game(first: i64, second: i64, outcome: Outcome) -> Pairing {
    Pairing { first: e(first), second: Some(e(second)), outcome: Some(outcome) }
}

pub(super) fn round(number: u32, pairings: Vec<Pairing>) -> Round {
    Round { number, pairings }
}

/// The pair as a set, to compare meetings whoever moved first.
pub(super) fn key(a: EntrantId, b: EntrantId) -> (EntrantId, EntrantId) {
    (a.min(b), a.max(b))
}

/// Fills every table of `rounds` with `decide(first, second)` (byes get [`Outcome::Bye`]).
pub(super) fn play(mut rounds: Vec<Round>, mut decide: impl FnMut(EntrantId, EntrantId) -> Outcome) -> Vec<Round> {
    for round in &mut rounds {
        for pairing in &mut round.pairings {
            pairing.outcome = Some(match pairing.second {
                None => O::Bye,
                Some(second) => decide(pairing.first, second),
            });
        }
    }
    rounds
}

/// Whether each entrant sits at exactly one table of `round`.
fn everyone_once(entrants: &[EntrantId], round: &Round) -> bool {
    let mut seated: Vec<EntrantId> =
        round.pairings.iter().flat_map(|p| std::iter::once(p.first).chain(p.second)).collect();
    seated.sort();
    let mut all = entrants.to_vec();
    all.sort();
    seated == all
}

// ---------------------------------------------------------------------------------------------------------------
// Codes

#[test]
fn codes_round_trip_and_unknown_codes_are_refused() {
    for game in Game::ALL {
        assert_eq!(Game::parse(game.as_str()), Ok(game));
    }
    for format in Format::ALL {
        assert_eq!(Format::parse(format.as_str()), Ok(format));
    }
    for outcome in Outcome::ALL {
        assert_eq!(Outcome::parse(outcome.as_str()), Ok(outcome));
    }
    assert_eq!(Game::parse(" XiangQi "), Ok(Game::Xiangqi));
    assert_eq!(Game::parse("chess").unwrap_err().code(), "bad_competition_game");
    assert_eq!(Format::parse("knockout").unwrap_err().code(), "bad_competition_format");
    assert_eq!(Outcome::parse("1-0").unwrap_err().code(), "bad_competition_outcome");
    assert_eq!(Game::Guandan.zh(), "扑克/掼蛋");
    assert_eq!(Game::Xiangqi.sides_zh(), ("红方", "黑方"));
    assert_eq!(Game::Go.sides_zh(), ("黑方", "白方"));
}

#[test]
fn mahjong_cannot_be_paired_two_a_table() {
    for format in Format::ALL {
        assert_eq!(check_format(Game::Mahjong, format).unwrap_err().code(), "competition_not_head_to_head");
        assert_eq!(check_format(Game::Xiangqi, format), Ok(()));
        assert_eq!(check_format(Game::Guandan, format), Ok(()));
    }
}

#[test]
fn scores_print_and_read_exactly() {
    assert_eq!(Score::halves(5).to_string(), "2.5");
    assert_eq!(Score::points(3).to_string(), "3");
    assert_eq!((Score::ONE + Score::HALF.half()).to_string(), "1.25");
    assert_eq!((Score::HALF + Score::HALF.half()).to_string(), "0.75");
    assert_eq!(f64::from(Score::halves(3)), 1.5);
    let read = |value: f64| Score::deserialize(IntoDeserializer::<DeError>::into_deserializer(value));
    assert_eq!(read(1.5).unwrap(), Score::halves(3));
    assert!(read(0.3).is_err());
    assert!(read(-1.0).is_err());
    assert!(read(f64::NAN).is_err());
    assert_eq!(Score::try_from(0.25).unwrap_err().code(), "bad_competition_score");
}

#[test]
fn outcomes_score_under_both_scales() {
    let default = Scoring::default();
    assert_eq!(O::FirstWins.points(&default), (Score::ONE, Score::ZERO));
    assert_eq!(O::Draw.points(&default), (Score::HALF, Score::HALF));
    assert_eq!(O::SecondWinsByForfeit.points(&default), (Score::ZERO, Score::ONE));
    assert_eq!(O::Bye.points(&default), (Score::ONE, Score::ZERO));
    let xiangqi = Scoring::two_one_zero();
    assert_eq!(O::SecondWins.points(&xiangqi), (Score::ZERO, Score::points(2)));
    assert_eq!(O::Draw.points(&xiangqi), (Score::ONE, Score::ONE));
    assert_eq!(O::Draw.mark(), "½-½");
}

// ---------------------------------------------------------------------------------------------------------------
// Round-robin

#[test]
fn round_robin_of_four_is_the_berger_table() {
    // FIDE Berger table for 4: 1-4 2-3 | 4-3 1-2 | 2-4 3-1 (first named moves first).
    let rounds = round_robin(&[e(1), e(2), e(3), e(4)]).unwrap();
    let tables: Vec<Vec<(i64, i64)>> =
        rounds.iter().map(|r| r.pairings.iter().map(|p| (p.first.0, p.second.unwrap().0)).collect()).collect();
    assert_eq!(tables, vec![vec![(1, 4), (2, 3)], vec![(4, 3), (1, 2)], vec![(2, 4), (3, 1)]]);
    assert_eq!(rounds.iter().map(|r| r.number).collect::<Vec<_>>(), vec![1, 2, 3]);
}

#[test]
fn round_robin_of_three_gives_each_one_bye_listed_last() {
    let rounds = round_robin(&[e(1), e(2), e(3)]).unwrap();
    assert_eq!(rounds.len(), 3);
    let byes: Vec<i64> = rounds.iter().map(|r| r.bye().unwrap().0).collect();
    let mut sorted = byes.clone();
    sorted.sort();
    assert_eq!(sorted, vec![1, 2, 3]);
    for round in &rounds {
        assert_eq!(round.pairings.len(), 2);
        assert!(round.pairings[1].is_bye(), "the bye comes last on the sheet");
        assert_eq!(round.pairings[1].outcome, Some(O::Bye), "a bye is decided when paired");
    }
}

/// The invariants of a round-robin of `n`: the number of rounds, everyone once a round, every pair exactly once,
/// one bye each when odd, and moving first spread fairly.
fn check_round_robin(n: usize) {
    let entrants = ids(n);
    let rounds = round_robin(&entrants).unwrap();
    let expected_rounds = if n.is_multiple_of(2) { n - 1 } else { n };
    assert_eq!(rounds.len(), expected_rounds, "n = {n}");
    let mut met: HashMap<(EntrantId, EntrantId), u32> = HashMap::new();
    let mut byes: HashMap<EntrantId, u32> = HashMap::new();
    let mut firsts: HashMap<EntrantId, i32> = HashMap::new();
    let mut streak: HashMap<EntrantId, (bool, u32)> = HashMap::new();
    for round in &rounds {
        assert!(everyone_once(&entrants, round), "n = {n}, round {}", round.number);
        for pairing in &round.pairings {
            match pairing.second {
                None => *byes.entry(pairing.first).or_default() += 1,
                Some(second) => {
                    *met.entry(key(pairing.first, second)).or_default() += 1;
                    *firsts.entry(pairing.first).or_default() += 1;
                    *firsts.entry(second).or_default() -= 1;
                    for (who, moved_first) in [(pairing.first, true), (second, false)] {
                        let run = streak.entry(who).or_insert((moved_first, 0));
                        *run = if run.0 == moved_first { (moved_first, run.1 + 1) } else { (moved_first, 1) };
                        assert!(run.1 <= 2, "n = {n}: {who} moves the same side three rounds running");
                    }
                }
            }
        }
    }
    for (i, a) in entrants.iter().enumerate() {
        for b in &entrants[i + 1..] {
            assert_eq!(met.get(&key(*a, *b)), Some(&1), "n = {n}: {a} and {b}");
        }
        assert_eq!(byes.get(a).copied().unwrap_or(0), u32::from(n % 2 == 1), "n = {n}: byes of {a}");
        // n − 1 games each: an odd number for even n, so first and second differ by one; an even number for odd
        // n, split evenly.
        let balance = firsts.get(a).copied().unwrap_or(0).abs();
        assert!(balance <= if n.is_multiple_of(2) { 1 } else { 0 }, "n = {n}: {a} first/second balance {balance}");
    }
    assert_eq!(met.len(), n * (n - 1) / 2);
}

#[test]
fn round_robin_from_two_to_twelve_meets_every_pair_once() {
    for n in 2..=12 {
        check_round_robin(n);
    }
}

#[test]
fn round_robin_refuses_too_few_and_duplicates() {
    assert_eq!(round_robin(&[]).unwrap_err(), CompetitionError::TooFewEntrants(0));
    assert_eq!(round_robin(&[e(1)]).unwrap_err().code(), "competition_too_few_entrants");
    assert_eq!(round_robin(&[e(1), e(2), e(1)]).unwrap_err(), CompetitionError::DuplicateEntrant(e(1)));
}

proptest! {
    #[test]
    fn round_robin_invariants_hold(n in 2usize..=40) {
        check_round_robin(n);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Swiss

#[test]
fn swiss_round_one_pairs_top_half_against_bottom_half() {
    let round = swiss_round(&[e(1), e(2), e(3), e(4), e(5), e(6)], &[], &Scoring::default()).unwrap();
    let tables: Vec<(i64, Option<i64>)> = round.pairings.iter().map(|p| (p.first.0, p.second.map(|s| s.0))).collect();
    // 1 v 4, 2 v 5, 3 v 6; the higher seed moves first on tables 1 and 3, second on table 2.
    assert_eq!(tables, vec![(1, Some(4)), (5, Some(2)), (3, Some(6))]);
    assert_eq!(round.number, 1);
}

#[test]
fn swiss_round_one_with_odd_entrants_gives_the_bye_to_the_last_seed() {
    let round = swiss_round(&[e(1), e(2), e(3), e(4), e(5)], &[], &Scoring::default()).unwrap();
    let tables: Vec<(i64, Option<i64>)> = round.pairings.iter().map(|p| (p.first.0, p.second.map(|s| s.0))).collect();
    assert_eq!(tables, vec![(1, Some(3)), (4, Some(2)), (5, None)]);
    assert_eq!(round.pairings[2].outcome, Some(O::Bye));
}

#[test]
fn swiss_round_two_pairs_score_groups_and_rotates_the_bye() {
    let entrants = [e(1), e(2), e(3), e(4), e(5)];
    // Round 1 as paired above: 1 beats 3, 2 beats 4 (4 moved first), 5 has the bye.
    let r1 = round(1, vec![game(1, 3, O::FirstWins), game(4, 2, O::SecondWins), Pairing::bye(e(5))]);
    let r2 = swiss_round(&entrants, &[r1], &Scoring::default()).unwrap();
    // Points: 1, 2, 5 on 1; 3, 4 on 0. Top group [1, 2, 5]: 1 v 2 (the one m/2 down), 5 floats down to 3.
    // 4 is the lowest-ranked without a bye. 2 moved second in round 1 and 1 moved first, so 2 moves first;
    // 3 moved second and 5 has not played yet, so 3 moves first.
    let tables: Vec<(i64, Option<i64>)> = r2.pairings.iter().map(|p| (p.first.0, p.second.map(|s| s.0))).collect();
    assert_eq!(tables, vec![(2, Some(1)), (3, Some(5)), (4, None)]);
    assert_eq!(r2.number, 2);
}

#[test]
fn swiss_avoids_a_repeat_by_looking_past_the_first_choice() {
    let entrants = [e(1), e(2), e(3), e(4)];
    let r1 = round(1, vec![game(1, 3, O::FirstWins), game(4, 2, O::SecondWins)]);
    let r2 = round(2, vec![game(2, 1, O::FirstWins), game(3, 4, O::FirstWins)]);
    // Points: 2 on 2, 1 and 3 on 1, 4 on 0. 2 has met 1 and 4, so 2 must meet 3; then 1 v 4.
    let r3 = swiss_round(&entrants, &[r1, r2], &Scoring::default()).unwrap();
    let met: HashSet<_> = r3.pairings.iter().map(|p| key(p.first, p.second.unwrap())).collect();
    assert_eq!(met, HashSet::from([key(e(2), e(3)), key(e(1), e(4))]));
}

#[test]
fn swiss_repeats_a_pairing_only_when_nothing_else_is_possible() {
    // Six entrants, three rounds of 1-2-3 against 4-5-6: what is left to meet is two triangles, and no round
    // of three tables fits inside two triangles. Exactly one pair must meet again.
    let entrants: Vec<EntrantId> = (1..=6).map(e).collect();
    let played = vec![
        round(1, vec![game(1, 4, O::Draw), game(2, 5, O::Draw), game(3, 6, O::Draw)]),
        round(2, vec![game(5, 1, O::Draw), game(6, 2, O::Draw), game(3, 4, O::Draw)]),
        round(3, vec![game(1, 6, O::Draw), game(4, 2, O::Draw), game(5, 3, O::Draw)]),
    ];
    let r4 = swiss_round(&entrants, &played, &Scoring::default()).unwrap();
    assert!(everyone_once(&entrants, &r4));
    let before: HashSet<_> = played.iter().flat_map(|r| &r.pairings).map(|p| key(p.first, p.second.unwrap())).collect();
    let repeats = r4.pairings.iter().filter(|p| before.contains(&key(p.first, p.second.unwrap()))).count();
    assert_eq!(repeats, 1);
}

#[test]
fn swiss_out_of_search_budget_still_pairs_everyone_preferring_new_opponents() {
    let entrants: Vec<EntrantId> = (1..=7).map(e).collect();
    let scoring = Scoring::default();
    let mut played = Vec::new();
    for _ in 0..3 {
        let next = pairing::swiss_round_within(&entrants, &played, &scoring, 0).unwrap();
        assert!(everyone_once(&entrants, &next));
        played.extend(play(vec![next], |a, b| if a < b { O::FirstWins } else { O::SecondWins }));
    }
    let met: Vec<_> =
        played.iter().flat_map(|r| &r.pairings).filter_map(|p| p.second.map(|s| key(p.first, s))).collect();
    assert_eq!(met.iter().collect::<HashSet<_>>().len(), met.len(), "greedy found new opponents here: {met:?}");
    let byes: HashSet<_> = played.iter().filter_map(Round::bye).collect();
    assert_eq!(byes.len(), 3);
}

#[test]
fn swiss_refuses_more_rounds_than_a_round_robin() {
    let entrants = [e(1), e(2), e(3), e(4)];
    let played = vec![
        round(1, vec![game(1, 3, O::Draw), game(2, 4, O::Draw)]),
        round(2, vec![game(1, 2, O::Draw), game(3, 4, O::Draw)]),
        round(3, vec![game(1, 4, O::Draw), game(2, 3, O::Draw)]),
    ];
    let err = swiss_round(&entrants, &played, &Scoring::default()).unwrap_err();
    assert_eq!(err, CompetitionError::RoundsExhausted(3));
    assert_eq!(err.code(), "competition_rounds_exhausted");
    assert_eq!(max_swiss_rounds(4), 3);
    assert_eq!(max_swiss_rounds(5), 5);
    assert_eq!(max_swiss_rounds(2), 1);
}

#[test]
fn swiss_refuses_bad_history() {
    let entrants = [e(1), e(2), e(3), e(4)];
    let scoring = Scoring::default();
    let unfinished = round(1, vec![game(1, 3, O::Draw), Pairing::game(e(2), e(4))]);
    assert_eq!(swiss_round(&entrants, &[unfinished], &scoring).unwrap_err(), CompetitionError::RoundNotFinished(1));
    let stranger = round(1, vec![game(1, 3, O::Draw), game(2, 9, O::Draw)]);
    assert_eq!(swiss_round(&entrants, &[stranger], &scoring).unwrap_err(), CompetitionError::UnknownEntrant(e(9)));
    let twice = round(1, vec![game(1, 3, O::Draw), game(3, 4, O::Draw)]);
    assert_eq!(swiss_round(&entrants, &[twice], &scoring).unwrap_err().code(), "competition_entrant_twice_in_round");
    let self_play = round(1, vec![game(1, 1, O::Draw)]);
    assert_eq!(
        swiss_round(&entrants, &[self_play], &scoring).unwrap_err().code(),
        "competition_entrant_twice_in_round"
    );
    let misnumbered = round(2, vec![game(1, 3, O::Draw), game(2, 4, O::Draw)]);
    assert_eq!(swiss_round(&entrants, &[misnumbered], &scoring).unwrap_err(), CompetitionError::RoundOutOfOrder(1));
    let bye_as_game = round(1, vec![game(1, 3, O::Draw), Pairing { outcome: Some(O::Draw), ..Pairing::bye(e(2)) }]);
    assert_eq!(
        swiss_round(&[e(1), e(2), e(3)], &[bye_as_game], &scoring).unwrap_err(),
        CompetitionError::BadOutcome { round: 1, table: 2 }
    );
    assert_eq!(swiss_round(&[e(1)], &[], &scoring).unwrap_err().code(), "competition_too_few_entrants");
    assert_eq!(swiss_round(&[e(1), e(1)], &[], &scoring).unwrap_err().code(), "competition_duplicate_entrant");
}

#[test]
fn recording_a_result_checks_the_table() {
    let mut r = round(1, vec![Pairing::game(e(1), e(2)), Pairing::bye(e(3))]);
    assert!(!r.is_finished());
    assert_eq!(r.record(2, O::FirstWins).unwrap_err(), CompetitionError::BadOutcome { round: 1, table: 2 });
    assert_eq!(r.record(1, O::Bye).unwrap_err(), CompetitionError::BadOutcome { round: 1, table: 1 });
    assert_eq!(r.record(3, O::Draw).unwrap_err().code(), "competition_unknown_table");
    assert_eq!(r.record(0, O::Draw).unwrap_err().code(), "competition_unknown_table");
    r.record(1, O::SecondWinsByForfeit).unwrap();
    assert!(r.is_finished());
    assert_eq!(r.pairings[0].outcome, Some(O::SecondWinsByForfeit));
}

/// The fewest pairs that must meet again to pair `entrants` (seed indices) given `met`, with the bye (odd
/// count) to any entrant with the fewest byes; by trying every pairing. For small fields only.
fn fewest_repeats(entrants: &[usize], met: &HashSet<(usize, usize)>, byes: &[u32]) -> usize {
    fn best(rest: &[usize], met: &HashSet<(usize, usize)>) -> usize {
        let Some((&top, others)) = rest.split_first() else { return 0 };
        (0..others.len())
            .map(|j| {
                let partner = others[j];
                let left: Vec<usize> = others.iter().enumerate().filter(|(k, _)| *k != j).map(|(_, i)| *i).collect();
                usize::from(met.contains(&(top.min(partner), top.max(partner)))) + best(&left, met)
            })
            .min()
            .unwrap_or(usize::MAX)
    }
    if entrants.len().is_multiple_of(2) {
        return best(entrants, met);
    }
    let fewest = entrants.iter().map(|i| byes[*i]).min().unwrap();
    entrants
        .iter()
        .filter(|i| byes[**i] == fewest)
        .map(|bye| best(&entrants.iter().copied().filter(|i| i != bye).collect::<Vec<_>>(), met))
        .min()
        .unwrap()
}

fn outcome_from(code: u8) -> Outcome {
    match code % 8 {
        0..=2 => O::FirstWins,
        3..=5 => O::SecondWins,
        6 => O::Draw,
        _ => O::FirstWinsByForfeit,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// A whole Swiss event over random results: everyone once a round; no repeat while the field allows
    /// (round ≤ ⌊n/2⌋), and never more repeats than the fewest possible; byes to distinct entrants; the standings
    /// add up.
    #[test]
    fn swiss_over_random_results(n in 2usize..=10, results in prop::collection::vec(any::<u8>(), 60)) {
        let entrants = ids(n);
        let index: HashMap<EntrantId, usize> = entrants.iter().enumerate().map(|(i, e)| (*e, i)).collect();
        let scoring = Scoring::default();
        let mut played: Vec<Round> = Vec::new();
        let mut met: HashSet<(usize, usize)> = HashSet::new();
        let mut byes = vec![0u32; n];
        let mut results = results.into_iter().cycle();
        for number in 1..=max_swiss_rounds(n) {
            let mut next = swiss_round(&entrants, &played, &scoring).unwrap();
            prop_assert_eq!(next.number, number);
            prop_assert!(everyone_once(&entrants, &next));
            prop_assert_eq!(&next, &swiss_round(&entrants, &played, &scoring).unwrap(), "deterministic");

            let all: Vec<usize> = (0..n).collect();
            let fewest = fewest_repeats(&all, &met, &byes);
            let mut repeats = 0;
            for pairing in &mut next.pairings {
                let first = index[&pairing.first];
                match pairing.second {
                    None => {
                        prop_assert_eq!(byes[first], *byes.iter().min().unwrap(), "bye to someone with the fewest");
                        byes[first] += 1;
                    }
                    Some(second) => {
                        let second = index[&second];
                        let pair = (first.min(second), first.max(second));
                        repeats += usize::from(!met.insert(pair));
                        pairing.outcome = Some(outcome_from(results.next().unwrap()));
                    }
                }
            }
            prop_assert_eq!(repeats, fewest, "round {}", number);
            if number as usize <= n / 2 {
                prop_assert_eq!(repeats, 0, "round {} of {}", number, n);
            }
            played.push(next);
        }
        prop_assert!(byes.iter().all(|b| *b <= 1), "byes rotate: {:?}", byes);

        let table = standings(&entrants, &played, Format::Swiss, &scoring).unwrap();
        let games = played.iter().flat_map(|r| &r.pairings).filter(|p| !p.is_bye()).count();
        let total: Score = table.iter().map(|s| s.points).sum();
        prop_assert_eq!(total, repeat_score(Score::ONE, games + byes.iter().sum::<u32>() as usize));
        prop_assert!(table.windows(2).all(|w| w[0].points >= w[1].points && w[0].rank <= w[1].rank));
    }

    /// Win 2 / draw 1 / loss 0 ranks exactly like 1 / ½ / 0.
    #[test]
    fn the_scale_of_points_changes_no_rank(n in 2usize..=9, results in prop::collection::vec(any::<u8>(), 40)) {
        let entrants = ids(n);
        let mut results = results.into_iter().cycle();
        let rounds = play(round_robin(&entrants).unwrap(), |_, _| outcome_from(results.next().unwrap()));
        let ranks = |scoring: &Scoring| -> Vec<(EntrantId, u32)> {
            standings(&entrants, &rounds, Format::RoundRobin, scoring).unwrap().iter().map(|s| (s.entrant, s.rank)).collect()
        };
        prop_assert_eq!(ranks(&Scoring::default()), ranks(&Scoring::two_one_zero()));
    }
}

fn repeat_score(score: Score, times: usize) -> Score {
    (0..times).map(|_| score).sum()
}

#[test]
fn a_large_swiss_pairs_quickly_and_without_repeats() {
    // 64 entrants, 7 rounds, the higher seed always wins: well inside the search budget.
    let entrants = ids(64);
    let scoring = Scoring::default();
    let mut played = Vec::new();
    let mut met = HashSet::new();
    for _ in 0..7 {
        let next = swiss_round(&entrants, &played, &scoring).unwrap();
        for p in &next.pairings {
            assert!(met.insert(key(p.first, p.second.unwrap())), "repeat in round {}", next.number);
        }
        played.extend(play(vec![next], |a, b| if a < b { O::FirstWins } else { O::SecondWins }));
    }
    let table = standings(&entrants, &played, Format::Swiss, &scoring).unwrap();
    assert_eq!(table[0].entrant, entrants[0]);
    assert_eq!(table[0].points, Score::points(7));
}

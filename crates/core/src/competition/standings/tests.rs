//! Tests of the standings (the parent module), on results worked out by hand.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::{HashMap, HashSet};

use super::super::tests::{e, game, key, play, round};
use super::super::*;

use Outcome as O;

#[test]
fn swiss_standings_with_buchholz_and_sonneborn_berger_worked_by_hand() {
    // A=1 … E=5, three rounds, a bye each round (worth a win):
    //   R1: A beats D, B draws E, C bye.   R2: A beats C, B beats D, E bye.   R3: A draws B, C beats E, D bye.
    // Points: A 1+1+½ = 2.5; B ½+1+½ = 2; C 1+0+1 = 2; D 0+0+1 = 1; E ½+1+0 = 1.5.
    // Buchholz (a bye counts the entrant's own points):
    //   A: D 1 + C 2 + B 2 = 5;  B: E 1.5 + D 1 + A 2.5 = 5;  C: own 2 + A 2.5 + E 1.5 = 6;
    //   D: A 2.5 + B 2 + own 1 = 5.5;  E: B 2 + own 1.5 + C 2 = 5.5.
    // Sonneborn-Berger (beaten: their points; drawn: half; a bye is a win over oneself):
    //   A: D 1 + C 2 + ½·B 2 = 4;  B: ½·E 1.5 + D 1 + ½·A 2.5 = 3;  C: own 2 + E 1.5 = 3.5;  D: own 1 = 1;
    //   E: ½·B 2 + own 1.5 = 2.5.
    // B and C tie on 2 points; C's Buchholz 6 beats B's 5.
    let entrants = [e(1), e(2), e(3), e(4), e(5)];
    let rounds = vec![
        round(1, vec![game(1, 4, O::FirstWins), game(2, 5, O::Draw), Pairing::bye(e(3))]),
        round(2, vec![game(3, 1, O::SecondWins), game(4, 2, O::SecondWins), Pairing::bye(e(5))]),
        round(3, vec![game(1, 2, O::Draw), game(3, 5, O::FirstWins), Pairing::bye(e(4))]),
    ];
    let table = standings(&entrants, &rounds, Format::Swiss, &Scoring::default()).unwrap();
    let rows: Vec<(u32, i64, String, String, String, u32)> = table
        .iter()
        .map(|s| {
            (s.rank, s.entrant.0, s.points.to_string(), s.buchholz.to_string(), s.sonneborn_berger.to_string(), s.wins)
        })
        .collect();
    let row = |rank, id, points: &str, bh: &str, sb: &str, wins| {
        (rank, id, points.to_owned(), bh.to_owned(), sb.to_owned(), wins)
    };
    assert_eq!(
        rows,
        vec![
            row(1, 1, "2.5", "5", "4", 2),
            row(2, 3, "2", "6", "3.5", 1),
            row(3, 2, "2", "5", "3", 1),
            row(4, 5, "1.5", "5.5", "2.5", 0),
            row(5, 4, "1", "5.5", "1", 0),
        ]
    );
    assert!(table.iter().all(|s| !s.shared));
    assert_eq!(table[1].byes, 1);
    assert_eq!(table[1].games, 2);
    assert_eq!(table[1].seed, 3);
}

#[test]
fn round_robin_head_to_head_separates_equal_sonneborn_berger() {
    // A beats B and C, draws D; B draws C, beats D; D beats C.
    // Points: A 2.5, B 1.5, C 0.5, D 1.5.
    // SB: B = ½·C 0.5 + D 1.5 = 1.75; D = ½·A 2.5 + C 0.5 = 1.75: equal. B beat D, so B is 2nd.
    let entrants = [e(1), e(2), e(3), e(4)];
    let winner: HashMap<(EntrantId, EntrantId), Option<EntrantId>> = HashMap::from([
        (key(e(1), e(2)), Some(e(1))),
        (key(e(1), e(3)), Some(e(1))),
        (key(e(1), e(4)), None),
        (key(e(2), e(3)), None),
        (key(e(2), e(4)), Some(e(2))),
        (key(e(3), e(4)), Some(e(4))),
    ]);
    let rounds = play(round_robin(&entrants).unwrap(), |a, b| match winner[&key(a, b)] {
        None => O::Draw,
        Some(w) if w == a => O::FirstWins,
        Some(_) => O::SecondWins,
    });
    let table = standings(&entrants, &rounds, Format::RoundRobin, &Scoring::default()).unwrap();
    let rows: Vec<(u32, i64, String)> =
        table.iter().map(|s| (s.rank, s.entrant.0, s.sonneborn_berger.to_string())).collect();
    assert_eq!(
        rows,
        vec![
            (1, 1, "2.75".to_owned()),
            (2, 2, "1.75".to_owned()),
            (3, 4, "1.75".to_owned()),
            (4, 3, "0.75".to_owned())
        ]
    );
    // Swapped seeds do not change it: head-to-head, not seed, decided.
    let reseeded = [e(1), e(4), e(3), e(2)];
    let table = standings(&reseeded, &rounds, Format::RoundRobin, &Scoring::default()).unwrap();
    assert_eq!(table.iter().map(|s| s.entrant.0).collect::<Vec<_>>(), vec![1, 2, 4, 3]);
}

#[test]
fn entrants_equal_on_everything_share_a_rank_and_the_next_rank_skips() {
    // Five in a round-robin (each has one bye worth 1): A beats all; B beats C, D, E; C and D draw and both
    // beat E. Points: A 4+1 = 5, B 3+1 = 4, C 1.5+1 = 2.5, D 2.5, E 0+1 = 1.
    // C and D: SB = E 1 + ½·2.5 + own 2.5 (bye) = 4.75 each; head-to-head ½ each; one win each: shared 3rd.
    let entrants = [e(1), e(2), e(3), e(4), e(5)];
    let strength = |x: EntrantId| match x.0 {
        3 | 4 => 3,
        other => other,
    };
    let rounds = play(round_robin(&entrants).unwrap(), |a, b| match strength(a).cmp(&strength(b)) {
        std::cmp::Ordering::Less => O::FirstWins,
        std::cmp::Ordering::Greater => O::SecondWins,
        std::cmp::Ordering::Equal => O::Draw,
    });
    let table = standings(&entrants, &rounds, Format::RoundRobin, &Scoring::default()).unwrap();
    let rows: Vec<(u32, bool, i64, String)> =
        table.iter().map(|s| (s.rank, s.shared, s.entrant.0, s.points.to_string())).collect();
    assert_eq!(
        rows,
        vec![
            (1, false, 1, "5".to_owned()),
            (2, false, 2, "4".to_owned()),
            (3, true, 3, "2.5".to_owned()),
            (3, true, 4, "2.5".to_owned()),
            (5, false, 5, "1".to_owned()),
        ]
    );
    assert_eq!(table[2].sonneborn_berger, Score::halves(9) + Score::HALF.half());
}

#[test]
fn standings_before_any_round_share_first_place_in_seed_order() {
    let table = standings(&[e(7), e(3)], &[], Format::Swiss, &Scoring::default()).unwrap();
    assert_eq!(table.iter().map(|s| (s.rank, s.entrant.0, s.seed)).collect::<Vec<_>>(), vec![(1, 7, 1), (1, 3, 2)]);
    assert!(table.iter().all(|s| s.shared));
}

#[test]
fn standings_refuse_an_unfinished_round() {
    let rounds = vec![round(1, vec![Pairing::game(e(1), e(2))])];
    let err = standings(&[e(1), e(2)], &rounds, Format::RoundRobin, &Scoring::default()).unwrap_err();
    assert_eq!(err.code(), "round_incomplete");
    assert_eq!(err.to_string(), "第 1 轮还有对局没有录入结果，请先录完");
}

#[test]
fn error_codes_are_distinct() {
    let errors = [
        CompetitionError::TooFewEntrants(1),
        CompetitionError::DuplicateEntrant(e(1)),
        CompetitionError::UnknownEntrant(e(1)),
        CompetitionError::EntrantTwiceInRound { round: 1, entrant: e(1) },
        CompetitionError::RoundNotFinished(1),
        CompetitionError::RoundOutOfOrder(1),
        CompetitionError::BadOutcome { round: 1, table: 1 },
        CompetitionError::UnknownTable { round: 1, table: 1 },
        CompetitionError::RoundsExhausted(1),
        CompetitionError::NotHeadToHead(Game::Mahjong),
        CompetitionError::BadGame(String::new()),
        CompetitionError::BadFormat(String::new()),
        CompetitionError::BadOutcomeCode(String::new()),
        CompetitionError::BadScore(String::new()),
        CompetitionError::Started,
        CompetitionError::Finished,
        CompetitionError::NotStarted,
        CompetitionError::AllRoundsPaired(1),
        CompetitionError::BadRounds(String::new()),
        CompetitionError::BadTitle,
        CompetitionError::PartnerRequired(Game::Guandan),
        CompetitionError::PartnerNotAllowed(Game::Xiangqi),
    ];
    let codes: HashSet<&str> = errors.iter().map(CompetitionError::code).collect();
    assert_eq!(codes.len(), errors.len());
    // Named for competitions, or a word the web layer shares with no other feature.
    let shared = ["round_incomplete", "all_rounds_paired", "partner_required", "partner_not_allowed"];
    assert!(codes.iter().all(|c| c.contains("competition") || shared.contains(c)), "{codes:?}");
}

//! Tests of the parent module: every allowed and every refused move.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use super::*;

#[test]
fn registration_is_open_until_the_first_round_is_paired() {
    assert_eq!(Status::Registration.transition(StatusAction::Register), Ok(Status::Registration));
    for status in [Status::Running, Status::Finished] {
        assert_eq!(status.transition(StatusAction::Register).unwrap_err().code(), "competition_started");
    }
}

#[test]
fn pairing_starts_the_competition_and_is_refused_once_finished() {
    assert_eq!(Status::Registration.transition(StatusAction::PairRound), Ok(Status::Running));
    assert_eq!(Status::Running.transition(StatusAction::PairRound), Ok(Status::Running));
    assert_eq!(Status::Finished.transition(StatusAction::PairRound).unwrap_err().code(), "competition_finished");
}

#[test]
fn results_finish_the_competition_when_everything_is_in_and_may_be_corrected_later() {
    let partly = StatusAction::RecordResults { all_done: false };
    let all = StatusAction::RecordResults { all_done: true };
    assert_eq!(Status::Registration.transition(partly).unwrap_err().code(), "competition_not_started");
    assert_eq!(Status::Registration.transition(all).unwrap_err().code(), "competition_not_started");
    assert_eq!(Status::Running.transition(partly), Ok(Status::Running));
    assert_eq!(Status::Running.transition(all), Ok(Status::Finished));
    assert_eq!(Status::Finished.transition(partly), Ok(Status::Finished));
    assert_eq!(Status::Finished.transition(all), Ok(Status::Finished));
    for status in Status::ALL {
        assert_eq!(Status::parse(status.as_str()), Some(status));
    }
    assert_eq!(Status::parse("open"), None);
}

#[test]
fn the_next_round_waits_for_the_last_results_and_stops_at_the_plan() {
    assert_eq!(may_pair_next(Format::Swiss, 4, 0, false), Ok(()));
    assert_eq!(may_pair_next(Format::Swiss, 4, 2, true), Ok(()));
    assert_eq!(may_pair_next(Format::Swiss, 4, 2, false).unwrap_err().code(), "round_incomplete");
    assert_eq!(may_pair_next(Format::Swiss, 4, 4, true).unwrap_err().code(), "all_rounds_paired");
    assert_eq!(may_pair_next(Format::RoundRobin, 0, 0, false), Ok(()));
    assert_eq!(may_pair_next(Format::RoundRobin, 7, 7, true).unwrap_err().code(), "all_rounds_paired");
    assert_eq!(rounds_possible(9, 7), 7);
    assert_eq!(rounds_possible(4, 7), 4);
}

#[test]
fn rounds_titles_and_partners_are_read_or_refused() {
    assert_eq!(parse_rounds("5"), Ok(5));
    assert_eq!(parse_rounds(" ５轮 "), Ok(5));
    for bad in ["0", "31", "五", "", "-1", "2.5"] {
        assert_eq!(parse_rounds(bad).unwrap_err().code(), "bad_competition_rounds", "{bad}");
    }
    assert_eq!(CompetitionTitle::parse("  幸福里  象棋赛 ").unwrap().as_str(), "幸福里 象棋赛");
    assert_eq!(CompetitionTitle::parse("象").unwrap_err().code(), "bad_competition_title");
    assert_eq!(CompetitionTitle::parse(&"棋".repeat(61)).unwrap_err().code(), "bad_competition_title");
    assert_eq!(check_partner(Game::Guandan, true), Ok(()));
    assert_eq!(check_partner(Game::Guandan, false).unwrap_err().code(), "partner_required");
    assert_eq!(check_partner(Game::Xiangqi, false), Ok(()));
    assert_eq!(check_partner(Game::Mahjong, false), Ok(()));
    assert_eq!(check_partner(Game::Go, true).unwrap_err().code(), "partner_not_allowed");
}

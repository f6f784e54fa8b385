//! Tests of `event::followup`: shifts, serving, ratings, texts and who may give feedback.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::grid::BirthYear;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 16, h, m, 0).single().unwrap()
}

fn person(id: i64, household: i64, born: i32) -> Attendee {
    Attendee { resident_id: id, household_id: Some(household), birth_year: Some(BirthYear::new(born, 2026).unwrap()) }
}

const ON: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 5, 16).unwrap();

#[test]
fn role_names_are_short_and_plain() {
    assert_eq!(RoleName::parse(" 裁判 ").unwrap().as_str(), "裁判");
    assert_eq!(RoleName::parse(""), Err(FollowupError::BadRoleName));
    assert_eq!(RoleName::parse(&"摄".repeat(21)), Err(FollowupError::BadRoleName));
}

#[test]
fn a_shift_runs_forward_for_at_most_a_day_with_some_places() {
    let role = RoleName::parse("签到").unwrap();
    let shift = Shift::new(role.clone(), at(1, 0), at(3, 30), 4).unwrap();
    assert_eq!(shift.minutes().get(), 150);
    assert_eq!(Shift::new(role.clone(), at(3, 0), at(3, 0), 4), Err(FollowupError::BadShiftTimes));
    assert_eq!(Shift::new(role.clone(), at(3, 0), at(1, 0), 4), Err(FollowupError::BadShiftTimes));
    assert_eq!(
        Shift::new(role.clone(), at(1, 0), at(1, 0) + Duration::hours(25), 4),
        Err(FollowupError::BadShiftTimes)
    );
    assert_eq!(Shift::new(role.clone(), at(1, 0), at(2, 0), 0), Err(FollowupError::BadShiftPlaces));
    assert_eq!(Shift::new(role, at(1, 0), at(2, 0), 201), Err(FollowupError::BadShiftPlaces));
}

#[test]
fn a_full_shift_or_a_second_take_is_refused() {
    assert_eq!(take_shift(2, 1, false), Ok(()));
    assert_eq!(take_shift(2, 2, false), Err(FollowupError::ShiftFull));
    assert_eq!(take_shift(2, 0, true), Err(FollowupError::AlreadyOnShift));
    assert!(FollowupError::ShiftFull.is_conflict() && !FollowupError::RatingOutOfRange.is_conflict());
}

#[test]
fn served_once_after_the_shift_began_for_its_length() {
    assert_eq!(mark_served(at(1, 0), at(3, 0), false, at(0, 59)), Err(FollowupError::ShiftNotStarted));
    assert_eq!(mark_served(at(1, 0), at(3, 0), false, at(1, 0)).unwrap().get(), 120);
    assert_eq!(mark_served(at(1, 0), at(3, 0), true, at(5, 0)), Err(FollowupError::AlreadyServed));
}

#[test]
fn ratings_are_one_to_five() {
    assert_eq!(Rating::parse("5").unwrap().get(), 5);
    assert_eq!(Rating::parse(" ４分").unwrap().get(), 4);
    for bad in ["0", "6", "", "好", "-1", "3.5"] {
        assert_eq!(Rating::parse(bad), Err(FollowupError::RatingOutOfRange), "{bad}");
    }
    assert!(Rating::try_from(7).is_err());
}

#[test]
fn summaries_and_comments_are_bounded_and_keep_paragraphs() {
    assert_eq!(parse_summary("  第一段\n\n 第二段 ").unwrap(), "第一段\n\n第二段");
    assert_eq!(parse_summary("  \n "), Err(FollowupError::SummaryRequired));
    assert_eq!(parse_summary(&"字".repeat(2001)), Err(FollowupError::SummaryTooLong));
    assert_eq!(parse_comment(""), Ok(None));
    assert_eq!(parse_comment("很好"), Ok(Some("很好".into())));
    assert_eq!(parse_comment(&"好".repeat(501)), Err(FollowupError::CommentTooLong));
}

#[test]
fn feedback_comes_from_those_who_came_or_a_child_s_household_adult() {
    let mother = person(1, 10, 1990);
    let child = person(2, 10, 2018);
    let neighbour = person(3, 11, 1980);
    let teen_sibling = person(4, 10, 2012);
    assert_eq!(may_give_feedback(&mother, &[mother], ON()), Ok(()));
    assert_eq!(may_give_feedback(&mother, &[child], ON()), Ok(()), "the child's household adult");
    assert_eq!(may_give_feedback(&neighbour, &[child], ON()), Err(FollowupError::NotAttended));
    assert_eq!(may_give_feedback(&teen_sibling, &[child], ON()), Err(FollowupError::NotAttended), "a minor");
    assert_eq!(may_give_feedback(&mother, &[], ON()), Err(FollowupError::NotAttended));
    let grown_son = person(5, 10, 1995);
    assert_eq!(
        may_give_feedback(&mother, &[grown_son], ON()),
        Err(FollowupError::NotAttended),
        "an adult answers for himself"
    );
}

#[test]
fn averages_have_one_decimal() {
    assert_eq!(average_rating(0, 0), None);
    assert_eq!(average_rating(14, 3), Some(4.7));
    assert_eq!(average_rating(10, 2), Some(5.0));
}

//! Tests of the parent module and of `recurrence`.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use super::*;
use chrono::{NaiveTime, TimeZone, Weekday, WeekdaySet};
use proptest::prelude::*;
use serde::de::IntoDeserializer;
use serde::de::value::Error as DeError;

use SignupAction as A;
use SignupStatus as S;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// A moment given in Beijing time.
fn beijing(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    recurrence::china_to_utc(date(y, mo, d).and_hms_opt(h, mi, s).unwrap())
}

fn born(year: i32) -> Option<BirthYear> {
    Some(BirthYear::new(year, 2026).unwrap())
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle

fn moves(from: SignupStatus, action: SignupAction, to: SignupStatus) {
    assert_eq!(transition(from, action), Ok(to), "{} --{}-->", from.as_str(), action.as_str());
}

#[test]
fn registered_cancel_is_cancelled() {
    moves(S::Registered, A::Cancel, S::Cancelled);
}

#[test]
fn waitlisted_cancel_is_cancelled() {
    moves(S::Waitlisted, A::Cancel, S::Cancelled);
}

#[test]
fn waitlisted_promote_is_registered() {
    moves(S::Waitlisted, A::Promote, S::Registered);
}

#[test]
fn registered_mark_no_show_is_no_show() {
    moves(S::Registered, A::MarkNoShow, S::NoShow);
}

#[test]
fn registered_check_in_is_attended() {
    moves(S::Registered, A::CheckIn, S::Attended);
}

#[test]
fn waitlisted_who_turns_up_is_attended() {
    moves(S::Waitlisted, A::CheckIn, S::Attended);
}

#[test]
fn cancelled_who_turns_up_after_all_is_attended() {
    moves(S::Cancelled, A::CheckIn, S::Attended);
}

#[test]
fn checking_in_twice_stays_attended() {
    moves(S::Attended, A::CheckIn, S::Attended);
}

#[test]
fn no_show_on_the_paper_sheet_is_attended() {
    moves(S::NoShow, A::CheckIn, S::Attended);
}

/// Every (status, action) pair, written out: the expected new status, or the expected refusal code.
#[test]
fn every_pair_of_the_cross_product_moves_or_is_refused_with_its_code() {
    const CANC: &str = "signup_cancelled";
    const NWAIT: &str = "signup_not_waitlisted";
    const NREG: &str = "signup_not_registered";
    const SETT: &str = "signup_settled";
    type E = Result<SignupStatus, &'static str>;
    // Columns in SignupAction::ALL order: cancel, check_in, mark_no_show, promote
    let table: [(SignupStatus, [E; 4]); 5] = [
        (S::Registered, [Ok(S::Cancelled), Ok(S::Attended), Ok(S::NoShow), Err(NWAIT)]),
        (S::Waitlisted, [Ok(S::Cancelled), Ok(S::Attended), Err(NREG), Ok(S::Registered)]),
        (S::Cancelled, [Err(CANC), Ok(S::Attended), Err(CANC), Err(CANC)]),
        (S::Attended, [Err(SETT), Ok(S::Attended), Err(NREG), Err(NWAIT)]),
        (S::NoShow, [Err(SETT), Ok(S::Attended), Err(NREG), Err(NWAIT)]),
    ];
    assert_eq!(table.map(|(status, _)| status), SignupStatus::ALL, "one row per status, in ALL order");

    let (mut allowed, mut refused) = (0, 0);
    for (from, row) in table {
        for (action, expected) in SignupAction::ALL.into_iter().zip(row) {
            let got = transition(from, action);
            let pair = format!("{} --{}-->", from.as_str(), action.as_str());
            match expected {
                Ok(to) => {
                    assert_eq!(got, Ok(to), "{pair}");
                    allowed += 1;
                }
                Err(code) => {
                    let err = got.unwrap_err();
                    assert_eq!(err.code(), code, "{pair}");
                    // The refusal names the status the sign-up is in.
                    assert!(err.to_string().contains(from.zh()), "{pair}: {err}");
                    refused += 1;
                }
            }
        }
    }
    assert_eq!((allowed, refused), (9, 11));
}

#[test]
fn allowed_actions_are_the_allowed_moves() {
    let of = |status: SignupStatus| status.allowed_actions().collect::<Vec<_>>();
    assert_eq!(of(S::Registered), [A::Cancel, A::CheckIn, A::MarkNoShow]);
    assert_eq!(of(S::Waitlisted), [A::Cancel, A::CheckIn, A::Promote]);
    for status in [S::Cancelled, S::Attended, S::NoShow] {
        assert_eq!(of(status), [A::CheckIn], "{}", status.as_str());
    }
}

#[test]
fn a_check_in_without_a_signup_is_a_walk_in() {
    assert_eq!(check_in(None), CheckIn { status: S::Attended, walk_in: true });
    for status in SignupStatus::ALL {
        assert_eq!(check_in(Some(status)), CheckIn { status: S::Attended, walk_in: false }, "{}", status.as_str());
    }
}

#[test]
fn places_and_repeat_signups() {
    let holding: Vec<_> = SignupStatus::ALL.into_iter().filter(|s| s.holds_place()).collect();
    assert_eq!(holding, [S::Registered, S::Attended, S::NoShow]);
    let blocking: Vec<_> = SignupStatus::ALL.into_iter().filter(|s| s.blocks_new_signup()).collect();
    assert_eq!(blocking, [S::Registered, S::Waitlisted, S::Attended, S::NoShow]);
}

fn round_trips<T>(all: &[T], as_str: fn(T) -> &'static str, parse: impl Fn(&str) -> Option<T>, codes: &[&str])
where
    T: Copy + PartialEq + fmt::Debug + for<'de> Deserialize<'de>,
{
    assert_eq!(all.iter().map(|v| as_str(*v)).collect::<Vec<_>>(), codes);
    for &value in all {
        let code = as_str(value);
        assert_eq!(parse(code), Some(value));
        assert_eq!(parse(&format!(" {} ", code.to_uppercase())), Some(value));
        let de: T = T::deserialize(IntoDeserializer::<DeError>::into_deserializer(code)).unwrap();
        assert_eq!(de, value, "serde name of {code}");
    }
    assert_eq!(parse(""), None);
    assert_eq!(parse("nonsense"), None);
}

#[test]
fn codes_round_trip_and_match_serde() {
    let codes = ["registered", "waitlisted", "cancelled", "attended", "no_show"];
    round_trips(&SignupStatus::ALL, SignupStatus::as_str, |c| SignupStatus::parse(c).ok(), &codes);
    let codes = ["cancel", "check_in", "mark_no_show", "promote"];
    round_trips(&SignupAction::ALL, SignupAction::as_str, |c| SignupAction::parse(c).ok(), &codes);
    round_trips(&SignedUpBy::ALL, SignedUpBy::as_str, SignedUpBy::parse, &["self", "guardian", "proxy"]);
    assert_eq!(SignupStatus::parse(" gone ").unwrap_err(), EventError::BadStatus("gone".into()));
    assert_eq!(SignupStatus::parse("gone").unwrap_err().code(), "bad_signup_status");
    assert_eq!(SignupAction::parse("teleport").unwrap_err().code(), "bad_signup_action");
}

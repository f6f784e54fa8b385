//! Tests of the parent module, of `audience` and of `recurrence`.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use super::*;
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday, WeekdaySet};
use proptest::prelude::*;
use serde::de::IntoDeserializer;
use serde::de::value::Error as DeError;

use crate::grid::BirthYear;

use SignupAction as A;
use SignupStatus as S;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
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

#[test]
fn error_codes_are_distinct_snake_case() {
    let audience = Audience::Everyone;
    let errors = [
        EventError::Full,
        EventError::SignupClosed,
        EventError::NotEligible(audience),
        EventError::AlreadySignedUp,
        EventError::NotYourChild,
        EventError::BadTitle,
        EventError::BadCapacity("0".into()),
        EventError::BadAudience("x".into()),
        EventError::BadSessionTimes,
        EventError::BadRecurrenceDates,
        EventError::BadRecurrenceWeekdays,
        EventError::NoSessions,
        EventError::TooManySessions,
        EventError::BadStatus("x".into()),
        EventError::BadAction("x".into()),
        EventError::SignupCancelled,
        EventError::NotWaitlisted(S::Registered),
        EventError::NotRegistered(S::Waitlisted),
        EventError::SignupSettled(S::Attended),
    ];
    let codes: HashSet<_> = errors.iter().map(EventError::code).collect();
    assert_eq!(codes.len(), errors.len(), "codes are distinct");
    for code in codes {
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
    }
    // The codes the issue names.
    for named in ["event_full", "signup_closed", "not_eligible", "already_signed_up"] {
        assert!(errors.iter().any(|e| e.code() == named), "{named}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Title and capacity

#[test]
fn titles_are_normalised_and_bounded() {
    assert_eq!(EventTitle::parse("  “430”  课堂\u{3000}秋季 ").unwrap().as_str(), "“430” 课堂 秋季");
    assert_eq!(EventTitle::parse("ＤＩＹ").unwrap().as_str(), "DIY");
    assert!(EventTitle::parse("棋").is_err());
    assert!(EventTitle::parse("棋牌").is_ok());
    assert!(EventTitle::parse(&"趣".repeat(60)).is_ok());
    assert_eq!(EventTitle::parse(&"趣".repeat(61)).unwrap_err().code(), "bad_event_title");
    assert!(EventTitle::parse("健康\u{7}讲座").is_err());
    let de = EventTitle::deserialize(IntoDeserializer::<DeError>::into_deserializer("x"));
    assert!(de.is_err(), "serde goes through parse");
}

#[test]
fn capacity_parses_form_values_and_no_limit() {
    assert_eq!(Capacity::parse("30").unwrap().map(Capacity::get), Some(30));
    assert_eq!(Capacity::parse(" ３０ ").unwrap().map(Capacity::get), Some(30));
    assert_eq!(Capacity::parse("30人").unwrap().map(Capacity::get), Some(30));
    assert_eq!(Capacity::parse(""), Ok(None));
    assert_eq!(Capacity::parse("不限"), Ok(None));
    assert_eq!(Capacity::parse("10000").unwrap().map(Capacity::get), Some(10_000));
    for bad in ["0", "10001", "-3", "三十", "3.5"] {
        assert_eq!(Capacity::parse(bad), Err(EventError::BadCapacity(bad.into())), "{bad}");
    }
    assert!(Capacity::new(0).is_err());
    assert!(Capacity::new(1).is_ok());
    assert!(Capacity::deserialize(IntoDeserializer::<DeError>::into_deserializer(0u32)).is_err());
    assert_eq!(Capacity::free(Capacity::new(10).ok(), 4), Some(6));
    assert_eq!(Capacity::free(Capacity::new(10).ok(), 14), Some(0), "capacity lowered below the places taken");
    assert_eq!(Capacity::free(None, 4), None);
}

// ---------------------------------------------------------------------------------------------------------------
// Audience

fn children(min: u8, max: u8) -> Audience {
    Audience::Children(AgeRange::new(min, max).unwrap())
}

#[test]
fn audiences_build_from_parts() {
    assert_eq!(Audience::from_parts("everyone", None, None), Ok(Audience::Everyone));
    assert_eq!(Audience::from_parts(" Elderly ", Some(3), None), Ok(Audience::Elderly), "ages ignored");
    assert_eq!(Audience::from_parts("adults", None, None), Ok(Audience::Adults));
    assert_eq!(Audience::from_parts("children", Some(6), Some(12)), Ok(children(6, 12)));
    assert_eq!(Audience::from_parts("children", Some(6), None).unwrap_err().code(), "bad_audience");
    assert_eq!(Audience::from_parts("children", Some(12), Some(6)).unwrap_err().code(), "bad_audience");
    assert_eq!(Audience::from_parts("children", Some(6), Some(18)).unwrap_err().code(), "bad_audience");
    assert!(Audience::from_parts("children", Some(0), Some(17)).is_ok());
    assert_eq!(Audience::from_parts("pets", None, None), Err(EventError::BadAudience("pets".into())));
    for kind in Audience::KINDS {
        assert_eq!(Audience::from_parts(kind, Some(6), Some(12)).unwrap().kind(), kind);
    }
    assert_eq!(children(6, 12).zh(), "6–12 岁的孩子");
}

#[test]
fn age_range_deserialises_only_when_valid() {
    use serde::de::value::MapDeserializer;
    let range = |min: u8, max: u8| {
        AgeRange::deserialize(MapDeserializer::<_, DeError>::new([("min_age", min), ("max_age", max)].into_iter()))
    };
    assert_eq!(range(6, 12).unwrap(), AgeRange::new(6, 12).unwrap());
    assert!(range(12, 6).is_err());
    assert!(range(6, 30).is_err());
}

/// Ages count from the birth year alone: a child born in 2013 is 13 all through 2026, even in January before
/// the birthday, so a 6–12 class in 2026 takes children born 2014 to 2020.
#[test]
fn a_child_who_turns_13_this_year_is_too_old_for_a_6_to_12_class() {
    let class = children(6, 12);
    let september = date(2026, 9, 1);
    let january = date(2026, 1, 5);
    assert_eq!(eligible(class, born(2014), september), Ok(()), "12");
    assert_eq!(eligible(class, born(2020), september), Ok(()), "6");
    assert_eq!(eligible(class, born(2013), september), Err(EventError::NotEligible(class)), "13");
    assert_eq!(eligible(class, born(2013), january), Err(EventError::NotEligible(class)), "13 by the year");
    assert_eq!(eligible(class, born(2021), september).unwrap_err().code(), "not_eligible", "5");
    // The same child, the year before, was 12.
    assert_eq!(eligible(class, born(2013), date(2025, 12, 31)), Ok(()));
    assert!(eligible(class, born(2013), september).unwrap_err().to_string().contains("6–12 岁"));
}

#[test]
fn elderly_from_60_and_adults_from_18_on_the_events_date() {
    let on = date(2026, 1, 1);
    assert_eq!(eligible(Audience::Elderly, born(1966), on), Ok(()), "60 on New Year's Day");
    assert_eq!(eligible(Audience::Elderly, born(1967), on), Err(EventError::NotEligible(Audience::Elderly)));
    assert_eq!(eligible(Audience::Elderly, born(1930), on), Ok(()));
    assert_eq!(eligible(Audience::Adults, born(2008), on), Ok(()), "18");
    assert_eq!(eligible(Audience::Adults, born(2009), on), Err(EventError::NotEligible(Audience::Adults)));
    assert_eq!(eligible(Audience::Everyone, born(2026), on), Ok(()));
}

#[test]
fn an_unknown_birth_year_is_eligible_for_everyone_only() {
    let on = date(2026, 9, 1);
    assert_eq!(eligible(Audience::Everyone, None, on), Ok(()));
    for audience in [children(6, 12), Audience::Adults, Audience::Elderly] {
        assert_eq!(eligible(audience, None, on), Err(EventError::NotEligible(audience)), "{}", audience.kind());
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Who signs up whom

const MUM: Signer = Signer { resident_id: Some(1), household_id: Some(10), proxy: false };

fn resident(id: i64, household: Option<i64>, year: i32) -> Attendee {
    Attendee { resident_id: id, household_id: household, birth_year: born(year) }
}

#[test]
fn anyone_signs_up_themselves() {
    let on = date(2026, 9, 1);
    assert_eq!(may_sign_up_for(&MUM, &resident(1, Some(10), 1990), on), Ok(SignedUpBy::Themselves));
    // Even staff signing themselves up do it as themselves, not as proxy.
    let staff = Signer { proxy: true, ..MUM };
    assert_eq!(may_sign_up_for(&staff, &resident(1, Some(10), 1990), on), Ok(SignedUpBy::Themselves));
}

#[test]
fn a_guardian_signs_up_a_child_of_their_own_household() {
    let on = date(2026, 9, 1);
    assert_eq!(may_sign_up_for(&MUM, &resident(2, Some(10), 2018), on), Ok(SignedUpBy::Guardian));
    assert_eq!(may_sign_up_for(&MUM, &resident(2, Some(10), 2009), on), Ok(SignedUpBy::Guardian), "17");
    assert_eq!(may_sign_up_for(&MUM, &resident(2, Some(10), 2008), on), Err(EventError::NotYourChild), "18");
    assert_eq!(may_sign_up_for(&MUM, &resident(3, Some(11), 2018), on), Err(EventError::NotYourChild));
    let unknown_year = Attendee { birth_year: None, ..resident(2, Some(10), 2018) };
    assert_eq!(may_sign_up_for(&MUM, &unknown_year, on).unwrap_err().code(), "not_your_child");
    // Two people with no household on the roster are not one household.
    let homeless = Signer { household_id: None, ..MUM };
    assert_eq!(may_sign_up_for(&homeless, &resident(2, None, 2018), on), Err(EventError::NotYourChild));
    // An account linked to no resident can still sign up their child.
    let unlinked = Signer { resident_id: None, ..MUM };
    assert_eq!(may_sign_up_for(&unlinked, &resident(2, Some(10), 2018), on), Ok(SignedUpBy::Guardian));
}

#[test]
fn staff_sign_up_anyone_as_proxy() {
    let on = date(2026, 9, 1);
    let staff = Signer { resident_id: None, household_id: None, proxy: true };
    assert_eq!(may_sign_up_for(&staff, &resident(7, Some(70), 1940), on), Ok(SignedUpBy::Proxy));
    assert_eq!(may_sign_up_for(&staff, &resident(7, None, 1940), on), Ok(SignedUpBy::Proxy));
}

// ---------------------------------------------------------------------------------------------------------------
// Signing up

/// A lecture on 2026-10-20 at 09:00, sign-up until 2026-10-18 18:00, 30 places.
fn lecture() -> SignupTerms {
    SignupTerms {
        capacity: Capacity::new(30).ok(),
        deadline: Some(beijing(2026, 10, 18, 18, 0, 0)),
        starts_at: beijing(2026, 10, 20, 9, 0, 0),
    }
}

const EMPTY: Places = Places { taken: 0, waiting: 0 };

#[test]
fn signing_up_before_the_deadline_registers() {
    let now = beijing(2026, 10, 1, 10, 0, 0);
    assert_eq!(decide_signup(&lecture(), EMPTY, false, WhenFull::Refuse, now), Ok(S::Registered));
    let almost_full = Places { taken: 29, waiting: 0 };
    assert_eq!(decide_signup(&lecture(), almost_full, false, WhenFull::Refuse, now), Ok(S::Registered));
}

/// "报名截止 18:00": a sign-up at 17:59:59 is in time, one at 18:00:00 is late.
#[test]
fn the_deadline_itself_is_closed() {
    let terms = lecture();
    let just_before = beijing(2026, 10, 18, 17, 59, 59);
    let at = beijing(2026, 10, 18, 18, 0, 0);
    assert_eq!(decide_signup(&terms, EMPTY, false, WhenFull::Refuse, just_before), Ok(S::Registered));
    assert_eq!(decide_signup(&terms, EMPTY, false, WhenFull::Refuse, at), Err(EventError::SignupClosed));
    assert_eq!(decide_signup(&terms, EMPTY, false, WhenFull::Waitlist, at).unwrap_err().code(), "signup_closed");
    assert!(terms.is_open(just_before) && !terms.is_open(at));
}

#[test]
fn without_a_deadline_sign_up_closes_at_the_start() {
    let terms = SignupTerms { deadline: None, ..lecture() };
    assert_eq!(terms.closes_at(), terms.starts_at);
    let late = beijing(2026, 10, 19, 22, 0, 0);
    assert_eq!(decide_signup(&terms, EMPTY, false, WhenFull::Refuse, late), Ok(S::Registered));
    assert_eq!(decide_signup(&terms, EMPTY, false, WhenFull::Refuse, terms.starts_at), Err(EventError::SignupClosed));
    // A deadline set after the start does not keep sign-up open once the event has begun.
    let odd = SignupTerms { deadline: Some(beijing(2026, 10, 21, 0, 0, 0)), ..lecture() };
    assert_eq!(odd.closes_at(), odd.starts_at);
}

#[test]
fn when_full_the_page_can_offer_the_waitlist() {
    let now = beijing(2026, 10, 1, 10, 0, 0);
    let full = Places { taken: 30, waiting: 0 };
    let refused = decide_signup(&lecture(), full, false, WhenFull::Refuse, now).unwrap_err();
    assert_eq!((refused.code(), refused.to_string().contains("候补")), ("event_full", true));
    assert_eq!(decide_signup(&lecture(), full, false, WhenFull::Waitlist, now), Ok(S::Waitlisted));
    let over = Places { taken: 31, waiting: 0 };
    assert_eq!(decide_signup(&lecture(), over, false, WhenFull::Refuse, now), Err(EventError::Full));
}

#[test]
fn nobody_jumps_the_queue() {
    // A place is free (capacity was just raised) but two people are still waiting for promote to move them.
    let now = beijing(2026, 10, 1, 10, 0, 0);
    let places = Places { taken: 29, waiting: 2 };
    assert_eq!(decide_signup(&lecture(), places, false, WhenFull::Waitlist, now), Ok(S::Waitlisted));
    assert_eq!(decide_signup(&lecture(), places, false, WhenFull::Refuse, now), Err(EventError::Full));
}

#[test]
fn already_signed_up_comes_first() {
    let closed = beijing(2026, 10, 19, 10, 0, 0);
    let full = Places { taken: 30, waiting: 4 };
    let got = decide_signup(&lecture(), full, true, WhenFull::Waitlist, closed);
    assert_eq!(got.unwrap_err().code(), "already_signed_up");
}

#[test]
fn without_a_limit_nobody_waits() {
    let terms = SignupTerms { capacity: None, ..lecture() };
    let crowd = Places { taken: 9_999, waiting: 0 };
    let now = beijing(2026, 10, 1, 10, 0, 0);
    assert_eq!(decide_signup(&terms, crowd, false, WhenFull::Refuse, now), Ok(S::Registered));
    assert_eq!(promote(None, 9_999, &["a", "b"]), ["a", "b"]);
}

/// Capacity 2, five sign up in order: two get places, three wait in order; one cancels and the first in line
/// moves up; staff raise capacity to 5 and the other two move up together.
#[test]
fn the_waitlist_moves_up_in_order() {
    let mut terms = lecture();
    terms.capacity = Capacity::new(2).ok();
    let now = beijing(2026, 10, 1, 10, 0, 0);
    let mut signups: Vec<(&'static str, SignupStatus)> = Vec::new();
    for name in ["a", "b", "c", "d", "e"] {
        let places = Places {
            taken: signups.iter().filter(|(_, s)| s.holds_place()).count() as u32,
            waiting: signups.iter().filter(|(_, s)| *s == S::Waitlisted).count() as u32,
        };
        let status = decide_signup(&terms, places, false, WhenFull::Waitlist, now).unwrap();
        signups.push((name, status));
    }
    let status_of = |signups: &[(&str, SignupStatus)]| signups.iter().map(|(_, s)| *s).collect::<Vec<_>>();
    assert_eq!(status_of(&signups), [S::Registered, S::Registered, S::Waitlisted, S::Waitlisted, S::Waitlisted]);

    // Applies one round of promotion, as the store would after a cancellation or a change of capacity.
    let round = |signups: &mut Vec<(&'static str, SignupStatus)>, capacity: Option<Capacity>| {
        let taken = signups.iter().filter(|(_, s)| s.holds_place()).count() as u32;
        let waitlist: Vec<&str> = signups.iter().filter(|(_, s)| *s == S::Waitlisted).map(|(n, _)| *n).collect();
        let moving = promote(capacity, taken, &waitlist).to_vec();
        for (name, status) in signups.iter_mut() {
            if moving.contains(name) {
                *status = transition(*status, A::Promote).unwrap();
            }
        }
        moving
    };

    signups[0].1 = transition(signups[0].1, A::Cancel).unwrap();
    assert_eq!(round(&mut signups, terms.capacity), ["c"]);
    assert_eq!(status_of(&signups), [S::Cancelled, S::Registered, S::Registered, S::Waitlisted, S::Waitlisted]);

    assert_eq!(round(&mut signups, Capacity::new(5).ok()), ["d", "e"], "several move up at once");
    assert_eq!(round(&mut signups, Capacity::new(5).ok()), Vec::<&str>::new(), "nobody left waiting");
}

#[test]
fn promotion_never_exceeds_capacity() {
    let cap = Capacity::new(3).ok();
    assert_eq!(promote(cap, 0, &[1, 2, 3, 4]), [1, 2, 3]);
    assert_eq!(promote(cap, 2, &[1, 2, 3, 4]), [1]);
    assert!(promote(cap, 3, &[1, 2]).is_empty());
    assert!(promote(cap, 5, &[1, 2]).is_empty(), "capacity lowered below the places taken");
    assert!(promote::<i64>(cap, 0, &[]).is_empty());
}

// ---------------------------------------------------------------------------------------------------------------
// Counting

#[test]
fn duplicate_check_ins_count_once_and_people_once_across_sessions() {
    // Session 1: 小明 scanned twice, 小红 once. Session 2: 小明, 小红 (ticked twice by two volunteers), 小刚.
    let checkins = [("小明", 1), ("小明", 1), ("小红", 1), ("小明", 2), ("小红", 2), ("小红", 2), ("小刚", 2)];
    assert_eq!(attendance_counts(checkins), AttendanceCounts { attendances: 5, people_served: 3 });
    assert_eq!(attendance_counts(Vec::<(i64, i64)>::new()), AttendanceCounts::default());
}

// ---------------------------------------------------------------------------------------------------------------
// Properties

fn any_weekdays() -> impl Strategy<Value = WeekdaySet> {
    (1u8..128)
        .prop_map(|bits| (0u8..7).filter(|i| bits & (1 << i) != 0).map(|i| Weekday::try_from(i).unwrap()).collect())
}

proptest! {
    #[test]
    fn promotion_is_a_prefix_that_never_exceeds_capacity(
        capacity in proptest::option::of(1u32..50),
        taken in 0u32..60,
        waiting in 0usize..60,
    ) {
        let capacity = capacity.map(|c| Capacity::new(c).unwrap());
        let waitlist: Vec<usize> = (0..waiting).collect();
        let moving = promote(capacity, taken, &waitlist);
        prop_assert_eq!(moving, &waitlist[..moving.len()]);
        if let Some(cap) = capacity {
            prop_assert!(u64::from(taken) + moving.len() as u64 <= u64::from(cap.get()).max(u64::from(taken)));
            // Nobody is left waiting while a place is free.
            prop_assert!(moving.len() == waiting || u64::from(taken) + moving.len() as u64 >= u64::from(cap.get()));
        } else {
            prop_assert_eq!(moving.len(), waiting);
        }
    }

    #[test]
    fn sign_ups_never_register_beyond_capacity(capacity in 1u32..20, arrivals in 0usize..40, cancel_every in 2usize..6) {
        let terms = SignupTerms { capacity: Some(Capacity::new(capacity).unwrap()), ..lecture() };
        let now = beijing(2026, 10, 1, 10, 0, 0);
        let mut statuses: Vec<SignupStatus> = Vec::new();
        for arrival in 0..arrivals {
            let places = Places {
                taken: statuses.iter().filter(|s| s.holds_place()).count() as u32,
                waiting: statuses.iter().filter(|s| **s == S::Waitlisted).count() as u32,
            };
            statuses.push(decide_signup(&terms, places, false, WhenFull::Waitlist, now).unwrap());
            if arrival % cancel_every == 0 {
                // The earliest registered cancels; the waitlist moves up.
                if let Some(first) = statuses.iter().position(|s| *s == S::Registered) {
                    statuses[first] = transition(statuses[first], A::Cancel).unwrap();
                }
                let taken = statuses.iter().filter(|s| s.holds_place()).count() as u32;
                let waitlist: Vec<usize> = (0..statuses.len()).filter(|i| statuses[*i] == S::Waitlisted).collect();
                for i in promote(terms.capacity, taken, &waitlist).to_vec() {
                    statuses[i] = transition(statuses[i], A::Promote).unwrap();
                }
            }
            let registered = statuses.iter().filter(|s| **s == S::Registered).count();
            let waiting = statuses.iter().filter(|s| **s == S::Waitlisted).count();
            prop_assert!(registered <= capacity as usize);
            prop_assert!(waiting == 0 || registered == capacity as usize, "someone waits while a place is free");
        }
    }

    #[test]
    fn sessions_are_in_order_in_range_on_chosen_days_and_never_skipped(
        weekdays in any_weekdays(),
        start_offset in 0u64..700,
        length in 0u64..120,
        skip_offsets in proptest::collection::vec(0u64..120, 0..20),
        start_minute in 0u32..1380,
        minutes in 1u32..60,
    ) {
        let from = date(2025, 1, 1) + chrono::Days::new(start_offset);
        let until = from + chrono::Days::new(length);
        let skip: Vec<NaiveDate> = skip_offsets.iter().map(|d| from + chrono::Days::new(*d)).collect();
        let start = NaiveTime::from_num_seconds_from_midnight_opt(start_minute * 60, 0).unwrap();
        let end = start + chrono::TimeDelta::minutes(i64::from(minutes));
        let series = Recurrence { weekdays, from, until, start, end, skip: skip.clone(), extra: Vec::new() };
        match series.sessions() {
            Ok(sessions) => {
                prop_assert!(!sessions.is_empty() && sessions.len() <= recurrence::MAX_SESSIONS);
                prop_assert!(sessions.windows(2).all(|pair| pair[0].date() < pair[1].date()));
                for session in &sessions {
                    prop_assert!(session.date() >= from && session.date() <= until);
                    prop_assert!(weekdays.contains(session.date().weekday()));
                    prop_assert!(!skip.contains(&session.date()));
                    prop_assert_eq!((session.start().time(), session.end().time()), (start, end));
                }
                // Every chosen, unskipped day in range has its session.
                let expected = from.iter_days().take_while(|d| *d <= until)
                    .filter(|d| weekdays.contains(d.weekday()) && !skip.contains(d)).count();
                prop_assert_eq!(sessions.len(), expected);
            }
            Err(err) => prop_assert_eq!(err, EventError::NoSessions),
        }
    }
}

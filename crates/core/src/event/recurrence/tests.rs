//! Tests of the sessions of a series (the parent module).

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use super::*;
use chrono::TimeZone;
use serde::de::value::Error as DeError;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// The "430" class for the autumn term of 2026.
fn class_430() -> Recurrence {
    Recurrence {
        weekdays: Recurrence::SCHOOL_DAYS,
        from: date(2026, 9, 1),
        until: date(2026, 12, 31),
        start: time(16, 30),
        end: time(18, 0),
        skip: date(2026, 10, 1).iter_days().take(7).collect(),
        extra: Vec::new(),
    }
}

/// Counted by hand from the 2026 calendar (1 September is a Tuesday):
/// - September: Tue 1–Fri 4 (4), 7–11, 14–18, 21–25 (15), Mon 28–Wed 30 (3) = 22;
/// - October: Thu 1–Fri 2 (2), 5–9, 12–16, 19–23, 26–30 (20) = 22, less the five school days of 国庆 1–7 October
///   (Thu 1, Fri 2, Mon 5, Tue 6, Wed 7) = 17;
/// - November: Mon 2–6, 9–13, 16–20, 23–27 (20), Mon 30 (1) = 21;
/// - December: Tue 1–Fri 4 (4), 7–11, 14–18, 21–25 (15), Mon 28–Thu 31 (4) = 23.
///
/// 22 + 17 + 21 + 23 = 83 sessions.
#[test]
fn the_430_class_has_83_sessions_in_the_autumn_term() {
    let sessions = class_430().sessions().unwrap();
    assert_eq!(sessions.len(), 83);
    assert_eq!(sessions[0].start(), date(2026, 9, 1).and_time(time(16, 30)));
    assert_eq!(sessions[0].end(), date(2026, 9, 1).and_time(time(18, 0)));
    assert_eq!(sessions[82].date(), date(2026, 12, 31));
    let october: Vec<_> = sessions.iter().filter(|s| s.date().month() == 10).map(|s| s.date().day()).collect();
    assert_eq!(october.first(), Some(&8), "国庆 skipped");
    assert_eq!(october.len(), 17);
    assert!(sessions.iter().all(|s| s.date().weekday().number_from_monday() <= 5));
}

#[test]
fn a_make_up_school_day_on_a_weekend_adds_a_session() {
    // Suppose Sunday 27 September is declared a school day (调休).
    let sunday = date(2026, 9, 27);
    let term = Recurrence { extra: vec![sunday, date(2027, 1, 3)], ..class_430() };
    let sessions = term.sessions().unwrap();
    assert_eq!(sessions.len(), 84, "the extra day outside the term is ignored");
    assert!(sessions.iter().any(|s| s.date() == sunday));
    assert!(sessions.windows(2).all(|pair| pair[0] < pair[1]), "still in order");
    let mut skipped_too = Recurrence { extra: vec![sunday], ..class_430() };
    skipped_too.skip.push(sunday);
    assert_eq!(skipped_too.sessions().unwrap().len(), 83, "skip wins");
}

#[test]
fn a_weekend_club_meets_on_saturdays_and_sundays_only() {
    let club = Recurrence {
        weekdays: WeekdaySet::from_array([Weekday::Sat, Weekday::Sun]),
        from: date(2026, 9, 1),
        until: date(2026, 9, 30),
        start: time(9, 0),
        end: time(11, 0),
        skip: Vec::new(),
        extra: Vec::new(),
    };
    let days: Vec<u32> = club.sessions().unwrap().iter().map(|s| s.date().day()).collect();
    assert_eq!(days, [5, 6, 12, 13, 19, 20, 26, 27]);
}

#[test]
fn a_series_ending_before_it_starts_is_refused() {
    let backwards = Recurrence { until: date(2026, 8, 31), ..class_430() };
    assert_eq!(backwards.sessions(), Err(EventError::BadRecurrenceDates));
    let one_day = Recurrence { until: date(2026, 9, 1), ..class_430() };
    assert_eq!(one_day.sessions().unwrap().len(), 1, "from = until is one day");
}

#[test]
fn at_most_200_sessions() {
    let daily = |days: u64| Recurrence {
        weekdays: WeekdaySet::ALL,
        from: date(2026, 1, 1),
        until: date(2026, 1, 1) + chrono::Days::new(days - 1),
        start: time(7, 0),
        end: time(8, 0),
        skip: Vec::new(),
        extra: Vec::new(),
    };
    assert_eq!(daily(200).sessions().unwrap().len(), 200);
    assert_eq!(daily(201).sessions().unwrap_err().code(), "too_many_sessions");
    // A skipped day makes room for one more.
    let with_holiday = Recurrence { skip: vec![date(2026, 1, 1)], ..daily(201) };
    assert_eq!(with_holiday.sessions().unwrap().len(), 200);
}

#[test]
fn at_most_a_year_from_first_day_to_last() {
    let weekly = |until: NaiveDate| Recurrence {
        weekdays: WeekdaySet::single(Weekday::Wed),
        from: date(2026, 1, 1),
        until,
        start: time(14, 0),
        end: time(16, 0),
        skip: Vec::new(),
        extra: Vec::new(),
    };
    assert_eq!(weekly(date(2027, 1, 1)).sessions().unwrap().len(), 52, "366 days, both ends counted");
    assert_eq!(weekly(date(2027, 1, 2)).sessions(), Err(EventError::TooManySessions));
    assert_eq!(weekly(NaiveDate::MAX).sessions(), Err(EventError::TooManySessions), "refused without a long walk");
}

#[test]
fn other_refusals_of_a_series() {
    let no_days = Recurrence { weekdays: WeekdaySet::EMPTY, ..class_430() };
    assert_eq!(no_days.sessions().unwrap_err().code(), "bad_recurrence_weekdays");
    let backwards_times = Recurrence { start: time(18, 0), end: time(16, 30), ..class_430() };
    assert_eq!(backwards_times.sessions().unwrap_err().code(), "bad_session_times");
    let no_length = Recurrence { end: time(16, 30), ..class_430() };
    assert_eq!(no_length.sessions(), Err(EventError::BadSessionTimes));
    let only_holidays = Recurrence { until: date(2026, 10, 7), from: date(2026, 10, 1), ..class_430() };
    assert_eq!(only_holidays.sessions().unwrap_err().code(), "no_sessions");
    let saturdays_in_a_week = Recurrence {
        weekdays: WeekdaySet::single(Weekday::Sat),
        from: date(2026, 9, 7),
        until: date(2026, 9, 11),
        ..class_430()
    };
    assert_eq!(saturdays_in_a_week.sessions(), Err(EventError::NoSessions));
}

#[test]
fn a_single_session_ends_after_it_starts_on_the_same_day() {
    let day = date(2026, 10, 20);
    let talk = Session::on(day, time(9, 0), time(10, 30)).unwrap();
    assert_eq!(talk.date(), day);
    assert_eq!(talk.start_utc(), Utc.with_ymd_and_hms(2026, 10, 20, 1, 0, 0).unwrap(), "Beijing is UTC+8");
    assert_eq!(talk.end_utc(), Utc.with_ymd_and_hms(2026, 10, 20, 2, 30, 0).unwrap());
    assert_eq!(Session::on(day, time(10, 0), time(9, 0)), Err(EventError::BadSessionTimes));
    assert_eq!(Session::on(day, time(10, 0), time(10, 0)), Err(EventError::BadSessionTimes));
    let past_midnight = Session::new(day.and_time(time(22, 0)), date(2026, 10, 21).and_time(time(1, 0)));
    assert_eq!(past_midnight, Err(EventError::BadSessionTimes));
}

#[test]
fn the_start_of_the_day_in_beijing_is_the_evening_before_in_utc() {
    let midnight = date(2026, 1, 1).and_time(time(0, 0));
    assert_eq!(china_to_utc(midnight), Utc.with_ymd_and_hms(2025, 12, 31, 16, 0, 0).unwrap());
    assert_eq!(crate::clock::china_time(china_to_utc(midnight)).naive_local(), midnight);
}

#[test]
fn weekdays_serialise_as_iso_numbers() {
    use serde::de::value::SeqDeserializer;
    let read = |numbers: Vec<u8>| weekday_numbers::deserialize(SeqDeserializer::<_, DeError>::new(numbers.into_iter()));
    assert_eq!(read(vec![1, 2, 3, 4, 5]).unwrap(), Recurrence::SCHOOL_DAYS);
    assert_eq!(read(vec![7, 6, 6]).unwrap(), WeekdaySet::from_array([Weekday::Sat, Weekday::Sun]));
    assert!(read(vec![0]).is_err());
    assert!(read(vec![8]).is_err());
}

//! Sessions of an event: one, or a series on some days of the week between two dates (the "430" class: every
//! school day 16:30–18:00 for a term, holidays skipped). Each session has its own attendance.
//!
//! Times are Beijing wall-clock times ([`NaiveDateTime`] with no zone): that is how staff write a timetable, and
//! China keeps UTC+8 all year, so [`china_to_utc`] is exact. A session starts and ends on the same day. A series
//! has at most [`MAX_SESSIONS`] sessions over at most [`MAX_SPAN_DAYS`] days; a longer one is split into terms.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc, Weekday, WeekdaySet};
use serde::{Deserialize, Serialize};

use super::EventError;

/// The most sessions one series may have (a Monday-to-Friday term has about 85).
pub const MAX_SESSIONS: usize = 200;

/// The most days, both ends counted, from a series' first day to its last.
pub const MAX_SPAN_DAYS: i64 = 366;

/// A Beijing wall-clock time as an instant. China has kept UTC+8 without daylight saving since 1991, which covers
/// every date this project schedules.
pub fn china_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    let utc = local.and_utc();
    // Only fails within 8 hours of the earliest time chrono can hold.
    utc.checked_sub_signed(TimeDelta::hours(8)).unwrap_or(utc)
}

/// One session of an event, in Beijing time; it ends after it starts, on the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "SessionRaw")]
pub struct Session {
    start: NaiveDateTime,
    end: NaiveDateTime,
}

#[derive(Deserialize)]
struct SessionRaw {
    start: NaiveDateTime,
    end: NaiveDateTime,
}

impl TryFrom<SessionRaw> for Session {
    type Error = EventError;
    fn try_from(raw: SessionRaw) -> Result<Self, Self::Error> {
        Session::new(raw.start, raw.end)
    }
}

impl Session {
    /// A session from `start` to `end`: `end` after `start`, on the same day, else `bad_session_times`.
    pub fn new(start: NaiveDateTime, end: NaiveDateTime) -> Result<Session, EventError> {
        if end > start && end.date() == start.date() {
            Ok(Session { start, end })
        } else {
            Err(EventError::BadSessionTimes)
        }
    }

    /// A session on `date` from `start` to `end`.
    pub fn on(date: NaiveDate, start: NaiveTime, end: NaiveTime) -> Result<Session, EventError> {
        Session::new(date.and_time(start), date.and_time(end))
    }

    pub fn start(&self) -> NaiveDateTime {
        self.start
    }

    pub fn end(&self) -> NaiveDateTime {
        self.end
    }

    /// The session's day: what ages are counted against ([`super::eligible`]).
    pub fn date(&self) -> NaiveDate {
        self.start.date()
    }

    pub fn start_utc(&self) -> DateTime<Utc> {
        china_to_utc(self.start)
    }

    pub fn end_utc(&self) -> DateTime<Utc> {
        china_to_utc(self.end)
    }
}

/// A series: a session from `start` to `end` on each of `weekdays` from `from` to `until` (both included), except
/// on the `skip` days (holidays), plus on the `extra` days (make-up school days, 调休, that fall on a weekend).
/// Skip and extra days outside the range are ignored; a day both skipped and extra is skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    #[serde(with = "weekday_numbers")]
    pub weekdays: WeekdaySet,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    #[serde(default)]
    pub skip: Vec<NaiveDate>,
    #[serde(default)]
    pub extra: Vec<NaiveDate>,
}

impl Recurrence {
    /// Monday to Friday, the school week.
    pub const SCHOOL_DAYS: WeekdaySet =
        WeekdaySet::from_array([Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]);

    /// The sessions in order, or why there are none; first match wins:
    /// 1. no weekday: `bad_recurrence_weekdays`;
    /// 2. `until` before `from`: `bad_recurrence_dates`;
    /// 3. `end` not after `start`: `bad_session_times`;
    /// 4. more than [`MAX_SPAN_DAYS`] days or [`MAX_SESSIONS`] sessions: `too_many_sessions`;
    /// 5. not one session left: `no_sessions`.
    pub fn sessions(&self) -> Result<Vec<Session>, EventError> {
        if self.weekdays.is_empty() {
            return Err(EventError::BadRecurrenceWeekdays);
        }
        if self.until < self.from {
            return Err(EventError::BadRecurrenceDates);
        }
        if self.end <= self.start {
            return Err(EventError::BadSessionTimes);
        }
        if (self.until - self.from).num_days() >= MAX_SPAN_DAYS {
            return Err(EventError::TooManySessions);
        }
        let mut sessions = Vec::new();
        for date in self.from.iter_days().take_while(|date| *date <= self.until) {
            let wanted = self.weekdays.contains(date.weekday()) || self.extra.contains(&date);
            if !wanted || self.skip.contains(&date) {
                continue;
            }
            if sessions.len() == MAX_SESSIONS {
                return Err(EventError::TooManySessions);
            }
            sessions.push(Session::on(date, self.start, self.end)?);
        }
        if sessions.is_empty() { Err(EventError::NoSessions) } else { Ok(sessions) }
    }
}

/// Weekdays as ISO numbers, Monday 1 to Sunday 7, in order: `[1, 2, 3, 4, 5]`. Visible to the parent for its
/// tests.
pub(super) mod weekday_numbers {
    use chrono::{Weekday, WeekdaySet};
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(days: &WeekdaySet, serializer: S) -> Result<S::Ok, S::Error> {
        let numbers: Vec<u32> = days.iter(Weekday::Mon).map(|day| day.number_from_monday()).collect();
        numbers.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<WeekdaySet, D::Error> {
        let numbers = Vec::<u8>::deserialize(deserializer)?;
        numbers
            .into_iter()
            .map(|n| match n {
                1..=7 => Ok(Weekday::try_from(n - 1).map_err(D::Error::custom)?),
                _ => Err(D::Error::custom(format!("weekday {n} is not 1 (Monday) to 7 (Sunday)"))),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;

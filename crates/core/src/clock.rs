//! Time, injected. Code that needs "now" takes a [`Clock`], so tests can fix or move time instead of sleeping.

use std::sync::Mutex;

use chrono::{DateTime, Datelike, FixedOffset, Utc};

/// Where the current time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// The calendar year in China (UTC+8), which is what ages and birth years are counted against.
    fn this_year(&self) -> i32 {
        china_time(self.now()).year()
    }
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; for tests.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut at = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *at += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Beijing time, for display and for calendar questions (what day, what year).
pub fn china_time(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    // UTC+8 is a valid offset; east_opt only fails beyond ±24h.
    let offset = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    at.with_timezone(&offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn new_year_arrives_in_beijing_first() {
        let clock = FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 31, 17, 0, 0).single().expect("valid"));
        assert_eq!(clock.this_year(), 2027);
        clock.advance(chrono::Duration::days(-1));
        assert_eq!(clock.this_year(), 2026);
    }
}

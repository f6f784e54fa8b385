//! Volunteer service records (志愿服务记录): time a volunteer gave, recorded when a wish they fulfilled is
//! confirmed, pending until staff confirm it or correct the hours.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a piece of service-record input was refused; [`ServiceError::code`] is the locale key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// Not a whole number of minutes from 1 to 1440 (one day); carries the input as given.
    #[error("服务时长要在 1 到 1440 分钟之间（{0}）")]
    BadMinutes(String),
    /// The record is already confirmed.
    #[error("这条服务记录已经确认过了")]
    AlreadyConfirmed,
}

impl ServiceError {
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::BadMinutes(_) => "bad_minutes",
            ServiceError::AlreadyConfirmed => "service_already_confirmed",
        }
    }
}

/// Time spent on one service, in whole minutes: 1 to 1440.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Minutes(u16);

impl Minutes {
    pub const MAX: i64 = 24 * 60;

    pub fn new(minutes: i64) -> Result<Minutes, ServiceError> {
        if (1..=Self::MAX).contains(&minutes) {
            Ok(Minutes(minutes as u16))
        } else {
            Err(ServiceError::BadMinutes(minutes.to_string()))
        }
    }

    /// Parses what a person typed: minutes as digits (`90`), or hours with a unit (`1.5h`, `2小时`).
    pub fn parse(input: &str) -> Result<Minutes, ServiceError> {
        let text = crate::grid::normalize_text(input).to_lowercase();
        let bad = || ServiceError::BadMinutes(input.trim().to_owned());
        let hours = text.strip_suffix("小时").or_else(|| text.strip_suffix('h')).map(str::trim);
        match hours {
            Some(h) => {
                let h: f64 = h.parse().map_err(|_| bad())?;
                if !h.is_finite() {
                    return Err(bad());
                }
                Minutes::new((h * 60.0).round() as i64).map_err(|_| bad())
            }
            None => Minutes::new(text.trim_end_matches("分钟").trim().parse().map_err(|_| bad())?),
        }
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

impl TryFrom<i64> for Minutes {
    type Error = ServiceError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Minutes::new(value)
    }
}

impl From<Minutes> for i64 {
    fn from(m: Minutes) -> i64 {
        m.get()
    }
}

/// A total of minutes shown as hours with at most one decimal (`90` → `1.5`, `120` → `2`).
pub fn hours(total_minutes: i64) -> String {
    let tenths = (total_minutes.max(0) * 10 + 30) / 60;
    if tenths % 10 == 0 { (tenths / 10).to_string() } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

/// Where a service record is: pending staff confirmation, or confirmed (with the hours as staff settled them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    Pending,
    Confirmed,
}

impl RecordStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Pending => "pending",
            RecordStatus::Confirmed => "confirmed",
        }
    }

    /// Confirming (with or without corrected hours) is allowed once.
    pub fn confirm(self) -> Result<RecordStatus, ServiceError> {
        match self {
            RecordStatus::Pending => Ok(RecordStatus::Confirmed),
            RecordStatus::Confirmed => Err(ServiceError::AlreadyConfirmed),
        }
    }
}

impl fmt::Display for RecordStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_from_what_people_type() {
        assert_eq!(Minutes::parse("90").map(Minutes::get), Ok(90));
        assert_eq!(Minutes::parse(" 1.5h ").map(Minutes::get), Ok(90));
        assert_eq!(Minutes::parse("2小时").map(Minutes::get), Ok(120));
        assert_eq!(Minutes::parse("４５分钟").map(Minutes::get), Ok(45));
        for bad in ["0", "-5", "1441", "25h", "abc", "", "NaNh", "infh"] {
            assert_eq!(Minutes::parse(bad).map_err(|e| e.code()), Err("bad_minutes"), "{bad}");
        }
    }

    #[test]
    fn hours_round_to_a_tenth() {
        assert_eq!(hours(90), "1.5");
        assert_eq!(hours(120), "2");
        assert_eq!(hours(0), "0");
        assert_eq!(hours(100), "1.7");
        assert_eq!(hours(-5), "0");
    }

    #[test]
    fn a_record_is_confirmed_once() {
        assert_eq!(RecordStatus::Pending.confirm(), Ok(RecordStatus::Confirmed));
        assert_eq!(RecordStatus::Confirmed.confirm(), Err(ServiceError::AlreadyConfirmed));
    }
}

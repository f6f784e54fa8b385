//! What follows an event (活动的后续): its volunteers' shifts, the hours they earn, and the feedback of the people
//! who came. Plain rules, no I/O, no clock: callers pass `now` and what the database holds.
//!
//! - **Shifts** ([`Shift::new`]): a role (裁判, 签到, 摄影…, [`RoleName`]), a start and an end on the same day
//!   (at most [`crate::service::Minutes::MAX`] minutes: one service record), and 1–[`MAX_SHIFT_PLACES`] places.
//! - **Taking a shift** ([`take_shift`]): refused when the person is already on it or every place is taken.
//! - **Marking served** ([`mark_served`]): only once the shift has begun (staff mark who came, usually at its
//!   end), only once per person and shift; the hours are the shift's length, as the service record rules of the
//!   volunteer platforms count them (planned time, corrected by staff when they confirm the record).
//! - **Feedback** ([`may_give_feedback`]): by someone checked in to the event (any session of a series), or by an
//!   adult of the household of a child who was, since a seven-year-old does not fill in forms. A rating is a
//!   whole number from 1 to 5 ([`Rating`]).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::audience::{ADULT_FROM_AGE, Attendee, age_on};
use crate::grid::normalize_text;
use crate::service::Minutes;

/// The most places one shift may have.
pub const MAX_SHIFT_PLACES: u32 = 200;

/// The longest summary (活动总结) kept, in characters.
pub const MAX_SUMMARY_CHARS: usize = 2000;

/// The longest feedback comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

/// Why a follow-up action or input was refused; [`FollowupError::code`] is the locale key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FollowupError {
    #[error("岗位名称要有 1 到 20 个字")]
    BadRoleName,
    #[error("班次的结束时间要晚于开始时间，且不超过一天")]
    BadShiftTimes,
    #[error("班次人数要在 1 到 200 之间")]
    BadShiftPlaces,
    #[error("这个班次已经满了")]
    ShiftFull,
    #[error("已经在这个班次里了")]
    AlreadyOnShift,
    #[error("班次还没开始，开始后才能登记服务")]
    ShiftNotStarted,
    #[error("已经登记过服务了")]
    AlreadyServed,
    #[error("只有志愿者或社工可以担任志愿岗位")]
    NotAVolunteer,
    #[error("评分要在 1 到 5 之间")]
    RatingOutOfRange,
    #[error("留言最多 500 个字")]
    CommentTooLong,
    #[error("签到参加过活动的居民（或孩子的家长）才能评价")]
    NotAttended,
    #[error("活动总结最多 2000 个字")]
    SummaryTooLong,
    #[error("请写几句活动总结")]
    SummaryRequired,
}

impl FollowupError {
    pub fn code(&self) -> &'static str {
        match self {
            FollowupError::BadRoleName => "bad_volunteer_role",
            FollowupError::BadShiftTimes => "bad_shift_times",
            FollowupError::BadShiftPlaces => "bad_shift_places",
            FollowupError::ShiftFull => "shift_full",
            FollowupError::AlreadyOnShift => "already_on_shift",
            FollowupError::ShiftNotStarted => "shift_not_started",
            FollowupError::AlreadyServed => "already_served",
            FollowupError::NotAVolunteer => "not_a_volunteer",
            FollowupError::RatingOutOfRange => "rating_out_of_range",
            FollowupError::CommentTooLong => "comment_too_long",
            FollowupError::NotAttended => "not_attended",
            FollowupError::SummaryTooLong => "summary_too_long",
            FollowupError::SummaryRequired => "summary_required",
        }
    }

    /// Whether the state of things stands in the way (a 409) rather than the input being wrong (a 422).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            FollowupError::ShiftFull
                | FollowupError::AlreadyOnShift
                | FollowupError::AlreadyServed
                | FollowupError::ShiftNotStarted
                | FollowupError::NotAttended
        )
    }
}

/// A volunteer role's name (裁判, 签到, 摄影): normalised, 1–20 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleName(String);

impl RoleName {
    pub fn parse(input: &str) -> Result<RoleName, FollowupError> {
        let name = normalize_text(input);
        let len = name.chars().count();
        if (1..=20).contains(&len) && !name.chars().any(char::is_control) {
            Ok(RoleName(name))
        } else {
            Err(FollowupError::BadRoleName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A volunteer shift: a role, its time and its places, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub role: RoleName,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub places: u32,
}

impl Shift {
    pub fn new(
        role: RoleName,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        places: u32,
    ) -> Result<Shift, FollowupError> {
        if !(1..=MAX_SHIFT_PLACES).contains(&places) {
            return Err(FollowupError::BadShiftPlaces);
        }
        shift_minutes(starts_at, ends_at)?;
        Ok(Shift { role, starts_at, ends_at, places })
    }

    /// The service time a shift gives: its length.
    pub fn minutes(&self) -> Minutes {
        // `new` checked the length.
        shift_minutes(self.starts_at, self.ends_at).unwrap_or_else(|_| Minutes::new(1).expect("one minute"))
    }
}

/// The length of a shift as service minutes: 1 minute to one day.
pub fn shift_minutes(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<Minutes, FollowupError> {
    Minutes::new((ends_at - starts_at).num_minutes()).map_err(|_| FollowupError::BadShiftTimes)
}

/// Whether someone may take a place on a shift with `places` places of which `taken` are taken.
pub fn take_shift(places: u32, taken: u32, already_on_it: bool) -> Result<(), FollowupError> {
    if already_on_it {
        Err(FollowupError::AlreadyOnShift)
    } else if taken >= places {
        Err(FollowupError::ShiftFull)
    } else {
        Ok(())
    }
}

/// Whether staff may mark a volunteer as having served a shift now; gives the minutes to record.
pub fn mark_served(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    already_served: bool,
    now: DateTime<Utc>,
) -> Result<Minutes, FollowupError> {
    if already_served {
        return Err(FollowupError::AlreadyServed);
    }
    if now < starts_at {
        return Err(FollowupError::ShiftNotStarted);
    }
    shift_minutes(starts_at, ends_at)
}

/// A satisfaction rating, 1 (poor) to 5 (very good).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Rating(u8);

impl Rating {
    pub fn new(value: i64) -> Result<Rating, FollowupError> {
        if (1..=5).contains(&value) { Ok(Rating(value as u8)) } else { Err(FollowupError::RatingOutOfRange) }
    }

    /// What a form sent: digits, maybe with spaces or a trailing 分/星.
    pub fn parse(input: &str) -> Result<Rating, FollowupError> {
        let text = normalize_text(input);
        let digits = text.trim_end_matches(['分', '星']).trim();
        Rating::new(digits.parse().map_err(|_| FollowupError::RatingOutOfRange)?)
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

impl TryFrom<i64> for Rating {
    type Error = FollowupError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Rating::new(value)
    }
}

impl From<Rating> for i64 {
    fn from(r: Rating) -> i64 {
        r.get()
    }
}

/// A free text of at most `max` characters after normalising line by line (line breaks kept); empty is `None`.
fn bounded_text(input: &str, max: usize) -> Option<Result<String, ()>> {
    let text: Vec<String> = input.lines().map(normalize_text).collect();
    let text = text.join("\n").trim().to_owned();
    if text.is_empty() {
        return None;
    }
    Some(if text.chars().count() > max || text.chars().any(|c| c.is_control() && c != '\n') {
        Err(())
    } else {
        Ok(text)
    })
}

/// A summary (活动总结) as staff write it: 1 to [`MAX_SUMMARY_CHARS`] characters, paragraphs kept.
pub fn parse_summary(input: &str) -> Result<String, FollowupError> {
    match bounded_text(input, MAX_SUMMARY_CHARS) {
        None => Err(FollowupError::SummaryRequired),
        Some(r) => r.map_err(|()| FollowupError::SummaryTooLong),
    }
}

/// A feedback comment: optional, at most [`MAX_COMMENT_CHARS`] characters.
pub fn parse_comment(input: &str) -> Result<Option<String>, FollowupError> {
    bounded_text(input, MAX_COMMENT_CHARS).transpose().map_err(|()| FollowupError::CommentTooLong)
}

/// Whether `giver` may give feedback on an event whose checked-in people (any session) include `attended`, on
/// the event's date `on`: the giver was checked in, or the giver is not a known minor and a child (under 18 on
/// `on`) of their household was.
pub fn may_give_feedback(giver: &Attendee, attended: &[Attendee], on: NaiveDate) -> Result<(), FollowupError> {
    if attended.iter().any(|a| a.resident_id == giver.resident_id) {
        return Ok(());
    }
    let giver_minor = giver.birth_year.is_some_and(|y| age_on(y, on) < ADULT_FROM_AGE);
    let child_came = attended.iter().any(|a| {
        giver.household_id.is_some()
            && a.household_id == giver.household_id
            && a.birth_year.is_some_and(|y| age_on(y, on) < ADULT_FROM_AGE)
    });
    if !giver_minor && child_came { Ok(()) } else { Err(FollowupError::NotAttended) }
}

/// The average of ratings to one decimal (`None` with none), as the ledger and the story show it.
pub fn average_rating(sum: i64, count: u64) -> Option<f64> {
    (count > 0).then(|| ((sum as f64 / count as f64) * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests;

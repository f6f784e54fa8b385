//! Events (活动) of micro-projects (微项目): who may sign up, what a sign-up becomes, how the waitlist moves up,
//! and how attendance is counted. Who an event is for and who may sign up whom are [`audience`]'s; the sessions
//! of a recurring event (the "430" after-school class) are [`recurrence`]'s.
//!
//! The rules, each in one function:
//! - **Audience** ([`eligible`]): everyone, children of an age range, adults (18+) or the elderly (60+). Ages are
//!   whole years counted from the birth year alone: age = the event's calendar year − the birth year (the roster
//!   keeps years, not birthdays; PIPL "minimum necessary"). A person whose birth year is unknown may join events
//!   for everyone only.
//! - **Who signs up whom** ([`may_sign_up_for`]): anyone themselves; a guardian a child (under 18 on the event's
//!   date) of their own household; staff anyone, as proxy for residents without a phone. Whether the user is staff
//!   of that community is `access`'s question; here only the household and age rule.
//! - **A new sign-up** ([`decide_signup`]): refused when the person is already signed up, once sign-up has closed
//!   (at the deadline or at the start, whichever is first; the moment itself counts as closed), and when the event
//!   is full unless the person asked for the waitlist. Nobody jumps the queue: while anyone is waiting, new
//!   sign-ups wait too.
//! - **The waitlist** ([`promote`]): when a place frees up, or capacity is raised, the first in line move up.
//! - **A sign-up's life** ([`transition`]):
//!
//! | from                     | action         | to           | who / why                                          |
//! |--------------------------|----------------|--------------|----------------------------------------------------|
//! | `registered`             | `cancel`       | `cancelled`  | the resident, their guardian or staff call it off  |
//! | `waitlisted`             | `cancel`       | `cancelled`  | they leave the waitlist                            |
//! | `waitlisted`             | `promote`      | `registered` | a place freed up ([`promote`] says who)            |
//! | `registered`             | `mark_no_show` | `no_show`    | after the event, a place held but never used       |
//! | any                      | `check_in`     | `attended`   | whoever is at the door is recorded (see below)     |
//!
//! Check-in never refuses: a waitlisted or cancelled person who turns up after all, or a no-show whose name is on
//! the paper sign-in sheet typed in later, is recorded as attended. Checking in again (a second scan, or the next
//! session of a series) leaves the sign-up `attended`; the store keeps one check-in per person and session, and
//! [`attendance_counts`] counts each pair once. A **walk-in** is someone with no sign-up at all: [`check_in`]
//! says the store inserts a sign-up that is `attended` from the start, with `walk_in` set, so reports can tell
//! planned from unplanned attendance. Walk-ins and check-ins from the waitlist may go beyond capacity: the people
//! at the door decide whether there is a chair.
//!
//! A sign-up is for the event as a whole (every session of a series); a check-in is for one session. The sign-up
//! is `attended` from its first check-in; `no_show` means no check-in at any session.
//!
//! This module does no I/O and reads no clock: callers pass `now` and the event's date in.

use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::grid::normalize_text;

pub mod audience;
pub mod followup;
pub mod recurrence;

pub use audience::{
    ADULT_FROM_AGE, AgeRange, Attendee, Audience, ELDERLY_FROM_AGE, SignedUpBy, Signer, age_on, eligible,
    may_sign_up_for,
};
pub use recurrence::{Recurrence, Session};

/// Why an event action or a piece of event input was refused. [`EventError::code`] is the stable key the web
/// layer localises by; the `Display` text is a plain Chinese fallback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// Every place is taken; the page offers the waitlist.
    #[error("名额已满，可以报名候补")]
    Full,
    /// Past the sign-up deadline, or the event has started.
    #[error("报名已经截止了")]
    SignupClosed,
    /// The person is outside the event's audience, or their birth year is unknown and the event is not for
    /// everyone; carries the audience.
    #[error("这个活动只面向{}", .0.zh())]
    NotEligible(Audience),
    /// The person already has a sign-up (registered, waitlisted or attended) for the event.
    #[error("已经报过名了")]
    AlreadySignedUp,
    /// A guardian may sign up only a child (under 18) of their own household.
    #[error("只能替本户未满 18 岁的孩子报名")]
    NotYourChild,
    /// A title that is shorter than 2 or longer than 60 characters, or holds control characters.
    #[error("活动名称要有 2 到 60 个字")]
    BadTitle,
    /// Not a whole number from 1 to 10000; carries the input as given.
    #[error("人数上限要在 1 到 10000 之间（{0}）")]
    BadCapacity(String),
    /// An audience code that is unknown, or an age range that is not `0 ≤ min ≤ max ≤ 17`; carries the input.
    #[error("活动对象不对（{0}）")]
    BadAudience(String),
    /// A session that does not end after it starts (sessions do not run past midnight).
    #[error("结束时间要晚于开始时间")]
    BadSessionTimes,
    /// A recurrence whose last day is before its first.
    #[error("重复活动的结束日期不能早于开始日期")]
    BadRecurrenceDates,
    /// A recurrence on no day of the week.
    #[error("重复活动至少要选一天（周几）")]
    BadRecurrenceWeekdays,
    /// A recurrence none of whose days falls in its date range once the skipped days are taken out.
    #[error("按这个设置一次活动都排不出来")]
    NoSessions,
    /// More than [`recurrence::MAX_SESSIONS`] sessions, or a range longer than [`recurrence::MAX_SPAN_DAYS`] days.
    #[error("重复活动最多 200 次、跨度不超过一年，请分成几期")]
    TooManySessions,
    /// Not one of the sign-up status codes; carries the input as given.
    #[error("不认识的报名状态（{0}）")]
    BadStatus(String),
    /// Not one of the sign-up action codes; carries the input as given.
    #[error("不认识的报名操作（{0}）")]
    BadAction(String),
    /// The sign-up was cancelled: only a check-in can still happen to it.
    #[error("这个报名已取消，要参加请重新报名")]
    SignupCancelled,
    /// Only a waitlisted sign-up can be promoted.
    #[error("这个报名不在候补名单上（{}）", .0.zh())]
    NotWaitlisted(SignupStatus),
    /// Only a registered sign-up can be marked a no-show (a waitlisted person never had a place).
    #[error("这个报名不是已报名状态（{}）", .0.zh())]
    NotRegistered(SignupStatus),
    /// The person has attended or been marked a no-show: too late to cancel.
    #[error("活动已签到或已记为缺席，不能再取消（{}）", .0.zh())]
    SignupSettled(SignupStatus),
}

impl EventError {
    /// Stable snake_case code, the key of the localised message.
    pub fn code(&self) -> &'static str {
        match self {
            EventError::Full => "event_full",
            EventError::SignupClosed => "signup_closed",
            EventError::NotEligible(_) => "not_eligible",
            EventError::AlreadySignedUp => "already_signed_up",
            EventError::NotYourChild => "not_your_child",
            EventError::BadTitle => "bad_event_title",
            EventError::BadCapacity(_) => "bad_capacity",
            EventError::BadAudience(_) => "bad_audience",
            EventError::BadSessionTimes => "bad_session_times",
            EventError::BadRecurrenceDates => "bad_recurrence_dates",
            EventError::BadRecurrenceWeekdays => "bad_recurrence_weekdays",
            EventError::NoSessions => "no_sessions",
            EventError::TooManySessions => "too_many_sessions",
            EventError::BadStatus(_) => "bad_signup_status",
            EventError::BadAction(_) => "bad_signup_action",
            EventError::SignupCancelled => "signup_cancelled",
            EventError::NotWaitlisted(_) => "signup_not_waitlisted",
            EventError::NotRegistered(_) => "signup_not_registered",
            EventError::SignupSettled(_) => "signup_settled",
        }
    }
}

/// Finds the value among `all` whose code matches `input` (normalised, case-insensitive).
fn parse_code<T: Copy>(all: &[T], as_str: fn(T) -> &'static str, input: &str) -> Option<T> {
    let code = normalize_text(input);
    all.iter().copied().find(|value| as_str(*value).eq_ignore_ascii_case(&code))
}

// ---------------------------------------------------------------------------------------------------------------
// Title and capacity

/// An event's title: normalised with [`normalize_text`], 2–60 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EventTitle(String);

impl EventTitle {
    pub const MIN_CHARS: usize = 2;
    pub const MAX_CHARS: usize = 60;

    pub fn parse(input: &str) -> Result<EventTitle, EventError> {
        let title = normalize_text(input);
        let len = title.chars().count();
        if (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&len) && !title.chars().any(char::is_control) {
            Ok(EventTitle(title))
        } else {
            Err(EventError::BadTitle)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventTitle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EventTitle {
    type Error = EventError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        EventTitle::parse(&value)
    }
}

impl From<EventTitle> for String {
    fn from(value: EventTitle) -> Self {
        value.0
    }
}

/// How many people an event takes, 1–10000. An event without a limit has no `Capacity` (`Option::None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Capacity(u32);

impl Capacity {
    pub const MIN: u32 = 1;
    pub const MAX: u32 = 10_000;

    pub fn new(value: u32) -> Result<Capacity, EventError> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Capacity(value))
        } else {
            Err(EventError::BadCapacity(value.to_string()))
        }
    }

    /// Parses a form value: "30", "３０", "30人"; blank or "不限" is no limit (`None`).
    pub fn parse(input: &str) -> Result<Option<Capacity>, EventError> {
        let text = normalize_text(input);
        let text = text.strip_suffix('人').unwrap_or(&text).trim();
        if text.is_empty() || text == "不限" {
            return Ok(None);
        }
        let bad = || EventError::BadCapacity(input.trim().to_owned());
        let value: u32 = text.parse().map_err(|_| bad())?;
        Capacity::new(value).map(Some).map_err(|_| bad())
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// Places left when `taken` are taken; `None` (no limit) when there is no capacity.
    pub fn free(capacity: Option<Capacity>, taken: u32) -> Option<u32> {
        capacity.map(|c| c.0.saturating_sub(taken))
    }
}

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<u32> for Capacity {
    type Error = EventError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Capacity::new(value)
    }
}

impl From<Capacity> for u32 {
    fn from(value: Capacity) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Status and action

/// Where a sign-up is in its life. `cancelled`, `attended` and `no_show` are settled, though a check-in can still
/// turn any of them into `attended` (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupStatus {
    /// Has a place (已报名).
    Registered,
    /// On the waitlist, in order of signing up (候补中).
    Waitlisted,
    /// Called off (已取消).
    Cancelled,
    /// Checked in at least once (已签到).
    Attended,
    /// Had a place and never came (缺席).
    NoShow,
}

impl SignupStatus {
    pub const ALL: [SignupStatus; 5] = [
        SignupStatus::Registered,
        SignupStatus::Waitlisted,
        SignupStatus::Cancelled,
        SignupStatus::Attended,
        SignupStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignupStatus::Registered => "registered",
            SignupStatus::Waitlisted => "waitlisted",
            SignupStatus::Cancelled => "cancelled",
            SignupStatus::Attended => "attended",
            SignupStatus::NoShow => "no_show",
        }
    }

    /// Parses a code (`registered`, …), case-insensitive.
    pub fn parse(code: &str) -> Result<SignupStatus, EventError> {
        parse_code(&SignupStatus::ALL, SignupStatus::as_str, code)
            .ok_or_else(|| EventError::BadStatus(code.trim().to_owned()))
    }

    /// The Chinese label shown in the UI.
    pub fn zh(self) -> &'static str {
        match self {
            SignupStatus::Registered => "已报名",
            SignupStatus::Waitlisted => "候补中",
            SignupStatus::Cancelled => "已取消",
            SignupStatus::Attended => "已签到",
            SignupStatus::NoShow => "缺席",
        }
    }

    /// Whether the sign-up takes one of the event's places: registered, attended and no-show ones do (a no-show
    /// held the place until the event was over). This is what `places_taken` counts in [`decide_signup`] and
    /// [`promote`].
    pub fn holds_place(self) -> bool {
        matches!(self, SignupStatus::Registered | SignupStatus::Attended | SignupStatus::NoShow)
    }

    /// Whether the sign-up counts against signing up again ([`decide_signup`]'s `already_signed_up`): every status
    /// but `cancelled`, so someone who cancelled may sign up anew.
    pub fn blocks_new_signup(self) -> bool {
        self != SignupStatus::Cancelled
    }

    /// The actions [`transition`] allows from this status, in [`SignupAction::ALL`] order.
    pub fn allowed_actions(self) -> impl Iterator<Item = SignupAction> {
        SignupAction::ALL.into_iter().filter(move |action| transition(self, *action).is_ok())
    }
}

/// Something done to a sign-up that may change its status. Signing up itself is [`decide_signup`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupAction {
    /// The resident, their guardian or staff call the sign-up off.
    Cancel,
    /// The person is at the door (QR code, or staff ticking the list).
    CheckIn,
    /// After the event: had a place, never came.
    MarkNoShow,
    /// A waitlisted sign-up gets a place ([`promote`]).
    Promote,
}

impl SignupAction {
    pub const ALL: [SignupAction; 4] =
        [SignupAction::Cancel, SignupAction::CheckIn, SignupAction::MarkNoShow, SignupAction::Promote];

    pub fn as_str(self) -> &'static str {
        match self {
            SignupAction::Cancel => "cancel",
            SignupAction::CheckIn => "check_in",
            SignupAction::MarkNoShow => "mark_no_show",
            SignupAction::Promote => "promote",
        }
    }

    /// Parses a code (`cancel`, …), case-insensitive.
    pub fn parse(code: &str) -> Result<SignupAction, EventError> {
        parse_code(&SignupAction::ALL, SignupAction::as_str, code)
            .ok_or_else(|| EventError::BadAction(code.trim().to_owned()))
    }

    /// The Chinese label shown in the UI (a button, a line of the ledger).
    pub fn zh(self) -> &'static str {
        match self {
            SignupAction::Cancel => "取消报名",
            SignupAction::CheckIn => "签到",
            SignupAction::MarkNoShow => "记为缺席",
            SignupAction::Promote => "候补转正",
        }
    }
}

/// The status a sign-up moves to when `action` is taken in status `from`, or why it may not be taken.
///
/// The allowed moves are the table in the module docs. A refusal's code is chosen by this rule, first match wins:
/// 1. `from` is `cancelled`: `signup_cancelled`, whatever the action (a check-in is allowed, so never for that).
/// 2. `promote` needs a waitlisted sign-up: `signup_not_waitlisted`.
/// 3. `mark_no_show` needs a registered sign-up: `signup_not_registered` (a waitlisted person never had a place;
///    an attended one came).
/// 4. `cancel` from `attended` or `no_show`: `signup_settled`; the event has happened for them.
pub fn transition(from: SignupStatus, action: SignupAction) -> Result<SignupStatus, EventError> {
    use SignupAction as A;
    use SignupStatus as S;
    match (from, action) {
        (_, A::CheckIn) => Ok(S::Attended),
        (S::Registered | S::Waitlisted, A::Cancel) => Ok(S::Cancelled),
        (S::Waitlisted, A::Promote) => Ok(S::Registered),
        (S::Registered, A::MarkNoShow) => Ok(S::NoShow),
        (S::Cancelled, _) => Err(EventError::SignupCancelled),
        (from, A::Promote) => Err(EventError::NotWaitlisted(from)),
        (from, A::MarkNoShow) => Err(EventError::NotRegistered(from)),
        (from @ (S::Attended | S::NoShow), A::Cancel) => Err(EventError::SignupSettled(from)),
    }
}

/// What a check-in records: the sign-up's new status, and whether it is a walk-in (no sign-up before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckIn {
    pub status: SignupStatus,
    /// The person had no sign-up: the store inserts one, `attended` from the start, with this flag.
    pub walk_in: bool,
}

/// Checks in a person whose sign-up for the event is `existing` (`None`: they have none, or only cancelled ones
/// the store chose not to reuse). Never refuses; see the module docs.
pub fn check_in(existing: Option<SignupStatus>) -> CheckIn {
    match existing {
        None => CheckIn { status: SignupStatus::Attended, walk_in: true },
        Some(status) => CheckIn {
            // transition never refuses a check-in.
            status: transition(status, SignupAction::CheckIn).unwrap_or(SignupStatus::Attended),
            walk_in: false,
        },
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Signing up and the waitlist

/// When sign-up closes for an event, and how many it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignupTerms {
    /// `None`: no limit.
    pub capacity: Option<Capacity>,
    /// The sign-up deadline (报名截止); `None`: open until the start.
    pub deadline: Option<DateTime<Utc>>,
    /// When the event starts; for a series, when its last session starts (a child may join a term's class
    /// mid-term).
    pub starts_at: DateTime<Utc>,
}

impl SignupTerms {
    /// The moment sign-up closes: the deadline or the start, whichever comes first.
    pub fn closes_at(&self) -> DateTime<Utc> {
        self.deadline.map_or(self.starts_at, |deadline| deadline.min(self.starts_at))
    }

    /// Whether sign-up is open at `now`. The closing moment itself counts as closed: "报名截止 18:00" means a
    /// sign-up at 18:00:00 is late.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        now < self.closes_at()
    }
}

/// What to do with a sign-up that finds the event full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenFull {
    /// Refuse with `event_full`, so the page can offer the waitlist.
    Refuse,
    /// Put the person on the waitlist.
    Waitlist,
}

/// The counts of an event's sign-ups that [`decide_signup`] needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Places {
    /// Sign-ups that [hold a place](SignupStatus::holds_place).
    pub taken: u32,
    /// Sign-ups on the waitlist.
    pub waiting: u32,
}

/// What a new sign-up becomes, or why it is refused; first match wins:
/// 1. `already_signed_up` (the person has a sign-up that [blocks a new one](SignupStatus::blocks_new_signup)):
///    `already_signed_up`;
/// 2. sign-up is not [open](SignupTerms::is_open) at `now`: `signup_closed`;
/// 3. a place is free and nobody is waiting: `registered`;
/// 4. otherwise (full, or a queue that [`promote`] has yet to move) `waitlisted` if `when_full` says so,
///    `event_full` if not.
///
/// Who may sign up whom ([`may_sign_up_for`]) and for what audience ([`eligible`]) are asked before this.
pub fn decide_signup(
    terms: &SignupTerms,
    places: Places,
    already_signed_up: bool,
    when_full: WhenFull,
    now: DateTime<Utc>,
) -> Result<SignupStatus, EventError> {
    if already_signed_up {
        return Err(EventError::AlreadySignedUp);
    }
    if !terms.is_open(now) {
        return Err(EventError::SignupClosed);
    }
    let room = Capacity::free(terms.capacity, places.taken).is_none_or(|free| free > 0);
    match (room && places.waiting == 0, when_full) {
        (true, _) => Ok(SignupStatus::Registered),
        (false, WhenFull::Waitlist) => Ok(SignupStatus::Waitlisted),
        (false, WhenFull::Refuse) => Err(EventError::Full),
    }
}

/// Who on the waitlist gets a place, given the places `taken` now: the first in line, as many as there are free
/// places (all of them without a limit). Called after a cancellation or a raise of capacity; each one returned
/// moves by `promote`. Never gives out more places than the capacity.
pub fn promote<T>(capacity: Option<Capacity>, taken: u32, waitlist_in_order: &[T]) -> &[T] {
    let free = Capacity::free(capacity, taken).map_or(usize::MAX, |free| usize::try_from(free).unwrap_or(usize::MAX));
    &waitlist_in_order[..free.min(waitlist_in_order.len())]
}

// ---------------------------------------------------------------------------------------------------------------
// Counting

/// What a funder asks of attendance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceCounts {
    /// 服务人次: one per person per session attended.
    pub attendances: usize,
    /// 服务人数: distinct people, however many sessions each attended.
    pub people_served: usize,
}

/// Counts check-ins given as (person, session) pairs: a person checked in twice to one session counts once
/// towards [`AttendanceCounts::attendances`], and a person at several sessions of a series once towards
/// [`AttendanceCounts::people_served`]. For a report over several events, make the session key carry the event.
/// The person key should be the resident (walk-ins not on the roster need a key of their own, such as their
/// sign-up's id).
pub fn attendance_counts<P, S>(checkins: impl IntoIterator<Item = (P, S)>) -> AttendanceCounts
where
    P: Eq + Hash + Clone,
    S: Eq + Hash,
{
    let mut pairs = HashSet::new();
    let mut people = HashSet::new();
    for (person, session) in checkins {
        people.insert(person.clone());
        pairs.insert((person, session));
    }
    AttendanceCounts { attendances: pairs.len(), people_served: people.len() }
}

#[cfg(test)]
mod tests;

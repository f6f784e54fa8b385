//! Notifications (the bell): what a person is told, and whom each kind goes to. Quiet by default: staff get one
//! daily summary rather than a message per new wish or lapsing claim, unless the community asks for each event.

use serde::{Deserialize, Serialize};

/// What a notification is about. `as_str` is stored and is the end of its locale key (`notice-<kind>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// To the wisher: staff published the wish.
    WishPublished,
    /// To the wisher: staff did not publish it (with the reason).
    WishRejected,
    /// To the wisher: someone claimed it.
    WishClaimed,
    /// To the wisher: the claimant says it is done; please confirm.
    WishFulfilled,
    /// To the claimant: staff took the claim back (with the reason).
    ClaimRevoked,
    /// To the claimant: record first contact soon or the claim lapses.
    ClaimLapsing,
    /// To the claimant: the claim lapsed.
    ClaimLapsed,
    /// To a paired helper: a wish of the resident they help is theirs to claim first.
    WishOffered,
    /// To staff, when they asked for each event: a new wish waits for review.
    WishSubmitted,
    /// To staff, when they asked for each event: a claim is about to lapse.
    StaffClaimLapsing,
    /// To staff, once a day: what waits for them.
    DailySummary,
    /// To a waitlisted household: a place came free and is theirs.
    EventPromoted,
    /// To the households signed up: the event's time or place changed.
    EventChanged,
    /// To the households signed up: the event is cancelled.
    EventCancelled,
    /// To a volunteer: staff put them on an event's shift.
    ShiftAssigned,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::WishPublished => "wish_published",
            Kind::WishRejected => "wish_rejected",
            Kind::WishClaimed => "wish_claimed",
            Kind::WishFulfilled => "wish_fulfilled",
            Kind::ClaimRevoked => "claim_revoked",
            Kind::ClaimLapsing => "claim_lapsing",
            Kind::ClaimLapsed => "claim_lapsed",
            Kind::WishOffered => "wish_offered",
            Kind::WishSubmitted => "wish_submitted",
            Kind::StaffClaimLapsing => "staff_claim_lapsing",
            Kind::DailySummary => "daily_summary",
            Kind::EventPromoted => "event_promoted",
            Kind::EventChanged => "event_changed",
            Kind::EventCancelled => "event_cancelled",
            Kind::ShiftAssigned => "shift_assigned",
        }
    }

    pub const ALL: [Kind; 15] = [
        Kind::WishPublished,
        Kind::WishRejected,
        Kind::WishClaimed,
        Kind::WishFulfilled,
        Kind::ClaimRevoked,
        Kind::ClaimLapsing,
        Kind::ClaimLapsed,
        Kind::WishOffered,
        Kind::WishSubmitted,
        Kind::StaffClaimLapsing,
        Kind::DailySummary,
        Kind::EventPromoted,
        Kind::EventChanged,
        Kind::EventCancelled,
        Kind::ShiftAssigned,
    ];
}

/// How staff hear about new wishes and lapsing claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffMode {
    /// One summary a day (the default: staff are busy people).
    #[default]
    Daily,
    /// A notification per event.
    Each,
}

impl StaffMode {
    pub fn parse(s: &str) -> Option<StaffMode> {
        match s.trim() {
            "daily" => Some(StaffMode::Daily),
            "each" => Some(StaffMode::Each),
            _ => None,
        }
    }
}

/// The hour of the day (Beijing time) the daily summary goes out.
pub const DAILY_SUMMARY_HOUR: u32 = 8;

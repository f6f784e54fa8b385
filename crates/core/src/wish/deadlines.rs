//! The deadlines of a wish's life, as pure functions of instants the caller passes in: when a claim without
//! first contact lapses (and when to warn the claimant), how long a paired resident's wish is offered to their
//! helper (帮扶对子) before anyone may claim it, and when staff may close a fulfilled wish nobody confirmed.

use chrono::{DateTime, TimeDelta, Utc};

use super::WishError;

/// Days a claimant has to make first contact with the wisher before the claim lapses, unless the community sets
/// its own.
pub const FIRST_CONTACT_DAYS_DEFAULT: i64 = 7;

/// Days a wisher has to confirm a fulfilled wish before staff may close it.
pub const CONFIRM_WITHIN_DAYS: i64 = 14;

/// `start` + `days` (negative counts as 0); `None` when that lies beyond what a `DateTime` can hold.
fn deadline(start: DateTime<Utc>, days: i64) -> Option<DateTime<Utc>> {
    TimeDelta::try_days(days.max(0)).and_then(|delta| start.checked_add_signed(delta))
}

/// Whether a claim made at `claimed_at` should lapse at `now`: the claimant has not `contacted` the wisher and
/// `first_contact_days` have passed (the deadline itself counts as passed). A negative `first_contact_days`
/// counts as 0.
pub fn lapse_due(claimed_at: DateTime<Utc>, contacted: bool, now: DateTime<Utc>, first_contact_days: i64) -> bool {
    !contacted && deadline(claimed_at, first_contact_days).is_some_and(|due| now >= due)
}

/// Whether a claim made at `claimed_at` without first contact is within a day of lapsing at `now` (or past it):
/// time to warn the claimant. With `first_contact_days` of 1 the warning comes at once.
pub fn lapse_warning_due(
    claimed_at: DateTime<Utc>,
    contacted: bool,
    now: DateTime<Utc>,
    first_contact_days: i64,
) -> bool {
    !contacted && deadline(claimed_at, first_contact_days - 1).is_some_and(|warn| now >= warn)
}

/// Hours a paired resident's new wish is offered to their helper (帮扶对子) before it goes on the wall, unless
/// the community sets its own.
pub const HELP_PAIR_OFFER_HOURS_DEFAULT: i64 = 48;

/// When the offer of a wish published at `published_at` to the paired helper ends (`offer_hours`, negative
/// counts as 0).
pub fn offer_until(published_at: DateTime<Utc>, offer_hours: i64) -> Option<DateTime<Utc>> {
    TimeDelta::try_hours(offer_hours.max(0)).and_then(|d| published_at.checked_add_signed(d))
}

/// Whether the offer to a paired helper still holds at `now`: until then only that helper may claim the wish and
/// the wall leaves it out. The end itself counts as over.
pub fn offer_open(offer_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    offer_until.is_some_and(|until| now < until)
}

/// Whether `user_id` may claim a wish offered to `offered_to` until `offer_until`, at `now`: anyone once the
/// offer is over (or if there is none), only the paired helper while it holds.
pub fn may_claim_offered(
    offered_to: Option<i64>,
    offer_until: Option<DateTime<Utc>>,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), WishError> {
    match offered_to {
        Some(helper) if helper != user_id && offer_open(offer_until, now) => Err(WishError::OfferedToHelper),
        _ => Ok(()),
    }
}

/// Whether staff may close a wish fulfilled at `fulfilled_at` that the wisher has not confirmed: at `now`,
/// [`CONFIRM_WITHIN_DAYS`] have passed (the deadline itself counts as passed).
pub fn closable(fulfilled_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    deadline(fulfilled_at, CONFIRM_WITHIN_DAYS).is_some_and(|due| now >= due)
}

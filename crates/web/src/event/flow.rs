//! What the event pages and the JSON API both do, once: find an event the user may see, sign a person up,
//! cancel a sign-up (promoting and telling the first in line), check a person in, and edit or cancel an event
//! (telling everyone signed up). Each asks `core` for the rule, `store` for the row, and audits the change.

use chrono::{DateTime, Duration, Utc};
use weizhili_core::access::{Action, Place};
use weizhili_core::event::{
    Attendee, Audience, Capacity, EventError, Places, SignedUpBy, Signer, SignupAction, SignupStatus, SignupTerms,
    WhenFull, decide_signup, eligible, may_sign_up_for, promote, transition,
};
use weizhili_core::grid::BirthYear;
use weizhili_core::notify::Kind;
use weizhili_store::event::{self as store, Checkin, Event, EventEdit, NewSignup, Signup};
use weizhili_store::notify::{self, NewNotification};
use weizhili_store::{StoreError, audit, begin_write, grid};

use crate::auth::CurrentUser;
use crate::grid::pages::parse_id;
use crate::{AppError, AppState};

/// How long before a session starts, and after it ends, a resident may check themselves in with its QR code.
pub const SELF_CHECK_IN_BEFORE: Duration = Duration::hours(1);
pub const SELF_CHECK_IN_AFTER: Duration = Duration::hours(1);

pub fn refusal(e: EventError) -> AppError {
    // The state of the event or the sign-up stands in the way (409); otherwise the input is wrong (422).
    const CONFLICTS: [&str; 7] = [
        "event_full",
        "signup_closed",
        "already_signed_up",
        "signup_cancelled",
        "signup_not_waitlisted",
        "signup_not_registered",
        "signup_settled",
    ];
    let code = e.code();
    match e {
        _ if CONFLICTS.contains(&code) => AppError::Conflict(code),
        // What was typed is worth repeating; the rest of core's (Chinese) `Display` text is not shown.
        EventError::BadCapacity(typed) | EventError::BadAudience(typed) => AppError::typed(code, &typed),
        _ => AppError::invalid(code),
    }
}

pub fn store_refusal(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(code) => AppError::Conflict(code),
        other => other.into(),
    }
}

/// The event if the user belongs to its community (or is an admin), else 404.
pub async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> Result<Event, AppError> {
    let ev = store::get(&state.db, parse_id(id)?).await?.ok_or(AppError::NotFound)?;
    if !(user.actor.is_admin() || user.community_id() == Some(ev.community_id)) {
        return Err(AppError::NotFound);
    }
    Ok(ev)
}

/// Whether the user runs events in the event's community (staff, group leaders, admins).
pub fn manages(user: &CurrentUser, ev: &Event) -> bool {
    user.can(Action::ManageEvents, &Place::community(ev.community_id))
}

pub fn audience_of(e: &Event) -> Audience {
    let age = |v: Option<i32>| v.and_then(|a| u8::try_from(a).ok());
    Audience::from_parts(&e.audience, age(e.min_age), age(e.max_age)).unwrap_or(Audience::Everyone)
}

pub fn capacity_of(e: &Event) -> Option<Capacity> {
    e.capacity.and_then(|c| u32::try_from(c).ok()).and_then(|c| Capacity::new(c).ok())
}

/// How a sign-up was made, as the API and pages name it.
pub fn signed_up_as(s: &Signup) -> &'static str {
    if s.proxy {
        "proxy"
    } else if s.guardian {
        "guardian"
    } else {
        "self"
    }
}

/// Signs up `resident_id` (default: the user themselves) for `session`'s series. Residents sign up themselves or,
/// as guardian, a child of their household; staff anyone of the community (代报名, recorded as proxy).
pub async fn sign_up(
    state: &AppState,
    user: &CurrentUser,
    session: &Event,
    resident_id: Option<i64>,
    waitlist: bool,
) -> Result<(Signup, SignedUpBy, String), AppError> {
    let head = store::get(&state.db, store::head_of(session)).await?.ok_or(AppError::NotFound)?;
    // Open until the last session still on starts; nothing to sign up for when every session is cancelled.
    let closes = store::last_start(&state.db, &head).await?.ok_or(AppError::Conflict("signup_closed"))?;
    let staff = manages(user, &head);
    let own = match user.user.resident_id {
        Some(r) => grid::resident(&state.db, r).await?.map(|row| row.resident),
        None => None,
    };
    let resident_id = resident_id.or(own.as_ref().map(|r| r.id)).ok_or(AppError::Forbidden)?;
    let person = grid::resident(&state.db, resident_id).await?.ok_or(AppError::NotFound)?.resident;
    let household = grid::household(&state.db, person.household_id).await?.ok_or(AppError::NotFound)?;
    if household.community_id != head.community_id {
        return Err(AppError::NotFound);
    }
    if !staff && !user.can(Action::SignUpForEvent, &crate::grid::household_place(&household)) {
        return Err(AppError::Forbidden);
    }
    let on = weizhili_core::clock::china_time(head.starts_at).date_naive();
    let signer =
        Signer { resident_id: own.as_ref().map(|r| r.id), household_id: own.map(|r| r.household_id), proxy: staff };
    let this_year = state.clock.this_year();
    let attendee = Attendee {
        resident_id: person.id,
        household_id: Some(person.household_id),
        birth_year: person.birth_year.and_then(|y| BirthYear::new(y, this_year).ok()),
    };
    let as_whom = may_sign_up_for(&signer, &attendee, on).map_err(refusal)?;
    eligible(audience_of(&head), attendee.birth_year, on).map_err(refusal)?;
    let now = state.clock.now();
    let when_full = if waitlist { WhenFull::Waitlist } else { WhenFull::Refuse };
    let decide = |ev: &Event, already: bool, waiting: u32| {
        let terms = SignupTerms { capacity: capacity_of(ev), deadline: ev.signup_deadline, starts_at: closes };
        let places = Places { taken: u32::try_from(ev.registered).unwrap_or(0), waiting };
        decide_signup(&terms, places, already, when_full, now).map(|s| s.as_str()).map_err(|e| e.code())
    };
    let new = NewSignup {
        resident_id: person.id,
        household_id: person.household_id,
        signed_up_by: Some(user.user.id),
        proxy: as_whom == SignedUpBy::Proxy,
        guardian: as_whom == SignedUpBy::Guardian,
    };
    let txn = begin_write(&state.db).await?;
    let (_, signup) = store::sign_up(&txn, head.id, new, decide, now).await.map_err(store_refusal)?;
    let entry = user.audit("event.sign_up").object("event", head.id).community(Some(head.community_id));
    audit::record(&txn, now, entry.detail(format!("resident={} status={}", person.id, signup.status))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok((signup, as_whom, person.name))
}

fn notification(ev: &Event, kind: Kind, detail: Option<String>) -> NewNotification {
    NewNotification {
        community_id: Some(ev.community_id),
        kind,
        wish_id: None,
        event_id: Some(ev.id),
        title: ev.title.clone(),
        detail,
    }
}

/// Cancels sign-up `signup_id` of `session`'s series (its household or staff); the first in line moves up and
/// is told. Returns the promoted sign-ups.
pub async fn cancel_signup(
    state: &AppState,
    user: &CurrentUser,
    session: &Event,
    signup_id: &str,
) -> Result<Vec<Signup>, AppError> {
    let head = store::head_of(session);
    let s = store::signup(&state.db, parse_id(signup_id)?)
        .await?
        .filter(|s| s.event_id == head)
        .ok_or(AppError::NotFound)?;
    if !(manages(user, session) || user.actor.lives_in(Some(s.household_id))) {
        return Err(AppError::NotFound);
    }
    let status = SignupStatus::parse(&s.status).map_err(refusal)?;
    transition(status, SignupAction::Cancel).map_err(refusal)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let moved = store::cancel(&txn, &s, |ev, line| promote(capacity_of(ev), ev.registered as u32, line).to_vec(), now)
        .await
        .map_err(store_refusal)?;
    if let Some(head_row) = store::get(&txn, head).await? {
        let households: Vec<i64> = moved.iter().map(|m| m.household_id).collect();
        notify::send_households(&txn, &households, &notification(&head_row, Kind::EventPromoted, None), now).await?;
    }
    let entry = user.audit("event.cancel").object("event", head).community(Some(session.community_id));
    audit::record(&txn, now, entry.detail(format!("signup={} promoted={}", s.id, moved.len()))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(moved)
}

/// Checks `resident_id` (default: the user) in to `session`: staff anyone of the community at any time (from a
/// paper list afterwards too); a resident only themselves, from an hour before the start to an hour after the
/// end. Once per session: the second time gives back the first (`false`).
pub async fn check_in(
    state: &AppState,
    user: &CurrentUser,
    session: &Event,
    resident_id: Option<i64>,
) -> Result<(Checkin, bool), AppError> {
    let staff = manages(user, session);
    let resident_id = match (resident_id, user.user.resident_id) {
        (Some(r), _) if staff => r,
        (Some(r), Some(own)) if r == own => r,
        (None, Some(own)) => own,
        _ => return Err(AppError::Forbidden),
    };
    let now = state.clock.now();
    if session.status == "cancelled" {
        return Err(AppError::Conflict("event_cancelled"));
    }
    if !staff && (now < session.starts_at - SELF_CHECK_IN_BEFORE || now > session.ends_at + SELF_CHECK_IN_AFTER) {
        return Err(AppError::Conflict("check_in_closed"));
    }
    let person = grid::resident(&state.db, resident_id).await?.ok_or(AppError::NotFound)?.resident;
    let household = grid::household(&state.db, person.household_id).await?.ok_or(AppError::NotFound)?;
    if household.community_id != session.community_id {
        return Err(AppError::NotFound);
    }
    let txn = begin_write(&state.db).await?;
    let (checkin, new) = store::check_in(&txn, session, person.id, person.household_id, Some(user.user.id), now)
        .await
        .map_err(store_refusal)?;
    if new {
        let entry = user.audit("event.check_in").object("event", session.id).community(Some(session.community_id));
        audit::record(&txn, now, entry.detail(format!("resident={}", person.id))).await?;
    }
    txn.commit().await.map_err(StoreError::from)?;
    Ok((checkin, new))
}

/// Applies staff's edit to `session` (its time and place) and its series (the rest); raising the places moves
/// people up from the waitlist. Everyone signed up hears of a new time or place. Fewer places than are taken is
/// refused (`capacity_below_taken`): nobody loses a place they were given.
pub async fn edit(state: &AppState, user: &CurrentUser, session: &Event, edit: EventEdit) -> Result<(), AppError> {
    if !manages(user, session) {
        return Err(AppError::Forbidden);
    }
    let head = store::get(&state.db, store::head_of(session)).await?.ok_or(AppError::NotFound)?;
    if edit.capacity.is_some_and(|c| c < head.registered) {
        return Err(AppError::invalid_with("capacity_below_taken", vec![("taken", head.registered.to_string())]));
    }
    let moved_in_time = edit.starts_at != session.starts_at || edit.ends_at != session.ends_at;
    let changed = moved_in_time || edit.place != session.place;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    store::update(&txn, session, &edit, now).await?;
    let head = store::get(&txn, head.id).await?.ok_or(AppError::NotFound)?;
    let line: Vec<i64> = store::waitlist(&txn, head.id).await?.into_iter().map(|s| s.id).collect();
    let chosen = promote(capacity_of(&head), head.registered as u32, &line).to_vec();
    let promoted = store::promote(&txn, head.id, &chosen, now).await?;
    let households: Vec<i64> = promoted.iter().map(|m| m.household_id).collect();
    notify::send_households(&txn, &households, &notification(&head, Kind::EventPromoted, None), now).await?;
    if changed {
        let session = store::get(&txn, session.id).await?.ok_or(AppError::NotFound)?;
        let households = store::signed_up_households(&txn, &session).await?;
        notify::send_households(
            &txn,
            &households,
            &notification(&session, Kind::EventChanged, Some(when(&session))),
            now,
        )
        .await?;
    }
    let entry = user.audit("event.edit").object("event", session.id).community(Some(session.community_id));
    audit::record(&txn, now, entry.detail(format!("changed={changed} promoted={}", promoted.len()))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// When and where a session is, in Beijing time, for a notification's detail line.
pub fn when(ev: &Event) -> String {
    let local = |t: DateTime<Utc>| weizhili_core::clock::china_time(t);
    format!(
        "{} {}–{} {}",
        local(ev.starts_at).format("%m-%d"),
        local(ev.starts_at).format("%H:%M"),
        local(ev.ends_at).format("%H:%M"),
        ev.place
    )
}

/// Cancels `session` (or the rest of its series) and tells everyone signed up.
pub async fn cancel_event(
    state: &AppState,
    user: &CurrentUser,
    session: &Event,
    whole_series: bool,
) -> Result<u64, AppError> {
    if !manages(user, session) {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let cancelled = store::cancel_event(&txn, session, whole_series, now).await?;
    if cancelled == 0 {
        return Err(AppError::Conflict("event_cancelled"));
    }
    let households = store::signed_up_households(&txn, session).await?;
    let detail = if whole_series { None } else { Some(when(session)) };
    notify::send_households(&txn, &households, &notification(session, Kind::EventCancelled, detail), now).await?;
    let entry = user.audit("event.cancel_event").object("event", session.id).community(Some(session.community_id));
    audit::record(&txn, now, entry.detail(format!("sessions={cancelled}"))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(cancelled)
}

/// Marks the no-shows (缺席) of every event and series that is over (timed work, every few minutes).
pub async fn mark_no_shows(state: &AppState) -> Result<u64, AppError> {
    let txn = begin_write(&state.db).await?;
    let marked = store::mark_no_shows(&txn, state.clock.now()).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(marked)
}

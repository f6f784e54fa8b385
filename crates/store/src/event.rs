//! Micro-projects and events in the database: create events (one, or the sessions of a series), list them,
//! and sign people up, cancel and promote from the waitlist. Which sign-up is allowed, and what it becomes,
//! is decided by the caller (the rules live in `weizhili_core::event`); this module makes the decision on
//! the event's row locked against concurrent sign-ups, so 20 people pressing at once for 5 places give exactly
//! 5 registered and 15 waitlisted in order, on both databases.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

pub mod followup;
pub mod ledger;

use crate::entity::{event, event_signup, project};
use crate::{Result, StoreError};

mod changes;
mod sheet;
pub use changes::{
    EventEdit, cancel_event, checked_in, checkins, last_start, mark_no_shows, signed_up_households, update,
};
pub use sheet::{SignInSheet, sign_in_sheet_xlsx};

pub use crate::entity::event::Model as Event;
pub use crate::entity::event_signup::Model as Signup;
pub use crate::entity::project::Model as Project;

/// Statuses that hold one of the event's places.
pub const HOLDS_PLACE: [&str; 3] = ["registered", "attended", "no_show"];

pub async fn create_project(
    db: &impl ConnectionTrait,
    community_id: i64,
    title: String,
    description: String,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Project> {
    Ok(project::ActiveModel {
        community_id: Set(community_id),
        title: Set(title),
        description: Set(description),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// An event as staff describe it; `starts_at`/`ends_at` are per session.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub community_id: i64,
    pub project_id: Option<i64>,
    pub building_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub place: String,
    pub capacity: Option<i32>,
    pub audience: String,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub signup_deadline: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
}

/// Creates one event per session (`(start, end)` pairs, at least one); sessions after the first share the
/// first's id as their `series_id`. Each session has its own places, sign-ups and attendance.
pub async fn create(
    db: &impl ConnectionTrait,
    new: &NewEvent,
    sessions: &[(DateTime<Utc>, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<Vec<Event>> {
    let mut made: Vec<Event> = Vec::with_capacity(sessions.len());
    for (starts_at, ends_at) in sessions {
        let series_id = made.first().map(|e| e.id).filter(|_| sessions.len() > 1);
        let row = event::ActiveModel {
            community_id: Set(new.community_id),
            project_id: Set(new.project_id),
            building_id: Set(new.building_id),
            series_id: Set(series_id),
            title: Set(new.title.clone()),
            description: Set(new.description.clone()),
            place: Set(new.place.clone()),
            starts_at: Set(*starts_at),
            ends_at: Set(*ends_at),
            capacity: Set(new.capacity),
            audience: Set(new.audience.clone()),
            min_age: Set(new.min_age),
            max_age: Set(new.max_age),
            signup_deadline: Set(new.signup_deadline),
            status: Set("scheduled".into()),
            registered: Set(0),
            created_by: Set(new.created_by),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        made.push(row);
    }
    if made.len() > 1 {
        // The first session is its own series' head.
        let head = made[0].id;
        event::Entity::update_many()
            .col_expr(event::Column::SeriesId, Expr::value(head))
            .filter(event::Column::Id.eq(head))
            .exec(db)
            .await?;
        made[0].series_id = Some(head);
    }
    Ok(made)
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Event>> {
    Ok(event::Entity::find_by_id(id).one(db).await?)
}

/// A community's events starting in `[from, to)`, soonest first, at most `limit`.
pub async fn list(
    db: &impl ConnectionTrait,
    community_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    building_id: Option<i64>,
    limit: u64,
) -> Result<Vec<Event>> {
    let mut query = event::Entity::find()
        .filter(event::Column::CommunityId.eq(community_id))
        .filter(event::Column::StartsAt.gte(from))
        .filter(event::Column::StartsAt.lt(to));
    if let Some(b) = building_id {
        // A building's calendar: its own events and the whole community's.
        query = query.filter(
            sea_orm::Condition::any().add(event::Column::BuildingId.eq(b)).add(event::Column::BuildingId.is_null()),
        );
    }
    Ok(query
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .limit(Ord::min(limit, 500))
        .all(db)
        .await?)
}

/// Who is signed up for `resident_id` at an event, if anyone (cancelled sign-ups are not).
pub async fn live_signup(db: &impl ConnectionTrait, event_id: i64, resident_id: i64) -> Result<Option<Signup>> {
    Ok(event_signup::Entity::find()
        .filter(event_signup::Column::EventId.eq(event_id))
        .filter(event_signup::Column::ResidentId.eq(resident_id))
        .filter(event_signup::Column::Status.ne("cancelled"))
        .one(db)
        .await?)
}

/// A sign-up as it arrives.
#[derive(Debug, Clone)]
pub struct NewSignup {
    pub resident_id: i64,
    pub household_id: i64,
    pub signed_up_by: Option<i64>,
    pub proxy: bool,
    pub guardian: bool,
}

/// Signs a person up, inside the caller's write transaction. The event's row is locked first (on PostgreSQL
/// `FOR UPDATE`; SQLite's write transaction holds the whole database), then `decide(event, already signed up,
/// how many wait)` says what the sign-up becomes (`"registered"` or `"waitlisted"`) or why not (an error code), and the place
/// count moves with it. A second live sign-up of the same person is `Conflict("already_signed_up")` whatever
/// `decide` says.
pub async fn sign_up(
    db: &impl ConnectionTrait,
    event_id: i64,
    new: NewSignup,
    decide: impl FnOnce(&Event, bool, u32) -> std::result::Result<&'static str, &'static str>,
    now: DateTime<Utc>,
) -> Result<(Event, Signup)> {
    let ev = event::Entity::find_by_id(event_id).lock_exclusive().one(db).await?.ok_or(StoreError::NotFound)?;
    let already = live_signup(db, event_id, new.resident_id).await?.is_some();
    let waiting = event_signup::Entity::find()
        .filter(event_signup::Column::EventId.eq(event_id))
        .filter(event_signup::Column::Status.eq("waitlisted"));
    let waiting = crate::count_of(db, waiting, event_signup::Column::Id).await?;
    let status = decide(&ev, already, u32::try_from(waiting).unwrap_or(u32::MAX)).map_err(StoreError::Conflict)?;
    let signup = event_signup::ActiveModel {
        event_id: Set(ev.id),
        community_id: Set(ev.community_id),
        resident_id: Set(new.resident_id),
        household_id: Set(new.household_id),
        signed_up_by: Set(new.signed_up_by),
        proxy: Set(new.proxy),
        guardian: Set(new.guardian),
        walk_in: Set(false),
        status: Set(status.to_owned()),
        checked_in_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "already_signed_up"))?;
    if HOLDS_PLACE.contains(&status) {
        bump(db, ev.id, 1).await?;
    }
    let ev = get(db, ev.id).await?.ok_or(StoreError::NotFound)?;
    Ok((ev, signup))
}

async fn bump(db: &impl ConnectionTrait, event_id: i64, by: i32) -> Result<()> {
    event::Entity::update_many()
        .col_expr(event::Column::Registered, Expr::col(event::Column::Registered).add(by))
        .filter(event::Column::Id.eq(event_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The waitlist of an event, first in line first.
pub async fn waitlist(db: &impl ConnectionTrait, event_id: i64) -> Result<Vec<Signup>> {
    Ok(event_signup::Entity::find()
        .filter(event_signup::Column::EventId.eq(event_id))
        .filter(event_signup::Column::Status.eq("waitlisted"))
        .order_by_asc(event_signup::Column::Id)
        .all(db)
        .await?)
}

/// Cancels a live sign-up inside the caller's write transaction and fills freed places from the waitlist:
/// `promote(event after the cancellation, waitlist ids in order)` says who moves up (the rule is
/// `weizhili_core::event::promote`). Returns the promoted sign-ups, to tell them.
pub async fn cancel(
    db: &impl ConnectionTrait,
    signup: &Signup,
    promote: impl FnOnce(&Event, &[i64]) -> Vec<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<Signup>> {
    let ev = event::Entity::find_by_id(signup.event_id).lock_exclusive().one(db).await?.ok_or(StoreError::NotFound)?;
    let done = event_signup::Entity::update_many()
        .col_expr(event_signup::Column::Status, Expr::value("cancelled"))
        .col_expr(event_signup::Column::UpdatedAt, Expr::value(now))
        .filter(event_signup::Column::Id.eq(signup.id))
        .filter(event_signup::Column::Status.eq(signup.status.as_str()))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(StoreError::Conflict("signup_changed"));
    }
    let freed = HOLDS_PLACE.contains(&signup.status.as_str());
    if freed {
        bump(db, ev.id, -1).await?;
    }
    let ev = get(db, ev.id).await?.ok_or(StoreError::NotFound)?;
    let line: Vec<i64> = waitlist(db, ev.id).await?.into_iter().map(|s| s.id).collect();
    let chosen = promote(&ev, &line);
    self::promote(db, ev.id, &chosen, now).await
}

/// Moves the waitlisted sign-ups `chosen` of event `event_id` up to places, inside the caller's write
/// transaction (after a cancellation or a raise of capacity). Returns them, to tell them.
pub async fn promote(
    db: &impl ConnectionTrait,
    event_id: i64,
    chosen: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<Signup>> {
    if chosen.is_empty() {
        return Ok(vec![]);
    }
    let done = event_signup::Entity::update_many()
        .col_expr(event_signup::Column::Status, Expr::value("registered"))
        .col_expr(event_signup::Column::UpdatedAt, Expr::value(now))
        .filter(event_signup::Column::Id.is_in(chosen.iter().copied()))
        .filter(event_signup::Column::EventId.eq(event_id))
        .filter(event_signup::Column::Status.eq("waitlisted"))
        .exec(db)
        .await?;
    bump(db, event_id, done.rows_affected as i32).await?;
    Ok(event_signup::Entity::find().filter(event_signup::Column::Id.is_in(chosen.iter().copied())).all(db).await?)
}

/// The sign-ups of an event, in order (places first, then the waitlist), cancelled ones left out.
pub async fn signups(db: &impl ConnectionTrait, event_id: i64) -> Result<Vec<Signup>> {
    let mut rows = event_signup::Entity::find()
        .filter(event_signup::Column::EventId.eq(event_id))
        .filter(event_signup::Column::Status.ne("cancelled"))
        .order_by_asc(event_signup::Column::Id)
        .all(db)
        .await?;
    rows.sort_by_key(|s| (s.status == "waitlisted", s.id));
    Ok(rows)
}

pub async fn signup(db: &impl ConnectionTrait, id: i64) -> Result<Option<Signup>> {
    Ok(event_signup::Entity::find_by_id(id).one(db).await?)
}

pub use crate::entity::event_checkin::Model as Checkin;

/// The first session of `ev`'s series (itself when it stands alone): where sign-ups are kept.
pub fn head_of(ev: &Event) -> i64 {
    ev.series_id.unwrap_or(ev.id)
}

/// Checks a person in to one session, inside the caller's write transaction. Once per person and session: a
/// second check-in gives back the first (`false`). Their sign-up for the series becomes `attended` (taking a
/// place if they were waiting); with no sign-up, a walk-in sign-up is recorded (`walk_in`, over capacity if
/// need be). Returns the check-in and whether it is new.
pub async fn check_in(
    db: &impl ConnectionTrait,
    session: &Event,
    resident_id: i64,
    household_id: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(Checkin, bool)> {
    use crate::entity::event_checkin;
    let head = head_of(session);
    // A double tap, or staff and the resident at once: without the series' row held (on PostgreSQL `FOR UPDATE`;
    // SQLite's write transaction holds the whole database), both would find no check-in and no sign-up, and the
    // second would fail on the unique indexes instead of getting the first back.
    event::Entity::find_by_id(head).lock_exclusive().one(db).await?.ok_or(StoreError::NotFound)?;
    let existing = event_checkin::Entity::find()
        .filter(event_checkin::Column::EventId.eq(session.id))
        .filter(event_checkin::Column::ResidentId.eq(resident_id))
        .one(db)
        .await?;
    if let Some(found) = existing {
        return Ok((found, false));
    }
    let signup = match live_signup(db, head, resident_id).await? {
        Some(s) => {
            if s.status != "attended" {
                event_signup::Entity::update_many()
                    .col_expr(event_signup::Column::Status, Expr::value("attended"))
                    .col_expr(event_signup::Column::CheckedInAt, Expr::value(now))
                    .col_expr(event_signup::Column::UpdatedAt, Expr::value(now))
                    .filter(event_signup::Column::Id.eq(s.id))
                    .exec(db)
                    .await?;
                if !HOLDS_PLACE.contains(&s.status.as_str()) {
                    bump(db, head, 1).await?;
                }
            }
            s
        }
        None => {
            event_signup::ActiveModel {
                event_id: Set(head),
                community_id: Set(session.community_id),
                resident_id: Set(resident_id),
                household_id: Set(household_id),
                signed_up_by: Set(by),
                proxy: Set(false),
                guardian: Set(false),
                walk_in: Set(true),
                status: Set("attended".into()),
                checked_in_at: Set(Some(now)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    let made = event_checkin::ActiveModel {
        event_id: Set(session.id),
        head_id: Set(head),
        community_id: Set(session.community_id),
        resident_id: Set(resident_id),
        signup_id: Set(Some(signup.id)),
        walk_in: Set(signup.walk_in),
        checked_in_by: Set(by),
        checked_in_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "already_checked_in"))?;
    Ok((made, true))
}

/// (person, session) for every check-in of a series: what `core::event::attendance_counts` counts.
pub async fn checkins_of_series(db: &impl ConnectionTrait, head_id: i64) -> Result<Vec<(i64, i64)>> {
    use crate::entity::event_checkin;
    Ok(event_checkin::Entity::find()
        .select_only()
        .column(event_checkin::Column::ResidentId)
        .column(event_checkin::Column::EventId)
        .filter(event_checkin::Column::HeadId.eq(head_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// The sessions of a series, in order.
pub async fn sessions_of(db: &impl ConnectionTrait, head_id: i64) -> Result<Vec<Event>> {
    Ok(event::Entity::find()
        .filter(sea_orm::Condition::any().add(event::Column::Id.eq(head_id)).add(event::Column::SeriesId.eq(head_id)))
        .order_by_asc(event::Column::StartsAt)
        .all(db)
        .await?)
}

pub async fn project(db: &impl ConnectionTrait, id: i64) -> Result<Option<Project>> {
    Ok(project::Entity::find_by_id(id).one(db).await?)
}

/// A community's projects, newest first (for the event form's choice).
pub async fn projects(db: &impl ConnectionTrait, community_id: i64) -> Result<Vec<Project>> {
    Ok(project::Entity::find()
        .filter(project::Column::CommunityId.eq(community_id))
        .order_by_desc(project::Column::Id)
        .all(db)
        .await?)
}

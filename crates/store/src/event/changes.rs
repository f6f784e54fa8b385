//! Changes to events after they are made: staff edit or cancel a session or a whole series, people who never
//! came are marked no-shows once it is over, and a session's check-ins are read for the staff's list.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{Event, head_of};
use crate::Result;
use crate::entity::{event, event_checkin, event_signup};

/// What staff may change. The series' shared fields (title, description, capacity, deadline, audience) apply to
/// every session; the time and place to the one session edited.
#[derive(Debug, Clone)]
pub struct EventEdit {
    pub title: String,
    pub description: String,
    pub capacity: Option<i32>,
    pub signup_deadline: Option<DateTime<Utc>>,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The sessions a change reaches: the whole series or the one session.
fn series_condition(ev: &Event) -> Condition {
    let head = head_of(ev);
    Condition::any().add(event::Column::Id.eq(head)).add(event::Column::SeriesId.eq(head))
}

/// Applies `edit` to `session` (and its series' shared fields), inside the caller's write transaction.
pub async fn update(db: &impl ConnectionTrait, session: &Event, edit: &EventEdit, now: DateTime<Utc>) -> Result<()> {
    event::Entity::update_many()
        .col_expr(event::Column::Title, Expr::value(edit.title.clone()))
        .col_expr(event::Column::Description, Expr::value(edit.description.clone()))
        .col_expr(event::Column::Capacity, Expr::value(edit.capacity))
        .col_expr(event::Column::SignupDeadline, Expr::value(edit.signup_deadline))
        .col_expr(event::Column::UpdatedAt, Expr::value(now))
        .filter(series_condition(session))
        .exec(db)
        .await?;
    event::Entity::update_many()
        .col_expr(event::Column::Place, Expr::value(edit.place.clone()))
        .col_expr(event::Column::StartsAt, Expr::value(edit.starts_at))
        .col_expr(event::Column::EndsAt, Expr::value(edit.ends_at))
        .filter(event::Column::Id.eq(session.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Cancels `session`, or with `whole_series` every session of its series not yet started (a series' past
/// sessions keep their attendance). Returns how many sessions it cancelled.
pub async fn cancel_event(
    db: &impl ConnectionTrait,
    session: &Event,
    whole_series: bool,
    now: DateTime<Utc>,
) -> Result<u64> {
    let which = if whole_series {
        Condition::all().add(series_condition(session)).add(event::Column::StartsAt.gt(now))
    } else {
        Condition::all().add(event::Column::Id.eq(session.id))
    };
    let done = event::Entity::update_many()
        .col_expr(event::Column::Status, Expr::value("cancelled"))
        .col_expr(event::Column::UpdatedAt, Expr::value(now))
        .filter(which)
        .filter(event::Column::Status.eq("scheduled"))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// The households with a live sign-up for `session`'s series: whom to tell of a change. Someone checked in to an
/// earlier session (`attended`) is still coming to the rest of the series, so they are told too.
pub async fn signed_up_households(db: &impl ConnectionTrait, session: &Event) -> Result<Vec<i64>> {
    Ok(event_signup::Entity::find()
        .select_only()
        .column(event_signup::Column::HouseholdId)
        .distinct()
        .filter(event_signup::Column::EventId.eq(head_of(session)))
        .filter(event_signup::Column::Status.is_in(["registered", "waitlisted", "attended"]))
        .into_tuple()
        .all(db)
        .await?)
}

/// Marks as no-shows (缺席) the sign-ups still `registered` for events and series whose last session has ended
/// before `now` (checking someone in later still turns theirs into `attended`). Returns how many it marked.
pub async fn mark_no_shows(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    let head = Expr::cust("COALESCE(series_id, id)");
    let over = Query::select()
        .expr(head.clone())
        .from(event::Entity)
        .and_where(Expr::col(event::Column::Status).eq("scheduled"))
        .add_group_by([head])
        .and_having(Func::max(Expr::col(event::Column::EndsAt)).lt(now))
        .to_owned();
    let done = event_signup::Entity::update_many()
        .col_expr(event_signup::Column::Status, Expr::value("no_show"))
        .col_expr(event_signup::Column::UpdatedAt, Expr::value(now))
        .filter(event_signup::Column::Status.eq("registered"))
        .filter(event_signup::Column::EventId.in_subquery(over))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Who is checked in to one session.
pub async fn checked_in(db: &impl ConnectionTrait, session_id: i64) -> Result<HashSet<i64>> {
    let ids: Vec<i64> = event_checkin::Entity::find()
        .select_only()
        .column(event_checkin::Column::ResidentId)
        .filter(event_checkin::Column::EventId.eq(session_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// The check-ins of one session, in the order they came (walk-ins included): the sign-in sheet's rows.
pub async fn checkins(db: &impl ConnectionTrait, session_id: i64) -> Result<Vec<super::Checkin>> {
    use sea_orm::QueryOrder;
    Ok(event_checkin::Entity::find()
        .filter(event_checkin::Column::EventId.eq(session_id))
        .order_by_asc(event_checkin::Column::CheckedInAt)
        .order_by_asc(event_checkin::Column::Id)
        .all(db)
        .await?)
}

/// When the last session of `ev`'s series still on starts (its own start when it stands alone), or `None` when
/// every session is cancelled: a series takes sign-ups until then, so a child can join the "430" class mid-term,
/// and a cancelled first session (a holiday) does not close the term.
pub async fn last_start(db: &impl ConnectionTrait, ev: &Event) -> Result<Option<DateTime<Utc>>> {
    if ev.series_id.is_none() {
        return Ok((ev.status == "scheduled").then_some(ev.starts_at));
    }
    let last: Option<DateTime<Utc>> = event::Entity::find()
        .select_only()
        .expr(Func::max(Expr::col(event::Column::StartsAt)))
        .filter(series_condition(ev))
        .filter(event::Column::Status.eq("scheduled"))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    Ok(last)
}

//! What follows an event in the database: volunteer shifts and who is on them (taken on the shift's locked row,
//! so a full shift stays full however many press at once), the served mark with the pending service record it
//! makes (compare and set: marked once), the summary (活动总结), the photos (`media` rows owned by `event`), and
//! feedback (once per person and event, editable). Whether an action is allowed is the caller's question
//! (`weizhili_core::event::followup`, `weizhili_core::access`).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use weizhili_core::access::Role;

use crate::entity::{
    event_checkin, event_feedback, event_shift, event_shift_volunteer, event_summary, media, resident,
};
use crate::service::{NewRecord, Record};
use crate::{Result, StoreError};

pub use crate::entity::event_feedback::Model as Feedback;
pub use crate::entity::event_shift::Model as Shift;
pub use crate::entity::event_shift_volunteer::Model as OnShift;
pub use crate::entity::event_summary::Model as Summary;
pub use crate::entity::media::Model as Photo;

/// The `media.owner_kind` of an event's photos.
pub const PHOTO_OWNER: &str = "event";

#[derive(Debug, Clone)]
pub struct NewShift {
    pub community_id: i64,
    pub event_id: i64,
    pub role: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub places: i32,
    pub created_by: Option<i64>,
}

pub async fn add_shift(db: &impl ConnectionTrait, new: NewShift, now: DateTime<Utc>) -> Result<Shift> {
    Ok(event_shift::ActiveModel {
        community_id: Set(new.community_id),
        event_id: Set(new.event_id),
        role: Set(new.role),
        starts_at: Set(new.starts_at),
        ends_at: Set(new.ends_at),
        places: Set(new.places),
        created_by: Set(new.created_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn shift(db: &impl ConnectionTrait, id: i64) -> Result<Option<Shift>> {
    Ok(event_shift::Entity::find_by_id(id).one(db).await?)
}

/// An event's shifts, by role then start.
pub async fn shifts_of(db: &impl ConnectionTrait, event_id: i64) -> Result<Vec<Shift>> {
    Ok(event_shift::Entity::find()
        .filter(event_shift::Column::EventId.eq(event_id))
        .order_by_asc(event_shift::Column::StartsAt)
        .order_by_asc(event_shift::Column::Id)
        .all(db)
        .await?)
}

/// Everyone on an event's shifts, in the order they came.
pub async fn on_shifts(db: &impl ConnectionTrait, event_id: i64) -> Result<Vec<OnShift>> {
    Ok(event_shift_volunteer::Entity::find()
        .filter(event_shift_volunteer::Column::EventId.eq(event_id))
        .order_by_asc(event_shift_volunteer::Column::Id)
        .all(db)
        .await?)
}

pub async fn on_shift(db: &impl ConnectionTrait, id: i64) -> Result<Option<OnShift>> {
    Ok(event_shift_volunteer::Entity::find_by_id(id).one(db).await?)
}

/// Puts `user_id` on a shift, inside the caller's write transaction: the shift's row is locked first (`FOR
/// UPDATE` on PostgreSQL; SQLite's write transaction holds the database), then `decide(shift, places taken,
/// already on it)` says yes or why not (an error code). A second place for the same person is
/// `Conflict("already_on_shift")` whatever `decide` says (a unique index).
pub async fn take_shift(
    db: &impl ConnectionTrait,
    shift_id: i64,
    user_id: i64,
    assigned_by: Option<i64>,
    decide: impl FnOnce(&Shift, u32, bool) -> std::result::Result<(), &'static str>,
    now: DateTime<Utc>,
) -> Result<OnShift> {
    let s = event_shift::Entity::find_by_id(shift_id).lock_exclusive().one(db).await?.ok_or(StoreError::NotFound)?;
    let on: Vec<i64> = event_shift_volunteer::Entity::find()
        .select_only()
        .column(event_shift_volunteer::Column::UserId)
        .filter(event_shift_volunteer::Column::ShiftId.eq(shift_id))
        .into_tuple()
        .all(db)
        .await?;
    let taken = u32::try_from(on.len()).unwrap_or(u32::MAX);
    decide(&s, taken, on.contains(&user_id)).map_err(StoreError::Conflict)?;
    event_shift_volunteer::ActiveModel {
        community_id: Set(s.community_id),
        event_id: Set(s.event_id),
        shift_id: Set(s.id),
        user_id: Set(user_id),
        assigned_by: Set(assigned_by),
        served_at: Set(None),
        served_by: Set(None),
        service_record_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "already_on_shift"))
}

/// Takes someone off a shift they have not served yet (`Conflict("already_served")` otherwise).
pub async fn leave_shift(db: &impl ConnectionTrait, id: i64) -> Result<()> {
    let done = event_shift_volunteer::Entity::delete_many()
        .filter(event_shift_volunteer::Column::Id.eq(id))
        .filter(event_shift_volunteer::Column::ServedAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(StoreError::Conflict("already_served"));
    }
    Ok(())
}

/// Marks a volunteer as having served their shift and records the pending service record, in the caller's
/// transaction. Compare and set on `served_at`: a second mark is `Conflict("already_served")`.
pub async fn mark_served(
    db: &impl ConnectionTrait,
    on: &OnShift,
    by: i64,
    record: NewRecord,
    now: DateTime<Utc>,
) -> Result<(OnShift, Record)> {
    let done = event_shift_volunteer::Entity::update_many()
        .col_expr(event_shift_volunteer::Column::ServedAt, Expr::value(now))
        .col_expr(event_shift_volunteer::Column::ServedBy, Expr::value(by))
        .filter(event_shift_volunteer::Column::Id.eq(on.id))
        .filter(event_shift_volunteer::Column::ServedAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(StoreError::Conflict("already_served"));
    }
    // Event records carry no wish, so the one-per-wish index never refuses them.
    let made = crate::service::record_pending(db, record, now).await?.ok_or(StoreError::Conflict("already_served"))?;
    event_shift_volunteer::Entity::update_many()
        .col_expr(event_shift_volunteer::Column::ServiceRecordId, Expr::value(made.id))
        .filter(event_shift_volunteer::Column::Id.eq(on.id))
        .exec(db)
        .await?;
    let after = on_shift(db, on.id).await?.ok_or(StoreError::NotFound)?;
    Ok((after, made))
}

/// The users of a community who may be put on a shift (volunteers and staff), as (user id, display name), by
/// name. The rule itself is `access`'s (`Action::VolunteerAtEvent`); this is its list.
pub async fn volunteers_of(db: &impl ConnectionTrait, community_id: i64) -> Result<Vec<(i64, String)>> {
    use crate::entity::{role_grant, user};
    let roles = [Role::Volunteer, Role::Staff].map(Role::as_str);
    let ids: Vec<i64> = role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::UserId)
        .filter(role_grant::Column::Role.is_in(roles))
        .filter(role_grant::Column::CommunityId.eq(community_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Status.eq("active"))
        .order_by_asc(user::Column::DisplayName)
        .into_tuple()
        .all(db)
        .await?)
}

pub async fn summary_of(db: &impl ConnectionTrait, event_id: i64) -> Result<Option<Summary>> {
    Ok(event_summary::Entity::find().filter(event_summary::Column::EventId.eq(event_id)).one(db).await?)
}

/// Writes or rewrites an event's summary, inside the caller's write transaction.
pub async fn set_summary(
    db: &impl ConnectionTrait,
    community_id: i64,
    event_id: i64,
    text: String,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Summary> {
    match summary_of(db, event_id).await? {
        Some(found) => {
            let mut row: event_summary::ActiveModel = found.into();
            row.summary = Set(text);
            row.written_by = Set(Some(by));
            row.updated_at = Set(now);
            Ok(row.update(db).await?)
        }
        None => Ok(event_summary::ActiveModel {
            community_id: Set(community_id),
            event_id: Set(event_id),
            summary: Set(text),
            written_by: Set(Some(by)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?),
    }
}

/// A stored photo of an event to record.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub community_id: i64,
    pub event_id: i64,
    pub key: String,
    pub thumb_key: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub uploaded_by: i64,
}

pub async fn add_photo(db: &impl ConnectionTrait, new: NewPhoto, now: DateTime<Utc>) -> Result<Photo> {
    Ok(media::ActiveModel {
        community_id: Set(new.community_id),
        owner_kind: Set(PHOTO_OWNER.into()),
        owner_id: Set(new.event_id),
        update_id: Set(None),
        key: Set(new.key),
        thumb_key: Set(new.thumb_key),
        content_type: Set(new.content_type),
        width: Set(new.width),
        height: Set(new.height),
        bytes: Set(new.bytes),
        uploaded_by: Set(Some(new.uploaded_by)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// An event's photos, oldest first.
pub async fn photos_of(db: &impl ConnectionTrait, event_id: i64) -> Result<Vec<Photo>> {
    Ok(media::Entity::find()
        .filter(media::Column::OwnerKind.eq(PHOTO_OWNER))
        .filter(media::Column::OwnerId.eq(event_id))
        .order_by_asc(media::Column::Id)
        .all(db)
        .await?)
}

/// One photo of an event (`None` when it belongs to another event or to something else).
pub async fn photo(db: &impl ConnectionTrait, event_id: i64, id: i64) -> Result<Option<Photo>> {
    Ok(media::Entity::find_by_id(id)
        .filter(media::Column::OwnerKind.eq(PHOTO_OWNER))
        .filter(media::Column::OwnerId.eq(event_id))
        .one(db)
        .await?)
}

/// The residents checked in to any session of a series who are `resident_id` or live in `household_id`: whom a
/// person may answer for (the rule is `core::event::followup::may_give_feedback`).
pub async fn attended_from(
    db: &impl ConnectionTrait,
    head_id: i64,
    resident_id: i64,
    household_id: i64,
) -> Result<Vec<resident::Model>> {
    let came: HashSet<i64> = event_checkin::Entity::find()
        .select_only()
        .column(event_checkin::Column::ResidentId)
        .filter(event_checkin::Column::HeadId.eq(head_id))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let home = resident::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(resident::Column::Id.eq(resident_id))
                .add(resident::Column::HouseholdId.eq(household_id)),
        )
        .all(db)
        .await?;
    Ok(home.into_iter().filter(|r| came.contains(&r.id)).collect())
}

#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub community_id: i64,
    pub head_id: i64,
    pub resident_id: i64,
    pub household_id: i64,
    /// The account that gave it (none when recorded from a paper form).
    pub user_id: Option<i64>,
    pub rating: i32,
    pub comment: Option<String>,
}

pub async fn feedback_by(db: &impl ConnectionTrait, head_id: i64, resident_id: i64) -> Result<Option<Feedback>> {
    Ok(event_feedback::Entity::find()
        .filter(event_feedback::Column::EventId.eq(head_id))
        .filter(event_feedback::Column::ResidentId.eq(resident_id))
        .one(db)
        .await?)
}

/// Gives feedback, or changes the feedback this person gave (one per person and event). Returns it and whether
/// it is new.
pub async fn give_feedback(
    db: &impl ConnectionTrait,
    new: NewFeedback,
    now: DateTime<Utc>,
) -> Result<(Feedback, bool)> {
    if let Some(found) = feedback_by(db, new.head_id, new.resident_id).await? {
        let mut row: event_feedback::ActiveModel = found.into();
        row.rating = Set(new.rating);
        row.comment = Set(new.comment);
        row.user_id = Set(new.user_id);
        row.updated_at = Set(now);
        return Ok((row.update(db).await?, false));
    }
    let made = event_feedback::ActiveModel {
        community_id: Set(new.community_id),
        event_id: Set(new.head_id),
        resident_id: Set(new.resident_id),
        household_id: Set(new.household_id),
        user_id: Set(new.user_id),
        rating: Set(new.rating),
        comment: Set(new.comment),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::on_unique(e, "feedback_exists"))?;
    Ok((made, true))
}

/// An event's feedback, newest first.
pub async fn feedback_of(db: &impl ConnectionTrait, head_id: i64) -> Result<Vec<Feedback>> {
    Ok(event_feedback::Entity::find()
        .filter(event_feedback::Column::EventId.eq(head_id))
        .order_by_desc(event_feedback::Column::UpdatedAt)
        .order_by_desc(event_feedback::Column::Id)
        .all(db)
        .await?)
}

/// The sum and number of an event's ratings.
pub async fn ratings_of(db: &impl ConnectionTrait, head_id: i64) -> Result<(i64, u64)> {
    let ratings: Vec<i32> = event_feedback::Entity::find()
        .select_only()
        .column(event_feedback::Column::Rating)
        .filter(event_feedback::Column::EventId.eq(head_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok((ratings.iter().map(|r| i64::from(*r)).sum(), ratings.len() as u64))
}

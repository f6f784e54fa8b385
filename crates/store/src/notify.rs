//! Notifications (the bell): write them, count the unread, list a person's, mark them read.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use weizhili_core::notify::Kind;

use crate::Result;
use crate::entity::notification;
use crate::grid::Page;

pub use crate::entity::notification::Model as Notification;

/// What a notification says; the same for every recipient.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub community_id: Option<i64>,
    pub kind: Kind,
    pub wish_id: Option<i64>,
    /// The event it is about (a session), if any.
    pub event_id: Option<i64>,
    pub title: String,
    pub detail: Option<String>,
}

/// Tells each of `users` (duplicates once) about `notification`.
pub async fn send(
    db: &impl ConnectionTrait,
    users: &[i64],
    notification: &NewNotification,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    if users.is_empty() {
        return Ok(());
    }
    let rows = users.into_iter().map(|user_id| notification::ActiveModel {
        user_id: Set(user_id),
        community_id: Set(notification.community_id),
        kind: Set(notification.kind.as_str().to_owned()),
        wish_id: Set(notification.wish_id),
        event_id: Set(notification.event_id),
        title: Set(notification.title.chars().take(80).collect()),
        detail: Set(notification.detail.clone()),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    });
    notification::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// How many notifications `user_id` has not read (what the bell shows).
pub async fn unread_count(db: &impl ConnectionTrait, user_id: i64) -> Result<u64> {
    let query = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    crate::count_of(db, query, notification::Column::Id).await
}

/// A person's notifications, newest first.
pub async fn list(db: &impl ConnectionTrait, user_id: i64, page: u64, per_page: u64) -> Result<Page<Notification>> {
    let per_page = per_page.clamp(1, 100);
    let page = page.max(1);
    let query = notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
    let total = crate::count_of(db, query.clone(), notification::Column::Id).await?;
    let rows = query
        .order_by_desc(notification::Column::Id)
        .offset(crate::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok(Page { rows, total, page, per_page })
}

pub async fn get(db: &impl ConnectionTrait, user_id: i64, id: i64) -> Result<Option<Notification>> {
    Ok(notification::Entity::find_by_id(id).filter(notification::Column::UserId.eq(user_id)).one(db).await?)
}

/// Marks one of the user's notifications read, or all of them when `id` is `None`; returns how many changed.
pub async fn mark_read(db: &impl ConnectionTrait, user_id: i64, id: Option<i64>, now: DateTime<Utc>) -> Result<u64> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Whether `user_id` was sent a notification of `kind` at or after `since` (the daily summary goes once a day).
pub async fn sent_since(db: &impl ConnectionTrait, user_id: i64, kind: Kind, since: DateTime<Utc>) -> Result<bool> {
    Ok(notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.eq(kind.as_str()))
        .filter(notification::Column::CreatedAt.gte(since))
        .into_tuple::<i64>()
        .one(db)
        .await?
        .is_some())
}

/// Wishes notified to `user_id` of `kind` about `wish_id` (so a warning goes once).
pub async fn sent_about(db: &impl ConnectionTrait, user_id: i64, kind: Kind, wish_id: i64) -> Result<bool> {
    Ok(notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.eq(kind.as_str()))
        .filter(notification::Column::WishId.eq(wish_id))
        .into_tuple::<i64>()
        .one(db)
        .await?
        .is_some())
}

/// Tells every active account of the households (their residents' logins) about `notification`, in one statement
/// (`INSERT … SELECT`): the claim path is hot, and an event's sign-ups span many households.
pub async fn send_households(
    db: &impl ConnectionTrait,
    households: &[i64],
    notification: &NewNotification,
    now: DateTime<Utc>,
) -> Result<()> {
    if households.is_empty() {
        return Ok(());
    }
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    use weizhili_core::access::Role;

    use crate::entity::{role_grant, user};
    let title: String = notification.title.chars().take(80).collect();
    let accounts = Query::select()
        .distinct()
        .column((role_grant::Entity, role_grant::Column::UserId))
        .expr(Expr::val(notification.community_id))
        .expr(Expr::val(notification.kind.as_str()))
        .expr(Expr::val(notification.wish_id))
        .expr(Expr::val(notification.event_id))
        .expr(Expr::val(title))
        .expr(Expr::val(notification.detail.clone()))
        .expr(Expr::val(now))
        .from(role_grant::Entity)
        .inner_join(
            user::Entity,
            Expr::col((user::Entity, user::Column::Id)).equals((role_grant::Entity, role_grant::Column::UserId)),
        )
        .and_where(Expr::col((role_grant::Entity, role_grant::Column::Role)).eq(Role::Resident.as_str()))
        .and_where(Expr::col((role_grant::Entity, role_grant::Column::ScopeId)).is_in(households.iter().copied()))
        .and_where(Expr::col((user::Entity, user::Column::Status)).eq("active"))
        .to_owned();
    let insert = Query::insert()
        .into_table(notification::Entity)
        .columns([
            notification::Column::UserId,
            notification::Column::CommunityId,
            notification::Column::Kind,
            notification::Column::WishId,
            notification::Column::EventId,
            notification::Column::Title,
            notification::Column::Detail,
            notification::Column::CreatedAt,
        ])
        .select_from(accounts)
        .map_err(|e| crate::StoreError::Invalid(e.to_string()))?
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

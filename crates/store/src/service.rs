//! Volunteer service records (志愿服务记录): created pending when a wisher confirms a fulfilled wish, then
//! confirmed by staff as they are or with corrected hours.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use weizhili_core::service::RecordStatus;

use crate::entity::service_record;
use crate::grid::Page;
use crate::{Result, StoreError};

pub use crate::entity::service_record::Model as Record;

#[derive(Debug, Clone)]
pub struct NewRecord {
    pub community_id: i64,
    pub user_id: i64,
    pub wish_id: Option<i64>,
    pub event_id: Option<i64>,
    pub what: String,
    pub served_on: NaiveDate,
    pub minutes: i32,
}

/// Records a pending service; a second record for the same wish and volunteer is not made (`Ok(None)`).
pub async fn record_pending(db: &impl ConnectionTrait, new: NewRecord, now: DateTime<Utc>) -> Result<Option<Record>> {
    let inserted = service_record::ActiveModel {
        community_id: Set(new.community_id),
        user_id: Set(new.user_id),
        wish_id: Set(new.wish_id),
        event_id: Set(new.event_id),
        what: Set(new.what.chars().take(80).collect()),
        served_on: Set(new.served_on),
        minutes: Set(new.minutes),
        status: Set(RecordStatus::Pending.as_str().to_owned()),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
        note: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted.map_err(|e| StoreError::on_unique(e, "service_record_exists")) {
        Ok(r) => Ok(Some(r)),
        Err(StoreError::Conflict("service_record_exists")) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Record>> {
    Ok(service_record::Entity::find_by_id(id).one(db).await?)
}

/// Confirms a pending record, with the hours staff settled on (compare and set: a record confirmed meanwhile is
/// `Conflict("service_already_confirmed")`).
pub async fn confirm(
    db: &impl ConnectionTrait,
    id: i64,
    by: i64,
    minutes: i32,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<Record> {
    let done = service_record::Entity::update_many()
        .col_expr(service_record::Column::Status, Expr::value(RecordStatus::Confirmed.as_str()))
        .col_expr(service_record::Column::Minutes, Expr::value(minutes))
        .col_expr(service_record::Column::Note, Expr::value(note))
        .col_expr(service_record::Column::ConfirmedBy, Expr::value(by))
        .col_expr(service_record::Column::ConfirmedAt, Expr::value(now))
        .filter(service_record::Column::Id.eq(id))
        .filter(service_record::Column::Status.eq(RecordStatus::Pending.as_str()))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(StoreError::Conflict("service_already_confirmed"));
    }
    get(db, id).await?.ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub community_id: Option<i64>,
    pub user_id: Option<i64>,
    pub status: Option<RecordStatus>,
    pub page: u64,
    pub per_page: u64,
}

/// A record with its volunteer's display name.
#[derive(Debug, Clone)]
pub struct Row {
    pub record: Record,
    pub volunteer: String,
}

pub async fn list(db: &impl ConnectionTrait, filter: &Filter) -> Result<Page<Row>> {
    let per_page = filter.per_page.clamp(1, 200);
    let page = filter.page.max(1);
    let mut cond = Condition::all();
    if let Some(id) = filter.community_id {
        cond = cond.add(service_record::Column::CommunityId.eq(id));
    }
    if let Some(id) = filter.user_id {
        cond = cond.add(service_record::Column::UserId.eq(id));
    }
    if let Some(s) = filter.status {
        cond = cond.add(service_record::Column::Status.eq(s.as_str()));
    }
    let query = service_record::Entity::find().filter(cond);
    let total = crate::count_of(db, query.clone(), service_record::Column::Id).await?;
    let records = query
        .order_by_desc(service_record::Column::Id)
        .offset(crate::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await?;
    let ids: Vec<i64> = records.iter().map(|r| r.user_id).collect();
    let names = crate::account::display_names(db, ids).await?;
    let rows = records
        .into_iter()
        .map(|record| Row { volunteer: names.get(&record.user_id).cloned().unwrap_or_default(), record })
        .collect();
    Ok(Page { rows, total, page, per_page })
}

/// A volunteer's confirmed minutes and their pending minutes.
pub async fn totals(db: &impl ConnectionTrait, user_id: i64) -> Result<(i64, i64)> {
    let rows: Vec<(String, i32)> = service_record::Entity::find()
        .select_only()
        .column(service_record::Column::Status)
        .column(service_record::Column::Minutes)
        .filter(service_record::Column::UserId.eq(user_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut confirmed = 0;
    let mut pending = 0;
    for (status, minutes) in rows {
        if status == RecordStatus::Confirmed.as_str() {
            confirmed += i64::from(minutes);
        } else {
            pending += i64::from(minutes);
        }
    }
    Ok((confirmed, pending))
}

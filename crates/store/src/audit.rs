//! The audit log: logins and failures, every change, every export, every view of unmasked personal data.
//! Entries are only ever added; nothing here updates or deletes one.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entity::audit_log;
use crate::{Result, like_contains};

/// One thing that happened, by whom, to what.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub community_id: Option<i64>,
    pub user_id: Option<i64>,
    pub login: Option<String>,
    /// A stable code: `login`, `login_failed`, `resident.update`, `roster.export`, `resident.view_personal`, …
    pub action: String,
    pub object_kind: Option<String>,
    pub object_id: Option<i64>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

impl Entry {
    pub fn new(action: &str) -> Entry {
        Entry { action: action.to_owned(), ..Entry::default() }
    }

    pub fn object(mut self, kind: &str, id: i64) -> Entry {
        self.object_kind = Some(kind.to_owned());
        self.object_id = Some(id);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Entry {
        self.detail = Some(detail.into());
        self
    }

    pub fn community(mut self, community_id: Option<i64>) -> Entry {
        self.community_id = community_id;
        self
    }
}

/// Writes one entry. Pass the same transaction as the change it records, so neither lands without the other.
pub async fn record(db: &impl ConnectionTrait, at: DateTime<Utc>, entry: Entry) -> Result<()> {
    audit_log::ActiveModel {
        at: Set(at),
        community_id: Set(entry.community_id),
        user_id: Set(entry.user_id),
        login: Set(entry.login),
        action: Set(entry.action),
        object_kind: Set(entry.object_kind),
        object_id: Set(entry.object_id),
        detail: Set(entry.detail),
        ip: Set(entry.ip),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What the audit page filters by. `communities: None` means every community (platform admins).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub communities: Option<Vec<i64>>,
    pub login: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: u64,
    pub per_page: u64,
}

/// One page of entries, newest first, and the total count.
pub async fn list(db: &impl ConnectionTrait, filter: &Filter) -> Result<(Vec<audit_log::Model>, u64)> {
    let mut cond = Condition::all();
    if let Some(ids) = &filter.communities {
        cond = cond.add(audit_log::Column::CommunityId.is_in(ids.clone()));
    }
    if let Some(login) = filter.login.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(audit_log::Column::Login.like(like_contains(login)));
    }
    if let Some(action) = filter.action.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(audit_log::Column::Action.like(format!("{}%", action.replace('%', ""))));
    }
    if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        // Dates are Beijing dates.
        cond = cond.add(audit_log::Column::At.gte(from.and_utc() - chrono::Duration::hours(8)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)) {
        cond = cond.add(audit_log::Column::At.lt(to.and_utc() - chrono::Duration::hours(8)));
    }
    let query = audit_log::Entity::find().filter(cond);
    let total = crate::count_of(db, query.clone(), audit_log::Column::Id).await?;
    let per_page = filter.per_page.clamp(1, 200);
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .offset(crate::offset(filter.page, per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

//! Claims in groups (group commit). When many helpers press 认领 at once, the claims that wait while one
//! transaction runs go together in the next: one `UPDATE … WHERE id IN (…) AND status = 'published'
//! RETURNING`, then one multi-row insert each for the claims, the story entries, the audit entries and the
//! wishers' notifications. A group costs about the statements one claim costs alone, so claims per second
//! grow with the load instead of queueing behind each other's statements. Same SQL on SQLite and PostgreSQL.
//!
//! Who may claim is decided before a request joins a group (from the wish as read, by `core`); the group only
//! settles who came first: for each wish the first request in the group that finds it published wins, the
//! others get the code `core::wish::transition` gives from the status the wish is in now.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use weizhili_core::access::Role;
use weizhili_core::notify::Kind;
use weizhili_core::wish::{WishAction, WishStatus, transition};

use super::{Claim, Wish, status_of};
use crate::entity::{audit_log, notification, role_grant, user, wish, wish_claim, wish_update};
use crate::{Result, audit};

/// One claim as it joins a group.
#[derive(Debug, Clone)]
pub struct ClaimRequest {
    pub wish_id: i64,
    pub user_id: i64,
    pub organisation: Option<String>,
    /// The audit entry to write if the claim succeeds.
    pub audit: audit::Entry,
    /// What the wisher's notification says under the title (the organisation or the claimant's name).
    pub notice_detail: Option<String>,
}

/// What became of one request of a group.
#[derive(Debug, Clone)]
pub enum ClaimOutcome {
    Claimed(Box<(Wish, Claim)>),
    /// Why not: `wish_already_claimed`, or what the wish's status gives.
    Refused(&'static str),
}

/// Claims for every request of the group, inside the caller's write transaction. Returns one outcome per
/// request, in order. An error (not a refusal) means nothing of the group may be kept: roll back.
pub async fn claim_many(
    db: &impl ConnectionTrait,
    requests: &[ClaimRequest],
    now: DateTime<Utc>,
) -> Result<Vec<ClaimOutcome>> {
    let ids: Vec<i64> = requests.iter().map(|r| r.wish_id).collect::<HashSet<_>>().into_iter().collect();
    let moved: HashMap<i64, Wish> = wish::Entity::update_many()
        .col_expr(wish::Column::Status, Expr::value(WishStatus::Claimed.as_str()))
        .col_expr(wish::Column::ClaimedAt, Expr::value(now))
        .col_expr(wish::Column::UpdatedAt, Expr::value(now))
        .filter(wish::Column::Id.is_in(ids.iter().copied()))
        .filter(wish::Column::Status.eq(WishStatus::Published.as_str()))
        .exec_with_returning(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    // The first request for each moved wish wins it.
    let mut taken: HashSet<i64> = HashSet::new();
    let winners: Vec<bool> =
        requests.iter().map(|r| moved.contains_key(&r.wish_id) && taken.insert(r.wish_id)).collect();
    let codes = refusal_codes(db, requests, &moved).await?;

    let won: Vec<(&ClaimRequest, &Wish)> = requests
        .iter()
        .zip(&winners)
        .filter(|(_, w)| **w)
        .filter_map(|(r, _)| moved.get(&r.wish_id).map(|w| (r, w)))
        .collect();
    let mut claims: HashMap<i64, Claim> = HashMap::new();
    if !won.is_empty() {
        let rows = won.iter().map(|(r, w)| wish_claim::ActiveModel {
            wish_id: Set(w.id),
            community_id: Set(w.community_id),
            user_id: Set(r.user_id),
            organisation: Set(r.organisation.clone()),
            status: Set("active".into()),
            claimed_at: Set(now),
            contacted_at: Set(None),
            ended_at: Set(None),
            end_reason: Set(None),
            ..Default::default()
        });
        claims = wish_claim::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await
            .map_err(|e| crate::StoreError::on_unique(e, "wish_already_claimed"))?
            .into_iter()
            .map(|c| (c.wish_id, c))
            .collect();
        let stories = won.iter().map(|(r, w)| wish_update::ActiveModel {
            wish_id: Set(w.id),
            community_id: Set(w.community_id),
            user_id: Set(Some(r.user_id)),
            kind: Set("claim".into()),
            text: Set(None),
            created_at: Set(now),
            ..Default::default()
        });
        wish_update::Entity::insert_many(stories).exec_without_returning(db).await?;
        let entries = won.iter().map(|(r, _)| {
            let e = r.audit.clone();
            audit_log::ActiveModel {
                at: Set(now),
                community_id: Set(e.community_id),
                user_id: Set(e.user_id),
                login: Set(e.login),
                action: Set(e.action),
                object_kind: Set(e.object_kind),
                object_id: Set(e.object_id),
                detail: Set(e.detail),
                ip: Set(e.ip),
                ..Default::default()
            }
        });
        audit_log::Entity::insert_many(entries).exec_without_returning(db).await?;
        notify_wishers(db, &won, now).await?;
    }
    Ok(requests
        .iter()
        .zip(winners)
        .enumerate()
        .map(|(i, (r, won))| match (won, moved.get(&r.wish_id), claims.get(&r.wish_id)) {
            (true, Some(w), Some(c)) => ClaimOutcome::Claimed(Box::new((w.clone(), c.clone()))),
            _ => ClaimOutcome::Refused(codes[i]),
        })
        .collect())
}

/// For each request that did not win: `wish_already_claimed` when another request of the group took the wish,
/// else what `core` says of claiming the wish in the status it is in now.
async fn refusal_codes(
    db: &impl ConnectionTrait,
    requests: &[ClaimRequest],
    moved: &HashMap<i64, Wish>,
) -> Result<Vec<&'static str>> {
    let missed: Vec<i64> = requests.iter().map(|r| r.wish_id).filter(|id| !moved.contains_key(id)).collect();
    let now_status: HashMap<i64, Wish> = if missed.is_empty() {
        HashMap::new()
    } else {
        wish::Entity::find()
            .filter(wish::Column::Id.is_in(missed))
            .all(db)
            .await?
            .into_iter()
            .map(|w| (w.id, w))
            .collect()
    };
    let mut codes = Vec::with_capacity(requests.len());
    for r in requests {
        let code = match (moved.contains_key(&r.wish_id), now_status.get(&r.wish_id)) {
            (true, _) => "wish_already_claimed",
            (false, Some(w)) => match transition(status_of(w)?, WishAction::Claim) {
                Err(e) => e.code(),
                Ok(_) => "wish_changed",
            },
            (false, None) => "wish_changed",
        };
        codes.push(code);
    }
    Ok(codes)
}

/// Tells the households of the claimed wishes, in two statements for the group: their residents' active
/// accounts, then one notification each.
async fn notify_wishers(db: &impl ConnectionTrait, won: &[(&ClaimRequest, &Wish)], now: DateTime<Utc>) -> Result<()> {
    let households: Vec<i64> = won.iter().filter_map(|(_, w)| w.household_id).collect();
    if households.is_empty() {
        return Ok(());
    }
    let accounts: Vec<(i64, Option<i64>)> = role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::UserId)
        .column(role_grant::Column::ScopeId)
        .filter(role_grant::Column::Role.eq(Role::Resident.as_str()))
        .filter(role_grant::Column::ScopeId.is_in(households))
        .filter(
            role_grant::Column::UserId.in_subquery(
                Query::select()
                    .column(user::Column::Id)
                    .from(user::Entity)
                    .and_where(user::Column::Status.eq("active"))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut rows = Vec::new();
    for (r, w) in won {
        let Some(h) = w.household_id else { continue };
        let mut users: Vec<i64> = accounts.iter().filter(|(_, s)| *s == Some(h)).map(|(u, _)| *u).collect();
        users.sort_unstable();
        users.dedup();
        for user_id in users {
            rows.push(notification::ActiveModel {
                user_id: Set(user_id),
                community_id: Set(Some(w.community_id)),
                kind: Set(Kind::WishClaimed.as_str().to_owned()),
                wish_id: Set(Some(w.id)),
                event_id: Set(None),
                title: Set(w.title.chars().take(80).collect()),
                detail: Set(r.notice_detail.clone()),
                created_at: Set(now),
                read_at: Set(None),
                ..Default::default()
            });
        }
    }
    if !rows.is_empty() {
        notification::Entity::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(())
}

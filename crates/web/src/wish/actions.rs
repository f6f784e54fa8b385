//! What people do with wishes, shared by the pages and the API: submit, and every move of the lifecycle. Each
//! checks who may do it, lets `core::wish` decide the next status, and writes the change, the story entry and
//! the audit entry in one transaction.

use serde::Deserialize;
use utoipa::ToSchema;
use weizhili_core::access::Action;
use weizhili_core::access::Role;
use weizhili_core::notify::{Kind, StaffMode};
use weizhili_core::service::Minutes;
use weizhili_core::wish::{Category, Satisfaction, Source, WishAction, WishStatus, WishText, WishTitle};
use weizhili_store::notify::{self, NewNotification};
use weizhili_store::service::{self, NewRecord};
use weizhili_store::wish::pairs;
use weizhili_store::wish::{self as store, Change, NewWish, Wish};
use weizhili_store::{StoreError, account, audit, begin_write, grid};

use super::{Standing, visible};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

#[derive(Deserialize, ToSchema)]
pub struct WishInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// daily_goods, repair, companionship, learning, health, transport, other.
    pub category: String,
    /// Keep my name off the wall.
    #[serde(default)]
    pub anonymous: bool,
    /// For a proxy entry by staff or a building head: the wisher's household.
    pub household_id: Option<i64>,
    /// For a proxy entry: the wisher on the roster (optional: a slip may be anonymous).
    pub resident_id: Option<i64>,
    /// online (default), box, wall or visit.
    pub source: Option<String>,
    /// The paper slip's number.
    pub slip_no: Option<String>,
}

/// What an action may carry.
#[derive(Deserialize, ToSchema, Default)]
pub struct ActionInput {
    /// publish: the category staff settle on.
    pub category: Option<String>,
    /// publish: the date it should be done by.
    pub due_date: Option<chrono::NaiveDate>,
    /// reject, release, revoke, close: why (the wisher or claimant sees it).
    pub reason: Option<String>,
    /// claim: a partner organisation claiming.
    pub organisation: Option<String>,
    /// contact, fulfil: what happened.
    pub note: Option<String>,
    /// fulfil: time spent, in minutes.
    pub minutes: Option<i32>,
    /// confirm: 1–5.
    pub satisfaction: Option<u8>,
    /// confirm: the wisher's thank-you.
    pub thanks: Option<String>,
    /// fulfil: no photo could be taken; staff check the wish was done instead.
    #[serde(default)]
    pub no_photo: bool,
}

/// A notification about wish `w`.
pub fn notification(w: &Wish, kind: Kind, detail: Option<String>) -> NewNotification {
    NewNotification {
        community_id: Some(w.community_id),
        kind,
        wish_id: Some(w.id),
        event_id: None,
        title: w.title.clone(),
        detail,
    }
}

pub fn text(s: &Option<String>, max: usize) -> Result<Option<String>, AppError> {
    let t = s.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    if t.as_ref().is_some_and(|t| t.chars().count() > max) {
        return Err(AppError::invalid("too_long"));
    }
    Ok(t)
}

/// Who may take each action, given how they stand to the wish.
pub fn allowed(action: WishAction, s: &Standing, is_wisher: bool) -> Result<(), AppError> {
    let ok = match action {
        WishAction::Publish | WishAction::Reject | WishAction::Revoke | WishAction::Close | WishAction::Lapse => {
            s.reviewer
        }
        WishAction::Claim => s.helper,
        WishAction::Release | WishAction::Fulfil => s.claimant,
        WishAction::Confirm => is_wisher || s.reviewer,
        WishAction::Withdraw => is_wisher || s.reviewer,
    };
    if ok {
        Ok(())
    } else if matches!(action, WishAction::Release | WishAction::Fulfil) {
        Err(AppError::Conflict("not_your_claim"))
    } else {
        Err(AppError::Forbidden)
    }
}

/// Submits a wish: a resident for their own household, or staff and building heads on someone's behalf.
pub async fn submit(state: &AppState, user: &CurrentUser, input: WishInput) -> Result<Wish, AppError> {
    let bad = |e: weizhili_core::wish::WishError| AppError::invalid(e.code());
    let title = WishTitle::parse(&input.title).map_err(bad)?;
    let description = WishText::parse(&input.description).map_err(bad)?;
    let category = Category::parse(&input.category).map_err(bad)?;
    let source = Source::parse(input.source.as_deref().unwrap_or("online")).map_err(bad)?;
    let own = user.user.resident_id;
    let household_id = match input.household_id {
        Some(id) => id,
        None => {
            let own = own.ok_or_else(|| AppError::invalid("household_required"))?;
            grid::resident(&state.db, own).await?.ok_or(AppError::NotFound)?.resident.household_id
        }
    };
    let h = crate::grid::visible_household(state, user, household_id).await?;
    let place = crate::grid::household_place(&h);
    user.require(Action::SubmitWish, &place)?;
    let mine = own.is_some() && user.actor.lives_in(Some(h.id));
    let proxy = !(mine && input.household_id.is_none_or(|id| id == h.id) && input.resident_id.is_none());
    let resident_id = match input.resident_id {
        Some(id) => {
            let r = grid::resident(&state.db, id).await?.ok_or(AppError::NotFound)?;
            if r.resident.household_id != h.id {
                return Err(AppError::invalid("resident_not_in_household"));
            }
            Some(id)
        }
        None if !proxy => own,
        None => None,
    };
    let slip_no = input.slip_no.map(|s| s.trim().chars().take(30).collect::<String>()).filter(|s| !s.is_empty());
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let w = store::create(
        &txn,
        NewWish {
            community_id: h.community_id,
            building_id: Some(h.building_id),
            household_id: Some(h.id),
            resident_id,
            submitted_by: Some(user.user.id),
            proxy,
            source: source.as_str().into(),
            slip_no,
            category: category.as_str().into(),
            title: title.as_str().into(),
            description: description.as_str().into(),
            anonymous: input.anonymous,
        },
        now,
    )
    .await?;
    store::add_update(&txn, &w, Some(user.user.id), "submit", None, now).await?;
    let entry = user.audit("wish.submit").object("wish", w.id).community(Some(w.community_id));
    audit::record(&txn, now, entry.detail(if proxy { "proxy" } else { "self" })).await?;
    if state.config.staff_notifications == StaffMode::Each {
        let staff = account::users_with_grant(&txn, Role::Staff, w.community_id).await?;
        notify::send(&txn, &staff, &notification(&w, Kind::WishSubmitted, None), now).await?;
    }
    txn.commit().await.map_err(StoreError::from)?;
    super::announce(state, &w, WishStatus::Submitted);
    Ok(w)
}

/// Takes `action` (`publish`, `claim`, …, or `contact`) on wish `id`.
pub async fn perform(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: &str,
    input: ActionInput,
) -> Result<(), AppError> {
    if action == "claim" {
        return claim(state, user, id, input).await.map(|_| ());
    }
    let (row, s) = visible(state, user, id).await?;
    let w = row.wish.clone();
    let is_wisher = super::is_wisher(user, &w);
    let now = state.clock.now();
    if action == "pass" {
        // The paired helper passes the offer on: the wish goes on the wall now.
        if w.offered_to != Some(user.user.id) || !weizhili_core::wish::offer_open(w.offer_until, now) {
            return Err(AppError::Conflict("not_offered_to_you"));
        }
        let txn = begin_write(&state.db).await?;
        store::end_offer(&txn, w.id, now).await?;
        store::add_update(&txn, &w, Some(user.user.id), "pass", None, now).await?;
        txn.commit().await.map_err(StoreError::from)?;
        super::announce(state, &w, WishStatus::Published);
        return Ok(());
    }
    if action == "check" {
        // Staff vouch for a fulfilment that came without a photo.
        if !s.reviewer {
            return Err(AppError::Forbidden);
        }
        if !w.needs_check {
            return Err(AppError::Conflict("wish_not_awaiting_check"));
        }
        let txn = begin_write(&state.db).await?;
        store::set_needs_check(&txn, w.id, false).await?;
        store::add_update(&txn, &w, Some(user.user.id), "check", text(&input.note, 500)?, now).await?;
        let entry = user.audit("wish.check").object("wish", w.id).community(Some(w.community_id));
        audit::record(&txn, now, entry).await?;
        txn.commit().await.map_err(StoreError::from)?;
        return Ok(());
    }
    if action == "contact" {
        let claim = row.claim.clone().filter(|c| c.status == "active" && c.user_id == user.user.id);
        let claim = claim.ok_or(AppError::Conflict("not_your_claim"))?;
        let note = text(&input.note, 500)?;
        let txn = begin_write(&state.db).await?;
        store::mark_contacted(&txn, claim.id, now).await?;
        store::add_update(&txn, &w, Some(user.user.id), "contact", note, now).await?;
        txn.commit().await.map_err(StoreError::from)?;
        return Ok(());
    }
    let action = WishAction::parse(action).map_err(|_| AppError::NotFound)?;
    allowed(action, &s, is_wisher)?;
    let mut change = Change::default();
    let mut note = text(&input.note, 1000)?;
    let reason = text(&input.reason, 500)?;
    let mut claim_end = None;
    match action {
        WishAction::Publish => {
            if let Some(c) = &input.category {
                change.category = Some(Category::parse(c).map_err(|e| AppError::invalid(e.code()))?.as_str().into());
            }
            change.due_date = input.due_date;
        }
        WishAction::Reject => {
            change.reject_reason = Some(reason.clone().ok_or_else(|| AppError::invalid("reason_required"))?);
        }
        WishAction::Release | WishAction::Revoke => {
            let r = reason.clone().ok_or_else(|| AppError::invalid("reason_required"))?;
            claim_end = Some((if action == WishAction::Release { "released" } else { "revoked" }, Some(r)));
        }
        WishAction::Lapse => {
            change.priority = Some(true);
            claim_end = Some(("lapsed", None));
        }
        WishAction::Fulfil => {
            if note.is_none() {
                return Err(AppError::invalid("note_required"));
            }
            let minutes = input.minutes.ok_or_else(|| AppError::invalid("minutes_required"))?;
            let minutes = Minutes::new(i64::from(minutes)).map_err(|e| AppError::invalid(e.code()))?;
            change.minutes = Some(minutes.get() as i32);
            claim_end = Some(("completed", None));
        }
        WishAction::Confirm => {
            let rating = input.satisfaction.ok_or_else(|| AppError::invalid("bad_satisfaction"))?;
            let rating = Satisfaction::new(rating).map_err(|e| AppError::invalid(e.code()))?;
            change.satisfaction = Some(i32::from(rating.get()));
            change.thanks = text(&input.thanks, 200)?;
        }
        WishAction::Close => {
            let fulfilled = w.fulfilled_at.unwrap_or(now);
            if !weizhili_core::wish::closable(fulfilled, now) {
                return Err(AppError::Conflict(weizhili_core::wish::WishError::NotClosableYet.code()));
            }
            note = reason.clone().or(note);
            if note.is_none() {
                return Err(AppError::invalid("reason_required"));
            }
        }
        WishAction::Withdraw | WishAction::Claim => {}
    }
    // A fulfilment without a photo waits for staff to vouch for it.
    let unphotographed = action == WishAction::Fulfil && store::photos::count(&state.db, w.id).await? == 0;
    if unphotographed && !input.no_photo {
        return Err(AppError::invalid("photo_or_no_photo"));
    }
    let txn = begin_write(&state.db).await?;
    let moved = store::apply(&txn, &w, action, change, now).await?;
    if let Some((status, why)) = claim_end.clone() {
        store::end_claim(&txn, w.id, status, why, now).await?;
    }
    if unphotographed {
        store::set_needs_check(&txn, w.id, true).await?;
    }
    follow_up(state, &txn, &moved, action, row.claim.as_ref(), reason.clone()).await?;
    // Staff confirming for a wisher who cannot is recorded as such (the story says 社工代为确认).
    let kind = if action == WishAction::Confirm && !is_wisher { "confirm_proxy" } else { action.as_str() };
    store::add_update(&txn, &moved, Some(user.user.id), kind, note.or(reason), now).await?;
    let entry = user.audit(&format!("wish.{}", action.as_str())).object("wish", w.id).community(Some(w.community_id));
    audit::record(&txn, now, entry).await?;
    txn.commit().await.map_err(StoreError::from)?;
    super::announce(state, &moved, store::status_of(&moved)?);
    Ok(())
}

/// Claims wish `id` for the user: the hot path (a wall of wishes, many helpers at once), so it reads the wish
/// once, decides who may claim from it alone, and writes the move, the claim, the story, the audit entry and the
/// wisher's notification in one transaction. Returns the moved wish and the claim.
pub async fn claim(state: &AppState, user: &CurrentUser, id: i64, input: ActionInput) -> Result<store::Row, AppError> {
    // The wish with its building's and wisher's names, in one read: the answer is built from it.
    let found = store::get_with_names(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let w = &found.wish;
    let status = store::status_of(w)?;
    // Whoever claims holds no claim on it yet: the standing needs none.
    let s = super::standing(user, w, None);
    if !(s.in_story() || (s.helper && status.on_wall())) {
        return Err(AppError::NotFound);
    }
    allowed(WishAction::Claim, &s, false)?;
    let now = state.clock.now();
    weizhili_core::wish::may_claim_offered(w.offered_to, w.offer_until, user.user.id, now)
        .map_err(|e| AppError::Conflict(e.code()))?;
    let organisation = text(&input.organisation, 60)?;
    let request = store::ClaimRequest {
        wish_id: w.id,
        user_id: user.user.id,
        notice_detail: organisation.clone().or(Some(user.user.display_name.clone())),
        organisation,
        audit: user.audit("wish.claim").object("wish", w.id).community(Some(w.community_id)),
    };
    let (moved, claim) = match state.claims.claim(&state.db, &state.clock, request).await? {
        store::ClaimOutcome::Claimed(done) => *done,
        store::ClaimOutcome::Refused(code) => return Err(AppError::Conflict(code)),
    };
    super::announce(state, &moved, WishStatus::Claimed);
    Ok(store::Row { wish: moved, claim: Some(claim), claimant_name: Some(user.user.display_name.clone()), ..found })
}

/// What a move sets off besides itself, in the same transaction: the people told, the offer to a paired helper,
/// the volunteer's service record.
async fn follow_up(
    state: &AppState,
    txn: &impl sea_orm::ConnectionTrait,
    moved: &Wish,
    action: WishAction,
    claim: Option<&store::Claim>,
    reason: Option<String>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let wishers = match moved.household_id {
        Some(h) => account::users_with_grant(txn, Role::Resident, h).await?,
        None => vec![],
    };
    match action {
        WishAction::Publish => {
            notify::send(txn, &wishers, &notification(moved, Kind::WishPublished, None), now).await?;
            if let Some(h) = moved.household_id
                && let Some(pair) = pairs::helper_for(txn, h, moved.resident_id).await?
                && let Some(until) = weizhili_core::wish::offer_until(now, state.config.help_pair_offer_hours)
                && until > now
            {
                store::offer(txn, moved.id, pair.helper_id, until).await?;
                store::add_update(txn, moved, None, "offer", None, now).await?;
                notify::send(txn, &[pair.helper_id], &notification(moved, Kind::WishOffered, None), now).await?;
            }
        }
        WishAction::Reject => {
            notify::send(txn, &wishers, &notification(moved, Kind::WishRejected, reason), now).await?
        }
        WishAction::Fulfil => notify::send(txn, &wishers, &notification(moved, Kind::WishFulfilled, None), now).await?,
        WishAction::Revoke => {
            if let Some(c) = claim {
                notify::send(txn, &[c.user_id], &notification(moved, Kind::ClaimRevoked, reason), now).await?;
            }
        }
        WishAction::Confirm | WishAction::Close => {
            // The volunteer's time becomes a pending service record (志愿服务记录) for staff to confirm.
            if let Some(c) = claim.filter(|c| c.status == "completed") {
                let served_on = weizhili_core::clock::china_time(moved.fulfilled_at.unwrap_or(now)).date_naive();
                let record = NewRecord {
                    community_id: moved.community_id,
                    user_id: c.user_id,
                    wish_id: Some(moved.id),
                    event_id: None,
                    what: moved.title.clone(),
                    served_on,
                    minutes: moved.minutes.unwrap_or(60),
                };
                service::record_pending(txn, record, now).await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Claims with no first contact within `first_contact_days` lapse: the wish goes back on the wall, marked as a
/// priority, and the story says why. Run every few minutes by the server; returns how many lapsed.
pub async fn lapse_overdue(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let before = now - chrono::Duration::days(state.config.first_contact_days);
    let mut lapsed = 0;
    for (w, claim) in store::claims_without_contact(&state.db, before).await? {
        if !weizhili_core::wish::lapse_due(claim.claimed_at, false, now, state.config.first_contact_days) {
            continue;
        }
        let txn = begin_write(&state.db).await?;
        let change = Change { priority: Some(true), ..Default::default() };
        match store::apply(&txn, &w, WishAction::Lapse, change, now).await {
            Ok(moved) => {
                store::end_claim(&txn, w.id, "lapsed", None, now).await?;
                store::add_update(&txn, &moved, None, "lapse", None, now).await?;
                notify::send(&txn, &[claim.user_id], &notification(&moved, Kind::ClaimLapsed, None), now).await?;
                let entry = audit::Entry { community_id: Some(w.community_id), ..audit::Entry::new("wish.lapse") };
                audit::record(&txn, now, entry.object("wish", w.id).detail(format!("claim={}", claim.id))).await?;
                txn.commit().await.map_err(StoreError::from)?;
                super::announce(state, &moved, WishStatus::Published);
                lapsed += 1;
            }
            // Someone acted on it meanwhile: nothing to do.
            Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(lapsed)
}

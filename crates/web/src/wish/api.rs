//! The micro-wish JSON API: `/api/v1/wishes…` and the anonymised wall `/api/v1/wall/{community_id}`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use weizhili_core::access::{Action, ListScope, Place};
use weizhili_core::wish::{Category, Satisfaction, Source, WishAction, WishStatus, WishText, WishTitle};
use weizhili_store::wish::{self as store, Change, Filter, NewWish};
use weizhili_store::{StoreError, audit, begin_write, grid};

use super::{Standing, WallItem, WishView, visible};
use crate::auth::CurrentUser;
use crate::grid::api::ListOf;
use crate::grid::pages::parse_id;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/wishes", get(list_wishes).post(submit_wish))
        .route("/api/v1/wishes/{id}", get(get_wish))
        .route("/api/v1/wishes/{id}/updates", get(list_updates).post(add_note))
        .route("/api/v1/wishes/{id}/{action}", post(act))
        .route("/api/v1/wall/{community_id}", get(wall))
}

#[derive(Deserialize, IntoParams)]
pub struct WishParams {
    /// A status code, e.g. `published`.
    pub status: Option<String>,
    pub category: Option<String>,
    pub building_id: Option<i64>,
    /// `claimed`: only the wishes I claim now.
    pub mine: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Wishes the user may see: staff all of their community's, a building head their buildings', a resident their
/// household's, a helper what is on the wall and what they claim.
#[utoipa::path(get, path = "/api/v1/wishes", tag = "wish", security(("bearer" = [])), params(WishParams),
    responses((status = 200, body = ListOf<WishView>), (status = 401)))]
pub async fn list_wishes(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<WishParams>,
) -> Result<Json<ListOf<WishView>>, AppError> {
    let mut filter = Filter {
        community_id: user.community_id(),
        category: p.category.clone(),
        building_id: p.building_id,
        page: p.page.unwrap_or(1),
        per_page: p.per_page.unwrap_or(50),
        ..Default::default()
    };
    if let Some(s) = p.status.as_deref().filter(|s| !s.is_empty()) {
        filter.statuses = vec![WishStatus::parse(s).map_err(|e| AppError::invalid(e.code(), ""))?];
    }
    let community = Place::community(filter.community_id.unwrap_or(0));
    let involved_everywhere = user.actor.is_admin() || user.can(Action::ReviewWish, &community);
    if p.mine.as_deref() == Some("claimed") {
        filter.claimed_by = Some(user.user.id);
    } else if !involved_everywhere {
        match super::list_scope(&user) {
            ListScope::Households(ids) if !user.can(Action::ClaimWish, &community) => filter.household_ids = Some(ids),
            ListScope::Buildings(ids) if filter.building_id.is_none_or(|b| ids.contains(&b)) => {
                filter.building_id = filter.building_id.or(ids.first().copied());
            }
            _ if user.can(Action::ClaimWish, &community) => {
                if filter.statuses.is_empty() {
                    filter.statuses = WishStatus::ALL.iter().copied().filter(|s| s.on_wall()).collect();
                }
                filter.statuses.retain(|s| s.on_wall());
                if filter.statuses.is_empty() {
                    return Ok(Json(ListOf { items: vec![], total: 0, page: 1, per_page: filter.per_page }));
                }
            }
            _ => return Err(AppError::Forbidden),
        }
    }
    let found = store::list(&state.db, &filter).await?;
    let items = found
        .rows
        .iter()
        .map(|row| {
            let s = super::standing(&user, &row.wish, row.claim.as_ref().filter(|c| c.status == "active"));
            WishView::build(row, s.involved)
        })
        .collect();
    Ok(Json(ListOf { items, total: found.total, page: found.page, per_page: found.per_page }))
}

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

/// Submits a wish: a resident for their own household, or staff and building heads on a resident's behalf
/// (a proxy entry from the wish box, the smiley wall or a visit).
#[utoipa::path(post, path = "/api/v1/wishes", tag = "wish", security(("bearer" = [])), request_body = WishInput,
    responses((status = 201, body = WishView), (status = 403), (status = 404), (status = 422)))]
pub async fn submit_wish(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<WishInput>,
) -> Result<(StatusCode, Json<WishView>), AppError> {
    let bad = |e: weizhili_core::wish::WishError| AppError::invalid(e.code(), "");
    let title = WishTitle::parse(&input.title).map_err(bad)?;
    let description = WishText::parse(&input.description).map_err(bad)?;
    let category = Category::parse(&input.category).map_err(bad)?;
    let source = Source::parse(input.source.as_deref().unwrap_or("online")).map_err(bad)?;
    let own = user.user.resident_id;
    let household_id = match input.household_id {
        Some(id) => id,
        None => {
            let own = own.ok_or_else(|| AppError::invalid("household_required", ""))?;
            grid::resident(&state.db, own).await?.ok_or(AppError::NotFound)?.resident.household_id
        }
    };
    let h = crate::grid::visible_household(&state, &user, household_id).await?;
    let place = crate::grid::household_place(&h);
    user.require(Action::SubmitWish, &place)?;
    let mine = own.is_some()
        && user
            .actor
            .grants
            .iter()
            .any(|g| g.role == weizhili_core::access::Role::Resident && g.scope_id == Some(h.id));
    let proxy = !(mine && input.household_id.is_none_or(|id| id == h.id) && input.resident_id.is_none());
    let resident_id = match input.resident_id {
        Some(id) => {
            let r = grid::resident(&state.db, id).await?.ok_or(AppError::NotFound)?;
            if r.resident.household_id != h.id {
                return Err(AppError::invalid("resident_not_in_household", ""));
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
    txn.commit().await.map_err(StoreError::from)?;
    let row = store::decorate(&state.db, vec![w]).await?.pop().ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(WishView::build(&row, true))))
}

/// One wish: in full for the people involved, as on the wall for helpers.
#[utoipa::path(get, path = "/api/v1/wishes/{id}", tag = "wish", security(("bearer" = [])),
    responses((status = 200, body = WishView), (status = 404)))]
pub async fn get_wish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<WishView>, AppError> {
    let (row, s) = visible(&state, &user, parse_id(&id)?).await?;
    Ok(Json(WishView::build(&row, s.involved)))
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
}

fn text(s: &Option<String>, max: usize) -> Result<Option<String>, AppError> {
    let t = s.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    if t.as_ref().is_some_and(|t| t.chars().count() > max) {
        return Err(AppError::invalid("too_long", ""));
    }
    Ok(t)
}

/// Who may take each action, given how they stand to the wish.
fn allowed(action: WishAction, s: &Standing, is_wisher: bool) -> Result<(), AppError> {
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

/// Moves a wish: `publish`, `reject`, `claim`, `release`, `revoke`, `contact`, `fulfil`, `confirm`, `withdraw`,
/// `close`. Refusals carry codes: `wish_already_claimed`, `wish_not_published`, `not_your_claim`, …
#[utoipa::path(post, path = "/api/v1/wishes/{id}/{action}", tag = "wish", security(("bearer" = [])),
    request_body = ActionInput,
    params(("id" = i64, Path), ("action" = String, Path, description = "publish, reject, claim, release, revoke, contact, fulfil, confirm, withdraw or close")),
    responses((status = 200, body = WishView), (status = 403), (status = 404),
              (status = 409, description = "wish_already_claimed, wish_not_published, not_your_claim, …"), (status = 422)))]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(String, String)>,
    body: Option<Json<ActionInput>>,
) -> Result<Json<WishView>, AppError> {
    let input = body.map(|Json(b)| b).unwrap_or_default();
    let (row, s) = visible(&state, &user, parse_id(&id)?).await?;
    let w = row.wish.clone();
    let is_wisher = w.household_id.is_some()
        && user
            .actor
            .grants
            .iter()
            .any(|g| g.role == weizhili_core::access::Role::Resident && g.scope_id == w.household_id);
    let now = state.clock.now();
    if action == "contact" {
        let claim = row.claim.clone().filter(|c| c.status == "active" && c.user_id == user.user.id);
        let claim = claim.ok_or(AppError::Conflict("not_your_claim"))?;
        let note = text(&input.note, 500)?;
        let txn = begin_write(&state.db).await?;
        store::mark_contacted(&txn, claim.id, now).await?;
        store::add_update(&txn, &w, Some(user.user.id), "contact", note, now).await?;
        txn.commit().await.map_err(StoreError::from)?;
        return get_wish(State(state), user, Path(id)).await;
    }
    let action = WishAction::parse(&action).map_err(|_| AppError::NotFound)?;
    allowed(action, &s, is_wisher)?;
    if action == WishAction::Claim {
        let organisation = text(&input.organisation, 60)?;
        match store::claim(&state.db, &w, user.user.id, organisation, now).await {
            Ok(_) => {}
            Err(StoreError::Conflict(code)) => return Err(AppError::Conflict(code)),
            Err(e) => return Err(e.into()),
        }
        let entry = user.audit("wish.claim").object("wish", w.id).community(Some(w.community_id));
        audit::record(&state.db, now, entry).await?;
        return get_wish(State(state), user, Path(id)).await;
    }
    let mut change = Change::default();
    let mut note = text(&input.note, 1000)?;
    let reason = text(&input.reason, 500)?;
    let mut claim_end = None;
    match action {
        WishAction::Publish => {
            if let Some(c) = &input.category {
                change.category =
                    Some(Category::parse(c).map_err(|e| AppError::invalid(e.code(), ""))?.as_str().into());
            }
            change.due_date = input.due_date;
        }
        WishAction::Reject => {
            change.reject_reason = Some(reason.clone().ok_or_else(|| AppError::invalid("reason_required", ""))?);
        }
        WishAction::Release | WishAction::Revoke => {
            let r = reason.clone().ok_or_else(|| AppError::invalid("reason_required", ""))?;
            claim_end = Some((if action == WishAction::Release { "released" } else { "revoked" }, Some(r)));
        }
        WishAction::Lapse => {
            change.priority = Some(true);
            claim_end = Some(("lapsed", None));
        }
        WishAction::Fulfil => {
            if note.is_none() {
                return Err(AppError::invalid("note_required", ""));
            }
            if input.minutes.is_some_and(|m| !(1..=24 * 60).contains(&m)) {
                return Err(AppError::invalid("bad_minutes", ""));
            }
            change.minutes = input.minutes;
            claim_end = Some(("completed", None));
        }
        WishAction::Confirm => {
            let rating = input.satisfaction.ok_or_else(|| AppError::invalid("bad_satisfaction", ""))?;
            let rating = Satisfaction::new(rating).map_err(|e| AppError::invalid(e.code(), ""))?;
            change.satisfaction = Some(i32::from(rating.get()));
            change.thanks = text(&input.thanks, 200)?;
            if !is_wisher {
                note = Some(note.unwrap_or_default() + "（代为确认）");
            }
        }
        WishAction::Close => {
            note = reason.clone().or(note);
        }
        WishAction::Withdraw | WishAction::Claim => {}
    }
    let txn = begin_write(&state.db).await?;
    let moved = store::apply(&txn, &w, action, change, now).await?;
    if let Some((status, why)) = claim_end {
        store::end_claim(&txn, w.id, status, why, now).await?;
    }
    store::add_update(&txn, &moved, Some(user.user.id), action.as_str(), note.or(reason), now).await?;
    let entry = user.audit(&format!("wish.{}", action.as_str())).object("wish", w.id).community(Some(w.community_id));
    audit::record(&txn, now, entry).await?;
    txn.commit().await.map_err(StoreError::from)?;
    get_wish(State(state), user, Path(id)).await
}

#[derive(Serialize, ToSchema)]
pub struct UpdateView {
    pub id: i64,
    /// submit, note, contact, or the action (publish, claim, fulfil, …).
    pub kind: String,
    pub text: Option<String>,
    pub author: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The story of a wish, for the wisher, the claimant and staff.
#[utoipa::path(get, path = "/api/v1/wishes/{id}/updates", tag = "wish", security(("bearer" = [])),
    responses((status = 200, body = Vec<UpdateView>), (status = 404)))]
pub async fn list_updates(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<UpdateView>>, AppError> {
    let (row, s) = visible(&state, &user, parse_id(&id)?).await?;
    if !(s.involved || s.claimant) {
        return Err(AppError::NotFound);
    }
    let items = store::updates(&state.db, row.wish.id)
        .await?
        .into_iter()
        .map(|(u, author)| UpdateView { id: u.id, kind: u.kind, text: u.text, author, created_at: u.created_at })
        .collect();
    Ok(Json(items))
}

#[derive(Deserialize, ToSchema)]
pub struct NoteInput {
    pub text: String,
}

/// Adds a progress note (the wisher, the claimant or staff).
#[utoipa::path(post, path = "/api/v1/wishes/{id}/updates", tag = "wish", security(("bearer" = [])), request_body = NoteInput,
    responses((status = 201, body = UpdateView), (status = 404), (status = 422)))]
pub async fn add_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<NoteInput>,
) -> Result<(StatusCode, Json<UpdateView>), AppError> {
    let (row, s) = visible(&state, &user, parse_id(&id)?).await?;
    if !(s.involved || s.claimant) {
        return Err(AppError::NotFound);
    }
    let body = text(&Some(input.text), 1000)?.ok_or_else(|| AppError::invalid("note_required", ""))?;
    let now = state.clock.now();
    let u = store::add_update(&state.db, &row.wish, Some(user.user.id), "note", Some(body), now).await?;
    let view = UpdateView {
        id: u.id,
        kind: u.kind,
        text: u.text,
        author: Some(user.user.display_name.clone()),
        created_at: u.created_at,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// The public wall of a community: published, claimed, fulfilled and confirmed wishes, anonymised (building
/// but not room, surname + 某 at most, no phone). Anyone may read it.
#[utoipa::path(get, path = "/api/v1/wall/{community_id}", tag = "wish",
    responses((status = 200, body = Vec<WallItem>), (status = 404)))]
pub async fn wall(
    State(state): State<AppState>,
    Path(community_id): Path<String>,
) -> Result<Json<Vec<WallItem>>, AppError> {
    let community_id = parse_id(&community_id)?;
    grid::community(&state.db, community_id).await?.ok_or(AppError::NotFound)?;
    let filter = Filter {
        community_id: Some(community_id),
        statuses: WishStatus::ALL.iter().copied().filter(|s| s.on_wall()).collect(),
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let found = store::list(&state.db, &filter).await?;
    Ok(Json(found.rows.iter().map(WallItem::build).collect()))
}

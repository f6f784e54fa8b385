//! The micro-wish JSON API: `/api/v1/wishes…` and the anonymised wall `/api/v1/wall/{community_id}`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use weizhili_core::access::{Action, ListScope, Place};
use weizhili_core::wish::{Source, WishStatus};
use weizhili_store::wish::{self as store, Filter};

use super::actions::{ActionInput, WishInput, text};
use super::{WishView, visible};
use crate::auth::CurrentUser;
use crate::grid::api::ListOf;
use crate::grid::pages::parse_id;
use crate::paging::{PageQuery, Size};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/wishes", get(list_wishes).post(submit_wish))
        .route("/api/v1/wishes/{id}", get(get_wish))
        .route("/api/v1/wishes/{id}/updates", get(list_updates).post(add_note))
        .route("/api/v1/wishes/{id}/{action}", post(act))
}

#[derive(Deserialize, IntoParams)]
pub struct WishParams {
    /// A status code, e.g. `published`.
    pub status: Option<String>,
    pub category: Option<String>,
    pub building_id: Option<i64>,
    /// `claimed`: only the wishes I claim now.
    pub mine: Option<String>,
    /// online, box, wall or visit.
    pub source: Option<String>,
    /// `true`: only published or claimed wishes past their due date.
    pub overdue: Option<bool>,
    /// Only published wishes unclaimed for more than this many days.
    pub unclaimed_days: Option<i64>,
}

/// 50 wishes a page, up to 200.
const SIZE: Size = Size::up_to(50, 200);

/// Wishes the user may see: staff all of their community's, a building head their buildings', a resident their
/// household's, a helper what is on the wall and what they claim.
#[utoipa::path(get, path = "/api/v1/wishes", tag = "wish", security(("bearer" = [])), params(WishParams, PageQuery),
    responses((status = 200, body = ListOf<WishView>), (status = 401),
        (status = 422, description = "A filter value that is not one of its kind, e.g. `status=pending`")))]
pub async fn list_wishes(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<WishParams>,
    Query(pq): Query<PageQuery>,
) -> Result<Json<ListOf<WishView>>, AppError> {
    let paging = pq.paging(SIZE);
    let mut filter = Filter {
        community_id: user.community_id(),
        category: p.category.clone(),
        building_id: p.building_id,
        page: paging.page(),
        per_page: paging.per_page(),
        ..Default::default()
    };
    if let Some(s) = p.status.as_deref().filter(|s| !s.is_empty()) {
        filter.statuses = vec![WishStatus::parse(s).map_err(|e| AppError::invalid(e.code()))?];
    }
    if let Some(s) = p.source.as_deref().filter(|s| !s.is_empty()) {
        filter.source = Some(Source::parse(s).map_err(|e| AppError::invalid(e.code()))?.as_str().to_owned());
    }
    let now = state.clock.now();
    if p.overdue == Some(true) {
        filter.overdue_on = Some(weizhili_core::clock::china_time(now).date_naive());
    }
    if let Some(days) = p.unclaimed_days {
        if !(0..=365).contains(&days) {
            return Err(AppError::invalid("bad_number"));
        }
        filter.unclaimed_since = Some(now - chrono::Duration::days(days));
    }
    let community = Place::community(filter.community_id.unwrap_or(0));
    let involved_everywhere = user.actor.is_admin() || user.can(Action::ReviewWish, &community);
    if p.mine.as_deref() == Some("claimed") {
        filter.claimed_by = Some(user.user.id);
    } else if !involved_everywhere {
        match super::list_scope(&user) {
            ListScope::Households(ids) if !user.can(Action::ClaimWish, &community) => filter.household_ids = Some(ids),
            ListScope::Buildings(ids) if filter.building_id.is_none_or(|b| ids.contains(&b)) => {
                filter.building_ids = Some(ids);
            }
            _ if user.can(Action::ClaimWish, &community) => {
                if filter.statuses.is_empty() {
                    filter.statuses = WishStatus::ALL.iter().copied().filter(|s| s.on_wall()).collect();
                }
                filter.statuses.retain(|s| s.on_wall());
                // A wish offered to a paired helper is theirs alone until the offer ends.
                filter.wall_at = Some((now, Some(user.user.id)));
                if filter.statuses.is_empty() {
                    return Ok(Json(ListOf { items: vec![], total: 0, page: filter.page, per_page: filter.per_page }));
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

/// Submits a wish: a resident for their own household, or staff and building heads on a resident's behalf
/// (a proxy entry from the wish box, the smiley wall or a visit).
#[utoipa::path(post, path = "/api/v1/wishes", tag = "wish", security(("bearer" = [])), request_body = WishInput,
    responses((status = 201, body = WishView), (status = 403), (status = 404), (status = 422)))]
pub async fn submit_wish(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<WishInput>,
) -> Result<(StatusCode, Json<WishView>), AppError> {
    let w = super::actions::submit(&state, &user, input).await?;
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
    if action == "claim" {
        // The claimant's answer is built from what the claim wrote, not read back.
        let row = super::actions::claim(&state, &user, parse_id(&id)?, input).await?;
        let s = super::standing(&user, &row.wish, row.claim.as_ref());
        return Ok(Json(WishView::build(&row, s.involved)));
    }
    super::actions::perform(&state, &user, parse_id(&id)?, &action, input).await?;
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
    if !s.in_story() {
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
    if !s.in_story() {
        return Err(AppError::NotFound);
    }
    let body = text(&Some(input.text), 1000)?.ok_or_else(|| AppError::invalid("note_required"))?;
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

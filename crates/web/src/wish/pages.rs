//! The micro-wish pages (the lists are in `list.rs`): the wish form (also for proxy entries), a wish with its story and the actions open to
//! the reader, and the public wall.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use weizhili_core::access::{Action, ListScope, Place, Role};
use weizhili_core::wish::{Category, Source, WishAction, WishStatus};
use weizhili_store::grid::{self as grid_store, ResidentFilter};
use weizhili_store::wish as store;

use super::actions::{self, ActionInput, WishInput, allowed};
use super::{WishView, visible};
use crate::auth::CurrentUser;
use crate::grid::pages::{Choice, parse_id};
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wishes", get(super::list::list).post(create))
        .route("/wishes/new", get(new_form))
        .route("/wishes/export.xlsx", get(export))
        .route("/wishes/{id}", get(detail))
        .route("/wishes/{id}/{action}", post(act))
}

#[derive(Template)]
#[template(path = "wish/new.html")]
struct NewPage {
    c: PageCtx,
    input: FormInput,
    categories: Vec<Choice>,
    sources: Vec<Choice>,
    residents: Vec<Choice>,
    /// Set for a proxy entry: the household's address.
    proxy_for: Option<String>,
    error: Option<String>,
}

/// The wish form as typed, so that nothing is lost when it comes back with a message.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FormInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: String,
    pub anonymous: Option<String>,
    pub household_id: Option<String>,
    pub resident_id: Option<String>,
    pub source: Option<String>,
    pub slip_no: Option<String>,
}

#[derive(Deserialize)]
struct NewQuery {
    household: Option<String>,
}

async fn new_page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    input: FormInput,
    error: Option<String>,
) -> Result<Response, AppError> {
    let mut proxy_for = None;
    let mut residents = Vec::new();
    if let Some(hid) = input.household_id.as_deref().filter(|h| !h.is_empty()) {
        let h = crate::grid::visible_household(state, user, parse_id(hid)?).await?;
        user.require(Action::SubmitWish, &crate::grid::household_place(&h))?;
        let b = grid_store::building(&state.db, h.building_id).await?.ok_or(AppError::NotFound)?;
        proxy_for = Some(crate::grid::place_label(&b.name, &h.unit, &h.room));
        let filter = ResidentFilter { household_id: Some(h.id), page: 1, per_page: 50, ..Default::default() };
        let scope = ListScope::Households(vec![h.id]);
        let chosen = input.resident_id.clone().unwrap_or_default();
        residents = grid_store::residents(&state.db, &scope, &filter, state.clock.this_year())
            .await?
            .rows
            .into_iter()
            .map(|r| Choice {
                selected: chosen == r.resident.id.to_string(),
                value: r.resident.id.to_string(),
                label: r.resident.name,
            })
            .collect();
    } else if !user.actor.has_role(Role::Resident) {
        // Staff and building heads enter wishes from a household's page.
        return Err(AppError::invalid("household_required"));
    }
    let categories = Category::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: c.t(&format!("wish-category-{}", k.as_str().replace('_', "-"))),
            selected: input.category == k.as_str(),
        })
        .collect();
    let source = input.source.clone().unwrap_or_else(|| "box".into());
    let sources = Source::ALL
        .iter()
        .filter(|s| **s != Source::Online)
        .map(|s| Choice {
            value: s.as_str().into(),
            label: c.t(&format!("wish-source-{}", s.as_str())),
            selected: source == s.as_str(),
        })
        .collect();
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let mut response = render(&NewPage { c, input, categories, sources, residents, proxy_for, error });
    *response.status_mut() = status;
    Ok(response)
}

async fn new_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let input = FormInput { household_id: q.household, ..Default::default() };
    new_page(&state, c, &user, input, None).await
}

async fn create(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Form(form): Form<FormInput>,
) -> Result<Response, AppError> {
    let id = |s: &Option<String>| s.as_deref().filter(|v| !v.is_empty()).map(parse_id).transpose();
    let household_id = id(&form.household_id)?;
    let input = WishInput {
        title: form.title.clone(),
        description: form.description.clone(),
        category: form.category.clone(),
        anonymous: form.anonymous.is_some(),
        household_id,
        resident_id: if household_id.is_some() { id(&form.resident_id)? } else { None },
        source: if household_id.is_some() { form.source.clone() } else { None },
        slip_no: form.slip_no.clone(),
    };
    match actions::submit(&state, &user, input).await {
        Ok(w) => Ok(Redirect::to(&format!("/wishes/{}", w.id)).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let message = e.message(c.lang);
            new_page(&state, c, &user, form, Some(message)).await
        }
        Err(e) => Err(e),
    }
}

pub struct Step {
    pub kind_key: String,
    pub text: Option<String>,
    pub author: Option<String>,
    pub at: String,
}

#[derive(Template)]
#[template(path = "wish/detail.html")]
struct DetailPage {
    c: PageCtx,
    wish: WishView,
    star_choices: Vec<(u8, String)>,
    steps: Vec<Step>,
    actions: Vec<&'static str>,
    categories: Vec<Choice>,
    similar: Vec<(i64, String)>,
    error: Option<String>,
    /// The wish is offered to this user (their paired resident's) before anyone else.
    offered_to_me: bool,
    /// Until when the wish is offered to a paired helper (for staff and the people involved).
    offer_until: Option<String>,
    photo_count: u64,
    photos: Vec<super::photos::PhotoView>,
    /// May add notes and photos to the story.
    can_add: bool,
}

pub(crate) async fn detail_page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    id: i64,
    error: Option<(axum::http::StatusCode, String)>,
) -> Result<Response, AppError> {
    let (row, s) = visible(state, user, id).await?;
    let w = WishView::build(&row, s.involved);
    let is_wisher = super::is_wisher(user, &row.wish);
    let status = WishStatus::parse(&row.wish.status).map_err(|_| AppError::NotFound)?;
    let mut open: Vec<&'static str> =
        status.allowed_actions().filter(|a| allowed(*a, &s, is_wisher).is_ok()).map(WishAction::as_str).collect();
    open.retain(|a| *a != "lapse");
    let now = state.clock.now();
    let offer_open = weizhili_core::wish::offer_open(row.wish.offer_until, now);
    let offered_to_me = offer_open && row.wish.offered_to == Some(user.user.id);
    if offer_open && !offered_to_me {
        // Only the paired helper may claim while the offer holds.
        open.retain(|a| *a != "claim");
    }
    if offered_to_me && status == WishStatus::Published {
        open.push("pass");
    }
    if !s.reviewer
        || status != WishStatus::Fulfilled
        || !weizhili_core::wish::closable(row.wish.fulfilled_at.unwrap_or(now), now)
    {
        open.retain(|a| *a != "close");
    }
    if s.reviewer && status == WishStatus::Fulfilled && row.wish.needs_check {
        open.insert(0, "check");
    }
    if s.claimant && status == WishStatus::Claimed {
        open.insert(0, "contact");
    }
    let offer_until = row
        .wish
        .offer_until
        .filter(|_| offer_open && (s.involved || offered_to_me))
        .map(|t| weizhili_core::clock::china_time(t).format("%m-%d %H:%M").to_string());
    let can_add = s.in_story() && (status.is_open() || status == WishStatus::Confirmed);
    let photos: Vec<super::photos::PhotoView> = if s.in_story() {
        store::photos::of_wish(&state.db, id).await?.iter().map(super::photos::PhotoView::build).collect()
    } else {
        vec![]
    };
    let photo_count = store::photos::count(&state.db, id).await?;
    let steps = if s.in_story() {
        store::updates(&state.db, id)
            .await?
            .into_iter()
            .map(|(u, author)| Step {
                kind_key: format!("wish-step-{}", u.kind.replace('_', "-")),
                text: u.text,
                author,
                at: weizhili_core::clock::china_time(u.created_at).format("%Y-%m-%d %H:%M").to_string(),
            })
            .collect()
    } else {
        vec![]
    };
    let similar = match (s.reviewer, status, row.wish.household_id) {
        (true, WishStatus::Submitted, Some(h)) => {
            store::open_of_household(&state.db, h, id).await?.into_iter().map(|o| (o.id, o.title)).collect()
        }
        _ => vec![],
    };
    let categories = Category::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: c.t(&format!("wish-category-{}", k.as_str().replace('_', "-"))),
            selected: row.wish.category == k.as_str(),
        })
        .collect();
    let code = error.as_ref().map(|e| e.0).unwrap_or(axum::http::StatusCode::OK);
    let mut response = render(&DetailPage {
        c,
        wish: w,
        star_choices: (1..=5).map(|n| (n, "★".repeat(usize::from(n)))).collect(),
        steps,
        actions: open,
        categories,
        similar,
        error: error.map(|e| e.1),
        offered_to_me,
        offer_until,
        photo_count,
        photos,
        can_add,
    });
    *response.status_mut() = code;
    Ok(response)
}

async fn detail(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    detail_page(&state, c, &user, parse_id(&id)?, None).await
}

#[derive(Deserialize, Default)]
struct ActionForm {
    category: Option<String>,
    due_date: Option<String>,
    reason: Option<String>,
    organisation: Option<String>,
    note: Option<String>,
    minutes: Option<String>,
    satisfaction: Option<String>,
    thanks: Option<String>,
    no_photo: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path((id, action)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    // The fulfil form may carry a photo (multipart); the others are plain forms.
    let (fields, photo) = super::photos::read_form(request, &state).await?;
    let form: ActionForm = serde_urlencoded::from_str(&serde_urlencoded::to_string(&fields).unwrap_or_default())
        .map_err(|_| AppError::invalid("bad_request"))?;
    if let Some(bytes) = photo {
        // Kept first, so that a refusal of the move itself loses nothing: the photo is in the story already.
        let (row, s) = visible(&state, &user, id).await?;
        if !s.in_story() {
            return Err(AppError::NotFound);
        }
        if let Err(e) = super::photos::save(&state, &user, &row.wish, bytes, None).await {
            return match e {
                AppError::Invalid { .. } | AppError::Conflict(_) => {
                    let message = e.message(c.lang);
                    detail_page(&state, c, &user, id, Some((e.status(), message))).await
                }
                other => Err(other),
            };
        }
    }
    let blank = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let due_date = match blank(&form.due_date) {
        None => None,
        Some(d) => match chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let message = AppError::typed("bad_date", &d).message(c.lang);
                return detail_page(
                    &state,
                    c,
                    &user,
                    id,
                    Some((axum::http::StatusCode::UNPROCESSABLE_ENTITY, message)),
                )
                .await;
            }
        },
    };
    let input = ActionInput {
        category: blank(&form.category),
        due_date,
        reason: blank(&form.reason),
        organisation: blank(&form.organisation),
        note: blank(&form.note),
        minutes: blank(&form.minutes).and_then(|m| m.parse().ok()).or(blank(&form.minutes).map(|_| -1)),
        satisfaction: blank(&form.satisfaction).and_then(|s| s.parse().ok()),
        thanks: blank(&form.thanks),
        no_photo: form.no_photo.is_some(),
    };
    match actions::perform(&state, &user, id, &action, input).await {
        Ok(()) => Ok(Redirect::to(&format!("/wishes/{id}")).into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let message = e.message(c.lang);
            detail_page(&state, c, &user, id, Some((e.status(), message))).await
        }
        Err(e) => Err(e),
    }
}

/// The wish ledger (心愿台账) as Excel, for staff; audited.
async fn export(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(Action::ReviewWish, &Place::community(cid))?;
    let bytes = store::export_ledger(&state.db, cid).await?;
    let entry = user.audit("wish.export").detail(format!("bytes={}", bytes.len()));
    weizhili_store::audit::record(&state.db, state.clock.now(), entry).await?;
    let filename = format!("wishes-{}.xlsx", state.clock.now().format("%Y%m%d"));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// The first instant of this month and of the next, Beijing time.
pub fn this_month(
    now: chrono::DateTime<chrono::Utc>,
) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    use chrono::{Datelike, TimeZone};
    let local = weizhili_core::clock::china_time(now);
    let offset = *local.offset();
    let start = offset.with_ymd_and_hms(local.year(), local.month(), 1, 0, 0, 0).single();
    let (y, m) = if local.month() == 12 { (local.year() + 1, 1) } else { (local.year(), local.month() + 1) };
    let end = offset.with_ymd_and_hms(y, m, 1, 0, 0, 0).single();
    match (start, end) {
        (Some(s), Some(e)) => (s.with_timezone(&chrono::Utc), e.with_timezone(&chrono::Utc)),
        _ => (now, now),
    }
}

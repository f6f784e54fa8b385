//! After the event (活动之后): the summary staff write (活动总结), the photos they upload (cleaned like every photo:
//! re-encoded, EXIF and GPS gone, size limits), and the [`Story`] residents read on the event page: summary,
//! photos, satisfaction, and who volunteered (names masked for residents). Feedback is [`super::feedback`]'s.
//! Pages `/events/{id}/summary`, photos `/events/{id}/photos/…`; API under `/api/v1/events/{id}/…`.

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use weizhili_core::access::{Action, Place};
use weizhili_core::clock::china_time;
use weizhili_core::event::followup::{FollowupError, average_rating, parse_summary};
use weizhili_core::grid::PersonName;
use weizhili_store::event::followup::{self as store, NewPhoto, Photo};
use weizhili_store::event::{Event, head_of};
use weizhili_store::{StoreError, account, audit, begin_write};

use super::flow::visible;
use crate::auth::CurrentUser;
use crate::grid::pages::parse_id;
use crate::page::{PageCtx, render};
use crate::wish::photos::{keep, read_form};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/summary", get(summary_page).post(summary_form))
        .route("/events/{id}/photos", post(upload_page))
        .route("/events/{id}/photos/{photo}", get(full))
        .route("/events/{id}/photos/{photo}/thumb", get(thumb))
        .route("/api/v1/events/{id}/summary", get(summary_json).put(put_summary_json))
        .route("/api/v1/events/{id}/photos", get(photos_json).post(upload_json))
        .route("/api/v1/events/{id}/story", get(story_json))
}

/// A follow-up refusal: the state of things (409) or the input (422).
pub(crate) fn followup_refusal(e: FollowupError) -> AppError {
    if e.is_conflict() { AppError::Conflict(e.code()) } else { AppError::invalid(e.code()) }
}

/// A time as Beijing HH:MM.
pub(crate) fn hm(at: DateTime<Utc>) -> String {
    china_time(at).format("%H:%M").to_string()
}

/// When an event is, in Beijing time: `2026-05-16 09:00–11:30`.
pub(crate) fn when(ev: &Event) -> String {
    format!("{} {}–{}", china_time(ev.starts_at).format("%Y-%m-%d"), hm(ev.starts_at), hm(ev.ends_at))
}

/// A photo of an event as the API and the story give it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventPhotoView {
    pub id: i64,
    /// The re-encoded photo (JPEG, at most 2048 px).
    pub url: String,
    /// A thumbnail (JPEG, at most 400 px).
    pub thumb_url: String,
    pub width: i32,
    pub height: i32,
}

impl EventPhotoView {
    fn build(p: &Photo) -> EventPhotoView {
        EventPhotoView {
            id: p.id,
            url: format!("/events/{}/photos/{}", p.owner_id, p.id),
            thumb_url: format!("/events/{}/photos/{}/thumb", p.owner_id, p.id),
            width: p.width,
            height: p.height,
        }
    }
}

/// One volunteer role and who took it, as the story shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoryRole {
    pub role: String,
    /// Full names for staff and volunteers; surname + 某 for residents.
    pub names: Vec<String>,
}

/// What residents read after an event, for the event page (`templates/event/story.html`, included with `c` and
/// `story`). The flags say which follow-up links the reader may follow.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Story {
    pub event_id: i64,
    /// The summary (活动总结), paragraphs separated by blank lines.
    pub summary: Option<String>,
    pub photos: Vec<EventPhotoView>,
    /// The average rating to one decimal (`4.5`), none without feedback.
    pub average_rating: Option<f64>,
    /// How many gave feedback.
    pub ratings: u64,
    pub roles: Vec<StoryRole>,
    /// The reader's own rating, if they gave one.
    pub my_rating: Option<i32>,
    /// Staff and group leaders: links to the volunteers, summary and feedback pages.
    pub can_manage: bool,
    /// Volunteers: a link to the volunteers page to take a shift.
    pub can_volunteer: bool,
    /// Someone who came (or a child's household adult): a link to the feedback form.
    pub can_give_feedback: bool,
}

impl Story {
    /// Nothing to tell yet (and no link to offer).
    pub fn is_empty(&self) -> bool {
        self.summary.is_none()
            && self.photos.is_empty()
            && self.ratings == 0
            && self.roles.is_empty()
            && !self.can_manage
            && !self.can_volunteer
            && !self.can_give_feedback
    }

    pub fn paragraphs(&self) -> Vec<&str> {
        self.summary
            .as_deref()
            .map(|s| s.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect())
            .unwrap_or_default()
    }

    pub fn average(&self) -> String {
        self.average_rating.map(|a| format!("{a:.1}")).unwrap_or_default()
    }
}

/// The story of `ev` for `user` (who must be able to see the event: the caller checked).
pub async fn story(state: &AppState, user: &CurrentUser, ev: &Event) -> Result<Story, AppError> {
    let place = Place::community(ev.community_id);
    let can_manage = user.can(Action::ManageEvents, &place);
    let can_volunteer = user.can(Action::VolunteerAtEvent, &place);
    let head = head_of(ev);
    let summary = store::summary_of(&state.db, ev.id).await?.map(|s| s.summary);
    let photos = store::photos_of(&state.db, ev.id).await?.iter().map(EventPhotoView::build).collect();
    let (sum, ratings) = store::ratings_of(&state.db, head).await?;
    let shifts = store::shifts_of(&state.db, ev.id).await?;
    let on = store::on_shifts(&state.db, ev.id).await?;
    let names = account::display_names(&state.db, on.iter().map(|o| o.user_id).collect()).await?;
    let full_names = can_manage || can_volunteer;
    let mut roles: Vec<StoryRole> = Vec::new();
    for s in &shifts {
        let at = match roles.iter().position(|r| r.role == s.role) {
            Some(i) => i,
            None => {
                roles.push(StoryRole { role: s.role.clone(), names: vec![] });
                roles.len() - 1
            }
        };
        for o in on.iter().filter(|o| o.shift_id == s.id) {
            let name = names.get(&o.user_id).cloned().unwrap_or_default();
            let shown = if full_names {
                name
            } else {
                PersonName::parse(&name).map(|n| n.masked()).unwrap_or_else(|_| "某".into())
            };
            if !roles[at].names.contains(&shown) {
                roles[at].names.push(shown);
            }
        }
    }
    let (my_rating, can_give_feedback) = match super::feedback::giver(state, user, ev).await? {
        Some(g) => (store::feedback_by(&state.db, head, g.resident_id).await?.map(|f| f.rating), true),
        None => (None, false),
    };
    Ok(Story {
        event_id: ev.id,
        summary,
        photos,
        average_rating: average_rating(sum, ratings),
        ratings,
        roles,
        my_rating,
        can_manage,
        can_volunteer,
        can_give_feedback,
    })
}

/// The event, for staff and group leaders of its community (404 outside it, 403 inside).
async fn managed(state: &AppState, user: &CurrentUser, id: &str) -> Result<Event, AppError> {
    let ev = visible(state, user, id).await?;
    user.require(Action::ManageEvents, &Place::community(ev.community_id))?;
    Ok(ev)
}

async fn save_summary(state: &AppState, user: &CurrentUser, ev: &Event, text: &str) -> Result<String, AppError> {
    let text = parse_summary(text).map_err(super::after::followup_refusal)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let saved = store::set_summary(&txn, ev.community_id, ev.id, text, user.user.id, now).await?;
    let entry = user.audit("event.summary").object("event", ev.id).community(Some(ev.community_id));
    audit::record(&txn, now, entry.detail(format!("chars={}", saved.summary.chars().count()))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(saved.summary)
}

/// Cleans and keeps a photo of an event.
async fn save_photo(
    state: &AppState,
    user: &CurrentUser,
    ev: &Event,
    bytes: axum::body::Bytes,
) -> Result<Photo, AppError> {
    let kept = keep(state, "event", bytes).await?;
    let keys = [kept.key.clone(), kept.thumb_key.clone()];
    let recorded: Result<Photo, AppError> = async {
        let now = state.clock.now();
        let txn = begin_write(&state.db).await?;
        let new = NewPhoto {
            community_id: ev.community_id,
            event_id: ev.id,
            key: kept.key,
            thumb_key: kept.thumb_key,
            content_type: kept.content_type.to_owned(),
            width: kept.width,
            height: kept.height,
            bytes: kept.bytes,
            uploaded_by: user.user.id,
        };
        let photo = store::add_photo(&txn, new, now).await?;
        let entry = user.audit("event.photo").object("event", ev.id).community(Some(ev.community_id));
        audit::record(&txn, now, entry.detail(format!("photo={}", photo.id))).await?;
        txn.commit().await.map_err(StoreError::from)?;
        Ok(photo)
    }
    .await;
    if recorded.is_err() {
        crate::wish::photos::Kept::discard(state, keys).await;
    }
    recorded
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

#[derive(Template)]
#[template(path = "event/summary.html")]
struct SummaryPage {
    c: PageCtx,
    ev: Event,
    when: String,
    text: String,
    story: Story,
    error: Option<String>,
}

async fn render_summary(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    ev: Event,
    text: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let story = story(state, user, &ev).await?;
    let code = error.as_ref().map(|e| e.0).unwrap_or(StatusCode::OK);
    let mut response = render(&SummaryPage {
        when: when(&ev),
        text: text.or_else(|| story.summary.clone()).unwrap_or_default(),
        story,
        error: error.map(|e| e.1),
        ev,
        c,
    });
    *response.status_mut() = code;
    Ok(response)
}

async fn summary_page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let ev = managed(&state, &user, &id).await?;
    render_summary(&state, c, &user, ev, None, None).await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SummaryInput {
    /// Up to 2000 characters; paragraphs separated by blank lines.
    #[serde(default)]
    pub summary: String,
}

async fn summary_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<SummaryInput>,
) -> Result<Response, AppError> {
    let ev = managed(&state, &user, &id).await?;
    match save_summary(&state, &user, &ev, &form.summary).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{}/summary", ev.id)).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let message = e.message(c.lang);
            render_summary(&state, c, &user, ev, Some(form.summary), Some((e.status(), message))).await
        }
        Err(e) => Err(e),
    }
}

async fn upload_page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let ev = managed(&state, &user, &id).await?;
    let (_, photo) = read_form(request, &state).await?;
    let result = match photo {
        Some(bytes) => save_photo(&state, &user, &ev, bytes).await.map(|_| ()),
        None => Err(AppError::invalid("photo_empty")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/events/{}/summary", ev.id)).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let message = e.message(c.lang);
            render_summary(&state, c, &user, ev, None, Some((e.status(), message))).await
        }
        Err(e) => Err(e),
    }
}

/// A photo for anyone who may see the event (the story is the community's), never in a shared cache.
async fn serve_photo(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    photo: &str,
    thumb: bool,
) -> Result<Response, AppError> {
    let ev = visible(state, user, id).await?;
    let p = store::photo(&state.db, ev.id, parse_id(photo)?).await?.ok_or(AppError::NotFound)?;
    crate::wish::photos::photo_response(state, if thumb { &p.thumb_key } else { &p.key }, &p.content_type).await
}

async fn full(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, photo)): Path<(String, String)>,
) -> Result<Response, AppError> {
    serve_photo(&state, &user, &id, &photo, false).await
}

async fn thumb(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, photo)): Path<(String, String)>,
) -> Result<Response, AppError> {
    serve_photo(&state, &user, &id, &photo, true).await
}

// ---------------------------------------------------------------------------------------------------------------
// API

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryView {
    pub event_id: i64,
    pub summary: Option<String>,
}

/// An event's summary (活动总结), for anyone of its community.
#[utoipa::path(get, path = "/api/v1/events/{id}/summary", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = SummaryView), (status = 404)))]
pub async fn summary_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<SummaryView>, AppError> {
    let ev = visible(&state, &user, &id).await?;
    let summary = store::summary_of(&state.db, ev.id).await?.map(|s| s.summary);
    Ok(Json(SummaryView { event_id: ev.id, summary }))
}

/// Writes or rewrites the summary (staff and group leaders). Refusals: `summary_required`, `summary_too_long`.
#[utoipa::path(put, path = "/api/v1/events/{id}/summary", tag = "event", security(("bearer" = [])),
    request_body = SummaryInput, responses((status = 200, body = SummaryView), (status = 403), (status = 404), (status = 422)))]
pub async fn put_summary_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<SummaryInput>,
) -> Result<Json<SummaryView>, AppError> {
    let ev = managed(&state, &user, &id).await?;
    let summary = save_summary(&state, &user, &ev, &input.summary).await?;
    Ok(Json(SummaryView { event_id: ev.id, summary: Some(summary) }))
}

/// An event's photos, for anyone of its community.
#[utoipa::path(get, path = "/api/v1/events/{id}/photos", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = Vec<EventPhotoView>), (status = 404)))]
pub async fn photos_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<EventPhotoView>>, AppError> {
    let ev = visible(&state, &user, &id).await?;
    Ok(Json(store::photos_of(&state.db, ev.id).await?.iter().map(EventPhotoView::build).collect()))
}

/// Adds a photo of the event (staff and group leaders; multipart field `photo`: JPEG, PNG or WebP up to 10 MB),
/// re-encoded so EXIF and GPS data are gone. Refusals: `photo_empty`, `photo_too_large`, `photo_not_supported`,
/// `photo_unreadable`, `photo_too_many_pixels`.
#[utoipa::path(post, path = "/api/v1/events/{id}/photos", tag = "event", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`photo` (file)"),
    responses((status = 201, body = EventPhotoView), (status = 403), (status = 404), (status = 422)))]
pub async fn upload_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    request: Request,
) -> Result<(StatusCode, Json<EventPhotoView>), AppError> {
    let ev = managed(&state, &user, &id).await?;
    let (_, photo) = read_form(request, &state).await?;
    let bytes = photo.ok_or_else(|| AppError::invalid("photo_empty"))?;
    let p = save_photo(&state, &user, &ev, bytes).await?;
    Ok((StatusCode::CREATED, Json(EventPhotoView::build(&p))))
}

/// The story of an event as residents read it: summary, photos, satisfaction, volunteers (masked for residents).
#[utoipa::path(get, path = "/api/v1/events/{id}/story", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = Story), (status = 404)))]
pub async fn story_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Story>, AppError> {
    let ev = visible(&state, &user, &id).await?;
    Ok(Json(story(&state, &user, &ev).await?))
}

//! Photos of a wish: uploaded with a progress note or with the fulfilment, cleaned by `store::media::process`
//! (re-encoded: no EXIF, no GPS), kept in the storage layer, and shown only to the people involved (the wisher,
//! the claimant, staff), never on the wall.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;
use weizhili_core::wish::WishStatus;
use weizhili_store::media::{self, MediaError};
use weizhili_store::wish::photos::{self as store, NewPhoto, Photo};
use weizhili_store::wish::{self as wish_store, Wish};
use weizhili_store::{StoreError, audit, begin_write};

use super::visible;
use crate::auth::CurrentUser;
use crate::grid::pages::parse_id;
use crate::page::PageCtx;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wishes/{id}/photos", post(upload_page))
        .route("/wishes/{id}/photos/{photo}", get(full))
        .route("/wishes/{id}/photos/{photo}/thumb", get(thumb))
        .route("/api/v1/wishes/{id}/photos", get(list_json).post(upload_json))
}

/// A photo as the API gives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PhotoView {
    pub id: i64,
    /// The re-encoded photo (JPEG, at most 2048 px).
    pub url: String,
    /// A thumbnail (JPEG, at most 400 px).
    pub thumb_url: String,
    pub width: i32,
    pub height: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl PhotoView {
    pub fn build(p: &Photo) -> PhotoView {
        PhotoView {
            id: p.id,
            url: format!("/wishes/{}/photos/{}", p.owner_id, p.id),
            thumb_url: format!("/wishes/{}/photos/{}/thumb", p.owner_id, p.id),
            width: p.width,
            height: p.height,
            created_at: p.created_at,
        }
    }
}

/// A photo problem the uploader can fix is a 422 with its code; a storage failure is the server's.
pub(crate) fn refusal(e: MediaError) -> AppError {
    if e.is_client_error() { AppError::invalid(e.code()) } else { AppError::Internal(e.into()) }
}

/// The wish, if this user may add to and see its story (the wisher, the claimant, staff), or 404.
async fn involved_in(state: &AppState, user: &CurrentUser, id: i64) -> Result<Wish, AppError> {
    let (row, s) = visible(state, user, id).await?;
    if !s.in_story() {
        return Err(AppError::NotFound);
    }
    Ok(row.wish)
}

/// A photo cleaned and in storage, not yet recorded: the caller writes its `media` row.
pub(crate) struct Kept {
    pub key: String,
    pub thumb_key: String,
    pub content_type: &'static str,
    pub width: i32,
    pub height: i32,
    /// The stored photo's size.
    pub bytes: i64,
}

impl Kept {
    /// Removes the stored files again when recording them failed, so that no file is left that nothing refers
    /// to. Best effort: a file that cannot be removed is logged.
    pub(crate) async fn discard(state: &AppState, keys: [String; 2]) {
        for key in keys {
            if let Err(e) = state.media.delete(&key).await {
                tracing::warn!(key = %key, error = %e, "a photo whose record failed could not be removed");
            }
        }
    }
}

/// Cleans a photo (`media::process`: re-encoded, no EXIF or GPS, size and pixel limits) and puts it and its
/// thumbnail in storage under fresh keys of `kind` (`wish`, `event`). At most `state.photo_slots` photos are
/// processed at once. Shared by every feature that takes photos.
pub(crate) async fn keep(state: &AppState, kind: &str, bytes: Bytes) -> Result<Kept, AppError> {
    let processed = {
        let _slot = state.photo_slots.acquire().await.map_err(|e| AppError::Internal(e.into()))?;
        tokio::task::spawn_blocking(move || media::process(&bytes))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(refusal)?
    };
    let key = media::new_key(kind, state.clock.now());
    let thumb_key = media::thumb_key(&key);
    let kept = Kept {
        key,
        thumb_key,
        content_type: processed.content_type,
        width: processed.width as i32,
        height: processed.height as i32,
        bytes: processed.photo.len() as i64,
    };
    state.media.put(&kept.key, processed.photo, processed.content_type).await.map_err(refusal)?;
    state.media.put(&kept.thumb_key, processed.thumbnail, processed.content_type).await.map_err(refusal)?;
    Ok(kept)
}

/// Cleans and keeps a photo for wish `w`, with a story entry (and the note, if any). At most
/// `state.photo_slots` photos are processed at once.
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    w: &Wish,
    bytes: Bytes,
    note: Option<String>,
) -> Result<Photo, AppError> {
    let status = wish_store::status_of(w)?;
    if !status.is_open() && status != WishStatus::Confirmed {
        return Err(AppError::Conflict("wish_finished"));
    }
    let now = state.clock.now();
    let kept = keep(state, "wish", bytes).await?;
    let keys = [kept.key.clone(), kept.thumb_key.clone()];
    let recorded: Result<Photo, AppError> = async {
        let txn = begin_write(&state.db).await?;
        let update = wish_store::add_update(&txn, w, Some(user.user.id), "photo", note, now).await?;
        let photo = store::add(
            &txn,
            NewPhoto {
                community_id: w.community_id,
                wish_id: w.id,
                update_id: Some(update.id),
                key: kept.key,
                thumb_key: kept.thumb_key,
                content_type: kept.content_type.to_owned(),
                width: kept.width,
                height: kept.height,
                bytes: kept.bytes,
                uploaded_by: user.user.id,
            },
            now,
        )
        .await?;
        let entry = user.audit("wish.photo").object("wish", w.id).community(Some(w.community_id));
        audit::record(&txn, now, entry.detail(format!("photo={}", photo.id))).await?;
        txn.commit().await.map_err(StoreError::from)?;
        Ok(photo)
    }
    .await;
    if recorded.is_err() {
        Kept::discard(state, keys).await;
    }
    recorded
}

/// What a form sent: its text fields, and the photo if one was chosen. Reads urlencoded forms and multipart
/// uploads alike (a page form with a file input sends the latter, with `_csrf` in the query).
pub async fn read_form(request: Request, state: &AppState) -> Result<(Vec<(String, String)>, Option<Bytes>), AppError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let bytes = Bytes::from_request(request, state).await.map_err(|_| AppError::invalid("bad_request"))?;
        let pairs = serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::invalid("bad_request"))?;
        return Ok((pairs, None));
    }
    let mut form = Multipart::from_request(request, state).await.map_err(|_| AppError::invalid("bad_request"))?;
    let mut fields = Vec::new();
    let mut photo = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::invalid("bad_request"))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photo" {
            let bytes = field.bytes().await.map_err(|_| AppError::invalid("photo_too_large"))?;
            // A file input left empty still sends an empty part.
            if !bytes.is_empty() {
                photo = Some(bytes);
            }
        } else {
            let value = field.text().await.map_err(|_| AppError::invalid("bad_request"))?;
            fields.push((name, value));
        }
    }
    Ok((fields, photo))
}

/// The page's "add a photo or a note" form.
async fn upload_page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let w = involved_in(&state, &user, id).await?;
    let (fields, photo) = read_form(request, &state).await?;
    let note = fields.iter().find(|(k, _)| k == "note").map(|(_, v)| v.clone());
    let note = super::actions::text(&note, 1000)?;
    let result = match photo {
        Some(bytes) => save(&state, &user, &w, bytes, note).await.map(|_| ()),
        None => match note {
            Some(text) => {
                wish_store::add_update(&state.db, &w, Some(user.user.id), "note", Some(text), state.clock.now())
                    .await
                    .map(|_| ())
                    .map_err(AppError::from)
            }
            None => Err(AppError::invalid("note_or_photo_required")),
        },
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/wishes/{id}")).into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let message = e.message(c.lang);
            super::pages::detail_page(&state, c, &user, id, Some((e.status(), message))).await
        }
        Err(e) => Err(e),
    }
}

async fn serve_photo(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    photo: &str,
    thumb: bool,
) -> Result<Response, AppError> {
    let w = involved_in(state, user, parse_id(id)?).await?;
    let p = store::get(&state.db, parse_id(photo)?).await?.filter(|p| p.owner_id == w.id).ok_or(AppError::NotFound)?;
    photo_response(state, if thumb { &p.thumb_key } else { &p.key }, &p.content_type).await
}

/// A stored photo as a response, for whoever the caller let see it: personal, so never in a shared cache.
pub(crate) async fn photo_response(state: &AppState, key: &str, content_type: &str) -> Result<Response, AppError> {
    let bytes = state.media.get(key).await.map_err(refusal)?.ok_or(AppError::NotFound)?;
    Ok((
        [(header::CONTENT_TYPE, content_type.to_owned()), (header::CACHE_CONTROL, "private, max-age=86400".to_owned())],
        bytes,
    )
        .into_response())
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

/// The photos of a wish, for the wisher, the claimant and staff.
#[utoipa::path(get, path = "/api/v1/wishes/{id}/photos", tag = "wish", security(("bearer" = [])),
    responses((status = 200, body = Vec<PhotoView>), (status = 404)))]
pub async fn list_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<PhotoView>>, AppError> {
    let w = involved_in(&state, &user, parse_id(&id)?).await?;
    Ok(Json(store::of_wish(&state.db, w.id).await?.iter().map(PhotoView::build).collect()))
}

/// Adds a photo (multipart field `photo`: JPEG, PNG or WebP up to 10 MB; optional field `note`). It is
/// re-encoded, so EXIF and GPS data are gone. Refusals: `photo_too_large`, `photo_not_supported`,
/// `photo_unreadable`, `photo_too_many_pixels`, `photo_empty`.
#[utoipa::path(post, path = "/api/v1/wishes/{id}/photos", tag = "wish", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`photo` (file) and optional `note`"),
    responses((status = 201, body = PhotoView), (status = 404), (status = 422)))]
pub async fn upload_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    request: Request,
) -> Result<(StatusCode, Json<PhotoView>), AppError> {
    let w = involved_in(&state, &user, parse_id(&id)?).await?;
    let (fields, photo) = read_form(request, &state).await?;
    let note = fields.iter().find(|(k, _)| k == "note").map(|(_, v)| v.clone());
    let note = super::actions::text(&note, 1000)?;
    let bytes = photo.ok_or_else(|| AppError::invalid("photo_empty"))?;
    let p = save(&state, &user, &w, bytes, note).await?;
    Ok((StatusCode::CREATED, Json(PhotoView::build(&p))))
}

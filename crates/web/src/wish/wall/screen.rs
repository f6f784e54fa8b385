//! The big screen in the council hall (`/wall/{community_id}/screen`): the newest wishes of the wall in very large
//! type, light on dark, no menus, and a QR code to claim one. It updates by itself: `/static/screen.js` listens
//! to `/wall/{community_id}/events` (server-sent events, one per wish change that shows on the wall) and fetches
//! the JSON wall again. Without JavaScript the page reloads itself every minute.
//!
//! The event stream says only which wish moved to which status; what the wall shows is fetched from the JSON
//! wall, which is anonymised in one place.

use std::convert::Infallible;
use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use weizhili_core::wish::{Category, WishStatus};

use crate::grid::pages::parse_id;
use crate::page::{PageCtx, render};
use crate::wish::{WallItem, WishEvent};
use crate::{AppError, AppState, qr};

/// Cards on the screen: what a TV shows in type that reads across the hall.
pub const SCREEN_ITEMS: usize = 12;

pub fn routes() -> Router<AppState> {
    Router::new().route("/wall/{community_id}/screen", get(screen)).route("/wall/{community_id}/events", get(events))
}

/// A text the script needs to draw cards: `data-l-{key}` on the page.
pub struct Label {
    pub key: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "wish/screen.html")]
struct ScreenPage<'a> {
    c: PageCtx,
    community_id: i64,
    community: &'a str,
    items: &'a [WallItem],
    max: usize,
    qr: String,
    claim_url: String,
    labels: Vec<Label>,
}

/// The page for the council hall's TV.
async fn screen(
    State(state): State<AppState>,
    c: PageCtx,
    headers: HeaderMap,
    Path(community_id): Path<String>,
) -> Result<Response, AppError> {
    let community_id = parse_id(&community_id)?;
    let view = state.wall.first_page(&state.db, community_id).await?.ok_or(AppError::NotFound)?;
    let claim_url = format!("{}/wishes?view=wall", qr::public_base(&state.config, &headers));
    let mut labels: Vec<Label> = WishStatus::ALL
        .iter()
        .filter(|s| s.on_wall())
        .map(|s| format!("wish-status-{}", s.as_str()))
        .chain(Category::ALL.iter().map(|k| format!("wish-category-{}", k.as_str().replace('_', "-"))))
        .chain(["wish-priority".to_owned(), "wall-empty".to_owned()])
        .map(|key| Label { text: c.t(&key), key })
        .collect();
    labels.push(Label { key: "wish-claimed-by".into(), text: c.ta("wish-claimed-by", "name", "{name}") });
    let items = &view.items[..view.items.len().min(SCREEN_ITEMS)];
    let page = ScreenPage {
        community_id,
        community: &view.community,
        items,
        max: SCREEN_ITEMS,
        qr: qr::svg(&claim_url),
        claim_url,
        labels,
        c,
    };
    Ok(render(&page))
}

/// Whether a wish's new status changes what the wall shows: it is on the wall now, or it just left it.
pub fn concerns_wall(status: WishStatus) -> bool {
    status.on_wall() || matches!(status, WishStatus::Withdrawn | WishStatus::Closed)
}

/// Server-sent events for the big screens of one community: `event: wall` with `{"wish_id", "status"}` for
/// every change that shows on the wall, `{"reload": true}` when this stream fell behind and missed some, and a
/// comment every 15 s so that proxies keep the connection open. Public, like the wall.
async fn events(State(state): State<AppState>, Path(community_id): Path<String>) -> Result<Response, AppError> {
    let community_id = parse_id(&community_id)?;
    state.wall.first_page(&state.db, community_id).await?.ok_or(AppError::NotFound)?;
    let stream = wall_events(&state, community_id);
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("keep-alive"))
        .into_response();
    // nginx would otherwise hold the events back in its buffer.
    response.headers_mut().insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

fn wall_events(state: &AppState, community_id: i64) -> impl Stream<Item = Result<Event, Infallible>> + use<> {
    let listening = (state.wish_events.subscribe(), state.wall.closing());
    futures_util::stream::unfold(listening, move |(mut events, mut closing)| async move {
        loop {
            if *closing.borrow_and_update() {
                return None;
            }
            let event = tokio::select! {
                gone = closing.changed() => match gone {
                    Ok(()) => continue,
                    Err(_) => return None,
                },
                got = events.recv() => match got {
                    Ok(e) if e.community_id == community_id && concerns_wall(e.status) => changed(&e),
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => Event::default().event("wall").data(r#"{"reload":true}"#),
                    Err(RecvError::Closed) => return None,
                },
            };
            return Some((Ok(event), (events, closing)));
        }
    })
}

fn changed(e: &WishEvent) -> Event {
    let data = serde_json::json!({ "wish_id": e.wish_id, "status": e.status.as_str() });
    Event::default().event("wall").data(data.to_string())
}

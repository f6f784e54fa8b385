//! weizhili-web: the axum application. Auth (sessions, CSRF, tokens, throttling), the pages and the JSON API of
//! each feature, templates, locales, static files, operations endpoints.
//!
//! Handlers parse input into `weizhili_core` types, ask `core::access` through the [`auth::CurrentUser`]
//! extractor, call `weizhili_store`, and render. They never decide a permission or write a status by hand.

pub mod audit;
pub mod auth;
pub mod competition;
pub mod error;
pub mod event;
pub mod grid;
pub mod home;
pub mod i18n;
pub mod notify;
pub mod openapi;
pub mod ops;
pub mod page;
pub mod paging;
pub mod qr;
pub mod service;
pub mod users;
pub mod wish;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use weizhili_core::clock::Clock;
use weizhili_store::Db;

pub use error::AppError;

/// Settings the web layer needs, from `weizhili.toml` / `WEIZHILI_*` via the CLI.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// How long a browser session lasts without use, in hours.
    pub session_hours: i64,
    /// Failed logins allowed per account in the throttle window.
    pub max_failures_per_login: u64,
    /// Failed logins allowed per IP address in the throttle window.
    pub max_failures_per_ip: u64,
    /// The throttle window, in minutes.
    pub throttle_minutes: i64,
    /// Largest request body, in bytes (uploads included); larger ones get 413.
    pub max_body_bytes: usize,
    /// Days a claimant has to record first contact before the claim lapses.
    pub first_contact_days: i64,
    /// The address people reach the site at, e.g. `https://weizhili.example.org`, for links that leave the screen
    /// (QR codes on posters and the big screen). Without it, the request's Host header is used.
    pub public_url: Option<String>,
    /// How staff hear of new wishes and lapsing claims: one daily summary (default) or a message per event.
    pub staff_notifications: weizhili_core::notify::StaffMode,
    /// Hours a paired resident's new wish is offered to their helper (帮扶对子) before it goes on the wall.
    pub help_pair_offer_hours: i64,
    /// The secret a scraper sends for `/metrics`; without one, only direct requests from this machine get it.
    pub metrics_token: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_hours: 24 * 14,
            max_failures_per_login: 5,
            max_failures_per_ip: 30,
            throttle_minutes: 15,
            // A 10 MB photo and the form around it.
            max_body_bytes: 11 * 1024 * 1024,
            first_contact_days: weizhili_core::wish::FIRST_CONTACT_DAYS_DEFAULT,
            public_url: None,
            staff_notifications: weizhili_core::notify::StaffMode::Daily,
            help_pair_offer_hours: weizhili_core::wish::HELP_PAIR_OFFER_HOURS_DEFAULT,
            metrics_token: None,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<WebConfig>,
    pub metrics: ops::Metrics,
    pub sessions: Arc<auth::session::SessionCache>,
    /// Where photos are kept: a folder beside the database, or S3-compatible object storage.
    pub media: weizhili_store::media::Storage,
    /// At most this many photos are decoded and re-encoded at once (each may take a few hundred MB).
    pub photo_slots: Arc<tokio::sync::Semaphore>,
    /// Wish status changes, for the wall's cache and the big screens (see [`wish::WishEvent`]).
    pub wish_events: tokio::sync::broadcast::Sender<wish::WishEvent>,
    /// The wall's first page per community, in memory, forgotten on every [`wish::WishEvent`] of its community.
    pub wall: Arc<wish::wall::WallCache>,
    /// Claims settled in groups (see [`wish::claims`]).
    pub claims: Arc<wish::claims::ClaimQueue>,
}

impl AppState {
    pub fn new(db: Db, clock: Arc<dyn Clock>, config: WebConfig, media: weizhili_store::media::Storage) -> Self {
        let wish_events = tokio::sync::broadcast::channel(256).0;
        let wall = Arc::new(wish::wall::WallCache::new(wish_events.subscribe(), wish::wall::WALL_TTL, clock.clone()));
        AppState {
            db,
            clock,
            config: Arc::new(config),
            metrics: ops::Metrics::install(),
            sessions: Arc::new(auth::session::SessionCache::default()),
            media,
            photo_slots: Arc::new(tokio::sync::Semaphore::new(2)),
            wish_events,
            wall,
            claims: Arc::new(wish::claims::ClaimQueue::default()),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    let csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
               frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
    Router::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(grid::routes())
        .merge(audit::routes())
        .merge(users::routes())
        .merge(wish::routes())
        .merge(notify::routes())
        .merge(event::routes())
        .merge(competition::routes())
        .merge(service::routes())
        .merge(openapi::routes())
        .merge(ops::routes())
        .layer(middleware::from_fn_with_state(state.clone(), auth::csrf::guard))
        .layer(RequestBodyLimitLayer::new(max_body))
        // Between the two: error pages know who is signed in (for the menu and the forms' CSRF token), and
        // refusals of the CSRF guard are rendered like every other error.
        .layer(middleware::from_fn(error::render))
        .layer(middleware::from_fn_with_state(state.clone(), auth::session::load_user))
        .layer(middleware::from_fn_with_state(state.clone(), ops::track))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp)))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
        .with_state(state)
}

/// The work that runs on a timer: lapsing claims nobody followed up.
pub fn spawn_background(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            every.tick().await;
            run_timed_work(&state).await;
        }
    });
}

/// One round of the timed work: warn claimants, lapse claims, send staff their daily summary. Errors are logged;
/// the next round tries again.
pub async fn run_timed_work(state: &AppState) {
    match notify::warn_lapsing(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(warned = n, "claimants warned that their claim is about to lapse"),
        Err(e) => tracing::error!(error = %e, "warning claimants failed"),
    }
    match wish::actions::lapse_overdue(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(lapsed = n, "claims without first contact went back on the wall"),
        Err(e) => tracing::error!(error = %e, "lapsing claims failed"),
    }
    match notify::daily_summaries(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(sent = n, "daily summaries sent to staff"),
        Err(e) => tracing::error!(error = %e, "daily summaries failed"),
    }
    match event::flow::mark_no_shows(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(marked = n, "sign-ups of events that are over marked as no-shows"),
        Err(e) => tracing::error!(error = %e, "marking no-shows failed"),
    }
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let wall = state.wall.clone();
    let app = router(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            // The big screens' event streams never end by themselves.
            wall.close_streams();
        })
        .await
}

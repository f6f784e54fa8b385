//! Operations: `/healthz`, `/metrics` (Prometheus text), request metrics, and the static files.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// The process's metrics recorder (one per process, shared by every app in it: tests start many).
#[derive(Clone)]
pub struct Metrics(PrometheusHandle);

impl Metrics {
    pub fn install() -> Metrics {
        static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
        let handle = HANDLE.get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Suffix("duration_seconds".into()),
                    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
                )
                .map(|b| b.build_recorder())
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed");
            }
            handle
        });
        Metrics(handle.clone())
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/static/screen.js", get(|| asset("text/javascript; charset=utf-8", SCREEN_JS)))
        .route("/static/screen.css", get(|| asset("text/css; charset=utf-8", SCREEN_CSS)))
        .route("/static/poster.css", get(|| asset("text/css; charset=utf-8", POSTER_CSS)))
        .route("/static/sheet.css", get(|| asset("text/css; charset=utf-8", SHEET_CSS)))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

async fn healthz(State(state): State<AppState>) -> Response {
    match weizhili_store::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "database unavailable",
            )
                .into_response()
        }
    }
}

/// Who may read `/metrics`: with `metrics_token` set, a request bearing it; without, a direct request from this
/// machine (a loopback peer and no proxy's `X-Forwarded-For`), as a Prometheus on the same host scrapes it. Anyone
/// else gets 404: request counts per route are not the public's business.
fn may_read_metrics(
    config: &crate::WebConfig,
    headers: &axum::http::HeaderMap,
    peer: Option<std::net::IpAddr>,
) -> bool {
    match config.metrics_token.as_deref() {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| constant_time_eq(given.trim().as_bytes(), token.as_bytes())),
        None => peer.is_some_and(|ip| ip.is_loopback()) && !headers.contains_key("x-forwarded-for"),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn metrics_text(State(state): State<AppState>, request: Request) -> Response {
    let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|p| p.0.ip());
    if !may_read_metrics(&state.config, request.headers(), peer) {
        return crate::AppError::NotFound.into_response();
    }
    // Which getter applies depends on the backend; the other one panics.
    let (size, idle) = match state.db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = state.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = state.db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    metrics::gauge!("db_pool_connections").set(f64::from(size));
    metrics::gauge!("db_pool_idle").set(idle as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.0.render()).into_response()
}

/// Middleware: counts requests by route and status and times them.
pub async fn track(State(_state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().to_string();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    tracing::info!(
        target: "weizhili::request",
        %method,
        route = %route,
        status = response.status().as_u16(),
        elapsed_ms = elapsed.as_secs_f64() * 1000.0,
    );
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route).record(started.elapsed().as_secs_f64());
    response
}

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], CSS)
        .into_response()
}

async fn js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], JS)
        .into_response()
}

// The big screen and the wish-box poster (`wish::wall::screen`, `wish::poster`).
const SCREEN_JS: &str = include_str!("../static/screen.js");
const SCREEN_CSS: &str = include_str!("../static/screen.css");
const POSTER_CSS: &str = include_str!("../static/poster.css");
const SHEET_CSS: &str = include_str!("../static/sheet.css");

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

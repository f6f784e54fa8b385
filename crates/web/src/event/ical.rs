//! The iCalendar feed (RFC 5545) a phone's calendar subscribes to: a community's events, or one building's and
//! the community-wide ones, from a month back to half a year ahead. Public like a notice board: it carries
//! titles, times and places, never a person.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use weizhili_store::event::{self as store, Event};
use weizhili_store::grid as grid_store;

use crate::grid::pages::parse_id;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/communities/{id}/events.ics", get(feed))
}

#[derive(Deserialize, Default)]
struct FeedQuery {
    building: Option<String>,
}

async fn feed(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<FeedQuery>,
) -> Result<Response, AppError> {
    let community = grid_store::community(&state.db, parse_id(&id)?).await?.ok_or(AppError::NotFound)?;
    let mut name = community.name.clone();
    let building = match q.building.as_deref().filter(|b| !b.is_empty()) {
        Some(raw) => {
            let b = grid_store::building(&state.db, parse_id(raw)?).await?.ok_or(AppError::NotFound)?;
            if b.community_id != community.id {
                return Err(AppError::NotFound);
            }
            name = format!("{name} {}", b.name);
            Some(b.id)
        }
        None => None,
    };
    let now = state.clock.now();
    let events =
        store::list(&state.db, community.id, now - Duration::days(31), now + Duration::days(183), building, 500)
            .await?;
    let body = calendar(&name, &events, now);
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=900")], body)
        .into_response())
}

/// The feed's text: CRLF line ends, long lines folded. An event carries its title, times, place and whether it
/// is on, and nothing else: not the description (staff write contacts and phone numbers there) nor a link.
pub fn calendar(name: &str, events: &[Event], now: DateTime<Utc>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//weizhili//events//ZH".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", escape(&format!("{name} 活动"))),
        "X-WR-TIMEZONE:Asia/Shanghai".to_owned(),
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H".to_owned(),
    ];
    for ev in events {
        lines.push("BEGIN:VEVENT".to_owned());
        lines.push(format!("UID:event-{}@weizhili", ev.id));
        lines.push(format!("DTSTAMP:{}", stamp(ev.updated_at.min(now))));
        lines.push(format!("DTSTART:{}", stamp(ev.starts_at)));
        lines.push(format!("DTEND:{}", stamp(ev.ends_at)));
        lines.push(format!("SUMMARY:{}", escape(&ev.title)));
        lines.push(format!("LOCATION:{}", escape(&ev.place)));
        let status = if ev.status == "cancelled" { "CANCELLED" } else { "CONFIRMED" };
        lines.push(format!("STATUS:{status}"));
        lines.push("END:VEVENT".to_owned());
    }
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Text values escape backslash, semicolon, comma and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// Lines longer than 75 octets continue on the next line after a space, never splitting a character.
fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(ch);
        used += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "健".repeat(40)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "健".repeat(40)));
    }

    #[test]
    fn text_escapes_the_characters_rfc_5545_reserves() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}

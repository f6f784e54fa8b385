//! A series of sessions over time: staff cancel the rest of it (through the API and on the page) and everyone
//! signed up is told, while the sessions already held stay as they were; the timed work marks no-shows (缺席)
//! once an event, or a whole series, is over. The clock is injected and moved on, never slept.

use std::collections::HashMap;

use chrono::{Duration, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use weizhili_core::clock::Clock;
use weizhili_store::event;

use crate::helpers::{TestApp, run_timed_work, spawn_app};

/// Moves the injected clock on to a Beijing time of June 2026.
fn move_to(app: &TestApp, day: u32, hour: u32, minute: u32) {
    let at = Utc.with_ymd_and_hms(2026, 6, day, hour, minute, 0).single().unwrap() - Duration::hours(8);
    let by = at - app.clock.now();
    assert!(by >= Duration::zero(), "the clock only moves on");
    app.clock.advance(by);
}

/// A class from Tuesday 2 to Friday 5 June 2026, 16:30–18:00 Beijing time, made by staff through the API: the
/// ids of its four sessions, in order.
async fn term(app: &TestApp, staff: &str, title: &str, capacity: &str) -> Vec<i64> {
    let body = json!({"title": title, "place": "社区活动中心", "capacity": capacity, "recurrence": {
        "weekdays": [1, 2, 3, 4, 5], "from": "2026-06-02", "until": "2026-06-05", "start": "16:30:00", "end": "18:00:00"}});
    let (status, made) = app.api_send(staff, Method::POST, "/api/v1/events", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let ids: Vec<i64> = made.as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 4);
    ids
}

async fn sign_up(app: &TestApp, token: &str, event: i64, body: Value) -> Value {
    let (status, signup) = app.api_send(token, Method::POST, &format!("/api/v1/events/{event}/signups"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{signup}");
    signup
}

async fn check_in(app: &TestApp, staff: &str, session: i64, resident: i64) {
    let path = format!("/api/v1/events/{session}/check-in");
    let (status, body) = app.api_send(staff, Method::POST, &path, json!({"resident_id": resident})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The status of each session, in order.
async fn session_statuses(app: &TestApp, head: i64) -> Vec<String> {
    event::sessions_of(&app.db, head).await.unwrap().into_iter().map(|s| s.status).collect()
}

/// resident id → status of their sign-up for an event or series, as staff see it.
async fn signups(app: &TestApp, staff: &str, head: i64) -> HashMap<i64, String> {
    let (status, list) = app.api_get(staff, &format!("/api/v1/events/{head}/signups")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| (s["resident_id"].as_i64().unwrap(), s["status"].as_str().unwrap().to_owned()))
        .collect()
}

/// How many `event_cancelled` notifications about `event` a person has.
async fn told_of_cancellation(app: &TestApp, login: &str, event: i64) -> usize {
    let token = app.api_token(login).await;
    let (_, list) = app.api_get(&token, "/api/v1/notifications").await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "event_cancelled" && n["event_id"] == event)
        .count()
}

async fn resident_of(app: &TestApp, login: &str) -> i64 {
    weizhili_store::account::user_by_login(&app.db, login).await.unwrap().unwrap().resident_id.unwrap()
}

#[tokio::test]
async fn cancelling_the_rest_of_a_series_through_the_api_keeps_what_was_held_and_tells_everyone_signed_up() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let sessions = term(&app, &staff, "太极拳入门班", "1").await;
    let head = sessions[0];
    // One place: jumin has it, jumin2 waits for it.
    let jumin = app.api_token("jumin").await;
    assert_eq!(sign_up(&app, &jumin, head, json!({})).await["status"], "registered");
    let jumin2 = app.api_token("jumin2").await;
    assert_eq!(sign_up(&app, &jumin2, head, json!({"waitlist": true})).await["status"], "waitlisted");
    // Tuesday's and Wednesday's classes are held, and jumin came on Tuesday; on Thursday morning the rest is off.
    move_to(&app, 2, 16, 40);
    check_in(&app, &staff, sessions[0], resident_of(&app, "jumin").await).await;
    move_to(&app, 4, 9, 0);
    let path = format!("/api/v1/events/{head}/cancel");
    let (status, body) = app.api_send(&jumin, Method::POST, &path, json!({"whole_series": true})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a resident cancels nothing: {body}");
    let (status, body) = app.api_send(&staff, Method::POST, &path, json!({"whole_series": true})).await;
    assert_eq!((status, body["cancelled"].as_u64()), (StatusCode::OK, Some(2)), "{body}");
    assert_eq!(session_statuses(&app, head).await, ["scheduled", "scheduled", "cancelled", "cancelled"]);
    for login in ["jumin", "jumin2"] {
        assert_eq!(told_of_cancellation(&app, login, head).await, 1, "{login}, who came once or waits, is told");
    }
    assert_eq!(told_of_cancellation(&app, "zhiyuanzhe", head).await, 0, "nobody else is");
    // Nothing is left to cancel; sign-up is closed.
    let (status, body) = app.api_send(&staff, Method::POST, &path, json!({"whole_series": true})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("event_cancelled")));
    let latecomer = json!({"resident_id": app.resident_in("幸福里社区", "3栋").await});
    let (status, body) = app.api_send(&staff, Method::POST, &format!("/api/v1/events/{head}/signups"), latecomer).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("signup_closed")), "{body}");
}

#[tokio::test]
async fn staff_cancel_the_rest_of_a_series_on_a_sessions_page() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let sessions = term(&app, &staff, "亲子阅读会", "").await;
    let head = sessions[0];
    let jumin = app.api_token("jumin").await;
    sign_up(&app, &jumin, head, json!({})).await;
    // Tuesday's session is held; on Wednesday morning staff call off the rest from Wednesday's page.
    move_to(&app, 3, 9, 0);
    app.login_as("shegong").await;
    let (status, page) = app.page(&format!("/events/{}", sessions[1])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"scope\" value=\"series\""), "the page offers the rest of the series");
    let response = app.post_form(&format!("/events/{}/cancel", sessions[1]), &[("scope", "series")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(session_statuses(&app, head).await, ["scheduled", "cancelled", "cancelled", "cancelled"]);
    assert_eq!(told_of_cancellation(&app, "jumin", sessions[1]).await, 1);
    let (_, page) = app.page(&format!("/events/{}", sessions[3])).await;
    assert!(page.contains("id=\"event-cancelled\""), "the last session says so too");
}

#[tokio::test]
async fn the_timed_work_marks_no_shows_once_the_event_or_the_whole_series_is_over() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let mut people = Vec::new();
    for building in ["3栋", "4栋", "5栋", "6栋"] {
        people.push(app.resident_in("幸福里社区", building).await);
    }
    let [came_first, came_last, never, talk_only] = people[..] else { unreachable!() };
    let sessions = term(&app, &staff, "太极拳入门班", "").await;
    let head = sessions[0];
    for who in [came_first, came_last, never] {
        sign_up(&app, &staff, head, json!({"resident_id": who})).await;
    }
    // A talk on Tuesday afternoon, before the first class.
    let starts = Utc.with_ymd_and_hms(2026, 6, 2, 6, 0, 0).single().unwrap();
    let body =
        json!({"title": "防诈骗讲座", "place": "会议室", "starts_at": starts, "ends_at": starts + Duration::hours(1)});
    let (status, talk) = app.api_send(&staff, Method::POST, "/api/v1/events", body).await;
    assert_eq!(status, StatusCode::CREATED, "{talk}");
    let talk = talk[0]["id"].as_i64().unwrap();
    sign_up(&app, &staff, talk, json!({"resident_id": talk_only})).await;

    // Tuesday evening: the talk is over, the class has three sessions to go.
    move_to(&app, 2, 16, 40);
    check_in(&app, &staff, sessions[0], came_first).await;
    move_to(&app, 2, 18, 30);
    run_timed_work(&app).await;
    assert_eq!(signups(&app, &staff, talk).await[&talk_only], "no_show", "the talk is over");
    let series = signups(&app, &staff, head).await;
    assert_eq!(
        (series[&came_first].as_str(), series[&came_last].as_str(), series[&never].as_str()),
        ("attended", "registered", "registered"),
        "nobody is a no-show while sessions remain"
    );
    // During the last session: still not over.
    move_to(&app, 5, 17, 0);
    check_in(&app, &staff, sessions[3], came_last).await;
    run_timed_work(&app).await;
    assert_eq!(signups(&app, &staff, head).await[&never], "registered");
    // Once the last session has ended, whoever never came is a no-show; whoever came to any session is not.
    move_to(&app, 5, 18, 1);
    run_timed_work(&app).await;
    run_timed_work(&app).await;
    let series = signups(&app, &staff, head).await;
    assert_eq!(
        (series[&came_first].as_str(), series[&came_last].as_str(), series[&never].as_str()),
        ("attended", "attended", "no_show")
    );
}

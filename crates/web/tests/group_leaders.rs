//! Group leaders (兴趣小组组长) run their group's activities: they create events, competitions and volunteer
//! shifts in their community, on the pages and through the API; a resident may not. The demo has no group
//! leader, so each test makes one as `weizhili user create` makes an account: a user and a grant, through the
//! store.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::json;
use weizhili_core::access::{Grant, Role, ScopeKind};
use weizhili_core::clock::Clock;
use weizhili_store::account;

use crate::helpers::{TestApp, spawn_app, start_time};

/// The people of these tests: jumin's browser and token, and the group leader's token (this browser is theirs).
struct Cast {
    resident: TestApp,
    jumin: String,
    leader: String,
}

async fn cast(app: &TestApp) -> Cast {
    let resident = app.another_browser();
    resident.login_as("jumin").await;
    let jumin = app.api_token("jumin").await;
    group_leader(app).await;
    Cast { resident, jumin, leader: app.api_token("zuzhang").await }
}

/// A group leader of 幸福里社区, `zuzhang`, with the demo password; signs this browser in as them.
async fn group_leader(app: &TestApp) {
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let demo = account::user_by_login(&app.db, "shegong").await.unwrap().unwrap();
    let txn = weizhili_store::begin_write(&app.db).await.unwrap();
    let new = account::NewUser {
        login: "zuzhang".into(),
        password_hash: demo.password_hash,
        display_name: "周组长".into(),
        community_id: Some(community.id),
        resident_id: None,
        locale: "zh-CN".into(),
    };
    let user = account::create_user(&txn, new, app.clock.now()).await.unwrap();
    // A group leader's grant is on their group (`Role::scope_kind`), which lies in the community.
    let grant = Grant {
        role: Role::GroupLeader,
        scope_kind: ScopeKind::Group,
        scope_id: None,
        community_id: Some(community.id),
    };
    account::add_grant(&txn, user.id, &grant).await.unwrap();
    txn.commit().await.unwrap();
    app.login_as("zuzhang").await;
}

#[tokio::test]
async fn a_group_leader_creates_events_on_the_page_and_through_the_api_and_a_resident_may_not() {
    let app = spawn_app().await;
    let Cast { resident, jumin, leader } = cast(&app).await;

    let (status, form) = app.page("/events/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("name=\"_csrf\""));
    let fields = [
        ("title", "书法小组体验课"),
        ("place", "书画室"),
        ("date", "2026-06-06"),
        ("start", "09:00"),
        ("end", "11:00"),
        ("capacity", "12"),
        ("description", ""),
    ];
    let response = app.post_form("/events", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let at = response.headers()["location"].to_str().unwrap().to_owned();
    let (status, page) = app.page(&at).await;
    assert!(status == StatusCode::OK && page.contains("书法小组体验课"), "{page}");

    let starts = start_time() + Duration::days(6);
    let body = json!({"title": "书法小组练习", "place": "书画室", "starts_at": starts, "ends_at": starts + Duration::hours(2)});
    let (status, made) = app.api_send(&leader, Method::POST, "/api/v1/events", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made[0]["title"], "书法小组练习");
    assert_eq!(
        app.audit_actions("event.create").await.iter().filter(|e| e.login.as_deref() == Some("zuzhang")).count(),
        2
    );

    assert_eq!(resident.page("/events/new").await.0, StatusCode::FORBIDDEN);
    assert_eq!(resident.post_form("/events", &fields).await.status(), StatusCode::FORBIDDEN);
    let (status, _) = app.api_send(&jumin, Method::POST, "/api/v1/events", body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_group_leader_creates_competitions_on_the_page_and_through_the_api_and_a_resident_may_not() {
    let app = spawn_app().await;
    let Cast { resident, jumin, leader } = cast(&app).await;

    let (status, page) = app.page("/competitions/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"_csrf\""));
    let form = [("title", "棋友小组象棋赛"), ("game", "xiangqi"), ("format", "swiss"), ("rounds", "3")];
    let response = app.post_form("/competitions", &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let at = response.headers()["location"].to_str().unwrap().to_owned();
    let (status, page) = app.page(&at).await;
    assert!(status == StatusCode::OK && page.contains("棋友小组象棋赛"));

    let body = json!({"title": "棋友小组循环赛", "game": "xiangqi", "format": "round_robin"});
    let (status, made) = app.api_send(&leader, Method::POST, "/api/v1/competitions", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["title"], "棋友小组循环赛");

    assert_eq!(resident.page("/competitions/new").await.0, StatusCode::FORBIDDEN);
    assert_eq!(resident.post_form("/competitions", &form).await.status(), StatusCode::FORBIDDEN);
    let (status, _) = app.api_send(&jumin, Method::POST, "/api/v1/competitions", body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_group_leader_adds_volunteer_shifts_on_the_page_and_through_the_api_and_a_resident_may_not() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let starts = start_time() + Duration::days(2);
    let body = json!({"title": "小组趣味运动会", "place": "社区广场", "starts_at": starts, "ends_at": starts + Duration::hours(3)});
    let (status, made) = app.api_send(&staff, Method::POST, "/api/v1/events", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made[0]["id"].as_i64().unwrap();
    let Cast { resident, jumin, leader } = cast(&app).await;

    let path = format!("/events/{id}/volunteers");
    let (status, page) = app.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("添加志愿岗位"), "{page}");
    let form = [("role", "计分"), ("date", "2026-06-03"), ("start", "10:00"), ("end", "12:00"), ("places", "2")];
    assert_eq!(app.post_form(&format!("{path}/shifts"), &form).await.status(), StatusCode::SEE_OTHER);
    let shift = json!({"role": "引导", "starts_at": starts, "ends_at": starts + Duration::hours(1), "places": 3});
    let api = format!("/api/v1/events/{id}/volunteers/shifts");
    let (status, made) = app.api_send(&leader, Method::POST, &api, shift.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let shifts = weizhili_store::event::followup::shifts_of(&app.db, id).await.unwrap();
    let mut roles: Vec<&str> = shifts.iter().map(|s| s.role.as_str()).collect();
    roles.sort_unstable();
    assert_eq!(roles, ["引导", "计分"]);

    assert_eq!(resident.page(&path).await.0, StatusCode::FORBIDDEN);
    assert_eq!(resident.post_form(&format!("{path}/shifts"), &form).await.status(), StatusCode::FORBIDDEN);
    let (status, _) = app.api_send(&jumin, Method::POST, &api, shift).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(weizhili_store::event::followup::shifts_of(&app.db, id).await.unwrap().len(), 2);
}

//! Signing in and out, sessions, CSRF, throttling, API tokens, password resets.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{PASSWORD, new_client, spawn_app};

#[tokio::test]
async fn staff_sign_in_and_see_their_workbench() {
    let app = spawn_app().await;
    let (status, body) = app.page("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"zh-CN\">"));
    let response =
        app.post_form("/login", &[("login", "shegong"), ("password", PASSWORD), ("next", "/residents")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/residents");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("wzl_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let (status, body) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("幸福里社区 · 工作台"), "{body}");
    assert!(body.contains("陈晓梅"));
    assert_eq!(app.audit_actions("login").await.len(), 1);
}

#[tokio::test]
async fn a_wrong_password_says_so_and_is_audited() {
    let app = spawn_app().await;
    app.page("/login").await;
    let response = app.post_form("/login", &[("login", "shegong"), ("password", "wrong-one")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("账号或密码不对"), "{body}");
    assert!(body.contains("value=\"shegong\""), "the login typed is kept");
    let failed = app.audit_actions("login_failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].login.as_deref(), Some("shegong"));
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let response = app.client.post(app.url("/logout")).form(&[("x", "y")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("页面已过期"));
    // Still signed in: the refused request changed nothing.
    assert_eq!(app.page("/residents").await.0, StatusCode::OK);
    // And a stranger's login form without the cookie's token is refused too.
    let stranger = new_client();
    let response =
        stranger.post(app.url("/login")).form(&[("login", "shegong"), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account() {
    let app = spawn_app().await;
    app.page("/login").await;
    for _ in 0..5 {
        let r = app.post_form("/login", &[("login", "jumin"), ("password", "nope-nope")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right password waits now.
    let r = app.post_form("/login", &[("login", "jumin"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("15 分钟"));
    // Other accounts are not locked by it.
    let r = app.post_form("/login", &[("login", "jumin2"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // After the window, the account works again.
    app.clock.advance(chrono::Duration::minutes(16));
    let other = app.another_browser();
    other.login_as("jumin").await;
    assert!(!app.audit_actions("login_throttled").await.is_empty());
}

#[tokio::test]
async fn failed_logins_are_throttled_per_address() {
    let config = weizhili_web::WebConfig { max_failures_per_ip: 3, ..Default::default() };
    let app = crate::helpers::spawn_app_with(config).await;
    app.page("/login").await;
    for login in ["a1", "a2", "a3"] {
        app.post_form("/login", &[("login", login), ("password", "whatever1")]).await;
    }
    let r = app.post_form("/login", &[("login", "shegong"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn sessions_expire_and_logout_ends_them() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    app.logout().await;
    let r = app.get("/residents").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login?next="));

    app.login_as("shegong").await;
    app.clock.advance(chrono::Duration::days(15));
    let r = app.get("/residents").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "an expired session is no session");
}

#[tokio::test]
async fn the_api_signs_in_with_a_token_that_can_be_revoked() {
    let app = spawn_app().await;
    let token = app.api_token("loudongzhang").await;
    let (status, me) = app.api_get(&token, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["login"], "loudongzhang");
    assert!(me["community_id"].as_i64().is_some());
    let roles: Vec<&str> = me["roles"].as_array().unwrap().iter().map(|r| r["role"].as_str().unwrap()).collect();
    assert_eq!(roles.iter().filter(|r| **r == "building_head").count(), 2);
    let (status, _) = app.api_send(&token, reqwest::Method::POST, "/api/v1/auth/logout", Value::Null).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.api_get(&token, "/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "login_required");
}

#[tokio::test]
async fn the_api_answers_wrong_passwords_in_json() {
    let app = spawn_app().await;
    let r = new_client()
        .post(app.url("/api/v1/auth/login"))
        .header("accept-language", "en")
        .json(&serde_json::json!({"login": "shegong", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "login_failed");
    assert_eq!(body["error"]["message"], "Wrong login or password. Please try again.");
    let r = new_client()
        .post(app.url("/api/v1/auth/login"))
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
}

#[tokio::test]
async fn staff_reset_a_residents_password_and_it_is_audited() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let (_, body) = app.page("/users").await;
    assert!(body.contains("jumin2"));
    assert!(!body.contains("shegong2"), "staff of another community is not listed");
    let jumin = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let signed_in = app.another_browser();
    signed_in.login_as("jumin").await;
    let r = app.post_form(&format!("/users/{}/reset-password", jumin.id), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    let at = body.find("id=\"new-password\">").unwrap() + "id=\"new-password\">".len();
    let new_password = body[at..at + 10].to_owned();
    assert_eq!(app.audit_actions("password.reset").await.len(), 1);
    assert_eq!(signed_in.get("/residents").await.status(), StatusCode::SEE_OTHER, "a reset ends the person's sessions");

    let resident = app.another_browser();
    resident.page("/login").await;
    let r = resident.post_form("/login", &[("login", "jumin"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "the old password no longer works");
    let r = resident.post_form("/login", &[("login", "jumin"), ("password", &new_password)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Staff cannot reset someone of another community, nor the platform admin.
    let other = weizhili_store::account::user_by_login(&app.db, "shegong2").await.unwrap().unwrap();
    assert_eq!(
        app.post_form(&format!("/users/{}/reset-password", other.id), &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    let admin = weizhili_store::account::user_by_login(&app.db, "admin").await.unwrap().unwrap();
    assert_eq!(
        app.post_form(&format!("/users/{}/reset-password", admin.id), &[]).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = spawn_app().await;
    let r = app.get("/login").await;
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
}

#[tokio::test]
async fn staff_read_the_audit_log_filtered_by_person_action_and_date() {
    let app = spawn_app().await;
    app.page("/login").await;
    app.post_form("/login", &[("login", "jumin"), ("password", "wrong-pass")]).await;
    app.login_as("shegong").await;
    let (status, page) = app.page("/audit?action=login_failed").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("共 1 条") && page.contains(">jumin<"), "{page}");
    let (_, page) = app.page("/audit?login=shegong&action=login").await;
    assert!(page.contains("共 1 条"));
    // 2026-06-01 10:00 Beijing time is the test's "now".
    let (_, page) = app.page("/audit?from=2026-06-01&to=2026-06-01").await;
    assert!(page.contains("共 2 条"), "both entries are of that day");
    let (_, page) = app.page("/audit?from=2026-06-02").await;
    assert!(page.contains("共 0 条"));
    let (status, page) = app.page("/audit?from=yesterday").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("“yesterday”不是有效的日期"), "the message names what was typed");
}

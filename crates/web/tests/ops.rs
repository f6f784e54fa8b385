//! Operations and the things every page shares: health, metrics, body limits, languages, large text, the
//! locale files' completeness, the OpenAPI document.

use std::collections::BTreeSet;

use reqwest::StatusCode;

use crate::helpers::{new_client, spawn_app, spawn_app_with};

#[tokio::test]
async fn health_and_metrics_answer() {
    let app = spawn_app().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok");
    app.page("/login").await;
    app.page("/residents/1").await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("http_requests_total{"), "{metrics}");
    assert!(metrics.contains("route=\"/login\""));
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
    assert!(metrics.contains("db_pool_connections"));
    // Through a proxy (X-Forwarded-For) it is nobody's business.
    let proxied = new_client().get(app.url("/metrics")).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(proxied.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_answers_503_once_the_database_is_gone() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    app.lose_database().await;
    for attempt in ["first", "second"] {
        let r = app.get("/healthz").await;
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "{attempt} check");
        let body = r.text().await.unwrap();
        assert!(!body.contains("wzl_t"), "the database's name or path is not shown: {body}");
    }
}

#[tokio::test]
async fn with_a_metrics_token_only_its_bearer_reads_the_metrics() {
    let config = weizhili_web::WebConfig { metrics_token: Some("s3cret-scrape".into()), ..Default::default() };
    let app = spawn_app_with(config).await;
    assert_eq!(app.get("/metrics").await.status(), StatusCode::NOT_FOUND, "not even from this machine");
    let wrong = new_client().get(app.url("/metrics")).bearer_auth("guess").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let right = new_client().get(app.url("/metrics")).bearer_auth("s3cret-scrape").send().await.unwrap();
    assert_eq!(right.status(), StatusCode::OK);
    assert!(right.text().await.unwrap().contains("db_pool_connections"));
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413_and_nothing_changes() {
    let config = weizhili_web::WebConfig { max_body_bytes: 50_000, ..Default::default() };
    let app = spawn_app_with(config).await;
    app.login_as("shegong").await;
    let token = app.api_token("shegong").await;
    let huge = "长".repeat(40_000);
    let r = new_client()
        .post(app.url("/api/v1/courtyards"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": huge}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_large");
    let r = app.post_form("/courtyards", &[("name", &huge)]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().await.unwrap().contains("太大"));
    let yards = weizhili_store::grid::courtyards(&app.db, 1).await.unwrap();
    assert_eq!(yards.len(), 3);
    // A long but allowed name is refused as a name, with a message.
    let r = app.post_form("/courtyards", &[("name", &"长".repeat(200))]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn chinese_first_english_by_browser_or_by_choice() {
    let app = spawn_app().await;
    let (_, zh) = app.page("/login").await;
    assert!(zh.contains("lang=\"zh-CN\"") && zh.contains("登录"));
    let en = new_client()
        .get(app.url("/login"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("Sign in"));
    let r = app.post_form("/prefs/lang", &[("lang", "en"), ("back", "/login")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");
    let (_, page) = app.page("/login").await;
    assert!(page.contains("Forgot your password?"));
    // Only local paths are followed back.
    let r = app.post_form("/prefs/lang", &[("lang", "zh-CN"), ("back", "https://evil.example/")]).await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn large_text_mode_is_remembered() {
    let app = spawn_app().await;
    let (_, page) = app.page("/login").await;
    assert!(!page.contains("class=\"large\""));
    app.post_form("/prefs/large", &[("on", "1"), ("back", "/login")]).await;
    let (_, page) = app.page("/login").await;
    assert!(page.contains("<body class=\"large\">"));
    assert!(page.contains("标准字号"), "the switch offers the way back");
    let css = app.get("/static/app.css").await.text().await.unwrap();
    assert!(css.contains("body.large { font-size: 22px; --target: 60px; }"));
    assert!(css.contains("html { font-size: 18px; }") && css.contains("--target: 44px"));
}

fn keys(ftl: &str) -> BTreeSet<String> {
    ftl.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
        .collect()
}

#[test]
fn both_locales_have_every_key_and_every_key_used_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Each feature may keep its texts in its own file (main.ftl, screen.ftl, …); both languages have the same files.
    let names = |lang: &str| -> BTreeSet<String> {
        std::fs::read_dir(root.join("locales").join(lang))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".ftl"))
            .collect()
    };
    assert_eq!(names("zh-CN"), names("en"), "the same locale files in both languages");
    let all_keys = |lang: &str| -> BTreeSet<String> {
        names(lang)
            .iter()
            .flat_map(|n| keys(&std::fs::read_to_string(root.join("locales").join(lang).join(n)).unwrap()))
            .collect()
    };
    let zh = all_keys("zh-CN");
    let en = all_keys("en");
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(only_zh.is_empty() && only_en.is_empty(), "zh only: {only_zh:?}; en only: {only_en:?}");
    // Every literal key a template or handler asks for.
    let mut used = BTreeSet::new();
    let files: Vec<String> = crate::helpers::crate_files(&["templates", "src"]).into_iter().map(|(_, t)| t).collect();
    for text in &files {
        for marker in [".t(\"", ".ta(\"", "key: \""] {
            for (at, _) in text.match_indices(marker) {
                let rest = &text[at + marker.len()..];
                let key = &rest[..rest.find('"').unwrap()];
                if key.chars().all(|c| c.is_ascii_lowercase() || c == '-') && key.contains('-') {
                    used.insert(key.to_owned());
                }
            }
        }
    }
    let missing: Vec<_> = used.iter().filter(|k| !zh.contains(*k)).collect();
    assert!(missing.is_empty(), "keys used but not in the locale files: {missing:?}");
    // And the keys made at run time from codes.
    for tag in weizhili_core::grid::Tag::ALL {
        assert!(zh.contains(&format!("tag-{}", tag.as_str().replace('_', "-"))));
    }
    for role in weizhili_core::access::Role::ALL {
        assert!(zh.contains(&format!("role-{}", role.as_str().replace('_', "-"))));
    }
    for code in [
        "missing_name",
        "bad_phone",
        "unknown_building",
        "duplicate_person",
        "already_on_roster",
        "formula_cell",
        "bad_birth_year",
        "bad_gender",
        "missing_building",
        "missing_room",
        "bad_label",
        "bad_name",
        "unknown_tag",
    ] {
        assert!(zh.contains(&format!("roster-{}", code.replace('_', "-"))), "{code}");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn_app().await;
    let spec: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let paths: Vec<&String> = spec["paths"].as_object().unwrap().keys().collect();
    for p in [
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/residents",
        "/api/v1/residents/{id}",
        "/api/v1/households",
        "/api/v1/buildings",
        "/api/v1/courtyards",
    ] {
        assert!(paths.iter().any(|x| x.as_str() == p), "{p} missing");
    }
    // Key order differs with serde_json's preserve_order, which other crates of the workspace switch on.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("openapi", spec);
    });
    let (status, docs) = app.page("/api/docs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(docs.contains("/api/v1/residents/{id}") && !docs.contains("<script src=\"http"));
}

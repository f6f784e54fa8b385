//! The route × role matrix: for every route, who may read, who may write, and that everyone else gets
//! 401/403/404 (or, for pages, the way to the login). One table; every mismatch is reported at once.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, new_client, spawn_app};

const WHO: [&str; 8] = ["anon", "admin", "shegong", "shegong2", "loudongzhang", "zhiyuanzhe", "jumin", "jumin2"];

struct Row {
    method: Method,
    path: String,
    body: Option<serde_json::Value>,
    /// One expected status per entry of WHO.
    expect: [u16; 8],
}

async fn ids(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    // Someone in 1栋 who is not of jumin's household.
    let jumin = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let theirs = weizhili_store::grid::resident(&app.db, jumin.resident_id.unwrap()).await.unwrap().unwrap().resident;
    let filter = weizhili_store::grid::ResidentFilter {
        building_id: Some(theirs.building_id),
        page: 1,
        per_page: 50,
        ..Default::default()
    };
    let r = weizhili_store::grid::residents(&app.db, &weizhili_core::access::ListScope::Everything, &filter, 2026)
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.resident.household_id != theirs.household_id)
        .unwrap();
    let in_1 = r.resident.id;
    let heping = app.resident_in("和平社区", "1栋").await;
    let yard = weizhili_store::grid::courtyards(&app.db, r.resident.community_id).await.unwrap()[0].id;
    (in_1, r.resident.household_id, r.resident.building_id, heping, yard)
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_policy_says() {
    let app = spawn_app().await;
    let (res1, hh1, b1, heping_res, yard) = ids(&app).await;
    let jumin = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let own = jumin.resident_id.unwrap();
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap().id;
    let page = |path: &str, expect: [u16; 8]| Row { method: Method::GET, path: path.to_owned(), body: None, expect };
    let now = weizhili_core::clock::Clock::now(app.clock.as_ref());
    let coming = weizhili_store::event::list(&app.db, community, now, now + chrono::Duration::days(14), None, 500);
    let class = coming.await.unwrap().into_iter().find(|e| e.title.contains("430")).unwrap().id;
    //                                       anon admin shegong shegong2 head volunteer jumin jumin2
    let rows = vec![
        page("/", [200, 200, 200, 200, 200, 200, 200, 200]),
        page("/login", [200, 303, 303, 303, 303, 303, 303, 303]),
        page("/healthz", [200, 200, 200, 200, 200, 200, 200, 200]),
        page("/api/docs", [200, 200, 200, 200, 200, 200, 200, 200]),
        page("/residents", [303, 200, 200, 200, 200, 200, 200, 200]),
        page(&format!("/residents/{res1}"), [303, 200, 200, 404, 200, 404, 404, 404]),
        page(&format!("/residents/{own}"), [303, 200, 200, 404, 200, 404, 200, 404]),
        page(&format!("/residents/{heping_res}"), [303, 200, 404, 200, 404, 404, 404, 404]),
        page(&format!("/residents/{res1}/edit"), [303, 200, 200, 404, 200, 404, 404, 404]),
        page(&format!("/residents/{own}/edit"), [303, 200, 200, 404, 200, 404, 403, 404]),
        page(&format!("/residents/new?household={hh1}"), [303, 200, 200, 404, 200, 404, 404, 404]),
        page("/households", [303, 200, 200, 200, 200, 200, 200, 200]),
        page(&format!("/households/{hh1}"), [303, 200, 200, 404, 200, 404, 404, 404]),
        page("/buildings", [303, 200, 200, 200, 200, 200, 200, 200]),
        page("/roster", [303, 403, 200, 200, 403, 403, 403, 403]),
        page("/roster/export.xlsx", [303, 403, 200, 200, 403, 403, 403, 403]),
        page("/audit", [303, 200, 200, 200, 403, 403, 403, 403]),
        page("/users", [303, 200, 200, 200, 403, 403, 403, 403]),
        page("/events/ledger", [303, 403, 200, 200, 403, 403, 403, 403]),
        page("/events/ledger.xlsx", [303, 403, 200, 200, 403, 403, 403, 403]),
        page("/api/v1/events/ledger", [401, 403, 200, 200, 403, 403, 403, 403]),
        page("/api/v1/me", [401, 200, 200, 200, 200, 200, 200, 200]),
        page("/api/v1/courtyards", [401, 200, 200, 200, 200, 200, 200, 200]),
        page("/api/v1/buildings", [401, 200, 200, 200, 200, 200, 200, 200]),
        page("/api/v1/households", [401, 200, 200, 200, 200, 200, 200, 200]),
        page(&format!("/api/v1/households/{hh1}"), [401, 200, 200, 404, 200, 404, 404, 404]),
        page("/api/v1/residents", [401, 200, 200, 200, 200, 200, 200, 200]),
        page(&format!("/api/v1/residents/{res1}"), [401, 200, 200, 404, 200, 404, 404, 404]),
        page(&format!("/api/v1/residents/{heping_res}"), [401, 200, 404, 200, 404, 404, 404, 404]),
        page("/api/v1/wishes", [401, 200, 200, 200, 200, 200, 200, 200]),
        page("/wishes", [303, 200, 200, 200, 200, 200, 200, 200]),
        page(&format!("/wall/{community}"), [200, 200, 200, 200, 200, 200, 200, 200]),
        page("/wishes/new", [303, 422, 422, 422, 200, 200, 200, 200]),
        page(&format!("/api/v1/wall/{community}"), [200, 200, 200, 200, 200, 200, 200, 200]),
        page("/api/v1/wall/999999", [404, 404, 404, 404, 404, 404, 404, 404]),
        page(&format!("/wall/{community}?page=2"), [200, 200, 200, 200, 200, 200, 200, 200]),
        page(&format!("/wall/{community}/screen"), [200, 200, 200, 200, 200, 200, 200, 200]),
        page(&format!("/wall/{community}/events"), [200, 200, 200, 200, 200, 200, 200, 200]),
        page("/wall/999999/screen", [404, 404, 404, 404, 404, 404, 404, 404]),
        page("/wall/abc/events", [404, 404, 404, 404, 404, 404, 404, 404]),
        page(&format!("/buildings/{b1}/poster"), [303, 200, 200, 404, 200, 404, 404, 404]),
        page("/buildings/999999/poster", [303, 404, 404, 404, 404, 404, 404, 404]),
        page("/events", [303, 200, 200, 200, 200, 200, 200, 200]),
        page("/events?view=week", [303, 200, 200, 200, 200, 200, 200, 200]),
        page("/events/new", [303, 403, 200, 200, 403, 403, 403, 403]),
        page(&format!("/events/{class}"), [303, 200, 200, 404, 200, 200, 200, 200]),
        page(&format!("/events/{class}/check-in"), [303, 200, 200, 404, 200, 200, 200, 200]),
        page(&format!("/events/{class}/edit"), [303, 200, 200, 404, 403, 403, 403, 403]),
        page(&format!("/events/{class}/sign-in-sheet"), [303, 200, 200, 404, 404, 404, 404, 404]),
        page(&format!("/events/{class}/sign-in-sheet.xlsx"), [303, 200, 200, 404, 404, 404, 404, 404]),
        page("/events/999999", [303, 404, 404, 404, 404, 404, 404, 404]),
        page(&format!("/communities/{community}/events.ics"), [200, 200, 200, 200, 200, 200, 200, 200]),
        page("/api/v1/events", [401, 403, 200, 200, 200, 200, 200, 200]),
        page(&format!("/api/v1/events/{class}"), [401, 200, 200, 404, 200, 200, 200, 200]),
        page(&format!("/api/v1/events/{class}/signups"), [401, 200, 200, 404, 200, 200, 200, 200]),
        page(&format!("/api/v1/events/{class}/attendance"), [401, 200, 200, 404, 404, 404, 404, 404]),
        Row {
            method: Method::POST,
            path: format!("/api/v1/events/{class}/cancel"),
            body: Some(json!({"whole_series": false})),
            expect: [401, 200, 409, 404, 403, 403, 403, 403],
        },
        Row {
            method: Method::PUT,
            path: format!("/api/v1/residents/{res1}"),
            body: Some(json!({"name": "王大伟"})),
            expect: [401, 200, 200, 404, 200, 404, 404, 404],
        },
        Row {
            method: Method::PUT,
            path: format!("/api/v1/residents/{own}"),
            body: Some(json!({"name": "李秀英"})),
            expect: [401, 200, 200, 404, 200, 404, 403, 404],
        },
        Row {
            method: Method::POST,
            path: "/api/v1/residents".into(),
            body: Some(json!({"household_id": hh1, "name": "新居民"})),
            expect: [401, 201, 201, 404, 201, 404, 404, 404],
        },
        Row {
            method: Method::POST,
            path: "/api/v1/households".into(),
            body: Some(json!({"building_id": b1, "room": "XXROOM"})),
            expect: [401, 201, 409, 404, 409, 404, 404, 404],
        },
        Row {
            method: Method::POST,
            path: "/api/v1/courtyards".into(),
            body: Some(json!({"name": "YARD"})),
            expect: [401, 403, 201, 201, 403, 403, 403, 403],
        },
        Row {
            method: Method::POST,
            path: "/api/v1/buildings".into(),
            body: Some(json!({"courtyard_id": yard, "name": "BUILDING"})),
            expect: [401, 403, 201, 404, 403, 403, 403, 403],
        },
    ];
    let mut tokens = vec![None];
    let mut sessions = vec![new_client()];
    for who in &WHO[1..] {
        tokens.push(Some(app.api_token(who).await));
        sessions.push(session_client(&app, who).await);
    }
    let mut mismatches = Vec::new();
    for row in &rows {
        for (i, who) in WHO.iter().enumerate() {
            let is_api = row.path.starts_with("/api/");
            let client = if is_api { new_client() } else { sessions[i].clone() };
            let mut request = client.request(row.method.clone(), app.url(&row.path));
            if is_api && let Some(token) = &tokens[i] {
                request = request.bearer_auth(token);
            }
            if let Some(body) = &row.body {
                // Unique names and rooms per caller, so that a 409 means what the table says.
                let text = body
                    .to_string()
                    .replace("XXROOM", "1901")
                    .replace("YARD", &format!("北苑{i}"))
                    .replace("BUILDING", &format!("{}0栋", 20 + i));
                request = request.header("content-type", "application/json").body(text);
            }
            let status = request.send().await.unwrap().status();
            if status != StatusCode::from_u16(row.expect[i]).unwrap() {
                mismatches.push(format!(
                    "{} {} as {who}: got {}, expected {}",
                    row.method,
                    row.path,
                    status.as_u16(),
                    row.expect[i]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "\n{}", mismatches.join("\n"));
}

/// A browser-like client signed in as `who`.
async fn session_client(app: &TestApp, who: &str) -> reqwest::Client {
    let other = app.another_browser();
    other.login_as(who).await;
    other.client
}

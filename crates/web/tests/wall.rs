//! The wall at scale and away from the desk: the in-memory first page (changes show at once), paging, the big
//! screen with its live event stream, and the wish-box poster of a building.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use weizhili_core::clock::Clock;
use weizhili_web::WebConfig;
use weizhili_web::wish::wall::WallCache;

use crate::helpers::{TestApp, is_postgres, new_client, spawn_app, spawn_app_with};

async fn community_id(app: &TestApp, name: &str) -> i64 {
    weizhili_store::grid::community_by_name(&app.db, name).await.unwrap().unwrap().id
}

async fn wall_json(app: &TestApp, cid: i64, query: &str) -> (Vec<Value>, Option<String>) {
    let response = new_client().get(app.url(&format!("/api/v1/wall/{cid}{query}"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let link = response.headers().get("link").map(|l| l.to_str().unwrap().to_owned());
    let items: Value = response.json().await.unwrap();
    (items.as_array().unwrap().clone(), link)
}

async fn new_wish(app: &TestApp, title: &str) -> Value {
    let jumin = app.api_token("jumin").await;
    let (status, wish) =
        app.api_send(&jumin, Method::POST, "/api/v1/wishes", json!({"title": title, "category": "repair"})).await;
    assert_eq!(status, StatusCode::CREATED, "{wish}");
    wish["id"].clone()
}

async fn act(app: &TestApp, who: &str, id: &Value, action: &str) {
    let token = app.api_token(who).await;
    let (status, body) = app.api_send(&token, Method::POST, &format!("/api/v1/wishes/{id}/{action}"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{action}: {body}");
}

fn status_of<'a>(items: &'a [Value], id: &Value) -> Option<&'a str> {
    items.iter().find(|w| &w["id"] == id).and_then(|w| w["status"].as_str())
}

#[tokio::test]
async fn the_wall_shows_a_publish_and_a_claim_at_once_although_it_is_cached() {
    let app = spawn_app().await;
    let cid = community_id(&app, "幸福里社区").await;
    let id = new_wish(&app, "修一下单元门的闭门器").await;
    // Both the page and the JSON are read (and cached) before the change…
    let (items, _) = wall_json(&app, cid, "").await;
    assert_eq!(status_of(&items, &id), None, "under review: not on the wall");
    let html = new_client().get(app.url(&format!("/wall/{cid}"))).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("闭门器"));

    // …and show it right after, in this process, without waiting for the cache to expire.
    act(&app, "shegong", &id, "publish").await;
    let (items, _) = wall_json(&app, cid, "").await;
    assert_eq!(status_of(&items, &id), Some("published"), "a new wish is on the first page");
    let html = new_client().get(app.url(&format!("/wall/{cid}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("修一下单元门的闭门器"));

    act(&app, "zhiyuanzhe", &id, "claim").await;
    let (items, _) = wall_json(&app, cid, "").await;
    assert_eq!(status_of(&items, &id), Some("claimed"));
    let item = items.iter().find(|w| w["id"] == id).unwrap();
    assert!(item["claimant"].as_str().is_some_and(|c| !c.is_empty()), "{item}");

    // Another community's wall is not disturbed, and does not show it.
    let heping = community_id(&app, "和平社区").await;
    let (items, _) = wall_json(&app, heping, "").await;
    assert_eq!(status_of(&items, &id), None);
}

#[tokio::test]
async fn the_cache_forgets_on_events_everything_when_it_falls_behind_and_all_after_its_ttl() {
    let app = spawn_app().await;
    let cid = community_id(&app, "幸福里社区").await;
    let id = new_wish(&app, "借一把折叠梯").await;
    let wish = weizhili_store::wish::get(&app.db, id.as_i64().unwrap()).await.unwrap().unwrap();
    let publish = |w: weizhili_store::wish::Wish| {
        let db = app.db.clone();
        let now = app.clock.now();
        async move {
            let action = weizhili_core::wish::WishAction::Publish;
            weizhili_store::wish::apply(&db, &w, action, Default::default(), now).await.unwrap()
        }
    };
    let on_wall = |view: &weizhili_web::wish::wall::WallView| view.items.iter().any(|i| Some(i.id) == id.as_i64());
    let event = |community_id| weizhili_web::wish::WishEvent {
        community_id,
        wish_id: 1,
        status: weizhili_core::wish::WishStatus::Published,
    };

    // A long TTL: only events make it look again.
    let (events, receiver) = tokio::sync::broadcast::channel(4);
    let cache = WallCache::new(receiver, Duration::from_secs(3600), app.clock.clone());
    assert!(!on_wall(&cache.first_page(&app.db, cid).await.unwrap().unwrap()));
    let published = publish(wish).await;
    assert!(!on_wall(&cache.first_page(&app.db, cid).await.unwrap().unwrap()), "cached, and nobody said");
    events.send(event(cid + 1000)).unwrap();
    assert!(!on_wall(&cache.first_page(&app.db, cid).await.unwrap().unwrap()), "another community's event");
    events.send(event(cid)).unwrap();
    assert!(on_wall(&cache.first_page(&app.db, cid).await.unwrap().unwrap()), "its own event");

    // A receiver that missed events (more than the channel holds) forgets every community.
    let (events, receiver) = tokio::sync::broadcast::channel(2);
    let cache = WallCache::new(receiver, Duration::from_secs(3600), app.clock.clone());
    let before = cache.first_page(&app.db, cid).await.unwrap().unwrap();
    let unpublished = weizhili_store::wish::apply(
        &app.db,
        &published,
        weizhili_core::wish::WishAction::Withdraw,
        Default::default(),
        app.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(unpublished.status, "withdrawn");
    assert!(on_wall(&before));
    for _ in 0..5 {
        events.send(event(cid + 1000)).unwrap();
    }
    assert!(!on_wall(&cache.first_page(&app.db, cid).await.unwrap().unwrap()), "lagged: everything forgotten");

    // With no events at all (another instance made the change), the TTL bounds how long it is stale.
    let (_events, receiver) = tokio::sync::broadcast::channel(2);
    let cache = WallCache::new(receiver, Duration::ZERO, app.clock.clone());
    cache.first_page(&app.db, cid).await.unwrap().unwrap();
    let id2 = new_wish(&app, "教我用手机挂号").await;
    act(&app, "shegong", &id2, "publish").await;
    let view = cache.first_page(&app.db, cid).await.unwrap().unwrap();
    assert!(view.items.iter().any(|i| i.id == id2.as_i64().unwrap()), "expired: read again");
    // Unknown communities are answered (and remembered) as absent.
    assert!(cache.first_page(&app.db, 987_654).await.unwrap().is_none());
}

#[tokio::test]
async fn the_wall_comes_in_pages() {
    let app = spawn_app().await;
    let cid = community_id(&app, "幸福里社区").await;
    // Enough wishes for at least three pages of 40.
    let staff = app.api_token("shegong").await;
    let jumin = app.api_token("jumin").await;
    for n in 0..50 {
        let (_, wish) = app
            .api_send(
                &jumin,
                Method::POST,
                "/api/v1/wishes",
                json!({"title": format!("第{n}个小心愿"), "category": "other"}),
            )
            .await;
        app.api_send(&staff, Method::POST, &format!("/api/v1/wishes/{}/publish", wish["id"]), json!({})).await;
    }
    let (first, link) = wall_json(&app, cid, "").await;
    assert_eq!(first.len(), 40);
    assert_eq!(link.as_deref(), Some(format!("</api/v1/wall/{cid}?page=2>; rel=\"next\"").as_str()));
    let (again, _) = wall_json(&app, cid, "?page=1").await;
    assert_eq!(first, again);
    let (junk, _) = wall_json(&app, cid, "?page=abc").await;
    assert_eq!(first, junk, "an unreadable page number means the first page");
    let (second, link) = wall_json(&app, cid, "?page=2").await;
    assert_eq!(second.len(), 40);
    assert!(link.is_some());
    let ids = |items: &[Value]| items.iter().map(|w| w["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert!(ids(&second).iter().all(|id| !ids(&first).contains(id)), "no wish on two pages");
    // Priority first, then newest: each page continues where the last stopped.
    let key = |w: &Value| (w["priority"].as_bool().unwrap(), w["id"].as_i64().unwrap());
    let all: Vec<Value> = first.iter().chain(second.iter()).cloned().collect();
    assert!(all.windows(2).all(|p| key(&p[0]) > key(&p[1])), "in order across pages");

    // The last page has no next; past it, an empty page.
    let mut page = 2;
    loop {
        page += 1;
        let (items, link) = wall_json(&app, cid, &format!("?page={page}")).await;
        if link.is_none() {
            assert!(!items.is_empty() && items.len() <= 40);
            break;
        }
    }
    let (beyond, link) = wall_json(&app, cid, &format!("?page={}", page + 1)).await;
    assert!(beyond.is_empty() && link.is_none());

    let html = new_client().get(app.url(&format!("/wall/{cid}?page=2"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("href=\"/wall/{cid}\" rel=\"prev\"")), "back to the first page");
    assert!(html.contains(&format!("href=\"/wall/{cid}?page=3\" rel=\"next\"")));
    assert!(html.contains("第 2 页"));
    let html = new_client().get(app.url(&format!("/wall/{cid}"))).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("rel=\"prev\"") && html.contains("更早的心愿"));
}

#[tokio::test]
async fn unknown_or_unreadable_communities_are_not_found() {
    let app = spawn_app().await;
    for path in [
        "/wall/999999",
        "/wall/abc",
        "/wall/0",
        "/wall/-3",
        "/wall/99999999999999999999999",
        "/api/v1/wall/999999",
        "/api/v1/wall/abc",
        "/wall/999999/screen",
        "/wall/abc/screen",
        "/wall/999999/events",
        "/wall/abc/events",
        "/api/v1/wall/999999?page=2",
    ] {
        let response = new_client().get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let cid = community_id(&app, "幸福里社区").await;
    // The old address of the screen mode leads to the screen.
    let response = new_client().get(app.url(&format!("/wall/{cid}?screen=1"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(response.headers()["location"], format!("/wall/{cid}/screen").as_str());
}

#[tokio::test]
async fn the_big_screen_has_no_menus_large_type_a_qr_code_and_a_fallback_without_script() {
    let app =
        spawn_app_with(WebConfig { public_url: Some("https://wzl.example.org/".into()), ..Default::default() }).await;
    let cid = community_id(&app, "幸福里社区").await;
    app.login_as("shegong").await;
    let (status, page) = app.page(&format!("/wall/{cid}/screen")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<noscript><meta http-equiv=\"refresh\" content=\"60\"></noscript>"));
    assert!(page.contains("<script src=\"/static/screen.js\" defer></script>"));
    assert!(!page.contains("main-nav") && !page.contains("/logout"), "no navigation, even signed in");
    assert!(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && page.contains("class=\"qr\""));
    assert!(page.contains("https://wzl.example.org/wishes?view=wall"), "the claim page, from public_url");
    assert!(page.contains("class=\"screen-card"), "the demo's wishes are on it");
    assert!(page.contains("data-l-wish-status-published=\"待认领\""), "the script's words come from the page");
    let script = app.get("/static/screen.js").await;
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
    let script = script.text().await.unwrap();
    assert!(script.contains("EventSource") && script.contains("/api/v1/wall/"));
    let css = app.get("/static/screen.css").await.text().await.unwrap();
    assert!(css.contains("font-size: clamp("));
    // The wall page links to it.
    let (_, wall) = app.page(&format!("/wall/{cid}")).await;
    assert!(wall.contains(&format!("href=\"/wall/{cid}/screen\"")));
}

/// Reads the event stream until an event whose data satisfies `want`, or fails after a few seconds.
async fn next_event(response: &mut reqwest::Response, buffer: &mut String, want: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let name = block.lines().find_map(|l| l.strip_prefix("event:")).map(str::trim);
            let data = block.lines().find_map(|l| l.strip_prefix("data:")).map(str::trim);
            if let (Some("wall"), Some(data)) = (name, data) {
                let data: Value = serde_json::from_str(data).unwrap();
                if want(&data) {
                    return data;
                }
            }
        }
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .expect("no wall event within 10 s")
            .unwrap()
            .expect("the stream ended");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn the_screen_hears_of_each_change_through_server_sent_events() {
    let app = spawn_app().await;
    let cid = community_id(&app, "幸福里社区").await;
    let heping = community_id(&app, "和平社区").await;
    let mut stream = new_client().get(app.url(&format!("/wall/{cid}/events"))).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(stream.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut other = new_client().get(app.url(&format!("/wall/{heping}/events"))).send().await.unwrap();
    let mut buffer = String::new();

    let id = new_wish(&app, "帮忙贴春联").await;
    act(&app, "shegong", &id, "publish").await;
    let event = next_event(&mut stream, &mut buffer, |d| d["wish_id"] == id).await;
    assert_eq!(event["status"], "published", "a wish under review is not announced to the screen: {event}");
    act(&app, "zhiyuanzhe", &id, "claim").await;
    let event = next_event(&mut stream, &mut buffer, |d| d["wish_id"] == id).await;
    assert_eq!(event["status"], "claimed");

    // The other community's screen heard nothing of it: only its keep-alive, if anything, in the meantime.
    let quiet = tokio::time::timeout(Duration::from_millis(300), other.chunk()).await;
    if let Ok(Ok(Some(chunk))) = quiet {
        assert!(!String::from_utf8_lossy(&chunk).contains("event: wall"), "{chunk:?}");
    }
}

#[tokio::test]
async fn a_building_prints_its_wish_box_poster() {
    let app =
        spawn_app_with(WebConfig { public_url: Some("https://wzl.example.org".into()), ..Default::default() }).await;
    let c = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let buildings = weizhili_store::grid::buildings_of_community(&app.db, c.id).await.unwrap();
    let one = buildings.iter().find(|b| b.name == "1栋").unwrap();
    let seven = buildings.iter().find(|b| b.name == "7栋").unwrap();
    let poster = format!("/buildings/{}/poster", one.id);

    app.login_as("shegong").await;
    let (status, page) = app.page(&poster).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("幸福里社区 · 1栋"));
    assert!(page.contains("https://wzl.example.org/wishes/new") && page.contains("class=\"qr\""));
    assert!(page.contains("心愿箱") && page.contains("扫"), "instructions in Chinese");
    assert!(page.contains("/static/poster.css") && !page.contains("main-nav"));
    let css = app.get("/static/poster.css").await.text().await.unwrap();
    assert!(css.contains("@page { size: A4;") && css.contains("@media print"));
    let (_, building) = app.page(&format!("/buildings/{}", one.id)).await;
    assert!(building.contains(&format!("href=\"{poster}\"")), "the building page links to it");
    let english = app.client.get(app.url(&poster)).header("accept-language", "en").send().await.unwrap();
    let english = english.text().await.unwrap();
    assert!(english.contains("Tell us your wish") && english.contains("lang=\"en\""), "{english}");

    let head = app.another_browser();
    head.login_as("loudongzhang").await;
    let (_, list) = head.page("/buildings").await;
    assert!(list.contains(&format!("href=\"{poster}\"")), "a building head finds it in the list of their buildings");
    let resident = app.another_browser();
    resident.login_as("jumin").await;
    let (_, list) = resident.page("/buildings").await;
    assert!(!list.contains("/poster\""), "a resident is offered no poster");
    assert_eq!(head.page(&poster).await.0, StatusCode::OK, "the building head of 1栋");
    assert_eq!(head.page(&format!("/buildings/{}/poster", seven.id)).await.0, StatusCode::NOT_FOUND);
    let volunteer = app.another_browser();
    volunteer.login_as("zhiyuanzhe").await;
    assert_eq!(volunteer.page(&poster).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.page("/buildings/999999/poster").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.page("/buildings/abc/poster").await.0, StatusCode::NOT_FOUND);
    let anon = new_client().get(app.url(&poster)).send().await.unwrap();
    assert_eq!(anon.status(), StatusCode::SEE_OTHER, "to the login");
}

/// SQLite's plan for a query: the `detail` column of `EXPLAIN QUERY PLAN`, one line per step.
async fn plan(db: &weizhili_store::Db, select: impl sea_orm::QueryTrait) -> String {
    use sea_orm::ConnectionTrait;
    let statement = select.build(sea_orm::DbBackend::Sqlite);
    let explain = sea_orm::Statement { sql: format!("EXPLAIN QUERY PLAN {}", statement.sql), ..statement };
    let rows = db.query_all_raw(explain).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "detail").unwrap()).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn the_wall_and_the_staff_list_read_one_page_by_index_without_sorting() {
    if is_postgres() {
        return; // PostgreSQL plans by its statistics; bench/wishes.sh prints SQLite's plans at scale.
    }
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    use weizhili_store::entity::wish;
    let app = spawn_app().await;
    let cid = community_id(&app, "幸福里社区").await;
    let wall = plan(&app.db, weizhili_store::wish::wall_query(cid, 10, 40, chrono::Utc::now())).await;
    assert!(wall.contains("USING INDEX ix_wishes_wall") && !wall.contains("TEMP B-TREE"), "{wall}");
    let staff = wish::Entity::find()
        .filter(wish::Column::CommunityId.eq(cid))
        .order_by_desc(wish::Column::Priority)
        .order_by_desc(wish::Column::Id)
        .limit(20);
    let staff = plan(&app.db, staff).await;
    assert!(staff.contains("USING INDEX ix_wishes_order") && !staff.contains("TEMP B-TREE"), "{staff}");
    let to_claim = wish::Entity::find()
        .filter(wish::Column::CommunityId.eq(cid))
        .filter(wish::Column::Status.is_in(["published"]))
        .order_by_desc(wish::Column::Priority)
        .order_by_desc(wish::Column::Id)
        .limit(20);
    let to_claim = plan(&app.db, to_claim).await;
    assert!(to_claim.contains("ix_wishes_status_order") && !to_claim.contains("TEMP B-TREE"), "{to_claim}");
    let claims = weizhili_store::entity::wish_claim::Entity::find()
        .filter(weizhili_store::entity::wish_claim::Column::WishId.is_in([1, 2, 3]))
        .filter(weizhili_store::entity::wish_claim::Column::Status.is_in(["active", "completed"]));
    let claims = plan(&app.db, claims).await;
    assert!(claims.contains("ix_wish_claims_wish"), "{claims}");
}

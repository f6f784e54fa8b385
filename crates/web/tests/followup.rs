//! What follows a wish: notifications and the bell, the warning before a claim lapses, staff's daily summary,
//! volunteer service records, help pairs and the offer to the helper first, fulfilment without a photo, closing
//! unconfirmed wishes, and the staff list's attention filters. The clock is injected, never slept.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use weizhili_core::clock::Clock;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

async fn submit(app: &TestApp, token: &str, title: &str) -> Value {
    let body = json!({"title": title, "category": "companionship"});
    let (status, wish) = app.api_send(token, Method::POST, "/api/v1/wishes", body).await;
    assert_eq!(status, StatusCode::CREATED, "{wish}");
    wish
}

async fn act(app: &TestApp, token: &str, id: &Value, action: &str, body: Value) -> (StatusCode, Value) {
    app.api_send(token, Method::POST, &format!("/api/v1/wishes/{id}/{action}"), body).await
}

async fn ok(app: &TestApp, token: &str, id: &Value, action: &str, body: Value) -> Value {
    let (status, w) = act(app, token, id, action, body).await;
    assert_eq!(status, StatusCode::OK, "{action}: {w}");
    w
}

fn code(body: &Value) -> Option<&str> {
    body["error"]["code"].as_str()
}

async fn notices(app: &TestApp, token: &str) -> Vec<(String, String)> {
    let (status, list) = app.api_get(token, "/api/v1/notifications").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap().to_owned(), n["title"].as_str().unwrap().to_owned()))
        .collect()
}

async fn user_id(app: &TestApp, login: &str) -> i64 {
    weizhili_store::account::user_by_login(&app.db, login).await.unwrap().unwrap().id
}

async fn my_records(app: &TestApp, token: &str) -> Value {
    app.api_get(token, "/api/v1/service-records?view=mine").await.1
}

async fn on_wall(app: &TestApp, community: i64, id: &Value) -> bool {
    let (_, wall) = app.api_get("", &format!("/api/v1/wall/{community}")).await;
    wall.as_array().unwrap().iter().any(|i| &i["id"] == id)
}

fn state(app: &TestApp, config: weizhili_web::WebConfig) -> weizhili_web::AppState {
    weizhili_web::AppState::new(app.db.clone(), app.clock.clone(), config, crate::helpers::test_media())
}

#[tokio::test]
async fn the_wisher_hears_of_each_step_and_the_bell_counts_what_is_unread() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let before = notices(&app, &jumin).await.len();
    let w = submit(&app, &jumin, "教我用手机挂号").await;
    let rejected = submit(&app, &jumin, "帮我买彩票").await;
    ok(&app, &staff, &rejected["id"], "reject", json!({"reason": "不在服务范围内"})).await;
    ok(&app, &staff, &w["id"], "publish", json!({})).await;
    ok(&app, &volunteer, &w["id"], "claim", json!({})).await;
    ok(&app, &volunteer, &w["id"], "fulfil", json!({"note": "教会了", "minutes": 45, "no_photo": true})).await;
    let got = notices(&app, &jumin).await;
    let kinds: Vec<&str> = got.iter().take(got.len() - before).map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["wish_fulfilled", "wish_claimed", "wish_published", "wish_rejected"], "newest first");
    let (_, list) = app.api_get(&jumin, "/api/v1/notifications").await;
    let reject = list["items"].as_array().unwrap().iter().find(|n| n["kind"] == "wish_rejected").unwrap();
    assert_eq!(reject["detail"], "不在服务范围内", "the wisher sees why");
    // Nobody else's notifications show.
    assert!(notices(&app, &staff).await.iter().all(|(k, _)| k != "wish_published"));

    // The bell on every page, and the list page; opening one marks it read and goes to the wish.
    app.login_as("jumin").await;
    let (_, home) = app.page("/").await;
    let unread = list["items"].as_array().unwrap().iter().filter(|n| n["read"] == false).count();
    assert!(home.contains(&format!("<span class=\"count\">{unread}</span>")), "the bell shows {unread}");
    let (status, page) = app.page("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("您的心愿“教我用手机挂号”已经实现，请确认并评价"), "{page}");
    let first = list["items"][0]["id"].as_i64().unwrap();
    let response = app.get(&format!("/notifications/{first}")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], format!("/wishes/{}", w["id"]).as_str());
    let (_, home) = app.page("/").await;
    assert!(home.contains(&format!("<span class=\"count\">{}</span>", unread - 1)));
    // Someone else's notification is not found; all read through the API.
    let (status, _) = app.page(&format!("/notifications/{}", first + 100_000)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, marked) = app.api_send(&jumin, Method::POST, "/api/v1/notifications/read", json!({})).await;
    assert_eq!((status, marked["marked"].as_u64()), (StatusCode::OK, Some(unread as u64 - 1)));
    let (_, home) = app.page("/").await;
    assert!(home.contains("<span class=\"count\">0</span>"));
}

#[tokio::test]
async fn a_claimant_is_warned_a_day_before_the_claim_lapses_then_told_it_lapsed() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe2").await;
    let w = submit(&app, &jumin, "帮忙取快递").await;
    ok(&app, &staff, &w["id"], "publish", json!({})).await;
    ok(&app, &volunteer, &w["id"], "claim", json!({})).await;
    let state = state(&app, weizhili_web::WebConfig::default());
    let about =
        |list: Vec<(String, String)>, kind: &str| list.iter().filter(|(k, t)| k == kind && t == "帮忙取快递").count();

    app.clock.advance(chrono::Duration::days(6) - chrono::Duration::minutes(1));
    weizhili_web::run_timed_work(&state).await;
    assert_eq!(about(notices(&app, &volunteer).await, "claim_lapsing"), 0, "not yet");
    app.clock.advance(chrono::Duration::minutes(1));
    weizhili_web::run_timed_work(&state).await;
    weizhili_web::run_timed_work(&state).await;
    assert_eq!(about(notices(&app, &volunteer).await, "claim_lapsing"), 1, "warned once, a day before");
    app.clock.advance(chrono::Duration::days(1));
    weizhili_web::run_timed_work(&state).await;
    assert_eq!(about(notices(&app, &volunteer).await, "claim_lapsed"), 1);
    let (_, now) = app.api_get(&staff, &format!("/api/v1/wishes/{}", w["id"])).await;
    assert_eq!(now["status"], "published");
}

#[tokio::test]
async fn staff_get_one_summary_a_day_or_each_event_when_they_ask() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    submit(&app, &jumin, "帮我修水龙头").await;
    let summaries = |list: Vec<(String, String)>| list.iter().filter(|(k, _)| k == "daily_summary").count();
    assert!(notices(&app, &staff).await.iter().all(|(k, _)| k != "wish_submitted"), "quiet by default");
    // 10:00 Beijing time: the summary goes out, once.
    let daily = state(&app, weizhili_web::WebConfig::default());
    weizhili_web::run_timed_work(&daily).await;
    weizhili_web::run_timed_work(&daily).await;
    assert_eq!(summaries(notices(&app, &staff).await), 1);
    app.login_as("shegong").await;
    let (_, page) = app.page("/notifications").await;
    assert!(page.contains("个心愿待审核"), "{page}");
    // The next day, another; staff of another community get none about this one.
    app.clock.advance(chrono::Duration::days(1));
    weizhili_web::run_timed_work(&daily).await;
    assert_eq!(summaries(notices(&app, &staff).await), 2);
    let (xingfuli, heping) = (community(&app, "幸福里社区").await, community(&app, "和平社区").await);
    let about = summaries_about(&app, "shegong").await;
    assert!(!about.is_empty() && about.iter().all(|c| *c == Some(xingfuli)), "{about:?}");
    let about = summaries_about(&app, "shegong2").await;
    assert!(about.iter().all(|c| *c == Some(heping)), "和平's staff hear nothing of 幸福里: {about:?}");

    // A community that asked for each event hears of each new wish.
    let eager = spawn_app_with(weizhili_web::WebConfig {
        staff_notifications: weizhili_core::notify::StaffMode::Each,
        ..Default::default()
    })
    .await;
    let jumin = eager.api_token("jumin").await;
    let staff = eager.api_token("shegong").await;
    submit(&eager, &jumin, "想学太极拳").await;
    assert!(notices(&eager, &staff).await.contains(&("wish_submitted".into(), "想学太极拳".into())));
}

async fn community(app: &TestApp, name: &str) -> i64 {
    weizhili_store::grid::community_by_name(&app.db, name).await.unwrap().unwrap().id
}

/// The communities the daily summaries a person got are about, as stored (the API does not say).
async fn summaries_about(app: &TestApp, login: &str) -> Vec<Option<i64>> {
    let list = weizhili_store::notify::list(&app.db, user_id(app, login).await, 1, 100).await.unwrap();
    list.rows.into_iter().filter(|n| n.kind == "daily_summary").map(|n| n.community_id).collect()
}

#[tokio::test]
async fn the_daily_summary_waits_for_eight_oclock_beijing_time_and_goes_once_a_day() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    submit(&app, &jumin, "帮我换个门锁").await;
    let daily = state(&app, weizhili_web::WebConfig::default());
    let summaries = async || notices(&app, &staff).await.iter().filter(|(k, _)| k == "daily_summary").count();
    // 2026-06-02 07:59 Beijing time (23:59 UTC the day before): too early.
    app.clock.advance(chrono::Duration::hours(21) + chrono::Duration::minutes(59));
    assert_eq!(weizhili_core::clock::china_time(app.clock.now()).format("%H:%M").to_string(), "07:59");
    weizhili_web::run_timed_work(&daily).await;
    assert_eq!(summaries().await, 0, "nothing before 08:00");
    app.clock.advance(chrono::Duration::minutes(1));
    weizhili_web::run_timed_work(&daily).await;
    assert_eq!(summaries().await, 1, "at 08:00");
    // Later rounds the same day send nothing more, up to the last minute of the day.
    weizhili_web::run_timed_work(&daily).await;
    app.clock.advance(chrono::Duration::hours(15) + chrono::Duration::minutes(59));
    weizhili_web::run_timed_work(&daily).await;
    assert_eq!(summaries().await, 1, "once a day");
    // The next morning: nothing at 07:59, one on the first round after 08:00.
    app.clock.advance(chrono::Duration::hours(8));
    weizhili_web::run_timed_work(&daily).await;
    assert_eq!(summaries().await, 1, "not before 08:00 the next day either");
    app.clock.advance(chrono::Duration::minutes(5));
    weizhili_web::run_timed_work(&daily).await;
    weizhili_web::run_timed_work(&daily).await;
    assert_eq!(summaries().await, 2);
}

#[tokio::test]
async fn confirming_a_wish_makes_a_pending_service_record_that_staff_confirm_or_correct() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe2").await;
    let w = submit(&app, &jumin, "陪我下棋").await;
    ok(&app, &staff, &w["id"], "publish", json!({})).await;
    ok(&app, &volunteer, &w["id"], "claim", json!({})).await;
    let (status, body) = act(&app, &volunteer, &w["id"], "fulfil", json!({"note": "下了三盘", "no_photo": true})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("minutes_required")));
    let (status, body) =
        act(&app, &volunteer, &w["id"], "fulfil", json!({"note": "下了三盘", "minutes": 2000, "no_photo": true})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_minutes")));
    ok(&app, &volunteer, &w["id"], "fulfil", json!({"note": "下了三盘", "minutes": 90, "no_photo": true})).await;
    let records = my_records(&app, &volunteer).await;
    assert!(
        records["items"].as_array().unwrap().iter().all(|r| r["wish_id"] != w["id"]),
        "no record before the wisher confirms"
    );
    ok(&app, &jumin, &w["id"], "confirm", json!({"satisfaction": 5})).await;
    let records = my_records(&app, &volunteer).await;
    let record = records["items"].as_array().unwrap().iter().find(|r| r["wish_id"] == w["id"]).unwrap().clone();
    assert_eq!((record["status"].as_str(), record["minutes"].as_i64()), (Some("pending"), Some(90)));
    assert_eq!(record["what"], "陪我下棋");
    let id = record["id"].as_i64().unwrap();

    // Only staff confirm; a correction needs a note; a second confirmation is refused.
    let path = format!("/api/v1/service-records/{id}/confirm");
    let (status, _) = app.api_send(&volunteer, Method::POST, &path, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.api_send(&app.api_token("shegong2").await, Method::POST, &path, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another community's record is not found");
    let (status, body) = app.api_send(&staff, Method::POST, &path, json!({"minutes": 60})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("correction_note_required")));
    let (status, body) =
        app.api_send(&staff, Method::POST, &path, json!({"minutes": "1h", "note": "实际一小时"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["status"].as_str(), body["minutes"].as_i64()), (Some("confirmed"), Some(60)));
    let (status, body) = app.api_send(&staff, Method::POST, &path, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("service_already_confirmed")));
    assert!(!app.audit_actions("service.confirm").await.is_empty());

    // The volunteer sees their records and their confirmed hours.
    app.login_as("zhiyuanzhe2").await;
    let (status, page) = app.page("/service-records").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("陪我下棋") && page.contains("实际一小时"), "{page}");
    let (confirmed, _) = weizhili_store::service::totals(&app.db, user_id(&app, "zhiyuanzhe2").await).await.unwrap();
    assert!(page.contains(&format!("我已确认的志愿时长：{} 小时", weizhili_core::service::hours(confirmed))));
    // Staff confirm through the page too.
    let other = submit(&app, &jumin, "陪我散步").await;
    ok(&app, &staff, &other["id"], "publish", json!({})).await;
    ok(&app, &volunteer, &other["id"], "claim", json!({})).await;
    ok(&app, &volunteer, &other["id"], "fulfil", json!({"note": "走了半小时", "minutes": 30, "no_photo": true})).await;
    ok(&app, &staff, &other["id"], "confirm", json!({"satisfaction": 4})).await;
    let staff_browser = app.another_browser();
    staff_browser.login_as("shegong").await;
    let (_, page) = staff_browser.page("/service-records?view=all&status=pending").await;
    assert!(page.contains("陪我散步"), "{page}");
    let records = my_records(&app, &volunteer).await;
    let pending = records["items"].as_array().unwrap().iter().find(|r| r["wish_id"] == other["id"]).unwrap().clone();
    let response = staff_browser
        .post_form(&format!("/service-records/{}/confirm", pending["id"]), &[("minutes", "30"), ("note", "")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let records = my_records(&app, &volunteer).await;
    let done = records["items"].as_array().unwrap().iter().find(|r| r["wish_id"] == other["id"]).unwrap().clone();
    assert_eq!(done["status"], "confirmed");
}

#[tokio::test]
async fn a_paired_residents_wish_is_offered_to_the_helper_first() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let helper = app.api_token("zhiyuanzhe2").await;
    let other = app.api_token("zhiyuanzhe").await;
    let resident_id = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap().resident_id;
    let helper_id = user_id(&app, "zhiyuanzhe2").await;
    let pair = json!({"resident_id": resident_id, "helper_id": helper_id});
    let (status, _) = app.api_send(&other, Method::POST, "/api/v1/help-pairs", pair.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only staff pair people");
    let (status, created) = app.api_send(&staff, Method::POST, "/api/v1/help-pairs", pair.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, body) = app.api_send(&staff, Method::POST, "/api/v1/help-pairs", pair).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("help_pair_exists")));
    let bad = json!({"resident_id": resident_id, "helper_id": user_id(&app, "jumin2").await});
    let (status, body) = app.api_send(&staff, Method::POST, "/api/v1/help-pairs", bad).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("not_a_helper")));

    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap().id;
    let first = submit(&app, &jumin, "陪我去复查").await;
    ok(&app, &staff, &first["id"], "publish", json!({})).await;
    assert!(notices(&app, &helper).await.contains(&("wish_offered".into(), "陪我去复查".into())));
    assert!(!on_wall(&app, community, &first["id"]).await, "not on the wall while offered");
    let (status, body) = act(&app, &other, &first["id"], "claim", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("wish_offered_to_helper")));
    let (_, listed) = app.api_get(&other, "/api/v1/wishes?status=published&per_page=200").await;
    assert!(listed["items"].as_array().unwrap().iter().all(|i| i["id"] != first["id"]), "other helpers do not see it");
    let (_, listed) = app.api_get(&helper, "/api/v1/wishes?status=published&per_page=200").await;
    assert!(listed["items"].as_array().unwrap().iter().any(|i| i["id"] == first["id"]), "the helper does");
    ok(&app, &helper, &first["id"], "claim", json!({})).await;

    // Unclaimed after the offer's 48 hours, it goes on the wall for anyone.
    let second = submit(&app, &jumin, "帮我贴春联").await;
    ok(&app, &staff, &second["id"], "publish", json!({})).await;
    app.clock.advance(chrono::Duration::hours(48));
    assert!(on_wall(&app, community, &second["id"]).await);
    ok(&app, &other, &second["id"], "claim", json!({})).await;

    // The helper may pass one on at once.
    let third = submit(&app, &jumin, "帮我换门锁").await;
    ok(&app, &staff, &third["id"], "publish", json!({})).await;
    let (status, body) = act(&app, &other, &third["id"], "pass", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("not_offered_to_you")));
    ok(&app, &helper, &third["id"], "pass", json!({})).await;
    assert!(on_wall(&app, community, &third["id"]).await);

    // Ending the pair: the next wish goes straight on the wall.
    let (status, _) =
        app.api_send(&staff, Method::POST, &format!("/api/v1/help-pairs/{}/end", created["id"]), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let fourth = submit(&app, &jumin, "帮我浇花").await;
    ok(&app, &staff, &fourth["id"], "publish", json!({})).await;
    assert!(on_wall(&app, community, &fourth["id"]).await);

    // Staff manage pairs on a page too.
    app.login_as("shegong").await;
    let (status, page) = app.page("/help-pairs?q=%E7%8E%8B").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"helper_id\""), "{page}");
}

#[tokio::test]
async fn a_fulfilment_without_a_photo_waits_for_staff_and_unconfirmed_wishes_close_after_14_days() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let w = submit(&app, &jumin, "帮我擦窗户").await;
    ok(&app, &staff, &w["id"], "publish", json!({})).await;
    ok(&app, &volunteer, &w["id"], "claim", json!({})).await;
    let (status, body) = act(&app, &volunteer, &w["id"], "fulfil", json!({"note": "擦好了", "minutes": 60})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("photo_or_no_photo")));
    let done =
        ok(&app, &volunteer, &w["id"], "fulfil", json!({"note": "擦好了", "minutes": 60, "no_photo": true})).await;
    assert_eq!(done["needs_check"], true);
    let (_, listed) = app.api_get(&staff, "/api/v1/wishes?status=fulfilled&per_page=200").await;
    assert!(listed["items"].as_array().unwrap().iter().any(|i| i["id"] == w["id"] && i["needs_check"] == true));
    app.login_as("shegong").await;
    let (_, page) = app.page("/wishes?view=all&need=attention&q=%E6%93%A6%E7%AA%97%E6%88%B7").await;
    assert!(page.contains("帮我擦窗户"), "staff see it among what needs attention");
    let (_, page) = app.page("/wishes?view=all&need=unclaimed&q=%E6%93%A6%E7%AA%97%E6%88%B7").await;
    assert!(!page.contains("帮我擦窗户"), "and not among the unclaimed");
    let (status, body) = act(&app, &volunteer, &w["id"], "check", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    ok(&app, &staff, &w["id"], "check", json!({"note": "电话回访确认"})).await;
    let (_, after) = app.api_get(&staff, &format!("/api/v1/wishes/{}", w["id"])).await;
    assert_eq!(after["needs_check"], false);
    let (status, body) = act(&app, &staff, &w["id"], "check", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("wish_not_awaiting_check")));

    // Not confirmed: staff may close it only after 14 days, with a note; the volunteer's time is still recorded.
    let (status, body) = act(&app, &staff, &w["id"], "close", json!({"reason": "联系不上许愿人"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("wish_not_closable_yet")));
    app.clock.advance(chrono::Duration::days(14));
    app.login_as("shegong").await; // two weeks on, the browser session has ended
    let (_, page) = app.page("/wishes?view=all&need=attention&q=%E6%93%A6%E7%AA%97%E6%88%B7").await;
    assert!(page.contains("帮我擦窗户"));
    let (_, detail) = app.page(&format!("/wishes/{}", w["id"])).await;
    assert!(detail.contains("/close\""), "the page offers closing now");
    let (status, body) = act(&app, &staff, &w["id"], "close", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required")));
    let closed = ok(&app, &staff, &w["id"], "close", json!({"reason": "联系不上许愿人"})).await;
    assert_eq!(closed["status"], "closed");
    let (_, records) = app.api_get(&volunteer, "/api/v1/service-records?view=mine").await;
    assert!(records["items"].as_array().unwrap().iter().any(|r| r["wish_id"] == w["id"] && r["status"] == "pending"));
}

#[tokio::test]
async fn staff_filter_wishes_by_source_overdue_and_unclaimed_days() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let household = weizhili_store::grid::resident(&app.db, app.resident_in("幸福里社区", "1栋").await)
        .await
        .unwrap()
        .unwrap()
        .resident
        .household_id;
    let body = json!({"title": "纸条心愿：修自行车", "category": "repair", "household_id": household, "source": "box", "slip_no": "XY-0099"});
    let (status, slip) = app.api_send(&staff, Method::POST, "/api/v1/wishes", body).await;
    assert_eq!(status, StatusCode::CREATED, "{slip}");
    let due = (weizhili_core::clock::china_time(app.clock.now()).date_naive() + chrono::Duration::days(3)).to_string();
    ok(&app, &staff, &slip["id"], "publish", json!({"due_date": due})).await;
    let ids =
        |v: &Value| -> Vec<i64> { v["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect() };
    let (_, boxed) = app.api_get(&staff, "/api/v1/wishes?source=box&per_page=200").await;
    assert!(ids(&boxed).contains(&slip["id"].as_i64().unwrap()));
    assert!(boxed["items"].as_array().unwrap().iter().all(|i| i["source"] == "box"));
    let (status, body) = app.api_get(&staff, "/api/v1/wishes?source=fax").await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_wish_source")));
    let (_, overdue) = app.api_get(&staff, "/api/v1/wishes?overdue=true&per_page=200").await;
    assert!(!ids(&overdue).contains(&slip["id"].as_i64().unwrap()), "not due yet");
    let (_, unclaimed) = app.api_get(&staff, "/api/v1/wishes?unclaimed_days=2&per_page=200").await;
    assert!(!ids(&unclaimed).contains(&slip["id"].as_i64().unwrap()), "published just now");
    app.clock.advance(chrono::Duration::days(4));
    let (_, overdue) = app.api_get(&staff, "/api/v1/wishes?overdue=true&per_page=200").await;
    assert!(ids(&overdue).contains(&slip["id"].as_i64().unwrap()));
    let (_, unclaimed) = app.api_get(&staff, "/api/v1/wishes?unclaimed_days=2&per_page=200").await;
    assert!(ids(&unclaimed).contains(&slip["id"].as_i64().unwrap()));
    app.login_as("shegong").await;
    let (_, page) = app.page("/wishes?view=all&source=box&need=overdue").await;
    assert!(page.contains("纸条心愿:修自行车"), "the title as typed, its full-width colon made plain");
    let (_, page) = app.page("/wishes?view=all&source=wall").await;
    assert!(!page.contains("修自行车"));
    // The staff home counts what needs attention and links to it.
    let overdue = weizhili_store::wish::Filter {
        community_id: slip["community_id"].as_i64(),
        overdue_on: Some(weizhili_core::clock::china_time(app.clock.now()).date_naive()),
        ..Default::default()
    };
    let n = weizhili_store::wish::count(&app.db, &overdue).await.unwrap();
    assert!(n >= 1);
    let (_, home) = app.page("/").await;
    assert!(home.contains(&format!("{n} 个心愿已过期限")), "{home}");
    assert!(home.contains("need=overdue\""), "and links to the list");
}

#[tokio::test]
async fn a_claimant_whose_claim_staff_revoke_is_told_why() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe2").await;
    let w = submit(&app, &jumin, "帮我修收音机").await;
    ok(&app, &staff, &w["id"], "publish", json!({})).await;
    ok(&app, &volunteer, &w["id"], "claim", json!({})).await;
    let (status, body) = act(&app, &staff, &w["id"], "revoke", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required")));
    ok(&app, &staff, &w["id"], "revoke", json!({"reason": "志愿者临时出差"})).await;
    let (_, list) = app.api_get(&volunteer, "/api/v1/notifications").await;
    let told = list["items"].as_array().unwrap().iter().find(|n| n["kind"] == "claim_revoked").unwrap().clone();
    assert_eq!((told["title"].as_str(), told["detail"].as_str()), (Some("帮我修收音机"), Some("志愿者临时出差")));
    assert!(notices(&app, &jumin).await.iter().all(|(k, _)| k != "claim_revoked"), "only the claimant is told");
}

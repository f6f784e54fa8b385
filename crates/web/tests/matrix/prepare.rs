//! The prepared database: what the rows need, made through the API as people would, or found in the demo.

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};
use weizhili_core::clock::Clock;
use weizhili_store::entity::{event, wish};

use crate::fixture::{Caller, bare_client};
use crate::helpers::TestApp;

async fn one(app: &TestApp, sql: &str) -> i64 {
    let db = &app.db;
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    row.unwrap_or_else(|| panic!("no row: {sql}")).try_get_by_index::<i64>(0).unwrap()
}

async fn ok(app: &TestApp, token: &str, method: Method, path: &str, body: Value) -> Value {
    let (status, answer) = app.api_send(token, method.clone(), path, body).await;
    assert!(status.is_success(), "setup: {method} {path}: {status} {answer}");
    answer
}

async fn photo(app: &TestApp, token: &str, path: &str) -> i64 {
    let part = Part::bytes(crate::photos::phone_jpeg()).file_name("a.jpg").mime_str("image/jpeg").unwrap();
    let response = bare_client()
        .post(app.url(path))
        .bearer_auth(token)
        .multipart(Form::new().part("photo", part))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "setup: photo to {path}: {}", response.status());
    let body: Value = response.json().await.unwrap();
    body["id"].as_i64().unwrap_or_else(|| panic!("{body}"))
}

/// The ids the rows name, made or found on the prepared database.
#[derive(Default)]
pub struct Ids {
    pub community: i64,
    pub heping: i64,
    /// Someone in 1栋 (the building head's) not of jumin's household, their household and building.
    pub res1: i64,
    pub hh1: i64,
    pub b1: i64,
    pub yard: i64,
    pub own: i64,
    pub heping_res: i64,
    pub jumin2_user: i64,
    pub zhiyuanzhe2_user: i64,
    /// jumin's wishes: submitted, published, claimed by zhiyuanzhe, fulfilled by them, fulfilled without a photo.
    pub submitted: i64,
    pub published: i64,
    pub claimed: i64,
    pub fulfilled: i64,
    pub unchecked: i64,
    /// A demo wish fulfilled more than 14 days ago and never confirmed; one offered to zhiyuanzhe alone.
    pub old_fulfilled: i64,
    pub offered: i64,
    pub wish_photo: i64,
    pub class: i64,
    pub lecture: i64,
    pub signup: i64,
    pub past: i64,
    pub shift: i64,
    pub on_shift: i64,
    pub event_photo: i64,
    pub swiss: i64,
    pub open_competition: i64,
    pub pair: i64,
    /// A resident of 1栋 with no helper.
    pub unpaired: i64,
    pub record: i64,
    pub notification: i64,
}

#[expect(clippy::field_reassign_with_default, reason = "the ids are found one after another, some from others")]
pub async fn prepare(app: &TestApp, callers: &[Caller]) -> Ids {
    let token = |i: usize| callers[i].token.clone().unwrap();
    let (staff, volunteer, jumin) = (token(2), token(5), token(6));
    let mut ids = Ids::default();
    ids.community = one(app, "SELECT id FROM communities WHERE name = '幸福里社区'").await;
    ids.heping = one(app, "SELECT id FROM communities WHERE name = '和平社区'").await;
    ids.own = one(app, "SELECT resident_id FROM users WHERE login = 'jumin'").await;
    let own_household = one(app, &format!("SELECT household_id FROM residents WHERE id = {}", ids.own)).await;
    ids.b1 = one(app, &format!("SELECT building_id FROM residents WHERE id = {}", ids.own)).await;
    ids.res1 = one(
        app,
        &format!("SELECT MIN(id) FROM residents WHERE building_id = {} AND household_id <> {own_household}", ids.b1),
    )
    .await;
    ids.hh1 = one(app, &format!("SELECT household_id FROM residents WHERE id = {}", ids.res1)).await;
    ids.yard = one(app, &format!("SELECT courtyard_id FROM buildings WHERE id = {}", ids.b1)).await;
    ids.heping_res = one(app, &format!("SELECT MIN(id) FROM residents WHERE community_id = {}", ids.heping)).await;
    ids.jumin2_user = one(app, "SELECT id FROM users WHERE login = 'jumin2'").await;
    ids.zhiyuanzhe2_user = one(app, "SELECT id FROM users WHERE login = 'zhiyuanzhe2'").await;

    // jumin's wishes, taken as far as each row needs.
    let mut wishes = Vec::new();
    for title in ["想要一把新拖把", "帮忙修水龙头", "陪我去医院复查", "换楼道灯泡", "帮我取药"]
    {
        let made = ok(app, &jumin, Method::POST, "/api/v1/wishes", json!({"title": title, "category": "repair"})).await;
        wishes.push(made["id"].as_i64().unwrap());
    }
    let act = |id: i64, action: &str| format!("/api/v1/wishes/{id}/{action}");
    for &id in &wishes[1..] {
        ok(app, &staff, Method::POST, &act(id, "publish"), json!({})).await;
    }
    for &id in &wishes[2..] {
        ok(app, &volunteer, Method::POST, &act(id, "claim"), json!({})).await;
        ok(app, &volunteer, Method::POST, &act(id, "contact"), json!({"note": "打过电话"})).await;
    }
    ids.wish_photo = photo(app, &volunteer, &format!("/api/v1/wishes/{}/photos", wishes[2])).await;
    photo(app, &volunteer, &format!("/api/v1/wishes/{}/photos", wishes[3])).await;
    ok(app, &volunteer, Method::POST, &act(wishes[3], "fulfil"), json!({"note": "换好了", "minutes": 30})).await;
    let no_photo = json!({"note": "买好送到", "minutes": 40, "no_photo": true});
    ok(app, &volunteer, Method::POST, &act(wishes[4], "fulfil"), no_photo).await;
    [ids.submitted, ids.published, ids.claimed, ids.fulfilled, ids.unchecked] =
        [wishes[0], wishes[1], wishes[2], wishes[3], wishes[4]];
    let now = Clock::now(app.clock.as_ref());
    ids.old_fulfilled = wish::Entity::find()
        .filter(wish::Column::Status.eq("fulfilled"))
        .filter(wish::Column::CommunityId.eq(ids.community))
        .filter(wish::Column::FulfilledAt.lt(now - chrono::Duration::days(15)))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a demo wish fulfilled long ago")
        .id;
    let volunteer_id = one(app, "SELECT id FROM users WHERE login = 'zhiyuanzhe'").await;
    ids.offered = one(app, &format!("SELECT MIN(id) FROM wishes WHERE offered_to = {volunteer_id}")).await;

    // Events: the demo's 430 class; a lecture in two days that jumin signed up for, with a shift zhiyuanzhe
    // took; an event held yesterday that jumin came to, with a photo.
    ids.class = event::Entity::find()
        .filter(event::Column::Title.contains("430"))
        .filter(event::Column::StartsAt.gt(now))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo's 430 class")
        .id;
    let at = now + chrono::Duration::days(2);
    let lecture = json!({"title": "矩阵讲座", "place": "活动室", "starts_at": at, "ends_at": at + chrono::Duration::hours(1),
                         "capacity": "30"});
    ids.lecture = ok(app, &staff, Method::POST, "/api/v1/events", lecture).await[0]["id"].as_i64().unwrap();
    let signups = format!("/api/v1/events/{}/signups", ids.lecture);
    ids.signup = ok(app, &jumin, Method::POST, &signups, json!({})).await["id"].as_i64().unwrap();
    let shift = json!({"role": "签到", "starts_at": at, "ends_at": at + chrono::Duration::hours(1), "places": 3});
    let shifts = format!("/api/v1/events/{}/volunteers/shifts", ids.lecture);
    ids.shift = ok(app, &staff, Method::POST, &shifts, shift).await["id"].as_i64().unwrap();
    let take = format!("/api/v1/events/{}/volunteers/shifts/{}/take", ids.lecture, ids.shift);
    ids.on_shift = ok(app, &volunteer, Method::POST, &take, json!({})).await["id"].as_i64().unwrap();
    let held = now - chrono::Duration::days(1);
    let past = json!({"title": "矩阵茶话会", "place": "活动室", "starts_at": held, "ends_at": held + chrono::Duration::hours(2)});
    ids.past = ok(app, &staff, Method::POST, "/api/v1/events", past).await[0]["id"].as_i64().unwrap();
    let check_in = format!("/api/v1/events/{}/check-in", ids.past);
    ok(app, &staff, Method::POST, &check_in, json!({"resident_id": ids.own})).await;
    ids.event_photo = photo(app, &staff, &format!("/api/v1/events/{}/photos", ids.past)).await;

    // Competitions: the demo's Swiss tournament (three rounds of four played) and a new one open for entries.
    ids.swiss = one(app, "SELECT MIN(id) FROM competitions WHERE format = 'swiss'").await;
    let open = json!({"title": "矩阵象棋赛", "game": "xiangqi", "format": "round_robin"});
    ids.open_competition = ok(app, &staff, Method::POST, "/api/v1/competitions", open).await["id"].as_i64().unwrap();
    let players = format!("/api/v1/competitions/{}/players", ids.open_competition);
    ok(app, &staff, Method::POST, &players, json!({"resident_id": ids.res1})).await;
    let other = one(
        app,
        &format!(
            "SELECT MIN(id) FROM residents WHERE community_id = {} AND id > {} AND household_id NOT IN ({}, {own_household})",
            ids.community, ids.res1, ids.hh1
        ),
    )
    .await;
    ok(app, &staff, Method::POST, &players, json!({"resident_id": other})).await;

    ids.pair = one(app, "SELECT MIN(id) FROM help_pairs WHERE ended_at IS NULL").await;
    ids.unpaired = one(
        app,
        &format!(
            "SELECT MIN(id) FROM residents WHERE building_id = {} AND id NOT IN (SELECT resident_id FROM help_pairs)",
            ids.b1
        ),
    )
    .await;
    ids.record =
        one(app, &format!("SELECT MIN(id) FROM service_records WHERE status = 'pending' AND user_id = {volunteer_id}"))
            .await;
    let jumin_user = one(app, "SELECT id FROM users WHERE login = 'jumin'").await;
    ids.notification = one(app, &format!("SELECT MAX(id) FROM notifications WHERE user_id = {jumin_user}")).await;
    ids
}

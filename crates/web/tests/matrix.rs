//! The route × role matrix: for every route the router declares, what each role gets — who may read, who may
//! write, and that everyone else gets 401/403/404 (or, for pages, the way to the login) — pages through a
//! browser session with its CSRF token, the API with a bearer token.
//!
//! The routes come from the source: every `.route("…", get(…).post(…))` under `crates/web/src`. A route
//! without a row fails the test, and so does a row that names no route. Each row that writes runs on a fresh
//! copy of one prepared database, and a caller's success is followed by a fresh copy again, so a row's
//! outcome never depends on another row or on another caller's success before it.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};
use weizhili_core::clock::Clock;
use weizhili_store::entity::{event, wish};

use crate::fixture::{Caller, Snapshot, bare_client, base};
use crate::helpers::TestApp;

const WHO: [&str; 8] = ["anon", "admin", "shegong", "shegong2", "loudongzhang", "zhiyuanzhe", "jumin", "jumin2"];

enum Body {
    Empty,
    Json(Value),
    Form(Vec<(String, String)>),
    /// A multipart upload: the field's name and a file name; a photo unless the name ends in `.csv`.
    Upload(&'static str, &'static str),
}

struct Row {
    method: Method,
    path: String,
    body: Body,
    /// One expected status per entry of WHO.
    expect: [u16; 8],
}

impl Row {
    fn writes(&self) -> bool {
        self.method != Method::GET
    }
}

fn get(path: impl Into<String>, expect: [u16; 8]) -> Row {
    Row { method: Method::GET, path: path.into(), body: Body::Empty, expect }
}

fn api(method: Method, path: impl Into<String>, body: Value, expect: [u16; 8]) -> Row {
    Row { method, path: path.into(), body: Body::Json(body), expect }
}

fn form(path: impl Into<String>, fields: &[(&str, &str)], expect: [u16; 8]) -> Row {
    let fields = fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Row { method: Method::POST, path: path.into(), body: Body::Form(fields), expect }
}

fn upload(path: impl Into<String>, field: &'static str, file: &'static str, expect: [u16; 8]) -> Row {
    Row { method: Method::POST, path: path.into(), body: Body::Upload(field, file), expect }
}

// ---------------------------------------------------------------------------------------------------------------
// The routes the router declares

/// `(METHOD, path)` for every `.route(…)` call in the web crate's source.
fn declared_routes() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, text) in crate::helpers::crate_files(&["src"]) {
        if path.extension().is_some_and(|e| e == "rs") {
            for needle in [".nest(", ".nest_service(", ".route_service(", ".fallback("] {
                assert!(!text.contains(needle), "{}: the matrix reads `.route(` calls only", path.display());
            }
            routes_in(&text, &mut out);
        }
    }
    out
}

fn routes_in(text: &str, out: &mut BTreeSet<(String, String)>) {
    let mut rest = text;
    while let Some(at) = rest.find(".route(") {
        let call = &rest[at + ".route(".len()..];
        let args = &call[..closing_paren(call)];
        let path = args.split('"').nth(1).expect("a route's path is a string literal").to_owned();
        for method in ["get", "post", "put", "patch", "delete"] {
            let call = format!("{method}(");
            let calls = args.match_indices(&call).filter(|(i, _)| {
                let before = args[..*i].chars().next_back();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            for _ in calls {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
        rest = &call[closing_paren(call)..];
    }
}

/// Where the parenthesis opened just before `s` closes (string literals skipped).
fn closing_paren(s: &str) -> usize {
    let (mut depth, mut in_str, mut escaped) = (1, false, false);
    for (i, c) in s.char_indices() {
        match (in_str, c) {
            (true, '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (true, '"') if !escaped => in_str = false,
            (false, '"') => in_str = true,
            (false, '(') => depth += 1,
            (false, ')') => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        escaped = false;
    }
    panic!("unbalanced parentheses in a .route call");
}

/// The declared route a concrete path is served by: static segments win over parameters, as in the router.
fn route_of<'a>(declared: &'a BTreeSet<(String, String)>, method: &Method, path: &str) -> Option<&'a String> {
    let path = path.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    declared
        .iter()
        .filter(|(m, _)| m == method.as_str())
        .filter_map(|(_, template)| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut fixed = 0;
            for (p, s) in parts.iter().zip(&segments) {
                if p.starts_with('{') {
                    continue;
                }
                if p != s {
                    return None;
                }
                fixed += 1;
            }
            Some((fixed, template))
        })
        .max_by_key(|(fixed, _)| *fixed)
        .map(|(_, t)| t)
}

#[test]
fn the_route_reader_finds_every_kind_of_route_declaration() {
    let declared = declared_routes();
    assert!(declared.len() > 150, "{} routes found", declared.len());
    for (method, path) in [
        ("GET", "/healthz"),
        ("POST", "/login"),
        ("PUT", "/api/v1/buildings/{id}"),
        ("GET", "/static/screen.js"),
        ("POST", "/events"),
        ("PUT", "/api/v1/events/{id}/summary"),
    ] {
        assert!(declared.contains(&(method.to_owned(), path.to_owned())), "{method} {path} not found");
    }
    let mut one = BTreeSet::new();
    routes_in(
        r#"Router::new().route("/a/{id}", get(|| x("b(", C)).post(y)).route("/c", axum::routing::put(z))"#,
        &mut one,
    );
    let one: Vec<_> = one.into_iter().collect();
    assert_eq!(one, [("GET".into(), "/a/{id}".into()), ("POST".into(), "/a/{id}".into()), ("PUT".into(), "/c".into())]);
    assert_eq!(route_of(&declared, &Method::GET, "/wishes/export.xlsx").unwrap(), "/wishes/export.xlsx");
    assert_eq!(route_of(&declared, &Method::GET, "/wishes/12?x=1").unwrap(), "/wishes/{id}");
}

// ---------------------------------------------------------------------------------------------------------------
// The prepared database

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
struct Ids {
    community: i64,
    heping: i64,
    /// Someone in 1栋 (the building head's) not of jumin's household, their household and building.
    res1: i64,
    hh1: i64,
    b1: i64,
    yard: i64,
    own: i64,
    heping_res: i64,
    jumin2_user: i64,
    zhiyuanzhe2_user: i64,
    /// jumin's wishes: submitted, published, claimed by zhiyuanzhe, fulfilled by them, fulfilled without a photo.
    submitted: i64,
    published: i64,
    claimed: i64,
    fulfilled: i64,
    unchecked: i64,
    /// A demo wish fulfilled more than 14 days ago and never confirmed; one offered to zhiyuanzhe alone.
    old_fulfilled: i64,
    offered: i64,
    wish_photo: i64,
    class: i64,
    lecture: i64,
    signup: i64,
    past: i64,
    shift: i64,
    on_shift: i64,
    event_photo: i64,
    swiss: i64,
    open_competition: i64,
    pair: i64,
    /// A resident of 1栋 with no helper.
    unpaired: i64,
    record: i64,
    notification: i64,
}

#[expect(clippy::field_reassign_with_default, reason = "the ids are found one after another, some from others")]
async fn prepare(app: &TestApp, callers: &[Caller]) -> Ids {
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

// ---------------------------------------------------------------------------------------------------------------
// The table

fn rows(ids: &Ids) -> Vec<Row> {
    let Ids { community, res1, hh1, b1, yard, own, heping_res, .. } = *ids;
    let (class, lecture, past, swiss, open) = (ids.class, ids.lecture, ids.past, ids.swiss, ids.open_competition);
    let w = |id: i64, action: &str| format!("/wishes/{id}/{action}");
    let wa = |id: i64, action: &str| format!("/api/v1/wishes/{id}/{action}");
    let jumin2 = ids.jumin2_user.to_string();
    let helper = ids.zhiyuanzhe2_user;
    let res1_s = res1.to_string();
    let yard_s = yard.to_string();
    let b1_s = b1.to_string();
    let now_day = "2026-06-03";
    use Method as M;
    //                                       anon admin shegong shegong2 head volunteer jumin jumin2
    vec![
        // Every visitor's pages, static files, operations.
        get("/", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/login", [200, 303, 303, 303, 303, 303, 303, 303]),
        get("/healthz", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/metrics", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/favicon.ico", [204, 204, 204, 204, 204, 204, 204, 204]),
        get("/static/app.css", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/static/app.js", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/static/screen.js", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/static/screen.css", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/static/poster.css", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/static/sheet.css", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/api/docs", [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/api/openapi.json", [200, 200, 200, 200, 200, 200, 200, 200]),
        // Signing in and out, preferences.
        form(
            "/login",
            &[("login", "jumin"), ("password", "demo1234"), ("next", "/")],
            [303, 303, 303, 303, 303, 303, 303, 303],
        ),
        form("/logout", &[], [303, 303, 303, 303, 303, 303, 303, 303]),
        form("/prefs/lang", &[("lang", "en"), ("next", "/")], [303, 303, 303, 303, 303, 303, 303, 303]),
        form("/prefs/large", &[("on", "1"), ("next", "/")], [303, 303, 303, 303, 303, 303, 303, 303]),
        api(
            M::POST,
            "/api/v1/auth/login",
            json!({"login": "jumin", "password": "demo1234"}),
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        api(M::POST, "/api/v1/auth/logout", json!({}), [401, 204, 204, 204, 204, 204, 204, 204]),
        get("/api/v1/me", [401, 200, 200, 200, 200, 200, 200, 200]),
        // The grid: pages.
        get("/residents", [303, 200, 200, 200, 200, 200, 200, 200]),
        get(format!("/residents/{res1}"), [303, 200, 200, 404, 200, 404, 404, 404]),
        get(format!("/residents/{own}"), [303, 200, 200, 404, 200, 404, 200, 404]),
        get(format!("/residents/{heping_res}"), [303, 200, 404, 200, 404, 404, 404, 404]),
        get("/residents/abc", [303, 404, 404, 404, 404, 404, 404, 404]),
        get(format!("/residents/{res1}/edit"), [303, 200, 200, 404, 200, 404, 404, 404]),
        get(format!("/residents/{own}/edit"), [303, 200, 200, 404, 200, 404, 403, 404]),
        get(format!("/residents/new?household={hh1}"), [303, 200, 200, 404, 200, 404, 404, 404]),
        form(
            "/residents",
            &[("household_id", &hh1.to_string()), ("name", "新居民")],
            [303, 303, 303, 404, 303, 404, 404, 404],
        ),
        form(format!("/residents/{res1}"), &[("name", "王大伟")], [303, 303, 303, 404, 303, 404, 404, 404]),
        form(format!("/residents/{res1}/move-out"), &[], [303, 303, 303, 404, 303, 404, 404, 404]),
        get("/households", [303, 200, 200, 200, 200, 200, 200, 200]),
        get(format!("/households/{hh1}"), [303, 200, 200, 404, 200, 404, 404, 404]),
        form(
            "/households",
            &[("building_id", &b1_s), ("unit", "1"), ("room", "1901")],
            [303, 303, 303, 404, 303, 404, 404, 404],
        ),
        form(format!("/households/{hh1}"), &[("status", "vacant")], [303, 303, 303, 404, 303, 404, 404, 404]),
        get("/buildings", [303, 200, 200, 200, 200, 200, 200, 200]),
        get(format!("/buildings/{b1}"), [303, 200, 200, 404, 403, 404, 404, 404]),
        form(
            "/buildings",
            &[("courtyard_id", &yard_s), ("name", "20栋"), ("floors", "6"), ("units", "2")],
            [303, 403, 303, 404, 403, 403, 403, 403],
        ),
        form(
            format!("/buildings/{b1}"),
            &[("courtyard_id", &yard_s), ("name", "1号楼"), ("floors", "6"), ("units", "2")],
            [303, 303, 303, 404, 403, 404, 404, 404],
        ),
        form("/courtyards", &[("name", "北苑")], [303, 403, 303, 303, 403, 403, 403, 403]),
        form(format!("/courtyards/{yard}"), &[("name", "东苑改名")], [303, 403, 303, 404, 403, 403, 403, 403]),
        get("/roster", [303, 403, 200, 200, 403, 403, 403, 403]),
        get("/roster/export.xlsx", [303, 403, 200, 200, 403, 403, 403, 403]),
        upload("/roster", "file", "roster.csv", [303, 403, 200, 422, 403, 403, 403, 403]),
        get(format!("/buildings/{b1}/poster"), [303, 200, 200, 404, 200, 404, 404, 404]),
        get("/buildings/999999/poster", [303, 404, 404, 404, 404, 404, 404, 404]),
        // The grid: API.
        get("/api/v1/courtyards", [401, 200, 200, 200, 200, 200, 200, 200]),
        get("/api/v1/buildings", [401, 200, 200, 200, 200, 200, 200, 200]),
        get("/api/v1/households", [401, 200, 200, 200, 200, 200, 200, 200]),
        get(format!("/api/v1/households/{hh1}"), [401, 200, 200, 404, 200, 404, 404, 404]),
        get("/api/v1/residents", [401, 200, 200, 200, 200, 200, 200, 200]),
        get(format!("/api/v1/residents/{res1}"), [401, 200, 200, 404, 200, 404, 404, 404]),
        get(format!("/api/v1/residents/{heping_res}"), [401, 200, 404, 200, 404, 404, 404, 404]),
        api(
            M::PUT,
            format!("/api/v1/residents/{res1}"),
            json!({"name": "王大伟"}),
            [401, 200, 200, 404, 200, 404, 404, 404],
        ),
        api(
            M::PUT,
            format!("/api/v1/residents/{own}"),
            json!({"name": "李秀英"}),
            [401, 200, 200, 404, 200, 404, 403, 404],
        ),
        api(
            M::POST,
            "/api/v1/residents",
            json!({"household_id": hh1, "name": "新居民"}),
            [401, 201, 201, 404, 201, 404, 404, 404],
        ),
        api(M::POST, format!("/api/v1/residents/{res1}/move-out"), json!({}), [401, 204, 204, 404, 204, 404, 404, 404]),
        api(
            M::POST,
            "/api/v1/households",
            json!({"building_id": b1, "room": "1901", "unit": "1"}),
            [401, 201, 201, 404, 201, 404, 404, 404],
        ),
        api(
            M::PUT,
            format!("/api/v1/households/{hh1}"),
            json!({"status": "vacant"}),
            [401, 200, 200, 404, 200, 404, 404, 404],
        ),
        api(M::POST, "/api/v1/courtyards", json!({"name": "北苑"}), [401, 403, 201, 201, 403, 403, 403, 403]),
        api(
            M::PUT,
            format!("/api/v1/courtyards/{yard}"),
            json!({"name": "东苑改名"}),
            [401, 403, 200, 404, 403, 403, 403, 403],
        ),
        api(
            M::POST,
            "/api/v1/buildings",
            json!({"courtyard_id": yard, "name": "20栋"}),
            [401, 403, 201, 404, 403, 403, 403, 403],
        ),
        api(
            M::PUT,
            format!("/api/v1/buildings/{b1}"),
            json!({"name": "1号楼"}),
            [401, 200, 200, 404, 403, 404, 404, 404],
        ),
        // Accounts and the audit log.
        get("/audit", [303, 200, 200, 200, 403, 403, 403, 403]),
        get("/users", [303, 200, 200, 200, 403, 403, 403, 403]),
        form(format!("/users/{jumin2}/reset-password"), &[], [303, 200, 200, 404, 403, 403, 403, 403]),
        // Wishes: lists, forms, the wall, the ledger.
        get("/wishes", [303, 200, 200, 200, 200, 200, 200, 200]),
        get("/wishes/new", [303, 422, 422, 422, 200, 200, 200, 200]),
        get("/wishes/export.xlsx", [303, 403, 200, 200, 403, 403, 403, 403]),
        form(
            "/wishes",
            &[("title", "想要一本字典"), ("category", "learning")],
            [303, 422, 422, 422, 303, 303, 303, 303],
        ),
        get("/api/v1/wishes", [401, 200, 200, 200, 200, 200, 200, 200]),
        get("/api/v1/wishes?status=pending", [401, 422, 422, 422, 422, 422, 422, 422]),
        get("/api/v1/wishes?unclaimed_days=abc", [401, 400, 400, 400, 400, 400, 400, 400]),
        api(
            M::POST,
            "/api/v1/wishes",
            json!({"title": "想要一本字典", "category": "learning"}),
            [401, 422, 422, 422, 201, 201, 201, 201],
        ),
        api(
            M::POST,
            "/api/v1/wishes",
            json!({"title": "代登记的心愿", "category": "repair", "household_id": hh1, "source": "box"}),
            [401, 201, 201, 404, 201, 404, 404, 404],
        ),
        get(format!("/wall/{community}"), [200, 200, 200, 200, 200, 200, 200, 200]),
        get(format!("/wall/{community}?page=2"), [200, 200, 200, 200, 200, 200, 200, 200]),
        get(format!("/wall/{community}/screen"), [200, 200, 200, 200, 200, 200, 200, 200]),
        get(format!("/wall/{community}/events"), [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/wall/999999/screen", [404, 404, 404, 404, 404, 404, 404, 404]),
        get("/wall/abc/events", [404, 404, 404, 404, 404, 404, 404, 404]),
        get(format!("/api/v1/wall/{community}"), [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/api/v1/wall/999999", [404, 404, 404, 404, 404, 404, 404, 404]),
        // One wish and what people do with it: pages.
        get(format!("/wishes/{}", ids.submitted), [303, 200, 200, 404, 200, 404, 200, 404]),
        get(format!("/wishes/{}", ids.claimed), [303, 200, 200, 404, 200, 200, 200, 404]),
        get("/wishes/999999", [303, 404, 404, 404, 404, 404, 404, 404]),
        form(w(ids.submitted, "publish"), &[("category", "repair")], [303, 303, 303, 404, 403, 404, 403, 404]),
        form(w(ids.submitted, "reject"), &[("reason", "不在服务范围")], [303, 303, 303, 404, 403, 404, 403, 404]),
        form(w(ids.submitted, "withdraw"), &[], [303, 303, 303, 404, 403, 404, 303, 404]),
        form(w(ids.published, "claim"), &[], [303, 303, 303, 404, 303, 303, 403, 404]),
        form(w(ids.offered, "pass"), &[], [303, 409, 409, 404, 409, 303, 404, 404]),
        form(w(ids.claimed, "contact"), &[("note", "又打了电话")], [303, 409, 409, 404, 409, 303, 409, 404]),
        form(w(ids.claimed, "release"), &[("reason", "临时出差")], [303, 409, 409, 404, 409, 303, 409, 404]),
        form(w(ids.claimed, "revoke"), &[("reason", "长期未联系")], [303, 303, 303, 404, 403, 403, 403, 404]),
        form(
            w(ids.claimed, "fulfil"),
            &[("note", "办好了"), ("minutes", "30"), ("no_photo", "1")],
            [303, 409, 409, 404, 409, 303, 409, 404],
        ),
        form(
            w(ids.fulfilled, "confirm"),
            &[("satisfaction", "5"), ("thanks", "谢谢")],
            [303, 303, 303, 404, 403, 403, 303, 404],
        ),
        form(w(ids.unchecked, "check"), &[("note", "电话核实")], [303, 303, 303, 404, 403, 403, 403, 404]),
        form(w(ids.old_fulfilled, "close"), &[("note", "多次联系未确认")], [303, 303, 303, 404, 403, 403, 404, 404]),
        form(w(ids.claimed, "fly"), &[], [303, 404, 404, 404, 404, 404, 404, 404]),
        upload(format!("/wishes/{}/photos", ids.claimed), "photo", "a.jpg", [303, 303, 303, 404, 303, 303, 303, 404]),
        get(format!("/wishes/{}/photos/{}", ids.claimed, ids.wish_photo), [303, 200, 200, 404, 200, 200, 200, 404]),
        get(
            format!("/wishes/{}/photos/{}/thumb", ids.claimed, ids.wish_photo),
            [303, 200, 200, 404, 200, 200, 200, 404],
        ),
        // … and through the API.
        get(format!("/api/v1/wishes/{}", ids.submitted), [401, 200, 200, 404, 200, 404, 200, 404]),
        get(format!("/api/v1/wishes/{}/updates", ids.claimed), [401, 200, 200, 404, 200, 200, 200, 404]),
        api(
            M::POST,
            format!("/api/v1/wishes/{}/updates", ids.claimed),
            json!({"text": "买好了，明天送"}),
            [401, 201, 201, 404, 201, 201, 201, 404],
        ),
        get(format!("/api/v1/wishes/{}/photos", ids.claimed), [401, 200, 200, 404, 200, 200, 200, 404]),
        upload(
            format!("/api/v1/wishes/{}/photos", ids.claimed),
            "photo",
            "a.jpg",
            [401, 201, 201, 404, 201, 201, 201, 404],
        ),
        api(M::POST, wa(ids.submitted, "publish"), json!({}), [401, 200, 200, 404, 403, 404, 403, 404]),
        api(
            M::POST,
            wa(ids.submitted, "reject"),
            json!({"reason": "不在服务范围"}),
            [401, 200, 200, 404, 403, 404, 403, 404],
        ),
        api(M::POST, wa(ids.submitted, "withdraw"), json!({}), [401, 200, 200, 404, 403, 404, 200, 404]),
        api(M::POST, wa(ids.published, "claim"), json!({}), [401, 200, 200, 404, 200, 200, 403, 404]),
        api(M::POST, wa(ids.offered, "pass"), json!({}), [401, 409, 409, 404, 409, 200, 404, 404]),
        api(M::POST, wa(ids.claimed, "contact"), json!({}), [401, 409, 409, 404, 409, 200, 409, 404]),
        api(
            M::POST,
            wa(ids.claimed, "release"),
            json!({"reason": "临时出差"}),
            [401, 409, 409, 404, 409, 200, 409, 404],
        ),
        api(
            M::POST,
            wa(ids.claimed, "revoke"),
            json!({"reason": "长期未联系"}),
            [401, 200, 200, 404, 403, 403, 403, 404],
        ),
        api(
            M::POST,
            wa(ids.claimed, "fulfil"),
            json!({"note": "办好了", "minutes": 30, "no_photo": true}),
            [401, 409, 409, 404, 409, 200, 409, 404],
        ),
        api(
            M::POST,
            wa(ids.fulfilled, "confirm"),
            json!({"satisfaction": 5}),
            [401, 200, 200, 404, 403, 403, 200, 404],
        ),
        api(M::POST, wa(ids.unchecked, "check"), json!({}), [401, 200, 200, 404, 403, 403, 403, 404]),
        api(
            M::POST,
            wa(ids.old_fulfilled, "close"),
            json!({"note": "多次联系未确认"}),
            [401, 200, 200, 404, 403, 403, 404, 404],
        ),
        api(M::POST, wa(ids.claimed, "fly"), json!({}), [401, 404, 404, 404, 404, 404, 404, 404]),
        // Help pairs, notifications, service records.
        get("/help-pairs", [303, 403, 200, 200, 403, 403, 403, 403]),
        form(
            "/help-pairs",
            &[("resident_id", &ids.unpaired.to_string()), ("helper_id", &helper.to_string())],
            [303, 403, 303, 404, 403, 403, 403, 403],
        ),
        form(format!("/help-pairs/{}/end", ids.pair), &[], [303, 403, 303, 404, 403, 403, 403, 403]),
        get("/api/v1/help-pairs", [401, 403, 200, 200, 403, 403, 403, 403]),
        api(
            M::POST,
            "/api/v1/help-pairs",
            json!({"resident_id": ids.unpaired, "helper_id": helper}),
            [401, 403, 201, 404, 403, 403, 403, 403],
        ),
        api(
            M::POST,
            format!("/api/v1/help-pairs/{}/end", ids.pair),
            json!({}),
            [401, 403, 204, 404, 403, 403, 403, 403],
        ),
        get("/notifications", [303, 200, 200, 200, 200, 200, 200, 200]),
        get(format!("/notifications/{}", ids.notification), [303, 404, 404, 404, 404, 404, 303, 404]),
        form("/notifications/read", &[], [303, 303, 303, 303, 303, 303, 303, 303]),
        get("/api/v1/notifications", [401, 200, 200, 200, 200, 200, 200, 200]),
        api(M::POST, "/api/v1/notifications/read", json!({}), [401, 200, 200, 200, 200, 200, 200, 200]),
        get("/service-records", [303, 200, 200, 200, 200, 200, 200, 200]),
        form(format!("/service-records/{}/confirm", ids.record), &[], [303, 303, 303, 404, 404, 403, 404, 404]),
        get("/api/v1/service-records", [401, 200, 200, 200, 200, 200, 200, 200]),
        api(
            M::POST,
            format!("/api/v1/service-records/{}/confirm", ids.record),
            json!({}),
            [401, 200, 200, 404, 404, 403, 404, 404],
        ),
        // Events: calendar, pages, forms.
        get("/events", [303, 200, 200, 200, 200, 200, 200, 200]),
        get("/events?view=week", [303, 200, 200, 200, 200, 200, 200, 200]),
        get("/events/new", [303, 403, 200, 200, 403, 403, 403, 403]),
        form(
            "/events",
            &[("title", "新的讲座"), ("place", "活动室"), ("date", now_day), ("start", "09:00"), ("end", "10:00")],
            [303, 403, 303, 303, 403, 403, 403, 403],
        ),
        get(format!("/events/{class}"), [303, 200, 200, 404, 200, 200, 200, 200]),
        get("/events/999999", [303, 404, 404, 404, 404, 404, 404, 404]),
        get(format!("/events/{lecture}/edit"), [303, 200, 200, 404, 403, 403, 403, 403]),
        form(
            format!("/events/{lecture}/edit"),
            &[
                ("title", "矩阵讲座（改）"),
                ("place", "活动室"),
                ("date", now_day),
                ("start", "09:00"),
                ("end", "10:00"),
            ],
            [303, 303, 303, 404, 403, 403, 403, 403],
        ),
        form(format!("/events/{lecture}/cancel"), &[], [303, 303, 303, 404, 403, 403, 403, 403]),
        form(format!("/events/{lecture}/signup"), &[], [303, 403, 403, 404, 303, 303, 409, 303]),
        form(format!("/events/{lecture}/signups/{}/cancel", ids.signup), &[], [303, 303, 303, 404, 404, 404, 303, 404]),
        get(format!("/events/{class}/check-in"), [303, 200, 200, 404, 200, 200, 200, 200]),
        form(format!("/events/{past}/check-in"), &[("resident_id", &res1_s)], [303, 303, 303, 404, 403, 403, 403, 403]),
        get(format!("/events/{class}/sign-in-sheet"), [303, 200, 200, 404, 404, 404, 404, 404]),
        get(format!("/events/{class}/sign-in-sheet.xlsx"), [303, 200, 200, 404, 404, 404, 404, 404]),
        get(format!("/communities/{community}/events.ics"), [200, 200, 200, 200, 200, 200, 200, 200]),
        get("/events/ledger", [303, 403, 200, 200, 403, 403, 403, 403]),
        get("/events/ledger.xlsx", [303, 403, 200, 200, 403, 403, 403, 403]),
        // After an event: volunteers, summary, photos, feedback.
        get(format!("/events/{lecture}/volunteers"), [303, 200, 200, 404, 403, 200, 403, 403]),
        form(
            format!("/events/{lecture}/volunteers/shifts"),
            &[("role", "摄影"), ("date", "2026-06-03"), ("start", "10:00"), ("end", "11:00"), ("places", "2")],
            [303, 303, 303, 404, 403, 403, 403, 403],
        ),
        form(
            format!("/events/{lecture}/volunteers/shifts/{}/take", ids.shift),
            &[],
            [303, 303, 303, 404, 403, 409, 403, 403],
        ),
        form(
            format!("/events/{lecture}/volunteers/{}/served", ids.on_shift),
            &[],
            [303, 409, 409, 404, 403, 403, 403, 403],
        ),
        form(
            format!("/events/{lecture}/volunteers/{}/leave", ids.on_shift),
            &[],
            [303, 303, 303, 404, 403, 303, 403, 403],
        ),
        get(format!("/events/{past}/summary"), [303, 200, 200, 404, 403, 403, 403, 403]),
        form(
            format!("/events/{past}/summary"),
            &[("summary", "大家聊得很开心")],
            [303, 303, 303, 404, 403, 403, 403, 403],
        ),
        upload(format!("/events/{past}/photos"), "photo", "a.jpg", [303, 303, 303, 404, 403, 403, 403, 403]),
        get(format!("/events/{past}/photos/{}", ids.event_photo), [303, 200, 200, 404, 200, 200, 200, 200]),
        get(format!("/events/{past}/photos/{}/thumb", ids.event_photo), [303, 200, 200, 404, 200, 200, 200, 200]),
        get(format!("/events/{past}/feedback"), [303, 200, 200, 404, 409, 409, 200, 409]),
        form(
            format!("/events/{past}/feedback"),
            &[("rating", "5"), ("comment", "很好")],
            [303, 409, 409, 404, 409, 409, 303, 409],
        ),
        // Events: API.
        get("/api/v1/events", [401, 403, 200, 200, 200, 200, 200, 200]),
        get("/api/v1/events?from=bad", [401, 400, 400, 400, 400, 400, 400, 400]),
        api(
            M::POST,
            "/api/v1/events",
            json!({"title": "新的讲座", "place": "活动室", "starts_at": "2026-06-05T01:00:00Z", "ends_at": "2026-06-05T02:00:00Z"}),
            [401, 403, 201, 201, 403, 403, 403, 403],
        ),
        get(format!("/api/v1/events/{class}"), [401, 200, 200, 404, 200, 200, 200, 200]),
        api(
            M::PUT,
            format!("/api/v1/events/{lecture}"),
            json!({"title": "矩阵讲座（改）", "place": "活动室", "starts_at": "2026-06-05T01:00:00Z", "ends_at": "2026-06-05T02:00:00Z"}),
            [401, 200, 200, 404, 403, 403, 403, 403],
        ),
        api(
            M::POST,
            format!("/api/v1/events/{lecture}/cancel"),
            json!({"whole_series": false}),
            [401, 200, 200, 404, 403, 403, 403, 403],
        ),
        get(format!("/api/v1/events/{class}/signups"), [401, 200, 200, 404, 200, 200, 200, 200]),
        api(M::POST, format!("/api/v1/events/{lecture}/signups"), json!({}), [401, 403, 403, 404, 201, 201, 409, 201]),
        api(
            M::POST,
            format!("/api/v1/events/{lecture}/signups/{}/cancel", ids.signup),
            json!({}),
            [401, 200, 200, 404, 404, 404, 200, 404],
        ),
        api(
            M::POST,
            format!("/api/v1/events/{past}/check-in"),
            json!({"resident_id": res1}),
            [401, 200, 200, 404, 403, 403, 403, 403],
        ),
        get(format!("/api/v1/events/{class}/attendance"), [401, 200, 200, 404, 404, 404, 404, 404]),
        get("/api/v1/events/ledger", [401, 403, 200, 200, 403, 403, 403, 403]),
        get(format!("/api/v1/events/{lecture}/volunteers"), [401, 200, 200, 404, 403, 200, 403, 403]),
        api(
            M::POST,
            format!("/api/v1/events/{lecture}/volunteers/shifts"),
            json!({"role": "摄影", "starts_at": "2026-06-03T02:00:00Z", "ends_at": "2026-06-03T03:00:00Z", "places": 2}),
            [401, 201, 201, 404, 403, 403, 403, 403],
        ),
        api(
            M::POST,
            format!("/api/v1/events/{lecture}/volunteers/shifts/{}/take", ids.shift),
            json!({}),
            [401, 201, 201, 404, 403, 409, 403, 403],
        ),
        api(
            M::POST,
            format!("/api/v1/events/{lecture}/volunteers/{}/served", ids.on_shift),
            json!({}),
            [401, 409, 409, 404, 403, 403, 403, 403],
        ),
        api(
            M::POST,
            format!("/api/v1/events/{lecture}/volunteers/{}/leave", ids.on_shift),
            json!({}),
            [401, 200, 200, 404, 403, 200, 403, 403],
        ),
        get(format!("/api/v1/events/{past}/summary"), [401, 200, 200, 404, 200, 200, 200, 200]),
        api(
            M::PUT,
            format!("/api/v1/events/{past}/summary"),
            json!({"summary": "大家聊得很开心"}),
            [401, 200, 200, 404, 403, 403, 403, 403],
        ),
        get(format!("/api/v1/events/{past}/photos"), [401, 200, 200, 404, 200, 200, 200, 200]),
        upload(format!("/api/v1/events/{past}/photos"), "photo", "a.jpg", [401, 201, 201, 404, 403, 403, 403, 403]),
        get(format!("/api/v1/events/{past}/story"), [401, 200, 200, 404, 200, 200, 200, 200]),
        get(format!("/api/v1/events/{past}/feedback"), [401, 200, 200, 404, 200, 200, 200, 200]),
        api(
            M::POST,
            format!("/api/v1/events/{past}/feedback"),
            json!({"rating": 5, "comment": "很好"}),
            [401, 409, 409, 404, 409, 409, 201, 409],
        ),
        // Competitions: pages.
        get("/competitions", [303, 200, 200, 200, 200, 200, 200, 200]),
        get("/competitions/new", [303, 403, 200, 200, 403, 403, 403, 403]),
        form(
            "/competitions",
            &[("title", "新象棋赛"), ("game", "xiangqi"), ("format", "swiss"), ("rounds", "3")],
            [303, 403, 303, 303, 403, 403, 403, 403],
        ),
        get(format!("/competitions/{swiss}"), [303, 200, 200, 404, 200, 200, 200, 200]),
        form(format!("/competitions/{open}/players"), &[], [303, 403, 403, 404, 303, 303, 303, 303]),
        form(format!("/competitions/{open}/rounds"), &[], [303, 303, 303, 404, 403, 403, 403, 403]),
        get(format!("/competitions/{swiss}/rounds/1"), [303, 200, 200, 404, 200, 200, 200, 200]),
        form(format!("/competitions/{swiss}/rounds/3"), &[("t1", "draw")], [303, 303, 303, 404, 403, 403, 403, 403]),
        get(format!("/competitions/{swiss}/rounds/1/sheet"), [303, 200, 200, 404, 200, 200, 200, 200]),
        get(format!("/competitions/{swiss}/sheet"), [303, 200, 200, 404, 200, 200, 200, 200]),
        // Competitions: API.
        get("/api/v1/competitions", [401, 200, 200, 200, 200, 200, 200, 200]),
        api(
            M::POST,
            "/api/v1/competitions",
            json!({"title": "新象棋赛", "game": "xiangqi", "format": "swiss", "rounds": "3"}),
            [401, 403, 201, 201, 403, 403, 403, 403],
        ),
        get(format!("/api/v1/competitions/{swiss}"), [401, 200, 200, 404, 200, 200, 200, 200]),
        get(format!("/api/v1/competitions/{swiss}/players"), [401, 200, 200, 404, 200, 200, 200, 200]),
        api(
            M::POST,
            format!("/api/v1/competitions/{open}/players"),
            json!({}),
            [401, 403, 403, 404, 201, 201, 201, 201],
        ),
        get(format!("/api/v1/competitions/{swiss}/rounds"), [401, 200, 200, 404, 200, 200, 200, 200]),
        api(
            M::POST,
            format!("/api/v1/competitions/{open}/rounds"),
            json!({}),
            [401, 201, 201, 404, 403, 403, 403, 403],
        ),
        api(
            M::POST,
            format!("/api/v1/competitions/{swiss}/rounds/3/results"),
            json!({"results": [{"table": 1, "outcome": "draw"}]}),
            [401, 200, 200, 404, 403, 403, 403, 403],
        ),
        get(format!("/api/v1/competitions/{swiss}/standings"), [401, 200, 200, 404, 200, 200, 200, 200]),
    ]
}

// ---------------------------------------------------------------------------------------------------------------
// Running it

async fn send(app: &TestApp, row: &Row, caller: &Caller) -> u16 {
    let is_api = row.path.starts_with("/api/");
    let mut url = app.url(&row.path);
    if !is_api && matches!(row.body, Body::Upload(..)) {
        url.push_str(if url.contains('?') { "&_csrf=" } else { "?_csrf=" });
        url.push_str(&caller.csrf);
    }
    let mut request = bare_client().request(row.method.clone(), url);
    if is_api {
        if let Some(token) = &caller.token {
            request = request.bearer_auth(token);
        }
    } else {
        request = request.header("cookie", &caller.cookie);
    }
    request = match &row.body {
        Body::Empty if row.writes() && !is_api => request.form(&[("_csrf", caller.csrf.as_str())]),
        Body::Empty => request,
        Body::Json(value) => request.json(value),
        Body::Form(fields) => {
            let mut all = vec![("_csrf".to_owned(), caller.csrf.clone())];
            all.extend(fields.iter().cloned());
            request.form(&all)
        }
        Body::Upload(field, file) => {
            let part = if file.ends_with(".csv") {
                let csv = "姓名,性别,出生年份,联系电话,楼栋,单元,房号\n钱多多,女,1951,13811112222,7栋,1,1801\n";
                Part::bytes(csv.as_bytes().to_vec()).file_name(*file).mime_str("text/csv").unwrap()
            } else {
                Part::bytes(crate::photos::phone_jpeg()).file_name(*file).mime_str("image/jpeg").unwrap()
            };
            request.multipart(Form::new().part(*field, part))
        }
    };
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_policy_says() {
    let declared = declared_routes();
    let (app, server, callers) = base(&WHO[1..]).await;
    let ids = prepare(&app, &callers).await;
    let rows = rows(&ids);
    let snapshot = Snapshot::take(app, server).await;

    let mut problems = Vec::new();
    let mut covered = BTreeSet::new();
    for row in &rows {
        match route_of(&declared, &row.method, &row.path) {
            Some(template) => {
                covered.insert((row.method.to_string(), template.clone()));
            }
            None => problems.push(format!("{} {}: no such route", row.method, row.path)),
        }
    }
    for (method, path) in declared.difference(&covered) {
        problems.push(format!("{method} {path}: no row in the matrix"));
    }

    let mut fixture = snapshot.fresh().await;
    let (mut dirty, mut copies) = (false, 1);
    let mut seen: BTreeMap<(String, String), BTreeSet<u16>> = BTreeMap::new();
    for row in &rows {
        if dirty {
            fixture.end().await;
            fixture = snapshot.fresh().await;
            dirty = false;
            copies += 1;
        }
        for (i, caller) in callers.iter().enumerate() {
            let status = send(&fixture.app, row, caller).await;
            if row.path.starts_with("/api/v1/") {
                let template = route_of(&declared, &row.method, &row.path).cloned().unwrap_or_default();
                seen.entry((row.method.to_string(), template)).or_default().insert(status);
            }
            if status != row.expect[i] {
                let who = caller.login;
                let expected = row.expect[i];
                problems.push(format!("{} {} as {who}: got {status}, expected {expected}", row.method, row.path));
            }
            // A write that went through may have changed what the next caller finds. (The anonymous visitor's
            // only way through is the login form or a preference, which change nothing of anyone else's.)
            if row.writes() {
                dirty = true;
                if (200..400).contains(&status) && i > 0 && i + 1 < callers.len() {
                    fixture.end().await;
                    fixture = snapshot.fresh().await;
                    copies += 1;
                }
            }
        }
    }

    // Every status the API answered, and what malformed bodies get, must be in the OpenAPI document.
    let staff = callers[2].token.clone().unwrap();
    let mut probed = BTreeSet::new();
    for row in rows.iter().filter(|r| r.path.starts_with("/api/v1/") && matches!(r.body, Body::Json(_))) {
        let template = route_of(&declared, &row.method, &row.path).unwrap().clone();
        // (Signing out would end the token the rest of the probes use.)
        if template == "/api/v1/auth/logout" || !probed.insert((row.method.to_string(), template.clone())) {
            continue;
        }
        let url = fixture.app.url(&row.path);
        let client = bare_client();
        let mut answers = Vec::new();
        for (content_type, body) in [("application/json", "{\"title\": "), ("text/plain", "title")] {
            let request = client.request(row.method.clone(), &url).bearer_auth(&staff);
            let response = request.header("content-type", content_type).body(body).send().await.unwrap();
            answers.push(response.status().as_u16());
        }
        // An operation that reads no body answers as if it had none (and may have done its work): nothing to learn.
        answers.retain(|status| !(200..300).contains(status));
        seen.entry((row.method.to_string(), template)).or_default().extend(answers);
    }
    let doc: Value =
        bare_client().get(fixture.app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    for (method, template) in declared.iter().filter(|(_, t)| t.starts_with("/api/v1/")) {
        let operation = &doc["paths"][template][method.to_lowercase()];
        if operation.is_null() {
            problems.push(format!("{method} {template}: not in the OpenAPI document"));
            continue;
        }
        for status in seen.get(&(method.clone(), template.clone())).into_iter().flatten() {
            if operation["responses"][status.to_string()].is_null() {
                problems
                    .push(format!("{method} {template}: answers {status}, which the OpenAPI document does not list"));
            }
        }
    }
    fixture.end().await;
    snapshot.remove().await;
    eprintln!("{} rows, {} routes, {copies} copies of the database", rows.len(), declared.len());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

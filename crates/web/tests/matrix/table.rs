//! The table: one row per route (some routes have several), one expected status per caller.

use reqwest::Method;
use serde_json::{Value, json};

use super::prepare::Ids;
use super::{Body, Row};

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

pub fn rows(ids: &Ids) -> Vec<Row> {
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

//! What follows an event, through the real app on both databases: volunteers take shifts and staff mark who
//! served (a pending service record with the shift's minutes and the event's id), feedback only from those who
//! came (once, editable, 1–5), photos cleaned like every photo, the story, and the events ledger (活动台账) on a
//! small known data set, as a page, JSON and Excel, for staff only.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::{Duration, TimeZone, Utc};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use weizhili_store::event::followup::{self as followup, NewFeedback};
use weizhili_store::event::{self as store_event, NewEvent};

use crate::helpers::{TestApp, spawn_app, start_time};
use crate::photos::{has, phone_jpeg};

/// Beijing time on a day of 2026, as UTC.
fn beijing(month: u32, day: u32, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    in_year(2026, month, day, hour, minute)
}

fn in_year(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0).single().unwrap() - Duration::hours(8)
}

/// An event through the API, as staff make it.
async fn event(app: &TestApp, staff: &str, title: &str, starts: chrono::DateTime<Utc>) -> Value {
    let body =
        json!({"title": title, "place": "社区广场", "starts_at": starts, "ends_at": starts + Duration::hours(3)});
    let (status, made) = app.api_send(staff, Method::POST, "/api/v1/events", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made[0].clone()
}

async fn add_shift(
    app: &TestApp,
    token: &str,
    ev: &Value,
    role: &str,
    from: (u32, u32),
    minutes: i64,
    places: u32,
) -> (StatusCode, Value) {
    let starts = chrono::DateTime::parse_from_rfc3339(ev["starts_at"].as_str().unwrap()).unwrap().with_timezone(&Utc);
    let starts = starts + Duration::hours(i64::from(from.0)) + Duration::minutes(i64::from(from.1));
    let body =
        json!({"role": role, "starts_at": starts, "ends_at": starts + Duration::minutes(minutes), "places": places});
    app.api_send(token, Method::POST, &format!("/api/v1/events/{}/volunteers/shifts", ev["id"]), body).await
}

#[tokio::test]
async fn a_volunteer_takes_a_shift_and_staff_mark_it_served_into_a_pending_record() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let volunteer2 = app.api_token("zhiyuanzhe2").await;
    let jumin = app.api_token("jumin").await;
    let ev = event(&app, &staff, "2026 趣味运动会", start_time() + Duration::days(2)).await;
    let (status, shift) = add_shift(&app, &staff, &ev, "裁判", (0, 30), 150, 1).await;
    assert_eq!(status, StatusCode::CREATED, "{shift}");
    assert_eq!(shift["minutes"], 150);
    let (status, bad) = add_shift(&app, &staff, &ev, "裁判", (0, 0), 0, 1).await;
    assert_eq!((status, bad["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_shift_times")));
    let (status, _) = add_shift(&app, &volunteer, &ev, "摄影", (0, 0), 60, 1).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "volunteers do not add shifts");

    let take = format!("/api/v1/events/{}/volunteers/shifts/{}/take", ev["id"], shift["id"]);
    let (status, on) = app.api_send(&volunteer, Method::POST, &take, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{on}");
    let (status, again) = app.api_send(&volunteer, Method::POST, &take, json!({})).await;
    assert_eq!((status, again["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("already_on_shift")));
    let (status, full) = app.api_send(&volunteer2, Method::POST, &take, json!({})).await;
    assert_eq!((status, full["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("shift_full")));
    let (status, _) = app.api_send(&jumin, Method::POST, &take, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a resident is no volunteer");

    // Staff put someone on a shift: a volunteer, never a resident.
    let (_, sign_in) = add_shift(&app, &staff, &ev, "签到", (0, 0), 60, 3).await;
    let assign = format!("/api/v1/events/{}/volunteers/shifts/{}/take", ev["id"], sign_in["id"]);
    let (_, me) = app.api_get(&jumin, "/api/v1/me").await;
    let (status, refused) = app.api_send(&staff, Method::POST, &assign, json!({"user_id": me["id"]})).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_a_volunteer")),
        "{me}"
    );
    let (_, v2) = app.api_get(&volunteer2, "/api/v1/me").await;
    let (status, put_on) = app.api_send(&staff, Method::POST, &assign, json!({"user_id": v2["id"]})).await;
    assert_eq!((status, put_on["assigned"].as_bool()), (StatusCode::CREATED, Some(true)), "{put_on}");
    // Put on a shift by staff, they are told, with a link to the event.
    let (_, told) = app.api_get(&volunteer2, "/api/v1/notifications").await;
    let told = told["items"].as_array().cloned().unwrap_or_default();
    assert!(told.iter().any(|n| n["kind"] == "shift_assigned" && n["event_id"] == ev["id"]), "{told:?}");

    let served = format!("/api/v1/events/{}/volunteers/{}/served", ev["id"], on["id"]);
    let (status, early) = app.api_send(&staff, Method::POST, &served, json!({})).await;
    assert_eq!((status, early["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("shift_not_started")));
    let (status, _) = app.api_send(&volunteer, Method::POST, &served, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a volunteer does not mark their own hours");
    app.clock.advance(Duration::days(3));
    let (status, done) = app.api_send(&staff, Method::POST, &served, json!({})).await;
    assert_eq!((status, done["served"].as_bool()), (StatusCode::OK, Some(true)), "{done}");
    let (status, twice) = app.api_send(&staff, Method::POST, &served, json!({})).await;
    assert_eq!((status, twice["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("already_served")));

    let (_, records) = app.api_get(&staff, "/api/v1/service-records?view=all&status=pending").await;
    let mine: Vec<&Value> = records["items"].as_array().unwrap().iter().filter(|r| r["event_id"] == ev["id"]).collect();
    assert_eq!(mine.len(), 1, "{records}");
    assert_eq!(mine[0]["minutes"], 150);
    assert_eq!(mine[0]["status"], "pending");
    assert_eq!(mine[0]["id"], done["service_record_id"]);
    assert_eq!(mine[0]["what"], "2026 趣味运动会 · 裁判");
    assert_eq!(mine[0]["user_id"], on["user_id"]);
    assert_eq!(app.audit_actions("event.shift_served").await.len(), 1);
    // Staff see it on the service-records page, linked to the event.
    app.login_as("shegong").await;
    let (_, page) = app.page("/service-records?view=all&status=pending").await;
    assert!(page.contains(&format!("/events/{}/volunteers", ev["id"])), "{page}");
    // The shift can no longer be left once served.
    let leave = format!("/api/v1/events/{}/volunteers/{}/leave", ev["id"], on["id"]);
    assert_eq!(app.api_send(&volunteer, Method::POST, &leave, json!({})).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_volunteers_page_keeps_what_was_typed_and_marks_served_with_a_button() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let ev = event(&app, &staff, "健康知识讲座", start_time() - Duration::days(1)).await;
    app.login_as("shegong").await;
    let path = format!("/events/{}/volunteers", ev["id"]);
    let (status, page) = app.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("添加志愿岗位") && page.contains("name=\"_csrf\""), "{page}");
    let form = [("role", "摄影"), ("date", "2026-05-31"), ("start", "09:00"), ("end", "10:30"), ("places", "零")];
    let r = app.post_form(&format!("{path}/shifts"), &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("每个班次需要 1 到 200 人") && body.contains("value=\"摄影\""), "{body}");
    let form = [("role", "摄影"), ("date", "2026-05-31"), ("start", "09:00"), ("end", "10:30"), ("places", "2")];
    assert_eq!(app.post_form(&format!("{path}/shifts"), &form).await.status(), StatusCode::SEE_OTHER);
    let shifts: Vec<followup::Shift> = followup::shifts_of(&app.db, ev["id"].as_i64().unwrap()).await.unwrap();
    assert_eq!(shifts.len(), 1);
    assert_eq!((shifts[0].ends_at - shifts[0].starts_at).num_minutes(), 90);
    assert_eq!(shifts[0].starts_at, beijing(5, 31, 9, 0));
    // Staff take the shift themselves, then mark it served: the hours wait on /service-records.
    let take = format!("{path}/shifts/{}/take", shifts[0].id);
    assert_eq!(app.post_form(&take, &[("user_id", "")]).await.status(), StatusCode::SEE_OTHER);
    let on = followup::on_shifts(&app.db, ev["id"].as_i64().unwrap()).await.unwrap();
    app.page(&path).await;
    let r = app.post_form(&format!("{path}/{}/served", on[0].id), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&path).await;
    assert!(page.contains("已登记服务"), "{page}");
    let r = app.post_form(&format!("{path}/{}/served", on[0].id), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("已经登记过服务了"));
    // Unknown ids are 404, never 500.
    assert_eq!(app.page("/events/999999/volunteers").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.page("/events/abc/volunteers").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.post_form(&format!("{path}/999999/served"), &[]).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn feedback_comes_only_from_those_who_came_once_and_editable() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let jumin = app.api_token("jumin").await;
    let jumin2 = app.api_token("jumin2").await;
    let ev = event(&app, &staff, "跳蚤市场", start_time() - Duration::hours(1)).await;
    let feedback = format!("/api/v1/events/{}/feedback", ev["id"]);
    let (status, refused) = app.api_send(&jumin, Method::POST, &feedback, json!({"rating": 5})).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("not_attended")));
    let checkin = format!("/api/v1/events/{}/check-in", ev["id"]);
    assert_eq!(app.api_send(&jumin, Method::POST, &checkin, json!({})).await.0, StatusCode::OK);
    let (status, bad) = app.api_send(&jumin, Method::POST, &feedback, json!({"rating": 6})).await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("rating_out_of_range"))
    );
    let (status, bad) = app.api_send(&jumin, Method::POST, &feedback, json!({"rating": 0})).await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("rating_out_of_range"))
    );
    let (status, first) =
        app.api_send(&jumin, Method::POST, &feedback, json!({"rating": 5, "comment": "很热闹"})).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, second) = app.api_send(&jumin, Method::POST, &feedback, json!({"rating": "4"})).await;
    assert_eq!((status, second["id"].clone()), (StatusCode::OK, first["id"].clone()), "edited, not a second answer");
    let (status, refused) = app.api_send(&jumin2, Method::POST, &feedback, json!({"rating": 1})).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("not_attended")));
    let (_, all) = app.api_get(&staff, &feedback).await;
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!((all[0]["rating"].as_i64(), all[0]["comment"].as_str()), (Some(4), None));
    let (_, own) = app.api_get(&jumin2, &feedback).await;
    assert_eq!(own.as_array().unwrap().len(), 0, "others' feedback is not a resident's to read");
    let (_, story) = app.api_get(&jumin, &format!("/api/v1/events/{}/story", ev["id"])).await;
    assert_eq!((story["average_rating"].as_f64(), story["ratings"].as_u64()), (Some(4.0), Some(1)), "{story}");
    assert_eq!((story["my_rating"].as_i64(), story["can_give_feedback"].as_bool()), (Some(4), Some(true)));
    assert_eq!(story["can_manage"], false);

    // The page: a form for the one who came, a clear refusal for the one who did not.
    app.login_as("jumin").await;
    let path = format!("/events/{}/feedback", ev["id"]);
    let (status, page) = app.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("您已经评价过了") && page.contains("value=\"4\" checked"), "{page}");
    let r = app.post_form(&path, &[("rating", ""), ("comment", "下次还来")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("请选一个 1 到 5 分的评分") && body.contains("下次还来"), "{body}");
    assert_eq!(app.post_form(&path, &[("rating", "3"), ("comment", "下次还来")]).await.status(), StatusCode::SEE_OTHER);
    let other = app.another_browser();
    other.login_as("jumin2").await;
    let (status, page) = other.page(&path).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("签到参加过这个活动的居民"), "{page}");
    assert_eq!(app.audit_actions("event.feedback").await.len(), 3);
}

async fn upload(app: &TestApp, token: &str, ev: &Value, bytes: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new().part("photo", Part::bytes(bytes).file_name("IMG_0001.jpg"));
    let response = app
        .client
        .post(app.url(&format!("/api/v1/events/{}/photos", ev["id"])))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn summary_and_photos_make_the_story_residents_read() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let jumin = app.api_token("jumin").await;
    let other_staff = app.api_token("shegong2").await;
    let ev = event(&app, &staff, "亲子工坊", start_time() - Duration::days(2)).await;
    let summary = format!("/api/v1/events/{}/summary", ev["id"]);
    let (status, _) = app.api_send(&jumin, Method::PUT, &summary, json!({"summary": "好"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, empty) = app.api_send(&staff, Method::PUT, &summary, json!({"summary": "  "})).await;
    assert_eq!((status, empty["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("summary_required")));
    let text = "二十户家庭参加。\n\n孩子们做了风筝。";
    assert_eq!(app.api_send(&staff, Method::PUT, &summary, json!({"summary": text})).await.0, StatusCode::OK);

    let original = phone_jpeg();
    assert!(has(&original, b"Exif") && has(&original, b"GPSLatitude"));
    let (status, _) = upload(&app, &jumin, &ev, original.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "residents do not upload the event's photos");
    let (status, refused) = upload(&app, &staff, &ev, b"GIF89a not a photo".to_vec()).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("photo_not_supported"))
    );
    let (status, photo) = upload(&app, &staff, &ev, original).await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    for url in [photo["url"].as_str().unwrap(), photo["thumb_url"].as_str().unwrap()] {
        let r = app.client.get(app.url(url)).bearer_auth(&jumin).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "a resident of the community sees {url}");
        assert_eq!(r.headers()["cache-control"], "private, max-age=86400");
        let bytes = r.bytes().await.unwrap();
        assert!(!has(&bytes, b"Exif") && !has(&bytes, b"GPSLatitude"), "re-encoded without EXIF");
        let r = app.client.get(app.url(url)).bearer_auth(&other_staff).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "another community does not");
    }

    let (_, story) = app.api_get(&jumin, &format!("/api/v1/events/{}/story", ev["id"])).await;
    assert_eq!(story["summary"], text);
    assert_eq!(story["photos"][0]["thumb_url"], photo["thumb_url"]);
    assert_eq!(story["can_give_feedback"], false, "jumin did not come");
    // Volunteers show by role, masked for residents, in full for staff.
    let (_, shift) = add_shift(&app, &staff, &ev, "摄影", (0, 0), 60, 2).await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let take = format!("/api/v1/events/{}/volunteers/shifts/{}/take", ev["id"], shift["id"]);
    let (_, on) = app.api_send(&volunteer, Method::POST, &take, json!({})).await;
    let full_name = on["name"].as_str().unwrap().to_owned();
    let (_, story) = app.api_get(&jumin, &format!("/api/v1/events/{}/story", ev["id"])).await;
    let masked = format!("{}某", full_name.chars().next().unwrap());
    assert_eq!(story["roles"], json!([{"role": "摄影", "names": [masked]}]), "{story}");
    let (_, story) = app.api_get(&staff, &format!("/api/v1/events/{}/story", ev["id"])).await;
    assert_eq!(story["roles"][0]["names"][0], full_name.as_str());
    assert_eq!(story["can_manage"], true);
    assert_eq!(app.api_get(&other_staff, &format!("/api/v1/events/{}/story", ev["id"])).await.0, StatusCode::NOT_FOUND);

    // The summary page shows the story as residents will read it, and the upload form.
    app.login_as("shegong").await;
    let (status, page) = app.page(&format!("/events/{}/summary", ev["id"])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<p>孩子们做了风筝。</p>") && page.contains(photo["thumb_url"].as_str().unwrap()), "{page}");
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let r = app.post_form(&format!("/events/{}/summary", ev["id"]), &[("summary", &"字".repeat(2001))]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("活动总结最多 2000 个字"));
    assert_eq!(app.audit_actions("event.photo").await.len(), 1);
    assert_eq!(app.audit_actions("event.summary").await.len(), 1);
    // The event page tells residents the story: the summary, the photo, the volunteers masked.
    let resident = app.another_browser();
    resident.login_as("jumin").await;
    let (status, page) = resident.page(&format!("/events/{}", ev["id"])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"event-story\"") && page.contains("<p>孩子们做了风筝。</p>"), "{page}");
    assert!(
        page.contains(photo["thumb_url"].as_str().unwrap()) && page.contains(&masked) && !page.contains(&full_name)
    );
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[tokio::test]
async fn the_ledger_counts_sessions_attendances_people_hours_and_satisfaction() {
    let app = spawn_app().await;
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let cid = community.id;
    let buildings = weizhili_store::grid::buildings_of_community(&app.db, cid).await.unwrap();
    let b1 = &buildings[0];
    let now = start_time();
    let project =
        store_event::create_project(&app.db, cid, "2026 趣味运动会".into(), String::new(), None, now).await.unwrap();
    let new = |title: &str, project_id, building_id| NewEvent {
        community_id: cid,
        project_id,
        building_id,
        title: title.into(),
        description: String::new(),
        place: "广场".into(),
        capacity: None,
        audience: "everyone".into(),
        min_age: None,
        max_age: None,
        signup_deadline: None,
        created_by: None,
    };
    // In 2030, clear of the demo's events around "now".
    let session = |m, d| (in_year(2030, m, d, 9, 0), in_year(2030, m, d, 11, 0));
    // A series of two sessions in a project and a building; a stand-alone event; one in May, outside the period.
    let series = store_event::create(
        &app.db,
        &new("运动会", Some(project.id), Some(b1.id)),
        &[session(6, 5), session(6, 6)],
        now,
    )
    .await
    .unwrap();
    let single =
        store_event::create(&app.db, &new("跳蚤市场", None, None), &[session(6, 10)], now).await.unwrap().remove(0);
    let may = store_event::create(&app.db, &new("五月讲座", Some(project.id), None), &[session(5, 20)], now)
        .await
        .unwrap()
        .remove(0);
    let filter =
        weizhili_store::grid::ResidentFilter { community_id: Some(cid), page: 1, per_page: 3, ..Default::default() };
    let people = weizhili_store::grid::residents(&app.db, &weizhili_core::access::ListScope::Everything, &filter, 2026)
        .await
        .unwrap()
        .rows;
    let [r1, r2, r3] = [&people[0].resident, &people[1].resident, &people[2].resident];
    for (ev, who) in [
        (&series[0], r1),
        (&series[0], r2),
        (&series[1], r1),
        (&series[1], r1),
        (&single, r3),
        (&single, r1),
        (&may, r2),
    ] {
        store_event::check_in(&app.db, ev, who.id, who.household_id, None, now).await.unwrap();
    }
    for (head, who, rating) in [(series[0].id, r1, 5), (series[0].id, r2, 4), (single.id, r3, 3), (may.id, r2, 1)] {
        let fb = NewFeedback {
            community_id: cid,
            head_id: head,
            resident_id: who.id,
            household_id: who.household_id,
            user_id: None,
            rating,
            comment: None,
        };
        followup::give_feedback(&app.db, fb, now).await.unwrap();
    }
    // Volunteer hours: 120 minutes pending at the series' second session, 60 confirmed at the stand-alone event.
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    for (ev, minutes) in [(&series[1], 120), (&single, 60)] {
        let ev_json = json!({"id": ev.id, "starts_at": ev.starts_at});
        let (_, shift) = add_shift(&app, &staff, &ev_json, "裁判", (0, 0), minutes, 2).await;
        let take = format!("/api/v1/events/{}/volunteers/shifts/{}/take", ev.id, shift["id"]);
        let (_, on) = app.api_send(&volunteer, Method::POST, &take, json!({})).await;
        app.clock.advance(Duration::days(5 * 365));
        let (status, done) = app
            .api_send(
                &staff,
                Method::POST,
                &format!("/api/v1/events/{}/volunteers/{}/served", ev.id, on["id"]),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{done}");
        if minutes == 60 {
            let confirm = format!("/api/v1/service-records/{}/confirm", done["service_record_id"]);
            assert_eq!(app.api_send(&staff, Method::POST, &confirm, json!({})).await.0, StatusCode::OK);
        }
    }

    let period = "from=2030-06-01&to=2030-06-30";
    let (status, ledger) = app.api_get(&staff, &format!("/api/v1/events/ledger?{period}")).await;
    assert_eq!(status, StatusCode::OK, "{ledger}");
    let t = &ledger["total"];
    assert_eq!(
        (t["events"].as_u64(), t["attendances"].as_u64(), t["people_served"].as_u64()),
        (Some(3), Some(5), Some(3)),
        "{ledger}"
    );
    assert_eq!((t["confirmed_minutes"].as_i64(), t["pending_minutes"].as_i64()), (Some(60), Some(120)));
    assert_eq!((t["average_rating"].as_f64(), t["ratings"].as_u64()), (Some(4.0), Some(3)));
    let p = &ledger["by_project"];
    assert_eq!(p.as_array().unwrap().len(), 2, "{p}");
    assert_eq!((p[0]["label"].as_str(), p[0]["events"].as_u64()), (Some("2026 趣味运动会"), Some(2)));
    assert_eq!(
        (p[0]["attendances"].as_u64(), p[0]["people_served"].as_u64()),
        (Some(3), Some(2)),
        "人次 across sessions, 人数 distinct"
    );
    assert_eq!((p[0]["pending_minutes"].as_i64(), p[0]["average_rating"].as_f64()), (Some(120), Some(4.5)));
    assert_eq!(
        (p[1]["id"].clone(), p[1]["events"].as_u64(), p[1]["confirmed_minutes"].as_i64()),
        (Value::Null, Some(1), Some(60))
    );
    let b = &ledger["by_building"];
    assert_eq!((b[0]["label"].as_str(), b[0]["events"].as_u64()), (Some(b1.name.as_str()), Some(2)));

    // The page and the Excel file say the same.
    app.login_as("shegong").await;
    let (status, page) = app.page(&format!("/events/ledger?{period}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2026 趣味运动会") && page.contains("（未归入项目）") && page.contains("合计"), "{page}");
    let r = app.get(&format!("/events/ledger.xlsx?{period}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).expect("an xlsx workbook");
    let sheet = book.worksheet_range("按项目").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let row = |label: &str| rows.iter().find(|r| r[0] == label).unwrap_or_else(|| panic!("{label}: {rows:?}"));
    let sports = row("2026 趣味运动会");
    assert_eq!([1, 2, 3, 5, 6].map(|c| number(&sports[c])), [2.0, 3.0, 2.0, 2.0, 4.5]);
    let total = row("合计");
    assert_eq!([1, 2, 3, 4, 5, 6, 7].map(|c| number(&total[c])), [3.0, 5.0, 3.0, 1.0, 2.0, 4.0, 3.0]);
    assert!(book.worksheet_range("按楼栋").is_ok());
    assert_eq!(app.audit_actions("event.ledger_export").await.len(), 1);
    // A bad period is re-shown with a message, the dates kept.
    let (status, page) = app.page("/events/ledger?from=2026-06-30&to=2026-06-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("结束日期不能早于开始日期") && page.contains("value=\"2026-06-30\""), "{page}");
}

#[tokio::test]
async fn residents_and_volunteers_cannot_see_the_ledger_and_another_community_gets_404() {
    let app = spawn_app().await;
    for login in ["jumin", "zhiyuanzhe", "loudongzhang"] {
        let token = app.api_token(login).await;
        assert_eq!(app.api_get(&token, "/api/v1/events/ledger").await.0, StatusCode::FORBIDDEN, "{login}");
        let browser = app.another_browser();
        browser.login_as(login).await;
        assert_eq!(browser.page("/events/ledger").await.0, StatusCode::FORBIDDEN, "{login}");
        assert_eq!(browser.get("/events/ledger.xlsx").await.status(), StatusCode::FORBIDDEN, "{login}");
    }
    let staff = app.api_token("shegong").await;
    let (status, ledger) = app.api_get(&staff, "/api/v1/events/ledger").await;
    assert_eq!((status, ledger["from"].as_str()), (StatusCode::OK, Some("2026-06-01")), "this month by default");
    let ev = event(&app, &staff, "邻里座谈会", start_time() + Duration::days(1)).await;
    let other = app.api_token("shegong2").await;
    for path in ["volunteers", "summary", "feedback", "story", "photos"] {
        let (status, _) = app.api_get(&other, &format!("/api/v1/events/{}/{path}", ev["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let browser = app.another_browser();
    browser.login_as("shegong2").await;
    for path in ["volunteers", "summary", "feedback"] {
        assert_eq!(browser.page(&format!("/events/{}/{path}", ev["id"])).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let jumin = app.another_browser();
    jumin.login_as("jumin").await;
    assert_eq!(jumin.page(&format!("/events/{}/volunteers", ev["id"])).await.0, StatusCode::FORBIDDEN);
    assert_eq!(jumin.page(&format!("/events/{}/summary", ev["id"])).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_demo_sports_meet_has_volunteers_hours_a_summary_and_feedback() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let jumin = app.api_token("jumin").await;
    let (_, list) = app.api_get(&staff, "/api/v1/events?from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z").await;
    let meet =
        list.as_array().unwrap().iter().find(|e| e["title"] == "趣味运动会（第一场）").expect("the demo's sports meet");
    let (_, shifts) = app.api_get(&staff, &format!("/api/v1/events/{}/volunteers", meet["id"])).await;
    let roles: Vec<&str> = shifts.as_array().unwrap().iter().map(|s| s["role"].as_str().unwrap()).collect();
    assert_eq!(roles.len(), 3, "{shifts}");
    for role in ["裁判", "签到", "摄影"] {
        assert!(roles.contains(&role), "{role}: {roles:?}");
    }
    assert!(shifts.as_array().unwrap().iter().all(|s| s["volunteers"][0]["served"] == true));
    let (_, story) = app.api_get(&jumin, &format!("/api/v1/events/{}/story", meet["id"])).await;
    assert!(story["summary"].as_str().unwrap().contains("趣味运动会"), "{story}");
    assert!(story["ratings"].as_u64().unwrap() > 0 && story["average_rating"].as_f64().unwrap() >= 3.0, "{story}");
    let (_, records) = app.api_get(&staff, "/api/v1/service-records?view=all").await;
    let at_meet: Vec<&Value> =
        records["items"].as_array().unwrap().iter().filter(|r| r["event_id"] == meet["id"]).collect();
    assert_eq!(at_meet.len(), 3, "{records}");
    assert!(at_meet.iter().any(|r| r["status"] == "confirmed") && at_meet.iter().any(|r| r["status"] == "pending"));
    let (_, ledger) = app.api_get(&staff, "/api/v1/events/ledger?from=2026-05-01&to=2026-05-31").await;
    assert!(ledger["total"]["confirmed_minutes"].as_i64().unwrap() > 0, "{ledger}");
    assert!(ledger["total"]["ratings"].as_u64().unwrap() > 0, "{ledger}");
}

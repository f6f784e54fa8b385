//! The event pages as people use them: the calendar, a grandparent signing a grandchild up for the "430" class,
//! staff checking people in from a phone and printing the sign-in sheet, editing and cancelling with everyone
//! told, the waitlist moving up, a resident's own QR check-in, the iCalendar feed, and the staff form.

use reqwest::StatusCode;
use serde_json::Value;
use weizhili_core::clock::Clock;
use weizhili_store::event;

use crate::helpers::{TestApp, spawn_app};

/// The demo's "430" class session that is next to start (sessions run on school days at 16:30 Beijing time).
async fn next_class_session(app: &TestApp) -> event::Event {
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let now = app.clock.now();
    let coming = event::list(&app.db, community.id, now, now + chrono::Duration::days(14), None, 500).await.unwrap();
    coming.into_iter().find(|e| e.title.contains("430")).expect("a 430 session is coming")
}

/// The first child of primary-school age in jumin's household.
async fn jumin_grandchild(app: &TestApp) -> (i64, String) {
    let user = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let me = weizhili_store::grid::resident(&app.db, user.resident_id.unwrap()).await.unwrap().unwrap();
    let filter = weizhili_store::grid::ResidentFilter {
        household_id: Some(me.resident.household_id),
        page: 1,
        per_page: 20,
        ..Default::default()
    };
    let scope = weizhili_core::access::ListScope::Households(vec![me.resident.household_id]);
    let year = app.clock.this_year();
    let rows = weizhili_store::grid::residents(&app.db, &scope, &filter, year).await.unwrap().rows;
    let child = rows
        .into_iter()
        .find(|r| r.resident.birth_year.is_some_and(|y| (6..=12).contains(&(year - y))))
        .expect("jumin looks after a school-age grandchild");
    (child.resident.id, child.resident.name)
}

async fn notifications(app: &TestApp, login: &str) -> Vec<Value> {
    let token = app.api_token(login).await;
    let (_, list) = app.api_get(&token, "/api/v1/notifications").await;
    list["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_grandparent_signs_a_grandchild_up_staff_check_them_in_and_the_sheet_shows_it() {
    let app = spawn_app().await;
    let session = next_class_session(&app).await;
    let (child, name) = jumin_grandchild(&app).await;
    app.login_as("jumin").await;
    let (status, calendar) = app.page("/events").await;
    assert_eq!(status, StatusCode::OK);
    assert!(calendar.contains("“430”四点半课堂"), "the calendar lists the class");
    let (status, week) = app.page("/events?view=week").await;
    assert_eq!(status, StatusCode::OK);
    assert!(week.contains("id=\"calendar\""));
    let (status, page) = app.page(&format!("/events/{}", session.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&name), "the grandchild is offered: {page}");
    let response =
        app.post_form(&format!("/events/{}/signup", session.id), &[("resident_id", &child.to_string())]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&format!("/events/{}?done=registered", session.id)).await;
    assert!(page.contains("id=\"my-signups\"") && page.contains(&name), "the household's sign-up shows");
    // Twice is refused, with the reason, on the page.
    let response =
        app.post_form(&format!("/events/{}/signup", session.id), &[("resident_id", &child.to_string())]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response.text().await.unwrap().contains("已经报过名了"));
    // A resident sees no staff tools, and no sign-in sheet.
    assert!(!page.contains("id=\"staff\""));
    assert_eq!(app.get(&format!("/events/{}/sign-in-sheet", session.id)).await.status(), StatusCode::NOT_FOUND);

    let staff = app.another_browser();
    staff.login_as("shegong").await;
    let (status, list) = staff.page(&format!("/events/{}/check-in", session.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(&name) && list.contains("<svg"), "the list and the QR code show");
    let response =
        staff.post_form(&format!("/events/{}/check-in", session.id), &[("resident_id", &child.to_string())]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Checking in again counts once.
    staff.post_form(&format!("/events/{}/check-in", session.id), &[("resident_id", &child.to_string())]).await;
    assert_eq!(event::checked_in(&app.db, session.id).await.unwrap().len(), 1);
    let (status, sheet) = staff.page(&format!("/events/{}/sign-in-sheet", session.id)).await;
    assert_eq!(status, StatusCode::OK);
    let row = sheet.split("<tr>").find(|r| r.contains(&name)).expect("the child's row");
    assert!(row.contains('✓'), "checked in on the sheet: {row}");
    assert!(sheet.contains("class=\"blank\""), "blank rows for walk-ins");
    let xlsx = staff.get(&format!("/events/{}/sign-in-sheet.xlsx", session.id)).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let found = range.rows().any(|r| r.iter().any(|c| c.to_string() == name) && r[4].to_string().contains(':'));
    assert!(found, "the workbook has the child, checked in");
    assert!(!app.audit_actions("event.sign_in_sheet").await.is_empty(), "viewing the sheet is audited");
    assert!(!app.audit_actions("event.sign_in_sheet_export").await.is_empty(), "the export is audited");
}

#[tokio::test]
async fn editing_the_time_tells_the_households_and_a_cancellation_moves_the_waitlist_up() {
    let app = spawn_app().await;
    let staff_token = app.api_token("shegong").await;
    let jumin = app.api_token("jumin").await;
    let jumin2 = app.api_token("jumin2").await;
    let starts = app.clock.now() + chrono::Duration::days(5);
    let body = serde_json::json!({"title": "社区书法体验课", "place": "书画室", "starts_at": starts,
        "ends_at": starts + chrono::Duration::hours(2), "capacity": "1"});
    let (status, made) = app.api_send(&staff_token, reqwest::Method::POST, "/api/v1/events", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made[0]["id"].as_i64().unwrap();
    let (status, first) = app
        .api_send(&jumin, reqwest::Method::POST, &format!("/api/v1/events/{id}/signups"), serde_json::json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let path = format!("/api/v1/events/{id}/signups");
    let (status, full) = app.api_send(&jumin2, reqwest::Method::POST, &path, serde_json::json!({})).await;
    assert_eq!((status, full["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("event_full")));
    let (status, waiting) =
        app.api_send(&jumin2, reqwest::Method::POST, &path, serde_json::json!({"waitlist": true})).await;
    assert_eq!((status, waiting["status"].as_str()), (StatusCode::CREATED, Some("waitlisted")));

    // Staff move it an hour later on the form: the households signed up hear of it.
    app.login_as("shegong").await;
    let (status, form) = app.page(&format!("/events/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("社区书法体验课"));
    let local = weizhili_core::clock::china_time(starts + chrono::Duration::hours(1));
    let date = local.format("%Y-%m-%d").to_string();
    let start = local.format("%H:%M").to_string();
    let end = (local + chrono::Duration::hours(2)).format("%H:%M").to_string();
    let fields = [
        ("title", "社区书法体验课"),
        ("place", "书画室"),
        ("date", &date),
        ("start", &start),
        ("end", &end),
        ("capacity", "1"),
        ("description", ""),
    ];
    let response = app.post_form(&format!("/events/{id}/edit"), &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for login in ["jumin", "jumin2"] {
        let told = notifications(&app, login).await;
        assert!(told.iter().any(|n| n["kind"] == "event_changed" && n["event_id"] == id), "{login} is told: {told:?}");
    }
    // Fewer places than are taken is refused on the form, with what was typed kept.
    let mut fewer = fields.to_vec();
    fewer[5] = ("capacity", "0");
    let response = app.post_form(&format!("/events/{id}/edit"), &fewer).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("社区书法体验课"));

    // jumin cancels on the page: jumin2 moves up and is told.
    let signup = first["id"].as_i64().unwrap();
    let browser = app.another_browser();
    browser.login_as("jumin").await;
    browser.page(&format!("/events/{id}")).await;
    let response = browser.post_form(&format!("/events/{id}/signups/{signup}/cancel"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let told = notifications(&app, "jumin2").await;
    assert!(told.iter().any(|n| n["kind"] == "event_promoted"), "the first in line is told: {told:?}");
    let (_, list) = app.api_get(&staff_token, &format!("/api/v1/events/{id}/signups")).await;
    assert_eq!(list[0]["status"], "registered");

    // Staff cancel the event: the household signed up is told, and sign-up is closed.
    let response = app.post_form(&format!("/events/{id}/cancel"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let told = notifications(&app, "jumin2").await;
    assert!(told.iter().any(|n| n["kind"] == "event_cancelled"));
    let (status, refused) = app.api_send(&jumin, reqwest::Method::POST, &path, serde_json::json!({})).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("signup_closed")));
    let (_, page) = app.page(&format!("/events/{id}")).await;
    assert!(page.contains("id=\"event-cancelled\""));
}

#[tokio::test]
async fn a_resident_checks_in_with_the_qr_code_only_around_the_session_and_no_shows_are_marked_after() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let starts = app.clock.now() + chrono::Duration::hours(3);
    let body = serde_json::json!({"title": "邻里茶话会", "place": "活动室", "starts_at": starts,
        "ends_at": starts + chrono::Duration::hours(1)});
    let (_, made) = app.api_send(&staff, reqwest::Method::POST, "/api/v1/events", body).await;
    let id = made[0]["id"].as_i64().unwrap();
    let jumin2 = app.api_token("jumin2").await;
    app.api_send(&jumin2, reqwest::Method::POST, &format!("/api/v1/events/{id}/signups"), serde_json::json!({})).await;
    app.login_as("jumin").await;
    let (status, page) = app.page(&format!("/events/{id}/check-in")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"check-me-in\"") && !page.contains("<svg"), "a resident gets the button, not the list");
    let response = app.post_form(&format!("/events/{id}/check-in"), &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "too early");
    assert!(response.text().await.unwrap().contains("签到时间"));
    app.clock.advance(chrono::Duration::hours(2) + chrono::Duration::minutes(30));
    let response = app.post_form(&format!("/events/{id}/check-in"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&format!("/events/{id}/check-in")).await;
    assert!(page.contains("id=\"me-checked\""));
    // Nobody else may be checked in by a resident.
    let other = app.resident_in("幸福里社区", "5栋").await.to_string();
    let response = app.post_form(&format!("/events/{id}/check-in"), &[("resident_id", &other)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // After the event, jumin2 who never came is a no-show; jumin came as a walk-in.
    app.clock.advance(chrono::Duration::hours(3));
    event::mark_no_shows(&app.db, app.clock.now()).await.unwrap();
    let (_, list) = app.api_get(&staff, &format!("/api/v1/events/{id}/signups")).await;
    let statuses: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["status"].as_str().unwrap(), s["walk_in"].as_bool().unwrap()))
        .collect();
    assert!(statuses.contains(&("no_show", false)) && statuses.contains(&("attended", true)), "{statuses:?}");
}

#[tokio::test]
async fn the_calendar_feed_is_icalendar_and_unknown_ids_are_404() {
    let app = spawn_app().await;
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let response = app.get(&format!("/communities/{}/events.ics", community.id)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let body = response.text().await.unwrap();
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n") && body.trim_end().ends_with("END:VCALENDAR"));
    assert!(body.contains("BEGIN:VEVENT") && body.replace("\r\n ", "").contains("四点半课堂"));
    assert!(body.lines().all(|l| l.len() <= 75), "lines fold at 75 octets");
    assert_eq!(app.get("/communities/999999/events.ics").await.status(), StatusCode::NOT_FOUND);
    let heping = weizhili_store::grid::community_by_name(&app.db, "和平社区").await.unwrap().unwrap();
    let their = weizhili_store::grid::buildings_of_community(&app.db, heping.id).await.unwrap();
    let path = format!("/communities/{}/events.ics?building={}", community.id, their[0].id);
    assert_eq!(app.get(&path).await.status(), StatusCode::NOT_FOUND, "a building of another community");
    app.login_as("jumin").await;
    assert_eq!(app.page("/events/999999").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.page("/events/abc").await.0, StatusCode::NOT_FOUND);
    // Staff of another community do not see this one's events.
    let session = next_class_session(&app).await;
    let other = app.another_browser();
    other.login_as("shegong2").await;
    assert_eq!(other.page(&format!("/events/{}", session.id)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other.page(&format!("/events/{}/check-in", session.id)).await.0, StatusCode::NOT_FOUND);
}

/// The feed is public (README: titles, times and places only), so each event carries exactly what a notice board
/// shows: not the description, where staff write a contact's name and phone, not a link, never a person.
#[tokio::test]
async fn the_calendar_feed_carries_titles_times_and_places_only() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    app.page("/events/new").await;
    let response = app
        .post_form(
            "/events",
            &[
                ("title", "旧物改造手工课"),
                ("description", "联系人：王阿姨 13812345678，材料自带。"),
                ("place", "社区活动中心二楼"),
                ("date", "2026-06-20"),
                ("start", "14:00"),
                ("end", "16:00"),
                ("audience", "everyone"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = response.headers()["location"].to_str().unwrap();
    let id = to.trim_start_matches("/events/").split('?').next().unwrap().to_owned();
    let response = app.post_form(&format!("/events/{id}/cancel"), &[("scope", "session")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "called off");

    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let body = app.get(&format!("/communities/{}/events.ics", community.id)).await.text().await.unwrap();
    let unfolded = body.replace("\r\n ", "");
    assert!(!unfolded.contains("13812345678") && !unfolded.contains("王阿姨"), "{unfolded}");
    let events: Vec<Vec<&str>> = unfolded
        .split("BEGIN:VEVENT\r\n")
        .skip(1)
        .map(|e| e[..e.find("END:VEVENT").unwrap()].lines().collect())
        .collect();
    assert!(events.len() > 1, "the demo's events and the new one");
    for event in &events {
        let mut names: Vec<&str> = event.iter().map(|l| &l[..l.find([':', ';']).unwrap()]).collect();
        names.sort_unstable();
        assert_eq!(names, ["DTEND", "DTSTAMP", "DTSTART", "LOCATION", "STATUS", "SUMMARY", "UID"], "{event:#?}");
    }
    let ours = events.iter().find(|e| e.contains(&format!("UID:event-{id}@weizhili").as_str())).unwrap();
    assert!(ours.contains(&"SUMMARY:旧物改造手工课") && ours.contains(&"LOCATION:社区活动中心二楼"), "{ours:#?}");
    assert!(ours.contains(&"STATUS:CANCELLED"), "{ours:#?}");
    assert!(ours.contains(&"DTSTART:20260620T060000Z"), "14:00 in Beijing: {ours:#?}");
}

#[tokio::test]
async fn staff_make_a_term_of_sessions_on_the_form_and_bad_input_comes_back_with_a_message() {
    let app = spawn_app().await;
    app.login_as("jumin").await;
    assert_eq!(app.page("/events/new").await.0, StatusCode::FORBIDDEN);
    let staff = app.another_browser();
    staff.login_as("shegong").await;
    let (status, _) = staff.page("/events/new").await;
    assert_eq!(status, StatusCode::OK);
    let mut fields = vec![
        ("title", "暑期托管班"),
        ("place", "社区活动中心"),
        ("date", "2026-07-06"),
        ("start", "09:00"),
        ("end", "11:30"),
        ("repeat", "1"),
        ("weekday", "1"),
        ("weekday", "3"),
        ("weekday", "5"),
        ("until", "2026-07-31"),
        ("skip", "2026-07-10"),
        ("capacity", "25"),
        ("audience", "children"),
        ("min_age", "6"),
        ("max_age", "12"),
        ("new_project", "2026 暑期托管"),
    ];
    let bad = {
        let mut f = fields.clone();
        f[2] = ("date", "七月六日");
        f
    };
    let response = staff.post_form("/events", &bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("“七月六日”不是有效的日期") && page.contains("暑期托管班"), "a message, and nothing lost");
    fields.push(("description", "上午写作业，下午不开班。"));
    let response = staff.post_form("/events", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = response.headers()["location"].to_str().unwrap().to_owned();
    let head: i64 = to.trim_start_matches("/events/").split('?').next().unwrap().parse().unwrap();
    let sessions = event::sessions_of(&app.db, head).await.unwrap();
    // Mon/Wed/Fri from 6 to 31 July: 12 days, less the 10th.
    assert_eq!(sessions.len(), 11);
    assert!(sessions.iter().all(|s| s.project_id.is_some() && s.min_age == Some(6)));
    let (_, page) = staff.page(&to).await;
    assert!(page.contains("id=\"sessions\"") && page.contains("暑期托管班"));
    // The first day is called off (a typhoon): the term still takes sign-ups.
    let response = staff.post_form(&format!("/events/{head}/cancel"), &[("scope", "session")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let statuses: Vec<String> =
        event::sessions_of(&app.db, head).await.unwrap().into_iter().map(|s| s.status).collect();
    assert_eq!(statuses[0], "cancelled", "the first day is off");
    assert!(statuses[1..].iter().all(|s| s == "scheduled"), "the rest of the term is on: {statuses:?}");
    let (child, _) = jumin_grandchild(&app).await;
    let jumin = app.api_token("jumin").await;
    let path = format!("/api/v1/events/{head}/signups");
    let (status, signed) =
        app.api_send(&jumin, reqwest::Method::POST, &path, serde_json::json!({"resident_id": child})).await;
    assert_eq!(status, StatusCode::CREATED, "{signed}");
}

#[tokio::test]
async fn the_home_page_shows_what_is_coming_each_series_once() {
    let app = spawn_app().await;
    app.login_as("jumin").await;
    let (status, home) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    let card = home.split("id=\"coming-events\"").nth(1).expect("a coming-events card");
    let card = card.split("</section>").next().unwrap();
    assert_eq!(card.matches("四点半课堂").count(), 1, "the daily class once: {card}");
    assert!(card.contains("href=\"/events/"));
}

//! Refusals in the visitor's language: every word of an error message comes from the locale files, and what the
//! person needs to put it right (the places already taken, the value typed, the fields at fault) is an argument
//! of that message. Core's Chinese `Display` text never reaches a page or an API answer.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use weizhili_core::clock::Clock;

use crate::helpers::{TestApp, spawn_app};

/// Chinese characters and the full-width punctuation that goes with them.
fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}'))
}

/// The text of a page's first `role="alert"` element: the message a form or the error page shows.
fn alert(html: &str) -> String {
    let at = html.find("role=\"alert\"").unwrap_or_else(|| panic!("no alert on the page: {html}"));
    let rest = &html[at..];
    let rest = &rest[rest.find('>').unwrap() + 1..];
    let mut text = String::new();
    let mut in_tag = false;
    for c in rest[..rest.find("</").unwrap()].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.trim().to_owned()
}

/// An API call in a language (`Accept-Language`), answering status and body.
async fn api(app: &TestApp, lang: &str, token: &str, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("accept-language", lang)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap_or(Value::Null))
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_else(|| panic!("an error body: {body}"))
}

/// A browser signed in as `login` that chose `lang` with the language switch.
async fn browser(app: &TestApp, login: &str, lang: &str) -> TestApp {
    let b = app.another_browser();
    b.login_as(login).await;
    let response = b.post_form("/prefs/lang", &[("lang", lang), ("back", "/")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    b
}

/// An event five days from now with `capacity` places and two households signed up; its id.
async fn event_with_two_signed_up(app: &TestApp, staff: &str, capacity: &str) -> i64 {
    let starts = app.clock.now() + chrono::Duration::days(5);
    let body = json!({"title": "Tea afternoon", "place": "Hall", "starts_at": starts,
        "ends_at": starts + chrono::Duration::hours(2), "capacity": capacity});
    let (status, made) = app.api_send(staff, Method::POST, "/api/v1/events", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made[0]["id"].as_i64().unwrap();
    for login in ["jumin", "jumin2"] {
        let token = app.api_token(login).await;
        let (status, signed) =
            app.api_send(&token, Method::POST, &format!("/api/v1/events/{id}/signups"), json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{login}: {signed}");
    }
    id
}

/// The staff form's fields for event `id` as it is, with `changes` made.
async fn edit_fields(app: &TestApp, id: i64, changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let ev = weizhili_store::event::get(&app.db, id).await.unwrap().unwrap();
    let starts = weizhili_core::clock::china_time(ev.starts_at);
    let ends = weizhili_core::clock::china_time(ev.ends_at);
    let mut fields = vec![
        ("title", ev.title.clone()),
        ("place", ev.place.clone()),
        ("date", starts.format("%Y-%m-%d").to_string()),
        ("start", starts.format("%H:%M").to_string()),
        ("end", ends.format("%H:%M").to_string()),
        ("capacity", ev.capacity.map(|c| c.to_string()).unwrap_or_default()),
        ("description", String::new()),
    ];
    for (k, v) in changes {
        fields.iter_mut().find(|(f, _)| f == k).unwrap().1 = (*v).to_owned();
    }
    fields
}

async fn post_fields(b: &TestApp, path: &str, fields: &[(&'static str, String)]) -> (StatusCode, String) {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = b.post_form(path, &fields).await;
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn fewer_places_than_are_taken_says_how_many_in_the_visitors_language() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let id = event_with_two_signed_up(&app, &staff, "3").await;
    let ev = weizhili_store::event::get(&app.db, id).await.unwrap().unwrap();
    let edit = json!({"title": ev.title, "place": ev.place, "starts_at": ev.starts_at, "ends_at": ev.ends_at,
        "capacity": "1"});
    let path = format!("/api/v1/events/{id}");
    for (lang, words) in [("en", "the 2 already"), ("zh-CN", "已有 2 人")] {
        let (status, body) = api(&app, lang, &staff, Method::PUT, &path, edit.clone()).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("capacity_below_taken"))
        );
        assert!(message(&body).contains(words), "{lang}: {body}");
        assert_eq!(has_cjk(message(&body)), lang == "zh-CN", "{lang}: {body}");
    }
    let fields = edit_fields(&app, id, &[("capacity", "1")]).await;
    for (lang, words) in [("en", "the 2 already"), ("zh-CN", "已有 2 人")] {
        let b = browser(&app, "shegong", lang).await;
        let (status, page) = post_fields(&b, &format!("/events/{id}/edit"), &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let shown = alert(&page);
        assert!(shown.contains(words), "{lang}: {shown}");
        assert_eq!(has_cjk(&shown), lang == "zh-CN", "{lang}: {shown}");
    }
}

#[tokio::test]
async fn a_date_or_time_the_form_cannot_read_is_named_in_the_message() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let id = event_with_two_signed_up(&app, &staff, "").await;
    let path = format!("/events/{id}/edit");
    let en = browser(&app, "shegong", "en").await;
    let zh = browser(&app, "shegong", "zh-CN").await;
    let cases = [
        (&en, false, ("date", "31/07/2026"), "31/07/2026"),
        (&en, false, ("start", "4.30pm"), "4.30pm"),
        (&zh, true, ("date", "七月六日"), "“七月六日”"),
        (&zh, true, ("end", "25:99"), "“25:99”"),
    ];
    for (b, chinese, change, typed) in cases {
        let (status, page) = post_fields(b, &path, &edit_fields(&app, id, &[change]).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{change:?}");
        let shown = alert(&page);
        assert!(shown.contains(typed), "{change:?}: {shown}");
        assert_eq!(has_cjk(&shown), chinese, "{change:?}: {shown}");
    }
}

#[tokio::test]
async fn an_event_time_the_api_refuses_is_explained_in_english_only() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let starts = app.clock.now() + chrono::Duration::days(3);
    let body = json!({"title": "Chess club", "place": "Hall", "starts_at": starts,
        "ends_at": starts - chrono::Duration::hours(1)});
    let (status, body) = api(&app, "en", &staff, Method::POST, "/api/v1/events", body).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_session_times")));
    assert!(!has_cjk(message(&body)), "{body}");
    assert!(message(&body).contains("must end after it starts"), "{body}");
}

#[tokio::test]
async fn a_sign_up_outside_the_audience_is_refused_in_english_only() {
    let app = spawn_app().await;
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let now = app.clock.now();
    let coming =
        weizhili_store::event::list(&app.db, community.id, now, now + chrono::Duration::days(14), None, 500).await;
    let class = coming.unwrap().into_iter().find(|e| e.title.contains("430")).expect("a 430 session is coming");
    let jumin = app.api_token("jumin").await;
    let path = format!("/api/v1/events/{}/signups", class.id);
    let (status, body) = api(&app, "en", &jumin, Method::POST, &path, json!({})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("not_eligible")));
    assert!(!has_cjk(message(&body)), "{body}");
}

#[tokio::test]
async fn a_file_that_is_not_a_photo_is_refused_in_english_only() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let (_, w) =
        app.api_send(&jumin, Method::POST, "/api/v1/wishes", json!({"title": "修自行车", "category": "repair"})).await;
    let path = |a: &str| format!("/api/v1/wishes/{}/{a}", w["id"]);
    assert_eq!(app.api_send(&staff, Method::POST, &path("publish"), json!({})).await.0, StatusCode::OK);
    assert_eq!(app.api_send(&volunteer, Method::POST, &path("claim"), json!({})).await.0, StatusCode::OK);
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    for (bytes, code) in [(&gif[..], "photo_not_supported"), (b"\xFF\xD8\xFF\xE0 cut off", "photo_unreadable")] {
        let form = Form::new().text("note", "done").part("photo", Part::bytes(bytes.to_vec()).file_name("a.jpg"));
        let response = app
            .client
            .post(app.url(&path("photos")))
            .bearer_auth(&volunteer)
            .header("accept-language", "en")
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(code)));
        assert!(!has_cjk(message(&body)), "{body}");
    }
}

#[tokio::test]
async fn the_resident_api_names_the_fields_at_fault_in_the_visitors_language() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let someone = app.resident_in("幸福里社区", "5栋").await;
    let household = weizhili_store::grid::resident(&app.db, someone).await.unwrap().unwrap().resident.household_id;
    let body = json!({"household_id": household, "name": "Zhou Jianguo", "phone": "12345", "birth_year": "48"});
    for (lang, field) in [("en", "Birth year"), ("zh-CN", "出生年份")] {
        let (status, answer) = api(&app, lang, &staff, Method::POST, "/api/v1/residents", body.clone()).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_birth_year"))
        );
        assert!(message(&answer).contains(field), "{lang}: {answer}");
        assert_eq!(has_cjk(message(&answer)), lang == "zh-CN", "{lang}: {answer}");
    }
}

#[tokio::test]
async fn a_check_in_out_of_hours_is_said_once_in_english() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let id = event_with_two_signed_up(&app, &staff, "").await;
    let b = browser(&app, "jumin", "en").await;
    b.page(&format!("/events/{id}/check-in")).await;
    let response = b.post_form(&format!("/events/{id}/check-in"), &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "days too early");
    let shown = alert(&response.text().await.unwrap());
    assert!(!has_cjk(&shown), "{shown}");
    assert_eq!(shown.matches("Check-in is open").count(), 1, "{shown}");
}

/// `{ $name }` placeables of each message, per language.
fn arguments(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(lang);
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut key = String::new();
        for line in text.lines() {
            if line.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && let Some((k, _)) = line.split_once(" =")
            {
                key = k.trim().to_owned();
            }
            let names: &mut BTreeSet<String> = out.entry(key.clone()).or_default();
            for (at, _) in line.match_indices('$') {
                let name: String = line[at + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                names.insert(name);
            }
        }
    }
    out
}

/// A text asked for by `.t("key")` gets no arguments, so it must take none: Fluent would fail and show the key.
#[test]
fn a_text_asked_for_without_arguments_takes_none() {
    let takes = arguments("zh-CN");
    let mut wrong = BTreeSet::new();
    for (path, text) in crate::helpers::crate_files(&["templates", "src"]) {
        for (at, _) in text.match_indices(".t(\"") {
            let rest = &text[at + 4..];
            let key = &rest[..rest.find('"').unwrap()];
            if takes.get(key).is_some_and(|names| !names.is_empty()) {
                wrong.insert(format!("{key} in {}", path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "asked for without the arguments they take: {wrong:?}");
}

#[test]
fn both_languages_give_each_message_the_same_arguments() {
    let (zh, en) = (arguments("zh-CN"), arguments("en"));
    let differ: Vec<_> = zh.iter().filter(|(k, names)| en.get(*k).is_some_and(|e| e != *names)).collect();
    assert!(differ.is_empty(), "arguments differ between zh-CN and en: {differ:?}");
}

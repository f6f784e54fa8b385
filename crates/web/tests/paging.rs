//! Paging that cannot fail: every list that takes `?page=` (and `?per_page=`), as a page and through the API,
//! answers any value with a list. The rule (README, API): a whole number is clamped into range (zero and
//! negative numbers mean page 1 or one row, numbers too big for any integer the deepest page or the largest
//! size); anything else (empty, `abc`, `2e17`, `1e400`) means the default; a page past the end is an empty list,
//! and on a page it says so with a link back to the first page.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, new_client, spawn_app, urlencode};

/// Numbers beyond the end of any list: larger than i64, u64, u32.
const HUGE: [&str; 3] = ["9223372036854775807", "18446744073709551616", "4294967296"];
/// Numbers below the first page or row.
const LOW: [&str; 3] = ["-9223372036854775808", "-1", "0"];
/// Not whole numbers.
const JUNK: [&str; 4] = ["2e17", "1e400", "", "abc"];

fn extremes() -> impl Iterator<Item = &'static str> {
    HUGE.into_iter().chain(LOW).chain(JUNK)
}

/// The lists staff page through in the browser (`{cid}`: the staff's community).
const PAGES: [&str; 8] = [
    "/residents",
    "/households",
    "/wishes",
    "/audit",
    "/notifications",
    "/service-records",
    "/wall/{cid}",
    "/wishes?view=all",
];

/// The API lists with `page` and `per_page`, and the wall's JSON (`page` only, 40 a page).
const API: [&str; 6] = [
    "/api/v1/wishes",
    "/api/v1/residents",
    "/api/v1/households",
    "/api/v1/service-records",
    "/api/v1/notifications",
    "/api/v1/wall/{cid}",
];

/// The marker of the "nothing more here" notice of a page past the end.
const PAST_END: &str = "id=\"past-end\"";

async fn staff_community(app: &TestApp) -> i64 {
    weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap().id
}

fn with_query(path: &str, query: &str) -> String {
    format!("{path}{}{query}", if path.contains('?') { '&' } else { '?' })
}

/// A GET that reports a dropped connection instead of panicking, so one run lists every route that fails.
async fn fetch(app: &TestApp, token: Option<&str>, path: &str) -> Result<(StatusCode, String), String> {
    let request = match token {
        Some(token) => new_client().get(app.url(path)).bearer_auth(token),
        None => app.client.get(app.url(path)),
    };
    let response = request.send().await.map_err(|e| format!("{path}: no answer ({e})"))?;
    let status = response.status();
    let body = response.text().await.map_err(|e| format!("{path}: answer cut off ({e})"))?;
    Ok((status, body))
}

/// The items, page and page size of an API list (the wall's JSON is a bare array).
fn list_of(body: &str) -> Option<(Vec<Value>, Option<u64>, Option<u64>)> {
    let json: Value = serde_json::from_str(body).ok()?;
    match json {
        Value::Array(items) => Some((items, None, None)),
        json => Some((json["items"].as_array()?.clone(), json["page"].as_u64(), json["per_page"].as_u64())),
    }
}

fn ids(items: &[Value]) -> Vec<&Value> {
    items.iter().map(|i| &i["id"]).collect()
}

#[tokio::test]
async fn every_list_page_answers_any_page_number_with_a_page() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let cid = staff_community(&app).await.to_string();
    let mut failures = Vec::new();
    for route in PAGES.map(|r| r.replace("{cid}", &cid)) {
        let (status, first) = app.page(&route).await;
        assert_eq!(status, StatusCode::OK, "{route}");
        assert!(!first.contains(PAST_END), "{route}: the first page is not past the end");
        for value in extremes() {
            for query in [format!("page={}", urlencode(value)), format!("per_page={}", urlencode(value))] {
                let path = with_query(&route, &query);
                let (status, body) = match fetch(&app, None, &path).await {
                    Ok(answer) => answer,
                    Err(e) => {
                        failures.push(e);
                        continue;
                    }
                };
                if status != StatusCode::OK {
                    failures.push(format!("{path}: {status}"));
                    continue;
                }
                let past_end = query.starts_with("page=") && HUGE.contains(&value);
                if body.contains(PAST_END) != past_end {
                    failures.push(format!(
                        "{path}: the past-the-end notice should be {}",
                        if past_end { "there" } else { "absent" }
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} requests failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn a_page_past_the_end_says_so_and_links_back_to_the_first_page() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let (status, body) = app.page("/residents?q=%E7%8E%8B&page=9223372036854775807").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(PAST_END), "{body}");
    assert!(!body.contains("id=\"residents\""), "no rows past the end");
    assert!(body.contains("href=\"/residents?q=%E7%8E%8B\""), "a link to the first page, filters kept");
    assert!(!body.contains("rel=\"next\""), "nothing after the end");
    // No empty table above the notice either.
    for (path, table) in [("/households?page=99999", "id=\"households\""), ("/audit?page=99999", "id=\"audit\"")] {
        let (status, body) = app.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains(PAST_END) && !body.contains(table), "{path}: the notice without an empty table");
    }
}

#[tokio::test]
async fn every_api_list_answers_any_page_and_size_with_a_list() {
    let app = spawn_app().await;
    let token = app.api_token("shegong").await;
    let cid = staff_community(&app).await.to_string();
    let mut failures = Vec::new();
    for route in API.map(|r| r.replace("{cid}", &cid)) {
        let (status, first) = fetch(&app, Some(&token), &route).await.unwrap();
        assert_eq!(status, StatusCode::OK, "{route}: {first}");
        let (first_items, _, default_size) = list_of(&first).unwrap();
        for value in extremes() {
            let v = urlencode(value);
            for query in [format!("page={v}"), format!("per_page={v}"), format!("page={v}&per_page={v}")] {
                let path = with_query(&route, &query);
                let (status, body) = match fetch(&app, Some(&token), &path).await {
                    Ok(answer) => answer,
                    Err(e) => {
                        failures.push(e);
                        continue;
                    }
                };
                let Some((items, page, per_page)) = list_of(&body).filter(|_| status == StatusCode::OK) else {
                    failures.push(format!("{path}: {status} {body}"));
                    continue;
                };
                let sets_page = query.starts_with("page=");
                let sets_size = query.contains("per_page=") && !route.contains("/wall/");
                let mut wrong =
                    |what: &str| failures.push(format!("{path}: {what} (page {page:?}, per_page {per_page:?})"));
                if sets_page && HUGE.contains(&value) {
                    if !items.is_empty() {
                        wrong("past the end, the list is empty");
                    }
                    if page.is_some_and(|p| p < 2) {
                        wrong("past the end, the page says where");
                    }
                } else if page.is_some_and(|p| p != 1) {
                    wrong("a low or unreadable page is the first");
                }
                if !sets_page || !HUGE.contains(&value) {
                    // The first rows of the list, as many as the page holds.
                    let n = items.len().min(first_items.len());
                    if items.is_empty() && !first_items.is_empty() || ids(&items[..n]) != ids(&first_items[..n]) {
                        wrong("the first page's rows");
                    }
                }
                let Some(per_page) = per_page else { continue };
                if !sets_size || JUNK.contains(&value) {
                    if Some(per_page) != default_size {
                        wrong("an unreadable size is the default");
                    }
                } else if LOW.contains(&value) {
                    if per_page != 1 {
                        wrong("a low size is one row");
                    }
                } else if !(100..=200).contains(&per_page) {
                    wrong("a huge size is the largest");
                }
                if items.len() as u64 > per_page {
                    wrong("no more rows than the size");
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} requests failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn the_store_answers_a_page_past_any_integer_with_an_empty_list() {
    use weizhili_core::access::ListScope;
    use weizhili_core::clock::Clock;
    use weizhili_store::{audit, grid, notify, service, wish};

    let app = spawn_app().await;
    let db = &app.db;
    let (page, per_page) = (u64::MAX, u64::MAX);
    let everything = ListScope::Everything;
    let residents = grid::ResidentFilter { page, per_page, ..Default::default() };
    assert!(grid::residents(db, &everything, &residents, 2026).await.unwrap().rows.is_empty());
    assert!(grid::households(db, &everything, None, None, page, per_page).await.unwrap().rows.is_empty());
    assert!(wish::list(db, &wish::Filter { page, per_page, ..Default::default() }).await.unwrap().rows.is_empty());
    assert!(
        service::list(db, &service::Filter { page, per_page, ..Default::default() }).await.unwrap().rows.is_empty()
    );
    assert!(audit::list(db, &audit::Filter { page, per_page, ..Default::default() }).await.unwrap().0.is_empty());
    let shegong = weizhili_store::account::user_by_login(db, "shegong").await.unwrap().unwrap();
    assert!(notify::list(db, shegong.id, page, per_page).await.unwrap().rows.is_empty());
    let cid = staff_community(&app).await;
    assert!(wish::wall_page(db, cid, page, per_page, app.clock.now()).await.unwrap().rows.is_empty());
}

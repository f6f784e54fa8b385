//! CSRF: a state-changing request carries the token of its own session (or, signed out, of its own
//! double-submit cookie), whichever way it comes (form field, `X-CSRF-Token` header, `_csrf` query parameter);
//! any other token is refused and changes nothing. Bearer tokens need none.
//!
//! These tests hold the cookies themselves (a client without a cookie store), so that they can send any mix of
//! them: a session cookie with another session's token, the anonymous cookie alongside a session, and so on.

use reqwest::multipart::Form;
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode, redirect};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use weizhili_store::entity::{courtyard, wish};

use crate::helpers::{PASSWORD, TestApp, csrf_in, spawn_app};

/// A client that keeps no cookies: each request says which it sends.
fn bare_client() -> Client {
    Client::builder().redirect(redirect::Policy::none()).build().unwrap()
}

fn code(body: &Value) -> Option<&str> {
    body["error"]["code"].as_str()
}

/// The value a response sets for cookie `name`.
fn set_cookie(response: &Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(prefix.as_str()).map(|rest| rest.split(';').next().unwrap_or("").to_owned()))
}

/// A visitor of the login page: their `wzl_csrf` cookie, which is also the token of the page's form.
async fn anonymous(app: &TestApp) -> String {
    let response = bare_client().get(app.url("/login")).send().await.unwrap();
    let cookie = set_cookie(&response, "wzl_csrf").expect("the login page sets the CSRF cookie");
    let body = response.text().await.unwrap();
    assert_eq!(csrf_in(&body).as_deref(), Some(cookie.as_str()), "the form carries the cookie's token");
    cookie
}

/// A browser signed in through the login form.
struct Signed {
    /// The `wzl_session` cookie.
    session: String,
    /// The session's CSRF token, as its pages carry it.
    csrf: String,
    /// The `wzl_csrf` cookie it got before signing in, which it still sends.
    anon: String,
}

impl Signed {
    fn cookies(&self) -> String {
        format!("wzl_session={}; wzl_csrf={}", self.session, self.anon)
    }
}

async fn sign_in(app: &TestApp, login: &str) -> Signed {
    let anon = anonymous(app).await;
    let response = bare_client()
        .post(app.url("/login"))
        .header("cookie", format!("wzl_csrf={anon}"))
        .form(&[("_csrf", anon.as_str()), ("login", login), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign in as {login}");
    let session = set_cookie(&response, "wzl_session").expect("a session cookie");
    let page = bare_client().get(app.url("/")).header("cookie", format!("wzl_session={session}")).send().await.unwrap();
    let csrf = csrf_in(&page.text().await.unwrap()).expect("a page with a form");
    assert_ne!(csrf, anon, "a session has a token of its own");
    Signed { session, csrf, anon }
}

async fn post_form(app: &TestApp, cookies: &str, path: &str, fields: &[(&str, &str)]) -> StatusCode {
    bare_client().post(app.url(path)).header("cookie", cookies).form(fields).send().await.unwrap().status()
}

async fn resident_name(app: &TestApp, id: i64) -> String {
    weizhili_store::grid::resident(&app.db, id).await.unwrap().unwrap().resident.name
}

#[tokio::test]
async fn a_form_with_a_wrong_or_someone_elses_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let staff = sign_in(&app, "shegong").await;
    let same_person_elsewhere = sign_in(&app, "shegong").await;
    // The building head may edit this resident too: their token is valid, just not this session's.
    let head = sign_in(&app, "loudongzhang").await;
    let stranger = anonymous(&app).await;
    let id = app.resident_in("幸福里社区", "1栋").await;
    let before = resident_name(&app, id).await;
    let path = format!("/residents/{id}");
    let mut changed = staff.csrf.clone();
    changed.replace_range(..1, if changed.starts_with('0') { "1" } else { "0" });
    let cases = [
        ("a wrong token", weizhili_web::auth::random_token(), staff.cookies()),
        ("one character off", changed, staff.cookies()),
        ("an empty token", String::new(), staff.cookies()),
        ("the same person's other session's token", same_person_elsewhere.csrf.clone(), staff.cookies()),
        ("another person's session's token", head.csrf.clone(), staff.cookies()),
        ("the anonymous cookie's token, sent along", staff.anon.clone(), staff.cookies()),
        (
            "a fresh anonymous token with its cookie",
            stranger.clone(),
            format!("wzl_session={}; wzl_csrf={stranger}", staff.session),
        ),
        ("a session's token without the session", staff.csrf.clone(), format!("wzl_csrf={stranger}")),
    ];
    // Every case is tried, so that a failure names all the tokens that got through.
    let mut got_through = Vec::new();
    for (i, (what, token, cookies)) in cases.into_iter().enumerate() {
        let name = format!("冒名改{i}");
        let status = post_form(&app, &cookies, &path, &[("_csrf", &token), ("name", &name)]).await;
        if status != StatusCode::FORBIDDEN || resident_name(&app, id).await == name {
            got_through.push(format!("{what}: {status}"));
        }
    }
    assert!(got_through.is_empty(), "refused and nothing changed, but: {got_through:#?}");
    assert_eq!(resident_name(&app, id).await, before);
    // The session's own token works: the refusals above were about the token alone.
    let status = post_form(&app, &staff.cookies(), &path, &[("_csrf", &staff.csrf), ("name", "改对了")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(resident_name(&app, id).await, "改对了");
}

#[tokio::test]
async fn a_login_form_whose_token_is_not_its_cookies_is_refused() {
    let app = spawn_app().await;
    let mine = anonymous(&app).await;
    let theirs = anonymous(&app).await;
    let signed = sign_in(&app, "jumin").await;
    let logins_before = app.audit_actions("login").await.len();
    let mut got_through = Vec::new();
    for (what, token) in [
        ("another visitor's token", theirs.as_str()),
        ("a signed-in session's token", signed.csrf.as_str()),
        ("a wrong token", "0123456789abcdef"),
    ] {
        let response = bare_client()
            .post(app.url("/login"))
            .header("cookie", format!("wzl_csrf={mine}"))
            .form(&[("_csrf", token), ("login", "shegong"), ("password", PASSWORD), ("next", "/")])
            .send()
            .await
            .unwrap();
        if response.status() != StatusCode::FORBIDDEN || set_cookie(&response, "wzl_session").is_some() {
            got_through.push(format!("{what}: {}", response.status()));
        }
    }
    assert!(got_through.is_empty(), "refused, no session, but: {got_through:#?}");
    assert_eq!(app.audit_actions("login").await.len(), logins_before, "nobody signed in");
    // The cookie's own token signs in.
    let response = bare_client()
        .post(app.url("/login"))
        .header("cookie", format!("wzl_csrf={mine}"))
        .form(&[("_csrf", mine.as_str()), ("login", "shegong"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

async fn wish_status(app: &TestApp, id: i64) -> String {
    wish::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().status
}

/// A JSON request with the session's cookies and, if given, an `X-CSRF-Token` header; status and body.
async fn api_with_session(request: RequestBuilder, cookies: &str, header: Option<&str>) -> (StatusCode, Value) {
    let mut request = request.header("cookie", cookies);
    if let Some(token) = header {
        request = request.header("x-csrf-token", token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_api_with_a_session_cookie_needs_the_sessions_token_in_the_header_and_a_bearer_token_none() {
    let app = spawn_app().await;
    let staff = sign_in(&app, "shegong").await;
    let other = sign_in(&app, "shegong").await;
    let jumin = app.api_token("jumin").await;
    let (status, made) = app
        .api_send(&jumin, Method::POST, "/api/v1/wishes", json!({"title": "帮忙换灯泡", "category": "repair"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_i64().unwrap();
    let publish = || bare_client().post(app.url(&format!("/api/v1/wishes/{id}/publish"))).json(&json!({}));
    let wrong = weizhili_web::auth::random_token();
    let mut got_through = Vec::new();
    for (what, header) in [
        ("no header", None),
        ("a wrong header", Some(wrong.as_str())),
        ("another session's token", Some(other.csrf.as_str())),
        ("the anonymous cookie's token", Some(staff.anon.as_str())),
    ] {
        let (status, body) = api_with_session(publish(), &staff.cookies(), header).await;
        if (status, code(&body)) != (StatusCode::FORBIDDEN, Some("csrf_failed")) {
            got_through.push(format!("{what}: {status} {body}"));
        }
    }
    assert!(got_through.is_empty(), "refused with csrf_failed, but: {got_through:#?}");
    assert_eq!(wish_status(&app, id).await, "submitted", "nothing changed");
    let (status, body) = api_with_session(publish(), &staff.cookies(), Some(&staff.csrf)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(wish_status(&app, id).await, "published");

    // A PUT the same way.
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let yard = weizhili_store::grid::courtyards(&app.db, community.id).await.unwrap()[0].id;
    let path = format!("/api/v1/courtyards/{yard}");
    let rename = |name: &str| bare_client().put(app.url(&path)).json(&json!({"name": name}));
    let yard_name = || async { courtyard::Entity::find_by_id(yard).one(&app.db).await.unwrap().unwrap().name };
    let before = yard_name().await;
    let (status, _) = api_with_session(rename("南园"), &staff.cookies(), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a PUT without the header");
    let (status, _) = api_with_session(rename("北园"), &staff.cookies(), Some(&other.csrf)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a PUT with another session's token");
    assert_eq!(yard_name().await, before);
    let (status, _) = api_with_session(rename("东园"), &staff.cookies(), Some(&staff.csrf)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(yard_name().await, "东园");

    // A bearer token carries no ambient authority: no CSRF token is asked for.
    let bearer = app.api_token("shegong").await;
    let (status, body) = app.api_send(&bearer, Method::PUT, &path, json!({"name": "西园"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(yard_name().await, "西园");
}

#[tokio::test]
async fn an_upload_with_a_wrong_csrf_query_parameter_changes_nothing() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let (_, made) = app
        .api_send(&jumin, Method::POST, "/api/v1/wishes", json!({"title": "帮忙挂窗帘", "category": "repair"}))
        .await;
    let id = made["id"].as_i64().unwrap();
    for (token, action) in [(&staff, "publish"), (&volunteer, "claim")] {
        let (status, body) =
            app.api_send(token, Method::POST, &format!("/api/v1/wishes/{id}/{action}"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let claimant = sign_in(&app, "zhiyuanzhe").await;
    let other = sign_in(&app, "shegong").await;
    // The fulfil form is multipart (it may carry a photo), so its token comes in the query.
    let fulfil = |token: &str| {
        let form = Form::new().text("note", "挂好了").text("minutes", "20").text("no_photo", "1");
        bare_client()
            .post(app.url(&format!("/wishes/{id}/fulfil?_csrf={token}")))
            .header("cookie", claimant.cookies())
            .multipart(form)
    };
    let wrong = weizhili_web::auth::random_token();
    let mut got_through = Vec::new();
    for (what, token) in [("a wrong token", wrong.as_str()), ("another session's token", other.csrf.as_str())] {
        let status = fulfil(token).send().await.unwrap().status();
        if status != StatusCode::FORBIDDEN || wish_status(&app, id).await != "claimed" {
            got_through.push(format!("{what}: {status}"));
        }
    }
    assert!(got_through.is_empty(), "refused and nothing changed, but: {got_through:#?}");
    let response = fulfil(&claimant.csrf).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap());
    assert_eq!(wish_status(&app, id).await, "fulfilled");
}

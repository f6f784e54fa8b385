//! The route × role matrix: for every route the router declares, what each role gets — who may read, who may
//! write, and that everyone else gets 401/403/404 (or, for pages, the way to the login) — pages through a
//! browser session with its CSRF token, the API with a bearer token.
//!
//! The routes come from the source: every `.route("…", get(…).post(…))` under `crates/web/src`. A route
//! without a row fails the test, and so does a row that names no route. Each row that writes runs on a fresh
//! copy of one prepared database, and a caller's success is followed by a fresh copy again, so a row's
//! outcome never depends on another row or on another caller's success before it.

mod prepare;
mod routes;
mod table;

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::fixture::{Caller, Snapshot, bare_client, base};
use crate::helpers::TestApp;
use prepare::prepare;
use routes::{declared_routes, route_of};
use table::rows;

const WHO: [&str; 8] = ["anon", "admin", "shegong", "shegong2", "loudongzhang", "zhiyuanzhe", "jumin", "jumin2"];

pub enum Body {
    Empty,
    Json(Value),
    Form(Vec<(String, String)>),
    /// A multipart upload: the field's name and a file name; a photo unless the name ends in `.csv`.
    Upload(&'static str, &'static str),
}

pub struct Row {
    pub method: Method,
    pub path: String,
    pub body: Body,
    /// One expected status per entry of WHO.
    pub expect: [u16; 8],
}

impl Row {
    fn writes(&self) -> bool {
        self.method != Method::GET
    }
}

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

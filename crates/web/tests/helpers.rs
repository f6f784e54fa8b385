//! The test harness: the real app on a random port with a fresh database (SQLite by default; PostgreSQL when
//! `WEIZHILI_TEST_POSTGRES_URL` is set), seeded with the demo, and a cookie-keeping client.
//!
//! Seeding 1,600 residents per test would be slow, so each process seeds one template database and every test
//! gets its own copy (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Client, Response, StatusCode, redirect};
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use tokio::sync::OnceCell;
use weizhili_core::clock::{Clock, FixedClock};
use weizhili_store::Db;
use weizhili_web::{AppState, WebConfig};

pub const PASSWORD: &str = "demo1234";

/// 2026-06-01 10:00 Beijing time: a fixed "now", so ages and windows do not drift.
pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0).single().unwrap()
}

enum Template {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

static TEMPLATE: OnceCell<Template> = OnceCell::const_new();

pub fn postgres_url() -> Option<String> {
    std::env::var("WEIZHILI_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}_{}_{}", std::process::id(), weizhili_web::auth::random_token()[..10].to_owned())
}

/// `postgres://u@h:p/db?x` with the database replaced.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map(|(b, q)| (b, Some(q))).unwrap_or((url, None));
    let cut = base.rfind('/').filter(|i| *i > "postgres://".len()).unwrap_or(base.len());
    let mut out = format!("{}/{db}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn seed(db: &Db) {
    weizhili_store::migrate(db).await.unwrap();
    let hash = password_auth::generate_hash(PASSWORD);
    let clock = FixedClock::new(start_time());
    weizhili_store::demo::seed(db, &hash, clock.this_year(), clock.now()).await.unwrap();
}

async fn template() -> &'static Template {
    TEMPLATE
        .get_or_init(|| async {
            if let Some(admin_url) = postgres_url() {
                let name = unique("wzl_tpl");
                let admin = Database::connect(&admin_url).await.expect("connect to WEIZHILI_TEST_POSTGRES_URL");
                drop_leftovers(&admin).await;
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
                admin.close().await.unwrap();
                let db = weizhili_store::connect(&with_database(&admin_url, &name), &Default::default()).await.unwrap();
                seed(&db).await;
                db.close().await.unwrap();
                Template::Postgres { admin_url, name }
            } else {
                remove_leftover_files();
                let dir = std::env::temp_dir().join(unique("wzl_tpl"));
                std::fs::create_dir_all(&dir).unwrap();
                let work = dir.join("seed.db");
                let db = weizhili_store::connect(&format!("sqlite://{}", work.display()), &Default::default())
                    .await
                    .unwrap();
                seed(&db).await;
                let template = dir.join("template.db");
                db.execute_unprepared(&format!("VACUUM INTO '{}'", template.display())).await.unwrap();
                db.close().await.unwrap();
                Template::Sqlite(template)
            }
        })
        .await
}

/// Drops the databases earlier test processes left behind (their names carry the process id).
async fn drop_leftovers(admin: &sea_orm::DatabaseConnection) {
    use sea_orm::{FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Name {
        datname: String,
    }
    let sql = "SELECT datname FROM pg_database WHERE datname LIKE 'wzl\\_%'";
    let found = Name::find_by_statement(Statement::from_string(admin.get_database_backend(), sql)).all(admin).await;
    for Name { datname } in found.unwrap_or_default() {
        let pid = datname.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let alive =
            pid.is_some_and(|p| p == std::process::id() || std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {datname}")).await;
        }
    }
}

/// Removes the SQLite files earlier test processes left in the temporary folder.
fn remove_leftover_files() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("wzl_t") {
            continue;
        }
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != std::process::id() && !std::path::Path::new(&format!("/proc/{p}")).exists()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A fresh, seeded database of this test's own.
pub async fn fresh_db() -> (Db, String) {
    match template().await {
        Template::Sqlite(path) => {
            let dir = std::env::temp_dir().join(unique("wzl_t"));
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join("test.db");
            std::fs::copy(path, &file).unwrap();
            let url = format!("sqlite://{}", file.display());
            (weizhili_store::connect(&url, &Default::default()).await.unwrap(), url)
        }
        Template::Postgres { admin_url, name } => {
            let db_name = unique("wzl_t");
            let admin = Database::connect(admin_url).await.unwrap();
            admin.execute_unprepared(&format!("CREATE DATABASE {db_name} TEMPLATE {name}")).await.unwrap();
            admin.close().await.unwrap();
            let url = with_database(admin_url, &db_name);
            let options = weizhili_store::StoreOptions { max_connections: 4, ..Default::default() };
            (weizhili_store::connect(&url, &options).await.unwrap(), url)
        }
    }
}

pub fn is_postgres() -> bool {
    postgres_url().is_some()
}

pub struct TestApp {
    pub addr: String,
    pub db: Db,
    pub db_url: String,
    pub clock: Arc<FixedClock>,
    pub client: Client,
    /// The CSRF token of the current session (or of the anonymous visitor), read from the last form.
    pub csrf: Mutex<String>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(WebConfig::default()).await
}

pub async fn spawn_app_with(config: WebConfig) -> TestApp {
    let (db, db_url) = fresh_db().await;
    spawn_app_on(db, db_url, config).await.0
}

/// The app on a database of the caller's; the handle stops it (`abort`).
pub async fn spawn_app_on(db: Db, db_url: String, config: WebConfig) -> (TestApp, tokio::task::JoinHandle<()>) {
    let clock = Arc::new(FixedClock::new(start_time()));
    let state = AppState::new(db.clone(), clock.clone(), config, test_media());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let _ = weizhili_web::serve(state, listener).await;
    });
    (TestApp { addr, db, db_url, clock, client: new_client(), csrf: Mutex::new(String::new()) }, server)
}

/// Photo storage for tests: a real folder, one per test process (keys are random, so tests do not collide).
pub fn test_media() -> weizhili_store::media::Storage {
    let dir = std::env::temp_dir().join(format!("weizhili-test-media-{}", std::process::id()));
    weizhili_store::media::Storage::folder(&dir).unwrap()
}

pub fn new_client() -> Client {
    weizhili_store::media::install_tls_provider();
    Client::builder().cookie_store(true).redirect(redirect::Policy::none()).build().unwrap()
}

/// The value of the first `name="_csrf"` field of a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\" value=\"")?;
    let rest = &html[at + "name=\"_csrf\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

impl TestApp {
    /// A second browser on the same app and database: its own cookies, signed in as nobody yet.
    pub fn another_browser(&self) -> TestApp {
        TestApp {
            addr: self.addr.clone(),
            db: self.db.clone(),
            db_url: self.db_url.clone(),
            clock: self.clock.clone(),
            client: new_client(),
            csrf: Mutex::new(String::new()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// GETs a page, remembers its CSRF token, and returns status and body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        if let Some(token) = csrf_in(&body) {
            *self.csrf.lock().unwrap() = token;
        }
        (status, body)
    }

    /// POSTs a form with the current CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf.lock().unwrap().clone();
        let mut form: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.client.post(self.url(path)).form(&form).send().await.unwrap()
    }

    /// Signs in through the login page, as a person would.
    pub async fn login_as(&self, login: &str) {
        self.page("/login").await;
        let response = self.post_form("/login", &[("login", login), ("password", PASSWORD), ("next", "/")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login as {login}");
        let (status, _) = self.page("/").await;
        assert_eq!(status, StatusCode::OK);
    }

    pub async fn logout(&self) {
        self.post_form("/logout", &[]).await;
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn api_token(&self, login: &str) -> String {
        let response = new_client()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"login": login, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "api login as {login}");
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// A GET with a bearer token, parsed as JSON.
    pub async fn api_get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let response = new_client().get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn api_send(&self, token: &str, method: reqwest::Method, path: &str, body: Value) -> (StatusCode, Value) {
        let response =
            new_client().request(method, self.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Audit entries with this action, newest first.
    pub async fn audit_actions(&self, action: &str) -> Vec<weizhili_store::entity::audit_log::Model> {
        let filter =
            weizhili_store::audit::Filter { action: Some(action.into()), page: 1, per_page: 200, ..Default::default() };
        weizhili_store::audit::list(&self.db, &filter).await.unwrap().0
    }

    /// Takes the database away from under the running app: on PostgreSQL the test's database is dropped (its
    /// connections ended with it); on SQLite, where an open connection keeps reading a deleted file, the pool is
    /// closed and the file deleted.
    pub async fn lose_database(&self) {
        match postgres_url() {
            Some(admin_url) => {
                let name = self.db_url.rsplit('/').next().unwrap().split('?').next().unwrap().to_owned();
                let admin = Database::connect(&admin_url).await.unwrap();
                admin.execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)")).await.unwrap();
                admin.close().await.unwrap();
            }
            None => {
                self.db.clone().close().await.unwrap();
                let file = self.db_url.trim_start_matches("sqlite://");
                std::fs::remove_dir_all(std::path::Path::new(file).parent().unwrap()).unwrap();
            }
        }
    }

    /// The id of a resident of a building of a community, by building name.
    pub async fn resident_in(&self, community: &str, building: &str) -> i64 {
        let c = weizhili_store::grid::community_by_name(&self.db, community).await.unwrap().unwrap();
        let b = weizhili_store::grid::buildings_of_community(&self.db, c.id)
            .await
            .unwrap()
            .into_iter()
            .find(|b| b.name == building)
            .unwrap();
        let filter = weizhili_store::grid::ResidentFilter {
            building_id: Some(b.id),
            page: 1,
            per_page: 1,
            ..Default::default()
        };
        let scope = weizhili_core::access::ListScope::Everything;
        weizhili_store::grid::residents(&self.db, &scope, &filter, 2026).await.unwrap().rows[0].resident.id
    }
}

/// Headers for a JSON API call carrying a session cookie, with the CSRF header.
pub fn csrf_header(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("x-csrf-token", HeaderValue::from_str(token).unwrap());
    h
}

pub fn urlencode(s: &str) -> String {
    weizhili_web::page::urlencode(s)
}

/// One round of the timed work the server runs every few minutes, at the test's clock.
pub async fn run_timed_work(app: &TestApp) {
    let state = AppState::new(app.db.clone(), app.clock.clone(), WebConfig::default(), test_media());
    weizhili_web::run_timed_work(&state).await;
}

/// Every file under these folders of the web crate (e.g. `["src", "templates"]`), with its text.
pub fn crate_files(folders: &[&str]) -> Vec<(PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<PathBuf> = folders.iter().map(|f| root.join(f)).collect();
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((path, text));
            }
        }
    }
    files
}

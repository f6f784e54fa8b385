//! Fresh fixtures for tests that must not see each other's changes, such as the route × role matrix: one seeded
//! database with every demo account signed in (a browser session and an API token each), frozen, and copied anew
//! for each use. Sessions and tokens live in the database, so every copy honours them.

use std::path::PathBuf;

use reqwest::header::SET_COOKIE;
use reqwest::{Client, redirect};
use sea_orm::{ConnectionTrait, Database};
use weizhili_web::WebConfig;

use crate::helpers::{PASSWORD, TestApp, csrf_in, fresh_db, postgres_url, spawn_app_on, unique, with_database};

/// How one person reaches the app: a browser session (cookie and its CSRF token) and an API token.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    pub login: &'static str,
    /// `wzl_session=…` for a signed-in browser, `wzl_csrf=…` for an anonymous one.
    pub cookie: String,
    /// The token forms carry (`_csrf`).
    pub csrf: String,
    /// The API bearer token; none for the anonymous visitor.
    pub token: Option<String>,
}

/// A client that keeps no cookies and follows no redirects: every request says exactly who sends it.
pub fn bare_client() -> Client {
    weizhili_store::media::install_tls_provider();
    Client::builder().redirect(redirect::Policy::none()).build().unwrap()
}

fn cookie_from(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all(SET_COOKIE).iter().find_map(|v| {
        let v = v.to_str().ok()?;
        let pair = v.split(';').next()?;
        let (k, value) = pair.split_once('=')?;
        (k.trim() == name && !value.is_empty()).then(|| format!("{name}={value}"))
    })
}

/// An anonymous visitor with the CSRF cookie the login form sets.
pub async fn anonymous(app: &TestApp) -> Caller {
    let response = bare_client().get(app.url("/login")).send().await.unwrap();
    let cookie = cookie_from(&response, "wzl_csrf").expect("the login page sets the CSRF cookie");
    let csrf = csrf_in(&response.text().await.unwrap()).unwrap();
    Caller { login: "anon", cookie, csrf, token: None }
}

/// Signs `login` in through the login form and the API, as a person and a program would.
pub async fn sign_in(app: &TestApp, login: &'static str) -> Caller {
    let anon = anonymous(app).await;
    let form = [("_csrf", anon.csrf.as_str()), ("login", login), ("password", PASSWORD), ("next", "/")];
    let response =
        bare_client().post(app.url("/login")).header("cookie", &anon.cookie).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 303, "login as {login}");
    let cookie = cookie_from(&response, "wzl_session").expect("a session cookie");
    let home = bare_client().get(app.url("/")).header("cookie", &cookie).send().await.unwrap();
    let csrf = csrf_in(&home.text().await.unwrap()).expect("the signed-in home page carries the session's token");
    let token = app.api_token(login).await;
    Caller { login, cookie, csrf, token: Some(token) }
}

/// A database frozen after its setup, to copy for each fixture.
pub enum Snapshot {
    Sqlite(PathBuf),
    /// Copies are dropped in the background (a drop waits for a checkpoint); [`Snapshot::remove`] waits for them.
    Postgres {
        admin_url: String,
        name: String,
        drops: Drops,
    },
}

type Drops = std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>;

/// An app of its own on a copy of a [`Snapshot`]. [`Fixture::end`] stops it and removes its database.
pub struct Fixture {
    pub app: TestApp,
    server: tokio::task::JoinHandle<()>,
    postgres: Option<(String, String, Drops)>,
}

impl Snapshot {
    /// Freezes the database of `app` as it is now; the app is stopped and its connections closed.
    pub async fn take(app: TestApp, server: tokio::task::JoinHandle<()>) -> Snapshot {
        server.abort();
        let _ = server.await;
        match postgres_url() {
            None => {
                let dir = std::env::temp_dir().join(unique("wzl_tsnap"));
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join("snapshot.db");
                app.db.execute_unprepared(&format!("VACUUM INTO '{}'", path.display())).await.unwrap();
                app.db.close().await.unwrap();
                Snapshot::Sqlite(path)
            }
            Some(admin_url) => {
                let base = app.db_url.split('?').next().unwrap();
                let name = base.rsplit('/').next().unwrap().to_owned();
                app.db.close().await.unwrap();
                Snapshot::Postgres { admin_url, name, drops: Drops::default() }
            }
        }
    }

    /// A fresh app on a fresh copy.
    pub async fn fresh(&self) -> Fixture {
        let (db, url, postgres) = match self {
            Snapshot::Sqlite(path) => {
                let dir = std::env::temp_dir().join(unique("wzl_t"));
                std::fs::create_dir_all(&dir).unwrap();
                let file = dir.join("test.db");
                std::fs::copy(path, &file).unwrap();
                let url = format!("sqlite://{}", file.display());
                let options = weizhili_store::StoreOptions { max_connections: 2, ..Default::default() };
                (weizhili_store::connect(&url, &options).await.unwrap(), url, None)
            }
            Snapshot::Postgres { admin_url, name, drops } => {
                let copy = unique("wzl_t");
                let admin = Database::connect(admin_url.as_str()).await.unwrap();
                admin.execute_unprepared(&format!("CREATE DATABASE {copy} TEMPLATE {name}")).await.unwrap();
                admin.close().await.unwrap();
                let url = with_database(admin_url, &copy);
                let options = weizhili_store::StoreOptions { max_connections: 2, ..Default::default() };
                let db = weizhili_store::connect(&url, &options).await.unwrap();
                (db, url, Some((admin_url.clone(), copy, drops.clone())))
            }
        };
        let (app, server) = spawn_app_on(db, url, WebConfig::default()).await;
        Fixture { app, server, postgres }
    }

    /// Removes the snapshot's database.
    pub async fn remove(self) {
        match self {
            Snapshot::Sqlite(path) => {
                let _ = std::fs::remove_dir_all(path.parent().unwrap());
            }
            Snapshot::Postgres { admin_url, name, drops } => {
                let pending: Vec<_> = std::mem::take(&mut *drops.lock().unwrap());
                for drop in pending {
                    drop.await.unwrap();
                }
                drop_database(&admin_url, &name).await;
            }
        }
    }
}

impl Fixture {
    pub async fn end(self) {
        self.server.abort();
        let _ = self.server.await;
        let url = self.app.db_url.clone();
        self.app.db.close().await.unwrap();
        match self.postgres {
            Some((admin_url, name, drops)) => {
                let drop = tokio::spawn(async move { drop_database(&admin_url, &name).await });
                drops.lock().unwrap().push(drop);
            }
            None => {
                let file = PathBuf::from(url.trim_start_matches("sqlite://"));
                let _ = std::fs::remove_dir_all(file.parent().unwrap());
            }
        }
    }
}

async fn drop_database(admin_url: &str, name: &str) {
    let admin = Database::connect(admin_url).await.unwrap();
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    admin.close().await.unwrap();
}

/// A seeded app, its callers signed in, ready for the caller's own setup before [`Snapshot::take`].
pub async fn base(logins: &[&'static str]) -> (TestApp, tokio::task::JoinHandle<()>, Vec<Caller>) {
    let (db, url) = fresh_db().await;
    let (app, server) = spawn_app_on(db, url, WebConfig::default()).await;
    let mut callers = vec![anonymous(&app).await];
    for login in logins {
        callers.push(sign_in(&app, login).await);
    }
    (app, server, callers)
}

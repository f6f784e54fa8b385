//! Who is asking: browser sessions stored in the database, API bearer tokens, CSRF, and login throttling.
//!
//! Session ids and tokens are random 256-bit values; only their SHA-256 is stored, so a copy of the database
//! hands out no sessions. Cookies are HttpOnly and SameSite=Lax (+ Secure when configured).

pub mod csrf;
pub mod login;
pub mod session;

use axum::Router;
use axum::http::HeaderMap;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub use session::{CurrentUser, MaybeUser};

use crate::AppState;

pub const SESSION_COOKIE: &str = "wzl_session";
pub const CSRF_COOKIE: &str = "wzl_csrf";

pub fn routes() -> Router<AppState> {
    login::routes()
}

/// The value of one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A fresh random token, hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A `Set-Cookie` value with the flags every cookie of ours carries.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, http_only: bool, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

//! What every page knows: the language, the signed-in user and what they may reach, the CSRF token for forms,
//! large-text mode, and the current path. Built once per request by the [`PageCtx`] extractor.

use askama::Template;
use axum::extract::{FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use weizhili_core::access::{Action, ListScope, Place, Role};

use crate::auth::session::{AnonCsrf, CurrentUser};
use crate::auth::{cookie, random_token};
use crate::i18n::Lang;
use crate::{AppError, AppState};

/// A navigation entry the user may follow.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
}

#[derive(Debug, Clone)]
pub struct UserBrief {
    pub display_name: String,
    pub login: String,
    pub role_keys: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<UserBrief>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub large: bool,
    pub path: String,
    /// Unread notifications, for the bell.
    pub unread: u64,
}

impl PageCtx {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn ta(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.lang.ta(key, &[(name, value.to_string())])
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "en",
            Lang::En => "zh-CN",
        }
    }

    pub fn is_current(&self, href: &str) -> bool {
        if href == "/" { self.path == "/" } else { self.path.starts_with(href) }
    }

    /// What the error middleware can know before the handler ran.
    pub fn seed(request: &Request) -> CtxSeed {
        CtxSeed {
            lang: Lang::from_headers(request.headers()),
            large: cookie(request.headers(), "large").as_deref() == Some("1"),
            path: request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into()),
        }
    }
}

pub struct CtxSeed {
    pub lang: Lang,
    pub large: bool,
    pub path: String,
}

impl CtxSeed {
    pub fn into_ctx(self, user: Option<&CurrentUser>) -> PageCtx {
        let (brief, nav, csrf) = match user {
            Some(u) => (Some(brief(u)), nav_for(u), u.session.as_ref().map(|s| s.1.clone()).unwrap_or_default()),
            None => (None, Vec::new(), String::new()),
        };
        PageCtx { lang: self.lang, user: brief, nav, csrf, large: self.large, path: self.path, unread: 0 }
    }
}

fn brief(u: &CurrentUser) -> UserBrief {
    let mut roles: Vec<Role> = u.actor.grants.iter().map(|g| g.role).collect();
    roles.sort();
    roles.dedup();
    UserBrief {
        display_name: u.user.display_name.clone(),
        login: u.user.login.clone(),
        role_keys: roles.iter().map(|r| format!("role-{}", r.as_str().replace('_', "-"))).collect(),
    }
}

/// The menu: only what this person may open.
fn nav_for(u: &CurrentUser) -> Vec<NavItem> {
    let mut nav = vec![NavItem { href: "/", key: "nav-home" }];
    if u.actor.list_scope(Action::ViewGrid) != ListScope::Nothing {
        nav.push(NavItem { href: "/residents", key: "nav-residents" });
        nav.push(NavItem { href: "/households", key: "nav-households" });
        nav.push(NavItem { href: "/buildings", key: "nav-buildings" });
    }
    let home = u.community_id().map(Place::community);
    if u.actor.is_admin() || u.actor.grants.iter().any(|g| g.community_id.is_some()) {
        nav.push(NavItem { href: "/wishes", key: "nav-wishes" });
        nav.push(NavItem { href: "/events", key: "nav-events" });
        nav.push(NavItem { href: "/competitions", key: "nav-competitions" });
    }
    let can_here = |action| u.actor.is_admin() || home.as_ref().is_some_and(|p| u.can(action, p));
    // The roster belongs to one community: platform admins, who have none, do not import.
    if home.as_ref().is_some_and(|p| u.can(Action::ImportRoster, p)) {
        nav.push(NavItem { href: "/roster", key: "nav-roster" });
    }
    if home.as_ref().is_some_and(|p| u.can(Action::ClaimWish, p) || u.can(Action::ConfirmService, p)) {
        nav.push(NavItem { href: "/service-records", key: "nav-service" });
    }
    if home.as_ref().is_some_and(|p| u.can(Action::ManageHelpPairs, p)) {
        nav.push(NavItem { href: "/help-pairs", key: "nav-pairs" });
    }
    if can_here(Action::ManageUsers) {
        nav.push(NavItem { href: "/users", key: "nav-users" });
    }
    if can_here(Action::ViewAudit) {
        nav.push(NavItem { href: "/audit", key: "nav-audit" });
    }
    nav
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let seed = CtxSeed {
            lang: Lang::from_headers(&parts.headers),
            large: cookie(&parts.headers, "large").as_deref() == Some("1"),
            path: parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into()),
        };
        let user = parts.extensions.get::<CurrentUser>();
        let mut ctx = seed.into_ctx(user);
        match user {
            None => ctx.csrf = parts.extensions.get::<AnonCsrf>().map(|a| a.0.clone()).unwrap_or_else(random_token),
            Some(u) => ctx.unread = weizhili_store::notify::unread_count(&state.db, u.user.id).await?,
        }
        Ok(ctx)
    }
}

/// Renders a template into a response, or a logged 500.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: &'a PageCtx,
    status: u16,
    message: &'a str,
}

pub fn render_error(ctx: &PageCtx, status: StatusCode, message: &str) -> String {
    ErrorPage { c: ctx, status: status.as_u16(), message }
        .render()
        .unwrap_or_else(|_| format!("<!doctype html><title>{}</title><p>{}</p>", status.as_u16(), status))
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

//! The home page: for each person, what they do next. Staff see their community in numbers and what needs
//! doing; a building head their buildings and the people who need care there; a resident their household; a
//! visitor the way in.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use weizhili_core::access::{Action, ListScope, Place, Role};
use weizhili_core::grid::Tag;
use weizhili_store::grid::{self, GridCounts};

use crate::auth::MaybeUser;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

pub struct Tile {
    pub label: String,
    pub value: u64,
    pub href: String,
}

pub struct Line {
    pub label: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: PageCtx,
    heading: String,
    intro: String,
    tiles: Vec<Tile>,
    next_steps: Vec<Line>,
    signed_in: bool,
    /// "Median N days from publishing to fulfilment this month", for staff.
    median: Option<String>,
    /// What is coming up in the community: a few events, each series once, soonest first.
    coming: Vec<Line>,
}

/// The next few events of the community (a series by its next session only), as links for the home page.
async fn coming_events(state: &AppState, c: &PageCtx, community_id: i64) -> Result<Vec<Line>, AppError> {
    let now = state.clock.now();
    let sessions =
        weizhili_store::event::list(&state.db, community_id, now, now + chrono::Duration::days(14), None, 200).await?;
    let mut seen = std::collections::HashSet::new();
    Ok(sessions
        .iter()
        .filter(|e| e.status == "scheduled" && seen.insert(weizhili_store::event::head_of(e)))
        .take(4)
        .map(|e| {
            let day =
                crate::event::pages::day_label(c.lang, weizhili_core::clock::china_time(e.starts_at).date_naive());
            Line {
                label: format!("{day} {} · {}", crate::event::pages::time_range(e), e.title),
                href: format!("/events/{}", e.id),
            }
        })
        .collect())
}

fn tiles(c: &PageCtx, counts: &GridCounts, care_only: bool) -> Vec<Tile> {
    let mut tiles = Vec::new();
    if !care_only {
        tiles.push(Tile { label: c.t("count-buildings"), value: counts.buildings, href: "/buildings".into() });
        tiles.push(Tile { label: c.t("count-households"), value: counts.households, href: "/households".into() });
    }
    tiles.push(Tile { label: c.t("count-residents"), value: counts.residents, href: "/residents".into() });
    for (tag, n) in &counts.tagged {
        if matches!(tag, Tag::Aged | Tag::LivingAlone | Tag::EmptyNest | Tag::PartyMember) {
            tiles.push(Tile {
                label: c.t(&format!("tag-{}", tag.as_str().replace('_', "-"))),
                value: *n,
                href: format!("/residents?tag={}", tag.as_str()),
            });
        }
    }
    tiles
}

async fn home(State(state): State<AppState>, c: PageCtx, MaybeUser(user): MaybeUser) -> Result<Response, AppError> {
    let Some(user) = user else {
        return Ok(render(&HomePage {
            heading: c.t("home-welcome"),
            intro: c.t("home-welcome-intro"),
            tiles: vec![],
            next_steps: vec![Line { label: c.t("login-submit"), href: "/login".into() }],
            signed_in: false,
            median: None,
            coming: vec![],
            c,
        }));
    };
    let scope = user.actor.list_scope(Action::ViewGrid);
    let community = match user.community_id() {
        Some(id) => grid::community(&state.db, id).await?,
        None => None,
    };
    let community_name = community.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let mut next_steps = Vec::new();
    let mut median = None;
    let (heading, intro, tiles) = if user.actor.is_admin() || matches!(scope, ListScope::Communities(_)) {
        let counts = grid::counts(&state.db, &scope, None).await?;
        let place = user.community_id().map(Place::community);
        if place.as_ref().is_some_and(|p| user.can(Action::ReviewWish, p)) {
            next_steps
                .push(Line { label: c.t("next-wishes-review"), href: "/wishes?view=all&status=submitted".into() });
        }
        if place.as_ref().is_some_and(|p| user.can(Action::ImportRoster, p)) {
            next_steps.push(Line { label: c.t("next-import-roster"), href: "/roster".into() });
        }
        next_steps.push(Line { label: c.t("next-living-alone"), href: "/residents?tag=living_alone".into() });
        next_steps.push(Line { label: c.t("next-aged"), href: "/residents?tag=aged".into() });
        if user.actor.is_admin() || place.as_ref().is_some_and(|p| user.can(Action::ViewAudit, p)) {
            next_steps.push(Line { label: c.t("next-audit"), href: "/audit".into() });
        }
        let heading =
            if user.actor.is_admin() { c.t("home-admin") } else { c.ta("home-staff", "community", &community_name) };
        let mut all_tiles = tiles(&c, &counts, false);
        if let Some(cid) = user.community_id().filter(|_| !user.actor.is_admin()) {
            let (from, to) = crate::wish::pages::this_month(state.clock.now());
            let month = weizhili_store::wish::month_counts(&state.db, cid, from, to).await?;
            let wish_tile = |key: &str, value: u64, href: &str| Tile { label: c.t(key), value, href: href.into() };
            all_tiles.push(wish_tile("home-wishes-waiting", month.waiting_review, "/wishes?view=all&status=submitted"));
            all_tiles.push(wish_tile("home-wishes-unclaimed", month.unclaimed, "/wishes?view=all&status=published"));
            all_tiles.push(wish_tile("home-wishes-collected", month.collected, "/wishes?view=all"));
            all_tiles.push(wish_tile("home-wishes-published", month.published, "/wishes?view=all"));
            all_tiles.push(wish_tile("home-wishes-claimed", month.claimed, "/wishes?view=all&status=claimed"));
            all_tiles.push(wish_tile("home-wishes-fulfilled", month.fulfilled, "/wishes?view=all&status=fulfilled"));
            all_tiles.push(wish_tile("home-wishes-confirmed", month.confirmed, "/wishes?view=all&status=confirmed"));
            if let Some(days) = month.median_days_to_fulfil {
                median = Some(c.ta("home-wishes-median", "days", format!("{days:.1}")));
            }
            // The wishes that need attention, each a filtered list.
            let now = state.clock.now();
            let base = weizhili_store::wish::Filter { community_id: Some(cid), ..Default::default() };
            let attention = [
                (
                    "next-wishes-overdue",
                    "/wishes?view=all&need=overdue",
                    weizhili_store::wish::Filter {
                        overdue_on: Some(weizhili_core::clock::china_time(now).date_naive()),
                        ..base.clone()
                    },
                ),
                (
                    "next-wishes-unclaimed",
                    "/wishes?view=all&need=unclaimed&days=7",
                    weizhili_store::wish::Filter {
                        unclaimed_since: Some(now - chrono::Duration::days(7)),
                        ..base.clone()
                    },
                ),
                (
                    "next-wishes-attention",
                    "/wishes?view=all&need=attention",
                    weizhili_store::wish::Filter {
                        attention_since: Some(now - chrono::Duration::days(weizhili_core::wish::CONFIRM_WITHIN_DAYS)),
                        ..base.clone()
                    },
                ),
            ];
            for (key, href, filter) in attention {
                let n = weizhili_store::wish::count(&state.db, &filter).await?;
                if n > 0 {
                    next_steps.insert(0, Line { label: c.ta(key, "count", n), href: href.into() });
                }
            }
            let pending = weizhili_store::service::Filter {
                community_id: Some(cid),
                status: Some(weizhili_core::service::RecordStatus::Pending),
                page: 1,
                per_page: 1,
                ..Default::default()
            };
            let pending = weizhili_store::service::list(&state.db, &pending).await?.total;
            if pending > 0 {
                next_steps.push(Line {
                    label: c.ta("next-service-pending", "count", pending),
                    href: "/service-records?view=all&status=pending".into(),
                });
            }
        }
        (heading, c.t("home-staff-intro"), all_tiles)
    } else if let ListScope::Buildings(ids) = &scope {
        let counts = grid::counts(&state.db, &scope, None).await?;
        let buildings = grid::buildings(&state.db, &scope, None).await?;
        for b in buildings.iter().filter(|b| ids.contains(&b.id)) {
            next_steps.push(Line {
                label: c.ta("next-building", "building", &b.name),
                href: format!("/residents?building={}", b.id),
            });
        }
        next_steps.push(Line { label: c.t("next-living-alone"), href: "/residents?tag=living_alone".into() });
        next_steps.push(Line { label: c.t("next-wish-wall"), href: "/wishes?view=wall".into() });
        (
            c.ta("home-building-head", "community", &community_name),
            c.t("home-building-head-intro"),
            tiles(&c, &counts, true),
        )
    } else if let ListScope::Households(ids) = &scope {
        if user.user.community_id.is_some_and(|cid| user.can(Action::ClaimWish, &Place::community(cid))) {
            next_steps.push(Line { label: c.t("next-wish-wall"), href: "/wishes?view=wall".into() });
        }
        next_steps.push(Line { label: c.t("next-make-wish"), href: "/wishes/new".into() });
        next_steps.push(Line { label: c.t("next-my-wishes"), href: "/wishes?view=mine".into() });
        for id in ids {
            next_steps.push(Line { label: c.t("next-my-household"), href: format!("/households/{id}") });
        }
        (c.ta("home-resident", "name", &user.user.display_name), c.t("home-resident-intro"), vec![])
    } else {
        let intro =
            if user.actor.has_role(Role::Volunteer) { c.t("home-volunteer-intro") } else { c.t("home-other-intro") };
        if user.user.community_id.is_some_and(|cid| user.can(Action::ClaimWish, &Place::community(cid))) {
            next_steps.push(Line { label: c.t("next-wish-wall"), href: "/wishes?view=wall".into() });
        }
        (c.ta("home-resident", "name", &user.user.display_name), intro, vec![])
    };
    let coming = match user.community_id() {
        Some(cid) => coming_events(&state, &c, cid).await?,
        None => vec![],
    };
    Ok(render(&HomePage { c, heading, intro, tiles, next_steps, signed_in: true, median, coming }))
}

//! The wish lists, one per way a person stands to wishes: my household's, the wall to claim from, what I
//! claimed, my buildings', everything for staff (with the filters that find what needs attention).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use weizhili_core::access::{Action, ListScope, Place, Role};
use weizhili_core::wish::{Category, Source, WishStatus};
use weizhili_store::grid as grid_store;
use weizhili_store::wish::{self as store, Filter};

use super::WishView;
use crate::auth::CurrentUser;
use crate::grid::pages::Choice;
use crate::page::{PageCtx, render};
use crate::paging::{PageQuery, Pager, Size};
use crate::{AppError, AppState};

/// The lists a person may open, in the order the tabs show them.
fn views_for(user: &CurrentUser) -> Vec<&'static str> {
    let community = user.community_id().map(Place::community);
    let mut views = Vec::new();
    let reviewer = user.actor.is_admin() || community.as_ref().is_some_and(|p| user.can(Action::ReviewWish, p));
    if reviewer {
        views.push("all");
    }
    if !reviewer && matches!(user.actor.list_scope(Action::ViewGrid), ListScope::Buildings(_)) {
        views.push("buildings");
    }
    if user.actor.has_role(Role::Resident) {
        views.push("mine");
    }
    if community.as_ref().is_some_and(|p| user.can(Action::ClaimWish, p))
        || user.actor.grants.iter().any(|g| g.role == Role::BuildingHead)
    {
        views.push("wall");
        views.push("claimed");
    }
    views
}

pub struct Tab {
    pub href: String,
    pub key: String,
    pub current: bool,
}

pub struct Item {
    pub view: WishView,
}

#[derive(Template)]
#[template(path = "wish/list.html")]
struct ListPage {
    c: PageCtx,
    tabs: Vec<Tab>,
    statuses: Vec<Tab>,
    items: Vec<Item>,
    total: u64,
    pager: Pager,
    view: String,
    status: String,
    search: String,
    buildings: Vec<Choice>,
    categories: Vec<Choice>,
    sources: Vec<Choice>,
    needs: Vec<Choice>,
    days: i64,
    can_submit: bool,
    can_export: bool,
    wall_href: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    view: Option<String>,
    status: Option<String>,
    category: Option<String>,
    building: Option<String>,
    q: Option<String>,
    source: Option<String>,
    /// overdue, unclaimed (for `days`), attention.
    need: Option<String>,
    days: Option<String>,
}

/// The "needs attention" filters staff can pick.
const NEEDS: [&str; 3] = ["overdue", "unclaimed", "attention"];

/// 20 wishes a page.
const SIZE: Size = Size::fixed(20);

pub(super) async fn list(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
    Query(pq): Query<PageQuery>,
) -> Result<Response, AppError> {
    let views = views_for(&user);
    let Some(default) = views.first().copied() else {
        return Err(AppError::Forbidden);
    };
    let view = q.view.as_deref().filter(|v| views.contains(v)).unwrap_or(default);
    let status = q.status.as_deref().and_then(|s| WishStatus::parse(s).ok());
    let paging = pq.paging(SIZE);
    let mut filter = Filter {
        community_id: user.community_id(),
        page: paging.page(),
        per_page: paging.per_page(),
        // Unknown values are ignored: a stale bookmark still opens the list.
        category: q.category.as_deref().and_then(|c| Category::parse(c).ok()).map(|c| c.as_str().to_owned()),
        building_id: q.building.as_deref().and_then(|b| b.parse().ok()),
        q: q.q.clone().filter(|s| !s.trim().is_empty()).map(|s| s.chars().take(40).collect()),
        ..Default::default()
    };
    let now = state.clock.now();
    let days =
        q.days.as_deref().and_then(|d| d.trim().parse::<i64>().ok()).filter(|d| (0..=365).contains(d)).unwrap_or(7);
    if view == "all" {
        filter.source = q.source.as_deref().and_then(|s| Source::parse(s).ok()).map(|s| s.as_str().to_owned());
        match q.need.as_deref() {
            Some("overdue") => filter.overdue_on = Some(weizhili_core::clock::china_time(now).date_naive()),
            Some("unclaimed") => filter.unclaimed_since = Some(now - chrono::Duration::days(days)),
            Some("attention") => {
                filter.attention_since = Some(now - chrono::Duration::days(weizhili_core::wish::CONFIRM_WITHIN_DAYS));
            }
            _ => {}
        }
    }
    match view {
        "buildings" => {
            if let ListScope::Buildings(ids) = user.actor.list_scope(Action::ViewGrid) {
                filter.building_ids = Some(ids);
            }
        }
        "mine" => {
            let ids = user.actor.own_households();
            filter.household_ids = Some(ids);
        }
        "wall" => {
            filter.statuses = vec![WishStatus::Published];
            filter.wall_at = Some((now, Some(user.user.id)));
        }
        "claimed" => filter.claimed_by = Some(user.user.id),
        _ => {}
    }
    if let Some(s) = status
        && view != "wall"
    {
        filter.statuses = vec![s];
    }
    let found = store::list(&state.db, &filter).await?;
    let items = found
        .rows
        .iter()
        .map(|row| {
            let s = super::standing(&user, &row.wish, row.claim.as_ref().filter(|c| c.status == "active"));
            Item { view: WishView::build(row, s.involved) }
        })
        .collect();
    let tabs = views
        .iter()
        .map(|v| Tab { href: format!("/wishes?view={v}"), key: format!("wish-view-{v}"), current: *v == view })
        .collect();
    let statuses = if view == "wall" {
        vec![]
    } else {
        WishStatus::ALL
            .iter()
            .map(|s| Tab {
                href: format!("/wishes?view={view}&status={}", s.as_str()),
                key: format!("wish-status-{}", s.as_str()),
                current: status == Some(*s),
            })
            .collect()
    };
    let query = [
        ("view", view.to_owned()),
        ("status", q.status.clone().unwrap_or_default()),
        ("category", q.category.clone().unwrap_or_default()),
        ("building", q.building.clone().unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
        ("source", q.source.clone().unwrap_or_default()),
        ("need", q.need.clone().unwrap_or_default()),
        ("days", q.days.clone().unwrap_or_default()),
    ];
    let sources = Source::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().into(),
            label: c.t(&format!("wish-source-{}", s.as_str())),
            selected: filter.source.as_deref() == Some(s.as_str()),
        })
        .collect();
    let needs = NEEDS
        .iter()
        .map(|n| Choice {
            value: (*n).into(),
            label: c.t(&format!("wish-need-{n}")),
            selected: q.need.as_deref() == Some(*n),
        })
        .collect();
    let scope = match user.actor.list_scope(Action::ViewGrid) {
        ListScope::Households(_) | ListScope::Nothing => {
            ListScope::Communities(user.community_id().into_iter().collect())
        }
        other => other,
    };
    let buildings = grid_store::buildings(&state.db, &scope, user.community_id())
        .await?
        .into_iter()
        .map(|b| Choice { value: b.id.to_string(), selected: filter.building_id == Some(b.id), label: b.name })
        .collect();
    let categories = Category::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: c.t(&format!("wish-category-{}", k.as_str().replace('_', "-"))),
            selected: filter.category.as_deref() == Some(k.as_str()),
        })
        .collect();
    let pages = found.pages();
    let can_submit = user.actor.has_role(Role::Resident)
        || views.contains(&"all")
        || user.actor.grants.iter().any(|g| g.role == Role::BuildingHead);
    Ok(render(&ListPage {
        tabs,
        statuses,
        items,
        total: found.total,
        pager: Pager::new("/wishes", &query, found.page, pages),
        view: view.to_owned(),
        status: q.status.clone().unwrap_or_default(),
        search: q.q.clone().unwrap_or_default(),
        buildings,
        categories,
        sources,
        needs,
        days,
        can_submit,
        can_export: views.contains(&"all") && user.community_id().is_some(),
        wall_href: user.community_id().map(|id| format!("/wall/{id}")),
        c,
    }))
}

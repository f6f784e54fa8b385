//! Micro-wishes (微心愿) in the web layer: who may see and do what with a wish, the views (full for the people
//! involved, anonymised for the wall), and the actions shared by the pages and the API.

pub mod actions;
pub mod api;
pub mod claims;
mod list;
pub mod pages;
pub mod pairs;
pub mod photos;
pub mod poster;
pub mod wall;

use axum::Router;
use serde::Serialize;
use utoipa::ToSchema;
use weizhili_core::access::{Action, ListScope, Place};
use weizhili_core::wish::{WishStatus, wall_name};
use weizhili_store::wish::{self as store, Row, Wish};

use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(wall::routes())
        .merge(pairs::routes())
        .merge(photos::routes())
        .merge(poster::routes())
}

/// A wish changed status. Sent after the change is committed, to whoever listens: the wall's cache and the big
/// screens in the council hall. Nobody listening is fine; a slow listener misses events, never blocks a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WishEvent {
    pub community_id: i64,
    pub wish_id: i64,
    pub status: WishStatus,
}

/// Tells the listeners that wish `w` is now in `status`.
pub fn announce(state: &AppState, w: &Wish, status: WishStatus) {
    // An error only means that nobody listens right now.
    let _ = state.wish_events.send(WishEvent { community_id: w.community_id, wish_id: w.id, status });
}

/// Where a wish sits, for the permission policy.
pub fn place(w: &Wish) -> Place {
    Place { community_id: w.community_id, building_id: w.building_id, household_id: w.household_id }
}

/// How a user stands to a wish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Staff of the community: reviews, revokes, closes, confirms on the wisher's behalf.
    pub reviewer: bool,
    /// The wisher's household, or staff/building head who entered it (they see the wisher's name).
    pub involved: bool,
    /// Holds the active claim.
    pub claimant: bool,
    /// Fulfilled it (their claim completed): they still follow its story.
    pub helped: bool,
    /// May claim wishes here.
    pub helper: bool,
}

impl Standing {
    /// Follows the wish's story (notes, photos): the people involved, the claimant, the helper who fulfilled it.
    pub fn in_story(&self) -> bool {
        self.involved || self.claimant || self.helped
    }
}

pub fn standing(user: &CurrentUser, w: &Wish, claim: Option<&store::Claim>) -> Standing {
    let place = place(w);
    let reviewer = user.can(Action::ReviewWish, &Place::community(w.community_id));
    let household = user.actor.lives_in(w.household_id);
    let involved = reviewer || household || (w.household_id.is_some() && user.can(Action::ViewGrid, &place));
    Standing {
        reviewer,
        involved,
        claimant: claim.is_some_and(|c| c.user_id == user.user.id && c.status == "active"),
        helped: claim.is_some_and(|c| c.user_id == user.user.id && c.status == "completed"),
        helper: user.can(Action::ClaimWish, &place),
    }
}

/// A wish for the people involved with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WishView {
    pub id: i64,
    pub community_id: i64,
    pub building: Option<String>,
    pub title: String,
    pub description: String,
    /// daily_goods, repair, companionship, learning, health, transport, other.
    pub category: String,
    /// online, box, wall, visit.
    pub source: String,
    pub slip_no: Option<String>,
    /// submitted, published, rejected, claimed, fulfilled, confirmed, withdrawn, closed.
    pub status: String,
    pub anonymous: bool,
    pub priority: bool,
    pub proxy: bool,
    /// The wisher's name for those involved; surname + 某 for helpers.
    pub wisher: String,
    pub claimant: Option<String>,
    pub organisation: Option<String>,
    pub due_date: Option<chrono::NaiveDate>,
    pub reject_reason: Option<String>,
    pub satisfaction: Option<i32>,
    pub thanks: Option<String>,
    pub minutes: Option<i32>,
    /// Fulfilled without a photo: staff check it happened.
    pub needs_check: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub claimed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub fulfilled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub confirmed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl WishView {
    pub fn status_key(&self) -> String {
        format!("wish-status-{}", self.status)
    }

    pub fn category_key(&self) -> String {
        format!("wish-category-{}", self.category.replace('_', "-"))
    }

    pub fn source_key(&self) -> String {
        format!("wish-source-{}", self.source)
    }

    /// The rating as stars, for pages.
    pub fn stars(&self) -> String {
        "★".repeat(self.satisfaction.unwrap_or(0).clamp(0, 5) as usize)
    }

    pub fn build(row: &Row, involved: bool) -> WishView {
        let w = &row.wish;
        let full = row.wisher_name.clone().unwrap_or_default();
        WishView {
            id: w.id,
            community_id: w.community_id,
            building: row.building_name.clone(),
            title: w.title.clone(),
            description: w.description.clone(),
            category: w.category.clone(),
            source: w.source.clone(),
            slip_no: w.slip_no.clone().filter(|_| involved),
            status: w.status.clone(),
            anonymous: w.anonymous,
            priority: w.priority,
            proxy: w.proxy,
            wisher: if involved && !full.is_empty() { full } else { wall_name(&full, w.anonymous) },
            claimant: row.claimant_name.clone(),
            organisation: row.claim.as_ref().and_then(|c| c.organisation.clone()),
            due_date: w.due_date,
            reject_reason: w.reject_reason.clone().filter(|_| involved),
            satisfaction: w.satisfaction,
            thanks: w.thanks.clone(),
            minutes: w.minutes,
            needs_check: w.needs_check,
            created_at: w.created_at,
            published_at: w.published_at,
            claimed_at: w.claimed_at,
            fulfilled_at: w.fulfilled_at,
            confirmed_at: w.confirmed_at,
        }
    }
}

/// A wish on the public wall: building but not room, surname + 某 at most, never a phone.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WallItem {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub building: Option<String>,
    pub wisher: String,
    pub status: String,
    pub priority: bool,
    /// Who took it on (their display name, or their organisation).
    pub claimant: Option<String>,
    /// The wisher's thank-you, once confirmed (笑脸).
    pub thanks: Option<String>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What people put between the digits of one phone or room number: spaces and dashes ("138 0013 8000"), and the
/// words of an address ("18楼01", "18层01室", "2单元5层02").
const NUMBER_JOINERS: [char; 17] =
    [' ', '\u{3000}', '-', '－', '—', '–', '_', '#', '楼', '层', '号', '室', '单', '元', '栋', '幢', '座'];

/// Digits that could be a phone or a room number are hidden on the wall, whatever the wisher wrote: three or more
/// in a row, and short groups of digits that only joiners ([`NUMBER_JOINERS`], at most two at a time) hold
/// together into three or more ("18楼01" is room 1801). A lone short number stays ("3楼", "2个灯泡").
pub fn scrub_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut hide = vec![false; chars.len()];
    // Short runs held together so far; hidden when they add up to three digits or more.
    let mut group: Vec<std::ops::Range<usize>> = Vec::new();
    let flush = |group: &mut Vec<std::ops::Range<usize>>, hide: &mut [bool]| {
        if group.iter().map(ExactSizeIterator::len).sum::<usize>() >= 3 {
            group.iter().for_each(|run| hide[run.clone()].fill(true));
        }
        group.clear();
    };
    let mut at = 0;
    while at < chars.len() {
        if !is_digit(chars[at]) {
            at += 1;
            continue;
        }
        let run = at..chars[at..].iter().position(|c| !is_digit(*c)).map_or(chars.len(), |n| at + n);
        at = run.end;
        if run.len() >= 3 {
            flush(&mut group, &mut hide);
            hide[run].fill(true);
            continue;
        }
        let joined = group.last().is_some_and(|last| {
            let between = &chars[last.end..run.start];
            between.len() <= 2 && between.iter().all(|c| NUMBER_JOINERS.contains(c))
        });
        if !joined {
            flush(&mut group, &mut hide);
        }
        group.push(run);
    }
    flush(&mut group, &mut hide);
    chars.iter().zip(hide).map(|(c, hidden)| if hidden { '*' } else { *c }).collect()
}

/// Text for the wall: phone-like digits starred, and the wisher's name (whole, or the given name alone) replaced
/// by what the wall calls them, whatever the wisher wrote. Staff review each wish before it is published; this is
/// the second line of defence.
pub fn wall_text(text: &str, wisher: Option<&str>, anonymous: bool) -> String {
    let mut out = scrub_digits(text);
    if let Some(name) = wisher.map(str::trim).filter(|n| n.chars().count() >= 2) {
        let shown = wall_name(name, anonymous);
        out = out.replace(name, &shown);
        let given: String = name.chars().skip(1).collect();
        if given.chars().count() >= 2 {
            out = out.replace(&given, "某");
        }
    }
    out
}

impl WallItem {
    pub fn build(row: &Row) -> WallItem {
        let w = &row.wish;
        let wisher = row.wisher_name.as_deref();
        WallItem {
            id: w.id,
            title: wall_text(&w.title, wisher, w.anonymous),
            category: w.category.clone(),
            building: row.building_name.clone(),
            wisher: wall_name(row.wisher_name.as_deref().unwrap_or(""), w.anonymous),
            status: w.status.clone(),
            priority: w.priority,
            claimant: row
                .claim
                .as_ref()
                .and_then(|c| c.organisation.clone())
                .or_else(|| row.claimant_name.clone())
                .filter(|_| w.status != WishStatus::Published.as_str()),
            thanks: w
                .thanks
                .as_deref()
                .map(|t| wall_text(t, wisher, w.anonymous))
                .filter(|_| w.status == WishStatus::Confirmed.as_str()),
            published_at: w.published_at,
        }
    }
}

/// Whether the user is of the wisher's household.
pub fn is_wisher(user: &CurrentUser, w: &Wish) -> bool {
    user.actor.lives_in(w.household_id)
}

/// A wish this user may see, with its row and claim, or 404.
pub async fn visible(state: &AppState, user: &CurrentUser, id: i64) -> Result<(Row, Standing), AppError> {
    let w = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let row = store::decorate(&state.db, vec![w]).await?.pop().ok_or(AppError::NotFound)?;
    let s = standing(user, &row.wish, row.claim.as_ref());
    let status = WishStatus::parse(&row.wish.status).map_err(|_| AppError::NotFound)?;
    // Helpers of the community see what is on the wall; the people involved see everything.
    if !(s.in_story() || (s.helper && status.on_wall())) {
        return Err(AppError::NotFound);
    }
    Ok((row, s))
}

/// The list scope for wishes: which households or buildings a user's list covers.
pub fn list_scope(user: &CurrentUser) -> ListScope {
    user.actor.list_scope(Action::ViewGrid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wall_hides_phones_and_the_wishers_name() {
        assert_eq!(wall_text("请打13800138000找王秀英", Some("王秀英"), false), "请打***********找王某");
        assert_eq!(wall_text("我是秀英", Some("王秀英"), true), "我是某");
        assert_eq!(wall_text("3楼301，换2个灯泡", None, false), "3楼***，换2个灯泡");
        assert_eq!(scrub_digits("电话１３８００１３８０００"), "电话***********");
    }

    #[test]
    fn a_room_or_phone_split_into_short_groups_is_hidden_too() {
        for (typed, shown) in [
            ("住18楼01", "住**楼**"),
            ("18层01室", "**层**室"),
            ("1-1801", "1-****"),
            ("2单元5层02", "*单元*层**"),
            ("1 3 8 0 0 1 3 8 0 0 0", "* * * * * * * * * * *"),
            ("138－0013－8000", "***－****－****"),
        ] {
            assert_eq!(scrub_digits(typed), shown, "{typed}");
        }
        // A lone short number is no one's address; nor are short numbers apart.
        for kept in ["3楼楼道灯坏了", "2号楼3单元", "10点到12点", "买2斤鸡蛋和3斤苹果", "体温37.5度"]
        {
            assert_eq!(scrub_digits(kept), kept);
        }
    }
}

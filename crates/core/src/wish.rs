//! Micro-wishes (微心愿): the lifecycle of a wish and the small values it is made of.
//!
//! A resident's wish arrives online, from the wish box at the gate (心愿箱), the smiley wall (笑脸墙) or a home
//! visit (入户走访); staff publish or reject it; a helper claims it from the public wall and fulfils it; the wisher
//! confirms and thanks. [`transition`] is the one place that says which moves are allowed:
//!
//! | from        | action     | to          | who / why                                                  |
//! |-------------|------------|-------------|------------------------------------------------------------|
//! | `submitted` | `publish`  | `published` | staff put it on the wall                                   |
//! | `submitted` | `reject`   | `rejected`  | staff decline it (with a reason, kept by the store)        |
//! | `submitted` | `withdraw` | `withdrawn` | the wisher takes it back before review                     |
//! | `published` | `claim`    | `claimed`   | a helper takes it on                                       |
//! | `published` | `withdraw` | `withdrawn` | the wisher takes it back before anyone claims              |
//! | `claimed`   | `release`  | `published` | the claimant gives it back                                 |
//! | `claimed`   | `revoke`   | `published` | staff take it back from the claimant                       |
//! | `claimed`   | `lapse`    | `published` | no first contact in time (see [`lapse_due`])               |
//! | `claimed`   | `fulfil`   | `fulfilled` | the claimant has done it                                   |
//! | `fulfilled` | `confirm`  | `confirmed` | the wisher confirms (and may rate and thank)               |
//! | `fulfilled` | `close`    | `closed`    | staff close it, never confirmed, after 14 days ([`closable`]) |
//!
//! Every other pair is refused with a [`WishError`] whose [`WishError::code`] says why (see [`transition`] for
//! which code each refusal gets). Who may take an action is `access`'s business; when a deadline has passed is
//! [`lapse_due`]'s and [`closable`]'s. This module does no I/O and reads no clock: callers pass `now` in.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::grid::normalize_text;

/// Why a wish action or a piece of wish input was refused. [`WishError::code`] is the stable key the web layer
/// localises by; the `Display` text is a plain Chinese fallback. The lifecycle refusals carry the status the wish
/// was in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WishError {
    /// The action needs a published wish (claim; withdraw once claimed).
    #[error("这个心愿现在不是待认领状态（{}）", .0.zh())]
    NotPublished(WishStatus),
    /// Someone else has already claimed the wish.
    #[error("这个心愿已经有人认领了")]
    AlreadyClaimed,
    /// The action needs a claimed wish (release, revoke, lapse, fulfil).
    #[error("这个心愿现在不是已认领状态（{}）", .0.zh())]
    NotClaimed(WishStatus),
    /// The action needs a wish waiting for review (publish, reject).
    #[error("这个心愿已经审核过了（{}）", .0.zh())]
    NotSubmitted(WishStatus),
    /// The action needs a fulfilled wish (confirm, close).
    #[error("这个心愿还没有实现（{}）", .0.zh())]
    NotFulfilled(WishStatus),
    /// The wish is rejected, confirmed, withdrawn or closed: nothing more can happen to it.
    #[error("这个心愿已经结束了（{}）", .0.zh())]
    Finished(WishStatus),
    /// A title that is shorter than 2 or longer than 40 characters, or holds control characters.
    #[error("心愿标题要有 2 到 40 个字")]
    BadTitle,
    /// A description longer than 1000 characters, or holding control characters other than line breaks and tabs.
    #[error("心愿描述最多 1000 个字")]
    BadDescription,
    /// Not a rating from 1 to 5; carries the input as given.
    #[error("满意度要在 1 到 5 之间（{0}）")]
    BadSatisfaction(String),
    /// Not one of the status codes; carries the input as given.
    #[error("不认识的心愿状态（{0}）")]
    BadStatus(String),
    /// Not one of the action codes; carries the input as given.
    #[error("不认识的心愿操作（{0}）")]
    BadAction(String),
    /// Not one of the category codes; carries the input as given.
    #[error("不认识的心愿类别（{0}）")]
    BadCategory(String),
    /// Not one of the source codes; carries the input as given.
    #[error("不认识的心愿来源（{0}）")]
    BadSource(String),
    /// The wish is offered to the wisher's paired helper (帮扶对子) for now; others may claim it afterwards.
    #[error("这个心愿正先请结对的志愿者认领")]
    OfferedToHelper,
    /// Staff may close a fulfilled wish only once the wisher had [`CONFIRM_WITHIN_DAYS`] to confirm.
    #[error("心愿实现后满 14 天仍未确认，才能关闭")]
    NotClosableYet,
}

impl WishError {
    /// Stable snake_case code, the key of the localised message.
    pub fn code(&self) -> &'static str {
        match self {
            WishError::NotPublished(_) => "wish_not_published",
            WishError::AlreadyClaimed => "wish_already_claimed",
            WishError::NotClaimed(_) => "wish_not_claimed",
            WishError::NotSubmitted(_) => "wish_not_submitted",
            WishError::NotFulfilled(_) => "wish_not_fulfilled",
            WishError::Finished(_) => "wish_finished",
            WishError::BadTitle => "bad_wish_title",
            WishError::BadDescription => "bad_wish_description",
            WishError::BadSatisfaction(_) => "bad_satisfaction",
            WishError::BadStatus(_) => "bad_wish_status",
            WishError::BadAction(_) => "bad_wish_action",
            WishError::BadCategory(_) => "bad_wish_category",
            WishError::BadSource(_) => "bad_wish_source",
            WishError::OfferedToHelper => "wish_offered_to_helper",
            WishError::NotClosableYet => "wish_not_closable_yet",
        }
    }
}

/// Finds the value among `all` whose code matches `input` (normalised, case-insensitive).
fn parse_code<T: Copy>(all: &[T], as_str: fn(T) -> &'static str, input: &str) -> Option<T> {
    let code = normalize_text(input);
    all.iter().copied().find(|value| as_str(*value).eq_ignore_ascii_case(&code))
}

// ---------------------------------------------------------------------------------------------------------------
// Status and action

/// Where a wish is in its life. `rejected`, `confirmed`, `withdrawn` and `closed` are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WishStatus {
    /// Waiting for staff to review it (待审核).
    Submitted,
    /// On the wall, waiting for a helper (待认领).
    Published,
    /// Declined by staff (未通过). Final.
    Rejected,
    /// A helper has taken it on (已认领).
    Claimed,
    /// The helper has done it; waiting for the wisher to confirm (已实现).
    Fulfilled,
    /// The wisher confirmed (已确认). Final.
    Confirmed,
    /// The wisher took it back (已撤回). Final.
    Withdrawn,
    /// Closed by staff after the wisher did not confirm in time (已关闭). Final.
    Closed,
}

impl WishStatus {
    pub const ALL: [WishStatus; 8] = [
        WishStatus::Submitted,
        WishStatus::Published,
        WishStatus::Rejected,
        WishStatus::Claimed,
        WishStatus::Fulfilled,
        WishStatus::Confirmed,
        WishStatus::Withdrawn,
        WishStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WishStatus::Submitted => "submitted",
            WishStatus::Published => "published",
            WishStatus::Rejected => "rejected",
            WishStatus::Claimed => "claimed",
            WishStatus::Fulfilled => "fulfilled",
            WishStatus::Confirmed => "confirmed",
            WishStatus::Withdrawn => "withdrawn",
            WishStatus::Closed => "closed",
        }
    }

    /// Parses a code (`submitted`, …), case-insensitive.
    pub fn parse(code: &str) -> Result<WishStatus, WishError> {
        parse_code(&WishStatus::ALL, WishStatus::as_str, code)
            .ok_or_else(|| WishError::BadStatus(code.trim().to_owned()))
    }

    /// The Chinese label shown in the UI.
    pub fn zh(self) -> &'static str {
        match self {
            WishStatus::Submitted => "待审核",
            WishStatus::Published => "待认领",
            WishStatus::Rejected => "未通过",
            WishStatus::Claimed => "已认领",
            WishStatus::Fulfilled => "已实现",
            WishStatus::Confirmed => "已确认",
            WishStatus::Withdrawn => "已撤回",
            WishStatus::Closed => "已关闭",
        }
    }

    /// Whether something can still happen to the wish (it is not rejected, confirmed, withdrawn or closed).
    pub fn is_open(self) -> bool {
        !matches!(self, WishStatus::Rejected | WishStatus::Confirmed | WishStatus::Withdrawn | WishStatus::Closed)
    }

    /// Whether the public wall shows the wish: published, claimed, fulfilled and confirmed ones are; wishes under
    /// review, rejected, withdrawn or closed never are.
    pub fn on_wall(self) -> bool {
        matches!(self, WishStatus::Published | WishStatus::Claimed | WishStatus::Fulfilled | WishStatus::Confirmed)
    }

    /// The actions [`transition`] allows from this status, in [`WishAction::ALL`] order (for the buttons a page
    /// offers; whether the user may press them is `access`'s question).
    pub fn allowed_actions(self) -> impl Iterator<Item = WishAction> {
        WishAction::ALL.into_iter().filter(move |action| transition(self, *action).is_ok())
    }
}

/// Something done to a wish that may change its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WishAction {
    /// Staff put a submitted wish on the wall.
    Publish,
    /// Staff decline a submitted wish.
    Reject,
    /// A helper takes on a published wish.
    Claim,
    /// The claimant gives the wish back.
    Release,
    /// Staff take the wish back from the claimant.
    Revoke,
    /// The claimant made no first contact in time (see [`lapse_due`]).
    Lapse,
    /// The claimant has done it.
    Fulfil,
    /// The wisher confirms a fulfilled wish.
    Confirm,
    /// The wisher takes the wish back, before anyone claims it.
    Withdraw,
    /// Staff close a fulfilled wish the wisher never confirmed (see [`closable`]).
    Close,
}

impl WishAction {
    pub const ALL: [WishAction; 10] = [
        WishAction::Publish,
        WishAction::Reject,
        WishAction::Claim,
        WishAction::Release,
        WishAction::Revoke,
        WishAction::Lapse,
        WishAction::Fulfil,
        WishAction::Confirm,
        WishAction::Withdraw,
        WishAction::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WishAction::Publish => "publish",
            WishAction::Reject => "reject",
            WishAction::Claim => "claim",
            WishAction::Release => "release",
            WishAction::Revoke => "revoke",
            WishAction::Lapse => "lapse",
            WishAction::Fulfil => "fulfil",
            WishAction::Confirm => "confirm",
            WishAction::Withdraw => "withdraw",
            WishAction::Close => "close",
        }
    }

    /// Parses a code (`publish`, …), case-insensitive.
    pub fn parse(code: &str) -> Result<WishAction, WishError> {
        parse_code(&WishAction::ALL, WishAction::as_str, code)
            .ok_or_else(|| WishError::BadAction(code.trim().to_owned()))
    }

    /// The Chinese label shown in the UI (a button, a line of the wish's story).
    pub fn zh(self) -> &'static str {
        match self {
            WishAction::Publish => "发布",
            WishAction::Reject => "不予通过",
            WishAction::Claim => "认领",
            WishAction::Release => "放弃认领",
            WishAction::Revoke => "收回认领",
            WishAction::Lapse => "超时未联系",
            WishAction::Fulfil => "实现",
            WishAction::Confirm => "确认",
            WishAction::Withdraw => "撤回",
            WishAction::Close => "关闭",
        }
    }
}

/// The status a wish moves to when `action` is taken in status `from`, or why it may not be taken.
///
/// The allowed moves are the table in the module docs. A refusal's code is chosen by this rule, first match wins:
/// 1. `from` is final (rejected, confirmed, withdrawn, closed): `wish_finished`, whatever the action; the useful
///    news is that the wish is over, not which status the action would have needed.
/// 2. `claim` on a claimed wish: `wish_already_claimed` (the usual case: two helpers race for one wish).
/// 3. Otherwise the code names the status the action needs: `publish`/`reject` → `wish_not_submitted`;
///    `claim` → `wish_not_published`; `release`/`revoke`/`lapse`/`fulfil` → `wish_not_claimed`;
///    `confirm`/`close` → `wish_not_fulfilled`; `withdraw` (allowed while submitted or published) →
///    `wish_not_published`, since a wish can only be withdrawn before it is claimed.
pub fn transition(from: WishStatus, action: WishAction) -> Result<WishStatus, WishError> {
    use WishAction as A;
    use WishStatus as S;
    match (from, action) {
        (S::Submitted, A::Publish) => Ok(S::Published),
        (S::Submitted, A::Reject) => Ok(S::Rejected),
        (S::Submitted | S::Published, A::Withdraw) => Ok(S::Withdrawn),
        (S::Published, A::Claim) => Ok(S::Claimed),
        (S::Claimed, A::Release | A::Revoke | A::Lapse) => Ok(S::Published),
        (S::Claimed, A::Fulfil) => Ok(S::Fulfilled),
        (S::Fulfilled, A::Confirm) => Ok(S::Confirmed),
        (S::Fulfilled, A::Close) => Ok(S::Closed),
        (from, _) if !from.is_open() => Err(WishError::Finished(from)),
        (S::Claimed, A::Claim) => Err(WishError::AlreadyClaimed),
        (from, A::Publish | A::Reject) => Err(WishError::NotSubmitted(from)),
        (from, A::Claim | A::Withdraw) => Err(WishError::NotPublished(from)),
        (from, A::Release | A::Revoke | A::Lapse | A::Fulfil) => Err(WishError::NotClaimed(from)),
        (from, A::Confirm | A::Close) => Err(WishError::NotFulfilled(from)),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Category and source

/// What kind of help a wish asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    DailyGoods,
    Repair,
    Companionship,
    Learning,
    Health,
    Transport,
    Other,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::DailyGoods,
        Category::Repair,
        Category::Companionship,
        Category::Learning,
        Category::Health,
        Category::Transport,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::DailyGoods => "daily_goods",
            Category::Repair => "repair",
            Category::Companionship => "companionship",
            Category::Learning => "learning",
            Category::Health => "health",
            Category::Transport => "transport",
            Category::Other => "other",
        }
    }

    /// Parses a code (`daily_goods`, …), case-insensitive.
    pub fn parse(code: &str) -> Result<Category, WishError> {
        parse_code(&Category::ALL, Category::as_str, code).ok_or_else(|| WishError::BadCategory(code.trim().to_owned()))
    }

    /// The Chinese label shown in the UI.
    pub fn zh(self) -> &'static str {
        match self {
            Category::DailyGoods => "生活物资",
            Category::Repair => "维修",
            Category::Companionship => "陪伴",
            Category::Learning => "学习",
            Category::Health => "健康",
            Category::Transport => "出行",
            Category::Other => "其他",
        }
    }
}

/// How a wish reached the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Submitted on the site by the resident.
    Online,
    /// A paper slip from the wish box at the gate (心愿箱).
    Box,
    /// A card pinned to the smiley wall (笑脸墙).
    Wall,
    /// Heard on a home visit (入户走访).
    Visit,
}

impl Source {
    pub const ALL: [Source; 4] = [Source::Online, Source::Box, Source::Wall, Source::Visit];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Online => "online",
            Source::Box => "box",
            Source::Wall => "wall",
            Source::Visit => "visit",
        }
    }

    /// Parses a code (`online`, …), case-insensitive.
    pub fn parse(code: &str) -> Result<Source, WishError> {
        parse_code(&Source::ALL, Source::as_str, code).ok_or_else(|| WishError::BadSource(code.trim().to_owned()))
    }

    /// The Chinese label shown in the UI.
    pub fn zh(self) -> &'static str {
        match self {
            Source::Online => "网上提交",
            Source::Box => "心愿箱",
            Source::Wall => "笑脸墙",
            Source::Visit => "入户走访",
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Title, description, satisfaction

/// A wish's title: normalised with [`normalize_text`] (trimmed, whitespace collapsed, full-width ASCII made
/// ASCII), 2–40 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WishTitle(String);

impl WishTitle {
    pub const MIN_CHARS: usize = 2;
    pub const MAX_CHARS: usize = 40;

    pub fn parse(input: &str) -> Result<WishTitle, WishError> {
        let title = normalize_text(input);
        let len = title.chars().count();
        if (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&len) && !title.chars().any(char::is_control) {
            Ok(WishTitle(title))
        } else {
            Err(WishError::BadTitle)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WishTitle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for WishTitle {
    type Error = WishError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        WishTitle::parse(&value)
    }
}

impl From<WishTitle> for String {
    fn from(value: WishTitle) -> Self {
        value.0
    }
}

/// A wish's description: line endings made `\n`, trimmed at both ends, 0–1000 characters. Line breaks and tabs
/// are kept; other control characters are refused. Unlike a title, the text is otherwise kept as written
/// (full-width punctuation is ordinary Chinese writing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WishText(String);

impl WishText {
    pub const MAX_CHARS: usize = 1000;

    pub fn parse(input: &str) -> Result<WishText, WishError> {
        let text = input.replace("\r\n", "\n").replace('\r', "\n");
        let text = text.trim();
        let ok =
            text.chars().count() <= Self::MAX_CHARS && !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
        if ok { Ok(WishText(text.to_owned())) } else { Err(WishError::BadDescription) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for WishText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for WishText {
    type Error = WishError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        WishText::parse(&value)
    }
}

impl From<WishText> for String {
    fn from(value: WishText) -> Self {
        value.0
    }
}

/// How satisfied the wisher is with a fulfilled wish, 1 (not at all) to 5 (very).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Satisfaction(u8);

impl Satisfaction {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    pub fn new(value: u8) -> Result<Satisfaction, WishError> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Satisfaction(value))
        } else {
            Err(WishError::BadSatisfaction(value.to_string()))
        }
    }

    /// Parses a form value ("4", "４", " 4 ").
    pub fn parse(input: &str) -> Result<Satisfaction, WishError> {
        let bad = || WishError::BadSatisfaction(input.trim().to_owned());
        let value: u8 = normalize_text(input).parse().map_err(|_| bad())?;
        Satisfaction::new(value).map_err(|_| bad())
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Satisfaction {
    type Error = WishError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Satisfaction::new(value)
    }
}

impl From<Satisfaction> for u8 {
    fn from(value: Satisfaction) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The wisher's name on the wall

/// What the wall shows for an anonymous wisher, or one whose name is unknown.
pub const ANONYMOUS_WALL_NAME: &str = "某居民";

/// Two-character surnames recognised by [`wall_name`].
const COMPOUND_SURNAMES: [&str; 10] = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐"];

/// What the public wall shows for a wisher: [`ANONYMOUS_WALL_NAME`] when `anonymous` or the name is blank,
/// otherwise the surname + "某" (张三 → 张某, 欧阳娜娜 → 欧阳某). Never the full name.
///
/// Whitespace inside the name is ignored. A two-character surname is recognised only in names of four or more
/// characters: 欧阳娜 may as well be 欧 + 阳娜, and 欧阳某 would show two of its three characters.
pub fn wall_name(full_name: &str, anonymous: bool) -> String {
    if anonymous {
        return ANONYMOUS_WALL_NAME.to_owned();
    }
    let name: String = full_name.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let Some(first) = name.chars().next() else {
        return ANONYMOUS_WALL_NAME.to_owned();
    };
    if name.chars().count() >= 4
        && let Some(surname) = COMPOUND_SURNAMES.iter().find(|surname| name.starts_with(*surname))
    {
        return format!("{surname}某");
    }
    format!("{first}某")
}

mod deadlines;
pub use deadlines::*;

#[cfg(test)]
mod tests;

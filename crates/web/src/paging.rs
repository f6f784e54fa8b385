//! Paging for every list, pages and API alike: `?page=` and `?per_page=` are read once, into a [`Paging`] that
//! cannot be out of range, and a page's links around it are a [`Pager`] (`templates/pager.html`). This module
//! owns the rule below; it must not know what a list holds, nor query anything.
//!
//! The rule (README, "API"), chosen so that no value can fail a request:
//! - a whole number is clamped: `page` to 1..=[`MAX_PAGE`], `per_page` to 1..=the list's largest size. Zero and
//!   negative numbers mean the first page or one row; numbers too large for any integer type
//!   (`18446744073709551616`) the deepest page or the largest size;
//! - anything else (empty, `abc`, `2e17`, `1.5`) means the default: page 1, the list's usual size;
//! - a page past the end is an empty list; on a page, a notice says so and links back to the first page.
//!
//! The API answers with the `page` and `per_page` it used, so a client sees any clamping. Not a 400: a stale or
//! hand-edited link should still open the list (GitHub's API and most web lists do the same), and one rule for
//! pages and API is one rule to learn. The bounds keep `OFFSET` at most [`MAX_PAGE`] × 200 rows: far from any
//! integer's limit (the store saturates anyway), and a limit on how many rows one request can make a database
//! skip.

use serde::Deserialize;
use utoipa::IntoParams;

/// The deepest page any list serves. Deeper, the list is better narrowed by its filters.
pub const MAX_PAGE: u32 = 10_000;

/// How many rows a list's page holds: its usual size, and the most a client may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    default: u32,
    min: u32,
    max: u32,
}

impl Size {
    /// `default` rows a page; a client may ask for 1..=`max`.
    pub const fn up_to(default: u32, max: u32) -> Size {
        assert!(1 <= default && default <= max, "a page size is at least 1 and at most the largest");
        Size { default, min: 1, max }
    }

    /// Always `n` rows a page: what pages use, whose links never carry a size.
    pub const fn fixed(n: u32) -> Size {
        assert!(n >= 1, "a page holds at least one row");
        Size { default: n, min: n, max: n }
    }
}

/// `?page=&per_page=` as sent: text, so that no value can refuse the request; [`PageQuery::paging`] reads it.
/// Extracted beside a list's own query (`Query<PageQuery>`), which then has no `page` of its own.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page, from 1. Numbers out of range are clamped (to 1..=10000), anything else means 1; past the last
    /// page the list is empty.
    #[param(value_type = Option<u64>, minimum = 1)]
    pub page: Option<String>,
    /// Rows a page: numbers are clamped to 1..=the list's largest size (200; notifications 100), anything else
    /// means the list's default.
    #[param(value_type = Option<u64>, minimum = 1)]
    pub per_page: Option<String>,
}

impl PageQuery {
    pub fn paging(&self, size: Size) -> Paging {
        Paging::read(self.page.as_deref(), self.per_page.as_deref(), size)
    }
}

/// A page of a list: `page` in 1..=[`MAX_PAGE`], `per_page` in 1..=the list's largest size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    page: u32,
    per_page: u32,
}

impl Paging {
    /// Reads `?page=` and `?per_page=` by the rule in the module's documentation.
    pub fn read(page: Option<&str>, per_page: Option<&str>, size: Size) -> Paging {
        Paging { page: clamped(page, 1, 1, MAX_PAGE), per_page: clamped(per_page, size.default, size.min, size.max) }
    }

    /// The first page, `size`'s usual number of rows.
    pub fn first(size: Size) -> Paging {
        Paging { page: 1, per_page: size.default }
    }

    pub fn page(self) -> u64 {
        u64::from(self.page)
    }

    pub fn per_page(self) -> u64 {
        u64::from(self.per_page)
    }
}

/// A whole number clamped to `min..=max`; `default` for anything else.
fn clamped(raw: Option<&str>, default: u32, min: u32, max: u32) -> u32 {
    let Some(raw) = raw.map(str::trim) else { return default };
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return default;
    }
    if negative {
        return min;
    }
    // Only digits, so the only way to fail is too many of them: larger than any maximum.
    digits.parse::<u64>().map_or(max, |n| u32::try_from(n.clamp(u64::from(min), u64::from(max))).unwrap_or(max))
}

/// The links around one page of a list, for `templates/pager.html` (and the wall's own labels).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    pub page: u64,
    /// How many pages the list has; `None` where the list is not counted (the wall).
    pub pages: Option<u64>,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Past the last page: the link back to the first, shown with a notice instead of the rows.
    pub back: Option<String>,
}

impl Pager {
    /// Page `page` of `pages` at `base`; `query` holds the list's other parameters, kept in every link.
    pub fn new(base: &str, query: &[(&str, String)], page: u64, pages: u64) -> Pager {
        let link = |n| with_page(base, query, n);
        if page > pages {
            return Pager { page, pages: Some(pages), prev: None, next: None, back: Some(link(1)) };
        }
        Pager {
            page,
            pages: Some(pages),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
            back: None,
        }
    }

    /// A list that is not counted: whether there is a next page is all it knows, and a later page without rows
    /// is past the end.
    pub fn uncounted(base: &str, page: u64, has_next: bool, empty: bool) -> Pager {
        let link = |n| with_page(base, &[], n);
        if page > 1 && empty {
            return Pager { page, pages: None, prev: None, next: None, back: Some(link(1)) };
        }
        Pager {
            page,
            pages: None,
            prev: (page > 1).then(|| link(page - 1)),
            next: has_next.then(|| link(page + 1)),
            back: None,
        }
    }

    /// Whether the page lies past the end of the list.
    pub fn past_end(&self) -> bool {
        self.back.is_some()
    }
}

/// A link to the same list at page `page`, with the list's other non-empty parameters; the first page has no
/// `page` parameter, so its address is the list's own.
pub fn with_page(base: &str, query: &[(&str, String)], page: u64) -> String {
    let mut pairs: Vec<(&str, String)> = query.iter().filter(|(k, v)| *k != "page" && !v.is_empty()).cloned().collect();
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    let q = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if q.is_empty() { base.to_owned() } else { format!("{base}?{q}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: Size = Size::up_to(50, 200);

    fn read(page: &str, per_page: &str) -> (u64, u64) {
        let p = Paging::read(Some(page), Some(per_page), SIZE);
        (p.page(), p.per_page())
    }

    #[test]
    fn whole_numbers_are_clamped_into_range() {
        assert_eq!(read("3", "20"), (3, 20));
        assert_eq!(read(" 7 ", "+20"), (7, 20), "spaces and a plus sign are fine");
        assert_eq!(read("0", "0"), (1, 1));
        assert_eq!(read("-1", "-1"), (1, 1));
        assert_eq!(read("-9223372036854775808", "-99999999999999999999999"), (1, 1));
        assert_eq!(read("10000", "200"), (10_000, 200));
        assert_eq!(read("10001", "201"), (u64::from(MAX_PAGE), 200));
        for huge in ["4294967296", "9223372036854775807", "18446744073709551616", "1".repeat(400).as_str()] {
            assert_eq!(read(huge, huge), (u64::from(MAX_PAGE), 200), "{huge}");
        }
    }

    #[test]
    fn anything_else_is_the_default() {
        for junk in ["", " ", "abc", "2e17", "1e400", "1.5", "-", "+", "--1", "0x10", "１"] {
            assert_eq!(read(junk, junk), (1, 50), "{junk:?}");
        }
        let none = Paging::read(None, None, SIZE);
        assert_eq!(none, Paging::first(SIZE));
        assert_eq!((none.page(), none.per_page()), (1, 50));
    }

    #[test]
    fn a_fixed_size_ignores_the_size_asked_for() {
        for asked in ["1", "500", "abc", "-1"] {
            assert_eq!(Paging::read(Some("2"), Some(asked), Size::fixed(20)).per_page(), 20);
        }
    }

    #[test]
    fn the_deepest_offset_is_far_from_any_limit() {
        let deepest = Paging::read(Some("99999999999999999999"), Some("99999"), SIZE);
        assert_eq!((deepest.page() - 1) * deepest.per_page(), 1_999_800);
    }

    #[test]
    fn links_keep_the_filters_and_the_first_page_has_no_number() {
        let query = [("q", "王".to_owned()), ("tag", String::new()), ("page", "9".to_owned())];
        assert_eq!(with_page("/residents", &query, 1), "/residents?q=%E7%8E%8B");
        assert_eq!(with_page("/residents", &query, 3), "/residents?q=%E7%8E%8B&page=3");
        assert_eq!(with_page("/residents", &[], 1), "/residents");
    }

    #[test]
    fn a_pager_in_range_links_both_ways() {
        let p = Pager::new("/audit", &[], 2, 3);
        assert_eq!((p.prev.as_deref(), p.next.as_deref()), (Some("/audit"), Some("/audit?page=3")));
        assert!(!p.past_end());
        let last = Pager::new("/audit", &[], 3, 3);
        assert_eq!(last.next, None);
        let only = Pager::new("/audit", &[], 1, 1);
        assert_eq!((only.prev, only.next, only.back), (None, None, None));
    }

    #[test]
    fn a_pager_past_the_end_links_back_to_the_first_page_only() {
        let p = Pager::new("/residents", &[("q", "王".to_owned())], 10_000, 3);
        assert!(p.past_end());
        assert_eq!((p.prev, p.next, p.back.as_deref()), (None, None, Some("/residents?q=%E7%8E%8B")));
        let wall = Pager::uncounted("/wall/1", 1000, false, true);
        assert_eq!((wall.prev, wall.next, wall.back.as_deref()), (None, None, Some("/wall/1")));
        let empty_wall = Pager::uncounted("/wall/1", 1, false, true);
        assert!(!empty_wall.past_end(), "an empty first page is an empty list, not past its end");
        let second = Pager::uncounted("/wall/1", 2, true, false);
        assert_eq!((second.prev.as_deref(), second.next.as_deref()), (Some("/wall/1"), Some("/wall/1?page=3")));
    }
}

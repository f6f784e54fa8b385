//! Tests of the parent module.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde::de::IntoDeserializer;
use serde::de::value::Error as DeError;

use WishAction as A;
use WishStatus as S;

fn moves(from: WishStatus, action: WishAction, to: WishStatus) {
    assert_eq!(transition(from, action), Ok(to), "{} --{}-->", from.as_str(), action.as_str());
}

#[test]
fn submitted_publish_is_published() {
    moves(S::Submitted, A::Publish, S::Published);
}

#[test]
fn submitted_reject_is_rejected() {
    moves(S::Submitted, A::Reject, S::Rejected);
}

#[test]
fn submitted_withdraw_is_withdrawn() {
    moves(S::Submitted, A::Withdraw, S::Withdrawn);
}

#[test]
fn published_claim_is_claimed() {
    moves(S::Published, A::Claim, S::Claimed);
}

#[test]
fn published_withdraw_is_withdrawn() {
    moves(S::Published, A::Withdraw, S::Withdrawn);
}

#[test]
fn claimed_release_is_published_again() {
    moves(S::Claimed, A::Release, S::Published);
}

#[test]
fn claimed_revoke_is_published_again() {
    moves(S::Claimed, A::Revoke, S::Published);
}

#[test]
fn claimed_lapse_is_published_again() {
    moves(S::Claimed, A::Lapse, S::Published);
}

#[test]
fn claimed_fulfil_is_fulfilled() {
    moves(S::Claimed, A::Fulfil, S::Fulfilled);
}

#[test]
fn fulfilled_confirm_is_confirmed() {
    moves(S::Fulfilled, A::Confirm, S::Confirmed);
}

#[test]
fn fulfilled_close_is_closed() {
    moves(S::Fulfilled, A::Close, S::Closed);
}

/// Every (status, action) pair, written out: the expected new status, or the expected refusal code.
#[test]
fn every_pair_of_the_cross_product_moves_or_is_refused_with_its_code() {
    const NSUB: &str = "wish_not_submitted";
    const NPUB: &str = "wish_not_published";
    const TAKEN: &str = "wish_already_claimed";
    const NCLM: &str = "wish_not_claimed";
    const NFUL: &str = "wish_not_fulfilled";
    const FIN: &str = "wish_finished";
    type E = Result<WishStatus, &'static str>;
    // Columns in WishAction::ALL order:
    // publish, reject, claim, release, revoke, lapse, fulfil, confirm, withdraw, close
    let table: [(WishStatus, [E; 10]); 8] = [
        (
            S::Submitted,
            [
                Ok(S::Published),
                Ok(S::Rejected),
                Err(NPUB),
                Err(NCLM),
                Err(NCLM),
                Err(NCLM),
                Err(NCLM),
                Err(NFUL),
                Ok(S::Withdrawn),
                Err(NFUL),
            ],
        ),
        (
            S::Published,
            [
                Err(NSUB),
                Err(NSUB),
                Ok(S::Claimed),
                Err(NCLM),
                Err(NCLM),
                Err(NCLM),
                Err(NCLM),
                Err(NFUL),
                Ok(S::Withdrawn),
                Err(NFUL),
            ],
        ),
        (S::Rejected, [Err(FIN); 10]),
        (
            S::Claimed,
            [
                Err(NSUB),
                Err(NSUB),
                Err(TAKEN),
                Ok(S::Published),
                Ok(S::Published),
                Ok(S::Published),
                Ok(S::Fulfilled),
                Err(NFUL),
                Err(NPUB),
                Err(NFUL),
            ],
        ),
        (
            S::Fulfilled,
            [
                Err(NSUB),
                Err(NSUB),
                Err(NPUB),
                Err(NCLM),
                Err(NCLM),
                Err(NCLM),
                Err(NCLM),
                Ok(S::Confirmed),
                Err(NPUB),
                Ok(S::Closed),
            ],
        ),
        (S::Confirmed, [Err(FIN); 10]),
        (S::Withdrawn, [Err(FIN); 10]),
        (S::Closed, [Err(FIN); 10]),
    ];
    assert_eq!(table.map(|(status, _)| status), WishStatus::ALL, "one row per status, in ALL order");

    let (mut allowed, mut refused) = (0, 0);
    for (from, row) in table {
        for (action, expected) in WishAction::ALL.into_iter().zip(row) {
            let got = transition(from, action);
            let pair = format!("{} --{}-->", from.as_str(), action.as_str());
            match expected {
                Ok(to) => {
                    assert_eq!(got, Ok(to), "{pair}");
                    allowed += 1;
                }
                Err(code) => {
                    let err = got.unwrap_err();
                    assert_eq!(err.code(), code, "{pair}");
                    // The refusal names the status the wish was in (except the claim race, which needs none).
                    if err != WishError::AlreadyClaimed {
                        assert!(err.to_string().contains(from.zh()), "{pair}: {err}");
                    }
                    refused += 1;
                }
            }
        }
    }
    assert_eq!((allowed, refused), (11, 69));
}

#[test]
fn allowed_actions_are_the_allowed_moves() {
    let of = |status: WishStatus| status.allowed_actions().collect::<Vec<_>>();
    assert_eq!(of(S::Submitted), [A::Publish, A::Reject, A::Withdraw]);
    assert_eq!(of(S::Published), [A::Claim, A::Withdraw]);
    assert_eq!(of(S::Claimed), [A::Release, A::Revoke, A::Lapse, A::Fulfil]);
    assert_eq!(of(S::Fulfilled), [A::Confirm, A::Close]);
    for status in [S::Rejected, S::Confirmed, S::Withdrawn, S::Closed] {
        assert!(of(status).is_empty(), "{}", status.as_str());
    }
}

#[test]
fn open_and_wall_statuses() {
    let open: Vec<_> = WishStatus::ALL.into_iter().filter(|s| s.is_open()).collect();
    assert_eq!(open, [S::Submitted, S::Published, S::Claimed, S::Fulfilled]);
    let wall: Vec<_> = WishStatus::ALL.into_iter().filter(|s| s.on_wall()).collect();
    assert_eq!(wall, [S::Published, S::Claimed, S::Fulfilled, S::Confirmed]);
    // A final status allows nothing; an open one allows something.
    for status in WishStatus::ALL {
        assert_eq!(status.allowed_actions().next().is_some(), status.is_open(), "{}", status.as_str());
    }
}

/// `as_str` codes, `parse`, and serde's snake_case names all agree.
fn round_trips<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Result<T, WishError>, codes: &[&str])
where
    T: Copy + PartialEq + fmt::Debug + for<'de> Deserialize<'de>,
{
    let got: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
    assert_eq!(got, codes);
    for value in all.iter().copied() {
        let code = as_str(value);
        assert_eq!(parse(code).unwrap(), value);
        assert_eq!(parse(&format!(" {} ", code.to_uppercase())).unwrap(), value);
        let de: T = T::deserialize(IntoDeserializer::<DeError>::into_deserializer(code)).unwrap();
        assert_eq!(de, value, "serde name of {code}");
    }
    assert!(parse("").is_err());
    assert!(parse("nonsense").is_err());
}

#[test]
fn status_codes_round_trip() {
    let codes = ["submitted", "published", "rejected", "claimed", "fulfilled", "confirmed", "withdrawn", "closed"];
    round_trips(&WishStatus::ALL, WishStatus::as_str, WishStatus::parse, &codes);
    assert_eq!(WishStatus::parse("done").unwrap_err(), WishError::BadStatus("done".into()));
    assert_eq!(WishStatus::parse("done").unwrap_err().code(), "bad_wish_status");
}

#[test]
fn action_codes_round_trip() {
    let codes = ["publish", "reject", "claim", "release", "revoke", "lapse", "fulfil", "confirm", "withdraw", "close"];
    round_trips(&WishAction::ALL, WishAction::as_str, WishAction::parse, &codes);
    assert_eq!(WishAction::parse("fulfill").unwrap_err().code(), "bad_wish_action");
}

#[test]
fn category_codes_round_trip() {
    let codes = ["daily_goods", "repair", "companionship", "learning", "health", "transport", "other"];
    round_trips(&Category::ALL, Category::as_str, Category::parse, &codes);
    let zh: Vec<_> = Category::ALL.into_iter().map(Category::zh).collect();
    assert_eq!(zh, ["生活物资", "维修", "陪伴", "学习", "健康", "出行", "其他"]);
    assert_eq!(Category::parse("food").unwrap_err().code(), "bad_wish_category");
}

#[test]
fn source_codes_round_trip() {
    round_trips(&Source::ALL, Source::as_str, Source::parse, &["online", "box", "wall", "visit"]);
    assert_eq!(Source::Box.zh(), "心愿箱");
    assert_eq!(Source::Wall.zh(), "笑脸墙");
    assert_eq!(Source::Visit.zh(), "入户走访");
    assert_eq!(Source::parse("phone").unwrap_err().code(), "bad_wish_source");
}

#[test]
fn zh_labels_are_distinct() {
    let mut status: Vec<_> = WishStatus::ALL.into_iter().map(WishStatus::zh).collect();
    status.sort_unstable();
    status.dedup();
    assert_eq!(status.len(), WishStatus::ALL.len());
    let mut action: Vec<_> = WishAction::ALL.into_iter().map(WishAction::zh).collect();
    action.sort_unstable();
    action.dedup();
    assert_eq!(action.len(), WishAction::ALL.len());
}

#[test]
fn wall_name_shows_the_surname_only() {
    assert_eq!(wall_name("张三", false), "张某");
    assert_eq!(wall_name("王小明", false), "王某");
    assert_eq!(wall_name("欧阳娜娜", false), "欧阳某");
    assert_eq!(wall_name("司马相如", false), "司马某");
    assert_eq!(wall_name("诸葛孔明明", false), "诸葛某");
    assert_eq!(wall_name(" 欧阳\u{3000}娜娜 ", false), "欧阳某");
    // Three characters: the compound surname is not assumed.
    assert_eq!(wall_name("欧阳娜", false), "欧某");
    assert_eq!(wall_name("张", false), "张某");
    assert_eq!(wall_name("  李 四 ", false), "李某");
}

#[test]
fn wall_name_is_anonymous_when_asked_or_blank() {
    assert_eq!(wall_name("张三", true), "某居民");
    assert_eq!(wall_name("欧阳娜娜", true), "某居民");
    assert_eq!(wall_name("", false), "某居民");
    assert_eq!(wall_name(" \u{3000}\t", false), "某居民");
    assert_eq!(wall_name("", true), ANONYMOUS_WALL_NAME);
}

#[test]
fn wall_name_never_shows_a_full_name() {
    for name in ["张三", "王小明", "欧阳娜娜", "欧阳娜", "司马相如", "李", "Anna"] {
        for anonymous in [false, true] {
            assert_ne!(wall_name(name, anonymous), name);
        }
    }
}

#[test]
fn title_is_normalised_and_two_to_forty_chars() {
    assert_eq!(WishTitle::parse("  想要一台 \u{3000} 收音机 ").unwrap().as_str(), "想要一台 收音机");
    assert_eq!(WishTitle::parse("修灯").unwrap().as_str(), "修灯");
    assert_eq!(WishTitle::parse("ＡＢ").unwrap().as_str(), "AB");
    let forty = "字".repeat(40);
    assert_eq!(WishTitle::parse(&forty).unwrap().as_str(), forty);
    assert_eq!(WishTitle::parse(&format!("  {forty}  ")).unwrap().as_str(), forty);
    for bad in ["", "   ", "灯", " 灯 ", &"字".repeat(41), "a\u{7}b"] {
        assert_eq!(WishTitle::parse(bad), Err(WishError::BadTitle), "{bad:?}");
    }
    assert_eq!(WishError::BadTitle.code(), "bad_wish_title");
    assert!(WishTitle::try_from("修灯".to_owned()).is_ok());
    assert_eq!(String::from(WishTitle::parse("修 灯").unwrap()), "修 灯");
}

#[test]
fn description_keeps_line_breaks_and_is_at_most_a_thousand_chars() {
    let text = WishText::parse("  家里灯坏了。\r\n晚上看不见！（急）\n\n谢谢  ").unwrap();
    assert_eq!(text.as_str(), "家里灯坏了。\n晚上看不见！（急）\n\n谢谢");
    assert!(WishText::parse("").unwrap().is_empty());
    assert!(WishText::parse(" \n\t ").unwrap().is_empty());
    assert_eq!(WishText::parse("a\tb").unwrap().as_str(), "a\tb");
    let thousand = "字".repeat(1000);
    assert_eq!(WishText::parse(&thousand).unwrap().as_str(), thousand);
    assert_eq!(WishText::parse(&"字".repeat(1001)), Err(WishError::BadDescription));
    assert_eq!(WishText::parse("a\u{0}b"), Err(WishError::BadDescription));
    assert_eq!(WishError::BadDescription.code(), "bad_wish_description");
}

#[test]
fn satisfaction_is_one_to_five() {
    for value in 1..=5 {
        assert_eq!(Satisfaction::new(value).unwrap().get(), value);
    }
    assert_eq!(Satisfaction::new(0), Err(WishError::BadSatisfaction("0".into())));
    assert_eq!(Satisfaction::new(6).unwrap_err().code(), "bad_satisfaction");
    assert_eq!(Satisfaction::parse(" ４ ").unwrap().get(), 4);
    assert_eq!(Satisfaction::parse("5").unwrap(), Satisfaction::try_from(5).unwrap());
    for bad in ["", "0", "6", "-1", "4.5", "五", "256"] {
        assert!(Satisfaction::parse(bad).is_err(), "{bad:?}");
    }
    assert_eq!(u8::from(Satisfaction::new(3).unwrap()), 3);
}

fn at(day: u32, hour: u32, min: u32, sec: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, min, sec).unwrap()
}

#[test]
fn a_claim_lapses_at_the_first_contact_deadline_unless_contacted() {
    let claimed = at(1, 9, 30, 0);
    let days = FIRST_CONTACT_DAYS_DEFAULT;
    assert!(!lapse_due(claimed, false, claimed, days));
    assert!(!lapse_due(claimed, false, at(8, 9, 29, 59), days));
    assert!(lapse_due(claimed, false, at(8, 9, 30, 0), days));
    assert!(lapse_due(claimed, false, at(20, 0, 0, 0), days));
    // Contact made: never lapses.
    assert!(!lapse_due(claimed, true, at(8, 9, 30, 0), days));
    assert!(!lapse_due(claimed, true, at(31, 0, 0, 0), days));
    // A community's own deadline.
    assert!(!lapse_due(claimed, false, at(4, 9, 29, 59), 3));
    assert!(lapse_due(claimed, false, at(4, 9, 30, 0), 3));
    // Zero or negative days: due at once; absurdly many: never.
    assert!(lapse_due(claimed, false, claimed, 0));
    assert!(lapse_due(claimed, false, claimed, -5));
    assert!(!lapse_due(claimed, false, at(31, 0, 0, 0), i64::MAX));
}

#[test]
fn a_fulfilled_wish_is_closable_fourteen_days_on() {
    let fulfilled = at(1, 18, 0, 0);
    assert_eq!(CONFIRM_WITHIN_DAYS, 14);
    assert!(!closable(fulfilled, fulfilled));
    assert!(!closable(fulfilled, at(15, 17, 59, 59)));
    assert!(closable(fulfilled, at(15, 18, 0, 0)));
    assert!(closable(fulfilled, at(30, 0, 0, 0)));
    assert!(!closable(fulfilled, at(1, 0, 0, 0)));
}

#[test]
fn error_codes_are_stable() {
    let cases = [
        (WishError::NotPublished(S::Submitted), "wish_not_published"),
        (WishError::AlreadyClaimed, "wish_already_claimed"),
        (WishError::NotClaimed(S::Published), "wish_not_claimed"),
        (WishError::NotSubmitted(S::Published), "wish_not_submitted"),
        (WishError::NotFulfilled(S::Claimed), "wish_not_fulfilled"),
        (WishError::Finished(S::Closed), "wish_finished"),
    ];
    for (err, code) in cases {
        assert_eq!(err.code(), code);
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn the_offer_to_a_paired_helper_holds_until_its_end() {
    let published = Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0).unwrap();
    let until = offer_until(published, HELP_PAIR_OFFER_HOURS_DEFAULT).unwrap();
    assert_eq!(until, Utc.with_ymd_and_hms(2026, 6, 3, 2, 0, 0).unwrap());
    let before = until - TimeDelta::seconds(1);
    assert!(offer_open(Some(until), before));
    assert!(!offer_open(Some(until), until), "the end itself is over");
    assert!(!offer_open(None, before));
    // The helper (7) may claim at once; another (8) only once the offer is over.
    assert_eq!(may_claim_offered(Some(7), Some(until), 7, before), Ok(()));
    assert_eq!(may_claim_offered(Some(7), Some(until), 8, before), Err(WishError::OfferedToHelper));
    assert_eq!(may_claim_offered(Some(7), Some(until), 8, until), Ok(()));
    assert_eq!(may_claim_offered(None, None, 8, before), Ok(()));
    assert_eq!(WishError::OfferedToHelper.code(), "wish_offered_to_helper");
    assert_eq!(offer_until(published, -3), Some(published));
}

#[test]
fn a_claimant_is_warned_a_day_before_the_claim_lapses() {
    let claimed = Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0).unwrap();
    let warn = claimed + TimeDelta::days(6);
    assert!(!lapse_warning_due(claimed, false, warn - TimeDelta::seconds(1), 7));
    assert!(lapse_warning_due(claimed, false, warn, 7));
    assert!(!lapse_warning_due(claimed, true, warn, 7), "no warning once they made contact");
    assert!(lapse_warning_due(claimed, false, claimed, 1), "one day: warned at once");
    assert!(!lapse_due(claimed, false, warn, 7), "warned before, not at, the lapse");
}

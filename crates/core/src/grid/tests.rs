//! Tests of the parent module.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use super::*;
use proptest::prelude::*;

const THIS_YEAR: i32 = 2026;

#[test]
fn normalize_text_maps_full_width_and_collapses_whitespace() {
    assert_eq!(normalize_text("  １３８　００１３\t8000 "), "138 0013 8000");
    assert_eq!(normalize_text("Ａｂｃ！（１）"), "Abc!(1)");
    assert_eq!(normalize_text("\u{3000}\u{3000}"), "");
    assert_eq!(normalize_text("幸福里  社区"), "幸福里 社区");
}

#[test]
fn mobile_numbers_in_every_spelling_parse_to_bare_digits() {
    for input in [
        "13800138000",
        "１３８００１３８０００",
        "138 0013 8000",
        "138-0013-8000",
        "138\u{3000}0013\u{3000}8000",
        "+8613800138000",
        "+86 138 0013 8000",
        "8613800138000",
        "13800138000.0",
        " 13800138000 ",
    ] {
        let phone = Phone::parse(input).unwrap();
        assert_eq!(phone.as_str(), "13800138000", "{input}");
        assert!(phone.is_mobile());
    }
}

#[test]
fn landlines_keep_their_dash() {
    let phone = Phone::parse("028-85551234").unwrap();
    assert_eq!(phone.as_str(), "028-85551234");
    assert!(!phone.is_mobile());
    assert_eq!(phone.masked(), "***-****1234");
    assert_eq!(phone.tail4(), "1234");
    assert_eq!(Phone::parse("８５５５１２３４").unwrap().as_str(), "85551234");
    assert_eq!(Phone::parse("8555123").unwrap().as_str(), "8555123");
}

#[test]
fn bad_phones_are_refused_with_the_input() {
    for input in [
        "",
        "13800",
        "1380013800",
        "12800138000",
        "138001380001",
        "abc",
        "028--85551234",
        "-85551234",
        "855512",
        "1234567",
        "0288555123456",
        "1.38001E+10",
    ] {
        let err = Phone::parse(input).unwrap_err();
        assert_eq!(err, GridError::BadPhone(input.trim().to_owned()), "{input}");
        assert_eq!(err.code(), "bad_phone");
    }
}

#[test]
fn phone_display_and_debug_are_masked() {
    let phone = Phone::parse("13812345678").unwrap();
    assert_eq!(phone.masked(), "138****5678");
    assert_eq!(phone.to_string(), "138****5678");
    assert_eq!(format!("{phone:?}"), "Phone(138****5678)");
    assert_eq!(phone.tail4(), "5678");
}

#[test]
fn phone_serde_is_the_plain_string_and_checks_on_the_way_in() {
    use serde::de::{IntoDeserializer, value::Error};
    let phone = Phone::parse("13812345678").unwrap();
    assert_eq!(String::from(phone.clone()), "13812345678");
    let de = |s: &str| Phone::deserialize(IntoDeserializer::<Error>::into_deserializer(s.to_owned()));
    assert_eq!(de("+86 138 1234 5678").unwrap(), phone);
    assert!(de("123").is_err());
}

#[test]
fn birth_years_in_every_spelling() {
    for input in [
        "1948",
        "１９４８",
        "1948年",
        "1948 年",
        "1948-03-02",
        "1948/3/2",
        "1948.03",
        "1948年3月",
        "1948年3月2日",
        "19480302",
        " 1948 ",
    ] {
        assert_eq!(BirthYear::parse(input, THIS_YEAR).unwrap().get(), 1948, "{input}");
    }
}

#[test]
fn bad_birth_years_are_refused() {
    for input in [
        "",
        "48",
        "194",
        "1899",
        "2027",
        "1948-13",
        "1948-02-30",
        "19481302",
        "1948年3月2日5",
        "abc",
        "1948a",
        "1948-003",
        "194803",
    ] {
        assert_eq!(
            BirthYear::parse(input, THIS_YEAR),
            Err(GridError::BadBirthYear(input.trim().to_owned())),
            "{input}"
        );
    }
    assert_eq!(BirthYear::new(1899, THIS_YEAR), Err(GridError::BadBirthYear("1899".into())));
    assert!(BirthYear::new(1900, THIS_YEAR).is_ok());
    assert!(BirthYear::new(THIS_YEAR, THIS_YEAR).is_ok());
    assert!(BirthYear::new(THIS_YEAR + 1, THIS_YEAR).is_err());
}

#[test]
fn age_and_age_bands() {
    let year = BirthYear::new(1946, THIS_YEAR).unwrap();
    assert_eq!(year.age(THIS_YEAR), 80);
    assert_eq!(year.age_band(THIS_YEAR), AgeBand::Aged);
    assert_eq!(AgeBand::from_age(0), AgeBand::Child);
    assert_eq!(AgeBand::from_age(17), AgeBand::Child);
    assert_eq!(AgeBand::from_age(18), AgeBand::Adult);
    assert_eq!(AgeBand::from_age(59), AgeBand::Adult);
    assert_eq!(AgeBand::from_age(60), AgeBand::Senior);
    assert_eq!(AgeBand::from_age(79), AgeBand::Senior);
    assert_eq!(AgeBand::from_age(80), AgeBand::Aged);
    for band in AgeBand::ALL {
        assert_eq!(AgeBand::parse(band.as_str()).unwrap(), band);
    }
    assert_eq!(AgeBand::parse("old"), Err(GridError::BadAgeBand("old".into())));
}

#[test]
fn gender_parse() {
    for input in ["男", "男性", "M", "m", "Male", "MALE", " 男 "] {
        assert_eq!(Gender::parse(input).unwrap(), Gender::Male, "{input}");
    }
    for input in ["女", "女性", "F", "f", "female", "Female"] {
        assert_eq!(Gender::parse(input).unwrap(), Gender::Female, "{input}");
    }
    assert_eq!(Gender::parse("未知"), Err(GridError::BadGender("未知".into())));
    assert_eq!(Gender::Male.as_str(), "male");
    assert_eq!(Gender::Female.zh(), "女");
}

#[test]
fn tag_codes_round_trip_and_chinese_labels_are_recognised() {
    let codes: Vec<&str> = Tag::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(
        codes,
        ["party_member", "aged", "empty_nest", "living_alone", "disabled", "low_income", "migrant_child"]
    );
    for tag in Tag::ALL {
        assert_eq!(Tag::parse(tag.as_str()).unwrap(), tag);
        assert_eq!(Tag::from_chinese(tag.zh()), Some(tag));
    }
    assert_eq!(Tag::from_chinese("残障"), Some(Tag::Disabled));
    assert_eq!(Tag::from_chinese("退休"), None);
    assert_eq!(Tag::parse("retired"), Err(GridError::BadTag("retired".into())));
    let sensitive: Vec<Tag> = Tag::ALL.into_iter().filter(|t| t.is_sensitive()).collect();
    assert_eq!(sensitive, [Tag::Disabled, Tag::LowIncome, Tag::MigrantChild]);
}

#[test]
fn person_names() {
    assert_eq!(PersonName::parse("\u{3000}张  三 ").unwrap().as_str(), "张 三");
    assert_eq!(PersonName::parse("王秀英").unwrap().masked(), "王某");
    assert_eq!(PersonName::parse("欧阳修").unwrap().to_string(), "欧阳修");
    assert!(PersonName::parse(&"李".repeat(30)).is_ok());
    for bad in ["", "   ", "12345", "---", "（１）", &"李".repeat(31)] {
        assert_eq!(PersonName::parse(bad), Err(GridError::BadName), "{bad}");
    }
}

#[test]
fn labels() {
    assert_eq!(Label::parse(" １栋 ").unwrap().as_str(), "1栋");
    assert_eq!(Label::parse("3 单元").unwrap().as_str(), "3 单元");
    assert!(Label::parse(&"a".repeat(40)).is_ok());
    assert_eq!(Label::parse("  "), Err(GridError::BadLabel(String::new())));
    assert!(Label::parse(&"a".repeat(41)).is_err());
}

#[test]
fn error_codes_are_snake_case() {
    let errors = [
        GridError::BadPhone(String::new()),
        GridError::BadBirthYear(String::new()),
        GridError::BadName,
        GridError::BadGender(String::new()),
        GridError::BadTag(String::new()),
        GridError::BadAgeBand(String::new()),
        GridError::BadLabel(String::new()),
    ];
    for err in errors {
        let code = err.code();
        assert!(code.starts_with("bad_"));
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    }
    assert_eq!(GridError::BadPhone("13800".into()).to_string(), "电话号码格式不对（13800）");
}

proptest! {
    #[test]
    fn any_mobile_parses_and_its_mask_hides_the_middle(
        second in 3u8..=9,
        third in 0u8..=9,
        middle in "[0-9]{4}",
        other_middle in "[0-9]{4}",
        last in "[0-9]{4}",
    ) {
        let number = format!("1{second}{third}{middle}{last}");
        let phone = Phone::parse(&number).unwrap();
        prop_assert_eq!(phone.as_str(), number.as_str());
        let masked = phone.masked();
        prop_assert_eq!(&masked[..3], &number[..3]);
        prop_assert_eq!(&masked[3..7], "****");
        prop_assert_eq!(&masked[7..], last.as_str());
        prop_assert_eq!(phone.to_string(), masked.clone());
        // The mask carries nothing of the middle: a number differing only there masks the same.
        let twin = Phone::parse(&format!("1{second}{third}{other_middle}{last}")).unwrap();
        prop_assert_eq!(twin.masked(), masked);
    }

    #[test]
    fn normalize_text_is_idempotent(input in "\\PC*") {
        let once = normalize_text(&input);
        prop_assert_eq!(normalize_text(&once), once.clone());
    }

    #[test]
    fn normalize_text_is_idempotent_on_full_width_and_spaces(input in "[\u{FF01}-\u{FF5E}\u{3000} \t a-z0-9]*") {
        let once = normalize_text(&input);
        prop_assert_eq!(normalize_text(&once), once.clone());
        prop_assert!(!once.contains('\u{3000}'), "ideographic space left in {:?}", once);
    }
}

//! Who an event is for and who may sign up whom: the audience with its age rule ([`eligible`]) and the household
//! rule for guardians ([`may_sign_up_for`]). See the parent module for the rules in one place.
//!
//! Ages are whole years counted from the birth year alone ([`age_on`]): the roster keeps years, not birthdays
//! (PIPL "minimum necessary"). No I/O, no clock: callers pass the event's date.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{EventError, parse_code};
use crate::grid::{BirthYear, normalize_text};

/// Age from which a person counts as an adult (and no longer as a child a guardian may sign up).
pub const ADULT_FROM_AGE: i32 = 18;

/// Age from which a person counts as elderly, as in [`crate::grid::AgeBand::Senior`].
pub const ELDERLY_FROM_AGE: i32 = 60;

/// A person's age in whole years on `on`, from the birth year alone: `on`'s year − the birth year. A child born
/// in December counts a year older all year long; the roster keeps no birthdays, so this is the rule everywhere.
pub fn age_on(birth_year: BirthYear, on: NaiveDate) -> i32 {
    birth_year.age(on.year())
}

/// The ages a children's event takes, both ends included; `0 ≤ min ≤ max ≤ 17`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "AgeRangeRaw")]
pub struct AgeRange {
    min_age: u8,
    max_age: u8,
}

#[derive(Deserialize)]
struct AgeRangeRaw {
    min_age: u8,
    max_age: u8,
}

impl TryFrom<AgeRangeRaw> for AgeRange {
    type Error = EventError;
    fn try_from(raw: AgeRangeRaw) -> Result<Self, Self::Error> {
        AgeRange::new(raw.min_age, raw.max_age)
    }
}

impl AgeRange {
    pub fn new(min_age: u8, max_age: u8) -> Result<AgeRange, EventError> {
        if min_age <= max_age && i32::from(max_age) < ADULT_FROM_AGE {
            Ok(AgeRange { min_age, max_age })
        } else {
            Err(EventError::BadAudience(format!("{min_age}–{max_age}")))
        }
    }

    pub fn min_age(self) -> u8 {
        self.min_age
    }

    pub fn max_age(self) -> u8 {
        self.max_age
    }

    pub fn contains(self, age: i32) -> bool {
        (i32::from(self.min_age)..=i32::from(self.max_age)).contains(&age)
    }
}

/// Who an event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    /// Anyone, including people whose birth year is unknown.
    Everyone,
    /// Children whose age on the event's date is in the range (the "430" class, parent-child workshops).
    Children(AgeRange),
    /// Adults, 18 and over on the event's date.
    Adults,
    /// The elderly, 60 and over on the event's date (health lectures, birthday parties for the aged).
    Elderly,
}

impl Audience {
    pub const KINDS: [&'static str; 4] = ["everyone", "children", "adults", "elderly"];

    /// The kind's code, as stored beside the age range.
    pub fn kind(self) -> &'static str {
        match self {
            Audience::Everyone => "everyone",
            Audience::Children(_) => "children",
            Audience::Adults => "adults",
            Audience::Elderly => "elderly",
        }
    }

    /// Builds an audience from its stored or posted parts: the kind's code and, for `children`, the ages.
    /// The ages are ignored for the other kinds.
    pub fn from_parts(kind: &str, min_age: Option<u8>, max_age: Option<u8>) -> Result<Audience, EventError> {
        let code = normalize_text(kind).to_ascii_lowercase();
        match (code.as_str(), min_age, max_age) {
            ("everyone", ..) => Ok(Audience::Everyone),
            ("adults", ..) => Ok(Audience::Adults),
            ("elderly", ..) => Ok(Audience::Elderly),
            ("children", Some(min), Some(max)) => AgeRange::new(min, max).map(Audience::Children),
            _ => Err(EventError::BadAudience(kind.trim().to_owned())),
        }
    }

    /// The Chinese description shown in the UI ("6–12 岁的孩子").
    pub fn zh(self) -> String {
        match self {
            Audience::Everyone => "所有居民".to_owned(),
            Audience::Children(range) => format!("{}–{} 岁的孩子", range.min_age, range.max_age),
            Audience::Adults => "18 岁以上的居民".to_owned(),
            Audience::Elderly => "60 岁以上的老人".to_owned(),
        }
    }
}

/// Whether a person born in `birth_year` may join an event for `audience` held on `on`, ages counted by
/// [`age_on`]. An unknown birth year is eligible for [`Audience::Everyone`] only: staff can add the year to the
/// roster, and the person can still come as a walk-in.
pub fn eligible(audience: Audience, birth_year: Option<BirthYear>, on: NaiveDate) -> Result<(), EventError> {
    let fits = match (audience, birth_year.map(|year| age_on(year, on))) {
        (Audience::Everyone, _) => true,
        (_, None) => false,
        (Audience::Children(range), Some(age)) => range.contains(age),
        (Audience::Adults, Some(age)) => age >= ADULT_FROM_AGE,
        (Audience::Elderly, Some(age)) => age >= ELDERLY_FROM_AGE,
    };
    if fits { Ok(()) } else { Err(EventError::NotEligible(audience)) }
}

// ---------------------------------------------------------------------------------------------------------------
// Who signs up whom

/// Who made a sign-up, relative to the person it is for. Kept with the sign-up (the ledger shows proxy sign-ups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedUpBy {
    /// The person themselves.
    #[serde(rename = "self")]
    Themselves,
    /// A guardian in the same household, for a child.
    Guardian,
    /// Staff, for a resident without a phone (代报名).
    Proxy,
}

impl SignedUpBy {
    pub const ALL: [SignedUpBy; 3] = [SignedUpBy::Themselves, SignedUpBy::Guardian, SignedUpBy::Proxy];

    pub fn as_str(self) -> &'static str {
        match self {
            SignedUpBy::Themselves => "self",
            SignedUpBy::Guardian => "guardian",
            SignedUpBy::Proxy => "proxy",
        }
    }

    /// Parses a code (`self`, `guardian`, `proxy`), case-insensitive.
    pub fn parse(code: &str) -> Option<SignedUpBy> {
        parse_code(&SignedUpBy::ALL, SignedUpBy::as_str, code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            SignedUpBy::Themselves => "本人报名",
            SignedUpBy::Guardian => "家长代报",
            SignedUpBy::Proxy => "工作人员代报",
        }
    }
}

/// The user making a sign-up: the resident their account is linked to, if any, and whether `access` lets them
/// sign up residents of the event's community as proxy (staff).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signer {
    pub resident_id: Option<i64>,
    pub household_id: Option<i64>,
    pub proxy: bool,
}

/// The resident a sign-up is for, as the roster knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendee {
    pub resident_id: i64,
    pub household_id: Option<i64>,
    pub birth_year: Option<BirthYear>,
}

/// Whether `signer` may sign up `attendee` for an event on `on`, and as whom; first match wins:
/// 1. the attendee is the signer's own resident: [`SignedUpBy::Themselves`];
/// 2. the signer may act as proxy: [`SignedUpBy::Proxy`];
/// 3. both are in the same household and the attendee is under 18 on `on` ([`age_on`]):
///    [`SignedUpBy::Guardian`]; an unknown birth year does not count as a child (staff can sign them up);
/// 4. otherwise `not_your_child`.
pub fn may_sign_up_for(signer: &Signer, attendee: &Attendee, on: NaiveDate) -> Result<SignedUpBy, EventError> {
    if signer.resident_id == Some(attendee.resident_id) {
        return Ok(SignedUpBy::Themselves);
    }
    if signer.proxy {
        return Ok(SignedUpBy::Proxy);
    }
    let same_household = signer.household_id.is_some() && signer.household_id == attendee.household_id;
    let child = attendee.birth_year.is_some_and(|year| age_on(year, on) < ADULT_FROM_AGE);
    if same_household && child { Ok(SignedUpBy::Guardian) } else { Err(EventError::NotYourChild) }
}

//! The grid's small domain types: phone numbers, birth years, gender, resident tags, person names and the labels
//! of courtyards, buildings, units and rooms.
//!
//! "Parse, don't validate": text from a form or a roster becomes one of these types once, through its `parse`,
//! and nothing past that point can hold an invalid value. Parsing is forgiving about how people and spreadsheets
//! write things (full-width digits, stray spaces, "+86", Excel's "13800138000.0") and strict about what is kept.
//!
//! This module must not do I/O or read the clock: callers pass `this_year` in.
//! Personal data is masked by default where formatting could leak it: `Phone`'s `Display` and `Debug` print the
//! masked form, and [`Phone::as_str`] is the one explicit way to the full number.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a piece of grid input was refused. [`GridError::code`] is the stable key the web layer localises by; the
/// `Display` text is a plain Chinese fallback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridError {
    /// Not an 11-digit mainland mobile nor a landline; carries the input as typed.
    #[error("电话号码格式不对（{0}）")]
    BadPhone(String),
    /// Not a year, or outside 1900..=this year; carries the input as typed.
    #[error("出生年份不对（{0}）")]
    BadBirthYear(String),
    /// Empty, longer than 30 characters, or only digits and punctuation.
    #[error("姓名要有 1 到 30 个字，且不能只有数字或符号")]
    BadName,
    /// Neither 男 nor 女; carries the input as typed.
    #[error("性别只能填“男”或“女”（{0}）")]
    BadGender(String),
    /// Not one of the resident tags; carries the input as typed.
    #[error("不认识的人员标签（{0}）")]
    BadTag(String),
    /// Not one of the age band codes; carries the input as typed.
    #[error("不认识的年龄段（{0}）")]
    BadAgeBand(String),
    /// A courtyard, building, unit or room label that is empty or longer than 40 characters.
    #[error("院落、楼栋、单元或房号要有 1 到 40 个字（{0}）")]
    BadLabel(String),
}

impl GridError {
    /// Stable snake_case code, the key of the localised message.
    pub fn code(&self) -> &'static str {
        match self {
            GridError::BadPhone(_) => "bad_phone",
            GridError::BadBirthYear(_) => "bad_birth_year",
            GridError::BadName => "bad_name",
            GridError::BadGender(_) => "bad_gender",
            GridError::BadTag(_) => "bad_tag",
            GridError::BadAgeBand(_) => "bad_age_band",
            GridError::BadLabel(_) => "bad_label",
        }
    }
}

/// Full-width ASCII (U+FF01–U+FF5E, what a Chinese input method types in full-width mode) becomes ASCII, the
/// ideographic space U+3000 a space; the text is trimmed and every run of whitespace becomes one space.
/// Idempotent.
pub fn normalize_text(input: &str) -> String {
    let mapped: String = input
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

// ---------------------------------------------------------------------------------------------------------------
// Phone

/// A mainland mobile number (11 digits, `1[3-9]…`) or a landline (7–12 digits, optionally with an area code joined
/// by '-'). Mobiles are stored as bare digits; landlines keep their '-'.
///
/// `Display` and `Debug` show [`Phone::masked`] so that a stray `format!` or log line never leaks the number;
/// [`Phone::as_str`] is the explicit, unmasked access.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

fn is_mobile(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    bytes.len() == 11 && bytes.iter().all(u8::is_ascii_digit) && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1])
}

impl Phone {
    /// Parses a phone number as people and spreadsheets write it: full-width digits, spaces and '-' inside a
    /// mobile, a leading "+86"/"86", and Excel's trailing ".0" are all tolerated.
    pub fn parse(input: &str) -> Result<Phone, GridError> {
        let bad = || GridError::BadPhone(input.trim().to_owned());
        let text = normalize_text(input);
        let text = text.strip_suffix(".0").unwrap_or(&text);
        let compact = without_whitespace(text);

        let digits: String = compact.chars().filter(|&c| c != '-').collect();
        let national = match digits.strip_prefix("+86") {
            Some(rest) => rest,
            None if digits.len() == 13 => digits.strip_prefix("86").unwrap_or(&digits),
            None => &digits,
        };
        if is_mobile(national) {
            return Ok(Phone(national.to_owned()));
        }
        // Landline numbers never start with 1 (area codes start with 0, local numbers with 2–9), so a digit string
        // starting with 1 is a mistyped mobile, not a landline.
        let digit_count = compact.bytes().filter(u8::is_ascii_digit).count();
        let well_formed = compact.bytes().all(|b| b.is_ascii_digit() || b == b'-')
            && !compact.starts_with('-')
            && !compact.ends_with('-')
            && !compact.contains("--")
            && !compact.starts_with('1')
            && (7..=12).contains(&digit_count);
        if well_formed { Ok(Phone(compact)) } else { Err(bad()) }
    }

    /// The full number. Use only where the reader may see it (PIPL "minimum necessary").
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a mobile (it can receive SMS) rather than a landline.
    pub fn is_mobile(&self) -> bool {
        is_mobile(&self.0)
    }

    /// `138****5678` for a mobile; a landline keeps its last 4 digits and its '-', other digits become '*'.
    pub fn masked(&self) -> String {
        if self.is_mobile() {
            format!("{}****{}", &self.0[..3], &self.0[7..])
        } else {
            let keep_from = self.0.len() - 4;
            self.0.char_indices().map(|(i, c)| if i >= keep_from || c == '-' { c } else { '*' }).collect()
        }
    }

    /// The last four digits, which residents use to tell their own number in a list.
    pub fn tail4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl TryFrom<String> for Phone {
    type Error = GridError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Phone::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Birth year and age band

/// A year of birth in `1900..=this_year`. Only the year is kept: the roster needs age bands, not birthdays
/// (PIPL "minimum necessary").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BirthYear(i32);

impl BirthYear {
    /// A year in `1900..=this_year`.
    pub fn new(year: i32, this_year: i32) -> Result<BirthYear, GridError> {
        if (1900..=this_year).contains(&year) {
            Ok(BirthYear(year))
        } else {
            Err(GridError::BadBirthYear(year.to_string()))
        }
    }

    /// Accepts "1948", "１９４８", "1948年", "1948年3月2日", "1948-03-02", "1948/3/2", "1948.03" and "19480302".
    /// Month and day, when given, must make a real date; only the year is kept. Excel serial dates are the
    /// roster's business, not this function's.
    pub fn parse(input: &str, this_year: i32) -> Result<BirthYear, GridError> {
        let bad = || GridError::BadBirthYear(input.trim().to_owned());
        let text = without_whitespace(&normalize_text(input));
        let lead_len = text.bytes().take_while(u8::is_ascii_digit).count();
        let (lead, rest) = text.split_at(lead_len);
        let (year, month, day) = match (lead.len(), rest) {
            (4, "") => (lead, None, None),
            (8, "") => (&lead[..4], Some(&lead[4..6]), Some(&lead[6..])),
            (4, rest) if rest.starts_with(['年', '-', '/', '.']) => {
                let mut parts = rest.split(['年', '月', '日', '-', '/', '.']).filter(|part| !part.is_empty());
                let (month, day) = (parts.next(), parts.next());
                if parts.next().is_some() {
                    return Err(bad());
                }
                (lead, month, day)
            }
            _ => return Err(bad()),
        };
        let year: i32 = year.parse().map_err(|_| bad())?;
        let number = |part: Option<&str>| -> Result<Option<u32>, GridError> {
            match part {
                None => Ok(None),
                Some(p) if p.len() <= 2 => p.parse().map(Some).map_err(|_| bad()),
                Some(_) => Err(bad()),
            }
        };
        match (number(month)?, number(day)?) {
            (None, _) => {}
            (Some(m), None) if (1..=12).contains(&m) => {}
            (Some(m), Some(d)) if chrono::NaiveDate::from_ymd_opt(year, m, d).is_some() => {}
            _ => return Err(bad()),
        }
        BirthYear::new(year, this_year).map_err(|_| bad())
    }

    pub fn get(self) -> i32 {
        self.0
    }

    /// Age reached in `this_year` (the roster knows years, not birthdays).
    pub fn age(self, this_year: i32) -> i32 {
        this_year - self.0
    }

    pub fn age_band(self, this_year: i32) -> AgeBand {
        AgeBand::from_age(self.age(this_year))
    }
}

/// Age bands used for filtering and reports. `Aged` matches the 高龄 (80+) threshold of the `aged` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    /// Under 18.
    Child,
    /// 18–59.
    Adult,
    /// 60–79.
    Senior,
    /// 80 and over.
    Aged,
}

impl AgeBand {
    pub const ALL: [AgeBand; 4] = [AgeBand::Child, AgeBand::Adult, AgeBand::Senior, AgeBand::Aged];

    pub fn from_age(age: i32) -> AgeBand {
        match age {
            ..18 => AgeBand::Child,
            18..60 => AgeBand::Adult,
            60..80 => AgeBand::Senior,
            _ => AgeBand::Aged,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Child => "child",
            AgeBand::Adult => "adult",
            AgeBand::Senior => "senior",
            AgeBand::Aged => "aged",
        }
    }

    pub fn parse(code: &str) -> Result<AgeBand, GridError> {
        let code = code.trim();
        AgeBand::ALL
            .into_iter()
            .find(|band| band.as_str().eq_ignore_ascii_case(code))
            .ok_or_else(|| GridError::BadAgeBand(code.to_owned()))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Gender

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// Accepts 男/女 (also 男性/女性), M/F and male/female, case-insensitive.
    pub fn parse(input: &str) -> Result<Gender, GridError> {
        match without_whitespace(&normalize_text(input)).to_lowercase().as_str() {
            "男" | "男性" | "m" | "male" => Ok(Gender::Male),
            "女" | "女性" | "f" | "female" => Ok(Gender::Female),
            _ => Err(GridError::BadGender(input.trim().to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Tag

/// A resident tag (a category a resident belongs to), not a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    PartyMember,
    Aged,
    EmptyNest,
    LivingAlone,
    Disabled,
    LowIncome,
    MigrantChild,
}

impl Tag {
    pub const ALL: [Tag; 7] = [
        Tag::PartyMember,
        Tag::Aged,
        Tag::EmptyNest,
        Tag::LivingAlone,
        Tag::Disabled,
        Tag::LowIncome,
        Tag::MigrantChild,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tag::PartyMember => "party_member",
            Tag::Aged => "aged",
            Tag::EmptyNest => "empty_nest",
            Tag::LivingAlone => "living_alone",
            Tag::Disabled => "disabled",
            Tag::LowIncome => "low_income",
            Tag::MigrantChild => "migrant_child",
        }
    }

    /// Parses a code (`party_member`, …), case-insensitive.
    pub fn parse(code: &str) -> Result<Tag, GridError> {
        let trimmed = normalize_text(code);
        Tag::ALL
            .into_iter()
            .find(|tag| tag.as_str().eq_ignore_ascii_case(&trimmed))
            .ok_or_else(|| GridError::BadTag(code.trim().to_owned()))
    }

    /// The Chinese label as written on a roster (党员, 高龄, …) and common variants of it; `None` if the word is
    /// not a tag.
    pub fn from_chinese(word: &str) -> Option<Tag> {
        match without_whitespace(&normalize_text(word)).as_str() {
            "党员" | "中共党员" => Some(Tag::PartyMember),
            "高龄" | "高龄老人" => Some(Tag::Aged),
            "空巢" | "空巢老人" => Some(Tag::EmptyNest),
            "独居" | "独居老人" => Some(Tag::LivingAlone),
            "残疾" | "残障" | "残疾人" => Some(Tag::Disabled),
            "低保" | "低保户" => Some(Tag::LowIncome),
            "流动儿童" => Some(Tag::MigrantChild),
            _ => None,
        }
    }

    /// The Chinese label shown in the UI.
    pub fn zh(self) -> &'static str {
        match self {
            Tag::PartyMember => "党员",
            Tag::Aged => "高龄",
            Tag::EmptyNest => "空巢",
            Tag::LivingAlone => "独居",
            Tag::Disabled => "残疾",
            Tag::LowIncome => "低保",
            Tag::MigrantChild => "流动儿童",
        }
    }

    /// Sensitive personal information under PIPL art. 28: disability is health information, the low-income
    /// allowance is financial status, and a migrant child is a minor under 14. Such tags need a specific purpose,
    /// the narrowest audience (staff who keep the care records), and never appear on public pages.
    pub fn is_sensitive(self) -> bool {
        matches!(self, Tag::Disabled | Tag::LowIncome | Tag::MigrantChild)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Person name and labels

/// A person's name: whitespace (full-width too) trimmed and collapsed, 1–30 characters, with at least one letter
/// or hanzi (not only digits and punctuation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<PersonName, GridError> {
        let name = normalize_text(input);
        let len = name.chars().count();
        let ok =
            (1..=30).contains(&len) && name.chars().any(char::is_alphabetic) && !name.chars().any(char::is_control);
        if ok { Ok(PersonName(name)) } else { Err(GridError::BadName) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Surname initial + "某" (张三 → 张某), the form used on public pages.
    pub fn masked(&self) -> String {
        let first = self.0.chars().next().unwrap_or('某');
        format!("{first}某")
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PersonName {
    type Error = GridError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PersonName::parse(&value)
    }
}

impl From<PersonName> for String {
    fn from(value: PersonName) -> Self {
        value.0
    }
}

/// The label of a courtyard, building, unit or room ("幸福里", "1栋", "2单元", "301"): normalised with
/// [`normalize_text`] (so full-width digits become ASCII), 1–40 characters. Kept as written; matching labels
/// written differently ("1栋" vs "1号楼") is `roster::building_key` and friends' job.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Label(String);

impl Label {
    pub fn parse(input: &str) -> Result<Label, GridError> {
        let label = normalize_text(input);
        let len = label.chars().count();
        if (1..=40).contains(&len) && !label.chars().any(char::is_control) {
            Ok(Label(label))
        } else {
            Err(GridError::BadLabel(input.trim().to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Label {
    type Error = GridError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Label::parse(&value)
    }
}

impl From<Label> for String {
    fn from(value: Label) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests;

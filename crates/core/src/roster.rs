//! The pure part of roster (居民花名册) import: find the header row, map its columns, and turn every data row into
//! a checked [`RosterRow`] or into [`RowProblem`]s.
//!
//! The store crate reads the uploaded .xlsx/.csv into [`Cell`]s (bytes and encodings are its business) and calls
//! [`parse_rows`]; it also fills the problems only the database can see ([`ProblemKind::UnknownBuilding`],
//! [`ProblemKind::AlreadyOnRoster`]) and decides all-or-nothing. This module reports every bad row, never stops
//! at the first, never evaluates formulas, and does no I/O.
//!
//! It also owns the keys ([`building_key`], [`unit_key`], [`room_key`]) that let "1号楼" in an upload match a
//! building named "1栋".

use std::collections::HashMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::grid::{BirthYear, Gender, GridError, Label, PersonName, Phone, Tag, normalize_text};

/// The most data rows one upload may have; a larger community imports in batches.
pub const MAX_ROWS: usize = 20_000;

/// How many rows from the top may hold titles before the header ("幸福里社区居民花名册", a date line, …).
const HEADER_SEARCH_ROWS: usize = 10;

/// One spreadsheet cell as the store read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date { year: i32, month: u32, day: u32 },
    Bool(bool),
}

/// A column the importer understands. Other columns (序号, 身份证号, …) are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Gender,
    BirthYear,
    BirthDate,
    Phone,
    Courtyard,
    Building,
    Unit,
    Room,
    Tags,
    Note,
}

impl Column {
    pub fn as_str(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Gender => "gender",
            Column::BirthYear => "birth_year",
            Column::BirthDate => "birth_date",
            Column::Phone => "phone",
            Column::Courtyard => "courtyard",
            Column::Building => "building",
            Column::Unit => "unit",
            Column::Room => "room",
            Column::Tags => "tags",
            Column::Note => "note",
        }
    }
}

/// One resident from the upload, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    /// 1-based spreadsheet row number, as the uploader sees it.
    pub row_no: usize,
    pub name: PersonName,
    pub gender: Option<Gender>,
    pub birth_year: Option<BirthYear>,
    pub phone: Option<Phone>,
    pub courtyard: Option<Label>,
    pub building: Label,
    pub unit: Option<Label>,
    pub room: Label,
    pub tags: Vec<Tag>,
    /// The 备注 column, plus words of the tag column that are not tags and any further phone numbers.
    pub note: Option<String>,
}

/// One thing wrong with one row. A row can have several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based spreadsheet row number.
    pub row_no: usize,
    pub kind: ProblemKind,
}

/// What is wrong; the `String`s carry the offending value as the uploader wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    MissingName,
    BadName,
    BadGender(String),
    BadBirthYear(String),
    BadPhone(String),
    MissingBuilding,
    MissingRoom,
    BadLabel(String),
    /// Not produced by [`parse_rows`], which moves unknown words of the tag column into the note; kept for
    /// callers that check tags strictly.
    UnknownTag(String),
    /// Same person (name, courtyard, building, unit, room) as an earlier row of the file.
    DuplicatePerson {
        first_row: usize,
    },
    /// Filled by the store: no building of the community matches.
    UnknownBuilding(String),
    /// Filled by the store: this person is already on the roster.
    AlreadyOnRoster,
    /// A cell holding a formula ("=A1&B1"), which we never evaluate.
    FormulaCell(String),
}

impl ProblemKind {
    /// Stable snake_case code, the key of the localised message.
    pub fn code(&self) -> &'static str {
        match self {
            ProblemKind::MissingName => "missing_name",
            ProblemKind::BadName => "bad_name",
            ProblemKind::BadGender(_) => "bad_gender",
            ProblemKind::BadBirthYear(_) => "bad_birth_year",
            ProblemKind::BadPhone(_) => "bad_phone",
            ProblemKind::MissingBuilding => "missing_building",
            ProblemKind::MissingRoom => "missing_room",
            ProblemKind::BadLabel(_) => "bad_label",
            ProblemKind::UnknownTag(_) => "unknown_tag",
            ProblemKind::DuplicatePerson { .. } => "duplicate_person",
            ProblemKind::UnknownBuilding(_) => "unknown_building",
            ProblemKind::AlreadyOnRoster => "already_on_roster",
            ProblemKind::FormulaCell(_) => "formula_cell",
        }
    }

    /// The offending value for the message (for a duplicate, the earlier row's number), if the kind has one.
    pub fn value(&self) -> Option<String> {
        match self {
            ProblemKind::BadGender(v)
            | ProblemKind::BadBirthYear(v)
            | ProblemKind::BadPhone(v)
            | ProblemKind::BadLabel(v)
            | ProblemKind::UnknownTag(v)
            | ProblemKind::UnknownBuilding(v)
            | ProblemKind::FormulaCell(v) => Some(v.clone()),
            ProblemKind::DuplicatePerson { first_row } => Some(first_row.to_string()),
            ProblemKind::MissingName
            | ProblemKind::BadName
            | ProblemKind::MissingBuilding
            | ProblemKind::MissingRoom
            | ProblemKind::AlreadyOnRoster => None,
        }
    }

    fn from_grid(err: GridError) -> ProblemKind {
        match err {
            GridError::BadPhone(v) => ProblemKind::BadPhone(v),
            GridError::BadBirthYear(v) => ProblemKind::BadBirthYear(v),
            GridError::BadName => ProblemKind::BadName,
            GridError::BadGender(v) => ProblemKind::BadGender(v),
            GridError::BadTag(v) | GridError::BadAgeBand(v) => ProblemKind::UnknownTag(v),
            GridError::BadLabel(v) => ProblemKind::BadLabel(v),
        }
    }
}

/// Plain Chinese fallback; the web layer localises by [`ProblemKind::code`].
impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::MissingName => f.write_str("没有填姓名"),
            ProblemKind::BadName => f.write_str("姓名要有 1 到 30 个字，且不能只有数字或符号"),
            ProblemKind::BadGender(v) => write!(f, "性别只能填“男”或“女”（{v}）"),
            ProblemKind::BadBirthYear(v) => write!(f, "出生年份或日期不对（{v}）"),
            ProblemKind::BadPhone(v) => write!(f, "手机号码格式不对（{v}）"),
            ProblemKind::MissingBuilding => f.write_str("没有填楼栋"),
            ProblemKind::MissingRoom => f.write_str("没有填房号"),
            ProblemKind::BadLabel(v) => write!(f, "院落、楼栋、单元或房号要有 1 到 40 个字（{v}）"),
            ProblemKind::UnknownTag(v) => write!(f, "不认识的人员标签（{v}）"),
            ProblemKind::DuplicatePerson { first_row } => {
                write!(f, "和第 {first_row} 行是同一个人")
            }
            ProblemKind::UnknownBuilding(v) => write!(f, "社区里没有这个楼栋（{v}）"),
            ProblemKind::AlreadyOnRoster => f.write_str("这个人已经在名单上了"),
            ProblemKind::FormulaCell(v) => write!(f, "单元格里是公式，请改成数值后再上传（{v}）"),
        }
    }
}

/// "第 12 行：手机号码格式不对（13800）".
impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第 {} 行：{}", self.row_no, self.kind)
    }
}

/// Why an upload was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RosterError {
    /// No row within the first 10 has at least a name column (姓名) and a building column (楼栋).
    #[error("前 10 行里找不到表头：表头至少要有“姓名”和“楼栋”两列")]
    NoHeader,
    #[error("名单超过 {max} 行，请分批上传")]
    TooManyRows { max: usize },
    /// Every problem of every row, in row order.
    #[error("名单里有 {} 处问题", .0.len())]
    Problems(Vec<RowProblem>),
}

impl RosterError {
    /// Stable snake_case code, the key of the localised message.
    pub fn code(&self) -> &'static str {
        match self {
            RosterError::NoHeader => "no_header",
            RosterError::TooManyRows { .. } => "too_many_rows",
            RosterError::Problems(_) => "roster_problems",
        }
    }
}

/// Recognises the header texts social workers use (Chinese or English, spaces, full-width forms, a trailing
/// "*" or "(手机)" ignored).
pub fn header_column(text: &str) -> Option<Column> {
    let squeezed: String =
        normalize_text(text).chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let decoration = |c: char| matches!(c, '*' | ':');
    let key = squeezed.trim_matches(decoration);
    let key = match key.rfind('(') {
        Some(open) if open > 0 && key.ends_with(')') => &key[..open],
        _ => key,
    };
    let key = key.trim_matches(decoration);
    let column = match key {
        "姓名" | "名字" | "居民姓名" | "name" => Column::Name,
        "性别" | "gender" | "sex" => Column::Gender,
        "出生年份" | "出生年" | "年份" | "birth_year" | "birthyear" => Column::BirthYear,
        "出生日期" | "出生年月" | "生日" | "birth_date" | "birthdate" | "birthday" => Column::BirthDate,
        "联系电话" | "手机号码" | "手机号" | "电话" | "手机" | "联系方式" | "电话号码" | "phone" | "mobile" => {
            Column::Phone
        }
        "院落" | "小区" | "courtyard" => Column::Courtyard,
        "楼栋" | "楼号" | "栋" | "楼栋号" | "building" => Column::Building,
        "单元" | "单元号" | "unit" => Column::Unit,
        "房号" | "门牌号" | "室" | "房间号" | "room" => Column::Room,
        "标签" | "人员类别" | "类别" | "tags" | "tag" => Column::Tags,
        "备注" | "note" | "notes" => Column::Note,
        _ => return None,
    };
    Some(column)
}

/// Turns the rows of one sheet into checked roster rows, or reports every problem of every row.
///
/// `this_year` bounds birth years (the module does not read the clock).
pub fn parse_rows(rows: &[Vec<Cell>], this_year: i32) -> Result<Vec<RosterRow>, RosterError> {
    let (parsed, problems) = check_rows(rows, this_year)?;
    if problems.is_empty() { Ok(parsed) } else { Err(RosterError::Problems(problems)) }
}

/// Like [`parse_rows`], but hands back the rows that are fine together with the problems of the others, so a
/// caller can add its own checks (unknown building, already on the roster) to the good rows and report every
/// problem of the file at once. Errors only for problems of the whole file (no header, too many rows).
pub fn check_rows(rows: &[Vec<Cell>], this_year: i32) -> Result<(Vec<RosterRow>, Vec<RowProblem>), RosterError> {
    let (header_index, layout) = find_header(rows).ok_or(RosterError::NoHeader)?;
    let data = rows.iter().enumerate().skip(header_index + 1);
    if data.clone().filter(|(_, row)| !is_blank_row(row)).count() > MAX_ROWS {
        return Err(RosterError::TooManyRows { max: MAX_ROWS });
    }

    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<[String; 5], usize> = HashMap::new();
    for (index, row) in data {
        if is_blank_row(row) {
            continue;
        }
        let row_no = index + 1;
        let mut kinds = Vec::new();
        let checked = layout.parse_row(row_no, row, this_year, &mut kinds);
        if let Some(checked) = checked {
            let key = person_key(&checked);
            match seen.get(&key) {
                Some(&first_row) => kinds.push(ProblemKind::DuplicatePerson { first_row }),
                None => {
                    seen.insert(key, row_no);
                }
            }
            if kinds.is_empty() {
                parsed.push(checked);
            }
        }
        problems.extend(kinds.into_iter().map(|kind| RowProblem { row_no, kind }));
    }
    Ok((parsed, problems))
}

/// Converts an Excel serial date to a date: serial 1 is 1900-01-01. Excel inherited Lotus 1-2-3's belief that
/// 1900 was a leap year, so serial 60 is a 29 February 1900 that never existed and every later serial is one day
/// ahead; we count serials above 59 from 1899-12-30 instead of 1899-12-31. A fraction (a time of day) is dropped.
pub fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    // 2958465 is 9999-12-31, Excel's last date.
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as u64;
    let epoch = if days > 59 { NaiveDate::from_ymd_opt(1899, 12, 30)? } else { NaiveDate::from_ymd_opt(1899, 12, 31)? };
    epoch.checked_add_days(chrono::Days::new(days))
}

// ---------------------------------------------------------------------------------------------------------------
// Internals

/// Which sheet columns feed which [`Column`]; a column may come from several sheet columns (e.g. 电话 and 手机),
/// the first non-empty one wins.
struct Layout {
    columns: Vec<(Column, usize)>,
}

fn find_header(rows: &[Vec<Cell>]) -> Option<(usize, Layout)> {
    rows.iter().take(HEADER_SEARCH_ROWS).enumerate().find_map(|(index, row)| {
        let columns: Vec<(Column, usize)> = row
            .iter()
            .enumerate()
            .filter_map(|(position, cell)| match cell {
                Cell::Text(text) => header_column(text).map(|column| (column, position)),
                _ => None,
            })
            .collect();
        let has = |wanted: Column| columns.iter().any(|&(column, _)| column == wanted);
        (has(Column::Name) && has(Column::Building)).then_some((index, Layout { columns }))
    })
}

fn is_blank(cell: &Cell) -> bool {
    match cell {
        Cell::Empty => true,
        Cell::Text(text) => normalize_text(text).is_empty(),
        Cell::Number(_) | Cell::Date { .. } | Cell::Bool(_) => false,
    }
}

fn is_blank_row(row: &[Cell]) -> bool {
    row.iter().all(is_blank)
}

/// 13800138000.0 → "13800138000", 1.0 → "1"; other numbers as Rust prints them.
fn number_text(number: f64) -> String {
    if number.is_finite() && number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// The cell as normalised text; `None` when blank.
fn cell_text(cell: &Cell) -> Option<String> {
    let text = match cell {
        Cell::Empty => return None,
        Cell::Text(text) => normalize_text(text),
        Cell::Number(number) => number_text(*number),
        Cell::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
        Cell::Bool(value) => value.to_string(),
    };
    (!text.is_empty()).then_some(text)
}

impl Layout {
    /// The first non-blank cell of `column` and its text; a formula is reported and treated as missing.
    fn field<'r>(
        &self,
        row: &'r [Cell],
        column: Column,
        problems: &mut Vec<ProblemKind>,
    ) -> Option<(&'r Cell, String)> {
        let (cell, text) = self
            .columns
            .iter()
            .filter(|&&(c, _)| c == column)
            .filter_map(|&(_, position)| row.get(position))
            .find_map(|cell| cell_text(cell).map(|text| (cell, text)))?;
        if text.starts_with('=') {
            problems.push(ProblemKind::FormulaCell(text));
            return None;
        }
        Some((cell, text))
    }

    fn parse_row(
        &self,
        row_no: usize,
        row: &[Cell],
        this_year: i32,
        problems: &mut Vec<ProblemKind>,
    ) -> Option<RosterRow> {
        let mut note_parts = Vec::new();

        let before = problems.len();
        let name = match self.field(row, Column::Name, problems) {
            Some((_, text)) => PersonName::parse(&text).map_err(|_| ProblemKind::BadName).ok_or_push(problems),
            None => {
                // A formula was reported already; "missing" on top of it would confuse.
                if problems.len() == before {
                    problems.push(ProblemKind::MissingName);
                }
                None
            }
        };

        let gender = self
            .field(row, Column::Gender, problems)
            .and_then(|(_, text)| Gender::parse(&text).map_err(ProblemKind::from_grid).ok_or_push(problems));

        let birth_cell =
            self.field(row, Column::BirthYear, problems).or_else(|| self.field(row, Column::BirthDate, problems));
        let birth_year = birth_cell.and_then(|(cell, text)| {
            birth_year_of(cell, &text, this_year).map_err(|_| ProblemKind::BadBirthYear(text)).ok_or_push(problems)
        });

        let phone = self.field(row, Column::Phone, problems).and_then(|(_, text)| match phones(&text) {
            Some((first, others)) => {
                if !others.is_empty() {
                    let others: Vec<&str> = others.iter().map(Phone::as_str).collect();
                    note_parts.push(format!("其他电话：{}", others.join("、")));
                }
                Some(first)
            }
            None => {
                problems.push(ProblemKind::BadPhone(text));
                None
            }
        });

        let label = |column: Column, missing: Option<ProblemKind>, problems: &mut Vec<ProblemKind>| {
            let before = problems.len();
            match self.field(row, column, problems) {
                Some((_, text)) => Label::parse(&text).map_err(ProblemKind::from_grid).ok_or_push(problems),
                None => {
                    if let Some(missing) = missing.filter(|_| problems.len() == before) {
                        problems.push(missing);
                    }
                    None
                }
            }
        };
        let courtyard = label(Column::Courtyard, None, problems);
        let building = label(Column::Building, Some(ProblemKind::MissingBuilding), problems);
        let unit = label(Column::Unit, None, problems);
        let room = label(Column::Room, Some(ProblemKind::MissingRoom), problems);

        let mut tags = Vec::new();
        let mut unknown_words = Vec::new();
        if let Some((_, text)) = self.field(row, Column::Tags, problems) {
            let separators = [',', '，', '、', ';', '；', '/', '／'];
            for word in text.split(|c: char| separators.contains(&c) || c.is_whitespace()) {
                if word.is_empty() {
                    continue;
                }
                match Tag::from_chinese(word).or_else(|| Tag::parse(word).ok()) {
                    Some(tag) if !tags.contains(&tag) => tags.push(tag),
                    Some(_) => {}
                    None => unknown_words.push(word.to_owned()),
                }
            }
        }
        let note = self.field(row, Column::Note, problems).map(|(_, text)| text);

        let note_parts: Vec<String> = note
            .into_iter()
            .chain((!unknown_words.is_empty()).then(|| unknown_words.join("、")))
            .chain(note_parts)
            .collect();
        let note = (!note_parts.is_empty()).then(|| note_parts.join("；"));

        Some(RosterRow {
            row_no,
            name: name?,
            gender,
            birth_year,
            phone,
            courtyard,
            building: building?,
            unit,
            room: room?,
            tags,
            note,
        })
    }
}

trait OkOrPush<T> {
    /// The value, or `None` after recording the problem.
    fn ok_or_push(self, problems: &mut Vec<ProblemKind>) -> Option<T>;
}

impl<T> OkOrPush<T> for Result<T, ProblemKind> {
    fn ok_or_push(self, problems: &mut Vec<ProblemKind>) -> Option<T> {
        self.map_err(|kind| problems.push(kind)).ok()
    }
}

/// A birth year from a Date cell, a Number (a year, a yyyymmdd number, or an Excel serial date), or text.
fn birth_year_of(cell: &Cell, text: &str, this_year: i32) -> Result<BirthYear, GridError> {
    match cell {
        Cell::Date { year, .. } => BirthYear::new(*year, this_year),
        Cell::Number(number) => {
            let number = *number;
            let whole = number.fract() == 0.0;
            if whole && (1900.0..=f64::from(this_year)).contains(&number) {
                // A year typed as a number. Serials 1900–this year would be dates in 1905: nobody that old is on
                // a roster, so the year reading wins.
                BirthYear::new(number as i32, this_year)
            } else if whole && (19_000_101.0..=99_991_231.0).contains(&number) {
                BirthYear::parse(&number_text(number), this_year)
            } else {
                let date = excel_serial_to_date(number).ok_or_else(|| GridError::BadBirthYear(text.to_owned()))?;
                BirthYear::new(date.year(), this_year)
            }
        }
        Cell::Empty | Cell::Text(_) | Cell::Bool(_) => BirthYear::parse(text, this_year),
    }
}

/// One or more phone numbers in a cell ("13800138000/028-85551234"): the first, and the others. `None` if any
/// part is not a phone number.
fn phones(text: &str) -> Option<(Phone, Vec<Phone>)> {
    let mut parsed = text
        .split(['/', '、', ',', ';', '，', '；'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| Phone::parse(part).ok());
    let first = parsed.next()??;
    let others = parsed.collect::<Option<Vec<Phone>>>()?;
    Some((first, others))
}

/// What makes two rows the same person. The courtyard is part of it: two courtyards may each have a "1栋 301".
fn person_key(row: &RosterRow) -> [String; 5] {
    [
        row.name.as_str().to_owned(),
        row.courtyard.as_ref().map(|c| building_key(c.as_str())).unwrap_or_default(),
        building_key(row.building.as_str()),
        row.unit.as_ref().map(|u| unit_key(u.as_str())).unwrap_or_default(),
        room_key(row.room.as_str()),
    ]
}

mod keys;
#[cfg(test)]
use keys::chinese_number;
pub use keys::{building_key, room_key, unit_key};

#[cfg(test)]
mod tests;

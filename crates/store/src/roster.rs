//! Roster import and export: spreadsheet → checked rows → one transaction, and the roster back out as `.xlsx`.
//! The CLI (`weizhili import residents`) and the staff upload page both call [`import_residents`].
//!
//! All-or-nothing: every bad row is reported (row number and reason) and nothing is written until the whole
//! file is clean; a row the database refuses during the write (the roster changed since the checks) rolls the
//! whole file back. Formulas are never evaluated: a formula cell is reported so the uploader pastes values.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use weizhili_core::access::ListScope;
use weizhili_core::roster::{
    Cell, ProblemKind, RosterError, RosterRow, RowProblem, building_key, check_rows, room_key, unit_key,
};

use crate::entity::{household, resident};
use crate::grid::{self, NewHousehold, ResidentFields, ResidentFilter};
use crate::{Result, StoreError, audit, begin_write};

/// Largest upload accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("the file is not a spreadsheet this program can read ({0})")]
    Unreadable(String),
    #[error("{0:?}")]
    Rejected(RosterError),
    /// The database refused row `row_no` while the file was written: the roster changed after the checks
    /// (someone added the same household meanwhile). Nothing was written; importing again checks the file
    /// against the roster as it is now.
    #[error("row {row_no}: the roster changed during the import ({code}); nothing was imported")]
    Changed { row_no: usize, code: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        ImportError::Store(StoreError::Db(e))
    }
}

/// What kind of file the bytes are, from the name the uploader gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Csv,
}

impl FileKind {
    pub fn from_name(name: &str) -> Option<FileKind> {
        let lower = name.to_lowercase();
        if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".xlsm") || lower.ends_with(".ods") {
            Some(FileKind::Xlsx)
        } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
            Some(FileKind::Csv)
        } else {
            None
        }
    }
}

/// Reads the first sheet into cells, row by row, so that row numbers match what the uploader sees.
pub fn read_cells(bytes: &[u8], kind: FileKind) -> Result<Vec<Vec<Cell>>, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge { max: MAX_FILE_BYTES });
    }
    match kind {
        FileKind::Xlsx => read_workbook(bytes),
        FileKind::Csv => read_csv(bytes),
    }
}

/// The most a spreadsheet may hold unpacked (a roster of 20,000 people is a few MB): a small file that
/// unpacks to gigabytes (a "zip bomb") is refused before anything is unpacked.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// Columns read from a row; a roster has about twenty. Cells further right are ignored.
const MAX_COLUMNS: u32 = 64;

fn read_workbook(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, ImportError> {
    if bytes.starts_with(b"PK") {
        check_unpacked_size(bytes)?;
        if let Ok(book) = calamine::Xlsx::new(Cursor::new(bytes)) {
            return stream_xlsx(book);
        }
    }
    // .xls (at most 65,536 rows by 256 columns) and .ods, read whole.
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(ImportError::Unreadable("no sheet".into()));
    };
    let range = book.worksheet_range(&name).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let formulas = book.worksheet_formula(&name).ok();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for cell in range.used_cells() {
        let (r, c) = (cell.0 as u32, cell.1 as u32);
        let abs = (range.start().unwrap_or((0, 0)).0 + r, range.start().unwrap_or((0, 0)).1 + c);
        let formula = formulas.as_ref().and_then(|f| f.get_value(abs)).filter(|f| !f.is_empty()).cloned();
        if !place(&mut rows, abs, formula.map(|f| Cell::Text(format!("={f}"))).unwrap_or_else(|| to_cell(cell.2))) {
            break;
        }
    }
    Ok(rows)
}

/// Refuses an archive whose files would unpack to more than [`MAX_UNPACKED_BYTES`], by the sizes its directory
/// declares (the unpacker stops at a file's declared size, so a file cannot unpack to more).
fn check_unpacked_size(bytes: &[u8]) -> Result<(), ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(|e| ImportError::Unreadable(e.to_string()))?;
        total = total.saturating_add(file.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(ImportError::TooLarge { max: MAX_FILE_BYTES });
    }
    Ok(())
}

/// Reads the first sheet of an .xlsx cell by cell, never holding more than the rows a roster may have: a sheet
/// that names a cell a million rows down costs nothing (reading it whole would make room for every cell between).
fn stream_xlsx(mut book: calamine::Xlsx<Cursor<&[u8]>>) -> Result<Vec<Vec<Cell>>, ImportError> {
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(ImportError::Unreadable("no sheet".into()));
    };
    let mut reader = book.worksheet_cells_reader(&name).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    while let Some(cell) = reader.next_cell_with_formula().map_err(|e| ImportError::Unreadable(e.to_string()))? {
        let value = match cell.formula.filter(|f| !f.is_empty()) {
            Some(f) => Cell::Text(format!("={f}")),
            None => to_cell(&Data::from(cell.value)),
        };
        if !place(&mut rows, cell.pos, value) {
            break;
        }
    }
    Ok(rows)
}

/// Puts a cell at its (row, column), so that row numbers match what the uploader sees. False once past the most
/// rows a roster may have (enough beyond it for `core` to say the file is too long).
fn place(rows: &mut Vec<Vec<Cell>>, (r, c): (u32, u32), value: Cell) -> bool {
    let (r, c) = (r as usize, c as usize);
    if r > weizhili_core::roster::MAX_ROWS + 20 {
        return false;
    }
    if c >= MAX_COLUMNS as usize {
        return true;
    }
    if rows.len() <= r {
        rows.resize_with(r + 1, Vec::new);
    }
    let row = &mut rows[r];
    if row.len() <= c {
        row.resize_with(c + 1, || Cell::Empty);
    }
    row[c] = value;
    true
}

fn to_cell(data: &Data) -> Cell {
    match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => excel_date(dt.as_f64()).unwrap_or(Cell::Number(dt.as_f64())),
    }
}

/// An Excel date serial (days since 1899-12-30, for dates after March 1900) as a date.
fn excel_date(serial: f64) -> Option<Cell> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let date = base.checked_add_signed(chrono::Duration::days(serial.floor() as i64))?;
    Some(Cell::Date { year: date.year(), month: date.month(), day: date.day() })
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Excel in China saves CSV as GBK; anything that is not valid UTF-8 is read as GBK.
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GBK.decode(bytes);
            if had_errors {
                return Err(ImportError::Unreadable("neither UTF-8 nor GBK text".into()));
            }
            text.into_owned()
        }
    };
    if text.contains('\0') {
        return Err(ImportError::Unreadable("binary data".into()));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Unreadable(e.to_string()))?;
        rows.push(
            record.iter().map(|s| if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.to_owned()) }).collect(),
        );
        if rows.len() > weizhili_core::roster::MAX_ROWS + 20 {
            break;
        }
    }
    Ok(rows)
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub residents: usize,
    pub new_households: usize,
}

/// Who is importing, for the audit log.
#[derive(Debug, Clone)]
pub struct ImportBy {
    pub user_id: Option<i64>,
    pub login: String,
    pub ip: Option<String>,
}

/// A file whose every row passed [`check_import`], with the place each row goes: what [`write_import`] writes.
#[derive(Debug)]
pub struct CheckedImport {
    community_id: i64,
    rows: Vec<PlacedRow>,
    /// The community's households when the file was checked, by (building, unit key, room key).
    households: HashMap<(i64, String, String), i64>,
}

#[derive(Debug)]
struct PlacedRow {
    row: RosterRow,
    building_id: i64,
    unit: String,
    room: String,
}

impl CheckedImport {
    /// How many residents the file adds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Checks every row against the community's buildings and residents, then writes them all in one transaction,
/// or nothing. `progress(done, total)` is called as rows are written.
pub async fn import_residents(
    db: &DatabaseConnection,
    community_id: i64,
    cells: &[Vec<Cell>],
    this_year: i32,
    by: ImportBy,
    now: DateTime<Utc>,
    progress: impl Fn(usize, usize),
) -> Result<Imported, ImportError> {
    let checked = check_import(db, community_id, cells, this_year).await?;
    write_import(db, checked, by, now, progress).await
}

/// The checks of [`import_residents`]: every bad row is reported, nothing is written. They read outside the
/// write transaction (a file of thousands of rows must not hold SQLite's one writer while it is checked), so
/// the roster may change before [`write_import`]; the database's own constraints catch what matters.
pub async fn check_import(
    db: &DatabaseConnection,
    community_id: i64,
    cells: &[Vec<Cell>],
    this_year: i32,
) -> Result<CheckedImport, ImportError> {
    let (rows, mut problems) = check_rows(cells, this_year).map_err(ImportError::Rejected)?;
    let buildings: HashMap<String, grid::Building> =
        grid::buildings_of_community(db, community_id).await?.into_iter().map(|b| (b.key.clone(), b)).collect();
    let households: HashMap<(i64, String, String), i64> = household::Entity::find()
        .filter(household::Column::CommunityId.eq(community_id))
        .all(db)
        .await?
        .into_iter()
        .map(|h| ((h.building_id, h.unit, h.room), h.id))
        .collect();
    let on_roster: HashSet<(i64, String)> = resident::Entity::find()
        .filter(resident::Column::CommunityId.eq(community_id))
        .filter(resident::Column::MovedOutAt.is_null())
        .order_by_asc(resident::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.household_id, r.name))
        .collect();

    let mut placed: Vec<PlacedRow> = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(building) = buildings.get(&building_key(row.building.as_str())) else {
            problems.push(RowProblem {
                row_no: row.row_no,
                kind: ProblemKind::UnknownBuilding(row.building.as_str().to_owned()),
            });
            continue;
        };
        let unit = row.unit.as_ref().map(|u| unit_key(u.as_str())).unwrap_or_default();
        let room = room_key(row.room.as_str());
        if let Some(&hid) = households.get(&(building.id, unit.clone(), room.clone()))
            && on_roster.contains(&(hid, row.name.as_str().to_owned()))
        {
            problems.push(RowProblem { row_no: row.row_no, kind: ProblemKind::AlreadyOnRoster });
            continue;
        }
        placed.push(PlacedRow { row, building_id: building.id, unit, room });
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row_no);
        return Err(ImportError::Rejected(RosterError::Problems(problems)));
    }
    Ok(CheckedImport { community_id, rows: placed, households })
}

/// Writes a checked file in one transaction: every row, or none when the database refuses one (another writer
/// added the same household since the checks: [`ImportError::Changed`]).
pub async fn write_import(
    db: &DatabaseConnection,
    checked: CheckedImport,
    by: ImportBy,
    now: DateTime<Utc>,
    progress: impl Fn(usize, usize),
) -> Result<Imported, ImportError> {
    let CheckedImport { community_id, rows, households } = checked;
    let txn = begin_write(db).await?;
    let mut created_households: HashMap<(i64, String, String), grid::Household> = HashMap::new();
    let mut new_households = 0;
    let total = rows.len();
    for (done, PlacedRow { row, building_id, unit, room }) in rows.into_iter().enumerate() {
        let changed = |e: StoreError| match e {
            StoreError::Conflict(code) => ImportError::Changed { row_no: row.row_no, code },
            StoreError::NotFound => ImportError::Changed { row_no: row.row_no, code: "household_gone" },
            e => ImportError::Store(e),
        };
        let key = (building_id, unit.clone(), room.clone());
        let household = match (households.get(&key), created_households.get(&key)) {
            (_, Some(h)) => h.clone(),
            (Some(&id), None) => grid::household(&txn, id).await?.ok_or(StoreError::NotFound).map_err(changed)?,
            (None, None) => {
                let h = grid::create_household(
                    &txn,
                    NewHousehold { community_id, building_id, unit, room, status: "occupied".into() },
                    now,
                )
                .await
                .map_err(changed)?;
                new_households += 1;
                created_households.insert(key, h.clone());
                h
            }
        };
        let fields = ResidentFields {
            name: row.name.as_str().to_owned(),
            gender: row.gender.map(|g| g.as_str().to_owned()),
            birth_year: row.birth_year.map(|b| b.get()),
            phone: row.phone.as_ref().map(|p| p.as_str().to_owned()),
            relation: None,
            skills: String::new(),
            hobbies: String::new(),
            note: row.note.clone(),
            tags: row.tags.clone(),
            consent_basis: None,
        };
        grid::create_resident(&txn, &household, fields, by.user_id, now).await.map_err(changed)?;
        if done % 50 == 0 || done + 1 == total {
            progress(done + 1, total);
        }
    }
    audit::record(
        &txn,
        now,
        audit::Entry {
            community_id: Some(community_id),
            user_id: by.user_id,
            login: Some(by.login),
            ip: by.ip,
            ..audit::Entry::new("roster.import").detail(format!("residents={total} households={new_households}"))
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Imported { residents: total, new_households })
}

/// The roster of one community as an `.xlsx` workbook (unmasked: the caller checks the right and audits).
pub async fn export_residents(db: &impl ConnectionTrait, community_id: i64, this_year: i32) -> Result<Vec<u8>> {
    let scope = ListScope::Communities(vec![community_id]);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let xl = |e: rust_xlsxwriter::XlsxError| StoreError::Invalid(e.to_string());
    sheet.set_name("居民花名册").map_err(xl)?;
    let headers = ["姓名", "性别", "出生年份", "联系电话", "楼栋", "单元", "房号", "标签", "技能", "爱好", "备注"];
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(xl)?;
    }
    let mut page = 1;
    let mut r: u32 = 1;
    loop {
        let filter = ResidentFilter { community_id: Some(community_id), page, per_page: 200, ..Default::default() };
        let found = grid::residents(db, &scope, &filter, this_year).await?;
        for row in &found.rows {
            let p = &row.resident;
            let gender = match p.gender.as_deref() {
                Some("male") => "男",
                Some("female") => "女",
                _ => "",
            };
            let tags: Vec<&str> = row.tags.iter().map(|t| t.zh()).collect();
            let values = [
                p.name.as_str(),
                gender,
                &p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                p.phone.as_deref().unwrap_or(""),
                &row.building_name,
                &row.unit,
                &row.room,
                &tags.join("、"),
                &p.skills,
                &p.hobbies,
                p.note.as_deref().unwrap_or(""),
            ];
            for (c, v) in values.iter().enumerate() {
                // Written as strings, never formulas, whatever the text starts with.
                sheet.write_string(r, c as u16, *v).map_err(xl)?;
            }
            r += 1;
        }
        if page >= found.pages() {
            break;
        }
        page += 1;
    }
    sheet.set_column_width(3, 14).map_err(xl)?;
    book.save_to_buffer().map_err(xl)
}

/// Sorted for stable output in tests and messages.
pub fn problems_of(err: &ImportError) -> Vec<RowProblem> {
    match err {
        ImportError::Rejected(RosterError::Problems(p)) => p.clone(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;

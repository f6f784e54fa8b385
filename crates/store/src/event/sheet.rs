//! The sign-in sheet (签到表) of a session as an Excel workbook: a heading, the people with how they came and
//! when they checked in, a column to sign, and blank numbered rows for walk-ins. The words come from the
//! caller, in the reader's language.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

use crate::{Result, StoreError};

/// What the sheet says: its name (the worksheet's), two heading lines, six column headings (no., name,
/// address, how, checked in, signature) and the rows (name, address, how, check-in time).
pub struct SignInSheet {
    pub sheet_name: String,
    pub heading: String,
    pub when: String,
    pub columns: [String; 6],
    pub rows: Vec<[String; 4]>,
    pub blank_rows: usize,
}

pub fn sign_in_sheet_xlsx(sheet: &SignInSheet) -> Result<Vec<u8>> {
    write(sheet).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn write(s: &SignInSheet) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(&s.sheet_name)?;
    let bold = Format::new().set_bold();
    let cell = Format::new().set_border(FormatBorder::Thin);
    let head = Format::new().set_bold().set_border(FormatBorder::Thin);
    ws.write_with_format(0, 0, &s.heading, &bold)?;
    ws.write(1, 0, &s.when)?;
    for (i, title) in s.columns.iter().enumerate() {
        ws.write_with_format(3, i as u16, title, &head)?;
    }
    let mut row = 4u32;
    for (n, r) in s.rows.iter().enumerate() {
        ws.write_with_format(row, 0, (n + 1) as u32, &cell)?;
        for (col, value) in r.iter().enumerate() {
            ws.write_with_format(row, col as u16 + 1, value, &cell)?;
        }
        ws.write_with_format(row, 5, "", &cell)?;
        row += 1;
    }
    for n in 0..s.blank_rows {
        ws.write_with_format(row, 0, (s.rows.len() + n + 1) as u32, &cell)?;
        for col in 1..6u16 {
            ws.write_with_format(row, col, "", &cell)?;
        }
        row += 1;
    }
    for (col, width) in [(0u16, 6.0), (1, 14.0), (2, 24.0), (3, 12.0), (4, 10.0), (5, 16.0)] {
        ws.set_column_width(col, width)?;
    }
    book.save_to_buffer()
}

//! Reading spreadsheets that try to make the server unpack or hold too much.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::io::Write;

use super::*;

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    // 80 MB of zeros packs into well under a megabyte.
    let mut packed = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(Cursor::new(&mut packed));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..80 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    assert!(packed.len() < MAX_FILE_BYTES, "the bomb is small: {} bytes", packed.len());
    match read_cells(&packed, FileKind::Xlsx) {
        Err(ImportError::TooLarge { .. }) => {}
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn a_cell_far_down_and_right_costs_nothing_and_the_rows_above_are_read() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(1, 0, "张三").unwrap();
    sheet.write_string(1, 200, "far right").unwrap();
    sheet.write_string(1_048_000, 16_000, "far away").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let rows = read_cells(&bytes, FileKind::Xlsx).unwrap();
    assert!(rows.len() <= weizhili_core::roster::MAX_ROWS + 21, "{} rows held", rows.len());
    assert_eq!(rows[1][0], Cell::Text("张三".into()));
    assert!(rows.iter().all(|r| r.len() <= MAX_COLUMNS as usize), "columns beyond the roster's are not held");
}

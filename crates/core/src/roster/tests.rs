//! Tests of the parent module.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::HashSet;

use super::*;
use proptest::prelude::*;

const THIS_YEAR: i32 = 2026;

fn t(text: &str) -> Cell {
    Cell::Text(text.to_owned())
}

fn n(number: f64) -> Cell {
    Cell::Number(number)
}

fn texts(cells: &[&str]) -> Vec<Cell> {
    cells.iter().map(|text| if text.is_empty() { Cell::Empty } else { t(text) }).collect()
}

/// 姓名 性别 出生年份 联系电话 楼栋 单元 房号 标签 备注
fn header() -> Vec<Cell> {
    texts(&["姓名", "性别", "出生年份", "联系电话", "楼栋", "单元", "房号", "标签", "备注"])
}

fn ok(rows: &[Vec<Cell>]) -> Vec<RosterRow> {
    match parse_rows(rows, THIS_YEAR) {
        Ok(parsed) => parsed,
        Err(err) => panic!("expected rows, got {err:?}"),
    }
}

fn problems(rows: &[Vec<Cell>]) -> Vec<(usize, ProblemKind)> {
    match parse_rows(rows, THIS_YEAR) {
        Err(RosterError::Problems(problems)) => problems.into_iter().map(|p| (p.row_no, p.kind)).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn a_plain_roster_with_a_title_row_and_blank_rows() {
    let rows = vec![
        texts(&["幸福里社区居民花名册"]),
        texts(&["", "", "  "]),
        header(),
        texts(&["张三", "男", "1948", "13800138000", "1栋", "2单元", "301", "党员", "腿脚不便"]),
        vec![Cell::Empty, t("\u{3000}"), t(" ")],
        vec![],
        texts(&["李四", "女", "", "", "2栋", "", "101", "", ""]),
    ];
    let parsed = ok(&rows);
    assert_eq!(parsed.len(), 2);
    let zhang = &parsed[0];
    assert_eq!(zhang.row_no, 4);
    assert_eq!(zhang.name.as_str(), "张三");
    assert_eq!(zhang.gender, Some(Gender::Male));
    assert_eq!(zhang.birth_year.map(BirthYear::get), Some(1948));
    assert_eq!(zhang.phone.as_ref().map(Phone::as_str), Some("13800138000"));
    assert_eq!(zhang.courtyard, None);
    assert_eq!(zhang.building.as_str(), "1栋");
    assert_eq!(zhang.unit.as_ref().map(Label::as_str), Some("2单元"));
    assert_eq!(zhang.room.as_str(), "301");
    assert_eq!(zhang.tags, [Tag::PartyMember]);
    assert_eq!(zhang.note.as_deref(), Some("腿脚不便"));
    let li = &parsed[1];
    assert_eq!(li.row_no, 7);
    assert_eq!((li.birth_year, li.phone.as_ref(), li.unit.as_ref()), (None, None, None));
    assert!(li.tags.is_empty());
    assert_eq!(li.note, None);
}

#[test]
fn headers_in_odd_order_with_decorations_and_unknown_columns() {
    let rows = vec![
        texts(&["房号", "序号", "联系电话（手机）", "  姓 名* ", "院落", "楼号", "身份证号"]),
        texts(&["301", "1", "13800138000", "张三", "东院", "3号楼", "510100194803020000"]),
    ];
    let parsed = ok(&rows);
    assert_eq!(parsed[0].room.as_str(), "301");
    assert_eq!(parsed[0].name.as_str(), "张三");
    assert_eq!(parsed[0].courtyard.as_ref().map(Label::as_str), Some("东院"));
    assert_eq!(parsed[0].building.as_str(), "3号楼");
    assert!(parsed[0].phone.is_some());
}

#[test]
fn english_headers_case_insensitive() {
    let rows = vec![
        texts(&["Name", "GENDER", "Birth_Year", "Phone", "Courtyard", "Building", "Unit", "Room", "Tags", "Note"]),
        texts(&["Li Lei", "M", "1990", "13912345678", "A", "1", "1", "101", "party_member", "hi"]),
    ];
    let parsed = ok(&rows);
    assert_eq!(parsed[0].name.as_str(), "Li Lei");
    assert_eq!(parsed[0].tags, [Tag::PartyMember]);
    assert_eq!(parsed[0].note.as_deref(), Some("hi"));
}

#[test]
fn header_texts_social_workers_use() {
    let cases = [
        (Column::Name, &["姓名", "名字", "居民姓名", "name", "姓　名"][..]),
        (Column::Gender, &["性别", "Gender"]),
        (Column::BirthYear, &["出生年份", "出生年", "年份", "birth_year"]),
        (Column::BirthDate, &["出生日期", "出生年月", "生日"]),
        (Column::Phone, &["联系电话", "手机号码", "手机号", "电话", "手机", "联系方式", "phone"]),
        (Column::Courtyard, &["院落", "小区", "courtyard"]),
        (Column::Building, &["楼栋", "楼号", "栋", "楼栋号", "building", "楼栋*"]),
        (Column::Unit, &["单元", "单元号", "unit"]),
        (Column::Room, &["房号", "门牌号", "室", "房间号", "room"]),
        (Column::Tags, &["标签", "人员类别", "类别", "tags"]),
        (Column::Note, &["备注", "note", "备注："]),
    ];
    for (column, texts) in cases {
        for text in texts {
            assert_eq!(header_column(text), Some(column), "{text}");
        }
    }
    for text in ["序号", "身份证号", "", "幸福里社区居民花名册", "(手机)"] {
        assert_eq!(header_column(text), None, "{text}");
    }
}

#[test]
fn no_header_within_the_first_ten_rows() {
    let mut rows: Vec<Vec<Cell>> = (0..10).map(|i| texts(&[&format!("说明 {i}")])).collect();
    rows.push(header());
    rows.push(texts(&["张三", "", "", "", "1栋", "", "301", "", ""]));
    assert_eq!(parse_rows(&rows, THIS_YEAR), Err(RosterError::NoHeader));
    // A header without a building column is no header.
    let rows = vec![texts(&["姓名", "房号"]), texts(&["张三", "301"])];
    assert_eq!(parse_rows(&rows, THIS_YEAR), Err(RosterError::NoHeader));
    assert_eq!(parse_rows(&[], THIS_YEAR), Err(RosterError::NoHeader));
    assert_eq!(RosterError::NoHeader.code(), "no_header");
}

#[test]
fn the_header_on_the_tenth_row_is_found() {
    let mut rows: Vec<Vec<Cell>> = (0..9).map(|_| vec![]).collect();
    rows.push(header());
    rows.push(texts(&["张三", "", "", "", "1栋", "", "301", "", ""]));
    assert_eq!(ok(&rows)[0].row_no, 11);
}

#[test]
fn full_width_digits_spaces_and_numbers_from_excel() {
    let rows = vec![
        header(),
        vec![
            t("\u{3000}王　秀英 "),
            t("女"),
            t("１９４８年"),
            t("１３８ ００１３ ８０００"),
            t("１栋"),
            t("２"),
            t("３０１ "),
            Cell::Empty,
            Cell::Empty,
        ],
        vec![t("赵六"), Cell::Empty, n(1948.0), n(13800138001.0), n(1.0), n(2.0), n(301.0)],
    ];
    let parsed = ok(&rows);
    let wang = &parsed[0];
    assert_eq!(wang.name.as_str(), "王 秀英");
    assert_eq!(wang.birth_year.map(BirthYear::get), Some(1948));
    assert_eq!(wang.phone.as_ref().map(Phone::as_str), Some("13800138000"));
    assert_eq!(wang.building.as_str(), "1栋");
    assert_eq!(wang.unit.as_ref().map(Label::as_str), Some("2"));
    assert_eq!(wang.room.as_str(), "301");
    let zhao = &parsed[1];
    assert_eq!(zhao.birth_year.map(BirthYear::get), Some(1948));
    assert_eq!(zhao.phone.as_ref().map(Phone::as_str), Some("13800138001"));
    assert_eq!(zhao.building.as_str(), "1");
    assert_eq!(zhao.unit.as_ref().map(Label::as_str), Some("2"));
    assert_eq!(zhao.room.as_str(), "301");
}

#[test]
fn birth_dates_as_serials_date_cells_numbers_and_text() {
    let rows = vec![
        texts(&["姓名", "出生日期", "楼栋", "房号"]),
        vec![t("甲"), n(17594.0), t("1"), t("101")],
        vec![t("乙"), n(17600.75), t("1"), t("102")],
        vec![t("丙"), Cell::Date { year: 1950, month: 5, day: 4 }, t("1"), t("103")],
        vec![t("丁"), t("1948-03-02"), t("1"), t("104")],
        vec![t("戊"), t("1948年3月"), t("1"), t("105")],
        vec![t("己"), t("1948"), t("1"), t("106")],
        vec![t("庚"), n(19480302.0), t("1"), t("107")],
        vec![t("辛"), n(1960.0), t("1"), t("108")],
    ];
    let years: Vec<i32> = ok(&rows).iter().map(|r| r.birth_year.unwrap().get()).collect();
    assert_eq!(years, [1948, 1948, 1950, 1948, 1948, 1948, 1948, 1960]);
}

#[test]
fn a_birth_year_column_wins_over_a_birth_date_column() {
    let rows = vec![
        texts(&["姓名", "出生日期", "出生年份", "楼栋", "房号"]),
        vec![t("甲"), t("1950-01-01"), t("1949"), t("1"), t("101")],
        vec![t("乙"), t("1950-01-01"), Cell::Empty, t("1"), t("102")],
    ];
    let years: Vec<i32> = ok(&rows).iter().map(|r| r.birth_year.unwrap().get()).collect();
    assert_eq!(years, [1949, 1950]);
}

#[test]
fn excel_serial_dates_follow_the_lotus_leap_year_bug() {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    assert_eq!(excel_serial_to_date(1.0), date(1900, 1, 1));
    assert_eq!(excel_serial_to_date(59.0), date(1900, 2, 28));
    assert_eq!(excel_serial_to_date(61.0), date(1900, 3, 1));
    assert_eq!(excel_serial_to_date(17594.0), date(1948, 3, 2));
    assert_eq!(excel_serial_to_date(17600.0), date(1948, 3, 8));
    assert_eq!(excel_serial_to_date(25569.0), date(1970, 1, 1));
    assert_eq!(excel_serial_to_date(25569.99), date(1970, 1, 1));
    assert_eq!(excel_serial_to_date(2_958_465.0), date(9999, 12, 31));
    assert_eq!(excel_serial_to_date(0.0), None);
    assert_eq!(excel_serial_to_date(-5.0), None);
    assert_eq!(excel_serial_to_date(f64::NAN), None);
    assert_eq!(excel_serial_to_date(3_000_000.0), None);
}

#[test]
fn tag_cells_keep_tags_and_move_other_words_to_the_note() {
    let rows = vec![
        header(),
        texts(&["张三", "", "", "", "1栋", "", "301", "党员、空巢 退休,党员；low_income/军属", "腿脚不便"]),
        texts(&["李四", "", "", "", "1栋", "", "302", "独居，高龄", ""]),
        texts(&["王五", "", "", "", "1栋", "", "303", "退休", ""]),
    ];
    let parsed = ok(&rows);
    assert_eq!(parsed[0].tags, [Tag::PartyMember, Tag::EmptyNest, Tag::LowIncome]);
    assert_eq!(parsed[0].note.as_deref(), Some("腿脚不便；退休、军属"));
    assert_eq!(parsed[1].tags, [Tag::LivingAlone, Tag::Aged]);
    assert_eq!(parsed[1].note, None);
    assert!(parsed[2].tags.is_empty());
    assert_eq!(parsed[2].note.as_deref(), Some("退休"));
}

#[test]
fn several_phones_in_one_cell_keep_the_first_and_note_the_rest() {
    let rows = vec![header(), texts(&["张三", "", "", "13800138000/028-85551234", "1栋", "", "301", "", ""])];
    let parsed = ok(&rows);
    assert_eq!(parsed[0].phone.as_ref().map(Phone::as_str), Some("13800138000"));
    assert_eq!(parsed[0].note.as_deref(), Some("其他电话：028-85551234"));
}

#[test]
fn the_same_person_twice_is_a_duplicate_whatever_the_spelling() {
    let rows = vec![
        texts(&["小区名称"]),
        header(),
        texts(&["张三", "", "", "", "1栋", "2单元", "301", "", ""]),
        texts(&["李四", "", "", "", "1栋", "2单元", "301", "", ""]),
        texts(&["张三", "", "", "", "01号楼", "二单元", "301室", "", ""]),
        texts(&["张 三", "", "", "", "1", "2", "0301", "", ""]),
    ];
    assert_eq!(problems(&rows), [(5, ProblemKind::DuplicatePerson { first_row: 3 })]);
}

#[test]
fn the_same_flat_in_two_courtyards_is_two_people() {
    let rows = vec![
        texts(&["院落", "姓名", "楼栋", "房号"]),
        texts(&["东院", "张三", "1栋", "301"]),
        texts(&["西院", "张三", "1栋", "301"]),
    ];
    assert_eq!(ok(&rows).len(), 2);
}

#[test]
fn every_problem_of_every_row_is_reported() {
    let long = "楼".repeat(41);
    let rows = vec![
        header(),
        texts(&["", "", "", "", "1栋", "", "301", "", ""]),
        texts(&["12345", "", "", "", "1栋", "", "302", "", ""]),
        texts(&["张三", "未知", "", "", "1栋", "", "303", "", ""]),
        texts(&["李四", "", "1800", "", "1栋", "", "304", "", ""]),
        texts(&["王五", "", "", "13800", "1栋", "", "305", "", ""]),
        texts(&["赵六", "", "", "", "", "", "306", "", ""]),
        texts(&["孙七", "", "", "", "1栋", "", "", "", ""]),
        texts(&["周八", "", "", "", &long, "", "307", "", ""]),
        texts(&["=A1&B1", "", "", "", "1栋", "", "308", "", ""]),
        texts(&["吴九", "", "", "", "1栋", "", "309", "", ""]),
        texts(&["吴九", "", "", "", "1栋", "", "309", "", ""]),
        // Several problems in one row, all reported, in column order.
        texts(&["", "X", "abc", "12", "", "", "", "", ""]),
        vec![t("郑十"), Cell::Bool(true), Cell::Empty, Cell::Empty, t("1栋"), Cell::Empty, t("＝SUM(A1)")],
    ];
    assert_eq!(
        problems(&rows),
        [
            (2, ProblemKind::MissingName),
            (3, ProblemKind::BadName),
            (4, ProblemKind::BadGender("未知".into())),
            (5, ProblemKind::BadBirthYear("1800".into())),
            (6, ProblemKind::BadPhone("13800".into())),
            (7, ProblemKind::MissingBuilding),
            (8, ProblemKind::MissingRoom),
            (9, ProblemKind::BadLabel(long.clone())),
            (10, ProblemKind::FormulaCell("=A1&B1".into())),
            (12, ProblemKind::DuplicatePerson { first_row: 11 }),
            (13, ProblemKind::MissingName),
            (13, ProblemKind::BadGender("X".into())),
            (13, ProblemKind::BadBirthYear("abc".into())),
            (13, ProblemKind::BadPhone("12".into())),
            (13, ProblemKind::MissingBuilding),
            (13, ProblemKind::MissingRoom),
            (14, ProblemKind::BadGender("true".into())),
            (14, ProblemKind::FormulaCell("=SUM(A1)".into())),
        ]
    );
}

#[test]
fn bad_serial_and_number_birth_dates_are_reported_as_written() {
    let rows = vec![
        texts(&["姓名", "出生日期", "楼栋", "房号"]),
        vec![t("甲"), n(-3.0), t("1"), t("101")],
        vec![t("乙"), n(99999.0), t("1"), t("102")],
        vec![t("丙"), Cell::Date { year: 1850, month: 1, day: 1 }, t("1"), t("103")],
    ];
    assert_eq!(
        problems(&rows),
        [
            (2, ProblemKind::BadBirthYear("-3".into())),
            (3, ProblemKind::BadBirthYear("99999".into())),
            (4, ProblemKind::BadBirthYear("1850-01-01".into())),
        ]
    );
}

#[test]
fn more_than_max_rows_is_refused_but_blank_rows_do_not_count() {
    let row = texts(&["张三", "", "", "", "1栋", "", "301", "", ""]);
    let mut rows = vec![header()];
    rows.extend(std::iter::repeat_n(row.clone(), MAX_ROWS));
    rows.extend(std::iter::repeat_n(vec![Cell::Empty], 50));
    // Exactly MAX_ROWS is allowed past the size check (they are duplicates, so problems follow).
    assert!(matches!(parse_rows(&rows, THIS_YEAR), Err(RosterError::Problems(_))));
    rows.push(row);
    let err = parse_rows(&rows, THIS_YEAR).unwrap_err();
    assert_eq!(err, RosterError::TooManyRows { max: MAX_ROWS });
    assert_eq!(err.code(), "too_many_rows");
    assert_eq!(err.to_string(), "名单超过 20000 行，请分批上传");
}

#[test]
fn messages_codes_and_values() {
    let problem = RowProblem { row_no: 12, kind: ProblemKind::BadPhone("13800".into()) };
    assert_eq!(problem.to_string(), "第 12 行：手机号码格式不对（13800）");
    assert_eq!(problem.kind.code(), "bad_phone");
    assert_eq!(problem.kind.value().as_deref(), Some("13800"));
    let duplicate = ProblemKind::DuplicatePerson { first_row: 3 };
    assert_eq!(duplicate.value().as_deref(), Some("3"));
    assert_eq!(duplicate.to_string(), "和第 3 行是同一个人");
    assert_eq!(ProblemKind::MissingName.value(), None);
    let all = [
        ProblemKind::MissingName,
        ProblemKind::BadName,
        ProblemKind::BadGender(String::new()),
        ProblemKind::BadBirthYear(String::new()),
        ProblemKind::BadPhone(String::new()),
        ProblemKind::MissingBuilding,
        ProblemKind::MissingRoom,
        ProblemKind::BadLabel(String::new()),
        ProblemKind::UnknownTag(String::new()),
        ProblemKind::DuplicatePerson { first_row: 1 },
        ProblemKind::UnknownBuilding(String::new()),
        ProblemKind::AlreadyOnRoster,
        ProblemKind::FormulaCell(String::new()),
    ];
    let codes: HashSet<&str> = all.iter().map(ProblemKind::code).collect();
    assert_eq!(codes.len(), all.len());
    assert!(codes.iter().all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
    assert_eq!(RosterError::Problems(vec![problem]).to_string(), "名单里有 1 处问题");
}

#[test]
fn building_unit_and_room_keys() {
    for label in ["1", "1栋", "1号楼", "1幢", "１栋", "01栋", "1 栋", "一栋", "1楼", "1号"] {
        assert_eq!(building_key(label), "1", "{label}");
    }
    assert_eq!(building_key("12栋"), "12");
    assert_eq!(building_key("十二栋"), "12");
    assert_eq!(building_key("A座"), "A");
    assert_eq!(building_key("a栋"), "A");
    assert_eq!(building_key("栋"), "栋");
    assert_eq!(building_key("0"), "0");
    assert_eq!(building_key("幸福楼"), "幸福");
    for label in ["2", "2单元", "二单元", "两单元", "02", "２单元", "2号"] {
        assert_eq!(unit_key(label), "2", "{label}");
    }
    assert_eq!(unit_key("十单元"), "10");
    assert_eq!(unit_key("二十一单元"), "21");
    for label in ["301", "301室", "301号", "0301", "３０１", "301 室"] {
        assert_eq!(room_key(label), "301", "{label}");
    }
    assert_eq!(room_key("三零一"), "三零一");
}

#[test]
fn chinese_numbers_up_to_ninety_nine() {
    let cases = [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("九十九", 99)];
    for (text, number) in cases {
        assert_eq!(chinese_number(text), Some(number), "{text}");
    }
    for text in ["零", "一十", "十零", "百", "一二", ""] {
        assert_eq!(chinese_number(text), None, "{text}");
    }
}

proptest! {
    #[test]
    fn building_spellings_share_a_key(number in 1u32..1000, zeros in 0usize..3, suffix in prop::sample::select(vec!["", "栋", "号楼", "幢", "楼", "号"])) {
        let label = format!("{}{number}{suffix}", "0".repeat(zeros));
        prop_assert_eq!(building_key(&label), number.to_string());
    }

    #[test]
    fn parse_rows_never_panics(cells in prop::collection::vec(prop::collection::vec("\\PC{0,6}", 0..6), 0..8)) {
        let mut rows = vec![texts(&["姓名", "楼栋", "房号", "电话", "出生日期", "标签"])];
        rows.extend(cells.iter().map(|row| row.iter().map(|text| t(text)).collect::<Vec<_>>()));
        let _ = parse_rows(&rows, THIS_YEAR);
    }
}

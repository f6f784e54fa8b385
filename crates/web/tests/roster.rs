//! Roster (居民花名册) import and export through the real app: real .xlsx files built with rust_xlsxwriter, CSV in
//! UTF-8 and GBK, all-or-nothing with every bad row listed, size and type limits, permissions, the audit log, and
//! the store functions the CLI shares with the upload page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::sync::Mutex;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use weizhili_core::access::ListScope;
use weizhili_core::grid::Tag;
use weizhili_store::grid::{self, ResidentFilter, ResidentRow};
use weizhili_store::roster::{self as store_roster, FileKind, ImportBy, Imported};
use weizhili_web::WebConfig;

use crate::helpers::{TestApp, spawn_app, spawn_app_with, start_time};

mod all_or_nothing;

const XINGFULI: &str = "幸福里社区";
const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// ---- helpers ----

/// A one-sheet workbook drawn by `draw`.
fn xlsx(draw: impl FnOnce(&mut Worksheet)) -> Vec<u8> {
    let mut book = Workbook::new();
    draw(book.add_worksheet());
    book.save_to_buffer().expect("workbook")
}

/// Writes a row of strings from column 0.
fn strings(sheet: &mut Worksheet, row: u32, values: &[&str]) {
    for (c, v) in values.iter().enumerate() {
        if !v.is_empty() {
            sheet.write_string(row, c as u16, *v).unwrap();
        }
    }
}

/// Uploads a file through the roster form, with the session's CSRF token; status and page.
async fn upload(app: &TestApp, file_name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let token = app.csrf.lock().unwrap().clone();
    assert!(!token.is_empty(), "sign in and open a page first");
    let mime = if file_name.ends_with(".csv") { "text/csv" } else { XLSX_MIME };
    let part = Part::bytes(bytes).file_name(file_name.to_owned()).mime_str(mime).unwrap();
    let response = app
        .client
        .post(app.url(&format!("/roster?_csrf={token}")))
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

/// Signs in as staff of 幸福里 and opens the upload page.
async fn staff_app(app: &TestApp) {
    app.login_as("shegong").await;
    let (status, body) = app.page("/roster").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("居民花名册"), "{body}");
}

async fn community_id(app: &TestApp) -> i64 {
    grid::community_by_name(&app.db, XINGFULI).await.unwrap().unwrap().id
}

/// Current residents whose name contains `name`, anywhere.
async fn named(app: &TestApp, name: &str) -> Vec<ResidentRow> {
    let filter = ResidentFilter { q: Some(name.to_owned()), page: 1, per_page: 50, ..Default::default() };
    grid::residents(&app.db, &ListScope::Everything, &filter, 2026).await.unwrap().rows
}

/// The one current resident with exactly this name.
async fn the_one(app: &TestApp, name: &str) -> ResidentRow {
    let mut found: Vec<ResidentRow> = named(app, name).await.into_iter().filter(|r| r.resident.name == name).collect();
    assert_eq!(found.len(), 1, "exactly one {name}");
    found.pop().unwrap()
}

/// How many current residents the whole database has.
async fn resident_count(app: &TestApp) -> u64 {
    let filter = ResidentFilter { page: 1, per_page: 1, ..Default::default() };
    grid::residents(&app.db, &ListScope::Everything, &filter, 2026).await.unwrap().total
}

/// The texts of the `<li>`s of the problem list, in order.
fn problems(body: &str) -> Vec<String> {
    let Some(start) = body.find("id=\"import-problems\"") else {
        return vec![];
    };
    let list = &body[start..];
    let list = &list[..list.find("</ol>").expect("problem list closed")];
    list.split("<li>").skip(1).map(|item| item[..item.find("</li>").unwrap()].trim().to_owned()).collect()
}

// ---- import ----

#[tokio::test]
async fn a_clean_spreadsheet_as_social_workers_make_it_is_imported() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let before = resident_count(&app).await;
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let bytes = xlsx(|sheet| {
        // A title above the header, the header in an odd order.
        strings(sheet, 0, &["幸福里社区居民花名册"]);
        strings(sheet, 1, &["联系电话", "姓名", "楼栋", "房号", "单元", "性别", "出生日期", "标签"]);
        // Phone as a number, full-width room, a real date cell, trailing spaces in the name.
        sheet.write_number(2, 0, 13912345671.0).unwrap();
        strings(sheet, 2, &["", "导入甲一  ", "3栋", "３０１", "2", "男"]);
        sheet.write_datetime_with_format(2, 6, ExcelDateTime::from_ymd(1950, 5, 4).unwrap(), &date).unwrap();
        sheet.write_string(2, 7, "党员、独居").unwrap();
        // Row 4 is blank.
        // Full-width phone, birth date as text, unit written "2单元".
        strings(
            sheet,
            4,
            &["１３９１２３４５６７２", " 导入乙二 ", "3栋 ", "302", "2单元", "女", "1962-01-01", "高龄"],
        );
        // A birth year typed as a number, another spelling of the building, no unit.
        strings(sheet, 5, &["13912345673 ", "导入丙三", "12号楼", "101室"]);
        sheet.write_number(5, 6, 1985.0).unwrap();
    });
    let (status, body) = upload(&app, "幸福里花名册.xlsx", bytes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("id=\"import-done\""), "{body}");
    assert!(body.contains("导入成功：3 位居民"), "{body}");
    assert!(!body.contains("id=\"import-error\""));
    assert_eq!(resident_count(&app).await, before + 3);

    let jia = the_one(&app, "导入甲一").await;
    assert_eq!(jia.building_name, "3栋");
    assert_eq!(jia.unit, "2");
    assert_eq!(jia.room, "301");
    assert_eq!(jia.resident.phone.as_deref(), Some("13912345671"));
    assert_eq!(jia.resident.phone_tail.as_deref(), Some("5671"));
    assert_eq!(jia.resident.birth_year, Some(1950));
    assert_eq!(jia.resident.gender.as_deref(), Some("male"));
    assert_eq!(jia.tags, [Tag::PartyMember, Tag::LivingAlone]);

    let yi = the_one(&app, "导入乙二").await;
    assert_eq!((yi.building_name.as_str(), yi.unit.as_str(), yi.room.as_str()), ("3栋", "2", "302"));
    assert_eq!(yi.resident.phone.as_deref(), Some("13912345672"));
    assert_eq!(yi.resident.birth_year, Some(1962));
    assert_eq!(yi.resident.gender.as_deref(), Some("female"));
    assert_eq!(yi.tags, [Tag::Aged]);

    let bing = the_one(&app, "导入丙三").await;
    assert_eq!((bing.building_name.as_str(), bing.unit.as_str(), bing.room.as_str()), ("12栋", "", "101"));
    assert_eq!(bing.resident.phone.as_deref(), Some("13912345673"));
    assert_eq!(bing.resident.birth_year, Some(1985));
    assert!(bing.tags.is_empty());

    let audit = app.audit_actions("roster.import").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].login.as_deref(), Some("shegong"));
    assert_eq!(audit[0].community_id, Some(community_id(&app).await));
    assert!(audit[0].detail.as_deref().unwrap_or("").contains("residents=3"), "{:?}", audit[0].detail);
}

/// Good rows and bad ones of every kind the parser sees (no unknown building): 422, each bad row listed with its
/// number, nothing written.
#[tokio::test]
async fn a_file_with_bad_rows_imports_nothing_and_lists_every_bad_row() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let before = resident_count(&app).await;
    let bytes = xlsx(|sheet| {
        strings(sheet, 0, &["姓名", "性别", "出生年份", "联系电话", "楼栋", "单元", "房号"]);
        strings(sheet, 1, &["全好甲", "男", "1950", "13912340001", "1栋", "1", "9901"]);
        strings(sheet, 2, &["", "女", "1960", "", "1栋", "1", "9902"]);
        strings(sheet, 3, &["号码坏", "", "", "13800", "1栋", "1", "9903"]);
        strings(sheet, 4, &["全好乙", "女", "1971", "", "2栋", "2", "9904"]);
        strings(sheet, 5, &["重复人", "", "", "", "1栋", "1", "9905"]);
        strings(sheet, 6, &["重复人", "", "", "", "1号楼", "1单元", "9905室"]);
        strings(sheet, 7, &["公式人", "", "", "", "1栋", "1", "9906"]);
        sheet.write_formula(7, 3, "=13800000000+1").unwrap();
    });
    let (status, body) = upload(&app, "bad.xlsx", bytes).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("id=\"import-error\""), "{body}");
    assert!(body.contains("什么都没有导入"), "{body}");
    assert!(!body.contains("id=\"import-done\""));
    let listed = problems(&body);
    assert_eq!(listed.len(), 4, "{listed:#?}");
    assert!(listed[0].starts_with("第 3 行：") && listed[0].contains("没有填姓名"));
    assert!(listed[1].starts_with("第 4 行：") && listed[1].contains("手机号码格式不对（13800）"));
    assert!(listed[2].starts_with("第 7 行：") && listed[2].contains("和第 6 行是同一个人"));
    assert!(listed[3].starts_with("第 8 行：") && listed[3].contains("公式"));
    assert!(body.contains("文件里有 4 处问题"), "{body}");

    assert_eq!(resident_count(&app).await, before, "nothing written");
    for name in ["全好甲", "全好乙", "重复人", "号码坏", "公式人"] {
        assert!(named(&app, name).await.is_empty(), "{name} was written");
    }
    assert!(app.audit_actions("roster.import").await.is_empty());
}

/// The same all-or-nothing with an unknown building among other bad rows: the uploader should see every bad row
/// at once, the unknown building too.
#[tokio::test]
async fn an_unknown_building_is_listed_together_with_the_other_bad_rows() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let before = resident_count(&app).await;
    let bytes = xlsx(|sheet| {
        strings(sheet, 0, &["姓名", "联系电话", "楼栋", "单元", "房号"]);
        strings(sheet, 1, &["全好甲", "13912340001", "1栋", "1", "9901"]);
        strings(sheet, 2, &["", "", "1栋", "1", "9902"]);
        strings(sheet, 3, &["号码坏", "13800", "1栋", "1", "9903"]);
        strings(sheet, 4, &["无此楼", "", "99栋", "1", "101"]);
        strings(sheet, 5, &["全好乙", "", "2栋", "2", "9904"]);
        strings(sheet, 6, &["重复人", "", "1栋", "1", "9905"]);
        strings(sheet, 7, &["重复人", "", "1栋", "1", "9905"]);
        strings(sheet, 8, &["公式人", "", "1栋", "1", "9906"]);
        sheet.write_formula(8, 1, "=13800000000+1").unwrap();
    });
    let (status, body) = upload(&app, "bad.xlsx", bytes).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let listed = problems(&body);
    let rows: Vec<&str> = listed.iter().map(|p| &p[..p.find('：').unwrap()]).collect();
    assert_eq!(rows, ["第 3 行", "第 4 行", "第 5 行", "第 8 行", "第 9 行"], "{listed:#?}");
    assert!(listed[2].contains("社区里没有这个楼栋（99栋）"), "{listed:#?}");
    assert_eq!(resident_count(&app).await, before, "nothing written");
    assert!(named(&app, "全好甲").await.is_empty());
}

#[tokio::test]
async fn an_unknown_building_rejects_the_whole_file() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let before = resident_count(&app).await;
    let csv = "姓名,楼栋,单元,房号\n楼好甲,1栋,1,9901\n无此楼,99栋,1,101\n楼好乙,2栋,1,9902\n";
    let (status, body) = upload(&app, "buildings.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let listed = problems(&body);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert!(listed[0].starts_with("第 3 行：") && listed[0].contains("社区里没有这个楼栋（99栋）"), "{listed:#?}");
    assert_eq!(resident_count(&app).await, before);
    assert!(named(&app, "楼好甲").await.is_empty());
    assert!(named(&app, "楼好乙").await.is_empty());
}

#[tokio::test]
async fn a_person_already_on_the_roster_is_rejected() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let id = app.resident_in(XINGFULI, "4栋").await;
    let known = grid::resident(&app.db, id).await.unwrap().unwrap();
    let before = resident_count(&app).await;
    let csv = format!(
        "姓名,楼栋,单元,房号\n新来的,4栋,{unit},{room}\n{name},{building},{unit},{room}\n",
        name = known.resident.name,
        building = known.building_name,
        unit = known.unit,
        room = known.room,
    );
    let (status, body) = upload(&app, "again.csv", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let listed = problems(&body);
    assert_eq!(listed, ["第 3 行：这个人已经在花名册里了"], "{body}");
    assert_eq!(resident_count(&app).await, before);
    assert!(named(&app, "新来的").await.is_empty());
}

#[tokio::test]
async fn a_gbk_csv_from_excel_is_imported() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let text = "姓名,性别,出生年份,联系电话,楼栋,单元,房号,标签,备注\r\n\
                导入丁四,女,1940,13712345674,5栋,1,9901,高龄 独居,腿脚不便\r\n\
                导入丁五,男,1938,,5栋,1,9901,党员,\r\n";
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(text);
    assert!(!had_errors);
    assert!(std::str::from_utf8(&bytes).is_err(), "really GBK, not UTF-8");
    let (status, body) = upload(&app, "gbk.csv", bytes.into_owned()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("导入成功：2 位居民，新建 1 户。"), "{body}");
    let ding = the_one(&app, "导入丁四").await;
    assert_eq!((ding.building_name.as_str(), ding.unit.as_str(), ding.room.as_str()), ("5栋", "1", "9901"));
    assert_eq!(ding.resident.phone.as_deref(), Some("13712345674"));
    assert_eq!(ding.resident.birth_year, Some(1940));
    assert_eq!(ding.tags, [Tag::Aged, Tag::LivingAlone]);
    assert_eq!(ding.resident.note.as_deref(), Some("腿脚不便"));
    let wu = the_one(&app, "导入丁五").await;
    assert_eq!(wu.resident.household_id, ding.resident.household_id);
    assert_eq!(wu.tags, [Tag::PartyMember]);
}

#[tokio::test]
async fn a_utf8_csv_with_a_bom_is_imported() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice("姓名,楼栋,房号,手机\n导入戊五,6号楼,0502,139 1234 5675\n".as_bytes());
    let (status, body) = upload(&app, "bom.csv", bytes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("id=\"import-done\""), "{body}");
    let wu = the_one(&app, "导入戊五").await;
    assert_eq!((wu.building_name.as_str(), wu.unit.as_str(), wu.room.as_str()), ("6栋", "", "502"));
    assert_eq!(wu.resident.phone.as_deref(), Some("13912345675"));
}

#[tokio::test]
async fn a_file_of_the_wrong_type_is_refused() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let before = resident_count(&app).await;
    let (status, body) = upload(&app, "roster.pdf", b"%PDF-1.4 whatever".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("id=\"import-error\""));
    assert!(body.contains("只能导入 .xlsx 或 .csv 文件"), "{body}");
    assert_eq!(resident_count(&app).await, before);
}

#[tokio::test]
async fn a_spreadsheet_that_is_not_one_is_unreadable() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let before = resident_count(&app).await;
    let garbage: Vec<u8> = (0..4000u32).map(|i| (i * 7 % 251) as u8).collect();
    let (status, body) = upload(&app, "roster.xlsx", garbage).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("id=\"import-error\""));
    assert!(body.contains("这个文件打不开"), "{body}");
    assert_eq!(resident_count(&app).await, before);
}

#[tokio::test]
async fn a_file_without_a_header_says_so() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let csv = "名字随便,地址\n张三,1栋301\n";
    let (status, body) = upload(&app, "noheader.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("没有找到表头"), "{body}");
}

#[tokio::test]
async fn an_upload_over_the_body_limit_gets_413_and_writes_nothing() {
    let app = spawn_app_with(WebConfig { max_body_bytes: 200_000, ..Default::default() }).await;
    staff_app(&app).await;
    let before = resident_count(&app).await;
    let mut csv = String::from("姓名,楼栋,单元,房号\n");
    let mut n = 0;
    while csv.len() < 300_000 {
        n += 1;
        csv.push_str(&format!("超限{n:05},1栋,1,{}\n", 9000 + n % 900));
    }
    let (status, _) = upload(&app, "big.csv", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(resident_count(&app).await, before);
    assert!(named(&app, "超限").await.is_empty());
    assert!(app.audit_actions("roster.import").await.is_empty());
}

// ---- permissions ----

#[tokio::test]
async fn only_staff_may_import_or_export() {
    let app = spawn_app().await;
    let before = resident_count(&app).await;
    for login in ["loudongzhang", "jumin"] {
        app.login_as(login).await;
        assert_eq!(app.get("/roster").await.status(), StatusCode::FORBIDDEN, "{login} GET /roster");
        let csv = "姓名,楼栋,房号\n越权者,1栋,9901\n";
        let (status, body) = upload(&app, "sneaky.csv", csv.as_bytes().to_vec()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login} POST /roster");
        assert!(!body.contains("页面已过期"), "refused for the right, not for CSRF");
        let response = app.get("/roster/export.xlsx").await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{login} GET /roster/export.xlsx");
        let body = response.bytes().await.unwrap();
        assert!(!body.starts_with(b"PK"), "no workbook for {login}");
        app.logout().await;
    }
    assert_eq!(resident_count(&app).await, before);
    assert!(named(&app, "越权者").await.is_empty());
    assert!(app.audit_actions("roster.export").await.is_empty());
    assert!(app.audit_actions("roster.import").await.is_empty());

    // Not signed in: sent to the login page, no file.
    let response = app.get("/roster/export.xlsx").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

// ---- export ----

#[tokio::test]
async fn staff_export_the_roster_with_full_phones_and_it_is_audited() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let cid = community_id(&app).await;
    // A resident of 幸福里 with a phone, as the store has them.
    let filter = ResidentFilter { community_id: Some(cid), page: 1, per_page: 50, ..Default::default() };
    let known = grid::residents(&app.db, &ListScope::Everything, &filter, 2026)
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.resident.phone.is_some())
        .expect("someone with a phone");
    let phone = known.resident.phone.clone().unwrap();
    let total = grid::residents(&app.db, &ListScope::Everything, &ResidentFilter { per_page: 1, ..filter }, 2026)
        .await
        .unwrap()
        .total;

    let response = app.get("/roster/export.xlsx").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], XLSX_MIME);
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment") && disposition.contains(".xlsx"), "{disposition}");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let bytes = response.bytes().await.unwrap().to_vec();

    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).expect("an xlsx workbook");
    let sheet_name = book.sheet_names()[0].clone();
    assert_eq!(sheet_name, "居民花名册");
    let range = book.worksheet_range(&sheet_name).unwrap();
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    };
    let rows: Vec<Vec<String>> = range.rows().map(|row| row.iter().map(text).collect()).collect();
    assert_eq!(
        rows[0],
        ["姓名", "性别", "出生年份", "联系电话", "楼栋", "单元", "房号", "标签", "技能", "爱好", "备注"]
    );
    assert_eq!(rows.len() as u64, total + 1, "every resident of the community, once");
    let row = rows.iter().find(|r| r[3] == phone).unwrap_or_else(|| panic!("{phone} is in the export unmasked"));
    assert_eq!(row[0], known.resident.name);
    assert_eq!(row[4], known.building_name);
    assert_eq!(row[6], known.room);
    assert!(rows.iter().skip(1).all(|r| !r[3].contains('*')), "no masked phones in the export");
    // Only 幸福里's people: none of 和平社区's.
    let heping = grid::community_by_name(&app.db, "和平社区").await.unwrap().unwrap();
    let other = grid::residents(
        &app.db,
        &ListScope::Everything,
        &ResidentFilter { community_id: Some(heping.id), page: 1, per_page: 200, ..Default::default() },
        2026,
    )
    .await
    .unwrap()
    .rows;
    let other_phones: Vec<&str> = other.iter().filter_map(|r| r.resident.phone.as_deref()).collect();
    assert!(
        rows.iter().skip(1).all(|r| !other_phones.contains(&r[3].as_str())),
        "another community's people are not exported"
    );

    let audit = app.audit_actions("roster.export").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].login.as_deref(), Some("shegong"));
    assert_eq!(audit[0].community_id, Some(cid));
}

#[tokio::test]
async fn an_export_imports_back_as_already_on_the_roster() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let bytes = app.get("/roster/export.xlsx").await.bytes().await.unwrap().to_vec();
    let before = resident_count(&app).await;
    let (status, body) = upload(&app, "roster-export.xlsx", bytes).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", &body[..body.len().min(2000)]);
    let listed = problems(&body);
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|p| p.contains("这个人已经在花名册里了")), "{:#?}", &listed[..listed.len().min(10)]);
    assert_eq!(resident_count(&app).await, before);
}

// ---- the code the CLI shares ----

#[tokio::test]
async fn the_cli_import_path_reads_checks_writes_and_reports_progress() {
    let app = spawn_app().await;
    let cid = community_id(&app).await;
    let before = resident_count(&app).await;
    let csv = "姓名,性别,出生年份,联系电话,楼栋,单元,房号\n\
               命令行甲,男,1955,13612345671,7栋,1,9901\n\
               命令行乙,女,1957,,7栋,1,9901\n\
               命令行丙,女,1990,13612345673,8栋,2,9902\n";
    let cells = store_roster::read_cells(csv.as_bytes(), FileKind::Csv).unwrap();
    assert_eq!(cells.len(), 4);
    let calls: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());
    let imported = store_roster::import_residents(
        &app.db,
        cid,
        &cells,
        2026,
        ImportBy { user_id: None, login: "cli".into(), ip: None },
        start_time(),
        |done, total| calls.lock().unwrap().push((done, total)),
    )
    .await
    .unwrap();
    assert_eq!(imported, Imported { residents: 3, new_households: 2 });
    let calls = calls.into_inner().unwrap();
    assert!(!calls.is_empty(), "progress was reported");
    assert_eq!(calls.last(), Some(&(3, 3)), "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
    assert_eq!(resident_count(&app).await, before + 3);
    let jia = the_one(&app, "命令行甲").await;
    assert_eq!((jia.building_name.as_str(), jia.unit.as_str(), jia.room.as_str()), ("7栋", "1", "9901"));
    let audit = app.audit_actions("roster.import").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].login.as_deref(), Some("cli"));

    // The same file again: every row is already there, nothing more written.
    let err = store_roster::import_residents(
        &app.db,
        cid,
        &cells,
        2026,
        ImportBy { user_id: None, login: "cli".into(), ip: None },
        start_time(),
        |_, _| {},
    )
    .await
    .unwrap_err();
    let rows: Vec<usize> = store_roster::problems_of(&err).iter().map(|p| p.row_no).collect();
    assert_eq!(rows, [2, 3, 4]);
    assert_eq!(resident_count(&app).await, before + 3);
}

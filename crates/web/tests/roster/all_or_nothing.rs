//! A file is written whole or not at all, beyond the checks: a row the database refuses in the middle of the
//! write (the roster changed since the checks) rolls back the rows written before it, and the 5 MB limit on
//! the file itself.

use reqwest::StatusCode;
use weizhili_store::grid;
use weizhili_store::roster::{self as store_roster, FileKind, ImportBy, ImportError, MAX_FILE_BYTES};
use weizhili_web::grid::roster::import_messages;
use weizhili_web::i18n::Lang;

use super::{community_id, named, resident_count, staff_app, the_one, upload};
use crate::helpers::{spawn_app, start_time};

/// Between the checks and the write another member of staff adds, on the households page, the flat the file's
/// second row moves into. The database's unique index refuses the import's own copy of that household after
/// the first row is written: nothing of the file stays, and the uploader is told why, in their language.
#[tokio::test]
async fn a_row_the_database_refuses_during_the_write_rolls_back_the_rows_before_it() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let cid = community_id(&app).await;
    let buildings = grid::buildings_of_community(&app.db, cid).await.unwrap();
    let b7 = buildings.iter().find(|b| b.name == "7栋").unwrap().id;
    let csv = "姓名,楼栋,单元,房号\n写入甲,7栋,1,9901\n写入乙,7栋,1,9902\n写入丙,8栋,2,9903\n";
    let cells = store_roster::read_cells(csv.as_bytes(), FileKind::Csv).unwrap();
    let checked = store_roster::check_import(&app.db, cid, &cells, 2026).await.unwrap();
    assert_eq!(checked.len(), 3, "the file is clean");

    let colleague = app.another_browser();
    colleague.login_as("shegong").await;
    colleague.page("/households").await;
    let added = colleague
        .post_form("/households", &[("building_id", &b7.to_string()), ("unit", "1单元"), ("room", "9902室")])
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let theirs = grid::household_at(&app.db, b7, "1", "9902").await.unwrap().expect("the colleague's household");
    let before = resident_count(&app).await;

    let written = std::sync::Mutex::new(0);
    let by = ImportBy { user_id: None, login: "shegong".into(), ip: None };
    let err = store_roster::write_import(&app.db, checked, by, start_time(), |done, _| {
        *written.lock().unwrap() = done;
    })
    .await
    .unwrap_err();
    assert!(matches!(err, ImportError::Changed { row_no: 3, code: "household_exists" }), "{err:?}");
    assert_eq!(*written.lock().unwrap(), 1, "the first row was written before the refusal");

    assert_eq!(resident_count(&app).await, before, "nothing of the file was written");
    for name in ["写入甲", "写入乙", "写入丙"] {
        assert!(named(&app, name).await.is_empty(), "{name} was written");
    }
    assert!(grid::household_at(&app.db, b7, "1", "9901").await.unwrap().is_none(), "the first row's new household");
    assert_eq!(grid::household_at(&app.db, b7, "1", "9902").await.unwrap().map(|h| h.id), Some(theirs.id));
    assert!(app.audit_actions("roster.import").await.is_empty());

    let (zh, problems) = import_messages(Lang::Zh, &err);
    let zh = zh.unwrap();
    assert!(zh.contains("第 3 行") && zh.contains("花名册刚被别人改过") && zh.contains("什么都没有导入"), "{zh}");
    assert!(problems.is_empty());
    let en = import_messages(Lang::En, &err).0.unwrap();
    assert!(en.contains("row 3") && en.contains("nothing was imported"), "{en}");

    // Uploaded again, the file is checked against the roster as it is now: 写入乙 moves into the colleague's flat.
    let (status, body) = upload(&app, "again.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("导入成功：3 位居民，新建 2 户"), "{body}");
    assert_eq!(the_one(&app, "写入乙").await.resident.household_id, theirs.id);
}

/// A CSV of `len` bytes: a header, one resident, and blank lines to fill it up.
fn csv_of_size(name: &str, len: usize) -> Vec<u8> {
    let mut bytes = format!("姓名,楼栋,单元,房号\n{name},1栋,1,9911\n").into_bytes();
    assert!(bytes.len() < len);
    bytes.resize(len, b'\n');
    bytes
}

#[tokio::test]
async fn a_file_over_5_mb_is_refused_for_its_size_and_one_of_5_mb_is_read() {
    let app = spawn_app().await;
    staff_app(&app).await;
    let before = resident_count(&app).await;

    let (status, body) = upload(&app, "big.csv", csv_of_size("大小乙", MAX_FILE_BYTES + 1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("id=\"import-error\"") && body.contains("文件太大（最大 5 MB）"), "{body}");
    assert_eq!(resident_count(&app).await, before);
    assert!(named(&app, "大小乙").await.is_empty());
    assert!(app.audit_actions("roster.import").await.is_empty());

    let (status, body) = upload(&app, "just-fits.csv", csv_of_size("大小甲", MAX_FILE_BYTES)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("导入成功：1 位居民"), "{body}");
    assert_eq!(the_one(&app, "大小甲").await.building_name, "1栋");
    assert_eq!(resident_count(&app).await, before + 1);
}

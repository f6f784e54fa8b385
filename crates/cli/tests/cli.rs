//! The binary's commands, run as a person would run them: migrate, demo, user create, import, export, backup,
//! and a bad configuration value.

#![expect(clippy::unwrap_used, reason = "a test that cannot unwrap should fail loudly")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sea_orm::{ConnectionTrait, Statement};
use weizhili_core::access::{Grant, Role, ScopeKind};
use weizhili_store::{Db, account, grid};

fn weizhili(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_weizhili"));
    cmd.current_dir(dir).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.env("WEIZHILI_LOG_LEVEL", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Reads a database file the commands wrote, through the store's own connection (not the `sqlite3` program,
/// which CI does not install). The file must exist: `connect` would create an empty one.
fn read<T>(file: &Path, f: impl AsyncFnOnce(&Db) -> T) -> T {
    assert!(file.is_file(), "{} exists", file.display());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let db = weizhili_store::connect(&format!("sqlite://{}", file.display()), &Default::default()).await.unwrap();
        let out = f(&db).await;
        db.close().await.unwrap();
        out
    })
}

/// The one number a query answers (`SELECT COUNT(*) …`).
async fn number(db: &Db, sql: &str) -> i64 {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// The first column of every row a query answers, as text.
async fn texts(db: &Db, sql: &str) -> Vec<String> {
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
}

/// What a backup must carry over: the residents (name, phone, address) and the number of households.
async fn roster_of(db: &Db) -> (Vec<String>, i64) {
    let residents = texts(
        db,
        "SELECT r.name || ' ' || COALESCE(r.phone, '') || ' ' || b.name || '/' || h.unit || '/' || h.room \
         FROM residents r JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id \
         ORDER BY r.id",
    )
    .await;
    (residents, number(db, "SELECT COUNT(*) FROM households").await)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wzl-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_commands_work_together_on_a_sqlite_file() {
    let dir = temp_dir("flow");
    let url = format!("sqlite://{}/w.db", dir.display());
    let out = weizhili(&dir, &["demo", "--no-serve", "--database-url", &url], None, &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("shegong") && text(&out).contains("demo1234"));
    let again = weizhili(&dir, &["demo", "--no-serve", "--database-url", &url], None, &[]);
    assert!(text(&again).contains("reusing"), "a second demo reuses the data");

    let out = weizhili(
        &dir,
        &[
            "user",
            "create",
            "--login",
            "wang",
            "--role",
            "building_head",
            "--scope",
            "building:幸福里社区/3栋",
            "--scope",
            "building:幸福里社区/4号楼",
            "--database-url",
            &url,
        ],
        Some("secret-pass-1\n"),
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("secret-pass-1"), "the password is never printed");
    let counts = async |db: &Db| {
        (number(db, "SELECT COUNT(*) FROM users").await, number(db, "SELECT COUNT(*) FROM role_grants").await)
    };
    let accounts = read(&dir.join("w.db"), async |db| counts(db).await);
    let dup = weizhili(
        &dir,
        &[
            "user",
            "create",
            "--login",
            "wang",
            "--role",
            "staff",
            "--scope",
            "community:幸福里社区",
            "--database-url",
            &url,
        ],
        Some("secret-pass-1\n"),
        &[],
    );
    assert!(!dup.status.success() && text(&dup).contains("taken"), "{}", text(&dup));
    let short = weizhili(
        &dir,
        &["user", "create", "--login", "li", "--role", "admin", "--database-url", &url],
        Some("short\n"),
        &[],
    );
    assert!(!short.status.success() && text(&short).contains("8"), "{}", text(&short));
    let bad_scope = weizhili(
        &dir,
        &[
            "user",
            "create",
            "--login",
            "zhao",
            "--role",
            "staff",
            "--scope",
            "community:不存在社区",
            "--database-url",
            &url,
        ],
        Some("secret-pass-1\n"),
        &[],
    );
    assert!(!bad_scope.status.success() && text(&bad_scope).contains("幸福里社区"), "{}", text(&bad_scope));

    // The account as stored: its grants, its password; and the refused ones left nothing behind.
    read(&dir.join("w.db"), async |db| {
        let wang = account::user_by_login(db, "wang").await.unwrap().expect("wang was created");
        assert_eq!(wang.status, "active");
        assert!(password_auth::verify_password("secret-pass-1", &wang.password_hash).is_ok(), "the password works");
        assert!(password_auth::verify_password("secret-pass-2", &wang.password_hash).is_err());
        let xingfuli = grid::community_by_name(db, "幸福里社区").await.unwrap().unwrap();
        assert_eq!(wang.community_id, Some(xingfuli.id));
        let buildings = grid::buildings_of_community(db, xingfuli.id).await.unwrap();
        let building = |name: &str| buildings.iter().find(|b| b.name == name).unwrap_or_else(|| panic!("{name}")).id;
        let mut grants = account::grants_of(db, wang.id).await.unwrap();
        grants.sort_by_key(|g| g.scope_id);
        let mut expected: Vec<Grant> = [building("3栋"), building("4栋")]
            .map(|id| Grant {
                role: Role::BuildingHead,
                scope_kind: ScopeKind::Building,
                scope_id: Some(id),
                community_id: Some(xingfuli.id),
            })
            .to_vec();
        expected.sort_by_key(|g| g.scope_id);
        assert_eq!(grants, expected, "building head of 3栋 and 4号楼 (4栋), nothing else");
        for login in ["li", "zhao"] {
            assert!(account::user_by_login(db, login).await.unwrap().is_none(), "{login} was refused");
        }
        assert_eq!(counts(db).await, accounts, "the refused creations wrote no account and no grant");
    });

    let csv = dir.join("roster.csv");
    std::fs::write(&csv, "姓名,性别,出生年份,联系电话,楼栋,单元,房号\n钱多多,女,1951,13811112222,7栋,1,1801\n")
        .unwrap();
    let out = weizhili(
        &dir,
        &["import", "residents", csv.to_str().unwrap(), "--community", "幸福里社区", "--database-url", &url],
        None,
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = weizhili(
        &dir,
        &["import", "residents", csv.to_str().unwrap(), "--community", "幸福里社区", "--database-url", &url],
        None,
        &[],
    );
    assert!(!out.status.success() && text(&out).contains("第 2 行"), "{}", text(&out));

    let xlsx = dir.join("out.xlsx");
    let out = weizhili(
        &dir,
        &["export", "residents", "--community", "幸福里社区", "--out", xlsx.to_str().unwrap(), "--database-url", &url],
        None,
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 10_000);

    // A photo in the folder beside the database is copied beside the backup.
    let photo = dir.join("w-media").join("wish").join("1");
    std::fs::create_dir_all(&photo).unwrap();
    std::fs::write(photo.join("a.jpg"), b"not really a jpeg").unwrap();
    let copy = dir.join("copy.db");
    let out = weizhili(&dir, &["backup", "--out", copy.to_str().unwrap(), "--database-url", &url], None, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let copied = std::fs::read(dir.join("copy-media").join("wish").join("1").join("a.jpg")).unwrap();
    assert_eq!(copied, b"not really a jpeg");
    // The copy holds what the source holds, the resident imported a moment ago too.
    let source = read(&dir.join("w.db"), async |db| roster_of(db).await);
    let copied = read(&copy, async |db| roster_of(db).await);
    assert!(source.0.iter().any(|r| r == "钱多多 13811112222 7栋/1/1801"), "{:?}", &source.0[source.0.len() - 3..]);
    assert!(source.0.len() > 100, "the demo's residents and the imported one");
    assert_eq!(copied, source, "the copy has every resident and household of the source");

    // An existing copy is never overwritten: not while its photo folder is there, nor the database alone.
    let before = std::fs::read(&copy).unwrap();
    let out = weizhili(&dir, &["backup", "--out", copy.to_str().unwrap(), "--database-url", &url], None, &[]);
    assert!(!out.status.success() && text(&out).contains("copy-media"), "{}", text(&out));
    assert!(std::fs::read(&copy).ok() == Some(before.clone()), "the refused backup left the copy as it was");
    std::fs::remove_dir_all(dir.join("copy-media")).unwrap();
    let out = weizhili(&dir, &["backup", "--out", copy.to_str().unwrap(), "--database-url", &url], None, &[]);
    assert!(!out.status.success() && text(&out).contains("copy.db already exists"), "{}", text(&out));
    assert!(std::fs::read(&copy).ok() == Some(before), "the refused backup left the copy as it was");
    assert_eq!(read(&copy, async |db| roster_of(db).await), source);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_configuration_value_names_its_source() {
    let dir = temp_dir("config");
    let out = weizhili(&dir, &["migrate"], None, &[("WEIZHILI_MAX_CONNECTIONS", "many")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("MAX_CONNECTIONS") && text(&out).contains("WEIZHILI_"), "{}", text(&out));
    std::fs::write(dir.join("weizhili.toml"), "addr = 8080\n").unwrap();
    let out = weizhili(&dir, &["migrate"], None, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("weizhili.toml"), "{}", text(&out));
    std::fs::write(dir.join("weizhili.toml"), "sqlite_synchronous = \"sometimes\"\n").unwrap();
    let out = weizhili(&dir, &["migrate"], None, &[]);
    assert!(text(&out).contains("sqlite_synchronous"), "{}", text(&out));
    std::fs::remove_file(dir.join("weizhili.toml")).unwrap();
    let out = weizhili(&dir, &["migrate"], None, &[("WEIZHILI_MEDIA_S3_BUCKET", "photos")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("media_s3_endpoint"), "{}", text(&out));
    // The test suites' own variables are not settings.
    let url = format!("sqlite://{}/w.db", dir.display());
    let out = weizhili(&dir, &["migrate", "--database-url", &url], None, &[("WEIZHILI_TEST_S3_URL", "http://x")]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bench_data_fills_a_database_whose_rows_follow_the_wish_rules() {
    let dir = temp_dir("bench");
    let url = format!("sqlite://{}/b.db", dir.display());
    let ids = dir.join("published.txt");
    let args = ["bench-data", "--communities", "3", "--wishes", "1000", "--buildings", "2", "--households", "5"];
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--published-ids", ids.to_str().unwrap(), "--database-url", &url]);
    let out = weizhili(&dir, &all, None, &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("bench-staff") && text(&out).contains("bench1234"));
    let again = weizhili(&dir, &all, None, &[]);
    assert!(!again.status.success() && text(&again).contains("fresh database"), "{}", text(&again));

    let published_ids = std::fs::read_to_string(&ids).unwrap().lines().count() as i64;
    read(&dir.join("b.db"), async |db| {
        assert_eq!(number(db, "SELECT COUNT(*) FROM wishes").await, 1000);
        assert_eq!(number(db, "SELECT COUNT(*) FROM households").await, 30);
        let published = number(db, "SELECT COUNT(*) FROM wishes WHERE status = 'published'").await;
        assert!(published > 0);
        assert_eq!(published_ids, published, "the file lists every published wish");
        // Every claimed wish has exactly one active claim; fulfilled and confirmed ones a completed claim.
        let broken = [
            "SELECT COUNT(*) FROM wishes w WHERE status = 'claimed' AND (SELECT COUNT(*) FROM wish_claims c WHERE c.wish_id = w.id AND c.status = 'active') <> 1",
            "SELECT COUNT(*) FROM wishes w WHERE status IN ('fulfilled', 'confirmed') AND NOT EXISTS (SELECT 1 FROM wish_claims c WHERE c.wish_id = w.id AND c.status = 'completed')",
            "SELECT COUNT(*) FROM wish_claims WHERE status = 'active' AND wish_id NOT IN (SELECT id FROM wishes WHERE status = 'claimed')",
            "SELECT COUNT(*) FROM wishes WHERE published_at IS NULL AND status IN ('published', 'claimed', 'fulfilled', 'confirmed')",
        ];
        for sql in broken {
            assert_eq!(number(db, sql).await, 0, "{sql}");
        }
        for status in ["claimed", "fulfilled", "confirmed"] {
            let n = number(db, &format!("SELECT COUNT(*) FROM wishes WHERE status = '{status}'")).await;
            assert!(n > 0, "some wishes are {status}: the checks above are not vacuous");
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
}

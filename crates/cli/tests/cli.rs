//! The binary's commands, run as a person would run them: migrate, demo, user create, import, export, backup,
//! and a bad configuration value.

#![expect(clippy::unwrap_used, reason = "a test that cannot unwrap should fail loudly")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
    let out = weizhili(&dir, &["migrate", "--database-url", &format!("sqlite://{}", copy.display())], None, &[]);
    assert!(out.status.success(), "the copy is a working database: {}", text(&out));
    let out = weizhili(&dir, &["backup", "--out", copy.to_str().unwrap(), "--database-url", &url], None, &[]);
    assert!(!out.status.success(), "an existing file is never overwritten");
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

    let sql = |q: &str| -> String {
        let db = dir.join("b.db");
        let out = Command::new("sqlite3").arg(&db).arg(q).output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default()
    };
    if sql("SELECT 1") != "1" {
        return; // no sqlite3 on this machine: the command's own summary was checked above
    }
    assert_eq!(sql("SELECT COUNT(*) FROM wishes"), "1000");
    assert_eq!(sql("SELECT COUNT(*) FROM households"), "30");
    let published: usize = sql("SELECT COUNT(*) FROM wishes WHERE status = 'published'").parse().unwrap();
    assert_eq!(std::fs::read_to_string(&ids).unwrap().lines().count(), published);
    // Every claimed wish has exactly one active claim; fulfilled and confirmed ones a completed claim.
    assert_eq!(
        sql(
            "SELECT COUNT(*) FROM wishes w WHERE status = 'claimed' AND (SELECT COUNT(*) FROM wish_claims c WHERE c.wish_id = w.id AND c.status = 'active') <> 1"
        ),
        "0"
    );
    assert_eq!(
        sql(
            "SELECT COUNT(*) FROM wishes w WHERE status IN ('fulfilled', 'confirmed') AND NOT EXISTS (SELECT 1 FROM wish_claims c WHERE c.wish_id = w.id AND c.status = 'completed')"
        ),
        "0"
    );
    assert_eq!(
        sql(
            "SELECT COUNT(*) FROM wish_claims WHERE status = 'active' AND wish_id NOT IN (SELECT id FROM wishes WHERE status = 'claimed')"
        ),
        "0"
    );
    assert_eq!(
        sql(
            "SELECT COUNT(*) FROM wishes WHERE published_at IS NULL AND status IN ('published', 'claimed', 'fulfilled', 'confirmed')"
        ),
        "0"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

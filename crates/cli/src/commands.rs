//! What each subcommand does. Thin: parsing and printing here, the work in `weizhili-store` and `weizhili-web`.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use weizhili_core::access::{Grant, Role, ScopeKind};
use weizhili_core::clock::{Clock, SystemClock};
use weizhili_store::{Db, account, audit, demo, grid, roster};

use crate::config::Settings;

async fn open(settings: &Settings) -> Result<Db> {
    let db = weizhili_store::connect(&settings.database_url, &settings.store_options())
        .await
        .with_context(|| format!("cannot open the database {}", redact(&settings.database_url)))?;
    weizhili_store::migrate(&db).await.context("cannot bring the schema up to date")?;
    Ok(db)
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn listen(db: Db, settings: &Settings, addr: &str) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let media = weizhili_store::media::Storage::open(&settings.media_settings())
        .map_err(|e| anyhow::anyhow!("photo storage: {e}"))?;
    let state = weizhili_web::AppState::new(db, Arc::new(SystemClock), settings.web_config(), media);
    weizhili_web::spawn_background(state.clone());
    let local = listener.local_addr()?;
    println!("weizhili 已启动 / listening on http://{local}");
    weizhili_web::serve(state, listener).await?;
    Ok(())
}

pub async fn serve(settings: Settings, addr: Option<String>) -> Result<()> {
    let db = open(&settings).await?;
    let addr = addr.unwrap_or_else(|| settings.addr.clone());
    listen(db, &settings, &addr).await
}

pub async fn demo(
    mut settings: Settings,
    explicit_url: bool,
    addr: String,
    fresh_start: bool,
    no_serve: bool,
) -> Result<()> {
    if !explicit_url {
        settings.database_url = "sqlite://weizhili-demo.db".into();
    }
    let is_sqlite_file = settings.database_url.starts_with("sqlite://") && !settings.database_url.contains(":memory:");
    if fresh_start && is_sqlite_file {
        let path = settings.database_url.trim_start_matches("sqlite://").split('?').next().unwrap_or("").to_owned();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
    let db = open(&settings).await?;
    if fresh_start && !is_sqlite_file {
        weizhili_store::migrate_fresh(&db).await?;
    }
    let clock = SystemClock;
    if demo::is_seeded(&db).await? {
        println!("使用已有的演示数据 / reusing the demo data in {}", redact(&settings.database_url));
    } else {
        println!("正在生成演示数据… / creating the demo data…");
        let hash = tokio::task::spawn_blocking(|| password_auth::generate_hash(demo::DEMO_PASSWORD)).await?;
        let seeded = demo::seed(&db, &hash, clock.this_year(), clock.now()).await?;
        println!(
            "已生成 {} 个社区、{} 户、{} 位居民、{} 个微心愿、{} 场活动 / {} communities, {} households, {} residents, \
             {} wishes, {} event sessions",
            seeded.communities,
            seeded.households,
            seeded.residents,
            seeded.wishes,
            seeded.events,
            seeded.communities,
            seeded.households,
            seeded.residents,
            seeded.wishes,
            seeded.events
        );
    }
    println!("\n演示账号（密码都是 {}） / demo accounts (password {}):", demo::DEMO_PASSWORD, demo::DEMO_PASSWORD);
    for a in demo::ACCOUNTS {
        println!("  {:<14} {}", a.login, a.what);
    }
    println!();
    if no_serve {
        return Ok(());
    }
    listen(db, &settings, &addr).await
}

pub async fn migrate(settings: Settings) -> Result<()> {
    open(&settings).await?;
    println!("数据库已是最新 / schema is up to date");
    Ok(())
}

async fn community_id(db: &Db, name: &str) -> Result<i64> {
    match grid::community_by_name(db, name).await? {
        Some(c) => Ok(c.id),
        None => {
            let known: Vec<String> = grid::communities(db).await?.into_iter().map(|c| c.name).collect();
            bail!("没有这个社区 / no community named {name:?} (known: {})", known.join(", "))
        }
    }
}

pub async fn import_residents(settings: Settings, file: PathBuf, community: String) -> Result<()> {
    let db = open(&settings).await?;
    let cid = community_id(&db, &community).await?;
    let kind = roster::FileKind::from_name(&file.to_string_lossy())
        .context("只能导入 .xlsx 或 .csv / only .xlsx and .csv can be imported")?;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let cells = roster::read_cells(&bytes, kind).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bar = ProgressBar::new(cells.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let clock = SystemClock;
    let by = roster::ImportBy { user_id: None, login: "cli".into(), ip: None };
    let result = roster::import_residents(&db, cid, &cells, clock.this_year(), by, clock.now(), |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    match result {
        Ok(done) => {
            println!(
                "导入成功：{} 位居民，新建 {} 户 / imported {} residents, {} new households",
                done.residents, done.new_households, done.residents, done.new_households
            );
            Ok(())
        }
        Err(roster::ImportError::Rejected(weizhili_core::roster::RosterError::Problems(problems))) => {
            for p in &problems {
                eprintln!("{p}");
            }
            bail!(
                "文件里有 {} 处问题，什么都没有导入 / {} problems; nothing was imported",
                problems.len(),
                problems.len()
            )
        }
        Err(roster::ImportError::Changed { row_no, .. }) => bail!(
            "写第 {row_no} 行时花名册刚被别人改过，什么都没有导入；请重新导入 / the roster changed while row {row_no} \
             was written; nothing was imported, please import again"
        ),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

pub async fn export_residents(settings: Settings, community: String, out: PathBuf) -> Result<()> {
    let db = open(&settings).await?;
    let cid = community_id(&db, &community).await?;
    let clock = SystemClock;
    let bytes = roster::export_residents(&db, cid, clock.this_year()).await?;
    std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    let entry =
        audit::Entry { community_id: Some(cid), login: Some("cli".into()), ..audit::Entry::new("roster.export") }
            .detail(format!("file={}", out.display()));
    audit::record(&db, clock.now(), entry).await?;
    println!("已导出到 {} / exported to {}", out.display(), out.display());
    Ok(())
}

/// A consistent copy of the SQLite database, and — when photos are kept in a folder — a copy of the folder
/// beside it, named as the server would look for it (`copy.db` → `copy-media/`): put the two back side by side
/// to restore. Nothing existing is overwritten. Photos never change once stored, so copying them after the
/// database's snapshot gives every photo the copy refers to.
pub async fn backup(settings: Settings, out: PathBuf) -> Result<()> {
    let db = open(&settings).await?;
    let photos = match settings.media_settings() {
        weizhili_store::media::MediaSettings::Folder(dir) if dir.is_dir() => Some(dir),
        _ => None,
    };
    let photos_out = weizhili_store::media::default_folder(&out.to_string_lossy());
    if photos.is_some() && photos_out.exists() {
        bail!("{} 已经存在 / already exists", photos_out.display());
    }
    weizhili_store::backup_sqlite(&db, &out).await?;
    println!("已备份到 {} / backed up to {}", out.display(), out.display());
    if let Some(dir) = photos {
        let files = copy_tree(&dir, &photos_out)
            .with_context(|| format!("copying the photos from {} to {}", dir.display(), photos_out.display()))?;
        println!(
            "照片 {files} 个已复制到 {} / {files} photo files copied to {}",
            photos_out.display(),
            photos_out.display()
        );
    }
    Ok(())
}

/// Copies a folder and everything in it; returns how many files.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<u64> {
    std::fs::create_dir_all(to)?;
    let mut files = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            files += copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
            files += 1;
        }
    }
    Ok(files)
}

fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    let password = if stdin.is_terminal() {
        let first = rpassword::prompt_password("密码 / password: ")?;
        let second = rpassword::prompt_password("再输一次 / again: ")?;
        if first != second {
            bail!("两次输入的密码不一样 / the passwords differ");
        }
        first
    } else {
        let mut s = String::new();
        stdin.lock().read_to_string(&mut s)?;
        s.lines().next().unwrap_or("").to_owned()
    };
    if password.chars().count() < 8 {
        bail!("密码至少 8 位 / the password needs at least 8 characters");
    }
    Ok(password)
}

/// Parses one `--scope` into a grant for `role`.
async fn scope_grant(db: &Db, role: Role, scope: &str) -> Result<Grant> {
    let (kind, value) = scope
        .split_once(':')
        .context("a scope looks like community:NAME, building:COMMUNITY/BUILDING or household:ID")?;
    let kind = ScopeKind::parse(kind).with_context(|| format!("unknown scope kind {kind:?}"))?;
    if kind != role.scope_kind() {
        bail!("role {} takes a {} scope, not {}", role.as_str(), role.scope_kind().as_str(), kind.as_str());
    }
    match kind {
        ScopeKind::Community => {
            let cid = community_id(db, value).await?;
            Ok(Grant { role, scope_kind: kind, scope_id: Some(cid), community_id: Some(cid) })
        }
        ScopeKind::Building => {
            let (community, building) = value.split_once('/').context("building scope: building:COMMUNITY/BUILDING")?;
            let cid = community_id(db, community).await?;
            let key = weizhili_core::roster::building_key(building);
            let b = grid::buildings_of_community(db, cid)
                .await?
                .into_iter()
                .find(|b| b.key == key)
                .with_context(|| format!("no building {building:?} in {community}"))?;
            Ok(Grant { role, scope_kind: kind, scope_id: Some(b.id), community_id: Some(cid) })
        }
        ScopeKind::Household => {
            let id: i64 = value.parse().context("household scope: household:ID")?;
            let h = grid::household(db, id).await?.with_context(|| format!("no household {id}"))?;
            Ok(Grant { role, scope_kind: kind, scope_id: Some(h.id), community_id: Some(h.community_id) })
        }
        ScopeKind::Group | ScopeKind::Platform => {
            bail!("{} scopes are not available yet", kind.as_str())
        }
    }
}

pub async fn create_user(
    settings: Settings,
    login: String,
    role: String,
    scopes: Vec<String>,
    display_name: Option<String>,
) -> Result<()> {
    let role = Role::parse(&role).with_context(|| {
        format!("unknown role {role:?}; one of admin, staff, building_head, group_leader, volunteer, resident")
    })?;
    let login = login.trim().to_owned();
    if login.is_empty() || login.len() > 50 || !login.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        bail!("登录名只能用字母、数字和 . _ - / a login is letters, digits and . _ -");
    }
    let db = open(&settings).await?;
    let mut grants = Vec::new();
    if role == Role::Admin {
        grants.push(Grant { role, scope_kind: ScopeKind::Platform, scope_id: None, community_id: None });
    } else {
        if scopes.is_empty() {
            bail!("role {} needs --scope", role.as_str());
        }
        for s in &scopes {
            grants.push(scope_grant(&db, role, s).await?);
        }
    }
    let community = grants.iter().find_map(|g| g.community_id);
    if grants.iter().any(|g| g.community_id != community) {
        bail!("all scopes of one account must be in one community");
    }
    let password = read_password()?;
    let hash = tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await?;
    let clock = SystemClock;
    let txn = weizhili_store::begin_write(&db).await?;
    let user = account::create_user(
        &txn,
        account::NewUser {
            display_name: display_name.unwrap_or_else(|| login.clone()),
            login: login.clone(),
            password_hash: hash,
            community_id: community,
            resident_id: None,
            locale: "zh-CN".into(),
        },
        clock.now(),
    )
    .await
    .map_err(|e| match e {
        weizhili_store::StoreError::Conflict(_) => {
            anyhow::anyhow!("登录名已被使用 / the login {login:?} is taken")
        }
        e => e.into(),
    })?;
    for g in &grants {
        account::add_grant(&txn, user.id, g).await?;
    }
    let entry = audit::Entry { community_id: community, login: Some("cli".into()), ..audit::Entry::new("user.create") }
        .object("user", user.id)
        .detail(format!("{login} {}", role.as_str()));
    audit::record(&txn, clock.now(), entry).await?;
    txn.commit().await?;
    println!("已创建账号 {login} / created {login} ({})", role.as_str());
    Ok(())
}

pub async fn bench_data(settings: Settings, options: crate::bench_data::Options) -> Result<()> {
    let db = open(&settings).await?;
    println!("正在写入压测数据… / writing bench data: {} communities, {} wishes", options.communities, options.wishes);
    let made = crate::bench_data::fill(&db, &options, SystemClock.now()).await?;
    println!(
        "完成 / done in {:.1} s: {} communities (first id {}), {} households, {} wishes ({} published), {} claims",
        made.seconds, made.communities, made.first_community, made.households, made.wishes, made.published, made.claims
    );
    println!(
        "accounts (password {}): bench-staff (staff of community {}), bench-volunteer (volunteer in all)",
        crate::bench_data::BENCH_PASSWORD,
        made.first_community
    );
    Ok(())
}

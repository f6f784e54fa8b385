//! `weizhili bench-data`: fills a database with many communities and wishes, fast, for load tests
//! (`bench/wishes.sh`). Not the demo: the data is plain and made up, and no rule of the wish lifecycle is run;
//! rows are written as the lifecycle would have left them (a claimed wish has an active claim, a fulfilled or
//! confirmed one a completed claim, timestamps in order), many rows per INSERT, many INSERTs per transaction.
//!
//! Two accounts are made, with the password [`BENCH_PASSWORD`]: `bench-staff` (staff of the first community)
//! and `bench-volunteer` (a volunteer in every community made here, so that a claims test never runs out of
//! published wishes).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Expr, InsertStatement, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use weizhili_core::access::{Grant, Role, ScopeKind};
use weizhili_store::entity::{building, community, courtyard, household, resident, wish, wish_claim};
use weizhili_store::{Db, account};

pub const BENCH_PASSWORD: &str = "bench1234";
/// Rows per INSERT: a wish row binds 25 values; SQLite allows 32,766 per statement.
const ROWS_PER_INSERT: usize = 500;
/// INSERTs per transaction.
const INSERTS_PER_TXN: usize = 20;

#[derive(Debug, Clone)]
pub struct Options {
    pub communities: u32,
    pub wishes: u64,
    pub buildings: u32,
    pub households: u32,
    pub published_ids: Option<PathBuf>,
}

const SURNAMES: [&str; 16] =
    ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林"];
const GIVEN: [&str; 16] = [
    "秀英", "桂兰", "建国", "志强", "淑珍", "玉兰", "国华", "文明", "丽娟", "海燕", "德胜", "春梅", "子涵", "浩然",
    "梓萱", "雨轩",
];
const TITLES: [(&str, &str); 16] = [
    ("换楼道灯泡", "repair"),
    ("修理漏水的水龙头", "repair"),
    ("陪我去医院复查", "companionship"),
    ("周末陪老人聊聊天", "companionship"),
    ("辅导孩子数学作业", "learning"),
    ("教我用智能手机挂号", "learning"),
    ("帮忙买米面油送上楼", "daily_goods"),
    ("想要一台旧电风扇", "daily_goods"),
    ("量血压、讲讲用药", "health"),
    ("上门理发", "health"),
    ("陪我去银行办业务", "transport"),
    ("接送孩子上兴趣班", "transport"),
    ("修一下轮椅刹车", "repair"),
    ("读报纸给我听", "companionship"),
    ("帮忙搬一个衣柜", "other"),
    ("给阳台装个晾衣架", "other"),
];
const THANKS: [&str; 4] = ["谢谢小伙子！", "太感谢了，帮了大忙", "谢谢志愿者，辛苦了", "谢谢社区，暖心"];

/// The status mix of a community that has run the programme for a while: most wishes are on the wall.
fn pick_status(rng: &mut StdRng) -> &'static str {
    match rng.random_range(0..100) {
        0..22 => "published",
        22..40 => "claimed",
        40..52 => "fulfilled",
        52..88 => "confirmed",
        88..93 => "submitted",
        93..95 => "rejected",
        95..97 => "withdrawn",
        _ => "closed",
    }
}

fn v(value: impl Into<sea_orm::Value>) -> SimpleExpr {
    Expr::val(value)
}

/// Writes statements in transactions of [`INSERTS_PER_TXN`].
struct Writer<'a> {
    db: &'a Db,
    pending: Vec<InsertStatement>,
    bar: &'a ProgressBar,
}

impl Writer<'_> {
    async fn push(&mut self, statement: InsertStatement, rows: u64) -> Result<()> {
        self.pending.push(statement);
        self.bar.inc(rows);
        if self.pending.len() >= INSERTS_PER_TXN {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin().await?;
        for statement in self.pending.drain(..) {
            txn.execute(&statement).await?;
        }
        txn.commit().await?;
        Ok(())
    }
}

async fn max_id(db: &Db, table: &str) -> Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
}

/// What was made, for the summary.
pub struct Made {
    pub first_community: i64,
    pub communities: u32,
    pub households: u64,
    pub wishes: u64,
    pub claims: u64,
    pub published: u64,
    pub seconds: f64,
}

pub async fn fill(db: &Db, opts: &Options, now: DateTime<Utc>) -> Result<Made> {
    if opts.communities == 0 || opts.buildings == 0 || opts.households == 0 {
        bail!("--communities, --buildings and --households must be at least 1");
    }
    if account::user_by_login(db, "bench-staff").await?.is_some() {
        bail!("this database already has bench data (bench-staff exists); use a fresh database");
    }
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(20261129);
    let base = |table| max_id(db, table);
    let (c0, y0, b0, h0, r0, w0, k0) = (
        base("communities").await?,
        base("courtyards").await?,
        base("buildings").await?,
        base("households").await?,
        base("residents").await?,
        base("wishes").await?,
        base("wish_claims").await?,
    );
    let households_per_community = u64::from(opts.buildings) * u64::from(opts.households);
    let total_rows =
        u64::from(opts.communities) * (1 + u64::from(opts.buildings) + 2 * households_per_community) + opts.wishes;
    let bar = ProgressBar::new(total_rows).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} 行 rows · {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut w = Writer { db, pending: Vec::new(), bar: &bar };

    // The accounts first: claims name the volunteer.
    let hash = tokio::task::spawn_blocking(|| password_auth::generate_hash(BENCH_PASSWORD)).await?;
    let mut communities = Query::insert()
        .into_table(community::Entity)
        .columns([community::Column::Id, community::Column::Name, community::Column::CreatedAt])
        .to_owned();
    let mut courtyards = Query::insert()
        .into_table(courtyard::Entity)
        .columns([
            courtyard::Column::Id,
            courtyard::Column::CommunityId,
            courtyard::Column::Name,
            courtyard::Column::CreatedAt,
        ])
        .to_owned();
    for n in 1..=i64::from(opts.communities) {
        communities.values_panic([v(c0 + n), v(format!("压测社区{:03}", c0 + n)), v(now)]);
        courtyards.values_panic([v(y0 + n), v(c0 + n), v("一区"), v(now)]);
    }
    w.push(communities, u64::from(opts.communities)).await?;
    w.push(courtyards, 0).await?;
    w.flush().await?;
    let txn = db.begin().await?;
    let staff = account::create_user(&txn, new_user("bench-staff", "压测社工", &hash, c0 + 1), now).await?;
    let grant = |role, id| Grant { role, scope_kind: ScopeKind::Community, scope_id: Some(id), community_id: Some(id) };
    account::add_grant(&txn, staff.id, &grant(Role::Staff, c0 + 1)).await?;
    let volunteer = account::create_user(&txn, new_user("bench-volunteer", "压测志愿者", &hash, c0 + 1), now).await?;
    for n in 1..=i64::from(opts.communities) {
        account::add_grant(&txn, volunteer.id, &grant(Role::Volunteer, c0 + n)).await?;
    }
    txn.commit().await?;

    // Buildings, households and one resident each.
    let mut buildings = Vec::new();
    let mut households = Vec::new();
    let mut residents = Vec::new();
    let (mut b, mut h) = (b0, h0);
    for n in 1..=i64::from(opts.communities) {
        let cid = c0 + n;
        for bn in 1..=opts.buildings {
            b += 1;
            buildings.push([v(b), v(cid), v(y0 + n), v(format!("{bn}栋")), v(bn.to_string()), v(6), v(1), v(now)]);
            for k in 0..opts.households {
                h += 1;
                let room = format!("{}{:02}", k / 4 + 1, k % 4 + 1);
                households.push([v(h), v(cid), v(b), v("1"), v(room), v("occupied"), v(now)]);
                let name = format!("{}{}", SURNAMES[rng.random_range(0..16)], GIVEN[rng.random_range(0..16)]);
                let year: i32 = rng.random_range(1938..2000);
                residents.push([
                    v(r0 + (h - h0)),
                    v(cid),
                    v(h),
                    v(b),
                    v(name),
                    v(if rng.random_bool(0.5) { "female" } else { "male" }),
                    v(year),
                    v("户主"),
                    v(""),
                    v(""),
                    v(now),
                    v(now),
                ]);
            }
        }
    }
    for chunk in buildings.chunks(ROWS_PER_INSERT) {
        let mut q = Query::insert()
            .into_table(building::Entity)
            .columns([
                building::Column::Id,
                building::Column::CommunityId,
                building::Column::CourtyardId,
                building::Column::Name,
                building::Column::Key,
                building::Column::Floors,
                building::Column::Units,
                building::Column::CreatedAt,
            ])
            .to_owned();
        for row in chunk {
            q.values_panic(row.clone());
        }
        w.push(q, chunk.len() as u64).await?;
    }
    for chunk in households.chunks(ROWS_PER_INSERT) {
        let mut q = Query::insert()
            .into_table(household::Entity)
            .columns([
                household::Column::Id,
                household::Column::CommunityId,
                household::Column::BuildingId,
                household::Column::Unit,
                household::Column::Room,
                household::Column::Status,
                household::Column::CreatedAt,
            ])
            .to_owned();
        for row in chunk {
            q.values_panic(row.clone());
        }
        w.push(q, chunk.len() as u64).await?;
    }
    for chunk in residents.chunks(ROWS_PER_INSERT) {
        let mut q = Query::insert()
            .into_table(resident::Entity)
            .columns([
                resident::Column::Id,
                resident::Column::CommunityId,
                resident::Column::HouseholdId,
                resident::Column::BuildingId,
                resident::Column::Name,
                resident::Column::Gender,
                resident::Column::BirthYear,
                resident::Column::Relation,
                resident::Column::Skills,
                resident::Column::Hobbies,
                resident::Column::CreatedAt,
                resident::Column::UpdatedAt,
            ])
            .to_owned();
        for row in chunk {
            q.values_panic(row.clone());
        }
        w.push(q, chunk.len() as u64).await?;
    }
    w.flush().await?;
    drop((buildings, households, residents));

    // Wishes, spread evenly over the communities and over three years, oldest first; and their claims.
    let per_community = opts.wishes / u64::from(opts.communities);
    let extra = opts.wishes % u64::from(opts.communities);
    let (mut wid, mut kid) = (w0, k0);
    let (mut claims_made, mut published) = (0u64, 0u64);
    let mut ids_out = match &opts.published_ids {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => None,
    };
    let span = Duration::days(3 * 365);
    for n in 1..=i64::from(opts.communities) {
        let cid = c0 + n;
        let count = per_community + u64::from((n as u64) <= extra);
        let first_household = h0 + (n - 1) * households_per_community as i64;
        let step = span.num_seconds() / count.max(1) as i64;
        let mut wishes = Vec::with_capacity(ROWS_PER_INSERT);
        let mut claims = Vec::with_capacity(ROWS_PER_INSERT);
        for i in 0..count {
            wid += 1;
            let status = pick_status(&mut rng);
            let household = first_household + rng.random_range(0..households_per_community) as i64 + 1;
            let building = b0 + (household - h0 - 1) / i64::from(opts.households) + 1;
            let resident = r0 + (household - h0);
            let (title, category) = TITLES[rng.random_range(0..TITLES.len())];
            let created = now - span + Duration::seconds(step * i as i64);
            let at = |days: i64| -> DateTime<Utc> { (created + Duration::hours(days * 20)).min(now) };
            let stage =
                ["submitted", "published", "claimed", "fulfilled", "confirmed"].iter().position(|s| *s == status);
            let reached = |s: usize| stage.is_some_and(|at| at >= s) || (status == "closed" && s <= 3);
            let published_at = (reached(1) || status == "withdrawn").then(|| at(1));
            let claimed_at = reached(2).then(|| at(3));
            let fulfilled_at = reached(3).then(|| at(8));
            let confirmed_at = (status == "confirmed").then(|| at(9));
            let closed_at = (status == "closed").then(|| at(30));
            let priority = status == "published" && rng.random_bool(0.05);
            let source = if rng.random_bool(0.3) { "box" } else { "online" };
            let satisfaction = (status == "confirmed").then(|| rng.random_range(4..=5));
            let thanks = (status == "confirmed").then(|| THANKS[rng.random_range(0..THANKS.len())]);
            wishes.push([
                v(wid),
                v(cid),
                v(building),
                v(household),
                v(resident),
                v(false),
                v(source),
                v(category),
                v(title),
                v(""),
                v(status),
                v(rng.random_bool(0.15)),
                v(priority),
                v((status == "rejected").then_some("重复的心愿")),
                v(published_at),
                v(claimed_at),
                v(fulfilled_at),
                v(confirmed_at),
                v(closed_at),
                v(satisfaction),
                v(thanks),
                v((reached(3)).then_some(60)),
                v(created),
                v(closed_at.or(confirmed_at).or(fulfilled_at).or(claimed_at).or(published_at).unwrap_or(created)),
            ]);
            if status == "published" {
                published += 1;
                if let Some(out) = ids_out.as_mut() {
                    writeln!(out, "{wid}")?;
                }
            }
            if let Some(claimed_at) = claimed_at {
                kid += 1;
                claims_made += 1;
                let active = status == "claimed";
                let ended = if active { None } else { fulfilled_at };
                claims.push([
                    v(kid),
                    v(wid),
                    v(cid),
                    v(volunteer.id),
                    v(if active { "active" } else { "completed" }),
                    v(claimed_at),
                    // Everyone made first contact: otherwise the lapse timer would release them all at start.
                    v(Some(claimed_at)),
                    v(ended),
                ]);
            }
            if wishes.len() == ROWS_PER_INSERT || i + 1 == count {
                w.push(insert_wishes(&wishes), wishes.len() as u64).await?;
                wishes.clear();
                if !claims.is_empty() {
                    w.push(insert_claims(&claims), 0).await?;
                    claims.clear();
                }
            }
        }
    }
    w.flush().await?;
    if let Some(mut out) = ids_out {
        out.flush()?;
    }
    if db.get_database_backend() == DbBackend::Postgres {
        // Rows were written with their ids; the sequences must continue after them.
        for table in ["communities", "courtyards", "buildings", "households", "residents", "wishes", "wish_claims"] {
            let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
            db.execute_raw(Statement::from_string(DbBackend::Postgres, sql)).await?;
        }
    }
    bar.finish_and_clear();
    Ok(Made {
        first_community: c0 + 1,
        communities: opts.communities,
        households: u64::from(opts.communities) * households_per_community,
        wishes: opts.wishes,
        claims: claims_made,
        published,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn new_user(login: &str, name: &str, hash: &str, community: i64) -> account::NewUser {
    account::NewUser {
        login: login.into(),
        password_hash: hash.into(),
        display_name: name.into(),
        community_id: Some(community),
        resident_id: None,
        locale: "zh-CN".into(),
    }
}

fn insert_wishes(rows: &[[SimpleExpr; 24]]) -> InsertStatement {
    use wish::Column as C;
    let mut q = Query::insert()
        .into_table(wish::Entity)
        .columns([
            C::Id,
            C::CommunityId,
            C::BuildingId,
            C::HouseholdId,
            C::ResidentId,
            C::Proxy,
            C::Source,
            C::Category,
            C::Title,
            C::Description,
            C::Status,
            C::Anonymous,
            C::Priority,
            C::RejectReason,
            C::PublishedAt,
            C::ClaimedAt,
            C::FulfilledAt,
            C::ConfirmedAt,
            C::ClosedAt,
            C::Satisfaction,
            C::Thanks,
            C::Minutes,
            C::CreatedAt,
            C::UpdatedAt,
        ])
        .to_owned();
    for row in rows {
        q.values_panic(row.clone());
    }
    q
}

fn insert_claims(rows: &[[SimpleExpr; 8]]) -> InsertStatement {
    use wish_claim::Column as C;
    let mut q = Query::insert()
        .into_table(wish_claim::Entity)
        .columns([C::Id, C::WishId, C::CommunityId, C::UserId, C::Status, C::ClaimedAt, C::ContactedAt, C::EndedAt])
        .to_owned();
    for row in rows {
        q.values_panic(row.clone());
    }
    q
}

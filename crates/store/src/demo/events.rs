//! The demo's micro-projects and events, around the demo's "now": a term of the "430" after-school class with
//! attendance, the sports meet (趣味运动会) just held, health lectures before and after, a parent-child paper-cut
//! workshop that is full with a waitlist, a building's neighbours' talk and a flea market to come.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::ConnectionTrait;
use weizhili_core::event::{Recurrence, Session};

use super::{Stored, china_day};
use crate::Result;
use crate::event::{self, Event, NewEvent, NewSignup};

/// What the event demo made: how many sessions, and the events other demos build on.
#[derive(Debug, Clone, Default)]
pub struct DemoEvents {
    pub sessions: usize,
    /// The sports meet just held (its volunteers, summary and feedback are another demo's).
    pub sports_meet: Option<i64>,
    /// Events already over, with attendance.
    pub past: Vec<i64>,
}

/// The first `n` of `v` (fewer if there are not so many).
fn first<'a, 'b>(v: &'a [&'b Stored], n: usize) -> &'a [&'b Stored] {
    &v[..n.min(v.len())]
}

/// `v` from the `n`th on (empty if there are not so many).
fn from<'a, 'b>(v: &'a [&'b Stored], n: usize) -> &'a [&'b Stored] {
    v.get(n..).unwrap_or(&[])
}

fn at(day: NaiveDate, from: (u32, u32), to: (u32, u32)) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let time = |(h, m): (u32, u32)| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    let session = Session::on(day, time(from), time(to)).map_err(|e| crate::StoreError::Invalid(e.to_string()))?;
    Ok((session.start_utc(), session.end_utc()))
}

/// Registered while there is room, then waitlisted: the demo signs people up as they would have come.
fn place_or_wait(ev: &Event, _already: bool, waiting: u32) -> std::result::Result<&'static str, &'static str> {
    let room = ev.capacity.is_none_or(|c| ev.registered < c);
    Ok(if room && waiting == 0 { "registered" } else { "waitlisted" })
}

struct Spec<'a> {
    project: Option<i64>,
    building: Option<i64>,
    title: &'a str,
    description: &'a str,
    place: &'a str,
    capacity: Option<i32>,
    audience: (&'a str, Option<i32>, Option<i32>),
}

async fn make(
    db: &impl ConnectionTrait,
    cid: i64,
    staff: i64,
    spec: Spec<'_>,
    sessions: &[(DateTime<Utc>, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<Vec<Event>> {
    let new = NewEvent {
        community_id: cid,
        project_id: spec.project,
        building_id: spec.building,
        title: spec.title.into(),
        description: spec.description.into(),
        place: spec.place.into(),
        capacity: spec.capacity,
        audience: spec.audience.0.into(),
        min_age: spec.audience.1,
        max_age: spec.audience.2,
        signup_deadline: None,
        created_by: Some(staff),
    };
    // Made two weeks before the first session, as staff would.
    let made = sessions.first().map_or(now, |s| s.0 - Duration::days(14)).min(now);
    event::create(db, &new, sessions, made).await
}

/// Signs `people` up for `head` (guardians for children), as of a day before it starts.
async fn sign_up(db: &impl ConnectionTrait, head: &Event, people: &[&Stored], when: DateTime<Utc>) -> Result<()> {
    for p in people {
        let new = NewSignup {
            resident_id: p.id,
            household_id: p.household_id,
            signed_up_by: None,
            proxy: false,
            guardian: p.age < 18,
        };
        event::sign_up(db, head.id, new, place_or_wait, when).await?;
    }
    Ok(())
}

/// Checks in everyone of `people` but those `absent` says stayed away, at the session's start.
async fn attend(
    db: &impl ConnectionTrait,
    session: &Event,
    people: &[&Stored],
    staff: i64,
    absent: impl Fn(usize) -> bool,
) -> Result<usize> {
    let mut came = 0;
    for (i, p) in people.iter().enumerate() {
        if absent(i) {
            continue;
        }
        event::check_in(db, session, p.id, p.household_id, Some(staff), session.starts_at).await?;
        came += 1;
    }
    Ok(came)
}

/// Seeds the events of community `cid`. `keep_free` is a household left out of every sign-up (the `jumin`
/// account's, so that signing their grandchild up for the "430" class is theirs to do in the demo).
pub(super) async fn seed(
    db: &impl ConnectionTrait,
    cid: i64,
    people: &[Stored],
    building_1: Option<i64>,
    staff: i64,
    keep_free: &[i64],
    now: DateTime<Utc>,
) -> Result<DemoEvents> {
    let mut out = DemoEvents::default();
    let today = china_day(now);
    let free: Vec<&Stored> = people.iter().filter(|p| !keep_free.contains(&p.household_id)).collect();
    let who = |fits: &dyn Fn(&Stored) -> bool, n: usize| -> Vec<&Stored> {
        free.iter().copied().filter(|p| fits(p)).take(n).collect()
    };
    let project = |title: &str, description: &str| {
        event::create_project(db, cid, title.into(), description.into(), Some(staff), now - Duration::days(60))
    };

    // The "430" class: every school day of a term that started six weeks ago, 16:30–18:00, a school sports day
    // off; each session's attendance of the fourteen children signed up.
    let class = project("“430”四点半课堂", "放学后到家长下班前，志愿者陪孩子写作业、读书、做游戏。").await?;
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let term_start = monday - Duration::weeks(6);
    let recurrence = Recurrence {
        weekdays: Recurrence::SCHOOL_DAYS,
        from: term_start,
        until: monday + Duration::weeks(5) - Duration::days(3),
        start: NaiveTime::from_hms_opt(16, 30, 0).unwrap_or_default(),
        end: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
        skip: vec![term_start + Duration::weeks(3) + Duration::days(2)],
        extra: vec![],
    };
    let sessions: Vec<_> = recurrence
        .sessions()
        .map_err(|e| crate::StoreError::Invalid(e.to_string()))?
        .iter()
        .map(|s| (s.start_utc(), s.end_utc()))
        .collect();
    let spec = Spec {
        project: Some(class.id),
        building: None,
        title: "“430”四点半课堂",
        description: "作业辅导、课外阅读和手工游戏。请家长 18:00 前来接孩子。",
        place: "社区活动中心二楼书画室",
        capacity: Some(20),
        audience: ("children", Some(6), Some(12)),
    };
    let term = make(db, cid, staff, spec, &sessions, now).await?;
    out.sessions += term.len();
    let children = who(&|p| (6..=12).contains(&p.age), 14);
    sign_up(db, &term[0], &children, term[0].starts_at - Duration::days(3)).await?;
    for (n, session) in term.iter().enumerate().filter(|(_, s)| s.ends_at < now) {
        // About one child in seven stays away on a given day.
        attend(db, session, &children, staff, |i| (i * 5 + n * 3) % 7 == 0).await?;
    }

    // The sports meet, held nine days ago, with three walk-ins; and the parent-child round to come.
    let games = project("2026 趣味运动会", "邻里一起动起来：拔河、套圈、夹弹珠、亲子接力。").await?;
    let meet_day = today - Duration::days(9);
    let spec = Spec {
        project: Some(games.id),
        building: None,
        title: "趣味运动会（第一场）",
        description: "拔河、套圈、夹弹珠，老少皆宜。请穿运动鞋。",
        place: "幸福里小广场",
        capacity: Some(60),
        audience: ("everyone", None, None),
    };
    let meet = make(db, cid, staff, spec, &[at(meet_day, (8, 30), (11, 30))?], now).await?.remove(0);
    let players = who(&|p| (8..=70).contains(&p.age), 43);
    sign_up(db, &meet, first(&players, 40), meet.starts_at - Duration::days(4)).await?;
    attend(db, &meet, first(&players, 40), staff, |i| i % 7 == 3).await?;
    attend(db, &meet, from(&players, 40), staff, |_| false).await?;
    out.sports_meet = Some(meet.id);
    out.past.push(meet.id);
    let spec = Spec {
        project: Some(games.id),
        building: None,
        title: "趣味运动会（亲子场）",
        description: "家长和孩子组队参加，两人三足、亲子接力。",
        place: "幸福里小广场",
        capacity: Some(40),
        audience: ("everyone", None, None),
    };
    let family = make(db, cid, staff, spec, &[at(today + Duration::days(12), (9, 0), (11, 30))?], now).await?;
    sign_up(db, &family[0], &who(&|p| (25..=45).contains(&p.age), 10), now - Duration::days(1)).await?;

    // Health lectures for older residents: one held, one to come.
    let health = project("健康知识讲座", "社区卫生服务站医生主讲，讲后免费量血压。").await?;
    let elderly: Vec<&Stored> = who(&|p| p.age >= 60, 45);
    let spec = Spec {
        project: Some(health.id),
        building: None,
        title: "健康讲座：高血压的防与治",
        description: "社区卫生服务站王医生主讲，讲后免费量血压。",
        place: "社区活动中心一楼多功能厅",
        capacity: Some(50),
        audience: ("elderly", None, None),
    };
    let talk = make(db, cid, staff, spec, &[at(today - Duration::days(5), (9, 30), (11, 0))?], now).await?.remove(0);
    sign_up(db, &talk, first(&elderly, 30), talk.starts_at - Duration::days(2)).await?;
    attend(db, &talk, first(&elderly, 30), staff, |i| i % 8 == 5).await?;
    out.past.push(talk.id);
    let spec = Spec {
        project: Some(health.id),
        building: None,
        title: "健康讲座：冬季防跌倒",
        description: "康复科医生讲冬季出行和居家防跌倒，现场教几个简单的锻炼动作。",
        place: "社区活动中心一楼多功能厅",
        capacity: Some(40),
        audience: ("elderly", None, None),
    };
    let next = make(db, cid, staff, spec, &[at(today + Duration::days(6), (9, 30), (11, 0))?], now).await?;
    sign_up(db, &next[0], from(&elderly, 30), now - Duration::hours(20)).await?;

    // A workshop that filled up: ten places taken, three waiting.
    let crafts = project("亲子工坊", "每月一次，家长和孩子一起动手。").await?;
    let spec = Spec {
        project: Some(crafts.id),
        building: None,
        title: "亲子工坊：剪窗花",
        description: "老师教剪窗花，材料社区准备。每个孩子请一位家长陪同。",
        place: "社区活动中心二楼书画室",
        capacity: Some(10),
        audience: ("children", Some(5), Some(12)),
    };
    let workshop = make(db, cid, staff, spec, &[at(today + Duration::days(4), (14, 30), (16, 30))?], now).await?;
    let kids = who(&|p| (5..=12).contains(&p.age), 27);
    sign_up(db, &workshop[0], from(&kids, 14), now - Duration::days(2)).await?;

    // A building's own talk and the flea market, both to come.
    let spec = Spec {
        project: None,
        building: building_1,
        title: "1栋邻里座谈会",
        description: "聊聊楼道堆物、电动车充电和加装电梯的事，楼栋长主持。",
        place: "1栋一单元架空层",
        capacity: Some(30),
        audience: ("adults", None, None),
    };
    let talk = make(db, cid, staff, spec, &[at(today + Duration::days(3), (19, 0), (20, 30))?], now).await?;
    let neighbours: Vec<&Stored> =
        free.iter().copied().filter(|p| Some(p.building_id) == building_1 && p.age >= 18).take(6).collect();
    sign_up(db, &talk[0], &neighbours, now - Duration::days(1)).await?;
    let spec = Spec {
        project: None,
        building: None,
        title: "邻里跳蚤市场",
        description: "闲置物品交换和义卖，义卖所得捐给社区微心愿基金。自带摊布。",
        place: "幸福里小广场",
        capacity: None,
        audience: ("everyone", None, None),
    };
    let market = make(db, cid, staff, spec, &[at(today + Duration::days(13), (9, 0), (12, 0))?], now).await?;
    sign_up(db, &market[0], &who(&|p| (30..=75).contains(&p.age), 8), now - Duration::days(1)).await?;

    out.sessions += 7;
    event::mark_no_shows(db, now).await?;
    Ok(out)
}

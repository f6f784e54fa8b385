//! The demo's follow-up of events already held: the sports meet's volunteers (裁判, 签到, 摄影) with their hours
//! (some confirmed, some waiting for staff), summaries of the past events, and feedback from people who came, so
//! the event pages, /service-records and the events ledger (活动台账) read as real. No photos: the demo makes
//! none anywhere (a picture of nobody would not help).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::events::DemoEvents;
use crate::entity::resident;
use crate::event::followup::{self as followup, NewFeedback, NewShift};
use crate::event::{self, head_of};
use crate::service::{self, NewRecord};
use crate::{Result, account};

const SUMMARIES: [&str; 3] = [
    "四十多位居民参加了第一场趣味运动会，最小的六岁，最大的七十岁。拔河比赛 3 栋队夺冠，套圈和夹弹珠排起了长队。\n\n志愿者提前一小时布置场地，签到、裁判、拍照都有人负责。下次想增加适合老人的项目，比如投沙包。",
    "讲座讲了高血压日常管理和用药常识，居民现场提问十几个。社区医生留下了咨询电话，下个月继续讲糖尿病饮食。",
    "活动顺利结束，感谢参加的居民和志愿者。",
];

const COMMENTS: [Option<&str>; 6] =
    [Some("很热闹，孩子玩得很开心"), None, Some("希望多办几次"), None, Some("场地有点晒，下次搭个棚子"), None];

/// Seeds what followed the demo's past events. `demo` is what `events::seed` made.
pub(super) async fn seed(
    db: &impl ConnectionTrait,
    cid: i64,
    demo: &DemoEvents,
    staff: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(meet_id) = demo.sports_meet
        && let Some(meet) = event::get(db, meet_id).await?
    {
        volunteers(db, cid, &meet, staff, now).await?;
    }
    for (n, id) in demo.past.iter().enumerate() {
        let Some(ev) = event::get(db, *id).await? else { continue };
        if n < 2 || Some(ev.id) == demo.sports_meet {
            let text = if Some(ev.id) == demo.sports_meet { SUMMARIES[0] } else { SUMMARIES[1 + n.min(1)] };
            followup::set_summary(db, cid, ev.id, text.to_owned(), staff, ev.ends_at + Duration::hours(5)).await?;
        }
        feedback(db, cid, &ev, now).await?;
    }
    Ok(())
}

/// The sports meet's roles: referees and the sign-in desk served (one record confirmed, the rest pending), a
/// photographer too.
async fn volunteers(
    db: &impl ConnectionTrait,
    cid: i64,
    meet: &event::Event,
    staff: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut helpers = Vec::new();
    for login in ["zhiyuanzhe", "zhiyuanzhe2"] {
        helpers.extend(account::user_by_login(db, login).await?.map(|u| u.id));
    }
    helpers.push(staff);
    let early = meet.starts_at - Duration::minutes(30);
    let roles = [
        ("裁判", early, meet.ends_at, 3),
        ("签到", early, meet.starts_at + Duration::minutes(60), 2),
        ("摄影", meet.starts_at, meet.ends_at, 1),
    ];
    let made_at = meet.starts_at - Duration::days(7);
    let mut first_record = None;
    for (n, (role, starts_at, ends_at, places)) in roles.into_iter().enumerate() {
        let new = NewShift {
            community_id: cid,
            event_id: meet.id,
            role: role.into(),
            starts_at,
            ends_at,
            places,
            created_by: Some(staff),
        };
        let shift = followup::add_shift(db, new, made_at).await?;
        let who = helpers[n % helpers.len()];
        let on = followup::take_shift(db, shift.id, who, None, |_, _, _| Ok(()), made_at + Duration::hours(2)).await?;
        let minutes = (ends_at - starts_at).num_minutes() as i32;
        let record = NewRecord {
            community_id: cid,
            user_id: who,
            wish_id: None,
            event_id: Some(meet.id),
            what: format!("{} · {role}", meet.title),
            served_on: super::china_day(starts_at),
            minutes,
        };
        let (_, made) = followup::mark_served(db, &on, staff, record, ends_at + Duration::minutes(10)).await?;
        first_record.get_or_insert((made.id, made.minutes));
    }
    // Staff confirmed the referees' hours a few days later; the others wait on /service-records.
    if let Some((id, minutes)) = first_record {
        service::confirm(db, id, staff, minutes, None, (meet.ends_at + Duration::days(3)).min(now)).await?;
    }
    Ok(())
}

/// Feedback from about one in three of those who came, mostly content.
async fn feedback(db: &impl ConnectionTrait, cid: i64, ev: &event::Event, now: DateTime<Utc>) -> Result<()> {
    let head = head_of(ev);
    let mut came: Vec<i64> = event::checkins_of_series(db, head).await?.into_iter().map(|(r, _)| r).collect();
    came.sort_unstable();
    came.dedup();
    for (n, resident_id) in came.into_iter().enumerate().filter(|(n, _)| n % 3 == 0).take(12) {
        let Some(person) = resident::Entity::find_by_id(resident_id).one(db).await? else { continue };
        let fb = NewFeedback {
            community_id: cid,
            head_id: head,
            resident_id,
            household_id: person.household_id,
            user_id: None,
            rating: [5, 4, 5, 3, 5, 4][n / 3 % 6],
            comment: COMMENTS[n / 3 % 6].map(str::to_owned),
        };
        followup::give_feedback(db, fb, (ev.ends_at + Duration::hours(3)).min(now)).await?;
    }
    Ok(())
}

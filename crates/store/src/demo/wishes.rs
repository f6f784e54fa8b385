//! About 120 demo micro-wishes in 幸福里社区, in every state of their lifecycle, moved there through the same
//! rules as real ones (`wish::apply`), with claims by the demo helpers, progress notes and thank-yous, the
//! volunteers' service records, and a help pair whose newest wish waits for the paired volunteer.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::ConnectionTrait;
use weizhili_core::wish::WishAction;

use crate::Result;
use crate::notify::{self, NewNotification};
use crate::service::{self, NewRecord};
use crate::wish::{self, Change, NewWish, pairs};

/// A demo wisher: (resident id, household id, building id).
pub type Wisher = (i64, i64, i64);

const WISHES: &[(&str, &str, &str)] = &[
    ("repair", "换楼道灯泡", "三楼楼道的灯坏了快一个星期，晚上上下楼看不清。"),
    ("repair", "修一下漏水的水龙头", "厨房水龙头一直滴水，自己拧不紧。"),
    ("repair", "帮忙换个门锁", "家里门锁不好用了，钥匙经常打不开。"),
    ("repair", "纱窗破了想补一补", "夏天蚊子多，纱窗破了个洞。"),
    ("repair", "修理老式收音机", "老伴留下的收音机不响了，想修好。"),
    ("companionship", "陪老人去医院复查", "下周二要去市一医院复查，子女在外地。"),
    ("companionship", "周末陪我下下象棋", "一个人在家闷得慌，想找人下棋聊天。"),
    ("companionship", "陪我去公园走走", "腿脚不太方便，想有人陪着出去晒晒太阳。"),
    ("companionship", "帮忙读读报纸", "眼睛花了，想听人读读新闻。"),
    ("learning", "教我用智能手机视频通话", "想和在外地的孙子视频，不会操作。"),
    ("learning", "辅导孩子作业", "孩子上四年级，数学作业我辅导不了。"),
    ("learning", "教我用手机挂号", "医院现在都要手机预约，不会用。"),
    ("learning", "想学写毛笔字", "退休了想练练书法，缺个老师指点。"),
    ("learning", "教我网上缴水电费", "每次都要跑营业厅，想学会在手机上交。"),
    ("daily_goods", "想要一个助行器", "走路不稳，想有个助行器。"),
    ("daily_goods", "冬天需要一床厚被子", "家里的被子太薄了。"),
    ("daily_goods", "给孩子买几本课外书", "孩子喜欢看书，家里书太少。"),
    ("daily_goods", "需要一个老花镜", "原来的眼镜摔坏了。"),
    ("health", "想量量血压", "最近头晕，想请懂的人帮忙量血压。"),
    ("health", "帮忙整理一下药盒", "药太多，总记不清什么时候吃哪种。"),
    ("health", "想了解糖尿病饮食", "刚查出血糖高，不知道该怎么吃。"),
    ("transport", "帮忙从超市搬米面上楼", "住六楼没电梯，大米扛不动。"),
    ("transport", "送我去社区卫生站打疫苗", "行动不便，想有人送一下。"),
    ("transport", "接孩子放学", "周三下午加班，没人接孩子。"),
    ("other", "帮忙理个发", "不方便出门去理发店。"),
    ("other", "想给老伴过个生日", "老伴八十岁生日，想热闹一下。"),
    ("other", "帮忙打扫一下卫生", "年纪大了，高处擦不到。"),
    ("other", "想找人帮忙拍张全家福", "孩子们难得回来一次。"),
];

const THANKS: &[&str] =
    &["谢谢小伙子！", "太感谢了，好人一生平安", "谢谢志愿者，辛苦了", "感谢社区，感谢党员同志", "谢谢你们，心里暖暖的"];
const NOTES: &[&str] =
    &["已经上门办好了", "陪同完成，一切顺利", "东西已经送到家里", "教会了，老人很高兴", "修好了，试过没问题"];

/// Seeds the wishes. `helpers` are user ids of people who claim (volunteers, the building head, staff).
pub async fn seed(
    db: &impl ConnectionTrait,
    community_id: i64,
    wishers: &[Wisher],
    staff_id: i64,
    helpers: &[i64],
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(0x5749_5348);
    let mut made = 0;
    for n in 0..120usize {
        let (category, title, description) = WISHES[n % WISHES.len()];
        let (resident_id, household_id, building_id) = wishers[rng.random_range(0..wishers.len())];
        let source = ["online", "online", "box", "wall", "visit"][rng.random_range(0..5)];
        let proxy = source != "online";
        let start = now - Duration::days(rng.random_range(1..90)) - Duration::minutes(rng.random_range(0..600));
        let w = wish::create(
            db,
            NewWish {
                community_id,
                building_id: Some(building_id),
                household_id: Some(household_id),
                resident_id: Some(resident_id),
                submitted_by: if proxy { Some(staff_id) } else { None },
                proxy,
                source: source.into(),
                slip_no: proxy.then(|| format!("{}-{:03}", &source[..1].to_uppercase(), n + 1)),
                category: category.into(),
                title: title.into(),
                description: description.into(),
                anonymous: rng.random_bool(0.2),
            },
            start,
        )
        .await?;
        wish::add_update(db, &w, None, "submit", None, start).await?;
        made += 1;
        // Where this one has got to: 0 submitted, 1 rejected, 2 withdrawn, 3 published, 4 claimed, 5 fulfilled,
        // 6 confirmed (the most, as in a programme that works).
        let stage = match n % 20 {
            0 | 1 => 0,
            2 => 1,
            3 => 2,
            4..=7 => 3,
            8..=10 => 4,
            11..=12 => 5,
            _ => 6,
        };
        let mut at = start + Duration::hours(rng.random_range(2..48));
        if stage == 0 || at > now {
            continue;
        }
        if stage == 1 {
            let change =
                Change { reject_reason: Some("需要由物业处理，已转物业".into()), ..Default::default() };
            let w = wish::apply(db, &w, WishAction::Reject, change, at).await?;
            wish::add_update(db, &w, Some(staff_id), "reject", Some("需要由物业处理，已转物业".into()), at).await?;
            continue;
        }
        if stage == 2 {
            let w = wish::apply(db, &w, WishAction::Withdraw, Change::default(), at).await?;
            wish::add_update(db, &w, None, "withdraw", None, at).await?;
            continue;
        }
        let due = (at + Duration::days(14)).date_naive();
        let w =
            wish::apply(db, &w, WishAction::Publish, Change { due_date: Some(due), ..Default::default() }, at).await?;
        wish::add_update(db, &w, Some(staff_id), "publish", None, at).await?;
        if stage == 3 {
            continue;
        }
        at += Duration::hours(rng.random_range(1..72));
        let helper = helpers[rng.random_range(0..helpers.len())];
        let organisation = rng.random_bool(0.15).then(|| "幸福里社区党支部".to_owned());
        let (w, claim_id) = claim(db, &w, helper, organisation, at).await?;
        // Every demo claimant has called the wisher, so no claim lapses when the demo server starts.
        at += Duration::hours(rng.random_range(1..24));
        wish::mark_contacted(db, claim_id, at).await?;
        wish::add_update(db, &w, Some(helper), "contact", Some("已电话联系，约好了时间".into()), at).await?;
        if stage == 4 {
            continue;
        }
        at += Duration::hours(rng.random_range(4..96));
        let note = NOTES[rng.random_range(0..NOTES.len())];
        let change = Change { minutes: Some(rng.random_range(3..16) * 10), ..Default::default() };
        let w = wish::apply(db, &w, WishAction::Fulfil, change, at).await?;
        wish::end_claim(db, w.id, "completed", None, at).await?;
        wish::add_update(db, &w, Some(helper), "fulfil", Some(note.into()), at).await?;
        if stage == 5 {
            continue;
        }
        at += Duration::hours(rng.random_range(2..48));
        let thanks = THANKS[rng.random_range(0..THANKS.len())];
        let change =
            Change { satisfaction: Some(rng.random_range(4..=5)), thanks: Some(thanks.into()), ..Default::default() };
        let w = wish::apply(db, &w, WishAction::Confirm, change, at).await?;
        wish::add_update(db, &w, None, "confirm", Some(thanks.into()), at).await?;
        // The volunteer's time: confirmed by staff after a few days, the latest still pending.
        let served_on = crate::demo::china_day(w.fulfilled_at.unwrap_or(at));
        let record = NewRecord {
            community_id,
            user_id: helper,
            wish_id: Some(w.id),
            event_id: None,
            what: w.title.clone(),
            served_on,
            minutes: w.minutes.unwrap_or(60),
        };
        if let Some(r) = service::record_pending(db, record, at).await?
            && now - at > Duration::days(5)
        {
            service::confirm(db, r.id, staff_id, r.minutes, None, at + Duration::days(3)).await?;
        }
    }
    made += help_pair(db, community_id, wishers, staff_id, helpers, now).await?;
    Ok(made)
}

/// A help pair (帮扶对子): the first volunteer stands by an older resident; that resident's newest wish, published
/// two hours ago, waits for the volunteer alone (their bell says so). Returns the wishes made.
async fn help_pair(
    db: &impl ConnectionTrait,
    community_id: i64,
    wishers: &[Wisher],
    staff_id: i64,
    helpers: &[i64],
    now: DateTime<Utc>,
) -> Result<usize> {
    let (Some(&(resident_id, household_id, building_id)), Some(&helper)) = (wishers.first(), helpers.first()) else {
        return Ok(0);
    };
    pairs::create(db, community_id, helper, resident_id, household_id, staff_id, now - Duration::days(60)).await?;
    let at = now - Duration::hours(3);
    let w = wish::create(
        db,
        NewWish {
            community_id,
            building_id: Some(building_id),
            household_id: Some(household_id),
            resident_id: Some(resident_id),
            submitted_by: Some(staff_id),
            proxy: true,
            source: "visit".into(),
            slip_no: Some("V-121".into()),
            category: "health".into(),
            title: "陪我去医院复查".into(),
            description: "下周二上午要去区医院复查血压，子女不在身边。".into(),
            anonymous: false,
        },
        at,
    )
    .await?;
    wish::add_update(db, &w, Some(staff_id), "submit", None, at).await?;
    let published = at + Duration::hours(1);
    let w = wish::apply(db, &w, WishAction::Publish, Change::default(), published).await?;
    wish::add_update(db, &w, Some(staff_id), "publish", None, published).await?;
    let until = weizhili_core::wish::offer_until(published, weizhili_core::wish::HELP_PAIR_OFFER_HOURS_DEFAULT)
        .unwrap_or(published);
    wish::offer(db, w.id, helper, until).await?;
    wish::add_update(db, &w, None, "offer", None, published).await?;
    let notification = NewNotification {
        community_id: Some(community_id),
        kind: weizhili_core::notify::Kind::WishOffered,
        wish_id: Some(w.id),
        event_id: None,
        title: w.title.clone(),
        detail: None,
    };
    notify::send(db, &[helper], &notification, published).await?;
    Ok(1)
}

/// A claim inside the caller's transaction (the demo seeds in one).
async fn claim(
    db: &impl ConnectionTrait,
    w: &wish::Wish,
    user_id: i64,
    organisation: Option<String>,
    at: DateTime<Utc>,
) -> Result<(wish::Wish, i64)> {
    let claim = wish::insert_claim(db, w, user_id, organisation, at).await?;
    let w = wish::apply(db, w, WishAction::Claim, Change::default(), at).await?;
    wish::add_update(db, &w, Some(user_id), "claim", None, at).await?;
    Ok((w, claim.id))
}

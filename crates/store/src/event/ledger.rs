//! The events ledger (活动台账) of a community for a period: per project and per building, the sessions held,
//! 服务人次 (check-ins, once per person and session), 服务人数 (distinct people), volunteer hours (confirmed and
//! pending service records made at the events), and the average satisfaction of the feedback; with a totals row.
//! Also as `.xlsx`, one sheet per grouping. Counting rules are `core::event::attendance_counts`'s.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use weizhili_core::event::attendance_counts;
use weizhili_core::event::followup::average_rating;
use weizhili_core::service::RecordStatus;

use crate::entity::{building, event, event_checkin, event_feedback, project, service_record};
use crate::{Result, StoreError};

/// One row of the ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    /// The project's or building's id; `None` for events with none (and for the totals).
    pub key: Option<i64>,
    /// Its title or name; empty for `key: None`.
    pub label: String,
    /// Sessions held in the period.
    pub events: u64,
    /// 服务人次.
    pub attendances: u64,
    /// 服务人数.
    pub people_served: u64,
    pub confirmed_minutes: i64,
    pub pending_minutes: i64,
    pub rating_sum: i64,
    pub ratings: u64,
}

impl Line {
    pub fn average_rating(&self) -> Option<f64> {
        average_rating(self.rating_sum, self.ratings)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    pub by_project: Vec<Line>,
    pub by_building: Vec<Line>,
    pub total: Line,
}

struct Facts {
    sessions: Vec<event::Model>,
    checkins: Vec<(i64, i64)>,
    records: Vec<(Option<i64>, String, i32)>,
    ratings: Vec<(i64, i32)>,
}

/// The ledger of sessions starting in `[from, to)`.
pub async fn ledger(
    db: &impl ConnectionTrait,
    community_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Ledger> {
    let sessions = event::Entity::find()
        .filter(event::Column::CommunityId.eq(community_id))
        .filter(event::Column::StartsAt.gte(from))
        .filter(event::Column::StartsAt.lt(to))
        .filter(event::Column::Status.ne("cancelled"))
        .all(db)
        .await?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let heads: Vec<i64> = sessions.iter().map(crate::event::head_of).collect::<HashSet<_>>().into_iter().collect();
    let mut facts = Facts { sessions, checkins: vec![], records: vec![], ratings: vec![] };
    // A month holds at most a few hundred sessions; IN lists are cut to stay well inside both databases' limits.
    for chunk in ids.chunks(500) {
        let got: Vec<(i64, i64)> = event_checkin::Entity::find()
            .select_only()
            .column(event_checkin::Column::ResidentId)
            .column(event_checkin::Column::EventId)
            .filter(event_checkin::Column::EventId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        facts.checkins.extend(got);
        let got: Vec<(Option<i64>, String, i32)> = service_record::Entity::find()
            .select_only()
            .column(service_record::Column::EventId)
            .column(service_record::Column::Status)
            .column(service_record::Column::Minutes)
            .filter(service_record::Column::EventId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        facts.records.extend(got);
    }
    for chunk in heads.chunks(500) {
        let got: Vec<(i64, i32)> = event_feedback::Entity::find()
            .select_only()
            .column(event_feedback::Column::EventId)
            .column(event_feedback::Column::Rating)
            .filter(event_feedback::Column::EventId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        facts.ratings.extend(got);
    }
    let project_ids: Vec<i64> = facts.sessions.iter().filter_map(|s| s.project_id).collect();
    let building_ids: Vec<i64> = facts.sessions.iter().filter_map(|s| s.building_id).collect();
    let projects: HashMap<i64, String> = project::Entity::find()
        .filter(project::Column::Id.is_in(project_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    let buildings: HashMap<i64, String> = building::Entity::find()
        .filter(building::Column::Id.is_in(building_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    Ok(Ledger {
        by_project: lines(&facts, |s| s.project_id, &projects),
        by_building: lines(&facts, |s| s.building_id, &buildings),
        total: line(&facts, |_| true, None, String::new()),
    })
}

/// One line per key (named ones by name, then the events with none).
fn lines(facts: &Facts, key_of: fn(&event::Model) -> Option<i64>, names: &HashMap<i64, String>) -> Vec<Line> {
    let keys: BTreeMap<(bool, String, Option<i64>), ()> = facts
        .sessions
        .iter()
        .map(|s| {
            let key = key_of(s);
            ((key.is_none(), key.and_then(|k| names.get(&k).cloned()).unwrap_or_default(), key), ())
        })
        .collect();
    keys.into_keys().map(|(_, label, key)| line(facts, |s| key_of(s) == key, key, label)).collect()
}

fn line(facts: &Facts, within: impl Fn(&event::Model) -> bool, key: Option<i64>, label: String) -> Line {
    let sessions: HashSet<i64> = facts.sessions.iter().filter(|s| within(s)).map(|s| s.id).collect();
    let heads: HashSet<i64> = facts.sessions.iter().filter(|s| within(s)).map(crate::event::head_of).collect();
    let counts = attendance_counts(facts.checkins.iter().filter(|(_, s)| sessions.contains(s)).copied());
    let mut out = Line {
        key,
        label,
        events: sessions.len() as u64,
        attendances: counts.attendances as u64,
        people_served: counts.people_served as u64,
        ..Default::default()
    };
    for (event_id, status, minutes) in &facts.records {
        if event_id.is_some_and(|e| sessions.contains(&e)) {
            if status == RecordStatus::Confirmed.as_str() {
                out.confirmed_minutes += i64::from(*minutes);
            } else {
                out.pending_minutes += i64::from(*minutes);
            }
        }
    }
    for (head, rating) in &facts.ratings {
        if heads.contains(head) {
            out.rating_sum += i64::from(*rating);
            out.ratings += 1;
        }
    }
    out
}

/// The ledger as `.xlsx`: sheets 按项目 and 按楼栋, each with a 合计 row; `period` is written above the table.
pub fn to_xlsx(ledger: &Ledger, period: &str) -> Result<Vec<u8>> {
    let xl = |e: rust_xlsxwriter::XlsxError| StoreError::Invalid(e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let headers = [
        "项目/楼栋",
        "活动场次",
        "服务人次",
        "服务人数",
        "志愿时长（已确认，小时）",
        "志愿时长（待确认，小时）",
        "平均满意度",
        "评价人数",
    ];
    for (name, rows, none) in
        [("按项目", &ledger.by_project, "（未归入项目）"), ("按楼栋", &ledger.by_building, "（全社区）")]
    {
        let sheet = book.add_worksheet();
        sheet.set_name(name).map_err(xl)?;
        sheet.write_string_with_format(0, 0, format!("活动台账 {period}"), &bold).map_err(xl)?;
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(1, c as u16, *h, &bold).map_err(xl)?;
        }
        let total = Line { label: "合计".into(), ..ledger.total.clone() };
        for (r, line) in (2_u32..).zip(rows.iter().chain(std::iter::once(&total))) {
            let label = if line.label.is_empty() { none.to_owned() } else { line.label.clone() };
            let format = if r as usize == rows.len() + 2 { Some(&bold) } else { None };
            match format {
                Some(f) => sheet.write_string_with_format(r, 0, &label, f).map_err(xl)?,
                None => sheet.write_string(r, 0, &label).map_err(xl)?,
            };
            let numbers = [
                line.events as f64,
                line.attendances as f64,
                line.people_served as f64,
                line.confirmed_minutes as f64 / 60.0,
                line.pending_minutes as f64 / 60.0,
            ];
            for (c, n) in numbers.iter().enumerate() {
                sheet.write_number(r, c as u16 + 1, (*n * 10.0).round() / 10.0).map_err(xl)?;
            }
            match line.average_rating() {
                Some(a) => sheet.write_number(r, 6, a).map_err(xl)?,
                None => sheet.write_string(r, 6, "").map_err(xl)?,
            };
            sheet.write_number(r, 7, line.ratings as f64).map_err(xl)?;
        }
        sheet.set_column_width(0, 24).map_err(xl)?;
    }
    book.save_to_buffer().map_err(xl)
}

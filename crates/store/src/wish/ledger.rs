//! What a programme reports about wishes: this month's counts for the staff home, and the wish ledger (心愿台账) as Excel.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use weizhili_core::wish::WishStatus;

use super::{Filter, list};
use crate::entity::{wish, wish_claim};
use crate::{Result, StoreError};

/// A month's work on wishes, for the staff home page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthCounts {
    pub collected: u64,
    pub published: u64,
    pub claimed: u64,
    pub fulfilled: u64,
    pub confirmed: u64,
    /// Median days from publishing to fulfilment of the wishes fulfilled in the period.
    pub median_days_to_fulfil: Option<f64>,
    /// Waiting for review now.
    pub waiting_review: u64,
    /// Published and unclaimed now.
    pub unclaimed: u64,
}

/// Counts for `[from, to)`: aggregate queries, whatever the number of wishes.
pub async fn month_counts(
    db: &impl ConnectionTrait,
    community_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<MonthCounts> {
    let in_period = |col: wish::Column| {
        wish::Entity::find().filter(wish::Column::CommunityId.eq(community_id)).filter(col.gte(from)).filter(col.lt(to))
    };
    let collected = crate::count_of(db, in_period(wish::Column::CreatedAt), wish::Column::Id).await?;
    let published = crate::count_of(db, in_period(wish::Column::PublishedAt), wish::Column::Id).await?;
    let claimed = crate::count_of(
        db,
        wish_claim::Entity::find()
            .filter(wish_claim::Column::CommunityId.eq(community_id))
            .filter(wish_claim::Column::ClaimedAt.gte(from))
            .filter(wish_claim::Column::ClaimedAt.lt(to)),
        wish_claim::Column::Id,
    )
    .await?;
    let fulfilled = crate::count_of(db, in_period(wish::Column::FulfilledAt), wish::Column::Id).await?;
    let confirmed = crate::count_of(db, in_period(wish::Column::ConfirmedAt), wish::Column::Id).await?;
    type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let spans: Vec<Span> = in_period(wish::Column::FulfilledAt)
        .select_only()
        .column(wish::Column::PublishedAt)
        .column(wish::Column::FulfilledAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut days: Vec<f64> =
        spans.into_iter().filter_map(|(p, f)| Some((f? - p?).num_minutes() as f64 / (24.0 * 60.0))).collect();
    days.sort_by(f64::total_cmp);
    let median_days_to_fulfil = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2]),
        n => Some((days[n / 2 - 1] + days[n / 2]) / 2.0),
    };
    let now_in = |status: WishStatus| {
        wish::Entity::find()
            .filter(wish::Column::CommunityId.eq(community_id))
            .filter(wish::Column::Status.eq(status.as_str()))
    };
    Ok(MonthCounts {
        collected,
        published,
        claimed,
        fulfilled,
        confirmed,
        median_days_to_fulfil,
        waiting_review: crate::count_of(db, now_in(WishStatus::Submitted), wish::Column::Id).await?,
        unclaimed: crate::count_of(db, now_in(WishStatus::Published), wish::Column::Id).await?,
    })
}

/// The wish ledger (心愿台账) of a community as `.xlsx`: one row per wish, with its source, slip number,
/// building, category, status, claimant, key dates, days to fulfil and satisfaction. No names of wishers.
pub async fn export_ledger(db: &impl ConnectionTrait, community_id: i64) -> Result<Vec<u8>> {
    let xl = |e: rust_xlsxwriter::XlsxError| StoreError::Invalid(e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("心愿台账").map_err(xl)?;
    let headers = [
        "编号",
        "登记日期",
        "来源",
        "心愿卡编号",
        "楼栋",
        "类别",
        "心愿",
        "状态",
        "认领人",
        "认领单位",
        "发布日期",
        "认领日期",
        "完成日期",
        "确认日期",
        "完成用时（天）",
        "服务时长（分钟）",
        "满意度",
    ];
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(xl)?;
    }
    let date = |d: Option<DateTime<Utc>>| {
        d.map(|d| weizhili_core::clock::china_time(d).format("%Y-%m-%d").to_string()).unwrap_or_default()
    };
    let mut row_no: u32 = 1;
    let mut page = 1;
    loop {
        let filter = Filter { community_id: Some(community_id), page, per_page: 200, ..Default::default() };
        let found = list(db, &filter).await?;
        for row in &found.rows {
            let w = &row.wish;
            let source = weizhili_core::wish::Source::parse(&w.source).map(|s| s.zh()).unwrap_or("");
            let category = weizhili_core::wish::Category::parse(&w.category).map(|c| c.zh()).unwrap_or("");
            let status = WishStatus::parse(&w.status).map(|s| s.zh()).unwrap_or("");
            let days = match (w.published_at, w.fulfilled_at) {
                (Some(p), Some(f)) => format!("{:.1}", (f - p).num_minutes() as f64 / 1440.0),
                _ => String::new(),
            };
            let values = [
                w.id.to_string(),
                date(Some(w.created_at)),
                source.to_owned(),
                w.slip_no.clone().unwrap_or_default(),
                row.building_name.clone().unwrap_or_default(),
                category.to_owned(),
                w.title.clone(),
                status.to_owned(),
                row.claimant_name.clone().unwrap_or_default(),
                row.claim.as_ref().and_then(|c| c.organisation.clone()).unwrap_or_default(),
                date(w.published_at),
                date(row.claim.as_ref().map(|c| c.claimed_at)),
                date(w.fulfilled_at),
                date(w.confirmed_at),
                days,
                w.minutes.map(|m| m.to_string()).unwrap_or_default(),
                w.satisfaction.map(|s| s.to_string()).unwrap_or_default(),
            ];
            for (c, v) in values.iter().enumerate() {
                sheet.write_string(row_no, c as u16, v).map_err(xl)?;
            }
            row_no += 1;
        }
        if page >= found.pages() {
            break;
        }
        page += 1;
    }
    book.save_to_buffer().map_err(xl)
}

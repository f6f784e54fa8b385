//! Feedback on an event (活动评价): a rating from 1 to 5 and a comment, from someone who was checked in to it (any
//! session of a series) or an adult of a child's household who was; once per person and event, editable. Staff
//! and group leaders read it all. The page `/events/{id}/feedback`, the API `/api/v1/events/{id}/feedback`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use weizhili_core::access::{Action, Place};
use weizhili_core::event::Attendee;
use weizhili_core::event::followup::{FollowupError, Rating, average_rating, may_give_feedback, parse_comment};
use weizhili_core::grid::BirthYear;
use weizhili_store::event::followup::{self as store, Feedback, NewFeedback};
use weizhili_store::event::{Event, head_of};
use weizhili_store::{StoreError, audit, begin_write, grid};

use super::after::{followup_refusal, when};
use super::flow::visible;
use crate::auth::CurrentUser;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/feedback", get(page).post(form))
        .route("/api/v1/events/{id}/feedback", get(list_json).post(give_json))
}

/// Who gives feedback: the user's own resident, when they may.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Giver {
    pub resident_id: i64,
    pub household_id: i64,
}

/// The user as a feedback giver on `ev`, if they may give it: their resident, in their household (access), who
/// came or whose child came (`core::event::followup::may_give_feedback`).
pub(crate) async fn giver(state: &AppState, user: &CurrentUser, ev: &Event) -> Result<Option<Giver>, AppError> {
    Ok(check_giver(state, user, ev).await?.ok())
}

async fn check_giver(
    state: &AppState,
    user: &CurrentUser,
    ev: &Event,
) -> Result<Result<Giver, FollowupError>, AppError> {
    let Some(rid) = user.user.resident_id else { return Ok(Err(FollowupError::NotAttended)) };
    let Some(row) = grid::resident(&state.db, rid).await? else { return Ok(Err(FollowupError::NotAttended)) };
    let me = row.resident;
    let Some(household) = grid::household(&state.db, me.household_id).await? else {
        return Ok(Err(FollowupError::NotAttended));
    };
    if household.community_id != ev.community_id
        || !user.can(Action::GiveEventFeedback, &crate::grid::household_place(&household))
    {
        return Ok(Err(FollowupError::NotAttended));
    }
    let this_year = state.clock.this_year();
    let person = |id: i64, household_id: i64, born: Option<i32>| Attendee {
        resident_id: id,
        household_id: Some(household_id),
        birth_year: born.and_then(|y| BirthYear::new(y, this_year).ok()),
    };
    let came: Vec<Attendee> = store::attended_from(&state.db, head_of(ev), me.id, me.household_id)
        .await?
        .iter()
        .map(|r| person(r.id, r.household_id, r.birth_year))
        .collect();
    let on = weizhili_core::clock::china_time(ev.starts_at).date_naive();
    Ok(may_give_feedback(&person(me.id, me.household_id, me.birth_year), &came, on)
        .map(|()| Giver { resident_id: me.id, household_id: me.household_id }))
}

/// Feedback as the API gives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackView {
    pub id: i64,
    /// The series' first session.
    pub event_id: i64,
    pub resident_id: i64,
    /// The giver's name: for staff and the giver.
    pub name: Option<String>,
    pub rating: i32,
    pub comment: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn view(f: Feedback, name: Option<String>) -> FeedbackView {
    FeedbackView {
        id: f.id,
        event_id: f.event_id,
        resident_id: f.resident_id,
        name,
        rating: f.rating,
        comment: f.comment,
        updated_at: f.updated_at,
    }
}

#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
pub struct FeedbackInput {
    /// 1 (poor) to 5 (very good); a number or its digits as text.
    #[serde(deserialize_with = "number_or_text", default)]
    #[schema(value_type = String)]
    pub rating: String,
    /// Optional, up to 500 characters.
    #[serde(default)]
    pub comment: String,
}

fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Number(i64),
        Text(String),
    }
    Ok(match Given::deserialize(d)? {
        Given::Number(n) => n.to_string(),
        Given::Text(t) => t,
    })
}

/// Gives or changes the user's feedback. Returns it and whether it is new.
async fn give(
    state: &AppState,
    user: &CurrentUser,
    ev: &Event,
    input: &FeedbackInput,
) -> Result<(Feedback, bool), AppError> {
    let g = check_giver(state, user, ev).await?.map_err(followup_refusal)?;
    let rating = Rating::parse(&input.rating).map_err(followup_refusal)?;
    let comment = parse_comment(&input.comment).map_err(followup_refusal)?;
    let now = state.clock.now();
    let new = NewFeedback {
        community_id: ev.community_id,
        head_id: head_of(ev),
        resident_id: g.resident_id,
        household_id: g.household_id,
        user_id: Some(user.user.id),
        rating: rating.get() as i32,
        comment,
    };
    let txn = begin_write(&state.db).await?;
    let (saved, is_new) = store::give_feedback(&txn, new, now).await?;
    let entry = user.audit("event.feedback").object("event", saved.event_id).community(Some(ev.community_id));
    audit::record(&txn, now, entry.detail(format!("rating={} new={is_new}", saved.rating))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok((saved, is_new))
}

#[derive(Template)]
#[template(path = "event/feedback.html")]
struct FeedbackPage {
    c: PageCtx,
    ev: Event,
    when: String,
    /// The reader may give feedback: the form.
    may_give: bool,
    given: bool,
    form: FeedbackInput,
    /// Staff and group leaders: everyone's.
    all: Vec<FeedbackView>,
    manage: bool,
    average: String,
    count: u64,
    error: Option<String>,
}

impl FeedbackPage {
    /// The rating choices, best first: (value, label, chosen).
    fn choices(&self) -> Vec<(u8, String, bool)> {
        [
            (5, self.c.t("event-rating-5")),
            (4, self.c.t("event-rating-4")),
            (3, self.c.t("event-rating-3")),
            (2, self.c.t("event-rating-2")),
            (1, self.c.t("event-rating-1")),
        ]
        .into_iter()
        .map(|(n, label)| (n, label, self.form.rating.trim() == n.to_string()))
        .collect()
    }
}

async fn render_page(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    ev: Event,
    typed: Option<FeedbackInput>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let manage = user.can(Action::ManageEvents, &Place::community(ev.community_id));
    let g = giver(state, user, &ev).await?;
    if g.is_none() && !manage {
        return Err(AppError::Conflict("not_attended"));
    }
    let head = head_of(&ev);
    let mine = match g {
        Some(g) => store::feedback_by(&state.db, head, g.resident_id).await?,
        None => None,
    };
    let form = typed.unwrap_or_else(|| FeedbackInput {
        rating: mine.as_ref().map(|f| f.rating.to_string()).unwrap_or_default(),
        comment: mine.as_ref().and_then(|f| f.comment.clone()).unwrap_or_default(),
    });
    let all = if manage { with_names(state, store::feedback_of(&state.db, head).await?).await? } else { vec![] };
    let (sum, count) = store::ratings_of(&state.db, head).await?;
    let code = error.as_ref().map(|e| e.0).unwrap_or(StatusCode::OK);
    let mut response = render(&FeedbackPage {
        when: when(&ev),
        may_give: g.is_some(),
        given: mine.is_some(),
        form,
        all,
        manage,
        average: average_rating(sum, count).map(|a| format!("{a:.1}")).unwrap_or_default(),
        count,
        error: error.map(|e| e.1),
        ev,
        c,
    });
    *response.status_mut() = code;
    Ok(response)
}

async fn with_names(state: &AppState, rows: Vec<Feedback>) -> Result<Vec<FeedbackView>, AppError> {
    let names = grid::resident_names(&state.db, rows.iter().map(|f| f.resident_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|f| {
            let name = names.get(&f.resident_id).cloned();
            view(f, name)
        })
        .collect())
}

async fn page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    render_page(&state, c, &user, ev, None, None).await
}

async fn form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(input): Form<FeedbackInput>,
) -> Result<Response, AppError> {
    let ev = visible(&state, &user, &id).await?;
    match give(&state, &user, &ev, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{}/feedback", ev.id)).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let message = e.message(c.lang);
            render_page(&state, c, &user, ev, Some(input), Some((e.status(), message))).await
        }
        Err(e) => Err(e),
    }
}

/// Feedback on an event: everyone's for staff and group leaders, one's own for others.
#[utoipa::path(get, path = "/api/v1/events/{id}/feedback", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = Vec<FeedbackView>), (status = 404)))]
pub async fn list_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<FeedbackView>>, AppError> {
    let ev = visible(&state, &user, &id).await?;
    let head = head_of(&ev);
    let rows = if user.can(Action::ManageEvents, &Place::community(ev.community_id)) {
        store::feedback_of(&state.db, head).await?
    } else {
        match user.user.resident_id {
            Some(r) => store::feedback_by(&state.db, head, r).await?.into_iter().collect(),
            None => vec![],
        }
    };
    Ok(Json(with_names(&state, rows).await?))
}

/// Gives feedback (201), or changes one's feedback (200): people checked in to the event, or an adult of a
/// child's household who was. Refusals: `not_attended` (409), `rating_out_of_range`, `comment_too_long` (422).
#[utoipa::path(post, path = "/api/v1/events/{id}/feedback", tag = "event", security(("bearer" = [])),
    request_body = FeedbackInput,
    responses((status = 201, body = FeedbackView), (status = 200, body = FeedbackView), (status = 404), (status = 409), (status = 422)))]
pub async fn give_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<FeedbackInput>,
) -> Result<(StatusCode, Json<FeedbackView>), AppError> {
    let ev = visible(&state, &user, &id).await?;
    let (saved, is_new) = give(&state, &user, &ev, &input).await?;
    let name = Some(user.user.display_name.clone());
    Ok((if is_new { StatusCode::CREATED } else { StatusCode::OK }, Json(view(saved, name))))
}

//! The competition pages: the community's list, the form to set one up, a competition's page (entries,
//! registration, pairing, rounds, standings) and a round's page with the phone-friendly result form. Every
//! form posts and redirects; a refusal shows the same page again with the message and what was typed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use weizhili_core::access::{Action, Place};
use weizhili_core::competition::{Format, Game, Outcome, Status, TieBreak};
use weizhili_core::event::{Attendee, Signer, may_sign_up_for};
use weizhili_core::grid::BirthYear;
use weizhili_store::competition::{self as store, Competition};
use weizhili_store::grid::{self, ResidentFilter};

use super::actions::{self, CompetitionInput, CompetitionRegisterInput, CompetitionResultInput};
use super::{CompetitionBoard, CompetitionRoundView, CompetitionView, Labels, board, kind, labels, manages, visible};
use crate::auth::CurrentUser;
use crate::grid::pages::Choice;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/competitions", get(list_page).post(create_form))
        .route("/competitions/new", get(new_page))
        .route("/competitions/{id}", get(show_page))
        .route("/competitions/{id}/players", post(register_form))
        .route("/competitions/{id}/rounds", post(pair_form))
        .route("/competitions/{id}/rounds/{number}", get(round_page).post(results_form))
}

/// A refusal the visitor can act on is shown on the page (with its status); anything else is an error page.
fn shown(c: &PageCtx, e: AppError) -> Result<(StatusCode, String), AppError> {
    match e {
        AppError::Invalid { .. } | AppError::Conflict(_) => Ok((e.status(), e.message(c.lang))),
        other => Err(other),
    }
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

// -------------------------------------------------------------------------------------------------------------
// The list and the form to set one up

pub struct ListItem {
    pub view: CompetitionView,
    pub l: Labels,
}

#[derive(Template)]
#[template(path = "competition/list.html")]
struct ListPage {
    c: PageCtx,
    items: Vec<ListItem>,
    can_create: bool,
}

fn can_create(user: &CurrentUser) -> bool {
    user.community_id().is_some_and(|cid| user.can(Action::ManageEvents, &Place::community(cid)))
}

async fn list_page(State(state): State<AppState>, c: PageCtx, user: CurrentUser) -> Result<Response, AppError> {
    let found = match user.community_id() {
        Some(cid) => store::list(&state.db, cid).await?,
        None => vec![],
    };
    let items =
        found.iter().map(|comp| ListItem { view: CompetitionView::from(comp), l: labels(c.lang, comp) }).collect();
    Ok(render(&ListPage { items, can_create: can_create(&user), c }))
}

#[derive(Template)]
#[template(path = "competition/new.html")]
struct NewPage {
    c: PageCtx,
    input: CompetitionInput,
    games: Vec<Choice>,
    formats: Vec<Choice>,
    error: Option<String>,
}

fn new_page_with(c: PageCtx, input: CompetitionInput, error: Option<String>) -> NewPage {
    let games = Game::ALL
        .iter()
        .map(|g| Choice {
            value: g.as_str().to_owned(),
            label: c.t(&format!("competition-game-{}", g.as_str())),
            selected: input.game == g.as_str(),
        })
        .collect();
    let formats = Format::ALL
        .iter()
        .map(|f| Choice {
            value: f.as_str().to_owned(),
            label: c.t(&format!("competition-format-{}", f.as_str().replace('_', "-"))),
            selected: input.format == f.as_str(),
        })
        .collect();
    NewPage { c, input, games, formats, error }
}

async fn new_page(c: PageCtx, user: CurrentUser) -> Result<Response, AppError> {
    if !can_create(&user) {
        return Err(AppError::Forbidden);
    }
    let input = CompetitionInput {
        game: "xiangqi".into(),
        format: "swiss".into(),
        rounds: Some("5".into()),
        ..Default::default()
    };
    Ok(render(&new_page_with(c, input, None)))
}

async fn create_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Form(input): Form<CompetitionInput>,
) -> Result<Response, AppError> {
    match actions::create(&state, &user, &input).await {
        Ok(comp) => Ok(Redirect::to(&format!("/competitions/{}", comp.id)).into_response()),
        Err(e) => {
            let (status, message) = shown(&c, e)?;
            Ok(with_status(render(&new_page_with(c, input, Some(message))), status))
        }
    }
}

// -------------------------------------------------------------------------------------------------------------
// A competition's page

#[derive(Deserialize, Default)]
pub struct ShowParams {
    /// Staff: find a resident to register (name, or the last four digits of a phone).
    pub q: Option<String>,
    /// Staff, 掼蛋: find the partner.
    pub q2: Option<String>,
    /// What just happened: registered, paired.
    pub done: Option<String>,
}

/// The registration form's values, kept when a refusal shows the page again.
#[derive(Deserialize, Default)]
pub struct RegisterForm {
    pub resident_id: Option<String>,
    pub partner_id: Option<String>,
}

#[derive(Template)]
#[template(path = "competition/show.html")]
struct ShowPage {
    c: PageCtx,
    board: CompetitionBoard,
    l: Labels,
    manager: bool,
    registration_open: bool,
    can_pair: bool,
    team: bool,
    /// Whom a resident may register: themselves and the children of their household.
    whom: Vec<Choice>,
    /// A 掼蛋 partner from the resident's household.
    partners: Vec<Choice>,
    /// Staff's search results.
    found: Vec<Choice>,
    found_partners: Vec<Choice>,
    q: String,
    q2: String,
    tie_breaks: Vec<String>,
    swiss: bool,
    notice: Option<String>,
    error: Option<String>,
}

fn choices(rows: Vec<grid::ResidentRow>, selected: Option<&str>) -> Vec<Choice> {
    rows.into_iter()
        .map(|r| Choice {
            value: r.resident.id.to_string(),
            label: format!("{} · {} {} {}", r.resident.name, r.building_name, r.unit, r.room).trim().to_owned(),
            selected: selected == Some(r.resident.id.to_string().as_str()),
        })
        .collect()
}

async fn show(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    comp: &Competition,
    p: ShowParams,
    form: RegisterForm,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let k = kind(comp)?;
    let (board, loaded) = board(state, comp).await?;
    let manager = manages(user, comp);
    let this_year = state.clock.this_year();
    let today = weizhili_core::clock::china_time(state.clock.now()).date_naive();
    let chosen = form.resident_id.as_deref().filter(|v| !v.is_empty());
    let chosen_partner = form.partner_id.as_deref().filter(|v| !v.is_empty());
    let mut whom = Vec::new();
    let mut partners = Vec::new();
    let own = match user.user.resident_id {
        Some(r) => grid::resident(&state.db, r).await?.map(|row| row.resident),
        None => None,
    };
    if let Some(me) = own.as_ref().filter(|me| me.community_id == comp.community_id) {
        let filter =
            ResidentFilter { household_id: Some(me.household_id), page: 1, per_page: 20, ..Default::default() };
        let scope = weizhili_core::access::ListScope::Households(vec![me.household_id]);
        let household = grid::residents(&state.db, &scope, &filter, this_year).await?.rows;
        let signer = Signer { resident_id: Some(me.id), household_id: Some(me.household_id), proxy: false };
        let entered: Vec<i64> =
            loaded.players.iter().flat_map(|p| std::iter::once(p.resident_id).chain(p.partner_id)).collect();
        for row in household.into_iter().filter(|r| !entered.contains(&r.resident.id)) {
            let r = &row.resident;
            let attendee = Attendee {
                resident_id: r.id,
                household_id: Some(r.household_id),
                birth_year: r.birth_year.and_then(|y| BirthYear::new(y, this_year).ok()),
            };
            let value = r.id.to_string();
            let label = if r.id == me.id { c.t("competition-register-myself") } else { r.name.clone() };
            if may_sign_up_for(&signer, &attendee, today).is_ok() {
                let selected = chosen.map_or(r.id == me.id, |v| v == value);
                whom.push(Choice { value: value.clone(), label: label.clone(), selected });
            }
            partners.push(Choice { selected: chosen_partner == Some(value.as_str()), value, label: r.name.clone() });
        }
    }
    let search = |q: &Option<String>| q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
    let (q, q2) = (search(&p.q), search(&p.q2));
    let scope = user.actor.list_scope(Action::ViewGrid);
    let mut found = Vec::new();
    let mut found_partners = Vec::new();
    for (query, out, selected) in [(&q, &mut found, chosen), (&q2, &mut found_partners, chosen_partner)] {
        if let Some(text) = query.as_ref().filter(|_| manager) {
            let filter = ResidentFilter {
                community_id: Some(comp.community_id),
                q: Some(text.clone()),
                page: 1,
                per_page: 10,
                ..Default::default()
            };
            *out = choices(grid::residents(&state.db, &scope, &filter, this_year).await?.rows, selected);
        }
    }
    let played = loaded.rounds();
    let can_pair = manager
        && k.status != Status::Finished
        && weizhili_core::competition::check_format(k.game, k.format).is_ok()
        && played.last().is_none_or(|r| r.is_finished())
        && (played.is_empty() || (k.format == Format::Swiss && (played.len() as u32) < board.rounds_total));
    let notice = match p.done.as_deref() {
        Some("registered") => Some(c.t("competition-registered")),
        Some("paired") => Some(c.t("competition-paired")),
        _ => None,
    };
    let code = error.as_ref().map(|e| e.0).unwrap_or(StatusCode::OK);
    let page = ShowPage {
        l: labels(c.lang, comp),
        manager,
        registration_open: k.status == Status::Registration,
        can_pair,
        team: k.game == Game::Guandan,
        whom,
        partners,
        found,
        found_partners,
        q: q.unwrap_or_default(),
        q2: q2.unwrap_or_default(),
        tie_breaks: k.format.tie_breaks().iter().map(|t| c.t(tie_break_key(*t))).collect(),
        swiss: k.format == Format::Swiss,
        notice,
        error: error.map(|e| e.1),
        board,
        c,
    };
    Ok(with_status(render(&page), code))
}

fn tie_break_key(t: TieBreak) -> &'static str {
    match t {
        TieBreak::Buchholz => "competition-buchholz",
        TieBreak::SonnebornBerger => "competition-sonneborn-berger",
        TieBreak::Wins => "competition-wins",
        TieBreak::HeadToHead => "competition-head-to-head",
    }
}

async fn show_page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(p): Query<ShowParams>,
) -> Result<Response, AppError> {
    let comp = visible(&state, &user, &id).await?;
    show(&state, c, &user, &comp, p, RegisterForm::default(), None).await
}

/// An id typed in a form: blank is none, anything else that is not a number is refused.
fn form_id(value: &Option<String>) -> Result<Option<i64>, AppError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| AppError::invalid("competition_pick_someone")),
    }
}

async fn register_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<RegisterForm>,
) -> Result<Response, AppError> {
    let comp = visible(&state, &user, &id).await?;
    let attempt = async {
        let input = CompetitionRegisterInput {
            resident_id: form_id(&form.resident_id)?,
            partner_id: form_id(&form.partner_id)?,
        };
        actions::register(&state, &user, &comp, &input).await
    };
    match attempt.await {
        Ok(_) => Ok(Redirect::to(&format!("/competitions/{}?done=registered", comp.id)).into_response()),
        Err(e) => {
            let error = shown(&c, e)?;
            show(&state, c, &user, &comp, ShowParams::default(), form, Some(error)).await
        }
    }
}

async fn pair_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let comp = visible(&state, &user, &id).await?;
    match actions::pair_next(&state, &user, &comp).await {
        Ok(made) => {
            let first = made.first().copied().unwrap_or(1);
            Ok(Redirect::to(&format!("/competitions/{}/rounds/{first}?done=paired", comp.id)).into_response())
        }
        Err(e) => {
            let error = shown(&c, e)?;
            show(&state, c, &user, &comp, ShowParams::default(), RegisterForm::default(), Some(error)).await
        }
    }
}

// -------------------------------------------------------------------------------------------------------------
// A round: its tables, and the result form

/// One table on the result form: the players and the outcomes to pick from.
pub struct TableForm {
    pub table: u32,
    pub first: String,
    pub second: Option<String>,
    pub options: Vec<Choice>,
    pub mark: &'static str,
}

#[derive(Template)]
#[template(path = "competition/round.html")]
struct RoundPage {
    c: PageCtx,
    board: CompetitionBoard,
    l: Labels,
    round: CompetitionRoundView,
    tables: Vec<TableForm>,
    manager: bool,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RoundParams {
    pub done: Option<String>,
}

const CHOICES: [Outcome; 5] =
    [Outcome::FirstWins, Outcome::Draw, Outcome::SecondWins, Outcome::FirstWinsByForfeit, Outcome::SecondWinsByForfeit];

#[expect(clippy::too_many_arguments, reason = "a page with its state, input and message")]
async fn round_view(
    state: &AppState,
    c: PageCtx,
    user: &CurrentUser,
    comp: &Competition,
    number: &str,
    typed: HashMap<u32, String>,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let number: u32 = number.parse().map_err(|_| AppError::NotFound)?;
    let (board, _) = board(state, comp).await?;
    let round = board.rounds.iter().find(|r| r.number == number).cloned().ok_or(AppError::NotFound)?;
    let l = labels(c.lang, comp);
    let tables = round
        .games
        .iter()
        .map(|g| {
            let current = typed.get(&g.table).cloned().or_else(|| g.outcome.clone());
            let options = CHOICES
                .iter()
                .map(|o| Choice {
                    value: o.as_str().to_owned(),
                    label: c.lang.ta(
                        &format!("competition-outcome-{}", o.as_str().replace('_', "-")),
                        &[("first", l.first.clone()), ("second", l.second.clone())],
                    ),
                    selected: current.as_deref() == Some(o.as_str()),
                })
                .collect();
            TableForm { table: g.table, first: g.first.clone(), second: g.second.clone(), options, mark: g.mark() }
        })
        .collect();
    let code = error.as_ref().map(|e| e.0).unwrap_or(StatusCode::OK);
    let page =
        RoundPage { manager: manages(user, comp), l, round, tables, board, notice, error: error.map(|e| e.1), c };
    Ok(with_status(render(&page), code))
}

async fn round_page(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path((id, number)): Path<(String, String)>,
    Query(p): Query<RoundParams>,
) -> Result<Response, AppError> {
    let comp = visible(&state, &user, &id).await?;
    let notice = match p.done.as_deref() {
        Some("paired") => Some(c.t("competition-paired")),
        Some("saved") => Some(c.t("competition-results-saved")),
        _ => None,
    };
    round_view(&state, c, &user, &comp, &number, HashMap::new(), notice, None).await
}

async fn results_form(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    Path((id, number)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let comp = visible(&state, &user, &id).await?;
    let round: u32 = number.parse().map_err(|_| AppError::NotFound)?;
    // Fields `t1`, `t2`, …: one per table; a table left blank keeps its result.
    let typed: HashMap<u32, String> = fields
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix('t')?.parse().ok()?, v.trim().to_owned())))
        .filter(|(_, v): &(u32, String)| !v.is_empty())
        .collect();
    let mut results: Vec<CompetitionResultInput> = typed
        .iter()
        .map(|(table, outcome)| CompetitionResultInput { table: *table, outcome: outcome.clone() })
        .collect();
    results.sort_by_key(|r| r.table);
    match actions::record(&state, &user, &comp, round, &results).await {
        Ok(()) => Ok(Redirect::to(&format!("/competitions/{}/rounds/{round}?done=saved", comp.id)).into_response()),
        Err(e) => {
            let error = shown(&c, e)?;
            round_view(&state, c, &user, &comp, &number, typed, None, Some(error)).await
        }
    }
}

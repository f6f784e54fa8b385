//! Every change to a competition, one function each, shared by the pages and the API: each checks the
//! permission, asks core, writes in one transaction with its audit entry.

use serde::Deserialize;
use utoipa::ToSchema;
use weizhili_core::access::{Action, Place};
use weizhili_core::competition::{
    CompetitionTitle, Format, Game, Outcome, StatusAction, check_format, check_partner, may_pair_next, parse_rounds,
    round_robin, swiss_round,
};
use weizhili_core::event::{Attendee, SignedUpBy, Signer, may_sign_up_for};
use weizhili_core::grid::BirthYear;
use weizhili_store::competition::{self as store, Competition, NewCompetition, NewPlayer, Player};
use weizhili_store::{StoreError, audit, begin_write, grid};

use super::{kind, refusal, rounds_total, store_refusal};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

/// A new competition. Forms send every field as text; the API may send `rounds` as a number.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CompetitionInput {
    pub title: String,
    /// xiangqi (中国象棋), go (围棋), guandan (扑克/掼蛋, teams of two) or mahjong (麻将: registration only,
    /// tables of four are seated by hand).
    pub game: String,
    /// round_robin (循环赛) or swiss (瑞士制).
    pub format: String,
    /// Swiss: how many rounds (1–30; `5` or `"5轮"`). Round-robin: left out, the field decides.
    #[serde(default, deserialize_with = "number_or_text")]
    #[schema(value_type = Option<String>)]
    pub rounds: Option<String>,
    /// The event this competition is part of (its community's).
    #[serde(default)]
    pub event_id: Option<i64>,
    /// The micro-project it belongs to (its community's).
    #[serde(default)]
    pub project_id: Option<i64>,
}

/// A number as a JSON number or as text (forms send text).
fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Number(i64),
        Text(String),
    }
    Ok(Option::<Given>::deserialize(d)?.map(|g| match g {
        Given::Number(n) => n.to_string(),
        Given::Text(t) => t,
    }))
}

/// Creates a competition in the user's community (staff and group leaders).
pub async fn create(state: &AppState, user: &CurrentUser, input: &CompetitionInput) -> Result<Competition, AppError> {
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(Action::ManageEvents, &Place::community(cid))?;
    let title = CompetitionTitle::parse(&input.title).map_err(refusal)?;
    let game = Game::parse(&input.game).map_err(refusal)?;
    let format = Format::parse(&input.format).map_err(refusal)?;
    let rounds = match (format, input.rounds.as_deref().map(str::trim).filter(|r| !r.is_empty())) {
        (Format::Swiss, Some(r)) => parse_rounds(r).map_err(refusal)?,
        (Format::Swiss, None) => {
            return Err(refusal(weizhili_core::competition::CompetitionError::BadRounds(String::new())));
        }
        (Format::RoundRobin, _) => 0,
    };
    if let Some(event) = input.event_id
        && store::community_of_event(&state.db, event).await? != Some(cid)
    {
        return Err(AppError::NotFound);
    }
    if let Some(project) = input.project_id
        && store::community_of_project(&state.db, project).await? != Some(cid)
    {
        return Err(AppError::NotFound);
    }
    let new = NewCompetition {
        community_id: cid,
        event_id: input.event_id,
        project_id: input.project_id,
        title: title.as_str().to_owned(),
        game: game.as_str().to_owned(),
        format: format.as_str().to_owned(),
        rounds_planned: i32::try_from(rounds).unwrap_or(0),
        created_by: Some(user.user.id),
    };
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let comp = store::create(&txn, new, now).await?;
    let entry = user.audit("competition.create").object("competition", comp.id).community(Some(cid));
    audit::record(&txn, now, entry.detail(format!("{} {} rounds={rounds}", game.as_str(), format.as_str()))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(comp)
}

/// Whom to register. Leave `resident_id` out to register yourself.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CompetitionRegisterInput {
    /// Yourself (the default), a child of your household, or (staff) any resident of the community.
    pub resident_id: Option<i64>,
    /// 掼蛋 only: the partner (someone of your household; staff: anyone of the community).
    pub partner_id: Option<i64>,
}

/// Registers a player (or a 掼蛋 team) while registration is open: a resident themselves or, as guardian, a
/// child of their household; staff and group leaders anyone of the community (代报名, recorded as proxy).
pub async fn register(
    state: &AppState,
    user: &CurrentUser,
    comp: &Competition,
    input: &CompetitionRegisterInput,
) -> Result<(Player, SignedUpBy), AppError> {
    let k = kind(comp)?;
    k.status.transition(StatusAction::Register).map_err(refusal)?;
    check_partner(k.game, input.partner_id.is_some()).map_err(refusal)?;
    let staff = super::manages(user, comp);
    let own = match user.user.resident_id {
        Some(r) => grid::resident(&state.db, r).await?.map(|row| row.resident),
        None => None,
    };
    let resident_id = input.resident_id.or(own.as_ref().map(|r| r.id)).ok_or(AppError::Forbidden)?;
    let household_of = |resident_id: i64| async move {
        let person = grid::resident(&state.db, resident_id).await?.ok_or(AppError::NotFound)?.resident;
        let household = grid::household(&state.db, person.household_id).await?.ok_or(AppError::NotFound)?;
        if household.community_id != comp.community_id || person.moved_out_at.is_some() {
            return Err(AppError::NotFound);
        }
        Ok::<_, AppError>((person, household))
    };
    let (person, household) = household_of(resident_id).await?;
    if !staff && !user.can(Action::SignUpForEvent, &crate::grid::household_place(&household)) {
        return Err(AppError::Forbidden);
    }
    let on = weizhili_core::clock::china_time(state.clock.now()).date_naive();
    let signer =
        Signer { resident_id: own.as_ref().map(|r| r.id), household_id: own.map(|r| r.household_id), proxy: staff };
    let this_year = state.clock.this_year();
    let attendee = Attendee {
        resident_id: person.id,
        household_id: Some(person.household_id),
        birth_year: person.birth_year.and_then(|y| BirthYear::new(y, this_year).ok()),
    };
    let as_whom = may_sign_up_for(&signer, &attendee, on).map_err(|e| AppError::invalid(e.code()))?;
    if input.partner_id == Some(person.id) {
        return Err(AppError::invalid("partner_is_self"));
    }
    if let Some(partner) = input.partner_id {
        // A partner from one's own household (夫妻搭档); staff may team up anyone of the community.
        let (_, partner_household) = household_of(partner).await?;
        if !staff && !user.can(Action::SignUpForEvent, &crate::grid::household_place(&partner_household)) {
            return Err(AppError::invalid("partner_not_in_household"));
        }
    }
    let new = NewPlayer {
        resident_id: person.id,
        partner_id: input.partner_id,
        household_id: person.household_id,
        registered_by: Some(user.user.id),
        registered_as: as_whom.as_str().to_owned(),
    };
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let comp = store::lock(&txn, comp.id).await?;
    kind(&comp)?.status.transition(StatusAction::Register).map_err(refusal)?;
    let player = store::register(&txn, &comp, new, now).await.map_err(store_refusal)?;
    let entry = user.audit("competition.register").object("competition", comp.id).community(Some(comp.community_id));
    let detail = format!("resident={} partner={:?} as={}", person.id, input.partner_id, as_whom.as_str());
    audit::record(&txn, now, entry.detail(detail)).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok((player, as_whom))
}

/// Pairs the next round (a round-robin: every round at once) and returns the numbers of the rounds made.
/// Refusals: `round_incomplete`, `all_rounds_paired`, `competition_finished`, `competition_too_few_entrants`,
/// `competition_not_head_to_head` (麻将), `competition_rounds_exhausted`.
pub async fn pair_next(state: &AppState, user: &CurrentUser, comp: &Competition) -> Result<Vec<u32>, AppError> {
    if !super::manages(user, comp) {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let comp = store::lock(&txn, comp.id).await?;
    let k = kind(&comp)?;
    check_format(k.game, k.format).map_err(refusal)?;
    let next = k.status.transition(weizhili_core::competition::StatusAction::PairRound).map_err(refusal)?;
    let loaded = store::load(&txn, comp.id).await?;
    let played = loaded.rounds();
    let entrants = loaded.entrants();
    let paired = u32::try_from(played.len()).unwrap_or(u32::MAX);
    let total = rounds_total(&comp, k.format, entrants.len());
    may_pair_next(k.format, total, paired, played.last().is_none_or(|r| r.is_finished())).map_err(refusal)?;
    let (made, planned) = match k.format {
        Format::RoundRobin => {
            let rounds = round_robin(&entrants).map_err(refusal)?;
            let n = i32::try_from(rounds.len()).unwrap_or(i32::MAX);
            (rounds, n)
        }
        Format::Swiss => {
            let round =
                swiss_round(&entrants, &played, &weizhili_core::competition::Scoring::default()).map_err(refusal)?;
            (vec![round], comp.rounds_planned)
        }
    };
    store::add_rounds(&txn, &comp, &made, next, planned, Some(user.user.id), now).await.map_err(store_refusal)?;
    let numbers: Vec<u32> = made.iter().map(|r| r.number).collect();
    let entry = user.audit("competition.pair").object("competition", comp.id).community(Some(comp.community_id));
    audit::record(&txn, now, entry.detail(format!("rounds={numbers:?} entries={}", entrants.len()))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(numbers)
}

/// One result: a table of the round and its outcome code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CompetitionResultInput {
    /// The table, from 1.
    pub table: u32,
    /// first_wins, second_wins, draw, first_wins_by_forfeit or second_wins_by_forfeit.
    pub outcome: String,
}

/// Enters (or corrects) results of round `number`. Tables left out keep what they had.
/// Refusals: `bad_competition_outcome`, `competition_unknown_table`, `competition_bad_outcome` (a bye), 404 for
/// a round that is not paired.
pub async fn record(
    state: &AppState,
    user: &CurrentUser,
    comp: &Competition,
    number: u32,
    results: &[CompetitionResultInput],
) -> Result<(), AppError> {
    if !super::manages(user, comp) {
        return Err(AppError::Forbidden);
    }
    let mut parsed = Vec::with_capacity(results.len());
    for r in results {
        parsed.push((r.table, Outcome::parse(&r.outcome).map_err(refusal)?));
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let comp = store::lock(&txn, comp.id).await?;
    let k = kind(&comp)?;
    let loaded = store::load(&txn, comp.id).await?;
    let mut rounds = loaded.rounds();
    let index = rounds.iter().position(|r| r.number == number).ok_or(AppError::NotFound)?;
    let (_, games) = &loaded.rounds[index];
    let mut writes = Vec::new();
    for (table, outcome) in parsed {
        let game = usize::try_from(table).ok().and_then(|t| t.checked_sub(1)).and_then(|i| games.get(i));
        // A bye's result is set when paired: sending it back is harmless.
        if outcome == Outcome::Bye && game.is_some_and(|g| g.second_id.is_none()) {
            continue;
        }
        rounds[index].record(table, outcome).map_err(refusal)?;
        let game = game.ok_or(AppError::NotFound)?;
        writes.push((game.id, outcome));
    }
    let total = rounds_total(&comp, k.format, loaded.players.len());
    let all_done = u32::try_from(rounds.len()).unwrap_or(0) >= total && rounds.iter().all(|r| r.is_finished());
    let next = k.status.transition(StatusAction::RecordResults { all_done }).map_err(refusal)?;
    store::record(&txn, &comp, &writes, next, Some(user.user.id), now).await.map_err(store_refusal)?;
    let entry = user.audit("competition.record").object("competition", comp.id).community(Some(comp.community_id));
    let detail: Vec<String> = writes.iter().map(|(g, o)| format!("{g}:{}", o.as_str())).collect();
    audit::record(&txn, now, entry.detail(format!("round={number} {}", detail.join(" ")))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(())
}

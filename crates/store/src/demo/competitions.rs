//! A Swiss 中国象棋 tournament in 幸福里社区: eight older residents, four rounds planned, the first three paired by
//! `core::competition::swiss_round` and played, so the demo shows the standings with their tie-breaks and the
//! button that pairs the last round.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use weizhili_core::competition::{EntrantId, Format, Game, Outcome, Scoring, Status, swiss_round};

use super::Stored;
use crate::Result;
use crate::competition::{self as store, NewCompetition, NewPlayer};

/// Seeds the tournament from `people` of community `community_id` (not the demo accounts' households, `taken`).
pub(super) async fn seed(
    db: &impl ConnectionTrait,
    community_id: i64,
    people: &[Stored],
    taken: &[i64],
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut households = Vec::new();
    let players: Vec<&Stored> = people
        .iter()
        .filter(|p| (55..=80).contains(&p.age) && !taken.contains(&p.household_id))
        .filter(|p| {
            let fresh = !households.contains(&p.household_id);
            households.push(p.household_id);
            fresh
        })
        .take(8)
        .collect();
    if players.len() < 8 {
        return Ok(());
    }
    let start = now - Duration::days(10);
    let new = NewCompetition {
        community_id,
        event_id: None,
        project_id: None,
        title: "2026 幸福里中国象棋邀请赛".into(),
        game: Game::Xiangqi.as_str().into(),
        format: Format::Swiss.as_str().into(),
        rounds_planned: 4,
        created_by: Some(staff_id),
    };
    let mut comp = store::create(db, new, start).await?;
    for p in &players {
        let entry = NewPlayer {
            resident_id: p.id,
            partner_id: None,
            household_id: p.household_id,
            registered_by: Some(staff_id),
            registered_as: "proxy".into(),
        };
        store::register(db, &comp, entry, start).await?;
    }
    let loaded = store::load(db, comp.id).await?;
    let entrants = loaded.entrants();
    // Seed order stands for strength, with an upset now and then and a draw on table 2 of round 2.
    let strength = |e: EntrantId| entrants.iter().position(|x| *x == e).unwrap_or(0);
    let mut played = Vec::new();
    for number in 1..=3u32 {
        let mut round = swiss_round(&entrants, &played, &Scoring::default())
            .map_err(|e| crate::StoreError::Invalid(e.to_string()))?;
        for (table, pairing) in (1u32..).zip(round.pairings.iter_mut()) {
            let Some(second) = pairing.second else { continue };
            let upset = (number + table) % 4 == 0;
            pairing.outcome = Some(if number == 2 && table == 2 {
                Outcome::Draw
            } else if (strength(pairing.first) < strength(second)) != upset {
                Outcome::FirstWins
            } else {
                Outcome::SecondWins
            });
        }
        let at = start + Duration::days(i64::from(number) * 2);
        store::add_rounds(db, &comp, std::slice::from_ref(&round), Status::Running, 4, Some(staff_id), at).await?;
        comp = store::get(db, comp.id).await?.ok_or(crate::StoreError::NotFound)?;
        played.push(round);
    }
    Ok(())
}

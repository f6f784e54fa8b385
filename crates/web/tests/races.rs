//! Races through real HTTP on a multi-threaded runtime: many people pressing the same button at once. Sign-ups
//! keep to the places and the order of the line, a claim has one winner whose claim, story entry and audit entry
//! are the ones stored, and a check-in counts once however often it is pressed. Time comes from the app's
//! injected clock, never from sleeping; the same tests run on SQLite and PostgreSQL.

use std::collections::{HashMap, HashSet};

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use weizhili_core::clock::Clock;
use weizhili_store::entity::{audit_log, event_checkin, event_signup, wish_claim, wish_update};
use weizhili_store::event;

use crate::helpers::{TestApp, new_client, spawn_app};

/// Sends all the requests at once, each on its own task; the answers in the order given.
async fn all_at_once(app: &TestApp, requests: Vec<(String, String, Value)>) -> Vec<(StatusCode, Value)> {
    let handles: Vec<_> = requests
        .into_iter()
        .map(|(token, path, body)| {
            let url = app.url(&path);
            tokio::spawn(async move {
                let r = new_client().post(url).bearer_auth(token).json(&body).send().await.unwrap();
                let status = r.status();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// An event of 幸福里 made through the API, starting a day from the app's now; its id.
async fn new_event(app: &TestApp, staff: &str, capacity: &str) -> i64 {
    let start = app.clock.now() + chrono::Duration::days(1);
    let body = json!({
        "title": "健康知识讲座",
        "place": "社区活动室",
        "starts_at": start,
        "ends_at": start + chrono::Duration::hours(2),
        "capacity": capacity,
    });
    let (status, made) = app.api_send(staff, Method::POST, "/api/v1/events", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made[0]["id"].as_i64().unwrap()
}

/// The first `n` residents of 幸福里 not in `except`.
async fn residents(app: &TestApp, n: usize, except: &[i64]) -> Vec<i64> {
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let filter = weizhili_store::grid::ResidentFilter {
        community_id: Some(community.id),
        page: 1,
        per_page: (n + except.len()) as u64,
        ..Default::default()
    };
    let scope = weizhili_core::access::ListScope::Everything;
    let rows = weizhili_store::grid::residents(&app.db, &scope, &filter, 2026).await.unwrap().rows;
    let ids: Vec<i64> = rows.iter().map(|r| r.resident.id).filter(|id| !except.contains(id)).take(n).collect();
    assert_eq!(ids.len(), n);
    ids
}

async fn user_id(app: &TestApp, login: &str) -> i64 {
    weizhili_store::account::user_by_login(&app.db, login).await.unwrap().unwrap().id
}

async fn resident_of(app: &TestApp, login: &str) -> i64 {
    weizhili_store::account::user_by_login(&app.db, login).await.unwrap().unwrap().resident_id.unwrap()
}

fn code(body: &Value) -> Option<&str> {
    body["error"]["code"].as_str()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_sign_ups_at_once_for_five_places_give_five_places_fifteen_in_line_and_nobody_twice() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let id = new_event(&app, &staff, "5").await;
    let people = residents(&app, 20, &[]).await;
    // Staff sign up twenty people (代报名), each twice at the same moment, asking for the waitlist when full.
    let path = format!("/api/v1/events/{id}/signups");
    let requests: Vec<_> = people
        .iter()
        .chain(&people)
        .map(|p| (staff.clone(), path.clone(), json!({"resident_id": p, "waitlist": true})))
        .collect();
    let mut answered: HashMap<i64, (i64, String)> = HashMap::new();
    let mut twice = 0;
    for (status, body) in all_at_once(&app, requests).await {
        match status {
            StatusCode::CREATED => {
                let resident = body["resident_id"].as_i64().unwrap();
                let signup = (body["id"].as_i64().unwrap(), body["status"].as_str().unwrap().to_owned());
                assert!(answered.insert(resident, signup).is_none(), "{resident} signed up twice");
            }
            StatusCode::CONFLICT => {
                assert_eq!(code(&body), Some("already_signed_up"), "{body}");
                twice += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((answered.len(), twice), (20, 20), "each person once, the second press refused");

    let stored = event::signups(&app.db, id).await.unwrap();
    assert_eq!(stored.len(), 20);
    assert_eq!(stored.iter().map(|s| s.resident_id).collect::<HashSet<_>>().len(), 20, "nobody twice");
    for s in &stored {
        assert_eq!(answered[&s.resident_id], (s.id, s.status.clone()), "the answer is what was stored");
    }
    let placed: Vec<_> = stored.iter().filter(|s| s.status == "registered").collect();
    let line: Vec<_> = stored.iter().filter(|s| s.status == "waitlisted").collect();
    assert_eq!((placed.len(), line.len()), (5, 15));
    assert_eq!(event::get(&app.db, id).await.unwrap().unwrap().registered, 5);
    // The line is in the order people came: every place was taken before the first waitlisted sign-up.
    assert!(placed.iter().all(|p| p.id < line[0].id));

    // Should two presses ever both get past the rule, the database refuses the second.
    let again = event::NewSignup {
        resident_id: placed[0].resident_id,
        household_id: placed[0].household_id,
        signed_up_by: None,
        proxy: false,
        guardian: false,
    };
    let txn = weizhili_store::begin_write(&app.db).await.unwrap();
    let refused = event::sign_up(&txn, id, again, |_, _, _| Ok("registered"), app.clock.now()).await;
    assert!(matches!(refused, Err(weizhili_store::StoreError::Conflict("already_signed_up"))), "{refused:?}");
    drop(txn);

    // A cancellation over HTTP promotes exactly the first in line.
    let (status, result) =
        app.api_send(&staff, Method::POST, &format!("{path}/{}/cancel", placed[2].id), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["promoted"], json!([line[0].id]));
    let stored = event::signups(&app.db, id).await.unwrap();
    assert_eq!(stored.iter().find(|s| s.id == line[0].id).unwrap().status, "registered");
    assert_eq!(stored.iter().filter(|s| s.status == "registered").count(), 5);
    assert_eq!(stored.iter().filter(|s| s.status == "waitlisted").count(), 14);
    assert_eq!(event::get(&app.db, id).await.unwrap().unwrap().registered, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_claims_at_once_store_the_winners_claim_with_one_story_entry_and_one_audit_entry() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let (status, made) = app
        .api_send(&jumin, Method::POST, "/api/v1/wishes", json!({"title": "教我用手机挂号", "category": "learning"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_i64().unwrap();
    let (status, _) = app.api_send(&staff, Method::POST, &format!("/api/v1/wishes/{id}/publish"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let logins = ["zhiyuanzhe", "zhiyuanzhe2", "shegong", "loudongzhang"];
    let mut helpers = Vec::new();
    for login in logins {
        helpers.push((app.api_token(login).await, user_id(&app, login).await));
    }
    let audits_before = app.audit_actions("wish.claim").await.len();
    // Each request names its own team, so the stored claim tells which request it came from.
    let team = |i: usize| format!("互助小队{i}");
    let path = format!("/api/v1/wishes/{id}/claim");
    let requests: Vec<_> = (0..50)
        .map(|i| (helpers[i % helpers.len()].0.clone(), path.clone(), json!({"organisation": team(i)})))
        .collect();
    let answers = all_at_once(&app, requests).await;
    let mut winners = Vec::new();
    for (i, (status, body)) in answers.iter().enumerate() {
        match *status {
            StatusCode::OK => winners.push(i),
            StatusCode::CONFLICT => assert_eq!(code(body), Some("wish_already_claimed"), "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "one winner: {winners:?}");
    let won = winners[0];
    let winner = helpers[won % helpers.len()].1;
    assert_eq!(answers[won].1["organisation"], team(won).as_str(), "the winner's answer is their claim");
    assert_eq!(answers[won].1["status"], "claimed");

    let claims = wish_claim::Entity::find().filter(wish_claim::Column::WishId.eq(id)).all(&app.db).await.unwrap();
    assert_eq!(claims.len(), 1, "one claim row");
    let claim = &claims[0];
    assert_eq!(
        (claim.status.as_str(), claim.user_id, claim.organisation.as_deref()),
        ("active", winner, Some(team(won).as_str())),
        "the stored claim is the winning request's"
    );
    let stories = wish_update::Entity::find()
        .filter(wish_update::Column::WishId.eq(id))
        .filter(wish_update::Column::Kind.eq("claim"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(stories.iter().map(|s| s.user_id).collect::<Vec<_>>(), [Some(winner)], "one story entry, the winner's");
    let audits = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("wish.claim"))
        .filter(audit_log::Column::ObjectKind.eq("wish"))
        .filter(audit_log::Column::ObjectId.eq(id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audits.iter().map(|a| a.user_id).collect::<Vec<_>>(), [Some(winner)], "one audit entry, the winner's");
    assert_eq!(app.audit_actions("wish.claim").await.len() - audits_before, 1, "and no other claim audited");
    let stored = weizhili_store::entity::wish::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(stored.status, "claimed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn check_ins_pressed_at_once_count_each_person_once_and_everyone_is_recorded() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let id = new_event(&app, &staff, "1").await;
    let signups = format!("/api/v1/events/{id}/signups");
    // The one place goes to an elder; jumin2 waits in line; jumin has not signed up (a walk-in).
    let elder = app.resident_in("幸福里社区", "3栋").await;
    let (status, body) = app.api_send(&staff, Method::POST, &signups, json!({"resident_id": elder})).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::CREATED, Some("registered")), "{body}");
    let jumin2 = app.api_token("jumin2").await;
    let (status, body) = app.api_send(&jumin2, Method::POST, &signups, json!({"waitlist": true})).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::CREATED, Some("waitlisted")), "{body}");
    let jumin = app.api_token("jumin").await;
    let (walk_in, waiting) = (resident_of(&app, "jumin").await, resident_of(&app, "jumin2").await);
    let others = residents(&app, 15, &[elder, walk_in, waiting]).await;
    // The session starts now: residents may check themselves in.
    app.clock.advance(chrono::Duration::days(1));
    let audits_before = app.audit_actions("event.check_in").await.len();

    let check = format!("/api/v1/events/{id}/check-in");
    let mut requests = Vec::new();
    let mut whom = Vec::new();
    for _ in 0..8 {
        for (resident, own_token) in [(walk_in, &jumin), (waiting, &jumin2)] {
            requests.push((staff.clone(), check.clone(), json!({"resident_id": resident})));
            requests.push((own_token.clone(), check.clone(), json!({})));
            whom.extend([resident, resident]);
        }
    }
    for p in &others {
        requests.push((staff.clone(), check.clone(), json!({"resident_id": p})));
        whom.push(*p);
    }
    let mut new_per_person: HashMap<i64, usize> = HashMap::new();
    for (resident, (status, body)) in whom.iter().zip(all_at_once(&app, requests).await) {
        assert_eq!(status, StatusCode::OK, "resident {resident}: {body}");
        if body["new"] == true {
            *new_per_person.entry(*resident).or_default() += 1;
        }
    }
    assert_eq!(new_per_person.len(), 17, "everyone checked in: {new_per_person:?}");
    assert!(new_per_person.values().all(|n| *n == 1), "the first press is new, the others not: {new_per_person:?}");

    let rows = event_checkin::Entity::find().filter(event_checkin::Column::EventId.eq(id)).all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 17, "one check-in row each");
    assert_eq!(rows.iter().map(|c| c.resident_id).collect::<HashSet<_>>().len(), 17);
    let live = |resident: i64| {
        event_signup::Entity::find()
            .filter(event_signup::Column::EventId.eq(id))
            .filter(event_signup::Column::ResidentId.eq(resident))
            .all(&app.db)
    };
    let walked = live(walk_in).await.unwrap();
    assert_eq!(walked.len(), 1, "one walk-in sign-up");
    assert!(walked[0].walk_in && walked[0].status == "attended");
    let came = live(waiting).await.unwrap();
    assert_eq!((came.len(), came[0].status.as_str()), (1, "attended"));
    // The elder's place, and jumin2's taken on arrival (once); walk-ins take none.
    assert_eq!(event::get(&app.db, id).await.unwrap().unwrap().registered, 2);
    let audits = app.audit_actions("event.check_in").await.len() - audits_before;
    assert_eq!(audits, 17, "one audit entry per person");

    let (status, attendance) = app.api_get(&staff, &format!("/api/v1/events/{id}/attendance")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(attendance["checkins"].as_array().unwrap().len(), 17);
    assert_eq!((attendance["attendances"].as_u64(), attendance["people_served"].as_u64()), (Some(17), Some(17)));
}

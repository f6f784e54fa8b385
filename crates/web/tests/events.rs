//! Events (微项目/活动) in the database: sign-ups under load keep to the places, in order, on both databases,
//! and a cancellation promotes the first in line.

use weizhili_core::event::{Capacity, Places, SignupTerms, WhenFull, decide_signup};
use weizhili_store::event::{self, NewEvent, NewSignup};

use crate::helpers::spawn_app;

/// The rules of `core::event`: a place while there is one (and nobody waits), else the waitlist; never twice.
fn place_or_wait(ev: &event::Event, already: bool, waiting: u32) -> Result<&'static str, &'static str> {
    let terms = SignupTerms {
        capacity: ev.capacity.and_then(|c| Capacity::new(c as u32).ok()),
        deadline: ev.signup_deadline,
        starts_at: ev.starts_at,
    };
    let places = Places { taken: ev.registered as u32, waiting };
    decide_signup(&terms, places, already, WhenFull::Waitlist, ev.created_at).map(|s| s.as_str()).map_err(|e| e.code())
}

#[tokio::test]
async fn twenty_sign_ups_at_once_for_five_places_give_five_places_and_fifteen_in_line() {
    let app = spawn_app().await;
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let now = chrono::Utc::now();
    let new = NewEvent {
        community_id: community.id,
        project_id: None,
        building_id: None,
        title: "健康知识讲座".into(),
        description: String::new(),
        place: "社区活动室".into(),
        capacity: Some(5),
        audience: "everyone".into(),
        min_age: None,
        max_age: None,
        signup_deadline: None,
        created_by: None,
    };
    let starts = now + chrono::Duration::days(3);
    let ev =
        event::create(&app.db, &new, &[(starts, starts + chrono::Duration::hours(2))], now).await.unwrap().remove(0);
    let filter = weizhili_store::grid::ResidentFilter {
        community_id: Some(community.id),
        page: 1,
        per_page: 20,
        ..Default::default()
    };
    let scope = weizhili_core::access::ListScope::Everything;
    let people = weizhili_store::grid::residents(&app.db, &scope, &filter, 2026).await.unwrap().rows;
    assert_eq!(people.len(), 20);
    let mut tasks = Vec::new();
    for p in &people {
        let db = app.db.clone();
        let signup = NewSignup {
            resident_id: p.resident.id,
            household_id: p.resident.household_id,
            signed_up_by: None,
            proxy: false,
            guardian: false,
        };
        let event_id = ev.id;
        tasks.push(tokio::spawn(async move {
            let txn = weizhili_store::begin_write(&db).await.unwrap();
            let (_, s) = event::sign_up(&txn, event_id, signup, place_or_wait, chrono::Utc::now()).await.unwrap();
            txn.commit().await.unwrap();
            s
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let all = event::signups(&app.db, ev.id).await.unwrap();
    let placed: Vec<_> = all.iter().filter(|s| s.status == "registered").collect();
    let line: Vec<_> = all.iter().filter(|s| s.status == "waitlisted").collect();
    assert_eq!((placed.len(), line.len()), (5, 15));
    assert_eq!(event::get(&app.db, ev.id).await.unwrap().unwrap().registered, 5);
    // The line is in the order people came: every place was taken before the first waitlisted sign-up.
    assert!(placed.iter().all(|p| p.id < line[0].id));

    // Signing up again is refused, by the rule and by the database.
    let again = NewSignup {
        resident_id: placed[0].resident_id,
        household_id: placed[0].household_id,
        signed_up_by: None,
        proxy: false,
        guardian: false,
    };
    let txn = weizhili_store::begin_write(&app.db).await.unwrap();
    let refused = event::sign_up(&txn, ev.id, again.clone(), place_or_wait, now).await;
    assert!(matches!(refused, Err(weizhili_store::StoreError::Conflict("already_signed_up"))));
    drop(txn);
    let txn = weizhili_store::begin_write(&app.db).await.unwrap();
    let refused = event::sign_up(&txn, ev.id, again, |_, _, _| Ok("registered"), now).await;
    assert!(matches!(refused, Err(weizhili_store::StoreError::Conflict("already_signed_up"))), "{refused:?}");
    drop(txn);

    // A cancellation promotes the first in line.
    let first_in_line = line[0].id;
    let txn = weizhili_store::begin_write(&app.db).await.unwrap();
    let promoted = event::cancel(
        &txn,
        placed[2],
        |ev, line| {
            let capacity = ev.capacity.and_then(|c| Capacity::new(c as u32).ok());
            weizhili_core::event::promote(capacity, ev.registered as u32, line).to_vec()
        },
        now,
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(promoted.iter().map(|s| s.id).collect::<Vec<_>>(), [first_in_line]);
    assert_eq!(promoted[0].status, "registered");
    let all = event::signups(&app.db, ev.id).await.unwrap();
    assert_eq!(all.iter().filter(|s| s.status == "registered").count(), 5);
    assert_eq!(all.iter().filter(|s| s.status == "waitlisted").count(), 14);
    assert_eq!(event::get(&app.db, ev.id).await.unwrap().unwrap().registered, 5);
}

#[tokio::test]
async fn a_term_of_sessions_counts_each_person_once_per_session_and_walk_ins_too() {
    use chrono::{NaiveDate, NaiveTime};
    use weizhili_core::event::Recurrence;
    let app = spawn_app().await;
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    // The "430" class for one school week: Monday to Friday, with Wednesday a holiday.
    let term = Recurrence {
        weekdays: Recurrence::SCHOOL_DAYS,
        from: NaiveDate::from_ymd_opt(2026, 9, 7).unwrap(),
        until: NaiveDate::from_ymd_opt(2026, 9, 11).unwrap(),
        start: NaiveTime::from_hms_opt(16, 30, 0).unwrap(),
        end: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        skip: vec![NaiveDate::from_ymd_opt(2026, 9, 9).unwrap()],
        extra: vec![],
    };
    let sessions: Vec<_> = term.sessions().unwrap().iter().map(|s| (s.start_utc(), s.end_utc())).collect();
    assert_eq!(sessions.len(), 4);
    let now = chrono::Utc::now();
    let new = NewEvent {
        community_id: community.id,
        project_id: None,
        building_id: None,
        title: "430 课堂".into(),
        description: String::new(),
        place: "社区四点半课堂".into(),
        capacity: Some(20),
        audience: "children".into(),
        min_age: Some(6),
        max_age: Some(12),
        signup_deadline: None,
        created_by: None,
    };
    let made = event::create(&app.db, &new, &sessions, now).await.unwrap();
    assert_eq!(made.len(), 4);
    let head = made[0].id;
    assert!(made.iter().all(|e| event::head_of(e) == head), "one series");
    let filter = weizhili_store::grid::ResidentFilter {
        community_id: Some(community.id),
        page: 1,
        per_page: 2,
        ..Default::default()
    };
    let scope = weizhili_core::access::ListScope::Everything;
    let people = weizhili_store::grid::residents(&app.db, &scope, &filter, 2026).await.unwrap().rows;
    let (signed, walk_in) = (&people[0].resident, &people[1].resident);
    let txn = weizhili_store::begin_write(&app.db).await.unwrap();
    let new_signup = NewSignup {
        resident_id: signed.id,
        household_id: signed.household_id,
        signed_up_by: None,
        proxy: false,
        guardian: false,
    };
    event::sign_up(&txn, head, new_signup, |_, _, _| Ok("registered"), now).await.unwrap();
    // Monday twice (counts once), Tuesday; the walk-in comes on Tuesday.
    for (session, who) in [(&made[0], signed), (&made[0], signed), (&made[1], signed), (&made[1], walk_in)] {
        event::check_in(&txn, session, who.id, who.household_id, None, now).await.unwrap();
    }
    txn.commit().await.unwrap();
    let counts = weizhili_core::event::attendance_counts(event::checkins_of_series(&app.db, head).await.unwrap());
    assert_eq!((counts.attendances, counts.people_served), (3, 2), "人次 3, 人数 2");
    let all = event::signups(&app.db, head).await.unwrap();
    let walked = all.iter().find(|s| s.resident_id == walk_in.id).unwrap();
    assert!(walked.walk_in && walked.status == "attended");
    assert_eq!(all.iter().find(|s| s.resident_id == signed.id).unwrap().status, "attended");
    assert_eq!(event::get(&app.db, head).await.unwrap().unwrap().registered, 1, "a walk-in takes no place");
    assert_eq!(event::sessions_of(&app.db, head).await.unwrap().len(), 4);
}

//! Events (微项目/活动): a term of sessions counts each person once per session, the API's sign-ups, waitlist
//! and check-in, children's classes. Sign-ups under load are in `races.rs`.

use weizhili_core::clock::Clock;
use weizhili_store::event::{self, NewEvent, NewSignup};

use crate::helpers::spawn_app;

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

async fn create(app: &crate::helpers::TestApp, token: &str, body: serde_json::Value) -> serde_json::Value {
    let (status, made) = app.api_send(token, reqwest::Method::POST, "/api/v1/events", body).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{made}");
    made
}

fn code(body: &serde_json::Value) -> Option<&str> {
    body["error"]["code"].as_str()
}

#[tokio::test]
async fn residents_sign_up_through_the_api_the_full_event_offers_its_waitlist_and_check_in_counts_once() {
    use reqwest::{Method, StatusCode};
    use serde_json::json;
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let jumin = app.api_token("jumin").await;
    let jumin2 = app.api_token("jumin2").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let start = app.clock.now() + chrono::Duration::days(2);
    let lecture = json!({
        "title": "健康知识讲座：秋冬防感冒",
        "place": "社区活动室",
        "starts_at": start,
        "ends_at": start + chrono::Duration::hours(1),
        "capacity": "2人",
        "signup_deadline": start - chrono::Duration::hours(2),
    });
    let (status, _) = app.api_send(&volunteer, Method::POST, "/api/v1/events", lecture.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "volunteers do not create events");
    let made = create(&app, &staff, lecture).await;
    let id = made[0]["id"].as_i64().unwrap();
    assert_eq!(made[0]["capacity"], 2);
    let path = format!("/api/v1/events/{id}/signups");

    let (status, mine) = app.api_send(&jumin, Method::POST, &path, json!({})).await;
    assert_eq!((status, mine["status"].as_str()), (StatusCode::CREATED, Some("registered")), "{mine}");
    assert_eq!(mine["signed_up_as"], "self");
    let (status, body) = app.api_send(&jumin, Method::POST, &path, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("already_signed_up")));
    let (status, second) = app.api_send(&jumin2, Method::POST, &path, json!({})).await;
    assert_eq!((status, second["status"].as_str()), (StatusCode::CREATED, Some("registered")));
    // Full: refused with event_full, then on the waitlist when asked; staff sign up someone without a phone.
    let elder = app.resident_in("幸福里社区", "3栋").await;
    let (status, body) = app.api_send(&staff, Method::POST, &path, json!({"resident_id": elder})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("event_full")));
    assert!(body["error"]["message"].as_str().unwrap().contains("候补"), "the message offers the waitlist: {body}");
    let (status, waiting) =
        app.api_send(&staff, Method::POST, &path, json!({"resident_id": elder, "waitlist": true})).await;
    assert_eq!(
        (status, waiting["status"].as_str(), waiting["signed_up_as"].as_str()),
        (StatusCode::CREATED, Some("waitlisted"), Some("proxy"))
    );
    // A resident may not sign up a neighbour.
    let (status, _) = app.api_send(&jumin, Method::POST, &path, json!({"resident_id": elder})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The resident sees their own household's sign-up, staff see everyone, in order.
    let (_, list) = app.api_get(&jumin, &path).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, list) = app.api_get(&staff, &path).await;
    let statuses: Vec<&str> = list.as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["registered", "registered", "waitlisted"]);

    // jumin cancels: the waiting elder moves up.
    let (status, result) =
        app.api_send(&jumin, Method::POST, &format!("{path}/{}/cancel", mine["id"]), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["promoted"], json!([waiting["id"]]));
    let (status, body) = app.api_send(&jumin, Method::POST, &format!("{path}/{}/cancel", mine["id"]), json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("signup_cancelled")));

    // Staff check the elder in; twice counts once. jumin2 checks themselves in.
    let check = format!("/api/v1/events/{id}/check-in");
    let (status, first) = app.api_send(&staff, Method::POST, &check, json!({"resident_id": elder})).await;
    assert_eq!((status, first["new"].as_bool()), (StatusCode::OK, Some(true)), "{first}");
    let (_, again) = app.api_send(&staff, Method::POST, &check, json!({"resident_id": elder})).await;
    assert_eq!(again["new"], false);
    // A resident checks in themselves, and only around the session: two days early is refused.
    let (status, early) = app.api_send(&jumin2, Method::POST, &check, json!({})).await;
    assert_eq!((status, code(&early)), (StatusCode::CONFLICT, Some("check_in_closed")));
    let (status, _) = app.api_send(&jumin2, Method::POST, &check, json!({"resident_id": elder})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "residents check in only themselves");

    // After the deadline: closed.
    app.clock.advance(chrono::Duration::days(2) - chrono::Duration::hours(1));
    let (status, body) = app.api_send(&jumin, Method::POST, &path, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("signup_closed")));
    // An hour before the start, jumin2 checks in with the event's QR code.
    let (_, selfie) = app.api_send(&jumin2, Method::POST, &check, json!({})).await;
    assert_eq!((selfie["new"].as_bool(), selfie["walk_in"].as_bool()), (Some(true), Some(false)), "{selfie}");
    let checkins = store_checkins(&app, id).await;
    assert_eq!((checkins.attendances, checkins.people_served), (2, 2));

    // Unknown ids: 404.
    let (status, _) = app.api_get(&jumin, "/api/v1/events/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.api_get(&jumin, "/api/v1/events/abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.api_get(&app.api_token("shegong2").await, &format!("/api/v1/events/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another community's event is not found");
    assert!(!app.audit_actions("event.sign_up").await.is_empty());
}

async fn store_checkins(app: &crate::helpers::TestApp, id: i64) -> weizhili_core::event::AttendanceCounts {
    weizhili_core::event::attendance_counts(event::checkins_of_series(&app.db, id).await.unwrap())
}

#[tokio::test]
async fn a_children_only_series_takes_children_of_the_right_age_signed_up_by_their_guardian() {
    use reqwest::{Method, StatusCode};
    use serde_json::json;
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let jumin = app.api_token("jumin").await;
    let class = json!({
        "title": "四点半课堂",
        "place": "社区书屋",
        "recurrence": {"weekdays": [1, 2, 3, 4, 5], "from": "2026-09-07", "until": "2026-09-18",
                       "start": "16:30:00", "end": "18:00:00", "skip": ["2026-09-09"]},
        "capacity": "20",
        "audience": {"kind": "children", "min_age": 6, "max_age": 12},
    });
    let made = create(&app, &staff, class).await;
    assert_eq!(made.as_array().unwrap().len(), 9, "two school weeks less one holiday");
    let head = made[0]["id"].as_i64().unwrap();
    assert!(made.as_array().unwrap().iter().all(|s| s["series_id"] == head));
    let (status, body) = app
        .api_send(
            &staff,
            Method::POST,
            "/api/v1/events",
            json!({"title": "x", "place": "y", "starts_at": "2026-09-01T08:00:00Z", "ends_at": "2026-09-01T07:00:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // jumin is an adult: not for this class.
    let path = format!("/api/v1/events/{head}/signups");
    let (status, body) = app.api_send(&jumin, Method::POST, &path, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("not_eligible")), "{body}");
    // A child of the right age in jumin's household, if the demo has one; else staff put one in.
    let me = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let own = weizhili_store::grid::resident(&app.db, me.resident_id.unwrap()).await.unwrap().unwrap().resident;
    let household = weizhili_store::grid::household(&app.db, own.household_id).await.unwrap().unwrap();
    let kid = app
        .api_send(
            &staff,
            Method::POST,
            "/api/v1/residents",
            json!({"household_id": household.id, "name": "王小雨", "birth_year": "2017", "relation": "孙女"}),
        )
        .await;
    assert_eq!(kid.0, StatusCode::CREATED, "{}", kid.1);
    let (status, signed) = app.api_send(&jumin, Method::POST, &path, json!({"resident_id": kid.1["id"]})).await;
    assert_eq!((status, signed["signed_up_as"].as_str()), (StatusCode::CREATED, Some("guardian")), "{signed}");
}

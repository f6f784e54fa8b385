//! Chess & card competitions (棋牌竞赛) through the API and the pages: a Swiss tournament of seven over four
//! rounds (no repeat pairing, the bye rotates, standings and tie-breaks as counted by hand), a round-robin
//! (every pair once), who may do what, the printable sheets, and bad input.

use std::collections::{HashMap, HashSet};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

fn code(body: &Value) -> Option<&str> {
    body["error"]["code"].as_str()
}

/// `n` residents of 幸福里 who are not jumin.
async fn people(app: &TestApp, n: u64) -> Vec<i64> {
    let community = weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap();
    let jumin = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let filter = weizhili_store::grid::ResidentFilter {
        community_id: Some(community.id),
        page: 1,
        per_page: n + 1,
        ..Default::default()
    };
    let scope = weizhili_core::access::ListScope::Everything;
    let rows = weizhili_store::grid::residents(&app.db, &scope, &filter, 2026).await.unwrap().rows;
    rows.into_iter().map(|r| r.resident.id).filter(|id| Some(*id) != jumin.resident_id).take(n as usize).collect()
}

async fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    let (status, made) = app.api_send(token, Method::POST, "/api/v1/competitions", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made["id"].as_i64().unwrap()
}

async fn register(app: &TestApp, token: &str, id: i64, resident: i64) -> Value {
    let path = format!("/api/v1/competitions/{id}/players");
    let (status, body) = app.api_send(token, Method::POST, &path, json!({"resident_id": resident})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// Fills every open table of a round: the lower seed (entry id) wins, except a draw on table 2.
fn results_for(round: &Value) -> Value {
    let mut results = vec![];
    for game in round["games"].as_array().unwrap() {
        let Some(second) = game["second_id"].as_i64() else { continue };
        let first = game["first_id"].as_i64().unwrap();
        let outcome = if game["table"] == 2 {
            "draw"
        } else if first < second {
            "first_wins"
        } else {
            "second_wins"
        };
        results.push(json!({"table": game["table"], "outcome": outcome}));
    }
    json!({ "results": results })
}

#[tokio::test]
async fn a_swiss_tournament_of_seven_pairs_without_repeats_rotates_the_bye_and_ranks_by_tie_breaks() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let jumin = app.api_token("jumin").await;
    let id =
        create(&app, &staff, json!({"title": "幸福里象棋赛", "game": "xiangqi", "format": "swiss", "rounds": 4})).await;
    for resident in people(&app, 6).await {
        assert_eq!(register(&app, &staff, id, resident).await["registered_as"], "proxy");
    }
    let players = format!("/api/v1/competitions/{id}/players");
    let (status, mine) = app.api_send(&jumin, Method::POST, &players, json!({})).await;
    assert_eq!((status, mine["registered_as"].as_str()), (StatusCode::CREATED, Some("self")), "{mine}");
    let (status, body) = app.api_send(&jumin, Method::POST, &players, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("already_registered")));

    // A resident neither pairs nor enters results; another community does not see the competition at all.
    let rounds = format!("/api/v1/competitions/{id}/rounds");
    let (status, _) = app.api_send(&jumin, Method::POST, &rounds, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.api_get(&app.api_token("shegong2").await, &format!("/api/v1/competitions/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.api_get(&app.api_token("jumin2").await, &format!("/api/v1/competitions/{id}")).await;
    assert_eq!(status, StatusCode::OK, "the community sees its competition");

    let mut met = HashSet::new();
    let mut byes = Vec::new();
    for number in 1..=4 {
        let (status, made) = app.api_send(&staff, Method::POST, &rounds, json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "round {number}: {made}");
        let round = &made[0];
        assert_eq!(round["number"], number);
        let games = round["games"].as_array().unwrap();
        assert_eq!(games.len(), 4, "three tables and a bye");
        for g in games {
            match g["second_id"].as_i64() {
                None => byes.push(g["first_id"].as_i64().unwrap()),
                Some(second) => {
                    let first = g["first_id"].as_i64().unwrap();
                    assert!(met.insert((first.min(second), first.max(second))), "{first} and {second} met twice");
                }
            }
        }
        if number == 1 {
            let (status, body) = app.api_send(&staff, Method::POST, &rounds, json!({})).await;
            assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("round_incomplete")));
            let (status, body) =
                app.api_send(&staff, Method::POST, &players, json!({"resident_id": mine["resident_id"]})).await;
            assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("competition_started")));
            let (status, _) =
                app.api_send(&jumin, Method::POST, &format!("{rounds}/1/results"), results_for(round)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "residents do not enter results");
        }
        let (status, body) =
            app.api_send(&staff, Method::POST, &format!("{rounds}/{number}/results"), results_for(round)).await;
        assert_eq!((status, body["finished"].as_bool()), (StatusCode::OK, Some(true)), "{body}");
    }
    let distinct: HashSet<&i64> = byes.iter().collect();
    assert_eq!(distinct.len(), 4, "the bye rotates: {byes:?}");

    // Finished: no fifth round.
    let (_, board) = app.api_get(&staff, &format!("/api/v1/competitions/{id}")).await;
    assert_eq!(board["competition"]["status"], "finished");
    let (status, body) = app.api_send(&staff, Method::POST, &rounds, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("competition_finished")));

    // The standings, counted again by hand: points (win 1, draw ½, bye 1) and Buchholz (opponents' points,
    // a bye counting as a game against oneself).
    let mut points: HashMap<i64, f64> = HashMap::new();
    let mut opponents: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut bye_count: HashMap<i64, u32> = HashMap::new();
    for round in board["rounds"].as_array().unwrap() {
        for g in round["games"].as_array().unwrap() {
            let first = g["first_id"].as_i64().unwrap();
            let Some(second) = g["second_id"].as_i64() else {
                *points.entry(first).or_default() += 1.0;
                *bye_count.entry(first).or_default() += 1;
                continue;
            };
            let (a, b) = match g["outcome"].as_str().unwrap() {
                "first_wins" => (1.0, 0.0),
                "second_wins" => (0.0, 1.0),
                "draw" => (0.5, 0.5),
                other => panic!("{other}"),
            };
            *points.entry(first).or_default() += a;
            *points.entry(second).or_default() += b;
            opponents.entry(first).or_default().push(second);
            opponents.entry(second).or_default().push(first);
        }
    }
    let table = board["standings"].as_array().unwrap();
    assert_eq!(table.len(), 7);
    assert_eq!(board["standings_after"], 4);
    let mut previous: Option<(f64, f64)> = None;
    for row in table {
        let entry = row["entry_id"].as_i64().unwrap();
        let own = points[&entry];
        let buchholz: f64 = opponents.get(&entry).map(|o| o.iter().map(|x| points[x]).sum()).unwrap_or(0.0)
            + own * f64::from(bye_count.get(&entry).copied().unwrap_or(0));
        assert_eq!(row["points"].as_f64().unwrap(), own, "{row}");
        assert_eq!(row["buchholz"].as_f64().unwrap(), buchholz, "{row}");
        if let Some((p, b)) = previous {
            assert!(p > own || (p == own && b >= buchholz), "ranked by points, then Buchholz: {table:?}");
        }
        previous = Some((own, buchholz));
    }
    assert_eq!(points.values().sum::<f64>(), 16.0, "four points a round: three games and a bye");
    assert_eq!(table[0]["rank"], 1);
    assert!(!app.audit_actions("competition.pair").await.is_empty());
    assert_eq!(app.audit_actions("competition.record").await.len(), 4);
}

#[tokio::test]
async fn a_round_robin_pairs_every_pair_exactly_once_at_once() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let id = create(&app, &staff, json!({"title": "围棋循环赛", "game": "go", "format": "round_robin"})).await;
    let entries: Vec<i64> = {
        let mut ids = vec![];
        for resident in people(&app, 5).await {
            ids.push(register(&app, &staff, id, resident).await["id"].as_i64().unwrap());
        }
        ids
    };
    let rounds = format!("/api/v1/competitions/{id}/rounds");
    let (status, made) = app.api_send(&staff, Method::POST, &rounds, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made.as_array().unwrap().len(), 5, "five players: five rounds, one bye each");
    let mut met: HashMap<(i64, i64), u32> = HashMap::new();
    let mut byes: HashMap<i64, u32> = HashMap::new();
    for round in made.as_array().unwrap() {
        for g in round["games"].as_array().unwrap() {
            let first = g["first_id"].as_i64().unwrap();
            match g["second_id"].as_i64() {
                Some(second) => *met.entry((first.min(second), first.max(second))).or_default() += 1,
                None => *byes.entry(first).or_default() += 1,
            }
        }
    }
    assert_eq!(met.len(), 10, "every pair of five");
    assert!(met.values().all(|n| *n == 1));
    assert!(entries.iter().all(|e| byes.get(e) == Some(&1)));
    let (status, body) = app.api_send(&staff, Method::POST, &rounds, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("all_rounds_paired")));
    let (_, board) = app.api_get(&staff, &format!("/api/v1/competitions/{id}")).await;
    assert_eq!(board["competition"]["rounds_planned"], 5);
}

#[tokio::test]
async fn bad_input_is_refused_with_a_code_and_mahjong_and_guandan_are_handled_honestly() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let jumin = app.api_token("jumin").await;
    let post = |token: &'static str, path: String, body: Value| {
        let app = &app;
        let token = if token == "staff" { staff.clone() } else { jumin.clone() };
        async move { app.api_send(&token, Method::POST, &path, body).await }
    };
    let base = "/api/v1/competitions".to_owned();
    for (body, expected) in [
        (json!({"title": "象", "game": "xiangqi", "format": "swiss", "rounds": 5}), "bad_competition_title"),
        (json!({"title": "象棋赛", "game": "chess", "format": "swiss", "rounds": 5}), "bad_competition_game"),
        (json!({"title": "象棋赛", "game": "xiangqi", "format": "knockout"}), "bad_competition_format"),
        (json!({"title": "象棋赛", "game": "xiangqi", "format": "swiss"}), "bad_competition_rounds"),
        (json!({"title": "象棋赛", "game": "xiangqi", "format": "swiss", "rounds": "99"}), "bad_competition_rounds"),
    ] {
        let (status, body) = post("staff", base.clone(), body).await;
        assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some(expected)), "{body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let (status, _) =
        post("jumin", base.clone(), json!({"title": "象棋赛", "game": "xiangqi", "format": "round_robin"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "residents do not set up competitions");

    // Results: unknown codes, unknown tables, a bye given a score.
    let id =
        create(&app, &staff, json!({"title": "象棋赛", "game": "xiangqi", "format": "swiss", "rounds": "3轮"})).await;
    for resident in people(&app, 3).await {
        register(&app, &staff, id, resident).await;
    }
    let (_, made) = post("staff", format!("{base}/{id}/rounds"), json!({})).await;
    let bye_table =
        made[0]["games"].as_array().unwrap().iter().find(|g| g["second_id"].is_null()).unwrap()["table"].clone();
    let results = format!("{base}/{id}/rounds/1/results");
    for (body, expected) in [
        (json!({"results": [{"table": 1, "outcome": "1-0"}]}), "bad_competition_outcome"),
        (json!({"results": [{"table": 9, "outcome": "draw"}]}), "competition_unknown_table"),
        (json!({"results": [{"table": bye_table, "outcome": "first_wins"}]}), "competition_bad_outcome"),
    ] {
        let (status, body) = post("staff", results.clone(), body).await;
        assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some(expected)), "{body}");
    }
    let (status, _) = post("staff", format!("{base}/{id}/rounds/7/results"), json!({"results": []})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.api_get(&staff, "/api/v1/competitions/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // 麻将: registration only; pairing is refused with its reason.
    let mahjong =
        create(&app, &staff, json!({"title": "麻将友谊赛", "game": "mahjong", "format": "round_robin"})).await;
    for resident in people(&app, 4).await {
        register(&app, &staff, mahjong, resident).await;
    }
    let (status, body) = post("staff", format!("{base}/{mahjong}/rounds"), json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("competition_not_head_to_head")));

    // 掼蛋: teams of two; a resident's partner comes from their own household.
    let cards = create(&app, &staff, json!({"title": "掼蛋邀请赛", "game": "guandan", "format": "round_robin"})).await;
    let two = people(&app, 2).await;
    let players = format!("{base}/{cards}/players");
    let (status, body) = post("jumin", players.clone(), json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("partner_required")));
    let neighbour = app.resident_in("幸福里社区", "5栋").await;
    let (status, body) = post("jumin", players.clone(), json!({"partner_id": neighbour})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("partner_not_in_household")), "{body}");
    let jumin = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let (status, body) = post("jumin", players.clone(), json!({"partner_id": jumin.resident_id})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("partner_is_self")), "{body}");
    let (status, team) = post("staff", players.clone(), json!({"resident_id": two[0], "partner_id": two[1]})).await;
    assert_eq!((status, team["partner_id"].as_i64()), (StatusCode::CREATED, Some(two[1])), "{team}");
    let (status, body) = post("staff", players.clone(), json!({"resident_id": two[1]})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("partner_required")));
    let (status, body) = post("staff", players, json!({"resident_id": two[1], "partner_id": two[0]})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("already_registered")));
}

#[tokio::test]
async fn staff_run_a_competition_from_the_pages_and_print_its_sheets() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let (status, page) = app.page("/competitions/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"_csrf\""));
    // A title too short: the form again, with the message and what was typed.
    let form = [("title", "象"), ("game", "xiangqi"), ("format", "swiss"), ("rounds", "3")];
    let response = app.post_form("/competitions", &form).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("比赛名称要有 2 到 60 个字") && body.contains("value=\"3\""), "{body}");
    let form = [("title", "楼栋象棋赛"), ("game", "xiangqi"), ("format", "swiss"), ("rounds", "3")];
    let response = app.post_form("/competitions", &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let at = response.headers()["location"].to_str().unwrap().to_owned();
    for resident in people(&app, 4).await {
        app.page(&at).await;
        let response = app.post_form(&format!("{at}/players"), &[("resident_id", &resident.to_string())]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    // The search finds people to register on someone's behalf.
    let (_, page) = app.page(&format!("{at}?q=%E7%8E%8B")).await;
    assert!(page.contains("id=\"register-proxy\""), "staff can register someone they found");
    let response = app.post_form(&format!("{at}/players"), &[("resident_id", "abc")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("请从名单里选一个人"));

    let response = app.post_form(&format!("{at}/rounds"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let round = response.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_owned();
    let (status, page) = app.page(&round).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("红方胜") && page.contains("name=\"t1\""), "the result form offers the outcomes");
    // A bad code keeps what was chosen on the other table.
    let response = app.post_form(&round, &[("t1", "first_wins"), ("t2", "nonsense")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("比赛结果填写有误") && body.contains("value=\"first_wins\" checked"), "{body}");
    let response = app.post_form(&round, &[("t1", "first_wins"), ("t2", "draw")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (status, sheet) = app.page(&format!("{round}/sheet")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(sheet.contains("对阵表") && sheet.contains("1-0") && sheet.contains("½-½") && sheet.contains("sheet.css"));
    let (status, sheet) = app.page(&format!("{at}/sheet")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(sheet.contains("成绩表") && sheet.contains("对手分"), "{sheet}");
    let css = app.get("/static/sheet.css").await.text().await.unwrap();
    assert!(css.contains("@page { size: A4"));
    let (status, page) = app.page(&at).await;
    assert!(status == StatusCode::OK && page.contains("排下一轮对阵"));
    let (status, _) = app.page("/competitions/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.page(&format!("{round}9")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A resident sees the competition, not the buttons; posting anyway is refused.
    let resident = app.another_browser();
    resident.login_as("jumin").await;
    let (status, page) = resident.page(&at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("id=\"pair-next\""));
    let response = resident.post_form(&format!("{at}/rounds"), &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, list) = resident.page("/competitions").await;
    assert!(status == StatusCode::OK && list.contains("楼栋象棋赛"));
}

#[tokio::test]
async fn the_demo_tournament_waits_for_its_last_round_and_pairs_it_without_repeats() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let (_, list) = app.api_get(&staff, "/api/v1/competitions").await;
    let demo = list.as_array().unwrap().iter().find(|c| c["title"] == "2026 幸福里中国象棋邀请赛").unwrap();
    let id = demo["id"].as_i64().unwrap();
    let (_, board) = app.api_get(&staff, &format!("/api/v1/competitions/{id}")).await;
    assert_eq!(board["players"].as_array().unwrap().len(), 8);
    assert_eq!(board["competition"]["status"], "running");
    assert_eq!(board["standings_after"], 3);
    let (status, made) =
        app.api_send(&staff, Method::POST, &format!("/api/v1/competitions/{id}/rounds"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (_, board) = app.api_get(&staff, &format!("/api/v1/competitions/{id}")).await;
    let mut met = HashSet::new();
    for round in board["rounds"].as_array().unwrap() {
        for g in round["games"].as_array().unwrap() {
            let (a, b) = (g["first_id"].as_i64().unwrap(), g["second_id"].as_i64().unwrap());
            assert!(met.insert((a.min(b), a.max(b))), "a repeat in round {}", round["number"]);
        }
    }
    assert_eq!(met.len(), 16);
}

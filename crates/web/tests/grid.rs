//! The grid: lists, filters, masking, scopes, forms, move-out, isolation between communities.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use weizhili_core::access::ListScope;
use weizhili_store::grid::{self, ResidentFilter};

use crate::helpers::{TestApp, spawn_app};

async fn community_id(app: &TestApp, name: &str) -> i64 {
    grid::community_by_name(&app.db, name).await.unwrap().unwrap().id
}

async fn building_id(app: &TestApp, community: &str, building: &str) -> i64 {
    let cid = community_id(app, community).await;
    grid::buildings_of_community(&app.db, cid).await.unwrap().into_iter().find(|b| b.name == building).unwrap().id
}

/// Residents of the database matching a filter, as the store sees them (no permission scope).
async fn count(app: &TestApp, filter: ResidentFilter) -> u64 {
    grid::residents(&app.db, &ListScope::Everything, &ResidentFilter { page: 1, per_page: 1, ..filter }, 2026)
        .await
        .unwrap()
        .total
}

fn cells(body: &str, class: &str) -> Vec<String> {
    let marker = format!("class=\"{class}\">");
    body.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &body[at + marker.len()..];
            rest[..rest.find("</td>").unwrap()].trim().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn staff_filter_the_roster_by_building_tag_age_and_search() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let b3 = building_id(&app, "幸福里社区", "3栋").await;
    let (status, body) = app.page(&format!("/residents?building={b3}")).await;
    assert_eq!(status, StatusCode::OK);
    let expected = count(&app, ResidentFilter { building_id: Some(b3), ..Default::default() }).await;
    assert!(expected > 0);
    assert!(body.contains(&format!("共 {expected} 人")), "count shown");
    let places = cells(&body, "building");
    assert_eq!(places.len() as u64, expected.min(20));
    assert!(places.iter().all(|p| p.starts_with("3栋")), "{places:?}");

    let living_alone = count(
        &app,
        ResidentFilter {
            tag: Some(weizhili_core::grid::Tag::LivingAlone),
            community_id: Some(community_id(&app, "幸福里社区").await),
            ..Default::default()
        },
    )
    .await;
    let (_, body) = app.page("/residents?tag=living_alone").await;
    assert!(body.contains(&format!("共 {living_alone} 人")));

    let (_, body) = app.page("/residents?age=aged&building=").await;
    assert!(body.contains("80 岁以上") && !body.contains(">18–59 岁</td>"));

    // Search by a name fragment and by the last four digits of a phone.
    let someone = grid::resident(&app.db, app.resident_in("幸福里社区", "4栋").await).await.unwrap().unwrap().resident;
    let (_, body) = app.page(&format!("/residents?q={}", crate::helpers::urlencode(&someone.name))).await;
    assert!(body.contains(&someone.name));
    let with_phone = grid::residents(
        &app.db,
        &ListScope::Everything,
        &ResidentFilter { q: None, page: 3, per_page: 20, ..Default::default() },
        2026,
    )
    .await
    .unwrap()
    .rows
    .into_iter()
    .find(|r| r.resident.phone.is_some() && r.resident.community_id == someone.community_id)
    .unwrap()
    .resident;
    let tail = &with_phone.phone.as_deref().unwrap()[7..];
    let (_, body) = app.page(&format!("/residents?q={tail}")).await;
    assert!(body.contains(&with_phone.name), "found by phone tail {tail}");

    // Unknown filter values do not break the page.
    assert_eq!(app.page("/residents?building=abc&tag=vip&age=old&page=-3").await.0, StatusCode::OK);
}

#[tokio::test]
async fn lists_are_paged() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let (_, first) = app.page("/residents").await;
    let (_, second) = app.page("/residents?page=2").await;
    assert!(first.contains("rel=\"next\"") && second.contains("rel=\"prev\""));
    let a = cells(&first, "building");
    let b = cells(&second, "building");
    assert_eq!(a.len(), 20);
    assert_ne!(first, second);
    let (status, far) = app.page("/residents?page=9999").await;
    assert_eq!(status, StatusCode::OK);
    assert!(far.contains("id=\"past-end\"") && far.contains("超出列表的末尾") && !b.is_empty());
    assert!(!far.contains("没有找到"), "past the end is not \"nobody matches\"");
}

#[tokio::test]
async fn phones_are_masked_in_lists_and_shown_to_staff_on_the_persons_page_with_an_audit_entry() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let (_, body) = app.page("/residents").await;
    let phones = cells(&body, "phone");
    let shown: Vec<&String> = phones.iter().filter(|p| !p.is_empty()).collect();
    assert!(!shown.is_empty());
    assert!(shown.iter().all(|p| p.len() == 11 && &p[3..7] == "****"), "{shown:?}");

    let row = grid::residents(
        &app.db,
        &ListScope::Everything,
        &ResidentFilter { page: 1, per_page: 50, ..Default::default() },
        2026,
    )
    .await
    .unwrap()
    .rows
    .into_iter()
    .find(|r| r.resident.phone.is_some())
    .unwrap();
    let phone = row.resident.phone.clone().unwrap();
    let (_, page) = app.page(&format!("/residents/{}", row.resident.id)).await;
    assert!(page.contains(&phone), "staff see the full number");
    let views = app.audit_actions("resident.view_personal").await;
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].object_id, Some(row.resident.id));
    assert_eq!(views[0].login.as_deref(), Some("shegong"));

    // The API list is masked too; the single resident is not, and is audited.
    let token = app.api_token("shegong").await;
    let (_, list) = app.api_get(&token, "/api/v1/residents?per_page=50").await;
    let phones: Vec<&str> = list["items"].as_array().unwrap().iter().filter_map(|r| r["phone"].as_str()).collect();
    assert!(!phones.is_empty(), "the list has phones to mask: {list}");
    assert!(phones.iter().all(|p| p.len() == 11 && &p[3..7] == "****"), "{phones:?}");
    assert!(list["items"][0]["birth_year"].is_null());
    let (_, one) = app.api_get(&token, &format!("/api/v1/residents/{}", row.resident.id)).await;
    assert_eq!(one["phone"], phone);
    assert_eq!(one["personal_unmasked"], true);
    assert_eq!(app.audit_actions("resident.view_personal").await.len(), 2);
}

#[tokio::test]
async fn a_building_head_sees_and_edits_only_their_buildings() {
    let app = spawn_app().await;
    app.login_as("loudongzhang").await;
    let (status, body) = app.page("/residents").await;
    assert_eq!(status, StatusCode::OK);
    let places = cells(&body, "building");
    assert!(!places.is_empty(), "a building head sees the residents of their buildings");
    assert!(places.iter().all(|p| p.starts_with("1栋") || p.starts_with("2栋")), "{places:?}");
    assert!(body.contains(">1栋</option>") && body.contains(">2栋</option>") && !body.contains(">3栋</option>"));
    let in_5 = app.resident_in("幸福里社区", "5栋").await;
    assert_eq!(app.page(&format!("/residents/{in_5}")).await.0, StatusCode::NOT_FOUND);
    let r = app.post_form(&format!("/residents/{in_5}"), &[("name", "改名")]).await;
    let s = r.status();
    assert_eq!(s, StatusCode::NOT_FOUND, "{}", r.text().await.unwrap());
    let in_1 = app.resident_in("幸福里社区", "1栋").await;
    let (status, page) = app.page(&format!("/residents/{in_1}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("value=\"disabled\""), "the sensitive tags are not offered to a building head");
}

#[tokio::test]
async fn sensitive_tags_are_for_staff_only_and_survive_a_building_heads_edit() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let in_1 = app.resident_in("幸福里社区", "1栋").await;
    let (_, before) = app.api_get(&staff, &format!("/api/v1/residents/{in_1}")).await;
    let mut body = json!({"name": before["name"], "tags": ["disabled", "aged"], "phone": before["phone"]});
    let (status, after) = app.api_send(&staff, Method::PUT, &format!("/api/v1/residents/{in_1}"), body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["tags"], json!(["aged", "disabled"]));

    let head = app.api_token("loudongzhang").await;
    let (_, seen) = app.api_get(&head, &format!("/api/v1/residents/{in_1}")).await;
    assert_eq!(seen["tags"], json!(["aged"]), "a building head does not see 残疾");
    body["tags"] = json!([]);
    body["hobbies"] = json!("象棋");
    let (status, _) = app.api_send(&head, Method::PUT, &format!("/api/v1/residents/{in_1}"), body).await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = app.api_get(&staff, &format!("/api/v1/residents/{in_1}")).await;
    assert_eq!(after["tags"], json!(["disabled"]), "the head removed 高龄 but could not remove 残疾");
    assert_eq!(after["hobbies"], "象棋");
}

#[tokio::test]
async fn a_resident_sees_only_their_own_household() {
    let app = spawn_app().await;
    app.login_as("jumin").await;
    let me = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let mine = grid::resident(&app.db, me.resident_id.unwrap()).await.unwrap().unwrap();
    let (status, body) = app.page("/residents").await;
    assert_eq!(status, StatusCode::OK);
    let members =
        count(&app, ResidentFilter { household_id: Some(mine.resident.household_id), ..Default::default() }).await;
    assert!(body.contains(&format!("共 {members} 人")));
    let (status, own) = app.page(&format!("/residents/{}", mine.resident.id)).await;
    assert_eq!(status, StatusCode::OK);
    let phone = mine.resident.phone.as_deref().expect("jumin has a phone in the demo");
    assert!(own.contains(phone), "their own number, unmasked");
    assert!(app.audit_actions("resident.view_personal").await.is_empty(), "looking at oneself is not audited");
    assert_eq!(app.page(&format!("/households/{}", mine.resident.household_id)).await.0, StatusCode::OK);
    let neighbour = app.resident_in("幸福里社区", "3栋").await;
    assert_eq!(app.page(&format!("/residents/{neighbour}")).await.0, StatusCode::NOT_FOUND);
    let r = app.post_form(&format!("/residents/{}", mine.resident.id), &[("name", "改个名")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "residents do not edit the roster");
}

#[tokio::test]
async fn staff_of_one_community_see_nothing_of_another() {
    let app = spawn_app().await;
    // 幸福里's staff leave audit entries (signing in, opening a person's page) that 和平's staff must not read.
    let xingfuli = app.another_browser();
    xingfuli.login_as("shegong").await;
    let someone = app.resident_in("幸福里社区", "2栋").await;
    assert_eq!(xingfuli.page(&format!("/residents/{someone}")).await.0, StatusCode::OK);
    let (_, own_audit) = xingfuli.page("/audit?action=resident.view_personal").await;
    assert!(own_audit.contains(">shegong<"), "their own community's audit page lists them: {own_audit}");
    app.login_as("shegong2").await;
    let (_, body) = app.page("/residents").await;
    let heping =
        count(&app, ResidentFilter { community_id: Some(community_id(&app, "和平社区").await), ..Default::default() })
            .await;
    assert!(body.contains(&format!("共 {heping} 人")));
    let in_xingfuli = app.resident_in("幸福里社区", "1栋").await;
    assert_eq!(app.page(&format!("/residents/{in_xingfuli}")).await.0, StatusCode::NOT_FOUND);
    let token = app.api_token("shegong2").await;
    let (status, body) = app.api_get(&token, &format!("/api/v1/residents/{in_xingfuli}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let (_, buildings) = app.api_get(&token, "/api/v1/buildings").await;
    let cid = community_id(&app, "和平社区").await;
    let buildings = buildings.as_array().unwrap();
    assert!(!buildings.is_empty() && buildings.iter().all(|b| b["community_id"] == cid), "{buildings:?}");
    let yard = grid::courtyards(&app.db, community_id(&app, "幸福里社区").await).await.unwrap()[0].id;
    let (status, _) =
        app.api_send(&token, Method::POST, "/api/v1/buildings", json!({"courtyard_id": yard, "name": "99栋"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, audit) = app.page("/audit?action=resident.view_personal").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!audit.contains(">shegong<"), "another community's audit entries are not shown: {audit}");
    let (_, audit) = app.page("/audit").await;
    assert!(audit.contains(">shegong2<") && !audit.contains(">shegong<"), "their own entries only: {audit}");
}

#[tokio::test]
async fn staff_add_change_and_move_out_a_resident_and_bad_input_loses_nothing() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let b1 = building_id(&app, "幸福里社区", "1栋").await;
    let r = app.post_form("/households", &[("building_id", &b1.to_string()), ("unit", "３"), ("room", "1808室")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let household = r.headers()["location"].to_str().unwrap().trim_start_matches("/households/").to_owned();
    let (_, page) = app.page(&format!("/households/{household}")).await;
    assert!(page.contains("1栋 3单元 1808"));
    let dup = app.post_form("/households", &[("building_id", &b1.to_string()), ("unit", "3"), ("room", "1808")]).await;
    assert_eq!(dup.status(), StatusCode::CONFLICT);

    app.page(&format!("/residents/new?household={household}")).await;
    let bad = app
        .post_form(
            "/residents",
            &[
                ("household_id", &household),
                ("name", "孙桂兰"),
                ("phone", "1380013"),
                ("birth_year", "1850"),
                ("hobbies", "广场舞"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await.unwrap();
    assert!(page.contains("手机号码格式不对") && page.contains("出生年份不对"));
    assert!(
        page.contains("value=\"孙桂兰\"") && page.contains("value=\"1380013\"") && page.contains("value=\"广场舞\""),
        "what was typed is kept"
    );

    let ok = app
        .post_form(
            "/residents",
            &[
                ("household_id", &household),
                ("name", "孙桂兰"),
                ("gender", "female"),
                ("phone", "139 1234 5678"),
                ("birth_year", "1944"),
                ("tags", "living_alone"),
                ("tags", "aged"),
                ("consent_basis", "consent"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let id = ok.headers()["location"].to_str().unwrap().trim_start_matches("/residents/").to_owned();
    let (_, page) = app.page(&format!("/residents/{id}")).await;
    assert!(page.contains("13912345678") && page.contains("独居") && page.contains("本人同意"));

    app.page(&format!("/residents/{id}/edit")).await;
    let r = app
        .post_form(&format!("/residents/{id}"), &[("name", "孙桂兰"), ("phone", "13912345679"), ("tags", "aged")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&format!("/residents/{id}")).await;
    assert!(page.contains("13912345679") && !page.contains(">独居<"));

    let r = app.post_form(&format!("/residents/{id}/move-out"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&format!("/residents/{id}")).await;
    assert!(page.contains("已迁出"), "moved-out residents stay in history");
    let (_, list) = app.page("/residents?q=孙桂兰").await;
    assert!(list.contains("共 0 人"), "but leave the lists");
    assert_eq!(app.post_form(&format!("/residents/{id}/move-out"), &[]).await.status(), StatusCode::CONFLICT);
    for action in ["household.create", "resident.create", "resident.update", "resident.move_out"] {
        assert_eq!(app.audit_actions(action).await.len(), 1, "{action}");
    }
}

#[tokio::test]
async fn unknown_ids_are_404_pages_never_500() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    for path in [
        "/residents/999999",
        "/residents/abc",
        "/residents/-1/edit",
        "/households/0",
        "/nowhere",
        "/residents/new?household=zzz",
    ] {
        let (status, body) = app.page(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("没有找到这个页面"), "{path}");
    }
    let token = app.api_token("shegong").await;
    let (status, body) = app.api_get(&token, "/api/v1/residents/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"error": {"code": "not_found", "message": "没有找到这个页面，或者您没有权限查看。"}}));
    let (status, _) = app.api_get(&token, "/api/v1/households/xyz").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_name_that_looks_like_a_script_is_shown_as_text() {
    let app = spawn_app().await;
    let token = app.api_token("shegong").await;
    let household = grid::residents(
        &app.db,
        &ListScope::Everything,
        &ResidentFilter { page: 1, per_page: 1, ..Default::default() },
        2026,
    )
    .await
    .unwrap()
    .rows[0]
        .resident
        .household_id;
    let (status, created) = app
        .api_send(
            &token,
            Method::POST,
            "/api/v1/residents",
            json!({"household_id": household, "name": "<script>alert(1)</script>", "note": "<b>x</b>"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    app.login_as("shegong").await;
    let (_, list) = app.page("/residents?q=script").await;
    assert!(list.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || list.contains("&#60;script&#62;"), "escaped");
    assert!(!list.contains("<script>alert(1)"));
    let (_, page) = app.page(&format!("/residents/{}", created["id"])).await;
    assert!(!page.contains("<script>alert(1)") && !page.contains("<b>x</b>"));
}

#[tokio::test]
async fn the_api_checks_input_and_answers_with_codes() {
    let app = spawn_app().await;
    let token = app.api_token("loudongzhang").await;
    let b1 = building_id(&app, "幸福里社区", "1栋").await;
    let b5 = building_id(&app, "幸福里社区", "5栋").await;
    let (status, h) = app
        .api_send(&token, Method::POST, "/api/v1/households", json!({"building_id": b1, "unit": "2", "room": "1901"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{h}");
    let (status, _) =
        app.api_send(&token, Method::POST, "/api/v1/households", json!({"building_id": b5, "room": "1901"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .api_send(
            &token,
            Method::POST,
            "/api/v1/residents",
            json!({"household_id": h["id"], "name": "周建国", "phone": "12345"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "bad_phone");
    let (status, body) = app
        .api_send(
            &token,
            Method::POST,
            "/api/v1/residents",
            json!({"household_id": h["id"], "name": "周建国", "phone": "13700001111", "birth_year": "1940"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["phone"], "13700001111", "a building head needs the phones of their buildings");
    assert_eq!(body["age_band"], "aged");
    let (status, _) = app.api_send(&token, Method::POST, "/api/v1/courtyards", json!({"name": "北苑"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only staff change the shape of the community");
    let (status, list): (StatusCode, Value) =
        app.api_get(&token, &format!("/api/v1/households?building_id={b1}&per_page=5")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["per_page"], 5);
    assert!(list["total"].as_u64().unwrap() > 5);
}

#[tokio::test]
async fn households_and_buildings_can_be_corrected() {
    let app = spawn_app().await;
    app.login_as("loudongzhang").await;
    let b1 = building_id(&app, "幸福里社区", "1栋").await;
    let hh = grid::households(&app.db, &ListScope::Buildings(vec![b1]), None, Some(b1), 1, 1).await.unwrap().rows[0]
        .household
        .id;
    let (status, page) = app.page(&format!("/households/{hh}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("修改住户信息"));
    let r = app.post_form(&format!("/households/{hh}"), &[("status", "sold"), ("note", "房东在外地")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("住户状态只能是"));
    let r = app.post_form(&format!("/households/{hh}"), &[("status", "rented"), ("note", "房东在外地")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&format!("/households/{hh}")).await;
    assert!(page.contains("房东在外地") && page.contains("value=\"rented\" checked"));
    assert_eq!(app.audit_actions("household.update").await.len(), 1);
    // A building head does not rename buildings.
    assert_eq!(app.page(&format!("/buildings/{b1}")).await.0, StatusCode::FORBIDDEN);

    let token = app.api_token("shegong").await;
    let (status, b) = app
        .api_send(
            &token,
            Method::PUT,
            &format!("/api/v1/buildings/{b1}"),
            json!({"name": "1号楼", "floors": 18, "units": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["name"], "1号楼");
    let b2 = building_id(&app, "幸福里社区", "2栋").await;
    let (status, body) =
        app.api_send(&token, Method::PUT, &format!("/api/v1/buildings/{b2}"), json!({"name": "01栋"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "01栋 is the same building as 1号楼");
    assert_eq!(body["error"]["code"], "building_exists");
    let (status, h) =
        app.api_send(&token, Method::PUT, &format!("/api/v1/households/{hh}"), json!({"status": "vacant"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h["status"], "vacant");
    let yards = grid::courtyards(&app.db, community_id(&app, "幸福里社区").await).await.unwrap();
    let path = format!("/api/v1/courtyards/{}", yards[0].id);
    let (status, renamed) = app.api_send(&token, Method::PUT, &path, json!({"name": "东园"})).await;
    assert_eq!((status, renamed["name"].as_str()), (StatusCode::OK, Some("东园")));
    let (status, _) = app.api_send(&token, Method::PUT, &path, json!({"name": yards[1].name})).await;
    assert_eq!(status, StatusCode::CONFLICT, "two courtyards of one name");
    app.login_as("shegong").await;
    app.page("/buildings").await;
    let r = app.post_form(&format!("/courtyards/{}", yards[0].id), &[("name", "东苑")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.audit_actions("courtyard.update").await.len(), 2);
}

#[tokio::test]
async fn the_persons_page_says_on_what_basis_and_by_whom_the_record_is_kept() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let id = app.resident_in("幸福里社区", "6栋").await;
    let (_, page) = app.page(&format!("/residents/{id}")).await;
    assert!(
        page.contains("居委会依法履职") && page.contains("陈晓梅 登记"),
        "demo residents are recorded by the social worker"
    );
}

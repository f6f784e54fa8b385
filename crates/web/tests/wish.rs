//! Micro-wishes through the API: the whole lifecycle, every refusal a person can meet, concurrent claims, and
//! the wall that shows no one's name, room or phone.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, new_client, spawn_app};

pub(crate) async fn community_id(app: &TestApp) -> i64 {
    weizhili_store::grid::community_by_name(&app.db, "幸福里社区").await.unwrap().unwrap().id
}

pub(crate) async fn submit(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, wish) = app.api_send(token, Method::POST, "/api/v1/wishes", body).await;
    assert_eq!(status, StatusCode::CREATED, "{wish}");
    wish
}

pub(crate) async fn act(app: &TestApp, token: &str, id: &Value, action: &str, body: Value) -> (StatusCode, Value) {
    app.api_send(token, Method::POST, &format!("/api/v1/wishes/{id}/{action}"), body).await
}

#[tokio::test]
async fn a_wish_goes_from_the_resident_to_the_wall_and_back_with_a_smile() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let wish = submit(
        &app,
        &jumin,
        json!({"title": "换楼道灯泡", "description": "三楼楼道灯坏了一个星期", "category": "repair"}),
    )
    .await;
    assert_eq!(wish["status"], "submitted");
    assert_eq!(wish["proxy"], false);
    let id = wish["id"].clone();

    // Not on the wall yet, and helpers cannot see it.
    let (status, _) = app.api_get(&volunteer, &format!("/api/v1/wishes/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = act(&app, &volunteer, &id, "claim", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (status, published) =
        act(&app, &staff, &id, "publish", json!({"category": "repair", "due_date": "2026-06-15"})).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");
    assert_eq!(published["due_date"], "2026-06-15");

    let (status, claimed) = act(&app, &volunteer, &id, "claim", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert_eq!(claimed["status"], "claimed");
    assert!(claimed["wisher"].as_str().unwrap().ends_with('某'), "helpers see surname + 某: {claimed}");

    let (status, _) = act(&app, &volunteer, &id, "contact", json!({"note": "已电话联系，周六上门"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = act(&app, &volunteer, &id, "fulfil", json!({})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note_required")));
    let (status, done) =
        act(&app, &volunteer, &id, "fulfil", json!({"note": "换好了两个灯泡", "minutes": 40, "no_photo": true})).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "fulfilled");

    let (status, body) = act(&app, &jumin, &id, "confirm", json!({"satisfaction": 9})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_satisfaction")));
    let (status, confirmed) =
        act(&app, &jumin, &id, "confirm", json!({"satisfaction": 5, "thanks": "谢谢小伙子！"})).await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(confirmed["satisfaction"], 5);

    let (_, story) = app.api_get(&jumin, &format!("/api/v1/wishes/{id}/updates")).await;
    let kinds: Vec<&str> = story.as_array().unwrap().iter().map(|u| u["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["submit", "publish", "claim", "contact", "fulfil", "confirm"]);

    let cid = community_id(&app).await;
    let wall: Value =
        new_client().get(app.url(&format!("/api/v1/wall/{cid}"))).send().await.unwrap().json().await.unwrap();
    let item = wall.as_array().unwrap().iter().find(|w| w["id"] == id).expect("on the wall");
    assert_eq!(item["status"], "confirmed");
    assert_eq!(item["thanks"], "谢谢小伙子！");
    assert!(item["claimant"].as_str().is_some());
    for action in ["wish.submit", "wish.publish", "wish.claim", "wish.fulfil", "wish.confirm"] {
        assert_eq!(app.audit_actions(action).await.len(), 1, "{action}");
    }
}

#[tokio::test]
async fn every_refused_move_says_why() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let other = app.api_token("zhiyuanzhe2").await;
    let wish = submit(&app, &jumin, json!({"title": "陪我去医院复查", "category": "companionship"})).await;
    let id = wish["id"].clone();
    let code = |v: &Value| v["error"]["code"].as_str().map(str::to_owned);

    let (status, body) = act(&app, &volunteer, &id, "publish", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "helpers do not see a wish under review: {body}");
    let (status, body) = act(&app, &staff, &id, "reject", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required".into())));
    let (status, body) = act(&app, &staff, &id, "confirm", json!({"satisfaction": 5})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("wish_not_fulfilled".into())));
    act(&app, &staff, &id, "publish", json!({})).await;
    let (status, body) = act(&app, &staff, &id, "publish", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("wish_not_submitted".into())));
    let (status, body) = act(&app, &jumin, &id, "claim", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "residents do not claim: {body}");
    let (status, _) = act(&app, &volunteer, &id, "claim", json!({"organisation": "幸福里党支部"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = act(&app, &other, &id, "claim", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("wish_already_claimed".into())));
    let (status, body) = act(&app, &other, &id, "fulfil", json!({"note": "x"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("not_your_claim".into())));
    let (status, body) = act(&app, &jumin, &id, "withdraw", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("wish_not_published".into())));
    let (status, body) = act(&app, &volunteer, &id, "release", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required".into())));
    let (status, released) = act(&app, &volunteer, &id, "release", json!({"reason": "临时出差"})).await;
    assert_eq!((status, released["status"].as_str()), (StatusCode::OK, Some("published")));
    let (status, _) = act(&app, &other, &id, "claim", json!({})).await;
    assert_eq!(status, StatusCode::OK, "released wishes go back on the wall for others");
    let (status, revoked) = act(&app, &staff, &id, "revoke", json!({"reason": "长时间没有联系"})).await;
    assert_eq!((status, revoked["status"].as_str()), (StatusCode::OK, Some("published")));
    let (status, withdrawn) = act(&app, &jumin, &id, "withdraw", json!({})).await;
    assert_eq!((status, withdrawn["status"].as_str()), (StatusCode::OK, Some("withdrawn")));
    let (status, body) = act(&app, &staff, &id, "publish", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, Some("wish_finished".into())));
    let (status, _) = act(&app, &staff, &id, "dance", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) =
        app.api_send(&jumin, Method::POST, "/api/v1/wishes", json!({"title": "x", "category": "repair"})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_wish_title".into())));
    let (status, body) =
        app.api_send(&jumin, Method::POST, "/api/v1/wishes", json!({"title": "修水管", "category": "plumbing"})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_wish_category".into())));
}

/// The digits of a text, full-width ones as ASCII: a phone or room number however it was spaced or split.
fn digits(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(u32::from('0') + (u32::from(c) - u32::from('０'))),
            _ => None,
        })
        .collect()
}

/// What a wisher typed about themselves, in the forms people write it.
struct Wisher {
    household_id: i64,
    name: String,
    phone: String,
    room: String,
}

impl Wisher {
    async fn of(app: &TestApp, resident_id: i64, fallback_phone: &str) -> Wisher {
        let row = weizhili_store::grid::resident(&app.db, resident_id).await.unwrap().unwrap();
        let phone = row.resident.phone.clone().unwrap_or_else(|| fallback_phone.to_owned());
        assert_eq!((phone.len(), row.room.len() >= 3), (11, true), "{phone} {}", row.room);
        Wisher { household_id: row.resident.household_id, name: row.resident.name, phone, room: row.room }
    }

    /// "138 0013 8000", "138-0013-8000", full-width.
    fn phones(&self) -> [String; 3] {
        let p = &self.phone;
        let wide: String =
            p.chars().map(|c| char::from_u32(u32::from(c) - u32::from('0') + u32::from('０')).unwrap()).collect();
        [format!("{} {} {}", &p[..3], &p[3..7], &p[7..]), format!("{}-{}-{}", &p[..3], &p[3..7], &p[7..]), wide]
    }

    /// "1801", "18楼01", "1-1801", "18层01室".
    fn rooms(&self) -> [String; 4] {
        let (floor, door) = self.room.split_at(self.room.len() - 2);
        [self.room.clone(), format!("{floor}楼{door}"), format!("1-{}", self.room), format!("{floor}层{door}室")]
    }

    /// Whether a text shown on the wall gives this person away: their name (or given name), phone or room,
    /// in any of the forms above or any other spacing.
    fn found_in(&self, text: &str) -> bool {
        let given: String = self.name.chars().skip(1).collect();
        text.contains(&self.name)
            || (given.chars().count() >= 2 && text.contains(&given))
            || digits(text).contains(&self.phone)
            || digits(text).contains(&self.room)
    }
}

#[tokio::test]
async fn the_wall_shows_no_name_room_or_phone_whatever_the_wish_says() {
    let app = spawn_app().await;
    let staff = app.api_token("shegong").await;
    let me = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let wisher = Wisher::of(&app, me.resident_id.unwrap(), "13800138000").await;
    let jumin = app.api_token("jumin").await;
    let [spaced, dashed, wide] = wisher.phones();
    let [room, floor_door, unit_room, floor_room] = wisher.rooms();
    let titles = [
        format!("请打{spaced}找{}，住{room}", wisher.name),
        format!("帮我修窗户，{floor_door}，电话{dashed}"),
        format!("{}想学智能手机，{unit_room}，{wide}", wisher.name),
        format!("在{floor_room}等，{}", wisher.phone),
    ];
    let mut ours = Vec::new();
    for (i, title) in titles.iter().enumerate() {
        let wish = submit(&app, &jumin, json!({"title": title, "category": "learning", "anonymous": i == 1})).await;
        let (status, published) = act(&app, &staff, &wish["id"], "publish", json!({})).await;
        assert_eq!((status, published["status"].as_str()), (StatusCode::OK, Some("published")), "{published}");
        ours.push((wish["id"].clone(), &wisher));
    }
    // A proxy entry from the wish box, for a named resident of another household.
    let other = app.resident_in("幸福里社区", "7栋").await;
    let proxied = Wisher::of(&app, other, "13912345678").await;
    let [_, other_dashed, _] = proxied.phones();
    let [_, other_floor_door, ..] = proxied.rooms();
    let title = format!("{}想要一个助行器，{other_floor_door}，{other_dashed}", proxied.name);
    let boxed = submit(&app, &staff, json!({"title": title, "category": "health", "household_id": proxied.household_id, "resident_id": other, "source": "box", "slip_no": "A-017"})).await;
    assert_eq!(boxed["proxy"], true);
    assert_eq!(boxed["wisher"], proxied.name, "staff see who it is");
    let (status, published) = act(&app, &staff, &boxed["id"], "publish", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    ours.push((boxed["id"].clone(), &proxied));

    let cid = community_id(&app).await;
    let text = new_client().get(app.url(&format!("/api/v1/wall/{cid}"))).send().await.unwrap().text().await.unwrap();
    let wall: Value = serde_json::from_str(&text).unwrap();
    let (_, page) = app.another_browser().page(&format!("/wall/{cid}")).await;
    let viewer = app.another_browser();
    viewer.login_as("zhiyuanzhe").await;
    let (_, linked) = viewer.page(&format!("/wall/{cid}")).await;
    for (id, who) in &ours {
        let item =
            wall.as_array().unwrap().iter().find(|w| &w["id"] == id).unwrap_or_else(|| panic!("{id} on the wall"));
        for field in ["title", "wisher", "building", "claimant", "thanks"] {
            let shown = item[field].as_str().unwrap_or("");
            assert!(!who.found_in(shown), "{field} of wish {id} gives {} away: {shown}", who.name);
        }
        assert!(!item.to_string().contains("A-017"), "no slip number: {item}");
        // The page's card for it (its link shows to a signed-in helper).
        let at = linked.find(&format!("href=\"/wishes/{id}\"")).unwrap_or_else(|| panic!("{id} on the wall page"));
        let card = &linked[linked[..at].rfind("<li").unwrap()..at + linked[at..].find("</li>").unwrap()];
        let card = card.replace(&format!("/wishes/{id}"), "");
        assert!(!who.found_in(&card), "the card of wish {id} gives {} away: {card}", who.name);
    }
    for who in [&wisher, &proxied] {
        assert!(!page.contains(&who.name) && !text.contains(&who.name), "{} on the wall", who.name);
        for typed in who.phones().iter().chain(who.rooms().iter().skip(1)) {
            assert!(!page.contains(typed.as_str()) && !text.contains(typed.as_str()), "{typed} on the wall");
        }
    }
    assert!(wall.as_array().unwrap().iter().any(|w| w["id"] == ours[1].0 && w["wisher"] == "某居民"), "anonymous");
    assert_eq!(
        wall.as_array().unwrap().iter().find(|w| w["id"] == boxed["id"]).unwrap()["wisher"],
        format!("{}某", proxied.name.chars().next().unwrap())
    );
    let (status, _) = app.api_get(&staff, "/api/v1/wall/99999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wishes_stay_in_their_community_and_household() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let jumin2 = app.api_token("jumin2").await;
    let wish = submit(&app, &jumin, json!({"title": "辅导孩子作业", "category": "learning"})).await;
    let id = wish["id"].clone();
    let (status, _) = app.api_get(&jumin2, &format!("/api/v1/wishes/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another household");
    let (_, list) = app.api_get(&jumin2, "/api/v1/wishes").await;
    assert_eq!(list["total"], 0);
    let (_, list) = app.api_get(&jumin, "/api/v1/wishes").await;
    assert_eq!(list["total"], 1);
    let heping = app.api_token("shegong2").await;
    let (status, _) = app.api_get(&heping, &format!("/api/v1/wishes/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another community's staff");
    let (status, _) = act(&app, &heping, &id, "publish", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // jumin2 cannot submit for jumin's household.
    let (status, _) = app
        .api_send(
            &jumin2,
            Method::POST,
            "/api/v1/wishes",
            json!({"title": "买菜", "category": "daily_goods", "household_id": wish_household(&app, &id).await}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A volunteer's list holds only what is on the wall.
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe2").await;
    let (_, list) = app.api_get(&volunteer, "/api/v1/wishes?per_page=200").await;
    let before = list["total"].as_u64().unwrap();
    assert!(list["items"].as_array().unwrap().iter().all(|w| w["status"] != "submitted" && w["status"] != "rejected"));
    act(&app, &staff, &id, "publish", json!({})).await;
    let (_, list) = app.api_get(&volunteer, "/api/v1/wishes").await;
    assert_eq!(list["total"].as_u64().unwrap(), before + 1);
}

async fn wish_household(app: &TestApp, id: &Value) -> i64 {
    weizhili_store::wish::get(&app.db, id.as_i64().unwrap()).await.unwrap().unwrap().household_id.unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn on_the_pages_a_resident_wishes_staff_publish_a_volunteer_claims_and_the_wall_shows_it() {
    let app = spawn_app().await;
    app.login_as("jumin").await;
    let (status, form) = app.page("/wishes/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("许个心愿") && form.contains("name=\"category\""));
    let bad =
        app.post_form("/wishes", &[("title", "灯"), ("description", "三楼的灯坏了"), ("category", "repair")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("心愿标题请写 2 到 40 个字") && page.contains("三楼的灯坏了"),
        "the message, and nothing lost"
    );
    let ok = app.post_form("/wishes", &[("title", "<script>alert(1)</script>换灯泡"), ("category", "repair")]).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let wish_page = location(&ok);
    let (_, page) = app.page(&wish_page).await;
    assert!(page.contains("待审核") && page.contains("撤回心愿"));
    assert!(
        !page.contains("<script>alert(1)") && (page.contains("&lt;script&gt;") || page.contains("&#60;script&#62;"))
    );

    let staff = app.another_browser();
    staff.login_as("shegong").await;
    let (_, list) = staff.page("/wishes?view=all&status=submitted").await;
    assert!(list.contains(&wish_page), "staff see it waiting for review");
    let (_, page) = staff.page(&wish_page).await;
    assert!(page.contains("审核通过，发布到心愿墙"));
    let r =
        staff.post_form(&format!("{wish_page}/publish"), &[("category", "repair"), ("due_date", "2026-06-20")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let volunteer = app.another_browser();
    volunteer.login_as("zhiyuanzhe").await;
    let (_, wall) = volunteer.page("/wishes?view=wall").await;
    assert!(wall.contains(&wish_page));
    volunteer.page(&wish_page).await;
    let r = volunteer.post_form(&format!("{wish_page}/claim"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = volunteer.page(&wish_page).await;
    assert!(page.contains("已认领") && page.contains("心愿已实现"));

    let late = app.another_browser();
    late.login_as("zhiyuanzhe2").await;
    late.page("/wishes?view=wall").await;
    let r = late.post_form(&format!("{wish_page}/claim"), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("已经有人认领"));

    let cid = community_id(&app).await;
    let wall = new_client().get(app.url(&format!("/wall/{cid}"))).send().await.unwrap().text().await.unwrap();
    assert!(wall.contains("已认领") && wall.contains("换灯泡") && !wall.contains("<script>alert(1)"));
    let me = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let name = weizhili_store::grid::resident(&app.db, me.resident_id.unwrap()).await.unwrap().unwrap().resident.name;
    assert!(!wall.contains(&name), "no full name on the wall page");
    assert_eq!(new_client().get(app.url("/wall/424242")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn staff_enter_a_wish_from_the_wish_box_for_a_household() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let id = app.resident_in("幸福里社区", "8栋").await;
    let r = weizhili_store::grid::resident(&app.db, id).await.unwrap().unwrap();
    let hh = r.resident.household_id.to_string();
    let (_, household) = app.page(&format!("/households/{hh}")).await;
    assert!(household.contains(&format!("/wishes/new?household={hh}")));
    let (status, form) = app.page(&format!("/wishes/new?household={hh}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(&r.resident.name) && form.contains("心愿卡编号"));
    let rid = id.to_string();
    let ok = app
        .post_form(
            "/wishes",
            &[
                ("household_id", &hh),
                ("resident_id", &rid),
                ("title", "想学用智能手机"),
                ("category", "learning"),
                ("source", "box"),
                ("slip_no", "B-102"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&location(&ok)).await;
    assert!(page.contains("心愿箱") && page.contains("B-102") && page.contains(&r.resident.name));
    let (status, _) = app.page("/wishes/new").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "staff choose a household first");
}

#[tokio::test]
async fn the_demo_has_wishes_in_every_state_a_programme_sees() {
    let app = spawn_app().await;
    let cid = community_id(&app).await;
    for status in ["submitted", "rejected", "withdrawn", "published", "claimed", "fulfilled", "confirmed"] {
        let filter = weizhili_store::wish::Filter {
            community_id: Some(cid),
            statuses: vec![weizhili_core::wish::WishStatus::parse(status).unwrap()],
            page: 1,
            per_page: 1,
            ..Default::default()
        };
        let found = weizhili_store::wish::list(&app.db, &filter).await.unwrap();
        assert!(found.total > 0, "no demo wish is {status}");
    }
    let all = weizhili_store::wish::list(
        &app.db,
        &weizhili_store::wish::Filter { community_id: Some(cid), page: 1, per_page: 1, ..Default::default() },
    )
    .await
    .unwrap();
    assert!((100..=140).contains(&all.total), "{}", all.total);
}

#[tokio::test]
async fn a_claim_without_first_contact_lapses_and_the_wish_returns_as_a_priority() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let quiet = submit(&app, &jumin, json!({"title": "帮忙搬米上楼", "category": "transport"})).await;
    let called = submit(&app, &jumin, json!({"title": "陪我去银行", "category": "companionship"})).await;
    for w in [&quiet, &called] {
        act(&app, &staff, &w["id"], "publish", json!({})).await;
        act(&app, &volunteer, &w["id"], "claim", json!({})).await;
    }
    act(&app, &volunteer, &called["id"], "contact", json!({"note": "约了周五"})).await;
    let state = weizhili_web::AppState::new(
        app.db.clone(),
        app.clock.clone(),
        weizhili_web::WebConfig::default(),
        crate::helpers::test_media(),
    );
    app.clock.advance(chrono::Duration::days(6));
    assert_eq!(weizhili_web::wish::actions::lapse_overdue(&state).await.unwrap(), 0, "six days are within the rule");
    app.clock.advance(chrono::Duration::days(1));
    let lapsed = weizhili_web::wish::actions::lapse_overdue(&state).await.unwrap();
    assert!(lapsed >= 1);
    let (_, w) = app.api_get(&staff, &format!("/api/v1/wishes/{}", quiet["id"])).await;
    assert_eq!((w["status"].as_str(), w["priority"].as_bool()), (Some("published"), Some(true)));
    let (_, w) = app.api_get(&staff, &format!("/api/v1/wishes/{}", called["id"])).await;
    assert_eq!(w["status"], "claimed", "a claimant who made contact keeps the wish");
    let (_, story) = app.api_get(&staff, &format!("/api/v1/wishes/{}/updates", quiet["id"])).await;
    assert_eq!(story.as_array().unwrap().last().unwrap()["kind"], "lapse");
    let (status, _) = act(&app, &app.api_token("zhiyuanzhe2").await, &quiet["id"], "claim", json!({})).await;
    assert_eq!(status, StatusCode::OK, "someone else can take it on");
}

#[tokio::test]
async fn a_building_head_lists_the_wishes_of_all_their_buildings() {
    let app = spawn_app().await;
    let head = app.api_token("loudongzhang").await;
    let (_, list) = app.api_get(&head, "/api/v1/wishes?per_page=200").await;
    let buildings: std::collections::BTreeSet<&str> =
        list["items"].as_array().unwrap().iter().filter_map(|w| w["building"].as_str()).collect();
    assert!(buildings.iter().all(|b| *b == "1栋" || *b == "2栋"), "{buildings:?}");
    assert_eq!(buildings.len(), 2, "both of their buildings: {buildings:?}");
    let all = weizhili_store::wish::list(
        &app.db,
        &weizhili_store::wish::Filter {
            community_id: Some(community_id(&app).await),
            page: 1,
            per_page: 200,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let expected = all.rows.iter().filter(|r| matches!(r.building_name.as_deref(), Some("1栋") | Some("2栋"))).count();
    assert_eq!(list["total"].as_u64().unwrap() as usize, expected);
}

#[tokio::test]
async fn staff_see_this_months_wishes_and_export_the_ledger() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff_token = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let w = submit(&app, &jumin, json!({"title": "想学太极拳", "category": "learning"})).await;
    act(&app, &staff_token, &w["id"], "publish", json!({})).await;
    act(&app, &volunteer, &w["id"], "claim", json!({})).await;
    app.clock.advance(chrono::Duration::days(2));
    act(&app, &volunteer, &w["id"], "fulfil", json!({"note": "教了第一课", "minutes": 60, "no_photo": true})).await;

    app.login_as("shegong").await;
    let (_, home) = app.page("/").await;
    assert!(home.contains("心愿待审核") && home.contains("本月实现"), "the staff home counts wishes");
    assert!(home.contains("中位数"), "and says how long fulfilment takes");

    let r = app.get("/wishes/export.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][0], "编号");
    let mine = rows.iter().find(|r| r[6] == "想学太极拳").expect("the new wish is in the ledger");
    assert_eq!(mine[7], "已实现");
    assert_eq!(mine[14], "2.0", "two days from publishing to fulfilment");
    assert_eq!(mine[15], "60");
    let me = weizhili_store::account::user_by_login(&app.db, "jumin").await.unwrap().unwrap();
    let name = weizhili_store::grid::resident(&app.db, me.resident_id.unwrap()).await.unwrap().unwrap().resident.name;
    assert!(rows.len() > 1, "the ledger has rows");
    let named: Vec<&String> = rows.iter().flatten().filter(|cell| cell.contains(name.as_str())).collect();
    assert!(named.is_empty(), "no wisher's name in the ledger, not even inside a cell: {named:?}");
    assert_eq!(app.audit_actions("wish.export").await.len(), 1);

    let helper = app.another_browser();
    helper.login_as("zhiyuanzhe").await;
    assert_eq!(helper.get("/wishes/export.xlsx").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_find_wishes_by_words_slip_number_category_and_building() {
    let app = spawn_app().await;
    app.login_as("shegong").await;
    let (_, all) = app.page("/wishes?view=all").await;
    let (_, repairs) = app.page("/wishes?view=all&category=repair").await;
    assert!(repairs.contains("class=\"card wish"), "some repair wishes");
    for companionship in ["陪老人去医院复查", "周末陪我下下象棋", "陪我去公园走走"] {
        assert!(!repairs.contains(companionship), "{companionship} is not a repair");
    }
    assert_ne!(all, repairs);
    let (_, found) = app.page("/wishes?view=all&q=助行器").await;
    assert!(found.contains("想要一个助行器"));
    assert!(!found.contains("换楼道灯泡"));
    let cid = community_id(&app).await;
    let b7 = weizhili_store::grid::buildings_of_community(&app.db, cid)
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.name == "7栋")
        .unwrap()
        .id;
    let (_, seven) = app.page(&format!("/wishes?view=all&building={b7}")).await;
    assert!(seven.contains("· 7栋") && !seven.contains("· 3栋 ·"));
    let (status, _) = app.page("/wishes?view=all&category=nonsense&building=x&q=").await;
    assert_eq!(status, StatusCode::OK, "unknown filters are ignored");
}

#[tokio::test]
async fn staff_confirm_for_a_wisher_who_cannot_and_the_story_says_so() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let w = submit(&app, &jumin, json!({"title": "帮忙贴春联", "category": "other"})).await;
    act(&app, &staff, &w["id"], "publish", json!({})).await;
    act(&app, &volunteer, &w["id"], "claim", json!({})).await;
    act(&app, &volunteer, &w["id"], "fulfil", json!({"note": "贴好了", "minutes": 30, "no_photo": true})).await;
    let (status, _) = act(&app, &volunteer, &w["id"], "confirm", json!({"satisfaction": 5})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the claimant does not confirm their own work");
    let (status, done) = act(&app, &staff, &w["id"], "confirm", json!({"satisfaction": 4})).await;
    assert_eq!((status, done["status"].as_str()), (StatusCode::OK, Some("confirmed")));
    let (_, story) = app.api_get(&staff, &format!("/api/v1/wishes/{}/updates", w["id"])).await;
    assert_eq!(story.as_array().unwrap().last().unwrap()["kind"], "confirm_proxy");
    app.login_as("shegong").await;
    let (_, page) = app.page(&format!("/wishes/{}", w["id"])).await;
    assert!(page.contains("社工代为确认"));
    let (_, resident_page) = app.page(&format!("/residents/{}", app.resident_in("幸福里社区", "1栋").await)).await;
    assert!(
        resident_page.contains("data-confirm=\"确定登记此人已迁出吗？\""),
        "the move-out question comes from the locale"
    );
}

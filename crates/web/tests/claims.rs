//! Claims under load: many helpers pressing 认领 at once, on one wish and on many. Claims settle in groups
//! (`web::wish::claims`), so these tests are about the group's bookkeeping: one winner per wish, one claim row,
//! one story entry and one audit entry each, on both databases.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{new_client, spawn_app};
use crate::wish::{act, community_id, submit};

#[tokio::test]
async fn fifty_claims_at_the_same_moment_make_one_claim() {
    let app = spawn_app().await;
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let wish = submit(&app, &jumin, json!({"title": "教我用智能手机视频通话", "category": "learning"})).await;
    let id = wish["id"].clone();
    act(&app, &staff, &id, "publish", json!({})).await;
    let mut tokens = Vec::new();
    for login in ["zhiyuanzhe", "zhiyuanzhe2", "shegong", "loudongzhang"] {
        tokens.push(app.api_token(login).await);
    }
    let url = app.url(&format!("/api/v1/wishes/{id}/claim"));
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let (url, token) = (url.clone(), tokens[i % tokens.len()].clone());
            tokio::spawn(async move {
                let r = new_client().post(url).bearer_auth(token).json(&json!({})).send().await.unwrap();
                let status = r.status();
                let body: Value = r.json().await.unwrap();
                (status, body)
            })
        })
        .collect();
    let mut won = 0;
    for h in handles {
        let (status, body) = h.await.unwrap();
        match status {
            StatusCode::OK => won += 1,
            StatusCode::CONFLICT => assert_eq!(body["error"]["code"], "wish_already_claimed", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(won, 1);
    let active = weizhili_store::wish::active_claim(&app.db, id.as_i64().unwrap()).await.unwrap();
    assert!(active.is_some());
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let claims = weizhili_store::entity::wish_claim::Entity::find()
        .filter(weizhili_store::entity::wish_claim::Column::WishId.eq(id.as_i64().unwrap()))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(claims, 1, "exactly one claim row");
}

#[tokio::test]
async fn a_burst_of_claims_on_many_wishes_settles_each_once_with_its_story_and_audit() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use weizhili_store::entity::{wish, wish_claim, wish_update};
    let app = spawn_app().await;
    let community = community_id(&app).await;
    let open: Vec<i64> = wish::Entity::find()
        .filter(wish::Column::CommunityId.eq(community))
        .filter(wish::Column::Status.eq("published"))
        .filter(wish::Column::OfferedTo.is_null())
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.id)
        .take(20)
        .collect();
    assert!(open.len() >= 10, "the demo has published wishes: {}", open.len());
    let before = app.audit_actions("wish.claim").await.len();
    let first = app.api_token("zhiyuanzhe").await;
    let second = app.api_token("zhiyuanzhe2").await;
    // Everyone at once: each wish by the first volunteer, and the first five by the second as well.
    let mut jobs: Vec<(i64, String)> = open.iter().map(|id| (*id, first.clone())).collect();
    jobs.extend(open.iter().take(5).map(|id| (*id, second.clone())));
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|(id, token)| {
            let url = app.url(&format!("/api/v1/wishes/{id}/claim"));
            tokio::spawn(async move {
                let r = new_client().post(url).bearer_auth(token).json(&json!({})).send().await.unwrap();
                let status = r.status();
                (id, status, r.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut won = std::collections::HashMap::new();
    for h in handles {
        let (id, status, body) = h.await.unwrap();
        match status {
            StatusCode::OK => *won.entry(id).or_insert(0) += 1,
            StatusCode::CONFLICT => assert_eq!(body["error"]["code"], "wish_already_claimed", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(won.len(), open.len(), "every wish is claimed");
    assert!(won.values().all(|n| *n == 1), "once each: {won:?}");
    for id in &open {
        let claims =
            wish_claim::Entity::find().filter(wish_claim::Column::WishId.eq(*id)).count(&app.db).await.unwrap();
        let stories = wish_update::Entity::find()
            .filter(wish_update::Column::WishId.eq(*id))
            .filter(wish_update::Column::Kind.eq("claim"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!((claims, stories), (1, 1), "wish {id}: one claim, one story entry");
        let w = wish::Entity::find_by_id(*id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(w.status, "claimed");
    }
    assert_eq!(app.audit_actions("wish.claim").await.len() - before, open.len(), "one audit entry per claim");
}

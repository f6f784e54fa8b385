//! Photos of a wish through the API and the pages: re-encoded without EXIF or GPS, refused clearly when they
//! are not photos, shown only to the people involved, and a fulfilment with a photo needs no staff check.

use std::io::Cursor;

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// A phone-like JPEG: a real picture with an EXIF block carrying a GPS position spliced in after the SOI marker.
pub fn phone_jpeg() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut plain = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture).write_to(&mut plain, image::ImageFormat::Jpeg).unwrap();
    let plain = plain.into_inner();
    // TIFF header, IFD0 with one entry pointing at a GPS IFD with latitude ref "N".
    let mut tiff = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0]);
    tiff.extend_from_slice(&26u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"GPSLatitude 39.9076");
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&plain[2..]);
    out
}

pub fn has(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn upload(app: &TestApp, token: &str, wish: &Value, bytes: Vec<u8>, name: &str) -> (StatusCode, Value) {
    let form = Form::new().text("note", "修好了").part("photo", Part::bytes(bytes).file_name(name.to_owned()));
    let response = app
        .client
        .post(app.url(&format!("/api/v1/wishes/{}/photos", wish["id"])))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn claimed_wish(app: &TestApp, title: &str) -> (Value, String, String, String) {
    let jumin = app.api_token("jumin").await;
    let staff = app.api_token("shegong").await;
    let volunteer = app.api_token("zhiyuanzhe").await;
    let body = json!({"title": title, "category": "repair"});
    let (_, w) = app.api_send(&jumin, Method::POST, "/api/v1/wishes", body).await;
    let path = |a: &str| format!("/api/v1/wishes/{}/{a}", w["id"]);
    assert_eq!(app.api_send(&staff, Method::POST, &path("publish"), json!({})).await.0, StatusCode::OK);
    assert_eq!(app.api_send(&volunteer, Method::POST, &path("claim"), json!({})).await.0, StatusCode::OK);
    (w, jumin, staff, volunteer)
}

#[tokio::test]
async fn a_photo_loses_its_exif_and_gps_and_only_the_people_involved_see_it() {
    let app = spawn_app().await;
    let (w, jumin, staff, volunteer) = claimed_wish(&app, "修好窗帘杆").await;
    let original = phone_jpeg();
    assert!(has(&original, b"Exif") && has(&original, b"GPSLatitude"));
    let (status, photo) = upload(&app, &volunteer, &w, original, "IMG_0001.jpg").await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    assert_eq!((photo["width"].as_i64(), photo["height"].as_i64()), (Some(640), Some(480)));

    for (token, who) in [(&volunteer, "the claimant"), (&jumin, "the wisher"), (&staff, "staff")] {
        for url in [photo["url"].as_str().unwrap(), photo["thumb_url"].as_str().unwrap()] {
            let response = app.client.get(app.url(url)).bearer_auth(token).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{who} sees {url}");
            assert_eq!(response.headers()["content-type"], "image/jpeg");
            assert!(response.headers()["cache-control"].to_str().unwrap().starts_with("private"));
            let bytes = response.bytes().await.unwrap();
            assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
            assert!(!has(&bytes, b"Exif") && !has(&bytes, b"GPS"), "no EXIF, no GPS in {url}");
        }
    }
    // Another helper, another community's staff, and nobody signed in do not.
    let url = photo["url"].as_str().unwrap();
    for token in [app.api_token("zhiyuanzhe2").await, app.api_token("shegong2").await] {
        let response = app.client.get(app.url(url)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let anonymous = crate::helpers::new_client().get(app.url(url)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "nobody signed in is sent to sign in");
    assert_eq!(anonymous.headers()["location"], format!("/login?next={}", crate::helpers::urlencode(url)).as_str());
    // The story says so, the list has it, the wall does not show photos.
    let (_, story) = app.api_get(&jumin, &format!("/api/v1/wishes/{}/updates", w["id"])).await;
    assert!(story.as_array().unwrap().iter().any(|u| u["kind"] == "photo" && u["text"] == "修好了"));
    let (_, list) = app.api_get(&jumin, &format!("/api/v1/wishes/{}/photos", w["id"])).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let community = w["community_id"].as_i64().unwrap();
    let wall = app.get(&format!("/wall/{community}")).await.text().await.unwrap();
    assert!(!wall.contains("/photos/"));
    assert!(!app.audit_actions("wish.photo").await.is_empty());

    // With a photo on file, fulfilling needs no staff check.
    let (status, done) = app
        .api_send(
            &volunteer,
            Method::POST,
            &format!("/api/v1/wishes/{}/fulfil", w["id"]),
            json!({"note": "好了", "minutes": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["needs_check"], false);
}

#[tokio::test]
async fn anything_but_a_photo_is_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let (w, _, _, volunteer) = claimed_wish(&app, "帮忙修自行车").await;
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
    let mut huge = vec![0xFF, 0xD8, 0xFF, 0xE0];
    huge.resize(10 * 1024 * 1024 + 10, 0);
    let cases: [(Vec<u8>, &str, &str); 4] = [
        (gif, "a.gif", "photo_not_supported"),
        (b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".to_vec(), "a.jpg", "photo_not_supported"),
        (phone_jpeg()[..300].to_vec(), "cut.jpg", "photo_unreadable"),
        (huge, "big.jpg", "photo_too_large"),
    ];
    for (bytes, name, code) in cases {
        let (status, body) = upload(&app, &volunteer, &w, bytes, name).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(code)), "{name}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let (_, list) = app.api_get(&volunteer, &format!("/api/v1/wishes/{}/photos", w["id"])).await;
    assert!(list.as_array().unwrap().is_empty(), "nothing kept");
}

#[tokio::test]
async fn the_claimant_fulfils_on_the_page_with_a_photo() {
    let app = spawn_app().await;
    let (w, _, _, _) = claimed_wish(&app, "帮忙挂窗帘").await;
    app.login_as("zhiyuanzhe").await;
    let (_, page) = app.page(&format!("/wishes/{}", w["id"])).await;
    assert!(page.contains("enctype=\"multipart/form-data\""), "the fulfil form takes a photo");
    let csrf = app.csrf.lock().unwrap().clone();
    // A refused photo comes back with the message, and the form is still there.
    let form = Form::new()
        .text("note", "挂好了")
        .text("minutes", "20")
        .part("photo", Part::bytes(b"not a photo".to_vec()).file_name("x.jpg"));
    let url = app.url(&format!("/wishes/{}/fulfil?_csrf={csrf}", w["id"]));
    let response = app.client.post(&url).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("只能上传 JPEG、PNG 或 WebP 格式的照片"), "{body}");
    let form = Form::new()
        .text("note", "挂好了")
        .text("minutes", "20")
        .part("photo", Part::bytes(phone_jpeg()).file_name("IMG_2.jpg"));
    let response = app.client.post(&url).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&format!("/wishes/{}", w["id"])).await;
    assert!(page.contains("id=\"photos\"") && page.contains("/thumb\""), "the photo shows on the wish");
    let staff = app.api_token("shegong").await;
    let (_, now) = app.api_get(&staff, &format!("/api/v1/wishes/{}", w["id"])).await;
    assert_eq!((now["status"].as_str(), now["needs_check"].as_bool()), (Some("fulfilled"), Some(false)));
    // Without a multipart body's CSRF token, nothing happens.
    let form = Form::new().text("note", "x");
    let response =
        app.client.post(app.url(&format!("/wishes/{}/photos", w["id"]))).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

//! Tests of the parent module: the media settings and their refusals.

use super::*;

fn s3(bucket: &str, endpoint: &str) -> Settings {
    Settings {
        media_s3_bucket: bucket.into(),
        media_s3_endpoint: endpoint.into(),
        media_s3_access_key_id: "id".into(),
        media_s3_secret_access_key: "secret".into(),
        ..Settings::default()
    }
}

fn refusal(settings: Settings) -> String {
    settings.check_media().expect_err("refused")
}

#[test]
fn photos_go_beside_the_database_by_default() {
    let settings = Settings { database_url: "sqlite://data/weizhili.db".into(), ..Settings::default() };
    assert_eq!(settings.check_media(), Ok(()));
    assert_eq!(settings.media_settings(), MediaSettings::Folder(PathBuf::from("data/weizhili-media")));
    let settings = Settings { media_dir: "/srv/photos".into(), ..settings };
    assert_eq!(settings.media_settings(), MediaSettings::Folder(PathBuf::from("/srv/photos")));
}

#[test]
fn a_bucket_with_its_endpoint_and_keys_is_s3() {
    let settings = s3("weizhili", "https://oss.example.cn/");
    assert_eq!(settings.check_media(), Ok(()));
    assert_eq!(
        settings.media_settings(),
        MediaSettings::S3 {
            bucket: "weizhili".into(),
            endpoint: "https://oss.example.cn".into(),
            region: "us-east-1".into(),
            access_key_id: "id".into(),
            secret_access_key: "secret".into(),
            allow_http: false,
            virtual_hosted_style: false,
        }
    );
    let intranet = Settings { media_s3_allow_http: true, ..s3("weizhili", "http://minio:9000") };
    assert_eq!(intranet.check_media(), Ok(()));
}

#[test]
fn bad_combinations_name_the_key_to_change() {
    assert!(refusal(s3("weizhili", "")).contains("media_s3_endpoint"));
    assert!(refusal(s3("", "https://oss.example.cn")).contains("media_s3_bucket"));
    assert!(
        refusal(Settings { media_s3_secret_access_key: String::new(), ..s3("b", "https://x") })
            .contains("media_s3_secret_access_key")
    );
    assert!(
        refusal(Settings { media_s3_access_key_id: " ".into(), ..s3("b", "https://x") })
            .contains("media_s3_access_key_id")
    );
    assert!(refusal(Settings { media_dir: "photos".into(), ..s3("b", "https://x") }).contains("media_dir"));
    assert!(refusal(s3("b", "http://minio:9000")).contains("media_s3_allow_http"));
    assert!(refusal(s3("b", "minio:9000")).contains("https://"));
    let stray_key = Settings { media_s3_access_key_id: "id".into(), ..Settings::default() };
    assert!(refusal(stray_key).contains("media_s3_access_key_id"));
}

#[test]
fn load_refuses_a_bucket_without_an_endpoint() {
    let dir = std::env::temp_dir().join(format!("wzl-config-media-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("weizhili.toml");
    std::fs::write(&file, "media_s3_bucket = \"weizhili\"\n").expect("write the file");
    let err = Settings::load(Some(&file), None).expect_err("refused");
    assert!(err.contains("media_s3_endpoint"), "{err}");
    std::fs::write(&file, "media_dir = \"/srv/photos\"\n").expect("write the file");
    let settings = Settings::load(Some(&file), None).expect("accepted");
    assert_eq!(settings.media_settings(), MediaSettings::Folder(PathBuf::from("/srv/photos")));
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn notification_mode_and_offer_hours_are_checked() {
    let dir = std::env::temp_dir().join(format!("wzl-config-notify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("weizhili.toml");
    std::fs::write(&file, "staff_notifications = \"hourly\"\n").expect("write the file");
    let err = Settings::load(Some(&file), None).expect_err("refused");
    assert!(err.contains("staff_notifications"), "{err}");
    std::fs::write(&file, "help_pair_offer_hours = -1\n").expect("write the file");
    let err = Settings::load(Some(&file), None).expect_err("refused");
    assert!(err.contains("help_pair_offer_hours"), "{err}");
    std::fs::write(&file, "staff_notifications = \"each\"\nhelp_pair_offer_hours = 24\n").expect("write the file");
    let web = Settings::load(Some(&file), None).expect("accepted").web_config();
    assert_eq!(web.staff_notifications, weizhili_core::notify::StaffMode::Each);
    assert_eq!(web.help_pair_offer_hours, 24);
    std::fs::remove_dir_all(&dir).expect("clean up");
}

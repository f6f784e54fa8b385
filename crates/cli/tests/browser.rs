//! What a person sees in a real browser: the real `weizhili demo` binary on a fresh database, headless Chromium
//! through chromedriver, the 居民 list filtered to one building, and the 长辈模式 large text.
//!
//! Needs `/usr/bin/chromium`, `/usr/bin/chromedriver` and CJK fonts (Debian: `chromium chromium-driver
//! fonts-noto-cjk`), so it is ignored by default; `.ci/run` runs it with `--ignored`. Screenshots go to
//! `target/browser/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A child process killed (and reaped) when the test ends, however it ends.
struct Killed {
    what: &'static str,
    child: Child,
}

impl Killed {
    fn spawn(what: &'static str, command: &mut Command) -> Killed {
        let child = command.spawn().unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        Killed { what, child }
    }

    /// Panics if the process has already exited (it should be serving).
    fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("{} exited early with {status}", self.what);
        }
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A directory of its own under the system temp dir, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> TempDir {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("{prefix}_{}_{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The status code of a plain `GET path` on 127.0.0.1:port, if anything answers.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let addr = format!("127.0.0.1:{port}").parse().ok()?;
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").ok()?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).ok()?;
    let line = std::str::from_utf8(&head[..n]).ok()?;
    // "HTTP/1.1 200 OK"
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Polls until `GET path` answers 200, for at most `limit`.
fn wait_for_200(process: &mut Killed, port: u16, path: &str, limit: Duration) {
    let start = Instant::now();
    loop {
        process.assert_running();
        if http_status(port, path) == Some(200) {
            return;
        }
        assert!(start.elapsed() < limit, "{} did not answer 200 on {path} within {limit:?}", process.what);
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Polls the browser until `check` holds, for at most 10 s.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `138****5678`: three digits, four stars, four digits.
fn is_masked_mobile(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.len() == 11
        && chars[..3].iter().all(char::is_ascii_digit)
        && chars[3..7].iter().all(|c| *c == '*')
        && chars[7..].iter().all(char::is_ascii_digit)
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn body_class(driver: &WebDriver) -> WebDriverResult<String> {
    Ok(driver.find(By::Css("body")).await?.attr("class").await?.unwrap_or_default())
}

async fn body_font_px(driver: &WebDriver) -> WebDriverResult<f64> {
    let size: String = driver.execute("return getComputedStyle(document.body).fontSize;", vec![]).await?.convert()?;
    Ok(size.trim_end_matches("px").parse().unwrap_or(0.0))
}

/// Everything a browser test runs against: the real `weizhili demo` on a fresh database, chromedriver, and a
/// headless Chromium with a profile of its own. Dropping it stops the processes and removes the folders.
struct Browser {
    driver: WebDriver,
    base: String,
    _chromedriver: Killed,
    _app: Killed,
    _profile: TempDir,
    _data: TempDir,
}

async fn launch() -> Browser {
    weizhili_store::media::install_tls_provider();
    // 1. The real binary, seeding a fresh demo database.
    let data = TempDir::new("wzl_browser_db");
    let app_port = free_port();
    let mut app = Killed::spawn(
        "weizhili demo",
        Command::new(env!("CARGO_BIN_EXE_weizhili"))
            .args(["demo", "--fresh", "--addr"])
            .arg(format!("127.0.0.1:{app_port}"))
            .arg("--database-url")
            .arg(format!("sqlite://{}", data.0.join("demo.db").display()))
            .current_dir(&data.0)
            .stdin(Stdio::null()),
    );
    wait_for_200(&mut app, app_port, "/healthz", Duration::from_secs(120));
    let base = format!("http://127.0.0.1:{app_port}");

    // 2. chromedriver.
    let driver_port = free_port();
    let mut chromedriver = Killed::spawn(
        "chromedriver",
        Command::new(CHROMEDRIVER).arg(format!("--port={driver_port}")).stdin(Stdio::null()).stdout(Stdio::null()),
    );
    wait_for_200(&mut chromedriver, driver_port, "/status", Duration::from_secs(30));

    // 3. Headless Chromium with a profile of its own.
    let profile = TempDir::new("wzl_browser_profile");
    let mut caps = DesiredCapabilities::chrome();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1280,1600",
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.0.display())).unwrap();
    // A social worker's browser in China asks for Chinese (headless Chromium would otherwise send en-US and get
    // the English pages).
    caps.add_arg("--lang=zh-CN").unwrap();
    caps.add_experimental_option("prefs", std::collections::HashMap::from([("intl.accept_languages", "zh-CN,zh")]))
        .unwrap();
    caps.set_binary(CHROMIUM).unwrap();
    let driver = WebDriver::new(format!("http://127.0.0.1:{driver_port}"), caps).await.expect("a chromedriver session");

    Browser { driver, base, _chromedriver: chromedriver, _app: app, _profile: profile, _data: data }
}

/// Signs in through the login form.
async fn sign_in(driver: &WebDriver, base: &str, login: &str) -> WebDriverResult<()> {
    driver.delete_all_cookies().await?;
    driver.goto(format!("{base}/login")).await?;
    driver.find(By::Id("login")).await?.send_keys(login).await?;
    driver.find(By::Id("password")).await?.send_keys("demo1234").await?;
    driver.find(By::Css("main form button[type=submit]")).await?.click().await?;
    eventually("signed in, off the login page", || async {
        driver.current_url().await.is_ok_and(|u| !u.path().starts_with("/login"))
    })
    .await;
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; .ci/run runs it"]
async fn staff_filter_residents_by_building_in_a_real_browser() {
    let Browser { driver, base, _chromedriver, _app, _profile, _data } = launch().await;
    let shots = screenshot_dir();
    driver
        .run_and_quit(|driver| async move {
            // 4. Sign in as a social worker, through the form.
            sign_in(&driver, &base, "shegong").await?;

            // The resident list, filtered to 3栋 with the form.
            driver.goto(format!("{base}/residents")).await?;
            let select = SelectElement::new(&driver.find(By::Css("select#building")).await?).await?;
            select.select_by_exact_text("3栋").await?;
            driver.find(By::Id("apply-filters")).await?.click().await?;
            eventually("the filter is applied", || async {
                driver.current_url().await.is_ok_and(|u| u.query().unwrap_or("").contains("building="))
            })
            .await;
            let url = driver.current_url().await?;
            assert!(url.path() == "/residents", "{url}");
            assert!(url.query_pairs().any(|(k, v)| k == "building" && !v.is_empty()), "{url}");

            let count = driver.find(By::Id("result-count")).await?.text().await?;
            let n: u64 = count
                .trim()
                .strip_prefix("共")
                .and_then(|rest| rest.strip_suffix("人"))
                .map(str::trim)
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("the count reads “共 N 人”: {count:?}"));
            assert!(n > 0, "3栋 has residents: {count}");

            let places = driver.find_all(By::Css("table#residents td.building")).await?;
            assert!(!places.is_empty(), "rows are shown");
            assert!(places.len() as u64 <= n);
            for place in &places {
                let text = place.text().await?;
                assert!(text.trim().starts_with("3栋"), "a row of another building: {text:?}");
            }
            let mut phones_seen = 0;
            for cell in driver.find_all(By::Css("table#residents td.phone")).await? {
                let text = cell.text().await?;
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                phones_seen += 1;
                assert!(is_masked_mobile(text), "an unmasked or odd phone in the list: {text:?}");
            }
            assert!(phones_seen > 0, "some residents of 3栋 have phones, masked");

            let lang = driver.find(By::Css("html")).await?.attr("lang").await?;
            assert_eq!(lang.as_deref(), Some("zh-CN"));
            let visible = driver.find(By::Css("body")).await?.text().await?;
            assert!(visible.contains("居民") && has_chinese(&visible), "{visible}");
            assert!(!body_class(&driver).await?.contains("large"));
            let normal_px = body_font_px(&driver).await?;
            driver.screenshot(&shots.join("residents-3.png")).await?;

            // 5. 长辈模式: large text, remembered on the next page.
            driver.find(By::XPath("//header//button[normalize-space(.)='长辈模式（大字）']")).await?.click().await?;
            eventually("large text is on", || async {
                body_class(&driver).await.is_ok_and(|c| c.split_whitespace().any(|c| c == "large"))
            })
            .await;
            let large_px = body_font_px(&driver).await?;
            assert!(large_px >= 22.0, "large text is at least 22px, was {large_px}px");
            assert!(large_px > normal_px, "{large_px}px > {normal_px}px");
            let button = driver.find(By::Css("header form[action='/prefs/large'] button")).await?;
            assert_eq!(button.text().await?.trim(), "标准字号", "the button now turns it off");
            driver.screenshot(&shots.join("residents-large.png")).await?;

            driver.goto(format!("{base}/households")).await?;
            let class = body_class(&driver).await?;
            assert!(class.split_whitespace().any(|c| c == "large"), "remembered: {class:?}");
            assert!(body_font_px(&driver).await? >= 22.0);
            Ok::<(), WebDriverError>(())
        })
        .await
        .expect("the browser session");
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; .ci/run runs it"]
async fn a_wish_goes_from_a_resident_to_the_wall_in_a_real_browser() {
    let Browser { driver, base, _chromedriver, _app, _profile, _data } = launch().await;
    let shots = screenshot_dir();
    driver
        .run_and_quit(|driver| async move {
            // jumin makes a wish.
            sign_in(&driver, &base, "jumin").await?;
            driver.goto(format!("{base}/wishes/new")).await?;
            driver.find(By::Id("title")).await?.send_keys("帮我换个楼道灯泡").await?;
            driver.find(By::Id("description")).await?.send_keys("二楼的灯坏了").await?;
            driver.find(By::Css("input[name=category][value=repair]")).await?.click().await?;
            driver.find(By::Id("submit-wish")).await?.click().await?;
            eventually("on the wish's page", || async {
                driver
                    .current_url()
                    .await
                    .is_ok_and(|u| u.path().starts_with("/wishes/") && !u.path().ends_with("/new"))
            })
            .await;
            let wish_url = driver.current_url().await?;
            assert_eq!(driver.find(By::Id("wish-status")).await?.text().await?.trim(), "待审核");

            // shegong publishes it.
            sign_in(&driver, &base, "shegong").await?;
            driver.goto(wish_url.as_str()).await?;
            driver.find(By::Id("do-publish")).await?.click().await?;
            eventually("published", || async {
                match driver.find(By::Id("wish-status")).await {
                    Ok(e) => e.text().await.is_ok_and(|t| t.trim() == "待认领"),
                    Err(_) => false,
                }
            })
            .await;

            // zhiyuanzhe claims it.
            sign_in(&driver, &base, "zhiyuanzhe").await?;
            driver.goto(wish_url.as_str()).await?;
            driver.find(By::Id("do-claim")).await?.click().await?;
            eventually("claimed", || async {
                match driver.find(By::Id("wish-status")).await {
                    Ok(e) => e.text().await.is_ok_and(|t| t.trim() == "已认领"),
                    Err(_) => false,
                }
            })
            .await;

            // The wall shows it claimed, without the wisher's name.
            driver.delete_all_cookies().await?;
            driver.goto(format!("{base}/wall/1")).await?;
            let cards = driver.find_all(By::Css("#wall li")).await?;
            let mut found = false;
            for card in cards {
                let text = card.text().await?;
                if text.contains("帮我换个楼道灯泡") {
                    found = true;
                    assert!(text.contains("已认领"), "{text}");
                    assert!(text.contains("1栋"), "the building, not the room: {text}");
                }
            }
            assert!(found, "the wish is on the wall");
            driver.screenshot(&shots.join("wall.png")).await?;

            // zhiyuanzhe fulfils it with a photo from the phone's gallery; the photo shows on the wish.
            let picture = image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([(x / 4) as u8, (y / 3) as u8, 120]));
            let photo = shots.join("light.jpg");
            image::DynamicImage::ImageRgb8(picture).save(&photo).expect("write a photo");
            let photo = photo.canonicalize().expect("the photo's full path");
            sign_in(&driver, &base, "zhiyuanzhe").await?;
            driver.goto(wish_url.as_str()).await?;
            driver.find(By::Id("fulfil-note")).await?.send_keys("换好了，试过亮了").await?;
            driver.find(By::Id("minutes")).await?.send_keys("30").await?;
            driver.find(By::Id("fulfil-photo")).await?.send_keys(photo.to_string_lossy().as_ref()).await?;
            driver.find(By::Id("do-fulfil")).await?.click().await?;
            eventually("fulfilled", || async {
                match driver.find(By::Id("wish-status")).await {
                    Ok(e) => e.text().await.is_ok_and(|t| t.trim() == "已实现"),
                    Err(_) => false,
                }
            })
            .await;
            let thumb = driver.find(By::Css("#photos img")).await?;
            let width = thumb.prop("naturalWidth").await?.unwrap_or_default();
            assert_eq!(width, "400", "the thumbnail loads, 400 px wide");
            driver.screenshot(&shots.join("fulfilled.png")).await?;
            Ok::<(), WebDriverError>(())
        })
        .await
        .expect("the browser session");
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; .ci/run runs it"]
async fn a_grandparent_signs_a_child_up_for_the_430_class_and_staff_check_them_in_in_a_real_browser() {
    let Browser { driver, base, _chromedriver, _app, _profile, _data } = launch().await;
    let shots = screenshot_dir();
    driver
        .run_and_quit(|driver| async move {
            // jumin finds the "430" class on the calendar and signs the grandchild up.
            sign_in(&driver, &base, "jumin").await?;
            driver.goto(format!("{base}/events")).await?;
            let link = driver.find(By::XPath("//ul[@class='events']//a[contains(., '430')]")).await?;
            link.click().await?;
            eventually("on the session's page", || async {
                driver.current_url().await.is_ok_and(|u| u.path().starts_with("/events/"))
            })
            .await;
            let event_url = driver.current_url().await?;
            let event_path = event_url.path().to_owned();
            let child = driver.find(By::Css("#signup label.choice")).await?.text().await?.trim().to_owned();
            assert!(has_chinese(&child), "a grandchild is offered: {child}");
            driver.find(By::Id("signup-button")).await?.click().await?;
            eventually("signed up", || async {
                match driver.find(By::Id("event-done")).await {
                    Ok(e) => e.text().await.is_ok_and(|t| t.contains("报名成功")),
                    Err(_) => false,
                }
            })
            .await;
            let mine = driver.find(By::Id("my-signups")).await?.text().await?;
            assert!(mine.contains(&child) && mine.contains("已报名"), "{mine}");
            driver.screenshot(&shots.join("event-signed-up.png")).await?;

            // shegong checks the child in from the list on a phone-sized page.
            sign_in(&driver, &base, "shegong").await?;
            driver.goto(format!("{base}{event_path}/check-in")).await?;
            let row = driver.find(By::XPath(format!("//ul[@id='checkin-list']/li[h2='{child}']"))).await?;
            row.find(By::Css("button[type=submit]")).await?.click().await?;
            eventually("checked in", || async {
                match driver.find(By::Id("checkin-done")).await {
                    Ok(e) => e.text().await.is_ok_and(|t| t.contains("签到成功")),
                    Err(_) => false,
                }
            })
            .await;

            // The sign-in sheet shows the child checked in, with blank rows for walk-ins.
            driver.goto(format!("{base}{event_path}/sign-in-sheet")).await?;
            let rows = driver.find_all(By::Css("#sheet-table tbody tr")).await?;
            let mut checked = false;
            for r in &rows {
                let text = r.text().await?;
                if text.contains(&child) {
                    checked = text.contains('✓');
                }
            }
            assert!(checked, "the sheet shows {child} checked in");
            assert!(!driver.find_all(By::Css("#sheet-table tr.blank")).await?.is_empty(), "blank rows");
            driver.screenshot(&shots.join("sign-in-sheet.png")).await?;
            Ok::<(), WebDriverError>(())
        })
        .await
        .expect("the browser session");
}

//! Tests of the parent module: real images made here, a real folder, and a real S3-compatible server when
//! `WEIZHILI_TEST_S3_URL` names one.

use std::io::Cursor;
use std::time::{Duration, Instant};

use chrono::TimeZone;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use object_store::ObjectStoreExt;

use super::*;

fn encode(picture: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, format).expect("encode a test image");
    out.into_inner()
}

/// A picture with some texture, so that JPEG has real entropy-coded data to cut.
fn noisy(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| Rgb([(x * 7 + y * 3) as u8, (x ^ y) as u8, (x * y) as u8]))
}

/// Left half red, right half blue: which way the picture was turned is visible in the result.
fn red_left_blue_right(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| if x < width / 2 { Rgb([255, 0, 0]) } else { Rgb([0, 0, 255]) })
}

/// An EXIF block as a phone writes it: TIFF header, IFD0 with the orientation and a pointer to a GPS IFD that
/// holds latitude 39°54'27.42" N (Beijing).
fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II\x2a\x00\x08\x00\x00\x00");
    // IFD0 at 8: two entries, then no next IFD; ends at 8 + 2 + 24 + 4 = 38.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
    tiff.extend_from_slice(&u32::from(orientation).to_le_bytes());
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0]);
    tiff.extend_from_slice(&38u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD at 38: latitude ref and latitude; its rationals at 68.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0x02, 0x00, 5, 0, 3, 0, 0, 0]);
    tiff.extend_from_slice(&68u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for (num, den) in [(39u32, 1u32), (54, 1), (2742, 100)] {
        tiff.extend_from_slice(&num.to_le_bytes());
        tiff.extend_from_slice(&den.to_le_bytes());
    }
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    segment
}

/// A camera JPEG: our encoding with the EXIF block spliced in right after the start-of-image marker.
fn phone_jpeg(picture: RgbImage, orientation: u16) -> Vec<u8> {
    let plain = encode(DynamicImage::ImageRgb8(picture), ImageFormat::Jpeg);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&exif_app1(orientation));
    out.extend_from_slice(&plain[2..]);
    out
}

/// The markers of a JPEG's header segments, up to the first scan.
fn header_markers(jpeg: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA {
        markers.push(jpeg[at + 1]);
        at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
    }
    markers
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn decode(jpeg: &[u8]) -> RgbImage {
    image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).expect("our output decodes").to_rgb8()
}

fn refused(bytes: &[u8]) -> MediaError {
    match process(bytes) {
        Ok(p) => panic!("accepted {} bytes as a {}×{} photo", bytes.len(), p.width, p.height),
        Err(e) => e,
    }
}

fn near(actual: Rgb<u8>, expected: [u8; 3]) -> bool {
    actual.0.iter().zip(expected).all(|(a, e)| a.abs_diff(e) <= 24)
}

#[test]
fn phone_jpeg_loses_exif_and_gps() {
    let input = phone_jpeg(noisy(60, 40), 1);
    assert!(contains(&input, b"Exif\0\0") && contains(&input, &2742u32.to_le_bytes()), "the test input has GPS");
    let out = process(&input).expect("a phone JPEG is accepted");
    assert!(!contains(&out.photo, b"Exif"), "no EXIF in the photo");
    assert!(!contains(&out.thumbnail, b"Exif"), "no EXIF in the thumbnail");
    assert!(!contains(&out.photo, &2742u32.to_le_bytes()), "the GPS seconds are gone");
    // Only the JFIF header, tables and frame: no APP1–APP15 (EXIF, XMP, ICC, maker notes), no comment.
    let markers = header_markers(&out.photo);
    assert!(markers.iter().all(|m| !(0xE1..=0xEF).contains(m) && *m != 0xFE), "markers {markers:02X?}");
    assert_eq!((out.width, out.height), (60, 40));
    assert_eq!(decode(&out.photo).dimensions(), (60, 40));
    assert_eq!(out.content_type, "image/jpeg");
}

#[test]
fn orientation_6_turns_the_photo_upright() {
    let out = process(&phone_jpeg(red_left_blue_right(60, 40), 6)).expect("accepted");
    assert_eq!((out.width, out.height), (40, 60), "width and height swap");
    let photo = decode(&out.photo);
    assert_eq!(photo.dimensions(), (40, 60));
    // Orientation 6 means "turn 90° clockwise to view": the left (red) half becomes the top.
    assert!(near(*photo.get_pixel(20, 5), [255, 0, 0]), "top is red: {:?}", photo.get_pixel(20, 5));
    assert!(near(*photo.get_pixel(20, 55), [0, 0, 255]), "bottom is blue: {:?}", photo.get_pixel(20, 55));
    assert_eq!((out.thumb_width, out.thumb_height), (40, 60), "small photos are not scaled up");
}

#[test]
fn png_transparency_becomes_white() {
    let picture = RgbaImage::from_fn(30, 20, |x, _| if x < 15 { Rgba([0, 0, 0, 0]) } else { Rgba([255, 0, 0, 128]) });
    let out = process(&encode(DynamicImage::ImageRgba8(picture), ImageFormat::Png)).expect("PNG accepted");
    let photo = decode(&out.photo);
    assert_eq!(photo.dimensions(), (30, 20));
    assert!(near(*photo.get_pixel(3, 10), [255, 255, 255]), "transparent is white: {:?}", photo.get_pixel(3, 10));
    assert!(near(*photo.get_pixel(26, 10), [255, 127, 127]), "half red is pink: {:?}", photo.get_pixel(26, 10));
}

#[test]
fn webp_is_accepted() {
    let input = encode(DynamicImage::ImageRgb8(red_left_blue_right(64, 48)), ImageFormat::WebP);
    assert!(input.starts_with(b"RIFF"));
    let out = process(&input).expect("WebP accepted");
    assert_eq!((out.width, out.height), (64, 48));
    assert!(near(*decode(&out.photo).get_pixel(5, 5), [255, 0, 0]));
}

#[test]
fn large_photo_is_scaled_down_with_a_small_thumbnail() {
    let input = encode(DynamicImage::ImageRgb8(noisy(5000, 3000)), ImageFormat::Jpeg);
    let out = process(&input).expect("accepted");
    assert_eq!((out.width, out.height), (2048, 1229));
    assert_eq!(decode(&out.photo).dimensions(), (2048, 1229));
    assert!(out.thumb_width.max(out.thumb_height) <= THUMB_LONG_SIDE);
    assert_eq!(decode(&out.thumbnail).dimensions(), (out.thumb_width, out.thumb_height));
    assert_eq!((out.thumb_width, out.thumb_height), (400, 240));
    assert!(out.thumbnail.len() < out.photo.len());
}

#[test]
fn other_formats_are_refused_by_name() {
    let gif = encode(DynamicImage::ImageRgb8(noisy(8, 8)), ImageFormat::Png); // the bytes after the magic do not matter
    let mut gif_bytes = b"GIF89a".to_vec();
    gif_bytes.extend_from_slice(&gif[8..]);
    let cases: [(&[u8], Option<&str>); 6] = [
        (&gif_bytes, Some("GIF")),
        (
            b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            Some("SVG"),
        ),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", Some("PDF")),
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", Some("HEIC")),
        ("我的照片.jpg".as_bytes(), None),
        (b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0", Some("BMP")),
    ];
    for (bytes, named) in cases {
        let err = refused(bytes);
        assert_eq!(err.code(), "photo_not_supported", "{err}");
        assert!(matches!(err, MediaError::NotSupported(n) if n == named), "{err:?} for {named:?}");
        assert!(err.to_string().contains("JPEG、PNG 或 WebP"));
        assert!(err.is_client_error());
    }
    assert!(refused(&gif_bytes).to_string().contains("GIF"), "the message says what the file is");
}

#[test]
fn empty_and_random_bytes_are_refused() {
    assert_eq!(refused(b"").code(), "photo_empty");
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    assert_eq!(refused(&random[..]).code(), "photo_not_supported");
    // Random bytes behind a real magic number: recognised as the format, refused as unreadable.
    for magic in [&b"\xFF\xD8\xFF\xE0"[..], b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x10\x00\x00WEBPVP8 "] {
        let bytes = [magic, &random[..]].concat();
        assert_eq!(refused(&bytes).code(), "photo_unreadable", "{magic:02X?}");
    }
}

#[test]
fn truncated_jpeg_is_refused_and_trailing_data_is_not() {
    let whole = encode(DynamicImage::ImageRgb8(noisy(300, 200)), ImageFormat::Jpeg);
    assert!(process(&whole).is_ok());
    for cut in [whole.len() / 2, whole.len() - 2, 400] {
        assert_eq!(refused(&whole[..cut]).code(), "photo_unreadable", "cut at {cut} of {}", whole.len());
    }
    // An EXIF block holding a complete thumbnail JPEG (its own end marker) does not make a cut file look whole.
    let mut thumb_in_exif = exif_app1(1);
    let small = encode(DynamicImage::ImageRgb8(noisy(16, 16)), ImageFormat::Jpeg);
    thumb_in_exif.extend_from_slice(&small);
    let new_len = (thumb_in_exif.len() - 2) as u16;
    thumb_in_exif[2..4].copy_from_slice(&new_len.to_be_bytes());
    let cut = [&whole[..2], &thumb_in_exif[..], &whole[2..whole.len() / 2]].concat();
    assert_eq!(refused(&cut).code(), "photo_unreadable");
    let uncut = [&whole[..2], &thumb_in_exif[..], &whole[2..]].concat();
    assert!(process(&uncut).is_ok(), "the same file uncut is fine");
    // Phones append data after the end marker (Samsung trailers, multi-picture files).
    let trailer = [&whole[..], b"SEFHtrailer data"].concat();
    assert!(process(&trailer).is_ok());
}

#[test]
fn more_than_10_mb_is_refused() {
    let mut big = vec![0u8; MAX_PHOTO_BYTES + 1];
    big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    let err = refused(&big);
    assert_eq!(err.code(), "photo_too_large");
    assert!(err.to_string().contains("10 MB"), "{err}");
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&[&kind[..], data].concat()).to_be_bytes());
    chunk
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// A PNG of a few dozen bytes whose header claims `width` × `height` RGBA pixels; its data holds one opaque
/// green pixel (a zlib stream with one stored block), so `png_claiming(1, 1)` is a real picture.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let row = [0u8, 0, 200, 0, 255]; // filter type 0, then R G B A
    let mut idat = vec![0x78, 0x01, 0x01, 5, 0, !5, 0xFF];
    idat.extend_from_slice(&row);
    idat.extend_from_slice(&adler32(&row).to_be_bytes());
    [&b"\x89PNG\r\n\x1a\n"[..], &png_chunk(b"IHDR", &ihdr), &png_chunk(b"IDAT", &idat), &png_chunk(b"IEND", &[])]
        .concat()
}

#[test]
fn decompression_bombs_are_refused_before_allocating() {
    // Built the same way, a 1×1 picture decodes: the refusals below are about the claimed size alone.
    let one = process(&png_claiming(1, 1)).expect("a 1×1 PNG");
    assert!(near(*decode(&one.photo).get_pixel(0, 0), [0, 200, 0]));
    for (width, height) in [(100_000, 100_000), (16_000, 16_000), (20_000, 10)] {
        let input = png_claiming(width, height);
        assert!(input.len() < 100);
        let started = Instant::now();
        let err = refused(&input);
        assert_eq!(err.code(), "photo_too_many_pixels", "{width}×{height}: {err:?}");
        assert!(started.elapsed() < Duration::from_secs(1), "{width}×{height} took {:?}", started.elapsed());
    }
}

#[test]
fn a_jpeg_claiming_a_huge_picture_is_refused() {
    let mut jpeg = encode(DynamicImage::ImageRgb8(noisy(16, 16)), ImageFormat::Jpeg);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).expect("a baseline frame header");
    // FF C0, length (2), precision (1), then height and width (2 each).
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]); // 60000 × 60000
    let started = Instant::now();
    assert_eq!(refused(&jpeg).code(), "photo_too_many_pixels");
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
}

#[test]
fn error_codes_are_stable_and_messages_chinese() {
    let all = [
        MediaError::Empty,
        MediaError::TooLarge(MAX_PHOTO_BYTES + 1),
        MediaError::NotSupported(None),
        MediaError::Unreadable,
        MediaError::TooManyPixels,
        MediaError::BadKey("..".into()),
        MediaError::Config("x".into()),
    ];
    let codes: Vec<_> = all.iter().map(MediaError::code).collect();
    assert_eq!(
        codes,
        [
            "photo_empty",
            "photo_too_large",
            "photo_not_supported",
            "photo_unreadable",
            "photo_too_many_pixels",
            "media_bad_key",
            "media_config"
        ]
    );
    for e in &all {
        assert!(e.to_string().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e}");
    }
}

#[test]
fn keys_are_ours_and_checked() {
    let now = chrono::Utc.with_ymd_and_hms(2026, 11, 3, 8, 0, 0).single().expect("a valid time");
    let key = new_key("wish", now);
    assert!(key.starts_with("wish/2026/11/") && key.ends_with(".jpg"), "{key}");
    assert_eq!(key.len(), "wish/2026/11/".len() + 32 + ".jpg".len());
    assert_ne!(key, new_key("wish", now));
    assert!(check_key(&key).is_ok());
    let thumb = thumb_key(&key);
    assert!(thumb.ends_with("-thumb.jpg") && thumb.starts_with(key.trim_end_matches(".jpg")));
    assert!(check_key(&thumb).is_ok());
    for bad in [
        "",
        "../etc/passwd",
        "wish/../../x.jpg",
        "/wish/a.jpg",
        "wish//a.jpg",
        "wish/.hidden",
        "Wish/A.JPG",
        "wish/a b.jpg",
        "wish\\a.jpg",
        "照片.jpg",
        "wish/",
    ] {
        let err = check_key(bad).expect_err(bad);
        assert_eq!(err.code(), "media_bad_key", "{bad}");
    }
}

#[test]
fn default_folder_is_beside_the_database() {
    use std::path::PathBuf;
    assert_eq!(default_folder("sqlite://path/to/weizhili.db"), PathBuf::from("path/to/weizhili-media"));
    assert_eq!(
        default_folder("sqlite:///var/lib/weizhili/data.db?mode=rwc"),
        PathBuf::from("/var/lib/weizhili/data-media")
    );
    assert_eq!(default_folder("sqlite://weizhili.db"), PathBuf::from("weizhili-media"));
    assert_eq!(default_folder("sqlite:demo.db"), PathBuf::from("demo-media"));
    assert_eq!(default_folder("community.sqlite"), PathBuf::from("community-media"));
    assert_eq!(default_folder("postgres://u@db/weizhili"), PathBuf::from("weizhili-media"));
    assert_eq!(default_folder("postgresql://u@db/weizhili"), PathBuf::from("weizhili-media"));
    assert_eq!(default_folder("sqlite::memory:"), PathBuf::from("weizhili-media"));
}

#[test]
fn settings_debug_hides_the_secret() {
    let settings = MediaSettings::S3 {
        bucket: "b".into(),
        endpoint: "http://127.0.0.1:9000".into(),
        region: "us-east-1".into(),
        access_key_id: "id".into(),
        secret_access_key: "hunter2-secret".into(),
        allow_http: true,
        virtual_hosted_style: false,
    };
    let shown = format!("{settings:?}");
    assert!(!shown.contains("hunter2") && shown.contains("***") && shown.contains("127.0.0.1:9000"), "{shown}");
}

/// Puts, gets, replaces and deletes through `storage`, as the web layer will.
async fn round_trip(storage: &Storage) {
    let now = chrono::Utc::now();
    let out = process(&phone_jpeg(noisy(60, 40), 1)).expect("accepted");
    let key = new_key("wish", now);
    let thumb = thumb_key(&key);
    assert_eq!(storage.get(&key).await.expect("get a missing key"), None);
    storage.put(&key, out.photo.clone(), out.content_type).await.expect("put the photo");
    storage.put(&thumb, out.thumbnail.clone(), out.content_type).await.expect("put the thumbnail");
    assert_eq!(storage.get(&key).await.expect("get").as_deref(), Some(&out.photo[..]));
    assert_eq!(storage.get(&thumb).await.expect("get").as_deref(), Some(&out.thumbnail[..]));
    storage.put(&key, b"replaced".to_vec(), "image/jpeg").await.expect("put again");
    assert_eq!(storage.get(&key).await.expect("get").as_deref(), Some(&b"replaced"[..]));
    storage.delete(&key).await.expect("delete");
    assert_eq!(storage.get(&key).await.expect("get after delete"), None);
    storage.delete(&key).await.expect("deleting twice is fine");
    storage.delete(&thumb).await.expect("delete the thumbnail");
    let err = storage.get("wish/../../etc/passwd").await.expect_err("no way out");
    assert_eq!(err.code(), "media_bad_key");
    let err = storage.put("../x.jpg", b"x".to_vec(), "image/jpeg").await.expect_err("no way out");
    assert_eq!(err.code(), "media_bad_key");
}

#[tokio::test]
async fn folder_storage_round_trip() {
    let dir =
        std::env::temp_dir().join(format!("weizhili-media-test-{}-{}", std::process::id(), rand::random::<u64>()));
    let storage = Storage::open(&MediaSettings::Folder(dir.join("weizhili-media"))).expect("open the folder");
    round_trip(&storage).await;
    // The files are where the key says, inside the folder.
    let key = new_key("event", chrono::Utc::now());
    storage.put(&key, b"bytes".to_vec(), "image/jpeg").await.expect("put");
    let on_disk = std::fs::read(dir.join("weizhili-media").join(&key)).expect("the file is in the folder");
    assert_eq!(on_disk, b"bytes");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[tokio::test]
async fn unreachable_s3_is_a_server_error_not_a_hang() {
    let storage = Storage::open(&MediaSettings::S3 {
        bucket: "weizhili".into(),
        endpoint: "http://127.0.0.1:9".into(),
        region: "us-east-1".into(),
        access_key_id: "id".into(),
        secret_access_key: "secret".into(),
        allow_http: true,
        virtual_hosted_style: false,
    })
    .expect("opening does not connect");
    let started = Instant::now();
    let err = storage.get("wish/2026/11/abc.jpg").await.expect_err("nothing listens on port 9");
    assert_eq!(err.code(), "media_storage");
    assert!(!err.is_client_error());
    assert!(started.elapsed() < Duration::from_secs(30), "gave up after {:?}", started.elapsed());
}

/// Against a real S3-compatible server when `WEIZHILI_TEST_S3_URL` is set (CI starts moto's server). The bucket
/// (`WEIZHILI_TEST_S3_BUCKET`, default `weizhili-test`) is created with an unsigned request, which moto accepts;
/// on a server that refuses it, create the bucket beforehand.
#[tokio::test]
async fn s3_storage_round_trip() {
    let Some(endpoint) = std::env::var("WEIZHILI_TEST_S3_URL").ok().filter(|s| !s.is_empty()) else {
        println!("WEIZHILI_TEST_S3_URL is not set: S3 storage not tested");
        return;
    };
    let endpoint = endpoint.trim_end_matches('/').to_owned();
    let env = |name: &str, default: &str| std::env::var(name).ok().filter(|s| !s.is_empty()).unwrap_or(default.into());
    let bucket = env("WEIZHILI_TEST_S3_BUCKET", "weizhili-test");
    let settings = |allow_http: bool| MediaSettings::S3 {
        bucket: bucket.clone(),
        endpoint: endpoint.clone(),
        region: env("WEIZHILI_TEST_S3_REGION", "us-east-1"),
        access_key_id: env("WEIZHILI_TEST_S3_ACCESS_KEY_ID", "weizhili"),
        secret_access_key: env("WEIZHILI_TEST_S3_SECRET_ACCESS_KEY", "weizhili-secret"),
        allow_http,
        virtual_hosted_style: false,
    };
    let storage = Storage::open(&settings(endpoint.starts_with("http://"))).expect("open S3 storage");
    let created = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await.map(|r| r.status());
    println!("create bucket {bucket}: {created:?}");
    round_trip(&storage).await;

    // The content type is kept with the object, for a server or CDN that serves the bucket directly.
    let key = new_key("wish", chrono::Utc::now());
    storage.put(&key, b"bytes".to_vec(), "image/jpeg").await.expect("put");
    let found = storage.store.get(&check_key(&key).expect("our key")).await.expect("get through object_store");
    let content_type = found.attributes.get(&object_store::Attribute::ContentType).map(|v| v.as_ref().to_owned());
    assert_eq!(content_type.as_deref(), Some("image/jpeg"));
    storage.delete(&key).await.expect("delete");

    // The same server without `allow_http`: a plain-HTTP endpoint is refused, not quietly used.
    if endpoint.starts_with("http://") {
        let strict = Storage::open(&settings(false)).expect("opening does not connect");
        let err = strict.get("wish/2026/11/abc.jpg").await.expect_err("plain HTTP needs allow_http");
        assert_eq!(err.code(), "media_storage");
    }
}

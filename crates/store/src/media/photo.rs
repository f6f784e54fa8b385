//! Accepting and re-encoding a photo: pure and synchronous (run it in `spawn_blocking`).

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};

use super::MediaError;

/// The largest upload accepted: 10 MB (10 × 1024 × 1024 bytes).
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// Neither side of a decoded picture may exceed this many pixels (a 200-megapixel phone photo is 16320 wide).
pub const MAX_SIDE_PIXELS: u32 = 16_384;
/// The most memory one decoded picture may take (a 50-megapixel RGB photo takes 150 MB). With the side limit, a
/// tiny file claiming a huge picture is refused from its header, before anything is allocated.
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;
/// The stored photo's long side, at most.
pub const PHOTO_LONG_SIDE: u32 = 2048;
/// The thumbnail's long side, at most.
pub const THUMB_LONG_SIDE: u32 = 400;
/// What [`process`] always produces.
pub const PHOTO_CONTENT_TYPE: &str = "image/jpeg";

const PHOTO_QUALITY: u8 = 85;
const THUMB_QUALITY: u8 = 80;

/// A photo ready to store: our own JPEG encodings, with no metadata segment of any kind.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The photo, upright, at most [`PHOTO_LONG_SIDE`] on its long side.
    pub photo: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The thumbnail, at most [`THUMB_LONG_SIDE`] on its long side.
    pub thumbnail: Vec<u8>,
    pub thumb_width: u32,
    pub thumb_height: u32,
    /// Always [`PHOTO_CONTENT_TYPE`], for both.
    pub content_type: &'static str,
}

/// Checks an upload and re-encodes it: JPEG, PNG or WebP in (recognised by its bytes), upright JPEG out, with a
/// thumbnail. See the module documentation for what is guaranteed.
pub fn process(bytes: &[u8]) -> Result<Processed, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(MediaError::TooLarge(bytes.len()));
    }
    let format = sniff(bytes)?;
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(MediaError::Unreadable);
    }

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(MediaError::TooManyPixels);
    }
    // A damaged EXIF block is no reason to refuse the picture: it is dropped anyway.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let picture = DynamicImage::from_decoder(decoder).map_err(refusal)?;

    // Shrink first, then turn: rotating the small picture is cheaper, and the long side is the same either way.
    let mut picture = fit(picture, PHOTO_LONG_SIDE);
    picture.apply_orientation(orientation);
    let rgb = flatten_onto_white(picture);
    let thumb = fit(DynamicImage::ImageRgb8(rgb.clone()), THUMB_LONG_SIDE).to_rgb8();

    Ok(Processed {
        photo: encode_jpeg(&rgb, PHOTO_QUALITY)?,
        width: rgb.width(),
        height: rgb.height(),
        thumbnail: encode_jpeg(&thumb, THUMB_QUALITY)?,
        thumb_width: thumb.width(),
        thumb_height: thumb.height(),
        content_type: PHOTO_CONTENT_TYPE,
    })
}

/// The format from the first bytes; anything but JPEG, PNG and WebP is refused, named where we know it.
fn sniff(bytes: &[u8]) -> Result<ImageFormat, MediaError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageFormat::Png);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(ImageFormat::WebP);
    }
    Err(MediaError::NotSupported(what_it_is(bytes)))
}

/// A name for the formats people do send instead (iPhone photos are HEIC), for a message that helps.
fn what_it_is(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some("GIF");
    }
    if bytes.starts_with(b"%PDF") {
        return Some("PDF");
    }
    if bytes.starts_with(b"BM") {
        return Some("BMP");
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Some("TIFF");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => Some("HEIC"),
            b"avif" | b"avis" => Some("AVIF"),
            _ => Some("视频"),
        };
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_lowercase();
    if head.trim_start_matches('\u{feff}').trim_start().starts_with('<') && head.contains("<svg") {
        return Some("SVG");
    }
    None
}

/// Whether a JPEG runs to its end-of-image marker. The JPEG decoder is lenient: a file cut off in transfer
/// decodes to a picture whose lower part is grey. So the marker segments are walked (an EXIF block can hold a
/// whole thumbnail JPEG, end marker included, and is skipped by its length) through the scans to `FF D9`.
/// Phones may append data after it (Samsung trailers, multi-picture files): that is allowed.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut at = 2;
    let mut in_scan = false;
    while at + 1 < bytes.len() {
        if bytes[at] != 0xFF {
            if !in_scan {
                return false;
            }
            at += 1;
            continue;
        }
        match bytes[at + 1] {
            0xD9 => return true,
            // Stuffed zero, restart markers and fill bytes belong to the scan or the gap between segments.
            0x00 | 0xD0..=0xD7 | 0xFF => at += if bytes[at + 1] == 0xFF { 1 } else { 2 },
            marker => {
                let Some(len) = bytes.get(at + 2..at + 4).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]]))) else {
                    return false;
                };
                at += 2 + len;
                in_scan = marker == 0xDA;
            }
        }
    }
    false
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PIXELS);
    limits.max_image_height = Some(MAX_SIDE_PIXELS);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

fn refusal(err: ImageError) -> MediaError {
    match err {
        ImageError::Limits(_) => MediaError::TooManyPixels,
        _ => MediaError::Unreadable,
    }
}

/// The picture scaled down to fit `long_side` × `long_side` (aspect kept); left alone if it already fits.
fn fit(picture: DynamicImage, long_side: u32) -> DynamicImage {
    if picture.width() <= long_side && picture.height() <= long_side {
        picture
    } else {
        // `thumbnail` averages every source pixel into the result (a box filter): as good as Lanczos for large
        // reductions and many times faster.
        picture.thumbnail(long_side, long_side)
    }
}

/// RGB, with any transparency composed onto white (a JPEG has no alpha; black, the naive result, hides logos).
fn flatten_onto_white(picture: DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.into_rgb8();
    }
    let rgba = picture.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a)) + 127) / 255) as u8;
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// Our JPEG: a JFIF header and the picture, nothing else (the encoder writes EXIF or ICC only when asked to).
fn encode_jpeg(rgb: &RgbImage, quality: u8) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::with_capacity(rgb.as_raw().len() / 8);
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(rgb).map_err(|_| MediaError::Unreadable)?;
    Ok(out)
}

//! Photos: what is accepted, how it is cleaned, and where it is kept.
//!
//! Guarantees, for every photo that reaches storage:
//! - it was a JPEG, PNG or WebP file of at most [`MAX_PHOTO_BYTES`], recognised by its first bytes (never by a
//!   file name or a client's content type), and it decoded in full within the pixel and memory limits
//!   ([`MAX_SIDE_PIXELS`], [`MAX_DECODED_BYTES`]), so a small file that claims a huge picture is refused before
//!   anything is allocated for it;
//! - what is stored is our own re-encoding as JPEG ([`process`]): turned upright by its EXIF orientation, at most
//!   [`PHOTO_LONG_SIDE`] pixels on its long side, transparency flattened onto white. The encoder writes no EXIF,
//!   XMP or ICC segment, so the camera, the time taken and the GPS position a phone records do not survive
//!   (PIPL art. 28: a location trail is sensitive personal information, and the wall is public). A thumbnail of
//!   at most [`THUMB_LONG_SIDE`] pixels comes with it;
//! - keys are made here ([`new_key`]), never from user input, and every key is checked again before use.
//!
//! [`process`] is synchronous and CPU-bound: callers run it in `spawn_blocking`. [`Storage`] keeps the bytes in a
//! folder beside the database by default ([`default_folder`]) or in S3-compatible object storage
//! ([`MediaSettings::S3`]). This module knows nothing of wishes, permissions or HTTP: which row a key belongs to
//! and who may see it are the callers' business.

mod photo;
mod storage;

pub use photo::{
    MAX_DECODED_BYTES, MAX_PHOTO_BYTES, MAX_SIDE_PIXELS, PHOTO_CONTENT_TYPE, PHOTO_LONG_SIDE, Processed,
    THUMB_LONG_SIDE, process,
};
pub use storage::{MediaSettings, Storage, check_key, default_folder, install_tls_provider, new_key, thumb_key};

/// Why a photo was refused or could not be kept. [`MediaError::code`] is the stable key the web layer localises
/// by; the `Display` text is a plain Chinese fallback. The photo variants are the uploader's to fix (a 4xx);
/// [`MediaError::Storage`] and [`MediaError::Config`] are the server's (a 500, details logged).
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// No bytes at all.
    #[error("没有收到照片，请重新选择")]
    Empty,
    /// More than [`MAX_PHOTO_BYTES`]; carries the size received.
    #[error("照片太大了（{:.1} MB），最大 10 MB；请换一张，或压缩后再传", *.0 as f64 / 1_048_576.0)]
    TooLarge(usize),
    /// Not JPEG, PNG or WebP; carries what the bytes look like, where we recognise it (“GIF”, “HEIC”, “PDF”…).
    #[error("只能上传 JPEG、PNG 或 WebP 格式的照片{}", .0.map(|k| format!("（这个文件是 {k}）")).unwrap_or_default())]
    NotSupported(Option<&'static str>),
    /// Starts like a JPEG, PNG or WebP but does not decode: truncated or damaged.
    #[error("照片打不开，文件可能不完整或已损坏；请重新拍一张或重新选择")]
    Unreadable,
    /// Wider or taller than [`MAX_SIDE_PIXELS`], or needing more than [`MAX_DECODED_BYTES`] to decode.
    #[error("照片的像素太多了，请先缩小尺寸再传")]
    TooManyPixels,
    /// A key that is not one [`new_key`] makes (empty, absolute, with `..`, or odd characters).
    #[error("照片的存储名称不对（{0}）")]
    BadKey(String),
    /// The storage settings cannot work (e.g. an S3 endpoint that is not a URL).
    #[error("照片存储的设置有误：{0}")]
    Config(String),
    /// The folder or the object store failed: a server problem.
    #[error("照片存储出错了，请稍后再试")]
    Storage(#[source] object_store::Error),
}

impl MediaError {
    /// Stable snake_case code, the key of the localised message.
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::Empty => "photo_empty",
            MediaError::TooLarge(_) => "photo_too_large",
            MediaError::NotSupported(_) => "photo_not_supported",
            MediaError::Unreadable => "photo_unreadable",
            MediaError::TooManyPixels => "photo_too_many_pixels",
            MediaError::BadKey(_) => "media_bad_key",
            MediaError::Config(_) => "media_config",
            MediaError::Storage(_) => "media_storage",
        }
    }

    /// Whether the uploader can fix it (a 4xx) rather than the server having failed (a 500).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, MediaError::Storage(_) | MediaError::Config(_) | MediaError::BadKey(_))
    }
}

#[cfg(test)]
mod tests;

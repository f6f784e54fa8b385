//! QR codes for links that leave the screen (the big screen, the wish-box poster): the address people reach the
//! site at, and the code as inline SVG (no image request, no script; the CSP allows inline `<svg>` markup).

use axum::http::{HeaderMap, header};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::WebConfig;

/// The site's address without a trailing slash: `public_url` when set, otherwise what the request's Host header
/// says (scheme `https` when cookies are marked secure). A Host with anything but host-name characters is
/// ignored: it ends up in a printed poster.
pub fn public_base(config: &WebConfig, headers: &HeaderMap) -> String {
    if let Some(url) = config.public_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
        .unwrap_or("localhost");
    let scheme = if config.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// `url` as an SVG QR code that scales to its box (medium error correction: survives a scuffed print). Black on
/// white whatever the page's colours: phone cameras read dark-on-light best.
pub fn svg(url: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        // Only a text far longer than any address fails; show nothing rather than break the page.
        return String::new();
    };
    let image = code.render::<svg::Color>().module_dimensions(1, 1).quiet_zone(true).build();
    // Inline in HTML: no XML declaration, and the size comes from CSS (the viewBox keeps the proportions).
    let image = image.split_once("?>").map_or(image.as_str(), |(_, rest)| rest).to_owned();
    match image.split_once(" width=\"") {
        Some((head, rest)) => {
            let rest = rest.split_once(" viewBox=").map_or(rest, |(_, tail)| tail);
            format!("{head} class=\"qr\" aria-hidden=\"true\" focusable=\"false\" viewBox={rest}")
        }
        None => image,
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn the_address_comes_from_the_setting_or_the_host() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "wzl.example.org:8080".parse().unwrap());
        let config = WebConfig::default();
        assert_eq!(public_base(&config, &headers), "http://wzl.example.org:8080");
        let config = WebConfig { public_url: Some("https://a.example/".into()), ..WebConfig::default() };
        assert_eq!(public_base(&config, &headers), "https://a.example");
        let mut evil = HeaderMap::new();
        evil.insert(header::HOST, "x\"><script>".parse().unwrap());
        assert_eq!(public_base(&WebConfig::default(), &evil), "http://localhost");
    }

    #[test]
    fn the_code_is_inline_svg_sized_by_css() {
        let code = svg("https://wzl.example.org/wishes/new");
        assert!(code.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{code}");
        assert!(code.contains("class=\"qr\"") && code.contains("viewBox=\"0 0 ") && !code.contains("<?xml"));
        let open = &code[..code.find('>').unwrap()];
        assert!(!open.contains(" width=\"") && !open.contains(" height=\""), "{open}");
        assert!(code.ends_with("</svg>"));
    }
}

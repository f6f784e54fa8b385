//! Canonical keys of building, unit and room labels, so that "01栋", "1号楼" and "一栋" find the same building
//! whatever spelling a roster uses.

use crate::grid::normalize_text;

/// Canonical key of a building label: "1", "1栋", "1号楼", "1幢", "１栋", "01栋", "一栋" → "1"; "A座" → "A".
pub fn building_key(label: &str) -> String {
    canonical_key(label, &["号楼", "栋", "幢", "座", "楼", "号"], true)
}

/// Canonical key of a unit label: "2", "2单元", "二单元", "02" → "2".
pub fn unit_key(label: &str) -> String {
    canonical_key(label, &["单元", "号"], true)
}

/// Canonical key of a room label: "301", "301室", "301号", "0301" → "301".
pub fn room_key(label: &str) -> String {
    canonical_key(label, &["室", "号", "房"], false)
}

fn canonical_key(label: &str, suffixes: &[&str], chinese_numerals: bool) -> String {
    let squeezed: String =
        normalize_text(label).chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let stem = suffixes
        .iter()
        .find_map(|suffix| squeezed.strip_suffix(suffix))
        .filter(|stem| !stem.is_empty())
        .unwrap_or(&squeezed);
    if chinese_numerals && let Some(number) = chinese_number(stem) {
        return number.to_string();
    }
    // Leading zeros ("01栋", "0301") go; a lone "0" and labels like "0A" stay as they are.
    let trimmed = stem.trim_start_matches('0');
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        trimmed.to_owned()
    } else if trimmed.is_empty() && !stem.is_empty() {
        "0".to_owned()
    } else {
        stem.to_owned()
    }
}

/// 一 … 九十九 as written on rosters ("二单元", "十一栋"); `None` for anything else.
pub(super) fn chinese_number(text: &str) -> Option<u32> {
    let digit =
        |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32).or((c == '两').then_some(2));
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d).filter(|&n| n > 0),
        ['十', ones] => Some(10 + digit(*ones).filter(|&n| n > 0)?),
        [tens, '十'] => Some(10 * digit(*tens).filter(|&n| n > 1)?),
        [tens, '十', ones] => Some(10 * digit(*tens).filter(|&n| n > 1)? + digit(*ones).filter(|&n| n > 0)?),
        _ => None,
    }
}

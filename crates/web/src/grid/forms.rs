//! Parsing what people type into the grid's forms (and the API's JSON) into checked values. A bad field comes
//! back as (field, error code) so the form can be shown again with everything the person typed.

use serde::Deserialize;
use utoipa::ToSchema;
use weizhili_core::grid::{BirthYear, Gender, PersonName, Phone, Tag, normalize_text};
use weizhili_store::grid::ResidentFields;

/// The fields of a resident as they arrive from a form or JSON.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ResidentInput {
    pub name: String,
    #[serde(default)]
    pub gender: Option<String>,
    /// A year (1948) or a date (1948-03-02); stored as the year only.
    #[serde(default)]
    pub birth_year: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub relation: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub skills: Option<String>,
    #[serde(default)]
    pub hobbies: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The legal basis the data is held on: `consent`, `public_duty` (居委会依法履职) or `contract`.
    #[serde(default)]
    pub consent_basis: Option<String>,
}

pub const CONSENT_BASES: [&str; 3] = ["consent", "public_duty", "contract"];

impl ResidentInput {
    /// From urlencoded pairs, where checkboxes repeat the `tags` key.
    pub fn from_pairs(pairs: &[(String, String)]) -> ResidentInput {
        let one =
            |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).filter(|v| !v.trim().is_empty());
        ResidentInput {
            name: one("name").unwrap_or_default(),
            gender: one("gender"),
            birth_year: one("birth_year"),
            phone: one("phone"),
            relation: one("relation"),
            tags: pairs.iter().filter(|(k, _)| k == "tags").map(|(_, v)| v.clone()).collect(),
            skills: one("skills"),
            hobbies: one("hobbies"),
            note: one("note"),
            consent_basis: one("consent_basis"),
        }
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }

    pub fn value(&self, field: &str) -> String {
        match field {
            "name" => Some(self.name.clone()),
            "gender" => self.gender.clone(),
            "birth_year" => self.birth_year.clone(),
            "phone" => self.phone.clone(),
            "relation" => self.relation.clone(),
            "skills" => self.skills.clone(),
            "hobbies" => self.hobbies.clone(),
            "note" => self.note.clone(),
            "consent_basis" => self.consent_basis.clone(),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// Checks every field; all problems at once, as (field, error code).
    pub fn parse(&self, this_year: i32) -> Result<ResidentFields, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let name = PersonName::parse(&self.name).map_err(|_| problems.push(("name", "bad_name"))).ok();
        let gender = match self.gender.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(g) => Gender::parse(g).map_err(|_| problems.push(("gender", "bad_gender"))).ok(),
        };
        let birth_year = match self.birth_year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(y) => BirthYear::parse(y, this_year).map_err(|_| problems.push(("birth_year", "bad_birth_year"))).ok(),
        };
        let phone = match self.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(p) => Phone::parse(p).map_err(|_| problems.push(("phone", "bad_phone"))).ok(),
        };
        let mut tags = Vec::new();
        for t in &self.tags {
            match Tag::parse(t) {
                Ok(tag) => tags.push(tag),
                Err(_) => problems.push(("tags", "bad_tag")),
            }
        }
        let short =
            |v: &Option<String>, max: usize, field: &'static str, problems: &mut Vec<(&'static str, &'static str)>| {
                let v = v.as_deref().map(normalize_text).filter(|s| !s.is_empty());
                if v.as_ref().is_some_and(|s| s.chars().count() > max) {
                    problems.push((field, "too_long"));
                }
                v
            };
        let relation = short(&self.relation, 20, "relation", &mut problems);
        let skills = short(&self.skills, 200, "skills", &mut problems).unwrap_or_default();
        let hobbies = short(&self.hobbies, 200, "hobbies", &mut problems).unwrap_or_default();
        let note = self.note.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        if note.as_ref().is_some_and(|n| n.chars().count() > 1000) {
            problems.push(("note", "too_long"));
        }
        let consent_basis = self.consent_basis.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        if consent_basis.as_deref().is_some_and(|c| !CONSENT_BASES.contains(&c)) {
            problems.push(("consent_basis", "bad_consent_basis"));
        }
        match (name, problems.is_empty()) {
            (Some(name), true) => Ok(ResidentFields {
                name: name.as_str().to_owned(),
                gender: gender.map(|g| g.as_str().to_owned()),
                birth_year: birth_year.map(|b| b.get()),
                phone: phone.map(|p| p.as_str().to_owned()),
                relation,
                skills,
                hobbies,
                note,
                tags,
                consent_basis,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_at_once() {
        let input = ResidentInput {
            name: "  ".into(),
            phone: Some("12345".into()),
            birth_year: Some("1850".into()),
            tags: vec!["aged".into(), "vip".into()],
            ..Default::default()
        };
        let problems = input.parse(2026).expect_err("bad input");
        let fields: Vec<&str> = problems.iter().map(|p| p.0).collect();
        assert_eq!(fields, ["name", "birth_year", "phone", "tags"]);
    }

    #[test]
    fn good_input_is_normalised() {
        let input = ResidentInput {
            name: "王 秀兰".into(),
            phone: Some("１３８ ００１３ ８０００".into()),
            birth_year: Some("1948-03-02".into()),
            gender: Some("女".into()),
            tags: vec!["aged".into()],
            ..Default::default()
        };
        let fields = input.parse(2026).expect("valid");
        assert_eq!(fields.phone.as_deref(), Some("13800138000"));
        assert_eq!(fields.birth_year, Some(1948));
        assert_eq!(fields.gender.as_deref(), Some("female"));
    }
}

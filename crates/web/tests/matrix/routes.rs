//! The routes the router declares, read from the web crate's source.

use std::collections::BTreeSet;

use reqwest::Method;

/// `(METHOD, path)` for every `.route(…)` call in the web crate's source.
pub fn declared_routes() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, text) in crate::helpers::crate_files(&["src"]) {
        if path.extension().is_some_and(|e| e == "rs") {
            for needle in [".nest(", ".nest_service(", ".route_service(", ".fallback("] {
                assert!(!text.contains(needle), "{}: the matrix reads `.route(` calls only", path.display());
            }
            routes_in(&text, &mut out);
        }
    }
    out
}

fn routes_in(text: &str, out: &mut BTreeSet<(String, String)>) {
    let mut rest = text;
    while let Some(at) = rest.find(".route(") {
        let call = &rest[at + ".route(".len()..];
        let args = &call[..closing_paren(call)];
        let path = args.split('"').nth(1).expect("a route's path is a string literal").to_owned();
        for method in ["get", "post", "put", "patch", "delete"] {
            let call = format!("{method}(");
            let calls = args.match_indices(&call).filter(|(i, _)| {
                let before = args[..*i].chars().next_back();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            for _ in calls {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
        rest = &call[closing_paren(call)..];
    }
}

/// Where the parenthesis opened just before `s` closes (string literals skipped).
fn closing_paren(s: &str) -> usize {
    let (mut depth, mut in_str, mut escaped) = (1, false, false);
    for (i, c) in s.char_indices() {
        match (in_str, c) {
            (true, '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (true, '"') if !escaped => in_str = false,
            (false, '"') => in_str = true,
            (false, '(') => depth += 1,
            (false, ')') => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        escaped = false;
    }
    panic!("unbalanced parentheses in a .route call");
}

/// The declared route a concrete path is served by: static segments win over parameters, as in the router.
pub fn route_of<'a>(declared: &'a BTreeSet<(String, String)>, method: &Method, path: &str) -> Option<&'a String> {
    let path = path.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    declared
        .iter()
        .filter(|(m, _)| m == method.as_str())
        .filter_map(|(_, template)| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut fixed = 0;
            for (p, s) in parts.iter().zip(&segments) {
                if p.starts_with('{') {
                    continue;
                }
                if p != s {
                    return None;
                }
                fixed += 1;
            }
            Some((fixed, template))
        })
        .max_by_key(|(fixed, _)| *fixed)
        .map(|(_, t)| t)
}

#[test]
fn the_route_reader_finds_every_kind_of_route_declaration() {
    let declared = declared_routes();
    assert!(declared.len() > 150, "{} routes found", declared.len());
    for (method, path) in [
        ("GET", "/healthz"),
        ("POST", "/login"),
        ("PUT", "/api/v1/buildings/{id}"),
        ("GET", "/static/screen.js"),
        ("POST", "/events"),
        ("PUT", "/api/v1/events/{id}/summary"),
    ] {
        assert!(declared.contains(&(method.to_owned(), path.to_owned())), "{method} {path} not found");
    }
    let mut one = BTreeSet::new();
    routes_in(
        r#"Router::new().route("/a/{id}", get(|| x("b(", C)).post(y)).route("/c", axum::routing::put(z))"#,
        &mut one,
    );
    let one: Vec<_> = one.into_iter().collect();
    assert_eq!(one, [("GET".into(), "/a/{id}".into()), ("POST".into(), "/a/{id}".into()), ("PUT".into(), "/c".into())]);
    assert_eq!(route_of(&declared, &Method::GET, "/wishes/export.xlsx").unwrap(), "/wishes/export.xlsx");
    assert_eq!(route_of(&declared, &Method::GET, "/wishes/12?x=1").unwrap(), "/wishes/{id}");
}

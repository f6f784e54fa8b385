//! Tests of the parent module.

use super::*;

const YEAR: i32 = 2025;

fn stats(c: &DemoCommunity) -> (usize, usize, f64) {
    let hh = c.households().count();
    let people: Vec<_> = c.residents().collect();
    let elders = people.iter().filter(|p| p.age(YEAR) >= 60).count();
    (hh, people.len(), elders as f64 / people.len() as f64)
}

#[test]
fn xingfuli_counts_and_layout() {
    let c = generate(&XINGFULI, YEAR);
    let (hh, people, elder_share) = stats(&c);
    assert!((550..=650).contains(&hh), "households {hh}");
    assert!((1350..=1650).contains(&people), "residents {people}");
    assert!((0.15..=0.21).contains(&elder_share), "60+ {elder_share}");
    assert_eq!(c.courtyards.len(), 3);
    let first = &c.courtyards[0].buildings;
    assert!(first.iter().any(|b| b.name == "1栋") && first.iter().any(|b| b.name == "2栋"));
    let all: Vec<_> = c.courtyards.iter().flat_map(|c| &c.buildings).collect();
    assert_eq!(all.len(), 12);
    assert!(all.iter().any(|b| b.name == "5栋" && !b.households.is_empty()));
    for b in all {
        assert!((6..=18).contains(&b.floors) && (2..=3).contains(&b.units));
    }
}

#[test]
fn heping_counts() {
    let c = generate(&HEPING, YEAR);
    let (hh, _, _) = stats(&c);
    assert!((30..=50).contains(&hh), "households {hh}");
    assert_eq!(c.courtyards.len(), 1);
    assert_eq!(c.courtyards[0].buildings.len(), 2);
}

#[test]
fn phones_unique_valid_and_children_have_none() {
    for spec in [XINGFULI, HEPING] {
        let c = generate(&spec, YEAR);
        let mut seen = HashSet::new();
        for p in c.residents() {
            if p.age(YEAR) < 14 {
                assert!(p.phone.is_none(), "{} has a phone", p.name);
            }
            if let Some(ph) = &p.phone {
                assert_eq!(ph.len(), 11);
                assert!(ph.starts_with('1') && ph.bytes().all(|b| b.is_ascii_digit()));
                assert!(PHONE_PREFIXES.contains(&&ph[..3]));
                assert!(seen.insert(ph.clone()), "duplicate {ph}");
            }
        }
    }
}

#[test]
fn deterministic() {
    assert_eq!(generate(&XINGFULI, YEAR), generate(&XINGFULI, YEAR));
    assert_eq!(generate(&HEPING, YEAR), generate(&HEPING, YEAR));
    assert_ne!(generate(&XINGFULI, YEAR), generate(&HEPING, YEAR));
}

#[test]
fn households_well_formed() {
    let c = generate(&XINGFULI, YEAR);
    let mut rooms = HashSet::new();
    for b in c.courtyards.iter().flat_map(|c| &c.buildings) {
        for h in &b.households {
            assert!(rooms.insert((b.name.clone(), h.unit.clone(), h.room.clone())));
            assert!(!h.residents.is_empty());
            assert!(["occupied", "vacant", "rented"].contains(&h.status));
            let floor: u8 = h.room[..h.room.len() - 2].parse().expect("numeric floor");
            assert!((1..=b.floors).contains(&floor));
            for p in &h.residents {
                if p.tags.contains(&TAG_LIVING_ALONE) {
                    assert_eq!(h.residents.len(), 1);
                    assert!(p.age(YEAR) >= 60);
                }
                if p.tags.contains(&TAG_AGED) {
                    assert!(p.age(YEAR) >= 80);
                }
                assert!(p.name.chars().count() >= 2 && p.name.chars().count() <= 3);
            }
            let head = &h.residents[0];
            assert!(["户主", "租户"].contains(&head.relation));
            for p in &h.residents[1..] {
                let gap = match p.relation {
                    "子女" => head.age(YEAR) - p.age(YEAR),
                    "父母" => p.age(YEAR) - head.age(YEAR),
                    "孙子女" => head.age(YEAR) - p.age(YEAR) - 20,
                    _ => continue,
                };
                assert!((18..=46).contains(&gap), "{} gap {gap}", p.relation);
            }
        }
    }
}

#[test]
fn tag_rates_plausible() {
    let c = generate(&XINGFULI, YEAR);
    let people: Vec<_> = c.residents().collect();
    let adults: Vec<_> = people.iter().filter(|p| p.age(YEAR) >= 18).collect();
    let share = |n: usize, d: usize| n as f64 / d as f64;
    let with = |t: &str| people.iter().filter(|p| p.tags.contains(&t)).count();
    let elders = people.iter().filter(|p| p.age(YEAR) >= 60).count();
    assert!((0.08..=0.25).contains(&share(with(TAG_AGED), elders)));
    assert!((0.01..=0.035).contains(&share(with(TAG_DISABLED), people.len())));
    assert!((0.01..=0.06).contains(&share(with(TAG_LOW_INCOME), people.len())));
    assert!((0.05..=0.11).contains(&share(with(TAG_PARTY_MEMBER), adults.len())));
    assert!(with(TAG_MIGRANT_CHILD) > 0 && with(TAG_EMPTY_NEST) > 0 && with(TAG_LIVING_ALONE) > 0);
    let skilled = adults.iter().filter(|p| !p.skills.is_empty()).count();
    let hobbyists = adults.iter().filter(|p| !p.hobbies.is_empty()).count();
    assert!((0.10..=0.20).contains(&share(skilled, adults.len())));
    assert!((0.32..=0.48).contains(&share(hobbyists, adults.len())));
}

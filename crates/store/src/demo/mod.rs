//! The demo: two communities with realistic people (幸福里社区, about 1,500 residents; 和平社区, small) and the
//! demo accounts, every password `demo1234`. The CLI's `demo` command and the test harness both seed from here,
//! so what a tester sees in the browser is what the tests run against.
//!
//! The account names are a contract other features and checks rely on: admin, shegong, shegong2, loudongzhang,
//! zhiyuanzhe, zhiyuanzhe2, jumin, jumin2.

mod competitions;
pub mod data;
mod event_followup;
pub mod events;
mod wishes;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use weizhili_core::access::{Grant, Role, ScopeKind};
use weizhili_core::grid::Tag;
use weizhili_core::roster::{building_key, room_key, unit_key};

use crate::account::{self, NewUser};
use crate::grid::{self, NewBuilding, NewHousehold, ResidentFields};
use crate::{Result, begin_write};

pub const DEMO_PASSWORD: &str = "demo1234";
pub const XINGFULI: &str = "幸福里社区";
pub const HEPING: &str = "和平社区";

/// One demo account, for the printout.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub login: &'static str,
    pub what: &'static str,
}

pub const ACCOUNTS: [DemoAccount; 8] = [
    DemoAccount { login: "admin", what: "平台管理员 platform admin" },
    DemoAccount { login: "shegong", what: "社工 staff · 幸福里社区" },
    DemoAccount { login: "shegong2", what: "社工 staff · 和平社区" },
    DemoAccount { login: "loudongzhang", what: "楼栋长 building head · 幸福里 1栋、2栋" },
    DemoAccount { login: "zhiyuanzhe", what: "志愿者 volunteer (党员 party member) · 幸福里" },
    DemoAccount { login: "zhiyuanzhe2", what: "志愿者 volunteer · 幸福里" },
    DemoAccount { login: "jumin", what: "居民 resident · 幸福里 1栋" },
    DemoAccount { login: "jumin2", what: "居民 resident · 幸福里 5栋" },
];

#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub communities: usize,
    pub households: usize,
    pub residents: usize,
    pub wishes: usize,
    /// Event sessions.
    pub events: usize,
    /// What the event demo made, for the demos that build on it.
    pub demo_events: events::DemoEvents,
}

/// The day (Beijing time) an instant falls on.
fn china_day(at: DateTime<Utc>) -> chrono::NaiveDate {
    weizhili_core::clock::china_time(at).date_naive()
}

/// Whether the demo is already in this database.
pub async fn is_seeded(db: &DatabaseConnection) -> Result<bool> {
    Ok(grid::community_by_name(db, XINGFULI).await?.is_some())
}

fn grant(role: Role, scope_id: Option<i64>, community_id: Option<i64>) -> Grant {
    Grant { role, scope_kind: role.scope_kind(), scope_id, community_id }
}

/// A person of the demo population as they were stored.
struct Stored {
    id: i64,
    household_id: i64,
    building_id: i64,
    building: String,
    name: String,
    age: i32,
    tags: Vec<&'static str>,
}

/// Fills an empty, migrated database with the demo. `password_hash` is the hash of [`DEMO_PASSWORD`] (hashing
/// is the web layer's business).
pub async fn seed(db: &DatabaseConnection, password_hash: &str, this_year: i32, now: DateTime<Utc>) -> Result<Seeded> {
    let txn = begin_write(db).await?;
    let mut seeded = Seeded::default();
    let user = |login: &str, name: &str, community: Option<i64>, resident: Option<i64>| NewUser {
        login: login.into(),
        password_hash: password_hash.into(),
        display_name: name.into(),
        community_id: community,
        resident_id: resident,
        locale: "zh-CN".into(),
    };
    let admin = account::create_user(&txn, user("admin", "平台管理员", None, None), now).await?;
    account::add_grant(&txn, admin.id, &grant(Role::Admin, None, None)).await?;

    let mut communities = Vec::new();
    for (spec, staff_login, staff_name) in [(&data::XINGFULI, "shegong", "陈晓梅"), (&data::HEPING, "shegong2", "赵磊")]
    {
        let population = data::generate(spec, this_year);
        let community = grid::create_community(&txn, &population.name, now).await?;
        let staff = account::create_user(&txn, user(staff_login, staff_name, Some(community.id), None), now).await?;
        account::add_grant(&txn, staff.id, &grant(Role::Staff, Some(community.id), Some(community.id))).await?;
        let mut stored = Vec::new();
        let mut building_ids = std::collections::HashMap::new();
        for yard in &population.courtyards {
            let courtyard = grid::create_courtyard(&txn, community.id, &yard.name, now).await?;
            for b in &yard.buildings {
                let building = grid::create_building(
                    &txn,
                    NewBuilding {
                        community_id: community.id,
                        courtyard_id: courtyard.id,
                        name: b.name.clone(),
                        key: building_key(&b.name),
                        floors: Some(i32::from(b.floors)),
                        units: Some(i32::from(b.units)),
                    },
                    now,
                )
                .await?;
                building_ids.insert(b.name.clone(), building.id);
                for h in &b.households {
                    let household = grid::create_household(
                        &txn,
                        NewHousehold {
                            community_id: community.id,
                            building_id: building.id,
                            unit: unit_key(&h.unit),
                            room: room_key(&h.room),
                            status: h.status.into(),
                        },
                        now,
                    )
                    .await?;
                    seeded.households += 1;
                    for p in &h.residents {
                        let fields = ResidentFields {
                            name: p.name.clone(),
                            gender: Some(match p.gender {
                                data::DemoGender::Male => "male".into(),
                                data::DemoGender::Female => "female".into(),
                            }),
                            birth_year: Some(p.birth_year),
                            phone: p.phone.clone(),
                            relation: Some(p.relation.into()),
                            skills: p.skills.join("、"),
                            hobbies: p.hobbies.join("、"),
                            note: None,
                            tags: p.tags.iter().filter_map(|t| Tag::parse(t).ok()).collect(),
                            consent_basis: Some("public_duty".into()),
                        };
                        let r = grid::create_resident(&txn, &household, fields, Some(staff.id), now).await?;
                        seeded.residents += 1;
                        stored.push(Stored {
                            id: r.id,
                            household_id: household.id,
                            building_id: building.id,
                            building: b.name.clone(),
                            name: p.name.clone(),
                            age: p.age(this_year),
                            tags: p.tags.clone(),
                        });
                    }
                }
            }
        }
        communities.push((community.id, stored, building_ids));
        seeded.communities += 1;
    }

    // The people behind the demo accounts, all in 幸福里.
    let (cid, people, buildings) = &communities[0];
    let cid = *cid;
    let mut taken: Vec<i64> = Vec::new();
    let mut pick = |building: &str, fits: &dyn Fn(&Stored) -> bool| -> Option<(i64, i64, String)> {
        let found = people.iter().find(|p| p.building == building && !taken.contains(&p.household_id) && fits(p))?;
        taken.push(found.household_id);
        Some((found.id, found.household_id, found.name.clone()))
    };
    let head = pick("1栋", &|p| (45..=68).contains(&p.age));
    let volunteer = pick("2栋", &|p| (30..=65).contains(&p.age) && p.tags.contains(&"party_member"))
        .or_else(|| pick("3栋", &|p| (30..=65).contains(&p.age) && p.tags.contains(&"party_member")));
    let volunteer2 = pick("3栋", &|p| (20..=60).contains(&p.age) && !p.tags.contains(&"party_member"));
    // `jumin` is a grandparent who looks after a grandchild of primary-school age (the "430" class is theirs).
    let school_child =
        |p: &Stored| people.iter().any(|q| q.household_id == p.household_id && (6..=12).contains(&q.age));
    let resident = pick("1栋", &|p| (55..=85).contains(&p.age) && school_child(p));
    let jumin: Vec<i64> = resident.iter().map(|(_, household, _)| *household).collect();
    let resident2 = pick("5栋", &|p| (30..=75).contains(&p.age));
    let b1 = buildings.get("1栋").copied();
    let b2 = buildings.get("2栋").copied();
    for (login, person, role) in [
        ("loudongzhang", head, Role::BuildingHead),
        ("zhiyuanzhe", volunteer, Role::Volunteer),
        ("zhiyuanzhe2", volunteer2, Role::Volunteer),
        ("jumin", resident, Role::Resident),
        ("jumin2", resident2, Role::Resident),
    ] {
        let Some((resident_id, household_id, name)) = person else {
            return Err(crate::StoreError::Invalid(format!("the demo population has nobody for {login}")));
        };
        let u = account::create_user(&txn, user(login, &name, Some(cid), Some(resident_id)), now).await?;
        match role {
            Role::BuildingHead => {
                for b in [b1, b2].into_iter().flatten() {
                    account::add_grant(&txn, u.id, &grant(Role::BuildingHead, Some(b), Some(cid))).await?;
                }
            }
            Role::Volunteer => account::add_grant(&txn, u.id, &grant(Role::Volunteer, Some(cid), Some(cid))).await?,
            _ => {}
        }
        account::add_grant(
            &txn,
            u.id,
            &Grant {
                role: Role::Resident,
                scope_kind: ScopeKind::Household,
                scope_id: Some(household_id),
                community_id: Some(cid),
            },
        )
        .await?;
    }
    let staff = account::user_by_login(&txn, "shegong").await?.ok_or(crate::StoreError::NotFound)?;
    let mut helpers = Vec::new();
    for login in ["zhiyuanzhe", "zhiyuanzhe2", "loudongzhang"] {
        helpers.extend(account::user_by_login(&txn, login).await?.map(|u| u.id));
    }
    // Wishers: older people and families with children, as in a real programme; not the demo accounts'
    // households, so that their lists start empty.
    let wishers: Vec<wishes::Wisher> = people
        .iter()
        .filter(|p| !taken.contains(&p.household_id))
        .filter(|p| p.age >= 65 || p.tags.contains(&"migrant_child") || p.tags.contains(&"living_alone"))
        .map(|p| (p.id, p.household_id, p.building_id))
        .collect();
    seeded.wishes = wishes::seed(&txn, cid, &wishers, staff.id, &helpers, now).await?;
    seeded.demo_events = events::seed(&txn, cid, people, b1, staff.id, &jumin, now).await?;
    seeded.events = seeded.demo_events.sessions;
    event_followup::seed(&txn, cid, &seeded.demo_events, staff.id, now).await?;
    competitions::seed(&txn, cid, people, &taken, staff.id, now).await?;
    txn.commit().await?;
    Ok(seeded)
}

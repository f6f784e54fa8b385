//! Demo population generator: a deterministic (seeded), realistic community of
//! courtyards → buildings → households → residents, returned as plain data.
//! Owns the name, phone, tag, skill and hobby vocabularies and the household
//! composition model; knows nothing about the database (the caller persists it).
//! Household status "vacant" means the owner is registered but lives elsewhere
//! (人户分离), so every household still carries at least one resident.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCommunity {
    pub name: String,
    pub courtyards: Vec<DemoCourtyard>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCourtyard {
    pub name: String,
    pub buildings: Vec<DemoBuilding>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoBuilding {
    /// "1栋", numbered across the whole community.
    pub name: String,
    pub floors: u8,
    pub units: u8,
    pub households: Vec<DemoHousehold>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoHousehold {
    /// "1单元"
    pub unit: String,
    /// "301" = floor 3, door 01.
    pub room: String,
    /// "occupied" | "vacant" | "rented"
    pub status: &'static str,
    pub residents: Vec<DemoResident>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoResident {
    pub name: String,
    pub gender: DemoGender,
    pub birth_year: i32,
    pub phone: Option<String>,
    pub tags: Vec<&'static str>,
    pub skills: Vec<&'static str>,
    pub hobbies: Vec<&'static str>,
    /// 户主, 配偶, 子女, 父母, 孙子女, 租户
    pub relation: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoGender {
    Male,
    Female,
}

#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    pub courtyards: &'static [&'static str],
    /// One entry per courtyard; buildings are numbered across the community.
    pub buildings_per_courtyard: &'static [u8],
    pub target_households: usize,
    pub seed: u64,
}

pub const XINGFULI: Spec = Spec {
    name: "幸福里社区",
    courtyards: &["东苑", "西苑", "南苑"],
    buildings_per_courtyard: &[4, 4, 4],
    target_households: 600,
    seed: 0x5846_4C49_2024,
};

pub const HEPING: Spec = Spec {
    name: "和平社区",
    courtyards: &["和平苑"],
    buildings_per_courtyard: &[2],
    target_households: 40,
    seed: 0x4850_4E47_2024,
};

impl DemoResident {
    /// Age reached in `this_year`.
    pub fn age(&self, this_year: i32) -> i32 {
        this_year - self.birth_year
    }
}

impl DemoCommunity {
    pub fn households(&self) -> impl Iterator<Item = &DemoHousehold> {
        self.courtyards.iter().flat_map(|c| c.buildings.iter()).flat_map(|b| b.households.iter())
    }

    pub fn residents(&self) -> impl Iterator<Item = &DemoResident> {
        self.households().flat_map(|h| h.residents.iter())
    }
}

// ---------------------------------------------------------------- vocabularies

/// Common surnames with rough relative frequency (per mille of population).
#[rustfmt::skip]
const SURNAMES: &[(&str, u32)] = &[
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("赵", 23), ("黄", 22),
    ("周", 21), ("吴", 20), ("徐", 17), ("孙", 15), ("胡", 13), ("朱", 13), ("高", 12), ("林", 12),
    ("何", 12), ("郭", 11), ("马", 11), ("罗", 9), ("梁", 9), ("宋", 8), ("郑", 8), ("谢", 7),
    ("韩", 7), ("唐", 6), ("冯", 6), ("于", 6), ("董", 5), ("萧", 5), ("程", 5), ("曹", 5),
    ("袁", 5), ("邓", 5), ("许", 5), ("傅", 4), ("沈", 4), ("曾", 4), ("彭", 4), ("吕", 4),
    ("苏", 4), ("卢", 4), ("蒋", 4), ("蔡", 4), ("贾", 3), ("丁", 3), ("魏", 3), ("薛", 3),
];

/// Born before 1960.
const OLD_MALE: &[&str] = &[
    "建国", "国华", "建华", "国强", "德明", "长福", "永胜", "福生", "志明", "振华", "解放", "卫东", "国庆", "文华",
    "德胜", "宝山", "金福", "树林", "玉林", "有才", "永福", "春生", "明", "忠",
];
const OLD_FEMALE: &[&str] = &[
    "桂英", "秀兰", "淑珍", "玉兰", "秀英", "凤英", "桂兰", "淑英", "桂芳", "玉珍", "秀珍", "兰英", "凤兰", "素梅",
    "翠花", "玉梅", "淑华", "桂珍", "秀云", "金凤", "玉芬", "美兰", "珍", "英",
];
/// Born 1960–1989.
const MID_MALE: &[&str] = &[
    "伟", "勇", "军", "斌", "磊", "涛", "强", "刚", "志刚", "海涛", "建军", "鹏", "明辉", "俊", "晓东", "立新", "红军",
    "建平", "海波", "志强", "永刚", "文博", "亮", "峰", "杰", "健",
];
const MID_FEMALE: &[&str] = &[
    "丽娟", "红梅", "静", "敏", "丽", "艳", "燕", "霞", "芳", "婷", "晓燕", "海燕", "慧", "丽华", "玉霞", "红", "娜",
    "莉", "秀梅", "春梅", "晓红", "桂香", "雪梅", "丹", "琳", "倩",
];
/// Born 1990 and later.
const YOUNG_MALE: &[&str] = &[
    "浩然", "子轩", "宇轩", "梓睿", "俊熙", "皓轩", "博文", "一鸣", "铭泽", "宇航", "子墨", "天佑", "浩宇", "俊杰",
    "宇", "晨", "嘉豪", "思远", "沐阳", "睿", "文轩", "泽宇", "奕辰", "明哲",
];
const YOUNG_FEMALE: &[&str] = &[
    "子涵", "梓萱", "雨桐", "欣怡", "诗涵", "思琪", "一诺", "可馨", "佳怡", "梦瑶", "雨萱", "若曦", "欣妍", "语桐",
    "雪", "佳", "婉清", "诗雨", "梓涵", "静怡", "安琪", "晓彤", "悦", "心怡",
];

const PHONE_PREFIXES: &[&str] = &[
    "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "183", "186", "187", "188",
    "130", "131", "132", "155", "156", "185", "176", "133", "153", "180", "181", "189", "177", "199", "173", "166",
];

#[rustfmt::skip]
pub const SKILLS: &[&str] = &[
    "修理", "水电维修", "理发", "电脑", "书法", "绘画", "缝纫", "厨艺", "辅导作业", "摄影", "医疗护理", "法律咨询",
];

#[rustfmt::skip]
pub const HOBBIES: &[&str] = &[
    "象棋", "围棋", "广场舞", "唱歌", "太极拳", "书法", "摄影", "钓鱼", "养花", "打乒乓球", "掼蛋", "麻将", "编织",
];

pub const TAG_AGED: &str = "aged";
pub const TAG_EMPTY_NEST: &str = "empty_nest";
pub const TAG_LIVING_ALONE: &str = "living_alone";
pub const TAG_DISABLED: &str = "disabled";
pub const TAG_LOW_INCOME: &str = "low_income";
pub const TAG_MIGRANT_CHILD: &str = "migrant_child";
pub const TAG_PARTY_MEMBER: &str = "party_member";

const FLOOR_CHOICES: &[u8] = &[6, 6, 7, 11, 12, 15, 18];
const DOORS_PER_FLOOR: u8 = 2;

/// Household compositions with weights (per mille of households).
#[rustfmt::skip]
#[derive(Debug, Clone, Copy)]
enum Kind {
    YoungCouple, NuclearOne, NuclearTwo, ThreeGen, AdultChild, ElderCouple, ElderAlone,
    Single, ElderWithChild, SkipGen, RentSingle, RentShare, RentFamily, Vacant,
}

#[rustfmt::skip]
const KINDS: &[(Kind, u32)] = &[
    (Kind::YoungCouple, 90), (Kind::NuclearOne, 210), (Kind::NuclearTwo, 70), (Kind::ThreeGen, 80),
    (Kind::AdultChild, 70), (Kind::ElderCouple, 95), (Kind::ElderAlone, 55), (Kind::Single, 90),
    (Kind::ElderWithChild, 40), (Kind::SkipGen, 20), (Kind::RentSingle, 50), (Kind::RentShare, 30),
    (Kind::RentFamily, 60), (Kind::Vacant, 40),
];

// ------------------------------------------------------------------ generator

/// Generate the whole community. Same `spec` and `this_year` → identical output.
pub fn generate(spec: &Spec, this_year: i32) -> DemoCommunity {
    let mut g = Gen { rng: StdRng::seed_from_u64(spec.seed), this_year, phones: HashSet::new() };

    // Building layout: (courtyard index, floors, units) in community-wide order.
    let mut layout: Vec<(usize, u8, u8)> = Vec::new();
    for (ci, &count) in spec.buildings_per_courtyard.iter().enumerate().take(spec.courtyards.len()) {
        for _ in 0..count {
            let floors = FLOOR_CHOICES[g.rng.random_range(0..FLOOR_CHOICES.len())];
            let units = if floors <= 7 { 2 } else { g.rng.random_range(2..=3) };
            layout.push((ci, floors, units));
        }
    }
    let capacity =
        |l: &[(usize, u8, u8)]| l.iter().map(|&(_, f, u)| usize::from(f) * usize::from(u) * 2).sum::<usize>();
    let target = spec.target_households;
    // Grow the smallest / shrink the tallest building until occupancy is a realistic 77–95%.
    while !layout.is_empty() && capacity(&layout) * 95 < target * 100 {
        let Some(b) = layout.iter_mut().filter(|b| b.1 < 18 || b.2 < 3).min_by_key(|b| b.1) else {
            break;
        };
        if b.1 < 18 { b.1 += 1 } else { b.2 += 1 }
    }
    while capacity(&layout) * 77 > target * 100 {
        let Some(b) = layout.iter_mut().filter(|b| b.1 > 6).max_by_key(|b| b.1) else {
            break;
        };
        b.1 -= 1;
    }

    // Which rooms hold a registered household: selection sampling, exactly `wanted` of them.
    let mut rooms_left = capacity(&layout);
    let jitter = (target / 50).max(1) as i64;
    let mut wanted = (target as i64 + g.rng.random_range(-jitter..=jitter)).max(1) as usize;
    let mut courtyards: Vec<DemoCourtyard> =
        spec.courtyards.iter().map(|n| DemoCourtyard { name: (*n).to_string(), buildings: Vec::new() }).collect();
    for (bi, &(ci, floors, units)) in layout.iter().enumerate() {
        let mut households = Vec::new();
        for unit in 1..=units {
            for floor in 1..=floors {
                for door in 1..=DOORS_PER_FLOOR {
                    let here = g.rng.random_range(0..rooms_left) < wanted;
                    rooms_left -= 1;
                    if !here {
                        continue;
                    }
                    wanted -= 1;
                    let (status, residents) = g.household();
                    households.push(DemoHousehold {
                        unit: format!("{unit}单元"),
                        room: format!("{floor}{door:02}"),
                        status,
                        residents,
                    });
                }
            }
        }
        if let Some(c) = courtyards.get_mut(ci) {
            c.buildings.push(DemoBuilding { name: format!("{}栋", bi + 1), floors, units, households });
        }
    }
    DemoCommunity { name: spec.name.to_string(), courtyards }
}

/// A static vocabulary string (relation, status, surname).
type Word = &'static str;
/// Members (head first) and the surname their children take.
type Family = (Vec<DemoResident>, Word);

struct Gen {
    rng: StdRng,
    this_year: i32,
    phones: HashSet<String>,
}

impl Gen {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        self.rng.random_range(lo..=hi)
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.rng.random_range(0..xs.len())]
    }

    fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let mut r = self.rng.random_range(0..xs.iter().map(|x| x.1).sum::<u32>());
        for &(x, w) in xs {
            if r < w {
                return x;
            }
            r -= w;
        }
        xs[0].0
    }

    fn surname(&mut self) -> &'static str {
        self.weighted(SURNAMES)
    }

    fn other_surname(&mut self, not: &str) -> &'static str {
        loop {
            let s = self.surname();
            if s != not {
                return s;
            }
        }
    }

    fn sex(&mut self, female_share: f64) -> DemoGender {
        if self.chance(female_share) { DemoGender::Female } else { DemoGender::Male }
    }

    /// Age of someone 60+: 50% sixties, 35% seventies, ~15% eighty or over.
    fn elder_age(&mut self) -> i32 {
        match self.rng.random_range(0..100) {
            0..=49 => self.range(60, 69),
            50..=84 => self.range(70, 79),
            85..=97 => self.range(80, 89),
            _ => self.range(90, 97),
        }
    }

    fn phone(&mut self, age: i32) -> Option<String> {
        let has = match age {
            ..14 => false,
            14..=17 => self.chance(0.8),
            18..=59 => true,
            60..=74 => self.chance(0.92),
            _ => self.chance(0.6),
        };
        if !has {
            return None;
        }
        loop {
            let prefix = self.pick(PHONE_PREFIXES);
            let number = format!("{prefix}{:08}", self.rng.random_range(0..100_000_000u32));
            if self.phones.insert(number.clone()) {
                return Some(number);
            }
        }
    }

    /// Given name from the list matching gender and generation.
    fn given_name(&mut self, gender: DemoGender, birth_year: i32) -> &'static str {
        let list = match (gender, birth_year) {
            (DemoGender::Male, ..1960) => OLD_MALE,
            (DemoGender::Female, ..1960) => OLD_FEMALE,
            (DemoGender::Male, ..1990) => MID_MALE,
            (DemoGender::Female, ..1990) => MID_FEMALE,
            (DemoGender::Male, _) => YOUNG_MALE,
            (DemoGender::Female, _) => YOUNG_FEMALE,
        };
        self.pick(list)
    }

    fn person(&mut self, surname: &str, gender: DemoGender, age: i32, relation: Word) -> DemoResident {
        let age = age.clamp(0, 99);
        let birth_year = self.this_year - age;
        let given = self.given_name(gender, birth_year);
        DemoResident {
            name: format!("{surname}{given}"),
            gender,
            birth_year,
            phone: self.phone(age),
            tags: Vec::new(),
            skills: Vec::new(),
            hobbies: Vec::new(),
            relation,
        }
    }

    /// Married couple; `wife_age` drives both ages. Returns the head first and the
    /// husband's surname (what the children take).
    fn couple(&mut self, wife_age: i32, head_rel: Word) -> Family {
        let husband_age = wife_age + self.range(-1, 4);
        let his = self.surname();
        let hers = self.other_surname(his);
        let (husband_rel, wife_rel) = if self.chance(0.7) { (head_rel, "配偶") } else { ("配偶", head_rel) };
        let husband = self.person(his, DemoGender::Male, husband_age, husband_rel);
        let wife = self.person(hers, DemoGender::Female, wife_age, wife_rel);
        let members = if husband_rel == "配偶" { vec![wife, husband] } else { vec![husband, wife] };
        (members, his)
    }

    /// A couple whose children have the given ages; the wife is `lo..=hi` years
    /// older than the eldest (first) child.
    fn family(&mut self, head_rel: Word, kids: &[i32], lo: i32, hi: i32) -> Family {
        let wife_age = kids.first().copied().unwrap_or(0) + self.range(lo, hi);
        let (mut m, surname) = self.couple(wife_age, head_rel);
        for &age in kids {
            m.push(self.child(surname, age, "子女"));
        }
        (m, surname)
    }

    fn single(&mut self, age: i32, female_share: f64, relation: Word) -> (DemoResident, Word) {
        let gender = self.sex(female_share);
        let surname = self.surname();
        (self.person(surname, gender, age, relation), surname)
    }

    fn child(&mut self, surname: &str, age: i32, relation: Word) -> DemoResident {
        let gender = self.sex(0.5);
        self.person(surname, gender, age, relation)
    }

    /// One household: status and members (head first), with tags, skills, hobbies filled in.
    fn household(&mut self) -> (&'static str, Vec<DemoResident>) {
        let kind = self.weighted(KINDS);
        let mut status = "occupied";
        let members = match kind {
            Kind::YoungCouple => {
                let age = self.range(24, 38);
                self.couple(age, "户主").0
            }
            Kind::NuclearOne | Kind::AdultChild => {
                let kid = if matches!(kind, Kind::AdultChild) { self.range(18, 30) } else { self.range(0, 20) };
                self.family("户主", &[kid], 23, 33).0
            }
            Kind::NuclearTwo => {
                let eldest = self.range(0, 20);
                let younger = (eldest - self.range(2, 8)).max(0);
                self.family("户主", &[eldest, younger], 23, 33).0
            }
            Kind::ThreeGen => {
                let kid = self.range(0, 15);
                let mut m = self.family("户主", &[kid], 24, 34).0;
                let head_age = m[0].age(self.this_year);
                let head_surname: String = m[0].name.chars().take(1).collect();
                let grandma_age = head_age + self.range(24, 32);
                let grandma_surname = self.other_surname(&head_surname);
                let both = self.chance(0.55);
                if both || self.chance(0.7) {
                    m.push(self.person(grandma_surname, DemoGender::Female, grandma_age, "父母"));
                }
                if both || m.len() == 3 {
                    let grandpa_age = grandma_age + self.range(0, 4);
                    m.push(self.person(&head_surname, DemoGender::Male, grandpa_age, "父母"));
                }
                m
            }
            Kind::ElderCouple => {
                let age = self.elder_age();
                self.couple(age, "户主").0
            }
            Kind::ElderAlone => {
                let age = (self.elder_age() + self.range(0, 4)).max(62);
                vec![self.single(age, 0.7, "户主").0]
            }
            Kind::Single => {
                let age = self.range(22, 55);
                vec![self.single(age, 0.45, "户主").0]
            }
            Kind::ElderWithChild => {
                let age = self.elder_age().max(64);
                let (head, surname) = self.single(age, 0.6, "户主");
                let kid = age - self.range(24, 36);
                vec![head, self.child(surname, kid, "子女")]
            }
            Kind::SkipGen => {
                let grandchild = self.range(3, 14);
                let age = grandchild + self.range(50, 62);
                let (mut m, surname) = if self.chance(0.7) {
                    self.couple(age, "户主")
                } else {
                    let (p, s) = self.single(age, 0.7, "户主");
                    (vec![p], s)
                };
                m.push(self.child(surname, grandchild, "孙子女"));
                m
            }
            Kind::RentSingle | Kind::RentShare => {
                status = "rented";
                let n = if matches!(kind, Kind::RentSingle) { 1 } else { self.range(2, 3) };
                let mut m = Vec::new();
                for _ in 0..n {
                    let age = self.range(20, 34);
                    m.push(self.single(age, 0.5, "租户").0);
                }
                m
            }
            Kind::RentFamily => {
                status = "rented";
                let eldest = self.range(0, 14);
                let younger = (eldest - self.range(2, 6)).max(0);
                let kids = if self.chance(0.4) { &[eldest, younger][..] } else { &[eldest][..] };
                self.family("租户", kids, 23, 30).0
            }
            Kind::Vacant => {
                status = "vacant";
                let age = self.range(30, 58);
                vec![self.single(age, 0.4, "户主").0]
            }
        };
        let mut members = members;
        // No two members of one household share a full name (e.g. siblings).
        for i in 1..members.len() {
            while members[..i].iter().any(|p| p.name == members[i].name) {
                let surname: String = members[i].name.chars().take(1).collect();
                let given = self.given_name(members[i].gender, members[i].birth_year);
                members[i].name = format!("{surname}{given}");
            }
        }
        (status, self.decorate(status, members))
    }

    /// Tags, skills and hobbies for one household's members.
    fn decorate(&mut self, status: Word, mut members: Vec<DemoResident>) -> Vec<DemoResident> {
        let year = self.this_year;
        let lives_here = status != "vacant";
        let all_elder = members.iter().all(|p| p.age(year) >= 60);
        let single = members.len() == 1;
        let low_income = lives_here && self.chance(if all_elder { 0.06 } else { 0.025 });
        for p in &mut members {
            let age = p.age(year);
            if age >= 80 {
                p.tags.push(TAG_AGED);
            }
            if lives_here && all_elder {
                p.tags.push(TAG_EMPTY_NEST);
                if single {
                    p.tags.push(TAG_LIVING_ALONE);
                }
            }
            let disabled_p = match age {
                80.. => 0.10,
                60..=79 => 0.04,
                _ => 0.015,
            };
            if self.chance(disabled_p) {
                p.tags.push(TAG_DISABLED);
            }
            if low_income {
                p.tags.push(TAG_LOW_INCOME);
            }
            if status == "rented" && age < 18 && self.chance(0.7) {
                p.tags.push(TAG_MIGRANT_CHILD);
            }
            let party_p = match age {
                ..18 => 0.0,
                18..=39 => 0.055,
                40..=59 => 0.09,
                _ => 0.14,
            };
            if self.chance(party_p) {
                p.tags.push(TAG_PARTY_MEMBER);
            }
            if (18..=80).contains(&age) && self.chance(0.15) {
                let n = if self.chance(0.25) { 2 } else { 1 };
                while p.skills.len() < n {
                    let s = self.pick(SKILLS);
                    if !p.skills.contains(&s) {
                        p.skills.push(s);
                    }
                }
            }
            let hobby_p = match age {
                ..18 => 0.0,
                18..=59 => 0.35,
                _ => 0.55,
            };
            if self.chance(hobby_p) {
                let n = self.range(1, 3) as usize;
                let mut tries = 0;
                while p.hobbies.len() < n && tries < 20 {
                    tries += 1;
                    let h = self.pick(HOBBIES);
                    if hobby_fits(h, p.gender, age) && !p.hobbies.contains(&h) {
                        p.hobbies.push(h);
                    }
                }
            }
        }
        members
    }
}

fn hobby_fits(hobby: &str, gender: DemoGender, age: i32) -> bool {
    match hobby {
        "广场舞" => gender == DemoGender::Female && age >= 40,
        "太极拳" => age >= 45,
        "编织" => gender == DemoGender::Female && age >= 35,
        _ => true,
    }
}

#[cfg(test)]
mod tests;

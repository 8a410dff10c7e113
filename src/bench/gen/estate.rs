//! The estate: founding and settings, staff of every role, buildings of mixed heights with
//! their homes, households, facilities and checkpoints (registry), a month before the data's
//! five years start.

use super::stream::{Dev, Rng, Stream};
use super::Spec;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::Actor;
use crate::domain::demo::{GIVEN, MOBILE_PREFIXES, SURNAMES};
use crate::domain::estate::{self, Settings};
use crate::domain::event::EventBody;
use crate::domain::ids::{Entropy, RecordId, SeededEntropy};
use crate::domain::patrol::schedule::monday_of;
use crate::domain::registry::{
    self, BuildingInfo, CheckpointInfo, FacilityInfo, FacilityKind, HouseholdInfo, Location,
    Person, RegistryEvent, Tenure,
};
use crate::domain::roles::{Department, Role};
use crate::domain::staff::{self, PinHash, Profile, PIN_ITERATIONS};
use chrono::{Datelike, Days, NaiveDate, NaiveTime};

pub(super) const ESTATE_NAME: &str = "锦绣江南花园";
const DIRECTOR_NAME: &str = "陈建国";

pub(super) struct Member {
    pub actor: Actor,
    pub department: Option<Department>,
}

pub(super) struct Building {
    pub id: RecordId,
    pub name: String,
    pub floors: i32,
    pub per_floor: u32,
    pub basements: i32,
}

pub(super) struct Home {
    pub household: RecordId,
    pub unit: RecordId,
    pub name: String,
    pub phone: String,
    /// "3号楼 1201"
    pub place: String,
}

pub(super) struct Checkpoint {
    pub id: RecordId,
    pub info: CheckpointInfo,
    pub facility: Option<FacilityKind>,
}

pub(super) struct World {
    /// The first day of activity (a Monday).
    pub start: NaiveDate,
    pub cal: BusinessCalendar,
    pub director: Actor,
    pub director_name: String,
    pub staff: Vec<Member>,
    pub buildings: Vec<Building>,
    pub households: Vec<Home>,
    pub checkpoints: Vec<Checkpoint>,
    pub unit_prefix: String,
}

impl World {
    pub fn with(&self, role: Role) -> Vec<&Actor> {
        self.staff
            .iter()
            .filter(|m| m.actor.roles.contains(&role))
            .map(|m| &m.actor)
            .collect()
    }
    pub fn lead(&self, d: Department) -> &Actor {
        self.staff
            .iter()
            .find(|m| m.department == Some(d) && m.actor.roles.contains(&Role::DepartmentLead))
            .map(|m| &m.actor)
            .unwrap_or(&self.director)
    }
    pub fn dept_staff(&self, d: Department) -> Vec<&Actor> {
        self.staff
            .iter()
            .filter(|m| m.department == Some(d) && m.actor.roles.contains(&Role::DepartmentStaff))
            .map(|m| &m.actor)
            .collect()
    }
}

/// (floors, homes per floor, basements): the estate's building types, repeated.
const SHAPES: [(i32, u32, i32); 6] = [
    (32, 4, 2),
    (26, 3, 1),
    (18, 4, 1),
    (11, 2, 1),
    (30, 4, 2),
    (18, 3, 1),
];

/// Estate-wide places: (kind, name, area).
const OUTDOOR: &[(FacilityKind, &str, &str)] = &[
    (FacilityKind::Other, "南门岗", "南门（主入口）"),
    (FacilityKind::Green, "中心花园", "中心花园"),
    (FacilityKind::Parking, "地下车库", "地下车库B1–B2"),
    (FacilityKind::PlantRoom, "生活水泵房", "中心花园地下"),
    (FacilityKind::Alarm, "消防控制室", "南门物业服务中心一层"),
    (FacilityKind::PlantRoom, "高压配电房", "会所地下"),
    (FacilityKind::Other, "北门岗", "北门"),
    (FacilityKind::Parking, "北门地面停车场", "北门广场"),
    (FacilityKind::Road, "环小区主干道", "小区道路"),
    (FacilityKind::Green, "东侧绿化带", "东围墙内侧"),
    (FacilityKind::Toilet, "公共卫生间", "会所一层"),
    (FacilityKind::Other, "东门岗", "东门（人行）"),
    (FacilityKind::PlantRoom, "消防水泵房", "地下车库B1东侧"),
    (FacilityKind::Cctv, "监控中心", "南门物业服务中心一层"),
    (FacilityKind::Other, "儿童游乐场", "中心花园南侧"),
    (FacilityKind::Other, "垃圾分类收集站", "北门西侧"),
    (FacilityKind::PlantRoom, "弱电机房", "会所一层"),
    (FacilityKind::Green, "西侧绿化带", "西围墙内侧"),
    (FacilityKind::Lighting, "道路路灯", "小区道路"),
    (FacilityKind::Other, "西门岗", "西门（车行）"),
    (FacilityKind::Parking, "访客停车区", "南门广场"),
    (FacilityKind::Green, "湖边步道", "人工湖"),
    (FacilityKind::Other, "会所", "会所"),
    (FacilityKind::Other, "快递柜", "南门内侧"),
];

fn name(r: &mut Rng) -> String {
    format!("{}{}", r.pick(SURNAMES), r.pick(GIVEN))
}

fn mobile(r: &mut Rng) -> String {
    format!("{}{:08}", r.pick(MOBILE_PREFIXES), r.below(100_000_000))
}

pub(super) fn build(spec: &Spec, out: &mut Stream) -> World {
    let cal = BusinessCalendar::default();
    let mut ids = SeededEntropy::new(spec.seed ^ 0xE57A_7E00_0000_0001);
    let mut r = Rng::new(spec.seed ^ 0xE57A_7E00_D1CE);
    let back = spec
        .end
        .with_year(spec.end.year() - spec.years.max(1) as i32)
        .unwrap_or(spec.end - Days::new(365 * spec.years.max(1) as u64));
    let start = monday_of(back) + Days::new(7);
    let t = |d: NaiveDate, h: u32| cal.at(d, NaiveTime::from_hms_opt(h, 0, 0).expect("hour"));
    let founded = start - Days::new(30);
    let t0 = t(founded, 9);

    // Founding (first run) with the Director; one PIN hash shared by every login (PBKDF2 is
    // slow by design).
    let mut salt = [0u8; 16];
    ids.fill(&mut salt);
    let pin = PinHash::new(super::BENCH_PIN, salt, PIN_ITERATIONS).expect("valid PIN");
    let director = Actor {
        id: ids.id(),
        roles: [Role::Director].into(),
    };
    out.push(
        t0,
        Dev::Desk,
        None,
        staff::first_run(false, ESTATE_NAME, director.id, DIRECTOR_NAME, pin.clone())
            .expect("fresh estate"),
    );
    let settings = Settings {
        idle_lock_minutes: 10,
        backup_reminder_days: 3,
        ..Settings::default()
    };
    out.push(
        t0 + 60_000,
        Dev::Desk,
        Some(&director),
        estate::change_settings(&director, settings).expect("valid settings"),
    );

    // Staff: scaled to the estate, at least one of each post.
    let k = spec.households as f64 / 2000.0;
    let n = |full: u32| ((full as f64 * k).round() as u32).max(1);
    use Department::*;
    let posts: Vec<(Role, Department, u32)> = vec![
        (Role::Supervisor, CustomerService, n(3).max(2)),
        (Role::Assistant, CustomerService, n(12).max(2)),
        (Role::Receptionist, CustomerService, n(5)),
        (Role::DepartmentLead, Engineering, 1),
        (Role::DepartmentLead, Security, 1),
        (Role::DepartmentLead, Environment, 1),
        (Role::DepartmentLead, Finance, 1),
        (Role::DepartmentStaff, Engineering, n(8)),
        (Role::DepartmentStaff, Security, n(12)),
        (Role::DepartmentStaff, Environment, n(10)),
        (Role::DepartmentStaff, Finance, n(2)),
    ];
    let mut staff = vec![Member {
        actor: director.clone(),
        department: Some(CustomerService),
    }];
    let mut ts = t0 + 120_000;
    for (role, dept, count) in posts {
        for _ in 0..count {
            let id = ids.id();
            let profile = Profile {
                name: name(&mut r),
                roles: [role].into(),
                department: Some(dept),
                phone: mobile(&mut r),
            };
            ts += 60_000;
            out.push(
                ts,
                Dev::Desk,
                Some(&director),
                staff::create(&director, id, &profile, pin.clone()).expect("valid staff"),
            );
            staff.push(Member {
                actor: Actor {
                    id,
                    roles: [role].into(),
                },
                department: Some(dept),
            });
        }
    }

    // Buildings and homes, until there are homes for the households at ~92 % occupancy.
    let mut t1 = t(founded + Days::new(1), 9);
    let want_homes = (spec.households as f64 / 0.92).ceil() as usize;
    let mut buildings = Vec::new();
    let mut homes: Vec<(RecordId, String)> = Vec::new();
    while homes.len() < want_homes.max(1) {
        let (floors, per_floor, basements) = SHAPES[buildings.len() % SHAPES.len()];
        let id = ids.id();
        let name = format!("{}号楼", buildings.len() + 1);
        let info = BuildingInfo {
            name: name.clone(),
            floors,
            basements,
            note: String::new(),
        };
        t1 += 60_000;
        let mut drafts = registry::set_building(&director, id, &info).expect("valid building");
        let units = registry::bulk_units(&director, id, 1..=floors, per_floor, &[], &mut ids)
            .expect("valid units");
        for u in &units {
            if let EventBody::Registry(RegistryEvent::UnitSet { info }) = &u.body {
                homes.push((u.subject.id, format!("{name} {}", info.number)));
            }
        }
        drafts.extend(units);
        out.push(t1, Dev::Desk, Some(&director), drafts);
        buildings.push(Building {
            id,
            name,
            floors,
            per_floor,
            basements,
        });
    }

    // Households: exactly `spec.households` of the homes (selection sampling), 15 % tenants.
    let mut households = Vec::new();
    let mut drafts = Vec::new();
    let total = homes.len();
    for (i, (unit, place)) in homes.into_iter().enumerate() {
        let need = spec.households as usize - households.len();
        if need == 0 || r.below((total - i) as u64) >= need as u64 {
            continue;
        }
        let tenure = if r.chance(15) {
            Tenure::Tenant
        } else {
            Tenure::Owner
        };
        let mut people = vec![Person {
            name: name(&mut r),
            phone: mobile(&mut r),
        }];
        if r.chance(35) {
            people.push(Person {
                name: name(&mut r),
                phone: mobile(&mut r),
            });
        }
        let household = ids.id();
        let info = HouseholdInfo {
            unit,
            tenure,
            people: people.clone(),
            move_in: founded.checked_sub_days(Days::new(r.below(6 * 365))),
            note: String::new(),
        };
        drafts.extend(registry::set_household(&director, household, &info).expect("household"));
        households.push(Home {
            household,
            unit,
            name: people[0].name.clone(),
            phone: people[0].phone.clone(),
            place,
        });
    }
    t1 += 3_600_000;
    out.push(t1, Dev::Desk, Some(&director), drafts);

    // Facilities and checkpoints: every floor landing (two on even floors of four-home
    // floors: two stair cores), the roof and the basements of each building; and the
    // estate-wide places, as many as the estate is large.
    let mut drafts = Vec::new();
    let mut checkpoints = Vec::new();
    let mut facility = |kind: FacilityKind, name: String, location: Location| -> RecordId {
        let id = ids.id();
        let info = FacilityInfo {
            kind,
            name,
            location,
            note: String::new(),
        };
        drafts.extend(registry::set_facility(&director, id, &info).expect("facility"));
        id
    };
    let mut points: Vec<(CheckpointInfo, Option<FacilityKind>)> = Vec::new();
    for b in &buildings {
        let at = |floor: Option<i32>, area: &str| Location {
            building: Some(b.id),
            floor,
            area: area.into(),
        };
        facility(
            FacilityKind::Elevator,
            format!("{}电梯", b.name),
            at(None, "电梯厅"),
        );
        facility(
            FacilityKind::FireEquipment,
            format!("{}消火栓及灭火器", b.name),
            at(None, "各层消防通道"),
        );
        let plant = facility(
            FacilityKind::PlantRoom,
            format!("{}地下设备间", b.name),
            at(Some(-1), "B1"),
        );
        for f in 1..=b.floors {
            let (label, area) = if f == 1 {
                (format!("{}大堂", b.name), "一层大堂".to_string())
            } else {
                (format!("{}{f}层", b.name), "楼道".to_string())
            };
            points.push((
                CheckpointInfo {
                    name: label.clone(),
                    location: at(Some(f), &area),
                    facility: None,
                },
                None,
            ));
            if f > 1 && f % 2 == 0 && b.per_floor >= 4 {
                points.push((
                    CheckpointInfo {
                        name: format!("{label}西梯"),
                        location: at(Some(f), "西侧楼梯间"),
                        facility: None,
                    },
                    None,
                ));
            }
        }
        points.push((
            CheckpointInfo {
                name: format!("{}天台", b.name),
                location: at(Some(b.floors), "天台"),
                facility: None,
            },
            None,
        ));
        for level in 1..=b.basements {
            points.push((
                CheckpointInfo {
                    name: format!("{}地下室B{level}", b.name),
                    location: at(Some(-level), &format!("B{level}")),
                    facility: (level == 1).then_some(plant),
                },
                (level == 1).then_some(FacilityKind::PlantRoom),
            ));
        }
    }
    let outdoor = buildings.len().clamp(3, OUTDOOR.len());
    for &(kind, name, area) in &OUTDOOR[..outdoor] {
        let here = Location {
            building: None,
            floor: None,
            area: area.into(),
        };
        let f = (kind != FacilityKind::Other).then(|| facility(kind, name.into(), here.clone()));
        points.push((
            CheckpointInfo {
                name: name.into(),
                location: here,
                facility: f,
            },
            f.map(|_| kind),
        ));
    }
    for (info, kind) in points {
        let id = ids.id();
        drafts.extend(registry::set_checkpoint(&director, id, &info).expect("checkpoint"));
        checkpoints.push(Checkpoint {
            id,
            info,
            facility: kind,
        });
    }
    out.push(t1 + 3_600_000, Dev::Desk, Some(&director), drafts);

    let unit_prefix = unit_prefix(&households, &buildings);
    World {
        start,
        cal,
        director,
        director_name: DIRECTOR_NAME.into(),
        staff,
        buildings,
        households,
        checkpoints,
        unit_prefix,
    }
}

/// A unit number's start that a user types ("1302"), chosen among the numbers of this estate
/// so that it finds the most households by today's household search keys (names and phone
/// numbers: "1302…" is also a 130 mobile) — and, once households are indexed by unit number
/// too, the homes numbered 1302.
fn unit_prefix(households: &[Home], buildings: &[Building]) -> String {
    let tall = buildings.iter().map(|b| b.floors).max().unwrap_or(1);
    let mut best = (0usize, String::from("1302"));
    for floor in [13, 15, 18] {
        if floor > tall {
            continue;
        }
        for pos in 1..=4 {
            let p = registry::unit_number(floor, pos);
            let n = households
                .iter()
                .filter(|h| h.phone.starts_with(&p))
                .count();
            if n > best.0 {
                best = (n, p);
            }
        }
    }
    best.1
}

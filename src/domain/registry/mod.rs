//! 小区档案 — the estate registry (SOP §0 "Places" and "People served"): buildings → floors →
//! units, shops on a floor, households, public facilities and patrol checkpoints. Every edit is
//! an attributed event; a record's history is its event list.

use super::command::{required, Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{Entropy, RecordId};
use super::roles::Action;
use super::view::{Aggregate, IndexFields};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a unit, facility or checkpoint is: in a building (and floor) or an outdoor area.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub building: Option<RecordId>,
    pub floor: Option<i32>,
    /// Outdoor area or free description ("北门广场", "地下车库B1").
    pub area: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingInfo {
    /// "3号楼"
    pub name: String,
    /// Floors above ground.
    pub floors: i32,
    /// Basement levels (B1…).
    pub basements: i32,
    pub note: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitUse {
    /// 住宅
    #[default]
    Residence,
    /// 商铺 (patrolled with its floor — PAT-2)
    Shop,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitInfo {
    pub building: RecordId,
    pub floor: i32,
    /// Door number within the building ("1201").
    pub number: String,
    pub usage: UnitUse,
    /// Shop name, or free note.
    pub name: String,
    pub area_m2: Option<u32>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tenure {
    /// 业主
    #[default]
    Owner,
    /// 租户
    Tenant,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub phone: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdInfo {
    pub unit: RecordId,
    pub tenure: Tenure,
    /// First is the main contact.
    pub people: Vec<Person>,
    pub move_in: Option<NaiveDate>,
    pub note: String,
}

/// 公共设施 kinds (SOP §0 Places; PAT-3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    Elevator,
    Lighting,
    FireEquipment,
    Alarm,
    Cctv,
    PlantRoom,
    Road,
    Parking,
    Green,
    Toilet,
    #[default]
    Other,
}

impl FacilityKind {
    pub const ALL: [FacilityKind; 11] = [
        FacilityKind::Elevator,
        FacilityKind::Lighting,
        FacilityKind::FireEquipment,
        FacilityKind::Alarm,
        FacilityKind::Cctv,
        FacilityKind::PlantRoom,
        FacilityKind::Road,
        FacilityKind::Parking,
        FacilityKind::Green,
        FacilityKind::Toilet,
        FacilityKind::Other,
    ];
    pub fn label(self) -> Text {
        match self {
            FacilityKind::Elevator => Text::new("电梯", "Elevator"),
            FacilityKind::Lighting => Text::new("照明", "Lighting"),
            FacilityKind::FireEquipment => Text::new("消防设施", "Fire equipment"),
            FacilityKind::Alarm => Text::new("报警系统", "Alarm"),
            FacilityKind::Cctv => Text::new("监控", "CCTV"),
            FacilityKind::PlantRoom => Text::new("机房/管井", "Plant room"),
            FacilityKind::Road => Text::new("道路", "Road"),
            FacilityKind::Parking => Text::new("停车场", "Parking"),
            FacilityKind::Green => Text::new("绿化", "Green area"),
            FacilityKind::Toilet => Text::new("公厕", "Toilet"),
            FacilityKind::Other => Text::new("其他", "Other"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilityInfo {
    pub kind: FacilityKind,
    pub name: String,
    pub location: Location,
    pub note: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointInfo {
    pub name: String,
    pub location: Location,
    pub facility: Option<RecordId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum RegistryEvent {
    BuildingSet {
        info: BuildingInfo,
    },
    UnitSet {
        info: UnitInfo,
    },
    HouseholdSet {
        info: HouseholdInfo,
    },
    /// 迁出: the household left (kept for history).
    HouseholdMovedOut {
        on: NaiveDate,
    },
    FacilitySet {
        info: FacilityInfo,
    },
    CheckpointSet {
        info: CheckpointInfo,
    },
}

macro_rules! info_aggregate {
    ($ty:ident, $info:ty, $kind:expr, $variant:ident, |$s:ident| $index:expr) => {
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct $ty {
            pub info: $info,
        }
        impl Aggregate for $ty {
            const KIND: RecordKind = $kind;
            fn apply(&mut self, event: &Event) {
                if let EventBody::Registry(RegistryEvent::$variant { info }) = &event.body {
                    self.info = info.clone();
                }
            }
            fn index(&self) -> IndexFields {
                let $s = self;
                $index
            }
        }
    };
}

info_aggregate!(
    Building,
    BuildingInfo,
    RecordKind::Building,
    BuildingSet,
    |s| IndexFields {
        search: vec![s.info.name.clone()],
        title: s.info.name.clone(),
        subtitle: format!("{}F", s.info.floors),
        ..Default::default()
    }
);

info_aggregate!(Unit, UnitInfo, RecordKind::Unit, UnitSet, |s| IndexFields {
    status: Some(match s.info.usage {
        UnitUse::Residence => "residence".into(),
        UnitUse::Shop => "shop".into(),
    }),
    unit: None,
    search: vec![s.info.number.clone(), s.info.name.clone()],
    title: s.info.number.clone(),
    subtitle: s.info.name.clone(),
    ..Default::default()
});

info_aggregate!(
    Facility,
    FacilityInfo,
    RecordKind::Facility,
    FacilitySet,
    |s| IndexFields {
        status: Some(format!("{:?}", s.info.kind).to_lowercase()),
        search: vec![s.info.name.clone()],
        title: s.info.name.clone(),
        subtitle: s.info.location.area.clone(),
        ..Default::default()
    }
);

info_aggregate!(
    Checkpoint,
    CheckpointInfo,
    RecordKind::Checkpoint,
    CheckpointSet,
    |s| IndexFields {
        search: vec![s.info.name.clone()],
        title: s.info.name.clone(),
        subtitle: s.info.location.area.clone(),
        ..Default::default()
    }
);

/// 住户
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Household {
    pub info: HouseholdInfo,
    pub moved_out: Option<NaiveDate>,
}

/// What the household search shows of a household (issue 19: read as a list row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdRow {
    pub unit: RecordId,
    /// The people's names, 、-separated.
    #[serde(default)]
    pub names: String,
    /// The first phone given.
    #[serde(default)]
    pub phone: String,
    pub tenure: Tenure,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    #[serde(default)]
    pub moved_out: bool,
}

impl Household {
    /// The search's row (issue 19).
    pub fn row(&self) -> HouseholdRow {
        HouseholdRow {
            unit: self.info.unit,
            names: self
                .info
                .people
                .iter()
                .map(|p| p.name.as_str())
                .filter(|n| !n.is_empty())
                .collect::<Vec<_>>()
                .join("、"),
            phone: self
                .info
                .people
                .iter()
                .map(|p| p.phone.clone())
                .find(|p| !p.is_empty())
                .unwrap_or_default(),
            tenure: self.info.tenure,
            since: self.info.move_in,
            moved_out: self.moved_out.is_some(),
        }
    }
}

impl Aggregate for Household {
    const KIND: RecordKind = RecordKind::Household;
    fn apply(&mut self, event: &Event) {
        match &event.body {
            EventBody::Registry(RegistryEvent::HouseholdSet { info }) => self.info = info.clone(),
            EventBody::Registry(RegistryEvent::HouseholdMovedOut { on }) => {
                self.moved_out = Some(*on)
            }
            _ => {}
        }
    }
    fn list_row(&self) -> serde_json::Value {
        serde_json::to_value(self.row()).expect("household row serialises")
    }
    fn index(&self) -> IndexFields {
        let mut search = Vec::new();
        for p in &self.info.people {
            search.push(p.name.clone());
            search.push(p.phone.clone());
        }
        let names: Vec<&str> = self.info.people.iter().map(|p| p.name.as_str()).collect();
        IndexFields {
            status: Some(
                if self.moved_out.is_some() {
                    "moved_out"
                } else {
                    "current"
                }
                .into(),
            ),
            unit: Some(self.info.unit),
            search,
            title: names.join("、"),
            subtitle: match self.info.tenure {
                Tenure::Owner => "业主".into(),
                Tenure::Tenant => "租户".into(),
            },
            ..Default::default()
        }
    }
}

fn set(kind: RecordKind, id: RecordId, e: RegistryEvent) -> Draft {
    Draft {
        subject: RecordRef::new(kind, id),
        body: EventBody::Registry(e),
    }
}

/// Creates or edits a building (the same event: the new full description).
pub fn set_building(
    actor: &Actor,
    id: RecordId,
    info: &BuildingInfo,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EditRegistry)?;
    let name = required(&info.name, Text::new("楼栋名称", "the building name"))?;
    if !(1..=200).contains(&info.floors) || !(0..=10).contains(&info.basements) {
        return Err(DomainError::invalid(
            "楼层数须在1–200之间，地下层0–10",
            "Floors must be 1–200 and basements 0–10",
        ));
    }
    Ok(vec![set(
        RecordKind::Building,
        id,
        RegistryEvent::BuildingSet {
            info: BuildingInfo {
                name,
                ..info.clone()
            },
        },
    )])
}

pub fn set_unit(actor: &Actor, id: RecordId, info: &UnitInfo) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EditRegistry)?;
    let number = required(&info.number, Text::new("房号", "the unit number"))?;
    // Floors are numbered 1, 2 … above ground and -1 (B1) … below; there is no floor 0.
    if info.floor == 0 || !(-10..=200).contains(&info.floor) {
        return Err(DomainError::invalid(
            "楼层须为1–200（地下层为-1至-10），没有第0层",
            "The floor must be 1–200 (basements -1 to -10); there is no floor 0",
        ));
    }
    Ok(vec![set(
        RecordKind::Unit,
        id,
        RegistryEvent::UnitSet {
            info: UnitInfo {
                number,
                ..info.clone()
            },
        },
    )])
}

/// Unit number on a floor: floor then two-digit position ("12" + "01" = "1201").
pub fn unit_number(floor: i32, position: u32) -> String {
    format!("{floor}{position:02}")
}

/// 批量建房: "3号楼, 1–30层, 每层4户" — one unit per floor and position, numbered 1201 … .
/// Units already present (same number) are skipped, so running it twice creates nothing new.
pub fn bulk_units(
    actor: &Actor,
    building: RecordId,
    floors: std::ops::RangeInclusive<i32>,
    per_floor: u32,
    existing_numbers: &[String],
    ids: &mut dyn Entropy,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EditRegistry)?;
    if floors.is_empty()
        || *floors.start() < 1
        || *floors.end() > 200
        || !(1..=40).contains(&per_floor)
    {
        return Err(DomainError::invalid(
            "楼层范围须在1–200之间，每层户数1–40",
            "Floors must be within 1–200 and units per floor 1–40",
        ));
    }
    let mut out = Vec::new();
    for floor in floors {
        for pos in 1..=per_floor {
            let number = unit_number(floor, pos);
            if existing_numbers.contains(&number) {
                continue;
            }
            out.push(set(
                RecordKind::Unit,
                ids.id(),
                RegistryEvent::UnitSet {
                    info: UnitInfo {
                        building,
                        floor,
                        number,
                        ..Default::default()
                    },
                },
            ));
        }
    }
    Ok(out)
}

pub fn set_household(
    actor: &Actor,
    id: RecordId,
    info: &HouseholdInfo,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EditRegistry)?;
    let people: Vec<Person> = info
        .people
        .iter()
        .map(|p| Person {
            name: p.name.trim().into(),
            phone: p.phone.trim().into(),
        })
        .filter(|p| !p.name.is_empty() || !p.phone.is_empty())
        .collect();
    if people.iter().all(|p| p.name.is_empty()) {
        return Err(DomainError::invalid(
            "请填写住户姓名",
            "Please fill in a resident's name",
        ));
    }
    if let Some(p) = people
        .iter()
        .find(|p| !p.phone.is_empty() && !valid_phone(&p.phone))
    {
        return Err(DomainError::Invalid(Text::new(
            format!("电话号码格式不正确：{}", p.phone),
            format!("Phone number is not valid: {}", p.phone),
        )));
    }
    Ok(vec![set(
        RecordKind::Household,
        id,
        RegistryEvent::HouseholdSet {
            info: HouseholdInfo {
                people,
                ..info.clone()
            },
        },
    )])
}

/// 迁出: refused when the household already left, or on a date before it moved in.
pub fn move_out(
    actor: &Actor,
    id: RecordId,
    current: &Household,
    on: NaiveDate,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EditRegistry)?;
    if let Some(left) = current.moved_out {
        return Err(DomainError::Invalid(Text::new(
            format!("该住户已于{left}迁出"),
            format!("This household already moved out on {left}"),
        )));
    }
    if current.info.move_in.is_some_and(|m| on < m) {
        return Err(DomainError::invalid(
            "迁出日期不能早于入住日期",
            "The move-out date cannot be before the move-in date",
        ));
    }
    Ok(vec![set(
        RecordKind::Household,
        id,
        RegistryEvent::HouseholdMovedOut { on },
    )])
}

/// Digits, spaces, dashes and a leading + ; 5 to 20 digits (landlines, mobiles, extensions).
pub fn valid_phone(p: &str) -> bool {
    let digits = p.chars().filter(|c| c.is_ascii_digit()).count();
    (5..=20).contains(&digits)
        && p.chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (c == '+' && i == 0))
}

pub fn set_facility(
    actor: &Actor,
    id: RecordId,
    info: &FacilityInfo,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EditRegistry)?;
    let name = required(&info.name, Text::new("设施名称", "the facility name"))?;
    located(&info.location)?;
    Ok(vec![set(
        RecordKind::Facility,
        id,
        RegistryEvent::FacilitySet {
            info: FacilityInfo {
                name,
                ..info.clone()
            },
        },
    )])
}

pub fn set_checkpoint(
    actor: &Actor,
    id: RecordId,
    info: &CheckpointInfo,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EditRegistry)?;
    let name = required(&info.name, Text::new("巡查点名称", "the checkpoint name"))?;
    located(&info.location)?;
    Ok(vec![set(
        RecordKind::Checkpoint,
        id,
        RegistryEvent::CheckpointSet {
            info: CheckpointInfo {
                name,
                ..info.clone()
            },
        },
    )])
}

fn located(l: &Location) -> Result<(), DomainError> {
    if l.building.is_none() && l.area.trim().is_empty() {
        Err(DomainError::invalid(
            "请选择楼栋或填写室外区域",
            "Choose a building or describe the outdoor area",
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;

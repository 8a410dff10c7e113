//! 有偿维修收费标准 / 便民有偿服务价目 — the fee schedule (REP-2, PAID-1, PAID-9). Each item is
//! a record whose price the Director approved (who, when); orders only ever pick items from it,
//! so no price is typed freely on an order. The one exception is the engineering supervisor's
//! 收费评审 of work outside the schedule (REP-2), recorded as such on the order.

use super::{draft, WorkOrderEvent};
use crate::domain::command::{required, Actor, DomainError};
use crate::domain::event::{Draft, Event, EventBody, RecordKind};
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::{Action, Department};
use crate::domain::view::{Aggregate, IndexFields};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

labelled!(
    /// PAID-1 kinds of service (seed 003 二: household water and electricity, cleaning,
    /// greening; appliances and building repairs are excluded). PAID-9 counts the kinds
    /// that have at least one approved item.
    ServiceKind {
        WaterRepair => ("水路维修", "Plumbing repair", "water_repair"),
        ElectricRepair => ("电路维修", "Electrical repair", "electric_repair"),
        Installation => ("水电安装", "Water/electric installation", "installation"),
        Unblocking => ("管道疏通", "Drain unblocking", "unblocking"),
        Cleaning => ("居家保洁", "In-home cleaning", "cleaning"),
        Glass => ("玻璃清洗", "Window cleaning", "glass"),
        Greening => ("绿化养护", "Plant care", "greening"),
    }
);

impl ServiceKind {
    /// The department that does the work (seed 003 二: engineering or environment).
    pub fn department(self) -> Department {
        match self {
            ServiceKind::Cleaning | ServiceKind::Glass | ServiceKind::Greening => {
                Department::Environment
            }
            _ => Department::Engineering,
        }
    }
}

/// PAID-9: at least this many kinds of paid service (seed 001), one more each year.
pub const PAID_KINDS_TARGET: usize = 6;

/// One approved item of the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeItem {
    pub kind: ServiceKind,
    /// Short code printed on the 维修单 ("S-03").
    pub code: String,
    pub name: String,
    /// 次 / 个 / 米 / 小时 …
    pub unit: String,
    /// Price in fen (1/100 yuan).
    pub price_fen: i64,
    /// Withdrawn items stay readable on old orders but cannot be picked.
    pub active: bool,
    pub approved_by: StaffId,
    pub approved_at: i64,
}

/// What the Director approves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeItemInput {
    pub kind: ServiceKind,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub price_fen: i64,
    pub active: bool,
}

/// Folded fee item (None until set).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeeRecord {
    pub item: Option<FeeItem>,
}

pub const FEE_ACTIVE_KEY: &str = "fee|active";

impl Aggregate for FeeRecord {
    const KIND: RecordKind = RecordKind::FeeItem;
    fn apply(&mut self, event: &Event) {
        if let EventBody::WorkOrder(WorkOrderEvent::FeeItemSet { item, .. }) = &event.body {
            self.item = Some((**item).clone());
        }
    }
    fn index(&self) -> IndexFields {
        let Some(i) = &self.item else {
            return IndexFields::default();
        };
        IndexFields {
            status: Some(if i.active { "active" } else { "withdrawn" }.into()),
            search: [i.code.clone(), i.name.clone()]
                .into_iter()
                .chain(i.active.then(|| FEE_ACTIVE_KEY.to_string()))
                .collect(),
            title: format!("{} {}", i.code, i.name),
            subtitle: format!("{} / {}", yuan(i.price_fen), i.unit),
            ..Default::default()
        }
    }
}

/// `¥12.50`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("¥{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

/// REP-2, PAID-1: the Director approves an item and its price (the approval is the event:
/// who and when). Any other role is refused.
pub fn set_item(
    actor: &Actor,
    id: RecordId,
    input: &FeeItemInput,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ApproveFees)?;
    let code = required(&input.code, Text::new("编号", "the code"))?;
    let name = required(&input.name, Text::new("项目名称", "the item name"))?;
    let unit = required(&input.unit, Text::new("单位", "the unit"))?;
    if input.price_fen <= 0 || input.price_fen > 1_000_000 {
        return Err(DomainError::invalid(
            "价格须在0.01元至10000元之间",
            "The price must be between ¥0.01 and ¥10,000",
        ));
    }
    Ok(vec![draft(
        RecordKind::FeeItem,
        id,
        WorkOrderEvent::FeeItemSet {
            at: now,
            by: actor.id,
            item: Box::new(FeeItem {
                kind: input.kind,
                code,
                name,
                unit,
                price_fen: input.price_fen,
                active: input.active,
                approved_by: actor.id,
                approved_at: now,
            }),
        },
    )])
}

/// A line on an order: an item of the schedule at its approved price, or the supervisor's
/// assessed fee for work outside the schedule (REP-2; `item` None).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLine {
    pub item: Option<RecordId>,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub price_fen: i64,
    pub qty: u32,
}

impl FeeLine {
    pub fn total_fen(&self) -> i64 {
        self.price_fen * self.qty as i64
    }
}

pub fn total_fen(lines: &[FeeLine]) -> i64 {
    lines.iter().map(FeeLine::total_fen).sum()
}

/// What a person picks: an item and how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pick {
    pub item: RecordId,
    pub qty: u32,
}

/// The approved schedule as the command sees it.
pub type Schedule = BTreeMap<RecordId, FeeItem>;

/// Turns picks into lines at the approved prices. An item that is not in the schedule or
/// withdrawn is refused: there is no way to give a price here (REP-2, PAID-1).
pub fn lines(picks: &[Pick], schedule: &Schedule) -> Result<Vec<FeeLine>, DomainError> {
    picks
        .iter()
        .map(|p| {
            let Some(i) = schedule.get(&p.item).filter(|i| i.active) else {
                return Err(DomainError::invalid(
                    "该项目不在已批准的收费标准内：须由工程部主管评审收费",
                    "This item is not in the approved fee schedule: the engineering supervisor must assess the fee",
                ));
            };
            if p.qty == 0 || p.qty > 99 {
                return Err(DomainError::invalid(
                    "数量须为1至99",
                    "The quantity must be 1 to 99",
                ));
            }
            Ok(FeeLine {
                item: Some(p.item),
                code: i.code.clone(),
                name: i.name.clone(),
                unit: i.unit.clone(),
                price_fen: i.price_fen,
                qty: p.qty,
            })
        })
        .collect()
}

/// PAID-9: the kinds of paid service with at least one approved, active item.
pub fn paid_kinds(schedule: &Schedule) -> Vec<ServiceKind> {
    let mut k: Vec<ServiceKind> = schedule
        .values()
        .filter(|i| i.active)
        .map(|i| i.kind)
        .collect();
    k.sort();
    k.dedup();
    k
}

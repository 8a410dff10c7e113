//! 入伙 — move-in (SOP §8 MOVE-1..10, seed 002 篇3 荔园物业入伙管理工作规程).
//!
//! Two record kinds under one `EventBody::MoveIn` variant:
//! - `move_in_batch` (MOVE-1): the Supervisor opens move-in for a set of units with the office,
//!   the period and the fee list (the 入伙通知书 prints from it). Who came is recorded on it
//!   when a session starts; from three days before the deadline the Assistant's list shows who
//!   to remind (letter or phone, recorded); after the deadline the Director's list shows who
//!   never came (and the Supervisor records that it was reported, seed 5.4).
//! - `move_in_session`: one guided session per household at the desk. Each step is ticked with
//!   who and when and may be done in any order and resumed later (the owner fetches a missing
//!   paper): documents (MOVE-2, with the agent and company variants), agreements with the
//!   owner's drawn signature (MOVE-3), the 住户入住基本情况表 written into the registry as the
//!   household record through `registry::set_household` (MOVE-4), the finance receipt number
//!   and bank auto-debit (MOVE-5: the desk collects nothing), the inspection with meter readings
//!   and photos, defects room by room and both signatures (MOVE-6; each defect becomes a repair
//!   order through `workorder::orders::take_order`, source 入伙验房), keys (MOVE-7: all keys
//!   without defects, otherwise one entry-door key stays, returned when the last defect order is
//!   done), next steps with dates (MOVE-8). A tenant's session (MOVE-9) checks the four
//!   conditions before the tenant household is registered. Finishing schedules the move-in
//!   callback through `callbacks::schedule` (MOVE-10, CB-1).
//!
//! Index keys: batches `open` by status; sessions by unit, `b:<batch id>` (a batch's sessions),
//! `key:kept` (a key kept for repairs and not yet returned: the Supervisor's list), and the
//! status `open` / `done`.

pub mod demo;
#[cfg(test)]
mod tests;

use super::calendar::BusinessCalendar;
use super::callbacks::{self, CallbackKind, CallbackRequest};
use super::command::{required, Actor, DomainError};
use super::complaints::valid_signature;
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{RecordId, StaffId};
use super::photo::Photo;
use super::registry::{self, HouseholdInfo, Person, Tenure};
use super::roles::{Action, Department, Role};
use super::view::{Aggregate, IndexFields};
use super::workorder::fees::Schedule;
use super::workorder::orders::{self, OrderForm, OrderKind, OrderSource};
use super::workorder::{WorkOrder, WorkOrderStatus};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

labelled!(
    /// Who comes to the desk (MOVE-2's variants; MOVE-9 tenants).
    Party {
        Owner => ("业主本人", "The owner", "owner"),
        Agent => ("受托人代办", "A delegated agent", "agent"),
        Company => ("公司购房", "A company", "company"),
        Tenant => ("租户", "A tenant", "tenant"),
    }
);

labelled!(
    /// MOVE-2: the papers to bring (seed 002 篇3 8.2).
    Doc {
        Notice => ("入伙通知书", "Move-in notice", "notice"),
        Contract => ("购房合同原件及复印件", "Purchase contract (original + copy)", "contract"),
        Payment => ("购房付款证明及复印件", "Proof of payment (+ copy)", "payment"),
        OwnerId => ("业主身份证及复印件、1寸照片两张", "Owner's ID (+ copy), two photos", "owner_id"),
        Fund => ("维修资金缴款凭证", "Maintenance-fund receipt", "fund"),
        Proxy => ("业主委托书", "Power of attorney", "proxy"),
        AgentId => ("被委托人身份证及复印件", "Agent's ID (+ copy)", "agent_id"),
        CompanyProxy => ("法人授权委托书", "Company's authorisation", "company_proxy"),
        Licence => ("营业执照副本及复印件", "Business licence (+ copy)", "licence"),
    }
);

impl Doc {
    /// MOVE-2: what this party must show.
    pub fn required_for(party: Party) -> Vec<Doc> {
        use Doc::*;
        let mut v = vec![Notice, Contract, Payment, OwnerId, Fund];
        match party {
            Party::Owner | Party::Tenant => {}
            Party::Agent => v.extend([Proxy, AgentId]),
            Party::Company => v.extend([CompanyProxy, Licence]),
        }
        v
    }
}

labelled!(
    /// MOVE-3: signed two copies each, and received (seed 8.3, 8.4).
    Paper {
        Rules => ("临时管理规约（一式二份）", "Temporary management rules (2 copies)", "rules"),
        Fire => ("区域防火责任协议书（一式二份）", "Fire-safety responsibility agreement (2 copies)", "fire"),
        Service => ("前期物业管理服务协议（一式二份）", "Preliminary service agreement (2 copies)", "service"),
        Handbook => ("领取《住户手册》", "Residents' handbook received", "handbook"),
        Guide => ("领取《装修指引》", "Decoration guide received", "guide"),
    }
);

labelled!(
    /// MOVE-8: what follows (seed 8.9, 9).
    NextStep {
        Decoration => ("装修申报", "Decoration application", "decoration"),
        Water => ("用水开通", "Water", "water"),
        Power => ("用电开通", "Power", "power"),
        Gas => ("燃气开通", "Gas", "gas"),
        Phone => ("电话", "Phone line", "phone"),
        CableTv => ("有线电视", "Cable TV", "cable_tv"),
        Parking => ("车位使用", "Parking", "parking"),
    }
);

labelled!(
    /// MOVE-9: a tenant is registered only when all four hold (seed 6.1).
    TenantCondition {
        Lease => ("已正式签订《房屋租赁合同》", "Lease signed", "lease"),
        Rent => ("已缴清所有租赁费用", "Rent paid in full", "rent"),
        Identity => ("已提供租户身份证明", "Tenant's ID given", "identity"),
        Decoration => ("房屋装修已经公司验收合格", "Decoration accepted by the company", "decoration"),
    }
);

labelled!(
    /// MOVE-1: how an owner was reminded (seed 5.4: 再次发函或致电).
    ReminderWay {
        Letter => ("发函", "Letter", "letter"),
        Phone => ("致电", "Phone", "phone"),
    }
);

labelled!(
    /// The steps of a session, in the order of the 一条龙 windows.
    Step {
        Conditions => ("租户入住条件", "Tenant conditions", "conditions"),
        Documents => ("资料验证", "Documents", "documents"),
        Agreements => ("签署协议", "Agreements", "agreements"),
        Household => ("住户入住基本情况表", "Household form", "household"),
        Fees => ("缴费", "Fees", "fees"),
        Inspection => ("验楼收楼", "Inspection", "inspection"),
        Keys => ("领取钥匙", "Keys", "keys"),
        NextSteps => ("后续手续", "Next steps", "next_steps"),
    }
);

impl Step {
    /// The steps a party goes through (MOVE-2..8; MOVE-9 for a tenant).
    pub fn for_party(party: Party) -> &'static [Step] {
        use Step::*;
        match party {
            Party::Tenant => &[Conditions, Household],
            _ => &[
                Documents, Agreements, Household, Fees, Inspection, Keys, NextSteps,
            ],
        }
    }
}

/// MOVE-1: a fee on the notice (finance collects it; seed 3.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeEntry {
    pub name: String,
    pub fen: i64,
}

/// A unit in a batch with its owner as known from the sales list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchUnit {
    pub unit: RecordId,
    /// "5号楼 0301"
    pub place: String,
    pub owner: String,
    pub phone: String,
}

/// MOVE-1: what the Supervisor opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchInfo {
    pub name: String,
    /// Where to come (办公地点) and when (办公时间).
    pub office: String,
    pub hours: String,
    pub from: NaiveDate,
    pub deadline: NaiveDate,
    pub units: Vec<BatchUnit>,
    pub fees: Vec<FeeEntry>,
}

/// The meter readings, defects and both signatures of the 房屋交接验收表 (MOVE-6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    pub water: String,
    pub power: String,
    pub water_photo: Photo,
    pub power_photo: Photo,
    pub defects: Vec<Defect>,
    pub owner_signature: String,
    pub staff_signature: String,
}

/// One defect found in the inspection (MOVE-6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Defect {
    /// 客厅, 主卧, 厨房 …
    pub room: String,
    pub text: String,
    pub photos: Vec<Photo>,
}

/// The 住户入住基本情况表 as the session keeps it (MOVE-4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdForm {
    pub people: Vec<Person>,
    /// Work unit, vehicles, emergency contact … (free text on the form).
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum MoveInEvent {
    /// MOVE-1 (batch).
    BatchOpened {
        at: i64,
        by: StaffId,
        batch: Box<BatchInfo>,
    },
    /// MOVE-1 (batch): a reminder within the last three days.
    Reminded {
        at: i64,
        by: StaffId,
        unit: RecordId,
        way: ReminderWay,
        note: String,
    },
    /// MOVE-1 (batch): the owner came; their session.
    Came {
        at: i64,
        by: StaffId,
        unit: RecordId,
        session: RecordId,
    },
    /// MOVE-1 (batch): after the deadline, the no-shows reported to the Director.
    NoShowsReported {
        at: i64,
        by: StaffId,
        units: Vec<RecordId>,
    },
    /// Session started at the desk.
    Started {
        at: i64,
        by: StaffId,
        batch: Option<RecordId>,
        unit: RecordId,
        place: String,
        name: String,
        phone: String,
        party: Party,
    },
    /// MOVE-2: the papers seen (all of them ticks the step).
    DocumentsChecked {
        at: i64,
        by: StaffId,
        docs: BTreeSet<Doc>,
    },
    /// MOVE-3.
    AgreementsSigned {
        at: i64,
        by: StaffId,
        papers: BTreeSet<Paper>,
        signature: String,
    },
    /// MOVE-4: the household record written (registry events in the same batch).
    HouseholdFiled {
        at: i64,
        by: StaffId,
        household: RecordId,
        form: HouseholdForm,
    },
    /// MOVE-5.
    FeesNoted {
        at: i64,
        by: StaffId,
        receipt: String,
        auto_debit: bool,
        bank: String,
    },
    /// MOVE-6.
    Inspected {
        at: i64,
        by: StaffId,
        inspection: Box<Inspection>,
    },
    /// MOVE-6: a defect became a repair order.
    DefectOrdered {
        at: i64,
        by: StaffId,
        defect: u32,
        order: RecordId,
    },
    /// MOVE-7: keys handed over; `kept` stays for repairs when there are defects.
    KeysHanded {
        at: i64,
        by: StaffId,
        keys: Vec<String>,
        kept: Option<String>,
        signature: String,
    },
    /// MOVE-7: the kept key back to the owner after the last defect was repaired.
    KeyReturned { at: i64, by: StaffId, label: String },
    /// MOVE-8: one next step done on a date, or not needed (`on` empty).
    NextStepNoted {
        at: i64,
        by: StaffId,
        step: NextStep,
        on: Option<NaiveDate>,
        note: String,
    },
    /// MOVE-9: the tenant's conditions as checked.
    ConditionsChecked {
        at: i64,
        by: StaffId,
        met: BTreeSet<TenantCondition>,
    },
    /// MOVE-10: the session finished and the move-in callback scheduled.
    Finished {
        at: i64,
        by: StaffId,
        callback: RecordId,
    },
}

impl MoveInEvent {
    pub fn label(&self) -> Text {
        use MoveInEvent::*;
        match self {
            BatchOpened { .. } => Text::new("发出入伙通知", "Move-in opened"),
            Reminded { .. } => Text::new("再次通知入伙", "Reminded"),
            Came { .. } => Text::new("前来办理入伙", "Came for move-in"),
            NoShowsReported { .. } => Text::new(
                "逾期未办理，已报告主任",
                "No-shows reported to the Director",
            ),
            Started { .. } => Text::new("开始办理入伙手续", "Move-in session started"),
            DocumentsChecked { .. } => Text::new("资料验证", "Documents checked"),
            AgreementsSigned { .. } => Text::new("签署协议、领取资料", "Agreements signed"),
            HouseholdFiled { .. } => Text::new("建立住户档案", "Household record filed"),
            FeesNoted { .. } => Text::new("缴费及银行托收", "Fees and auto-debit noted"),
            Inspected { .. } => Text::new("验楼收楼", "Unit inspected"),
            DefectOrdered { .. } => Text::new("问题转维修单", "Defect sent for repair"),
            KeysHanded { .. } => Text::new("领取钥匙", "Keys handed over"),
            KeyReturned { .. } => Text::new("留存钥匙交还业主", "Kept key returned"),
            NextStepNoted { .. } => Text::new("后续手续", "Next step noted"),
            ConditionsChecked { .. } => Text::new("租户入住条件", "Tenant conditions checked"),
            Finished { .. } => Text::new("入伙手续办结", "Move-in finished"),
        }
    }

    /// Sync field groups: every step is its own; the batch's arrivals and reminders append.
    pub fn field_group(&self) -> &'static str {
        use MoveInEvent::*;
        match self {
            BatchOpened { .. } => "batch",
            Reminded { .. } | Came { .. } | NoShowsReported { .. } | DefectOrdered { .. } => {
                super::event::APPEND
            }
            Started { .. } => "started",
            DocumentsChecked { .. } => "documents",
            AgreementsSigned { .. } => "agreements",
            HouseholdFiled { .. } => "household",
            FeesNoted { .. } => "fees",
            Inspected { .. } => "inspection",
            KeysHanded { .. } | KeyReturned { .. } => "keys",
            NextStepNoted { .. } => "next_steps",
            ConditionsChecked { .. } => "conditions",
            Finished { .. } => "finished",
        }
    }

    /// The action each command checks (fold-time authority, `domain::authority`).
    pub fn action(&self) -> Action {
        use MoveInEvent::*;
        match self {
            BatchOpened { .. } | NoShowsReported { .. } => Action::OpenMoveIn,
            Reminded { .. } => Action::RemindMoveIn,
            _ => Action::HandleMoveIn,
        }
    }
}

/// Who did a step and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    pub at: i64,
    pub by: StaffId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub at: i64,
    pub by: StaffId,
    pub unit: RecordId,
    pub way: ReminderWay,
    pub note: String,
}

/// 入伙批次 (MOVE-1).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoveInBatch {
    pub info: Option<BatchInfo>,
    pub opened: Option<Tick>,
    /// unit → (session, when it came)
    pub came: BTreeMap<RecordId, (RecordId, i64)>,
    pub reminders: Vec<Reminder>,
    pub reported: Option<(Tick, Vec<RecordId>)>,
}

impl Aggregate for MoveInBatch {
    const KIND: RecordKind = RecordKind::MoveInBatch;
    fn apply(&mut self, event: &Event) {
        let EventBody::MoveIn(e) = &event.body else {
            return;
        };
        match e {
            MoveInEvent::BatchOpened { at, by, batch } if self.info.is_none() => {
                self.info = Some((**batch).clone());
                self.opened = Some(Tick { at: *at, by: *by });
            }
            MoveInEvent::Reminded {
                at,
                by,
                unit,
                way,
                note,
            } => self.reminders.push(Reminder {
                at: *at,
                by: *by,
                unit: *unit,
                way: *way,
                note: note.clone(),
            }),
            MoveInEvent::Came {
                at, unit, session, ..
            } => {
                self.came.entry(*unit).or_insert((*session, *at));
            }
            MoveInEvent::NoShowsReported { at, by, units } => {
                self.reported = Some((Tick { at: *at, by: *by }, units.clone()));
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let Some(i) = &self.info else {
            return IndexFields::default();
        };
        IndexFields {
            status: Some("open".into()),
            search: vec![i.name.clone()],
            title: i.name.clone(),
            subtitle: format!("{} – {}", i.from, i.deadline),
            ..Default::default()
        }
    }
}

impl MoveInBatch {
    /// MOVE-1: the units that have not come.
    pub fn not_come(&self) -> Vec<&BatchUnit> {
        self.info
            .iter()
            .flat_map(|i| i.units.iter())
            .filter(|u| !self.came.contains_key(&u.unit))
            .collect()
    }
    /// MOVE-1: the day the Assistant's reminder list appears — three days before the deadline.
    pub fn remind_from(&self) -> Option<NaiveDate> {
        self.info
            .as_ref()
            .and_then(|i| i.deadline.checked_sub_days(Days::new(3)))
    }
    /// MOVE-1: who to remind again today (from three days before the deadline up to it).
    pub fn to_remind(&self, today: NaiveDate) -> Vec<&BatchUnit> {
        match (&self.info, self.remind_from()) {
            (Some(i), Some(from)) if today >= from && today <= i.deadline => self.not_come(),
            _ => vec![],
        }
    }
    /// MOVE-1: the Director's list — who never came, once the deadline has passed.
    pub fn no_shows(&self, today: NaiveDate) -> Vec<&BatchUnit> {
        match &self.info {
            Some(i) if today > i.deadline => self.not_come(),
            _ => vec![],
        }
    }
    pub fn reminders_of(&self, unit: RecordId) -> Vec<&Reminder> {
        self.reminders.iter().filter(|r| r.unit == unit).collect()
    }
}

/// A key and where it is (钥匙领用/移交登记表, MOVE-7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyMove {
    pub label: String,
    /// true: with the owner; false: kept by the management office for repairs.
    pub to_owner: bool,
    pub at: i64,
    pub by: StaffId,
}

/// 入伙手续 of one household.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoveInSession {
    pub started: Option<Tick>,
    pub batch: Option<RecordId>,
    pub unit: Option<RecordId>,
    pub place: String,
    pub name: String,
    pub phone: String,
    pub party: Option<Party>,
    pub steps: BTreeMap<Step, Tick>,
    pub docs: BTreeSet<Doc>,
    pub papers: BTreeSet<Paper>,
    pub owner_signature: String,
    pub household: Option<RecordId>,
    pub form: Option<HouseholdForm>,
    pub receipt: String,
    pub auto_debit: bool,
    pub bank: String,
    pub inspection: Option<Inspection>,
    /// defect index → repair order
    pub orders: BTreeMap<u32, RecordId>,
    /// The key register in order.
    pub keys: Vec<KeyMove>,
    pub key_signature: String,
    pub kept: Option<String>,
    pub next: BTreeMap<NextStep, (Option<NaiveDate>, String, Tick)>,
    pub conditions: BTreeSet<TenantCondition>,
    pub finished: Option<Tick>,
    pub callback: Option<RecordId>,
}

impl Aggregate for MoveInSession {
    const KIND: RecordKind = RecordKind::MoveInSession;
    fn apply(&mut self, event: &Event) {
        let EventBody::MoveIn(e) = &event.body else {
            return;
        };
        use MoveInEvent::*;
        let tick = |at: &i64, by: &StaffId| Tick { at: *at, by: *by };
        match e {
            Started {
                at,
                by,
                batch,
                unit,
                place,
                name,
                phone,
                party,
            } if self.started.is_none() => {
                self.started = Some(tick(at, by));
                self.batch = *batch;
                self.unit = Some(*unit);
                self.place = place.clone();
                self.name = name.clone();
                self.phone = phone.clone();
                self.party = Some(*party);
            }
            DocumentsChecked { at, by, docs } => {
                self.docs = docs.clone();
                let party = self.party.unwrap_or(Party::Owner);
                if Doc::required_for(party).iter().all(|d| docs.contains(d)) {
                    self.steps.insert(Step::Documents, tick(at, by));
                } else {
                    self.steps.remove(&Step::Documents);
                }
            }
            AgreementsSigned {
                at,
                by,
                papers,
                signature,
            } => {
                self.papers = papers.clone();
                self.owner_signature = signature.clone();
                self.steps.insert(Step::Agreements, tick(at, by));
            }
            HouseholdFiled {
                at,
                by,
                household,
                form,
            } => {
                self.household = Some(*household);
                self.form = Some(form.clone());
                self.steps.insert(Step::Household, tick(at, by));
            }
            FeesNoted {
                at,
                by,
                receipt,
                auto_debit,
                bank,
            } => {
                self.receipt = receipt.clone();
                self.auto_debit = *auto_debit;
                self.bank = bank.clone();
                self.steps.insert(Step::Fees, tick(at, by));
            }
            Inspected { at, by, inspection } if self.inspection.is_none() => {
                self.inspection = Some((**inspection).clone());
                self.steps.insert(Step::Inspection, tick(at, by));
            }
            DefectOrdered { defect, order, .. } => {
                self.orders.entry(*defect).or_insert(*order);
            }
            KeysHanded {
                at,
                by,
                keys,
                kept,
                signature,
            } if !self.steps.contains_key(&Step::Keys) => {
                for k in keys {
                    self.keys.push(KeyMove {
                        label: k.clone(),
                        to_owner: kept.as_ref() != Some(k),
                        at: *at,
                        by: *by,
                    });
                }
                self.kept = kept.clone();
                self.key_signature = signature.clone();
                self.steps.insert(Step::Keys, tick(at, by));
            }
            KeyReturned { at, by, label } if self.kept.as_ref() == Some(label) => {
                self.keys.push(KeyMove {
                    label: label.clone(),
                    to_owner: true,
                    at: *at,
                    by: *by,
                });
                self.kept = None;
            }
            NextStepNoted {
                at,
                by,
                step,
                on,
                note,
            } => {
                self.next.insert(*step, (*on, note.clone(), tick(at, by)));
                if NextStep::ALL.iter().all(|s| self.next.contains_key(s)) {
                    self.steps.insert(Step::NextSteps, tick(at, by));
                }
            }
            ConditionsChecked { at, by, met } => {
                self.conditions = met.clone();
                if TenantCondition::ALL.iter().all(|c| met.contains(c)) {
                    self.steps.insert(Step::Conditions, tick(at, by));
                } else {
                    self.steps.remove(&Step::Conditions);
                }
            }
            Finished { at, by, callback } if self.finished.is_none() => {
                self.finished = Some(tick(at, by));
                self.callback = Some(*callback);
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let mut search = vec![self.place.clone(), self.name.clone(), self.phone.clone()];
        if let Some(b) = self.batch {
            search.push(batch_key(b));
        }
        if self.kept.is_some() {
            search.push(KEPT_KEY.into());
        }
        let party = self.party.unwrap_or(Party::Owner);
        let all = Step::for_party(party);
        let done = all.iter().filter(|s| self.steps.contains_key(s)).count();
        IndexFields {
            status: Some(
                if self.finished.is_some() {
                    "done"
                } else {
                    "open"
                }
                .into(),
            ),
            unit: self.unit,
            search,
            title: format!("{} {}", self.place, self.name),
            subtitle: format!("{done}/{}", all.len()),
            ..Default::default()
        }
    }
}

/// The search key of a batch's sessions.
pub fn batch_key(batch: RecordId) -> String {
    format!("b:{batch}")
}

/// The search key of sessions holding a key kept for repairs (the Supervisor's list).
pub const KEPT_KEY: &str = "key:kept";

impl MoveInSession {
    pub fn party(&self) -> Party {
        self.party.unwrap_or(Party::Owner)
    }
    pub fn done(&self, s: Step) -> Option<Tick> {
        self.steps.get(&s).copied()
    }
    /// MOVE-2: the papers still missing (the owner may fetch them and resume).
    pub fn missing_docs(&self) -> Vec<Doc> {
        Doc::required_for(self.party())
            .into_iter()
            .filter(|d| !self.docs.contains(d))
            .collect()
    }
    /// The steps still to do.
    pub fn remaining(&self) -> Vec<Step> {
        Step::for_party(self.party())
            .iter()
            .copied()
            .filter(|s| !self.steps.contains_key(s))
            .collect()
    }
    pub fn defects(&self) -> &[Defect] {
        self.inspection
            .as_ref()
            .map(|i| i.defects.as_slice())
            .unwrap_or(&[])
    }
}

fn draft(kind: RecordKind, id: RecordId, e: MoveInEvent) -> Draft {
    Draft {
        subject: RecordRef::new(kind, id),
        body: EventBody::MoveIn(e),
    }
}

fn wrong(zh: &str, en: &str) -> DomainError {
    DomainError::invalid(zh, en)
}

fn started(s: &MoveInSession) -> Result<(), DomainError> {
    if s.started.is_none() {
        return Err(DomainError::NotFound(Text::new(
            "找不到此入伙手续",
            "Move-in session not found",
        )));
    }
    if s.finished.is_some() {
        return Err(wrong(
            "此入伙手续已办结",
            "This move-in is already finished",
        ));
    }
    Ok(())
}

fn owner_only(s: &MoveInSession) -> Result<(), DomainError> {
    if s.party() == Party::Tenant {
        return Err(wrong(
            "租户入住不办理此步骤",
            "A tenant's move-in has no such step",
        ));
    }
    Ok(())
}

/// MOVE-1: the Supervisor opens move-in for a set of units (the notices print from it).
pub fn open_batch(
    actor: &Actor,
    id: RecordId,
    info: &BatchInfo,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::OpenMoveIn)?;
    let name = required(&info.name, Text::new("批次名称", "the batch name"))?;
    let office = required(&info.office, Text::new("办理地点", "the office"))?;
    if info.deadline < info.from {
        return Err(wrong(
            "截止日期不能早于开始日期",
            "The deadline cannot be before the start",
        ));
    }
    if info.units.is_empty() {
        return Err(wrong("请选择房号", "Choose the units"));
    }
    let mut seen = BTreeSet::new();
    if !info.units.iter().all(|u| seen.insert(u.unit)) {
        return Err(wrong("房号重复", "A unit is listed twice"));
    }
    if info
        .fees
        .iter()
        .any(|f| f.name.trim().is_empty() || !(0..=100_000_000).contains(&f.fen))
    {
        return Err(wrong(
            "费用须有名称，金额0–100万元",
            "Each fee needs a name and an amount of ¥0–1,000,000",
        ));
    }
    Ok(vec![draft(
        RecordKind::MoveInBatch,
        id,
        MoveInEvent::BatchOpened {
            at: now,
            by: actor.id,
            batch: Box::new(BatchInfo {
                name,
                office,
                hours: info.hours.trim().into(),
                ..info.clone()
            }),
        },
    )])
}

/// MOVE-1: a reminder by letter or phone, from three days before the deadline up to it, to an
/// owner who has not come (the Assistant, seed 5.4).
#[allow(clippy::too_many_arguments)]
pub fn remind(
    actor: &Actor,
    batch_id: RecordId,
    b: &MoveInBatch,
    unit: RecordId,
    way: ReminderWay,
    note: &str,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RemindMoveIn)?;
    let today = cal.local_date(now);
    if !b.to_remind(today).iter().any(|u| u.unit == unit) {
        let (zh, en) = if b.came.contains_key(&unit) {
            ("该户已办理入伙", "This household has already come")
        } else if b.info.as_ref().is_some_and(|i| today > i.deadline) {
            (
                "已过截止日期，请报告主任",
                "The deadline has passed: report to the Director",
            )
        } else {
            (
                "截止日期前3天起才需再次通知",
                "Reminders start three days before the deadline",
            )
        };
        return Err(wrong(zh, en));
    }
    Ok(vec![draft(
        RecordKind::MoveInBatch,
        batch_id,
        MoveInEvent::Reminded {
            at: now,
            by: actor.id,
            unit,
            way,
            note: note.trim().into(),
        },
    )])
}

/// MOVE-1: after the deadline the Supervisor reports who never came to the Director.
pub fn report_no_shows(
    actor: &Actor,
    batch_id: RecordId,
    b: &MoveInBatch,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::OpenMoveIn)?;
    let units: Vec<RecordId> = b
        .no_shows(cal.local_date(now))
        .iter()
        .map(|u| u.unit)
        .collect();
    if units.is_empty() {
        return Err(wrong(
            "截止日期过后才有未办理名单（或全部已办理）",
            "No one to report: the deadline has not passed, or everyone came",
        ));
    }
    Ok(vec![draft(
        RecordKind::MoveInBatch,
        batch_id,
        MoveInEvent::NoShowsReported {
            at: now,
            by: actor.id,
            units,
        },
    )])
}

/// Starts a household's session at the desk: an owner of the batch (recorded as came), or a
/// tenant of any unit (MOVE-9, no batch).
#[allow(clippy::too_many_arguments)]
pub fn start(
    actor: &Actor,
    id: RecordId,
    batch: Option<(RecordId, &MoveInBatch)>,
    unit: RecordId,
    place: &str,
    name: &str,
    phone: &str,
    party: Party,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    let name = required(name, Text::new("姓名", "the name"))?;
    let place = required(place, Text::new("房号", "the unit"))?;
    let mut out = vec![draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::Started {
            at: now,
            by: actor.id,
            batch: batch.map(|b| b.0),
            unit,
            place,
            name,
            phone: phone.trim().into(),
            party,
        },
    )];
    match batch {
        Some((bid, b)) => {
            if party == Party::Tenant {
                return Err(wrong(
                    "租户入住不属于入伙批次",
                    "A tenant does not move in with a batch",
                ));
            }
            if !b
                .info
                .as_ref()
                .is_some_and(|i| i.units.iter().any(|u| u.unit == unit))
            {
                return Err(wrong("该房号不在此批次", "This unit is not in the batch"));
            }
            if b.came.contains_key(&unit) {
                return Err(wrong(
                    "该户已开始办理，请继续原手续",
                    "This household has a session already: resume it",
                ));
            }
            out.push(draft(
                RecordKind::MoveInBatch,
                bid,
                MoveInEvent::Came {
                    at: now,
                    by: actor.id,
                    unit,
                    session: id,
                },
            ));
        }
        None if party != Party::Tenant => {
            return Err(wrong(
                "业主入伙须选择入伙批次",
                "An owner's move-in needs its batch",
            ));
        }
        None => {}
    }
    Ok(out)
}

/// MOVE-2: the papers seen. Missing ones leave the step open (resumable).
pub fn check_documents(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    docs: &BTreeSet<Doc>,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    started(s)?;
    owner_only(s)?;
    Ok(vec![draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::DocumentsChecked {
            at: now,
            by: actor.id,
            docs: docs.clone(),
        },
    )])
}

/// MOVE-3: all three agreements in two copies, handbook and guide received, the owner's drawn
/// signature.
pub fn sign_agreements(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    papers: &BTreeSet<Paper>,
    signature: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    started(s)?;
    owner_only(s)?;
    let missing: Vec<String> = Paper::ALL
        .iter()
        .filter(|p| !papers.contains(p))
        .map(|p| p.label().zh)
        .collect();
    if !missing.is_empty() {
        return Err(DomainError::Invalid(Text::new(
            format!("尚未完成：{}", missing.join("、")),
            format!("Not done yet: {} item(s)", missing.len()),
        )));
    }
    if !valid_signature(signature) {
        return Err(wrong("请业主签名", "The owner must sign"));
    }
    Ok(vec![draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::AgreementsSigned {
            at: now,
            by: actor.id,
            papers: papers.clone(),
            signature: signature.trim().into(),
        },
    )])
}

/// MOVE-4 (and MOVE-9 for a tenant): the 住户入住基本情况表 becomes the unit's household record
/// through the registry's own command; filing again edits the same record.
#[allow(clippy::too_many_arguments)]
pub fn file_household(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    new_household: RecordId,
    form: &HouseholdForm,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    started(s)?;
    if s.party() == Party::Tenant && s.done(Step::Conditions).is_none() {
        let missing: Vec<String> = TenantCondition::ALL
            .iter()
            .filter(|c| !s.conditions.contains(c))
            .map(|c| c.label().zh)
            .collect();
        return Err(DomainError::Invalid(Text::new(
            format!("租户入住条件未满足：{}", missing.join("、")),
            format!(
                "The tenant's conditions are not met ({} missing): lease, rent, ID, decoration",
                missing.len()
            ),
        )));
    }
    let household = s.household.unwrap_or(new_household);
    let info = HouseholdInfo {
        unit: s.unit.unwrap_or(RecordId::nil()),
        tenure: if s.party() == Party::Tenant {
            Tenure::Tenant
        } else {
            Tenure::Owner
        },
        people: form.people.clone(),
        move_in: Some(cal.local_date(now)),
        note: form.note.trim().into(),
    };
    let mut out = registry::set_household(actor, household, &info)?;
    let filed = match &out[0].body {
        EventBody::Registry(registry::RegistryEvent::HouseholdSet { info }) => HouseholdForm {
            people: info.people.clone(),
            note: info.note.clone(),
        },
        _ => form.clone(),
    };
    out.push(draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::HouseholdFiled {
            at: now,
            by: actor.id,
            household,
            form: filed,
        },
    ));
    Ok(out)
}

/// MOVE-5: fees are paid at finance; the desk notes the receipt number and the auto-debit.
pub fn note_fees(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    receipt: &str,
    auto_debit: bool,
    bank: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    started(s)?;
    owner_only(s)?;
    let receipt = required(
        receipt,
        Text::new("财务收据号", "the finance receipt number"),
    )?;
    if auto_debit && bank.trim().is_empty() {
        return Err(wrong(
            "请填写托收银行及账号",
            "Fill in the bank for the auto-debit",
        ));
    }
    Ok(vec![draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::FeesNoted {
            at: now,
            by: actor.id,
            receipt,
            auto_debit,
            bank: bank.trim().into(),
        },
    )])
}

fn reading(v: &str, what: Text) -> Result<String, DomainError> {
    let v = required(v, what.clone())?;
    match v.parse::<f64>() {
        Ok(x) if x >= 0.0 && x.is_finite() => Ok(v),
        _ => Err(DomainError::Invalid(Text::new(
            format!("{}须为数字", what.zh),
            format!("{} must be a number", what.en),
        ))),
    }
}

/// MOVE-6: the 房屋交接验收表 — meter readings with a photo each, defects room by room, both
/// signatures (the owner's and the staff member's).
pub fn inspect(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    i: &Inspection,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    started(s)?;
    owner_only(s)?;
    if s.inspection.is_some() {
        return Err(wrong("已验楼", "The unit was already inspected"));
    }
    let water = reading(&i.water, Text::new("水表读数", "the water meter reading"))?;
    let power = reading(
        &i.power,
        Text::new("电表读数", "the electricity meter reading"),
    )?;
    if i.water_photo.blob.is_empty() || i.power_photo.blob.is_empty() {
        return Err(wrong("请拍摄水表和电表照片", "Photograph both meters"));
    }
    let mut defects = Vec::new();
    for d in &i.defects {
        let room = required(&d.room, Text::new("房间", "the room"))?;
        let text = required(&d.text, Text::new("问题描述", "the defect"))?;
        defects.push(Defect {
            room,
            text,
            photos: d.photos.clone(),
        });
    }
    if !valid_signature(&i.owner_signature) {
        return Err(wrong("请业主签名", "The owner must sign"));
    }
    if !valid_signature(&i.staff_signature) {
        return Err(wrong("请工作人员签名", "The staff member must sign"));
    }
    Ok(vec![draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::Inspected {
            at: now,
            by: actor.id,
            inspection: Box::new(Inspection {
                water,
                power,
                defects,
                ..i.clone()
            }),
        },
    )])
}

/// MOVE-6: one tap turns a defect into a repair order (source 入伙验房, linked to the session);
/// the engineering lead assesses it like any order outside the schedule (REP-2).
#[allow(clippy::too_many_arguments)]
pub fn order_defect(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    defect: usize,
    order: RecordId,
    schedule: &Schedule,
    lead: Option<StaffId>,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    if s.started.is_none() {
        return Err(DomainError::NotFound(Text::new(
            "找不到此入伙手续",
            "Move-in session not found",
        )));
    }
    let Some(d) = s.defects().get(defect) else {
        return Err(wrong("找不到此问题", "Defect not found"));
    };
    if s.orders.contains_key(&(defect as u32)) {
        return Err(wrong(
            "此问题已转维修单",
            "This defect already has an order",
        ));
    }
    let form = OrderForm {
        kind: OrderKind::Repair,
        source: OrderSource::MoveIn,
        household: s.household,
        unit: s.unit,
        place: s.place.clone(),
        contact_name: s.name.clone(),
        contact_phone: s.phone.clone(),
        content: format!("入伙验房 {}：{}", d.room, d.text),
        picks: vec![],
        appointment: None,
        emergency: false,
        department: Department::Engineering,
        lead,
    };
    let mut out = orders::take_order(
        actor,
        order,
        &form,
        schedule,
        Some(RecordRef::new(RecordKind::MoveInSession, id)),
        now,
        cal,
    )?;
    out.push(draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::DefectOrdered {
            at: now,
            by: actor.id,
            defect: defect as u32,
            order,
        },
    ));
    Ok(out)
}

/// MOVE-7: keys by label. No defects: every key to the owner. Defects: one entry-door key
/// (`kept`) stays for repairs. The owner signs the key register.
pub fn hand_keys(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    keys: &[String],
    kept: Option<&str>,
    signature: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    started(s)?;
    owner_only(s)?;
    let Some(i) = &s.inspection else {
        return Err(wrong("请先验楼", "Inspect the unit first"));
    };
    if s.done(Step::Keys).is_some() {
        return Err(wrong("钥匙已移交", "The keys were already handed over"));
    }
    let keys: Vec<String> = keys
        .iter()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
    let mut seen = BTreeSet::new();
    if keys.is_empty() || !keys.iter().all(|k| seen.insert(k.clone())) {
        return Err(wrong(
            "请逐把登记钥匙（编号不重复）",
            "List every key by a distinct label",
        ));
    }
    let kept = kept.map(str::trim).filter(|k| !k.is_empty());
    match (i.defects.is_empty(), kept) {
        (true, Some(_)) => {
            return Err(wrong(
                "验楼无问题，钥匙须全部交给业主",
                "No defects: every key goes to the owner",
            ))
        }
        (false, None) => {
            return Err(wrong(
                "验楼有问题，须留下一把入户门钥匙供维修使用",
                "There are defects: one entry-door key stays for the repairs",
            ))
        }
        (false, Some(k)) if !keys.iter().any(|x| x == k) => {
            return Err(wrong(
                "留存的钥匙须在登记的钥匙中",
                "The kept key must be one of the listed keys",
            ))
        }
        _ => {}
    }
    if !valid_signature(signature) {
        return Err(wrong(
            "请业主签名领取钥匙",
            "The owner must sign for the keys",
        ));
    }
    Ok(vec![draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::KeysHanded {
            at: now,
            by: actor.id,
            keys,
            kept: kept.map(String::from),
            signature: signature.trim().into(),
        },
    )])
}

/// MOVE-7: whether every defect is ordered and every order done — the kept key may go back.
pub fn defects_closed(s: &MoveInSession, orders: &BTreeMap<RecordId, WorkOrder>) -> bool {
    (0..s.defects().len() as u32).all(|d| {
        s.orders
            .get(&d)
            .and_then(|o| orders.get(o))
            .is_some_and(|o| o.status == WorkOrderStatus::Done)
    })
}

/// MOVE-7: the kept key goes back to the owner once the last defect order is done.
pub fn return_key(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    orders: &BTreeMap<RecordId, WorkOrder>,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    let Some(label) = s.kept.clone() else {
        return Err(wrong("没有留存的钥匙", "No key is kept"));
    };
    if !defects_closed(s, orders) {
        return Err(wrong(
            "尚有验房问题未维修完毕，钥匙继续留存",
            "Some defects are not repaired yet: the key stays",
        ));
    }
    Ok(vec![draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::KeyReturned {
            at: now,
            by: actor.id,
            label,
        },
    )])
}

/// MOVE-8: a next step done on a date, or not needed (`on` empty, a note why).
pub fn note_next_step(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    step: NextStep,
    on: Option<NaiveDate>,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    started(s)?;
    owner_only(s)?;
    Ok(vec![draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::NextStepNoted {
            at: now,
            by: actor.id,
            step,
            on,
            note: note.trim().into(),
        },
    )])
}

/// MOVE-9: the tenant's conditions as checked (all four tick the step).
pub fn check_conditions(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    met: &BTreeSet<TenantCondition>,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    started(s)?;
    if s.party() != Party::Tenant {
        return Err(wrong(
            "只有租户入住需核对此条件",
            "Only a tenant has these conditions",
        ));
    }
    Ok(vec![draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::ConditionsChecked {
            at: now,
            by: actor.id,
            met: met.clone(),
        },
    )])
}

/// MOVE-10: every step done — the session is finished and the 入伙回访 is scheduled through the
/// callbacks module (CB-1: within a week), in the Supervisor's queue.
pub fn finish(
    actor: &Actor,
    id: RecordId,
    s: &MoveInSession,
    callback: RecordId,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleMoveIn)?;
    started(s)?;
    let left = s.remaining();
    if !left.is_empty() {
        let zh: Vec<String> = left.iter().map(|s| s.label().zh).collect();
        let en: Vec<String> = left.iter().map(|s| s.label().en).collect();
        return Err(DomainError::Invalid(Text::new(
            format!("尚未完成：{}", zh.join("、")),
            format!("Still to do: {}", en.join(", ")),
        )));
    }
    let mut out = callbacks::schedule(
        actor,
        callback,
        &CallbackRequest {
            kind: CallbackKind::MoveIn,
            source: Some(RecordRef::new(RecordKind::MoveInSession, id)),
            household: s.household,
            unit: s.unit,
            place: s.place.clone(),
            contact: format!("{} {}", s.name, s.phone),
            topic: format!("入伙回访：{}", s.place),
            role: Role::Supervisor,
            assignee: None,
            previous: None,
        },
        now,
        cal,
    )?;
    out.push(draft(
        RecordKind::MoveInSession,
        id,
        MoveInEvent::Finished {
            at: now,
            by: actor.id,
            callback,
        },
    ));
    Ok(out)
}

/// QUAL-3: the move-in month for the monthly pack — households started, finished, defects found
/// and kept keys still out — over the sessions of the estate (a few hundred at most, so the pack
/// reads them all). `(start, end)` are the month's UTC bounds.
pub fn month_figures(sessions: &[MoveInSession], start: i64, end: i64) -> Vec<(String, String)> {
    let inside = |t: Option<&Tick>| t.is_some_and(|t| t.at >= start && t.at < end);
    let started = sessions
        .iter()
        .filter(|s| inside(s.started.as_ref()))
        .count();
    let finished: Vec<&MoveInSession> = sessions
        .iter()
        .filter(|s| inside(s.finished.as_ref()))
        .collect();
    let defects: usize = finished.iter().map(|s| s.defects().len()).sum();
    let in_progress = sessions
        .iter()
        .filter(|s| s.started.as_ref().is_some_and(|t| t.at < end))
        .filter(|s| s.finished.as_ref().is_none_or(|t| t.at >= end))
        .count();
    let kept = sessions.iter().filter(|s| s.kept.is_some()).count();
    vec![
        ("本月开始办理（户）".into(), started.to_string()),
        ("本月办结（户）".into(), finished.len().to_string()),
        ("月末办理中（户）".into(), in_progress.to_string()),
        ("办结户验房缺陷（项）".into(), defects.to_string()),
        ("维修留存钥匙未归还（户，当前）".into(), kept.to_string()),
    ]
}

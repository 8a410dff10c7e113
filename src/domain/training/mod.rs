//! 岗位培训 — staff training (SOP.md §13, seed 001 §3; issue 17).
//!
//! - TRAIN-1: the training matrix ([`matrix`]): for each role, the documents and procedures it
//!   must learn, the seed's 崗位培訓表 by default, edited by the Director (events on one
//!   [`TrainingMatrix`] record), items linked to the app's own screens.
//! - TRAIN-2: one [`TrainingRecord`] per person: the plan of items a new person must learn
//!   (with a 30-day clock that puts the open items on their 我的待办 and the Supervisor's
//!   training card), and each training with its date, trainer and result (pass / retake). Pass
//!   rates per role and overall against QUAL-2's 100 % ([`pass_rates`]).
//! - Lessons ([`lessons`]): training mode's demo estate runs a lesson for an item; completion is
//!   recorded here only by the trainer, in the real estate, naming the lesson
//!   ([`TrainingInput::lesson`]) — never by a write from the demo database.

pub mod demo;
pub mod lessons;
pub mod matrix;
#[cfg(test)]
mod tests;

use super::calendar::BusinessCalendar;
use super::command::{Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef, APPEND};
use super::i18n::Text;
use super::ids::{Id, RecordId, StaffId};
use super::roles::{Action, Role};
use super::sla::{Clock, ClockSpec};
use super::view::{Aggregate, IndexFields};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub use matrix::{default_matrix, effective, items_for, ItemKind, MatrixItem, Screen};

/// A new person's plan is due within this many days (the 我的待办 clock).
pub const PLAN_DAYS: i64 = 30;

/// TRAIN-2: the result of one training.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingResult {
    /// 合格
    Pass,
    /// 需补训 (the item stays open)
    Retake,
}

impl TrainingResult {
    pub fn label(self) -> Text {
        match self {
            TrainingResult::Pass => Text::new("合格", "Pass"),
            TrainingResult::Retake => Text::new("需补训", "Retake"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum TrainingEvent {
    /// TRAIN-1: the Director sets one matrix item (a new one, or a default one changed).
    ItemSet { item: MatrixItem, by: StaffId },
    /// TRAIN-1: the Director takes an item off the matrix.
    ItemRetired { key: String, by: StaffId },
    /// TRAIN-2: the items a person must learn, due by the clock (a new person's plan).
    Planned {
        person: StaffId,
        items: Vec<String>,
        clock: Box<Clock>,
        by: StaffId,
    },
    /// TRAIN-2: one training of one item: date, trainer, result. `lesson` names the training
    /// mode lesson it followed, if any.
    Trained {
        person: StaffId,
        item: String,
        date: NaiveDate,
        trainer: StaffId,
        result: TrainingResult,
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lesson: Option<String>,
        at: i64,
        by: StaffId,
    },
}

impl TrainingEvent {
    pub fn label(&self) -> Text {
        match self {
            TrainingEvent::ItemSet { .. } => Text::new("修改培训项目", "Training item set"),
            TrainingEvent::ItemRetired { .. } => Text::new("取消培训项目", "Training item retired"),
            TrainingEvent::Planned { .. } => Text::new("制定培训计划", "Training planned"),
            TrainingEvent::Trained { result, .. } => match result {
                TrainingResult::Pass => Text::new("培训合格", "Trained: pass"),
                TrainingResult::Retake => Text::new("培训需补训", "Trained: retake"),
            },
        }
    }
    /// Sync field group: each matrix item its own; plans replace; trainings only add.
    pub fn field_group(&self) -> String {
        match self {
            TrainingEvent::ItemSet { item, .. } => format!("item:{}", item.key),
            TrainingEvent::ItemRetired { key, .. } => format!("item:{key}"),
            TrainingEvent::Planned { .. } => "plan".into(),
            TrainingEvent::Trained { .. } => APPEND.into(),
        }
    }
    /// What the fold-time authority check asks (issue 12).
    pub fn action(&self) -> Action {
        match self {
            TrainingEvent::ItemSet { .. } | TrainingEvent::ItemRetired { .. } => {
                Action::EditTrainingMatrix
            }
            TrainingEvent::Planned { .. } | TrainingEvent::Trained { .. } => Action::RecordTraining,
        }
    }
}

/// The one matrix record of an estate (the same id on every tablet).
pub fn matrix_id() -> RecordId {
    Id::derived("training-matrix", 1)
}

/// A person's training record id (one per person, the same on every tablet).
pub fn record_id(person: StaffId) -> RecordId {
    per_person("training-record", person)
}

pub(crate) fn per_person(namespace: &str, person: StaffId) -> RecordId {
    use sha2::{Digest, Sha256};
    let d = Sha256::new()
        .chain_update(namespace.as_bytes())
        .chain_update(person.0.as_bytes())
        .finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    Id::from_random(b)
}

/// TRAIN-1: the Director's edits of the matrix.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingMatrix {
    pub edits: BTreeMap<String, MatrixItem>,
    pub retired: BTreeSet<String>,
}

impl TrainingMatrix {
    /// The matrix in force.
    pub fn items(&self) -> Vec<MatrixItem> {
        effective(&self.edits, &self.retired)
    }
}

impl Aggregate for TrainingMatrix {
    const KIND: RecordKind = RecordKind::TrainingMatrix;
    fn apply(&mut self, event: &Event) {
        match &event.body {
            EventBody::Training(TrainingEvent::ItemSet { item, .. }) => {
                self.retired.remove(&item.key);
                self.edits.insert(item.key.clone(), item.clone());
            }
            EventBody::Training(TrainingEvent::ItemRetired { key, .. }) => {
                self.retired.insert(key.clone());
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        IndexFields {
            status: Some("matrix".into()),
            title: "岗位培训表".into(),
            subtitle: format!("{} 项修改", self.edits.len() + self.retired.len()),
            ..Default::default()
        }
    }
}

/// One training of one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub item: String,
    pub date: NaiveDate,
    pub trainer: StaffId,
    pub result: TrainingResult,
    pub note: String,
    pub lesson: Option<String>,
    pub at: i64,
    pub by: StaffId,
}

/// TRAIN-2: a person's training record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    pub person: Option<StaffId>,
    /// The plan's items (a new person's), if planned.
    pub plan: Vec<String>,
    pub clock: Option<Clock>,
    /// Every training, in order.
    pub sessions: Vec<Session>,
}

impl TrainingRecord {
    /// The latest result of an item (by date, then when recorded).
    pub fn latest(&self, item: &str) -> Option<&Session> {
        self.sessions
            .iter()
            .filter(|s| s.item == item)
            .max_by_key(|s| (s.date, s.at))
    }
    pub fn passed(&self, item: &str) -> bool {
        self.latest(item)
            .is_some_and(|s| s.result == TrainingResult::Pass)
    }
    /// The plan's items not passed yet.
    pub fn open_items(&self) -> Vec<String> {
        self.plan
            .iter()
            .filter(|i| !self.passed(i))
            .cloned()
            .collect()
    }
    fn settle_clock(&mut self) {
        let at = self.sessions.iter().map(|s| s.at).max();
        let done = !self.plan.is_empty() && self.open_items().is_empty();
        if let (Some(c), Some(at), true) = (self.clock.as_mut(), at, done) {
            c.stop(at);
        }
    }
}

/// Search key of the records with open plan items (the Supervisor's training card).
pub const OPEN_KEY: &str = "trn|open";

impl Aggregate for TrainingRecord {
    const KIND: RecordKind = RecordKind::TrainingRecord;
    fn apply(&mut self, event: &Event) {
        let EventBody::Training(e) = &event.body else {
            return;
        };
        match e {
            TrainingEvent::Planned {
                person,
                items,
                clock,
                ..
            } => {
                self.person = Some(*person);
                self.plan = items.clone();
                self.clock = Some((**clock).clone());
            }
            TrainingEvent::Trained {
                person,
                item,
                date,
                trainer,
                result,
                note,
                lesson,
                at,
                by,
            } => {
                self.person = Some(*person);
                self.sessions.push(Session {
                    item: item.clone(),
                    date: *date,
                    trainer: *trainer,
                    result: *result,
                    note: note.clone(),
                    lesson: lesson.clone(),
                    at: *at,
                    by: *by,
                });
            }
            TrainingEvent::ItemSet { .. } | TrainingEvent::ItemRetired { .. } => {}
        }
        self.settle_clock();
    }
    fn index(&self) -> IndexFields {
        let open = self.open_items();
        let status = if open.is_empty() { "done" } else { "open" };
        let mut search = vec![format!("trn|{status}")];
        if let Some(p) = self.person {
            search.push(format!("trnp|{p}"));
        }
        IndexFields {
            status: Some(status.into()),
            due: self
                .clock
                .as_ref()
                .filter(|c| c.is_running())
                .map(|c| c.deadline),
            assignee: (!open.is_empty()).then_some(self.person).flatten(),
            search,
            title: if open.is_empty() {
                "岗位培训".into()
            } else {
                format!("岗位培训：{} 项未完成", open.len())
            },
            subtitle: format!("{} 次培训", self.sessions.len()),
            clock: self.clock.clone().filter(|_| !open.is_empty()),
            ..Default::default()
        }
    }
}

fn matrix_draft(e: TrainingEvent) -> Draft {
    Draft {
        subject: RecordRef::new(RecordKind::TrainingMatrix, matrix_id()),
        body: EventBody::Training(e),
    }
}

fn record_draft(person: StaffId, e: TrainingEvent) -> Draft {
    Draft {
        subject: RecordRef::new(RecordKind::TrainingRecord, record_id(person)),
        body: EventBody::Training(e),
    }
}

/// TRAIN-1: the Director sets a matrix item (a new key adds one, a known key replaces it).
pub fn set_item(actor: &Actor, item: &MatrixItem) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EditTrainingMatrix)?;
    let key = item.key.trim();
    if key.is_empty() || key.contains('|') {
        return Err(DomainError::invalid(
            "请填写培训项目编号",
            "Please give the item a key",
        ));
    }
    if item.title.zh.trim().is_empty() {
        return Err(DomainError::invalid(
            "请填写培训内容",
            "Please fill in what is to be learnt",
        ));
    }
    if item.roles.is_empty() {
        return Err(DomainError::invalid(
            "请至少选择一个岗位",
            "Please choose at least one role",
        ));
    }
    let mut item = item.clone();
    item.key = key.to_string();
    item.title = Text::new(item.title.zh.trim(), item.title.en.trim());
    Ok(vec![matrix_draft(TrainingEvent::ItemSet {
        item,
        by: actor.id,
    })])
}

/// TRAIN-1: the Director takes an item off the matrix.
pub fn retire_item(
    actor: &Actor,
    matrix: &TrainingMatrix,
    key: &str,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EditTrainingMatrix)?;
    if !matrix.items().iter().any(|i| i.key == key) {
        return Err(DomainError::invalid(
            "培训表中没有此项目",
            "No such item on the matrix",
        ));
    }
    Ok(vec![matrix_draft(TrainingEvent::ItemRetired {
        key: key.into(),
        by: actor.id,
    })])
}

/// TRAIN-2: plans a person's training: every matrix item of their roles not passed yet, due
/// in [`PLAN_DAYS`]. Planning again (roles or matrix changed) replaces the plan.
pub fn plan(
    actor: &Actor,
    person: StaffId,
    roles: &BTreeSet<Role>,
    matrix: &[MatrixItem],
    record: &TrainingRecord,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RecordTraining)?;
    let items: Vec<String> = items_for(matrix, roles)
        .into_iter()
        .map(|i| i.key)
        .filter(|k| !record.passed(k))
        .collect();
    if items.is_empty() {
        return Err(DomainError::invalid(
            "此员工的培训项目均已合格",
            "Every item of this person's roles is passed already",
        ));
    }
    let clock = ClockSpec::days(PLAN_DAYS).start(Text::new("岗位培训", "Training"), now, cal);
    Ok(vec![record_draft(
        person,
        TrainingEvent::Planned {
            person,
            items,
            clock: Box::new(clock),
            by: actor.id,
        },
    )])
}

/// What the trainer records (TRAIN-2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingInput {
    pub item: String,
    pub date: NaiveDate,
    pub trainer: Option<StaffId>,
    pub result: TrainingResult,
    pub note: String,
    /// The training-mode lesson this followed ([`lessons::Lesson::key`]).
    pub lesson: Option<String>,
}

/// TRAIN-2: records one training of one item for a person. The item must be on the matrix,
/// the trainer named, the date not after today.
pub fn record(
    actor: &Actor,
    person: StaffId,
    matrix: &[MatrixItem],
    input: &TrainingInput,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RecordTraining)?;
    if !matrix.iter().any(|i| i.key == input.item) {
        return Err(DomainError::invalid(
            "请选择培训表中的项目",
            "Please choose an item of the training matrix",
        ));
    }
    let Some(trainer) = input.trainer else {
        return Err(DomainError::invalid(
            "请选择培训人",
            "Please choose the trainer",
        ));
    };
    if input.date > cal.local_date(now) {
        return Err(DomainError::invalid(
            "培训日期不能晚于今天",
            "The training date cannot be after today",
        ));
    }
    if let Some(l) = &input.lesson {
        if lessons::lesson(l).is_none() {
            return Err(DomainError::invalid("没有这门课程", "No such lesson"));
        }
    }
    Ok(vec![record_draft(
        person,
        TrainingEvent::Trained {
            person,
            item: input.item.clone(),
            date: input.date,
            trainer,
            result: input.result,
            note: input.note.trim().to_string(),
            lesson: input.lesson.clone(),
            at: now,
            by: actor.id,
        },
    )])
}

/// Passed of required, at item level (a person × an item of their roles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rate {
    pub passed: u32,
    pub required: u32,
    /// People counted, and those with every required item passed (上岗培训合格).
    pub people: u32,
    pub qualified: u32,
}

impl Rate {
    /// Percent of required items passed; `None` when nothing is required.
    pub fn percent(&self) -> Option<f64> {
        (self.required > 0).then(|| self.passed as f64 * 100.0 / self.required as f64)
    }
    /// QUAL-2: the target is 100 %.
    pub fn meets_target(&self) -> bool {
        self.passed == self.required && self.qualified == self.people
    }
    fn add(&mut self, passed: u32, required: u32) {
        self.passed += passed;
        self.required += required;
        self.people += 1;
        if passed == required {
            self.qualified += 1;
        }
    }
}

/// The pass rates of the estate: per role, and overall (each person once, over the union of
/// their roles' items).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PassRates {
    pub overall: Rate,
    pub per_role: Vec<(Role, Rate)>,
}

/// TRAIN-2 / QUAL-2: pass rates of active staff against the matrix. `people` are (id, roles);
/// `records` their training records (a person without one has passed nothing).
pub fn pass_rates(
    matrix: &[MatrixItem],
    people: &[(StaffId, BTreeSet<Role>)],
    records: &BTreeMap<StaffId, TrainingRecord>,
) -> PassRates {
    let empty = TrainingRecord::default();
    let count = |roles: &BTreeSet<Role>, rec: &TrainingRecord| -> (u32, u32) {
        let items = items_for(matrix, roles);
        let passed = items.iter().filter(|i| rec.passed(&i.key)).count() as u32;
        (passed, items.len() as u32)
    };
    let mut overall = Rate::default();
    let mut per: BTreeMap<Role, Rate> = BTreeMap::new();
    for (id, roles) in people {
        let rec = records.get(id).unwrap_or(&empty);
        let (p, r) = count(roles, rec);
        if r > 0 {
            overall.add(p, r);
        }
        for role in roles {
            let one: BTreeSet<Role> = [*role].into();
            let (p, r) = count(&one, rec);
            if r > 0 {
                per.entry(*role).or_default().add(p, r);
            }
        }
    }
    PassRates {
        overall,
        per_role: per.into_iter().collect(),
    }
}

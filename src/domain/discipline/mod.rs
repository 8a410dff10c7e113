//! 违纪处理 — discipline for paid services (SOP.md §6 PAID-8, seed 003 §4).
//!
//! Paid work goes only through customer service. A Supervisor records against a staff member:
//! - a private job (在工作时间私自接收有偿服务): 1st a fine, 2nd a fine and a transfer, 3rd
//!   dismissal (开除);
//! - neglect of regular duty for paid work (放弃或影响本职工作而从事有偿服务): 1st a fine, 2nd
//!   removal from the post (免职), 3rd dismissal (劝其离职或除名).
//!
//! The fine is a setting (`Settings::discipline_fine_fen`, 200 yuan). The record shows which step
//! comes next ([`Discipline::next_step`]); fines are listed by month for deduction from the
//! month's bonus share, the rest from wages (奖励和罚款按月兑现) — [`month_fines`], printed and
//! exported as CSV.

#[cfg(test)]
mod tests;

use super::command::{required, Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef, APPEND};
use super::i18n::Text;
use super::ids::{RecordId, StaffId};
use super::roles::Action;
use super::view::{Aggregate, IndexFields};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The default fine: 200 yuan, in fen.
pub const DEFAULT_FINE_FEN: u64 = 20_000;

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Offence {
    /// 私自接活: a paid job taken privately.
    PrivateJob,
    /// 影响本职工作: regular duty neglected for paid work.
    NeglectOfDuty,
}

impl Offence {
    pub const ALL: [Offence; 2] = [Offence::PrivateJob, Offence::NeglectOfDuty];
    pub fn label(self) -> Text {
        match self {
            Offence::PrivateJob => Text::new("私自接收有偿服务", "Private paid job"),
            Offence::NeglectOfDuty => Text::new(
                "放弃或影响本职工作从事有偿服务",
                "Regular duty neglected for paid work",
            ),
        }
    }
    /// The ladder of this offence (seed 003 §4.2–4.3).
    pub fn ladder(self) -> [Step; 3] {
        match self {
            Offence::PrivateJob => [Step::Fine, Step::FineAndTransfer, Step::Dismissal],
            Offence::NeglectOfDuty => [Step::Fine, Step::Removal, Step::Dismissal],
        }
    }
}

/// What is done about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 罚款
    Fine,
    /// 罚款并调动工作岗位
    FineAndTransfer,
    /// 免职
    Removal,
    /// 开除 / 除名
    Dismissal,
}

impl Step {
    pub fn label(self) -> Text {
        match self {
            Step::Fine => Text::new("罚款", "Fine"),
            Step::FineAndTransfer => Text::new("罚款并调岗", "Fine and transfer"),
            Step::Removal => Text::new("免职", "Removal from post"),
            Step::Dismissal => Text::new("开除/除名", "Dismissal"),
        }
    }
    pub fn has_fine(self) -> bool {
        matches!(self, Step::Fine | Step::FineAndTransfer)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum DisciplineEvent {
    /// PAID-8: one offence recorded with the step taken and the fine (fen, 0 without one).
    Recorded {
        person: StaffId,
        offence: Offence,
        what: String,
        date: NaiveDate,
        step: Step,
        fine_fen: u64,
        at: i64,
        by: StaffId,
    },
}

impl DisciplineEvent {
    pub fn label(&self) -> Text {
        match self {
            DisciplineEvent::Recorded { step, .. } => Text::new(
                format!("违纪处理：{}", step.label().zh),
                format!("Discipline: {}", step.label().en),
            ),
        }
    }
    pub fn field_group(&self) -> &'static str {
        APPEND
    }
}

/// One person's discipline record (the same id on every tablet).
pub fn record_id(person: StaffId) -> RecordId {
    super::training::per_person("discipline", person)
}

/// One recorded offence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub offence: Offence,
    pub what: String,
    pub date: NaiveDate,
    pub step: Step,
    pub fine_fen: u64,
    pub at: i64,
    pub by: StaffId,
}

/// PAID-8: a staff member's discipline record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Discipline {
    pub person: Option<StaffId>,
    pub entries: Vec<Entry>,
}

impl Discipline {
    /// The step the next offence of this kind takes: the ladder by how many came before;
    /// dismissal from the third on.
    pub fn next_step(&self, offence: Offence) -> Step {
        let before = self.entries.iter().filter(|e| e.offence == offence).count();
        offence.ladder()[before.min(2)]
    }
}

/// Search key of the records with a fine in a month ("fine|2026-11").
pub fn fine_month_key(month: &str) -> String {
    format!("fine|{month}")
}

impl Aggregate for Discipline {
    const KIND: RecordKind = RecordKind::Discipline;
    fn apply(&mut self, event: &Event) {
        let EventBody::Discipline(DisciplineEvent::Recorded {
            person,
            offence,
            what,
            date,
            step,
            fine_fen,
            at,
            by,
        }) = &event.body
        else {
            return;
        };
        self.person = Some(*person);
        self.entries.push(Entry {
            offence: *offence,
            what: what.clone(),
            date: *date,
            step: *step,
            fine_fen: *fine_fen,
            at: *at,
            by: *by,
        });
        self.entries.sort_by_key(|e| (e.date, e.at));
    }
    fn index(&self) -> IndexFields {
        let mut search: Vec<String> = self
            .entries
            .iter()
            .filter(|e| e.fine_fen > 0)
            .map(|e| fine_month_key(&e.date.format("%Y-%m").to_string()))
            .collect();
        search.dedup();
        let last = self.entries.last();
        IndexFields {
            status: Some("recorded".into()),
            search,
            title: format!("违纪 {} 次", self.entries.len()),
            subtitle: last.map(|e| e.step.label().zh).unwrap_or_default(),
            ..Default::default()
        }
    }
}

/// What a Supervisor records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisciplineInput {
    pub person: Option<StaffId>,
    pub offence: Offence,
    pub what: String,
    pub date: NaiveDate,
}

/// PAID-8: records an offence against a staff member. The step is the record's next one (not
/// chosen by hand); a fine takes the amount set in the settings.
pub fn record(
    actor: &Actor,
    current: &Discipline,
    input: &DisciplineInput,
    fine_fen: u64,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RecordDiscipline)?;
    let Some(person) = input.person else {
        return Err(DomainError::invalid(
            "请选择员工",
            "Please choose the staff member",
        ));
    };
    if person == actor.id {
        return Err(DomainError::invalid(
            "不能处理自己的违纪",
            "You cannot record a discipline matter against yourself",
        ));
    }
    let what = required(&input.what, Text::new("违纪情况", "what happened"))?;
    let step = current.next_step(input.offence);
    Ok(vec![Draft {
        subject: RecordRef::new(RecordKind::Discipline, record_id(person)),
        body: EventBody::Discipline(DisciplineEvent::Recorded {
            person,
            offence: input.offence,
            what,
            date: input.date,
            step,
            fine_fen: if step.has_fine() { fine_fen } else { 0 },
            at: now,
            by: actor.id,
        }),
    }])
}

/// One fine to deduct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fine {
    pub person: StaffId,
    pub date: NaiveDate,
    pub offence: Offence,
    pub step: Step,
    pub what: String,
    pub fine_fen: u64,
}

/// The fines of a month (`2026-11`) from the records found by [`fine_month_key`], by date.
pub fn month_fines(month: &str, records: &[Discipline]) -> Vec<Fine> {
    let mut out: Vec<Fine> = records
        .iter()
        .filter_map(|r| r.person.map(|p| (p, r)))
        .flat_map(|(p, r)| {
            r.entries
                .iter()
                .filter(|e| e.fine_fen > 0 && e.date.format("%Y-%m").to_string() == month)
                .map(move |e| Fine {
                    person: p,
                    date: e.date,
                    offence: e.offence,
                    step: e.step,
                    what: e.what.clone(),
                    fine_fen: e.fine_fen,
                })
        })
        .collect();
    out.sort_by_key(|f| (f.date, f.person));
    out
}

/// Yuan with two decimals ("200.00").
pub fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

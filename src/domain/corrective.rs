//! 纠正措施 — one corrective action, shared by every area that finds a problem to correct
//! (CMP-12, QUAL-1; issue 18). Seed 002 投诉处理 4.5(4): "对投诉反应突出的问题或有关质量指标的
//! 波动，应采取措施限期整改" — a recurring complaint subject of the monthly analysis (CMP-12) or a
//! survey item under 85 % (QUAL-1) gets an action with an owner and a deadline; the owner reports
//! progress and the result; the person who opened it — at their level: a Director's action is
//! verified by a Director, a Supervisor's by a Supervisor or a Director — verifies the result and
//! closes it, or sends it back with a new deadline.
//!
//! One `CorrectiveAction` record per action (`RecordKind::CorrectiveAction`, event
//! [`CorrectiveEvent`]). The area that found the problem checks its own source
//! (`complaints::report::corrective_source`, `quality::survey::corrective_source`) and passes
//! the [`CorrectiveSource`] to [`open`]. Clocks: to the end of the deadline day (overdue from the
//! next day's 00:00), on the owner's 我的待办; once done, three days for the verification on the
//! opener's 我的待办. Index keys: `ca|<yyyy-mm>|<status>` (month opened), `ca|src|<source>`,
//! `ca|owner|<staff>`.

use super::calendar::BusinessCalendar;
use super::command::{required, Actor, DomainError};
use super::complaints::Subject;
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef, APPEND};
use super::i18n::Text;
use super::ids::{RecordId, StaffId};
use super::roles::{Action, Role};
use super::sla::{Clock, ClockSpec};
use super::view::{Aggregate, IndexFields};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Days the opener has to verify a reported result.
pub const VERIFY_DAYS: i64 = 3;

/// Where the problem was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum CorrectiveSource {
    /// CMP-12: a subject recurring in a month's complaint analysis ("YYYY-MM").
    ComplaintSubject { subject: Subject, month: String },
    /// QUAL-1: an item of a survey under 85 %.
    SurveyItem { survey: RecordId, item: String },
}

impl CorrectiveSource {
    /// The search key of every action of this source (without `ca|src|`).
    pub fn key(&self) -> String {
        match self {
            CorrectiveSource::ComplaintSubject { subject, month } => {
                format!("cmp|{month}|{}", subject.key())
            }
            CorrectiveSource::SurveyItem { survey, item } => format!("srv|{survey}|{item}"),
        }
    }
    pub fn label(&self) -> Text {
        match self {
            CorrectiveSource::ComplaintSubject { subject, month } => Text::new(
                format!("{month} 投诉分析：{}", subject.label().zh),
                format!("{month} complaint analysis: {}", subject.label().en),
            ),
            CorrectiveSource::SurveyItem { item, .. } => Text::new(
                format!("满意度调查：{item}"),
                format!("Satisfaction survey: {item}"),
            ),
        }
    }
}

/// The search key of a source's actions.
pub fn source_key(source: &CorrectiveSource) -> String {
    format!("ca|src|{}", source.key())
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum CorrectiveEvent {
    /// The action decided: the problem, what is to be done, by whom, by when.
    Opened {
        source: CorrectiveSource,
        problem: String,
        action: String,
        owner: StaffId,
        deadline: NaiveDate,
        clock: Box<Clock>,
        /// The opener's level, who verifies (Director or Supervisor).
        level: Role,
        /// The local month it was opened ("YYYY-MM").
        month: String,
        at: i64,
        by: StaffId,
    },
    /// A progress note (the owner, or the opener).
    Noted { note: String, at: i64, by: StaffId },
    /// The owner reports the result; the opener's verification clock starts.
    Done {
        result: String,
        verify: Box<Clock>,
        at: i64,
        by: StaffId,
    },
    /// Verified and closed by the opener's level.
    Verified { note: String, at: i64, by: StaffId },
    /// Not good enough: back to the owner with a new deadline.
    SentBack {
        note: String,
        deadline: NaiveDate,
        clock: Box<Clock>,
        at: i64,
        by: StaffId,
    },
}

impl CorrectiveEvent {
    pub fn label(&self) -> Text {
        match self {
            CorrectiveEvent::Opened { .. } => Text::new("下达纠正措施", "Corrective action opened"),
            CorrectiveEvent::Noted { .. } => Text::new("纠正措施进展", "Progress noted"),
            CorrectiveEvent::Done { .. } => Text::new("纠正措施完成", "Corrective action done"),
            CorrectiveEvent::Verified { .. } => Text::new("验证关闭", "Verified and closed"),
            CorrectiveEvent::SentBack { .. } => Text::new("验证未通过，退回", "Sent back"),
        }
    }
    /// Sync field groups: notes only add; the steps of the state machine are one group.
    pub fn field_group(&self) -> &'static str {
        match self {
            CorrectiveEvent::Opened { .. } => "opened",
            CorrectiveEvent::Noted { .. } => APPEND,
            _ => "status",
        }
    }
    /// What the command checks of the matrix (`domain::authority`).
    pub fn action(&self) -> Action {
        match self {
            CorrectiveEvent::Opened { .. }
            | CorrectiveEvent::Verified { .. }
            | CorrectiveEvent::SentBack { .. } => Action::OpenCorrective,
            CorrectiveEvent::Noted { .. } | CorrectiveEvent::Done { .. } => {
                Action::ReportCorrective
            }
        }
    }
}

labelled!(
    /// Where an action stands.
    Status {
        Open => ("整改中", "Under way", "open"),
        Done => ("待验证", "Awaiting verification", "done"),
        Closed => ("已验证关闭", "Verified, closed", "closed"),
    }
);

/// One corrective action, folded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorrectiveAction {
    pub source: Option<CorrectiveSource>,
    pub problem: String,
    pub action: String,
    pub owner: Option<StaffId>,
    pub deadline: Option<NaiveDate>,
    /// The owner's clock (to the end of the deadline day).
    pub clock: Option<Clock>,
    pub level: Role,
    pub month: String,
    pub opened: Option<(i64, StaffId)>,
    /// (when, who, note): progress notes and send-backs, in order.
    pub notes: Vec<(i64, StaffId, String)>,
    pub done: Option<(i64, StaffId, String)>,
    pub verify: Option<Clock>,
    pub verified: Option<(i64, StaffId, String)>,
    pub status: Status,
}

impl Default for CorrectiveAction {
    fn default() -> Self {
        CorrectiveAction {
            source: None,
            problem: String::new(),
            action: String::new(),
            owner: None,
            deadline: None,
            clock: None,
            level: Role::Supervisor,
            month: String::new(),
            opened: None,
            notes: Vec::new(),
            done: None,
            verify: None,
            verified: None,
            status: Status::Open,
        }
    }
}

/// What the shared card and lists show (a list row, issue 19).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorrectiveRow {
    pub status: Status,
    pub problem: String,
    pub action: String,
    pub owner: Option<StaffId>,
    pub deadline: Option<NaiveDate>,
}

impl CorrectiveAction {
    /// The clock running now: the owner's while open, the verification once done.
    pub fn running(&self) -> Option<&Clock> {
        match self.status {
            Status::Open => self.clock.as_ref(),
            Status::Done => self.verify.as_ref(),
            Status::Closed => None,
        }
    }
    /// Who has to act: the owner while open, the opener once done.
    pub fn waiting_on(&self) -> Option<StaffId> {
        match self.status {
            Status::Open => self.owner,
            Status::Done => self.opened.map(|(_, by)| by),
            Status::Closed => None,
        }
    }
    pub fn row(&self) -> CorrectiveRow {
        CorrectiveRow {
            status: self.status,
            problem: self.problem.clone(),
            action: self.action.clone(),
            owner: self.owner,
            deadline: self.deadline,
        }
    }
}

impl Aggregate for CorrectiveAction {
    const KIND: RecordKind = RecordKind::CorrectiveAction;
    fn apply(&mut self, event: &Event) {
        let EventBody::Corrective(e) = &event.body else {
            return;
        };
        match e {
            CorrectiveEvent::Opened {
                source,
                problem,
                action,
                owner,
                deadline,
                clock,
                level,
                month,
                at,
                by,
            } if self.opened.is_none() => {
                self.source = Some(source.clone());
                self.problem = problem.clone();
                self.action = action.clone();
                self.owner = Some(*owner);
                self.deadline = Some(*deadline);
                self.clock = Some((**clock).clone());
                self.level = *level;
                self.month = month.clone();
                self.opened = Some((*at, *by));
            }
            CorrectiveEvent::Noted { note, at, by } => self.notes.push((*at, *by, note.clone())),
            CorrectiveEvent::Done {
                result,
                verify,
                at,
                by,
            } if self.status == Status::Open && self.opened.is_some() => {
                self.done = Some((*at, *by, result.clone()));
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
                self.verify = Some((**verify).clone());
                self.status = Status::Done;
            }
            CorrectiveEvent::Verified { note, at, by } if self.status == Status::Done => {
                if let Some(c) = &mut self.verify {
                    c.stop(*at);
                }
                self.verified = Some((*at, *by, note.clone()));
                self.status = Status::Closed;
            }
            CorrectiveEvent::SentBack {
                note,
                deadline,
                clock,
                at,
                by,
            } if self.status == Status::Done => {
                self.notes
                    .push((*at, *by, format!("退回 / sent back: {note}")));
                self.deadline = Some(*deadline);
                self.clock = Some((**clock).clone());
                self.done = None;
                self.verify = None;
                self.status = Status::Open;
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let Some(source) = &self.source else {
            return IndexFields::default();
        };
        let clock = self.running().cloned();
        let mut search = vec![
            format!("ca|{}|{}", self.month, self.status.key()),
            source_key(source),
        ];
        if let Some(o) = self.owner {
            search.push(format!("ca|owner|{o}"));
        }
        IndexFields {
            status: Some(self.status.key().into()),
            due: clock.as_ref().map(|c| c.deadline),
            assignee: self.waiting_on(),
            clock,
            search,
            title: format!("纠正措施：{}", self.problem.lines().next().unwrap_or("")),
            subtitle: self.action.lines().next().unwrap_or_default().to_string(),
            ..Default::default()
        }
    }
    fn list_row(&self) -> serde_json::Value {
        serde_json::to_value(self.row()).unwrap_or_default()
    }
}

fn draft(id: RecordId, e: CorrectiveEvent) -> Draft {
    Draft {
        subject: RecordRef::new(RecordKind::CorrectiveAction, id),
        body: EventBody::Corrective(e),
    }
}

/// A clock that runs from `now` to the end of `deadline` (local), named `name`; refused for a
/// deadline before today.
pub fn deadline_clock(
    name: Text,
    deadline: NaiveDate,
    cal: &BusinessCalendar,
    now: i64,
) -> Result<Clock, DomainError> {
    let today = cal.local_date(now);
    let days = (deadline - today).num_days() + 1;
    if days < 1 {
        return Err(DomainError::invalid(
            "期限不能早于今天",
            "The deadline cannot be before today",
        ));
    }
    let mut clock = ClockSpec::days(days).start(name, cal.at(today, chrono::NaiveTime::MIN), cal);
    clock.started = now;
    Ok(clock)
}

fn clock_name(problem: &str) -> Text {
    let p = problem.lines().next().unwrap_or("");
    Text::new(format!("纠正措施：{p}"), format!("Corrective action: {p}"))
}

/// CMP-12 / QUAL-1: a Supervisor or the Director opens an action on a problem its area found
/// (`source`, checked by that area). `existing`: the actions already recorded for the source —
/// refused while one of them is not closed.
#[allow(clippy::too_many_arguments)]
pub fn open(
    actor: &Actor,
    id: RecordId,
    existing: &[CorrectiveAction],
    source: CorrectiveSource,
    problem: &str,
    action: &str,
    owner: Option<StaffId>,
    deadline: NaiveDate,
    cal: &BusinessCalendar,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::OpenCorrective)?;
    if existing.iter().any(|a| a.status != Status::Closed) {
        return Err(DomainError::invalid(
            "该问题已有未关闭的纠正措施",
            "This problem already has a corrective action that is not closed",
        ));
    }
    let problem = required(problem, Text::new("问题", "the problem"))?;
    let action = required(action, Text::new("纠正措施", "the corrective action"))?;
    let Some(owner) = owner else {
        return Err(DomainError::invalid(
            "请选择负责人",
            "Please choose the owner",
        ));
    };
    let clock = deadline_clock(clock_name(&problem), deadline, cal, now)?;
    let level = if actor.roles.contains(&Role::Director) {
        Role::Director
    } else {
        Role::Supervisor
    };
    Ok(vec![draft(
        id,
        CorrectiveEvent::Opened {
            source,
            problem,
            action,
            owner,
            deadline,
            clock: Box::new(clock),
            level,
            month: cal.local_date(now).format("%Y-%m").to_string(),
            at: now,
            by: actor.id,
        },
    )])
}

/// The owner, or anyone who may open actions, works on it.
fn may_report(actor: &Actor, a: &CorrectiveAction) -> Result<(), DomainError> {
    actor.may(Action::ReportCorrective)?;
    if a.owner != Some(actor.id) && actor.may(Action::OpenCorrective).is_err() {
        return Err(DomainError::invalid(
            "只有负责人或主管、物业部主任可以填写该措施的进展",
            "Only the owner, a Supervisor or the Director may report on this action",
        ));
    }
    Ok(())
}

/// Progress on an action not yet closed.
pub fn note(
    actor: &Actor,
    id: RecordId,
    a: &CorrectiveAction,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    may_report(actor, a)?;
    if a.opened.is_none() || a.status == Status::Closed {
        return Err(DomainError::invalid(
            "该纠正措施已关闭",
            "This corrective action is closed",
        ));
    }
    let note = required(note, Text::new("进展", "the progress"))?;
    Ok(vec![draft(
        id,
        CorrectiveEvent::Noted {
            note,
            at: now,
            by: actor.id,
        },
    )])
}

/// The owner reports the result; it goes to the opener for verification.
pub fn done(
    actor: &Actor,
    id: RecordId,
    a: &CorrectiveAction,
    result: &str,
    cal: &BusinessCalendar,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    may_report(actor, a)?;
    if a.opened.is_none() || a.status != Status::Open {
        return Err(DomainError::invalid(
            "该纠正措施不在整改中",
            "This corrective action is not under way",
        ));
    }
    let result = required(result, Text::new("整改结果", "the result"))?;
    let verify = ClockSpec::days(VERIFY_DAYS).start(
        Text::new(
            format!("验证纠正措施：{}", a.problem.lines().next().unwrap_or("")),
            format!(
                "Verify corrective action: {}",
                a.problem.lines().next().unwrap_or("")
            ),
        ),
        now,
        cal,
    );
    Ok(vec![draft(
        id,
        CorrectiveEvent::Done {
            result,
            verify: Box::new(verify),
            at: now,
            by: actor.id,
        },
    )])
}

/// The opener's level verifies: a Director's action only a Director.
fn may_verify(actor: &Actor, a: &CorrectiveAction) -> Result<(), DomainError> {
    actor.may(Action::OpenCorrective)?;
    if a.level == Role::Director && !actor.roles.contains(&Role::Director) {
        return Err(DomainError::invalid(
            "该措施由物业部主任下达，须由物业部主任验证",
            "The Director opened this action: a Director verifies it",
        ));
    }
    if a.status != Status::Done {
        return Err(DomainError::invalid(
            "负责人尚未报告整改结果",
            "The owner has not reported a result yet",
        ));
    }
    Ok(())
}

/// Verified: closed.
pub fn verify(
    actor: &Actor,
    id: RecordId,
    a: &CorrectiveAction,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    may_verify(actor, a)?;
    let note = required(note, Text::new("验证意见", "the verification"))?;
    Ok(vec![draft(
        id,
        CorrectiveEvent::Verified {
            note,
            at: now,
            by: actor.id,
        },
    )])
}

/// Not good enough: back to the owner with a new deadline.
pub fn send_back(
    actor: &Actor,
    id: RecordId,
    a: &CorrectiveAction,
    note: &str,
    deadline: NaiveDate,
    cal: &BusinessCalendar,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    may_verify(actor, a)?;
    let note = required(note, Text::new("退回原因", "why it is sent back"))?;
    let clock = deadline_clock(clock_name(&a.problem), deadline, cal, now)?;
    Ok(vec![draft(
        id,
        CorrectiveEvent::SentBack {
            note,
            deadline,
            clock: Box::new(clock),
            at: now,
            by: actor.id,
        },
    )])
}

#[cfg(test)]
mod tests;

//! 质量目标 — quality targets (SOP.md §12 QUAL-1..3, PAT-7, PAT-8; issue 18).
//!
//! - [`survey`]: the satisfaction survey (用户意见调查, QUAL-1): a questionnaire per household,
//!   the Director's items fixed once it starts, answers taken on the tablet or typed from
//!   paper, item rates against ≥ 85 % and the average against ≥ 90 %, corrective actions.
//! - [`arrears`]: finance's monthly arrears list (PAT-7): CSV import with a remembered column
//!   mapping, phone follow-up per household, a visit on the building's next patrol round when
//!   unanswered, the collection rate against ≥ 90 % (patrol) and ≥ 95 % (company).
//! - [`dashboard`]: every target of seed 001 §1.2 and SOP §12 with the month's and the year's
//!   figure, met or missed and a 12-month trend (QUAL-2), from the modules' own report
//!   functions over slim, month-keyed reads.
//! - [`pack`]: the month's statistics of every module as sheets (printed A4, one XLSX
//!   workbook, CSVs — QUAL-3).
//!
//! Record kinds: `Survey` (one per survey), `ArrearsMonth` (one per month, id derived from the
//! month so every tablet writes into the same record) and `QualityYear` (one per year: the
//! Director's finding of a major safety incident). One event body, [`QualityEvent`].

pub mod arrears;
pub mod dashboard;
pub mod demo;
pub mod pack;
pub mod survey;
#[cfg(test)]
mod tests;

use super::event::APPEND;
use super::i18n::Text;
use super::ids::{RecordId, StaffId};
use super::roles::Action;
use super::sla::Clock;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use arrears::{ArrearsMonth, ArrearsRow, CallOutcome, Field};
pub use survey::{Answer, Source, Survey, SurveyItem};

/// The events of the quality module (schema version 4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum QualityEvent {
    /// QUAL-1: a survey drafted with its items (the Director).
    SurveyDrafted {
        title: String,
        year: i32,
        items: Vec<SurveyItem>,
        at: i64,
        by: StaffId,
    },
    /// QUAL-1: the items edited before the survey starts.
    SurveyItemsSet {
        items: Vec<SurveyItem>,
        at: i64,
        by: StaffId,
    },
    /// QUAL-1: from now on the items are fixed and answers are taken.
    SurveyStarted { at: i64, by: StaffId },
    /// QUAL-1: one household's answers, one per item in the items' order.
    SurveyAnswered {
        household: RecordId,
        unit: RecordId,
        building: RecordId,
        /// "3号楼 1201", for lists without a registry read.
        place: String,
        answers: Vec<Answer>,
        source: Source,
        comment: String,
        at: i64,
        by: StaffId,
    },
    /// QUAL-1: no more answers.
    SurveyClosed { at: i64, by: StaffId },
    /// QUAL-1: an item under target gets a corrective action with an owner and a deadline.
    CorrectiveOpened {
        item: String,
        what: String,
        owner: StaffId,
        deadline: NaiveDate,
        clock: Box<Clock>,
        at: i64,
        by: StaffId,
    },
    /// QUAL-1: the owner reports the action done.
    CorrectiveDone {
        item: String,
        note: String,
        at: i64,
        by: StaffId,
    },
    /// PAT-7: finance's arrears list of a month, imported whole (a new import replaces the rows).
    ArrearsImported {
        month: String,
        /// The month's management fees due (应收), fen: the base of the collection rate.
        billed_fen: i64,
        rows: Vec<ArrearsRow>,
        /// Which column of finance's file holds each field (remembered for the next month).
        mapping: BTreeMap<Field, String>,
        file: String,
        at: i64,
        by: StaffId,
    },
    /// PAT-7: a phone call to a household in arrears.
    ArrearsCalled {
        unit: RecordId,
        outcome: CallOutcome,
        promise: Option<NaiveDate>,
        note: String,
        at: i64,
        by: StaffId,
    },
    /// PAT-7: the visit made on a patrol round after an unanswered call.
    ArrearsVisited {
        unit: RecordId,
        outcome: CallOutcome,
        promise: Option<NaiveDate>,
        note: String,
        at: i64,
        by: StaffId,
    },
    /// QUAL-2: the Director finds an incident to be a major safety incident (重大安全责任事故).
    MajorIncidentFound {
        incident: RecordId,
        date: NaiveDate,
        note: String,
        at: i64,
        by: StaffId,
    },
}

impl QualityEvent {
    pub fn label(&self) -> Text {
        use QualityEvent::*;
        match self {
            SurveyDrafted { .. } => Text::new("拟定满意度调查", "Survey drafted"),
            SurveyItemsSet { .. } => Text::new("修改调查项目", "Survey items edited"),
            SurveyStarted { .. } => Text::new("开始调查", "Survey started"),
            SurveyAnswered { .. } => Text::new("调查问卷", "Survey answered"),
            SurveyClosed { .. } => Text::new("调查结束", "Survey closed"),
            CorrectiveOpened { .. } => Text::new("纠正措施", "Corrective action opened"),
            CorrectiveDone { .. } => Text::new("纠正措施完成", "Corrective action done"),
            ArrearsImported { .. } => Text::new("导入欠费清单", "Arrears list imported"),
            ArrearsCalled { .. } => Text::new("欠费电话催缴", "Arrears call"),
            ArrearsVisited { .. } => Text::new("欠费上门催缴", "Arrears visit"),
            MajorIncidentFound { .. } => {
                Text::new("认定重大安全责任事故", "Major safety incident found")
            }
        }
    }
    /// Sync field groups: answers, calls and findings only add; the items and the list are one
    /// group each.
    pub fn field_group(&self) -> String {
        use QualityEvent::*;
        match self {
            SurveyDrafted { .. } | SurveyItemsSet { .. } => "items".into(),
            SurveyStarted { .. } | SurveyClosed { .. } => "status".into(),
            ArrearsImported { .. } => "rows".into(),
            SurveyAnswered { .. }
            | CorrectiveOpened { .. }
            | CorrectiveDone { .. }
            | ArrearsCalled { .. }
            | ArrearsVisited { .. }
            | MajorIncidentFound { .. } => APPEND.into(),
        }
    }
}

/// `part ÷ whole × 100`, one decimal; `None` when nothing was counted.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// "85.0%" or "—".
pub fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

/// The record of a year's quality findings (one per year, the same id on every tablet).
pub fn year_id(year: i32) -> RecordId {
    RecordId::derived("quality-year", year as u64)
}

/// QUAL-2: a year's major safety incidents found by the Director.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QualityYear {
    pub year: i32,
    pub major_incidents: Vec<(RecordId, NaiveDate, String)>,
}

impl super::view::Aggregate for QualityYear {
    const KIND: super::event::RecordKind = super::event::RecordKind::QualityYear;
    fn apply(&mut self, event: &super::event::Event) {
        use chrono::Datelike;
        if let super::event::EventBody::Quality(QualityEvent::MajorIncidentFound {
            incident,
            date,
            note,
            ..
        }) = &event.body
        {
            self.year = date.year();
            if !self.major_incidents.iter().any(|(i, _, _)| i == incident) {
                self.major_incidents.push((*incident, *date, note.clone()));
            }
        }
    }
    fn index(&self) -> super::view::IndexFields {
        super::view::IndexFields {
            status: Some("year".into()),
            search: vec![format!("qy|{}", self.year)],
            title: format!(
                "{} 年重大安全责任事故 {} 起",
                self.year,
                self.major_incidents.len()
            ),
            ..Default::default()
        }
    }
}

/// QUAL-2: the Director records an incident as a major safety incident (seed 001 §1.2 item 9:
/// 不发生重大安全责任事故), with the reason. The dashboard counts these per year. `current`:
/// the year's record — an incident is found once.
pub fn find_major_incident(
    actor: &super::command::Actor,
    current: Option<&QualityYear>,
    incident: RecordId,
    date: NaiveDate,
    note: &str,
    now: i64,
) -> Result<Vec<super::event::Draft>, super::command::DomainError> {
    use chrono::Datelike;
    actor.may(Action::ManageQuality)?;
    if current.is_some_and(|y| y.major_incidents.iter().any(|(i, _, _)| *i == incident)) {
        return Err(super::command::DomainError::invalid(
            "该事件已认定为重大安全责任事故",
            "This incident has already been found a major safety incident",
        ));
    }
    let note = super::command::required(note, Text::new("认定理由", "the reason"))?;
    Ok(vec![super::event::Draft {
        subject: super::event::RecordRef::new(
            super::event::RecordKind::QualityYear,
            year_id(date.year()),
        ),
        body: super::event::EventBody::Quality(QualityEvent::MajorIncidentFound {
            incident,
            date,
            note,
            at: now,
            by: actor.id,
        }),
    }])
}

//! 客户服务中心值班安排表 — the month roster (DUTY-1, DUTY-2) and leave (DUTY-5).

use super::DutyEvent;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::{required, Actor, DomainError};
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{Id, RecordId, StaffId};
use crate::domain::roles::Action;
use crate::domain::sla::{Clock, ClockSpec};
use crate::domain::view::{Aggregate, IndexFields};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The post written on the roster unless the supervisor names another.
pub const DEFAULT_POST: &str = "客户服务中心";

/// Day of the month from which an unpublished next-month roster is flagged (DUTY-1).
pub const REMIND_FROM_DAY: u32 = 25;

/// One month: `year * 100 + month` (202611).
pub fn month_key(date: NaiveDate) -> u32 {
    date.year() as u32 * 100 + date.month()
}

/// The roster record of a month: one per month, the same id on every tablet.
pub fn roster_id(month: u32) -> RecordId {
    Id::derived("duty-roster", month as u64)
}

pub fn first_of(month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt((month / 100) as i32, month % 100, 1)
}

pub fn next_month(month: u32) -> u32 {
    if month % 100 == 12 {
        (month / 100 + 1) * 100 + 1
    } else {
        month + 1
    }
}

/// Every date of the month.
pub fn days_of(month: u32) -> Vec<NaiveDate> {
    let Some(first) = first_of(month) else {
        return vec![];
    };
    first
        .iter_days()
        .take_while(|d| d.month() == first.month())
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub person: StaffId,
    pub post: String,
    /// Set when the slot changed through an approved leave (DUTY-5).
    pub leave: Option<RecordId>,
}

/// 值班安排表 of one month.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    pub month: u32,
    pub slots: BTreeMap<NaiveDate, Slot>,
    /// Supervisor's signature and 制表日期 (DUTY-1).
    pub published: Option<(StaffId, NaiveDate)>,
}

impl Roster {
    pub fn person_on(&self, date: NaiveDate) -> Option<StaffId> {
        self.slots.get(&date).map(|s| s.person)
    }
    /// Dates still without anyone on duty.
    pub fn gaps(&self) -> Vec<NaiveDate> {
        days_of(self.month)
            .into_iter()
            .filter(|d| !self.slots.contains_key(d))
            .collect()
    }
}

impl Aggregate for Roster {
    const KIND: RecordKind = RecordKind::Roster;
    fn apply(&mut self, event: &Event) {
        let EventBody::Duty(e) = &event.body else {
            return;
        };
        match e {
            DutyEvent::SlotSet { date, person, post } => {
                self.month = month_key(*date);
                self.slots.insert(
                    *date,
                    Slot {
                        person: *person,
                        post: post.clone(),
                        leave: None,
                    },
                );
            }
            DutyEvent::SlotCleared { date } => {
                self.slots.remove(date);
            }
            DutyEvent::SlotReplaced {
                date,
                person,
                leave,
            } => {
                self.month = month_key(*date);
                let post = self
                    .slots
                    .get(date)
                    .map(|s| s.post.clone())
                    .unwrap_or_else(|| DEFAULT_POST.into());
                self.slots.insert(
                    *date,
                    Slot {
                        person: *person,
                        post,
                        leave: Some(*leave),
                    },
                );
            }
            DutyEvent::Published { by, on } => self.published = Some((*by, *on)),
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        IndexFields {
            status: Some(
                if self.published.is_some() {
                    "published"
                } else {
                    "draft"
                }
                .into(),
            ),
            search: vec![self.month.to_string()],
            title: format!("{}年{}月值班安排表", self.month / 100, self.month % 100),
            subtitle: format!("{}", self.slots.len()),
            ..Default::default()
        }
    }
}

fn roster_draft(month: u32, e: DutyEvent) -> Draft {
    Draft {
        subject: RecordRef::new(RecordKind::Roster, roster_id(month)),
        body: EventBody::Duty(e),
    }
}

/// The supervisor puts someone on duty on a date (DUTY-1). Once published, the roster only
/// changes through an approved leave (DUTY-5: no private swaps, and no silent edits either).
pub fn set_slot(
    actor: &Actor,
    roster: &Roster,
    date: NaiveDate,
    person: Option<StaffId>,
    post: &str,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageRoster)?;
    let month = month_key(date);
    if roster.month != 0 && roster.month != month {
        return Err(DomainError::invalid(
            "日期不在本月",
            "The date is not in this month",
        ));
    }
    if roster.published.is_some() {
        return Err(DomainError::invalid(
            "值班安排表已发布：调班须由本人请假、主管批准并指定顶班人员",
            "The roster is published: a change needs a leave request approved by the supervisor, who names the replacement",
        ));
    }
    let e = match person {
        Some(person) => DutyEvent::SlotSet {
            date,
            person,
            post: if post.trim().is_empty() {
                DEFAULT_POST.into()
            } else {
                post.trim().into()
            },
        },
        None => DutyEvent::SlotCleared { date },
    };
    Ok(vec![roster_draft(month, e)])
}

/// Publishes the month's roster, signed by the supervisor, before the month starts (DUTY-1).
/// Every day must have someone on duty.
pub fn publish(
    actor: &Actor,
    roster: &Roster,
    month: u32,
    today: NaiveDate,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageRoster)?;
    if roster.published.is_some() {
        return Err(DomainError::invalid("已发布", "Already published"));
    }
    let mut r = roster.clone();
    r.month = month;
    let gaps = r.gaps();
    if !gaps.is_empty() {
        let days: Vec<String> = gaps.iter().map(|d| d.day().to_string()).collect();
        return Err(DomainError::Invalid(Text::new(
            format!("以下日期还没有值班人：{}日", days.join("、")),
            format!("Nobody is on duty yet on day {}", days.join(", ")),
        )));
    }
    Ok(vec![roster_draft(
        month,
        DutyEvent::Published {
            by: actor.id,
            on: today,
        },
    )])
}

/// DUTY-1: from the 25th, remind the supervisor when next month's roster is not published.
pub fn needs_reminder(today: NaiveDate, next: Option<&Roster>) -> bool {
    today.day() >= REMIND_FROM_DAY && next.is_none_or(|r| r.published.is_none())
}

/// A shift on the roster with its DUTY-2 hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    pub date: NaiveDate,
    pub start: i64,
    pub end: i64,
    /// 24-hour holiday duty.
    pub holiday: bool,
}

impl Shift {
    pub fn hours(&self) -> i64 {
        (self.end - self.start) / 3_600_000
    }
}

/// DUTY-2: the hours of the duty on `date` (17:30 → 08:30, holidays 24 h).
pub fn shift_of(cal: &BusinessCalendar, date: NaiveDate) -> Shift {
    let (start, end) = cal.duty_shift(date);
    Shift {
        date,
        start,
        end,
        holiday: cal.is_holiday(date),
    }
}

/// The person's published duties from `today` on, across the rosters given (home screen).
pub fn upcoming(
    rosters: &[Roster],
    me: StaffId,
    today: NaiveDate,
    cal: &BusinessCalendar,
) -> Vec<Shift> {
    let mut out: Vec<Shift> = rosters
        .iter()
        .filter(|r| r.published.is_some())
        .flat_map(|r| r.slots.iter())
        .filter(|(d, s)| **d >= today && s.person == me)
        .map(|(d, _)| shift_of(cal, *d))
        .collect();
    out.sort_by_key(|s| s.date);
    out
}

// ----- leave (DUTY-5) ---------------------------------------------------------------------

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveStatus {
    #[default]
    Pending,
    Approved,
    Refused,
}

/// 请假 — a request not to do one duty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LeaveRequest {
    pub roster: Option<RecordId>,
    pub date: Option<NaiveDate>,
    pub person: Option<StaffId>,
    pub reason: String,
    pub supervisor: Option<StaffId>,
    pub status: LeaveStatus,
    pub replacement: Option<StaffId>,
    pub decided_by: Option<StaffId>,
    pub refusal: String,
    pub clock: Option<Clock>,
}

impl Aggregate for LeaveRequest {
    const KIND: RecordKind = RecordKind::DutyLeave;
    fn apply(&mut self, event: &Event) {
        let EventBody::Duty(e) = &event.body else {
            return;
        };
        match e {
            DutyEvent::LeaveRequested {
                roster,
                date,
                person,
                reason,
                supervisor,
                clock,
            } => {
                self.roster = Some(*roster);
                self.date = Some(*date);
                self.person = Some(*person);
                self.reason = reason.clone();
                self.supervisor = Some(*supervisor);
                self.clock = Some((**clock).clone());
            }
            DutyEvent::LeaveApproved {
                replacement,
                by,
                at,
            } => {
                self.status = LeaveStatus::Approved;
                self.replacement = Some(*replacement);
                self.decided_by = Some(*by);
                if let Some(c) = &mut self.clock {
                    c.stop(*at)
                }
            }
            DutyEvent::LeaveRefused { reason, by, at } => {
                self.status = LeaveStatus::Refused;
                self.refusal = reason.clone();
                self.decided_by = Some(*by);
                if let Some(c) = &mut self.clock {
                    c.stop(*at)
                }
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let pending = self.status == LeaveStatus::Pending;
        IndexFields {
            status: Some(
                match self.status {
                    LeaveStatus::Pending => "pending",
                    LeaveStatus::Approved => "approved",
                    LeaveStatus::Refused => "refused",
                }
                .into(),
            ),
            due: self.clock.as_ref().filter(|_| pending).map(|c| c.deadline),
            // The supervisor's to-do while undecided (DUTY-5).
            assignee: if pending { self.supervisor } else { None },
            title: format!(
                "请假 {}",
                self.date.map(|d| d.to_string()).unwrap_or_default()
            ),
            subtitle: self.reason.clone(),
            clock: self.clock.clone(),
            // A person's own requests (DUTY-5, "我的请假"): one prefix read (issue 19).
            search: self.person.map(leave_by_key).into_iter().collect(),
            ..Default::default()
        }
    }
    /// The request holds no history: it is its own list row (issue 19).
    fn list_row(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("leave request serialises")
    }
}

/// The search key of a person's leave requests ("by|<staff id>").
pub fn leave_by_key(person: StaffId) -> String {
    format!("by|{person}")
}

fn leave_draft(id: RecordId, e: DutyEvent) -> Draft {
    Draft {
        subject: RecordRef::new(RecordKind::DutyLeave, id),
        body: EventBody::Duty(e),
    }
}

/// Asks not to do a published duty; the supervisor decides within a day (DUTY-5).
#[allow(clippy::too_many_arguments)]
pub fn request_leave(
    actor: &Actor,
    id: RecordId,
    roster: &Roster,
    date: NaiveDate,
    reason: &str,
    supervisor: StaffId,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RequestLeave)?;
    let reason = required(reason, Text::new("请假事由", "the reason"))?;
    if roster.person_on(date) != Some(actor.id) {
        return Err(DomainError::invalid(
            "这一天不是你值班",
            "You are not on duty that day",
        ));
    }
    if date < cal.local_date(now) {
        return Err(DomainError::invalid("这一天已过", "That day has passed"));
    }
    let clock = ClockSpec::days(1).start(Text::new("请假审批", "Leave decision"), now, cal);
    Ok(vec![leave_draft(
        id,
        DutyEvent::LeaveRequested {
            roster: roster_id(month_key(date)),
            date,
            person: actor.id,
            reason,
            supervisor,
            clock: Box::new(clock),
        },
    )])
}

/// The supervisor approves and names who takes the duty; the roster changes with it (DUTY-5).
pub fn approve_leave(
    actor: &Actor,
    id: RecordId,
    leave: &LeaveRequest,
    replacement: StaffId,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageRoster)?;
    let (Some(date), Some(person)) = (leave.date, leave.person) else {
        return Err(DomainError::NotFound(Text::new(
            "找不到请假申请",
            "Leave request not found",
        )));
    };
    if leave.status != LeaveStatus::Pending {
        return Err(DomainError::invalid("该申请已处理", "Already decided"));
    }
    if replacement == person {
        return Err(DomainError::invalid(
            "顶班人员不能是请假人本人",
            "The replacement cannot be the person on leave",
        ));
    }
    Ok(vec![
        leave_draft(
            id,
            DutyEvent::LeaveApproved {
                replacement,
                by: actor.id,
                at: now,
            },
        ),
        roster_draft(
            month_key(date),
            DutyEvent::SlotReplaced {
                date,
                person: replacement,
                leave: id,
            },
        ),
    ])
}

pub fn refuse_leave(
    actor: &Actor,
    id: RecordId,
    leave: &LeaveRequest,
    reason: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageRoster)?;
    if leave.status != LeaveStatus::Pending {
        return Err(DomainError::invalid("该申请已处理", "Already decided"));
    }
    let reason = required(reason, Text::new("不批准的理由", "the reason for refusing"))?;
    Ok(vec![leave_draft(
        id,
        DutyEvent::LeaveRefused {
            reason,
            by: actor.id,
            at: now,
        },
    )])
}

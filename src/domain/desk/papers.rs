//! 收发报刊 — newspapers (DESK-2, seed 001 §6.3): the subscription list per customer kept
//! current (every change an event), the day's papers received from the carrier and sorted by
//! 08:30 (a clock), and anything not distributed the same day left open so the front-desk
//! handover carries it (DUTY-11) until it is handed out.

use super::DeskEvent;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::{required, Actor, DomainError};
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{Id, RecordId, StaffId};
use crate::domain::roles::Action;
use crate::domain::sla::Clock;
use crate::domain::view::{Aggregate, IndexFields};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// Sorting is done by 08:30 (seed §6.3.4).
pub fn sort_by() -> NaiveTime {
    NaiveTime::from_hms_opt(8, 30, 0).expect("valid time")
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum PapersEvent {
    /// A customer's subscription set or changed (the whole line each time).
    SubscriptionSet {
        subscriber: String,
        unit: Option<RecordId>,
        place: String,
        /// The titles and copies, e.g. "北京青年报×1".
        papers: Vec<String>,
        active: bool,
        at: i64,
        by: StaffId,
    },
    /// The day's papers taken over from the carrier, counted; the sorting clock starts.
    Received {
        date: NaiveDate,
        count: u32,
        at: i64,
        by: StaffId,
        clock: Box<Clock>,
    },
    /// Sorted (seed: by 08:30, on the front desk's upper left).
    Sorted { at: i64, by: StaffId },
    /// Not distributed today: who and why, carried in the handover until handed out.
    Undistributed {
        lines: Vec<String>,
        at: i64,
        by: StaffId,
        clock: Box<Clock>,
    },
    /// The leftover papers handed out.
    Distributed { at: i64, by: StaffId },
}

impl PapersEvent {
    pub fn label(&self) -> Text {
        match self {
            PapersEvent::SubscriptionSet { .. } => Text::new("订报登记", "Subscription set"),
            PapersEvent::Received { .. } => Text::new("报刊交接", "Papers received"),
            PapersEvent::Sorted { .. } => Text::new("报刊分拣完成", "Papers sorted"),
            PapersEvent::Undistributed { .. } => {
                Text::new("报刊未能当日发放", "Papers not distributed today")
            }
            PapersEvent::Distributed { .. } => Text::new("报刊已发放", "Papers distributed"),
        }
    }
}

/// 客户订报 — one customer's subscription.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub subscriber: String,
    pub unit: Option<RecordId>,
    pub place: String,
    pub papers: Vec<String>,
    pub active: bool,
    /// How many times it was changed (the list kept current).
    pub changes: u32,
    pub updated: i64,
}

impl Aggregate for Subscription {
    const KIND: RecordKind = RecordKind::Subscription;
    fn apply(&mut self, event: &Event) {
        if let EventBody::Desk(DeskEvent::Papers(PapersEvent::SubscriptionSet {
            subscriber,
            unit,
            place,
            papers,
            active,
            at,
            ..
        })) = &event.body
        {
            if self.updated > 0 {
                self.changes += 1;
            }
            self.subscriber = subscriber.clone();
            self.unit = *unit;
            self.place = place.clone();
            self.papers = papers.clone();
            self.active = *active;
            self.updated = *at;
        }
    }
    fn index(&self) -> IndexFields {
        let status = if self.active { "active" } else { "stopped" };
        IndexFields {
            status: Some(status.into()),
            unit: self.unit,
            search: vec![self.subscriber.clone(), self.place.clone()],
            title: format!("{} {}", self.place, self.subscriber),
            subtitle: self.papers.join("、"),
            ..Default::default()
        }
    }
}

/// 报刊分拣 — one day's papers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PaperDay {
    pub date: Option<NaiveDate>,
    pub count: u32,
    pub received_by: Option<StaffId>,
    pub sorted: Option<(i64, StaffId)>,
    pub undistributed: Vec<String>,
    pub distributed: Option<(i64, StaffId)>,
    pub clock: Option<Clock>,
    /// The sorting clock, kept after it stopped (met in time / late).
    pub sort_clock: Option<Clock>,
}

impl PaperDay {
    pub fn status(&self) -> &'static str {
        if self.sorted.is_none() {
            "to_sort"
        } else if !self.undistributed.is_empty() && self.distributed.is_none() {
            "undistributed"
        } else {
            "done"
        }
    }
}

impl Aggregate for PaperDay {
    const KIND: RecordKind = RecordKind::PaperDay;
    fn apply(&mut self, event: &Event) {
        let EventBody::Desk(DeskEvent::Papers(e)) = &event.body else {
            return;
        };
        match e {
            PapersEvent::Received {
                date,
                count,
                by,
                clock,
                ..
            } => {
                if self.date.is_none() {
                    self.date = Some(*date);
                    self.count = *count;
                    self.received_by = Some(*by);
                    self.clock = Some((**clock).clone());
                    self.sort_clock = Some((**clock).clone());
                }
            }
            PapersEvent::Sorted { at, by } => {
                if self.sorted.is_none() {
                    self.sorted = Some((*at, *by));
                    if let Some(c) = self.sort_clock.as_mut() {
                        c.stop(*at);
                    }
                    self.clock = None;
                }
            }
            PapersEvent::Undistributed {
                lines, by, clock, ..
            } => {
                self.undistributed.extend(lines.iter().cloned());
                self.received_by = Some(*by);
                if self.distributed.is_none() {
                    self.clock = Some((**clock).clone());
                }
            }
            PapersEvent::Distributed { at, by } => {
                if self.distributed.is_none() {
                    self.distributed = Some((*at, *by));
                }
                self.clock = None;
            }
            PapersEvent::SubscriptionSet { .. } => {}
        }
    }
    fn index(&self) -> IndexFields {
        let date = self.date.map(|d| d.to_string()).unwrap_or_default();
        let running = self.clock.as_ref().is_some_and(|c| c.is_running());
        IndexFields {
            status: Some(self.status().into()),
            due: self.clock.as_ref().map(|c| c.deadline),
            assignee: if running { self.received_by } else { None },
            search: vec![format!("d|{date}")],
            title: if self.status() == "undistributed" {
                format!("报刊未发放 {date}：{}", self.undistributed.join("、"))
            } else {
                format!("报刊分拣 {date}")
            },
            subtitle: self.status().into(),
            clock: self.clock.clone(),
            ..Default::default()
        }
    }
}

/// The day's papers record (derived from the date: the same on every tablet).
pub fn paper_day_id(date: NaiveDate) -> RecordId {
    Id::derived(&format!("paper-day:{date}"), 0)
}

fn draft(kind: RecordKind, id: RecordId, e: PapersEvent) -> Draft {
    Draft {
        subject: RecordRef::new(kind, id),
        body: EventBody::Desk(DeskEvent::Papers(e)),
    }
}

/// Sets or changes a customer's subscription (DESK-2: the list kept current).
#[allow(clippy::too_many_arguments)]
pub fn set_subscription(
    actor: &Actor,
    id: RecordId,
    subscriber: &str,
    unit: Option<RecordId>,
    place: &str,
    papers: &[String],
    active: bool,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    let subscriber = required(subscriber, Text::new("订户", "the subscriber"))?;
    let place = required(place, Text::new("房号", "the unit"))?;
    let papers: Vec<String> = papers
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if papers.is_empty() && active {
        return Err(DomainError::invalid(
            "请填写订阅的报刊",
            "Please list the papers subscribed",
        ));
    }
    Ok(vec![draft(
        RecordKind::Subscription,
        id,
        PapersEvent::SubscriptionSet {
            subscriber,
            unit,
            place,
            papers,
            active,
            at: now,
            by: actor.id,
        },
    )])
}

/// The day's papers taken over and counted; sorting is due by 08:30 (within the hour when they
/// arrive after 08:30).
pub fn receive(
    actor: &Actor,
    day: &PaperDay,
    count: u32,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    let date = cal.local_date(now);
    if day.date.is_some() {
        return Err(DomainError::invalid(
            "今日报刊已交接",
            "Today's papers are already received",
        ));
    }
    if count == 0 {
        return Err(DomainError::invalid(
            "请填写清点数量",
            "Please enter the count",
        ));
    }
    let due = cal.at(date, sort_by());
    let deadline = if now < due { due } else { now + 60 * 60_000 };
    let clock = Clock {
        name: Text::new("报刊分拣（08:30前）", "Sort the papers (by 08:30)"),
        started: now,
        warn_at: now + (deadline - now) * 4 / 5,
        deadline,
        stopped: None,
    };
    Ok(vec![draft(
        RecordKind::PaperDay,
        paper_day_id(date),
        PapersEvent::Received {
            date,
            count,
            at: now,
            by: actor.id,
            clock: Box::new(clock),
        },
    )])
}

pub fn sorted(actor: &Actor, day: &PaperDay, now: i64) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    let Some(date) = day.date else {
        return Err(DomainError::invalid(
            "请先登记报刊交接",
            "Receive the papers first",
        ));
    };
    if day.sorted.is_some() {
        return Err(DomainError::invalid("已分拣", "Already sorted"));
    }
    Ok(vec![draft(
        RecordKind::PaperDay,
        paper_day_id(date),
        PapersEvent::Sorted {
            at: now,
            by: actor.id,
        },
    )])
}

/// Papers that could not be handed out today: logged, and carried by the front-desk handover
/// until handed out (due by the next morning's sorting time).
pub fn undistributed(
    actor: &Actor,
    day: &PaperDay,
    lines: &[String],
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    let Some(date) = day.date else {
        return Err(DomainError::invalid(
            "请先登记报刊交接",
            "Receive the papers first",
        ));
    };
    let lines: Vec<String> = lines
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(DomainError::invalid(
            "请写明未发放的报刊及原因",
            "Say which papers were not handed out and why",
        ));
    }
    let next = date.succ_opt().unwrap_or(date);
    let deadline = cal.at(next, sort_by()).max(now + 60_000);
    let clock = Clock {
        name: Text::new(
            "未发放报刊：交接并发放",
            "Undistributed papers: hand over, hand out",
        ),
        started: now,
        warn_at: now + (deadline - now) * 4 / 5,
        deadline,
        stopped: None,
    };
    Ok(vec![draft(
        RecordKind::PaperDay,
        paper_day_id(date),
        PapersEvent::Undistributed {
            lines,
            at: now,
            by: actor.id,
            clock: Box::new(clock),
        },
    )])
}

pub fn distributed(actor: &Actor, day: &PaperDay, now: i64) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    let Some(date) = day.date else {
        return Err(DomainError::invalid(
            "请先登记报刊交接",
            "Receive the papers first",
        ));
    };
    if day.undistributed.is_empty() || day.distributed.is_some() {
        return Err(DomainError::invalid(
            "没有待发放的报刊",
            "No papers are waiting to be handed out",
        ));
    }
    Ok(vec![draft(
        RecordKind::PaperDay,
        paper_day_id(date),
        PapersEvent::Distributed {
            at: now,
            by: actor.id,
        },
    )])
}

/// CSV of the subscription list (客户订报清单).
pub fn subscriptions_csv(list: &[Subscription]) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "房号".to_string(),
        "订户".into(),
        "报刊".into(),
        "状态".into(),
        "变更次数".into(),
    ]];
    for s in list {
        rows.push(vec![
            s.place.clone(),
            s.subscriber.clone(),
            s.papers.join("、"),
            if s.active { "订阅中" } else { "已停订" }.into(),
            s.changes.to_string(),
        ]);
    }
    rows
}

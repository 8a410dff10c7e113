//! 突发事件 — emergencies (SOP.md §9, seed 002 §5).
//!
//! An incident of one kind (EMG-1 assembly cases, EMG-2 playbooks) opens its playbook: a step
//! list kept here as data. Each tapped step is timestamped into the incident's timeline and
//! written into the duty log (EMG-3). Closing records cause, prevention and the affected
//! households, and starts a callback clock assigned to the supervisor (EMG-3 → CB-1).

pub mod playbook;
#[cfg(test)]
mod tests;

use super::calendar::BusinessCalendar;
use super::callbacks::{self, CallbackKind, CallbackRequest};
use super::command::{required, Actor, DomainError};
use super::duty::log::{chain_entries, log_date, DutyChain, EntryKind, NewEntry};
use super::duty::Post;
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{Id, RecordId, StaffId};
use super::roles::{Action, Role};
use super::sla::{Clock, ClockSpec};
use super::view::{Aggregate, IndexFields};
use serde::{Deserialize, Serialize};

pub use playbook::{playbook, IncidentKind, Step};

/// An incident still open after this many minutes is overdue on the handler's to-do.
pub const RESPONSE_MINUTES: i64 = 60;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum EmergencyEvent {
    Started {
        kind: IncidentKind,
        place: String,
        at: i64,
        by: StaffId,
        clock: Box<Clock>,
    },
    /// A playbook step done (its index in the kind's playbook).
    StepDone { step: u32, at: i64, by: StaffId },
    /// A free line in the timeline (who did what).
    Noted { text: String, at: i64, by: StaffId },
    Closed {
        cause: String,
        prevention: String,
        households: Vec<RecordId>,
        supervisor: StaffId,
        at: i64,
        by: StaffId,
    },
}

impl EmergencyEvent {
    pub fn label(&self) -> Text {
        match self {
            EmergencyEvent::Started { .. } => Text::new("启动突发事件处理", "Emergency started"),
            EmergencyEvent::StepDone { .. } => Text::new("完成步骤", "Step done"),
            EmergencyEvent::Noted { .. } => Text::new("处置记录", "Timeline note"),
            EmergencyEvent::Closed { .. } => Text::new("结案", "Closed"),
        }
    }
}

/// One line of the incident's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineLine {
    pub at: i64,
    pub by: StaffId,
    /// The playbook step, if it was one.
    pub step: Option<u32>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Closure {
    pub cause: String,
    pub prevention: String,
    pub households: Vec<RecordId>,
    pub supervisor: StaffId,
    pub at: i64,
    pub by: StaffId,
}

/// 突发事件
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub kind: Option<IncidentKind>,
    pub place: String,
    pub started: i64,
    pub by: Option<StaffId>,
    pub timeline: Vec<TimelineLine>,
    pub closed: Option<Closure>,
    /// Handling while open; the callback to the affected households once closed (EMG-3).
    pub clock: Option<Clock>,
}

impl Incident {
    pub fn done_steps(&self) -> Vec<u32> {
        self.timeline.iter().filter_map(|l| l.step).collect()
    }
}

impl Aggregate for Incident {
    const KIND: RecordKind = RecordKind::Incident;
    fn apply(&mut self, event: &Event) {
        let EventBody::Emergency(e) = &event.body else {
            return;
        };
        match e {
            EmergencyEvent::Started {
                kind,
                place,
                at,
                by,
                clock,
            } => {
                self.kind = Some(*kind);
                self.place = place.clone();
                self.started = *at;
                self.by = Some(*by);
                self.clock = Some((**clock).clone());
                self.timeline.push(TimelineLine {
                    at: *at,
                    by: *by,
                    step: None,
                    text: format!("启动：{}", kind.label().zh),
                });
            }
            EmergencyEvent::StepDone { step, at, by } => {
                let text = self
                    .kind
                    .and_then(|k| playbook(k).get(*step as usize).map(|s| s.zh.to_string()))
                    .unwrap_or_default();
                self.timeline.push(TimelineLine {
                    at: *at,
                    by: *by,
                    step: Some(*step),
                    text,
                });
            }
            EmergencyEvent::Noted { text, at, by } => self.timeline.push(TimelineLine {
                at: *at,
                by: *by,
                step: None,
                text: text.clone(),
            }),
            EmergencyEvent::Closed {
                cause,
                prevention,
                households,
                supervisor,
                at,
                by,
            } => {
                self.closed = Some(Closure {
                    cause: cause.clone(),
                    prevention: prevention.clone(),
                    households: households.clone(),
                    supervisor: *supervisor,
                    at: *at,
                    by: *by,
                });
                // EMG-3: the follow-up is the callbacks' (CB-1), on the supervisor's queue.
                self.clock = None;
            }
        }
    }
    fn index(&self) -> IndexFields {
        let kind = self.kind.map(|k| k.label().zh).unwrap_or_default();
        let (status, assignee) = match &self.closed {
            None => ("open", self.by),
            Some(_) => ("closed", None),
        };
        IndexFields {
            status: Some(status.into()),
            due: self.clock.as_ref().map(|c| c.deadline),
            assignee,
            search: vec![
                kind.clone(),
                self.place.clone(),
                // The month's incidents for the quality pack: one prefix read (issue 19).
                incident_month_key(&super::calendar::month_key(self.started)),
            ],
            title: format!("{kind} {}", self.place),
            subtitle: status.into(),
            clock: self.clock.clone(),
            ..Default::default()
        }
    }
}

/// The search key of the incidents started in a month ("incm|2026-11", issue 19).
pub fn incident_month_key(month: &str) -> String {
    format!("incm|{month}")
}

fn incident_draft(id: RecordId, e: EmergencyEvent) -> Draft {
    Draft {
        subject: RecordRef::new(RecordKind::Incident, id),
        body: EventBody::Emergency(e),
    }
}

/// Where the duty log entry of an incident goes (the duty of the moment, else today).
fn log_line(
    head: &DutyChain,
    by: StaffId,
    cal: &BusinessCalendar,
    now: i64,
    id: RecordId,
    text: String,
) -> Vec<Draft> {
    let mut head = head.clone();
    chain_entries(
        &mut head,
        by,
        Post::ServiceCentre,
        log_date(cal, Post::ServiceCentre, now),
        now,
        vec![(
            NewEntry {
                kind: EntryKind::Emergency,
                text,
                follow_up: String::new(),
                incident: Some(id),
            },
            None,
        )],
    )
}

/// One tap: an incident of `kind` starts, and the duty log says so (EMG-1, EMG-2, EMG-3).
#[allow(clippy::too_many_arguments)]
pub fn start(
    actor: &Actor,
    id: RecordId,
    kind: IncidentKind,
    place: &str,
    head: &DutyChain,
    cal: &BusinessCalendar,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RunEmergency)?;
    let clock = ClockSpec::elapsed_minutes(RESPONSE_MINUTES).start(
        Text::new("突发事件处置", "Emergency in progress"),
        now,
        cal,
    );
    let mut d = vec![incident_draft(
        id,
        EmergencyEvent::Started {
            kind,
            place: place.trim().into(),
            at: now,
            by: actor.id,
            clock: Box::new(clock),
        },
    )];
    let where_ = if place.trim().is_empty() {
        String::new()
    } else {
        format!("（{}）", place.trim())
    };
    d.extend(log_line(
        head,
        actor.id,
        cal,
        now,
        id,
        format!("突发事件：{}{where_}，启动处置", kind.label().zh),
    ));
    Ok(d)
}

/// A playbook step tapped: timestamped in the timeline and the duty log (EMG-3). Steps may be
/// done in any order (a real scene doesn't follow the list), each once.
pub fn step(
    actor: &Actor,
    id: RecordId,
    incident: &Incident,
    step: u32,
    head: &DutyChain,
    cal: &BusinessCalendar,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RunEmergency)?;
    let Some(kind) = incident.kind else {
        return Err(DomainError::NotFound(Text::new(
            "找不到该事件",
            "Incident not found",
        )));
    };
    if incident.closed.is_some() {
        return Err(DomainError::invalid("事件已结案", "The incident is closed"));
    }
    let Some(s) = playbook(kind).get(step as usize).copied() else {
        return Err(DomainError::invalid("没有这个步骤", "No such step"));
    };
    if incident.done_steps().contains(&step) {
        return Err(DomainError::invalid(
            "该步骤已记录",
            "That step is already recorded",
        ));
    }
    let mut d = vec![incident_draft(
        id,
        EmergencyEvent::StepDone {
            step,
            at: now,
            by: actor.id,
        },
    )];
    d.extend(log_line(
        head,
        actor.id,
        cal,
        now,
        id,
        format!("{}：{}", kind.label().zh, s.zh),
    ));
    Ok(d)
}

/// A free line in the timeline (who did what), also in the duty log.
pub fn note(
    actor: &Actor,
    id: RecordId,
    incident: &Incident,
    text: &str,
    head: &DutyChain,
    cal: &BusinessCalendar,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RunEmergency)?;
    let text = required(text, Text::new("处置情况", "what was done"))?;
    let Some(kind) = incident.kind else {
        return Err(DomainError::NotFound(Text::new(
            "找不到该事件",
            "Incident not found",
        )));
    };
    if incident.closed.is_some() {
        return Err(DomainError::invalid("事件已结案", "The incident is closed"));
    }
    let mut d = vec![incident_draft(
        id,
        EmergencyEvent::Noted {
            text: text.clone(),
            at: now,
            by: actor.id,
        },
    )];
    d.extend(log_line(
        head,
        actor.id,
        cal,
        now,
        id,
        format!("{}：{text}", kind.label().zh),
    ));
    Ok(d)
}

/// Closes the incident with cause and prevention (EMG-3). Each affected household (id and how
/// to name it: unit and person) gets a callback of kind 突发事件回访 in the supervisor's
/// callback queue (CB-1), due by that kind's rule.
#[allow(clippy::too_many_arguments)]
pub fn close(
    actor: &Actor,
    id: RecordId,
    incident: &Incident,
    cause: &str,
    prevention: &str,
    households: &[(RecordId, String)],
    supervisor: StaffId,
    head: &DutyChain,
    cal: &BusinessCalendar,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::CloseIncident)?;
    let Some(kind) = incident.kind else {
        return Err(DomainError::NotFound(Text::new(
            "找不到该事件",
            "Incident not found",
        )));
    };
    if incident.closed.is_some() {
        return Err(DomainError::invalid(
            "事件已结案",
            "The incident is already closed",
        ));
    }
    let cause = required(cause, Text::new("事件原因", "the cause"))?;
    let prevention = required(prevention, Text::new("预防措施", "the prevention"))?;
    let mut affected = households.to_vec();
    affected.sort();
    affected.dedup_by_key(|h| h.0);
    let households: Vec<RecordId> = affected.iter().map(|h| h.0).collect();
    let mut d = vec![incident_draft(
        id,
        EmergencyEvent::Closed {
            cause: cause.clone(),
            prevention: prevention.clone(),
            households: households.clone(),
            supervisor,
            at: now,
            by: actor.id,
        },
    )];
    d.extend(log_line(
        head,
        actor.id,
        cal,
        now,
        id,
        format!(
            "{}结案。原因：{cause}；预防措施：{prevention}；需回访{}户",
            kind.label().zh,
            households.len()
        ),
    ));
    for (n, (household, place)) in affected.iter().enumerate() {
        let req = CallbackRequest {
            kind: CallbackKind::Emergency,
            source: Some(RecordRef::new(RecordKind::Incident, id)),
            household: Some(*household),
            unit: None,
            place: place.clone(),
            contact: String::new(),
            topic: format!("{}：{cause}", kind.label().zh),
            role: Role::Supervisor,
            assignee: Some(supervisor),
            previous: None,
        };
        // Derived ids: the incident closes once, so its callbacks are the same on every tablet.
        let cb = Id::derived(&format!("incident-callback:{id}"), n as u64);
        d.extend(callbacks::schedule(actor, cb, &req, now, cal)?);
    }
    Ok(d)
}

/// Field group for sync conflict detection: the timeline is append-only; closing is one field.
pub fn field_group(e: &EmergencyEvent) -> &'static str {
    match e {
        EmergencyEvent::Closed { .. } => "closure",
        _ => super::event::APPEND,
    }
}

//! Authority at fold time (issue 12). Every event is authorised when it is folded, against the
//! actor's roles *as of the event's HLC* — the staff records are events too — with the rules of
//! the domain commands (`roles::authorize`, the permission matrix of SOP §0). An event that fails
//! takes no effect on any view; it stays stored (events are never deleted) and is listed for the
//! Director as a [`Refusal`].
//!
//! The [`Ledger`] is a pure function of the *set* of authority events (every Staff event and the
//! estate's `Founded`): they are decided in HLC order, each against the ledger as it stood just
//! before it, so every tablet reaches the same decisions whatever order the events arrived in.

use super::estate::EstateEvent;
use super::event::{Event, EventBody, RecordKind, RecordRef};
use super::hlc::Hlc;
use super::i18n::Text;
use super::ids::{DeviceId, EventId, StaffId};
use super::roles::{authorize as matrix, Action, Role};
use super::staff::StaffEvent;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What an event needs of its actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// One of these actions (a variant written by several commands needs any one of theirs).
    AnyOf(&'static [Action]),
    /// The action, unless the actor is the subject (a person setting their own PIN).
    SelfOr(Action),
    /// Any active staff member (work every signed-in person's command may cause).
    AnyActive,
    /// Only the first run (`staff::first_run`): the estate's founding.
    FirstRun,
}

/// The requirement of every event variant of every module: the action its domain command
/// checks (`actor.may(..)`). The match is exhaustive on purpose — no `_` arm — so a new variant
/// does not compile without a rule (issue 12). Where a command refines the role by the
/// record's state (callback role ranked by class CMP-10, the round's walker, the complaint's
/// handler), only the matrix part is checked here: the fold knows the role, not the state.
pub fn requirement(body: &EventBody) -> Requirement {
    use super::complaints::ComplaintsEvent as C;
    use super::duty::DutyEvent as D;
    use super::emergency::EmergencyEvent as M;
    use super::patrol::PatrolEvent as P;
    use super::registry::RegistryEvent as R;
    use super::violations::ViolationsEvent as V;
    use super::workorder::WorkOrderEvent as W;
    use Action::*;
    use Requirement::*;
    match body {
        EventBody::Estate(e) => match e {
            EstateEvent::Founded { .. } => FirstRun,
            EstateEvent::Renamed { .. } | EstateEvent::SettingsChanged { .. } => {
                AnyOf(&[ChangeSettings])
            }
        },
        EventBody::Staff(e) => match e {
            StaffEvent::Created { .. }
            | StaffEvent::Updated { .. }
            | StaffEvent::Deactivated
            | StaffEvent::Reactivated => AnyOf(&[ManageStaff]),
            // staff::set_pin: a Director for anyone, or a person for themselves.
            StaffEvent::PinSet { .. } => SelfOr(ManageStaff),
        },
        EventBody::Registry(e) => match e {
            R::BuildingSet { .. }
            | R::UnitSet { .. }
            | R::HouseholdSet { .. }
            | R::HouseholdMovedOut { .. }
            | R::FacilitySet { .. }
            | R::CheckpointSet { .. } => AnyOf(&[EditRegistry]),
        },
        EventBody::Complaints(e) => match e {
            // register; convert_to_complaint (HandleHelp) registers one too.
            C::Registered { .. } => AnyOf(&[RegisterComplaint, HandleHelp]),
            C::RaisedAgain { .. } => AnyOf(&[RegisterComplaint]),
            C::Dispatched { .. } => AnyOf(&[DispatchComplaint]),
            // dispatch (DispatchComplaint) or alert_director (RegisterComplaint).
            C::DirectorAlerted { .. } => AnyOf(&[RegisterComplaint, DispatchComplaint]),
            // handler_check (HandleComplaint; the assigned handler is state, not checked here).
            C::Accepted { .. } | C::Progress { .. } | C::OutsideLiaison { .. } => {
                AnyOf(&[HandleComplaint])
            }
            // contacted (HandleComplaint) or complete (CloseComplaint).
            C::Contacted { .. } => AnyOf(&[HandleComplaint, CloseComplaint]),
            C::CustomerTold { .. } => AnyOf(&[InformCustomer]),
            C::Completed { .. } => AnyOf(&[CloseComplaint]),
            // escalations_due: CMP-3's clock running out, written by whoever opens the list.
            C::Escalated { .. } => AnyActive,
            // record_callback (the callback role ranked by class is state: CMP-10).
            C::CalledBack { .. } | C::CallbackRecorded { .. } | C::CallbackUnreached { .. } => {
                AnyOf(&[RecordCallback])
            }
            // callbacks::schedule: "part of completing work, so any signed-in staff member may
            // cause it" (complete, emergency close, monthly_round).
            C::CallbackScheduled { .. } => AnyActive,
            C::CallbackPlanned { .. } | C::CallbackReviewed { .. } | C::OpenLetterFiled { .. } => {
                AnyOf(&[PlanCallbacks])
            }
            C::HelpRegistered { .. }
            | C::HelpAnswered { .. }
            | C::HelpConverted { .. }
            | C::MedicalPathChosen { .. }
            | C::MedicalStepDone { .. }
            | C::HelpNotified { .. }
            | C::HelpClosed { .. }
            | C::HelpReferred { .. } => AnyOf(&[HandleHelp]),
            // HELP-4: the referred enquiry's answer needs the supervisor's role at fold time too.
            C::HelpSupervisorAnswered { .. } => AnyOf(&[AnswerReferredHelp]),
        },
        EventBody::Patrol(e) => match e {
            P::RouteSet { .. } => AnyOf(&[ManagePatrolRoutes]),
            // plan_week, start/check_in/finish (may_walk: the round's walker is state),
            // close_overdue, raise_finding, owner_told.
            P::RoundScheduled { .. }
            | P::RoundStarted { .. }
            | P::CheckedIn(_)
            | P::RoundFinished { .. }
            | P::RoundFindingLinked { .. }
            | P::FindingRaised { .. }
            | P::CleaningRaised { .. }
            | P::ViolationDrafted { .. }
            | P::OwnerTold { .. }
            // inspect_order (PAT-2): walking an inspection round.
            | P::OrderInspected(_) => AnyOf(&[WalkPatrol]),
            // acknowledge (HandleFinding), work order take (HandleWorkOrder), file_violation.
            P::FindingReported { .. } => {
                AnyOf(&[HandleFinding, HandleWorkOrder, ManagePatrolRoutes])
            }
            // handle_finding / rectify_cleaning (HandleFinding), work order complete.
            P::FindingHandled { .. } => AnyOf(&[HandleFinding, HandleWorkOrder]),
            P::CleaningRectified { .. } => AnyOf(&[HandleFinding]),
            P::ViolationFiled { .. } => AnyOf(&[ManagePatrolRoutes]),
        },
        EventBody::WorkOrder(e) => match e {
            // Opened only by raise_finding (workorder::open_from_patrol).
            W::Opened { .. } => AnyOf(&[WalkPatrol]),
            W::Notified { .. } | W::OnSite { .. } | W::Completed { .. } => {
                AnyOf(&[HandleWorkOrder])
            }
            // issue 15: fees::set_item.
            W::FeeItemSet { .. } => AnyOf(&[ApproveFees]),
            // orders::take_order (TakeOrder) or from_help (HandleHelp, HELP-5).
            W::Taken { .. } => AnyOf(&[TakeOrder, HandleHelp]),
            // fee_answer, collect, rework: the desk.
            W::FeeAnswered { .. } | W::FeeCollected { .. } | W::ReworkRequested { .. } => {
                AnyOf(&[TakeOrder])
            }
            // receive, assess, dispatch: the department lead.
            W::Received { .. } | W::Assessed { .. } | W::Dispatched { .. } => {
                AnyOf(&[DispatchOrder])
            }
            // on site (the supervisor's PIN on a decline is a second actor: state).
            W::ItemsCorrected { .. }
            | W::CustomerAgreed { .. }
            | W::Declined { .. }
            | W::MaterialChecked { .. }
            | W::Finished { .. } => AnyOf(&[HandleWorkOrder]),
            // paper: supervisor (DispatchOrder) then desk (TakeOrder).
            W::PaperMoved { .. } => AnyOf(&[DispatchOrder, TakeOrder]),
            // daily_check: an assistant.
            W::DailyChecked { .. } => AnyOf(&[RecordCallback]),
            // PAID-6: report::reconcile_month, the Supervisor (or the Director).
            W::PaidReconciled { .. } => AnyOf(&[ReconcilePaid]),
        },
        EventBody::Duty(e) => match e {
            D::SlotSet { .. }
            | D::SlotCleared { .. }
            | D::Published { .. }
            | D::SlotReplaced { .. }
            | D::LeaveApproved { .. }
            | D::LeaveRefused { .. } => AnyOf(&[ManageRoster]),
            D::LeaveRequested { .. } => AnyOf(&[RequestLeave]),
            // add_entry / correct_entry (KeepDutyLog), hand_over (HandOver); an incident's
            // timeline entry is written by the emergency commands (EMG-3).
            D::EntryAdded { entry, .. } => {
                if entry.incident.is_some() {
                    AnyOf(&[RunEmergency, CloseIncident])
                } else {
                    AnyOf(&[KeepDutyLog, HandOver])
                }
            }
            // The chain head moves with every entry, whichever command wrote it.
            D::ChainLinked { .. } => AnyOf(&[KeepDutyLog, HandOver, RunEmergency, CloseIncident]),
            D::LogSigned { .. } => AnyOf(&[ReviewDutyLog]),
            D::HandedOver { .. } => AnyOf(&[HandOver]),
        },
        // device::enroll: a Director enrols the tablet (issue 12, signatures).
        EventBody::Device(e) => match e {
            super::device::DeviceEvent::Enrolled { .. } => AnyOf(&[EnrollDevice]),
        },
        EventBody::Emergency(e) => match e {
            M::Started { .. } | M::StepDone { .. } | M::Noted { .. } => AnyOf(&[RunEmergency]),
            M::Closed { .. } => AnyOf(&[CloseIncident]),
        },
        // training::{set_item, retire_item} (EditTrainingMatrix), {plan, record}
        // (RecordTraining) — TRAIN-1..2.
        EventBody::Training(e) => {
            use super::training::TrainingEvent as T;
            match e {
                T::ItemSet { .. } | T::ItemRetired { .. } => AnyOf(&[EditTrainingMatrix]),
                T::Planned { .. } | T::Trained { .. } => AnyOf(&[RecordTraining]),
            }
        }
        // discipline::record — PAID-8.
        EventBody::Discipline(e) => match e {
            super::discipline::DisciplineEvent::Recorded { .. } => AnyOf(&[RecordDiscipline]),
        },
        // cash::collect / close_day / carry_over (PAID-4, DESK-3; issue 17).
        EventBody::Cash(e) => match e {
            super::cash::CashEvent::Collected { .. } => AnyOf(&[TakeCash]),
            super::cash::CashEvent::Closed { .. } => AnyOf(&[CloseTill]),
            super::cash::CashEvent::CarriedOver { .. } => AnyOf(&[CarryOverCash]),
        },
        // desk::{mail, papers, consign} (DESK-1..3; issue 17): the front desk's registers; an
        // unknown address is identified by an Assistant (seed 001 §6.2.5).
        EventBody::Desk(e) => match e {
            super::desk::DeskEvent::Mail(super::desk::MailEvent::Identified { .. }) => {
                AnyOf(&[IdentifyMail])
            }
            super::desk::DeskEvent::Mail(_)
            | super::desk::DeskEvent::Papers(_)
            | super::desk::DeskEvent::Consign(_) => AnyOf(&[KeepDeskRegisters]),
        },
        // violations: record (anyone, also patrol's raise_finding), decide (the Director for
        // compensation and cuts: VIO-5), approve / send back (Director), facts, follow-up.
        // The major-violation refinement (Director only) needs the record's state: command.
        EventBody::Violations(e) => match e {
            V::Recorded { .. } => AnyOf(&[RecordViolation]),
            V::Decided { decision, .. } => {
                if decision.method.director_only() {
                    AnyOf(&[ApproveViolation])
                } else {
                    AnyOf(&[DecideViolation])
                }
            }
            V::Approved { .. } | V::SentBack { .. } => AnyOf(&[ApproveViolation]),
            V::ArrearsRecorded { .. }
            | V::MediationRecorded { .. }
            | V::CommitteeSupported { .. } => AnyOf(&[DecideViolation]),
            V::NoticeServed { .. } | V::Rechecked { .. } | V::FollowedUp { .. } => {
                AnyOf(&[FollowUpViolation])
            }
        },
        // retention::purge: the Director (QUAL-4).
        // forum::hold (PlanCallbacks), forum::follow_up (RecordCallback).
        EventBody::Forum(e) => match e {
            super::forum::ForumEvent::Held { .. } => AnyOf(&[PlanCallbacks]),
            super::forum::ForumEvent::FollowedUp { .. } => AnyOf(&[RecordCallback]),
        },
        EventBody::Review(e) => match e {
            super::review::ReviewEvent::Submitted { .. } => AnyOf(&[SubmitMonthlyResults]),
            super::review::ReviewEvent::Acknowledged { .. } => AnyOf(&[AcknowledgeMonthlyResults]),
        },
        EventBody::Retention(e) => match e {
            super::retention::RetentionEvent::Purged { .. } => AnyOf(&[PurgeRecords]),
        },
        // movein (MOVE-1..10; issue 16): the Supervisor opens a batch and reports no-shows,
        // the Assistant reminds, customer service runs the sessions (`MoveInEvent::action`).
        EventBody::MoveIn(e) => match e.action() {
            OpenMoveIn => AnyOf(&[OpenMoveIn]),
            RemindMoveIn => AnyOf(&[RemindMoveIn]),
            _ => AnyOf(&[HandleMoveIn]),
        },
        // quality::{survey, arrears, find_major_incident} (QUAL-1..2, PAT-7; issue 18). The
        // owner-or-Director refinement of a corrective action's close is state: command.
        EventBody::Quality(e) => {
            use super::quality::QualityEvent as Q;
            match e {
                Q::SurveyDrafted { .. }
                | Q::SurveyItemsSet { .. }
                | Q::SurveyStarted { .. }
                | Q::SurveyClosed { .. }
                | Q::CorrectiveOpened { .. }
                | Q::MajorIncidentFound { .. } => AnyOf(&[ManageQuality]),
                Q::SurveyAnswered { .. } | Q::CorrectiveDone { .. } => AnyOf(&[TakeSurvey]),
                Q::ArrearsImported { .. } => AnyOf(&[ImportArrears]),
                Q::ArrearsCalled { .. } | Q::ArrearsVisited { .. } => AnyOf(&[FollowUpArrears]),
            }
        }
        // corrective::{open, verify, send_back} (OpenCorrective), {note, done}
        // (ReportCorrective; CMP-12, QUAL-1). The owner-or-opener and the opener's-level
        // refinements are state: command.
        EventBody::Corrective(e) => match e.action() {
            OpenCorrective => AnyOf(&[OpenCorrective]),
            _ => AnyOf(&[ReportCorrective]),
        },
    }
}

/// Whether an event belongs to the ledger (it can change who may do what).
pub fn is_authority(e: &Event) -> bool {
    matches!(e.body, EventBody::Staff(_))
        || matches!(e.body, EventBody::Estate(EstateEvent::Founded { .. }))
}

/// An event that took no effect, for the Director's list (issue 12): who, which tablet, when,
/// what it tried, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub event: EventId,
    pub actor: Option<StaffId>,
    /// The tablet that wrote it (`at.device`).
    pub device: DeviceId,
    pub at: Hlc,
    pub subject: RecordRef,
    /// `EventBody::label()`.
    pub what: Text,
    pub why: Text,
}

/// The ledger's decision on one authority event: when, by whom, and the outcome.
type Decision = (Hlc, Option<StaffId>, Result<(), Text>);

/// A person's standing from one moment on.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Standing {
    from: Hlc,
    roles: BTreeSet<Role>,
    active: bool,
}

/// The estate's founding (first run): the earliest `Founded` and the first Director created
/// in the same batch (same device, same wall ms).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct Founding {
    founded: Option<(EventId, Hlc)>,
    director: Option<(EventId, StaffId, Hlc)>,
}

/// Every staff member's roles and active flag over HLC time, and the decision on every
/// authority event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    timelines: HashMap<StaffId, Vec<Standing>>,
    decisions: HashMap<EventId, Decision>,
    founding: Founding,
    /// How many authority events were folded in.
    pub size: usize,
}

fn refused(why: Text) -> Result<(), Text> {
    Err(why)
}

impl Ledger {
    /// Builds the ledger from authority events (any order, duplicates ignored; other events
    /// are skipped).
    pub fn build<'a>(events: impl IntoIterator<Item = &'a Event>) -> Ledger {
        let mut list: Vec<&Event> = events.into_iter().filter(|e| is_authority(e)).collect();
        list.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
        list.dedup_by(|a, b| a.id == b.id);
        let mut ledger = Ledger {
            size: list.len(),
            ..Default::default()
        };
        ledger.founding = founding(&list);
        let mut now: HashMap<StaffId, (BTreeSet<Role>, bool)> = HashMap::new();
        for e in list {
            let decision = ledger.decide(e);
            if decision.is_ok() {
                if let EventBody::Staff(s) = &e.body {
                    let id = e.subject.id;
                    let (roles, active) = now.entry(id).or_default().clone();
                    let next = match s {
                        StaffEvent::Created { profile } => (profile.roles.clone(), true),
                        StaffEvent::Updated { profile } => (profile.roles.clone(), active),
                        StaffEvent::Deactivated => (roles, false),
                        StaffEvent::Reactivated => (roles, true),
                        StaffEvent::PinSet { .. } => (roles, active),
                    };
                    let line = ledger.timelines.entry(id).or_default();
                    let changed = line
                        .last()
                        .is_none_or(|l| l.roles != next.0 || l.active != next.1);
                    if changed {
                        line.push(Standing {
                            from: e.at,
                            roles: next.0.clone(),
                            active: next.1,
                        });
                    }
                    now.insert(id, next);
                }
            }
            ledger.decisions.insert(e.id, (e.at, e.actor, decision));
        }
        ledger
    }

    /// A person's roles and active flag just before `at` (`None`: not yet created).
    pub fn roles_at(&self, staff: StaffId, at: Hlc) -> Option<(&BTreeSet<Role>, bool)> {
        let line = self.timelines.get(&staff)?;
        let i = line.partition_point(|s| s.from < at);
        let s = line.get(i.checked_sub(1)?)?;
        Some((&s.roles, s.active))
    }

    fn first_run(&self, e: &Event) -> Result<(), Text> {
        let not = || {
            refused(Text::new(
                "只有首次设置可以不登录写入，且仅限建立小区和第一位主任",
                "Only the first run may write without a signed-in person, and only the estate's founding and its first Director",
            ))
        };
        let f = &self.founding;
        let founder = f.director.map(|(_, s, _)| s);
        // The demo and v1 fixtures record the founding as the founded Director (self-founded).
        let actor_ok = e.actor.is_none() || e.actor == founder;
        if !actor_ok {
            return not();
        }
        match &e.body {
            EventBody::Estate(EstateEvent::Founded { .. })
                if f.founded.map(|x| x.0) == Some(e.id) =>
            {
                Ok(())
            }
            EventBody::Staff(StaffEvent::Created { .. })
                if f.director.map(|x| x.0) == Some(e.id) =>
            {
                Ok(())
            }
            EventBody::Staff(StaffEvent::PinSet { .. })
                if founder == Some(e.subject.id) && same_batch(f, e.at) =>
            {
                Ok(())
            }
            _ => not(),
        }
    }

    fn decide(&self, e: &Event) -> Result<(), Text> {
        let req = requirement(&e.body);
        let Some(actor) = e.actor else {
            return self.first_run(e);
        };
        if req == Requirement::FirstRun || self.first_run(e).is_ok() {
            // The founding, recorded as the founded Director (the demo, the v1 fixtures).
            return self.first_run(e);
        }
        let Some((roles, active)) = self.roles_at(actor, e.at) else {
            return refused(Text::new(
                "写入时该员工尚不存在",
                "The person did not exist when this was written",
            ));
        };
        if !active {
            return refused(Text::new(
                "写入时该员工已停用",
                "The person was deactivated when this was written",
            ));
        }
        let actions: &[Action] = match &req {
            Requirement::AnyActive => return Ok(()),
            Requirement::FirstRun => return self.first_run(e),
            Requirement::SelfOr(_)
                if e.subject.kind == RecordKind::Staff && e.subject.id == actor =>
            {
                return Ok(())
            }
            Requirement::SelfOr(a) => std::slice::from_ref(a),
            Requirement::AnyOf(list) => list,
        };
        let mut denied = None;
        for a in actions {
            match matrix(roles, *a) {
                Ok(()) => return Ok(()),
                Err(d) => {
                    denied.get_or_insert(d);
                }
            }
        }
        let d = denied.expect("every requirement names an action");
        let m = d.message();
        refused(Text::new(
            format!("写入时{}", m.zh),
            format!("When written: {}", m.en),
        ))
    }

    /// Authorises one event (issue 12): authority events by the ledger's own decision, every
    /// other event against its actor's roles as of its HLC.
    pub fn authorize(&self, e: &Event) -> Result<(), Box<Refusal>> {
        let decision = match self.decisions.get(&e.id) {
            Some((_, _, d)) => d.clone(),
            None => self.decide(e),
        };
        decision.map_err(|why| {
            Box::new(Refusal {
                event: e.id,
                actor: e.actor,
                device: e.at.device,
                at: e.at,
                subject: e.subject,
                what: e.body.label(),
                why,
            })
        })
    }

    pub fn admits(&self, e: &Event) -> bool {
        self.authorize(e).is_ok()
    }

    /// Where `self` and `other` may decide events differently: per person, the earliest HLC
    /// after which their events may be decided otherwise, and for actor-less events the
    /// founding's (issue 12). Empty when they decide every event alike.
    pub fn difference(&self, other: &Ledger) -> Difference {
        let mut d = Difference::default();
        if self.founding != other.founding {
            for f in [&self.founding, &other.founding] {
                if let Some((_, h)) = f.founded {
                    d.founding = Some(d.founding.map_or(h, |x: Hlc| x.min(h)));
                }
            }
        }
        let staff: BTreeSet<&StaffId> = self
            .timelines
            .keys()
            .chain(other.timelines.keys())
            .collect();
        let empty = Vec::new();
        for s in staff {
            let a = self.timelines.get(s).unwrap_or(&empty);
            let b = other.timelines.get(s).unwrap_or(&empty);
            for i in 0..a.len().max(b.len()) {
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) if x == y => continue,
                    (x, y) => {
                        for h in [x, y].into_iter().flatten() {
                            d.person(*s, h.from);
                        }
                        break;
                    }
                }
            }
        }
        for (id, (h, actor, dec)) in &self.decisions {
            if other
                .decisions
                .get(id)
                .is_some_and(|(_, _, o)| o.is_ok() != dec.is_ok())
            {
                match actor {
                    Some(a) => d.person(*a, *h),
                    None => d.founding = Some(d.founding.map_or(*h, |x| x.min(*h))),
                }
            }
        }
        d
    }

    /// The earliest HLC from which `self` and `other` may decide an event differently, or
    /// `None` if they decide every event alike.
    pub fn first_difference(&self, other: &Ledger) -> Option<Hlc> {
        let d = self.difference(other);
        d.staff.values().copied().chain(d.founding).min()
    }
}

/// What changed between two ledgers (see [`Ledger::difference`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Difference {
    /// Actor-less events may be decided otherwise (the founding changed) from this HLC.
    pub founding: Option<Hlc>,
    /// Each person's events after this HLC may be decided otherwise.
    pub staff: BTreeMap<StaffId, Hlc>,
}

impl Difference {
    fn person(&mut self, s: StaffId, h: Hlc) {
        let e = self.staff.entry(s).or_insert(h);
        *e = (*e).min(h);
    }

    /// Whether events already stored may be decided otherwise, given the newest stored event
    /// by each actor and the newest stored event overall.
    pub fn touches(&self, newest_by: &BTreeMap<StaffId, Hlc>, newest: Option<Hlc>) -> bool {
        self.founding
            .is_some_and(|t| newest.is_some_and(|n| t <= n))
            || self
                .staff
                .iter()
                .any(|(s, t)| newest_by.get(s).is_some_and(|n| t <= n))
    }
}

fn same_batch(f: &Founding, at: Hlc) -> bool {
    f.founded
        .is_some_and(|(_, h)| h.device == at.device && h.wall == at.wall && at > h)
}

/// The earliest `Founded`, and the first Director `Created` after it in the same batch (same
/// device and wall ms), written by nobody or by that Director.
fn founding(sorted: &[&Event]) -> Founding {
    let founded = sorted
        .iter()
        .find(|e| matches!(e.body, EventBody::Estate(EstateEvent::Founded { .. })))
        .map(|e| (e.id, e.at));
    let mut f = Founding {
        founded,
        director: None,
    };
    f.director = sorted
        .iter()
        .find(|e| match &e.body {
            EventBody::Staff(StaffEvent::Created { profile }) => {
                same_batch(&f, e.at)
                    && profile.roles.contains(&Role::Director)
                    && (e.actor.is_none() || e.actor == Some(e.subject.id))
            }
            _ => false,
        })
        .map(|e| (e.id, e.subject.id, e.at));
    f
}

/// The refusals among `events` under `ledger`, in HLC order.
pub fn refusals<'a>(ledger: &Ledger, events: impl IntoIterator<Item = &'a Event>) -> Vec<Refusal> {
    let mut out: Vec<Refusal> = events
        .into_iter()
        .filter_map(|e| ledger.authorize(e).err().map(|r| *r))
        .collect();
    sort_refusals(&mut out);
    out
}

pub fn sort_refusals(list: &mut Vec<Refusal>) {
    list.sort_by(|a, b| a.at.cmp(&b.at).then(a.event.cmp(&b.event)));
    list.dedup_by(|a, b| a.event == b.event);
}

/// Indexes refusals by event id.
pub fn by_event(list: &[Refusal]) -> BTreeMap<EventId, &Refusal> {
    list.iter().map(|r| (r.event, r)).collect()
}

#[cfg(test)]
mod tests;

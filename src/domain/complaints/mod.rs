//! 客户投诉、回访与求助 — complaints (SOP §3 CMP-1..13), callbacks (§4 CB-1..7) and help
//! requests (§10 HELP-1..6).
//!
//! Three record kinds, one event enum. Every step carries its own business time `at` (when it
//! happened on the estate) besides the event's HLC stamp, so clocks are computed from what
//! staff did, and demo history can be dated in the past. Each record is an explicit state
//! machine: a command refuses a step that does not fit the current status.

pub mod demo;
pub mod report;

use super::calendar::BusinessCalendar;
use super::callbacks::{self, CallbackKind, CallbackRequest, CallbackSpec, NewProblem};
use super::command::{required, Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{RecordId, StaffId};
use super::roles::{Action, Department, Role};
use super::sla::{Clock, ClockSpec};
use super::view::{due_by, newest_first, time_key, Aggregate, IndexFields};
use serde::{Deserialize, Serialize};

// ----- settings (CMP-4, HELP-2) --------------------------------------------------------------

/// The numbers SOP.md leaves to a setting for this module; kept in the estate's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComplaintSettings {
    /// CMP-4: a general complaint's customer is contacted within this (default 24 h).
    pub contact_general_minutes: i64,
    /// CMP-4: an urgent complaint's customer is contacted within this (default 30 min).
    pub contact_urgent_minutes: i64,
    /// HELP-2: a help request needing the supervisor is answered within this (default 10 min).
    pub help_reply_minutes: i64,
}

impl Default for ComplaintSettings {
    fn default() -> Self {
        ComplaintSettings {
            contact_general_minutes: 24 * 60,
            contact_urgent_minutes: 30,
            help_reply_minutes: 10,
        }
    }
}

impl ComplaintSettings {
    /// Contact limits 5 min – 7 days, help reply 1–120 min.
    pub fn validate(&self) -> Result<(), DomainError> {
        if !(5..=7 * 24 * 60).contains(&self.contact_general_minutes)
            || !(5..=7 * 24 * 60).contains(&self.contact_urgent_minutes)
            || self.contact_urgent_minutes > self.contact_general_minutes
            || !(1..=120).contains(&self.help_reply_minutes)
        {
            return Err(DomainError::invalid(
                "联系客户时限须为5分钟至7天（紧急不长于一般），求助答复时限1–120分钟",
                "Contact limits must be 5 min to 7 days (urgent no longer than general); help reply 1–120 min",
            ));
        }
        Ok(())
    }
}

// ----- vocabulary ----------------------------------------------------------------------------

labelled!(
    /// CMP-2 channel.
    Channel {
        Visit => ("来访", "Visit", "visit"),
        Phone => ("来电", "Phone", "phone"),
        WeChat => ("微信", "WeChat", "wechat"),
        Patrol => ("巡查发现", "Patrol", "patrol"),
    }
);

labelled!(
    /// The matter complained about (the "type" of CMP-12), which proposes the department (CMP-6).
    Subject {
        Facilities => ("设施设备", "Facilities", "facilities"),
        Repair => ("维修", "Repairs", "repair"),
        Security => ("安全秩序", "Safety & order", "security"),
        Parking => ("停车管理", "Parking", "parking"),
        Mail => ("邮件报刊", "Mail", "mail"),
        Cleaning => ("清洁卫生", "Cleaning", "cleaning"),
        Greening => ("绿化", "Greening", "greening"),
        InHome => ("入户有偿服务", "In-home paid service", "in_home"),
        Fees => ("收费", "Fees", "fees"),
        Service => ("服务态度", "Staff conduct", "service"),
        Neighbours => ("邻里噪音", "Neighbours & noise", "neighbours"),
        Other => ("其他", "Other", "other"),
    }
);

labelled!(
    /// CMP-3 class.
    Class {
        Major => ("重大投诉", "Major", "major"),
        Important => ("重要投诉", "Important", "important"),
        Minor => ("轻微投诉", "Minor", "minor"),
    }
);

labelled!(
    /// CMP-4 urgency.
    Urgency {
        General => ("一般", "General", "general"),
        Urgent => ("紧急", "Urgent", "urgent"),
    }
);

labelled!(
    /// Where a complaint stands.
    Status {
        Registered => ("待分类派单", "To classify", "registered"),
        Dispatched => ("已派单待接单", "Dispatched", "dispatched"),
        InProgress => ("处理中", "In progress", "in_progress"),
        Completed => ("已处理待回访", "Done, callback due", "completed"),
        Closed => ("已结案", "Closed", "closed"),
        Linked => ("重复投诉已合并", "Duplicate, linked", "linked"),
    }
);

impl Status {
    /// The open statuses: what the open lists, CMP-3's sweep and the supervisor card read.
    pub const OPEN: [Status; 3] = [Status::Registered, Status::Dispatched, Status::InProgress];
}

labelled!(
    /// The customer's rating (CMP-9) and callback satisfaction (CB-2).
    Rating {
        Satisfied => ("满意", "Satisfied", "satisfied"),
        Basic => ("基本满意", "Fairly satisfied", "basic"),
        Unsatisfied => ("不满意", "Unsatisfied", "unsatisfied"),
    }
);

labelled!(
    /// HELP-1 kinds.
    HelpKind {
        Medical => ("急病求助", "Medical emergency", "medical"),
        Repair => ("报修", "Repair", "repair"),
        Complaint => ("投诉", "Complaint", "complaint"),
        Enquiry => ("咨询", "Enquiry", "enquiry"),
        Crime => ("盗窃/打架/抢劫/中毒/交通事故", "Theft, fight, robbery, poisoning, traffic accident", "crime"),
        Disaster => ("台风/水浸/火灾", "Typhoon, flood, fire", "disaster"),
        Everyday => ("其他生活求助", "Other everyday help", "everyday"),
    }
);

labelled!(
    /// HELP-3 medical paths.
    MedicalPath {
        Hospital => ("护送就医", "Take to hospital", "hospital"),
        Call120 => ("拨打120", "Call 120", "call120"),
        ShortCare => ("短时看护", "Short-term care", "short_care"),
    }
);

impl Class {
    /// CMP-3 definitions (seed 000 §4.3), shown beside the choice.
    pub fn definition(self) -> Text {
        match self {
            Class::Major => Text::new(
                "公司承诺或合同规定的服务没有实施或明显差错、经客户多次提出仍未解决；因公司责任给客户造成重大经济损失或人身伤害；有效投诉一个月内未得到合理解决。",
                "Promised or contracted service not delivered or clearly wrong and raised repeatedly; the company caused serious economic loss or injury; a valid complaint unresolved after one month.",
            ),
            Class::Important => Text::new(
                "因公司管理服务工作不到位、有过失而引起的投诉。",
                "The company's service fell short or erred.",
            ),
            Class::Minor => Text::new(
                "因设施设备和管理水平有限，给客户造成轻微不便，非人为因素，可通过改进较易解决。",
                "Limits of facilities or management, not a person's fault; a slight inconvenience, easily improved.",
            ),
        }
    }
    /// CMP-5: who handles a complaint of this class.
    pub fn handlers(self) -> &'static [Role] {
        match self {
            Class::Major | Class::Important => &[Role::Director, Role::Supervisor],
            Class::Minor => &[Role::Supervisor],
        }
    }
    /// CMP-10: who calls the customer back.
    pub fn callback_role(self) -> Role {
        match self {
            Class::Minor => Role::Assistant,
            Class::Important => Role::Supervisor,
            Class::Major => Role::Director,
        }
    }
}

impl Subject {
    /// CMP-6: the department a matter goes to. In-home cleaning/greening is a paid service
    /// (environment, marked paid); lost or late mail goes to security's mail desk.
    pub fn department(self) -> Department {
        match self {
            Subject::Facilities | Subject::Repair => Department::Engineering,
            Subject::Security | Subject::Parking | Subject::Mail => Department::Security,
            Subject::Cleaning | Subject::Greening | Subject::InHome => Department::Environment,
            Subject::Fees => Department::Finance,
            Subject::Service | Subject::Neighbours | Subject::Other => Department::CustomerService,
        }
    }
    /// CMP-6: in-home services are charged by the fee schedule; repairs may be paid or free.
    pub fn proposes_paid(self) -> bool {
        matches!(self, Subject::InHome)
    }
}

/// HELP-3: the steps of each medical path, in order (ticked one-handed on the tablet).
pub fn medical_steps(path: MedicalPath) -> &'static [(&'static str, &'static str)] {
    match path {
        MedicalPath::Hospital => &[
            ("两名护管员陪同", "Two security staff go along"),
            ("叫出租车", "Call a taxi"),
            ("在医院协助挂号就诊", "Help at the hospital"),
            ("回报处理结果", "Report back"),
        ],
        MedicalPath::Call120 => &[
            ("拨打120", "Call 120"),
            ("派人到大门口迎接救护车", "Meet the ambulance at the gate"),
            ("引导救护车到现场", "Guide it to the patient"),
            ("回报处理结果", "Report back"),
        ],
        MedicalPath::ShortCare => &[
            (
                "至少两人在场看护（不得单独与病人相处）",
                "At least two present (never alone with the patient)",
            ),
            ("联系家属", "Contact the family"),
            ("回报处理结果", "Report back"),
        ],
    }
}

// ----- events ----------------------------------------------------------------------------------

/// CMP-2: what the receptionist writes down (客户投诉登记表).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    pub channel: Option<Channel>,
    pub household: Option<RecordId>,
    pub unit: Option<RecordId>,
    /// The unit as shown ("3号楼 1201") or a place; kept so lists need no lookup.
    pub place: String,
    pub anonymous: bool,
    pub contact_name: String,
    pub contact_phone: String,
    /// When and where it happened.
    pub occurred: String,
    /// Person or department complained about.
    pub about: String,
    pub subject: Option<Subject>,
    pub what: String,
    /// What the customer asks for.
    pub asks: String,
    /// CMP-11: an earlier open complaint on the same matter.
    pub duplicate_of: Option<RecordId>,
}

/// How the customer signed off (CMP-9) or a callback was confirmed (CB-2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum SignOff {
    /// Drawn on the tablet: SVG path data ("M10 20 L11 22 …").
    Drawn { path: String },
    /// 电话回访 / phone confirmation.
    Phone,
    /// Anonymous complaints: the written reply instead (CMP-11).
    WrittenReply { reply: String },
}

/// CMP-9 handling report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlingReport {
    pub cause: String,
    pub measures: String,
    pub result: String,
    pub signoff: SignOff,
    pub rating: Option<Rating>,
}

/// A help request as registered (HELP-1/2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpIntake {
    pub kind: HelpKind,
    pub household: Option<RecordId>,
    pub unit: Option<RecordId>,
    pub place: String,
    pub caller: String,
    pub phone: String,
    /// HELP-3: the address to go to.
    pub address: String,
    pub what: String,
    pub needs_supervisor: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ComplaintsEvent {
    // complaint
    Registered {
        at: i64,
        by: StaffId,
        intake: Box<Intake>,
        /// CMP-3: one month after receipt; fixed now, so every tablet escalates alike.
        month_clock: Clock,
    },
    Dispatched {
        at: i64,
        by: StaffId,
        class: Class,
        urgency: Urgency,
        department: Department,
        handler: Option<StaffId>,
        paid: bool,
        /// CMP-4 contact clock, from receipt.
        contact_clock: Clock,
    },
    Accepted {
        at: i64,
        by: StaffId,
    },
    Contacted {
        at: i64,
        by: StaffId,
        note: String,
    },
    Progress {
        at: i64,
        by: StaffId,
        note: String,
    },
    CustomerTold {
        at: i64,
        by: StaffId,
        note: String,
    },
    /// CMP-7: serious complaints reach the director at once.
    DirectorAlerted {
        at: i64,
        by: StaffId,
    },
    /// CMP-3: still open a month after receipt.
    Escalated {
        at: i64,
    },
    /// CMP-11: the same matter raised again, recorded on the first complaint.
    RaisedAgain {
        at: i64,
        by: StaffId,
        duplicate: RecordId,
    },
    Completed {
        at: i64,
        by: StaffId,
        report: HandlingReport,
        callback: Option<RecordId>,
    },
    /// CMP-10: the callback found the customer satisfied (closes) or not (reopens).
    CalledBack {
        at: i64,
        callback: RecordId,
        satisfied: bool,
    },
    // callback
    CallbackScheduled {
        at: i64,
        by: StaffId,
        spec: Box<CallbackSpec>,
    },
    CallbackPlanned {
        at: i64,
        by: StaffId,
        assignee: StaffId,
        planned_for: i64,
    },
    CallbackRecorded {
        at: i64,
        by: StaffId,
        signoff: SignOff,
        rating: Rating,
        comment: String,
        new_problem: Option<NewProblem>,
        follow_up: Option<RecordId>,
    },
    /// CB-6: the customer could not be reached within the due time; recorded, not hidden.
    CallbackUnreached {
        at: i64,
        by: StaffId,
        note: String,
    },
    CallbackReviewed {
        at: i64,
        by: StaffId,
        comment: String,
    },
    /// CB-5: one reply to many households on the same matter.
    OpenLetterFiled {
        at: i64,
        by: StaffId,
        topic: String,
        letter: String,
        households: Vec<String>,
    },
    // help request
    HelpRegistered {
        at: i64,
        by: StaffId,
        intake: Box<HelpIntake>,
        reply_clock: Clock,
    },
    HelpAnswered {
        at: i64,
        by: StaffId,
        answer: String,
    },
    HelpConverted {
        at: i64,
        by: StaffId,
        to: RecordRef,
    },
    MedicalPathChosen {
        at: i64,
        by: StaffId,
        path: MedicalPath,
    },
    MedicalStepDone {
        at: i64,
        by: StaffId,
        step: u8,
    },
    HelpNotified {
        at: i64,
        by: StaffId,
        who: String,
    },
    HelpClosed {
        at: i64,
        by: StaffId,
        outcome: String,
    },
    /// HELP-4: an enquiry the desk cannot answer goes to a supervisor by name (schema 4).
    HelpReferred {
        at: i64,
        by: StaffId,
        to: StaffId,
        note: String,
    },
    /// HELP-4: the answer to a referred (or flagged) enquiry, by a supervisor or the director
    /// (schema 4). Its own variant so fold-time authority can require the role without state.
    HelpSupervisorAnswered {
        at: i64,
        by: StaffId,
        answer: String,
    },
    /// CMP-7: a complaint involving an outside body (utility, government office, developer…):
    /// explain to the customer, liaise with the body, report back (schema 4).
    OutsideLiaison {
        at: i64,
        by: StaffId,
        body: String,
        step: LiaisonStep,
        note: String,
    },
}

labelled!(
    /// CMP-7: the three steps with an outside body, in the seed's words.
    LiaisonStep {
        Explained => ("向客户解释", "Explained to the customer", "explained"),
        Liaised => ("与外部单位联系协调", "Liaised with the body", "liaised"),
        ReportedBack => ("向客户反馈结果", "Reported back to the customer", "reported_back"),
    }
);

impl ComplaintsEvent {
    /// History text.
    pub fn label(&self) -> Text {
        use ComplaintsEvent as E;
        match self {
            E::Registered { .. } => Text::new("登记投诉", "Complaint registered"),
            E::Dispatched { .. } => Text::new("分类派单", "Classified and dispatched"),
            E::Accepted { .. } => Text::new("部门接单", "Accepted by the department"),
            E::Contacted { .. } => Text::new("已联系客户", "Customer contacted"),
            E::Progress { .. } => Text::new("处理进度", "Progress reported"),
            E::CustomerTold { .. } => Text::new("已告知客户", "Customer informed"),
            E::DirectorAlerted { .. } => Text::new("已报告主任", "Director alerted"),
            E::Escalated { .. } => {
                Text::new("逾一个月未解决，升为重大投诉", "Open one month: now major")
            }
            E::RaisedAgain { .. } => Text::new("同一事项再次投诉", "Same matter raised again"),
            E::Completed { .. } => Text::new("处理完毕", "Handling completed"),
            E::CalledBack {
                satisfied: true, ..
            } => Text::new("回访满意，结案", "Callback satisfied: closed"),
            E::CalledBack {
                satisfied: false, ..
            } => Text::new("回访不满意，重新处理", "Callback unsatisfied: reopened"),
            E::CallbackScheduled { .. } => Text::new("安排回访", "Callback scheduled"),
            E::CallbackPlanned { .. } => Text::new("回访计划", "Callback planned"),
            E::CallbackRecorded { .. } => Text::new("回访记录", "Callback recorded"),
            E::CallbackReviewed { .. } => Text::new("主管审阅", "Reviewed"),
            E::CallbackUnreached { .. } => Text::new("未能联系客户", "Customer not reached"),
            E::OpenLetterFiled { .. } => Text::new("公开信归档", "Open letter filed"),
            E::HelpRegistered { .. } => Text::new("登记求助", "Help request registered"),
            E::HelpAnswered { .. } => Text::new("已答复", "Answered"),
            E::HelpConverted { .. } => Text::new("转入相应程序", "Routed to its procedure"),
            E::MedicalPathChosen { .. } => Text::new("选择处置方式", "Medical path chosen"),
            E::MedicalStepDone { .. } => Text::new("完成处置步骤", "Step done"),
            E::HelpNotified { .. } => Text::new("已通知", "Notified"),
            E::HelpClosed { .. } => Text::new("求助结案", "Help request closed"),
            E::HelpReferred { .. } => Text::new("转主管答复", "Referred to a supervisor"),
            E::HelpSupervisorAnswered { .. } => {
                Text::new("主管已答复", "Answered by the supervisor")
            }
            E::OutsideLiaison { step, .. } => {
                let l = step.label();
                Text::new(
                    format!("外部单位：{}", l.zh),
                    format!("Outside body: {}", l.en),
                )
            }
        }
    }

    /// Sync conflict groups: every workflow step is appended, never overwritten, so each event
    /// type is its own group (two tablets recording the same step is what gets flagged).
    pub fn field_group(&self) -> &'static str {
        use ComplaintsEvent as E;
        match self {
            E::Registered { .. } | E::CallbackScheduled { .. } | E::HelpRegistered { .. } => {
                "created"
            }
            E::Dispatched { .. } => "dispatch",
            E::Accepted { .. } => "accept",
            E::Contacted { .. } => "contact",
            // Notes, alerts and checklist ticks only add: two tablets' are both kept.
            E::Progress { .. }
            | E::CustomerTold { .. }
            | E::RaisedAgain { .. }
            | E::DirectorAlerted { .. }
            | E::HelpNotified { .. }
            | E::MedicalStepDone { .. } => super::event::APPEND,
            E::Escalated { .. } => "escalation",
            E::Completed { .. } | E::HelpClosed { .. } => "completion",
            E::CalledBack { .. } => "callback_result",
            E::CallbackPlanned { .. } => "plan",
            E::CallbackRecorded { .. } | E::OpenLetterFiled { .. } => "record",
            E::CallbackReviewed { .. } => "review",
            E::CallbackUnreached { .. } => "record",
            E::HelpAnswered { .. } | E::HelpSupervisorAnswered { .. } => "answer",
            E::HelpReferred { .. } => "referral",
            E::OutsideLiaison { .. } => super::event::APPEND,
            E::HelpConverted { .. } => "route",
            E::MedicalPathChosen { .. } => "medical",
        }
    }
}

fn draft(kind: RecordKind, id: RecordId, e: ComplaintsEvent) -> Draft {
    Draft {
        subject: RecordRef::new(kind, id),
        body: EventBody::Complaints(e),
    }
}

// ----- the complaint ----------------------------------------------------------------------------

/// A note on the complaint's progress (CMP-8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub at: i64,
    pub by: StaffId,
    pub text: Text,
    pub note: String,
}

/// 客户投诉 — folded state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Complaint {
    pub status: Status,
    pub received: i64,
    pub registered_by: StaffId,
    pub intake: Intake,
    pub class: Option<Class>,
    pub urgency: Option<Urgency>,
    pub department: Option<Department>,
    pub handler: Option<StaffId>,
    pub paid: bool,
    pub contact_clock: Option<Clock>,
    pub month_clock: Option<Clock>,
    pub accepted: Option<i64>,
    pub escalated: Option<i64>,
    pub alerted: Option<i64>,
    pub raised_again: Vec<RecordId>,
    pub report: Option<HandlingReport>,
    pub completed: Option<i64>,
    pub closed: Option<i64>,
    pub reopened: u32,
    pub callbacks: Vec<RecordId>,
    pub notes: Vec<Note>,
    /// CMP-7: the steps taken with outside bodies, in order.
    #[serde(default)]
    pub outside: Vec<Liaison>,
}

/// CMP-7: one step taken with an outside body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Liaison {
    pub at: i64,
    pub by: StaffId,
    pub body: String,
    pub step: LiaisonStep,
    pub note: String,
}

/// What the complaint list shows of a complaint (issue 19: lists read this row, never the
/// complaint's notes, report and callbacks; the complaint opens from its full state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintRow {
    pub status: Status,
    pub received: i64,
    pub registered_by: StaffId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<Class>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<Department>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<StaffId>,
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub what: String,
    /// The running SLA clock (contact, then the month's), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
    /// CMP-3: when this open complaint becomes major (its month's deadline), `None` once
    /// escalated or no longer open. Lets the escalation sweep read only the rows falling due
    /// (issue 19). Always written (`null` included): a row stored before the field existed
    /// reads as "unknown" (due at once), so the sweep reads that complaint's full state.
    #[serde(default = "escalation_unknown")]
    pub escalates_at: Option<i64>,
}

fn escalation_unknown() -> Option<i64> {
    Some(i64::MIN)
}

impl Complaint {
    /// The complaint's list row.
    pub fn row(&self) -> ComplaintRow {
        ComplaintRow {
            status: self.status,
            received: self.received,
            registered_by: self.registered_by,
            subject: self.intake.subject,
            class: self.class,
            department: self.department,
            handler: self.handler,
            anonymous: self.intake.anonymous,
            place: self.intake.place.clone(),
            what: self.intake.what.clone(),
            clock: self.running_clock().cloned(),
            escalates_at: self.escalates_at(),
        }
    }

    /// CMP-3: when this open complaint becomes major (its month's deadline); `None` once
    /// escalated or no longer open.
    fn escalates_at(&self) -> Option<i64> {
        self.month_clock
            .as_ref()
            .filter(|_| self.is_open() && self.escalated.is_none())
            .map(|m| m.deadline)
    }
}

impl Default for Complaint {
    fn default() -> Self {
        Complaint {
            status: Status::Registered,
            received: 0,
            registered_by: StaffId::nil(),
            intake: Intake::default(),
            class: None,
            urgency: None,
            department: None,
            handler: None,
            paid: false,
            contact_clock: None,
            month_clock: None,
            accepted: None,
            escalated: None,
            alerted: None,
            raised_again: vec![],
            report: None,
            completed: None,
            closed: None,
            reopened: 0,
            callbacks: vec![],
            notes: vec![],
            outside: vec![],
        }
    }
}

impl Complaint {
    /// CMP-7: an outside body is involved and the customer has not yet been told the result.
    pub fn awaits_report_back(&self) -> bool {
        !self.outside.is_empty()
            && !self
                .outside
                .iter()
                .any(|l| l.step == LiaisonStep::ReportedBack)
    }
    pub fn is_open(&self) -> bool {
        Status::OPEN.contains(&self.status)
    }
    /// CMP-12 "handled in time": the customer was contacted within the CMP-4 limit and the
    /// complaint was completed within the month of CMP-3.
    pub fn handled_in_time(&self) -> bool {
        let contact_ok = self
            .contact_clock
            .as_ref()
            .is_some_and(|c| c.stopped.is_some_and(|s| s <= c.deadline));
        let done_ok = match (&self.month_clock, self.completed) {
            (Some(m), Some(done)) => done <= m.deadline,
            _ => false,
        };
        contact_ok && done_ok
    }
    /// The running clock shown on home screens: contact first, then the month.
    pub fn running_clock(&self) -> Option<&Clock> {
        if !self.is_open() {
            return None;
        }
        match &self.contact_clock {
            Some(c) if c.is_running() => Some(c),
            _ => self.month_clock.as_ref().filter(|c| c.is_running()),
        }
    }
    fn note(&mut self, at: i64, by: StaffId, text: Text, note: &str) {
        self.notes.push(Note {
            at,
            by,
            text,
            note: note.to_string(),
        });
    }
}

impl Aggregate for Complaint {
    const KIND: RecordKind = RecordKind::Complaint;
    fn apply(&mut self, event: &Event) {
        let EventBody::Complaints(e) = &event.body else {
            return;
        };
        use ComplaintsEvent as E;
        let label = e.label();
        match e {
            E::Registered {
                at,
                by,
                intake,
                month_clock,
            } => {
                self.received = *at;
                self.registered_by = *by;
                self.intake = (**intake).clone();
                self.month_clock = Some(month_clock.clone());
                self.status = if intake.duplicate_of.is_some() {
                    Status::Linked
                } else {
                    Status::Registered
                };
                if self.status == Status::Linked {
                    if let Some(m) = &mut self.month_clock {
                        m.stop(*at);
                    }
                }
            }
            E::Dispatched {
                at,
                by,
                class,
                urgency,
                department,
                handler,
                paid,
                contact_clock,
            } => {
                // An escalation to major (CMP-3) is never undone by a re-dispatch.
                self.class = Some(if self.escalated.is_some() {
                    Class::Major
                } else {
                    *class
                });
                self.urgency = Some(*urgency);
                self.department = Some(*department);
                self.handler = *handler;
                self.paid = *paid;
                if self.contact_clock.is_none() {
                    self.contact_clock = Some(contact_clock.clone());
                }
                if self.status == Status::Registered {
                    self.status = Status::Dispatched;
                }
                let d = department.label();
                let text = Text::new(
                    format!("{} → {}", label.zh, d.zh),
                    format!("{} → {}", label.en, d.en),
                );
                self.note(*at, *by, text, "");
            }
            E::Accepted { at, by } => {
                self.accepted.get_or_insert(*at);
                if self.status == Status::Dispatched {
                    self.status = Status::InProgress;
                }
                self.note(*at, *by, label, "");
            }
            E::Contacted { at, by, note } => {
                if let Some(c) = &mut self.contact_clock {
                    c.stop(*at);
                }
                self.note(*at, *by, label, note);
            }
            E::Progress { at, by, note } | E::CustomerTold { at, by, note } => {
                self.note(*at, *by, label, note)
            }
            E::DirectorAlerted { at, by } => {
                self.alerted.get_or_insert(*at);
                self.note(*at, *by, label, "");
            }
            E::OutsideLiaison {
                at,
                by,
                body,
                step,
                note,
            } => {
                self.outside.push(Liaison {
                    at: *at,
                    by: *by,
                    body: body.clone(),
                    step: *step,
                    note: note.clone(),
                });
                self.note(*at, *by, label, &format!("{body}：{note}"));
            }
            E::Escalated { at } => {
                self.escalated.get_or_insert(*at);
                self.class = Some(Class::Major);
            }
            E::RaisedAgain { at, by, duplicate } => {
                if !self.raised_again.contains(duplicate) {
                    self.raised_again.push(*duplicate);
                }
                self.note(*at, *by, label, "");
            }
            E::Completed {
                at,
                by,
                report,
                callback,
            } => {
                if let Some(c) = &mut self.contact_clock {
                    c.stop(*at);
                }
                if let Some(m) = &mut self.month_clock {
                    m.stop(*at);
                }
                self.report = Some(report.clone());
                self.completed = Some(*at);
                self.callbacks.extend(callback);
                // Anonymous complaints carry the written reply and get no callback (CMP-11).
                self.status = if callback.is_some() {
                    Status::Completed
                } else {
                    self.closed = Some(*at);
                    Status::Closed
                };
                self.note(*at, *by, label, &report.result);
            }
            E::CalledBack {
                at,
                callback,
                satisfied,
            } => {
                if !self.callbacks.contains(callback) {
                    self.callbacks.push(*callback);
                }
                if *satisfied {
                    self.status = Status::Closed;
                    self.closed = Some(*at);
                } else {
                    // CMP-10: unsatisfied → reopen, until satisfied.
                    self.status = Status::InProgress;
                    self.reopened += 1;
                    self.closed = None;
                }
            }
            _ => {}
        }
    }

    fn index(&self) -> IndexFields {
        let clock = self.running_clock().cloned();
        let mut search = vec![
            self.intake.place.clone(),
            self.intake.contact_name.clone(),
            self.intake.contact_phone.clone(),
        ];
        search.extend(self.intake.place.split_whitespace().map(String::from));
        // Lists by month and status are served by the search index, not by reading every
        // complaint (issue 7: 20,000 complaints in five years).
        search.push(list_key(&month_of(self.received), Some(self.status)));
        // The list's pages (issue 19): each filter's keys sort newest first, so a page of 20 is
        // the index's first 20 keys, counted from the index, never a month's every row.
        search.extend(page_keys(self));
        IndexFields {
            status: Some(self.status.key().into()),
            due: clock.as_ref().map(|c| c.deadline),
            unit: self.intake.unit,
            assignee: if self.is_open() { self.handler } else { None },
            search,
            title: format!(
                "{} · {}",
                self.intake.subject.unwrap_or(Subject::Other).label().zh,
                if self.intake.anonymous {
                    "匿名".to_string()
                } else {
                    self.intake.place.clone()
                }
            ),
            subtitle: self.intake.what.chars().take(60).collect(),
            clock,
        }
    }

    fn list_row(&self) -> serde_json::Value {
        serde_json::to_value(self.row()).expect("complaint row serialises")
    }
}

/// `2026-10`: the local month (estate time, UTC+8) a complaint was received in.
pub fn month_of(received: i64) -> String {
    super::calendar::month_key(received)
}

/// Search-index key of the help requests received in a month ("hlpm|2026-11", HELP-6): the
/// monthly report reads one month, never every request (issue 19).
pub fn help_month_key(month: &str) -> String {
    format!("hlpm|{month}")
}

/// Search-index key of a complaint list: `cmp|<month>|<status>`. With `status` None, the
/// prefix of every complaint of the month (`Filter::Prefix`).
pub fn list_key(month: &str, status: Option<Status>) -> String {
    format!(
        "cmp|{month}|{}",
        status.map(|s| s.key()).unwrap_or_default()
    )
}

/// The complaint list's filters, each one run of newest-first search keys (issue 19).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListPage<'a> {
    /// 未办: every open complaint (registered, dispatched, in progress), of any month.
    Open,
    /// 我的: the open ones this person handles or registered.
    Mine(StaffId),
    /// 已办 of a month (`2026-10`): completed, closed, linked.
    Done(&'a str),
    /// 全部 of a month.
    All(&'a str),
}

impl ListPage<'_> {
    fn prefix(self) -> String {
        match self {
            ListPage::Open => "cmpo|".into(),
            ListPage::Mine(s) => format!("cmpm|{s}|"),
            ListPage::Done(m) => format!("cmpd|{m}|"),
            ListPage::All(m) => format!("cmpn|{m}|"),
        }
    }

    /// The `Filter::Range` whose first keys are this filter's newest complaints.
    pub fn range(self) -> (String, String) {
        let p = self.prefix();
        (p.clone(), p)
    }
}

/// The keys by which a complaint appears in [`ListPage`]s and in CMP-3's sweep
/// ([`escalation_range`]).
fn page_keys(c: &Complaint) -> Vec<String> {
    let nf = newest_first(c.received);
    let month = month_of(c.received);
    let mut keys = vec![format!("{}{nf}", ListPage::All(&month).prefix())];
    if c.is_open() {
        keys.push(format!("{}{nf}", ListPage::Open.prefix()));
        let mut mine = vec![c.registered_by];
        mine.extend(c.handler.filter(|h| *h != c.registered_by));
        keys.extend(
            mine.into_iter()
                .map(|s| format!("{}{nf}", ListPage::Mine(s).prefix())),
        );
    } else {
        keys.push(format!("{}{nf}", ListPage::Done(&month).prefix()));
    }
    keys.extend(c.escalates_at().map(|at| time_key(ESCALATES, at)));
    keys.extend(c.running_clock().map(|k| time_key(OVERDUE, k.deadline)));
    keys
}

/// Key families of CMP-3's sweep and CMP-4's overdue complaints (earliest first).
const ESCALATES: &str = "cmpesc|";
const OVERDUE: &str = "cmpdue|";

/// CMP-4: the `Filter::Range` of the open complaints whose running clock (contact, then the
/// month's) is overdue at `now` — the supervisor's card counts them from the index and reads
/// the earliest, never every open complaint (issue 19).
pub fn overdue_range(now: i64) -> (String, String) {
    due_by(OVERDUE, now)
}

/// CMP-3: the `Filter::Range` of the open complaints whose month has run out at `now` — the
/// sweep reads only these, never every open complaint (issue 19).
pub fn escalation_range(now: i64) -> (String, String) {
    due_by(ESCALATES, now)
}

// ----- the help request --------------------------------------------------------------------------

labelled!(
    /// Where a help request stands.
    HelpStatus {
        Open => ("待答复", "Open", "open"),
        Answered => ("已答复", "Answered", "answered"),
        Routed => ("已转入程序", "Routed", "routed"),
        Closed => ("已结案", "Closed", "closed"),
    }
);

/// What the help list shows of a request (issue 19, HELP-1..5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HelpRow {
    pub kind: HelpKind,
    pub status: HelpStatus,
    pub received: i64,
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub caller: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
}

/// 客户求助 — folded state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HelpRequest {
    pub status: HelpStatus,
    pub received: i64,
    pub by: StaffId,
    pub intake: Option<HelpIntake>,
    pub reply_clock: Option<Clock>,
    pub answer: String,
    pub routed_to: Option<RecordRef>,
    pub path: Option<MedicalPath>,
    /// (step index, when, who).
    pub steps: Vec<(u8, i64, StaffId)>,
    /// (who was notified, when) — HELP-3 "major cases go to the director at once".
    pub notified: Vec<(String, i64)>,
    pub outcome: String,
    pub closed: Option<i64>,
    /// HELP-4: referred to this supervisor (when, by whom, note).
    #[serde(default)]
    pub referred: Option<Referral>,
}

/// HELP-4: who the enquiry went to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub to: StaffId,
    pub at: i64,
    pub by: StaffId,
    pub note: String,
}

impl Default for HelpRequest {
    fn default() -> Self {
        HelpRequest {
            status: HelpStatus::Open,
            received: 0,
            by: StaffId::nil(),
            intake: None,
            reply_clock: None,
            answer: String::new(),
            routed_to: None,
            path: None,
            steps: vec![],
            notified: vec![],
            outcome: String::new(),
            closed: None,
            referred: None,
        }
    }
}

impl HelpRequest {
    /// HELP-4: only a supervisor (or the director) answers: referred, or flagged at intake.
    pub fn needs_supervisor(&self) -> bool {
        self.referred.is_some() || self.intake.as_ref().is_some_and(|i| i.needs_supervisor)
    }
    pub fn kind(&self) -> HelpKind {
        self.intake
            .as_ref()
            .map(|i| i.kind)
            .unwrap_or(HelpKind::Everyday)
    }
    /// The help list's row (issue 19): never the steps, notifications or answer.
    pub fn row(&self) -> HelpRow {
        let i = self.intake.as_ref();
        HelpRow {
            kind: self.kind(),
            status: self.status,
            received: self.received,
            what: i.map(|i| i.what.clone()).unwrap_or_default(),
            place: i.map(|i| i.place.clone()).unwrap_or_default(),
            caller: i.map(|i| i.caller.clone()).unwrap_or_default(),
            clock: self.reply_clock.clone(),
        }
    }
    pub fn step_done(&self, i: u8) -> bool {
        self.steps.iter().any(|(s, _, _)| *s == i)
    }
    pub fn answered_in_time(&self) -> bool {
        self.reply_clock
            .as_ref()
            .is_some_and(|c| c.stopped.is_some_and(|s| s <= c.deadline))
    }
    fn stop(&mut self, at: i64) {
        if let Some(c) = &mut self.reply_clock {
            c.stop(at);
        }
    }
}

impl Aggregate for HelpRequest {
    const KIND: RecordKind = RecordKind::HelpRequest;
    fn apply(&mut self, event: &Event) {
        let EventBody::Complaints(e) = &event.body else {
            return;
        };
        use ComplaintsEvent as E;
        match e {
            E::HelpRegistered {
                at,
                by,
                intake,
                reply_clock,
            } => {
                self.received = *at;
                self.by = *by;
                self.intake = Some((**intake).clone());
                self.reply_clock = Some(reply_clock.clone());
            }
            E::HelpReferred { at, by, to, note } if self.referred.is_none() => {
                self.referred = Some(Referral {
                    to: *to,
                    at: *at,
                    by: *by,
                    note: note.clone(),
                });
            }
            E::HelpAnswered { at, answer, .. } | E::HelpSupervisorAnswered { at, answer, .. } => {
                self.stop(*at);
                self.answer = answer.clone();
                if self.status == HelpStatus::Open {
                    self.status = HelpStatus::Answered;
                }
            }
            E::HelpConverted { at, to, .. } => {
                self.stop(*at);
                self.routed_to = Some(*to);
                self.status = HelpStatus::Routed;
            }
            E::MedicalPathChosen { at, path, .. } => {
                // Choosing how to help is the answer "at once" (HELP-2).
                self.stop(*at);
                self.path = Some(*path);
                if self.status == HelpStatus::Open {
                    self.status = HelpStatus::Answered;
                }
            }
            E::MedicalStepDone { at, by, step } if !self.step_done(*step) => {
                self.steps.push((*step, *at, *by))
            }
            E::HelpNotified { at, who, .. } => self.notified.push((who.clone(), *at)),
            E::HelpClosed { at, outcome, .. } => {
                self.stop(*at);
                self.outcome = outcome.clone();
                self.closed = Some(*at);
                self.status = HelpStatus::Closed;
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let i = self.intake.as_ref();
        let clock = self.reply_clock.clone().filter(|c| c.is_running());
        IndexFields {
            status: Some(self.status.key().into()),
            due: clock.as_ref().map(|c| c.deadline),
            unit: i.and_then(|i| i.unit),
            // HELP-4: a referred enquiry waits on the supervisor's list.
            assignee: if self.status == HelpStatus::Open {
                Some(self.referred.as_ref().map_or(self.by, |r| r.to))
            } else {
                None
            },
            search: i
                .map(|i| {
                    vec![
                        i.place.clone(),
                        i.caller.clone(),
                        i.phone.clone(),
                        // HELP-6: the month's requests are one prefix read (issue 19).
                        help_month_key(&month_of(self.received)),
                    ]
                })
                .unwrap_or_default(),
            title: format!(
                "{} · {}",
                self.kind().label().zh,
                i.map(|i| i.place.clone()).unwrap_or_default()
            ),
            subtitle: i.map(|i| i.what.clone()).unwrap_or_default(),
            clock,
        }
    }
    fn list_row(&self) -> serde_json::Value {
        serde_json::to_value(self.row()).expect("help row serialises")
    }
}

// ----- commands: complaints ----------------------------------------------------------------------

fn phone_ok(p: &str) -> Result<(), DomainError> {
    if !p.trim().is_empty() && !super::registry::valid_phone(p.trim()) {
        return Err(DomainError::Invalid(Text::new(
            format!("电话号码格式不正确：{}", p.trim()),
            format!("Phone number is not valid: {}", p.trim()),
        )));
    }
    Ok(())
}

fn wrong_state(zh: &str, en: &str) -> DomainError {
    DomainError::invalid(zh, en)
}

/// CMP-2: registers a complaint. A duplicate (CMP-11) is linked to the first, open, record and
/// noted on it, so it counts once.
pub fn register(
    actor: &Actor,
    id: RecordId,
    intake: &Intake,
    original: Option<(RecordId, &Complaint)>,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RegisterComplaint)?;
    let mut i = intake.clone();
    if i.channel.is_none() {
        return Err(DomainError::invalid(
            "请选择投诉渠道",
            "Choose how the complaint came in",
        ));
    }
    if i.subject.is_none() {
        return Err(DomainError::invalid(
            "请选择投诉事项类别",
            "Choose what the complaint is about",
        ));
    }
    i.what = required(&i.what, Text::new("投诉内容", "what happened"))?;
    for s in [
        &mut i.place,
        &mut i.contact_name,
        &mut i.contact_phone,
        &mut i.occurred,
        &mut i.about,
        &mut i.asks,
    ] {
        *s = s.trim().to_string();
    }
    if i.anonymous {
        // Anonymous: nothing that identifies the customer is kept (CMP-11).
        i.household = None;
        i.contact_name.clear();
        i.contact_phone.clear();
    } else {
        if i.household.is_none() && i.contact_phone.is_empty() {
            return Err(DomainError::invalid(
                "请选择住户（按房号搜索）或填写联系电话；不愿留名请选“匿名投诉”",
                "Pick the household (search a unit) or give a phone number; or choose Anonymous",
            ));
        }
        phone_ok(&i.contact_phone)?;
    }
    let mut out = Vec::new();
    if let Some(first) = i.duplicate_of {
        match original {
            Some((oid, o)) if oid == first && o.is_open() => {
                out.push(draft(
                    RecordKind::Complaint,
                    first,
                    ComplaintsEvent::RaisedAgain {
                        at: now,
                        by: actor.id,
                        duplicate: id,
                    },
                ));
            }
            _ => {
                return Err(DomainError::invalid(
                    "只能关联到一宗尚未处理完毕的投诉",
                    "A duplicate can only be linked to a complaint that is still open",
                ))
            }
        }
    }
    let month_clock = ClockSpec::months(1).start(
        Text::new("投诉处理时限（一个月）", "Resolve within one month"),
        now,
        cal,
    );
    out.insert(
        0,
        draft(
            RecordKind::Complaint,
            id,
            ComplaintsEvent::Registered {
                at: now,
                by: actor.id,
                intake: Box::new(i),
                month_clock,
            },
        ),
    );
    Ok(out)
}

/// What the dispatcher chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dispatch {
    pub class: Class,
    pub urgency: Urgency,
    pub department: Department,
    pub handler: Option<StaffId>,
    pub paid: bool,
}

/// CMP-3..7: classifies and dispatches. The contact clock runs from receipt with the limit of
/// the urgency in the settings (CMP-4); a major complaint alerts the director at once (CMP-7).
pub fn dispatch(
    actor: &Actor,
    id: RecordId,
    c: &Complaint,
    d: &Dispatch,
    now: i64,
    settings: &ComplaintSettings,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::DispatchComplaint)?;
    if !matches!(
        c.status,
        Status::Registered | Status::Dispatched | Status::InProgress
    ) {
        return Err(wrong_state(
            "此投诉已处理完毕或已合并，不能再派单",
            "This complaint is completed or linked; it cannot be dispatched",
        ));
    }
    let minutes = match d.urgency {
        Urgency::General => settings.contact_general_minutes,
        Urgency::Urgent => settings.contact_urgent_minutes,
    };
    let contact_clock = ClockSpec::elapsed_minutes(minutes).start(
        Text::new("联系客户时限", "Contact the customer"),
        c.received,
        cal,
    );
    let mut out = vec![draft(
        RecordKind::Complaint,
        id,
        ComplaintsEvent::Dispatched {
            at: now,
            by: actor.id,
            class: d.class,
            urgency: d.urgency,
            department: d.department,
            handler: d.handler,
            paid: d.paid,
            contact_clock,
        },
    )];
    if d.class == Class::Major && c.alerted.is_none() {
        out.push(draft(
            RecordKind::Complaint,
            id,
            ComplaintsEvent::DirectorAlerted {
                at: now,
                by: actor.id,
            },
        ));
    }
    Ok(out)
}

fn handler_check(actor: &Actor, c: &Complaint) -> Result<(), DomainError> {
    actor.may(Action::HandleComplaint)?;
    let lead_only =
        !actor.roles.contains(&Role::Director) && !actor.roles.contains(&Role::Supervisor);
    if lead_only && c.handler.is_some_and(|h| h != actor.id) {
        return Err(DomainError::invalid(
            "此投诉已派给其他负责人",
            "This complaint was dispatched to another lead",
        ));
    }
    Ok(())
}

/// CMP-5/8: the department lead accepts.
pub fn accept(
    actor: &Actor,
    id: RecordId,
    c: &Complaint,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    handler_check(actor, c)?;
    if c.status != Status::Dispatched {
        return Err(wrong_state(
            "只有已派单的投诉可以接单",
            "Only a dispatched complaint can be accepted",
        ));
    }
    Ok(vec![draft(
        RecordKind::Complaint,
        id,
        ComplaintsEvent::Accepted {
            at: now,
            by: actor.id,
        },
    )])
}

/// CMP-4: the customer was contacted (stops the contact clock).
pub fn contacted(
    actor: &Actor,
    id: RecordId,
    c: &Complaint,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    handler_check(actor, c)?;
    if !matches!(c.status, Status::Dispatched | Status::InProgress) {
        return Err(wrong_state(
            "请先派单再联系客户",
            "Dispatch the complaint before contacting the customer",
        ));
    }
    if c.intake.anonymous {
        return Err(DomainError::invalid(
            "匿名投诉无法联系客户",
            "An anonymous complaint has no customer to contact",
        ));
    }
    let mut out = Vec::new();
    if c.status == Status::Dispatched {
        out.extend(accept(actor, id, c, now)?);
    }
    out.push(draft(
        RecordKind::Complaint,
        id,
        ComplaintsEvent::Contacted {
            at: now,
            by: actor.id,
            note: note.trim().into(),
        },
    ));
    Ok(out)
}

/// CMP-8: the department reports progress.
pub fn progress(
    actor: &Actor,
    id: RecordId,
    c: &Complaint,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    handler_check(actor, c)?;
    if c.status != Status::InProgress {
        return Err(wrong_state(
            "请先接单再报告进度",
            "Accept the complaint before reporting progress",
        ));
    }
    let note = required(note, Text::new("处理进度", "the progress"))?;
    Ok(vec![draft(
        RecordKind::Complaint,
        id,
        ComplaintsEvent::Progress {
            at: now,
            by: actor.id,
            note,
        },
    )])
}

/// CMP-8: customer service tells the customer how it stands.
pub fn customer_told(
    actor: &Actor,
    id: RecordId,
    c: &Complaint,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::InformCustomer)?;
    if !c.is_open() || c.intake.anonymous {
        return Err(wrong_state(
            "只能对处理中的实名投诉记录告知客户",
            "Only an open, named complaint's customer can be informed",
        ));
    }
    let note = required(note, Text::new("告知内容", "what the customer was told"))?;
    Ok(vec![draft(
        RecordKind::Complaint,
        id,
        ComplaintsEvent::CustomerTold {
            at: now,
            by: actor.id,
            note,
        },
    )])
}

/// CMP-7: a serious complaint reported to the director at once.
pub fn alert_director(
    actor: &Actor,
    id: RecordId,
    c: &Complaint,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RegisterComplaint)?;
    if c.alerted.is_some() {
        return Err(DomainError::invalid(
            "已报告主任",
            "The director was already alerted",
        ));
    }
    Ok(vec![draft(
        RecordKind::Complaint,
        id,
        ComplaintsEvent::DirectorAlerted {
            at: now,
            by: actor.id,
        },
    )])
}

/// How the complaint is closed (CMP-9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closing {
    pub cause: String,
    pub measures: String,
    pub result: String,
    pub signoff: SignOff,
    pub rating: Option<Rating>,
    /// Who calls back (of the role CMP-10 routes to); the supervisor may plan it later (CB-1).
    pub callback_assignee: Option<StaffId>,
}

/// A drawn signature: SVG path commands and numbers only, and not empty.
pub fn valid_signature(path: &str) -> bool {
    let p = path.trim();
    p.len() >= 8
        && p.len() <= 60_000
        && p.starts_with('M')
        && p.chars()
            .all(|c| c.is_ascii_digit() || " .,-MLml".contains(c))
}

/// CMP-9/10: completes with a handling report and the customer's sign-off; schedules the
/// callback due in 3 days, routed by class (CMP-10). Anonymous: the written reply, no callback.
#[allow(clippy::too_many_arguments)]
pub fn complete(
    actor: &Actor,
    id: RecordId,
    c: &Complaint,
    closing: &Closing,
    callback_id: RecordId,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::CloseComplaint)?;
    handler_check(actor, c)?;
    if c.status != Status::InProgress {
        return Err(wrong_state(
            "只有处理中的投诉可以结案",
            "Only a complaint in progress can be completed",
        ));
    }
    if c.awaits_report_back() {
        return Err(wrong_state(
            "涉及外部单位的投诉，须先向客户反馈协调结果再结案 (CMP-7)",
            "A complaint involving an outside body needs the result reported back to the customer before it is completed (CMP-7)",
        ));
    }
    let cause = required(&closing.cause, Text::new("投诉原因", "the cause"))?;
    let measures = required(&closing.measures, Text::new("处理措施", "the measures"))?;
    let result = required(&closing.result, Text::new("处理结果", "the result"))?;
    let signoff = match (&closing.signoff, c.intake.anonymous) {
        (SignOff::WrittenReply { reply }, true) => SignOff::WrittenReply {
            reply: required(reply, Text::new("书面答复", "the written reply"))?,
        },
        (_, true) => {
            return Err(DomainError::invalid(
                "匿名投诉请附书面答复",
                "An anonymous complaint needs the written reply",
            ))
        }
        (SignOff::Drawn { path }, false) if !valid_signature(path) => {
            return Err(DomainError::invalid(
                "请客户在平板上签名",
                "Ask the customer to sign on the tablet",
            ))
        }
        (SignOff::WrittenReply { .. }, false) => {
            return Err(DomainError::invalid(
                "实名投诉须由客户签名或电话确认",
                "A named complaint needs the customer's signature or phone confirmation",
            ))
        }
        (s, false) => s.clone(),
    };
    if !c.intake.anonymous && closing.rating.is_none() {
        return Err(DomainError::invalid(
            "请记录客户评价",
            "Record the customer's rating",
        ));
    }
    let mut out = Vec::new();
    let callback = (!c.intake.anonymous).then_some(callback_id);
    if c.status == Status::InProgress && c.contact_clock.as_ref().is_some_and(|k| k.is_running()) {
        // Closing with the customer (signature or phone) is contact with the customer too.
        out.push(draft(
            RecordKind::Complaint,
            id,
            ComplaintsEvent::Contacted {
                at: now,
                by: actor.id,
                note: String::new(),
            },
        ));
    }
    out.push(draft(
        RecordKind::Complaint,
        id,
        ComplaintsEvent::Completed {
            at: now,
            by: actor.id,
            report: HandlingReport {
                cause,
                measures,
                result,
                signoff,
                rating: closing.rating,
            },
            callback,
        },
    ));
    if let Some(cb) = callback {
        let class = c.class.unwrap_or(Class::Minor);
        let contact = [
            c.intake.contact_name.as_str(),
            c.intake.contact_phone.as_str(),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
        out.extend(callbacks::schedule(
            actor,
            cb,
            &CallbackRequest {
                kind: CallbackKind::Complaint,
                source: Some(RecordRef::new(RecordKind::Complaint, id)),
                household: c.intake.household,
                unit: c.intake.unit,
                place: c.intake.place.clone(),
                contact,
                topic: c.intake.what.chars().take(80).collect(),
                role: class.callback_role(),
                assignee: closing.callback_assignee,
                previous: None,
            },
            now,
            cal,
        )?);
    }
    Ok(out)
}

/// CMP-3: complaints still open one month after receipt become major, each with an event
/// dated at the moment the month ran out. Run on opening the complaints screen; idempotent.
pub fn escalations_due(now: i64, open: &[(RecordId, Complaint)]) -> Vec<Draft> {
    open.iter()
        .filter(|(_, c)| c.is_open() && c.escalated.is_none())
        .filter_map(|(id, c)| {
            let m = c.month_clock.as_ref()?;
            (now >= m.deadline).then(|| {
                draft(
                    RecordKind::Complaint,
                    *id,
                    ComplaintsEvent::Escalated { at: m.deadline },
                )
            })
        })
        .collect()
}

/// CMP-3, issue 19: the open complaints whose rows say escalation may be due — the only ones
/// whose full state the sweep reads before [`escalations_due`] decides. Never leaves out one
/// that `escalations_due` would escalate (a row from before `escalates_at` counts as due).
pub fn escalation_candidates(now: i64, rows: &[(RecordId, ComplaintRow)]) -> Vec<RecordId> {
    rows.iter()
        .filter(|(_, r)| r.escalates_at.is_some_and(|d| now >= d))
        .map(|(id, _)| *id)
        .collect()
}

// ----- commands: help requests -------------------------------------------------------------------

/// HELP-1/2: registers a help request; the reply clock (10 min, settings) starts now.
pub fn register_help(
    actor: &Actor,
    id: RecordId,
    intake: &HelpIntake,
    now: i64,
    settings: &ComplaintSettings,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    let mut i = intake.clone();
    i.what = required(&i.what, Text::new("求助内容", "what is needed"))?;
    phone_ok(&i.phone)?;
    if i.kind == HelpKind::Medical && i.address.trim().is_empty() && i.place.trim().is_empty() {
        // HELP-3: ask the address first.
        return Err(DomainError::invalid(
            "急病求助请先问清地址",
            "For a medical emergency, ask the address first",
        ));
    }
    let reply_clock = ClockSpec::elapsed_minutes(settings.help_reply_minutes).start(
        Text::new("求助答复时限", "Reply to the request"),
        now,
        cal,
    );
    Ok(vec![draft(
        RecordKind::HelpRequest,
        id,
        ComplaintsEvent::HelpRegistered {
            at: now,
            by: actor.id,
            intake: Box::new(i),
            reply_clock,
        },
    )])
}

fn help_open(h: &HelpRequest) -> Result<(), DomainError> {
    if matches!(h.status, HelpStatus::Closed | HelpStatus::Routed) {
        Err(wrong_state("此求助已结案", "This request is closed"))
    } else {
        Ok(())
    }
}

/// HELP-2/4: the answer (never guessed). A referred or flagged enquiry is answered by a
/// supervisor or the director only.
pub fn answer_help(
    actor: &Actor,
    id: RecordId,
    h: &HelpRequest,
    answer: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    help_open(h)?;
    let answer = required(answer, Text::new("答复内容", "the answer"))?;
    let event = if h.needs_supervisor() {
        actor.may(Action::AnswerReferredHelp)?;
        ComplaintsEvent::HelpSupervisorAnswered {
            at: now,
            by: actor.id,
            answer,
        }
    } else {
        ComplaintsEvent::HelpAnswered {
            at: now,
            by: actor.id,
            answer,
        }
    };
    Ok(vec![draft(RecordKind::HelpRequest, id, event)])
}

/// HELP-4: the desk refers an enquiry it cannot answer to a supervisor by name; it then waits on
/// that supervisor's list. `to_roles` are the roles the staff register gives that person.
pub fn refer_help(
    actor: &Actor,
    id: RecordId,
    h: &HelpRequest,
    to: StaffId,
    to_roles: &[Role],
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    help_open(h)?;
    if h.status != HelpStatus::Open {
        return Err(wrong_state(
            "此求助已答复",
            "This request is already answered",
        ));
    }
    if h.referred.is_some() {
        return Err(wrong_state(
            "此求助已转主管",
            "This request is already referred",
        ));
    }
    if !to_roles
        .iter()
        .any(|r| matches!(r, Role::Supervisor | Role::Director))
    {
        return Err(DomainError::invalid(
            "请转给客服主管或物业部主任",
            "Refer it to a supervisor or the director",
        ));
    }
    Ok(vec![draft(
        RecordKind::HelpRequest,
        id,
        ComplaintsEvent::HelpReferred {
            at: now,
            by: actor.id,
            to,
            note: note.trim().to_string(),
        },
    )])
}

/// CMP-7: a step with an outside body (explain, liaise, report back), by whoever handles the
/// complaint. Once one is recorded, completing needs the report back.
pub fn outside_liaison(
    actor: &Actor,
    id: RecordId,
    c: &Complaint,
    body: &str,
    step: LiaisonStep,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    handler_check(actor, c)?;
    if !c.is_open() {
        return Err(wrong_state("此投诉已结案", "This complaint is closed"));
    }
    let body = required(body, Text::new("外部单位", "the outside body"))?;
    let note = required(note, Text::new("情况说明", "what was said or agreed"))?;
    Ok(vec![draft(
        RecordKind::Complaint,
        id,
        ComplaintsEvent::OutsideLiaison {
            at: now,
            by: actor.id,
            body,
            step,
            note,
        },
    )])
}

/// HELP-5: a complaint request becomes a complaint (registered here, linked both ways).
#[allow(clippy::too_many_arguments)]
pub fn convert_to_complaint(
    actor: &Actor,
    id: RecordId,
    h: &HelpRequest,
    complaint_id: RecordId,
    subject: Subject,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    help_open(h)?;
    let Some(i) = &h.intake else {
        return Err(DomainError::NotFound(Text::new(
            "找不到此求助",
            "Request not found",
        )));
    };
    let intake = Intake {
        channel: Some(Channel::Phone),
        household: i.household,
        unit: i.unit,
        place: i.place.clone(),
        anonymous: i.household.is_none() && i.phone.is_empty(),
        contact_name: i.caller.clone(),
        contact_phone: i.phone.clone(),
        occurred: i.address.clone(),
        subject: Some(subject),
        what: i.what.clone(),
        ..Default::default()
    };
    let mut out = register(actor, complaint_id, &intake, None, now, cal)?;
    out.push(draft(
        RecordKind::HelpRequest,
        id,
        ComplaintsEvent::HelpConverted {
            at: now,
            by: actor.id,
            to: RecordRef::new(RecordKind::Complaint, complaint_id),
        },
    ));
    Ok(out)
}

/// HELP-5: routed into another procedure that lives elsewhere (repairs, security, disasters).
pub fn route_help(
    actor: &Actor,
    id: RecordId,
    h: &HelpRequest,
    to: RecordRef,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    help_open(h)?;
    Ok(vec![draft(
        RecordKind::HelpRequest,
        id,
        ComplaintsEvent::HelpConverted {
            at: now,
            by: actor.id,
            to,
        },
    )])
}

/// HELP-3: one of the three paths.
pub fn choose_path(
    actor: &Actor,
    id: RecordId,
    h: &HelpRequest,
    path: MedicalPath,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    help_open(h)?;
    if h.kind() != HelpKind::Medical {
        return Err(DomainError::invalid(
            "只有急病求助有处置方式",
            "Only a medical emergency has these paths",
        ));
    }
    if h.path.is_some() {
        return Err(DomainError::invalid(
            "已选择处置方式",
            "A path is already chosen",
        ));
    }
    Ok(vec![draft(
        RecordKind::HelpRequest,
        id,
        ComplaintsEvent::MedicalPathChosen {
            at: now,
            by: actor.id,
            path,
        },
    )])
}

/// HELP-3: ticks a step of the chosen path (timestamped, in any order a real night allows).
pub fn step_done(
    actor: &Actor,
    id: RecordId,
    h: &HelpRequest,
    step: u8,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    help_open(h)?;
    let Some(path) = h.path else {
        return Err(DomainError::invalid(
            "请先选择处置方式",
            "Choose a path first",
        ));
    };
    if step as usize >= medical_steps(path).len() || h.step_done(step) {
        return Err(DomainError::invalid(
            "此步骤已完成或不存在",
            "This step is done or does not exist",
        ));
    }
    Ok(vec![draft(
        RecordKind::HelpRequest,
        id,
        ComplaintsEvent::MedicalStepDone {
            at: now,
            by: actor.id,
            step,
        },
    )])
}

/// HELP-3: who was notified (director, family, supervisor), with the time.
pub fn notified(
    actor: &Actor,
    id: RecordId,
    h: &HelpRequest,
    who: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    help_open(h)?;
    let who = required(who, Text::new("通知对象", "who was notified"))?;
    Ok(vec![draft(
        RecordKind::HelpRequest,
        id,
        ComplaintsEvent::HelpNotified {
            at: now,
            by: actor.id,
            who,
        },
    )])
}

/// Closes a help request with its outcome; a medical one only when every step of its path is
/// done (HELP-3 ends in a record).
pub fn close_help(
    actor: &Actor,
    id: RecordId,
    h: &HelpRequest,
    outcome: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    help_open(h)?;
    if h.kind() == HelpKind::Medical {
        let Some(path) = h.path else {
            return Err(DomainError::invalid(
                "请先选择处置方式",
                "Choose a path first",
            ));
        };
        if (0..medical_steps(path).len() as u8).any(|s| !h.step_done(s)) {
            return Err(DomainError::invalid(
                "请先完成全部处置步骤",
                "Finish every step of the path first",
            ));
        }
    }
    let outcome = required(outcome, Text::new("处理结果", "the outcome"))?;
    Ok(vec![draft(
        RecordKind::HelpRequest,
        id,
        ComplaintsEvent::HelpClosed {
            at: now,
            by: actor.id,
            outcome,
        },
    )])
}

#[cfg(test)]
mod tests;

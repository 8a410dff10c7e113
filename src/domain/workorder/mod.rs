//! 工单 — one order model for engineering and environment work (issue 15). Opened by a patrol
//! finding on a public facility (PAT-4, REP-8: `Opened` … `Completed`, unchanged), or taken at
//! the desk for a household — a repair (REP-1..9) or a paid convenience service (PAID-2..5):
//! `Taken` … `Finished` in [`orders`]. The fee schedule the orders pick from is in [`fees`].
//! Each step is an event; the clocks' deadlines are fixed when they start and stored in the
//! event.

pub mod demo;
pub mod fees;
pub mod orders;
pub mod report;
#[cfg(test)]
mod tests;

use fees::FeeLine;
use orders::{Assessment, Collection, Decline, Finish, MaterialCheck, OrderIntake, PaperStep};

use super::calendar::BusinessCalendar;
use super::command::{required, Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{RecordId, StaffId};
use super::roles::Action;
use super::sla::{Clock, ClockSpec};
use super::view::{Aggregate, IndexFields};
use serde::{Deserialize, Serialize};

/// REP-8: engineering is notified within 10 minutes of a public-facility report.
pub const NOTIFY_MINUTES: i64 = 10;
/// REP-8: a repairer is on site within 15 minutes of being notified.
pub const ON_SITE_MINUTES: i64 = 15;
/// PAT-4 (seed 002 §2.6): a broken public facility reaches engineering within 2 hours.
pub const REPORT_MINUTES: i64 = 120;
/// PAT-4 (seed 002 §2.9): a broken plant-room lock reaches engineering within 1 hour.
pub const LOCK_REPORT_MINUTES: i64 = 60;

/// Where the work order came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Source {
    /// A patrol finding (公共区域现场巡视表).
    Patrol {
        finding: RecordId,
        round: Option<RecordId>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderInfo {
    pub source: Source,
    pub facility: Option<RecordId>,
    /// Where (user text).
    pub location: String,
    /// What is wrong (user text).
    pub description: String,
    /// A broken plant-room lock (1-hour rule).
    pub lock: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum WorkOrderEvent {
    Opened {
        info: Box<WorkOrderInfo>,
        /// Engineering lead the order goes to.
        assignee: Option<StaffId>,
        notify: Box<Clock>,
        report: Box<Clock>,
    },
    /// 签收: engineering took the order (REP-8 10 min); the on-site clock starts.
    Notified {
        at: i64,
        on_site: Box<Clock>,
    },
    OnSite {
        at: i64,
    },
    /// The result, written on the patrol sheet (REP-8).
    Completed {
        at: i64,
        result: String,
    },
    // ----- issue 15: the fee schedule and household orders (additions only) -----
    /// REP-2, PAID-1: a fee-schedule item as the Director approved it (subject: a FeeItem).
    FeeItemSet {
        at: i64,
        by: StaffId,
        item: Box<fees::FeeItem>,
    },
    /// REP-1, PAID-2/3: the desk takes a household order (维修单 / 有偿服务登记表).
    Taken {
        at: i64,
        by: StaffId,
        serial: String,
        order: Box<OrderIntake>,
        /// REP-1: engineering notified in 3 min (PAID-3 phone: reply in 10 min).
        notify: Box<Clock>,
    },
    /// REP-2: the department received it (接单); not in the schedule: the assessment clock.
    Received {
        at: i64,
        by: StaffId,
        assess: Option<Box<Clock>>,
    },
    /// REP-2: the engineering supervisor's 收费评审 (feasible, fee).
    Assessed {
        at: i64,
        by: StaffId,
        feasible: bool,
        fee_fen: i64,
        note: String,
    },
    /// REP-2: the customer's answer to the assessed fee.
    FeeAnswered {
        at: i64,
        by: StaffId,
        agreed: bool,
    },
    /// REP-2/3, PAID-3: a worker sent, with the on-site clock.
    Dispatched {
        at: i64,
        by: StaffId,
        worker: StaffId,
        on_site: Box<Clock>,
    },
    /// REP-4: items corrected on site, from the schedule.
    ItemsCorrected {
        at: i64,
        by: StaffId,
        items: Vec<FeeLine>,
        note: String,
    },
    /// REP-4: the customer agreed (drawn signature).
    CustomerAgreed {
        at: i64,
        by: StaffId,
        signature: String,
    },
    /// REP-4: declined; technician and supervisor confirmed with their PINs.
    Declined {
        at: i64,
        by: StaffId,
        reason: String,
        technician: StaffId,
        supervisor: StaffId,
    },
    /// REP-5: customer-supplied material checked.
    MaterialChecked {
        at: i64,
        by: StaffId,
        check: Box<MaterialCheck>,
    },
    /// REP-6, PAID-4: done and signed; the paperwork clocks (REP-7) and the callback (REP-9).
    Finished {
        at: i64,
        by: StaffId,
        finish: Box<Finish>,
        paper: Box<Clock>,
        finance: Box<Clock>,
        callback: Option<RecordId>,
    },
    /// REP-7: the paper order moved on.
    PaperMoved {
        at: i64,
        by: StaffId,
        step: PaperStep,
    },
    /// REP-9: checked by an assistant the day after.
    DailyChecked {
        at: i64,
        by: StaffId,
        note: String,
    },
    /// PAID-4: the fee collected at the desk, with the receipt number.
    FeeCollected {
        at: i64,
        by: StaffId,
        amount_fen: i64,
        receipt: String,
    },
    /// PAID-5: reworked free until the owner is satisfied.
    ReworkRequested {
        at: i64,
        by: StaffId,
        fault: String,
        on_site: Box<Clock>,
    },
    /// PAID-6: the month's paid-service summary reconciled with finance, engineering and
    /// environment (subject: the month's PaidReconciliation, id derived from the month).
    PaidReconciled {
        at: i64,
        by: StaffId,
        /// "YYYY-MM".
        month: String,
        /// Who confirmed the figures in each department (names, free text).
        finance: String,
        engineering: String,
        environment: String,
        /// Any difference found, and how it was settled.
        #[serde(default)]
        difference: String,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkOrderStatus {
    #[default]
    Opened,
    Notified,
    OnSite,
    Done,
    /// REP-2: not in the schedule, the supervisor assesses.
    Assessing,
    /// REP-2: the customer answers the assessed fee.
    AwaitingCustomer,
    /// REP-2: agreed, waiting for a worker.
    Agreed,
    /// REP-4: declined on site, back at customer service.
    Declined,
    /// Not feasible or the fee refused.
    Cancelled,
}

impl WorkOrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkOrderStatus::Opened => "opened",
            WorkOrderStatus::Notified => "notified",
            WorkOrderStatus::OnSite => "on_site",
            WorkOrderStatus::Done => "done",
            WorkOrderStatus::Assessing => "assessing",
            WorkOrderStatus::AwaitingCustomer => "awaiting_customer",
            WorkOrderStatus::Agreed => "agreed",
            WorkOrderStatus::Declined => "declined",
            WorkOrderStatus::Cancelled => "cancelled",
        }
    }
    pub fn label(self) -> Text {
        match self {
            WorkOrderStatus::Opened => Text::new("待工程部签收", "Waiting for engineering"),
            WorkOrderStatus::Notified => Text::new("已签收，待到场", "Taken, not on site yet"),
            WorkOrderStatus::OnSite => Text::new("维修中", "Being repaired"),
            WorkOrderStatus::Done => Text::new("已完成", "Done"),
            WorkOrderStatus::Assessing => Text::new("待主管评审费用", "Supervisor assessing"),
            WorkOrderStatus::AwaitingCustomer => {
                Text::new("待客户确认费用", "Customer to agree the fee")
            }
            WorkOrderStatus::Agreed => Text::new("客户已同意，待派工", "Agreed, to dispatch"),
            WorkOrderStatus::Declined => Text::new("客户不同意维修，已退回", "Declined, returned"),
            WorkOrderStatus::Cancelled => Text::new("已取消", "Cancelled"),
        }
    }
}

impl WorkOrderStatus {
    /// Still to be worked on: every status but done and cancelled (the open lists).
    pub fn is_open(self) -> bool {
        !matches!(self, WorkOrderStatus::Done | WorkOrderStatus::Cancelled)
    }
}

/// Issue 19: the open orders' list keys, so each list reads one page by key and counts the rest
/// from the index, never every open order of five years (and never the other list's orders).
/// 巡查 › 发现与工单 (REP-8): public-facility orders, newest first.
pub const PATROL_OPEN: &str = "pwoo|";
/// 报修 (REP-1..3): household orders, the most urgent first — by the deadline of the clock
/// that runs now, orders without one last.
pub const HOUSEHOLD_OPEN: &str = "woo|";

impl WorkOrderStatus {
    pub const ALL: [WorkOrderStatus; 9] = [
        WorkOrderStatus::Opened,
        WorkOrderStatus::Assessing,
        WorkOrderStatus::AwaitingCustomer,
        WorkOrderStatus::Agreed,
        WorkOrderStatus::Notified,
        WorkOrderStatus::OnSite,
        WorkOrderStatus::Done,
        WorkOrderStatus::Declined,
        WorkOrderStatus::Cancelled,
    ];
}

/// 工单 (the fields after `done_at` are household orders', issue 15).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkOrder {
    pub info: Option<WorkOrderInfo>,
    pub status: WorkOrderStatus,
    pub assignee: Option<StaffId>,
    pub opened_at: i64,
    pub notify: Option<Clock>,
    pub report: Option<Clock>,
    pub on_site: Option<Clock>,
    pub result: Option<String>,
    pub done_at: Option<i64>,
    pub order: Option<OrderIntake>,
    pub serial: String,
    pub taken_by: Option<StaffId>,
    pub received_at: Option<i64>,
    pub assess: Option<Clock>,
    pub assessment: Option<Assessment>,
    pub worker: Option<StaffId>,
    /// The items as they stand (taken, corrected on site, or the assessed fee).
    pub lines: Vec<FeeLine>,
    pub corrections: Vec<(i64, StaffId, String)>,
    /// REP-4: when the customer agreed, and the signature.
    pub agreed: Option<(i64, String)>,
    pub declined: Option<Decline>,
    pub materials: Vec<MaterialCheck>,
    pub finished: Option<Finish>,
    pub paper: Vec<(PaperStep, i64, StaffId)>,
    pub paper_clock: Option<Clock>,
    pub finance_clock: Option<Clock>,
    pub callback: Option<RecordId>,
    pub checked: Option<(i64, StaffId, String)>,
    pub collected: Option<Collection>,
    pub reworks: Vec<(i64, StaffId, String)>,
}

impl Aggregate for WorkOrder {
    const KIND: RecordKind = RecordKind::WorkOrder;
    fn apply(&mut self, event: &Event) {
        let EventBody::WorkOrder(e) = &event.body else {
            return;
        };
        match e {
            WorkOrderEvent::Opened {
                info,
                assignee,
                notify,
                report,
            } if self.info.is_none() => {
                self.info = Some((**info).clone());
                self.assignee = *assignee;
                self.opened_at = notify.started;
                self.notify = Some((**notify).clone());
                self.report = Some((**report).clone());
            }
            WorkOrderEvent::Notified { at, on_site } if self.status == WorkOrderStatus::Opened => {
                self.status = WorkOrderStatus::Notified;
                for c in [&mut self.notify, &mut self.report].into_iter().flatten() {
                    c.stop(*at);
                }
                self.on_site = Some((**on_site).clone());
            }
            WorkOrderEvent::OnSite { at } if self.status == WorkOrderStatus::Notified => {
                if self.order.is_some() {
                    self.status = WorkOrderStatus::OnSite;
                    if let Some(c) = &mut self.on_site {
                        c.stop(*at);
                    }
                    return;
                }
                self.status = WorkOrderStatus::OnSite;
                if let Some(c) = &mut self.on_site {
                    c.stop(*at);
                }
            }
            WorkOrderEvent::Completed { at, result }
                if self.status != WorkOrderStatus::Done && self.order.is_none() =>
            {
                self.status = WorkOrderStatus::Done;
                for c in [&mut self.notify, &mut self.report, &mut self.on_site]
                    .into_iter()
                    .flatten()
                {
                    c.stop(*at);
                }
                self.result = Some(result.clone());
                self.done_at = Some(*at);
            }
            e => self.apply_household(e),
        }
    }
    fn list_row(&self) -> serde_json::Value {
        match (self.row(), self.patrol_row()) {
            (Some(r), _) => serde_json::to_value(r).expect("work order row serialises"),
            (None, Some(r)) => serde_json::to_value(r).expect("work order row serialises"),
            _ => serde_json::Value::Null,
        }
    }
    fn index(&self) -> IndexFields {
        if self.order.is_some() {
            return self.household_index();
        }
        let clock = self.running_clock().cloned();
        let info = self.info.clone().unwrap_or(WorkOrderInfo {
            source: Source::Patrol {
                finding: RecordId::nil(),
                round: None,
            },
            facility: None,
            location: String::new(),
            description: String::new(),
            lock: false,
        });
        IndexFields {
            status: Some(self.status.as_str().into()),
            due: clock.as_ref().map(|c| c.deadline),
            assignee: if self.status == WorkOrderStatus::Done {
                None
            } else {
                self.assignee
            },
            search: [info.location.clone()]
                .into_iter()
                .chain(self.status.is_open().then(|| {
                    format!(
                        "{PATROL_OPEN}{}",
                        crate::domain::view::newest_first(self.opened_at)
                    )
                }))
                .collect(),
            title: format!("公共设施报修：{}", info.description),
            subtitle: info.location,
            clock,
            ..Default::default()
        }
    }
}

impl WorkOrder {
    /// The clock that matters now: notify (REP-8 10 min) until taken, then on-site (15 min).
    pub fn running_clock(&self) -> Option<&Clock> {
        match self.status {
            WorkOrderStatus::Opened => self.notify.as_ref(),
            WorkOrderStatus::Notified => self.on_site.as_ref(),
            _ => None,
        }
    }
}

/// What the patrol page's list shows of a public-facility order (issue 19; household orders
/// have [`orders::WorkOrderRow`]). `description` and `location` are required, so a household
/// order's row never reads as one of these.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatrolOrderRow {
    pub status: WorkOrderStatus,
    pub description: String,
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<StaffId>,
    /// The running clock ([`WorkOrder::running_clock`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
    /// The report clock's name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Text>,
}

impl WorkOrder {
    /// The patrol page's row of a public-facility order (issue 19); None for a household order.
    pub fn patrol_row(&self) -> Option<PatrolOrderRow> {
        let info = self.info.as_ref().filter(|_| self.order.is_none())?;
        Some(PatrolOrderRow {
            status: self.status,
            description: info.description.clone(),
            location: info.location.clone(),
            assignee: self.assignee,
            clock: self.running_clock().cloned(),
            report: self.report.as_ref().map(|c| c.name.clone()),
        })
    }
}

pub fn work_order_ref(id: RecordId) -> RecordRef {
    RecordRef::new(RecordKind::WorkOrder, id)
}

fn draft(kind: RecordKind, id: RecordId, e: WorkOrderEvent) -> Draft {
    Draft {
        subject: RecordRef::new(kind, id),
        body: EventBody::WorkOrder(e),
    }
}

/// Opens a public-facility work order (PAT-4 → REP-8). Called by the patrol finding command,
/// in the same batch as the finding, so the report is made the moment it is recorded.
pub fn open_from_patrol(
    id: RecordId,
    info: WorkOrderInfo,
    assignee: Option<StaffId>,
    now: i64,
    cal: &BusinessCalendar,
) -> Draft {
    let notify = ClockSpec::elapsed_minutes(NOTIFY_MINUTES).start(
        Text::new("通知工程部", "Notify engineering"),
        now,
        cal,
    );
    let (minutes, name) = if info.lock {
        (
            LOCK_REPORT_MINUTES,
            Text::new("门锁1小时内报工程部", "Lock to engineering in 1 h"),
        )
    } else {
        (
            REPORT_MINUTES,
            Text::new("2小时内报工程部", "To engineering in 2 h"),
        )
    };
    let report = ClockSpec::elapsed_minutes(minutes).start(name, now, cal);
    draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::Opened {
            info: Box::new(info),
            assignee,
            notify: Box::new(notify),
            report: Box::new(report),
        },
    )
}

/// 签收: engineering takes the order; starts the 15-minute on-site clock (REP-8). The patrol
/// finding behind it counts as reported (PAT-5), so its 24-hour clock stops too.
pub fn take(
    actor: &Actor,
    id: RecordId,
    current: &WorkOrder,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleWorkOrder)?;
    if current.status != WorkOrderStatus::Opened {
        return Err(DomainError::invalid(
            "该工单已签收",
            "This work order was already taken",
        ));
    }
    let on_site = ClockSpec::elapsed_minutes(ON_SITE_MINUTES).start(
        Text::new("15分钟内到场", "On site in 15 min"),
        now,
        cal,
    );
    let mut out = vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::Notified {
            at: now,
            on_site: Box::new(on_site),
        },
    )];
    if let Some(Source::Patrol { finding, .. }) = current.info.as_ref().map(|i| &i.source) {
        out.push(super::patrol::finding_reported(
            *finding,
            now,
            work_order_ref(id),
        ));
    }
    Ok(out)
}

pub fn arrive(
    actor: &Actor,
    id: RecordId,
    current: &WorkOrder,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleWorkOrder)?;
    if current.status != WorkOrderStatus::Notified {
        return Err(DomainError::invalid(
            "请先签收工单",
            "Take the work order first",
        ));
    }
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::OnSite { at: now },
    )])
}

/// Done, with the result written on the patrol sheet (REP-8); the finding is handled.
pub fn complete(
    actor: &Actor,
    id: RecordId,
    current: &WorkOrder,
    now: i64,
    result: &str,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleWorkOrder)?;
    let result = required(result, Text::new("维修结果", "the repair result"))?;
    if current.status == WorkOrderStatus::Done {
        return Err(DomainError::invalid(
            "该工单已完成",
            "This work order is already done",
        ));
    }
    if current.status == WorkOrderStatus::Opened {
        return Err(DomainError::invalid(
            "请先签收工单",
            "Take the work order first",
        ));
    }
    let mut out = vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::Completed {
            at: now,
            result: result.clone(),
        },
    )];
    if let Some(Source::Patrol { finding, .. }) = current.info.as_ref().map(|i| &i.source) {
        out.push(super::patrol::finding_handled(*finding, now, &result));
    }
    Ok(out)
}

// Tested with the patrol findings that open work orders: src/domain/patrol/tests.rs (REP-8).

impl WorkOrderEvent {
    pub fn label(&self) -> Text {
        match self {
            WorkOrderEvent::Opened { .. } => Text::new("开具工单", "Work order opened"),
            WorkOrderEvent::Notified { .. } => Text::new("工程部签收", "Taken by engineering"),
            WorkOrderEvent::OnSite { .. } => Text::new("到达现场", "On site"),
            WorkOrderEvent::Completed { .. } => Text::new("维修完成", "Repair done"),
            WorkOrderEvent::FeeItemSet { .. } => Text::new("主任批准收费项目", "Fee item approved"),
            WorkOrderEvent::Taken { .. } => Text::new("前台受理", "Order taken"),
            WorkOrderEvent::Received { .. } => Text::new("部门接单", "Received by the department"),
            WorkOrderEvent::Assessed { .. } => Text::new("主管收费评审", "Fee assessed"),
            WorkOrderEvent::FeeAnswered { agreed: true, .. } => {
                Text::new("客户同意评审费用", "Customer agreed the fee")
            }
            WorkOrderEvent::FeeAnswered { .. } => {
                Text::new("客户不同意评审费用", "Customer refused the fee")
            }
            WorkOrderEvent::Dispatched { .. } => Text::new("派工", "Worker sent"),
            WorkOrderEvent::ItemsCorrected { .. } => {
                Text::new("现场更正维修项目", "Items corrected on site")
            }
            WorkOrderEvent::CustomerAgreed { .. } => {
                Text::new("客户同意收费并签名", "Customer agreed and signed")
            }
            WorkOrderEvent::Declined { .. } => {
                Text::new("客户不同意维修，退回客服", "Declined, back to the desk")
            }
            WorkOrderEvent::MaterialChecked { .. } => {
                Text::new("验证客户自备材料", "Material checked")
            }
            WorkOrderEvent::Finished { .. } => {
                Text::new("完工，客户验收签名", "Done, customer signed")
            }
            WorkOrderEvent::PaperMoved { .. } => Text::new("维修单流转", "Paperwork moved"),
            WorkOrderEvent::DailyChecked { .. } => Text::new("次日检查", "Checked next day"),
            WorkOrderEvent::FeeCollected { .. } => Text::new("前台收费开票", "Fee collected"),
            WorkOrderEvent::ReworkRequested { .. } => Text::new("免费返修", "Free rework"),
            WorkOrderEvent::PaidReconciled { .. } => {
                Text::new("有偿服务月度对账确认", "Paid-service month reconciled")
            }
        }
    }
}

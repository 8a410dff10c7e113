//! 报修 and 便民有偿服务 — household orders on the one work-order model (SOP §5 REP-1..7, REP-9;
//! §6 PAID-2..5). The desk takes the order; engineering (or environment) receives it and
//! dispatches a worker with the on-site clock of REP-2/3; on site the technician corrects items
//! from the schedule and the customer agrees with a drawn signature or declines (REP-4);
//! customer-supplied material is checked (REP-5); done with fees from the schedule and the
//! customer's signature (REP-6), a callback scheduled through `callbacks::schedule` (REP-9);
//! the paperwork clocks of REP-7. Repairs record no cash (finance charges them with the
//! management fee); paid services record the fee collected at the desk (PAID-4).

use super::fees::{self, FeeLine, Pick, Schedule};
use super::{draft, WorkOrder, WorkOrderEvent, WorkOrderStatus};
use crate::domain::calendar::{month_key, BusinessCalendar};
use crate::domain::callbacks::{self, CallbackKind, CallbackRequest};
use crate::domain::cash::{self, CashDay};
use crate::domain::command::{required, Actor, DomainError};
use crate::domain::complaints::{valid_signature, ComplaintsEvent, HelpKind, HelpRequest};
use crate::domain::duty::Post;
use crate::domain::event::{Draft, EventBody, RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::photo::Photo;
use crate::domain::roles::{Action, Department, Role};
use crate::domain::sla::{Clock, ClockSpec};
use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

const MIN: i64 = 60_000;

labelled!(
    /// Repair (REP) or paid convenience service (PAID).
    OrderKind {
        Repair => ("报修", "Repair", "repair"),
        Paid => ("有偿服务", "Paid service", "paid"),
    }
);

labelled!(
    /// Where an order came from (REP-1 channels; help requests HELP-5; complaints; move-in
    /// defects).
    OrderSource {
        Phone => ("来电", "Phone", "phone"),
        Desk => ("前台来访", "At the desk", "desk"),
        WeChat => ("微信", "WeChat", "wechat"),
        Patrol => ("巡查发现", "Patrol", "patrol"),
        Help => ("客户求助", "Help request", "help"),
        Complaint => ("客户投诉", "Complaint", "complaint"),
        MoveIn => ("入伙验房", "Move-in defect", "move_in"),
    }
);

labelled!(
    /// REP-5: the technician's check of material the customer supplied.
    MaterialVerdict {
        Ok => ("合格", "Acceptable", "ok"),
        Failed => ("不合格", "Not acceptable", "failed"),
        Poor => ("质量不佳", "Poor quality", "poor"),
    }
);

labelled!(
    /// REP-7: where the paper 维修单 went.
    PaperStep {
        ToSupervisor => ("交回工程部主管", "Back to the engineering supervisor", "to_supervisor"),
        ToDesk => ("主管返单前台", "Returned to the front desk", "to_desk"),
        ToFinance => ("第三联送财务部", "Copy 3 to finance", "to_finance"),
    }
);

/// The numbers SOP §5/§6 leave to a setting (estate settings `orders`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderSettings {
    /// REP-3: an emergency repair is on its way within this (default 10 min).
    pub emergency_minutes: i64,
    /// PAID-7: revenue split in percent (company, workers, reserve); sums to 100.
    pub split_company: u32,
    pub split_workers: u32,
    pub split_reserve: u32,
}

impl Default for OrderSettings {
    fn default() -> Self {
        OrderSettings {
            emergency_minutes: 10,
            split_company: 50,
            split_workers: 35,
            split_reserve: 15,
        }
    }
}

impl OrderSettings {
    pub fn validate(&self) -> Result<(), DomainError> {
        if !(1..=60).contains(&self.emergency_minutes)
            || self.split_company + self.split_workers + self.split_reserve != 100
        {
            return Err(DomainError::invalid(
                "紧急出发时限1–60分钟；分成比例合计须为100%",
                "Emergency limit 1–60 min; the split must add up to 100 %",
            ));
        }
        Ok(())
    }
}

/// REP-1 / PAID-2: what the desk writes down (维修单 / 有偿服务登记表).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderIntake {
    pub kind: OrderKind,
    pub source: OrderSource,
    /// The help request or complaint it came from.
    pub origin: Option<RecordRef>,
    pub household: Option<RecordId>,
    pub unit: Option<RecordId>,
    /// Address as shown ("3号楼 1201").
    pub place: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub content: String,
    /// Items from the approved schedule; empty = not in the schedule (REP-2 assessment).
    pub items: Vec<FeeLine>,
    /// None = as soon as possible.
    pub appointment: Option<i64>,
    /// REP-3: burst pipe, short circuit …
    pub emergency: bool,
    pub department: Department,
    /// The department lead the order goes to (notice on their home screen).
    pub lead: Option<StaffId>,
}

/// What the receptionist enters (prices come from the schedule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderForm {
    pub kind: OrderKind,
    pub source: OrderSource,
    pub household: Option<RecordId>,
    pub unit: Option<RecordId>,
    pub place: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub content: String,
    pub picks: Vec<Pick>,
    pub appointment: Option<i64>,
    pub emergency: bool,
    pub department: Department,
    pub lead: Option<StaffId>,
}

/// REP-2: the engineering supervisor's 收费评审 of work outside the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub at: i64,
    pub by: StaffId,
    pub feasible: bool,
    pub fee_fen: i64,
    pub note: String,
}

/// REP-4: a declined order, confirmed by the technician and the supervisor with their PINs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decline {
    pub at: i64,
    pub reason: String,
    pub technician: StaffId,
    pub supervisor: StaffId,
}

/// REP-5.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialCheck {
    pub at: i64,
    pub by: StaffId,
    pub material: String,
    pub verdict: MaterialVerdict,
    /// The photo (shared photo store reference).
    pub photo: Photo,
    /// The customer was warned and decided (use it or not).
    pub customer_decision: String,
}

/// REP-6 / PAID-4 completion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finish {
    pub at: i64,
    pub by: StaffId,
    pub lines: Vec<FeeLine>,
    pub result: String,
    /// The customer tested and signed (SVG path data).
    pub signature: String,
}

/// PAID-4: the fee taken at the desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    pub at: i64,
    pub by: StaffId,
    pub amount_fen: i64,
    pub receipt: String,
}

fn wrong(zh: &str, en: &str) -> DomainError {
    DomainError::invalid(zh, en)
}

/// `WX-20261130-3FA2` (repair) / `YF-…` (paid): the one serial printed on every copy
/// (PAID-3), derived from the date and the record id so every tablet prints the same.
pub fn serial(kind: OrderKind, id: RecordId, at: i64) -> String {
    let d = BusinessCalendar::default().local_date(at);
    let hex = format!("{id}");
    let tail: String = hex
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .take(4)
        .collect::<String>()
        .to_uppercase();
    let p = match kind {
        OrderKind::Repair => "WX",
        OrderKind::Paid => "YF",
    };
    format!("{p}-{}-{tail}", d.format("%Y%m%d"))
}

fn phone_ok(p: &str) -> bool {
    let d: String = p.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (7..=13).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit())
}

/// REP-1 (PAID-2): the desk takes the order. Engineering (the department) must receive it
/// within 3 minutes — the notify clock, on the lead's home screen; a paid order taken by phone
/// gets the 10-minute appointment reply clock instead (PAID-3).
pub fn take_order(
    actor: &Actor,
    id: RecordId,
    form: &OrderForm,
    schedule: &Schedule,
    origin: Option<RecordRef>,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::TakeOrder)?;
    let place = required(&form.place, Text::new("地址", "the address"))?;
    let content = required(&form.content, Text::new("报修内容", "what is to be done"))?;
    let contact_name = required(&form.contact_name, Text::new("联系人", "the contact"))?;
    if !phone_ok(&form.contact_phone) {
        return Err(wrong("请填写有效的联系电话", "Enter a valid phone number"));
    }
    let items = fees::lines(&form.picks, schedule)?;
    if form.kind == OrderKind::Paid && items.is_empty() {
        // PAID-1: no ad-hoc pricing for paid services.
        return Err(wrong(
            "有偿服务须从价目表中选择项目",
            "A paid service must be picked from the price list",
        ));
    }
    if let Some(a) = form.appointment {
        if a < now {
            return Err(wrong(
                "预约时间不能早于现在",
                "The appointment cannot be in the past",
            ));
        }
    }
    let notify = if form.kind == OrderKind::Paid {
        ClockSpec::elapsed_minutes(10).start(
            Text::new("10分钟内回复预约", "Reply with an appointment in 10 min"),
            now,
            cal,
        )
    } else {
        ClockSpec::elapsed_minutes(3).start(
            Text::new("3分钟内通知工程部", "Engineering notified in 3 min"),
            now,
            cal,
        )
    };
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::Taken {
            at: now,
            by: actor.id,
            serial: serial(form.kind, id, now),
            order: Box::new(OrderIntake {
                kind: form.kind,
                source: form.source,
                origin,
                household: form.household,
                unit: form.unit,
                place,
                contact_name,
                contact_phone: form.contact_phone.trim().into(),
                content,
                items,
                appointment: form.appointment,
                emergency: form.emergency && form.kind == OrderKind::Repair,
                department: form.department,
                lead: form.lead,
            }),
            notify: Box::new(notify),
        },
    )])
}

/// HELP-5: a help request of kind repair becomes a repair order (taken here, linked both ways).
#[allow(clippy::too_many_arguments)]
pub fn from_help(
    actor: &Actor,
    id: RecordId,
    help_id: RecordId,
    help: &HelpRequest,
    form: &OrderForm,
    schedule: &Schedule,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleHelp)?;
    let Some(intake) = &help.intake else {
        return Err(DomainError::NotFound(Text::new(
            "找不到此求助",
            "Help request not found",
        )));
    };
    if intake.kind != HelpKind::Repair {
        return Err(wrong(
            "只有报修类求助转为维修单",
            "Only a repair request becomes a repair order",
        ));
    }
    if help.routed_to.is_some() {
        return Err(wrong("此求助已转出", "This request was already routed"));
    }
    let mut form = form.clone();
    form.source = OrderSource::Help;
    let mut out = take_order(
        actor,
        id,
        &form,
        schedule,
        Some(RecordRef::new(RecordKind::HelpRequest, help_id)),
        now,
        cal,
    )?;
    out.push(Draft {
        subject: RecordRef::new(RecordKind::HelpRequest, help_id),
        body: EventBody::Complaints(ComplaintsEvent::HelpConverted {
            at: now,
            by: actor.id,
            to: RecordRef::new(RecordKind::WorkOrder, id),
        }),
    });
    Ok(out)
}

fn household(o: &WorkOrder) -> Result<&OrderIntake, DomainError> {
    o.order
        .as_ref()
        .ok_or_else(|| DomainError::NotFound(Text::new("找不到此维修单", "Order not found")))
}

/// REP-2/3: the on-site clock when a worker is sent: emergency — on the way within the setting;
/// an appointment — on site 5 minutes before it; otherwise on site within 10 minutes.
pub fn on_site_clock(o: &OrderIntake, now: i64, settings: &OrderSettings) -> Clock {
    let fixed = |name: Text, deadline: i64| Clock {
        name,
        started: now,
        warn_at: now + (deadline - now).max(0) * 4 / 5,
        deadline,
        stopped: None,
    };
    if o.emergency {
        let m = settings.emergency_minutes;
        fixed(
            Text::new(
                format!("紧急：{m}分钟内出发到场"),
                format!("Emergency: on the way in {m} min"),
            ),
            now + m * MIN,
        )
    } else if let Some(a) = o.appointment {
        fixed(
            Text::new(
                "预约时间前5分钟到场",
                "On site 5 min before the appointment",
            ),
            (a - 5 * MIN).max(now),
        )
    } else {
        fixed(
            Text::new("接单后10分钟内到场", "On site within 10 min"),
            now + 10 * MIN,
        )
    }
}

/// REP-1/2/3, PAID-3: the department lead receives the order (stops the 3-minute clock).
/// In the schedule (or an emergency, or a paid service): a worker is sent at once with the
/// on-site clock. Not in the schedule: the 15-minute assessment clock starts instead.
pub fn receive(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    worker: Option<StaffId>,
    now: i64,
    settings: &OrderSettings,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::DispatchOrder)?;
    let order = household(o)?;
    if o.status != WorkOrderStatus::Opened {
        return Err(wrong("此单已接单", "This order was already received"));
    }
    let needs_assessment = order.items.is_empty() && !order.emergency;
    if needs_assessment {
        let assess = ClockSpec::elapsed_minutes(15).start(
            Text::new(
                "15分钟内评审可行性和费用",
                "Assess feasibility and fee in 15 min",
            ),
            now,
            cal,
        );
        return Ok(vec![draft(
            RecordKind::WorkOrder,
            id,
            WorkOrderEvent::Received {
                at: now,
                by: actor.id,
                assess: Some(Box::new(assess)),
            },
        )]);
    }
    let Some(worker) = worker else {
        return Err(wrong("请指派维修人员", "Choose who goes"));
    };
    Ok(vec![
        draft(
            RecordKind::WorkOrder,
            id,
            WorkOrderEvent::Received {
                at: now,
                by: actor.id,
                assess: None,
            },
        ),
        draft(
            RecordKind::WorkOrder,
            id,
            WorkOrderEvent::Dispatched {
                at: now,
                by: actor.id,
                worker,
                on_site: Box::new(on_site_clock(order, now, settings)),
            },
        ),
    ])
}

/// REP-2: the engineering supervisor's assessment of work outside the schedule: feasible or
/// not, and the fee (the only fee not taken from the schedule, and only a lead sets it).
pub fn assess(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    feasible: bool,
    fee_fen: i64,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::DispatchOrder)?;
    household(o)?;
    if o.status != WorkOrderStatus::Assessing {
        return Err(wrong("此单无需评审", "This order needs no assessment"));
    }
    let note = required(note, Text::new("评审意见", "the assessment"))?;
    if feasible && !(0..=1_000_000).contains(&fee_fen) {
        return Err(wrong(
            "费用须在0至10000元之间",
            "The fee must be ¥0 to ¥10,000",
        ));
    }
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::Assessed {
            at: now,
            by: actor.id,
            feasible,
            fee_fen: if feasible { fee_fen } else { 0 },
            note,
        },
    )])
}

/// REP-2: the customer's answer to the assessed fee, recorded by the desk. Agreed: the lead
/// may dispatch; not agreed: the order is cancelled.
pub fn fee_answer(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    agreed: bool,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::TakeOrder)?;
    household(o)?;
    if o.status != WorkOrderStatus::AwaitingCustomer {
        return Err(wrong(
            "此单不在等待客户确认费用",
            "This order is not waiting for the customer's answer",
        ));
    }
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::FeeAnswered {
            at: now,
            by: actor.id,
            agreed,
        },
    )])
}

/// REP-2: after the customer agreed to the assessed fee, the lead sends a worker.
pub fn dispatch(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    worker: StaffId,
    now: i64,
    settings: &OrderSettings,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::DispatchOrder)?;
    let order = household(o)?;
    if o.status != WorkOrderStatus::Agreed {
        return Err(wrong(
            "须先评审费用并经客户同意",
            "The fee must be assessed and agreed by the customer first",
        ));
    }
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::Dispatched {
            at: now,
            by: actor.id,
            worker,
            on_site: Box::new(on_site_clock(order, now, settings)),
        },
    )])
}

fn on_site_check(actor: &Actor, o: &WorkOrder) -> Result<(), DomainError> {
    actor.may(Action::HandleWorkOrder)?;
    household(o)?;
    if o.status != WorkOrderStatus::OnSite {
        return Err(wrong("请先到达现场", "Arrive on site first"));
    }
    Ok(())
}

/// REP-4: on arrival (stops the on-site clock). The existing `OnSite` event.
pub fn arrive(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleWorkOrder)?;
    household(o)?;
    if o.status != WorkOrderStatus::Notified {
        return Err(wrong("此单尚未派工", "No one has been sent yet"));
    }
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::OnSite { at: now },
    )])
}

/// REP-4: the technician compares with the order and corrects the items — from the schedule
/// only (a price cannot be typed).
pub fn correct_items(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    picks: &[Pick],
    schedule: &Schedule,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    on_site_check(actor, o)?;
    if o.agreed.is_some() {
        return Err(wrong(
            "客户已确认，不能再更改项目",
            "The customer already agreed; items can no longer change",
        ));
    }
    let items = fees::lines(picks, schedule)?;
    if items.is_empty() {
        return Err(wrong("请至少选择一项", "Pick at least one item"));
    }
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::ItemsCorrected {
            at: now,
            by: actor.id,
            items,
            note: note.trim().into(),
        },
    )])
}

/// REP-4: the customer saw the fee schedule and agrees: a drawn signature.
pub fn customer_agrees(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    signature: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    on_site_check(actor, o)?;
    if !valid_signature(signature) {
        return Err(wrong(
            "请客户在平板上签名确认",
            "The customer signs on the tablet to agree",
        ));
    }
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::CustomerAgreed {
            at: now,
            by: actor.id,
            signature: signature.into(),
        },
    )])
}

/// REP-4: the customer declines. The reason is written; the technician and the engineering
/// supervisor each confirm with their own PIN (the caller passes the actors their PINs signed
/// in); the order goes back to customer service.
pub fn decline(
    technician: &Actor,
    supervisor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    reason: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    on_site_check(technician, o)?;
    supervisor.may(Action::DispatchOrder)?;
    if technician.id == supervisor.id {
        return Err(wrong(
            "须由维修人员和主管两人分别确认",
            "The technician and the supervisor confirm, two people",
        ));
    }
    if o.agreed.is_some() {
        return Err(wrong("客户已同意维修", "The customer already agreed"));
    }
    let reason = required(
        reason,
        Text::new("不同意维修的原因", "why the customer declines"),
    )?;
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::Declined {
            at: now,
            by: technician.id,
            reason,
            technician: technician.id,
            supervisor: supervisor.id,
        },
    )])
}

/// REP-5: material the customer supplied, checked with a photo; the customer is warned and
/// decides.
#[allow(clippy::too_many_arguments)]
pub fn check_material(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    material: &str,
    verdict: MaterialVerdict,
    photo: Option<&Photo>,
    customer_decision: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    on_site_check(actor, o)?;
    let material = required(material, Text::new("材料名称", "the material"))?;
    let Some(photo) = photo.filter(|p| !p.blob.trim().is_empty()) else {
        return Err(wrong("请拍照留存", "Take a photo of the material"));
    };
    let customer_decision = if verdict == MaterialVerdict::Ok {
        customer_decision.trim().to_string()
    } else {
        required(
            customer_decision,
            Text::new(
                "已提示客户及客户的决定",
                "the warning given and the customer's decision",
            ),
        )?
    };
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::MaterialChecked {
            at: now,
            by: actor.id,
            check: Box::new(MaterialCheck {
                at: now,
                by: actor.id,
                material,
                verdict,
                photo: photo.clone(),
                customer_decision,
            }),
        },
    )])
}

/// REP-7: the paper order is due back at the engineering supervisor by 17:00 the day it is
/// done (17:00 the next day when done later), and copy 3 at finance by the 25th (of the next
/// month when done after the 25th).
pub fn paper_clocks(done: i64, cal: &BusinessCalendar) -> (Clock, Clock) {
    let d = cal.local_date(done);
    let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
    let mut back = cal.at(d, five);
    if back <= done {
        back = cal.at(d + Days::new(1), five);
    }
    let mut fin_day = NaiveDate::from_ymd_opt(d.year(), d.month(), 25).unwrap();
    if d.day() > 25 {
        let (y, m) = if d.month() == 12 {
            (d.year() + 1, 1)
        } else {
            (d.year(), d.month() + 1)
        };
        fin_day = NaiveDate::from_ymd_opt(y, m, 25).unwrap();
    }
    let fin = cal.at(fin_day, five);
    let clock = |name: Text, deadline: i64| Clock {
        name,
        started: done,
        warn_at: done + (deadline - done) * 4 / 5,
        deadline,
        stopped: None,
    };
    (
        clock(
            Text::new("17:00前交回工程部主管", "Back to the supervisor by 17:00"),
            back,
        ),
        clock(
            Text::new("25日前第三联送财务", "Copy 3 to finance by the 25th"),
            fin,
        ),
    )
}

/// REP-6 (PAID-4 acceptance): done. Fees from the schedule (the items as corrected, or the
/// assessed fee), the customer tested and signs. Schedules the callback due within a month
/// (REP-9, CB-1) through `callbacks::schedule`, and starts the paperwork clocks (REP-7).
#[allow(clippy::too_many_arguments)]
pub fn finish(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    result: &str,
    signature: &str,
    callback_id: RecordId,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    on_site_check(actor, o)?;
    let order = household(o)?;
    if o.agreed.is_none() && o.finished.is_none() {
        return Err(wrong(
            "须先请客户确认收费标准并签名",
            "The customer must agree to the fees first",
        ));
    }
    let result = required(result, Text::new("维修结果", "the result"))?;
    if !valid_signature(signature) {
        return Err(wrong(
            "请客户试用检查后签名确认",
            "The customer tests and signs",
        ));
    }
    let lines = o.lines.clone();
    let (paper, finance) = paper_clocks(now, cal);
    let rework = o.finished.is_some();
    let mut out = vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::Finished {
            at: now,
            by: actor.id,
            finish: Box::new(Finish {
                at: now,
                by: actor.id,
                // PAID-5: rework is free — the fees stay those of the first completion.
                lines: if rework {
                    o.finished
                        .as_ref()
                        .map(|f| f.lines.clone())
                        .unwrap_or_default()
                } else {
                    lines
                },
                result,
                signature: signature.into(),
            }),
            paper: Box::new(paper),
            finance: Box::new(finance),
            callback: (!rework).then_some(callback_id),
        },
    )];
    if !rework {
        let req = CallbackRequest {
            kind: CallbackKind::Repair,
            source: Some(RecordRef::new(RecordKind::WorkOrder, id)),
            household: order.household,
            unit: order.unit,
            place: order.place.clone(),
            contact: format!("{} {}", order.contact_name, order.contact_phone),
            topic: format!("{}：{}", order.kind.label().zh, order.content),
            role: Role::Assistant,
            assignee: None,
            previous: None,
        };
        out.extend(callbacks::schedule(actor, callback_id, &req, now, cal)?);
    }
    Ok(out)
}

/// REP-7: the paper order moves: technician → engineering supervisor (by 17:00) → front desk;
/// copy 3 to finance (by the 25th). In that order.
pub fn paper(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    step: PaperStep,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    let action = match step {
        PaperStep::ToSupervisor => Action::DispatchOrder,
        PaperStep::ToDesk | PaperStep::ToFinance => Action::TakeOrder,
    };
    actor.may(action)?;
    let order = household(o)?;
    if o.status != WorkOrderStatus::Done {
        return Err(wrong("维修尚未完成", "The work is not done yet"));
    }
    if order.kind != OrderKind::Repair {
        return Err(wrong("只有维修单需要返单", "Only repair orders go round"));
    }
    let done: Vec<PaperStep> = o.paper.iter().map(|p| p.0).collect();
    let expected = PaperStep::ALL.iter().copied().find(|s| !done.contains(s));
    if expected != Some(step) {
        return Err(wrong(
            "请按顺序：交回主管 → 返单前台 → 送财务",
            "In order: supervisor, then desk, then finance",
        ));
    }
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::PaperMoved {
            at: now,
            by: actor.id,
            step,
        },
    )])
}

/// REP-9 (seed 002 §2.11): an assistant checks yesterday's repairs, one tap per order.
pub fn daily_check(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RecordCallback)?;
    household(o)?;
    if o.status != WorkOrderStatus::Done {
        return Err(wrong("维修尚未完成", "The work is not done yet"));
    }
    if o.checked.is_some() {
        return Err(wrong("已检查", "Already checked"));
    }
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::DailyChecked {
            at: now,
            by: actor.id,
            note: note.trim().into(),
        },
    )])
}

/// PAID-4: the desk collects the agreed fee of a done paid service through the shared cash day
/// (`cash::collect`: the till's numbered receipt, the day's close); the order records the
/// receipt number. `today` / `pending` are the till's cash days as `cash::collect` wants them.
/// Repairs are refused: finance charges them with the management fee (REP-7).
#[allow(clippy::too_many_arguments)]
pub fn collect(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    today: Option<&CashDay>,
    pending: Option<&CashDay>,
    post: Post,
    tablet: &str,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::TakeOrder)?;
    let order = household(o)?;
    if order.kind == OrderKind::Repair {
        return Err(wrong(
            "维修费随管理费由财务部收取，前台不收现金",
            "Repair fees are charged by finance with the management fee; the desk takes no cash",
        ));
    }
    if o.status != WorkOrderStatus::Done {
        return Err(wrong(
            "业主验收签字后才能收费",
            "The fee is collected after the owner accepted and signed",
        ));
    }
    if o.collected.is_some() {
        return Err(wrong("已收费", "Already collected"));
    }
    let mut out = cash::collect(
        actor,
        today,
        pending,
        &cash::Collection {
            post,
            tablet: tablet.into(),
            amount: o.fee_fen(),
            what: format!("有偿服务 {}：{}", o.serial, order.content),
            source: Some(RecordRef::new(RecordKind::WorkOrder, id)),
            payer: order.contact_name.clone(),
        },
        now,
        cal,
    )?;
    let receipt = cash::receipt_in(&out).unwrap_or_default().to_string();
    out.push(draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::FeeCollected {
            at: now,
            by: actor.id,
            amount_fen: o.fee_fen(),
            receipt,
        },
    ));
    Ok(out)
}

/// PAID-5: a fault found at the callback is reworked free until the owner is satisfied: the
/// order goes back to the worker (no new fee).
pub fn rework(
    actor: &Actor,
    id: RecordId,
    o: &WorkOrder,
    fault: &str,
    now: i64,
    settings: &OrderSettings,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::TakeOrder)?;
    let order = household(o)?;
    if o.status != WorkOrderStatus::Done {
        return Err(wrong("只能返修已完成的单", "Only done work is reworked"));
    }
    let fault = required(fault, Text::new("问题", "the fault"))?;
    let mut order = order.clone();
    order.appointment = None;
    order.emergency = false;
    Ok(vec![draft(
        RecordKind::WorkOrder,
        id,
        WorkOrderEvent::ReworkRequested {
            at: now,
            by: actor.id,
            fault,
            on_site: Box::new(on_site_clock(&order, now, settings)),
        },
    )])
}

/// Search keys of household orders: `wo|<month taken>|<status>`, `wo-day|<date done>` (REP-9
/// daily check), `wo-fin|<month done>` (REP-7 finance list, PAID-6/7 monthly summary).
pub fn list_key(month: &str, status: Option<WorkOrderStatus>) -> String {
    match status {
        Some(s) => format!("wo|{month}|{}", s.as_str()),
        None => format!("wo|{month}|"),
    }
}
pub fn day_key(day: NaiveDate) -> String {
    format!("wo-day|{}", day.format("%Y-%m-%d"))
}
pub fn finished_month_key(month: &str) -> String {
    format!("wo-fin|{month}")
}

pub(super) fn index_keys(o: &WorkOrder) -> Vec<String> {
    let Some(order) = &o.order else {
        return Vec::new();
    };
    let mut k = vec![
        list_key(&month_key(o.opened_at), Some(o.status)),
        order.place.clone(),
        order.contact_phone.clone(),
        o.serial.to_lowercase(),
    ];
    if o.status.is_open() {
        // Orders without a running clock sort after every deadline.
        let due = o.household_clock().map_or(i64::MAX, |c| c.deadline);
        k.push(crate::domain::view::time_key(super::HOUSEHOLD_OPEN, due));
    }
    if let Some(f) = &o.finished {
        let day = BusinessCalendar::default().local_date(f.at);
        k.push(day_key(day));
        k.push(finished_month_key(&month_key(f.at)));
        // PAT-2: the Director's and the internal supervisor's inspections read these.
        if order.kind == OrderKind::Paid {
            k.extend(crate::domain::patrol::inspect::order_keys(
                order.department,
                day,
            ));
        }
    }
    k
}

/// What the work-order lists show of a household order (issue 19: the lists read this row,
/// never the fee lines, materials, paper trail or photos; the order opens from its full state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkOrderRow {
    pub status: WorkOrderStatus,
    pub serial: String,
    pub kind: OrderKind,
    #[serde(default)]
    pub emergency: bool,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub content: String,
    /// The clock that matters now ([`WorkOrder::household_clock`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
}

impl WorkOrder {
    /// The kind, for a household order.
    pub fn kind(&self) -> Option<OrderKind> {
        self.order.as_ref().map(|o| o.kind)
    }

    /// The lists' row of a household order (issue 19); None for a patrol work order.
    pub fn row(&self) -> Option<WorkOrderRow> {
        let o = self.order.as_ref()?;
        Some(WorkOrderRow {
            status: self.status,
            serial: self.serial.clone(),
            kind: o.kind,
            emergency: o.emergency,
            place: o.place.clone(),
            content: o.content.clone(),
            clock: self.household_clock().cloned(),
        })
    }

    /// The fee as it stands: the items (schedule prices) or the assessed fee (REP-2).
    pub fn fee_fen(&self) -> i64 {
        match &self.finished {
            Some(f) => fees::total_fen(&f.lines),
            None => fees::total_fen(&self.lines),
        }
    }

    /// The clock that matters now on a household order.
    pub fn household_clock(&self) -> Option<&Clock> {
        match self.status {
            WorkOrderStatus::Opened => self.notify.as_ref(),
            WorkOrderStatus::Assessing => self.assess.as_ref(),
            WorkOrderStatus::Notified => self.on_site.as_ref(),
            WorkOrderStatus::Done => self.paper_clock.as_ref().filter(|c| c.stopped.is_none()),
            _ => None,
        }
    }

    pub(super) fn household_index(&self) -> crate::domain::view::IndexFields {
        let order = self.order.clone().expect("household order");
        let clock = self.household_clock().cloned();
        let assignee = match self.status {
            WorkOrderStatus::Opened | WorkOrderStatus::Assessing | WorkOrderStatus::Agreed => {
                order.lead
            }
            WorkOrderStatus::AwaitingCustomer | WorkOrderStatus::Declined => self.taken_by,
            WorkOrderStatus::Notified | WorkOrderStatus::OnSite => self.worker,
            // REP-7: the paper is due back at the supervisor.
            WorkOrderStatus::Done if clock.is_some() => order.lead,
            _ => None,
        };
        let flag = if order.emergency { "【紧急】" } else { "" };
        crate::domain::view::IndexFields {
            status: Some(self.status.as_str().into()),
            due: clock.as_ref().map(|c| c.deadline),
            unit: order.unit,
            assignee,
            search: index_keys(self),
            title: format!(
                "{flag}{} · {} · {}",
                order.kind.label().zh,
                order.place,
                order.content
            ),
            subtitle: format!("{} · {}", self.serial, self.status.label().zh),
            clock,
        }
    }

    pub(super) fn apply_household(&mut self, e: &WorkOrderEvent) {
        use WorkOrderEvent as E;
        use WorkOrderStatus as S;
        if self.order.is_none() && !matches!(e, E::Taken { .. }) {
            return;
        }
        match e {
            E::Taken {
                at,
                by,
                serial,
                order,
                notify,
            } if self.order.is_none() && self.info.is_none() => {
                self.order = Some((**order).clone());
                self.serial = serial.clone();
                self.taken_by = Some(*by);
                self.opened_at = *at;
                self.assignee = order.lead;
                self.lines = order.items.clone();
                self.notify = Some((**notify).clone());
                self.status = S::Opened;
            }
            E::Received { at, assess, .. } if self.status == S::Opened => {
                if let Some(c) = &mut self.notify {
                    c.stop(*at);
                }
                self.received_at = Some(*at);
                if let Some(a) = assess {
                    self.assess = Some((**a).clone());
                    self.status = S::Assessing;
                }
            }
            E::Assessed {
                at,
                by,
                feasible,
                fee_fen,
                note,
            } if self.status == S::Assessing => {
                if let Some(c) = &mut self.assess {
                    c.stop(*at);
                }
                self.assessment = Some(Assessment {
                    at: *at,
                    by: *by,
                    feasible: *feasible,
                    fee_fen: *fee_fen,
                    note: note.clone(),
                });
                if *feasible {
                    self.lines = vec![FeeLine {
                        item: None,
                        code: "评审".into(),
                        name: note.clone(),
                        unit: "项".into(),
                        price_fen: *fee_fen,
                        qty: 1,
                    }];
                    self.status = S::AwaitingCustomer;
                } else {
                    self.status = S::Cancelled;
                }
            }
            E::FeeAnswered { agreed, .. } if self.status == S::AwaitingCustomer => {
                self.status = if *agreed { S::Agreed } else { S::Cancelled };
            }
            E::Dispatched {
                worker, on_site, ..
            } if matches!(self.status, S::Opened | S::Agreed) => {
                if let Some(c) = &mut self.notify {
                    c.stop(on_site.started);
                }
                self.worker = Some(*worker);
                self.assignee = Some(*worker);
                self.on_site = Some((**on_site).clone());
                self.status = S::Notified;
            }
            E::ItemsCorrected {
                at,
                by,
                items,
                note,
            } if self.status == S::OnSite && self.agreed.is_none() => {
                self.lines = items.clone();
                self.corrections.push((*at, *by, note.clone()));
            }
            E::CustomerAgreed { at, signature, .. }
                if self.status == S::OnSite && self.agreed.is_none() =>
            {
                self.agreed = Some((*at, signature.clone()));
            }
            E::Declined {
                at,
                reason,
                technician,
                supervisor,
                ..
            } if self.status == S::OnSite => {
                self.declined = Some(Decline {
                    at: *at,
                    reason: reason.clone(),
                    technician: *technician,
                    supervisor: *supervisor,
                });
                self.status = S::Declined;
            }
            E::MaterialChecked { check, .. } if self.status == S::OnSite => {
                self.materials.push((**check).clone());
            }
            E::Finished {
                at,
                finish,
                paper,
                finance,
                callback,
                ..
            } if self.status == S::OnSite => {
                if self.finished.is_none() {
                    self.finished = Some((**finish).clone());
                    self.paper_clock = Some((**paper).clone());
                    self.finance_clock = Some((**finance).clone());
                    self.callback = *callback;
                    self.done_at = Some(*at);
                }
                self.result = Some(finish.result.clone());
                self.status = S::Done;
            }
            E::PaperMoved { at, by, step } if self.status == S::Done => {
                if !self.paper.iter().any(|p| p.0 == *step) {
                    self.paper.push((*step, *at, *by));
                }
                match step {
                    PaperStep::ToSupervisor => {
                        if let Some(c) = &mut self.paper_clock {
                            c.stop(*at);
                        }
                    }
                    PaperStep::ToFinance => {
                        if let Some(c) = &mut self.finance_clock {
                            c.stop(*at);
                        }
                    }
                    PaperStep::ToDesk => {}
                }
            }
            E::DailyChecked { at, by, note } if self.checked.is_none() => {
                self.checked = Some((*at, *by, note.clone()));
            }
            E::FeeCollected {
                at,
                by,
                amount_fen,
                receipt,
            } if self.collected.is_none() => {
                self.collected = Some(Collection {
                    at: *at,
                    by: *by,
                    amount_fen: *amount_fen,
                    receipt: receipt.clone(),
                });
            }
            E::ReworkRequested {
                at,
                by,
                fault,
                on_site,
            } if self.status == S::Done => {
                self.reworks.push((*at, *by, fault.clone()));
                self.on_site = Some((**on_site).clone());
                self.assignee = self.worker;
                self.status = S::Notified;
            }
            _ => {}
        }
    }
}

//! Monthly lists of household orders: repair fees per household for finance, charged with the
//! management fee (REP-7, print and CSV); the paid-service summary reconciled with finance,
//! engineering and environment (PAID-6) with the revenue split per order and per worker
//! (PAID-7), rounded to the fen with nothing lost. Pure arithmetic over folded orders.

use super::orders::{OrderKind, OrderSettings};
use super::{draft, WorkOrder, WorkOrderEvent, WorkOrderStatus};
use crate::domain::calendar::month_key;
use crate::domain::command::{required, Actor, DomainError};
use crate::domain::event::{Draft, Event, EventBody, RecordKind};
use crate::domain::i18n::Text;
use crate::domain::ids::{Id, RecordId, StaffId};
use crate::domain::roles::{Action, Department};
use crate::domain::view::{Aggregate, IndexFields};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One household's repair fees of a month (REP-7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdFees {
    pub household: Option<RecordId>,
    pub place: String,
    pub contact: String,
    /// (serial, done at, content, fee in fen).
    pub orders: Vec<(String, i64, String, i64)>,
    pub total_fen: i64,
}

/// REP-7: repairs done in `month` with a fee, grouped by household (finance charges them with
/// the management fee; the app records no cash for repairs).
pub fn repair_fees(month: &str, orders: &[WorkOrder]) -> Vec<HouseholdFees> {
    let mut by: BTreeMap<(String, Option<RecordId>), HouseholdFees> = BTreeMap::new();
    for o in orders {
        let (Some(order), Some(f)) = (&o.order, &o.finished) else {
            continue;
        };
        if order.kind != OrderKind::Repair || month_key(f.at) != month || o.fee_fen() == 0 {
            continue;
        }
        let e = by
            .entry((order.place.clone(), order.household))
            .or_insert_with(|| HouseholdFees {
                household: order.household,
                place: order.place.clone(),
                contact: order.contact_name.clone(),
                orders: Vec::new(),
                total_fen: 0,
            });
        e.orders
            .push((o.serial.clone(), f.at, order.content.clone(), o.fee_fen()));
        e.total_fen += o.fee_fen();
    }
    by.into_values().collect()
}

/// CSV rows for [`repair_fees`] (feeds `sync::csv::to_csv`, which neutralises formulas).
pub fn repair_fees_csv(rows: &[HouseholdFees]) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let headers = vec![
        "住户地址",
        "联系人",
        "维修单号",
        "完成日期",
        "维修内容",
        "金额（元）",
    ];
    let cal = crate::domain::calendar::BusinessCalendar::default();
    let mut out = Vec::new();
    for h in rows {
        for (serial, at, content, fen) in &h.orders {
            out.push(vec![
                h.place.clone(),
                h.contact.clone(),
                serial.clone(),
                cal.local_date(*at).format("%Y-%m-%d").to_string(),
                content.clone(),
                format!("{}.{:02}", fen / 100, fen % 100),
            ]);
        }
    }
    (headers, out)
}

/// PAID-7: a fee split company / workers / reserve, each rounded down to the fen and the
/// remainder to the company, so the three add up to the fee exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Split {
    pub company: i64,
    pub workers: i64,
    pub reserve: i64,
}

impl Split {
    pub fn total(&self) -> i64 {
        self.company + self.workers + self.reserve
    }
    fn add(&mut self, o: Split) {
        self.company += o.company;
        self.workers += o.workers;
        self.reserve += o.reserve;
    }
}

pub fn split(fee_fen: i64, s: &OrderSettings) -> Split {
    let workers = fee_fen * s.split_workers as i64 / 100;
    let reserve = fee_fen * s.split_reserve as i64 / 100;
    Split {
        company: fee_fen - workers - reserve,
        workers,
        reserve,
    }
}

/// PAID-6/7: a month of paid services.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaidSummary {
    /// Orders done in the month.
    pub done: u32,
    /// Fees of those (the agreed fees).
    pub fees_fen: i64,
    /// Collected at the desk (with receipts) — to reconcile with finance.
    pub collected_fen: i64,
    /// Done but not collected yet.
    pub uncollected: u32,
    /// Reworked free (PAID-5).
    pub reworked: u32,
    /// Per department (engineering, environment): orders, fees — to reconcile with them.
    pub by_department: BTreeMap<Department, (u32, i64)>,
    pub split: Split,
    /// Per worker: orders and their 35 % share.
    pub by_worker: BTreeMap<StaffId, (u32, i64)>,
    /// (serial, worker, fee, split) per order.
    pub orders: Vec<(String, Option<StaffId>, i64, Split)>,
}

pub fn paid_summary(month: &str, orders: &[WorkOrder], s: &OrderSettings) -> PaidSummary {
    let mut out = PaidSummary::default();
    for o in orders {
        let (Some(order), Some(f)) = (&o.order, &o.finished) else {
            continue;
        };
        if order.kind != OrderKind::Paid || month_key(f.at) != month {
            continue;
        }
        let fee = o.fee_fen();
        out.done += 1;
        out.fees_fen += fee;
        match &o.collected {
            Some(c) => out.collected_fen += c.amount_fen,
            None => out.uncollected += 1,
        }
        if !o.reworks.is_empty() {
            out.reworked += 1;
        }
        let d = out.by_department.entry(order.department).or_default();
        d.0 += 1;
        d.1 += fee;
        let sp = split(fee, s);
        out.split.add(sp);
        if let Some(w) = o.worker {
            let e = out.by_worker.entry(w).or_default();
            e.0 += 1;
            e.1 += sp.workers;
        }
        out.orders.push((o.serial.clone(), o.worker, fee, sp));
    }
    out
}

/// REP-9: the orders done on a day that an assistant has not checked yet.
pub fn unchecked(orders: &[(RecordId, WorkOrder)]) -> Vec<(RecordId, WorkOrder)> {
    orders
        .iter()
        .filter(|(_, o)| o.status == WorkOrderStatus::Done && o.checked.is_none())
        .cloned()
        .collect()
}

/// PAID-6: a month's reconciliation sign-off (folded; None until recorded). Recording again
/// replaces it (a correction), the history stays in the events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidReconciliation {
    pub signed: Option<Reconciled>,
}

/// Who checked the month's summary with whom, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciled {
    pub at: i64,
    pub by: StaffId,
    pub month: String,
    pub finance: String,
    pub engineering: String,
    pub environment: String,
    pub difference: String,
}

impl Aggregate for PaidReconciliation {
    const KIND: RecordKind = RecordKind::PaidReconciliation;
    fn apply(&mut self, event: &Event) {
        if let EventBody::WorkOrder(WorkOrderEvent::PaidReconciled {
            at,
            by,
            month,
            finance,
            engineering,
            environment,
            difference,
        }) = &event.body
        {
            self.signed = Some(Reconciled {
                at: *at,
                by: *by,
                month: month.clone(),
                finance: finance.clone(),
                engineering: engineering.clone(),
                environment: environment.clone(),
                difference: difference.clone(),
            });
        }
    }
    fn index(&self) -> IndexFields {
        let Some(r) = &self.signed else {
            return IndexFields::default();
        };
        IndexFields {
            status: Some("reconciled".into()),
            search: vec![r.month.clone()],
            title: format!("有偿服务月度对账 {}", r.month),
            subtitle: format!("{} / {} / {}", r.finance, r.engineering, r.environment),
            ..Default::default()
        }
    }
}

/// "YYYY-MM" → the month's number (yyyymm), None when it is not a month.
fn month_number(month: &str) -> Option<u64> {
    let (y, m) = month.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m) = (y.parse::<u64>().ok()?, m.parse::<u64>().ok()?);
    ((2000..=2999).contains(&y) && (1..=12).contains(&m)).then_some(y * 100 + m)
}

/// The month's one reconciliation record: its id derived from the month.
pub fn reconciliation_id(month: &str) -> Option<RecordId> {
    month_number(month).map(|n| Id::derived("paid-reconciliation", n))
}

/// What the Supervisor writes down after checking the month's summary (PAID-6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReconcileInput {
    /// "YYYY-MM".
    pub month: String,
    /// Who confirmed the figures in finance, engineering and environment.
    pub finance: String,
    pub engineering: String,
    pub environment: String,
    /// Any difference found (empty: none).
    pub difference: String,
}

/// PAID-6: the Supervisor (or the Director) records that the month's paid-service summary was
/// reconciled with finance, engineering and environment: who confirmed in each department and
/// any difference. Any other role is refused, naming the role.
pub fn reconcile_month(
    actor: &Actor,
    input: &ReconcileInput,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ReconcilePaid)?;
    let month = input.month.trim().to_string();
    let Some(id) = reconciliation_id(&month) else {
        return Err(DomainError::invalid(
            "月份格式须为 YYYY-MM",
            "The month must be written YYYY-MM",
        ));
    };
    if month.as_str() > month_key(now).as_str() {
        return Err(DomainError::invalid(
            "不能确认未来月份的对账",
            "A month still to come cannot be reconciled",
        ));
    }
    let finance = required(
        &input.finance,
        Text::new("财务部确认人", "who confirmed in finance"),
    )?;
    let engineering = required(
        &input.engineering,
        Text::new("工程部确认人", "who confirmed in engineering"),
    )?;
    let environment = required(
        &input.environment,
        Text::new("环境部确认人", "who confirmed in environment"),
    )?;
    Ok(vec![draft(
        RecordKind::PaidReconciliation,
        id,
        WorkOrderEvent::PaidReconciled {
            at: now,
            by: actor.id,
            month,
            finance,
            engineering,
            environment,
            difference: input.difference.trim().to_string(),
        },
    )])
}

//! Monthly lists of household orders: repair fees per household for finance, charged with the
//! management fee (REP-7, print and CSV); the paid-service summary reconciled with finance,
//! engineering and environment (PAID-6) with the revenue split per order and per worker
//! (PAID-7), rounded to the fen with nothing lost. Pure arithmetic over folded orders.

use super::orders::{OrderKind, OrderSettings};
use super::{WorkOrder, WorkOrderStatus};
use crate::domain::calendar::month_key;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::Department;
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

//! 质量目标看板 — the quality dashboard (QUAL-2, PAT-8; seed 001 §1.2, SOP §12).
//!
//! The UI reads each month's ingredients by month-keyed index reads (complaints `cmp|<month>`,
//! callbacks by month, patrol rounds by day keys, finished orders `wo-fin|<month>`, duty logs by
//! date, the month's arrears list, the year's surveys) and turns them into a [`MonthInputs`]
//! with the pure helpers below and the modules' own report functions
//! (`complaints::report::monthly_report`, `patrol::report::good_order`,
//! `training::pass_rates`). [`dashboard`] then gives every target's row: this month, the year
//! so far, the target, met or missed, and a 12-month trend. Nothing here folds records.

use super::percent;
use crate::domain::callbacks::CallbackKind;
use crate::domain::complaints::report::MonthReport;
use crate::domain::duty::log::DutyLog;
use crate::domain::i18n::Text;
use crate::domain::workorder::WorkOrder;
use serde::{Deserialize, Serialize};

/// A callback kind's month: (scheduled, done) and its target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallbackFigure {
    pub kind: CallbackKind,
    pub scheduled: u32,
    pub done: u32,
    pub target: u32,
}

/// One month's ingredients.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonthInputs {
    pub year: i32,
    pub month: u32,
    /// QUAL-1: the average of the survey whose figure falls in this month, and whether every
    /// item was ≥ 85 %.
    pub satisfaction: Option<(f64, bool)>,
    /// CMP-13: major complaints received in the month.
    pub major_complaints: u32,
    /// CMP-12: complaints received in the month, handled in time.
    pub complaints: (u32, u32),
    /// CB-1: per kind with a target.
    pub callbacks: Vec<CallbackFigure>,
    /// PAT-8: facility items in good order, checked.
    pub good_order: (u32, u32),
    /// PAT-7: fees collected, due (fen) — `None` before finance's list came in.
    pub collection: Option<(i64, i64)>,
    /// PAID-9: paid-service kinds offered (active items of the fee schedule).
    pub paid_kinds: Option<u32>,
    /// TRAIN-2: items passed, required.
    pub training: Option<(u32, u32)>,
    /// Archive compliance: records complete, records checked.
    pub archive: (u32, u32),
    /// Major safety incidents found in the month.
    pub major_incidents: u32,
}

labelled! {
    /// The quality targets of seed 001 §1.2 and SOP §12.
    Target {
        Satisfaction => ("用户满意率", "Resident satisfaction", "satisfaction"),
        MajorComplaints => ("重大投诉", "Major complaints", "major_complaints"),
        Timeliness => ("投诉处理及时率", "Complaint timeliness", "timeliness"),
        CallbackComplaint => ("投诉回访率", "Complaint callbacks", "cb_complaint"),
        CallbackRepair => ("维修回访率", "Repair callbacks", "cb_repair"),
        CallbackEvent => ("社区活动回访率", "Community-event callbacks", "cb_event"),
        GoodOrder => ("公共设施完好率", "Facilities in good order", "good_order"),
        Collection => ("管理费收费率", "Fee collection", "collection"),
        PaidKinds => ("有偿服务种类", "Paid-service kinds", "paid_kinds"),
        Training => ("上岗培训合格率", "Training pass rate", "training"),
        Archive => ("档案管理合格率", "Archive compliance", "archive"),
        SafetyIncidents => ("重大安全责任事故", "Major safety incidents", "safety"),
    }
}

/// Which way a target points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Goal {
    /// A rate, percent, at least this.
    AtLeast(f64),
    /// A count per year, at most this.
    AtMost(u32),
}

impl Target {
    pub fn goal(self, paid_kinds_goal: u32) -> Goal {
        match self {
            Target::Satisfaction => Goal::AtLeast(super::survey::AVERAGE_TARGET),
            Target::MajorComplaints => Goal::AtMost(1),
            // CMP-12 sets no number; the department's standard is every complaint in time.
            Target::Timeliness => Goal::AtLeast(100.0),
            Target::CallbackComplaint => Goal::AtLeast(50.0),
            Target::CallbackRepair => Goal::AtLeast(30.0),
            Target::CallbackEvent => Goal::AtLeast(10.0),
            Target::GoodOrder => Goal::AtLeast(98.0),
            Target::Collection => Goal::AtLeast(super::arrears::COMPANY_TARGET),
            Target::PaidKinds => Goal::AtLeast(paid_kinds_goal as f64),
            Target::Training | Target::Archive => Goal::AtLeast(100.0),
            Target::SafetyIncidents => Goal::AtMost(0),
        }
    }
    /// The target as people say it.
    pub fn goal_text(self, paid_kinds_goal: u32) -> Text {
        match self {
            Target::Satisfaction => {
                Text::new("平均 ≥ 90%，单项 ≥ 85%", "avg ≥ 90 %, each item ≥ 85 %")
            }
            Target::MajorComplaints => Text::new("全年 ≤ 1 件", "≤ 1 a year"),
            Target::SafetyIncidents => Text::new("不发生", "none"),
            Target::PaidKinds => Text::new(
                format!("≥ {paid_kinds_goal} 项（每年 +1）"),
                format!("≥ {paid_kinds_goal} (+1 a year)"),
            ),
            t => match t.goal(paid_kinds_goal) {
                Goal::AtLeast(v) => Text::new(format!("≥ {v:.0}%"), format!("≥ {v:.0} %")),
                Goal::AtMost(n) => Text::new(format!("≤ {n}"), format!("≤ {n}")),
            },
        }
    }
    /// Counts (not rates).
    pub fn is_count(self) -> bool {
        matches!(
            self,
            Target::MajorComplaints | Target::SafetyIncidents | Target::PaidKinds
        )
    }
    fn callback(self) -> Option<CallbackKind> {
        match self {
            Target::CallbackComplaint => Some(CallbackKind::Complaint),
            Target::CallbackRepair => Some(CallbackKind::Repair),
            Target::CallbackEvent => Some(CallbackKind::Event),
            _ => None,
        }
    }
}

/// One line of the dashboard.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub target: Target,
    pub goal: Goal,
    pub month: Option<f64>,
    pub year: Option<f64>,
    /// Met by the year's figure (`None`: nothing to judge yet).
    pub met: Option<bool>,
    /// The 12 months, oldest first.
    pub trend: Vec<Option<f64>>,
    /// For satisfaction: an item under 85 % makes it missed even with a good average.
    pub note: Option<Text>,
}

fn sum<T>(ms: &[&MonthInputs], f: impl Fn(&MonthInputs) -> Option<(T, T)>) -> Option<(u64, u64)>
where
    T: Into<i64>,
{
    let mut any = false;
    let (mut a, mut b) = (0u64, 0u64);
    for m in ms {
        if let Some((x, y)) = f(m) {
            any = true;
            a += x.into().max(0) as u64;
            b += y.into().max(0) as u64;
        }
    }
    any.then_some((a, b))
}

fn figure(t: Target, ms: &[&MonthInputs]) -> Option<f64> {
    let rate = |f: &dyn Fn(&MonthInputs) -> Option<(i64, i64)>| {
        sum(ms, f).and_then(|(a, b)| percent(a, b))
    };
    match t {
        Target::Satisfaction => ms.iter().rev().find_map(|m| m.satisfaction).map(|s| s.0),
        Target::MajorComplaints => Some(ms.iter().map(|m| m.major_complaints).sum::<u32>() as f64),
        Target::SafetyIncidents => Some(ms.iter().map(|m| m.major_incidents).sum::<u32>() as f64),
        Target::Timeliness => {
            rate(&|m| Some((m.complaints.1 as i64, m.complaints.0 as i64)).filter(|x| x.1 > 0))
        }
        Target::GoodOrder => {
            rate(&|m| Some((m.good_order.0 as i64, m.good_order.1 as i64)).filter(|x| x.1 > 0))
        }
        Target::Archive => {
            rate(&|m| Some((m.archive.0 as i64, m.archive.1 as i64)).filter(|x| x.1 > 0))
        }
        Target::Collection => rate(&|m| m.collection),
        Target::Training => ms
            .iter()
            .rev()
            .find_map(|m| m.training)
            .and_then(|(p, r)| percent(p as u64, r as u64)),
        Target::PaidKinds => ms.iter().rev().find_map(|m| m.paid_kinds).map(|n| n as f64),
        t => {
            let kind = t.callback()?;
            rate(&|m| {
                m.callbacks
                    .iter()
                    .find(|c| c.kind == kind)
                    .map(|c| (c.done as i64, c.scheduled as i64))
                    .filter(|x| x.1 > 0)
            })
        }
    }
}

/// QUAL-2: the dashboard of the last month of `months` (12 months, oldest first). The year's
/// figure sums the months of that month's calendar year (rates: parts over wholes; counts:
/// the sum; satisfaction, training and paid kinds: the latest figure). `paid_kinds_goal` is
/// 6 plus one for every year since the estate's first (PAID-9).
pub fn dashboard(months: &[MonthInputs], paid_kinds_goal: u32) -> Vec<Row> {
    let Some(last) = months.last() else {
        return vec![];
    };
    let year: Vec<&MonthInputs> = months.iter().filter(|m| m.year == last.year).collect();
    Target::ALL
        .iter()
        .map(|&t| {
            let goal = t.goal(paid_kinds_goal);
            let month = figure(t, &[last]);
            let year_fig = figure(t, &year);
            let satisfaction_items = year.iter().rev().find_map(|m| m.satisfaction).map(|s| s.1);
            let met = year_fig.map(|v| {
                let ok = match goal {
                    Goal::AtLeast(g) => v >= g,
                    Goal::AtMost(n) => v <= n as f64,
                };
                ok && (t != Target::Satisfaction || satisfaction_items != Some(false))
            });
            let note = (t == Target::Satisfaction && satisfaction_items == Some(false))
                .then(|| Text::new("有单项低于85%", "an item is under 85 %"));
            Row {
                target: t,
                goal,
                month,
                year: year_fig,
                met,
                trend: months.iter().map(|m| figure(t, &[m])).collect(),
                note,
            }
        })
        .collect()
}

/// The display of a figure ("96.2%", "1", "—").
pub fn show(t: Target, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if t.is_count() => format!("{v:.0}"),
        Some(v) => format!("{v:.1}%"),
    }
}

/// CMP-12/13 and CB-1 of a month from the complaints module's own `monthly_report`, given
/// only that month's complaints and callbacks (so `majors_this_year` counts the month's):
/// ((all, in time), majors, callback figures of the kinds with a target).
pub fn from_complaint_report(r: &MonthReport) -> ((u32, u32), u32, Vec<CallbackFigure>) {
    let cbs = r
        .callbacks
        .iter()
        .filter_map(|c| {
            c.target.map(|target| CallbackFigure {
                kind: c.kind,
                scheduled: c.scheduled,
                done: c.done,
                target,
            })
        })
        .collect();
    ((r.total.all, r.total.in_time), r.majors_this_year, cbs)
}

/// Archive compliance of a month: the household orders finished in it must carry the
/// customer's signature or a confirmed decline (REP-4); the duty logs of its past days must be
/// signed (DUTY-8); every record still kept past its retention date and not yet dealt with by
/// the Director (`past_retention`, the review list of QUAL-4) is a record out of compliance.
/// (complete, checked).
pub fn archive_figures(orders: &[WorkOrder], logs: &[DutyLog], past_retention: u32) -> (u32, u32) {
    let mut ok = 0;
    let mut all = past_retention;
    for o in orders
        .iter()
        .filter(|o| o.order.is_some() && o.finished.is_some())
    {
        all += 1;
        if o.agreed.is_some() || o.declined.is_some() {
            ok += 1;
        }
    }
    for l in logs.iter().filter(|l| !l.entries.is_empty()) {
        all += 1;
        if l.signed.is_some() {
            ok += 1;
        }
    }
    (ok, all)
}

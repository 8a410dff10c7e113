//! 月度投诉分析 — the monthly analysis (CMP-12), the yearly major-complaint target (CMP-13),
//! callback rates against their targets (CB-1) and help-request statistics (HELP-6).
//! Pure arithmetic over folded records, so it is tested on a known set.

use super::{Class, Complaint, HelpKind, HelpRequest, Status, Subject};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::{Callback, CallbackKind, CallbackStatus};
use crate::domain::roles::Department;
use chrono::{Datelike, NaiveDate, NaiveTime};
use std::collections::BTreeMap;

/// A count with how many of it were handled in time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub all: u32,
    pub in_time: u32,
}

impl Tally {
    fn add(&mut self, in_time: bool) {
        self.all += 1;
        if in_time {
            self.in_time += 1;
        }
    }
    /// CMP-12 投诉处理及时率 = handled in time ÷ all × 100 %, one decimal; `None` when empty.
    pub fn rate(&self) -> Option<f64> {
        percent(self.in_time, self.all)
    }
}

/// `part ÷ whole × 100`, rounded to one decimal.
pub fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// CB-1: callbacks of one kind in the month.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallbackRate {
    pub kind: CallbackKind,
    /// Jobs completed that called for a callback (scheduled in the month, first callbacks only).
    pub scheduled: u32,
    pub done: u32,
    pub target: Option<u32>,
}

impl CallbackRate {
    pub fn rate(&self) -> Option<f64> {
        percent(self.done, self.scheduled)
    }
    /// Meets its target (no target, or no job: met).
    pub fn meets_target(&self) -> bool {
        match (self.target, self.rate()) {
            (Some(t), Some(r)) => r >= t as f64,
            _ => true,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MonthReport {
    pub year: i32,
    pub month: u32,
    /// Complaints received in the month, duplicates counted once (CMP-11).
    pub total: Tally,
    pub duplicates: u32,
    pub by_class: Vec<(Class, Tally)>,
    pub by_department: Vec<(Department, Tally)>,
    pub by_subject: Vec<(Subject, Tally)>,
    pub by_channel: Vec<(super::Channel, u32)>,
    pub anonymous: u32,
    pub still_open: u32,
    /// CMP-13: major complaints received this calendar year up to the month's end.
    pub majors_this_year: u32,
    pub major_target: u32,
    pub callbacks: Vec<CallbackRate>,
    pub callbacks_unsatisfied: u32,
    /// CB-6: problems raised in callbacks (the follow-up calls scheduled in the month) and those
    /// that reached a result (the follow-up was made); the target is 100 %.
    pub problems: Tally,
    /// Subjects raised at least twice in the month (or raised again), most first: the
    /// candidates for a corrective action (CMP-12).
    pub recurring: Vec<(Subject, u32)>,
    /// HELP-6.
    pub help_by_kind: Vec<(HelpKind, u32)>,
    pub help_total: Tally,
}

/// UTC ms bounds [start, end) of a local calendar month.
pub fn month_bounds(year: i32, month: u32, cal: &BusinessCalendar) -> Option<(i64, i64)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((cal.at(first, NaiveTime::MIN), cal.at(next, NaiveTime::MIN)))
}

/// Builds the report of one local month.
pub fn monthly_report(
    year: i32,
    month: u32,
    cal: &BusinessCalendar,
    complaints: &[Complaint],
    callbacks: &[Callback],
    help: &[HelpRequest],
) -> MonthReport {
    let (start, end) = month_bounds(year, month, cal).unwrap_or((0, 0));
    let in_month = |t: i64| t >= start && t < end;
    let year_start = month_bounds(year, 1, cal).map(|b| b.0).unwrap_or(0);

    let mut total = Tally::default();
    let mut duplicates = 0;
    let mut by_class: BTreeMap<Class, Tally> = BTreeMap::new();
    let mut by_dep: BTreeMap<Department, Tally> = BTreeMap::new();
    let mut by_sub: BTreeMap<Subject, Tally> = BTreeMap::new();
    let mut by_ch: BTreeMap<super::Channel, u32> = BTreeMap::new();
    let mut recurring: BTreeMap<Subject, u32> = BTreeMap::new();
    let (mut anonymous, mut still_open, mut majors) = (0, 0, 0);
    for c in complaints {
        if c.status == Status::Linked {
            if in_month(c.received) {
                duplicates += 1;
            }
            continue;
        }
        if c.class == Some(Class::Major) && c.received >= year_start && c.received < end {
            majors += 1;
        }
        if !in_month(c.received) {
            continue;
        }
        let ok = c.handled_in_time();
        total.add(ok);
        let subject = c.intake.subject.unwrap_or(Subject::Other);
        by_class
            .entry(c.class.unwrap_or(Class::Minor))
            .or_default()
            .add(ok);
        by_dep
            .entry(c.department.unwrap_or(subject.department()))
            .or_default()
            .add(ok);
        by_sub.entry(subject).or_default().add(ok);
        if let Some(ch) = c.intake.channel {
            *by_ch.entry(ch).or_default() += 1;
        }
        *recurring.entry(subject).or_default() += 1 + c.raised_again.len() as u32;
        anonymous += c.intake.anonymous as u32;
        still_open += c.is_open() as u32;
    }

    let mut rates: BTreeMap<CallbackKind, (u32, u32)> = BTreeMap::new();
    let mut unsatisfied = 0;
    let mut problems = Tally::default();
    for cb in callbacks {
        let Some(spec) = &cb.spec else { continue };
        if spec.previous.is_some() && in_month(cb.scheduled) {
            problems.add(matches!(
                cb.status,
                CallbackStatus::Done | CallbackStatus::Reviewed
            ));
        }
        // Follow-ups (CB-4) are further calls on the same job, not new jobs.
        if spec.previous.is_some() || !in_month(cb.scheduled) {
            continue;
        }
        let e = rates.entry(spec.kind).or_default();
        e.0 += 1;
        if matches!(cb.status, CallbackStatus::Done | CallbackStatus::Reviewed) {
            e.1 += 1;
        }
        if cb.rating == Some(super::Rating::Unsatisfied) {
            unsatisfied += 1;
        }
    }
    let callbacks = [
        CallbackKind::Complaint,
        CallbackKind::Repair,
        CallbackKind::Event,
        CallbackKind::MoveIn,
        CallbackKind::Emergency,
        CallbackKind::Regular,
    ]
    .into_iter()
    .filter(|k| k.target_percent().is_some() || rates.contains_key(k))
    .map(|kind| {
        let (scheduled, done) = rates.get(&kind).copied().unwrap_or_default();
        CallbackRate {
            kind,
            scheduled,
            done,
            target: kind.target_percent(),
        }
    })
    .collect();

    let mut help_by: BTreeMap<HelpKind, u32> = BTreeMap::new();
    let mut help_total = Tally::default();
    for h in help.iter().filter(|h| in_month(h.received)) {
        *help_by.entry(h.kind()).or_default() += 1;
        help_total.add(h.answered_in_time());
    }

    let mut recurring: Vec<(Subject, u32)> =
        recurring.into_iter().filter(|(_, n)| *n >= 2).collect();
    recurring.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    MonthReport {
        year,
        month,
        total,
        duplicates,
        by_class: Class::ALL
            .iter()
            .map(|c| (*c, by_class.get(c).copied().unwrap_or_default()))
            .collect(),
        by_department: by_dep.into_iter().collect(),
        by_subject: by_sub.into_iter().collect(),
        by_channel: by_ch.into_iter().collect(),
        anonymous,
        still_open,
        majors_this_year: majors,
        major_target: 1,
        callbacks,
        callbacks_unsatisfied: unsatisfied,
        problems,
        recurring,
        help_by_kind: help_by.into_iter().collect(),
        help_total,
    }
}

fn pct(r: Option<f64>) -> String {
    r.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

impl MonthReport {
    /// CSV rows (section, item, count, in time, rate) in Chinese, for `sync::csv::to_csv`.
    pub fn csv(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let headers = vec!["分类", "项目", "数量", "及时处理", "比率"];
        let mut rows = Vec::new();
        let mut t = |sec: &str, item: String, t: Tally| {
            rows.push(vec![
                sec.to_string(),
                item,
                t.all.to_string(),
                t.in_time.to_string(),
                pct(t.rate()),
            ])
        };
        t(
            "合计",
            format!("{}年{}月", self.year, self.month),
            self.total,
        );
        for (c, n) in &self.by_class {
            t("按级别", c.label().zh, *n);
        }
        for (d, n) in &self.by_department {
            t("按部门", d.label().zh, *n);
        }
        for (s, n) in &self.by_subject {
            t("按类别", s.label().zh, *n);
        }
        for (ch, n) in &self.by_channel {
            rows.push(vec![
                "按渠道".into(),
                ch.label().zh,
                n.to_string(),
                String::new(),
                String::new(),
            ]);
        }
        rows.push(vec![
            "重复投诉（已合并，不重复计数）".into(),
            String::new(),
            self.duplicates.to_string(),
            String::new(),
            String::new(),
        ]);
        rows.push(vec![
            "本年重大投诉（目标≤1）".into(),
            String::new(),
            self.majors_this_year.to_string(),
            String::new(),
            if self.majors_this_year <= self.major_target {
                "达标".into()
            } else {
                "未达标".into()
            },
        ]);
        for r in &self.callbacks {
            rows.push(vec![
                "回访率".into(),
                r.kind.label().zh,
                r.scheduled.to_string(),
                r.done.to_string(),
                format!(
                    "{}{}",
                    pct(r.rate()),
                    r.target
                        .map(|t| format!("（目标≥{t}%）"))
                        .unwrap_or_default()
                ),
            ]);
        }
        rows.push(vec![
            "回访问题落实（目标100%）".into(),
            String::new(),
            self.problems.all.to_string(),
            self.problems.in_time.to_string(),
            pct(self.problems.rate()),
        ]);
        for (s, n) in &self.recurring {
            rows.push(vec![
                "重复出现的问题".into(),
                s.label().zh,
                n.to_string(),
                String::new(),
                String::new(),
            ]);
        }
        for (k, n) in &self.help_by_kind {
            rows.push(vec![
                "求助".into(),
                k.label().zh,
                n.to_string(),
                String::new(),
                String::new(),
            ]);
        }
        rows.push(vec![
            "求助合计（按时答复）".into(),
            String::new(),
            self.help_total.all.to_string(),
            self.help_total.in_time.to_string(),
            pct(self.help_total.rate()),
        ]);
        (headers, rows)
    }
}

/// CB-7: households phoned (a callback of any kind recorded) in the month, of all `households`.
pub fn households_contacted(
    year: i32,
    month: u32,
    cal: &BusinessCalendar,
    callbacks: &[Callback],
    households: u32,
) -> Tally {
    let (start, end) = month_bounds(year, month, cal).unwrap_or((0, 0));
    let reached: std::collections::BTreeSet<_> = callbacks
        .iter()
        .filter(|c| c.done.is_some_and(|d| d >= start && d < end) && c.letter.is_none())
        .filter(|c| matches!(c.status, CallbackStatus::Done | CallbackStatus::Reviewed))
        .filter_map(|c| c.spec.as_ref().and_then(|s| s.household))
        .collect();
    Tally {
        all: households,
        in_time: reached.len() as u32,
    }
}

/// The months offered in the report picker: the current one and the eleven before.
pub fn recent_months(today: NaiveDate) -> Vec<(i32, u32)> {
    let (mut y, mut m) = (today.year(), today.month());
    let mut out = Vec::new();
    for _ in 0..12 {
        out.push((y, m));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out
}

impl MonthReport {
    /// "YYYY-MM" of the report.
    pub fn month_key(&self) -> String {
        format!("{}-{:02}", self.year, self.month)
    }
    /// CMP-12: the source and problem of a shared corrective action (`domain::corrective`) on
    /// a subject that recurred in the month — refused for a subject that did not.
    pub fn corrective_source(
        &self,
        subject: Subject,
    ) -> Result<
        (crate::domain::corrective::CorrectiveSource, String),
        crate::domain::command::DomainError,
    > {
        let Some((_, n)) = self.recurring.iter().find(|(s, _)| *s == subject) else {
            return Err(crate::domain::command::DomainError::invalid(
                "该类问题本月没有重复出现",
                "This subject did not recur in the month",
            ));
        };
        Ok((
            crate::domain::corrective::CorrectiveSource::ComplaintSubject {
                subject,
                month: self.month_key(),
            },
            format!(
                "{}年{}月投诉中“{}”重复出现{}次",
                self.year,
                self.month,
                subject.label().zh,
                n
            ),
        ))
    }
}

//! What the quality pages read (QUAL-2, QUAL-3): each month's ingredients by month-keyed index
//! reads — never every record of a kind over five years — and the modules' own report
//! functions over them.

use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::{callback_month_key, Callback};
use crate::domain::complaints::report::{month_bounds, monthly_report, MonthReport};
use crate::domain::complaints::{list_key, Complaint};
use crate::domain::duty::log::DutyLog;
use crate::domain::duty::Post;
use crate::domain::event::RecordKind;
use crate::domain::patrol::PatrolRound;
use crate::domain::quality::arrears::{month_id, ArrearsMonth};
use crate::domain::quality::dashboard::{self, MonthInputs};
use crate::domain::quality::survey::{Survey, SurveyStatus};
use crate::domain::quality::{year_id, QualityYear};
use crate::domain::view::Aggregate;
use crate::domain::workorder::fees;
use crate::domain::workorder::orders::finished_month_key;
use crate::domain::workorder::WorkOrder;
use crate::store::{Filter, Query};
use crate::ui::state::app;
use chrono::{Datelike, NaiveDate};

/// The states of a kind's records under a search-key prefix.
pub async fn states<A: Aggregate>(kind: RecordKind, prefix: String) -> Vec<A> {
    app()
        .query(&Query::new(kind, Filter::Prefix(prefix)))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<A>())
        .collect()
}

/// "2026-11".
pub fn ym(y: i32, m: u32) -> String {
    format!("{y}-{m:02}")
}

/// The twelve months ending with `(y, m)`, oldest first.
pub fn twelve(y: i32, m: u32) -> Vec<(i32, u32)> {
    let mut out = Vec::new();
    let (mut y, mut m) = (y, m);
    for _ in 0..12 {
        out.push((y, m));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}

/// One month's records for the dashboard and the pack.
#[derive(Clone, Debug, Default)]
pub struct Month {
    pub report: Option<MonthReport>,
    pub rounds: Vec<PatrolRound>,
    pub orders: Vec<WorkOrder>,
    pub logs: Vec<DutyLog>,
    pub arrears: Option<ArrearsMonth>,
}

pub async fn month_records(y: i32, m: u32, cal: &BusinessCalendar) -> Month {
    let key = ym(y, m);
    let complaints: Vec<Complaint> = states(RecordKind::Complaint, list_key(&key, None)).await;
    let callbacks: Vec<Callback> = states(RecordKind::Callback, callback_month_key(&key)).await;
    let help = if let Some((from, to)) = month_bounds(y, m, cal) {
        // HELP-6: those received in the month, from the month key (issue 19).
        states::<crate::domain::complaints::HelpRequest>(
            RecordKind::HelpRequest,
            crate::domain::complaints::help_month_key(&key),
        )
        .await
        .into_iter()
        .filter(|h| h.received >= from && h.received < to)
        .collect()
    } else {
        vec![]
    };
    let report = monthly_report(y, m, cal, &complaints, &callbacks, &help);
    let rounds: Vec<PatrolRound> = states(RecordKind::PatrolRound, format!("day|{key}")).await;
    let orders: Vec<WorkOrder> = states(RecordKind::WorkOrder, finished_month_key(&key)).await;
    let mut logs: Vec<DutyLog> = Vec::new();
    for p in Post::ALL {
        logs.extend(states::<DutyLog>(RecordKind::DutyLog, format!("{}:{key}", p.as_str())).await);
    }
    let arrears = app()
        .get::<ArrearsMonth>(month_id(&key))
        .await
        .ok()
        .flatten();
    Month {
        report: Some(report),
        rounds,
        orders,
        logs,
        arrears,
    }
}

/// Everything the dashboard shows.
#[derive(Clone, Debug, Default)]
pub struct Dash {
    pub months: Vec<MonthInputs>,
    pub last: Month,
    pub surveys: Vec<Survey>,
    pub paid_goal: u32,
}

/// QUAL-2: the twelve months ending with `(y, m)`.
pub async fn gather(y: i32, m: u32, cal: BusinessCalendar, today: NaiveDate) -> Dash {
    let surveys: Vec<Survey> = states(RecordKind::Survey, "srv|all".into()).await;
    let sched: fees::Schedule = crate::ui::repairs::schedule().await;
    let kinds = fees::paid_kinds(&sched).len() as u32;
    let first_year = sched
        .values()
        .map(|i| cal.local_date(i.approved_at).year())
        .min()
        .unwrap_or(y);
    let paid_goal = fees::PAID_KINDS_TARGET as u32 + (y - first_year).max(0) as u32;
    let training = crate::ui::training::load().await.rates().overall;
    let mut years = std::collections::BTreeMap::new();
    let mut months = Vec::new();
    let mut last = Month::default();
    let span = twelve(y, m);
    for (i, (yy, mm)) in span.iter().copied().enumerate() {
        let rec = month_records(yy, mm, &cal).await;
        let (from, to) = month_bounds(yy, mm, &cal).unwrap_or((0, 0));
        let (complaints, majors, callbacks) = rec
            .report
            .as_ref()
            .map(dashboard::from_complaint_report)
            .unwrap_or_default();
        let satisfaction = surveys
            .iter()
            .filter(|s| s.status == SurveyStatus::Closed)
            .filter(|s| s.closed.is_some_and(|c| c >= from && c < to))
            .max_by_key(|s| s.closed)
            .map(|s| {
                let r = s.results();
                (r.average.unwrap_or(0.0), r.under_target().is_empty())
            });
        if let std::collections::btree_map::Entry::Vacant(e) = years.entry(yy) {
            e.insert(
                app()
                    .get::<QualityYear>(year_id(yy))
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            );
        }
        let major_incidents = years
            .get(&yy)
            .map(|q: &QualityYear| {
                q.major_incidents
                    .iter()
                    .filter(|(_, d, _)| d.year() == yy && d.month() == mm)
                    .count() as u32
            })
            .unwrap_or(0);
        let current = i == span.len() - 1;
        let in_past = NaiveDate::from_ymd_opt(yy, mm, 1).is_some_and(|d| d <= today);
        // QUAL-4: records kept past their date now count against this month (an earlier
        // month's figure is not rebuilt: when a record was dealt with is not recorded).
        let past_retention = if current && in_past {
            let settings =
                leptos::prelude::GetUntracked::get_untracked(&crate::ui::state::ctx().estate)
                    .unwrap_or_default()
                    .settings;
            crate::ui::components::retention::past_retention_count(
                &settings,
                crate::ui::platform::now_ms(),
            )
            .await
        } else {
            0
        };
        months.push(MonthInputs {
            year: yy,
            month: mm,
            satisfaction,
            major_complaints: majors,
            complaints,
            callbacks,
            good_order: crate::domain::patrol::report::good_order(&rec.rounds, from, to),
            collection: rec
                .arrears
                .as_ref()
                .map(|a| (a.collected_fen(), a.billed_fen)),
            paid_kinds: (current && in_past).then_some(kinds),
            training: (current && in_past).then_some((training.passed, training.required)),
            archive: dashboard::archive_figures(&rec.orders, &rec.logs, past_retention),
            major_incidents,
        });
        if current {
            last = rec;
        }
    }
    Dash {
        months,
        last,
        surveys,
        paid_goal,
    }
}

//! 质量目标 (issue 18): the quality dashboard (QUAL-2), satisfaction surveys (QUAL-1), fee
//! arrears (PAT-7), the monthly pack (QUAL-3) and the residents' notice board (PAT-8). Rules and
//! arithmetic live in `domain::quality`; these pages read by month keys and show.

mod arrears;
mod data;
mod pack;
pub mod strings;
mod survey;

pub use arrears::ArrearsStops;

use super::i18n::t;
use super::platform::now_ms;
use super::state::{
    ctx, go, loader, tx, CmpTab, DutyTab, Page, PatrolTab, QualTab, RepTab, TrainTab,
};
use crate::domain::quality::dashboard::{self, show, Goal, Row, Target};
use crate::domain::roles::Action;
use chrono::Datelike;
use leptos::prelude::*;

pub(super) fn may(a: Action) -> bool {
    ctx().session.get().is_some_and(|s| s.may(a))
}

pub(super) fn cal() -> crate::domain::calendar::BusinessCalendar {
    super::duty::calendar()
}

pub(super) fn today() -> chrono::NaiveDate {
    cal().local_date(now_ms())
}

#[component]
pub fn QualityPage(tab: QualTab) -> impl IntoView {
    let tabs = [
        (QualTab::Dashboard, "q.tab.dashboard", "q-tab-dashboard"),
        (QualTab::Survey, "q.tab.survey", "q-tab-survey"),
        (QualTab::Actions, "q.tab.actions", "q-tab-actions"),
        (QualTab::Arrears, "q.tab.arrears", "q-tab-arrears"),
        (QualTab::Pack, "q.tab.pack", "q-tab-pack"),
        (QualTab::Board, "q.tab.board", "q-tab-board"),
    ];
    view! {
        <div class="page quality" data-testid="quality-page">
            <div class="page-head screen-only">
                <h1 class="page-title">{move || t("q.title")}</h1>
            </div>
            <nav class="reg-tabs screen-only" role="tablist">
                {tabs.into_iter().map(|(which, key, id)| view! {
                    <button class=if which == tab { "reg-tab active" } else { "reg-tab" } role="tab" data-testid=id
                        on:click=move |_| go(Page::Quality(which))>{move || t(key)}</button>
                }).collect_view()}
            </nav>
            {match tab {
                QualTab::Dashboard => view! { <Dashboard/> }.into_any(),
                QualTab::Survey => view! { <survey::SurveyTab/> }.into_any(),
                QualTab::Arrears => view! { <arrears::ArrearsTab/> }.into_any(),
                QualTab::Pack => view! { <pack::PackTab/> }.into_any(),
                QualTab::Board => view! { <NoticeBoard/> }.into_any(),
                QualTab::Actions => view! {
                    <crate::ui::components::corrective::CorrectiveList
                        focus=super::state::take_focus(crate::domain::event::RecordKind::CorrectiveAction)/>
                }.into_any(),
            }}
        </div>
    }
}

/// The page with the records behind a target (a tap on its row).
fn records_of(t: Target) -> Page {
    match t {
        Target::Satisfaction => Page::Quality(QualTab::Survey),
        Target::MajorComplaints | Target::Timeliness => Page::Complaints(CmpTab::Report),
        Target::CallbackComplaint | Target::CallbackRepair | Target::CallbackEvent => {
            Page::Complaints(CmpTab::Callbacks)
        }
        Target::GoodOrder => Page::Patrol(PatrolTab::Findings),
        Target::Collection => Page::Quality(QualTab::Arrears),
        Target::PaidKinds => Page::Repairs(RepTab::Fees),
        Target::Training => Page::Training(TrainTab::Records),
        Target::Archive => Page::Duty(DutyTab::Review),
        Target::SafetyIncidents => Page::Emergency,
    }
}

/// A 12-month trend as inline SVG: the figures as a line with dots, the target as a dashed line;
/// a month below target (or above a count's limit) is a red dot.
#[component]
pub(super) fn Trend(row: Row) -> impl IntoView {
    let (w, h, pad) = (180.0_f64, 44.0_f64, 4.0_f64);
    let vals: Vec<Option<f64>> = row.trend.clone();
    let goal = match row.goal {
        Goal::AtLeast(g) => g,
        Goal::AtMost(n) => n as f64,
    };
    let (lo, hi) = if row.target.is_count() {
        let max = vals.iter().flatten().fold(goal, |a, b| a.max(*b)).max(1.0);
        (0.0, max)
    } else {
        let min = vals.iter().flatten().fold(goal, |a, b| a.min(*b));
        ((min - 5.0).max(0.0).floor(), 100.0)
    };
    let span = (hi - lo).max(1.0);
    let x = |i: usize| pad + i as f64 * (w - 2.0 * pad) / 11.0;
    let y = |v: f64| h - pad - (v - lo) / span * (h - 2.0 * pad);
    let missed = |v: f64| match row.goal {
        Goal::AtLeast(g) => v < g,
        Goal::AtMost(_) => v > 0.0 && row.target == Target::SafetyIncidents,
    };
    let points: String = vals
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
        .collect::<Vec<_>>()
        .join(" ");
    let gy = y(goal);
    view! {
        <svg class="q-trend" viewBox=format!("0 0 {w} {h}") width=w height=h role="img" aria-hidden="true">
            <line x1=pad x2=w - pad y1=gy y2=gy class="q-goal"/>
            <polyline points=points class="q-line"/>
            {vals.iter().enumerate().filter_map(|(i, v)| v.map(|v| view! {
                <circle cx=x(i) cy=y(v) r="2.6" class=if missed(v) { "q-dot bad" } else { "q-dot" }/>
            })).collect_view()}
        </svg>
    }
}

fn met_badge(met: Option<bool>) -> impl IntoView {
    match met {
        Some(true) => view! { <span class="badge ok" data-testid="q-met">{move || t("q.met")}</span> }.into_any(),
        Some(false) => view! { <span class="badge overdue" data-testid="q-missed">{move || t("q.missed")}</span> }.into_any(),
        None => view! { <span class="badge muted">{move || t("q.no_data")}</span> }.into_any(),
    }
}

/// QUAL-2: every target with this month's and the year's figure, met or missed, a trend.
#[component]
fn Dashboard() -> impl IntoView {
    let now = today();
    let months = data::twelve(now.year(), now.month());
    let month = RwSignal::new((now.year(), now.month()));
    let dash = loader(move || {
        let (y, m) = month.get();
        async move { data::gather(y, m, cal(), today()).await }
    });
    view! {
        <div class="page-head screen-only q-head">
            <p class="muted">{move || t("q.dash.lead")}</p>
            <select data-testid="q-month" on:change=move |ev| {
                let v = event_target_value(&ev);
                if let Some((y, m)) = v.split_once('-').and_then(|(y, m)| Some((y.parse().ok()?, m.parse().ok()?))) { month.set((y, m)); }
            }>
                {months.iter().rev().map(|(y, m)| { let (y, m) = (*y, *m); view! {
                    <option value=format!("{y}-{m}") selected=move || month.get() == (y, m)>{format!("{y}-{m:02}")}</option>
                }}).collect_view()}
            </select>
        </div>
        {move || match dash.get() {
            None => view! { <p class="muted">{move || t("common.loading")}</p> }.into_any(),
            Some(d) => {
                let rows = dashboard::dashboard(&d.months, d.paid_goal);
                let missed = rows.iter().filter(|r| r.met == Some(false)).count();
                let missed_class = if missed > 0 { "q-kpi bad" } else { "q-kpi" };
                let met = rows.iter().filter(|r| r.met == Some(true)).count();
                let goal = d.paid_goal;
                let labels: Vec<String> = d.months.iter().map(|m| format!("{}", m.month)).collect();
                view! {
                    <section class="q-summary">
                        <div class="q-kpi ok"><strong data-testid="q-met-count">{met}</strong><span>{move || t("q.kpi.met")}</span></div>
                        <div class=missed_class><strong data-testid="q-missed-count">{missed}</strong><span>{move || t("q.kpi.missed")}</span></div>
                    </section>
                    <section class="card q-table-card">
                        <table class="table q-dash" data-testid="q-dashboard">
                            <thead><tr>
                                <th>{move || t("q.target")}</th>
                                <th class="num">{move || t("q.this_month")}</th>
                                <th class="num">{move || t("q.this_year")}</th>
                                <th>{move || t("q.goal")}</th>
                                <th></th>
                                <th class="q-trend-h">{move || t("q.trend")}<span class="muted small">{format!(" {}–{}", labels.first().cloned().unwrap_or_default(), labels.last().cloned().unwrap_or_default())}</span></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let target = r.target;
                                    let label = target.label();
                                    let goal_text = target.goal_text(goal);
                                    let note = r.note.clone();
                                    view! {
                                        <tr class="q-row" data-testid="q-row" data-target=target.key()
                                            on:click=move |_| go(records_of(target))>
                                            <td><button class="linkish" data-testid=format!("q-open-{}", target.key())>{move || tx(&label)}</button>
                                                {note.map(|n| view! { <div class="small warn-text">{move || tx(&n)}</div> })}</td>
                                            <td class="num" data-testid="q-month-fig">{show(target, r.month)}</td>
                                            <td class="num q-year" data-testid="q-year-fig">{show(target, r.year)}</td>
                                            <td class="muted">{move || tx(&goal_text)}</td>
                                            <td>{met_badge(r.met)}</td>
                                            <td><Trend row=r.clone()/></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p class="muted small">{move || t("q.dash.tap")}</p>
                    </section>
                }.into_any()
            }
        }}
    }
}

/// PAT-8: the targets residents may see, for the notice board (printable).
#[component]
fn NoticeBoard() -> impl IntoView {
    let now = today();
    let dash = loader(move || async move {
        let prev = now
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(now);
        data::gather(prev.year(), prev.month(), cal(), now).await
    });
    let estate = move || ctx().estate.get().map(|e| e.name).unwrap_or_default();
    view! {
        <div class="rep-tools screen-only">
            <button class="btn" data-testid="q-board-print" on:click=move |_| crate::ui::components::print_page()>{move || t("q.print")}</button>
        </div>
        {move || dash.get().map(|d| {
            let rows = dashboard::dashboard(&d.months, d.paid_goal);
            let shown = [Target::Satisfaction, Target::GoodOrder, Target::Timeliness, Target::MajorComplaints, Target::SafetyIncidents];
            let latest = d.surveys.iter()
                .filter(|s| s.status == crate::domain::quality::survey::SurveyStatus::Closed)
                .max_by_key(|s| s.closed)
                .cloned();
            let last = d.months.last().map(|m| format!("{}年{}月", m.year, m.month)).unwrap_or_default();
            view! {
                <section class="card q-board" data-testid="q-board">
                    <h2 class="q-board-title">{estate()}" · "{move || t("q.board.title")}</h2>
                    <p class="muted">{move || t("q.board.lead")}" "{last.clone()}</p>
                    <div class="q-board-grid">
                        {rows.into_iter().filter(|r| shown.contains(&r.target)).map(|r| {
                            let label = r.target.label();
                            let goal = r.target.goal_text(d.paid_goal);
                            let ok = r.met;
                            view! {
                                <div class=match ok { Some(false) => "q-board-fig bad", _ => "q-board-fig" }>
                                    <div class="q-board-label">{move || tx(&label)}</div>
                                    <div class="q-board-value">{show(r.target, r.year)}</div>
                                    <div class="muted small">{move || t("q.goal")}": "{move || tx(&goal)}</div>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                    {latest.map(|s| {
                        let r = s.results();
                        view! {
                            <h3>{s.title.clone()}</h3>
                            <table class="table">
                                <tbody>
                                {r.items.into_iter().map(|i| { let l = i.item.label(); let under = i.under_target(); view! {
                                    <tr><td>{move || tx(&l)}</td><td class=if under { "num warn-text" } else { "num" }>{crate::domain::quality::pct(i.rate)}</td></tr>
                                }}).collect_view()}
                                <tr><th>{move || t("q.average")}</th><th class="num">{crate::domain::quality::pct(r.average)}</th></tr>
                                </tbody>
                            </table>
                        }
                    })}
                    <p class="muted small">{move || t("q.board.foot")}</p>
                </section>
            }
        })}
    }
}

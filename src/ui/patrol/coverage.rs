//! The week's coverage per building and floor — the twice-a-week rule of PAT-2, gaps in red —
//! and the month's figures: facility good-order rate against 98 % (PAT-8), rounds on time /
//! late / missed per person (PAT-1), findings by kind and how fast they were handled (PAT-5).

use super::{buildings, calendar};
use crate::domain::event::RecordKind;
use crate::domain::ids::RecordId;
use crate::domain::patrol::report::{self, BuildingFloors, GOOD_ORDER_TARGET};
use crate::domain::patrol::schedule::monday_of;
use crate::domain::patrol::{coverage_key, day_key, week_key, Finding, FindingKind, PatrolRound};
use crate::store::{Filter, Query};
use crate::ui::components::people::{everyone, name_of};
use crate::ui::i18n::t;
use crate::ui::platform::{format_time, now_ms};
use crate::ui::state::{app, loader, tx, utc_offset};
use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use leptos::prelude::*;
use std::collections::BTreeMap;

async fn rounds_by_prefix(prefix: String, into: &mut BTreeMap<RecordId, PatrolRound>) {
    let q = Query::new(RecordKind::PatrolRound, Filter::Prefix(prefix));
    for v in app().query(&q).await.unwrap_or_default() {
        if let Some(r) = v.state::<PatrolRound>() {
            into.insert(v.id, r);
        }
    }
}

#[component]
pub fn CoverageTab() -> impl IntoView {
    let week_back = RwSignal::new(0u64);
    let data = loader(move || {
        let back = week_back.get();
        async move {
            let cal = calendar();
            let monday = monday_of(cal.local_date(now_ms())) - Days::new(7 * back);
            let from = cal.at(monday, NaiveTime::MIN);
            let to = cal.at(monday + Days::new(7), NaiveTime::MIN);
            let blist = buildings().await;
            // Served by the search index: check-ins of a building in a week (and the week
            // before, for "last patrolled").
            let mut rounds = BTreeMap::new();
            for (b, _) in &blist {
                for m in [monday, monday - Days::new(7)] {
                    rounds_by_prefix(coverage_key(*b, &week_key(m)), &mut rounds).await;
                }
            }
            let rounds: Vec<PatrolRound> = rounds.into_values().collect();
            let floors: Vec<BuildingFloors> = blist
                .iter()
                .map(|(id, b)| BuildingFloors {
                    id: *id,
                    name: b.name.clone(),
                    floors: b.floors,
                    basements: b.basements,
                })
                .collect();
            (monday, report::coverage(&floors, &rounds, from, to))
        }
    });
    let figures = loader(move || async move {
        let cal = calendar();
        let today = cal.local_date(now_ms());
        let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
        // The month so far, or the previous month when it has just begun.
        let first = if today.day() < 8 {
            first - chrono::Months::new(1)
        } else {
            first
        };
        let next = first + chrono::Months::new(1);
        let mut rounds = BTreeMap::new();
        let mut d = first;
        while d < next && d <= today {
            rounds_by_prefix(day_key(d), &mut rounds).await;
            d = d + Days::new(1);
        }
        let (from, to) = (cal.at(first, NaiveTime::MIN), cal.at(next, NaiveTime::MIN));
        let rounds: Vec<PatrolRound> = rounds.into_values().collect();
        // The month's findings from the index, not five years of them (issue 7).
        let month = first.format("%Y-%m").to_string();
        let findings: Vec<Finding> = app()
            .query(&Query::new(
                RecordKind::PatrolFinding,
                Filter::Prefix(crate::domain::patrol::finding_month_key(&month)),
            ))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Finding>())
            .filter(|f| f.at >= from && f.at < to)
            .collect();
        let (ok, all) = report::good_order(&rounds, from, to);
        (
            first,
            ok,
            all,
            report::per_person(&rounds, now_ms()),
            report::findings_by_kind(&findings),
        )
    });
    // A month's figures per person: former staff keep their names.
    let names = everyone();
    view! {
        <div class="cov-head">
            <button class="btn" data-testid="cov-prev" on:click=move |_| week_back.update(|w| *w += 1)>"‹ "{move || t("pat.prev_week")}</button>
            <h2>{move || data.get().map(|(m, _)| format!("{} {} – {}", week_key(m).to_uppercase(), m, m + Days::new(6)))}</h2>
            <button class="btn" data-testid="cov-next" disabled=move || week_back.get() == 0 on:click=move |_| week_back.update(|w| *w = w.saturating_sub(1))>{move || t("pat.next_week")}" ›"</button>
        </div>
        <p class="legend cov-legend">
            <span class="cv ok"></span>{move || t("pat.cov.ok")}
            <span class="cv one"></span>{move || t("pat.cov.one")}
            <span class="cv none"></span>{move || t("pat.cov.none")}
        </p>
        <div class="cov-grid" data-testid="coverage">
            {move || data.get().map(|(_, cov)| cov.into_iter().map(|b| {
                let gaps = b.gaps();
                view! {
                    <section class={if gaps > 0 { "cov-b gap" } else { "cov-b" }} data-testid="cov-building" data-name=b.name.clone() data-gaps=gaps>
                        <h3>{b.name.clone()}<span class="cov-gaps">{if gaps > 0 { format!("{gaps} ✕") } else { "✓".into() }}</span></h3>
                        <div class="cov-floors">
                            {b.floors.iter().rev().map(|f| {
                                let cls = match f.visits.len() { 0 => "cv none", 1 => "cv one", _ => "cv ok" };
                                let label = if f.floor < 0 { format!("B{}", -f.floor) } else { f.floor.to_string() };
                                let title = f.last.map(|l| format_time(l, utc_offset())).unwrap_or_else(|| "—".into());
                                view! { <span class=cls title=title data-testid="cov-floor" data-floor=f.floor data-visits=f.visits.len()>{label}</span> }
                            }).collect_view()}
                        </div>
                    </section>
                }
            }).collect_view())}
        </div>
        {move || figures.get().map(|(month, ok, all, people, kinds)| {
            let rate = report::rate(ok, all);
            let good = rate.is_some_and(|r| r >= GOOD_ORDER_TARGET);
            view! {
                <section class="card figures">
                    <h2>{month.format("%Y-%m").to_string()}" "{move || t("pat.fig.title")}</h2>
                    <div class=if good { "big-rate ok" } else { "big-rate bad" } data-testid="good-order">
                        <span class="rate">{rate.map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "—".into())}</span>
                        <span>{move || t("pat.fig.good_order")}" "{ok}"/"{all}" · "{move || t("pat.fig.target")}" 98%"</span>
                    </div>
                    <table class="ftable">
                        <thead><tr><th>{move || t("pat.fig.person")}</th><th>{move || t("pat.fig.on_time")}</th><th>{move || t("pat.fig.late")}</th><th>{move || t("pat.fig.partial")}</th><th>{move || t("pat.fig.missed")}</th><th>{move || t("pat.fig.manual")}</th></tr></thead>
                        <tbody>{people.into_iter().map(|(who, p)| view! {
                            <tr><td>{move || name_of(&names, Some(who))}</td><td>{p.on_time}</td><td>{p.late}</td><td>{p.partial}</td><td class={if p.missed > 0 { "bad" } else { "" }}>{p.missed}</td><td>{p.manual_check_ins}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                    <table class="ftable">
                        <thead><tr><th>{move || t("pat.fig.kind")}</th><th>{move || t("pat.fig.count")}</th><th>{move || t("pat.fig.in_time")}</th><th>{move || t("pat.fig.open")}</th><th>{move || t("pat.fig.median")}</th></tr></thead>
                        <tbody>{kinds.into_iter().map(|(k, s): (FindingKind, report::FindingStats)| view! {
                            <tr><td>{move || tx(&k.label())}</td><td>{s.count}</td><td>{s.in_time}</td><td>{s.open}</td><td>{s.median_minutes.map(|m| format!("{m} min")).unwrap_or_default()}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                </section>
            }
        })}
        <InspectionCoverage/>
        <ProcedureRevision/>
    }
}

/// PAT-2 role inspections met or missed per period: the Director's of paid in-home services
/// (the last six months), the internal supervisor's of in-home cleaning (the last eight weeks),
/// each period one prefix lookup of the inspection rounds' index key.
#[component]
fn InspectionCoverage() -> impl IntoView {
    use crate::domain::patrol::inspect::{coverage, period_key, period_prefix, PeriodCoverage};
    use crate::domain::patrol::Tier;
    let data = loader(|| async {
        let now = now_ms();
        let today = calendar().local_date(now);
        let mut out: Vec<(Tier, String, Vec<PeriodCoverage>)> = Vec::new();
        for (tier, n, step) in [
            (Tier::ServiceInspection, 6u64, 31u64),
            (Tier::CleaningInspection, 8, 7),
        ] {
            let mut periods: Vec<String> = (0..n * 31)
                .step_by(step as usize)
                .map(|b| period_key(tier, today - Days::new(b)))
                .collect();
            periods.dedup();
            periods.truncate(n as usize);
            let mut rounds = BTreeMap::new();
            for p in &periods {
                rounds_by_prefix(period_prefix(tier, p), &mut rounds).await;
            }
            let rounds: Vec<PatrolRound> = rounds.into_values().collect();
            let mut cov = coverage(tier, &rounds, now);
            cov.reverse();
            out.push((tier, period_key(tier, today), cov));
        }
        out
    });
    view! {
        <section class="card" data-testid="insp-coverage">
            <h2>{move || t("pat.insp.coverage")}</h2>
            {move || data.get().unwrap_or_default().into_iter().map(|(tier, current, cov)| view! {
                <h3>{move || tx(&tier.label())}</h3>
                <table class="ftable">
                    <thead><tr>
                        <th>{move || t("pat.insp.col.period")}</th>
                        <th>{move || t("pat.insp.col.done")}</th>
                        <th>{move || t("pat.insp.col.orders")}</th>
                        <th></th>
                    </tr></thead>
                    <tbody>{cov.into_iter().map(|c| {
                        let met = c.met();
                        // The period under way is not missed yet.
                        let open = !met && c.period == current;
                        let key = if met { "pat.insp.met" } else if open { "pat.insp.open" } else { "pat.insp.missed" };
                        view! {
                            <tr data-testid="insp-period" data-met=met.to_string()>
                                <td>{c.period.clone()}</td>
                                <td>{c.done}" / "{c.planned}</td>
                                <td>{c.orders}" / "{c.problems}</td>
                                <td class=if met || open { "" } else { "bad" }>{move || t(key)}</td>
                            </tr>
                        }
                    }).collect_view()}</tbody>
                </table>
            }).collect_view()}
        </section>
    }
}

/// PAT-8: the patrol procedure revised yearly — due when none was signed off in twelve months;
/// the revision goes to the Director on the shared review card.
#[component]
fn ProcedureRevision() -> impl IntoView {
    use crate::domain::review::{procedure_revision_due, review_key, MonthlyReview, ReviewArea};
    use crate::store::{Filter, Query};
    let month = crate::domain::calendar::month_key(crate::ui::platform::now_ms());
    let signed = crate::ui::state::loader(|| async {
        let prefix = review_key(ReviewArea::PatrolProcedure, "");
        crate::ui::state::app()
            .query(&Query::new(
                crate::domain::event::RecordKind::MonthlyReview,
                Filter::Prefix(prefix),
            ))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<MonthlyReview>())
            .filter(|r| r.acknowledged.is_some())
            .map(|r| r.month)
            .collect::<Vec<String>>()
    });
    let m2 = month.clone();
    view! {
        {move || signed.get().map(|s| procedure_revision_due(&s, &m2)).unwrap_or(false).then(|| view! {
            <p class="notice" data-testid="procedure-due">{move || t("pat.procedure_due")}</p>
        })}
        <crate::ui::components::review::ReviewCard area=ReviewArea::PatrolProcedure month=month summary=None/>
    }
}

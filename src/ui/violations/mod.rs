//! 客户违章 — resident violations (SOP §2): the register (slim rows by index keys, newest
//! first, by status and severity), the one-minute record form, a record's page with the
//! decision steps by role and the printable A4 forms, the month's charges to finance and the
//! Director's retention review. Every rule is in `domain::violations`.

mod detail;
mod record;
mod settings;
pub mod strings;

pub use settings::RetentionSettingsCard;

use super::i18n::t;
use super::platform::{format_time, now_ms};
use super::state::{app, ctx, go, loader, take_focus, tx, utc_offset, Page, VioTab};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::event::RecordKind;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::patrol::ViolationDraft;
use crate::domain::roles::{Action, Role};
use crate::domain::violations::{
    charge_key, charges, charges_csv, list_key, yuan, Severity, Status, ViolationRow,
};
use crate::store::{Filter, Query};
use leptos::prelude::*;

pub(super) fn may(a: Action) -> bool {
    ctx().session.get().is_some_and(|s| s.may(a))
}

pub(super) fn when(ms: i64) -> String {
    format_time(ms, utc_offset())
}

pub(super) fn cal() -> BusinessCalendar {
    ctx()
        .estate
        .get_untracked()
        .map(|e| e.settings.calendar)
        .unwrap_or_default()
}

pub(super) use crate::ui::components::people::{name_of, people, recipients, People};

pub(super) fn assistants(people: &People) -> Vec<(StaffId, String)> {
    people
        .get()
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.roles.contains(&Role::Assistant))
        .map(|p| (p.id, p.name))
        .collect()
}

#[component]
pub fn ViolationsPage(tab: VioTab) -> impl IntoView {
    let tabs = [
        (VioTab::List, "vio.tab.list", None),
        (VioTab::New, "vio.tab.new", None),
        (
            VioTab::Charges,
            "vio.tab.charges",
            Some(Action::DecideViolation),
        ),
        (
            VioTab::Retention,
            "vio.tab.retention",
            Some(Action::PurgeRecords),
        ),
    ];
    view! {
        <div class="vio">
            <div class="seg cmp-tabs screen-only" role="tablist">
                {tabs.into_iter().map(|(tb, key, needs)| view! {
                    <Show when=move || needs.is_none_or(may)>
                        <button class=if tb == tab { "seg-btn on" } else { "seg-btn" }
                            data-testid=format!("vio-tab-{}", key.trim_start_matches("vio.tab."))
                            on:click=move |_| go(Page::Violations(tb))>{move || t(key)}</button>
                    </Show>
                }).collect_view()}
            </div>
            {match tab {
                VioTab::List => view! { <Register/> }.into_any(),
                VioTab::New => view! { <record::RecordForm/> }.into_any(),
                VioTab::Charges => view! { <Charges/> }.into_any(),
                VioTab::Retention => view! { <crate::ui::components::retention::RetentionReview/> }.into_any(),
            }}
        </div>
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListFilter {
    Open,
    Month,
}

/// The last twelve months, newest first ("2026-11").
fn recent_months() -> Vec<String> {
    crate::domain::complaints::report::recent_months(
        BusinessCalendar::default().local_date(now_ms()),
    )
    .into_iter()
    .map(|(y, m)| format!("{y}-{m:02}"))
    .collect()
}

/// The register: open violations from the status index, or one month's from the month keys —
/// never every violation of five years.
#[component]
fn Register() -> impl IntoView {
    let opened = RwSignal::new(take_focus(RecordKind::Violation));
    let filter = RwSignal::new(ListFilter::Open);
    let severity = RwSignal::new(None::<Severity>);
    let months = StoredValue::new(recent_months());
    let month = RwSignal::new(months.get_value().first().cloned().unwrap_or_default());
    let shown = RwSignal::new(super::components::PAGE);
    let rows = loader(move || {
        let f = filter.get();
        let m = month.get();
        shown.set(super::components::PAGE);
        async move {
            // List rows (issue 19): each violation's `ViolationRow`, never its full record.
            let queries: Vec<Query> = match f {
                ListFilter::Open => [Status::Reported, Status::Decided, Status::InEffect]
                    .iter()
                    .map(|s| Query::new(RecordKind::Violation, Filter::Status(s.key().into())))
                    .collect(),
                ListFilter::Month => vec![Query::new(
                    RecordKind::Violation,
                    Filter::Prefix(list_key(&m, None)),
                )],
            };
            let mut v: Vec<(RecordId, ViolationRow)> = Vec::new();
            for q in queries {
                v.extend(crate::ui::state::list_rows::<ViolationRow>(&q).await);
            }
            v.sort_by_key(|(id, x)| std::cmp::Reverse((x.at, *id)));
            // Patrol's renovation drafts written before issue 14, still open (status index;
            // each draft is its own list row, issue 19).
            let drafts: Vec<(RecordId, ViolationDraft)> = crate::ui::state::list_rows(&Query::new(
                RecordKind::ViolationDraft,
                Filter::Status("draft".into()),
            ))
            .await;
            (f, v, drafts)
        }
    });
    let people = people();
    let list = move || {
        let Some((f, loaded, drafts)) = rows.get() else {
            return ().into_any();
        };
        let sev = severity.get();
        let now = now_ms();
        let items: Vec<(RecordId, ViolationRow)> = loaded
            .into_iter()
            .filter(|(_, v)| sev.is_none_or(|s| v.severity == s))
            .collect();
        let total = items.len();
        let drafts_view = (!drafts.is_empty()).then(|| view! {
            <h2 class="section-title">{move || t("vio.drafts")}</h2>
            <section class="card list" data-testid="vio-drafts">
                {drafts.into_iter().map(|(_, d)| view! {
                    <div class="row">
                        <span class="row-main">
                            <strong>{d.description.clone()}</strong>
                            <span class="muted">{d.location.clone()}" · "{when(d.found_at)}</span>
                        </span>
                    </div>
                }).collect_view()}
            </section>
        });
        if items.is_empty() {
            return view! {
                <div class="card"><p class="empty" data-testid="vio-empty">{move || t("vio.empty")}</p></div>
                {drafts_view}
            }
            .into_any();
        }
        view! {
            <section class="card list vio-list" data-testid="vio-list" data-filter=format!("{f:?}")>
                {move || items.iter().take(shown.get()).cloned().map(|(id, v)| {
                    let status = v.status;
                    let sev = v.severity;
                    let at = v.at;
                    let cat = v.category.map(|c| c.label());
                    let who = v.who;
                    let facts = v.facts;
                    let facts_attr = facts.clone();
                    let clock = v.clock;
                    let assignee = v.assignee;
                    view! {
                        <button class="row cmp-row" data-testid="vio-row" data-status=status.key() data-severity=sev.key()
                            data-facts=facts_attr on:click=move |_| opened.set(Some(id))>
                            <span class="cmp-when">
                                <strong>{when(at).get(5..10).unwrap_or_default().to_string()}</strong>
                                <small>{when(at).get(11..).unwrap_or_default().to_string()}</small>
                            </span>
                            <span class="row-main">
                                <span class="chips">
                                    <span class=if sev == Severity::Major { "chip cmp-major" } else { "chip" }>{move || tx(&sev.label())}</span>
                                    {cat.map(|c| view! { <span class="chip dept">{move || tx(&c)}</span> })}
                                </span>
                                <strong class="cmp-what">{facts}</strong>
                                <span class="muted">{who}{move || assignee.map(|a| format!(" · {}", name_of(&people, Some(a)))).unwrap_or_default()}</span>
                            </span>
                            <span class="row-side cmp-side">
                                <span class=format!("cmp-status s-{}", status.key())>{move || tx(&status.label())}</span>
                                {clock.map(|k| view! { <super::components::SlaBadge state=k.state(now)/> })}
                            </span>
                        </button>
                    }
                }).collect_view()}
                <super::components::LoadMore shown=shown total=Signal::derive(move || total)/>
            </section>
            {drafts_view}
        }
        .into_any()
    };
    let chips = [
        (ListFilter::Open, "vio.f.open"),
        (ListFilter::Month, "vio.f.month"),
    ];
    view! {
        <Show when=move || opened.get().is_none() fallback=move || view! {
            <detail::ViolationDetail id=opened.get().unwrap_or_default() back=Callback::new(move |_| opened.set(None))/>
        }>
            <div class="page-head">
                <h1 class="page-title">{move || t("vio.title")}</h1>
                <button class="btn primary" data-testid="vio-new" on:click=move |_| go(Page::Violations(VioTab::New))>
                    "＋ "{move || t("vio.new")}
                </button>
            </div>
            <div class="cmp-filters">
                <div class="seg" role="radiogroup">
                    {chips.into_iter().map(|(f, key)| view! {
                        <button class=move || if filter.get() == f { "seg-btn on" } else { "seg-btn" }
                            data-testid=format!("vio-filter-{}", key.trim_start_matches("vio.f.")) on:click=move |_| filter.set(f)>{move || t(key)}</button>
                    }).collect_view()}
                </div>
                <div class="seg" role="radiogroup">
                    <button class=move || if severity.get().is_none() { "seg-btn on" } else { "seg-btn" }
                        data-testid="vio-sev-all" on:click=move |_| severity.set(None)>{move || t("vio.f.all_sev")}</button>
                    {Severity::ALL.iter().map(|s| { let s = *s; view! {
                        <button class=move || if severity.get() == Some(s) { "seg-btn on" } else { "seg-btn" }
                            data-testid=format!("vio-sev-{}", s.key()) on:click=move |_| severity.set(Some(s))>{move || tx(&s.label())}</button>
                    }}).collect_view()}
                </div>
                <Show when=move || filter.get() == ListFilter::Month>
                    <select class="cmp-month" data-testid="vio-month" aria-label=move || t("vio.month")
                        on:change=move |ev| month.set(event_target_value(&ev))>
                        {months.get_value().into_iter().map(|m| { let v = m.clone(); view! {
                            <option value=v.clone() selected=move || month.get() == v>{m}</option>
                        }}).collect_view()}
                    </select>
                </Show>
            </div>
            {list}
        </Show>
    }
}

/// VIO-5: the month's approved compensations, printed and as CSV for finance.
#[component]
fn Charges() -> impl IntoView {
    let months = StoredValue::new(recent_months());
    let month = RwSignal::new(months.get_value().first().cloned().unwrap_or_default());
    let rows = loader(move || {
        let m = month.get();
        async move {
            let views = app()
                .query(&Query::new(
                    RecordKind::Violation,
                    Filter::Prefix(charge_key(&m)),
                ))
                .await
                .unwrap_or_default();
            charges(&views)
        }
    });
    let csv = move |_| {
        let list = rows.get_untracked().unwrap_or_default();
        let (h, r) = charges_csv(&list, &cal());
        let bytes = crate::sync::csv::to_csv(&h, &r);
        super::platform::download(
            &format!("违章扣款-{}.csv", month.get_untracked()),
            "text/csv",
            &bytes,
        );
    };
    view! {
        <div class="page-head">
            <h1 class="page-title">{move || t("vio.ch.title")}</h1>
            <select class="cmp-month" data-testid="vio-ch-month" on:change=move |ev| month.set(event_target_value(&ev))>
                {months.get_value().into_iter().map(|m| { let v = m.clone(); view! {
                    <option value=v.clone() selected=move || month.get() == v>{m}</option>
                }}).collect_view()}
            </select>
            <button class="btn" data-testid="vio-ch-csv" on:click=csv>{move || t("vio.ch.csv")}</button>
            <button class="btn" data-testid="vio-ch-print" on:click=move |_| crate::ui::components::print_page()>{move || t("vio.ch.print")}</button>
        </div>
        {move || {
            let list = rows.get().unwrap_or_default();
            if list.is_empty() {
                return view! { <div class="card"><p class="empty">{move || t("vio.ch.empty")}</p></div> }.into_any();
            }
            let total: i64 = list.iter().map(|c| c.amount_fen).sum();
            let estate = ctx().estate.get_untracked().map(|e| e.name).unwrap_or_default();
            view! {
                <section class="card print-form vio-charges" data-testid="vio-charges">
                    <h2 class="print-only">{estate}" · 客户违章扣款清单 "{month.get()}</h2>
                    <table>
                        <tr><th>"编号 NO"</th><th>"审批日期"</th><th>"房号"</th><th>"违章人"</th><th>"违章事实"</th><th>"金额（元）"</th></tr>
                        {list.into_iter().map(|c| view! {
                            <tr data-testid="vio-charge">
                                <td>{c.id.short()}</td><td>{when(c.approved_at).get(..10).unwrap_or_default().to_string()}</td>
                                <td>{c.unit}</td><td>{c.violator}</td><td>{c.facts}</td><td>{yuan(c.amount_fen)}</td>
                            </tr>
                        }).collect_view()}
                        <tr><th colspan="5">{move || t("vio.ch.total")}</th><td data-testid="vio-ch-total">{yuan(total)}</td></tr>
                    </table>
                </section>
            }
            .into_any()
        }}
    }
}

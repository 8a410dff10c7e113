//! 巡查发现 and what they became: open findings with their 24-hour clock (PAT-5), work orders
//! for engineering (REP-8), the cleaning inspection record for environment (PAT-4) and the
//! decoration violation drafts for the supervisor (VIO-10). Each step is one tap and a note.

use super::calendar;
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::patrol::{
    self, CleaningCheck, Finding, FindingKind, FindingRow, FindingStatus, ViolationDraft,
};
use crate::domain::view::Row;
use crate::domain::workorder::{self as wo, PatrolOrderRow, WorkOrder, WorkOrderStatus};
use crate::store::{Filter, Query};
use crate::ui::components::people::{everyone, name_of, People};
use crate::ui::components::print::OnDemand;
use crate::ui::components::Thumb;
use crate::ui::components::{paged_total, stacked, Empty, LoadMore, Sheet, SlaBadge, PAGE};
use crate::ui::i18n::t;
use crate::ui::platform::{format_time, now_ms};
use crate::ui::state::{app, submit, tx, utc_offset};
use leptos::prelude::*;

/// A step on a listed record. The lists hold rows (issue 19); the step reads the full record
/// when it is tapped ([`load`]) and hands it to the domain command.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    OwnerTold,
    Handle,
    Acknowledge,
    Take,
    Arrive,
    Complete,
    Rectify,
    File,
}

/// The full record a step acts on.
#[derive(Clone, Debug, PartialEq)]
enum Rec {
    Finding(Finding),
    Order(Box<WorkOrder>),
    Cleaning(CleaningCheck),
    Draft(ViolationDraft),
}

impl Step {
    fn label(self) -> &'static str {
        match self {
            Step::OwnerTold => "pat.do.owner_told",
            Step::Handle => "pat.do.handle",
            Step::Acknowledge => "pat.do.ack",
            Step::Take => "pat.do.take",
            Step::Arrive => "pat.do.arrive",
            Step::Complete => "pat.do.complete",
            Step::Rectify => "pat.do.rectify",
            Step::File => "pat.do.file",
        }
    }
    fn needs_note(self) -> bool {
        !matches!(self, Step::Acknowledge | Step::Take | Step::Arrive)
    }
    fn testid(self) -> &'static str {
        match self {
            Step::OwnerTold => "do-owner-told",
            Step::Handle => "do-handle",
            Step::Acknowledge => "do-ack",
            Step::Take => "do-take",
            Step::Arrive => "do-arrive",
            Step::Complete => "do-complete",
            Step::Rectify => "do-rectify",
            Step::File => "do-file",
        }
    }
}

/// The full record of a tapped step.
async fn load(step: Step, id: RecordId) -> Option<Rec> {
    let a = app();
    match step {
        Step::OwnerTold | Step::Handle | Step::Acknowledge => {
            a.get::<Finding>(id).await.ok().flatten().map(Rec::Finding)
        }
        Step::Take | Step::Arrive | Step::Complete => a
            .get::<WorkOrder>(id)
            .await
            .ok()
            .flatten()
            .map(|w| Rec::Order(Box::new(w))),
        Step::Rectify => a
            .get::<CleaningCheck>(id)
            .await
            .ok()
            .flatten()
            .map(Rec::Cleaning),
        Step::File => a
            .get::<ViolationDraft>(id)
            .await
            .ok()
            .flatten()
            .map(Rec::Draft),
    }
}

/// The tab's reads, one query each: public-facility orders (REP-8) and open findings
/// (PAT-4/PAT-5), each a page by key; cleaning records still to rectify and violation drafts
/// still to file, by status; this month's cleaning records for the printed form (PAT-4).
struct Reads {
    orders: Query,
    findings: Query,
    cleaning: Query,
    drafts: Query,
    month: String,
    this_month: Query,
}

fn reads() -> Reads {
    let range = |family| {
        let (from, to) = crate::domain::view::family_range(family);
        Filter::Range(from, to)
    };
    let month = crate::domain::calendar::month_key(now_ms());
    Reads {
        orders: Query::new(RecordKind::WorkOrder, range(wo::PATROL_OPEN)),
        findings: Query::new(RecordKind::PatrolFinding, range(patrol::FINDINGS_OPEN)),
        cleaning: Query::new(RecordKind::CleaningCheck, Filter::Status("open".into())),
        drafts: Query::new(RecordKind::ViolationDraft, Filter::Status("draft".into())),
        this_month: Query::new(
            RecordKind::CleaningCheck,
            Filter::Prefix(patrol::cleaning_month_key(&month)),
        ),
        month,
    }
}

/// What 巡查 › 今日 reads ahead (issue 19): this tab's reads as it makes them on arrival.
pub(super) fn read_ahead() -> Vec<crate::ui::ahead::Read> {
    use crate::ui::ahead::{page, Read};
    let r = reads();
    let mut v = page(&r.orders, PAGE).to_vec();
    v.extend(page(&r.findings, PAGE));
    v.extend([r.cleaning, r.drafts, r.this_month].map(Read::Rows));
    v
}

type Cleaning = Vec<(RecordId, CleaningCheck)>;
/// Cleaning records to rectify and violation drafts to file, newest first, and the month's
/// printed cleaning records by date.
type Data = (
    Cleaning,
    Vec<(RecordId, ViolationDraft)>,
    (String, Cleaning),
);

fn data_of(month: String, [cleaning, drafts, printed]: [Vec<Row>; 3]) -> Data {
    use crate::ui::state::decode_rows;
    let newest = |mut v: Vec<Row>| {
        v.sort_by_key(|r| std::cmp::Reverse(r.created));
        v
    };
    let mut printed: Cleaning = decode_rows(printed);
    printed.sort_by_key(|(_, c)| c.found_at);
    (
        decode_rows(newest(cleaning)),
        decode_rows(newest(drafts)),
        (month, printed),
    )
}

#[component]
pub fn FindingsTab() -> impl IntoView {
    use crate::ui::ahead::{rows, rows_now};
    use crate::ui::state::{loader_held, page_now, page_rows};
    // Four lists on one tab (issue 19): the first shows its page at once, the others as they
    // scroll near — the tab built 80 rows, with the findings' photos, before.
    let (shown_orders, shown_findings, shown_cleaning, shown_drafts) =
        (RwSignal::new(PAGE), stacked(), stacked(), stacked());
    // Issue 19: pages by key with counts from the index — never every open order or finding
    // of five years, nor the household orders of 报修. What 今日 read ahead is in the tab's
    // first render.
    let r = reads();
    let orders = loader_held(page_now(&r.orders, PAGE), move || {
        let n = shown_orders.get();
        async move {
            let page = page_rows::<PatrolOrderRow>(&reads().orders, n).await;
            // Issue 19: the benchmark splits "tab → rendered" by this mark and `ed-pat-data`.
            crate::ui::platform::mark("ed-pat-orders");
            page
        }
    });
    let findings = loader_held(page_now(&r.findings, 0), move || {
        let n = shown_findings.get();
        async move { page_rows::<FindingRow>(&reads().findings, n).await }
    });
    let held = (|| {
        Some([
            rows_now(&r.cleaning)?,
            rows_now(&r.drafts)?,
            rows_now(&r.this_month)?,
        ])
    })();
    let data = loader_held(held.map(|rows| data_of(r.month, rows)), || async {
        // Issue 19: the reads sent together, one wait.
        let r = reads();
        let (cleaning, drafts, printed) =
            futures::future::join3(rows(&r.cleaning), rows(&r.drafts), rows(&r.this_month)).await;
        crate::ui::platform::mark("ed-pat-data");
        data_of(r.month, [cleaning, drafts, printed])
    });
    // Names only (the printed record may name former staff).
    let people = everyone();
    let step = RwSignal::new(None::<(Step, RecordId, Rec)>);
    let open = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let printing = OnDemand::new();
    let ask = move |s: Step, id: RecordId| {
        leptos::task::spawn_local(async move {
            if let Some(rec) = load(s, id).await {
                note.set(String::new());
                step.set(Some((s, id, rec)));
                open.set(true);
            }
        });
    };
    let run = move |_| {
        let Some((s, id, rec)) = step.get_untracked() else {
            return;
        };
        let n = note.get_untracked();
        let now = now_ms();
        let cal = calendar();
        submit(
            move |actor| match (s, rec) {
                (Step::OwnerTold, Rec::Finding(f)) => patrol::owner_told(actor, id, &f, now, &n),
                (Step::Handle, Rec::Finding(f)) => patrol::handle_finding(actor, id, &f, now, &n),
                (Step::Acknowledge, Rec::Finding(f)) => patrol::acknowledge(actor, id, &f, now),
                (Step::Take, Rec::Order(w)) => wo::take(actor, id, &w, now, &cal),
                (Step::Arrive, Rec::Order(w)) => wo::arrive(actor, id, &w, now),
                (Step::Complete, Rec::Order(w)) => wo::complete(actor, id, &w, now, &n),
                (Step::Rectify, Rec::Cleaning(c)) => {
                    patrol::rectify_cleaning(actor, id, &c, now, &n)
                }
                (Step::File, Rec::Draft(v)) => patrol::file_violation(actor, id, &v, now, &n),
                // `load` reads the record kind of the step.
                _ => Ok(Vec::new()),
            },
            Text::new("已保存", "Saved"),
            move || open.set(false),
        );
    };
    let btn = move |s: Step, id: RecordId| {
        let label = s.label();
        let tid = s.testid();
        view! { <button class="btn primary" data-testid=tid on:click=move |_| ask(s, id)>{move || t(label)}</button> }
    };
    view! {
        <div class="no-print">
        {move || orders.get().map(|(n, orders)| {
            let now = now_ms();
            let more = paged_total(shown_orders, orders.len(), n);
            view! {
                <section class="card">
                    <h2>{move || t("pat.wo.title")}" "<span class="muted">{n}</span></h2>
                    {if orders.is_empty() { view! { <Empty text=Signal::derive(move || t("common.none").to_string())/> }.into_any() } else {
                        view! { <ul class="flist">{orders.into_iter().map(|(id, w)| {
                            let clock = w.clock;
                            let report = w.report;
                            let s = match w.status {
                                WorkOrderStatus::Opened => Some(Step::Take),
                                WorkOrderStatus::Notified => Some(Step::Arrive),
                                WorkOrderStatus::OnSite => Some(Step::Complete),
                                _ => None,
                            };
                            let st = w.status;
                            view! {
                                <li class="frow" data-testid="wo-row">
                                    <div class="row-main">
                                        <strong>{w.description}</strong>
                                        <span class="muted">{w.location}" · "{move || tx(&st.label())}" · "{move || name_of(&people, w.assignee)}</span>
                                        <span class="clocks">
                                            {clock.map(|c| view! { <SlaBadge state=c.state(now)/><span class="muted">{move || tx(&c.name)}" "{format_time(c.deadline, utc_offset())}</span> })}
                                            {report.map(|name| view! { <span class="muted">" · "{move || tx(&name)}</span> })}
                                        </span>
                                    </div>
                                    {s.map(|s| btn(s, id))}
                                </li>
                            }
                        }).collect_view()}
                        <LoadMore shown=shown_orders total=more/></ul> }.into_any()
                    }}
                </section>
            }
        })}
        {move || findings.get().map(|(n, findings)| {
            let now = now_ms();
            let more = paged_total(shown_findings, findings.len(), n);
            view! {
                <section class="card">
                    <h2>{move || t("pat.f.title")}" "<span class="muted">{n}</span></h2>
                    {if n == 0 { view! { <Empty text=Signal::derive(move || t("common.none").to_string())/> }.into_any() } else {
                        view! { <ul class="flist">{findings.into_iter().map(|(id, f)| {
                            let kind = f.kind;
                            let clock = f.clock;
                            let s = if f.routed { None } else {
                                Some(match (kind, f.status) {
                                    (FindingKind::HomeHazard, FindingStatus::Open) => Step::OwnerTold,
                                    (FindingKind::Disturbance, FindingStatus::Open) => Step::Acknowledge,
                                    _ => Step::Handle,
                                })
                            };
                            let st = f.status;
                            view! {
                                <li class="frow" data-testid="finding-row">
                                    <span class="chip">{move || tx(&kind.label())}</span>
                                    <div class="row-main">
                                        <strong>{f.note}</strong>
                                        <span class="muted">{f.location}" · "{move || tx(&st.label())}" · "{move || name_of(&people, f.assignee)}</span>
                                        <span class="clocks">{clock.map(|c| view! { <SlaBadge state=c.state(now)/><span class="muted">{move || tx(&c.name)}" "{format_time(c.deadline, utc_offset())}</span> })}</span>
                                        <div class="photos small">{f.photos.into_iter().map(|p| view! { <Thumb photo=p/> }).collect_view()}</div>
                                    </div>
                                    {s.map(|s| btn(s, id))}
                                </li>
                            }
                        }).collect_view()}
                        <LoadMore shown=shown_findings total=more/></ul> }.into_any()
                    }}
                </section>
            }
        })}
        {move || data.get().map(|(open_cleaning, drafts, _)| {
            view! {
                <section class="card">
                    <div class="section-head">
                        <h2>{move || t("pat.c.title")}" "<span class="muted">{open_cleaning.len()}</span></h2>
                        <button class="btn" data-testid="print-cleaning" on:click=move |_| printing.print()>{move || t("pat.print")}</button>
                    </div>
                    {
                        let n = open_cleaning.len();
                        view! {
                            <ul class="flist">{move || open_cleaning.iter().take(shown_cleaning.get()).map(|(id, c)| view! {
                                <li class="frow" data-testid="cleaning-row">
                                    <div class="row-main"><strong>{c.problem.clone()}</strong><span class="muted">{c.location.clone()}" · "{format_time(c.found_at, utc_offset())}</span></div>
                                    {btn(Step::Rectify, *id)}
                                </li>
                            }).collect_view()}
                            <LoadMore shown=shown_cleaning total=Signal::derive(move || n)/></ul>
                        }
                    }
                </section>
                <section class="card">
                    <h2>{move || t("pat.v.title")}" "<span class="muted">{drafts.len()}</span></h2>
                    {
                        let n = drafts.len();
                        view! {
                            <ul class="flist">{move || drafts.iter().take(shown_drafts.get()).map(|(id, v)| view! {
                                <li class="frow" data-testid="violation-row">
                                    <div class="row-main"><strong>{v.description.clone()}</strong><span class="muted">{v.location.clone()}" · "{format_time(v.found_at, utc_offset())}</span></div>
                                    {super::may(crate::domain::roles::Action::ManagePatrolRoutes).then(|| btn(Step::File, *id))}
                                </li>
                            }).collect_view()}
                            <LoadMore shown=shown_drafts total=Signal::derive(move || n)/></ul>
                        }
                    }
                </section>
            }
        })}
        </div>
        // Built when printed: the month's rows were built, hidden, on every visit before.
        {move || printing.wanted().then(|| data.get().map(|(_, _, (month, printed))| view! { <CleaningRecord month=month rows=printed people=people/> }))}
        <Sheet title=Signal::derive(move || step.get().map(|(s, ..)| t(s.label()).to_string()).unwrap_or_default()) open=open>
            <Show when=move || step.get().is_some_and(|(s, ..)| s.needs_note())>
                <label class="field">
                    <span class="field-label">{move || t("pat.step_note")}</span>
                    <textarea data-testid="step-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </label>
            </Show>
            <button class="btn primary big" data-testid="step-save" on:click=run>{move || t("common.save")}</button>
        </Sheet>
    }
}

/// 清洁工作检查记录表 (seed 002 §3.3) of one month, printed on A4 with the environment lead's
/// signature.
#[component]
fn CleaningRecord(
    month: String,
    rows: Vec<(RecordId, CleaningCheck)>,
    people: People,
) -> impl IntoView {
    let name =
        move |id: Option<RecordId>| id.map(|id| name_of(&people, Some(id))).unwrap_or_default();
    let estate = crate::ui::state::ctx()
        .estate
        .get_untracked()
        .map(|e| e.name)
        .unwrap_or_default();
    view! {
        <section class="print-only a4" data-testid="cleaning-print">
            <h1 class="print-title">{estate}" 清洁工作检查记录表 "{month}</h1>
            <table class="print-table">
                <thead><tr><th>"日期"</th><th>"检查地点"</th><th>"存在问题"</th><th>"检查人"</th><th>"整改情况"</th><th>"整改时间"</th><th>"环境部签名"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|(_, c)| view! {
                        <tr>
                            <td>{format_time(c.found_at, utc_offset())}</td>
                            <td>{c.location.clone()}</td>
                            <td>{c.problem.clone()}</td>
                            <td>{let by = c.found_by; move || name(by)}</td>
                            <td>{c.rectified.as_ref().map(|r| r.1.clone()).unwrap_or_default()}</td>
                            <td>{c.rectified.as_ref().map(|r| format_time(r.0, utc_offset())).unwrap_or_default()}</td>
                            <td></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="sign-line">"检查人：__________　　环境部主管：__________　　日期：__________"</p>
        </section>
    }
}

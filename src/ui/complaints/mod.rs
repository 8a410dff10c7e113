//! 投诉·回访·求助 — complaints (SOP §3), callbacks (§4) and help requests (§10): the list,
//! the register form, a complaint's detail with every step, the callback queue, help requests
//! with the medical checklists, and the monthly report. Every rule is in
//! `domain::complaints`; these pages only collect input and show state.

mod callbacks;
mod detail;
mod forum;
mod help;
mod register;
mod report;
pub mod strings;

use super::components::PAGE;
use super::i18n::t;
use super::platform::{format_time, now_ms};
use super::state::{app, ctx, go, loader, tx, utc_offset, CmpTab, Page};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::complaints::{
    escalation_candidates, escalation_range, escalations_due, month_of, Class, Complaint,
    ComplaintRow, ComplaintSettings, ListPage, Status,
};
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::Action;
use crate::store::{Filter, Query, Store};
use leptos::prelude::*;

/// Settings in force (calendar and this module's limits).
pub(super) fn settings() -> (BusinessCalendar, ComplaintSettings) {
    ctx()
        .estate
        .get_untracked()
        .map(|e| (e.settings.calendar, e.settings.complaints))
        .unwrap_or_default()
}

pub(super) fn may(a: Action) -> bool {
    ctx().session.get().is_some_and(|s| s.may(a))
}

pub(super) fn me() -> Option<StaffId> {
    ctx().session.get_untracked().map(|s| s.id)
}

pub(super) fn when(ms: i64) -> String {
    format_time(ms, utc_offset())
}

pub(super) use crate::ui::components::people::{name_of, people, People};

pub(super) fn class_chip(c: Option<Class>) -> &'static str {
    match c {
        Some(Class::Major) => "chip cmp-major",
        Some(Class::Important) => "chip cmp-important",
        _ => "chip",
    }
}

/// Open complaints (registered, dispatched, in progress), from the status index: never
/// every complaint of five years (issue 7).
pub(super) async fn open_complaints() -> Vec<(RecordId, Complaint)> {
    let a = app();
    let [r, d, p] = open_queries();
    let (r, d, p) = futures::future::join3(a.query(&r), a.query(&d), a.query(&p)).await;
    [r, d, p]
        .into_iter()
        .flat_map(Result::unwrap_or_default)
        .filter_map(|v| Some((v.id, v.state::<Complaint>()?)))
        .collect()
}

/// One query per open status (registered, dispatched, in progress: the status index).
fn open_queries() -> [Query; 3] {
    Status::OPEN.map(|s| Query::new(RecordKind::Complaint, Filter::Status(s.key().into())))
}

/// CMP-3: complaints open a month become major — applied when the list is opened, by whoever
/// is signed in (the rule, not a person, decides; the event says so). The sweep reads the open
/// complaints whose month has run out, found by their `cmpesc|` keys
/// (issue 19: none of the other open complaints is read); only those are read in full, where
/// [`escalations_due`] decides.
async fn sweep_escalations() {
    use crate::ui::state::list_rows;
    let now = now_ms();
    let (from, to) = escalation_range(now);
    let rows: Vec<(RecordId, ComplaintRow)> =
        list_rows(&Query::new(RecordKind::Complaint, Filter::Range(from, to))).await;
    let ids = escalation_candidates(now, &rows);
    let refs: Vec<RecordRef> = ids
        .iter()
        .map(|id| RecordRef::new(RecordKind::Complaint, *id))
        .collect();
    let views = app().store.views_of(&refs).await.unwrap_or_default();
    let due: Vec<(RecordId, Complaint)> = ids
        .into_iter()
        .zip(views)
        .filter_map(|(id, v)| Some((id, v?.state::<Complaint>()?)))
        .collect();
    crate::ui::platform::mark("ed-cmp-sweep-read");
    let drafts = escalations_due(now, &due);
    let n = drafts.len();
    let wrote = n > 0 && app().record(now_ms(), me(), drafts).await.is_ok();
    // For the benchmark (issue 19): how much the sweep read and wrote on this visit.
    crate::ui::platform::figures(
        "__edCmpSweep",
        &[
            rows.len() as f64,
            refs.len() as f64,
            n as f64,
            f64::from(u8::from(wrote)),
        ],
    );
    if wrote {
        super::state::bump();
    }
}

#[component]
pub fn Complaints(tab: CmpTab) -> impl IntoView {
    let tabs = [
        (CmpTab::List, "cmp.tab.list", "cmp-tab-list"),
        (CmpTab::Register, "cmp.tab.register", "cmp-tab-register"),
        (CmpTab::Callbacks, "cmp.tab.callbacks", "cmp-tab-callbacks"),
        (CmpTab::Help, "cmp.tab.help", "cmp-tab-help"),
        (CmpTab::Report, "cmp.tab.report", "cmp-tab-report"),
    ];
    let body = match tab {
        CmpTab::List => view! { <ComplaintList/> }.into_any(),
        CmpTab::Register => view! { <register::RegisterForm/> }.into_any(),
        CmpTab::Callbacks => view! { <callbacks::CallbackQueue/><forum::ForumCard/> }.into_any(),
        CmpTab::Help => view! { <help::HelpPage/> }.into_any(),
        CmpTab::Report => view! { <report::MonthlyReport/> }.into_any(),
    };
    view! {
        <div class="page cmp" data-testid="complaints">
            <nav class="reg-tabs cmp-tabs" role="tablist">
                {tabs.into_iter().filter(|(w, _, _)| *w != CmpTab::Report || may(Action::ViewComplaintReport)).map(|(which, key, testid)| {
                    let active = which == tab;
                    view! {
                        <button class=if active { "reg-tab active" } else { "reg-tab" } role="tab"
                            aria-selected=if active { "true" } else { "false" } data-testid=testid
                            on:click=move |_| go(Page::Complaints(which))>
                            {move || t(key)}
                        </button>
                    }
                }).collect_view()}
            </nav>
            {body}
        </div>
    }
}

/// Filters of the list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListFilter {
    Open,
    Mine,
    Done,
    All,
}

impl ListFilter {
    fn key(self) -> &'static str {
        match self {
            ListFilter::Open => "open",
            ListFilter::Mine => "mine",
            ListFilter::Done => "done",
            ListFilter::All => "all",
        }
    }
}

/// The list's query for one filter (its keys sort newest first: a page is its first keys).
fn list_query(page: ListPage) -> Query {
    let (from, to) = page.range();
    Query::new(RecordKind::Complaint, Filter::Range(from, to))
}

/// The open complaints' first page, as the list reads it on arrival: 我的待办 reads it ahead
/// (issue 19), the tab the desk opens most from there.
pub(crate) fn read_ahead() -> Vec<crate::ui::ahead::Read> {
    crate::ui::ahead::page(&list_query(ListPage::Open), PAGE).to_vec()
}

#[component]
fn ComplaintList() -> impl IntoView {
    // Issue 19: the benchmark splits "nav → first row" by these marks.
    crate::ui::platform::mark("ed-cmp-mount");
    let c = ctx();
    let filter = RwSignal::new(ListFilter::Open);
    let opened = RwSignal::new(super::state::take_focus(RecordKind::Complaint));
    // Closed and "all" lists are one month at a time (the month-and-status index key).
    let month = RwSignal::new(month_of(now_ms()));
    // Windowed (issue 19): one page of rows, the next on scroll; a new filter starts again.
    let shown = RwSignal::new(PAGE);
    // The open page read ahead on 我的待办 (issue 19) is in the list's first render.
    let ahead = crate::ui::state::page_now::<ComplaintRow>(&list_query(ListPage::Open), PAGE).map(
        |(total, v)| {
            crate::ui::platform::mark("ed-cmp-rows");
            (ListFilter::Open, total, v)
        },
    );
    // The benchmark's "rows read" is when the rows were in hand: at mount when read ahead, not
    // when the loader's first run finds the same rows again.
    let read_ahead = StoredValue::new(ahead.is_some());
    // Read while the list is looked at (issue 19): every other filter's first page, so a
    // filter tapped renders from rows in hand (全部 waited for its month's read, 42–54 ms at
    // 4×), then the 回访 tab's beside it. What is kept already is not read again.
    crate::ui::ahead::when_idle(move || {
        let m = month.get_untracked();
        let me = c.session.get_untracked().map(|s| s.id).unwrap_or_default();
        let mut reads: Vec<_> = [ListPage::All(&m), ListPage::Done(&m), ListPage::Mine(me)]
            .into_iter()
            .flat_map(|p| crate::ui::ahead::page(&list_query(p), PAGE))
            .collect();
        reads.extend(callbacks::read_ahead());
        reads
    });
    let rows = crate::ui::state::loader_held(ahead, move || {
        let f = filter.get();
        let m = month.get();
        let n = shown.get();
        let me = c.session.get_untracked().map(|s| s.id).unwrap_or_default();
        async move {
            // A page by key (issue 19): each filter's search keys sort newest first, so the
            // first `n` keys are the rows shown — read with the filter's count from the index,
            // never the month's (or five years' open) every row.
            let page = match f {
                ListFilter::Open => ListPage::Open,
                ListFilter::Mine => ListPage::Mine(me),
                ListFilter::Done => ListPage::Done(&m),
                ListFilter::All => ListPage::All(&m),
            };
            let (total, v) =
                crate::ui::state::page_rows::<ComplaintRow>(&list_query(page), n).await;
            if !read_ahead.get_value() {
                crate::ui::platform::mark("ed-cmp-rows");
            }
            read_ahead.set_value(false);
            (f, total, v)
        }
    });
    // The CMP-3 escalation sweep: once per visit, once the list's first rows are shown, beside
    // the list, never before it. A sweep that escalates bumps the list.
    let swept = StoredValue::new(false);
    Effect::new(move |_| {
        if rows.with(Option::is_none) || swept.get_value() {
            return;
        }
        swept.set_value(true);
        leptos::task::spawn_local(sweep_escalations());
    });
    let people = people();
    let list = move || {
        // The filter the rows were loaded for (a new one loads asynchronously): the list says
        // which it shows, so nothing is tapped in a list about to be replaced.
        let Some((f, total, items)) = rows.get() else {
            return ().into_any();
        };
        let now = now_ms();
        let more = super::components::paged_total(shown, items.len(), total);
        if items.is_empty() {
            // Closed and "all" lists show one month: say so, or an empty month looks like no data.
            let key = match f {
                ListFilter::Done | ListFilter::All => "cmp.list.empty_month",
                _ => "cmp.list.empty",
            };
            return view! { <div class="card"><p class="empty" data-testid="cmp-empty">{move || t(key)}</p></div> }.into_any();
        }
        view! {
            <section class="card list cmp-list" data-testid="cmp-list" data-filter=f.key()>
                {items.into_iter().map(|(id, x)| {
                    let clock = x.clock;
                    let status = x.status;
                    let class = x.class;
                    let anonymous = x.anonymous;
                    let subject = x.subject.map(|s| s.label());
                    let dept = x.department.map(|d| d.label());
                    let place = x.place;
                    let what = x.what;
                    let what_attr = what.clone();
                    let received = x.received;
                    let handler = x.handler;
                    let linked = status == Status::Linked;
                    view! {
                        <button class="row cmp-row" data-testid="cmp-row" data-status=status.key() data-what=what_attr
                            on:click=move |_| opened.set(Some(id))>
                            <span class="cmp-when">
                                <strong>{when(received).get(5..10).unwrap_or_default().to_string()}</strong>
                                <small>{when(received).get(11..).unwrap_or_default().to_string()}</small>
                            </span>
                            <span class="row-main">
                                <span class="chips">
                                    {subject.map(|s| view! { <span class="chip dept">{move || tx(&s)}</span> })}
                                    {class.map(|k| view! { <span class=class_chip(Some(k))>{move || tx(&k.label())}</span> })}
                                    {anonymous.then(|| view! { <span class="chip off">{move || t("cmp.anonymous")}</span> })}
                                    {linked.then(|| view! { <span class="chip off">{move || t("cmp.linked")}</span> })}
                                </span>
                                <strong class="cmp-what">{what}</strong>
                                <span class="muted">
                                    {if anonymous { String::new() } else { place }}
                                    {dept.map(|d| view! { " · "{move || tx(&d)} })}
                                    {move || handler.map(|h| format!(" · {}", name_of(&people, Some(h))))}
                                </span>
                            </span>
                            <span class="row-side cmp-side">
                                <span class=format!("cmp-status s-{}", status.key())>{move || tx(&status.label())}</span>
                                {clock.map(|k| view! { <super::components::SlaBadge state=k.state(now)/> })}
                            </span>
                        </button>
                    }
                }).collect_view()}
                <super::components::LoadMore shown=shown total=more/>
            </section>
        }
        .into_any()
    };
    let months: Vec<String> = crate::domain::complaints::report::recent_months(
        BusinessCalendar::default().local_date(now_ms()),
    )
    .into_iter()
    .map(|(y, m)| format!("{y}-{m:02}"))
    .collect();
    let months = StoredValue::new(months);
    let chips = [
        (ListFilter::Open, "cmp.f.open"),
        (ListFilter::Mine, "cmp.f.mine"),
        (ListFilter::Done, "cmp.f.done"),
        (ListFilter::All, "cmp.f.all"),
    ];
    view! {
        <Show when=move || opened.get().is_none() fallback=move || view! {
            <detail::ComplaintDetail id=opened.get().unwrap_or_default() back=Callback::new(move |_| opened.set(None))/>
        }>
            <div class="page-head">
                <h1 class="page-title">{move || t("cmp.list.title")}</h1>
                <button class="btn primary" data-testid="cmp-new" on:click=move |_| go(Page::Complaints(CmpTab::Register))>
                    "＋ "{move || t("cmp.new")}
                </button>
            </div>
            <div class="cmp-filters">
                <div class="seg cmp-filter" role="radiogroup">
                    {chips.into_iter().map(|(f, key)| view! {
                        <button class=move || if filter.get() == f { "seg-btn on" } else { "seg-btn" }
                            data-testid=format!("cmp-filter-{key}") on:click=move |_| { shown.set(PAGE); filter.set(f) }>{move || t(key)}</button>
                    }).collect_view()}
                </div>
                <Show when=move || matches!(filter.get(), ListFilter::Done | ListFilter::All)>
                    <select class="cmp-month" data-testid="cmp-month" aria-label=move || t("cmp.list.month")
                        on:change=move |ev| { shown.set(PAGE); month.set(event_target_value(&ev)) }>
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

/// CMP-4 / HELP-2 limits on the settings page (the Director's).
#[component]
pub fn SettingsCard() -> impl IntoView {
    use crate::domain::estate;
    use crate::ui::components::NumberField;
    let c = ctx();
    let cur = move || c.estate.get_untracked().unwrap_or_default().settings;
    let general = RwSignal::new((cur().complaints.contact_general_minutes / 60).to_string());
    let urgent = RwSignal::new(cur().complaints.contact_urgent_minutes.to_string());
    let help = RwSignal::new(cur().complaints.help_reply_minutes.to_string());
    let is_director = move || {
        c.session
            .get()
            .is_some_and(|s| s.may(Action::ChangeSettings))
    };
    let save = move |_| {
        let (Ok(g), Ok(u), Ok(h)) = (
            general.get_untracked().trim().parse::<i64>(),
            urgent.get_untracked().trim().parse::<i64>(),
            help.get_untracked().trim().parse::<i64>(),
        ) else {
            crate::ui::state::toast_err(crate::ui::i18n::t_untracked("cmp.set.numbers"));
            return;
        };
        let mut s = cur();
        s.complaints = ComplaintSettings {
            contact_general_minutes: g * 60,
            contact_urgent_minutes: u,
            help_reply_minutes: h,
        };
        super::state::submit(
            move |a| estate::change_settings(a, s),
            crate::domain::i18n::Text::new("设置已保存", "Settings saved"),
            move || {
                leptos::task::spawn_local(async move {
                    c.estate.set(app().estate().await.ok().flatten());
                })
            },
        );
    };
    view! {
        <Show when=is_director>
            <section class="card" data-testid="cmp-settings">
                <h2>{move || t("cmp.set.title")}</h2>
                <div class="row2">
                    <NumberField label=Signal::derive(|| t("cmp.set.general").to_string()) value=general testid="cmp-set-general"/>
                    <NumberField label=Signal::derive(|| t("cmp.set.urgent").to_string()) value=urgent testid="cmp-set-urgent"/>
                </div>
                <NumberField label=Signal::derive(|| t("cmp.set.help").to_string()) value=help testid="cmp-set-help"/>
                <button class="btn primary" data-testid="cmp-set-save" on:click=save>{move || t("common.save")}</button>
            </section>
        </Show>
    }
}

/// Overdue items the supervisor's card lists (the count covers them all).
const SUPERVISOR_SHOWN: usize = 6;

/// What the supervisor's card shows: complaints to classify, how many are overdue, and the
/// earliest overdue complaints and callbacks.
pub type SupervisorData = (u32, usize, Vec<(String, crate::domain::sla::Clock)>);

/// The supervisor's card's name on 我的待办 (its read ahead and its mark, issue 19).
pub const SUPERVISOR_CARD: &str = "ed-home-supervisor";

/// The supervisor's card's read for `who` (sign-in reads it ahead, issue 19).
pub async fn supervisor_read(who: crate::domain::command::Actor) -> SupervisorData {
    // Nothing is read for whom the card is not shown.
    if who.may(Action::DispatchComplaint).is_err() {
        return (0, 0, Vec::new());
    }
    let a = app();
    let now = now_ms();
    // Issue 19: counted from the index and only the earliest read, never every open
    // complaint or every due callback of five years — the ones to classify by the status
    // index, overdue complaints (CMP-4) by their `cmpdue|<deadline>` keys, overdue
    // callbacks (CB-1) by their `cbdue|<deadline>` keys; the card shows six.
    let registered = Query::new(
        RecordKind::Complaint,
        Filter::Status(Status::Registered.key().into()),
    );
    let (from, to) = crate::domain::complaints::overdue_range(now);
    let complaints = Query::new(RecordKind::Complaint, Filter::Range(from, to));
    let (from, to) = crate::domain::callbacks::overdue_range(now);
    let callbacks = Query::new(RecordKind::Callback, Filter::Range(from, to));
    let first = |q: &Query| q.clone().limit(SUPERVISOR_SHOWN as u32);
    // Every read is sent before any is awaited: the card waits once, not five times in a
    // row behind the other cards' reads (it was the last card of sign-in).
    use futures::future::{join, join3};
    let ((to_classify, cmp_late, cb_late), (cmp_first, cb_first)) = join(
        join3(
            a.store.count(&registered),
            a.store.count(&complaints),
            a.store.count(&callbacks),
        ),
        join(
            a.store.rows(&first(&complaints)),
            a.store.rows(&first(&callbacks)),
        ),
    )
    .await;
    let to_classify = to_classify.unwrap_or(0);
    let total = (cmp_late.unwrap_or(0) + cb_late.unwrap_or(0)) as usize;
    let mut late: Vec<(String, crate::domain::sla::Clock)> = [cmp_first, cb_first]
        .into_iter()
        .flat_map(Result::unwrap_or_default)
        .filter_map(|v| Some((v.title, v.clock?)))
        .collect();
    late.sort_by_key(|(_, k)| k.deadline);
    late.truncate(SUPERVISOR_SHOWN);
    (to_classify, total, late)
}

/// On the supervisor's and director's 我的待办: complaints waiting to be classified and every
/// overdue complaint or callback clock, whoever holds it (issue 3: "overdue clocks show on the
/// handler's and supervisor's home screens").
#[component]
pub fn SupervisorPanel() -> impl IntoView {
    use crate::domain::sla::SlaState;
    let rows = loader(|| crate::ui::ahead::my_card(SUPERVISOR_CARD, supervisor_read));
    view! {
        <Show when=move || may(Action::DispatchComplaint)>
            <section class="card cmp-sup" data-testid="cmp-supervisor">
                <div class="page-head">
                    <h2>{move || t("cmp.sup.title")}</h2>
                    <button class="btn small" on:click=move |_| go(Page::Complaints(CmpTab::List))>{move || t("cmp.sup.open")}</button>
                </div>
                {move || rows.get().map(|(n, total, late)| {
                    view! {
                        <div class="stats">
                            <div class="stat"><span class="stat-n">{n}</span><span class="stat-l">{move || t("cmp.sup.to_classify")}</span></div>
                            <div class="stat"><span class="stat-n" data-testid="cmp-sup-overdue">{total}</span><span class="stat-l">{move || t("cmp.sup.overdue")}</span></div>
                        </div>
                        <div class="todo-list">
                            {late.into_iter().map(|(title, k)| {
                                let name = k.name.clone();
                                view! {
                                    <div class="todo-item">
                                        <super::components::SlaBadge state=SlaState::Overdue/>
                                        <div class="todo-text"><strong>{title}</strong>
                                            <span class="muted">{move || tx(&name)}" · "{move || t("home.due")}" "{when(k.deadline)}</span></div>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    }
                })}
            </section>
        </Show>
    }
}

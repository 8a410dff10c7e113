//! 纠正措施 (CMP-12, QUAL-1; issue 18): one card for every area that finds a problem to
//! correct — the complaints analysis' recurring subjects, the survey's items under 85 % — and
//! the list of actions under way. Rules in `domain::corrective`; the area passes the source and
//! the problem it checked.

use crate::domain::corrective::{self, source_key, CorrectiveAction, CorrectiveSource, Status};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::roles::{Action, Role};
use crate::domain::sla::SlaState;
use crate::store::{Filter, Query};
use crate::ui::components::people::{name_of, people, People};
use crate::ui::components::SlaBadge;
use crate::ui::i18n::t;
use crate::ui::platform::{format_time, now_ms};
use crate::ui::state::{app, ctx, loader, submit, tx, utc_offset};
use leptos::prelude::*;

fn may(a: Action) -> bool {
    ctx().session.get().is_some_and(|s| s.may(a))
}

fn cal() -> crate::domain::calendar::BusinessCalendar {
    crate::ui::duty::calendar()
}

fn today() -> chrono::NaiveDate {
    cal().local_date(now_ms())
}

fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

async fn of_source(source: &CorrectiveSource) -> Vec<(RecordId, CorrectiveAction)> {
    let mut v: Vec<(RecordId, CorrectiveAction)> = app()
        .query(&Query::new(
            RecordKind::CorrectiveAction,
            Filter::Prefix(source_key(source)),
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<CorrectiveAction>().map(|a| (v.id, a)))
        .collect();
    v.sort_by_key(|(_, a)| a.opened.map(|o| o.0));
    v
}

/// The corrective action of one problem: the latest one with its steps, or — when there is
/// none or it is closed — "制定纠正措施" for a Supervisor or the Director.
#[component]
pub fn CorrectiveCard(source: CorrectiveSource, problem: String) -> impl IntoView {
    let src = StoredValue::new(source);
    let list = loader(move || async move { of_source(&src.get_value()).await });
    let people = people();
    let opening = RwSignal::new(false);
    let problem = StoredValue::new(problem);
    view! {
        <div class="ca-card" data-testid="ca-card">
            {move || {
                let all = list.get().unwrap_or_default();
                let latest = all.last().cloned();
                let can_open = latest.as_ref().is_none_or(|(_, a)| a.status == Status::Closed);
                view! {
                    {latest.map(|(id, a)| view! { <ActionBody id=id a=a people=people/> })}
                    {(can_open && may(Action::OpenCorrective)).then(|| if opening.get() {
                        view! { <OpenForm source=src.get_value() problem=problem.get_value() existing=all.iter().map(|(_, a)| a.clone()).collect() people=people done=move || opening.set(false)/> }.into_any()
                    } else {
                        view! { <button class="btn" data-testid="ca-open" on:click=move |_| opening.set(true)>{move || t("ca.open")}</button> }.into_any()
                    })}
                    {(can_open && all.is_empty() && !may(Action::OpenCorrective)).then(|| view! {
                        <span class="muted small">{move || t("ca.none")}</span>
                    })}
                }
            }}
        </div>
    }
}

#[component]
fn OpenForm(
    source: CorrectiveSource,
    problem: String,
    existing: Vec<CorrectiveAction>,
    people: People,
    done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let what = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let deadline = RwSignal::new((today() + chrono::Days::new(14)).to_string());
    let args = StoredValue::new((source, problem.clone(), existing));
    let save = move |_| {
        let (source, problem, existing) = args.get_value();
        let (w, o) = (what.get_untracked(), owner.get_untracked().parse().ok());
        let d = parse_date(&deadline.get_untracked());
        let id = app().new_id();
        submit(
            move |a| match d {
                Some(d) => corrective::open(
                    a,
                    id,
                    &existing,
                    source,
                    &problem,
                    &w,
                    o,
                    d,
                    &cal(),
                    now_ms(),
                ),
                None => Err(crate::domain::command::DomainError::invalid(
                    "请填写期限",
                    "Please give the deadline",
                )),
            },
            Text::new("纠正措施已下达", "Corrective action opened"),
            done,
        );
    };
    view! {
        <div class="ca-form" data-testid="ca-form">
            <p class="ca-problem">{problem}</p>
            <label class="field"><span class="field-label">{move || t("ca.action")}</span>
                <textarea class="input" rows="3" data-testid="ca-what" prop:value=move || what.get()
                    on:input=move |ev| what.set(event_target_value(&ev))></textarea>
            </label>
            <div class="ca-form-row">
                <label class="field"><span class="field-label">{move || t("ca.owner")}</span>
                    <select data-testid="ca-owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                        <option value="">{move || t("ca.choose_owner")}</option>
                        {move || people.get().unwrap_or_default().into_iter().map(|p| view! {
                            <option value=p.id.to_string()>{p.name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field"><span class="field-label">{move || t("ca.deadline")}</span>
                    <input type="date" class="input" data-testid="ca-deadline" prop:value=move || deadline.get()
                        on:change=move |ev| deadline.set(event_target_value(&ev))/>
                </label>
            </div>
            <div class="actions">
                <button class="btn ghost" on:click=move |_| done()>{move || t("common.cancel")}</button>
                <button class="btn primary" data-testid="ca-save" on:click=save>{move || t("ca.save")}</button>
            </div>
        </div>
    }
}

/// One action: status and clock, what, who, by when, its notes; the owner's and the opener's
/// buttons.
#[component]
pub fn ActionBody(id: RecordId, a: CorrectiveAction, people: People) -> impl IntoView {
    let me = ctx().session.get_untracked().map(|s| s.id);
    let now = now_ms();
    let when = |ms: i64| format_time(ms, utc_offset());
    // The clock's chip only when it matters (the status already says "under way").
    let state = a
        .running()
        .map(|c| c.state(now))
        .filter(|s| matches!(s, SlaState::Warning | SlaState::Overdue));
    let status = a.status.label();
    let rec = StoredValue::new(a.clone());
    let text = RwSignal::new(String::new());
    let back_to = RwSignal::new((today() + chrono::Days::new(7)).to_string());
    let works = a.status != Status::Closed
        && (me.is_some() && me == a.owner || may(Action::OpenCorrective));
    // A Director's action is verified by a Director (the domain refuses anyone else).
    let verifies = a.status == Status::Done
        && may(Action::OpenCorrective)
        && (a.level != Role::Director
            || ctx()
                .session
                .get_untracked()
                .is_some_and(|s| s.roles.contains(&Role::Director)));
    let run = move |which: &'static str| {
        let (a, n) = (rec.get_value(), text.get_untracked());
        let back = parse_date(&back_to.get_untracked());
        let ok = match which {
            "note" => Text::new("进展已记录", "Progress noted"),
            "done" => Text::new("已报告完成，待验证", "Reported done: awaiting verification"),
            "verify" => Text::new("已验证关闭", "Verified and closed"),
            _ => Text::new("已退回负责人", "Sent back to the owner"),
        };
        submit(
            move |actor| match which {
                "note" => corrective::note(actor, id, &a, &n, now_ms()),
                "done" => corrective::done(actor, id, &a, &n, &cal(), now_ms()),
                "verify" => corrective::verify(actor, id, &a, &n, now_ms()),
                _ => corrective::send_back(
                    actor,
                    id,
                    &a,
                    &n,
                    back.unwrap_or_else(today),
                    &cal(),
                    now_ms(),
                ),
            },
            ok,
            move || text.set(String::new()),
        );
    };
    view! {
        <div class=format!("ca-action {}", a.status.key()) data-testid="ca-action" data-status=a.status.key()>
            <div class="ca-head">
                <span class="badge due" data-testid="ca-status">{move || tx(&status)}</span>
                {state.map(|s| view! { <SlaBadge state=s/> })}
                <span class="muted small">{move || t("ca.owner")}": "<strong>{move || name_of(&people, a.owner)}</strong>
                    " · "{move || t("ca.deadline")}": "<strong>{a.deadline.map(|d| d.to_string()).unwrap_or_default()}</strong></span>
            </div>
            <p class="ca-problem">{a.problem.clone()}</p>
            <p class="ca-what" data-testid="ca-what-shown">{a.action.clone()}</p>
            <ul class="ca-notes">
                {a.opened.map(|(at, by)| view! { <li class="muted small">{move || t("ca.opened_by")}" "{move || name_of(&people, Some(by))}" · "{when(at)}</li> })}
                {a.notes.iter().cloned().map(|(at, by, n)| view! { <li><span class="muted small">{when(at)}" · "{move || name_of(&people, Some(by))}": "</span>{n}</li> }).collect_view()}
                {a.done.clone().map(|(at, by, r)| view! { <li data-testid="ca-result"><span class="muted small">{move || t("ca.result")}" · "{when(at)}" · "{move || name_of(&people, Some(by))}": "</span>{r}</li> })}
                {a.verified.clone().map(|(at, by, n)| view! { <li class="ok-text" data-testid="ca-verified"><span class="muted small">{move || t("ca.verified")}" · "{when(at)}" · "{move || name_of(&people, Some(by))}": "</span>{n}</li> })}
            </ul>
            {(works || verifies).then(|| view! {
                <div class="cmp-note-bar">
                    <input type="text" data-testid="ca-text" placeholder=move || t(if verifies { "ca.verify_ph" } else { "ca.note_ph" })
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
                    {(works && a.status == Status::Open).then(|| view! {
                        <button class="btn" data-testid="ca-note" on:click=move |_| run("note")>{move || t("ca.note")}</button>
                        <button class="btn primary" data-testid="ca-done" on:click=move |_| run("done")>{move || t("ca.done")}</button>
                    })}
                    {verifies.then(|| view! {
                        <button class="btn primary" data-testid="ca-verify" on:click=move |_| run("verify")>{move || t("ca.verify")}</button>
                        <input type="date" class="ca-date" data-testid="ca-back-date" prop:value=move || back_to.get()
                            on:change=move |ev| back_to.set(event_target_value(&ev))/>
                        <button class="btn" data-testid="ca-send-back" on:click=move |_| run("back")>{move || t("ca.send_back")}</button>
                    })}
                </div>
            })}
        </div>
    }
}

/// Every action not yet closed (under way, then awaiting verification), the one 我的待办
/// opened first.
#[component]
pub fn CorrectiveList(focus: Option<RecordId>) -> impl IntoView {
    let people = people();
    let list = loader(move || async move {
        let mut v = Vec::new();
        for status in [Status::Open, Status::Done] {
            v.extend(
                app()
                    .query(&Query::new(
                        RecordKind::CorrectiveAction,
                        Filter::Status(status.key().into()),
                    ))
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|v| v.state::<CorrectiveAction>().map(|a| (v.id, a))),
            );
        }
        v.sort_by_key(|(id, a)| (Some(*id) != focus, a.running().map(|c| c.deadline)));
        v
    });
    view! {
        <section class="card" data-testid="ca-list">
            <h2>{move || t("ca.title")}</h2>
            <p class="muted small">{move || t("ca.lead")}</p>
            {move || {
                let v = list.get().unwrap_or_default();
                if v.is_empty() {
                    return view! { <p class="muted">{move || t("ca.empty")}</p> }.into_any();
                }
                v.into_iter().map(|(id, a)| {
                    let src = a.source.as_ref().map(|s| s.label());
                    view! {
                        <div class="ca-card">
                            {src.map(|l| view! { <div class="muted small">{move || tx(&l)}</div> })}
                            <ActionBody id=id a=a people=people/>
                        </div>
                    }
                }).collect_view().into_any()
            }}
        </section>
    }
}

/// The card's strings (a shared component carries its own table, registered in `i18n::AREAS`).
pub fn pair(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "ca.title" => ("纠正措施", "Corrective actions"),
        "ca.lead" => (
            "投诉分析中重复出现的问题、满意度低于85%的项目：限期整改，负责人报告结果，下达人验证关闭",
            "Recurring complaint subjects and survey items under 85 %: corrected by a deadline, the owner reports the result, the opener verifies and closes",
        ),
        "ca.empty" => ("没有未关闭的纠正措施", "No corrective action is open"),
        "ca.open" => ("制定纠正措施", "Set a corrective action"),
        "ca.none" => ("尚未制定纠正措施", "No corrective action yet"),
        "ca.action" => ("纠正措施（做什么）", "The action (what will be done)"),
        "ca.owner" => ("负责人", "Owner"),
        "ca.choose_owner" => ("选择负责人", "Choose the owner"),
        "ca.deadline" => ("期限", "Deadline"),
        "ca.save" => ("下达", "Open the action"),
        "ca.opened_by" => ("下达：", "Opened by"),
        "ca.result" => ("整改结果", "Result"),
        "ca.verified" => ("验证", "Verified"),
        "ca.note_ph" => ("进展或整改结果", "Progress or the result"),
        "ca.verify_ph" => ("验证意见或退回原因", "Verification, or why it goes back"),
        "ca.note" => ("记录进展", "Note progress"),
        "ca.done" => ("报告完成", "Report done"),
        "ca.verify" => ("验证关闭", "Verify and close"),
        "ca.send_back" => ("退回", "Send back"),
        _ => return None,
    })
}

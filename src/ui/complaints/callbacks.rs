//! 回访 — the callback queue sorted by due time (CB-1), recording a callback by phone or on
//! site with the customer's signature (CB-2), new problems with a promised reply (CB-4), the
//! supervisor's planning and review (CB-1, CB-3), open letters (CB-5), and the printable
//! 回访记录表.

use super::{may, name_of, people, when, People};
use crate::domain::callbacks::{
    Callback, CallbackOutcome, CallbackRow, CallbackStatus, NewProblem, QueuePage,
};
use crate::domain::complaints::{Rating, SignOff};
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::roles::Action;
use crate::store::{Filter, Query};
use crate::ui::components::Area;
use crate::ui::components::{History, LoadMore, Sheet, SlaBadge, PAGE};
use crate::ui::components::{SignaturePad, SignatureView};
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{
    app, ctx, loader_held, page_now_uncounted, page_rows_uncounted, submit, tx,
};
use leptos::prelude::*;

/// One tab's query: its keys sort in the tab's order, so a page is its first keys.
fn queue_query(page: QueuePage) -> Query {
    let (from, to) = page.range();
    Query::new(RecordKind::Callback, Filter::Range(from, to))
}

/// The queue's first page as it opens (待回访), with the residents' forum card shown below it:
/// the complaint list reads them ahead (issue 19), the tab beside it.
pub(super) fn read_ahead() -> Vec<crate::ui::ahead::Read> {
    let mut reads = vec![crate::ui::ahead::page_uncounted(
        &queue_query(QueuePage::Due),
        PAGE,
    )];
    reads.extend(super::forum::read_ahead());
    reads
}

/// The tabs, each with its label's key (also the tab's name on the list, `data-tab`).
const TABS: [(QueuePage, &str); 4] = [
    (QueuePage::Due, "cb.f.due"),
    (QueuePage::Review, "cb.f.review"),
    (QueuePage::Problems, "cb.f.problems"),
    (QueuePage::All, "cmp.f.all"),
];

/// 回访: the queue's tabs (CB-1 due, CB-3 to review, CB-6 open problems, all), a page at a time.
#[component]
pub(super) fn CallbackQueue() -> impl IntoView {
    let c = ctx();
    let tab = RwSignal::new(QueuePage::Due);
    let shown = RwSignal::new(PAGE);
    // A page by key (issue 19): each tab's search keys sort in the tab's order, so the first
    // `shown` keys are the rows shown — never every callback of five years; the full callback
    // is read when one opens. Uncounted: 全部 and 待审阅 span five years, too long a range to
    // count at a tap. The first page read ahead on the complaint list is in the first render.
    let ahead = page_now_uncounted(&queue_query(QueuePage::Due), PAGE)
        .map(|(total, v)| (QueuePage::Due, total, v));
    // Every tab's first page, read while the queue is looked at: a tab tapped then renders
    // from it instead of waiting for its read (what is kept already is not read again).
    crate::ui::ahead::when_idle(|| {
        TABS.iter()
            .map(|(page, _)| crate::ui::ahead::page_uncounted(&queue_query(*page), PAGE))
            .collect()
    });
    let rows = loader_held(ahead, move || {
        let page = tab.get();
        let n = shown.get();
        async move {
            let (total, v) = page_rows_uncounted::<CallbackRow>(&queue_query(page), n).await;
            (page, total, v)
        }
    });
    let people = people();
    let picked = RwSignal::new(None::<(RecordId, Callback)>);
    let open = RwSignal::new(false);
    let letter = RwSignal::new(false);
    let me = c.session.get_untracked().map(|s| s.id);
    // A tapped row opens from the callback's full state.
    let pick = move |id: RecordId| {
        leptos::task::spawn_local(async move {
            if let Ok(Some(cb)) = app().get::<Callback>(id).await {
                picked.set(Some((id, cb)));
                open.set(true);
            }
        });
    };
    // A callback tapped on 我的待办 opens as soon as the queue has loaded.
    let focus = StoredValue::new(crate::ui::state::take_focus(RecordKind::Callback));
    Effect::new(move |_| {
        let Some(id) = focus.get_value() else { return };
        // Once the queue has loaded, wherever the callback is in it (a page shows 20).
        if rows.with(Option::is_some) {
            focus.set_value(None);
            pick(id);
        }
    });
    view! {
        <div class="page-head">
            <h1 class="page-title">{move || t("cb.title")}</h1>
            <Show when=move || may(Action::PlanCallbacks)>
                <div class="rep-tools">
                    <button class="btn" data-testid="cb-round" on:click=move |_| leptos::task::spawn_local(round())>{move || t("cb.round")}</button>
                    <button class="btn" data-testid="cb-letter" on:click=move |_| letter.set(true)>{move || t("cb.letter")}</button>
                </div>
            </Show>
        </div>
        <div class="seg cmp-filter">
            {TABS.into_iter().map(|(w, k)| view! {
                <button class=move || if tab.get() == w { "seg-btn on" } else { "seg-btn" } data-testid=format!("cb-filter-{k}")
                    on:click=move |_| { shown.set(PAGE); tab.set(w) }>{move || t(k)}</button>
            }).collect_view()}
        </div>
        {move || {
            let now = now_ms();
            // The tab the rows were read for (the next one's arrive later): the list says which
            // it shows, so nothing is tapped in a list about to be replaced.
            let Some((page, total, list)) = rows.get() else {
                return ().into_any();
            };
            let shows = TABS.iter().find(|(p, _)| *p == page).map_or("", |(_, k)| *k);
            if list.is_empty() {
                return view! { <div class="card" data-testid="cb-empty" data-tab=shows><p class="empty">{move || t("cb.empty")}</p></div> }.into_any();
            }
            let more = crate::ui::components::paged_total(shown, list.len(), total);
            view! {
                <section class="card list" data-testid="cb-list" data-tab=shows>
                    {list.into_iter().map(|(id, cb)| {
                        let kind = cb.kind.label();
                        let st = cb.status;
                        let title = cb.title;
                        let topic = cb.topic;
                        let topic_attr = topic.clone();
                        let clock = cb.clock;
                        let role = cb.role.map(|r| r.label());
                        let mine = cb.assignee == me && me.is_some();
                        let assignee = cb.assignee;
                        view! {
                            <button class=if mine { "row cb-row mine" } else { "row cb-row" } data-testid="cb-row" data-status=st.key() data-topic=topic_attr
                                on:click=move |_| pick(id)>
                                <span class="row-main">
                                    <span class="chips">
                                        <span class="chip dept">{move || tx(&kind)}</span>
                                        {role.map(|r| view! { <span class="chip">{move || tx(&r)}</span> })}
                                        <span class=format!("cmp-status s-{}", st.key())>{move || tx(&st.label())}</span>
                                    </span>
                                    <strong>{title}</strong>
                                    <span class="muted">{topic}" · "{move || name_of(&people, assignee)}</span>
                                </span>
                                <span class="row-side cmp-side">
                                    {clock.clone().map(|k| view! { <span class="muted">{when(k.deadline)}</span> })}
                                    {clock.filter(|_| st == CallbackStatus::Due).map(|k| view! { <SlaBadge state=k.state(now)/> })}
                                </span>
                            </button>
                        }
                    }).collect_view()}
                    <LoadMore shown=shown total=more/>
                </section>
            }.into_any()
        }}
        <CallbackSheet picked=picked open=open people=people/>
        <LetterSheet open=letter/>
    }
}

/// CB-7: schedules this month's phone call to every household not yet called back this month.
async fn round() {
    use crate::domain::callbacks::RoundHousehold;
    use crate::domain::complaints::report::month_bounds;
    use crate::domain::registry::{Household, Unit};
    use crate::domain::roles::Role;
    let a = app();
    let (cal, _) = super::settings();
    let now = now_ms();
    let today = cal.local_date(now);
    use chrono::Datelike;
    let (start, _) = month_bounds(today.year(), today.month(), &cal).unwrap_or((0, 0));
    let units: std::collections::BTreeMap<RecordId, String> = a
        .query(&Query::all(RecordKind::Unit))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Unit>().map(|u| (v.id, u.info.number)))
        .collect();
    let households: Vec<RoundHousehold> = a
        .query(&Query::new(
            RecordKind::Household,
            Filter::Status("current".into()),
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| {
            let h = v.state::<Household>()?;
            let p = h.info.people.first().cloned().unwrap_or_default();
            Some(RoundHousehold {
                household: v.id,
                unit: h.info.unit,
                place: units.get(&h.info.unit).cloned().unwrap_or_default(),
                contact: format!("{} {}", p.name, p.phone),
            })
        })
        .collect();
    let this_month: Vec<Callback> = a
        .query(&Query::new(
            RecordKind::Callback,
            Filter::Prefix(crate::domain::callbacks::callback_month_key(
                &crate::domain::complaints::month_of(start),
            )),
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Callback>())
        .filter(|c| c.scheduled >= start)
        .collect();
    let assistants: Vec<crate::domain::ids::StaffId> =
        crate::ui::components::people::active_staff()
            .await
            .into_iter()
            .filter(|p| p.has(Role::Assistant))
            .map(|p| p.id)
            .collect();
    submit(
        move |actor| {
            app().with_entropy(|e| {
                crate::domain::callbacks::monthly_round(
                    actor,
                    &households,
                    &this_month,
                    &assistants,
                    e,
                    now,
                    &cal,
                )
            })
        },
        Text::new(
            "本月例行电话回访已安排",
            "This month's phone round is scheduled",
        ),
        || {},
    );
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Phone,
    OnSite,
}

#[component]
fn CallbackSheet(
    picked: RwSignal<Option<(RecordId, Callback)>>,
    open: RwSignal<bool>,
    people: People,
) -> impl IntoView {
    let mode = RwSignal::new(Mode::Phone);
    let sig = RwSignal::new(String::new());
    let rating = RwSignal::new(None::<Rating>);
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(String::new());
    let promised = RwSignal::new(String::new());
    let review = RwSignal::new(String::new());
    let plan_who = RwSignal::new(String::new());
    let plan_when = RwSignal::new(String::new());
    let done = move || {
        open.set(false);
        for s in [sig, comment, problem, promised, review, plan_when] {
            s.set(String::new());
        }
        rating.set(None);
    };
    let record = move |_| {
        let Some((id, cb)) = picked.get_untracked() else {
            return;
        };
        let np = problem.get_untracked();
        let new_problem = if np.trim().is_empty() {
            None
        } else {
            let Some(at) = crate::ui::platform::parse_local(&promised.get_untracked()) else {
                crate::ui::state::toast_err(crate::ui::i18n::t_untracked("cb.need_promise"));
                return;
            };
            Some(NewProblem {
                text: np,
                promised_reply: at,
            })
        };
        let outcome = CallbackOutcome {
            signoff: match mode.get_untracked() {
                Mode::Phone => SignOff::Phone,
                Mode::OnSite => SignOff::Drawn {
                    path: sig.get_untracked(),
                },
            },
            rating: rating.get_untracked(),
            comment: comment.get_untracked(),
            new_problem,
        };
        let follow = app().new_id();
        submit(
            move |a| crate::domain::callbacks::record(a, id, &cb, &outcome, follow, now_ms()),
            Text::new("回访已记录", "Callback recorded"),
            done,
        );
    };
    let unreached = move |_| {
        let Some((id, cb)) = picked.get_untracked() else {
            return;
        };
        let note = comment.get_untracked();
        submit(
            move |a| crate::domain::callbacks::unreached(a, id, &cb, &note, now_ms()),
            Text::new("已记录未能联系", "Recorded: not reached"),
            done,
        );
    };
    let do_review = move |_| {
        let Some((id, cb)) = picked.get_untracked() else {
            return;
        };
        let text = review.get_untracked();
        submit(
            move |a| crate::domain::callbacks::review(a, id, &cb, &text, now_ms()),
            Text::new("已审阅", "Reviewed"),
            done,
        );
    };
    let do_plan = move |_| {
        let Some((id, cb)) = picked.get_untracked() else {
            return;
        };
        let who = plan_who.get_untracked();
        let Some(p) = people
            .get_untracked()
            .unwrap_or_default()
            .into_iter()
            .find(|p| p.id.0.to_string() == who)
        else {
            crate::ui::state::toast_err(crate::ui::i18n::t_untracked("cb.need_who"));
            return;
        };
        let at =
            crate::ui::platform::parse_local(&plan_when.get_untracked()).unwrap_or_else(now_ms);
        submit(
            move |a| crate::domain::callbacks::plan(a, id, &cb, p.id, at, now_ms()),
            Text::new("回访计划已保存", "Plan saved"),
            done,
        );
    };
    let body = move || {
        let Some((id, cb)) = picked.get() else {
            return ().into_any();
        };
        let st = cb.status;
        let spec = cb.spec.clone();
        let role = spec.as_ref().map(|s| s.role);
        view! {
            <div class="screen-only">
                {cb.letter.clone().map(|(topic, text, hh)| view! {
                    <div class="cmp-report"><h3>{topic}</h3><p class="pre">{text}</p><p class="muted">{hh.join("、")}</p></div>
                })}
                {spec.clone().map(|s| view! {
                    <dl class="facts">
                        <dt>{move || t("cb.kind")}</dt><dd>{move || tx(&s.kind.label())}</dd>
                        <dt>{move || t("cmp.reg.household")}</dt><dd>{s.place.clone()}" "{s.contact.clone()}</dd>
                        <dt>{move || t("cb.topic")}</dt><dd>{s.topic.clone()}</dd>
                        <dt>{move || t("home.due")}</dt><dd>{when(s.clock.deadline)}</dd>
                        <dt>{move || t("cb.role")}</dt><dd>{move || tx(&s.role.label())}</dd>
                    </dl>
                })}
                {(st != CallbackStatus::Due && cb.letter.is_none()).then(|| {
                    let r = cb.rating.map(|r| r.label());
                    view! {
                        <div class="cmp-report" data-testid="cb-result">
                            <dl class="facts">
                                <dt>{move || t("cb.rating")}</dt><dd>{r.map(|r| view! { <strong>{move || tx(&r)}</strong> })}</dd>
                                <dt>{move || t("cb.how")}</dt><dd>{match cb.signoff.clone() {
                                    Some(SignOff::Drawn { path }) => view! { <SignatureView path=path/> }.into_any(),
                                    _ => view! { <strong>"电话回访"</strong> }.into_any(),
                                }}</dd>
                                <dt>{move || t("cb.comment")}</dt><dd>{cb.comment.clone()}</dd>
                                {cb.new_problem.clone().map(|p| view! { <dt>{move || t("cb.problem")}</dt><dd>{p.text}" · "{move || t("cb.promised")}" "{when(p.promised_reply)}</dd> })}
                                {cb.review.clone().map(|(_, by, text)| view! { <dt>{move || t("cb.review")}</dt><dd>{text}" — "{name_of(&people, Some(by))}</dd> })}
                            </dl>
                        </div>
                    }
                })}
                <Show when=move || st == CallbackStatus::Due && may(Action::RecordCallback)>
                    <div class="field">
                        <span class="field-label">{move || t("cb.how")}</span>
                        <div class="seg">
                            <button class=move || if mode.get() == Mode::Phone { "seg-btn on" } else { "seg-btn" } data-testid="cb-mode-phone" on:click=move |_| mode.set(Mode::Phone)>"电话回访"</button>
                            <button class=move || if mode.get() == Mode::OnSite { "seg-btn on" } else { "seg-btn" } data-testid="cb-mode-onsite" on:click=move |_| mode.set(Mode::OnSite)>{move || t("cb.onsite")}</button>
                        </div>
                    </div>
                    <Show when=move || mode.get() == Mode::OnSite>
                        <SignaturePad path=sig testid="cb-sig"/>
                    </Show>
                    <div class="field">
                        <span class="field-label">{move || t("cb.rating")}</span>
                        <div class="seg" data-testid="cb-rating">
                            {Rating::ALL.iter().map(|r| { let r = *r; view! {
                                <button class=move || if rating.get() == Some(r) { "seg-btn on" } else { "seg-btn" }
                                    data-testid=format!("cb-rate-{}", r.key()) on:click=move |_| rating.set(Some(r))>{move || tx(&r.label())}</button>
                            }}).collect_view()}
                        </div>
                    </div>
                    <Area label=Signal::derive(|| t("cb.comment").to_string()) value=comment testid="cb-comment"/>
                    <div class="row2">
                        <crate::ui::components::TextField label=Signal::derive(|| t("cb.problem").to_string()) value=problem testid="cb-problem"/>
                        <crate::ui::components::TextField label=Signal::derive(|| t("cb.promised").to_string()) value=promised testid="cb-promised" kind="datetime-local"/>
                    </div>
                    <button class="btn primary big" data-testid="cb-save" on:click=record>{move || t("cb.save")}</button>
                    <button class="btn" data-testid="cb-unreached" on:click=unreached>{move || t("cb.unreached")}</button>
                    <p class="muted">{move || t("cb.unreached_hint")}</p>
                </Show>
                <Show when=move || st == CallbackStatus::Due && may(Action::PlanCallbacks)>
                    <h3>{move || t("cb.plan")}</h3>
                    <div class="row2">
                        <label class="field">
                            <span class="field-label">{move || t("cb.who")}</span>
                            <select data-testid="cb-plan-who" on:change=move |ev| plan_who.set(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {move || people.get().unwrap_or_default().into_iter()
                                    .filter(|p| role.is_none_or(|r| p.roles.contains(&r)))
                                    .map(|p| view! { <option value=p.id.0.to_string()>{p.name}</option> }).collect_view()}
                            </select>
                        </label>
                        <crate::ui::components::TextField label=Signal::derive(|| t("cb.when").to_string()) value=plan_when testid="cb-plan-when" kind="datetime-local"/>
                    </div>
                    <button class="btn" data-testid="cb-plan-save" on:click=do_plan>{move || t("cb.plan_save")}</button>
                </Show>
                <Show when=move || st == CallbackStatus::Done && may(Action::PlanCallbacks)>
                    <Area label=Signal::derive(|| t("cb.review").to_string()) value=review testid="cb-review"/>
                    <button class="btn primary" data-testid="cb-review-save" on:click=do_review>{move || t("cb.review_save")}</button>
                </Show>
                <div class="detail-actions">
                    <button class="btn small" data-testid="cb-print" on:click=move |_| crate::ui::components::print_page()>{move || t("cmp.print")}</button>
                </div>
                <History subject=RecordRef::new(RecordKind::Callback, id)/>
            </div>
            <CallbackPrint cb=cb.clone() people=people/>
        }
        .into_any()
    };
    view! {
        <Sheet title=Signal::derive(|| t("cb.sheet").to_string()) open=open>{body}</Sheet>
    }
}

/// 回访记录表 for printing.
#[component]
fn CallbackPrint(cb: Callback, people: People) -> impl IntoView {
    let s = cb.spec.clone();
    let estate = ctx()
        .estate
        .get_untracked()
        .map(|e| e.name)
        .unwrap_or_default();
    let how = match &cb.signoff {
        Some(SignOff::Phone) => "电话回访".to_string(),
        Some(SignOff::Drawn { .. }) => "上门回访".to_string(),
        _ => String::new(),
    };
    let sig = match &cb.signoff {
        Some(SignOff::Drawn { path }) => Some(path.clone()),
        _ => None,
    };
    view! {
        <section class="print-only print-form" data-testid="cb-print-form">
            <h1>{estate}" · 回访记录表"</h1>
            <table>
                <tr><th>"回访类别"</th><td>{cb.kind().label().zh}</td><th>"应回访时间"</th><td>{s.as_ref().map(|s| when(s.clock.deadline)).unwrap_or_default()}</td></tr>
                <tr><th>"房号"</th><td>{s.as_ref().map(|s| s.place.clone()).unwrap_or_default()}</td><th>"客户"</th><td>{s.as_ref().map(|s| s.contact.clone()).unwrap_or_default()}</td></tr>
                <tr><th>"回访事项"</th><td colspan="3">{s.as_ref().map(|s| s.topic.clone()).unwrap_or_default()}</td></tr>
                <tr><th>"回访方式"</th><td>{how}</td><th>"回访时间"</th><td>{cb.done.map(when).unwrap_or_default()}</td></tr>
                <tr><th>"客户意见"</th><td colspan="3">{cb.comment.clone()}</td></tr>
                <tr><th>"满意度"</th><td>{cb.rating.map(|r| r.label().zh).unwrap_or_default()}</td><th>"回访人"</th><td>{name_of(&people, cb.by)}</td></tr>
                <tr><th>"新问题及承诺答复时间"</th><td colspan="3">{cb.new_problem.clone().map(|p| format!("{} （{}）", p.text, when(p.promised_reply))).unwrap_or_default()}</td></tr>
                <tr class="sign-row"><th>"客户签名"</th><td colspan="3">{sig.map(|p| view! { <SignatureView path=p/> })}</td></tr>
                <tr class="sign-row"><th>"主管审阅意见"</th><td colspan="3">{cb.review.clone().map(|r| r.2).unwrap_or_default()}</td></tr>
                <tr class="sign-row"><th>"主管签名"</th><td colspan="3">{cb.review.clone().map(|r| name_of(&people, Some(r.1))).unwrap_or_default()}</td></tr>
            </table>
        </section>
    }
}

#[component]
fn LetterSheet(open: RwSignal<bool>) -> impl IntoView {
    let topic = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let households = RwSignal::new(String::new());
    let save = move |_| {
        let (tp, tx_, hh) = (
            topic.get_untracked(),
            text.get_untracked(),
            households.get_untracked(),
        );
        let list: Vec<String> = hh
            .split(['\n', '，', ',', '、'])
            .map(|s| s.to_string())
            .collect();
        let id = app().new_id();
        submit(
            move |a| crate::domain::callbacks::file_open_letter(a, id, &tp, &tx_, &list, now_ms()),
            Text::new("公开信已归档", "Open letter filed"),
            move || {
                open.set(false);
                topic.set(String::new());
                text.set(String::new());
                households.set(String::new());
            },
        );
    };
    view! {
        <Sheet title=Signal::derive(|| t("cb.letter").to_string()) open=open>
            <crate::ui::components::TextField label=Signal::derive(|| t("cb.topic").to_string()) value=topic testid="cb-letter-topic"/>
            <Area label=Signal::derive(|| t("cb.letter_text").to_string()) value=text testid="cb-letter-text"/>
            <Area label=Signal::derive(|| t("cb.letter_hh").to_string()) value=households testid="cb-letter-hh"/>
            <button class="btn primary big" data-testid="cb-letter-save" on:click=save>{move || t("cb.letter_save")}</button>
        </Sheet>
    }
}

//! 值班记录 — today's log: entries, corrections (DUTY-4), verify the chain, print (DUTY-9).

use super::{calendar, chain_head, hm};
use crate::domain::duty::handover::Handover;
use crate::domain::duty::log::{
    self, entries_in_write_order, log_date, log_id, ChainReport, DutyLog, EntryKind, NewEntry,
};
use crate::domain::duty::roster::{month_key, roster_id, Roster};
use crate::domain::duty::{retained_until, Post};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::store::{Filter, Query};
use crate::ui::components::people::{all_staff, name_in, Person};
use crate::ui::components::print_page;
use crate::ui::components::{Empty, Sheet};
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, ctx, loader, submit, tx};
use chrono::NaiveDate;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
struct Loaded {
    log: DutyLog,
    on_duty: Option<String>,
    handovers: Vec<Handover>,
    names: Vec<Person>,
}

#[component]
pub fn LogTab() -> impl IntoView {
    let c = ctx();
    let post = RwSignal::new(Post::ServiceCentre);
    let date = RwSignal::new(log_date(&calendar(), Post::ServiceCentre, now_ms()));
    let data = loader(move || {
        let (p, d) = (post.get(), date.get());
        async move {
            let a = app();
            let log = a
                .get::<DutyLog>(log_id(p, d))
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            let names = all_staff().await;
            let roster = a
                .get::<Roster>(roster_id(month_key(d)))
                .await
                .ok()
                .flatten();
            let on_duty = roster
                .and_then(|r| r.person_on(d))
                .filter(|_| p == Post::ServiceCentre)
                .map(|id| name_in(&names, id));
            let handovers = a
                .query(&Query::new(
                    RecordKind::Handover,
                    Filter::Prefix(format!("{}:{d}", p.as_str())),
                ))
                .await
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.state::<Handover>())
                .collect();
            Loaded {
                log,
                on_duty,
                handovers,
                names,
            }
        }
    });
    let kind = RwSignal::new(EntryKind::Enquiry);
    let text = RwSignal::new(String::new());
    let follow = RwSignal::new(String::new());
    let correcting = RwSignal::new(None::<(String, String)>);
    let correct_open = RwSignal::new(false);
    let correction = RwSignal::new(String::new());
    let report = RwSignal::new(None::<ChainReport>);
    let contacts_open = RwSignal::new(false);
    let may_write = move || {
        c.session
            .get()
            .is_some_and(|s| s.may(crate::domain::roles::Action::KeepDutyLog))
    };

    let add = move |_| {
        let (p, d) = (post.get_untracked(), date.get_untracked());
        let entry = NewEntry {
            kind: kind.get_untracked(),
            text: text.get_untracked(),
            follow_up: follow.get_untracked(),
            incident: None,
        };
        let current = data.get_untracked().map(|l| l.log).unwrap_or_default();
        leptos::task::spawn_local(async move {
            let head = chain_head().await;
            submit(
                move |actor| log::add_entry(actor, &head, &current, p, d, entry, now_ms()),
                Text::new("已记入值班记录", "Written in the duty log"),
                move || {
                    text.set(String::new());
                    follow.set(String::new());
                },
            );
        });
    };
    let save_correction = move |_| {
        let Some((hash, _)) = correcting.get_untracked() else {
            return;
        };
        let current = data.get_untracked().map(|l| l.log).unwrap_or_default();
        let body = correction.get_untracked();
        leptos::task::spawn_local(async move {
            let head = chain_head().await;
            submit(
                move |actor| log::correct_entry(actor, &head, &current, &hash, &body, now_ms()),
                Text::new(
                    "更正已记录，原记录保留",
                    "Correction recorded; the original stays",
                ),
                move || {
                    correct_open.set(false);
                    correction.set(String::new());
                },
            );
        });
    };
    let run_verify = move |_| {
        leptos::task::spawn_local(async move {
            let a = app();
            let logs: Vec<DutyLog> = a
                .query(&Query::all(RecordKind::DutyLog))
                .await
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.state())
                .collect();
            let heads = super::chain_heads().await;
            let entries = entries_in_write_order(&logs);
            // The sign-offs' anchors too: a backup that dropped an entry and its link left the
            // stored head short (DUTY-4, issue 12).
            let mut heads = heads;
            heads.extend(log::anchored_heads(&logs));
            report.set(Some(log::verify(&entries, &heads)));
        });
    };

    view! {
        <div class="duty-log">
            <div class="duty-toolbar screen-only">
                <div class="seg">
                    {Post::ALL.into_iter().map(|p| view! {
                        <button class=move || if post.get() == p { "seg-btn active" } else { "seg-btn" }
                            data-testid=format!("log-post-{}", p.as_str())
                            on:click=move |_| { post.set(p); date.set(log_date(&calendar(), p, now_ms())); }>
                            {move || tx(&p.label())}
                        </button>
                    }).collect_view()}
                </div>
                <input type="date" class="date-input" data-testid="log-date"
                    prop:value=move || date.get().to_string()
                    on:change=move |ev| { if let Ok(d) = event_target_value(&ev).parse::<NaiveDate>() { date.set(d) } }/>
                <span class="spacer"></span>
                <button class="btn" data-testid="log-contacts" on:click=move |_| contacts_open.set(true)>{move || t("duty.tab.oncall")}</button>
                <button class="btn" data-testid="log-verify" on:click=run_verify>{move || t("duty.log.verify")}</button>
                <button class="btn" data-testid="log-print" on:click=move |_| print_page()>{move || t("duty.print")}</button>
            </div>
            {move || report.get().map(|r| {
                let ok = r.ok();
                view! {
                    <div class=if ok { "verify ok screen-only" } else { "verify bad screen-only" } data-testid="verify-result">
                        <strong>{move || if ok { t("duty.log.verify_ok") } else { t("duty.log.verify_bad") }}</strong>
                        <span>{move || format!("{} {} · {} {}", r.entries, t("duty.log.entries"), r.chains, t("duty.log.chains"))}</span>
                        {r.problems.iter().map(|p| { let m = p.message(); view! { <span class="problem">{move || tx(&m)}</span> } }).collect_view()}
                    </div>
                }
            })}
            {move || data.get().map(|l| {
                let names = l.names.clone();
                let d = date.get();
                let signed = l.log.signed.clone();
                let sign_name = signed.as_ref().map(|(by, _, _)| name_in(&names, *by));
                let hand = l.handovers.first().and_then(|h| h.record.clone());
                let hand_names = hand.as_ref().map(|h| (h.outgoing.map(|o| name_in(&names, o)).unwrap_or_else(|| "—".into()), name_in(&names, h.incoming)));
                let items: Vec<String> = hand.as_ref().map(|h| h.form.items.iter().map(|i| format!("{}：{}", i.name, i.state.label().zh)).collect()).unwrap_or_default();
                let entries = l.log.entries.clone();
                let log_for_print = l.log.clone();
                view! {
                    <section class="card log-card screen-only">
                        <div class="log-head">
                            <div>
                                <h2>{move || t("duty.log.title")}" · "{d.to_string()}" "{move || super::weekday(d)}</h2>
                                <p class="muted">
                                    {move || t("duty.log.on_duty")}"："{l.on_duty.clone().unwrap_or_else(|| "—".into())}
                                    " · "{move || t("duty.log.retention")}" "{retained_until(d).to_string()}
                                </p>
                            </div>
                            {match sign_name.clone() {
                                Some(n) => view! { <span class="badge ok" data-testid="log-signed">{move || t("duty.log.signed")}" · "{n.clone()}</span> }.into_any(),
                                None => view! { <span class="badge warn">{move || t("duty.log.unsigned")}</span> }.into_any(),
                            }}
                        </div>
                        <div class="entries" data-testid="log-entries">
                            {if entries.is_empty() {
                                view! { <Empty text=Signal::derive(move || t("duty.log.empty").to_string())/> }.into_any()
                            } else {
                                entries.iter().map(|le| {
                                    let e = le.entry.clone();
                                    let was_corrected = !l.log.corrections_of(&e.hash).is_empty();
                                    let who = name_in(&names, e.by);
                                    let hash = e.hash.clone();
                                    let short = e.short().to_string();
                                    let preview = e.text.clone();
                                    let is_corr = e.kind == EntryKind::Correction;
                                    let corr_target = e.corrects.clone().map(|h| h[..6.min(h.len())].to_string());
                                    let can_correct = !is_corr && e.kind != EntryKind::Handover && signed.is_none();
                                    let kind_label = e.kind.label();
                                    view! {
                                        <article class="entry" class:corrected=was_corrected class:correction=is_corr data-testid="log-entry">
                                            <div class="entry-meta">
                                                <span class="entry-time">{hm(e.at)}</span>
                                                <span class=format!("kind k-{}", e.kind.as_str())>{move || tx(&kind_label)}</span>
                                                <span class="muted">{who}" · #"{short.clone()}</span>
                                                {corr_target.map(|h| view! { <span class="muted">{move || t("duty.log.corrects")}" #"{h.clone()}</span> })}
                                                {was_corrected.then(|| view! { <span class="badge warn">{move || t("duty.log.was_corrected")}</span> })}
                                            </div>
                                            <p class="entry-text">{e.text.clone()}</p>
                                            {(!e.follow_up.is_empty()).then(|| view! { <p class="entry-follow">{move || t("duty.log.follow")}"："{e.follow_up.clone()}</p> })}
                                            {(can_correct && may_write()).then(|| view! {
                                                <button class="btn small ghost" data-testid="entry-correct" on:click=move |_| {
                                                    correcting.set(Some((hash.clone(), preview.clone())));
                                                    correct_open.set(true);
                                                }>{move || t("duty.log.correct")}</button>
                                            })}
                                        </article>
                                    }
                                }).collect_view().into_any()
                            }}
                        </div>
                    </section>
                    <LogPrint log=log_for_print on_duty=l.on_duty.clone() hand=hand_names items=items sign=sign_name names=names/>
                }
            })}
            <Show when=may_write>
                <section class="card screen-only" data-testid="log-new">
                    <h2>{move || t("duty.log.new")}</h2>
                    <div class="chips">
                        {EntryKind::PICK.into_iter().map(|k| view! {
                            <button class=move || if kind.get() == k { "chip active" } else { "chip" }
                                data-testid=format!("entry-kind-{}", k.as_str()) on:click=move |_| kind.set(k)>{move || tx(&k.label())}</button>
                        }).collect_view()}
                    </div>
                    <label class="field">
                        <span class="field-label">{move || t("duty.log.text")}</span>
                        <textarea rows="3" data-testid="entry-text" prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </label>
                    <label class="field">
                        <span class="field-label">{move || t("duty.log.follow")}</span>
                        <input data-testid="entry-follow" prop:value=move || follow.get() on:input=move |ev| follow.set(event_target_value(&ev))/>
                    </label>
                    <p class="muted small-print">{move || t("duty.log.append_only")}</p>
                    <button class="btn primary" data-testid="entry-save" on:click=add>{move || t("duty.log.add")}</button>
                </section>
            </Show>
            <Sheet title=Signal::derive(move || t("duty.oncall.title").to_string()) open=contacts_open>
                <super::oncall::Principles/>
                <super::OnCallContacts/>
            </Sheet>
            <Sheet title=Signal::derive(move || t("duty.log.correct").to_string()) open=correct_open>
                <p class="muted">{move || t("duty.log.correct_hint")}</p>
                <blockquote class="quote">{move || correcting.get().map(|c| c.1).unwrap_or_default()}</blockquote>
                <label class="field">
                    <span class="field-label">{move || t("duty.log.correction")}</span>
                    <textarea rows="3" data-testid="correction-text" prop:value=move || correction.get()
                        on:input=move |ev| correction.set(event_target_value(&ev))></textarea>
                </label>
                <button class="btn primary" data-testid="correction-save" on:click=save_correction>{move || t("duty.log.correct_save")}</button>
            </Sheet>
        </div>
    }
}

/// The 值班记录 form on A4 with the seed's fields (DUTY-9).
#[component]
fn LogPrint(
    log: DutyLog,
    on_duty: Option<String>,
    hand: Option<(String, String)>,
    items: Vec<String>,
    sign: Option<String>,
    names: Vec<Person>,
) -> impl IntoView {
    let date = log.date.map(|d| d.to_string()).unwrap_or_default();
    let post = log.post.label().zh;
    let (out, inc) = hand.unwrap_or_default();
    let remark = log.signed.as_ref().map(|s| s.2.clone()).unwrap_or_default();
    let retention = log
        .date
        .map(|d| retained_until(d).to_string())
        .unwrap_or_default();
    view! {
        <div class="print-only a4">
            <h1 class="print-title">"值班记录"</h1>
            <table class="print-table">
                <tr><th>"日期"</th><td>{date}</td><th>"岗位"</th><td>{post}</td><th>"值班人"</th><td>{on_duty.unwrap_or_default()}</td></tr>
                <tr><th>"工作用品交接"</th><td colspan="5">
                    {items.into_iter().enumerate().map(|(i, s)| view! { <span class="print-item">{format!("{}、{} ", i + 1, s)}</span> }).collect_view()}
                </td></tr>
                <tr><th>"交班人"</th><td colspan="2">{out}</td><th>"接班人"</th><td colspan="2">{inc}</td></tr>
                <tr><th colspan="4">"工作记录"</th><th colspan="2">"跟进结果"</th></tr>
                {log.entries.iter().map(|l| {
                    let e = &l.entry;
                    let corr = e.corrects.as_ref().map(|h| format!("（更正 #{}）", &h[..6.min(h.len())])).unwrap_or_default();
                    view! {
                        <tr><td colspan="4">{format!("{} [{}] #{} {}{} — {}", hm(e.at), e.kind.label().zh, e.short(), e.text, corr, name_in(&names, e.by))}</td>
                        <td colspan="2">{e.follow_up.clone()}</td></tr>
                    }
                }).collect_view()}
                <tr><th>"物业部主任助理确认"</th><td colspan="2">{sign.unwrap_or_default()}</td><th>"备注"</th><td colspan="2">{remark}</td></tr>
            </table>
            <p class="print-foot">{format!("本记录不得撕页、不得涂改，保存期3年（至{retention}）。")}</p>
        </div>
    }
}

//! A violation's page: what was recorded, the preconditions on file (arrears, mediation,
//! committee support, notices), the decision steps offered by role (VIO-6: the domain refuses
//! anyway), and the printable A4 客户违章记录表 (VIO-8) — with the 装修违章情况记录表 for a
//! renovation breach.

use super::{cal, name_of, people, recipients, when, People};
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::patrol::{day_key, PatrolRound};
use crate::domain::photo::Photo;
use crate::domain::registry::Unit;
use crate::domain::roles::Action;
use crate::domain::violations::{
    self as vio, Category, Decision, MediationOutcome, Method, RecheckPlan, Status, Violation,
};
use crate::store::{Filter, Query};
use crate::ui::components::{
    Area, History, PhotoField, SignaturePad, SignatureView, TextField, Thumb,
};
use crate::ui::i18n::t;
use crate::ui::platform::{now_ms, parse_local};
use crate::ui::state::{app, ctx, loader, submit, tx};
use leptos::prelude::*;

/// The first patrol round of the unit's building on or after the deadline (VIO-4 recheck),
/// from the rounds of the seven days from the deadline (their `day|` keys).
async fn next_round(unit: Option<RecordId>, deadline: i64) -> Option<RecordId> {
    let a = app();
    let u: Unit = a.get::<Unit>(unit?).await.ok().flatten()?;
    let c = cal();
    let mut rounds = Vec::new();
    let first = c.local_date(deadline);
    for d in 0..7 {
        let date = first.checked_add_days(chrono::Days::new(d))?;
        for v in a
            .query(&Query::new(
                RecordKind::PatrolRound,
                Filter::Prefix(day_key(date)),
            ))
            .await
            .unwrap_or_default()
        {
            if let Some(r) = v.state::<PatrolRound>() {
                rounds.push((v.id, r));
            }
        }
    }
    vio::recheck_round(u.info.building, deadline, &rounds)
}

#[component]
pub(super) fn ViolationDetail(id: RecordId, back: Callback<()>) -> impl IntoView {
    let rec = loader(move || async move { app().get::<Violation>(id).await.ok().flatten() });
    let people = people();
    view! {
        <div class="page-head screen-only">
            <button class="btn" data-testid="vio-back" on:click=move |_| back.run(())>"‹ "{move || t("vio.back")}</button>
            <span class="spacer"></span>
            <button class="btn" data-testid="vio-print" on:click=move |_| crate::ui::components::print_page()>{move || t("vio.print")}</button>
        </div>
        {move || rec.get().flatten().map(|v| view! {
            <Body id=id v=v.clone() people=people/>
            <PrintForm id=id v=v.clone() people=people/>
            {(v.info.category == Some(Category::Renovation)).then(|| view! { <RenovationForm id=id v=v.clone() people=people/> })}
        })}
        <div class="screen-only"><History subject=RecordRef::new(RecordKind::Violation, id)/></div>
    }
}

fn stamp_line(people: &People, at: i64, by: crate::domain::ids::StaffId) -> String {
    format!("{} · {}", when(at), name_of(people, Some(by)))
}

#[component]
fn Body(id: RecordId, v: Violation, people: People) -> impl IntoView {
    let status = v.status.unwrap_or(Status::Reported);
    let sev = v.severity();
    let may = super::may;
    let cat = v
        .info
        .category
        .map(|c| c.item_label(v.info.item).unwrap_or(c.label()));
    let rec = v.recorded.clone();
    let photos = v.info.photos.clone();
    let decision = v.decision.clone();
    let approved = v.approved.clone();
    let v2 = StoredValue::new(v.clone());
    let facts_on_file = {
        let v = v.clone();
        move || {
            let arrears = v.arrears.as_ref().map(|(s, n, st)| {
                format!(
                    "{} {n} ({})",
                    if *s {
                        t("vio.d.serious")
                    } else {
                        t("vio.d.not_serious")
                    },
                    stamp_line(&people, st.at, st.by)
                )
            });
            let med = v.mediation.as_ref().map(|(o, n, st)| {
                format!(
                    "{} {n} ({})",
                    if *o == MediationOutcome::Failed {
                        t("vio.d.failed")
                    } else {
                        t("vio.d.settled")
                    },
                    stamp_line(&people, st.at, st.by)
                )
            });
            let com = v
                .committee
                .as_ref()
                .map(|(n, st)| format!("{n} ({})", stamp_line(&people, st.at, st.by)));
            let none = || t("vio.d.none").to_string();
            view! {
                <dl class="kv" data-testid="vio-preconditions">
                    <dt>{t("vio.d.arrears")}</dt><dd data-testid="vio-pre-arrears">{arrears.unwrap_or_else(none)}</dd>
                    <dt>{t("vio.d.mediation")}</dt><dd data-testid="vio-pre-mediation">{med.unwrap_or_else(none)}</dd>
                    <dt>{t("vio.d.committee")}</dt><dd>{com.unwrap_or_else(none)}</dd>
                    <dt>{t("vio.d.notices")}</dt>
                    <dd data-testid="vio-pre-notices">
                        {if v.notices.is_empty() { none() } else { String::new() }}
                        {v.notices.iter().map(|n| view! {
                            <div>{format!("{} · {} {}", when(n.served_at), name_of(&people, Some(n.served_by)), n.note)}</div>
                            <div class="photos">{n.photos.iter().map(|p| view! { <Thumb photo=p.clone()/> }).collect_view()}</div>
                        }).collect_view()}
                    </dd>
                </dl>
            }
        }
    };
    view! {
        <section class="card cmp-detail screen-only" data-testid="vio-detail" data-status=status.key()>
            <div class="chips">
                <span class=if sev == vio::Severity::Major { "chip cmp-major" } else { "chip" }>{move || tx(&sev.label())}</span>
                <span class=format!("cmp-status s-{}", status.key()) data-testid="vio-status">{move || tx(&status.label())}</span>
            </div>
            <h1 class="page-title">{v.info.facts.clone()}</h1>
            <dl class="kv">
                <dt>{move || t("vio.d.no")}</dt><dd>{id.short()}</dd>
                <dt>{move || t("vio.d.violator")}</dt><dd>{v.info.violator.clone()}</dd>
                <dt>{move || t("vio.d.unit")}</dt><dd>{v.info.unit_label.clone()}" "{v.info.location.clone()}</dd>
                <dt>{move || t("vio.d.type")}</dt><dd>{cat.map(|c| tx(&c))}</dd>
                <dt>{move || t("vio.d.time")}</dt><dd>{rec.as_ref().map(|r| when(r.at))}</dd>
                <dt>{move || t("vio.d.recorded_by")}</dt><dd>{move || rec.as_ref().map(|r| name_of(&people, Some(r.by)))}</dd>
                <dt>{move || t("vio.d.persuaded")}</dt><dd>{v.info.persuaded.map(|p| tx(&p.label()))}</dd>
                <dt>{move || t("vio.d.assignee")}</dt><dd data-testid="vio-assignee">{move || name_of(&people, v2.get_value().assignee)}</dd>
            </dl>
            <div class="photos" data-testid="vio-photos">{photos.into_iter().map(|p| view! { <Thumb photo=p/> }).collect_view()}</div>
            {decision.map(|d| view! {
                <h2>{move || t("vio.d.decision")}</h2>
                <p data-testid="vio-decision"><strong>{tx(&d.method.label())}</strong>" — "{d.basis.clone()}"；"{d.opinion.clone()}
                    {d.deadline.map(|x| format!("；{} {}", t("vio.d.deadline"), when(x)))}
                    {(d.amount_fen > 0).then(|| format!("；{} {}", t("vio.d.amount"), vio::yuan(d.amount_fen)))}</p>
            })}
            {approved.map(|a| view! {
                <h2>{move || t("vio.d.approval")}</h2>
                <p data-testid="vio-approved">{stamp_line(&people, a.at, a.by)}</p>
            })}
            {v.recheck.clone().map(|r| view! {
                <p data-testid="vio-recheck">{move || t("vio.d.recheck")}": "{when(r.due)}" · "
                    {move || if r.round.is_some() { t("vio.d.recheck_round") } else { t("vio.d.recheck_item") }}
                    " · "{name_of(&people, r.assignee)}</p>
            })}
            {v.callback.map(|_| view! { <p class="muted" data-testid="vio-callback">{move || t("vio.d.callback")}</p> })}
            <h2>{move || t("vio.d.facts_on_file")}</h2>
            {facts_on_file}
        </section>
        <Steps id=id v=v people=people/>
        <Show when=move || !may(Action::DecideViolation) && matches!(status, Status::Reported)>
            <p class="card muted screen-only" data-testid="vio-cannot-decide">{move || t("vio.a.cannot_decide")}</p>
        </Show>
    }
}

/// The steps this person may take now. A hidden step is a convenience; the domain decides.
#[component]
fn Steps(id: RecordId, v: Violation, people: People) -> impl IntoView {
    let may = super::may;
    let status = v.status.unwrap_or(Status::Reported);
    let v = StoredValue::new(v);
    let open = v.with_value(|v| v.is_open());
    // Decision form.
    let method = RwSignal::new(Method::Rectification);
    let basis = RwSignal::new(String::new());
    let opinion = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    // Facts.
    let serious = RwSignal::new(true);
    let arrears_note = RwSignal::new(String::new());
    let med_failed = RwSignal::new(true);
    let med_note = RwSignal::new(String::new());
    let com_note = RwSignal::new(String::new());
    // Notice.
    let served_at = RwSignal::new(String::new());
    let notice_note = RwSignal::new(String::new());
    let notice_photos = RwSignal::new(Vec::<Photo>::new());
    // Approval.
    let sig = RwSignal::new(String::new());
    let back_note = RwSignal::new(String::new());
    // Recheck / follow-up.
    let recheck_note = RwSignal::new(String::new());
    let recheck_photos = RwSignal::new(Vec::<Photo>::new());
    let follow = RwSignal::new(String::new());
    let follow_sig = RwSignal::new(String::new());

    let decide = move |_| {
        let fen =
            (amount.get_untracked().trim().parse::<f64>().unwrap_or(0.0) * 100.0).round() as i64;
        let d = Decision {
            method: method.get_untracked(),
            basis: basis.get_untracked(),
            opinion: opinion.get_untracked(),
            deadline: parse_local(&deadline.get_untracked()),
            amount_fen: fen,
        };
        let director = recipients(&people).director;
        let v = v.get_value();
        let c = cal();
        submit(
            move |a| vio::decide(a, id, &v, &d, director, now_ms(), &c),
            Text::new(
                "处理意见已提交主任审批",
                "Opinion submitted for the Director's signature",
            ),
            || {},
        );
    };
    let fact = move |which: u8| {
        let v = v.get_value();
        let (s, an, mf, mn, cn) = (
            serious.get_untracked(),
            arrears_note.get_untracked(),
            med_failed.get_untracked(),
            med_note.get_untracked(),
            com_note.get_untracked(),
        );
        submit(
            move |a| match which {
                0 => vio::record_arrears(a, id, &v, s, &an, now_ms()),
                1 => vio::record_mediation(
                    a,
                    id,
                    &v,
                    if mf {
                        MediationOutcome::Failed
                    } else {
                        MediationOutcome::Settled
                    },
                    &mn,
                    now_ms(),
                ),
                _ => vio::record_committee_support(a, id, &v, &cn, now_ms()),
            },
            Text::new("已记录", "Recorded"),
            || {},
        );
    };
    let notice = move |_| {
        let v = v.get_value();
        let Some(me) = ctx().session.get_untracked().map(|s| s.id) else {
            return;
        };
        let at = parse_local(&served_at.get_untracked()).unwrap_or_else(now_ms);
        let ph = notice_photos.get_untracked();
        let note = notice_note.get_untracked();
        submit(
            move |a| vio::serve_notice(a, id, &v, me, at, &ph, &note, now_ms()),
            Text::new("书面通知送达已记录", "Notice recorded"),
            move || notice_photos.set(vec![]),
        );
    };
    let approve = move |_| {
        let v = v.get_value();
        let s = sig.get_untracked();
        let c = cal();
        leptos::task::spawn_local(async move {
            let deadline = v.decision.as_ref().and_then(|d| d.deadline);
            let round = match deadline {
                Some(d) => next_round(v.info.unit, d).await,
                None => None,
            };
            let plan = RecheckPlan {
                round,
                assignee: None,
            };
            submit(
                move |a| vio::approve(a, id, &v, &s, &plan, now_ms(), &c),
                Text::new("处理意见已签署生效", "Signed: the opinion takes effect"),
                || {},
            );
        });
    };
    let send_back = move |_| {
        let v = v.get_value();
        let n = back_note.get_untracked();
        let c = cal();
        submit(
            move |a| vio::send_back(a, id, &v, &n, now_ms(), &c),
            Text::new("已退回", "Sent back"),
            || {},
        );
    };
    let recheck = move |passed: bool| {
        let v = v.get_value();
        let n = recheck_note.get_untracked();
        let ph = recheck_photos.get_untracked();
        let c = cal();
        submit(
            move |a| vio::recheck(a, id, &v, passed, &n, &ph, now_ms(), &c),
            Text::new("复查已记录", "Recheck recorded"),
            || {},
        );
    };
    let follow_up = move |_| {
        let v = v.get_value();
        let r = follow.get_untracked();
        let s = follow_sig.get_untracked();
        submit(
            move |a| vio::follow_up(a, id, &v, &r, &s, now_ms()),
            Text::new("跟进结果已记录，已结案", "Followed up and closed"),
            || {},
        );
    };
    let lbl = |k: &'static str| Signal::derive(move || t(k).to_string());
    let needs_recheck = v.with_value(|v| v.recheck.is_some() && v.rechecked.is_none());
    // The written notice matters for a cut (VIO-4): offered once a cut is considered.
    let notice_due = v.with_value(|v| {
        v.serious_arrears()
            || v.decision
                .as_ref()
                .is_some_and(|d| d.method == Method::WaterPowerCut)
    });
    view! {
        <div class="screen-only vio-steps">
            <Show when=move || status == Status::Reported && may(Action::DecideViolation)>
                <section class="card" data-testid="vio-decide">
                    <h2>{move || t("vio.a.decide")}</h2>
                    <div class="chips pick">
                        {Method::ALL.iter().map(|m| { let m = *m; view! {
                            <button class=move || if method.get() == m { "chip-btn on" } else { "chip-btn" }
                                data-testid=format!("vio-method-{}", m.key()) on:click=move |_| method.set(m)>{move || tx(&m.label())}</button>
                        }}).collect_view()}
                    </div>
                    <p class="muted" data-testid="vio-method-applies">{move || tx(&method.get().applies())}</p>
                    <Area label=lbl("vio.a.basis") value=basis testid="vio-basis"/>
                    <Area label=lbl("vio.a.opinion") value=opinion testid="vio-opinion"/>
                    <Show when=move || method.get() == Method::Rectification>
                        <TextField label=lbl("vio.a.deadline") value=deadline testid="vio-deadline" kind="datetime-local"/>
                    </Show>
                    <Show when=move || method.get() == Method::Compensation>
                        <TextField label=lbl("vio.a.amount") value=amount testid="vio-amount" kind="number" inputmode="decimal"/>
                    </Show>
                    <button class="btn primary" data-testid="vio-decide-submit" on:click=decide>{move || t("vio.a.submit")}</button>
                </section>
            </Show>
            <Show when=move || open && may(Action::DecideViolation)>
                <details class="card" data-testid="vio-facts-steps">
                    <summary data-testid="vio-facts-toggle"><strong>{move || t("vio.a.facts_toggle")}</strong></summary>
                    <div class="row2">
                        <div>
                            <label class="check"><input type="checkbox" data-testid="vio-serious" prop:checked=move || serious.get()
                                on:change=move |ev| serious.set(event_target_checked(&ev))/>{move || t("vio.a.serious")}</label>
                            <TextField label=lbl("vio.a.note") value=arrears_note testid="vio-arrears-note"/>
                            <button class="btn" data-testid="vio-arrears" on:click=move |_| fact(0)>{move || t("vio.a.arrears")}</button>
                        </div>
                        <div>
                            <div class="seg">
                                <button class=move || if med_failed.get() { "seg-btn on" } else { "seg-btn" } data-testid="vio-med-failed"
                                    on:click=move |_| med_failed.set(true)>{move || t("vio.a.mediation_failed")}</button>
                                <button class=move || if !med_failed.get() { "seg-btn on" } else { "seg-btn" }
                                    on:click=move |_| med_failed.set(false)>{move || t("vio.a.mediation_settled")}</button>
                            </div>
                            <TextField label=lbl("vio.a.note") value=med_note testid="vio-med-note"/>
                            <button class="btn" data-testid="vio-mediation" on:click=move |_| fact(1)>{move || t("vio.a.mediation")}</button>
                        </div>
                    </div>
                    <TextField label=lbl("vio.a.note") value=com_note testid="vio-com-note"/>
                    <button class="btn" data-testid="vio-committee" on:click=move |_| fact(2)>{move || t("vio.a.committee")}</button>
                </details>
            </Show>
            <Show when=move || open && notice_due && may(Action::FollowUpViolation)>
                <section class="card" data-testid="vio-notice">
                    <h2>{move || t("vio.a.notice")}</h2>
                    <TextField label=lbl("vio.a.served_at") value=served_at testid="vio-served-at" kind="datetime-local"/>
                    <TextField label=lbl("vio.a.note") value=notice_note testid="vio-notice-note"/>
                    <PhotoField photos=notice_photos testid="vio-notice"/>
                    <button class="btn" data-testid="vio-notice-save" on:click=notice>{move || t("vio.a.notice_btn")}</button>
                </section>
            </Show>
            <Show when=move || status == Status::Decided && may(Action::ApproveViolation)>
                <section class="card" data-testid="vio-approve">
                    <h2>{move || t("vio.a.approve")}</h2>
                    <SignaturePad path=sig testid="vio-approve-sign"/>
                    <button class="btn primary" data-testid="vio-approve-btn" on:click=approve>{move || t("vio.a.approve_btn")}</button>
                    <TextField label=lbl("vio.a.note") value=back_note testid="vio-back-note"/>
                    <button class="btn" data-testid="vio-send-back" on:click=send_back>{move || t("vio.a.send_back")}</button>
                </section>
            </Show>
            <Show when=move || status == Status::InEffect && needs_recheck && may(Action::FollowUpViolation)>
                <section class="card" data-testid="vio-recheck-step">
                    <h2>{move || t("vio.a.recheck")}</h2>
                    <TextField label=lbl("vio.a.note") value=recheck_note testid="vio-recheck-note"/>
                    <PhotoField photos=recheck_photos testid="vio-recheck"/>
                    <button class="btn primary" data-testid="vio-recheck-pass" on:click=move |_| recheck(true)>{move || t("vio.a.passed")}</button>
                    <button class="btn" data-testid="vio-recheck-fail" on:click=move |_| recheck(false)>{move || t("vio.a.failed")}</button>
                </section>
            </Show>
            <Show when=move || status == Status::InEffect && !needs_recheck && may(Action::FollowUpViolation)>
                <section class="card" data-testid="vio-follow">
                    <h2>{move || t("vio.a.follow")}</h2>
                    <Area label=lbl("vio.d.follow") value=follow testid="vio-follow-result"/>
                    <SignaturePad path=follow_sig testid="vio-follow-sign"/>
                    <button class="btn primary" data-testid="vio-follow-btn" on:click=follow_up>{move || t("vio.a.follow_btn")}</button>
                </section>
            </Show>
        </div>
    }
}

/// 客户违章记录表 (VIO-8) on A4: NO, violator, time, facts with signature, basis and method
/// (Supervisor), approval (Director), follow-up result (signature), and the photos.
#[component]
fn PrintForm(id: RecordId, v: Violation, people: People) -> impl IntoView {
    let estate = ctx()
        .estate
        .get_untracked()
        .map(|e| e.name)
        .unwrap_or_default();
    let d = v.decision.clone();
    let method = d.as_ref().map(|d| {
        let mut s = format!("{}：{}；{}", d.method.label().zh, d.basis, d.opinion);
        if let Some(x) = d.deadline {
            s.push_str(&format!("；整改期限 {}", when(x)));
        }
        if d.amount_fen > 0 {
            s.push_str(&format!("；赔偿 {} 元", vio::yuan(d.amount_fen)));
        }
        s
    });
    let what = v
        .info
        .category
        .map(|c| c.item_label(v.info.item).unwrap_or(c.label()).zh)
        .unwrap_or_default();
    let rec = v.recorded.clone();
    let follow = v.follow_up.clone();
    let photos: Vec<Photo> = v
        .info
        .photos
        .iter()
        .chain(v.notices.iter().flat_map(|n| n.photos.iter()))
        .cloned()
        .collect();
    view! {
        <section class="print-only print-form" data-testid="vio-print-form">
            <h1>{estate}" · 客户违章记录表"</h1>
            <table>
                <tr><th>"NO"</th><td data-testid="vio-pf-no">{id.short()}</td><th>"违章性质"</th><td>{v.severity().label().zh}</td></tr>
                <tr><th>"违章人"</th><td data-testid="vio-pf-violator">{v.info.violator.clone()}</td><th>"房号/地点"</th><td>{v.info.unit_label.clone()}" "{v.info.location.clone()}</td></tr>
                <tr><th>"违章时间"</th><td data-testid="vio-pf-time">{rec.as_ref().map(|r| when(r.at))}</td><th>"违章类型"</th><td>{what}</td></tr>
                <tr><th>"违章事实记录"</th><td colspan="3" data-testid="vio-pf-facts">{v.info.facts.clone()}
                    "（现场规劝："{v.info.persuaded.map(|p| p.label().zh).unwrap_or_default()}"）"</td></tr>
                <tr class="sign-row"><th>"签名"</th><td colspan="3">{(!v.signature.is_empty()).then(|| view! { <SignatureView path=v.signature.clone()/> })}
                    {rec.as_ref().map(|r| name_of(&people, Some(r.by)))}</td></tr>
                <tr><th>"处理依据及办法"</th><td colspan="3" data-testid="vio-pf-method">{method}</td></tr>
                <tr><th>"物业部主任助理"</th><td colspan="3">{v.decided.as_ref().map(|s| stamp_line(&people, s.at, s.by))}</td></tr>
                <tr class="sign-row"><th>"审批意见"</th><td colspan="3" data-testid="vio-pf-approval">{v.approved.as_ref().map(|s| format!("同意 {}", stamp_line(&people, s.at, s.by)))}
                    {(!v.approval_signature.is_empty()).then(|| view! { <SignatureView path=v.approval_signature.clone()/> })}</td></tr>
                <tr><th>"物业部主任"</th><td colspan="3">{name_of(&people, v.approved.as_ref().map(|s| s.by))}</td></tr>
                <tr class="sign-row"><th>"跟进结果"</th><td colspan="3" data-testid="vio-pf-follow">{follow.as_ref().map(|f| f.0.clone())}</td></tr>
                <tr class="sign-row"><th>"管理员签名"</th><td colspan="3">{follow.as_ref().map(|f| view! { <SignatureView path=f.1.clone()/> " "{name_of(&people, Some(f.2.by))}" "{when(f.2.at)} })}</td></tr>
            </table>
            <div class="photos print-photos" data-testid="vio-pf-photos">{photos.into_iter().map(|p| view! { <Thumb photo=p/> }).collect_view()}</div>
        </section>
    }
}

/// 装修违章情况记录表 (seed 002 §2.8, VIO-10) for a renovation breach.
#[component]
fn RenovationForm(id: RecordId, v: Violation, people: People) -> impl IntoView {
    let rec = v.recorded.clone();
    view! {
        <section class="print-only print-form print-break" data-testid="vio-print-renovation">
            <h1>"装修违章情况记录表"</h1>
            <table>
                <tr><th>"编号"</th><td>{id.short()}</td><th>"房号"</th><td>{v.info.unit_label.clone()}</td></tr>
                <tr><th>"检查时间"</th><td>{rec.as_ref().map(|r| when(r.at))}</td><th>"检查人"</th><td>{rec.as_ref().map(|r| name_of(&people, Some(r.by)))}</td></tr>
                <tr><th>"违章项目"</th><td colspan="3">{v.info.category.and_then(|c| c.item_label(v.info.item)).map(|x| x.zh).unwrap_or_else(|| "违反装修管理规定".into())}</td></tr>
                <tr><th>"违章情况"</th><td colspan="3">{v.info.facts.clone()}</td></tr>
                <tr><th>"处理意见"</th><td colspan="3">{v.decision.as_ref().map(|d| format!("{}：{}", d.method.label().zh, d.opinion))}</td></tr>
                <tr><th>"整改结果"</th><td colspan="3">{v.rechecked.as_ref().map(|r| format!("{}：{}", if r.0 { "已整改" } else { "未整改" }, r.1))}</td></tr>
                <tr class="sign-row"><th>"业主/施工方签名"</th><td></td><th>"管理员签名"</th><td></td></tr>
            </table>
        </section>
    }
}

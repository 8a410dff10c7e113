//! The round-walking screen — the patrol assistant's screen, used one-handed outdoors: large
//! targets, high contrast, the scan button under the thumb. Check in by scanning a label
//! (manual check-in possible and visibly flagged), answer the checkpoint's items, record
//! findings with photos. Everything is an event in IndexedDB the moment it is confirmed, so a
//! closed tab or a reboot mid-round comes back to the same round (PAT-1, PAT-3, PAT-4).

use super::{calendar, current_round, open_sheet};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::patrol::{
    self, Answer, AnswerType, AnswerValue, CheckInInput, Finding, FindingIds, FindingInfo,
    FindingKind, PatrolRound, Photo, Routing, Stop,
};
use crate::domain::registry::{Household, Unit};
use crate::store::{Filter, Query};
use crate::ui::components::people::{name_of, people, recipients, People};
use crate::ui::components::{CamMode, CameraOverlay, PhotoField, Sheet};
use crate::ui::i18n::{t, t_untracked};
use crate::ui::platform::{format_time, now_ms};
use crate::ui::state::{
    app, go, loader, submit, toast_err, tx, tx_untracked, utc_offset, Page, PatrolTab,
};
use leptos::prelude::*;

/// A check-in being confirmed: the stop, its scan id and time (fixed when scanned, so a
/// retry is the same scan), and whether it was manual.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    stop: usize,
    scan: String,
    at: i64,
    manual: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Ans {
    Ok,
    NotOk,
    Text(String),
}

fn hhmm(ms: i64) -> String {
    format_time(ms, utc_offset())
        .get(11..)
        .unwrap_or_default()
        .to_string()
}

fn new_scan_id() -> String {
    app().new_id().0.simple().to_string()[..12].to_string()
}

/// The round this tablet opened: a walk of checkpoints, or an inspection of orders (PAT-2).
#[component]
pub fn RoundScreen() -> impl IntoView {
    let Some(id) = current_round() else {
        go(Page::Patrol(PatrolTab::Today));
        return ().into_any();
    };
    let loaded = loader(move || async move {
        app()
            .get::<PatrolRound>(id)
            .await
            .ok()
            .flatten()
            .map(|r| r.is_inspection())
    });
    // Only a change of kind re-renders (a refresh must not reset an open sheet).
    let inspection = Memo::new(move |_| loaded.get().flatten());
    view! {
        {move || match inspection.get() {
            Some(true) => view! { <super::inspect::InspectScreen id=id/> }.into_any(),
            Some(false) => view! { <WalkScreen/> }.into_any(),
            None => ().into_any(),
        }}
    }
    .into_any()
}

#[component]
fn WalkScreen() -> impl IntoView {
    let Some(id) = current_round() else {
        go(Page::Patrol(PatrolTab::Today));
        return ().into_any();
    };
    let data = loader(move || async move {
        let r = app().get::<PatrolRound>(id).await.ok().flatten();
        let mut findings = Vec::new();
        if let Some(r) = &r {
            for f in &r.findings {
                if let Ok(Some(x)) = app().get::<Finding>(*f).await {
                    findings.push((*f, x));
                }
            }
        }
        (r, findings)
    });
    let people = people();
    let cam = RwSignal::new(None::<CamMode>);
    let pending = RwSignal::new(None::<Pending>);
    let answers = RwSignal::new(Vec::<Ans>::new());
    let skipped = RwSignal::new(Vec::<i32>::new());
    let check_open = RwSignal::new(false);
    let manual_for = RwSignal::new(None::<usize>);
    let manual_open = RwSignal::new(false);
    let finding_open = RwSignal::new(false);
    let finding_stop = RwSignal::new(None::<usize>);
    let finish_open = RwSignal::new(false);
    let finish_note = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<Photo>::new());

    let round = move || data.get().and_then(|(r, _)| r);
    let stop_at = move |i: usize| round().and_then(|r| r.stops().get(i).cloned());

    // Opens the confirm sheet for a stop: items preset to "正常", every floor walked.
    let begin = move |stop: usize, manual: bool| {
        let Some(r) = round() else { return };
        if r.checked(stop).is_some() {
            let name = r.stops()[stop].name.clone();
            toast_err(tx_untracked(&Text::new(
                format!("{name}已签到"),
                format!("{name} is already checked in"),
            )));
            return;
        }
        let s = &r.stops()[stop];
        answers.set(
            s.items
                .iter()
                .map(|i| match i.answer {
                    AnswerType::OkNotOk => Ans::Ok,
                    _ => Ans::Text(String::new()),
                })
                .collect(),
        );
        skipped.set(vec![]);
        pending.set(Some(Pending {
            stop,
            scan: new_scan_id(),
            at: now_ms(),
            manual,
        }));
        check_open.set(true);
    };

    // A label already checked in (walking past it again) keeps the camera scanning.
    let on_scan = Callback::new(move |cp: RecordId| -> Option<&'static str> {
        let r = round()?;
        match r.stop_of(cp) {
            Some(i) if r.checked(i).is_some() => Some("pat.already_scanned"),
            Some(i) => {
                begin(i, false);
                None
            }
            None => Some("pat.not_on_route"),
        }
    });
    let on_photo = Callback::new(move |p: Photo| photos.update(|v| v.push(p)));

    let confirm = move |_| {
        let (Some(p), Some(r)) = (pending.get_untracked(), round()) else {
            return;
        };
        let input = CheckInInput {
            scan: p.scan.clone(),
            stop: p.stop,
            at: p.at,
            manual: p.manual,
            answers: answers
                .get_untracked()
                .into_iter()
                .enumerate()
                .map(|(i, a)| Answer {
                    item: i as u8,
                    value: match (a, &r.stops()[p.stop].items[i].answer) {
                        (Ans::Ok, _) => AnswerValue::Ok,
                        (Ans::NotOk, _) => AnswerValue::NotOk,
                        (Ans::Text(s), AnswerType::Value { .. }) => AnswerValue::Value(s),
                        (Ans::Text(s), _) => AnswerValue::Note(s),
                    },
                })
                .collect(),
            skipped_floors: skipped.get_untracked(),
        };
        let bad = answers.get_untracked().contains(&Ans::NotOk);
        submit(
            move |actor| patrol::check_in(actor, id, &r, input),
            Text::new("已签到", "Checked in"),
            move || {
                check_open.set(false);
                pending.set(None);
                // A fault found: straight on to recording it (PAT-4).
                if bad {
                    finding_stop.set(Some(p.stop));
                    photos.set(vec![]);
                    finding_open.set(true);
                }
            },
        );
    };

    let header = move || {
        round().map(|r| {
            let p = r.plan.clone().expect("planned round");
            let outcome = r.outcome(now_ms());
            let (n, total) = (r.checked_count(), p.stops.len());
            view! {
                <header class="walk-head">
                    <button class="walk-back" data-testid="walk-back" on:click=move |_| go(Page::Patrol(PatrolTab::Today))>
                        "‹ "{move || t("pat.today")}
                    </button>
                    <div class="walk-title">
                        <h1 data-testid="walk-route">{p.route_name.clone()}</h1>
                        <span class=format!("pat-outcome big o-{}", outcome.as_str()) data-testid="walk-outcome">{move || tx(&outcome.label())}</span>
                    </div>
                    <p class="walk-sub">{hhmm(p.start)}"–"{hhmm(p.end)}" · "{move || name_of(&people, p.walker)}
                        {(r.finished.is_none() && now_ms() > p.end).then(|| view! { <span class="flag-late">{move || t("pat.past_window")}</span> })}
                    </p>
                    <div class="walk-progress" role="progressbar" aria-valuemin="0" aria-valuemax=total aria-valuenow=n>
                        <span style=format!("width:{}%", (n * 100).checked_div(total).unwrap_or(0))></span>
                    </div>
                    <p class="walk-count" data-testid="walk-count"><b>{n}</b>" / "{total}" "{move || t("pat.checked_in")}
                        {r.has_manual().then(|| view! { <span class="flag-manual">{move || t("pat.has_manual")}</span> })}
                    </p>
                </header>
            }
        })
    };

    let list = move || {
        round().map(|r| {
            let next = r.next_stop();
            let finished = r.finished.is_some();
            r.stops().iter().enumerate().map(|(i, s)| {
                let c = r.checked(i).cloned();
                let is_next = next == Some(i) && !finished;
                let cls = match (&c, is_next) {
                    (Some(c), _) if c.manual => "stop done manual",
                    (Some(_), _) => "stop done",
                    (None, true) => "stop next",
                    (None, false) => "stop",
                };
                let place = stop_place(s);
                let checked = c.is_some();
                let issues = c.as_ref().map(|c| c.answers.iter().filter(|a| a.value == AnswerValue::NotOk).count()).unwrap_or(0);
                view! {
                    <li class=cls data-testid="walk-stop" data-name=s.name.clone() data-state={if checked { "done" } else { "open" }}>
                        <button class="stop-btn" disabled=finished on:click=move |_| {
                            if !checked { manual_for.set(Some(i)); manual_open.set(true); }
                        }>
                            <span class="stop-no">{match &c { Some(c) if c.manual => "手".to_string(), Some(_) => "✓".to_string(), None => (i + 1).to_string() }}</span>
                            <span class="stop-main">
                                <strong>{s.name.clone()}</strong>
                                <span class="stop-place">{place}</span>
                            </span>
                            <span class="stop-side">
                                {match &c {
                                    Some(c) => view! {
                                        <span class="stop-time">{hhmm(c.at)}</span>
                                        {c.manual.then(|| view! { <span class="tag manual" data-testid="tag-manual">{move || t("pat.manual")}</span> })}
                                        {c.out_of_order.then(|| view! { <span class="tag order">{move || t("pat.out_of_order")}</span> })}
                                        {(issues > 0).then(|| view! { <span class="tag bad">{issues}" "{move || t("pat.issues")}</span> })}
                                    }.into_any(),
                                    None if is_next => view! { <span class="tag next">{move || t("pat.next")}</span> }.into_any(),
                                    None => ().into_any(),
                                }}
                            </span>
                        </button>
                    </li>
                }
            }).collect_view()
        })
    };

    let findings_list = move || {
        let (_, fs) = data.get().unwrap_or((None, vec![]));
        (!fs.is_empty()).then(|| view! {
            <section class="walk-findings">
                <h2>{move || t("pat.findings_here")}</h2>
                <ul>
                    {fs.into_iter().map(|(_, f)| {
                        let info = f.info.clone().expect("raised");
                        let kind = info.kind;
                        let st = f.status;
                        view! {
                            <li class="walk-finding" data-testid="walk-finding">
                                <span class="chip">{move || tx(&kind.label())}</span>
                                <span class="row-main"><strong>{info.note.clone()}</strong><span class="muted">{info.location.clone()}</span></span>
                                <span class=format!("fstatus s-{}", st.as_str())>{move || tx(&st.label())}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })
    };

    let finished = move || round().is_some_and(|r| r.finished.is_some());
    view! {
        <div class="walk" data-testid="walk">
            {header}
            <ol class="walk-stops">{list}</ol>
            // PAT-7 (issue 18): households of this round's buildings to visit for arrears.
            {move || round().map(|r| {
                let mut bs: Vec<_> = r.stops().iter().filter_map(|s| s.building).collect();
                bs.sort();
                bs.dedup();
                view! { <crate::ui::quality::ArrearsStops buildings=bs/> }
            })}
            {findings_list}
            <Show when=finished>
                <div class="walk-done card">
                    <p>{move || t("pat.round_finished")}</p>
                    <button class="btn big" data-testid="walk-sheet" on:click=move |_| open_sheet(id)>{move || t("pat.sheet")}</button>
                </div>
            </Show>
            <Show when=move || !finished() && round().is_some()>
                <div class="walk-bar" role="toolbar">
                    <button class="walk-scan" data-testid="walk-scan" on:click=move |_| cam.set(Some(CamMode::Scan))>
                        <QrIcon/>
                        {move || t("pat.scan")}
                    </button>
                    <div class="walk-bar-row">
                        <button class="btn walk-side" data-testid="walk-report" on:click=move |_| {
                            finding_stop.set(round().and_then(|r| r.check_ins.last().map(|c| c.stop as usize)));
                            photos.set(vec![]);
                            finding_open.set(true);
                        }>"⚠ "{move || t("pat.report")}</button>
                        <button class="btn walk-side" data-testid="walk-finish" on:click=move |_| finish_open.set(true)>{move || t("pat.finish")}</button>
                    </div>
                </div>
            </Show>

            <CameraOverlay mode=cam on_scan=on_scan on_photo=on_photo/>

            // Manual check-in: only where scanning is impossible; flagged in every view.
            <Sheet title=Signal::derive(move || manual_for.get().and_then(stop_at).map(|s| s.name).unwrap_or_default()) open=manual_open>
                <p class="lead">{move || t("pat.manual_lead")}</p>
                <button class="btn primary big" data-testid="manual-scan" on:click=move |_| { manual_open.set(false); cam.set(Some(CamMode::Scan)); }>
                    <QrIcon/>{move || t("pat.scan")}
                </button>
                <button class="btn big warn-btn" data-testid="manual-checkin" on:click=move |_| {
                    manual_open.set(false);
                    if let Some(i) = manual_for.get_untracked() { begin(i, true); }
                }>{move || t("pat.manual_do")}</button>
            </Sheet>

            <Sheet title=Signal::derive(move || pending.get().and_then(|p| stop_at(p.stop)).map(|s| s.name).unwrap_or_default()) open=check_open>
                {move || pending.get().and_then(|p| stop_at(p.stop).map(|s| (p, s))).map(|(p, s)| view! {
                    <div class=if p.manual { "check-stamp manual" } else { "check-stamp" } data-testid="check-stamp">
                        {if p.manual { t("pat.manual_stamp") } else { t("pat.scanned_stamp") }}" "{hhmm(p.at)}
                    </div>
                    <ItemAnswers stop=s.clone() answers=answers/>
                    <FloorSweep stop=s skipped=skipped/>
                    <button class="btn primary big confirm" data-testid="check-confirm" on:click=confirm>{move || t("pat.confirm")}</button>
                })}
            </Sheet>

            <FindingSheet open=finding_open round=id stop=finding_stop photos=photos cam=cam
                stops=Signal::derive(move || round().map(|r| r.stops().to_vec()).unwrap_or_default())
                people=people/>

            <Sheet title=Signal::derive(move || t("pat.finish").to_string()) open=finish_open>
                {move || round().map(|r| {
                    let missing = r.stops().len() - r.checked_count();
                    view! {
                        <p class="lead">{if missing > 0 {
                            format!("{}{}", missing, t("pat.missing_points"))
                        } else { t("pat.all_done").to_string() }}</p>
                    }
                })}
                <label class="field">
                    <span class="field-label">{move || t("pat.finish_note")}</span>
                    <textarea data-testid="finish-note" prop:value=move || finish_note.get() on:input=move |ev| finish_note.set(event_target_value(&ev))></textarea>
                </label>
                <button class="btn primary big" data-testid="finish-confirm" on:click=move |_| {
                    let Some(r) = round() else { return };
                    let note = finish_note.get_untracked();
                    submit(move |actor| patrol::finish_round(actor, id, &r, now_ms(), &note),
                        Text::new("巡查已结束", "Round finished"), move || finish_open.set(false));
                }>{move || t("pat.finish")}</button>
            </Sheet>
        </div>
    }
    .into_any()
}

fn stop_place(s: &Stop) -> String {
    let mut out = String::new();
    if let Some(f) = s.floor {
        out.push_str(&if f < 0 {
            format!("B{}", -f)
        } else {
            format!("{f}F")
        });
    }
    if !s.floors.is_empty() {
        let (a, b) = (s.floors[0], s.floors[s.floors.len() - 1]);
        let fl = |f: i32| {
            if f < 0 {
                format!("B{}", -f)
            } else {
                format!("{f}F")
            }
        };
        out = format!("{} ⇅ {}–{}", out, fl(a), fl(b));
    }
    if !s.area.is_empty() {
        if !out.is_empty() {
            out.push_str(" · ");
        }
        out.push_str(&s.area);
    }
    out
}

/// The checkpoint's items: big 正常 / 异常 toggles, readings and notes (PAT-3).
#[component]
fn ItemAnswers(stop: Stop, answers: RwSignal<Vec<Ans>>) -> impl IntoView {
    view! {
        <ul class="items">
            {stop.items.into_iter().enumerate().map(|(i, item)| {
                let label = item.label.clone();
                match item.answer {
                    AnswerType::OkNotOk => view! {
                        <li class="item" data-testid="item" data-label=label.clone()>
                            <span class="item-label">{label.clone()}</span>
                            <span class="seg2">
                                <button class=move || if answers.get().get(i) == Some(&Ans::Ok) { "ok on" } else { "ok" }
                                    data-testid="item-ok" on:click=move |_| answers.update(|v| v[i] = Ans::Ok)>{move || t("pat.ok")}</button>
                                <button class=move || if answers.get().get(i) == Some(&Ans::NotOk) { "bad on" } else { "bad" }
                                    data-testid="item-bad" on:click=move |_| answers.update(|v| v[i] = Ans::NotOk)>{move || t("pat.bad")}</button>
                            </span>
                        </li>
                    }.into_any(),
                    AnswerType::Value { unit } => view! {
                        <li class="item">
                            <span class="item-label">{label.clone()}</span>
                            <span class="item-value">
                                <input type="number" inputmode="decimal" data-testid="item-value"
                                    on:input=move |ev| { let v = event_target_value(&ev); answers.update(|a| a[i] = Ans::Text(v)); }/>
                                <span class="muted">{unit}</span>
                            </span>
                        </li>
                    }.into_any(),
                    AnswerType::Note => view! {
                        <li class="item col">
                            <span class="item-label">{label.clone()}</span>
                            <input type="text" data-testid="item-note"
                                on:input=move |ev| { let v = event_target_value(&ev); answers.update(|a| a[i] = Ans::Text(v)); }/>
                        </li>
                    }.into_any(),
                }
            }).collect_view()}
        </ul>
    }
}

/// Floors of a stairwell sweep: all walked unless unticked (PAT-2).
#[component]
fn FloorSweep(stop: Stop, skipped: RwSignal<Vec<i32>>) -> impl IntoView {
    (!stop.floors.is_empty()).then(|| view! {
        <div class="sweep">
            <p class="field-label">{move || t("pat.floors_walked")}</p>
            <div class="sweep-grid">
                {stop.floors.into_iter().map(|f| view! {
                    <button class=move || if skipped.get().contains(&f) { "fl off" } else { "fl" }
                        on:click=move |_| skipped.update(|s| if let Some(i) = s.iter().position(|x| *x == f) { s.remove(i); } else { s.push(f); })>
                        {if f < 0 { format!("B{}", -f) } else { f.to_string() }}
                    </button>
                }).collect_view()}
            </div>
        </div>
    })
}

/// Recording a finding: the kind decides where it goes (shown before saving), a note, the
/// place, photos; a household for opinions and home hazards (PAT-4, PAT-6, VIO-10).
#[component]
fn FindingSheet(
    open: RwSignal<bool>,
    round: RecordId,
    stop: RwSignal<Option<usize>>,
    photos: RwSignal<Vec<Photo>>,
    cam: RwSignal<Option<CamMode>>,
    stops: Signal<Vec<Stop>>,
    people: People,
) -> impl IntoView {
    let kind = RwSignal::new(None::<FindingKind>);
    let note = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let unit_no = RwSignal::new(String::new());
    let persuaded = RwSignal::new(false);
    let posting = RwSignal::new(false);
    Effect::new(move |_| {
        if open.get() {
            kind.set(None);
            note.set(String::new());
            unit_no.set(String::new());
            persuaded.set(false);
            posting.set(false);
            let s = stop
                .get_untracked()
                .and_then(|i| stops.get_untracked().get(i).cloned());
            place.set(s.map(|s| s.name).unwrap_or_default());
        }
    });
    let needs_home = move || {
        matches!(
            kind.get(),
            Some(FindingKind::Opinion | FindingKind::HomeHazard)
        )
    };
    let save = move |_| {
        let Some(k) = kind.get_untracked() else {
            toast_err(t_untracked("pat.pick_kind"));
            return;
        };
        let s = stop.get_untracked();
        let building = s.and_then(|i| stops.get_untracked().get(i).and_then(|s| s.building));
        let unit_no = unit_no.get_untracked().trim().to_string();
        let mut info = FindingInfo {
            kind: k,
            round: Some(round),
            stop: s.map(|i| i as u16),
            location: place.get_untracked(),
            note: note.get_untracked(),
            facility: None,
            unit: None,
            household: None,
            photos: photos.get_untracked(),
            persuaded: persuaded.get_untracked(),
            for_posting: posting.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            if !unit_no.is_empty() {
                // The unit by its number (in the stop's building when there is one).
                let units = app()
                    .query(&Query::new(
                        RecordKind::Unit,
                        Filter::Prefix(unit_no.clone()),
                    ))
                    .await
                    .unwrap_or_default();
                let unit = units
                    .into_iter()
                    .filter_map(|v| v.state::<Unit>().map(|u| (v.id, u.info)))
                    .filter(|(_, u)| u.number == unit_no)
                    .find(|(_, u)| building.is_none_or(|b| u.building == b))
                    .map(|(id, _)| id);
                let Some(unit) = unit else {
                    toast_err(format!("{}{}", t_untracked("pat.no_unit"), unit_no));
                    return;
                };
                info.unit = Some(unit);
                info.household = app()
                    .query(&Query::new(RecordKind::Household, Filter::Unit(unit)))
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|v| v.state::<Household>().map(|h| (v.id, h)))
                    .find(|(_, h)| h.moved_out.is_none())
                    .map(|(id, _)| id);
            }
            let to = recipients(&people);
            let ids = FindingIds {
                finding: app().new_id(),
                routed: app().new_id(),
            };
            let cal = calendar();
            submit(
                move |actor| patrol::raise_finding(actor, ids, &info, &to, now_ms(), &cal),
                Text::new("已记录，已转交", "Recorded and passed on"),
                move || {
                    open.set(false);
                    photos.set(vec![]);
                },
            );
        });
    };
    view! {
        <Sheet title=Signal::derive(move || t("pat.report").to_string()) open=open>
            <div class="kinds" role="radiogroup">
                {FindingKind::ALL.into_iter().map(|k| view! {
                    <button class=move || if kind.get() == Some(k) { "kind on" } else { "kind" }
                        data-testid=format!("kind-{}", k.as_str()) on:click=move |_| kind.set(Some(k))>
                        {move || tx(&k.label())}
                    </button>
                }).collect_view()}
            </div>
            {move || kind.get().map(|k| view! { <p class="routing" data-testid="routing">"→ "{move || tx(&k.routing_text())}</p> })}
            <label class="field">
                <span class="field-label">{move || t("pat.place")}</span>
                <input type="text" data-testid="finding-place" prop:value=move || place.get() on:input=move |ev| place.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span class="field-label">{move || t("pat.what")}</span>
                <textarea data-testid="finding-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </label>
            <Show when=needs_home>
                <label class="field">
                    <span class="field-label">{move || t("pat.unit_no")}</span>
                    <input type="text" inputmode="numeric" data-testid="finding-unit" prop:value=move || unit_no.get() on:input=move |ev| unit_no.set(event_target_value(&ev))/>
                </label>
            </Show>
            <Show when=move || kind.get().is_some_and(|k| k.routing() == Routing::Persuade)>
                <label class="check big"><input type="checkbox" data-testid="finding-persuaded" prop:checked=move || persuaded.get() on:change=move |ev| persuaded.set(event_target_checked(&ev))/>{move || t("pat.persuaded")}</label>
                <label class="check big"><input type="checkbox" prop:checked=move || posting.get() on:change=move |ev| posting.set(event_target_checked(&ev))/>{move || t("pat.posting")}</label>
            </Show>
            <PhotoField photos=photos testid="finding" cam=cam/>
            <button class="btn primary big" data-testid="finding-save" on:click=save>{move || t("pat.save_finding")}</button>
        </Sheet>
    }
}

/// A QR-code glyph drawn in SVG (tablet fonts lack the symbol characters).
#[component]
fn QrIcon() -> impl IntoView {
    view! {
        <svg class="qr-icon" viewBox="0 0 24 24" aria-hidden="true">
            <path fill="currentColor" d="M3 3h8v8H3zm2 2v4h4V5zm8-2h8v8h-8zm2 2v4h4V5zM3 13h8v8H3zm2 2v4h4v-4zm8-2h3v3h-3zm3 3h3v3h-3zm3-3h2v3h-2zm-6 6h3v2h-3zm5 0h4v2h-4z"/>
        </svg>
    }
}

//! 欠费催缴 (PAT-7): import finance's monthly list (columns mapped once, then remembered; bad rows
//! listed, nothing half-imported), phone every household, an unanswered call becomes a visit on
//! the building's next patrol round ([`ArrearsStops`], shown by the round), the collection rate.

use super::{may, today};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::quality::arrears::{
    self, guess_mapping, month_id, read_rows, yuan, ArrearsMonth, ArrearsRow, BadRow, CallOutcome,
    Field, Next, COMPANY_TARGET, PATROL_TARGET,
};
use crate::domain::quality::pct;
use crate::domain::registry::{Building, Unit};
use crate::domain::roles::Action;
use crate::store::{Filter, Query};
use crate::ui::components::TextField;
use crate::ui::i18n::t;
use crate::ui::platform::{now_ms, read_chosen};
use crate::ui::state::{app, loader, submit, tx};
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// The previous months' mapping, newest first (remembered in the import events).
async fn last_mapping(month: &str) -> BTreeMap<Field, String> {
    let Ok(first) = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d") else {
        return BTreeMap::new();
    };
    for back in 0..13 {
        let Some(d) = first.checked_sub_months(chrono::Months::new(back)) else {
            break;
        };
        let key = d.format("%Y-%m").to_string();
        if let Ok(Some(m)) = app().get::<ArrearsMonth>(month_id(&key)).await {
            if !m.mapping.is_empty() {
                return m.mapping;
            }
        }
    }
    BTreeMap::new()
}

/// Finance's unit text → (unit, building): "3-1201", "3号楼1201", "3栋 1201", "3号楼 1201".
async fn unit_finder() -> HashMap<String, (RecordId, RecordId)> {
    let a = app();
    let buildings: HashMap<RecordId, String> = a
        .query(&Query::all(RecordKind::Building))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Building>().map(|b| (v.id, b.info.name)))
        .collect();
    let mut map = HashMap::new();
    for v in a
        .query(&Query::all(RecordKind::Unit))
        .await
        .unwrap_or_default()
    {
        let Some(u) = v.state::<Unit>() else { continue };
        let Some(bname) = buildings.get(&u.info.building) else {
            continue;
        };
        let num: String = bname.chars().take_while(|c| c.is_ascii_digit()).collect();
        for key in [
            format!("{num}-{}", u.info.number),
            format!("{bname}{}", u.info.number),
            format!("{num}栋{}", u.info.number),
        ] {
            map.insert(key, (v.id, u.info.building));
        }
    }
    map
}

fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[component]
pub fn ArrearsTab() -> impl IntoView {
    let month = RwSignal::new(today().format("%Y-%m").to_string());
    let data = loader(move || {
        let m = month.get();
        async move { app().get::<ArrearsMonth>(month_id(&m)).await.ok().flatten() }
    });
    view! {
        <div class="page-head screen-only q-head">
            <p class="muted">{move || t("q.arrears.lead")}</p>
            <input type="month" class="input" data-testid="q-arrears-month" prop:value=move || month.get()
                on:change=move |ev| month.set(event_target_value(&ev))/>
        </div>
        <Show when=move || may(Action::ImportArrears)>
            <Import month=month/>
        </Show>
        {move || data.get().map(|list| match list {
            None => view! { <p class="muted" data-testid="q-arrears-empty">{move || t("q.arrears.none")}</p> }.into_any(),
            Some(m) => view! { <MonthList m=m/> }.into_any(),
        })}
    }
}

#[component]
fn Import(month: RwSignal<String>) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let lines = RwSignal::new(Vec::<Vec<String>>::new());
    let file = RwSignal::new(String::new());
    let mapping = RwSignal::new(BTreeMap::<Field, String>::new());
    let bad = RwSignal::new(Vec::<BadRow>::new());
    let ready = RwSignal::new(None::<Vec<ArrearsRow>>);
    let billed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Text>);
    let read = move |_| {
        let Some(el) = input.get_untracked() else {
            return;
        };
        let m = month.get_untracked();
        leptos::task::spawn_local(async move {
            error.set(None);
            bad.set(vec![]);
            ready.set(None);
            // The previous file's rows go while this one is read: nothing checks stale rows.
            lines.set(vec![]);
            let Some((name, bytes)) = read_chosen(&el).await else {
                error.set(Some(Text::new("请先选择文件", "Choose a file first")));
                return;
            };
            // PAT-7: an .xlsx is read by the office worker into the same rows a CSV gives;
            // both then take the one mapping/checking path below.
            let parsed = if arrears::is_xlsx(&name, &bytes) {
                crate::office::client::read_xlsx(&bytes).await.map_err(|e| {
                    Text::new(
                        format!("无法读取 Excel 文件：{e}"),
                        format!("Cannot read the Excel file: {e}"),
                    )
                })
            } else {
                crate::sync::csv::parse(&bytes)
            };
            match parsed {
                Err(e) => error.set(Some(e)),
                Ok(l) => {
                    let prev = last_mapping(&m).await;
                    mapping.set(guess_mapping(
                        l.first().map(Vec::as_slice).unwrap_or(&[]),
                        &prev,
                    ));
                    file.set(name);
                    lines.set(l);
                }
            }
        });
    };
    let check = move |_| {
        let (l, map) = (lines.get_untracked(), mapping.get_untracked());
        leptos::task::spawn_local(async move {
            let units = unit_finder().await;
            let find = |s: &str| units.get(&norm(s)).copied();
            match read_rows(&l, &map, &find) {
                Ok(rows) => {
                    bad.set(vec![]);
                    ready.set(Some(rows));
                }
                Err(b) => {
                    ready.set(None);
                    bad.set(b);
                }
            }
        });
    };
    let import = move |_| {
        let Some(rows) = ready.get_untracked() else {
            return;
        };
        let m = month.get_untracked();
        let fen = arrears::parse_yuan(&billed.get_untracked()).unwrap_or(0);
        let (map, f) = (mapping.get_untracked(), file.get_untracked());
        submit(
            move |a| arrears::import(a, &m, fen, rows, map, &f, now_ms()),
            Text::new("欠费清单已导入", "Arrears list imported"),
            move || {
                ready.set(None);
                lines.set(vec![]);
            },
        );
    };
    view! {
        <section class="card" data-testid="q-import">
            <h2>{move || t("q.import")}</h2>
            <div class="q-inline">
                <input type="file" accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" node_ref=input data-testid="q-import-file"/>
                <button class="btn" data-testid="q-import-read" on:click=read>{move || t("q.import.read")}</button>
            </div>
            <p class="muted small">{move || t("q.import.xlsx")}</p>
            {move || error.get().map(|e| view! { <p class="error">{move || tx(&e)}</p> })}
            {move || (!lines.get().is_empty()).then(|| {
                let headers = lines.get().first().cloned().unwrap_or_default();
                view! {
                    <h3>{move || t("q.import.map")}</h3>
                    <div class="q-mapping">
                        {Field::ALL.iter().map(|f| {
                            let f = *f;
                            let l = f.label();
                            let hs = headers.clone();
                            view! {
                                <label class="field"><span class="field-label">{move || tx(&l)}{f.required().then_some(" *")}</span>
                                    <select data-testid=format!("q-map-{}", f.key()) on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        mapping.update(|m| { if v.is_empty() { m.remove(&f); } else { m.insert(f, v); } });
                                    }>
                                        <option value="">"—"</option>
                                        {hs.into_iter().map(|h| { let h2 = h.clone(); let h3 = h.clone(); view! {
                                            <option value=h3 selected=move || mapping.get().get(&f) == Some(&h2)>{h}</option>
                                        }}).collect_view()}
                                    </select>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <p class="muted small" data-testid="q-import-rows">{move || format!("{} {}", lines.get().len().saturating_sub(1), t("q.import.rows"))}</p>
                    <button class="btn" data-testid="q-import-check" on:click=check>{move || t("q.import.check")}</button>
                }
            })}
            {move || (!bad.get().is_empty()).then(|| view! {
                <div class="q-bad" data-testid="q-import-bad">
                    <p class="error">{move || t("q.import.bad")}</p>
                    <ul>{bad.get().into_iter().map(|b| { let r = b.reason.clone(); view! {
                        <li data-testid="q-bad-row">{move || t("q.line")}" "{b.line}": "{move || tx(&r)}</li>
                    }}).collect_view()}</ul>
                </div>
            })}
            {move || ready.get().map(|rows| {
                let total: i64 = rows.iter().map(|r| r.owed_fen).sum();
                view! {
                    <p class="ok-text" data-testid="q-import-ok">{rows.len()}" "{move || t("q.import.ok")}" · "{yuan(total)}" 元"</p>
                    <TextField label=Signal::derive(move || t("q.billed")) value=billed testid="q-billed" inputmode="decimal"/>
                    <button class="btn primary" data-testid="q-import-save" on:click=import>{move || t("q.import.save")}</button>
                }
            })}
        </section>
    }
}

#[component]
fn MonthList(m: ArrearsMonth) -> impl IntoView {
    let rate = m.collection_rate();
    let patrol_ok = rate.is_some_and(|r| r >= PATROL_TARGET);
    let company_ok = rate.is_some_and(|r| r >= COMPANY_TARGET);
    let ms = StoredValue::new(m.clone());
    view! {
        <section class="card" data-testid="q-arrears">
            <div class="q-summary">
                <div class=if company_ok { "q-kpi ok" } else { "q-kpi bad" }>
                    <strong data-testid="q-collection">{pct(rate)}</strong>
                    <span>{move || t("q.collection")}</span>
                </div>
                <div class="q-kpi"><strong>{if patrol_ok { "✓" } else { "✗" }}</strong><span>{move || t("q.target.patrol")}</span></div>
                <div class="q-kpi"><strong>{if company_ok { "✓" } else { "✗" }}</strong><span>{move || t("q.target.company")}</span></div>
                <div class="q-kpi"><strong>{m.called()}" / "{m.rows.len()}</strong><span>{move || t("q.called")}</span></div>
            </div>
            <p class="muted small">{move || t("q.cut_note")}</p>
            <table class="table">
                <thead><tr>
                    <th>{move || tx(&Field::Unit.label())}</th><th>{move || tx(&Field::Name.label())}</th>
                    <th>{move || tx(&Field::Phone.label())}</th><th class="num">{move || t("q.owed")}</th>
                    <th>{move || t("q.last")}</th><th>{move || t("q.next")}</th><th></th>
                </tr></thead>
                <tbody>
                    {m.rows.iter().map(|r| {
                        let unit = r.unit;
                        let next = m.next(unit);
                        let last = m.contacts.get(&unit).and_then(|c| c.last()).cloned();
                        let outcome = RwSignal::new(CallOutcome::NoAnswer);
                        let promise = RwSignal::new((today() + chrono::Days::new(7)).to_string());
                        let record = move |_| {
                            let m = ms.get_value();
                            let o = outcome.get_untracked();
                            let p = chrono::NaiveDate::parse_from_str(&promise.get_untracked(), "%Y-%m-%d").ok();
                            submit(move |a| {
                                if m.next(unit) == Next::Visit {
                                    arrears::visit(a, &m, unit, o, p, "", now_ms())
                                } else {
                                    arrears::call(a, &m, unit, o, p, "", now_ms())
                                }
                            }, Text::new("催缴已记录", "Follow-up recorded"), || {});
                        };
                        let next_text = match next {
                            Next::Call => Text::new("电话催缴", "Call"),
                            Next::Visit => Text::new("巡查时上门", "Visit on the round"),
                            Next::Wait => Text::new("等待缴费", "Waiting"),
                            Next::Paid => Text::new("已缴清", "Paid"),
                        };
                        view! {
                            <tr data-testid="q-arrears-row" data-place=r.place.clone()>
                                <td>{r.place.clone()}</td><td>{r.name.clone()}</td><td>{r.phone.clone()}</td>
                                <td class="num">{yuan(r.owed_fen)}</td>
                                <td>{last.map(|c| { let l = c.outcome.label(); view! { {move || tx(&l)}{c.promise.map(|d| format!(" → {d}"))} } })}</td>
                                <td><span class=if next == Next::Visit { "badge warn" } else if next == Next::Paid { "badge ok" } else { "badge due" } data-testid="q-next">{move || tx(&next_text)}</span></td>
                                <td>{(next != Next::Paid && may(Action::FollowUpArrears)).then(|| view! {
                                    <div class="q-inline">
                                        <select data-testid="q-outcome" on:change=move |ev| {
                                            if let Some(o) = CallOutcome::from_key(&event_target_value(&ev)) { outcome.set(o); }
                                        }>
                                            {CallOutcome::ALL.iter().map(|o| { let o = *o; view! {
                                                <option value=o.key() selected=move || outcome.get() == o>{move || tx(&o.label())}</option>
                                            }}).collect_view()}
                                        </select>
                                        <Show when=move || outcome.get() == CallOutcome::Promised>
                                            <input type="date" class="input" data-testid="q-promise" prop:value=move || promise.get() on:change=move |ev| promise.set(event_target_value(&ev))/>
                                        </Show>
                                        <button class="btn" data-testid="q-record" on:click=record>{move || t("q.record")}</button>
                                    </div>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// PAT-7: the households of a building to visit for arrears, shown on its patrol round (the
/// months' lists whose search keys name the building).
#[component]
pub fn ArrearsStops(buildings: Vec<RecordId>) -> impl IntoView {
    let data = loader(move || {
        let bs = buildings.clone();
        async move {
            let mut out: Vec<ArrearsRow> = Vec::new();
            for b in bs {
                let lists = app()
                    .query(&Query::new(
                        RecordKind::ArrearsMonth,
                        Filter::Prefix(arrears::visit_key(b)),
                    ))
                    .await
                    .unwrap_or_default();
                for v in lists {
                    if let Some(m) = v.state::<ArrearsMonth>() {
                        out.extend(m.visits(b).into_iter().cloned());
                    }
                }
            }
            out
        }
    });
    view! {
        {move || data.get().filter(|v| !v.is_empty()).map(|rows| view! {
            <section class="card q-stops" data-testid="q-arrears-stops">
                <h3>{move || t("q.stops")}</h3>
                <ul>{rows.into_iter().map(|r| view! {
                    <li data-testid="q-stop">{r.place.clone()}" · "{r.name.clone()}" · "{yuan(r.owed_fen)}" 元"</li>
                }).collect_view()}</ul>
                <button class="btn ghost" on:click=move |_| crate::ui::state::go(crate::ui::state::Page::Quality(crate::ui::state::QualTab::Arrears))>{move || t("q.stops.open")}</button>
            </section>
        })}
    }
}

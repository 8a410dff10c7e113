//! 违纪处理 (PAID-8): a Supervisor records a private job or neglected duty against a staff
//! member; the page shows the step the record takes next (the domain decides it); the month's
//! fines are listed for deduction, printed on A4 and exported as CSV (`sync::csv`).

use crate::domain::discipline::{
    self, fine_month_key, month_fines, yuan, Discipline, DisciplineInput, Offence,
};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::StaffId;
use crate::domain::roles::Action;
use crate::store::{Filter, Query};
use crate::ui::components::people::{all_staff, name_in};
use crate::ui::components::print_page;
use crate::ui::duty::calendar;
use crate::ui::i18n::t;
use crate::ui::platform::{download, now_ms};
use crate::ui::state::{app, ctx, loader, submit, tx};
use leptos::prelude::*;

fn fine_setting() -> u64 {
    ctx()
        .estate
        .get_untracked()
        .map(|e| e.settings.discipline_fine_fen)
        .unwrap_or(discipline::DEFAULT_FINE_FEN)
}

#[component]
pub fn DisciplinePage() -> impl IntoView {
    let c = ctx();
    let may = move || {
        c.session
            .get()
            .is_some_and(|s| s.may(Action::RecordDiscipline))
    };
    let today = calendar().local_date(now_ms());
    let person = RwSignal::new(String::new());
    let offence = RwSignal::new(Offence::PrivateJob);
    let what = RwSignal::new(String::new());
    let date = RwSignal::new(today.to_string());
    let month = RwSignal::new(today.format("%Y-%m").to_string());
    let staff = loader(all_staff);
    // The chosen person's record (one record per person).
    let current = loader(move || {
        let p: Option<StaffId> = person.get().parse().ok();
        async move {
            match p {
                Some(p) => app()
                    .get::<Discipline>(discipline::record_id(p))
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
                None => Discipline::default(),
            }
        }
    });
    // The month's fines, from the month key (never every record of five years).
    let fines = loader(move || {
        let m = month.get();
        async move {
            let recs: Vec<Discipline> = app()
                .query(&Query::new(
                    RecordKind::Discipline,
                    Filter::Prefix(fine_month_key(&m)),
                ))
                .await
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.state())
                .collect();
            month_fines(&m, &recs)
        }
    });
    let save = move |_| {
        let cur = current.get_untracked().unwrap_or_default();
        let input = DisciplineInput {
            person: person.get_untracked().parse().ok(),
            offence: offence.get_untracked(),
            what: what.get_untracked(),
            date: date.get_untracked().parse().unwrap_or(today),
        };
        let fine = fine_setting();
        submit(
            move |a| discipline::record(a, &cur, &input, fine, now_ms()),
            Text::new("违纪处理已记录", "Discipline recorded"),
            move || what.set(String::new()),
        );
    };
    let export = move |_| {
        let list = fines.get_untracked().unwrap_or_default();
        let people = staff.get_untracked().unwrap_or_default();
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|f| {
                vec![
                    f.date.to_string(),
                    name_in(&people, f.person),
                    f.offence.label().zh,
                    f.step.label().zh,
                    f.what.clone(),
                    yuan(f.fine_fen),
                ]
            })
            .collect();
        let bytes = crate::sync::csv::to_csv(
            &["日期", "员工", "违纪情况", "处理", "经过", "罚款（元）"],
            &rows,
        );
        download(
            &format!("违纪罚款-{}.csv", month.get_untracked()),
            "text/csv;charset=utf-8",
            &bytes,
        );
    };
    let estate = move || c.estate.get().map(|e| e.name).unwrap_or_default();
    view! {
        <div class="page discipline" data-testid="discipline-page">
            <div class="page-head screen-only">
                <h1 class="page-title">{move || t("dis.title")}</h1>
            </div>
            <p class="muted screen-only">{move || t("dis.lead")}</p>
            <Show when=may>
                <section class="card screen-only" data-testid="dis-form">
                    <label class="field"><span class="field-label">{move || t("dis.person")}</span>
                        <select data-testid="dis-person" on:change=move |ev| person.set(event_target_value(&ev))>
                            <option value="">{move || t("trn.choose")}</option>
                            {move || staff.get().unwrap_or_default().into_iter().filter(|p| p.active).map(|p| view! {
                                <option value=p.id.to_string()>{p.name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <div class="field"><span class="field-label">{move || t("dis.offence")}</span>
                        <div class="seg">
                            {Offence::ALL.into_iter().map(|o| view! {
                                <button class=move || if offence.get() == o { "seg-btn active" } else { "seg-btn" }
                                    data-testid=format!("dis-offence-{o:?}") on:click=move |_| offence.set(o)>{move || tx(&o.label())}</button>
                            }).collect_view()}
                        </div>
                    </div>
                    <label class="field"><span class="field-label">{move || t("dis.what")}</span>
                        <textarea data-testid="dis-what" prop:value=move || what.get() on:input=move |ev| what.set(event_target_value(&ev))></textarea>
                    </label>
                    <label class="field"><span class="field-label">{move || t("dis.date")}</span>
                        <input type="date" data-testid="dis-date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/>
                    </label>
                    <p class="dis-next" data-testid="dis-next">
                        {move || t("dis.next")}"："
                        {move || {
                            let step = current.get().unwrap_or_default().next_step(offence.get());
                            let fine = if step.has_fine() { format!(" {} {}", yuan(fine_setting()), t("dis.yuan")) } else { String::new() };
                            format!("{}{fine}", tx(&step.label()))
                        }}
                    </p>
                    {move || {
                        let cur = current.get().unwrap_or_default();
                        (!cur.entries.is_empty()).then(|| view! {
                            <div class="dis-history" data-testid="dis-history">
                                <h3>{move || t("dis.history")}</h3>
                                <ul>
                                    {cur.entries.into_iter().map(|e| view! {
                                        <li>{e.date.to_string()}" · "{move || tx(&e.offence.label())}" · "{move || tx(&e.step.label())}
                                            {(e.fine_fen > 0).then(|| format!(" · {} 元", yuan(e.fine_fen)))}" · "{e.what.clone()}</li>
                                    }).collect_view()}
                                </ul>
                            </div>
                        })
                    }}
                    <button class="btn primary" data-testid="dis-save" on:click=save>{move || t("dis.save")}</button>
                </section>
            </Show>
            <section class="card" data-testid="dis-month">
                <div class="row screen-only">
                    <h2>{move || t("dis.month")}</h2>
                    <span class="spacer"></span>
                    <input type="month" data-testid="dis-month-pick" prop:value=move || month.get() on:input=move |ev| month.set(event_target_value(&ev))/>
                    <button class="btn" data-testid="dis-csv" on:click=export>{move || t("dis.csv")}</button>
                    <button class="btn" data-testid="dis-print" on:click=move |_| print_page()>{move || t("dis.print")}</button>
                </div>
                <h1 class="print-only">{estate}" · "{move || month.get()}" 违纪罚款扣款清单"</h1>
                {move || {
                    let list = fines.get().unwrap_or_default();
                    let people = staff.get().unwrap_or_default();
                    if list.is_empty() {
                        return view! { <p class="muted" data-testid="dis-none">{move || t("dis.none")}</p> }.into_any();
                    }
                    let total: u64 = list.iter().map(|f| f.fine_fen).sum();
                    view! {
                        <table class="table" data-testid="dis-fines">
                            <thead><tr>
                                <th>{move || t("dis.date")}</th><th>{move || t("dis.person")}</th><th>{move || t("dis.offence")}</th>
                                <th>{move || t("dis.step")}</th><th>{move || t("dis.what")}</th><th class="num">{move || t("dis.fine")}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|f| view! {
                                    <tr data-testid="dis-fine-row">
                                        <td>{f.date.to_string()}</td>
                                        <td>{name_in(&people, f.person)}</td>
                                        <td>{move || tx(&f.offence.label())}</td>
                                        <td>{move || tx(&f.step.label())}</td>
                                        <td>{f.what.clone()}</td>
                                        <td class="num">{yuan(f.fine_fen)}</td>
                                    </tr>
                                }).collect_view()}
                                <tr class="total"><td colspan="5"><strong>{move || t("dis.total")}</strong></td>
                                    <td class="num" data-testid="dis-total"><strong>{yuan(total)}</strong></td></tr>
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <p class="print-only sign-line">{move || t("dis.sign")}</p>
            </section>
        </div>
    }
}

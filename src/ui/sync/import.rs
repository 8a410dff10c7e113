//! Import: choose a file, optional passphrase, validate everything first, show the preview,
//! commit only on confirmation. Used on the sync page and, with `join`, on the first-run
//! screen to join an existing estate from another tablet's full export.

use super::{paint, text, update_log, Busy};
use crate::domain::i18n::Text;
use crate::sync::{
    apply_import_in_groups, file_id, import_marker, plan_import, ImportMarker, ImportPlan,
    ImportSettings, IMPORT_GROUP_EVENTS,
};
use crate::ui::components::TextField;
use crate::ui::i18n::{t, t_untracked};
use crate::ui::platform::{format_time, now_ms, read_chosen};
use crate::ui::state::{app, bump, ctx, toast_ok, tx};
use leptos::prelude::*;

#[component]
pub fn ImportPanel(
    /// On the first-run screen: the file must found the estate and carry the PINs (encrypted).
    #[prop(optional)]
    join: bool,
) -> impl IntoView {
    let c = ctx();
    let input = NodeRef::<leptos::html::Input>::new();
    let pass = RwSignal::new(String::new());
    let busy = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<Text>);
    let plan = RwSignal::new(None::<ImportPlan>);
    let chosen = RwSignal::new(false);
    // Issue 13: the chosen file's id (its checksum), the import's progress, and an import a
    // closed tab left unfinished (absorbed in groups, each its own transaction).
    let file = RwSignal::new(String::new());
    let progress = RwSignal::new(None::<(u64, u64)>);
    let unfinished = RwSignal::new(None::<ImportMarker>);
    let load_marker = move || {
        leptos::task::spawn_local(async move {
            unfinished.set(import_marker(&app().store).await.ok().flatten());
        })
    };
    load_marker();

    let reset = move || {
        plan.set(None);
        pass.set(String::new());
        chosen.set(false);
        if let Some(i) = input.get_untracked() {
            i.set_value("");
        }
    };
    let check = move |_| {
        if busy.get_untracked().is_some() {
            return;
        }
        error.set(None);
        plan.set(None);
        let Some(el) = input.get_untracked() else {
            return;
        };
        let passphrase = pass.get_untracked();
        busy.set(Some(if passphrase.is_empty() {
            "sync.checking"
        } else {
            "sync.decrypting"
        }));
        leptos::task::spawn_local(async move {
            paint().await;
            match read_chosen(&el).await {
                None => error.set(Some(text("sync.choose_first"))),
                Some((_name, bytes)) => {
                    let a = app();
                    file.set(file_id(&bytes));
                    let p = (!passphrase.is_empty()).then_some(passphrase.as_str());
                    let settings = ImportSettings {
                        max_future_skew_ms: c
                            .estate
                            .get_untracked()
                            .map(|e| e.settings.import_max_skew_hours as i64 * 3_600_000)
                            .unwrap_or(ImportSettings::default().max_future_skew_ms),
                    };
                    // Joining (first-run screen): nobody can sign in yet, and the service
                    // accepts that only on a tablet without an estate (issue 12).
                    let actor = if join {
                        None
                    } else {
                        super::current_actor().await.ok()
                    };
                    match plan_import(&a, actor.as_ref(), &bytes, p, now_ms(), &settings).await {
                        Ok(pl) if join && !pl.encrypted() => {
                            error.set(Some(text("sync.join_needs_encrypted")))
                        }
                        Ok(pl) => plan.set(Some(pl)),
                        Err(e) => error.set(Some(e.message())),
                    }
                }
            }
            busy.set(None);
        });
    };
    let confirm = move |_| {
        let Some(pl) = plan.get_untracked() else {
            return;
        };
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some("sync.importing"));
        leptos::task::spawn_local(async move {
            let a = app();
            let now = now_ms();
            let actor = if join {
                None
            } else {
                super::current_actor().await.ok()
            };
            let fid = file.get_untracked();
            let mut report = |done, total| progress.set(Some((done, total)));
            let result = apply_import_in_groups(
                &a,
                actor.as_ref(),
                &pl,
                &fid,
                now,
                IMPORT_GROUP_EVENTS,
                &mut report,
                None,
            )
            .await;
            progress.set(None);
            load_marker();
            match result {
                Ok(out) => {
                    let from = pl.header.device;
                    update_log(|l| {
                        l.imported_from.insert(from, now);
                    })
                    .await;
                    reset();
                    toast_ok(t_untracked("sync.imported").replace("{}", &out.added.to_string()));
                    // The estate may be new (joining) or renamed.
                    c.estate.set(a.estate().await.ok().flatten());
                    bump();
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(None);
        });
    };

    let count = |k: &str, done: u64, total: u64| {
        t(k).replace("{done}", &done.to_string())
            .replace("{total}", &total.to_string())
    };
    view! {
        <div class="sync-import-panel" data-testid="sync-import">
            {move || unfinished.get().map(|m| view! {
                <div class="sync-warn" role="alert" data-testid="sync-import-unfinished">
                    <strong>{move || t("sync.unfinished")}</strong>
                    <p>{move || count("sync.unfinished_detail", m.done, m.events).replace("{device}", &m.exporter.short())}</p>
                </div>
            })}
            <label class="field">
                <span class="field-label">{move || t("sync.file")}</span>
                <input type="file" accept=".wuye,application/octet-stream" data-testid="sync-import-file" node_ref=input
                    on:change=move |_| { chosen.set(true); error.set(None); plan.set(None); }/>
            </label>
            <TextField label=Signal::derive(move || t("sync.import_pass").to_string()) value=pass testid="sync-import-pass" kind="password"/>
            {move || error.get().map(|e| view! { <p class="sync-error" role="alert" data-testid="sync-error">{tx(&e)}</p> })}
            {move || busy.get().map(|k| view! { <Busy text=Signal::derive(move || t(k).to_string())/> })}
            {move || progress.get().map(|(done, total)| view! {
                <div class="sync-progress" data-testid="sync-import-progress">
                    <progress max=total.max(1).to_string() value=done.to_string()></progress>
                    <span>{move || count("sync.import_progress", done, total)}</span>
                </div>
            })}
            <Show when=move || plan.get().is_none()>
                <button class="btn primary big" data-testid="sync-import-check"
                    disabled=move || busy.get().is_some() || !chosen.get() on:click=check>
                    {move || t("sync.check")}
                </button>
            </Show>
            {move || plan.get().map(|pl| view! { <Preview plan=pl/> })}
            <Show when=move || plan.get().is_some()>
                <div class="actions">
                    <button class="btn primary big" data-testid="sync-import-confirm" disabled=move || busy.get().is_some() on:click=confirm>
                        {move || if plan.get().is_some_and(|p| p.is_noop()) { t("sync.confirm_noop") } else if join { t("sync.confirm_join") } else { t("sync.confirm") }}
                    </button>
                    <button class="btn" data-testid="sync-import-cancel" disabled=move || busy.get().is_some() on:click=move |_| reset()>
                        {move || t("common.cancel")}
                    </button>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn Preview(plan: ImportPlan) -> impl IntoView {
    let h = plan.header.clone();
    let full = matches!(h.covers, crate::sync::format::Covers::Full);
    let lines = plan.summary();
    let noop = plan.is_noop();
    let new_events = plan.new_count;
    let present = plan.already_present;
    let offset = move || crate::ui::state::utc_offset();
    view! {
        <div class=if noop { "sync-preview noop" } else { "sync-preview" } data-testid="sync-preview" data-new=new_events.to_string()>
            <h3>{move || t("sync.preview")}</h3>
            <dl class="sync-facts">
                <dt>{move || t("sync.estate")}</dt><dd data-testid="sync-preview-estate">{h.estate.name.clone()}</dd>
                <dt>{move || t("sync.from")}</dt><dd><code>{h.device.short()}</code></dd>
                <dt>{move || t("sync.made")}</dt><dd>{move || format_time(h.exported_at, offset())}</dd>
                <dt>{move || t("sync.kind")}</dt>
                <dd>
                    {move || if full { t("sync.kind_full") } else { t("sync.kind_incr") }}
                    {move || if h.encryption.is_some() { format!(" · {}", t("sync.encrypted")) } else { String::new() }}
                </dd>
                <dt>{move || t("sync.new_events")}</dt><dd data-testid="sync-preview-new">{new_events}</dd>
                <dt>{move || t("sync.present")}</dt><dd>{present}</dd>
            </dl>
            <ul class="sync-lines">
                {lines.into_iter().map(|l| view! { <li data-testid="sync-preview-line">{move || tx(&l)}</li> }).collect_view()}
            </ul>
        </div>
    }
}

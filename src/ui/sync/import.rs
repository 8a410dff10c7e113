//! Import: choose a file, optional passphrase, validate everything first, show the preview,
//! commit only on confirmation. Used on the sync page and, with `join`, on the first-run
//! screen to join an existing estate from another tablet's full export.
//!
//! Issue 13: the chosen `File` is read in slices ([`BlobSource`], `File.slice` +
//! `Blob.arrayBuffer`, [`crate::sync::SLICE`] bytes at a time) for both passes of the streamed
//! import (`sync::plan_import_sliced`, `sync::apply_import_sliced`): never whole in wasm memory.
//! A progress bar shows the bytes checked, then the events absorbed.

use super::{human_bytes, paint, text, update_log, Busy};
use crate::domain::i18n::Text;
use crate::sync::{
    apply_import_sliced, import_marker, plan_import_sliced, ImportError, ImportMarker, ImportPlan,
    ImportSettings, Source, StreamPlan, IMPORT_GROUP_EVENTS, SLICE,
};
use crate::ui::components::TextField;
use crate::ui::i18n::{t, t_untracked};
use crate::ui::platform::{format_time, now_ms};
use crate::ui::state::{app, bump, ctx, toast_ok, tx};
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A file (a `Blob`: the chosen `File`, or the bench's export) read by byte ranges.
pub struct BlobSource {
    blob: web_sys::Blob,
}

impl BlobSource {
    pub fn new(blob: web_sys::Blob) -> Self {
        BlobSource { blob }
    }
}

impl Source for BlobSource {
    fn len(&self) -> u64 {
        self.blob.size() as u64
    }
    async fn read(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ImportError> {
        let failed = || ImportError::Store(crate::store::StoreError::Other("read the file".into()));
        let end = (offset + len as u64).min(self.len());
        let part = self
            .blob
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(|_| failed())?;
        let buf = JsFuture::from(part.array_buffer())
            .await
            .map_err(|_| failed())?;
        Ok(js_sys::Uint8Array::new(&buf).to_vec())
    }
}

/// The file chosen in a file input.
fn chosen_file(input: &web_sys::HtmlInputElement) -> Option<web_sys::Blob> {
    let file = input.files()?.get(0)?;
    file.dyn_into::<web_sys::Blob>().ok()
}

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
    let progress = RwSignal::new(None::<(u64, u64)>);
    // Onto a blank tablet the records are folded after the last group (issue 13).
    let folding = RwSignal::new(None::<(u64, u64)>);
    let checked = RwSignal::new(None::<(u64, u64)>);
    // The streamed plan and the file it was made from (pass 2 reads it again).
    let streamed = StoredValue::new_local(None::<(Rc<StreamPlan>, web_sys::Blob)>);
    let unfinished = RwSignal::new(None::<ImportMarker>);
    let load_marker = move || {
        leptos::task::spawn_local(async move {
            unfinished.set(import_marker(&app().store).await.ok().flatten());
        })
    };
    load_marker();

    let reset = move || {
        plan.set(None);
        streamed.set_value(None);
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
        streamed.set_value(None);
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
            match chosen_file(&el) {
                None => error.set(Some(text("sync.choose_first"))),
                Some(blob) => {
                    let a = app();
                    let p = (!passphrase.is_empty()).then_some(passphrase.as_str());
                    let settings = ImportSettings {
                        max_future_skew_ms: c
                            .estate
                            .get_untracked()
                            .map(|e| e.settings.import_max_skew_hours as i64 * 3_600_000)
                            .unwrap_or(ImportSettings::default().max_future_skew_ms),
                        ..ImportSettings::default()
                    };
                    // Joining (first-run screen): nobody can sign in yet, and the service
                    // accepts that only on a tablet without an estate (issue 12).
                    let actor = if join {
                        None
                    } else {
                        super::current_actor().await.ok()
                    };
                    let mut src = BlobSource::new(blob.clone());
                    let mut report = |done, total| checked.set(Some((done, total)));
                    let result = plan_import_sliced(
                        &a,
                        actor.as_ref(),
                        &mut src,
                        p,
                        now_ms(),
                        &settings,
                        SLICE,
                        &mut report,
                    )
                    .await;
                    checked.set(None);
                    match result {
                        Ok(sp) if join && !sp.plan.encrypted() => {
                            error.set(Some(text("sync.join_needs_encrypted")))
                        }
                        Ok(sp) => {
                            plan.set(Some(preview_of(&sp.plan)));
                            streamed.set_value(Some((Rc::new(sp), blob)));
                        }
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
        let Some((sp, blob)) = streamed.get_value() else {
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
            let mut report = |done, total| progress.set(Some((done, total)));
            let _folding = web_sys::window().map(|w| {
                crate::ui::shell::notices::on_rebuild(&w, move |done, total| {
                    folding.set(Some((done, total)))
                })
            });
            let mut src = BlobSource::new(blob);
            let result = apply_import_sliced(
                &a,
                actor.as_ref(),
                &sp,
                &mut src,
                now,
                IMPORT_GROUP_EVENTS,
                SLICE,
                &mut report,
                None,
            )
            .await;
            progress.set(None);
            folding.set(None);
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
            {move || checked.get().map(|(done, total)| view! {
                <div class="sync-progress" data-testid="sync-check-progress">
                    <progress max=total.max(1).to_string() value=done.to_string()></progress>
                    <span>{move || t("sync.check_progress").replace("{done}", &human_bytes(done)).replace("{total}", &human_bytes(total))}</span>
                </div>
            })}
            {move || folding.get().map(|(done, total)| view! {
                <div class="sync-progress" data-testid="sync-fold-progress">
                    <progress max=total.max(1).to_string() value=done.to_string()></progress>
                    <span>{move || count("sync.fold_progress", done, total)}</span>
                </div>
            })}
            {move || progress.get().filter(|_| folding.get().is_none()).map(|(done, total)| view! {
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

/// The preview's copy of a plan: without the events and photos a whole-file plan holds (the
/// page shows counts; the import reads the file again).
fn preview_of(plan: &ImportPlan) -> ImportPlan {
    ImportPlan {
        new_events: Vec::new(),
        blobs: Vec::new(),
        header: plan.header.clone(),
        new_count: plan.new_count,
        photo_count: plan.photo_count,
        already_present: plan.already_present,
        modules: plan.modules.clone(),
        conflicts: plan.conflicts.clone(),
        quarantined: plan.quarantined.clone(),
        sync: plan.sync.clone(),
        duty_log_problems: plan.duty_log_problems.clone(),
        repeats: plan.repeats,
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

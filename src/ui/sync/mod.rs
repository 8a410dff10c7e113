//! 数据交换 — export/import files between tablets, backup reminder (issue #5).
//!
//! Tablets never talk to each other: one tablet exports a `.wuye` file (full, or incremental
//! for a chosen peer, optionally encrypted), the other imports it. The page shows the devices
//! this tablet has seen, the last exchange with each and what an incremental export for it
//! would carry; a backup reminder when no full export was made for [`BACKUP_DAYS`] days; the
//! import with its preview (see [`import::ImportPanel`], also offered on the first-run screen to
//! join an existing estate); the open conflicts for a supervisor; the events without effect for
//! the Director (issue 12, [`refused::Refused`]); CSV exports of lists.
//!
//! Everything sync-specific lives in `crate::sync`; this page only reads the store, calls
//! `crate::sync::service` and keeps a small device-local log (meta [`LOG_KEY`]) of when files
//! were exported and imported.

mod conflicts;
pub(crate) mod import;
pub(crate) mod lists;
mod refused;
pub mod strings;

pub use import::ImportPanel;

use super::components::{Empty, TextField};
use super::i18n::{t, t_untracked};
use super::platform::{download_parts, format_time, now_ms, BrowserEntropy};
use super::state::{app, bump, ctx, loader, show_app_error, toast_ok, tx};
use crate::domain::command::Actor;
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::DeviceId;
use crate::domain::roles::{Action, Denied};
use crate::store::Store;
use crate::sync::merge::kind_label;
use crate::sync::{device_summaries, export_streamed, Encryption};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Remind to export after this many days without an export, until the estate's settings load
/// (`Settings::backup_reminder_days`).
pub const BACKUP_DAYS: i64 = 7;

/// Device-local meta key of [`SyncLog`] (never exported).
pub const LOG_KEY: &str = "sync.ui.log";

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// When this tablet exported and imported files (device-local, for the page only).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncLog {
    /// The last full export (a backup of everything on this tablet).
    pub last_full_export: Option<i64>,
    /// The last export of any kind.
    pub last_export: Option<i64>,
    /// The last file made for each peer tablet.
    pub exported_to: BTreeMap<DeviceId, i64>,
    /// The last file imported from each tablet.
    pub imported_from: BTreeMap<DeviceId, i64>,
}

pub async fn load_log() -> SyncLog {
    app()
        .store
        .meta(LOG_KEY)
        .await
        .ok()
        .flatten()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

pub async fn update_log(f: impl FnOnce(&mut SyncLog)) {
    let mut log = load_log().await;
    f(&mut log);
    let _ = app()
        .put_meta(LOG_KEY, serde_json::to_value(&log).expect("log serialises"))
        .await;
}

/// One tablet this one knows of.
#[derive(Clone, Debug, PartialEq)]
struct DeviceRow {
    device: DeviceId,
    me: bool,
    /// Events written by that tablet held here.
    events: usize,
    newest: Option<i64>,
    imported: Option<i64>,
    exported: Option<i64>,
    /// What an incremental export for it would carry, per record kind (`None`: it never sent
    /// a file here, so the export for it is full).
    incremental: Option<BTreeMap<RecordKind, usize>>,
    /// How many events it would carry (the count alone above `PREVIEW_KINDS_MAX`).
    carries: u64,
}

#[derive(Clone, Debug, PartialEq)]
struct Overview {
    me: DeviceId,
    devices: Vec<DeviceRow>,
    total_events: usize,
    log: SyncLog,
}

async fn overview() -> Overview {
    let a = app();
    let me = a.device();
    // Issue 13: counts and watermarks only (the store's per-device index), never every event.
    let summaries = device_summaries(&a).await.unwrap_or_default();
    let log = load_log().await;
    let mut devices: Vec<DeviceRow> = summaries
        .into_iter()
        .map(|s| DeviceRow {
            device: s.device,
            me: s.device == me,
            events: s.events as usize,
            newest: s.newest.map(|h| h.wall),
            imported: log.imported_from.get(&s.device).copied(),
            exported: log.exported_to.get(&s.device).copied(),
            incremental: s.incremental,
            carries: s.carries,
        })
        .collect();
    if !devices.iter().any(|r| r.me) {
        devices.push(DeviceRow {
            device: me,
            me: true,
            events: 0,
            newest: None,
            imported: None,
            exported: None,
            incremental: None,
            carries: 0,
        });
    }
    devices.sort_by_key(|r| (!r.me, std::cmp::Reverse(r.imported.max(r.exported))));
    Overview {
        me,
        total_events: devices.iter().map(|r| r.events).sum(),
        devices,
        log,
    }
}

/// "员工 2 · 楼栋 1" (or "无新记录").
fn kinds_text(m: &BTreeMap<RecordKind, usize>, carries: u64) -> String {
    if carries == 0 {
        return t("sync.nothing_to_send").to_string();
    }
    if m.is_empty() {
        return t("sync.records").replace("{}", &carries.to_string());
    }
    let lang = ctx().lang.get();
    m.iter()
        .map(|(k, n)| format!("{} {n}", kind_label(*k).get(lang)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn offset() -> i32 {
    crate::ui::state::utc_offset()
}

fn when(ms: Option<i64>) -> String {
    ms.map(|m| format_time(m, offset()))
        .unwrap_or_else(|| t("sync.never").to_string())
}

#[component]
pub fn SyncPage() -> impl IntoView {
    let data = loader(|| async { overview().await });
    view! {
        <div class="page sync" data-testid="sync-page">
            <div class="page-head">
                <h1 class="page-title">{move || t("nav.sync")}</h1>
                <lists::CsvButtons/>
            </div>
            <BackupReminder last_export=Signal::derive(move || data.get().map(|o| o.log.last_export))/>
            <div class="sync-grid">
                // Issue 12: shown to those allowed; the sync service refuses the others anyway.
                <Show when=move || may(Action::ExportPersonalData)
                    fallback=|| view! { <NotAllowed action=Action::ExportPersonalData title="sync.export"/> }>
                    <ExportCard data=data/>
                </Show>
                <section class="card sync-import">
                    <h2>{move || t("sync.import")}</h2>
                    <Show when=move || may(Action::ImportData)
                        fallback=|| view! { <p class="muted" data-testid="sync-not-allowed">{move || tx(&denied(Action::ImportData))}</p> }>
                        <p class="muted">{move || t("sync.import_lead")}</p>
                        <ImportPanel/>
                    </Show>
                </section>
            </div>
            <Enrolment/>
            <Devices data=data/>
            <conflicts::Conflicts/>
            <refused::Refused/>
        </div>
    }
}

/// A card saying who may do what this person may not (issue 12).
#[component]
fn NotAllowed(action: Action, title: &'static str) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{move || t(title)}</h2>
            <p class="muted" data-testid="sync-not-allowed">{move || tx(&denied(action))}</p>
        </section>
    }
}

/// The estate's reminder interval (Settings, issue #5), [`BACKUP_DAYS`] before it loads.
fn backup_days() -> i64 {
    ctx()
        .estate
        .get()
        .map(|e| e.settings.backup_reminder_days as i64)
        .unwrap_or(BACKUP_DAYS)
}

/// "No export for N days": shown on this page and on 我的待办. `last_export` is `None` while
/// loading, `Some(None)` when this tablet never exported.
#[component]
pub fn BackupReminder(
    #[prop(into)] last_export: Signal<Option<Option<i64>>>,
    /// Adds a button to the exchange page (on 我的待办).
    #[prop(optional)]
    link: bool,
) -> impl IntoView {
    // Any export counts (the settings' wording); a full export is the complete backup.
    let days = move || match last_export.get()? {
        None => Some(None),
        Some(at) => {
            let d = (now_ms() - at) / DAY_MS;
            (d >= backup_days()).then_some(Some(d))
        }
    };
    move || {
        // Only those who may export can act on it (issue 12).
        if !may(Action::ExportPersonalData) {
            return None;
        }
        days().map(|d| {
            let text = match d {
                None => t("sync.backup_never").to_string(),
                Some(n) => t("sync.backup_days").replace("{}", &n.to_string()),
            };
            view! {
                <div class="sync-reminder" role="status" data-testid="sync-backup-reminder">
                    <strong>{text}</strong>
                    <span>{t("sync.backup_hint").replace("{}", &backup_days().to_string())}</span>
                    {link.then(|| view! {
                        <button class="btn small" data-testid="backup-go" on:click=move |_| crate::ui::state::go(crate::ui::state::Page::Sync)>
                            {move || t("sync.backup_go")}
                        </button>
                    })}
                </div>
            }
        })
    }
}

#[component]
fn Devices(data: ReadSignal<Option<Overview>>) -> impl IntoView {
    view! {
        <section class="card sync-devices" data-testid="sync-devices">
            <h2>{move || t("sync.devices")}</h2>
            {move || match data.get() {
                None => view! { <p class="muted">{t("common.loading")}</p> }.into_any(),
                Some(o) if o.devices.len() <= 1 => view! {
                    <p class="muted" data-testid="sync-this-device">
                        {t("sync.this_device")}" "<code>{o.me.short()}</code>" · "
                        {t("sync.records").replace("{}", &o.total_events.to_string())}
                    </p>
                    <Empty text=Signal::derive(move || t("sync.no_peers").to_string())/>
                }.into_any(),
                Some(o) => o.devices.into_iter().map(|r| {
                    let label = if r.me { t("sync.this_device") } else { t("sync.tablet") };
                    let carry = match (&r.incremental, r.me) {
                        (_, true) => String::new(),
                        (Some(m), false) => format!("{}{}", t("sync.would_carry"), kinds_text(m, r.carries)),
                        (None, false) => t("sync.full_next").to_string(),
                    };
                    view! {
                        <div class=if r.me { "sync-device me" } else { "sync-device" }
                            data-testid="sync-device" data-device=r.device.short()>
                            <div class="sync-device-id">
                                <span class="chip">{label}</span>
                                <code>{r.device.short()}</code>
                            </div>
                            <div class="sync-device-facts">
                                <span>{t("sync.records").replace("{}", &r.events.to_string())}</span>
                                <span>{t("sync.newest")}{when(r.newest)}</span>
                                {(!r.me).then(|| view! {
                                    <span>{t("sync.last_in")}{when(r.imported)}</span>
                                    <span>{t("sync.last_out")}{when(r.exported)}</span>
                                })}
                            </div>
                            {(!carry.is_empty()).then(|| view! {
                                <div class="sync-carry" data-testid="sync-device-carry">{carry}</div>
                            })}
                        </div>
                    }
                }).collect_view().into_any(),
            }}
        </section>
    }
}

/// This tablet's signing key (issue 12): enrolled, or a button for a Director to enrol it.
#[component]
fn Enrolment() -> impl IntoView {
    let c = ctx();
    let a = app();
    let enrolled = RwSignal::new(a.enrolled());
    let key = a.public_key();
    let fingerprint: String = key.chars().take(12).collect();
    let busy = RwSignal::new(false);
    let enrol = move |_| {
        let Some(session) = c.session.get_untracked() else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let a = app();
            let r = match a.actor(session.id).await {
                Ok(actor) => a.enroll(&actor, now_ms()).await,
                Err(e) => Err(e),
            };
            busy.set(false);
            match r {
                Ok(_) => {
                    enrolled.set(true);
                    toast_ok(t_untracked("sync.enrolled_ok"));
                    bump();
                }
                Err(e) => show_app_error(&e),
            }
        });
    };
    view! {
        <section class="card sync-enrol" data-testid="sync-enrolment"
            data-enrolled=move || enrolled.get().to_string()>
            <h2>{move || t("sync.enrol_title")}</h2>
            {move || if enrolled.get() {
                view! {
                    <p data-testid="sync-enrolled">
                        {t("sync.enrolled")}" "<code>{fingerprint.clone()}</code>
                    </p>
                }.into_any()
            } else {
                view! {
                    <p class="sync-warn" role="note">{t("sync.not_enrolled")}</p>
                    <button class="btn primary" data-testid="sync-enrol"
                        disabled=move || busy.get() on:click=enrol>
                        {t("sync.enrol")}
                    </button>
                }.into_any()
            }}
        </section>
    }
}

/// What the export is doing (PBKDF2 with 600,000 iterations takes a few seconds in wasm).
#[component]
pub(super) fn Busy(text: Signal<String>) -> impl IntoView {
    view! {
        <div class="sync-busy" role="status" aria-live="polite" data-testid="sync-busy">
            <span class="spinner" aria-hidden="true"></span>
            <span>{move || text.get()}</span>
        </div>
    }
}

/// Lets the busy state paint before a long synchronous computation starts.
pub(super) async fn paint() {
    gloo::timers::future::TimeoutFuture::new(60).await;
}

#[component]
fn ExportCard(data: ReadSignal<Option<Overview>>) -> impl IntoView {
    // "" = a new tablet / backup (full); otherwise a peer's short id.
    let peer = RwSignal::new(String::new());
    // Once the person picks, the page stops choosing for them.
    let picked = RwSignal::new(false);
    let full = RwSignal::new(false);
    let pass = RwSignal::new(String::new());
    let pass2 = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Text>);
    let done = RwSignal::new(None::<(String, u64, bool)>);
    // Issue 13: (events, bytes) written so far by the streamed export, and its cancel.
    let progress = RwSignal::new(None::<(u64, u64)>);
    let cancel = RwSignal::new(false);
    let peers = move || {
        data.get()
            .map(|o| o.devices.into_iter().filter(|r| !r.me).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    // Default to the peer of the most recent exchange (incremental for it).
    Effect::new(move |_| {
        if let Some(first) = peers().into_iter().find(|r| r.incremental.is_some()) {
            if !picked.get_untracked() && peer.get_untracked().is_empty() {
                peer.set(first.device.short());
            }
        }
    });
    let chosen = move || -> Option<DeviceRow> {
        let p = peer.get();
        peers().into_iter().find(|r| r.device.short() == p)
    };
    let is_full = move || full.get() || chosen().and_then(|r| r.incremental).is_none();
    let go = move |_| {
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        done.set(None);
        let p1 = pass.get_untracked();
        if p1 != pass2.get_untracked() {
            error.set(Some(text("sync.pass_mismatch")));
            return;
        }
        let target = if full.get_untracked() {
            None
        } else {
            let p = peer.get_untracked();
            data.get_untracked().and_then(|o| {
                o.devices
                    .into_iter()
                    .find(|r| !r.me && r.device.short() == p)
                    .map(|r| r.device)
            })
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            paint().await;
            let a = app();
            let now = now_ms();
            let actor = match current_actor().await {
                Ok(actor) => actor,
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                    return;
                }
            };
            let encryption = (!p1.is_empty()).then(|| Encryption::new(&p1, &mut BrowserEntropy));
            // Issue 13: an incremental file reads only the events above the peer's watermarks;
            // the file is written segment by segment into `Blob` parts (never one buffer in
            // wasm), with progress, and can be cancelled between segments.
            cancel.set(false);
            let parts = js_sys::Array::new();
            // Yield to the page (paint the progress, take a cancel tap) every 8 parts (≤ 512 KiB):
            // a timer per part would add ≥ 4 ms to each of thousands of segments.
            let mut n = 0u32;
            let result = export_streamed(
                &a,
                &actor,
                target,
                now,
                encryption,
                async |part: Vec<u8>, events: u64, bytes: u64| {
                    parts.push(&js_sys::Uint8Array::from(&part[..]));
                    drop(part);
                    n += 1;
                    if n % 8 == 1 {
                        progress.set(Some((events, bytes)));
                        gloo::timers::future::TimeoutFuture::new(0).await;
                    }
                    !cancel.get_untracked()
                },
            )
            .await;
            progress.set(None);
            match result {
                Ok(None) => {
                    toast_ok(t_untracked("sync.export_cancelled"));
                }
                Ok(Some((header, file_name))) => {
                    download_parts(&file_name, "application/octet-stream", &parts);
                    let file = crate::sync::ExportFile {
                        bytes: Vec::new(),
                        file_name,
                        header,
                    };
                    let is_full = matches!(file.header.covers, crate::sync::format::Covers::Full);
                    update_log(|l| {
                        l.last_export = Some(now);
                        if is_full {
                            l.last_full_export = Some(now);
                        }
                        if let Some(d) = target {
                            l.exported_to.insert(d, now);
                        }
                    })
                    .await;
                    done.set(Some((
                        file.file_name.clone(),
                        file.header.counts.events,
                        file.header.encryption.is_some(),
                    )));
                    pass.set(String::new());
                    pass2.set(String::new());
                    toast_ok(t_untracked("sync.exported"));
                    bump();
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card sync-export">
            <h2>{move || t("sync.export")}</h2>
            <label class="field">
                <span class="field-label">{move || t("sync.for")}</span>
                <select data-testid="sync-export-peer" prop:value=move || peer.get()
                    on:change=move |ev| {
                        picked.set(true);
                        peer.set(event_target_value(&ev));
                    }>
                    <option value="">{move || t("sync.for_new")}</option>
                    {move || peers().into_iter().map(|r| {
                        let id = r.device.short();
                        view! { <option value=id.clone() selected={let id = id.clone(); move || peer.get() == id}>{format!("{} {}", t("sync.tablet"), id)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="check sync-full">
                <input type="checkbox" data-testid="sync-export-full" prop:checked=move || full.get()
                    on:change=move |ev| full.set(event_target_checked(&ev))/>
                <span>{move || t("sync.full")}</span>
            </label>
            <p class="sync-carry" data-testid="sync-export-carry">
                {move || if is_full() {
                    let n = data.get().map(|o| o.total_events).unwrap_or(0);
                    t("sync.carry_full").replace("{}", &n.to_string())
                } else {
                    chosen().and_then(|r| r.incremental.map(|m| format!("{}{}", t("sync.would_carry"), kinds_text(&m, r.carries)))).unwrap_or_default()
                }}
            </p>
            <div class="row2">
                <TextField label=Signal::derive(move || t("sync.pass").to_string()) value=pass testid="sync-export-pass" kind="password"/>
                <TextField label=Signal::derive(move || t("sync.pass2").to_string()) value=pass2 testid="sync-export-pass2" kind="password"/>
            </div>
            <p class="hint muted">{move || if pass.get().is_empty() { t("sync.plain_hint") } else { t("sync.enc_hint") }}</p>
            {move || error.get().map(|e| view! { <p class="sync-error" role="alert" data-testid="sync-export-error">{tx(&e)}</p> })}
            <Show when=move || busy.get()>
                <Busy text=Signal::derive(move || if pass.get().is_empty() { t("sync.exporting").to_string() } else { t("sync.encrypting").to_string() })/>
            </Show>
            {move || progress.get().map(|(events, bytes)| {
                let carried = chosen().and_then(|r| r.incremental.is_some().then_some(r.carries));
                let all = data.get_untracked().map_or(0, |o| o.total_events as u64);
                let total = if is_full() { all } else { carried.unwrap_or(all) }.max(events);
                view! {
                    <div class="sync-progress" data-testid="sync-export-progress">
                        <progress max=total.max(1).to_string() value=events.to_string()></progress>
                        <span>{move || t("sync.export_progress").replace("{events}", &events.to_string()).replace("{bytes}", &human_bytes(bytes))}</span>
                        <button class="btn" data-testid="sync-export-cancel" on:click=move |_| cancel.set(true)>{move || t("sync.export_cancel")}</button>
                    </div>
                }
            })}
            {move || done.get().map(|(name, n, enc)| view! {
                <p class="sync-done" data-testid="sync-export-done">
                    {t("sync.saved_as")}<code>{name}</code>" · "{t("sync.records").replace("{}", &n.to_string())}
                    {enc.then(|| format!(" · {}", t("sync.encrypted")))}
                </p>
            })}
            <button class="btn primary big" data-testid="sync-export-go" disabled=move || busy.get() on:click=go>
                {move || t("sync.export_go")}
            </button>
        </section>
    }
}

/// "12.3 MB" for a progress line.
pub(super) fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{}.{} MB", n >> 20, ((n & 0xF_FFFF) * 10) >> 20)
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}

/// The signed-in person as stored now (an import may have changed their roles), for the sync
/// calls, which check the permission themselves (issue 12).
pub(crate) async fn current_actor() -> Result<Actor, Text> {
    let Some(session) = ctx().session.get_untracked() else {
        return Err(denied(Action::ImportData));
    };
    app().actor(session.id).await.map_err(|e| e.message())
}

/// May the signed-in person do this? (Reactive; only hides what the domain refuses anyway.)
pub(crate) fn may(action: Action) -> bool {
    ctx().session.get().is_some_and(|s| s.may(action))
}

/// "Not allowed to …: needs one of these roles: …" for an action.
pub(crate) fn denied(action: Action) -> Text {
    Denied {
        action,
        needs: action.allowed_roles().to_vec(),
    }
    .message()
}

/// Both languages of a UI key (for messages kept as [`Text`] so they follow the language).
pub(super) fn t_untracked_pair(key: &str) -> (&'static str, &'static str) {
    use crate::domain::i18n::Lang;
    (
        super::i18n::lookup(Lang::Zh, key),
        super::i18n::lookup(Lang::En, key),
    )
}

/// A UI key as a [`Text`].
pub(super) fn text(key: &str) -> Text {
    let (zh, en) = t_untracked_pair(key);
    Text::new(zh, en)
}

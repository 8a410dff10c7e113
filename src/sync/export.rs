//! Full and incremental exports, from a list of events (the caller reads them from its store).
//!
//! **PIN hashes.** `StaffEvent::PinSet` events carry PIN hashes. A plain (unencrypted) file
//! never contains them: they are left out and counted in `counts.pins_withheld`, so staff
//! added or re-PINned on another tablet have no PIN here until a Director sets one, or until an
//! encrypted file brings it. An encrypted file carries *every* PinSet event the exporter holds,
//! incremental or not (they are few and small), so PINs converge through any encrypted exchange
//! without watermarks having to account for them. Watermarks therefore describe the other
//! events only.

use super::crypto;
use super::error::ExportError;
use super::format::{Blob, BodyInfo, Counts, Covers, EstateIdentity, Header};
use super::stream::StreamWriter;
use super::Watermarks;
use crate::domain::estate::{estate_ref, Estate, EstateEvent};
use crate::domain::event::{sort_events, Event, EventBody};
use crate::domain::ids::{DeviceId, Entropy};
use crate::domain::staff::StaffEvent;
use crate::domain::view::fold_all_kind;

/// Encryption of one file: the passphrase, and a fresh random salt and nonce.
#[derive(Clone)]
pub struct Encryption {
    pub passphrase: String,
    pub salt: [u8; crypto::SALT_BYTES],
    pub nonce: [u8; crypto::NONCE_BYTES],
    pub iterations: u32,
}

impl std::fmt::Debug for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encryption")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

impl Encryption {
    /// For a real export: [`crypto::EXPORT_ITERATIONS`], salt and nonce drawn from `entropy`.
    pub fn new(passphrase: &str, entropy: &mut dyn Entropy) -> Self {
        Self::with_iterations(passphrase, entropy, crypto::EXPORT_ITERATIONS)
    }
    pub fn with_iterations(passphrase: &str, entropy: &mut dyn Entropy, iterations: u32) -> Self {
        let mut salt = [0u8; crypto::SALT_BYTES];
        let mut nonce = [0u8; crypto::NONCE_BYTES];
        entropy.fill(&mut salt);
        entropy.fill(&mut nonce);
        Encryption {
            passphrase: passphrase.into(),
            salt,
            nonce,
            iterations,
        }
    }
}

/// Who exports, when, knowing what, and how.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    /// This tablet.
    pub device: DeviceId,
    pub now: i64,
    /// This tablet's watermarks ([`super::SyncState::knowledge`]).
    pub seen: Watermarks,
    pub encryption: Option<Encryption>,
}

/// A file ready to be saved or shared.
#[derive(Clone, Debug)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    /// e.g. `estate-desk-20270115-0800-a1b2c3-full.wuye` (ASCII, safe on any USB stick).
    pub file_name: String,
    pub header: Header,
}

/// Every event (PIN events only if encrypted), without photos (the benchmark and tests; the
/// app's export, [`super::service::export_for`], adds the photos the events name).
pub fn export_full(events: &[Event], req: &ExportRequest) -> Result<ExportFile, ExportError> {
    Ok(write(select(events, Covers::Full, req)?, Vec::new(), req))
}

/// Everything this tablet holds that a peer with watermarks `since` has not seen: events whose
/// HLC is above `since` for their device (all events of devices absent from `since`).
pub fn export_since(
    events: &[Event],
    since: &Watermarks,
    req: &ExportRequest,
) -> Result<ExportFile, ExportError> {
    let covers = Covers::Since {
        since: since.clone(),
    };
    Ok(write(select(events, covers, req)?, Vec::new(), req))
}

/// What a file's header needs before its first event is written (issue 13): its range, the
/// estate, the PIN events left out and the duty-log chain heads. All of it comes from the
/// estate, staff and duty-chain events alone (the same from every event), so a streamed export
/// computes it without reading the events it writes.
#[derive(Clone, Debug)]
pub struct Plan {
    covers: Covers,
    estate: EstateIdentity,
    pins_withheld: u64,
    chain_heads: crate::domain::duty::Anchors,
}

impl Plan {
    pub fn covers(&self) -> &Covers {
        &self.covers
    }
}

/// The events a file will carry, chosen and ordered, and its [`Plan`].
#[derive(Clone, Debug)]
pub struct Selection {
    pub events: Vec<Event>,
    pub plan: Plan,
}

/// The estate these events belong to: the id of the earliest `Founded` event, and the name
/// folded from the estate's events that take effect.
pub fn estate_identity(events: &[Event]) -> Option<EstateIdentity> {
    let founded = events
        .iter()
        .filter(|e| matches!(e.body, EventBody::Estate(EstateEvent::Founded { .. })))
        .min_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)))?;
    // Only renames the authority ledger admits name the estate (issue 12: a forged rename has
    // no effect, in the file header either).
    let ledger = crate::domain::authority::Ledger::build(events);
    let estate_events: Vec<Event> = events
        .iter()
        .filter(|e| e.subject == estate_ref() && ledger.admits(e))
        .cloned()
        .collect();
    let name = fold_all_kind(estate_ref(), estate_events)
        .and_then(|v| v.state::<Estate>())
        .map(|s| s.name)
        .unwrap_or_default();
    Some(EstateIdentity {
        id: founded.id,
        name,
    })
}

pub(crate) fn is_pin(e: &Event) -> bool {
    matches!(e.body, EventBody::Staff(StaffEvent::PinSet { .. }))
}

/// The header's plan for a file covering `covers` (checks the passphrase first). `events`
/// must hold at least every estate, staff and duty-chain event this tablet holds (more do no
/// harm: every event gives the same plan).
pub fn plan(events: &[Event], covers: Covers, req: &ExportRequest) -> Result<Plan, ExportError> {
    let estate = estate_identity(events).ok_or(ExportError::NoEstate)?;
    if let Some(enc) = &req.encryption {
        if enc.passphrase.chars().count() < crypto::MIN_PASSPHRASE_CHARS {
            return Err(ExportError::WeakPassphrase);
        }
        if !crypto::iterations_ok(enc.iterations) {
            return Err(ExportError::KdfOutOfRange {
                iterations: enc.iterations,
            });
        }
    }
    let mut pins_withheld = 0u64;
    if req.encryption.is_none() {
        let mut ids = std::collections::HashSet::new();
        for e in events.iter().filter(|e| is_pin(e)) {
            if ids.insert(e.id) && wanted(&covers, e) {
                pins_withheld += 1;
            }
        }
    }
    Ok(Plan {
        covers,
        estate,
        pins_withheld,
        // Every chain head the exporter holds, from all its events (not only the file's).
        chain_heads: crate::domain::duty::log::heads_of(events),
    })
}

/// Whether `covers` asks for `e` (before the PIN rule).
fn wanted(covers: &Covers, e: &Event) -> bool {
    match covers {
        Covers::Full => true,
        Covers::Since { since } => !super::covered(since, e),
    }
}

/// Whether a file covering `covers` carries `e`: the events it asks for, except PIN events in
/// a plain file; an encrypted file carries every PIN event.
pub fn carries(covers: &Covers, encrypted: bool, e: &Event) -> bool {
    if is_pin(e) {
        encrypted
    } else {
        wanted(covers, e)
    }
}

/// Chooses the file's events (checks the passphrase first).
pub fn select(
    events: &[Event],
    covers: Covers,
    req: &ExportRequest,
) -> Result<Selection, ExportError> {
    let plan = plan(events, covers, req)?;
    let encrypted = req.encryption.is_some();
    let mut chosen = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for e in events {
        if ids.insert(e.id) && carries(&plan.covers, encrypted, e) {
            chosen.push(e.clone());
        }
    }
    sort_events(&mut chosen);
    Ok(Selection {
        events: chosen,
        plan,
    })
}

/// Writes the file: the selection's events, then `blobs` (each once) — the streamed writer
/// ([`begin`]) collected into one `Vec`.
pub fn write(sel: Selection, blobs: Vec<Blob>, req: &ExportRequest) -> ExportFile {
    let (mut w, file_name) = begin(sel.plan, req);
    let mut bytes = w.take();
    for e in &sel.events {
        w.event(e);
        bytes.extend(w.take());
    }
    for b in &blobs {
        w.blob(b);
        bytes.extend(w.take());
    }
    let (header, last) = w.finish(None);
    bytes.extend(last);
    ExportFile {
        bytes,
        file_name,
        header,
    }
}

/// Starts a file for the plan (issue 13): the streamed writer with the magic line and header
/// written, and the file's name. The caller feeds it the events in HLC order, then the photos.
pub fn begin(plan: Plan, req: &ExportRequest) -> (StreamWriter, String) {
    let Plan {
        covers,
        estate,
        pins_withheld,
        chain_heads,
    } = plan;
    let full = matches!(covers, Covers::Full);
    let header = Header {
        format: String::new(),
        format_version: 0,
        schema_version: 0,
        app_version: env!("CARGO_PKG_VERSION").into(),
        estate,
        device: req.device,
        exported_at: req.now,
        exported_at_text: chrono::DateTime::from_timestamp_millis(req.now)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default(),
        covers,
        seen: req.seen.clone(),
        counts: Counts {
            pins_withheld,
            ..Default::default()
        },
        body: BodyInfo {
            bytes: 0,
            encoding: String::new(),
        },
        encryption: None,
        chain_heads,
        sig: None,
    };
    let writer = StreamWriter::new(header, req.encryption.as_ref());
    let stamp = chrono::DateTime::from_timestamp_millis(req.now)
        .map(|t| t.format("%Y%m%d-%H%M").to_string())
        .unwrap_or_default();
    let file_name = format!(
        "estate-desk-{stamp}-{}-{}.{}",
        req.device.short(),
        if full { "full" } else { "incr" },
        super::format::FILE_EXTENSION
    );
    (writer, file_name)
}

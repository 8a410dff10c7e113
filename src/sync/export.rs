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

/// The events a file will carry, chosen and ordered, before its photos are read.
#[derive(Clone, Debug)]
pub struct Selection {
    pub events: Vec<Event>,
    covers: Covers,
    estate: EstateIdentity,
    pins_withheld: u64,
    chain_heads: crate::domain::duty::Anchors,
}

impl Selection {
    /// The photo keys the chosen events name, each once, in event order (issue 13).
    pub fn photo_keys(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.events
            .iter()
            .flat_map(crate::store::photo_keys)
            .filter(|k| seen.insert(k.clone()))
            .collect()
    }
}

/// The `blob` lines for photos read from the store (issue 13): one per distinct SHA-256, the
/// legacy keys that named the same bytes listed in `keys`. `rows` pairs each key an event
/// names with what the store holds under it (photos this tablet never received are skipped).
pub fn blobs_for(rows: Vec<(String, crate::store::PhotoRow)>) -> Vec<Blob> {
    let mut out: Vec<Blob> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = Default::default();
    for (key, row) in rows {
        let i = *at.entry(row.sha256.clone()).or_insert_with(|| {
            out.push(Blob::new(&row.media_type, &row.bytes));
            out.len() - 1
        });
        if crate::store::legacy_photo_key(&key) && !out[i].keys.contains(&key) {
            out[i].keys.push(key);
        }
    }
    out
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

/// Chooses the file's events (checks the passphrase first).
pub fn select(
    events: &[Event],
    covers: Covers,
    req: &ExportRequest,
) -> Result<Selection, ExportError> {
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
    let encrypted = req.encryption.is_some();
    let mut chosen = Vec::new();
    let mut pins_withheld = 0u64;
    let mut ids = std::collections::HashSet::new();
    for e in events {
        if !ids.insert(e.id) {
            continue;
        }
        let wanted = match &covers {
            Covers::Full => true,
            Covers::Since { since } => !super::covered(since, e),
        };
        if is_pin(e) {
            if !encrypted {
                pins_withheld += u64::from(wanted);
                continue;
            }
            chosen.push(e.clone());
        } else if wanted {
            chosen.push(e.clone());
        }
    }
    sort_events(&mut chosen);
    Ok(Selection {
        events: chosen,
        covers,
        estate,
        pins_withheld,
        // Every chain head the exporter holds, from all its events (not only the file's).
        chain_heads: crate::domain::duty::log::heads_of(events),
    })
}

/// Writes the file: the selection's events, then `blobs` (each once) — the streamed writer
/// ([`begin`]) collected into one `Vec`.
pub fn write(sel: Selection, blobs: Vec<Blob>, req: &ExportRequest) -> ExportFile {
    let (mut w, events, file_name) = begin(sel, req);
    let mut bytes = w.take();
    for e in &events {
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

/// Starts a file for the selection (issue 13): the streamed writer with the magic line and
/// header written, the events to feed it in order, and the file's name.
pub fn begin(sel: Selection, req: &ExportRequest) -> (StreamWriter, Vec<Event>, String) {
    let Selection {
        events: chosen,
        covers,
        estate,
        pins_withheld,
        chain_heads,
    } = sel;
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
    (writer, chosen, file_name)
}

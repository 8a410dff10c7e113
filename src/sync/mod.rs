//! Export/import file format, validation, merge and encryption (issue 5). Pure Rust.
//!
//! Tablets never talk to each other: they exchange one `.wuye` file (USB stick, shared folder,
//! messaging app). The layout is documented byte by byte in `docs/FILE-FORMAT.md`.
//!
//! - [`format`]: the container: magic line, plain JSON header, body (JSON lines of events and
//!   blobs), SHA-256 trailer; [`format::parse`] never panics and refuses with a typed
//!   [`ImportError`] saying which problem it found.
//! - [`crypto`]: optional AES-256-GCM with a PBKDF2-HMAC-SHA256 key, header as associated data.
//! - [`export`]: full and incremental ("everything the peer has not seen") exports.
//! - [`merge`]: import analysis: every event checked, new / present / tampered / quarantined,
//!   the preview per module, and concurrent edits surfaced as [`merge::Conflict`]s.
//! - [`service`]: the async glue over [`crate::app::App`]: plan an import from the store,
//!   apply it through `App::absorb`, keep the per-device watermarks ([`SyncState`]).
//!
//! **Estate identity.** The estate record itself has the nil id on every tablet, so the estate
//! is identified by the id of its `EstateEvent::Founded` event ([`EstateIdentity`]): unique,
//! immutable, and the same on every tablet that joined the estate by importing it.
//!
//! **Watermarks.** [`Watermarks`] maps a device to an HLC: "this tablet holds every event that
//! device wrote up to this stamp" (PIN events aside, see [`export`]). A tablet's own entry is its
//! newest event; the others advance only when an import is known to have filled the whole range
//! (see [`SyncState`]), so a file made for another tablet can never leave a hole that later
//! incremental exports would skip.

pub mod crypto;
pub mod csv;
pub mod error;
pub mod export;
pub mod format;
#[cfg(not(target_arch = "wasm32"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod merge;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod schema;
pub mod service;
pub mod sliced;
pub mod stream;

// Unit tests run natively (proptest and the fuzz harness are native-only).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod golden;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use error::{ExportError, ImportError};
pub use export::{export_full, export_since, Encryption, ExportFile, ExportRequest};
pub use format::{parse, read_envelope, EstateIdentity, Header, ParsedFile};
pub use merge::{
    analyze, analyze_file, Conflict, ImportPlan, ImportSettings, LocalData, LocalSnapshot,
};
pub use service::{
    apply_import, apply_import_in_groups, device_summaries, export_for, export_streamed, export_to,
    file_id, import_marker, load_state, local_estate, open_conflicts, plan_import, settle_conflict,
    DeviceSummary, ImportMarker, ImportOutcome, IMPORT_GROUP_EVENTS,
};
pub use sliced::{apply_import_sliced, plan_import_sliced, Source, StreamPlan, SLICE};

use crate::domain::event::Event;
use crate::domain::hlc::Hlc;
use crate::domain::ids::DeviceId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per device, the HLC up to which a tablet holds all of that device's events.
pub type Watermarks = BTreeMap<DeviceId, Hlc>;

/// The device-local sync bookkeeping (meta key [`SyncState::META_KEY`], never exported as such).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncState {
    /// What this tablet holds contiguously from other devices (its own entry is computed from
    /// its events at export time).
    pub seen: Watermarks,
    /// The last known `seen` of each peer tablet, from the headers of files it exported:
    /// the base of an incremental export for that peer.
    pub peers: BTreeMap<DeviceId, Watermarks>,
}

impl SyncState {
    pub const META_KEY: &'static str = "sync";

    /// This tablet's knowledge for an export header: the stored watermarks plus its own newest
    /// event (every event a tablet wrote is in its own store).
    pub fn knowledge(&self, me: DeviceId, events: &[Event]) -> Watermarks {
        let mut w = self.seen.clone();
        w.remove(&me);
        if let Some(own) = events
            .iter()
            .filter(|e| e.device() == me)
            .map(|e| e.at)
            .max()
        {
            w.insert(me, own);
        }
        w
    }

    /// Takes in what an import proved: `advance` raises this tablet's own watermarks, and the
    /// exporter's header tells what the exporter holds.
    pub fn merge(&mut self, update: &merge::SyncUpdate) {
        raise(&mut self.seen, &update.advance);
        raise(
            self.peers.entry(update.exporter).or_default(),
            &update.exporter_seen,
        );
    }
}

/// Pointwise maximum (knowledge only grows).
pub(crate) fn raise(into: &mut Watermarks, from: &Watermarks) {
    for (d, h) in from {
        let e = into.entry(*d).or_insert(*h);
        if *h > *e {
            *e = *h;
        }
    }
}

/// True when the watermarks say the event's device had been seen up to and including it.
pub(crate) fn covered(w: &Watermarks, e: &Event) -> bool {
    w.get(&e.device()).is_some_and(|h| e.at <= *h)
}

/// The HLC immediately before `h` on the same device.
pub(crate) fn just_before(h: Hlc) -> Hlc {
    if h.counter > 0 {
        Hlc {
            counter: h.counter - 1,
            ..h
        }
    } else {
        Hlc {
            wall: h.wall.saturating_sub(1),
            counter: u32::MAX,
            device: h.device,
        }
    }
}

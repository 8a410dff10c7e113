//! 平板登记 — which tablets may write the estate's record (issue 12). Every tablet has an
//! Ed25519 key pair; a Director enrols its public key with an event written on that tablet and
//! signed by that key. From then on the tablet signs every event it writes (the signature
//! covers the event's hash, which covers its bytes), and every other tablet refuses a file whose
//! event does not verify against the key enrolled for the tablet that wrote it — an edited
//! event, even with its hash recomputed, names its tablet and is refused.
//!
//! Events written before signatures existed (legacy, unsigned) stay valid: at enrolment the
//! tablet attests every unsigned event it holds (the SHA-256 of each, in the enrolment event
//! itself, signed). Once any tablet of the estate is enrolled, an unsigned event is accepted
//! only if some enrolment attests it; a forged or back-dated unsigned event is in no
//! attestation. An estate with no enrolled tablet at all (every tablet still on the old build, or
//! the benchmark's generated estate) accepts unsigned events as the old build did.

use super::command::{Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::DeviceId;
use super::roles::Action;
use super::view::{Aggregate, IndexFields};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum DeviceEvent {
    /// The tablet's public key (Ed25519, 32 bytes, base64), enrolled by a Director on that
    /// tablet. `legacy`: the SHA-256 digests of the unsigned events the tablet held then,
    /// concatenated, base64 (empty when it held none).
    Enrolled {
        key: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        legacy: String,
    },
}

impl DeviceEvent {
    pub fn label(&self) -> Text {
        match self {
            DeviceEvent::Enrolled { .. } => Text::new("登记平板", "Tablet enrolled"),
        }
    }
}

/// The record of one tablet: its id is the device id.
pub fn device_ref(device: DeviceId) -> RecordRef {
    RecordRef::new(RecordKind::Device, device)
}

/// 平板
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// The first enrolled key (base64); a later enrolment with another key is refused on import.
    pub key: Option<String>,
    /// Who enrolled it, when (UTC ms).
    pub enrolled_by: Option<super::ids::StaffId>,
    pub enrolled_at: i64,
    /// Attested legacy digests (base64 of concatenated 32-byte digests).
    pub legacy: String,
}

impl Aggregate for Device {
    const KIND: RecordKind = RecordKind::Device;
    fn apply(&mut self, event: &Event) {
        if let EventBody::Device(DeviceEvent::Enrolled { key, legacy }) = &event.body {
            // Only the tablet itself enrols its key (proof of possession: it signs the event).
            if self.key.is_none() && event.at.device == event.subject.id {
                self.key = Some(key.clone());
                self.enrolled_by = event.actor;
                self.enrolled_at = event.at.wall;
                self.legacy = legacy.clone();
            }
        }
    }
    fn index(&self) -> IndexFields {
        IndexFields {
            status: Some(
                if self.key.is_some() {
                    "enrolled"
                } else {
                    "new"
                }
                .into(),
            ),
            ..Default::default()
        }
    }
}

/// A fresh key pair's secret from 32 random bytes (the caller draws them).
pub fn signing_key(secret: [u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&secret)
}

/// The public key as enrolled (base64).
pub fn public_key(key: &SigningKey) -> String {
    B64.encode(key.verifying_key().to_bytes())
}

/// Signs an event (its hash's 32 bytes).
pub fn sign(key: &SigningKey, event: &mut Event) {
    let digest = hex::decode(&event.hash).unwrap_or_default();
    event.sig = Some(sign_bytes(key, &digest));
}

/// `key`'s signature of `bytes`, base64 (events' hashes, export files' digests).
pub fn sign_bytes(key: &SigningKey, bytes: &[u8]) -> String {
    B64.encode(key.sign(bytes).to_bytes())
}

/// True when `event.sig` is `key`'s signature of the event's hash.
pub fn signature_ok(key_b64: &str, event: &Event) -> bool {
    let (Some(sig), Ok(digest)) = (&event.sig, hex::decode(&event.hash)) else {
        return false;
    };
    bytes_signature_ok(key_b64, &digest, sig)
}

/// True when `sig` (base64) is the signature of `bytes` by the key `key_b64` (base64).
pub fn bytes_signature_ok(key_b64: &str, bytes: &[u8], sig: &str) -> bool {
    match (parse_key(key_b64), parse_signature(sig)) {
        (Some(k), Some(s)) => k.verify(bytes, &s).is_ok(),
        _ => false,
    }
}

/// [`signature_ok`] with the key decoded already.
fn parsed_signature_ok(key: &VerifyingKey, event: &Event) -> bool {
    match (
        event.sig.as_deref().and_then(parse_signature),
        digest_of(event),
    ) {
        (Some(s), Some(d)) => key.verify(&d, &s).is_ok(),
        _ => false,
    }
}

/// An enrolled public key (base64), decoded.
fn parse_key(key_b64: &str) -> Option<VerifyingKey> {
    B64.decode(key_b64)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
}

/// A signature (base64), decoded.
fn parse_signature(sig: &str) -> Option<Signature> {
    B64.decode(sig)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
}

/// The 32 bytes an event's signature covers: its hash.
fn digest_of(event: &Event) -> Option<[u8; 32]> {
    hex::decode(&event.hash).ok()?.try_into().ok()
}

/// The enrolment of this tablet by a Director, attesting the unsigned events it holds.
pub fn enroll(
    actor: &Actor,
    device: DeviceId,
    key: &SigningKey,
    unsigned: &[&Event],
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::EnrollDevice)?;
    let mut digests = Vec::with_capacity(unsigned.len() * 32);
    for e in unsigned {
        digests.extend(hex::decode(&e.hash).unwrap_or_default());
    }
    Ok(vec![Draft {
        subject: device_ref(device),
        body: EventBody::Device(DeviceEvent::Enrolled {
            key: public_key(key),
            legacy: B64.encode(digests),
        }),
    }])
}

/// Why an event is not trusted (import refuses the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Untrusted {
    /// Signed, but not by the key enrolled for its tablet: edited after signing.
    BadSignature { device: DeviceId },
    /// Signed by a tablet no enrolment names.
    UnknownTablet { device: DeviceId },
    /// Unsigned, and attested by no enrolment, in an estate whose tablets sign.
    Unattested { device: DeviceId },
    /// A second, different key for an enrolled tablet.
    KeyChanged { device: DeviceId },
    /// The file's header (its range, counts, duty-log anchors) carries no valid signature of
    /// the enrolled tablet that exported it, in an estate whose tablets sign.
    HeaderUnsigned { device: DeviceId },
}

impl Untrusted {
    /// The tablet the refusal names.
    pub fn device(&self) -> DeviceId {
        match self {
            Untrusted::BadSignature { device }
            | Untrusted::UnknownTablet { device }
            | Untrusted::Unattested { device }
            | Untrusted::KeyChanged { device }
            | Untrusted::HeaderUnsigned { device } => *device,
        }
    }
}

/// The keys and attestations a tablet knows (its own store plus a file being imported).
#[derive(Clone, Debug, Default)]
pub struct Trust {
    keys: BTreeMap<DeviceId, String>,
    /// `keys` decoded once (issue 13: decoding a key for every event was an eighth of its
    /// check). A key that does not decode is absent here: its events fail as before.
    parsed: BTreeMap<DeviceId, VerifyingKey>,
    attested: HashSet<[u8; 32]>,
}

impl Trust {
    /// From the tablets' folded records.
    pub fn from_devices<'a>(devices: impl IntoIterator<Item = (DeviceId, &'a Device)>) -> Self {
        let mut t = Trust::default();
        for (id, d) in devices {
            if let Some(k) = &d.key {
                t.know(id, k);
                t.attest(&d.legacy);
            }
        }
        t
    }

    fn know(&mut self, device: DeviceId, key: &str) {
        self.keys.insert(device, key.to_string());
        match parse_key(key) {
            Some(k) => self.parsed.insert(device, k),
            None => self.parsed.remove(&device),
        };
    }

    fn attest(&mut self, legacy: &str) {
        if let Ok(bytes) = B64.decode(legacy) {
            for c in bytes.chunks_exact(32) {
                self.attested.insert(c.try_into().expect("32 bytes"));
            }
        }
    }

    /// Takes in the enrolments among `events` (a file's): each must be written by the tablet
    /// it names, signed by the key it enrols, and agree with a key already known.
    pub fn learn(&mut self, events: &[Event]) -> Result<(), Untrusted> {
        for e in events {
            let EventBody::Device(DeviceEvent::Enrolled { key, legacy }) = &e.body else {
                continue;
            };
            let device = e.subject.id;
            if e.at.device != device || !signature_ok(key, e) {
                return Err(Untrusted::BadSignature {
                    device: e.at.device,
                });
            }
            match self.keys.get(&device) {
                Some(k) if k != key => return Err(Untrusted::KeyChanged { device }),
                Some(_) => {}
                None => self.know(device, key),
            }
            self.attest(legacy);
        }
        Ok(())
    }

    /// True once any tablet of the estate is enrolled: unsigned events then need attestation.
    pub fn signing(&self) -> bool {
        !self.keys.is_empty()
    }

    pub fn key_of(&self, device: DeviceId) -> Option<&str> {
        self.keys.get(&device).map(String::as_str)
    }

    /// Checks a file's header signature: required once any tablet of the estate is enrolled,
    /// by the key of the tablet the header names as the exporter.
    pub fn check_file(
        &self,
        exporter: DeviceId,
        sig: Option<&str>,
        digest: Option<&[u8; 32]>,
    ) -> Result<(), Untrusted> {
        if !self.signing() {
            return Ok(());
        }
        match (sig, digest, self.keys.get(&exporter)) {
            (Some(sig), Some(d), Some(k)) if bytes_signature_ok(k, d, sig) => Ok(()),
            _ => Err(Untrusted::HeaderUnsigned { device: exporter }),
        }
    }

    /// True when every one of `events` is signed by its tablet's known key: one batch
    /// verification (issue 13: ~2.5× faster per signature in wasm than one by one, 71–92 µs
    /// against 192 µs measured in Chromium). False says only that one of them fails, or lacks
    /// a key or a signature: [`check`](Self::check) each then, which names it. A batch may
    /// accept a signature whose `R` was changed by a small-order point, which one-by-one
    /// verification refuses: still made by the key's holder over the same event hash, so the
    /// event's content is the signed one either way.
    pub fn verify_all(&self, events: &[&Event]) -> bool {
        let mut digests = Vec::with_capacity(events.len());
        let mut sigs = Vec::with_capacity(events.len());
        let mut keys = Vec::with_capacity(events.len());
        for e in events {
            let (Some(k), Some(sig), Some(d)) = (
                self.parsed.get(&e.at.device),
                e.sig.as_deref().and_then(parse_signature),
                digest_of(e),
            ) else {
                return false;
            };
            digests.push(d);
            sigs.push(sig);
            keys.push(*k);
        }
        let messages: Vec<&[u8]> = digests.iter().map(|d| &d[..]).collect();
        ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok()
    }

    /// Checks one event's signature, or its attestation when unsigned.
    pub fn check(&self, e: &Event) -> Result<(), Untrusted> {
        let device = e.at.device;
        match &e.sig {
            Some(_) => match (self.keys.get(&device), self.parsed.get(&device)) {
                (Some(_), Some(k)) if parsed_signature_ok(k, e) => Ok(()),
                (Some(_), _) => Err(Untrusted::BadSignature { device }),
                (None, _) => Err(Untrusted::UnknownTablet { device }),
            },
            None if !self.signing() => Ok(()),
            None => {
                let digest: Option<[u8; 32]> =
                    hex::decode(&e.hash).ok().and_then(|b| b.try_into().ok());
                match digest {
                    Some(d) if self.attested.contains(&d) => Ok(()),
                    _ => Err(Untrusted::Unattested { device }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;

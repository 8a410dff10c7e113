//! PIN credentials. PINs are stored salted and hashed with PBKDF2-HMAC-SHA256, never in clear.
//!
//! The PIN is access control between colleagues on a shared tablet, not encryption: a 4–6 digit
//! PIN falls to offline guessing whatever the iteration count, so the hash only keeps the digits
//! out of sight; the export passphrase is what protects data at rest (issue 12).
//!
//! The derivation itself is pure Rust here (RustCrypto `pbkdf2`: native tests, and the fallback
//! in the browser); the app derives with WebCrypto on wasm (`crate::app::pin_kdf`), which gives
//! byte-identical results far faster, then builds and checks hashes with
//! [`PinHash::from_derived`] and [`PinHash::matches`].

use crate::domain::command::DomainError;
use pbkdf2::pbkdf2_hmac;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The floor for new PIN hashes: today's count, never lowered (issue 12).
pub const MIN_PIN_ITERATIONS: u32 = 60_000;
/// Iterations for new PINs. Stored with each hash so it can be raised later: old hashes keep
/// verifying with their own count, a PIN set again gets the new one.
pub const PIN_ITERATIONS: u32 = 60_000;
const _: () = assert!(PIN_ITERATIONS >= MIN_PIN_ITERATIONS);
/// A stored count above this is refused unchecked: it comes from stored (possibly imported)
/// data, and a huge one would freeze sign-in.
pub const MAX_PIN_ITERATIONS: u32 = 10_000_000;

/// The stored form of a PIN (`StaffEvent::PinSet`). Its serialised shape is part of existing
/// events' hashes: never change it (issue 12).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinHash {
    /// 16 random bytes, hex.
    pub salt: String,
    /// The PBKDF2 iteration count this hash was made with.
    pub iterations: u32,
    /// 32 bytes of PBKDF2-HMAC-SHA256, hex.
    pub hash: String,
}

impl PinHash {
    /// Hashes a PIN (4–8 digits) with a caller-supplied random salt, in pure Rust (tests, the
    /// demo generator, the benchmark). The app hashes through `app::pin_kdf::hash_pin`.
    pub fn new(pin: &str, salt: [u8; 16], iterations: u32) -> Result<Self, DomainError> {
        validate_pin(pin)?;
        Ok(Self::from_derived(
            salt,
            iterations,
            pbkdf2_sha256(pin, &salt, iterations),
        ))
    }

    /// The hash of a PIN whose PBKDF2 output was computed elsewhere (WebCrypto). The PIN must
    /// have been checked with [`validate_pin`].
    pub fn from_derived(salt: [u8; 16], iterations: u32, derived: [u8; 32]) -> Self {
        PinHash {
            salt: hex::encode(salt),
            iterations,
            hash: hex::encode(derived),
        }
    }

    /// Salt and iteration count to derive with, or `None` for a malformed or out-of-range
    /// stored hash (which then never verifies).
    pub fn params(&self) -> Option<(Vec<u8>, u32)> {
        if !(1..=MAX_PIN_ITERATIONS).contains(&self.iterations) {
            return None;
        }
        let salt = hex::decode(&self.salt).ok()?;
        Some((salt, self.iterations))
    }

    /// Whether a derived key (from [`params`](Self::params)) is this hash, compared in constant
    /// time.
    pub fn matches(&self, derived: &[u8]) -> bool {
        let Ok(expected) = hex::decode(&self.hash) else {
            return false;
        };
        expected.len() == derived.len() && bool::from(derived.ct_eq(&expected))
    }

    /// Checks a PIN in pure Rust (native tests and the fallback).
    pub fn verify(&self, pin: &str) -> bool {
        let Some((salt, iterations)) = self.params() else {
            return false;
        };
        self.matches(&pbkdf2_sha256(pin, &salt, iterations))
    }
}

/// PBKDF2-HMAC-SHA256 of the PIN's UTF-8 bytes, 32 bytes out (RustCrypto). WebCrypto's
/// `deriveBits({name: "PBKDF2", hash: "SHA-256"}, key, 256)` gives the same bytes.
pub fn pbkdf2_sha256(pin: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    pbkdf2_hmac::<Sha256>(pin.as_bytes(), salt, iterations, &mut out);
    out
}

pub fn validate_pin(pin: &str) -> Result<(), DomainError> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "PIN须为4至8位数字",
            "The PIN must be 4 to 8 digits",
        ))
    }
}

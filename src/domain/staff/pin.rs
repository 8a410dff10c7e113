//! PIN credentials and lockout. PINs are stored salted and hashed with PBKDF2-HMAC-SHA256
//! (RustCrypto), never in clear; five wrong PINs lock sign-in for five minutes.

use crate::domain::command::DomainError;
use pbkdf2::pbkdf2_hmac;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Iterations for new PINs. Stored with each hash so it can be raised later.
pub const PIN_ITERATIONS: u32 = 60_000;
pub const LOCKOUT_FAILURES: u32 = 5;
pub const LOCKOUT_MS: i64 = 5 * 60_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinHash {
    pub salt: String,
    pub iterations: u32,
    pub hash: String,
}

impl PinHash {
    /// Hashes a PIN (4–8 digits) with a caller-supplied random salt.
    pub fn new(pin: &str, salt: [u8; 16], iterations: u32) -> Result<Self, DomainError> {
        validate_pin(pin)?;
        Ok(PinHash {
            salt: hex::encode(salt),
            iterations,
            hash: hex::encode(derive(pin, &salt, iterations)),
        })
    }

    pub fn verify(&self, pin: &str) -> bool {
        // The count comes from stored (possibly imported) data: a huge one would freeze sign-in.
        if !(1..=10_000_000).contains(&self.iterations) {
            return false;
        }
        let Ok(salt) = hex::decode(&self.salt) else {
            return false;
        };
        let Ok(expected) = hex::decode(&self.hash) else {
            return false;
        };
        derive(pin, &salt, self.iterations).ct_eq(&expected).into()
    }
}

fn derive(pin: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
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

/// Failed sign-in attempts on this tablet for one person (device-local, not synced).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lockout {
    pub failures: u32,
    pub locked_until: Option<i64>,
}

impl Lockout {
    /// Milliseconds left while locked, else `None`.
    pub fn locked(&self, now: i64) -> Option<i64> {
        self.locked_until.filter(|&t| t > now).map(|t| t - now)
    }
    pub fn fail(&mut self, now: i64) {
        if self.locked(now).is_none() && self.locked_until.is_some() {
            // The previous lock expired: start counting afresh.
            self.failures = 0;
            self.locked_until = None;
        }
        self.failures += 1;
        if self.failures >= LOCKOUT_FAILURES {
            self.locked_until = Some(now + LOCKOUT_MS);
        }
    }
    pub fn succeed(&mut self) {
        *self = Lockout::default();
    }
    /// Attempts left before the lock.
    pub fn remaining(&self) -> u32 {
        LOCKOUT_FAILURES.saturating_sub(self.failures)
    }
}

//! Identifiers. The domain never draws randomness itself: callers pass random bytes in
//! (the browser's `crypto.getRandomValues`, or a seeded source in tests), so every domain
//! function stays pure and deterministic.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// A record, event, staff or device identifier (UUID v4 from caller-supplied random bytes).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub Uuid);

impl Id {
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Id(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }
    /// Deterministic id for demo data and tests: the same (namespace, n) always gives the same id.
    pub fn derived(namespace: &str, n: u64) -> Self {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(namespace.as_bytes());
        h.update(n.to_le_bytes());
        let d = h.finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&d[..16]);
        Id::from_random(b)
    }
    pub fn nil() -> Self {
        Id(Uuid::nil())
    }
    /// Short form for display in lists ("a1b2c3").
    pub fn short(&self) -> String {
        self.0.simple().to_string()[..6].to_string()
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.short())
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for Id {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Id)
    }
}

pub type StaffId = Id;
pub type DeviceId = Id;
pub type EventId = Id;
pub type RecordId = Id;

/// A source of random bytes. Implemented by the platform (browser crypto) and by tests.
pub trait Entropy {
    fn fill(&mut self, buf: &mut [u8]);
    fn id(&mut self) -> Id {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        Id::from_random(b)
    }
}

/// Deterministic entropy for tests and the demo estate (a counter hashed with SHA-256).
pub struct SeededEntropy {
    seed: u64,
    n: u64,
}

impl SeededEntropy {
    pub fn new(seed: u64) -> Self {
        SeededEntropy { seed, n: 0 }
    }
}

impl Entropy for SeededEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        use sha2::{Digest, Sha256};
        for chunk in buf.chunks_mut(32) {
            self.n += 1;
            let d = Sha256::new()
                .chain_update(self.seed.to_le_bytes())
                .chain_update(self.n.to_le_bytes())
                .finalize();
            chunk.copy_from_slice(&d[..chunk.len()]);
        }
    }
}

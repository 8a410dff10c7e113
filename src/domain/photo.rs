//! A photo reference (PAT-4 evidence, VIO-2 facts, REP-5 material checks, MOVE-6 meters and
//! defects): the bytes live in the tablet's photo store under `blob`; events carry only this.
//! Serialised inside patrol's events since schema 1, so its shape never changes.

use serde::{Deserialize, Serialize};

/// A photo kept with a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub blob: String,
    /// Taken with the camera in the app. A gallery upload is not evidence (marked so).
    pub evidence: bool,
    pub taken: i64,
}

//! The messages between the app and the office worker: plain serde data, shared by both
//! wasm modules (the app builds them, the worker reads them).

use serde::{Deserialize, Serialize};

/// A cell of a sheet: a number is written as a number (so sums work), text as text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }
}

/// One worksheet: a bold header row, then the rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Column width in characters.
    pub width: f64,
}

impl Sheet {
    pub fn new(name: &str, headers: Vec<String>, rows: Vec<Vec<Cell>>) -> Self {
        Sheet {
            name: name.to_string(),
            headers,
            rows,
            width: 14.0,
        }
    }
}

/// A workbook to write.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workbook {
    pub title: String,
    pub sheets: Vec<Sheet>,
}

/// What the app asks of the worker. Posted as `[kind, payload]`: `["xlsx", <Workbook JSON>]`
/// or `["read", <Uint8Array of an .xlsx>]`. The worker answers `["ok", <Uint8Array>]`,
/// `["rows", <JSON of Vec<Vec<String>>>]` or `["err", <message>]`, in the order asked.
pub const WRITE: &str = "xlsx";
pub const READ: &str = "read";
pub const OK: &str = "ok";
pub const ROWS: &str = "rows";
pub const ERR: &str = "err";
/// The worker's first message: it is listening (messages posted before are lost).
pub const READY: &str = "ready";

//! The body of the `cargo fuzz` target `import` (fuzz/fuzz_targets/import.rs), kept in the
//! crate so crashes found by the fuzzer replay as ordinary native regression tests.
//!
//! The first input byte picks a mode, so the fuzzer also gets past the checksum:
//! 0 — the bytes as a file; 1 — the bytes plus a correct trailer; 2 — the bytes as the body of
//! a valid plain file; 3 — the bytes as the body of a valid encrypted file. Each file is parsed
//! and analysed with and without the passphrase, against an empty tablet and a tablet holding a
//! small estate. Nothing may panic, and whatever an analysis accepts must verify.

use super::export::Encryption;
use super::format::{self, BodyInfo, Counts, Covers, Header};
use super::merge::{analyze, ImportSettings, LocalSnapshot};
use super::{crypto, SyncState, Watermarks};
use crate::domain::event::Event;
use crate::domain::hlc::Hlc;
use crate::domain::ids::{DeviceId, Id};
use crate::domain::registry::{self, BuildingInfo};
use crate::domain::roles::Role;
use crate::domain::staff::{self, PinHash};
use std::sync::OnceLock;

pub const PASSPHRASE: &str = "fuzzing passphrase";
pub const NOW: i64 = 1_800_000_000_000;
/// Above this the passphrase is not tried (a hostile count is refused only above
/// [`crypto::MAX_ITERATIONS`], which would make each run take seconds).
const FUZZ_MAX_ITERATIONS: u32 = 2 * crypto::MIN_ITERATIONS;

fn device(n: u64) -> DeviceId {
    Id::derived("fuzz-tablet", n)
}

/// Events of a small estate written on tablet 1: founding, Director with PIN, a building.
pub fn estate_events() -> Vec<Event> {
    let director = Id::derived("fuzz-staff", 1);
    let pin = PinHash::new("1234", [1; 16], 10).expect("valid pin");
    let mut drafts =
        staff::first_run(false, "翠湖花园", director, "陈建国", pin).expect("first run");
    let actor = crate::domain::command::Actor {
        id: director,
        roles: [Role::Director].into(),
    };
    let info = BuildingInfo {
        name: "1号楼".into(),
        floors: 18,
        basements: 1,
        note: String::new(),
    };
    drafts.extend(
        registry::set_building(&actor, Id::derived("fuzz-building", 1), &info).expect("building"),
    );
    drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let at = Hlc {
                wall: NOW - 3_600_000,
                counter: i as u32,
                device: device(1),
            };
            Event::new(Id::derived("fuzz-event", i as u64), at, Some(director), d)
        })
        .collect()
}

fn tablets() -> &'static [LocalSnapshot; 2] {
    static T: OnceLock<[LocalSnapshot; 2]> = OnceLock::new();
    T.get_or_init(|| {
        let events = estate_events();
        [
            LocalSnapshot::from_events(device(9), &[], &SyncState::default()),
            LocalSnapshot::from_events(device(2), &events, &SyncState::default()),
        ]
    })
}

/// A header for a body made by the fuzzer, of the estate the second tablet holds.
pub fn header() -> Header {
    let estate = super::export::estate_identity(&estate_events()).expect("estate");
    let mut seen = Watermarks::new();
    seen.insert(
        device(1),
        Hlc {
            wall: NOW,
            counter: 0,
            device: device(1),
        },
    );
    Header {
        format: String::new(),
        format_version: 0,
        schema_version: 0,
        app_version: "fuzz".into(),
        estate,
        device: device(1),
        exported_at: NOW,
        exported_at_text: String::new(),
        covers: Covers::Full,
        seen,
        counts: Counts::default(),
        body: BodyInfo {
            bytes: 0,
            encoding: String::new(),
        },
        encryption: None,
        chain_heads: Default::default(),
        sig: None,
    }
}

fn encryption() -> Encryption {
    Encryption {
        passphrase: PASSPHRASE.into(),
        salt: [5; 16],
        nonce: [6; 12],
        iterations: crypto::MIN_ITERATIONS,
    }
}

/// The file a fuzz input stands for (see the module doc).
pub fn file_of(data: &[u8]) -> Vec<u8> {
    let Some((&mode, rest)) = data.split_first() else {
        return Vec::new();
    };
    match mode % 4 {
        0 => rest.to_vec(),
        1 => format::with_trailer(rest),
        2 => format::encode_body(header(), rest, None).1,
        _ => format::encode_body(header(), rest, Some(&encryption())).1,
    }
}

/// One fuzz run.
pub fn run(data: &[u8]) {
    check(&file_of(data));
}

/// Parses and analyses one file every way; panics only if an invariant is broken.
pub fn check(file: &[u8]) {
    let costly = format::read_envelope(file)
        .ok()
        .and_then(|e| {
            e.header
                .encryption
                .map(|x| x.iterations > FUZZ_MAX_ITERATIONS)
        })
        .unwrap_or(false);
    let settings = ImportSettings::default();
    for pass in [None, Some(PASSPHRASE)] {
        if pass.is_some() && costly {
            continue;
        }
        let parsed = format::parse(file, pass);
        for local in tablets() {
            match analyze(file, pass, local, NOW, &settings) {
                Ok(plan) => {
                    assert!(parsed.is_ok(), "analysis accepted what the parser refused");
                    assert!(plan.new_events.iter().all(Event::verify));
                    assert!(plan
                        .new_events
                        .iter()
                        .all(|e| e.at.wall <= NOW + settings.max_future_skew_ms));
                    let _ = plan.summary();
                }
                Err(e) => {
                    let m = e.message();
                    assert!(!m.zh.is_empty() && !m.en.is_empty());
                }
            }
        }
    }
}

/// A plain file with `edit` applied to each event's JSON and, where it changed, the hash
/// recomputed — what someone with a text editor and sha256sum does to a plain export (issue 12
/// tests: native and end to end). `keep_sig` keeps the original signature on an edited event.
pub fn doctor(file: &[u8], edit: impl Fn(&str) -> String, keep_sig: bool) -> Vec<u8> {
    let parsed = format::parse(file, None).expect("a readable plain file");
    let mut changed = 0;
    let events: Vec<Event> = parsed
        .events
        .iter()
        .map(|e| {
            let text = e.to_json();
            let edited = edit(&text);
            if edited == text {
                return e.clone();
            }
            changed += 1;
            let mut f = Event::from_json(&edited).expect("the edit keeps the JSON");
            f.reseal();
            if keep_sig {
                f.sig = e.sig.clone();
            }
            f
        })
        .collect();
    assert!(changed > 0, "the edit applies to the file");
    let req = super::ExportRequest {
        device: parsed.header.device,
        now: parsed.header.exported_at,
        seen: parsed.header.seen.clone(),
        encryption: None,
    };
    super::export_full(&events, &req)
        .expect("the estate is in the file")
        .bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::export::{export_full, ExportRequest};

    /// Valid files of every mode, as a starting corpus for the fuzzer:
    /// `cargo test --lib write_fuzz_seeds -- --ignored` writes fuzz/seeds/import/.
    #[test]
    #[ignore]
    fn write_fuzz_seeds() {
        let events = estate_events();
        let mut req = ExportRequest {
            device: device(1),
            now: NOW,
            seen: Watermarks::new(),
            encryption: None,
        };
        let plain = export_full(&events, &req).unwrap().bytes;
        req.encryption = Some(encryption());
        let sealed = export_full(&events, &req).unwrap().bytes;
        let mut body = Vec::new();
        for e in &events {
            body.extend(serde_json::to_vec(&format::Record::Event(Box::new(e.clone()))).unwrap());
            body.push(b'\n');
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/import");
        std::fs::create_dir_all(&dir).unwrap();
        let header_line = plain
            .split(|&b| b == b'\n')
            .take(2)
            .collect::<Vec<_>>()
            .join(&b'\n');
        for (name, mode, bytes) in [
            ("plain-full", 0u8, plain.clone()),
            ("encrypted-full", 0, sealed),
            (
                "with-trailer",
                1,
                plain[..plain.len() - format::TRAILER_LEN].to_vec(),
            ),
            ("header-only", 1, [header_line, b"\n".to_vec()].concat()),
            ("plain-body", 2, body.clone()),
            ("encrypted-body", 3, body),
        ] {
            let data = [vec![mode], bytes].concat();
            run(&data);
            std::fs::write(dir.join(format!("{name}.bin")), data).unwrap();
        }
    }
}

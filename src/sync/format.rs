//! The `.wuye` container (docs/FILE-FORMAT.md):
//!
//! ```text
//! WUYE 2\n                         magic line: "WUYE", a space, the format version, LF
//! {"format":"estate-desk-export",…}\n   the header: one line of JSON, never encrypted
//! <body: exactly header.body.bytes bytes>
//!                                  plain: JSON lines ({"event":…} / {"blob":…}), each ending LF
//!                                  encrypted: AES-256-GCM ciphertext + tag of those lines
//! SHA256 <64 lowercase hex>\n      trailer: SHA-256 of every byte before it
//! ```
//!
//! [`parse`] never panics on any input (it is fuzzed) and refuses with the [`ImportError`] that
//! names the problem: the checks run from the outside in (magic, length, checksum, version,
//! header, decryption, body), so a cut-off file says "truncated", a flipped bit says "checksum",
//! a newer app's file says "update the app", and only a sound file is decrypted.

use super::crypto;
use super::error::ImportError;
use super::Watermarks;
use crate::domain::duty::Anchors;
use crate::domain::event::Event;
use crate::domain::ids::{DeviceId, Id};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MAGIC: &[u8] = b"WUYE";
pub const FORMAT_NAME: &str = "estate-desk-export";
/// The container version this app writes and the newest it reads. Version 2 (issue 13): photos
/// travel as `blob` lines whose bytes are base64 (version 1 had hex and no writer of blobs).
/// Version 3 (issue 13): the body is a sequence of segments, written and read as a stream
/// (`super::stream`).
pub const FORMAT_VERSION: u32 = super::stream::VERSION;
/// The oldest container version [`migrate_header`] can bring forward.
pub const MIN_FORMAT_VERSION: u32 = 1;
/// The version of the event bodies (`EventBody` and its modules).
pub const SCHEMA_VERSION: u32 = 5;
pub const FILE_EXTENSION: &str = "wuye";
pub const BODY_ENCODING: &str = "jsonl";
/// "SHA256 " + 64 hex digits + LF.
pub const TRAILER_LEN: usize = 72;
const TRAILER_TAG: &[u8] = b"SHA256 ";
/// The header line may not be longer (a hostile file cannot make us scan gigabytes for it).
pub const MAX_HEADER_BYTES: usize = 1 << 20;
/// Digits of the version on the magic line.
const MAX_VERSION_DIGITS: usize = 9;

/// Which estate the data belongs to: the id of its `EstateEvent::Founded` event and its
/// current name (for messages).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstateIdentity {
    pub id: Id,
    pub name: String,
}

/// What part of the exporter's data the file holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Covers {
    /// Every event the exporter holds (PIN events aside in a plain file).
    Full,
    /// Every event whose (device, HLC) is above `since` for its device; devices absent from
    /// `since` are included from their first event.
    Since { since: Watermarks },
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub events: u64,
    pub blobs: u64,
    /// `StaffEvent::PinSet` events left out because the file is not encrypted.
    pub pins_withheld: u64,
}

impl Counts {
    /// A format-3 header carries no counts (they are in its end line).
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyInfo {
    /// Length of the body as stored (the ciphertext with its tag when encrypted). Format 3
    /// writes no length in its header: a reader fills in the length of the segments and the
    /// end line.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes: u64,
    pub encoding: String,
}

/// Parameters to decrypt the body (present only in encrypted files).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptionHeader {
    pub cipher: String,
    pub kdf: String,
    pub iterations: u32,
    /// 16 bytes, hex.
    pub salt: String,
    /// 12 bytes, hex.
    pub nonce: String,
}

/// The plain header: readable without the passphrase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    pub schema_version: u32,
    pub app_version: String,
    pub estate: EstateIdentity,
    /// The exporting tablet.
    pub device: DeviceId,
    /// UTC milliseconds, and the same as RFC 3339 for people reading the file.
    pub exported_at: i64,
    #[serde(default)]
    pub exported_at_text: String,
    pub covers: Covers,
    /// The exporter's watermarks when it made the file (see [`super::SyncState`]).
    pub seen: Watermarks,
    /// Format 3 writes them in the end line instead (a reader fills them in here).
    #[serde(default, skip_serializing_if = "Counts::is_empty")]
    pub counts: Counts,
    pub body: BodyInfo,
    #[serde(default)]
    pub encryption: Option<EncryptionHeader>,
    /// The exporter's duty-log chain heads when it made the file, `{device: {seq, hash}}`
    /// (DUTY-4, issue 12): the import reports an entry missing below them even when the file
    /// dropped the entry and its chain link. Absent when the exporter holds no duty log (and in
    /// files from before issue 12: older readers ignore it). A header signature will cover it.
    #[serde(default, skip_serializing_if = "Anchors::is_empty")]
    pub chain_heads: Anchors,
    /// The exporting tablet's Ed25519 signature (base64) of the file as it was before this
    /// field was added — the SHA-256 its trailer had then (issue 12). Always the last field of
    /// the header line; stripped, the file is byte for byte the unsigned one (also for the
    /// encryption's associated data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

/// A photo (issue 13), written once under the SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blob {
    /// Lowercase hex SHA-256 of the decoded bytes; events name it as `sha256-<this>`.
    pub sha256: String,
    pub media_type: String,
    /// The bytes, standard base64 with padding (hex in format version 1, migrated on read).
    pub data: String,
    /// Legacy keys (`photo-<uuid>`) under which events written before issue 13 name these
    /// bytes; the importer keeps them as aliases. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
}

impl Blob {
    pub fn new(media_type: &str, bytes: &[u8]) -> Self {
        use base64::Engine;
        Blob {
            sha256: hex::encode(Sha256::digest(bytes)),
            media_type: media_type.into(),
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
            keys: Vec::new(),
        }
    }
    /// The decoded bytes, if `data` is base64.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(&self.data)
            .ok()
    }
    /// The bytes hash to `sha256`, and every alias is a legacy key.
    pub fn verify(&self) -> bool {
        self.bytes()
            .is_some_and(|b| hex::encode(Sha256::digest(b)) == self.sha256)
            && self.keys.iter().all(|k| crate::store::legacy_photo_key(k))
    }
}

/// One line of the body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    // Boxed: events outweigh blobs in memory (clippy large_enum_variant); serde is unchanged.
    Event(Box<Event>),
    Blob(Blob),
}

/// A file whose envelope is sound (magic, length, checksum, version, header) but whose body is
/// not yet decrypted or read.
#[derive(Clone, Debug)]
pub struct Envelope<'a> {
    pub version: u32,
    pub header: Header,
    /// Magic line and header line without its `sig`: the associated data of the encryption.
    aad: std::borrow::Cow<'a, [u8]>,
    /// Format 1–2: the body. Format 3: the file up to its end line (segments from
    /// `segments_start`).
    body: &'a [u8],
    segments_start: usize,
    /// For a signed file, the SHA-256 the signature covers (the unsigned file's).
    signed_digest: Option<[u8; 32]>,
}

/// A fully read file: every event and blob, not yet checked against their hashes (that is
/// [`super::merge::analyze_file`]'s first step).
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedFile {
    pub header: Header,
    pub events: Vec<Event>,
    pub blobs: Vec<Blob>,
    /// For a signed file, the SHA-256 its header signature covers (issue 12).
    pub signed_digest: Option<[u8; 32]>,
}

impl ParsedFile {
    pub fn encrypted(&self) -> bool {
        self.header.encryption.is_some()
    }
}

/// Reads and checks the whole file: envelope, then body (decrypted with `passphrase` if the
/// file is encrypted; ignored otherwise).
pub fn parse(bytes: &[u8], passphrase: Option<&str>) -> Result<ParsedFile, ImportError> {
    read_envelope(bytes)?.open(passphrase)
}

fn malformed(detail: impl Into<String>) -> ImportError {
    ImportError::Malformed {
        detail: detail.into(),
    }
}

/// The total length the header line promises, if there is a readable header line. Format 3
/// writes no length in its header: its segment frames and end line tell where the trailer
/// begins.
fn declared_length(bytes: &[u8], header_start: usize, version: u32) -> Option<u64> {
    if version >= super::stream::VERSION {
        let header_end = header_start
            + bytes[header_start..]
                .iter()
                .take(MAX_HEADER_BYTES)
                .position(|&b| b == b'\n')?;
        let mut walk = super::stream::Segments::new(bytes, header_end + 1);
        for seg in walk.by_ref() {
            seg.ok()?;
        }
        let end = walk.position();
        let nl = bytes.get(end..)?.iter().position(|&b| b == b'\n')?;
        return Some((end + nl + 1 + TRAILER_LEN) as u64);
    }
    let window = &bytes[header_start
        ..bytes
            .len()
            .min(header_start.saturating_add(MAX_HEADER_BYTES))];
    let end = window.iter().position(|&b| b == b'\n')?;
    let probe: Probe = serde_json::from_slice(&window[..end]).ok()?;
    ((header_start + end + 1) as u64)
        .checked_add(probe.body.bytes)?
        .checked_add(TRAILER_LEN as u64)
}

/// Only the field every version keeps in the same place: the body length, to tell a cut-off
/// file from an edited one before the checksum is trusted.
#[derive(Deserialize)]
struct Probe {
    body: ProbeBody,
}
#[derive(Deserialize)]
struct ProbeBody {
    bytes: u64,
}

/// Checks the envelope: magic line, completeness, checksum, version, header.
pub fn read_envelope(bytes: &[u8]) -> Result<Envelope<'_>, ImportError> {
    // 1. Magic line "WUYE <digits>\n".
    let (version, header_start) = magic_line(bytes)?;
    read_envelope_after_magic(bytes, version, header_start)
}

/// The magic line: the version and where the header line starts.
fn magic_line(bytes: &[u8]) -> Result<(u32, usize), ImportError> {
    let len = bytes.len() as u64;
    let magic_sp = [MAGIC, b" "].concat();
    if !bytes.starts_with(&magic_sp) {
        return Err(if magic_sp.starts_with(bytes) {
            ImportError::Truncated {
                actual: len,
                expected: None,
            }
        } else {
            ImportError::NotEstateDeskFile
        });
    }
    let rest = &bytes[magic_sp.len()..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == rest.len() && digits <= MAX_VERSION_DIGITS {
        return Err(ImportError::Truncated {
            actual: len,
            expected: None,
        });
    }
    if digits == 0 || digits > MAX_VERSION_DIGITS || rest.get(digits) != Some(&b'\n') {
        return Err(ImportError::NotEstateDeskFile);
    }
    let version: u32 = std::str::from_utf8(&rest[..digits])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(ImportError::NotEstateDeskFile)?;
    Ok((version, magic_sp.len() + digits + 1))
}

/// The header line, parsed and checked (name, version, schema).
fn header_of(version: u32, header_raw: &[u8]) -> Result<Header, ImportError> {
    let value: serde_json::Value =
        serde_json::from_slice(header_raw).map_err(|_| malformed("header is not JSON"))?;
    let header: Header = serde_json::from_value(migrate_header(version, value)?)
        .map_err(|e| malformed(format!("header: {e}")))?;
    if header.format != FORMAT_NAME {
        return Err(ImportError::NotEstateDeskFile);
    }
    if header.format_version != version {
        return Err(malformed("header and magic line disagree on the version"));
    }
    if header.schema_version > SCHEMA_VERSION {
        return Err(ImportError::NewerSchema {
            found: header.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(header)
}

/// The container version on a file's magic line (`None`: not an export file, or too short).
pub fn version_of(bytes: &[u8]) -> Option<u32> {
    magic_line(bytes).ok().map(|(v, _)| v)
}

/// The magic line and header line of a format-3 file from its first bytes (`prefix`: at least
/// the header line, which is at most [`MAX_HEADER_BYTES`]), for a streamed import (issue 13):
/// an envelope without body, whose [`Envelope::segment_cipher`] and [`Envelope::head`] open
/// the segments read later. Its checksum is checked by [`super::stream::StreamCheck`].
pub fn read_head(prefix: &[u8]) -> Result<Envelope<'_>, ImportError> {
    let (version, header_start) = magic_line(prefix)?;
    if version > FORMAT_VERSION {
        return Err(ImportError::NewerFormat {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if version < super::stream::VERSION {
        return Err(malformed("not a streamed file (format 3)"));
    }
    let header_end = prefix[header_start..]
        .iter()
        .take(MAX_HEADER_BYTES)
        .position(|&b| b == b'\n')
        .map(|p| header_start + p)
        .ok_or(ImportError::Truncated {
            actual: prefix.len() as u64,
            expected: None,
        })?;
    let header = header_of(version, &prefix[header_start..header_end])?;
    if header.body.encoding != super::stream::ENCODING {
        return Err(malformed("body encoding"));
    }
    let covers_ok = match &header.covers {
        Covers::Full => true,
        Covers::Since { since } => watermarks_ok(since),
    };
    if !covers_ok || !watermarks_ok(&header.seen) {
        return Err(malformed("watermarks name the wrong device"));
    }
    Ok(Envelope {
        version,
        header,
        aad: std::borrow::Cow::Borrowed(&prefix[..header_end + 1]),
        body: &[],
        segments_start: 0,
        signed_digest: None,
    })
}

fn read_envelope_after_magic(
    bytes: &[u8],
    version: u32,
    header_start: usize,
) -> Result<Envelope<'_>, ImportError> {
    let len = bytes.len() as u64;

    // 2. Completeness and checksum. The trailer is the one part every version keeps: the last
    // 72 bytes. A cut-off file ends in the middle of its body, so its last bytes are no trailer;
    // an edited file keeps its trailer, which no longer matches.
    let trailer_start = bytes.len().saturating_sub(TRAILER_LEN).max(header_start);
    let trailer = &bytes[trailer_start..];
    let well_formed = trailer.len() == TRAILER_LEN
        && trailer.starts_with(TRAILER_TAG)
        && trailer[TRAILER_LEN - 1] == b'\n'
        && trailer[TRAILER_TAG.len()..TRAILER_LEN - 1]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
    if !well_formed {
        // Cut short, or the trailer itself damaged: the header's body length tells which.
        return Err(match declared_length(bytes, header_start, version) {
            Some(n) if len >= n => ImportError::ChecksumMismatch,
            expected => ImportError::Truncated {
                actual: len,
                expected,
            },
        });
    }
    let actual = hex::encode(Sha256::digest(&bytes[..trailer_start]));
    if actual.as_bytes() != &trailer[TRAILER_TAG.len()..TRAILER_LEN - 1] {
        return Err(ImportError::ChecksumMismatch);
    }

    // 3. Version: the checksum is sound, so the version is what the exporter wrote.
    if version > FORMAT_VERSION {
        return Err(ImportError::NewerFormat {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if version < MIN_FORMAT_VERSION {
        return Err(ImportError::UnsupportedOldFormat { found: version });
    }

    // 4. Header line.
    let content = &bytes[..trailer_start];
    let header_end = content[header_start..]
        .iter()
        .take(MAX_HEADER_BYTES)
        .position(|&b| b == b'\n')
        .map(|p| header_start + p)
        .ok_or_else(|| malformed("no header line"))?;
    let header_raw = &bytes[header_start..header_end];
    let body_start = header_end + 1;

    // 5. Header.
    let mut header = header_of(version, header_raw)?;
    let mut end_line = None;
    if version >= super::stream::VERSION {
        // Format 3: walk the segment frames to the end line, which holds what the header
        // could not know when it was written.
        if header.body.encoding != super::stream::ENCODING {
            return Err(malformed(format!(
                "body encoding {:?}",
                header.body.encoding
            )));
        }
        let mut walk = super::stream::Segments::new(content, body_start);
        let mut segments = 0u64;
        for seg in walk.by_ref() {
            seg.map_err(malformed)?;
            segments += 1;
        }
        let end_start = walk.position();
        let line = content[end_start..]
            .strip_suffix(b"\n")
            .filter(|l| !l.contains(&b'\n'))
            .ok_or_else(|| malformed("no end line after the last segment"))?;
        let end = super::stream::read_end_line(line)?;
        if end.segments != segments {
            return Err(malformed("segment count differs from the end line"));
        }
        header.counts = end.counts.clone();
        header.body.bytes = (trailer_start - body_start) as u64;
        header.sig = end.sig.clone();
        end_line = Some((end_start, line));
    } else if (body_start as u64).checked_add(header.body.bytes) != Some(trailer_start as u64) {
        return Err(malformed("body length differs from the header"));
    }
    if version < super::stream::VERSION && header.body.encoding != BODY_ENCODING {
        return Err(malformed(format!(
            "body encoding {:?}",
            header.body.encoding
        )));
    }
    let covers_ok = match &header.covers {
        Covers::Full => true,
        Covers::Since { since } => watermarks_ok(since),
    };
    if !covers_ok || !watermarks_ok(&header.seen) {
        return Err(malformed("watermarks name the wrong device"));
    }
    // 6. A signed header: the file without `sig` is what the signature covers.
    if let Some((end_start, line)) = end_line {
        // Format 3: the signature is the end line's last field.
        let signed_digest = match &header.sig {
            None => None,
            Some(sig) => {
                let suffix = format!(",\"sig\":\"{sig}\"}}");
                let head = line
                    .strip_suffix(suffix.as_bytes())
                    .ok_or_else(|| malformed("the signature is not the end line's last field"))?;
                let mut h = Sha256::new();
                h.update(&bytes[..end_start]);
                h.update(head);
                h.update(b"}\n");
                Some(h.finalize().into())
            }
        };
        return Ok(Envelope {
            version,
            header,
            aad: std::borrow::Cow::Borrowed(&bytes[..body_start]),
            body: &bytes[..end_start],
            segments_start: body_start,
            signed_digest,
        });
    }
    let (aad, signed_digest) = match &header.sig {
        None => (std::borrow::Cow::Borrowed(&bytes[..body_start]), None),
        Some(sig) => {
            let suffix = format!(",\"sig\":\"{sig}\"}}");
            let head = header_raw
                .strip_suffix(suffix.as_bytes())
                .ok_or_else(|| malformed("the header's signature is not its last field"))?;
            let mut unsigned = bytes[..header_start].to_vec();
            unsigned.extend_from_slice(head);
            unsigned.extend_from_slice(b"}\n");
            let mut h = Sha256::new();
            h.update(&unsigned);
            h.update(&bytes[body_start..trailer_start]);
            (std::borrow::Cow::Owned(unsigned), Some(h.finalize().into()))
        }
    };
    Ok(Envelope {
        version,
        header,
        aad,
        body: &bytes[body_start..trailer_start],
        segments_start: 0,
        signed_digest,
    })
}

/// Signs a finished file (plain or encrypted) as its exporting tablet (issue 12): `sign` gets
/// the SHA-256 in the file's trailer — the hash of everything before it — and returns the
/// signature, which goes into the header line as its last field (format 3: the end line's);
/// the trailer is recomputed. The file must be unsigned.
pub fn sign_file(file: &[u8], sign: impl FnOnce(&[u8; 32]) -> String) -> Vec<u8> {
    let trailer_start = file.len() - TRAILER_LEN;
    let digest: [u8; 32] = hex::decode(&file[trailer_start + TRAILER_TAG.len()..file.len() - 1])
        .ok()
        .and_then(|d| d.try_into().ok())
        .expect("a file this app wrote has a trailer");
    let sig = sign(&digest);
    if file.starts_with(format!("WUYE {}\n", super::stream::VERSION).as_bytes()) {
        // Format 3: the signature is the end line's last field (the header went out first).
        let envelope = read_envelope(file).expect("a file this app wrote");
        let end_start = envelope.body.len();
        let end_line = &file[end_start..trailer_start - 1];
        let mut out = Vec::with_capacity(file.len() + 100);
        out.extend_from_slice(&file[..end_start]);
        out.extend_from_slice(&end_line[..end_line.len() - 1]);
        out.extend_from_slice(format!(",\"sig\":\"{sig}\"}}\n").as_bytes());
        return with_trailer(&out);
    }
    let magic_end = file.iter().position(|&b| b == b'\n').expect("magic line") + 1;
    let header_end = magic_end
        + file[magic_end..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("header line");
    let mut out = Vec::with_capacity(file.len() + 100);
    out.extend_from_slice(&file[..header_end - 1]);
    out.extend_from_slice(format!(",\"sig\":\"{sig}\"}}").as_bytes());
    out.extend_from_slice(&file[header_end..trailer_start]);
    with_trailer(&out)
}

fn watermarks_ok(w: &Watermarks) -> bool {
    w.iter().all(|(d, h)| h.device == *d)
}

/// Brings an older version's header forward to the current shape. Version 1's header has the
/// same shape as version 2's (issue 13 changed only the `blob` lines).
pub fn migrate_header(
    version: u32,
    header: serde_json::Value,
) -> Result<serde_json::Value, ImportError> {
    match version {
        1..=FORMAT_VERSION => Ok(header),
        v => Err(ImportError::UnsupportedOldFormat { found: v }),
    }
}

/// Brings an older version's body line forward (see [`migrate_header`]). Version 1 wrote a
/// blob's bytes in hex: re-encoded as base64 (a line that is not hex is left for the hash
/// check to refuse).
pub fn migrate_record(
    version: u32,
    mut record: serde_json::Value,
) -> Result<serde_json::Value, ImportError> {
    match version {
        2..=FORMAT_VERSION => Ok(record),
        1 => {
            if let Some(data) = record.pointer_mut("/blob/data") {
                if let Some(bytes) = data.as_str().and_then(|h| hex::decode(h).ok()) {
                    use base64::Engine;
                    *data = base64::engine::general_purpose::STANDARD
                        .encode(bytes)
                        .into();
                }
            }
            Ok(record)
        }
        v => Err(ImportError::UnsupportedOldFormat { found: v }),
    }
}

impl Envelope<'_> {
    pub fn encrypted(&self) -> bool {
        self.header.encryption.is_some()
    }

    /// Format 3: the cipher that opens the segments (`None` for a plain file). Checks the
    /// parameters and derives the key.
    pub fn segment_cipher(
        &self,
        passphrase: Option<&str>,
    ) -> Result<Option<super::stream::SegmentCipher>, ImportError> {
        let Some(enc) = &self.header.encryption else {
            return Ok(None);
        };
        let (key, nonce) = key_and_nonce::<{ super::stream::NONCE_BYTES }>(
            enc,
            super::stream::CIPHER,
            passphrase,
        )?;
        Ok(Some(super::stream::SegmentCipher::new(&key, &nonce)))
    }

    /// Format 3: the segments, in order (the frames were checked by [`read_envelope`]).
    pub fn segments(&self) -> super::stream::Segments<'_> {
        super::stream::Segments::new(self.body, self.segments_start)
    }

    /// Format 3: the magic line and header line (the associated data of every segment).
    pub fn head(&self) -> &[u8] {
        &self.aad
    }

    /// Decrypts (if needed) and reads the body.
    pub fn open(&self, passphrase: Option<&str>) -> Result<ParsedFile, ImportError> {
        if self.version >= super::stream::VERSION {
            return self.open_segments(passphrase);
        }
        let plain;
        let body: &[u8] = match &self.header.encryption {
            None => self.body,
            Some(enc) => {
                let (key, nonce) =
                    key_and_nonce::<{ crypto::NONCE_BYTES }>(enc, crypto::CIPHER, passphrase)?;
                plain = crypto::open(&key, &nonce, &self.aad, self.body)
                    .ok_or(ImportError::WrongPassphrase)?;
                &plain
            }
        };
        let (events, blobs) = read_body_lines(self.version, body, 0)?;
        self.finish_open(events, blobs)
    }

    /// Format 3: every segment opened at its position (the last one as the last), its lines
    /// read; the end line's counts must match.
    fn open_segments(&self, passphrase: Option<&str>) -> Result<ParsedFile, ImportError> {
        let cipher = self.segment_cipher(passphrase)?;
        let (mut events, mut blobs) = (Vec::new(), Vec::new());
        let mut lines = 0;
        for seg in self.segments() {
            let seg = seg.map_err(malformed)?;
            let plain = match &cipher {
                None => std::borrow::Cow::Borrowed(seg.stored),
                Some(c) => std::borrow::Cow::Owned(
                    c.open(seg.index, seg.last, &self.aad, seg.stored)
                        .ok_or_else(|| super::stream::segment_refused(seg.index))?,
                ),
            };
            let (e, b) = read_body_lines(self.version, &plain, lines)?;
            lines += plain.iter().filter(|&&b| b == b'\n').count();
            events.extend(e);
            blobs.extend(b);
        }
        self.finish_open(events, blobs)
    }

    fn finish_open(&self, events: Vec<Event>, blobs: Vec<Blob>) -> Result<ParsedFile, ImportError> {
        let c = &self.header.counts;
        if events.len() as u64 != c.events || blobs.len() as u64 != c.blobs {
            return Err(malformed("record counts differ from the header"));
        }
        Ok(ParsedFile {
            header: self.header.clone(),
            events,
            blobs,
            signed_digest: self.signed_digest,
        })
    }
}

/// Checks an encrypted file's parameters (cipher, KDF, iteration count, salt, nonce) and
/// derives its key from `passphrase`.
fn key_and_nonce<const N: usize>(
    enc: &EncryptionHeader,
    cipher: &str,
    passphrase: Option<&str>,
) -> Result<([u8; 32], [u8; N]), ImportError> {
    if enc.cipher != cipher || enc.kdf != crypto::KDF {
        return Err(malformed(format!(
            "cipher {:?} / {:?}",
            enc.cipher, enc.kdf
        )));
    }
    if !crypto::iterations_ok(enc.iterations) {
        return Err(ImportError::KdfOutOfRange {
            iterations: enc.iterations,
        });
    }
    let salt = hex::decode(&enc.salt)
        .ok()
        .filter(|s| s.len() == crypto::SALT_BYTES);
    let nonce: Option<[u8; N]> = hex::decode(&enc.nonce).ok().and_then(|n| n.try_into().ok());
    let (Some(salt), Some(nonce)) = (salt, nonce) else {
        return Err(malformed("salt or nonce"));
    };
    let Some(passphrase) = passphrase else {
        return Err(ImportError::PassphraseRequired);
    };
    Ok((crypto::derive_key(passphrase, &salt, enc.iterations), nonce))
}

/// The records of JSON lines (a format 1–2 body, or one format-3 segment's plaintext);
/// `first_line` numbers the lines in messages.
pub(crate) fn read_body_lines(
    version: u32,
    body: &[u8],
    first_line: usize,
) -> Result<(Vec<Event>, Vec<Blob>), ImportError> {
    let mut events = Vec::new();
    let mut blobs = Vec::new();
    if body.is_empty() {
        return Ok((events, blobs));
    }
    let Some(lines) = body.strip_suffix(b"\n") else {
        return Err(malformed("body does not end with a line break"));
    };
    for (n, line) in lines.split(|&b| b == b'\n').enumerate() {
        let bad = |e: serde_json::Error| match e.classify() {
            serde_json::error::Category::Data => {
                malformed(format!("line {}: {e}", first_line + n + 1))
            }
            _ => malformed(format!("line {} is not JSON", first_line + n + 1)),
        };
        // Event lines are decoded straight from their bytes, never through a `Value` (whose
        // maps re-order keys): an event keeps the exact bytes it was hashed over (issue 12),
        // and events are never migrated — only the other record kinds are.
        let record: Record = if let Some(event) = event_line(line) {
            Record::Event(Box::new(Event::from_json(event).map_err(bad)?))
        } else if version >= 2 || line.starts_with(b"{\"event\":") {
            serde_json::from_slice(line).map_err(bad)?
        } else {
            let value: serde_json::Value = serde_json::from_slice(line).map_err(bad)?;
            serde_json::from_value(migrate_record(version, value)?).map_err(bad)?
        };
        match record {
            Record::Event(e) => events.push(*e),
            Record::Blob(b) => blobs.push(b),
        }
    }
    Ok((events, blobs))
}

/// The event of an event line as [`super::stream::StreamWriter::event`] writes it,
/// `{"event":…}`: decoded from its text at once, not through `Record` (whose `Event` first
/// scans the text as a `RawValue`, then parses it again: issue 13, each line of a restore
/// is decoded twice, in the check and in the absorb). Anything else goes through `Record`.
fn event_line(line: &[u8]) -> Option<&str> {
    let inner = line.strip_prefix(b"{\"event\":")?.strip_suffix(b"}")?;
    std::str::from_utf8(inner)
        .ok()
        .filter(|t| t.starts_with('{') && t.ends_with('}'))
}

/// Writes a file (format 3) of these events and blobs for tests: the
/// [`super::stream::StreamWriter`] collected into one `Vec`, as `export::write` does.
/// `header.body`, `header.counts.events/blobs` and `header.encryption` are filled in here.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn encode(
    header: Header,
    events: &[Event],
    blobs: &[Blob],
    encryption: Option<&super::export::Encryption>,
) -> (Header, Vec<u8>) {
    let mut w = super::stream::StreamWriter::new(header, encryption);
    let mut out = w.take();
    for e in events {
        w.event(e);
    }
    for b in blobs {
        w.blob(b);
    }
    out.extend(w.take());
    let (header, last) = w.finish(None);
    out.extend(last);
    (header, out)
}

/// Writes a file (format 3) around already serialised JSON lines, with the counts the caller
/// put in `header.counts` (tests and the fuzz target build files of hand-made lines this way).
pub fn encode_body(
    header: Header,
    plain: &[u8],
    encryption: Option<&super::export::Encryption>,
) -> (Header, Vec<u8>) {
    let counts = header.counts.clone();
    let mut w = super::stream::StreamWriter::new(header, encryption);
    let lines = plain.strip_suffix(b"\n").unwrap_or(plain);
    if !plain.is_empty() {
        for line in lines.split(|&b| b == b'\n') {
            w.line(line);
        }
    }
    w.counts = counts;
    let mut out = w.take();
    let (header, last) = w.finish(None);
    out.extend(last);
    (header, out)
}

/// The format-2 writer (one AES-GCM message over the whole body), kept for tests of the
/// readers of older files.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn encode_body_v2(
    mut header: Header,
    plain: &[u8],
    encryption: Option<&super::export::Encryption>,
) -> (Header, Vec<u8>) {
    header.format = FORMAT_NAME.into();
    header.format_version = 2;
    header.schema_version = SCHEMA_VERSION;
    header.body.encoding = BODY_ENCODING.into();
    header.encryption = encryption.map(|e| EncryptionHeader {
        cipher: crypto::CIPHER.into(),
        kdf: crypto::KDF.into(),
        iterations: e.iterations,
        salt: hex::encode(e.salt),
        nonce: hex::encode(e.nonce),
    });
    header.body.bytes = (plain.len()
        + if encryption.is_some() {
            crypto::TAG_BYTES
        } else {
            0
        }) as u64;
    let mut out = b"WUYE 2\n".to_vec();
    out.extend(serde_json::to_vec(&header).expect("headers serialise"));
    out.push(b'\n');
    match encryption {
        None => out.extend(plain),
        Some(e) => {
            let key = crypto::derive_key(&e.passphrase, &e.salt, e.iterations);
            let sealed =
                crypto::seal(&key, &e.nonce, &out, plain).expect("body within AES-GCM limits");
            out.extend(sealed);
        }
    }
    let out = with_trailer(&out);
    (header, out)
}

/// Appends a correct trailer to `content` (for tests and the fuzz target, which build files
/// whose checksum is sound so the parser behind it gets exercised).
pub fn with_trailer(content: &[u8]) -> Vec<u8> {
    let mut out = content.to_vec();
    out.extend(TRAILER_TAG);
    out.extend(hex::encode(Sha256::digest(content)).as_bytes());
    out.push(b'\n');
    out
}

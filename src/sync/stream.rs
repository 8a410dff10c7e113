//! File format 3 (issue 13): the body as a sequence of segments, so a file is written and read
//! segment by segment and never has to exist whole in memory (docs/FILE-FORMAT.md, "Format 3").
//!
//! ```text
//! WUYE 3\n                          magic line (frozen)
//! {header}\n                        no counts, no body length, no signature: not known yet
//! [u32 BE: last flag (bit 31) | stored length] [stored bytes]   one segment, repeated;
//!                                   plain: whole JSON lines (≤ 64 KiB unless one line is longer)
//!                                   encrypted: those lines sealed by STREAM (AES-256-GCM,
//!                                   StreamBE32: 7-byte nonce, 32-bit counter, last-block flag)
//! {"counts":{…},"segments":n,"sig":"…"}\n   the end line: what the header could not know
//! SHA256 <64 hex>\n                 trailer (frozen): SHA-256 of every byte before it
//! ```
//!
//! [`StreamWriter`] emits the bytes as it goes and hashes them on the way; the one-shot writer
//! ([`super::format::encode_body`]) is this writer collected into one `Vec`, so both write the
//! same bytes. [`Segments`] walks the segment frames of a file in memory; [`SegmentCipher`]
//! opens one segment at its position (a resumed import starts at any segment);
//! [`StreamCheck`] verifies a file fed to it slice by slice, holding one segment at a time.

use super::crypto;
use super::error::ImportError;
use super::export::Encryption;
use super::format::{Blob, Counts, Header, Record, FORMAT_NAME, SCHEMA_VERSION, TRAILER_LEN};
use crate::domain::event::Event;
use aead::stream::{NewStream, StreamBE32, StreamPrimitive};
use aes_gcm::{Aes256Gcm, KeyInit};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The container version of this layout.
pub const VERSION: u32 = 3;
/// `header.body.encoding` of a format-3 file.
pub const ENCODING: &str = "jsonl-segments";
/// `header.encryption.cipher` of a format-3 file.
pub const CIPHER: &str = "AES-256-GCM-STREAM-BE32";
/// STREAM-BE32 over AES-256-GCM: 12-byte nonce minus 4 counter bytes and 1 flag byte.
pub const NONCE_BYTES: usize = 7;
/// A segment's plaintext is whole lines, at most this long unless a single line is longer.
pub const SEGMENT_TARGET: usize = 64 * 1024;
/// The largest stored segment a reader accepts (a photo line; a hostile length cannot make a
/// reader allocate more).
pub const MAX_SEGMENT: usize = 64 << 20;
const LAST: u32 = 1 << 31;
/// Frame bytes before each segment.
pub const FRAME: usize = 4;

/// Signs a file's digest as its exporting tablet (issue 12): base64 Ed25519.
pub type Signer<'a> = dyn FnMut(&[u8; 32]) -> String + 'a;

/// The end line: what a streamed writer knows only at the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndLine {
    pub counts: Counts,
    pub segments: u64,
    /// The exporting tablet's signature (issue 12) of the SHA-256 of the file without this
    /// field: always the last field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

fn frame(last: bool, len: usize) -> [u8; FRAME] {
    ((len as u32) | if last { LAST } else { 0 }).to_be_bytes()
}

/// (last, stored length) of a frame.
pub fn read_frame(b: [u8; FRAME]) -> (bool, usize) {
    let v = u32::from_be_bytes(b);
    (v & LAST != 0, (v & !LAST) as usize)
}

/// STREAM over AES-256-GCM with the file's key and nonce; the associated data of every
/// segment is the magic line and header line.
pub struct SegmentCipher {
    stream: StreamBE32<Aes256Gcm>,
    key: [u8; 32],
    nonce: [u8; NONCE_BYTES],
}

/// The same key and nonce (a streamed import's second pass opens the segments again without
/// deriving the key again).
impl Clone for SegmentCipher {
    fn clone(&self) -> Self {
        SegmentCipher::new(&self.key, &self.nonce)
    }
}

impl SegmentCipher {
    pub fn new(key: &[u8; 32], nonce: &[u8; NONCE_BYTES]) -> Self {
        SegmentCipher {
            stream: StreamBE32::from_aead(Aes256Gcm::new(key.into()), nonce.into()),
            key: *key,
            nonce: *nonce,
        }
    }
    fn seal(&self, index: u32, last: bool, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        self.stream
            .encrypt(index, last, aead::Payload { msg: plain, aad })
            .expect("segment within AES-GCM limits")
    }
    /// The plaintext of segment `index`, or `None` when its tag fails (wrong key, altered
    /// bytes, or a segment that is not at this position or not the last one it claims to be).
    pub fn open(&self, index: u32, last: bool, aad: &[u8], stored: &[u8]) -> Option<Vec<u8>> {
        self.stream
            .decrypt(index, last, aead::Payload { msg: stored, aad })
            .ok()
    }
}

/// Writes a format-3 file as it goes: [`StreamWriter::take`] hands out the bytes written so
/// far (the caller appends them to a `Blob` part list, a file, or a `Vec`).
pub struct StreamWriter {
    hasher: Sha256,
    aad: Vec<u8>,
    cipher: Option<SegmentCipher>,
    pending: Vec<u8>,
    position: u32,
    /// Events and blobs written (the end line's counts; `pins_withheld` from the header).
    pub counts: Counts,
    body_bytes: u64,
    written: u64,
    out: Vec<u8>,
    header: Header,
}

impl StreamWriter {
    /// Starts a file: the magic line and the header line (its `counts`, `body` and `sig` are
    /// left for the end line; `pins_withheld` is kept for it). Derives the key when encrypted.
    pub fn new(mut header: Header, encryption: Option<&Encryption>) -> Self {
        header.format = FORMAT_NAME.into();
        header.format_version = VERSION;
        header.schema_version = SCHEMA_VERSION;
        header.body.encoding = ENCODING.into();
        header.body.bytes = 0;
        header.sig = None;
        let counts = Counts {
            events: 0,
            blobs: 0,
            pins_withheld: header.counts.pins_withheld,
        };
        header.counts = Counts::default();
        let nonce: Option<[u8; NONCE_BYTES]> =
            encryption.map(|e| e.nonce[..NONCE_BYTES].try_into().expect("7 of 12 bytes"));
        header.encryption = encryption.map(|e| super::format::EncryptionHeader {
            cipher: CIPHER.into(),
            kdf: crypto::KDF.into(),
            iterations: e.iterations,
            salt: hex::encode(e.salt),
            nonce: hex::encode(nonce.expect("encrypted")),
        });
        let mut head = format!("WUYE {VERSION}\n").into_bytes();
        head.extend(serde_json::to_vec(&header).expect("headers serialise"));
        head.push(b'\n');
        let cipher = encryption.map(|e| {
            let key = crypto::derive_key(&e.passphrase, &e.salt, e.iterations);
            SegmentCipher::new(&key, &nonce.expect("encrypted"))
        });
        let mut w = StreamWriter {
            hasher: Sha256::new(),
            aad: head.clone(),
            cipher,
            pending: Vec::with_capacity(SEGMENT_TARGET + 1024),
            position: 0,
            counts,
            body_bytes: 0,
            written: 0,
            out: Vec::new(),
            header,
        };
        w.emit(&head);
        w
    }

    fn emit(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.written += bytes.len() as u64;
        self.out.extend_from_slice(bytes);
    }

    /// One body line (without its LF). A segment is closed before a line that would take it
    /// past [`SEGMENT_TARGET`].
    pub fn line(&mut self, line: &[u8]) {
        if !self.pending.is_empty() && self.pending.len() + line.len() + 1 > SEGMENT_TARGET {
            self.flush(false);
        }
        self.pending.extend_from_slice(line);
        self.pending.push(b'\n');
    }

    pub fn event(&mut self, e: &Event) {
        // `{"event":…}` exactly as `Record::Event` serialises, without cloning the event.
        let json = e.to_json();
        let mut line = Vec::with_capacity(json.len() + 10);
        line.extend_from_slice(b"{\"event\":");
        line.extend_from_slice(json.as_bytes());
        line.push(b'}');
        self.line(&line);
        self.counts.events += 1;
    }

    pub fn blob(&mut self, b: &Blob) {
        let line = serde_json::to_vec(&Record::Blob(b.clone())).expect("records serialise");
        self.line(&line);
        self.counts.blobs += 1;
    }

    fn flush(&mut self, last: bool) {
        let plain = std::mem::take(&mut self.pending);
        let stored = match &self.cipher {
            None => plain,
            Some(c) => c.seal(self.position, last, &self.aad, &plain),
        };
        assert!(
            stored.len() < MAX_SEGMENT,
            "a line longer than a segment may be"
        );
        self.emit(&frame(last, stored.len()));
        self.emit(&stored);
        self.body_bytes += (FRAME + stored.len()) as u64;
        self.position += 1;
        self.pending = Vec::with_capacity(SEGMENT_TARGET + 1024);
    }

    /// The bytes written since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Bytes written but not yet taken.
    pub fn pending_out(&self) -> u64 {
        self.out.len() as u64
    }

    /// Bytes written so far (taken or not) and segments closed.
    pub fn progress(&self) -> (u64, u32) {
        (self.written, self.position)
    }

    /// Closes the last segment, writes the end line (signed by `sign` when given: it gets the
    /// SHA-256 of the file without the signature, as in format 2) and the trailer. Returns the
    /// header as a reader sees it (counts, body length and signature filled in) and the last
    /// bytes.
    pub fn finish(mut self, sign: Option<&mut Signer<'_>>) -> (Header, Vec<u8>) {
        self.flush(true);
        let mut end = EndLine {
            counts: self.counts.clone(),
            segments: u64::from(self.position),
            sig: None,
        };
        let unsigned = serde_json::to_vec(&end).expect("end line serialises");
        if let Some(sign) = sign {
            let mut h = self.hasher.clone();
            h.update(&unsigned);
            h.update(b"\n");
            end.sig = Some(sign(&h.finalize().into()));
        }
        let mut line = serde_json::to_vec(&end).expect("end line serialises");
        line.push(b'\n');
        self.emit(&line);
        self.body_bytes += line.len() as u64;
        let digest = hex::encode(self.hasher.clone().finalize());
        let trailer = format!("SHA256 {digest}\n");
        debug_assert_eq!(trailer.len(), TRAILER_LEN);
        self.emit(trailer.as_bytes());
        let mut header = self.header.clone();
        header.counts = end.counts;
        header.body.bytes = self.body_bytes;
        header.sig = end.sig;
        let out = self.take();
        (header, out)
    }
}

/// One segment of a file in memory: its index, whether it is the last, and its stored bytes.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    pub index: u32,
    pub last: bool,
    pub stored: &'a [u8],
    /// Offset of its frame in the file.
    pub offset: usize,
}

/// Walks the segment frames from `body_start`, stopping after the last; `Err` when a frame is
/// cut short or too long. Yields nothing more after an error.
pub struct Segments<'a> {
    bytes: &'a [u8],
    pos: usize,
    index: u32,
    done: bool,
}

impl<'a> Segments<'a> {
    pub fn new(bytes: &'a [u8], body_start: usize) -> Self {
        Segments {
            bytes,
            pos: body_start,
            index: 0,
            done: false,
        }
    }
    /// Where the walk stands (after the last segment: the end line's start).
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Segments<'a> {
    type Item = Result<Segment<'a>, &'static str>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let Some(f) = self.bytes.get(self.pos..self.pos + FRAME) else {
            self.done = true;
            return Some(Err("a segment frame is cut short"));
        };
        let (last, len) = read_frame(f.try_into().expect("4 bytes"));
        let start = self.pos + FRAME;
        if len > MAX_SEGMENT || start + len > self.bytes.len() {
            self.done = true;
            return Some(Err("a segment is longer than the file"));
        }
        let seg = Segment {
            index: self.index,
            last,
            stored: &self.bytes[start..start + len],
            offset: self.pos,
        };
        self.pos = start + len;
        self.index = self.index.wrapping_add(1);
        self.done = last;
        Some(Ok(seg))
    }
}

/// The records of one segment's plaintext (whole lines, each ending LF).
pub fn read_lines(plain: &[u8], first_line: usize) -> Result<(Vec<Event>, Vec<Blob>), ImportError> {
    super::format::read_body_lines(VERSION, plain, first_line)
}

/// Verifies a format-3 file fed slice by slice (pass 1 of a streamed import, issue 13): the
/// magic line, the header, every segment's frame and (when a cipher is given) its tag, every
/// line's shape, the end line's counts, and the trailer's SHA-256 — holding one segment at a
/// time, never the body. [`StreamCheck::finish`] refuses a file cut short anywhere (a cut at a
/// segment boundary has no end line and no trailer; an encrypted file's last segment is
/// authenticated as the last by STREAM).
pub struct StreamCheck {
    hasher: Sha256,
    /// Bytes fed and not yet consumed: `buf[start..]` (consumed bytes are dropped once per
    /// feed — dropping them per segment moved the rest of a 4 MiB slice each time).
    buf: Vec<u8>,
    start: usize,
    total: u64,
    stage: Stage,
    aad: Vec<u8>,
    cipher: Option<SegmentCipher>,
    index: u32,
    events: u64,
    blobs: u64,
    lines: usize,
    /// Offsets of each segment's frame: where a resumed import starts reading.
    pub offsets: Vec<u64>,
    error: Option<ImportError>,
    /// The end line, once read.
    pub end: Option<EndLine>,
    /// For a signed file, the SHA-256 its signature covers (the file without `sig`, issue 12).
    pub signed_digest: Option<[u8; 32]>,
    /// Bytes from the first frame to the end of the end line (`header.body.bytes`).
    pub body_bytes: u64,
    /// With [`keeping`](Self::keeping): the segments checked so far and not yet taken, with
    /// their records (a streamed import analyses them, then drops them).
    pub ready: std::collections::VecDeque<Checked>,
    keep: bool,
    /// Each kept segment's digest computed (see [`without_digests`](Self::without_digests)).
    digests: bool,
}

/// One segment [`StreamCheck`] verified: where it is, its SHA-256 (frame and stored bytes: a
/// second pass re-reading it checks it is the same), and its records.
#[derive(Clone, Debug)]
pub struct Checked {
    pub index: u32,
    pub last: bool,
    /// Offset of its frame in the file, and its stored length.
    pub offset: u64,
    pub len: usize,
    pub digest: [u8; 32],
    /// Without digests ([`StreamCheck::without_digests`]): the frame and stored bytes
    /// themselves, so that a re-read (a signature's recheck) opens what was checked.
    pub raw: Option<Vec<u8>>,
    pub events: Vec<Event>,
    pub blobs: Vec<Blob>,
}

/// The SHA-256 of a segment's frame and stored bytes.
pub fn segment_digest(frame_and_stored: &[u8]) -> [u8; 32] {
    Sha256::digest(frame_and_stored).into()
}

#[derive(Debug, PartialEq, Eq)]
enum Stage {
    Head,
    Segments,
    End,
}

impl StreamCheck {
    /// `head` is the file's magic line and header line as read by
    /// [`super::format::read_head`]; `cipher` opens its segments (None for a plain file).
    pub fn new(head: &[u8], cipher: Option<SegmentCipher>) -> Self {
        StreamCheck {
            hasher: Sha256::new(),
            buf: Vec::new(),
            start: 0,
            total: 0,
            stage: Stage::Head,
            aad: head.to_vec(),
            cipher,
            index: 0,
            events: 0,
            blobs: 0,
            lines: 0,
            offsets: Vec::new(),
            error: None,
            end: None,
            signed_digest: None,
            body_bytes: 0,
            ready: Default::default(),
            keep: false,
            digests: true,
        }
    }

    /// Keeps each checked segment's records in [`ready`](Self::ready) for the caller to take.
    pub fn keeping(mut self) -> Self {
        self.keep = true;
        self
    }

    /// Leaves the segments' digests out (all zero): a file whose second pass reads nothing
    /// again (the daily exchange's, kept whole by the first) never compares them, and they
    /// were a second SHA-256 of the whole file.
    pub fn without_digests(mut self) -> Self {
        self.digests = false;
        self
    }

    /// The bytes fed and not yet consumed.
    fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Feeds the next bytes of the file (from its first byte). The last [`TRAILER_LEN`] bytes
    /// are held back until [`finish`](Self::finish).
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.drain(..self.start);
        self.start = 0;
        self.buf.extend_from_slice(bytes);
        loop {
            if self.error.is_some() {
                // Keep hashing: a damaged file is reported as damaged, not malformed.
                let keep = self.pending().len().saturating_sub(TRAILER_LEN);
                self.consume(keep);
                return;
            }
            match self.stage {
                Stage::Head => {
                    if self.pending().len() < self.aad.len() + TRAILER_LEN {
                        return;
                    }
                    if self.pending()[..self.aad.len()] != self.aad[..] {
                        self.error = Some(malformed("the header changed while reading"));
                        continue;
                    }
                    self.consume(self.aad.len());
                    self.stage = Stage::Segments;
                }
                Stage::Segments => {
                    if self.pending().len() < FRAME {
                        return;
                    }
                    let (last, len) = read_frame(self.pending()[..FRAME].try_into().expect("4"));
                    if len > MAX_SEGMENT {
                        self.error = Some(malformed("a segment is too long"));
                        continue;
                    }
                    if self.pending().len() < FRAME + len + TRAILER_LEN {
                        return;
                    }
                    let offset = self.total;
                    self.offsets.push(offset);
                    let (digest, raw) = match (self.keep, self.digests) {
                        (true, true) => (segment_digest(&self.pending()[..FRAME + len]), None),
                        (true, false) => ([0; 32], Some(self.pending()[..FRAME + len].to_vec())),
                        (false, _) => ([0; 32], None),
                    };
                    let stored = self.pending()[FRAME..FRAME + len].to_vec();
                    self.consume(FRAME + len);
                    if let Err(e) = self.check_segment(last, &stored, offset, digest, raw) {
                        self.error = Some(e);
                        continue;
                    }
                    self.index += 1;
                    if last {
                        self.stage = Stage::End;
                    }
                }
                Stage::End => {
                    let Some(nl) = self.pending().iter().position(|&b| b == b'\n') else {
                        return;
                    };
                    if self.pending().len() < nl + 1 + TRAILER_LEN {
                        return;
                    }
                    let end = read_end_line(&self.pending()[..nl]);
                    let mut unsigned = self.hasher.clone();
                    let line = self.pending()[..nl].to_vec();
                    self.consume(nl + 1);
                    self.body_bytes = self.total - self.aad.len() as u64;
                    match end {
                        Ok(end) => {
                            if let Some(sig) = &end.sig {
                                // The signature is the end line's last field (format 3).
                                let suffix = format!(",\"sig\":\"{sig}\"}}");
                                match line.strip_suffix(suffix.as_bytes()) {
                                    Some(head) => {
                                        unsigned.update(head);
                                        unsigned.update(b"}\n");
                                        self.signed_digest = Some(unsigned.finalize().into());
                                    }
                                    None => {
                                        self.error = Some(malformed(
                                            "the signature is not the end line's last field",
                                        ))
                                    }
                                }
                            }
                            self.end = Some(end);
                        }
                        Err(e) => self.error = Some(e),
                    }
                    if self.error.is_none() && self.pending().len() > TRAILER_LEN {
                        self.error = Some(malformed("bytes after the end line"));
                    }
                    if self.error.is_none() {
                        return;
                    }
                }
            }
        }
    }

    fn consume(&mut self, n: usize) {
        self.hasher.update(&self.buf[self.start..self.start + n]);
        self.total += n as u64;
        self.start += n;
    }

    fn check_segment(
        &mut self,
        last: bool,
        stored: &[u8],
        offset: u64,
        digest: [u8; 32],
        raw: Option<Vec<u8>>,
    ) -> Result<(), ImportError> {
        let plain = match &self.cipher {
            None => std::borrow::Cow::Borrowed(stored),
            Some(c) => std::borrow::Cow::Owned(
                c.open(self.index, last, &self.aad, stored)
                    .ok_or_else(|| segment_refused(self.index))?,
            ),
        };
        // The lines' content — events' and photos' hashes — is the import analysis's
        // (`merge::Analysis`, check 9), the same for a file read whole.
        let (events, blobs) = read_lines(&plain, self.lines)?;
        self.lines += plain.iter().filter(|&&b| b == b'\n').count();
        self.events += events.len() as u64;
        self.blobs += blobs.len() as u64;
        if self.keep {
            self.ready.push_back(Checked {
                index: self.index,
                last,
                offset,
                len: stored.len(),
                digest,
                raw,
                events,
                blobs,
            });
        }
        Ok(())
    }

    /// Checks the trailer and the counts: `Ok(end line)` when the whole file is sound.
    pub fn finish(self) -> Result<EndLine, ImportError> {
        let total = self.total + self.pending().len() as u64;
        let trailer = self.pending().to_vec();
        let sound_trailer = trailer.len() == TRAILER_LEN
            && trailer.starts_with(b"SHA256 ")
            && trailer[TRAILER_LEN - 1] == b'\n';
        let complete = self.stage == Stage::End && self.end.is_some();
        if !sound_trailer || (!complete && self.error.is_none()) {
            return Err(if sound_trailer || complete {
                ImportError::ChecksumMismatch
            } else {
                ImportError::Truncated {
                    actual: total,
                    expected: None,
                }
            });
        }
        let digest = hex::encode(self.hasher.finalize());
        if digest.as_bytes() != &trailer[7..TRAILER_LEN - 1] {
            return Err(ImportError::ChecksumMismatch);
        }
        if let Some(e) = self.error {
            return Err(e);
        }
        let end = self.end.expect("complete");
        if end.counts.events != self.events
            || end.counts.blobs != self.blobs
            || end.segments != u64::from(self.index)
        {
            return Err(malformed("record counts differ from the end line"));
        }
        Ok(end)
    }
}

/// A segment whose tag fails: the first one means the passphrase is wrong; a later one that
/// the file was altered (its checksum recomputed), e.g. segments dropped or moved.
pub fn segment_refused(index: u32) -> ImportError {
    if index == 0 {
        ImportError::WrongPassphrase
    } else {
        ImportError::ChecksumMismatch
    }
}

fn malformed(detail: &str) -> ImportError {
    ImportError::Malformed {
        detail: detail.into(),
    }
}

/// Parses the end line (without its LF).
pub fn read_end_line(line: &[u8]) -> Result<EndLine, ImportError> {
    serde_json::from_slice(line).map_err(|_| malformed("the end line is not valid"))
}

//! The streamed import (issue 13): a format-3 file read in slices from a [`Source`] — in the
//! browser the chosen `File` (`File.slice` + `Blob.arrayBuffer`), natively a byte slice — and
//! never held whole in memory.
//!
//! 1. [`plan_import_sliced`] (pass 1, nothing written): feeds the slices to
//!    [`StreamCheck`] (magic, header, every segment's frame, tag, lines and photo hashes, the
//!    end line, the checksum) and analyses each verified segment's events as it comes — hash,
//!    one content per id, PINs in a plain file, the estate, new vs present
//!    (`Store::stored_among` per segment), signatures, quarantine, the records per module, the
//!    conflicts, the photos the file carries and where, and the duty-log events the chain check
//!    needs — then drops them. What it keeps: the preview's accumulators, one digest per
//!    segment, the photos' names and places. Formats 1–2 (whole-body, old and small) are read
//!    whole and planned as before ([`super::plan_import`]).
//! 2. [`apply_import_sliced`] (pass 2): re-reads the segments (each checked against its pass-1
//!    digest: a file changed in between is refused) and absorbs the new events in groups of
//!    [`super::IMPORT_GROUP_EVENTS`], each its own transaction with the photos its events name
//!    (read from the photo's segment when needed) and the resume marker
//!    ([`super::ImportMarker`]: choosing the same file again resumes; the watermarks advance
//!    only with the last group).
//!
//! Memory held at any time: one slice, one group, the accumulators — never the file or all of
//! its events.

use super::error::{ImportError, Tamper};
use super::export::is_pin;
use super::format::{self, Blob};
use super::merge::{
    check_estate, conflict_between, field_group, is_founded, proven, quarantine, ImportPlan,
    ImportSettings, LocalSnapshot, ModuleCounts, SyncUpdate, APPEND,
};
use super::service::{
    apply_import_in_groups, group_meta, import_marker, may_import, photo_to_store, plan_import,
    ImportMarker, ImportOutcome,
};
use super::stream::{self, Checked, SegmentCipher, StreamCheck, FRAME};
use crate::app::{App, AppError};
use crate::domain::command::{Actor, DomainError};
use crate::domain::device::Untrusted;
use crate::domain::event::{Event, EventBody, RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::ids::{DeviceId, EventId};
use crate::store::{PhotoRow, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Bytes read at a time from the file (the browser's `File.slice`).
pub const SLICE: usize = 4 << 20;

/// Photo bytes one transaction of the second pass carries at most besides its events (photos
/// no new event names — a re-import onto a tablet that lacks them — go in batches of this).
pub const PHOTO_BATCH: usize = 16 << 20;

/// A file read by byte ranges.
#[allow(async_fn_in_trait)]
pub trait Source {
    /// The file's length in bytes.
    fn len(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// `len` bytes from `offset` (fewer only at the end of the file).
    async fn read(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ImportError>;
}

impl Source for &[u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    async fn read(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ImportError> {
        let start = (offset as usize).min(<[u8]>::len(self));
        let end = start.saturating_add(len).min(<[u8]>::len(self));
        Ok(self[start..end].to_vec())
    }
}

/// Where a verified segment lies, and its digest (pass 2 re-reads and re-checks it).
#[derive(Clone, Debug)]
struct SegmentInfo {
    index: u32,
    last: bool,
    offset: u64,
    len: usize,
    digest: [u8; 32],
    /// Holds event lines (a pass-2 read is needed).
    events: bool,
}

/// A photo the file carries: its name, legacy keys and the segment it is in.
#[derive(Clone, Debug)]
struct PhotoInfo {
    sha256: String,
    keys: Vec<String>,
    segment: usize,
}

/// A validated file and its preview, ready for [`apply_import_sliced`].
pub struct StreamPlan {
    /// The preview (for a format-3 file without `new_events` and `blobs`: see
    /// [`ImportPlan::new_count`] and [`ImportPlan::photo_count`]).
    pub plan: ImportPlan,
    /// The file's id (the SHA-256 in its trailer): the resume marker's.
    pub file: String,
    body: Body,
}

// One per import: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
enum Body {
    /// Formats 1–2: the whole plan, events held.
    Whole,
    Segments {
        segments: Vec<SegmentInfo>,
        photos: Vec<PhotoInfo>,
        cipher: Option<SegmentCipher>,
        head: Vec<u8>,
        limit: i64,
        /// This tablet held no event when the file was checked (a restore onto a blank
        /// tablet): nothing of the file can be held here but what this import writes.
        blank: bool,
    },
}

impl std::fmt::Debug for StreamPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let segments = match &self.body {
            Body::Whole => None,
            Body::Segments { segments, .. } => Some(segments.len()),
        };
        f.debug_struct("StreamPlan")
            .field("plan", &self.plan)
            .field("file", &self.file)
            .field("segments", &segments)
            .finish()
    }
}

impl StreamPlan {
    /// The preview.
    pub fn plan(&self) -> &ImportPlan {
        &self.plan
    }
}

fn read_failed(detail: &str) -> ImportError {
    ImportError::Store(StoreError::Other(detail.into()))
}

/// Reads a whole range (several reads if the source hands out less).
async fn read_exact<R: Source>(
    src: &mut R,
    offset: u64,
    len: usize,
) -> Result<Vec<u8>, ImportError> {
    let mut out = src.read(offset, len).await?;
    while out.len() < len {
        let more = src.read(offset + out.len() as u64, len - out.len()).await?;
        if more.is_empty() {
            return Err(read_failed("the file is shorter than when it was checked"));
        }
        out.extend(more);
    }
    Ok(out)
}

/// The file's id from its last 72 bytes.
async fn trailer_id<R: Source>(src: &mut R) -> Result<String, ImportError> {
    let n = src.len();
    if n < format::TRAILER_LEN as u64 {
        return Ok(String::new());
    }
    let t = read_exact(src, n - format::TRAILER_LEN as u64, format::TRAILER_LEN).await?;
    Ok(super::file_id(&t))
}

/// Pass 1 of a streamed import: validates the file read in slices of `slice` bytes and previews
/// its import. Writes nothing, moves no clock. `progress(bytes checked, file length)` after each
/// slice. Refused before the file is read when `actor` may not import. A file cut anywhere,
/// damaged or altered in any segment is refused as [`super::plan_import`] refuses it.
#[allow(clippy::too_many_arguments)]
pub async fn plan_import_sliced<S: Store, R: Source>(
    app: &App<S>,
    actor: Option<&Actor>,
    src: &mut R,
    passphrase: Option<&str>,
    now: i64,
    settings: &ImportSettings,
    slice: usize,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<StreamPlan, ImportError> {
    may_import(app, actor).await?;
    let len = src.len();
    let prefix = src
        .read(0, (format::MAX_HEADER_BYTES + 64).min(len as usize))
        .await?;
    let file = trailer_id(src).await?;
    if format::version_of(&prefix).is_none_or(|v| v != stream::VERSION) {
        // Formats 1–2 (and what is no export file, or a newer one): read whole, as before.
        drop(prefix);
        let bytes = read_exact(src, 0, len as usize).await?;
        progress(len, len);
        let plan = plan_import(app, actor, &bytes, passphrase, now, settings).await?;
        return Ok(StreamPlan {
            plan,
            file,
            body: Body::Whole,
        });
    }
    let (mut header, head) = {
        let envelope = format::read_head(&prefix)?;
        (envelope.header.clone(), envelope.head().to_vec())
    };
    drop(prefix);
    let local = LocalSnapshot::base(app).await?;
    check_estate(&header, local.estate.as_ref())?;
    let cipher = format::read_head(&head)?.segment_cipher(passphrase)?;
    let limit = now.saturating_add(settings.max_future_skew_ms);
    let blank = app.store.event_count().await? == 0;
    let mut acc = Analysis {
        blank,
        plain: header.encryption.is_none(),
        estate_id: header.estate.id,
        estate_name: header.estate.name.clone(),
        local_estate_name: local.estate.as_ref().map(|e| e.name.clone()),
        trust: local.trust.clone(),
        limit,
        now,
        ..Default::default()
    };
    let mut check = StreamCheck::new(&head, cipher.clone()).keeping();
    let mut failed: Option<ImportError> = None;
    let mut off = 0u64;
    let slice = slice.max(1);
    while off < len {
        let n = (slice as u64).min(len - off) as usize;
        let bytes = read_exact(src, off, n).await?;
        check.feed(&bytes);
        drop(bytes);
        off += n as u64;
        while let Some(seg) = check.ready.pop_front() {
            if failed.is_none() {
                if let Err(e) = acc.segment(app, seg).await {
                    failed = Some(e);
                }
            }
        }
        progress(off, len);
    }
    let signed_digest = check.signed_digest;
    let body_bytes = check.body_bytes;
    let end = check.finish()?;
    if let Some(e) = failed {
        return Err(e);
    }
    header.counts = end.counts;
    header.body.bytes = body_bytes;
    header.sig = end.sig;
    if local.estate.is_none() && !acc.founded {
        return Err(ImportError::NeedFullExport {
            estate: header.estate.name.clone(),
        });
    }
    // Signatures checked against every enrolment of the file: the segments whose events could
    // not be decided in order are read again (none when no tablet is enrolled).
    if (acc.trust.signing() || acc.must_recheck) && !acc.recheck.is_empty() {
        let recheck: Vec<u32> = acc.recheck.iter().copied().collect();
        for i in recheck {
            let seg = &acc.segments[i as usize];
            let (events, _) = read_segment(src, seg, cipher.as_ref(), &head).await?;
            let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
            let held = if blank {
                HashSet::new()
            } else {
                app.store.stored_among(&ids).await?
            };
            for e in events.iter().filter(|e| !held.contains(&e.id)) {
                acc.trust
                    .check(e)
                    .map_err(|why| ImportError::Untrusted { id: e.id, why })?;
            }
        }
    }
    acc.trust
        .check_file(header.device, header.sig.as_deref(), signed_digest.as_ref())
        .map_err(|why| ImportError::Untrusted {
            id: Default::default(),
            why,
        })?;
    let plan = acc.finish(app, header, &local).await?;
    let Analysis {
        segments, photos, ..
    } = acc;
    Ok(StreamPlan {
        plan,
        file,
        body: Body::Segments {
            segments,
            photos,
            cipher,
            head,
            limit,
            blank,
        },
    })
}

/// Reads one segment again, checks it is the one pass 1 verified, opens it and reads its lines.
async fn read_segment<R: Source>(
    src: &mut R,
    seg: &SegmentInfo,
    cipher: Option<&SegmentCipher>,
    head: &[u8],
) -> Result<(Vec<Event>, Vec<Blob>), ImportError> {
    let raw = read_exact(src, seg.offset, FRAME + seg.len).await?;
    open_segment(&raw, seg, cipher, head)
}

fn open_segment(
    raw: &[u8],
    seg: &SegmentInfo,
    cipher: Option<&SegmentCipher>,
    head: &[u8],
) -> Result<(Vec<Event>, Vec<Blob>), ImportError> {
    if stream::segment_digest(raw) != seg.digest {
        return Err(read_failed(
            "the file changed after it was checked; choose it again",
        ));
    }
    let stored = &raw[FRAME..];
    let plain = match cipher {
        None => std::borrow::Cow::Borrowed(stored),
        Some(c) => std::borrow::Cow::Owned(
            c.open(seg.index, seg.last, head, stored)
                .ok_or_else(|| stream::segment_refused(seg.index))?,
        ),
    };
    stream::read_lines(&plain, 0)
}

/// A record the file's new events touch and this tablet holds: the newest stored event of
/// each field group, and the newest new one.
#[derive(Default)]
struct Updated {
    stored: BTreeMap<String, Event>,
    incoming: BTreeMap<String, Event>,
}

/// Pass 1's accumulators (the preview of [`super::merge::analyze_file`], segment by segment).
#[derive(Default)]
struct Analysis {
    /// This tablet holds no event (no store reads per segment).
    blank: bool,
    plain: bool,
    estate_id: EventId,
    estate_name: String,
    local_estate_name: Option<String>,
    trust: crate::domain::device::Trust,
    limit: i64,
    now: i64,
    /// Every id in the file, with the first 16 bytes of its hash (one content per id).
    in_file: HashMap<EventId, [u8; 16]>,
    founded: bool,
    /// Segments holding events whose signature or attestation could not be decided in order.
    recheck: BTreeSet<u32>,
    /// Some of them failed in order (an unknown tablet, no attestation yet): checked again
    /// even when no tablet turns out enrolled.
    must_recheck: bool,
    new_count: usize,
    already_present: usize,
    held: BTreeMap<DeviceId, (usize, i64, Hlc)>,
    held_back: Vec<Event>,
    /// Records new events touch: whether this tablet held them.
    touched: HashMap<RecordRef, bool>,
    updated: BTreeMap<RecordRef, Updated>,
    modules: BTreeMap<RecordKind, ModuleCounts>,
    /// New events the duty-log chain check reads.
    duty: Vec<Event>,
    segments: Vec<SegmentInfo>,
    photos: Vec<PhotoInfo>,
    photo_seen: HashSet<String>,
}

fn hash16(hash: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    if let Ok(b) = hex::decode(hash.get(..32).unwrap_or(hash)) {
        let n = b.len().min(16);
        out[..n].copy_from_slice(&b[..n]);
    }
    out
}

fn duty_relevant(e: &Event) -> bool {
    use crate::domain::duty::DutyEvent;
    e.subject.kind == RecordKind::DutyChain
        || matches!(
            &e.body,
            EventBody::Duty(
                DutyEvent::EntryAdded { .. }
                    | DutyEvent::ChainLinked { .. }
                    | DutyEvent::LogSigned { .. }
            )
        )
}

impl Analysis {
    /// One verified segment: its events analysed, its photos noted, then dropped.
    async fn segment<S: Store>(&mut self, app: &App<S>, seg: Checked) -> Result<(), ImportError> {
        let index = self.segments.len();
        self.segments.push(SegmentInfo {
            index: seg.index,
            last: seg.last,
            offset: seg.offset,
            len: seg.len,
            digest: seg.digest,
            events: !seg.events.is_empty(),
        });
        for b in &seg.blobs {
            if self.photo_seen.insert(b.sha256.clone()) {
                self.photos.push(PhotoInfo {
                    sha256: b.sha256.clone(),
                    keys: b.keys.clone(),
                    segment: index,
                });
            }
        }
        // Every event against its own hash, and one content per id.
        let mut unique = Vec::with_capacity(seg.events.len());
        for e in seg.events {
            if !e.verify() {
                return Err(ImportError::TamperedEvent {
                    id: e.id,
                    how: Tamper::ContentEdited,
                });
            }
            if self.plain && is_pin(&e) {
                return Err(ImportError::PinInPlainFile { id: e.id });
            }
            let h = hash16(&e.hash);
            match self.in_file.get(&e.id) {
                Some(k) if *k == h => continue,
                Some(_) => {
                    return Err(ImportError::TamperedEvent {
                        id: e.id,
                        how: Tamper::DuplicateInFile,
                    })
                }
                None => {}
            }
            if is_founded(&e) {
                if e.id != self.estate_id {
                    return Err(ImportError::WrongEstate {
                        file: format!("{} / {}", self.estate_name, e.id.short()),
                        local: self
                            .local_estate_name
                            .clone()
                            .unwrap_or_else(|| self.estate_name.clone()),
                    });
                }
                self.founded = true;
            }
            self.in_file.insert(e.id, h);
            unique.push(e);
        }
        if unique.is_empty() {
            return Ok(());
        }
        // What this tablet holds of them: ids, and the stored hash of each.
        let ids: Vec<EventId> = unique.iter().map(|e| e.id).collect();
        let held = if self.blank {
            HashSet::new()
        } else {
            app.store.stored_among(&ids).await?
        };
        let mut stored_hash: HashMap<EventId, String> = HashMap::new();
        if !held.is_empty() {
            let subjects: Vec<RecordRef> = unique
                .iter()
                .filter(|e| held.contains(&e.id))
                .map(|e| e.subject)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            for stored in app.store.events_of(&subjects).await? {
                for e in stored {
                    if held.contains(&e.id) {
                        stored_hash.insert(e.id, e.hash);
                    }
                }
            }
        }
        // Enrolments first (as the whole-file analysis learns them before any check).
        self.trust
            .learn(&unique)
            .map_err(|why| ImportError::Untrusted {
                id: unique
                    .iter()
                    .find(|e| {
                        matches!(e.body, EventBody::Device(_)) && e.subject.id == why.device()
                    })
                    .map(|e| e.id)
                    .unwrap_or_default(),
                why,
            })?;
        let mut new = Vec::new();
        for e in unique {
            if held.contains(&e.id) {
                match stored_hash.get(&e.id) {
                    Some(h) if *h == e.hash => {
                        self.already_present += 1;
                        continue;
                    }
                    _ => {
                        return Err(ImportError::TamperedEvent {
                            id: e.id,
                            how: Tamper::DiffersFromKnown,
                        })
                    }
                }
            }
            // Signatures: decided now when more enrolments later in the file cannot change the
            // answer; otherwise the segment is checked again at the end.
            match self.trust.check(&e) {
                Ok(()) if e.sig.is_none() && !self.trust.signing() => {
                    self.recheck.insert(index as u32);
                }
                Ok(()) => {}
                Err(Untrusted::UnknownTablet { .. } | Untrusted::Unattested { .. }) => {
                    self.recheck.insert(index as u32);
                    self.must_recheck = true;
                }
                Err(why) => return Err(ImportError::Untrusted { id: e.id, why }),
            }
            if e.at.wall > self.limit {
                let q = self.held.entry(e.device()).or_insert((0, 0, e.at));
                q.0 += 1;
                q.1 = q.1.max(e.at.wall.saturating_sub(self.now));
                q.2 = q.2.min(e.at);
                if e.subject.kind == RecordKind::DutyChain {
                    self.held_back.push(e);
                }
                continue;
            }
            new.push(e);
        }
        // Records per module, and what the conflict rule compares.
        let first_seen: Vec<RecordRef> = new
            .iter()
            .map(|e| e.subject)
            .filter(|s| !self.touched.contains_key(s))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !first_seen.is_empty() {
            let stored_of = if self.blank {
                vec![Vec::new(); first_seen.len()]
            } else {
                app.store.events_of(&first_seen).await?
            };
            for (s, stored) in first_seen.iter().zip(stored_of) {
                let m = self.modules.entry(s.kind).or_default();
                self.touched.insert(*s, !stored.is_empty());
                if stored.is_empty() {
                    m.new_records += 1;
                    continue;
                }
                m.updated_records += 1;
                let mut u = Updated::default();
                for e in stored {
                    newer(&mut u.stored, e);
                }
                self.updated.insert(*s, u);
            }
        }
        for e in new {
            self.new_count += 1;
            self.modules.entry(e.subject.kind).or_default().new_events += 1;
            if duty_relevant(&e) {
                self.duty.push(e.clone());
            }
            if let Some(u) = self.updated.get_mut(&e.subject) {
                newer(&mut u.incoming, e);
            }
        }
        Ok(())
    }

    /// The preview, once every segment was analysed.
    async fn finish<S: Store>(
        &mut self,
        app: &App<S>,
        header: format::Header,
        local: &LocalSnapshot,
    ) -> Result<ImportPlan, ImportError> {
        let mut conflicts = Vec::new();
        for (subject, u) in &self.updated {
            for (g, n) in &u.incoming {
                if g == APPEND {
                    continue;
                }
                let Some(h) = u.stored.get(g) else {
                    continue;
                };
                conflicts.extend(conflict_between(*subject, g, h, n, &header));
            }
        }
        let (seen_after, complete) = proven(&header, local.seen.clone(), local.device, &self.held);
        let quarantined = quarantine(std::mem::take(&mut self.held));
        // DUTY-4: the chains the new duty events and the anchors name, read once.
        let mut chains: Vec<RecordRef> = self
            .duty
            .iter()
            .filter(|e| e.subject.kind == RecordKind::DutyChain)
            .map(|e| e.subject)
            .collect();
        chains.extend(crate::domain::duty::anchored_chains(
            &self.duty,
            &header.chain_heads,
        ));
        chains.sort();
        chains.dedup();
        let stored: HashMap<RecordRef, Vec<Event>> = chains
            .iter()
            .copied()
            .zip(app.store.events_of(&chains).await?)
            .collect();
        let duty_log_problems = crate::domain::duty::import_check_file(
            &self.duty,
            &crate::domain::duty::FileAnchors {
                declared: header.chain_heads.clone(),
                complete,
                held_back: &self.held_back,
            },
            |s| stored.get(&s).cloned().unwrap_or_default(),
        );
        self.in_file = HashMap::new();
        self.touched = HashMap::new();
        self.duty = Vec::new();
        Ok(ImportPlan {
            sync: SyncUpdate {
                exporter: header.device,
                exporter_seen: header.seen.clone(),
                advance: seen_after,
            },
            header,
            new_events: Vec::new(),
            new_count: self.new_count,
            photo_count: self.photos.len(),
            already_present: self.already_present,
            modules: std::mem::take(&mut self.modules),
            conflicts,
            quarantined,
            blobs: Vec::new(),
            duty_log_problems,
        })
    }
}

/// Keeps the newest event of each field group.
fn newer(by_group: &mut BTreeMap<String, Event>, e: Event) {
    let g = field_group(&e.body).into_owned();
    match by_group.get(&g) {
        Some(o) if (o.at, o.id) >= (e.at, e.id) => {}
        _ => {
            by_group.insert(g, e);
        }
    }
}

fn app_error(e: ImportError) -> AppError {
    match e {
        ImportError::Denied(d) => AppError::Domain(DomainError::Denied(d)),
        ImportError::Store(s) => AppError::Store(s),
        other => AppError::Domain(DomainError::Invalid(other.message())),
    }
}

/// Reads the file forward in slices, handing out ranges within the current window.
struct Window<'a, R: Source> {
    src: &'a mut R,
    start: u64,
    buf: Vec<u8>,
    slice: usize,
}

impl<R: Source> Window<'_, R> {
    async fn get(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ImportError> {
        let end = offset + len as u64;
        if offset < self.start || end > self.start + self.buf.len() as u64 {
            if len >= self.slice {
                return read_exact(self.src, offset, len).await;
            }
            let n = (self.slice as u64).min(self.src.len().saturating_sub(offset)) as usize;
            self.buf = read_exact(self.src, offset, n.max(len)).await?;
            self.start = offset;
        }
        let a = (offset - self.start) as usize;
        Ok(self.buf[a..a + len].to_vec())
    }
}

/// Pass 2 of a streamed import (see the module doc): the plan's new events absorbed in groups
/// of `group`, each its own transaction with the photos its events name and the resume marker
/// ([`apply_import_in_groups`]'s semantics, which a format 1–2 plan goes through). `progress`
/// after each group; `stop_after` ends after that many groups (tests: a tab closed halfway).
#[allow(clippy::too_many_arguments)]
pub async fn apply_import_sliced<S: Store, R: Source>(
    app: &App<S>,
    actor: Option<&Actor>,
    sp: &StreamPlan,
    src: &mut R,
    now: i64,
    group: usize,
    slice: usize,
    progress: &mut dyn FnMut(u64, u64),
    stop_after: Option<usize>,
) -> Result<ImportOutcome, AppError> {
    let plan = &sp.plan;
    let Body::Segments {
        segments,
        photos,
        cipher,
        head,
        limit,
        blank,
    } = &sp.body
    else {
        return apply_import_in_groups(
            app, actor, plan, &sp.file, now, group, progress, stop_after,
        )
        .await;
    };
    may_import(app, actor).await.map_err(app_error)?;
    let previous = import_marker(&app.store)
        .await?
        .filter(|m| m.file == sp.file && m.exporter == plan.header.device);
    let ours = previous.is_some();
    let before = previous.as_ref().map_or(0, |m| m.done);
    let total = before + plan.new_count as u64;
    let started = previous.as_ref().map_or(now, |m| m.started);
    let group = group.max(1);
    // Photo keys (hashed and legacy) → the file's photo.
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, p) in photos.iter().enumerate() {
        by_key.insert(crate::store::photo_key(&p.sha256), i);
        for k in &p.keys {
            by_key.insert(k.clone(), i);
        }
    }
    let mut taken = vec![false; photos.len()];
    let mut run = Run {
        app,
        plan,
        file: &sp.file,
        ours,
        started,
        total,
        done: before,
        groups: 0,
        added: 0,
        now,
        stop_after,
    };
    let mut win = Window {
        src,
        start: 0,
        buf: Vec::new(),
        slice: slice.max(FRAME + 1),
    };
    let mut pending: Vec<Event> = Vec::new();
    let mut seen: HashSet<EventId> = HashSet::new();
    let cipher = cipher.as_ref();
    for seg in segments.iter().filter(|s| s.events) {
        let raw = win
            .get(seg.offset, FRAME + seg.len)
            .await
            .map_err(app_error)?;
        let (events, _) = open_segment(&raw, seg, cipher, head).map_err(app_error)?;
        drop(raw);
        let events: Vec<Event> = events
            .into_iter()
            .filter(|e| e.at.wall <= *limit && seen.insert(e.id))
            .collect();
        // On a blank tablet only this run's earlier groups are held (absorbing skips those).
        let held = if *blank {
            HashSet::new()
        } else {
            let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
            app.store.stored_among(&ids).await?
        };
        pending.extend(events.into_iter().filter(|e| !held.contains(&e.id)));
        while pending.len() > group {
            let rest = pending.split_off(group);
            let chunk = std::mem::replace(&mut pending, rest);
            let rows = photos_named(
                app, &chunk, &by_key, &mut taken, photos, segments, win.src, cipher, head,
            )
            .await?;
            if !run.commit(chunk, rows, false, progress).await? {
                return Ok(run.outcome());
            }
            // Duplicates are looked for among the events not yet committed only.
            seen = pending.iter().map(|e| e.id).collect();
        }
    }
    // The last group: its events' photos, then the photos no new event names (in batches of
    // PHOTO_BATCH bytes before it when they are many).
    let mut rows = photos_named(
        app, &pending, &by_key, &mut taken, photos, segments, win.src, cipher, head,
    )
    .await?;
    for i in 0..photos.len() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        if let Some(row) = load_photo(app, &photos[i], segments, win.src, cipher, head).await? {
            rows.push(row);
        }
        let bytes: usize = rows.iter().map(|r| r.bytes.len()).sum();
        if bytes > PHOTO_BATCH
            && !run
                .commit(Vec::new(), std::mem::take(&mut rows), false, progress)
                .await?
        {
            return Ok(run.outcome());
        }
    }
    run.commit(pending, rows, true, progress).await?;
    Ok(run.outcome())
}

/// The photos a group's events name that this run has not stored yet, read from the file.
#[allow(clippy::too_many_arguments)]
async fn photos_named<S: Store, R: Source>(
    app: &App<S>,
    events: &[Event],
    by_key: &HashMap<String, usize>,
    taken: &mut [bool],
    photos: &[PhotoInfo],
    segments: &[SegmentInfo],
    src: &mut R,
    cipher: Option<&SegmentCipher>,
    head: &[u8],
) -> Result<Vec<PhotoRow>, AppError> {
    let mut rows = Vec::new();
    for e in events {
        for k in crate::store::photo_keys(e) {
            let Some(&i) = by_key.get(&k) else { continue };
            if std::mem::replace(&mut taken[i], true) {
                continue;
            }
            if let Some(row) = load_photo(app, &photos[i], segments, src, cipher, head).await? {
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

/// One photo of the file as a row to store (None when this tablet holds it).
async fn load_photo<S: Store, R: Source>(
    app: &App<S>,
    p: &PhotoInfo,
    segments: &[SegmentInfo],
    src: &mut R,
    cipher: Option<&SegmentCipher>,
    head: &[u8],
) -> Result<Option<PhotoRow>, AppError> {
    let aliases_needed = {
        let mut any = false;
        for k in &p.keys {
            if crate::store::legacy_photo_key(k) && !app.store.has_photo(k).await? {
                any = true;
            }
        }
        any
    };
    if !aliases_needed
        && app
            .store
            .has_photo(&crate::store::photo_key(&p.sha256))
            .await?
    {
        return Ok(None);
    }
    let (_, blobs) = read_segment(src, &segments[p.segment], cipher, head)
        .await
        .map_err(app_error)?;
    let Some(b) = blobs.into_iter().find(|b| b.sha256 == p.sha256) else {
        return Ok(None);
    };
    Ok(photo_to_store(&app.store, &b).await?)
}

/// The groups of one pass 2.
struct Run<'a, S: Store> {
    app: &'a App<S>,
    plan: &'a ImportPlan,
    file: &'a str,
    ours: bool,
    started: i64,
    total: u64,
    done: u64,
    groups: usize,
    added: usize,
    now: i64,
    stop_after: Option<usize>,
}

impl<S: Store> Run<'_, S> {
    /// Commits one group; `false` when the run is to stop here (`stop_after`).
    async fn commit(
        &mut self,
        chunk: Vec<Event>,
        rows: Vec<PhotoRow>,
        last: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<bool, AppError> {
        if self.stop_after.is_some_and(|s| self.groups >= s) {
            return Ok(false);
        }
        self.done += chunk.len() as u64;
        let marker = ImportMarker {
            file: self.file.to_string(),
            exporter: self.plan.header.device,
            done: self.done,
            events: self.total,
            started: self.started,
        };
        let clear = self.ours || self.groups > 0;
        let (app, plan) = (self.app, self.plan);
        let bookkeeping = async || group_meta(app, plan, &marker, last, clear).await;
        self.added += app
            .absorb_with_photos(chunk, rows, self.now, bookkeeping)
            .await?;
        self.groups += 1;
        progress(self.done, self.total);
        Ok(true)
    }

    fn outcome(&self) -> ImportOutcome {
        ImportOutcome {
            added: self.added,
            conflicts: self.plan.conflicts.len(),
            quarantined: self.plan.quarantined.iter().map(|q| q.events).sum(),
        }
    }
}

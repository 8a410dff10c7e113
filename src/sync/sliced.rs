//! The streamed import (issue 13): a format-3 file read in slices from a [`Source`] — in the
//! browser the chosen `File` (`File.slice` + `Blob.arrayBuffer`), natively a byte slice — and
//! never held whole in memory.
//!
//! 1. [`plan_import_sliced`] (pass 1, nothing written): feeds the slices to
//!    [`StreamCheck`] (magic, header, every segment's frame, tag and lines, the end line, the
//!    checksum) and hands each verified segment to the import analysis
//!    ([`super::merge::Analysis`], the one every import goes through: hash, one content per
//!    id, PINs in a plain file, the estate, the photos' hashes, new vs present
//!    (`Store::stored_hashes` once per slice, for every segment it completes), signatures,
//!    quarantine, the records per module, the conflicts, the photos the file carries and
//!    where, and the duty-log events the chain check needs), which drops them. What it keeps:
//!    the preview's accumulators, one digest per segment, the photos' names and places.
//!    Formats 1–2 (whole-body, old and small) are read whole
//!    ([`super::plan_import`]: the same analysis, the file as one part).
//! 2. [`apply_import_sliced`] (pass 2): re-reads the segments (each checked against its pass-1
//!    digest: a file changed in between is refused) and absorbs the new events in groups of
//!    [`super::IMPORT_GROUP_EVENTS`], each its own transaction with the photos its events name
//!    (read from the photo's segment when needed) and the resume marker
//!    ([`super::ImportMarker`]: choosing the same file again resumes; the watermarks advance
//!    only with the last group). A file of at most [`ImportSettings::keep_max_bytes`] (8 MiB:
//!    the daily exchange) is not read again: pass 1 kept the events and photos it adds, and
//!    they are absorbed as a format 1–2 plan's are, in the same groups.
//!
//! Memory held at any time: one slice, one group, the accumulators — never the file or all of
//! its events (but for a file within `keep_max_bytes`).

use super::error::ImportError;
use super::format::{self, Blob};
use super::merge::{
    check_estate, Analysis, ImportPlan, ImportSettings, LocalSnapshot, Part, PhotoInfo,
};
use super::service::{
    app_error, apply_import_in_groups, may_import, photo_row, photos_lacking, plan_import,
    ImportOutcome, PhotoGroups, Run, StoreLookup,
};
use super::stream::{self, SegmentCipher, StreamCheck, FRAME};
use crate::app::{App, AppError};
use crate::domain::command::Actor;
use crate::domain::event::Event;
use crate::domain::ids::EventId;
use crate::store::{PhotoRow, Store, StoreError};
use std::collections::HashSet;

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
    /// The segment itself when its digest was not taken (a file pass 1 keeps whole): a
    /// re-read opens these bytes.
    raw: Option<Vec<u8>>,
    /// Holds event lines (a pass-2 read is needed).
    events: bool,
}

/// A validated file and its preview, ready for [`apply_import_sliced`].
pub struct StreamPlan {
    /// The preview (for a format-3 file larger than [`ImportSettings::keep_max_bytes`]
    /// without `new_events` and `blobs`: see [`ImportPlan::new_count`] and
    /// [`ImportPlan::photo_count`]).
    pub plan: ImportPlan,
    /// The file's id (the SHA-256 in its trailer): the resume marker's.
    pub file: String,
    body: Body,
}

// One per import: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
enum Body {
    /// Formats 1–2, and a format-3 file within `keep_max_bytes`: the whole plan, the events
    /// and photos it adds held.
    Whole,
    Segments {
        segments: Vec<SegmentInfo>,
        photos: Vec<PhotoInfo>,
        cipher: Option<SegmentCipher>,
        head: Vec<u8>,
        limit: i64,
        /// The file's ids held here when it was checked, if few enough to remember
        /// (`merge::HELD_IDS_MAX`; none on a blank tablet): pass 2 leaves them out without
        /// asking the store.
        held: Option<HashSet<EventId>>,
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
    let lookup = StoreLookup::new(&app.store, blank);
    // A small file (the daily exchange) keeps what it adds: pass 2 reads nothing again.
    let keep = len <= settings.keep_max_bytes;
    let mut acc = Analysis::new(
        &header,
        local.estate.as_ref(),
        local.trust.clone(),
        now,
        settings,
        keep,
    );
    let mut segments: Vec<SegmentInfo> = Vec::new();
    let mut check = StreamCheck::new(&head, cipher.clone()).keeping();
    if keep {
        check = check.without_digests();
    }
    let mut failed: Option<ImportError> = None;
    let mut off = 0u64;
    let slice = slice.max(1);
    while off < len {
        let n = (slice as u64).min(len - off) as usize;
        let reading = crate::bench::spans::span("check: read file");
        let bytes = read_exact(src, off, n).await?;
        drop(reading);
        let opening = crate::bench::spans::span("check: open + parse segments");
        check.feed(&bytes);
        drop(opening);
        drop(bytes);
        off += n as u64;
        // Issue 13: what the analysis asks the store about every segment this slice
        // completed, read at once (a read per ~64 KB segment, 1,127 for the 100k file, was
        // most of a mostly-held import's check); the events are moved out and back.
        let mut ready: Vec<_> = check.ready.drain(..).collect();
        if failed.is_none() && !ready.is_empty() {
            let mut all = Vec::new();
            let mut lens = Vec::with_capacity(ready.len());
            for seg in ready.iter_mut() {
                lens.push(seg.events.len());
                all.append(&mut seg.events);
            }
            if let Err(e) = lookup.read_ahead(&all).await {
                failed = Some(e.into());
            }
            let mut rest = all.into_iter();
            for (seg, n) in ready.iter_mut().zip(lens) {
                seg.events = rest.by_ref().take(n).collect();
            }
        }
        for seg in ready {
            if failed.is_some() {
                continue;
            }
            segments.push(SegmentInfo {
                index: seg.index,
                last: seg.last,
                offset: seg.offset,
                len: seg.len,
                digest: seg.digest,
                raw: seg.raw,
                events: !seg.events.is_empty(),
            });
            let part = Part {
                last: seg.last,
                events: seg.events,
                blobs: seg.blobs,
            };
            if let Err(e) = acc.segment(&lookup, part).await {
                failed = Some(e);
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
    // Signatures checked against every enrolment of the file: the segments whose events could
    // not be decided in order are read again (none when no tablet is enrolled).
    for i in acc.to_recheck(local.estate.is_some()) {
        let (events, _) = read_segment(src, &segments[i], cipher.as_ref(), &head).await?;
        let held = if blank || acc.knows_held() {
            HashSet::new()
        } else {
            app.store.stored_among(&events).await?
        };
        if acc.recheck(&events, &held) {
            break;
        }
    }
    let held = acc.take_held_ids();
    let plan = acc
        .finish(
            &lookup,
            header,
            signed_digest.as_ref(),
            local.estate.is_some(),
            local.seen.clone(),
            local.device,
        )
        .await?;
    let body = if keep {
        Body::Whole
    } else {
        Body::Segments {
            segments,
            photos: std::mem::take(&mut acc.photos),
            cipher,
            head,
            limit,
            held,
        }
    };
    Ok(StreamPlan { plan, file, body })
}

/// Reads one segment again, checks it is the one pass 1 verified, opens it and reads its lines.
async fn read_segment<R: Source>(
    src: &mut R,
    seg: &SegmentInfo,
    cipher: Option<&SegmentCipher>,
    head: &[u8],
) -> Result<(Vec<Event>, Vec<Blob>), ImportError> {
    if let Some(raw) = &seg.raw {
        return open_checked(raw, seg, cipher, head);
    }
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
    open_checked(raw, seg, cipher, head)
}

/// Opens a segment's bytes known to be those pass 1 checked.
fn open_checked(
    raw: &[u8],
    seg: &SegmentInfo,
    cipher: Option<&SegmentCipher>,
    head: &[u8],
) -> Result<(Vec<Event>, Vec<Blob>), ImportError> {
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
        held: known_held,
        ..
    } = &sp.body
    else {
        return apply_import_in_groups(
            app, actor, plan, &sp.file, now, group, progress, stop_after,
        )
        .await;
    };
    let mut run = Run::start(app, actor, plan, &sp.file, now, stop_after).await?;
    let group = group.max(1);
    let mut groups = PhotoGroups::new(
        photos
            .iter()
            .map(|p| (p.sha256.as_str(), p.keys.as_slice())),
    );
    let mut win = Window {
        src,
        start: 0,
        buf: Vec::new(),
        slice: slice.max(FRAME + 1),
    };
    let result: Result<(), AppError> = async {
        let mut pending: Vec<Event> = Vec::new();
        let mut seen: HashSet<EventId> = HashSet::new();
        let cipher = cipher.as_ref();
        for seg in segments.iter().filter(|s| s.events) {
            let reading = crate::bench::spans::span("file: read + open segment");
            let raw = win
                .get(seg.offset, FRAME + seg.len)
                .await
                .map_err(app_error)?;
            let (events, _) = open_segment(&raw, seg, cipher, head).map_err(app_error)?;
            drop(raw);
            drop(reading);
            let events: Vec<Event> = events
                .into_iter()
                .filter(|e| e.at.wall <= *limit && seen.insert(e.id))
                .collect();
            // What pass 1 found held is left out (on a blank tablet nothing is held but this
            // run's earlier groups). The groups are committed as new (`App::absorb_new_with_photos`,
            // no per-id lookup): an event stored since pass 1 (another tab), or repeated across
            // groups, makes that group be written again looking its events up.
            let looked_up;
            let held = match known_held {
                Some(ids) => ids,
                None => {
                    looked_up = app.store.stored_among(&events).await?;
                    &looked_up
                }
            };
            pending.extend(events.into_iter().filter(|e| !held.contains(&e.id)));
            while pending.len() > group {
                let rest = pending.split_off(group);
                let chunk = std::mem::replace(&mut pending, rest);
                let named = groups.named(&chunk);
                let loading = crate::bench::spans::span("file: photos");
                let rows = load_photos(app, named, photos, segments, win.src, cipher, head).await?;
                drop(loading);
                let _s = crate::bench::spans::span("absorb (whole group)");
                if !run.commit(chunk, rows, false, progress).await? {
                    return Ok(());
                }
                // Duplicates are looked for among the events not yet committed only.
                seen = pending.iter().map(|e| e.id).collect();
            }
        }
        // The last group: its events' photos, then the photos no new event names (in batches of
        // PHOTO_BATCH bytes before it when they are many).
        let named = groups.named(&pending);
        let mut rows = load_photos(app, named, photos, segments, win.src, cipher, head).await?;
        for i in groups.rest() {
            rows.extend(load_photos(app, vec![i], photos, segments, win.src, cipher, head).await?);
            let bytes: usize = rows.iter().map(|r| r.bytes.len()).sum();
            if bytes > PHOTO_BATCH
                && !run
                    .commit(Vec::new(), std::mem::take(&mut rows), false, progress)
                    .await?
            {
                return Ok(());
            }
        }
        run.commit(pending, rows, true, progress).await?;
        Ok(())
    }
    .await;
    run.end(result).await
}

/// The photos `named` (indices into `photos`) that this tablet lacks, read from the file;
/// whether it lacks them asked of the store at once.
async fn load_photos<S: Store, R: Source>(
    app: &App<S>,
    named: Vec<usize>,
    photos: &[PhotoInfo],
    segments: &[SegmentInfo],
    src: &mut R,
    cipher: Option<&SegmentCipher>,
    head: &[u8],
) -> Result<Vec<PhotoRow>, AppError> {
    let asked: Vec<(&str, &[String])> = named
        .iter()
        .map(|&i| (photos[i].sha256.as_str(), photos[i].keys.as_slice()))
        .collect();
    let lacking = photos_lacking(&app.store, &asked).await?;
    let mut rows = Vec::new();
    for (i, aliases) in named.into_iter().zip(lacking) {
        let Some(aliases) = aliases else { continue };
        let p = &photos[i];
        let (_, blobs) = read_segment(src, &segments[p.segment], cipher, head)
            .await
            .map_err(app_error)?;
        rows.extend(
            blobs
                .into_iter()
                .find(|b| b.sha256 == p.sha256)
                .and_then(|b| photo_row(&b, aliases)),
        );
    }
    Ok(rows)
}

//! The application service: the one path from a command to stored state. A UI action calls a
//! domain command (role and state checked there), the resulting drafts are stamped into events
//! (HLC, id, actor, hash), the affected views are refolded, and all of it is committed in one
//! batch. Pure Rust over the [`Store`] trait, so it is tested natively with the memory store.

use crate::domain::authority::{self, is_authority, Ledger, Refusal};
use crate::domain::command::{Actor, DomainError};
use crate::domain::device;
use crate::domain::estate::{estate_ref, Estate};
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::hlc::{Hlc, HlcClock};
use crate::domain::i18n::Text;
use crate::domain::ids::{DeviceId, Entropy, RecordId, StaffId};
use crate::domain::staff::Staff;
use crate::domain::view::{fold_all_kind, fold_onto_kind, Aggregate, View, ViewHead};
use crate::store::{Batch, ClockWrite, LeftKey, PhotoRow, Query, Store, StoreError, META_HLC};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
#[cfg(feature = "bench")]
pub use view_cache::set_bound as bench_set_view_cache_bound;
use view_cache::{base_of, Base, CacheUpdate, ViewCache};

/// Meta: this tablet's Ed25519 secret key (hex), made on first open (issue 12). Device-local:
/// never exported. Someone with the browser's developer tools can read it — a key proves which
/// tablet wrote an event, not which person (docs/ARCHITECTURE.md, "Signatures").
const META_KEY: &str = "device_key";
/// A Director's sign-in enrols the tablet by itself up to this many stored events.
pub const AUTO_ENROL_MAX: u64 = 20_000;
/// Meta: this tablet's device id, chosen once on first open.
const META_DEVICE: &str = "device";

/// Meta: the authority state the views were folded with (issue 12): [`AuthzMeta`].
const META_AUTHZ: &str = "authz";
/// Meta: the events without effect, `Vec<Refusal>` in HLC order (issue 12).
pub const META_REFUSED: &str = "authz.refused";
/// Version of the fold-time authorisation rules. A tablet whose views were folded by another
/// version (or before issue 12) decides every stored event again on open.
pub const AUTHZ_VERSION: u32 = 1;

/// What the views were folded with: the rules' version, how many authority events the ledger
/// holds (another tab that wrote one makes this tab reload it) and the newest stored event (an
/// authority change older than it re-decides the stored events).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct AuthzMeta {
    version: u32,
    authority: usize,
    newest: Option<Hlc>,
    /// The newest stored event of each actor (admitted or not): a change to a person's roles
    /// older than it re-decides the stored events.
    #[serde(default)]
    newest_by: BTreeMap<StaffId, Hlc>,
}

impl AuthzMeta {
    fn saw(&mut self, events: &[Event]) {
        for e in events {
            self.newest = self.newest.max(Some(e.at));
            if let Some(a) = e.actor {
                let n = self.newest_by.entry(a).or_insert(e.at);
                *n = (*n).max(e.at);
            }
        }
    }
}

/// How a batch of events is written: `new_only` — an import's plan, which checked every
/// event against its hash (check 9; a streamed import's pass 2 reads the very bytes pass 1
/// checked, by their segment digests) and found them absent, so neither is done again;
/// `defer_views` — an import onto a blank tablet (issue 13) writes its events only and
/// folds every record once at its end; `restore` — a restore's group, named by its file
/// ([`Store::commit_restore`]); `read` — what the write read in its clock's transaction
/// ([`ReadFirst`]).
#[derive(Clone, Copy, Debug)]
struct Write<'r> {
    new_only: bool,
    defer_views: bool,
    restore: Option<&'r str>,
    read: Option<&'r ReadFirst>,
}

impl Write<'_> {
    const LOOKUP: Write<'static> = Write {
        new_only: false,
        defer_views: false,
        restore: None,
        read: None,
    };
}

/// Read by [`App::record`] with the clock, inside both write locks, in one transaction
/// (issue 19: the check-in waited for three reads in a row at 4× throttle): the authority's
/// stored meta and the views of the records its drafts touch. Nothing can change them before
/// the commit — the locks hold, and without Web Locks the clock's compare-and-set refuses a
/// write that raced another tab.
///
/// `views`: one per subject the drafts name, a handful, looked up by scanning (a map of them
/// cost the start-up module ~1 KB for nothing).
#[derive(Debug, Default)]
struct ReadFirst {
    authz: Option<serde_json::Value>,
    views: Vec<(RecordRef, Option<View>)>,
}

impl ReadFirst {
    fn view(&self, subject: &RecordRef) -> Option<&Option<View>> {
        self.views
            .iter()
            .find(|(s, _)| s == subject)
            .map(|(_, v)| v)
    }
}

/// A full re-decision: views, views to drop, the refusal list, and the newest events it read.
type Redecided = (Vec<View>, Vec<RecordRef>, Option<Vec<Refusal>>, AuthzMeta);

/// The ledger of staff roles over time, with the events it was built from (issue 12). Staff
/// events are few: read once per open, updated on writes.
#[derive(Default)]
struct Authority {
    loaded: bool,
    events: Vec<Event>,
    ledger: Ledger,
}

impl Authority {
    /// The ledger of the stored staff and estate events (only the authority ones are kept).
    fn of(mut events: Vec<Event>) -> Self {
        events.retain(is_authority);
        let ledger = Ledger::build(&events);
        Authority {
            loaded: true,
            events,
            ledger,
        }
    }
}

/// The stored authority metadata (a default when missing or unreadable: folded again).
fn parse_authz(v: Option<serde_json::Value>) -> AuthzMeta {
    v.and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// This tablet's device id: the stored one, or `fresh` saved now (first open of a database).
pub async fn device_id<S: Store>(store: &S, fresh: DeviceId) -> Result<DeviceId, StoreError> {
    let stored = store
        .meta(META_DEVICE)
        .await?
        .and_then(|v| serde_json::from_value::<DeviceId>(v).ok());
    if let Some(d) = stored {
        return Ok(d);
    }
    store
        .commit(Batch {
            meta: vec![(
                META_DEVICE.into(),
                serde_json::to_value(fresh).expect("id serialises"),
            )],
            ..Default::default()
        })
        .await?;
    Ok(fresh)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppError {
    Domain(DomainError),
    Store(StoreError),
}

impl AppError {
    pub fn message(&self) -> Text {
        match self {
            AppError::Domain(d) => d.message(),
            AppError::Store(s) => s.message(),
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Domain(e)
    }
}
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

pub struct App<S: Store> {
    pub store: S,
    clock: RefCell<HlcClock>,
    entropy: RefCell<Box<dyn Entropy>>,
    /// Serialises writes: each reads views, folds and commits with nobody in between (IndexedDB
    /// awaits let another write start mid-way; a double tap or an import would otherwise build
    /// a view that misses the other write's event, or rewind the clock past it). Other tabs on
    /// the same database are kept out by [`Store::write_lock`], and every write re-reads the
    /// stored clock and commits only if nobody wrote since (issue 12).
    writing: futures::lock::Mutex<()>,
    /// Authority at fold time (issue 12).
    authority: RefCell<Authority>,
    /// This tablet's signing key (issue 12).
    signing: ed25519_dalek::SigningKey,
    /// Whether this tablet's key is enrolled: it signs its events from then on.
    enrolled: std::cell::Cell<bool>,
    /// Photos taken but not yet stored (issue 13): each is written in the same transaction as
    /// the first event that names it (a patrol finding with its photo, PAT-4), never alone.
    staged_photos: RefCell<Vec<PhotoRow>>,
    /// An import onto a blank tablet's views not yet written (issue 13, [`ViewCache`]).
    view_cache: RefCell<Option<ViewCache>>,
}

/// Attempts of one write when another tab raced it ([`StoreError::Stale`]).
const WRITE_ATTEMPTS: usize = 4;

impl<S: Store> App<S> {
    /// Opens the service over a store, restoring this device's clock.
    pub async fn open(
        store: S,
        device: DeviceId,
        entropy: Box<dyn Entropy>,
    ) -> Result<Self, StoreError> {
        // Issue 19 (cold start): every read of the open sent before any is awaited — one
        // wait instead of six in a row.
        let (hlc, key, device_view, (authz, staff, estate)) = futures::future::join4(
            store.meta(META_HLC),
            store.meta(META_KEY),
            store.view(device::device_ref(device)),
            futures::future::join3(
                store.meta(META_AUTHZ),
                store.events_of_kind(RecordKind::Staff),
                store.events_of_kind(RecordKind::Estate),
            ),
        )
        .await;
        let mut clock = HlcClock::new(device);
        if let Some(v) = hlc? {
            if let Ok(c) = serde_json::from_value::<HlcClock>(v) {
                if c.last.device == device {
                    clock = c;
                }
            }
        }
        let mut entropy = entropy;
        let signing = signing_key(&store, key?, entropy.as_mut()).await?;
        let enrolled = device_view?
            .and_then(|v| v.state::<device::Device>())
            .and_then(|d| d.key)
            .is_some_and(|k| k == device::public_key(&signing));
        let mut events = staff?;
        events.extend(estate?);
        let authz = parse_authz(authz?);
        let app = App {
            store,
            clock: RefCell::new(clock),
            entropy: RefCell::new(entropy),
            writing: futures::lock::Mutex::new(()),
            signing,
            enrolled: std::cell::Cell::new(enrolled),
            staged_photos: RefCell::new(Vec::new()),
            view_cache: RefCell::new(None),
            authority: RefCell::new(Authority::of(events)),
        };
        app.settle_authority(authz).await?;
        Ok(app)
    }

    /// True once a Director enrolled this tablet: its events are signed (issue 12).
    pub fn enrolled(&self) -> bool {
        self.enrolled.get()
    }

    /// This tablet's signature of an export file's digest, once it is enrolled (issue 12).
    pub fn sign_file_digest(&self, digest: &[u8; 32]) -> Option<String> {
        self.enrolled
            .get()
            .then(|| device::sign_bytes(&self.signing, digest))
    }

    /// This tablet's public key (base64), as enrolled.
    pub fn public_key(&self) -> String {
        device::public_key(&self.signing)
    }

    /// Enrols this tablet when a Director signs in on it (issue 12): a joining or upgraded
    /// tablet needs no extra step. Skipped for a tablet holding more than [`AUTO_ENROL_MAX`]
    /// events (attesting means reading them all; the Exchange page's button does it with a
    /// progress indicator) and for anyone but a Director.
    pub async fn auto_enroll(&self, actor: &Actor, now: i64) -> Result<bool, AppError> {
        if self.enrolled.get()
            || actor
                .may(crate::domain::roles::Action::EnrollDevice)
                .is_err()
        {
            return Ok(false);
        }
        if self.store.event_count().await? > AUTO_ENROL_MAX {
            return Ok(false);
        }
        self.enroll(actor, now).await
    }

    /// Enrols this tablet (a Director, issue 12): records its public key, attesting every
    /// unsigned event it holds, in one batch signed by that key. From then on it signs every
    /// event it writes. `Ok(false)` when already enrolled.
    pub async fn enroll(&self, actor: &Actor, now: i64) -> Result<bool, AppError> {
        let _writing = self.writing.lock().await;
        let _lock = self.store.write_lock().await?;
        if self.enrolled.get() {
            return Ok(false);
        }
        let events = self.store.every_event().await?;
        let unsigned: Vec<&Event> = events.iter().filter(|e| e.sig.is_none()).collect();
        let drafts = device::enroll(actor, self.device(), &self.signing, &unsigned)?;
        self.record_locked(now, Some(actor.id), drafts).await?;
        Ok(true)
    }

    pub fn device(&self) -> DeviceId {
        self.clock.borrow().last.device
    }

    pub fn new_id(&self) -> RecordId {
        self.entropy.borrow_mut().id()
    }

    pub fn random_salt(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        self.entropy.borrow_mut().fill(&mut b);
        b
    }

    pub fn with_entropy<T>(&self, f: impl FnOnce(&mut dyn Entropy) -> T) -> T {
        f(self.entropy.borrow_mut().as_mut())
    }

    /// Keeps a photo's bytes until the event naming it is recorded (issue 13): returns its key
    /// (`sha256-<hex>`). [`App::record`] stores the photo in the same transaction as that event,
    /// so a photo is never stored without its record, nor a record without its photo.
    pub fn stage_photo(&self, row: PhotoRow) -> String {
        let key = row.key();
        let mut staged = self.staged_photos.borrow_mut();
        if !staged.iter().any(|p| p.sha256 == row.sha256) {
            staged.push(row);
        }
        key
    }

    /// A staged photo not yet recorded (the form shows its thumbnail from here).
    pub fn staged_photo(&self, key: &str) -> Option<PhotoRow> {
        self.staged_photos
            .borrow()
            .iter()
            .find(|p| p.key() == key)
            .cloned()
    }

    /// The staged photos these events name.
    fn staged_for(&self, events: &[Event]) -> Vec<PhotoRow> {
        let staged = self.staged_photos.borrow();
        if staged.is_empty() {
            return Vec::new();
        }
        let keys: HashSet<String> = events.iter().flat_map(crate::store::photo_keys).collect();
        staged
            .iter()
            .filter(|p| keys.contains(&p.key()))
            .cloned()
            .collect()
    }

    /// Stamps drafts into events and commits them with their refolded views, atomically.
    pub async fn record(
        &self,
        now: i64,
        actor: Option<StaffId>,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Event>, AppError> {
        if drafts.is_empty() {
            return Ok(vec![]);
        }
        // Issue 19: the check-in's parts in the benchmark (the locks, the clock, the signing;
        // the fold and the commit have their own spans).
        let locking = crate::bench::spans::span("record: write locks");
        let _writing = self.writing.lock().await;
        let _lock = self.store.write_lock().await?;
        drop(locking);
        self.record_locked(now, actor, drafts).await
    }

    /// [`App::record`] with both write locks held (this tab's and the tablet's, issue 12).
    /// Events are signed once this tablet is enrolled, and so is the batch that enrols it.
    async fn record_locked(
        &self,
        now: i64,
        actor: Option<StaffId>,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Event>, AppError> {
        let me = device::device_ref(self.device());
        let enrolling = drafts
            .iter()
            .any(|d| d.subject == me && matches!(d.body, EventBody::Device(_)));
        let sign = self.enrolled.get() || enrolling;
        let subjects: Vec<RecordRef> = drafts
            .iter()
            .map(|d| d.subject)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let clocking = crate::bench::spans::span("record: clock, authority and views read");
            let (metas, views) = self
                .store
                .metas_and_views(&[META_HLC, META_AUTHZ], &subjects)
                .await?;
            let mut metas = metas.into_iter();
            let (hlc, authz) = (metas.next().flatten(), metas.next().flatten());
            let expect = self.catch_up_clock(hlc).await?;
            let read = ReadFirst {
                authz,
                views: subjects.iter().copied().zip(views).collect(),
            };
            drop(clocking);
            let saved = self.clock.borrow().clone();
            let signing = crate::bench::spans::span("record: events made and signed");
            let events: Vec<Event> = {
                let mut clock = self.clock.borrow_mut();
                drafts
                    .iter()
                    .cloned()
                    .map(|d| {
                        let at = clock.tick(now);
                        let mut e = Event::new(self.entropy.borrow_mut().id(), at, actor, d);
                        if sign {
                            device::sign(&self.signing, &mut e);
                        }
                        e
                    })
                    .collect()
            };
            drop(signing);
            let photos = self.staged_for(&events);
            let stored: Vec<String> = photos.iter().map(|p| p.sha256.clone()).collect();
            let result = self
                .commit_events(
                    events.clone(),
                    false,
                    expect,
                    vec![],
                    photos,
                    Write {
                        read: Some(&read),
                        ..Write::LOOKUP
                    },
                )
                .await;
            if result.is_err() {
                *self.clock.borrow_mut() = saved;
            } else {
                self.staged_photos
                    .borrow_mut()
                    .retain(|p| !stored.contains(&p.sha256));
                if enrolling {
                    self.enrolled.set(true);
                }
            }
            match result {
                Err(AppError::Store(StoreError::Stale)) if attempt < WRITE_ATTEMPTS => continue,
                r => return r.map(|_| events),
            }
        }
    }

    /// Takes in events from elsewhere (import, demo estate): skips those already stored,
    /// refolds every affected record from all its events.
    pub async fn absorb(&self, events: Vec<Event>, now: i64) -> Result<usize, AppError> {
        self.absorb_with(events, now, async || Ok(vec![])).await
    }

    /// [`absorb`](Self::absorb), committing `extra()` (device metadata computed from what is
    /// stored, e.g. an import's watermarks and conflicts) in the same transaction as the
    /// events. `extra` runs inside the write section, again if the write is retried.
    pub async fn absorb_with<F>(
        &self,
        events: Vec<Event>,
        now: i64,
        extra: F,
    ) -> Result<usize, AppError>
    where
        F: AsyncFn() -> Result<Vec<(String, serde_json::Value)>, AppError>,
    {
        self.absorb_checked(events, Vec::new(), now, extra, Write::LOOKUP)
            .await
    }

    /// [`absorb_with`](Self::absorb_with) of an import's group (issue 13): `photos` (their
    /// hashes checked) are stored in the same transaction as the events, and the events, which
    /// the import's plan checked against their hashes and found absent — so they are not
    /// hashed again (the caller's promise) — are committed without being looked up first
    /// ([`Store::commit_new`]) — on a large store that lookup was a quarter of a restore. If
    /// one is stored after all, nothing was written and the events are looked up and
    /// committed again. `defer_views` (an import onto a blank tablet): the views are left to
    /// [`Store::finish_deferred_views`], which folds each record once, at the import's end.
    pub async fn absorb_new_with_photos<F>(
        &self,
        events: Vec<Event>,
        photos: Vec<PhotoRow>,
        now: i64,
        defer_views: bool,
        restore: Option<&str>,
        extra: F,
    ) -> Result<usize, AppError>
    where
        F: AsyncFn() -> Result<Vec<(String, serde_json::Value)>, AppError>,
    {
        let how = Write {
            new_only: true,
            defer_views,
            restore,
            read: None,
        };
        self.absorb_checked(events, photos, now, extra, how).await
    }

    /// Starts (`true`) or leaves (`false`) an import's [`ViewCache`] (issue 13): a fresh
    /// import onto a blank tablet keeps its views in memory until its end. A resumed one
    /// does not — the groups before it left theirs to the rebuild.
    #[doc(hidden)]
    pub fn begin_view_cache(&self, on: bool) {
        *self.view_cache.borrow_mut() = on.then(|| ViewCache::new(view_cache::bound()));
    }

    /// Writes the views an import onto a blank tablet left to its end (issue 13), inside the
    /// write section: another tab's write waits rather than fold onto a view not yet there.
    /// With this run's [`ViewCache`]: the views it holds, a few thousand per transaction;
    /// without (a resumed run): every record folded from the stored events
    /// ([`Store::finish_deferred_views`]).
    pub async fn finish_deferred_views(&self) -> Result<(), AppError> {
        let _writing = self.writing.lock().await;
        let _lock = self.store.write_lock().await?;
        let _s = crate::bench::spans::span("absorb: deferred views");
        let cache = self.view_cache.borrow_mut().take();
        match cache {
            Some(mut cache) => self.flush_view_cache(&mut cache).await,
            None => Ok(self.store.finish_deferred_views().await?),
        }
    }

    /// [`finish_deferred_views`](Self::finish_deferred_views) from a cache: every view it
    /// holds written, the last transaction clearing the pending flag.
    async fn flush_view_cache(&self, cache: &mut ViewCache) -> Result<(), AppError> {
        self.load_authority().await?;
        let ledger = self.authority.borrow().ledger.clone();
        let held = cache.held();
        Ok(self.write_kept_views(cache, held, &ledger, true).await?)
    }

    /// Writes the views of `keys` an import kept ([`ViewCache`]), up to 2,000 (or about 4 MB
    /// of them) per transaction, each chunk forgotten by the cache once written, with their
    /// progress; `end`: the last transaction (one at least) clears the pending flag. Each
    /// must find its record's stored view as it was when the view was kept (none, or the one
    /// it was folded onto: its [`Base`]); otherwise another tab wrote to the record meanwhile,
    /// folding onto what it found, and the record is refolded from every stored event.
    async fn write_kept_views(
        &self,
        cache: &mut ViewCache,
        keys: Vec<RecordRef>,
        ledger: &Ledger,
        end: bool,
    ) -> Result<(), StoreError> {
        const VIEWS_PER_COMMIT: usize = 2_000;
        const BYTES_PER_COMMIT: usize = 4 << 20;
        let total = keys.len() as u64;
        let mut done = 0u64;
        let mut keys = keys.into_iter().peekable();
        if keys.peek().is_none() && end {
            self.store
                .commit(Batch {
                    meta: vec![(crate::store::META_REBUILD.into(), false.into())],
                    ..Default::default()
                })
                .await?;
        }
        while keys.peek().is_some() {
            let chunk = cache.next_chunk(&mut keys, VIEWS_PER_COMMIT, BYTES_PER_COMMIT);
            let refs: Vec<RecordRef> = chunk.iter().map(|(v, _)| v.subject()).collect();
            // Issue 13: the eviction's parts in the restore's benchmark.
            let reading = crate::bench::spans::span("eviction: stored views read");
            let stored = self.store.view_heads_of(&refs).await?;
            drop(reading);
            let mut views = Vec::with_capacity(chunk.len());
            let mut refold = Vec::new();
            let mut left = BTreeSet::new();
            for (((v, base), r), s) in chunk.into_iter().zip(&refs).zip(stored) {
                match s {
                    None if base.is_none() => views.push(v),
                    Some(s) if Some(base_of(&s)) == base => {
                        left.extend(LeftKey::between(&s, &v));
                        views.push(v);
                    }
                    s => refold.push((*r, s)),
                }
            }
            let refolding = crate::bench::spans::span("eviction: refold");
            if !refold.is_empty() {
                let subjects: Vec<RecordRef> = refold.iter().map(|(r, _)| *r).collect();
                let events = self.store.events_of(&subjects).await?;
                for ((r, before), mut all) in refold.into_iter().zip(events) {
                    all.retain(|e| ledger.admits(e));
                    if let Some(v) = fold_all_kind(r, all) {
                        if let Some(b) = &before {
                            left.extend(LeftKey::between(b, &v));
                        }
                        views.push(v);
                    }
                }
            }
            drop(refolding);
            let last = end && keys.peek().is_none();
            let _committing = crate::bench::spans::span("eviction: commit");
            self.store
                .commit(Batch {
                    views,
                    left: left.into_iter().collect(),
                    meta: if last {
                        vec![(crate::store::META_REBUILD.into(), false.into())]
                    } else {
                        Vec::new()
                    },
                    ..Default::default()
                })
                .await?;
            cache.forget(&refs);
            done += refs.len() as u64;
            if end {
                self.store.rebuild_progress(done, total);
            }
        }
        Ok(())
    }

    async fn absorb_checked<F>(
        &self,
        events: Vec<Event>,
        photos: Vec<PhotoRow>,
        now: i64,
        extra: F,
        mut how: Write<'_>,
    ) -> Result<usize, AppError>
    where
        F: AsyncFn() -> Result<Vec<(String, serde_json::Value)>, AppError>,
    {
        let mut seen = std::collections::HashSet::new();
        let mut unique = Vec::with_capacity(events.len());
        let verifying = crate::bench::spans::span("absorb: verify hashes");
        for e in events {
            // Issue 13: an import's plan verified them (4 s of a restore, hashed twice).
            if !how.new_only && !e.verify() {
                return Err(DomainError::Invalid(Text::new(
                    format!("记录 {} 内容与校验值不符，已拒绝", e.id.short()),
                    format!("Event {} does not match its hash; refused", e.id.short()),
                ))
                .into());
            }
            if seen.insert(e.id) {
                unique.push(e);
            }
        }
        drop(verifying);
        let _writing = self.writing.lock().await;
        let _lock = self.store.write_lock().await?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let expect = self.reload_clock().await?;
            let stored = if how.new_only {
                HashSet::new()
            } else {
                let _looking = crate::bench::spans::span("absorb: stored_among");
                self.store.stored_among(&unique).await?
            };
            let fresh: Vec<Event> = unique
                .iter()
                .filter(|e| !stored.contains(&e.id))
                .cloned()
                .collect();
            let meta = extra().await?;
            let n = fresh.len();
            if n == 0 && meta.is_empty() && photos.is_empty() {
                return Ok(0);
            }
            let saved = self.clock.borrow().clone();
            if let Some(max) = fresh.iter().map(|e| e.at).max() {
                self.clock.borrow_mut().observe(max, now);
            }
            let result = self
                .commit_events(fresh, false, expect, meta, photos.clone(), how)
                .await;
            if result.is_err() {
                *self.clock.borrow_mut() = saved;
            }
            match result {
                Err(AppError::Store(StoreError::Stale)) if attempt < WRITE_ATTEMPTS => continue,
                // Not a retry of a race: the same write, this time looking the events up.
                Err(AppError::Store(StoreError::AlreadyStored)) if how.new_only => {
                    how.new_only = false;
                    how.restore = None;
                    attempt -= 1;
                    continue;
                }
                r => return r.map(|_| n),
            }
        }
    }

    /// Inside the write section: the stored clock, which this App's clock catches up with (the
    /// other tab may have written since; or re-based the tablet). Returned for the commit's
    /// compare-and-set.
    async fn reload_clock(&self) -> Result<Option<HlcClock>, StoreError> {
        self.catch_up_clock(self.store.meta(META_HLC).await?).await
    }

    /// [`App::reload_clock`] with the stored value already read.
    async fn catch_up_clock(
        &self,
        stored: Option<serde_json::Value>,
    ) -> Result<Option<HlcClock>, StoreError> {
        let stored: Option<HlcClock> = stored.and_then(|v| serde_json::from_value(v).ok());
        if let Some(s) = &stored {
            let mine = self.clock.borrow().last;
            if s.last.device == mine.device {
                if s.last > mine {
                    *self.clock.borrow_mut() = s.clone();
                }
            } else if self.stored_device().await? == Some(s.last.device) {
                // Re-based in another tab: carry on under the tablet's new device id.
                *self.clock.borrow_mut() = s.clone();
            }
        }
        Ok(stored)
    }

    async fn stored_device(&self) -> Result<Option<DeviceId>, StoreError> {
        Ok(self
            .store
            .meta(META_DEVICE)
            .await?
            .and_then(|v| serde_json::from_value(v).ok()))
    }

    /// How far this tablet's clock is ahead of physical time beyond the allowed day, if it
    /// is (its time was wrong and has been set right): a supervisor should re-base it.
    pub fn clock_ahead(&self, now: i64) -> Option<i64> {
        self.clock.borrow().ahead_ms(now)
    }

    /// A supervisor's re-base of a tablet whose clock ran ahead (issue 12): the tablet
    /// carries on as device `new_device` with its clock at `now`. Returns the old device id
    /// (whose events stamped beyond now + [`MAX_AHEAD_MS`](crate::domain::hlc::MAX_AHEAD_MS)
    /// other tablets hold back on import), or `None` when the clock was not ahead.
    pub async fn rebase_clock(
        &self,
        actor: &Actor,
        new_device: DeviceId,
        now: i64,
    ) -> Result<Option<DeviceId>, AppError> {
        actor.may(crate::domain::roles::Action::RebaseClock)?;
        let _writing = self.writing.lock().await;
        let _lock = self.store.write_lock().await?;
        let expect = self.reload_clock().await?;
        let old = self.clock.borrow().clone();
        if old.ahead_ms(now).is_none() {
            return Ok(None);
        }
        let next = HlcClock::rebased(new_device, now);
        self.store
            .commit(Batch {
                meta: vec![(
                    META_DEVICE.into(),
                    serde_json::to_value(new_device).expect("id serialises"),
                )],
                clock: Some(ClockWrite {
                    expect,
                    next: next.clone(),
                }),
                ..Default::default()
            })
            .await?;
        *self.clock.borrow_mut() = next;
        // The new id is a tablet nobody enrolled yet: its events wait, unsigned, for the next
        // Director's sign-in to enrol it (and attest them).
        self.enrolled.set(false);
        Ok(Some(old.last.device))
    }

    async fn commit_events(
        &self,
        events: Vec<Event>,
        refold_all: bool,
        expect: Option<HlcClock>,
        meta: Vec<(String, serde_json::Value)>,
        photos: Vec<PhotoRow>,
        how: Write<'_>,
    ) -> Result<(), AppError> {
        if events.is_empty() && meta.is_empty() && photos.is_empty() {
            return Ok(());
        }
        let next = self.clock.borrow().clone();
        self.fold_and_commit(
            events,
            refold_all,
            Some(ClockWrite { expect, next }),
            meta,
            photos,
            how,
        )
        .await
        .map_err(AppError::from)
    }

    /// Folds and commits one batch of new events (issue 12: only those the authority ledger
    /// admits take effect; the others are stored and listed). Also the first open of a
    /// database folded before authority checks (`events` empty).
    async fn fold_and_commit(
        &self,
        events: Vec<Event>,
        refold_all: bool,
        clock: Option<ClockWrite>,
        extra_meta: Vec<(String, serde_json::Value)>,
        photos: Vec<PhotoRow>,
        how: Write<'_>,
    ) -> Result<(), StoreError> {
        let loading = crate::bench::spans::span("fold: load_authority");
        let meta = match how.read {
            Some(read) => self.load_authority_from(read.authz.clone()).await?,
            None => self.load_authority().await?,
        };
        drop(loading);
        let (old, cached) = {
            let a = self.authority.borrow();
            (
                a.ledger.clone(),
                a.events.iter().map(|e| e.id).collect::<HashSet<_>>(),
            )
        };
        let new_auth: Vec<Event> = events
            .iter()
            .filter(|e| is_authority(e) && !cached.contains(&e.id))
            .cloned()
            .collect();
        let all_auth: Option<Vec<Event>> = (!new_auth.is_empty()).then(|| {
            let mut all = self.authority.borrow().events.clone();
            all.extend(new_auth);
            all
        });
        let ledger = match &all_auth {
            Some(all) => Ledger::build(all),
            None => old.clone(),
        };
        let purging = crate::bench::spans::span("fold: without_purged");
        let (events, purged) = self.without_purged(events, &ledger).await?;
        drop(purging);
        // Order independence: an authority change older than what is already folded (a role
        // grant or removal of someone whose later events this tablet holds, a staff creation
        // arriving after the person's work) may change decisions on stored events; so does a
        // build whose rules differ. Then every stored event is decided again: a full scan, rare
        // — staff changes are few, and it runs only if this tablet holds events of that person
        // newer than the change.
        let migrating = meta.version != AUTHZ_VERSION;
        let late = all_auth.is_some()
            && old
                .difference(&ledger)
                .touches(&meta.newest_by, meta.newest);
        let mut authz = AuthzMeta {
            version: AUTHZ_VERSION,
            authority: ledger.size,
            ..meta.clone()
        };
        // An import onto a blank tablet folds onto its cache (issue 13); taken out for the
        // write and put back as the commit leaves it.
        let cache = if how.defer_views {
            self.view_cache.borrow_mut().take()
        } else {
            None
        };
        let (mut views, dropped, refused, left, stored) = if migrating || late {
            let _s = crate::bench::spans::span("fold: redecide_all (authority change)");
            let (views, dropped, refused, seen) =
                match self.redecide_all(&events, &old, &ledger, migrating).await {
                    Ok(r) => r,
                    Err(e) => {
                        *self.view_cache.borrow_mut() = cache;
                        return Err(e);
                    }
                };
            authz.newest = seen.newest;
            authz.newest_by = seen.newest_by;
            // Rare (an authority change): the index entries it leaves are dropped by the
            // next writes of those keys.
            (views, dropped, refused, Vec::new(), None)
        } else {
            authz.saw(&events);
            let _s = crate::bench::spans::span("fold: fold_admitted");
            match self
                .fold_admitted(&events, &ledger, refold_all, how, cache.as_ref())
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    *self.view_cache.borrow_mut() = cache;
                    return Err(e);
                }
            }
        };
        let update: Option<CacheUpdate> = cache.as_ref().map(|c| {
            let removed: Vec<RecordRef> = dropped.iter().chain(&purged).copied().collect();
            match &stored {
                Some(stored) => {
                    let (write, update) = c.plan(std::mem::take(&mut views), stored, &removed);
                    views = write;
                    update
                }
                // Every re-decided view is whole (folded from all stored events): written now.
                None => CacheUpdate::forgetting(&views, &removed),
            }
        });
        let mut meta_rows = extra_meta;
        if how.defer_views {
            meta_rows.push((crate::store::META_REBUILD.into(), true.into()));
        }
        meta_rows.push((
            META_AUTHZ.into(),
            serde_json::to_value(&authz).expect("authz serialises"),
        ));
        if let Some(list) = refused {
            meta_rows.push((
                META_REFUSED.into(),
                serde_json::to_value(&list).expect("refusals serialise"),
            ));
        }
        let committing = crate::bench::spans::span("store: commit");
        let batch = Batch {
            events,
            views,
            meta: meta_rows,
            dropped,
            purged,
            clock,
            photos,
            left,
        };
        let committed = if let (true, Some(run)) = (how.new_only, how.restore) {
            self.store.commit_restore(batch, run).await
        } else if how.new_only {
            self.store.commit_new(batch).await
        } else {
            self.store.commit(batch).await
        };
        drop(committing);
        let mut cache = cache;
        if let (Some(c), Some(u), Ok(())) = (cache.as_mut(), update, &committed) {
            c.apply(u);
        }
        if committed.is_ok() {
            if let Some(all) = all_auth {
                let mut a = self.authority.borrow_mut();
                a.events = all;
                a.ledger = ledger.clone();
            }
        }
        // Past its bound, the cache writes the views quiet longest, in their own transactions.
        // The group is in whatever happens here: views that could not be written (a full
        // disk) stay kept, and the import's end reports what still fails.
        if let (Ok(()), Some(c)) = (&committed, cache.as_mut()) {
            let victims = c.victims();
            if !victims.is_empty() {
                let _s = crate::bench::spans::span("fold: view cache eviction");
                // What could not be written stays kept (forgotten chunk by chunk as written).
                let _ = self.write_kept_views(c, victims, &ledger, false).await;
            }
        }
        *self.view_cache.borrow_mut() = cache;
        committed
    }

    /// Purges (VIO-9, QUAL-4, issue 14): the records an admitted `Purged` event of this batch
    /// removes (returned, for the batch), and the batch without any event of a purged record —
    /// purged now or earlier (its tombstone is stored) — so an older file or a slower tablet
    /// never brings a purged record back.
    async fn without_purged(
        &self,
        mut events: Vec<Event>,
        ledger: &Ledger,
    ) -> Result<(Vec<Event>, Vec<RecordRef>), StoreError> {
        use crate::domain::retention::{purgeable, purged_records, tombstone_ref};
        let now: Vec<RecordRef> = purged_records(events.iter().filter(|e| ledger.admits(e)));
        let subjects: Vec<RecordRef> = events
            .iter()
            .map(|e| e.subject)
            .filter(|s| purgeable(s.kind) && !now.contains(s))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut gone: HashSet<RecordRef> = now.iter().copied().collect();
        if !subjects.is_empty() {
            let stones: Vec<RecordRef> = subjects.iter().map(|s| tombstone_ref(*s)).collect();
            for (s, v) in subjects.iter().zip(self.store.views_of(&stones).await?) {
                if v.is_some() {
                    gone.insert(*s);
                }
            }
        }
        if !gone.is_empty() {
            events.retain(|e| !gone.contains(&e.subject));
        }
        Ok((events, now))
    }

    /// The usual path: folds the admitted new events onto the stored views (or refolds a record
    /// from its admitted events when one is older than its view). Returns the views, and the
    /// refusal list when this batch added to it. `defer`: only purge tombstones are folded
    /// (a later group's events of a purged record must find them), every other view is left
    /// to [`Store::finish_deferred_views`].
    async fn fold_admitted(
        &self,
        events: &[Event],
        ledger: &Ledger,
        refold_all: bool,
        how: Write<'_>,
        cache: Option<&ViewCache>,
    ) -> Result<
        (
            Vec<View>,
            Vec<RecordRef>,
            Option<Vec<Refusal>>,
            Vec<LeftKey>,
            Option<HashMap<RecordRef, Base>>,
        ),
        StoreError,
    > {
        let defer = how.defer_views;
        let mut by_subject: BTreeMap<RecordRef, Vec<Event>> = BTreeMap::new();
        let mut refused = Vec::new();
        let deciding = crate::bench::spans::span("fold: authorize");
        for e in events {
            match ledger.authorize(e) {
                Ok(()) if defer && cache.is_none() && e.subject.kind != RecordKind::Purged => {}
                Ok(()) => by_subject.entry(e.subject).or_default().push(e.clone()),
                Err(r) => refused.push(*r),
            }
        }
        drop(deciding);
        // Batched reads (issue 7): every touched record's view at once; then, at once, the
        // stored events of the records that need a full refold. Events newer than a view are
        // folded onto it — the same result as refolding, without reading the record's events
        // (a duty-log chain or a busy round holds thousands). An older event (an import from a
        // tablet that was offline) refolds its record from all events, so the result never
        // depends on arrival order. `refold_all` refolds every record regardless.
        let keys: Vec<RecordRef> = by_subject.keys().copied().collect();
        // An import's cache answers for the records it holds; the store for the rest.
        // Borrowed where the cache or the check-in's first read holds them: a restore's busy
        // records (a patrol round's plan, a duty chain) are not copied once per group.
        let read_first: Option<Vec<Option<Cow<View>>>> = how.read.and_then(|r| {
            keys.iter()
                .map(|k| r.view(k).map(|v| v.as_ref().map(Cow::Borrowed)))
                .collect()
        });
        let stored: Vec<Option<Cow<View>>> = match (cache, read_first) {
            (None, Some(read)) => read,
            (None, None) => owned(self.store.views_of(&keys).await?),
            (Some(c), _) => {
                // Issue 13: only records the cache let go of may be stored (a blank tablet).
                let missing: Vec<RecordRef> = keys
                    .iter()
                    .filter(|k| !c.holds(k) && c.may_be_stored(k))
                    .copied()
                    .collect();
                let reading = crate::bench::spans::span("fold: views not kept read");
                let mut read = self.store.views_of(&missing).await?.into_iter();
                drop(reading);
                keys.iter()
                    .map(|k| match c.get(k) {
                        Some(v) => Some(Cow::Borrowed(v)),
                        None if c.may_be_stored(k) => read.next().flatten().map(Cow::Owned),
                        None => None,
                    })
                    .collect()
            }
        };
        let cached = |s: &RecordRef| cache.is_some_and(|c| c.holds(s));
        let mut views = Vec::with_capacity(keys.len());
        let mut refold = Vec::new();
        // The index keys the stored views leave (issue 19: the store drops what Chromium
        // would keep of them).
        let mut before: HashMap<RecordRef, ViewHead> = HashMap::new();
        let folding = crate::bench::spans::span("fold: folds");
        for ((subject, new), view) in by_subject.into_iter().zip(stored) {
            let folded = match &view {
                Some(v) if !refold_all => fold_onto_kind(v, new.clone()),
                None if !refold_all => fold_all_kind(subject, new.clone()),
                _ => None,
            };
            match folded {
                Some(v) => views.push(v),
                None => refold.push((subject, new)),
            }
            if let Some(v) = view {
                if !cached(&subject) {
                    before.insert(subject, v.head());
                }
            }
        }
        drop(folding);
        if !refold.is_empty() {
            let _s = crate::bench::spans::span("fold: refolds");
            let subjects: Vec<RecordRef> = refold.iter().map(|(s, _)| *s).collect();
            let stored = self.store.events_of(&subjects).await?;
            for ((subject, new), mut all) in refold.into_iter().zip(stored) {
                merge_new(&mut all, new);
                // A stored event the ledger refuses was never folded; it is not now either.
                all.retain(|e| ledger.admits(e));
                views.extend(fold_all_kind(subject, all));
            }
        }
        // An import's cache keeps its views: their index entries are settled when written.
        let left: BTreeSet<LeftKey> = views
            .iter()
            .filter(|_| cache.is_none())
            .filter_map(|v| Some(LeftKey::between(before.get(&v.subject())?, v)))
            .flatten()
            .collect();
        let refused = if refused.is_empty() {
            None
        } else {
            let mut list = self.refused().await?;
            list.extend(refused);
            authority::sort_refusals(&mut list);
            Some(list)
        };
        let stored = before.iter().map(|(r, v)| (*r, base_of(v))).collect();
        Ok((
            views,
            Vec::new(),
            refused,
            left.into_iter().collect(),
            Some(stored),
        ))
    }

    /// The rare path (issue 12): decides every stored event again under the new ledger and
    /// refolds each record whose admitted events changed (or that this batch touches); a record
    /// none of whose events is admitted any more loses its view. The refusal list is rebuilt.
    /// Reads one record kind at a time (`Store::events_of_kind`), so a large tablet never holds
    /// all its events at once.
    async fn redecide_all(
        &self,
        events: &[Event],
        old: &Ledger,
        ledger: &Ledger,
        migrating: bool,
    ) -> Result<Redecided, StoreError> {
        let mut views = Vec::new();
        let mut dropped = Vec::new();
        let mut refused = Vec::new();
        let mut seen = AuthzMeta::default();
        for kind in RecordKind::ALL {
            let mut all = self.store.events_of_kind(kind).await?;
            let mut touched: std::collections::BTreeSet<RecordRef> = events
                .iter()
                .filter(|e| e.subject.kind == kind)
                .map(|e| e.subject)
                .collect();
            for e in &all {
                // Before this build's rules every stored event was folded.
                let before = migrating || old.admits(e);
                if before != ledger.admits(e) {
                    touched.insert(e.subject);
                }
            }
            merge_new(
                &mut all,
                events
                    .iter()
                    .filter(|e| e.subject.kind == kind)
                    .cloned()
                    .collect(),
            );
            seen.saw(&all);
            let mut by_subject: BTreeMap<RecordRef, Vec<Event>> = BTreeMap::new();
            for e in all {
                match ledger.authorize(&e) {
                    Err(r) => refused.push(*r),
                    Ok(()) if touched.contains(&e.subject) => {
                        by_subject.entry(e.subject).or_default().push(e)
                    }
                    Ok(()) => {}
                }
            }
            for subject in touched {
                match by_subject
                    .remove(&subject)
                    .and_then(|ev| fold_all_kind(subject, ev))
                {
                    Some(v) => views.push(v),
                    None => dropped.push(subject),
                }
            }
        }
        authority::sort_refusals(&mut refused);
        Ok((views, dropped, Some(refused), seen))
    }

    /// Reads the ledger once per open, and again when another tab wrote authority events.
    async fn load_authority(&self) -> Result<AuthzMeta, StoreError> {
        self.load_authority_from(self.store.meta(META_AUTHZ).await?)
            .await
    }

    /// [`App::load_authority`] with its meta value already read.
    async fn load_authority_from(
        &self,
        stored: Option<serde_json::Value>,
    ) -> Result<AuthzMeta, StoreError> {
        let meta = parse_authz(stored);
        let fresh = {
            let a = self.authority.borrow();
            a.loaded && (meta.version != AUTHZ_VERSION || meta.authority == a.ledger.size)
        };
        if !fresh {
            let mut events = self.store.events_of_kind(RecordKind::Staff).await?;
            events.extend(self.store.events_of_kind(RecordKind::Estate).await?);
            *self.authority.borrow_mut() = Authority::of(events);
        }
        Ok(meta)
    }

    /// On open, with the ledger loaded and its stored `meta`: a database folded before
    /// authority checks (or by other rules) has every stored event decided once, forged ones
    /// unfolded (issue 12).
    async fn settle_authority(&self, meta: AuthzMeta) -> Result<(), StoreError> {
        if meta.version != AUTHZ_VERSION {
            let _writing = self.writing.lock().await;
            let _lock = self.store.write_lock().await?;
            // Another tab may have settled it meanwhile.
            if self.load_authority().await?.version != AUTHZ_VERSION {
                self.fold_and_commit(
                    Vec::new(),
                    false,
                    None,
                    Vec::new(),
                    Vec::new(),
                    Write::LOOKUP,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// The events without effect (issue 12, SOP §0): forged or unauthorised events, stored but
    /// never folded, oldest first — who, which tablet, when, what, why. Every tablet holding
    /// the same events lists the same.
    pub async fn refused(&self) -> Result<Vec<Refusal>, StoreError> {
        Ok(self
            .store
            .meta(META_REFUSED)
            .await?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default())
    }

    /// A person's roles as of a moment, by the authority ledger (issue 12).
    pub fn roles_at(
        &self,
        staff: StaffId,
        at: Hlc,
    ) -> Option<(std::collections::BTreeSet<crate::domain::roles::Role>, bool)> {
        self.authority
            .borrow()
            .ledger
            .roles_at(staff, at)
            .map(|(r, a)| (r.clone(), a))
    }

    /// Writes device-local metadata only (lockout counters, preferences).
    pub async fn put_meta(&self, key: &str, value: serde_json::Value) -> Result<(), StoreError> {
        self.store
            .commit(Batch {
                meta: vec![(key.into(), value)],
                ..Default::default()
            })
            .await
    }

    pub async fn get<A: Aggregate>(&self, id: RecordId) -> Result<Option<A>, StoreError> {
        Ok(self
            .store
            .view(RecordRef::new(A::KIND, id))
            .await?
            .and_then(|v| v.state()))
    }

    pub async fn view(&self, subject: RecordRef) -> Result<Option<View>, StoreError> {
        self.store.view(subject).await
    }

    pub async fn query(&self, q: &Query) -> Result<Vec<View>, StoreError> {
        self.store.query(q).await
    }

    /// The record's history, oldest first: who did what when on which device.
    pub async fn history(&self, subject: RecordRef) -> Result<Vec<Event>, StoreError> {
        let mut ev = self.store.events_for(subject).await?;
        crate::domain::event::sort_events(&mut ev);
        Ok(ev)
    }

    pub async fn estate(&self) -> Result<Option<Estate>, StoreError> {
        Ok(self.store.view(estate_ref()).await?.and_then(|v| v.state()))
    }

    /// The acting person, refused if unknown or deactivated.
    pub async fn actor(&self, id: StaffId) -> Result<Actor, AppError> {
        match self.get::<Staff>(id).await? {
            Some(s) if s.active => Ok(s.actor(id)),
            _ => Err(DomainError::NotFound(Text::new(
                "找不到该员工或已停用",
                "Staff member not found or deactivated",
            ))
            .into()),
        }
    }

    /// Number of active Directors (the last one cannot be removed).
    pub async fn active_directors(&self) -> Result<usize, StoreError> {
        use crate::domain::roles::Role;
        use crate::store::Filter;
        let staff = self
            .store
            .query(&Query::new(
                RecordKind::Staff,
                Filter::Status("active".into()),
            ))
            .await?;
        Ok(staff
            .iter()
            .filter_map(|v| v.state::<Staff>())
            .filter(|s| s.profile.roles.contains(&Role::Director))
            .count())
    }
}

/// This tablet's signing key: the stored one, or a new one from `entropy` saved now.
async fn signing_key<S: Store>(
    store: &S,
    stored: Option<serde_json::Value>,
    entropy: &mut dyn Entropy,
) -> Result<ed25519_dalek::SigningKey, StoreError> {
    let stored = stored
        .and_then(|v| v.as_str().and_then(|s| hex::decode(s).ok()))
        .and_then(|b| <[u8; 32]>::try_from(b).ok());
    if let Some(secret) = stored {
        return Ok(device::signing_key(secret));
    }
    let mut secret = [0u8; 32];
    entropy.fill(&mut secret);
    store
        .commit(Batch {
            meta: vec![(META_KEY.into(), hex::encode(secret).into())],
            ..Default::default()
        })
        .await?;
    Ok(device::signing_key(secret))
}

pub mod pin_kdf;
mod signin;
mod view_cache;
pub use signin::SignInError;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod authz_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod two_tabs;

/// Adds the new events not already among the stored ones.
fn merge_new(all: &mut Vec<Event>, new: Vec<Event>) {
    let ids: std::collections::HashSet<_> = all.iter().map(|e| e.id).collect();
    all.extend(new.into_iter().filter(|e| !ids.contains(&e.id)));
}

/// Views read from the store, owned.
fn owned(views: Vec<Option<View>>) -> Vec<Option<Cow<'static, View>>> {
    views.into_iter().map(|v| v.map(Cow::Owned)).collect()
}

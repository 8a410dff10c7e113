//! The views an import onto a blank tablet keeps in memory between its groups (issue 13).
//!
//! A restore's groups are slices of the file in clock order: a busy record (a household, a
//! duty-log chain, a patrol route) has events in most of them. Folding each group onto the
//! stored views rewrote such a record once per group; folding every record once at the end
//! re-read each segment once per fold chunk it overlapped (session 19: 172 s of a 370 s
//! restore). Here a group folds onto the views kept from earlier groups and writes none of
//! them; a view is written when the cache passes its bound and its record has been quiet
//! longest (after the group's commit, [`ViewCache::victims`]), and at the import's end. A
//! record touched again after that is read back and kept again, with the stamp of what was
//! written ([`Base`]): what is written over a stored view must find it as it was left, or
//! another tab wrote meanwhile and the record is refolded from its stored events instead. The
//! cache changes only after its group's commit succeeded, so it always agrees with what is
//! stored; a tab closed halfway loses it, and the view rebuild the import marked pending
//! ([`crate::store::META_REBUILD`]) refolds every record on the next open.

use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::view::{View, ViewHead};
use std::collections::{HashMap, HashSet};

/// The cache's bound, in [`approx_view_bytes`] of the views it holds (issue 13: wasm memory
/// after any import ≤ 150 MB, and wasm memory never shrinks). Session 21 kept the views
/// quiet longest packed (LZ4 JSON) in a second tier of 32 MB before writing them: the
/// restore wrote about as many views and was no faster (docs/PERFORMANCE.md), so one tier.
/// 32 MB since session 40 (states kept as text): the restore's memory after it is the same
/// as at 16 MB (99.5 MB), with 49 evictions instead of 86; at 64 MB it is 197 MB.
pub(crate) const VIEW_CACHE_BYTES: usize = if cfg!(test) { 6_000 } else { 32 << 20 };

/// The bound an import starts with: [`VIEW_CACHE_BYTES`], or in a bench build what the
/// measurement set ([`set_bound`]).
pub(crate) fn bound() -> usize {
    #[cfg(feature = "bench")]
    if let Some(b) = BENCH_BOUND.with(std::cell::Cell::get) {
        return b;
    }
    VIEW_CACHE_BYTES
}

#[cfg(feature = "bench")]
thread_local! {
    static BENCH_BOUND: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Bench builds: the bound of the next imports' caches (`None`: [`VIEW_CACHE_BYTES`]).
#[cfg(feature = "bench")]
pub fn set_bound(b: Option<usize>) {
    BENCH_BOUND.with(|c| c.set(b));
}

/// The stored view a kept one was folded onto: its event count and newest stamp.
pub(crate) type Base = (u32, Hlc);

/// The [`Base`] of a stored view.
pub(crate) fn base_of(v: &ViewHead) -> Base {
    (v.events, v.last)
}

/// Views not yet written, by record, each with the group that last touched it.
#[derive(Debug)]
pub(crate) struct ViewCache {
    cap: usize,
    bytes: usize,
    group: u64,
    views: HashMap<RecordRef, Entry>,
    /// Records whose views it let go of (written, or removed by a group): on the blank
    /// tablet it starts on, the only records of this import the store may hold a view of.
    let_go: HashSet<RecordRef>,
}

#[derive(Debug)]
struct Entry {
    view: View,
    base: Option<Base>,
    group: u64,
    bytes: usize,
}

/// A group's change to the cache, applied once its commit succeeded ([`ViewCache::apply`]).
#[derive(Debug, Default)]
pub(crate) struct CacheUpdate {
    keep: Vec<(View, Option<Base>)>,
    /// Records whose views this group writes or removes (a tombstone, a purge).
    forget: Vec<RecordRef>,
}

impl CacheUpdate {
    /// A group that writes `written` itself (views an authority change re-decided from every
    /// stored event) and removes `removed`: the cache lets go of both.
    pub(crate) fn forgetting(written: &[View], removed: &[RecordRef]) -> Self {
        let mut forget: Vec<RecordRef> = written.iter().map(View::subject).collect();
        forget.extend_from_slice(removed);
        CacheUpdate {
            keep: Vec::new(),
            forget,
        }
    }
}

impl ViewCache {
    pub(crate) fn new(cap: usize) -> Self {
        ViewCache {
            cap,
            bytes: 0,
            group: 0,
            views: HashMap::new(),
            let_go: HashSet::new(),
        }
    }

    /// Whether the store may hold `r`'s view: its view was written or removed since the
    /// cache began. A record it never held nor let go of has none of this import's (issue
    /// 13: a restore's fold asked the store for thousands of records never written, each
    /// group). Another tab's write is found when the kept view is written
    /// ([`Base`]: none was expected).
    pub(crate) fn may_be_stored(&self, r: &RecordRef) -> bool {
        self.let_go.contains(r)
    }

    /// Whether the cache holds `r`'s view.
    pub(crate) fn holds(&self, r: &RecordRef) -> bool {
        self.views.contains_key(r)
    }

    pub(crate) fn get(&self, r: &RecordRef) -> Option<&View> {
        self.views.get(r).map(|e| &e.view)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.views.len()
    }

    fn remove(&mut self, r: &RecordRef) {
        self.let_go.insert(*r);
        if let Some(old) = self.views.remove(r) {
            self.bytes = self.bytes.saturating_sub(old.bytes);
        }
    }

    /// Splits a group's folded `views` into those its commit writes — purge tombstones (the
    /// next group's purge check reads them from the store, VIO-9) — and the change to the
    /// cache, which keeps every other view. `stored`: the stored views the group folded onto
    /// (records read back after being written), by record; `removed`: records the group
    /// purges or drops.
    pub(crate) fn plan(
        &self,
        views: Vec<View>,
        stored: &HashMap<RecordRef, Base>,
        removed: &[RecordRef],
    ) -> (Vec<View>, CacheUpdate) {
        let mut write = Vec::new();
        let mut update = CacheUpdate {
            forget: removed.to_vec(),
            ..Default::default()
        };
        for v in views {
            let r = v.subject();
            if v.kind == RecordKind::Purged {
                update.forget.push(r);
                write.push(v);
            } else {
                let base = match self.views.get(&r) {
                    Some(e) => e.base,
                    None => stored.get(&r).copied(),
                };
                update.keep.push((v, base));
            }
        }
        (write, update)
    }

    /// Applies a committed group's change.
    pub(crate) fn apply(&mut self, update: CacheUpdate) {
        self.group += 1;
        for r in update.forget {
            self.remove(&r);
        }
        for (view, base) in update.keep {
            let bytes = approx_view_bytes(&view);
            let r = view.subject();
            self.bytes += bytes;
            let entry = Entry {
                view,
                base,
                group: self.group,
                bytes,
            };
            if let Some(old) = self.views.insert(r, entry) {
                self.bytes = self.bytes.saturating_sub(old.bytes);
            }
        }
    }

    /// Past the bound: the records quiet longest, down to three quarters of it (so that this
    /// runs once every few groups), to be written; empty within the bound. They stay until
    /// [`forget`](Self::forget) says they were written.
    pub(crate) fn victims(&self) -> Vec<RecordRef> {
        if self.bytes <= self.cap {
            return Vec::new();
        }
        let mut idle: Vec<(&RecordRef, &Entry)> = self.views.iter().collect();
        idle.sort_by_key(|(r, e)| (e.group, **r));
        let mut bytes = self.bytes;
        let mut out = Vec::new();
        for (r, e) in idle {
            if bytes <= self.cap / 4 * 3 {
                break;
            }
            bytes = bytes.saturating_sub(e.bytes);
            out.push(*r);
        }
        out
    }

    /// The next views of `keys` to write, with their bases: up to `count` views or about
    /// `bytes` of them ([`approx_view_bytes`]), copied a chunk at a time (each chunk is
    /// forgotten once written). Records no longer held are passed over.
    pub(crate) fn next_chunk(
        &self,
        keys: &mut impl Iterator<Item = RecordRef>,
        count: usize,
        bytes: usize,
    ) -> Vec<(View, Option<Base>)> {
        let mut out = Vec::new();
        let mut size = 0;
        while out.len() < count && size < bytes {
            let Some(r) = keys.next() else { break };
            if let Some(e) = self.views.get(&r) {
                size += e.bytes;
                out.push((e.view.clone(), e.base));
            }
        }
        out
    }

    /// Drops the views just written.
    pub(crate) fn forget(&mut self, written: &[RecordRef]) {
        for r in written {
            self.remove(r);
        }
    }

    /// Every record still held, in record order (the import's end writes them).
    pub(crate) fn held(&self) -> Vec<RecordRef> {
        let mut all: Vec<RecordRef> = self.views.keys().copied().collect();
        all.sort();
        all
    }
}

/// About what a view takes in wasm memory: its strings and its folded state's text. An
/// estimate for the cache's bound, not an exact figure.
pub(crate) fn approx_view_bytes(v: &View) -> usize {
    let strings =
        v.key.len() + v.title.len() + v.subtitle.len() + v.status.as_ref().map_or(0, String::len);
    let search: usize = v.search.iter().map(|s| s.len() + 24).sum();
    256 + strings + search + approx_bytes(&v.list) + v.state.text().len()
}

fn approx_bytes(v: &serde_json::Value) -> usize {
    use serde_json::Value;
    // A `Value` is 32 bytes; a map entry adds its key and the map's node overhead.
    32 + match v {
        Value::String(s) => s.len(),
        Value::Array(a) => a.iter().map(approx_bytes).sum(),
        Value::Object(m) => m.iter().map(|(k, v)| k.len() + 40 + approx_bytes(v)).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hlc::Hlc;
    use crate::domain::ids::Id;

    fn view(kind: RecordKind, n: u64, note: &str) -> View {
        let id = Id::derived("cache", n);
        View {
            key: format!("{}:{id}", kind.as_str()),
            kind,
            id,
            status: None,
            due: None,
            unit: None,
            assignee: None,
            search: Vec::new(),
            title: format!("#{n}"),
            subtitle: String::new(),
            clock: None,
            list: serde_json::Value::Null,
            last: at(),
            created: at(),
            events: 1,
            state: crate::domain::view::State::of(&serde_json::json!({ "note": note })),
        }
    }

    fn at() -> Hlc {
        Hlc {
            wall: 0,
            counter: 0,
            device: crate::testkit::device(1),
        }
    }

    /// A group touching `views` (those in `stored` read back from the store) and committed;
    /// then what the cache would write to stay within its bound, written.
    fn group(c: &mut ViewCache, views: Vec<View>, stored: &[&View]) -> (Vec<View>, Vec<View>) {
        let stored: HashMap<RecordRef, Base> = stored
            .iter()
            .map(|v| (v.subject(), base_of(&v.head())))
            .collect();
        let (write, update) = c.plan(views, &stored, &[]);
        c.apply(update);
        let keys = c.victims();
        let victims = drain_keys(c, keys);
        (write, victims.into_iter().map(|(v, _)| v).collect())
    }

    /// What the app's `write_kept_views` does: `keys` a few at a time, each chunk forgotten
    /// once written.
    fn drain_keys(c: &mut ViewCache, keys: Vec<RecordRef>) -> Vec<(View, Option<Base>)> {
        let mut keys = keys.into_iter().peekable();
        let mut out = Vec::new();
        while keys.peek().is_some() {
            let chunk = c.next_chunk(&mut keys, 2, usize::MAX);
            c.forget(&chunk.iter().map(|(v, _)| v.subject()).collect::<Vec<_>>());
            out.extend(chunk);
        }
        out
    }

    #[test]
    fn a_full_cache_writes_the_records_quiet_longest_and_keeps_the_busy_ones() {
        let size = approx_view_bytes(&view(RecordKind::Complaint, 100, "x"));
        let mut c = ViewCache::new(size * 4);
        let busy = view(RecordKind::Complaint, 100, "x");
        for n in 0..4 {
            let (written, evicted) = group(
                &mut c,
                vec![busy.clone(), view(RecordKind::Complaint, n, "x")],
                &[],
            );
            assert!(written.is_empty());
            if n < 3 {
                assert!(evicted.is_empty(), "group {n}: {evicted:?}");
            } else {
                // Five views over a bound of four: down to three, the two quiet longest go.
                let keys: Vec<String> = evicted.iter().map(|v| v.key.clone()).collect();
                let oldest: Vec<String> = (0..2)
                    .map(|n| view(RecordKind::Complaint, n, "x").key)
                    .collect();
                assert_eq!(keys, oldest);
            }
        }
        assert!(
            c.get(&busy.subject()).is_some(),
            "the record of every group stays"
        );
        assert_eq!(c.len(), 3);
        // Only what it let go of may be stored (a fold asks the store for nothing else).
        assert!(c.may_be_stored(&view(RecordKind::Complaint, 0, "x").subject()));
        assert!(!c.may_be_stored(&busy.subject()));
        assert!(!c.may_be_stored(&view(RecordKind::Complaint, 7, "x").subject()));
        // A written record touched again is kept again, with the stamp of what was written.
        let again = view(RecordKind::Complaint, 0, "y");
        let written_before = view(RecordKind::Complaint, 0, "x");
        group(&mut c, vec![again.clone()], &[&written_before]);
        let held = c.held();
        let all = drain_keys(&mut c, held);
        assert_eq!(all.len(), 4);
        assert_eq!(
            (c.len(), c.bytes),
            (0, 0),
            "each chunk forgotten once written"
        );
        assert!(
            all.windows(2).all(|w| w[0].0.subject() < w[1].0.subject()),
            "in record order"
        );
        for (v, base) in all {
            let expected = (v.key == again.key).then(|| base_of(&written_before.head()));
            assert_eq!(base, expected, "{}", v.title);
        }
    }

    #[test]
    fn tombstones_are_written_with_their_group() {
        let mut c = ViewCache::new(1 << 20);
        let kept = view(RecordKind::Complaint, 1, "x");
        let stone = view(RecordKind::Purged, 3, "x");
        let (written, _) = group(&mut c, vec![kept.clone(), stone.clone()], &[]);
        assert_eq!(written, [stone]);
        assert_eq!(c.get(&kept.subject()), Some(&kept));
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn nothing_changes_until_the_group_is_committed_and_a_purge_forgets() {
        let mut c = ViewCache::new(1 << 20);
        let v = view(RecordKind::Complaint, 1, "first");
        group(&mut c, vec![v.clone()], &[]);
        // A group whose commit fails: its plan is dropped, the cache keeps the first fold.
        let newer = view(RecordKind::Complaint, 1, "second");
        let _ = c.plan(vec![newer.clone()], &HashMap::new(), &[]);
        assert_eq!(c.get(&v.subject()), Some(&v));
        group(&mut c, vec![newer.clone()], &[]);
        assert_eq!(c.get(&v.subject()), Some(&newer));
        // VIO-9: a purged record's kept view is never written.
        let (write, update) = c.plan(Vec::new(), &HashMap::new(), &[v.subject()]);
        c.apply(update);
        assert!(write.is_empty());
        assert_eq!(c.len(), 0);
        assert_eq!(c.bytes, 0);
        // An authority change's re-decided views are written by their group: let go of.
        group(&mut c, vec![v.clone()], &[]);
        c.apply(CacheUpdate::forgetting(std::slice::from_ref(&v), &[]));
        assert_eq!(c.len(), 0);
    }
}

//! The views an import onto a blank tablet keeps in memory between its groups (issue 13).
//!
//! A restore's groups are slices of the file in clock order: a busy record (a household, a
//! duty-log chain, a patrol route) has events in most of them. Folding each group onto the
//! stored views rewrote such a record once per group; folding every record once at the end
//! re-read each segment once per fold chunk it overlapped (session 19: 172 s of a 370 s
//! restore). Here a group folds onto the views kept from earlier groups and writes none of
//! them. Views are kept in two tiers: those touched lately as they are, and, past the first
//! tier's bound, the ones quiet longest packed (their JSON in LZ4, [`crate::store::packed`],
//! about a tenth of the memory of the folded tree, session 21) — unpacked when a group
//! touches them again. Past the packed tier's bound the views quiet longest are written
//! (after the group's commit, [`ViewCache::victims`]), and the rest at the import's end. A
//! record touched again after being written is read back and kept again, with the stamp of
//! what was written ([`Base`]): what is written over a stored view must find it as it was
//! left, or another tab wrote meanwhile and the record is refolded from its stored events
//! instead. The cache changes only after its group's commit succeeded, so it always agrees
//! with what is stored; a tab closed halfway loses it, and the view rebuild the import marked
//! pending ([`crate::store::META_REBUILD`]) refolds every record on the next open.

use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::view::View;
use crate::store::{packed, StoreError};
use std::collections::HashMap;

/// The bound of the views kept as they are, in [`approx_view_bytes`], and of those kept
/// packed, in bytes (issue 13: wasm memory after any import ≤ 150 MB, and wasm memory never
/// shrinks). Small under test, so that the property tests' imports pack and write in most
/// groups.
pub(crate) const VIEW_CACHE_BYTES: (usize, usize) = if cfg!(test) {
    (6_000, 3_000)
} else {
    (8 << 20, 32 << 20)
};

/// The bounds an import starts with: [`VIEW_CACHE_BYTES`], or in a bench build what the
/// measurement set ([`set_bounds`]: session 21 measured the packed tier against session 20's
/// single one in the same run).
pub(crate) fn bounds() -> (usize, usize) {
    #[cfg(feature = "bench")]
    if let Some(b) = BENCH_BOUNDS.with(std::cell::Cell::get) {
        return b;
    }
    VIEW_CACHE_BYTES
}

#[cfg(feature = "bench")]
thread_local! {
    static BENCH_BOUNDS: std::cell::Cell<Option<(usize, usize)>> = const { std::cell::Cell::new(None) };
}

/// Bench builds: the bounds of the next imports' caches (`None`: [`VIEW_CACHE_BYTES`]).
#[cfg(feature = "bench")]
pub fn set_bounds(b: Option<(usize, usize)>) {
    BENCH_BOUNDS.with(|c| c.set(b));
}

/// The stored view a kept one was folded onto: its event count and newest stamp.
pub(crate) type Base = (u32, Hlc);

/// The [`Base`] of a stored view.
pub(crate) fn base_of(v: &View) -> Base {
    (v.events, v.last)
}

/// Views not yet written, by record, each with the group that last touched it.
#[derive(Debug)]
pub(crate) struct ViewCache {
    /// Bounds of the two tiers ([`VIEW_CACHE_BYTES`]).
    cap: (usize, usize),
    /// What each tier holds now.
    bytes: (usize, usize),
    group: u64,
    views: HashMap<RecordRef, Entry>,
}

#[derive(Debug)]
struct Entry {
    held: Held,
    base: Option<Base>,
    group: u64,
    bytes: usize,
}

#[derive(Debug)]
enum Held {
    /// Boxed: a packed entry is then a few words, not a view's.
    View(Box<View>),
    /// The view's JSON, packed.
    Packed(Vec<u8>),
}

impl Entry {
    fn view(&self) -> Result<View, StoreError> {
        match &self.held {
            Held::View(v) => Ok(View::clone(v)),
            Held::Packed(b) => serde_json::from_str(&packed::unpack(b)?)
                .map_err(|e| StoreError::Other(format!("kept view unreadable: {e}"))),
        }
    }
}

/// What a packed entry takes besides its bytes: the map's slot, the key, the vector.
const PACKED_OVERHEAD: usize = 96;

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
    pub(crate) fn new(cap: (usize, usize)) -> Self {
        ViewCache {
            cap,
            bytes: (0, 0),
            group: 0,
            views: HashMap::new(),
        }
    }

    /// Whether the cache holds `r`'s view.
    pub(crate) fn holds(&self, r: &RecordRef) -> bool {
        self.views.contains_key(r)
    }

    /// `r`'s kept view (unpacked if it was packed).
    pub(crate) fn get(&self, r: &RecordRef) -> Result<Option<View>, StoreError> {
        self.views.get(r).map(Entry::view).transpose()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.views.len()
    }

    #[cfg(test)]
    fn packed(&self) -> usize {
        let packed = |e: &&Entry| matches!(e.held, Held::Packed(_));
        self.views.values().filter(packed).count()
    }

    fn add(&mut self, r: RecordRef, e: Entry) {
        match e.held {
            Held::View(_) => self.bytes.0 += e.bytes,
            Held::Packed(_) => self.bytes.1 += e.bytes,
        }
        if let Some(old) = self.views.insert(r, e) {
            self.discount(&old);
        }
    }

    fn remove(&mut self, r: &RecordRef) {
        if let Some(old) = self.views.remove(r) {
            self.discount(&old);
        }
    }

    fn discount(&mut self, e: &Entry) {
        match e.held {
            Held::View(_) => self.bytes.0 = self.bytes.0.saturating_sub(e.bytes),
            Held::Packed(_) => self.bytes.1 = self.bytes.1.saturating_sub(e.bytes),
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

    /// Applies a committed group's change; past the first tier's bound, packs the views
    /// quiet longest down to three quarters of it (so that this runs once every few groups).
    pub(crate) fn apply(&mut self, update: CacheUpdate) {
        self.group += 1;
        for r in update.forget {
            self.remove(&r);
        }
        for (view, base) in update.keep {
            let bytes = approx_view_bytes(&view);
            let r = view.subject();
            let entry = Entry {
                held: Held::View(Box::new(view)),
                base,
                group: self.group,
                bytes,
            };
            self.add(r, entry);
        }
        if self.bytes.0 > self.cap.0 {
            let mut bytes = self.bytes.0;
            for r in self.idle(|h| matches!(h, Held::View(_))) {
                if bytes <= self.cap.0 / 4 * 3 {
                    break;
                }
                let Some(e) = self.views.remove(&r) else {
                    continue;
                };
                bytes = bytes.saturating_sub(e.bytes);
                self.discount(&e);
                let Held::View(v) = e.held else {
                    unreachable!("only views are packed")
                };
                let json = serde_json::to_string(&v).expect("a view serialises");
                let packed = packed::pack(&json);
                let entry = Entry {
                    bytes: packed.len() + PACKED_OVERHEAD,
                    held: Held::Packed(packed),
                    ..e
                };
                self.add(r, entry);
            }
        }
    }

    /// The records held as `which`, quiet longest first.
    fn idle(&self, which: impl Fn(&Held) -> bool) -> Vec<RecordRef> {
        let mut idle: Vec<(u64, RecordRef)> = self
            .views
            .iter()
            .filter(|(_, e)| which(&e.held))
            .map(|(r, e)| (e.group, *r))
            .collect();
        idle.sort_unstable();
        idle.into_iter().map(|(_, r)| r).collect()
    }

    /// Past the packed tier's bound: the packed records quiet longest, down to three quarters
    /// of it, to be written; empty within the bound. They stay until
    /// [`forget`](Self::forget) says they were written.
    pub(crate) fn victims(&self) -> Vec<RecordRef> {
        if self.bytes.1 <= self.cap.1 {
            return Vec::new();
        }
        let mut bytes = self.bytes.1;
        let mut out = Vec::new();
        for r in self.idle(|h| matches!(h, Held::Packed(_))) {
            if bytes <= self.cap.1 / 4 * 3 {
                break;
            }
            bytes = bytes.saturating_sub(self.views[&r].bytes);
            out.push(r);
        }
        out
    }

    /// The next views of `keys` to write, unpacked, with their bases: up to `count` views or
    /// about `bytes` of them ([`approx_view_bytes`]), so that writing a packed tier never
    /// unpacks it whole. Records no longer held are passed over.
    pub(crate) fn next_chunk(
        &self,
        keys: &mut std::iter::Peekable<std::vec::IntoIter<RecordRef>>,
        count: usize,
        bytes: usize,
    ) -> Result<Vec<(View, Option<Base>)>, StoreError> {
        let mut out = Vec::new();
        let mut size = 0;
        while out.len() < count && size < bytes {
            let Some(r) = keys.next() else { break };
            if let Some(e) = self.views.get(&r) {
                let v = e.view()?;
                size += approx_view_bytes(&v);
                out.push((v, e.base));
            }
        }
        Ok(out)
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
        all.sort_unstable();
        all
    }
}

/// About what a view takes in wasm memory: its strings and its folded state's tree. An
/// estimate for the cache's bound, not an exact figure.
pub(crate) fn approx_view_bytes(v: &View) -> usize {
    let strings =
        v.key.len() + v.title.len() + v.subtitle.len() + v.status.as_ref().map_or(0, String::len);
    let search: usize = v.search.iter().map(|s| s.len() + 24).sum();
    256 + strings + search + approx_bytes(&v.list) + approx_bytes(&v.state)
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
            state: serde_json::json!({ "note": note }),
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
        let stored: HashMap<RecordRef, Base> =
            stored.iter().map(|v| (v.subject(), base_of(v))).collect();
        let (write, update) = c.plan(views, &stored, &[]);
        c.apply(update);
        let keys = c.victims();
        let victims = drain_keys(c, keys);
        (write, victims.into_iter().map(|(v, _)| v).collect())
    }

    /// What the app's `write_kept_views` does: `keys` unpacked a few at a time, each chunk
    /// forgotten once written.
    fn drain_keys(c: &mut ViewCache, keys: Vec<RecordRef>) -> Vec<(View, Option<Base>)> {
        let mut keys = keys.into_iter().peekable();
        let mut out = Vec::new();
        while keys.peek().is_some() {
            let chunk = c.next_chunk(&mut keys, 2, usize::MAX).unwrap();
            c.forget(&chunk.iter().map(|(v, _)| v.subject()).collect::<Vec<_>>());
            out.extend(chunk);
        }
        out
    }

    #[test]
    fn a_full_cache_packs_then_writes_the_records_quiet_longest_and_keeps_the_busy_ones() {
        let size = approx_view_bytes(&view(RecordKind::Complaint, 100, "x"));
        let json = serde_json::to_string(&view(RecordKind::Complaint, 0, "x")).unwrap();
        let packed_size = packed::pack(&json).len() + PACKED_OVERHEAD;
        let mut c = ViewCache::new((size * 4, packed_size * 3 + packed_size / 2));
        let busy = view(RecordKind::Complaint, 100, "x");
        let keys = |r: std::ops::Range<u64>| -> Vec<String> {
            r.map(|n| view(RecordKind::Complaint, n, "x").key).collect()
        };
        for n in 0..6 {
            let (written, evicted) = group(
                &mut c,
                vec![busy.clone(), view(RecordKind::Complaint, n, "x")],
                &[],
            );
            assert!(written.is_empty());
            let evicted: Vec<String> = evicted.iter().map(|v| v.key.clone()).collect();
            match n {
                // Five views over a bound of four: down to three, the two quiet longest are
                // packed, still held.
                3 => {
                    assert!(evicted.is_empty(), "{evicted:?}");
                    assert_eq!(c.packed(), 2);
                    let oldest = view(RecordKind::Complaint, 0, "x");
                    assert_eq!(c.get(&oldest.subject()).unwrap(), Some(oldest));
                }
                // Two more packed: four over the packed bound of three and a half, the two
                // quiet longest are written.
                5 => {
                    assert_eq!(evicted, keys(0..2));
                    assert_eq!(c.packed(), 2);
                }
                _ => assert!(evicted.is_empty(), "group {n}: {evicted:?}"),
            }
        }
        assert!(
            matches!(c.views[&busy.subject()].held, Held::View(_)),
            "the record of every group stays as it is"
        );
        assert_eq!(c.len(), 5);
        // A packed record touched again is kept as it is again.
        let (written, evicted) = group(&mut c, vec![view(RecordKind::Complaint, 2, "y")], &[]);
        assert!(written.is_empty() && evicted.is_empty());
        assert_eq!(c.packed(), 1);
        // A written record touched again is kept again, with the stamp of what was written.
        let again = view(RecordKind::Complaint, 0, "y");
        let written_before = view(RecordKind::Complaint, 0, "x");
        group(&mut c, vec![again.clone()], &[&written_before]);
        let held = c.held();
        let all = drain_keys(&mut c, held);
        assert_eq!(all.len(), 6);
        assert_eq!(c.len(), 0);
        assert_eq!(c.bytes, (0, 0));
        assert!(
            all.windows(2).all(|w| w[0].0.subject() < w[1].0.subject()),
            "in record order"
        );
        for (v, base) in all {
            let expected = (v.key == again.key).then(|| base_of(&written_before));
            assert_eq!(base, expected, "{}", v.title);
            let note = if [0, 2].map(|n| keys(n..n + 1)[0].clone()).contains(&v.key) {
                "y"
            } else {
                "x"
            };
            assert_eq!(
                v.state["note"], note,
                "{}: the latest fold, unpacked",
                v.title
            );
        }
    }

    #[test]
    fn tombstones_are_written_with_their_group() {
        let mut c = ViewCache::new((1 << 20, 1 << 20));
        let kept = view(RecordKind::Complaint, 1, "x");
        let stone = view(RecordKind::Purged, 3, "x");
        let (written, _) = group(&mut c, vec![kept.clone(), stone.clone()], &[]);
        assert_eq!(written, [stone]);
        assert_eq!(c.get(&kept.subject()).unwrap(), Some(kept));
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn nothing_changes_until_the_group_is_committed_and_a_purge_forgets() {
        let mut c = ViewCache::new((1 << 20, 1 << 20));
        let v = view(RecordKind::Complaint, 1, "first");
        group(&mut c, vec![v.clone()], &[]);
        // A group whose commit fails: its plan is dropped, the cache keeps the first fold.
        let newer = view(RecordKind::Complaint, 1, "second");
        let _ = c.plan(vec![newer.clone()], &HashMap::new(), &[]);
        assert_eq!(c.get(&v.subject()).unwrap().as_ref(), Some(&v));
        group(&mut c, vec![newer.clone()], &[]);
        assert_eq!(c.get(&v.subject()).unwrap().as_ref(), Some(&newer));
        // VIO-9: a purged record's kept view is never written.
        let (write, update) = c.plan(Vec::new(), &HashMap::new(), &[v.subject()]);
        c.apply(update);
        assert!(write.is_empty());
        assert_eq!(c.len(), 0);
        assert_eq!(c.bytes, (0, 0));
        // An authority change's re-decided views are written by their group: let go of.
        group(&mut c, vec![v.clone()], &[]);
        c.apply(CacheUpdate::forgetting(std::slice::from_ref(&v), &[]));
        assert_eq!(c.len(), 0);
    }
}

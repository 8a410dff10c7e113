//! In-memory store for native tests: the same contract as IndexedDB, on BTreeMaps.

use super::{Batch, Filter, PhotoRow, Query, Store, StoreError};
use crate::domain::event::{Event, RecordKind, RecordRef};
use crate::domain::ids::{EventId, StaffId};
use crate::domain::view::View;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub struct MemoryStore {
    inner: RefCell<Inner>,
}

enum StoredPhoto {
    Bytes { media_type: String, bytes: Vec<u8> },
    Alias(String),
}

#[derive(Default)]
struct Inner {
    events: HashMap<EventId, Event>,
    by_subject: BTreeMap<String, Vec<EventId>>,
    views: BTreeMap<String, View>,
    meta: BTreeMap<String, serde_json::Value>,
    /// Photos by key: bytes under `sha256-…`, or a legacy key's alias (issue 13).
    photos: BTreeMap<String, StoredPhoto>,
    /// Simulated capacity in events, to test the full-disk path.
    capacity: Option<usize>,
    /// How many times `every_event` ran (issue 13: the Sync page and an incremental export
    /// must not read every event).
    full_reads: u32,
    /// Pages read by `events_page`, and the most events one of them held (issue 13: the
    /// export reads page by page).
    pages: u32,
    largest_page: usize,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// Refuses commits that would hold more than `n` events (a full disk).
    pub fn with_capacity(n: usize) -> Self {
        let s = Self::default();
        s.inner.borrow_mut().capacity = Some(n);
        s
    }
    pub fn all_events(&self) -> Vec<Event> {
        self.inner.borrow().events.values().cloned().collect()
    }
    /// Stores a photo under a legacy key, as a tablet before issue 13 did (tests).
    pub fn put_legacy_photo(&self, key: &str, media_type: &str, bytes: &[u8]) {
        self.inner.borrow_mut().photos.insert(
            key.into(),
            StoredPhoto::Bytes {
                media_type: media_type.into(),
                bytes: bytes.to_vec(),
            },
        );
    }
    /// How many times `Store::every_event` has read every stored event (tests, issue 13).
    pub fn full_reads(&self) -> u32 {
        self.inner.borrow().full_reads
    }
    /// Pages of events read by `Store::events_page`, and the largest (tests, issue 13).
    pub fn pages_read(&self) -> (u32, usize) {
        let inner = self.inner.borrow();
        (inner.pages, inner.largest_page)
    }
    /// How many photo rows (bytes or aliases) are stored.
    pub fn photo_rows(&self) -> usize {
        self.inner.borrow().photos.len()
    }
    /// Every view, in key order (the benchmark's peer pages load the same rows; issue 7).
    pub fn views(&self) -> Vec<View> {
        self.inner.borrow().views.values().cloned().collect()
    }
}

/// Whether a view answers `q`; the prefix is lower-cased and formatted once per query, not
/// once per view (the 住户 tab searches a few thousand views in memory, issue 19).
fn matcher(q: &Query) -> impl Fn(&View) -> bool + '_ {
    let prefix = match &q.filter {
        Filter::Prefix(p) => format!("{}|{}", q.kind.as_str(), p.to_lowercase()),
        _ => String::new(),
    };
    move |v| {
        v.kind == q.kind
            && match &q.filter {
                Filter::All => true,
                Filter::Status(s) => v.status.as_deref() == Some(s.as_str()),
                Filter::Unit(u) => v.unit == Some(*u),
                Filter::Prefix(_) => v.search.iter().any(|s| s.starts_with(&prefix)),
                Filter::Range(..) => v.search.iter().any(|s| in_range(s, q)),
            }
    }
}

/// A search key within a `Range` filter: from `.0` up to every key starting with `.1`.
fn in_range(key: &str, q: &Query) -> bool {
    let Filter::Range(from, to) = &q.filter else {
        return false;
    };
    let k = q.kind.as_str();
    let (from, to) = (
        format!("{k}|{}", from.to_lowercase()),
        format!("{k}|{}", to.to_lowercase()),
    );
    key >= from.as_str() && (key <= to.as_str() || key.starts_with(&to))
}

/// A view's first search key in a `Range` filter's range (then its record key, as an index
/// orders equal keys).
fn first_in_range(v: &View, q: &Query) -> (Option<String>, String) {
    let first = v.search.iter().filter(|s| in_range(s, q)).min().cloned();
    (first, v.key.clone())
}

impl Store for MemoryStore {
    async fn finish_deferred_views(&self) -> Result<(), StoreError> {
        if self.inner.borrow().meta.get(super::META_REBUILD) != Some(&serde_json::Value::Bool(true))
        {
            return Ok(());
        }
        let ledger = self.stored_ledger().await?;
        let mut inner = self.inner.borrow_mut();
        let mut views = Vec::new();
        for ids in inner.by_subject.values() {
            let events: Vec<Event> = ids
                .iter()
                .filter_map(|id| inner.events.get(id))
                .filter(|e| ledger.admits(e))
                .cloned()
                .collect();
            if let Some(subject) = events.first().map(|e| e.subject) {
                views.extend(crate::domain::view::fold_all_kind(subject, events));
            }
        }
        for v in views {
            inner.views.insert(v.key.clone(), v);
        }
        inner.meta.remove(super::META_REBUILD);
        Ok(())
    }
    async fn every_event(&self) -> Result<Vec<Event>, StoreError> {
        self.inner.borrow_mut().full_reads += 1;
        Ok(self.all_events())
    }
    async fn device_events(&self) -> Result<Vec<super::DeviceEvents>, StoreError> {
        Ok(super::DeviceEvents::of(self.inner.borrow().events.values()))
    }
    async fn events_above(
        &self,
        device: crate::domain::ids::DeviceId,
        after: Option<crate::domain::hlc::Hlc>,
    ) -> Result<Vec<Event>, StoreError> {
        let inner = self.inner.borrow();
        let mut out: Vec<Event> = inner
            .events
            .values()
            .filter(|e| e.device() == device && after.is_none_or(|h| e.at > h))
            .cloned()
            .collect();
        out.sort_by_key(|e| e.at);
        Ok(out)
    }
    async fn events_page(
        &self,
        device: crate::domain::ids::DeviceId,
        after: Option<crate::domain::hlc::Hlc>,
        upto: Option<crate::domain::hlc::Hlc>,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError> {
        let mut inner = self.inner.borrow_mut();
        let mut out: Vec<&Event> = inner
            .events
            .values()
            .filter(|e| {
                e.device() == device
                    && after.is_none_or(|h| e.at > h)
                    && upto.is_none_or(|u| e.at <= u)
            })
            .collect();
        out.sort_by_key(|e| e.at);
        out.truncate(limit as usize);
        let out: Vec<Event> = out.into_iter().cloned().collect();
        inner.pages += 1;
        inner.largest_page = inner.largest_page.max(out.len());
        Ok(out)
    }
    async fn commit(&self, batch: Batch) -> Result<(), StoreError> {
        let mut inner = self.inner.borrow_mut();
        if let Some(clock) = &batch.clock {
            let stored = inner
                .meta
                .get(super::META_HLC)
                .and_then(|v| serde_json::from_value(v.clone()).ok());
            clock.check(stored.as_ref())?;
        }
        let mut fresh: Vec<Event> = Vec::new();
        for e in batch.events {
            match inner
                .events
                .get(&e.id)
                .or_else(|| fresh.iter().find(|f| f.id == e.id))
            {
                Some(old) if old.hash == e.hash => {}
                Some(_) => return Err(StoreError::Conflict(e.id)),
                None => fresh.push(e),
            }
        }
        if let Some(cap) = inner.capacity {
            if inner.events.len() + fresh.len() > cap {
                return Err(StoreError::QuotaExceeded);
            }
        }
        for e in fresh {
            inner
                .by_subject
                .entry(e.subject.key())
                .or_default()
                .push(e.id);
            inner.events.insert(e.id, e);
        }
        for v in batch.views {
            inner.views.insert(v.key.clone(), v);
        }
        for r in batch.dropped {
            inner.views.remove(&r.key());
        }
        for r in batch.purged {
            for id in inner.by_subject.remove(&r.key()).unwrap_or_default() {
                inner.events.remove(&id);
            }
            inner.views.remove(&r.key());
        }
        for (k, v) in batch.meta {
            inner.meta.insert(k, v);
        }
        for p in batch.photos {
            let key = p.key();
            for a in p.aliases {
                inner.photos.insert(a, StoredPhoto::Alias(key.clone()));
            }
            inner.photos.insert(
                key,
                StoredPhoto::Bytes {
                    media_type: p.media_type,
                    bytes: p.bytes,
                },
            );
        }
        if let Some(clock) = batch.clock {
            let v = serde_json::to_value(&clock.next).expect("clock serialises");
            inner.meta.insert(super::META_HLC.into(), v);
        }
        Ok(())
    }

    async fn view(&self, subject: RecordRef) -> Result<Option<View>, StoreError> {
        Ok(self.inner.borrow().views.get(&subject.key()).cloned())
    }

    async fn query(&self, q: &Query) -> Result<Vec<View>, StoreError> {
        let inner = self.inner.borrow();
        let matches = matcher(q);
        let mut found: Vec<&View> = inner.views.values().filter(|v| matches(v)).collect();
        let Some(n) = q.limit else {
            return Ok(found.into_iter().cloned().collect());
        };
        // A limited range: the records whose keys come first, as IndexedDB's index gives them.
        if let Filter::Range(..) = q.filter {
            found.sort_by_cached_key(|v| first_in_range(v, q));
        }
        Ok(found.into_iter().take(n as usize).cloned().collect())
    }

    async fn count(&self, q: &Query) -> Result<u32, StoreError> {
        let matches = matcher(q);
        Ok(self
            .inner
            .borrow()
            .views
            .values()
            .filter(|v| matches(v))
            .count() as u32)
    }

    async fn assigned(&self, staff: StaffId) -> Result<Vec<View>, StoreError> {
        let inner = self.inner.borrow();
        let mut v: Vec<View> = inner
            .views
            .values()
            .filter(|v| v.assignee == Some(staff) && v.due.is_some())
            .cloned()
            .collect();
        v.sort_by_key(|v| v.due);
        Ok(v)
    }

    async fn events_for(&self, subject: RecordRef) -> Result<Vec<Event>, StoreError> {
        let inner = self.inner.borrow();
        Ok(inner
            .by_subject
            .get(&subject.key())
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| inner.events.get(id).cloned())
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn has_event(&self, e: &Event) -> Result<bool, StoreError> {
        Ok(self.inner.borrow().events.contains_key(&e.id))
    }

    async fn events_of_kind(&self, kind: RecordKind) -> Result<Vec<Event>, StoreError> {
        let inner = self.inner.borrow();
        let prefix = format!("{}:", kind.as_str());
        Ok(inner
            .by_subject
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .flat_map(|(_, ids)| ids.iter().filter_map(|id| inner.events.get(id).cloned()))
            .collect())
    }

    async fn event_count(&self) -> Result<u64, StoreError> {
        Ok(self.inner.borrow().events.len() as u64)
    }

    async fn meta(&self, key: &str) -> Result<Option<serde_json::Value>, StoreError> {
        Ok(self.inner.borrow().meta.get(key).cloned())
    }

    async fn photo_row(&self, key: &str) -> Result<Option<PhotoRow>, StoreError> {
        let inner = self.inner.borrow();
        let found = match inner.photos.get(key) {
            Some(StoredPhoto::Alias(k)) => inner.photos.get(k),
            other => other,
        };
        Ok(match found {
            Some(StoredPhoto::Bytes { media_type, bytes }) => {
                Some(PhotoRow::new(media_type, bytes.clone()))
            }
            _ => None,
        })
    }

    async fn has_photo(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self.inner.borrow().photos.contains_key(key))
    }
}

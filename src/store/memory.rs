//! In-memory store for native tests: the same contract as IndexedDB, on BTreeMaps.

use super::{Batch, Filter, Query, Store, StoreError};
use crate::domain::event::{Event, RecordKind, RecordRef};
use crate::domain::ids::{EventId, StaffId};
use crate::domain::view::View;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub struct MemoryStore {
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    events: HashMap<EventId, Event>,
    by_subject: BTreeMap<String, Vec<EventId>>,
    views: BTreeMap<String, View>,
    meta: BTreeMap<String, serde_json::Value>,
    /// Simulated capacity in events, to test the full-disk path.
    capacity: Option<usize>,
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
    /// Every view, in key order (the benchmark's peer pages load the same rows; issue 7).
    pub fn views(&self) -> Vec<View> {
        self.inner.borrow().views.values().cloned().collect()
    }
}

fn matches(v: &View, q: &Query) -> bool {
    v.kind == q.kind
        && match &q.filter {
            Filter::All => true,
            Filter::Status(s) => v.status.as_deref() == Some(s.as_str()),
            Filter::Unit(u) => v.unit == Some(*u),
            Filter::Prefix(p) => {
                let p = format!("{}|{}", q.kind.as_str(), p.to_lowercase());
                v.search.iter().any(|s| s.starts_with(&p))
            }
        }
}

impl Store for MemoryStore {
    async fn every_event(&self) -> Result<Vec<Event>, StoreError> {
        Ok(self.all_events())
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
        let it = inner.views.values().filter(|v| matches(v, q)).cloned();
        Ok(match q.limit {
            Some(n) => it.take(n as usize).collect(),
            None => it.collect(),
        })
    }

    async fn count(&self, q: &Query) -> Result<u32, StoreError> {
        Ok(self
            .inner
            .borrow()
            .views
            .values()
            .filter(|v| matches(v, q))
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

    async fn has_event(&self, id: EventId) -> Result<bool, StoreError> {
        Ok(self.inner.borrow().events.contains_key(&id))
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
}

//! Issue 12, "one tablet, one writer": two `App`s (the installed app and a browser tab) on one
//! store. Each keeps its own clock in memory; every write re-reads the stored clock and commits
//! only if nobody wrote since, so their events never fork the device's HLC and an incremental
//! export made between two writes never skips one.

use super::*;
use crate::domain::event::RecordKind;
use crate::domain::hlc::Hlc;
use crate::domain::ids::{Id, SeededEntropy};
use crate::domain::registry;
use crate::domain::staff;
use crate::store::memory::MemoryStore;
use crate::testkit::{device, pin, sid};
use futures::executor::block_on;
use std::cell::RefCell;
use std::rc::Rc;

const T0: i64 = 1_800_000_000_000;

use crate::testkit::y;

/// One database shared by two tabs: every call yields (like an IndexedDB transaction), and
/// the stamps of each successful commit are logged in commit order.
#[derive(Default)]
struct Shared {
    mem: MemoryStore,
    commits: RefCell<Vec<Vec<Hlc>>>,
    stale: std::cell::Cell<usize>,
    /// Every successful commit, with or without events.
    batches: std::cell::Cell<usize>,
}

impl Store for Shared {
    async fn commit(&self, b: Batch) -> Result<(), StoreError> {
        y().await;
        let stamps: Vec<Hlc> = b.events.iter().map(|e| e.at).collect();
        let r = self.mem.commit(b).await;
        if r.is_ok() {
            self.batches.set(self.batches.get() + 1);
        }
        match &r {
            Ok(()) if !stamps.is_empty() => self.commits.borrow_mut().push(stamps),
            Err(StoreError::Stale) => self.stale.set(self.stale.get() + 1),
            _ => {}
        }
        r
    }
    async fn finish_deferred_views(&self) -> Result<(), StoreError> {
        y().await;
        self.mem.finish_deferred_views().await
    }
    async fn view(&self, s: RecordRef) -> Result<Option<View>, StoreError> {
        y().await;
        self.mem.view(s).await
    }
    async fn query(&self, q: &Query) -> Result<Vec<View>, StoreError> {
        y().await;
        self.mem.query(q).await
    }
    async fn count(&self, q: &Query) -> Result<u32, StoreError> {
        self.mem.count(q).await
    }
    async fn assigned(&self, s: StaffId) -> Result<Vec<View>, StoreError> {
        self.mem.assigned(s).await
    }
    async fn events_for(&self, s: RecordRef) -> Result<Vec<Event>, StoreError> {
        y().await;
        self.mem.events_for(s).await
    }
    async fn has_event(&self, e: &Event) -> Result<bool, StoreError> {
        y().await;
        self.mem.has_event(e).await
    }
    async fn event_count(&self) -> Result<u64, StoreError> {
        self.mem.event_count().await
    }
    async fn every_event(&self) -> Result<Vec<Event>, StoreError> {
        self.mem.every_event().await
    }
    async fn events_of_kind(
        &self,
        k: crate::domain::event::RecordKind,
    ) -> Result<Vec<Event>, StoreError> {
        y().await;
        self.mem.events_of_kind(k).await
    }
    async fn meta(&self, k: &str) -> Result<Option<serde_json::Value>, StoreError> {
        y().await;
        self.mem.meta(k).await
    }
}

fn tab(store: &Rc<Shared>, seed: u64) -> App<Rc<Shared>> {
    block_on(App::open(
        store.clone(),
        device(1),
        Box::new(SeededEntropy::new(seed)),
    ))
    .unwrap()
}

use crate::testkit::building_info as building;

#[test]
fn two_apps_on_one_store_never_fork_the_hlc() {
    let store = Rc::new(Shared::default());
    let a = tab(&store, 1);
    let b = tab(&store, 2);
    let drafts = staff::first_run(false, "翠湖花园", sid(1), "陈建国", pin("1234")).unwrap();
    block_on(a.record(T0, None, drafts)).unwrap();
    let d = block_on(a.actor(sid(1))).unwrap();
    let bid = Id::derived("b", 1);
    let edit = |floors| registry::set_building(&d, bid, &building(floors)).unwrap();

    // Tab A writes late in the day; tab B, whose clock in memory is older and whose physical
    // time reads earlier, writes next: its event must still sort after A's.
    let ea = block_on(a.record(T0 + 60_000, Some(d.id), edit(10))).unwrap();
    let eb = block_on(b.record(T0 + 5, Some(d.id), edit(11))).unwrap();
    assert!(
        eb[0].at > ea[0].at,
        "{:?} must sort after {:?}",
        eb[0].at,
        ea[0].at
    );

    // Both tabs at once, several times: one of each pair finds the clock moved, and writes
    // again on top of the other's event.
    for round in 0..5 {
        let now = T0 + 120_000 + round;
        let (ra, rb) = block_on(futures::future::join(
            a.record(now, Some(d.id), edit(20 + round as i32)),
            b.record(now, Some(d.id), edit(40 + round as i32)),
        ));
        ra.unwrap();
        rb.unwrap();
    }
    assert!(store.stale.get() > 0, "the race was exercised");

    // In commit order, every write's stamps are above everything written before it: an
    // incremental export taken between any two writes misses nothing that comes later.
    let mut high: Option<Hlc> = None;
    for stamps in store.commits.borrow().iter() {
        for at in stamps {
            assert_eq!(at.device, device(1));
            assert!(
                high.is_none_or(|h| *at > h),
                "forked: {at:?} after {high:?}"
            );
            high = Some(*at);
        }
    }
    let stored: HlcClock =
        serde_json::from_value(block_on(store.meta(META_HLC)).unwrap().unwrap()).unwrap();
    assert_eq!(
        Some(stored.last),
        high,
        "the stored clock is the newest stamp"
    );

    // No lost update: the view is the fold of every event of the record.
    let subject = RecordRef::new(RecordKind::Building, bid);
    let all = block_on(store.events_for(subject)).unwrap();
    assert_eq!(all.len(), 12);
    let view = block_on(store.view(subject)).unwrap().unwrap();
    assert_eq!(Some(view), fold_all_kind(subject, all));
}

#[test]
fn a_write_that_raced_another_tab_commits_nothing() {
    let store = MemoryStore::new();
    let clock = |wall| HlcClock {
        last: Hlc {
            wall,
            counter: 0,
            device: device(1),
        },
    };
    let write = |expect, next| Batch {
        meta: vec![("k".into(), serde_json::json!(1))],
        clock: Some(ClockWrite { expect, next }),
        ..Default::default()
    };
    block_on(store.commit(write(None, clock(10)))).unwrap();
    // Read before the other tab's write: refused, nothing written.
    let stale = Batch {
        meta: vec![("other".into(), serde_json::json!(2))],
        ..write(None, clock(20))
    };
    assert_eq!(block_on(store.commit(stale)), Err(StoreError::Stale));
    assert_eq!(block_on(store.meta("other")).unwrap(), None);
    // Never backwards, even with the right expectation.
    assert_eq!(
        block_on(store.commit(write(Some(clock(10)), clock(5)))),
        Err(StoreError::Stale)
    );
    block_on(store.commit(write(Some(clock(10)), clock(11)))).unwrap();
}

#[test]
fn an_import_from_a_clock_far_ahead_moves_this_clock_a_day_at_most() {
    let store = Rc::new(Shared::default());
    let a = tab(&store, 1);
    let drafts = staff::first_run(false, "翠湖花园", sid(1), "陈建国", pin("1234")).unwrap();
    let founded = block_on(a.record(T0, None, drafts)).unwrap();
    // Another tablet whose clock ran a year ahead.
    let far = block_on(App::open(
        MemoryStore::new(),
        device(2),
        Box::new(SeededEntropy::new(9)),
    ))
    .unwrap();
    block_on(far.absorb(founded, T0)).unwrap();
    let d = block_on(far.actor(sid(1))).unwrap();
    let year = 365 * 24 * 3_600_000;
    let poisoned = block_on(far.record(
        T0 + year,
        Some(d.id),
        registry::set_building(&d, Id::derived("b", 2), &building(3)).unwrap(),
    ))
    .unwrap();
    block_on(a.absorb(poisoned, T0 + 1)).unwrap();
    let next = block_on(a.record(
        T0 + 2,
        Some(d.id),
        registry::set_building(&d, Id::derived("b", 3), &building(4)).unwrap(),
    ))
    .unwrap();
    assert!(next[0].at.wall <= T0 + 1 + crate::domain::hlc::MAX_AHEAD_MS);
    assert_eq!(a.clock_ahead(T0 + 2), None);

    // The far tablet, its time set right, is re-based by a supervisor: a new device id, its
    // clock back at now; an assistant may not do it.
    assert!(far.clock_ahead(T0 + 10).is_some());
    let assistant = Actor {
        id: sid(5),
        roles: [crate::domain::roles::Role::Assistant].into(),
    };
    assert!(block_on(far.rebase_clock(&assistant, device(3), T0 + 10)).is_err());
    let old = block_on(far.rebase_clock(&d, device(3), T0 + 10)).unwrap();
    assert_eq!(old, Some(device(2)));
    assert_eq!(far.device(), device(3));
    assert_eq!(far.clock_ahead(T0 + 10), None);
    let after = block_on(far.record(
        T0 + 11,
        Some(d.id),
        registry::set_building(&d, Id::derived("b", 4), &building(5)).unwrap(),
    ))
    .unwrap();
    assert_eq!(after[0].at.device, device(3));
    assert!(after[0].at.wall < T0 + crate::domain::hlc::MAX_AHEAD_MS);
}

#[test]
fn an_import_commits_its_events_watermarks_and_conflicts_in_one_batch() {
    use crate::sync::merge::ImportSettings;
    use crate::sync::service::{apply_import, export_for, load_state, plan_import};
    let store = Rc::new(Shared::default());
    let a = tab(&store, 1);
    let drafts = staff::first_run(false, "翠湖花园", sid(1), "陈建国", pin("1234")).unwrap();
    let founded = block_on(a.record(T0, None, drafts)).unwrap();
    let b = block_on(App::open(
        MemoryStore::new(),
        device(2),
        Box::new(SeededEntropy::new(5)),
    ))
    .unwrap();
    block_on(b.absorb(founded, T0)).unwrap();
    let d = block_on(b.actor(sid(1))).unwrap();
    block_on(b.record(
        T0 + 1_000,
        Some(d.id),
        registry::set_building(&d, Id::derived("b", 7), &building(6)).unwrap(),
    ))
    .unwrap();
    let all = b.store.all_events();
    let file = block_on(export_for(&b, &d, &all, None, T0 + 2_000, None)).unwrap();

    let da = block_on(a.actor(sid(1))).unwrap();
    let plan = block_on(plan_import(
        &a,
        Some(&da),
        &file.bytes,
        None,
        T0 + 3_000,
        &ImportSettings::default(),
    ))
    .unwrap();
    let before = store.batches.get();
    let outcome = block_on(apply_import(&a, Some(&da), &plan, T0 + 3_000)).unwrap();
    assert!(outcome.added > 0);
    assert_eq!(
        store.batches.get(),
        before + 1,
        "one transaction for all of it"
    );
    let state = block_on(load_state(&*store)).unwrap();
    assert!(
        state.seen.contains_key(&device(2)),
        "the watermark came with the events"
    );
}

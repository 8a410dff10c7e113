//! Fixtures shared by the native unit tests (app, sync, domain): deterministic ids, cheap PIN
//! hashes, an app over the memory store, and events stamped in order on one device.

use crate::app::App;
use crate::domain::event::{Draft, Event};
use crate::domain::hlc::Hlc;
use crate::domain::ids::{DeviceId, Id, SeededEntropy, StaffId};
use crate::domain::staff::PinHash;
use crate::store::memory::MemoryStore;
use futures::executor::block_on;

pub fn device(n: u64) -> DeviceId {
    Id::derived("tablet", n)
}

pub fn sid(n: u64) -> StaffId {
    Id::derived("staff", n)
}

/// A PIN hash with 10 iterations (fast; real PINs use `PIN_ITERATIONS`).
pub fn pin(p: &str) -> PinHash {
    PinHash::new(p, [3; 16], 10).unwrap()
}

/// The app service over a fresh or given memory store, as tablet `dev`.
pub fn open(store: MemoryStore, dev: u64) -> App<MemoryStore> {
    block_on(App::open(
        store,
        device(dev),
        Box::new(SeededEntropy::new(dev)),
    ))
    .unwrap()
}

/// Stamps drafts into events on one device, in ascending HLC order (no store involved).
pub fn stamp(drafts: Vec<Draft>) -> Vec<Event> {
    let dev = Id::derived("dev", 1);
    drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let at = Hlc {
                wall: 1_000 + i as i64,
                counter: 0,
                device: dev,
            };
            Event::new(Id::derived("ev", i as u64), at, None, d)
        })
        .collect()
}

/// Folds drafts (stamped in order) into the aggregate of `subject`.
pub fn fold<A: crate::domain::view::Aggregate>(
    drafts: &[Draft],
    subject: crate::domain::event::RecordRef,
) -> A {
    let events = stamp(drafts.to_vec())
        .into_iter()
        .filter(|e| e.subject == subject)
        .collect::<Vec<_>>();
    crate::domain::view::fold_all::<A>(subject.id, events)
        .and_then(|v| v.state())
        .unwrap_or_default()
}

/// Founds the estate on `app` with `people[0]` as the first Director (first run, no actor) and
/// adds the others with their roles, at `now`: events recorded by them are then authorised at
/// fold time (issue 12: an actor unknown to the staff records takes no effect).
pub fn staffed(
    app: &App<MemoryStore>,
    now: i64,
    people: &[(StaffId, &[crate::domain::roles::Role])],
) {
    use crate::domain::command::Actor;
    use crate::domain::staff::{self, Profile};
    let (director, _) = people[0];
    let drafts = staff::first_run(false, "测试小区", director, "主任", pin("1234")).unwrap();
    block_on(app.record(now, None, drafts)).unwrap();
    let actor = Actor {
        id: director,
        roles: [crate::domain::roles::Role::Director].into(),
    };
    let mut drafts = Vec::new();
    for (i, (id, roles)) in people.iter().enumerate().skip(1) {
        let profile = Profile {
            name: format!("员工{i}"),
            roles: roles.iter().copied().collect(),
            department: None,
            phone: String::new(),
        };
        drafts.extend(staff::create(&actor, *id, &profile, pin("1234")).unwrap());
    }
    block_on(app.record(now, Some(director), drafts)).unwrap();
}

/// A future that yields to the executor once, like an IndexedDB transaction handing control
/// back to the event loop (tests of interleaved writes).
pub struct YieldOnce(bool);
impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            std::task::Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

/// Yields once (see [`YieldOnce`]).
pub fn y() -> YieldOnce {
    YieldOnce(false)
}

/// 3号楼 with `floors` floors and one basement (app tests).
pub fn building_info(floors: i32) -> crate::domain::registry::BuildingInfo {
    crate::domain::registry::BuildingInfo {
        name: "3号楼".into(),
        floors,
        basements: 1,
        note: String::new(),
    }
}

/// Whether a fold of every record is still pending on `app`'s store (issue 13: an import onto
/// a blank tablet interrupted before its end). Native only, like the sync tests using it.
#[cfg(not(target_arch = "wasm32"))]
pub fn views_pending(app: &App<MemoryStore>) -> bool {
    use crate::store::Store;
    block_on(app.store.meta(crate::store::META_REBUILD)).unwrap() == Some(true.into())
}

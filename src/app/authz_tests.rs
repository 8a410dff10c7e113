//! Authority at fold time (issue 12, SOP §0): every event is authorised when folded, against its
//! actor's roles as of its HLC; events that fail are stored, take no effect, and are listed. The
//! decisions never depend on arrival order: late authority changes re-decide what they touch.

use super::App;
use crate::domain::estate::{estate_ref, EstateEvent};
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::ids::{DeviceId, Id, StaffId};
use crate::domain::registry::{Building, BuildingInfo, RegistryEvent};
use crate::domain::roles::Role;
use crate::domain::staff::{self, Profile, Staff, StaffEvent};
use crate::store::memory::MemoryStore;
use crate::testkit::{device, open, pin, sid};
use futures::executor::block_on;
use proptest::prelude::*;
use std::collections::BTreeSet;

const T0: i64 = 1_800_000_000_000;
const SEC: i64 = 1_000;

fn at(wall: i64, counter: u32, dev: DeviceId) -> Hlc {
    Hlc {
        wall,
        counter,
        device: dev,
    }
}

fn profile(n: u64, roles: &[Role]) -> Profile {
    Profile {
        name: format!("员工{n}"),
        roles: roles.iter().copied().collect(),
        department: None,
        phone: String::new(),
    }
}

fn staff_event(n: u64, at: Hlc, actor: StaffId, target: StaffId, e: StaffEvent) -> Event {
    Event::new(
        Id::derived("authz", n),
        at,
        Some(actor),
        Draft {
            subject: RecordRef::new(RecordKind::Staff, target),
            body: EventBody::Staff(e),
        },
    )
}

fn building(n: u64, at: Hlc, actor: StaffId, slot: u64, floors: i32) -> Event {
    Event::new(
        Id::derived("authz", n),
        at,
        Some(actor),
        Draft {
            subject: RecordRef::new(RecordKind::Building, Id::derived("b", slot)),
            body: EventBody::Registry(RegistryEvent::BuildingSet {
                info: BuildingInfo {
                    name: format!("{slot}号楼"),
                    floors,
                    basements: 0,
                    note: String::new(),
                },
            }),
        },
    )
}

/// The founding (first run, no actor) of the estate with `sid(0)` as Director, on tablet 0.
fn founding() -> Vec<Event> {
    let drafts = staff::first_run(false, "测试小区", sid(0), "主任", pin("1234")).unwrap();
    drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            Event::new(
                Id::derived("found", i as u64),
                at(T0, i as u32, device(0)),
                None,
                d,
            )
        })
        .collect()
}

fn tablet(n: u64) -> App<MemoryStore> {
    open(MemoryStore::new(), n)
}

fn absorb_all(app: &App<MemoryStore>, batches: &[Vec<Event>]) {
    for b in batches {
        block_on(app.absorb(b.clone(), T0 + 10_000 * SEC)).unwrap();
    }
}

/// Issue 12: a role granted by the Director that arrives *after* what the grantee did with it
/// re-decides those events: they take effect. A removal that arrives late takes their effect
/// away again — on every tablet, in any order.
#[test]
fn a_late_grant_or_removal_re_decides_what_came_after_it() {
    let d = sid(0);
    let s = sid(1);
    let mut base = founding();
    base.push(staff_event(
        1,
        at(T0 + SEC, 0, device(0)),
        d,
        s,
        StaffEvent::Created {
            profile: profile(1, &[Role::Receptionist]),
        },
    ));
    // The Director makes them Director at +10 s (tablet 0)…
    let grant = staff_event(
        2,
        at(T0 + 10 * SEC, 0, device(0)),
        d,
        s,
        StaffEvent::Updated {
            profile: profile(1, &[Role::Director]),
        },
    );
    // …and at +20 s, on tablet 1, they rename the estate (Director only) and add a person.
    let rename = Event::new(
        Id::derived("authz", 3),
        at(T0 + 20 * SEC, 0, device(1)),
        Some(s),
        Draft {
            subject: estate_ref(),
            body: EventBody::Estate(EstateEvent::Renamed {
                name: "新名称".into(),
            }),
        },
    );
    let hire = staff_event(
        4,
        at(T0 + 21 * SEC, 0, device(1)),
        s,
        sid(2),
        StaffEvent::Created {
            profile: profile(2, &[Role::Assistant]),
        },
    );
    let late = tablet(5);
    absorb_all(&late, &[base.clone(), vec![rename.clone(), hire.clone()]]);
    assert_eq!(block_on(late.estate()).unwrap().unwrap().name, "测试小区");
    assert_eq!(
        block_on(late.refused()).unwrap().len(),
        2,
        "refused without the grant"
    );
    assert!(block_on(late.get::<Staff>(sid(2))).unwrap().is_none());
    absorb_all(&late, &[vec![grant.clone()]]);
    assert_eq!(block_on(late.estate()).unwrap().unwrap().name, "新名称");
    assert!(block_on(late.get::<Staff>(sid(2))).unwrap().is_some());
    assert!(
        block_on(late.refused()).unwrap().is_empty(),
        "re-decided: admitted"
    );
    let in_order = tablet(6);
    absorb_all(
        &in_order,
        &[
            base.clone(),
            vec![grant.clone()],
            vec![rename.clone(), hire.clone()],
        ],
    );
    assert_eq!(late.store.views(), in_order.store.views());

    // A removal at +15 s (before the rename) arrives last: the rename and the hire lose their
    // effect, the hired person's view goes (their events stay stored).
    let removal = staff_event(
        5,
        at(T0 + 15 * SEC, 0, device(0)),
        d,
        s,
        StaffEvent::Updated {
            profile: profile(1, &[Role::Receptionist]),
        },
    );
    absorb_all(&late, &[vec![removal.clone()]]);
    assert_eq!(block_on(late.estate()).unwrap().unwrap().name, "测试小区");
    assert!(block_on(late.get::<Staff>(sid(2))).unwrap().is_none());
    assert_eq!(late.store.all_events().len(), base.len() + 4);
    let refused: Vec<_> = block_on(late.refused())
        .unwrap()
        .iter()
        .map(|r| r.event)
        .collect();
    assert_eq!(refused, vec![rename.id, hire.id]);
    let fresh = tablet(7);
    absorb_all(&fresh, &[vec![removal, hire, grant, rename], base]);
    assert_eq!(late.store.views(), fresh.store.views());
    assert_eq!(
        block_on(late.refused()).unwrap(),
        block_on(fresh.refused()).unwrap()
    );
}

/// Issue 12: events with no actor are the first run's only — the founding and its first
/// Director. A forged "setup" event creating another Director, or any other actor-less
/// event, is refused; so is an event by someone the staff records do not know.
#[test]
fn only_the_founding_may_be_written_without_an_actor() {
    let app = tablet(1);
    let mut events = founding();
    let forged_dir = Event::new(
        Id::derived("authz", 1),
        at(T0 + SEC, 0, device(3)),
        None,
        Draft {
            subject: RecordRef::new(RecordKind::Staff, sid(9)),
            body: EventBody::Staff(StaffEvent::Created {
                profile: profile(9, &[Role::Director]),
            }),
        },
    );
    let stranger = building(2, at(T0 + 2 * SEC, 0, device(3)), sid(8), 1, 5);
    let by_director = building(3, at(T0 + 3 * SEC, 0, device(0)), sid(0), 2, 6);
    events.extend([forged_dir.clone(), stranger.clone(), by_director]);
    absorb_all(&app, &[events]);
    assert!(block_on(app.get::<Staff>(sid(0)))
        .unwrap()
        .is_some_and(|s| s.active));
    assert!(block_on(app.get::<Staff>(sid(9))).unwrap().is_none());
    assert!(block_on(app.get::<Building>(Id::derived("b", 1)))
        .unwrap()
        .is_none());
    assert!(block_on(app.get::<Building>(Id::derived("b", 2)))
        .unwrap()
        .is_some());
    let refused = block_on(app.refused()).unwrap();
    assert_eq!(
        refused.iter().map(|r| r.event).collect::<Vec<_>>(),
        vec![forged_dir.id, stranger.id]
    );
    assert!(
        refused[1].why.en.contains("did not exist"),
        "{}",
        refused[1].why.en
    );
    assert_eq!(refused[0].device, device(3));
}

/// Issue 12: a tablet whose views were folded before authority checks existed decides every
/// stored event once when this build opens it: a forged event folded back then loses its effect.
#[test]
fn opening_an_older_database_unfolds_forged_events_once() {
    let app = tablet(1);
    let mut events = founding();
    events.push(building(1, at(T0 + SEC, 0, device(2)), sid(7), 1, 9));
    absorb_all(&app, &[events]);
    assert!(block_on(app.get::<Building>(Id::derived("b", 1)))
        .unwrap()
        .is_none());
    // Simulate the older build: its views had folded everything, and it kept no authz meta.
    let store = app.store;
    let all = store.all_events();
    let b = all
        .iter()
        .find(|e| e.subject.kind == RecordKind::Building)
        .unwrap();
    let v = crate::domain::view::fold_all_kind(b.subject, vec![b.clone()]).unwrap();
    block_on(crate::store::Store::commit(
        &store,
        crate::store::Batch {
            views: vec![v],
            meta: vec![(super::META_AUTHZ.into(), serde_json::Value::Null)],
            ..Default::default()
        },
    ))
    .unwrap();
    let app = open(store, 1);
    assert!(block_on(app.get::<Building>(Id::derived("b", 1)))
        .unwrap()
        .is_none());
    assert_eq!(block_on(app.refused()).unwrap().len(), 1);
}

// ---- property: any order, any partition, 2–4 tablets ----------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Hire { target: u64, roles: u8 },
    Roles { target: u64, roles: u8 },
    Active { target: u64, active: bool },
    Building { slot: u64, floors: i32 },
    Rename { name: u8 },
}

fn roles_of(bits: u8) -> Vec<Role> {
    let r: Vec<Role> = Role::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, r)| *r)
        .collect();
    if r.is_empty() {
        vec![Role::Assistant]
    } else {
        r
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u64..5, 0u8..64).prop_map(|(target, roles)| Op::Hire { target, roles }),
        (1u64..5, 0u8..64).prop_map(|(target, roles)| Op::Roles { target, roles }),
        (1u64..5, any::<bool>()).prop_map(|(target, active)| Op::Active { target, active }),
        (0u64..3, 1i32..30).prop_map(|(slot, floors)| Op::Building { slot, floors }),
        (0u8..4).prop_map(|name| Op::Rename { name }),
    ]
}

/// (actor 0..5, second, tablet 0..3, op)
fn written() -> impl Strategy<Value = Vec<(u64, i64, u64, Op)>> {
    prop::collection::vec((0u64..5, 1i64..60, 0u64..3, op()), 1..25)
}

fn events_of(ops: &[(u64, i64, u64, Op)]) -> Vec<Event> {
    let mut out = founding();
    for (i, (actor, sec, dev, op)) in ops.iter().enumerate() {
        let n = 100 + i as u64;
        let h = at(T0 + sec * SEC, i as u32, device(*dev));
        let a = sid(*actor);
        out.push(match op {
            Op::Hire { target, roles } => staff_event(
                n,
                h,
                a,
                sid(*target),
                StaffEvent::Created {
                    profile: profile(*target, &roles_of(*roles)),
                },
            ),
            Op::Roles { target, roles } => staff_event(
                n,
                h,
                a,
                sid(*target),
                StaffEvent::Updated {
                    profile: profile(*target, &roles_of(*roles)),
                },
            ),
            Op::Active { target, active } => staff_event(
                n,
                h,
                a,
                sid(*target),
                if *active {
                    StaffEvent::Reactivated
                } else {
                    StaffEvent::Deactivated
                },
            ),
            Op::Building { slot, floors } => building(n, h, a, *slot, *floors),
            Op::Rename { name } => Event::new(
                Id::derived("authz", n),
                h,
                Some(a),
                Draft {
                    subject: estate_ref(),
                    body: EventBody::Estate(EstateEvent::Renamed {
                        name: format!("名称{name}"),
                    }),
                },
            ),
        });
    }
    out
}

/// Splits a permutation of `events` into `cuts`-guided batches.
fn deliver(events: &[Event], order: &[usize], cuts: &[usize]) -> Vec<Vec<Event>> {
    let mut idx: Vec<usize> = (0..events.len()).collect();
    // A permutation from the random keys.
    idx.sort_by_key(|i| (order.get(*i).copied().unwrap_or(0), *i));
    let mut batches = vec![Vec::new()];
    for (k, i) in idx.into_iter().enumerate() {
        if cuts.contains(&k) && !batches.last().unwrap().is_empty() {
            batches.push(Vec::new());
        }
        batches.last_mut().unwrap().push(events[i].clone());
    }
    batches
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Issue 12: random event sets — staff hired, roles changed, people deactivated, buildings
    /// and the estate name edited, by actors with and without the role — delivered in random
    /// orders and partitions to 2–4 tablets give identical views and identical refusal lists,
    /// equal to folding every event at once. Late grants and removals are the common case here.
    #[test]
    fn any_order_any_partition_same_views_and_refusals(
        ops in written(),
        tablets in prop::collection::vec(
            (prop::collection::vec(any::<usize>(), 30), prop::collection::vec(0usize..30, 0..6)),
            2..=4,
        ),
    ) {
        let events = events_of(&ops);
        let reference = tablet(50);
        absorb_all(&reference, std::slice::from_ref(&events));
        let views = reference.store.views();
        let refused = block_on(reference.refused()).unwrap();
        // Everything the ledger admits folded, the rest listed.
        let listed: BTreeSet<_> = refused.iter().map(|r| r.event).collect();
        prop_assert!(listed.len() < events.len());
        for (n, (order, cuts)) in tablets.iter().enumerate() {
            let app = tablet(60 + n as u64);
            absorb_all(&app, &deliver(&events, order, cuts));
            prop_assert_eq!(app.store.all_events().len(), events.len());
            prop_assert_eq!(&app.store.views(), &views, "tablet {}", n);
            prop_assert_eq!(&block_on(app.refused()).unwrap(), &refused, "tablet {}", n);
        }
        // The founding is never refused: nobody precedes it.
        for e in founding() {
            prop_assert!(!listed.contains(&e.id));
        }
    }
}

/// Counts full passes over the stored events (`every_event`, or a read of every kind).
struct Counting(MemoryStore, std::cell::Cell<u32>);

impl crate::store::Store for Counting {
    async fn commit(&self, b: crate::store::Batch) -> Result<(), crate::store::StoreError> {
        self.0.commit(b).await
    }
    async fn finish_deferred_views(&self) -> Result<(), crate::store::StoreError> {
        self.0.finish_deferred_views().await
    }
    async fn view(
        &self,
        s: RecordRef,
    ) -> Result<Option<crate::domain::view::View>, crate::store::StoreError> {
        self.0.view(s).await
    }
    async fn query(
        &self,
        q: &crate::store::Query,
    ) -> Result<Vec<crate::domain::view::View>, crate::store::StoreError> {
        self.0.query(q).await
    }
    async fn count(&self, q: &crate::store::Query) -> Result<u32, crate::store::StoreError> {
        self.0.count(q).await
    }
    async fn assigned(
        &self,
        s: StaffId,
    ) -> Result<Vec<crate::domain::view::View>, crate::store::StoreError> {
        self.0.assigned(s).await
    }
    async fn events_for(&self, s: RecordRef) -> Result<Vec<Event>, crate::store::StoreError> {
        self.0.events_for(s).await
    }
    async fn has_event(&self, e: &Event) -> Result<bool, crate::store::StoreError> {
        self.0.has_event(e).await
    }
    async fn events_of_kind(&self, k: RecordKind) -> Result<Vec<Event>, crate::store::StoreError> {
        // The ledger reads Staff and Estate; only a full pass reads every kind.
        if k == RecordKind::Building {
            self.1.set(self.1.get() + 1);
        }
        self.0.events_of_kind(k).await
    }
    async fn event_count(&self) -> Result<u64, crate::store::StoreError> {
        self.0.event_count().await
    }
    async fn every_event(&self) -> Result<Vec<Event>, crate::store::StoreError> {
        self.1.set(self.1.get() + 1);
        self.0.every_event().await
    }
    async fn meta(&self, k: &str) -> Result<Option<serde_json::Value>, crate::store::StoreError> {
        self.0.meta(k).await
    }
}

/// Issue 12, "acceptable on IndexedDB": a staff change older than the tablet's newest event
/// scans all events only when the tablet holds events of that person after the change. A new
/// person, or a role change nobody has acted on since, costs no scan.
#[test]
fn a_late_staff_change_scans_only_when_that_persons_later_events_are_here() {
    let app = block_on(App::open(
        Counting(MemoryStore::new(), std::cell::Cell::new(0)),
        device(8),
        Box::new(crate::domain::ids::SeededEntropy::new(8)),
    ))
    .unwrap();
    let scans = || app.store.1.get();
    let d = sid(0);
    let x = sid(1);
    let mut work = founding();
    for i in 0..5u64 {
        work.push(building(
            10 + i,
            at(T0 + (100 + i as i64) * SEC, 0, device(0)),
            d,
            i % 3,
            6,
        ));
    }
    block_on(app.absorb(work, T0 + 1_000 * SEC)).unwrap();
    let base = scans();
    let hire = staff_event(
        1,
        at(T0 + 10 * SEC, 0, device(1)),
        d,
        x,
        StaffEvent::Created {
            profile: profile(1, &[Role::Assistant]),
        },
    );
    block_on(app.absorb(vec![hire], T0 + 1_000 * SEC)).unwrap();
    let promote = staff_event(
        2,
        at(T0 + 20 * SEC, 0, device(1)),
        d,
        x,
        StaffEvent::Updated {
            profile: profile(1, &[Role::Supervisor]),
        },
    );
    block_on(app.absorb(vec![promote], T0 + 1_000 * SEC)).unwrap();
    assert_eq!(scans(), base, "nothing of theirs here yet: no scan");
    let theirs = building(3, at(T0 + 30 * SEC, 0, device(2)), x, 7, 3);
    block_on(app.absorb(vec![theirs.clone()], T0 + 1_000 * SEC)).unwrap();
    assert!(block_on(app.get::<Building>(Id::derived("b", 7)))
        .unwrap()
        .is_some());
    let demote = staff_event(
        4,
        at(T0 + 25 * SEC, 0, device(1)),
        d,
        x,
        StaffEvent::Updated {
            profile: profile(1, &[Role::DepartmentStaff]),
        },
    );
    block_on(app.absorb(vec![demote], T0 + 1_000 * SEC)).unwrap();
    assert_eq!(
        scans(),
        base + 1,
        "their later building edit is decided again"
    );
    assert!(block_on(app.get::<Building>(Id::derived("b", 7)))
        .unwrap()
        .is_none());
    assert_eq!(block_on(app.refused()).unwrap()[0].event, theirs.id);
}

//! The time-ordered queue between the generators and the sink, and the small helpers they
//! share (a fast seeded RNG, folding drafts into a local aggregate).

use crate::domain::command::Actor;
use crate::domain::complaints::ComplaintsEvent;
use crate::domain::duty::DutyEvent;
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::ids::{DeviceId, Entropy, Id, SeededEntropy, StaffId};
use crate::domain::patrol::PatrolEvent;
use crate::domain::view::Aggregate;
use crate::domain::workorder::WorkOrderEvent;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// splitmix64: fast, and plenty for choosing data.
pub(super) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// True with probability `p` (0..1).
    pub fn p(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len() as u64) as usize]
    }
    /// How many of something happen today at `rate` a day: floor, plus one with the rest.
    pub fn count(&mut self, rate: f64) -> u64 {
        let whole = rate.floor();
        whole as u64 + u64::from(self.p(rate - whole))
    }
}

/// The tablets that write the data (HLC devices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dev {
    /// The service-centre desk: registry, staff, complaints and callbacks.
    Desk = 0,
    /// Patrol tablets (by walker).
    Patrol1 = 1,
    Patrol2 = 2,
    Patrol3 = 3,
    /// The duty post's tablet: its duty-log hash chain is this device's (DUTY-4).
    Duty = 4,
}

pub(super) fn device_id(seed: u64, dev: Dev) -> DeviceId {
    Id::derived(
        "bench-tablet",
        seed.wrapping_mul(8).wrapping_add(dev as u64),
    )
}

struct Pending {
    wall: i64,
    seq: u64,
    device: Dev,
    actor: Option<StaffId>,
    draft: Draft,
}

impl PartialEq for Pending {
    fn eq(&self, o: &Self) -> bool {
        (self.wall, self.seq) == (o.wall, o.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Pending {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.wall, self.seq).cmp(&(o.wall, o.seq))
    }
}

/// Drafts waiting for their time; stamped in (time, push order) when the day is done.
pub(super) struct Stream<'s> {
    heap: BinaryHeap<Reverse<Pending>>,
    seq: u64,
    ids: SeededEntropy,
    /// (wall, counter) of the last stamp: one counter across devices keeps HLC order equal
    /// to stream order even when two tablets write in the same millisecond.
    last: (i64, u32),
    /// Nothing may be pushed earlier than this: it has been flushed already.
    frontier: i64,
    devices: [DeviceId; 5],
    buf: Vec<Event>,
    chunk: usize,
    sink: &'s mut dyn FnMut(Vec<Event>),
    counts: BTreeMap<String, u64>,
    emitted: u64,
}

impl<'s> Stream<'s> {
    pub fn new(seed: u64, chunk: usize, sink: &'s mut dyn FnMut(Vec<Event>)) -> Self {
        use Dev::*;
        Stream {
            heap: BinaryHeap::new(),
            seq: 0,
            ids: SeededEntropy::new(seed ^ 0xB3AC_E7E1_0000_0001),
            last: (i64::MIN, 0),
            frontier: i64::MIN,
            devices: [Desk, Patrol1, Patrol2, Patrol3, Duty].map(|d| device_id(seed, d)),
            buf: Vec::with_capacity(chunk),
            chunk,
            sink,
            counts: BTreeMap::new(),
            emitted: 0,
        }
    }

    /// Queues drafts written at `wall` by `actor` on `device`, in their order.
    pub fn push(&mut self, wall: i64, device: Dev, actor: Option<&Actor>, drafts: Vec<Draft>) {
        assert!(
            wall >= self.frontier,
            "generator bug: an event at {wall} after the stream reached {}",
            self.frontier
        );
        for draft in drafts {
            self.seq += 1;
            self.heap.push(Reverse(Pending {
                wall,
                seq: self.seq,
                device,
                actor: actor.map(|a| a.id),
                draft,
            }));
        }
    }

    /// Stamps and emits everything before `t`.
    pub fn flush_before(&mut self, t: i64) {
        while self.heap.peek().is_some_and(|Reverse(p)| p.wall < t) {
            let Some(Reverse(p)) = self.heap.pop() else {
                break;
            };
            self.emit(p);
        }
        self.frontier = self.frontier.max(t);
    }

    fn emit(&mut self, p: Pending) {
        let counter = if p.wall == self.last.0 {
            self.last.1 + 1
        } else {
            0
        };
        self.last = (p.wall, counter);
        let at = Hlc {
            wall: p.wall,
            counter,
            device: self.devices[p.device as usize],
        };
        if let Some(k) = count_key(&p.draft) {
            *self.counts.entry(k.into()).or_default() += 1;
        }
        let e = Event::new(self.ids.id(), at, p.actor, p.draft);
        self.emitted += 1;
        self.buf.push(e);
        if self.buf.len() >= self.chunk {
            let full = std::mem::replace(&mut self.buf, Vec::with_capacity(self.chunk));
            (self.sink)(full);
        }
    }

    /// Emits what is left; returns the counts by kind of thing made.
    pub fn finish(mut self) -> BTreeMap<String, u64> {
        self.flush_before(i64::MAX);
        if !self.buf.is_empty() {
            let rest = std::mem::take(&mut self.buf);
            (self.sink)(rest);
        }
        let mut counts = std::mem::take(&mut self.counts);
        counts.insert("events".into(), self.emitted);
        for k in [
            "complaints",
            "callbacks",
            "work_orders",
            "check_ins",
            "duty_log_entries",
        ] {
            counts.entry(k.into()).or_default();
        }
        counts
    }
}

fn count_key(d: &Draft) -> Option<&'static str> {
    match (&d.body, d.subject.kind) {
        (EventBody::Complaints(ComplaintsEvent::Registered { .. }), RecordKind::Complaint) => {
            Some("complaints")
        }
        (
            EventBody::Complaints(ComplaintsEvent::CallbackScheduled { .. }),
            RecordKind::Callback,
        ) => Some("callbacks"),
        (EventBody::WorkOrder(WorkOrderEvent::Opened { .. }), _) => Some("work_orders"),
        (EventBody::Patrol(PatrolEvent::CheckedIn(_)), _) => Some("check_ins"),
        (EventBody::Duty(DutyEvent::EntryAdded { .. }), _) => Some("duty_log_entries"),
        _ => None,
    }
}

/// Applies the drafts about `subject` to a local copy of its aggregate, as the store will
/// (the commands read the current state). No hashing: these events are thrown away.
pub(super) fn fold<A: Aggregate>(
    state: &mut A,
    subject: RecordRef,
    drafts: &[Draft],
    wall: i64,
    actor: Option<&Actor>,
) {
    for d in drafts.iter().filter(|d| d.subject == subject) {
        let e = Event::scratch(
            Hlc {
                wall,
                counter: 0,
                device: Id::nil(),
            },
            actor.map(|a| a.id),
            d.subject,
            d.body.clone(),
        );
        state.apply(&e);
    }
}

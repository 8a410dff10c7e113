//! The generator's own checks (issue 7): deterministic, proportionate, verifiable, causal,
//! and the app absorbs it into the views the benchmark queries.

use super::*;
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::patrol::coverage_key;
use crate::store::{Filter, Query, Store};
use futures::executor::block_on;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

fn small() -> (Summary, Vec<Event>) {
    let mut all = Vec::new();
    let s = generate(&Spec::small(11), 500, |chunk| {
        assert!(chunk.len() <= 500);
        all.extend(chunk)
    });
    (s, all)
}

/// A moment after the small dataset's last day (2026-10-31).
const NOW: i64 = 1_793_000_000_000;

/// The small dataset, and an app that absorbed it in chunks as an import would.
fn absorbed_small() -> (
    Summary,
    Vec<Event>,
    crate::app::App<crate::store::memory::MemoryStore>,
) {
    let (s, events) = small();
    let app = crate::testkit::open(crate::store::memory::MemoryStore::new(), 9);
    for chunk in events.chunks(2_000) {
        block_on(app.absorb(chunk.to_vec(), NOW)).unwrap();
    }
    (s, events, app)
}

fn digest(events: &[Event]) -> String {
    let mut h = Sha256::new();
    for e in events {
        h.update(e.hash.as_bytes());
    }
    hex::encode(h.finalize())
}

#[test]
fn same_spec_gives_identical_events_and_another_seed_differs() {
    let (a, ea) = small();
    let (b, eb) = small();
    assert_eq!(a, b);
    assert_eq!(digest(&ea), digest(&eb));
    // The chunk size only cuts the same stream differently.
    let mut chunks = 0;
    let mut ec = Vec::new();
    let c = generate(&Spec::small(11), 4_096, |chunk| {
        chunks += 1;
        ec.extend(chunk)
    });
    assert_eq!(c, a);
    assert_eq!(digest(&ec), digest(&ea));
    assert_eq!(chunks, ea.len().div_ceil(4_096));
    let mut other = Vec::new();
    generate(&Spec::small(12), 10_000, |c| other.extend(c));
    assert_ne!(digest(&ea), digest(&other));
}

#[test]
fn small_spec_is_about_one_percent_of_the_full_volumes() {
    let (s, events) = small();
    let c = |k: &str| s.counts[k];
    assert_eq!(c("events"), events.len() as u64);
    assert_eq!(c("households"), 100);
    // ~1 % of 20k complaints and work orders, 470k check-ins, 11k duty entries, 2k photos.
    for (k, lo, hi) in [
        ("complaints", 120, 320),
        ("callbacks", 80, 320),
        ("work_orders", 100, 400),
        ("check_ins", 3_000, 9_000),
        ("duty_log_entries", 60, 180),
        ("photos", 5, 60),
    ] {
        assert!((lo..=hi).contains(&c(k)), "{k}: {}", c(k));
    }
    assert!(c("staff") >= 12, "staff of every role");
    assert_eq!(s.photos.len() as u64, c("photos"));
    let jpeg = photo_jpeg(&Spec::small(11), 0);
    // A real JPEG of a few KB.
    assert!(jpeg.starts_with(&[0xFF, 0xD8]) && jpeg.ends_with(&[0xFF, 0xD9]));
    assert!((1_000..16_000).contains(&jpeg.len()), "{}", jpeg.len());
    assert_eq!(jpeg, photo_jpeg(&Spec::small(11), 0));
    assert_ne!(jpeg, photo_jpeg(&Spec::small(11), 1));
}

#[test]
fn every_event_verifies_and_the_stream_is_causal() {
    let (s, events) = small();
    assert!(events.iter().all(|e| e.verify()));
    // One global HLC order: every record's events ascend, and anything referenced (the
    // creating event of each record) comes first.
    assert!(events.windows(2).all(|w| w[0].at < w[1].at));
    let ids: std::collections::HashSet<_> = events.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), events.len());
    let mut first: HashMap<RecordRef, usize> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        first.entry(e.subject).or_insert(i);
    }
    let staff = |id| RecordRef::new(RecordKind::Staff, id);
    for (i, e) in events.iter().enumerate() {
        if let Some(a) = e.actor {
            assert!(first[&staff(a)] <= i, "actor exists before acting");
        }
    }
    // Records referenced by a complaint, a round or a finding were written before it.
    use crate::domain::complaints::ComplaintsEvent;
    use crate::domain::event::EventBody;
    use crate::domain::patrol::PatrolEvent;
    let before = |kind, id, i: usize| first.get(&RecordRef::new(kind, id)).is_some_and(|f| *f < i);
    let mut checked = 0;
    for (i, e) in events.iter().enumerate() {
        match &e.body {
            EventBody::Complaints(ComplaintsEvent::Registered { intake, .. }) => {
                // Anonymous complaints keep no household (CMP-11).
                if let Some(h) = intake.household {
                    assert!(before(RecordKind::Household, h, i));
                }
                if let Some(u) = intake.unit {
                    assert!(before(RecordKind::Unit, u, i));
                }
                checked += 1;
            }
            EventBody::Patrol(PatrolEvent::RoundScheduled { plan }) => {
                assert!(before(RecordKind::PatrolRoute, plan.route, i));
                for stop in &plan.stops {
                    assert!(before(RecordKind::Checkpoint, stop.checkpoint, i));
                }
                checked += 1;
            }
            EventBody::Patrol(PatrolEvent::FindingRaised { info, .. }) => {
                assert!(before(RecordKind::PatrolRound, info.round.unwrap(), i));
                checked += 1;
            }
            _ => {}
        }
    }
    assert!(checked > 500, "{checked}");
    assert!(s.photos.iter().all(|p| p.starts_with("photo-")));
    // Nothing after the last day.
    let end = crate::domain::calendar::BusinessCalendar::default().at(
        Spec::small(11).end + chrono::Days::new(1),
        chrono::NaiveTime::MIN,
    );
    assert!(events.last().unwrap().at.wall < end);
}

#[test]
fn the_app_absorbs_the_small_dataset_and_the_probes_find_data() {
    let (s, events, app) = absorbed_small();
    let now = NOW;
    assert_eq!(
        block_on(app.store.event_count()).unwrap(),
        events.len() as u64
    );
    // Issue 12: the generator writes through the domain commands, so every event is authorised.
    let refused = block_on(app.refused()).unwrap();
    assert!(refused.is_empty(), "{:?}", refused.first());
    let q = |kind, f: Filter| block_on(app.query(&Query::new(kind, f))).unwrap();
    // Complaints by status: most closed, some open.
    let all = q(RecordKind::Complaint, Filter::All);
    assert_eq!(all.len() as u64, s.counts["complaints"]);
    let closed = q(RecordKind::Complaint, Filter::Status("closed".into())).len();
    assert!(closed * 2 > all.len(), "{closed} of {} closed", all.len());
    assert!(closed < all.len());
    // Households by the unit prefix.
    let hh = q(
        RecordKind::Household,
        Filter::Prefix(s.probes.unit_prefix.clone()),
    );
    assert!(!hh.is_empty(), "households for {}", s.probes.unit_prefix);
    // The probe building's check-ins of the last full week.
    let cov = q(
        RecordKind::PatrolRound,
        Filter::Prefix(coverage_key(s.probes.building, &s.probes.week)),
    );
    assert!(!cov.is_empty(), "rounds in {}", s.probes.week);
    assert_eq!(s.probes.month, "2026-10");
    // The login's to-do list has content, and the login signs in with the bench PIN.
    let mine = block_on(app.store.assigned(s.login)).unwrap();
    assert!(mine.iter().any(|v| v.kind == RecordKind::Complaint));
    // Open work orders wait for engineering (REP-8).
    let open_orders = q(RecordKind::WorkOrder, Filter::All)
        .iter()
        .filter(|v| v.status.as_deref() != Some("done"))
        .count();
    assert!(open_orders > 0);
    let up = crate::domain::staff::Uptime::new(0, now);
    let actor = block_on(app.sign_in(s.login, BENCH_PIN, up)).unwrap();
    assert!(actor.roles.contains(&crate::domain::roles::Role::Director));
}

/// `cargo test --release --lib bench::gen::tests::full_generation_time -- --ignored --nocapture`
#[test]
#[ignore]
fn full_generation_time() {
    let t = std::time::Instant::now();
    let mut n = 0usize;
    let s = generate(&Spec::full(1), 10_000, |c| n += c.len());
    println!("generated {n} events in {:?}", t.elapsed());
    let photo = photo_jpeg(&Spec::full(1), 0).len();
    println!("photo 0: {photo} bytes");
    // What the events weigh, by kind (canonical JSON).
    let mut by: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    generate(&Spec::full(1), 10_000, |c| {
        for e in c {
            let k = by.entry(e.body.label().en).or_default();
            k.0 += 1;
            k.1 += e.canonical_bytes().len();
        }
    });
    for (k, (n, b)) in by {
        println!("{k:40} {n:8} {:6} KB", b >> 10);
    }
    // How the desk's lists look at the end: statuses of complaints and work orders, and
    // what waits for the login.
    let mut recs: HashMap<RecordRef, Vec<Event>> = HashMap::new();
    generate(&Spec::full(1), 10_000, |c| {
        for e in c {
            if matches!(
                e.subject.kind,
                RecordKind::Complaint | RecordKind::WorkOrder
            ) {
                recs.entry(e.subject).or_default().push(e);
            }
        }
    });
    let mut status: std::collections::BTreeMap<String, usize> = Default::default();
    let mut mine = 0;
    for (subject, events) in recs {
        let v = crate::domain::view::fold_all_kind(subject, events).unwrap();
        *status
            .entry(format!(
                "{}:{}",
                subject.kind.as_str(),
                v.status.unwrap_or_default()
            ))
            .or_default() += 1;
        mine += usize::from(v.assignee == Some(s.login));
    }
    println!("{status:?}\nassigned to the login: {mine}");
    println!("{:?}\n{:?}", s.counts, s.probes);
}

/// CMP-3 on the benchmark's estate long after its last day (the dataset ends 2026-10-31; the
/// complaint list sweeps escalations on every visit, issue 19): the first sweep escalates every
/// complaint open a month, and a second sweep finds nothing more to write.
#[test]
fn cmp3_a_second_escalation_sweep_over_the_bench_estate_writes_nothing() {
    use crate::domain::complaints::{
        escalation_candidates, escalations_due, Complaint, ComplaintRow,
    };
    let (s, _, app) = absorbed_small();
    let now = NOW;
    let up = crate::domain::staff::Uptime::new(0, now);
    let actor = block_on(app.sign_in(s.login, BENCH_PIN, up)).unwrap();
    let open = || {
        let mut v = Vec::new();
        for st in ["registered", "dispatched", "in_progress"] {
            for r in block_on(app.query(&Query::new(
                RecordKind::Complaint,
                Filter::Status(st.into()),
            )))
            .unwrap()
            {
                if let Some(c) = r.state::<Complaint>() {
                    v.push((r.id, c));
                }
            }
        }
        v
    };
    let later = now + 40 * 86_400_000;
    let due = block_on(app.store.count(&Query::new(
        RecordKind::Callback,
        Filter::Status("due".into()),
    )))
    .unwrap();
    eprintln!("open complaints {}, due callbacks {due}", open().len());
    // What the list's sweep reads first (issue 19): the open complaints' rows.
    let rows = || {
        let mut v = Vec::new();
        for st in ["registered", "dispatched", "in_progress"] {
            for r in block_on(app.store.rows(&Query::new(
                RecordKind::Complaint,
                Filter::Status(st.into()),
            )))
            .unwrap()
            {
                if let Some(c) = r.list::<ComplaintRow>() {
                    v.push((r.id, c));
                }
            }
        }
        v
    };
    assert!(escalation_candidates(now, &rows()).len() < open().len());
    let first = escalations_due(later, &open());
    assert!(!first.is_empty(), "open complaints a month old");
    let candidates = escalation_candidates(later, &rows());
    assert!(first.iter().all(|d| candidates.contains(&d.subject.id)));
    block_on(app.record(later, Some(actor.id), first)).unwrap();
    assert!(block_on(app.refused()).unwrap().is_empty());
    assert!(escalations_due(later + 60_000, &open()).is_empty());
    assert!(escalation_candidates(later + 60_000, &rows()).is_empty());
}

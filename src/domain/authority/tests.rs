//! The ledger and the rules (issue 12, SOP §0), without a store.

use super::*;
use crate::domain::event::Draft;
use crate::domain::ids::Id;
use crate::domain::staff::{self, Profile};
use crate::testkit::{device, pin, sid};

const T0: i64 = 1_800_000_000_000;

fn at(wall: i64, counter: u32) -> Hlc {
    Hlc {
        wall,
        counter,
        device: device(0),
    }
}

fn founding() -> Vec<Event> {
    staff::first_run(false, "小区", sid(0), "主任", pin("1111"))
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, d)| Event::new(Id::derived("f", i as u64), at(T0, i as u32), None, d))
        .collect()
}

fn update(n: u64, wall: i64, actor: StaffId, target: StaffId, roles: &[Role]) -> Event {
    Event::new(
        Id::derived("u", n),
        at(wall, 0),
        Some(actor),
        Draft {
            subject: RecordRef::new(RecordKind::Staff, target),
            body: EventBody::Staff(StaffEvent::Updated {
                profile: Profile {
                    name: "x".into(),
                    roles: roles.iter().copied().collect(),
                    department: None,
                    phone: String::new(),
                },
            }),
        },
    )
}

fn create(n: u64, wall: i64, actor: StaffId, target: StaffId, roles: &[Role]) -> Event {
    let mut e = update(n, wall, actor, target, roles);
    if let EventBody::Staff(StaffEvent::Updated { profile }) = e.body.clone() {
        e = Event::new(
            e.id,
            e.at,
            e.actor,
            Draft {
                subject: e.subject,
                body: EventBody::Staff(StaffEvent::Created { profile }),
            },
        );
    }
    e
}

#[test]
fn roles_are_read_as_of_the_events_hlc() {
    let mut ev = founding();
    ev.push(create(1, T0 + 10, sid(0), sid(1), &[Role::Assistant]));
    ev.push(update(2, T0 + 20, sid(0), sid(1), &[Role::Supervisor]));
    let l = Ledger::build(&ev);
    assert!(
        l.roles_at(sid(1), at(T0 + 10, 0)).is_none(),
        "not before creation"
    );
    let (r, active) = l.roles_at(sid(1), at(T0 + 11, 0)).unwrap();
    assert!(active && r.contains(&Role::Assistant));
    let (r, _) = l.roles_at(sid(1), at(T0 + 21, 0)).unwrap();
    assert_eq!(r, &[Role::Supervisor].into());
    assert!(l
        .roles_at(sid(0), at(T0 + 1, 0))
        .unwrap()
        .0
        .contains(&Role::Director));
}

/// SOP §0: only the Director manages staff; an Assistant's grant to themself is refused, with
/// the role it needed, and changes nothing in the ledger.
#[test]
fn a_self_grant_is_refused_and_changes_nothing() {
    let mut ev = founding();
    ev.push(create(1, T0 + 10, sid(0), sid(1), &[Role::Assistant]));
    let before = Ledger::build(&ev);
    let grant = update(2, T0 + 20, sid(1), sid(1), &[Role::Director]);
    ev.push(grant.clone());
    let after = Ledger::build(&ev);
    let r = after.authorize(&grant).unwrap_err();
    assert!(r.why.zh.contains("物业部主任") && r.why.en.contains("Director"));
    assert_eq!(r.device, device(0));
    assert_eq!(r.what, grant.body.label());
    assert_eq!(
        after.roles_at(sid(1), at(T0 + 30, 0)).unwrap().0,
        &[Role::Assistant].into()
    );
    assert_eq!(before.first_difference(&after), None);
}

/// The founding needs no actor; any other actor-less event is refused, and so is a second
/// `Founded`.
#[test]
fn first_run_only_for_the_founding() {
    let ev = founding();
    let l = Ledger::build(&ev);
    assert!(ev.iter().all(|e| l.admits(e)));
    let again = Event::new(
        Id::derived("f", 9),
        at(T0 + 5, 0),
        None,
        crate::domain::estate::founded("别的小区".into()),
    );
    assert!(Ledger::build(ev.iter().chain([&again]))
        .authorize(&again)
        .is_err());
    assert_eq!(
        requirement(&again.body),
        Requirement::FirstRun,
        "Founded is the first run's"
    );
}

#[test]
fn a_person_may_set_their_own_pin_but_not_anothers() {
    let mut ev = founding();
    ev.push(create(1, T0 + 10, sid(0), sid(1), &[Role::Receptionist]));
    ev.push(create(2, T0 + 11, sid(0), sid(2), &[Role::Receptionist]));
    let pin_of = |n: u64, target: StaffId| {
        Event::new(
            Id::derived("p", n),
            at(T0 + 20 + n as i64, 0),
            Some(sid(1)),
            Draft {
                subject: RecordRef::new(RecordKind::Staff, target),
                body: EventBody::Staff(StaffEvent::PinSet { pin: pin("2222") }),
            },
        )
    };
    let own = pin_of(1, sid(1));
    let other = pin_of(2, sid(2));
    ev.extend([own.clone(), other.clone()]);
    let l = Ledger::build(&ev);
    assert!(l.admits(&own));
    assert!(!l.admits(&other));
}

/// A deactivated person's later events have no effect, whatever their roles.
#[test]
fn a_deactivated_person_acts_no_more() {
    let mut ev = founding();
    ev.push(create(1, T0 + 10, sid(0), sid(1), &[Role::Director]));
    let off = Event::new(
        Id::derived("d", 1),
        at(T0 + 20, 0),
        Some(sid(0)),
        Draft {
            subject: RecordRef::new(RecordKind::Staff, sid(1)),
            body: EventBody::Staff(StaffEvent::Deactivated),
        },
    );
    ev.push(off);
    let late = update(3, T0 + 30, sid(1), sid(0), &[Role::Assistant]);
    let early = update(
        4,
        T0 + 15,
        sid(1),
        sid(1),
        &[Role::Director, Role::Supervisor],
    );
    ev.extend([late.clone(), early.clone()]);
    let l = Ledger::build(&ev);
    assert!(l.admits(&early));
    let r = l.authorize(&late).unwrap_err();
    assert!(r.why.en.contains("deactivated"));
    assert!(l
        .roles_at(sid(0), at(T0 + 40, 0))
        .unwrap()
        .0
        .contains(&Role::Director));
}

/// The pass over all events one kind at a time covers every kind exactly once.
#[test]
fn record_kinds_are_all_listed_once() {
    let set: std::collections::BTreeSet<_> = RecordKind::ALL.iter().collect();
    assert_eq!(set.len(), RecordKind::ALL.len());
    let names: std::collections::BTreeSet<_> = RecordKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(names.len(), RecordKind::ALL.len());
}

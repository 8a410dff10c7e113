//! Tablet keys and signatures (issue 12).

use super::*;
use crate::domain::estate::{estate_ref, EstateEvent};
use crate::domain::hlc::Hlc;
use crate::domain::ids::Id;
use crate::domain::roles::Role;

fn director() -> Actor {
    Actor {
        id: Id::derived("staff", 1),
        roles: [Role::Director].into(),
    }
}

fn event(device: u64, n: u64, draft: Draft) -> Event {
    let at = Hlc {
        wall: 1_000 + n as i64,
        counter: 0,
        device: Id::derived("tablet", device),
    };
    Event::new(Id::derived("ev", n), at, Some(director().id), draft)
}

fn rename(name: &str) -> Draft {
    Draft {
        subject: estate_ref(),
        body: EventBody::Estate(EstateEvent::Renamed { name: name.into() }),
    }
}

fn enrolled(device: u64, key: &SigningKey, legacy: &[&Event]) -> Event {
    let d = enroll(&director(), Id::derived("tablet", device), key, legacy).unwrap();
    let mut e = event(device, 100 + device, d.into_iter().next().unwrap());
    sign(key, &mut e);
    e
}

#[test]
fn a_signed_event_verifies_only_against_its_tablets_key() {
    let k1 = signing_key([1; 32]);
    let k2 = signing_key([2; 32]);
    let mut e = event(1, 1, rename("翠湖花园"));
    sign(&k1, &mut e);
    assert!(signature_ok(&public_key(&k1), &e));
    assert!(!signature_ok(&public_key(&k2), &e));
    // Edited and re-hashed: the signature no longer covers it.
    let mut forged: Event = Event::from_json(&e.to_json().replace("翠湖花园", "伪造")).unwrap();
    forged.reseal();
    forged.sig = e.sig.clone();
    assert!(forged.verify());
    assert!(!signature_ok(&public_key(&k1), &forged));
}

#[test]
fn only_a_director_enrols_a_tablet() {
    let k = signing_key([1; 32]);
    let assistant = Actor {
        id: Id::derived("staff", 2),
        roles: [Role::Assistant].into(),
    };
    assert!(enroll(&assistant, Id::derived("tablet", 1), &k, &[]).is_err());
    assert!(enroll(&director(), Id::derived("tablet", 1), &k, &[]).is_ok());
}

#[test]
fn trust_checks_signatures_attestations_and_key_changes() {
    let k1 = signing_key([1; 32]);
    let legacy = event(1, 1, rename("旧"));
    let enrol = enrolled(1, &k1, &[&legacy]);
    let mut t = Trust::default();
    // A pure legacy estate (no tablet enrolled) takes unsigned events as the old build did.
    assert!(t.check(&event(9, 9, rename("x"))).is_ok());
    t.learn(std::slice::from_ref(&enrol)).unwrap();
    assert!(t.signing());
    assert!(t.check(&legacy).is_ok(), "attested at enrolment");
    assert_eq!(
        t.check(&event(1, 2, rename("伪造"))),
        Err(Untrusted::Unattested {
            device: Id::derived("tablet", 1)
        })
    );
    let mut signed = event(1, 3, rename("新"));
    sign(&k1, &mut signed);
    assert!(t.check(&signed).is_ok());
    let mut other = event(2, 4, rename("新"));
    sign(&signing_key([2; 32]), &mut other);
    assert_eq!(
        t.check(&other),
        Err(Untrusted::UnknownTablet {
            device: Id::derived("tablet", 2)
        })
    );
    // Another key for tablet 1 is refused, self-signed or not.
    let rekey = enrolled(1, &signing_key([3; 32]), &[]);
    assert_eq!(
        t.learn(&[rekey]),
        Err(Untrusted::KeyChanged {
            device: Id::derived("tablet", 1)
        })
    );
    // An enrolment not signed by the key it enrols proves nothing.
    let mut unsigned = enrolled(2, &signing_key([2; 32]), &[]);
    unsigned.sig = None;
    assert!(matches!(
        Trust::default().learn(&[unsigned]),
        Err(Untrusted::BadSignature { .. })
    ));
}

/// Issue 13: a file's signatures verified together agree with checking them one by one —
/// every signature good, or one forged, or one of a tablet this estate does not know.
#[test]
fn signatures_verified_together_agree_with_one_by_one() {
    let (k1, k2) = (signing_key([1; 32]), signing_key([2; 32]));
    let mut t = Trust::default();
    t.learn(&[enrolled(1, &k1, &[]), enrolled(2, &k2, &[])])
        .unwrap();
    let mut events: Vec<Event> = (0..40)
        .map(|n| {
            let mut e = event(1 + n % 2, n, rename(&format!("第{n}号")));
            sign(if n % 2 == 0 { &k1 } else { &k2 }, &mut e);
            e
        })
        .collect();
    assert!(t.verify_all(&all(&events)));
    assert!(events.iter().all(|e| t.check(e).is_ok()));

    // Tablet 2's signature on an event of tablet 1: the batch fails, the check names it.
    events[6].sig = events[7].sig.clone();
    assert!(!t.verify_all(&all(&events)));
    let failing: Vec<usize> = (0..events.len())
        .filter(|&i| t.check(&events[i]).is_err())
        .collect();
    assert_eq!(failing, vec![6]);
    events[6].sig = None;
    assert!(
        !t.verify_all(&all(&events)),
        "an unsigned event is not verified here"
    );

    // Signed by a tablet not enrolled here.
    let mut stranger = event(3, 99, rename("外来"));
    sign(&signing_key([3; 32]), &mut stranger);
    assert!(!t.verify_all(&[&events[0], &stranger]));
    assert!(matches!(
        t.check(&stranger),
        Err(Untrusted::UnknownTablet { .. })
    ));
}

fn all(events: &[Event]) -> Vec<&Event> {
    events.iter().collect()
}

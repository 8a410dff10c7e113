//! Staff, PINs and lockout (SOP §0 roles; a signature is the signer's own PIN).

use super::*;
use crate::domain::event::Event;
use crate::domain::hlc::Hlc;
use crate::domain::ids::Id;
use crate::domain::view::fold_all;
use crate::testkit::sid;

/// Few iterations keep the tests fast; the production count is checked on its own.
const FAST: u32 = 10;

fn pin(p: &str) -> PinHash {
    PinHash::new(p, [1; 16], FAST).unwrap()
}

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: sid(n),
        roles: roles.iter().copied().collect(),
    }
}

fn profile(name: &str, roles: &[Role]) -> Profile {
    Profile {
        name: name.into(),
        roles: roles.iter().copied().collect(),
        department: Some(Department::CustomerService),
        phone: "13800138000".into(),
    }
}

fn staff(roles: &[Role], active: bool) -> Staff {
    Staff {
        profile: profile("刘晓梅", roles),
        pin: Some(pin("1234")),
        active,
    }
}

/// Stamps drafts into events (one device, ascending HLC) and folds one record.
fn fold(id: StaffId, drafts: Vec<Draft>) -> Staff {
    let events: Vec<Event> = crate::testkit::stamp(drafts)
        .into_iter()
        .filter(|e| e.subject.id == id)
        .collect();
    fold_all::<Staff>(id, events).unwrap().state().unwrap()
}

fn denied_for_director(e: DomainError) {
    match &e {
        DomainError::Denied(d) => assert_eq!(d.needs, vec![Role::Director]),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(e.message().zh.contains("物业部主任"), "{}", e.message().zh);
    assert!(e.message().en.contains("Director"), "{}", e.message().en);
}

// --- First run --------------------------------------------------------------------------------

#[test]
fn first_run_founds_estate_and_director_only_while_no_estate_exists_sop_0() {
    let e = first_run(true, "翠湖花园", sid(1), "陈建国", pin("1234")).unwrap_err();
    assert!(e.message().zh.contains("已设置过小区"));

    let drafts = first_run(false, " 翠湖花园 ", sid(1), "陈建国", pin("1234")).unwrap();
    assert_eq!(drafts.len(), 3);
    assert_eq!(drafts[0].subject, estate::estate_ref());
    assert_eq!(
        drafts[0].body,
        EventBody::Estate(estate::EstateEvent::Founded {
            name: "翠湖花园".into()
        })
    );
    let director = fold(sid(1), drafts);
    assert!(director.active);
    assert_eq!(director.profile.roles, [Role::Director].into());
    assert!(director.pin.unwrap().verify("1234"));
}

#[test]
fn first_run_needs_estate_name_and_director_name() {
    assert!(first_run(false, "  ", sid(1), "陈建国", pin("1234")).is_err());
    let e = first_run(false, "翠湖花园", sid(1), "", pin("1234")).unwrap_err();
    assert!(e.message().zh.contains("姓名"));
}

// --- PIN hashing ------------------------------------------------------------------------------

#[test]
fn pin_hash_verifies_the_right_pin_and_refuses_wrong_ones() {
    let h = pin("482913");
    assert!(h.verify("482913"));
    assert!(!h.verify("482914"));
    assert!(!h.verify("48291"));
    assert!(!h.verify(""));
    assert_eq!(h.iterations, FAST);
}

#[test]
fn production_pin_hash_uses_the_stored_iteration_count() {
    // Issue 12: never below today's 60,000.
    assert_eq!(MIN_PIN_ITERATIONS, 60_000);
    const { assert!(PIN_ITERATIONS >= MIN_PIN_ITERATIONS) };
    let h = PinHash::new("2580", [9; 16], PIN_ITERATIONS).unwrap();
    assert_eq!(h.iterations, PIN_ITERATIONS);
    assert!(h.verify("2580"));
    // A hash made with another count does not verify as this one.
    let other = PinHash {
        iterations: FAST,
        ..h.clone()
    };
    assert!(!other.verify("2580"));
}

#[test]
fn pbkdf2_matches_the_published_sha256_test_vector() {
    // RFC 7914 §11: PBKDF2-HMAC-SHA256, P = "passwd", S = "salt", c = 1 (first 32 bytes). The
    // wasm test (tests/pin_webcrypto.rs) checks WebCrypto against the same bytes.
    assert_eq!(
        hex::encode(pbkdf2_sha256("passwd", b"salt", 1)),
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
    );
}

#[test]
fn a_hash_from_derived_bytes_is_the_same_as_one_made_in_rust() {
    // Issue 12: the app derives in WebCrypto and builds the hash from the bytes.
    let salt = [5; 16];
    let made = PinHash::new("2580", salt, FAST).unwrap();
    let from = PinHash::from_derived(salt, FAST, pbkdf2_sha256("2580", &salt, FAST));
    assert_eq!(made, from);
    let (s, n) = made.params().unwrap();
    assert_eq!((s.as_slice(), n), (&salt[..], FAST));
    assert!(made.matches(&pbkdf2_sha256("2580", &s, n)));
    assert!(!made.matches(&pbkdf2_sha256("2581", &s, n)));
    assert!(!made.matches(&[0; 31]), "a short key never matches");
    // Out-of-range counts from stored data are refused without deriving.
    for iterations in [0, MAX_PIN_ITERATIONS + 1] {
        let h = PinHash {
            iterations,
            ..made.clone()
        };
        assert!(h.params().is_none());
        assert!(!h.verify("2580"));
    }
}

#[test]
fn an_existing_pin_set_event_keeps_its_exact_json() {
    // Issue 12: PinSet events on tablets and in files are hashed as serialised: the stored
    // shape {salt, iterations, hash} must decode and re-serialise byte for byte.
    let json = r#"{"salt":"03030303030303030303030303030303","iterations":60000,"hash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}"#;
    let h: PinHash = serde_json::from_str(json).unwrap();
    assert_eq!(h.iterations, 60_000);
    assert_eq!(serde_json::to_string(&h).unwrap(), json);
}

#[test]
fn pin_is_never_stored_in_clear_in_the_serialized_event() {
    let digits = "739146";
    let drafts = set_pin(&actor(1, &[Role::Assistant]), sid(1), pin(digits)).unwrap();
    let at = Hlc {
        wall: 1,
        counter: 0,
        device: Id::derived("dev", 1),
    };
    let event = Event::new(Id::derived("ev", 1), at, Some(sid(1)), drafts[0].clone());
    let json = serde_json::to_string(&event).unwrap();
    assert!(!json.contains(digits), "{json}");

    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let mut values = Vec::new();
    strings(&serde_json::to_value(&event).unwrap(), &mut values);
    assert!(values.iter().all(|s| s != digits));
    // The PIN is the salted hash and nothing else.
    let stored = serde_json::to_value(&event.body).unwrap()["e"]["pin"].clone();
    let mut keys: Vec<&String> = stored.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["hash", "iterations", "salt"]);
}

#[test]
fn different_salt_gives_a_different_hash_for_the_same_pin() {
    let a = PinHash::new("1234", [1; 16], FAST).unwrap();
    let b = PinHash::new("1234", [2; 16], FAST).unwrap();
    assert_ne!(a.hash, b.hash);
    assert_ne!(a.salt, b.salt);
    assert!(a.verify("1234") && b.verify("1234"));
    // Same salt, same PIN: the same hash on every device.
    assert_eq!(a, PinHash::new("1234", [1; 16], FAST).unwrap());
}

#[test]
fn pin_must_be_four_to_eight_digits() {
    for bad in [
        "",
        "123",
        "123456789",
        "12a4",
        " 1234",
        "1234 ",
        "１２３４",
        "-123",
    ] {
        let e = PinHash::new(bad, [0; 16], FAST).unwrap_err();
        assert!(e.message().zh.contains("4至8位数字"), "{bad:?}");
        assert!(e.message().en.contains("4 to 8 digits"), "{bad:?}");
    }
    for good in ["1234", "0000", "12345678"] {
        assert!(PinHash::new(good, [0; 16], FAST).is_ok(), "{good:?}");
    }
}

#[test]
fn malformed_stored_hash_never_verifies() {
    let broken = PinHash {
        salt: "not hex".into(),
        iterations: FAST,
        hash: "zz".into(),
    };
    assert!(!broken.verify("1234"));
}

// --- Lockout (issue 12) -----------------------------------------------------------------------

fn at(ms: i64) -> Uptime {
    Uptime::new(1, ms)
}

#[test]
fn five_wrong_pins_lock_for_exactly_five_minutes() {
    let mut l = Lockout::default();
    let t0 = 1_000_000;
    for i in 1..LOCKOUT_FAILURES {
        l.fail(sid(1), at(t0 + i as i64));
        assert_eq!(l.locked(), None);
        assert_eq!(l.attempts_left(), LOCKOUT_FAILURES - i);
    }
    assert_eq!(l.attempts_left(), 1);
    let t5 = t0 + 100;
    l.fail(sid(1), at(t5));
    assert_eq!(LOCKOUT_MS, 5 * 60 * 1000);
    assert_eq!(l.locked(), Some(LOCKOUT_MS));
    l.advance(at(t5 + LOCKOUT_MS - 1));
    assert_eq!(l.locked(), Some(1));
    l.advance(at(t5 + LOCKOUT_MS));
    assert_eq!(l.locked(), None);
    assert!(!l.ticking());
}

#[test]
fn lockout_counting_restarts_after_a_lock() {
    let mut l = Lockout::default();
    for _ in 0..LOCKOUT_FAILURES {
        l.fail(sid(1), at(0));
    }
    assert!(l.locked().is_some());
    assert!(l.wrong.is_empty(), "the wrong PINs that locked are spent");
    let later = LOCKOUT_MS + 1;
    l.fail(sid(1), at(later));
    assert_eq!(l.wrong.len(), 1);
    assert_eq!(l.locked(), None);
    assert_eq!(l.attempts_left(), LOCKOUT_FAILURES - 1);
}

#[test]
fn successful_sign_in_forgets_that_persons_wrong_pins_only() {
    let mut l = Lockout::default();
    for _ in 0..LOCKOUT_FAILURES - 2 {
        l.fail(sid(1), at(0));
    }
    l.fail(sid(2), at(0));
    l.succeed(sid(1), false, at(0));
    assert_eq!(l.wrong, vec![sid(2)]);
    assert_eq!(l.attempts_left(), LOCKOUT_FAILURES - 1);
    l.succeed(sid(2), false, at(0));
    assert_eq!(l.attempts_left(), LOCKOUT_FAILURES);
}

#[test]
fn the_count_is_one_for_the_whole_tablet() {
    // Issue 12: five wrong PINs for five different people lock as five for one.
    let mut l = Lockout::default();
    for n in 1..=LOCKOUT_FAILURES as u64 {
        assert_eq!(l.locked(), None);
        l.fail(sid(n), at(0));
    }
    assert_eq!(l.locked(), Some(LOCKOUT_MS));
}

#[test]
fn the_ladder_is_5_min_15_min_1_h_then_4_h() {
    assert_eq!(
        LOCKOUT_LADDER_MS.map(|ms| ms / 60_000),
        [5, 15, 60, 240],
        "issue 12: 5 min, 15 min, 1 h …"
    );
    let mut l = Lockout::default();
    let mut t = 0;
    for min in [5, 15, 60, 240, 240, 240] {
        for _ in 0..LOCKOUT_FAILURES {
            l.fail(sid(2), at(t));
        }
        assert_eq!(l.locked(), Some(min * 60_000));
        t += min * 60_000;
        l.advance(at(t));
        assert_eq!(l.locked(), None);
        // A right PIN that is not a Director's keeps the rung.
        l.succeed(sid(2), false, at(t));
    }
    assert_eq!(l.locks, 6);
    // A Director's takes it back to the first.
    l.succeed(sid(1), true, at(t));
    assert_eq!(l.locks, 0);
    for _ in 0..LOCKOUT_FAILURES {
        l.fail(sid(2), at(t));
    }
    assert_eq!(l.locked(), Some(LOCKOUT_MS));
}

#[test]
fn only_the_running_apps_clock_serves_a_lock() {
    // Issue 12: no date is read. Another page load's clock (the app reopened, whatever the date
    // says by then) consumes nothing and becomes the base; so does an earlier reading.
    let mut l = Lockout::default();
    for _ in 0..LOCKOUT_FAILURES {
        l.fail(sid(1), at(1_000));
    }
    l.advance(at(61_000));
    assert_eq!(l.locked(), Some(LOCKOUT_MS - 60_000));
    l.advance(Uptime::new(2, 10));
    assert_eq!(l.locked(), Some(LOCKOUT_MS - 60_000));
    l.advance(Uptime::new(2, 5));
    assert_eq!(l.locked(), Some(LOCKOUT_MS - 60_000));
    l.advance(Uptime::new(2, 60_005));
    assert_eq!(l.locked(), Some(LOCKOUT_MS - 120_000));
    // It survives being stored (device meta) as the time left and the last reading.
    let back: Lockout = serde_json::from_value(serde_json::to_value(&l).unwrap()).unwrap();
    assert_eq!(back, l);
    // Unreadable or missing fields read as no lock and no count.
    let empty: Lockout = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(empty, Lockout::default());
}

// --- Managing staff (SOP §0: only the Director manages staff) --------------------------------

#[test]
fn only_a_director_creates_staff_sop_0() {
    let p = profile("王丽", &[Role::Assistant]);
    for roles in [
        &[Role::Supervisor][..],
        &[Role::Assistant],
        &[Role::Receptionist],
        &[Role::DepartmentLead],
        &[Role::DepartmentStaff],
        &[Role::Supervisor, Role::DepartmentLead],
    ] {
        denied_for_director(create(&actor(1, roles), sid(2), &p, pin("1234")).unwrap_err());
    }
    let drafts = create(&actor(1, &[Role::Director]), sid(2), &p, pin("1234")).unwrap();
    let s = fold(sid(2), drafts);
    assert!(s.active);
    assert_eq!(s.profile, p);
    assert!(s.pin.unwrap().verify("1234"));
}

#[test]
fn staff_need_a_name_and_at_least_one_role() {
    let d = actor(1, &[Role::Director]);
    let e = create(&d, sid(2), &profile("  ", &[Role::Assistant]), pin("1234")).unwrap_err();
    assert!(e.message().zh.contains("姓名"));
    let e = create(&d, sid(2), &profile("王丽", &[]), pin("1234")).unwrap_err();
    assert!(e.message().zh.contains("角色"));
    // Names and phones are trimmed.
    let mut p = profile(" 王丽 ", &[Role::Assistant]);
    p.phone = " 13800138000 ".into();
    let s = fold(sid(2), create(&d, sid(2), &p, pin("1234")).unwrap());
    assert_eq!(s.profile.name, "王丽");
    assert_eq!(s.profile.phone, "13800138000");
}

#[test]
fn only_a_director_updates_staff_and_an_unchanged_profile_writes_nothing_sop_0() {
    let current = staff(&[Role::Assistant], true);
    let mut changed = current.profile.clone();
    changed.roles.insert(Role::Receptionist);
    let e = update(
        &actor(1, &[Role::Supervisor]),
        sid(2),
        &current,
        &changed,
        1,
    )
    .unwrap_err();
    denied_for_director(e);

    let d = actor(1, &[Role::Director]);
    assert!(update(&d, sid(2), &current, &current.profile, 1)
        .unwrap()
        .is_empty());
    let drafts = update(&d, sid(2), &current, &changed, 1).unwrap();
    assert_eq!(
        drafts[0].body,
        EventBody::Staff(StaffEvent::Updated { profile: changed })
    );
}

#[test]
fn last_active_director_cannot_be_demoted() {
    let d = actor(1, &[Role::Director]);
    let current = staff(&[Role::Director], true);
    let demoted = profile("刘晓梅", &[Role::Supervisor]);
    let e = update(&d, sid(1), &current, &demoted, 1).unwrap_err();
    assert!(e.message().zh.contains("至少要保留一位"));
    // With a second Director in post, the demotion is allowed.
    assert_eq!(update(&d, sid(1), &current, &demoted, 2).unwrap().len(), 1);
    // Adding a role to the last Director is fine.
    let more = profile("刘晓梅", &[Role::Director, Role::Supervisor]);
    assert!(update(&d, sid(1), &current, &more, 1).is_ok());
}

#[test]
fn last_active_director_cannot_be_deactivated() {
    let d = actor(1, &[Role::Director]);
    let other_director = staff(&[Role::Director], true);
    let e = set_active(&d, sid(2), &other_director, false, 1).unwrap_err();
    assert!(e.message().en.contains("At least one active Director"));
    assert!(set_active(&d, sid(2), &other_director, false, 2).is_ok());
}

#[test]
fn nobody_deactivates_themselves() {
    let me = staff(&[Role::Director], true);
    let e = set_active(&actor(1, &[Role::Director]), sid(1), &me, false, 3).unwrap_err();
    assert!(e.message().zh.contains("不能停用自己"));
}

#[test]
fn deactivating_a_leaver_keeps_the_record_and_reactivation_restores_it() {
    let d = actor(1, &[Role::Director]);
    let assistant = staff(&[Role::Assistant], true);
    let e = set_active(&actor(3, &[Role::Supervisor]), sid(2), &assistant, false, 1).unwrap_err();
    denied_for_director(e);

    let mut drafts = create(&d, sid(2), &assistant.profile, pin("1234")).unwrap();
    drafts.extend(set_active(&d, sid(2), &assistant, false, 1).unwrap());
    let left = fold(sid(2), drafts.clone());
    assert!(!left.active);
    assert_eq!(left.profile, assistant.profile, "the record is kept");
    assert_eq!(left.index().status.as_deref(), Some("inactive"));
    // Asking for the state it is already in writes nothing.
    assert!(set_active(&d, sid(2), &left, false, 1).unwrap().is_empty());

    drafts.extend(set_active(&d, sid(2), &left, true, 1).unwrap());
    let back = fold(sid(2), drafts);
    assert!(back.active);
    assert_eq!(back.index().status.as_deref(), Some("active"));
}

#[test]
fn anyone_sets_their_own_pin_but_another_persons_needs_manage_staff() {
    let me = actor(5, &[Role::DepartmentStaff]);
    let drafts = set_pin(&me, sid(5), pin("5678")).unwrap();
    assert_eq!(drafts[0].subject.id, sid(5));
    denied_for_director(set_pin(&me, sid(6), pin("5678")).unwrap_err());
    denied_for_director(set_pin(&actor(1, &[Role::Supervisor]), sid(6), pin("5678")).unwrap_err());
    assert!(set_pin(&actor(1, &[Role::Director]), sid(6), pin("5678")).is_ok());
}

#[test]
fn a_new_pin_replaces_the_old_one_in_the_fold() {
    let d = actor(1, &[Role::Director]);
    let mut drafts = create(
        &d,
        sid(2),
        &profile("王丽", &[Role::Assistant]),
        pin("1234"),
    )
    .unwrap();
    drafts.extend(set_pin(&actor(2, &[Role::Assistant]), sid(2), pin("8642")).unwrap());
    let s = fold(sid(2), drafts);
    let p = s.pin.unwrap();
    assert!(p.verify("8642"));
    assert!(!p.verify("1234"));
}

#[test]
fn staff_are_found_by_name_and_phone_and_listed_with_role_labels() {
    let mut s = staff(&[Role::Assistant, Role::Receptionist], true);
    s.profile.name = "周婷".into();
    let ix = s.index();
    assert!(ix.search.contains(&"周婷".to_string()));
    assert!(ix.search.contains(&"13800138000".to_string()));
    assert_eq!(ix.title, "周婷");
    assert_eq!(ix.subtitle, "物业助理 · 前台接待员");
}

//! The application service over the memory store: stamping, folding, atomic commits, import
//! and sign-in.

use super::*;
use crate::domain::event::{EventBody, RecordKind};
use crate::domain::hlc::Hlc;
use crate::domain::ids::{Id, SeededEntropy};
use crate::domain::registry::{self, Building, RegistryEvent};
use crate::domain::roles::{Department, Role};
use crate::domain::staff::{self, Lockout, Profile, Uptime, LOCKOUT_MS};
use crate::store::memory::MemoryStore;
use crate::store::Filter;
use crate::testkit::{device, open, pin, sid};
use futures::executor::block_on;

const T0: i64 = 1_800_000_000_000;
const MIN: i64 = 60_000;

const DIRECTOR: u64 = 1;

/// First run on a fresh tablet: the estate and its Director (PIN 1234).
fn founded(dev: u64) -> App<MemoryStore> {
    let app = open(MemoryStore::new(), dev);
    let drafts = staff::first_run(false, "翠湖花园", sid(DIRECTOR), "陈建国", pin("1234")).unwrap();
    block_on(app.record(T0, None, drafts)).unwrap();
    app
}

/// The same tablet after a reload: same store and device, fresh entropy (the browser draws new
/// random ids after a reload).
fn reopen(app: App<MemoryStore>) -> App<MemoryStore> {
    let App { store, .. } = app;
    block_on(App::open(
        store,
        device(1),
        Box::new(SeededEntropy::new(100)),
    ))
    .unwrap()
}

fn director(app: &App<MemoryStore>) -> Actor {
    block_on(app.actor(sid(DIRECTOR))).unwrap()
}

/// The Director adds someone with PIN 2468.
fn hire(app: &App<MemoryStore>, n: u64, name: &str, roles: &[Role], now: i64) -> Actor {
    let profile = Profile {
        name: name.into(),
        roles: roles.iter().copied().collect(),
        department: Some(Department::CustomerService),
        phone: "13800138000".into(),
    };
    let drafts = staff::create(&director(app), sid(n), &profile, pin("2468")).unwrap();
    block_on(app.record(now, Some(sid(DIRECTOR)), drafts)).unwrap();
    block_on(app.actor(sid(n))).unwrap()
}

use crate::testkit::building_info as building;

fn set_building<S: Store>(
    app: &App<S>,
    by: &Actor,
    id: RecordId,
    floors: i32,
    now: i64,
) -> Vec<Event> {
    let drafts = registry::set_building(by, id, &building(floors)).unwrap();
    block_on(app.record(now, Some(by.id), drafts)).unwrap()
}

fn floors<S: Store>(app: &App<S>, id: RecordId) -> i32 {
    block_on(app.get::<Building>(id))
        .unwrap()
        .unwrap()
        .info
        .floors
}

fn events(app: &App<MemoryStore>) -> u64 {
    block_on(app.store.event_count()).unwrap()
}

fn b3() -> RecordId {
    Id::derived("building", 3)
}

// --- The event fold ---------------------------------------------------------------------------

#[test]
fn first_run_founds_the_estate_and_a_director_who_can_act_sop_0() {
    let app = founded(1);
    assert_eq!(block_on(app.estate()).unwrap().unwrap().name, "翠湖花园");
    assert_eq!(events(&app), 3);
    assert_eq!(block_on(app.active_directors()).unwrap(), 1);
    assert_eq!(director(&app).roles, [Role::Director].into());
    // The founding events carry no actor: nobody was signed in yet.
    let history = block_on(app.history(estate_ref())).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].actor, None);
}

#[test]
fn an_edit_is_a_new_event_and_history_keeps_both_with_actor_device_and_time_duty_4() {
    let app = founded(1);
    let desk = hire(&app, 2, "吴静", &[Role::Receptionist], T0 + MIN);
    let first = set_building(&app, &director(&app), b3(), 30, T0 + 2 * MIN);
    let second = set_building(&app, &desk, b3(), 32, T0 + 3 * MIN);
    assert_eq!(floors(&app, b3()), 32);

    let subject = RecordRef::new(RecordKind::Building, b3());
    let history = block_on(app.history(subject)).unwrap();
    assert_eq!(history.len(), 2, "nothing overwritten");
    assert_eq!(history[0], first[0]);
    assert_eq!(history[1], second[0]);
    assert_eq!(history[0].actor, Some(sid(DIRECTOR)));
    assert_eq!(history[1].actor, Some(sid(2)));
    assert!(history.iter().all(|e| e.device() == device(1)));
    assert_eq!(history[0].at.wall, T0 + 2 * MIN);
    assert_eq!(history[1].at.wall, T0 + 3 * MIN);
    match &history[0].body {
        EventBody::Registry(RegistryEvent::BuildingSet { info }) => assert_eq!(info.floors, 30),
        other => panic!("{other:?}"),
    }

    let view = block_on(app.view(subject)).unwrap().unwrap();
    assert_eq!(view.events, 2);
    assert_eq!(view.created, history[0].at);
    assert_eq!(view.last, history[1].at);
}

#[test]
fn events_fold_in_hlc_order_even_when_absorbed_out_of_order() {
    // Another tablet writes 30 floors, then corrects it to 32.
    let remote = founded(2);
    let d = director(&remote);
    let mut written = set_building(&remote, &d, b3(), 30, T0 + MIN);
    written.extend(set_building(&remote, &d, b3(), 32, T0 + 2 * MIN));
    let subject = RecordRef::new(RecordKind::Building, b3());

    // This tablet receives the correction first, then the original, in separate imports.
    let local = founded(1);
    assert_eq!(
        block_on(local.absorb(vec![written[1].clone()], T0)).unwrap(),
        1
    );
    assert_eq!(floors(&local, b3()), 32);
    assert_eq!(
        block_on(local.absorb(vec![written[0].clone()], T0)).unwrap(),
        1
    );
    assert_eq!(
        floors(&local, b3()),
        32,
        "the older edit does not win by arriving later"
    );
    let view = block_on(local.view(subject)).unwrap().unwrap();
    assert_eq!(view.events, 2);
    assert_eq!(view.created, written[0].at);
    assert_eq!(view.last, written[1].at);

    // Both in one import, newest first: same result.
    let other = founded(3);
    let reversed: Vec<Event> = written.iter().rev().cloned().collect();
    assert_eq!(block_on(other.absorb(reversed, T0)).unwrap(), 2);
    assert_eq!(block_on(other.view(subject)).unwrap().unwrap(), view);
}

#[test]
fn newer_events_absorbed_later_fold_onto_the_view_like_one_import() {
    // Issue 7: an import whose events are all newer than a record's view folds them onto it
    // without rereading the record; the view is the one a single import of everything gives.
    let remote = founded(2);
    let d = director(&remote);
    let mut written = set_building(&remote, &d, b3(), 30, T0 + MIN);
    written.extend(set_building(&remote, &d, b3(), 31, T0 + 2 * MIN));
    written.extend(set_building(&remote, &d, b3(), 32, T0 + 3 * MIN));
    let subject = RecordRef::new(RecordKind::Building, b3());

    let stepwise = founded(1);
    for e in &written {
        assert_eq!(block_on(stepwise.absorb(vec![e.clone()], T0)).unwrap(), 1);
    }
    let at_once = founded(3);
    assert_eq!(block_on(at_once.absorb(written.clone(), T0)).unwrap(), 3);
    let view = block_on(at_once.view(subject)).unwrap().unwrap();
    assert_eq!(block_on(stepwise.view(subject)).unwrap().unwrap(), view);
    assert_eq!(floors(&stepwise, b3()), 32);
    assert_eq!(view.events, 3);
}

#[test]
fn absorb_is_idempotent() {
    let remote = founded(2);
    let d = director(&remote);
    let mut written = set_building(&remote, &d, b3(), 30, T0 + MIN);
    written.extend(set_building(&remote, &d, b3(), 32, T0 + 2 * MIN));

    let local = founded(1);
    assert_eq!(block_on(local.absorb(written.clone(), T0)).unwrap(), 2);
    let before = events(&local);
    let view = block_on(local.view(RecordRef::new(RecordKind::Building, b3()))).unwrap();
    assert_eq!(block_on(local.absorb(written.clone(), T0)).unwrap(), 0);
    assert_eq!(events(&local), before);
    assert_eq!(
        block_on(local.view(RecordRef::new(RecordKind::Building, b3()))).unwrap(),
        view
    );
    assert_eq!(
        block_on(local.history(RecordRef::new(RecordKind::Building, b3()))).unwrap(),
        written
    );
}

#[test]
fn events_wrongly_taken_as_new_are_looked_up_and_folded_once() {
    // Issue 13: an import's groups are committed without looking their events up (the plan
    // found them absent). When one is stored after all (another tab imported the same file,
    // a duplicate across groups), nothing of the first write stays: the group is written again
    // looking them up, and the view counts each event once — as a plain absorb does.
    let remote = founded(2);
    let d = director(&remote);
    let mut written = set_building(&remote, &d, b3(), 30, T0 + MIN);
    written.extend(set_building(&remote, &d, b3(), 32, T0 + 2 * MIN));
    let subject = RecordRef::new(RecordKind::Building, b3());

    let plain = founded(1);
    assert_eq!(block_on(plain.absorb(written.clone(), T0)).unwrap(), 2);

    let local = founded(1);
    assert_eq!(
        block_on(local.absorb(vec![written[0].clone()], T0)).unwrap(),
        1
    );
    let took = block_on(local.absorb_new_with_photos(
        written.clone(),
        Vec::new(),
        T0,
        false,
        None,
        async || Ok(vec![]),
    ))
    .unwrap();
    assert_eq!(took, 1, "only the event not yet stored is new");
    assert_eq!(events(&local), events(&plain));
    let view = block_on(local.view(subject)).unwrap().unwrap();
    assert_eq!(view, block_on(plain.view(subject)).unwrap().unwrap());
    assert_eq!(view.events, 2);
    assert_eq!(floors(&local, b3()), 32);
    // Really new events go straight in.
    let fresh = set_building(&remote, &d, b3(), 33, T0 + 3 * MIN);
    assert_eq!(
        block_on(
            local.absorb_new_with_photos(fresh, Vec::new(), T0, false, None, async || Ok(vec![]))
        )
        .unwrap(),
        1
    );
    assert_eq!(floors(&local, b3()), 33);
}

/// Issue 13: a restore onto a blank tablet keeps its views in memory and does not ask the
/// store for records it never wrote. Another tab of the tablet that writes a record before the
/// restore reaches it is found when the kept view is written: that record is refolded from
/// every stored event, so neither the file's edit nor the other tab's is lost.
#[test]
fn a_record_another_tab_writes_before_a_restore_reaches_it_keeps_both_edits() {
    let remote = founded(2);
    let d = director(&remote);
    let b4 = Id::derived("building", 4);
    set_building(&remote, &d, b3(), 30, T0 + MIN);
    set_building(&remote, &d, b4, 32, T0 + 3 * MIN);
    let (late, early): (Vec<Event>, Vec<Event>) = block_on(remote.store.every_event())
        .unwrap()
        .into_iter()
        .partition(|e| e.subject.id == b4);

    let store = std::rc::Rc::new(MemoryStore::new());
    let tab = |seed| {
        block_on(App::open(
            store.clone(),
            device(3),
            Box::new(SeededEntropy::new(seed)),
        ))
        .unwrap()
    };
    let (restoring, other) = (tab(1), tab(2));
    restoring.begin_view_cache(true);
    let group = |events: Vec<Event>| {
        block_on(restoring.absorb_new_with_photos(
            events,
            Vec::new(),
            T0 + 10 * MIN,
            true,
            None,
            async || Ok(vec![]),
        ))
        .unwrap()
    };
    group(early);
    // Nobody signs in on a tablet whose staff views are not written yet: the Director as
    // the file names them.
    set_building(&other, &d, b4, 40, T0 + 5 * MIN);
    group(late);
    block_on(restoring.finish_deferred_views()).unwrap();

    let usual = open(MemoryStore::new(), 4);
    block_on(usual.absorb(store.all_events(), T0 + 10 * MIN)).unwrap();
    assert_eq!(store.views(), usual.store.views());
    let view = block_on(store.view(RecordRef::new(RecordKind::Building, b4)))
        .unwrap()
        .unwrap();
    assert_eq!(view.events, 2, "the file's edit and the other tab's");
    assert_eq!(
        floors(&restoring, b4),
        40,
        "the newer edit, the other tab's"
    );
}

#[test]
fn local_edits_after_an_import_sort_after_the_imported_events() {
    // The other tablet's clock runs an hour ahead.
    let remote = founded(2);
    let ahead = set_building(&remote, &director(&remote), b3(), 30, T0 + 60 * MIN);
    let local = founded(1);
    block_on(local.absorb(ahead.clone(), T0 + MIN)).unwrap();
    let mine = set_building(&local, &director(&local), b3(), 28, T0 + 2 * MIN);
    assert!(mine[0].at > ahead[0].at);
    assert_eq!(floors(&local, b3()), 28, "the later correction wins");
}

#[test]
fn stored_events_verify_and_a_tampered_event_fails_verify() {
    let app = founded(1);
    let written = set_building(&app, &director(&app), b3(), 30, T0 + MIN);
    let stored = app.store.all_events();
    assert_eq!(stored.len(), 4);
    assert!(stored.iter().all(Event::verify));
    assert!(written[0].verify());
    assert_eq!(written[0].hash.len(), 64);

    // Edits to the stored bytes (issue 12: the bytes are what was hashed; the decoded fields
    // are never re-serialised to verify).
    let json = written[0].to_json();
    let edit = |from: &str, to: &str| {
        assert!(json.contains(from), "{from} in {json}");
        Event::from_json(&json.replacen(from, to, 1)).unwrap()
    };
    let body = edit("\"floors\":30", "\"floors\":31");
    assert!(!body.verify(), "edited content");
    let actor = written[0].actor.unwrap().to_string();
    let who = edit(&actor, &sid(9).to_string());
    assert!(!who.verify(), "changed actor");
    let wall = format!("\"wall\":{}", written[0].at.wall);
    let when = edit(&wall, &format!("\"wall\":{}", written[0].at.wall - 1));
    assert!(!when.verify(), "back-dated");

    // Importing a changed copy of a stored event is refused and never replaces the original.
    let err = block_on(app.absorb(vec![body], T0 + 2 * MIN)).unwrap_err();
    assert!(
        err.message().en.contains("does not match its hash"),
        "{err:?}"
    );
    assert_eq!(floors(&app, b3()), 30);
    assert!(app.store.all_events().iter().all(Event::verify));
}

// --- Atomic commits ---------------------------------------------------------------------------

#[test]
fn a_batch_that_does_not_fit_stores_nothing_and_restores_the_clock() {
    let app = open(MemoryStore::with_capacity(5), 1);
    let drafts = staff::first_run(false, "翠湖花园", sid(DIRECTOR), "陈建国", pin("1234")).unwrap();
    let founding = block_on(app.record(T0, None, drafts)).unwrap();
    let clock_before = block_on(app.store.meta("hlc")).unwrap();
    assert_eq!(founding[2].at.counter, 2);

    // Three units into room for two: all refused.
    let mut ids = SeededEntropy::new(9);
    let drafts = registry::bulk_units(&director(&app), b3(), 1..=1, 3, &[], &mut ids).unwrap();
    let unit_ids: Vec<RecordId> = drafts.iter().map(|d| d.subject.id).collect();
    let err = block_on(app.record(T0, Some(sid(DIRECTOR)), drafts)).unwrap_err();
    assert_eq!(err, AppError::Store(StoreError::QuotaExceeded));
    assert!(err.message().zh.contains("存储空间已满"));
    assert_eq!(events(&app), 3);
    for id in unit_ids {
        assert_eq!(
            block_on(app.view(RecordRef::new(RecordKind::Unit, id))).unwrap(),
            None
        );
    }
    assert_eq!(
        block_on(app.store.count(&Query::all(RecordKind::Unit))).unwrap(),
        0
    );
    assert_eq!(block_on(app.store.meta("hlc")).unwrap(), clock_before);

    // The clock was put back: the next event follows the founding directly.
    let next = set_building(&app, &director(&app), b3(), 30, T0);
    assert_eq!(
        next[0].at,
        Hlc {
            wall: T0,
            counter: 3,
            device: device(1)
        }
    );
}

#[test]
fn a_refused_import_stores_nothing_either() {
    let remote = founded(2);
    let d = director(&remote);
    let mut written = set_building(&remote, &d, b3(), 30, T0 + MIN);
    written.extend(set_building(&remote, &d, b3(), 32, T0 + 2 * MIN));
    let local = open(MemoryStore::with_capacity(4), 1);
    let drafts = staff::first_run(false, "翠湖花园", sid(DIRECTOR), "陈建国", pin("1234")).unwrap();
    block_on(local.record(T0, None, drafts)).unwrap();
    let clock_before = block_on(local.store.meta("hlc")).unwrap();

    let err = block_on(local.absorb(written, T0 + 3 * MIN)).unwrap_err();
    assert_eq!(err, AppError::Store(StoreError::QuotaExceeded));
    assert_eq!(events(&local), 3);
    assert_eq!(
        block_on(local.view(RecordRef::new(RecordKind::Building, b3()))).unwrap(),
        None
    );
    assert_eq!(block_on(local.store.meta("hlc")).unwrap(), clock_before);
}

#[test]
fn the_clock_survives_reopening_the_app() {
    let app = founded(1);
    set_building(&app, &director(&app), b3(), 30, T0 + 10 * MIN);
    let reopened = reopen(app);
    // The tablet's wall clock is now behind: the HLC still moves forward.
    let next = set_building(&reopened, &director(&reopened), b3(), 31, T0);
    assert_eq!(next[0].at.wall, T0 + 10 * MIN);
    assert_eq!(next[0].at.counter, 1);
    assert_eq!(floors(&reopened, b3()), 31);
}

#[test]
fn a_refused_command_writes_nothing() {
    let app = founded(1);
    let assistant = hire(&app, 2, "王丽", &[Role::Assistant], T0 + MIN);
    let before = events(&app);
    let profile = Profile {
        name: "张伟".into(),
        roles: [Role::Director].into(),
        department: None,
        phone: String::new(),
    };
    let err: AppError = staff::create(&assistant, sid(3), &profile, pin("1111"))
        .map(|_| ())
        .unwrap_err()
        .into();
    assert!(err.message().zh.contains("无权管理员工"));
    assert_eq!(events(&app), before);
    assert_eq!(block_on(app.get::<Staff>(sid(3))).unwrap(), None);
    assert_eq!(block_on(app.active_directors()).unwrap(), 1);
    // Recording no drafts is a no-op too.
    assert!(
        block_on(app.record(T0 + 2 * MIN, Some(assistant.id), vec![]))
            .unwrap()
            .is_empty()
    );
    assert_eq!(events(&app), before);
}

// --- Sign-in and the tablet's lockout (issue 12; SOP §0: a PIN is the person's signature) ----

/// The running app's monotonic clock on one page load.
fn up(ms: i64) -> Uptime {
    Uptime::new(7, ms)
}

/// Five wrong PINs typed for `who` at `at` (the fifth locks the tablet).
fn five_wrong(app: &App<MemoryStore>, who: u64, at: Uptime) -> SignInError {
    for _ in 0..4 {
        block_on(app.sign_in(sid(who), "9999", at)).unwrap_err();
    }
    block_on(app.sign_in(sid(who), "9999", at)).unwrap_err()
}

#[test]
fn sign_in_with_the_right_pin_returns_the_persons_roles() {
    let app = founded(1);
    hire(&app, 2, "周婷", &[Role::Assistant, Role::Receptionist], T0);
    let a = block_on(app.sign_in(sid(2), "2468", up(MIN))).unwrap();
    assert_eq!(a.id, sid(2));
    assert_eq!(a.roles, [Role::Assistant, Role::Receptionist].into());
}

#[test]
fn wrong_pins_count_down_then_the_fifth_locks_even_the_right_pin_for_five_minutes() {
    let app = founded(1);
    let before = events(&app);
    let t = MIN;
    for left in (1..=4).rev() {
        let e = block_on(app.sign_in(sid(DIRECTOR), "9999", up(t))).unwrap_err();
        assert_eq!(
            e,
            SignInError::WrongPin {
                attempts_left: left
            }
        );
        assert!(e.message().zh.contains(&format!("还可再试{left}次")));
    }
    let e = block_on(app.sign_in(sid(DIRECTOR), "9999", up(t))).unwrap_err();
    assert_eq!(
        e,
        SignInError::Locked {
            ms_left: LOCKOUT_MS
        }
    );
    assert!(
        e.message().zh.contains("请5分钟后再试"),
        "{}",
        e.message().zh
    );
    assert!(e.message().en.contains("try again in 5 min"));

    let e = block_on(app.sign_in(sid(DIRECTOR), "1234", up(t + LOCKOUT_MS - 1))).unwrap_err();
    assert_eq!(e, SignInError::Locked { ms_left: 1 });
    // Failed sign-ins are device-local metadata, never events.
    assert_eq!(events(&app), before);

    // Five minutes later the right PIN works and the count starts afresh.
    assert!(block_on(app.sign_in(sid(DIRECTOR), "1234", up(t + LOCKOUT_MS))).is_ok());
    let e = block_on(app.sign_in(sid(DIRECTOR), "9999", up(t + LOCKOUT_MS))).unwrap_err();
    assert_eq!(e, SignInError::WrongPin { attempts_left: 4 });
}

#[test]
fn a_right_pin_resets_the_count_of_wrong_ones() {
    let app = founded(1);
    for _ in 0..4 {
        block_on(app.sign_in(sid(DIRECTOR), "0000", up(0))).unwrap_err();
    }
    block_on(app.sign_in(sid(DIRECTOR), "1234", up(0))).unwrap();
    let e = block_on(app.sign_in(sid(DIRECTOR), "0000", up(0))).unwrap_err();
    assert_eq!(e, SignInError::WrongPin { attempts_left: 4 });
}

#[test]
fn wrong_pins_count_across_all_accounts_and_lock_everyone_on_the_tablet() {
    // Issue 12: spreading guesses over several names gains nothing.
    let app = founded(1);
    hire(&app, 2, "吴静", &[Role::Receptionist], T0);
    hire(&app, 3, "张伟", &[Role::Assistant], T0);
    for (who, left) in [(2, 4), (3, 3), (DIRECTOR, 2), (2, 1)] {
        let e = block_on(app.sign_in(sid(who), "0000", up(0))).unwrap_err();
        assert_eq!(
            e,
            SignInError::WrongPin {
                attempts_left: left
            }
        );
    }
    let e = block_on(app.sign_in(sid(3), "0000", up(0))).unwrap_err();
    assert_eq!(
        e,
        SignInError::Locked {
            ms_left: LOCKOUT_MS
        }
    );
    assert!(e.message().zh.contains("本机"), "{}", e.message().zh);
    // Nobody signs in on this tablet meanwhile, the Director included.
    for (who, pin) in [(DIRECTOR, "1234"), (2, "2468"), (3, "2468")] {
        assert!(matches!(
            block_on(app.sign_in(sid(who), pin, up(MIN))),
            Err(SignInError::Locked { .. })
        ));
    }
    assert!(block_on(app.sign_in(sid(2), "2468", up(LOCKOUT_MS))).is_ok());
}

#[test]
fn a_colleagues_right_pin_does_not_wipe_the_wrong_pins_typed_for_someone_else() {
    // Issue 12: a colleague guessing the Director's PIN cannot sign in as themselves between
    // tries to reset the count; their own typos are forgiven when they get in.
    let app = founded(1);
    hire(&app, 2, "吴静", &[Role::Receptionist], T0);
    for _ in 0..3 {
        block_on(app.sign_in(sid(DIRECTOR), "0000", up(0))).unwrap_err();
    }
    block_on(app.sign_in(sid(2), "0000", up(0))).unwrap_err();
    block_on(app.sign_in(sid(2), "2468", up(0))).unwrap();
    let e = block_on(app.sign_in(sid(DIRECTOR), "0000", up(0))).unwrap_err();
    assert_eq!(e, SignInError::WrongPin { attempts_left: 1 });
    assert!(matches!(
        block_on(app.sign_in(sid(DIRECTOR), "0000", up(0))),
        Err(SignInError::Locked { .. })
    ));
}

#[test]
fn locks_escalate_five_minutes_fifteen_minutes_one_hour_four_hours() {
    // Issue 12: the ladder, measured on the running app's clock.
    let app = founded(1);
    hire(&app, 2, "吴静", &[Role::Receptionist], T0);
    let mut t = 0;
    for (min, text) in [
        (5, "请5分钟后再试"),
        (15, "请15分钟后再试"),
        (60, "请1小时后再试"),
        (240, "请4小时后再试"),
        (240, "请4小时后再试"),
    ] {
        let e = five_wrong(&app, 2, up(t));
        assert_eq!(e, SignInError::Locked { ms_left: min * MIN });
        assert!(e.message().zh.contains(text), "{}", e.message().zh);
        assert!(matches!(
            block_on(app.sign_in(sid(2), "2468", up(t + min * MIN - 1))),
            Err(SignInError::Locked { ms_left: 1 })
        ));
        t += min * MIN;
        // A right PIN of a non-Director does not take the ladder back.
        block_on(app.sign_in(sid(2), "2468", up(t))).unwrap();
    }
    let e = SignInError::Locked {
        ms_left: 65 * MIN - 30_000,
    };
    assert!(e.message().zh.contains("请1小时5分钟后再试"));
    assert!(e.message().en.contains("try again in 1 h 5 min"));
}

#[test]
fn a_directors_right_pin_takes_the_ladder_back_to_five_minutes() {
    let app = founded(1);
    let mut t = 0;
    for min in [5, 15] {
        assert_eq!(
            five_wrong(&app, DIRECTOR, up(t)),
            SignInError::Locked { ms_left: min * MIN }
        );
        t += min * MIN;
    }
    block_on(app.sign_in(sid(DIRECTOR), "1234", up(t))).unwrap();
    assert_eq!(
        five_wrong(&app, DIRECTOR, up(t)),
        SignInError::Locked {
            ms_left: LOCKOUT_MS
        }
    );
}

#[test]
fn moving_the_tablets_date_forward_or_back_neither_shortens_nor_ends_a_lock() {
    // Issue 12: the lock is served on the running app's monotonic clock; the date is not an
    // input at all. A day "passing" on the wall clock with one minute of uptime leaves four.
    let app = founded(1);
    five_wrong(&app, DIRECTOR, up(10 * MIN));
    assert_eq!(
        block_on(app.sign_in(sid(DIRECTOR), "1234", up(11 * MIN))).unwrap_err(),
        SignInError::Locked { ms_left: 4 * MIN }
    );
    // A reload (another page, its clock starting at 0, whatever the date now says) counts
    // none of the time in between, and serves the rest from there.
    let reloaded = |ms| Uptime::new(8, ms);
    assert_eq!(
        block_on(app.sign_in(sid(DIRECTOR), "1234", reloaded(0))).unwrap_err(),
        SignInError::Locked { ms_left: 4 * MIN }
    );
    assert_eq!(
        block_on(app.lockout_tick(reloaded(MIN))).unwrap(),
        Some(3 * MIN)
    );
    // A reading earlier than the last one on the same page consumes nothing.
    assert_eq!(
        block_on(app.lockout_tick(reloaded(0))).unwrap(),
        Some(3 * MIN)
    );
    assert_eq!(
        block_on(app.sign_in(sid(DIRECTOR), "1234", reloaded(3 * MIN - 1))).unwrap_err(),
        SignInError::Locked { ms_left: 1 }
    );
    assert!(block_on(app.sign_in(sid(DIRECTOR), "1234", reloaded(3 * MIN))).is_ok());
}

#[test]
fn the_lockout_is_device_metadata_under_one_key() {
    let app = founded(1);
    five_wrong(&app, DIRECTOR, up(0));
    let stored: Lockout =
        serde_json::from_value(block_on(app.store.meta("lockout")).unwrap().unwrap()).unwrap();
    assert_eq!(stored.locked(), Some(LOCKOUT_MS));
    assert_eq!(stored.locks, 1);
    // Nothing to serve: the tick neither reads a lock nor writes.
    let app = founded(2);
    assert_eq!(block_on(app.lockout_tick(up(0))).unwrap(), None);
    assert!(block_on(app.store.meta("lockout")).unwrap().is_none());
}

#[test]
fn a_deactivated_or_unknown_person_cannot_sign_in_or_act() {
    let app = founded(1);
    hire(&app, 2, "张伟", &[Role::Assistant], T0);
    let leaver = block_on(app.get::<Staff>(sid(2))).unwrap().unwrap();
    let drafts = staff::set_active(&director(&app), sid(2), &leaver, false, 1).unwrap();
    block_on(app.record(T0 + MIN, Some(sid(DIRECTOR)), drafts)).unwrap();

    let e = block_on(app.sign_in(sid(2), "2468", up(2 * MIN))).unwrap_err();
    assert_eq!(e, SignInError::Inactive);
    assert!(e.message().zh.contains("已停用"));
    assert!(block_on(app.actor(sid(2))).is_err());
    assert_eq!(
        block_on(app.sign_in(sid(99), "2468", up(0))).unwrap_err(),
        SignInError::Inactive
    );
    // The leaver's record is kept, listed as inactive.
    let inactive = block_on(app.query(&Query::new(
        RecordKind::Staff,
        Filter::Status("inactive".into()),
    )))
    .unwrap();
    assert_eq!(inactive.len(), 1);
    assert_eq!(inactive[0].title, "张伟");
    assert_eq!(inactive[0].events, 3);
}

/// Writes that overlap, as in the browser where every IndexedDB call yields (a double tap, an
/// edit during an import): each must still be counted, folded and stamped in order.
mod overlapping_writes {
    use super::*;
    use crate::domain::view::fold_all_kind;
    use crate::store::{Batch, Query};
    use crate::testkit::y;
    use std::cell::Cell;

    /// Like IndexedDB: every call is a separate transaction that yields to the event loop.
    pub struct Slow(pub MemoryStore, pub Cell<bool>);
    impl Store for Slow {
        async fn commit(&self, b: Batch) -> Result<(), StoreError> {
            y().await;
            if self.1.replace(false) {
                return Err(StoreError::QuotaExceeded);
            }
            self.0.commit(b).await
        }
        async fn finish_deferred_views(&self) -> Result<(), StoreError> {
            y().await;
            self.0.finish_deferred_views().await
        }
        async fn view(&self, s: RecordRef) -> Result<Option<View>, StoreError> {
            y().await;
            self.0.view(s).await
        }
        async fn query(&self, q: &Query) -> Result<Vec<View>, StoreError> {
            y().await;
            self.0.query(q).await
        }
        async fn count(&self, q: &Query) -> Result<u32, StoreError> {
            self.0.count(q).await
        }
        async fn assigned(&self, s: StaffId) -> Result<Vec<View>, StoreError> {
            self.0.assigned(s).await
        }
        async fn events_for(&self, s: RecordRef) -> Result<Vec<Event>, StoreError> {
            y().await;
            self.0.events_for(s).await
        }
        async fn has_event(&self, e: &Event) -> Result<bool, StoreError> {
            y().await;
            self.0.has_event(e).await
        }
        async fn events_of_kind(
            &self,
            k: crate::domain::event::RecordKind,
        ) -> Result<Vec<Event>, StoreError> {
            y().await;
            self.0.events_of_kind(k).await
        }
        async fn event_count(&self) -> Result<u64, StoreError> {
            self.0.event_count().await
        }
        async fn every_event(&self) -> Result<Vec<Event>, StoreError> {
            y().await;
            self.0.every_event().await
        }
        async fn meta(&self, k: &str) -> Result<Option<serde_json::Value>, StoreError> {
            y().await;
            self.0.meta(k).await
        }
    }

    fn slow_founded() -> App<Slow> {
        let app = block_on(App::open(
            Slow(MemoryStore::new(), Cell::new(false)),
            device(1),
            Box::new(SeededEntropy::new(1)),
        ))
        .unwrap();
        let drafts =
            staff::first_run(false, "翠湖花园", sid(DIRECTOR), "陈建国", pin("1234")).unwrap();
        block_on(app.record(T0, None, drafts)).unwrap();
        app
    }

    #[test]
    fn two_overlapping_edits_of_one_record_both_reach_its_view() {
        let app = slow_founded();
        let d = block_on(app.actor(sid(DIRECTOR))).unwrap();
        let bid = Id::derived("b", 1);
        let d1 = registry::set_building(&d, bid, &building(10)).unwrap();
        block_on(app.record(T0 + 1, Some(d.id), d1)).unwrap();
        let a = registry::set_building(&d, bid, &building(11)).unwrap();
        let b = registry::set_building(&d, bid, &building(12)).unwrap();
        let (ra, rb) = block_on(futures::future::join(
            app.record(T0 + 2, Some(d.id), a),
            app.record(T0 + 3, Some(d.id), b),
        ));
        ra.unwrap();
        rb.unwrap();
        let subject = RecordRef::new(RecordKind::Building, bid);
        let stored = block_on(app.view(subject)).unwrap().unwrap();
        let evs = block_on(app.store.events_for(subject)).unwrap();
        let refold = fold_all_kind(subject, evs.clone()).unwrap();
        assert_eq!(evs.len(), 3);
        assert_eq!(stored, refold, "stored view diverges from a full refold");
    }

    #[test]
    fn parallel_wrong_pins_are_each_counted() {
        let app = slow_founded();
        let futs: Vec<_> = (0..10)
            .map(|_| app.sign_in(sid(DIRECTOR), "0000", up(10)))
            .collect();
        let res = block_on(futures::future::join_all(futs));
        assert!(res.iter().all(|r| r.is_err()));
        let r = block_on(app.sign_in(sid(DIRECTOR), "1234", up(11)));
        assert!(r.is_err(), "10 parallel wrong PINs did not lock: {r:?}");
    }

    #[test]
    fn a_failed_write_never_rewinds_the_clock_past_one_that_succeeded() {
        let app = slow_founded();
        let d = block_on(app.actor(sid(DIRECTOR))).unwrap();
        let a = registry::set_building(&d, Id::derived("b", 2), &building(3)).unwrap();
        let b = registry::set_building(&d, Id::derived("b", 3), &building(3)).unwrap();
        app.store.1.set(true); // the first commit to arrive fails
        let (ra, rb) = block_on(futures::future::join(
            app.record(T0 + 5, Some(d.id), a),
            app.record(T0 + 5, Some(d.id), b),
        ));
        assert!(ra.is_err());
        app.store.1.set(false);
        let c = registry::set_building(&d, Id::derived("b", 4), &building(3)).unwrap();
        let ec = block_on(app.record(T0 + 5, Some(d.id), c)).unwrap();
        let eb = rb.unwrap();
        assert!(ec[0].at > eb[0].at, "HLC went backwards");
    }
}

#[test]
fn a_database_keeps_the_device_id_chosen_on_its_first_open() {
    let store = MemoryStore::new();
    let first = block_on(crate::app::device_id(&store, Id::derived("device", 7))).unwrap();
    assert_eq!(first, Id::derived("device", 7));
    // A later open offers another fresh id: the stored one wins (HLCs stay one device's).
    let again = block_on(crate::app::device_id(&store, Id::derived("device", 8))).unwrap();
    assert_eq!(again, first);
}

/// Issue 12: a Director signing in enrols the tablet (a joining tablet needs no extra step);
/// anyone else does not, and a tablet holding a very large history is left to the button.
#[test]
fn a_directors_sign_in_enrols_the_tablet_once() {
    let app = founded(1);
    assert!(!app.enrolled());
    let d = director(&app);
    let receptionist = crate::domain::command::Actor {
        id: sid(5),
        roles: [crate::domain::roles::Role::Receptionist].into(),
    };
    assert!(!block_on(app.auto_enroll(&receptionist, T0 + MIN)).unwrap());
    assert!(block_on(app.auto_enroll(&d, T0 + MIN)).unwrap());
    assert!(app.enrolled());
    assert!(!block_on(app.auto_enroll(&d, T0 + 2 * MIN)).unwrap());
    // From now on every event is signed; the first-run events are attested.
    let written = set_building(&app, &d, b3(), 30, T0 + 3 * MIN);
    assert!(written.iter().all(|e| e.sig.is_some()));
    let key = app.public_key();
    assert!(written
        .iter()
        .all(|e| crate::domain::device::signature_ok(&key, e)));
    // The tablet stays enrolled when reopened on the same store.
    let reopened = reopen(app);
    assert!(reopened.enrolled());
    assert_eq!(reopened.public_key(), key, "the key is kept");
}

//! Native tests of emergencies, citing EMG-1..3.

use super::*;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::Callback;
use crate::domain::duty::log::{chain_id, log_id, verify, DutyChain, DutyLog, EntryKind};
use crate::domain::duty::Post;
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::ids::Id;
use crate::domain::roles::Role;
use crate::domain::view::Aggregate;
use crate::testkit::{device, fold, sid};
use chrono::{NaiveDate, NaiveTime};

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: sid(n),
        roles: roles.iter().copied().collect(),
    }
}

#[test]
fn emg_1_2_every_kind_has_a_playbook_with_the_seed_warnings() {
    for k in IncidentKind::ALL {
        assert!(playbook(k).len() >= 3, "{k:?}");
        if k.is_assembly() {
            assert!(
                playbook(k).iter().any(|s| s.zh.contains("集合")),
                "{k:?} assembles (EMG-1)"
            );
        }
    }
    let gas = playbook(IncidentKind::GasLeak);
    assert!(gas
        .iter()
        .any(|s| s.warning && s.zh.contains("电话") && s.zh.contains("电源")));
    let lift = playbook(IncidentKind::Elevator);
    assert!(lift.iter().any(|s| s.warning && s.zh.contains("强行撬开")));
    assert_eq!(IncidentKind::ALL.len(), 13);
}

#[test]
fn emg_3_gas_leak_run_to_closure_timeline_in_the_duty_log_and_callback_for_the_supervisor() {
    let cal = BusinessCalendar::default();
    let a = actor(2, &[Role::Assistant]);
    let sup = sid(1);
    let id = Id::derived("incident", 1);
    let iref = RecordRef::new(RecordKind::Incident, id);
    let cref = RecordRef::new(RecordKind::DutyChain, chain_id(device(1)));
    // 20:00 on a working day: Monday's duty.
    let date = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let t0 = cal.at(date, NaiveTime::from_hms_opt(20, 0, 0).unwrap());
    let h0 = DutyChain {
        chain: device(1),
        ..Default::default()
    };
    let mut drafts = start(&a, id, IncidentKind::GasLeak, "5栋2单元", &h0, &cal, t0).unwrap();
    let inc: Incident = fold(&drafts, iref);
    // Open: on the handler's to-do with a running clock (and so in every handover's open items).
    assert_eq!(inc.index().assignee, Some(a.id));
    assert_eq!(inc.index().status.as_deref(), Some("open"));
    for (i, step_no) in [1u32, 0, 2].into_iter().enumerate() {
        let inc: Incident = fold(&drafts, iref);
        let h: DutyChain = fold(&drafts, cref);
        drafts.extend(
            step(
                &a,
                id,
                &inc,
                step_no,
                &h,
                &cal,
                t0 + (i as i64 + 1) * 60_000,
            )
            .unwrap(),
        );
    }
    let inc: Incident = fold(&drafts, iref);
    let h: DutyChain = fold(&drafts, cref);
    assert!(
        step(&a, id, &inc, 1, &h, &cal, t0).is_err(),
        "each step once"
    );
    assert!(step(&a, id, &inc, 99, &h, &cal, t0).is_err());
    drafts.extend(note(&a, id, &inc, "燃气公司到场", &h, &cal, t0 + 600_000).unwrap());
    let inc: Incident = fold(&drafts, iref);
    assert_eq!(inc.timeline.len(), 5);
    assert_eq!(inc.timeline[1].step, Some(1));
    assert!(inc.timeline[1].text.contains("严禁"));
    assert_eq!(inc.timeline[1].at, t0 + 60_000);

    let h: DutyChain = fold(&drafts, cref);
    let hh = [
        (Id::derived("household", 1), "3号楼 501 王芳".to_string()),
        (Id::derived("household", 2), "3号楼 502 李强".to_string()),
    ];
    assert!(
        close(&a, id, &inc, "", "x", &hh, sup, &h, &cal, t0).is_err(),
        "cause required"
    );
    assert!(close(
        &actor(9, &[Role::Receptionist]),
        id,
        &inc,
        "c",
        "p",
        &hh,
        sup,
        &h,
        &cal,
        t0
    )
    .is_err());
    drafts.extend(
        close(
            &a,
            id,
            &inc,
            "灶具软管老化",
            "提醒住户定期更换软管",
            &hh,
            sup,
            &h,
            &cal,
            t0 + 3_600_000,
        )
        .unwrap(),
    );
    let inc: Incident = fold(&drafts, iref);
    let ix = inc.index();
    assert_eq!(ix.status.as_deref(), Some("closed"));
    assert_eq!(
        ix.clock, None,
        "the follow-up is the callbacks', not the incident's"
    );
    assert_eq!(inc.closed.as_ref().unwrap().households.len(), 2);
    // EMG-3 → CB-1: one 突发事件回访 per household, in the supervisor's callback queue.
    let callbacks: Vec<Callback> = drafts
        .iter()
        .filter(|d| d.subject.kind == RecordKind::Callback)
        .map(|d| fold(&drafts, d.subject))
        .collect();
    assert_eq!(callbacks.len(), 2);
    for cb in &callbacks {
        let ix = cb.index();
        assert_eq!(ix.assignee, Some(sup));
        let spec = cb.spec.as_ref().unwrap();
        assert_eq!(spec.kind, CallbackKind::Emergency);
        assert_eq!(spec.source, Some(iref));
        assert!(spec.place.starts_with("3号楼"));
        assert!(ix.clock.is_some_and(|c| c.started == t0 + 3_600_000));
    }
    assert!(step(&a, id, &inc, 3, &h, &cal, t0).is_err(), "closed");

    // The whole timeline is in Monday's duty log, chained.
    let log: DutyLog = fold(
        &drafts,
        RecordRef::new(RecordKind::DutyLog, log_id(Post::ServiceCentre, date)),
    );
    assert_eq!(log.entries.len(), 6);
    assert!(log
        .entries
        .iter()
        .all(|l| l.entry.kind == EntryKind::Emergency && l.entry.incident == Some(id)));
    assert!(log.entries[5].entry.text.contains("灶具软管老化"));
    let es: Vec<_> = log.entries.iter().map(|l| l.entry.clone()).collect();
    assert!(verify(&es, &[]).ok());
}

#[test]
fn emg_3_closing_without_affected_households_needs_no_callback() {
    let cal = BusinessCalendar::default();
    let a = actor(2, &[Role::Assistant]);
    let id = Id::derived("incident", 2);
    let h0 = DutyChain {
        chain: device(1),
        ..Default::default()
    };
    let mut drafts = start(&a, id, IncidentKind::Drill, "", &h0, &cal, 1_000).unwrap();
    let inc: Incident = fold(&drafts, RecordRef::new(RecordKind::Incident, id));
    let h: DutyChain = fold(
        &drafts,
        RecordRef::new(RecordKind::DutyChain, chain_id(device(1))),
    );
    drafts.extend(
        close(
            &a,
            id,
            &inc,
            "演练",
            "每季度演练",
            &[],
            sid(1),
            &h,
            &cal,
            2_000,
        )
        .unwrap(),
    );
    let inc: Incident = fold(&drafts, RecordRef::new(RecordKind::Incident, id));
    assert_eq!(inc.index().status.as_deref(), Some("closed"));
    assert_eq!(inc.index().assignee, None);
}

#[test]
fn emg_2_anyone_may_start_a_playbook() {
    let cal = BusinessCalendar::default();
    let h0 = DutyChain {
        chain: device(1),
        ..Default::default()
    };
    let staff = actor(7, &[Role::DepartmentStaff]);
    assert!(start(
        &staff,
        Id::derived("i", 3),
        IncidentKind::Elevator,
        "3栋",
        &h0,
        &cal,
        1
    )
    .is_ok());
}

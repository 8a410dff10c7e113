//! The estate registry (SOP §0 "Places" and "People served").

use super::*;
use crate::domain::ids::{Id, SeededEntropy};
use crate::domain::roles::Role;
use crate::domain::view::fold_all;

fn actor(roles: &[Role]) -> Actor {
    Actor {
        id: Id::derived("staff", 1),
        roles: roles.iter().copied().collect(),
    }
}

fn desk() -> Actor {
    actor(&[Role::Receptionist])
}

fn rid(n: u64) -> RecordId {
    Id::derived("record", n)
}

/// Stamps drafts in order and folds one record.
fn fold<A: Aggregate>(id: RecordId, drafts: Vec<Draft>) -> crate::domain::view::View {
    fold_all::<A>(id, crate::testkit::stamp(drafts)).unwrap()
}

fn unit_info(d: &Draft) -> &UnitInfo {
    match &d.body {
        EventBody::Registry(RegistryEvent::UnitSet { info }) => info,
        other => panic!("not a unit: {other:?}"),
    }
}

fn household(people: &[(&str, &str)]) -> HouseholdInfo {
    HouseholdInfo {
        unit: rid(1),
        tenure: Tenure::Owner,
        people: people
            .iter()
            .map(|(n, p)| Person {
                name: (*n).into(),
                phone: (*p).into(),
            })
            .collect(),
        move_in: NaiveDate::from_ymd_opt(2022, 5, 1),
        note: String::new(),
    }
}

// --- Buildings and units ----------------------------------------------------------------------

#[test]
fn bulk_units_building_3_floors_1_to_30_four_per_floor_makes_120_units_101_to_3004() {
    let b3 = rid(3);
    let mut ids = SeededEntropy::new(1);
    let drafts = bulk_units(&desk(), b3, 1..=30, 4, &[], &mut ids).unwrap();
    assert_eq!(drafts.len(), 120);
    let numbers: Vec<&str> = drafts
        .iter()
        .map(|d| unit_info(d).number.as_str())
        .collect();
    assert_eq!(numbers.first(), Some(&"101"));
    assert_eq!(&numbers[..5], ["101", "102", "103", "104", "201"]);
    assert_eq!(numbers.last(), Some(&"3004"));
    assert!(numbers.contains(&"1203"));
    let unique: std::collections::BTreeSet<_> = numbers.iter().collect();
    assert_eq!(unique.len(), 120);
    let ids: std::collections::BTreeSet<_> = drafts.iter().map(|d| d.subject.id).collect();
    assert_eq!(ids.len(), 120, "every unit gets its own id");
    for d in &drafts {
        let u = unit_info(d);
        assert_eq!(d.subject.kind, RecordKind::Unit);
        assert_eq!(u.building, b3);
        assert_eq!(u.usage, UnitUse::Residence);
        assert_eq!(
            u.number,
            unit_number(u.floor, u.number[u.number.len() - 2..].parse().unwrap())
        );
    }
}

#[test]
fn bulk_units_run_again_creates_nothing_and_fills_only_the_gaps() {
    let mut ids = SeededEntropy::new(1);
    let first = bulk_units(&desk(), rid(3), 1..=30, 4, &[], &mut ids).unwrap();
    let existing: Vec<String> = first.iter().map(|d| unit_info(d).number.clone()).collect();
    let again = bulk_units(&desk(), rid(3), 1..=30, 4, &existing, &mut ids).unwrap();
    assert!(again.is_empty());

    let some: Vec<String> = existing.iter().filter(|n| *n != "1502").cloned().collect();
    let gap = bulk_units(&desk(), rid(3), 1..=30, 4, &some, &mut ids).unwrap();
    assert_eq!(gap.len(), 1);
    assert_eq!(unit_info(&gap[0]).number, "1502");
    assert_eq!(unit_info(&gap[0]).floor, 15);
}

#[test]
fn bulk_units_refuses_impossible_ranges_with_a_message() {
    let mut ids = SeededEntropy::new(1);
    #[allow(clippy::reversed_empty_ranges)]
    let cases = [
        (0..=5, 4),
        (5..=3, 4),
        (1..=201, 4),
        (-1..=3, 2),
        (1..=30, 0),
        (1..=30, 41),
    ];
    for (floors, per) in cases {
        let e = bulk_units(&desk(), rid(3), floors.clone(), per, &[], &mut ids).unwrap_err();
        assert!(
            e.message().zh.contains("楼层范围须在1–200之间"),
            "{floors:?} × {per}"
        );
        assert!(e.message().en.contains("Floors must be within 1–200"));
    }
    assert_eq!(
        bulk_units(&desk(), rid(3), 200..=200, 40, &[], &mut ids)
            .unwrap()
            .len(),
        40
    );
}

#[test]
fn unit_numbers_are_floor_then_two_digit_position() {
    assert_eq!(unit_number(3, 4), "304");
    assert_eq!(unit_number(12, 1), "1201");
    assert_eq!(unit_number(30, 12), "3012");
}

#[test]
fn building_needs_a_name_and_sensible_floors() {
    let ok = BuildingInfo {
        name: " 3号楼 ".into(),
        floors: 30,
        basements: 2,
        note: String::new(),
    };
    let drafts = set_building(&desk(), rid(3), &ok).unwrap();
    let v = fold::<Building>(rid(3), drafts);
    assert_eq!(v.title, "3号楼");
    assert_eq!(v.subtitle, "30F");

    let e = set_building(
        &desk(),
        rid(3),
        &BuildingInfo {
            name: "".into(),
            ..ok.clone()
        },
    )
    .unwrap_err();
    assert!(e.message().zh.contains("楼栋名称"));
    for (floors, basements) in [(0, 0), (201, 0), (30, 11), (30, -1)] {
        let bad = BuildingInfo {
            floors,
            basements,
            ..ok.clone()
        };
        assert!(
            set_building(&desk(), rid(3), &bad).is_err(),
            "{floors}/{basements}"
        );
    }
}

#[test]
fn shop_is_a_unit_used_as_shop_found_by_its_name() {
    let info = UnitInfo {
        building: rid(3),
        floor: 1,
        number: "105".into(),
        usage: UnitUse::Shop,
        name: "菜鸟驿站".into(),
        area_m2: Some(60),
    };
    let v = fold::<Unit>(rid(9), set_unit(&desk(), rid(9), &info).unwrap());
    assert_eq!(v.status.as_deref(), Some("shop"));
    assert!(v.search.contains(&"unit|105".to_string()));
    assert!(v.search.contains(&"unit|菜鸟驿站".to_string()));
    let e = set_unit(
        &desk(),
        rid(9),
        &UnitInfo {
            number: " ".into(),
            ..info
        },
    )
    .unwrap_err();
    assert!(e.message().zh.contains("房号"));
}

// --- Households -------------------------------------------------------------------------------

#[test]
fn household_needs_a_residents_name() {
    for people in [&[][..], &[("", "13800138000")], &[("  ", "")]] {
        let e = set_household(&desk(), rid(2), &household(people)).unwrap_err();
        assert!(e.message().zh.contains("请填写住户姓名"), "{people:?}");
    }
}

#[test]
fn household_phone_numbers_must_be_valid_and_the_message_quotes_the_bad_one() {
    let e = set_household(&desk(), rid(2), &household(&[("张伟", "138-abc")])).unwrap_err();
    assert!(
        e.message().zh.contains("电话号码格式不正确：138-abc"),
        "{}",
        e.message().zh
    );
    for bad in [
        "1234",
        "12345678901234567890123",
        "86+13800138000",
        "138 0013 800a",
    ] {
        assert!(!valid_phone(bad), "{bad}");
    }
    for good in ["13800138000", "010-8888 6666", "+86 138 0013 8000", "12345"] {
        assert!(valid_phone(good), "{good}");
    }
    // No phone at all is allowed (the resident may not give one).
    assert!(set_household(&desk(), rid(2), &household(&[("张伟", "")])).is_ok());
}

#[test]
fn household_trims_people_and_drops_empty_rows() {
    let info = household(&[(" 张伟 ", " 13800138000 "), ("", ""), ("李娜", "")]);
    let drafts = set_household(&desk(), rid(2), &info).unwrap();
    let v = fold::<Household>(rid(2), drafts);
    let h: Household = v.state().unwrap();
    assert_eq!(
        h.info.people,
        vec![
            Person {
                name: "张伟".into(),
                phone: "13800138000".into()
            },
            Person {
                name: "李娜".into(),
                phone: String::new()
            },
        ]
    );
    assert_eq!(v.title, "张伟、李娜");
    assert_eq!(v.subtitle, "业主");
    assert_eq!(v.unit, Some(rid(1)), "a household links to its unit");
    assert!(v.search.contains(&"household|13800138000".to_string()));
}

#[test]
fn move_out_keeps_the_household_with_status_moved_out() {
    let info = household(&[("张伟", "13800138000")]);
    let mut drafts = set_household(&desk(), rid(2), &info).unwrap();
    assert_eq!(
        fold::<Household>(rid(2), drafts.clone()).status.as_deref(),
        Some("current")
    );
    let on = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    let before: Household = fold::<Household>(rid(2), drafts.clone()).state().unwrap();
    drafts.extend(move_out(&desk(), rid(2), &before, on).unwrap());
    let v = fold::<Household>(rid(2), drafts);
    assert_eq!(v.status.as_deref(), Some("moved_out"));
    assert_eq!(v.events, 2, "nothing deleted: both events remain");
    let h: Household = v.state().unwrap();
    assert_eq!(
        h.info,
        HouseholdInfo {
            people: info.people.clone(),
            ..info
        }
    );
    assert_eq!(h.moved_out, Some(on));
    assert_eq!(v.unit, Some(rid(1)), "still found from its unit");
}

// --- Facilities and checkpoints ---------------------------------------------------------------

#[test]
fn facility_and_checkpoint_need_a_building_or_an_outdoor_area() {
    let nowhere = Location {
        building: None,
        floor: Some(3),
        area: "  ".into(),
    };
    let f = FacilityInfo {
        kind: FacilityKind::Elevator,
        name: "3号楼1号电梯".into(),
        location: nowhere.clone(),
        note: String::new(),
    };
    let e = set_facility(&desk(), rid(5), &f).unwrap_err();
    assert!(e.message().zh.contains("请选择楼栋或填写室外区域"));
    let c = CheckpointInfo {
        name: "3号楼天台".into(),
        location: nowhere,
        facility: None,
    };
    let e = set_checkpoint(&desk(), rid(6), &c).unwrap_err();
    assert!(e
        .message()
        .en
        .contains("Choose a building or describe the outdoor area"));

    let in_building = Location {
        building: Some(rid(3)),
        floor: None,
        area: String::new(),
    };
    let outdoors = Location {
        building: None,
        floor: None,
        area: "北门广场".into(),
    };
    assert!(set_facility(
        &desk(),
        rid(5),
        &FacilityInfo {
            location: in_building.clone(),
            ..f.clone()
        }
    )
    .is_ok());
    let v = fold::<Facility>(
        rid(5),
        set_facility(
            &desk(),
            rid(5),
            &FacilityInfo {
                location: outdoors.clone(),
                ..f.clone()
            },
        )
        .unwrap(),
    );
    assert_eq!(v.status.as_deref(), Some("elevator"));
    assert_eq!(v.subtitle, "北门广场");
    assert!(set_checkpoint(
        &desk(),
        rid(6),
        &CheckpointInfo {
            location: in_building,
            ..c.clone()
        }
    )
    .is_ok());
    assert!(set_checkpoint(
        &desk(),
        rid(6),
        &CheckpointInfo {
            location: outdoors,
            ..c
        }
    )
    .is_ok());

    let e = set_facility(
        &desk(),
        rid(5),
        &FacilityInfo {
            name: " ".into(),
            ..f
        },
    )
    .unwrap_err();
    assert!(e.message().zh.contains("设施名称"));
}

// --- Who may edit (SOP §0) --------------------------------------------------------------------

#[test]
fn receptionist_may_edit_the_registry_but_department_staff_may_not_sop_0() {
    let b = BuildingInfo {
        name: "1号楼".into(),
        floors: 11,
        basements: 1,
        note: String::new(),
    };
    for roles in [
        [Role::Director],
        [Role::Supervisor],
        [Role::Assistant],
        [Role::Receptionist],
    ] {
        assert!(
            set_building(&actor(&roles), rid(1), &b).is_ok(),
            "{roles:?}"
        );
    }
    let mut ids = SeededEntropy::new(1);
    let h = household(&[("张伟", "13800138000")]);
    let f = FacilityInfo {
        name: "中心花园".into(),
        kind: FacilityKind::Green,
        location: Location {
            area: "中心花园".into(),
            ..Default::default()
        },
        note: String::new(),
    };
    let c = CheckpointInfo {
        name: "南门岗".into(),
        location: f.location.clone(),
        facility: None,
    };
    let u = UnitInfo {
        number: "101".into(),
        ..Default::default()
    };
    let on = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for roles in [[Role::DepartmentStaff], [Role::DepartmentLead]] {
        let a = actor(&roles);
        let refusals = [
            set_building(&a, rid(1), &b).unwrap_err(),
            set_unit(&a, rid(1), &u).unwrap_err(),
            bulk_units(&a, rid(1), 1..=2, 2, &[], &mut ids).unwrap_err(),
            set_household(&a, rid(1), &h).unwrap_err(),
            move_out(&a, rid(1), &Household::default(), on).unwrap_err(),
            set_facility(&a, rid(1), &f).unwrap_err(),
            set_checkpoint(&a, rid(1), &c).unwrap_err(),
        ];
        for e in refusals {
            assert!(matches!(e, DomainError::Denied(_)));
            let m = e.message();
            assert!(m.zh.contains("编辑小区档案"), "{}", m.zh);
            assert!(
                m.zh.contains("物业部主任、客服主管、物业助理、前台接待员"),
                "{}",
                m.zh
            );
            assert!(
                m.en.contains("Director, Supervisor, Assistant, Receptionist"),
                "{}",
                m.en
            );
        }
    }
}

#[test]
fn an_edit_is_a_new_full_description_and_the_latest_wins_duty_4() {
    let b = BuildingInfo {
        name: "3号楼".into(),
        floors: 30,
        basements: 1,
        note: String::new(),
    };
    let mut drafts = set_building(&desk(), rid(3), &b).unwrap();
    drafts.extend(set_building(&desk(), rid(3), &BuildingInfo { floors: 32, ..b }).unwrap());
    let v = fold::<Building>(rid(3), drafts);
    assert_eq!(v.events, 2);
    assert_eq!(v.state::<Building>().unwrap().info.floors, 32);
}

#[test]
fn a_unit_is_never_on_floor_zero_or_beyond_the_tallest_building() {
    let info = |floor| UnitInfo {
        building: rid(1),
        floor,
        number: "X1".into(),
        ..Default::default()
    };
    for bad in [0, 201, -11] {
        let e = set_unit(&desk(), rid(9), &info(bad)).unwrap_err();
        assert!(e.message().zh.contains("没有第0层"), "{bad}: {e:?}");
    }
    assert!(
        set_unit(&desk(), rid(9), &info(-1)).is_ok(),
        "B1 shops and plant rooms exist"
    );
    assert!(set_unit(&desk(), rid(9), &info(30)).is_ok());
}

#[test]
fn a_household_moves_out_once_and_never_before_it_moved_in() {
    let mut info = household(&[("张伟", "13800138000")]);
    info.move_in = NaiveDate::from_ymd_opt(2024, 5, 1);
    let drafts = set_household(&desk(), rid(2), &info).unwrap();
    let here: Household = fold::<Household>(rid(2), drafts.clone()).state().unwrap();
    let early = NaiveDate::from_ymd_opt(2024, 4, 30).unwrap();
    let e = move_out(&desk(), rid(2), &here, early).unwrap_err();
    assert!(e.message().zh.contains("不能早于入住日期"));
    let on = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    let mut all = drafts;
    all.extend(move_out(&desk(), rid(2), &here, on).unwrap());
    let gone: Household = fold::<Household>(rid(2), all).state().unwrap();
    let e = move_out(&desk(), rid(2), &gone, on).unwrap_err();
    assert!(
        e.message().zh.contains("已于2026-10-31迁出"),
        "{}",
        e.message().zh
    );
}

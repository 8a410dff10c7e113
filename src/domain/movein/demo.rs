//! The demo estate's newer building in move-in (issue 16), dated relative to `as_of`: 9号楼,
//! twelve homes in two batches, through the move-in commands by the demo's Supervisor,
//! Assistant and receptionist.
//! - 第一批 (deadline ten days ago): four households done — one with two defects sent to
//!   engineering and its entry-door key still kept (the Supervisor's unreturned-keys list) —
//!   and two who never came, reminded three days before the deadline (the Director's list).
//! - 第二批 (deadline in two days, so today is in the reminder window): two done, one waiting
//!   for the power of attorney (documents open), one inspected with a defect sent for repair,
//!   two not come yet (the Assistant's reminder list; one already phoned).
//!
//! Deterministic: the same seed and date give the same drafts.

use super::*;
use crate::domain::demo::DemoLogin;
use crate::domain::ids::Id;
use crate::domain::registry::{BuildingInfo, UnitInfo};
use chrono::NaiveTime;

const SIG: &str = "M12 40 L30 22 L48 38 L66 18 L84 36";
const OWNERS: [&str; 12] = [
    "郑海涛",
    "冯晓燕",
    "蒋立新",
    "韩冬梅",
    "曹志远",
    "邓雅琴",
    "彭建华",
    "萧玉兰",
    "潘宏伟",
    "袁春花",
    "贾文博",
    "魏秀珍",
];

struct Ctx {
    sup: Actor,
    asst: Actor,
    desk: Actor,
    lead: Option<StaffId>,
    cal: BusinessCalendar,
    n: u64,
    seed: u64,
}

impl Ctx {
    fn id(&mut self, what: &str) -> RecordId {
        self.n += 1;
        Id::derived(&format!("movein-demo-{}-{what}", self.seed), self.n)
    }
    fn at(&self, d: NaiveDate, h: u32, m: u32) -> i64 {
        self.cal
            .at(d, NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
    }
}

fn photo(blob: &str, taken: i64) -> Photo {
    Photo {
        blob: format!("demo-{blob}"),
        evidence: true,
        taken,
    }
}

/// Runs a session on `day` through its first `upto` steps (documents, agreements, household,
/// fees, inspection, keys, next steps, finish = 8), the inspection finding `defects`.
#[allow(clippy::too_many_arguments)]
fn session(
    c: &mut Ctx,
    out: &mut Vec<Draft>,
    batch: RecordId,
    u: &BatchUnit,
    day: NaiveDate,
    party: Party,
    upto: usize,
    defects: usize,
) {
    let sid = c.id("session");
    let sref = RecordRef::new(RecordKind::MoveInSession, sid);
    let b: MoveInBatch = state(out, RecordRef::new(RecordKind::MoveInBatch, batch));
    let mut t = c.at(day, 9, 10);
    let desk = c.desk.clone();
    let step = |out: &mut Vec<Draft>, r: Result<Vec<Draft>, DomainError>| {
        if let Ok(d) = r {
            out.extend(d);
        }
    };
    step(
        out,
        start(
            &desk,
            sid,
            Some((batch, &b)),
            u.unit,
            &u.place,
            &u.owner,
            &u.phone,
            party,
            t,
        ),
    );
    let mut docs: BTreeSet<Doc> = Doc::required_for(Party::Owner).into_iter().collect();
    if upto >= 2 {
        docs.extend(Doc::required_for(party));
    }
    t += 6 * 60_000;
    let s: MoveInSession = state(out, sref);
    step(out, check_documents(&desk, sid, &s, &docs, t));
    if upto < 2 {
        return;
    }
    t += 8 * 60_000;
    let papers: BTreeSet<Paper> = Paper::ALL.iter().copied().collect();
    let s: MoveInSession = state(out, sref);
    step(out, sign_agreements(&desk, sid, &s, &papers, SIG, t));
    t += 10 * 60_000;
    let s: MoveInSession = state(out, sref);
    let hh = c.id("household");
    let form = HouseholdForm {
        people: vec![Person {
            name: u.owner.clone(),
            phone: u.phone.clone(),
        }],
        note: "入伙时登记".into(),
    };
    step(out, file_household(&desk, sid, &s, hh, &form, t, &c.cal));
    t += 15 * 60_000;
    let s: MoveInSession = state(out, sref);
    let receipt = format!("CW-{}-{:03}", day.format("%m%d"), c.n);
    step(
        out,
        note_fees(&desk, sid, &s, &receipt, c.n % 2 == 0, "工商银行代扣", t),
    );
    if upto < 5 {
        return;
    }
    t += 30 * 60_000;
    let s: MoveInSession = state(out, sref);
    let rooms = [("主卧", "窗框渗水"), ("卫生间", "地漏反味")];
    let ins = Inspection {
        water: format!("{}.{}", c.n % 3, c.n % 10),
        power: format!("{}.5", 10 + c.n % 7),
        water_photo: photo("water-meter", t),
        power_photo: photo("power-meter", t),
        defects: rooms
            .iter()
            .take(defects)
            .map(|(room, text)| Defect {
                room: (*room).into(),
                text: (*text).into(),
                photos: vec![],
            })
            .collect(),
        owner_signature: SIG.into(),
        staff_signature: SIG.into(),
    };
    step(out, inspect(&desk, sid, &s, &ins, t));
    for d in 0..defects {
        t += 2 * 60_000;
        let s: MoveInSession = state(out, sref);
        let order = c.id("order");
        step(
            out,
            order_defect(
                &desk,
                sid,
                &s,
                d,
                order,
                &Schedule::default(),
                c.lead,
                t,
                &c.cal,
            ),
        );
    }
    if upto < 6 {
        return;
    }
    t += 10 * 60_000;
    let s: MoveInSession = state(out, sref);
    let keys: Vec<String> = vec!["入户门A".into(), "入户门B".into(), "信箱".into()];
    let kept = (defects > 0).then_some("入户门B");
    step(out, hand_keys(&desk, sid, &s, &keys, kept, SIG, t));
    if upto < 7 {
        return;
    }
    for (i, n) in NextStep::ALL.iter().enumerate() {
        let s: MoveInSession = state(out, sref);
        let on = (*n != NextStep::Parking).then(|| day + Days::new(1 + i as u64 % 3));
        let note = if on.is_some() {
            ""
        } else {
            "暂无车位需求"
        };
        step(out, note_next_step(&desk, sid, &s, *n, on, note, t));
    }
    if upto < 8 {
        return;
    }
    t += 5 * 60_000;
    let s: MoveInSession = state(out, sref);
    let cb = c.id("callback");
    step(out, finish(&desk, sid, &s, cb, t, &c.cal));
}

/// The building, its units and the two batches with their sessions.
pub fn history(seed: u64, logins: &[DemoLogin], as_of: NaiveDate) -> Vec<Draft> {
    let with = |r: Role| {
        logins
            .iter()
            .find(|l| l.roles.contains(&r) && !l.roles.contains(&Role::Director))
    };
    let (Some(sup), Some(asst), Some(desk)) = (
        with(Role::Supervisor),
        with(Role::Assistant),
        with(Role::Receptionist),
    ) else {
        return vec![];
    };
    let lead = logins
        .iter()
        .find(|l| {
            l.roles.contains(&Role::DepartmentLead) && l.department == Some(Department::Engineering)
        })
        .map(|l| l.id);
    let mut c = Ctx {
        sup: sup.actor(),
        asst: asst.actor(),
        desk: desk.actor(),
        lead,
        cal: BusinessCalendar::default(),
        n: 0,
        seed,
    };
    let mut out = Vec::new();
    // 9号楼: eleven floors, two homes a floor, handed over this autumn; floors 1–6 are in
    // move-in, 7–11 follow in a later batch.
    let building = c.id("building");
    if let Ok(d) = registry::set_building(
        &c.sup,
        building,
        &BuildingInfo {
            name: "9号楼".into(),
            floors: 11,
            basements: 1,
            note: "新交付楼栋，入伙中".into(),
        },
    ) {
        out.extend(d);
    }
    let mut units = Vec::new();
    for floor in 1..=11 {
        for pos in 1..=2u32 {
            let id = c.id("unit");
            let number = registry::unit_number(floor, pos);
            if let Ok(d) = registry::set_unit(
                &c.sup,
                id,
                &UnitInfo {
                    building,
                    floor,
                    number: number.clone(),
                    area_m2: Some(89 + 20 * (pos - 1)),
                    ..Default::default()
                },
            ) {
                out.extend(d);
            }
            let i = units.len();
            units.push(BatchUnit {
                unit: id,
                place: format!("9号楼 {number}"),
                owner: OWNERS[i % OWNERS.len()].into(),
                phone: format!("139{:04}{:04}", 2600 + i, 1000 + 37 * i),
            });
        }
    }
    let fees = vec![
        FeeEntry {
            name: "物业管理费（预收3个月）".into(),
            fen: 3 * 89 * 250,
        },
        FeeEntry {
            name: "装修垃圾清运费".into(),
            fen: 30_000,
        },
    ];
    let days = |n: i64| {
        if n >= 0 {
            as_of + Days::new(n as u64)
        } else {
            as_of - Days::new((-n) as u64)
        }
    };
    // 第一批: floors 1–3, deadline ten days ago.
    let first = c.id("batch");
    let open = |c: &Ctx, name: &str, from: NaiveDate, deadline: NaiveDate, us: &[BatchUnit]| {
        open_batch(
            &c.sup,
            first,
            &BatchInfo {
                name: name.into(),
                office: "9号楼一层入伙大厅（客服中心旁）".into(),
                hours: "每日 9:00–17:30".into(),
                from,
                deadline,
                units: us.to_vec(),
                fees: fees.clone(),
            },
            c.at(from - Days::new(7), 10, 0),
        )
    };
    if let Ok(d) = open(&c, "9号楼第一批入伙", days(-40), days(-10), &units[..6]) {
        out.extend(d);
    }
    for (i, u) in units[..4].iter().enumerate() {
        let defects = if i == 1 { 2 } else { 0 };
        session(
            &mut c,
            &mut out,
            first,
            u,
            days(-38 + 3 * i as i64),
            Party::Owner,
            8,
            defects,
        );
    }
    for u in &units[4..6] {
        let b: MoveInBatch = state(&out, RecordRef::new(RecordKind::MoveInBatch, first));
        let t = c.at(days(-13), 10, 0);
        if let Ok(d) = remind(
            &c.asst,
            first,
            &b,
            u.unit,
            ReminderWay::Phone,
            "电话无人接听，已发短信",
            t,
            &c.cal,
        ) {
            out.extend(d);
        }
    }
    // 第二批: floors 4–6, deadline in two days.
    let second = c.id("batch");
    if let Ok(d) = open_batch(
        &c.sup,
        second,
        &BatchInfo {
            name: "9号楼第二批入伙".into(),
            office: "9号楼一层入伙大厅（客服中心旁）".into(),
            hours: "每日 9:00–17:30".into(),
            from: days(-7),
            deadline: days(2),
            units: units[6..12].to_vec(),
            fees: fees.clone(),
        },
        c.at(days(-14), 10, 0),
    ) {
        out.extend(d);
    }
    let plan: [(usize, Party, usize, usize, i64); 4] = [
        (6, Party::Owner, 8, 0, -6),
        (7, Party::Company, 8, 0, -5),
        (8, Party::Agent, 1, 0, -2),
        (9, Party::Owner, 6, 1, -1),
    ];
    for (i, party, upto, defects, d) in plan {
        let u = units[i].clone();
        session(&mut c, &mut out, second, &u, days(d), party, upto, defects);
    }
    let b: MoveInBatch = state(&out, RecordRef::new(RecordKind::MoveInBatch, second));
    if let Ok(d) = remind(
        &c.asst,
        second,
        &b,
        units[10].unit,
        ReminderWay::Phone,
        "业主出差，约定后天来办理",
        c.at(days(-1), 15, 0),
        &c.cal,
    ) {
        out.extend(d);
    }
    out
}

/// Every move-in event with every field set, for the schema fingerprint.
pub fn schema_samples() -> Vec<EventBody> {
    let id = Id::derived("schema", 1);
    let p = Photo {
        blob: "b".into(),
        evidence: true,
        taken: 1,
    };
    let d = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
    use MoveInEvent::*;
    [
        BatchOpened {
            at: 1,
            by: id,
            batch: Box::new(BatchInfo {
                name: "n".into(),
                office: "o".into(),
                hours: "h".into(),
                from: d,
                deadline: d,
                units: vec![BatchUnit {
                    unit: id,
                    place: "p".into(),
                    owner: "o".into(),
                    phone: "p".into(),
                }],
                fees: vec![FeeEntry {
                    name: "f".into(),
                    fen: 1,
                }],
            }),
        },
        Reminded {
            at: 1,
            by: id,
            unit: id,
            way: ReminderWay::Letter,
            note: "n".into(),
        },
        Came {
            at: 1,
            by: id,
            unit: id,
            session: id,
        },
        NoShowsReported {
            at: 1,
            by: id,
            units: vec![id],
        },
        Started {
            at: 1,
            by: id,
            batch: Some(id),
            unit: id,
            place: "p".into(),
            name: "n".into(),
            phone: "p".into(),
            party: Party::Agent,
        },
        DocumentsChecked {
            at: 1,
            by: id,
            docs: [Doc::Notice].into_iter().collect(),
        },
        AgreementsSigned {
            at: 1,
            by: id,
            papers: [Paper::Rules].into_iter().collect(),
            signature: "s".into(),
        },
        HouseholdFiled {
            at: 1,
            by: id,
            household: id,
            form: HouseholdForm {
                people: vec![Person {
                    name: "n".into(),
                    phone: "p".into(),
                }],
                note: "n".into(),
            },
        },
        FeesNoted {
            at: 1,
            by: id,
            receipt: "r".into(),
            auto_debit: true,
            bank: "b".into(),
        },
        Inspected {
            at: 1,
            by: id,
            inspection: Box::new(Inspection {
                water: "1".into(),
                power: "1".into(),
                water_photo: p.clone(),
                power_photo: p.clone(),
                defects: vec![Defect {
                    room: "r".into(),
                    text: "t".into(),
                    photos: vec![p],
                }],
                owner_signature: "s".into(),
                staff_signature: "s".into(),
            }),
        },
        DefectOrdered {
            at: 1,
            by: id,
            defect: 0,
            order: id,
        },
        KeysHanded {
            at: 1,
            by: id,
            keys: vec!["k".into()],
            kept: Some("k".into()),
            signature: "s".into(),
        },
        KeyReturned {
            at: 1,
            by: id,
            label: "k".into(),
        },
        NextStepNoted {
            at: 1,
            by: id,
            step: NextStep::Water,
            on: Some(d),
            note: "n".into(),
        },
        ConditionsChecked {
            at: 1,
            by: id,
            met: [TenantCondition::Lease].into_iter().collect(),
        },
        Finished {
            at: 1,
            by: id,
            callback: id,
        },
    ]
    .into_iter()
    .map(EventBody::MoveIn)
    .collect()
}

fn state<A: Aggregate>(drafts: &[Draft], subject: RecordRef) -> A {
    crate::domain::demo::fold_drafts(drafts, subject, Id::derived("movein-demo", 0))
}

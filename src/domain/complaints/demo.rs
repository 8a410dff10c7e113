//! Three months of complaint, callback and help history for the demo estate (the 92 days
//! before its "as of" day, issue 17: the day the demo is opened), made through this module's own
//! commands by the demo staff of the right roles, so the monthly report is meaningful on first
//! open. Deterministic: the same seed gives the same drafts.

use super::*;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::{self, *};
use crate::domain::demo::DemoLogin;
use crate::domain::hlc::Hlc;
use crate::domain::ids::{Entropy, Id, SeededEntropy};
use crate::domain::registry::RegistryEvent;
use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use std::collections::BTreeMap;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len() as u64) as usize]
    }
}

/// (subject, what happened, what the customer asks, cause, measures)
pub(crate) const MATTERS: &[(Subject, &str, &str, &str, &str)] = &[
    (
        Subject::Facilities,
        "电梯近一周两次停在楼层之间，家中老人不敢乘坐",
        "尽快彻底维修并说明原因",
        "电梯门锁触点老化",
        "更换门锁触点并全面检修，加密巡检",
    ),
    (
        Subject::Facilities,
        "楼道声控灯坏了多日，晚上回家看不清楼梯",
        "尽快修好楼道灯",
        "声控开关损坏",
        "更换声控开关和灯泡",
    ),
    (
        Subject::Repair,
        "报修卫生间漏水三天无人上门",
        "今天安排师傅上门",
        "派工单遗漏",
        "当日上门维修，派工单增加回执核对",
    ),
    (
        Subject::Repair,
        "楼上渗水导致天花板发霉",
        "协调楼上维修并赔偿粉刷",
        "楼上防水层破损",
        "协调楼上做闭水试验并重做防水，粉刷天花板",
    ),
    (
        Subject::Security,
        "夜间有陌生人在楼道推销，门禁形同虚设",
        "加强门岗管理",
        "门岗未严格登记访客",
        "重申访客登记制度，夜间加巡一次",
    ),
    (
        Subject::Parking,
        "固定车位被外来车辆占用",
        "清走占位车辆，加强管理",
        "外来车辆未登记进入",
        "联系车主挪车，车场入口加强核查",
    ),
    (
        Subject::Mail,
        "挂号信签收后三天才通知我",
        "及时通知领取",
        "前台未及时通知",
        "补充通知流程，当班即电话通知",
    ),
    (
        Subject::Cleaning,
        "垃圾桶满溢，气味很大",
        "每天按时清运",
        "清运车辆故障延误",
        "增加一次清运，联系备用车辆",
    ),
    (
        Subject::Cleaning,
        "楼道地面一周没有拖",
        "按标准保洁",
        "保洁员请假无人顶岗",
        "安排顶岗，主管每日抽查",
    ),
    (
        Subject::Greening,
        "楼下草坪浇水时水溅进一楼窗户",
        "调整喷头方向",
        "喷头角度不当",
        "调整喷头并改在早上浇水",
    ),
    (
        Subject::Fees,
        "物业费账单金额与上月不一致",
        "解释并更正",
        "系统重复计收公摊电费",
        "更正账单并退回多收部分",
    ),
    (
        Subject::Service,
        "前台接待员态度冷淡，不耐烦",
        "对接待员进行教育",
        "接待员情绪管理不当",
        "当面致歉，组织接待礼仪培训",
    ),
    (
        Subject::Neighbours,
        "楼上深夜装修噪音",
        "制止夜间施工",
        "装修户违反施工时间规定",
        "告知装修户施工时间，加强巡查",
    ),
    (
        Subject::InHome,
        "入户保洁服务未按约定时间到达",
        "按约定时间服务",
        "排班冲突",
        "调整排班并减免本次费用",
    ),
];

const HELP: &[(HelpKind, &str, &str)] = &[
    (
        HelpKind::Enquiry,
        "询问小区内快递柜的开放时间",
        "快递柜全天开放，取件码有效期24小时",
    ),
    (
        HelpKind::Everyday,
        "钥匙锁在家里，请求帮忙联系开锁",
        "已联系备案开锁公司，护管员到场见证",
    ),
    (HelpKind::Repair, "厨房水管爆裂漏水", "已关闭总阀并转报修"),
    (
        HelpKind::Enquiry,
        "询问装修申请需要哪些材料",
        "已告知装修申请材料清单",
    ),
    (
        HelpKind::Everyday,
        "老人走失，请求调看监控",
        "调看监控，半小时内在中心花园找到老人",
    ),
    (
        HelpKind::Disaster,
        "台风后地下车库入口积水",
        "已转护管部处置，放置沙袋并抽水",
    ),
];

fn stamp(d: &Draft, n: u64, at: i64) -> Event {
    let hlc = Hlc {
        wall: at,
        counter: 0,
        device: Id::derived("demo-complaints", 0),
    };
    Event::new(Id::derived("demo-complaint-ev", n), hlc, None, d.clone())
}

/// The demo's complaint, callback and help history. `drafts` are the demo estate's drafts so
/// far (households and units are read from them); `logins` its staff. Everything happens
/// before `as_of` (00:00 in the estate's calendar): the most recent matters are still open
/// then, with their clocks running into that day.
pub fn history(seed: u64, logins: &[DemoLogin], drafts: &[Draft], as_of: NaiveDate) -> Vec<Draft> {
    let cal = BusinessCalendar::default();
    let cutoff = cal.at(as_of, NaiveTime::MIN);
    let settings = ComplaintSettings::default();
    let mut ids = SeededEntropy::new(seed ^ 0x00C0_4D1A_1175_0000);
    let mut r = Rng(seed ^ 0x5EED_C0DE);
    // Places: building names, unit numbers, households.
    let mut bnames = BTreeMap::new();
    let mut units = BTreeMap::new();
    let mut homes = Vec::new();
    for d in drafts {
        match &d.body {
            EventBody::Registry(RegistryEvent::BuildingSet { info }) => {
                bnames.insert(d.subject.id, info.name.clone());
            }
            EventBody::Registry(RegistryEvent::UnitSet { info }) => {
                units.insert(d.subject.id, (info.building, info.number.clone()));
            }
            EventBody::Registry(RegistryEvent::HouseholdSet { info }) => {
                if let Some(p) = info.people.first() {
                    homes.push((d.subject.id, info.unit, p.name.clone(), p.phone.clone()));
                }
            }
            _ => {}
        }
    }
    if homes.is_empty() {
        return vec![];
    }
    let place = |unit: RecordId| -> String {
        units
            .get(&unit)
            .map(|(b, n)| format!("{} {}", bnames.get(b).cloned().unwrap_or_default(), n))
            .unwrap_or_default()
    };
    let actor = |pred: &dyn Fn(&DemoLogin) -> bool, k: usize| -> Actor {
        let all: Vec<&DemoLogin> = logins.iter().filter(|l| pred(l)).collect();
        let l = all[k % all.len()];
        Actor {
            id: l.id,
            roles: l.roles.iter().copied().collect(),
        }
    };
    let has = |r: Role| move |l: &DemoLogin| l.roles.contains(&r);
    let director = actor(&has(Role::Director), 0);
    let lead_of = |d: Department| {
        actor(
            &move |l: &DemoLogin| {
                l.roles.contains(&Role::DepartmentLead) && l.department == Some(d)
            },
            0,
        )
    };

    let mut out: Vec<Draft> = Vec::new();
    let mut n = 0u64;
    // Folds drafts for one record as we go, so every command sees the true state.
    let mut fold_c: BTreeMap<RecordId, Complaint> = BTreeMap::new();
    let mut fold_cb: BTreeMap<RecordId, Callback> = BTreeMap::new();
    let mut fold_h: BTreeMap<RecordId, HelpRequest> = BTreeMap::new();
    let mut push = |ds: Vec<Draft>,
                    at: i64,
                    out: &mut Vec<Draft>,
                    fc: &mut BTreeMap<RecordId, Complaint>,
                    fcb: &mut BTreeMap<RecordId, Callback>,
                    fh: &mut BTreeMap<RecordId, HelpRequest>| {
        // Nothing after the demo's day begins: a later step stays undone (still open).
        if at >= cutoff {
            return;
        }
        for d in ds {
            n += 1;
            let e = stamp(&d, n, at);
            match d.subject.kind {
                RecordKind::Complaint => fc.entry(d.subject.id).or_default().apply(&e),
                RecordKind::Callback => fcb.entry(d.subject.id).or_default().apply(&e),
                RecordKind::HelpRequest => fh.entry(d.subject.id).or_default().apply(&e),
                _ => {}
            }
            out.push(d);
        }
    };
    const H: i64 = 3_600_000;
    let start = as_of
        .checked_sub_days(Days::new(92))
        .expect("valid demo date");
    let mut majors = 0;
    let mut last_open: Option<RecordId> = None;
    for day in 0..92u64 {
        let date = start + Days::new(day);
        // About one complaint every two days (one on each of the last three: the desk has
        // complaints due on the demo's day, issue 17), one help request every three.
        if r.chance(48) || day >= 89 {
            let (subject, what, asks, cause, measures) = r.pick(MATTERS);
            let at = cal.at(
                date,
                NaiveTime::from_hms_opt(8 + r.below(11) as u32, r.below(60) as u32, 0)
                    .unwrap_or(NaiveTime::MIN),
            );
            let (hh, unit, name, phone) = homes[r.below(homes.len() as u64) as usize].clone();
            let anonymous = r.chance(6);
            let channel = r.pick(Channel::ALL);
            let reg = actor(
                &|l: &DemoLogin| {
                    l.roles.contains(&Role::Receptionist) || l.roles.contains(&Role::Assistant)
                },
                r.below(10) as usize,
            );
            // The same matter raised again while the first is open (CMP-11).
            let dup = last_open
                .filter(|_| r.chance(8))
                .filter(|id| fold_c.get(id).is_some_and(|c| c.is_open()));
            let intake = Intake {
                channel: Some(channel),
                household: Some(hh),
                unit: Some(unit),
                place: place(unit),
                anonymous,
                contact_name: name,
                contact_phone: phone,
                occurred: format!("{} {}", date.format("%m月%d日"), place(unit)),
                about: subject.department().label().zh,
                subject: Some(subject),
                what: (*what).into(),
                asks: (*asks).into(),
                duplicate_of: dup,
            };
            let id = ids.id();
            let original = dup.and_then(|d| fold_c.get(&d).map(|c| (d, c.clone())));
            let Ok(ds) = register(
                &reg,
                id,
                &intake,
                original.as_ref().map(|(i, c)| (*i, c)),
                at,
                &cal,
            ) else {
                continue;
            };
            push(ds, at, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
            if dup.is_some() {
                continue;
            }
            // The last day's complaints still wait for the supervisor to classify them.
            if day >= 91 {
                last_open = Some(id);
                continue;
            }
            let sup = actor(&has(Role::Supervisor), r.below(2) as usize);
            let class = if majors == 0 && day > 30 && r.chance(10) {
                majors += 1;
                Class::Major
            } else if r.chance(35) {
                Class::Important
            } else {
                Class::Minor
            };
            let urgency = if r.chance(20) {
                Urgency::Urgent
            } else {
                Urgency::General
            };
            let department = subject.department();
            let lead = (department != Department::CustomerService).then(|| lead_of(department));
            let t1 = at + 20 * 60_000 + r.below(40) as i64 * 60_000;
            let c = fold_c[&id].clone();
            let d = Dispatch {
                class,
                urgency,
                department,
                handler: lead.as_ref().map(|l| l.id).or(Some(sup.id)),
                paid: subject.proposes_paid(),
            };
            if let Ok(ds) = dispatch(&sup, id, &c, &d, t1, &settings, &cal) {
                push(ds, t1, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
            }
            let handler = lead.clone().unwrap_or(sup.clone());
            // Recent ones are left open, as a real desk has them.
            let days_left = 92 - day;
            if days_left <= 2 {
                last_open = Some(id);
                continue;
            }
            // Contact: in time mostly (urgent within 30 min, general within the day).
            let late = r.chance(12);
            let contact_after = match (urgency, late) {
                (Urgency::Urgent, false) => 10 * 60_000 + r.below(15) as i64 * 60_000,
                (Urgency::Urgent, true) => 50 * 60_000,
                (Urgency::General, false) => (2 + r.below(18) as i64) * H,
                (Urgency::General, true) => 30 * H,
            };
            let t2 = at + contact_after;
            let c = fold_c[&id].clone();
            if !anonymous {
                if let Ok(ds) = contacted(&handler, id, &c, "已电话联系客户，约定处理时间", t2)
                {
                    push(ds, t2, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                }
            } else if let Ok(ds) = accept(&handler, id, &c, t2) {
                push(ds, t2, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
            }
            let t3 = office(&cal, t2 + (4 + r.below(30) as i64) * H);
            let c = fold_c[&id].clone();
            if let Ok(ds) = progress(&handler, id, &c, measures, t3) {
                push(ds, t3, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
            }
            if !anonymous && r.chance(60) {
                let cs = actor(&has(Role::Assistant), r.below(6) as usize);
                let c = fold_c[&id].clone();
                if let Ok(ds) = customer_told(&cs, id, &c, "已电话告知客户处理进度", t3 + H)
                {
                    push(ds, t3 + H, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                }
            }
            // The last few days are still being handled.
            if days_left <= 5 {
                last_open = Some(id);
                continue;
            }
            // One in twelve stays open a little longer than a week; very few run past a month.
            let t4 = office(
                &cal,
                t3 + (6 + {
                    let span = if r.chance(8) { 200 } else { 60 };
                    r.below(span)
                } as i64)
                    * H,
            );
            let callback_role = class.callback_role();
            let caller = actor(&has(callback_role), r.below(6) as usize);
            let closing = Closing {
                cause: (*cause).into(),
                measures: (*measures).into(),
                result: "问题已解决，客户认可".into(),
                signoff: if anonymous {
                    SignOff::WrittenReply {
                        reply: "已在公告栏张贴书面答复".into(),
                    }
                } else if r.chance(50) {
                    SignOff::Phone
                } else {
                    SignOff::Drawn {
                        path: "M10 40 L30 20 L50 45 L70 15 L90 40".into(),
                    }
                },
                rating: (!anonymous).then_some(if r.chance(80) {
                    Rating::Satisfied
                } else {
                    Rating::Basic
                }),
                callback_assignee: Some(caller.id),
            };
            let cb = ids.id();
            let c = fold_c[&id].clone();
            if t4 >= cutoff {
                last_open = Some(id);
                continue;
            }
            if let Ok(ds) = complete(&handler, id, &c, &closing, cb, t4, &cal) {
                push(ds, t4, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
            }
            // Callbacks: about two in three within the 3 days (CB-1 target ≥ 50 %).
            let Some(cbv) = fold_cb.get(&cb).cloned() else {
                continue;
            };
            let t5 = office(&cal, t4 + (20 + r.below(48) as i64) * H);
            if t5 >= cutoff {
                continue;
            }
            if !r.chance(68) {
                // CB-6: not reached — recorded, and counted as not called back (CB-1).
                if let Ok(ds) = callbacks::unreached(&caller, cb, &cbv, "多次致电无人接听", t5)
                {
                    push(ds, t5, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                }
                continue;
            }
            let unsatisfied = r.chance(8);
            let outcome = CallbackOutcome {
                signoff: if r.chance(75) {
                    SignOff::Phone
                } else {
                    SignOff::Drawn {
                        path: "M12 30 L28 18 L44 36 L60 12 L80 30".into(),
                    }
                },
                rating: Some(if unsatisfied {
                    Rating::Unsatisfied
                } else if r.chance(85) {
                    Rating::Satisfied
                } else {
                    Rating::Basic
                }),
                comment: if unsatisfied {
                    "客户认为问题反复出现，要求再次处理".into()
                } else {
                    "客户对处理结果表示认可".into()
                },
                new_problem: None,
            };
            let follow = ids.id();
            if let Ok(ds) = callbacks::record(&caller, cb, &cbv, &outcome, follow, t5) {
                push(ds, t5, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
            }
            let cbv = fold_cb[&cb].clone();
            let t6 = office(&cal, t5 + (2 + r.below(24) as i64) * H);
            if let Ok(ds) = callbacks::review(&sup, cb, &cbv, "记录完整，同意", t6) {
                push(ds, t6, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
            }
            if unsatisfied {
                // Reopened (CMP-10): handled again, completed, called back satisfied.
                let t7 = t6 + 24 * H;
                let c = fold_c[&id].clone();
                let again = Closing {
                    result: "再次处理后问题彻底解决".into(),
                    signoff: SignOff::Phone,
                    rating: Some(Rating::Satisfied),
                    ..closing
                };
                let cb2 = ids.id();
                if t7 < cutoff {
                    if let Ok(ds) = complete(&handler, id, &c, &again, cb2, t7, &cal) {
                        push(ds, t7, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                    }
                    if let Some(cbv) = fold_cb.get(&cb2).cloned() {
                        let ok = CallbackOutcome {
                            signoff: SignOff::Phone,
                            rating: Some(Rating::Satisfied),
                            comment: "二次回访，客户满意".into(),
                            new_problem: None,
                        };
                        let t8 = t7 + 30 * H;
                        if t8 < cutoff {
                            if let Ok(ds) = callbacks::record(&caller, cb2, &cbv, &ok, ids.id(), t8)
                            {
                                push(ds, t8, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                            }
                        }
                    }
                }
            }
        }
        if r.chance(33) {
            let (kind, what, answer) = r.pick(HELP);
            let medical = r.chance(10);
            let at = cal.at(
                date,
                NaiveTime::from_hms_opt(7 + r.below(14) as u32, r.below(60) as u32, 0)
                    .unwrap_or(NaiveTime::MIN),
            );
            let (hh, unit, name, phone) = homes[r.below(homes.len() as u64) as usize].clone();
            let desk = actor(
                &|l: &DemoLogin| {
                    l.roles.contains(&Role::Receptionist) || l.roles.contains(&Role::Assistant)
                },
                r.below(10) as usize,
            );
            let intake = HelpIntake {
                kind: if medical { HelpKind::Medical } else { kind },
                household: Some(hh),
                unit: Some(unit),
                place: place(unit),
                caller: name,
                phone,
                address: place(unit),
                what: if medical {
                    "家中老人突然晕倒，请求帮助".into()
                } else {
                    (*what).into()
                },
                needs_supervisor: r.chance(30),
            };
            let id = ids.id();
            if let Ok(ds) = register_help(&desk, id, &intake, at, &settings, &cal) {
                push(ds, at, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
            }
            let t1 = at
                + (1 + {
                    let span = if r.chance(10) { 20 } else { 8 };
                    r.below(span)
                } as i64)
                    * 60_000;
            let h = fold_h[&id].clone();
            if medical {
                let path = r.pick(MedicalPath::ALL);
                if let Ok(ds) = choose_path(&desk, id, &h, path, t1) {
                    push(ds, t1, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                }
                for (i, _) in medical_steps(path).iter().enumerate() {
                    let t = t1 + (i as i64 + 1) * 6 * 60_000;
                    let h = fold_h[&id].clone();
                    if let Ok(ds) = step_done(&desk, id, &h, i as u8, t) {
                        push(ds, t, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                    }
                }
                let t = t1 + 40 * 60_000;
                let h = fold_h[&id].clone();
                if let Ok(ds) = notified(&desk, id, &h, "物业部主任", t) {
                    push(ds, t, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                }
                let h = fold_h[&id].clone();
                if let Ok(ds) = close_help(&desk, id, &h, "病人已送医，家属已到场", t + H)
                {
                    push(ds, t + H, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                }
            } else {
                // HELP-4: a flagged enquiry is referred to the supervisor, who answers it.
                let answerer = if h.needs_supervisor() {
                    let sup = actor(&has(Role::Supervisor), 0);
                    let note = "须主管答复";
                    let t = t1 - 60_000;
                    if let Ok(ds) = refer_help(&desk, id, &h, sup.id, &[Role::Supervisor], note, t)
                    {
                        push(ds, t, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                    }
                    sup
                } else {
                    desk.clone()
                };
                let h = fold_h[&id].clone();
                if let Ok(ds) = answer_help(&answerer, id, &h, answer, t1) {
                    push(ds, t1, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                }
                let h = fold_h[&id].clone();
                if let Ok(ds) = close_help(&desk, id, &h, answer, t1 + H) {
                    push(ds, t1 + H, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
                }
            }
        }
    }
    // CB-5: one open letter on a matter many households raised.
    let t = cal.at(
        start + Days::new(45),
        NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN),
    );
    let addressees: Vec<String> = homes.iter().take(6).map(|h| place(h.1)).collect();
    if let Ok(ds) = callbacks::file_open_letter(
        &director,
        ids.id(),
        "8月电梯停运检修安排",
        "各位业主：因电梯年检及门锁更换，8月下旬分批停运检修，给您带来不便深表歉意。",
        &addressees,
        t,
    ) {
        push(ds, t, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
    }
    // CB-7: the residents' forum three weeks ago, one matter still to follow up.
    let supervisor = actor(&has(Role::Supervisor), 0);
    let forum_day = as_of.checked_sub_days(Days::new(21)).unwrap_or(as_of);
    let t = cal.at(
        forum_day,
        NaiveTime::from_hms_opt(19, 0, 0).unwrap_or(NaiveTime::MIN),
    );
    let forum_id = ids.id();
    let input = crate::domain::forum::ForumInput {
        date: Some(forum_day),
        place: "会所二楼多功能厅".into(),
        attendees: 18,
        minutes: "通报本季度收费、维修及安全情况；业主代表提出意见三项，客服部逐项答复并承诺跟进。"
            .into(),
        items: vec![
            "地下车库B区照明不足".into(),
            "快递柜数量不够".into(),
            "儿童游乐区地垫破损".into(),
        ],
    };
    if let Ok(ds) = crate::domain::forum::hold(&supervisor, forum_id, &input, forum_day, t) {
        let mut forum = crate::domain::forum::Forum::default();
        for (k, d) in ds.iter().enumerate() {
            forum.apply(&stamp(d, 900_000 + k as u64, t));
        }
        push(ds, t, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
        let results = [
            "工程部已加装照明12盏，已告知业主代表",
            "已联系快递公司增设一组快递柜",
        ];
        for (i, res) in results.iter().enumerate() {
            let at = t + (i as i64 + 3) * 24 * H;
            if let Ok(ds) =
                crate::domain::forum::follow_up(&supervisor, forum_id, &forum, i, res, at)
            {
                for (k, d) in ds.iter().enumerate() {
                    forum.apply(&stamp(d, 900_100 + (i * 10 + k) as u64, at));
                }
                push(ds, at, &mut out, &mut fold_c, &mut fold_cb, &mut fold_h);
            }
        }
    }
    out
}

/// CB-3: last month's callback results, submitted to the director, waiting for the sign-off.
/// Built after every module's demo (`drafts` is the whole demo so far), so the summary counts
/// the repair and move-in callbacks too, as the report on screen does.
pub fn callback_review(logins: &[DemoLogin], drafts: &[Draft], as_of: NaiveDate) -> Vec<Draft> {
    let cal = BusinessCalendar::default();
    let pick = |r: Role| {
        logins.iter().find(|l| l.roles.contains(&r)).map(|l| Actor {
            id: l.id,
            roles: l.roles.iter().copied().collect(),
        })
    };
    let (Some(supervisor), Some(director)) = (pick(Role::Supervisor), pick(Role::Director)) else {
        return vec![];
    };
    // A callback's fold reads only its events' bodies, so any stamp will do.
    let mut fold_cb: BTreeMap<RecordId, Callback> = BTreeMap::new();
    for (n, d) in drafts.iter().enumerate() {
        if d.subject.kind == RecordKind::Callback {
            let e = stamp(d, 950_000_000 + n as u64, 0);
            fold_cb.entry(d.subject.id).or_default().apply(&e);
        }
    }
    let mut out = Vec::new();
    let first = as_of.with_day(1).unwrap_or(as_of);
    if let Some(prev) = first.checked_sub_days(Days::new(1)) {
        let cbs: Vec<Callback> = fold_cb.values().cloned().collect();
        let report = super::report::monthly_report(prev.year(), prev.month(), &cal, &[], &cbs, &[]);
        let month = format!("{}-{:02}", prev.year(), prev.month());
        // The morning of the 1st, or the month's last evening when the demo opens on the 1st.
        let at = if as_of > first {
            cal.at(
                first,
                NaiveTime::from_hms_opt(9, 30, 0).unwrap_or(NaiveTime::MIN),
            )
        } else {
            cal.at(
                prev,
                NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN),
            )
        };
        if let Ok(ds) = crate::domain::review::submit(
            &supervisor,
            None,
            crate::domain::review::ReviewArea::Callbacks,
            &month,
            &crate::domain::review::callbacks_summary(&report),
            director.id,
            &[Role::Director],
            at,
        ) {
            out.extend(ds);
        }
    }
    out
}

/// Moves a time into office hours (08:00–19:59 local): the demo's staff work by day.
pub(crate) fn office(cal: &BusinessCalendar, t: i64) -> i64 {
    use chrono::Timelike;
    let local = cal.to_local(t);
    let h = local.hour() as i64;
    let minute = local.minute() as i64 * 60_000;
    let day_start = cal.at(local.date(), NaiveTime::MIN);
    match h {
        0..=7 => day_start + 9 * 3_600_000 + minute,
        20..=23 => day_start + 33 * 3_600_000 + minute,
        _ => t,
    }
}

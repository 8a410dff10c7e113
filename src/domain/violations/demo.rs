//! A year of violations for the demo estate (issue 14), made through this module's commands
//! by the demo staff of the right roles, dated before `as_of` (the demo's "today"): mostly
//! general ones persuaded on the spot, some rectified by a deadline, a few still open, and one
//! major with compensation. Deterministic: the same seed gives the same drafts.

use super::*;
use crate::domain::demo::DemoLogin;
use crate::domain::hlc::Hlc;
use crate::domain::ids::{Entropy, SeededEntropy};
use crate::domain::registry::RegistryEvent;
use chrono::{Days, NaiveDate, NaiveTime};
use std::collections::BTreeMap;

const SIG: &str = "M12 40 L30 18 L46 36 L62 14 L84 30";

/// (category, item, severity, facts, opinion)
const CASES: &[(Category, Option<u8>, &str)] = &[
    (Category::PublicOrder, Some(0), "车辆停放在消防车道入口"),
    (Category::Sanitation, Some(0), "从窗口丢烟头到楼下花园"),
    (Category::Sanitation, Some(2), "楼道堆放纸箱和旧家具"),
    (Category::FireSafety, Some(0), "电动车停在楼梯间充电"),
    (Category::Sanitation, Some(5), "在草坪上晾晒被褥"),
    (Category::Renovation, Some(3), "阳台外加装不锈钢防盗网"),
    (Category::Sanitation, Some(4), "晚上十点后播放高音喇叭"),
    (
        Category::FireSafety,
        Some(2),
        "从窗口拉电线到车位给电动车充电",
    ),
    (Category::Sanitation, Some(3), "从阳台往下倒污水"),
    (Category::PublicOrder, Some(0), "外来车辆长时间占用他人车位"),
];

fn state(drafts: &[Draft], id: RecordId) -> Violation {
    let mut v = Violation::default();
    for (i, d) in drafts.iter().filter(|d| d.subject.id == id).enumerate() {
        let at = Hlc {
            wall: i as i64,
            counter: 0,
            device: Id::nil(),
        };
        v.apply(&Event::scratch(at, None, d.subject, d.body.clone()));
    }
    v
}

/// The demo's year of violations up to `as_of`.
pub fn history(seed: u64, logins: &[DemoLogin], drafts: &[Draft], as_of: NaiveDate) -> Vec<Draft> {
    let cal = BusinessCalendar::default();
    let mut ids = SeededEntropy::new(seed ^ 0x0000_0B10_1A7E_0014);
    let mut dice = SeededEntropy::new(seed ^ 0x0D1C_E000_0014);
    let mut roll = |n: u64| -> u64 {
        let mut b = [0u8; 16];
        dice.fill(&mut b);
        u64::from_le_bytes(b[..8].try_into().unwrap_or_default()) % n.max(1)
    };
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
                    homes.push((d.subject.id, info.unit, p.name.clone()));
                }
            }
            _ => {}
        }
    }
    let who = |r: Role| -> Option<Actor> {
        logins.iter().find(|l| l.roles.contains(&r)).map(|l| Actor {
            id: l.id,
            roles: l.roles.iter().copied().collect(),
        })
    };
    let (Some(director), Some(supervisor), Some(assistant)) = (
        who(Role::Director),
        who(Role::Supervisor),
        who(Role::Assistant),
    ) else {
        return vec![];
    };
    if homes.is_empty() {
        return vec![];
    }
    let reporters: Vec<Actor> = logins
        .iter()
        .map(|l| Actor {
            id: l.id,
            roles: l.roles.iter().copied().collect(),
        })
        .collect();
    let to = Recipients {
        supervisor: Some(supervisor.id),
        director: Some(director.id),
        ..Default::default()
    };
    let at = |days_ago: u64, hour: u32| -> i64 {
        let d = as_of.checked_sub_days(Days::new(days_ago)).unwrap_or(as_of);
        cal.at(d, NaiveTime::from_hms_opt(hour, 20, 0).unwrap_or_default())
    };
    let mut out: Vec<Draft> = Vec::new();
    const COUNT: u64 = 42;
    for n in 0..COUNT {
        // Spread over the year, oldest first; the last three are this week's open ones.
        let days_ago = 360 - n * 360 / COUNT;
        let t = at(days_ago, 9 + (roll(9) as u32));
        let (category, item, facts) = CASES[roll(CASES.len() as u64) as usize];
        let (household, unit, name) = homes[roll(homes.len() as u64) as usize].clone();
        let unit_label = units
            .get(&unit)
            .map(|(b, num)| format!("{}{}", bnames.get(b).cloned().unwrap_or_default(), num))
            .unwrap_or_default();
        let major = n == 20;
        let open = n >= COUNT - 3;
        let rectify = !major && (n % 6 == 3 || open);
        let id = ids.id();
        let info = ViolationInfo {
            category: Some(if major {
                Category::Renovation
            } else {
                category
            }),
            item: if major { Some(1) } else { item },
            unit: Some(unit),
            household: Some(household),
            unit_label,
            violator: name,
            location: String::new(),
            facts: if major {
                "装修时凿穿承重墙，致楼下天花开裂、公共管井受损".into()
            } else {
                facts.into()
            },
            photos: vec![],
            persuaded: Some(if rectify || major {
                Persuasion::Ignored
            } else {
                Persuasion::Stopped
            }),
            severity: Some(if major {
                Severity::Major
            } else {
                Severity::General
            }),
            source: None,
        };
        let by = &reporters[roll(reporters.len() as u64) as usize];
        let Ok(d) = record(by, id, &info, None, &to, SIG, t, &cal) else {
            continue;
        };
        out.extend(d);
        if !(rectify || major) {
            continue;
        }
        if open && n == COUNT - 1 {
            continue; // still awaiting the Supervisor's decision
        }
        let decider = if major { &director } else { &supervisor };
        let decision = if major {
            Decision {
                method: Method::Compensation,
                basis: "违反装修管理规定 b) 对承重墙违章凿、拆，给小区造成较大经济损失".into(),
                opinion: "赔偿修复楼下天花及公共管井费用，报财务部统一扣款".into(),
                deadline: None,
                amount_fen: 860_000,
            }
        } else {
            Decision {
                method: Method::Rectification,
                basis: format!("违反{}", category.label().zh),
                opinion: "限期三日内自行整改，逾期复查".into(),
                deadline: Some(t + 3 * 24 * 3_600_000 + 2 * 3_600_000),
                amount_fen: 0,
            }
        };
        let t1 = t + 2 * 3_600_000;
        let v = state(&out, id);
        let Ok(d) = decide(decider, id, &v, &decision, Some(director.id), t1, &cal) else {
            continue;
        };
        out.extend(d);
        if open && n == COUNT - 2 {
            continue; // awaiting the Director's signature
        }
        let t2 = t1 + 3 * 3_600_000;
        let v = state(&out, id);
        let plan = RecheckPlan {
            round: None,
            assignee: Some(assistant.id),
        };
        let Ok(d) = approve(&director, id, &v, SIG, &plan, t2, &cal) else {
            continue;
        };
        out.extend(d);
        if open {
            continue; // rectification running, recheck on the deadline
        }
        let t3 = decision.deadline.unwrap_or(t2 + 24 * 3_600_000);
        let v = state(&out, id);
        if decision.method == Method::Rectification {
            if let Ok(d) = recheck(&assistant, id, &v, true, "复查已整改", &[], t3, &cal) {
                out.extend(d);
            }
        }
        let v = state(&out, id);
        let result = if major {
            "业主已按通知赔偿，上门沟通后表示理解"
        } else {
            "已整改，上门回访，业主态度良好"
        };
        if let Ok(d) = follow_up(&assistant, id, &v, result, SIG, t3 + 3_600_000) {
            out.extend(d);
        }
    }
    out
}

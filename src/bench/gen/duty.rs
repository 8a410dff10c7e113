//! The duty log (DUTY-3/4/8): the service centre's person on duty writes a few entries a
//! night on the duty tablet (one hash chain, DUTY-4); a supervisor signs each log the next
//! morning, all but the last two.

use super::estate::World;
use super::stream::{fold, Dev, Rng, Stream};
use super::Spec;
use crate::domain::command::Actor;
use crate::domain::duty::log::{
    add_entry, chain_id, log_id, sign_log, DutyChain, DutyLog, EntryKind, NewEntry,
};
use crate::domain::duty::Post;
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::roles::Role;
use chrono::{Datelike, Days, NaiveDate, NaiveTime};

const ENTRIES: [(EntryKind, &str, &str); 10] = [
    (
        EntryKind::Enquiry,
        "住户来电咨询停车月卡续费",
        "已告知财务部办理时间",
    ),
    (EntryKind::Enquiry, "住户询问快递柜位置", "已指引"),
    (EntryKind::Enquiry, "访客询问单元门禁", "已联系住户接待"),
    (
        EntryKind::Help,
        "住户求助：钥匙锁在屋内",
        "护管员协助联系开锁公司",
    ),
    (
        EntryKind::Help,
        "住户反映楼道灯不亮",
        "已通知工程部，次日更换",
    ),
    (
        EntryKind::Incident,
        "地下车库入口积水",
        "护管员放置警示牌并清扫",
    ),
    (
        EntryKind::Incident,
        "住户反映邻居噪音",
        "护管员上门劝导，已安静",
    ),
    (
        EntryKind::FollowUp,
        "跟进昨晚漏水报修",
        "工程部已修复，住户确认",
    ),
    (EntryKind::Note, "夜间巡查各岗位正常", ""),
    (EntryKind::Note, "监控室交接设备完好", ""),
];

pub(super) struct Duty<'w> {
    w: &'w World,
    r: Rng,
    head: DutyChain,
    rate: f64,
    end: NaiveDate,
    end_ms: i64,
    on_duty: Vec<Actor>,
    /// Yesterday's log, signed this morning.
    unsigned: Option<(NaiveDate, DutyLog)>,
}

impl<'w> Duty<'w> {
    pub fn new(spec: &Spec, w: &'w World) -> Self {
        let per_day = 11_000.0 / (5.0 * 365.25);
        Duty {
            w,
            r: Rng::new(spec.seed ^ 0xD07E_0000_0000_0006),
            head: DutyChain {
                chain: super::stream::device_id(spec.seed, Dev::Duty),
                ..Default::default()
            },
            rate: per_day * spec.scale * spec.households as f64 / 2000.0,
            end: spec.end,
            end_ms: w.cal.at(spec.end + Days::new(1), NaiveTime::MIN),
            on_duty: w
                .with(Role::Assistant)
                .into_iter()
                .chain(w.with(Role::Receptionist))
                .cloned()
                .collect(),
            unsigned: None,
        }
    }

    pub fn day(&mut self, date: NaiveDate, out: &mut Stream) {
        let w = self.w;
        // DUTY-8: the supervisor signs yesterday's log this morning (the last two stay open).
        if let Some((day, log)) = self.unsigned.take() {
            let at = w
                .cal
                .at(date, NaiveTime::from_hms_opt(9, 10, 0).expect("time"));
            let sups = w.with(Role::Supervisor);
            let sup = sups[self.r.below(sups.len() as u64) as usize];
            if (self.end - date).num_days() >= 1 {
                if let Ok(ds) = sign_log(
                    sup,
                    log_id(Post::ServiceCentre, day),
                    &log,
                    "已阅",
                    date,
                    at,
                    // No anchors: the generated data stays as GEN_VERSION 2 made it.
                    &[],
                ) {
                    out.push(at, Dev::Duty, Some(sup), ds);
                }
            }
        }
        let n = self.r.count(self.rate);
        if n == 0 {
            return;
        }
        let (start, end) = w.cal.duty_shift(date);
        let on = self.on_duty[date.ordinal0() as usize % self.on_duty.len()].clone();
        let lref = RecordRef::new(RecordKind::DutyLog, log_id(Post::ServiceCentre, date));
        let cref = RecordRef::new(RecordKind::DutyChain, chain_id(self.head.chain));
        let mut log = DutyLog::default();
        let step = (end - start) / (n as i64 + 1);
        for k in 0..n {
            let at = start + step * (k as i64 + 1) + self.r.below(10) as i64 * 60_000;
            if at >= self.end_ms {
                break;
            }
            let (kind, text, follow) = self.r.pick(&ENTRIES);
            let entry = NewEntry {
                kind,
                text: text.into(),
                follow_up: follow.into(),
                incident: None,
            };
            let Ok(ds) = add_entry(&on, &self.head, &log, Post::ServiceCentre, date, entry, at)
            else {
                continue;
            };
            fold(&mut log, lref, &ds, at, Some(&on));
            fold(&mut self.head, cref, &ds, at, Some(&on));
            out.push(at, Dev::Duty, Some(&on), ds);
        }
        if !log.entries.is_empty() {
            self.unsigned = Some((date, log));
        }
    }
}

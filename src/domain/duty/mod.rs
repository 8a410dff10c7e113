//! 值班与交接班 — duty and shift handover (SOP.md §1, seed 000 §1, seed 001 §6.6).
//!
//! - [`roster`]: the month roster (客户服务中心值班安排表), publishing, leave with a named
//!   replacement (DUTY-1, DUTY-2, DUTY-5).
//! - [`log`]: the duty log (值班记录): append-only entries chained by hash per device,
//!   corrections as new entries, the supervisor's daily sign-off (DUTY-4, DUTY-8, DUTY-9).
//! - [`handover`]: 交接班 on one tablet, both PINs, the DUTY-7 blocking rule, the open items
//!   of every module gathered from the store's generic index (DUTY-6, DUTY-7, DUTY-11).

pub mod demo;
pub mod handover;
pub mod log;
pub mod roster;
#[cfg(test)]
mod tests;

use super::i18n::Text;
use super::ids::{DeviceId, RecordId, StaffId};
use super::sla::Clock;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use handover::{HandoverRecord, ItemCheck, ItemState, OpenItem};
pub use log::{EntryKind, LogEntry};

/// Where the duty is kept: the customer service centre (DUTY-1..10) or the front desk (DUTY-11).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Post {
    /// 客户服务中心
    #[default]
    ServiceCentre,
    /// 前台
    FrontDesk,
}

impl Post {
    pub const ALL: [Post; 2] = [Post::ServiceCentre, Post::FrontDesk];
    pub fn label(self) -> Text {
        match self {
            Post::ServiceCentre => Text::new("客户服务中心", "Customer service centre"),
            Post::FrontDesk => Text::new("前台", "Front desk"),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Post::ServiceCentre => "centre",
            Post::FrontDesk => "desk",
        }
    }
}

/// The events of the duty module. Subjects: a roster month, a leave request, a day's log,
/// a device's chain head, a handover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum DutyEvent {
    /// Roster month: who is on duty on `date` (DUTY-1).
    SlotSet {
        date: NaiveDate,
        person: StaffId,
        post: String,
    },
    SlotCleared {
        date: NaiveDate,
    },
    /// Signed by the supervisor with the date the table was made (制表日期).
    Published {
        by: StaffId,
        on: NaiveDate,
    },
    /// An approved leave moves the slot to the named replacement (DUTY-5).
    SlotReplaced {
        date: NaiveDate,
        person: StaffId,
        leave: RecordId,
    },
    /// Leave request: to the supervisor, who must decide (assignee + clock).
    LeaveRequested {
        roster: RecordId,
        date: NaiveDate,
        person: StaffId,
        reason: String,
        supervisor: StaffId,
        clock: Box<Clock>,
    },
    LeaveApproved {
        replacement: StaffId,
        by: StaffId,
        at: i64,
    },
    LeaveRefused {
        reason: String,
        by: StaffId,
        at: i64,
    },
    /// A day's log: one more entry (DUTY-4; never edited, never removed).
    EntryAdded {
        post: Post,
        date: NaiveDate,
        entry: Box<LogEntry>,
    },
    /// The chain head of one device moves on (seq and hash of its newest entry).
    ChainLinked {
        chain: DeviceId,
        seq: u64,
        hash: String,
        log: RecordId,
    },
    /// The supervisor read and signed the day's log (DUTY-8).
    LogSigned {
        by: StaffId,
        at: i64,
        remark: String,
    },
    /// 交接班 completed, both signed (DUTY-6, DUTY-7, DUTY-11).
    HandedOver {
        record: Box<HandoverRecord>,
    },
}

impl DutyEvent {
    pub fn label(&self) -> Text {
        match self {
            DutyEvent::SlotSet { .. } => Text::new("排班", "Duty assigned"),
            DutyEvent::SlotCleared { .. } => Text::new("取消排班", "Duty cleared"),
            DutyEvent::Published { .. } => Text::new("发布值班安排表", "Roster published"),
            DutyEvent::SlotReplaced { .. } => Text::new("请假顶班", "Replaced after leave"),
            DutyEvent::LeaveRequested { .. } => Text::new("请假申请", "Leave requested"),
            DutyEvent::LeaveApproved { .. } => Text::new("批准请假", "Leave approved"),
            DutyEvent::LeaveRefused { .. } => Text::new("不批准请假", "Leave refused"),
            DutyEvent::EntryAdded { .. } => Text::new("值班记录", "Duty log entry"),
            DutyEvent::ChainLinked { .. } => Text::new("记录链", "Log chain"),
            DutyEvent::LogSigned { .. } => Text::new("主管签阅", "Signed by supervisor"),
            DutyEvent::HandedOver { .. } => Text::new("交接班", "Shift handed over"),
        }
    }
}

/// Items at the post when the estate has not set its own list (DUTY-6: 对讲机、灭火器、水瓶 …).
pub const DEFAULT_POST_ITEMS: [&str; 6] =
    ["对讲机", "灭火器", "水瓶", "手电筒", "钥匙箱", "值班记录本"];

/// Years a duty log is kept (DUTY-4: 保存期3年).
pub const RETENTION_YEARS: i32 = 3;

/// The last date a log of `date` must be kept to (DUTY-4). Shown on every log.
pub fn retained_until(date: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    date.with_year(date.year() + RETENTION_YEARS)
        .unwrap_or_else(|| date + chrono::Days::new(365 * RETENTION_YEARS as u64 + 1))
}

/// Field group for sync conflict detection (src/sync/merge.rs): entries, chain links and
/// handovers are append-only, never conflicts; roster edits and decisions are.
pub fn field_group(e: &DutyEvent) -> &'static str {
    match e {
        DutyEvent::SlotSet { .. } | DutyEvent::SlotCleared { .. } => "slots",
        DutyEvent::Published { .. } => "published",
        DutyEvent::SlotReplaced { .. } => super::event::APPEND,
        DutyEvent::LeaveRequested { .. } => "request",
        DutyEvent::LeaveApproved { .. } | DutyEvent::LeaveRefused { .. } => "decision",
        DutyEvent::EntryAdded { .. } | DutyEvent::ChainLinked { .. } => super::event::APPEND,
        DutyEvent::LogSigned { .. } => "signoff",
        DutyEvent::HandedOver { .. } => super::event::APPEND,
    }
}

/// DUTY-4 on import (src/sync/merge.rs): checks the duty-log entries and chain links a file
/// brings against the chains this tablet holds (`local` gives a record's stored events).
/// Returns one message per problem, for the import preview.
pub fn import_check(
    new_events: &[super::event::Event],
    local: impl Fn(super::event::RecordRef) -> Vec<super::event::Event>,
) -> Vec<Text> {
    use super::event::EventBody;
    let link = |e: &super::event::Event| match &e.body {
        EventBody::Duty(DutyEvent::ChainLinked {
            chain, seq, hash, ..
        }) => Some((*chain, *seq, hash.clone())),
        _ => None,
    };
    let entries: Vec<LogEntry> = new_events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Duty(DutyEvent::EntryAdded { entry, .. }) => Some((**entry).clone()),
            _ => None,
        })
        .collect();
    let new_links: Vec<_> = new_events.iter().filter_map(link).collect();
    if entries.is_empty() && new_links.is_empty() {
        return vec![];
    }
    let mut chains: Vec<super::event::RecordRef> = new_events
        .iter()
        .filter(|e| e.subject.kind == super::event::RecordKind::DutyChain)
        .map(|e| e.subject)
        .collect();
    chains.sort();
    chains.dedup();
    let mut links = new_links.clone();
    for c in chains {
        links.extend(local(c).iter().filter_map(link));
    }
    log::verify_import(&entries, &links, &new_links)
        .iter()
        .map(|p| p.message())
        .collect()
}

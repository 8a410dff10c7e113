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
use std::borrow::Cow;
use std::collections::BTreeMap;

pub use handover::{HandoverRecord, ItemCheck, ItemState, OpenItem};
pub use log::{Anchor, Anchors, EntryKind, LogEntry};

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
    /// The supervisor read and signed the day's log (DUTY-8). `heads`: every duty-log chain
    /// head the signing tablet held when signing (DUTY-4, issue 12), so an entry dropped later
    /// together with its chain link is still seen to be missing. Absent in sign-offs written
    /// before issue 12 (they serialise as before).
    LogSigned {
        by: StaffId,
        at: i64,
        remark: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        heads: Anchors,
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

/// The last date a log of `date` must be kept to (DUTY-4: 保存期3年, QUAL-4, the retention
/// rule of `domain::retention`). Shown on every log.
pub fn retained_until(date: NaiveDate) -> NaiveDate {
    super::retention::until_date(super::retention::Class::DutyLog, date)
}

/// Field group for sync conflict detection (src/sync/merge.rs): entries, chain links and
/// handovers are append-only, never conflicts; roster edits and decisions are. A roster slot is
/// its own group per day (`slot:2026-12-05`, issue 12, DUTY-1): two tablets filling different
/// days of one month's roster both stay in force, and only the same day set on two tablets is a
/// conflict.
pub fn field_group(e: &DutyEvent) -> Cow<'static, str> {
    match e {
        DutyEvent::SlotSet { date, .. } | DutyEvent::SlotCleared { date } => {
            Cow::Owned(format!("{SLOT_GROUP}{date}"))
        }
        DutyEvent::Published { .. } => "published".into(),
        DutyEvent::SlotReplaced { .. } => super::event::APPEND.into(),
        DutyEvent::LeaveRequested { .. } => "request".into(),
        DutyEvent::LeaveApproved { .. } | DutyEvent::LeaveRefused { .. } => "decision".into(),
        DutyEvent::EntryAdded { .. } | DutyEvent::ChainLinked { .. } => super::event::APPEND.into(),
        DutyEvent::LogSigned { .. } => "signoff".into(),
        DutyEvent::HandedOver { .. } => super::event::APPEND.into(),
    }
}

/// Prefix of a roster day's conflict group; the ISO date follows.
pub const SLOT_GROUP: &str = "slot:";

/// What a duty conflict group is about, for the conflict message: "12月5日的值班" for a
/// roster day's group (issue 12: the message names the day both tablets set).
pub fn group_label(field: &str) -> Option<Text> {
    let date: NaiveDate = field.strip_prefix(SLOT_GROUP)?.parse().ok()?;
    use chrono::Datelike;
    Some(Text::new(
        format!("{}年{}月{}日的值班", date.year(), date.month(), date.day()),
        format!("The duty on {date}"),
    ))
}

/// What an import knows about a file besides its new events, for [`import_check_file`].
#[derive(Clone, Debug, Default)]
pub struct FileAnchors<'a> {
    /// The chain heads the exporter declared in the file header (`chain_heads`).
    pub declared: Anchors,
    /// After the import this tablet holds everything the exporter held (a full file, or an
    /// incremental one starting within what this tablet holds): every entry below an anchored
    /// head must then be here. Otherwise anchors are only compared where the entry is here.
    pub complete: bool,
    /// Events of the file held back (future-dated): present in the file, not imported yet.
    pub held_back: &'a [super::event::Event],
}

/// The duty-log chains an import check reads besides those the new events touch: every chain
/// anchored in the header or in a sign-off among the events (for the store snapshot).
pub fn anchored_chains(
    events: &[super::event::Event],
    declared: &Anchors,
) -> Vec<super::event::RecordRef> {
    let mut out: Vec<_> = declared
        .keys()
        .chain(events.iter().flat_map(|e| signed_heads(e).keys()))
        .map(|c| {
            super::event::RecordRef::new(super::event::RecordKind::DutyChain, log::chain_id(*c))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn signed_heads(e: &super::event::Event) -> &Anchors {
    static NONE: Anchors = BTreeMap::new();
    match &e.body {
        super::event::EventBody::Duty(DutyEvent::LogSigned { heads, .. }) => heads,
        _ => &NONE,
    }
}

/// DUTY-4 on import (src/sync/merge.rs): checks the duty-log entries and chain links a file
/// brings against the chains this tablet holds (`local` gives a record's stored events).
/// Returns one message per problem, for the import preview. Without anchors: see
/// [`import_check_file`].
pub fn import_check(
    new_events: &[super::event::Event],
    local: impl Fn(super::event::RecordRef) -> Vec<super::event::Event>,
) -> Vec<Text> {
    import_check_file(new_events, &FileAnchors::default(), local)
}

/// [`import_check`] with the anchors (issue 12): the header's `chain_heads` and the chain heads
/// recorded by supervisors' sign-offs among the new events. An entry missing at or below an
/// anchored head is reported even when the file dropped the entry *and* its chain link (a
/// doctored backup restored on a tablet that never saw the entry); an anchored hash that differs
/// from the entry's says the entry was altered.
pub fn import_check_file(
    new_events: &[super::event::Event],
    file: &FileAnchors<'_>,
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
    // Anchors: the header's, then every sign-off's (all claims; each is checked).
    let mut anchors: Vec<(DeviceId, Anchor)> =
        file.declared.iter().map(|(c, a)| (*c, a.clone())).collect();
    for e in new_events {
        anchors.extend(signed_heads(e).iter().map(|(c, a)| (*c, a.clone())));
    }
    anchors.retain(|(_, a)| a.seq > 0);
    if entries.is_empty() && new_links.is_empty() && anchors.is_empty() {
        return vec![];
    }
    let mut chains: Vec<super::event::RecordRef> = new_events
        .iter()
        .filter(|e| e.subject.kind == super::event::RecordKind::DutyChain)
        .map(|e| e.subject)
        .collect();
    chains.extend(anchored_chains(new_events, &file.declared));
    chains.sort();
    chains.dedup();
    let mut links = new_links.clone();
    for c in chains {
        links.extend(local(c).iter().filter_map(link));
    }
    // Held-back links are in the file: not missing, only not imported yet.
    links.extend(file.held_back.iter().filter_map(link));
    log::verify_import_anchored(&entries, &links, &new_links, &anchors, file.complete)
        .iter()
        .map(|p| p.message())
        .collect()
}

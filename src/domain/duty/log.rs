//! 值班记录 — the duty log (DUTY-3, DUTY-4, DUTY-8, DUTY-9).
//!
//! Entries are append-only: there is no edit and no delete command, and a correction is a new
//! entry pointing at the one it corrects; both stay visible (DUTY-4 "不得撕页，不得涂改").
//! Each device's entries form a hash chain: an entry carries its sequence number on that device
//! and the hash of the device's previous entry, and its own hash covers both. [`verify`] finds
//! a removed, reordered or changed entry.

use super::{DutyEvent, Post};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::{required, Actor, DomainError};
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::i18n::Text;
use crate::domain::ids::{DeviceId, Id, RecordId, StaffId};
use crate::domain::roles::Action;
use crate::domain::view::{Aggregate, IndexFields};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What an entry is about (DUTY-3's duty work).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// 咨询
    Enquiry,
    /// 求助
    Help,
    /// 事件
    Incident,
    /// 跟进
    FollowUp,
    /// 其他
    #[default]
    Note,
    /// 交接班 (written by the handover)
    Handover,
    /// 突发事件时间线 (written by an emergency playbook, EMG-3)
    Emergency,
    /// 更正 (DUTY-4)
    Correction,
}

impl EntryKind {
    /// The kinds a person picks when writing an entry.
    pub const PICK: [EntryKind; 5] = [
        EntryKind::Enquiry,
        EntryKind::Help,
        EntryKind::Incident,
        EntryKind::FollowUp,
        EntryKind::Note,
    ];
    pub fn label(self) -> Text {
        match self {
            EntryKind::Enquiry => Text::new("咨询", "Enquiry"),
            EntryKind::Help => Text::new("求助", "Help request"),
            EntryKind::Incident => Text::new("事件", "Incident"),
            EntryKind::FollowUp => Text::new("跟进", "Follow-up"),
            EntryKind::Note => Text::new("其他", "Note"),
            EntryKind::Handover => Text::new("交接班", "Handover"),
            EntryKind::Emergency => Text::new("突发事件", "Emergency"),
            EntryKind::Correction => Text::new("更正", "Correction"),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Enquiry => "enquiry",
            EntryKind::Help => "help",
            EntryKind::Incident => "incident",
            EntryKind::FollowUp => "follow_up",
            EntryKind::Note => "note",
            EntryKind::Handover => "handover",
            EntryKind::Emergency => "emergency",
            EntryKind::Correction => "correction",
        }
    }
}

/// One line of the duty log, chained to the device's previous entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// The device whose chain this entry is in.
    pub chain: DeviceId,
    /// 1, 2, 3 … on that device.
    pub seq: u64,
    /// Hash of the device's previous entry ("" for the first).
    pub prev: String,
    /// When it was written (UTC ms).
    pub at: i64,
    pub by: StaffId,
    pub kind: EntryKind,
    /// 工作记录
    pub text: String,
    /// 跟进结果
    pub follow_up: String,
    /// The hash of the entry this one corrects (DUTY-4).
    pub corrects: Option<String>,
    /// The incident this entry belongs to (EMG-3).
    pub incident: Option<RecordId>,
    /// Hex SHA-256 over every field above.
    pub hash: String,
}

#[derive(Serialize)]
struct EntryContent<'a> {
    chain: &'a DeviceId,
    seq: u64,
    prev: &'a str,
    at: i64,
    by: &'a StaffId,
    kind: EntryKind,
    text: &'a str,
    follow_up: &'a str,
    corrects: &'a Option<String>,
    incident: &'a Option<RecordId>,
}

impl LogEntry {
    pub fn compute_hash(&self) -> String {
        let bytes = serde_json::to_vec(&EntryContent {
            chain: &self.chain,
            seq: self.seq,
            prev: &self.prev,
            at: self.at,
            by: &self.by,
            kind: self.kind,
            text: &self.text,
            follow_up: &self.follow_up,
            corrects: &self.corrects,
            incident: &self.incident,
        })
        .expect("entries serialise");
        hex::encode(Sha256::digest(bytes))
    }
    /// Short reference shown beside the entry ("#a1b2c3").
    pub fn short(&self) -> &str {
        &self.hash[..self.hash.len().min(6)]
    }
}

/// An entry as kept in a day's log, with the stamp of the event that wrote it (device order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub stamp: Hlc,
    pub entry: LogEntry,
}

/// The log of one post on one day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DutyLog {
    pub post: Post,
    pub date: Option<NaiveDate>,
    pub entries: Vec<Logged>,
    /// 物业部主任助理确认 (DUTY-8): who, when, remark.
    pub signed: Option<(StaffId, i64, String)>,
    /// The chain heads the sign-offs recorded (DUTY-4, issue 12), highest per chain: checked by
    /// [`verify`] with the stored heads (see [`anchored_heads`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub anchors: Anchors,
}

impl DutyLog {
    /// The entry that corrects `hash`, if any (shown beside the corrected one).
    pub fn corrections_of(&self, hash: &str) -> Vec<&LogEntry> {
        self.entries
            .iter()
            .map(|l| &l.entry)
            .filter(|e| e.corrects.as_deref() == Some(hash))
            .collect()
    }
}

impl Aggregate for DutyLog {
    const KIND: RecordKind = RecordKind::DutyLog;
    fn apply(&mut self, event: &Event) {
        let EventBody::Duty(e) = &event.body else {
            return;
        };
        match e {
            DutyEvent::EntryAdded { post, date, entry } => {
                self.post = *post;
                self.date = Some(*date);
                self.entries.push(Logged {
                    stamp: event.at,
                    entry: (**entry).clone(),
                });
            }
            DutyEvent::LogSigned {
                by,
                at,
                remark,
                heads,
            } => {
                // The first signature stands; every sign-off's anchors are kept.
                if self.signed.is_none() {
                    self.signed = Some((*by, *at, remark.clone()));
                }
                for (c, a) in heads {
                    let e = self.anchors.entry(*c).or_default();
                    if a.seq > e.seq {
                        *e = a.clone();
                    }
                }
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let date = self.date.map(|d| d.to_string()).unwrap_or_default();
        IndexFields {
            status: Some(
                if self.signed.is_some() {
                    "signed"
                } else {
                    "unsigned"
                }
                .into(),
            ),
            search: [
                Some(format!("{}:{date}", self.post.as_str())),
                // Awaiting sign-off, by day (DUTY-4): the supervisor's count of earlier days'
                // unsigned logs is one range count of the index (issue 19).
                (self.signed.is_none() && self.date.is_some()).then(|| unsigned_key(&date)),
            ]
            .into_iter()
            .flatten()
            .collect(),
            title: format!("值班记录 {date}"),
            subtitle: self.post.label().zh,
            ..Default::default()
        }
    }
}

/// The search key of a log awaiting sign-off, by its day ("unsigned|2026-11-23"): the logs
/// unsigned up to a day are one `Filter::Range` from [`UNSIGNED_FROM`] (issue 19).
pub fn unsigned_key(date: &str) -> String {
    format!("unsigned|{date}")
}

/// The first key of [`unsigned_key`]s.
pub const UNSIGNED_FROM: &str = "unsigned|";

/// The log record of a post and day: the same id on every tablet.
pub fn log_id(post: Post, date: NaiveDate) -> RecordId {
    Id::derived(&format!("duty-log:{}:{date}", post.as_str()), 0)
}

/// The day an entry written now belongs to: the duty date while on duty (02:00 belongs to the
/// evening before, DUTY-2), otherwise today.
pub fn log_date(cal: &BusinessCalendar, post: Post, now: i64) -> NaiveDate {
    match post {
        Post::ServiceCentre => cal.duty_date_at(now).unwrap_or_else(|| cal.local_date(now)),
        Post::FrontDesk => cal.local_date(now),
    }
}

/// The newest entry of one device's chain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyChain {
    pub chain: DeviceId,
    pub seq: u64,
    pub hash: String,
}

impl Aggregate for DutyChain {
    const KIND: RecordKind = RecordKind::DutyChain;
    fn apply(&mut self, event: &Event) {
        if let EventBody::Duty(DutyEvent::ChainLinked {
            chain, seq, hash, ..
        }) = &event.body
        {
            // The highest seq wins: an out-of-order import never moves the head back.
            if *seq > self.seq {
                self.chain = *chain;
                self.seq = *seq;
                self.hash = hash.clone();
            }
        }
    }
    fn index(&self) -> IndexFields {
        IndexFields {
            title: format!("chain {}", self.chain.short()),
            subtitle: self.seq.to_string(),
            ..Default::default()
        }
    }
}

pub fn chain_id(device: DeviceId) -> RecordId {
    Id::derived(&format!("duty-chain:{device}"), 0)
}

/// A chain head recorded somewhere a dropped entry can't erase it (DUTY-4, issue 12): in the
/// supervisor's sign-off (`LogSigned.heads`) and in the export file's header (`chain_heads`).
/// The number and hash of the newest entry of one device's chain.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Anchor {
    pub seq: u64,
    pub hash: String,
}

/// Anchored chain heads by device.
pub type Anchors = BTreeMap<DeviceId, Anchor>;

/// The heads as anchors (the highest per chain; chains without entries left out).
pub fn anchors_of(heads: &[DutyChain]) -> Anchors {
    let mut out = Anchors::new();
    for h in heads.iter().filter(|h| h.seq > 0) {
        let e = out.entry(h.chain).or_default();
        if h.seq > e.seq {
            *e = Anchor {
                seq: h.seq,
                hash: h.hash.clone(),
            };
        }
    }
    out
}

/// The chain heads among `events` (their `ChainLinked` links, the highest per chain): what an
/// exporter declares in the file header.
pub fn heads_of(events: &[Event]) -> Anchors {
    let mut out = Anchors::new();
    for e in events {
        if let EventBody::Duty(DutyEvent::ChainLinked {
            chain, seq, hash, ..
        }) = &e.body
        {
            let a = out.entry(*chain).or_default();
            if *seq > a.seq {
                *a = Anchor {
                    seq: *seq,
                    hash: hash.clone(),
                };
            }
        }
    }
    out
}

/// The sign-offs' anchors of these logs as heads, to pass to [`verify`] beside the stored
/// chain heads: on a tablet restored from a backup that dropped an entry and its link, the
/// stored head is short, but the sign-off still names the entry.
pub fn anchored_heads(logs: &[DutyLog]) -> Vec<DutyChain> {
    logs.iter()
        .flat_map(|l| l.anchors.iter())
        .map(|(c, a)| DutyChain {
            chain: *c,
            seq: a.seq,
            hash: a.hash.clone(),
        })
        .collect()
}

/// What a new entry needs to say; the command fills in the chain fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewEntry {
    pub kind: EntryKind,
    pub text: String,
    pub follow_up: String,
    pub incident: Option<RecordId>,
}

/// Builds the drafts of one or more entries appended to a device's chain (no role check: the
/// callers check theirs). `head` is the chain as stored now; it is advanced in place so one
/// command can write several entries.
pub fn chain_entries(
    head: &mut DutyChain,
    by: StaffId,
    post: Post,
    date: NaiveDate,
    now: i64,
    entries: Vec<(NewEntry, Option<String>)>,
) -> Vec<Draft> {
    let log = log_id(post, date);
    let mut out = Vec::new();
    for (n, corrects) in entries {
        let mut e = LogEntry {
            chain: head.chain,
            seq: head.seq + 1,
            prev: head.hash.clone(),
            at: now,
            by,
            kind: n.kind,
            text: n.text,
            follow_up: n.follow_up,
            corrects,
            incident: n.incident,
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        head.seq = e.seq;
        head.hash = e.hash.clone();
        out.push(Draft {
            subject: RecordRef::new(RecordKind::DutyLog, log),
            body: EventBody::Duty(DutyEvent::EntryAdded {
                post,
                date,
                entry: Box::new(e.clone()),
            }),
        });
        out.push(Draft {
            subject: RecordRef::new(RecordKind::DutyChain, chain_id(head.chain)),
            body: EventBody::Duty(DutyEvent::ChainLinked {
                chain: head.chain,
                seq: e.seq,
                hash: e.hash,
                log,
            }),
        });
    }
    out
}

fn not_signed(log: &DutyLog) -> Result<(), DomainError> {
    if log.signed.is_some() {
        return Err(DomainError::invalid(
            "这一天的值班记录主管已签阅，不能再添加；请记在今天的值班记录中",
            "The supervisor has signed this day's log; write in today's log instead",
        ));
    }
    Ok(())
}

/// The person on duty writes an entry (DUTY-3, DUTY-4).
#[allow(clippy::too_many_arguments)]
pub fn add_entry(
    actor: &Actor,
    head: &DutyChain,
    log: &DutyLog,
    post: Post,
    date: NaiveDate,
    entry: NewEntry,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDutyLog)?;
    not_signed(log)?;
    let text = required(&entry.text, Text::new("工作记录", "the work record"))?;
    if entry.kind == EntryKind::Correction {
        return Err(DomainError::invalid(
            "更正请用更正功能",
            "Use Correct for a correction",
        ));
    }
    let mut head = head.clone();
    Ok(chain_entries(
        &mut head,
        actor.id,
        post,
        date,
        now,
        vec![(
            NewEntry {
                text,
                follow_up: entry.follow_up.trim().into(),
                ..entry
            },
            None,
        )],
    ))
}

/// A correction: a new entry in the same day's log pointing at the entry it corrects; the
/// corrected entry stays as written (DUTY-4).
pub fn correct_entry(
    actor: &Actor,
    head: &DutyChain,
    log: &DutyLog,
    corrected: &str,
    text: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDutyLog)?;
    not_signed(log)?;
    let text = required(text, Text::new("更正内容", "the correction"))?;
    let Some(date) = log.date else {
        return Err(DomainError::NotFound(Text::new(
            "找不到值班记录",
            "Log not found",
        )));
    };
    if !log.entries.iter().any(|l| l.entry.hash == corrected) {
        return Err(DomainError::NotFound(Text::new(
            "找不到要更正的记录",
            "The entry to correct was not found",
        )));
    }
    let mut head = head.clone();
    Ok(chain_entries(
        &mut head,
        actor.id,
        log.post,
        date,
        now,
        vec![(
            NewEntry {
                kind: EntryKind::Correction,
                text,
                ..Default::default()
            },
            Some(corrected.to_string()),
        )],
    ))
}

/// The supervisor reads and signs a day's log (DUTY-8). A day not yet over can't be signed.
/// `heads`: the duty-log chain heads this tablet holds (every `duty_chain` record), recorded
/// in the sign-off as anchors (DUTY-4, issue 12).
#[allow(clippy::too_many_arguments)]
pub fn sign_log(
    actor: &Actor,
    id: RecordId,
    log: &DutyLog,
    remark: &str,
    today: NaiveDate,
    now: i64,
    heads: &[DutyChain],
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ReviewDutyLog)?;
    if log.signed.is_some() {
        return Err(DomainError::invalid("已签阅", "Already signed"));
    }
    let Some(date) = log.date else {
        return Err(DomainError::NotFound(Text::new(
            "找不到值班记录",
            "Log not found",
        )));
    };
    if date >= today {
        return Err(DomainError::invalid(
            "当天的值班还没结束，明天上班时再签阅",
            "This duty is not over yet; sign it tomorrow morning",
        ));
    }
    Ok(vec![Draft {
        subject: RecordRef::new(RecordKind::DutyLog, id),
        body: EventBody::Duty(DutyEvent::LogSigned {
            by: actor.id,
            at: now,
            remark: remark.trim().into(),
            heads: anchors_of(heads),
        }),
    }])
}

// ----- verification -----------------------------------------------------------------------

/// What verification found wrong in a chain.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChainProblem {
    /// The entry's content no longer matches its hash, or the next entry's link (altered).
    Changed { chain: DeviceId, seq: u64 },
    /// An entry of the chain is missing (a page torn out).
    Removed { chain: DeviceId, seq: u64 },
    /// Entries `from..=to` of the chain are missing (import check: one line for a long gap).
    RemovedRange { chain: DeviceId, from: u64, to: u64 },
    /// The entry is stored out of its written order.
    Reordered { chain: DeviceId, seq: u64 },
    /// Two different entries claim the same place.
    Forked { chain: DeviceId, seq: u64 },
}

impl ChainProblem {
    pub fn message(&self) -> Text {
        match self {
            ChainProblem::Changed { chain, seq } => Text::new(
                format!("平板 {} 第{seq}条记录被改动", chain.short()),
                format!("Entry {seq} of tablet {} was altered", chain.short()),
            ),
            ChainProblem::Removed { chain, seq } => Text::new(
                format!("平板 {} 第{seq}条记录缺失", chain.short()),
                format!("Entry {seq} of tablet {} is missing", chain.short()),
            ),
            ChainProblem::RemovedRange { chain, from, to } => Text::new(
                format!("平板 {} 第{from}–{to}条记录缺失", chain.short()),
                format!(
                    "Entries {from}–{to} of tablet {} are missing",
                    chain.short()
                ),
            ),
            ChainProblem::Reordered { chain, seq } => Text::new(
                format!("平板 {} 第{seq}条记录顺序被打乱", chain.short()),
                format!("Entry {seq} of tablet {} is out of order", chain.short()),
            ),
            ChainProblem::Forked { chain, seq } => Text::new(
                format!("平板 {} 第{seq}条记录有两个版本", chain.short()),
                format!("Entry {seq} of tablet {} exists twice", chain.short()),
            ),
        }
    }
}

/// The result of [`verify`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: usize,
    pub chains: usize,
    pub problems: Vec<ChainProblem>,
}

impl ChainReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies every device chain (DUTY-4). `entries` in stored order (each device's write
/// order); `heads` the chain heads as recorded, which reveal a removed last entry.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a LogEntry>,
    heads: &[DutyChain],
) -> ChainReport {
    let mut by_chain: BTreeMap<DeviceId, Vec<&LogEntry>> = BTreeMap::new();
    let mut n = 0;
    for e in entries {
        n += 1;
        by_chain.entry(e.chain).or_default().push(e);
    }
    for h in heads {
        by_chain.entry(h.chain).or_default();
    }
    let mut problems = Vec::new();
    for (&chain, list) in &by_chain {
        // Changed: content vs own hash.
        for e in list {
            if e.compute_hash() != e.hash {
                problems.push(ChainProblem::Changed { chain, seq: e.seq });
            }
        }
        // Reordered: read order must follow seq.
        let mut max_seen = 0;
        for e in list {
            if e.seq < max_seen {
                problems.push(ChainProblem::Reordered { chain, seq: e.seq });
            }
            max_seen = max_seen.max(e.seq);
        }
        let mut sorted: BTreeMap<u64, &LogEntry> = BTreeMap::new();
        for e in list {
            if let Some(other) = sorted.insert(e.seq, e) {
                if other.hash != e.hash {
                    problems.push(ChainProblem::Forked { chain, seq: e.seq });
                }
            }
        }
        let head = heads
            .iter()
            .filter(|h| h.chain == chain)
            .map(|h| h.seq)
            .max()
            .unwrap_or(0);
        // A head (stored, or anchored by a sign-off) names its entry's hash: another hash there
        // means the entry was altered.
        for h in heads.iter().filter(|h| h.chain == chain && h.seq > 0) {
            if sorted.get(&h.seq).is_some_and(|e| e.hash != h.hash) {
                problems.push(ChainProblem::Changed { chain, seq: h.seq });
            }
        }
        let last = head.max(sorted.keys().next_back().copied().unwrap_or(0));
        // Removed: every seq from 1 to the head must be present.
        gaps(chain, sorted.keys().copied(), last, &mut problems);
        // Links: an entry's `prev` is the stored hash of the one before; a mismatch means the
        // one before was altered and re-hashed.
        for (&seq, e) in &sorted {
            let expected = if seq == 1 {
                Some(String::new())
            } else {
                sorted.get(&(seq - 1)).map(|p| p.hash.clone())
            };
            if let Some(expected) = expected {
                if e.prev != expected {
                    let bad = ChainProblem::Changed {
                        chain,
                        seq: seq.saturating_sub(1).max(1),
                    };
                    if !problems.contains(&bad) {
                        problems.push(bad);
                    }
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    ChainReport {
        entries: n,
        chains: by_chain.len(),
        problems,
    }
}

/// Every entry of the given logs in each device's write order (for [`verify`]).
pub fn entries_in_write_order(logs: &[DutyLog]) -> Vec<LogEntry> {
    let mut all: Vec<&Logged> = logs.iter().flat_map(|l| l.entries.iter()).collect();
    all.sort_by_key(|l| l.stamp);
    all.into_iter().map(|l| l.entry.clone()).collect()
}

/// The duty-log check on import (DUTY-4): `new_entries` are the entries a file brings that this
/// tablet doesn't hold, `links` every chain link known after the import (this tablet's and the
/// file's: device, seq, hash) and `new_links` the file's new ones. Finds an entry altered in
/// the file, a torn-out entry (its link without it, or a gap in a chain), and a broken link.
pub fn verify_import(
    new_entries: &[LogEntry],
    links: &[(DeviceId, u64, String)],
    new_links: &[(DeviceId, u64, String)],
) -> Vec<ChainProblem> {
    verify_import_anchored(new_entries, links, new_links, &[], false)
}

/// [`verify_import`] with anchored heads (issue 12: the file header's and the sign-offs'). An
/// anchored entry present with another hash is `Changed`; when `complete` (this tablet will hold
/// everything the exporter held), every entry up to an anchored head must be present, as a
/// link or a new entry, or it is `Removed`: a file that dropped an entry together with its link
/// no longer goes unnoticed.
pub fn verify_import_anchored(
    new_entries: &[LogEntry],
    links: &[(DeviceId, u64, String)],
    new_links: &[(DeviceId, u64, String)],
    anchors: &[(DeviceId, Anchor)],
    complete: bool,
) -> Vec<ChainProblem> {
    let mut known: BTreeMap<DeviceId, BTreeMap<u64, &str>> = BTreeMap::new();
    for (c, s, h) in links {
        known.entry(*c).or_default().insert(*s, h.as_str());
    }
    let mut problems = Vec::new();
    for e in new_entries {
        let chain = e.chain;
        if e.compute_hash() != e.hash {
            problems.push(ChainProblem::Changed { chain, seq: e.seq });
        }
        let links = known.get(&chain);
        if let Some(h) = links.and_then(|l| l.get(&e.seq)) {
            if *h != e.hash {
                problems.push(ChainProblem::Forked { chain, seq: e.seq });
            }
        }
        if e.seq > 1 {
            match links.and_then(|l| l.get(&(e.seq - 1))) {
                Some(p) if *p != e.prev => problems.push(ChainProblem::Changed {
                    chain,
                    seq: e.seq - 1,
                }),
                None => problems.push(ChainProblem::Removed {
                    chain,
                    seq: e.seq - 1,
                }),
                _ => {}
            }
        }
    }
    for (c, s, _) in new_links {
        if !new_entries.iter().any(|e| e.chain == *c && e.seq == *s) {
            problems.push(ChainProblem::Removed { chain: *c, seq: *s });
        }
    }
    for (&chain, l) in &known {
        let last = l.keys().next_back().copied().unwrap_or(0);
        gaps(chain, l.keys().copied(), last, &mut problems);
    }
    // Anchors: what the chain held when its head was recorded elsewhere. Present = a link
    // known after the import, or a new entry.
    let mut present = known.clone();
    for e in new_entries {
        present
            .entry(e.chain)
            .or_default()
            .entry(e.seq)
            .or_insert(e.hash.as_str());
    }
    let mut highest: BTreeMap<DeviceId, u64> = BTreeMap::new();
    for (chain, a) in anchors {
        let here = present.get(chain).and_then(|l| l.get(&a.seq));
        if here.is_some_and(|h| *h != a.hash) {
            problems.push(ChainProblem::Changed {
                chain: *chain,
                seq: a.seq,
            });
        }
        let m = highest.entry(*chain).or_default();
        *m = (*m).max(a.seq);
    }
    if complete {
        for (chain, last) in highest {
            let seqs = present
                .get(&chain)
                .into_iter()
                .flat_map(|l| l.keys().copied());
            gaps(chain, seqs, last, &mut problems);
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// The numbers missing from `1..=last` among `seqs` (ascending), one problem per gap: a file's
/// numbers are not trusted to be small, so a gap is never walked one number at a time.
fn gaps(chain: DeviceId, seqs: impl Iterator<Item = u64>, last: u64, out: &mut Vec<ChainProblem>) {
    let mut next = 1u64;
    let gap = |from: u64, to: u64, out: &mut Vec<ChainProblem>| {
        if from == to {
            out.push(ChainProblem::Removed { chain, seq: from });
        } else if from < to {
            out.push(ChainProblem::RemovedRange { chain, from, to });
        }
    };
    for s in seqs.take_while(|s| *s <= last) {
        if s > next {
            gap(next, s - 1, out);
        }
        next = next.max(s.saturating_add(1));
    }
    if last >= next {
        gap(next, last, out);
    }
}

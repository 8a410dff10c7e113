//! Retention (QUAL-4, VIO-9, DUTY-4): how long a closed record is kept. General violations a
//! year, major violations five years, the duty log three years; the rest by a setting. Nothing
//! is destroyed silently: a record past its date only appears on the Director's review list.

use super::calendar::BusinessCalendar;
use super::violations::Severity;
use chrono::{Datelike, Months, NaiveDate};

/// What a record is kept as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// 一般违章: 1 year (VIO-9).
    GeneralViolation,
    /// 重大违章: 5 years (VIO-9).
    MajorViolation,
    /// 值班记录: 3 years (DUTY-4).
    DutyLog,
    /// Everything else: the estate's setting, in years.
    Other(u32),
}

/// QUAL-4 "the rest per setting": the default years of other records, and the range the
/// Director may set (`Settings::retention_other_years`).
pub const DEFAULT_OTHER_YEARS: u32 = 3;
pub const OTHER_YEARS: std::ops::RangeInclusive<u32> = 1..=30;

impl Class {
    /// A record that is neither a violation nor the duty log: the estate's setting (QUAL-4).
    pub fn other(settings: &super::estate::Settings) -> Class {
        Class::Other(settings.retention_other_years)
    }
    pub fn for_violation(s: Severity) -> Class {
        match s {
            Severity::General => Class::GeneralViolation,
            Severity::Major => Class::MajorViolation,
        }
    }
    /// Years kept (QUAL-4).
    pub fn years(self) -> u32 {
        match self {
            Class::GeneralViolation => 1,
            Class::MajorViolation => 5,
            Class::DutyLog => 3,
            Class::Other(y) => y,
        }
    }
}

/// The last date a record of `date` is kept to: the same date `years` later; 29 Feb has no
/// anniversary in a common year and is kept until 1 March (never purged a day early).
pub fn until_date(class: Class, date: NaiveDate) -> NaiveDate {
    let y = date.year() + class.years() as i32;
    date.with_year(y)
        .or_else(|| NaiveDate::from_ymd_opt(y, 3, 1))
        .unwrap_or(date)
}

/// Kept until the same local time on [`until_date`], in estate time.
pub fn kept_until(class: Class, closed: i64) -> i64 {
    let cal = BusinessCalendar::default();
    let local = cal.to_local(closed);
    cal.from_local(until_date(class, local.date()).and_time(local.time()))
}

/// Kept until, for a record kept by the estate's "other records" setting (QUAL-4).
pub fn other_kept_until(settings: &super::estate::Settings, closed: i64) -> i64 {
    kept_until(Class::other(settings), closed)
}

/// Search-index key of the records whose retention ends in a month (`keep|2027-10`): the
/// review list reads the months up to now, never every record.
pub fn keep_key(kept_until: i64) -> String {
    format!("keep|{}", super::calendar::month_key(kept_until))
}

/// The months whose `keep|` keys the review list reads at `now`: from `first` (the oldest
/// month anything could expire in) up to and including the current one.
pub fn review_months(first: &str, now: i64) -> Vec<String> {
    let cal = BusinessCalendar::default();
    let today = cal.local_date(now);
    let Ok(mut d) = NaiveDate::parse_from_str(&format!("{first}-01"), "%Y-%m-%d") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while d <= today && out.len() < 1200 {
        out.push(d.format("%Y-%m").to_string());
        let Some(next) = d.checked_add_months(Months::new(1)) else {
            break;
        };
        d = next;
    }
    out
}

// ----- archive and purge (VIO-9, QUAL-4) -------------------------------------------------------

use super::command::{Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{Id, StaffId};
use super::roles::Action;
use super::view::{Aggregate, IndexFields, View};
use serde::{Deserialize, Serialize};

/// What travels when a record is purged: the Director's decision, and what stays of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum RetentionEvent {
    /// The record's events were archived into a file and are removed from every tablet that
    /// receives this event; this tombstone stays (that the record existed, its one-line title,
    /// when it was kept until, the archive's SHA-256, who purged it and when).
    Purged {
        record: RecordRef,
        title: String,
        kept_until: i64,
        /// SHA-256 (hex) of the archive file the record's events were written into.
        archive: String,
        events: u32,
        at: i64,
        by: StaffId,
    },
}

impl RetentionEvent {
    pub fn label(&self) -> Text {
        match self {
            RetentionEvent::Purged { .. } => Text::new("过期资料已归档清理", "Archived and purged"),
        }
    }
}

/// The tombstone of a purged record (record kind `purged`, one per purged record, its id
/// derived from the record's): the fact that it existed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tombstone {
    pub record: Option<RecordRef>,
    pub title: String,
    pub kept_until: i64,
    pub archive: String,
    pub events: u32,
    pub at: i64,
    pub by: Option<StaffId>,
}

impl Aggregate for Tombstone {
    const KIND: RecordKind = RecordKind::Purged;
    fn apply(&mut self, event: &Event) {
        let EventBody::Retention(RetentionEvent::Purged {
            record,
            title,
            kept_until,
            archive,
            events,
            at,
            by,
        }) = &event.body
        else {
            return;
        };
        if self.record.is_none() {
            *self = Tombstone {
                record: Some(*record),
                title: title.clone(),
                kept_until: *kept_until,
                archive: archive.clone(),
                events: *events,
                at: *at,
                by: Some(*by),
            };
        }
    }
    fn index(&self) -> IndexFields {
        IndexFields {
            status: Some("purged".into()),
            search: self
                .record
                .map(|r| vec![format!("purged|{}", r.kind.as_str())])
                .unwrap_or_default(),
            title: self.title.clone(),
            ..Default::default()
        }
    }
}

/// The tombstone of `record` (the same id on every tablet).
pub fn tombstone_ref(record: RecordRef) -> RecordRef {
    RecordRef::new(
        RecordKind::Purged,
        Id::derived(&format!("purged:{}", record.key()), 0),
    )
}

/// Kinds whose records may be purged: violations (VIO-9). The duty log is chained (DUTY-4)
/// and is not purged record by record.
pub fn purgeable(kind: RecordKind) -> bool {
    kind == RecordKind::Violation
}

/// The archive of records before a purge: their events as JSON lines, verbatim (each line is
/// an event as stored and exported, `Event::to_json`), and its SHA-256.
pub fn archive(events: &[Event]) -> (String, String) {
    use sha2::{Digest, Sha256};
    let mut text = String::new();
    for e in events {
        text.push_str(&e.to_json());
        text.push('\n');
    }
    let hash = hex::encode(Sha256::digest(text.as_bytes()));
    (text, hash)
}

/// The Director purges a record past its retention date once it is archived (VIO-9, QUAL-4):
/// refused for anyone else, before the date, for a record still open, or for a kind that is
/// not purged record by record.
pub fn purge(
    actor: &Actor,
    view: &View,
    kept_until: Option<i64>,
    archive_hash: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::PurgeRecords)?;
    let record = view.subject();
    if !purgeable(record.kind) {
        return Err(DomainError::invalid(
            "此类资料不能逐条清理",
            "Records of this kind are not purged one by one",
        ));
    }
    let Some(kept_until) = kept_until else {
        return Err(DomainError::invalid(
            "未结案的资料没有保存期，不能清理",
            "An open record has no retention date and cannot be purged",
        ));
    };
    if kept_until > now {
        return Err(DomainError::invalid(
            "未到保存期，不能清理",
            "Not past its retention date yet",
        ));
    }
    if archive_hash.len() != 64 {
        return Err(DomainError::invalid(
            "请先归档导出",
            "Archive the record into a file first",
        ));
    }
    Ok(vec![Draft {
        subject: tombstone_ref(record),
        body: EventBody::Retention(RetentionEvent::Purged {
            record,
            title: view.title.clone(),
            kept_until,
            archive: archive_hash.into(),
            events: view.events,
            at: now,
            by: actor.id,
        }),
    }])
}

/// The records purged by these events (admitted ones only: the caller decides).
pub fn purged_records<'a>(events: impl IntoIterator<Item = &'a Event>) -> Vec<RecordRef> {
    events
        .into_iter()
        .filter_map(|e| match &e.body {
            EventBody::Retention(RetentionEvent::Purged { record, .. })
                if purgeable(record.kind) =>
            {
                Some(*record)
            }
            _ => None,
        })
        .collect()
}

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

// ----- kept-until of every kind (QUAL-4) --------------------------------------------------

/// How a record kind is kept (QUAL-4). Every kind has a rule: the match in [`rule`] has no
/// `_` arm, so a new kind does not compile without one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Master data and configuration (the estate, staff, buildings, units, routes …): kept while
    /// in use, never due for review.
    WhileInUse,
    /// Violations: by severity from closing (VIO-9), their own `keep|<month of kept-until>` key.
    Violation,
    /// A fixed class from the record's last entry (the duty log, 3 years, DUTY-4).
    Fixed(Class),
    /// The estate's "other records" setting from the record's last entry (QUAL-4).
    Setting,
}

impl Rule {
    /// The class of a record of this rule under the estate's settings (none while in use).
    pub fn class(self, settings: &super::estate::Settings) -> Option<Class> {
        match self {
            Rule::WhileInUse | Rule::Violation => None,
            Rule::Fixed(c) => Some(c),
            Rule::Setting => Some(Class::other(settings)),
        }
    }
}

/// The retention rule and the name of every record kind (QUAL-4).
pub fn rule(kind: RecordKind) -> (Rule, Text) {
    use RecordKind::*;
    use Rule::{Fixed, Setting, WhileInUse};
    let t = Text::new;
    match kind {
        Estate => (WhileInUse, t("小区设置", "Estate settings")),
        Staff => (WhileInUse, t("员工", "Staff")),
        Building => (WhileInUse, t("楼栋", "Buildings")),
        Unit => (WhileInUse, t("房号", "Units")),
        Household => (WhileInUse, t("住户", "Households")),
        Facility => (WhileInUse, t("公共设施", "Facilities")),
        Checkpoint => (WhileInUse, t("巡查点", "Checkpoints")),
        PatrolRoute => (WhileInUse, t("巡查路线", "Patrol routes")),
        Device => (WhileInUse, t("平板", "Tablets")),
        TrainingMatrix => (WhileInUse, t("岗位培训表", "Training matrix")),
        FeeItem => (WhileInUse, t("收费标准", "Fee schedule")),
        // The chain head of the duty log: kept with the log it heads.
        DutyChain => (WhileInUse, t("值班记录链", "Duty-log chain")),
        // A tombstone is the fact that a record existed: never reviewed again.
        Purged => (WhileInUse, t("已清理记录", "Purged records")),
        RecordKind::Violation => (Rule::Violation, t("违章记录", "Violations")),
        DutyLog => (Fixed(Class::DutyLog), t("值班记录", "Duty logs")),
        Complaint => (Setting, t("客户投诉", "Complaints")),
        Callback => (Setting, t("回访记录", "Callbacks")),
        HelpRequest => (Setting, t("客户求助", "Help requests")),
        PatrolRound => (Setting, t("巡查记录", "Patrol rounds")),
        PatrolFinding => (Setting, t("巡查发现", "Patrol findings")),
        CleaningCheck => (Setting, t("清洁工作检查记录", "Cleaning inspections")),
        ViolationDraft => (Setting, t("装修违章记录草稿", "Violation drafts")),
        WorkOrder => (Setting, t("工单", "Work orders")),
        Roster => (Setting, t("值班安排表", "Duty rosters")),
        DutyLeave => (Setting, t("请假记录", "Leave requests")),
        Handover => (Setting, t("交接班记录", "Handovers")),
        Incident => (Setting, t("突发事件", "Incidents")),
        TrainingRecord => (Setting, t("员工培训记录", "Training records")),
        Discipline => (Setting, t("违纪处理记录", "Discipline records")),
        CashDay => (Setting, t("现金日结", "Cash days")),
        Mail => (Setting, t("业主信件", "Registered mail")),
        Subscription => (Setting, t("客户订报", "Subscriptions")),
        PaperDay => (Setting, t("报刊分拣", "Newspaper days")),
        Consignment => (Setting, t("代售品", "Consignments")),
        PaidReconciliation => (
            Setting,
            t("有偿服务月度对账", "Paid-service reconciliations"),
        ),
        MonthlyReview => (Setting, t("月度呈报", "Monthly results")),
        Forum => (Setting, t("业主座谈会", "Residents' forums")),
        MoveInBatch => (Setting, t("入伙批次", "Move-in batches")),
        MoveInSession => (Setting, t("入伙手续", "Move-in sessions")),
        Survey => (Setting, t("用户意见调查", "Satisfaction surveys")),
        ArrearsMonth => (Setting, t("欠费清单", "Arrears lists")),
        QualityYear => (Setting, t("质量年度记录", "Quality years")),
        CorrectiveAction => (Setting, t("纠正措施", "Corrective actions")),
    }
}

/// Search-index key (without the kind prefix) of the month a record's retention runs from: its
/// last entry (`ret|2026-10`). The years are applied when reading, so a changed "other
/// records" setting needs no refold. Violations keep their own `keep|` key.
pub fn ret_key(last_entry: i64) -> String {
    format!("ret|{}", super::calendar::month_key(last_entry))
}

/// The index key a record of `kind` carries for QUAL-4 (added to every view by the fold).
pub fn index_key(kind: RecordKind, last_entry: i64) -> Option<String> {
    match rule(kind).0 {
        Rule::Fixed(_) | Rule::Setting => Some(ret_key(last_entry)),
        Rule::WhileInUse | Rule::Violation => None,
    }
}

/// A record's kept-until date by its kind and last entry (`None` for kinds kept while in
/// use; violations compute theirs from severity and closing).
pub fn kept_until_of(
    kind: RecordKind,
    last_entry: i64,
    settings: &super::estate::Settings,
) -> Option<i64> {
    rule(kind)
        .0
        .class(settings)
        .map(|c| kept_until(c, last_entry))
}

/// The one range read of the records of `kind` past retention at `now` (QUAL-4): search keys
/// from `(from, to)` as a `Filter::Range`. Violations: `keep|` up to this month (the caller
/// checks the day). The rest: `ret|` up to the last month whose every day is `years` past —
/// a record is listed from the first of the month after its date, never a day early.
pub fn review_range(
    kind: RecordKind,
    settings: &super::estate::Settings,
    now: i64,
) -> Option<(String, String)> {
    let (r, _) = rule(kind);
    if r == Rule::Violation {
        return Some(("keep|".into(), keep_key(now)));
    }
    let years = r.class(settings)?.years();
    let today = BusinessCalendar::default().local_date(now);
    let first = today.with_day(1)?;
    // The month before the one `years` ago: every record of it is past by now.
    let last_month = first
        .checked_sub_months(Months::new(12 * years))?
        .checked_sub_months(Months::new(1))?;
    Some(("ret|".into(), format!("ret|{}", last_month.format("%Y-%m"))))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::complaints::{register_help, ComplaintSettings, HelpIntake, HelpKind};
    use crate::domain::estate::Settings;
    use crate::domain::ids::RecordId;
    use crate::domain::roles::Role;
    use crate::store::{Filter, Query, Store};
    use crate::testkit::{open, sid, staffed};
    use futures::executor::block_on;

    fn at(y: i32, m: u32, d: u32) -> i64 {
        BusinessCalendar::default().from_local(
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
        )
    }

    /// QUAL-4: every kind has a rule; its kept-until date from the last entry is the duty log's
    /// 3 years, the estate's setting for the rest, none for records kept while in use.
    #[test]
    fn qual_4_every_kind_has_a_kept_until_rule() {
        let mut s = Settings::default();
        let closed = at(2023, 10, 9);
        for kind in RecordKind::ALL {
            let (r, name) = rule(kind);
            assert!(!name.zh.is_empty() && !name.en.is_empty());
            let kept = kept_until_of(kind, closed, &s);
            match r {
                Rule::WhileInUse | Rule::Violation => assert_eq!(kept, None, "{kind:?}"),
                Rule::Fixed(_) | Rule::Setting => assert_eq!(kept, Some(at(2026, 10, 9))),
            }
            assert_eq!(
                index_key(kind, closed).is_some(),
                kept.is_some(),
                "{kind:?}"
            );
        }
        assert_eq!(rule(RecordKind::Staff).0, Rule::WhileInUse);
        assert_eq!(rule(RecordKind::Violation).0, Rule::Violation);
        assert_eq!(rule(RecordKind::DutyLog).0, Rule::Fixed(Class::DutyLog));
        // The setting changes the rest, never the duty log (DUTY-4).
        s.retention_other_years = 7;
        assert_eq!(
            kept_until_of(RecordKind::WorkOrder, closed, &s),
            Some(at(2030, 10, 9))
        );
        assert_eq!(
            kept_until_of(RecordKind::DutyLog, closed, &s),
            Some(at(2026, 10, 9))
        );
        assert_eq!(kept_until_of(RecordKind::Building, closed, &s), None);
        assert_eq!(
            index_key(RecordKind::Complaint, closed).unwrap(),
            "ret|2023-10"
        );
    }

    /// QUAL-4: the review reads one range per kind: records whose last-entry month is the
    /// month before the one `years` ago or older (never a day early); violations by their own
    /// `keep|` kept-until month up to now.
    #[test]
    fn qual_4_review_range_per_kind() {
        let mut s = Settings::default();
        let now = at(2026, 11, 30);
        assert_eq!(
            review_range(RecordKind::Complaint, &s, now),
            Some(("ret|".into(), "ret|2023-10".into()))
        );
        assert_eq!(
            review_range(RecordKind::DutyLog, &s, now),
            Some(("ret|".into(), "ret|2023-10".into()))
        );
        assert_eq!(
            review_range(RecordKind::Violation, &s, now),
            Some(("keep|".into(), "keep|2026-11".into()))
        );
        assert_eq!(review_range(RecordKind::Unit, &s, now), None);
        s.retention_other_years = 1;
        assert_eq!(
            review_range(RecordKind::WorkOrder, &s, now),
            Some(("ret|".into(), "ret|2025-10".into()))
        );
        assert_eq!(
            review_range(RecordKind::DutyLog, &s, now),
            Some(("ret|".into(), "ret|2023-10".into()))
        );
    }

    /// QUAL-4: the fold gives every kept record its `ret|` key; the review list is one range
    /// read of the search index per kind, holding exactly the records past their date.
    #[test]
    fn qual_4_fold_keys_and_the_review_list_range_read() {
        let director = sid(1);
        let app = open(Default::default(), 1);
        staffed(&app, at(2022, 1, 3), &[(director, &[Role::Director])]);
        let actor = Actor {
            id: director,
            roles: [Role::Director].into(),
        };
        let intake = HelpIntake {
            kind: HelpKind::ALL[0],
            household: None,
            unit: None,
            place: "5号楼 802".into(),
            caller: "王女士".into(),
            phone: "13900139000".into(),
            address: "5号楼 802".into(),
            what: "开门".into(),
            needs_supervisor: false,
        };
        let cal = BusinessCalendar::default();
        // Help requests registered on three dates (their last entry).
        for (n, t) in [at(2023, 9, 30), at(2023, 10, 31), at(2023, 11, 1)]
            .into_iter()
            .enumerate()
        {
            let id: RecordId = Id::derived("help", n as u64);
            let d =
                register_help(&actor, id, &intake, t, &ComplaintSettings::default(), &cal).unwrap();
            block_on(app.record(t, Some(director), d)).unwrap();
        }
        let views = block_on(app.query(&Query::all(RecordKind::HelpRequest))).unwrap();
        assert_eq!(views.len(), 3);
        assert!(views
            .iter()
            .any(|v| v.search.contains(&"help_request|ret|2023-10".to_string())));
        // Staff records are kept while in use: no key.
        let staff = block_on(app.query(&Query::all(RecordKind::Staff))).unwrap();
        assert!(staff
            .iter()
            .all(|v| v.search.iter().all(|k| !k.contains("|ret|"))));
        // 30 Nov 2026, three years: September and October 2023 are past, November not yet.
        let s = Settings::default();
        let (from, to) = review_range(RecordKind::HelpRequest, &s, at(2026, 11, 30)).unwrap();
        let q = Query::new(RecordKind::HelpRequest, Filter::Range(from, to));
        let rows = block_on(app.store.rows(&q)).unwrap();
        assert_eq!(rows.len(), 2);
        // A month later the November one is past too.
        let (from, to) = review_range(RecordKind::HelpRequest, &s, at(2026, 12, 1)).unwrap();
        let q = Query::new(RecordKind::HelpRequest, Filter::Range(from, to));
        assert_eq!(block_on(app.store.rows(&q)).unwrap().len(), 3);
        assert_eq!(block_on(app.store.count(&q)).unwrap(), 3);
    }
}

//! 欠费催缴 — fee arrears (PAT-7; seed 002's patrol standards, seed 001 §1.2 item 6).
//!
//! Every month finance hands over its arrears list (a CSV from finance's own system). The
//! import maps finance's columns to [`Field`]s once — the mapping is kept in the import event
//! and offered again next month — and checks every row: a row that names no known unit, has no
//! amount or a bad one is listed with its line and reason, and **nothing is imported** until the
//! file is clean (no half-imported list). One `ArrearsMonth` record per month (id derived from
//! the month, the same on every tablet).
//!
//! Every household in arrears gets a phone call ([`call`]: outcome and a promise date); an
//! unanswered call puts a visit stop on the next patrol round of its building (the record's
//! search key `arr-visit|<building>`, read by the round), recorded with [`visit`]. The
//! collection rate = (fees due − arrears still unpaid) ÷ fees due, against ≥ 90 % (the patrol
//! standard) and ≥ 95 % (the company target). Cutting water or power is not done here: it goes
//! only through the violations rules (VIO-6: serious arrears, failed mediation, a notice).

use super::{percent, QualityEvent};
use crate::domain::command::{Actor, DomainError};
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::Action;
use crate::domain::view::{Aggregate, IndexFields};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// PAT-7: the patrol standard, percent.
pub const PATROL_TARGET: f64 = 90.0;
/// QUAL-2 / seed 001 §1.2 item 6: the company's target, percent.
pub const COMPANY_TARGET: f64 = 95.0;

labelled! {
    /// A column of finance's file.
    Field {
        Unit => ("房号", "Unit", "unit"),
        Name => ("业主姓名", "Name", "name"),
        Phone => ("联系电话", "Phone", "phone"),
        Owed => ("欠费金额（元）", "Amount owed (yuan)", "owed"),
        Months => ("欠费月数", "Months in arrears", "months"),
    }
}

labelled! {
    /// What a call or a visit came to.
    CallOutcome {
        Promised => ("承诺缴费", "Promised to pay", "promised"),
        Paid => ("已缴清", "Paid", "paid"),
        Refused => ("拒绝缴费", "Refused", "refused"),
        NoAnswer => ("无人接听/不在家", "No answer", "no_answer"),
    }
}

impl Field {
    /// Finance's usual headers for each field, for the first mapping.
    fn hints(self) -> &'static [&'static str] {
        match self {
            Field::Unit => &["房号", "房间", "单元", "户号", "unit"],
            Field::Name => &["姓名", "业主", "户主", "客户", "name"],
            Field::Phone => &["电话", "手机", "联系", "phone"],
            Field::Owed => &["欠费", "金额", "应缴", "欠款", "owed", "amount"],
            Field::Months => &["月数", "欠费月", "月份数", "months"],
        }
    }
    /// Unit and amount must be mapped; the rest are optional.
    pub fn required(self) -> bool {
        matches!(self, Field::Unit | Field::Owed)
    }
}

/// One household in arrears.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrearsRow {
    pub unit: RecordId,
    pub building: RecordId,
    /// The unit as finance wrote it ("3-1201").
    pub place: String,
    pub name: String,
    pub phone: String,
    pub owed_fen: i64,
    pub months: u32,
}

/// A row refused by the import.
#[derive(Clone, Debug, PartialEq)]
pub struct BadRow {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub reason: Text,
}

/// A mapping guessed from the header, or the previous month's where its columns still exist.
pub fn guess_mapping(
    headers: &[String],
    previous: &BTreeMap<Field, String>,
) -> BTreeMap<Field, String> {
    let mut m = BTreeMap::new();
    for f in Field::ALL {
        if let Some(h) = previous.get(f).filter(|h| headers.contains(h)) {
            m.insert(*f, h.clone());
            continue;
        }
        if let Some(h) = headers.iter().find(|h| {
            let l = h.to_lowercase();
            f.hints().iter().any(|k| l.contains(k)) && !m.values().any(|v| v == *h)
        }) {
            m.insert(*f, h.clone());
        }
    }
    m
}

/// Yuan text ("1,280.50", "¥300", "300元") to fen.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let t: String = s
        .trim()
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if frac.len() > 2
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || int.is_empty()
    {
        return None;
    }
    let yuan: i64 = int.parse().ok()?;
    let fen: i64 = format!("{frac:0<2}").parse().ok()?;
    yuan.checked_mul(100)?.checked_add(fen)
}

/// Fen as yuan ("1280.50").
pub fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// PAT-7: finance's file is an Excel workbook (a zip, or named .xlsx) rather than a CSV. Its
/// first sheet is read into rows by the office worker (`crate::office::read_first_sheet`);
/// those rows then go through [`guess_mapping`] and [`read_rows`] exactly as a CSV's do.
pub fn is_xlsx(name: &str, bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || name.to_lowercase().ends_with(".xlsx")
}

/// PAT-7: checks finance's file. `lines` is the parsed CSV or the .xlsx's first sheet (header
/// first); `find_unit` resolves finance's unit text to (unit, building). Every row is checked; any bad row refuses the file.
pub fn read_rows(
    lines: &[Vec<String>],
    mapping: &BTreeMap<Field, String>,
    find_unit: &dyn Fn(&str) -> Option<(RecordId, RecordId)>,
) -> Result<Vec<ArrearsRow>, Vec<BadRow>> {
    let Some(header) = lines.first() else {
        return Err(vec![BadRow {
            line: 1,
            reason: Text::new("文件是空的", "The file is empty"),
        }]);
    };
    let col = |f: Field| {
        mapping
            .get(&f)
            .and_then(|h| header.iter().position(|c| c.trim() == h.trim()))
    };
    let mut bad = Vec::new();
    for f in Field::ALL.iter().filter(|f| f.required()) {
        if col(*f).is_none() {
            bad.push(BadRow {
                line: 1,
                reason: Text::new(
                    format!("未指定“{}”所在的列", f.label().zh),
                    format!("No column chosen for \"{}\"", f.label().en),
                ),
            });
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    let get = |row: &Vec<String>, f: Field| -> String {
        col(f)
            .and_then(|i| row.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut rows: Vec<ArrearsRow> = Vec::new();
    for (i, row) in lines.iter().enumerate().skip(1) {
        let line = i + 1;
        let place = get(row, Field::Unit);
        let owed = get(row, Field::Owed);
        let reason = if place.is_empty() {
            Some(Text::new("房号为空", "No unit"))
        } else {
            rows.iter().find(|r| r.place == place).map(|prev| {
                Text::new(
                    format!("房号 {} 重复出现", prev.place),
                    format!("Unit {} appears twice", prev.place),
                )
            })
        };
        if let Some(reason) = reason {
            bad.push(BadRow { line, reason });
            continue;
        }
        let Some((unit, building)) = find_unit(&place) else {
            bad.push(BadRow {
                line,
                reason: Text::new(
                    format!("找不到房号 {place}"),
                    format!("Unit {place} is not in the registry"),
                ),
            });
            continue;
        };
        let owed_fen = match parse_yuan(&owed) {
            Some(f) if f > 0 => f,
            _ => {
                bad.push(BadRow {
                    line,
                    reason: Text::new(
                        format!("欠费金额“{owed}”无效"),
                        format!("Amount \"{owed}\" is not valid"),
                    ),
                });
                continue;
            }
        };
        let months_text = get(row, Field::Months);
        let months = if months_text.is_empty() {
            0
        } else if let Ok(m) = months_text.parse::<u32>() {
            m
        } else {
            bad.push(BadRow {
                line,
                reason: Text::new(
                    format!("欠费月数“{months_text}”无效"),
                    format!("Months \"{months_text}\" is not a number"),
                ),
            });
            continue;
        };
        rows.push(ArrearsRow {
            unit,
            building,
            place,
            name: get(row, Field::Name),
            phone: get(row, Field::Phone),
            owed_fen,
            months,
        });
    }
    if rows.is_empty() && bad.is_empty() {
        bad.push(BadRow {
            line: 1,
            reason: Text::new("文件中没有欠费记录", "The file has no rows"),
        });
    }
    if bad.is_empty() {
        Ok(rows)
    } else {
        Err(bad)
    }
}

/// The month's record (the same id on every tablet).
pub fn month_id(month: &str) -> RecordId {
    let n: u64 = month.replace('-', "").parse().unwrap_or(0);
    RecordId::derived("arrears-month", n)
}

/// A contact with a household (call or visit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub visit: bool,
    pub outcome: CallOutcome,
    pub promise: Option<NaiveDate>,
    pub note: String,
    pub at: i64,
    pub by: StaffId,
}

/// What is next for a household.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Not yet called.
    Call,
    /// The call went unanswered: visit on the building's next round.
    Visit,
    /// Promised, refused, or visited: wait (a refusal may go to the violations rules).
    Wait,
    Paid,
}

/// PAT-7: one month's arrears list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ArrearsMonth {
    pub month: String,
    pub billed_fen: i64,
    pub rows: Vec<ArrearsRow>,
    pub mapping: BTreeMap<Field, String>,
    pub file: String,
    pub imported: Option<(i64, StaffId)>,
    pub contacts: BTreeMap<RecordId, Vec<Contact>>,
}

impl ArrearsMonth {
    pub fn next(&self, unit: RecordId) -> Next {
        let cs = self.contacts.get(&unit).map(Vec::as_slice).unwrap_or(&[]);
        match cs.last() {
            None => Next::Call,
            Some(c) if c.outcome == CallOutcome::Paid => Next::Paid,
            Some(c) if c.outcome == CallOutcome::NoAnswer && !c.visit => Next::Visit,
            Some(_) => Next::Wait,
        }
    }
    /// Arrears still unpaid, fen.
    pub fn outstanding_fen(&self) -> i64 {
        self.rows
            .iter()
            .filter(|r| self.next(r.unit) != Next::Paid)
            .map(|r| r.owed_fen)
            .sum()
    }
    /// Fees collected: due − unpaid arrears (never below 0).
    pub fn collected_fen(&self) -> i64 {
        (self.billed_fen - self.outstanding_fen()).max(0)
    }
    /// PAT-7 / QUAL-2 收费率, percent with one decimal.
    pub fn collection_rate(&self) -> Option<f64> {
        percent(self.collected_fen() as u64, self.billed_fen.max(0) as u64)
    }
    /// Households to visit on a building's round.
    pub fn visits(&self, building: RecordId) -> Vec<&ArrearsRow> {
        self.rows
            .iter()
            .filter(|r| r.building == building && self.next(r.unit) == Next::Visit)
            .collect()
    }
    pub fn called(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| self.next(r.unit) != Next::Call)
            .count()
    }
}

/// Search key of a building's households to visit ("arr-visit|<building id>").
pub fn visit_key(building: RecordId) -> String {
    format!("arr-visit|{building}")
}

/// Search key of a month's list ("arr|2026-11").
pub fn month_key(month: &str) -> String {
    format!("arr|{month}")
}

impl Aggregate for ArrearsMonth {
    const KIND: RecordKind = RecordKind::ArrearsMonth;
    fn apply(&mut self, event: &Event) {
        let EventBody::Quality(e) = &event.body else {
            return;
        };
        match e {
            QualityEvent::ArrearsImported {
                month,
                billed_fen,
                rows,
                mapping,
                file,
                at,
                by,
            } => {
                self.month = month.clone();
                self.billed_fen = *billed_fen;
                self.rows = rows.clone();
                self.mapping = mapping.clone();
                self.file = file.clone();
                self.imported = Some((*at, *by));
            }
            QualityEvent::ArrearsCalled {
                unit,
                outcome,
                promise,
                note,
                at,
                by,
            }
            | QualityEvent::ArrearsVisited {
                unit,
                outcome,
                promise,
                note,
                at,
                by,
            } => {
                let list = self.contacts.entry(*unit).or_default();
                list.push(Contact {
                    visit: matches!(e, QualityEvent::ArrearsVisited { .. }),
                    outcome: *outcome,
                    promise: *promise,
                    note: note.clone(),
                    at: *at,
                    by: *by,
                });
                list.sort_by_key(|c| c.at);
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let mut search = vec![month_key(&self.month)];
        let mut visit: Vec<String> = self
            .rows
            .iter()
            .filter(|r| self.next(r.unit) == Next::Visit)
            .map(|r| visit_key(r.building))
            .collect();
        visit.sort();
        visit.dedup();
        search.extend(visit);
        IndexFields {
            status: Some("imported".into()),
            search,
            title: format!("{} 欠费清单 {} 户", self.month, self.rows.len()),
            subtitle: format!("收费率 {}", super::pct(self.collection_rate())),
            ..Default::default()
        }
    }
}

/// PAT-7: imports the month's checked rows (a new import replaces the month's list).
#[allow(clippy::too_many_arguments)]
pub fn import(
    actor: &Actor,
    month: &str,
    billed_fen: i64,
    rows: Vec<ArrearsRow>,
    mapping: BTreeMap<Field, String>,
    file: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ImportArrears)?;
    if chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
        return Err(DomainError::invalid("月份无效", "The month is not valid"));
    }
    let owed: i64 = rows.iter().map(|r| r.owed_fen).sum();
    if billed_fen <= 0 || billed_fen < owed {
        return Err(DomainError::invalid(
            "请填写本月应收管理费总额（不少于欠费合计）",
            "Please give the month's fees due (at least the arrears' total)",
        ));
    }
    if rows.is_empty() {
        return Err(DomainError::invalid("没有欠费记录", "No rows to import"));
    }
    Ok(vec![Draft {
        subject: RecordRef::new(RecordKind::ArrearsMonth, month_id(month)),
        body: EventBody::Quality(QualityEvent::ArrearsImported {
            month: month.into(),
            billed_fen,
            rows,
            mapping,
            file: file.into(),
            at: now,
            by: actor.id,
        }),
    }])
}

fn contact_checks(
    m: &ArrearsMonth,
    unit: RecordId,
    outcome: CallOutcome,
    promise: Option<NaiveDate>,
) -> Result<(), DomainError> {
    if !m.rows.iter().any(|r| r.unit == unit) {
        return Err(DomainError::invalid(
            "该户不在本月欠费清单中",
            "This household is not on the month's list",
        ));
    }
    if m.next(unit) == Next::Paid {
        return Err(DomainError::invalid(
            "该户已缴清",
            "This household has paid",
        ));
    }
    if outcome == CallOutcome::Promised && promise.is_none() {
        return Err(DomainError::invalid(
            "承诺缴费请填写承诺日期",
            "A promise needs the date promised",
        ));
    }
    Ok(())
}

/// PAT-7: records a phone call.
pub fn call(
    actor: &Actor,
    m: &ArrearsMonth,
    unit: RecordId,
    outcome: CallOutcome,
    promise: Option<NaiveDate>,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::FollowUpArrears)?;
    contact_checks(m, unit, outcome, promise)?;
    Ok(vec![Draft {
        subject: RecordRef::new(RecordKind::ArrearsMonth, month_id(&m.month)),
        body: EventBody::Quality(QualityEvent::ArrearsCalled {
            unit,
            outcome,
            promise: promise.filter(|_| outcome == CallOutcome::Promised),
            note: note.trim().into(),
            at: now,
            by: actor.id,
        }),
    }])
}

/// PAT-7: records the visit made on a patrol round (only for a household whose call went
/// unanswered).
pub fn visit(
    actor: &Actor,
    m: &ArrearsMonth,
    unit: RecordId,
    outcome: CallOutcome,
    promise: Option<NaiveDate>,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::FollowUpArrears)?;
    contact_checks(m, unit, outcome, promise)?;
    if m.next(unit) != Next::Visit {
        return Err(DomainError::invalid(
            "先电话催缴；无人接听时才上门",
            "Call first: a visit follows an unanswered call",
        ));
    }
    Ok(vec![Draft {
        subject: RecordRef::new(RecordKind::ArrearsMonth, month_id(&m.month)),
        body: EventBody::Quality(QualityEvent::ArrearsVisited {
            unit,
            outcome,
            promise: promise.filter(|_| outcome == CallOutcome::Promised),
            note: note.trim().into(),
            at: now,
            by: actor.id,
        }),
    }])
}

//! 现金日结 — money taken at a desk and the day's close (SOP.md PAID-4, DESK-3; seed 003:
//! "收取约定的服务费用，开具票据……当日下班前集中将现金上交财务部").
//!
//! ONE mechanism for every fee or sale paid in cash at a desk: paid services (PAID-4, module
//! `workorder`/paid services) and consignment sales (DESK-3, module `desk`) both call
//! [`collect`]; the desk closes the day once for everything it took.
//!
//! # The model
//! - A **till** is a desk ([`Post`]: 前台 `FrontDesk`, 客户服务中心 `ServiceCentre`). One
//!   [`CashDay`] record per till and local business date; its id is derived from both
//!   ([`day_id`]), so every tablet at that desk writes into the same record and the union of
//!   their events is the day.
//! - [`collect`] takes an amount in **fen** (i64, > 0), what it is for (text), the record that
//!   caused it (`source: Option<RecordRef>` — the paid-service order, the consignment item),
//!   the payer, and issues a **numbered receipt**.
//! - **Receipt numbers** are `<till>-<yymmdd>-<tablet>-<nn>`, e.g. `FD-261130-3F2A-07`: the
//!   till's prefix ([`till_prefix`]), the business date, the writing tablet's short code (the
//!   caller passes the first 4 hex digits of its device id, `App::device()`), and a counter of
//!   that tablet's receipts in this day record. A tablet always holds all of its own events,
//!   so its counter never repeats; another tablet has another code; the till and the date
//!   complete it. Unique across tablets without any coordination, and readable on paper.
//! - **The close** ([`close_day`]): collected by the app (the sum of the receipts) vs counted
//!   (what is in the drawer) vs handed to finance. Any difference between the three needs a
//!   reason and a **second person** — another staff member who may close a till, who enters
//!   their PIN on this tablet (the UI verifies it with `App::sign_in` and passes that `Actor`);
//!   the event records both. The closed day carries its number `<till>-<yyyymmdd>` (日结单号)
//!   and is unchangeable: no command changes a closed day, a later collection is refused.
//! - **The next day waits for yesterday** ([`collect`]'s `pending`): a till cannot take cash
//!   while an *earlier* day of the same till is still open — neither closed nor explicitly
//!   carried over ([`carry_over`], by a Supervisor or the Director, with a reason; the day can
//!   still be closed later). "Earlier day" is the till's latest earlier day with takings,
//!   whatever the calendar gap (a weekend without takings has no record).
//! - The open day carries a clock to the end of office hours of its date (下班前上交) with the
//!   first collector as assignee, so it shows on 我的待办 and in every shift handover (DUTY-6).
//!
//! # API for other modules (e.g. paid services)
//! ```ignore
//! use crate::domain::cash::{self, Collection};
//! use crate::domain::duty::Post;
//! let date = cal.local_date(now);
//! let id = cash::day_id(Post::ServiceCentre, date);
//! // today's day record (None when nothing was taken yet) and any earlier open day of the
//! // till: views from store.search(RecordKind::CashDay, &cash::open_key(post)), then
//! let pending = cash::pending_before(&open_views, Post::ServiceCentre, date);
//! let drafts = cash::collect(&actor, today.as_ref(), pending.as_ref(), &Collection {
//!     post: Post::ServiceCentre, tablet: "3f2a".into(), amount: 5_000, // ¥50.00
//!     what: "有偿服务：清洗油烟机".into(), source: Some(order_ref), payer: "王先生".into(),
//! }, now, &cal)?;
//! let receipt = cash::receipt_in(&drafts).unwrap(); // print it on the 通知单 / receipt
//! // append your own "paid" event to `drafts` and record them in one batch.
//! ```
//! Amounts are shown with [`yuan`] (`5000` → `¥50.00`). The UI of the close is the shared
//! component `ui::components::cash_day`.

#[cfg(test)]
mod tests;

use super::calendar::BusinessCalendar;
use super::command::{required, Actor, DomainError};
use super::duty::Post;
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{Id, RecordId, StaffId};
use super::roles::Action;
use super::sla::Clock;
use super::view::{Aggregate, IndexFields, View};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum CashEvent {
    /// Money taken, a receipt issued (PAID-4, DESK-3). The first one opens the day.
    Collected {
        post: Post,
        date: NaiveDate,
        receipt: String,
        /// Fen.
        amount: i64,
        what: String,
        source: Option<RecordRef>,
        payer: String,
        at: i64,
        by: StaffId,
        /// Only on the day's first collection: the close is due by then (下班前).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        clock: Option<Box<Clock>>,
    },
    /// The day closed: collected vs counted vs handed to finance (PAID-4).
    Closed {
        number: String,
        collected: i64,
        counted: i64,
        handed: i64,
        /// Who at finance took the cash (a name; finance staff need not use the app).
        received_by: String,
        /// Why the three figures differ; empty when they agree.
        reason: String,
        /// The second staff member who confirmed a difference with their PIN.
        second: Option<StaffId>,
        at: i64,
        by: StaffId,
    },
    /// The day left open on purpose so the next day may take cash (PAID-4): who and why.
    CarriedOver {
        reason: String,
        at: i64,
        by: StaffId,
    },
}

impl CashEvent {
    pub fn label(&self) -> Text {
        match self {
            CashEvent::Collected { .. } => Text::new("收款开票", "Cash collected"),
            CashEvent::Closed { .. } => Text::new("现金日结", "Cash day closed"),
            CashEvent::CarriedOver { .. } => Text::new("日结顺延", "Cash day carried over"),
        }
    }
}

/// Field group for sync: receipts are appends; the close and the carry-over one field each.
pub fn field_group(e: &CashEvent) -> &'static str {
    match e {
        CashEvent::Collected { .. } => super::event::APPEND,
        CashEvent::Closed { .. } => "close",
        CashEvent::CarriedOver { .. } => "carry",
    }
}

/// One receipt of the day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub receipt: String,
    pub amount: i64,
    pub what: String,
    pub source: Option<RecordRef>,
    pub payer: String,
    pub at: i64,
    pub by: StaffId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayClose {
    pub number: String,
    pub collected: i64,
    pub counted: i64,
    pub handed: i64,
    pub received_by: String,
    pub reason: String,
    pub second: Option<StaffId>,
    pub at: i64,
    pub by: StaffId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryOver {
    pub reason: String,
    pub at: i64,
    pub by: StaffId,
}

/// 现金日结: one till's business day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CashDay {
    pub post: Post,
    pub date: Option<NaiveDate>,
    pub receipts: Vec<Receipt>,
    pub closed: Option<DayClose>,
    pub carried: Option<CarryOver>,
    pub clock: Option<Clock>,
    pub opened_by: Option<StaffId>,
}

/// Status of a cash day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayStatus {
    /// Takings not yet closed.
    Open,
    /// Not closed, explicitly carried over.
    Carried,
    Closed,
}

impl DayStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DayStatus::Open => "open",
            DayStatus::Carried => "carried",
            DayStatus::Closed => "closed",
        }
    }
    pub fn label(self) -> Text {
        match self {
            DayStatus::Open => Text::new("未日结", "Not closed"),
            DayStatus::Carried => Text::new("已顺延", "Carried over"),
            DayStatus::Closed => Text::new("已日结", "Closed"),
        }
    }
}

impl CashDay {
    /// The sum of the receipts (fen).
    pub fn collected(&self) -> i64 {
        self.receipts.iter().map(|r| r.amount).sum()
    }
    pub fn status(&self) -> DayStatus {
        match (&self.closed, &self.carried) {
            (Some(_), _) => DayStatus::Closed,
            (None, Some(_)) => DayStatus::Carried,
            (None, None) => DayStatus::Open,
        }
    }
    /// The receipts written by one tablet (its short code), for its next number.
    fn count_by_tablet(&self, tablet: &str) -> usize {
        let mid = format!("-{}-", tablet.to_uppercase());
        self.receipts
            .iter()
            .filter(|r| r.receipt.contains(&mid))
            .count()
    }
}

impl Aggregate for CashDay {
    const KIND: RecordKind = RecordKind::CashDay;
    fn apply(&mut self, event: &Event) {
        let EventBody::Cash(e) = &event.body else {
            return;
        };
        match e {
            CashEvent::Collected {
                post,
                date,
                receipt,
                amount,
                what,
                source,
                payer,
                at,
                by,
                clock,
            } => {
                // A receipt arriving twice (the same event by two paths) counts once.
                if self.receipts.iter().any(|r| &r.receipt == receipt) {
                    return;
                }
                if self.date.is_none() {
                    self.post = *post;
                    self.date = Some(*date);
                    self.opened_by = Some(*by);
                }
                if self.clock.is_none() && self.closed.is_none() && self.carried.is_none() {
                    self.clock = clock.as_deref().cloned();
                }
                self.receipts.push(Receipt {
                    receipt: receipt.clone(),
                    amount: *amount,
                    what: what.clone(),
                    source: *source,
                    payer: payer.clone(),
                    at: *at,
                    by: *by,
                });
            }
            CashEvent::Closed {
                number,
                collected,
                counted,
                handed,
                received_by,
                reason,
                second,
                at,
                by,
            } => {
                if self.closed.is_some() {
                    return;
                }
                self.closed = Some(DayClose {
                    number: number.clone(),
                    collected: *collected,
                    counted: *counted,
                    handed: *handed,
                    received_by: received_by.clone(),
                    reason: reason.clone(),
                    second: *second,
                    at: *at,
                    by: *by,
                });
                if let Some(c) = self.clock.as_mut() {
                    c.stop(*at);
                }
            }
            CashEvent::CarriedOver { reason, at, by } => {
                if self.carried.is_none() {
                    self.carried = Some(CarryOver {
                        reason: reason.clone(),
                        at: *at,
                        by: *by,
                    });
                }
                if let Some(c) = self.clock.as_mut() {
                    c.stop(*at);
                }
            }
        }
    }
    fn index(&self) -> IndexFields {
        let status = self.status();
        let date = self.date.map(|d| d.to_string()).unwrap_or_default();
        let month = self
            .date
            .map(|d| format!("{:04}-{:02}", d.year(), d.month()))
            .unwrap_or_default();
        let till = self.post.as_str();
        let running = self.clock.as_ref().is_some_and(|c| c.is_running());
        IndexFields {
            status: Some(status.as_str().into()),
            due: self
                .clock
                .as_ref()
                .filter(|c| c.is_running())
                .map(|c| c.deadline),
            assignee: if running { self.opened_by } else { None },
            search: vec![
                format!("{}|{till}", status.as_str()),
                format!("{till}|{month}"),
                format!("{till}|{date}"),
            ],
            title: format!(
                "{} {} 现金日结 {}",
                self.post.label().zh,
                date,
                yuan(self.collected())
            ),
            subtitle: status.as_str().into(),
            clock: self.clock.clone(),
            ..Default::default()
        }
    }
}

/// The record of one till's business day (derived: every tablet writes the same record).
pub fn day_id(post: Post, date: NaiveDate) -> RecordId {
    Id::derived(&format!("cash-day:{}:{date}", post.as_str()), 0)
}

pub fn day_ref(post: Post, date: NaiveDate) -> RecordRef {
    RecordRef::new(RecordKind::CashDay, day_id(post, date))
}

/// Search key (without the kind) of a till's days not closed: open or carried over are
/// `open|<till>` / `carried|<till>`; a month's days are `<till>|yyyy-mm`.
pub fn open_key(post: Post) -> String {
    format!("open|{}", post.as_str())
}

pub fn month_key(post: Post, year: i32, month: u32) -> String {
    format!("{}|{year:04}-{month:02}", post.as_str())
}

/// Receipt and close-number prefix of a till.
pub fn till_prefix(post: Post) -> &'static str {
    match post {
        Post::FrontDesk => "FD",
        Post::ServiceCentre => "CS",
    }
}

/// The 日结单号 of a till's day: `FD-20261130`.
pub fn close_number(post: Post, date: NaiveDate) -> String {
    format!("{}-{}", till_prefix(post), date.format("%Y%m%d"))
}

/// Fen as yuan for display: `123456` → `¥1234.56`, `-50` → `-¥0.50`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}¥{}.{:02}", a / 100, a % 100)
}

/// Parses a yuan amount typed at the desk ("12", "12.5", "12.50", "¥12.50") into fen.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let t = text.trim().trim_start_matches('¥').trim();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
    {
        return None;
    }
    let yuan: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let fen: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    yuan.checked_mul(100)?.checked_add(fen)
}

/// Among views of a till's not-closed days (from `open_key` and the `carried|` key, or any
/// list), the earliest *open* (not carried over) day before `date`: what blocks a collection.
pub fn pending_before(views: &[View], post: Post, date: NaiveDate) -> Option<CashDay> {
    views
        .iter()
        .filter(|v| v.kind == RecordKind::CashDay)
        .filter_map(|v| v.state::<CashDay>())
        .filter(|d| d.post == post && d.date.is_some_and(|x| x < date))
        .filter(|d| d.status() == DayStatus::Open)
        .min_by_key(|d| d.date)
}

/// The receipt number in the drafts of a [`collect`].
pub fn receipt_in(drafts: &[Draft]) -> Option<&str> {
    drafts.iter().find_map(|d| match &d.body {
        EventBody::Cash(CashEvent::Collected { receipt, .. }) => Some(receipt.as_str()),
        _ => None,
    })
}

/// What is paid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collection {
    pub post: Post,
    /// This tablet's short code (first 4 hex digits of its device id).
    pub tablet: String,
    /// Fen, more than 0.
    pub amount: i64,
    pub what: String,
    pub source: Option<RecordRef>,
    pub payer: String,
}

/// When the close of `date` is due: the end of office hours (下班前), or the end of the day on
/// a rest day.
fn close_due(cal: &BusinessCalendar, date: NaiveDate) -> i64 {
    cal.office_hours(date)
        .map(|(_, end)| end)
        .unwrap_or_else(|| cal.at(date.succ_opt().unwrap_or(date), chrono::NaiveTime::MIN))
}

/// Takes cash and issues a numbered receipt (PAID-4, DESK-3). `today` is the till's record of
/// today's date (None before the first collection); `pending` an earlier day of the same till
/// that is neither closed nor carried over ([`pending_before`]), which refuses the collection.
pub fn collect(
    actor: &Actor,
    today: Option<&CashDay>,
    pending: Option<&CashDay>,
    input: &Collection,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::TakeCash)?;
    let date = cal.local_date(now);
    if let Some(p) = pending.filter(|p| p.status() == DayStatus::Open && p.date < Some(date)) {
        let d = p.date.map(|d| d.to_string()).unwrap_or_default();
        return Err(DomainError::Invalid(Text::new(
            format!("{d}的现金尚未日结：请先日结，或由主管顺延后再收款"),
            format!(
                "The cash of {d} is not closed yet: close that day first, or have a Supervisor \
                 carry it over, before taking cash"
            ),
        )));
    }
    if let Some(t) = today {
        if t.closed.is_some() {
            return Err(DomainError::invalid(
                "今日现金已日结，不能再收款",
                "Today's cash is already closed: no more collections today",
            ));
        }
        if t.date.is_some_and(|d| d != date) || (t.date.is_some() && t.post != input.post) {
            return Err(DomainError::invalid(
                "收款台账与日期不符",
                "That cash day is not today's for this desk",
            ));
        }
    }
    if input.amount <= 0 {
        return Err(DomainError::invalid(
            "金额须大于零",
            "The amount must be more than zero",
        ));
    }
    let what = required(&input.what, Text::new("收款事由", "what it is for"))?;
    let payer = required(&input.payer, Text::new("付款人", "the payer"))?;
    let tablet: String = input
        .tablet
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(4)
        .collect::<String>()
        .to_uppercase();
    if tablet.is_empty() {
        return Err(DomainError::invalid(
            "缺少平板编号",
            "The tablet code is missing",
        ));
    }
    let n = today.map(|t| t.count_by_tablet(&tablet)).unwrap_or(0) + 1;
    let receipt = format!(
        "{}-{}-{tablet}-{n:02}",
        till_prefix(input.post),
        date.format("%y%m%d")
    );
    let clock = if today.is_none_or(|t| t.receipts.is_empty()) {
        let deadline = close_due(cal, date).max(now + 60_000);
        Some(Box::new(Clock {
            name: Text::new("现金日结上交财务", "Close the cash day, hand it to finance"),
            started: now,
            warn_at: now + (deadline - now) * 4 / 5,
            deadline,
            stopped: None,
        }))
    } else {
        None
    };
    Ok(vec![Draft {
        subject: day_ref(input.post, date),
        body: EventBody::Cash(CashEvent::Collected {
            post: input.post,
            date,
            receipt,
            amount: input.amount,
            what,
            source: input.source,
            payer,
            at: now,
            by: actor.id,
            clock,
        }),
    }])
}

/// What the closing person enters (fen).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloseInput {
    pub counted: i64,
    pub handed: i64,
    pub received_by: String,
    pub reason: String,
}

/// The figures of a close before it is recorded: the UI shows them as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reconciliation {
    pub collected: i64,
    pub counted: i64,
    pub handed: i64,
}

impl Reconciliation {
    /// Counted minus collected (over +, short −).
    pub fn over_short(&self) -> i64 {
        self.counted - self.collected
    }
    /// Handed to finance minus counted.
    pub fn not_handed(&self) -> i64 {
        self.counted - self.handed
    }
    /// Collected = counted = handed (PAID-4: collected = handed over).
    pub fn agrees(&self) -> bool {
        self.collected == self.counted && self.counted == self.handed
    }
}

/// Closes the day (PAID-4): collected vs counted vs handed to finance. A difference needs a
/// reason and `second`, another person who may close a till and confirmed with their PIN on
/// this tablet. The closed day has the number [`close_number`] and changes no more.
pub fn close_day(
    actor: &Actor,
    day: &CashDay,
    input: &CloseInput,
    second: Option<&Actor>,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::CloseTill)?;
    let Some(date) = day.date else {
        return Err(DomainError::NotFound(Text::new(
            "这一天没有收款",
            "No cash was taken that day",
        )));
    };
    if day.closed.is_some() {
        return Err(DomainError::invalid(
            "该日现金已日结，日结单不可更改",
            "That day is already closed; a closed day cannot be changed",
        ));
    }
    if input.counted < 0 || input.handed < 0 {
        return Err(DomainError::invalid(
            "金额不能为负数",
            "Amounts cannot be negative",
        ));
    }
    if input.handed > input.counted {
        return Err(DomainError::invalid(
            "上交金额不能多于清点金额",
            "More cannot be handed to finance than was counted",
        ));
    }
    let rec = Reconciliation {
        collected: day.collected(),
        counted: input.counted,
        handed: input.handed,
    };
    let received_by = required(
        &input.received_by,
        Text::new("财务接收人", "who at finance received it"),
    )?;
    let reason = input.reason.trim().to_string();
    let second_id = if rec.agrees() {
        None
    } else {
        if reason.is_empty() {
            return Err(DomainError::invalid(
                "账实不符：请填写差额原因",
                "The figures differ: please give the reason for the difference",
            ));
        }
        let Some(s) = second else {
            return Err(DomainError::invalid(
                "账实不符：需要第二人输入PIN确认",
                "The figures differ: a second person must confirm with their PIN",
            ));
        };
        if s.id == actor.id {
            return Err(DomainError::invalid(
                "确认人须是另一位员工",
                "The confirming person must be someone else",
            ));
        }
        s.may(Action::CloseTill)?;
        Some(s.id)
    };
    Ok(vec![Draft {
        subject: day_ref(day.post, date),
        body: EventBody::Cash(CashEvent::Closed {
            number: close_number(day.post, date),
            collected: rec.collected,
            counted: rec.counted,
            handed: rec.handed,
            received_by,
            reason,
            second: second_id,
            at: now,
            by: actor.id,
        }),
    }])
}

/// Leaves a day open on purpose so the till can take cash again (PAID-4): a Supervisor or the
/// Director, with a reason. The day can still be closed later.
pub fn carry_over(
    actor: &Actor,
    day: &CashDay,
    reason: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::CarryOverCash)?;
    let Some(date) = day.date else {
        return Err(DomainError::NotFound(Text::new(
            "这一天没有收款",
            "No cash was taken that day",
        )));
    };
    match day.status() {
        DayStatus::Closed => {
            return Err(DomainError::invalid(
                "该日已日结，无需顺延",
                "That day is closed; nothing to carry over",
            ))
        }
        DayStatus::Carried => {
            return Err(DomainError::invalid(
                "该日已顺延",
                "That day is already carried over",
            ))
        }
        DayStatus::Open => {}
    }
    let reason = required(reason, Text::new("顺延原因", "why it is carried over"))?;
    Ok(vec![Draft {
        subject: day_ref(day.post, date),
        body: EventBody::Cash(CashEvent::CarriedOver {
            reason,
            at: now,
            by: actor.id,
        }),
    }])
}

/// CSV rows of a list of days (header first) for `sync::csv`.
pub fn days_csv(days: &[CashDay]) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "日结单号".to_string(),
        "收款台".into(),
        "日期".into(),
        "笔数".into(),
        "系统收款".into(),
        "清点".into(),
        "上交财务".into(),
        "财务接收人".into(),
        "差额原因".into(),
        "状态".into(),
    ]];
    for d in days {
        let c = d.closed.as_ref();
        rows.push(vec![
            c.map(|c| c.number.clone()).unwrap_or_default(),
            d.post.label().zh,
            d.date.map(|x| x.to_string()).unwrap_or_default(),
            d.receipts.len().to_string(),
            yuan(d.collected()),
            c.map(|c| yuan(c.counted)).unwrap_or_default(),
            c.map(|c| yuan(c.handed)).unwrap_or_default(),
            c.map(|c| c.received_by.clone()).unwrap_or_default(),
            c.map(|c| c.reason.clone())
                .or_else(|| d.carried.as_ref().map(|x| x.reason.clone()))
                .unwrap_or_default(),
            d.status().label().zh,
        ]);
    }
    rows
}

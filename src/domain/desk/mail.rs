//! 业主信件签收表 — registered mail (DESK-1, seed 001 §6.2).
//!
//! `registered → notified (again on the settings' days while unclaimed) → picked up` with the
//! resident's drawn signature or the ID shown; an unknown address is `unidentified` until an
//! Assistant names the recipient, or it goes back to the post office (`returned`, with a
//! record). The running clock is the next notice due (at once: [`NOTIFY_MINUTES`]; then day 1,
//! 3, 7 after registration), with the registering receptionist as assignee: the item is on
//! 我的待办 and in every handover until it is picked up or returned.

use super::DeskEvent;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::{required, Actor, DomainError};
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::Action;
use crate::domain::sla::{Clock, ClockSpec};
use crate::domain::view::{Aggregate, IndexFields};
use serde::{Deserialize, Serialize};

/// The household is told at once: within this many minutes of registration.
pub const NOTIFY_MINUTES: i64 = 30;
/// After the last scheduled notice, the item waits this many more days before it is due for a
/// decision (keep or return to the post office).
pub const DECIDE_AFTER_DAYS: i64 = 7;

/// How the household was told (DESK-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeHow {
    /// 电话
    Phone,
    /// 门上留条
    DoorNote,
    /// 短信 / 微信
    Message,
}

impl NoticeHow {
    pub const ALL: [NoticeHow; 3] = [NoticeHow::Phone, NoticeHow::DoorNote, NoticeHow::Message];
    pub fn label(self) -> Text {
        match self {
            NoticeHow::Phone => Text::new("电话", "Phone"),
            NoticeHow::DoorNote => Text::new("门上留条", "Note on the door"),
            NoticeHow::Message => Text::new("短信/微信", "Message"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum MailEvent {
    Registered {
        recipient: String,
        unit: Option<RecordId>,
        /// How the unit reads on the register ("3栋1201"); empty for an unknown address.
        place: String,
        /// 挂号信件号码
        number: String,
        count: u32,
        /// 货架格 / shelf slot.
        shelf: String,
        /// The renotify days in force (settings), kept with the item.
        renotify_days: Vec<u32>,
        at: i64,
        by: StaffId,
        clock: Box<Clock>,
    },
    /// The household told (at once, or again while unclaimed).
    Notified {
        how: NoticeHow,
        note: String,
        at: i64,
        by: StaffId,
        /// The next notice due (or the decision clock after the last).
        next: Box<Clock>,
    },
    /// An Assistant identified the recipient of an unknown address (seed §6.2.5).
    Identified {
        recipient: String,
        unit: Option<RecordId>,
        place: String,
        at: i64,
        by: StaffId,
        clock: Box<Clock>,
    },
    PickedUp {
        /// Who collected it (the resident or someone for them).
        collected_by: String,
        /// The drawn signature as SVG path data (digits, M, L only), or empty.
        signature: String,
        /// The ID shown, noted, when there is no drawn signature.
        id_shown: String,
        at: i64,
        by: StaffId,
    },
    /// Back to the post office, with a record (seed §6.2.5).
    Returned {
        reason: String,
        at: i64,
        by: StaffId,
    },
}

impl MailEvent {
    pub fn label(&self) -> Text {
        match self {
            MailEvent::Registered { .. } => Text::new("信件登记", "Mail registered"),
            MailEvent::Notified { .. } => Text::new("通知领取", "Household notified"),
            MailEvent::Identified { .. } => Text::new("识别收件人", "Recipient identified"),
            MailEvent::PickedUp { .. } => Text::new("签收", "Picked up"),
            MailEvent::Returned { .. } => Text::new("退回邮局", "Returned to the post office"),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Registered, the household not told yet.
    #[default]
    Registered,
    /// Told, not collected.
    Notified,
    /// Unknown address: for an Assistant to identify.
    Unidentified,
    PickedUp,
    Returned,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Registered => "registered",
            MailStatus::Notified => "notified",
            MailStatus::Unidentified => "unidentified",
            MailStatus::PickedUp => "picked_up",
            MailStatus::Returned => "returned",
        }
    }
    pub fn label(self) -> Text {
        match self {
            MailStatus::Registered => Text::new("待通知", "To notify"),
            MailStatus::Notified => Text::new("已通知未领", "Notified, unclaimed"),
            MailStatus::Unidentified => Text::new("地址不详", "Unknown address"),
            MailStatus::PickedUp => Text::new("已签收", "Picked up"),
            MailStatus::Returned => Text::new("已退回邮局", "Returned"),
        }
    }
    pub fn is_open(self) -> bool {
        !matches!(self, MailStatus::PickedUp | MailStatus::Returned)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub how: NoticeHow,
    pub note: String,
    pub at: i64,
    pub by: StaffId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pickup {
    pub collected_by: String,
    pub signature: String,
    pub id_shown: String,
    pub at: i64,
    pub by: StaffId,
}

/// 业主信件 — one registered item.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Mail {
    pub recipient: String,
    pub unit: Option<RecordId>,
    pub place: String,
    pub number: String,
    pub count: u32,
    pub shelf: String,
    pub renotify_days: Vec<u32>,
    pub registered: i64,
    pub registered_by: Option<StaffId>,
    pub notices: Vec<Notice>,
    pub identified_by: Option<StaffId>,
    pub picked_up: Option<Pickup>,
    /// (reason, at, by)
    pub returned: Option<(String, i64, StaffId)>,
    pub clock: Option<Clock>,
}

/// What the mail register's list shows of a letter (issue 19, DESK-1): never the notices'
/// notes, the signature or the return record. A step on a letter reads the full record when
/// tapped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailRow {
    pub status: MailStatus,
    pub recipient: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub number: String,
    pub count: u32,
    #[serde(default)]
    pub shelf: String,
    pub registered: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_by: Option<StaffId>,
    /// How many notices were given.
    #[serde(default)]
    pub notices: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
}

impl Mail {
    /// The list row (issue 19).
    pub fn row(&self) -> MailRow {
        MailRow {
            status: self.status(),
            recipient: self.recipient.clone(),
            place: self.place.clone(),
            number: self.number.clone(),
            count: self.count,
            shelf: self.shelf.clone(),
            registered: self.registered,
            registered_by: self.registered_by,
            notices: self.notices.len() as u32,
            clock: self.clock.clone(),
        }
    }
    pub fn status(&self) -> MailStatus {
        if self.picked_up.is_some() {
            MailStatus::PickedUp
        } else if self.returned.is_some() {
            MailStatus::Returned
        } else if self.unit.is_none() && self.place.is_empty() {
            MailStatus::Unidentified
        } else if self.notices.is_empty() {
            MailStatus::Registered
        } else {
            MailStatus::Notified
        }
    }
}

impl Aggregate for Mail {
    const KIND: RecordKind = RecordKind::Mail;
    fn apply(&mut self, event: &Event) {
        let EventBody::Desk(DeskEvent::Mail(e)) = &event.body else {
            return;
        };
        match e {
            MailEvent::Registered {
                recipient,
                unit,
                place,
                number,
                count,
                shelf,
                renotify_days,
                at,
                by,
                clock,
            } => {
                self.recipient = recipient.clone();
                self.unit = *unit;
                self.place = place.clone();
                self.number = number.clone();
                self.count = *count;
                self.shelf = shelf.clone();
                self.renotify_days = renotify_days.clone();
                self.registered = *at;
                self.registered_by = Some(*by);
                self.clock = Some((**clock).clone());
            }
            MailEvent::Notified {
                how,
                note,
                at,
                by,
                next,
            } => {
                if !self.status().is_open() {
                    return;
                }
                self.notices.push(Notice {
                    how: *how,
                    note: note.clone(),
                    at: *at,
                    by: *by,
                });
                // A later notice's clock replaces an earlier one only if it is later (two
                // tablets notifying the same day agree).
                if self
                    .clock
                    .as_ref()
                    .is_none_or(|c| next.deadline >= c.deadline)
                {
                    self.clock = Some((**next).clone());
                }
            }
            MailEvent::Identified {
                recipient,
                unit,
                place,
                at: _,
                by,
                clock,
            } => {
                self.recipient = recipient.clone();
                self.unit = *unit;
                self.place = place.clone();
                self.identified_by = Some(*by);
                self.clock = Some((**clock).clone());
            }
            MailEvent::PickedUp {
                collected_by,
                signature,
                id_shown,
                at,
                by,
            } => {
                if self.picked_up.is_none() {
                    self.picked_up = Some(Pickup {
                        collected_by: collected_by.clone(),
                        signature: signature.clone(),
                        id_shown: id_shown.clone(),
                        at: *at,
                        by: *by,
                    });
                }
                if let Some(c) = self.clock.as_mut() {
                    c.stop(*at);
                }
            }
            MailEvent::Returned { reason, at, by } => {
                if self.returned.is_none() && self.picked_up.is_none() {
                    self.returned = Some((reason.clone(), *at, *by));
                }
                if let Some(c) = self.clock.as_mut() {
                    c.stop(*at);
                }
            }
        }
    }
    fn index(&self) -> IndexFields {
        let status = self.status();
        let month = crate::domain::calendar::month_key(self.registered);
        let open = status.is_open();
        IndexFields {
            status: Some(status.as_str().into()),
            due: self
                .clock
                .as_ref()
                .filter(|c| c.is_running())
                .map(|c| c.deadline),
            unit: self.unit,
            assignee: if open { self.registered_by } else { None },
            search: vec![
                format!("{}|{month}", if open { "open" } else { "done" }),
                format!("m|{month}"),
                self.number.clone(),
                self.recipient.clone(),
            ],
            title: format!(
                "挂号信 {} {} {}",
                if self.place.is_empty() {
                    "地址不详"
                } else {
                    &self.place
                },
                self.recipient,
                self.number
            ),
            subtitle: status.as_str().into(),
            clock: if open { self.clock.clone() } else { None },
        }
    }
    fn list_row(&self) -> serde_json::Value {
        serde_json::to_value(self.row()).expect("mail row serialises")
    }
}

pub fn mail_ref(id: RecordId) -> RecordRef {
    RecordRef::new(RecordKind::Mail, id)
}

fn draft(id: RecordId, e: MailEvent) -> Draft {
    Draft {
        subject: mail_ref(id),
        body: EventBody::Desk(DeskEvent::Mail(e)),
    }
}

/// The clock after `notices` notices were given on an item registered at `registered`: the
/// next renotify day, or the decision day after the last.
pub fn next_clock(registered: i64, days: &[u32], notices: usize, cal: &BusinessCalendar) -> Clock {
    // `notices` = 1 after the first (immediate) notice → the first renotify day is next.
    let mut sorted: Vec<u32> = days.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    match sorted.get(notices.saturating_sub(1)) {
        Some(d) => ClockSpec::days(*d as i64).start(
            Text::new(
                format!("信件未领：第{d}天再次通知"),
                format!("Unclaimed mail: notify again on day {d}"),
            ),
            registered,
            cal,
        ),
        None => {
            let last = sorted.last().copied().unwrap_or(0) as i64;
            ClockSpec::days(last + DECIDE_AFTER_DAYS).start(
                Text::new(
                    "信件逾期未领：继续保管或退回邮局",
                    "Mail long unclaimed: keep it or return it to the post office",
                ),
                registered,
                cal,
            )
        }
    }
}

fn notify_clock(now: i64, cal: &BusinessCalendar) -> Clock {
    ClockSpec::elapsed_minutes(NOTIFY_MINUTES).start(
        Text::new("新到信件：立即通知住户", "New mail: tell the household now"),
        now,
        cal,
    )
}

/// What the receptionist types (DESK-1: recipient, unit, number, count, shelf).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailInput {
    pub recipient: String,
    pub unit: Option<RecordId>,
    pub place: String,
    pub number: String,
    pub count: u32,
    pub shelf: String,
    /// No unit found: the Assistant identifies it.
    pub unknown_address: bool,
}

/// Registers an item (DESK-1). With a unit the household is due a notice at once
/// ([`NOTIFY_MINUTES`]); an unknown address waits for an Assistant.
pub fn register(
    actor: &Actor,
    id: RecordId,
    input: &MailInput,
    renotify_days: &[u32],
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    let number = required(
        &input.number,
        Text::new("挂号信件号码", "the registered number"),
    )?;
    if input.count == 0 {
        return Err(DomainError::invalid(
            "信件数量至少为1",
            "The count must be at least 1",
        ));
    }
    let (recipient, unit, place, clock) = if input.unknown_address {
        (
            input.recipient.trim().to_string(),
            None,
            String::new(),
            ClockSpec::days(1).start(
                Text::new(
                    "地址不详：客务助理识别收件人",
                    "Unknown address: an Assistant identifies the recipient",
                ),
                now,
                cal,
            ),
        )
    } else {
        let recipient = required(&input.recipient, Text::new("收件人", "the recipient"))?;
        let place = required(&input.place, Text::new("房号", "the unit"))?;
        (recipient, input.unit, place, notify_clock(now, cal))
    };
    Ok(vec![draft(
        id,
        MailEvent::Registered {
            recipient,
            unit,
            place,
            number,
            count: input.count,
            shelf: input.shelf.trim().into(),
            renotify_days: renotify_days.to_vec(),
            at: now,
            by: actor.id,
            clock: Box::new(clock),
        },
    )])
}

fn open_check(mail: &Mail) -> Result<(), DomainError> {
    if mail.registered_by.is_none() {
        return Err(DomainError::NotFound(Text::new(
            "找不到该信件",
            "Mail item not found",
        )));
    }
    match mail.status() {
        MailStatus::PickedUp => Err(DomainError::invalid(
            "该信件已签收",
            "That item was already picked up",
        )),
        MailStatus::Returned => Err(DomainError::invalid(
            "该信件已退回邮局",
            "That item was returned to the post office",
        )),
        _ => Ok(()),
    }
}

/// The household told (at once, then again on the renotify days), how it was done recorded.
pub fn notify(
    actor: &Actor,
    id: RecordId,
    mail: &Mail,
    how: NoticeHow,
    note: &str,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    open_check(mail)?;
    if mail.status() == MailStatus::Unidentified {
        return Err(DomainError::invalid(
            "地址不详：请先由客务助理识别收件人",
            "Unknown address: an Assistant must identify the recipient first",
        ));
    }
    let next = next_clock(
        mail.registered,
        &mail.renotify_days,
        mail.notices.len() + 1,
        cal,
    );
    Ok(vec![draft(
        id,
        MailEvent::Notified {
            how,
            note: note.trim().into(),
            at: now,
            by: actor.id,
            next: Box::new(next),
        },
    )])
}

/// An Assistant names the recipient of an unknown address (seed §6.2.5); the household is then
/// due a notice at once.
#[allow(clippy::too_many_arguments)]
pub fn identify(
    actor: &Actor,
    id: RecordId,
    mail: &Mail,
    recipient: &str,
    unit: Option<RecordId>,
    place: &str,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::IdentifyMail)?;
    open_check(mail)?;
    if mail.status() != MailStatus::Unidentified {
        return Err(DomainError::invalid(
            "该信件地址已明确",
            "That item's address is known",
        ));
    }
    let recipient = required(recipient, Text::new("收件人", "the recipient"))?;
    let place = required(place, Text::new("房号", "the unit"))?;
    Ok(vec![draft(
        id,
        MailEvent::Identified {
            recipient,
            unit,
            place,
            at: now,
            by: actor.id,
            clock: Box::new(notify_clock(now, cal)),
        },
    )])
}

/// Picked up: the resident's drawn signature, or the ID shown noted (DESK-1, seed §6.2.4).
/// Closes the item and its handover line.
pub fn pick_up(
    actor: &Actor,
    id: RecordId,
    mail: &Mail,
    collected_by: &str,
    signature: &str,
    id_shown: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    open_check(mail)?;
    if mail.status() == MailStatus::Unidentified {
        return Err(DomainError::invalid(
            "地址不详的信件须先识别收件人",
            "Identify the recipient of an unknown address first",
        ));
    }
    let collected_by = required(collected_by, Text::new("领取人", "who collects it"))?;
    let signature = signature.trim();
    if !signature.is_empty() && !crate::domain::complaints::valid_signature(signature) {
        return Err(DomainError::invalid(
            "签名无效",
            "The signature is not valid",
        ));
    }
    let id_shown = id_shown.trim();
    if signature.is_empty() && id_shown.is_empty() {
        return Err(DomainError::invalid(
            "请领取人签名，或记录出示的证件",
            "Have the resident sign, or note the ID shown",
        ));
    }
    Ok(vec![draft(
        id,
        MailEvent::PickedUp {
            collected_by,
            signature: signature.into(),
            id_shown: id_shown.into(),
            at: now,
            by: actor.id,
        },
    )])
}

/// Back to the post office with a record (seed §6.2.5): an unknown address nobody could
/// identify, or an item long unclaimed.
pub fn return_to_post(
    actor: &Actor,
    id: RecordId,
    mail: &Mail,
    reason: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    open_check(mail)?;
    let reason = required(reason, Text::new("退回原因", "why it goes back"))?;
    Ok(vec![draft(
        id,
        MailEvent::Returned {
            reason,
            at: now,
            by: actor.id,
        },
    )])
}

/// CSV of the register (业主信件签收表), header first, for `sync::csv`.
pub fn register_csv(
    items: &[Mail],
    name: impl Fn(Option<StaffId>) -> String,
    fmt_time: impl Fn(i64) -> String,
) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "登记时间",
        "收件人",
        "房号",
        "挂号号码",
        "数量",
        "货架格",
        "前台登记人",
        "通知次数",
        "状态",
        "领取人",
        "签收时间",
        "证件/签名",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()];
    for m in items {
        let p = m.picked_up.as_ref();
        rows.push(vec![
            fmt_time(m.registered),
            m.recipient.clone(),
            m.place.clone(),
            m.number.clone(),
            m.count.to_string(),
            m.shelf.clone(),
            name(m.registered_by),
            m.notices.len().to_string(),
            m.status().label().zh,
            p.map(|p| p.collected_by.clone()).unwrap_or_default(),
            p.map(|p| fmt_time(p.at)).unwrap_or_default(),
            p.map(|p| {
                if p.signature.is_empty() {
                    format!("证件：{}", p.id_shown)
                } else {
                    "已签名".into()
                }
            })
            .unwrap_or_default(),
        ]);
    }
    rows
}

//! 交接班 — the shift handover both people complete on one tablet (DUTY-6, DUTY-7), and the
//! front desk's handover log on the same mechanism (DUTY-11).

use super::log::{chain_entries, DutyChain, EntryKind, NewEntry};
use super::{DutyEvent, Post};
use crate::domain::command::{Actor, DomainError};
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::Action;
use crate::domain::sla::SlaState;
use crate::domain::view::{Aggregate, IndexFields, View};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The incoming person must arrive this long before the shift (DUTY-6: 提前5分钟).
pub const ARRIVE_EARLY_MS: i64 = 5 * 60_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Not counted yet: blocks the handover.
    #[default]
    Unchecked,
    Present,
    Missing,
    Damaged,
}

impl ItemState {
    pub fn label(self) -> Text {
        match self {
            ItemState::Unchecked => Text::new("未清点", "Not counted"),
            ItemState::Present => Text::new("完好", "OK"),
            ItemState::Missing => Text::new("缺失", "Missing"),
            ItemState::Damaged => Text::new("损坏", "Damaged"),
        }
    }
}

/// One item at the post, counted by the incoming person (DUTY-6 a).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCheck {
    pub name: String,
    pub state: ItemState,
    /// The outgoing person's explanation of a missing or damaged item.
    pub explanation: String,
}

/// Unfinished work handed over: gathered from every module, or written in (DUTY-11's mail,
/// papers, matters).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItem {
    /// The record ("kind:uuid"), or "" for a written-in item.
    pub key: String,
    pub kind: String,
    pub title: String,
    pub assignee: Option<StaffId>,
    pub deadline: Option<i64>,
    /// Important unfinished work (DUTY-7): overdue, due soon, or an open emergency.
    pub important: bool,
    /// The incoming person explicitly accepted it.
    pub accepted: bool,
    /// What the outgoing person says about it; required for important work.
    pub note: String,
}

/// Record kinds whose records with status "open" are always important (an emergency in
/// progress).
pub const ALWAYS_IMPORTANT: [&str; 1] = ["incident"];

/// DUTY-6 b / DUTY-7: every record of every module that someone must still act on — any view
/// with an assignee and a running clock, as the store's generic index gives them. Important:
/// overdue or due soon, or an open emergency. Sorted most urgent first; one line per record.
pub fn gather_open_items(views: &[View], now: i64) -> Vec<OpenItem> {
    let mut out: Vec<OpenItem> = Vec::new();
    for v in views {
        let Some(clock) = v.clock.as_ref().filter(|c| c.is_running()) else {
            continue;
        };
        if v.assignee.is_none() || out.iter().any(|o| o.key == v.key) {
            continue;
        }
        let state = clock.state(now);
        out.push(OpenItem {
            key: v.key.clone(),
            kind: v.kind.as_str().into(),
            title: if v.title.is_empty() {
                clock.name.zh.clone()
            } else {
                v.title.clone()
            },
            assignee: v.assignee,
            deadline: Some(clock.deadline),
            important: matches!(state, SlaState::Warning | SlaState::Overdue)
                || (ALWAYS_IMPORTANT.contains(&v.kind.as_str())
                    && v.status.as_deref() == Some("open")),
            accepted: false,
            note: String::new(),
        });
    }
    out.sort_by_key(|o| (!o.important, o.deadline));
    out
}

/// Record kinds of the front desk's own registers (DUTY-11, DESK-1/2, issue 17): its handover
/// gathers these (unclaimed mail, papers not handed out) and a till's open cash day; the
/// centre's handover gathers everything else (and the cash day too: paid services).
pub const FRONT_DESK_KINDS: [&str; 2] = ["mail", "paper_day"];

/// The open items one post hands over (DUTY-6 for the centre, DUTY-11 for the front desk).
pub fn for_post(items: Vec<OpenItem>, post: Post) -> Vec<OpenItem> {
    items
        .into_iter()
        .filter(|o| {
            let desk = FRONT_DESK_KINDS.contains(&o.kind.as_str());
            match post {
                Post::FrontDesk => desk || o.kind == "cash_day",
                Post::ServiceCentre => !desk,
            }
        })
        .collect()
}

/// An anomaly found in the area, with the outgoing person's explanation (DUTY-6 c).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    pub text: String,
    pub explanation: String,
}

/// What the two people fill in on the handover screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverForm {
    pub post: Post,
    pub date: Option<NaiveDate>,
    /// When the incoming shift starts (UTC ms).
    pub shift_start: i64,
    /// When the incoming person arrived (UTC ms).
    pub arrived: i64,
    pub items: Vec<ItemCheck>,
    /// The previous log (record id), if there is one.
    pub previous_log: Option<RecordId>,
    pub previous_log_read: bool,
    pub open: Vec<OpenItem>,
    pub anomalies: Vec<Anomaly>,
    /// Handing over without the outgoing person: why (recorded, DUTY-7).
    pub absent_reason: String,
}

/// The signed handover, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverRecord {
    pub form: HandoverForm,
    pub outgoing: Option<StaffId>,
    pub incoming: StaffId,
    /// Arrived later than 5 minutes before the shift (DUTY-6).
    pub late: bool,
    pub at: i64,
}

/// What still stops the handover (DUTY-6, DUTY-7). Empty: both may sign.
pub fn blockers(form: &HandoverForm, outgoing_present: bool) -> Vec<Text> {
    let mut out = Vec::new();
    for i in &form.items {
        match i.state {
            ItemState::Unchecked => out.push(Text::new(
                format!("请清点：{}", i.name),
                format!("Count the item: {}", i.name),
            )),
            ItemState::Missing | ItemState::Damaged if i.explanation.trim().is_empty() => {
                out.push(Text::new(
                    format!("{}{}：请交班人说明去向", i.name, i.state.label().zh),
                    format!(
                        "{} {}: the outgoing person must explain",
                        i.name,
                        i.state.label().en.to_lowercase()
                    ),
                ))
            }
            _ => {}
        }
    }
    if form.previous_log.is_some() && !form.previous_log_read {
        out.push(Text::new(
            "请先查阅上一班值班记录",
            "Read the previous log first",
        ));
    }
    for o in &form.open {
        if o.important && o.note.trim().is_empty() {
            out.push(Text::new(
                format!("重要工作未完成：{}——须办完或写明交接说明", o.title),
                format!(
                    "Important unfinished work: {} — finish it or hand it over with a note",
                    o.title
                ),
            ));
        } else if !o.accepted {
            out.push(Text::new(
                format!("接班人须确认接收：{}", o.title),
                format!("The incoming person must accept: {}", o.title),
            ));
        }
    }
    for a in &form.anomalies {
        if a.text.trim().is_empty() {
            out.push(Text::new(
                "异常情况未填写内容",
                "An anomaly has no description",
            ));
        }
    }
    if !outgoing_present && form.absent_reason.trim().is_empty() {
        out.push(Text::new(
            "交班人不在场：请写明原因",
            "The outgoing person is absent: say why",
        ));
    }
    out
}

/// Completes the handover: the incoming person and (when present) the outgoing person have
/// each confirmed with their own PIN — the caller passes the actors their PINs signed in.
/// Important unfinished work blocks it unless handed over with a note (DUTY-7); lateness and
/// an absent outgoing person are recorded. The handover goes into the log as an entry.
#[allow(clippy::too_many_arguments)]
pub fn hand_over(
    outgoing: Option<&Actor>,
    incoming: &Actor,
    id: RecordId,
    form: &HandoverForm,
    head: &DutyChain,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    incoming.may(Action::HandOver)?;
    if let Some(o) = outgoing {
        o.may(Action::HandOver)?;
        if o.id == incoming.id {
            return Err(DomainError::invalid(
                "交班人和接班人不能是同一人",
                "The outgoing and incoming person must be two people",
            ));
        }
    }
    let Some(date) = form.date else {
        return Err(DomainError::invalid("请选择日期", "Choose the date"));
    };
    let b = blockers(form, outgoing.is_some());
    if let Some(first) = b.first() {
        return Err(DomainError::Invalid(Text::new(
            format!("不能交接（{}项）：{}", b.len(), first.zh),
            format!("Cannot hand over ({}): {}", b.len(), first.en),
        )));
    }
    let mut form = form.clone();
    for o in &mut form.open {
        o.accepted = true;
    }
    let late = form.arrived > form.shift_start - ARRIVE_EARLY_MS;
    let record = HandoverRecord {
        form: form.clone(),
        outgoing: outgoing.map(|o| o.id),
        incoming: incoming.id,
        late,
        at: now,
    };
    let mut drafts = vec![Draft {
        subject: RecordRef::new(RecordKind::Handover, id),
        body: EventBody::Duty(DutyEvent::HandedOver {
            record: Box::new(record),
        }),
    }];
    // The handover is also written in the log, so the paper form's 交班人/接班人 lines exist.
    let flagged = form
        .items
        .iter()
        .filter(|i| i.state != ItemState::Present)
        .map(|i| {
            format!(
                "{}{}（{}）",
                i.name,
                i.state.label().zh,
                i.explanation.trim()
            )
        })
        .collect::<Vec<_>>();
    let mut text = format!(
        "交接班完成：物品{}件{}；跟进事项{}项；异常{}项",
        form.items.len(),
        if flagged.is_empty() {
            "齐全".to_string()
        } else {
            format!("，{}", flagged.join("、"))
        },
        form.open.len(),
        form.anomalies.len()
    );
    if late {
        text.push_str("；接班人未提前5分钟到岗");
    }
    if outgoing.is_none() {
        text.push_str(&format!("；交班人不在场：{}", form.absent_reason.trim()));
    }
    let mut head = head.clone();
    drafts.extend(chain_entries(
        &mut head,
        incoming.id,
        form.post,
        date,
        now,
        vec![(
            NewEntry {
                kind: EntryKind::Handover,
                text,
                ..Default::default()
            },
            None,
        )],
    ));
    Ok(drafts)
}

/// 交接班记录
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub record: Option<HandoverRecord>,
}

impl Aggregate for Handover {
    const KIND: RecordKind = RecordKind::Handover;
    fn apply(&mut self, event: &Event) {
        if let EventBody::Duty(DutyEvent::HandedOver { record }) = &event.body {
            self.record = Some((**record).clone());
        }
    }
    fn index(&self) -> IndexFields {
        let Some(r) = &self.record else {
            return IndexFields::default();
        };
        let date = r.form.date.map(|d| d.to_string()).unwrap_or_default();
        IndexFields {
            status: Some(
                if r.late || r.outgoing.is_none() {
                    "flagged"
                } else {
                    "ok"
                }
                .into(),
            ),
            search: vec![format!("{}:{date}", r.form.post.as_str())],
            title: format!("交接班 {date}"),
            subtitle: r.form.post.label().zh,
            ..Default::default()
        }
    }
}

/// The shift change nearest to `now` (a duty's start at 17:30, or its end at 08:30 the next
/// morning; DUTY-2): the time the incoming person must be there 5 minutes before.
pub fn shift_boundary(cal: &crate::domain::calendar::BusinessCalendar, now: i64) -> i64 {
    let today = cal.local_date(now);
    let mut best = now;
    let mut gap = i64::MAX;
    for d in [today.pred_opt(), Some(today), today.succ_opt()]
        .into_iter()
        .flatten()
    {
        let (s, e) = cal.duty_shift(d);
        for b in [s, e] {
            if (b - now).abs() < gap {
                gap = (b - now).abs();
                best = b;
            }
        }
    }
    best
}

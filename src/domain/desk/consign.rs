//! 代售 — consignment sales (DESK-3, seed 001 §6.4 代售电影票; any consigned item): stock
//! received, each sale (the money through [`crate::domain::cash::collect`], so the day's
//! takings go to finance through the one cash-day close), stock running out reported to the
//! supplier, and the monthly poster reminder (每月末通知送下月海报).

use super::DeskEvent;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::cash::{self, CashDay, Collection};
use crate::domain::command::{required, Actor, DomainError};
use crate::domain::duty::Post;
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::Action;
use crate::domain::view::{Aggregate, IndexFields};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// From this day of the month the next month's poster is due to be asked for.
pub const POSTER_FROM_DAY: u32 = 25;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ConsignEvent {
    /// A consigned item and its terms (set or changed).
    ItemSet {
        name: String,
        supplier: String,
        contact: String,
        /// Fen per piece.
        price: i64,
        /// At or below this stock, it is reported to the supplier.
        low_at: u32,
        at: i64,
        by: StaffId,
    },
    StockReceived {
        qty: u32,
        note: String,
        at: i64,
        by: StaffId,
    },
    /// A sale; its money is the cash receipt `receipt` on the desk's cash day.
    Sold {
        qty: u32,
        amount: i64,
        receipt: String,
        at: i64,
        by: StaffId,
    },
    StockOutReported {
        to: String,
        at: i64,
        by: StaffId,
    },
    /// The supplier asked for next month's poster (`month` = "yyyy-mm" of the poster).
    PosterRequested {
        month: String,
        at: i64,
        by: StaffId,
    },
}

impl ConsignEvent {
    pub fn label(&self) -> Text {
        match self {
            ConsignEvent::ItemSet { .. } => Text::new("代售品资料", "Consigned item"),
            ConsignEvent::StockReceived { .. } => Text::new("入库", "Stock received"),
            ConsignEvent::Sold { .. } => Text::new("销售", "Sale"),
            ConsignEvent::StockOutReported { .. } => {
                Text::new("缺货通知供货方", "Stock-out reported")
            }
            ConsignEvent::PosterRequested { .. } => {
                Text::new("通知送下月海报", "Next month's poster requested")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sale {
    pub qty: u32,
    pub amount: i64,
    pub receipt: String,
    pub at: i64,
    pub by: StaffId,
}

/// 代售品 — one consigned item with its stock and sales.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Consignment {
    pub name: String,
    pub supplier: String,
    pub contact: String,
    pub price: i64,
    pub low_at: u32,
    pub received: u32,
    pub sales: Vec<Sale>,
    /// When the last stock-out report was made (cleared by new stock).
    pub reported: Option<(String, i64)>,
    pub posters: Vec<String>,
}

impl Consignment {
    pub fn sold(&self) -> u32 {
        self.sales.iter().map(|s| s.qty).sum()
    }
    pub fn stock(&self) -> u32 {
        self.received.saturating_sub(self.sold())
    }
    /// Stock at or below the supplier's threshold (DESK-3: 不得出现断档).
    pub fn is_low(&self) -> bool {
        self.stock() <= self.low_at
    }
    /// Low and not yet reported since the last delivery.
    pub fn needs_report(&self) -> bool {
        self.is_low() && self.reported.is_none()
    }
    /// The month ("yyyy-mm") whose poster must be asked for on `today`, if not yet asked: from
    /// the 25th, next month's (seed §6.4.5 每月末通知送下月海报).
    pub fn poster_due(&self, today: NaiveDate) -> Option<String> {
        if today.day() < POSTER_FROM_DAY {
            return None;
        }
        let next = today
            .with_day(1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))?;
        let m = format!("{:04}-{:02}", next.year(), next.month());
        (!self.posters.contains(&m)).then_some(m)
    }
}

impl Aggregate for Consignment {
    const KIND: RecordKind = RecordKind::Consignment;
    fn apply(&mut self, event: &Event) {
        let EventBody::Desk(DeskEvent::Consign(e)) = &event.body else {
            return;
        };
        match e {
            ConsignEvent::ItemSet {
                name,
                supplier,
                contact,
                price,
                low_at,
                ..
            } => {
                self.name = name.clone();
                self.supplier = supplier.clone();
                self.contact = contact.clone();
                self.price = *price;
                self.low_at = *low_at;
            }
            ConsignEvent::StockReceived { qty, .. } => {
                self.received += qty;
                if !self.is_low() {
                    self.reported = None;
                }
            }
            ConsignEvent::Sold {
                qty,
                amount,
                receipt,
                at,
                by,
            } => {
                if !self.sales.iter().any(|s| &s.receipt == receipt) {
                    self.sales.push(Sale {
                        qty: *qty,
                        amount: *amount,
                        receipt: receipt.clone(),
                        at: *at,
                        by: *by,
                    });
                }
            }
            ConsignEvent::StockOutReported { to, at, .. } => {
                self.reported = Some((to.clone(), *at));
            }
            ConsignEvent::PosterRequested { month, .. } => {
                if !self.posters.contains(month) {
                    self.posters.push(month.clone());
                }
            }
        }
    }
    fn index(&self) -> IndexFields {
        let status = if self.needs_report() {
            "low"
        } else if self.stock() == 0 {
            "out"
        } else {
            "ok"
        };
        IndexFields {
            status: Some(status.into()),
            search: vec![self.name.clone(), self.supplier.clone()],
            title: self.name.clone(),
            subtitle: format!("库存{}", self.stock()),
            ..Default::default()
        }
    }
}

pub fn item_ref(id: RecordId) -> RecordRef {
    RecordRef::new(RecordKind::Consignment, id)
}

fn draft(id: RecordId, e: ConsignEvent) -> Draft {
    Draft {
        subject: item_ref(id),
        body: EventBody::Desk(DeskEvent::Consign(e)),
    }
}

/// Sets a consigned item's terms (DESK-3).
#[allow(clippy::too_many_arguments)]
pub fn set_item(
    actor: &Actor,
    id: RecordId,
    name: &str,
    supplier: &str,
    contact: &str,
    price: i64,
    low_at: u32,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    let name = required(name, Text::new("代售品名称", "the item's name"))?;
    let supplier = required(supplier, Text::new("供货方", "the supplier"))?;
    if price <= 0 {
        return Err(DomainError::invalid(
            "单价须大于零",
            "The price must be more than zero",
        ));
    }
    Ok(vec![draft(
        id,
        ConsignEvent::ItemSet {
            name,
            supplier,
            contact: contact.trim().into(),
            price,
            low_at,
            at: now,
            by: actor.id,
        },
    )])
}

pub fn receive_stock(
    actor: &Actor,
    id: RecordId,
    item: &Consignment,
    qty: u32,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    if item.name.is_empty() {
        return Err(DomainError::NotFound(Text::new(
            "找不到该代售品",
            "Item not found",
        )));
    }
    if qty == 0 {
        return Err(DomainError::invalid(
            "入库数量至少为1",
            "Receive at least one",
        ));
    }
    Ok(vec![draft(
        id,
        ConsignEvent::StockReceived {
            qty,
            note: note.trim().into(),
            at: now,
            by: actor.id,
        },
    )])
}

/// A sale at the front desk (DESK-3): `qty` pieces at the item's price, paid in cash through
/// [`cash::collect`] on the front desk's till (receipt in the same batch). Refused beyond
/// the stock, or when the cash day refuses (yesterday not closed, today closed).
#[allow(clippy::too_many_arguments)]
pub fn sell(
    actor: &Actor,
    id: RecordId,
    item: &Consignment,
    qty: u32,
    payer: &str,
    tablet: &str,
    today: Option<&CashDay>,
    pending: Option<&CashDay>,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    if item.name.is_empty() {
        return Err(DomainError::NotFound(Text::new(
            "找不到该代售品",
            "Item not found",
        )));
    }
    if qty == 0 {
        return Err(DomainError::invalid("销售数量至少为1", "Sell at least one"));
    }
    if qty > item.stock() {
        return Err(DomainError::Invalid(Text::new(
            format!("库存不足：仅剩{}", item.stock()),
            format!("Not enough stock: {} left", item.stock()),
        )));
    }
    let amount = item.price * qty as i64;
    let mut drafts = cash::collect(
        actor,
        today,
        pending,
        &Collection {
            post: Post::FrontDesk,
            tablet: tablet.into(),
            amount,
            what: format!("代售：{}×{qty}", item.name),
            source: Some(item_ref(id)),
            payer: if payer.trim().is_empty() {
                "散客".into()
            } else {
                payer.trim().into()
            },
        },
        now,
        cal,
    )?;
    let receipt = cash::receipt_in(&drafts).unwrap_or_default().to_string();
    drafts.push(draft(
        id,
        ConsignEvent::Sold {
            qty,
            amount,
            receipt,
            at: now,
            by: actor.id,
        },
    ));
    Ok(drafts)
}

/// Stock running out reported to the supplier (seed §6.4.4 及时通知影院人员送票).
pub fn report_stock_out(
    actor: &Actor,
    id: RecordId,
    item: &Consignment,
    to: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    if !item.is_low() {
        return Err(DomainError::invalid(
            "库存充足，无需通知",
            "Stock is sufficient; nothing to report",
        ));
    }
    let to = required(to, Text::new("通知了谁", "who was told"))?;
    Ok(vec![draft(
        id,
        ConsignEvent::StockOutReported {
            to,
            at: now,
            by: actor.id,
        },
    )])
}

/// Next month's poster asked for (seed §6.4.5).
pub fn request_poster(
    actor: &Actor,
    id: RecordId,
    item: &Consignment,
    today: NaiveDate,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::KeepDeskRegisters)?;
    let Some(month) = item.poster_due(today) else {
        return Err(DomainError::invalid(
            "现在无需通知送海报（每月25日起通知下月海报）",
            "No poster is due now (next month's from the 25th)",
        ));
    };
    Ok(vec![draft(
        id,
        ConsignEvent::PosterRequested {
            month,
            at: now,
            by: actor.id,
        },
    )])
}

/// CSV of the sales register (销售记录表) of some items.
pub fn sales_csv(
    items: &[Consignment],
    fmt_time: impl Fn(i64) -> String,
    name: impl Fn(StaffId) -> String,
) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "时间".to_string(),
        "代售品".into(),
        "数量".into(),
        "金额".into(),
        "收据号".into(),
        "经手人".into(),
    ]];
    let mut all: Vec<(&Consignment, &Sale)> = items
        .iter()
        .flat_map(|i| i.sales.iter().map(move |s| (i, s)))
        .collect();
    all.sort_by_key(|(_, s)| s.at);
    for (i, s) in all {
        rows.push(vec![
            fmt_time(s.at),
            i.name.clone(),
            s.qty.to_string(),
            cash::yuan(s.amount),
            s.receipt.clone(),
            name(s.by),
        ]);
    }
    rows
}

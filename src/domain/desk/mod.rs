//! 前台 — the front desk's registers (SOP.md §11, seed 001 §6.1–6.4): registered mail
//! (DESK-1, 业主信件签收表), newspapers (DESK-2), consignment sales (DESK-3, the seed's cinema
//! tickets — any consigned item; the money goes through [`super::cash`]) and the reception
//! standards card (DESK-4, data in [`reception`]).
//!
//! Every open matter of the desk is a record with an assignee and a running clock — an
//! unclaimed letter (next notice due), papers not distributed, a consignment whose poster or
//! stock needs a call — so the front-desk handover (DUTY-11, `duty::handover::gather_open_items`)
//! carries it by itself, and closing it (pickup, distribution) drops its line.

pub mod consign;
pub mod demo;
pub mod mail;
pub mod papers;
pub mod reception;
#[cfg(test)]
mod tests;

use super::i18n::Text;
use serde::{Deserialize, Serialize};

pub use consign::{ConsignEvent, Consignment};
pub use mail::{Mail, MailEvent, MailStatus, NoticeHow};
pub use papers::{PaperDay, PapersEvent, Subscription};

/// The desk's events: one `EventBody::Desk` variant, a sub-enum per register.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "r", content = "x", rename_all = "snake_case")]
pub enum DeskEvent {
    Mail(MailEvent),
    Papers(PapersEvent),
    Consign(ConsignEvent),
}

impl DeskEvent {
    pub fn label(&self) -> Text {
        match self {
            DeskEvent::Mail(e) => e.label(),
            DeskEvent::Papers(e) => e.label(),
            DeskEvent::Consign(e) => e.label(),
        }
    }
    /// Field group for sync: registers are appends, except a subscription's details.
    pub fn field_group(&self) -> &'static str {
        match self {
            DeskEvent::Papers(PapersEvent::SubscriptionSet { .. }) => "subscription",
            DeskEvent::Consign(ConsignEvent::ItemSet { .. }) => "item",
            _ => super::event::APPEND,
        }
    }
}

/// The desk's settings (issue 17): when an unclaimed letter is notified again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeskSettings {
    /// Days after registration on which an unclaimed item is notified again (DESK-1: 1, 3, 7).
    pub renotify_days: Vec<u32>,
}

impl DeskSettings {
    /// DESK-1: 1 to 5 renotify days, each 1–30, increasing.
    pub fn validate(&self) -> Result<(), super::command::DomainError> {
        let d = &self.renotify_days;
        if d.is_empty()
            || d.len() > 5
            || d.iter().any(|x| !(1..=30).contains(x))
            || d.windows(2).any(|w| w[0] >= w[1])
        {
            return Err(super::command::DomainError::invalid(
                "再次通知日须为1–5个递增的天数（1–30天）",
                "The renotify days must be 1–5 increasing days (1–30)",
            ));
        }
        Ok(())
    }
    /// Parses "1, 3, 7" (any separators).
    pub fn parse_days(text: &str) -> Vec<u32> {
        text.split(|c: char| !c.is_ascii_digit())
            .filter_map(|p| p.parse().ok())
            .collect()
    }
}

impl Default for DeskSettings {
    fn default() -> Self {
        DeskSettings {
            renotify_days: vec![1, 3, 7],
        }
    }
}

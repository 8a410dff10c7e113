//! The domain: pure Rust, no web or storage crates. Records, each SOP's rules as commands over
//! immutable events, the SLA clock and business calendar, roles and permissions.

pub mod authority;
pub mod calendar;
pub mod command;
pub mod complaints;
pub mod demo;
pub mod device;
pub mod duty;
pub mod emergency;
pub mod estate;
pub mod event;
pub mod hlc;
pub mod i18n;
pub mod ids;
pub mod patrol;
pub mod photo;
pub mod registry;
pub mod retention;
pub mod roles;
pub mod sla;
pub mod staff;
pub mod view;
pub mod violations;
pub mod workorder;

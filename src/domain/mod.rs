//! The domain: pure Rust, no web or storage crates. Records, each SOP's rules as commands over
//! immutable events, the SLA clock and business calendar, roles and permissions.

// Declared before the modules so every one of them can use it (textual macro scope).
/// A closed vocabulary with zh + en labels and stable keys (statuses, kinds, CSV columns).
macro_rules! labelled {
    ($(#[$m:meta])* $name:ident { $($v:ident => ($zh:expr, $en:expr, $key:expr)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn label(self) -> Text {
                match self { $($name::$v => Text::new($zh, $en)),+ }
            }
            /// Stable key for statuses, test ids and CSV.
            pub fn key(self) -> &'static str {
                match self { $($name::$v => $key),+ }
            }
            pub fn from_key(k: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == k)
            }
        }
    };
}

pub mod authority;
pub mod calendar;
pub mod callbacks;
pub mod cash;
pub mod command;
pub mod complaints;
pub mod corrective;
pub mod demo;
pub mod desk;
pub mod device;
pub mod discipline;
pub mod duty;
pub mod emergency;
pub mod estate;
pub mod event;
pub mod forum;
pub mod hlc;
pub mod i18n;
pub mod ids;
pub mod movein;
pub mod patrol;
pub mod photo;
pub mod quality;
pub mod registry;
pub mod retention;
pub mod review;
pub mod roles;
pub mod sla;
pub mod staff;
pub mod training;
pub mod view;
pub mod violations;
pub mod workorder;

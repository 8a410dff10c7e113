//! The two languages of the app. Simplified Chinese first; English selectable.
//! Domain messages (refusals, validation errors) carry both texts so the UI never
//! composes a rule's wording itself.

use serde::{Deserialize, Serialize};

/// A fieldless enum whose variants carry a label in both languages and a stable key (for
/// statuses, index keys, test ids and CSV): `labelled!(Name { Variant => ("中文", "English",
/// "key"), … })`. Shared by the modules (complaints, violations).
macro_rules! labelled_enum {
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
pub(crate) use labelled_enum as labelled;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A text in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

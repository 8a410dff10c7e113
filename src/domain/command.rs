//! What every domain command receives and may return. A command checks the actor's role
//! ([`super::roles::authorize`]) and the record's state, then returns drafts of events.

use super::i18n::Text;
use super::ids::StaffId;
use super::roles::{authorize, Action, Denied, Role};
use std::collections::BTreeSet;

/// The signed-in person acting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub id: StaffId,
    pub roles: BTreeSet<Role>,
}

impl Actor {
    pub fn may(&self, action: Action) -> Result<(), DomainError> {
        authorize(&self.roles, action).map_err(DomainError::Denied)
    }
}

/// Why a command was refused. Always carries a message in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    Denied(Denied),
    Invalid(Text),
    NotFound(Text),
}

impl DomainError {
    pub fn invalid(zh: &str, en: &str) -> Self {
        DomainError::Invalid(Text::new(zh, en))
    }
    pub fn message(&self) -> Text {
        match self {
            DomainError::Denied(d) => d.message(),
            DomainError::Invalid(t) | DomainError::NotFound(t) => t.clone(),
        }
    }
}

impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().en)
    }
}

/// Trims a required text field; refuses it empty with the field's name.
pub fn required(value: &str, field: Text) -> Result<String, DomainError> {
    let v = value.trim();
    if v.is_empty() {
        Err(DomainError::Invalid(Text::new(
            format!("请填写{}", field.zh),
            format!("Please fill in {}", field.en),
        )))
    } else {
        Ok(v.to_string())
    }
}

//! 员工 — staff, their roles and departments (SOP §0), PIN credentials and sign-in lockout.
//! A signature in the app is the signer's confirmation with their own PIN (SOP §0).

mod lockout;
mod pin;
pub use lockout::{Lockout, Uptime, LOCKOUT_FAILURES, LOCKOUT_LADDER_MS, LOCKOUT_MS};
pub use pin::{
    pbkdf2_sha256, validate_pin, PinHash, MAX_PIN_ITERATIONS, MIN_PIN_ITERATIONS, PIN_ITERATIONS,
};

use super::command::{required, Actor, DomainError};
use super::estate;
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::StaffId;
use super::roles::{Action, Department, Role};
use super::view::{Aggregate, IndexFields};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The editable profile of a staff member.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub roles: BTreeSet<Role>,
    pub department: Option<Department>,
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum StaffEvent {
    Created { profile: Profile },
    Updated { profile: Profile },
    PinSet { pin: PinHash },
    Deactivated,
    Reactivated,
}

/// 员工
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub profile: Profile,
    pub pin: Option<PinHash>,
    pub active: bool,
}

impl Staff {
    pub fn actor(&self, id: StaffId) -> Actor {
        Actor {
            id,
            roles: self.profile.roles.clone(),
        }
    }
}

impl Aggregate for Staff {
    const KIND: RecordKind = RecordKind::Staff;
    fn apply(&mut self, event: &Event) {
        if let EventBody::Staff(e) = &event.body {
            match e {
                StaffEvent::Created { profile } => {
                    self.profile = profile.clone();
                    self.active = true;
                }
                StaffEvent::Updated { profile } => self.profile = profile.clone(),
                StaffEvent::PinSet { pin } => self.pin = Some(pin.clone()),
                StaffEvent::Deactivated => self.active = false,
                StaffEvent::Reactivated => self.active = true,
            }
        }
    }
    fn index(&self) -> IndexFields {
        let roles: Vec<String> = self.profile.roles.iter().map(|r| r.label().zh).collect();
        IndexFields {
            status: Some(if self.active { "active" } else { "inactive" }.into()),
            search: vec![self.profile.name.clone(), self.profile.phone.clone()],
            title: self.profile.name.clone(),
            subtitle: roles.join(" · "),
            ..Default::default()
        }
    }
}

fn staff_ref(id: StaffId) -> RecordRef {
    RecordRef::new(RecordKind::Staff, id)
}

fn validate(profile: &Profile) -> Result<Profile, DomainError> {
    let name = required(&profile.name, Text::new("姓名", "the name"))?;
    if profile.roles.is_empty() {
        return Err(DomainError::invalid(
            "请至少选择一个角色",
            "Choose at least one role",
        ));
    }
    Ok(Profile {
        name,
        phone: profile.phone.trim().to_string(),
        ..profile.clone()
    })
}

/// First run: founds the estate and creates the first Director with a PIN. Allowed only while
/// the database has no estate (`estate_exists` false); no actor is signed in yet.
pub fn first_run(
    estate_exists: bool,
    estate_name: &str,
    director_id: StaffId,
    director_name: &str,
    pin: PinHash,
) -> Result<Vec<Draft>, DomainError> {
    if estate_exists {
        return Err(DomainError::invalid(
            "本设备已设置过小区",
            "This tablet already has an estate",
        ));
    }
    let estate_name = required(estate_name, Text::new("小区名称", "the estate name"))?;
    let profile = validate(&Profile {
        name: director_name.into(),
        roles: [Role::Director].into(),
        department: Some(Department::CustomerService),
        phone: String::new(),
    })?;
    Ok(vec![
        estate::founded(estate_name),
        Draft {
            subject: staff_ref(director_id),
            body: EventBody::Staff(StaffEvent::Created { profile }),
        },
        Draft {
            subject: staff_ref(director_id),
            body: EventBody::Staff(StaffEvent::PinSet { pin }),
        },
    ])
}

/// Adds a staff member with a first PIN (Director only).
pub fn create(
    actor: &Actor,
    id: StaffId,
    profile: &Profile,
    pin: PinHash,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageStaff)?;
    let profile = validate(profile)?;
    Ok(vec![
        Draft {
            subject: staff_ref(id),
            body: EventBody::Staff(StaffEvent::Created { profile }),
        },
        Draft {
            subject: staff_ref(id),
            body: EventBody::Staff(StaffEvent::PinSet { pin }),
        },
    ])
}

/// Changes name, roles, department or phone.
pub fn update(
    actor: &Actor,
    id: StaffId,
    current: &Staff,
    profile: &Profile,
    directors_left: usize,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageStaff)?;
    let profile = validate(profile)?;
    if current.active
        && current.profile.roles.contains(&Role::Director)
        && !profile.roles.contains(&Role::Director)
        && directors_left <= 1
    {
        return Err(last_director());
    }
    if profile == current.profile {
        return Ok(vec![]);
    }
    Ok(vec![Draft {
        subject: staff_ref(id),
        body: EventBody::Staff(StaffEvent::Updated { profile }),
    }])
}

/// Sets a new PIN: a Director for anyone, or a person for themselves.
pub fn set_pin(actor: &Actor, id: StaffId, pin: PinHash) -> Result<Vec<Draft>, DomainError> {
    if actor.id != id {
        actor.may(Action::ManageStaff)?;
    }
    Ok(vec![Draft {
        subject: staff_ref(id),
        body: EventBody::Staff(StaffEvent::PinSet { pin }),
    }])
}

/// Deactivates (leaver) or reactivates a staff member; records are kept, never deleted.
pub fn set_active(
    actor: &Actor,
    id: StaffId,
    current: &Staff,
    active: bool,
    directors_left: usize,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageStaff)?;
    if current.active == active {
        return Ok(vec![]);
    }
    if !active && current.profile.roles.contains(&Role::Director) && directors_left <= 1 {
        return Err(last_director());
    }
    if !active && actor.id == id {
        return Err(DomainError::invalid(
            "不能停用自己的账号",
            "You cannot deactivate your own account",
        ));
    }
    let e = if active {
        StaffEvent::Reactivated
    } else {
        StaffEvent::Deactivated
    };
    Ok(vec![Draft {
        subject: staff_ref(id),
        body: EventBody::Staff(e),
    }])
}

fn last_director() -> DomainError {
    DomainError::invalid(
        "至少要保留一位在职的物业部主任",
        "At least one active Director must remain",
    )
}

#[cfg(test)]
mod tests;

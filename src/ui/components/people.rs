//! Staff by name, the one loader (issue 19): pickers (who to refer to, who to submit to, who is
//! rostered) and the names on records. Pickers list active staff; a name on a record is looked up
//! among everyone, former staff too, so a record written before someone left still shows them.

use crate::domain::event::RecordKind;
use crate::domain::ids::StaffId;
use crate::domain::roles::{Department, Role};
use crate::domain::staff::Staff;
use crate::store::{Filter, Query};
use crate::ui::state::{app, loader};
use leptos::prelude::*;

/// A staff member as the pages need them: name, roles, department, phone (on-call contacts) and
/// whether they are still active.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub id: StaffId,
    pub name: String,
    pub roles: Vec<Role>,
    pub department: Option<Department>,
    pub phone: String,
    pub active: bool,
}

impl Person {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    /// The roles as the permission matrix takes them (`roles::authorize`, training items).
    pub fn role_set(&self) -> std::collections::BTreeSet<Role> {
        self.roles.iter().copied().collect()
    }
}

pub type People = ReadSignal<Option<Vec<Person>>>;

/// Active staff (pickers, recipients).
pub fn people() -> People {
    loader(active_staff)
}

/// Every staff record, former staff too, by name: the names on records written before someone
/// left (a printed patrol sheet, a month's figures per person). Pickers use [`people`].
pub fn everyone() -> People {
    loader(all_staff)
}

/// Active staff, by name (for a page's own loader that reads other things too).
pub async fn active_staff() -> Vec<Person> {
    load(Filter::Status("active".into())).await
}

/// Every staff record, former staff too, by name. Pickers filter [`Person::active`].
pub async fn all_staff() -> Vec<Person> {
    load(Filter::All).await
}

async fn load(filter: Filter) -> Vec<Person> {
    let mut v: Vec<Person> = app()
        .query(&Query::new(RecordKind::Staff, filter))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| {
            let s = v.state::<Staff>()?;
            Some(Person {
                id: v.id,
                name: s.profile.name,
                roles: s.profile.roles.into_iter().collect(),
                department: s.profile.department,
                phone: s.profile.phone,
                active: s.active,
            })
        })
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// The name of `id` in a loaded list; the short id when nobody by that id is known.
pub fn name_in(list: &[Person], id: StaffId) -> String {
    list.iter()
        .find(|p| p.id == id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| id.short())
}

pub fn name_of(people: &People, id: Option<StaffId>) -> String {
    let Some(id) = id else {
        return "—".into();
    };
    people.with(|l| name_in(l.as_deref().unwrap_or_default(), id))
}

/// Who findings and violations go to (PAT-4, VIO-5): the first active lead, Supervisor, Director.
pub fn recipients(people: &People) -> crate::domain::patrol::Recipients {
    let all = people.get_untracked().unwrap_or_default();
    crate::domain::patrol::recipients_among(
        all.iter().map(|p| (p.id, p.roles.clone(), p.department)),
    )
}

//! Staff by name, the one loader (issue 19): pickers (who to refer to, who to submit to, who is
//! rostered) and the names on records. Pickers list active staff; a name on a record is looked up
//! among everyone, former staff too, so a record written before someone left still shows them.

use crate::domain::event::RecordKind;
use crate::domain::ids::StaffId;
use crate::domain::roles::{Department, Role};
use crate::domain::staff::Staff;
use crate::store::Query;
use crate::ui::state::{app, loader_held, Held, HeldCell};
use leptos::prelude::*;
use std::cell::RefCell;

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

thread_local! {
    static STAFF_CELL: HeldCell<Vec<Person>> = const { RefCell::new(None) };
}

/// Every staff member as read at a change count: nearly every screen names staff, and the list
/// changes only when something is written (issue 19: a screen read and decoded every staff
/// record on each visit, and drew its names one render late).
const STAFF: Held<Vec<Person>> = Held::new(&STAFF_CELL);

fn active_of(all: &[Person]) -> Vec<Person> {
    all.iter().filter(|p| p.active).cloned().collect()
}

/// A signal of the staff, already filled when they were read at this change count (the
/// names render with the page), read again after every change.
fn staff_signal(pick: fn(&[Person]) -> Vec<Person>) -> People {
    loader_held(STAFF.now().map(|v| pick(&v)), move || async move {
        pick(&all_staff_held().await)
    })
}

/// Active staff (pickers, recipients).
pub fn people() -> People {
    staff_signal(active_of)
}

/// Every staff record, former staff too, by name: the names on records written before someone
/// left (a printed patrol sheet, a month's figures per person). Pickers use [`people`].
pub fn everyone() -> People {
    staff_signal(<[Person]>::to_vec)
}

/// Active staff, by name (for a page's own loader that reads other things too).
pub async fn active_staff() -> Vec<Person> {
    active_of(&all_staff_held().await)
}

/// Every staff record, former staff too, by name. Pickers filter [`Person::active`].
pub async fn all_staff() -> Vec<Person> {
    all_staff_held().await.to_vec()
}

async fn all_staff_held() -> std::rc::Rc<Vec<Person>> {
    STAFF
        .get(|| async { Some(load().await) })
        .await
        .unwrap_or_default()
}

async fn load() -> Vec<Person> {
    let mut v: Vec<Person> = app()
        .query(&Query::all(RecordKind::Staff))
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

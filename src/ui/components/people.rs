//! Staff by name, the one loader (issue 19): pickers (who to refer to, who to submit to, who is
//! rostered) and the names on records. Pickers list active staff; a name on a record is looked up
//! among everyone, former staff too, so a record written before someone left still shows them.

use crate::domain::event::RecordKind;
use crate::domain::ids::StaffId;
use crate::domain::roles::{Department, Role};
use crate::domain::staff::Staff;
use crate::store::Query;
use crate::ui::state::{app, ctx};
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
    /// Every staff member as read at a change count (`ctx().rev`): nearly every screen names
    /// staff, and the list changes only when something is written (issue 19: a screen read and
    /// decoded every staff record on each visit, and drew its names one render late).
    static STAFF: RefCell<Option<(u64, Vec<Person>)>> = const { RefCell::new(None) };
}

/// The staff as read at the current change count, if they were.
fn held() -> Option<Vec<Person>> {
    let rev = ctx().rev.get_untracked();
    STAFF.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|(at, _)| *at == rev)
            .map(|(_, v)| v.clone())
    })
}

fn active_of(all: Vec<Person>) -> Vec<Person> {
    all.into_iter().filter(|p| p.active).collect()
}

/// A signal of the staff, already filled when they were read at this change count (the
/// names render with the page), read again after every change.
fn staff_signal(pick: fn(Vec<Person>) -> Vec<Person>) -> People {
    let (get, set) = signal(held().map(pick));
    Effect::new(move |_| {
        ctx().rev.track();
        leptos::task::spawn_local(async move {
            let v = pick(all_staff().await);
            if get.with_untracked(|g| g.as_ref() != Some(&v)) {
                set.set(Some(v));
            }
        });
    });
    get
}

/// Active staff (pickers, recipients).
pub fn people() -> People {
    staff_signal(active_of)
}

/// Every staff record, former staff too, by name: the names on records written before someone
/// left (a printed patrol sheet, a month's figures per person). Pickers use [`people`].
pub fn everyone() -> People {
    staff_signal(|all| all)
}

/// Active staff, by name (for a page's own loader that reads other things too).
pub async fn active_staff() -> Vec<Person> {
    active_of(all_staff().await)
}

/// Every staff record, former staff too, by name. Pickers filter [`Person::active`].
pub async fn all_staff() -> Vec<Person> {
    if let Some(v) = held() {
        return v;
    }
    let rev = ctx().rev.get_untracked();
    let v = load().await;
    // Kept only if nothing was written while it was read.
    if ctx().rev.get_untracked() == rev {
        STAFF.with(|s| *s.borrow_mut() = Some((rev, v.clone())));
    }
    v
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

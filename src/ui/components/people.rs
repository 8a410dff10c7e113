//! Active staff with their roles, by name: pickers (who to refer to, who to submit to) and the
//! names on records. One loader for every area that needs it (complaints, the review card).

use crate::domain::event::RecordKind;
use crate::domain::ids::StaffId;
use crate::domain::roles::{Department, Role};
use crate::domain::staff::Staff;
use crate::store::{Filter, Query};
use crate::ui::state::{app, loader};
use leptos::prelude::*;

/// Active staff: (id, name, roles, department), by name.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub id: StaffId,
    pub name: String,
    pub roles: Vec<Role>,
    pub department: Option<Department>,
}

pub type People = ReadSignal<Option<Vec<Person>>>;

/// Active staff (pickers, recipients).
pub fn people() -> People {
    load(Filter::Status("active".into()))
}

/// Every staff record, former staff too, by name: the names on records written before someone
/// left (a printed patrol sheet, a month's figures per person). Pickers use [`people`].
pub fn everyone() -> People {
    load(Filter::All)
}

fn load(filter: Filter) -> People {
    loader(move || {
        let q = Query::new(RecordKind::Staff, filter.clone());
        async move {
            let mut v: Vec<Person> = app()
                .query(&q)
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
                    })
                })
                .collect();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        }
    })
}

pub fn name_of(people: &People, id: Option<StaffId>) -> String {
    let Some(id) = id else {
        return "—".into();
    };
    people
        .get()
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.id == id)
        .map(|p| p.name)
        .unwrap_or_else(|| id.short())
}

/// Who findings and violations go to (PAT-4, VIO-5): the first active lead, Supervisor, Director.
pub fn recipients(people: &People) -> crate::domain::patrol::Recipients {
    let all = people.get_untracked().unwrap_or_default();
    crate::domain::patrol::recipients_among(
        all.iter().map(|p| (p.id, p.roles.clone(), p.department)),
    )
}

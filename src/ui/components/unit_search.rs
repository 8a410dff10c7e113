//! Unit search, shared by every form that names a household (complaints, help requests,
//! violations, repairs, mail, move-in): "1201" finds 1201 in every building, with who lives
//! there. The newest answer wins, so a fast typist never sees an older query's hits.

use crate::domain::event::RecordKind;
use crate::domain::ids::RecordId;
use crate::domain::registry::{Building, Household, Unit};
use crate::store::{Filter, Query};
use crate::ui::i18n::t;
use crate::ui::state::app;
use leptos::prelude::*;

/// A unit found by number, with its current main contact.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitHit {
    pub unit: RecordId,
    pub household: Option<RecordId>,
    pub place: String,
    pub name: String,
    pub phone: String,
}

/// Unit search for the forms: "1201" finds 1201 in every building, with who lives there.
pub async fn find_units(text: String) -> Vec<UnitHit> {
    let a = app();
    let buildings: Vec<(RecordId, String)> = a
        .query(&Query::all(RecordKind::Building))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Building>().map(|b| (v.id, b.info.name)))
        .collect();
    let units = a
        .query(&Query::new(RecordKind::Unit, Filter::Prefix(text.to_lowercase())).limit(12))
        .await
        .unwrap_or_default();
    let mut out = Vec::new();
    for v in units {
        let Some(u) = v.state::<Unit>() else { continue };
        let b = buildings
            .iter()
            .find(|(id, _)| *id == u.info.building)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        let hh = a
            .query(&Query::new(RecordKind::Household, Filter::Unit(v.id)))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|h| h.state::<Household>().map(|s| (h.id, s)))
            .find(|(_, h)| h.moved_out.is_none());
        let (household, name, phone) = match hh {
            Some((id, h)) => {
                let p = h.info.people.first().cloned().unwrap_or_default();
                (Some(id), p.name, p.phone)
            }
            None => (None, String::new(), String::new()),
        };
        out.push(UnitHit {
            unit: v.id,
            household,
            place: format!("{b} {}", u.info.number),
            name,
            phone,
        });
    }
    out.sort_by_key(|a| crate::ui::registry::natural(&a.place));
    out
}

/// The search box and its hits. `testid` names the input; each hit is `{testid}-hit`.
/// `children` sit beside the input (e.g. the complaint form's "anonymous" button).
#[component]
pub fn UnitSearch(
    #[prop(into)] testid: String,
    on_pick: Callback<UnitHit>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let q = RwSignal::new(String::new());
    let (hits, set_hits) = signal(Vec::<UnitHit>::new());
    let seq = StoredValue::new(0u64);
    Effect::new(move |_| {
        let text = q.get().trim().to_string();
        let n = seq.get_value() + 1;
        seq.set_value(n);
        if text.is_empty() {
            set_hits.set(vec![]);
            return;
        }
        leptos::task::spawn_local(async move {
            let found = find_units(text).await;
            if seq.get_value() == n {
                set_hits.set(found);
            }
        });
    });
    let hit_id = format!("{testid}-hit");
    view! {
        <div class="cmp-unit-search">
            <input type="search" inputmode="numeric" autocomplete="off" data-testid=testid
                placeholder=move || t("cmp.reg.unit_ph")
                prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))/>
            {children.map(|c| c())}
        </div>
        <div class="cmp-hits">
            {move || hits.get().into_iter().map(|h| {
                let h2 = h.clone();
                let hit_id = hit_id.clone();
                view! {
                    <button class="cmp-hit" data-testid=hit_id on:click=move |_| { q.set(String::new()); on_pick.run(h2.clone()); }>
                        <strong>{h.place.clone()}</strong>
                        <span class="muted">{if h.name.is_empty() { "—".to_string() } else { h.name.clone() }}</span>
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

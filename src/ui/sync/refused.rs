//! 未生效的记录 — events without effect (issue 12, SOP §0): events whose actor did not hold the
//! role the permission matrix asks for when they were written (a forged export, an edit by a
//! person who had just lost the role, a setup event that is not the first run). They are kept
//! — events are never deleted — but fold into nothing. Every tablet holding the same events
//! lists the same ones. Shown to the Director only; all text is plain (never HTML).

use crate::domain::event::RecordKind;
use crate::domain::roles::Role;
use crate::domain::staff::Staff;
use crate::store::Query;
use crate::ui::components::Empty;
use crate::ui::i18n::t;
use crate::ui::platform::format_time;
use crate::ui::state::{app, ctx, loader, tx};
use leptos::prelude::*;
use std::collections::HashMap;

fn is_director() -> bool {
    ctx()
        .session
        .get()
        .is_some_and(|s| s.roles.contains(&Role::Director))
}

#[component]
pub fn Refused() -> impl IntoView {
    let list = loader(|| async {
        let a = app();
        let refused = a.refused().await.unwrap_or_default();
        let names: HashMap<_, String> = a
            .query(&Query::all(RecordKind::Staff))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Staff>().map(|s| (v.id, s.profile.name)))
            .collect();
        refused
            .into_iter()
            .rev()
            .map(|r| {
                let who = match r.actor {
                    Some(id) => names.get(&id).cloned().unwrap_or_else(|| id.short()),
                    None => "—".to_string(),
                };
                (r, who)
            })
            .collect::<Vec<_>>()
    });
    let offset = move || crate::ui::state::utc_offset();
    view! {
        <Show when=is_director>
            <section class="card sync-refused" data-testid="sync-refused">
                <h2>{move || t("sync.refused")}</h2>
                <p class="muted">{move || t("sync.refused_lead")}</p>
                {move || {
                    let items = list.get().unwrap_or_default();
                    if items.is_empty() {
                        return view! { <Empty text=Signal::derive(move || t("sync.no_refused").to_string())/> }.into_any();
                    }
                    items.into_iter().map(|(r, who)| {
                        let (what, why) = (r.what.clone(), r.why.clone());
                        view! {
                            <div class="sync-conflict" data-testid="sync-refused-item">
                                <p><strong>{move || tx(&what)}</strong></p>
                                <dl class="sync-facts">
                                    <dt>{move || t("sync.r_who")}</dt>
                                    <dd>{who}</dd>
                                    <dt>{move || t("sync.tablet")}</dt>
                                    <dd>{r.device.short()}</dd>
                                    <dt>{move || t("sync.r_when")}</dt>
                                    <dd>{format_time(r.at.wall, offset())}</dd>
                                    <dt>{move || t("sync.r_why")}</dt>
                                    <dd>{move || tx(&why)}</dd>
                                </dl>
                            </div>
                        }
                    }).collect_view().into_any()
                }}
            </section>
        </Show>
    }
}

//! Open conflicts (two tablets changed the same field without knowing of each other): the
//! later change is in force; a Supervisor or Director confirms it, or reverses it by recording
//! the losing value again through the ordinary domain command (registry records and staff
//! profiles; other field groups — PIN, active, moved out, estate name/settings — can only be
//! confirmed here and are changed on their own pages).

use super::text;
use crate::domain::command::DomainError;
use crate::domain::event::{EventBody, RecordKind};
use crate::domain::registry::{self, RegistryEvent};
use crate::domain::roles::Action;
use crate::domain::staff::{self, Staff, StaffEvent};
use crate::sync::{open_conflicts, settle_conflict, Conflict};
use crate::ui::components::Empty;
use crate::ui::i18n::t;
use crate::ui::platform::format_time;
use crate::ui::state::{app, bump, loader, submit, toast_err, toast_ok, tx, tx_untracked};
use leptos::prelude::*;

/// May the signed-in person settle conflicts? (Reactive; the service checks it too, issue 12.)
fn may_settle() -> bool {
    super::may(Action::SettleConflicts)
}

/// Settles as the signed-in person (the service refuses those without the permission).
async fn settle(loser: crate::domain::ids::EventId) -> Result<(), crate::domain::i18n::Text> {
    let actor = super::current_actor().await?;
    settle_conflict(&app(), &actor, loser)
        .await
        .map_err(|e| e.message())
}

/// The losing value as an event body, if it can be recorded again by an ordinary command.
fn reversible(c: &Conflict) -> Option<EventBody> {
    let body: EventBody = serde_json::from_value(c.loser.value.clone()).ok()?;
    match &body {
        EventBody::Registry(
            RegistryEvent::BuildingSet { .. }
            | RegistryEvent::UnitSet { .. }
            | RegistryEvent::HouseholdSet { .. }
            | RegistryEvent::FacilitySet { .. }
            | RegistryEvent::CheckpointSet { .. },
        )
        | EventBody::Staff(StaffEvent::Created { .. } | StaffEvent::Updated { .. }) => Some(body),
        _ => None,
    }
}

fn confirm(c: &Conflict) {
    let loser = c.loser.event;
    leptos::task::spawn_local(async move {
        match settle(loser).await {
            Ok(()) => {
                toast_ok(tx_untracked(&text("sync.c_confirmed")));
                bump();
            }
            Err(e) => toast_err(tx_untracked(&e)),
        }
    });
}

fn reverse(c: &Conflict) {
    let Some(body) = reversible(c) else { return };
    let id = c.subject.id;
    let is_staff = c.subject.kind == RecordKind::Staff;
    let loser = c.loser.event;
    leptos::task::spawn_local(async move {
        let a = app();
        let directors = a.active_directors().await.unwrap_or(0);
        // A staff member that can't be read is not reversed: a default (inactive) record would
        // slip past the last-Director rule.
        let current: Staff = if is_staff {
            match a.get::<Staff>(id).await {
                Ok(Some(s)) => s,
                Ok(None) => return,
                Err(e) => return crate::ui::state::toast_err(tx_untracked(&e.message())),
            }
        } else {
            Staff::default()
        };
        submit(
            move |actor| match body {
                EventBody::Registry(RegistryEvent::BuildingSet { info }) => {
                    registry::set_building(actor, id, &info)
                }
                EventBody::Registry(RegistryEvent::UnitSet { info }) => {
                    registry::set_unit(actor, id, &info)
                }
                EventBody::Registry(RegistryEvent::HouseholdSet { info }) => {
                    registry::set_household(actor, id, &info)
                }
                EventBody::Registry(RegistryEvent::FacilitySet { info }) => {
                    registry::set_facility(actor, id, &info)
                }
                EventBody::Registry(RegistryEvent::CheckpointSet { info }) => {
                    registry::set_checkpoint(actor, id, &info)
                }
                EventBody::Staff(
                    StaffEvent::Created { profile } | StaffEvent::Updated { profile },
                ) => staff::update(actor, id, &current, &profile, directors),
                _ => Err(DomainError::invalid(
                    "此修改不能在这里改回",
                    "This change cannot be reversed here",
                )),
            },
            text("sync.c_reversed"),
            move || {
                leptos::task::spawn_local(async move {
                    if let Err(e) = settle(loser).await {
                        toast_err(tx_untracked(&e));
                    }
                    bump();
                });
            },
        );
    });
}

/// A side's value in a line (JSON, compact, PINs already masked by the core).
fn value_text(v: &serde_json::Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}

#[component]
pub fn Conflicts() -> impl IntoView {
    let list = loader(|| async {
        let a = app();
        // A side that takes no effect (issue 12: its writer lacked the role) is no conflict:
        // it is listed under 未生效的记录 instead.
        let refused: std::collections::HashSet<_> = a
            .refused()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.event)
            .collect();
        open_conflicts(&a.store)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|c| !refused.contains(&c.winner.event) && !refused.contains(&c.loser.event))
            .collect::<Vec<_>>()
    });
    let offset = move || crate::ui::state::utc_offset();
    view! {
        <section class="card sync-conflicts" data-testid="sync-conflicts">
            <h2>{move || t("sync.conflicts")}</h2>
            {move || {
                let items = list.get().unwrap_or_default();
                if items.is_empty() {
                    return view! { <Empty text=Signal::derive(move || t("sync.no_conflicts").to_string())/> }.into_any();
                }
                items.into_iter().map(|c| {
                    let msg = c.message();
                    let can_reverse = reversible(&c).is_some();
                    let (c1, c2) = (c.clone(), c.clone());
                    view! {
                        <div class="sync-conflict" data-testid="sync-conflict">
                            <p><strong>{move || tx(&msg)}</strong></p>
                            <dl class="sync-facts">
                                <dt>{move || t("sync.c_winner")}</dt>
                                <dd>{format!("{} · {} · ", c.winner.device.short(), format_time(c.winner.at.wall, offset()))}<code>{value_text(&c.winner.value)}</code></dd>
                                <dt>{move || t("sync.c_loser")}</dt>
                                <dd>{format!("{} · {} · ", c.loser.device.short(), format_time(c.loser.at.wall, offset()))}<code>{value_text(&c.loser.value)}</code></dd>
                            </dl>
                            <Show when=may_settle fallback=|| view! { <p class="muted">{move || t("sync.c_supervisor")}</p> }>
                                <div class="actions">
                                    <button class="btn primary" data-testid="sync-conflict-confirm" on:click={let c = c1.clone(); move |_| confirm(&c)}>
                                        {move || t("sync.c_confirm")}
                                    </button>
                                    {can_reverse.then(|| { let c = c2.clone(); view! {
                                        <button class="btn" data-testid="sync-conflict-reverse" on:click=move |_| reverse(&c)>
                                            {move || t("sync.c_reverse")}
                                        </button>
                                    }})}
                                </div>
                            </Show>
                        </div>
                    }
                }).collect_view().into_any()
            }}
        </section>
    }
}

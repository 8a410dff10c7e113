//! 值班安排表 — the month calendar editor, publishing, printing, leave (DUTY-1, DUTY-2, DUTY-5).

use super::{calendar, hm, on_duty_staff, roster_staff, supervisor_of};
use crate::domain::duty::roster::{
    self, days_of, first_of, month_key, next_month, roster_id, shift_of, LeaveRequest, Roster,
    DEFAULT_POST,
};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::Action;
use crate::store::{Filter, Query};
use crate::ui::components::people::{all_staff, name_in, Person};
use crate::ui::components::print_page;
use crate::ui::components::Sheet;
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, ctx, loader, submit};
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;

fn prev_month(m: u32) -> u32 {
    if m % 100 == 1 {
        (m / 100 - 1) * 100 + 12
    } else {
        m - 1
    }
}

#[component]
pub fn RosterTab() -> impl IntoView {
    let c = ctx();
    let cal = calendar();
    let today = cal.local_date(now_ms());
    // The supervisor plans next month; staff look at this month.
    let start = if c
        .session
        .get_untracked()
        .is_some_and(|s| s.may(Action::ManageRoster))
    {
        next_month(month_key(today))
    } else {
        month_key(today)
    };
    let month = RwSignal::new(start);
    let may_edit = move || c.session.get().is_some_and(|s| s.may(Action::ManageRoster));
    let data = loader(move || {
        let m = month.get();
        async move {
            let a = app();
            let r = a
                .get::<Roster>(roster_id(m))
                .await
                .ok()
                .flatten()
                .unwrap_or(Roster {
                    month: m,
                    ..Default::default()
                });
            let staff = all_staff().await;
            // Undecided requests (status index), each its own list row (issue 19).
            let leaves: Vec<(RecordId, LeaveRequest)> = crate::ui::state::list_rows(&Query::new(
                RecordKind::DutyLeave,
                Filter::Status("pending".into()),
            ))
            .await;
            (r, staff, leaves)
        }
    });
    let picking = RwSignal::new(None::<NaiveDate>);
    let pick_open = RwSignal::new(false);
    let pick_person = RwSignal::new(None::<StaffId>);
    let pick_post = RwSignal::new(String::new());
    let leave_open = RwSignal::new(false);
    let leave_date = RwSignal::new(None::<NaiveDate>);
    let leave_reason = RwSignal::new(String::new());

    let save_slot = move |_| {
        let Some(date) = picking.get_untracked() else {
            return;
        };
        let Some((r, _, _)) = data.get_untracked() else {
            return;
        };
        let person = pick_person.get_untracked();
        let post = pick_post.get_untracked();
        submit(
            move |a| roster::set_slot(a, &r, date, person, &post),
            Text::new("已排班", "Duty assigned"),
            move || pick_open.set(false),
        );
    };
    // Fills every empty day in turn with the duty staff (the supervisor adjusts afterwards).
    let fill = move |_| {
        let Some((r, staff, _)) = data.get_untracked() else {
            return;
        };
        // In turn: the assistants (管理员) do the duties; the supervisor adjusts afterwards.
        let people: Vec<_> = staff
            .iter()
            .filter(|p| p.active && p.has(crate::domain::roles::Role::Assistant))
            .map(|p| (p.id, p.name.clone()))
            .collect();
        if people.is_empty() {
            return;
        }
        let m = month.get_untracked();
        submit(
            move |a| {
                let mut out = vec![];
                for (i, d) in r.gaps().into_iter().enumerate() {
                    let _ = m;
                    out.extend(roster::set_slot(
                        a,
                        &r,
                        d,
                        Some(people[i % people.len()].0),
                        DEFAULT_POST,
                    )?);
                }
                Ok(out)
            },
            Text::new("空白日期已按顺序排班", "Empty days filled in turn"),
            || {},
        );
    };
    let publish = move |_| {
        let Some((r, _, _)) = data.get_untracked() else {
            return;
        };
        let m = month.get_untracked();
        let today = calendar().local_date(now_ms());
        submit(
            move |a| roster::publish(a, &r, m, today),
            Text::new("值班安排表已发布", "Roster published"),
            || {},
        );
    };
    let ask_leave = move |_| {
        let Some((r, staff, _)) = data.get_untracked() else {
            return;
        };
        let Some(date) = leave_date.get_untracked() else {
            return;
        };
        let reason = leave_reason.get_untracked();
        let sup = supervisor_of(&staff, Some(&r));
        let id = app().new_id();
        submit(
            move |a| {
                let sup = sup.ok_or_else(|| {
                    crate::domain::command::DomainError::invalid(
                        "没有主管可以审批",
                        "There is no supervisor to decide",
                    )
                })?;
                roster::request_leave(a, id, &r, date, &reason, sup, now_ms(), &calendar())
            },
            Text::new("请假申请已交主管", "Leave request sent to the supervisor"),
            move || {
                leave_open.set(false);
                leave_reason.set(String::new());
            },
        );
    };

    view! {
        <div class="roster">
            <div class="duty-toolbar screen-only">
                <button class="btn month-nav" data-testid="roster-prev" on:click=move |_| month.update(|m| *m = prev_month(*m))>"‹"</button>
                <h2 class="month-title" data-testid="roster-month">{move || format!("{}年{}月", month.get() / 100, month.get() % 100)}</h2>
                <button class="btn month-nav" data-testid="roster-next" on:click=move |_| month.update(|m| *m = next_month(*m))>"›"</button>
                <span class="spacer"></span>
                {move || data.get().map(|(r, _, _)| match r.published {
                    Some(_) => view! { <span class="badge ok" data-testid="roster-published">{move || t("duty.roster.published")}</span> }.into_any(),
                    None => view! { <span class="badge warn" data-testid="roster-draft">{move || t("duty.roster.draft")}</span> }.into_any(),
                })}
                <Show when=move || may_edit() && data.get().is_some_and(|(r, _, _)| r.published.is_none())>
                    <button class="btn" data-testid="roster-fill" on:click=fill>{move || t("duty.roster.fill")}</button>
                    <button class="btn primary" data-testid="roster-publish" on:click=publish>{move || t("duty.roster.publish")}</button>
                </Show>
                <button class="btn" data-testid="roster-print" on:click=move |_| print_page()>{move || t("duty.print")}</button>
            </div>
            {move || {
                let m = month.get();
                let next_unpublished = m == next_month(month_key(today)) && data.get().is_some_and(|(r, _, _)| roster::needs_reminder(today, Some(&r)));
                (may_edit() && next_unpublished).then(|| view! {
                    <div class="duty-alert static" data-testid="roster-reminder-banner">{move || t("duty.roster.remind_long")}</div>
                })
            }}
            {move || data.get().map(|(r, staff, leaves)| {
                let m = month.get();
                let first = first_of(m).unwrap_or(today);
                let blanks = first.weekday().num_days_from_monday();
                let cal = calendar();
                let me = c.session.get().map(|s| s.id);
                let published = r.published.is_some();
                let r2 = r.clone();
                let staff2 = staff.clone();
                view! {
                    <section class="card screen-only">
                        <div class="cal-grid" data-testid="roster-calendar">
                            {["wd.1", "wd.2", "wd.3", "wd.4", "wd.5", "wd.6", "wd.7"].into_iter().map(|k| view! { <div class="cal-wd">{move || t(k)}</div> }).collect_view()}
                            {(0..blanks).map(|_| view! { <div class="cal-blank"></div> }).collect_view()}
                            {days_of(m).into_iter().map(|d| {
                                let shift = shift_of(&cal, d);
                                let slot = r.slots.get(&d).cloned();
                                let name = slot.as_ref().map(|s| name_in(&staff, s.person));
                                let mine = slot.as_ref().is_some_and(|s| Some(s.person) == me);
                                let empty = name.is_none();
                                let replaced = slot.as_ref().is_some_and(|s| s.leave.is_some());
                                let person = slot.as_ref().map(|s| s.person);
                                let post = slot.as_ref().map(|s| s.post.clone()).unwrap_or_default();
                                let past = d < today;
                                view! {
                                    <button class="cal-day" class:holiday=shift.holiday class:mine=mine class:empty=empty class:past=past
                                        data-testid=format!("roster-day-{}", d.day())
                                        on:click=move |_| {
                                            if !published && may_edit() {
                                                picking.set(Some(d));
                                                pick_person.set(person);
                                                pick_post.set(if post.is_empty() { DEFAULT_POST.to_string() } else { post.clone() });
                                                pick_open.set(true);
                                            } else if published && mine && !past {
                                                leave_date.set(Some(d));
                                                leave_open.set(true);
                                            }
                                        }>
                                        <span class="cal-n">{d.day()}</span>
                                        <span class="cal-h">{if shift.holiday { "24h".to_string() } else { format!("{}–{}", hm(shift.start), hm(shift.end)) }}</span>
                                        <span class="cal-who">{name.unwrap_or_else(|| "—".into())}</span>
                                        {replaced.then(|| view! { <span class="cal-tag">{move || t("duty.roster.replaced")}</span> })}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        <p class="muted cal-hint">{move || if published { t("duty.roster.hint_published") } else { t("duty.roster.hint_draft") }}</p>
                    </section>
                    <LeaveQueue leaves=leaves staff=staff2.clone()/>
                    <MyLeave staff=staff2.clone()/>
                    <RosterPrint roster=r2 staff=staff2/>
                }
            })}
            <Sheet title=Signal::derive(move || picking.get().map(|d| d.to_string()).unwrap_or_default()) open=pick_open>
                <label class="field">
                    <span class="field-label">{move || t("duty.roster.person")}</span>
                    <select data-testid="slot-person" on:change=move |ev| pick_person.set(event_target_value(&ev).parse().ok())>
                        <option value="" selected=move || pick_person.get().is_none()>{move || t("duty.roster.nobody")}</option>
                        {move || data.get().map(|(_, staff, _)| roster_staff(&staff).into_iter().map(|(id, n)| view! {
                            <option value=id.to_string() selected=move || pick_person.get() == Some(id)>{n}</option>
                        }).collect_view())}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || t("duty.roster.post")}</span>
                    <input data-testid="slot-post" prop:value=move || pick_post.get() on:input=move |ev| pick_post.set(event_target_value(&ev))/>
                </label>
                <button class="btn primary" data-testid="slot-save" on:click=save_slot>{move || t("common.save")}</button>
            </Sheet>
            <Sheet title=Signal::derive(move || t("duty.leave.title").to_string()) open=leave_open>
                <p>{move || leave_date.get().map(|d| d.to_string()).unwrap_or_default()}</p>
                <p class="muted">{move || t("duty.leave.rule")}</p>
                <label class="field">
                    <span class="field-label">{move || t("duty.leave.reason")}</span>
                    <input data-testid="leave-reason" prop:value=move || leave_reason.get() on:input=move |ev| leave_reason.set(event_target_value(&ev))/>
                </label>
                <button class="btn primary" data-testid="leave-send" on:click=ask_leave>{move || t("duty.leave.send")}</button>
            </Sheet>
        </div>
    }
}

/// The supervisor's pending leave requests: approve naming the replacement, or refuse (DUTY-5).
#[component]
fn LeaveQueue(leaves: Vec<(RecordId, LeaveRequest)>, staff: Vec<Person>) -> impl IntoView {
    let c = ctx();
    let may = c
        .session
        .get_untracked()
        .is_some_and(|s| s.may(Action::ManageRoster));
    (may && !leaves.is_empty()).then(|| {
        view! {
            <section class="card screen-only" data-testid="leave-queue">
                <h2>{move || t("duty.leave.queue")}</h2>
                {leaves.into_iter().map(|(id, l)| {
                    let who = l.person.map(|p| name_in(&staff, p)).unwrap_or_default();
                    let replacement = RwSignal::new(None::<StaffId>);
                    let people = on_duty_staff(&staff).into_iter().filter(|(i, _)| Some(*i) != l.person).collect::<Vec<_>>();
                    let l2 = l.clone();
                    let approve = move |_| {
                        let Some(rep) = replacement.get_untracked() else {
                            crate::ui::state::toast_err(crate::ui::i18n::t_untracked("duty.leave.pick"));
                            return;
                        };
                        let l = l2.clone();
                        submit(move |a| roster::approve_leave(a, id, &l, rep, now_ms()), Text::new("已批准，顶班人员已排入", "Approved; the replacement is on the roster"), || {});
                    };
                    let l3 = l.clone();
                    let why = RwSignal::new(String::new());
                    let refuse = move |_| {
                        let l = l3.clone();
                        let w = why.get_untracked();
                        submit(move |a| roster::refuse_leave(a, id, &l, &w, now_ms()), Text::new("未批准", "Refused"), || {});
                    };
                    view! {
                        <div class="leave-row" data-testid="leave-row">
                            <div class="leave-text">
                                <strong>{who}" · "{l.date.map(|d| d.to_string()).unwrap_or_default()}</strong>
                                <span class="muted">{l.reason.clone()}</span>
                            </div>
                            <select data-testid="leave-replacement" on:change=move |ev| replacement.set(event_target_value(&ev).parse().ok())>
                                <option value="">{move || t("duty.leave.replacement")}</option>
                                {people.into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
                            </select>
                            <button class="btn primary" data-testid="leave-approve" on:click=approve>{move || t("duty.leave.approve")}</button>
                            <input data-testid="leave-refuse-reason" placeholder=move || t("duty.leave.refuse_reason")
                                prop:value=move || why.get() on:input=move |ev| why.set(event_target_value(&ev))/>
                            <button class="btn" data-testid="leave-refuse" on:click=refuse>{move || t("duty.leave.refuse")}</button>
                        </div>
                    }
                }).collect_view()}
            </section>
        }
    })
}

/// 客户服务中心值班安排表 on A4, as the seed's form: three columns of date/person, the
/// supervisor's signature and the date made (DUTY-1).
#[component]
fn RosterPrint(roster: Roster, staff: Vec<Person>) -> impl IntoView {
    let m = roster.month;
    let days = days_of(m);
    let cell = |i: usize| {
        days.get(i)
            .map(|d| {
                let who = roster
                    .person_on(*d)
                    .map(|p| name_in(&staff, p))
                    .unwrap_or_default();
                (d.day().to_string(), who)
            })
            .unwrap_or_default()
    };
    let rows: Vec<[(String, String); 3]> = (0..11)
        .map(|r| [cell(r), cell(r + 11), cell(r + 22)])
        .collect();
    let (signer, made) = roster
        .published
        .map(|(by, on)| (name_in(&staff, by), on.to_string()))
        .unwrap_or_default();
    view! {
        <div class="print-only a4">
            <h1 class="print-title">"客户服务中心值班安排表"</h1>
            <p class="print-sub">{format!("部门：客服部　　{}年{}月　　NO：{}", m / 100, m % 100, m)}</p>
            <table class="print-table roster-print">
                <tr><th>"日期"</th><th>"值班人"</th><th>"日期"</th><th>"值班人"</th><th>"日期"</th><th>"值班人"</th></tr>
                {rows.into_iter().map(|r| view! {
                    <tr>{r.into_iter().map(|(d, w)| view! { <td class="c">{d}</td><td>{w}</td> }).collect_view()}</tr>
                }).collect_view()}
            </table>
            <div class="print-sign">
                <span>{format!("物业部主任助理签名：{signer}")}</span>
                <span>{format!("制表日期：{made}")}</span>
            </div>
        </div>
    }
}

/// The signed-in person's own leave requests and what became of them (DUTY-5).
#[component]
fn MyLeave(staff: Vec<Person>) -> impl IntoView {
    use crate::domain::duty::roster::LeaveStatus;
    let c = ctx();
    let me = c.session.get_untracked().map(|s| s.id);
    let mine = loader(move || async move {
        // The person's own requests by their key, as list rows (issue 19): never every
        // request of every person.
        let Some(me) = me else {
            return Vec::new();
        };
        let mut v: Vec<LeaveRequest> = crate::ui::state::list_rows(&Query::new(
            RecordKind::DutyLeave,
            Filter::Prefix(crate::domain::duty::roster::leave_by_key(me)),
        ))
        .await
        .into_iter()
        .map(|(_, l)| l)
        .filter(|l: &LeaveRequest| l.person == Some(me))
        .collect();
        v.sort_by_key(|l| std::cmp::Reverse(l.date));
        v
    });
    move || {
        let list = mine.get().unwrap_or_default();
        (!list.is_empty()).then(|| {
            let staff = staff.clone();
            view! {
                <section class="card screen-only" data-testid="my-leave">
                    <h2>{move || t("duty.leave.mine")}</h2>
                    {list.into_iter().take(6).map(|l| {
                        let (cls, key) = match l.status {
                            LeaveStatus::Pending => ("badge warn", "duty.leave.pending"),
                            LeaveStatus::Approved => ("badge ok", "duty.leave.approved"),
                            LeaveStatus::Refused => ("badge late", "duty.leave.refused"),
                        };
                        let rep = l.replacement.map(|r| name_in(&staff, r)).unwrap_or_default();
                        view! {
                            <div class="leave-row">
                                <div class="leave-text">
                                    <strong>{l.date.map(|d| d.to_string()).unwrap_or_default()}</strong>
                                    <span class="muted">{l.reason.clone()}{(!l.refusal.is_empty()).then(|| format!(" · {}", l.refusal))}</span>
                                </div>
                                {(!rep.is_empty()).then(|| view! { <span class="muted">{move || t("duty.roster.replaced")}"："{rep.clone()}</span> })}
                                <span class=cls>{move || t(key)}</span>
                            </div>
                        }
                    }).collect_view()}
                </section>
            }
        })
    }
}

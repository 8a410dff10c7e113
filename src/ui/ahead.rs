//! Reads made ahead of a likely tap (issue 19). On a five-year estate at 4× a list's own read
//! waited behind its page's first render: the complaint list's rows landed ~50 ms after the tap
//! although the same read takes ~20 ms on a page already shown. So a page, a moment after it
//! opens, reads the first page of the list most often opened from it (我的待办 → the
//! open complaints; 巡查 › 今日 → 发现与工单; the complaint list → 回访's first page and its
//! residents' forum card), and the list takes those rows when it mounts instead of reading them
//! again.
//!
//! Sign-in does the same for 我的待办's cards ([`keep_card`], [`my_card`]): once a person is
//! picked, each card's own read runs for that person, so the screen opens with every card
//! instead of reading them one after another once it has mounted.
//!
//! What is kept is only these reads, and only for the change count (`rev`) they were made at,
//! like [`super::state::Held`]: any write (`bump`) makes them stale, so a list never shows rows
//! older than its own read would. A list that finds nothing kept reads the store as before.

use super::platform::{mark, now_ms};
use super::state::{app, ctx};
use crate::domain::command::Actor;
use crate::domain::ids::StaffId;
use crate::domain::view::{Row, View};
use crate::store::{Query, Store};
use leptos::prelude::*;
use std::any::Any;
use std::cell::RefCell;
use std::future::Future;

/// One read to make ahead: a query's rows, its count from the index, or its full views (a
/// card that shows a few records whole: the residents' forum).
#[derive(Clone, Debug, PartialEq)]
pub enum Read {
    Rows(Query),
    Count(Query),
    Views(Query),
}

/// The reads of [`super::state::page_rows`] for its first `n` rows: the count and the page.
pub fn page(q: &Query, n: usize) -> [Read; 2] {
    [
        Read::Count(q.clone()),
        Read::Rows(q.clone().limit(n as u32)),
    ]
}

/// The read of [`super::state::page_rows_uncounted`] for its first `n` rows.
pub fn page_uncounted(q: &Query, n: usize) -> Read {
    Read::Rows(super::state::uncounted_query(q, n))
}

enum Kept {
    Rows(Vec<Row>),
    Count(u32),
    Views(Vec<View>),
}

thread_local! {
    /// The reads made ahead at one change count. Not a [`super::state::Held`]: that holds one
    /// value per change count, these gather from every page shown at it.
    static KEPT: RefCell<(u64, Vec<(Read, Kept)>)> = const { RefCell::new((0, Vec::new())) };
}

/// How long after a page opens (or after a write) it reads ahead, in ms. A fixed delay, not a
/// measure of idleness, chosen when 我的待办's last card landed at ~300 ms at 4× (session 33):
/// the screen the person is looking at does not wait for a read made for the next one. Since
/// sign-in reads 我的待办's cards ahead (session 34) they come with the screen; 巡查 › 今日 still
/// reads its own after it opens. A shorter delay is not measured.
const IDLE_MS: u32 = 400;

/// Reads `reads` [`IDLE_MS`] after the calling page opens, again after each change
/// (`rev`) while the page is shown. Call from a page's component.
pub fn when_idle(reads: impl Fn() -> Vec<Read> + 'static) {
    let c = ctx();
    let page = c.page.get_untracked();
    // The effect keeps its timer: a change re-arms it, leaving the page drops it (a dropped
    // Timeout never fires).
    Effect::new(move |_| {
        let rev = c.rev.get();
        let reads = reads();
        gloo::timers::callback::Timeout::new(IDLE_MS, move || {
            // Left already, or written since: the next page reads for itself.
            if c.page.get_untracked() == page && c.rev.get_untracked() == rev {
                leptos::task::spawn_local(read(rev, reads));
            }
        })
    });
}

/// Makes `reads` now and keeps them for the current change count (what [`when_idle`] runs).
pub async fn read_now(reads: Vec<Read>) {
    read(ctx().rev.get_untracked(), reads).await
}

async fn read(rev: u64, reads: Vec<Read>) {
    let a = app();
    let mut got = Vec::new();
    // One after another: nothing waits for them, and the main thread stays free between.
    for r in reads {
        // What this change count holds already is not read again (back on a page).
        if kept(&r, |_| Some(())).is_some() {
            continue;
        }
        let kept = match &r {
            Read::Rows(q) => a.store.rows(q).await.ok().map(Kept::Rows),
            Read::Count(q) => a.store.count(q).await.ok().map(Kept::Count),
            Read::Views(q) => a.store.query(q).await.ok().map(Kept::Views),
        };
        got.extend(kept.map(|k| (r, k)));
    }
    // Kept only if nothing was written while they were read; beside what this change count
    // holds already, in place of what an older one held.
    if ctx().rev.get_untracked() == rev {
        let old = KEPT.with(|k| {
            let mut k = k.borrow_mut();
            let old = if k.0 == rev {
                Vec::new()
            } else {
                std::mem::take(&mut k.1)
            };
            k.0 = rev;
            k.1.extend(got);
            old
        });
        drop(old);
    }
}

/// A query's rows if they were read ahead at the current change count: a page starts from
/// them in its first render.
pub fn rows_now(q: &Query) -> Option<Vec<Row>> {
    kept(&Read::Rows(q.clone()), |k| match k {
        Kept::Rows(rows) => Some(rows.clone()),
        _ => None,
    })
}

/// A query's count if it was read ahead at the current change count.
pub fn count_now(q: &Query) -> Option<u32> {
    kept(&Read::Count(q.clone()), |k| match k {
        Kept::Count(n) => Some(*n),
        _ => None,
    })
}

/// A query's full views if they were read ahead at the current change count.
pub fn views_now(q: &Query) -> Option<Vec<View>> {
    kept(&Read::Views(q.clone()), |k| match k {
        Kept::Views(v) => Some(v.clone()),
        _ => None,
    })
}

/// A query's list rows: those read ahead at the current change count, else from the store.
pub async fn rows(q: &Query) -> Vec<Row> {
    match rows_now(q) {
        Some(rows) => rows,
        None => app().store.rows(q).await.unwrap_or_default(),
    }
}

/// A query's full views: those read ahead at the current change count, else from the store.
pub async fn views(q: &Query) -> Vec<View> {
    match views_now(q) {
        Some(v) => v,
        None => app().store.query(q).await.unwrap_or_default(),
    }
}

/// A query's count from the index: read ahead at the current change count, else from the
/// store.
pub async fn count(q: &Query) -> u32 {
    match count_now(q) {
        Some(n) => n,
        None => app().store.count(q).await.unwrap_or_default(),
    }
}

fn kept<T>(probe: &Read, take: impl FnOnce(&Kept) -> Option<T>) -> Option<T> {
    let rev = ctx().rev.get_untracked();
    KEPT.with(|k| {
        let k = k.borrow();
        let (_, v) =
            k.1.iter()
                .find(|(r, _)| r == probe)
                .filter(|_| k.0 == rev)?;
        take(v)
    })
}

/// How long a card read ahead stays good (ms): a card's figures are as of its read (an overdue
/// count, today's duties), and a person may take a while over the PIN.
pub const CARD_FRESH_MS: i64 = 30_000;

/// A card's data read ahead, with what it was read for and when.
struct Card {
    name: &'static str,
    who: StaffId,
    rev: u64,
    at: i64,
    data: Box<dyn Any>,
}

thread_local! {
    /// Cards read ahead of their screen for one person; each taken once, by its card.
    static CARDS: RefCell<Vec<Card>> = const { RefCell::new(Vec::new()) };
}

/// Runs a card's own read for `who` ahead of its screen and keeps what it brings under the
/// card's `name` (its `ed-home-*` mark), unless something was written meanwhile.
pub async fn keep_card<T: 'static>(
    name: &'static str,
    who: StaffId,
    read: impl Future<Output = T>,
) {
    let rev = ctx().rev.get_untracked();
    let data = read.await;
    put_card(name, who, rev, Box::new(data));
}

fn put_card(name: &'static str, who: StaffId, rev: u64, data: Box<dyn Any>) {
    if ctx().rev.get_untracked() != rev {
        return;
    }
    let at = now_ms();
    CARDS.with(|c| {
        let mut c = c.borrow_mut();
        // One person's cards at a time (the one being signed in): a Director's to-do rows
        // picked and never signed in for are not kept beside the next person's.
        c.retain(|k| k.who == who && k.name != name);
        c.push(Card {
            name,
            who,
            rev,
            at,
            data,
        });
    });
}

fn fresh_card(name: &'static str, who: StaffId) -> Option<Box<dyn Any>> {
    let rev = ctx().rev.get_untracked();
    let now = now_ms();
    let k = CARDS.with(|c| {
        let mut c = c.borrow_mut();
        let i = c.iter().position(|k| k.name == name && k.who == who)?;
        Some(c.swap_remove(i))
    })?;
    (k.rev == rev && now - k.at < CARD_FRESH_MS).then_some(k.data)
}

/// A card's data for whoever is signed in: what was read ahead for them at this change count
/// and within [`CARD_FRESH_MS`], else the card's own `read` now; nothing for no one. Marks
/// `name` when the card has it (the benchmark's split of sign-in by card).
pub async fn my_card<T: Default + 'static, F: Future<Output = T>>(
    name: &'static str,
    read: impl FnOnce(Actor) -> F,
) -> T {
    let Some(s) = ctx().session.get_untracked() else {
        return T::default();
    };
    let data = match fresh_card(name, s.id).map(|d| d.downcast::<T>()) {
        Some(Ok(d)) => *d,
        _ => read(s.actor()).await,
    };
    mark(name);
    data
}

//! Materialised views: the current state of one record, folded from its events, with the
//! index fields the store keeps IndexedDB indexes on (kind, status, due time, unit, assignee,
//! search keys). Screens query views, never all events.

use super::event::{sort_events, Event, RecordKind, RecordRef};
use super::hlc::Hlc;
use super::ids::{RecordId, StaffId};
use super::sla::Clock;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A search key of `family` that sorts by time, earliest first: 15 digits of UTC ms (issue 19:
/// what is due or overdue is one range of the search index, counted and read earliest first —
/// callbacks' `cbdue|`, complaints' `cmpdue|` and `cmpesc|`).
pub fn time_key(family: &str, at: i64) -> String {
    format!("{family}{:015}", at.max(0))
}

/// The `Filter::Range` of every [`time_key`] of `family` up to `now` (a clock is overdue from
/// its deadline on, `Clock::state`).
pub fn due_by(family: &str, now: i64) -> (String, String) {
    (family.into(), time_key(family, now))
}

/// The `Filter::Range` of every key of one list's `family` (the open work orders' `pwoo|` and
/// `woo|`, the open findings' `pfo|`): the whole list, in its keys' order.
pub fn family_range(family: &str) -> (String, String) {
    (family.into(), family.into())
}

/// A time as a key's tail that sorts newest first (15 digits; the complaint list's pages).
pub fn newest_first(at: i64) -> String {
    format!(
        "{:015}",
        (999_999_999_999_999 - at).clamp(0, 999_999_999_999_999)
    )
}

/// What a record exposes for indexing and lists.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexFields {
    pub status: Option<String>,
    /// Deadline of the running clock (UTC ms), for "due soon" queries.
    pub due: Option<i64>,
    pub unit: Option<RecordId>,
    pub assignee: Option<StaffId>,
    /// Lower-case search keys without the kind prefix (unit numbers, names, phones).
    pub search: Vec<String>,
    /// One line for lists (user text: never rendered as HTML).
    pub title: String,
    pub subtitle: String,
    /// The SLA clock this record declares, if any: shown on the home screen (我的待办).
    pub clock: Option<Clock>,
}

/// A record's current state with its index fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// "kind:uuid" — the store's primary key.
    pub key: String,
    pub kind: RecordKind,
    pub id: RecordId,
    pub status: Option<String>,
    pub due: Option<i64>,
    pub unit: Option<RecordId>,
    pub assignee: Option<StaffId>,
    /// "kind|key" strings for a multi-entry prefix index.
    pub search: Vec<String>,
    pub title: String,
    pub subtitle: String,
    pub clock: Option<Clock>,
    /// What the record's list rows show beyond the index fields ([`Aggregate::list_row`],
    /// issue 19); null for most kinds.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub list: serde_json::Value,
    /// Stamp of the newest event folded in; events older than this need a full refold.
    pub last: Hlc,
    /// Stamp of the first event (record creation).
    pub created: Hlc,
    pub events: u32,
    /// The folded state as JSON (the aggregate's own type).
    pub state: State,
}

/// A view's folded state: the aggregate's JSON kept as its text (issue 13). Stored views hold
/// the same JSON as ever; what changed is that nothing builds a `serde_json::Value` tree of it
/// between the aggregate and the store — a fold wrote the aggregate into a tree and the store
/// wrote the tree out as text, and reading a view built the tree again (on the five-year estate,
/// the tree was half a restore's fold and most of a stored view's parse). Decoded into the
/// aggregate when a screen or a fold needs it ([`View::state`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct State(Box<serde_json::value::RawValue>);

impl State {
    /// `state` as stored.
    pub fn of<T: Serialize + ?Sized>(state: &T) -> State {
        State(serde_json::value::to_raw_value(state).expect("aggregate state serialises"))
    }
    /// Its JSON text.
    pub fn text(&self) -> &str {
        self.0.get()
    }
    /// Decoded as `A`, or `None` when it is not one.
    pub fn decode<A: DeserializeOwned>(&self) -> Option<A> {
        serde_json::from_str(self.text()).ok()
    }
}

/// Equal when they are the same JSON: a state written by an older build (keys sorted, as its
/// tree wrote them) equals the same state written from the aggregate (keys in field order).
impl PartialEq for State {
    fn eq(&self, other: &State) -> bool {
        let tree = |s: &State| serde_json::from_str::<serde_json::Value>(s.text()).ok();
        self.text() == other.text() || tree(self) == tree(other)
    }
}

/// What a writer compares before writing over a stored view (issue 13): the base it was
/// folded to and the index keys it holds, without the folded state (a restore's eviction reads
/// one for each view it writes; a fold keeps one of each stored view it replaces, not a copy of
/// the view). The same JSON as [`View`]; its other fields are skipped.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ViewHead {
    pub kind: RecordKind,
    pub status: Option<String>,
    pub due: Option<i64>,
    pub assignee: Option<StaffId>,
    pub search: Vec<String>,
    pub last: Hlc,
    pub events: u32,
}

/// A list row (issue 19): what a list shows — the index fields, never the folded state. The
/// store keeps each view's row as its own small JSON beside the full one, so a list of a month
/// of complaints decodes a few hundred bytes per row instead of each complaint's history; the
/// full [`View`] is read when a record opens. Not an event: its shape may change (a stored row
/// that does not decode is rebuilt from the full view).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// "kind:uuid" — the store's primary key.
    pub key: String,
    pub kind: RecordKind,
    pub id: RecordId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<StaffId>,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subtitle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
    /// Stamp of the first event (record creation): lists sort and show "registered at" by it.
    pub created: Hlc,
    /// The aggregate's own list fields ([`Aggregate::list_row`]); null when it has none.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub list: serde_json::Value,
}

impl Row {
    pub fn subject(&self) -> RecordRef {
        RecordRef::new(self.kind, self.id)
    }
    /// Decodes the aggregate's list fields (its `list_row` type).
    pub fn list<T: DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(&self.list).ok()
    }
}

impl View {
    pub fn subject(&self) -> RecordRef {
        RecordRef::new(self.kind, self.id)
    }
    /// What [`ViewHead`] reads of this view.
    pub fn head(&self) -> ViewHead {
        ViewHead {
            kind: self.kind,
            status: self.status.clone(),
            due: self.due,
            assignee: self.assignee,
            search: self.search.clone(),
            last: self.last,
            events: self.events,
        }
    }
    /// The list row of this view (the same fields, without the folded state).
    pub fn row(&self) -> Row {
        Row {
            key: self.key.clone(),
            kind: self.kind,
            id: self.id,
            status: self.status.clone(),
            due: self.due,
            unit: self.unit,
            assignee: self.assignee,
            title: self.title.clone(),
            subtitle: self.subtitle.clone(),
            clock: self.clock.clone(),
            created: self.created,
            list: self.list.clone(),
        }
    }
    /// Decodes the folded state.
    pub fn state<A: DeserializeOwned>(&self) -> Option<A> {
        self.state.decode()
    }
}

/// A record type: its state is a fold of its events.
pub trait Aggregate: Default + Serialize + DeserializeOwned {
    const KIND: RecordKind;
    fn apply(&mut self, event: &Event);
    fn index(&self) -> IndexFields;
    /// What a list row of this record shows beyond [`IndexFields`] (issue 19): a small struct
    /// of the aggregate's own (never its history), read by lists through `Store::rows` and
    /// [`Row::list`]. Null (the default) when title, subtitle, status and clock suffice.
    /// Changing it bumps [`VIEWS_VERSION`].
    fn list_row(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
}

fn build_view<A: Aggregate>(id: RecordId, state: &A, created: Hlc, last: Hlc, events: u32) -> View {
    let ix = state.index();
    let kind = A::KIND;
    View {
        key: RecordRef::new(kind, id).key(),
        kind,
        id,
        status: ix.status,
        due: ix.due,
        unit: ix.unit,
        assignee: ix.assignee,
        search: ix
            .search
            .iter()
            .filter(|s| !s.is_empty())
            .chain(super::retention::index_key(kind, last.wall).as_ref())
            .map(|s| format!("{}|{}", kind.as_str(), s.to_lowercase()))
            .collect(),
        title: ix.title,
        subtitle: ix.subtitle,
        clock: ix.clock,
        list: state.list_row(),
        last,
        created,
        events,
        state: State::of(state),
    }
}

/// Folds all events of one record from scratch (any order in; sorted here).
pub fn fold_all<A: Aggregate>(id: RecordId, mut events: Vec<Event>) -> Option<View> {
    if events.is_empty() {
        return None;
    }
    sort_events(&mut events);
    let mut state = A::default();
    for e in &events {
        state.apply(e);
    }
    Some(build_view(
        id,
        &state,
        events[0].at,
        events[events.len() - 1].at,
        events.len() as u32,
    ))
}

/// Applies newer events to an existing view. Returns `None` when an event is not newer than
/// the view (it arrived out of order by sync): the caller must refold from all events.
pub fn fold_onto<A: Aggregate>(view: &View, mut new: Vec<Event>) -> Option<View> {
    sort_events(&mut new);
    if new.first().is_some_and(|e| e.at <= view.last) {
        return None;
    }
    let mut state: A = view.state()?;
    for e in &new {
        state.apply(e);
    }
    let last = new.last().map(|e| e.at).unwrap_or(view.last);
    Some(build_view(
        view.id,
        &state,
        view.created,
        last,
        view.events + new.len() as u32,
    ))
}

/// Version of what views hold and index. Bump it when an aggregate's `index()` changes (a new
/// search key …): stores fold every view again from the events on their next open, so lists
/// served by the new keys are complete on existing tablets. 2: complaints by month and status
/// (issue 7). 3: list rows (issue 19: each view's `row` beside it in IndexedDB, and the
/// complaints' own list fields). 4: callbacks' open problems (CB-6) and referred enquiries on
/// the supervisor's list (HELP-4, issue 18). 5: list rows of violations, work orders, patrol
/// findings, households and callbacks (issue 19: those lists page over slim rows), and every
/// kept record's `ret|<month>` retention key (QUAL-4, added by the fold from the last entry,
/// `retention::index_key`). 6: list rows of cleaning records and violation drafts, and the
/// cleaning records' month key `clnm|<month>` (issue 19: the patrol tab and its printed record
/// read rows). 7: list rows of registered mail (issue 19, DESK-1: the front desk's register pages
/// over slim rows). 8: due callbacks' `cbdue|<deadline>` key (issue 19: the supervisor's card
/// counts and reads the overdue ones from the index). 9: the complaint list's newest-first keys
/// (`cmpo|`, `cmpm|<staff>|`, `cmpd|<month>|`, `cmpn|<month>|`) and CMP-3's `cmpesc|<deadline>`
/// (issue 19: a page of the list is read by key, the sweep reads only the complaints due). 10:
/// open complaints' `cmpdue|<running clock's deadline>` (CMP-4, issue 19: the supervisor's card
/// counts and reads the overdue ones from the index). 11: open work orders' list keys,
/// `pwoo|<newest first>` for public-facility orders and `woo|<running clock's deadline>` for
/// household ones (issue 19, REP-1, REP-8: 报修 and 巡查 › 发现与工单 read a page by key, not
/// every open order of both lists). 12: open patrol findings' `pfo|<newest first>` (issue 19,
/// PAT-4/PAT-5: 巡查 › 发现与工单 reads a page of them by key, not every open finding). 13: the
/// callback queue's tabs' keys, `cba|`, `cbr|` and `cbprob|open|` `<newest first>` (issue 19,
/// CB-1, CB-3, CB-6: a page of 回访 read by key, not every callback of five years).
pub const VIEWS_VERSION: u32 = 13;

/// What each bump of [`VIEWS_VERSION`] changed: the record kinds whose keys or list rows it
/// changed (`None`: every kind). A store folded at an older version refolds only the kinds
/// changed since (issue 19: refolding every record after a bump that changed the complaints'
/// keys took 509 s at 4x on the five-year estate). A bump adds its line here; a test fails
/// when one is missing.
const CHANGED_BY: &[(u32, Option<&[RecordKind]>)] = &[
    (2, None),
    (3, None),
    (4, None),
    (5, None),
    (6, None),
    (7, None),
    (8, Some(&[RecordKind::Callback])),
    (9, Some(&[RecordKind::Complaint])),
    (10, Some(&[RecordKind::Complaint])),
    (11, Some(&[RecordKind::WorkOrder])),
    (12, Some(&[RecordKind::PatrolFinding])),
    (13, Some(&[RecordKind::Callback])),
];

/// The record kinds whose views a store folded at `stored` must fold again to be current
/// (`None`: every kind; empty: none).
pub fn kinds_to_refold(stored: u32) -> Option<Vec<RecordKind>> {
    let mut kinds: Vec<RecordKind> = Vec::new();
    for (version, changed) in CHANGED_BY {
        if *version > stored && *version <= VIEWS_VERSION {
            for k in (*changed)? {
                if !kinds.contains(k) {
                    kinds.push(*k);
                }
            }
        }
    }
    Some(kinds)
}

/// Dispatch over every record kind. Adding a module adds one line to each function.
pub fn fold_all_kind(subject: RecordRef, events: Vec<Event>) -> Option<View> {
    use super::{estate::Estate, registry::*, staff::Staff};
    match subject.kind {
        RecordKind::Estate => fold_all::<Estate>(subject.id, events),
        RecordKind::Staff => fold_all::<Staff>(subject.id, events),
        RecordKind::Building => fold_all::<Building>(subject.id, events),
        RecordKind::Unit => fold_all::<Unit>(subject.id, events),
        RecordKind::Household => fold_all::<Household>(subject.id, events),
        RecordKind::Facility => fold_all::<Facility>(subject.id, events),
        RecordKind::Checkpoint => fold_all::<Checkpoint>(subject.id, events),
        RecordKind::Complaint => fold_all::<super::complaints::Complaint>(subject.id, events),
        RecordKind::Callback => fold_all::<super::callbacks::Callback>(subject.id, events),
        RecordKind::HelpRequest => fold_all::<super::complaints::HelpRequest>(subject.id, events),
        RecordKind::PatrolRoute => fold_all::<super::patrol::PatrolRoute>(subject.id, events),
        RecordKind::PatrolRound => fold_all::<super::patrol::PatrolRound>(subject.id, events),
        RecordKind::PatrolFinding => fold_all::<super::patrol::Finding>(subject.id, events),
        RecordKind::CleaningCheck => fold_all::<super::patrol::CleaningCheck>(subject.id, events),
        RecordKind::ViolationDraft => fold_all::<super::patrol::ViolationDraft>(subject.id, events),
        RecordKind::WorkOrder => fold_all::<super::workorder::WorkOrder>(subject.id, events),
        RecordKind::FeeItem => fold_all::<super::workorder::fees::FeeRecord>(subject.id, events),
        RecordKind::Roster => fold_all::<super::duty::roster::Roster>(subject.id, events),
        RecordKind::DutyLeave => fold_all::<super::duty::roster::LeaveRequest>(subject.id, events),
        RecordKind::DutyLog => fold_all::<super::duty::log::DutyLog>(subject.id, events),
        RecordKind::DutyChain => fold_all::<super::duty::log::DutyChain>(subject.id, events),
        RecordKind::Handover => fold_all::<super::duty::handover::Handover>(subject.id, events),
        RecordKind::Incident => fold_all::<super::emergency::Incident>(subject.id, events),
        RecordKind::Device => fold_all::<super::device::Device>(subject.id, events),
        RecordKind::TrainingMatrix => {
            fold_all::<super::training::TrainingMatrix>(subject.id, events)
        }
        RecordKind::TrainingRecord => {
            fold_all::<super::training::TrainingRecord>(subject.id, events)
        }
        RecordKind::Discipline => fold_all::<super::discipline::Discipline>(subject.id, events),
        RecordKind::CashDay => fold_all::<super::cash::CashDay>(subject.id, events),
        RecordKind::Mail => fold_all::<super::desk::Mail>(subject.id, events),
        RecordKind::Subscription => fold_all::<super::desk::Subscription>(subject.id, events),
        RecordKind::PaperDay => fold_all::<super::desk::PaperDay>(subject.id, events),
        RecordKind::Consignment => fold_all::<super::desk::Consignment>(subject.id, events),
        RecordKind::Violation => fold_all::<super::violations::Violation>(subject.id, events),
        RecordKind::Purged => fold_all::<super::retention::Tombstone>(subject.id, events),
        RecordKind::PaidReconciliation => {
            fold_all::<super::workorder::report::PaidReconciliation>(subject.id, events)
        }
        RecordKind::MonthlyReview => fold_all::<super::review::MonthlyReview>(subject.id, events),
        RecordKind::Forum => fold_all::<super::forum::Forum>(subject.id, events),
        RecordKind::MoveInBatch => fold_all::<super::movein::MoveInBatch>(subject.id, events),
        RecordKind::MoveInSession => fold_all::<super::movein::MoveInSession>(subject.id, events),
        RecordKind::Survey => fold_all::<super::quality::Survey>(subject.id, events),
        RecordKind::ArrearsMonth => fold_all::<super::quality::ArrearsMonth>(subject.id, events),
        RecordKind::QualityYear => fold_all::<super::quality::QualityYear>(subject.id, events),
        RecordKind::CorrectiveAction => {
            fold_all::<super::corrective::CorrectiveAction>(subject.id, events)
        }
    }
}

pub fn fold_onto_kind(view: &View, events: Vec<Event>) -> Option<View> {
    use super::{estate::Estate, registry::*, staff::Staff};
    match view.kind {
        RecordKind::Estate => fold_onto::<Estate>(view, events),
        RecordKind::Staff => fold_onto::<Staff>(view, events),
        RecordKind::Building => fold_onto::<Building>(view, events),
        RecordKind::Unit => fold_onto::<Unit>(view, events),
        RecordKind::Household => fold_onto::<Household>(view, events),
        RecordKind::Facility => fold_onto::<Facility>(view, events),
        RecordKind::Checkpoint => fold_onto::<Checkpoint>(view, events),
        RecordKind::Complaint => fold_onto::<super::complaints::Complaint>(view, events),
        RecordKind::Callback => fold_onto::<super::callbacks::Callback>(view, events),
        RecordKind::HelpRequest => fold_onto::<super::complaints::HelpRequest>(view, events),
        RecordKind::PatrolRoute => fold_onto::<super::patrol::PatrolRoute>(view, events),
        RecordKind::PatrolRound => fold_onto::<super::patrol::PatrolRound>(view, events),
        RecordKind::PatrolFinding => fold_onto::<super::patrol::Finding>(view, events),
        RecordKind::CleaningCheck => fold_onto::<super::patrol::CleaningCheck>(view, events),
        RecordKind::ViolationDraft => fold_onto::<super::patrol::ViolationDraft>(view, events),
        RecordKind::WorkOrder => fold_onto::<super::workorder::WorkOrder>(view, events),
        RecordKind::FeeItem => fold_onto::<super::workorder::fees::FeeRecord>(view, events),
        RecordKind::Roster => fold_onto::<super::duty::roster::Roster>(view, events),
        RecordKind::DutyLeave => fold_onto::<super::duty::roster::LeaveRequest>(view, events),
        RecordKind::DutyLog => fold_onto::<super::duty::log::DutyLog>(view, events),
        RecordKind::DutyChain => fold_onto::<super::duty::log::DutyChain>(view, events),
        RecordKind::Handover => fold_onto::<super::duty::handover::Handover>(view, events),
        RecordKind::Incident => fold_onto::<super::emergency::Incident>(view, events),
        RecordKind::Device => fold_onto::<super::device::Device>(view, events),
        RecordKind::TrainingMatrix => fold_onto::<super::training::TrainingMatrix>(view, events),
        RecordKind::TrainingRecord => fold_onto::<super::training::TrainingRecord>(view, events),
        RecordKind::Discipline => fold_onto::<super::discipline::Discipline>(view, events),
        RecordKind::CashDay => fold_onto::<super::cash::CashDay>(view, events),
        RecordKind::Mail => fold_onto::<super::desk::Mail>(view, events),
        RecordKind::Subscription => fold_onto::<super::desk::Subscription>(view, events),
        RecordKind::PaperDay => fold_onto::<super::desk::PaperDay>(view, events),
        RecordKind::Consignment => fold_onto::<super::desk::Consignment>(view, events),
        RecordKind::Violation => fold_onto::<super::violations::Violation>(view, events),
        RecordKind::Purged => fold_onto::<super::retention::Tombstone>(view, events),
        RecordKind::PaidReconciliation => {
            fold_onto::<super::workorder::report::PaidReconciliation>(view, events)
        }
        RecordKind::MonthlyReview => fold_onto::<super::review::MonthlyReview>(view, events),
        RecordKind::Forum => fold_onto::<super::forum::Forum>(view, events),
        RecordKind::MoveInBatch => fold_onto::<super::movein::MoveInBatch>(view, events),
        RecordKind::MoveInSession => fold_onto::<super::movein::MoveInSession>(view, events),
        RecordKind::Survey => fold_onto::<super::quality::Survey>(view, events),
        RecordKind::ArrearsMonth => fold_onto::<super::quality::ArrearsMonth>(view, events),
        RecordKind::QualityYear => fold_onto::<super::quality::QualityYear>(view, events),
        RecordKind::CorrectiveAction => {
            fold_onto::<super::corrective::CorrectiveAction>(view, events)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 19: a store refolds only what changed since its fold; a bump without its line in
    /// `CHANGED_BY` would leave its new keys missing on every tablet that updates.
    #[test]
    fn every_views_version_says_which_kinds_it_changed() {
        let listed: Vec<u32> = CHANGED_BY.iter().map(|(v, _)| *v).collect();
        assert_eq!(listed, (2..=VIEWS_VERSION).collect::<Vec<_>>());
        assert_eq!(kinds_to_refold(VIEWS_VERSION), Some(vec![]));
        assert_eq!(kinds_to_refold(VIEWS_VERSION + 1), Some(vec![]));
        assert_eq!(
            kinds_to_refold(11),
            Some(vec![RecordKind::PatrolFinding, RecordKind::Callback])
        );
        assert_eq!(kinds_to_refold(12), Some(vec![RecordKind::Callback]));
        assert_eq!(
            kinds_to_refold(9),
            Some(vec![
                RecordKind::Complaint,
                RecordKind::WorkOrder,
                RecordKind::PatrolFinding,
                RecordKind::Callback
            ])
        );
        assert_eq!(
            kinds_to_refold(7),
            Some(vec![
                RecordKind::Callback,
                RecordKind::Complaint,
                RecordKind::WorkOrder,
                RecordKind::PatrolFinding
            ])
        );
        // Older than the first targeted bump, or never recorded (1): everything.
        assert_eq!(kinds_to_refold(6), None);
        assert_eq!(kinds_to_refold(1), None);
    }

    /// Issue 13: a stored view's JSON read as a [`ViewHead`] (its state skipped) gives what
    /// the full view's head gives, so a restore's eviction compares the same base and keys.
    #[test]
    fn a_stored_view_read_as_its_head_is_the_full_views_head() {
        let id = RecordId::derived("view-head", 7);
        let at = |wall| Hlc {
            wall,
            counter: 0,
            device: crate::domain::ids::DeviceId::derived("view-head", 1),
        };
        let view = View {
            key: RecordRef::new(RecordKind::Complaint, id).key(),
            kind: RecordKind::Complaint,
            id,
            status: Some("open".into()),
            due: Some(1_767_225_600_000),
            unit: Some(RecordId::derived("view-head", 9)),
            assignee: Some(StaffId::derived("view-head", 3)),
            search: vec!["complaint|cmpdue|001767225600000".into()],
            title: "漏水".into(),
            subtitle: "3-1-502".into(),
            clock: None,
            list: serde_json::json!({ "n": 1 }),
            last: at(20),
            created: at(10),
            events: 4,
            state: State::of(
                &serde_json::json!({ "history": [{ "note": "x" }, 2, null], "open": true }),
            ),
        };
        let text = serde_json::to_string(&view).unwrap();
        let head: ViewHead = serde_json::from_str(&text).unwrap();
        assert_eq!(head, view.head());
        assert_eq!((head.events, head.last), (4, at(20)));
    }

    /// CB-1 (due callbacks), CMP-3 (the sweep), CMP-4 (overdue complaints): the stored keys' bytes;
    /// a change here would need a refold of every kind using them.
    #[test]
    fn cb_1_cmp_3_cmp_4_time_keys_sort_by_time_and_keep_their_bytes() {
        assert_eq!(
            time_key("cbdue|", 1_767_225_600_000),
            "cbdue|001767225600000"
        );
        assert_eq!(time_key("cmpdue|", -5), "cmpdue|000000000000000");
        assert_eq!(
            due_by("cmpesc|", 42),
            ("cmpesc|".to_string(), "cmpesc|000000000000042".to_string())
        );
        assert_eq!(newest_first(1_767_225_600_000), "998232774399999");
        assert!(newest_first(2) < newest_first(1));
        assert!(time_key("x|", 1) < time_key("x|", 2));
    }
}

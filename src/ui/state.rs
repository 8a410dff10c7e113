//! UI state: the signed-in session, language, current page, and a revision counter bumped after
//! every write so that views re-query the store (data flows one way: action → command → events
//! → store → views re-derived).

use crate::app::{App, AppError};
use crate::domain::command::{Actor, DomainError};
use crate::domain::estate::Estate;
use crate::domain::event::Draft;
use crate::domain::i18n::{Lang, Text};
use crate::domain::ids::StaffId;
use crate::domain::roles::{Action, Role};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

pub type Db = crate::store::idb::IdbStore;
pub type AppT = App<Db>;

thread_local! {
    static APP: RefCell<Option<Rc<AppT>>> = const { RefCell::new(None) };
    static CTX: RefCell<Option<Ctx>> = const { RefCell::new(None) };
}

pub fn set_app(app: AppT) {
    APP.with(|a| *a.borrow_mut() = Some(Rc::new(app)));
}

/// The application service (present once the database is open).
pub fn app() -> Rc<AppT> {
    APP.with(|a| a.borrow().clone())
        .expect("app opened before the UI mounts")
}

/// The signed-in person on this tablet.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub id: StaffId,
    pub name: String,
    pub roles: BTreeSet<Role>,
}

impl Session {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            roles: self.roles.clone(),
        }
    }
    pub fn may(&self, a: Action) -> bool {
        crate::domain::roles::authorize(&self.roles, a).is_ok()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ToastKind {
    Ok,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub kind: ToastKind,
    pub text: String,
    pub seq: u64,
}

/// Pages, one per SOP area. The URL hash mirrors the page so Back works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Registry(RegistryTab),
    Staff,
    Sync,
    Settings,
    Complaints(CmpTab),
    /// 巡查 (issue 4): tabs; the round being walked and the printed sheet keep their record id
    /// in the `patrol.round` preference, so a reopened tab returns to the same round.
    Patrol(PatrolTab),
    PatrolRound,
    PatrolSheet,
    Duty(DutyTab),
    /// The incident kind chooser (EMG-1, EMG-2).
    Emergency,
    /// One incident's step checklist.
    Incident(crate::domain::ids::RecordId),
    /// 岗位培训 (issue 17, TRAIN-1..2): records and pass rates, the matrix, lessons.
    Training(TrainTab),
    /// 违纪处理 (PAID-8).
    Discipline,
    /// 报修 · 有偿服务 (issue 15).
    Repairs(RepTab),
    /// One household order.
    RepairOrder(crate::domain::ids::RecordId),
    /// 前台 (issue 17, DESK-1..4).
    Desk(DeskTab),
    /// 客户违章 (issue 14).
    Violations(VioTab),
    /// 入伙 (issue 16): batches, kept keys, a new batch.
    MoveIn(MoveTab),
    /// One household's move-in session.
    MoveInSession(crate::domain::ids::RecordId),
    /// 质量目标 (issue 18, QUAL-1..3, PAT-7, PAT-8).
    Quality(QualTab),
}

/// 入伙 tabs (MOVE-1, MOVE-7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveTab {
    Batches,
    Keys,
    New,
}

/// 质量目标 tabs (issue 18).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QualTab {
    Dashboard,
    Survey,
    Arrears,
    Pack,
    Board,
    /// 纠正措施 under way (CMP-12, QUAL-1).
    Actions,
}

/// 岗位培训 tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainTab {
    Records,
    Matrix,
    Lessons,
}

/// 报修 · 有偿服务 tabs (issue 15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepTab {
    Orders,
    New,
    Check,
    Fees,
    Month,
}

/// 前台 tabs (DESK-1..4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeskTab {
    Mail,
    Papers,
    Sales,
    Standards,
}

/// 客户违章 tabs (VIO-1..10, QUAL-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VioTab {
    List,
    New,
    Charges,
    Retention,
}

/// 投诉·回访·求助 (issue 3) tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpTab {
    List,
    Register,
    Callbacks,
    Help,
    Report,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatrolTab {
    Today,
    Findings,
    Coverage,
    Routes,
    Labels,
}

/// 值班 tabs (DUTY-1..11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DutyTab {
    Log,
    Roster,
    Handover,
    Review,
    OnCall,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistryTab {
    Buildings,
    Households,
    Facilities,
    Checkpoints,
}

impl Page {
    pub fn to_hash(self) -> String {
        if let Page::Incident(id) = self {
            return format!("#/emergency/{id}");
        }
        if let Page::RepairOrder(id) = self {
            return format!("#/repairs/{id}");
        }
        if let Page::MoveInSession(id) = self {
            return format!("#/movein/{id}");
        }
        match self {
            Page::Home => "#/",
            Page::Registry(RegistryTab::Buildings) => "#/registry/buildings",
            Page::Registry(RegistryTab::Households) => "#/registry/households",
            Page::Registry(RegistryTab::Facilities) => "#/registry/facilities",
            Page::Registry(RegistryTab::Checkpoints) => "#/registry/checkpoints",
            Page::Staff => "#/staff",
            Page::Sync => "#/sync",
            Page::Settings => "#/settings",
            Page::Complaints(CmpTab::List) => "#/complaints",
            Page::Complaints(CmpTab::Register) => "#/complaints/new",
            Page::Complaints(CmpTab::Callbacks) => "#/callbacks",
            Page::Complaints(CmpTab::Help) => "#/help",
            Page::Complaints(CmpTab::Report) => "#/complaints/report",
            Page::Patrol(PatrolTab::Today) => "#/patrol",
            Page::Patrol(PatrolTab::Findings) => "#/patrol/findings",
            Page::Patrol(PatrolTab::Coverage) => "#/patrol/coverage",
            Page::Patrol(PatrolTab::Routes) => "#/patrol/routes",
            Page::Patrol(PatrolTab::Labels) => "#/patrol/labels",
            Page::PatrolRound => "#/patrol/round",
            Page::PatrolSheet => "#/patrol/sheet",
            Page::Duty(DutyTab::Log) => "#/duty/log",
            Page::Duty(DutyTab::Roster) => "#/duty/roster",
            Page::Duty(DutyTab::Handover) => "#/duty/handover",
            Page::Duty(DutyTab::Review) => "#/duty/review",
            Page::Duty(DutyTab::OnCall) => "#/duty/oncall",
            Page::Emergency | Page::Incident(_) => "#/emergency",
            Page::Training(TrainTab::Records) => "#/training",
            Page::Training(TrainTab::Matrix) => "#/training/matrix",
            Page::Training(TrainTab::Lessons) => "#/training/lessons",
            Page::Discipline => "#/staff/discipline",
            Page::Repairs(RepTab::Orders) | Page::RepairOrder(_) => "#/repairs",
            Page::Repairs(RepTab::New) => "#/repairs/new",
            Page::Repairs(RepTab::Check) => "#/repairs/check",
            Page::Repairs(RepTab::Fees) => "#/repairs/fees",
            Page::Repairs(RepTab::Month) => "#/repairs/month",
            Page::Desk(DeskTab::Mail) => "#/desk/mail",
            Page::Desk(DeskTab::Papers) => "#/desk/papers",
            Page::Desk(DeskTab::Sales) => "#/desk/sales",
            Page::Desk(DeskTab::Standards) => "#/desk/standards",
            Page::Violations(VioTab::List) => "#/violations",
            Page::Violations(VioTab::New) => "#/violations/new",
            Page::Violations(VioTab::Charges) => "#/violations/charges",
            Page::Violations(VioTab::Retention) => "#/violations/retention",
            Page::MoveIn(MoveTab::Batches) => "#/movein",
            Page::MoveIn(MoveTab::Keys) => "#/movein/keys",
            Page::MoveIn(MoveTab::New) => "#/movein/new",
            Page::MoveInSession(_) => "#/movein",
            Page::Quality(QualTab::Dashboard) => "#/quality",
            Page::Quality(QualTab::Survey) => "#/quality/survey",
            Page::Quality(QualTab::Arrears) => "#/quality/arrears",
            Page::Quality(QualTab::Pack) => "#/quality/pack",
            Page::Quality(QualTab::Board) => "#/quality/board",
            Page::Quality(QualTab::Actions) => "#/quality/actions",
        }
        .into()
    }
    pub fn from_hash(h: &str) -> Page {
        match h {
            "#/registry/buildings" | "#/registry" => Page::Registry(RegistryTab::Buildings),
            "#/registry/households" => Page::Registry(RegistryTab::Households),
            "#/registry/facilities" => Page::Registry(RegistryTab::Facilities),
            "#/registry/checkpoints" => Page::Registry(RegistryTab::Checkpoints),
            "#/staff" => Page::Staff,
            "#/sync" => Page::Sync,
            "#/settings" => Page::Settings,
            "#/complaints" => Page::Complaints(CmpTab::List),
            "#/complaints/new" => Page::Complaints(CmpTab::Register),
            "#/callbacks" => Page::Complaints(CmpTab::Callbacks),
            "#/help" => Page::Complaints(CmpTab::Help),
            "#/complaints/report" => Page::Complaints(CmpTab::Report),
            "#/patrol" => Page::Patrol(PatrolTab::Today),
            "#/patrol/findings" => Page::Patrol(PatrolTab::Findings),
            "#/patrol/coverage" => Page::Patrol(PatrolTab::Coverage),
            "#/patrol/routes" => Page::Patrol(PatrolTab::Routes),
            "#/patrol/labels" => Page::Patrol(PatrolTab::Labels),
            "#/patrol/round" => Page::PatrolRound,
            "#/patrol/sheet" => Page::PatrolSheet,
            "#/duty/log" | "#/duty" => Page::Duty(DutyTab::Log),
            "#/duty/roster" => Page::Duty(DutyTab::Roster),
            "#/duty/handover" => Page::Duty(DutyTab::Handover),
            "#/duty/review" => Page::Duty(DutyTab::Review),
            "#/duty/oncall" => Page::Duty(DutyTab::OnCall),
            "#/emergency" => Page::Emergency,
            "#/training" => Page::Training(TrainTab::Records),
            "#/training/matrix" => Page::Training(TrainTab::Matrix),
            "#/training/lessons" => Page::Training(TrainTab::Lessons),
            "#/staff/discipline" => Page::Discipline,
            "#/repairs" => Page::Repairs(RepTab::Orders),
            "#/repairs/new" => Page::Repairs(RepTab::New),
            "#/repairs/check" => Page::Repairs(RepTab::Check),
            "#/repairs/fees" => Page::Repairs(RepTab::Fees),
            "#/repairs/month" => Page::Repairs(RepTab::Month),
            h if h.starts_with("#/repairs/") => h["#/repairs/".len()..]
                .parse()
                .map(Page::RepairOrder)
                .unwrap_or(Page::Repairs(RepTab::Orders)),
            "#/desk/mail" | "#/desk" => Page::Desk(DeskTab::Mail),
            "#/desk/papers" => Page::Desk(DeskTab::Papers),
            "#/desk/sales" => Page::Desk(DeskTab::Sales),
            "#/desk/standards" => Page::Desk(DeskTab::Standards),
            "#/violations" => Page::Violations(VioTab::List),
            "#/violations/new" => Page::Violations(VioTab::New),
            "#/violations/charges" => Page::Violations(VioTab::Charges),
            "#/violations/retention" => Page::Violations(VioTab::Retention),
            "#/movein" => Page::MoveIn(MoveTab::Batches),
            "#/movein/keys" => Page::MoveIn(MoveTab::Keys),
            "#/movein/new" => Page::MoveIn(MoveTab::New),
            h if h.starts_with("#/movein/") => h["#/movein/".len()..]
                .parse()
                .map(Page::MoveInSession)
                .unwrap_or(Page::MoveIn(MoveTab::Batches)),
            "#/quality" => Page::Quality(QualTab::Dashboard),
            "#/quality/survey" => Page::Quality(QualTab::Survey),
            "#/quality/arrears" => Page::Quality(QualTab::Arrears),
            "#/quality/pack" => Page::Quality(QualTab::Pack),
            "#/quality/board" => Page::Quality(QualTab::Board),
            "#/quality/actions" => Page::Quality(QualTab::Actions),
            h if h.starts_with("#/emergency/") => h["#/emergency/".len()..]
                .parse()
                .map(Page::Incident)
                .unwrap_or(Page::Emergency),
            _ => Page::Home,
        }
    }
}

/// Reactive state shared by every component. All fields are signals, so `Ctx` is `Copy`.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub session: RwSignal<Option<Session>>,
    /// Locked after idle: the session is kept but the PIN must be entered again.
    pub locked: RwSignal<bool>,
    pub page: RwSignal<Page>,
    pub rev: RwSignal<u64>,
    pub toast: RwSignal<Option<Toast>>,
    pub estate: RwSignal<Option<Estate>>,
    pub training: RwSignal<bool>,
    pub persisted: RwSignal<Option<bool>>,
    pub last_activity: RwSignal<i64>,
    /// A record to open when its page appears (a tap on 我的待办); the page takes it.
    pub focus: RwSignal<Option<crate::domain::event::RecordRef>>,
}

impl Ctx {
    pub fn new(lang: Lang, training: bool) -> Self {
        Ctx {
            lang: RwSignal::new(lang),
            session: RwSignal::new(None),
            locked: RwSignal::new(false),
            page: RwSignal::new(Page::Home),
            rev: RwSignal::new(0),
            toast: RwSignal::new(None),
            estate: RwSignal::new(None),
            training: RwSignal::new(training),
            persisted: RwSignal::new(None),
            last_activity: RwSignal::new(super::platform::now_ms()),
            focus: RwSignal::new(None),
        }
    }
}

/// A list's rows of one query as `(id, row)` (issue 19): each record's slim list row, never its
/// full state; a row of another shape is skipped. Rows read ahead are taken ([`super::ahead`]).
pub async fn list_rows<T: serde::de::DeserializeOwned>(
    q: &crate::store::Query,
) -> Vec<(crate::domain::ids::RecordId, T)> {
    decode_rows(super::ahead::rows(q).await)
}

/// Rows decoded as a list's row type; a row of another shape is skipped.
pub fn decode_rows<T: serde::de::DeserializeOwned>(
    rows: Vec<crate::domain::view::Row>,
) -> Vec<(crate::domain::ids::RecordId, T)> {
    rows.into_iter()
        .filter_map(|r| r.list::<T>().map(|x| (r.id, x)))
        .collect()
}

/// A list's first `n` rows of a query whose keys sort in the list's order, with the count of
/// all of them from the index (issue 19: a page read by key, "load more" knows the total).
/// The reads are those of [`super::ahead::page`], so a page read ahead is taken whole.
pub async fn page_rows<T: serde::de::DeserializeOwned>(
    q: &crate::store::Query,
    n: usize,
) -> (usize, Vec<(crate::domain::ids::RecordId, T)>) {
    if n == 0 {
        // A stacked list not yet scrolled near shows its count only.
        return (super::ahead::count(q).await as usize, Vec::new());
    }
    let (total, rows) = futures::future::join(
        super::ahead::count(q),
        list_rows(&q.clone().limit(n as u32)),
    )
    .await;
    (total as usize, rows)
}

/// [`page_rows`] now, if the page was read ahead at this change count: the list's first
/// render shows it, with no read to wait for.
pub fn page_now<T: serde::de::DeserializeOwned>(
    q: &crate::store::Query,
    n: usize,
) -> Option<(usize, Vec<(crate::domain::ids::RecordId, T)>)> {
    let total = super::ahead::count_now(q)? as usize;
    if n == 0 {
        return Some((total, Vec::new()));
    }
    Some((
        total,
        decode_rows(super::ahead::rows_now(&q.clone().limit(n as u32))?),
    ))
}

/// [`page_rows`] without the count, for a range too long to count at a tap: `n + 1` rows are
/// read, and the total is `n + 1` while more follow — all `LoadMore` needs. A `Range` count
/// lists the range's every key, as a view may have several in it (the five-year estate's
/// 19,400 callbacks: ~0.5 s at 4x).
pub async fn page_rows_uncounted<T: serde::de::DeserializeOwned>(
    q: &crate::store::Query,
    n: usize,
) -> (usize, Vec<(crate::domain::ids::RecordId, T)>) {
    uncounted(list_rows(&uncounted_query(q, n)).await, n)
}

/// [`page_rows_uncounted`] now, if its read was made ahead at this change count
/// ([`super::ahead::page_uncounted`]).
pub fn page_now_uncounted<T: serde::de::DeserializeOwned>(
    q: &crate::store::Query,
    n: usize,
) -> Option<(usize, Vec<(crate::domain::ids::RecordId, T)>)> {
    let rows = super::ahead::rows_now(&uncounted_query(q, n))?;
    Some(uncounted(decode_rows(rows), n))
}

/// The read of an uncounted page: one row past it.
pub fn uncounted_query(q: &crate::store::Query, n: usize) -> crate::store::Query {
    q.clone().limit(n as u32 + 1)
}

fn uncounted<T>(
    mut rows: Vec<(crate::domain::ids::RecordId, T)>,
    n: usize,
) -> (usize, Vec<(crate::domain::ids::RecordId, T)>) {
    let total = rows.len();
    rows.truncate(n);
    (total, rows)
}

pub fn install_ctx(c: Ctx) {
    CTX.with(|x| *x.borrow_mut() = Some(c));
}

pub fn ctx() -> Ctx {
    CTX.with(|x| *x.borrow()).expect("ctx installed at start")
}

/// Text in the current language (reactive: call inside a closure).
pub fn tx(t: &Text) -> String {
    t.get(ctx().lang.get()).to_string()
}

pub fn toast_ok(text: impl Into<String>) {
    let c = ctx();
    let seq = c.toast.get_untracked().map(|t| t.seq + 1).unwrap_or(0);
    c.toast.set(Some(Toast {
        kind: ToastKind::Ok,
        text: text.into(),
        seq,
    }));
}

pub fn toast_err(text: impl Into<String>) {
    let c = ctx();
    let seq = c.toast.get_untracked().map(|t| t.seq + 1).unwrap_or(0);
    c.toast.set(Some(Toast {
        kind: ToastKind::Error,
        text: text.into(),
        seq,
    }));
}

/// Views re-query after this.
pub fn bump() {
    ctx().rev.update(|r| *r += 1);
}

pub fn go(p: Page) {
    let c = ctx();
    c.page.set(p);
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&p.to_hash());
    }
}

/// Runs a domain command as the signed-in person and records its events.
/// `command` gets the actor; a refusal or a storage error is shown, and nothing changes.
pub fn submit(
    command: impl FnOnce(&Actor) -> Result<Vec<Draft>, DomainError> + 'static,
    ok: Text,
    after: impl FnOnce() + 'static,
) {
    thread_local!(static WRITING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    let Some(session) = ctx().session.get_untracked() else {
        return;
    };
    // A second tap while the first is being saved is ignored (it would record twice).
    if WRITING.with(|w| w.replace(true)) {
        return;
    }
    leptos::task::spawn_local(async move {
        let a = app();
        // Roles as stored now, not as at sign-in: an import may have changed or ended them.
        let result = match a.actor(session.id).await {
            Ok(actor) => match command(&actor) {
                Ok(drafts) => a
                    .record(super::platform::now_ms(), Some(actor.id), drafts)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e.into()),
            },
            Err(e) => Err(e),
        };
        WRITING.with(|w| w.set(false));
        match result {
            Ok(()) => {
                toast_ok(tx_untracked(&ok));
                bump();
                after();
            }
            Err(e) => toast_err(tx_untracked(&e.message())),
        }
    });
}

pub fn tx_untracked(t: &Text) -> String {
    t.get(ctx().lang.get_untracked()).to_string()
}

pub fn show_app_error(e: &AppError) {
    toast_err(tx_untracked(&e.message()));
}

/// Loads data whenever `rev` (or anything `load` reads before its first await) changes.
pub fn loader<T, F, Fut>(load: F) -> ReadSignal<Option<T>>
where
    T: Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = T> + 'static,
{
    let (get, set) = signal(None::<T>);
    Effect::new(move |_| {
        ctx().rev.track();
        let fut = load();
        leptos::task::spawn_local(async move {
            set.set(Some(fut.await));
        });
    });
    get
}

/// [`loader`] that starts from a value already in hand (a [`Held`] read, so the page renders
/// with it instead of one render later) and leaves the signal alone when a read brings the
/// same value, so nothing on the page is built twice. Its own body, not `loader`'s with a
/// comparison: `loader` has ~100 callers, each its own copy in the start-up wasm.
pub fn loader_held<T, F, Fut>(start: Option<T>, load: F) -> ReadSignal<Option<T>>
where
    T: PartialEq + Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = T> + 'static,
{
    let (get, set) = signal(start);
    Effect::new(move |_| {
        ctx().rev.track();
        let fut = load();
        leptos::task::spawn_local(async move {
            let v = fut.await;
            if get.with_untracked(|g| g.as_ref() != Some(&v)) {
                set.set(Some(v));
            }
        });
    });
    get
}

/// A read kept for the change count (`rev`) it was made at, shared by every page (issue 19):
/// what nearly every screen needs (the staff) or what is slow to read and large to drop (the
/// 住户 tab's directory of every unit and household) is read once per change, not per visit,
/// and leaving a page frees nothing at the tap. A stale value is dropped when its successor is
/// read, in that read's task.
pub struct Held<T: 'static>(&'static std::thread::LocalKey<HeldCell<T>>);

/// The cell a [`Held`] lives in: `thread_local! { static X: HeldCell<T> = const { RefCell::new(None) } }`.
pub type HeldCell<T> = RefCell<Option<(u64, Rc<T>)>>;

impl<T: 'static> Held<T> {
    pub const fn new(cell: &'static std::thread::LocalKey<HeldCell<T>>) -> Self {
        Held(cell)
    }

    /// The value read at the current change count, if it was.
    pub fn now(&self) -> Option<Rc<T>> {
        let rev = ctx().rev.get_untracked();
        self.0.with(|c| {
            c.borrow()
                .as_ref()
                .filter(|(at, _)| *at == rev)
                .map(|(_, v)| v.clone())
        })
    }

    /// The value at the current change count, read by `read` when it is not held; kept only
    /// if nothing was written while it was read.
    pub async fn get<Fut>(&self, read: impl FnOnce() -> Fut) -> Option<Rc<T>>
    where
        Fut: std::future::Future<Output = Option<T>>,
    {
        if let Some(v) = self.now() {
            return Some(v);
        }
        let rev = ctx().rev.get_untracked();
        let v = Rc::new(read().await?);
        if ctx().rev.get_untracked() == rev {
            let old = self.0.with(|c| c.borrow_mut().replace((rev, v.clone())));
            drop(old);
        }
        Some(v)
    }
}

/// The estate's UTC offset in minutes (reactive); China's +8 until the estate has loaded.
pub fn utc_offset() -> i32 {
    ctx()
        .estate
        .with(|e| e.as_ref().map(|e| e.settings.calendar.utc_offset_minutes))
        .unwrap_or(480)
}

pub fn utc_offset_untracked() -> i32 {
    ctx()
        .estate
        .with_untracked(|e| e.as_ref().map(|e| e.settings.calendar.utc_offset_minutes))
        .unwrap_or(480)
}

/// The page that shows a record of this kind, for a tap on 我的待办. Pages that open one
/// record take it from `Ctx::focus` ([`take_focus`]).
pub fn open_record(subject: crate::domain::event::RecordRef) {
    use crate::domain::event::RecordKind as K;
    let page = match subject.kind {
        K::Complaint => Page::Complaints(CmpTab::List),
        K::Callback => Page::Complaints(CmpTab::Callbacks),
        K::HelpRequest => Page::Complaints(CmpTab::Help),
        K::PatrolRound => {
            super::platform::set_pref("patrol.round", Some(&subject.id.to_string()));
            Page::PatrolRound
        }
        // A household order opens on the repairs page; a patrol order is sent on from there.
        K::WorkOrder => Page::Repairs(RepTab::Orders),
        K::PatrolFinding | K::CleaningCheck => Page::Patrol(PatrolTab::Findings),
        // VIO-10: patrol's drafts are listed in the violation register.
        K::Violation | K::ViolationDraft => Page::Violations(VioTab::List),
        K::Purged => Page::Violations(VioTab::Retention),
        K::PatrolRoute => Page::Patrol(PatrolTab::Routes),
        K::Roster | K::DutyLeave => Page::Duty(DutyTab::Roster),
        K::DutyLog | K::DutyChain => Page::Duty(DutyTab::Review),
        K::Handover => Page::Duty(DutyTab::Handover),
        K::Incident => Page::Incident(subject.id),
        K::Staff => Page::Staff,
        K::Estate => Page::Settings,
        K::Device => Page::Sync,
        K::FeeItem => Page::Repairs(RepTab::Fees),
        K::PaidReconciliation => Page::Repairs(RepTab::Month),
        K::MonthlyReview => Page::Complaints(CmpTab::Report),
        K::Forum => Page::Complaints(CmpTab::Callbacks),
        K::Building | K::Unit | K::Household => Page::Registry(RegistryTab::Households),
        K::Facility => Page::Registry(RegistryTab::Facilities),
        K::Checkpoint => Page::Registry(RegistryTab::Checkpoints),
        K::TrainingRecord => Page::Training(TrainTab::Records),
        K::TrainingMatrix => Page::Training(TrainTab::Matrix),
        K::Discipline => Page::Discipline,
        // The cash day's page comes with the front desk (issue 17).
        K::Mail => Page::Desk(DeskTab::Mail),
        K::Subscription | K::PaperDay => Page::Desk(DeskTab::Papers),
        K::CashDay | K::Consignment => Page::Desk(DeskTab::Sales),
        K::MoveInBatch => Page::MoveIn(MoveTab::Batches),
        K::MoveInSession => Page::MoveInSession(subject.id),
        K::Survey => Page::Quality(QualTab::Survey),
        K::ArrearsMonth => Page::Quality(QualTab::Arrears),
        K::QualityYear => Page::Quality(QualTab::Dashboard),
        K::CorrectiveAction => Page::Quality(QualTab::Actions),
    };
    ctx().focus.set(Some(subject));
    go(page);
}

/// The record 我的待办 asked this page to open, if it is of `kind` (taken once).
pub fn take_focus(kind: crate::domain::event::RecordKind) -> Option<crate::domain::ids::RecordId> {
    let c = ctx();
    let f = c.focus.get_untracked().filter(|f| f.kind == kind)?;
    c.focus.set(None);
    Some(f.id)
}

//! 用户意见调查 — the satisfaction survey (QUAL-1, PAT-8; seed 001 §1.2 and its 用户意见调查程序).
//!
//! One `Survey` record per survey. The Director drafts it with items (the seed's scope of work,
//! [`default_items`]) and may edit them until it starts; from [`start`] on the items are fixed
//! and every household may answer once (a second answer of the same household replaces its
//! first). Each item is answered 满意 / 基本满意 / 不满意 / 不了解: an item's satisfaction rate
//! is (满意 + 基本满意) ÷ answers other than 不了解; the survey's average is the mean of its
//! item rates. Targets: average ≥ 90 %, every item ≥ 85 % (seed 001 §1.2 item 1). An item
//! under 85 % gets a corrective action with an owner and a deadline (on the owner's 我的待办):
//! the shared record of `domain::corrective` ([`corrective_source`]); schema 4 kept it inside
//! the survey (`CorrectiveOpened`/`CorrectiveDone`), which still folds and closes here.

use super::{percent, QualityEvent};
use crate::domain::command::{required, Actor, DomainError};
use crate::domain::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::Action;
use crate::domain::sla::Clock;
use crate::domain::view::{Aggregate, IndexFields};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// QUAL-1: the average target, percent.
pub const AVERAGE_TARGET: f64 = 90.0;
/// QUAL-1: every item's target, percent.
pub const ITEM_TARGET: f64 = 85.0;

/// One question of the questionnaire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyItem {
    /// Stable key ("front_desk").
    pub key: String,
    pub zh: String,
    pub en: String,
}

impl SurveyItem {
    pub fn new(key: &str, zh: &str, en: &str) -> Self {
        SurveyItem {
            key: key.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }
    pub fn label(&self) -> Text {
        Text::new(self.zh.clone(), self.en.clone())
    }
}

/// The seed's items: the customer-service department's scope of work (seed 001 §1.1).
pub fn default_items() -> Vec<SurveyItem> {
    vec![
        SurveyItem::new("front_desk", "前台接待服务", "Front desk reception"),
        SurveyItem::new("complaints", "投诉处理", "Complaint handling"),
        SurveyItem::new("repairs", "报修维修服务", "Repairs"),
        SurveyItem::new("cleaning", "公共区域保洁", "Cleaning of common areas"),
        SurveyItem::new("greenery", "绿化养护及绿植租摆", "Greenery and plants"),
        SurveyItem::new("security", "安全护管与巡查", "Security and patrols"),
        SurveyItem::new("facilities", "公共设施维护", "Upkeep of common facilities"),
        SurveyItem::new("fees", "收费服务", "Fee collection"),
        SurveyItem::new("paid", "有偿服务（入室保洁、绿植等）", "Paid services"),
        SurveyItem::new(
            "procedures",
            "入住及装修手续办理",
            "Move-in and decoration procedures",
        ),
    ]
}

/// One answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// 满意
    Satisfied,
    /// 基本满意
    Basic,
    /// 不满意
    Unsatisfied,
    /// 不了解 (not counted)
    Unknown,
}

impl Answer {
    pub const ALL: [Answer; 4] = [
        Answer::Satisfied,
        Answer::Basic,
        Answer::Unsatisfied,
        Answer::Unknown,
    ];
    pub fn label(self) -> Text {
        match self {
            Answer::Satisfied => Text::new("满意", "Satisfied"),
            Answer::Basic => Text::new("基本满意", "Fairly satisfied"),
            Answer::Unsatisfied => Text::new("不满意", "Unsatisfied"),
            Answer::Unknown => Text::new("不了解", "Don't know"),
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Answer::Satisfied => "satisfied",
            Answer::Basic => "basic",
            Answer::Unsatisfied => "unsatisfied",
            Answer::Unknown => "unknown",
        }
    }
}

/// How the answers came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The resident tapped the scores on the tablet.
    Tablet,
    /// Typed in from a printed questionnaire.
    Paper,
}

/// A household's latest answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub household: RecordId,
    pub unit: RecordId,
    pub building: RecordId,
    pub place: String,
    pub answers: Vec<Answer>,
    pub source: Source,
    pub comment: String,
    pub at: i64,
    pub by: StaffId,
}

/// A corrective action on an item under target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Corrective {
    pub item: String,
    pub what: String,
    pub owner: StaffId,
    pub deadline: NaiveDate,
    pub clock: Clock,
    pub done: Option<(i64, String)>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyStatus {
    #[default]
    Draft,
    Open,
    Closed,
}

impl SurveyStatus {
    pub fn key(self) -> &'static str {
        match self {
            SurveyStatus::Draft => "draft",
            SurveyStatus::Open => "open",
            SurveyStatus::Closed => "closed",
        }
    }
    pub fn label(self) -> Text {
        match self {
            SurveyStatus::Draft => Text::new("草拟中", "Draft"),
            SurveyStatus::Open => Text::new("进行中", "Under way"),
            SurveyStatus::Closed => Text::new("已结束", "Closed"),
        }
    }
}

/// QUAL-1: one survey.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Survey {
    pub title: String,
    pub year: i32,
    pub items: Vec<SurveyItem>,
    pub status: SurveyStatus,
    pub started: Option<i64>,
    pub closed: Option<i64>,
    /// By household: the latest answers count.
    pub responses: BTreeMap<RecordId, Response>,
    pub actions: Vec<Corrective>,
}

/// One item's result.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemResult {
    pub item: SurveyItem,
    pub satisfied: u32,
    pub basic: u32,
    pub unsatisfied: u32,
    pub unknown: u32,
    /// (满意 + 基本满意) ÷ counted answers, percent with one decimal.
    pub rate: Option<f64>,
}

impl ItemResult {
    pub fn counted(&self) -> u32 {
        self.satisfied + self.basic + self.unsatisfied
    }
    /// Under 85 % (an item nobody answered is not under target).
    pub fn under_target(&self) -> bool {
        self.rate.is_some_and(|r| r < ITEM_TARGET)
    }
}

/// QUAL-1: the survey's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Results {
    pub households: u32,
    pub items: Vec<ItemResult>,
    /// Mean of the item rates, one decimal.
    pub average: Option<f64>,
}

impl Results {
    pub fn average_met(&self) -> bool {
        self.average.is_some_and(|a| a >= AVERAGE_TARGET)
    }
    pub fn under_target(&self) -> Vec<&ItemResult> {
        self.items.iter().filter(|i| i.under_target()).collect()
    }
    /// Every target of QUAL-1 met.
    pub fn met(&self) -> bool {
        self.average_met() && self.under_target().is_empty()
    }
}

impl Survey {
    /// QUAL-1 arithmetic.
    pub fn results(&self) -> Results {
        let mut items: Vec<ItemResult> = self
            .items
            .iter()
            .map(|i| ItemResult {
                item: i.clone(),
                satisfied: 0,
                basic: 0,
                unsatisfied: 0,
                unknown: 0,
                rate: None,
            })
            .collect();
        for r in self.responses.values() {
            for (res, a) in items.iter_mut().zip(&r.answers) {
                match a {
                    Answer::Satisfied => res.satisfied += 1,
                    Answer::Basic => res.basic += 1,
                    Answer::Unsatisfied => res.unsatisfied += 1,
                    Answer::Unknown => res.unknown += 1,
                }
            }
        }
        for r in &mut items {
            r.rate = percent((r.satisfied + r.basic) as u64, r.counted() as u64);
        }
        let rated: Vec<f64> = items.iter().filter_map(|i| i.rate).collect();
        let average = (!rated.is_empty())
            .then(|| (rated.iter().sum::<f64>() / rated.len() as f64 * 10.0).round() / 10.0);
        Results {
            households: self.responses.len() as u32,
            items,
            average,
        }
    }
    /// Progress by building: households answered per building id.
    pub fn answered_by_building(&self) -> BTreeMap<RecordId, u32> {
        let mut m = BTreeMap::new();
        for r in self.responses.values() {
            *m.entry(r.building).or_insert(0) += 1;
        }
        m
    }
    /// The open corrective action of an item, if any.
    pub fn open_action(&self, item: &str) -> Option<&Corrective> {
        self.actions
            .iter()
            .find(|a| a.item == item && a.done.is_none())
    }
    /// The month the survey's figure belongs to: its close, else its start (UTC ms).
    pub fn figure_at(&self) -> Option<i64> {
        self.closed.or(self.started)
    }
}

/// Search key of a year's surveys ("srv|2026").
pub fn year_key(year: i32) -> String {
    format!("srv|{year}")
}

impl Aggregate for Survey {
    const KIND: RecordKind = RecordKind::Survey;
    fn apply(&mut self, event: &Event) {
        let EventBody::Quality(e) = &event.body else {
            return;
        };
        match e {
            QualityEvent::SurveyDrafted {
                title, year, items, ..
            } => {
                self.title = title.clone();
                self.year = *year;
                self.items = items.clone();
            }
            QualityEvent::SurveyItemsSet { items, .. } if self.status == SurveyStatus::Draft => {
                self.items = items.clone();
            }
            QualityEvent::SurveyStarted { at, .. } if self.status == SurveyStatus::Draft => {
                self.status = SurveyStatus::Open;
                self.started = Some(*at);
            }
            QualityEvent::SurveyAnswered {
                household,
                unit,
                building,
                place,
                answers,
                source,
                comment,
                at,
                by,
            } => {
                let newer = self.responses.get(household).is_none_or(|r| r.at <= *at);
                if newer {
                    self.responses.insert(
                        *household,
                        Response {
                            household: *household,
                            unit: *unit,
                            building: *building,
                            place: place.clone(),
                            answers: answers.clone(),
                            source: *source,
                            comment: comment.clone(),
                            at: *at,
                            by: *by,
                        },
                    );
                }
            }
            QualityEvent::SurveyClosed { at, .. } => {
                self.status = SurveyStatus::Closed;
                self.closed = Some(*at);
            }
            QualityEvent::CorrectiveOpened {
                item,
                what,
                owner,
                deadline,
                clock,
                ..
            } => self.actions.push(Corrective {
                item: item.clone(),
                what: what.clone(),
                owner: *owner,
                deadline: *deadline,
                clock: (**clock).clone(),
                done: None,
            }),
            QualityEvent::CorrectiveDone { item, note, at, .. } => {
                if let Some(a) = self
                    .actions
                    .iter_mut()
                    .find(|a| &a.item == item && a.done.is_none())
                {
                    a.done = Some((*at, note.clone()));
                    a.clock.stop(*at);
                }
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let open = self
            .actions
            .iter()
            .filter(|a| a.done.is_none())
            .min_by_key(|a| a.clock.deadline);
        let r = self.results();
        IndexFields {
            status: Some(self.status.key().into()),
            due: open.map(|a| a.clock.deadline),
            assignee: open.map(|a| a.owner),
            clock: open.map(|a| a.clock.clone()),
            search: vec![year_key(self.year), "srv|all".into()],
            title: self.title.clone(),
            subtitle: format!("{} 户 · 平均 {}", r.households, super::pct(r.average)),
            ..Default::default()
        }
    }
}

fn items_valid(items: &[SurveyItem]) -> Result<Vec<SurveyItem>, DomainError> {
    let mut out: Vec<SurveyItem> = Vec::new();
    for (n, i) in items.iter().enumerate() {
        let zh = i.zh.trim().to_string();
        if zh.is_empty() {
            continue;
        }
        let key = if i.key.trim().is_empty() {
            format!("item{}", n + 1)
        } else {
            i.key.trim().to_string()
        };
        if out.iter().any(|o| o.key == key) {
            return Err(DomainError::invalid(
                "调查项目重复",
                "An item appears twice",
            ));
        }
        out.push(SurveyItem {
            key,
            zh: zh.clone(),
            en: if i.en.trim().is_empty() {
                zh
            } else {
                i.en.trim().into()
            },
        });
    }
    if out.is_empty() {
        return Err(DomainError::invalid(
            "请至少填写一个调查项目",
            "Please give at least one item",
        ));
    }
    Ok(out)
}

fn draft(id: RecordId, e: QualityEvent) -> Draft {
    Draft {
        subject: RecordRef::new(RecordKind::Survey, id),
        body: EventBody::Quality(e),
    }
}

/// QUAL-1: the Director drafts a survey (`id` random from the caller).
pub fn create(
    actor: &Actor,
    id: RecordId,
    title: &str,
    year: i32,
    items: &[SurveyItem],
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageQuality)?;
    let title = required(title, Text::new("调查名称", "the survey's title"))?;
    let items = items_valid(items)?;
    Ok(vec![draft(
        id,
        QualityEvent::SurveyDrafted {
            title,
            year,
            items,
            at: now,
            by: actor.id,
        },
    )])
}

/// QUAL-1: edits the items; refused once the survey has started (its items are fixed).
pub fn set_items(
    actor: &Actor,
    id: RecordId,
    s: &Survey,
    items: &[SurveyItem],
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageQuality)?;
    if s.status != SurveyStatus::Draft {
        return Err(DomainError::invalid(
            "调查已开始，项目不能再修改",
            "The survey has started: its items are fixed",
        ));
    }
    let items = items_valid(items)?;
    Ok(vec![draft(
        id,
        QualityEvent::SurveyItemsSet {
            items,
            at: now,
            by: actor.id,
        },
    )])
}

/// QUAL-1: starts taking answers.
pub fn start(actor: &Actor, id: RecordId, s: &Survey, now: i64) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageQuality)?;
    if s.status != SurveyStatus::Draft {
        return Err(DomainError::invalid(
            "调查已开始",
            "The survey has already started",
        ));
    }
    Ok(vec![draft(
        id,
        QualityEvent::SurveyStarted {
            at: now,
            by: actor.id,
        },
    )])
}

/// QUAL-1: ends the survey.
pub fn close(actor: &Actor, id: RecordId, s: &Survey, now: i64) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManageQuality)?;
    if s.status != SurveyStatus::Open {
        return Err(DomainError::invalid(
            "调查未在进行中",
            "The survey is not under way",
        ));
    }
    Ok(vec![draft(
        id,
        QualityEvent::SurveyClosed {
            at: now,
            by: actor.id,
        },
    )])
}

/// Who answered and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Household {
    pub household: RecordId,
    pub unit: RecordId,
    pub building: RecordId,
    pub place: String,
}

/// QUAL-1: records a household's answers (tablet or paper). One answer per item; at least one
/// item must be answered other than 不了解.
#[allow(clippy::too_many_arguments)]
pub fn answer(
    actor: &Actor,
    id: RecordId,
    s: &Survey,
    who: &Household,
    answers: &[Option<Answer>],
    source: Source,
    comment: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::TakeSurvey)?;
    if s.status != SurveyStatus::Open {
        return Err(DomainError::invalid(
            "调查未在进行中，不能填写问卷",
            "The survey is not under way: no answers can be taken",
        ));
    }
    if answers.len() != s.items.len() || answers.iter().any(Option::is_none) {
        return Err(DomainError::invalid(
            "请为每一项选择评价",
            "Please answer every item",
        ));
    }
    let answers: Vec<Answer> = answers.iter().flatten().copied().collect();
    if answers.iter().all(|a| *a == Answer::Unknown) {
        return Err(DomainError::invalid(
            "所有项目都是“不了解”，问卷无效",
            "Every item is \"don't know\": the questionnaire counts for nothing",
        ));
    }
    Ok(vec![draft(
        id,
        QualityEvent::SurveyAnswered {
            household: who.household,
            unit: who.unit,
            building: who.building,
            place: who.place.clone(),
            answers,
            source,
            comment: comment.trim().into(),
            at: now,
            by: actor.id,
        },
    )])
}

/// QUAL-1: the source and problem of a shared corrective action (`domain::corrective`) on an
/// item under 85 % — refused for an item on target or one that still has an open action of
/// the survey's own (written by schema-4 builds inside the survey, `CorrectiveOpened`).
pub fn corrective_source(
    id: RecordId,
    s: &Survey,
    item: &str,
) -> Result<(crate::domain::corrective::CorrectiveSource, String), DomainError> {
    let r = s.results();
    let Some(res) = r.items.iter().find(|i| i.item.key == item) else {
        return Err(DomainError::invalid("没有这个调查项目", "No such item"));
    };
    if !res.under_target() {
        return Err(DomainError::invalid(
            "该项目满意率已达标（≥85%），无需纠正措施",
            "This item is on target (≥ 85 %): no corrective action is needed",
        ));
    }
    if s.open_action(item).is_some() {
        return Err(DomainError::invalid(
            "该项目已有未完成的纠正措施",
            "This item already has an open corrective action",
        ));
    }
    Ok((
        crate::domain::corrective::CorrectiveSource::SurveyItem {
            survey: id,
            item: item.into(),
        },
        format!(
            "{}：{}满意率{}（目标≥85%）",
            s.title,
            res.item.zh,
            super::pct(res.rate)
        ),
    ))
}

/// QUAL-1: the owner (or the Director) reports an action done — for the actions of schema-4
/// builds kept inside the survey (new ones are shared records, `domain::corrective`).
pub fn action_done(
    actor: &Actor,
    id: RecordId,
    s: &Survey,
    item: &str,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::TakeSurvey)?;
    let Some(a) = s.open_action(item) else {
        return Err(DomainError::invalid(
            "该项目没有未完成的纠正措施",
            "This item has no open corrective action",
        ));
    };
    if a.owner != actor.id && actor.may(Action::ManageQuality).is_err() {
        return Err(DomainError::invalid(
            "只有负责人或物业部主任可以完成该措施",
            "Only the owner or the Director may close this action",
        ));
    }
    let note = required(note, Text::new("完成情况", "what was done"))?;
    Ok(vec![draft(
        id,
        QualityEvent::CorrectiveDone {
            item: item.into(),
            note,
            at: now,
            by: actor.id,
        },
    )])
}

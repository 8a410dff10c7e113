//! 业主座谈会 — the residents' forum each quarter, with its minutes and the follow-up of every
//! matter raised (CB-7 "regular contact": seed 004; issue 18). One record per forum; the quarter
//! without one shows as due on the callbacks page.

use super::command::{required, Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{RecordId, StaffId};
use super::roles::Action;
use super::view::{Aggregate, IndexFields};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ForumEvent {
    /// The forum was held: where, how many came, the minutes, and each matter raised.
    Held {
        date: NaiveDate,
        place: String,
        attendees: u32,
        minutes: String,
        items: Vec<String>,
        at: i64,
        by: StaffId,
    },
    /// What was done about matter `item` (its index in `items`), told back to the residents.
    FollowedUp {
        item: u32,
        result: String,
        at: i64,
        by: StaffId,
    },
}

impl ForumEvent {
    pub fn label(&self) -> Text {
        match self {
            ForumEvent::Held { .. } => Text::new("召开业主座谈会", "Residents' forum held"),
            ForumEvent::FollowedUp { .. } => {
                Text::new("座谈会问题跟进", "Forum matter followed up")
            }
        }
    }
}

/// One matter raised at the forum and its result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForumItem {
    pub text: String,
    /// (result, when, who).
    pub result: Option<(String, i64, StaffId)>,
}

/// A forum, folded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Forum {
    pub date: Option<NaiveDate>,
    pub place: String,
    pub attendees: u32,
    pub minutes: String,
    pub items: Vec<ForumItem>,
    pub by: Option<StaffId>,
}

impl Forum {
    /// Matters raised and not yet followed up.
    pub fn open_items(&self) -> usize {
        self.items.iter().filter(|i| i.result.is_none()).count()
    }
}

/// "2026-Q4".
pub fn quarter_of(date: NaiveDate) -> String {
    format!("{}-Q{}", date.year(), (date.month() - 1) / 3 + 1)
}

/// The search key of the forums of a quarter.
pub fn forum_key(quarter: &str) -> String {
    format!("forum|{quarter}")
}

impl Aggregate for Forum {
    const KIND: RecordKind = RecordKind::Forum;
    fn apply(&mut self, event: &Event) {
        let EventBody::Forum(e) = &event.body else {
            return;
        };
        match e {
            ForumEvent::Held {
                date,
                place,
                attendees,
                minutes,
                items,
                by,
                ..
            } if self.date.is_none() => {
                self.date = Some(*date);
                self.place = place.clone();
                self.attendees = *attendees;
                self.minutes = minutes.clone();
                self.items = items
                    .iter()
                    .map(|t| ForumItem {
                        text: t.clone(),
                        result: None,
                    })
                    .collect();
                self.by = Some(*by);
            }
            ForumEvent::FollowedUp {
                item,
                result,
                at,
                by,
            } => {
                if let Some(i) = self.items.get_mut(*item as usize) {
                    i.result.get_or_insert((result.clone(), *at, *by));
                }
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let Some(date) = self.date else {
            return IndexFields::default();
        };
        let open = self.open_items();
        IndexFields {
            status: Some(if open > 0 { "open" } else { "done" }.into()),
            search: vec![forum_key(&quarter_of(date))],
            title: format!("业主座谈会 · {date} · {}", self.place),
            subtitle: format!("{}人参加 · 待跟进{}项", self.attendees, open),
            ..Default::default()
        }
    }
}

fn draft(id: RecordId, e: ForumEvent) -> Draft {
    Draft {
        subject: RecordRef::new(RecordKind::Forum, id),
        body: EventBody::Forum(e),
    }
}

/// What the minutes say.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ForumInput {
    pub date: Option<NaiveDate>,
    pub place: String,
    pub attendees: u32,
    pub minutes: String,
    /// One matter per entry; empty ones are dropped.
    pub items: Vec<String>,
}

/// CB-7: the Supervisor (or the Director) records a forum held, with minutes and the matters
/// raised. Not in the future; at least one resident came.
pub fn hold(
    actor: &Actor,
    id: RecordId,
    input: &ForumInput,
    today: NaiveDate,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::PlanCallbacks)?;
    let Some(date) = input.date.filter(|d| *d <= today) else {
        return Err(DomainError::invalid(
            "请填写召开日期（不能晚于今天）",
            "Enter the date it was held (not after today)",
        ));
    };
    let place = required(&input.place, Text::new("地点", "the place"))?;
    let minutes = required(&input.minutes, Text::new("会议纪要", "the minutes"))?;
    if input.attendees == 0 {
        return Err(DomainError::invalid(
            "请填写参加人数",
            "Enter how many residents came",
        ));
    }
    let items: Vec<String> = input
        .items
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    Ok(vec![draft(
        id,
        ForumEvent::Held {
            date,
            place,
            attendees: input.attendees,
            minutes,
            items,
            at: now,
            by: actor.id,
        },
    )])
}

/// CB-7: what was done about a matter raised, by whoever calls residents back.
pub fn follow_up(
    actor: &Actor,
    id: RecordId,
    f: &Forum,
    item: usize,
    result: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RecordCallback)?;
    let Some(i) = f.items.get(item) else {
        return Err(DomainError::NotFound(Text::new(
            "找不到此问题",
            "Matter not found",
        )));
    };
    if i.result.is_some() {
        return Err(DomainError::invalid(
            "此问题已跟进",
            "This matter is already followed up",
        ));
    }
    let result = required(result, Text::new("跟进结果", "the result"))?;
    Ok(vec![draft(
        id,
        ForumEvent::FollowedUp {
            item: item as u32,
            result,
            at: now,
            by: actor.id,
        },
    )])
}

/// CB-7: a quarter needs a forum; true when `forums` (this quarter's) holds none yet.
pub fn forum_due(forums_this_quarter: &[Forum]) -> bool {
    !forums_this_quarter.iter().any(|f| f.date.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::Id;
    use crate::domain::roles::Role;

    fn actor(n: u64, roles: &[Role]) -> Actor {
        Actor {
            id: Id::derived("staff", n),
            roles: roles.iter().copied().collect(),
        }
    }

    fn fold(drafts: &[Draft]) -> Forum {
        crate::testkit::fold(drafts, drafts[0].subject)
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn cb_7_a_forum_each_quarter_with_minutes_and_every_matter_followed_up() {
        let supervisor = actor(2, &[Role::Supervisor]);
        let assistant = actor(3, &[Role::Assistant]);
        let clerk = actor(4, &[Role::Receptionist]);
        let id = Id::derived("forum", 1);
        let input = ForumInput {
            date: Some(d(11, 20)),
            place: "会所二楼".into(),
            attendees: 23,
            minutes: "通报三季度收费与维修情况；业主提出意见两项。".into(),
            items: vec!["地下车库照明不足".into(), " ".into(), "快递柜太少".into()],
        };
        assert_eq!(quarter_of(d(11, 20)), "2026-Q4");
        assert!(forum_due(&[]), "no forum yet this quarter");
        // Only the Supervisor/Director record it; not in the future; minutes and people needed.
        let err = hold(&assistant, id, &input, d(11, 30), 0).unwrap_err();
        assert!(err.message().zh.contains("客服主管"));
        assert!(hold(&supervisor, id, &input, d(11, 19), 0).is_err());
        let mut bad = input.clone();
        bad.minutes = " ".into();
        assert!(hold(&supervisor, id, &bad, d(11, 30), 0).is_err());
        let mut bad = input.clone();
        bad.attendees = 0;
        assert!(hold(&supervisor, id, &bad, d(11, 30), 0).is_err());
        let mut ds = hold(&supervisor, id, &input, d(11, 30), 10).unwrap();
        let f = fold(&ds);
        assert_eq!(f.items.len(), 2, "the empty matter is dropped");
        assert_eq!(f.open_items(), 2);
        assert!(!forum_due(std::slice::from_ref(&f)));
        assert_eq!(f.index().search, vec!["forum|2026-Q4".to_string()]);
        assert_eq!(f.index().status.as_deref(), Some("open"));
        // Follow-up of each matter, by whoever calls residents back; once each.
        assert!(follow_up(&clerk, id, &f, 0, "已加装灯具", 20).is_err());
        assert!(follow_up(&assistant, id, &f, 0, " ", 20).is_err());
        assert!(follow_up(&assistant, id, &f, 5, "x", 20).is_err());
        ds.extend(
            follow_up(
                &assistant,
                id,
                &f,
                0,
                "工程部已加装12盏灯，12月1日告知业主",
                20,
            )
            .unwrap(),
        );
        let f = fold(&ds);
        assert!(follow_up(&assistant, id, &f, 0, "again", 30).is_err());
        ds.extend(follow_up(&supervisor, id, &f, 1, "已联系快递公司增设一组快递柜", 30).unwrap());
        let f = fold(&ds);
        assert_eq!(f.open_items(), 0);
        assert_eq!(f.index().status.as_deref(), Some("done"));
    }
}

//! 月度呈报 — a month's results of one area submitted by the Supervisor to the Director, who
//! reads them and signs them off with a comment (CB-3 "monthly results go to the director";
//! issue 18). One record per (area, month), its id derived from both, so two tablets submitting
//! the same month write the same record.

use super::command::{required, Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{Id, RecordId, StaffId};
use super::roles::{Action, Role};
use super::view::{Aggregate, IndexFields};
use serde::{Deserialize, Serialize};

labelled!(
    /// What a submission reports on.
    ReviewArea {
        Callbacks => ("回访月度结果", "Monthly callback results", "callbacks"),
        PatrolProcedure => ("巡查规程年度修订", "Yearly patrol procedure revision", "patrol_procedure"),
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ReviewEvent {
    /// The Supervisor submits the month's figures (a summary written from the report) to a
    /// Director by name; submitting again before the sign-off replaces the summary.
    Submitted {
        area: ReviewArea,
        /// "YYYY-MM".
        month: String,
        summary: String,
        to: StaffId,
        at: i64,
        by: StaffId,
    },
    /// The Director has read it: the comment is the instruction back (CB-3).
    Acknowledged {
        comment: String,
        at: i64,
        by: StaffId,
    },
}

impl ReviewEvent {
    pub fn label(&self) -> Text {
        match self {
            ReviewEvent::Submitted { .. } => Text::new("呈报主任", "Submitted to the director"),
            ReviewEvent::Acknowledged { .. } => Text::new("主任已阅", "Signed off by the director"),
        }
    }
}

/// A month's submission, folded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthlyReview {
    pub area: Option<ReviewArea>,
    pub month: String,
    pub summary: String,
    pub to: Option<StaffId>,
    pub submitted: Option<(i64, StaffId)>,
    /// (when, who, comment).
    pub acknowledged: Option<(i64, StaffId, String)>,
}

/// The search key of an area's submission of a month.
pub fn review_key(area: ReviewArea, month: &str) -> String {
    format!("review|{}|{month}", area.key())
}

/// The one record of (area, month).
pub fn review_id(area: ReviewArea, month: &str) -> Option<RecordId> {
    let (y, m) = month.split_once('-')?;
    let (y, m) = (y.parse::<u64>().ok()?, m.parse::<u64>().ok()?);
    if !(2000..=2999).contains(&y) || !(1..=12).contains(&m) || month.len() != 7 {
        return None;
    }
    let area = ReviewArea::ALL.iter().position(|a| *a == area).unwrap_or(0) as u64;
    Some(Id::derived(
        "monthly-review",
        area * 1_000_000 + y * 100 + m,
    ))
}

impl Aggregate for MonthlyReview {
    const KIND: RecordKind = RecordKind::MonthlyReview;
    fn apply(&mut self, event: &Event) {
        let EventBody::Review(e) = &event.body else {
            return;
        };
        match e {
            ReviewEvent::Submitted {
                area,
                month,
                summary,
                to,
                at,
                by,
            } if self.acknowledged.is_none() => {
                self.area = Some(*area);
                self.month = month.clone();
                self.summary = summary.clone();
                self.to = Some(*to);
                self.submitted = Some((*at, *by));
            }
            ReviewEvent::Acknowledged { comment, at, by }
                if self.submitted.is_some() && self.acknowledged.is_none() =>
            {
                self.acknowledged = Some((*at, *by, comment.clone()));
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let Some(area) = self.area else {
            return IndexFields::default();
        };
        let open = self.acknowledged.is_none();
        IndexFields {
            status: Some(if open { "submitted" } else { "acknowledged" }.into()),
            // On the Director's 我的待办 until signed off.
            assignee: if open { self.to } else { None },
            search: vec![review_key(area, &self.month)],
            title: format!("{} · {}", area.label().zh, self.month),
            subtitle: self.summary.lines().next().unwrap_or_default().to_string(),
            ..Default::default()
        }
    }
}

fn draft(id: RecordId, e: ReviewEvent) -> Draft {
    Draft {
        subject: RecordRef::new(RecordKind::MonthlyReview, id),
        body: EventBody::Review(e),
    }
}

/// CB-3: the Supervisor (or a Director) submits the month's results to a Director by name.
/// `to_roles` are the roles the staff register gives that person.
#[allow(clippy::too_many_arguments)]
pub fn submit(
    actor: &Actor,
    current: Option<&MonthlyReview>,
    area: ReviewArea,
    month: &str,
    summary: &str,
    to: StaffId,
    to_roles: &[Role],
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::SubmitMonthlyResults)?;
    let Some(id) = review_id(area, month) else {
        return Err(DomainError::invalid(
            "月份格式须为 YYYY-MM",
            "The month must be written YYYY-MM",
        ));
    };
    if current.is_some_and(|r| r.acknowledged.is_some()) {
        return Err(DomainError::invalid(
            "主任已阅，不能再次呈报",
            "The director has already signed this month off",
        ));
    }
    if !to_roles.contains(&Role::Director) {
        return Err(DomainError::invalid(
            "请呈报给物业部主任",
            "Submit it to a director",
        ));
    }
    let summary = required(summary, Text::new("月度结果", "the month's results"))?;
    Ok(vec![draft(
        id,
        ReviewEvent::Submitted {
            area,
            month: month.to_string(),
            summary,
            to,
            at: now,
            by: actor.id,
        },
    )])
}

/// CB-3: the Director signs the month's results off with a comment (the instruction back).
pub fn acknowledge(
    actor: &Actor,
    id: RecordId,
    r: &MonthlyReview,
    comment: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::AcknowledgeMonthlyResults)?;
    if r.submitted.is_none() || r.acknowledged.is_some() {
        return Err(DomainError::invalid(
            "没有待阅的月度结果",
            "There is nothing waiting to be signed off",
        ));
    }
    let comment = required(comment, Text::new("主任意见", "the director's comment"))?;
    Ok(vec![draft(
        id,
        ReviewEvent::Acknowledged {
            comment,
            at: now,
            by: actor.id,
        },
    )])
}

/// PAT-8: the patrol procedure is revised yearly — due when no revision was signed off by the
/// Director in the twelve months before `month` ("YYYY-MM"). `signed` are the months of the
/// signed-off revisions.
pub fn procedure_revision_due(signed: &[String], month: &str) -> bool {
    let n = |m: &str| -> Option<i64> {
        let (y, mm) = m.split_once('-')?;
        Some(y.parse::<i64>().ok()? * 12 + mm.parse::<i64>().ok()? - 1)
    };
    let Some(now) = n(month) else {
        return true;
    };
    !signed
        .iter()
        .filter_map(|m| n(m))
        .any(|s| s <= now && now - s < 12)
}

/// The summary the Supervisor submits for the callbacks of a month (CB-1 rates per kind, CB-6
/// problems settled, unsatisfied customers), from the month's report.
pub fn callbacks_summary(r: &super::complaints::report::MonthReport) -> String {
    let pct = |v: Option<f64>| v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into());
    let mut lines: Vec<String> = r
        .callbacks
        .iter()
        .map(|c| {
            format!(
                "{}：应回访{}，已回访{}，回访率{}{}",
                c.kind.label().zh,
                c.scheduled,
                c.done,
                pct(c.rate()),
                c.target
                    .map(|t| {
                        if c.meets_target() {
                            format!("（目标≥{t}%，达标）")
                        } else {
                            format!("（目标≥{t}%，未达标）")
                        }
                    })
                    .unwrap_or_default()
            )
        })
        .collect();
    lines.push(format!(
        "回访中提出的问题{}件，已落实{}件（{}，目标100%）",
        r.problems.all,
        r.problems.in_time,
        pct(r.problems.rate())
    ));
    lines.push(format!("不满意{}户", r.callbacks_unsatisfied));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(n: u64, roles: &[Role]) -> Actor {
        Actor {
            id: Id::derived("staff", n),
            roles: roles.iter().copied().collect(),
        }
    }

    fn fold(drafts: &[Draft]) -> MonthlyReview {
        crate::testkit::fold(drafts, drafts[0].subject)
    }

    #[test]
    fn cb_3_the_supervisor_submits_the_months_results_and_the_director_signs_them_off() {
        let director = actor(1, &[Role::Director]);
        let supervisor = actor(2, &[Role::Supervisor]);
        let assistant = actor(3, &[Role::Assistant]);
        let summary = "投诉回访：应回访4，已回访4，回访率100.0%";
        let month = "2026-10";
        // Only a Supervisor or a Director submits; only to a Director; a real month.
        let err = submit(
            &assistant,
            None,
            ReviewArea::Callbacks,
            month,
            summary,
            director.id,
            &[Role::Director],
            0,
        )
        .unwrap_err();
        assert!(err.message().zh.contains("客服主管"));
        assert!(submit(
            &supervisor,
            None,
            ReviewArea::Callbacks,
            month,
            summary,
            assistant.id,
            &[Role::Assistant],
            0
        )
        .is_err());
        assert!(submit(
            &supervisor,
            None,
            ReviewArea::Callbacks,
            "2026-13",
            summary,
            director.id,
            &[Role::Director],
            0
        )
        .is_err());
        assert!(submit(
            &supervisor,
            None,
            ReviewArea::Callbacks,
            month,
            "  ",
            director.id,
            &[Role::Director],
            0
        )
        .is_err());
        let mut ds = submit(
            &supervisor,
            None,
            ReviewArea::Callbacks,
            month,
            summary,
            director.id,
            &[Role::Director],
            10,
        )
        .unwrap();
        assert_eq!(
            ds[0].subject.id,
            review_id(ReviewArea::Callbacks, month).unwrap(),
            "one record per area and month on every tablet"
        );
        let r = fold(&ds);
        let ix = r.index();
        assert_eq!(ix.assignee, Some(director.id), "on the director's 我的待办");
        assert_eq!(ix.search, vec!["review|callbacks|2026-10".to_string()]);
        // Only a Director signs off, with a comment.
        let id = ds[0].subject.id;
        assert!(acknowledge(&supervisor, id, &r, "好", 20).is_err());
        assert!(acknowledge(&director, id, &r, " ", 20).is_err());
        ds.extend(acknowledge(&director, id, &r, "维修回访率偏低，下月跟进", 20).unwrap());
        let r = fold(&ds);
        assert_eq!(
            r.acknowledged.as_ref().unwrap().2,
            "维修回访率偏低，下月跟进"
        );
        assert_eq!(r.index().assignee, None);
        assert_eq!(r.index().status.as_deref(), Some("acknowledged"));
        assert!(acknowledge(&director, id, &r, "再阅", 30).is_err());
        assert!(submit(
            &supervisor,
            Some(&r),
            ReviewArea::Callbacks,
            month,
            summary,
            director.id,
            &[Role::Director],
            40
        )
        .is_err());
    }

    #[test]
    fn cb_3_the_summary_carries_every_rate_and_the_cb_6_problems() {
        use crate::domain::calendar::BusinessCalendar;
        let r = crate::domain::complaints::report::monthly_report(
            2026,
            10,
            &BusinessCalendar::default(),
            &[],
            &[],
            &[],
        );
        let s = callbacks_summary(&r);
        assert!(s.contains("投诉回访"), "{s}");
        assert!(s.contains("目标≥50%"), "{s}");
        assert!(s.contains("回访中提出的问题0件"), "{s}");
    }

    #[test]
    fn cb_3_cb_7_help_4_the_demo_shows_each_on_first_open() {
        use crate::domain::complaints::ComplaintsEvent;
        use crate::domain::forum::ForumEvent;
        let pin = crate::testkit::pin(crate::domain::demo::DEMO_PIN);
        let demo = crate::domain::demo::demo_estate(7, pin, crate::domain::demo::DEMO_AS_OF);
        let has = |f: &dyn Fn(&EventBody) -> bool| demo.drafts.iter().any(|d| f(&d.body));
        assert!(has(&|b| matches!(
            b,
            EventBody::Review(ReviewEvent::Submitted { .. })
        )));
        // CB-3: the submitted summary counts every kind of callback, as the report on screen
        // does (the repair callbacks come from another module's demo).
        let summary = demo
            .drafts
            .iter()
            .find_map(|d| match &d.body {
                EventBody::Review(ReviewEvent::Submitted {
                    area: ReviewArea::Callbacks,
                    summary,
                    ..
                }) => Some(summary.clone()),
                _ => None,
            })
            .expect("the callbacks review");
        let repairs = summary
            .lines()
            .find(|l| l.starts_with("维修回访"))
            .expect("a repairs line");
        assert!(!repairs.starts_with("维修回访：应回访0"), "{summary}");
        assert!(has(&|b| matches!(
            b,
            EventBody::Forum(ForumEvent::Held { .. })
        )));
        assert!(has(&|b| matches!(
            b,
            EventBody::Forum(ForumEvent::FollowedUp { .. })
        )));
        assert!(has(&|b| matches!(
            b,
            EventBody::Complaints(ComplaintsEvent::HelpReferred { .. })
        )));
        assert!(has(&|b| matches!(
            b,
            EventBody::Complaints(ComplaintsEvent::HelpSupervisorAnswered { .. })
        )));
    }

    #[test]
    fn pat_8_the_patrol_procedure_is_revised_yearly_and_signed_off_by_the_director() {
        let director = actor(1, &[Role::Director]);
        let supervisor = actor(2, &[Role::Supervisor]);
        assert!(procedure_revision_due(&[], "2026-11"));
        let ds = submit(
            &supervisor,
            None,
            ReviewArea::PatrolProcedure,
            "2025-12",
            "巡查路线增加地下车库B区；发现问题2小时内上报",
            director.id,
            &[Role::Director],
            0,
        )
        .unwrap();
        assert_ne!(
            ds[0].subject.id,
            review_id(ReviewArea::Callbacks, "2025-12").unwrap(),
            "its own record beside the month's callback results"
        );
        let r = fold(&ds);
        assert_eq!(
            r.index().search,
            vec!["review|patrol_procedure|2025-12".to_string()]
        );
        assert!(acknowledge(&supervisor, ds[0].subject.id, &r, "同意", 1).is_err());
        let signed = vec!["2025-12".to_string()];
        // Signed off in December 2025: not due until December 2026.
        assert!(!procedure_revision_due(&signed, "2026-11"));
        assert!(procedure_revision_due(&signed, "2026-12"));
        assert!(!procedure_revision_due(&signed, "2025-12"));
    }
}

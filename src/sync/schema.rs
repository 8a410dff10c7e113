//! The event schema's fingerprint (issue 12): every `EventBody` variant, every module variant
//! and every field path the demo estate writes. `tests/fixtures/schema/v<N>.txt` holds the
//! fingerprint of schema version N. The test fails when the event types change without
//! [`super::format::SCHEMA_VERSION`] rising (docs/FILE-FORMAT.md, "Versions and migration"), or
//! when anything ever recorded disappears (an event is forever).

use crate::domain::event::{EventBody, RecordKind};
use std::collections::BTreeSet;

/// The variant names serde expects where `probe` names an unknown one (its error message
/// lists them: "unknown variant `…`, expected one of `a`, `b`").
fn variants_from_error(probe: &str) -> Vec<String> {
    let err = serde_json::from_str::<EventBody>(probe)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    let Some(list) = err.split("expected one of ").nth(1) else {
        // A single expected variant reads "expected `a`".
        return err
            .split("expected `")
            .nth(1)
            .and_then(|s| s.split('`').next())
            .map(|s| vec![s.to_string()])
            .unwrap_or_default();
    };
    list.split(", ")
        .map(|s| {
            s.trim()
                .trim_start_matches('`')
                .split('`')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

fn paths(prefix: &str, v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            // Internally tagged enums carry their variant in "t" (or "k"): part of the path.
            let mut prefix = prefix.to_string();
            for tag in ["t", "k"] {
                if let Some(serde_json::Value::String(t)) = map.get(tag) {
                    prefix = format!("{prefix}={t}");
                }
            }
            for (k, v) in map {
                // Map keys that are data (tablet ids, dates) are not field names.
                let field = k.starts_with(|c: char| c.is_ascii_lowercase())
                    && k.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                let p = if field {
                    format!("{prefix}.{k}")
                } else {
                    format!("{prefix}.*")
                };
                out.insert(p.clone());
                paths(&p, v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                paths(&format!("{prefix}[]"), item, out);
            }
        }
        _ => {}
    }
}

/// The fingerprint: one line per variant and field path, sorted.
pub fn fingerprint(bodies: &[EventBody]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let modules = variants_from_error(r#"{"m":"__probe__","e":{}}"#);
    for m in &modules {
        out.insert(format!("module {m}"));
        for v in variants_from_error(&format!(r#"{{"m":"{m}","e":{{"t":"__probe__"}}}}"#)) {
            out.insert(format!("variant {m}.{v}"));
        }
    }
    for b in bodies {
        let v = serde_json::to_value(b).expect("bodies serialise");
        let mut found = BTreeSet::new();
        paths("", &v["e"], &mut found);
        let m = v["m"].as_str().unwrap_or("?");
        out.extend(found.into_iter().map(|p| format!("field {m}{p}")));
    }
    // Record kinds are part of every event's subject.
    for k in RecordKind::ALL {
        out.insert(format!("kind {}", k.as_str()));
    }
    out
}

mod tests {
    use super::*;
    use crate::sync::format::SCHEMA_VERSION;
    use std::path::PathBuf;

    fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema")
    }

    fn read(version: u32) -> Option<BTreeSet<String>> {
        let text = std::fs::read_to_string(dir().join(format!("v{version}.txt"))).ok()?;
        Some(
            text.lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect(),
        )
    }

    fn current() -> BTreeSet<String> {
        let pin = crate::testkit::pin(crate::domain::demo::DEMO_PIN);
        let demo =
            crate::domain::demo::demo_estate(20_261_122, pin, crate::domain::demo::DEMO_AS_OF);
        let mut bodies: Vec<EventBody> = demo.drafts.into_iter().map(|d| d.body).collect();
        // Events the demo does not write, with every field set.
        {
            use crate::domain::quality::{QualityEvent as Q, SurveyItem};
            let nil = crate::domain::ids::Id::nil();
            bodies.push(EventBody::Quality(Q::SurveyItemsSet {
                items: vec![SurveyItem::new("k", "z", "e")],
                at: 1,
                by: nil,
            }));
            bodies.push(EventBody::Quality(Q::CorrectiveDone {
                item: "k".into(),
                note: "n".into(),
                at: 1,
                by: nil,
            }));
            bodies.push(EventBody::Quality(Q::MajorIncidentFound {
                incident: nil,
                date: crate::domain::demo::DEMO_AS_OF,
                note: "n".into(),
                at: 1,
                by: nil,
            }));
            // Schema 4's corrective action inside a survey: no longer written (issue 18: the
            // shared record), read forever.
            let clock = crate::domain::sla::ClockSpec::days(1).start(
                crate::domain::i18n::Text::new("z", "e"),
                0,
                &crate::domain::calendar::BusinessCalendar::default(),
            );
            bodies.push(EventBody::Quality(Q::CorrectiveOpened {
                item: "k".into(),
                what: "w".into(),
                owner: nil,
                deadline: crate::domain::demo::DEMO_AS_OF,
                clock: Box::new(clock.clone()),
                at: 1,
                by: nil,
            }));
            // Schema 5 (issue 18): the shared corrective action's steps the demo does not take.
            use crate::domain::corrective::CorrectiveEvent as C;
            bodies.push(EventBody::Corrective(C::Noted {
                note: "n".into(),
                at: 1,
                by: nil,
            }));
            bodies.push(EventBody::Corrective(C::Done {
                result: "r".into(),
                verify: Box::new(clock.clone()),
                at: 1,
                by: nil,
            }));
            bodies.push(EventBody::Corrective(C::Verified {
                note: "n".into(),
                at: 1,
                by: nil,
            }));
            bodies.push(EventBody::Corrective(C::SentBack {
                note: "n".into(),
                deadline: crate::domain::demo::DEMO_AS_OF,
                clock: Box::new(clock),
                at: 1,
                by: nil,
            }));
        }
        // PAT-2 inspection of an order (schema 5), every field set.
        bodies.push(EventBody::Patrol(
            crate::domain::patrol::PatrolEvent::OrderInspected(Box::new(
                crate::domain::patrol::inspect::OrderCheck {
                    order: crate::domain::ids::Id::nil(),
                    title: "t".into(),
                    at: 1,
                    ok: false,
                    note: "n".into(),
                    follow_up: Some(crate::domain::event::RecordRef::new(
                        crate::domain::event::RecordKind::Callback,
                        crate::domain::ids::Id::nil(),
                    )),
                },
            )),
        ));
        bodies.push(EventBody::Device(
            crate::domain::device::DeviceEvent::Enrolled {
                key: "k".into(),
                legacy: "l".into(),
            },
        ));
        bodies.push(EventBody::Training(
            crate::domain::training::TrainingEvent::ItemRetired {
                key: "k".into(),
                by: crate::domain::ids::Id::nil(),
            },
        ));
        bodies.push(EventBody::Training(
            crate::domain::training::TrainingEvent::Trained {
                person: crate::domain::ids::Id::nil(),
                item: "complaints".into(),
                date: crate::domain::demo::DEMO_AS_OF,
                trainer: crate::domain::ids::Id::nil(),
                result: crate::domain::training::TrainingResult::Pass,
                note: "n".into(),
                lesson: Some("complaints-intake".into()),
                at: 0,
                by: crate::domain::ids::Id::nil(),
            },
        ));
        bodies.extend(crate::domain::workorder::demo::schema_samples());
        // Issue 17 (PAID-4): the cash day, every field set (the demo's cash comes with the desk).
        {
            use crate::domain::cash::CashEvent as C;
            use crate::domain::event::{RecordKind, RecordRef};
            let by = crate::domain::ids::Id::derived("schema", 1);
            let clock = crate::domain::sla::ClockSpec::elapsed_minutes(1).start(
                crate::domain::i18n::Text::new("a", "a"),
                0,
                &crate::domain::calendar::BusinessCalendar::default(),
            );
            bodies.push(EventBody::Cash(C::Collected {
                post: crate::domain::duty::Post::FrontDesk,
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                receipt: "r".into(),
                amount: 1,
                what: "w".into(),
                source: Some(RecordRef::new(RecordKind::WorkOrder, by)),
                payer: "p".into(),
                at: 0,
                by,
                clock: Some(Box::new(clock)),
            }));
            bodies.push(EventBody::Cash(C::Closed {
                number: "n".into(),
                collected: 1,
                counted: 1,
                handed: 1,
                received_by: "f".into(),
                reason: "r".into(),
                second: Some(by),
                at: 0,
                by,
            }));
            bodies.push(EventBody::Cash(C::CarriedOver {
                reason: "r".into(),
                at: 0,
                by,
            }));
            // Desk events the demo may not write (DESK-1, DESK-3).
            use crate::domain::desk::{ConsignEvent, DeskEvent, MailEvent};
            bodies.push(EventBody::Desk(DeskEvent::Mail(MailEvent::Identified {
                recipient: "r".into(),
                unit: Some(by),
                place: "p".into(),
                at: 0,
                by,
                clock: Box::new(crate::domain::sla::ClockSpec::elapsed_minutes(1).start(
                    crate::domain::i18n::Text::new("a", "a"),
                    0,
                    &crate::domain::calendar::BusinessCalendar::default(),
                )),
            })));
            bodies.push(EventBody::Desk(DeskEvent::Consign(
                ConsignEvent::StockOutReported {
                    to: "t".into(),
                    at: 0,
                    by,
                },
            )));
        }
        bodies.extend(violation_samples());
        // Schema 4 (issue 18): HELP-4 referral and supervisor's answer, CMP-7 outside bodies.
        {
            use crate::domain::complaints::{ComplaintsEvent as C, LiaisonStep};
            let by = crate::domain::ids::Id::derived("schema", 2);
            bodies.push(EventBody::Complaints(C::HelpReferred {
                at: 0,
                by,
                to: by,
                note: "n".into(),
            }));
            bodies.push(EventBody::Complaints(C::HelpSupervisorAnswered {
                at: 0,
                by,
                answer: "a".into(),
            }));
            use crate::domain::review::{ReviewArea, ReviewEvent};
            bodies.push(EventBody::Review(ReviewEvent::Submitted {
                area: ReviewArea::Callbacks,
                month: "2026-10".into(),
                summary: "s".into(),
                to: by,
                at: 0,
                by,
            }));
            use crate::domain::forum::ForumEvent;
            bodies.push(EventBody::Forum(ForumEvent::Held {
                date: crate::domain::demo::DEMO_AS_OF,
                place: "p".into(),
                attendees: 1,
                minutes: "m".into(),
                items: vec!["i".into()],
                at: 0,
                by,
            }));
            bodies.push(EventBody::Forum(ForumEvent::FollowedUp {
                item: 0,
                result: "r".into(),
                at: 0,
                by,
            }));
            bodies.push(EventBody::Review(ReviewEvent::Acknowledged {
                comment: "c".into(),
                at: 0,
                by,
            }));
            bodies.push(EventBody::Complaints(C::OutsideLiaison {
                at: 0,
                by,
                body: "b".into(),
                step: LiaisonStep::ReportedBack,
                note: "n".into(),
            }));
        }
        bodies.extend(crate::domain::movein::demo::schema_samples());
        fingerprint(&bodies)
    }

    /// Patrol's decoration-breach drafts (now written as violations, issue 14; the old events
    /// stay readable forever) and the violation steps the demo does not take, every field set.
    fn violation_samples() -> Vec<EventBody> {
        use crate::domain::i18n::Text;
        use crate::domain::ids::Id;
        use crate::domain::patrol::{PatrolEvent, Photo};
        use crate::domain::sla::Clock;
        use crate::domain::violations::{MediationOutcome, Notice, Recheck, ViolationsEvent as V};
        let clock = Clock {
            name: Text::new("z", "e"),
            started: 1,
            warn_at: 2,
            deadline: 3,
            stopped: Some(3),
        };
        let photo = Photo {
            blob: "b".into(),
            evidence: true,
            taken: 1,
        };
        let id = Id::derived("schema", 1);
        let v = |e| EventBody::Violations(e);
        vec![
            EventBody::Patrol(PatrolEvent::ViolationDrafted {
                finding: id,
                unit: Some(id),
                location: "l".into(),
                description: "d".into(),
                assignee: Some(id),
                clock: Box::new(clock.clone()),
            }),
            EventBody::Patrol(PatrolEvent::ViolationFiled {
                at: 1,
                note: "n".into(),
            }),
            v(V::SentBack {
                note: "n".into(),
                clock: Box::new(clock.clone()),
                at: 1,
                by: id,
            }),
            v(V::ArrearsRecorded {
                serious: true,
                note: "n".into(),
                at: 1,
                by: id,
            }),
            v(V::MediationRecorded {
                outcome: MediationOutcome::Failed,
                note: "n".into(),
                at: 1,
                by: id,
            }),
            v(V::CommitteeSupported {
                note: "n".into(),
                at: 1,
                by: id,
            }),
            v(V::NoticeServed {
                notice: Box::new(Notice {
                    served_by: id,
                    served_at: 1,
                    photos: vec![photo.clone()],
                    note: "n".into(),
                }),
                at: 1,
                by: id,
            }),
            v(V::Rechecked {
                passed: false,
                note: "n".into(),
                photos: vec![photo],
                clock: Some(Box::new(clock.clone())),
                at: 1,
                by: id,
            }),
            EventBody::Retention(crate::domain::retention::RetentionEvent::Purged {
                record: crate::domain::event::RecordRef::new(RecordKind::Violation, id),
                title: "t".into(),
                kept_until: 1,
                archive: "a".into(),
                events: 1,
                at: 1,
                by: id,
            }),
            v(V::Approved {
                signature: "M1 1".into(),
                recheck: Some(Recheck {
                    due: 1,
                    round: Some(id),
                    assignee: Some(id),
                    clock: Box::new(clock),
                }),
                callback: Some(id),
                at: 1,
                by: id,
            }),
        ]
    }

    /// Issue 12: the event types change only by the rule of docs/FILE-FORMAT.md — additions
    /// only, and each addition raises SCHEMA_VERSION (an older build must say "update the app"
    /// rather than fail on an event it cannot read). Record a new version's fingerprint with
    /// `WRITE_SCHEMA=1 cargo test --lib schema` (it never overwrites an existing version).
    #[test]
    fn event_schema_changes_only_with_a_new_schema_version() {
        let now = current();
        assert!(now.iter().any(|l| l.starts_with("variant complaints.")));
        let path = dir().join(format!("v{SCHEMA_VERSION}.txt"));
        if std::env::var_os("WRITE_SCHEMA").is_some() && !path.exists() {
            std::fs::create_dir_all(dir()).unwrap();
            let mut text = format!(
                "# Event schema version {SCHEMA_VERSION}: variants and field paths \
                 (src/sync/schema.rs). Never edit; a change is a new version.\n"
            );
            for l in &now {
                text.push_str(l);
                text.push('\n');
            }
            std::fs::write(&path, text).unwrap();
        }
        let recorded = read(SCHEMA_VERSION).unwrap_or_else(|| {
            panic!(
                "no fingerprint for schema version {SCHEMA_VERSION}: record it with \
                 WRITE_SCHEMA=1 cargo test --lib schema"
            )
        });
        for v in 1..=SCHEMA_VERSION {
            let Some(old) = read(v) else { continue };
            let gone: Vec<_> = old.difference(&now).collect();
            assert!(
                gone.is_empty(),
                "schema v{v} had these, now gone (an event is forever: never remove or rename \
                 a variant or field): {gone:?}"
            );
        }
        let added: Vec<_> = now.difference(&recorded).collect();
        assert!(
            added.is_empty(),
            "the event types gained {added:?} but SCHEMA_VERSION is still {SCHEMA_VERSION}: \
             raise it (src/sync/format.rs), make new fields #[serde(default)], add a golden \
             fixture, and record the new fingerprint (docs/FILE-FORMAT.md)"
        );
    }

    #[test]
    fn the_fingerprint_sees_variants_and_fields() {
        let f = current();
        assert!(f.contains("module estate"));
        assert!(f.contains("variant estate.settings_changed"));
        assert!(f.contains("kind complaint"));
        assert!(f
            .iter()
            .any(|l| l.starts_with("field registry=household_set.")));
    }
}

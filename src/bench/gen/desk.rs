//! The service desk's complaints and callbacks (CMP-2..11, CB-1..6), about eleven a day for
//! 2,000 households, through the complaints module's commands. Most run to a callback; the
//! last weeks' stay open in every state, some handled by the Director (the login), so the
//! open lists and 我的待办 have content.

use super::estate::World;
use super::stream::{fold, Dev, Rng, Stream};
use super::Spec;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::{self, *};
use crate::domain::command::Actor;
use crate::domain::complaints::demo::{office, MATTERS};
use crate::domain::complaints::*;
use crate::domain::event::{Draft, RecordKind, RecordRef};
use crate::domain::ids::{Entropy, RecordId, SeededEntropy};
use crate::domain::roles::{Department, Role};
use chrono::{Days, NaiveDate, NaiveTime};

const H: i64 = 3_600_000;
const MIN: i64 = 60_000;

pub(super) struct Desk<'w> {
    w: &'w World,
    r: Rng,
    ids: SeededEntropy,
    settings: ComplaintSettings,
    /// Complaints a day.
    rate: f64,
    end: NaiveDate,
    end_ms: i64,
    /// An open complaint a duplicate may point at (CMP-11).
    last_open: Option<(RecordId, Complaint)>,
}

/// One record's local state while its story is written.
struct Story<'a, 's> {
    out: &'a mut Stream<'s>,
    id: RecordId,
    c: Complaint,
}

impl Story<'_, '_> {
    fn step(
        &mut self,
        at: i64,
        actor: &Actor,
        ds: Result<Vec<Draft>, crate::domain::command::DomainError>,
    ) -> bool {
        let Ok(ds) = ds else { return false };
        fold(
            &mut self.c,
            RecordRef::new(RecordKind::Complaint, self.id),
            &ds,
            at,
            Some(actor),
        );
        self.out.push(at, Dev::Desk, Some(actor), ds);
        true
    }
}

impl<'w> Desk<'w> {
    pub fn new(spec: &Spec, w: &'w World) -> Self {
        let per_day = 20_000.0 / (5.0 * 365.25);
        Desk {
            w,
            r: Rng::new(spec.seed ^ 0xDE5C_0000_0000_0007),
            ids: SeededEntropy::new(spec.seed ^ 0xDE5C_1D50_0000_0007),
            settings: ComplaintSettings::default(),
            rate: per_day * spec.scale * spec.households as f64 / 2000.0,
            end: spec.end,
            end_ms: w.cal.at(spec.end + Days::new(1), NaiveTime::MIN),
            last_open: None,
        }
    }

    fn one<'a>(&mut self, v: &[&'a Actor]) -> &'a Actor {
        v[self.r.below(v.len() as u64) as usize]
    }

    pub fn day(&mut self, date: NaiveDate, out: &mut Stream) {
        let n = self.r.count(self.rate);
        let mut times: Vec<i64> = (0..n)
            .map(|_| {
                self.w.cal.at(
                    date,
                    NaiveTime::from_hms_opt(
                        8 + self.r.below(11) as u32,
                        self.r.below(60) as u32,
                        0,
                    )
                    .unwrap_or(NaiveTime::MIN),
                )
            })
            .collect();
        times.sort_unstable();
        for at in times {
            self.complaint(date, at, out);
        }
    }

    fn complaint(&mut self, date: NaiveDate, at: i64, out: &mut Stream) {
        let w = self.w;
        let cal: &BusinessCalendar = &w.cal;
        let days_left = (self.end - date).num_days();
        let (subject, what, asks, cause, measures) = self.r.pick(MATTERS);
        let home = &w.households[self.r.below(w.households.len() as u64) as usize];
        let anonymous = self.r.chance(6);
        let desk: Vec<&Actor> = w
            .with(Role::Receptionist)
            .into_iter()
            .chain(w.with(Role::Assistant))
            .collect();
        let reg = self.one(&desk).clone();
        let dup = self
            .last_open
            .take()
            .filter(|(_, c)| c.is_open())
            .filter(|_| self.r.chance(4));
        let intake = Intake {
            channel: Some(self.r.pick(Channel::ALL)),
            household: Some(home.household),
            unit: Some(home.unit),
            place: home.place.clone(),
            anonymous,
            contact_name: home.name.clone(),
            contact_phone: home.phone.clone(),
            occurred: format!("{} {}", date.format("%m月%d日"), home.place),
            about: subject.department().label().zh,
            subject: Some(subject),
            what: (*what).into(),
            asks: (*asks).into(),
            duplicate_of: dup.as_ref().map(|(id, _)| *id),
        };
        let id = self.ids.id();
        let mut s = Story {
            out,
            id,
            c: Complaint::default(),
        };
        let reg_ds = register(
            &reg,
            id,
            &intake,
            dup.as_ref().map(|(i, c)| (*i, c)),
            at,
            cal,
        );
        // A duplicate also notes itself on the original: keep the original's copy current.
        let mut original = dup;
        if let (Ok(ds), Some((oid, oc))) = (&reg_ds, original.as_mut()) {
            fold(
                oc,
                RecordRef::new(RecordKind::Complaint, *oid),
                ds,
                at,
                Some(&reg),
            );
        }
        if !s.step(at, &reg, reg_ds) {
            return;
        }
        if original.is_some() {
            self.last_open = original;
            return;
        }
        // The newest wait for the supervisor.
        if days_left < 1 || (days_left < 2 && self.r.chance(50)) {
            self.last_open = Some((id, s.c.clone()));
            return;
        }
        let sups = w.with(Role::Supervisor);
        let sup = self.one(&sups).clone();
        let class = if self.r.chance(1) {
            Class::Major
        } else if self.r.chance(35) {
            Class::Important
        } else {
            Class::Minor
        };
        let urgency = if self.r.chance(20) {
            Urgency::Urgent
        } else {
            Urgency::General
        };
        let department = subject.department();
        // Recent ones: a third are handled by the Director (the benchmark's login).
        let handler = if days_left <= 45 && self.r.chance(33) {
            w.director.clone()
        } else if department == Department::CustomerService {
            sup.clone()
        } else {
            w.lead(department).clone()
        };
        let t1 = at + (20 + self.r.below(40) as i64) * MIN;
        let d = Dispatch {
            class,
            urgency,
            department,
            handler: Some(handler.id),
            paid: subject.proposes_paid(),
        };
        let ds = dispatch(&sup, id, &s.c, &d, t1, &self.settings, cal);
        if !s.step(t1, &sup, ds) {
            return;
        }
        if days_left < 3 {
            self.last_open = Some((id, s.c.clone()));
            return;
        }
        let late = self.r.chance(12);
        let t2 = at
            + match (urgency, late) {
                (Urgency::Urgent, false) => (10 + self.r.below(15) as i64) * MIN,
                (Urgency::Urgent, true) => 50 * MIN,
                (Urgency::General, false) => (2 + self.r.below(18) as i64) * H,
                (Urgency::General, true) => 30 * H,
            };
        let ds = if anonymous {
            accept(&handler, id, &s.c, t2)
        } else {
            contacted(&handler, id, &s.c, "已电话联系客户，约定处理时间", t2)
        };
        s.step(t2, &handler, ds);
        let t3 = office(cal, t2 + (4 + self.r.below(30) as i64) * H);
        if t3 >= self.end_ms {
            return;
        }
        let ds = progress(&handler, id, &s.c, measures, t3);
        s.step(t3, &handler, ds);
        // Still being handled: the last ten days, and a few long-running ones before.
        if days_left < 10 || (days_left < 120 && self.r.chance(3)) {
            self.last_open = Some((id, s.c.clone()));
            return;
        }
        let span = if self.r.chance(8) { 200 } else { 60 };
        let t4 = office(cal, t3 + (6 + self.r.below(span) as i64) * H);
        if t4 >= self.end_ms {
            return;
        }
        let callers = w.with(class.callback_role());
        let caller = self.one(&callers).clone();
        let closing = Closing {
            cause: (*cause).into(),
            measures: (*measures).into(),
            result: "问题已解决，客户认可".into(),
            signoff: if anonymous {
                SignOff::WrittenReply {
                    reply: "已在公告栏张贴书面答复".into(),
                }
            } else if self.r.chance(50) {
                SignOff::Phone
            } else {
                SignOff::Drawn {
                    path: "M10 40 L30 20 L50 45 L70 15 L90 40".into(),
                }
            },
            rating: (!anonymous).then_some(if self.r.chance(80) {
                Rating::Satisfied
            } else {
                Rating::Basic
            }),
            callback_assignee: Some(caller.id),
        };
        let cb = self.ids.id();
        let ds = complete(&handler, id, &s.c, &closing, cb, t4, cal);
        let Ok(ds) = ds else { return };
        let mut cbv = Callback::default();
        let cbref = RecordRef::new(RecordKind::Callback, cb);
        fold(&mut cbv, cbref, &ds, t4, Some(&handler));
        s.step(t4, &handler, Ok(ds));
        if cbv.spec.is_none() {
            return;
        }
        // Callbacks: about two in three reached within the 3 days (CB-1).
        let t5 = office(cal, t4 + (20 + self.r.below(48) as i64) * H);
        if t5 >= self.end_ms {
            return;
        }
        if !self.r.chance(80) {
            if let Ok(ds) = callbacks::unreached(&caller, cb, &cbv, "多次致电无人接听", t5)
            {
                s.out.push(t5, Dev::Desk, Some(&caller), ds);
            }
            return;
        }
        let unsatisfied = self.r.chance(5);
        let outcome = CallbackOutcome {
            signoff: SignOff::Phone,
            rating: Some(if unsatisfied {
                Rating::Unsatisfied
            } else if self.r.chance(85) {
                Rating::Satisfied
            } else {
                Rating::Basic
            }),
            comment: if unsatisfied {
                "客户认为问题反复出现，要求再次处理".into()
            } else {
                "客户对处理结果表示认可".into()
            },
            new_problem: None,
        };
        let follow = self.ids.id();
        let Ok(ds) = callbacks::record(&caller, cb, &cbv, &outcome, follow, t5) else {
            return;
        };
        fold(&mut cbv, cbref, &ds, t5, Some(&caller));
        s.step(t5, &caller, Ok(ds));
        if self.r.chance(30) {
            let t6 = office(cal, t5 + (2 + self.r.below(24) as i64) * H);
            if t6 < self.end_ms {
                if let Ok(ds) = callbacks::review(&sup, cb, &cbv, "记录完整，同意", t6) {
                    s.out.push(t6, Dev::Desk, Some(&sup), ds);
                }
            }
        }
        if unsatisfied {
            // Reopened (CMP-10): handled again and completed; its callback is left due.
            let t7 = office(cal, t5 + 24 * H);
            if t7 < self.end_ms {
                let again = Closing {
                    result: "再次处理后问题彻底解决".into(),
                    signoff: SignOff::Phone,
                    rating: Some(Rating::Satisfied),
                    ..closing
                };
                let cb2 = self.ids.id();
                let ds = complete(&handler, id, &s.c, &again, cb2, t7, cal);
                s.step(t7, &handler, ds);
            }
        }
    }
}

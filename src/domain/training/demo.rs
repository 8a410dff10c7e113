//! The demo estate's training history (issue 17, TRAIN-1..2) and one discipline record
//! (PAID-8), dated before the demo's "as of" day and made through the domain's own commands by
//! the demo's Director and Supervisor. The Director added one item to the matrix; everyone has
//! been trained on their roles' items over the past year (a few needed a retake first) except
//! the newest receptionist, whose plan is still open — on her 我的待办 and the Supervisor's
//! training card. A plumber was fined for a private job. Deterministic for a given day.

use super::*;
use crate::domain::demo::DemoLogin;
use crate::domain::discipline::{self, Discipline, DisciplineInput, Offence};
use chrono::{Days, NaiveTime};

/// The demo's new member of staff, still in training.
pub const NEW_STAFF: &str = "孙悦";

/// The item the demo's Director added to the seed's matrix.
pub fn added_item() -> MatrixItem {
    MatrixItem {
        key: "duty_handover".into(),
        no: 28,
        title: Text::new("值班与交接班程序", "Duty and handover procedure"),
        kind: ItemKind::Procedure,
        roles: [Role::Supervisor, Role::Assistant, Role::Receptionist].into(),
        screen: Some(Screen::Handover),
    }
}

/// Training matrix edits, every person's trainings, the new person's open plan, and one
/// discipline record.
pub fn history(logins: &[DemoLogin], as_of: NaiveDate) -> Vec<Draft> {
    let cal = BusinessCalendar::default();
    let by_role = |r: Role| logins.iter().find(|l| l.roles.contains(&r));
    let (Some(director), Some(sup)) = (by_role(Role::Director), by_role(Role::Supervisor)) else {
        return vec![];
    };
    let (director, sup_actor) = (director.actor(), sup.actor());
    let day = |back: u64| as_of - Days::new(back);
    let at = |d: NaiveDate, h: u32| {
        cal.at(
            d,
            NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN),
        )
    };
    let mut out = Vec::new();

    // TRAIN-1: the Director adds the duty and handover procedure to the matrix.
    out.extend(set_item(&director, &added_item()).expect("demo matrix item"));
    let matrix = effective(
        &[("duty_handover".to_string(), added_item())].into(),
        &BTreeSet::new(),
    );

    // TRAIN-2: trainings. Managers are trained by the Director, everyone else by the
    // Supervisor; the dates spread over the year before.
    let mut n = 0u64;
    for l in logins {
        let roles: BTreeSet<Role> = l.roles.iter().copied().collect();
        let items = items_for(&matrix, &roles);
        let new = l.name == NEW_STAFF;
        let (recorder, trainer) =
            if roles.contains(&Role::Director) || roles.contains(&Role::Supervisor) {
                (&director, director.id)
            } else {
                (&sup_actor, sup_actor.id)
            };
        if new {
            // Planned ten days ago; the first five items done.
            let planned_at = at(day(10), 9);
            out.extend(
                plan(
                    &sup_actor,
                    l.id,
                    &roles,
                    &matrix,
                    &TrainingRecord::default(),
                    planned_at,
                    &cal,
                )
                .expect("demo plan"),
            );
        }
        let start = if new { 9 } else { 300 + (n % 40) };
        for (k, item) in items.iter().enumerate() {
            if new && k >= 5 {
                break;
            }
            n += 1;
            let d = day(start - (k as u64 * if new { 1 } else { 9 }).min(start - 1));
            // One in eleven needed a retake first (TRAIN-2).
            if n % 11 == 0 {
                let input = TrainingInput {
                    item: item.key.clone(),
                    date: d,
                    trainer: Some(trainer),
                    result: TrainingResult::Retake,
                    note: "未掌握要点，安排补训".into(),
                    lesson: None,
                };
                out.extend(record(recorder, l.id, &matrix, &input, at(d, 15), &cal).expect("demo"));
            }
            let d2 = if n % 11 == 0 {
                (d + Days::new(3)).min(day(1))
            } else {
                d
            };
            let input = TrainingInput {
                item: item.key.clone(),
                date: d2,
                trainer: Some(trainer),
                result: TrainingResult::Pass,
                note: String::new(),
                lesson: (item.key == "complaints" && new).then(|| "complaints-intake".into()),
            };
            out.extend(record(recorder, l.id, &matrix, &input, at(d2, 16), &cal).expect("demo"));
        }
    }

    // PAID-8: a plumber took a private repair job during working hours: the first step, a fine.
    if let Some(plumber) = logins.iter().find(|l| l.name == "罗志刚") {
        let d = day(12);
        let input = DisciplineInput {
            person: Some(plumber.id),
            offence: Offence::PrivateJob,
            what: "工作时间私自为5号楼住户维修水管并收费".into(),
            date: d,
        };
        out.extend(
            discipline::record(
                &sup_actor,
                &Discipline::default(),
                &input,
                discipline::DEFAULT_FINE_FEN,
                at(d, 17),
            )
            .expect("demo discipline"),
        );
    }
    out
}

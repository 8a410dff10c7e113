//! 小区 — the estate record: its name and settings. There is one per database, with the nil id.
//! First-run setup founds it together with the first Director (SOP §0).

use super::calendar::BusinessCalendar;
use super::command::{required, Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::Id;
use super::roles::Action;
use super::view::{Aggregate, IndexFields};
use serde::{Deserialize, Serialize};

/// Settings of the estate (all the numbers SOP.md leaves to a setting live here).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Lock the tablet after this many idle minutes (0 = never).
    pub idle_lock_minutes: u32,
    pub calendar: BusinessCalendar,
    /// Imported events dated more than this far ahead are held back (issue #5 clock skew).
    pub import_max_skew_hours: u32,
    /// Remind to export a file (also the backup) after this many days without one.
    pub backup_reminder_days: u32,
    /// CMP-4 contact limits, HELP-2 reply limit.
    pub complaints: super::complaints::ComplaintSettings,
    /// Items at the duty post counted at every handover (DUTY-6: 对讲机、灭火器、水瓶 …).
    pub post_items: Vec<String>,
    /// PAID-8: the fine for a private job or neglected duty, in fen (200 yuan). Left out of
    /// the bytes while default, like `orders`.
    #[serde(skip_serializing_if = "is_default_fine")]
    pub discipline_fine_fen: u64,
    /// REP-3 emergency limit, PAID-7 revenue split (issue 15). Left out of the bytes while
    /// default, so settings written before it read and hash alike.
    #[serde(skip_serializing_if = "is_default_orders")]
    pub orders: super::workorder::orders::OrderSettings,
    /// The front desk (issue 17): the mail renotify days (DESK-1). Omitted when default, so
    /// settings written before it keep their bytes' meaning.
    #[serde(default, skip_serializing_if = "is_default_desk")]
    pub desk: crate::domain::desk::DeskSettings,
    /// QUAL-4 "the rest per setting": years a closed record that is neither a violation nor
    /// the duty log is kept (1–30, default 3). Omitted when default, so settings written
    /// before it keep their bytes' meaning.
    #[serde(skip_serializing_if = "is_default_other_years")]
    pub retention_other_years: u32,
}

fn is_default_other_years(y: &u32) -> bool {
    *y == super::retention::DEFAULT_OTHER_YEARS
}

fn is_default_fine(f: &u64) -> bool {
    *f == crate::domain::discipline::DEFAULT_FINE_FEN
}

fn is_default_orders(o: &super::workorder::orders::OrderSettings) -> bool {
    *o == Default::default()
}

fn is_default_desk(d: &crate::domain::desk::DeskSettings) -> bool {
    *d == crate::domain::desk::DeskSettings::default()
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            idle_lock_minutes: 5,
            calendar: BusinessCalendar::default(),
            import_max_skew_hours: 24,
            backup_reminder_days: 7,
            complaints: Default::default(),
            post_items: crate::domain::duty::DEFAULT_POST_ITEMS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            discipline_fine_fen: crate::domain::discipline::DEFAULT_FINE_FEN,
            orders: Default::default(),
            desk: Default::default(),
            retention_other_years: super::retention::DEFAULT_OTHER_YEARS,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
// Settings changes are rare and never held in bulk; boxing would only add noise at every use.
#[allow(clippy::large_enum_variant)]
pub enum EstateEvent {
    Founded { name: String },
    Renamed { name: String },
    SettingsChanged { settings: Settings },
}

/// 小区
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Estate {
    pub name: String,
    pub settings: Settings,
}

pub fn estate_ref() -> RecordRef {
    RecordRef::new(RecordKind::Estate, Id::nil())
}

impl Aggregate for Estate {
    const KIND: RecordKind = RecordKind::Estate;
    fn apply(&mut self, event: &Event) {
        if let EventBody::Estate(e) = &event.body {
            match e {
                EstateEvent::Founded { name } | EstateEvent::Renamed { name } => {
                    self.name = name.clone()
                }
                EstateEvent::SettingsChanged { settings } => self.settings = settings.clone(),
            }
        }
    }
    fn index(&self) -> IndexFields {
        IndexFields {
            title: self.name.clone(),
            ..Default::default()
        }
    }
}

fn draft(e: EstateEvent) -> Draft {
    Draft {
        subject: estate_ref(),
        body: EventBody::Estate(e),
    }
}

pub fn rename(actor: &Actor, name: &str) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ChangeSettings)?;
    let name = required(name, Text::new("小区名称", "the estate name"))?;
    Ok(vec![draft(EstateEvent::Renamed { name })])
}

pub fn change_settings(actor: &Actor, settings: Settings) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ChangeSettings)?;
    if settings.idle_lock_minutes > 240 {
        return Err(DomainError::invalid(
            "自动锁屏时间不能超过240分钟",
            "The idle lock can be at most 240 minutes",
        ));
    }
    if !(1..=24 * 30).contains(&settings.import_max_skew_hours)
        || !(1..=365).contains(&settings.backup_reminder_days)
    {
        return Err(DomainError::invalid(
            "时钟偏差上限须为1–720小时，备份提醒须为1–365天",
            "The clock-skew limit must be 1–720 hours and the backup reminder 1–365 days",
        ));
    }
    settings.complaints.validate()?;
    settings.orders.validate()?;
    settings.desk.validate()?;
    if !super::retention::OTHER_YEARS.contains(&settings.retention_other_years) {
        return Err(DomainError::invalid(
            "其他资料保存期限须为1–30年",
            "Other records must be kept 1–30 years",
        ));
    }
    Ok(vec![draft(EstateEvent::SettingsChanged { settings })])
}

pub(crate) fn founded(name: String) -> Draft {
    draft(EstateEvent::Founded { name })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::Id;
    use crate::domain::roles::Role;

    fn director() -> Actor {
        Actor {
            id: Id::derived("staff", 1),
            roles: [Role::Director].into(),
        }
    }

    #[test]
    fn settings_written_before_new_fields_existed_still_decode_with_defaults() {
        let old: Settings = serde_json::from_str(r#"{"idle_lock_minutes":3}"#).unwrap();
        assert_eq!(old.idle_lock_minutes, 3);
        assert_eq!(old.import_max_skew_hours, 24);
        assert_eq!(old.backup_reminder_days, 7);
    }

    #[test]
    fn only_a_director_changes_settings_and_limits_are_checked() {
        let assistant = Actor {
            id: Id::derived("staff", 2),
            roles: [Role::Assistant].into(),
        };
        assert!(change_settings(&assistant, Settings::default()).is_err());
        assert!(change_settings(&director(), Settings::default()).is_ok());
        let bad = Settings {
            backup_reminder_days: 0,
            ..Settings::default()
        };
        assert!(change_settings(&director(), bad).is_err());
        let bad = Settings {
            idle_lock_minutes: 241,
            ..Settings::default()
        };
        assert!(change_settings(&director(), bad).is_err());
    }

    /// QUAL-4: "the rest per setting" defaults to 3 years, and settings written before the
    /// setting existed read as the default and serialize without it (same bytes).
    #[test]
    fn qual_4_other_records_retention_defaults_to_three_years() {
        let s = Settings::default();
        assert_eq!(s.retention_other_years, 3);
        assert_eq!(
            crate::domain::retention::Class::other(&s),
            crate::domain::retention::Class::Other(3)
        );
        let old: Settings = serde_json::from_str(r#"{"idle_lock_minutes":3}"#).unwrap();
        assert_eq!(old.retention_other_years, 3);
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("retention_other_years"));
        let changed = Settings {
            retention_other_years: 7,
            ..Settings::default()
        };
        let json = serde_json::to_string(&changed).unwrap();
        assert!(json.contains(r#""retention_other_years":7"#));
        let back: Settings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, changed);
    }

    /// QUAL-4: changing the setting changes the kept-until date of an "other" record, not that
    /// of violations or the duty log.
    #[test]
    fn qual_4_changed_setting_changes_kept_until_of_other_records() {
        use crate::domain::retention::{kept_until, other_kept_until, Class};
        use chrono::{NaiveDate, NaiveTime};
        let cal = BusinessCalendar::default();
        let day = |y, m, d| {
            cal.at(
                NaiveDate::from_ymd_opt(y, m, d).unwrap(),
                NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
            )
        };
        let closed = day(2026, 10, 12);
        assert_eq!(
            other_kept_until(&Settings::default(), closed),
            day(2029, 10, 12)
        );
        let mut estate = Estate::default();
        let drafts = change_settings(
            &director(),
            Settings {
                retention_other_years: 10,
                ..Settings::default()
            },
        )
        .unwrap();
        let EventBody::Estate(e) = &drafts[0].body else {
            panic!("settings event")
        };
        let EstateEvent::SettingsChanged { settings } = e else {
            panic!("settings event")
        };
        estate.settings = settings.clone();
        assert_eq!(
            other_kept_until(&estate.settings, closed),
            day(2036, 10, 12)
        );
        // Violations and the duty log keep their fixed years (VIO-9, DUTY-4).
        assert_eq!(
            kept_until(Class::GeneralViolation, closed),
            day(2027, 10, 12)
        );
        assert_eq!(kept_until(Class::DutyLog, closed), day(2029, 10, 12));
    }

    /// QUAL-4: the other-records years must be 1–30; anything else is refused in both
    /// languages.
    #[test]
    fn qual_4_invalid_other_retention_years_are_refused() {
        for y in [0, 31, 100] {
            let bad = Settings {
                retention_other_years: y,
                ..Settings::default()
            };
            let err = change_settings(&director(), bad).unwrap_err();
            let msg = err.message();
            assert!(msg.zh.contains("1–30年"), "{y}: {}", msg.zh);
            assert!(msg.en.contains("1–30 years"), "{y}: {}", msg.en);
        }
        for y in [1, 3, 30] {
            let ok = Settings {
                retention_other_years: y,
                ..Settings::default()
            };
            assert!(change_settings(&director(), ok).is_ok());
        }
    }
}

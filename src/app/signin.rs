//! PIN sign-in with the tablet's lockout (issue 12; the rules are in
//! `domain::staff::lockout`). The lockout is device-local metadata under [`META_LOCKOUT`],
//! never an event: it is not synced and a failed sign-in leaves no trace in the estate's data.

use super::pin_kdf::verify_pin;
use super::App;
use crate::domain::command::Actor;
use crate::domain::i18n::Text;
use crate::domain::ids::StaffId;
use crate::domain::roles::Role;
use crate::domain::staff::{Lockout, Staff, Uptime, LOCKOUT_FAILURES};
use crate::store::{Store, StoreError};

/// Meta: the tablet's one lockout (all accounts). Until issue 12 there was one counter per
/// person (`lockout:<id>`, wall-clock based); those keys are no longer read.
pub const META_LOCKOUT: &str = "lockout";

/// Why a sign-in failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInError {
    WrongPin { attempts_left: u32 },
    Locked { ms_left: i64 },
    Inactive,
    Store(StoreError),
}

impl SignInError {
    pub fn message(&self) -> Text {
        match self {
            SignInError::WrongPin { attempts_left } => Text::new(
                format!("PIN不正确，还可再试{attempts_left}次"),
                format!("Wrong PIN. {attempts_left} attempts left on this tablet"),
            ),
            SignInError::Locked { ms_left } => {
                let (zh, en) = wait_text(*ms_left);
                Text::new(
                    format!("本机连续输错PIN{LOCKOUT_FAILURES}次，登录已锁定，请{zh}后再试"),
                    format!(
                        "{LOCKOUT_FAILURES} wrong PINs on this tablet: sign-in is locked, try again in {en}"
                    ),
                )
            }
            SignInError::Inactive => Text::new("该账号已停用", "This account is deactivated"),
            SignInError::Store(e) => e.message(),
        }
    }
}

/// A wait in whole minutes (rounded up): "5分钟" / "5 min", "1小时" / "1 h", "1小时5分钟" / "1 h 5 min".
fn wait_text(ms: i64) -> (String, String) {
    let min = (ms.max(0) + 59_999) / 60_000;
    let (h, m) = (min / 60, min % 60);
    match (h, m) {
        (0, m) => (format!("{m}分钟"), format!("{m} min")),
        (h, 0) => (format!("{h}小时"), format!("{h} h")),
        (h, m) => (format!("{h}小时{m}分钟"), format!("{h} h {m} min")),
    }
}

impl<S: Store> App<S> {
    async fn lockout(&self) -> Result<Lockout, StoreError> {
        Ok(self
            .store
            .meta(META_LOCKOUT)
            .await?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default())
    }

    async fn save_lockout(&self, lock: &Lockout) -> Result<(), StoreError> {
        self.put_meta(
            META_LOCKOUT,
            serde_json::to_value(lock).expect("lockout serialises"),
        )
        .await
    }

    /// PIN sign-in (also the PIN check of a handover signature). Refused while the tablet is
    /// locked; a wrong PIN counts against the tablet, whichever account it was typed for.
    /// `now` is the running app's monotonic clock, never the date.
    pub async fn sign_in(&self, id: StaffId, pin: &str, now: Uptime) -> Result<Actor, SignInError> {
        // One attempt at a time: parallel attempts must each be counted.
        let _writing = self.writing.lock().await;
        let mut lock = self.lockout().await.map_err(SignInError::Store)?;
        lock.advance(now);
        if let Some(ms_left) = lock.locked() {
            // Keep the time served so far (and this page's clock as the base).
            let _ = self.save_lockout(&lock).await;
            return Err(SignInError::Locked { ms_left });
        }
        let staff = self.get::<Staff>(id).await.map_err(SignInError::Store)?;
        let Some(staff) = staff.filter(|s| s.active) else {
            return Err(SignInError::Inactive);
        };
        let ok = match &staff.pin {
            Some(hash) => verify_pin(hash, pin).await,
            None => false,
        };
        if ok {
            let director = staff.profile.roles.contains(&Role::Director);
            lock.succeed(id, director, now);
        } else {
            lock.fail(id, now);
        }
        let saved = self.save_lockout(&lock).await;
        // A right PIN signs in even on a full disk (staff must be able to export a backup);
        // a wrong one whose count cannot be saved is refused as an error, never uncounted-ok.
        if ok {
            return Ok(staff.actor(id));
        }
        saved.map_err(SignInError::Store)?;
        match lock.locked() {
            Some(ms_left) => Err(SignInError::Locked { ms_left }),
            None => Err(SignInError::WrongPin {
                attempts_left: lock.attempts_left(),
            }),
        }
    }

    /// Serves the lock by the running app's clock: called every 30 s, it saves the time consumed
    /// so a reload loses at most that much. Returns the time left, if locked.
    pub async fn lockout_tick(&self, now: Uptime) -> Result<Option<i64>, StoreError> {
        let _writing = self.writing.lock().await;
        let mut lock = self.lockout().await?;
        if !lock.ticking() {
            return Ok(None);
        }
        lock.advance(now);
        self.save_lockout(&lock).await?;
        Ok(lock.locked())
    }
}

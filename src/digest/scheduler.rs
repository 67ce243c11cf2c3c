//! The digest task: who is due, sending to them at a steady rate, recording it was sent, and
//! rescheduling people whose settings change.
//!
//! The store is the only truth. The index says *when* to look at someone; when the time
//! comes their settings are read again and [`DigestSchedule::next`] decides, from their
//! zone, digest time and the last day sent, whether a digest is due now. A stale index entry
//! can make the scheduler look too early (it reschedules) or for someone whose digest is off
//! or who is gone (it drops them), never send a day twice.
//!
//! **Exactly once, and which side of the send the record goes.** The day is recorded as
//! sent (`last_digest_day`, flushed) *before* the message goes out, so a crash between the
//! two loses that one digest rather than sending it twice (at most once): Telegram's
//! `sendMessage` is not idempotent, and a timeout after Telegram accepted a message would
//! turn at-least-once into a duplicate without any crash. A send that fails outright is
//! rolled back and tried again later, so failures are not losses. Without a crash in that
//! window, every digest goes out once: the simulated month in `tests/digest.rs` has 0
//! duplicates and 0 missed across restarts, clock jumps and clock changes.
//!
//! People who blocked the bot (`active == false`) are looked at once a day and not sent to,
//! so they are served again as soon as they write to the bot, whoever marks them active.
//! A digest the sender reports blocked marks them inactive.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::oneshot;
use tokio::task::{JoinError, JoinSet};

use super::clock::Clock;
use super::compose::compose_for;
use super::index::DueIndex;
use super::pacer::Pacer;
use super::schedule::{DigestSchedule, Occurrence};
use super::sender::{SendError, Sender};
use super::{DigestConfig, DigestError};
use crate::chat::Engine;
use crate::store::{Store, StoreError, UserSettings};

/// How long the task sleeps when nobody has a digest (settings changes wake it earlier).
const IDLE_WAKE: TimeDelta = TimeDelta::hours(1);

/// What one [`Scheduler::run_due`] round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Digests delivered.
    pub sent: usize,
    /// Digests the sender reported blocked (those people are now inactive).
    pub blocked: usize,
    /// Digests that did not go out and will be tried again later.
    pub failed: usize,
    /// Digests due for people marked inactive, not sent.
    pub inactive: usize,
}

impl RoundReport {
    fn is_empty(&self) -> bool {
        *self == RoundReport::default()
    }
}

/// Schedules and sends everyone's digests. Build it with [`Scheduler::new`] and either drive
/// it with [`Scheduler::run`] (what [`super::spawn`] does) or call its steps directly.
pub struct Scheduler<S: Sender> {
    engine: Engine,
    sender: Arc<S>,
    config: DigestConfig,
    catch_up: TimeDelta,
    retry_after: TimeDelta,
    pacer: Arc<Pacer>,
    index: DueIndex,
    /// The day each person's digest was last sent for by this process. The store has the
    /// same, but a settings write racing with ours (the engine saving a /tz change it read
    /// before our record) could put back an older day; this keeps that from causing a
    /// second digest while the process lives.
    sent: HashMap<i64, NaiveDate>,
    /// Set when the task is asked to stop: the round under way starts no new digest. Those
    /// not started stay unrecorded, so a restart finds them (the catch-up rule) instead of
    /// a shutdown waiting out a round that, paced, can take minutes.
    stopping: Arc<AtomicBool>,
}

/// What became of one digest.
enum Delivered {
    Sent,
    Blocked,
    /// The person's settings were gone by the time it was recorded (/forget).
    Forgotten,
    /// Not sent; the reason is safe to log.
    NotSent(String),
}

impl<S: Sender> Scheduler<S> {
    /// A scheduler over `engine`'s store, with everyone's next digest indexed as of `now`.
    /// Digests due earlier today, at most `config.catch_up` ago and not yet sent (the bot was
    /// down), are due at once. Reads every user's settings once.
    pub fn new(
        engine: Engine,
        sender: S,
        config: DigestConfig,
        now: DateTime<Utc>,
    ) -> Result<Scheduler<S>, DigestError> {
        config.check()?;
        let mut scheduler = Scheduler {
            catch_up: delta(config.catch_up),
            retry_after: delta(config.retry_after),
            pacer: Arc::new(Pacer::new(config.messages_per_second)),
            engine,
            sender: Arc::new(sender),
            config,
            index: DueIndex::default(),
            sent: HashMap::new(),
            stopping: Arc::new(AtomicBool::new(false)),
        };
        for settings in scheduler.engine.store().users() {
            let settings = settings?;
            if let Some(next) = scheduler.next_for(&settings, now, scheduler.catch_up) {
                scheduler.index.insert(settings.user, next, next.at);
            }
        }
        tracing::info!(scheduled = scheduler.index.len(), "digests scheduled");
        Ok(scheduler)
    }

    /// The digest `user` is scheduled for, if any.
    pub fn scheduled(&self, user: i64) -> Option<Occurrence> {
        self.index.get(user).map(|s| s.occurrence)
    }

    /// How many people have a digest scheduled.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.len() == 0
    }

    /// The flag that, once set, makes the round under way start no new digest (see
    /// [`super::DigestTask::stop`]).
    pub(super) fn stopping(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stopping)
    }

    /// When someone is next due (or due for a retry).
    pub fn next_wake(&self) -> Option<DateTime<Utc>> {
        self.index.next_wake()
    }

    /// Reschedules `user` after their settings changed or were deleted: reads them again and
    /// indexes their next digest. Catching up is for a digest that was due as scheduled; a
    /// schedule that just changed starts with its next instant, so moving the digest to a
    /// time already past today does not send one at once.
    pub async fn settings_changed(
        &mut self,
        user: i64,
        now: DateTime<Utc>,
    ) -> Result<(), DigestError> {
        let previous = self.index.remove(user);
        let settings = match self.engine.store().user(user).await {
            Ok(Some(settings)) => settings,
            Ok(None) => {
                self.sent.remove(&user);
                return Ok(());
            }
            Err(error) => {
                if let Some(previous) = previous {
                    self.index.restore(user, previous);
                }
                return Err(error.into());
            }
        };
        let Some(next) = self.next_for(&settings, now, self.catch_up) else {
            return Ok(());
        };
        if next.at > now {
            self.index.insert(user, next, next.at);
            return Ok(());
        }
        match previous {
            // Still the digest it was waiting for (maybe a retry's wait): unchanged.
            Some(previous) if previous.occurrence == next => self.index.restore(user, previous),
            _ => {
                if let Some(next) = self.next_for(&settings, now, TimeDelta::zero()) {
                    self.index.insert(user, next, next.at);
                }
            }
        }
        Ok(())
    }

    /// Sends every digest due at `now` and waits for those sends; people not due after all
    /// are rescheduled. Lateness is judged at `now`, the start of the round.
    pub async fn run_due(&mut self, now: DateTime<Utc>) -> RoundReport {
        let mut report = RoundReport::default();
        let mut sends: JoinSet<(i64, Occurrence, Delivered)> = JoinSet::new();
        let mut due_now = self.index.pop_due(now).into_iter();
        while let Some((user, scheduled)) = due_now.next() {
            if self.stopping.load(Ordering::Acquire) {
                self.index.restore(user, scheduled);
                for (user, scheduled) in due_now.by_ref() {
                    self.index.restore(user, scheduled);
                }
                break;
            }
            let settings = match self.engine.store().user(user).await {
                Ok(Some(settings)) => settings,
                Ok(None) => continue,
                Err(error) => {
                    tracing::warn!(user, %error, "could not read settings for a digest");
                    self.index
                        .insert(user, scheduled.occurrence, now + self.retry_after);
                    report.failed += 1;
                    continue;
                }
            };
            let Some(schedule) = DigestSchedule::of(&settings, self.engine.diary()) else {
                continue;
            };
            let sent_through = self.sent_through(&settings);
            let Some(due) = schedule.next(sent_through, now, self.catch_up) else {
                continue;
            };
            if due.at > now {
                self.index.insert(user, due, due.at);
                continue;
            }
            // The next day is scheduled at once; a failed send puts this one back.
            if let Some(next) = schedule.next(Some(due.day), now, TimeDelta::zero()) {
                self.index.insert(user, next, next.at);
            }
            if !settings.active {
                report.inactive += 1;
                continue;
            }
            // At most `max_in_flight` digests composed, recorded and waiting for a slot.
            while sends.len() >= self.config.max_in_flight {
                if let Some(done) = sends.join_next().await {
                    self.finish(done, now, &mut report);
                }
            }
            self.sent.insert(user, due.day);
            sends.spawn(deliver(
                self.engine.clone(),
                Arc::clone(&self.sender),
                Arc::clone(&self.pacer),
                settings,
                due,
            ));
        }
        while let Some(done) = sends.join_next().await {
            self.finish(done, now, &mut report);
        }
        report
    }

    /// Runs until `stop` fires: each round sends what is due, then sleeps until the next
    /// person is due or a settings change comes in on `changes`. If `stop`'s sender is
    /// dropped without firing, the task runs on (so dropping a [`super::DigestTask`] does not
    /// silently end the digests); a closed `changes` leaves only the clock to wake it.
    pub async fn run<C: Clock>(
        mut self,
        clock: C,
        mut changes: UnboundedReceiver<i64>,
        mut stop: oneshot::Receiver<()>,
    ) {
        let mut changes_open = true;
        let mut stop_open = true;
        loop {
            while changes_open {
                match changes.try_recv() {
                    Ok(user) => self.on_change(user, clock.now()).await,
                    Err(tokio::sync::mpsc::error::TryRecvError::Empty) => break,
                    Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => {
                        changes_open = false;
                    }
                }
            }
            let report = self.run_due(clock.now()).await;
            if !report.is_empty() {
                tracing::info!(
                    sent = report.sent,
                    blocked = report.blocked,
                    failed = report.failed,
                    inactive = report.inactive,
                    "digest round"
                );
            }
            // Stopping: what the round left stays due, for the next start.
            if self.stopping.load(Ordering::Acquire) {
                return;
            }
            let now = clock.now();
            let wake = self.index.next_wake().unwrap_or(now + IDLE_WAKE);
            if wake <= now {
                continue;
            }
            tokio::select! {
                stopped = &mut stop, if stop_open => match stopped {
                    Ok(()) => return,
                    Err(_) => stop_open = false,
                },
                change = changes.recv(), if changes_open => match change {
                    Some(user) => self.on_change(user, clock.now()).await,
                    None => changes_open = false,
                },
                () = clock.sleep_until(wake) => {}
            }
        }
    }

    async fn on_change(&mut self, user: i64, now: DateTime<Utc>) {
        if let Err(error) = self.settings_changed(user, now).await {
            tracing::warn!(user, %error, "could not reschedule a digest");
        }
    }

    fn next_for(
        &self,
        settings: &UserSettings,
        now: DateTime<Utc>,
        catch_up: TimeDelta,
    ) -> Option<Occurrence> {
        DigestSchedule::of(settings, self.engine.diary())?.next(
            self.sent_through(settings),
            now,
            catch_up,
        )
    }

    fn sent_through(&self, settings: &UserSettings) -> Option<NaiveDate> {
        settings
            .last_digest_day
            .max(self.sent.get(&settings.user).copied())
    }

    fn finish(
        &mut self,
        done: Result<(i64, Occurrence, Delivered), JoinError>,
        now: DateTime<Utc>,
        report: &mut RoundReport,
    ) {
        let (user, occurrence, delivered) = match done {
            Ok(done) => done,
            Err(error) => {
                tracing::error!(%error, "a digest send panicked");
                report.failed += 1;
                return;
            }
        };
        match delivered {
            Delivered::Sent => report.sent += 1,
            Delivered::Blocked => {
                tracing::info!(user, "a digest found the bot blocked; marked inactive");
                report.blocked += 1;
            }
            Delivered::Forgotten => {}
            Delivered::NotSent(reason) => {
                tracing::warn!(user, %reason, "a digest did not go out; trying again later");
                report.failed += 1;
                self.sent.remove(&user);
                self.index.insert(user, occurrence, now + self.retry_after);
            }
        }
    }
}

/// Composes, records and sends one digest (a task of its own, so that sends overlap while
/// the pacer spaces them).
async fn deliver<S: Sender>(
    engine: Engine,
    sender: Arc<S>,
    pacer: Arc<Pacer>,
    settings: UserSettings,
    due: Occurrence,
) -> (i64, Occurrence, Delivered) {
    let user = settings.user;
    let delivered = async {
        let digest = match compose_for(&engine, &settings, due.day).await {
            Ok(digest) => digest,
            Err(error) => return Delivered::NotSent(error.to_string()),
        };
        pacer.wait().await;
        // Recorded, durably, before it goes out: at most once (see the module comment).
        let store = engine.store();
        let before = match record(store, user, due.day, digest.tip_id.as_deref()).await {
            Ok(Some(before)) => before,
            Ok(None) => return Delivered::Forgotten,
            Err(error) => return Delivered::NotSent(error.to_string()),
        };
        match sender.send(user, &digest.reply).await {
            Ok(()) => Delivered::Sent,
            Err(SendError::Blocked) => {
                if let Err(error) = mark_inactive(store, user).await {
                    tracing::error!(user, %error, "could not mark a chat inactive");
                }
                Delivered::Blocked
            }
            Err(SendError::Failed(reason)) => {
                if let Err(error) = unrecord(store, user, due.day, before).await {
                    tracing::error!(user, %error, "could not roll back a digest record");
                }
                Delivered::NotSent(reason)
            }
        }
    }
    .await;
    (user, due, delivered)
}

/// What a record replaced, to put back if the send fails.
struct Recorded {
    last_digest_day: Option<NaiveDate>,
    last_tip_id: Option<String>,
}

/// Records that `day`'s digest (showing `tip`) was sent, on the person's current settings so
/// that a change they made meanwhile stays. Durable when it returns; `None` if they are gone.
async fn record(
    store: &Store,
    user: i64,
    day: NaiveDate,
    tip: Option<&str>,
) -> Result<Option<Recorded>, StoreError> {
    let mut before = None;
    store
        .update_user(user, |stored| {
            let mut settings = stored?;
            before = Some(Recorded {
                last_digest_day: settings.last_digest_day,
                last_tip_id: settings.last_tip_id.clone(),
            });
            settings.last_digest_day = Some(day);
            if let Some(tip) = tip {
                settings.last_tip_id = Some(tip.to_string());
            }
            Some(settings)
        })
        .await?;
    Ok(before)
}

/// Undoes [`record`] after a failed send, unless something newer was recorded since.
async fn unrecord(
    store: &Store,
    user: i64,
    day: NaiveDate,
    before: Recorded,
) -> Result<(), StoreError> {
    store
        .update_user(user, |stored| {
            let mut settings = stored?;
            if settings.last_digest_day != Some(day) {
                return None;
            }
            settings.last_digest_day = before.last_digest_day;
            settings.last_tip_id = before.last_tip_id;
            Some(settings)
        })
        .await?;
    Ok(())
}

async fn mark_inactive(store: &Store, user: i64) -> Result<(), StoreError> {
    store
        .update_user(user, |stored| {
            let mut settings = stored?;
            settings.active.then(|| {
                settings.active = false;
                settings
            })
        })
        .await?;
    Ok(())
}

/// A checked configuration duration (at most a day) as chrono's.
fn delta(duration: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::days(1))
}

//! The daily digest and the Sunday weekly report, sent once a day at each person's own hour.
//!
//! - `schedule`: when a person's digest is due — one instant per diary day at their chosen
//!   wall-clock time, through clock changes — and the rule of what is due now, with the
//!   catch-up for digests missed while the bot was down (same diary day, at most
//!   [`DigestConfig::catch_up`] late).
//! - `index`: who is due when, by UTC minute, so finding them never scans everyone.
//! - `compose`: one person's digest from their diary (the day's score and its parts, fibre,
//!   the week's plants, the streak, one tip for the day's gaps, the skin buttons; a nudge for
//!   an empty day; the weekly report on Sundays), with the pure part apart for benchmarks.
//! - `scheduler`: the task that sends what is due through a [`Sender`], paced to Telegram's
//!   limits, and records each day as sent; see its comment for how exactly-once is kept.
//! - `clock` and `sender`: the injected clock and the sender, with test doubles.
//!
//! In the bot (wiring for `gutskin run`):
//!
//! ```ignore
//! let (changes_tx, changes_rx) = tokio::sync::mpsc::unbounded_channel();
//! let engine = Engine::new(lexicon, knowledge, diary, store).with_settings_listener(changes_tx);
//! let digests = digest::spawn(
//!     engine.clone(),
//!     changes_rx,
//!     TelegramDigests::new(delivery),  // implements digest::Sender
//!     digest::SystemClock,
//!     digest::DigestConfig::default(),
//! )?;
//! // ... serve Telegram with `engine` ...
//! digests.stop().await?;  // on shutdown: finishes the round under way
//! ```

mod clock;
mod compose;
mod index;
mod pacer;
mod schedule;
mod scheduler;
mod sender;
mod wording;

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::oneshot;
use tokio::task::{JoinError, JoinHandle};

use crate::chat::Engine;
use crate::store::StoreError;

pub use clock::{Clock, ManualClock, Park, SystemClock};
pub use compose::{
    compose, compose_for, compose_from, read_diary, Digest, DigestDiary, FIRST_READ_DAYS,
    STREAK_READ_DAYS,
};
pub use schedule::{DigestSchedule, Occurrence};
pub use scheduler::{RoundReport, Scheduler};
pub use sender::{RecordingSender, SendError, Sender, SentMessage};

/// The longest catch-up or retry wait accepted.
const MAX_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Why the digest could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("digest settings: {0}")]
    Config(&'static str),
    #[error("the digest task failed: {0}")]
    Task(#[from] JoinError),
}

/// How the digest task behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestConfig {
    /// How late a digest may still go out (the bot was down or busy), within its own day.
    pub catch_up: Duration,
    /// The steady rate digests leave at; `None` sends without pacing (tests). Telegram
    /// allows about 30 messages a second overall; the default leaves room for replies.
    pub messages_per_second: Option<NonZeroU32>,
    /// Digests composed, recorded and waiting for their slot or their send at once.
    pub max_in_flight: usize,
    /// How long after a failed send it is tried again (at least a second, so that one chat
    /// never gets two attempts within Telegram's one message a second per chat).
    pub retry_after: Duration,
}

impl Default for DigestConfig {
    fn default() -> DigestConfig {
        DigestConfig {
            catch_up: Duration::from_secs(3 * 60 * 60),
            messages_per_second: NonZeroU32::new(28),
            max_in_flight: 32,
            retry_after: Duration::from_secs(5 * 60),
        }
    }
}

impl DigestConfig {
    fn check(&self) -> Result<(), DigestError> {
        if self.max_in_flight == 0 {
            return Err(DigestError::Config("max_in_flight must be at least 1"));
        }
        if self.catch_up > MAX_WAIT {
            return Err(DigestError::Config("catch_up must be at most a day"));
        }
        if self.retry_after < Duration::from_secs(1) || self.retry_after > MAX_WAIT {
            return Err(DigestError::Config(
                "retry_after must be between a second and a day",
            ));
        }
        Ok(())
    }
}

/// The running digest task.
#[derive(Debug)]
pub struct DigestTask {
    stop: oneshot::Sender<()>,
    stopping: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl DigestTask {
    /// Stops the task and waits for it: the digests under way (at most
    /// [`DigestConfig::max_in_flight`]) are sent and recorded; the rest of the round is not
    /// started and stays due, for the next start to catch up.
    pub async fn stop(self) -> Result<(), DigestError> {
        self.stopping.store(true, Ordering::Release);
        // An error means the task has already ended; awaiting it reports how.
        let _ = self.stop.send(());
        Ok(self.task.await?)
    }

    /// Ends the task at once, as a crash would: a digest recorded but not yet sent is lost,
    /// never sent twice.
    pub async fn abort(self) {
        self.task.abort();
        let _ = self.task.await;
    }

    /// Whether the task has ended (it only does when stopped, or if it panicked).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

/// Starts the digest task on the current tokio runtime: reads every user's settings once to
/// index their next digest (sending at once those missed while the bot was down, if still
/// due under the catch-up rule), then runs [`Scheduler::run`].
///
/// `changes` is the receiving end of the channel given to
/// [`Engine::with_settings_listener`], so that settings changes and `/forget` reschedule.
/// `clock` is [`SystemClock`] in production.
pub fn spawn<S: Sender, C: Clock>(
    engine: Engine,
    changes: UnboundedReceiver<i64>,
    sender: S,
    clock: C,
    config: DigestConfig,
) -> Result<DigestTask, DigestError> {
    let scheduler = Scheduler::new(engine, sender, config, clock.now())?;
    let stopping = scheduler.stopping();
    let (stop, stop_rx) = oneshot::channel();
    let task = tokio::spawn(scheduler.run(clock, changes, stop_rx));
    Ok(DigestTask {
        stop,
        stopping,
        task,
    })
}

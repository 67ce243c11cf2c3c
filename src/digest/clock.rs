//! The digest's clock, injected: the system's in production, a hand-moved one in tests, so
//! that a month of digests, clock changes and restarts is tested in seconds.
//!
//! Only the scheduler's sense of *when* comes from here. Pacing sends to Telegram's rate is
//! real time (tokio's), since Telegram's limits are.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::watch;

/// What time it is, and waiting for a time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Returns once the clock reads `at` or later, or earlier: callers read [`Clock::now`]
    /// again and decide, so a clock that naps and re-checks is a correct one.
    fn sleep_until(&self, at: DateTime<Utc>) -> impl Future<Output = ()> + Send;
}

/// The system clock. Sleeps in naps of at most [`SystemClock::MAX_NAP`], because tokio's
/// timers follow the monotonic clock: a wall clock set forwards or back (NTP, a suspended VM)
/// is noticed within one nap rather than after a sleep computed from the old reading.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl SystemClock {
    pub const MAX_NAP: Duration = Duration::from_secs(30);
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> impl Future<Output = ()> + Send {
        let wait = (at - Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(SystemClock::MAX_NAP);
        tokio::time::sleep(wait)
    }
}

/// A clock that moves only when told to (tests, simulations). Clones share the time.
///
/// It also tells whether a task is sleeping on it and until when ([`ManualClock::parked`]),
/// which is how a test knows the scheduler has finished everything due and gone back to
/// sleep: each sleep is numbered, and [`ManualClock::wait_for_sleep_after`] waits for a
/// later one that has not yet come due.
#[derive(Clone, Debug)]
pub struct ManualClock {
    shared: Arc<ManualShared>,
}

#[derive(Debug)]
struct ManualShared {
    now: watch::Sender<DateTime<Utc>>,
    parked: watch::Sender<Option<Park>>,
    sleeps: AtomicU64,
}

/// A task sleeping on a [`ManualClock`]: the sleep's number and the time it waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Park {
    pub number: u64,
    pub until: DateTime<Utc>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock {
            shared: Arc::new(ManualShared {
                now: watch::Sender::new(start),
                parked: watch::Sender::new(None),
                sleeps: AtomicU64::new(0),
            }),
        }
    }

    /// Sets the time, forwards or back, waking sleepers whose time has come.
    pub fn set(&self, to: DateTime<Utc>) {
        self.shared.now.send_replace(to);
    }

    pub fn advance(&self, by: TimeDelta) {
        self.set(self.now() + by);
    }

    /// The sleep in progress, if a task is sleeping on this clock.
    pub fn parked(&self) -> Option<Park> {
        *self.shared.parked.borrow()
    }

    /// How many sleeps have begun so far (the number of the latest).
    pub fn sleeps(&self) -> u64 {
        self.shared.sleeps.load(Ordering::SeqCst)
    }

    /// Waits until a task sleeps on this clock in a sleep numbered above `number` whose time
    /// is still ahead: the sleeper has done all it had to do after sleep `number`.
    pub async fn wait_for_sleep_after(&self, number: u64) {
        let mut parked = self.shared.parked.subscribe();
        let _ = parked
            .wait_for(|park| matches!(park, Some(p) if p.number > number && p.until > self.now()))
            .await;
    }

    /// Sets the time to `to` and, if that wakes the sleeper, waits until it sleeps again.
    /// Only for a clock some task sleeps on between its rounds (else it waits forever).
    pub async fn set_and_settle(&self, to: DateTime<Utc>) {
        let before = self.sleeps();
        self.set(to);
        let still_asleep = self.parked().is_some_and(|p| p.until > to);
        if !still_asleep {
            self.wait_for_sleep_after(before).await;
        }
    }

    /// Moves the time to `to` through every instant the sleeper wakes at on the way, so
    /// that it sees each of them as a running system would.
    /// Like `set_and_settle`, only for a clock some task sleeps on.
    pub async fn run_until(&self, to: DateTime<Utc>) {
        loop {
            let Some(park) = self.parked() else {
                self.wait_for_sleep_after(0).await;
                continue;
            };
            if park.until > to {
                // Nothing wakes on the way: the sleeper sleeps on.
                self.set(to.max(self.now()));
                return;
            }
            self.set_and_settle(park.until).await;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.shared.now.borrow()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> impl Future<Output = ()> + Send {
        let shared = Arc::clone(&self.shared);
        async move {
            let number = shared.sleeps.fetch_add(1, Ordering::SeqCst) + 1;
            shared.parked.send_replace(Some(Park { number, until: at }));
            let _awake = Unpark {
                shared: &shared,
                number,
            };
            let mut now = shared.now.subscribe();
            // The sender lives in `shared`, held here, so this cannot fail.
            let _ = now.wait_for(|now| *now >= at).await;
        }
    }
}

/// Clears the parked sleep when it ends or is dropped (the sleeper woke for another reason).
struct Unpark<'a> {
    shared: &'a ManualShared,
    number: u64,
}

impl Drop for Unpark<'_> {
    fn drop(&mut self) {
        self.shared.parked.send_if_modified(|park| {
            let mine = park.is_some_and(|p| p.number == self.number);
            if mine {
                *park = None;
            }
            mine
        });
    }
}

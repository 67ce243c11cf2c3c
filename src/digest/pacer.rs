//! Spacing sends to a steady rate, shared by every digest in flight.
//!
//! Telegram allows about 30 messages a second from a bot overall and answers a faster burst
//! with 429s that each cost a wait. Each send takes the next free slot, one interval after
//! the last, and waits for it; slots never bunch up after an idle spell (at most one send
//! goes out at once), so 10,000 digests due in the same minute leave at an even rate and
//! take about six minutes at 28 a second. Each digest is one message to its own chat, so
//! the limit of one message a second per chat holds by itself.
//!
//! Real time (tokio's clock), not the scheduler's injected clock: the limit is Telegram's.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Hands out send slots `interval` apart.
#[derive(Debug)]
pub(crate) struct Pacer {
    /// `None` sends at once (tests).
    interval: Option<Duration>,
    next_slot: Mutex<Option<Instant>>,
}

impl Pacer {
    /// At most `per_second` sends a second; `None` for no pacing.
    pub fn new(per_second: Option<std::num::NonZeroU32>) -> Pacer {
        Pacer {
            interval: per_second.map(|rate| Duration::from_secs(1) / rate.get()),
            next_slot: Mutex::new(None),
        }
    }

    /// Waits for this send's slot.
    pub async fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let slot = {
            // The critical section cannot panic, so a poisoned lock still holds a good value.
            let mut next = self
                .next_slot
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let slot = next.map_or(now, |next| next.max(now));
            *next = Some(slot + interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    #[tokio::test]
    async fn slots_are_an_interval_apart() {
        let pacer = Pacer::new(NonZeroU32::new(200));
        let start = Instant::now();
        for sent in 0..5u32 {
            pacer.wait().await;
            // Each send waits for its own slot, so it is never early (it may be late).
            assert!(start.elapsed() >= Duration::from_millis(5) * sent);
        }
        let unpaced = Pacer::new(None);
        let start = Instant::now();
        for _ in 0..1000 {
            unpaced.wait().await;
        }
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}

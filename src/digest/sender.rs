//! Where digests go: a [`Sender`] carries one message to one chat (Telegram in production),
//! and a [`RecordingSender`] keeps them for tests.
//!
//! A sender only carries. Pacing to Telegram's limits, retrying later and marking people who
//! blocked the bot are the scheduler's, so that any sender gets them.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::clock::Clock;
use crate::chat::Reply;

/// Why a digest did not arrive.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The person blocked the bot (or their account is gone). They are marked inactive and
    /// not sent to again until they write to the bot.
    #[error("the person blocked the bot")]
    Blocked,
    /// The message did not go out; the digest is tried again a little later, as long as it
    /// is still its day and at most the catch-up late. The reason is logged, so it must not
    /// hold anything personal (message text, tokens).
    #[error("sending failed: {0}")]
    Failed(String),
}

/// Carries a digest to a chat.
///
/// The Telegram adapter implements it over its delivery, e.g.:
///
/// ```ignore
/// impl digest::Sender for TelegramDigests {
///     async fn send(&self, chat: i64, reply: &Reply) -> Result<(), digest::SendError> {
///         match self.delivery.send_reply(ChatId(chat), reply).await {
///             Ok(()) => Ok(()),
///             Err(DeliveryError::Blocked) => Err(digest::SendError::Blocked),
///             Err(error) => Err(digest::SendError::Failed(error.to_string())),
///         }
///     }
/// }
/// ```
pub trait Sender: Send + Sync + 'static {
    /// Sends `reply` to `chat`; `Ok` once it is delivered.
    fn send(&self, chat: i64, reply: &Reply) -> impl Future<Output = Result<(), SendError>> + Send;
}

impl<S: Sender> Sender for Arc<S> {
    fn send(&self, chat: i64, reply: &Reply) -> impl Future<Output = Result<(), SendError>> + Send {
        S::send(self, chat, reply)
    }
}

/// A message a [`RecordingSender`] accepted.
#[derive(Clone, Debug, PartialEq)]
pub struct SentMessage {
    pub chat: i64,
    pub reply: Reply,
    /// The injected clock's time when it was sent, if the recorder has a clock.
    pub at: Option<DateTime<Utc>>,
    /// The real time it was sent (for pacing).
    pub instant: Instant,
}

type NowFn = Box<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// A sender for tests: records what it is given; chats can be made to block the bot, to fail
/// a number of times, or to never answer (a crash in mid-send), and sends can take time.
#[derive(Default)]
pub struct RecordingSender {
    sent: Mutex<Vec<SentMessage>>,
    attempts: Mutex<HashMap<i64, u32>>,
    blocked: Mutex<HashSet<i64>>,
    failures: Mutex<HashMap<i64, u32>>,
    hanging: Mutex<HashSet<i64>>,
    /// Sends under way now, and the most there have been at once.
    concurrent: Mutex<(usize, usize)>,
    latency: Duration,
    now: Option<NowFn>,
}

impl RecordingSender {
    pub fn new() -> RecordingSender {
        RecordingSender::default()
    }

    /// Stamps each message with `clock`'s time.
    pub fn timed_by(mut self, clock: impl Clock) -> RecordingSender {
        self.now = Some(Box::new(move || clock.now()));
        self
    }

    /// Each send takes `latency` of real time, as a network round trip does.
    pub fn with_latency(mut self, latency: Duration) -> RecordingSender {
        self.latency = latency;
        self
    }

    /// `chat` has blocked the bot.
    pub fn block(&self, chat: i64) {
        lock(&self.blocked).insert(chat);
    }

    /// `chat` has unblocked the bot.
    pub fn unblock(&self, chat: i64) {
        lock(&self.blocked).remove(&chat);
    }

    /// The next `times` sends to `chat` fail.
    pub fn fail_next(&self, chat: i64, times: u32) {
        lock(&self.failures).insert(chat, times);
    }

    /// Sends to `chat` never finish.
    pub fn hang(&self, chat: i64) {
        lock(&self.hanging).insert(chat);
    }

    /// Everything sent so far, in order.
    pub fn sent(&self) -> Vec<SentMessage> {
        lock(&self.sent).clone()
    }

    /// What was sent to `chat`, in order.
    pub fn sent_to(&self, chat: i64) -> Vec<SentMessage> {
        lock(&self.sent)
            .iter()
            .filter(|m| m.chat == chat)
            .cloned()
            .collect()
    }

    /// The most sends that were under way at the same time.
    pub fn max_concurrent(&self) -> usize {
        lock(&self.concurrent).1
    }

    /// How many sends to `chat` were attempted, whatever became of them.
    pub fn attempts(&self, chat: i64) -> u32 {
        lock(&self.attempts).get(&chat).copied().unwrap_or(0)
    }
}

impl Sender for RecordingSender {
    async fn send(&self, chat: i64, reply: &Reply) -> Result<(), SendError> {
        *lock(&self.attempts).entry(chat).or_default() += 1;
        if lock(&self.hanging).contains(&chat) {
            return std::future::pending().await;
        }
        if !self.latency.is_zero() {
            {
                let mut concurrent = lock(&self.concurrent);
                concurrent.0 += 1;
                concurrent.1 = concurrent.1.max(concurrent.0);
            }
            tokio::time::sleep(self.latency).await;
            lock(&self.concurrent).0 -= 1;
        }
        if lock(&self.blocked).contains(&chat) {
            return Err(SendError::Blocked);
        }
        if let Some(left) = lock(&self.failures)
            .get_mut(&chat)
            .filter(|left| **left > 0)
        {
            *left -= 1;
            return Err(SendError::Failed("simulated network failure".to_string()));
        }
        let message = SentMessage {
            chat,
            reply: reply.clone(),
            at: self.now.as_ref().map(|now| now()),
            instant: Instant::now(),
        };
        lock(&self.sent).push(message);
        Ok(())
    }
}

/// A test double's lock: a panic elsewhere has already failed the test, so a poisoned lock
/// is used as it is rather than panicking again.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

//! Delivery: what the engine answered ([`Outcome`]) turned into Bot API calls, so that every
//! reply arrives whole, in order, and a failure costs one reply, never the bot.
//!
//! - A button press is acknowledged first (`answerCallbackQuery`, with the engine's notice),
//!   because Telegram shows a spinner until it is; then the message that carried the button
//!   is edited, and only then are new messages sent.
//! - Text over 4096 characters goes out as several messages cut at line ends, buttons on
//!   the last (see `split`); a caption over 1024 goes out as messages, and the file without
//!   it.
//! - A call that fails on the network is tried again with exponential backoff; a 429 waits
//!   out Telegram's `retry_after` (calls through `Throttle` have that done by Throttle). What
//!   still fails is returned as a [`DeliveryError`] whose text is safe to log: it never holds
//!   the token, a URL or anything the person wrote.
//! - A person who blocked the bot is marked inactive (the digest skips them) and nothing more
//!   is sent to them.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;

use chrono::Utc;
use teloxide::types::{
    CallbackQueryId, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId,
};
use teloxide::{ApiError, RequestError};

use super::settings::RetryPolicy;
use super::split::{split_html, telegram_len, CAPTION_LIMIT, MESSAGE_LIMIT};
use super::transport::{BoxFuture, FileKind, Transport};
use crate::chat::{Attachment, Button, Outcome, Reply, MAX_ACTION_BYTES};
use crate::store::{Store, StoreError};

/// Why a reply (or part of one) did not arrive.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The person blocked the bot (or their account is gone); they are now marked inactive.
    #[error("the person blocked the bot; marked inactive")]
    Blocked,
    /// A call failed for good; `reason` names the kind of failure and nothing personal.
    #[error("{call} failed: {reason}")]
    Failed {
        call: &'static str,
        failure: Failure,
        reason: String,
    },
}

/// The failures the adapter treats specially.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Editing a message to what it already says (a rating tapped twice): nothing to do.
    NotModified,
    /// The callback query is too old to answer (the press was long ago).
    QueryExpired,
    /// Anything else.
    Other,
}

/// The message a pressed button sits on.
#[derive(Clone, Debug)]
pub struct PressedButton {
    pub query: CallbackQueryId,
    /// The message to edit; `None` when Telegram no longer shows it to the bot.
    pub message: Option<ButtonMessage>,
}

/// A message that carries buttons.
#[derive(Clone, Copy, Debug)]
pub struct ButtonMessage {
    pub id: MessageId,
    /// Whether its text is a caption (a photo or file), which is edited differently.
    pub is_caption: bool,
}

/// Sends outcomes. Cheap to clone.
#[derive(Clone)]
pub struct Delivery {
    transport: Arc<dyn Transport>,
    store: Store,
    retry: RetryPolicy,
}

impl Delivery {
    /// Delivery through `transport` (any teloxide bot, throttled or not), marking people who
    /// blocked the bot in `store`.
    pub fn new(transport: Arc<dyn Transport>, store: Store, retry: RetryPolicy) -> Delivery {
        Delivery {
            transport,
            store,
            retry,
        }
    }

    pub(crate) fn transport(&self) -> &dyn Transport {
        &*self.transport
    }

    /// Delivers `outcome` to `chat`; `button` is the press it answers, if it answers one.
    /// Stops at the first failure that means the chat cannot be reached.
    pub async fn deliver(
        &self,
        chat: ChatId,
        outcome: Outcome,
        button: Option<PressedButton>,
    ) -> Result<(), DeliveryError> {
        let delivered = self.deliver_in_order(chat, outcome, button).await;
        if let Err(DeliveryError::Blocked) = delivered {
            if let Err(error) = set_active(&self.store, chat, false).await {
                tracing::error!(chat = chat.0, %error, "could not mark a chat inactive");
            }
        }
        delivered
    }

    async fn deliver_in_order(
        &self,
        chat: ChatId,
        outcome: Outcome,
        button: Option<PressedButton>,
    ) -> Result<(), DeliveryError> {
        let mut message = None;
        if let Some(button) = button {
            // Answered whatever happens next: Telegram needs every press answered.
            let query = button.query;
            let notice = outcome.notice.clone();
            match self
                .call("answerCallbackQuery", || {
                    self.transport
                        .answer_callback(query.clone(), notice.clone())
                })
                .await
            {
                Ok(()) => {}
                Err(DeliveryError::Blocked) => return Err(DeliveryError::Blocked),
                Err(DeliveryError::Failed {
                    failure: Failure::QueryExpired,
                    ..
                }) => {
                    tracing::debug!(chat = chat.0, "a button press was too old to answer");
                }
                Err(error) => tracing::warn!(chat = chat.0, %error, "could not answer a button"),
            }
            message = button.message;
        }
        if let Some(edit) = outcome.edit {
            match message {
                Some(message) => self.edit(chat, message, &edit).await?,
                // The message is out of reach: say it anew rather than not at all.
                None => self.send_reply(chat, &edit).await?,
            }
        }
        for reply in &outcome.replies {
            self.send_reply(chat, reply).await?;
        }
        Ok(())
    }

    /// Sends one reply: its text (cut into messages if long), its file, its buttons.
    pub async fn send_reply(&self, chat: ChatId, reply: &Reply) -> Result<(), DeliveryError> {
        let keyboard = keyboard(&reply.buttons);
        let Some(attachment) = &reply.attachment else {
            return self.send_text(chat, &reply.text, keyboard).await;
        };
        let (kind, file_name, bytes, call) = match attachment {
            Attachment::Photo { file_name, bytes } => {
                (FileKind::Photo, file_name, bytes, "sendPhoto")
            }
            Attachment::Document { file_name, bytes } => {
                (FileKind::Document, file_name, bytes, "sendDocument")
            }
        };
        let caption = if reply.text.trim().is_empty() {
            None
        } else if telegram_len(&reply.text) <= CAPTION_LIMIT {
            Some(reply.text.clone())
        } else {
            // Too long for a caption: the words first, then the file on its own.
            self.send_text(chat, &reply.text, None).await?;
            None
        };
        let file = InputFile::memory(bytes.clone()).file_name(file_name.clone());
        self.call(call, || {
            self.transport
                .send_file(chat, kind, file.clone(), caption.clone(), keyboard.clone())
        })
        .await?;
        Ok(())
    }

    async fn send_text(
        &self,
        chat: ChatId,
        text: &str,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Result<(), DeliveryError> {
        let parts = split_html(text, MESSAGE_LIMIT);
        let last = parts.len().saturating_sub(1);
        for (index, part) in parts.into_iter().enumerate() {
            let keyboard = if index == last {
                keyboard.clone()
            } else {
                None
            };
            self.call("sendMessage", || {
                self.transport
                    .send_text(chat, part.clone(), keyboard.clone())
            })
            .await?;
        }
        Ok(())
    }

    /// Rewrites the message a button was on. A text too long for one message keeps its first
    /// part there and sends the rest; a message that can no longer be edited gets the new
    /// text as a new message.
    async fn edit(
        &self,
        chat: ChatId,
        message: ButtonMessage,
        edit: &Reply,
    ) -> Result<(), DeliveryError> {
        let limit = if message.is_caption {
            CAPTION_LIMIT
        } else {
            MESSAGE_LIMIT
        };
        let mut parts = split_html(&edit.text, limit);
        if parts.len() > 1 {
            let first = parts.remove(0);
            self.edit_in_place(chat, message, first, None).await?;
            let rest = Reply {
                text: parts.join("\n"),
                buttons: edit.buttons.clone(),
                attachment: None,
            };
            return self.send_reply(chat, &rest).await;
        }
        let text = parts.pop().unwrap_or_default();
        match self
            .edit_in_place(chat, message, text, keyboard(&edit.buttons))
            .await
        {
            Ok(()) => Ok(()),
            Err(DeliveryError::Failed {
                failure: Failure::NotModified,
                ..
            }) => Ok(()),
            Err(DeliveryError::Failed { reason, .. }) => {
                tracing::debug!(chat = chat.0, %reason, "edit refused; sending the text anew");
                self.send_reply(chat, edit).await
            }
            Err(blocked) => Err(blocked),
        }
    }

    async fn edit_in_place(
        &self,
        chat: ChatId,
        message: ButtonMessage,
        text: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Result<(), DeliveryError> {
        if message.is_caption {
            self.call("editMessageCaption", || {
                self.transport
                    .edit_caption(chat, message.id, text.clone(), keyboard.clone())
            })
            .await?;
        } else {
            self.call("editMessageText", || {
                self.transport
                    .edit_text(chat, message.id, text.clone(), keyboard.clone())
            })
            .await?;
        }
        Ok(())
    }

    /// Runs `attempt` until it succeeds or the retry policy gives up.
    pub(crate) async fn call<T>(
        &self,
        call: &'static str,
        mut attempt: impl FnMut() -> BoxFuture<'static, Result<T, RequestError>>,
    ) -> Result<T, DeliveryError> {
        let mut tries = 1;
        loop {
            let error = match attempt().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let wait = match &error {
                RequestError::RetryAfter(seconds) => {
                    Some(seconds.duration()).filter(|wait| *wait <= self.retry.longest_wait)
                }
                RequestError::Network(_) | RequestError::Io(_) => {
                    Some(jitter(self.retry.backoff(tries)))
                }
                _ => None,
            };
            match wait {
                Some(wait) if tries < self.retry.attempts => {
                    tracing::warn!(
                        call,
                        attempt = tries,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        reason = %describe(&error),
                        "a Bot API call failed; trying again"
                    );
                    tokio::time::sleep(wait).await;
                    tries += 1;
                }
                _ => return Err(failure(call, &error)),
            }
        }
    }
}

/// Marks `chat` active or inactive, if it has settings and they say otherwise. Returns
/// whether anything changed.
pub(crate) async fn set_active(
    store: &Store,
    chat: ChatId,
    active: bool,
) -> Result<bool, StoreError> {
    let changed = store
        .update_user(chat.0, |stored| {
            let mut settings = stored?;
            (settings.active != active).then(|| {
                settings.active = active;
                settings.updated_at = Utc::now();
                settings
            })
        })
        .await?
        .is_some();
    if changed {
        tracing::info!(chat = chat.0, active, "chat activity changed");
    }
    Ok(changed)
}

/// The engine's buttons as an inline keyboard; `None` when there are none.
pub(crate) fn keyboard(rows: &[Vec<Button>]) -> Option<InlineKeyboardMarkup> {
    let rows: Vec<Vec<InlineKeyboardButton>> = rows
        .iter()
        .map(|row| {
            row.iter()
                // Telegram refuses a whole message over one bad button; the engine keeps
                // its data short, and this keeps a slip from costing the message.
                .filter(|button| (1..=MAX_ACTION_BYTES).contains(&button.data.len()))
                .map(|button| InlineKeyboardButton::callback(&button.label, &button.data))
                .collect::<Vec<_>>()
        })
        .filter(|row| !row.is_empty())
        .collect();
    (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows))
}

/// Whether `error` says the chat is closed to the bot for good.
fn is_blocked(error: &RequestError) -> bool {
    match error {
        RequestError::Api(
            ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::BotKicked
            | ApiError::CantInitiateConversation,
        ) => true,
        RequestError::Api(ApiError::Unknown(description)) => {
            description.starts_with("Forbidden: bot was blocked")
        }
        _ => false,
    }
}

fn failure(call: &'static str, error: &RequestError) -> DeliveryError {
    if is_blocked(error) {
        return DeliveryError::Blocked;
    }
    let failure = match error {
        RequestError::Api(ApiError::MessageNotModified) => Failure::NotModified,
        RequestError::Api(ApiError::InvalidQueryId) => Failure::QueryExpired,
        _ => Failure::Other,
    };
    DeliveryError::Failed {
        call,
        failure,
        reason: describe(error),
    }
}

/// What went wrong, in words safe for the log: never the request URL (it holds the token),
/// never a response body (it may quote what someone wrote).
pub fn describe(error: &RequestError) -> String {
    match error {
        RequestError::Api(api) => format!("Telegram refused it ({api})"),
        RequestError::MigrateToChatId(_) => "the chat became a supergroup".to_string(),
        RequestError::RetryAfter(seconds) => {
            format!("flood control: retry after {} s", seconds.seconds())
        }
        RequestError::Network(network) => {
            let kind = if network.is_timeout() {
                "timed out"
            } else if network.is_connect() {
                "could not connect"
            } else if network.is_body() || network.is_decode() {
                "the response broke off"
            } else if network.is_request() {
                "the request failed"
            } else {
                "failed"
            };
            match network.status() {
                Some(status) => format!("network error: {kind} (HTTP {})", status.as_u16()),
                None => format!("network error: {kind}"),
            }
        }
        RequestError::InvalidJson { source, .. } => format!(
            "an unreadable response ({:?} at line {}, column {})",
            source.classify(),
            source.line(),
            source.column()
        ),
        RequestError::Io(io) => format!("I/O error: {}", io.kind()),
    }
}

/// `wait` plus up to a quarter more, so that many chats failing together do not retry in
/// lockstep.
fn jitter(wait: std::time::Duration) -> std::time::Duration {
    // A fresh RandomState is randomly keyed: its hash of nothing is a cheap random number.
    let random = RandomState::new().hash_one(());
    let quarter = wait / 4;
    let extra_nanos = u128::from(random) % quarter.as_nanos().max(1);
    wait + std::time::Duration::from_nanos(u64::try_from(extra_nanos).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn keyboards_keep_rows_and_drop_nothing_valid() {
        let rows = vec![
            vec![Button {
                label: "↩️ Undo".into(),
                data: "undo:abc".into(),
            }],
            vec![],
            vec![Button {
                label: "too long".into(),
                data: "x".repeat(65),
            }],
        ];
        let markup = keyboard(&rows).expect("one button");
        assert_eq!(markup.inline_keyboard.len(), 1);
        assert_eq!(markup.inline_keyboard[0][0].text, "↩️ Undo");
        assert!(keyboard(&[]).is_none());
    }

    #[test]
    fn blocked_means_blocked_and_other_refusals_do_not() {
        assert!(is_blocked(&RequestError::Api(ApiError::BotBlocked)));
        assert!(is_blocked(&RequestError::Api(ApiError::UserDeactivated)));
        assert!(!is_blocked(&RequestError::Api(
            ApiError::MessageNotModified
        )));
        assert!(!is_blocked(&RequestError::RetryAfter(
            teloxide::types::Seconds::from_seconds(3)
        )));
    }

    #[test]
    fn jitter_adds_at_most_a_quarter() {
        for _ in 0..100 {
            let waited = jitter(Duration::from_millis(400));
            assert!(waited >= Duration::from_millis(400) && waited < Duration::from_millis(500));
        }
    }
}

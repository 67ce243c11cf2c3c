//! The handler tree, in one place: which update goes where, and how each becomes an engine
//! input.
//!
//! ```text
//! update
//! ├─ message
//! │  ├─ not in a private chat  → say once that the bot works in private chats
//! │  ├─ /command (the menu's)  → engine, as text
//! │  ├─ text                   → engine: Input::Text
//! │  └─ anything else          → engine: Input::NonText (photo, sticker, voice, ...)
//! ├─ edited message (private, text) → engine: Input::Edited
//! ├─ callback query (button)   → engine: Input::Button; answer, then edit
//! ├─ my_chat_member            → blocked / unblocked: the chat's `active` flag; added to a
//! │                              group: say once that the bot works in private chats
//! └─ channel post              → say once that the bot works in private chats
//! ```
//!
//! Handlers never fail: a reply that cannot be delivered is logged where it fails (see
//! `delivery`) and the dispatcher goes on. Nothing from a group or channel is logged or
//! stored; what people write is logged at debug level only.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{ChatMemberUpdated, MaybeInaccessibleMessage, Me};

use super::commands::Command;
use super::delivery::{set_active, ButtonMessage, Delivery, DeliveryError, PressedButton};
use crate::chat::{Engine, Incoming, Input, NonText, Outcome, Reply};

/// What every handler needs; injected into the tree with `dptree::deps!`.
pub(crate) struct Gateway {
    engine: Engine,
    delivery: Delivery,
    /// Groups and channels already told that the bot works in private chats. In memory only:
    /// nothing about them is stored, so after a restart a group may hear it once more.
    told: Mutex<HashSet<ChatId>>,
}

/// How many groups are remembered as told before the memory starts afresh.
const MAX_TOLD: usize = 100_000;

type Handled = Result<(), Infallible>;

/// The handler tree.
pub(crate) fn schema() -> UpdateHandler<Infallible> {
    let messages = Update::filter_message()
        .branch(dptree::filter(|message: Message| !message.chat.is_private()).endpoint(not_private))
        .branch(
            dptree::entry()
                .filter_command::<Command>()
                .endpoint(on_command),
        )
        .branch(Message::filter_text().endpoint(on_text))
        .branch(dptree::endpoint(on_non_text));
    let edits = Update::filter_edited_message()
        .filter(|message: Message| message.chat.is_private())
        .endpoint(on_edited);
    dptree::entry()
        .branch(messages)
        .branch(edits)
        .branch(Update::filter_callback_query().endpoint(on_button))
        .branch(Update::filter_my_chat_member().endpoint(on_membership))
        .branch(Update::filter_channel_post().endpoint(not_private))
}

impl Gateway {
    pub(crate) fn new(engine: Engine, delivery: Delivery) -> Gateway {
        Gateway {
            engine,
            delivery,
            told: Mutex::new(HashSet::new()),
        }
    }

    /// Runs one input through the engine and delivers what it says.
    async fn converse(&self, chat: ChatId, incoming: Incoming, button: Option<PressedButton>) {
        let is_button = button.is_some();
        let engine = self.engine.clone();
        // On a task of its own, so that a panic in the engine costs this one answer: in the
        // dispatcher's worker it would end the worker and, with it, the dispatcher.
        let outcome = match tokio::spawn(async move { engine.handle(incoming).await }).await {
            Ok(outcome) => outcome,
            Err(error) => {
                tracing::error!(
                    chat = chat.0,
                    panicked = error.is_panic(),
                    "the engine failed on an input"
                );
                let sorry = "Sorry, something went wrong on my side. Please try again in a moment.";
                if is_button {
                    Outcome {
                        notice: Some(sorry.to_string()),
                        ..Outcome::default()
                    }
                } else {
                    Outcome {
                        replies: vec![Reply {
                            text: sorry.to_string(),
                            ..Reply::default()
                        }],
                        ..Outcome::default()
                    }
                }
            }
        };
        self.deliver(chat, outcome, button).await;
    }

    async fn deliver(&self, chat: ChatId, outcome: Outcome, button: Option<PressedButton>) {
        match self.delivery.deliver(chat, outcome, button).await {
            Ok(()) => {}
            Err(DeliveryError::Blocked) => {
                tracing::info!(
                    chat = chat.0,
                    "a reply could not be delivered: the person blocked the bot"
                );
            }
            Err(error) => tracing::warn!(chat = chat.0, %error, "a reply could not be delivered"),
        }
    }

    /// Someone who writes has not blocked the bot (an unblock may have gone unseen).
    async fn note_active(&self, chat: ChatId) {
        if let Err(error) = set_active(self.engine.store(), chat, true).await {
            tracing::error!(chat = chat.0, %error, "could not mark a chat active");
        }
    }

    /// Whether `chat` is to be told (true once per chat).
    fn first_time(&self, chat: ChatId) -> bool {
        // A poisoned lock only means another handler panicked mid-insert; the set is fine.
        let mut told = self
            .told
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if told.len() >= MAX_TOLD {
            told.clear();
        }
        told.insert(chat)
    }

    fn forget_told(&self, chat: ChatId) {
        let mut told = self
            .told
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        told.remove(&chat);
    }

    /// Tells a group or channel, once, that the bot works in private chats. Silent: nothing
    /// about the group is logged, and a failure to say it is nobody's loss.
    async fn tell_private_only(&self, chat: ChatId, me: &Me) {
        if !self.first_time(chat) {
            return;
        }
        let text = format!(
            "I work in private chats only, so that your food diary stays yours. \
             Open a chat with me: @{}",
            me.user.username.as_deref().unwrap_or("this bot")
        );
        let _ = self
            .delivery
            .call("sendMessage", || {
                self.delivery
                    .transport()
                    .send_text(chat, text.clone(), None)
            })
            .await;
    }
}

async fn not_private(message: Message, me: Me, gateway: Arc<Gateway>) -> Handled {
    gateway.tell_private_only(message.chat.id, &me).await;
    Ok(())
}

async fn on_command(message: Message, command: Command, gateway: Arc<Gateway>) -> Handled {
    // The engine reads the command from the text, so it is passed on whole.
    tracing::debug!(chat = message.chat.id.0, ?command, "command");
    on_text(
        message.clone(),
        message.text().unwrap_or_default().to_string(),
        gateway,
    )
    .await
}

async fn on_text(message: Message, text: String, gateway: Arc<Gateway>) -> Handled {
    let chat = message.chat.id;
    tracing::debug!(chat = chat.0, message = message.id.0, %text, "text message");
    gateway.note_active(chat).await;
    let incoming = Incoming {
        user: chat.0,
        at: message.date,
        input: Input::Text {
            message_id: message.id.0.into(),
            text,
        },
    };
    gateway.converse(chat, incoming, None).await;
    Ok(())
}

async fn on_non_text(message: Message, gateway: Arc<Gateway>) -> Handled {
    let chat = message.chat.id;
    let kind = non_text_kind(&message);
    tracing::debug!(chat = chat.0, ?kind, "message without text");
    gateway.note_active(chat).await;
    let incoming = Incoming {
        user: chat.0,
        at: message.date,
        input: Input::NonText(kind),
    };
    gateway.converse(chat, incoming, None).await;
    Ok(())
}

async fn on_edited(message: Message, gateway: Arc<Gateway>) -> Handled {
    // An edited caption (of a photo) is no meal the engine logged; it is left alone.
    let Some(text) = message.text() else {
        return Ok(());
    };
    let chat = message.chat.id;
    tracing::debug!(chat = chat.0, message = message.id.0, %text, "edited message");
    let incoming = Incoming {
        user: chat.0,
        // The original message's time: an edited meal keeps its day.
        at: message.date,
        input: Input::Edited {
            message_id: message.id.0.into(),
            text: text.to_string(),
        },
    };
    gateway.converse(chat, incoming, None).await;
    Ok(())
}

async fn on_button(query: CallbackQuery, gateway: Arc<Gateway>) -> Handled {
    let private_chat = query
        .message
        .as_ref()
        .map(MaybeInaccessibleMessage::chat)
        .filter(|chat| chat.is_private())
        .map(|chat| chat.id);
    let Some(chat) = private_chat else {
        // Not one of ours (an inline message, a group): answered, so the spinner stops.
        let expired = Outcome {
            notice: Some("That button has expired.".to_string()),
            ..Outcome::default()
        };
        let button = PressedButton {
            query: query.id,
            message: None,
        };
        let _ = gateway
            .delivery
            .deliver(ChatId::from(query.from.id), expired, Some(button))
            .await;
        return Ok(());
    };
    let data = query.data.clone().unwrap_or_default();
    tracing::debug!(chat = chat.0, %data, "button pressed");
    let message = query.regular_message().map(|message| ButtonMessage {
        id: message.id,
        // A photo or file (with a caption or without) has no text to edit.
        is_caption: message.text().is_none(),
    });
    let incoming = Incoming {
        user: chat.0,
        // A press carries no date of its own; it happens now.
        at: Utc::now(),
        input: Input::Button { data },
    };
    let button = PressedButton {
        query: query.id,
        message,
    };
    gateway.converse(chat, incoming, Some(button)).await;
    Ok(())
}

async fn on_membership(update: ChatMemberUpdated, me: Me, gateway: Arc<Gateway>) -> Handled {
    let chat = update.chat.id;
    if update.chat.is_private() {
        // Blocking the bot shows as the bot being banned from the private chat; unblocking
        // (Restart) as it becoming a member again.
        if update.new_chat_member.is_banned() || update.new_chat_member.is_left() {
            if let Err(error) = set_active(gateway.engine.store(), chat, false).await {
                tracing::error!(chat = chat.0, %error, "could not mark a chat inactive");
            }
        } else if update.new_chat_member.is_present() {
            gateway.note_active(chat).await;
        }
        return Ok(());
    }
    if update.new_chat_member.is_present() && !update.old_chat_member.is_present() {
        gateway.tell_private_only(chat, &me).await;
    } else if !update.new_chat_member.is_present() {
        // Removed: if it is added again, it is told again.
        gateway.forget_told(chat);
    }
    Ok(())
}

/// What a message without text holds, as the engine names it.
fn non_text_kind(message: &Message) -> NonText {
    if message.photo().is_some() {
        NonText::Photo
    } else if message.sticker().is_some() {
        NonText::Sticker
    } else if message.voice().is_some() || message.audio().is_some() {
        NonText::Voice
    } else if message.video().is_some()
        || message.video_note().is_some()
        || message.animation().is_some()
    {
        NonText::Video
    } else if message.document().is_some() {
        NonText::Document
    } else if message.location().is_some() || message.venue().is_some() {
        NonText::Location
    } else {
        NonText::Other
    }
}

//! The conversation engine: one input from a person (a message, a command, a button press,
//! an edit, a photo) in, the bot's replies out, with no idea which platform carries them.
//!
//! The Telegram adapter and the terminal console both drive [`Engine::handle`], so the
//! console speaks exactly as the bot does and every rule of the conversation is tested
//! without a network. Replies are Telegram-flavoured HTML (`<b>`, `<i>`, `<code>`) in which
//! every piece of the person's own text is escaped (see `html`); buttons carry short,
//! validated callback data (see `action`).
//!
//! Time comes in with each input (`Incoming::at`), never from the system clock, so days,
//! weeks and the 04:00 cutoff are tested at any instant.

mod action;
mod engine;
mod experiment;
mod export;
pub mod html;
mod meal_time;
pub(crate) mod render;
mod skin;
mod text;
mod week_cache;
mod zone_talk;

use chrono::{DateTime, Utc};

pub use action::{Action, MAX_ACTION_BYTES};
pub use engine::{Engine, MAX_TEXT_CHARS};

/// Something a person did in their chat with the bot.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    /// The chat (one person: the bot works in private chats).
    pub user: i64,
    /// When it happened: the message's time, or for an edit the time of the original message
    /// (an edited meal keeps the day it was first logged for).
    pub at: DateTime<Utc>,
    pub input: Input,
}

/// What the person sent.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A text message (a meal, a question, a command, a greeting, ...). `message_id` makes a
    /// redelivered message harmless: one message stores at most one entry.
    Text { message_id: i64, text: String },
    /// The person edited an earlier text message; a meal is read again and its entry updated.
    Edited { message_id: i64, text: String },
    /// The person pressed an inline button carrying `data`. The data comes from the client
    /// and may be forged: it is validated before anything changes.
    Button { data: String },
    /// A message without text the bot can read.
    NonText(NonText),
}

/// Kinds of message that carry no text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonText {
    Photo,
    Sticker,
    Voice,
    Video,
    Document,
    Location,
    Other,
}

/// Everything the bot does in answer to one input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// For a button press: the short notice shown as the press is acknowledged ("Saved").
    /// Telegram needs every callback query answered, with or without a notice.
    pub notice: Option<String>,
    /// For a button press: what the message carrying the button should now say.
    pub edit: Option<Reply>,
    /// New messages, in order.
    pub replies: Vec<Reply>,
}

impl Outcome {
    pub(crate) fn reply(reply: Reply) -> Outcome {
        Outcome {
            replies: vec![reply],
            ..Outcome::default()
        }
    }

    pub(crate) fn notice(text: impl Into<String>) -> Outcome {
        Outcome {
            notice: Some(text.into()),
            ..Outcome::default()
        }
    }
}

/// One message from the bot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    /// Telegram HTML: only `<b>`, `<i>` and `<code>` tags, everything else escaped.
    pub text: String,
    /// Rows of inline buttons.
    pub buttons: Vec<Vec<Button>>,
    pub attachment: Option<Attachment>,
}

impl Reply {
    pub(crate) fn text(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            ..Reply::default()
        }
    }

    pub(crate) fn with_buttons(mut self, buttons: Vec<Vec<Button>>) -> Reply {
        self.buttons = buttons;
        self
    }

    /// Every button's callback data, row by row.
    pub fn button_data(&self) -> impl Iterator<Item = &str> {
        self.buttons.iter().flatten().map(|b| b.data.as_str())
    }
}

/// An inline button: its label and the callback data it sends back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    /// At most [`MAX_ACTION_BYTES`] bytes (Telegram allows 64).
    pub data: String,
}

impl Button {
    pub(crate) fn new(label: impl Into<String>, action: &Action) -> Button {
        Button {
            label: label.into(),
            data: action.to_string(),
        }
    }
}

/// A file that goes with a reply; the reply's text is its caption.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attachment {
    /// A picture (PNG), sent as a photo.
    Photo { file_name: String, bytes: Vec<u8> },
    /// A file to download, such as the CSV of `/export`.
    Document { file_name: String, bytes: Vec<u8> },
}

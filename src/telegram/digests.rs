//! The daily digest's way out through Telegram: [`TelegramDigests`] is the digest's
//! [`Sender`] over the same [`Delivery`] that carries replies, so digests share its limits,
//! retries and its marking of people who blocked the bot.

use teloxide::types::ChatId;

use super::delivery::{Delivery, DeliveryError};
use crate::chat::Reply;
use crate::digest::{SendError, Sender};

/// Sends digests as Telegram messages.
#[derive(Clone)]
pub struct TelegramDigests {
    delivery: Delivery,
}

impl TelegramDigests {
    pub fn new(delivery: Delivery) -> TelegramDigests {
        TelegramDigests { delivery }
    }
}

impl Sender for TelegramDigests {
    async fn send(&self, chat: i64, reply: &Reply) -> Result<(), SendError> {
        match self.delivery.send_reply(ChatId(chat), reply).await {
            Ok(()) => Ok(()),
            Err(DeliveryError::Blocked) => Err(SendError::Blocked),
            // Its text names the call and the kind of failure, nothing personal.
            Err(error) => Err(SendError::Failed(error.to_string())),
        }
    }
}

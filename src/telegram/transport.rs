//! The few Bot API calls the adapter makes, behind one object-safe trait.
//!
//! teloxide's `Requester` is generic, and the bot is either a plain `Bot` or one wrapped in
//! `Throttle` (chosen at run time by the settings). Naming the calls once here, with every
//! message in HTML parse mode, lets the rest of the adapter hold an `Arc<dyn Transport>` and
//! stay free of generics; each call builds a fresh request, so a retry is just a second call.

use std::future::Future;
use std::pin::Pin;

use teloxide::payloads::setters::*;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, CallbackQueryId, InlineKeyboardMarkup, InputFile, Me, MessageId, ParseMode,
};
use teloxide::RequestError;

/// A call on its way: boxed, so that the trait stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How a file goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Photo,
    Document,
}

/// The Bot API calls the adapter makes. Text is Telegram HTML.
pub trait Transport: Send + Sync + 'static {
    fn get_me(&self) -> BoxFuture<'static, Result<Me, RequestError>>;

    fn set_commands(
        &self,
        commands: Vec<BotCommand>,
    ) -> BoxFuture<'static, Result<(), RequestError>>;

    fn send_text(
        &self,
        chat: ChatId,
        text: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> BoxFuture<'static, Result<Message, RequestError>>;

    fn send_file(
        &self,
        chat: ChatId,
        kind: FileKind,
        file: InputFile,
        caption: Option<String>,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> BoxFuture<'static, Result<Message, RequestError>>;

    fn edit_text(
        &self,
        chat: ChatId,
        message: MessageId,
        text: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> BoxFuture<'static, Result<Message, RequestError>>;

    fn edit_caption(
        &self,
        chat: ChatId,
        message: MessageId,
        caption: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> BoxFuture<'static, Result<Message, RequestError>>;

    fn answer_callback(
        &self,
        query: CallbackQueryId,
        notice: Option<String>,
    ) -> BoxFuture<'static, Result<(), RequestError>>;
}

impl<B> Transport for B
where
    B: Requester<Err = RequestError> + Send + Sync + 'static,
{
    fn get_me(&self) -> BoxFuture<'static, Result<Me, RequestError>> {
        Box::pin(Requester::get_me(self).send())
    }

    fn set_commands(
        &self,
        commands: Vec<BotCommand>,
    ) -> BoxFuture<'static, Result<(), RequestError>> {
        let sent = self.set_my_commands(commands).send();
        Box::pin(async move { sent.await.map(|_| ()) })
    }

    fn send_text(
        &self,
        chat: ChatId,
        text: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> BoxFuture<'static, Result<Message, RequestError>> {
        let mut request = self.send_message(chat, text).parse_mode(ParseMode::Html);
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard);
        }
        Box::pin(request.send())
    }

    fn send_file(
        &self,
        chat: ChatId,
        kind: FileKind,
        file: InputFile,
        caption: Option<String>,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> BoxFuture<'static, Result<Message, RequestError>> {
        match kind {
            FileKind::Photo => {
                let mut request = self.send_photo(chat, file).parse_mode(ParseMode::Html);
                if let Some(caption) = caption {
                    request = request.caption(caption);
                }
                if let Some(keyboard) = keyboard {
                    request = request.reply_markup(keyboard);
                }
                Box::pin(request.send())
            }
            FileKind::Document => {
                let mut request = self.send_document(chat, file).parse_mode(ParseMode::Html);
                if let Some(caption) = caption {
                    request = request.caption(caption);
                }
                if let Some(keyboard) = keyboard {
                    request = request.reply_markup(keyboard);
                }
                Box::pin(request.send())
            }
        }
    }

    fn edit_text(
        &self,
        chat: ChatId,
        message: MessageId,
        text: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> BoxFuture<'static, Result<Message, RequestError>> {
        // Without a keyboard the old buttons go: a pressed Undo must not be pressed twice.
        let mut request = self
            .edit_message_text(chat, message, text)
            .parse_mode(ParseMode::Html);
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard);
        }
        Box::pin(request.send())
    }

    fn edit_caption(
        &self,
        chat: ChatId,
        message: MessageId,
        caption: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> BoxFuture<'static, Result<Message, RequestError>> {
        let mut request = self
            .edit_message_caption(chat, message)
            .caption(caption)
            .parse_mode(ParseMode::Html);
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard);
        }
        Box::pin(request.send())
    }

    fn answer_callback(
        &self,
        query: CallbackQueryId,
        notice: Option<String>,
    ) -> BoxFuture<'static, Result<(), RequestError>> {
        let mut request = self.answer_callback_query(query);
        if let Some(notice) = notice {
            request = request.text(notice);
        }
        let sent = request.send();
        Box::pin(async move { sent.await.map(|_| ()) })
    }
}

//! The Telegram adapter: carries the conversation engine over the Bot API with teloxide.
//!
//! It is thin on purpose. Updates become engine inputs (`handlers`, the whole handler tree
//! in one place); the engine's answers become Bot API calls (`delivery`), cut to Telegram's
//! sizes (`split`), within its rate limits (teloxide's `Throttle`, configured in
//! `settings`), retried when the network or Telegram's flood control says so. It knows
//! nothing of meals or scores, and the engine knows nothing of Telegram.
//!
//! [`run`] serves until its `shutdown` future resolves, by long polling or behind a webhook
//! ([`Mode`]), and runs the daily digest beside it (`digest`, sent through
//! [`TelegramDigests`]) unless the settings turn it off. On shutdown it stops taking updates,
//! lets the ones in flight finish (each write is durable before its reply is sent, see
//! `store`), stops the digest after the ones under way, flushes the database and returns.
//! It owns the [`Engine`] it is given and drops it on the way out; when no other clone of
//! its `Store` is left, sled closes the database.
//!
//! The bot token lives only inside teloxide's `Bot`, which is never logged; teloxide keeps
//! it out of its own error messages, and ours describe failures by kind (see
//! [`describe`]).

mod commands;
mod delivery;
mod digests;
mod handlers;
mod settings;
mod split;
mod transport;

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use teloxide::adaptors::Throttle;
use teloxide::dispatching::ShutdownToken;
use teloxide::prelude::*;
use teloxide::update_listeners::{webhooks, Polling};
use teloxide::RequestError;
use url::Url;

pub use commands::Command;
pub use delivery::{describe, ButtonMessage, Delivery, DeliveryError, Failure, PressedButton};
pub use digests::TelegramDigests;
pub use settings::{RetryPolicy, SettingsError, TelegramSettings, ENV_PREFIX};
pub use split::{split_html, telegram_len, CAPTION_LIMIT, MESSAGE_LIMIT};
pub use transport::{FileKind, Transport};

use crate::chat::Engine;
use crate::digest::{self, DigestConfig, DigestError, DigestTask, SystemClock};
use handlers::Gateway;

/// How many workers handle updates. Each chat always goes to the same worker, so one person's
/// inputs are handled in order (the engine relies on it), while other chats go on in
/// parallel; 32 at a time keep the store's group commit busy. teloxide's default, a worker
/// per chat, keeps up to one worker per person who wrote during a burst, each with a
/// 60 kB queue: 10,000 people writing at once would hold over half a gigabyte.
const WORKERS: i64 = 32;

/// Updates waiting for one worker. With [`WORKERS`], this bounds the updates held in memory
/// (a burst after downtime arrives all at once); the dispatcher waits when a queue is full.
const WORKER_QUEUE: usize = 8;

/// Idle connections kept open to the Bot API. Sends are limited to about 30 a second, so a
/// few suffice; without a bound, a burst leaves one open (with its buffers) per concurrent
/// send.
const IDLE_CONNECTIONS: usize = 8;

/// The header Telegram sends the webhook's secret token in.
pub const SECRET_TOKEN_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

/// How updates arrive.
pub enum Mode {
    /// The bot asks Telegram for updates (`getUpdates`); works anywhere, no public address.
    Polling,
    /// Telegram posts updates to a public HTTPS address that reaches `listener`.
    Webhook(Webhook),
}

/// A webhook: where Telegram posts, where we listen, and the secret Telegram proves itself
/// with.
pub struct Webhook {
    /// The public URL given to Telegram (`setWebhook`); its path is the path served.
    pub url: Url,
    /// Where the webhook server listens (bound by the caller, so a busy port fails early).
    pub listener: tokio::net::TcpListener,
    /// The secret token Telegram must send in [`SECRET_TOKEN_HEADER`] (1-256 characters of
    /// `A-Z a-z 0-9 _ -`); a random one when `None`. Requests without it are refused (401).
    pub secret_token: Option<String>,
}

/// Why the bot could not run.
#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    /// The HTTP client could not be built (a bad `TELOXIDE_PROXY`; its value is not shown,
    /// since a proxy URL may hold a password).
    #[error("cannot build the HTTP client for the Bot API (is TELOXIDE_PROXY a valid URL?)")]
    Client,
    /// `getMe` failed: a wrong token (Telegram answers "Unauthorized"), or no network.
    #[error("Telegram did not accept the bot: {0}")]
    Startup(String),
    #[error("could not set the webhook: {0}")]
    Webhook(String),
    #[error("the webhook secret token must be 1-256 characters of A-Z, a-z, 0-9, _ and -")]
    SecretToken,
    #[error("the webhook server failed: {0}")]
    Server(#[from] std::io::Error),
    #[error("the daily digest failed: {0}")]
    Digest(#[from] DigestError),
}

/// The bot for `token`: teloxide's HTTP client settings (and `TELOXIDE_PROXY`, as teloxide
/// reads it) with a bounded pool of idle connections, talking to `api_url` if given, else
/// to Telegram.
pub fn bot(token: String, api_url: Option<Url>) -> Result<Bot, TelegramError> {
    let mut client = teloxide::net::default_reqwest_settings()
        .pool_max_idle_per_host(IDLE_CONNECTIONS)
        .pool_idle_timeout(Duration::from_secs(60));
    if let Ok(proxy) = std::env::var("TELOXIDE_PROXY") {
        let proxy = reqwest::Proxy::all(proxy).map_err(|_| TelegramError::Client)?;
        client = client.proxy(proxy);
    }
    let client = client.build().map_err(|_| TelegramError::Client)?;
    let bot = Bot::with_client(token, client);
    Ok(match api_url {
        Some(api_url) => bot.set_api_url(api_url),
        None => bot,
    })
}

/// Serves the bot until `shutdown` resolves (or the update source ends), then returns once
/// the updates in flight are handled.
pub async fn run(
    bot: Bot,
    engine: Engine,
    settings: &TelegramSettings,
    mode: Mode,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), TelegramError> {
    match settings.throttle {
        Some(limits) => {
            serve(
                Throttle::new_spawn(bot, limits),
                engine,
                settings,
                mode,
                shutdown,
            )
            .await
        }
        None => serve(bot, engine, settings, mode, shutdown).await,
    }
}

async fn serve<R>(
    bot: R,
    engine: Engine,
    settings: &TelegramSettings,
    mode: Mode,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), TelegramError>
where
    R: Requester<Err = RequestError> + Clone + Send + Sync + 'static,
    R::GetUpdates: Send,
    R::DeleteWebhook: Send,
{
    let delivery = Delivery::new(
        Arc::new(bot.clone()),
        engine.store().clone(),
        settings.retry,
    );
    // Proves the token before anything else starts, with retries for a flaky network.
    let me = delivery
        .call("getMe", || delivery.transport().get_me())
        .await
        .map_err(|error| TelegramError::Startup(error.to_string()))?;
    tracing::info!(
        bot = me.user.username.as_deref().unwrap_or(""),
        throttle = settings.throttle.is_some(),
        "connected to Telegram"
    );
    if let Err(error) = delivery
        .call("setMyCommands", || {
            delivery.transport().set_commands(Command::menu())
        })
        .await
    {
        tracing::warn!(%error, "could not set the command menu; the bot runs without it");
    }
    let (engine, digests) = start_digests(engine, settings, &delivery)?;
    let gateway = Arc::new(Gateway::new(engine.clone(), delivery));
    let mut dispatcher = Dispatcher::builder(bot.clone(), handlers::schema())
        .dependencies(dptree::deps![gateway])
        // Other updates (polls, inline queries, ...) are not for this bot. teloxide's default
        // would log them whole, with whatever people wrote.
        .default_handler(|_| async {})
        .distribution_function(worker_of)
        .worker_queue_size(WORKER_QUEUE)
        .build();
    let stopper = tokio::spawn(stop_on(shutdown, dispatcher.shutdown_token()));
    let dispatched = match mode {
        Mode::Polling => {
            let listener = Polling::builder(bot)
                .timeout(settings.polling_timeout)
                .delete_webhook()
                .await
                .build();
            let on_error = Arc::new(|error: RequestError| async move {
                tracing::warn!(reason = %describe(&error), "getUpdates failed; trying again");
            });
            Ok(dispatcher
                .try_dispatch_with_listener(listener, on_error)
                .await)
        }
        Mode::Webhook(webhook) => serve_webhook(bot, &mut dispatcher, webhook).await,
    };
    stopper.abort();
    // Whatever ended the dispatcher, the digest stops and what was written is made durable.
    let digests_stopped = match digests {
        Some(digests) => digests.stop().await,
        None => Ok(()),
    };
    let flushed = engine.store().flush().await;
    dispatched?.map_err(|error| TelegramError::Startup(describe(&error)))?;
    tracing::info!("stopped taking updates; the ones in flight are done");
    digests_stopped?;
    if let Err(error) = flushed {
        tracing::error!(%error, "could not flush the database on the way out");
    }
    Ok(())
}

/// Starts the daily digest, if the settings want it, on `engine`'s store; returns the engine
/// that tells the digest about settings changes (use it for everything else).
fn start_digests(
    engine: Engine,
    settings: &TelegramSettings,
    delivery: &Delivery,
) -> Result<(Engine, Option<DigestTask>), TelegramError> {
    let Some(rate) = settings.digests else {
        tracing::info!("daily digests are off");
        return Ok((engine, None));
    };
    let (changes, changed) = tokio::sync::mpsc::unbounded_channel();
    let engine = engine.with_settings_listener(changes);
    let config = DigestConfig {
        messages_per_second: Some(rate),
        ..DigestConfig::default()
    };
    let task = digest::spawn(
        engine.clone(),
        changed,
        TelegramDigests::new(delivery.clone()),
        SystemClock,
        config,
    )?;
    Ok((engine, Some(task)))
}

async fn serve_webhook<R>(
    bot: R,
    dispatcher: &mut Dispatcher<R, Infallible, i64>,
    webhook: Webhook,
) -> Result<Result<(), RequestError>, TelegramError>
where
    R: Requester<Err = RequestError> + Clone + Send + Sync + 'static,
    R::DeleteWebhook: Send,
{
    let Webhook {
        url,
        listener,
        secret_token,
    } = webhook;
    let mut options = webhooks::Options::new(listener.local_addr()?, url);
    if let Some(secret) = secret_token {
        // teloxide panics on a bad token; refuse it with an error instead.
        if !is_valid_secret(&secret) {
            return Err(TelegramError::SecretToken);
        }
        options = options.secret_token(secret);
    }
    let (updates, stopped, router) = webhooks::axum_to_router(bot, options)
        .await
        .map_err(|error| TelegramError::Webhook(describe(&error)))?;
    // `stopped` resolves when the dispatcher stops the listener, after teloxide has deleted
    // the webhook; the server then finishes the requests it has and ends.
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(stopped)
            .await
    });
    let on_error = Arc::new(|never: Infallible| async move { match never {} });
    let dispatched = dispatcher
        .try_dispatch_with_listener(updates, on_error)
        .await;
    if dispatched.is_err() {
        // The listener never started, so it will never stop the server.
        server.abort();
        return Ok(dispatched);
    }
    match server.await {
        Ok(served) => served?,
        Err(error) if error.is_cancelled() => {}
        Err(error) => tracing::error!(%error, "the webhook server ended abnormally"),
    }
    Ok(dispatched)
}

/// The worker that handles `update`: its chat's. An update without a chat (an inline
/// query, say) goes to the shared worker that handles such updates concurrently.
fn worker_of(update: &Update) -> Option<i64> {
    update.chat().map(|chat| chat.id.0.rem_euclid(WORKERS))
}

/// Waits for `shutdown`, then stops the dispatcher and waits until it has finished.
async fn stop_on(shutdown: impl Future<Output = ()>, token: ShutdownToken) {
    shutdown.await;
    tracing::info!("shutting down: finishing the updates in flight");
    // The dispatcher may still be starting (its own getMe); it can be stopped once running.
    loop {
        match token.shutdown() {
            Ok(finished) => return finished.await,
            Err(_still_starting) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Telegram's rule for a webhook secret token.
pub fn is_valid_secret(secret: &str) -> bool {
    (1..=256).contains(&secret.len())
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A future that resolves on SIGINT (Ctrl-C) or SIGTERM (`docker stop`), for [`run`].
pub async fn termination_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot watch for SIGTERM; only Ctrl-C stops the bot");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_tokens_follow_telegrams_rule() {
        assert!(is_valid_secret("abc_DEF-123"));
        assert!(!is_valid_secret(""));
        assert!(!is_valid_secret("has space"));
        assert!(!is_valid_secret(&"a".repeat(257)));
    }
}

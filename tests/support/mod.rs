//! Shared by the Telegram end-to-end tests: the fake Bot API (`fake_telegram`) and the real
//! bot, on a fresh sled database in a temporary directory, talking to it over loopback.

#![allow(dead_code)]

pub mod fake_telegram;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use gutskin::chat::Engine;
use gutskin::diary::DiaryConfig;
use gutskin::food::Lexicon;
use gutskin::knowledge::KnowledgeBase;
use gutskin::store::Store;
use gutskin::telegram::{self, Mode, TelegramError, TelegramSettings};
use tokio::sync::oneshot;

use fake_telegram::FakeTelegram;

/// How long a test waits for something that should take milliseconds: generous, because
/// the machine running the tests may be busy.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The lexicon, knowledge base and diary settings, loaded once per test binary.
fn domain() -> &'static (Arc<Lexicon>, Arc<KnowledgeBase>, Arc<DiaryConfig>) {
    static DOMAIN: OnceLock<(Arc<Lexicon>, Arc<KnowledgeBase>, Arc<DiaryConfig>)> = OnceLock::new();
    DOMAIN.get_or_init(|| {
        (
            Arc::new(Lexicon::builtin().expect("the built-in lexicon")),
            Arc::new(KnowledgeBase::builtin().expect("the built-in knowledge base")),
            Arc::new(DiaryConfig::builtin().expect("the built-in diary settings")),
        )
    })
}

/// The built-in settings with some environment overrides (`GUTSKIN_*` names).
pub fn settings(overrides: &[(&str, &str)]) -> TelegramSettings {
    let overrides: Vec<(String, String)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    TelegramSettings::from_toml(
        include_str!("../../config/telegram.toml"),
        move |name: &str| {
            overrides
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        },
    )
    .expect("valid test settings")
}

/// Settings for tests that check behaviour rather than rate limits: Throttle lifted (it
/// holds every send up to 250 ms and one a second per chat), short retries and polls.
pub fn quick_settings() -> TelegramSettings {
    settings(&[
        ("GUTSKIN_THROTTLE", "false"),
        ("GUTSKIN_FIRST_RETRY_DELAY_MS", "50"),
        ("GUTSKIN_POLLING_TIMEOUT_SECS", "2"),
    ])
}

/// The bot, running against a fake Bot API on its own database.
pub struct RunningBot {
    pub fake: FakeTelegram,
    /// The bot's database (a clone shares it), for checking what was stored.
    pub store: Store,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), TelegramError>>,
    _dir: tempfile::TempDir,
}

impl RunningBot {
    /// Starts the bot by long polling with `settings`.
    pub async fn start(settings: TelegramSettings) -> RunningBot {
        let fake = FakeTelegram::start().await;
        let bot = fake.bot();
        RunningBot::start_with(fake, bot, settings, Mode::Polling).await
    }

    /// Starts the bot with `bot` (teloxide's, pointed at `fake`) in `mode`.
    pub async fn start_with(
        fake: FakeTelegram,
        bot: teloxide::Bot,
        settings: TelegramSettings,
        mode: Mode,
    ) -> RunningBot {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = Store::open(dir.path().join("db")).expect("a fresh database");
        RunningBot::start_on(fake, bot, settings, mode, dir, store)
    }

    /// Starts the bot on `store` (in `dir`), which the test may have filled beforehand.
    pub fn start_on(
        fake: FakeTelegram,
        bot: teloxide::Bot,
        settings: TelegramSettings,
        mode: Mode,
        dir: tempfile::TempDir,
        store: Store,
    ) -> RunningBot {
        let (lexicon, knowledge, diary) = domain().clone();
        let engine = Engine::new(lexicon, knowledge, diary, store.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            telegram::run(bot, engine, &settings, mode, async {
                let _ = stopped.await;
            })
            .await
        });
        RunningBot {
            fake,
            store,
            stop: Some(stop),
            task,
            _dir: dir,
        }
    }

    /// Sends `text` from `chat` and waits for the bot's first new message to that chat.
    pub async fn say(&self, chat: i64, message_id: i64, text: &str) -> fake_telegram::Call {
        let before = self.fake.sent_to(chat).len();
        self.fake
            .push_update(fake_telegram::text_message(chat, message_id, text));
        self.nth_sent(chat, before).await
    }

    /// Waits for the `index`th (0-based) successful send or edit to `chat`.
    pub async fn nth_sent(&self, chat: i64, index: usize) -> fake_telegram::Call {
        let calls = self
            .fake
            .wait_for(PATIENCE, |calls| {
                calls
                    .iter()
                    .filter(|c| c.ok() && c.chat() == Some(chat) && c.message_id.is_some())
                    .count()
                    > index
            })
            .await;
        calls
            .into_iter()
            .filter(|c| c.ok() && c.chat() == Some(chat) && c.message_id.is_some())
            .nth(index)
            .expect("waited for it")
    }

    /// Asks the bot to shut down and waits until it has; fails the test if `run` failed.
    /// The database stays open in `store`.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let finished = tokio::time::timeout(PATIENCE, &mut self.task)
            .await
            .expect("the bot stops within the patience");
        finished
            .expect("the bot's task did not panic")
            .expect("the bot ran without error");
    }
}

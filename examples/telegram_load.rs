//! Load test of the Telegram bot, end to end through teloxide, against a fake Bot API on
//! loopback (`tests/support/fake_telegram.rs`), with many simulated users logging meals.
//!
//! ```text
//! cargo run --release --example telegram_load                 # throughput, then latency
//! cargo run --release --example telegram_load -- --users 2000 --burst 40000 --rate 500 --seconds 20
//! cargo build --release && cargo run --release --example telegram_load -- idle --users 10000
//! ```
//!
//! - Throughput: `--burst` meal updates queued at once, spread over `--users` chats; the
//!   rate is updates over the time from the first queued to the last reply received.
//!   Target: at least 2,000 updates/s.
//! - Latency: meal updates queued at a steady `--rate` for `--seconds`; each one's time from
//!   being queued at the fake server to its reply arriving there. Target: p99 at most 50 ms
//!   at 500 updates/s.
//! - `idle`: a database with `--users` people (settings and a few meals each), the release
//!   binary `gutskin run` started on it against the fake, a few updates, then quiet; its
//!   resident memory (VmRSS) after `--settle` seconds. Target: at most 50 MB with 10,000.
//!
//! Throttle is lifted (`GUTSKIN_THROTTLE=false`): Telegram's own limits (30 messages a
//! second) would make this a test of the limit, not of the bot. Every meal is a real engine
//! call with a durable sled write. Exits with status 1 when a target is missed.

#[path = "../tests/support/fake_telegram.rs"]
mod fake_telegram;

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::Utc;
use clap::{Parser, Subcommand};
use gutskin::chat::Engine;
use gutskin::diary::{DiaryConfig, Entry};
use gutskin::food::Lexicon;
use gutskin::knowledge::KnowledgeBase;
use gutskin::store::{Store, UserSettings};
use gutskin::telegram::{self, Mode, TelegramSettings};
use tokio::sync::{mpsc, oneshot};

use fake_telegram::{text_message, Call, FakeTelegram, TOKEN};

const MEALS: [&str; 8] = [
    "porridge with blueberries and kefir",
    "salmon, rice and broccoli",
    "2 beers and a burger",
    "lentil soup with olive oil and bread",
    "greek yoghurt with walnuts and honey",
    "chicken salad with tomatoes and avocado",
    "pizza and a coke",
    "miso soup, tofu and green tea",
];

#[derive(Parser)]
#[command(about = "Load test of the Telegram bot against a fake Bot API on loopback.")]
struct Options {
    #[command(subcommand)]
    idle: Option<Idle>,
    /// Simulated people.
    #[arg(long, default_value_t = 1_000)]
    users: i64,
    /// Meal updates queued at once for the throughput run.
    #[arg(long, default_value_t = 20_000)]
    burst: usize,
    /// Updates a second for the latency run.
    #[arg(long, default_value_t = 500)]
    rate: u64,
    /// How long the latency run lasts.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
}

#[derive(Subcommand)]
enum Idle {
    /// Measure the release binary's resident memory, idle, on a database of `--users` people.
    Idle {
        #[arg(long, default_value_t = 10_000)]
        users: i64,
        /// Meals stored for each person.
        #[arg(long, default_value_t = 5)]
        meals: u32,
        /// The binary to run.
        #[arg(long, default_value = "target/release/gutskin")]
        bin: PathBuf,
        /// Seconds of quiet before measuring.
        #[arg(long, default_value_t = 10)]
        settle: u64,
        /// Build the database here and keep it (a directory that exists is used as it is).
        #[arg(long)]
        keep_db: Option<PathBuf>,
        /// Meal updates sent before the quiet, spread over everyone (a bot after a busy
        /// day: sled's cache has warmed).
        #[arg(long, default_value_t = 20)]
        traffic: i64,
    },
}

fn main() -> Result<()> {
    let options = Options::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let met = match options.idle {
        Some(Idle::Idle {
            users,
            meals,
            bin,
            settle,
            keep_db,
            traffic,
        }) => runtime.block_on(idle_memory(
            users,
            meals,
            bin,
            Duration::from_secs(settle),
            keep_db,
            traffic,
        ))?,
        None => runtime.block_on(throughput_and_latency(&options))?,
    };
    if !met {
        std::process::exit(1);
    }
    Ok(())
}

/// The replies to each chat, matched in order with when their updates were queued.
struct Timings {
    queued: HashMap<i64, VecDeque<Instant>>,
    replies: mpsc::UnboundedReceiver<Call>,
}

impl Timings {
    fn queue(&mut self, fake: &FakeTelegram, chat: i64, message_id: i64, text: &str) {
        // Stamped just before queuing: the update exists for the bot from this instant.
        self.queued
            .entry(chat)
            .or_default()
            .push_back(Instant::now());
        fake.push_update(text_message(chat, message_id, text));
    }

    /// Waits for `count` replies; returns each one's update-to-reply time.
    async fn collect(&mut self, count: usize) -> Result<Vec<Duration>> {
        let mut latencies = Vec::with_capacity(count);
        while latencies.len() < count {
            let call = tokio::time::timeout(Duration::from_secs(60), self.replies.recv())
                .await
                .context("no reply for 60 s")?
                .context("the fake stopped")?;
            if !call.is("sendMessage") {
                continue;
            }
            if !call.ok() {
                bail!("a send was refused ({}): {}", call.status, call.text());
            }
            if !call.text().contains("Logged") {
                bail!("not a meal confirmation: {}", call.text());
            }
            let chat = call.chat().context("a reply without a chat")?;
            let queued = self
                .queued
                .get_mut(&chat)
                .and_then(VecDeque::pop_front)
                .context("a reply nobody asked for")?;
            latencies.push(call.at.saturating_duration_since(queued));
        }
        Ok(latencies)
    }
}

async fn throughput_and_latency(options: &Options) -> Result<bool> {
    let fake = FakeTelegram::start().await;
    fake.stop_recording();
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path().join("db"))?;
    let engine = Engine::new(
        Arc::new(Lexicon::builtin()?),
        Arc::new(KnowledgeBase::builtin()?),
        Arc::new(DiaryConfig::builtin()?),
        store,
    );
    let settings = TelegramSettings::from_toml(include_str!("../config/telegram.toml"), |name| {
        (name == "GUTSKIN_THROTTLE").then(|| "false".to_string())
    })?;
    let mut timings = Timings {
        queued: HashMap::new(),
        replies: fake.listen(),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let bot = fake.bot();
    let running = tokio::spawn(async move {
        telegram::run(bot, engine, &settings, Mode::Polling, async {
            let _ = stopped.await;
        })
        .await
    });

    let users = options.users.max(1);
    let mut message_ids: HashMap<i64, i64> = HashMap::new();
    let mut next_update = |chat: i64| {
        let id = message_ids.entry(chat).or_insert(0);
        *id += 1;
        (*id, MEALS[(*id as usize + chat as usize) % MEALS.len()])
    };

    // Warm-up: everyone's first meal (which also stores their settings).
    for chat in 1..=users {
        let (message_id, text) = next_update(chat);
        timings.queue(&fake, chat, message_id, text);
    }
    timings.collect(users as usize).await?;

    // Throughput: a burst, as fast as the bot takes it.
    let started = Instant::now();
    for index in 0..options.burst {
        let chat = 1 + (index as i64 % users);
        let (message_id, text) = next_update(chat);
        timings.queue(&fake, chat, message_id, text);
    }
    timings.collect(options.burst).await?;
    let elapsed = started.elapsed();
    let throughput = options.burst as f64 / elapsed.as_secs_f64();

    // Latency: a steady rate.
    let total = (options.rate * options.seconds) as usize;
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / options.rate as f64));
    // Queued and collected at once here, so the collecting runs in a task of its own.
    let Timings {
        replies: mut replies_rx,
        ..
    } = timings;
    let (queued_tx, mut queued_rx) = mpsc::unbounded_channel::<(i64, Instant)>();
    let collector = tokio::spawn(async move {
        let mut queued: HashMap<i64, VecDeque<Instant>> = HashMap::new();
        let mut latencies = Vec::with_capacity(total);
        while latencies.len() < total {
            tokio::select! {
                Some((chat, at)) = queued_rx.recv() => queued.entry(chat).or_default().push_back(at),
                Some(call) = replies_rx.recv() => {
                    if !(call.is("sendMessage") && call.ok()) {
                        continue;
                    }
                    // The queue message for this chat was sent before its update.
                    while let Ok((chat, at)) = queued_rx.try_recv() {
                        queued.entry(chat).or_default().push_back(at);
                    }
                    let Some(chat) = call.chat() else { continue };
                    if let Some(at) = queued.get_mut(&chat).and_then(VecDeque::pop_front) {
                        latencies.push(call.at.saturating_duration_since(at));
                    }
                }
                else => break,
            }
        }
        latencies
    });
    for index in 0..total {
        ticker.tick().await;
        let chat = 1 + (index as i64 % users);
        let (message_id, text) = next_update(chat);
        let _ = queued_tx.send((chat, Instant::now()));
        fake.push_update(text_message(chat, message_id, text));
    }
    let mut latencies = tokio::time::timeout(Duration::from_secs(120), collector)
        .await
        .context("the latency run did not finish")??;
    latencies.sort();
    let percentile = |p: f64| {
        let at = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[at]
    };
    let (p50, p99, max) = (percentile(0.50), percentile(0.99), percentile(1.0));

    let _ = stop.send(());
    running.await??;

    let throughput_met = throughput >= 2_000.0;
    let latency_met = p99 <= Duration::from_millis(50);
    println!(
        "throughput: {} meal updates in {:.2} s = {:.0} updates/s ({} users) [target >= 2000: {}]",
        options.burst,
        elapsed.as_secs_f64(),
        throughput,
        users,
        verdict(throughput_met)
    );
    println!(
        "latency at {}/s for {} s ({} updates): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms [target p99 <= 50 ms: {}]",
        options.rate,
        options.seconds,
        latencies.len(),
        millis(p50),
        millis(p99),
        millis(max),
        verdict(latency_met)
    );
    Ok(throughput_met && latency_met)
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

async fn idle_memory(
    users: i64,
    meals: u32,
    bin: PathBuf,
    settle: Duration,
    keep_db: Option<PathBuf>,
    traffic: i64,
) -> Result<bool> {
    if !bin.exists() {
        bail!(
            "{} is missing: run `cargo build --release` first",
            bin.display()
        );
    }
    let dir = tempfile::tempdir()?;
    let reuse = keep_db.as_ref().is_some_and(|path| path.exists());
    let db = keep_db.unwrap_or_else(|| dir.path().join("db"));
    let lexicon = Lexicon::builtin()?;
    if reuse {
        println!("database: reusing {}", db.display());
    } else {
        let store = Store::open(&db)?;
        let started = Instant::now();
        let now = Utc::now();
        let mut tasks = tokio::task::JoinSet::new();
        let meals_parsed: Vec<_> = MEALS
            .iter()
            .map(|text| (text, lexicon.parse(text)))
            .collect();
        let entries: Arc<Vec<(String, Entry)>> = Arc::new(
            (0..meals)
                .map(|day| {
                    let (text, meal) = &meals_parsed[day as usize % meals_parsed.len()];
                    let at = now - chrono::Duration::days(i64::from(day));
                    let local_day = at.date_naive();
                    (
                        text.to_string(),
                        Entry::from_meal(meal, **text, at, local_day),
                    )
                })
                .collect(),
        );
        for chunk_start in (1..=users).step_by(250) {
            let store = store.clone();
            let entries = Arc::clone(&entries);
            tasks.spawn(async move {
                for user in chunk_start..(chunk_start + 250).min(users + 1) {
                    let mut settings = UserSettings::new(user, chrono_tz::Europe::Berlin, now);
                    settings.digest_at = chrono::NaiveTime::from_hms_opt(21, 0, 0);
                    store.save_user(&settings).await?;
                    for (index, (_, entry)) in entries.iter().enumerate() {
                        store.log_meal(user, index as i64 + 1, entry).await?;
                    }
                }
                anyhow::Ok(())
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        println!(
            "database: {users} users, {} meals, {:.1} MB on disk, built in {:.1} s",
            users * i64::from(meals),
            store.size_on_disk()? as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
    }

    let fake = FakeTelegram::start().await;
    let mut command = std::process::Command::new(&bin);
    command
        .args(["run", "--db"])
        .arg(&db)
        .arg("--api-url")
        .arg(fake.url().as_str())
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null());
    if traffic > 100 {
        // Telegram's 30 messages a second would make the traffic take minutes.
        command.env("GUTSKIN_THROTTLE", "false");
    }
    let mut child = KillOnDrop(
        command
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?,
    );
    fake.wait_for(Duration::from_secs(60), |calls| {
        calls.iter().any(|c| c.is("getMe"))
    })
    .await;
    // Traffic first, as a bot that has been used; then quiet.
    fake.stop_recording();
    let mut replies = fake.listen();
    for index in 0..traffic {
        let user = 1 + index % users.max(1);
        let message_id = 1_000 + index / users.max(1);
        fake.push_update(text_message(
            user,
            message_id,
            MEALS[index as usize % MEALS.len()],
        ));
    }
    let mut answered = 0;
    while answered < traffic {
        let call = tokio::time::timeout(Duration::from_secs(60), replies.recv())
            .await
            .context("no reply for 60 s")?
            .context("the fake stopped")?;
        if call.is("sendMessage") && call.ok() {
            answered += 1;
        }
    }
    tokio::time::sleep(settle).await;
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.0.id()))
        .context("reading /proc (Linux only)")?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    };
    let rss = field("VmRSS:").context("no VmRSS")?;
    let peak = field("VmHWM:").unwrap_or(rss);
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status();
    let exit = child.0.wait()?;
    let met = rss <= 50.0;
    println!(
        "idle memory of {} with {users} users, after {traffic} meal updates: {rss:.1} MB resident (peak {peak:.1} MB) after {} s quiet [target <= 50 MB: {}]; exit on SIGTERM: {exit}",
        bin.display(),
        settle.as_secs(),
        verdict(met)
    );
    Ok(met)
}

/// The bot's process, killed if the measurement fails half-way.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

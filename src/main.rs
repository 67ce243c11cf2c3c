//! The `gutskin` command line: the bot's tools behind one binary.
//!
//! `parse` reads meal messages and prints what the parser understood, one message as pretty
//! JSON or a stream of messages as JSON lines (the format `../shared/eval/score.py` reads).
//! `faq` answers a question from the knowledge base (or says it can't), one question or a
//! stream of them as JSON lines; `tips` lists the daily tips with their triggers and sources.
//! `console` holds the bot's whole conversation in the terminal, on a local database.
//! `run` (the default) is the bot on Telegram: long polling, or a webhook with `--webhook`.
//! `insights` finds the food-skin patterns in a diary of JSON-line events.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use gutskin::chat::Engine;
use gutskin::console::{self, ConsoleOptions};
use gutskin::diary::DiaryConfig;
use gutskin::food::Lexicon;
use gutskin::knowledge::KnowledgeBase;
use gutskin::store::Store;
use gutskin::telegram::{self, Mode, TelegramSettings, Webhook};
use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "gutskin",
    version,
    about = "Make the gut-skin connection visible.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// A food lexicon (a folder like config/foods, or one file) to use instead of the built-in one.
    #[arg(long, global = true, env = "GUTSKIN_FOODS")]
    foods: Option<PathBuf>,
    /// A knowledge base to use instead of the built-in config/knowledge.toml.
    #[arg(long, global = true, env = "GUTSKIN_KNOWLEDGE")]
    knowledge: Option<PathBuf>,
    /// Diary settings (day cutoff, score weights) instead of the built-in config/gutskin.toml.
    #[arg(long, global = true, env = "GUTSKIN_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
    /// `run`'s options, for when no command is given (running the bot is the default).
    #[command(flatten)]
    run: RunArgs,
}

/// `gutskin run`: the bot on Telegram. The token comes from `TELOXIDE_TOKEN`, never from
/// the command line, where other users of the machine could read it.
#[derive(clap::Args, Clone, Debug)]
struct RunArgs {
    /// The database directory (created if missing).
    #[arg(long, env = "GUTSKIN_DB", default_value = "data")]
    db: PathBuf,
    /// Receive updates by webhook at this public HTTPS URL instead of long polling.
    #[arg(long, value_name = "URL", requires = "listen")]
    webhook: Option<url::Url>,
    /// With --webhook: the local address the webhook server listens on (e.g. 0.0.0.0:8443).
    #[arg(long, value_name = "ADDR", requires = "webhook")]
    listen: Option<SocketAddr>,
    /// With --webhook: the secret Telegram must send with each update (A-Z a-z 0-9 _ -,
    /// 1-256 characters); a random one for each start if not given.
    #[arg(long, env = "GUTSKIN_WEBHOOK_SECRET", hide_env_values = true)]
    webhook_secret: Option<String>,
    /// Telegram settings (rate limits, retries) instead of the built-in config/telegram.toml.
    #[arg(long, env = "GUTSKIN_TELEGRAM_CONFIG")]
    telegram_config: Option<PathBuf>,
    /// The Bot API server, for a self-hosted one (default: https://api.telegram.org).
    #[arg(long, env = "GUTSKIN_API_URL")]
    api_url: Option<url::Url>,
}

#[derive(Subcommand)]
// Parsed once at start-up; boxing `Run` would only complicate clap's derive.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Parse meal text and print the foods, categories, plants and fibre as JSON.
    Parse {
        /// The message to parse (omit with --jsonl).
        text: Option<String>,
        /// Read one message a line on stdin; write one compact JSON object a line.
        #[arg(long)]
        jsonl: bool,
    },
    /// Answer a question from the knowledge base: the topic, its score and the answer.
    Faq {
        /// The question (omit with --jsonl).
        question: Option<String>,
        /// Read one question a line on stdin; write {"topic": id or null, "score": x} a line.
        #[arg(long)]
        jsonl: bool,
        /// Also list the N closest topics with their scores (to see why a question matched).
        #[arg(long, value_name = "N", default_value_t = 0)]
        top: usize,
    },
    /// List the tips with their triggers and sources.
    Tips,
    /// Find food-skin patterns in a diary: prints {"findings": [...]} as one JSON object.
    Insights {
        /// Events one a line, {"at": RFC 3339, "meal": text} or {"at": RFC 3339, "skin":
        /// 1-5}; `-` reads stdin. Each counts for the day of its timestamp in its own offset.
        #[arg(long, value_name = "FILE")]
        jsonl: PathBuf,
    },
    /// Run the bot on Telegram (the default). Needs TELOXIDE_TOKEN from @BotFather.
    Run(RunArgs),
    /// Talk to the bot in the terminal, on a local database, without Telegram. Buttons are
    /// numbered: type the number to press one. Reads one input a line when piped.
    Console {
        /// The database directory (created if missing).
        #[arg(long, env = "GUTSKIN_DB", default_value = "data")]
        db: PathBuf,
        /// The chat id to speak as.
        #[arg(long, default_value_t = 1)]
        user: i64,
        /// Fix the clock for every input (RFC 3339, e.g. 2026-11-28T08:15:00+01:00).
        #[arg(long, value_parser = parse_instant)]
        now: Option<DateTime<Utc>>,
    },
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in `docker logs` or a log file.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    // Each command loads only what it uses, so a broken lexicon never stops `faq`.
    let Some(command) = cli.command else {
        return run_command(&cli.foods, &cli.knowledge, &cli.config, cli.run);
    };
    match command {
        Command::Run(args) => run_command(&cli.foods, &cli.knowledge, &cli.config, args),
        Command::Parse { text, jsonl } => {
            let lexicon = match &cli.foods {
                Some(path) => Lexicon::load(path),
                None => Lexicon::builtin(),
            }
            .context("loading the food lexicon")?;
            parse_command(&lexicon, text, jsonl)
        }
        Command::Faq {
            question,
            jsonl,
            top,
        } => faq_command(&load_knowledge(&cli.knowledge)?, question, jsonl, top),
        Command::Tips => tips_command(&load_knowledge(&cli.knowledge)?),
        Command::Insights { jsonl } => {
            let lexicon = match &cli.foods {
                Some(path) => Lexicon::load(path),
                None => Lexicon::builtin(),
            }
            .context("loading the food lexicon")?;
            insights_command(&lexicon, &jsonl)
        }
        Command::Console { db, user, now } => {
            let engine = open_engine(&cli.foods, &cli.knowledge, &cli.config, &db)?;
            let options = ConsoleOptions {
                user,
                now,
                files_dir: PathBuf::from("."),
                interactive: std::io::stdin().is_terminal(),
            };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            let stdin = std::io::stdin();
            let stdout = std::io::stdout();
            runtime
                .block_on(console::run(&engine, &options, stdin.lock(), stdout.lock()))
                .context("console input or output failed")
        }
    }
}

/// Runs the bot until SIGINT or SIGTERM; returns once the updates in flight are handled and
/// the database is closed.
fn run_command(
    foods: &Option<PathBuf>,
    knowledge: &Option<PathBuf>,
    config: &Option<PathBuf>,
    args: RunArgs,
) -> Result<()> {
    // Read here and handed to teloxide, never printed: not in errors, not in logs.
    let token = std::env::var("TELOXIDE_TOKEN")
        .ok()
        .map(|token| token.trim().to_string())
        .filter(|token| !token.is_empty())
        .context("TELOXIDE_TOKEN is not set: get a bot token from @BotFather (see README)")?;
    let settings = match &args.telegram_config {
        Some(path) => TelegramSettings::load(path),
        None => TelegramSettings::builtin(),
    }
    .context("loading the Telegram settings")?;
    let engine = open_engine(foods, knowledge, config, &args.db)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let bot = telegram::bot(token, args.api_url)?;
        let mode = match (args.webhook, args.listen) {
            (Some(url), Some(listen)) => {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("listening on {listen} for the webhook"))?;
                Mode::Webhook(Webhook {
                    url,
                    listener,
                    secret_token: args.webhook_secret,
                })
            }
            _ => Mode::Polling,
        };
        telegram::run(bot, engine, &settings, mode, telegram::termination_signal())
            .await
            .context("running the bot")
    })?;
    // `run` has dropped the engine: sled flushed and closed the database as it went.
    tracing::info!(db = %args.db.display(), "stopped; the database is closed");
    Ok(())
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|error| format!("{error} (expected e.g. 2026-11-28T08:15:00+01:00)"))
}

/// The engine with its lexicon, knowledge base, diary settings and the database at `db`.
fn open_engine(
    foods: &Option<PathBuf>,
    knowledge: &Option<PathBuf>,
    config: &Option<PathBuf>,
    db: &Path,
) -> Result<Engine> {
    let lexicon = match foods {
        Some(path) => Lexicon::load(path),
        None => Lexicon::builtin(),
    }
    .context("loading the food lexicon")?;
    let knowledge = load_knowledge(knowledge)?;
    let diary = match config {
        Some(path) => DiaryConfig::load(path),
        None => DiaryConfig::builtin(),
    }
    .context("loading the diary settings")?;
    let store =
        Store::open(db).with_context(|| format!("opening the database in {}", db.display()))?;
    Ok(Engine::new(
        Arc::new(lexicon),
        Arc::new(knowledge),
        Arc::new(diary),
        store,
    ))
}

/// Reads the events (a bad line stops everything, naming the line) and prints the findings.
fn insights_command(lexicon: &Lexicon, path: &Path) -> Result<()> {
    let days = if path == Path::new("-") {
        gutskin::diary::read_events(std::io::stdin().lock(), lexicon)
            .context("reading events from stdin")?
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        gutskin::diary::read_events(std::io::BufReader::new(file), lexicon)
            .with_context(|| format!("reading events from {}", path.display()))?
    };
    let insights = gutskin::diary::find_patterns(&days);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    serde_json::to_writer(
        &mut out,
        &serde_json::json!({ "findings": insights.findings }),
    )?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

fn load_knowledge(path: &Option<PathBuf>) -> Result<KnowledgeBase> {
    match path {
        Some(path) => KnowledgeBase::load(path),
        None => KnowledgeBase::builtin(),
    }
    .context("loading the knowledge base")
}

/// Calls `handle` with each line of stdin, without its line ending. Invalid UTF-8 is read
/// lossily, so a binary line still gets its (empty) answer and the output stays line for line.
fn for_each_input_line(mut handle: impl FnMut(&str) -> Result<()>) -> Result<()> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        handle(String::from_utf8_lossy(&line).trim_end_matches(['\n', '\r']))?;
    }
}

fn parse_command(lexicon: &Lexicon, text: Option<String>, jsonl: bool) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if jsonl {
        for_each_input_line(|message| {
            serde_json::to_writer(&mut out, &lexicon.parse(message))?;
            out.write_all(b"\n")?;
            Ok(())
        })?;
    } else {
        let text = text.context("give the message to parse, or use --jsonl")?;
        serde_json::to_writer_pretty(&mut out, &lexicon.parse(&text))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn faq_command(
    knowledge: &KnowledgeBase,
    question: Option<String>,
    jsonl: bool,
    top: usize,
) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if jsonl {
        for_each_input_line(|question| {
            let closest = knowledge.closest(question);
            let answered = closest.filter(|m| knowledge.is_answerable(m));
            let record = serde_json::json!({
                "topic": answered.map(|m| m.topic.id.as_str()),
                "score": closest.map_or(0.0, |m| round3(m.score)),
            });
            serde_json::to_writer(&mut out, &record)?;
            out.write_all(b"\n")?;
            Ok(())
        })?;
    } else {
        let question = question.context("give the question, or use --jsonl")?;
        match knowledge.closest(&question) {
            Some(m) if knowledge.is_answerable(&m) => {
                writeln!(
                    out,
                    "topic: {} (score {:.3}, bm25 {:.3})",
                    m.topic.id, m.score, m.bm25
                )?;
                writeln!(
                    out,
                    "\n{}\n\n{}\n\n{}",
                    m.topic.question,
                    m.topic.answer,
                    m.topic.source_line()
                )?;
            }
            closest => {
                match closest {
                    Some(m) => writeln!(
                        out,
                        "topic: none (closest {} at score {:.3}, below the threshold)",
                        m.topic.id, m.score
                    )?,
                    None => writeln!(out, "topic: none (no word of the question is known)")?,
                }
                let ids: Vec<&str> = knowledge.topics().iter().map(|t| t.id.as_str()).collect();
                writeln!(
                    out,
                    "\nThat is outside what I can answer. Topics: {}",
                    ids.join(", ")
                )?;
            }
        }
        if top > 0 {
            let terms: Vec<String> = knowledge
                .question_terms(&question)
                .into_iter()
                .map(|(term, idf)| match idf {
                    Some((idf, cf)) => format!("{term} ({idf:.2}, {cf}x)"),
                    None => format!("{term} (unknown)"),
                })
                .collect();
            writeln!(
                out,
                "\nterms (idf, uses in questions): {}",
                terms.join(", ")
            )?;
            writeln!(out, "closest topics:")?;
            for m in knowledge.ranking(&question).iter().take(top) {
                let notes = match (m.anchored, m.off_topic) {
                    (_, true) => "  (names something off-topic)",
                    (false, _) => "  (no anchor word)",
                    _ => "",
                };
                writeln!(
                    out,
                    "  {:<16} score {:.3}  bm25 {:.3}{notes}",
                    m.topic.id, m.score, m.bm25
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Three decimals keep the JSON lines short and stable across platforms.
fn round3(score: f32) -> f64 {
    (f64::from(score) * 1000.0).round() / 1000.0
}

fn tips_command(knowledge: &KnowledgeBase) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for tip in knowledge.tips() {
        writeln!(
            out,
            "{} [{}: {}]",
            tip.id,
            tip.trigger,
            tip.trigger.describe(knowledge.tip_rules())
        )?;
        writeln!(out, "  {}", tip.text)?;
        writeln!(out, "  Sources: {}\n", tip.sources.join("; "))?;
    }
    out.flush()?;
    Ok(())
}

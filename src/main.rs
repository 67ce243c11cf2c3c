//! The `gutskin` command line: the bot's tools behind one binary.
//!
//! `parse` reads meal messages and prints what the parser understood, one message as pretty
//! JSON or a stream of messages as JSON lines (the format `../shared/eval/score.py` reads).

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use gutskin::food::Lexicon;
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "gutskin", version, about = "Make the gut-skin connection visible.")]
struct Cli {
    /// A food lexicon to use instead of the built-in config/foods.toml.
    #[arg(long, global = true, env = "GUTSKIN_FOODS")]
    foods: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse meal text and print the foods, categories, plants and fibre as JSON.
    Parse {
        /// The message to parse (omit with --jsonl).
        text: Option<String>,
        /// Read one message a line on stdin; write one compact JSON object a line.
        #[arg(long)]
        jsonl: bool,
    },
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let lexicon = match &cli.foods {
        Some(path) => Lexicon::load(path),
        None => Lexicon::builtin(),
    }
    .context("loading the food lexicon")?;
    match cli.command {
        Command::Parse { text, jsonl } => parse_command(&lexicon, text, jsonl),
    }
}

fn parse_command(lexicon: &Lexicon, text: Option<String>, jsonl: bool) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if jsonl {
        let stdin = std::io::stdin();
        let mut line = Vec::new();
        let mut input = stdin.lock();
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            // Invalid UTF-8 is read lossily: a binary line still gets its (empty) meal.
            let message = String::from_utf8_lossy(&line);
            let meal = lexicon.parse(message.trim_end_matches(['\n', '\r']));
            serde_json::to_writer(&mut out, &meal)?;
            out.write_all(b"\n")?;
        }
    } else {
        let text = text.context("give the message to parse, or use --jsonl")?;
        serde_json::to_writer_pretty(&mut out, &lexicon.parse(&text))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

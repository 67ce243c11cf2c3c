//! The console: the whole conversation in a terminal, on a local database, with no Telegram.
//!
//! It drives the same [`Engine`] the bot does, so what it prints is what the bot would send:
//! replies as plain text (the HTML tags dropped), buttons as numbered choices that typing the
//! number presses, files saved beside you. With piped input it reads one input a line and
//! prints and flushes every reply before reading the next line, so a script can hold a
//! conversation and read each answer as it comes.
//!
//! Console-only input: `/edit TEXT` edits your previous message (commands aside), as editing
//! a Telegram message would.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};

use crate::chat::html::to_plain;
use crate::chat::{Attachment, Engine, Incoming, Input, Outcome, Reply};

/// How the console runs.
#[derive(Clone, Debug)]
pub struct ConsoleOptions {
    /// The chat id to speak as.
    pub user: i64,
    /// A fixed clock for every input (`--now`); the system clock when `None`.
    pub now: Option<DateTime<Utc>>,
    /// Where attachments (the `/export` CSV, charts) are saved.
    pub files_dir: PathBuf,
    /// Whether a person is typing: then a prompt and a short introduction are shown.
    pub interactive: bool,
}

/// Runs the conversation until `input` ends. Errors are I/O errors of `input` or `output`.
pub async fn run(
    engine: &Engine,
    options: &ConsoleOptions,
    input: impl BufRead,
    mut output: impl Write,
) -> std::io::Result<()> {
    if options.interactive {
        writeln!(
            output,
            "gutskin console, as chat {}. Type what you ate, a question or /help; \
             a number presses a button; /edit TEXT edits your last message; Ctrl-D quits.",
            options.user
        )?;
        prompt(&mut output)?;
    }
    let mut ids = MessageIds::new();
    let mut last_message: Option<i64> = None;
    let mut buttons: Vec<String> = Vec::new();
    let mut input = input;
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        if input.read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        // Bytes that are not UTF-8 are read lossily: binary input gets an answer, not an end.
        let line = String::from_utf8_lossy(&bytes)
            .trim_end_matches(['\n', '\r'])
            .to_string();
        let trimmed = line.trim();
        if trimmed.is_empty() && options.interactive {
            prompt(&mut output)?;
            continue;
        }
        let at = options.now.unwrap_or_else(Utc::now);
        let input = if let Some(pressed) = button_number(trimmed, buttons.len()) {
            Input::Button {
                data: buttons[pressed].clone(),
            }
        } else if let (Some(text), Some(message_id)) =
            (trimmed.strip_prefix("/edit "), last_message)
        {
            Input::Edited {
                message_id,
                text: text.to_string(),
            }
        } else {
            let message_id = ids.next();
            // `/edit` is for meals: a command in between does not become the one edited.
            if !trimmed.starts_with('/') {
                last_message = Some(message_id);
            }
            Input::Text {
                message_id,
                text: line.clone(),
            }
        };
        let outcome = engine
            .handle(Incoming {
                user: options.user,
                at,
                input,
            })
            .await;
        let shown = show(&outcome, options, &mut output)?;
        if !shown.is_empty() {
            buttons = shown;
        }
        if options.interactive {
            prompt(&mut output)?;
        }
        output.flush()?;
    }
    if options.interactive {
        writeln!(output)?;
    }
    output.flush()
}

fn prompt(output: &mut impl Write) -> std::io::Result<()> {
    write!(output, "> ")?;
    output.flush()
}

/// The button a typed number presses (1-based), if it is one.
fn button_number(text: &str, buttons: usize) -> Option<usize> {
    let number: usize = text.parse().ok()?;
    (1..=buttons).contains(&number).then(|| number - 1)
}

/// Prints an outcome and returns the callback data of its buttons, in the order numbered.
fn show(
    outcome: &Outcome,
    options: &ConsoleOptions,
    output: &mut impl Write,
) -> std::io::Result<Vec<String>> {
    let mut buttons = Vec::new();
    if let Some(notice) = &outcome.notice {
        writeln!(output, "  ({notice})")?;
    }
    if let Some(edit) = &outcome.edit {
        writeln!(output, "bot (changes the message above):")?;
        show_reply(edit, options, output, &mut buttons)?;
    }
    for reply in &outcome.replies {
        writeln!(output, "bot:")?;
        show_reply(reply, options, output, &mut buttons)?;
    }
    Ok(buttons)
}

fn show_reply(
    reply: &Reply,
    options: &ConsoleOptions,
    output: &mut impl Write,
    buttons: &mut Vec<String>,
) -> std::io::Result<()> {
    for line in to_plain(&reply.text).lines() {
        writeln!(output, "  {line}")?;
    }
    if let Some(attachment) = &reply.attachment {
        let (file_name, bytes) = match attachment {
            Attachment::Photo { file_name, bytes } | Attachment::Document { file_name, bytes } => {
                (file_name, bytes)
            }
        };
        // The name is ours, but keep only its last component all the same.
        let name = std::path::Path::new(file_name)
            .file_name()
            .map_or_else(|| "attachment".into(), |n| n.to_os_string());
        let path = options.files_dir.join(name);
        std::fs::write(&path, bytes)?;
        writeln!(output, "  [file saved: {}]", path.display())?;
    }
    for row in &reply.buttons {
        let labels: Vec<String> = row
            .iter()
            .map(|button| {
                buttons.push(button.data.clone());
                format!("[{}] {}", buttons.len(), button.label)
            })
            .collect();
        writeln!(output, "  {}", labels.join("  "))?;
    }
    Ok(())
}

/// Message ids for this run: they must never repeat in a database that outlives the run
/// (a repeated id is a redelivered message and stores nothing), even with `--now` fixed, so
/// they start from the real clock in microseconds and count up.
struct MessageIds {
    next: i64,
}

impl MessageIds {
    fn new() -> MessageIds {
        let micros = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |elapsed| elapsed.as_micros());
        MessageIds {
            next: i64::try_from(micros).unwrap_or(i64::MAX / 2),
        }
    }

    fn next(&mut self) -> i64 {
        self.next = self.next.saturating_add(1);
        self.next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_press_buttons_only_when_there_are_that_many() {
        assert_eq!(button_number("1", 1), Some(0));
        assert_eq!(button_number("5", 5), Some(4));
        assert_eq!(button_number("6", 5), None);
        assert_eq!(button_number("0", 5), None);
        assert_eq!(button_number("2 eggs", 5), None);
    }
}

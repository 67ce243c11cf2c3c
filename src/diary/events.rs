//! A diary as a stream of events, one JSON object a line, for `gutskin insights --jsonl`:
//! `{"at": RFC 3339, "meal": "text"}` or `{"at": RFC 3339, "skin": 1-5}`.
//!
//! Each event belongs to the diary day of its timestamp in the offset the timestamp carries,
//! with the day running to the cutoff (04:00 by default) as everywhere in the diary: a
//! meal at 01:30 belongs to the evening before. Meals are read with the lexicon and only
//! the foods eaten count (negated ones do not), as when the bot logs a message; a meal in
//! which no food is recognised does not make the day "logged", because the bot would not
//! store it either. A later rating of a day replaces an earlier one (by timestamp, then by
//! line). A line that is not such an event is an error naming its line number: a diary with
//! silently dropped lines would give wrong patterns without anyone noticing. Blank lines are
//! allowed. Fields other than these are ignored, so the events may carry more.

use super::clock::DEFAULT_CUTOFF;
use super::entry::{Entry, MAX_RATING, MIN_RATING};
use super::insights::DayObservation;
use crate::food::{CategorySet, Lexicon};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::BufRead;

/// A line of the event stream that could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("line {line}: cannot read it: {source}")]
    Io { line: usize, source: std::io::Error },
    #[error("line {line}: {problem}")]
    Invalid { line: usize, problem: String },
}

impl EventError {
    /// The 1-based line number.
    pub fn line(&self) -> usize {
        match self {
            EventError::Io { line, .. } | EventError::Invalid { line, .. } => *line,
        }
    }
}

/// What one line reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Meal {
        at: DateTime<FixedOffset>,
        text: String,
    },
    Skin {
        at: DateTime<FixedOffset>,
        rating: u8,
    },
}

impl Event {
    pub fn at(&self) -> DateTime<FixedOffset> {
        match self {
            Event::Meal { at, .. } | Event::Skin { at, .. } => *at,
        }
    }
}

/// Reads one event line (without its line ending); `line` is only for the error.
pub fn parse_event(text: &str, line: usize) -> Result<Event, EventError> {
    let invalid = |problem: String| EventError::Invalid { line, problem };
    let value: Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("not valid JSON: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(invalid("expected a JSON object".into()));
    };
    let at = match fields.get("at") {
        Some(Value::String(at)) => DateTime::parse_from_rfc3339(at)
            .map_err(|e| invalid(format!("\"at\" is not an RFC 3339 timestamp ({at:?}: {e})")))?,
        Some(other) => {
            return Err(invalid(format!(
                "\"at\" must be an RFC 3339 string, not {other}"
            )))
        }
        None => return Err(invalid("missing \"at\"".into())),
    };
    match (fields.get("meal"), fields.get("skin")) {
        (Some(_), Some(_)) => Err(invalid(
            "has both \"meal\" and \"skin\"; give one event a line".into(),
        )),
        (Some(Value::String(text)), None) => Ok(Event::Meal {
            at,
            text: text.clone(),
        }),
        (Some(other), None) => Err(invalid(format!("\"meal\" must be text, not {other}"))),
        (None, Some(skin)) => match skin.as_u64() {
            Some(rating) if (u64::from(MIN_RATING)..=u64::from(MAX_RATING)).contains(&rating) => {
                Ok(Event::Skin {
                    at,
                    // In 1..=5, so the cast is lossless.
                    rating: rating as u8,
                })
            }
            _ => Err(invalid(format!(
                "\"skin\" must be a whole number from {MIN_RATING} to {MAX_RATING}, not {skin}"
            ))),
        },
        (None, None) => Err(invalid("needs \"meal\" or \"skin\"".into())),
    }
}

/// The diary day of a timestamp in its own offset: its local date, or the day before when
/// the local time is earlier than `cutoff`.
pub fn diary_day(at: DateTime<FixedOffset>, cutoff: NaiveTime) -> NaiveDate {
    let local = at.naive_local();
    if local.time() < cutoff {
        local.date().pred_opt().unwrap_or(local.date())
    } else {
        local.date()
    }
}

/// Reads an event stream into diary days, with the default day cutoff (04:00).
pub fn read_events(
    input: impl BufRead,
    lexicon: &Lexicon,
) -> Result<Vec<DayObservation>, EventError> {
    read_events_with_cutoff(input, lexicon, DEFAULT_CUTOFF)
}

/// Reads an event stream into diary days, sorted by day, whose days start at `cutoff`.
pub fn read_events_with_cutoff(
    mut input: impl BufRead,
    lexicon: &Lexicon,
    cutoff: NaiveTime,
) -> Result<Vec<DayObservation>, EventError> {
    let mut categories: BTreeMap<NaiveDate, CategorySet> = BTreeMap::new();
    // The rating of each day with the (timestamp, line) that set it.
    let mut ratings: BTreeMap<NaiveDate, ((DateTime<FixedOffset>, usize), u8)> = BTreeMap::new();
    let mut bytes = Vec::new();
    let mut line = 0;
    loop {
        line += 1;
        bytes.clear();
        let read = input
            .read_until(b'\n', &mut bytes)
            .map_err(|source| EventError::Io { line, source })?;
        if read == 0 {
            break;
        }
        let text = std::str::from_utf8(&bytes).map_err(|e| EventError::Invalid {
            line,
            problem: format!("not UTF-8 text: {e}"),
        })?;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let event = parse_event(text, line)?;
        let day = diary_day(event.at(), cutoff);
        match event {
            Event::Meal { at, text } => {
                let entry =
                    Entry::from_meal(&lexicon.parse(&text), "", at.with_timezone(&Utc), day);
                if entry.has_food() {
                    let logged = categories.entry(day).or_default();
                    *logged = logged.union(entry.categories());
                }
            }
            Event::Skin { at, rating } => {
                let stamp = (at, line);
                let newer = ratings.get(&day).is_none_or(|(kept, _)| stamp >= *kept);
                if newer {
                    ratings.insert(day, (stamp, rating));
                }
            }
        }
    }

    let mut days: BTreeMap<NaiveDate, DayObservation> = categories
        .into_iter()
        .map(|(day, categories)| {
            let observation = DayObservation {
                day,
                categories: Some(categories),
                rating: None,
            };
            (day, observation)
        })
        .collect();
    for (day, (_, rating)) in ratings {
        days.entry(day)
            .or_insert(DayObservation {
                day,
                categories: None,
                rating: None,
            })
            .rating = Some(rating);
    }
    Ok(days.into_values().collect())
}

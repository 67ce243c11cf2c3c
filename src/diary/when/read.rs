//! The reader of `when`: the words of a message, and the phrases among them that say when
//! its meal was eaten. Pure: text and the foods' byte ranges in, [`WhenSaid`] out.

use std::ops::Range;

use chrono::Weekday;

use super::{DayPart, SaidDay, SaidTime, WhenSaid};

/// Words of a weekday's name that make it the name of something else.
const NAMING_WORDS: &[&str] = &[
    "cyber", "black", "good", "easter", "palm", "ash", "blue", "manic", "super", "holy",
    "meatless", "taco", "whit", "shrove", "maundy", "fat",
];

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

const MONTHS: [(&str, u32); 24] = [
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("dec", 12),
    ("december", 12),
];

const NUMBER_WORDS: [(&str, u32); 11] = [
    ("a", 1),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
];

/// A word of the message: its text lowercased and where it is.
struct Token {
    key: String,
    span: Range<usize>,
}

/// What one phrase says.
#[derive(Default)]
struct Found {
    day: Option<SaidDay>,
    part: Option<DayPart>,
    time: Option<SaidTime>,
}

/// What `text` says about when its meal was eaten, or `None` if nothing; `foods` are the
/// byte ranges of the foods the parser found in it, whose words are never read.
pub fn read_when(text: &str, foods: &[Range<usize>]) -> Option<WhenSaid> {
    let tokens = tokenize(text);
    let keys: Vec<&str> = tokens.iter().map(|t| t.key.as_str()).collect();
    let in_food = |first: usize, last: usize| {
        let span = tokens[first].span.start..tokens[last].span.end;
        foods
            .iter()
            .any(|food| food.start < span.end && span.start < food.end)
    };
    // A food that ends just before a word ("taco tuesday"): the word names a theme, not a day.
    let after_food = |index: usize| {
        index > 0 && {
            let previous = &tokens[index - 1].span;
            foods.iter().any(|food| food.end == previous.end)
        }
    };
    let mut said = WhenSaid::default();
    let mut index = 0;
    while index < tokens.len() {
        let matched = phrase(&keys, index, text, &tokens, &after_food);
        let Some((length, found)) = matched else {
            index += 1;
            continue;
        };
        let last = index + length - 1;
        if in_food(index, last) {
            index += 1;
            continue;
        }
        said.day = said.day.or(found.day);
        said.part = said.part.or(found.part);
        said.time = said.time.or(found.time);
        said.taken
            .push(tokens[index].span.start..tokens[last].span.end);
        index += length;
    }
    (!said.taken.is_empty()).then_some(said)
}

/// The phrase that starts at token `index`: how many tokens it takes and what it says.
/// (A possessive never matches: "last night's" and "yesterday's" are other tokens than
/// "night" and "yesterday", and qualify a food eaten now.)
fn phrase(
    keys: &[&str],
    index: usize,
    text: &str,
    tokens: &[Token],
    after_food: &dyn Fn(usize) -> bool,
) -> Option<(usize, Found)> {
    let rest = &keys[index..];
    let at = |offset: usize| rest.get(offset).copied().unwrap_or("");
    let on_day = |day: SaidDay| Found {
        day: Some(day),
        ..Found::default()
    };
    let day_and_part = |day: SaidDay, part: DayPart| Found {
        day: Some(day),
        part: Some(part),
        time: None,
    };
    // A day may be followed by its part: "yesterday morning", "monday night".
    let with_part = |day: SaidDay, offset: usize| match part_word(at(offset)) {
        Some(part) => (offset + 1, day_and_part(day, part)),
        None => (offset, on_day(day)),
    };
    match at(0) {
        "the" if at(1) == "day" && at(2) == "before" && at(3) == "yesterday" => {
            Some(with_part(SaidDay::DaysAgo(2), 4))
        }
        "day" if at(1) == "before" && at(2) == "yesterday" => {
            Some(with_part(SaidDay::DaysAgo(2), 3))
        }
        "yesterday" => Some(with_part(SaidDay::DaysAgo(1), 1)),
        "today" => Some((1, on_day(SaidDay::DaysAgo(0)))),
        "tonight" => Some((1, day_and_part(SaidDay::DaysAgo(0), DayPart::Evening))),
        "tomorrow" => Some((1, on_day(SaidDay::Future))),
        "this" => part_word(at(1)).map(|part| (2, day_and_part(SaidDay::DaysAgo(0), part))),
        "late" if at(1) == "last" && at(2) == "night" => {
            Some((3, day_and_part(SaidDay::LastNight, DayPart::Night)))
        }
        "last" if at(1) == "night" => Some((2, day_and_part(SaidDay::LastNight, DayPart::Evening))),
        "last" => weekday(at(1)).map(|day| with_part(SaidDay::Weekday { day, last: true }, 2)),
        "next" if weekday(at(1)).is_some() || at(1) == "week" => Some((2, on_day(SaidDay::Future))),
        "on" => match weekday(at(1)) {
            Some(day) => Some(with_part(SaidDay::Weekday { day, last: false }, 2)),
            None => date_phrase(&rest[1..]).map(|(length, found)| (length + 1, found)),
        },
        "at" | "around" | "about" => {
            let skip = if matches!(at(1), "around" | "about") {
                2
            } else {
                1
            };
            // "about 3 beers" is a quantity: after "about" or "around" alone, only a time
            // with am, pm or a colon is one.
            let bare_hour = at(0) == "at";
            match at(skip) {
                "noon" | "midday" => Some((skip + 1, noon())),
                "midnight" => Some((skip + 1, midnight())),
                "night" if skip == 1 => Some((2, part_only(DayPart::Night))),
                word => clock(rest, skip, bare_hour)
                    .or_else(|| meal_part(word).map(|part| (skip + 1, part_only(part)))),
            }
        }
        "for" | "with" => meal_part(at(1)).map(|part| (2, part_only(part))),
        "in" if at(1) == "the" => part_word(at(2))
            .filter(|part| {
                matches!(
                    part,
                    DayPart::Morning | DayPart::Afternoon | DayPart::Evening
                )
            })
            .map(|part| (3, part_only(part))),
        "noon" | "midday" => Some((1, noon())),
        "midnight" => Some((1, midnight())),
        "morning" | "afternoon" | "evening" | "lunchtime" => {
            part_word(at(0)).map(|part| (1, part_only(part)))
        }
        word => {
            if let Some(day) = weekday(word) {
                bare_weekday(day, keys, index, text, tokens, after_food, with_part)
            } else {
                days_ago(rest)
                    .or_else(|| date_phrase(rest))
                    // "8pm", "19:30": a time needs no "at" when it cannot be a quantity.
                    .or_else(|| clock(rest, 0, false))
            }
        }
    }
}

/// A weekday without "on" or "last" before it. It is a day at the start of the message
/// ("monday: pizza"), before a mark ("pizza, monday") or a part of the day ("monday night"),
/// or closing the message; but not after a word that makes it a name ("cyber monday"), nor
/// right after a food ("taco tuesday"), unless a part of the day follows.
fn bare_weekday(
    day: Weekday,
    keys: &[&str],
    index: usize,
    text: &str,
    tokens: &[Token],
    after_food: &dyn Fn(usize) -> bool,
    with_part: impl Fn(SaidDay, usize) -> (usize, Found),
) -> Option<(usize, Found)> {
    if index > 0 && NAMING_WORDS.contains(&keys[index - 1]) {
        return None;
    }
    let (length, found) = with_part(SaidDay::Weekday { day, last: false }, 1);
    let with_a_part = length > 1;
    let before_mark = text[tokens[index].span.end..]
        .trim_start()
        .starts_with([':', ',', '-', '\u{2013}', '\u{2014}']);
    let closing = index + 1 == keys.len();
    let plain = index == 0 || before_mark || with_a_part || closing;
    (plain && (with_a_part || !after_food(index))).then_some((length, found))
}

fn part_only(part: DayPart) -> Found {
    Found {
        part: Some(part),
        ..Found::default()
    }
}

fn noon() -> Found {
    Found {
        time: Some(SaidTime {
            hour: 12,
            minute: 0,
            pm: Some(true),
        }),
        ..Found::default()
    }
}

fn midnight() -> Found {
    Found {
        time: Some(SaidTime {
            hour: 0,
            minute: 0,
            pm: None,
        }),
        ..Found::default()
    }
}

fn weekday(word: &str) -> Option<Weekday> {
    WEEKDAYS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, day)| *day)
}

/// A part of the day after "this", "yesterday", a weekday: "morning", "night", "lunch".
fn part_word(word: &str) -> Option<DayPart> {
    Some(match word {
        "morning" | "breakfast" => DayPart::Morning,
        "lunch" | "lunchtime" | "brunch" => DayPart::Midday,
        "afternoon" => DayPart::Afternoon,
        "evening" | "dinner" | "supper" => DayPart::Evening,
        "night" => DayPart::Night,
        _ => return None,
    })
}

/// A meal after "for", "at" or "with": "for breakfast", "at lunch".
fn meal_part(word: &str) -> Option<DayPart> {
    match word {
        "breakfast" | "brekkie" | "brekky" => Some(DayPart::Morning),
        "brunch" | "lunch" | "lunchtime" => Some(DayPart::Midday),
        "dinner" | "supper" | "dinnertime" => Some(DayPart::Evening),
        "noon" | "midday" => Some(DayPart::Midday),
        _ => None,
    }
}

/// "2 days ago", "a couple of days ago", "a week ago".
fn days_ago(rest: &[&str]) -> Option<(usize, Found)> {
    let (count, skip) = match rest {
        ["a", "couple", "of", ..] | ["couple", "of", ..] => (2, if rest[0] == "a" { 3 } else { 2 }),
        [number, ..] => (number_value(number)?, 1),
        [] => return None,
    };
    let unit = *rest.get(skip)?;
    if rest.get(skip + 1) != Some(&"ago") {
        return None;
    }
    let days = match unit {
        "day" | "days" => count,
        "week" | "weeks" => count * 7,
        _ => return None,
    };
    Some((
        skip + 2,
        Found {
            day: Some(SaidDay::DaysAgo(days)),
            ..Found::default()
        },
    ))
}

fn number_value(word: &str) -> Option<u32> {
    if let Some((_, value)) = NUMBER_WORDS.iter().find(|(name, _)| *name == word) {
        return Some(*value);
    }
    (word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
}

/// "the 3rd", "the 3rd of december", "3 dec", "3rd december", "dec 3", "december 3rd".
fn date_phrase(rest: &[&str]) -> Option<(usize, Found)> {
    let date = |length: usize, day: u32, month: Option<u32>| {
        (1..=31).contains(&day).then_some((
            length,
            Found {
                day: Some(SaidDay::Date { day, month }),
                ..Found::default()
            },
        ))
    };
    match rest {
        ["the", day, "of", month, ..] => date(4, ordinal(day)?, Some(month_number(month)?)),
        ["the", day, month, ..] if month_number(month).is_some() => {
            date(3, ordinal(day)?, month_number(month))
        }
        ["the", day, ..] => date(2, ordinal(day)?, None),
        [day, "of", month, ..] => date(3, ordinal(day)?, Some(month_number(month)?)),
        [day, month, ..] if month_number(month).is_some() => {
            date(2, day_number(day)?, month_number(month))
        }
        [month, day, ..] if month_number(month).is_some() => {
            date(2, day_number(day)?, month_number(month))
        }
        _ => None,
    }
}

/// "3rd", "21st".
fn ordinal(word: &str) -> Option<u32> {
    let digits = word
        .strip_suffix("st")
        .or_else(|| word.strip_suffix("nd"))
        .or_else(|| word.strip_suffix("rd"))
        .or_else(|| word.strip_suffix("th"))?;
    day_digits(digits)
}

/// "3" or "3rd".
fn day_number(word: &str) -> Option<u32> {
    ordinal(word).or_else(|| day_digits(word))
}

fn day_digits(digits: &str) -> Option<u32> {
    (!digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

fn month_number(word: &str) -> Option<u32> {
    MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, month)| *month)
}

/// A clock time at `rest[skip..]`: "8", "8am", "8 am", "8:30", "19:30", "7.30pm". With
/// `after_at`, a bare hour counts ("at 8"); without, only a time with am/pm or a colon does.
fn clock(rest: &[&str], skip: usize, after_at: bool) -> Option<(usize, Found)> {
    let word = *rest.get(skip)?;
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (body, mut pm) = match word
        .strip_suffix("am")
        .map(|b| (b, Some(false)))
        .or_else(|| word.strip_suffix("pm").map(|b| (b, Some(true))))
    {
        Some((body, pm)) => (body, pm),
        None => (word, None),
    };
    let mut length = skip + 1;
    if pm.is_none() {
        match rest.get(skip + 1).copied() {
            Some("am") => pm = Some(false),
            Some("pm") => pm = Some(true),
            _ => {}
        }
        if pm.is_some() {
            length += 1;
        }
    }
    let (hour, minute, colon) = match body.split_once([':', '.']) {
        Some((hour, minute)) if minute.len() == 2 => (hour, minute, true),
        Some(_) => return None,
        None => (body, "0", false),
    };
    if hour.is_empty() || hour.len() > 2 || !hour.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !minute.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hour, minute): (u32, u32) = (hour.parse().ok()?, minute.parse().ok()?);
    if !(after_at || pm.is_some() || colon) || minute >= 60 {
        return None;
    }
    let valid = match pm {
        Some(_) => (1..=12).contains(&hour),
        None => hour <= 23,
    };
    // "08:00" says the morning as plainly as "8am".
    if pm.is_none() && colon && body.starts_with('0') {
        pm = Some(false);
    }
    valid.then_some((
        length,
        Found {
            time: Some(SaidTime { hour, minute, pm }),
            ..Found::default()
        },
    ))
}

/// The words of `text`: runs of letters and digits (with an apostrophe, or a ':' or '.'
/// between digits, inside), lowercased, with their byte ranges.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (position, &(offset, c)) in chars.iter().enumerate() {
        let next = chars.get(position + 1).map(|&(_, c)| c);
        let previous = position.checked_sub(1).map(|p| chars[p].1);
        let inner = match c {
            '\'' | '\u{2019}' => {
                previous.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric)
            }
            ':' | '.' => {
                previous.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit())
            }
            c => c.is_alphanumeric(),
        };
        match (inner, start) {
            (true, None) => start = Some(offset),
            (false, Some(begin)) => {
                tokens.push(token(text, begin..offset));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(begin) = start {
        tokens.push(token(text, begin..text.len()));
    }
    tokens
}

fn token(text: &str, span: Range<usize>) -> Token {
    Token {
        key: text[span.clone()].to_lowercase().replace('\u{2019}', "'"),
        span,
    }
}

/// `text` without the ranges in `taken`, tidied: the punctuation and spaces left at its ends
/// ("last night: pizza" is "pizza") and doubled spaces go.
pub(super) fn without(text: &str, taken: &[Range<usize>]) -> String {
    let mut rest = String::with_capacity(text.len());
    let mut from = 0;
    for range in taken {
        if range.start < from || range.end > text.len() {
            continue;
        }
        rest.push_str(text.get(from..range.start).unwrap_or(""));
        rest.push(' ');
        from = range.end;
    }
    rest.push_str(text.get(from..).unwrap_or(""));
    let mut squeezed = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    // "pizza on monday, then tea" without "on monday" is "pizza, then tea".
    for mark in [",", ".", ";", ":", "!"] {
        squeezed = squeezed.replace(&format!(" {mark}"), mark);
    }
    squeezed
        .trim_matches(|c: char| matches!(c, ':' | ',' | ';' | '-' | '\u{2013}' | '\u{2014}' | ' '))
        .to_string()
}

//! Skin ratings in a person's own words: "skin 4", "skin 4/5", "skin great", "my skin is
//! really bad today", "face is clear today", "skin's a bit meh", "bad skin day", "breakout
//! today". [`read`] is the pure reader; [`Engine::on_skin_said`] saves the rating and
//! answers with the 1-5 buttons, so a word read wrongly is one tap from right.
//!
//! The reader accepts a message only when every word in it has a place in a rating: a
//! subject (skin, face, complexion), linking words (is, looks, feels, today, ...), the
//! rating (a number or a word of [`RATING_WORDS`], with intensifiers and "not"), and
//! fillers around it (today, this morning, again, ...). One word outside those and the
//! message is left to the rest of the engine, so meals and questions that mention skin
//! ("salmon skin and rice", "chicken skin", "skinny latte and a muffin", "does dairy affect
//! skin", "is sugar bad for my skin?") stay what they are. A message ending with a question
//! mark is never a rating.
//!
//! How words become numbers:
//! - [`RATING_WORDS`] gives each word its rating (terrible 1, bad 2, ok 3, good 4, great 5).
//! - An intensifier ("really", "very", "so", "super", "extremely", "much") moves it one
//!   step away from the middle, within 1-5: "really bad" 1, "really good" 5, "very ok" 3.
//! - A hedge ("a bit", "quite", "pretty", "kind of", "slightly") changes nothing: "a bit
//!   meh" is 3, "pretty good" 4.
//! - "not" turns a good or middling word into 2 and a bad one into 3: "not great" and "not
//!   good" are 2 (people rarely call a neutral day "not great": it names something wrong,
//!   and a neutral day has its own words, ok and meh); "not bad" and "not terrible" are 3.
//!   An intensifier after "not" adds nothing ("not very good" is 2).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::chat::engine::{Engine, Result};
use crate::chat::html::escape;
use crate::chat::{render, Outcome};
use crate::diary::{SkinRating, MAX_RATING, MIN_RATING};

/// What a message said about the skin today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SkinSaid {
    /// A rating of 1-5, with the words it was read from when they were words ("really
    /// bad"), so the reply can show how it read them.
    Rating { rating: u8, words: Option<String> },
    /// A number that is not a whole one ("skin 3.5", "skin 3-4").
    NotWhole,
    /// A number outside 1-5, or on another scale ("skin 6", "skin 0", "skin 8/10").
    OutOfScale,
}

/// Words for skin: what the message is about.
const SUBJECTS: &[&str] = &["skin", "face", "complexion"];

/// Words that may stand between the subject and the rating and add nothing to it.
const LINKS: &[&str] = &[
    "is",
    "looks",
    "looking",
    "feels",
    "feeling",
    "seems",
    "was",
    "today",
    "now",
    "still",
    "finally",
    "actually",
    "definitely",
    "rating",
    "score",
];

/// Fillers allowed before everything else.
const LEADS: &[&str] = &[
    "today", "honestly", "ugh", "hmm", "so", "well", "oh", "wow", "yay", "omg",
];

/// Fillers allowed after the rating, longest first where one starts another.
const TAILS: &[&[&str]] = &[
    &["today", "so", "far"],
    &["this", "morning"],
    &["this", "evening"],
    &["this", "afternoon"],
    &["at", "the", "moment"],
    &["right", "now"],
    &["so", "far"],
    &["all", "day"],
    &["for", "once"],
    &["as", "well"],
    &["thank", "you"],
    &["today"],
    &["tonight"],
    &["now"],
    &["rn"],
    &["atm"],
    &["again"],
    &["tbh"],
    &["honestly"],
    &["lol"],
    &["haha"],
    &["finally"],
    &["though"],
    &["too"],
    &["overall"],
    &["thanks"],
];

/// Each rating word and its rating, 1 (bad) to 5 (great). Events ("breakout", "flared
/// up") count as a bad day. Comparatives ("better", "worse") name a change from a day the
/// reader does not know, so they count as the side they lean to, one step from the middle.
pub(crate) const RATING_WORDS: &[(&[&str], u8)] = &[
    (&["terrible"], 1),
    (&["awful"], 1),
    (&["horrible"], 1),
    (&["horrendous"], 1),
    (&["dreadful"], 1),
    (&["atrocious"], 1),
    (&["worst"], 1),
    (&["the", "worst"], 1),
    (&["bad"], 2),
    (&["poor"], 2),
    (&["rough"], 2),
    (&["irritated"], 2),
    (&["inflamed"], 2),
    (&["worse"], 2),
    (&["breakout"], 2),
    (&["breakouts"], 2),
    (&["broke", "out"], 2),
    (&["breaking", "out"], 2),
    (&["broken", "out"], 2),
    (&["flared"], 2),
    (&["flared", "up"], 2),
    (&["flaring"], 2),
    (&["flaring", "up"], 2),
    (&["flare-up"], 2),
    (&["flare", "up"], 2),
    (&["flareup"], 2),
    (&["ok"], 3),
    (&["okay"], 3),
    (&["meh"], 3),
    (&["so-so"], 3),
    (&["so", "so"], 3),
    (&["fine"], 3),
    (&["alright"], 3),
    (&["all", "right"], 3),
    (&["average"], 3),
    (&["normal"], 3),
    (&["mediocre"], 3),
    (&["good"], 4),
    (&["clear"], 4),
    (&["clearer"], 4),
    (&["calm"], 4),
    (&["nice"], 4),
    (&["better"], 4),
    (&["healthy"], 4),
    (&["smooth"], 4),
    (&["great"], 5),
    (&["amazing"], 5),
    (&["perfect"], 5),
    (&["excellent"], 5),
    (&["fantastic"], 5),
    (&["awesome"], 5),
    (&["glowing"], 5),
    (&["flawless"], 5),
    (&["brilliant"], 5),
    (&["wonderful"], 5),
    (&["incredible"], 5),
    (&["best"], 5),
    (&["the", "best"], 5),
];

/// Words that move a rating one step away from the middle.
const INTENSIFIERS: &[&[&str]] = &[
    &["really"],
    &["very"],
    &["so"],
    &["super"],
    &["extremely"],
    &["much"],
    &["way"],
    &["incredibly"],
    &["totally"],
];

/// Words that soften a rating without moving it.
const HEDGES: &[&[&str]] = &[
    &["a", "bit"],
    &["a", "little"],
    &["a", "little", "bit"],
    &["kind", "of"],
    &["sort", "of"],
    &["kinda"],
    &["quite"],
    &["pretty"],
    &["fairly"],
    &["somewhat"],
    &["slightly"],
    &["mostly"],
    &["rather"],
];

/// Words before the rating of "a bad skin day" or "breakout today".
const ARTICLES: &[&[&str]] = &[
    &["having", "a"],
    &["had", "a"],
    &["such", "a"],
    &["what", "a"],
    &["another"],
    &["a"],
    &["an"],
];

/// Number words people type for a rating.
const NUMBER_WORDS: &[(&str, u8)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
];

/// What `text` says about today's skin, or `None` when it is not a rating (see the module
/// comment for what is read and how).
pub(crate) fn read(text: &str) -> Option<SkinSaid> {
    if text.trim_end().ends_with('?') {
        return None;
    }
    let words = words(text);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut rest = words.as_slice();
    while let [first, tail @ ..] = rest {
        if !LEADS.contains(first) {
            break;
        }
        rest = tail;
    }
    let rest = strip_tails(rest);
    about_subject(rest)
        .or_else(|| subject_day(rest))
        .or_else(|| event_alone(rest))
}

/// The words of a message, lowercased: letters, digits and the marks inside a rating ("4/5",
/// "3.5", "so-so"); "skin's" is "skin is"; a comma between digits is a decimal point.
fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut normalised = String::with_capacity(text.len());
    for (index, &c) in chars.iter().enumerate() {
        let digit_at = |i: Option<usize>| {
            i.and_then(|i| chars.get(i))
                .is_some_and(char::is_ascii_digit)
        };
        let c = match c {
            '\u{2019}' | '\u{2018}' => '\'',
            '\u{2212}' | '\u{2013}' | '\u{2014}' => '-',
            ',' if digit_at(index.checked_sub(1)) && digit_at(Some(index + 1)) => '.',
            c => c,
        };
        if c.is_alphanumeric() || matches!(c, '.' | '/' | '\'' | '-') {
            normalised.extend(c.to_lowercase());
        } else {
            normalised.push(' ');
        }
    }
    let mut words = Vec::new();
    for word in normalised.split_whitespace() {
        let word = word.trim_end_matches(['.', '\'', '-', '/']);
        let word = word.trim_start_matches(['.', '\'', '/']);
        // A leading minus is kept only as a sign ("skin -1").
        let word = match word.strip_prefix('-') {
            Some(rest) if !rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
            _ => word,
        };
        if word.is_empty() {
            continue;
        }
        match word.strip_suffix("'s") {
            Some(stem) if !stem.is_empty() => {
                words.push(stem.to_string());
                words.push("is".to_string());
            }
            _ => words.push(word.to_string()),
        }
    }
    words
}

/// `words` without the fillers at their end ("today", "this morning", "again").
fn strip_tails<'a>(mut words: &'a [&'a str]) -> &'a [&'a str] {
    'outer: loop {
        for tail in TAILS {
            if words.len() > tail.len() && words.ends_with(tail) {
                words = &words[..words.len() - tail.len()];
                continue 'outer;
            }
        }
        return words;
    }
}

/// `words` past `phrase`, if they start with it.
fn after<'a>(words: &'a [&'a str], phrase: &[&str]) -> Option<&'a [&'a str]> {
    words.starts_with(phrase).then(|| &words[phrase.len()..])
}

/// `words` past the first of `phrases` they start with (the longest wins).
fn after_any<'a>(words: &'a [&'a str], phrases: &[&[&str]]) -> Option<&'a [&'a str]> {
    phrases
        .iter()
        .filter(|phrase| words.starts_with(phrase))
        .max_by_key(|phrase| phrase.len())
        .map(|phrase| &words[phrase.len()..])
}

/// "[my] skin [is ...] VALUE": a number, a quality or an event.
fn about_subject(words: &[&str]) -> Option<SkinSaid> {
    let words = after_any(words, &[&["my"], &["the"]]).unwrap_or(words);
    let (subject, mut rest) = words.split_first()?;
    if !SUBJECTS.contains(subject) {
        return None;
    }
    while let [first, tail @ ..] = rest {
        if !LINKS.contains(first) {
            break;
        }
        rest = tail;
    }
    if let Some(said) = number(rest) {
        return Some(said);
    }
    let (rating, words, rest) = quality(rest, false)?;
    rest.is_empty().then_some(SkinSaid::Rating {
        rating,
        words: Some(words),
    })
}

/// "[a] bad skin [day]", "really great skin".
fn subject_day(words: &[&str]) -> Option<SkinSaid> {
    let (rating, read, rest) = quality(words, true)?;
    let rest = after_any(rest, &[&["skin"], &["face"]])?;
    let rest = after(rest, &["day"]).unwrap_or(rest);
    rest.is_empty().then_some(SkinSaid::Rating {
        rating,
        words: Some(read),
    })
}

/// "breakout", "a breakout", "broke out again": an event on its own.
fn event_alone(words: &[&str]) -> Option<SkinSaid> {
    let rest = after_any(words, ARTICLES).unwrap_or(words);
    let (phrase, rating) = RATING_WORDS
        .iter()
        .filter(|(phrase, rating)| *rating == 2 && is_event(phrase) && *rest == **phrase)
        .map(|(phrase, rating)| (*phrase, *rating))
        .next()?;
    Some(SkinSaid::Rating {
        rating,
        words: Some(phrase.join(" ")),
    })
}

/// Whether a rating phrase names something that happened to the skin, which can stand
/// alone ("breakout today") where a plain adjective cannot ("bad today" says nothing of skin).
fn is_event(phrase: &[&str]) -> bool {
    phrase.first().is_some_and(|word| {
        word.starts_with("break") || word.starts_with("broke") || word.starts_with("flar")
    })
}

/// A rating word with the modifiers before it: the rating, the words read, and what follows.
/// With `articles`, "a" or "another" may come first ("a bad skin day").
fn quality<'a>(words: &'a [&'a str], articles: bool) -> Option<(u8, String, &'a [&'a str])> {
    let mut rest = words;
    let mut read: Vec<&str> = Vec::new();
    let (mut negated, mut intensified) = (false, false);
    // A rating phrase that starts like a modifier ("so so") is the rating.
    while !RATING_WORDS
        .iter()
        .any(|(phrase, _)| rest.starts_with(phrase))
    {
        let next = if let Some(next) = after(rest, &["not"]) {
            negated = true;
            next
        } else if let Some(next) = after_any(rest, HEDGES) {
            next
        } else if let Some(next) = after_any(rest, INTENSIFIERS) {
            intensified = true;
            next
        } else if let Some(next) = articles.then(|| after_any(rest, ARTICLES)).flatten() {
            // Articles are not shown among the words read.
            rest = next;
            continue;
        } else {
            break;
        };
        read.extend_from_slice(&rest[..rest.len() - next.len()]);
        rest = next;
    }
    let &(phrase, base) = RATING_WORDS
        .iter()
        .filter(|(phrase, _)| rest.starts_with(phrase))
        .max_by_key(|(phrase, _)| phrase.len())?;
    read.extend_from_slice(phrase);
    let rest = &rest[phrase.len()..];
    let rating = if negated {
        if base <= 2 {
            3
        } else {
            2
        }
    } else if intensified {
        match base {
            1..=2 => base.saturating_sub(1).max(MIN_RATING),
            4..=5 => (base + 1).min(MAX_RATING),
            _ => base,
        }
    } else {
        base
    };
    Some((rating, read.join(" "), rest))
}

/// "4", "4/5", "a 4", "4 out of 5", "four"; a number that is no rating is said so.
fn number(words: &[&str]) -> Option<SkinSaid> {
    let words = after_any(words, &[&["a"], &["an"]]).unwrap_or(words);
    let (value, scale): (&str, Option<&str>) = match words {
        [value] => match value.split_once('/') {
            Some((value, scale)) => (value, Some(scale)),
            None => (value, None),
        },
        [value, "out", "of", scale] => (value, Some(scale)),
        _ => return None,
    };
    if let Some(&(_, rating)) = NUMBER_WORDS.iter().find(|(word, _)| *word == value) {
        return match scale {
            None | Some("5") => Some(SkinSaid::Rating {
                rating,
                words: None,
            }),
            Some(_) => Some(SkinSaid::OutOfScale),
        };
    }
    if !value.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return None;
    }
    if let Some(scale) = scale {
        if scale != "5" {
            return scale.parse::<f64>().is_ok().then_some(SkinSaid::OutOfScale);
        }
    }
    // "3-4" is a range: between two ratings, like 3.5.
    if let Some((low, high)) = value.split_once('-').filter(|(low, _)| !low.is_empty()) {
        let is_number = |s: &str| s.parse::<f64>().is_ok();
        return (is_number(low) && is_number(high)).then_some(SkinSaid::NotWhole);
    }
    let number: f64 = value.parse().ok()?;
    if !(f64::from(MIN_RATING)..=f64::from(MAX_RATING)).contains(&number) {
        return Some(SkinSaid::OutOfScale);
    }
    if number.fract() != 0.0 {
        return Some(SkinSaid::NotWhole);
    }
    // In range and whole, so the cast is exact.
    Some(SkinSaid::Rating {
        rating: number as u8,
        words: None,
    })
}

impl Engine {
    /// The reply to a message [`read`] found a rating in: a rating is saved for today and
    /// shown with the buttons to change it; a number that is no rating gets the buttons and
    /// saves nothing.
    pub(super) async fn on_skin_said(
        &self,
        user: i64,
        at: DateTime<Utc>,
        said: SkinSaid,
    ) -> Result<Outcome> {
        let mut person = self.person(user, at).await?;
        let today = person.clock.local_day(at);
        let (rating, words) = match said {
            SkinSaid::Rating { rating, words } => (rating, words),
            unclear => {
                let current = self
                    .store
                    .ratings(user, today, today)
                    .await?
                    .last()
                    .map(SkinRating::rating);
                let mut reply = render::skin_buttons(today, current, true);
                let why = match unclear {
                    SkinSaid::NotWhole => "Skin ratings are whole numbers",
                    _ => "Skin ratings go",
                };
                reply.text = format!(
                    "{why} from 1 (bad) to 5 (great), so I saved nothing. {}",
                    reply.text
                );
                return Ok(Outcome::reply(reply));
            }
        };
        if !person.known() {
            self.save(&mut person, at).await?;
        }
        self.rate(user, at, today, rating).await?;
        let mut reply = render::skin_buttons(today, Some(rating), true);
        let mut text = format!(
            "Saved: your skin today ({}) is <b>{rating}/5</b>.",
            render::day_label(today)
        );
        if let Some(words) = words {
            let _ = write!(text, " I read “{}” as {rating}.", escape(&words));
        }
        text.push_str(
            " Tap a number to change it. After a few weeks of ratings, /insights shows which \
             foods go with better or worse skin.",
        );
        reply.text = text;
        Ok(Outcome::reply(reply))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(text: &str) -> Option<u8> {
        match read(text) {
            Some(SkinSaid::Rating { rating, .. }) => Some(rating),
            _ => None,
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(rating("skin 4"), Some(4));
        assert_eq!(rating("Skin: 2/5"), Some(2));
        assert_eq!(rating("skin 4/5"), Some(4));
        assert_eq!(rating("skin=1"), Some(1));
        assert_eq!(rating("skin is a 4 today"), Some(4));
        assert_eq!(rating("skin 3 out of 5"), Some(3));
        assert_eq!(rating("skin four"), Some(4));
        assert_eq!(rating("skin 5.0"), Some(5));
        assert_eq!(rating("my skin today: 2"), Some(2));
        assert_eq!(
            read("skin 4"),
            Some(SkinSaid::Rating {
                rating: 4,
                words: None
            })
        );
    }

    #[test]
    fn numbers_that_are_no_rating_say_so() {
        for text in [
            "skin 3.5",
            "skin 3,5",
            "skin 2.5/5",
            "skin 3-4",
            "skin: 4.5 today",
        ] {
            assert_eq!(read(text), Some(SkinSaid::NotWhole), "{text}");
        }
        for text in [
            "skin 6",
            "skin 0",
            "skin 44",
            "skin -1",
            "skin 8/10",
            "skin 4 out of 10",
            "skin 10/10",
        ] {
            assert_eq!(read(text), Some(SkinSaid::OutOfScale), "{text}");
        }
    }

    #[test]
    fn words_from_the_table() {
        for (text, expected) in [
            ("skin great", 5),
            ("skin is good today", 4),
            ("my skin is really bad today", 1),
            ("face is clear today", 4),
            ("skin's a bit meh", 3),
            ("skin’s a bit meh", 3),
            ("bad skin day", 2),
            ("a bad skin day", 2),
            ("having a really good skin day", 5),
            ("great skin today", 5),
            ("breakout today", 2),
            ("another breakout", 2),
            ("skin broke out again", 2),
            ("my skin flared up this morning", 2),
            ("skin terrible", 1),
            ("skin awful today", 1),
            ("skin is so-so", 3),
            ("skin so so", 3),
            ("skin ok", 3),
            ("Skin is amazing!", 5),
            ("complexion looks perfect", 5),
            ("skin is pretty good", 4),
            ("skin very ok", 3),
            ("skin really great", 5),
            ("skin is very bad", 1),
            ("skin is really terrible", 1),
            ("skin is finally clear", 4),
            ("my face looks better today", 4),
            ("ugh, skin is bad again 😩", 2),
        ] {
            assert_eq!(rating(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn not_turns_good_to_two_and_bad_to_three() {
        assert_eq!(rating("skin not great"), Some(2));
        assert_eq!(rating("skin is not good today"), Some(2));
        assert_eq!(rating("skin not very good"), Some(2));
        assert_eq!(rating("skin's not bad"), Some(3));
        assert_eq!(rating("skin not terrible"), Some(3));
        assert_eq!(rating("not a great skin day"), Some(2));
    }

    #[test]
    fn the_reply_shows_the_words_read() {
        assert_eq!(
            read("my skin is really bad today"),
            Some(SkinSaid::Rating {
                rating: 1,
                words: Some("really bad".into())
            })
        );
        assert_eq!(
            read("bad skin day"),
            Some(SkinSaid::Rating {
                rating: 2,
                words: Some("bad".into())
            })
        );
    }

    #[test]
    fn meals_and_questions_about_skin_are_left_alone() {
        for text in [
            "is sugar bad for my skin?",
            "does dairy affect skin",
            "skinny latte and a muffin",
            "salmon skin and rice",
            "chicken skin",
            "skin",
            "my skin",
            "skin good?",
            "how is my skin",
            "is my skin good",
            "skin on the salmon was great",
            "great salmon skin",
            "potato skins",
            "bad day",
            "great",
            "good today",
            "skin care routine",
            "skin 4 and oats",
            "yesterday skin bad",
            "skin was bad yesterday",
            "skin4",
            "skin-4",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}

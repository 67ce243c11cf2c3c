//! Finding the place in what someone writes about where they are: "I'm in Paris", "Tokyo
//! please", "im in new york", "London, UK", "living in Berlin atm", "in Lisbon this week",
//! "my time zone is UTC-3".
//!
//! [`find_place`] takes the words around the place off (greetings and "I'm in", "I live in",
//! "my time zone is" before it; "please", "thanks", "atm", "this week" after it), then reads
//! what is left as a zone with [`find_zone`]; failing that, each part between commas ("London,
//! UK") and then the words before a second place ("Paris France"). It never guesses at a
//! misspelling, and what is left must be the place and nothing else, so a meal that names a
//! place ("turkey sandwich", "Brazil nuts", "had pizza in Rome") is no place.
//!
//! Whether the message was the place alone ([`PlaceFound::bare`]) is kept, because a bare
//! place may be a food too ("Turkey", "Chile"): the chat layer asks rather than decides.

use super::zone::{find_zone, ChosenZone, MAX_ZONE_CHARS};

/// A place found in a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceFound {
    /// The zone it names.
    pub zone: ChosenZone,
    /// The words that named it, as written ("new york", "UTC-3").
    pub place: String,
    /// Whether the message was the place alone, give or take "please" or "thanks": no words
    /// said it was a place ("I'm in", "I live in").
    pub bare: bool,
}

/// The most words a message about where someone is has; longer ones are not read.
const MAX_WORDS: usize = 12;

/// Words before a place that say it is one. Taken off the front in any order, so "I'm
/// currently living in" and "hi, I am based in" both go.
const LEAD_WORDS: &[&str] = &[
    "i'm",
    "im",
    "i",
    "am",
    "we're",
    "we",
    "are",
    "live",
    "living",
    "based",
    "currently",
    "staying",
    "moved",
    "just",
    "i've",
    "ive",
    "have",
    "back",
    "arrived",
    "landed",
    "now",
    "here",
    "in",
    "to",
    "my",
    "time",
    "zone",
    "timezone",
    "tz",
    "is",
    "it's",
    "its",
    "city",
    "set",
    "it",
];

/// Words before a place that say nothing about it and are no evidence it is one: a
/// greeting, or an answer's "ok".
const FILLER_WORDS: &[&str] = &[
    "hi", "hello", "hey", "ok", "okay", "yes", "yeah", "sure", "so", "well", "please",
];

/// Phrases after a place that add nothing to it, longest first where one ends another.
const TAILS: &[&[&str]] = &[
    &["for", "the", "week"],
    &["for", "the", "weekend"],
    &["for", "a", "while"],
    &["for", "a", "bit"],
    &["at", "the", "moment"],
    &["thank", "you"],
    &["this", "week"],
    &["this", "weekend"],
    &["this", "month"],
    &["for", "now"],
    &["for", "work"],
    &["right", "now"],
    &["these", "days"],
    &["on", "holiday"],
    &["on", "vacation"],
    &["time", "zone"],
    &["please"],
    &["pls"],
    &["plz"],
    &["thanks"],
    &["thx"],
    &["ty"],
    &["atm"],
    &["now"],
    &["currently"],
    &["today"],
    &["tonight"],
    &["here"],
    &["time"],
    &["timezone"],
    &["tz"],
];

/// One word of the message: where it is, and its key for comparing with the word lists.
struct Word<'a> {
    text: &'a str,
    key: String,
}

/// The place `text` names, if it is a message about where someone is (see the module
/// comment); `None` for anything else.
pub fn find_place(text: &str) -> Option<PlaceFound> {
    let words: Vec<Word> = text
        .split_whitespace()
        .map(|text| Word {
            text,
            key: key(text),
        })
        .filter(|word| !word.key.is_empty())
        .collect();
    if words.is_empty() || words.len() > MAX_WORDS || text.trim_end().ends_with('?') {
        return None;
    }
    let mut rest = words.as_slice();
    let mut bare = true;
    while let [first, tail @ ..] = rest {
        if tail.is_empty() {
            break;
        }
        if LEAD_WORDS.contains(&first.key.as_str()) {
            bare = false;
        } else if !FILLER_WORDS.contains(&first.key.as_str()) {
            break;
        }
        rest = tail;
    }
    let rest = strip_tails(rest);
    let place = span(text, rest)?;
    let found = |place: &str, zone: ChosenZone| PlaceFound {
        zone,
        place: place.to_string(),
        bare,
    };
    if let Some(zone) = find_zone(place) {
        return Some(found(place, zone));
    }
    // "I'm in the UK": "the" is kept above, as "The Hague" needs it.
    if let Some(without) = strip_prefix_word(place, "the") {
        if let Some(zone) = find_zone(without) {
            return Some(found(without, zone));
        }
    }
    // "London, UK", "Portland, Oregon": the first part that is a place.
    if place.contains(',') {
        return place
            .split(',')
            .map(|part| trim_marks(part.trim()))
            .filter(|part| !part.is_empty())
            .find_map(|part| find_zone(part).map(|zone| found(part, zone)));
    }
    // "Paris France", "new york usa": a place followed by another.
    for split in (1..rest.len()).rev() {
        let (head, tail) = (span(text, &rest[..split])?, span(text, &rest[split..])?);
        if find_zone(tail).is_some() {
            if let Some(zone) = find_zone(head) {
                return Some(found(head, zone));
            }
        }
    }
    None
}

/// The words of a message as they are compared with the lists: lowercase, curly apostrophes
/// straight, the punctuation around them gone.
fn key(word: &str) -> String {
    trim_marks(word)
        .chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' => '\'',
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// `text` without punctuation at its ends ("Paris," "Berlin!"), keeping an offset's sign
/// and digits ("UTC-3", "+05:30").
fn trim_marks(text: &str) -> &str {
    text.trim_matches(|c: char| matches!(c, ',' | '.' | '!' | ';' | ':' | '(' | ')' | '"' | '\''))
}

/// `words` without the phrases at their end that add nothing ("please", "this week").
fn strip_tails<'w, 'a>(mut words: &'w [Word<'a>]) -> &'w [Word<'a>] {
    'outer: loop {
        for tail in TAILS {
            if words.len() > tail.len() {
                let end = &words[words.len() - tail.len()..];
                if end.iter().zip(tail.iter()).all(|(word, t)| word.key == *t) {
                    words = &words[..words.len() - tail.len()];
                    continue 'outer;
                }
            }
        }
        return words;
    }
}

/// The text from the first of `words` to the end of the last, its end punctuation trimmed;
/// `None` when empty or too long to be a zone.
fn span<'a>(text: &'a str, words: &[Word<'a>]) -> Option<&'a str> {
    let (first, last) = (words.first()?, words.last()?);
    let start = first.text.as_ptr() as usize - text.as_ptr() as usize;
    let end = last.text.as_ptr() as usize - text.as_ptr() as usize + last.text.len();
    let span = trim_marks(text.get(start..end)?.trim());
    (!span.is_empty() && span.chars().count() <= MAX_ZONE_CHARS).then_some(span)
}

/// `text` without a first word `word` (any case), if it starts with it and more follows.
fn strip_prefix_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let (first, rest) = text.split_once(char::is_whitespace)?;
    first.eq_ignore_ascii_case(word).then(|| rest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    fn zone(text: &str) -> Option<Tz> {
        find_place(text).map(|found| found.zone.tz)
    }

    #[test]
    fn phrasings_of_where_someone_is() {
        use chrono_tz::{America, Asia, Etc, Europe};
        for (text, expected) in [
            ("I'm in Paris", Europe::Paris),
            ("I’m in Paris", Europe::Paris),
            ("Tokyo please", Asia::Tokyo),
            ("im in new york", America::New_York),
            ("London, UK", Europe::London),
            ("living in Berlin atm", Europe::Berlin),
            ("UTC-3", Etc::GMTPlus3),
            ("gmt+5:30", Asia::Kolkata),
            ("in Lisbon this week", Europe::Lisbon),
            ("I live in Madrid", Europe::Madrid),
            ("hi, I am based in Rome!", Europe::Rome),
            (
                "I'm currently living in Amsterdam, Netherlands",
                Europe::Amsterdam,
            ),
            ("my time zone is Europe/Vienna", Europe::Vienna),
            ("Paris France", Europe::Paris),
            ("new york, usa", America::New_York),
            ("Berlin, thanks", Europe::Berlin),
            ("ok, Sydney", chrono_tz::Australia::Sydney),
            ("I'm in the UK", Europe::London),
            ("The Hague", Europe::Amsterdam),
            ("just moved to Denver", America::Denver),
            ("Italy", Europe::Rome),
            ("São Paulo", America::Sao_Paulo),
        ] {
            assert_eq!(zone(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn offsets_keep_their_label_and_places_their_words() {
        let found = find_place("UTC-3").expect("an offset");
        assert_eq!(found.zone.shown(), "UTC-3");
        assert_eq!(found.place, "UTC-3");
        let found = find_place("im in new york please").expect("a city");
        assert_eq!(found.place, "new york");
        assert_eq!(found.zone.label, None);
        let found = find_place("London, UK").expect("a city");
        assert_eq!(found.place, "London");
    }

    #[test]
    fn only_a_message_of_the_place_alone_is_bare() {
        assert!(find_place("Turkey").expect("a country").bare);
        assert!(find_place("Tokyo please").expect("a city").bare);
        assert!(find_place("Chile!").expect("a country").bare);
        assert!(!find_place("I'm in Turkey").expect("a country").bare);
        assert!(!find_place("in Lisbon this week").expect("a city").bare);
    }

    #[test]
    fn meals_and_sentences_are_no_place() {
        for text in [
            "turkey sandwich",
            "Brazil nuts",
            "had pizza in Rome",
            "porridge and kefir",
            "I'm in bed",
            "in",
            "I'm",
            "please",
            "Tokyo?",
            "Londn",
            "java chip frappuccino",
            "2 beers and a burger",
            "skin great",
            "I had oats in Paris and a coffee in Berlin after the train from Munich, late",
        ] {
            assert_eq!(find_place(text), None, "{text}");
        }
    }
}

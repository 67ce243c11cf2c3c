//! Reading a text message before it meets the parser: cleaning it, splitting off a command,
//! and telling greetings and questions from meals. (When a meal was eaten is
//! `diary::read_when`'s.)

/// A cleaned message: control characters (other than line breaks) removed, zero-width and
/// direction marks dropped, whitespace runs squeezed, ends trimmed.
pub(crate) fn clean(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !cleaned.is_empty();
            continue;
        }
        // Zero-width and bidirectional marks: invisible, and they split words for the parser.
        if matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
        {
            continue;
        }
        if pending_space {
            cleaned.push(' ');
            pending_space = false;
        }
        cleaned.push(c);
    }
    cleaned
}

/// A `/command` with its argument: `/tz Europe/Berlin` → ("tz", "Europe/Berlin"). The
/// command is lowercased and loses a `@botname` suffix; `None` if the text is no command.
pub(crate) fn command(text: &str) -> Option<(String, &str)> {
    let rest = text.strip_prefix('/')?;
    let (word, argument) = match rest.find(char::is_whitespace) {
        Some(end) => (&rest[..end], rest[end..].trim()),
        None => (rest, ""),
    };
    let name = word.split('@').next().unwrap_or(word);
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((name.to_ascii_lowercase(), argument))
}

/// What a message without food might be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SmallTalk {
    Greeting,
    Thanks,
}

const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "heya",
    "yo",
    "howdy",
    "morning",
    "good morning",
    "good afternoon",
    "good evening",
    "evening",
    "hi there",
    "hello there",
    "hey there",
    "👋",
];

/// The most words small talk has: the longest of [`GREETINGS`] and [`THANKS`] ("thank you
/// so much") and a name after it ("bot"); a test keeps it true.
const MAX_SMALL_TALK_WORDS: usize = 5;

const THANKS: &[&str] = &[
    "thanks",
    "thank you",
    "thanks a lot",
    "thank you so much",
    "thx",
    "ty",
    "cheers",
    "ta",
    "great thanks",
    "ok thanks",
    "ok",
    "okay",
    "cool",
    "great",
    "nice",
    "perfect",
    "awesome",
    "got it",
    "👍",
    "🙏",
];

/// A greeting or thanks, judged on the whole message (so "hi, had eggs" is not small talk).
pub(crate) fn small_talk(text: &str) -> Option<SmallTalk> {
    let is_mark = |c: char| matches!(c, '!' | '.' | ',' | '?' | ':' | ')' | '(');
    // Most messages are meals, longer than any greeting: counted without a copy, they need
    // no more look.
    let words = text
        .split_whitespace()
        .filter(|word| !word.chars().all(is_mark))
        .count();
    if words > MAX_SMALL_TALK_WORDS {
        return None;
    }
    let words: String = text
        .chars()
        .filter(|c| !is_mark(*c))
        .collect::<String>()
        .to_lowercase();
    let key = words.split_whitespace().collect::<Vec<_>>().join(" ");
    // "hi gutskin", "thanks bot": one trailing name word is still small talk.
    let without_name = key
        .rsplit_once(' ')
        .filter(|(_, last)| matches!(*last, "bot" | "gutskin" | "there" | "again"))
        .map_or(key.as_str(), |(head, _)| head);
    for candidate in [key.as_str(), without_name] {
        if GREETINGS.contains(&candidate) {
            return Some(SmallTalk::Greeting);
        }
        if THANKS.contains(&candidate) {
            return Some(SmallTalk::Thanks);
        }
    }
    None
}

const QUESTION_WORDS: &[&str] = &[
    "what", "whats", "what's", "why", "how", "hows", "does", "do", "is", "are", "should", "which",
    "when", "will", "could", "would", "can", "any", "tell", "explain", "who", "where",
];

/// Whether the message reads as a question: it ends with a question mark, or starts with a
/// question word ("can of coke" is the one everyday meal that starts like a question).
pub(crate) fn is_question(text: &str) -> bool {
    if text.trim_end().ends_with('?') {
        return true;
    }
    let lower = text.to_lowercase();
    let mut words = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty());
    match (words.next(), words.next()) {
        (Some("can"), Some("of")) => false,
        (Some(first), _) => QUESTION_WORDS.contains(&first),
        (None, _) => false,
    }
}

/// Words that open a message about not eating something ("no sugar today", "skipped
/// lunch"): with no food named, there is nothing to log, and it is no question either.
const ABSTENTIONS: &[&str] = &[
    "no", "zero", "skipped", "skip", "without", "avoided", "nothing", "fasting", "fasted",
];

/// Whether the message opens by saying something was not eaten.
pub(crate) fn is_abstention(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .is_some_and(|first| ABSTENTIONS.contains(&first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_controls_and_invisible_marks() {
        assert_eq!(
            clean("  oats\u{0}\u{7}\n\n and\u{200b} kefir \t"),
            "oats and kefir"
        );
        assert_eq!(clean("\u{202e}\u{feff}"), "");
    }

    #[test]
    fn reads_commands_with_bot_names_and_arguments() {
        assert_eq!(
            command("/tz Europe/Berlin"),
            Some(("tz".into(), "Europe/Berlin"))
        );
        assert_eq!(command("/Today@gutskin_bot"), Some(("today".into(), "")));
        assert_eq!(
            command("/digest   21:30 "),
            Some(("digest".into(), "21:30"))
        );
        assert_eq!(command("/"), None);
        assert_eq!(command("/ oats"), None);
        assert_eq!(command("1/2 avocado"), None);
    }

    #[test]
    fn small_talk_word_limit_covers_every_phrase_and_a_name() {
        for phrase in GREETINGS.iter().chain(THANKS) {
            assert!(phrase.split_whitespace().count() < MAX_SMALL_TALK_WORDS);
            let named = format!("{phrase}, bot !!");
            assert!(small_talk(&named).is_some(), "{named:?}");
        }
        assert_eq!(
            small_talk("thank you so much ! ! ! !"),
            Some(SmallTalk::Thanks)
        );
        assert_eq!(small_talk("hi there, I had eggs and toast"), None);
    }

    #[test]
    fn small_talk_is_the_whole_message() {
        assert_eq!(small_talk("Hi!"), Some(SmallTalk::Greeting));
        assert_eq!(small_talk("good morning bot"), Some(SmallTalk::Greeting));
        assert_eq!(small_talk("Thanks a lot!!"), Some(SmallTalk::Thanks));
        assert_eq!(small_talk("hi, had eggs"), None);
        assert_eq!(small_talk("cheese"), None);
    }

    #[test]
    fn questions() {
        assert!(is_question("does sugar cause acne"));
        assert!(is_question("kefir good for skin?"));
        assert!(is_question("What's the gut-skin axis"));
        assert!(!is_question("can of coke and crisps"));
        assert!(!is_question("porridge with blueberries"));
    }
}

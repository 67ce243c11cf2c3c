//! When a meal was eaten, between the pure reader (`diary::read_when`) and the engine:
//! finding the words of a message that are foods, so the reader leaves them alone, and
//! wording the replies for a day that cannot be logged.
//!
//! The engine parses a message once to learn where its foods are; only when the reader
//! finds time words does it parse the rest again, without them, so a message without any
//! ("porridge and kefir", most of them) costs one parse as before.

use std::ops::Range;

use crate::chat::render;
use crate::diary::{read_when, WhenError, WhenSaid, MAX_DAYS_BACK};
use crate::food::Meal;

/// What `text` says about when its meal was eaten; `meal` is `text` parsed, whose foods'
/// words are never read as time ("sunday roast", "late night kebab").
pub(super) fn read(text: &str, meal: &Meal<'_>) -> Option<WhenSaid> {
    read_when(text, &food_spans(text, meal))
}

/// Where each food of `meal` was read from in `text`. The parser's `matched` is a slice of
/// the text it parsed, so its place is its offset; a slice from anywhere else is skipped.
fn food_spans(text: &str, meal: &Meal<'_>) -> Vec<Range<usize>> {
    let base = text.as_ptr() as usize;
    meal.items
        .iter()
        .filter_map(|item| {
            let start = (item.matched.as_ptr() as usize).checked_sub(base)?;
            let end = start + item.matched.len();
            (end <= text.len() && text.get(start..end) == Some(item.matched)).then_some(start..end)
        })
        .collect()
}

/// The reply to a meal whose day cannot be logged; nothing was stored.
pub(super) fn refusal(error: &WhenError) -> String {
    match error {
        WhenError::TooFarBack(day) => format!(
            "I can log meals up to {MAX_DAYS_BACK} days back, and {} is further, so I stored \
             nothing. For a recent day, say which, like <i>yesterday: pizza</i> or <i>on \
             monday: dal</i>.",
            render::day_label(*day)
        ),
        WhenError::Future => "That sounds like it is still to come, so I stored nothing. Tell \
             me once you have eaten it."
            .to_string(),
        WhenError::NoSuchDay => "I couldn't find that day on the calendar, so I stored nothing. \
             Try <i>yesterday: pizza</i> or <i>on monday: dal</i>."
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::food::Lexicon;

    #[test]
    fn foods_are_found_where_they_were_written() {
        let lexicon = Lexicon::builtin().expect("lexicon");
        let text = "Sunday roast on Monday, then tea at 4";
        let meal = lexicon.parse(text);
        let spans = food_spans(text, &meal);
        let words: Vec<&str> = spans.iter().map(|span| &text[span.clone()]).collect();
        assert!(words.contains(&"Sunday roast"), "{words:?}");
        assert!(words.contains(&"tea"), "{words:?}");
        let said = read(text, &meal).expect("a day and a time");
        assert_eq!(said.rest_of(text), "Sunday roast, then tea");
    }

    #[test]
    fn refusals_are_safe_html() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
        for error in [
            WhenError::TooFarBack(day),
            WhenError::Future,
            WhenError::NoSuchDay,
        ] {
            let text = refusal(&error);
            assert!(text.contains("stored nothing"), "{text}");
            assert!(!text.contains('&'), "{text}");
        }
        assert!(refusal(&WhenError::TooFarBack(day)).contains("Mon 2 Nov"));
    }
}

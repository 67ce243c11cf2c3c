//! Words that look like food the lexicon does not know: "horta" in "had horta and bread".
//!
//! They are kept with the entry (so a later lexicon can read it again) and shown to the
//! person ("I didn't recognise: horta"), which is better than guessing a neighbour. A word
//! counts when it is in no phrase and no rule list, is not an English word, is not a name
//! (capitalised inside a sentence), and stands as an item of the message's list: between
//! list boundaries such as a comma, "and", "with", "had" or the ends of the message.

use super::{Draft, Hit, Lexicon};
use crate::food::lexicon::word;
use crate::food::text::{TokenKind, Tokens};

/// Words that may open a list item: "had horta", "with horta", "2 horta".
fn opens_item(w: &str) -> bool {
    matches!(
        w,
        "and"
            | "n"
            | "with"
            | "w"
            | "had"
            | "ate"
            | "a"
            | "an"
            | "some"
            | "of"
            | "then"
            | "plus"
            | "also"
            | "having"
            | "drank"
            | "eating"
            | "x"
    )
}

/// Words that may close a list item: "horta and", "horta with", "horta for lunch".
fn closes_item(w: &str) -> bool {
    matches!(
        w,
        "and"
            | "n"
            | "with"
            | "w"
            | "for"
            | "then"
            | "plus"
            | "x"
            | "at"
            | "on"
            | "from"
            | "in"
            | "today"
            | "tonight"
            | "again"
            | "too"
            | "lol"
    )
}

impl Lexicon {
    /// The unknown food-like words of the message, as typed (see the module comment).
    pub(super) fn unrecognised<'a>(
        &self,
        text: &'a str,
        tokens: &Tokens,
        hits: &[Hit],
        drafts: &[Draft<'_>],
    ) -> Vec<&'a str> {
        let starts_with_eating = tokens
            .list
            .first()
            .is_some_and(|t| t.kind == TokenKind::Word && tokens.info[0].flags & word::ATE != 0);
        if drafts.is_empty() && !starts_with_eating {
            return Vec::new();
        }
        // Hits are in order and do not overlap: whether a token is inside one, by bisection.
        let covered = |k: usize| {
            let i = hits.partition_point(|hit| hit.last < k);
            hits.get(i).is_some_and(|hit| hit.first <= k)
        };
        let candidate = |k: usize| {
            let t = &tokens.list[k];
            let w = tokens.text(k);
            let flags = tokens.info[k].flags;
            let known = flags & !(word::ENGLISH | word::ENGLISH_CHECKED) != 0;
            if t.kind != TokenKind::Word || w.len() < 3 || known || covered(k) {
                return false;
            }
            let english = match flags & word::ENGLISH_CHECKED {
                0 => self.is_english_word(w),
                _ => flags & word::ENGLISH != 0,
            };
            if english {
                return false;
            }
            let sentence_start = k == 0
                || ['.', '!', '?', ';', ':']
                    .iter()
                    .any(|&ch| tokens.is_punct(k - 1, ch));
            let capitalised = text[t.orig.clone()].starts_with(char::is_uppercase);
            sentence_start || !capitalised
        };
        let boundary_before = |k: usize| {
            let mut j = k;
            while j > 0 {
                j -= 1;
                match tokens.list[j].kind {
                    TokenKind::Number => continue,
                    TokenKind::Word => {
                        let w = tokens.text(j);
                        if opens_item(w) {
                            return true;
                        }
                        let skippable = word::ADJECTIVE | word::NUMBER | word::FILLER;
                        if tokens.info[j].flags & skippable == 0 {
                            return false;
                        }
                    }
                    _ => return true,
                }
            }
            true
        };
        let boundary_after = |k: usize| {
            k + 1 >= tokens.list.len() || {
                let t = &tokens.list[k + 1];
                t.kind != TokenKind::Word || closes_item(tokens.text(k + 1))
            }
        };
        let mut found = Vec::new();
        let mut k = 0;
        while k < tokens.list.len() {
            if !candidate(k) {
                k += 1;
                continue;
            }
            let mut end = k;
            while end + 1 < tokens.list.len() && candidate(end + 1) {
                end += 1;
            }
            if boundary_before(k) && boundary_after(end) {
                found.push(&text[tokens.list[k].orig.start..tokens.list[end].orig.end]);
            }
            k = end + 1;
        }
        found
    }
}

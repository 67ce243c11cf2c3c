//! How much of a food: the count or weight before it ("2 slices of", "200g", "a couple of"),
//! a count after it ("x2", "(3)", "tacos, 3 of them", "I had three", "then another one"), and
//! the strength and cocoa percentages written beside it.

use super::{ends_sentence, Draft, Food, Lexicon, NotEaten};
use crate::food::lexicon::word;
use crate::food::text::{TokenKind, Tokens};

/// How far (in tokens) quantity words reach back to a food.
const LOOK_BACK: usize = 6;
/// Strength at or below which a drink counts as alcohol-free ("0.5%" beers are sold as such).
const ALCOHOL_FREE_PERCENT: f32 = 0.5;

impl Lexicon {
    /// The count the message gives the food at `first..=last`, the grams when it gave a
    /// weight or volume, and the token of the unit it was counted in: "2 slices of", "a
    /// couple of", "half a", "200g", "x2", "(3)", "2 cups". Words before `floor` belong to
    /// the food before ("7-eleven hot dog" is one hot dog). A vague number ("a few", "some")
    /// counts only what is counted in pieces: "a few nachos" is not three plates of nachos.
    pub(super) fn quantity(
        &self,
        food: &Food,
        tokens: &Tokens,
        floor: usize,
        first: usize,
        last: usize,
    ) -> (Option<f32>, Option<f32>, Option<usize>) {
        let mut count: Option<f32> = None;
        let mut grams_per_unit: Option<f32> = None;
        let mut grams: Option<f32> = None;
        let mut unit: Option<usize> = None;
        let mut j = first;
        while j > floor && first - j < LOOK_BACK {
            j -= 1;
            let t = &tokens.list[j];
            let w = tokens.text(j);
            // "2 squares of 85% dark chocolate": a strength, not a count.
            let percent = tokens.is_punct(j, '%') || matches!(w, "percent" | "pct");
            if percent && j > floor + 1 && tokens.list[j - 1].kind == TokenKind::Number {
                j -= 1;
                continue;
            }
            let value = match t.kind {
                TokenKind::Number if w.contains('.') && t.value == 0.0 => break, // "0.0 lager"
                TokenKind::Number => Some(t.value),
                TokenKind::Word => {
                    let info = tokens.info[j];
                    if info.flags & word::NUMBER != 0 {
                        Some(info.number)
                    } else if count.is_some() {
                        break;
                    } else if info.flags & word::MASS_UNIT != 0 {
                        grams_per_unit = Some(info.grams);
                        continue;
                    } else if info.flags & (word::COUNT_UNIT | word::ADJECTIVE) != 0
                        || matches!(w, "of" | "x" | "more")
                    {
                        if info.flags & word::COUNT_UNIT != 0 && unit.is_none() {
                            unit = Some(j);
                        }
                        continue;
                    } else {
                        break;
                    }
                }
                _ => break,
            };
            if let Some(v) = value {
                // "a few of their fries", "some of the cake": part of a serving named
                // before, not so many servings.
                let partitive = j + 2 < first
                    && tokens.text(j + 1) == "of"
                    && matches!(
                        tokens.text(j + 2),
                        "the" | "their" | "his" | "her" | "my" | "those" | "these" | "our"
                    );
                if partitive && grams_per_unit.is_none() {
                    break;
                }
                if count.is_none() {
                    if let Some(per) = grams_per_unit {
                        grams = Some(v * per);
                    }
                }
                count = Some(count.map_or(v, |c| c * v));
            }
        }
        if count.is_none() {
            if let Some((value, after_unit)) = self.count_right_after(tokens, last) {
                count = Some(value);
                unit = unit.or(after_unit);
            }
        }
        let vague = (j..first).any(|k| matches!(tokens.text(k), "few" | "several" | "some"));
        let counts_pieces = food
            .portion_count
            .as_ref()
            .is_some_and(|p| p.counts_the_food);
        if vague && unit.is_none() && grams.is_none() && !counts_pieces {
            count = None;
        }
        (count, grams, unit)
    }

    /// "x2", "x 2", "(3)", "2 cups" right after a food, and the unit it names.
    fn count_right_after(&self, tokens: &Tokens, last: usize) -> Option<(f32, Option<usize>)> {
        let number_at = |k: usize| {
            tokens
                .list
                .get(k)
                .filter(|t| t.kind == TokenKind::Number && t.value > 0.0)
                .map(|t| t.value)
        };
        let len = tokens.list.len();
        if last + 2 < len && tokens.text(last + 1) == "x" {
            return number_at(last + 2).map(|v| (v, None));
        }
        if last + 3 < len && tokens.is_punct(last + 1, '(') && tokens.is_punct(last + 3, ')') {
            return number_at(last + 2).map(|v| (v, None));
        }
        let unit_at = |k: usize| {
            k < len
                && tokens.list[k].kind == TokenKind::Word
                && tokens.info[k].flags & word::COUNT_UNIT != 0
        };
        if last + 2 < len && unit_at(last + 2) {
            return number_at(last + 1).map(|v| (v, Some(last + 2)));
        }
        None
    }

    /// Counts written after their food, at a distance: "tacos, 3 of them", "gingerbread men
    /// from the bakery, I had three", "a corona with dinner, then another one". Each gives
    /// the count of the nearest food before it in the same sentence; "another one" adds one.
    pub(super) fn count_after(&self, tokens: &Tokens, drafts: &mut [Draft<'_>]) {
        let mut j = 0;
        while j < tokens.list.len() {
            let Some((value, adds, end)) = self.count_phrase(tokens, j) else {
                j += 1;
                continue;
            };
            // Only where no food follows in the same clause: "had 3 beers" is the beer's own.
            let food_follows = drafts
                .iter()
                .find(|d| d.first > end)
                .is_some_and(|d| (end + 1..d.first).all(|k| !super::breaks_clause(tokens, k)));
            let target = drafts.iter().rposition(|d| {
                !d.dropped && d.last < j && (d.last + 1..j).all(|k| !ends_sentence(tokens, k))
            });
            if let (false, Some(i)) = (food_follows, target) {
                let draft = &mut drafts[i];
                // "bought a dozen doughnuts for the office, had one myself": the writer had
                // some after all.
                let had = matches!(tokens.text(j), "had" | "ate" | "drank");
                let shared = matches!(
                    draft.item.not_eaten,
                    Some(NotEaten::SomeoneElse | NotEaten::Plan)
                );
                if had && shared {
                    draft.item.negated = false;
                    draft.item.not_eaten = None;
                    draft.item.quantity = value;
                    draft.counted = true;
                } else if adds {
                    draft.item.quantity += value;
                    draft.counted = true;
                } else if !draft.counted && draft.item.grams.is_none() {
                    draft.item.quantity = value;
                    draft.counted = true;
                }
            }
            j = end + 1;
        }
    }

    /// Whether the word at `k` could start a food (it is not a rule word: "more beer" is, "one
    /// more after" is not).
    fn food_word_at(&self, tokens: &Tokens, k: usize) -> bool {
        tokens.list[k].kind != TokenKind::Punct
            && tokens.info[k].flags & (word::FILLER | word::NEGATOR) == 0
            && !matches!(
                tokens.text(k),
                "after" | "later" | "then" | "please" | "lol" | "too"
            )
    }

    /// A count phrase starting at token `j`: its value, whether it adds to what was had
    /// ("another one") rather than giving the count, and its last token.
    fn count_phrase(&self, tokens: &Tokens, j: usize) -> Option<(f32, bool, usize)> {
        let text = |k: usize| (k < tokens.list.len()).then(|| tokens.text(k));
        let number = |k: usize| -> Option<f32> {
            let t = tokens.list.get(k)?;
            match t.kind {
                TokenKind::Number if t.value > 0.0 => Some(t.value),
                TokenKind::Word => {
                    let info = tokens.info[k];
                    (info.flags & word::NUMBER != 0
                        && info.number >= 1.0
                        && !matches!(tokens.text(k), "a" | "an" | "another"))
                    .then_some(info.number)
                }
                _ => None,
            }
        };
        // "another one", "one more", "and another".
        if text(j) == Some("another") && matches!(text(j + 1), Some("one" | "round") | None) {
            return Some((1.0, true, j + usize::from(text(j + 1).is_some())));
        }
        if text(j + 1) == Some("more") && !number(j).is_none_or(|n| n > 20.0) {
            let end = j + 1;
            let ends_here = end + 1 >= tokens.list.len() || !self.food_word_at(tokens, end + 1);
            return ends_here.then_some((number(j).unwrap_or(1.0), true, end));
        }
        if matches!(text(j), Some("then" | "and")) && text(j + 1) == Some("another") {
            let end = j + 1 + usize::from(matches!(text(j + 2), Some("one")));
            let ends_here = end + 1 >= tokens.list.len() || super::breaks_clause(tokens, end + 1);
            return ends_here.then_some((1.0, true, end));
        }
        // "3 of them", "three of those".
        if let Some(value) = number(j) {
            if text(j + 1) == Some("of")
                && matches!(text(j + 2), Some("them" | "those" | "these" | "em" | "dem"))
            {
                return Some((value, false, j + 2));
            }
        }
        // "I had three", "ate 4".
        if matches!(text(j), Some("had" | "ate" | "drank" | "having")) {
            let skip = usize::from(matches!(
                text(j + 1),
                Some("like" | "about" | "maybe" | "only" | "just")
            ));
            if let Some(value) = number(j + 1 + skip) {
                let mut end = j + 1 + skip;
                // "I had 2 helpings".
                if end + 1 < tokens.list.len()
                    && tokens.list[end + 1].kind == TokenKind::Word
                    && tokens.info[end + 1].flags & word::COUNT_UNIT != 0
                {
                    end += 1;
                }
                let ends_here = end + 1 >= tokens.list.len()
                    || super::breaks_clause(tokens, end + 1)
                    || matches!(tokens.list[end + 1].kind, TokenKind::Symbol)
                    || matches!(
                        tokens.text(end + 1),
                        "myself" | "too" | "tho" | "though" | "lol" | "of" | "only" | "then"
                    );
                return ends_here.then_some((value, false, end));
            }
        }
        None
    }
}

/// A percentage written next to a food: "85% dark chocolate", "dark chocolate (70 percent)".
pub(super) fn percent_near(tokens: &Tokens, first: usize, last: usize) -> Option<f32> {
    let from = first.saturating_sub(3);
    let to = (last + 4).min(tokens.list.len().saturating_sub(1));
    (from..to).find_map(|j| {
        let t = &tokens.list[j];
        let is_percent = j + 1 < tokens.list.len()
            && (tokens.is_punct(j + 1, '%') || matches!(tokens.text(j + 1), "percent" | "pct"));
        (t.kind == TokenKind::Number && is_percent).then_some(t.value)
    })
}

/// "0.0 lager", "beer 0.0%", "0.5% cider": a strength that makes a drink alcohol-free.
pub(super) fn is_alcohol_free(tokens: &Tokens, first: usize, last: usize) -> bool {
    if let Some(percent) = percent_near(tokens, first, last) {
        return percent <= ALCOHOL_FREE_PERCENT;
    }
    let from = first.saturating_sub(1);
    let to = (last + 2).min(tokens.list.len());
    (from..to).any(|j| {
        let t = &tokens.list[j];
        t.kind == TokenKind::Number && t.value == 0.0 && tokens.text(j).contains('.')
    })
}

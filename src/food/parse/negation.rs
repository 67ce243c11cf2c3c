//! Negation and modifiers: which foods a message says were not had ("no mayo", "hold the
//! cream", "sugar-free"), and which lose one category ("unsweetened almond milk", "coke, no
//! sugar").

use super::{breaks_clause, Category, Draft, Lexicon, NotEaten};
use crate::food::lexicon::word;
use crate::food::text::{TokenKind, Tokens};

/// How far (in tokens) negation reaches back to a food.
const LOOK_BACK: usize = 6;
/// How far a modifier ("unsweetened", "no sugar") reaches to the food it changes.
const MODIFIER_REACH: usize = 4;

impl Lexicon {
    /// Whether a negation word governs the food starting at token `first`. `previous` is the
    /// span of the food before it and whether that one was negated.
    pub(super) fn negated_before(
        &self,
        tokens: &Tokens,
        first: usize,
        previous: Option<((usize, usize), bool)>,
    ) -> bool {
        // "no caramel frappe" read as two foods side by side, "cancelled the uber eats order
        // (sushi)": one noun phrase, one negation.
        if let Some(((_, last), true)) = previous {
            let same_phrase = (last + 1..first).all(|k| {
                tokens.is_punct(k, '(')
                    || (tokens.list[k].kind == TokenKind::Word
                        && tokens.info[k].flags & word::COUNT_UNIT != 0)
            });
            if same_phrase && first - last <= 3 {
                return true;
            }
        }
        let floor = previous.map_or(0, |((_, last), _)| last + 1);
        let mut j = first;
        while j > floor && first - j < LOOK_BACK {
            j -= 1;
            // "coffee (no sugar)": a bracket opens an aside, not a new clause.
            if tokens.is_punct(j, '(') {
                continue;
            }
            if breaks_clause(tokens, j) {
                return false;
            }
            let t = &tokens.list[j];
            if t.kind == TokenKind::Number {
                continue;
            }
            let w = tokens.text(j);
            let info = tokens.info[j];
            if info.flags & word::NEGATOR != 0 {
                return true;
            }
            if matches!(w, "and" | "or" | "nor") {
                // "no onions or garlic": the list carries the negation on; "no mayo and a
                // coke" starts a new, eaten food with its article or number.
                return match previous {
                    Some(((_, last), negated)) => {
                        last + 1 == j
                            && (w == "nor"
                                || (negated
                                    && (w == "or" || !self.starts_new_item(tokens, j + 1, first))))
                    }
                    None => false,
                };
            }
            let skippable =
                word::FILLER | word::ADJECTIVE | word::COUNT_UNIT | word::MASS_UNIT | word::NUMBER;
            if info.flags & skippable == 0 {
                return false;
            }
        }
        false
    }

    /// Whether the words `from..to` give a food an article or a number of its own ("a coke",
    /// "2 digestives"), which makes it a new item rather than more of a negated list.
    fn starts_new_item(&self, tokens: &Tokens, from: usize, to: usize) -> bool {
        (from..to).any(|k| {
            tokens.list[k].kind == TokenKind::Number
                || tokens.info[k].flags & word::NUMBER != 0
                || tokens.text(k) == "some"
        })
    }

    /// "sugar-free", "nut free": the word after the food negates it.
    pub(super) fn negated_after(&self, tokens: &Tokens, last: usize) -> bool {
        last + 1 < tokens.list.len()
            && tokens.list[last + 1].kind == TokenKind::Word
            && tokens.info[last + 1].flags & word::NEGATION_SUFFIX != 0
    }

    /// "0 beers": a count of zero right before the food.
    pub(super) fn zero_count_before(&self, tokens: &Tokens, first: usize) -> bool {
        first > 0
            && tokens.list[first - 1].kind == TokenKind::Number
            && tokens.list[first - 1].value == 0.0
            && !tokens.text(first - 1).contains('.')
    }

    /// Phrases that negate the next food in their clause ("they were out of salmon", "no
    /// more biscuits"), beyond the reach of the one-word negators.
    pub(super) fn apply_negations(
        &self,
        tokens: &Tokens,
        drafts: &mut [Draft<'_>],
        negations: &[(usize, usize)],
    ) {
        for &(_, last) in negations {
            let next = drafts.iter().position(|d| d.first > last).filter(|&i| {
                let start = drafts[i].first;
                start - last <= MODIFIER_REACH
                    && (last + 1..start).all(|j| !breaks_clause(tokens, j))
            });
            if let Some(i) = next {
                drafts[i].item.mark_not_eaten(NotEaten::Negated);
            }
        }
    }

    /// Applies the modifiers found (`strips`) and the negated category words ("no sugar") to
    /// the foods they change.
    pub(super) fn apply_modifiers(
        &self,
        tokens: &Tokens,
        drafts: &mut [Draft<'_>],
        mut strips: Vec<(usize, usize, Category)>,
    ) {
        for draft in drafts.iter() {
            let food = &self.foods[draft.item.food_id as usize];
            if draft.item.negated && food.category_word {
                for category in draft.item.categories.iter() {
                    strips.push((draft.first, draft.last, category));
                }
            }
        }
        for (first, last, category) in strips {
            if let Some(target) = modifier_target(tokens, drafts, first, last) {
                let diet = self.foods[drafts[target].item.food_id as usize].diet;
                let item = &mut drafts[target].item;
                if category == Category::Sugar && item.categories.contains(Category::Sugar) {
                    if let Some(diet) = diet {
                        item.categories = item.categories.union(diet);
                    }
                }
                item.categories.remove(category);
            }
        }
    }
}

/// Which item a modifier at `first..=last` changes: the next food within reach in the same
/// clause ("unsweetened almond milk"), else the food just before it ("coke, no sugar").
fn modifier_target(
    tokens: &Tokens,
    drafts: &[Draft<'_>],
    first: usize,
    last: usize,
) -> Option<usize> {
    let after = drafts.iter().position(|d| d.first > last).filter(|&i| {
        let start = drafts[i].first;
        start - last <= MODIFIER_REACH && (last + 1..start).all(|j| !breaks_clause(tokens, j))
    });
    if after.is_some() {
        return after;
    }
    drafts.iter().rposition(|d| d.last < first).filter(|&i| {
        let end = drafts[i].last;
        first - end <= MODIFIER_REACH
            && (end + 1..first).all(|j| {
                !breaks_clause(tokens, j) || tokens.is_punct(j, ',') || tokens.is_punct(j, '(')
            })
    })
}

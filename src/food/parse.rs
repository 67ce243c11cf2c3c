//! Reading one message: tokens -> phrase matches -> items with quantity, negation and
//! categories -> a [`Meal`].
//!
//! The rules, in the order they apply:
//! 1. Typos: a word of at least five letters that is neither in a phrase, nor a rule word, nor
//!    an English word (`config/english-words.txt`) is replaced by the single food word it most
//!    resembles: Jaro-Winkler above a threshold, and one inserted, dropped or swapped letter
//!    for words of five letters, any one edit up to nine letters, two edits beyond.
//!    Short words are never corrected by substitution, so "bears" never becomes "beers".
//! 2. Phrases: the longest phrase wins ("peanut butter" over "butter", "chocolate cake" over
//!    "chocolate"). A word followed by ":" that names a meal ("Lunch:") opens a section.
//! 3. Negation: "no", "without", "skipped", "didn't have" ... before a food (across fillers
//!    such as "the", "any", "my"), "or"/"and" continuing a negated list, and "X-free" after it.
//! 4. Modifiers that remove one category: "unsweetened", "sugar-free", "diet" (sugar);
//!    "non-alcoholic", "alcohol-free", "virgin", "0.0", "0%" (alcohol); a negated "sugar" or
//!    "alcohol" strips that category from the food beside it ("coke, no sugar").
//! 5. Quantities: digits, number words, fractions, "x2", "a couple of", mass units ("200g"),
//!    container units ("a pint of cider" is cider).
//! 6. A cocoa percentage decides dark chocolate's categories.
//! 7. A retraction later in the sentence ("but gave it away") negates the food before it.

use super::category::{Category, CategorySet};
use super::lexicon::{word, Food, Lexicon, Target};
use super::text::{tokenize, TokenKind, Tokens};
use serde::Serialize;

/// Quantities beyond this many portions are treated as this many when adding up fibre, so a
/// joke like "1000 bananas" cannot swamp a day's numbers.
const MAX_PORTIONS_FOR_FIBRE: f32 = 20.0;
/// How far (in tokens) negation and quantity words reach back to a food.
const LOOK_BACK: usize = 6;
/// How far a modifier ("unsweetened", "no sugar") reaches to the food it changes.
const MODIFIER_REACH: usize = 4;
/// Strength at or below which a drink counts as alcohol-free ("0.5%" beers are sold as such).
const ALCOHOL_FREE_PERCENT: f32 = 0.5;

/// What one message reports: its foods and the totals over those not negated.
#[derive(Clone, Debug, Serialize)]
pub struct Meal<'a> {
    pub categories: CategorySet,
    /// Distinct plants, by canonical plant name, in order of appearance.
    pub plants: Vec<&'a str>,
    pub fibre_g: f32,
    pub items: Vec<Item<'a>>,
    /// Words that looked like food but are not in the lexicon ("horta"), as typed.
    pub unrecognised: Vec<&'a str>,
}

impl Meal<'_> {
    /// Whether the message named any food it did not negate.
    pub fn has_food(&self) -> bool {
        self.items.iter().any(|i| !i.negated)
    }
}

/// One food as the message mentioned it.
#[derive(Clone, Debug, Serialize)]
pub struct Item<'a> {
    /// Canonical lexicon name.
    pub food: &'a str,
    /// The words of the message it came from, as typed.
    pub matched: &'a str,
    /// Portions, 1 unless the message says otherwise.
    pub quantity: f32,
    /// Grams or millilitres, when the message gave a weight or volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grams: Option<f32>,
    /// The categories of this food as eaten (after modifiers such as "unsweetened").
    pub categories: CategorySet,
    /// The plants it counts as: its own, or a dish's main ingredients'.
    pub plants: &'a [String],
    pub fibre_g: f32,
    /// The message says this food was not eaten; it adds nothing to the totals.
    pub negated: bool,
    /// The meal section ("breakfast") the food was listed under, if the message had sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meal: Option<&'a str>,
    /// The food was recognised through a typo correction.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub corrected: bool,
    /// Index of the food in the lexicon that parsed it.
    #[serde(skip)]
    pub food_id: u32,
}

/// A phrase match, by token indices (inclusive).
struct Hit {
    first: usize,
    last: usize,
    target: Target,
}

fn round1(x: f32) -> f32 {
    (x * 10.0).round() / 10.0
}

/// Punctuation that ends a clause for negation and modifiers ("coffee, no sugar").
fn breaks_clause(tokens: &Tokens, index: usize) -> bool {
    let t = &tokens.list[index];
    match t.kind {
        TokenKind::Punct => !tokens.is_punct(index, '%'),
        TokenKind::Symbol => true,
        _ => false,
    }
}

/// Punctuation that ends a sentence (or opens a meal section), the reach of a retraction.
fn ends_sentence(tokens: &Tokens, index: usize) -> bool {
    ['.', ';', '!', '?', ':']
        .into_iter()
        .any(|ch| tokens.is_punct(index, ch))
}

impl Lexicon {
    /// Parses one message. Never fails: text with no food gives an empty meal.
    pub fn parse<'a>(&'a self, text: &'a str) -> Meal<'a> {
        let mut tokens = Tokens::default();
        tokenize(text, &self.symbols, &mut tokens);
        let corrected = self.correct_typos(&mut tokens);
        let hits = self.find_hits(&tokens);
        self.build_meal(text, &tokens, &hits, &corrected)
    }

    /// Replaces unknown words by the food word they misspell; returns which tokens changed.
    fn correct_typos(&self, tokens: &mut Tokens) -> Vec<usize> {
        let mut changes: Vec<(usize, &str)> = Vec::new();
        for (i, t) in tokens.list.iter().enumerate() {
            if t.kind != TokenKind::Word || t.norm.len() < self.fuzzy_min_letters {
                continue;
            }
            let w = &tokens.norm[t.norm.clone()];
            if self.word(w).flags & word::KNOWN != 0 || self.is_english_word(w) {
                continue;
            }
            if let Some(fix) = self.closest_food_word(w) {
                changes.push((i, fix));
            }
        }
        if changes.is_empty() {
            return Vec::new();
        }
        let mut norm = String::with_capacity(tokens.norm.len() + 8 * changes.len());
        let mut next_change = changes.iter().peekable();
        for (i, t) in tokens.list.iter_mut().enumerate() {
            norm.push(' ');
            let start = norm.len();
            match next_change.peek() {
                Some(&&(at, fix)) if at == i => {
                    norm.push_str(fix);
                    next_change.next();
                }
                _ => norm.push_str(&tokens.norm[t.norm.clone()]),
            }
            t.norm = start..norm.len();
            norm.push(' ');
        }
        tokens.norm = norm;
        changes.into_iter().map(|(i, _)| i).collect()
    }

    /// The one food word `w` most plausibly misspells, if there is exactly one.
    fn closest_food_word(&self, w: &str) -> Option<&str> {
        let candidates = self.fuzzy.get(&w.as_bytes()[0])?;
        let n = w.len();
        let mut best: Option<(f64, &str, u32)> = None;
        let mut runner_up = 0.0f64;
        for (candidate, id) in candidates {
            let m = candidate.len();
            if m.abs_diff(n) > 2 {
                continue;
            }
            let edits = strsim::osa_distance(w, candidate);
            let plausible = match n {
                // One inserted, dropped or swapped letter; never a substituted one.
                ..=5 => edits == 1 && (m != n || is_transposition(w, candidate)),
                6..=9 => edits == 1,
                _ => edits <= 2,
            };
            if !plausible {
                continue;
            }
            let score = strsim::jaro_winkler(w, candidate);
            if score < self.fuzzy_min_similarity {
                continue;
            }
            match best {
                Some((s, _, bid)) if score <= s => {
                    if bid != *id {
                        runner_up = runner_up.max(score);
                    }
                }
                Some((s, _, bid)) => {
                    if bid != *id {
                        runner_up = runner_up.max(s);
                    }
                    best = Some((score, candidate, *id));
                }
                None => best = Some((score, candidate, *id)),
            }
        }
        let (score, fix, _) = best?;
        (score - runner_up > 0.02).then_some(fix)
    }

    fn find_hits(&self, tokens: &Tokens) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        for m in self.automaton.find_iter(tokens.norm.as_str()) {
            let first = tokens.index_at(m.start());
            let last = tokens.last_index_before(m.end());
            let target = self.targets[m.pattern().as_usize()];
            if let Target::NotFood = target {
                // "Apple Watch", "going bananas": the words are taken, nothing is eaten.
                continue;
            }
            if let Target::Food(..) = target {
                // "Dessert: fruit" names a section, not a dessert.
                if first == last && self.is_section_label(tokens, first) {
                    continue;
                }
            }
            hits.push(Hit {
                first,
                last,
                target,
            });
        }
        // Decided against the unfiltered list: a dropped word still counts as the neighbour's.
        let describes_next: Vec<bool> = (0..hits.len())
            .map(|i| self.only_describes_next(tokens, &hits, i))
            .collect();
        hits.into_iter()
            .zip(describes_next)
            .filter_map(|(hit, drop)| (!drop).then_some(hit))
            .collect()
    }

    /// Whether food hit `i` only qualifies the food after it: a container that is also a drink
    /// ("pint", "shot") before "of <food>", or a name that is also a size ("monster") right
    /// before a food.
    fn only_describes_next(&self, tokens: &Tokens, hits: &[Hit], i: usize) -> bool {
        let Target::Food(id, _) = hits[i].target else {
            return false;
        };
        let food = &self.foods[id as usize];
        let last = hits[i].last;
        let Some(next) = hits.get(i + 1) else {
            return false;
        };
        let before_of_food = food.unit
            && last + 1 < tokens.list.len()
            && tokens.text(last + 1) == "of"
            && next.first <= last + 3;
        let before_food = food.adjective && next.first == last + 1;
        before_of_food || before_food
    }

    fn is_section_label(&self, tokens: &Tokens, index: usize) -> bool {
        tokens.list[index].kind == TokenKind::Word
            && self.word(tokens.text(index)).flags & word::LABEL != 0
            && index + 1 < tokens.list.len()
            && (tokens.is_punct(index + 1, ':') || tokens.is_punct(index + 1, '-'))
    }

    fn build_meal<'a>(
        &'a self,
        text: &'a str,
        tokens: &Tokens,
        hits: &[Hit],
        corrected: &[usize],
    ) -> Meal<'a> {
        let mut items: Vec<Item<'a>> = Vec::new();
        // Token spans of the items, parallel to `items`.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut section: Option<&'a str> = None;
        let mut next_label_scan = 0;
        let mut strips: Vec<(usize, usize, Category)> = Vec::new();
        let mut retractions: Vec<usize> = Vec::new();

        for hit in hits {
            while next_label_scan < hit.first {
                if self.is_section_label(tokens, next_label_scan) {
                    section = self
                        .words
                        .get_key_value(tokens.text(next_label_scan))
                        .map(|(k, _)| &**k);
                }
                next_label_scan += 1;
            }
            let (id, kind) = match hit.target {
                Target::Food(id, kind) => (id, kind),
                Target::Strip(category) => {
                    strips.push((hit.first, hit.last, category));
                    continue;
                }
                Target::NotFood => continue,
                Target::Retraction => {
                    retractions.push(hit.first);
                    continue;
                }
            };
            let food = &self.foods[id as usize];
            let previous = spans.last().copied().zip(items.last().map(|i| i.negated));
            let negated = self.negated_before(tokens, hit.first, previous)
                || self.negated_after(tokens, hit.last)
                || self.zero_count_before(tokens, hit.first);
            let (count, grams) = self.quantity(tokens, hit.first, hit.last);
            let quantity = match grams {
                Some(g) => g / food.portion_g,
                None => count,
            }
            .clamp(0.0, 1000.0);
            let mut categories = food.categories;
            if let Some(rule) = &food.by_percent {
                if let Some(percent) = percent_near(tokens, hit.first, hit.last) {
                    categories = if percent >= rule.threshold {
                        rule.at_or_above
                    } else {
                        rule.below
                    };
                }
            }
            if categories.contains(Category::Alcohol)
                && is_alcohol_free(tokens, hit.first, hit.last)
            {
                categories.remove(Category::Alcohol);
            }
            let fibre = match grams {
                Some(g) => g.min(food.portion_g * MAX_PORTIONS_FOR_FIBRE) * food.fibre_100g / 100.0,
                None => food.fibre_for_portions(quantity.min(MAX_PORTIONS_FOR_FIBRE)),
            };
            let orig = tokens.list[hit.first].orig.start..tokens.list[hit.last].orig.end;
            items.push(Item {
                food: food.shown_name(kind),
                matched: &text[orig],
                quantity: (quantity * 100.0).round() / 100.0,
                grams: grams.map(round1),
                categories,
                plants: &food.plants,
                fibre_g: round1(fibre),
                negated,
                meal: section,
                corrected: corrected
                    .iter()
                    .any(|&c| (hit.first..=hit.last).contains(&c)),
                food_id: id,
            });
            spans.push((hit.first, hit.last));
        }

        // A negated category word ("no sugar", "alcohol-free") changes the food beside it.
        for (i, item) in items.iter().enumerate() {
            let food = self.lookup_food(item);
            if item.negated && food.is_some_and(|f| f.category_word) {
                for category in item.categories.iter() {
                    strips.push((spans[i].0, spans[i].1, category));
                }
            }
        }
        for (first, last, category) in strips {
            if let Some(target) = self.modifier_target(tokens, &spans, first, last) {
                let diet = self.lookup_food(&items[target]).and_then(|f| f.diet);
                let item = &mut items[target];
                if category == Category::Sugar && item.categories.contains(Category::Sugar) {
                    if let Some(diet) = diet {
                        item.categories = item.categories.union(diet);
                    }
                }
                item.categories.remove(category);
            }
        }

        // "Ordered pizza but gave it away": the nearest food earlier in the sentence was not
        // eaten after all.
        for at in retractions {
            if let Some(i) = spans.iter().rposition(|&(_, last)| last < at) {
                if (spans[i].1 + 1..at).all(|k| !ends_sentence(tokens, k)) {
                    items[i].negated = true;
                }
            }
        }
        self.echo_emoji(tokens, &spans, &mut items);

        let mut meal = Meal {
            categories: CategorySet::EMPTY,
            plants: Vec::new(),
            fibre_g: 0.0,
            items,
            unrecognised: Vec::new(),
        };
        let mut fibre = 0.0;
        for item in meal.items.iter().filter(|i| !i.negated) {
            meal.categories = meal.categories.union(item.categories);
            fibre += item.fibre_g;
            for plant in item.plants {
                if !meal.plants.contains(&plant.as_str()) {
                    meal.plants.push(plant);
                }
            }
        }
        meal.fibre_g = round1(fibre);
        meal
    }

    /// An emoji after a food it illustrates ("no beer 🍺", "alcohol-free prosecco 🥂") is the
    /// same food again, not a second one: it follows that food's negation and modifiers.
    /// It illustrates a food earlier in the clause that either names it ("0.0 beer" for 🍺) or
    /// shares a category with it ("cider" for 🍺).
    fn echo_emoji(&self, tokens: &Tokens, spans: &[(usize, usize)], items: &mut [Item<'_>]) {
        for i in 1..items.len() {
            let (first, last) = spans[i];
            if first != last || tokens.list[first].kind != TokenKind::Symbol {
                continue;
            }
            let pictured = &self.foods[items[i].food_id as usize];
            let in_clause = |j: usize| {
                tokens.list[spans[j].0].kind != TokenKind::Symbol
                    && (spans[j].1 + 1..first).all(|k| {
                        tokens.list[k].kind == TokenKind::Symbol
                            || !breaks_clause(tokens, k)
                            || tokens.is_punct(k, ',')
                    })
            };
            let names_it = |j: usize| {
                let (from, to) = spans[j];
                pictured
                    .name
                    .split(' ')
                    .all(|w| (from..=to).any(|k| tokens.text(k) == w))
            };
            let shares_category = |j: usize| {
                let described = self.foods[items[j].food_id as usize].categories;
                !described.intersection(pictured.categories).is_empty()
            };
            let Some((j, named)) = (0..i)
                .rev()
                .take_while(|&j| in_clause(j))
                .map(|j| (j, names_it(j)))
                .find(|&(j, named)| named || shares_category(j))
            else {
                continue;
            };
            if named {
                items[i].categories = items[i].categories.intersection(items[j].categories);
            } else {
                let original = self.foods[items[j].food_id as usize].categories;
                let lost = original.difference(items[j].categories);
                items[i].categories = items[i].categories.difference(lost);
            }
            items[i].negated = items[j].negated;
        }
    }

    fn lookup_food(&self, item: &Item<'_>) -> Option<&Food> {
        self.foods.get(item.food_id as usize)
    }

    /// Whether a negation word governs the food starting at token `first`.
    fn negated_before(
        &self,
        tokens: &Tokens,
        first: usize,
        previous: Option<((usize, usize), bool)>,
    ) -> bool {
        let floor = previous.map_or(0, |((_, last), _)| last + 1);
        let mut j = first;
        while j > floor && first - j < LOOK_BACK {
            j -= 1;
            if breaks_clause(tokens, j) {
                return false;
            }
            let t = &tokens.list[j];
            if t.kind == TokenKind::Number {
                continue;
            }
            let w = tokens.text(j);
            let info = self.word(w);
            if info.flags & word::NEGATOR != 0 {
                return true;
            }
            if matches!(w, "and" | "or" | "nor") {
                // "no onions or garlic": the list carries the negation on.
                return match previous {
                    Some(((_, last), negated)) => last + 1 == j && (negated || w == "nor"),
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

    /// "sugar-free", "nut free": the word after the food negates it.
    fn negated_after(&self, tokens: &Tokens, last: usize) -> bool {
        last + 1 < tokens.list.len()
            && tokens.list[last + 1].kind == TokenKind::Word
            && self.word(tokens.text(last + 1)).flags & word::NEGATION_SUFFIX != 0
    }

    /// "0 beers": a count of zero right before the food.
    fn zero_count_before(&self, tokens: &Tokens, first: usize) -> bool {
        first > 0
            && tokens.list[first - 1].kind == TokenKind::Number
            && tokens.list[first - 1].value == 0.0
            && !tokens.text(first - 1).contains('.')
    }

    /// The count and, when a weight or volume was given, the grams of the food at
    /// `first..=last`: "2 slices of", "a couple of", "half a", "200g", "x2".
    fn quantity(&self, tokens: &Tokens, first: usize, last: usize) -> (f32, Option<f32>) {
        let mut count: Option<f32> = None;
        let mut grams_per_unit: Option<f32> = None;
        let mut grams: Option<f32> = None;
        let mut j = first;
        while j > 0 && first - j < LOOK_BACK {
            j -= 1;
            let t = &tokens.list[j];
            let w = tokens.text(j);
            let value = match t.kind {
                TokenKind::Number if w.contains('.') && t.value == 0.0 => break, // "0.0 lager"
                TokenKind::Number => Some(t.value),
                TokenKind::Word => {
                    let info = self.word(w);
                    if info.flags & word::NUMBER != 0 {
                        Some(info.number)
                    } else if count.is_some() {
                        break;
                    } else if info.flags & word::MASS_UNIT != 0 {
                        grams_per_unit = Some(info.grams);
                        continue;
                    } else if info.flags & (word::COUNT_UNIT | word::ADJECTIVE) != 0
                        || matches!(w, "of" | "x")
                    {
                        continue;
                    } else {
                        break;
                    }
                }
                _ => break,
            };
            if let Some(v) = value {
                if count.is_none() {
                    if let Some(per) = grams_per_unit {
                        grams = Some(v * per);
                    }
                }
                count = Some(count.map_or(v, |c| c * v));
            }
        }
        if count.is_none() && last + 2 < tokens.list.len() && tokens.text(last + 1) == "x" {
            let t = &tokens.list[last + 2];
            if t.kind == TokenKind::Number {
                count = Some(t.value);
            }
        }
        (count.unwrap_or(1.0), grams)
    }

    /// Which item a modifier at `first..=last` changes: the next food within reach in the same
    /// clause ("unsweetened almond milk"), else the food just before it ("coke, no sugar").
    fn modifier_target(
        &self,
        tokens: &Tokens,
        spans: &[(usize, usize)],
        first: usize,
        last: usize,
    ) -> Option<usize> {
        let after = spans.iter().position(|&(f, _)| f > last).filter(|&i| {
            let start = spans[i].0;
            start - last <= MODIFIER_REACH && (last + 1..start).all(|j| !breaks_clause(tokens, j))
        });
        if after.is_some() {
            return after;
        }
        spans.iter().rposition(|&(_, l)| l < first).filter(|&i| {
            let end = spans[i].1;
            first - end <= MODIFIER_REACH
                && (end + 1..first).all(|j| {
                    !breaks_clause(tokens, j) || tokens.is_punct(j, ',') || tokens.is_punct(j, '(')
                })
        })
    }
}

fn is_transposition(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    diffs.len() == 2
        && diffs[1] == diffs[0] + 1
        && a[diffs[0]] == b[diffs[1]]
        && a[diffs[1]] == b[diffs[0]]
}

/// A percentage written next to a food: "85% dark chocolate", "dark chocolate (70 percent)".
fn percent_near(tokens: &Tokens, first: usize, last: usize) -> Option<f32> {
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
fn is_alcohol_free(tokens: &Tokens, first: usize, last: usize) -> bool {
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

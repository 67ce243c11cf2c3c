//! Reading one message: tokens -> phrase matches -> items with quantity, negation and
//! categories -> one item per food eaten -> a [`Meal`].
//!
//! The rules, in the order they apply:
//! 1. Typos: a word of at least five letters that is neither in a phrase, nor a rule word, nor
//!    an English word (`config/english-words.txt`) is replaced by the single food word it most
//!    resembles: Jaro-Winkler above a threshold, and one inserted, dropped or swapped letter
//!    for words of five letters, any one edit up to nine letters, two edits beyond. Only the
//!    spelling decides: a correction lands on a food whose name is close in letters, never on
//!    one close in meaning. Short words are never corrected by substitution, so "bears" never
//!    becomes "beers".
//! 2. Phrases: the longest phrase wins ("peanut butter" over "butter", "chocolate cake" over
//!    "chocolate"). A word followed by ":" that names a meal ("Lunch:") opens a section.
//! 3. Negation (`negation`): "no", "without", "skipped", "hold the" ... before a food (across
//!    fillers such as "the", "any", "my"), "or" continuing a negated list (and "and" before a
//!    bare food: "no onions and garlic", but not "no mayo and a coke"), and "X-free" after it.
//! 4. Modifiers that remove one category: "unsweetened", "sugar-free", "diet" (sugar);
//!    "non-alcoholic", "alcohol-free", "virgin", "0.0", "0%" (alcohol); a negated "sugar" or
//!    "alcohol" strips that category from the food beside it ("coke, no sugar").
//! 5. Quantities (`quantity`): digits, number words, fractions, "x2", "(3)", "3 of them",
//!    "I had three", "a couple of", mass units ("200g"), container units ("a pint of cider").
//! 6. A cocoa percentage decides dark chocolate's categories.
//! 7. Whose food and whether it happened (`context`): someone else's ("my flatmate ordered a
//!    curry"), plans and wishes ("might get a takeaway later"), food served to others ("made
//!    the kids nuggets"), and retractions ("ordered pizza but cancelled it") are not eaten.
//! 8. One item per food (`merge`): a word and its emoji, a container phrase and the word, a
//!    chain and its dish are one item; repeated emoji and repeats of a food add up; a chain or
//!    shop named with food is only where it came from; a dish followed by its parts counts the
//!    parts, not itself.
//! 9. Words that look like food but are not in the lexicon are kept as unrecognised
//!    (`unknown`).

mod context;
mod merge;
mod negation;
mod quantity;
mod unknown;

use super::category::{Category, CategorySet};
use super::lexicon::{canonicalize, singular, word, Food, Lexicon, Sense, Target, WordInfo};
use super::text::{tokenize, TokenKind, Tokens};
use serde::Serialize;
use std::borrow::Cow;

/// Quantities beyond this many portions are treated as this many when adding up fibre, so a
/// joke like "1000 bananas" cannot swamp a day's numbers.
const MAX_PORTIONS_FOR_FIBRE: f32 = 20.0;

/// What one message reports: its foods and the totals over those eaten.
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
    /// Whether the message named any food that was eaten.
    pub fn has_food(&self) -> bool {
        self.items.iter().any(|i| !i.negated)
    }
}

/// The plants an item counts as: its food's own (a dish's parts'), and those of ingredients
/// named into it ("lingonberry jam"), each listed once. Borrowed from the lexicon, so reading
/// a message allocates nothing for them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Plants<'a> {
    lists: [&'a [String]; 3],
}

impl<'a> Plants<'a> {
    fn of(plants: &'a [String]) -> Plants<'a> {
        Plants {
            lists: [plants, &[], &[]],
        }
    }

    /// The same plants and `more` (up to two ingredients' worth; a third is not counted).
    fn with(self, more: &'a [String]) -> Plants<'a> {
        let mut lists = self.lists;
        if let Some(free) = lists.iter_mut().find(|list| list.is_empty()) {
            *free = more;
        }
        Plants { lists }
    }

    /// Each plant once, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        let all = self
            .lists
            .iter()
            .flat_map(|list| list.iter().map(String::as_str));
        all.enumerate().filter_map(move |(i, plant)| {
            let earlier = self
                .lists
                .iter()
                .flat_map(|list| list.iter())
                .take(i)
                .any(|p| p == plant);
            (!earlier).then_some(plant)
        })
    }

    pub fn is_empty(&self) -> bool {
        self.lists.iter().all(|list| list.is_empty())
    }
}

impl Serialize for Plants<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Why a food the message names was not eaten.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotEaten {
    /// "no sugar", "skipped the fries", "hold the cream", "instead of chips".
    Negated,
    /// Someone else's food: "my flatmate ordered a curry", "made the kids nuggets".
    SomeoneElse,
    /// A plan, a wish or a might-have-been: "might get a takeaway later".
    Plan,
    /// Taken back after it was named: "ordered pizza but cancelled it".
    TakenBack,
}

/// One food as the message mentioned it.
#[derive(Clone, Debug, Serialize)]
pub struct Item<'a> {
    /// The name shown for it: the lexicon's name, the name of the kind the message named
    /// ("flat white" for a kind of coffee), or an ingredient and its dish ("tomato salad").
    pub food: Cow<'a, str>,
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
    pub plants: Plants<'a>,
    pub fibre_g: f32,
    /// The message says this food was not eaten; it adds nothing to the totals.
    pub negated: bool,
    /// Why it was not eaten, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_eaten: Option<NotEaten>,
    /// The meal section ("breakfast") the food was listed under, if the message had sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meal: Option<&'a str>,
    /// The restaurant or shop it came from, when the message named one ("greggs").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Cow<'a, str>>,
    /// The food was recognised through a typo correction.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub corrected: bool,
    /// Index of the food in the lexicon that parsed it.
    #[serde(skip)]
    pub food_id: u32,
}

impl Item<'_> {
    fn mark_not_eaten(&mut self, why: NotEaten) {
        if !self.negated {
            self.negated = true;
            self.not_eaten = Some(why);
        }
    }
}

/// A phrase match, by token indices (inclusive).
struct Hit {
    first: usize,
    last: usize,
    target: Target,
}

/// An item while the message is being read: where it sits among the tokens, and what the
/// later rules need to know about it.
pub(super) struct Draft<'a> {
    item: Item<'a>,
    first: usize,
    last: usize,
    /// The message gave a number for it ("3 beers", "x2", "(3)").
    counted: bool,
    /// Portions in one of what was counted: 1/2 for a taco when a portion is "2 tacos", 1/4
    /// for "2 slices of" a pizza whose portion is four slices.
    per_count: f32,
    /// How a second mention of a food relates to the first: more of it ("another coffee"),
    /// the same serving again ("shared the fries"), or either.
    mention: Mention,
    /// Fibre in grams per portion on top of the food's own: an ingredient named into it
    /// ("avocado toast" when the lexicon has no such dish).
    extra_fibre: f32,
    /// Merged into another item, only context (a chain named with its food), or a dish
    /// whose parts are listed after it (they carry the fibre and plants).
    dropped: bool,
}

/// What a mention of a food says about an earlier mention of the same food.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mention {
    /// "another coffee", "more wine", "a second beer": more of it.
    More,
    /// "the fries", "those crisps": the serving named before.
    Same,
    /// Neither: a count after a bare name clarifies it ("hummus ... 3 tbsp hummus"), two
    /// bare names add up ("wine, wine").
    Plain,
}

/// What the first reading found besides foods: modifiers and retractions, by token span.
#[derive(Default)]
struct Marks {
    strips: Vec<(usize, usize, Category)>,
    retractions: Vec<(usize, usize)>,
    negations: Vec<(usize, usize)>,
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

/// Punctuation that ends a sentence (or opens a meal section).
fn ends_sentence(tokens: &Tokens, index: usize) -> bool {
    ['.', ';', '!', '?', ':']
        .into_iter()
        .any(|ch| tokens.is_punct(index, ch))
}

impl Lexicon {
    /// Parses one message. Never fails: text with no food gives an empty meal.
    pub fn parse<'a>(&'a self, text: &'a str) -> Meal<'a> {
        // The token buffers are kept per thread: most messages fit the last one's.
        thread_local! {
            static TOKENS: std::cell::RefCell<Tokens> = std::cell::RefCell::new(Tokens::default());
        }
        TOKENS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut tokens) => self.parse_with(text, &mut tokens),
            Err(_) => self.parse_with(text, &mut Tokens::default()),
        })
    }

    fn parse_with<'a>(&'a self, text: &'a str, tokens: &mut Tokens) -> Meal<'a> {
        tokenize(text, &self.symbols, tokens);
        self.read_words(tokens);
        let corrected = self.correct_typos(tokens);
        canonicalize(&self.words, tokens);
        let tokens = &*tokens;
        let hits = self.find_hits(tokens);
        let (mut drafts, marks) = self.read_items(text, tokens, &hits, &corrected);
        self.apply_modifiers(tokens, &mut drafts, marks.strips);
        self.apply_negations(tokens, &mut drafts, &marks.negations);
        self.echo_emoji(tokens, &mut drafts);
        self.mark_not_eaten(text, tokens, &mut drafts, &marks.retractions);
        self.count_after(tokens, &mut drafts);
        self.one_item_per_food(text, tokens, &mut drafts);
        let unrecognised = self.unrecognised(text, tokens, &hits, &drafts);
        self.totals(drafts, unrecognised)
    }

    /// Looks every word token up once: what the rules say of it, for all later steps.
    fn read_words(&self, tokens: &mut Tokens) {
        let mut info = std::mem::take(&mut tokens.info);
        info.clear();
        info.extend((0..tokens.list.len()).map(|k| match tokens.list[k].kind {
            TokenKind::Word => self.word(tokens.text(k)),
            _ => WordInfo::default(),
        }));
        tokens.info = info;
    }

    /// Whether word token `k` is an English word, looked up once per token.
    fn english(&self, tokens: &mut Tokens, k: usize) -> bool {
        let info = &mut tokens.info[k];
        if info.flags & word::ENGLISH_CHECKED == 0 {
            info.flags |= word::ENGLISH_CHECKED;
            if self.is_english_word(&tokens.norm[tokens.list[k].norm.clone()]) {
                info.flags |= word::ENGLISH;
            }
        }
        tokens.info[k].flags & word::ENGLISH != 0
    }

    /// Replaces unknown words by the food word they misspell; returns which tokens changed.
    fn correct_typos(&self, tokens: &mut Tokens) -> Vec<usize> {
        let mut changes: Vec<(usize, &str)> = Vec::new();
        for i in 0..tokens.list.len() {
            let t = &tokens.list[i];
            if t.kind != TokenKind::Word || t.norm.len() < self.fuzzy_min_letters {
                continue;
            }
            if tokens.info[i].flags & word::KNOWN != 0 || self.english(tokens, i) {
                continue;
            }
            let w = &tokens.norm[tokens.list[i].norm.clone()];
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
        for &(i, _) in &changes {
            tokens.info[i] = self.word(tokens.text(i));
        }
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
        for m in self.phrases.find_iter(tokens.norm.as_str()) {
            let first = tokens.index_at(m.start);
            let last = tokens.last_index_before(m.end);
            let target = self.targets[m.phrase];
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
        let describes_neighbour: Vec<bool> = (0..hits.len())
            .map(|i| self.only_describes_neighbour(tokens, &hits, i))
            .collect();
        hits.into_iter()
            .zip(describes_neighbour)
            .filter_map(|(hit, drop)| (!drop).then_some(hit))
            .collect()
    }

    /// Whether food hit `i` only qualifies a food beside it: a container that is also a drink
    /// ("pint", "shot") before "of <food>" or right after a food ("a turmeric shot", "tequila
    /// shots"), or a name that is also a size ("monster") right before a food.
    fn only_describes_neighbour(&self, tokens: &Tokens, hits: &[Hit], i: usize) -> bool {
        let Target::Food(id, _) = hits[i].target else {
            return false;
        };
        let food = &self.foods[id as usize];
        let (first, last) = (hits[i].first, hits[i].last);
        let is_food = |hit: &Hit| matches!(hit.target, Target::Food(..));
        if food.unit {
            let after_food = i > 0 && is_food(&hits[i - 1]) && hits[i - 1].last + 1 == first;
            // "a pint 🍺": the emoji says what the pint held.
            let before_emoji = hits.get(i + 1).is_some_and(|next| {
                is_food(next)
                    && next.first == last + 1
                    && tokens.list[next.first].kind == TokenKind::Symbol
            });
            if before_emoji {
                return true;
            }
            let before_of_food = hits.get(i + 1).is_some_and(|next| {
                is_food(next)
                    && last + 1 < tokens.list.len()
                    && tokens.text(last + 1) == "of"
                    && next.first <= last + 3
            });
            return after_food || before_of_food;
        }
        food.adjective
            && hits
                .get(i + 1)
                .is_some_and(|next| is_food(next) && next.first == last + 1)
    }

    fn is_section_label(&self, tokens: &Tokens, index: usize) -> bool {
        tokens.list[index].kind == TokenKind::Word
            && tokens.info[index].flags & word::LABEL != 0
            && index + 1 < tokens.list.len()
            && (tokens.is_punct(index + 1, ':') || tokens.is_punct(index + 1, '-'))
    }

    /// The first reading: an item for every food phrase, with its count, negation and
    /// categories as the words around it say; modifiers and retractions are collected.
    fn read_items<'a>(
        &'a self,
        text: &'a str,
        tokens: &Tokens,
        hits: &[Hit],
        corrected: &[usize],
    ) -> (Vec<Draft<'a>>, Marks) {
        let mut drafts: Vec<Draft<'a>> = Vec::with_capacity(hits.len());
        let mut marks = Marks::default();
        let mut section: Option<&'a str> = None;
        let mut next_label_scan = 0;

        let mut floor = 0;
        for hit in hits {
            let quantity_floor = floor;
            floor = hit.last + 1;
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
                    marks.strips.push((hit.first, hit.last, category));
                    continue;
                }
                Target::NotFood => continue,
                Target::Negation => {
                    marks.negations.push((hit.first, hit.last));
                    continue;
                }
                Target::Retraction => {
                    marks.retractions.push((hit.first, hit.last));
                    continue;
                }
            };
            // A phrase with two senses ("chips": crisps, or fries beside a burger) is the
            // food of the one the message means, shown as written when it names a kind.
            let (id, named, kind) = match self.sense_of(tokens, hit) {
                Some(sense) if kind == 0 => {
                    (sense.food, &self.foods[sense.food as usize], sense.kind)
                }
                Some(sense) => (sense.food, &self.foods[id as usize], kind),
                None => (id, &self.foods[id as usize], kind),
            };
            let food = &self.foods[id as usize];
            let previous = drafts.last().map(|d| ((d.first, d.last), d.item.negated));
            let negated = self.negated_before(tokens, hit.first, previous)
                || self.negated_after(tokens, hit.last)
                || self.zero_count_before(tokens, hit.first);
            let (count, grams, unit) =
                self.quantity(food, tokens, quantity_floor, hit.first, hit.last);
            let quantity = match grams {
                Some(g) => g / food.portion_g,
                None => count.unwrap_or(1.0),
            }
            .clamp(0.0, 1000.0);
            let mut categories = food.categories;
            if let Some(rule) = &food.by_percent {
                if let Some(percent) = quantity::percent_near(tokens, hit.first, hit.last) {
                    categories = if percent >= rule.threshold {
                        rule.at_or_above
                    } else {
                        rule.below
                    };
                }
            }
            if categories.contains(Category::Alcohol)
                && quantity::is_alcohol_free(tokens, hit.first, hit.last)
            {
                categories.remove(Category::Alcohol);
            }
            let orig = tokens.list[hit.first].orig.start..tokens.list[hit.last].orig.end;
            drafts.push(Draft {
                item: Item {
                    food: Cow::Borrowed(named.shown_name(kind)),
                    matched: &text[orig],
                    quantity,
                    grams,
                    categories,
                    plants: Plants::of(&food.plants),
                    fibre_g: 0.0,
                    negated,
                    not_eaten: negated.then_some(NotEaten::Negated),
                    meal: section,
                    from: None,
                    corrected: corrected
                        .iter()
                        .any(|&c| (hit.first..=hit.last).contains(&c)),
                    food_id: id,
                },
                first: hit.first,
                last: hit.last,
                counted: count.is_some() && grams.is_none(),
                per_count: portions_per_count(food, unit.map(|u| tokens.text(u))),
                mention: mention_before(tokens, quantity_floor, hit.first),
                extra_fibre: 0.0,
                dropped: false,
            });
        }
        (drafts, marks)
    }

    /// The meal the drafts make: the items kept, each with its fibre, and the totals over
    /// those eaten.
    fn totals<'a>(&'a self, drafts: Vec<Draft<'a>>, unrecognised: Vec<&'a str>) -> Meal<'a> {
        let mut meal = Meal {
            categories: CategorySet::EMPTY,
            plants: Vec::new(),
            fibre_g: 0.0,
            items: Vec::with_capacity(drafts.len()),
            unrecognised,
        };
        let mut fibre = 0.0;
        for draft in drafts.into_iter().filter(|d| !d.dropped) {
            let mut item = draft.item;
            let food = &self.foods[item.food_id as usize];
            let portions = if draft.counted {
                item.quantity * draft.per_count
            } else {
                item.quantity
            };
            let grams = match item.grams {
                Some(g) => g.min(food.portion_g * MAX_PORTIONS_FOR_FIBRE),
                None => food.portion_g * portions.min(MAX_PORTIONS_FOR_FIBRE),
            };
            let extra = draft.extra_fibre * portions.min(MAX_PORTIONS_FOR_FIBRE);
            item.fibre_g = round1(grams * food.fibre_100g / 100.0 + extra);
            item.quantity = (item.quantity * 100.0).round() / 100.0;
            item.grams = item.grams.map(round1);
            if !item.negated {
                meal.categories = meal.categories.union(item.categories);
                fibre += item.fibre_g;
                for plant in item.plants.iter() {
                    if !meal.plants.contains(&plant) {
                        meal.plants.push(plant);
                    }
                }
            }
            meal.items.push(item);
        }
        meal.fibre_g = round1(fibre);
        meal
    }
}

/// How the words just before a food at `first` relate it to an earlier mention.
fn mention_before(tokens: &Tokens, floor: usize, first: usize) -> Mention {
    let from = first.saturating_sub(3).max(floor);
    for k in (from..first).rev() {
        match tokens.text(k) {
            "another" | "more" | "extra" | "second" | "again" | "refill" | "third" => {
                return Mention::More
            }
            "the" | "those" | "that" | "these" | "them" | "leftover" => return Mention::Same,
            _ => {}
        }
    }
    Mention::Plain
}

/// Portions in one of a food counted with `unit` ("slices" in "2 slices of pizza", "tbsp"
/// in "3 tbsp hummus") or with no unit ("3 tacos"): a fraction when the food's portion is
/// several of them.
fn portions_per_count(food: &Food, unit: Option<&str>) -> f32 {
    let Some(portion) = &food.portion_count else {
        return 1.0;
    };
    let same = match unit {
        Some(unit) => singular(unit) == portion.unit,
        None => portion.counts_the_food,
    };
    if same {
        1.0 / portion.count
    } else {
        1.0
    }
}

impl Lexicon {
    /// The food a phrase names in this message: its own, or the other of a sense ("chips"
    /// are fries beside a burger, unless "a bag of chips").
    fn sense_of(&self, tokens: &Tokens, hit: &Hit) -> Option<&Sense> {
        if self.senses.is_empty() || hit.first != hit.last {
            return None;
        }
        let sense = self
            .senses
            .iter()
            .find(|s| s.pattern == tokens.text(hit.first))?;
        if hit.first > 0 && sense.unless_after.contains(tokens.text(hit.first - 1)) {
            return None;
        }
        let sentence = |k: usize| {
            ['.', '!', '?', ';']
                .iter()
                .any(|&ch| tokens.is_punct(k, ch))
        };
        let start = (0..hit.first)
            .rev()
            .find(|&k| sentence(k))
            .map_or(0, |k| k + 1);
        let end = (hit.last + 1..tokens.list.len())
            .find(|&k| sentence(k))
            .unwrap_or(tokens.list.len());
        (start..end)
            .any(|k| k != hit.first && sense.near.contains(tokens.text(k)))
            .then_some(sense)
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

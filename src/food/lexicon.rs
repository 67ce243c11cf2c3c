//! The food lexicon: foods and drinks from `config/foods.toml`, the words that steer the parser
//! (negations, quantities, units, meal labels), and the phrase automaton built from them.
//!
//! Invariants checked when the lexicon is built, so a bad edit to the file fails loudly at
//! start-up and in `cargo test` rather than misreading meals later:
//! - every phrase normalises to at least one token and belongs to exactly one food;
//! - every category id is one of the ten (serde rejects any other);
//! - portions are positive and fibre figures lie between 0 and 100 g per 100 g;
//! - no single-word phrase is one of the `common_words` ("flora" is gut flora, not margarine).
//!
//! Regular plurals and singulars of each phrase's last word are added automatically ("berry"
//! -> "berries", "tomatoes" -> "tomato"), unless the variant is an ordinary English word listed
//! in `common_words` ("dates" does not make "date" a food) or another food already owns it.

use super::category::{Category, CategorySet};
use super::text::{is_symbol_char, tokenize, TokenKind, Tokens};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The lexicon shipped with the binary, so the parser works from any directory.
pub const BUILTIN_LEXICON: &str = include_str!("../../config/foods.toml");

/// English words of five or more letters, one a line (`#` starts a comment line). A typo is
/// only corrected when the word is not a real word: without this guard "absolute" would read
/// as the vodka "absolut" and "activist" as "activia" yogurt.
const ENGLISH_WORDS: &str = include_str!("../../config/english-words.txt");

#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("cannot read the lexicon {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the lexicon is not valid: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("food {food:?}: {problem}")]
    Entry { food: String, problem: String },
    #[error("phrase {phrase:?} belongs to both {first:?} and {second:?}")]
    DuplicatePhrase {
        phrase: String,
        first: String,
        second: String,
    },
    #[error("cannot build the phrase automaton: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

/// Categories chosen by a cocoa percentage: "99% dark chocolate" is a polyphenol source, a
/// 50 % bar is mostly sugar. Without a percentage the food's own categories apply.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PercentRule {
    pub threshold: f32,
    pub at_or_above: CategorySet,
    pub below: CategorySet,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FoodRecord {
    name: String,
    #[serde(default)]
    also: Vec<String>,
    cats: CategorySet,
    plant: Option<String>,
    portion: String,
    portion_g: f32,
    fibre_100g: f32,
    fdc: String,
    diet: Option<CategorySet>,
    by_percent: Option<PercentRule>,
    #[serde(default)]
    category_word: bool,
    #[serde(default)]
    unit: bool,
    #[serde(default)]
    adjective: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FuzzyRules {
    min_letters: usize,
    min_similarity: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesRecord {
    negators: Vec<String>,
    negation_suffixes: Vec<String>,
    fillers: Vec<String>,
    adjectives: Vec<String>,
    meal_labels: Vec<String>,
    count_units: Vec<String>,
    mass_units: BTreeMap<String, f32>,
    numbers: BTreeMap<String, f32>,
    common_words: Vec<String>,
    strips: BTreeMap<Category, Vec<String>>,
    not_food: Vec<String>,
    retractions: Vec<String>,
    fuzzy: FuzzyRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconRecord {
    rules: RulesRecord,
    food: Vec<FoodRecord>,
}

/// One food or drink of the lexicon.
#[derive(Clone, Debug)]
pub struct Food {
    /// Canonical name, shown to the user.
    pub name: String,
    /// Other names, spellings and emoji, as written in the file.
    pub synonyms: Vec<String>,
    pub categories: CategorySet,
    /// The plant it counts as towards the weekly variety, if it is a plant food.
    pub plant: Option<String>,
    /// A default portion in words ("1 cup") and in grams (or millilitres).
    pub portion: String,
    pub portion_g: f32,
    /// Fibre per 100 g, from the USDA FoodData Central item named in `fdc`.
    pub fibre_100g: f32,
    pub fdc: String,
    /// Categories of the diet / sugar-free version of a sweet drink.
    pub diet: Option<CategorySet>,
    pub by_percent: Option<PercentRule>,
    /// A word naming a category itself ("sugar", "alcohol"): negated, it strips that category
    /// from the food beside it ("coke, no sugar").
    pub category_word: bool,
    /// A container that is also a drink ("pint", "shot"): before "of <food>" it is only a unit.
    pub unit: bool,
    /// A name that is also a size ("monster"): right before another food it only describes it.
    pub adjective: bool,
}

impl Food {
    /// Fibre in grams of `portions` default portions.
    pub fn fibre_for_portions(&self, portions: f32) -> f32 {
        self.portion_g * portions * self.fibre_100g / 100.0
    }
}

/// What the automaton found.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target {
    Food(u32),
    Strip(Category),
    /// A phrase that contains a food word but names no food ("apple watch").
    NotFood,
    /// A phrase that takes back the food before it ("... but gave it away").
    Retraction,
}

pub(crate) mod word {
    pub const NEGATOR: u16 = 1;
    pub const FILLER: u16 = 1 << 1;
    pub const ADJECTIVE: u16 = 1 << 2;
    pub const COUNT_UNIT: u16 = 1 << 3;
    pub const MASS_UNIT: u16 = 1 << 4;
    pub const NUMBER: u16 = 1 << 5;
    pub const LABEL: u16 = 1 << 6;
    pub const NEGATION_SUFFIX: u16 = 1 << 7;
    /// Part of some phrase, a rule word or a common English word: never typo-corrected.
    pub const KNOWN: u16 = 1 << 8;
    pub const COMMON: u16 = 1 << 9;
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WordInfo {
    pub flags: u16,
    /// Value of a number word ("two" = 2).
    pub number: f32,
    /// Grams in one mass or volume unit ("kg" = 1000).
    pub grams: f32,
}

/// The loaded lexicon with everything the parser needs to read a message.
pub struct Lexicon {
    pub(crate) foods: Vec<Food>,
    pub(crate) automaton: AhoCorasick,
    pub(crate) targets: Vec<Target>,
    pub(crate) symbols: FxHashSet<char>,
    pub(crate) words: FxHashMap<Box<str>, WordInfo>,
    /// Single-word phrases by first letter, the candidates for typo correction.
    pub(crate) fuzzy: FxHashMap<u8, Vec<(Box<str>, u32)>>,
    pub(crate) fuzzy_min_letters: usize,
    pub(crate) fuzzy_min_similarity: f64,
    /// Real English words, never typo-corrected: the embedded list's lines, sorted, searched
    /// by bisection (building a hash set of 70,000 words would double the start-up time).
    pub(crate) dictionary: Vec<&'static str>,
    phrase_count: usize,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("foods", &self.foods.len())
            .field("phrases", &self.phrase_count)
            .finish()
    }
}

impl Lexicon {
    /// The lexicon compiled into the binary from `config/foods.toml`.
    pub fn builtin() -> Result<Lexicon, LexiconError> {
        Lexicon::from_toml(BUILTIN_LEXICON)
    }

    /// Loads a lexicon file, for trying edits without rebuilding.
    pub fn load(path: &Path) -> Result<Lexicon, LexiconError> {
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Lexicon::from_toml(&text)
    }

    pub fn from_toml(text: &str) -> Result<Lexicon, LexiconError> {
        let record: LexiconRecord = toml::from_str(text)?;
        build(record)
    }

    pub fn foods(&self) -> &[Food] {
        &self.foods
    }

    /// How many phrases the automaton holds, generated variants and rule phrases included.
    pub fn phrase_count(&self) -> usize {
        self.phrase_count
    }

    /// The food a whole phrase names exactly, if any ("Blueberries" -> blueberries).
    pub fn lookup(&self, phrase: &str) -> Option<&Food> {
        let mut tokens = Tokens::default();
        tokenize(phrase, &self.symbols, &mut tokens);
        let found = self
            .automaton
            .find(tokens.norm.as_str())
            .filter(|m| m.start() == 0 && m.end() == tokens.norm.len())?;
        match self.targets[found.pattern().as_usize()] {
            Target::Food(id) => self.foods.get(id as usize),
            Target::Strip(_) | Target::NotFood | Target::Retraction => None,
        }
    }

    /// Runs only the phrase automaton over `text`: the floor any parser pays, for benchmarks.
    pub fn scan_count(&self, text: &str) -> usize {
        self.automaton.find_iter(text).count()
    }

    pub(crate) fn is_english_word(&self, text: &str) -> bool {
        self.dictionary.binary_search(&text).is_ok()
    }

    pub(crate) fn word(&self, text: &str) -> WordInfo {
        self.words.get(text).copied().unwrap_or_default()
    }
}

fn entry_error(food: &str, problem: impl Into<String>) -> LexiconError {
    LexiconError::Entry {
        food: food.to_string(),
        problem: problem.into(),
    }
}

/// Regular plural and singular forms of a lowercase word: "berry" <-> "berries",
/// "tomato" <-> "tomatoes", "sandwich" <-> "sandwiches", "apple" <-> "apples".
fn word_variants(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let n = word.len();
    if n < 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return out;
    }
    let stem = |k: usize| &word[..n - k];
    let es_plural = ["oes", "shes", "ches", "xes", "sses", "zes"];
    if word.ends_with("ies") && n >= 5 {
        out.push(format!("{}y", stem(3)));
    } else if es_plural.iter().any(|s| word.ends_with(s)) {
        out.push(stem(2).to_string());
    } else if word.ends_with('s') {
        if !["ss", "us", "is"].iter().any(|s| word.ends_with(s)) {
            out.push(stem(1).to_string());
        }
    } else if word.ends_with('y') && !b"aeiou".contains(&word.as_bytes()[n - 2]) {
        out.push(format!("{}ies", stem(1)));
    } else if ["ch", "sh", "x", "z"].iter().any(|s| word.ends_with(s)) {
        out.push(format!("{word}es"));
    } else if word.ends_with('o') {
        // Both are in common use: "tomatoes", "avocados".
        out.push(format!("{word}es"));
        out.push(format!("{word}s"));
    } else {
        out.push(format!("{word}s"));
    }
    out
}

fn build(record: LexiconRecord) -> Result<Lexicon, LexiconError> {
    let LexiconRecord { rules, food } = record;

    let mut symbols = FxHashSet::default();
    for f in &food {
        for phrase in std::iter::once(&f.name).chain(&f.also) {
            symbols.extend(phrase.chars().filter(|&c| is_symbol_char(c)));
        }
    }

    let mut words: FxHashMap<Box<str>, WordInfo> = FxHashMap::default();
    let mut mark = |w: &str, flags: u16| {
        let info = words.entry(w.into()).or_default();
        info.flags |= flags | word::KNOWN;
    };
    for w in &rules.negators {
        mark(w, word::NEGATOR);
    }
    for w in &rules.negation_suffixes {
        mark(w, word::NEGATION_SUFFIX);
    }
    for w in &rules.fillers {
        mark(w, word::FILLER);
    }
    for w in &rules.adjectives {
        mark(w, word::ADJECTIVE);
    }
    for w in &rules.meal_labels {
        mark(w, word::LABEL);
    }
    for w in &rules.common_words {
        mark(w, word::COMMON);
    }
    for w in &rules.count_units {
        for form in std::iter::once(w.clone()).chain(word_variants(w)) {
            mark(&form, word::COUNT_UNIT);
        }
    }
    for (w, grams) in &rules.mass_units {
        let info = words.entry(w.as_str().into()).or_default();
        info.flags |= word::MASS_UNIT | word::KNOWN;
        info.grams = *grams;
    }
    for (w, value) in &rules.numbers {
        let info = words.entry(w.as_str().into()).or_default();
        info.flags |= word::NUMBER | word::KNOWN;
        info.number = *value;
    }

    let mut foods = Vec::with_capacity(food.len());
    let mut patterns: Vec<String> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut owner: FxHashMap<String, u32> = FxHashMap::default();
    let mut tokens = Tokens::default();
    // Last words of each food's phrases, for generating variants after all explicit phrases.
    let mut variant_sources: Vec<(u32, String, String)> = Vec::new();

    for (index, f) in food.into_iter().enumerate() {
        let id = index as u32;
        if f.name.trim().is_empty() {
            return Err(entry_error(&f.name, "empty name"));
        }
        if !(f.portion_g > 0.0 && f.portion_g.is_finite()) {
            return Err(entry_error(&f.name, "portion_g must be positive"));
        }
        if !(0.0..=100.0).contains(&f.fibre_100g) {
            return Err(entry_error(&f.name, "fibre_100g must be 0-100"));
        }
        if f.fdc.trim().is_empty() {
            return Err(entry_error(
                &f.name,
                "fdc must name the FoodData Central item",
            ));
        }
        for phrase in std::iter::once(&f.name).chain(&f.also) {
            tokenize(phrase, &symbols, &mut tokens);
            if tokens.list.is_empty() {
                return Err(entry_error(
                    &f.name,
                    format!("phrase {phrase:?} has no words"),
                ));
            }
            mark_known(&mut words, &tokens);
            if tokens.list.len() == 1
                && words
                    .get(tokens.text(0))
                    .is_some_and(|i| i.flags & word::COMMON != 0)
            {
                return Err(entry_error(
                    &f.name,
                    format!("{phrase:?} is listed in common_words as an ordinary word"),
                ));
            }
            let pattern = tokens.norm.clone();
            match owner.get(&pattern) {
                Some(&other) if other != id => {
                    return Err(LexiconError::DuplicatePhrase {
                        phrase: phrase.clone(),
                        first: foods_name(&foods, other, &f.name),
                        second: f.name.clone(),
                    })
                }
                Some(_) => continue,
                None => {}
            }
            owner.insert(pattern.clone(), id);
            patterns.push(pattern);
            targets.push(Target::Food(id));
            let last = tokens.list.len() - 1;
            if tokens.list[last].kind == TokenKind::Word {
                let head = tokens.norm[..tokens.list[last].norm.start].to_string();
                variant_sources.push((id, head, tokens.text(last).to_string()));
            }
        }
        foods.push(Food {
            name: f.name,
            synonyms: f.also,
            categories: f.cats,
            plant: f.plant,
            portion: f.portion,
            portion_g: f.portion_g,
            fibre_100g: f.fibre_100g,
            fdc: f.fdc,
            diet: f.diet,
            by_percent: f.by_percent,
            category_word: f.category_word,
            unit: f.unit,
            adjective: f.adjective,
        });
    }

    let is_common = |w: &str| {
        words
            .get(w)
            .is_some_and(|i| i.flags & (word::COMMON | word::NEGATOR | word::FILLER) != 0)
    };
    let mut generated: Vec<(String, u32)> = Vec::new();
    let mut known_variants: Vec<String> = Vec::new();
    for (id, head, last) in &variant_sources {
        for variant in word_variants(last) {
            let single_word = head.len() <= 1;
            if single_word && is_common(&variant) {
                continue;
            }
            let pattern = format!("{head}{variant} ");
            if owner.contains_key(&pattern) {
                continue;
            }
            owner.insert(pattern.clone(), *id);
            generated.push((pattern, *id));
            known_variants.push(variant);
        }
    }
    for variant in known_variants {
        words.entry(variant.into()).or_default().flags |= word::KNOWN;
    }
    for (pattern, id) in generated {
        patterns.push(pattern);
        targets.push(Target::Food(id));
    }

    // Rule phrases share the automaton with the foods, so the longest phrase still wins
    // ("sugar free" over "sugar", "apple watch" over "apple").
    let mut rule_phrases: Vec<(String, &[String], Target)> = rules
        .strips
        .iter()
        .map(|(category, phrases)| {
            let list = format!("the {category} modifier");
            (list, phrases.as_slice(), Target::Strip(*category))
        })
        .collect();
    rule_phrases.push(("not_food".into(), &rules.not_food, Target::NotFood));
    rule_phrases.push(("retractions".into(), &rules.retractions, Target::Retraction));
    for (list, phrases, target) in rule_phrases {
        for phrase in phrases {
            tokenize(phrase, &symbols, &mut tokens);
            if tokens.list.is_empty() {
                return Err(entry_error(phrase, format!("{list} phrase has no words")));
            }
            if let Some(&other) = owner.get(&tokens.norm) {
                return Err(LexiconError::DuplicatePhrase {
                    phrase: phrase.clone(),
                    first: foods[other as usize].name.clone(),
                    second: list,
                });
            }
            mark_known(&mut words, &tokens);
            patterns.push(tokens.norm.clone());
            targets.push(target);
        }
    }

    let mut fuzzy: FxHashMap<u8, Vec<(Box<str>, u32)>> = FxHashMap::default();
    for (pattern, target) in patterns.iter().zip(&targets) {
        let Target::Food(id) = *target else { continue };
        let w = pattern.trim();
        if w.len() >= rules.fuzzy.min_letters
            && !w.contains(' ')
            && w.bytes().all(|b| b.is_ascii_lowercase())
        {
            fuzzy
                .entry(w.as_bytes()[0])
                .or_default()
                .push((w.into(), id));
        }
    }

    let mut dictionary: Vec<&'static str> = ENGLISH_WORDS
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    if !dictionary.is_sorted() {
        dictionary.sort_unstable();
    }

    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        // A DFA would search a little faster but takes three times as long to build.
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        // Every pattern starts with a space, so a start-byte prefilter cannot skip anything.
        .prefilter(false)
        .build(&patterns)?;
    Ok(Lexicon {
        foods,
        automaton,
        phrase_count: patterns.len(),
        targets,
        symbols,
        words,
        fuzzy,
        fuzzy_min_letters: rules.fuzzy.min_letters,
        fuzzy_min_similarity: rules.fuzzy.min_similarity,
        dictionary,
    })
}

/// Marks every word of a phrase as known, so typo correction never rewrites it.
fn mark_known(words: &mut FxHashMap<Box<str>, WordInfo>, tokens: &Tokens) {
    for (i, token) in tokens.list.iter().enumerate() {
        if token.kind == TokenKind::Word {
            words.entry(tokens.text(i).into()).or_default().flags |= word::KNOWN;
        }
    }
}

fn foods_name(foods: &[Food], id: u32, fallback: &str) -> String {
    foods
        .get(id as usize)
        .map_or_else(|| fallback.to_string(), |f| f.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_and_singular_variants() {
        assert_eq!(word_variants("berry"), ["berries"]);
        assert_eq!(word_variants("tomato"), ["tomatoes", "tomatos"]);
        assert_eq!(word_variants("tomatoes"), ["tomato"]);
        assert_eq!(word_variants("blueberries"), ["blueberry"]);
        assert_eq!(word_variants("sandwich"), ["sandwiches"]);
        assert_eq!(word_variants("sausages"), ["sausage"]);
        assert_eq!(word_variants("hummus"), Vec::<String>::new());
        assert_eq!(word_variants("turkey"), ["turkeys"]);
    }
}

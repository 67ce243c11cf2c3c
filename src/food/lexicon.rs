//! The food lexicon: foods and drinks from the files of `config/foods/`, the words that steer
//! the parser (negations, quantities, units, meal labels), and the phrase automaton built from
//! them.
//!
//! The lexicon is several TOML files, one `rules.toml` holding `[rules]` and the rest holding
//! `[[food]]` entries by kind (plants, dishes, chains, drinks ...), read as one.
//!
//! Invariants checked when the lexicon is built, so a bad edit to the file fails loudly at
//! start-up and in `cargo test` rather than misreading meals later:
//! - every phrase normalises to at least one token and belongs to exactly one food;
//! - every category id is one of the ten (serde rejects any other);
//! - portions are positive and fibre figures lie between 0 and 100 g per 100 g;
//! - no single-word phrase is one of the `common_words` ("flora" is gut flora, not margarine).
//!
//! Words are matched in the singular: a phrase and a message are both read with each regular
//! plural turned into its singular ("blueberries" meets "blueberry", "flat whites" meets "flat
//! white"; see [`canonical`]), except rule words and plurals whose singular is an ordinary word
//! ("dates" does not make "date" a food). A plural kept that way still meets the phrases that
//! end in its singular ("energy drinks"), and the few words ending in "s" that are no plural
//! are listed in `as_written`.

use super::category::{Category, CategorySet};
use super::phrases::Phrases;
use super::text::{is_symbol_char, tokenize, TokenKind, Tokens};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The lexicon's files shipped with the binary: each file's name in `config/foods/` and its
/// text, in the load order of `config/foods/ORDER` (made by `build.rs`). A test checks that
/// every file of that folder is listed.
pub const BUILTIN_LEXICON: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// The same files compiled by `build.rs` into one JSON document (rules and every food in
/// order), which reads several times faster than the TOML at start-up.
const BUILTIN_COMPILED: &str = include_str!(concat!(env!("OUT_DIR"), "/lexicon.json"));

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
    #[error("{file} is not a valid lexicon file: {source}")]
    Toml {
        file: String,
        source: toml::de::Error,
    },
    #[error("the lexicon compiled into the binary does not read: {0}")]
    Compiled(serde_json::Error),
    #[error("the lexicon needs exactly one [rules] table, found {0}")]
    Rules(usize),
    #[error("food {food:?}: {problem}")]
    Entry { food: String, problem: String },
    #[error("phrase {phrase:?} belongs to both {first:?} and {second:?}")]
    DuplicatePhrase {
        phrase: String,
        first: String,
        second: String,
    },
    #[error(
        "phrase {phrase:?} of {second:?} meets one of {first:?} when {plurals:?} is read as a \
         singular; list it in as_written (rules.toml) if it is no plural"
    )]
    MeetInTheSingular {
        phrase: String,
        first: String,
        second: String,
        plurals: String,
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
    #[serde(default)]
    cats: CategorySet,
    plant: Option<String>,
    #[serde(default)]
    kinds: Vec<KindRecord>,
    #[serde(default)]
    parts: Vec<String>,
    chain: Option<ChainKind>,
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

/// A named kind of a food, shown under its own name: `"flat white"`, or with spellings of
/// its own, `{ name = "cappuccino", also = ["cappucino"] }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum KindRecord {
    Name(String),
    Spelled {
        name: String,
        #[serde(default)]
        also: Vec<String>,
    },
}

impl KindRecord {
    fn into_parts(self) -> (String, Vec<String>) {
        match self {
            KindRecord::Name(name) => (name, Vec::new()),
            KindRecord::Spelled { name, also } => (name, also),
        }
    }
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
    negations: Vec<String>,
    fuzzy: FuzzyRules,
    context: ContextRules,
    as_written: Vec<String>,
    portion_measures: Vec<String>,
    compound_heads: Vec<String>,
    #[serde(default)]
    senses: Vec<SenseRecord>,
}

/// A phrase that names one food alone and another beside certain words (see [`Sense`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SenseRecord {
    phrase: String,
    food: String,
    near: Vec<String>,
    unless_after: Vec<String>,
}

/// "chips" are crisps alone or by the bag, fries beside fish, a burger or peri-peri: a
/// phrase whose food changes to `food` when a word of `near` is in the same sentence, unless
/// a word of `unless_after` comes right before it ("a bag of chips").
#[derive(Clone, Debug)]
pub(crate) struct Sense {
    /// The phrase, normalised as the tokeniser writes it.
    pub pattern: String,
    pub food: u32,
    /// Which of the food's names the other sense shows (0 its own, k its k-th kind).
    pub kind: u16,
    pub near: FxHashSet<Box<str>>,
    pub unless_after: FxHashSet<Box<str>>,
}

/// The words that tell whose food a clause is about and whether it was eaten (see
/// `parse::context`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextRules {
    first_person: Vec<String>,
    third_person: Vec<String>,
    people: Vec<String>,
    subject_verbs: Vec<String>,
    serving_verbs: Vec<String>,
    plan_words: Vec<String>,
    plan_before_to: Vec<String>,
    ate: Vec<String>,
    clause_breaks: Vec<String>,
    company: Vec<String>,
    later_occasions: Vec<String>,
    others_possessives: Vec<String>,
    now: Vec<String>,
}

/// One file of the lexicon: the rules, foods, or both.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    rules: Option<RulesRecord>,
    #[serde(default)]
    food: Vec<FoodRecord>,
}

/// All files of the lexicon, merged.
struct LexiconRecord {
    rules: RulesRecord,
    food: Vec<FoodRecord>,
}

/// What a chain's name stands for when it is named in a meal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainKind {
    /// A restaurant or takeaway: named with its dishes it is only where they came from
    /// ("a burrito from chipotle"); named alone it is one typical meal ("had a mcdonalds").
    Restaurant,
    /// A shop: only ever where food came from ("salad from tesco"), never food itself.
    Shop,
}

/// One food or drink of the lexicon.
#[derive(Clone, Debug)]
pub struct Food {
    /// Canonical name, shown to the user.
    pub name: String,
    /// Other names, spellings and emoji, as written in the file; shown as `name`.
    pub synonyms: Vec<String>,
    /// Named kinds of the food, each shown under its own name but counted as this food
    /// ("flat white" and "latte" are coffee; "carling" is lager).
    pub kinds: Vec<String>,
    pub categories: CategorySet,
    /// The plants it counts as towards the weekly variety: its own plant for a plant food
    /// ("blueberry"), the plants of its main ingredients for a dish (rajma chawal: kidney
    /// bean, rice), none for the rest.
    pub plants: Vec<String>,
    /// A dish's main ingredients (indices of other foods), from which it takes its plants
    /// and categories.
    pub parts: Vec<u32>,
    /// A restaurant or shop name, which the parser reads as where food came from.
    pub chain: Option<ChainKind>,
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
    /// Its portion as a number of something ("2 tacos", "2 tbsp", "1/2 medium pizza (4
    /// slices)"), so that "3 tacos" is 1.5 portions and "3 tbsp" of a 2-tbsp portion too.
    pub portion_count: Option<PortionCount>,
}

/// A portion read as a number of units: "2 tacos" is 2 of "taco", "1/2 medium pizza (4
/// slices)" 4 of "slice", "2 tbsp" 2 of "tbsp".
#[derive(Clone, Debug, PartialEq)]
pub struct PortionCount {
    pub count: f32,
    /// The unit in the singular.
    pub unit: String,
    /// Whether the units are the food itself ("2 tacos", "2 biscuits" of Weetabix), so a bare
    /// count ("3 tacos", "3 weetabix") counts them; not so for a measure ("2 tbsp") or parts
    /// of the food ("(4 slices)" of a pizza: "a pizza" is not a slice).
    pub counts_the_food: bool,
}

impl Food {
    /// The name shown for it when a phrase of `kind` named it: its own name for 0, else that
    /// kind's name.
    pub fn shown_name(&self, kind: u16) -> &str {
        match kind.checked_sub(1) {
            Some(k) => self.kinds.get(usize::from(k)).unwrap_or(&self.name),
            None => &self.name,
        }
    }

    /// Fibre in grams of `portions` default portions.
    pub fn fibre_for_portions(&self, portions: f32) -> f32 {
        self.portion_g * portions * self.fibre_100g / 100.0
    }
}

/// What the automaton found.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target {
    /// A food, and which of its names the phrase shows: 0 for its own name, k for its k-th
    /// kind.
    Food(u32, u16),
    Strip(Category),
    /// A phrase that contains a food word but names no food ("apple watch").
    NotFood,
    /// A phrase that takes back the food before it ("... but gave it away").
    Retraction,
    /// A phrase that negates the food after it ("they were out of salmon").
    Negation,
}

pub(crate) mod word {
    pub const NEGATOR: u32 = 1;
    pub const FILLER: u32 = 1 << 1;
    pub const ADJECTIVE: u32 = 1 << 2;
    pub const COUNT_UNIT: u32 = 1 << 3;
    pub const MASS_UNIT: u32 = 1 << 4;
    pub const NUMBER: u32 = 1 << 5;
    pub const LABEL: u32 = 1 << 6;
    pub const NEGATION_SUFFIX: u32 = 1 << 7;
    /// Part of some phrase, a rule word or a common English word: never typo-corrected.
    pub const KNOWN: u32 = 1 << 8;
    /// Set per token, not in the table: the word is in the English word list.
    pub const ENGLISH: u32 = 1 << 30;
    /// Set per token, not in the table: the word was looked up in the English word list.
    pub const ENGLISH_CHECKED: u32 = 1 << 31;
    /// The first word of a two-word person ("other" of "other half").
    pub const PERSON_FIRST: u32 = 1 << 23;
    /// A word ending in "s" that is no plural: matched as written ("paprikas").
    pub const AS_WRITTEN: u32 = 1 << 24;
    pub const COMMON: u32 = 1 << 9;
    /// The writer as subject: "i", "we".
    pub const FIRST_PERSON: u32 = 1 << 10;
    /// Someone else as subject: "he", "everyone".
    pub const THIRD_PERSON: u32 = 1 << 11;
    /// A person who is not the writer: "flatmate", "kids".
    pub const PERSON: u32 = 1 << 12;
    /// A verb that tells what a subject ate, ordered or chose: "had", "ordered".
    pub const SUBJECT_VERB: u32 = 1 << 13;
    /// A verb whose person object is who the food was for: "made the kids nuggets".
    pub const SERVING_VERB: u32 = 1 << 14;
    /// A word that makes what follows a plan, wish or might-have-been: "might", "gonna".
    pub const PLAN: u32 = 1 << 15;
    /// A word that makes what follows a plan when "to" comes next: "going to", "want to".
    pub const PLAN_BEFORE_TO: u32 = 1 << 16;
    /// A past-tense verb of eating, which ends a plan's reach ("gonna cook, had toast").
    pub const ATE: u32 = 1 << 17;
    /// A word that starts a new clause: "but", "while".
    pub const CLAUSE_BREAK: u32 = 1 << 18;
    /// A word before a person that makes them company, not the subject: "with", "w".
    pub const COMPANY: u32 = 1 << 19;
    /// After "for", a time or occasion still to come: "for saturday", "for the party".
    pub const LATER: u32 = 1 << 20;
    /// Someone else's, before their food: "his tea", "her chips".
    pub const OTHERS: u32 = 1 << 21;
    /// A word of now or earlier that ends a plan's reach: "gonna have a vindaloo later,
    /// lunch was 2 crumpets", "beer for tomorrow, tonight just water".
    pub const NOW: u32 = 1 << 22;
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WordInfo {
    pub flags: u32,
    /// Value of a number word ("two" = 2).
    pub number: f32,
    /// Grams in one mass or volume unit ("kg" = 1000).
    pub grams: f32,
}

/// The loaded lexicon with everything the parser needs to read a message.
pub struct Lexicon {
    pub(crate) foods: Vec<Food>,
    pub(crate) phrases: Phrases,
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
    pub(crate) senses: Vec<Sense>,
    /// Foods that take an ingredient named right before them as part of their name
    /// ("tomato salad", "lingonberry jam"), by index.
    pub(crate) compound_heads: FxHashSet<u32>,
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
    /// The lexicon compiled into the binary from `config/foods/`.
    pub fn builtin() -> Result<Lexicon, LexiconError> {
        let record: LexiconFile =
            serde_json::from_str(BUILTIN_COMPILED).map_err(LexiconError::Compiled)?;
        let rules = record.rules.ok_or(LexiconError::Rules(0))?;
        build(LexiconRecord {
            rules,
            food: record.food,
        })
    }

    /// Loads a lexicon from disk, for trying edits without rebuilding: a folder (every
    /// `*.toml` file in it, like `config/foods/`) or a single file holding rules and foods.
    pub fn load(path: &Path) -> Result<Lexicon, LexiconError> {
        let io = |source| LexiconError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut files: Vec<(String, String)> = Vec::new();
        if path.is_dir() {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            paths.sort();
            for file in paths {
                let text = std::fs::read_to_string(&file).map_err(|source| LexiconError::Io {
                    path: file.clone(),
                    source,
                })?;
                files.push((file.display().to_string(), text));
            }
        } else {
            let text = std::fs::read_to_string(path).map_err(io)?;
            files.push((path.display().to_string(), text));
        }
        Lexicon::from_files(
            files
                .iter()
                .map(|(name, text)| (name.as_str(), text.as_str())),
        )
    }

    /// A lexicon from one text holding both the rules and the foods.
    pub fn from_toml(text: &str) -> Result<Lexicon, LexiconError> {
        Lexicon::from_files([("the lexicon", text)])
    }

    /// A lexicon from several files (name, text): exactly one holds `[rules]`, any may hold
    /// foods. Foods keep the order of the files.
    pub fn from_files<'t>(
        files: impl IntoIterator<Item = (&'t str, &'t str)>,
    ) -> Result<Lexicon, LexiconError> {
        let mut rules = Vec::new();
        let mut food = Vec::new();
        for (name, text) in files {
            let file: LexiconFile = toml::from_str(text).map_err(|source| LexiconError::Toml {
                file: name.to_string(),
                source,
            })?;
            rules.extend(file.rules);
            food.extend(file.food);
        }
        if rules.len() != 1 {
            return Err(LexiconError::Rules(rules.len()));
        }
        let rules = rules.pop().ok_or(LexiconError::Rules(0))?;
        build(LexiconRecord { rules, food })
    }

    pub fn foods(&self) -> &[Food] {
        &self.foods
    }

    /// How many phrases the automaton holds, rule phrases included.
    pub fn phrase_count(&self) -> usize {
        self.phrase_count
    }

    /// The food a whole phrase names exactly, if any ("Blueberries" -> blueberries).
    pub fn lookup(&self, phrase: &str) -> Option<&Food> {
        self.foods.get(self.lookup_id(phrase)? as usize)
    }

    /// The index of the food a whole phrase names exactly, if any.
    pub(crate) fn lookup_id(&self, phrase: &str) -> Option<u32> {
        let mut tokens = Tokens::default();
        tokenize(phrase, &self.symbols, &mut tokens);
        canonicalize(&self.words, &mut tokens);
        let found = self
            .phrases
            .find_iter(tokens.norm.as_str())
            .next()
            .filter(|m| m.start == 0 && m.end == tokens.norm.len())?;
        match self.targets[found.phrase] {
            Target::Food(id, _) => Some(id),
            Target::Strip(_) | Target::NotFood | Target::Retraction | Target::Negation => None,
        }
    }

    /// Runs only the phrase automaton over `text`: the floor any parser pays, for benchmarks.
    pub fn scan_count(&self, text: &str) -> usize {
        self.phrases.find_iter(text).count()
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

/// Flags of words that steer the parser by what they say, matched as written, never as a
/// singular ("was" is not the plural of "wa"). Units, people and labels may be read in the
/// singular: their flags are taken from the word as typed.
const RULE_WORD: u32 = word::NEGATOR
    | word::FILLER
    | word::NUMBER
    | word::NEGATION_SUFFIX
    | word::COMMON
    | word::FIRST_PERSON
    | word::THIRD_PERSON
    | word::SUBJECT_VERB
    | word::SERVING_VERB
    | word::PLAN
    | word::PLAN_BEFORE_TO
    | word::ATE
    | word::CLAUSE_BREAK
    | word::COMPANY
    | word::LATER
    | word::OTHERS
    | word::NOW
    | word::AS_WRITTEN;

/// The singular a regular plural of four letters or more comes from: "berries" -> "berry",
/// "tomatoes" -> "tomato", "glasses" -> "glass", "tacos" -> "taco"; `None` for a word that
/// does not look plural ("hummus", "glass", "this").
fn plural_base(word: &str) -> Option<std::borrow::Cow<'_, str>> {
    let n = word.len();
    if n < 4 || !word.ends_with('s') || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    if word.ends_with("ies") && n >= 5 {
        return Some(format!("{}y", &word[..n - 3]).into());
    }
    if ["oes", "shes", "ches", "xes", "sses", "zes"]
        .iter()
        .any(|end| word.ends_with(end))
    {
        return Some(word[..n - 2].into());
    }
    if ["ss", "us", "is"].iter().any(|end| word.ends_with(end)) {
        return None;
    }
    Some(word[..n - 1].into())
}

/// The form a word is matched in: its singular when it looks like a regular plural, unless
/// the word steers the parser or its singular is an ordinary word ("dates" stays "dates": a
/// date is not a fruit). Phrases and messages go through the same function, so "blueberry"
/// in the lexicon meets "blueberries" in a message and "flat whites" meets "flat white"
/// without listing both.
pub(crate) fn canonical<'w>(
    words: &FxHashMap<Box<str>, WordInfo>,
    word: &'w str,
) -> Option<std::borrow::Cow<'w, str>> {
    let flags = |w: &str| words.get(w).map_or(0, |info| info.flags);
    if flags(word) & RULE_WORD != 0 {
        return None;
    }
    let base = plural_base(word)?;
    (flags(&base) & (word::COMMON | word::NEGATOR | word::FILLER) == 0).then_some(base)
}

/// Rewrites the word tokens of `tokens` into their [`canonical`] forms; whether any changed.
pub(crate) fn canonicalize(words: &FxHashMap<Box<str>, WordInfo>, tokens: &mut Tokens) -> bool {
    let mut changes: Vec<(usize, String)> = Vec::new();
    for (i, token) in tokens.list.iter().enumerate() {
        if token.kind == TokenKind::Word {
            if let Some(base) = canonical(words, tokens.text(i)) {
                changes.push((i, base.into_owned()));
            }
        }
    }
    if changes.is_empty() {
        return false;
    }
    let mut norm = String::with_capacity(tokens.norm.len());
    let mut next = changes.iter().peekable();
    for (i, token) in tokens.list.iter_mut().enumerate() {
        norm.push(' ');
        let start = norm.len();
        match next.peek() {
            Some((at, base)) if *at == i => {
                norm.push_str(base);
                next.next();
            }
            _ => norm.push_str(&tokens.norm[token.norm.clone()]),
        }
        token.norm = start..norm.len();
        norm.push(' ');
    }
    tokens.norm = norm;
    true
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
    } else if word.ends_with("ss") {
        out.push(format!("{word}es"));
    } else if word.ends_with('s') {
        if !["us", "is"].iter().any(|s| word.ends_with(s)) {
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

    // Each food's phrases by the name they show: its own name first, then each kind's.
    let mut food = food;
    let named: Vec<Vec<(String, Vec<String>)>> = food
        .iter_mut()
        .map(|f| {
            std::iter::once((f.name.clone(), std::mem::take(&mut f.also)))
                .chain(
                    std::mem::take(&mut f.kinds)
                        .into_iter()
                        .map(KindRecord::into_parts),
                )
                .collect()
        })
        .collect();
    let mut symbols = FxHashSet::default();
    for (name, also) in named.iter().flatten() {
        for phrase in std::iter::once(name).chain(also) {
            symbols.extend(phrase.chars().filter(|&c| is_symbol_char(c)));
        }
    }

    let mut words: FxHashMap<Box<str>, WordInfo> = FxHashMap::default();
    let mut mark = |w: &str, flags: u32| {
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
    for w in &rules.as_written {
        mark(w, word::AS_WRITTEN);
    }
    let context = &rules.context;
    for (list, flag) in [
        (&context.first_person, word::FIRST_PERSON),
        (&context.third_person, word::THIRD_PERSON),
        (&context.subject_verbs, word::SUBJECT_VERB),
        (&context.serving_verbs, word::SERVING_VERB),
        (&context.plan_words, word::PLAN),
        (&context.plan_before_to, word::PLAN_BEFORE_TO),
        (&context.ate, word::ATE),
        (&context.clause_breaks, word::CLAUSE_BREAK),
        (&context.company, word::COMPANY),
        (&context.later_occasions, word::LATER),
        (&context.others_possessives, word::OTHERS),
        (&context.now, word::NOW),
    ] {
        for w in list {
            mark(w, flag);
        }
    }
    for w in &context.people {
        for form in std::iter::once(w.clone()).chain(word_variants(w)) {
            mark(&form, word::PERSON);
        }
        if let Some((first, _)) = w.split_once(' ') {
            mark(first, word::PERSON_FIRST);
        }
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
    let mut tokens = Tokens::default();
    // Each food's `parts` as written, resolved once every phrase is known.
    let mut part_names: Vec<Vec<String>> = Vec::with_capacity(food.len());

    for (f, names) in food.into_iter().zip(&named) {
        if names.len() > usize::from(u16::MAX) {
            return Err(entry_error(&f.name, "too many kinds"));
        }
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
        part_names.push(f.parts);
        let mut names = names.iter();
        let synonyms = names
            .next()
            .map(|(_, also)| also.clone())
            .unwrap_or_default();
        foods.push(Food {
            name: f.name,
            synonyms,
            kinds: names.map(|(name, _)| name.clone()).collect(),
            categories: f.cats,
            plants: f.plant.into_iter().collect(),
            parts: Vec::new(),
            chain: f.chain,
            portion: f.portion,
            portion_g: f.portion_g,
            fibre_100g: f.fibre_100g,
            fdc: f.fdc,
            diet: f.diet,
            by_percent: f.by_percent,
            category_word: f.category_word,
            unit: f.unit,
            adjective: f.adjective,
            portion_count: None,
        });
    }

    // Phrases meet messages in the singular (see `canonical`).
    let (mut patterns, mut targets, mut owner) =
        collect_phrases(&named, &foods, &symbols, &mut words, &mut tokens)?;
    resolve_parts(&mut foods, &part_names, &owner, &symbols, &words)?;
    for food in &mut foods {
        food.portion_count = portion_count(&food.portion, &rules.portion_measures);
    }
    let (compound_heads, senses) =
        read_heads_and_senses(&rules, (&owner, &patterns, &targets), &symbols, &words)?;

    // A plural kept as written ("drinks": a drink is an ordinary word) meets a phrase ending
    // in its singular ("energy drink") only through a pattern of its own, and the other way
    // round ("party rings" for a message's "party ring").
    let mut kept: Vec<(String, u32, Target)> = Vec::new();
    for (pattern, target) in patterns.iter().zip(&targets) {
        let Target::Food(id, _) = *target else {
            continue;
        };
        let Some((head, last)) = pattern.trim_end().rsplit_once(' ') else {
            continue;
        };
        if head.trim().is_empty() {
            continue;
        }
        let others: Vec<String> = match plural_base(last) {
            Some(base) if canonical(&words, last).is_none() => vec![base.into_owned()],
            _ => word_variants(last)
                .into_iter()
                .filter(|plural| plural.len() > last.len() && canonical(&words, plural).is_none())
                .collect(),
        };
        for other in others {
            kept.push((format!("{head} {other} "), id, *target));
        }
    }
    for (pattern, id, target) in kept {
        if !owner.contains_key(&pattern) {
            owner.insert(pattern.clone(), id);
            patterns.push(pattern);
            targets.push(target);
        }
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
    rule_phrases.push(("negations".into(), &rules.negations, Target::Negation));
    for (list, phrases, target) in rule_phrases {
        for phrase in phrases {
            tokenize(phrase, &symbols, &mut tokens);
            if tokens.list.is_empty() {
                return Err(entry_error(phrase, format!("{list} phrase has no words")));
            }
            canonicalize(&words, &mut tokens);
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

    // The phrase automata take most of the time: they are built while this thread makes the
    // typo candidates and reads the English word list.
    let (phrases, fuzzy, dictionary) = std::thread::scope(|scope| {
        let phrases = scope.spawn(|| Phrases::build(&patterns));
        let mut fuzzy: FxHashMap<u8, Vec<(Box<str>, u32)>> = FxHashMap::default();
        for (pattern, target) in patterns.iter().zip(&targets) {
            let Target::Food(id, _) = *target else {
                continue;
            };
            let w = pattern.trim();
            if w.len() >= rules.fuzzy.min_letters
                && !w.contains(' ')
                && w.bytes().all(|b| b.is_ascii_lowercase())
            {
                // A misspelt plural ("straberries") is closest to the plural, which then
                // reads as the singular the pattern holds.
                let list = fuzzy.entry(w.as_bytes()[0]).or_default();
                for plural in word_variants(w).into_iter().filter(|v| v.len() > w.len()) {
                    list.push((plural.into(), id));
                }
                list.push((w.into(), id));
            }
        }

        let mut dictionary: Vec<&'static str> = ENGLISH_WORDS
            .lines()
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect();
        if !dictionary.is_sorted() {
            dictionary.sort_unstable();
        }
        let phrases = phrases
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (phrases, fuzzy, dictionary)
    });
    let phrases = phrases?;
    Ok(Lexicon {
        foods,
        phrases,
        phrase_count: patterns.len(),
        senses,
        compound_heads,
        targets,
        symbols,
        words,
        fuzzy,
        fuzzy_min_letters: rules.fuzzy.min_letters,
        fuzzy_min_similarity: rules.fuzzy.min_similarity,
        dictionary,
    })
}

/// Every food's patterns, the target of each, and the food that owns each pattern.
type Collected = (Vec<String>, Vec<Target>, FxHashMap<String, u32>);

/// Reads every phrase of every food (`named`: per food, its names with their other
/// spellings) into its normalised, singular pattern. A phrase of one food that equals another
/// food's is an error; when they meet only through the singular ("chaas", buttermilk, and
/// "chaa", tea), the error names the plural to add to `as_written`.
fn collect_phrases(
    named: &[Vec<(String, Vec<String>)>],
    foods: &[Food],
    symbols: &FxHashSet<char>,
    words: &mut FxHashMap<Box<str>, WordInfo>,
    tokens: &mut Tokens,
) -> Result<Collected, LexiconError> {
    let mut patterns: Vec<String> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut owner: FxHashMap<String, u32> = FxHashMap::default();
    // The words each pattern lost to the singular, and the phrase as written, for the
    // patterns that lost any.
    let mut singulars: FxHashMap<String, (Vec<String>, String)> = FxHashMap::default();
    for (index, names) in named.iter().enumerate() {
        let id = index as u32;
        let name = &foods[index].name;
        let phrases = names.iter().enumerate().flat_map(|(kind, (name, also))| {
            std::iter::once(name)
                .chain(also)
                .map(move |phrase| (kind as u16, phrase))
        });
        for (kind, phrase) in phrases {
            tokenize(phrase, symbols, tokens);
            if tokens.list.is_empty() {
                return Err(entry_error(name, format!("phrase {phrase:?} has no words")));
            }
            mark_known(words, tokens);
            if tokens.list.len() == 1
                && words
                    .get(tokens.text(0))
                    .is_some_and(|i| i.flags & word::COMMON != 0)
            {
                return Err(entry_error(
                    name,
                    format!("{phrase:?} is listed in common_words as an ordinary word"),
                ));
            }
            let plurals: Vec<String> = (0..tokens.list.len())
                .filter(|&i| tokens.list[i].kind == TokenKind::Word)
                .filter(|&i| canonical(words, tokens.text(i)).is_some())
                .map(|i| tokens.text(i).to_string())
                .collect();
            let written = (!plurals.is_empty()).then(|| tokens.norm.clone());
            if canonicalize(words, tokens) {
                mark_known(words, tokens);
            }
            let pattern = tokens.norm.clone();
            match owner.get(&pattern) {
                Some(&other) if other != id => {
                    let first = foods[other as usize].name.clone();
                    let theirs = singulars.get(&pattern);
                    let their_written = theirs.map_or(&pattern, |(_, written)| written);
                    let same_words = written.as_ref().unwrap_or(&pattern) == their_written;
                    let mut plurals = plurals;
                    plurals.extend(
                        theirs
                            .into_iter()
                            .flat_map(|(words, _)| words.iter().cloned()),
                    );
                    if same_words || plurals.is_empty() {
                        return Err(LexiconError::DuplicatePhrase {
                            phrase: phrase.clone(),
                            first,
                            second: name.clone(),
                        });
                    }
                    return Err(LexiconError::MeetInTheSingular {
                        phrase: phrase.clone(),
                        first,
                        second: name.clone(),
                        plurals: plurals.join(", "),
                    });
                }
                Some(_) => continue,
                None => {}
            }
            if let Some(written) = written {
                singulars.insert(pattern.clone(), (plurals, written));
            }
            owner.insert(pattern.clone(), id);
            patterns.push(pattern);
            targets.push(Target::Food(id, kind));
        }
    }
    Ok((patterns, targets, owner))
}

/// The foods of `compound_heads` and the senses of `[[rules.senses]]`, by food index.
fn read_heads_and_senses(
    rules: &RulesRecord,
    (owner, patterns, targets): (&FxHashMap<String, u32>, &[String], &[Target]),
    symbols: &FxHashSet<char>,
    words: &FxHashMap<Box<str>, WordInfo>,
) -> Result<(FxHashSet<u32>, Vec<Sense>), LexiconError> {
    let mut tokens = Tokens::default();
    let mut find_food = |name: &str| -> Result<(u32, String), LexiconError> {
        tokenize(name, symbols, &mut tokens);
        canonicalize(words, &mut tokens);
        let id = owner
            .get(&tokens.norm)
            .copied()
            .ok_or_else(|| entry_error(name, "names no food of the lexicon"))?;
        Ok((id, tokens.norm.trim().to_string()))
    };
    let mut compound_heads = FxHashSet::default();
    for head in &rules.compound_heads {
        compound_heads.insert(find_food(head)?.0);
    }
    let mut senses = Vec::with_capacity(rules.senses.len());
    for sense in &rules.senses {
        let (_, pattern) = find_food(&sense.phrase)?;
        let (food, other) = find_food(&sense.food)?;
        // The kind the other sense's phrase names ("margarita", a kind of cocktail).
        let kind = patterns
            .iter()
            .position(|p| p.trim() == other)
            .and_then(|i| match targets[i] {
                Target::Food(_, kind) => Some(kind),
                _ => None,
            })
            .unwrap_or(0);
        senses.push(Sense {
            pattern,
            food,
            kind,
            near: sense.near.iter().map(|w| w.as_str().into()).collect(),
            unless_after: sense
                .unless_after
                .iter()
                .map(|w| w.as_str().into())
                .collect(),
        });
    }
    Ok((compound_heads, senses))
}

/// A portion written as "2 tacos", "6 dumplings", "2 tbsp" or "1/2 medium pizza (4 slices)"
/// read as a [`PortionCount`]; `None` when it starts with no number ("a pinch").
fn portion_count(portion: &str, measures: &[String]) -> Option<PortionCount> {
    let (text, of_parts) = match (portion.find('('), portion.find(')')) {
        (Some(open), Some(close)) if open < close => (&portion[open + 1..close], true),
        _ => (portion, false),
    };
    let mut words = text.split([' ', ',']).filter(|w| !w.is_empty());
    let number = words.next()?;
    let count = match number.split_once('/') {
        Some((n, d)) => n.parse::<f32>().ok()? / d.parse::<f32>().ok()?,
        None => number.parse::<f32>().ok()?,
    };
    let unit = words
        .find(|w| {
            !matches!(
                *w,
                "medium" | "large" | "small" | "regular" | "big" | "whole"
            )
        })?
        .to_lowercase();
    let unit = singular(&unit);
    let is_measure = measures.iter().any(|m| singular(m) == unit);
    (count > 0.0 && count.is_finite()).then_some(PortionCount {
        count,
        unit,
        counts_the_food: !is_measure && !of_parts,
    })
}

/// The singular of a regular English plural ("tacos" -> "taco", "berries" -> "berry").
pub(crate) fn singular(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if word.len() > 4
        && (word.ends_with("ches") || word.ends_with("shes") || word.ends_with("oes"))
    {
        word[..word.len() - 2].to_string()
    } else if word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
    {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// Gives each dish its main ingredients, and with them their plants and categories. A part
/// is any phrase of another food that has no parts itself (one level keeps the file easy to
/// read and rules out cycles).
fn resolve_parts(
    foods: &mut [Food],
    part_names: &[Vec<String>],
    owner: &FxHashMap<String, u32>,
    symbols: &FxHashSet<char>,
    words: &FxHashMap<Box<str>, WordInfo>,
) -> Result<(), LexiconError> {
    let mut tokens = Tokens::default();
    for (id, names) in part_names.iter().enumerate() {
        let mut parts = Vec::with_capacity(names.len());
        for name in names {
            tokenize(name, symbols, &mut tokens);
            canonicalize(words, &mut tokens);
            let part = owner
                .get(&tokens.norm)
                .copied()
                .ok_or_else(|| entry_error(&foods[id].name, format!("unknown part {name:?}")))?;
            if part as usize == id || !part_names[part as usize].is_empty() {
                return Err(entry_error(
                    &foods[id].name,
                    format!("part {name:?} must be a food without parts of its own"),
                ));
            }
            if parts.contains(&part) {
                return Err(entry_error(&foods[id].name, format!("part {name:?} twice")));
            }
            parts.push(part);
        }
        for &part in &parts {
            let (categories, plants) = {
                let part = &foods[part as usize];
                (part.categories, part.plants.clone())
            };
            let dish = &mut foods[id];
            dish.categories = dish.categories.union(categories);
            for plant in plants {
                if !dish.plants.contains(&plant) {
                    dish.plants.push(plant);
                }
            }
        }
        foods[id].parts = parts;
    }
    Ok(())
}

/// Marks every word of a phrase as known, so typo correction never rewrites it.
fn mark_known(words: &mut FxHashMap<Box<str>, WordInfo>, tokens: &Tokens) {
    for (i, token) in tokens.list.iter().enumerate() {
        if token.kind == TokenKind::Word {
            mark_word(words, tokens.text(i), word::KNOWN);
        }
    }
}

/// Adds `flags` to a word, allocating its key only for a word not seen before (most phrase
/// words repeat: this runs some 60,000 times at start-up).
fn mark_word(words: &mut FxHashMap<Box<str>, WordInfo>, word: &str, flags: u32) {
    match words.get_mut(word) {
        Some(info) => info.flags |= flags,
        None => {
            words.insert(
                word.into(),
                WordInfo {
                    flags,
                    ..WordInfo::default()
                },
            );
        }
    }
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
        assert_eq!(word_variants("glass"), ["glasses"]);
        assert_eq!(word_variants("glasses"), ["glass"]);
        assert_eq!(word_variants("turkey"), ["turkeys"]);
    }
}

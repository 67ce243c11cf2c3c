//! The knowledge base: loading and checking `config/knowledge.toml`, and the two questions it
//! answers (which topic answers this question, which tip fits this day).
//!
//! Invariants checked at load, so that a bad edit fails at start-up and in `cargo test`
//! rather than in front of a user:
//! - topic ids and tip ids are unique, and every id in [`REQUIRED_TOPICS`] is present;
//! - every topic and tip has a question or text, and at least one non-empty source;
//! - answers fit [`MAX_ANSWER_CHARS`], tips [`MAX_TIP_CHARS`];
//! - every topic in [`MEDICAL_TOPICS`] carries [`MEDICAL_NOTE`];
//! - tip triggers are known (see `tips::Trigger`) and the matching settings are in range;
//! - no synonym variant stands for two different words, and no topic's own text contains an
//!   off-topic marker (it would veto the questions it answers).
//!
//! A question is answered when its best topic is anchored, names nothing off-topic, and
//! clears `min_confidence` and `min_bm25` (see `index` for what these measure).

use super::analyzer::{Analyzer, Term, OFF_TOPIC_TOKEN};
use super::index::{Bm25Params, FieldTerms, Index, Ranked};
use super::tips::{self, DayContext, Tip, TipRules, Trigger};
use rustc_hash::FxHashSet;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The knowledge base shipped with the binary, so answers work from any directory.
pub const BUILTIN_KNOWLEDGE: &str = include_str!("../../config/knowledge.toml");

/// Topic ids the bot's commands and the evaluation set rely on.
pub const REQUIRED_TOPICS: [&str; 24] = [
    "gut_skin_axis",
    "scfa",
    "leaky_gut",
    "probiotics",
    "timeline",
    "antibiotics",
    "fiber",
    "plants30",
    "fermented",
    "prebiotics",
    "omega3",
    "polyphenols",
    "sugar",
    "ultra_processed",
    "fast_food",
    "alcohol",
    "stress",
    "acne",
    "eczema",
    "psoriasis",
    "rosacea",
    "aging",
    "score",
    "privacy",
];

/// Topics that touch health treatment, whose answers must say they are not medical advice.
pub const MEDICAL_TOPICS: [&str; 6] = [
    "probiotics",
    "antibiotics",
    "acne",
    "eczema",
    "psoriasis",
    "rosacea",
];

/// The words a medical answer must contain (compared case-insensitively).
pub const MEDICAL_NOTE: &str = "not medical advice";

/// Room an answer may take, leaving most of a 4096-character Telegram message for the
/// question heading and the source line.
pub const MAX_ANSWER_CHARS: usize = 900;

/// A tip is a line in the digest, not a paragraph.
pub const MAX_TIP_CHARS: usize = 280;

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("cannot read the knowledge base {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the knowledge base is not valid: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("{kind} id {id:?} appears more than once")]
    DuplicateId { kind: &'static str, id: String },
    #[error("required topic {0:?} is missing")]
    MissingTopic(&'static str),
    #[error("topic {id:?}: {problem}")]
    Topic { id: String, problem: String },
    #[error("tip {id:?}: {problem}")]
    Tip { id: String, problem: String },
    #[error("synonym {phrase:?}: {problem}")]
    Synonym { phrase: String, problem: String },
    #[error("setting {name}: {problem}")]
    Setting { name: &'static str, problem: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchingRecord {
    k1: f32,
    b: f32,
    question_weight: f32,
    answer_weight: f32,
    min_confidence: f32,
    min_bm25: f32,
    weak_word_weight: f32,
    unknown_word_idf: f32,
    fuzzy_min_letters: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicRecord {
    id: String,
    question: String,
    phrasings: Vec<String>,
    answer: String,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TipRecord {
    id: String,
    trigger: String,
    text: String,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KnowledgeRecord {
    matching: MatchingRecord,
    tip_rules: TipRules,
    stopwords: Vec<String>,
    weak_words: Vec<String>,
    off_topic_words: Vec<String>,
    synonyms: BTreeMap<String, Vec<String>>,
    topic: Vec<TopicRecord>,
    tip: Vec<TipRecord>,
}

/// One FAQ topic.
#[derive(Clone, Debug, PartialEq)]
pub struct Topic {
    /// Stable id (`acne`, `fiber`, ...), used by the evaluation set and `/faq`.
    pub id: String,
    /// The question as the FAQ lists it.
    pub question: String,
    /// Other ways people ask it; indexed with the question.
    pub phrasings: Vec<String>,
    /// At most [`MAX_ANSWER_CHARS`] characters, facts from `../shared/docs` only.
    pub answer: String,
    /// Sections of the source document and studies from `evidence.md`.
    pub sources: Vec<String>,
}

impl Topic {
    /// The source line shown under an answer.
    pub fn source_line(&self) -> String {
        format!("Sources: {}", self.sources.join("; "))
    }
}

/// A topic chosen for a question, with how well it fits.
#[derive(Clone, Copy, Debug)]
pub struct TopicMatch<'a> {
    pub topic: &'a Topic,
    /// The share of the question's weight that the topic explains, 0 to 1; answered when at
    /// least `min_confidence`.
    pub score: f32,
    /// The raw BM25 score.
    pub bm25: f32,
    /// The question shares a word that is not weak with the topic's question or phrasings.
    pub anchored: bool,
    /// The question names something the bot never covers (a recipe, the weather, a match).
    pub off_topic: bool,
}

/// FAQ topics, tips and the index that matches questions to topics.
pub struct KnowledgeBase {
    topics: Vec<Topic>,
    tips: Vec<Tip>,
    tip_rules: TipRules,
    analyzer: Analyzer,
    index: Index,
    min_confidence: f32,
    min_bm25: f32,
}

impl KnowledgeBase {
    /// The knowledge base compiled into the binary.
    pub fn builtin() -> Result<KnowledgeBase, KnowledgeError> {
        KnowledgeBase::from_toml(BUILTIN_KNOWLEDGE)
    }

    /// A knowledge base file, e.g. an edited copy of `config/knowledge.toml`.
    pub fn load(path: &Path) -> Result<KnowledgeBase, KnowledgeError> {
        let text = std::fs::read_to_string(path).map_err(|source| KnowledgeError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        KnowledgeBase::from_toml(&text)
    }

    pub fn from_toml(text: &str) -> Result<KnowledgeBase, KnowledgeError> {
        let record: KnowledgeRecord = toml::from_str(text)?;
        check_matching(&record.matching)?;
        check_tip_rules(&record.tip_rules)?;
        let topics = record
            .topic
            .into_iter()
            .map(topic_from_record)
            .collect::<Result<Vec<_>, _>>()?;
        check_topic_ids(&topics)?;
        let tips = record
            .tip
            .into_iter()
            .map(tip_from_record)
            .collect::<Result<Vec<_>, _>>()?;
        check_unique("tip", tips.iter().map(|t| t.id.as_str()))?;

        let analyzer = Analyzer::new(&record.stopwords, &record.synonyms, &record.off_topic_words)?;
        // A topic whose own text reads as off-topic would veto the questions it answers.
        for topic in &topics {
            let texts = std::iter::once(&topic.question)
                .chain(&topic.phrasings)
                .chain(std::iter::once(&topic.answer));
            for text in texts {
                if analyzer
                    .terms(text)
                    .iter()
                    .any(|t| t.stem == OFF_TOPIC_TOKEN)
                {
                    return Err(KnowledgeError::Topic {
                        id: topic.id.clone(),
                        problem: format!("{text:?} contains an off-topic marker"),
                    });
                }
            }
        }
        let fields: Vec<FieldTerms> = topics
            .iter()
            .map(|topic| {
                let mut question = analyzer.terms(&topic.question);
                for phrasing in &topic.phrasings {
                    question.extend(analyzer.terms(phrasing));
                }
                FieldTerms {
                    question,
                    answer: analyzer.terms(&topic.answer),
                }
            })
            .collect();
        // Single-word synonym variants are matched for typos too ("psoraisis"), as they are
        // words people use but topics may not contain.
        let typo_words: Vec<(String, String)> = record
            .synonyms
            .iter()
            .flat_map(|(canonical, variants)| variants.iter().map(move |v| (canonical, v)))
            .filter(|(_, variant)| !variant.contains(|c: char| !c.is_ascii_alphabetic()))
            .filter_map(|(canonical, variant)| {
                let stems = analyzer.terms(canonical);
                match stems.as_slice() {
                    [single] => Some((variant.to_ascii_lowercase(), single.stem.clone())),
                    _ => None,
                }
            })
            .collect();
        let m = &record.matching;
        let params = Bm25Params {
            k1: m.k1,
            b: m.b,
            question_weight: m.question_weight,
            answer_weight: m.answer_weight,
            weak_word_weight: m.weak_word_weight,
            unknown_word_idf: m.unknown_word_idf,
            fuzzy_min_letters: m.fuzzy_min_letters,
        };
        let tokens_of = |words: &[String]| -> FxHashSet<String> {
            words
                .iter()
                .flat_map(|w| analyzer.terms(w))
                .map(|t| t.stem)
                .collect()
        };
        let weak = tokens_of(&record.weak_words);
        let index = Index::build(&fields, &typo_words, &weak, params);
        Ok(KnowledgeBase {
            topics,
            tips,
            tip_rules: record.tip_rules,
            analyzer,
            index,
            min_confidence: m.min_confidence,
            min_bm25: m.min_bm25,
        })
    }

    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    pub fn tips(&self) -> &[Tip] {
        &self.tips
    }

    pub fn tip_rules(&self) -> &TipRules {
        &self.tip_rules
    }

    /// Distinct terms in the index, for diagnostics.
    pub fn vocabulary_size(&self) -> usize {
        self.index.term_count()
    }

    /// The topic that best fits the question, whether or not it fits well enough to answer;
    /// `None` only when no word of the question is known at all.
    pub fn closest(&self, question: &str) -> Option<TopicMatch<'_>> {
        let terms = self.analyzer.terms(question);
        let ranked = self.index.rank(&terms)?;
        Some(self.topic_match(ranked, self.names_off_topic(&terms)))
    }

    fn names_off_topic(&self, terms: &[Term]) -> bool {
        terms.iter().any(|t| t.stem == OFF_TOPIC_TOKEN)
    }

    fn topic_match(&self, ranked: Ranked, off_topic: bool) -> TopicMatch<'_> {
        TopicMatch {
            topic: &self.topics[ranked.topic],
            score: ranked.confidence,
            bm25: ranked.bm25,
            anchored: ranked.anchored,
            off_topic,
        }
    }

    /// Every topic's fit for the question, best first: for explaining and tuning matches.
    pub fn ranking(&self, question: &str) -> Vec<TopicMatch<'_>> {
        let terms = self.analyzer.terms(question);
        let off_topic = self.names_off_topic(&terms);
        self.index
            .rank_all(&terms)
            .into_iter()
            .map(|r| self.topic_match(r, off_topic))
            .collect()
    }

    /// How the question reads to the matcher: each search term as the index knows it with its
    /// idf, or the word as written with `None` when no topic knows it.
    pub fn question_terms(&self, question: &str) -> Vec<(String, Option<(f32, f32)>)> {
        self.analyzer
            .terms(question)
            .iter()
            .map(|term| match self.index.describe(term) {
                Some((stem, idf, cf)) => (stem, Some((idf, cf))),
                None => (term.word.clone(), None),
            })
            .collect()
    }

    /// The topic that answers the question, or `None` when the question is outside what the
    /// knowledge base covers (then the bot says so instead of guessing).
    pub fn best_match(&self, question: &str) -> Option<TopicMatch<'_>> {
        self.closest(question).filter(|m| self.is_answerable(m))
    }

    /// Whether a match is good enough to answer: anchored, naming nothing off-topic, and
    /// clearing both thresholds of `[matching]`.
    pub fn is_answerable(&self, candidate: &TopicMatch<'_>) -> bool {
        candidate.anchored
            && !candidate.off_topic
            && candidate.score >= self.min_confidence
            && candidate.bm25 >= self.min_bm25
    }

    /// The most relevant tip for the day's gaps, never `last_shown` (the id of the tip this
    /// person saw last), so nobody gets the same tip two days running.
    pub fn tip_for(&self, day: &DayContext, last_shown: Option<&str>) -> Option<&Tip> {
        tips::choose(&self.tips, day, &self.tip_rules, last_shown)
    }
}

fn check_matching(m: &MatchingRecord) -> Result<(), KnowledgeError> {
    let checks: [(&'static str, bool); 9] = [
        ("k1", m.k1 > 0.0 && m.k1.is_finite()),
        ("b", (0.0..=1.0).contains(&m.b)),
        (
            "question_weight",
            m.question_weight > 0.0 && m.question_weight.is_finite(),
        ),
        (
            "answer_weight",
            m.answer_weight >= 0.0 && m.answer_weight.is_finite(),
        ),
        ("min_confidence", (0.0..=1.0).contains(&m.min_confidence)),
        ("min_bm25", m.min_bm25 >= 0.0 && m.min_bm25.is_finite()),
        (
            "weak_word_weight",
            (0.0..=1.0).contains(&m.weak_word_weight),
        ),
        (
            "unknown_word_idf",
            m.unknown_word_idf > 0.0 && m.unknown_word_idf.is_finite(),
        ),
        ("fuzzy_min_letters", m.fuzzy_min_letters >= 3),
    ];
    for (name, ok) in checks {
        if !ok {
            return Err(KnowledgeError::Setting {
                name,
                problem: "out of range".into(),
            });
        }
    }
    Ok(())
}

fn check_tip_rules(rules: &TipRules) -> Result<(), KnowledgeError> {
    if rules.weekly_plants == 0 {
        return Err(KnowledgeError::Setting {
            name: "tip_rules.weekly_plants",
            problem: "must be at least 1".into(),
        });
    }
    if !(rules.fiber_target_g > 0.0 && rules.fiber_target_g.is_finite()) {
        return Err(KnowledgeError::Setting {
            name: "tip_rules.fiber_target_g",
            problem: "must be a positive number of grams".into(),
        });
    }
    if rules.low_skin_days == 0 {
        return Err(KnowledgeError::Setting {
            name: "tip_rules.low_skin_days",
            problem: "must be at least 1".into(),
        });
    }
    Ok(())
}

fn non_empty_sources(sources: &[String]) -> bool {
    !sources.is_empty() && sources.iter().all(|s| !s.trim().is_empty())
}

fn topic_from_record(record: TopicRecord) -> Result<Topic, KnowledgeError> {
    let problem = |problem: String| KnowledgeError::Topic {
        id: record.id.clone(),
        problem,
    };
    if record.id.trim().is_empty() {
        return Err(problem("the id is empty".into()));
    }
    if record.question.trim().is_empty() {
        return Err(problem("the question is empty".into()));
    }
    if record.phrasings.iter().any(|p| p.trim().is_empty()) {
        return Err(problem("a phrasing is empty".into()));
    }
    let answer = bounded_text(&record.answer, "the answer", MAX_ANSWER_CHARS).map_err(problem)?;
    if !non_empty_sources(&record.sources) {
        return Err(problem("it needs at least one source, none empty".into()));
    }
    let medical = MEDICAL_TOPICS.contains(&record.id.as_str());
    if medical && !answer.to_lowercase().contains(MEDICAL_NOTE) {
        return Err(problem(format!(
            "a treatment answer must say {MEDICAL_NOTE:?}"
        )));
    }
    Ok(Topic {
        answer: answer.to_string(),
        id: record.id,
        question: record.question,
        phrasings: record.phrasings,
        sources: record.sources,
    })
}

/// `text` without surrounding space, if it is neither empty nor longer than `max` characters.
fn bounded_text<'t>(text: &'t str, what: &str, max: usize) -> Result<&'t str, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("{what} is empty"));
    }
    let length = text.chars().count();
    if length > max {
        return Err(format!("{what} has {length} characters, more than {max}"));
    }
    Ok(text)
}

fn tip_from_record(record: TipRecord) -> Result<Tip, KnowledgeError> {
    let problem = |problem: String| KnowledgeError::Tip {
        id: record.id.clone(),
        problem,
    };
    if record.id.trim().is_empty() {
        return Err(problem("the id is empty".into()));
    }
    let trigger: Trigger = record.trigger.parse().map_err(|e: String| problem(e))?;
    let text = bounded_text(&record.text, "the text", MAX_TIP_CHARS).map_err(problem)?;
    if !non_empty_sources(&record.sources) {
        return Err(problem("it needs at least one source, none empty".into()));
    }
    Ok(Tip {
        text: text.to_string(),
        id: record.id,
        trigger,
        sources: record.sources,
    })
}

fn check_unique<'a>(
    kind: &'static str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<(), KnowledgeError> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(KnowledgeError::DuplicateId {
                kind,
                id: id.to_string(),
            });
        }
    }
    Ok(())
}

fn check_topic_ids(topics: &[Topic]) -> Result<(), KnowledgeError> {
    check_unique("topic", topics.iter().map(|t| t.id.as_str()))?;
    if topics.len() > u16::MAX as usize {
        return Err(KnowledgeError::Setting {
            name: "topic",
            problem: format!("at most {} topics", u16::MAX),
        });
    }
    for required in REQUIRED_TOPICS {
        if !topics.iter().any(|t| t.id == required) {
            return Err(KnowledgeError::MissingTopic(required));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> KnowledgeBase {
        KnowledgeBase::builtin().expect("config/knowledge.toml loads")
    }

    /// The built-in file with one edit, for checking that validation catches it.
    fn edited(from: &str, to: &str) -> Result<KnowledgeBase, KnowledgeError> {
        assert!(BUILTIN_KNOWLEDGE.contains(from), "{from:?} not in the file");
        KnowledgeBase::from_toml(&BUILTIN_KNOWLEDGE.replacen(from, to, 1))
    }

    #[test]
    fn builtin_loads_with_every_required_topic() {
        let kb = builtin();
        for id in REQUIRED_TOPICS {
            assert!(kb.topic(id).is_some(), "{id}");
        }
    }

    #[test]
    fn validation_rejects_bad_edits() {
        assert!(matches!(
            edited("id = \"scfa\"", "id = \"gut_skin_axis\""),
            Err(KnowledgeError::DuplicateId { kind: "topic", .. })
        ));
        assert!(matches!(
            edited("id = \"privacy\"", "id = \"data\""),
            Err(KnowledgeError::MissingTopic("privacy"))
        ));
        assert!(matches!(
            edited("trigger = \"logged:sugar\"", "trigger = \"logged:kale\""),
            Err(KnowledgeError::Tip { .. })
        ));
        assert!(matches!(
            edited(
                "trigger = \"missing:omega3\"",
                "trigger = \"missing:alcohol\""
            ),
            Err(KnowledgeError::Tip { .. })
        ));
        assert!(matches!(
            edited(
                "This is general information, not medical advice.\"\"\"",
                "\"\"\""
            ),
            Err(KnowledgeError::Topic { .. })
        ));
        let long = format!("answer = \"\"\"{}", "x".repeat(MAX_ANSWER_CHARS));
        assert!(matches!(
            edited("answer = \"\"\"", &long),
            Err(KnowledgeError::Topic { .. })
        ));
        assert!(matches!(
            edited(
                "sources = [\"gutskin's storage design (DESIGN.md, the store layer)\"]",
                "sources = []"
            ),
            Err(KnowledgeError::Topic { .. })
        ));
        assert!(matches!(
            edited("min_confidence = ", "min_confidence = 7"),
            Err(KnowledgeError::Setting { .. }) | Err(KnowledgeError::Toml(_))
        ));
    }

    #[test]
    fn a_missing_file_is_an_io_error() {
        let err = KnowledgeBase::load(Path::new("/nonexistent/knowledge.toml"));
        assert!(matches!(err, Err(KnowledgeError::Io { .. })));
    }
}

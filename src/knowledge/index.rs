//! The search index over FAQ topics: Okapi BM25 with two weighted fields (BM25F).
//!
//! Each topic is one document with two fields: its question and phrasings, which say what the
//! topic is *about*, and its answer, which adds related words. The first field counts
//! `question_weight` times as much as the second. Per term and topic the saturated, length-
//! normalised weight is computed once at build time, so a query only sums `idf * weight`
//! over its terms' postings: a few dozen additions for a typical question.
//!
//! Three signals decide whether the best topic is good enough (the thresholds live in
//! `KnowledgeBase`):
//! - *confidence*: the score divided by the most the question's terms could score in any
//!   topic, an unknown word counting a fixed `unknown_word_idf`. A question about the weather
//!   has mostly unknown words and a low confidence even when one of its words is known;
//! - *anchored*: some term that is not weak ("day", "food") occurs in the topic's question
//!   field, so a word mentioned in passing in an answer cannot carry a match alone;
//! - the raw BM25 score, as a floor.
//!
//! Weak words also rank topics at a fraction of their idf, and an unknown word of at least
//! `fuzzy_min_letters` letters that is one edit away from exactly one known word (same first
//! letter) is read as that word.

use super::analyzer::Term;
use rustc_hash::{FxHashMap, FxHashSet};

/// BM25F parameters, from `[matching]` in the knowledge base.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bm25Params {
    pub k1: f32,
    pub b: f32,
    pub question_weight: f32,
    pub answer_weight: f32,
    /// Weak words' idf is multiplied by this: they rank topics less than real subjects.
    pub weak_word_weight: f32,
    /// What an unknown word costs the confidence, in idf units.
    pub unknown_word_idf: f32,
    pub fuzzy_min_letters: usize,
}

/// A document to index: the analysed terms of its two fields.
pub(crate) struct FieldTerms {
    pub question: Vec<Term>,
    pub answer: Vec<Term>,
}

/// A topic's fit for a query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ranked {
    pub topic: usize,
    /// The BM25F score.
    pub bm25: f32,
    /// `bm25` over the most the query's terms could score in any topic, unknown words
    /// counting at the idf of a word no topic has: how much of the question the topic explains.
    pub confidence: f32,
    /// Whether a query term that is not weak occurs in the topic's question field: a topic is
    /// only answered for a question that shares a real word with how people ask about it.
    pub anchored: bool,
}

/// One topic's entry in a term's postings.
#[derive(Clone, Copy, Debug)]
struct Posting {
    topic: u16,
    /// Saturated, length-normalised term weight, 0 to 1.
    weight: f32,
    /// The term occurs in the topic's question or phrasings, not only in its answer.
    in_question: bool,
}

/// Candidate terms for a typo, by a spelling with one letter deleted.
#[derive(Default)]
struct TypoMap {
    /// Deletion variant -> (first letter of the known word, term id).
    variants: FxHashMap<String, Vec<(u8, u32)>>,
}

impl TypoMap {
    /// Every known word and each of its one-letter deletions. Two words one edit apart share
    /// one of these variants (symmetric delete), which finds insertions, deletions,
    /// substitutions and swaps of neighbouring letters without scanning the vocabulary.
    fn insert(&mut self, word: &str, term: u32) {
        let first = word.as_bytes()[0];
        for variant in deletions(word) {
            let entry = self.variants.entry(variant).or_default();
            if !entry.contains(&(first, term)) {
                entry.push((first, term));
            }
        }
    }

    /// The one known term a word is a typo of, if exactly one fits. The first letter must
    /// agree: people rarely mistype it, and requiring it keeps ordinary words ("bread") from
    /// turning into known ones ("break").
    fn lookup(&self, word: &str) -> Option<u32> {
        let first = word.as_bytes()[0];
        let mut found: Option<u32> = None;
        for variant in deletions(word) {
            for &(letter, term) in self.variants.get(&variant).into_iter().flatten() {
                if letter != first {
                    continue;
                }
                match found {
                    None => found = Some(term),
                    Some(seen) if seen != term => return None,
                    Some(_) => {}
                }
            }
        }
        found
    }
}

/// The word itself and the word with each one letter removed.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(word.to_string()).chain((0..word.len()).map(move |i| {
        let mut variant = String::with_capacity(word.len() - 1);
        variant.push_str(&word[..i]);
        variant.push_str(&word[i + 1..]);
        variant
    }))
}

/// The inverted index over topics.
pub(crate) struct Index {
    term_ids: FxHashMap<String, u32>,
    idf: Vec<f32>,
    postings: Vec<Vec<Posting>>,
    /// Per term: its largest weight in any topic, so `idf * best_weight` is the most the term
    /// can add to a score.
    best_weight: Vec<f32>,
    /// Per term: it cannot anchor a match on its own ("day", "food").
    weak: Vec<bool>,
    /// Per term: how often it occurs in all question fields together (for diagnostics).
    question_cf: Vec<f32>,
    /// What an unknown word costs the confidence.
    unknown_idf: f32,
    typos: TypoMap,
    fuzzy_min_letters: usize,
    topic_count: usize,
}

impl Index {
    /// Builds the index; `topics` are in the order their ids are reported. The words in
    /// `typo_words` (surface word -> index token, e.g. synonym variants) are matched for
    /// typos as well as the words of the topics themselves. Tokens in `weak` rank topics but
    /// cannot anchor a match.
    pub fn build(
        topics: &[FieldTerms],
        typo_words: &[(String, String)],
        weak: &FxHashSet<String>,
        params: Bm25Params,
    ) -> Index {
        let topic_count = topics.len();
        let mut term_ids: FxHashMap<String, u32> = FxHashMap::default();
        // Per topic, term id -> (count in question field, count in answer field).
        let mut counts: Vec<FxHashMap<u32, (f32, f32)>> = Vec::with_capacity(topic_count);
        let mut intern = |stem: &str| -> u32 {
            let next = term_ids.len() as u32;
            *term_ids.entry(stem.to_string()).or_insert(next)
        };
        for topic in topics {
            let mut tf: FxHashMap<u32, (f32, f32)> = FxHashMap::default();
            for term in &topic.question {
                tf.entry(intern(&term.stem)).or_default().0 += 1.0;
            }
            for term in &topic.answer {
                tf.entry(intern(&term.stem)).or_default().1 += 1.0;
            }
            counts.push(tf);
        }
        let term_count = term_ids.len();

        let average = |len: fn(&FieldTerms) -> usize| -> f32 {
            let total: usize = topics.iter().map(len).sum();
            (total as f32 / topic_count.max(1) as f32).max(1.0)
        };
        let avg_question = average(|t| t.question.len());
        let avg_answer = average(|t| t.answer.len());

        let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); term_count];
        for (topic_index, (topic, tf)) in topics.iter().zip(&counts).enumerate() {
            let norm_question =
                1.0 - params.b + params.b * topic.question.len() as f32 / avg_question;
            let norm_answer = 1.0 - params.b + params.b * topic.answer.len() as f32 / avg_answer;
            for (&term, &(in_question, in_answer)) in tf {
                let weighted = params.question_weight * in_question / norm_question
                    + params.answer_weight * in_answer / norm_answer;
                postings[term as usize].push(Posting {
                    topic: topic_index as u16,
                    weight: weighted / (params.k1 + weighted),
                    in_question: in_question > 0.0,
                });
            }
        }
        for list in &mut postings {
            // Deterministic order regardless of hash iteration.
            list.sort_by_key(|p| p.topic);
        }
        let best_weight = postings
            .iter()
            .map(|list| list.iter().map(|p| p.weight).fold(0.0, f32::max))
            .collect();

        // Document frequency counts a topic fully when the term is in its question field and
        // only by the fields' weight ratio when the term is merely in its answer: a word that
        // many answers mention in passing ("fibre") still marks the topics that are *about* it.
        let answer_share = (params.answer_weight / params.question_weight).min(1.0);
        let mut df = vec![0f32; term_count];
        let mut question_cf = vec![0f32; term_count];
        for tf in &counts {
            for (&term, &(in_question, _)) in tf {
                question_cf[term as usize] += in_question;
                df[term as usize] += if in_question > 0.0 { 1.0 } else { answer_share };
            }
        }
        let n = topic_count as f32;
        let idf_of = |df: f32| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let mut weak_terms = vec![false; term_count];
        for (stem, &id) in &term_ids {
            weak_terms[id as usize] = weak.contains(stem);
        }
        let idf = df
            .iter()
            .zip(&weak_terms)
            .map(|(&d, &is_weak)| {
                idf_of(d)
                    * if is_weak {
                        params.weak_word_weight
                    } else {
                        1.0
                    }
            })
            .collect();

        let mut typos = TypoMap::default();
        let min = params.fuzzy_min_letters;
        let typo_sources = topics
            .iter()
            .flat_map(|t| t.question.iter().chain(&t.answer))
            .map(|term| (term.word.as_str(), term.stem.as_str()))
            .chain(typo_words.iter().map(|(w, s)| (w.as_str(), s.as_str())));
        for (word, stem) in typo_sources {
            if word.len() >= min && word.bytes().all(|b| b.is_ascii_lowercase()) {
                if let Some(&id) = term_ids.get(stem) {
                    typos.insert(word, id);
                }
            }
        }

        Index {
            term_ids,
            idf,
            postings,
            best_weight,
            weak: weak_terms,
            question_cf,
            unknown_idf: params.unknown_word_idf,
            typos,
            fuzzy_min_letters: min,
            topic_count,
        }
    }

    /// The term id of a query term: by its stem, or as a typo of one known word.
    fn resolve(&self, term: &Term) -> Option<u32> {
        if let Some(&id) = self.term_ids.get(&term.stem) {
            return Some(id);
        }
        let typo_candidate = term.word.len() >= self.fuzzy_min_letters
            && term.word.bytes().all(|b| b.is_ascii_lowercase());
        if typo_candidate {
            self.typos.lookup(&term.word)
        } else {
            None
        }
    }

    /// The best topic for the query terms, or `None` when no term is known at all. Ties go
    /// to the topic listed first, so results never depend on hashing.
    pub fn rank(&self, query: &[Term]) -> Option<Ranked> {
        let scored = self.score(query)?;
        let mut best = 0;
        for (topic, &score) in scored.scores.iter().enumerate() {
            if score > scored.scores[best] {
                best = topic;
            }
        }
        Some(scored.ranked(best))
    }

    /// Every topic's fit for the query, best first (ties in topic order); for explaining a
    /// match, not for the hot path.
    pub fn rank_all(&self, query: &[Term]) -> Vec<Ranked> {
        let Some(scored) = self.score(query) else {
            return Vec::new();
        };
        let mut ranked: Vec<Ranked> = (0..self.topic_count).map(|t| scored.ranked(t)).collect();
        ranked.sort_by(|a, b| b.bm25.total_cmp(&a.bm25).then(a.topic.cmp(&b.topic)));
        ranked
    }

    /// Scores every topic. Each distinct term counts once: repeating a word does not make a
    /// question more on-topic.
    fn score(&self, query: &[Term]) -> Option<Scored> {
        let mut scored = Scored {
            scores: vec![0.0; self.topic_count],
            anchored: vec![false; self.topic_count],
            max_possible: 0.0,
        };
        let mut seen: Vec<u32> = Vec::with_capacity(query.len());
        let mut seen_unknown: Vec<&str> = Vec::new();
        for term in query {
            match self.resolve(term) {
                Some(id) => {
                    if seen.contains(&id) {
                        continue;
                    }
                    seen.push(id);
                    let idf = self.idf[id as usize];
                    scored.max_possible += idf * self.best_weight[id as usize];
                    let anchors = !self.weak[id as usize];
                    for posting in &self.postings[id as usize] {
                        let topic = posting.topic as usize;
                        scored.scores[topic] += idf * posting.weight;
                        scored.anchored[topic] |= anchors && posting.in_question;
                    }
                }
                None => {
                    if seen_unknown.contains(&term.stem.as_str()) {
                        continue;
                    }
                    seen_unknown.push(&term.stem);
                    scored.max_possible += self.unknown_idf;
                }
            }
        }
        (!seen.is_empty()).then_some(scored)
    }

    /// The index token a query term resolved to (after typo matching), its idf and how often
    /// it occurs in question fields, or `None` for an unknown word.
    pub fn describe(&self, term: &Term) -> Option<(String, f32, f32)> {
        let id = self.resolve(term)?;
        let stem = self
            .term_ids
            .iter()
            .find(|(_, &v)| v == id)
            .map(|(k, _)| k.clone())?;
        Some((stem, self.idf[id as usize], self.question_cf[id as usize]))
    }

    pub fn term_count(&self) -> usize {
        self.term_ids.len()
    }
}

/// Per-topic scores of one query.
struct Scored {
    scores: Vec<f32>,
    anchored: Vec<bool>,
    max_possible: f32,
}

impl Scored {
    fn ranked(&self, topic: usize) -> Ranked {
        Ranked {
            topic,
            bm25: self.scores[topic],
            confidence: confidence(self.scores[topic], self.max_possible),
            anchored: self.anchored[topic],
        }
    }
}

fn confidence(bm25: f32, max_possible: f32) -> f32 {
    if max_possible > 0.0 {
        bm25 / max_possible
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &str) -> Vec<Term> {
        words
            .split_whitespace()
            .map(|w| Term {
                stem: w.to_string(),
                word: w.to_string(),
            })
            .collect()
    }

    fn params() -> Bm25Params {
        Bm25Params {
            k1: 1.2,
            b: 0.75,
            question_weight: 3.0,
            answer_weight: 1.0,
            weak_word_weight: 0.5,
            unknown_word_idf: 2.0,
            fuzzy_min_letters: 6,
        }
    }

    fn index() -> Index {
        let topics = vec![
            FieldTerms {
                question: terms("sugar skin sugar acne"),
                answer: terms("sugar gut diversity"),
            },
            FieldTerms {
                question: terms("acne gut acne skin"),
                answer: terms("acne dysbiosis inflammation"),
            },
            FieldTerms {
                question: terms("probiotics skin probiotics"),
                answer: terms("probiotics acne eczema trial"),
            },
        ];
        Index::build(&topics, &[], &FxHashSet::default(), params())
    }

    #[test]
    fn the_rarer_word_decides_between_topics() {
        let index = index();
        assert_eq!(index.rank(&terms("sugar acne")).map(|r| r.topic), Some(0));
        assert_eq!(index.rank(&terms("acne gut")).map(|r| r.topic), Some(1));
        assert_eq!(
            index.rank(&terms("probiotics acne")).map(|r| r.topic),
            Some(2)
        );
    }

    #[test]
    fn unknown_words_lower_the_confidence() {
        let index = index();
        let known = index.rank(&terms("probiotics")).expect("known");
        let mixed = index
            .rank(&terms("probiotics weather tomorrow"))
            .expect("known");
        assert!(
            mixed.confidence < known.confidence / 2.0,
            "{mixed:?} vs {known:?}"
        );
        assert_eq!(index.rank(&terms("weather tomorrow")), None);
    }

    #[test]
    fn typos_one_edit_away_resolve_when_unambiguous() {
        let index = index();
        let typo = index.rank(&terms("probiotcs")).expect("typo resolves");
        assert_eq!(typo.topic, 2);
        // Too short to trust, or a different first letter: unknown.
        assert_eq!(index.rank(&terms("sugr")), None);
        assert_eq!(index.rank(&terms("brobiotics")), None);
    }
}

//! Text to search terms, the same way for questions and for the knowledge base itself.
//!
//! A text is transliterated to lowercase ASCII (`deunicode`), split into words, and each word
//! is stemmed with the Snowball English stemmer, so "probiotics", "probiotic" and "Probiotic's"
//! meet as one term. Then the synonym list rewrites words and phrases to the word the knowledge
//! base uses ("zits" -> acne, "fibre" -> fiber, "fish oil" -> omega3), and words that carry no
//! topic ("what", "should", "really") are dropped.
//!
//! Because topics are indexed through the same analyzer, a synonym applies on both sides and
//! the index never needs to know about spellings.

use super::base::KnowledgeError;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// The token an off-topic marker ("recipe", "weather") becomes. Words are made of ASCII
/// letters and digits, so no text can produce it by itself.
pub(crate) const OFF_TOPIC_TOKEN: &str = "~off_topic";

/// One search term of an analysed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Term {
    /// The stemmed form the index is keyed by.
    pub stem: String,
    /// The word as written (lowercase ASCII), kept for typo matching. For a term produced by a
    /// synonym it is the concept token itself, which the index knows.
    pub word: String,
}

/// A synonym: a phrase of stems and the stems it stands for.
#[derive(Debug)]
struct Rewrite {
    phrase: Vec<String>,
    replacement: Vec<String>,
}

/// Turns text into [`Term`]s: tokenise, stem, rewrite synonyms, drop stopwords.
pub(crate) struct Analyzer {
    stemmer: Stemmer,
    stopwords: FxHashSet<String>,
    /// Synonym phrases keyed by their first stem, longest first, so that "fish and chips"
    /// wins over "chips".
    rewrites: FxHashMap<String, Vec<Rewrite>>,
}

impl Analyzer {
    /// Registers `phrase` (stems) to be read as `replacement`, indexed by its first stem.
    fn add_rewrite(&mut self, phrase: Vec<String>, replacement: Vec<String>) {
        let first = phrase[0].clone();
        self.rewrites.entry(first).or_default().push(Rewrite {
            phrase,
            replacement,
        });
    }

    /// Builds the analyzer from the stopword list and the synonym table (canonical word ->
    /// its variants). A variant that names two canonical words is an error: which one the
    /// question meant would depend on table order.
    pub fn new(
        stopwords: &[String],
        synonyms: &BTreeMap<String, Vec<String>>,
        off_topic: &[String],
    ) -> Result<Analyzer, KnowledgeError> {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut analyzer = Analyzer {
            stemmer,
            stopwords: FxHashSet::default(),
            rewrites: FxHashMap::default(),
        };
        for word in stopwords {
            for stem in analyzer.stems(word) {
                analyzer.stopwords.insert(stem);
            }
        }
        let mut owner: FxHashMap<Vec<String>, &str> = FxHashMap::default();
        for (canonical, variants) in synonyms {
            let replacement = analyzer.concept_tokens(canonical, synonyms);
            if replacement.is_empty() {
                return Err(KnowledgeError::Synonym {
                    phrase: canonical.clone(),
                    problem: "the canonical word has no letters or digits".into(),
                });
            }
            // A one-word canonical also stands for itself as written, so "omega-3" in a text
            // and the synonym key "omega3" meet as one token.
            let itself = (!canonical.contains(char::is_whitespace)).then_some(canonical);
            for variant in itself.into_iter().chain(variants) {
                let phrase = analyzer.stems(variant);
                if phrase.is_empty() {
                    return Err(KnowledgeError::Synonym {
                        phrase: variant.clone(),
                        problem: "the variant has no letters or digits".into(),
                    });
                }
                if let Some(first) = owner.insert(phrase.clone(), canonical) {
                    if first != canonical {
                        return Err(KnowledgeError::Synonym {
                            phrase: variant.clone(),
                            problem: format!("it stands for both {first:?} and {canonical:?}"),
                        });
                    }
                    continue;
                }
                analyzer.add_rewrite(phrase, replacement.clone());
            }
        }
        // Off-topic markers are synonyms of a token no text can spell, so that phrases of
        // stopwords ("how to make a") and single words mark a question alike.
        let marker = vec![OFF_TOPIC_TOKEN.to_string()];
        for phrase_text in off_topic {
            let phrase = analyzer.stems(phrase_text);
            if phrase.is_empty() {
                return Err(KnowledgeError::Synonym {
                    phrase: phrase_text.clone(),
                    problem: "the off-topic marker has no letters or digits".into(),
                });
            }
            match owner.insert(phrase.clone(), OFF_TOPIC_TOKEN) {
                None => {}
                // "recipe" and "recipes" stem alike: one rewrite serves both.
                Some(OFF_TOPIC_TOKEN) => continue,
                Some(first) => {
                    return Err(KnowledgeError::Synonym {
                        phrase: phrase_text.clone(),
                        problem: format!("it is an off-topic marker and a synonym of {first:?}"),
                    })
                }
            }
            analyzer.add_rewrite(phrase, marker.clone());
        }
        for rewrites in analyzer.rewrites.values_mut() {
            rewrites.sort_by_key(|r| std::cmp::Reverse(r.phrase.len()));
        }
        Ok(analyzer)
    }

    /// The tokens a synonym key stands for. Keys are concept names ("fast_food", "omega3")
    /// and become index tokens as written, so they are never split or stemmed apart; a word of
    /// a several-word key that is not itself a key ("chocolate" in "polyphenol chocolate")
    /// is stemmed like text, so it meets the same word written elsewhere.
    fn concept_tokens(
        &self,
        canonical: &str,
        synonyms: &BTreeMap<String, Vec<String>>,
    ) -> Vec<String> {
        let words: Vec<&str> = canonical.split_whitespace().collect();
        if words.len() == 1 {
            return vec![canonical.to_ascii_lowercase()];
        }
        words
            .into_iter()
            .flat_map(|word| {
                if synonyms.contains_key(word) {
                    vec![word.to_ascii_lowercase()]
                } else {
                    self.stems(word)
                }
            })
            .collect()
    }

    /// The stems of a text's words, with no synonyms or stopwords applied.
    fn stems(&self, text: &str) -> Vec<String> {
        words(text).iter().map(|w| self.stem(w)).collect()
    }

    fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }

    /// The search terms of a text, in order, repeats kept (the index counts them).
    pub fn terms(&self, text: &str) -> Vec<Term> {
        let words = words(text);
        let stems: Vec<String> = words.iter().map(|w| self.stem(w)).collect();
        let mut terms = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < stems.len() {
            if let Some(rewrite) = self.rewrite_at(&stems, i) {
                terms.extend(rewrite.replacement.iter().map(|stem| Term {
                    stem: stem.clone(),
                    word: stem.clone(),
                }));
                i += rewrite.phrase.len();
                continue;
            }
            if !self.is_stopword(&words[i], &stems[i]) {
                terms.push(Term {
                    stem: stems[i].clone(),
                    word: words[i].clone(),
                });
            }
            i += 1;
        }
        terms
    }

    fn rewrite_at(&self, stems: &[String], at: usize) -> Option<&Rewrite> {
        self.rewrites
            .get(&stems[at])?
            .iter()
            .find(|r| stems[at..].starts_with(&r.phrase))
    }

    /// Stopwords, and stray single letters left by splitting ("omega-3s" -> "s"); digits stay,
    /// as "3 days" and "30 plants" mean something.
    fn is_stopword(&self, word: &str, stem: &str) -> bool {
        let single_letter = word.len() == 1 && !word.as_bytes()[0].is_ascii_digit();
        single_letter || self.stopwords.contains(stem)
    }
}

/// Lowercase ASCII words of a text. Apostrophes join ("what's" -> "whats"); anything else
/// that is not a letter or digit splits, and so does a change between letters and digits
/// ("omega3" -> "omega", "3"; "25g" -> "25", "g"), so that every spelling of a number-word
/// compound reads the same.
pub(crate) fn words(text: &str) -> Vec<String> {
    let ascii = deunicode::deunicode(text);
    let mut words = Vec::new();
    let mut current = String::new();
    for c in ascii.chars() {
        if c == '\'' || c == '`' {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            let switches_kind = current
                .chars()
                .last()
                .is_some_and(|last| last.is_ascii_digit() != c.is_ascii_digit());
            if switches_kind {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        let stop: Vec<String> = ["what", "is", "a", "the", "do", "how"]
            .map(String::from)
            .to_vec();
        let mut syn = BTreeMap::new();
        syn.insert(
            "acne".to_string(),
            vec!["zits".to_string(), "break out".to_string()],
        );
        syn.insert("omega3".to_string(), vec!["omega 3".to_string()]);
        syn.insert("fastfood".to_string(), vec!["fish and chips".to_string()]);
        syn.insert("ultra".to_string(), vec!["chips".to_string()]);
        syn.insert("timeline".to_string(), vec!["how long".to_string()]);
        Analyzer::new(
            &stop,
            &syn,
            &["recipe".to_string(), "how to make a".to_string()],
        )
        .expect("valid synonyms")
    }

    fn stems(a: &Analyzer, text: &str) -> Vec<String> {
        a.terms(text).into_iter().map(|t| t.stem).collect()
    }

    #[test]
    fn words_split_on_punctuation_and_digit_boundaries() {
        assert_eq!(words("What's Omega-3s?"), ["whats", "omega", "3", "s"]);
        assert_eq!(words("25g/day, IL6"), ["25", "g", "day", "il", "6"]);
        assert_eq!(words("Café’s crème"), ["cafes", "creme"]);
        assert!(words("!!! ...").is_empty());
    }

    #[test]
    fn synonyms_rewrite_phrases_longest_first_and_stopwords_go() {
        let a = analyzer();
        assert_eq!(
            stems(&a, "do zits break out? acne!"),
            ["acne", "acne", "acne"]
        );
        assert_eq!(stems(&a, "omega-3s"), ["omega3"]);
        assert_eq!(stems(&a, "Omega3"), ["omega3"]);
        assert_eq!(stems(&a, "fish and chips"), ["fastfood"]);
        assert_eq!(stems(&a, "chips"), ["ultra"]);
        // A stopword inside a synonym phrase still counts as part of the phrase.
        assert_eq!(stems(&a, "how long is it"), ["timeline", "it"]);
        assert_eq!(stems(&a, "What is the probiotics"), ["probiot"]);
        assert_eq!(stems(&a, "how to make a cake"), [OFF_TOPIC_TOKEN, "cake"]);
        assert_eq!(stems(&a, "recipes please"), [OFF_TOPIC_TOKEN, "pleas"]);
    }

    #[test]
    fn a_variant_with_two_meanings_is_rejected() {
        let mut syn = BTreeMap::new();
        syn.insert("acne".to_string(), vec!["spots".to_string()]);
        syn.insert("plants".to_string(), vec!["spot".to_string()]);
        assert!(matches!(
            Analyzer::new(&[], &syn, &[]),
            Err(KnowledgeError::Synonym { .. })
        ));
    }
}

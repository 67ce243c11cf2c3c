//! Answers and tips from the source document: FAQ matching and the daily tip.
//!
//! Pure, like `food`: no storage, no network, no clock. The knowledge base
//! (`config/knowledge.toml`, compiled in) holds FAQ topics written from `../shared/docs`, each
//! with its sources, and short tips with the day situation that makes each one relevant.
//!
//! - [`KnowledgeBase::best_match`] maps a question to the topic that answers it, or to nothing
//!   when the question is outside what the document covers. Matching is Okapi BM25 over each
//!   topic's question, phrasings and answer (see `index`), after stemming, stopwords and a
//!   synonym list (see `analyzer`), with a threshold on how much of the question the topic
//!   explains.
//! - [`KnowledgeBase::tip_for`] picks the most relevant tip for a day's gaps ([`DayContext`]),
//!   never the one shown last (see `tips`).

mod analyzer;
mod base;
mod index;
mod tips;

pub use base::{KnowledgeBase, KnowledgeError, Topic, TopicMatch, BUILTIN_KNOWLEDGE};
pub use base::{MEDICAL_NOTE, MEDICAL_TOPICS, REQUIRED_TOPICS};
pub use tips::{DayContext, Tip, TipRules, Trigger};

//! FAQ matching speed over a realistic mix of questions (on-topic paraphrases, typos, slang and
//! off-topic ones, which walk the same path before being rejected), and the time to build the
//! knowledge base (parse the TOML, validate, analyse every topic, build the BM25 index).
//!
//! Run: `cargo bench --bench faq` (release profile, one thread). Targets: at most 50 µs per
//! question, at most 20 ms per build.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use gutskin::knowledge::KnowledgeBase;

/// Questions the way people type them to a bot: short, lowercase, slang, the odd typo, and a
/// share of things the bot should not answer.
const QUESTIONS: &[&str] = &[
    "What is the gut-skin axis?",
    "does sugar cause acne?",
    "how long until my skin clears up",
    "r probiotics worth it for spots",
    "how many grams of fibre should i eat a day",
    "is booze bad for my face",
    "does kimchi actually help",
    "whats leaky gut",
    "i'm on doxycycline, will it mess up my gut?",
    "can stress give you breakouts",
    "is eczema linked to what i eat",
    "psoraisis and gut bacteria",
    "why is my score so low today",
    "how do i delete all my data",
    "are crisps ultra processed",
    "is mcdonalds bad for your skin",
    "what counts as a plant",
    "is dark chocolate good for you",
    "do omega 3 supplements help skin",
    "which foods are prebiotic",
    "Does gut health affect wrinkles?",
    "rosacea and sibo",
    "what's the weather like tomorrow",
    "best pizza place near me",
    "who won the football last night",
    "translate good morning into french",
    "how do i fix a segfault in c",
    "recipe for banana bread",
    "who is the prime minister",
    "how do I change my phone's wallpaper",
];

fn bench_match(c: &mut Criterion) {
    let knowledge = KnowledgeBase::builtin().expect("knowledge base");
    let mut group = c.benchmark_group("faq");
    group.throughput(Throughput::Elements(QUESTIONS.len() as u64));
    group.bench_function("best_match_mix", |b| {
        b.iter(|| {
            let mut answered = 0;
            for q in QUESTIONS {
                answered += knowledge.best_match(black_box(q)).is_some() as usize;
            }
            answered
        })
    });
    group.finish();
    c.bench_function("best_match_one_question", |b| {
        b.iter(|| {
            knowledge
                .best_match(black_box("does sugar cause acne?"))
                .is_some()
        })
    });
}

fn bench_build(c: &mut Criterion) {
    c.bench_function("knowledge_load_and_index", |b| {
        b.iter(|| KnowledgeBase::builtin().expect("knowledge base"))
    });
}

criterion_group!(benches, bench_match, bench_build);
criterion_main!(benches);

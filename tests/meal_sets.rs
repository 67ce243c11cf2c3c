//! The parser's categories against the labelled meal sets of our own (`tests/data`; `.ci/run`
//! scores the shared development set). The first two are held to the thresholds of issue 2:
//! category precision ≥ 0.95, recall ≥ 0.93, precision ≥ 0.97 on each harmful category,
//! plant counts right ≥ 90 %. The two hard sets (others' food, plans, slang, chains) and
//! item-level sets B and C are held to issue 13's: precision ≥ 0.97, recall ≥ 0.95,
//! precision ≥ 0.95 on each harmful category; set A to issue 2's.

use gutskin::food::{Category, Lexicon};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
struct Labelled {
    text: String,
    req: BTreeSet<String>,
    ok: BTreeSet<String>,
    plants: Option<usize>,
}

#[derive(Default)]
struct Tally {
    true_positives: usize,
    false_positives: usize,
    false_negatives: usize,
}

/// The figures a set must reach.
struct Thresholds {
    precision: f64,
    recall: f64,
    harmful_precision: f64,
}

/// Issue 2's, for the first two sets.
const ISSUE_2: Thresholds = Thresholds {
    precision: 0.95,
    recall: 0.93,
    harmful_precision: 0.97,
};

/// Issue 13's, for the hard and item-level sets.
const ISSUE_13: Thresholds = Thresholds {
    precision: 0.97,
    recall: 0.95,
    harmful_precision: 0.95,
};

fn score(path: &str, wanted: Thresholds) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let lexicon = Lexicon::builtin().expect("lexicon");
    let mut overall = Tally::default();
    let mut per_category: BTreeMap<&str, Tally> = BTreeMap::new();
    let (mut plants_right, mut plants_labelled) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Labelled = serde_json::from_str(line).expect("labelled line");
        let meal = lexicon.parse(&row.text);
        let found: BTreeSet<String> = meal.categories.iter().map(|c| c.id().to_string()).collect();
        for id in Category::ALL.map(Category::id) {
            let tally = per_category.entry(id).or_default();
            let (got, wanted) = (found.contains(id), row.req.contains(id));
            if got && wanted {
                tally.true_positives += 1;
                overall.true_positives += 1;
            } else if got && !row.ok.contains(id) {
                tally.false_positives += 1;
                overall.false_positives += 1;
            } else if !got && wanted {
                tally.false_negatives += 1;
                overall.false_negatives += 1;
            }
        }
        if let Some(expected) = row.plants {
            plants_labelled += 1;
            plants_right += usize::from(meal.plants.len() == expected);
        }
    }
    let precision =
        |t: &Tally| t.true_positives as f64 / (t.true_positives + t.false_positives).max(1) as f64;
    let recall =
        |t: &Tally| t.true_positives as f64 / (t.true_positives + t.false_negatives).max(1) as f64;
    println!(
        "{path}: category precision {:.3} recall {:.3}",
        precision(&overall),
        recall(&overall)
    );
    assert!(
        precision(&overall) >= wanted.precision,
        "{path}: precision {:.3}",
        precision(&overall)
    );
    assert!(
        recall(&overall) >= wanted.recall,
        "{path}: recall {:.3}",
        recall(&overall)
    );
    for harmful in Category::ALL.into_iter().filter(|c| c.is_harmful()) {
        let tally = &per_category[harmful.id()];
        assert!(
            precision(tally) >= wanted.harmful_precision,
            "{path}: {harmful} precision {:.3}",
            precision(tally)
        );
    }
    assert!(
        plants_right * 10 >= plants_labelled * 9,
        "{path}: plant counts right {plants_right}/{plants_labelled}"
    );
}

#[test]
fn first_set_of_our_own() {
    score(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/meals.blind1.jsonl"),
        ISSUE_2,
    );
}

#[test]
fn second_set_of_our_own() {
    score(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/meals.blind2.jsonl"),
        ISSUE_2,
    );
}

#[test]
fn hard_set_of_others_food_plans_slang_and_chains() {
    score(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/meals.hard.jsonl"),
        ISSUE_13,
    );
}

#[test]
fn second_hard_set() {
    score(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/meals.hard2.jsonl"),
        ISSUE_13,
    );
}

#[test]
fn categories_of_the_item_level_sets() {
    for set in ["items.b.jsonl", "items.c.jsonl"] {
        score(
            &format!("{}/tests/data/{set}", env!("CARGO_MANIFEST_DIR")),
            ISSUE_13,
        );
    }
    // Set A's dishes from many cuisines name categories the lexicon does not always find
    // (Spanish and Portuguese words, regional dishes): held to issue 2's figures.
    score(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/items.a.jsonl"),
        ISSUE_2,
    );
}

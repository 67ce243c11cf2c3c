//! The parser at the level of single foods, against labelled sets of our own (`tests/data`,
//! written by people who had not seen the lexicon or the parser): each food eaten once,
//! under its own name, with its count, and the message's fibre inside a plausible range.
//!
//! Issue 13 asks, on unseen sets, for item precision and recall ≥ 0.95, counts right for
//! ≥ 95 % of counted foods, no message with a food counted twice and fibre in range for
//! ≥ 90 %. These sets are no longer unseen (their errors were studied), and the parser does
//! not reach all of that on them yet, so each set is held to a floor a little under what the
//! parser reaches today (`tests/data/README.md` has the first blind figures and today's): a
//! change that makes the list a person reads worse fails here. No food counted twice is
//! held exactly.
//!
//! `GUTSKIN_SHOW_ERRORS=1 cargo test --test meal_items -- --nocapture` prints every line
//! that is not all right, and the figures.

use gutskin::food::{Lexicon, Meal};
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Deserialize)]
struct LabelledItem {
    food: String,
    #[serde(default)]
    also: Vec<String>,
    count: Option<f32>,
}

#[derive(Deserialize)]
struct Labelled {
    text: String,
    items: Vec<LabelledItem>,
    fibre_g: [f32; 2],
}

/// A name as compared: lowercase ASCII words without accents or apostrophes, each made
/// singular ("Crème brûlées" and "creme brulee" are one name).
fn name_key(name: &str) -> String {
    let ascii = deunicode::deunicode(name)
        .to_lowercase()
        .replace(['\'', '’'], "");
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.len() > 4 && w.ends_with("ies") {
                format!("{}y", &w[..w.len() - 3])
            } else if w.len() > 3 && w.ends_with("oes") {
                w[..w.len() - 2].to_string()
            } else if w.len() > 3
                && w.ends_with('s')
                && !w.ends_with("ss")
                && !w.ends_with("us")
                && !w.ends_with("is")
            {
                w[..w.len() - 1].to_string()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Default)]
struct Score {
    matched: usize,
    predicted: usize,
    labelled: usize,
    counts_right: usize,
    counted: usize,
    doubled: usize,
    fibre_in_range: usize,
    messages: usize,
    errors: Vec<String>,
}

impl Score {
    fn add(&mut self, row: &Labelled, meal: &Meal<'_>) {
        self.messages += 1;
        let eaten: Vec<_> = meal.items.iter().filter(|i| !i.negated).collect();
        let mut problems = Vec::new();
        let names: Vec<String> = eaten.iter().map(|i| name_key(&i.food)).collect();
        if names.iter().collect::<BTreeSet<_>>().len() < names.len() {
            self.doubled += 1;
            problems.push("a food counted twice".to_string());
        }
        let mut used = vec![false; row.items.len()];
        for (item, key) in eaten.iter().zip(&names) {
            let hit = row.items.iter().enumerate().position(|(k, label)| {
                !used[k]
                    && std::iter::once(&label.food)
                        .chain(&label.also)
                        .any(|n| name_key(n) == *key)
            });
            match hit {
                Some(k) => {
                    used[k] = true;
                    self.matched += 1;
                    if let Some(count) = row.items[k].count {
                        self.counted += 1;
                        if (item.quantity - count).abs() < 0.01 {
                            self.counts_right += 1;
                        } else {
                            problems.push(format!("{} x{} not x{count}", item.food, item.quantity));
                        }
                    }
                }
                None => problems.push(format!("extra {} ({})", item.food, item.matched)),
            }
        }
        for (k, label) in row.items.iter().enumerate() {
            if !used[k] {
                problems.push(format!("missed {}", label.food));
            }
        }
        self.predicted += eaten.len();
        self.labelled += row.items.len();
        let [low, high] = row.fibre_g;
        if (low - 0.05..=high + 0.05).contains(&meal.fibre_g) {
            self.fibre_in_range += 1;
        } else {
            problems.push(format!("fibre {} not in {low}-{high}", meal.fibre_g));
        }
        if !problems.is_empty() {
            self.errors
                .push(format!("{:?}: {}", row.text, problems.join("; ")));
        }
    }

    fn precision(&self) -> f64 {
        self.matched as f64 / self.predicted.max(1) as f64
    }

    fn recall(&self) -> f64 {
        self.matched as f64 / self.labelled.max(1) as f64
    }

    fn report(&self, path: &str) -> String {
        format!(
            "{path}: items precision {:.3} recall {:.3}, counts right {}/{}, messages with a \
             food counted twice {}/{}, fibre in range {}/{}",
            self.precision(),
            self.recall(),
            self.counts_right,
            self.counted,
            self.doubled,
            self.messages,
            self.fibre_in_range,
            self.messages
        )
    }
}

/// The least a set must score.
struct Floor {
    precision: f64,
    recall: f64,
    /// Percent of counted foods with the right count.
    counts: usize,
    /// Percent of messages with their fibre in range.
    fibre: usize,
}

fn score(path: &str, floor: Floor) {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    let lexicon = Lexicon::builtin().expect("lexicon");
    let mut score = Score::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Labelled = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        score.add(&row, &lexicon.parse(&row.text));
    }
    let report = score.report(path);
    if std::env::var_os("GUTSKIN_SHOW_ERRORS").is_some() {
        for error in &score.errors {
            println!("  {error}");
        }
    }
    println!("{report}");
    assert!(score.precision() >= floor.precision, "{report}");
    assert!(score.recall() >= floor.recall, "{report}");
    assert!(
        score.counts_right * 100 >= score.counted * floor.counts,
        "{report}"
    );
    assert_eq!(score.doubled, 0, "{report}");
    assert!(
        score.fibre_in_range * 100 >= score.messages * floor.fibre,
        "{report}"
    );
}

#[test]
fn set_a_world_cuisines() {
    let floor = Floor {
        precision: 0.90,
        recall: 0.86,
        counts: 95,
        fibre: 75,
    };
    score("tests/data/items.a.jsonl", floor);
}

#[test]
fn set_b_texting_in_a_hurry() {
    let floor = Floor {
        precision: 0.91,
        recall: 0.93,
        counts: 88,
        fibre: 84,
    };
    score("tests/data/items.b.jsonl", floor);
}

#[test]
fn set_c_an_ordinary_week() {
    let floor = Floor {
        precision: 0.93,
        recall: 0.95,
        counts: 95,
        fibre: 82,
    };
    score("tests/data/items.c.jsonl", floor);
}

#[test]
fn names_compare_without_case_accents_or_plurals() {
    assert_eq!(name_key("Crème Brûlées"), name_key("creme brulee"));
    assert_eq!(name_key("McDonald's"), "mcdonald");
    assert_eq!(name_key("tomatoes"), name_key("tomato"));
    assert_eq!(name_key("berries"), name_key("berry"));
    assert_ne!(name_key("red wine"), name_key("wine"));
}

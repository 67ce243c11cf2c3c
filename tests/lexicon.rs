//! The lexicon file itself: it loads, is large enough, and every entry is well formed.

use gutskin::food::{Category, Lexicon, LexiconError, BUILTIN_LEXICON};
use std::collections::HashMap;
use std::time::Instant;

#[test]
fn builtin_lexicon_loads_with_at_least_400_foods() {
    let lexicon = Lexicon::builtin().expect("config/foods.toml loads");
    assert!(
        lexicon.foods().len() >= 400,
        "{} foods",
        lexicon.foods().len()
    );
}

#[test]
fn every_entry_is_well_formed() {
    let lexicon = Lexicon::builtin().unwrap();
    for food in lexicon.foods() {
        assert_eq!(food.name, food.name.to_lowercase(), "names are lowercase");
        assert!(
            !food.fdc.trim().is_empty(),
            "{} names its FDC item",
            food.name
        );
        assert!(
            food.portion_g > 0.0 && !food.portion.is_empty(),
            "{}",
            food.name
        );
        assert!((0.0..=100.0).contains(&food.fibre_100g), "{}", food.name);
        if let Some(plant) = &food.plant {
            assert!(!plant.trim().is_empty(), "{}", food.name);
        }
        // Each food is found by its own name.
        let found = lexicon.lookup(&food.name).map(|f| f.name.as_str());
        assert_eq!(
            found,
            Some(food.name.as_str()),
            "{} finds itself",
            food.name
        );
    }
}

#[test]
fn no_synonym_belongs_to_two_foods() {
    // The loader rejects a shared phrase; check the file independently of the loader too.
    let lexicon = Lexicon::builtin().unwrap();
    let mut owner: HashMap<String, &str> = HashMap::new();
    for food in lexicon.foods() {
        for phrase in std::iter::once(&food.name).chain(&food.synonyms) {
            let key: String = phrase
                .to_lowercase()
                .replace(['\'', '’'], "")
                .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(other) = owner.insert(key.clone(), &food.name) {
                assert_eq!(
                    other, food.name,
                    "{key:?} belongs to {other} and {}",
                    food.name
                );
            }
        }
    }
}

#[test]
fn a_shared_phrase_is_rejected() {
    let text = BUILTIN_LEXICON.to_string()
        + "\n[[food]]\nname = \"my blueberries\"\nalso = [\"Blueberries\"]\ncats = []\n\
           portion = \"1 cup\"\nportion_g = 148\nfibre_100g = 2.4\nfdc = \"Blueberries, raw\"\n";
    match Lexicon::from_toml(&text) {
        Err(LexiconError::DuplicatePhrase { second, .. }) => assert_eq!(second, "my blueberries"),
        other => panic!("expected a duplicate phrase error, got {other:?}"),
    }
}

#[test]
fn an_unknown_category_is_rejected() {
    let text = BUILTIN_LEXICON.replacen("cats = [\"sugar\"]", "cats = [\"sugary\"]", 1);
    assert!(matches!(
        Lexicon::from_toml(&text),
        Err(LexiconError::Toml(_))
    ));
}

#[test]
fn every_category_has_foods() {
    let lexicon = Lexicon::builtin().unwrap();
    for category in Category::ALL {
        let n = lexicon
            .foods()
            .iter()
            .filter(|f| f.categories.contains(category))
            .count();
        assert!(n >= 1, "{category}: {n} foods");
    }
}

#[test]
fn lexicon_builds_quickly_enough_for_start_up() {
    // Generous bound for debug builds; the release figure is in benches/parse.rs.
    let start = Instant::now();
    Lexicon::builtin().unwrap();
    assert!(start.elapsed().as_secs() < 5);
}

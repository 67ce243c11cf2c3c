//! The lexicon file itself: it loads, is large enough, and every entry is well formed.

use gutskin::food::{Category, Lexicon, LexiconError, BUILTIN_LEXICON};
use std::collections::HashMap;
use std::time::Instant;

#[test]
fn builtin_lexicon_loads_with_at_least_400_foods() {
    let lexicon = Lexicon::builtin().expect("config/foods loads");
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
        for plant in &food.plants {
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

/// The built-in files with `extra` as one more file.
fn with_file(extra: &'static str) -> Result<Lexicon, LexiconError> {
    Lexicon::from_files(
        BUILTIN_LEXICON
            .iter()
            .copied()
            .chain([("extra.toml", extra)]),
    )
}

#[test]
fn every_file_of_the_folder_is_built_in() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/config/foods");
    let mut on_disk: Vec<String> = std::fs::read_dir(folder)
        .expect("config/foods")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut built_in: Vec<String> = BUILTIN_LEXICON
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    built_in.sort();
    assert_eq!(on_disk, built_in);
    // Loading the folder gives the same lexicon as the built-in copy.
    let loaded = Lexicon::load(std::path::Path::new(folder)).expect("the folder loads");
    assert_eq!(
        loaded.foods().len(),
        Lexicon::builtin().unwrap().foods().len()
    );
}

#[test]
fn a_dish_takes_plants_and_categories_from_its_parts() {
    let lexicon = with_file(
        "[[food]]\nname = \"test bean bowl\"\nparts = [\"kidney beans\", \"rice\"]\n\
         portion = \"1 bowl\"\nportion_g = 300\nfibre_100g = 3.0\nfdc = \"test\"\n",
    )
    .expect("loads");
    let dish = lexicon.lookup("test bean bowl").expect("the dish");
    assert!(dish.categories.contains(Category::Fiber));
    assert_eq!(dish.plants.len(), 2, "{:?}", dish.plants);
    let unknown = with_file(
        "[[food]]\nname = \"test bowl\"\nparts = [\"unobtainium\"]\n\
         portion = \"1 bowl\"\nportion_g = 300\nfibre_100g = 3.0\nfdc = \"test\"\n",
    );
    assert!(
        matches!(unknown, Err(LexiconError::Entry { .. })),
        "{unknown:?}"
    );
}

#[test]
fn one_rules_table_is_required() {
    let foods_only = Lexicon::from_files(BUILTIN_LEXICON.iter().copied().skip(1));
    assert!(matches!(foods_only, Err(LexiconError::Rules(0))));
}

#[test]
fn a_shared_phrase_is_rejected() {
    let extra = "\n[[food]]\nname = \"my blueberries\"\nalso = [\"Blueberries\"]\ncats = []\n\
           portion = \"1 cup\"\nportion_g = 148\nfibre_100g = 2.4\nfdc = \"Blueberries, raw\"\n";
    match with_file(extra) {
        Err(LexiconError::DuplicatePhrase { second, .. }) => assert_eq!(second, "my blueberries"),
        other => panic!("expected a duplicate phrase error, got {other:?}"),
    }
}

#[test]
fn an_unknown_category_is_rejected() {
    let extra = "[[food]]\nname = \"test sweet\"\ncats = [\"sugary\"]\nportion = \"1\"\n\
        portion_g = 10\nfibre_100g = 0\nfdc = \"test\"\n";
    assert!(matches!(
        with_file(extra),
        Err(LexiconError::Toml { file, .. }) if file == "extra.toml"
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

#[test]
fn phrases_that_meet_only_in_the_singular_are_named() {
    // "cumins" would be read as cumin, which another food owns.
    let extra = "[[food]]\nname = \"test cumins\"\nalso = [\"cumins\"]\nportion = \"1 tsp\"\n\
        portion_g = 2\nfibre_100g = 10\nfdc = \"test\"\n";
    match with_file(extra) {
        Err(LexiconError::MeetInTheSingular { plurals, .. }) => assert_eq!(plurals, "cumins"),
        other => panic!("expected a singular collision, got {other:?}"),
    }
}

#[test]
fn the_built_in_lexicon_reads_the_same_as_its_files() {
    let compiled = Lexicon::builtin().unwrap();
    let files = Lexicon::from_files(BUILTIN_LEXICON.iter().copied()).unwrap();
    assert_eq!(compiled.phrase_count(), files.phrase_count());
    let names = |l: &Lexicon| l.foods().iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&compiled), names(&files));
}

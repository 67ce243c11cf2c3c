//! The ten food categories of the source document, and a compact set of them.
//!
//! The ids (`fiber`, `olive_oil`, ...) are the project's contract with its users, its stored
//! records and the evaluation sets in `../shared/eval`, so they never change spelling.

use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// One of the document's food groups: six that help the gut-skin axis, four that harm it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Fiber,
    Polyphenol,
    Prebiotic,
    Fermented,
    Omega3,
    OliveOil,
    Sugar,
    UltraProcessed,
    FastFood,
    Alcohol,
}

impl Category {
    /// Every category, helpful ones first, in the order the document lists them.
    pub const ALL: [Category; 10] = [
        Category::Fiber,
        Category::Polyphenol,
        Category::Prebiotic,
        Category::Fermented,
        Category::Omega3,
        Category::OliveOil,
        Category::Sugar,
        Category::UltraProcessed,
        Category::FastFood,
        Category::Alcohol,
    ];

    /// Every category sorted by its id, the order in which sets serialise.
    const BY_ID: [Category; 10] = [
        Category::Alcohol,
        Category::FastFood,
        Category::Fermented,
        Category::Fiber,
        Category::OliveOil,
        Category::Omega3,
        Category::Polyphenol,
        Category::Prebiotic,
        Category::Sugar,
        Category::UltraProcessed,
    ];

    /// The stable id used in files, records and evaluation sets.
    pub fn id(self) -> &'static str {
        match self {
            Category::Fiber => "fiber",
            Category::Polyphenol => "polyphenol",
            Category::Prebiotic => "prebiotic",
            Category::Fermented => "fermented",
            Category::Omega3 => "omega3",
            Category::OliveOil => "olive_oil",
            Category::Sugar => "sugar",
            Category::UltraProcessed => "ultra_processed",
            Category::FastFood => "fast_food",
            Category::Alcohol => "alcohol",
        }
    }

    /// The category by its id, if the id is one of the ten.
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// How the category reads in a reply.
    pub fn label(self) -> &'static str {
        match self {
            Category::Fiber => "fibre",
            Category::Polyphenol => "polyphenols",
            Category::Prebiotic => "prebiotics",
            Category::Fermented => "fermented",
            Category::Omega3 => "omega-3",
            Category::OliveOil => "olive oil",
            Category::Sugar => "sugar",
            Category::UltraProcessed => "ultra-processed",
            Category::FastFood => "fast food",
            Category::Alcohol => "alcohol",
        }
    }

    /// Whether the document counts this group against the gut-skin axis.
    pub fn is_harmful(self) -> bool {
        matches!(
            self,
            Category::Sugar | Category::UltraProcessed | Category::FastFood | Category::Alcohol
        )
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A set of categories stored as bits; iterates and serialises sorted by id.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CategorySet(u16);

impl CategorySet {
    pub const EMPTY: CategorySet = CategorySet(0);

    pub fn insert(&mut self, category: Category) {
        self.0 |= category.bit();
    }

    pub fn remove(&mut self, category: Category) {
        self.0 &= !category.bit();
    }

    pub fn contains(self, category: Category) -> bool {
        self.0 & category.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn union(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 | other.0)
    }

    pub fn intersection(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 & other.0)
    }

    pub fn difference(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 & !other.0)
    }

    /// The members sorted by id (`alcohol` < `fast_food` < ... < `ultra_processed`).
    pub fn iter(self) -> impl Iterator<Item = Category> {
        Category::BY_ID
            .into_iter()
            .filter(move |c| self.contains(*c))
    }
}

impl FromIterator<Category> for CategorySet {
    fn from_iter<I: IntoIterator<Item = Category>>(iter: I) -> Self {
        let mut set = CategorySet::EMPTY;
        for category in iter {
            set.insert(category);
        }
        set
    }
}

impl fmt::Debug for CategorySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for CategorySet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for CategorySet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = Vec::<Category>::deserialize(deserializer)?;
        Ok(list.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_sets_serialise_sorted() {
        for c in Category::ALL {
            assert_eq!(Category::from_id(c.id()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.id()));
        }
        let set: CategorySet = [Category::UltraProcessed, Category::Alcohol, Category::Fiber]
            .into_iter()
            .collect();
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"["alcohol","fiber","ultra_processed"]"#
        );
        let ids: Vec<&str> = Category::BY_ID.iter().map(|c| c.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn set_operations() {
        let mut set = CategorySet::EMPTY;
        set.insert(Category::Sugar);
        set.insert(Category::UltraProcessed);
        set.remove(Category::Sugar);
        assert!(!set.contains(Category::Sugar));
        assert!(set.contains(Category::UltraProcessed));
        assert_eq!(set.len(), 1);
    }
}

//! The diary's records: a logged meal ([`Entry`]) and a day's skin rating ([`SkinRating`]).
//!
//! These own their data, unlike the parser's [`Meal`], which borrows from the lexicon and the
//! message, so the store can persist them with serde and read them back after the lexicon has
//! changed. An entry keeps what the parser understood when it was logged; re-reading old text
//! with a newer lexicon is an explicit edit, never a side effect of loading.
//!
//! Keys (user, source message id) are the store's business; an entry carries only what
//! describes the meal and when it was eaten.

use crate::food::{CategorySet, Meal};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// The lowest and highest skin ratings (the 1-5 buttons).
pub const MIN_RATING: u8 = 1;
pub const MAX_RATING: u8 = 5;

/// A rating at or below this counts as a low skin day for the tips.
pub const LOW_RATING: u8 = 2;

/// One food of a logged meal, as eaten (the parser's modifiers already applied).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedItem {
    /// Canonical lexicon name ("porridge").
    pub food: String,
    /// Portions, 1 unless the message said otherwise.
    pub quantity: f32,
    pub categories: CategorySet,
    /// The plants it counts as towards the week's variety: "oat" for porridge, kidney bean
    /// and rice for rajma chawal, none for a non-plant food.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plants: Vec<String>,
    /// Estimated grams of fibre for the quantity eaten.
    pub fibre_g: f32,
}

/// A logged meal: the message as typed and the foods read from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When it was logged (the message's time), in UTC.
    pub logged_at: DateTime<Utc>,
    /// The diary day it counts for in the user's zone: usually the day of `logged_at`, the
    /// day before for "yesterday: ..." or before the cutoff.
    pub local_day: NaiveDate,
    /// The local time it was eaten, when the message said ("at 8am", "last night").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eaten_at: Option<NaiveTime>,
    /// The message as the user wrote it.
    pub text: String,
    /// The foods eaten; foods the message negated ("no sugar") are not kept.
    pub items: Vec<LoggedItem>,
    /// Words of the message that looked like food the lexicon did not know ("horta"), kept
    /// so that a later lexicon can read the entry again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unrecognised: Vec<String>,
}

impl Entry {
    /// The entry for a parsed message, keeping only the foods that were eaten.
    pub fn from_meal(
        meal: &Meal<'_>,
        text: impl Into<String>,
        logged_at: DateTime<Utc>,
        local_day: NaiveDate,
    ) -> Entry {
        let items = meal
            .items
            .iter()
            .filter(|item| !item.negated)
            .map(|item| LoggedItem {
                food: item.food.to_string(),
                quantity: item.quantity,
                categories: item.categories,
                plants: item.plants.iter().map(str::to_string).collect(),
                fibre_g: item.fibre_g,
            })
            .collect();
        Entry {
            logged_at,
            local_day,
            eaten_at: None,
            text: text.into(),
            items,
            unrecognised: meal.unrecognised.iter().map(|w| w.to_string()).collect(),
        }
    }

    /// Whether the entry holds any food. The chat layer stores only entries that do.
    pub fn has_food(&self) -> bool {
        !self.items.is_empty()
    }

    /// The categories of everything in the entry.
    pub fn categories(&self) -> CategorySet {
        self.items
            .iter()
            .fold(CategorySet::EMPTY, |set, item| set.union(item.categories))
    }

    /// Estimated fibre of the entry in grams, to one decimal. Values that are negative or not
    /// a number (a damaged record) count as none.
    pub fn fibre_g(&self) -> f32 {
        round1(self.items.iter().map(|item| sane_grams(item.fibre_g)).sum())
    }

    /// Distinct plants in the entry, in the order they were named.
    pub fn plants(&self) -> Vec<&str> {
        let mut plants: Vec<&str> = Vec::new();
        for plant in self.items.iter().flat_map(|item| &item.plants) {
            let plant = plant.as_str();
            if !plants.contains(&plant) {
                plants.push(plant);
            }
        }
        plants
    }
}

/// A rating outside 1-5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a skin rating is {MIN_RATING} to {MAX_RATING}, not {0}")]
pub struct RatingError(pub u8);

/// How the user rated their skin on a diary day, 1 (bad) to 5 (good). The rating is private
/// so that every value, including one read back from the store, is in range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SkinRatingRecord")]
pub struct SkinRating {
    day: NaiveDate,
    rating: u8,
    rated_at: DateTime<Utc>,
}

/// The serialised shape of a [`SkinRating`], checked on the way in.
#[derive(Deserialize)]
struct SkinRatingRecord {
    day: NaiveDate,
    rating: u8,
    rated_at: DateTime<Utc>,
}

impl TryFrom<SkinRatingRecord> for SkinRating {
    type Error = RatingError;

    fn try_from(record: SkinRatingRecord) -> Result<SkinRating, RatingError> {
        SkinRating::new(record.day, record.rating, record.rated_at)
    }
}

impl SkinRating {
    /// A rating of `day`, made at `rated_at`; refused unless 1 to 5.
    pub fn new(
        day: NaiveDate,
        rating: u8,
        rated_at: DateTime<Utc>,
    ) -> Result<SkinRating, RatingError> {
        if !(MIN_RATING..=MAX_RATING).contains(&rating) {
            return Err(RatingError(rating));
        }
        Ok(SkinRating {
            day,
            rating,
            rated_at,
        })
    }

    /// The diary day rated (not necessarily the day the button was pressed).
    pub fn day(&self) -> NaiveDate {
        self.day
    }

    /// 1 (bad) to 5 (good).
    pub fn rating(&self) -> u8 {
        self.rating
    }

    pub fn rated_at(&self) -> DateTime<Utc> {
        self.rated_at
    }

    /// At or below [`LOW_RATING`].
    pub fn is_low(&self) -> bool {
        self.rating <= LOW_RATING
    }
}

pub(super) fn round1(grams: f32) -> f32 {
    (grams * 10.0).round() / 10.0
}

pub(super) fn sane_grams(grams: f32) -> f32 {
    if grams.is_finite() {
        grams.max(0.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_out_of_range_are_refused_even_from_storage() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let rating = SkinRating::new(day, 4, at).expect("4 is a rating");
        let json = serde_json::to_string(&rating).expect("serialises");
        assert_eq!(
            serde_json::from_str::<SkinRating>(&json).expect("reads back"),
            rating
        );
        let bad = json.replace("\"rating\":4", "\"rating\":9");
        assert!(serde_json::from_str::<SkinRating>(&bad).is_err());
    }
}

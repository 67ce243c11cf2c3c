//! What a day and a week add up to: categories, fibre, distinct plants, the score, skin
//! ratings, logging streaks, and the [`DayContext`] the tip picker reads.
//!
//! Everything here is a pure function of entries and ratings the caller passes in (the store
//! decides how to fetch them), so /today, /week and the digest compute the same numbers.
//! Entries that do not belong to the day or week asked about are ignored rather than
//! counted, so a caller that fetched a little too much cannot skew a summary.

use super::clock::{weekday_number, Week};
use super::entry::{round1, sane_grams, Entry, SkinRating};
use super::score::{DayScore, ScoreWeights};
use crate::food::CategorySet;
use crate::knowledge::DayContext;
use chrono::{Days, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// How many days, ending with the day in question, count towards `low_skin_days`.
pub const LOW_SKIN_WINDOW_DAYS: u64 = 3;

/// One diary day.
#[derive(Clone, Debug, PartialEq)]
pub struct DaySummary {
    pub day: NaiveDate,
    /// How many meals were logged.
    pub entries: usize,
    pub categories: CategorySet,
    /// Estimated fibre, grams to one decimal.
    pub fibre_g: f32,
    /// Distinct plants, in the order first logged.
    pub plants: Vec<String>,
    pub score: DayScore,
}

impl DaySummary {
    /// The summary of `day` from its entries (entries of other days are ignored).
    pub fn new<'a>(
        day: NaiveDate,
        entries: impl IntoIterator<Item = &'a Entry>,
        weights: &ScoreWeights,
    ) -> DaySummary {
        let mut entries: Vec<&Entry> = entries
            .into_iter()
            .filter(|entry| entry.local_day == day)
            .collect();
        // Plants are listed in the order eaten, whatever order the store returned.
        entries.sort_by_key(|entry| entry.logged_at);

        let mut categories = CategorySet::EMPTY;
        let mut fibre = 0.0;
        let mut plants: Vec<String> = Vec::new();
        for entry in &entries {
            for item in &entry.items {
                categories = categories.union(item.categories);
                fibre += sane_grams(item.fibre_g);
                if let Some(plant) = &item.plant {
                    if !plants.contains(plant) {
                        plants.push(plant.clone());
                    }
                }
            }
        }
        let fibre_g = round1(fibre);
        DaySummary {
            day,
            entries: entries.len(),
            categories,
            fibre_g,
            score: weights.score(categories, fibre_g, plants.len()),
            plants,
        }
    }

    pub fn logged_anything(&self) -> bool {
        self.entries > 0
    }
}

/// One day of a week: its summary and its skin rating, if rated.
#[derive(Clone, Debug, PartialEq)]
pub struct WeekDay {
    pub summary: DaySummary,
    pub rating: Option<u8>,
}

/// A Monday-to-Sunday week: each day's score and rating, and the distinct plants.
#[derive(Clone, Debug, PartialEq)]
pub struct WeekSummary {
    pub week: Week,
    /// Monday to Sunday.
    pub days: Vec<WeekDay>,
    /// Distinct plants of the whole week, in the order first logged.
    pub plants: Vec<String>,
}

impl WeekSummary {
    /// The summary of `week` (entries and ratings of other days are ignored; a day rated
    /// twice keeps its latest rating).
    pub fn new<'a>(
        week: Week,
        entries: impl IntoIterator<Item = &'a Entry>,
        ratings: &[SkinRating],
        weights: &ScoreWeights,
    ) -> WeekSummary {
        let mut by_day: BTreeMap<NaiveDate, Vec<&Entry>> = BTreeMap::new();
        for entry in entries {
            if week.contains(entry.local_day) {
                by_day.entry(entry.local_day).or_default().push(entry);
            }
        }
        let ratings = latest_ratings(ratings);
        let days: Vec<WeekDay> = week
            .days()
            .map(|day| WeekDay {
                summary: DaySummary::new(
                    day,
                    by_day.get(&day).into_iter().flatten().copied(),
                    weights,
                ),
                rating: ratings.get(&day).map(|rating| rating.rating()),
            })
            .collect();
        let mut plants: Vec<String> = Vec::new();
        for plant in days.iter().flat_map(|day| &day.summary.plants) {
            if !plants.contains(plant) {
                plants.push(plant.clone());
            }
        }
        WeekSummary { week, days, plants }
    }

    /// How many distinct plants the week has (the goal is 30).
    pub fn plant_count(&self) -> usize {
        self.plants.len()
    }

    /// The day, if it is in this week.
    pub fn day(&self, day: NaiveDate) -> Option<&WeekDay> {
        self.days.iter().find(|d| d.summary.day == day)
    }

    /// Distinct plants from Monday up to and including `day`, in the order first logged: the
    /// week's plants as they stood that evening.
    pub fn plants_through(&self, day: NaiveDate) -> Vec<&str> {
        let mut plants: Vec<&str> = Vec::new();
        for week_day in self.days.iter().filter(|d| d.summary.day <= day) {
            for plant in &week_day.summary.plants {
                if !plants.contains(&plant.as_str()) {
                    plants.push(plant);
                }
            }
        }
        plants
    }

    /// What the tip picker needs to know about `day`, or `None` if the day is not in this
    /// week. Plants count up to that day, and `ratings` should reach back two days before it
    /// (into the previous week on a Monday) for `low_skin_days`.
    pub fn day_context(&self, day: NaiveDate, ratings: &[SkinRating]) -> Option<DayContext> {
        let summary = &self.day(day)?.summary;
        Some(DayContext {
            categories: summary.categories,
            fibre_g: summary.fibre_g,
            plants_this_week: u32::try_from(self.plants_through(day).len()).unwrap_or(u32::MAX),
            weekday: weekday_number(day),
            low_skin_days: low_skin_days(ratings, day),
            logged_anything: summary.logged_anything(),
        })
    }
}

/// Each rated day's latest rating (a later tap replaces an earlier one).
pub fn latest_ratings(ratings: &[SkinRating]) -> BTreeMap<NaiveDate, SkinRating> {
    let mut latest: BTreeMap<NaiveDate, SkinRating> = BTreeMap::new();
    for rating in ratings {
        let newer = latest
            .get(&rating.day())
            .is_none_or(|kept| rating.rated_at() >= kept.rated_at());
        if newer {
            latest.insert(rating.day(), *rating);
        }
    }
    latest
}

/// How many of the [`LOW_SKIN_WINDOW_DAYS`] days ending with `day` were rated low (2 or
/// less), counting each day's latest rating once.
pub fn low_skin_days(ratings: &[SkinRating], day: NaiveDate) -> u32 {
    let first = day
        .checked_sub_days(Days::new(LOW_SKIN_WINDOW_DAYS - 1))
        .unwrap_or(NaiveDate::MIN);
    let low = latest_ratings(ratings)
        .range(first..=day)
        .filter(|(_, rating)| rating.is_low())
        .count();
    // At most LOW_SKIN_WINDOW_DAYS.
    low as u32
}

/// Logging streaks, in consecutive diary days with at least one entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Streaks {
    /// The run ending today, or yesterday when nothing is logged yet today (the day is not
    /// over, so the streak is not broken); 0 when neither has an entry.
    pub current: u32,
    /// The longest run up to today.
    pub longest: u32,
}

/// The streaks for the days that have entries (in any order, repeats allowed); days after
/// `today` are ignored.
pub fn streaks(days_logged: impl IntoIterator<Item = NaiveDate>, today: NaiveDate) -> Streaks {
    let days: BTreeSet<NaiveDate> = days_logged
        .into_iter()
        .filter(|day| *day <= today)
        .collect();

    let mut longest = 0u32;
    let mut run = 0u32;
    let mut previous: Option<NaiveDate> = None;
    for &day in &days {
        let follows = previous.and_then(|p| p.succ_opt()) == Some(day);
        run = if follows { run.saturating_add(1) } else { 1 };
        longest = longest.max(run);
        previous = Some(day);
    }

    let end = if days.contains(&today) {
        Some(today)
    } else {
        today
            .pred_opt()
            .filter(|yesterday| days.contains(yesterday))
    };
    let mut current = 0u32;
    let mut cursor = end;
    while let Some(day) = cursor.filter(|day| days.contains(day)) {
        current = current.saturating_add(1);
        cursor = day.pred_opt();
    }
    Streaks { current, longest }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).expect("date")
    }

    #[test]
    fn streaks_forgive_a_today_not_yet_logged() {
        let today = date(10);
        assert_eq!(streaks([], today), Streaks::default());
        let s = streaks([date(9), date(8), date(7), date(5)], today);
        assert_eq!((s.current, s.longest), (3, 3));
        let s = streaks(
            [
                date(10),
                date(9),
                date(9),
                date(3),
                date(4),
                date(5),
                date(6),
            ],
            today,
        );
        assert_eq!((s.current, s.longest), (2, 4));
        let s = streaks([date(8), date(7)], today);
        assert_eq!((s.current, s.longest), (0, 2));
        let s = streaks([date(11), date(12)], today);
        assert_eq!(s, Streaks::default(), "future days do not count");
    }

    #[test]
    fn streaks_at_the_first_date_do_not_panic() {
        let s = streaks([NaiveDate::MIN], NaiveDate::MIN);
        assert_eq!((s.current, s.longest), (1, 1));
    }
}

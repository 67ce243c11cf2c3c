//! What a day and a week add up to: categories, fibre, distinct plants, the score, skin
//! ratings, logging streaks, and the [`DayContext`] the tip picker reads.
//!
//! Everything here is a pure function of entries and ratings the caller passes in (the store
//! decides how to fetch them), so /today, /week and the digest compute the same numbers.
//! Summaries are made from running sums ([`DayTally`], [`WeekTally`]), so a caller that keeps
//! a tally and adds each new entry to it gets the numbers a fresh summary would give.
//! Entries that do not belong to the day or week asked about are ignored rather than
//! counted, so a caller that fetched a little too much cannot skew a summary.

use super::clock::{weekday_number, Week};
use super::entry::{round1, sane_grams, Entry, SkinRating};
use super::score::{DayScore, ScoreWeights};
use crate::food::CategorySet;
use crate::knowledge::DayContext;
use chrono::{DateTime, Days, NaiveDate, Utc};
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
        let mut tally = DayTally::default();
        for entry in in_order_logged(entries.into_iter().filter(|entry| entry.local_day == day)) {
            tally.add(entry);
        }
        tally.summary(day, weights)
    }

    pub fn logged_anything(&self) -> bool {
        self.entries > 0
    }
}

/// `entries` in the order they were logged, whatever order they came in; entries logged at
/// the same instant keep theirs.
fn in_order_logged<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Vec<&'a Entry> {
    let mut entries: Vec<&Entry> = entries.into_iter().collect();
    entries.sort_by_key(|entry| entry.logged_at);
    entries
}

/// A day's entries added up one at a time, in the order they were logged: what a
/// [`DaySummary`] is made from. Fibre is kept unrounded and plants in the order first logged,
/// so adding one more entry to a tally gives exactly what adding them all at once does. That
/// lets the chat engine keep someone's week as tallies and add a new meal to it instead of
/// reading and scoring the week again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DayTally {
    entries: usize,
    categories: CategorySet,
    fibre_g: f32,
    plants: Vec<String>,
    /// When the latest entry added was logged.
    last_logged_at: Option<DateTime<Utc>>,
}

impl DayTally {
    /// Adds `entry`. Callers add a day's entries in the order they were logged (see
    /// [`DayTally::comes_after`]); plants are listed in the order they are added.
    pub fn add(&mut self, entry: &Entry) {
        self.entries += 1;
        for item in &entry.items {
            self.categories = self.categories.union(item.categories);
            self.fibre_g += sane_grams(item.fibre_g);
            for plant in &item.plants {
                if !self.plants.contains(plant) {
                    self.plants.push(plant.clone());
                }
            }
        }
        self.last_logged_at = self.last_logged_at.max(Some(entry.logged_at));
    }

    /// Whether an entry logged at `logged_at` comes after every entry added so far, so that
    /// adding it keeps the order [`DaySummary::new`] adds them in.
    pub fn comes_after(&self, logged_at: DateTime<Utc>) -> bool {
        self.last_logged_at.is_none_or(|last| logged_at > last)
    }

    /// The categories of everything added.
    pub fn categories(&self) -> CategorySet {
        self.categories
    }

    /// The summary of `day` with these entries.
    pub fn summary(&self, day: NaiveDate, weights: &ScoreWeights) -> DaySummary {
        let fibre_g = round1(self.fibre_g);
        DaySummary {
            day,
            entries: self.entries,
            categories: self.categories,
            fibre_g,
            score: weights.score(self.categories, fibre_g, self.plants.len()),
            plants: self.plants.clone(),
        }
    }
}

/// A Monday-to-Sunday week's entries added up by day ([`DayTally`]), without ratings: what
/// the reply to a meal needs about its week. [`WeekSummary::new`] is made from one, so the
/// two agree.
#[derive(Clone, Debug, PartialEq)]
pub struct WeekTally {
    week: Week,
    /// The days with entries, earliest first.
    days: Vec<(NaiveDate, DayTally)>,
}

impl WeekTally {
    /// The tally of `week` from its entries, in any order (entries of other weeks are ignored).
    pub fn new<'a>(week: Week, entries: impl IntoIterator<Item = &'a Entry>) -> WeekTally {
        let mut tally = WeekTally {
            week,
            days: Vec::new(),
        };
        let in_week = entries
            .into_iter()
            .filter(|entry| week.contains(entry.local_day));
        for entry in in_order_logged(in_week) {
            tally.day_mut(entry.local_day).add(entry);
        }
        tally
    }

    pub fn week(&self) -> Week {
        self.week
    }

    /// Adds `entry` if it belongs to this week and was logged after every entry of its day so
    /// far; otherwise it changes nothing and answers `false` (the caller makes a new tally).
    pub fn add(&mut self, entry: &Entry) -> bool {
        if !self.week.contains(entry.local_day) {
            return false;
        }
        let day = self.day_mut(entry.local_day);
        if !day.comes_after(entry.logged_at) {
            return false;
        }
        day.add(entry);
        true
    }

    /// The tally of `day`; `None` if nothing is logged that day or it is in another week.
    pub fn day(&self, day: NaiveDate) -> Option<&DayTally> {
        self.days
            .iter()
            .find(|(date, _)| *date == day)
            .map(|(_, tally)| tally)
    }

    /// The summary of `day` (empty if nothing is logged that day or it is in another week).
    pub fn summary(&self, day: NaiveDate, weights: &ScoreWeights) -> DaySummary {
        match self.day(day) {
            Some(tally) => tally.summary(day, weights),
            None => DayTally::default().summary(day, weights),
        }
    }

    /// Distinct plants from Monday up to and including `day`, in the order first logged.
    pub fn plants_through(&self, day: NaiveDate) -> Vec<&str> {
        distinct_plants(
            self.days
                .iter()
                .filter(|(date, _)| *date <= day)
                .map(|(_, tally)| tally.plants.as_slice()),
        )
    }

    fn day_mut(&mut self, day: NaiveDate) -> &mut DayTally {
        let at = match self.days.binary_search_by_key(&day, |(date, _)| *date) {
            Ok(at) => at,
            Err(at) => {
                self.days.insert(at, (day, DayTally::default()));
                at
            }
        };
        &mut self.days[at].1
    }
}

/// The distinct plants of `days` taken in order, each listed where it first appears.
fn distinct_plants<'a>(days: impl Iterator<Item = &'a [String]>) -> Vec<&'a str> {
    let mut plants: Vec<&str> = Vec::new();
    for plant in days.flatten() {
        if !plants.contains(&plant.as_str()) {
            plants.push(plant);
        }
    }
    plants
}

/// What the tip picker needs to know about the day `summary` describes, with the week's
/// distinct plants up to that day and ratings reaching back two days before it (see
/// [`low_skin_days`]).
pub fn day_context(
    summary: &DaySummary,
    plants_this_week: usize,
    ratings: &[SkinRating],
) -> DayContext {
    DayContext {
        categories: summary.categories,
        fibre_g: summary.fibre_g,
        plants_this_week: u32::try_from(plants_this_week).unwrap_or(u32::MAX),
        weekday: weekday_number(summary.day),
        low_skin_days: low_skin_days(ratings, summary.day),
        logged_anything: summary.logged_anything(),
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
        let tally = WeekTally::new(week, entries);
        let ratings = latest_ratings(ratings);
        let days: Vec<WeekDay> = week
            .days()
            .map(|day| WeekDay {
                summary: tally.summary(day, weights),
                rating: ratings.get(&day).map(|rating| rating.rating()),
            })
            .collect();
        let plants = tally
            .plants_through(week.sunday())
            .into_iter()
            .map(str::to_string)
            .collect();
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
        distinct_plants(
            self.days
                .iter()
                .filter(|d| d.summary.day <= day)
                .map(|d| d.summary.plants.as_slice()),
        )
    }

    /// What the tip picker needs to know about `day`, or `None` if the day is not in this
    /// week. Plants count up to that day, and `ratings` should reach back two days before it
    /// (into the previous week on a Monday) for `low_skin_days`.
    pub fn day_context(&self, day: NaiveDate, ratings: &[SkinRating]) -> Option<DayContext> {
        let summary = &self.day(day)?.summary;
        Some(day_context(
            summary,
            self.plants_through(day).len(),
            ratings,
        ))
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

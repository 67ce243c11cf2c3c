//! The two-week experiment `/insights` offers: how one stands, worked out from the diary.
//!
//! A person goes without the category of their strongest harmful finding for
//! [`EXPERIMENT_DAYS`] diary days, starting the day they tap the button. From the day after
//! the last of them, `/insights` compares their skin before against during (see
//! [`compare_experiment`]) and the experiment ends. The settings record keeps only the
//! category and the first day, so everything here is recomputed from the diary each time:
//! a rating or meal filled in late still counts.

use chrono::{Days, NaiveDate};

use crate::diary::{compare_experiment, DayObservation, ExperimentComparison, EXPERIMENT_DAYS};
use crate::food::Category;

/// Fewest rated days in each two weeks for the comparison to say which way skin went: half
/// of them. Below this, one good or bad day moves the average too much to mean anything.
pub(crate) const MIN_RATED_DAYS: usize = 7;

/// Where an experiment stands on diary day `today`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ExperimentStatus {
    pub category: Category,
    /// Ratings of the [`EXPERIMENT_DAYS`] days before the start against those since (all
    /// [`EXPERIMENT_DAYS`] once it is over).
    pub comparison: ExperimentComparison,
    pub today: NaiveDate,
    /// Days of the experiment so far with any meal logged.
    pub days_logged: usize,
    /// Of those, the days `category` was logged.
    pub days_with_category: usize,
}

impl ExperimentStatus {
    /// `days` are the diary's days, one observation per day (as
    /// [`crate::diary::observations`] gives them).
    pub(crate) fn new(
        category: Category,
        started: NaiveDate,
        today: NaiveDate,
        days: &[DayObservation],
    ) -> ExperimentStatus {
        let comparison = compare_experiment(days, started);
        let through = today.min(comparison.last_day());
        let logged: Vec<_> = days
            .iter()
            .filter(|d| d.day >= started && d.day <= through)
            .filter_map(|d| d.categories)
            .collect();
        ExperimentStatus {
            category,
            comparison,
            today,
            days_logged: logged.len(),
            days_with_category: logged.iter().filter(|c| c.contains(category)).count(),
        }
    }

    pub(crate) fn started(&self) -> NaiveDate {
        self.comparison.start
    }

    /// The last day of the experiment.
    pub(crate) fn last_day(&self) -> NaiveDate {
        self.comparison.last_day()
    }

    /// The day the comparison is ready: the day after the last, when its rating is in.
    pub(crate) fn result_day(&self) -> NaiveDate {
        self.started()
            .checked_add_days(Days::new(EXPERIMENT_DAYS))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The first day of the two weeks before.
    pub(crate) fn before_from(&self) -> NaiveDate {
        self.started()
            .checked_sub_days(Days::new(EXPERIMENT_DAYS))
            .unwrap_or(NaiveDate::MIN)
    }

    /// Which day of the experiment `today` is, 1 to [`EXPERIMENT_DAYS`] (a day before the
    /// start, after a change of time zone, counts as the first).
    pub(crate) fn day_number(&self) -> u64 {
        let elapsed = (self.today - self.started()).num_days().max(0) as u64;
        (elapsed + 1).min(EXPERIMENT_DAYS)
    }

    /// Days of the experiment so far, today included.
    pub(crate) fn days_so_far(&self) -> u64 {
        if self.is_over() {
            EXPERIMENT_DAYS
        } else {
            self.day_number()
        }
    }

    pub(crate) fn is_over(&self) -> bool {
        self.today >= self.result_day()
    }

    /// Whether both two weeks have enough rated days to compare.
    pub(crate) fn comparable(&self) -> bool {
        self.comparison.before.days >= MIN_RATED_DAYS
            && self.comparison.during.days >= MIN_RATED_DAYS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::food::CategorySet;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("a November day")
    }

    fn observed(d: u32, categories: Option<&[Category]>, rating: Option<u8>) -> DayObservation {
        DayObservation {
            day: day(d),
            categories: categories.map(|c| c.iter().copied().collect::<CategorySet>()),
            rating,
        }
    }

    #[test]
    fn counts_the_days_since_the_start_only() {
        let alcohol: &[Category] = &[Category::Alcohol, Category::Fiber];
        let fibre: &[Category] = &[Category::Fiber];
        let days = [
            observed(1, Some(alcohol), Some(2)), // before
            observed(14, Some(alcohol), Some(3)),
            observed(15, Some(fibre), Some(4)),
            observed(16, None, Some(5)), // rated, nothing logged
            observed(17, Some(alcohol), None),
        ];
        let status = ExperimentStatus::new(Category::Alcohol, day(15), day(17), &days);
        assert_eq!(status.day_number(), 3);
        assert_eq!(status.days_so_far(), 3);
        assert_eq!((status.days_logged, status.days_with_category), (2, 1));
        assert_eq!(status.comparison.before.days, 2);
        assert_eq!(status.comparison.during.days, 2);
        assert_eq!(status.result_day(), day(29));
        assert_eq!(status.last_day(), day(28));
        assert_eq!(status.before_from(), day(1));
        assert!(!status.is_over() && !status.comparable());
    }

    #[test]
    fn the_last_day_is_day_fourteen_and_the_next_ends_it() {
        let status = |today| ExperimentStatus::new(Category::Sugar, day(1), today, &[]);
        assert_eq!(status(day(1)).day_number(), 1);
        assert_eq!(status(day(14)).day_number(), 14);
        assert!(!status(day(14)).is_over());
        assert!(status(day(15)).is_over());
        assert_eq!(status(day(20)).days_so_far(), 14);
        // A zone change can put today before the start: still the first day.
        let early = ExperimentStatus::new(Category::Sugar, day(2), day(1), &[]);
        assert_eq!(early.day_number(), 1);
    }
}

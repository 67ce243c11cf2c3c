//! The weeks of the people logging now, kept added up in memory, so that the reply to a meal
//! adds the meal to its week instead of reading and scoring the whole week again. Measured
//! (`cargo bench --bench store -- 'raw|engine'`), that read and score cost the engine more
//! than the durable write itself.
//!
//! A copy is trusted only while it is provably current. It carries the store's revision of
//! the person's meals (see `Store::revision`) from when it was made, and a meal is added to
//! it only if this meal's own write took the revision from that number to the next: nothing
//! else changed their meals in between (an edit, an undo, a delete, `/forget`, another meal
//! of theirs handled at the same moment). Otherwise the copy is dropped and the engine reads
//! the week again, as it did for every meal before. So edits and deletes need no hook here:
//! they move the revision, and the next meal finds the copy stale.
//!
//! At most [`WEEK_CACHE_USERS`] people are kept; when it is full one copy is dropped to make
//! room, which costs its owner one read of their week later.

use std::sync::{Mutex, MutexGuard};

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::diary::{DaySummary, Entry, ScoreWeights, WeekTally};
use crate::food::CategorySet;

/// How many people's weeks are kept: the people logging within the last while, in a bot
/// with tens of thousands of users. A week of four meals a day with a few plants each is
/// 1-3 kB, so a full cache is a few megabytes at most. Measured after 20,000 meals from
/// 10,000 people, the bot's memory was the same with 2,048 kept as with none (52 MB;
/// `telegram_load -- idle --users 10000 --traffic 20000`). People beyond it are served as
/// before, from the store.
pub(crate) const WEEK_CACHE_USERS: usize = 2_048;

/// A meal's place in its day and week, for the reply that confirms it.
pub(crate) struct MealStanding {
    /// The meal's day, the meal included.
    pub summary: DaySummary,
    /// The categories the day had before the meal.
    pub earlier: CategorySet,
    /// Distinct plants of the week up to and including the meal's day.
    pub week_plants: usize,
}

impl MealStanding {
    /// The standing of a meal on `day` from its week's tally (the meal included) and what
    /// the day had before it.
    pub fn new(
        week: &WeekTally,
        day: NaiveDate,
        earlier: CategorySet,
        weights: &ScoreWeights,
    ) -> MealStanding {
        MealStanding {
            summary: week.summary(day, weights),
            earlier,
            week_plants: week.plants_through(day).len(),
        }
    }
}

/// People's current weeks (see the module docs).
pub(crate) struct WeekCache {
    weeks: Mutex<FxHashMap<i64, CachedWeek>>,
    capacity: usize,
}

struct CachedWeek {
    /// The store's revision of the person's meals that `tally` holds.
    revision: u64,
    tally: WeekTally,
}

impl WeekCache {
    pub fn new(capacity: usize) -> WeekCache {
        WeekCache {
            weeks: Mutex::new(FxHashMap::default()),
            capacity,
        }
    }

    /// Adds `entry`, which `user` has just logged, to their kept week and returns its
    /// standing, if the week kept is the one of `entry`'s day as it was at `before` (the
    /// store's revision read before the write) and the write was the only change since (the
    /// revision read after it is `after`, one more). `None` means the caller reads the week.
    pub fn add_logged(
        &self,
        user: i64,
        before: u64,
        after: u64,
        entry: &Entry,
        weights: &ScoreWeights,
    ) -> Option<MealStanding> {
        let mut weeks = self.lock();
        let kept = weeks.get_mut(&user)?;
        if kept.revision != before || before.checked_add(1) != Some(after) {
            weeks.remove(&user);
            return None;
        }
        let day = entry.local_day;
        let earlier = kept
            .tally
            .day(day)
            .map_or(CategorySet::EMPTY, |tally| tally.categories());
        // Another week, or a meal logged before one already kept for its day: read afresh.
        if !kept.tally.add(entry) {
            weeks.remove(&user);
            return None;
        }
        kept.revision = after;
        Some(MealStanding::new(&kept.tally, day, earlier, weights))
    }

    /// Keeps `tally`, made from `user`'s meals as they were at `revision` (read before the
    /// meals were).
    pub fn keep(&self, user: i64, revision: u64, tally: WeekTally) {
        let mut weeks = self.lock();
        if weeks.len() >= self.capacity && !weeks.contains_key(&user) {
            // Any one will do: a dropped week costs one read, whoever it belonged to.
            if let Some(&dropped) = weeks.keys().next() {
                weeks.remove(&dropped);
            }
        }
        if self.capacity > 0 {
            weeks.insert(user, CachedWeek { revision, tally });
        }
    }

    /// Drops `user`'s week (`/forget`).
    pub fn forget(&self, user: i64) {
        self.lock().remove(&user);
    }

    /// How many people's weeks are kept (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, FxHashMap<i64, CachedWeek>> {
        self.weeks.lock().unwrap_or_else(|poisoned| {
            // A panic while the lock was held may have left a tally half added to: forget
            // them all, which only costs reads.
            let mut weeks = poisoned.into_inner();
            weeks.clear();
            self.weeks.clear_poison();
            weeks
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{DiaryConfig, LoggedItem, Week, WeekSummary};
    use crate::food::Category;
    use chrono::{DateTime, TimeZone, Utc};

    const ALICE: i64 = 7;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
            .single()
            .expect("an instant")
    }

    fn entry(day: u32, hour: u32, foods: &[(&str, Category)]) -> Entry {
        Entry {
            logged_at: at(day, hour),
            local_day: at(day, hour).date_naive(),
            eaten_at: None,
            unrecognised: Vec::new(),
            text: String::new(),
            items: foods
                .iter()
                .map(|&(food, category)| LoggedItem {
                    food: food.to_string(),
                    quantity: 1.0,
                    categories: {
                        let mut set = CategorySet::EMPTY;
                        set.insert(category);
                        set
                    },
                    plants: vec![food.to_string()],
                    fibre_g: 2.3,
                })
                .collect(),
        }
    }

    fn weights() -> ScoreWeights {
        DiaryConfig::builtin().expect("diary settings").score
    }

    #[test]
    fn meals_added_one_by_one_score_as_the_whole_week_does() {
        let week = Week::containing(at(23, 8).date_naive());
        let meals = [
            entry(
                23,
                8,
                &[("oats", Category::Fiber), ("kefir", Category::Fermented)],
            ),
            entry(23, 19, &[("beer", Category::Alcohol)]),
            entry(
                24,
                8,
                &[("oats", Category::Fiber), ("apple", Category::Fiber)],
            ),
            entry(25, 13, &[("salmon", Category::Omega3)]),
        ];
        let cache = WeekCache::new(10);
        cache.keep(ALICE, 1, WeekTally::new(week, [&meals[0]]));
        for (revision, meal) in (1..).zip(&meals[1..]) {
            let standing = cache
                .add_logged(ALICE, revision, revision + 1, meal, &weights())
                .expect("the copy is current");
            let added = meals.iter().take_while(|m| m.logged_at <= meal.logged_at);
            let whole = WeekSummary::new(week, added, &[], &weights());
            let day = meal.local_day;
            assert_eq!(
                standing.summary,
                whole.day(day).expect("in the week").summary
            );
            assert_eq!(standing.week_plants, whole.plants_through(day).len());
        }
    }

    #[test]
    fn a_copy_is_used_only_while_it_is_current() {
        let week = Week::containing(at(23, 8).date_naive());
        let oats = entry(23, 8, &[("oats", Category::Fiber)]);
        let beer = entry(23, 19, &[("beer", Category::Alcohol)]);
        let cache = WeekCache::new(10);
        cache.keep(ALICE, 4, WeekTally::new(week, [&oats]));
        // Something else changed the meals too (4 → 6): the copy is dropped.
        assert!(cache.add_logged(ALICE, 4, 6, &beer, &weights()).is_none());
        assert!(cache.add_logged(ALICE, 6, 7, &beer, &weights()).is_none());

        cache.keep(ALICE, 4, WeekTally::new(week, [&beer]));
        // A meal logged before the day's last one, or in another week, is read afresh.
        assert!(cache.add_logged(ALICE, 4, 5, &oats, &weights()).is_none());
        cache.keep(ALICE, 4, WeekTally::new(week, [&oats]));
        let next_week = entry(30, 8, &[("oats", Category::Fiber)]);
        assert!(cache
            .add_logged(ALICE, 4, 5, &next_week, &weights())
            .is_none());

        cache.keep(ALICE, 4, WeekTally::new(week, [&oats]));
        let standing = cache
            .add_logged(ALICE, 4, 5, &beer, &weights())
            .expect("current");
        assert!(standing.earlier.contains(Category::Fiber));
        assert!(!standing.earlier.contains(Category::Alcohol));
        assert!(standing.summary.categories.contains(Category::Alcohol));
    }

    #[test]
    fn at_most_capacity_people_are_kept() {
        let week = Week::containing(at(23, 8).date_naive());
        let cache = WeekCache::new(2);
        for user in 0..5 {
            cache.keep(user, 1, WeekTally::new(week, []));
        }
        assert_eq!(cache.len(), 2);
        for user in 0..5 {
            cache.forget(user);
        }
        assert_eq!(cache.len(), 0);
        let none = WeekCache::new(0);
        none.keep(ALICE, 1, WeekTally::new(week, []));
        assert_eq!(none.len(), 0);
    }
}

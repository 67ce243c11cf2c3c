//! Who is due when: every scheduled person under the UTC minute they are next looked at.
//!
//! Finding who is due is a range query on an ordered set, so a minute with nobody due costs
//! nothing however many people there are, and a person's entry moves when their settings
//! change. Each person has at most one entry; replacing it removes the old one.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::schedule::Occurrence;

/// A scheduled digest: what is due, and the minute to look at it (the due minute, or later
/// for a retry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scheduled {
    pub occurrence: Occurrence,
    /// Unix minute; the person is looked at once the clock reaches its start.
    wake_minute: i64,
}

/// The index: (wake minute, chat) in order, and each chat's entry.
#[derive(Debug, Default)]
pub(crate) struct DueIndex {
    by_minute: BTreeSet<(i64, i64)>,
    by_user: HashMap<i64, Scheduled>,
}

impl DueIndex {
    /// Schedules `user` to be looked at from `wake` on (rounded up to a whole minute, so
    /// that waking at the minute never comes before `wake`), replacing their entry.
    pub fn insert(&mut self, user: i64, occurrence: Occurrence, wake: DateTime<Utc>) {
        self.remove(user);
        let wake_minute = ceil_minute(wake);
        self.by_minute.insert((wake_minute, user));
        self.by_user.insert(
            user,
            Scheduled {
                occurrence,
                wake_minute,
            },
        );
    }

    /// Puts back an entry taken out with [`DueIndex::remove`], wake minute and all.
    pub fn restore(&mut self, user: i64, scheduled: Scheduled) {
        self.remove(user);
        self.by_minute.insert((scheduled.wake_minute, user));
        self.by_user.insert(user, scheduled);
    }

    pub fn remove(&mut self, user: i64) -> Option<Scheduled> {
        let scheduled = self.by_user.remove(&user)?;
        self.by_minute.remove(&(scheduled.wake_minute, user));
        Some(scheduled)
    }

    pub fn get(&self, user: i64) -> Option<&Scheduled> {
        self.by_user.get(&user)
    }

    /// Takes out everyone whose wake minute has started by `now`, earliest first.
    pub fn pop_due(&mut self, now: DateTime<Utc>) -> Vec<(i64, Scheduled)> {
        let first_not_due = (now.timestamp().div_euclid(60) + 1, i64::MIN);
        let later = self.by_minute.split_off(&first_not_due);
        let due = std::mem::replace(&mut self.by_minute, later);
        due.into_iter()
            .filter_map(|(_, user)| Some((user, self.by_user.remove(&user)?)))
            .collect()
    }

    /// The start of the earliest wake minute.
    pub fn next_wake(&self) -> Option<DateTime<Utc>> {
        let (minute, _) = self.by_minute.first()?;
        DateTime::from_timestamp(minute.saturating_mul(60), 0)
    }

    pub fn len(&self) -> usize {
        self.by_user.len()
    }
}

fn ceil_minute(instant: DateTime<Utc>) -> i64 {
    let seconds = instant.timestamp();
    let minute = seconds.div_euclid(60);
    if seconds.rem_euclid(60) == 0 && instant.timestamp_subsec_nanos() == 0 {
        minute
    } else {
        minute + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 4, h, m, s)
            .single()
            .expect("instant")
    }

    fn occurrence(instant: DateTime<Utc>) -> Occurrence {
        Occurrence {
            day: NaiveDate::from_ymd_opt(2026, 5, 4).expect("date"),
            at: instant,
        }
    }

    #[test]
    fn due_people_come_out_in_order_and_only_once() {
        let mut index = DueIndex::default();
        index.insert(1, occurrence(at(21, 0, 0)), at(21, 0, 0));
        index.insert(2, occurrence(at(20, 30, 0)), at(20, 30, 0));
        index.insert(3, occurrence(at(22, 0, 0)), at(22, 0, 0));
        // Rescheduling replaces: 3 moves before everyone.
        index.insert(3, occurrence(at(20, 0, 0)), at(20, 0, 0));
        assert_eq!(index.len(), 3);
        assert_eq!(index.next_wake(), Some(at(20, 0, 0)));
        assert!(index.pop_due(at(19, 59, 59)).is_empty());
        let due: Vec<i64> = index
            .pop_due(at(21, 0, 30))
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        assert_eq!(due, [3, 2, 1]);
        assert!(index.pop_due(at(23, 0, 0)).is_empty());
        assert_eq!(index.len(), 0);
        assert_eq!(index.next_wake(), None);
    }

    #[test]
    fn a_wake_inside_a_minute_waits_for_the_next_minute() {
        let mut index = DueIndex::default();
        index.insert(1, occurrence(at(21, 0, 1)), at(21, 0, 1));
        assert!(index.pop_due(at(21, 0, 59)).is_empty());
        assert_eq!(index.next_wake(), Some(at(21, 1, 0)));
        assert_eq!(index.pop_due(at(21, 1, 0)).len(), 1);
    }
}

//! The on-disk layout: tree names and how keys are built.
//!
//! Every key starts with the user's id, so one user's data is a key prefix in every tree:
//! `delete_user` removes prefixes, and tests check that no key of a forgotten user remains.
//! Signed numbers are stored big-endian with the sign bit flipped, so byte order is numeric
//! order and range scans by time work.
//!
//! | tree | key | value |
//! |---|---|---|
//! | `users` | user (8) | version + JSON `UserSettings` |
//! | `meals` | user (8) · logged_at µs (8) · message id (8) | version + binary meal (`codec`) |
//! | `ratings` | user (8) · local day (4, days from CE) | version + JSON `SkinRating` |
//! | `messages` | user (8) · message id (8) | version + the meal's logged_at µs (8) |
//!
//! `messages` records every source message that produced an entry, so a redelivered message
//! stores nothing new and an edit finds the entry it changes: key and value together give
//! the meal's key.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// Chat id -> settings.
pub const USERS: &str = "users";
/// User, time, message -> one logged meal.
pub const MEALS: &str = "meals";
/// User, diary day -> that day's skin rating.
pub const RATINGS: &str = "ratings";
/// User, message -> the meal key it produced.
pub const MESSAGES: &str = "messages";
/// Every tree the store writes; each key in each of them starts with [`user_prefix`].
pub const ALL_TREES: [&str; 4] = [USERS, MEALS, RATINGS, MESSAGES];

/// How many UTC days after its diary day an entry may be logged ("yesterday: ..." from a
/// zone far west of UTC is two; a week back from there is eight). Day queries scan this far
/// ahead, and entries further back are refused rather than stored out of sight.
pub const MAX_DAYS_LOGGED_AFTER: i64 = 8;
/// How many UTC days before its diary day an entry may be logged (UTC+14 runs a day ahead).
pub const MAX_DAYS_LOGGED_BEFORE: i64 = 1;

pub(crate) const USER_LEN: usize = 8;
pub(crate) const MEAL_KEY_LEN: usize = 24;

/// The key prefix that all of a user's keys share, in every tree.
pub fn user_prefix(user: i64) -> [u8; USER_LEN] {
    sortable_i64(user)
}

pub(crate) fn sortable_i64(value: i64) -> [u8; 8] {
    ((value as u64) ^ (1 << 63)).to_be_bytes()
}

pub(crate) fn from_sortable_i64(bytes: [u8; 8]) -> i64 {
    (u64::from_be_bytes(bytes) ^ (1 << 63)) as i64
}

pub(crate) fn meal_key(user: i64, logged_at_micros: i64, message_id: i64) -> [u8; MEAL_KEY_LEN] {
    let mut key = [0; MEAL_KEY_LEN];
    key[..8].copy_from_slice(&sortable_i64(user));
    key[8..16].copy_from_slice(&sortable_i64(logged_at_micros));
    key[16..].copy_from_slice(&sortable_i64(message_id));
    key
}

/// The first meal key of `user` logged at or after `at`.
pub(crate) fn meal_key_from(user: i64, at: DateTime<Utc>) -> [u8; MEAL_KEY_LEN] {
    meal_key(user, at.timestamp_micros(), i64::MIN)
}

/// Splits a meal key into (user, logged_at µs, message id); `None` if it is not one.
pub(crate) fn split_meal_key(key: &[u8]) -> Option<(i64, i64, i64)> {
    let key: &[u8; MEAL_KEY_LEN] = key.try_into().ok()?;
    let part = |at: usize| {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&key[at..at + 8]);
        from_sortable_i64(bytes)
    };
    Some((part(0), part(8), part(16)))
}

pub(crate) fn message_key(user: i64, message_id: i64) -> [u8; 16] {
    let mut key = [0; 16];
    key[..8].copy_from_slice(&sortable_i64(user));
    key[8..].copy_from_slice(&sortable_i64(message_id));
    key
}

pub(crate) fn rating_key(user: i64, day: NaiveDate) -> [u8; 12] {
    let mut key = [0; 12];
    key[..8].copy_from_slice(&sortable_i64(user));
    key[8..].copy_from_slice(&((day.num_days_from_ce() as u32) ^ (1 << 31)).to_be_bytes());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_is_numeric_order() {
        let values = [i64::MIN, -5, -1, 0, 1, 7, i64::MAX];
        for pair in values.windows(2) {
            assert!(sortable_i64(pair[0]) < sortable_i64(pair[1]));
            assert_eq!(from_sortable_i64(sortable_i64(pair[0])), pair[0]);
        }
        let early = NaiveDate::from_ymd_opt(-3, 1, 1).expect("date");
        let late = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        assert!(rating_key(1, early) < rating_key(1, late));
    }

    #[test]
    fn meal_keys_split_back() {
        let key = meal_key(-42, 1_700_000_000_000_000, 9);
        assert_eq!(split_meal_key(&key), Some((-42, 1_700_000_000_000_000, 9)));
        assert_eq!(split_meal_key(&key[..20]), None);
    }
}

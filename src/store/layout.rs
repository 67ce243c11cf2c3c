//! The on-disk layout: tree names and how keys are built.
//!
//! Every key starts with the user's id, so one user's data is a key prefix in every tree:
//! `delete_user` removes prefixes, and tests check that no key of a forgotten user remains.
//! Signed numbers are stored big-endian with the sign bit flipped, so byte order is numeric
//! order and range scans work.
//!
//! | tree | key | value |
//! |---|---|---|
//! | `users` | user (8) | version + JSON `UserSettings` |
//! | `entries` | user (8) · local day (4, days from CE) · message id (8) | a meal, or an undo marker (`codec`) |
//! | `ratings` | user (8) · local day (4) | version + JSON `SkinRating` |
//!
//! One key per source message does two jobs. It holds the meal, filed under its diary day so
//! that a day or a week is one range scan. And it marks the message as processed: an undone
//! entry leaves a small marker under the same key rather than nothing, so a redelivered
//! message still finds it. An earlier layout kept a second tree, `messages` (user, message →
//! when its meal was logged), for the second job; that doubled the keys written per meal,
//! and with sled's log-structured writes each key costs far more on disk than its bytes (the
//! measured size fell from about 1,000 to about 540 bytes a meal without it). Databases in
//! that layout are migrated when opened (see `migrate`).
//!
//! A key is found from a message id without an index because an entry's diary day is never
//! far from the instant it was logged: `check_day` refuses entries whose day lies outside
//! [`days_around`] their `logged_at`, so a repeat or an edit of a message (which carries the
//! message's own time) looks at those few days, under the store's per-user lock so that the
//! look-up and the write are one step. A day query needs no such window.

use std::ops::RangeInclusive;
use std::path::Path;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};

/// Chat id -> settings.
pub const USERS: &str = "users";
/// User, diary day, message -> one logged meal, or the marker of an undone one.
pub const MEALS: &str = "entries";
/// User, diary day -> that day's skin rating.
pub const RATINGS: &str = "ratings";
/// Every tree the store writes; each key in each of them starts with [`user_prefix`].
pub const ALL_TREES: [&str; 3] = [USERS, MEALS, RATINGS];

/// The earlier layout's meal tree: user, logged_at µs, message -> version-1 meal.
pub(crate) const LEGACY_MEALS: &str = "meals";
/// The earlier layout's index: user, message -> the logged_at µs of its meal.
pub(crate) const LEGACY_MESSAGES: &str = "messages";

/// How many UTC days after its diary day an entry may be logged ("yesterday: ..." from a
/// zone far west of UTC is two; a week back from there is eight). Entries further back are
/// refused, so that a message's entry is always found among [`days_around`] its time.
pub const MAX_DAYS_LOGGED_AFTER: i64 = 8;
/// How many UTC days before its diary day an entry may be logged (UTC+14 runs a day ahead).
pub const MAX_DAYS_LOGGED_BEFORE: i64 = 1;

pub(crate) const USER_LEN: usize = 8;
pub(crate) const DAY_LEN: usize = 4;
pub(crate) const MEAL_KEY_LEN: usize = USER_LEN + DAY_LEN + 8;
pub(crate) const LEGACY_MEAL_KEY_LEN: usize = 24;

/// How often sled's background thread runs, in milliseconds (sled's default is 500).
///
/// sled writes a log: every write appends, and the space of data written over is reclaimed
/// by that thread, which moves the live pages out of mostly-dead log segments so the
/// segments can be reused. Run every 500 ms, it falls behind a burst of writes and the file
/// grows to about five times its live data; run every 10 ms, it kept up (measured with
/// `benches/store.rs`: about 630 against 200 bytes on disk a meal after 100,000 meals, and
/// 390 at 20 ms) until new messages stopped looking among the days around them before
/// their write (see `Stripe` in the store): the same burst, written faster and without
/// those reads, left 320 to 400 bytes a meal at 10 ms, and 205 to 225 at 5 ms. The cost is
/// a wake-up and an `fsync` of an unchanged file every 5 ms when idle, measured at 0.6 % of
/// a core (0.3 % at 10 ms); it makes no write wait longer, since every write the store
/// acknowledges is flushed by the store itself.
pub const BACKGROUND_FLUSH_MS: u64 = 5;

/// The bytes of sled's page cache (sled's default is 1 GiB).
///
/// sled keeps every page it reads or writes in this cache up to the limit, so with the
/// default a bot that has been busy holds its whole database in memory: with 10,000 users,
/// 20,000 meal updates after start-up left the release binary at 73-75 MB resident against
/// a budget of 50 MB (`examples/telegram_load.rs`, `idle --traffic 20000`); at 4 MiB it was
/// 55 MB, at 8 MiB 63 MB. (Most of what remains above the budget is memory glibc's malloc
/// keeps after the burst, not memory in use: with its trim thresholds fixed through the
/// environment the same run ends at 42 MB.) sled counts a page at its size on disk, less than
/// it takes in memory, hence a limit well below what the budget leaves.
///
/// A small cache costs a page-in whenever a database larger than it is read: the digest's
/// reads of 2,000 people's months went from 65 to 97 µs a digest (`benches/digest.rs`, the
/// same at 4 and 8 MiB), and the look-up before a write halved the single-writer rate of
/// `benches/store.rs`, which is why a new message skips it (see `Stripe` in the store). A
/// page that fell out is read back from the operating system's file cache, not the disk,
/// and with 100,000 people no cache the budget allows would hold their months anyway.
pub const CACHE_CAPACITY_BYTES: u64 = 4 * 1024 * 1024;

/// The sled configuration of the database at `path`: what the store opens, and what a
/// tool or a test that reads the database directly should open too.
///
/// zstd compression (sled's `compression` feature) was measured too: it halves the size,
/// but compressing each write costs about a third of the single-writer rate, and sled
/// refuses to open a database with a compression setting other than the one it was created
/// with, so it cannot be turned on later without a copy. Without it the size is well within
/// the budget.
pub fn sled_config(path: &Path) -> sled::Config {
    sled::Config::new()
        .path(path)
        .flush_every_ms(Some(BACKGROUND_FLUSH_MS))
        .cache_capacity(CACHE_CAPACITY_BYTES)
}

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

fn sortable_day(day: NaiveDate) -> [u8; DAY_LEN] {
    ((day.num_days_from_ce() as u32) ^ (1 << 31)).to_be_bytes()
}

fn from_sortable_day(bytes: [u8; DAY_LEN]) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt((u32::from_be_bytes(bytes) ^ (1 << 31)) as i32)
}

/// The key of the entry that message `message_id` of `user` made for diary day `day`.
pub(crate) fn meal_key(user: i64, day: NaiveDate, message_id: i64) -> [u8; MEAL_KEY_LEN] {
    let mut key = [0; MEAL_KEY_LEN];
    key[..USER_LEN].copy_from_slice(&sortable_i64(user));
    key[USER_LEN..USER_LEN + DAY_LEN].copy_from_slice(&sortable_day(day));
    key[USER_LEN + DAY_LEN..].copy_from_slice(&sortable_i64(message_id));
    key
}

/// Every meal key of `user` for the diary days `from` to `to` inclusive.
pub(crate) fn meal_keys_of_days(
    user: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> RangeInclusive<[u8; MEAL_KEY_LEN]> {
    meal_key(user, from, i64::MIN)..=meal_key(user, to, i64::MAX)
}

/// Splits a meal key into (user, diary day, message id); `None` if it is not one.
pub(crate) fn split_meal_key(key: &[u8]) -> Option<(i64, NaiveDate, i64)> {
    let key: &[u8; MEAL_KEY_LEN] = key.try_into().ok()?;
    let mut user = [0; 8];
    user.copy_from_slice(&key[..USER_LEN]);
    let mut day = [0; DAY_LEN];
    day.copy_from_slice(&key[USER_LEN..USER_LEN + DAY_LEN]);
    let mut message = [0; 8];
    message.copy_from_slice(&key[USER_LEN + DAY_LEN..]);
    Some((
        from_sortable_i64(user),
        from_sortable_day(day)?,
        from_sortable_i64(message),
    ))
}

/// The diary days an entry logged at `logged_at` may belong to (see `check_day`), the
/// likeliest first: the UTC day of `logged_at`, then outwards.
pub(crate) fn days_around(logged_at: DateTime<Utc>) -> Vec<NaiveDate> {
    let logged_on = logged_at.date_naive();
    let mut days = vec![logged_on];
    for offset in 1..=MAX_DAYS_LOGGED_AFTER.max(MAX_DAYS_LOGGED_BEFORE) {
        let step = Days::new(offset.unsigned_abs());
        if offset <= MAX_DAYS_LOGGED_AFTER {
            days.extend(logged_on.checked_sub_days(step));
        }
        if offset <= MAX_DAYS_LOGGED_BEFORE {
            days.extend(logged_on.checked_add_days(step));
        }
    }
    days
}

/// Splits a key of the earlier layout's meal tree into (user, logged_at µs, message id).
pub(crate) fn split_legacy_meal_key(key: &[u8]) -> Option<(i64, i64, i64)> {
    let key: &[u8; LEGACY_MEAL_KEY_LEN] = key.try_into().ok()?;
    let part = |at: usize| {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&key[at..at + 8]);
        from_sortable_i64(bytes)
    };
    Some((part(0), part(8), part(16)))
}

/// Splits a key of the earlier layout's `messages` tree into (user, message id).
pub(crate) fn split_legacy_message_key(key: &[u8]) -> Option<(i64, i64)> {
    let key: &[u8; 16] = key.try_into().ok()?;
    let mut user = [0; 8];
    user.copy_from_slice(&key[..8]);
    let mut message = [0; 8];
    message.copy_from_slice(&key[8..]);
    Some((from_sortable_i64(user), from_sortable_i64(message)))
}

pub(crate) fn rating_key(user: i64, day: NaiveDate) -> [u8; USER_LEN + DAY_LEN] {
    let mut key = [0; USER_LEN + DAY_LEN];
    key[..USER_LEN].copy_from_slice(&sortable_i64(user));
    key[USER_LEN..].copy_from_slice(&sortable_day(day));
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
        assert!(meal_key(1, early, i64::MAX) < meal_key(1, late, i64::MIN));
    }

    #[test]
    fn meal_keys_split_back() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
        let key = meal_key(-42, day, 9);
        assert_eq!(split_meal_key(&key), Some((-42, day, 9)));
        assert_eq!(split_meal_key(&key[..19]), None);
        assert!(meal_keys_of_days(-42, day, day).contains(&key));
    }

    #[test]
    fn days_around_cover_the_accepted_window() {
        let logged_at = DateTime::from_timestamp(1_764_300_000, 0).expect("instant");
        let days = days_around(logged_at);
        let logged_on = logged_at.date_naive();
        assert_eq!(days[0], logged_on);
        assert_eq!(
            days.len() as i64,
            MAX_DAYS_LOGGED_AFTER + MAX_DAYS_LOGGED_BEFORE + 1
        );
        for day in days {
            let after = logged_on.signed_duration_since(day).num_days();
            assert!((-MAX_DAYS_LOGGED_BEFORE..=MAX_DAYS_LOGGED_AFTER).contains(&after));
        }
    }
}

//! Moving a database of the earlier layout (meals keyed by when they were logged, and a
//! `messages` tree from each source message to its meal) to today's layout (see `layout`),
//! once, when it is opened.
//!
//! Every legacy meal that reads moves to its key of user, diary day and message, re-encoded
//! as version 2. A message whose meal is gone (it was undone) or unreadable leaves an undo
//! marker, so that it stays processed. The new keys are written in one atomic batch and
//! flushed before the legacy trees are dropped, `messages` first: a crash at any point
//! leaves either both legacy trees (and the migration runs again, writing the same keys) or
//! only the legacy meals, which move again just as before.

use std::collections::HashSet;

use chrono::DateTime;

use super::error::StoreError;
use super::layout::{
    meal_key, split_legacy_meal_key, split_legacy_message_key, LEGACY_MEALS, LEGACY_MESSAGES,
};
use super::record::{decode_meal_pointer, decode_meal_v1, encode_meal, encode_undone};

/// Migrates the legacy trees of `db`, if it has any, into `meals`; returns how many
/// messages were moved.
pub(crate) fn from_legacy_layout(db: &sled::Db, meals: &sled::Tree) -> Result<usize, StoreError> {
    let names = db.tree_names();
    let exists = |name: &str| names.iter().any(|tree| tree.as_ref() == name.as_bytes());
    if !exists(LEGACY_MEALS) && !exists(LEGACY_MESSAGES) {
        return Ok(0);
    }
    let legacy_meals = db.open_tree(LEGACY_MEALS)?;
    let legacy_messages = db.open_tree(LEGACY_MESSAGES)?;
    let mut batch = sled::Batch::default();
    let mut moved: HashSet<(i64, i64)> = HashSet::new();
    for pair in legacy_meals.iter() {
        let (key, value) = pair?;
        let Some((user, _, message_id)) = split_legacy_meal_key(&key) else {
            tracing::warn!(
                tree = LEGACY_MEALS,
                len = key.len(),
                "skipping a malformed key"
            );
            continue;
        };
        let Some(record) = decode_meal_v1(LEGACY_MEALS, &value) else {
            continue;
        };
        if record.message_id != message_id {
            tracing::warn!(
                tree = LEGACY_MEALS,
                "skipping a record filed under another message"
            );
            continue;
        }
        let day = record.entry.local_day;
        batch.insert(
            &meal_key(user, day, message_id)[..],
            encode_meal(&record.entry),
        );
        moved.insert((user, message_id));
    }
    for pair in legacy_messages.iter() {
        let (key, value) = pair?;
        let Some((user, message_id)) = split_legacy_message_key(&key) else {
            tracing::warn!(
                tree = LEGACY_MESSAGES,
                len = key.len(),
                "skipping a malformed key"
            );
            continue;
        };
        if moved.contains(&(user, message_id)) {
            continue;
        }
        let Some(logged_at) =
            decode_meal_pointer(LEGACY_MESSAGES, &value).and_then(DateTime::from_timestamp_micros)
        else {
            continue;
        };
        // The marker's day only has to be one that `days_around(logged_at)` looks at.
        let day = logged_at.date_naive();
        batch.insert(
            &meal_key(user, day, message_id)[..],
            encode_undone(logged_at, day),
        );
        moved.insert((user, message_id));
    }
    meals.apply_batch(batch)?;
    db.flush()?;
    db.drop_tree(LEGACY_MESSAGES)?;
    db.drop_tree(LEGACY_MEALS)?;
    db.flush()?;
    tracing::info!(
        messages = moved.len(),
        "migrated meals to the day-keyed layout"
    );
    Ok(moved.len())
}

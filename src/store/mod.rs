//! The store: users, logged meals, skin ratings and processed messages in an embedded sled
//! database, every acknowledged write flushed before the method returns.
//!
//! The public methods are the seam a PostgreSQL backend would implement later, so they are
//! few and speak the diary's language (log a meal, the entries of a day, forget a user)
//! rather than trees and keys. What the store guarantees:
//!
//! - **Durable acknowledgements.** A write method returns only after its data is on disk
//!   (`flush_async`). Concurrent writers share flushes (see `flush`), so durability costs
//!   one flush per burst of writes, not one per write.
//! - **Repeats are harmless.** A source message produces at most one entry: logging the
//!   same message id again answers [`LogOutcome::Duplicate`] with the entry it made, even
//!   after that entry was undone, so a redelivered update never brings a meal back.
//! - **Ownership by key.** Every key starts with the user's id (see [`layout`]); a method
//!   given a user reads and writes only under that prefix, so an [`EntryId`] from another
//!   chat names nothing.
//! - **Damage stays local.** Each value carries a version; one that is unknown or corrupt
//!   is skipped with a warning (never its content) and the rest still load.
//! - **Days are found by time.** Meals are keyed by when they were logged, and a diary day
//!   is read by scanning the instants that can belong to it; an entry whose day lies outside
//!   that window ([`layout::MAX_DAYS_LOGGED_AFTER`]) is refused with
//!   [`StoreError::DayOutOfRange`] instead of being stored out of sight.
//!
//! sled calls other than the flush are synchronous; they touch memory and the page cache
//! and are short, so they run on the caller's task.

mod codec;
mod error;
mod flush;
mod id;
pub mod layout;
mod record;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use sled::transaction::ConflictableTransactionResult;
use sled::Transactional;

pub use error::StoreError;
pub use id::{EntryId, EntryIdError, ENTRY_ID_CHARS};
pub use record::UserSettings;

use crate::diary::{Entry, SkinRating};
use flush::GroupFlush;
use layout::{
    meal_key, meal_key_from, message_key, rating_key, split_meal_key, user_prefix, MEALS, MESSAGES,
    RATINGS, USERS,
};
use record::{decode, decode_meal, decode_meal_pointer, encode, encode_meal, encode_meal_pointer};

/// What [`Store::log_meal`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogOutcome {
    /// The entry is new and stored under this id.
    Stored(EntryId),
    /// This message was logged before, as this entry; nothing was written.
    Duplicate(EntryId),
}

impl LogOutcome {
    /// The entry's id either way.
    pub fn id(&self) -> EntryId {
        match *self {
            LogOutcome::Stored(id) | LogOutcome::Duplicate(id) => id,
        }
    }
}

/// A logged meal with its id, as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredMeal {
    pub id: EntryId,
    pub entry: Entry,
}

/// Everything stored about one user (for `/export`).
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    pub settings: Option<UserSettings>,
    /// Every entry, oldest first.
    pub entries: Vec<StoredMeal>,
    /// Every rating, earliest day first.
    pub ratings: Vec<SkinRating>,
}

/// The diary database. Cloning is cheap and clones share the database and its flushes.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Trees>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("flushes", &self.flush_count())
            .finish_non_exhaustive()
    }
}

struct Trees {
    users: sled::Tree,
    meals: sled::Tree,
    ratings: sled::Tree,
    messages: sled::Tree,
    flush: GroupFlush,
}

impl Store {
    /// Opens (or creates) the database in directory `path`. This blocks while sled recovers
    /// its log, so call it at start-up rather than from a busy task.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let db = sled::Config::new().path(path).open()?;
        let trees = Trees {
            users: db.open_tree(USERS)?,
            meals: db.open_tree(MEALS)?,
            ratings: db.open_tree(RATINGS)?,
            messages: db.open_tree(MESSAGES)?,
            flush: GroupFlush::new(db),
        };
        Ok(Store {
            inner: Arc::new(trees),
        })
    }

    /// Stores the entry that message `message_id` of `user` produced, once: a message seen
    /// before answers `Duplicate` with its entry. Durable when it returns.
    pub async fn log_meal(
        &self,
        user: i64,
        message_id: i64,
        entry: &Entry,
    ) -> Result<LogOutcome, StoreError> {
        check_day(entry)?;
        let logged_at_micros = entry.logged_at.timestamp_micros();
        let key = meal_key(user, logged_at_micros, message_id);
        let value = encode_meal(message_id, entry);
        let pointer_key = message_key(user, message_id);
        let pointer = encode_meal_pointer(logged_at_micros);
        let trees = &*self.inner;
        let outcome = (&trees.meals, &trees.messages).transaction(
            |(meals, messages)| -> ConflictableTransactionResult<LogOutcome, StoreError> {
                if let Some(seen) = messages.get(pointer_key)? {
                    // An unreadable pointer was warned about; the message is logged afresh.
                    if let Some(at) = decode_meal_pointer(MESSAGES, &seen) {
                        return Ok(LogOutcome::Duplicate(EntryId::new(at, message_id)));
                    }
                }
                meals.insert(&key[..], value.as_slice())?;
                messages.insert(&pointer_key[..], pointer.as_slice())?;
                Ok(LogOutcome::Stored(EntryId::of(entry.logged_at, message_id)))
            },
        )?;
        // A duplicate is flushed too: its first write may still be waiting for its flush,
        // and this reply announces it as well.
        self.durable().await?;
        Ok(outcome)
    }

    /// Replaces the entry that message `message_id` produced (the user edited the message).
    /// `None` if the message never produced an entry or its entry was deleted: an edit
    /// does not bring an undone meal back. Durable when it returns.
    pub async fn edit_meal(
        &self,
        user: i64,
        message_id: i64,
        entry: &Entry,
    ) -> Result<Option<EntryId>, StoreError> {
        check_day(entry)?;
        let logged_at_micros = entry.logged_at.timestamp_micros();
        let new_key = meal_key(user, logged_at_micros, message_id);
        let value = encode_meal(message_id, entry);
        let pointer_key = message_key(user, message_id);
        let pointer = encode_meal_pointer(logged_at_micros);
        let trees = &*self.inner;
        let edited = (&trees.meals, &trees.messages).transaction(
            |(meals, messages)| -> ConflictableTransactionResult<Option<EntryId>, StoreError> {
                let Some(seen) = messages.get(pointer_key)? else {
                    return Ok(None);
                };
                let Some(old_at) = decode_meal_pointer(MESSAGES, &seen) else {
                    return Ok(None);
                };
                let old_key = meal_key(user, old_at, message_id);
                if meals.remove(&old_key[..])?.is_none() {
                    return Ok(None);
                }
                meals.insert(&new_key[..], value.as_slice())?;
                messages.insert(&pointer_key[..], pointer.as_slice())?;
                Ok(Some(EntryId::of(entry.logged_at, message_id)))
            },
        )?;
        if edited.is_some() {
            self.durable().await?;
        }
        Ok(edited)
    }

    /// Deletes `user`'s entry `id` (Undo, or a delete button). `false` if `user` has no such
    /// entry, which includes an id from another user's diary. The source message stays
    /// marked as processed. Durable when it returns.
    pub async fn delete_meal(&self, user: i64, id: EntryId) -> Result<bool, StoreError> {
        let key = meal_key(user, id.logged_at_micros(), id.message_id());
        let removed = self.inner.meals.remove(key)?.is_some();
        if removed {
            self.durable().await?;
        }
        Ok(removed)
    }

    /// The user's most recently logged entry (by the time it was logged), for `/undo`.
    pub async fn last_meal(&self, user: i64) -> Result<Option<StoredMeal>, StoreError> {
        for pair in self.inner.meals.scan_prefix(user_prefix(user)).rev() {
            let (key, value) = pair?;
            if let Some(meal) = read_meal(&key, &value) {
                return Ok(Some(meal));
            }
        }
        Ok(None)
    }

    /// Records the user's skin rating for the rating's day, replacing an earlier one.
    /// Durable when it returns.
    pub async fn rate_skin(&self, user: i64, rating: SkinRating) -> Result<(), StoreError> {
        let value = encode("rating", &rating)?;
        self.inner
            .ratings
            .insert(rating_key(user, rating.day()), value)?;
        self.durable().await
    }

    /// The entries of one diary day, in the order they were logged.
    pub async fn day(&self, user: i64, day: NaiveDate) -> Result<Vec<StoredMeal>, StoreError> {
        Ok(self
            .days(user, day, day)
            .await?
            .remove(&day)
            .unwrap_or_default())
    }

    /// The entries of the diary days `from` to `to` inclusive, by day; days without entries
    /// are absent.
    pub async fn days(
        &self,
        user: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeMap<NaiveDate, Vec<StoredMeal>>, StoreError> {
        let mut days: BTreeMap<NaiveDate, Vec<StoredMeal>> = BTreeMap::new();
        if from > to {
            return Ok(days);
        }
        // Entries are keyed by when they were logged, which may be a little before or well
        // after their diary day; `check_day` keeps every entry inside this window.
        let first = shift_days(from, -layout::MAX_DAYS_LOGGED_BEFORE);
        let after_last = shift_days(to, layout::MAX_DAYS_LOGGED_AFTER + 1);
        let range = meal_key_from(user, start_of(first))..meal_key_from(user, start_of(after_last));
        for pair in self.inner.meals.range(range) {
            let (key, value) = pair?;
            if let Some(meal) = read_meal(&key, &value) {
                let day = meal.entry.local_day;
                if (from..=to).contains(&day) {
                    days.entry(day).or_default().push(meal);
                }
            }
        }
        Ok(days)
    }

    /// The user's skin ratings for the days `from` to `to` inclusive, earliest first.
    pub async fn ratings(
        &self,
        user: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<SkinRating>, StoreError> {
        if from > to {
            return Ok(Vec::new());
        }
        let range = rating_key(user, from)..=rating_key(user, to);
        read_all(RATINGS, self.inner.ratings.range(range))
    }

    /// The user's settings, if they have any.
    pub async fn user(&self, user: i64) -> Result<Option<UserSettings>, StoreError> {
        Ok(self
            .inner
            .users
            .get(user_prefix(user))?
            .and_then(|value| decode(USERS, &value)))
    }

    /// Stores `settings` for `settings.user`, replacing what was there. Durable when it
    /// returns.
    pub async fn save_user(&self, settings: &UserSettings) -> Result<(), StoreError> {
        let value = encode("user", settings)?;
        self.inner.users.insert(user_prefix(settings.user), value)?;
        self.durable().await
    }

    /// Every user's settings, in chat id order (for the digest). Unreadable records are
    /// skipped; a database error ends with an `Err`.
    pub fn users(&self) -> impl Iterator<Item = Result<UserSettings, StoreError>> + 'static {
        self.inner.users.iter().filter_map(|pair| match pair {
            Ok((_, value)) => decode(USERS, &value).map(Ok),
            Err(error) => Some(Err(StoreError::Database(error))),
        })
    }

    /// Everything stored about `user`.
    pub async fn export_user(&self, user: i64) -> Result<Export, StoreError> {
        let mut entries = Vec::new();
        for pair in self.inner.meals.scan_prefix(user_prefix(user)) {
            let (key, value) = pair?;
            entries.extend(read_meal(&key, &value));
        }
        Ok(Export {
            settings: self.user(user).await?,
            entries,
            ratings: read_all(RATINGS, self.inner.ratings.scan_prefix(user_prefix(user)))?,
        })
    }

    /// Removes every key of `user` from every tree (`/forget`) and returns how many there
    /// were. Each tree is cleared in one atomic batch; if the process dies in between, a
    /// second call finishes the job. A write for the same user racing with this call can
    /// outlive it, so callers handle one user's inputs in order. Durable when it returns.
    pub async fn delete_user(&self, user: i64) -> Result<usize, StoreError> {
        let trees = &*self.inner;
        let mut removed = 0;
        // Settings last: until they go, the user is still known and a retry is offered.
        for tree in [&trees.meals, &trees.messages, &trees.ratings, &trees.users] {
            let mut batch = sled::Batch::default();
            for key in tree.scan_prefix(user_prefix(user)).keys() {
                batch.remove(key?);
                removed += 1;
            }
            tree.apply_batch(batch)?;
        }
        self.durable().await?;
        Ok(removed)
    }

    /// How many flushes this store has run since it was opened (group commit makes this
    /// much smaller than the number of writes when writers are concurrent).
    pub fn flush_count(&self) -> u64 {
        self.inner.flush.count()
    }

    async fn durable(&self) -> Result<(), StoreError> {
        Ok(self.inner.flush.flush().await?)
    }
}

/// Refuses an entry whose diary day lies outside the window day queries scan.
fn check_day(entry: &Entry) -> Result<(), StoreError> {
    let logged_on = entry.logged_at.date_naive();
    let days_after = logged_on.signed_duration_since(entry.local_day).num_days();
    if (-layout::MAX_DAYS_LOGGED_BEFORE..=layout::MAX_DAYS_LOGGED_AFTER).contains(&days_after) {
        Ok(())
    } else {
        Err(StoreError::DayOutOfRange {
            local_day: entry.local_day,
            logged_on,
        })
    }
}

fn shift_days(day: NaiveDate, by: i64) -> NaiveDate {
    let shifted = if by >= 0 {
        day.checked_add_days(Days::new(by.unsigned_abs()))
    } else {
        day.checked_sub_days(Days::new(by.unsigned_abs()))
    };
    shifted.unwrap_or(if by >= 0 {
        NaiveDate::MAX
    } else {
        NaiveDate::MIN
    })
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

fn id_of(meal_key: &[u8]) -> Option<EntryId> {
    let (_, at, message_id) = split_meal_key(meal_key)?;
    Some(EntryId::new(at, message_id))
}

/// A `meals` pair as a [`StoredMeal`]; `None` (warned) if either half is unreadable.
fn read_meal(key: &[u8], value: &[u8]) -> Option<StoredMeal> {
    let Some(id) = id_of(key) else {
        tracing::warn!(tree = MEALS, len = key.len(), "skipping a malformed key");
        return None;
    };
    let record = decode_meal(MEALS, value)?;
    if record.message_id != id.message_id() {
        tracing::warn!(
            tree = MEALS,
            "skipping a record filed under another message"
        );
        return None;
    }
    Some(StoredMeal {
        id,
        entry: record.entry,
    })
}

fn read_all<T: serde::de::DeserializeOwned>(
    tree: &'static str,
    pairs: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>,
) -> Result<Vec<T>, StoreError> {
    let mut records = Vec::new();
    for pair in pairs {
        let (_, value) = pair?;
        records.extend(decode(tree, &value));
    }
    Ok(records)
}

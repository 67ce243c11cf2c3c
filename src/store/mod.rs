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
//!   after that entry was undone, so a redelivered update never brings a meal back. The
//!   message's key is looked for among the diary days its `logged_at` can belong to, so a
//!   repeat or an edit must carry the message's own time (Telegram keeps a message's date
//!   through redeliveries and edits); one dated more than a week away counts as new.
//! - **Ownership by key.** Every key starts with the user's id (see [`layout`]); a method
//!   given a user reads and writes only under that prefix, so an [`EntryId`] from another
//!   chat names nothing.
//! - **Damage stays local.** Each value carries a version; one that is unknown or corrupt
//!   is skipped with a warning (never its content) and the rest still load.
//! - **Days are one range.** Meals are keyed by user, diary day and message, so a day or a
//!   week is one range scan. An entry whose day lies too far from when it was logged
//!   ([`layout::MAX_DAYS_LOGGED_AFTER`]) is refused with [`StoreError::DayOutOfRange`]: its
//!   message could not be found again by a repeat or an edit.
//! - **Small on disk.** One key per meal, with no index beside it (see [`layout`]), a
//!   compact record (see `codec`), and sled's log cleaned often enough to keep up with
//!   bursts ([`layout::BACKGROUND_FLUSH_MS`]): about 200 bytes on disk a meal after 100,000
//!   meals, against a budget of 400 (`cargo bench --bench store -- bytes_per_meal`). A
//!   database in the earlier, two-tree layout is migrated when opened.
//! - **No sled transactions.** Each write is one sled insert or one atomic batch, and the
//!   look-up before it is made atomic with it by a per-user lock (see `Trees::lock_user`):
//!   a transaction per meal measured a fifth slower for one writer and five times slower
//!   for 32.
//! - **Recent settings stay decoded**, and each user's meals have a revision (see
//!   [`Store::revision`]) that the chat engine checks its copy of their week against, so a
//!   meal's reply reads neither the settings record nor the week again.
//! - **New messages skip the look-up.** Telegram numbers a chat's messages upwards, so the
//!   store remembers, per user, the highest message id among their keys (found once, by a
//!   scan of their keys, the first time they write after opening); a message above it is
//!   new without looking among the days around it (see `Stripe::max_message_id`). That
//!   look-up reads pages of up to ten days, which a small page cache
//!   ([`layout::CACHE_CAPACITY_BYTES`]) mostly has to fetch again.
//!
//! sled calls other than the flush are synchronous; they touch memory and the page cache
//! and are short, so they run on the caller's task.

mod codec;
mod error;
mod flush;
mod id;
pub mod layout;
mod migrate;
mod record;

use std::collections::{BTreeMap, BTreeSet};
use std::future::{poll_fn, Future};
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;

use chrono::{Days, NaiveDate};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rustc_hash::FxHashMap;

pub use error::StoreError;
pub use id::{EntryId, EntryIdError, ENTRY_ID_CHARS};
pub use record::{Experiment, UserSettings};

use crate::diary::{Entry, SkinRating};
use codec::MealValue;
use flush::GroupFlush;
use layout::{
    days_around, meal_key, meal_keys_of_days, rating_key, split_meal_key, user_prefix, MEALS,
    RATINGS, USERS,
};
use record::{decode, decode_meal, encode, encode_meal, encode_undone, MEAL_VERSION};

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
    db: sled::Db,
    flush: GroupFlush,
    user_locks: Box<[Mutex<Stripe>]>,
}

/// What the store remembers about the users of one lock stripe, read and written only under
/// its lock (see [`Trees::lock_user`]).
#[derive(Default)]
struct Stripe {
    /// For each user who has written since the store was opened: an id that no message id
    /// among their meal keys exceeds (`None`: they have no meal key). Raised before a key
    /// is written, so it stays an upper bound whatever fails half-way, and left alone when
    /// keys go (an edit keeps its id, `/forget` leaves the bound merely loose). About 24
    /// bytes a user; 10,000 people who wrote since the start cost a quarter of a megabyte.
    highest_message: FxHashMap<i64, Option<i64>>,
    /// For each user whose meals changed since the store was opened: how many times they
    /// did (see [`Store::revision`]). Raised after each change lands, under the lock, so a
    /// reader that took a revision and then read the meals saw at least every change up to
    /// it (see `Stripe::change_meals`). About 24 bytes a user, like `highest_message`.
    revisions: FxHashMap<i64, u64>,
    /// Settings read or saved lately, decoded: a meal needs its person's zone, and decoding
    /// the JSON record each time cost more than the rest of the look-up. Changed only under
    /// the lock, together with the tree, so it never holds anything but what is stored. At
    /// most [`SETTINGS_KEPT_PER_STRIPE`] users; a few hundred bytes each.
    settings: FxHashMap<i64, UserSettings>,
    /// How many times settings of this stripe's users were saved or deleted: a read made
    /// without the lock is kept only if this did not move meanwhile (see [`Store::user`]).
    settings_writes: u64,
}

impl Stripe {
    /// The bound for `user` (see [`Stripe::highest_message`]), found by scanning their meal
    /// keys the first time it is asked for.
    fn max_message_id(
        &mut self,
        meals: &sled::Tree,
        user: i64,
    ) -> Result<Option<i64>, sled::Error> {
        if let Some(&highest) = self.highest_message.get(&user) {
            return Ok(highest);
        }
        let mut highest = None;
        for key in meals.scan_prefix(user_prefix(user)).keys() {
            if let Some((_, _, message_id)) = split_meal_key(&key?) {
                highest = highest.max(Some(message_id));
            }
        }
        self.highest_message.insert(user, highest);
        Ok(highest)
    }

    /// Notes that a meal key of `user` with `message_id` is about to be written.
    fn raise(&mut self, user: i64, message_id: i64) {
        let highest = self.highest_message.entry(user).or_default();
        *highest = (*highest).max(Some(message_id));
    }

    /// Notes that `user`'s stored settings are changing; what was kept of them goes.
    fn settings_changing(&mut self, user: i64) {
        self.settings.remove(&user);
        self.settings_writes = self.settings_writes.wrapping_add(1);
    }

    /// Keeps `settings` as what is stored for their user.
    fn keep_settings(&mut self, settings: &UserSettings) {
        if self.settings.len() >= SETTINGS_KEPT_PER_STRIPE
            && !self.settings.contains_key(&settings.user)
        {
            // Any one will do: a dropped entry costs one decode, whoever it belonged to.
            if let Some(&dropped) = self.settings.keys().next() {
                self.settings.remove(&dropped);
            }
        }
        self.settings.insert(settings.user, settings.clone());
    }

    /// Runs `write`, a change to `user`'s meals, then raises their revision whether it
    /// succeeded or not (a write that failed half-way may have changed something: a revision
    /// too many costs a reader one fresh read, one too few would leave it trusting a stale
    /// copy).
    fn change_meals<T>(
        &mut self,
        user: i64,
        write: impl FnOnce() -> Result<T, sled::Error>,
    ) -> Result<T, sled::Error> {
        let written = write();
        *self.revisions.entry(user).or_default() += 1;
        written
    }
}

/// How many locks the users share (see [`Trees::lock_user`]).
const USER_LOCK_STRIPES: usize = 64;

/// How many users' settings each stripe keeps decoded (see `Stripe::settings`): 2,048 in all.
const SETTINGS_KEPT_PER_STRIPE: usize = 32;

impl Trees {
    /// Serialises one user's writes that look something up and then write (log, edit and
    /// delete a meal, forget), which makes each atomic without a sled transaction. sled's
    /// transactions would do the same, but each one also takes a global lock and seals sled's
    /// I/O buffer: measured, they cost a fifth of the single-writer rate and most of the
    /// concurrent one. A sled database has one process (it holds a file lock), and every
    /// handle of a `Store` shares these locks, so nothing writes around them. Users share
    /// stripes; two users on one stripe wait only for each other's microseconds of work in
    /// memory. The guard is never held across the flush (it is not `Send`, so it cannot be).
    fn lock_user(&self, user: i64) -> MutexGuard<'_, Stripe> {
        let stripe = user.rem_euclid(USER_LOCK_STRIPES as i64) as usize;
        // What the lock guards is an upper bound kept true at every step (see `Stripe`), so
        // a panic elsewhere leaves nothing inconsistent.
        self.user_locks[stripe]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store {
    /// Opens (or creates) the database in directory `path`. This blocks while sled recovers
    /// its log (and, once, while a database of the earlier layout is migrated), so call it at
    /// start-up rather than from a busy task.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref();
        let db = layout::sled_config(path).open()?;
        let meals = db.open_tree(MEALS)?;
        migrate::from_legacy_layout(&db, &meals)?;
        let trees = Trees {
            users: db.open_tree(USERS)?,
            meals,
            ratings: db.open_tree(RATINGS)?,
            flush: GroupFlush::new(db.clone()),
            db,
            user_locks: (0..USER_LOCK_STRIPES)
                .map(|_| Mutex::new(Stripe::default()))
                .collect(),
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
        let (outcome, ()) = self
            .log_meal_and(user, message_id, entry, |_| async {})
            .await?;
        Ok(outcome)
    }

    /// [`Store::log_meal`], running `meanwhile` with the outcome while the write is being
    /// flushed, and returning what it made once both are done. The caller's work on its reply
    /// overlaps the disk's, yet nothing it prepares is seen before the meal is durable.
    /// `meanwhile` may read the store (it sees the meal) but must not tell anyone about the
    /// meal itself: if the flush fails, what it made is dropped and the error returned.
    pub async fn log_meal_and<T, Prepared>(
        &self,
        user: i64,
        message_id: i64,
        entry: &Entry,
        meanwhile: impl FnOnce(LogOutcome) -> Prepared,
    ) -> Result<(LogOutcome, T), StoreError>
    where
        Prepared: Future<Output = T>,
    {
        check_day(entry)?;
        let key = meal_key(user, entry.local_day, message_id);
        let value = encode_meal(entry);
        let days = days_around(entry.logged_at);
        let outcome = {
            let meals = &self.inner.meals;
            let mut stripe = self.inner.lock_user(user);
            // Above every id the user has, the message is new (see `Stripe`).
            let seen = if stripe
                .max_message_id(meals, user)?
                .is_some_and(|highest| message_id <= highest)
            {
                find_message(meals, user, message_id, &days)?
            } else {
                None
            };
            match seen {
                Some((day, seen)) => {
                    let logged_at = match decode_meal(MEALS, day, message_id, &seen) {
                        Some(MealValue::Meal(stored)) => stored.logged_at,
                        Some(MealValue::Undone { logged_at }) => logged_at,
                        // Unreadable (and warned about), but the message was processed: it
                        // is not logged twice, and this delivery's time is the best name.
                        None => entry.logged_at,
                    };
                    LogOutcome::Duplicate(EntryId::of(logged_at, message_id))
                }
                None => {
                    stripe.raise(user, message_id);
                    stripe.change_meals(user, || meals.insert(&key[..], value))?;
                    LogOutcome::Stored(EntryId::of(entry.logged_at, message_id))
                }
            }
        };
        // A duplicate is flushed too: its first write may still be waiting for its flush,
        // and this reply announces it as well.
        let mut durable = pin!(self.durable());
        // One poll starts the flush on the blocking pool (or finds one done that covers this
        // write), so it runs while `meanwhile` does; awaiting both in one `join` might poll
        // `meanwhile` first.
        let flushing = poll_fn(|context| Poll::Ready(durable.as_mut().poll(context))).await;
        let prepared = meanwhile(outcome).await;
        match flushing {
            Poll::Ready(flushed) => flushed?,
            Poll::Pending => durable.await?,
        }
        Ok((outcome, prepared))
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
        let new_key = meal_key(user, entry.local_day, message_id);
        let value = encode_meal(entry);
        let days = days_around(entry.logged_at);
        let edited = {
            let meals = &self.inner.meals;
            let mut stripe = self.inner.lock_user(user);
            match find_message(meals, user, message_id, &days)? {
                None => None,
                Some((day, seen)) => match decode_meal(MEALS, day, message_id, &seen) {
                    Some(MealValue::Undone { .. }) => None,
                    // A meal, or a value that no longer reads: the edit replaces it, under
                    // the key of its (possibly new) day, in one atomic batch.
                    _ => {
                        let mut batch = sled::Batch::default();
                        if day != entry.local_day {
                            batch.remove(&meal_key(user, day, message_id)[..]);
                        }
                        batch.insert(&new_key[..], value);
                        stripe.change_meals(user, || meals.apply_batch(batch))?;
                        Some(EntryId::of(entry.logged_at, message_id))
                    }
                },
            }
        };
        if edited.is_some() {
            self.durable().await?;
        }
        Ok(edited)
    }

    /// Deletes `user`'s entry `id` (Undo, or a delete button). `false` if `user` has no such
    /// entry, which includes an id from another user's diary. The source message stays
    /// marked as processed. Durable when it returns.
    pub async fn delete_meal(&self, user: i64, id: EntryId) -> Result<bool, StoreError> {
        let Some(logged_at) = id.logged_at() else {
            return Ok(false);
        };
        let message_id = id.message_id();
        let days = days_around(logged_at);
        let removed = {
            let meals = &self.inner.meals;
            let mut stripe = self.inner.lock_user(user);
            match find_message(meals, user, message_id, &days)? {
                Some((day, seen)) => match decode_meal(MEALS, day, message_id, &seen) {
                    Some(MealValue::Meal(stored))
                        if stored.logged_at.timestamp_micros() == id.logged_at_micros() =>
                    {
                        // The marker keeps the message processed (see `layout`).
                        let marker = encode_undone(stored.logged_at, day);
                        let key = meal_key(user, day, message_id);
                        stripe.change_meals(user, || meals.insert(&key[..], marker))?;
                        true
                    }
                    _ => false,
                },
                None => false,
            }
        };
        if removed {
            self.durable().await?;
        }
        Ok(removed)
    }

    /// The user's most recently logged entry (by the time it was logged), for `/undo`.
    pub async fn last_meal(&self, user: i64) -> Result<Option<StoredMeal>, StoreError> {
        // Keys run by diary day, and an entry's day is at most the window's width from when
        // it was logged (`check_day`), so the latest entry lies within that many days of the
        // latest day that has one.
        let window = layout::MAX_DAYS_LOGGED_AFTER + layout::MAX_DAYS_LOGGED_BEFORE;
        let mut horizon: Option<NaiveDate> = None;
        let mut latest: Option<StoredMeal> = None;
        for pair in self.inner.meals.scan_prefix(user_prefix(user)).rev() {
            let (key, value) = pair?;
            let Some(meal) = read_meal(&key, &value) else {
                continue;
            };
            let day = meal.entry.local_day;
            if horizon.is_some_and(|horizon| day < horizon) {
                break;
            }
            horizon.get_or_insert_with(|| shift_days(day, -window));
            if latest.as_ref().is_none_or(|latest| meal.id > latest.id) {
                latest = Some(meal);
            }
        }
        Ok(latest)
    }

    /// Records the user's skin rating for the rating's day, replacing an earlier one.
    /// Durable when it returns.
    pub async fn rate_skin(&self, user: i64, rating: SkinRating) -> Result<(), StoreError> {
        let value = encode("rating", &rating)?;
        {
            let _user = self.inner.lock_user(user);
            self.inner
                .ratings
                .insert(rating_key(user, rating.day()), value)?;
        }
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
        for pair in self.inner.meals.range(meal_keys_of_days(user, from, to)) {
            let (key, value) = pair?;
            if let Some(meal) = read_meal(&key, &value) {
                days.entry(meal.entry.local_day).or_default().push(meal);
            }
        }
        // Within a day keys run by message id; the promise is the order they were logged.
        for meals in days.values_mut() {
            meals.sort_by_key(|meal| meal.id);
        }
        Ok(days)
    }

    /// The diary days from `from` to `to` inclusive on which `user` has at least one meal
    /// (an undone meal does not count), for streaks, which need no more than that.
    ///
    /// Much cheaper than [`Store::days`] over the same range: the day comes from each key
    /// and whether the value is a meal or an undo marker from its first two bytes (see
    /// `codec::is_meal`), so no record is decoded. The price is that a meal record damaged
    /// past its first two bytes counts here, where `days` skips it with a warning.
    pub async fn logged_days(
        &self,
        user: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeSet<NaiveDate>, StoreError> {
        let mut days = BTreeSet::new();
        if from > to {
            return Ok(days);
        }
        for pair in self.inner.meals.range(meal_keys_of_days(user, from, to)) {
            let (key, value) = pair?;
            let Some((_, day, message_id)) = split_meal_key(&key) else {
                tracing::warn!(tree = MEALS, len = key.len(), "skipping a malformed key");
                continue;
            };
            // Later meals of a day already counted need no look.
            if days.last() != Some(&day) && holds_meal(day, message_id, &value) {
                days.insert(day);
            }
        }
        Ok(days)
    }

    /// A number that changes whenever `user`'s meals change (a meal logged, edited, deleted,
    /// or everything forgotten), counting from 0 when the store is opened: the same number
    /// before and after reading meals means nothing changed in between. The chat engine
    /// keeps recent weeks in memory and trusts its copy only while the revision is the one
    /// it took when it made or last added to it. Ratings and settings do not count.
    pub fn revision(&self, user: i64) -> u64 {
        let stripe = self.inner.lock_user(user);
        stripe.revisions.get(&user).copied().unwrap_or(0)
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
        let writes_before = {
            let stripe = self.inner.lock_user(user);
            if let Some(settings) = stripe.settings.get(&user) {
                return Ok(Some(settings.clone()));
            }
            stripe.settings_writes
        };
        // Read without the lock, which may wait for the disk; kept only if no save or
        // delete on the stripe could have slipped in between.
        let settings: Option<UserSettings> = self
            .inner
            .users
            .get(user_prefix(user))?
            .and_then(|value| decode(USERS, &value));
        if let Some(settings) = &settings {
            let mut stripe = self.inner.lock_user(user);
            if stripe.settings_writes == writes_before {
                stripe.keep_settings(settings);
            }
        }
        Ok(settings)
    }

    /// Stores `settings` for `settings.user`, replacing what was there. Durable when it
    /// returns.
    pub async fn save_user(&self, settings: &UserSettings) -> Result<(), StoreError> {
        self.update_user(settings.user, |_| Some(settings.clone()))
            .await
            .map(|_| ())
    }

    /// Changes `user`'s settings atomically: `change` gets what is stored (`None` for
    /// someone without settings) and returns what to store instead, or `None` to leave it.
    /// No other write of their settings lands between the read and the write, so changes to
    /// different fields made at the same moment (a digest recorded as the person sets their
    /// zone) all stay. `change` runs under the user's lock: keep it short. Returns what was
    /// stored, if anything; durable when it returns.
    pub async fn update_user(
        &self,
        user: i64,
        change: impl FnOnce(Option<UserSettings>) -> Option<UserSettings>,
    ) -> Result<Option<UserSettings>, StoreError> {
        let stored = {
            let mut stripe = self.inner.lock_user(user);
            let current = match stripe.settings.get(&user) {
                Some(settings) => Some(settings.clone()),
                None => self
                    .inner
                    .users
                    .get(user_prefix(user))?
                    .and_then(|value| decode(USERS, &value)),
            };
            let Some(mut settings) = change(current) else {
                return Ok(None);
            };
            settings.user = user;
            let value = encode("user", &settings)?;
            // Forgotten first: if the insert fails, the next read goes to the tree.
            stripe.settings_changing(user);
            self.inner.users.insert(user_prefix(user), value)?;
            stripe.keep_settings(&settings);
            settings
        };
        self.durable().await?;
        Ok(Some(stored))
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
        entries.sort_by_key(|meal| meal.id);
        Ok(Export {
            settings: self.user(user).await?,
            entries,
            ratings: read_all(RATINGS, self.inner.ratings.scan_prefix(user_prefix(user)))?,
        })
    }

    /// Removes every key of `user` from every tree (`/forget`) and returns how many there
    /// were. Each tree is cleared in one atomic batch; if the process dies in between, a
    /// second call finishes the job. The user's other writes wait while it runs, so none
    /// is half forgotten: each lands wholly before or wholly after. Durable when it returns.
    pub async fn delete_user(&self, user: i64) -> Result<usize, StoreError> {
        let trees = &*self.inner;
        let mut removed = 0;
        {
            let mut stripe = trees.lock_user(user);
            stripe.settings_changing(user);
            stripe.change_meals(user, || {
                // Settings last: until they go, the user is still known and a retry is
                // offered.
                for tree in [&trees.meals, &trees.ratings, &trees.users] {
                    let mut batch = sled::Batch::default();
                    for key in tree.scan_prefix(user_prefix(user)).keys() {
                        batch.remove(key?);
                        removed += 1;
                    }
                    tree.apply_batch(batch)?;
                }
                Ok(())
            })?;
        }
        self.durable().await?;
        Ok(removed)
    }

    /// Makes everything written so far durable, for shutdown: every write method already
    /// flushes before it returns, but a caller that stops the process wants one last word
    /// that nothing is left in sled's buffers (a write whose caller was cancelled mid-flush,
    /// sled's own background work). Shares a flush with concurrent writers like they do.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.durable().await
    }

    /// How many flushes this store has run since it was opened (group commit makes this
    /// much smaller than the number of writes when writers are concurrent).
    pub fn flush_count(&self) -> u64 {
        self.inner.flush.count()
    }

    /// The bytes sled's files take on disk (for the size benchmark and for operators).
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.inner.db.size_on_disk()?)
    }

    async fn durable(&self) -> Result<(), StoreError> {
        Ok(self.inner.flush.flush().await?)
    }
}

/// Refuses an entry whose diary day lies outside the days a repeat or an edit of its
/// message looks at (see [`layout::days_around`]).
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

/// The key (by its day) and value of message `message_id`'s entry, looked for among `days`.
fn find_message(
    meals: &sled::Tree,
    user: i64,
    message_id: i64,
    days: &[NaiveDate],
) -> Result<Option<(NaiveDate, sled::IVec)>, sled::Error> {
    for &day in days {
        if let Some(value) = meals.get(meal_key(user, day, message_id))? {
            return Ok(Some((day, value)));
        }
    }
    Ok(None)
}

/// A meal pair as a [`StoredMeal`]; `None` for an undo marker, and (warned) for a key or
/// value that does not read.
fn read_meal(key: &[u8], value: &[u8]) -> Option<StoredMeal> {
    let Some((_, day, message_id)) = split_meal_key(key) else {
        tracing::warn!(tree = MEALS, len = key.len(), "skipping a malformed key");
        return None;
    };
    match decode_meal(MEALS, day, message_id, value)? {
        MealValue::Meal(entry) => Some(StoredMeal {
            id: EntryId::of(entry.logged_at, message_id),
            entry,
        }),
        MealValue::Undone { .. } => None,
    }
}

/// Whether a meal value of diary day `day` holds a meal rather than an undo marker, from
/// its version and kind bytes; anything else is read in full, as [`read_meal`] reads it
/// (a version-1 value, left only from before the migration, is checked to belong under its
/// key), and what does not read is warned about and is no meal.
fn holds_meal(day: NaiveDate, message_id: i64, value: &[u8]) -> bool {
    if let Some((&MEAL_VERSION, body)) = value.split_first() {
        if let Some(meal) = codec::is_meal(body) {
            return meal;
        }
    }
    // Anything else (the first format, an unknown kind or version, an empty value) is rare:
    // the full read decides, and warns about what it skips.
    matches!(
        decode_meal(MEALS, day, message_id, value),
        Some(MealValue::Meal(_))
    )
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

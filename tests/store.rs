//! The sled store against real databases in temporary directories: round trips, repeated
//! and edited messages, ownership, `/forget`, damaged records, reopening, and group flushes.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use gutskin::diary::{Entry, LoggedItem, SkinRating};
use gutskin::food::CategorySet;
use gutskin::store::layout::{sled_config, user_prefix, ALL_TREES, MEALS, RATINGS, USERS};
use gutskin::store::{EntryId, LogOutcome, Store, StoreError, UserSettings, ENTRY_ID_CHARS};

const ALICE: i64 = 1_001;
const BOB: i64 = -2_002;

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .expect("valid instant")
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).expect("valid date")
}

fn meal(text: &str, logged_at: DateTime<Utc>, local_day: NaiveDate) -> Entry {
    Entry {
        logged_at,
        local_day,
        eaten_at: None,
        unrecognised: Vec::new(),
        text: text.to_string(),
        items: vec![LoggedItem {
            food: text.split_whitespace().next().unwrap_or("oats").to_string(),
            quantity: 1.0,
            categories: CategorySet::EMPTY,
            plants: vec!["oat".to_string()],
            fibre_g: 4.0,
        }],
    }
}

fn rating(day: u32, value: u8) -> SkinRating {
    SkinRating::new(date(day), value, at(28, 20, 0)).expect("rating in range")
}

fn settings(user: i64) -> UserSettings {
    let mut settings = UserSettings::new(user, chrono_tz::Europe::Berlin, at(20, 9, 0));
    settings.digest_at = NaiveTime::from_hms_opt(21, 0, 0);
    settings.last_tip_id = Some("fibre-first".to_string());
    settings
}

/// Logs `entry` as message `message_id` and returns the id of the stored entry.
async fn logged(store: &Store, user: i64, message_id: i64, entry: Entry) -> EntryId {
    store
        .log_meal(user, message_id, &entry)
        .await
        .expect("log")
        .id()
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// sled finishes closing on its background threads, so the file lock of a database just
/// dropped can outlive the drop by a moment; opening again waits for it.
fn retry_open<T, E: std::fmt::Debug>(mut open: impl FnMut() -> Result<T, E>) -> T {
    let mut attempts = 0;
    loop {
        match open() {
            Ok(opened) => return opened,
            Err(error) if attempts >= 100 => panic!("cannot reopen the database: {error:?}"),
            Err(_) => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }
}

fn reopen(path: &std::path::Path) -> Store {
    retry_open(|| Store::open(path))
}

/// The database below the store, opened as the store opens it (it is compressed).
fn open_raw(path: &std::path::Path) -> sled::Db {
    retry_open(|| sled_config(path).open())
}

fn texts(meals: &[gutskin::store::StoredMeal]) -> Vec<&str> {
    meals.iter().map(|meal| meal.entry.text.as_str()).collect()
}

#[tokio::test]
async fn everything_written_reads_back() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");

    assert_eq!(store.user(ALICE).await.expect("read"), None);
    store.save_user(&settings(ALICE)).await.expect("save");
    store.save_user(&settings(BOB)).await.expect("save");
    assert_eq!(
        store.user(ALICE).await.expect("read"),
        Some(settings(ALICE))
    );
    let everyone: Vec<i64> = store
        .users()
        .map(|user| user.expect("readable").user)
        .collect();
    assert_eq!(everyone, vec![BOB, ALICE], "chat id order, negatives first");

    let porridge = meal("porridge with blueberries", at(27, 8, 0), date(27));
    let lunch = meal("lentil soup", at(27, 12, 30), date(27));
    // Logged after midnight UTC but for the day before (the cutoff, or "yesterday: ...").
    let late = meal("yesterday: kefir", at(28, 9, 0), date(27));
    let today = meal("apple", at(28, 10, 0), date(28));
    let mut ids = Vec::new();
    for (message, entry) in [(10, &porridge), (11, &lunch), (12, &late), (13, &today)] {
        let outcome = store.log_meal(ALICE, message, entry).await.expect("log");
        assert!(matches!(outcome, LogOutcome::Stored(_)));
        ids.push(outcome.id());
    }
    store
        .log_meal(BOB, 10, &meal("burger", at(27, 19, 0), date(27)))
        .await
        .expect("log");

    let day = store.day(ALICE, date(27)).await.expect("day");
    assert_eq!(
        texts(&day),
        [
            "porridge with blueberries",
            "lentil soup",
            "yesterday: kefir"
        ]
    );
    assert_eq!(day[0].entry, porridge);
    assert_eq!(day[0].id, ids[0]);
    assert_eq!(day[0].id.message_id(), 10);
    assert_eq!(day[0].id.logged_at(), Some(porridge.logged_at));

    let days = store.days(ALICE, date(26), date(28)).await.expect("days");
    assert_eq!(
        days.keys().copied().collect::<Vec<_>>(),
        [date(27), date(28)]
    );
    assert_eq!(texts(&days[&date(28)]), ["apple"]);
    assert!(store
        .days(ALICE, date(28), date(27))
        .await
        .expect("empty range")
        .is_empty());

    let last = store.last_meal(ALICE).await.expect("last").expect("some");
    assert_eq!(last.id, ids[3]);
    assert_eq!(store.last_meal(42).await.expect("last"), None);

    store.rate_skin(ALICE, rating(26, 2)).await.expect("rate");
    store.rate_skin(ALICE, rating(27, 3)).await.expect("rate");
    store
        .rate_skin(ALICE, rating(27, 4))
        .await
        .expect("rate again");
    store.rate_skin(BOB, rating(27, 1)).await.expect("rate");
    let ratings = store
        .ratings(ALICE, date(27), date(30))
        .await
        .expect("ratings");
    assert_eq!(
        ratings,
        [rating(27, 4)],
        "the second rating replaces the first"
    );

    let export = store.export_user(ALICE).await.expect("export");
    assert_eq!(export.settings, Some(settings(ALICE)));
    assert_eq!(export.entries.len(), 4);
    assert_eq!(export.ratings, [rating(26, 2), rating(27, 4)]);
}

#[test]
fn entry_ids_fit_callback_data_and_parse_back() {
    let id = EntryId::of(at(28, 7, 45), 123_456);
    let text = id.to_string();
    assert!(text.len() <= 24 && text.len() == ENTRY_ID_CHARS);
    assert!(text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(text.parse::<EntryId>(), Ok(id));
    assert!("not-an-id".parse::<EntryId>().is_err());
    assert!("".parse::<EntryId>().is_err());
}

#[tokio::test]
async fn the_same_message_twice_stores_one_entry() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    let entry = meal("oats", at(28, 8, 0), date(28));
    let first = store.log_meal(ALICE, 7, &entry).await.expect("log");
    let again = store.log_meal(ALICE, 7, &entry).await.expect("log again");
    assert_eq!(again, LogOutcome::Duplicate(first.id()));
    // A redelivery with a different timestamp is still the same message.
    let later = meal("oats", at(28, 8, 5), date(28));
    assert_eq!(
        store.log_meal(ALICE, 7, &later).await.expect("log"),
        LogOutcome::Duplicate(first.id())
    );
    assert_eq!(store.day(ALICE, date(28)).await.expect("day").len(), 1);

    // The same message id in another chat is another message.
    assert!(matches!(
        store.log_meal(BOB, 7, &entry).await.expect("log"),
        LogOutcome::Stored(_)
    ));

    // After Undo, a redelivered message does not bring the meal back.
    assert!(store.delete_meal(ALICE, first.id()).await.expect("delete"));
    assert_eq!(
        store.log_meal(ALICE, 7, &entry).await.expect("log"),
        LogOutcome::Duplicate(first.id())
    );
    assert!(store.day(ALICE, date(28)).await.expect("day").is_empty());
}

#[tokio::test]
async fn repeats_are_found_whatever_order_the_ids_come_in() {
    // The store skips its look-up for an id above every id a user has (Telegram counts a
    // chat's messages upwards); repeats of lower ids, after a reopen too, are still found.
    let dir = temp_dir();
    let ids = {
        let store = Store::open(dir.path()).expect("open");
        let mut ids = Vec::new();
        for (message, hour) in [(50, 9), (20, 10), (80, 11)] {
            let entry = meal("oats", at(28, hour, 0), date(28));
            let outcome = store.log_meal(ALICE, message, &entry).await.expect("log");
            assert!(matches!(outcome, LogOutcome::Stored(_)), "{message}");
            ids.push(outcome.id());
        }
        for (index, message) in [50, 20, 80].into_iter().enumerate() {
            let entry = meal("oats", at(28, 12, 0), date(28));
            assert_eq!(
                store.log_meal(ALICE, message, &entry).await.expect("log"),
                LogOutcome::Duplicate(ids[index])
            );
        }
        // An id between those stored is new.
        let entry = meal("pear", at(28, 13, 0), date(28));
        assert!(matches!(
            store.log_meal(ALICE, 30, &entry).await.expect("log"),
            LogOutcome::Stored(_)
        ));
        ids
    };
    let store = reopen(dir.path());
    // The first write after opening learns the highest id from the keys (80, and 90 is new).
    let entry = meal("oats", at(28, 14, 0), date(28));
    assert_eq!(
        store.log_meal(ALICE, 80, &entry).await.expect("log"),
        LogOutcome::Duplicate(ids[2])
    );
    assert!(matches!(
        store.log_meal(ALICE, 90, &entry).await.expect("log"),
        LogOutcome::Stored(_)
    ));
    // An undone meal's marker still counts: its message is not new.
    assert!(store.delete_meal(ALICE, ids[0]).await.expect("undo"));
    let reopened = {
        drop(store);
        reopen(dir.path())
    };
    assert_eq!(
        reopened.log_meal(ALICE, 50, &entry).await.expect("log"),
        LogOutcome::Duplicate(ids[0])
    );
    // Forgotten, the same ids are new messages again.
    reopened.delete_user(ALICE).await.expect("forget");
    assert!(matches!(
        reopened.log_meal(ALICE, 20, &entry).await.expect("log"),
        LogOutcome::Stored(_)
    ));
    assert_eq!(
        texts(&reopened.day(ALICE, date(28)).await.expect("day")),
        ["oats"]
    );
}

#[tokio::test]
async fn an_edit_replaces_its_entry() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    let id = logged(&store, ALICE, 5, meal("toast", at(28, 8, 0), date(28))).await;
    store
        .log_meal(ALICE, 6, &meal("coffee", at(28, 8, 1), date(28)))
        .await
        .expect("log");

    let edited = meal("toast with avocado", at(28, 8, 0), date(28));
    assert_eq!(
        store.edit_meal(ALICE, 5, &edited).await.expect("edit"),
        Some(id)
    );
    let day = store.day(ALICE, date(28)).await.expect("day");
    assert_eq!(texts(&day), ["toast with avocado", "coffee"]);

    // An edit that moves the entry to another day moves its key, and the pointer follows.
    let moved = meal("yesterday: toast", at(28, 8, 0), date(27));
    let moved_id = store
        .edit_meal(ALICE, 5, &moved)
        .await
        .expect("edit")
        .expect("found");
    assert_eq!(
        texts(&store.day(ALICE, date(27)).await.expect("day")),
        ["yesterday: toast"]
    );
    assert_eq!(
        texts(&store.day(ALICE, date(28)).await.expect("day")),
        ["coffee"]
    );
    let retimed = meal("toast", at(28, 9, 0), date(28));
    let retimed_id = store
        .edit_meal(ALICE, 5, &retimed)
        .await
        .expect("edit")
        .expect("found");
    assert_ne!(retimed_id, moved_id);
    assert_eq!(
        store
            .export_user(ALICE)
            .await
            .expect("export")
            .entries
            .len(),
        2
    );

    // A message never logged, another user's message, or an undone entry: nothing to edit.
    assert_eq!(
        store.edit_meal(ALICE, 99, &edited).await.expect("edit"),
        None
    );
    assert_eq!(store.edit_meal(BOB, 5, &edited).await.expect("edit"), None);
    assert!(store.delete_meal(ALICE, retimed_id).await.expect("delete"));
    assert_eq!(
        store.edit_meal(ALICE, 5, &edited).await.expect("edit"),
        None
    );
    assert_eq!(
        texts(&store.day(ALICE, date(28)).await.expect("day")),
        ["coffee"]
    );
}

#[tokio::test]
async fn delete_refuses_another_users_entry() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    let id = logged(&store, ALICE, 1, meal("salmon", at(28, 19, 0), date(28))).await;
    assert!(!store.delete_meal(BOB, id).await.expect("delete"));
    assert_eq!(store.day(ALICE, date(28)).await.expect("day").len(), 1);
    assert!(store.delete_meal(ALICE, id).await.expect("delete"));
    assert!(!store.delete_meal(ALICE, id).await.expect("delete twice"));
    assert!(store.day(ALICE, date(28)).await.expect("day").is_empty());
}

#[tokio::test]
async fn entries_outside_the_day_window_are_refused() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    let far_back = meal("cake", at(28, 12, 0), date(10));
    assert!(matches!(
        store.log_meal(ALICE, 1, &far_back).await,
        Err(StoreError::DayOutOfRange { .. })
    ));
    let ahead = meal("cake", at(20, 12, 0), date(22));
    assert!(matches!(
        store.log_meal(ALICE, 2, &ahead).await,
        Err(StoreError::DayOutOfRange { .. })
    ));
    // A week back is fine and is found on its day.
    let week_back = meal("last week: cake", at(28, 12, 0), date(21));
    store.log_meal(ALICE, 3, &week_back).await.expect("log");
    assert_eq!(store.day(ALICE, date(21)).await.expect("day").len(), 1);
}

#[tokio::test]
async fn undo_takes_the_entry_logged_last_even_for_an_earlier_day() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    logged(&store, ALICE, 1, meal("apple", at(28, 10, 0), date(28))).await;
    logged(&store, ALICE, 2, meal("pear", at(20, 10, 0), date(20))).await;
    let late = logged(
        &store,
        ALICE,
        3,
        meal("yesterday: kefir", at(28, 11, 0), date(27)),
    )
    .await;
    let last = store.last_meal(ALICE).await.expect("last").expect("some");
    assert_eq!(last.id, late);
    assert!(store.delete_meal(ALICE, late).await.expect("undo"));
    let last = store.last_meal(ALICE).await.expect("last").expect("some");
    assert_eq!(last.entry.text, "apple");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_deliveries_of_one_message_store_one_entry() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    let mut tasks = Vec::new();
    for delivery in 0..16u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            // The same message, read for different diary days (a zone changed in between).
            let entry = meal("toast", at(28, 8, 0), date(27 + delivery % 2));
            store.log_meal(ALICE, 77, &entry).await
        }));
    }
    let mut stored = Vec::new();
    let mut ids = BTreeSet::new();
    for task in tasks {
        let outcome = task.await.expect("task").expect("log");
        ids.insert(outcome.id());
        if let LogOutcome::Stored(id) = outcome {
            stored.push(id);
        }
    }
    assert_eq!(
        stored.len(),
        1,
        "one delivery stores, the others are repeats"
    );
    assert_eq!(ids.len(), 1, "every delivery names the same entry");
    let export = store.export_user(ALICE).await.expect("export");
    assert_eq!(export.entries.len(), 1);
}

/// A signed number as the first layout of the store wrote it in keys.
fn legacy_sortable(value: i64) -> [u8; 8] {
    ((value as u64) ^ (1 << 63)).to_be_bytes()
}

/// The version-1 record of message 4812, "porridge with kefir", logged 2026-11-28 07:00 UTC
/// for that day, exactly as the first layout wrote it.
const LEGACY_MEAL_V1: &[u8] =
    b"\x01\x98\x4b\xe0\xef\xd3\xb0\x0d\x00\xd8\xa9\x5a\x13porridge with kefir\
    \x02\x08porridge\x00\x00\x80\x3f\x05\x04oat\x66\x66\x86\x40\
    \x05kefir\x00\x00\x00\x3f\x00\x00\x00\x00\x00\x00";

#[tokio::test]
async fn a_database_in_the_first_layout_is_migrated_when_opened() {
    let dir = temp_dir();
    let logged_at = at(28, 7, 0);
    let undone_at = at(28, 7, 30);
    {
        // The first layout: meals keyed by user, time and message, and `messages` from
        // user and message to that time. Message 4813 was undone: only its pointer is left.
        let db = open_raw(dir.path());
        let meals = db.open_tree("meals").expect("tree");
        let messages = db.open_tree("messages").expect("tree");
        let pointer = |at: DateTime<Utc>| {
            let mut value = vec![1u8];
            value.extend_from_slice(&legacy_sortable(at.timestamp_micros()));
            value
        };
        let message_key =
            |message: i64| [legacy_sortable(ALICE), legacy_sortable(message)].concat();
        let meal_key = [
            legacy_sortable(ALICE),
            legacy_sortable(logged_at.timestamp_micros()),
            legacy_sortable(4_812),
        ]
        .concat();
        meals.insert(meal_key, LEGACY_MEAL_V1).expect("write");
        messages
            .insert(message_key(4_812), pointer(logged_at))
            .expect("write");
        messages
            .insert(message_key(4_813), pointer(undone_at))
            .expect("write");
        db.flush().expect("flush");
    }

    let store = reopen(dir.path());
    let day = store.day(ALICE, date(28)).await.expect("day");
    assert_eq!(texts(&day), ["porridge with kefir"]);
    assert_eq!(day[0].id, EntryId::of(logged_at, 4_812));
    let foods: Vec<&str> = day[0]
        .entry
        .items
        .iter()
        .map(|item| item.food.as_str())
        .collect();
    assert_eq!(foods, ["porridge", "kefir"]);
    assert_eq!(day[0].entry.items[0].plants, ["oat"]);
    assert_eq!(day[0].entry.items[0].fibre_g, 4.2);
    assert_eq!(day[0].entry.items[1].quantity, 0.5);
    // Both messages stay processed, the undone one included.
    let repeat = meal("porridge with kefir", logged_at, date(28));
    assert_eq!(
        store.log_meal(ALICE, 4_812, &repeat).await.expect("log"),
        LogOutcome::Duplicate(day[0].id)
    );
    assert_eq!(
        store.log_meal(ALICE, 4_813, &repeat).await.expect("log"),
        LogOutcome::Duplicate(EntryId::of(undone_at, 4_813))
    );
    drop(store);

    let trees: BTreeSet<String> = all_keys(dir.path())
        .into_iter()
        .map(|(tree, _)| tree)
        .collect();
    assert!(
        !trees.contains("meals") && !trees.contains("messages"),
        "{trees:?}"
    );
    let store = reopen(dir.path());
    assert_eq!(
        store
            .export_user(ALICE)
            .await
            .expect("export")
            .entries
            .len(),
        1
    );
}

/// Log output collected in memory, to check what warnings say (and what they must not).
#[derive(Clone, Default)]
struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLogs {
    fn text(&self) -> String {
        let bytes = self.0.lock().map(|bytes| bytes.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedLogs;

    fn make_writer(&'a self) -> CapturedLogs {
        self.clone()
    }
}

/// Every key in every tree of the database at `path`, with the tree's name.
fn all_keys(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let db = open_raw(path);
    let mut keys = Vec::new();
    for name in db.tree_names() {
        let tree = db.open_tree(&name).expect("tree");
        for key in tree.iter().keys() {
            keys.push((
                String::from_utf8_lossy(&name).into_owned(),
                key.expect("key").to_vec(),
            ));
        }
    }
    keys
}

#[tokio::test]
async fn forgetting_a_user_leaves_no_key_of_theirs_in_any_tree() {
    let dir = temp_dir();
    {
        let store = Store::open(dir.path()).expect("open");
        for user in [ALICE, BOB] {
            store.save_user(&settings(user)).await.expect("save");
            for message in 0..20 {
                let entry = meal("rice", at(27, 8, message as u32), date(27));
                store.log_meal(user, message, &entry).await.expect("log");
            }
            store.rate_skin(user, rating(27, 3)).await.expect("rate");
            store.rate_skin(user, rating(26, 5)).await.expect("rate");
        }
        let removed = store.delete_user(ALICE).await.expect("forget");
        // 1 settings + 20 meals (each key also marks its message processed) + 2 ratings.
        assert_eq!(removed, 23);
        assert_eq!(store.user(ALICE).await.expect("read"), None);
        assert_eq!(
            store
                .export_user(ALICE)
                .await
                .expect("export")
                .entries
                .len(),
            0
        );
        assert_eq!(store.delete_user(ALICE).await.expect("forget again"), 0);
    }

    let keys = all_keys(dir.path());
    let alice = user_prefix(ALICE);
    let left: Vec<_> = keys
        .iter()
        .filter(|(_, key)| key.starts_with(&alice))
        .collect();
    assert!(left.is_empty(), "keys of a forgotten user remain: {left:?}");
    let trees: BTreeSet<&str> = keys.iter().map(|(tree, _)| tree.as_str()).collect();
    for tree in ALL_TREES {
        assert!(trees.contains(tree), "Bob still has data in {tree}");
    }

    let store = reopen(dir.path());
    let bob = store.export_user(BOB).await.expect("export");
    assert_eq!(bob.entries.len(), 20);
    assert_eq!(bob.ratings.len(), 2);
    assert!(bob.settings.is_some());
}

#[tokio::test]
async fn damaged_records_are_skipped_and_the_rest_still_load() {
    let dir = temp_dir();
    {
        let store = Store::open(dir.path()).expect("open");
        for user in [ALICE, BOB, 7] {
            store.save_user(&settings(user)).await.expect("save");
        }
        for (message, minute) in [(1, 0), (2, 10), (3, 20), (4, 30)] {
            let entry = meal("beans", at(28, 12, minute), date(28));
            store.log_meal(ALICE, message, &entry).await.expect("log");
        }
        for day in [25, 26, 27] {
            store.rate_skin(ALICE, rating(day, 3)).await.expect("rate");
        }
    }
    {
        let db = open_raw(dir.path());
        let meals = db.open_tree(MEALS).expect("tree");
        let keys: Vec<_> = meals.iter().keys().map(|key| key.expect("key")).collect();
        assert_eq!(keys.len(), 4);
        meals
            .insert(
                &keys[0],
                &b"\x01{\"message_id\": \"secret tiramisu\", \"entry\": {}}"[..],
            )
            .expect("write");
        meals.insert(&keys[1], &b"\x63{}"[..]).expect("write");
        meals.insert(&keys[3], &b""[..]).expect("write");
        // A key of the wrong shape under Alice's prefix.
        let mut odd = user_prefix(ALICE).to_vec();
        odd.push(1);
        meals.insert(odd, &b"\x01{}"[..]).expect("write");

        let ratings = db.open_tree(RATINGS).expect("tree");
        let first = ratings
            .iter()
            .keys()
            .next()
            .expect("a rating")
            .expect("key");
        // Valid JSON, but a rating of 9 is refused by `SkinRating` itself.
        ratings
            .insert(
                first,
                &br#"{"day":"2026-11-25","rating":9,"rated_at":"2026-11-28T20:00:00Z"}"#
                    .iter()
                    .fold(vec![1u8], |mut bytes, byte| {
                        bytes.push(*byte);
                        bytes
                    })[..],
            )
            .expect("write");

        let users = db.open_tree(USERS).expect("tree");
        users
            .insert(user_prefix(BOB), &b"\x01{\"user\": "[..])
            .expect("write");
        users
            .insert(user_prefix(-9), &b"\x02{}"[..])
            .expect("write");
        db.flush().expect("flush");
    }

    let logs = CapturedLogs::default();
    let _capture = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::WARN)
            .finish(),
    );
    let store = reopen(dir.path());
    let day = store.day(ALICE, date(28)).await.expect("day");
    assert_eq!(day.len(), 1, "only the intact meal loads");
    assert_eq!(day[0].id.message_id(), 3);
    let last = store.last_meal(ALICE).await.expect("last").expect("some");
    assert_eq!(
        last.id.message_id(),
        3,
        "Undo skips the damaged later entries"
    );
    assert_eq!(
        store
            .ratings(ALICE, date(1), date(30))
            .await
            .expect("ratings"),
        [rating(26, 3), rating(27, 3)]
    );
    assert_eq!(store.user(BOB).await.expect("read"), None);
    let users: Vec<i64> = store.users().map(|user| user.expect("read").user).collect();
    assert_eq!(users, [7, ALICE]);
    assert_eq!(
        store
            .export_user(ALICE)
            .await
            .expect("export")
            .entries
            .len(),
        1
    );

    let warnings = logs.text();
    assert!(
        warnings.contains("skipping a record that does not parse"),
        "{warnings}"
    );
    assert!(warnings.contains("unknown version"), "{warnings}");
    assert!(
        warnings.contains("meal record that does not decode"),
        "{warnings}"
    );
    assert!(
        !warnings.contains("tiramisu"),
        "meal text in a warning: {warnings}"
    );

    // The damaged message ids are still marked processed; new writes work as before.
    let entry = meal("beans", at(28, 13, 0), date(28));
    assert!(matches!(
        store.log_meal(ALICE, 1, &entry).await.expect("log"),
        LogOutcome::Duplicate(_)
    ));
    store.log_meal(ALICE, 5, &entry).await.expect("log");
    assert_eq!(store.day(ALICE, date(28)).await.expect("day").len(), 2);
    // Forgetting removes damaged records too.
    store.delete_user(ALICE).await.expect("forget");
    drop(store);
    let alice = user_prefix(ALICE);
    assert!(all_keys(dir.path())
        .iter()
        .all(|(_, key)| !key.starts_with(&alice)));
}

#[tokio::test]
async fn a_reopened_store_keeps_everything() {
    let dir = temp_dir();
    let before = {
        let store = Store::open(dir.path()).expect("open");
        store.save_user(&settings(ALICE)).await.expect("save");
        for message in 0..30 {
            let entry = meal(
                "pear",
                at(28, 6 + (message / 10) as u32, message as u32),
                date(28),
            );
            store.log_meal(ALICE, message, &entry).await.expect("log");
        }
        store.rate_skin(ALICE, rating(28, 5)).await.expect("rate");
        store.export_user(ALICE).await.expect("export")
    };
    let store = reopen(dir.path());
    assert_eq!(store.export_user(ALICE).await.expect("export"), before);
    assert_eq!(before.entries.len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_are_all_stored_and_share_flushes() {
    const WRITERS: i64 = 32;
    const MEALS_EACH: i64 = 50;
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for message in 0..MEALS_EACH {
                let entry = meal("kimchi", at(28, 12, 0), date(28));
                // Half the writers share one user, so keys of one prefix interleave too.
                let (user, message_id) = if writer % 2 == 0 {
                    (ALICE, writer * 1_000 + message)
                } else {
                    (writer, message)
                };
                let outcome = store.log_meal(user, message_id, &entry).await?;
                assert!(matches!(outcome, LogOutcome::Stored(_)));
            }
            Ok::<(), StoreError>(())
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("writes");
    }
    let writes = (WRITERS * MEALS_EACH) as u64;
    let flushes = store.flush_count();
    assert!(
        flushes * 8 <= writes,
        "{flushes} flushes for {writes} writes: flushes are not shared"
    );
    assert!(flushes > 0);
    drop(store);

    let store = reopen(dir.path());
    let mut stored = store.day(ALICE, date(28)).await.expect("day").len();
    for writer in (1..WRITERS).step_by(2) {
        stored += store.day(writer, date(28)).await.expect("day").len();
    }
    assert_eq!(stored as u64, writes);
}

/// Set in the environment of the child process of the crash test: the database it writes.
const CRASH_DB_VAR: &str = "GUTSKIN_STORE_CRASH_DB";
/// Set with it: the first message id the child logs.
const CRASH_FIRST_MESSAGE_VAR: &str = "GUTSKIN_STORE_CRASH_FIRST_MESSAGE";
const CRASH_KILLS: u64 = 24;
const CRASH_IDS_PER_RUN: i64 = 1_000_000;

/// The child half of the crash test: logs meals from several concurrent writers and prints
/// `ack <message id>` once each write has returned, until it is killed. Without the crash
/// test's environment it does nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_child_logs_meals_until_killed() {
    let Some(path) = std::env::var_os(CRASH_DB_VAR) else {
        return;
    };
    let first: i64 = std::env::var(CRASH_FIRST_MESSAGE_VAR)
        .expect("first message id")
        .parse()
        .expect("a number");
    let store = Store::open(path).expect("open");
    let mut writers = Vec::new();
    for writer in 0..4 {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            // Bounded so that an orphaned child ends by itself.
            for n in 0..20_000 {
                let message_id = first + writer + 4 * n;
                let entry = meal("miso soup", at(28, 12, 0), date(28));
                store
                    .log_meal(ALICE, message_id, &entry)
                    .await
                    .expect("log");
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                writeln!(out, "ack {message_id}").expect("stdout");
                out.flush().expect("stdout");
            }
        }));
    }
    for writer in writers {
        writer.await.expect("writer");
    }
}

/// Kills its child process when dropped, so a failing assertion leaves no writer behind.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The issue's crash test: a process logging a stream of meals is SIGKILLed at varying
/// points, and every meal it acknowledged must be there when the database is reopened.
#[tokio::test]
async fn acknowledged_meals_survive_sigkill() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};

    let dir = temp_dir();
    let exe = std::env::current_exe().expect("test binary");
    let mut acknowledged: BTreeSet<i64> = BTreeSet::new();
    for kill in 0..CRASH_KILLS {
        let first = 1 + kill as i64 * CRASH_IDS_PER_RUN;
        let child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child_logs_meals_until_killed",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CRASH_DB_VAR, dir.path())
            .env(CRASH_FIRST_MESSAGE_VAR, first.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the child");
        let mut child = KillOnDrop(child);
        let stdout = child.0.stdout.take().expect("piped stdout");
        // Kill after a varying number of acknowledgements, mid-stream.
        let kill_after = 1 + (kill * 37) % 120;
        let mut acks = 0;
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.expect("read the child");
            if let Some(id) = line.strip_prefix("ack ") {
                acknowledged.insert(id.parse().expect("message id"));
                acks += 1;
                if acks == kill_after {
                    break;
                }
            }
        }
        assert_eq!(acks, kill_after, "the child stopped before being killed");
        // Child::kill is SIGKILL on Unix: no destructor, no final flush.
        child.0.kill().expect("kill");
        child.0.wait().expect("reap");
        // Lines the child printed between our last read and the kill were never read, so
        // they are not counted as acknowledged; that only makes the check weaker, not wrong.

        let store = reopen(dir.path());
        let stored: BTreeSet<i64> = store
            .export_user(ALICE)
            .await
            .expect("export")
            .entries
            .iter()
            .map(|meal| meal.id.message_id())
            .collect();
        let lost: Vec<_> = acknowledged.difference(&stored).collect();
        assert!(
            lost.is_empty(),
            "kill {kill}: acknowledged meals lost: {lost:?}"
        );
    }
    assert!(acknowledged.len() as u64 >= CRASH_KILLS);
}

#[tokio::test]
async fn logged_days_are_the_days_with_a_meal_left() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    // The 24th and 30th lie just outside the range asked about below, the 25th and 29th
    // are its first and last days.
    for (message, day) in [(1, 24), (2, 25), (3, 26), (4, 26), (5, 29), (6, 30)] {
        logged(
            &store,
            ALICE,
            message,
            meal("oats", at(day, 9, 0), date(day)),
        )
        .await;
    }
    // The 27th's only meal is undone; of the 26th's two, one is.
    let undone = logged(&store, ALICE, 7, meal("cake", at(27, 9, 0), date(27))).await;
    assert!(store.delete_meal(ALICE, undone).await.expect("undo"));
    let day_26 = store.day(ALICE, date(26)).await.expect("day");
    assert!(store.delete_meal(ALICE, day_26[0].id).await.expect("undo"));
    // A meal logged after midnight UTC for the day before counts for its diary day.
    logged(&store, ALICE, 8, meal("kefir", at(29, 1, 0), date(28))).await;
    // Another user's days are not Alice's.
    logged(&store, BOB, 1, meal("burger", at(27, 19, 0), date(27))).await;

    let days = store
        .logged_days(ALICE, date(25), date(29))
        .await
        .expect("logged days");
    assert_eq!(
        days,
        BTreeSet::from([date(25), date(26), date(28), date(29)])
    );
    // The same days as a full read finds.
    let full: BTreeSet<NaiveDate> = store
        .days(ALICE, date(25), date(29))
        .await
        .expect("days")
        .into_keys()
        .collect();
    assert_eq!(days, full);

    let single = |day| store.logged_days(ALICE, date(day), date(day));
    assert_eq!(single(24).await.expect("read"), BTreeSet::from([date(24)]));
    assert_eq!(single(30).await.expect("read"), BTreeSet::from([date(30)]));
    assert!(single(27).await.expect("read").is_empty(), "only undone");
    assert!(store
        .logged_days(ALICE, date(29), date(25))
        .await
        .expect("empty range")
        .is_empty());
    assert_eq!(
        store
            .logged_days(BOB, date(1), date(30))
            .await
            .expect("read"),
        BTreeSet::from([date(27)])
    );
    assert!(store
        .logged_days(42, date(1), date(30))
        .await
        .expect("read")
        .is_empty());
}

#[tokio::test]
async fn logged_days_skip_records_that_are_no_meal() {
    let dir = temp_dir();
    {
        let store = Store::open(dir.path()).expect("open");
        for (message, day) in [(1, 25), (2, 26), (3, 27)] {
            logged(
                &store,
                ALICE,
                message,
                meal("oats", at(day, 9, 0), date(day)),
            )
            .await;
        }
    }
    {
        let db = open_raw(dir.path());
        let meals = db.open_tree(MEALS).expect("tree");
        let keys: Vec<_> = meals.iter().keys().map(|key| key.expect("key")).collect();
        assert_eq!(keys.len(), 3);
        // An unknown version, an empty value, and a kind no record has.
        meals.insert(&keys[0], &b"\x63\x00"[..]).expect("write");
        meals.insert(&keys[1], &b""[..]).expect("write");
        meals
            .insert(&keys[2], &b"\x02\x07\x00\x00"[..])
            .expect("write");
        // A key of the wrong shape under Alice's prefix.
        let mut odd = user_prefix(ALICE).to_vec();
        odd.push(1);
        meals.insert(odd, &b"\x02\x00"[..]).expect("write");
        db.flush().expect("flush");
    }
    let store = reopen(dir.path());
    assert!(store
        .logged_days(ALICE, date(1), date(30))
        .await
        .expect("read")
        .is_empty());
    logged(&store, ALICE, 4, meal("pear", at(27, 12, 0), date(27))).await;
    assert_eq!(
        store
            .logged_days(ALICE, date(1), date(30))
            .await
            .expect("read"),
        BTreeSet::from([date(27)])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flush_runs_a_flush_and_keeps_everything() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    // Nothing written yet: a flush still runs, and succeeds.
    store.flush().await.expect("flush an empty store");
    assert_eq!(store.flush_count(), 1);

    store.save_user(&settings(ALICE)).await.expect("save");
    logged(&store, ALICE, 1, meal("oats", at(28, 8, 0), date(28))).await;
    store.rate_skin(ALICE, rating(28, 4)).await.expect("rate");
    let before = store.flush_count();
    store.flush().await.expect("flush");
    assert_eq!(
        store.flush_count(),
        before + 1,
        "a flush called alone runs its own"
    );

    // Flushes called together (as the transport and the digest may at shutdown) all end.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move { store.flush().await }));
    }
    for task in tasks {
        task.await.expect("task").expect("flush");
    }

    let export = store.export_user(ALICE).await.expect("export");
    drop(store);
    let store = reopen(dir.path());
    assert_eq!(store.export_user(ALICE).await.expect("export"), export);
    assert_eq!(export.entries.len(), 1);
}

/// The revision moves with every change to a user's meals, and only then, so that a copy of
/// their week made at one revision is known to be current while it stays.
#[tokio::test]
async fn the_revision_moves_with_every_change_to_a_users_meals() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    assert_eq!(store.revision(ALICE), 0);
    let oats = meal("oats", at(28, 8, 0), date(28));
    let id = logged(&store, ALICE, 5, oats.clone()).await;
    let mut expected = 1;
    assert_eq!(store.revision(ALICE), expected);
    assert_eq!(store.revision(BOB), 0, "another user's meal is not theirs");

    // A repeat, a rating and settings change no meal.
    store.log_meal(ALICE, 5, &oats).await.expect("again");
    store.rate_skin(ALICE, rating(28, 4)).await.expect("rate");
    store.save_user(&settings(ALICE)).await.expect("save");
    assert_eq!(store.revision(ALICE), expected);

    let edited = meal("oats and kefir", at(28, 8, 0), date(28));
    assert!(store
        .edit_meal(ALICE, 5, &edited)
        .await
        .expect("edit")
        .is_some());
    expected += 1;
    assert_eq!(store.revision(ALICE), expected);
    assert!(store.delete_meal(ALICE, id).await.expect("delete"));
    expected += 1;
    assert_eq!(store.revision(ALICE), expected);
    store.delete_user(ALICE).await.expect("forget");
    expected += 1;
    assert_eq!(store.revision(ALICE), expected);
}

/// `log_meal_and` runs the caller's work after the write and before it returns: that work
/// sees the meal, and what it made comes back with the outcome.
#[tokio::test]
async fn work_done_while_a_meal_is_flushed_sees_the_meal() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    let entry = meal("oats", at(28, 8, 0), date(28));
    let (outcome, seen) = store
        .log_meal_and(ALICE, 9, &entry, |outcome| {
            let store = store.clone();
            async move {
                let day = store.day(ALICE, date(28)).await.expect("read the day");
                (outcome, day.len())
            }
        })
        .await
        .expect("log");
    assert!(matches!(outcome, LogOutcome::Stored(_)));
    assert_eq!(seen, (outcome, 1));
    drop(store);
    let reopened = retry_open(|| Store::open(dir.path()));
    assert_eq!(reopened.day(ALICE, date(28)).await.expect("day").len(), 1);
}

/// Settings are kept decoded after a read or a save; what a read returns is always what was
/// saved last, and nothing after `/forget`.
#[tokio::test]
async fn settings_read_back_as_last_saved() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    assert_eq!(store.user(ALICE).await.expect("read"), None);
    let mut alice = settings(ALICE);
    store.save_user(&alice).await.expect("save");
    assert_eq!(store.user(ALICE).await.expect("read"), Some(alice.clone()));
    alice.zone = "Asia/Tokyo".to_string();
    alice.last_tip_id = Some("fibre_gap".to_string());
    store.save_user(&alice).await.expect("save again");
    assert_eq!(store.user(ALICE).await.expect("read"), Some(alice.clone()));
    // Many more people than are kept decoded: each still reads back as saved.
    let others = 10_000..15_000;
    for user in others.clone() {
        store.save_user(&settings(user)).await.expect("save");
    }
    for user in others.step_by(7) {
        assert_eq!(store.user(user).await.expect("read"), Some(settings(user)));
    }
    assert_eq!(store.user(ALICE).await.expect("read"), Some(alice));
    store.delete_user(ALICE).await.expect("forget");
    assert_eq!(store.user(ALICE).await.expect("read"), None);
    drop(store);
    let reopened = retry_open(|| Store::open(dir.path()));
    assert_eq!(reopened.user(BOB).await.expect("read"), None);
    assert_eq!(
        reopened.user(10_007).await.expect("read"),
        Some(settings(10_007))
    );
}

/// `update_user` changes settings atomically: many changes at once, each building on what
/// the one before stored, lose none.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn settings_updates_at_the_same_moment_all_stay() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("open");
    let mut alice = settings(ALICE);
    alice.last_tip_id = Some(String::new());
    store.save_user(&alice).await.expect("save");
    let updates: Vec<_> = (0..40)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .update_user(ALICE, |stored| {
                        let mut settings = stored?;
                        let mut tips = settings.last_tip_id.unwrap_or_default();
                        tips.push(char::from(b'a' + n % 26));
                        settings.last_tip_id = Some(tips);
                        Some(settings)
                    })
                    .await
                    .expect("update")
            })
        })
        .collect();
    for update in updates {
        assert!(update.await.expect("task").is_some());
    }
    let stored = store.user(ALICE).await.expect("read").expect("settings");
    assert_eq!(stored.last_tip_id.map(|tips| tips.len()), Some(40));
    // Someone without settings: nothing is created unless the change says so.
    let nothing = store
        .update_user(BOB, |stored| stored)
        .await
        .expect("update");
    assert_eq!(nothing, None);
    assert_eq!(store.user(BOB).await.expect("read"), None);
}

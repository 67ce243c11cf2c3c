//! The store's durable writes and its size on disk (issue 4), beside a raw sled baseline.
//!
//! Groups, each a function in [`GROUPS`] (add one there, e.g. the chat engine handling a
//! meal including its durable write, and it runs with the others and joins the summary):
//!
//! - `raw/insert_flush`: sled alone with its default configuration, one meal-sized insert
//!   then `flush_async`, one writer. The floor our layer is measured against.
//! - `store/log_meal_single`: `Store::log_meal` from one writer, entries already parsed.
//!   Target: at least 80 % of the raw rate.
//! - `store/log_meal_32_users`: 32 users logging concurrently through one `Store` (tokio
//!   tasks on two worker threads), so flushes are shared. Target: at least 5,000 meals/s.
//! - `engine/meal_single`: the conversation engine handling a meal text as the bot does
//!   (`Engine::handle`: read the person's settings, parse the text, log the entry durably,
//!   and while the flush runs add the meal to the person's week kept in memory, or read and
//!   score the week when that copy is not current, then render the reply; the reply is
//!   returned only once the flush is done), one writer, on an engine built as
//!   `gutskin run` builds it (built-in lexicon, knowledge base and diary settings). The meals
//!   go round [`ENGINE_USERS`] people who set their zone first, each eating four times a day.
//!   Target: at least 80 % of the raw rate (the summary prints the ratio).
//! - `engine/meal_32_users`: the same from 32 people at once, one task each. Target: at
//!   least 5,000 meals/s.
//! - `disk/bytes_per_meal` (a measurement, not a timing): 100,000 realistic meals logged
//!   through a fresh `Store`, then the directory's size divided by 100,000. Target: at most
//!   400 bytes.
//!
//! Every timing is in meals (elements) per second. After the groups a summary prints each
//! rate again (the mean of the measured samples) with the single writers' ratios to raw sled.
//! fsync dominates every timing, so rates move with the disk and with whatever else the
//! machine is doing; compare the ratios, which are taken from one run. The store flushes
//! with sled's blocking `flush` on tokio's blocking pool, which costs less than the
//! `flush_async` of the raw loop (see `store::flush`), so on a quiet disk the store's rate
//! can come out above raw.
//!
//! Run everything (about a minute and a half): `cargo bench --bench store`
//! Only the size on disk: `cargo bench --bench store -- bytes_per_meal`
//! Only the store's timings: `cargo bench --bench store -- 'raw|store'`
//! Only the engine's timings (with raw sled, for the ratio): `cargo bench --bench store -- 'raw|engine'`

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, Duration as TimeDelta, NaiveDate, TimeZone, Utc};
use criterion::{Criterion, SamplingMode, Throughput};
use gutskin::chat::{Engine, Incoming, Input, Outcome};
use gutskin::diary::{DiaryConfig, Entry};
use gutskin::food::Lexicon;
use gutskin::knowledge::KnowledgeBase;
use gutskin::store::Store;

/// The benchmark groups, in the order they run.
const GROUPS: &[fn(&mut Criterion, &Workload)] = &[
    raw_insert_flush,
    store_single_writer,
    store_concurrent_users,
    engine_single_writer,
    engine_concurrent_users,
];

/// Samples per timing. Each sample is many durable writes, so few are enough; the machine
/// has two shared cores, so the whole bench should stay within a couple of minutes.
const SAMPLES: usize = 10;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASUREMENT: Duration = Duration::from_secs(4);
/// Writers in the concurrent group (the "32 concurrent users").
const CONCURRENT_USERS: usize = 32;
/// Meals logged for the size measurement (the "after 100,000 meals").
const MEALS_FOR_SIZE: usize = 100_000;
/// Concurrent writers while filling the database for the size measurement, as a busy bot
/// would have; each writes its own users' meals in the order they were eaten.
const SIZE_WRITERS: usize = 32;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test --benches` and `cargo bench -- --test` run everything once, as a smoke test.
    let smoke_test = args.iter().any(|arg| arg == "--test");
    let filters: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|arg| !arg.starts_with('-'))
        .collect();

    let workload = Workload::new(if smoke_test { 2_000 } else { MEALS_FOR_SIZE });
    let mut criterion = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT)
        .configure_from_args();
    for group in GROUPS {
        group(&mut criterion, &workload);
    }
    criterion.final_summary();
    // A smoke test times one iteration of each, which says nothing about rates.
    if !smoke_test {
        print_rates();
    }

    // Criterion's filter is a regex over benchmark ids; a plain substring match is enough to
    // tell whether this measurement was asked for.
    let size_id = "disk/bytes_per_meal";
    if filters.is_empty() || filters.iter().any(|filter| size_id.contains(filter)) {
        if let Err(error) = measure_bytes_per_meal(&workload, smoke_test) {
            eprintln!("{size_id}: {error}");
            std::process::exit(1);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Workload: meals as people type them, parsed by the real lexicon.

/// Foods people log, each a phrase the lexicon knows.
const FOODS: &[&str] = &[
    "porridge",
    "blueberries",
    "kefir",
    "oats",
    "banana",
    "apple",
    "greek yogurt",
    "honey",
    "walnuts",
    "toast",
    "avocado",
    "scrambled eggs",
    "coffee",
    "green tea",
    "lentil soup",
    "sourdough",
    "chicken",
    "brown rice",
    "broccoli",
    "salmon",
    "sweet potato",
    "spinach",
    "pasta",
    "tomatoes",
    "garlic",
    "olive oil",
    "cheddar",
    "burger",
    "fries",
    "pizza",
    "beer",
    "red wine",
    "kimchi",
    "miso soup",
    "sushi",
    "hummus",
    "carrots",
    "cucumber",
    "chickpeas",
    "quinoa",
    "tofu",
    "almonds",
    "dark chocolate",
    "crisps",
    "biscuits",
    "chocolate cake",
    "ice cream",
    "orange juice",
    "granola",
    "peanut butter",
    "bagel",
    "ham",
    "mushrooms",
    "onion",
    "baked beans",
    "kebab",
    "noodles",
    "naan",
    "dal",
    "sauerkraut",
    "sausages",
    "bacon",
    "strawberries",
    "grapes",
    "mango",
    "chia seeds",
    "steak",
    "potatoes",
    "cola",
    "mackerel",
    "kale",
    "peas",
    "feta",
    "olives",
    "pear",
    "rye bread",
];

/// How people string foods together; `{}` is a food, `#` a small count.
const TEMPLATES: &[&str] = &[
    "{} with {}",
    "{}, {} and {}",
    "{} with {} and {}",
    "breakfast: {}, {} and {}",
    "lunch was {} with {}, then {}",
    "# {} and {}",
    "had {} and {} for dinner",
    "{}, {}, {} and {}",
    "{} with {} and {}, plus {}",
    "{} and {} 😋",
    "snack: {} and a handful of {}",
    "Dinner: {} with {}, {} and a bit of {}",
    "{} + {} + {}",
    "quick {} and {} at my desk",
    "{}, {}, {}, {} and {}",
    "breakfast was {} with {}, lunch {} and {}",
    "had {} with {} for lunch, then {} in the afternoon",
    "Dinner at my mum's: {}, {} and {}, then {} for dessert",
    "{} with {} and {} again, plus a few {} 🙈",
];

/// A small deterministic generator (SplitMix64), so every run logs the same meals.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// An entry for a meal text of 20-80 characters that the lexicon reads as 2-5 foods eaten.
fn meal_entry(lexicon: &Lexicon, random: &mut Random) -> Entry {
    loop {
        let template = random.pick(TEMPLATES);
        let mut text = String::new();
        for (index, part) in template.split("{}").enumerate() {
            if index > 0 {
                text.push_str(random.pick(FOODS));
            }
            text.push_str(&part.replace('#', &(2 + random.below(3)).to_string()));
        }
        if !(20..=80).contains(&text.chars().count()) {
            continue;
        }
        let meal = lexicon.parse(&text);
        let entry = Entry::from_meal(&meal, text.clone(), DateTime::UNIX_EPOCH, NaiveDate::MIN);
        if (2..=5).contains(&entry.items.len()) {
            return entry;
        }
    }
}

/// One meal to log: whose, which message, and the parsed entry.
struct LoggedMeal {
    user: i64,
    message_id: i64,
    entry: Entry,
}

/// Meals from many users over many days, in the order they were eaten.
struct Workload {
    meals: Vec<LoggedMeal>,
}

impl Workload {
    /// `count` meals: 1,000 users, each logging up to four meals a day in their own zone
    /// (UTC-8 to UTC+9, a 04:00 day cutoff), with message ids that rise by a few per meal
    /// as a chat's do (the bot's replies take ids too).
    fn new(count: usize) -> Workload {
        const USERS: usize = 1_000;
        const MEAL_HOURS: [i64; 4] = [8, 13, 19, 22];
        let lexicon = Lexicon::builtin().expect("the built-in lexicon loads");
        let mut random = Random(0x5eed);
        let users: Vec<(i64, i64)> = (0..USERS)
            .map(|_| {
                let chat_id = 100_000_000 + random.below(5_000_000_000) as i64;
                let zone_hours = random.below(18) as i64 - 8;
                (chat_id, zone_hours)
            })
            .collect();
        let mut next_message: Vec<i64> =
            (0..USERS).map(|_| 1 + random.below(5_000) as i64).collect();
        let first_day = NaiveDate::from_ymd_opt(2026, 1, 5).expect("a date");
        let mut meals = Vec::with_capacity(count);
        'days: for day in 0.. {
            let date = first_day + Days::new(day);
            for hour in MEAL_HOURS {
                for (index, &(user, zone_hours)) in users.iter().enumerate() {
                    if meals.len() == count {
                        break 'days;
                    }
                    // Most people log most meals; some skip some.
                    if random.below(100) >= 85 {
                        continue;
                    }
                    let local = date.and_hms_opt(0, 0, 0).expect("midnight")
                        + TimeDelta::hours(hour)
                        + TimeDelta::seconds(random.below(3_600) as i64);
                    let logged_at = Utc.from_utc_datetime(&(local - TimeDelta::hours(zone_hours)));
                    let local_day = (local - TimeDelta::hours(4)).date();
                    let mut entry = meal_entry(&lexicon, &mut random);
                    entry.logged_at = logged_at;
                    entry.local_day = local_day;
                    next_message[index] += 2 + random.below(5) as i64;
                    meals.push(LoggedMeal {
                        user,
                        message_id: next_message[index],
                        entry,
                    });
                }
            }
        }
        Workload { meals }
    }

    /// The meals with their text, for sizing a raw value like the store's record.
    fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.meals.iter().map(|meal| &meal.entry)
    }
}

// ---------------------------------------------------------------------------------------
// Timings.

/// (elements, time) of every timed run of each benchmark, for the summary.
static RUNS: Mutex<BTreeMap<&'static str, Vec<(u64, Duration)>>> = Mutex::new(BTreeMap::new());

/// Times the benchmark `id` ("group/name") in meals a second: `run(n)` logs `n` meals and
/// says how long they took. Each run is kept for the summary.
fn timed(criterion: &mut Criterion, id: &'static str, mut run: impl FnMut(u64) -> Duration) {
    let (group_name, name) = id.split_once('/').unwrap_or(("", id));
    let mut group = criterion.benchmark_group(group_name);
    group.throughput(Throughput::Elements(1));
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function(name, |bencher| {
        bencher.iter_custom(|iterations| {
            let took = run(iterations);
            record_run(id, iterations, took);
            took
        });
    });
    group.finish();
}

/// Writer `writer`'s part of `iterations` meals shared out among [`CONCURRENT_USERS`]
/// writers as evenly as they go.
fn share_of(iterations: u64, writer: usize) -> u64 {
    let writers = CONCURRENT_USERS as u64;
    iterations / writers + u64::from((writer as u64) < iterations % writers)
}

fn record_run(id: &'static str, elements: u64, took: Duration) {
    if let Ok(mut runs) = RUNS.lock() {
        runs.entry(id).or_default().push((elements, took));
    }
}

/// Mean elements/s over the last [`SAMPLES`] runs of `id` (criterion's measurement runs
/// come after its warm-up runs).
fn rate(id: &str) -> Option<f64> {
    let runs = RUNS.lock().ok()?;
    let runs = runs.get(id)?;
    let measured = &runs[runs.len().saturating_sub(SAMPLES)..];
    let elements: u64 = measured.iter().map(|(elements, _)| elements).sum();
    let took: Duration = measured.iter().map(|(_, took)| *took).sum();
    (took > Duration::ZERO).then(|| elements as f64 / took.as_secs_f64())
}

fn print_rates() {
    let Ok(runs) = RUNS.lock() else { return };
    let ids: Vec<&'static str> = runs.keys().copied().collect();
    drop(runs);
    if ids.is_empty() {
        return;
    }
    println!("\nsummary (mean of the measured samples, meals/s):");
    for id in &ids {
        if let Some(rate) = rate(id) {
            println!("  {id:<28} {rate:>10.0}");
        }
    }
    for (what, single_id, concurrent_id) in [
        ("store", SINGLE_ID, CONCURRENT_ID),
        ("engine", ENGINE_SINGLE_ID, ENGINE_CONCURRENT_ID),
    ] {
        if let (Some(raw), Some(single)) = (rate(RAW_ID), rate(single_id)) {
            println!(
                "  {what} single writer / raw sled: {:.0} % (target >= 80 %)",
                100.0 * single / raw
            );
        }
        if let Some(concurrent) = rate(concurrent_id) {
            println!(
                "  {what}, {CONCURRENT_USERS} users: {concurrent:.0} meals/s (target >= 5,000)"
            );
        }
    }
}

const RAW_ID: &str = "raw/insert_flush";
const SINGLE_ID: &str = "store/log_meal_single";
const CONCURRENT_ID: &str = "store/log_meal_32_users";
const ENGINE_SINGLE_ID: &str = "engine/meal_single";
const ENGINE_CONCURRENT_ID: &str = "engine/meal_32_users";

fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A value as big as a stored meal and made of the same data: the text, then each food and
/// plant name with nine bytes for its numbers.
fn raw_value(entry: &Entry) -> Vec<u8> {
    let mut value = entry.text.as_bytes().to_vec();
    for item in &entry.items {
        value.extend_from_slice(item.food.as_bytes());
        for plant in &item.plants {
            value.extend_from_slice(plant.as_bytes());
        }
        value.extend_from_slice(&[0; 9]);
    }
    value
}

fn raw_insert_flush(criterion: &mut Criterion, workload: &Workload) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = sled::open(dir.path()).expect("open sled");
    let meals: Vec<(i64, Vec<u8>)> = workload
        .meals
        .iter()
        .take(1_000)
        .map(|meal| (meal.user, raw_value(&meal.entry)))
        .collect();
    let runtime = runtime(2);
    let mut next_key: u64 = 0;
    timed(criterion, RAW_ID, |iterations| {
        runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..iterations {
                next_key += 1;
                // Keys of the store's shape and spread: the users of the workload,
                // then a rising number, as a user's days and messages rise.
                let (user, value) = &meals[next_key as usize % meals.len()];
                let mut key = [0u8; 20];
                key[..8].copy_from_slice(&user.to_be_bytes());
                key[8..16].copy_from_slice(&next_key.to_be_bytes());
                db.insert(key, value.as_slice()).expect("insert");
                db.flush_async().await.expect("flush");
            }
            start.elapsed()
        })
    });
}

fn store_single_writer(criterion: &mut Criterion, workload: &Workload) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(dir.path()).expect("open the store");
    let runtime = runtime(2);
    let mut next = 0usize;
    timed(criterion, SINGLE_ID, |iterations| {
        runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..iterations {
                next += 1;
                let meal = &workload.meals[next % workload.meals.len()];
                // A fresh message id each time, so every call is a new entry.
                store
                    .log_meal(meal.user, next as i64, &meal.entry)
                    .await
                    .expect("log a meal");
            }
            start.elapsed()
        })
    });
}

fn store_concurrent_users(criterion: &mut Criterion, workload: &Workload) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(dir.path()).expect("open the store");
    let runtime = runtime(2);
    let entries: std::sync::Arc<Vec<Entry>> =
        std::sync::Arc::new(workload.entries().take(1_000).cloned().collect());
    let mut round: i64 = 0;
    timed(criterion, CONCURRENT_ID, |iterations| {
        round += 1;
        runtime.block_on(async {
            let start = Instant::now();
            let mut tasks = Vec::with_capacity(CONCURRENT_USERS);
            for user in 0..CONCURRENT_USERS {
                let share = share_of(iterations, user);
                let store = store.clone();
                let entries = entries.clone();
                let first_message = round * 10_000_000;
                tasks.push(tokio::spawn(async move {
                    for n in 0..share as i64 {
                        let entry = &entries[(user + n as usize * 7) % entries.len()];
                        store
                            .log_meal(user as i64, first_message + n, entry)
                            .await
                            .expect("log a meal");
                    }
                }));
            }
            for task in tasks {
                task.await.expect("a writer task");
            }
            start.elapsed()
        })
    });
}

// ---------------------------------------------------------------------------------------
// The conversation engine: a meal message in, its reply out, the entry durable in between.

/// People the single engine writer's meals go round: as many as the workload has, so that
/// a meal's user, week and settings are rarely the last ones read, as in a real bot.
const ENGINE_USERS: i64 = 1_000;
/// Each person eats this often (four meals a day), so a week holds a realistic diary.
const HOURS_BETWEEN_MEALS: i64 = 6;
/// The zone everyone sets before logging (a person needs one; the engine asks first).
const ENGINE_ZONE: &str = "Europe/Berlin";

/// An engine as `gutskin run` opens it, on a fresh database in `dir`.
fn engine_on(dir: &Path) -> Engine {
    Engine::new(
        Arc::new(Lexicon::builtin().expect("the built-in lexicon")),
        Arc::new(KnowledgeBase::builtin().expect("the built-in knowledge base")),
        Arc::new(DiaryConfig::builtin().expect("the built-in diary settings")),
        Store::open(dir).expect("open the store"),
    )
}

/// When the meals start: people set their zone just before.
fn engine_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 6, 0, 0)
        .single()
        .expect("an instant")
}

/// Sets `users`' time zone through the engine (`/tz`), as a new person does first.
async fn set_zones(engine: &Engine, users: impl Iterator<Item = i64>) {
    let at = engine_start() - TimeDelta::hours(1);
    for user in users {
        let text = format!("/tz {ENGINE_ZONE}");
        engine
            .handle(Incoming {
                user,
                at,
                input: Input::Text {
                    message_id: 1,
                    text,
                },
            })
            .await;
        let settings = engine.store().user(user).await.expect("read the settings");
        assert!(
            settings.is_some_and(|settings| settings.zone == ENGINE_ZONE),
            "user {user} has no zone after /tz"
        );
    }
}

/// The `n`th meal (counting from 0) of a group of `users` people who take turns: whose it
/// is, and when it is sent, every person eating every [`HOURS_BETWEEN_MEALS`].
fn turn(first_user: i64, users: i64, n: u64) -> (i64, DateTime<Utc>) {
    let user = first_user + (n % users as u64) as i64;
    let step_ms = HOURS_BETWEEN_MEALS * 3_600_000 / users;
    (
        user,
        engine_start() + TimeDelta::milliseconds(step_ms * n as i64),
    )
}

/// Sends meal `text` as message `message_id` and checks it was logged.
async fn send_meal(engine: &Engine, user: i64, at: DateTime<Utc>, message_id: i64, text: &str) {
    let outcome: Outcome = engine
        .handle(Incoming {
            user,
            at,
            input: Input::Text {
                message_id,
                text: text.to_string(),
            },
        })
        .await;
    let reply = outcome
        .replies
        .first()
        .map_or("", |reply| reply.text.as_str());
    assert!(
        reply.starts_with("<b>Logged:</b>"),
        "{text:?} was not logged: {reply}"
    );
}

fn engine_single_writer(criterion: &mut Criterion, workload: &Workload) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let engine = engine_on(dir.path());
    let runtime = runtime(2);
    runtime.block_on(set_zones(&engine, 1..=ENGINE_USERS));
    let mut next: u64 = 0;
    timed(criterion, ENGINE_SINGLE_ID, |iterations| {
        runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..iterations {
                let (user, at) = turn(1, ENGINE_USERS, next);
                let text = &workload.meals[next as usize % workload.meals.len()]
                    .entry
                    .text;
                // Message ids after the one `/tz` took, new each time.
                send_meal(&engine, user, at, 2 + next as i64, text).await;
                next += 1;
            }
            start.elapsed()
        })
    });
}

fn engine_concurrent_users(criterion: &mut Criterion, workload: &Workload) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let engine = engine_on(dir.path());
    let runtime = runtime(2);
    runtime.block_on(set_zones(&engine, 1..=CONCURRENT_USERS as i64));
    let texts: Arc<Vec<String>> = Arc::new(
        workload
            .entries()
            .take(1_000)
            .map(|entry| entry.text.clone())
            .collect(),
    );
    // Meals each person has sent in the runs so far, so that time and message ids go on.
    let mut sent: u64 = 0;
    timed(criterion, ENGINE_CONCURRENT_ID, |iterations| {
        let first = sent;
        let most = iterations.div_ceil(CONCURRENT_USERS as u64);
        sent += most;
        runtime.block_on(async {
            let start = Instant::now();
            let mut tasks = Vec::with_capacity(CONCURRENT_USERS);
            for task in 0..CONCURRENT_USERS {
                let share = share_of(iterations, task);
                let (engine, texts) = (engine.clone(), texts.clone());
                let user = 1 + task as i64;
                tasks.push(tokio::spawn(async move {
                    for n in first..first + share {
                        let (_, at) = turn(user, 1, n);
                        let text = &texts[(task + n as usize * 7) % texts.len()];
                        send_meal(&engine, user, at, 2 + n as i64, text).await;
                    }
                }));
            }
            for task in tasks {
                task.await.expect("a writer task");
            }
            start.elapsed()
        })
    });
}

// ---------------------------------------------------------------------------------------
// Size on disk.

fn measure_bytes_per_meal(workload: &Workload, smoke_test: bool) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let meal_count = workload.meals.len();
    let text_bytes: usize = workload.entries().map(|entry| entry.text.len()).sum();
    let items: usize = workload.entries().map(|entry| entry.items.len()).sum();
    println!(
        "\ndisk/bytes_per_meal: logging {meal_count} meals ({:.1} text bytes and {:.2} foods a \
         meal on average) from {SIZE_WRITERS} concurrent writers...",
        text_bytes as f64 / meal_count as f64,
        items as f64 / meal_count as f64,
    );
    let runtime = runtime(2);
    let started = Instant::now();
    let size_while_open = runtime.block_on(async {
        let store = Store::open(dir.path()).map_err(|error| error.to_string())?;
        // Each writer takes the users whose chat id falls to it, so one user's meals are
        // logged in order, as the bot handles one chat's messages in order.
        let mut shares: Vec<Vec<usize>> = vec![Vec::new(); SIZE_WRITERS];
        for (index, meal) in workload.meals.iter().enumerate() {
            shares[meal.user.unsigned_abs() as usize % SIZE_WRITERS].push(index);
        }
        let meals = std::sync::Arc::new(
            workload
                .meals
                .iter()
                .map(|meal| (meal.user, meal.message_id, meal.entry.clone()))
                .collect::<Vec<_>>(),
        );
        let mut tasks = Vec::new();
        for share in shares {
            let store = store.clone();
            let meals = meals.clone();
            tasks.push(tokio::spawn(async move {
                for index in share {
                    let (user, message_id, entry) = &meals[index];
                    store.log_meal(*user, *message_id, entry).await?;
                }
                Ok::<(), gutskin::store::StoreError>(())
            }));
        }
        for task in tasks {
            task.await
                .map_err(|error| error.to_string())?
                .map_err(|error| error.to_string())?;
        }
        store.size_on_disk().map_err(|error| error.to_string())
    })?;
    let took = started.elapsed();

    // The store is dropped and sled finishes closing on its own threads; once the directory
    // opens again, what is on disk is what a restarted bot finds.
    let reopened = reopen(dir.path())?;
    let (file_bytes, allocated_bytes) = directory_size(dir.path())?;
    let sled_size = reopened.size_on_disk().map_err(|error| error.to_string())?;
    drop(reopened);
    let per_meal = |bytes: u64| bytes as f64 / meal_count as f64;
    println!(
        "disk/bytes_per_meal: {:.0} bytes a meal in file sizes ({file_bytes} bytes), \
         {:.0} allocated (du), {:.0} by sled's size_on_disk ({:.0} before closing); \
         logged in {:.1} s",
        per_meal(file_bytes),
        per_meal(allocated_bytes),
        per_meal(sled_size),
        per_meal(size_while_open),
        took.as_secs_f64(),
    );
    if !smoke_test {
        let verdict = if per_meal(file_bytes) <= 400.0 {
            "met"
        } else {
            "NOT met"
        };
        println!("disk/bytes_per_meal: target <= 400 bytes a meal: {verdict}");
    }
    Ok(())
}

/// Opens the store at `path` once sled has let go of it.
fn reopen(path: &Path) -> Result<Store, String> {
    let mut attempts = 0;
    loop {
        match Store::open(path) {
            Ok(store) => return Ok(store),
            Err(error) if attempts >= 100 => return Err(error.to_string()),
            Err(_) => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// The sum of the files' lengths and of the blocks allocated to them (what `du` counts).
fn directory_size(path: &Path) -> Result<(u64, u64), String> {
    use std::os::unix::fs::MetadataExt;
    let mut lengths = 0;
    let mut allocated = 0;
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for item in std::fs::read_dir(&dir).map_err(|error| error.to_string())? {
            let item = item.map_err(|error| error.to_string())?;
            let metadata = item.metadata().map_err(|error| error.to_string())?;
            if metadata.is_dir() {
                pending.push(item.path());
            } else {
                lengths += metadata.len();
                allocated += metadata.blocks() * 512;
            }
        }
    }
    Ok((lengths, allocated))
}

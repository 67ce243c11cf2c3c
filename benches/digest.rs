//! Composing digests (issue 6): 100,000 people with 30 days of diary each, on one core,
//! time and peak memory; then the full path with store reads, on a real sled database.
//!
//! Parts, in the order they run:
//!
//! - `digest/compose_one` (criterion): the pure composition of one digest
//!   (`digest::compose_from`: a diary's entries and ratings to the message) for a person
//!   with 30 days of meals, 1 in 7 of them a Sunday with the weekly report. It is given all
//!   30 days of entries, more than `read_diary` hands it (a week, and older days as dates
//!   only), so this errs on the slow side.
//! - `pure/100k` (one pass, printed): 100,000 generated people streamed one at a time
//!   (generate a diary, compose its digest, drop both), the compose time summed apart from
//!   the generation; then the process's peak memory (`VmHWM`). Targets: <= 10 s, <= 300 MB.
//! - `full/sled` (one pass, printed): a sled database with 2,000 people x 30 days (logged
//!   through `Store::log_meal`, as the bot does), then every digest composed through
//!   `digest::compose_for` (store reads + composition), one after another on a one-thread
//!   runtime; the per-digest time is extrapolated to 100,000. Logging 9 million meals into
//!   sled would take hours here, so the full path is measured on the smaller database.
//!   Also timed: building the start-up index (`Scheduler::new` reads every user once).
//!   Caveats: 2,000 people's diaries (some 30 MB on disk) do not fit in sled's page cache
//!   (`store::layout::CACHE_CAPACITY_BYTES`), so reads page in from the operating system's
//!   file cache as they would with 100,000 people, but a real disk that has to fetch them
//!   adds time the extrapolation does not see; and these people log on 99.7 % of days, so
//!   every streak runs back the whole month and every digest reads all 30 days (the worst
//!   case: someone whose streak broke this week costs a week of reads; the weeks before it
//!   are read as keys only, `Store::logged_days`).
//!
//! Run everything: `cargo bench --bench digest`
//! Only the one-pass measurements: `cargo bench --bench digest -- --skip-criterion`
//! Smoke test (small numbers): `cargo bench --bench digest -- --test`

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use criterion::Criterion;
use gutskin::chat::Engine;
use gutskin::diary::{DiaryConfig, Entry, SkinRating, Week};
use gutskin::digest::{self, DigestDiary};
use gutskin::food::Lexicon;
use gutskin::knowledge::KnowledgeBase;
use gutskin::store::{Store, UserSettings};

/// People composed in the pure pass (the 100,000).
const PURE_PEOPLE: usize = 100_000;
/// People in the sled database for the full path.
const SLED_PEOPLE: usize = 2_000;
/// Days of diary each person has, ending with the digest's day.
const DIARY_DAYS: u64 = 30;
/// Concurrent writers filling the database (flushes are shared between them).
const FILL_WRITERS: usize = 64;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test --benches` and `cargo bench -- --test` run everything once, small.
    let smoke_test = args.iter().any(|arg| arg == "--test");
    let skip_criterion = args.iter().any(|arg| arg == "--skip-criterion");
    let domain = Domain::load();

    if !skip_criterion && !smoke_test {
        let mut criterion = Criterion::default()
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        compose_one(&mut criterion, &domain);
        criterion.final_summary();
    }

    let people = if smoke_test { 1_000 } else { PURE_PEOPLE };
    pure_pass(&domain, people);
    let people = if smoke_test { 50 } else { SLED_PEOPLE };
    if let Err(error) = full_path(&domain, people) {
        eprintln!("full/sled: {error}");
        std::process::exit(1);
    }
}

/// The lexicon, knowledge base and diary settings, and a pool of parsed meals to draw from.
struct Domain {
    lexicon: Arc<Lexicon>,
    knowledge: Arc<KnowledgeBase>,
    diary: Arc<DiaryConfig>,
    meals: Vec<Entry>,
}

impl Domain {
    fn load() -> Domain {
        let lexicon = Lexicon::builtin().expect("the built-in lexicon");
        let mut random = Random(0x00d1_6e57);
        let meals = (0..2_000).map(|_| meal(&lexicon, &mut random)).collect();
        Domain {
            lexicon: Arc::new(lexicon),
            knowledge: Arc::new(KnowledgeBase::builtin().expect("the built-in knowledge base")),
            diary: Arc::new(DiaryConfig::builtin().expect("the built-in diary settings")),
            meals,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Generated diaries.

const FOODS: &[&str] = &[
    "porridge",
    "blueberries",
    "kefir",
    "banana",
    "apple",
    "greek yogurt",
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
    "burger",
    "fries",
    "pizza",
    "beer",
    "red wine",
    "kimchi",
    "miso soup",
    "hummus",
    "carrots",
    "chickpeas",
    "quinoa",
    "tofu",
    "almonds",
    "dark chocolate",
    "crisps",
    "biscuits",
    "chocolate cake",
    "ice cream",
    "granola",
    "mushrooms",
    "onion",
    "baked beans",
    "sauerkraut",
    "sausages",
    "strawberries",
    "kale",
];

const TEMPLATES: &[&str] = &[
    "{} with {}",
    "{}, {} and {}",
    "breakfast: {}, {} and {}",
    "lunch was {} with {}, then {}",
    "had {} and {} for dinner",
    "{} with {} and {}, plus {}",
    "snack: {} and a handful of {}",
];

/// SplitMix64: every run generates the same diaries.
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
}

/// A meal as people type it, parsed by the real lexicon (2 to 4 foods).
fn meal(lexicon: &Lexicon, random: &mut Random) -> Entry {
    loop {
        let template = TEMPLATES[random.below(TEMPLATES.len())];
        let mut text = String::new();
        for (index, part) in template.split("{}").enumerate() {
            if index > 0 {
                text.push_str(FOODS[random.below(FOODS.len())]);
            }
            text.push_str(part);
        }
        let parsed = lexicon.parse(&text);
        let entry = Entry::from_meal(&parsed, text.clone(), DateTime::UNIX_EPOCH, NaiveDate::MIN);
        if (2..=4).contains(&entry.items.len()) {
            return entry;
        }
    }
}

/// The first digest day; people's digest days spread over a week from here, so one in
/// seven composes the Sunday report.
fn first_digest_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date")
}

/// One person's 30 days: up to three meals a day (each logged with 85 % chance, at 08:00,
/// 13:00 and 19:00 UTC plus up to an hour) and a skin rating on 70 % of days.
fn diary(domain: &Domain, person: usize, random: &mut Random) -> DigestDiary {
    let day = first_digest_day() + Days::new((person % 7) as u64);
    let first = day - Days::new(DIARY_DAYS - 1);
    let mut entries = Vec::with_capacity(3 * DIARY_DAYS as usize);
    let mut ratings = Vec::new();
    let ratings_from = Week::containing(day).previous().monday();
    for date in first.iter_days().take(DIARY_DAYS as usize) {
        for hour in [8, 13, 19] {
            if random.below(100) < 85 {
                let mut entry = domain.meals[random.below(domain.meals.len())].clone();
                entry.local_day = date;
                entry.logged_at = at(date, hour, random.below(3_600) as i64);
                entries.push(entry);
            }
        }
        if random.below(100) < 70 && date >= ratings_from {
            let rating = 1 + random.below(5) as u8;
            ratings.push(SkinRating::new(date, rating, at(date, 21, 0)).expect("1-5"));
        }
    }
    DigestDiary {
        day,
        cutoff: NaiveTime::from_hms_opt(4, 0, 0).expect("04:00"),
        entries,
        earlier_logged_days: Vec::new(),
        ratings,
    }
}

fn at(date: NaiveDate, hour: u32, seconds: i64) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0).expect("an hour"))
        + TimeDelta::seconds(seconds)
}

// ---------------------------------------------------------------------------------------
// Measurements.

fn compose_one(criterion: &mut Criterion, domain: &Domain) {
    let mut random = Random(7);
    let diaries: Vec<DigestDiary> = (0..70)
        .map(|person| diary(domain, person, &mut random))
        .collect();
    let mut next = 0;
    criterion.bench_function("digest/compose_one", |bencher| {
        bencher.iter(|| {
            next = (next + 1) % diaries.len();
            digest::compose_from(
                &diaries[next],
                Some("fermented_daily"),
                &domain.knowledge,
                &domain.diary,
            )
        });
    });
}

/// The 100,000 pass: generate, compose, drop, one person at a time.
fn pure_pass(domain: &Domain, people: usize) {
    let mut random = Random(0x5eed);
    let mut composing = Duration::ZERO;
    let (mut bytes, mut sundays, mut nudges, mut meals) = (0usize, 0usize, 0usize, 0usize);
    let started = Instant::now();
    for person in 0..people {
        let diary = diary(domain, person, &mut random);
        meals += diary.entries.len();
        let before = Instant::now();
        let digest = digest::compose_from(&diary, None, &domain.knowledge, &domain.diary);
        composing += before.elapsed();
        bytes += digest.reply.text.len();
        sundays += usize::from(digest.weekly);
        nudges += usize::from(digest.nudge);
        std::hint::black_box(digest);
    }
    let total = started.elapsed();
    let peak = peak_memory_mb();
    println!(
        "\npure/100k: {people} digests ({meals} meals, {sundays} Sunday reports, {nudges} nudges, \
         {:.0} bytes of text on average)",
        bytes as f64 / people as f64
    );
    println!(
        "pure/100k: composing {:.2} s ({:.1} µs a digest); with generating the diaries {:.2} s; \
         peak memory (VmHWM) {peak}",
        composing.as_secs_f64(),
        composing.as_secs_f64() * 1e6 / people as f64,
        total.as_secs_f64(),
    );
    if people == PURE_PEOPLE {
        let verdict = |met: bool| if met { "met" } else { "NOT met" };
        println!(
            "pure/100k: target <= 10 s: {}; target <= 300 MB: see the peak above",
            verdict(composing <= Duration::from_secs(10))
        );
    }
}

/// The full path on sled: fill a database, then compose every digest from it.
fn full_path(domain: &Domain, people: usize) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let store = Store::open(dir.path()).map_err(|error| error.to_string())?;
    let engine = Engine::new(
        Arc::clone(&domain.lexicon),
        Arc::clone(&domain.knowledge),
        Arc::clone(&domain.diary),
        store.clone(),
    );

    // Fill: the diaries of the pure pass, logged as the bot logs them.
    let mut random = Random(0xf111);
    let diaries: Vec<(i64, DigestDiary)> = (0..people)
        .map(|person| {
            (
                1_000_000 + person as i64,
                diary(domain, person, &mut random),
            )
        })
        .collect();
    let meals: usize = diaries.iter().map(|(_, d)| d.entries.len()).sum();
    let filling = Instant::now();
    let fill = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    let diaries = Arc::new(diaries);
    fill.block_on(async {
        let mut writers = Vec::new();
        for writer in 0..FILL_WRITERS {
            let (store, diaries) = (store.clone(), Arc::clone(&diaries));
            writers.push(tokio::spawn(async move {
                for (user, diary) in diaries.iter().skip(writer).step_by(FILL_WRITERS) {
                    let mut settings =
                        UserSettings::new(*user, chrono_tz::UTC, DateTime::UNIX_EPOCH);
                    settings.digest_at = NaiveTime::from_hms_opt(21, 0, 0);
                    store.save_user(&settings).await?;
                    for (message_id, entry) in diary.entries.iter().enumerate() {
                        store.log_meal(*user, message_id as i64 + 1, entry).await?;
                    }
                    for rating in &diary.ratings {
                        store.rate_skin(*user, *rating).await?;
                    }
                }
                Ok::<(), gutskin::store::StoreError>(())
            }));
        }
        for writer in writers {
            writer
                .await
                .map_err(|error| error.to_string())?
                .map_err(|error| error.to_string())?;
        }
        Ok::<(), String>(())
    })?;
    drop(fill);
    println!(
        "\nfull/sled: {people} people, {meals} meals logged in {:.1} s",
        filling.elapsed().as_secs_f64()
    );

    // The digest task's start: every user's settings read once to build the index.
    let indexing = Instant::now();
    let scheduler = digest::Scheduler::new(
        engine.clone(),
        digest::RecordingSender::new(),
        digest::DigestConfig::default(),
        Utc::now(),
    )
    .map_err(|error| error.to_string())?;
    let indexing = indexing.elapsed();
    println!(
        "full/sled: the start-up index of {} people built in {:.1} ms ({:.1} µs a person)",
        scheduler.len(),
        indexing.as_secs_f64() * 1e3,
        indexing.as_secs_f64() * 1e6 / people as f64,
    );
    drop(scheduler);

    // Compose: one thread, one digest after another, as the scheduler's rounds read them.
    let one_core = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    let (reading, composing, through_engine) = one_core.block_on(async {
        let mut settings = Vec::with_capacity(diaries.len());
        for (user, _) in diaries.iter() {
            let found = engine
                .store()
                .user(*user)
                .await
                .map_err(|error| error.to_string())?;
            settings.push(found.ok_or("a user went missing")?);
        }
        // The engine's entry point, as the scheduler calls it: reads and composition. Twice:
        // the first pass runs just after the fill, while sled may still be writing behind.
        let mut through_engine = Vec::new();
        for _ in 0..2 {
            let started = Instant::now();
            for (settings, (_, generated)) in settings.iter().zip(diaries.iter()) {
                let digest = digest::compose_for(&engine, settings, generated.day)
                    .await
                    .map_err(|error| error.to_string())?;
                std::hint::black_box(digest);
            }
            through_engine.push(started.elapsed());
        }

        // The same again, in its two halves.
        let (mut reading, mut composing) = (Duration::ZERO, Duration::ZERO);
        for (settings, (user, generated)) in settings.iter().zip(diaries.iter()) {
            let before = Instant::now();
            let read = digest::read_diary(engine.store(), *user, generated.day, generated.cutoff)
                .await
                .map_err(|error| error.to_string())?;
            reading += before.elapsed();
            let week_from = generated.day - Days::new(digest::FIRST_READ_DAYS - 1);
            let logged = generated
                .entries
                .iter()
                .filter(|e| e.local_day >= week_from)
                .count();
            if read.entries.len() != logged {
                return Err(format!(
                    "user {user}: read {} entries of the last week, logged {logged}",
                    read.entries.len(),
                ));
            }
            let before = Instant::now();
            let digest = digest::compose_from(
                &read,
                settings.last_tip_id.as_deref(),
                &domain.knowledge,
                &domain.diary,
            );
            composing += before.elapsed();
            std::hint::black_box(digest);
        }
        Ok::<_, String>((reading, composing, through_engine))
    })?;
    let micros = |took: Duration| took.as_secs_f64() * 1e6 / people as f64;
    let passes: Vec<String> = through_engine
        .iter()
        .map(|took| format!("{:.0} µs", micros(*took)))
        .collect();
    println!(
        "full/sled: a digest through compose_for: {} (first and second pass); in halves: \
         store reads {:.0} µs, composing {:.0} µs",
        passes.join(", "),
        micros(reading),
        micros(composing),
    );
    let slowest = through_engine.iter().max().copied().unwrap_or_default();
    println!(
        "full/sled: extrapolated to {PURE_PEOPLE} from the slower pass: {:.1} s on one core \
         (warm file cache); peak memory (VmHWM) of the whole run {}",
        micros(slowest) * PURE_PEOPLE as f64 / 1e6,
        peak_memory_mb()
    );
    Ok(())
}

/// The process's peak resident memory, from `/proc/self/status`.
fn peak_memory_mb() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse::<f64>().ok())
        .map_or_else(
            || "unknown".to_string(),
            |kb| format!("{:.0} MB", kb / 1024.0),
        )
}

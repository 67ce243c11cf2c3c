//! The diary as people meet it: a day that runs to 04:00 in their own zone, also across clock
//! changes and moves; time zones typed as they come to mind; a score that matches what the FAQ
//! promises; weeks of plants, streaks, skin ratings, and the day context the tips read.
//!
//! Entries are built from real messages through the built-in lexicon, so these tests also
//! catch a lexicon change that would quietly move the score.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use gutskin::diary::{
    choose_zone, find_zone, low_skin_days, offset_label, parse_zone, streaks, ConfigError,
    DayClock, DaySummary, DiaryConfig, Entry, RatingError, ScorePartKind, ScoreWeights, SkinRating,
    Week, WeekSummary, ZoneError, BUILTIN_CONFIG, MAX_ZONE_CHARS,
};
use gutskin::food::{Category, Lexicon};
use gutskin::knowledge::KnowledgeBase;
use std::sync::OnceLock;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::builtin().expect("config/foods loads"))
}

fn weights() -> ScoreWeights {
    DiaryConfig::builtin()
        .expect("config/gutskin.toml loads")
        .score
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .with_timezone(&Utc)
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M").unwrap_or_else(|e| panic!("{text}: {e}"))
}

const LONDON: Tz = chrono_tz::Europe::London;
const NEW_YORK: Tz = chrono_tz::America::New_York;

/// A message logged at `at` (RFC 3339, any offset), filed under the day `clock` gives it.
fn logged(clock: &DayClock, at: &str, text: &str) -> Entry {
    let instant = utc(at);
    Entry::from_meal(
        &lexicon().parse(text),
        text,
        instant,
        clock.local_day(instant),
    )
}

fn hours(clock: &DayClock, day: &str) -> i64 {
    let (start, end) = clock.day_bounds(date(day));
    (end - start).num_minutes() / 60
}

// ---------------------------------------------------------------- the day and its cutoff

#[test]
fn a_late_snack_belongs_to_the_evening_before() {
    let clock = DayClock::new(LONDON);
    assert_eq!(clock.cutoff(), time("04:00"));
    // 10 March 2026 is in winter time: local is UTC.
    for (at, day) in [
        ("2026-03-10T00:00:00Z", "2026-03-09"),
        ("2026-03-10T01:30:00Z", "2026-03-09"),
        ("2026-03-10T03:59:59Z", "2026-03-09"),
        ("2026-03-10T04:00:00Z", "2026-03-10"),
        ("2026-03-10T12:00:00Z", "2026-03-10"),
        ("2026-03-10T23:59:59Z", "2026-03-10"),
    ] {
        assert_eq!(clock.local_day(utc(at)), date(day), "{at}");
    }
    let (start, end) = clock.day_bounds(date("2026-03-10"));
    assert_eq!(start, utc("2026-03-10T04:00:00Z"));
    assert_eq!(end, utc("2026-03-11T04:00:00Z"));
}

#[test]
fn the_cutoff_is_configurable() {
    let midnight = DayClock::with_cutoff(LONDON, time("00:00")).expect("00:00");
    assert_eq!(
        midnight.local_day(utc("2026-03-10T01:30:00Z")),
        date("2026-03-10")
    );
    let six = DayClock::with_cutoff(LONDON, time("06:00")).expect("06:00");
    assert_eq!(
        six.local_day(utc("2026-03-10T05:30:00Z")),
        date("2026-03-09")
    );
    assert!(DayClock::with_cutoff(LONDON, time("18:00")).is_err());
    let config = DiaryConfig::from_toml(&BUILTIN_CONFIG.replace("\"04:00\"", "\"05:15\""))
        .expect("a 05:15 cutoff");
    assert_eq!(config.clock(LONDON).cutoff(), time("05:15"));
}

#[test]
fn clock_change_days_are_23_and_25_hours_long() {
    // With the 04:00 cutoff the change at 01:00/02:00 on Sunday falls in Saturday's day.
    let london = DayClock::new(LONDON);
    assert_eq!(hours(&london, "2025-03-28"), 24);
    assert_eq!(hours(&london, "2025-03-29"), 23);
    assert_eq!(hours(&london, "2025-03-30"), 24);
    assert_eq!(hours(&london, "2025-10-25"), 25);
    assert_eq!(hours(&london, "2025-10-26"), 24);
    let (start, end) = london.day_bounds(date("2025-03-29"));
    assert_eq!(start, utc("2025-03-29T04:00:00Z")); // 04:00 GMT
    assert_eq!(end, utc("2025-03-30T03:00:00Z")); // 04:00 BST

    let new_york = DayClock::new(NEW_YORK);
    assert_eq!(hours(&new_york, "2025-03-08"), 23);
    assert_eq!(hours(&new_york, "2025-03-09"), 24);
    assert_eq!(hours(&new_york, "2025-11-01"), 25);
    assert_eq!(hours(&new_york, "2025-11-02"), 24);

    // With a midnight cutoff the short and long days are the change days themselves.
    let midnight = DayClock::with_cutoff(LONDON, time("00:00")).expect("00:00");
    assert_eq!(hours(&midnight, "2025-03-30"), 23);
    assert_eq!(hours(&midnight, "2025-10-26"), 25);
}

#[test]
fn a_cutoff_inside_the_spring_gap_starts_the_day_when_the_gap_ends() {
    // London skips 01:00-02:00 on 30 March 2025; a 01:30 cutoff does not exist that night.
    let london = DayClock::with_cutoff(LONDON, time("01:30")).expect("01:30");
    let (start, _) = london.day_bounds(date("2025-03-30"));
    assert_eq!(start, utc("2025-03-30T01:00:00Z")); // 02:00 BST
    assert_eq!(hours(&london, "2025-03-29"), 23);
    assert_eq!(
        london.local_day(utc("2025-03-30T00:59:59Z")),
        date("2025-03-29")
    );
    assert_eq!(
        london.local_day(utc("2025-03-30T01:00:00Z")),
        date("2025-03-30")
    );

    // New York skips 02:00-03:00 on 9 March 2025.
    let new_york = DayClock::with_cutoff(NEW_YORK, time("02:30")).expect("02:30");
    let (start, _) = new_york.day_bounds(date("2025-03-09"));
    assert_eq!(start, utc("2025-03-09T07:00:00Z")); // 03:00 EDT
    assert_eq!(
        new_york.local_day(utc("2025-03-09T06:59:00Z")),
        date("2025-03-08")
    );
}

#[test]
fn a_cutoff_inside_the_autumn_fold_starts_the_day_at_its_first_reading() {
    // London reads 01:00-02:00 twice on 26 October 2025.
    let london = DayClock::with_cutoff(LONDON, time("01:30")).expect("01:30");
    let (start, _) = london.day_bounds(date("2025-10-26"));
    assert_eq!(start, utc("2025-10-26T00:30:00Z")); // the first 01:30, BST
    assert_eq!(hours(&london, "2025-10-25"), 24);
    assert_eq!(hours(&london, "2025-10-26"), 25);
    // The second pass through 01:00 reads earlier than the cutoff, but the day has begun.
    assert_eq!(
        london.local_day(utc("2025-10-26T01:05:00Z")),
        date("2025-10-26")
    );
    assert_eq!(
        london.local_day(utc("2025-10-26T00:29:00Z")),
        date("2025-10-25")
    );

    let new_york = DayClock::with_cutoff(NEW_YORK, time("01:30")).expect("01:30");
    let (start, _) = new_york.day_bounds(date("2025-11-02"));
    assert_eq!(start, utc("2025-11-02T05:30:00Z")); // the first 01:30, EDT
}

#[test]
fn a_user_who_moves_sees_the_same_instant_on_another_day() {
    let london = DayClock::new(LONDON);
    let new_york = london.in_zone(NEW_YORK);
    let tokyo = london.in_zone(chrono_tz::Asia::Tokyo);
    assert_eq!(new_york.cutoff(), london.cutoff());

    // 06:00 in London, 02:00 in New York (before its cutoff), 15:00 in Tokyo.
    let morning = utc("2026-03-10T06:00:00Z");
    assert_eq!(london.local_day(morning), date("2026-03-10"));
    assert_eq!(new_york.local_day(morning), date("2026-03-09"));
    assert_eq!(tokyo.local_day(morning), date("2026-03-10"));

    // 20:00 in London is already 05:00 the next day in Tokyo.
    let evening = utc("2026-03-10T20:00:00Z");
    assert_eq!(london.local_day(evening), date("2026-03-10"));
    assert_eq!(tokyo.local_day(evening), date("2026-03-11"));

    // Entries keep the day they were filed under: moving does not rewrite history.
    let entry = logged(&london, "2026-03-10T06:00:00Z", "porridge");
    assert_eq!(entry.local_day, date("2026-03-10"));
    let summary = DaySummary::new(date("2026-03-10"), [&entry], &weights());
    assert_eq!(summary.entries, 1);
}

#[test]
fn weeks_turn_over_at_the_monday_cutoff() {
    let clock = DayClock::new(LONDON);
    // Sunday 15 March 2026, 23:00 GMT.
    let sunday_night = clock.local_day(utc("2026-03-15T23:00:00Z"));
    let monday_small_hours = clock.local_day(utc("2026-03-16T03:59:00Z"));
    let monday_morning = clock.local_day(utc("2026-03-16T04:00:00Z"));
    assert_eq!(sunday_night, date("2026-03-15"));
    assert_eq!(monday_small_hours, date("2026-03-15"));
    assert_eq!(monday_morning, date("2026-03-16"));
    assert_eq!(clock.weekday(sunday_night), 7);
    assert_eq!(clock.weekday(monday_morning), 1);

    let last_week = clock.week_of(monday_small_hours);
    let this_week = clock.week_of(monday_morning);
    assert_eq!(last_week.monday(), date("2026-03-09"));
    assert_eq!(last_week.sunday(), date("2026-03-15"));
    assert_eq!(this_week.monday(), date("2026-03-16"));
    assert_eq!(last_week.next(), this_week);
    assert_eq!(this_week.days().count(), 7);

    // Plants follow their day into the right week.
    let entries = [
        logged(&clock, "2026-03-15T23:00:00Z", "an apple"),
        logged(&clock, "2026-03-16T03:59:00Z", "a banana"),
        logged(&clock, "2026-03-16T04:00:00Z", "a pear"),
    ];
    let w = weights();
    let last = WeekSummary::new(last_week, &entries, &[], &w);
    let this = WeekSummary::new(this_week, &entries, &[], &w);
    assert_eq!(last.plants, ["apple", "banana"]);
    assert_eq!(this.plants, ["pear"]);
}

#[test]
fn weeks_across_a_clock_change_still_have_seven_days() {
    let clock = DayClock::new(LONDON);
    let week = clock.week_of(date("2025-03-30"));
    assert_eq!(week, Week::containing(date("2025-03-24")));
    let total: i64 = week
        .days()
        .map(|day| {
            let (start, end) = clock.day_bounds(day);
            (end - start).num_hours()
        })
        .sum();
    assert_eq!(total, 7 * 24 - 1);
}

// ---------------------------------------------------------------- time zones as typed

fn offset_hours_on(tz: Tz, at: &str) -> f32 {
    tz.offset_from_utc_datetime(&utc(at).naive_utc())
        .fix()
        .local_minus_utc() as f32
        / 3600.0
}

#[test]
fn iana_names_in_any_case() {
    for (text, zone) in [
        ("Europe/London", LONDON),
        ("europe/london", LONDON),
        ("EUROPE/LONDON", LONDON),
        ("  Europe/Paris ", chrono_tz::Europe::Paris),
        ("America/New_York", NEW_YORK),
        ("america/new york", NEW_YORK),
        (
            "America/Argentina/Buenos_Aires",
            chrono_tz::America::Argentina::Buenos_Aires,
        ),
        ("America/Port au Prince", chrono_tz::America::PortauPrince),
        ("Asia/Kolkata", chrono_tz::Asia::Kolkata),
        ("UTC", chrono_tz::UTC),
        // The IANA name keeps its POSIX meaning: three hours *behind* UTC.
        ("Etc/GMT+3", chrono_tz::Etc::GMTPlus3),
    ] {
        assert_eq!(parse_zone(text), Ok(zone), "{text}");
    }
}

#[test]
fn utc_offsets_as_people_write_them() {
    for (text, hours) in [
        ("UTC+2", 2.0),
        ("utc+2", 2.0),
        ("UTC +2", 2.0),
        ("UTC+02:00", 2.0),
        ("+2", 2.0),
        ("+02", 2.0),
        ("GMT-3", -3.0),
        ("gmt -03:00", -3.0),
        ("UTC\u{2212}5", -5.0), // a typographic minus sign
        ("-0800", -8.0),
        ("UTC-12", -12.0),
        ("UTC+14", 14.0),
        ("UTC", 0.0),
        ("GMT", 0.0),
        ("UTC+0", 0.0),
        ("+05:30", 5.5),
        ("UTC+5:30", 5.5),
        ("UTC+5.5", 5.5),
        ("UTC+5.30", 5.5),
        ("+0530", 5.5),
        ("+05:45", 5.75),
        ("UTC+9:30", 9.5),
    ] {
        let tz = parse_zone(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        // Checked in July and January: fixed offsets and Kolkata/Kathmandu/Darwin have no DST.
        assert_eq!(
            offset_hours_on(tz, "2026-01-15T12:00:00Z"),
            hours,
            "{text} -> {tz}"
        );
        assert_eq!(
            offset_hours_on(tz, "2026-07-15T12:00:00Z"),
            hours,
            "{text} -> {tz}"
        );
    }
    assert_eq!(parse_zone("UTC+2"), Ok(chrono_tz::Etc::GMTMinus2));
    assert_eq!(parse_zone("+05:30"), Ok(chrono_tz::Asia::Kolkata));
    // Half-hour offsets of places with clock changes follow them.
    assert_eq!(parse_zone("-03:30"), Ok(chrono_tz::America::St_Johns));
    assert_eq!(parse_zone("-02:30"), Ok(chrono_tz::America::St_Johns));
}

#[test]
fn offsets_that_cannot_be_a_zone() {
    assert_eq!(
        parse_zone("UTC+15"),
        Err(ZoneError::OffsetOutOfRange(15 * 60))
    );
    assert_eq!(
        parse_zone("-13"),
        Err(ZoneError::OffsetOutOfRange(-13 * 60))
    );
    assert_eq!(parse_zone("+03:15"), Err(ZoneError::NoPlaceWithOffset(195)));
    for bad in [
        "+5:7",
        "UTC+abc",
        "+123456",
        "UTC+",
        "-",
        "+5:60",
        "GMT+1.234",
    ] {
        assert!(
            matches!(parse_zone(bad), Err(ZoneError::BadOffset(_))),
            "{bad}: {:?}",
            parse_zone(bad)
        );
    }
    let message = parse_zone("+03:15").expect_err("no such place").to_string();
    assert!(
        message.contains("+03:15") && message.contains("city"),
        "{message}"
    );
}

#[test]
fn cities_as_people_type_them() {
    use chrono_tz::{America, Asia, Australia, Europe};
    for (text, zone) in [
        ("London", LONDON),
        ("london", LONDON),
        ("new york", NEW_YORK),
        ("New York City", NEW_YORK),
        ("NYC", NEW_YORK),
        ("Paris", Europe::Paris),
        ("Tokyo", Asia::Tokyo),
        ("Sydney", Australia::Sydney),
        ("Mumbai", Asia::Kolkata),
        ("Delhi", Asia::Kolkata),
        ("new delhi", Asia::Kolkata),
        ("São Paulo", America::Sao_Paulo),
        ("sao paulo", America::Sao_Paulo),
        ("SAO_PAULO", America::Sao_Paulo),
        ("Beijing", Asia::Shanghai),
        ("San Francisco", America::Los_Angeles),
        ("LA", America::Los_Angeles),
        ("Seattle", America::Los_Angeles),
        ("Washington", America::New_York),
        ("Boston", America::New_York),
        ("Miami", America::New_York),
        ("Chicago", America::Chicago),
        ("Buenos Aires", America::Argentina::Buenos_Aires),
        ("Zürich", Europe::Zurich),
        ("zurich", Europe::Zurich),
        ("Ho Chi Minh City", Asia::Ho_Chi_Minh),
        ("Kyiv", Europe::Kyiv),
        ("München", Europe::Berlin),
        ("Los Angeles", America::Los_Angeles),
        ("Hong Kong", Asia::Hong_Kong),
        ("EST", America::New_York), // people mean the clock that changes in summer
        ("😀 London", LONDON),      // an emoji beside a city is decoration
    ] {
        assert_eq!(parse_zone(text), Ok(zone), "{text}");
    }
}

#[test]
fn garbage_empty_emoji_and_very_long_input_are_refused() {
    assert_eq!(parse_zone(""), Err(ZoneError::Empty));
    assert_eq!(parse_zone("   \n\t"), Err(ZoneError::Empty));
    for text in [
        "🍕",
        "🇬🇧",
        "😀😀😀",
        "asdfgh",
        "banana",
        "12345",
        "my kitchen",
        "Europe/Atlantis",
    ] {
        assert!(
            matches!(parse_zone(text), Err(ZoneError::Unknown { .. })),
            "{text}: {:?}",
            parse_zone(text)
        );
    }
    let long = "London ".repeat(100);
    assert_eq!(parse_zone(&long), Err(ZoneError::TooLong));
    let at_limit = "x".repeat(MAX_ZONE_CHARS);
    assert!(matches!(
        parse_zone(&at_limit),
        Err(ZoneError::Unknown { .. })
    ));
    let emoji_flood = "🕐".repeat(10_000);
    assert_eq!(parse_zone(&emoji_flood), Err(ZoneError::TooLong));
}

#[test]
fn a_typo_is_offered_as_a_suggestion_not_applied() {
    for (text, meant) in [
        ("Londn", LONDON),
        ("Amsterdm", chrono_tz::Europe::Amsterdam),
        ("Europe/Pariss", chrono_tz::Europe::Paris),
        ("San Fransisco", chrono_tz::America::Los_Angeles),
    ] {
        match parse_zone(text) {
            Err(ZoneError::Unknown { suggestion, .. }) => {
                assert_eq!(suggestion, Some(meant), "{text}")
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    let message = parse_zone("Londn").expect_err("typo").to_string();
    assert!(message.contains("Europe/London"), "{message}");
    match parse_zone("qwertyuiop") {
        Err(ZoneError::Unknown { suggestion, .. }) => assert_eq!(suggestion, None),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_zone_name_reads_back() {
    for tz in chrono_tz::TZ_VARIANTS {
        let parsed = parse_zone(tz.name()).unwrap_or_else(|e| panic!("{}: {e}", tz.name()));
        // Only legacy one-word names ("EST", "Japan") may be redirected, by the alias table,
        // to the zone people mean; every Region/City name reads back as itself.
        if tz.name().contains('/') {
            assert_eq!(parsed, tz, "{}", tz.name());
        }
    }
}

// ---------------------------------------------------------------- the score

fn day_of(texts: &[&str]) -> DaySummary {
    let clock = DayClock::new(LONDON);
    let entries: Vec<Entry> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let at = utc("2026-03-10T08:00:00Z") + Duration::hours(3 * i as i64);
            Entry::from_meal(&lexicon().parse(text), *text, at, clock.local_day(at))
        })
        .collect();
    DaySummary::new(date("2026-03-10"), &entries, &weights())
}

#[test]
fn an_empty_day_scores_0_with_no_parts() {
    let day = day_of(&[]);
    assert_eq!(day.score.total, 0);
    assert!(day.score.parts.is_empty());
    assert!(!day.logged_anything());
    assert_eq!(weights().score(Default::default(), 0.0, 0).total, 0);
}

#[test]
fn a_day_of_only_harmful_food_scores_0() {
    let day = day_of(&[
        "2 beers and a burger",
        "crisps and a coke",
        "chocolate cake",
    ]);
    assert_eq!(day.score.total, 0, "{:?}", day.score);
    for harmful in [
        Category::Alcohol,
        Category::FastFood,
        Category::UltraProcessed,
        Category::Sugar,
    ] {
        assert!(
            day.score
                .parts
                .iter()
                .any(|p| p.kind == ScorePartKind::Harmful(harmful) && p.points < 0),
            "{harmful}: {:?}",
            day.score.parts
        );
    }
}

#[test]
fn a_varied_healthy_day_scores_80_or_more() {
    let day = day_of(&[
        "porridge with blueberries and kefir",
        "lentil soup with spinach, onion, garlic and olive oil",
        "salmon with broccoli and quinoa",
        "an apple and a handful of walnuts",
    ]);
    assert!(day.score.total >= 80, "{:?}", day.score);
    assert!(day.fibre_g >= 25.0, "{}", day.fibre_g);
    assert!(day.plants.len() >= 8, "{:?}", day.plants);
    // Every part is positive and they add up to the total (nothing clamped).
    let sum: i32 = day.score.parts.iter().map(|p| p.points).sum();
    assert_eq!(sum, i32::from(day.score.total));
}

#[test]
fn the_design_example_breakfast_lands_mid_range() {
    let day = day_of(&["porridge with blueberries and kefir"]);
    assert!((40..=65).contains(&day.score.total), "{:?}", day.score);
    let kinds: Vec<ScorePartKind> = day.score.parts.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            ScorePartKind::Helpful(Category::Fiber),
            ScorePartKind::Helpful(Category::Polyphenol),
            ScorePartKind::Helpful(Category::Fermented),
            ScorePartKind::Fibre,
            ScorePartKind::Plants,
        ]
    );
    assert_eq!(day.plants, ["oat", "blueberry"]);
}

#[test]
fn a_harmful_group_takes_points_off_a_good_day() {
    let good = day_of(&["porridge with blueberries and kefir"]);
    let mixed = day_of(&["porridge with blueberries and kefir", "a glass of wine"]);
    let wine = -weights().group_points(Category::Alcohol);
    assert!(wine > 0);
    assert_eq!(
        i32::from(good.score.total) - i32::from(mixed.score.total),
        wine
    );
    // A group counts once a day, however often it is logged.
    let twice = day_of(&[
        "porridge with blueberries and kefir",
        "a glass of wine",
        "another glass of wine",
    ]);
    assert_eq!(twice.score.total, mixed.score.total);
}

#[test]
fn negated_foods_are_not_logged_and_do_not_score() {
    let clock = DayClock::new(LONDON);
    let entry = logged(
        &clock,
        "2026-03-10T08:00:00Z",
        "oats with blueberries, didn't have the kefir",
    );
    let foods: Vec<&str> = entry.items.iter().map(|i| i.food.as_str()).collect();
    assert_eq!(foods, ["oats", "blueberries"]);
    assert!(!entry.categories().contains(Category::Fermented));
    // The record survives a round trip through serde, as the store will need.
    let json = serde_json::to_string(&entry).expect("serialises");
    assert_eq!(
        serde_json::from_str::<Entry>(&json).expect("reads back"),
        entry
    );
}

#[test]
fn the_score_matches_what_the_faq_promises() {
    let kb = KnowledgeBase::builtin().expect("config/knowledge.toml loads");
    let answer = &kb.topic("score").expect("score topic").answer;
    for promise in [
        "0 to 100",
        "25-35 g",
        "plant variety",
        "config/gutskin.toml",
    ] {
        assert!(
            answer.contains(promise),
            "the FAQ no longer says {promise:?}"
        );
    }
    let w = weights();
    assert_eq!(w.full_marks(), 100);
    assert_eq!(w.fibre_full_g(), 25.0, "the FAQ's range starts at 25 g");
    for category in Category::ALL {
        let points = w.group_points(category);
        if category.is_harmful() {
            assert!(points < 0, "{category} must take points off");
        } else {
            assert!(points > 0, "{category} must earn points");
        }
    }
}

// ---------------------------------------------------------------- the weights file

fn config_with(from: &str, to: &str) -> Result<DiaryConfig, ConfigError> {
    assert!(BUILTIN_CONFIG.contains(from), "{from:?} not in the file");
    DiaryConfig::from_toml(&BUILTIN_CONFIG.replacen(from, to, 1))
}

#[test]
fn bad_weights_files_are_refused_with_the_setting_at_fault() {
    let cases: [(&str, &str, &str); 10] = [
        ("fermented = 12", "", "fermented is missing"),
        (
            "fermented = 12",
            "fermented = 12\nkale = 3",
            "\"kale\" is not a category id",
        ),
        (
            "sugar = 12",
            "sugar = 12\nfiber = 12",
            "fiber belongs under [score.helpful]",
        ),
        ("fermented = 12", "fermented = 13", "add up to 101, not 100"),
        ("alcohol = 12", "alcohol = 120", "must be 0 to 100, not 120"),
        ("alcohol = 12", "alcohol = -5", "not valid"),
        (
            "full_at_g = 25.0",
            "full_at_g = 0.0",
            "full_at_g: must be 1 to 100 g",
        ),
        ("full_at_g = 25.0", "full_at_g = nan", "full_at_g"),
        (
            "cutoff = \"04:00\"",
            "cutoff = \"16:00\"",
            "between 00:00 and 12:00",
        ),
        ("cutoff = \"04:00\"", "cutoff = \"4am\"", "HH:MM"),
    ];
    for (from, to, expected) in cases {
        let error = config_with(from, to).expect_err(to).to_string();
        assert!(error.contains(expected), "{to:?}: {error}");
    }
    // A misspelt key is an error, not a silent default.
    let error = config_with("points_each = 2", "points_eash = 2")
        .expect_err("misspelt key")
        .to_string();
    assert!(error.contains("points_eash"), "{error}");
    let error = config_with("points_each = 2", "points_each = 0")
        .expect_err("unreachable plant points")
        .to_string();
    assert!(error.contains("never be earned"), "{error}");
    assert!(DiaryConfig::from_toml("not toml at all [").is_err());
    assert!(DiaryConfig::from_toml("").is_err());
}

#[test]
fn an_edited_weights_file_loads_from_disk() {
    let dir = std::env::temp_dir().join(format!("gutskin-diary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("gutskin.toml");
    // Fermented worth more, prebiotics less: still 100 in full; other layers' tables pass.
    let edited = BUILTIN_CONFIG
        .replacen("fermented = 12", "fermented = 16", 1)
        .replacen("prebiotic = 12", "prebiotic = 8", 1)
        + "\n[digest]\nhour = 20\n";
    std::fs::write(&path, edited).expect("write");
    let config = DiaryConfig::load(&path).expect("edited file loads");
    assert_eq!(config.score.group_points(Category::Fermented), 16);
    std::fs::remove_dir_all(&dir).expect("clean up");

    match DiaryConfig::load(&dir.join("missing.toml")) {
        Err(ConfigError::Io { path, .. }) => assert!(path.ends_with("missing.toml")),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- weeks, streaks, ratings

#[test]
fn the_week_counts_distinct_plants_monday_to_sunday() {
    let clock = DayClock::new(LONDON);
    let entries = [
        logged(
            &clock,
            "2026-03-09T08:00:00Z",
            "porridge with blueberries and kefir",
        ),
        logged(&clock, "2026-03-10T08:00:00Z", "porridge with blueberries"),
        logged(&clock, "2026-03-10T13:00:00Z", "lentil soup with spinach"),
        logged(&clock, "2026-03-12T19:00:00Z", "2 beers and a burger"),
        logged(&clock, "2026-03-08T12:00:00Z", "an apple"), // the Sunday before
        logged(&clock, "2026-03-16T12:00:00Z", "a pear"),   // the Monday after
    ];
    let ratings = [
        SkinRating::new(date("2026-03-09"), 3, utc("2026-03-09T21:00:00Z")).expect("3"),
        SkinRating::new(date("2026-03-10"), 2, utc("2026-03-10T21:00:00Z")).expect("2"),
        // Re-rated the next morning: the latest tap counts.
        SkinRating::new(date("2026-03-10"), 4, utc("2026-03-11T08:00:00Z")).expect("4"),
    ];
    let week = WeekSummary::new(
        clock.week_of(date("2026-03-11")),
        &entries,
        &ratings,
        &weights(),
    );
    assert_eq!(week.days.len(), 7);
    // Lentil soup counts its lentils and carrots.
    assert_eq!(
        week.plants,
        ["oat", "blueberry", "lentil", "carrot", "spinach"]
    );
    assert_eq!(week.plant_count(), 5);
    assert_eq!(
        week.plants_through(date("2026-03-09")),
        ["oat", "blueberry"]
    );
    let ratings_by_day: Vec<Option<u8>> = week.days.iter().map(|d| d.rating).collect();
    assert_eq!(
        ratings_by_day,
        [Some(3), Some(4), None, None, None, None, None]
    );
    let scores: Vec<u8> = week.days.iter().map(|d| d.summary.score.total).collect();
    assert!(
        scores[0] > 0 && scores[1] > 0 && scores[2] == 0 && scores[3] == 0,
        "{scores:?}"
    );
    assert_eq!(week.days[1].summary.entries, 2);
}

#[test]
fn streaks_count_consecutive_logged_days_ending_today_or_yesterday() {
    let clock = DayClock::new(LONDON);
    let entries = [
        // A 01:30 snack on the 13th counts for the 12th, and bridges no gap by itself.
        logged(&clock, "2026-03-10T12:00:00Z", "an apple"),
        logged(&clock, "2026-03-11T12:00:00Z", "an apple"),
        logged(&clock, "2026-03-12T12:00:00Z", "an apple"),
        logged(&clock, "2026-03-13T01:30:00Z", "a banana"),
        logged(&clock, "2026-03-14T12:00:00Z", "an apple"),
        logged(&clock, "2026-03-15T12:00:00Z", "an apple"),
    ];
    let days = entries.iter().map(|e| e.local_day);
    let today = clock.local_day(utc("2026-03-15T20:00:00Z"));
    let s = streaks(days.clone(), today);
    assert_eq!((s.current, s.longest), (2, 3));
    // Monday morning with nothing logged yet: the streak still stands.
    let s = streaks(days.clone(), date("2026-03-16"));
    assert_eq!(s.current, 2);
    // Tuesday: it is broken.
    assert_eq!(streaks(days, date("2026-03-17")).current, 0);
}

#[test]
fn skin_ratings_are_1_to_5() {
    let day = date("2026-03-10");
    let at = utc("2026-03-10T21:00:00Z");
    assert_eq!(SkinRating::new(day, 0, at), Err(RatingError(0)));
    assert_eq!(SkinRating::new(day, 6, at), Err(RatingError(6)));
    assert_eq!(SkinRating::new(day, 255, at), Err(RatingError(255)));
    for rating in 1..=5 {
        let r = SkinRating::new(day, rating, at).expect("in range");
        assert_eq!((r.day(), r.rating(), r.rated_at()), (day, rating, at));
    }
    assert_eq!(RatingError(6).to_string(), "a skin rating is 1 to 5, not 6");
}

#[test]
fn the_day_context_feeds_the_tip_picker() {
    let clock = DayClock::new(LONDON);
    let entries = [
        logged(
            &clock,
            "2026-03-09T08:00:00Z",
            "porridge with blueberries and kefir",
        ),
        logged(&clock, "2026-03-11T08:00:00Z", "2 beers and a burger"),
    ];
    let rating = |day: &str, value: u8| {
        SkinRating::new(date(day), value, utc(&format!("{day}T21:00:00Z"))).expect("rating")
    };
    let ratings = [
        rating("2026-03-07", 1), // four days before: outside the window
        rating("2026-03-09", 2),
        rating("2026-03-10", 3),
        rating("2026-03-11", 1),
    ];
    let week = WeekSummary::new(
        clock.week_of(date("2026-03-11")),
        &entries,
        &ratings,
        &weights(),
    );

    let wednesday = week
        .day_context(date("2026-03-11"), &ratings)
        .expect("in the week");
    assert_eq!(wednesday.weekday, 3);
    assert!(wednesday.logged_anything);
    assert!(wednesday.categories.contains(Category::Alcohol));
    assert_eq!(wednesday.plants_this_week, 2);
    assert_eq!(wednesday.low_skin_days, 2);
    assert_eq!(low_skin_days(&ratings, date("2026-03-09")), 2);

    let thursday = week
        .day_context(date("2026-03-12"), &ratings)
        .expect("in the week");
    assert!(!thursday.logged_anything);
    assert_eq!(thursday.fibre_g, 0.0);

    assert!(week.day_context(date("2026-03-16"), &ratings).is_none());

    let kb = KnowledgeBase::builtin().expect("config/knowledge.toml loads");
    let tip = kb
        .tip_for(&wednesday, None)
        .expect("a tip for a beer-and-burger day");
    assert!(!tip.text.is_empty());
    let nothing = kb.tip_for(&thursday, None).expect("a tip for an empty day");
    assert_eq!(nothing.trigger.to_string(), "nothing_logged");
}

/// An offset is kept as written, to be shown back instead of `Etc/GMT+3`.
#[test]
fn offsets_keep_the_label_they_were_written_with() {
    let chosen = |text: &str| choose_zone(text).expect(text);
    let minus_three = chosen("UTC-3");
    assert_eq!(minus_three.tz, chrono_tz::Etc::GMTPlus3);
    assert_eq!(minus_three.shown(), "UTC-3");
    assert_eq!(chosen("utc - 3").shown(), "UTC-3");
    assert_eq!(chosen("UTC\u{2212}3").shown(), "UTC-3");
    assert_eq!(chosen("gmt+5:30").shown(), "GMT+5:30");
    assert_eq!(chosen("gmt+5:30").tz, chrono_tz::Asia::Kolkata);
    assert_eq!(chosen("+05:30").shown(), "UTC+05:30");
    assert_eq!(chosen("UTC").shown(), "UTC");
    assert_eq!(chosen("Paris").shown(), "Europe/Paris");
    assert_eq!(chosen("Paris").label, None);
    assert_eq!(offset_label("UTC+15"), None);
    assert_eq!(offset_label("Tokyo"), None);
    // A label reads back as the zone it labels.
    for text in ["UTC-3", "gmt+5:30", "+0530", "-2.5", "UTC"] {
        let zone = chosen(text);
        assert_eq!(choose_zone(zone.shown()), Ok(zone.clone()), "{text}");
    }
}

#[test]
fn finding_a_zone_in_a_word_never_guesses() {
    assert_eq!(
        find_zone("Tokyo").map(|z| z.tz),
        Some(chrono_tz::Asia::Tokyo)
    );
    assert_eq!(find_zone("Londn"), None);
    assert_eq!(find_zone("sandwich"), None);
    assert_eq!(find_zone(""), None);
    assert_eq!(find_zone("UTC+15"), None);
    assert!(matches!(
        choose_zone("Londn"),
        Err(ZoneError::Unknown {
            suggestion: Some(chrono_tz::Europe::London),
            ..
        })
    ));
}

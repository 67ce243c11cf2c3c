//! Food-skin patterns over a year of diary: 365 days, meals logged on most of them and the
//! skin rated on most, with a few categories varying from day to day and one real effect.
//! Every category × lag pair is then tested, with the larger groups the exact test handles.
//!
//! Run: `cargo bench --bench insights`. Target: at most 20 ms for a year.

use chrono::{Days, NaiveDate};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gutskin::diary::{find_patterns, DayObservation};
use gutskin::food::{Category, CategorySet};

/// SplitMix64, so the diary is the same on every run.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal by Box-Muller.
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// How often each category is eaten: a varied diary, so most pairs have large groups on
/// both sides (the slow case for the exact test).
const SHARES: [(Category, f64); 10] = [
    (Category::Fiber, 0.85),
    (Category::Polyphenol, 0.6),
    (Category::Prebiotic, 0.4),
    (Category::Fermented, 0.3),
    (Category::Omega3, 0.2),
    (Category::OliveOil, 0.35),
    (Category::Sugar, 0.45),
    (Category::UltraProcessed, 0.35),
    (Category::FastFood, 0.15),
    (Category::Alcohol, 0.5),
];

fn diary_of(days_long: u64) -> Vec<DayObservation> {
    let mut rng = SplitMix64(2026);
    let first = NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date");
    let mut days = Vec::new();
    let mut drank_yesterday = false;
    for offset in 0..days_long {
        let mut eaten = CategorySet::EMPTY;
        for (category, share) in SHARES {
            if rng.uniform() < share {
                eaten.insert(category);
            }
        }
        let logged = rng.uniform() < 0.95;
        let rated = rng.uniform() < 0.9;
        let shift = if drank_yesterday { -1.0 } else { 0.0 };
        let level = 3.5 + shift + 0.8 * rng.normal();
        days.push(DayObservation {
            day: first.checked_add_days(Days::new(offset)).expect("in range"),
            categories: logged.then_some(eaten),
            rating: rated.then(|| level.round().clamp(1.0, 5.0) as u8),
        });
        drank_yesterday = logged && eaten.contains(Category::Alcohol);
    }
    days
}

fn bench_year(c: &mut Criterion) {
    let days = diary_of(365);
    let insights = find_patterns(&days);
    println!(
        "a year: {} rated days, {} pairs tested, {} findings",
        insights.rated_days,
        insights.pairs_tested,
        insights.findings.len()
    );
    c.bench_function("insights_year", |b| {
        b.iter(|| find_patterns(black_box(&days)))
    });
    let three_years = diary_of(3 * 365);
    c.bench_function("insights_three_years", |b| {
        b.iter(|| find_patterns(black_box(&three_years)))
    });
    let six_weeks = &days[..42];
    c.bench_function("insights_six_weeks", |b| {
        b.iter(|| find_patterns(black_box(six_weeks)))
    });
}

criterion_group!(benches, bench_year);
criterion_main!(benches);

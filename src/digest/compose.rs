//! Composing one person's digest: read what it needs from the store ([`read_diary`]), then
//! turn that into the message ([`compose_from`], pure, so it is measured and tested without
//! a database).
//!
//! A digest reads the last seven days of entries (the week so far, for its plants and the
//! Sunday report), then earlier days four weeks at a time only while the current streak
//! runs back past what was read, and two weeks of skin ratings (the tip's recent low days
//! and the week-on-week trend). Reading is most of a digest's cost (see `benches/digest.rs`),
//! so someone whose streak broke this week costs a week of reads, not a month, and the
//! earlier weeks are read as the days that have meals ([`Store::logged_days`], keys only)
//! rather than as entries to decode.

use std::collections::BTreeSet;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};

use super::schedule::person_clock;
use super::{wording, DigestError};
use crate::chat::{render, Engine, Reply};
use crate::diary::{
    latest_ratings, streaks, weekday_number, DiaryConfig, Entry, SkinRating, Week, WeekSummary,
};
use crate::knowledge::KnowledgeBase;
use crate::store::{Store, StoreError, UserSettings};

/// Days of entries read at first, ending with the digest's day: the week so far, whatever
/// the weekday.
pub const FIRST_READ_DAYS: u64 = 7;

/// Days read at a time further back, while the streak goes on.
pub const STREAK_READ_DAYS: u64 = 28;

/// How far back a streak is followed (as `/today` does).
const STREAK_LOOKBACK_DAYS: u64 = 366;

/// Everything a digest is made from: one person's diary around the day.
#[derive(Clone, Debug, PartialEq)]
pub struct DigestDiary {
    /// The diary day the digest is about ("today").
    pub day: NaiveDate,
    /// When the person's day ends, for the nudge ("it counts for today until 04:00").
    pub cutoff: NaiveTime,
    /// Entries of the [`FIRST_READ_DAYS`] days ending with `day` (at least; older entries are
    /// used for the streak, and entries after `day` are ignored).
    pub entries: Vec<Entry>,
    /// Days with entries before those, read only while the current streak runs back past
    /// what was read; they count for the streak and nothing else.
    pub earlier_logged_days: Vec<NaiveDate>,
    /// Skin ratings from the Monday of the week before `day`'s week through `day`.
    pub ratings: Vec<SkinRating>,
}

/// A composed digest.
#[derive(Clone, Debug, PartialEq)]
pub struct Digest {
    /// The diary day it is about.
    pub day: NaiveDate,
    /// The message, with the skin buttons for `day`.
    pub reply: Reply,
    /// The tip it shows, remembered so that the next digest shows another.
    pub tip_id: Option<String>,
    /// Nothing was logged that day: a short nudge instead of the day in numbers.
    pub nudge: bool,
    /// `day` is a Sunday, and the weekly report is included.
    pub weekly: bool,
}

/// Reads what the digest of `day` needs from `store`.
pub async fn read_diary(
    store: &Store,
    user: i64,
    day: NaiveDate,
    cutoff: NaiveTime,
) -> Result<DigestDiary, StoreError> {
    let first = days_before(day, FIRST_READ_DAYS - 1);
    let days = store.days(user, first, day).await?;
    let mut logged: BTreeSet<NaiveDate> = days.keys().copied().collect();
    let entries: Vec<Entry> = days
        .into_values()
        .flatten()
        .map(|meal| meal.entry)
        .collect();

    let mut earlier_logged_days = Vec::new();
    let mut window_start = first;
    let lookback_limit = days_before(day, STREAK_LOOKBACK_DAYS);
    while window_start > lookback_limit && streak_reaches(&logged, day, window_start) {
        let to = days_before(window_start, 1);
        let from = days_before(to, STREAK_READ_DAYS - 1).max(lookback_limit);
        // Only which days have meals: the keys say that without decoding a record.
        let earlier = store.logged_days(user, from, to).await?;
        earlier_logged_days.extend(earlier.iter().copied());
        logged.extend(earlier);
        window_start = from;
    }

    let ratings_from = Week::containing(day).previous().monday();
    let ratings = store.ratings(user, ratings_from, day).await?;
    Ok(DigestDiary {
        day,
        cutoff,
        entries,
        earlier_logged_days,
        ratings,
    })
}

/// The digest of `diary.day`: the day in numbers with one tip for its gaps (never
/// `last_tip`), or a nudge if nothing was logged; the weekly report on Sundays; the 1-5 skin
/// buttons for the day.
pub fn compose_from(
    diary: &DigestDiary,
    last_tip: Option<&str>,
    knowledge: &KnowledgeBase,
    config: &DiaryConfig,
) -> Digest {
    let day = diary.day;
    let week = WeekSummary::new(
        Week::containing(day),
        &diary.entries,
        &diary.ratings,
        &config.score,
    );
    let logged_days = diary
        .entries
        .iter()
        .map(|entry| entry.local_day)
        .chain(diary.earlier_logged_days.iter().copied());
    let streak = streaks(logged_days, day).current;
    let today = week.day(day);
    let rating = today.and_then(|d| d.rating);

    let mut tip_id = None;
    let (mut text, nudge) = match today.map(|d| &d.summary) {
        Some(summary) if summary.logged_anything() => {
            let tip = week
                .day_context(day, &diary.ratings)
                .and_then(|context| knowledge.tip_for(&context, last_tip));
            tip_id = tip.map(|tip| tip.id.clone());
            let plants = week.plants_through(day).len();
            (wording::day(summary, plants, streak, tip), false)
        }
        _ => (wording::nudge(day, streak, diary.cutoff), true),
    };

    let weekly = weekday_number(day) == 7;
    if weekly {
        let previous_week = Week::containing(day).previous();
        let previous: Vec<u8> = latest_ratings(&diary.ratings)
            .range(previous_week.monday()..=previous_week.sunday())
            .map(|(_, rating)| rating.rating())
            .collect();
        text.push_str("\n\n");
        text.push_str(&wording::week(&week, &previous));
    }

    let skin = render::skin_buttons(day, rating, true);
    text.push_str("\n\n");
    text.push_str(&skin.text);
    Digest {
        day,
        reply: Reply::text(text).with_buttons(skin.buttons),
        tip_id,
        nudge,
        weekly,
    }
}

/// The digest of diary day `day` for the person with `settings`, from the engine's store.
pub async fn compose_for(
    engine: &Engine,
    settings: &UserSettings,
    day: NaiveDate,
) -> Result<Digest, DigestError> {
    let cutoff = person_clock(settings, engine.diary()).cutoff();
    let diary = read_diary(engine.store(), settings.user, day, cutoff).await?;
    Ok(compose_from(
        &diary,
        settings.last_tip_id.as_deref(),
        engine.knowledge(),
        engine.diary(),
    ))
}

/// The digest `user` would get at `now`, for their diary day at that instant; `None` if the
/// bot keeps nothing about them. Nothing is recorded: this is a preview.
pub async fn compose(
    engine: &Engine,
    user: i64,
    now: DateTime<Utc>,
) -> Result<Option<Digest>, DigestError> {
    let Some(settings) = engine.store().user(user).await? else {
        return Ok(None);
    };
    let day = person_clock(&settings, engine.diary()).local_day(now);
    compose_for(engine, &settings, day).await.map(Some)
}

fn days_before(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

/// Whether the current streak (ending `today`, or yesterday while today has nothing yet)
/// runs back to `window_start`, so that it may go on before it.
fn streak_reaches(logged: &BTreeSet<NaiveDate>, today: NaiveDate, window_start: NaiveDate) -> bool {
    let current = streaks(logged.iter().copied(), today).current;
    if current == 0 {
        return false;
    }
    let end = if logged.contains(&today) {
        today
    } else {
        days_before(today, 1)
    };
    days_before(end, u64::from(current) - 1) <= window_start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streak_reaches_the_window_start_only_when_unbroken() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).expect("date");
        let logged: BTreeSet<NaiveDate> = (1..=10).map(day).collect();
        assert!(streak_reaches(&logged, day(10), day(1)));
        assert!(
            streak_reaches(&logged, day(11), day(1)),
            "today not logged yet"
        );
        assert!(
            !streak_reaches(&logged, day(12), day(1)),
            "yesterday missed"
        );
        let gap: BTreeSet<NaiveDate> = [1, 2, 4, 5].into_iter().map(day).collect();
        assert!(!streak_reaches(&gap, day(5), day(1)));
    }
}

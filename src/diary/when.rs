//! When a meal was eaten, as the message says: "yesterday", "last night", "this morning",
//! "tonight", "at 8am", "at 19:30", "on monday", "monday:", "2 days ago", "the day before
//! yesterday", "on the 3rd", "on 3 dec", "for breakfast yesterday", anywhere in the message.
//!
//! [`read_when`] is the pure reader: text in, the day, part of day and clock time it names
//! ([`WhenSaid`]), with the byte ranges it took so that [`without`] can hand the rest to the
//! meal parser. It is given the byte ranges of the foods the parser found, and never reads
//! words inside one ("sunday roast", "late night kebab", "roast dinner"), nor a weekday that
//! names something else ("cyber monday", "taco tuesday"), nor a possessive ("last night's
//! pizza" was eaten now). [`WhenSaid::resolve`] then turns it into a diary day and a local
//! time with the person's [`DayClock`]:
//!
//! - Days are diary days, which run to the cutoff (04:00): "today" is the diary day now,
//!   "yesterday" the one before it. "Last night" is the evening before the calendar date of
//!   now, so said at 01:30 it is still the diary day now, and said at 09:00 the one before.
//! - "On monday" is the latest Monday up to today (today if it is Monday); "last monday" on a
//!   Monday is a week ago. "On the 3rd" is the latest 3rd up to today; "on 3 dec" the 3rd
//!   of December nearest today.
//! - A part of the day ("this morning", "for dinner") gives a typical time
//!   ([`DayPart::typical_time`]). A clock time without am or pm is read by the part when
//!   there is one ("last night at 10" is 22:00), else, for a named past day, 7-11 as morning
//!   and 1-6 as afternoon, and with no day named as the latest such time that has passed
//!   ("at 8" at 21:00 is 20:00; "at 8pm" at 14:00 is yesterday evening).
//! - Up to [`MAX_DAYS_BACK`] days back. Further back, or still to come ("tomorrow", "tonight
//!   at 9" said at 18:00), is a [`WhenError`] for the chat layer to word kindly.

use std::ops::Range;

use chrono::{
    DateTime, Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc, Weekday,
};

use super::clock::DayClock;

mod read;

pub use read::read_when;
use read::without;

#[cfg(test)]
mod tests;

/// The furthest back a meal may be logged, in diary days.
pub const MAX_DAYS_BACK: u64 = 7;

/// How far ahead of now a named time may be and still count as now (a clock a little fast,
/// "at 1:30" sent at 1:20).
const FUTURE_SLACK: TimeDelta = TimeDelta::minutes(60);

/// The day a message names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaidDay {
    /// That many diary days before today: "today" 0, "yesterday" 1, "2 days ago" 2.
    DaysAgo(u32),
    /// "Last night": the evening before the calendar date of now.
    LastNight,
    /// The latest such weekday up to today ("on monday"); with `last`, a week ago when today
    /// is that weekday ("last monday").
    Weekday { day: Weekday, last: bool },
    /// A day of the month, and its month when named ("on the 3rd", "on 3 dec").
    Date { day: u32, month: Option<u32> },
    /// A day to come: "tomorrow", "next monday".
    Future,
}

/// A part of the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayPart {
    Morning,
    Midday,
    Afternoon,
    Evening,
    Night,
}

impl DayPart {
    /// "morning", as a reply names it.
    pub fn label(self) -> &'static str {
        match self {
            DayPart::Morning => "morning",
            DayPart::Midday => "midday",
            DayPart::Afternoon => "afternoon",
            DayPart::Evening => "evening",
            DayPart::Night => "night",
        }
    }

    /// The time a meal of this part of the day is filed at when no time was given.
    pub fn typical_time(self) -> NaiveTime {
        let (hour, minute) = match self {
            DayPart::Morning => (8, 0),
            DayPart::Midday => (12, 30),
            DayPart::Afternoon => (15, 0),
            DayPart::Evening => (19, 0),
            DayPart::Night => (23, 0),
        };
        NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
    }
}

/// A clock time as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaidTime {
    pub hour: u32,
    pub minute: u32,
    /// `Some(false)` for am, `Some(true)` for pm, `None` when neither was written.
    pub pm: Option<bool>,
}

impl SaidTime {
    /// Whether the hour says which half of the day it is (13-23, 0, or "08:00").
    fn is_unambiguous(&self) -> bool {
        self.pm.is_some() || self.hour == 0 || self.hour > 12
    }

    /// The time in the morning half (`false`) or the afternoon half (`true`).
    fn in_half(&self, pm: bool) -> Option<NaiveTime> {
        let hour = match (self.hour, pm) {
            (hour, _) if hour > 12 || (hour == 0 && self.pm.is_none()) => hour,
            (12, false) => 0,
            (12, true) => 12,
            (hour, false) => hour,
            (hour, true) => hour + 12,
        };
        NaiveTime::from_hms_opt(hour, self.minute, 0)
    }
}

/// What a message says about when its meal was eaten.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WhenSaid {
    pub day: Option<SaidDay>,
    pub part: Option<DayPart>,
    pub time: Option<SaidTime>,
    /// The byte ranges of the words read, in order.
    pub taken: Vec<Range<usize>>,
}

/// When a meal was eaten: its diary day and, when the message said, the local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Eaten {
    pub day: NaiveDate,
    pub time: Option<NaiveTime>,
    pub part: Option<DayPart>,
    /// Whether a clock time was written (else `time` is the part's typical time).
    pub time_written: bool,
}

impl Eaten {
    /// "19:30" when a time was written, "evening" for a part of the day, else `None`.
    pub fn label(&self) -> Option<String> {
        match (self.time, self.part) {
            (Some(time), _) if self.time_written => Some(time.format("%H:%M").to_string()),
            (_, Some(part)) => Some(part.label().to_string()),
            _ => None,
        }
    }
}

/// A day that cannot be logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    #[error("{0} is more than {MAX_DAYS_BACK} days back")]
    TooFarBack(NaiveDate),
    #[error("that is still to come")]
    Future,
    #[error("there is no such day")]
    NoSuchDay,
}

impl WhenSaid {
    /// `text` (the message this was read from) without the words read, for the meal parser.
    pub fn rest_of(&self, text: &str) -> String {
        without(text, &self.taken)
    }

    /// The diary day and time this names, said at `at` by someone with `clock`.
    pub fn resolve(&self, clock: &DayClock, at: DateTime<Utc>) -> Result<Eaten, WhenError> {
        let now = clock.local_time(at).naive_local();
        let today = clock.local_day(at);
        let cutoff = clock.cutoff();
        let part = self.part;
        let Some(said_day) = self.day else {
            return Ok(match self.time {
                // No day: the latest such time that has passed.
                Some(time) => {
                    let instant = latest_past(time, now, part);
                    Eaten {
                        day: diary_day(instant, cutoff),
                        time: Some(instant.time()),
                        part,
                        time_written: true,
                    }
                }
                None => Eaten {
                    day: today,
                    time: part.map(DayPart::typical_time),
                    part,
                    time_written: false,
                },
            });
        };
        let day = match said_day {
            SaidDay::DaysAgo(days) => today
                .checked_sub_days(Days::new(u64::from(days)))
                .ok_or(WhenError::NoSuchDay)?,
            SaidDay::LastNight => {
                let night = now.date().pred_opt().ok_or(WhenError::NoSuchDay)?;
                night.min(today)
            }
            SaidDay::Weekday { day, last } => {
                let back =
                    (7 + today.weekday().num_days_from_monday() - day.num_days_from_monday()) % 7;
                let back = if back == 0 && last { 7 } else { back };
                today
                    .checked_sub_days(Days::new(u64::from(back)))
                    .ok_or(WhenError::NoSuchDay)?
            }
            SaidDay::Date { day, month } => date_near(today, day, month)?,
            SaidDay::Future => return Err(WhenError::Future),
        };
        if day > today {
            return Err(WhenError::Future);
        }
        if today.signed_duration_since(day).num_days() > MAX_DAYS_BACK as i64 {
            return Err(WhenError::TooFarBack(day));
        }
        let (time, time_written) = match self.time {
            Some(said) => {
                let time = if said.is_unambiguous() {
                    said.in_half(said.pm.unwrap_or(said.hour >= 12))
                } else if let Some(part) = part {
                    half_for_part(said, part)
                } else if day == today {
                    Some(latest_past_on(said, day, now, cutoff))
                } else {
                    // 7-11 as morning, 12 as noon, 1-6 as afternoon.
                    said.in_half(!(7..=11).contains(&said.hour))
                };
                let time = time.ok_or(WhenError::NoSuchDay)?;
                if day == today && wall_instant(day, time, cutoff) > now + FUTURE_SLACK {
                    return Err(WhenError::Future);
                }
                (Some(time), true)
            }
            None => (part.map(DayPart::typical_time), false),
        };
        Ok(Eaten {
            day,
            time,
            part,
            time_written,
        })
    }
}

/// The diary day of a local wall time.
fn diary_day(instant: NaiveDateTime, cutoff: NaiveTime) -> NaiveDate {
    if instant.time() < cutoff {
        instant.date().pred_opt().unwrap_or(instant.date())
    } else {
        instant.date()
    }
}

/// The wall time `time` of diary day `day`: on its date, or the next one before the cutoff.
fn wall_instant(day: NaiveDate, time: NaiveTime, cutoff: NaiveTime) -> NaiveDateTime {
    let date = if time < cutoff {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    date.and_time(time)
}

/// The half of the day a part of the day puts an hour in: "last night at 10" is 22:00,
/// "at 1 last night" 01:00, "this morning at 8" 08:00.
fn half_for_part(said: SaidTime, part: DayPart) -> Option<NaiveTime> {
    let pm = match part {
        DayPart::Morning => said.hour == 12,
        DayPart::Midday => said.hour < 7 || said.hour == 12,
        DayPart::Afternoon => true,
        // "at 12 last night" is midnight, and 1-4 are after it.
        DayPart::Evening | DayPart::Night => !(1..=4).contains(&said.hour) && said.hour != 12,
    };
    said.in_half(pm)
}

/// The candidate readings of `said`: its half, or both halves when it does not say, except
/// that 1-5 without am is the afternoon ("tea at 4"): people rarely eat at 4 in the night,
/// and say "4am" when they do.
fn readings(said: SaidTime, part: Option<DayPart>) -> Vec<NaiveTime> {
    if said.is_unambiguous() {
        return said
            .in_half(said.pm.unwrap_or(said.hour >= 12))
            .into_iter()
            .collect();
    }
    if let Some(part) = part {
        return half_for_part(said, part).into_iter().collect();
    }
    let halves: &[bool] = match said.hour {
        1..=5 | 12 => &[true],
        _ => &[false, true],
    };
    halves.iter().filter_map(|pm| said.in_half(*pm)).collect()
}

/// The latest instant up to now (give or take [`FUTURE_SLACK`]) whose wall clock reads
/// `said`, today or yesterday.
fn latest_past(said: SaidTime, now: NaiveDateTime, part: Option<DayPart>) -> NaiveDateTime {
    let yesterday = now.date().pred_opt().unwrap_or(now.date());
    readings(said, part)
        .into_iter()
        .flat_map(|time| [now.date().and_time(time), yesterday.and_time(time)])
        .filter(|instant| *instant <= now + FUTURE_SLACK)
        .max()
        .unwrap_or(now)
}

/// On diary day `day` (today), the latest reading of `said` that has passed; the morning one
/// when neither has.
fn latest_past_on(
    said: SaidTime,
    day: NaiveDate,
    now: NaiveDateTime,
    cutoff: NaiveTime,
) -> NaiveTime {
    let readings = readings(said, None);
    readings
        .iter()
        .copied()
        .filter(|time| wall_instant(day, *time, cutoff) <= now + FUTURE_SLACK)
        .max_by_key(|time| wall_instant(day, *time, cutoff))
        .or_else(|| readings.first().copied())
        .unwrap_or(NaiveTime::MIN)
}

/// The date `day` of `month` (or of the latest month that has it up to today) nearest
/// `today`: this year's or last year's, so "on 30 dec" said on 2 January is last December.
fn date_near(today: NaiveDate, day: u32, month: Option<u32>) -> Result<NaiveDate, WhenError> {
    match month {
        Some(month) => {
            let candidates = [today.year(), today.year() - 1, today.year() + 1]
                .into_iter()
                .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day));
            candidates
                .min_by_key(|date| today.signed_duration_since(*date).num_days().abs())
                .ok_or(WhenError::NoSuchDay)
        }
        None => (0..3)
            .filter_map(|back| {
                let first = today.with_day(1)?.checked_sub_months(Months::new(back))?;
                first.with_day(day)
            })
            .find(|date| *date <= today)
            .ok_or(WhenError::NoSuchDay),
    }
}

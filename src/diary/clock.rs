//! The user's day: which local day an instant belongs to, when a local day begins and ends,
//! and the Monday-to-Sunday week around it.
//!
//! A diary day does not end at midnight. It runs from the cutoff (04:00 by default) to the
//! next day's cutoff, so a late snack at 01:30 belongs to the evening before. Day `D` is the
//! span `[start(D), start(D + 1))` where `start(D)` is the instant the wall clock in the
//! user's zone reads `D` at the cutoff. Days are therefore 23 or 25 hours long around clock
//! changes, and when the cutoff itself does not exist that night (a spring-forward gap) or
//! exists twice (an autumn fold), the day starts at the earliest instant whose wall clock has
//! reached the cutoff: the end of the gap, or the first of the two readings.
//!
//! Invariants (checked by the tests over whole years in several zones): every instant lies in
//! exactly one day, `start(local_day(t)) <= t < start(local_day(t) + 1)`, and `local_day`
//! never goes backwards as time goes forwards, even while a fold repeats the wall clock.
//!
//! Nothing here reads the system clock: callers pass the instant in, so the tests (and the
//! console's `--now`) decide what time it is.

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::{GapInfo, Tz};

/// When a diary day starts unless the user chooses otherwise.
pub const DEFAULT_CUTOFF: NaiveTime = match NaiveTime::from_hms_opt(4, 0, 0) {
    Some(time) => time,
    None => panic!("04:00 is a valid time"),
};

/// The latest cutoff accepted. A later one would file most of a calendar day's meals under
/// the day before, which no one would expect from "today".
pub const LATEST_CUTOFF: NaiveTime = match NaiveTime::from_hms_opt(12, 0, 0) {
    Some(time) => time,
    None => panic!("12:00 is a valid time"),
};

/// A day cutoff outside what the diary accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a day must start between 00:00 and 12:00, not at {0}")]
pub struct CutoffError(pub NaiveTime);

/// A person's time zone and the hour their day starts: everything needed to turn an instant
/// into "their" day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayClock {
    tz: Tz,
    cutoff: NaiveTime,
}

impl DayClock {
    /// A clock for `tz` whose days start at [`DEFAULT_CUTOFF`].
    pub fn new(tz: Tz) -> DayClock {
        DayClock {
            tz,
            cutoff: DEFAULT_CUTOFF,
        }
    }

    /// A clock whose days start at `cutoff` (00:00 to 12:00; a leap-second reading is refused).
    pub fn with_cutoff(tz: Tz, cutoff: NaiveTime) -> Result<DayClock, CutoffError> {
        if cutoff > LATEST_CUTOFF || cutoff.nanosecond() >= 1_000_000_000 {
            return Err(CutoffError(cutoff));
        }
        Ok(DayClock { tz, cutoff })
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    pub fn cutoff(&self) -> NaiveTime {
        self.cutoff
    }

    /// The same cutoff in another zone: a user who moves keeps their habits.
    pub fn in_zone(&self, tz: Tz) -> DayClock {
        DayClock { tz, ..*self }
    }

    /// The instant in the user's zone, e.g. to show the time of an entry.
    pub fn local_time(&self, instant: DateTime<Utc>) -> DateTime<Tz> {
        instant.with_timezone(&self.tz)
    }

    /// The diary day `instant` belongs to: the local date, or the day before when the local
    /// time is earlier than the cutoff.
    pub fn local_day(&self, instant: DateTime<Utc>) -> NaiveDate {
        let utc = instant.naive_utc();
        let offset = self.tz.offset_from_utc_datetime(&utc).fix();
        // Only instants within hours of the ends of chrono's calendar have no local reading.
        let Some(local) = utc.checked_add_offset(offset) else {
            return if utc.year() < 0 {
                NaiveDate::MIN
            } else {
                NaiveDate::MAX
            };
        };
        let guess = if local.time() < self.cutoff {
            local.date().pred_opt().unwrap_or(local.date())
        } else {
            local.date()
        };
        // The wall clock alone can be wrong by a day: in a fold that repeats the cutoff hour,
        // the second pass reads earlier than the cutoff although the new day has begun. The
        // day's bounds are the definition, so they settle it.
        if instant < self.start_of(guess) {
            return guess.pred_opt().unwrap_or(guess);
        }
        match guess.succ_opt() {
            Some(next) if instant >= self.start_of(next) => next,
            _ => guess,
        }
    }

    /// The first instant of `day` and the first instant of the day after. The span is 24
    /// hours, or 23 and 25 around clock changes.
    pub fn day_bounds(&self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let end = match day.succ_opt() {
            Some(next) => self.start_of(next),
            None => DateTime::<Utc>::MAX_UTC,
        };
        (self.start_of(day), end)
    }

    /// The instant `day` starts: the earliest instant whose wall clock reads `day` at the
    /// cutoff, or the end of the gap when that reading is skipped.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let local = day.and_time(self.cutoff);
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(instant) => instant.with_timezone(&Utc),
            LocalResult::Ambiguous(first, second) => first.min(second).with_timezone(&Utc),
            LocalResult::None => self.end_of_gap(&local),
        }
    }

    /// The first instant after the gap that skips `local`.
    fn end_of_gap(&self, local: &NaiveDateTime) -> DateTime<Utc> {
        if let Some(end) = GapInfo::new(local, &self.tz).and_then(|gap| gap.end) {
            return end.with_timezone(&Utc);
        }
        // No gap found means chrono could not represent the result (dates near its limits):
        // read the wall time with the offset of the same UTC reading, saturating at the ends.
        let offset = self.tz.offset_from_utc_datetime(local).fix();
        match local.checked_sub_offset(offset) {
            Some(utc) => utc.and_utc(),
            None if local.year() < 0 => DateTime::<Utc>::MIN_UTC,
            None => DateTime::<Utc>::MAX_UTC,
        }
    }

    /// The Monday-to-Sunday week around `day`.
    pub fn week_of(&self, day: NaiveDate) -> Week {
        Week::containing(day)
    }

    /// The day of the week, 1 (Monday) to 7 (Sunday).
    pub fn weekday(&self, day: NaiveDate) -> u8 {
        weekday_number(day)
    }
}

/// The day of the week, 1 (Monday) to 7 (Sunday), as `knowledge::DayContext` expects it.
pub fn weekday_number(day: NaiveDate) -> u8 {
    // number_from_monday is 1..=7, so the cast is lossless.
    day.weekday().number_from_monday() as u8
}

/// A Monday-to-Sunday week of diary days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Week {
    monday: NaiveDate,
}

impl Week {
    /// The week `day` falls in. At the very first dates chrono can represent, where the
    /// Monday would lie before them, the week starts at the first date.
    pub fn containing(day: NaiveDate) -> Week {
        let back = u64::from(day.weekday().num_days_from_monday());
        Week {
            monday: day
                .checked_sub_days(Days::new(back))
                .unwrap_or(NaiveDate::MIN),
        }
    }

    pub fn monday(&self) -> NaiveDate {
        self.monday
    }

    /// The last day of the week (clamped at the last date chrono can represent).
    pub fn sunday(&self) -> NaiveDate {
        self.monday
            .checked_add_days(Days::new(6))
            .unwrap_or(NaiveDate::MAX)
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        (self.monday..=self.sunday()).contains(&day)
    }

    /// Monday to Sunday, in order (fewer only at the limits of chrono's dates).
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        self.monday.iter_days().take(7).take_while({
            let sunday = self.sunday();
            move |day| *day <= sunday
        })
    }

    /// The week before (the same week at the first representable dates).
    pub fn previous(&self) -> Week {
        Week::containing(self.monday.pred_opt().unwrap_or(self.monday))
    }

    /// The week after (the same week at the last representable dates).
    pub fn next(&self) -> Week {
        Week::containing(self.sunday().succ_opt().unwrap_or(self.monday))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("RFC 3339")
            .with_timezone(&Utc)
    }

    #[test]
    fn cutoffs_after_noon_are_refused() {
        let tz = chrono_tz::Europe::London;
        assert!(DayClock::with_cutoff(tz, NaiveTime::MIN).is_ok());
        assert!(DayClock::with_cutoff(tz, LATEST_CUTOFF).is_ok());
        let late = NaiveTime::from_hms_opt(12, 0, 1).expect("time");
        assert_eq!(DayClock::with_cutoff(tz, late), Err(CutoffError(late)));
        let leap = NaiveTime::from_hms_milli_opt(3, 59, 59, 1_500).expect("leap second");
        assert!(DayClock::with_cutoff(tz, leap).is_err());
    }

    #[test]
    fn every_instant_lies_in_the_day_it_is_filed_under() {
        let zones = [
            chrono_tz::Europe::London,
            chrono_tz::America::New_York,
            chrono_tz::Australia::Lord_Howe, // half-hour clock changes
            chrono_tz::Pacific::Apia,        // skipped 30 December 2011 entirely
            chrono_tz::Asia::Kolkata,
        ];
        let cutoffs = [
            "00:00", "00:30", "01:30", "02:00", "02:30", "04:00", "12:00",
        ];
        for tz in zones {
            for cutoff in cutoffs {
                let cutoff = NaiveTime::parse_from_str(cutoff, "%H:%M").expect("time");
                let clock = DayClock::with_cutoff(tz, cutoff).expect("cutoff");
                let mut instant = utc("2011-03-01T00:00:00Z");
                let mut previous = clock.local_day(instant);
                while instant < utc("2012-05-01T00:00:00Z") {
                    let day = clock.local_day(instant);
                    let (start, end) = clock.day_bounds(day);
                    assert!(
                        start <= instant && instant < end,
                        "{tz} {cutoff} {instant}: {day} is {start}..{end}"
                    );
                    assert!(day >= previous, "{tz} {cutoff} {instant} went back");
                    // A day is skipped only when it has no time at all (Samoa, 2011).
                    for skipped in previous.iter_days().skip(1).take_while(|d| *d < day) {
                        let (start, end) = clock.day_bounds(skipped);
                        assert_eq!(start, end, "{tz} {cutoff} skipped {skipped}");
                    }
                    previous = day;
                    instant += Duration::minutes(15);
                }
            }
        }
    }

    #[test]
    fn the_limits_of_the_calendar_do_not_panic() {
        for tz in [chrono_tz::Pacific::Kiritimati, chrono_tz::Etc::GMTPlus12] {
            let clock = DayClock::new(tz);
            for day in [NaiveDate::MIN, NaiveDate::MAX] {
                let (start, end) = clock.day_bounds(day);
                assert!(start <= end);
                let week = clock.week_of(day);
                assert!(week.days().count() <= 7);
                let _ = (week.previous(), week.next());
            }
            let _ = clock.local_day(DateTime::<Utc>::MIN_UTC);
            let _ = clock.local_day(DateTime::<Utc>::MAX_UTC);
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        let week = Week::containing(date(2025, 3, 30)); // a Sunday
        assert_eq!(week.monday(), date(2025, 3, 24));
        assert_eq!(week.sunday(), date(2025, 3, 30));
        let days: Vec<u8> = week.days().map(weekday_number).collect();
        assert_eq!(days, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(week.next().monday(), date(2025, 3, 31));
        assert_eq!(week.previous().monday(), date(2025, 3, 17));
    }
}

//! When a person's digest is due: one instant per diary day, at their chosen wall-clock time.
//!
//! The digest of diary day `D` comes at the digest time on the wall clock *within* that day.
//! A time at or after the day cutoff (21:00 with the default 04:00) falls on the calendar
//! date `D`; an earlier one (00:30) falls on the night after, which still belongs to `D`. So
//! every diary day has exactly one digest instant, and the digest always speaks of "today".
//!
//! Clock changes: a digest time the wall clock skips that night (02:30 in a spring-forward
//! gap) comes at the end of the gap; one it shows twice (an autumn fold) comes at the first
//! of the two readings. Either way it is one instant, so it is sent once.
//!
//! [`DigestSchedule::next`] is the whole rule of what is due, and it is a pure function of
//! the person's settings, the last day sent and the current instant; the scheduler keeps no
//! other truth, so a restart or a clock jump cannot make it send a day twice.

use chrono::offset::LocalResult;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::{GapInfo, Tz};

use crate::diary::{DayClock, DiaryConfig};
use crate::store::UserSettings;

/// How many days ahead [`DigestSchedule::next`] looks for one that has a digest instant (a
/// day can have none at all, like 30 December 2011 in Samoa).
const DAYS_AHEAD: usize = 4;

/// The person's day clock; a zone this build does not know counts as UTC with the configured
/// cutoff, as in the engine.
pub(crate) fn person_clock(settings: &UserSettings, diary: &DiaryConfig) -> DayClock {
    settings.clock().unwrap_or_else(|| diary.clock(Tz::UTC))
}

/// The digest of one diary day and the instant it is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Occurrence {
    /// The diary day the digest is about.
    pub day: NaiveDate,
    /// When it is due.
    pub at: DateTime<Utc>,
}

/// A person's digest schedule: their day clock and their digest time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DigestSchedule {
    clock: DayClock,
    at: NaiveTime,
}

impl DigestSchedule {
    /// A digest at `at` on the wall clock of `clock`.
    pub fn new(clock: DayClock, at: NaiveTime) -> DigestSchedule {
        DigestSchedule { clock, at }
    }

    /// The schedule in `settings`, or `None` when the digest is off.
    pub fn of(settings: &UserSettings, diary: &DiaryConfig) -> Option<DigestSchedule> {
        let at = settings.digest_at?;
        Some(DigestSchedule::new(person_clock(settings, diary), at))
    }

    pub fn clock(&self) -> DayClock {
        self.clock
    }

    /// The instant the digest of diary day `day` is due, or `None` if that day has no time
    /// at all (a day a zone skipped).
    pub fn occurrence(&self, day: NaiveDate) -> Option<DateTime<Utc>> {
        let (start, end) = self.clock.day_bounds(day);
        if start >= end {
            return None;
        }
        let calendar_date = if self.at >= self.clock.cutoff() {
            day
        } else {
            day.succ_opt()?
        };
        let wall = calendar_date.and_time(self.at);
        let tz = self.clock.tz();
        let instant = match tz.from_local_datetime(&wall) {
            LocalResult::Single(instant) => instant.with_timezone(&Utc),
            LocalResult::Ambiguous(first, second) => first.min(second).with_timezone(&Utc),
            LocalResult::None => match GapInfo::new(&wall, &tz).and_then(|gap| gap.end) {
                Some(end_of_gap) => end_of_gap.with_timezone(&Utc),
                // Only at the limits of chrono's calendar; the clamp below keeps it in `day`.
                None => wall.and_utc(),
            },
        };
        // Clock changes that move the cutoff itself could push the reading out of its day;
        // the digest of a day stays inside it.
        let last = end - TimeDelta::seconds(1);
        Some(instant.clamp(start, last.max(start)))
    }

    /// The next digest to send, given that the digests up to and including `sent_through`
    /// went out: the first later diary day whose digest is still ahead of `now`, or is due
    /// and late by at most `catch_up` while its day is still running. A day whose digest is
    /// later than that is skipped. `None` only when no day in reach has an instant.
    pub fn next(
        &self,
        sent_through: Option<NaiveDate>,
        now: DateTime<Utc>,
        catch_up: TimeDelta,
    ) -> Option<Occurrence> {
        let today = self.clock.local_day(now);
        let mut day = match sent_through.and_then(|sent| sent.succ_opt()) {
            Some(after_sent) => after_sent.max(today),
            None if sent_through.is_some() => return None,
            None => today,
        };
        for _ in 0..DAYS_AHEAD {
            if let Some(at) = self.occurrence(day) {
                if at > now || (day == today && now - at <= catch_up) {
                    return Some(Occurrence { day, at });
                }
            }
            day = day.succ_opt()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(hour: u32, minute: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hour, minute, 0).expect("time")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("RFC 3339")
            .with_timezone(&Utc)
    }

    fn schedule(tz: Tz, hour: u32, minute: u32) -> DigestSchedule {
        DigestSchedule::new(DayClock::new(tz), time(hour, minute))
    }

    #[test]
    fn an_evening_time_falls_on_the_day_and_a_night_time_on_the_night_after() {
        let evening = schedule(chrono_tz::Europe::Berlin, 21, 0);
        assert_eq!(
            evening.occurrence(date(2026, 1, 10)),
            Some(utc("2026-01-10T20:00:00Z"))
        );
        let night = schedule(chrono_tz::Europe::Berlin, 0, 30);
        assert_eq!(
            night.occurrence(date(2026, 1, 10)),
            Some(utc("2026-01-10T23:30:00Z"))
        );
    }

    #[test]
    fn a_skipped_time_comes_at_the_end_of_the_gap_and_a_repeated_one_at_its_first_reading() {
        let berlin = schedule(chrono_tz::Europe::Berlin, 2, 30);
        // 29 March 2026: 02:00 CET becomes 03:00 CEST (01:00 UTC). Diary day 28 March.
        assert_eq!(
            berlin.occurrence(date(2026, 3, 28)),
            Some(utc("2026-03-29T01:00:00Z"))
        );
        // 25 October 2026: 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET).
        assert_eq!(
            berlin.occurrence(date(2026, 10, 24)),
            Some(utc("2026-10-25T00:30:00Z"))
        );
    }

    #[test]
    fn next_skips_a_day_more_than_the_catch_up_late_and_never_repeats_a_sent_day() {
        let s = schedule(chrono_tz::UTC, 21, 0);
        let three_hours = TimeDelta::hours(3);
        let day = date(2026, 5, 4);
        let due = Occurrence {
            day,
            at: utc("2026-05-04T21:00:00Z"),
        };
        let tomorrow = Occurrence {
            day: date(2026, 5, 5),
            at: utc("2026-05-05T21:00:00Z"),
        };
        assert_eq!(
            s.next(None, utc("2026-05-04T20:59:00Z"), three_hours),
            Some(due)
        );
        assert_eq!(
            s.next(None, utc("2026-05-05T00:00:00Z"), three_hours),
            Some(due)
        );
        assert_eq!(
            s.next(None, utc("2026-05-05T00:01:00Z"), three_hours),
            Some(tomorrow)
        );
        assert_eq!(
            s.next(None, utc("2026-05-04T21:01:00Z"), TimeDelta::zero()),
            Some(tomorrow)
        );
        assert_eq!(
            s.next(Some(day), utc("2026-05-04T21:30:00Z"), three_hours),
            Some(tomorrow)
        );
        // A clock that jumped back a day still never offers a day already sent.
        assert_eq!(
            s.next(Some(day), utc("2026-05-03T12:00:00Z"), three_hours),
            Some(tomorrow)
        );
    }

    #[test]
    fn a_day_without_time_has_no_digest() {
        // Samoa skipped 30 December 2011.
        let apia = DigestSchedule::new(
            DayClock::with_cutoff(chrono_tz::Pacific::Apia, NaiveTime::MIN).expect("cutoff"),
            time(21, 0),
        );
        assert_eq!(apia.occurrence(date(2011, 12, 30)), None);
        let next = apia
            .next(
                Some(date(2011, 12, 29)),
                utc("2011-12-30T08:00:00Z"),
                TimeDelta::hours(3),
            )
            .expect("a next day");
        assert_eq!(next.day, date(2011, 12, 31));
    }
}

//! The reader and the resolution of `when`, on a clock in UTC with the 04:00 cutoff.
//! 28 November 2026 is a Saturday, 30 November a Monday.

use std::ops::Range;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

use super::*;

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    let (month, day) = if day > 30 { (12, day - 30) } else { (11, day) };
    Utc.with_ymd_and_hms(2026, month, day, hour, minute, 0)
        .single()
        .expect("instant")
}

/// Day `day` of November 2026 (31 and on run into December).
fn nov(day: u32) -> NaiveDate {
    let (month, day) = if day > 30 { (12, day - 30) } else { (11, day) };
    NaiveDate::from_ymd_opt(2026, month, day).expect("date")
}

fn time(hour: u32, minute: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(hour, minute, 0)
}

fn clock() -> DayClock {
    DayClock::new(chrono_tz::UTC)
}

/// The day and label `text` resolves to at `now`, with no foods in it.
fn eaten(text: &str, now: DateTime<Utc>) -> Result<(NaiveDate, Option<String>), WhenError> {
    let said = read_when(text, &[]).unwrap_or_else(|| panic!("nothing read in {text:?}"));
    said.resolve(&clock(), now).map(|e| (e.day, e.label()))
}

/// The byte range of `food` in `text`, as the parser reports it.
fn food(text: &str, food: &str) -> Range<usize> {
    let start = text.find(food).expect("food in text");
    start..start + food.len()
}

#[test]
fn phrasings_anywhere_in_the_message() {
    // Wednesday 2 December, noon.
    let now = at(32, 12, 0);
    let label = |s: &str| Some(s.to_string());
    for (text, day, expected) in [
        ("yesterday: 2 beers and a burger", nov(31), None),
        ("2 beers and a burger yesterday", nov(31), None),
        ("had pizza yesterday evening", nov(31), label("evening")),
        ("last night: pizza and 3 beers", nov(31), label("evening")),
        ("late last night a kebab", nov(31), label("night")),
        ("this morning oats", nov(32), label("morning")),
        ("tonight pizza", nov(32), label("evening")),
        ("oats at 8am", nov(32), label("08:00")),
        ("oats at 8 am", nov(32), label("08:00")),
        ("eggs at 08:15", nov(32), label("08:15")),
        ("toast 7.30am", nov(32), label("07:30")),
        ("on monday: pizza", nov(30), None),
        ("monday: pizza", nov(30), None),
        ("Monday pizza", nov(30), None),
        ("pizza, monday", nov(30), None),
        ("pizza on Monday night", nov(30), label("night")),
        ("2 days ago kefir", nov(30), None),
        ("kefir two days ago", nov(30), None),
        ("the day before yesterday: dal", nov(30), None),
        ("day before yesterday dal", nov(30), None),
        ("a couple of days ago: dal", nov(30), None),
        ("on the 1st: oats", nov(31), None),
        ("on 29 nov pasta", nov(29), None),
        ("on nov 29th pasta", nov(29), None),
        ("on the 29th of november pasta", nov(29), None),
        (
            "for breakfast yesterday: porridge",
            nov(31),
            label("morning"),
        ),
        ("porridge for breakfast", nov(32), label("morning")),
        ("salad for lunch on monday", nov(30), label("midday")),
        ("curry for dinner 2 days ago", nov(30), label("evening")),
        ("yesterday at 19:30 salmon", nov(31), label("19:30")),
        ("yesterday at 7 salmon", nov(31), label("07:00")),
        ("yesterday at 3 a burger", nov(31), label("15:00")),
        ("last night at 10 a pizza", nov(31), label("22:00")),
        ("last night at 1 a kebab", nov(31), label("01:00")),
        ("this morning at 8 oats", nov(32), label("08:00")),
        ("at noon a sandwich", nov(32), label("12:00")),
        ("morning coffee", nov(32), label("morning")),
        ("a week ago: a burger", nov(25), None),
    ] {
        assert_eq!(eaten(text, now), Ok((day, expected)), "{text}");
    }
}

#[test]
fn a_time_alone_is_the_latest_that_has_passed() {
    // Wednesday 2 December, 21:00.
    let evening = at(32, 21, 0);
    assert_eq!(
        eaten("pizza at 8", evening),
        Ok((nov(32), Some("20:00".into())))
    );
    assert_eq!(
        eaten("had tea at 4", evening),
        Ok((nov(32), Some("16:00".into())))
    );
    assert_eq!(
        eaten("salmon at 19:30", evening),
        Ok((nov(32), Some("19:30".into())))
    );
    // At noon, 8pm has not come yet today: it was yesterday evening.
    let noon = at(32, 12, 0);
    assert_eq!(
        eaten("pizza at 8pm", noon),
        Ok((nov(31), Some("20:00".into())))
    );
    assert_eq!(
        eaten("oats at 8", noon),
        Ok((nov(32), Some("08:00".into())))
    );
    // "tea at 4" is four in the afternoon, yesterday's at noon.
    assert_eq!(
        eaten("had tea at 4", noon),
        Ok((nov(31), Some("16:00".into())))
    );
    // A kebab at 2am, said at 10:00, belongs to the diary day before (the 04:00 cutoff).
    assert_eq!(
        eaten("kebab at 2am", at(32, 10, 0)),
        Ok((nov(31), Some("02:00".into())))
    );
    let said = read_when("kebab at 2am", &[]).expect("a time");
    let resolved = said.resolve(&clock(), at(32, 10, 0)).expect("resolves");
    assert_eq!(resolved.time, time(2, 0));
}

#[test]
fn the_cutoff_decides_what_last_night_and_yesterday_are() {
    // Tuesday 1 December at 01:30 is still Monday's diary day: last night is Monday's.
    assert_eq!(
        eaten("last night: pizza", at(31, 1, 30)),
        Ok((nov(30), Some("evening".into())))
    );
    assert_eq!(
        eaten("last night: pizza", at(31, 3, 59)).map(|e| e.0),
        Ok(nov(30))
    );
    // At 04:00 and at 09:00 it is Tuesday's day, and last night is still Monday's.
    assert_eq!(
        eaten("last night: pizza", at(31, 4, 0)).map(|e| e.0),
        Ok(nov(30))
    );
    assert_eq!(
        eaten("last night: pizza", at(31, 9, 0)).map(|e| e.0),
        Ok(nov(30))
    );
    // "Yesterday" is the diary day before today's: at 01:30 on Tuesday, Sunday.
    assert_eq!(
        eaten("yesterday: oats", at(31, 1, 30)).map(|e| e.0),
        Ok(nov(29))
    );
    assert_eq!(
        eaten("yesterday: oats", at(31, 4, 0)).map(|e| e.0),
        Ok(nov(30))
    );
    // "Tonight" at 01:30 is the evening just gone, and "at 11pm" with it.
    assert_eq!(
        eaten("tonight: crisps", at(31, 1, 30)).map(|e| e.0),
        Ok(nov(30))
    );
    assert_eq!(
        eaten("crisps at 11pm", at(31, 1, 30)),
        Ok((nov(30), Some("23:00".into())))
    );
    // A later cutoff moves the day's start with it.
    let late = DayClock::with_cutoff(chrono_tz::UTC, NaiveTime::from_hms_opt(6, 0, 0).unwrap())
        .expect("cutoff");
    let said = read_when("yesterday: oats", &[]).expect("a day");
    assert_eq!(
        said.resolve(&late, at(31, 5, 0)).map(|e| e.day),
        Ok(nov(29))
    );
}

#[test]
fn weekdays_across_week_boundaries() {
    // Monday 30 November.
    let monday = at(30, 12, 0);
    assert_eq!(
        eaten("on sunday: roast chicken", monday).map(|e| e.0),
        Ok(nov(29))
    );
    assert_eq!(eaten("on monday: oats", monday).map(|e| e.0), Ok(nov(30)));
    assert_eq!(eaten("last monday: oats", monday).map(|e| e.0), Ok(nov(23)));
    assert_eq!(eaten("on tuesday: oats", monday).map(|e| e.0), Ok(nov(24)));
    // Sunday 29 November: Monday is six days back, in the same Monday-to-Sunday week.
    let sunday = at(29, 12, 0);
    assert_eq!(eaten("on monday: oats", sunday).map(|e| e.0), Ok(nov(23)));
    assert_eq!(
        eaten("last saturday: oats", sunday).map(|e| e.0),
        Ok(nov(28))
    );
    // Across the month's end.
    assert_eq!(
        eaten("on friday: oats", at(31, 12, 0)).map(|e| e.0),
        Ok(nov(27))
    );
}

#[test]
fn seven_days_back_at_most_and_nothing_to_come() {
    let now = at(32, 12, 0);
    assert_eq!(eaten("7 days ago: pizza", now).map(|e| e.0), Ok(nov(25)));
    assert_eq!(
        eaten("8 days ago: pizza", now),
        Err(WhenError::TooFarBack(nov(24)))
    );
    assert_eq!(
        eaten("2 weeks ago: pizza", now),
        Err(WhenError::TooFarBack(nov(18)))
    );
    assert_eq!(
        eaten("on the 3rd: pizza", now),
        Err(WhenError::TooFarBack(nov(3)))
    );
    assert_eq!(
        eaten("on 20 nov: pizza", now),
        Err(WhenError::TooFarBack(nov(20)))
    );
    assert_eq!(eaten("on 25 nov: pizza", now).map(|e| e.0), Ok(nov(25)));
    assert_eq!(eaten("tomorrow: pizza", now), Err(WhenError::Future));
    assert_eq!(eaten("next monday: pizza", now), Err(WhenError::Future));
    assert_eq!(eaten("on 3 dec: pizza", now), Err(WhenError::Future));
    assert_eq!(eaten("tonight at 9 pizza", now), Err(WhenError::Future));
    assert_eq!(eaten("today at 8pm pizza", now), Err(WhenError::Future));
    // Within the hour counts as now.
    assert_eq!(
        eaten("today at 12:30 pizza", now),
        Ok((nov(32), Some("12:30".into())))
    );
    let october = NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    assert_eq!(
        eaten("on the 31st: pizza", now),
        Err(WhenError::TooFarBack(october))
    );
    // Last December, said on 2 January.
    let new_year = Utc.with_ymd_and_hms(2027, 1, 2, 12, 0, 0).unwrap();
    let said = read_when("on 30 dec: pizza", &[]).expect("a date");
    assert_eq!(
        said.resolve(&clock(), new_year).map(|e| e.day),
        NaiveDate::from_ymd_opt(2026, 12, 30).ok_or(WhenError::NoSuchDay)
    );
    let said = read_when("on 30 feb: pizza", &[]).expect("a date");
    assert_eq!(said.resolve(&clock(), now), Err(WhenError::NoSuchDay));
}

#[test]
fn words_of_foods_and_names_are_not_read() {
    let sunday_roast = "sunday roast with yorkshire pudding";
    assert_eq!(
        read_when(sunday_roast, &[food(sunday_roast, "sunday roast")]),
        None
    );
    let kebab = "late night kebab";
    assert_eq!(read_when(kebab, &[food(kebab, "late night kebab")]), None);
    let roast = "roast dinner";
    assert_eq!(read_when(roast, &[food(roast, "roast dinner")]), None);
    let tacos = "taco tuesday with friends";
    assert_eq!(read_when(tacos, &[food(tacos, "taco")]), None);
    for text in [
        "cyber monday deals",
        "black friday pizza",
        "last night's pizza",
        "yesterday's leftovers",
        "about 3 beers",
        "around 2 pizzas",
        "2 beers and a burger",
        "a 7up and crisps",
        "mondays are for pasta",
        "tea",
        "had a sundae",
        "i may have had 3 beers",
        "3 decaf coffees",
        "breakfast burrito",
    ] {
        assert_eq!(read_when(text, &[]), None, "{text}");
    }
    // The food stays, the time is read: "tea" in "had tea at 4", "morning" before coffee.
    let tea = "had tea at 4";
    let said = read_when(tea, &[food(tea, "tea")]).expect("a time");
    assert_eq!(said.rest_of(tea), "had tea");
    let coffee = "morning coffee";
    let said = read_when(coffee, &[food(coffee, "coffee")]).expect("a hint");
    assert_eq!((said.part, said.day), (Some(DayPart::Morning), None));
    assert_eq!(said.rest_of(coffee), "coffee");
    // A named day after a roast: the roast is food, monday the day.
    let text = "sunday roast on monday";
    let said = read_when(text, &[food(text, "sunday roast")]).expect("a day");
    assert_eq!(
        said.day,
        Some(SaidDay::Weekday {
            day: chrono::Weekday::Mon,
            last: false
        })
    );
    assert_eq!(said.rest_of(text), "sunday roast");
}

#[test]
fn the_rest_goes_to_the_parser() {
    for (text, rest) in [
        ("last night: pizza and 3 beers", "pizza and 3 beers"),
        ("pizza on monday at 8pm", "pizza"),
        ("for breakfast yesterday: oats", "oats"),
        ("yesterday - porridge, kefir", "porridge, kefir"),
        ("oats, yesterday", "oats"),
        ("2 days ago: dal and rice", "dal and rice"),
        ("Monday — salmon", "salmon"),
    ] {
        let said = read_when(text, &[]).expect(text);
        assert_eq!(said.rest_of(text), rest, "{text}");
    }
    // The ranges are the words read, in order.
    let text = "yesterday at 8pm: pizza";
    let said = read_when(text, &[]).expect("read");
    let taken: Vec<&str> = said.taken.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(taken, ["yesterday", "at 8pm"]);
}

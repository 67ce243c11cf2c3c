//! What a button does, and the short text it carries as callback data.
//!
//! Callback data comes back from the client and can be forged, so it is parsed strictly:
//! a known kind, exactly the fields that kind has, each in its canonical spelling. Whether a
//! well-formed action may act (the day is not in the future, the entry is this chat's) is
//! the engine's check, since it needs the person's clock and diary.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::diary::{find_zone, ChosenZone, MAX_RATING, MIN_RATING};
use crate::food::Category;
use crate::store::EntryId;

/// Telegram accepts 1-64 bytes of callback data; every action fits in this many.
pub const MAX_ACTION_BYTES: usize = 64;

/// A button's meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Undo the meal just logged (`undo:<entry id>`).
    Undo(EntryId),
    /// Delete an entry from the history list (`del:<entry id>`).
    Delete(EntryId),
    /// Rate the skin of a diary day (`skin:2026-11-28:4`).
    Skin { day: NaiveDate, rating: u8 },
    /// Show a FAQ topic (`faq:<topic id>`).
    Faq(String),
    /// Answer the `/forget` question (`forget:yes`, `forget:no`).
    Forget { confirmed: bool },
    /// Start two weeks without a category (`try:alcohol`, by the category's id).
    TryWithout(Category),
    /// End the running experiment early (`try:stop`; no category has that id).
    StopTrying,
    /// Set the time zone a question offered (`zone:1a2b3c4d:Europe/Rome`, `zone:…:UTC-3`):
    /// the zone by its IANA name or, for an offset, as the person wrote it. `check` is
    /// `zone_talk::zone_check` of the chat and the zone it replaces, so a button pressed after
    /// the zone changed, or in another chat, is refused.
    SetZone { check: u32, zone: ChosenZone },
    /// Keep the time zone a question offered to change (`zone:keep`).
    KeepZone,
}

/// Callback data that is not an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown button")]
pub struct UnknownAction;

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Undo(id) => write!(f, "undo:{id}"),
            Action::Delete(id) => write!(f, "del:{id}"),
            Action::Skin { day, rating } => write!(f, "skin:{}:{rating}", day.format("%Y-%m-%d")),
            Action::Faq(topic) => write!(f, "faq:{topic}"),
            Action::Forget { confirmed } => {
                write!(f, "forget:{}", if *confirmed { "yes" } else { "no" })
            }
            Action::TryWithout(category) => write!(f, "try:{}", category.id()),
            Action::StopTrying => f.write_str("try:stop"),
            Action::SetZone { check, zone } => write!(f, "zone:{check:08x}:{}", zone.shown()),
            Action::KeepZone => f.write_str("zone:keep"),
        }
    }
}

impl FromStr for Action {
    type Err = UnknownAction;

    fn from_str(data: &str) -> Result<Action, UnknownAction> {
        if data.is_empty() || data.len() > MAX_ACTION_BYTES {
            return Err(UnknownAction);
        }
        let (kind, rest) = data.split_once(':').ok_or(UnknownAction)?;
        let action = match kind {
            "undo" => Action::Undo(rest.parse().map_err(|_| UnknownAction)?),
            "del" => Action::Delete(rest.parse().map_err(|_| UnknownAction)?),
            "skin" => {
                let (day, rating) = rest.split_once(':').ok_or(UnknownAction)?;
                Action::Skin {
                    day: parse_day(day)?,
                    rating: parse_rating(rating)?,
                }
            }
            "faq" if is_topic_id(rest) => Action::Faq(rest.to_string()),
            "forget" => match rest {
                "yes" => Action::Forget { confirmed: true },
                "no" => Action::Forget { confirmed: false },
                _ => return Err(UnknownAction),
            },
            "try" if rest == "stop" => Action::StopTrying,
            "try" => Action::TryWithout(Category::from_id(rest).ok_or(UnknownAction)?),
            "zone" if rest == "keep" => Action::KeepZone,
            "zone" => {
                let (check, zone) = rest.split_once(':').ok_or(UnknownAction)?;
                if check.len() != 8 {
                    return Err(UnknownAction);
                }
                Action::SetZone {
                    check: u32::from_str_radix(check, 16).map_err(|_| UnknownAction)?,
                    zone: find_zone(zone).ok_or(UnknownAction)?,
                }
            }
            _ => return Err(UnknownAction),
        };
        // Only the canonical spelling is accepted, so one action has one form.
        if action.to_string() == data {
            Ok(action)
        } else {
            Err(UnknownAction)
        }
    }
}

fn parse_day(text: &str) -> Result<NaiveDate, UnknownAction> {
    if text.len() != 10 {
        return Err(UnknownAction);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| UnknownAction)
}

fn parse_rating(text: &str) -> Result<u8, UnknownAction> {
    match text.parse::<u8>() {
        Ok(rating) if (MIN_RATING..=MAX_RATING).contains(&rating) => Ok(rating),
        _ => Err(UnknownAction),
    }
}

/// Topic ids are short lowercase words joined by underscores.
fn is_topic_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 40
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn round_trip(action: Action) {
        let data = action.to_string();
        assert!(data.len() <= MAX_ACTION_BYTES, "{data}");
        assert_eq!(data.parse::<Action>(), Ok(action));
    }

    #[test]
    fn every_kind_round_trips_within_telegrams_limit() {
        let at = Utc.with_ymd_and_hms(2026, 11, 28, 8, 12, 0).unwrap();
        let id = EntryId::of(at, i64::MAX);
        round_trip(Action::Undo(id));
        round_trip(Action::Delete(id));
        round_trip(Action::Skin {
            day: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            rating: 4,
        });
        round_trip(Action::Faq("gut_skin_axis".into()));
        round_trip(Action::Forget { confirmed: true });
        round_trip(Action::Forget { confirmed: false });
        for category in Category::ALL {
            round_trip(Action::TryWithout(category));
        }
        round_trip(Action::StopTrying);
        round_trip(Action::KeepZone);
        for zone in ["Europe/Rome", "UTC-3", "GMT+5:30", "UTC+05:30", "UTC"] {
            round_trip(Action::SetZone {
                check: u32::MAX,
                zone: crate::diary::choose_zone(zone).expect("a zone"),
            });
        }
        // The longest IANA name still fits.
        let longest = chrono_tz::TZ_VARIANTS
            .iter()
            .max_by_key(|tz| tz.name().len())
            .expect("zones");
        round_trip(Action::SetZone {
            check: 0,
            zone: ChosenZone {
                tz: *longest,
                label: None,
            },
        });
    }

    #[test]
    fn zone_buttons_read_as_written() {
        assert_eq!(
            "zone:00c0ffee:Europe/Rome".parse::<Action>(),
            Ok(Action::SetZone {
                check: 0x00c0_ffee,
                zone: ChosenZone {
                    tz: chrono_tz::Europe::Rome,
                    label: None
                }
            })
        );
        assert_eq!(
            "zone:00c0ffee:UTC-3".parse::<Action>(),
            Ok(Action::SetZone {
                check: 0x00c0_ffee,
                zone: ChosenZone {
                    tz: chrono_tz::Etc::GMTPlus3,
                    label: Some("UTC-3".into())
                }
            })
        );
        assert_eq!("zone:keep".parse::<Action>(), Ok(Action::KeepZone));
    }

    #[test]
    fn experiment_buttons_read_as_written() {
        assert_eq!(
            "try:alcohol".parse::<Action>(),
            Ok(Action::TryWithout(Category::Alcohol))
        );
        assert_eq!(
            "try:fast_food".parse::<Action>(),
            Ok(Action::TryWithout(Category::FastFood))
        );
        assert_eq!("try:stop".parse::<Action>(), Ok(Action::StopTrying));
    }

    #[test]
    fn forged_or_garbled_data_is_refused() {
        for data in [
            "",
            "skin",
            "skin:",
            "skin:2026-11-28",
            "skin:2026-11-28:0",
            "skin:2026-11-28:6",
            "skin:2026-11-28:04",
            "skin:2026-11-28:+4",
            "skin:2026-13-01:3",
            "skin:2026-2-01:3",
            "skin:2026-11-28:4:extra",
            "undo:",
            "undo:not-an-id",
            "del:AAAAAAAAAAAAAAAAAAAAA",
            "faq:",
            "faq:Acne",
            "faq:../etc",
            "forget:maybe",
            "try",
            "try:",
            "try:beer",
            "try:Alcohol",
            "try:alcohol ",
            "try: alcohol",
            "try:alcohol:stop",
            "try:fast-food",
            "try:fastfood",
            "try:STOP",
            "try:stop:",
            "zone:",
            "zone:keep:",
            "zone:KEEP",
            "zone:00c0ffee",
            "zone:00c0ffee:",
            "zone:00c0ffee:Atlantis",
            "zone:00c0ffee:europe/rome",
            "zone:00c0ffee:Italy",
            "zone:00c0ffee:Rome",
            "zone:00c0ffee:utc-3",
            "zone:00C0FFEE:Europe/Rome",
            "zone:c0ffee:Europe/Rome",
            "zone:+0c0ffee:Europe/Rome",
            "zone:00c0ffee:UTC+15",
            "zone:00c0ffee:Europe/Rome:x",
            "zone:00c0ffee: Europe/Rome",
            "launch:missiles",
            "💥",
        ] {
            assert_eq!(data.parse::<Action>(), Err(UnknownAction), "{data:?}");
        }
        let long = format!("faq:{}", "a".repeat(80));
        assert_eq!(long.parse::<Action>(), Err(UnknownAction));
    }
}

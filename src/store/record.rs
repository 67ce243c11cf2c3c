//! Stored values: a version byte, then the record (JSON for settings and ratings, the compact
//! `codec` form for meals and undo markers), and the user's settings record.
//!
//! The version comes first so that a later format can be told apart before anything is
//! parsed. Settings and ratings are few and stay JSON, so fields can be added with serde
//! defaults; meals are the bulk of the database and are binary.
//!
//! Reading is forgiving by design: a value with an unknown version or that does not parse is
//! skipped with a warning naming the tree and what was wrong, never its content (meal text
//! is health data), and the records around it still load.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::codec::{self, MealRecordV1, MealValue};
use super::error::StoreError;
use super::layout::from_sortable_i64;
use crate::diary::{find_zone, ChosenZone, DayClock, Entry, DEFAULT_CUTOFF};
use crate::food::Category;

/// The version JSON records (settings, ratings) are written with.
pub(crate) const JSON_VERSION: u8 = 1;
/// The version meal values are written with today (see `codec`).
pub(crate) const MEAL_VERSION: u8 = 2;
/// The first meal format, still read (see `codec`).
pub(crate) const MEAL_VERSION_1: u8 = 1;
/// The version of the earlier layout's `messages` values.
const POINTER_VERSION: u8 = 1;

/// A user's settings: one per chat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserSettings {
    /// The Telegram chat id.
    pub user: i64,
    /// IANA zone name ("Europe/Berlin"); see [`UserSettings::tz`].
    pub zone: String,
    /// For a zone chosen as a UTC offset, the offset as the person wrote it ("UTC-3"), to
    /// show instead of the zone's name (`Etc/GMT+3`); see [`UserSettings::zone_shown`].
    /// Records from before labels have none, and show the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_label: Option<String>,
    /// Local time of the daily digest, or `None` when the user turned it off.
    #[serde(default)]
    pub digest_at: Option<NaiveTime>,
    /// When the user's diary day starts (04:00 unless changed).
    #[serde(default = "default_cutoff")]
    pub day_cutoff: NaiveTime,
    /// The tip shown most recently, so the next one differs.
    #[serde(default)]
    pub last_tip_id: Option<String>,
    /// The diary day the last digest was sent for, so it is sent once a day.
    #[serde(default)]
    pub last_digest_day: Option<NaiveDate>,
    /// False once the user blocked the bot; the digest skips inactive users.
    #[serde(default = "default_active")]
    pub active: bool,
    /// The two-week experiment running, if the person started one from `/insights`.
    /// Records from before experiments existed have none; one that cannot be read is
    /// dropped rather than costing the person their settings.
    #[serde(default, deserialize_with = "lenient_experiment")]
    pub experiment: Option<Experiment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn default_cutoff() -> NaiveTime {
    DEFAULT_CUTOFF
}

fn default_active() -> bool {
    true
}

/// A two-week experiment: going without `category` from the diary day `started` on, to
/// compare the skin ratings of those days with the two weeks before. Stored as
/// `{"category":"alcohol","started":"2026-11-14"}` (the category by its stable id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Experiment {
    pub category: Category,
    pub started: NaiveDate,
}

/// An experiment that does not parse (written by a later version, say) reads as none.
fn lenient_experiment<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Experiment>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Readable(Option<Experiment>),
        Unreadable(serde::de::IgnoredAny),
    }
    Ok(match Stored::deserialize(deserializer)? {
        Stored::Readable(experiment) => experiment,
        Stored::Unreadable(_) => {
            tracing::warn!("dropping an experiment that does not parse");
            None
        }
    })
}

impl UserSettings {
    /// A new user in `zone` with the default cutoff and no digest yet.
    pub fn new(user: i64, zone: Tz, now: DateTime<Utc>) -> UserSettings {
        UserSettings {
            user,
            zone: zone.name().to_string(),
            zone_label: None,
            digest_at: None,
            day_cutoff: DEFAULT_CUTOFF,
            last_tip_id: None,
            last_digest_day: None,
            active: true,
            experiment: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The zone, if its name is one this build of chrono-tz knows.
    pub fn tz(&self) -> Option<Tz> {
        self.zone.parse().ok()
    }

    /// The zone as the person should see it: the label they chose it by ("UTC-3") when it
    /// still names the stored zone, else the zone's IANA name. (A label that names another
    /// zone can only come from a damaged record; the zone is what the diary runs on.)
    pub fn zone_shown(&self) -> &str {
        match &self.zone_label {
            Some(label) if find_zone(label).is_some_and(|chosen| chosen.tz.name() == self.zone) => {
                label
            }
            _ => &self.zone,
        }
    }

    /// Sets the zone and its label together, so a label never outlives its zone.
    pub fn set_zone(&mut self, chosen: &ChosenZone) {
        self.zone = chosen.tz.name().to_string();
        self.zone_label.clone_from(&chosen.label);
    }

    /// The user's diary clock; `None` if the zone is unknown or the cutoff out of range.
    pub fn clock(&self) -> Option<DayClock> {
        DayClock::with_cutoff(self.tz()?, self.day_cutoff).ok()
    }

    /// These settings with every field that differs between `read` and `changed` taken from
    /// `changed`: a change made to a copy read earlier, applied to settings that others may
    /// have changed since, so that their changes to other fields stay (the digest recording
    /// its day while the person sets their zone). The user is kept.
    pub fn with_changes(mut self, read: &UserSettings, changed: &UserSettings) -> UserSettings {
        fn take<T: PartialEq + Clone>(field: &mut T, read: &T, changed: &T) {
            if read != changed {
                field.clone_from(changed);
            }
        }
        // Every field but `user`, listed so that a new field is a compile error here.
        let UserSettings {
            user: _,
            zone,
            zone_label,
            digest_at,
            day_cutoff,
            last_tip_id,
            last_digest_day,
            active,
            experiment,
            created_at,
            updated_at,
        } = changed;
        take(&mut self.zone, &read.zone, zone);
        take(&mut self.zone_label, &read.zone_label, zone_label);
        take(&mut self.digest_at, &read.digest_at, digest_at);
        take(&mut self.day_cutoff, &read.day_cutoff, day_cutoff);
        take(&mut self.last_tip_id, &read.last_tip_id, last_tip_id);
        take(
            &mut self.last_digest_day,
            &read.last_digest_day,
            last_digest_day,
        );
        take(&mut self.active, &read.active, active);
        take(&mut self.experiment, &read.experiment, experiment);
        take(&mut self.created_at, &read.created_at, created_at);
        take(&mut self.updated_at, &read.updated_at, updated_at);
        self
    }
}

/// `version` then `value` as JSON.
pub(crate) fn encode<T: Serialize>(kind: &'static str, value: &T) -> Result<Vec<u8>, StoreError> {
    let mut bytes = vec![JSON_VERSION];
    serde_json::to_writer(&mut bytes, value)
        .map_err(|source| StoreError::Encode { kind, source })?;
    Ok(bytes)
}

/// Reads a record written by [`encode`]; `None`, with a warning, if it cannot be read.
pub(crate) fn decode<T: DeserializeOwned>(tree: &'static str, value: &[u8]) -> Option<T> {
    match value.split_first() {
        None => {
            tracing::warn!(tree, "skipping an empty record");
            None
        }
        Some((&JSON_VERSION, json)) => match serde_json::from_slice(json) {
            Ok(record) => Some(record),
            Err(error) => {
                // The error's text may quote the value, so only its kind and place are logged.
                tracing::warn!(
                    tree,
                    kind = ?error.classify(),
                    line = error.line(),
                    column = error.column(),
                    "skipping a record that does not parse"
                );
                None
            }
        },
        Some((&version, _)) => {
            tracing::warn!(tree, version, "skipping a record of an unknown version");
            None
        }
    }
}

/// A meal's value: version, then the compact body of `codec`.
pub(crate) fn encode_meal(entry: &Entry) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(16 + entry.text.len() + 20 * entry.items.len());
    bytes.push(MEAL_VERSION);
    codec::encode_meal(entry, &mut bytes);
    bytes
}

/// The value an undone meal of diary day `day`, logged at `logged_at`, leaves behind.
pub(crate) fn encode_undone(logged_at: DateTime<Utc>, day: NaiveDate) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(8);
    bytes.push(MEAL_VERSION);
    codec::encode_undone(logged_at, day, &mut bytes);
    bytes
}

/// Reads the value stored under the meal key of diary day `day` and message `message_id`;
/// `None`, with a warning, if it cannot be read. A version-1 value carries its own day and
/// message, and is refused unless they are the key's.
pub(crate) fn decode_meal(
    tree: &'static str,
    day: NaiveDate,
    message_id: i64,
    value: &[u8],
) -> Option<MealValue> {
    match value.split_first() {
        Some((&MEAL_VERSION, body)) => match codec::decode_meal(body, day) {
            Ok(meal) => Some(meal),
            Err(error) => {
                tracing::warn!(tree, ?error, "skipping a meal record that does not decode");
                None
            }
        },
        Some((&MEAL_VERSION_1, _)) => {
            let record = decode_meal_v1(tree, value)?;
            if record.message_id != message_id || record.entry.local_day != day {
                tracing::warn!(tree, "skipping a record filed under another message");
                return None;
            }
            Some(MealValue::Meal(record.entry))
        }
        Some((&version, _)) => {
            tracing::warn!(tree, version, "skipping a record of an unknown version");
            None
        }
        None => {
            tracing::warn!(tree, "skipping an empty record");
            None
        }
    }
}

/// Reads a version-1 meal value (the earlier layout's); `None`, with a warning, if it
/// cannot be read.
pub(crate) fn decode_meal_v1(tree: &'static str, value: &[u8]) -> Option<MealRecordV1> {
    match value.split_first() {
        Some((&MEAL_VERSION_1, body)) => match codec::decode_meal_v1(body) {
            Ok(record) => Some(record),
            Err(error) => {
                tracing::warn!(tree, ?error, "skipping a meal record that does not decode");
                None
            }
        },
        Some((&version, _)) => {
            tracing::warn!(tree, version, "skipping a record of an unknown version");
            None
        }
        None => {
            tracing::warn!(tree, "skipping an empty record");
            None
        }
    }
}

/// Reads a value of the earlier layout's `messages` tree back into the logged-at instant
/// (µs) of its meal.
pub(crate) fn decode_meal_pointer(tree: &'static str, value: &[u8]) -> Option<i64> {
    match value.split_first() {
        Some((&POINTER_VERSION, rest)) => match <[u8; 8]>::try_from(rest) {
            Ok(bytes) => Some(from_sortable_i64(bytes)),
            Err(_) => {
                tracing::warn!(tree, len = rest.len(), "skipping a malformed meal pointer");
                None
            }
        },
        Some((&version, _)) => {
            tracing::warn!(tree, version, "skipping a pointer of an unknown version");
            None
        }
        None => {
            tracing::warn!(tree, "skipping an empty pointer");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn changes_to_a_copy_keep_what_others_changed_meanwhile() {
        use super::UserSettings;
        use chrono::{NaiveDate, TimeZone, Utc};
        let at = Utc
            .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
            .single()
            .expect("instant");
        let read = UserSettings::new(5, chrono_tz::Europe::Berlin, at);
        // The person moves to Tokyo on their copy...
        let mut changed = read.clone();
        changed.zone = "Asia/Tokyo".to_string();
        changed.updated_at = at + chrono::TimeDelta::minutes(1);
        // ...while the digest records the day it sent on the stored settings.
        let mut stored = read.clone();
        stored.last_digest_day = NaiveDate::from_ymd_opt(2026, 11, 20);
        stored.last_tip_id = Some("fibre".to_string());
        let merged = stored.clone().with_changes(&read, &changed);
        assert_eq!(merged.zone, "Asia/Tokyo");
        assert_eq!(merged.updated_at, changed.updated_at);
        assert_eq!(merged.last_digest_day, stored.last_digest_day);
        assert_eq!(merged.last_tip_id, stored.last_tip_id);
        // Nothing changed on the copy: the stored settings stand.
        assert_eq!(stored.clone().with_changes(&read, &read), stored);
    }

    use super::*;

    fn record(json: &str) -> Vec<u8> {
        let mut bytes = vec![JSON_VERSION];
        bytes.extend_from_slice(json.as_bytes());
        bytes
    }

    #[test]
    fn settings_from_before_experiments_still_decode() {
        let old = record(
            r#"{"user":7,"zone":"Europe/Berlin","digest_at":"21:00:00","day_cutoff":"04:00:00",
                "last_tip_id":null,"last_digest_day":"2026-11-27","active":true,
                "created_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-27T20:00:00Z"}"#,
        );
        let settings: UserSettings = decode("users", &old).expect("an old record decodes");
        assert_eq!(settings.user, 7);
        assert_eq!(settings.zone, "Europe/Berlin");
        assert_eq!(settings.experiment, None);
    }

    #[test]
    fn settings_from_before_zone_labels_still_decode_and_show_the_name() {
        let old = record(
            r#"{"user":7,"zone":"Etc/GMT+3","digest_at":"21:00:00","day_cutoff":"04:00:00",
                "active":true,"created_at":"2026-11-01T10:00:00Z",
                "updated_at":"2026-11-27T20:00:00Z"}"#,
        );
        let settings: UserSettings = decode("users", &old).expect("an old record decodes");
        assert_eq!(settings.zone_label, None);
        assert_eq!(settings.zone_shown(), "Etc/GMT+3");
    }

    #[test]
    fn a_zone_label_round_trips_and_shows_while_it_names_the_zone() {
        let now = DateTime::parse_from_rfc3339("2026-11-14T09:00:00Z")
            .expect("instant")
            .with_timezone(&Utc);
        let mut settings = UserSettings::new(7, Tz::UTC, now);
        let bytes = encode("user", &settings).expect("encodes");
        let json = std::str::from_utf8(&bytes[1..]).expect("utf-8");
        assert!(!json.contains("zone_label"), "none is not written: {json}");
        settings.set_zone(&crate::diary::choose_zone("utc-3").expect("an offset"));
        assert_eq!(settings.zone, "Etc/GMT+3");
        assert_eq!(settings.zone_shown(), "UTC-3");
        let bytes = encode("user", &settings).expect("encodes");
        let back: UserSettings = decode("users", &bytes).expect("decodes");
        assert_eq!(back, settings);
        // A city clears the label; a label that names another zone is not shown.
        settings.set_zone(&crate::diary::choose_zone("Paris").expect("a city"));
        assert_eq!(
            (settings.zone_shown(), settings.zone_label.as_deref()),
            ("Europe/Paris", None)
        );
        settings.zone_label = Some("UTC+9".to_string());
        assert_eq!(settings.zone_shown(), "Europe/Paris");
    }

    #[test]
    fn an_experiment_round_trips_by_category_id() {
        let now = DateTime::parse_from_rfc3339("2026-11-14T09:00:00Z")
            .expect("instant")
            .with_timezone(&Utc);
        let mut settings = UserSettings::new(7, Tz::Europe__Berlin, now);
        let started = NaiveDate::from_ymd_opt(2026, 11, 14).expect("date");
        settings.experiment = Some(Experiment {
            category: Category::UltraProcessed,
            started,
        });
        let bytes = encode("user", &settings).expect("encodes");
        let json = std::str::from_utf8(&bytes[1..]).expect("utf-8");
        assert!(
            json.contains(r#""experiment":{"category":"ultra_processed","started":"2026-11-14"}"#),
            "{json}"
        );
        let back: UserSettings = decode("users", &bytes).expect("decodes");
        assert_eq!(back, settings);
    }

    #[test]
    fn an_unreadable_experiment_costs_only_the_experiment() {
        let odd = record(
            r#"{"user":7,"zone":"UTC","experiment":{"category":"kale","started":"someday"},
                "created_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-01T10:00:00Z"}"#,
        );
        let settings: UserSettings = decode("users", &odd).expect("the rest still decodes");
        assert_eq!(settings.zone, "UTC");
        assert_eq!(settings.experiment, None);
        let none = record(
            r#"{"user":7,"zone":"UTC","experiment":null,
                "created_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-01T10:00:00Z"}"#,
        );
        let settings: UserSettings = decode("users", &none).expect("decodes");
        assert_eq!(settings.experiment, None);
    }
}

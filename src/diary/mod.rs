//! The diary: logged meals and skin ratings, the user's days in their own zone, the daily
//! score, fibre, the week's plants, and streaks.
//!
//! Pure, like `food` and `knowledge`: no storage, no network, and no clock. The current
//! instant is always passed in (the design's injected clock), so days, week boundaries and
//! clock changes are tested without waiting.
//!
//! - [`Entry`] and [`SkinRating`] are the owned records the store persists (see `entry`).
//! - [`DayClock`] turns an instant into the user's diary day, which runs to the cutoff (04:00
//!   by default) rather than midnight; [`parse_zone`] reads the zone as a person types it,
//!   and [`choose_zone`] keeps an offset as they wrote it ("UTC-3") to show it back;
//!   [`find_place`] finds the place in "I'm in Paris" or "Tokyo please" (see `clock`,
//!   `zone` and `place`).
//! - [`read_when`] reads when a meal was eaten ("last night", "on monday", "at 8am") and
//!   [`WhenSaid::resolve`] turns it into a diary day and a local time (see `when`).
//! - [`ScoreWeights::score`] scores a day 0-100 with its parts, weights from
//!   `config/gutskin.toml` ([`DiaryConfig`]; see `score` and `config`).
//! - [`DaySummary`], [`WeekSummary`] and [`streaks`] add days and weeks up, and
//!   [`WeekSummary::day_context`] feeds the tip picker (see `summary`). [`WeekTally`] is the
//!   running sum both are made from, which a new entry can be added to.
//! - [`find_patterns`] finds which food categories go with better or worse skin, and
//!   [`compare_experiment`] reports a two-week experiment (see `insights`); [`read_events`]
//!   reads a diary from JSON lines for `gutskin insights` (see `events`).

mod clock;
mod config;
mod entry;
mod events;
mod insights;
mod place;
mod score;
mod summary;
mod when;
mod zone;

pub use clock::{weekday_number, CutoffError, DayClock, Week, DEFAULT_CUTOFF, LATEST_CUTOFF};
pub use config::{ConfigError, DiaryConfig, BUILTIN_CONFIG};
pub use entry::{Entry, LoggedItem, RatingError, SkinRating, LOW_RATING, MAX_RATING, MIN_RATING};
pub use events::{diary_day, parse_event, read_events, read_events_with_cutoff, Event, EventError};
pub use insights::{
    bh_q_values, compare_experiment, find_patterns, observations, permutation_test,
    weighted_bh_q_values, DayObservation, Direction, ExperimentComparison, Finding, Insights,
    PermutationTest, RatingMean, CLEAR_FINDING_Q, EXPECTED_DIRECTION_SHARE, EXPERIMENT_DAYS,
    FINDING_Q, LAGS, LAG_WEIGHTS, MIN_DAYS_PER_GROUP,
};
pub use place::{find_place, PlaceFound};
pub use score::{DayScore, ScorePart, ScorePartKind, ScoreWeights};
pub use summary::{
    day_context, latest_ratings, low_skin_days, streaks, DaySummary, DayTally, Streaks, WeekDay,
    WeekSummary, WeekTally, LOW_SKIN_WINDOW_DAYS,
};
pub use when::{read_when, DayPart, Eaten, SaidDay, SaidTime, WhenError, WhenSaid, MAX_DAYS_BACK};
pub use zone::{
    choose_zone, find_zone, offset_label, parse_zone, ChosenZone, ZoneError, FRACTIONAL_OFFSETS,
    MAX_ZONE_CHARS,
};

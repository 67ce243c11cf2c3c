//! Loading and checking `config/gutskin.toml`: the default day cutoff and the score weights.
//!
//! The file is compiled in ([`BUILTIN_CONFIG`]), so the bot scores days from any directory;
//! [`DiaryConfig::load`] reads an edited copy. Every invariant is checked at load (see the
//! file's header) and reported as a [`ConfigError`] naming the setting at fault, so that a bad
//! edit fails at start-up rather than scoring days wrongly.
//!
//! Other layers may keep their own top-level tables in the same file: only `[day]` and
//! `[score.*]` are read here, and those reject unknown keys so that a misspelt weight is an
//! error rather than a silent default.

use super::clock::{DayClock, LATEST_CUTOFF};
use super::score::ScoreWeights;
use crate::food::Category;
use chrono::NaiveTime;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The diary settings shipped with the binary.
pub const BUILTIN_CONFIG: &str = include_str!("../../config/gutskin.toml");

/// The largest single weight: a typo such as `120` or `1000` would swamp every other part.
const MAX_WEIGHT: u32 = 100;
/// The most fibre that can be asked for before the fibre part is full, in grams a day.
const MAX_FULL_FIBRE_G: f32 = 100.0;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the diary settings {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the diary settings are not valid: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("day cutoff {text:?}: {problem}")]
    Cutoff { text: String, problem: String },
    #[error("[score.{table}]: {id:?} is not a category id")]
    UnknownCategory { table: &'static str, id: String },
    #[error("[score.{table}]: {id} belongs under [score.{belongs}]")]
    WrongTable {
        table: &'static str,
        id: String,
        belongs: &'static str,
    },
    #[error("[score.{table}]: {id} is missing")]
    MissingCategory {
        table: &'static str,
        id: &'static str,
    },
    #[error("{name}: {problem}")]
    Weight { name: String, problem: String },
    #[error(
        "full marks (helpful groups + fibre points + plants max_points) add up to {0}, not 100"
    )]
    FullMarks(u32),
}

/// The checked contents of `config/gutskin.toml`.
#[derive(Clone, Debug, PartialEq)]
pub struct DiaryConfig {
    /// When a day starts for a person who has not chosen (00:00 to 12:00).
    pub day_cutoff: NaiveTime,
    pub score: ScoreWeights,
}

#[derive(Deserialize)]
struct ConfigRecord {
    day: DayRecord,
    score: ScoreRecord,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayRecord {
    cutoff: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreRecord {
    helpful: BTreeMap<String, u32>,
    harmful: BTreeMap<String, u32>,
    fibre: FibreRecord,
    plants: PlantsRecord,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FibreRecord {
    points: u32,
    full_at_g: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlantsRecord {
    points_each: u32,
    max_points: u32,
}

impl DiaryConfig {
    /// The settings compiled into the binary.
    pub fn builtin() -> Result<DiaryConfig, ConfigError> {
        DiaryConfig::from_toml(BUILTIN_CONFIG)
    }

    /// A settings file, e.g. an edited copy of `config/gutskin.toml`.
    pub fn load(path: &Path) -> Result<DiaryConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        DiaryConfig::from_toml(&text)
    }

    pub fn from_toml(text: &str) -> Result<DiaryConfig, ConfigError> {
        let record: ConfigRecord = toml::from_str(text)?;
        let day_cutoff = parse_cutoff(&record.day.cutoff)?;
        let score = score_weights(record.score)?;
        Ok(DiaryConfig { day_cutoff, score })
    }

    /// A clock in `tz` with the configured cutoff.
    pub fn clock(&self, tz: chrono_tz::Tz) -> DayClock {
        // The cutoff was checked at load; the fallback only guards a field changed since.
        DayClock::with_cutoff(tz, self.day_cutoff).unwrap_or_else(|_| DayClock::new(tz))
    }
}

/// "04:00" or "4:00"; between 00:00 and 12:00.
fn parse_cutoff(text: &str) -> Result<NaiveTime, ConfigError> {
    let problem = |problem: &str| ConfigError::Cutoff {
        text: text.to_string(),
        problem: problem.to_string(),
    };
    let time = NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| problem("write it as HH:MM, e.g. \"04:00\""))?;
    if time > LATEST_CUTOFF {
        return Err(problem("a day must start between 00:00 and 12:00"));
    }
    Ok(time)
}

fn score_weights(record: ScoreRecord) -> Result<ScoreWeights, ConfigError> {
    let mut group_points = [0u32; 10];
    for (table, harmful, weights) in [
        ("helpful", false, &record.helpful),
        ("harmful", true, &record.harmful),
    ] {
        for (id, &points) in weights {
            let category = Category::from_id(id).ok_or_else(|| ConfigError::UnknownCategory {
                table,
                id: id.clone(),
            })?;
            if category.is_harmful() != harmful {
                return Err(ConfigError::WrongTable {
                    table,
                    id: id.clone(),
                    belongs: if harmful { "helpful" } else { "harmful" },
                });
            }
            check_weight(&format!("[score.{table}] {id}"), points)?;
            group_points[category as usize] = points;
        }
        for category in Category::ALL {
            if category.is_harmful() == harmful && !weights.contains_key(category.id()) {
                return Err(ConfigError::MissingCategory {
                    table,
                    id: category.id(),
                });
            }
        }
    }

    let fibre = record.fibre;
    check_weight("[score.fibre] points", fibre.points)?;
    if !(fibre.full_at_g.is_finite()
        && fibre.full_at_g >= 1.0
        && fibre.full_at_g <= MAX_FULL_FIBRE_G)
    {
        return Err(ConfigError::Weight {
            name: "[score.fibre] full_at_g".to_string(),
            problem: format!("must be 1 to {MAX_FULL_FIBRE_G} g, not {}", fibre.full_at_g),
        });
    }

    let plants = record.plants;
    check_weight("[score.plants] points_each", plants.points_each)?;
    check_weight("[score.plants] max_points", plants.max_points)?;
    if plants.max_points > 0 && plants.points_each == 0 {
        return Err(ConfigError::Weight {
            name: "[score.plants] points_each".to_string(),
            problem: "is 0, so max_points can never be earned".to_string(),
        });
    }

    let weights = ScoreWeights {
        group_points,
        fibre_points: fibre.points,
        fibre_full_g: fibre.full_at_g,
        points_per_plant: plants.points_each,
        max_plant_points: plants.max_points,
    };
    match weights.full_marks() {
        100 => Ok(weights),
        total => Err(ConfigError::FullMarks(total)),
    }
}

fn check_weight(name: &str, points: u32) -> Result<(), ConfigError> {
    if points > MAX_WEIGHT {
        return Err(ConfigError::Weight {
            name: name.to_string(),
            problem: format!("must be 0 to {MAX_WEIGHT}, not {points}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::DEFAULT_CUTOFF;

    #[test]
    fn the_builtin_settings_load() {
        let config = DiaryConfig::builtin().expect("config/gutskin.toml");
        assert_eq!(config.day_cutoff, DEFAULT_CUTOFF);
    }

    #[test]
    fn cutoffs_are_read_and_checked() {
        assert_eq!(parse_cutoff("4:30").ok(), NaiveTime::from_hms_opt(4, 30, 0));
        assert!(parse_cutoff("12:00").is_ok());
        for bad in ["13:00", "4am", "", "25:00", "04:00:00"] {
            assert!(parse_cutoff(bad).is_err(), "{bad}");
        }
    }
}

//! The daily score, 0 to 100, and the parts it is made of.
//!
//! As the FAQ (`config/knowledge.toml`, topic `score`) tells people: points for each helpful
//! food group logged that day, more points as fibre climbs towards 25-35 g, points for plant
//! variety, and points off for each harmful group; the weights live in `config/gutskin.toml`.
//! The total is the sum of the parts clamped to 0-100, so a day of only harmful food is 0, not
//! negative, and the parts shown on /today can add up to less than 0 when that happens.
//!
//! A group counts once a day however often it was logged: the score nudges towards variety
//! and says nothing about amounts, which a text diary cannot know.

use crate::food::{Category, CategorySet};
use serde::Serialize;

/// The weights of the score, read and checked by `DiaryConfig` (see `config`). Fields are
/// private so every instance has passed those checks.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreWeights {
    /// Points per category present, indexed by `Category as usize`; harmful ones are
    /// subtracted.
    pub(super) group_points: [u32; 10],
    pub(super) fibre_points: u32,
    pub(super) fibre_full_g: f32,
    pub(super) points_per_plant: u32,
    pub(super) max_plant_points: u32,
}

/// What one part of the score is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "category")]
pub enum ScorePartKind {
    /// A helpful group was logged.
    Helpful(Category),
    /// The day's fibre, towards the full amount.
    Fibre,
    /// Distinct plants that day.
    Plants,
    /// A harmful group was logged (negative points).
    Harmful(Category),
}

/// One line of the breakdown: "fermented foods +12", "sugar -12".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScorePart {
    pub kind: ScorePartKind,
    /// How the part reads in a reply ("fermented foods", "fibre 7.6 g of 25", "2 plants").
    pub label: String,
    pub points: i32,
}

/// A day's score and its parts, in the order /today lists them: helpful groups in the
/// document's order, fibre, plants, then harmful groups.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayScore {
    /// The parts' sum, clamped to 0-100.
    pub total: u8,
    /// Parts worth something; zero-point parts are left out.
    pub parts: Vec<ScorePart>,
}

impl ScoreWeights {
    /// Scores a day from what it held: its categories, estimated fibre and distinct plants.
    /// Fibre that is negative or not a number (a damaged record) counts as none.
    pub fn score(&self, categories: CategorySet, fibre_g: f32, plants: usize) -> DayScore {
        let mut parts = Vec::new();
        for category in Category::ALL {
            if !category.is_harmful() && categories.contains(category) {
                push_part(
                    &mut parts,
                    ScorePartKind::Helpful(category),
                    group_label(category).to_string(),
                    self.group_points(category),
                );
            }
        }

        let fibre = if fibre_g.is_finite() {
            fibre_g.max(0.0)
        } else {
            0.0
        };
        let share = (fibre / self.fibre_full_g).min(1.0);
        // At most 100 points, so the cast cannot overflow.
        let fibre_points = (self.fibre_points as f32 * share).round() as i32;
        push_part(
            &mut parts,
            ScorePartKind::Fibre,
            format!(
                "fibre {} g of {}",
                format_grams(fibre),
                format_grams(self.fibre_full_g)
            ),
            fibre_points,
        );

        let plant_points = u64::from(self.points_per_plant)
            .saturating_mul(plants as u64)
            .min(u64::from(self.max_plant_points));
        let plant_label = if plants == 1 {
            "1 plant".to_string()
        } else {
            format!("{plants} plants")
        };
        // At most max_plant_points, itself at most 100.
        push_part(
            &mut parts,
            ScorePartKind::Plants,
            plant_label,
            plant_points as i32,
        );

        for category in Category::ALL {
            if category.is_harmful() && categories.contains(category) {
                push_part(
                    &mut parts,
                    ScorePartKind::Harmful(category),
                    category.label().to_string(),
                    self.group_points(category),
                );
            }
        }

        let sum: i32 = parts.iter().map(|part| part.points).sum();
        DayScore {
            // Clamped to 0-100 first, so the cast is lossless.
            total: sum.clamp(0, 100) as u8,
            parts,
        }
    }

    /// What a group is worth when present: positive for helpful, negative for harmful.
    pub fn group_points(&self, category: Category) -> i32 {
        // Weights are checked to be at most 100.
        let points = self.group_points[category as usize] as i32;
        if category.is_harmful() {
            -points
        } else {
            points
        }
    }

    /// The fibre (grams) at which the fibre part is full.
    pub fn fibre_full_g(&self) -> f32 {
        self.fibre_full_g
    }

    /// The most the fibre part can earn.
    pub fn fibre_points(&self) -> u32 {
        self.fibre_points
    }

    pub fn points_per_plant(&self) -> u32 {
        self.points_per_plant
    }

    /// The most the plants part can earn.
    pub fn max_plant_points(&self) -> u32 {
        self.max_plant_points
    }

    /// Every helpful group, fibre in full and the plants cap: the best possible day.
    pub fn full_marks(&self) -> u32 {
        let helpful: u32 = Category::ALL
            .into_iter()
            .filter(|c| !c.is_harmful())
            .map(|c| self.group_points[c as usize])
            .sum();
        helpful + self.fibre_points + self.max_plant_points
    }
}

/// A group as the FAQ names it in the score's explanation. "fibre-rich foods" keeps the
/// group apart from the fibre amount, which is a part of its own.
fn group_label(category: Category) -> &'static str {
    match category {
        Category::Fiber => "fibre-rich foods",
        Category::Fermented => "fermented foods",
        other => other.label(),
    }
}

fn push_part(parts: &mut Vec<ScorePart>, kind: ScorePartKind, label: String, points: i32) {
    if points != 0 {
        parts.push(ScorePart {
            kind,
            label,
            points,
        });
    }
}

/// "25", "7.6": grams to one decimal, without a trailing ".0".
fn format_grams(grams: f32) -> String {
    let rounded = (grams * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights() -> ScoreWeights {
        crate::diary::DiaryConfig::builtin()
            .expect("config/gutskin.toml loads")
            .score
    }

    #[test]
    fn the_builtin_weights_reach_exactly_100() {
        assert_eq!(weights().full_marks(), 100);
    }

    #[test]
    fn fibre_grows_linearly_and_stops_at_full() {
        let w = weights();
        let fibre = |g: f32| {
            w.score(CategorySet::EMPTY, g, 0)
                .parts
                .iter()
                .find(|p| p.kind == ScorePartKind::Fibre)
                .map_or(0, |p| p.points)
        };
        assert_eq!(fibre(0.0), 0);
        assert_eq!(fibre(12.5), (w.fibre_points() as f32 / 2.0).round() as i32);
        assert_eq!(fibre(25.0), w.fibre_points() as i32);
        assert_eq!(fibre(60.0), w.fibre_points() as i32);
        assert_eq!(fibre(f32::NAN), 0);
        assert_eq!(fibre(-5.0), 0);
        assert_eq!(fibre(f32::INFINITY), 0);
    }

    #[test]
    fn plants_are_capped() {
        let w = weights();
        let total = |n| w.score(CategorySet::EMPTY, 0.0, n).total as u32;
        assert_eq!(total(1), w.points_per_plant());
        assert_eq!(total(1000), w.max_plant_points());
        assert_eq!(total(usize::MAX), w.max_plant_points());
    }

    #[test]
    fn labels_read_well() {
        assert_eq!(format_grams(25.0), "25");
        assert_eq!(format_grams(7.64), "7.6");
        let w = weights();
        let score = w.score(
            [Category::Fermented, Category::Sugar].into_iter().collect(),
            7.6,
            1,
        );
        let labels: Vec<&str> = score.parts.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            ["fermented foods", "fibre 7.6 g of 25", "1 plant", "sugar"]
        );
    }
}

//! Tips: one short practical step for the evening digest, chosen for the day's gaps.
//!
//! Each tip in the knowledge base has a [`Trigger`], the situation that makes it worth
//! saying. [`relevance`] turns a trigger and a [`DayContext`] into a number, or `None` when
//! the trigger does not fire; the caller (`KnowledgeBase::tip_for`) shows the most relevant
//! tip that is not the one it showed last time. The order of relevance, and why:
//!
//! 1. nothing logged: without a log no other gap can be judged, and tracking is a step in itself;
//! 2. a harmful category logged, ultra-processed food first (the document calls it the single
//!    biggest disruptor of the gut microbiome), then sugar, fast food, alcohol;
//! 3. several low-rated skin days: stress and patience, before more food advice;
//! 4. fibre under target and plants behind the week's pace, ranked by how far behind;
//! 5. no fermented food today (a daily step of the document), then the other helpful groups;
//! 6. general tips that fit any day, so there is always something new to show.

use crate::food::{Category, CategorySet};
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// What a day looked like, as the diary sees it; everything a tip trigger looks at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayContext {
    /// The categories of everything logged today.
    pub categories: CategorySet,
    /// Estimated fibre eaten today, in grams.
    pub fibre_g: f32,
    /// Distinct plant foods logged so far this week.
    pub plants_this_week: u32,
    /// Day of the week, 1 (first day) to 7; the weekly plant pace is `weekly_plants * day / 7`.
    /// Values outside 1-7 are clamped.
    pub weekday: u8,
    /// Recent days whose skin rating was low.
    pub low_skin_days: u32,
    /// Whether any meal was logged today.
    pub logged_anything: bool,
}

/// The thresholds tip triggers compare against (`[tip_rules]` in the knowledge base).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TipRules {
    /// The weekly plant goal (30 in the document).
    pub weekly_plants: u32,
    /// Fibre below this many grams a day fires `fiber_under_target` (25 g, the low end of
    /// the document's 25-35 g).
    pub fiber_target_g: f32,
    /// This many recent low-rated days fire `low_skin_days`.
    pub low_skin_days: u32,
}

/// The situation that makes a tip relevant on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// A helpful category was not logged today (`missing:fermented`).
    Missing(Category),
    /// A harmful category was logged today (`logged:alcohol`).
    Logged(Category),
    /// Today's fibre is under the target (`fiber_under_target`).
    FiberUnderTarget,
    /// Fewer distinct plants this week than the pace towards the weekly goal (`plants_behind_pace`).
    PlantsBehindPace,
    /// Several recent days with low skin ratings (`low_skin_days`).
    LowSkinDays,
    /// Nothing logged today (`nothing_logged`).
    NothingLogged,
    /// Fits any day; the fallback when nothing more specific fires (`any_day`).
    AnyDay,
}

impl FromStr for Trigger {
    type Err = String;

    fn from_str(text: &str) -> Result<Trigger, String> {
        let category =
            |id: &str| Category::from_id(id).ok_or_else(|| format!("{id:?} is not a category id"));
        match text.split_once(':') {
            Some(("missing", id)) => {
                let c = category(id)?;
                if c.is_harmful() {
                    return Err(format!("{id} is harmful: missing it is no gap"));
                }
                Ok(Trigger::Missing(c))
            }
            Some(("logged", id)) => {
                let c = category(id)?;
                if !c.is_harmful() {
                    return Err(format!("{id} is helpful: logging it needs no tip"));
                }
                Ok(Trigger::Logged(c))
            }
            Some((kind, _)) => Err(format!("{kind:?} is not missing or logged")),
            None => match text {
                "fiber_under_target" => Ok(Trigger::FiberUnderTarget),
                "plants_behind_pace" => Ok(Trigger::PlantsBehindPace),
                "low_skin_days" => Ok(Trigger::LowSkinDays),
                "nothing_logged" => Ok(Trigger::NothingLogged),
                "any_day" => Ok(Trigger::AnyDay),
                _ => Err(format!("{text:?} is not a known trigger")),
            },
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trigger::Missing(c) => write!(f, "missing:{}", c.id()),
            Trigger::Logged(c) => write!(f, "logged:{}", c.id()),
            Trigger::FiberUnderTarget => f.write_str("fiber_under_target"),
            Trigger::PlantsBehindPace => f.write_str("plants_behind_pace"),
            Trigger::LowSkinDays => f.write_str("low_skin_days"),
            Trigger::NothingLogged => f.write_str("nothing_logged"),
            Trigger::AnyDay => f.write_str("any_day"),
        }
    }
}

impl Trigger {
    /// The trigger in words, for listings.
    pub fn describe(&self, rules: &TipRules) -> String {
        match self {
            Trigger::Missing(Category::Fermented) => "no fermented food logged today".to_string(),
            Trigger::Missing(c) => format!("no {} logged today", c.label()),
            Trigger::Logged(c) => format!("{} logged today", c.label()),
            Trigger::FiberUnderTarget => format!("fibre under {} g today", rules.fiber_target_g),
            Trigger::PlantsBehindPace => format!(
                "fewer plants this week than the pace to {} (goal x day / 7)",
                rules.weekly_plants
            ),
            Trigger::LowSkinDays => {
                format!("{}+ recent days with low skin ratings", rules.low_skin_days)
            }
            Trigger::NothingLogged => "nothing logged today".to_string(),
            Trigger::AnyDay => "any day (fallback)".to_string(),
        }
    }
}

/// A short practical tip with the trigger that makes it relevant.
#[derive(Clone, Debug, PartialEq)]
pub struct Tip {
    pub id: String,
    pub trigger: Trigger,
    /// One or two sentences, at most 280 characters.
    pub text: String,
    /// Where the tip's facts come from: sections of the source document or studies.
    pub sources: Vec<String>,
}

/// How relevant a trigger is on a day, or `None` when it does not fire. Larger is more
/// relevant; see the module comment for the order.
pub(crate) fn relevance(trigger: Trigger, day: &DayContext, rules: &TipRules) -> Option<f32> {
    let fires = |condition: bool, value: f32| condition.then_some(value);
    match trigger {
        Trigger::NothingLogged => fires(!day.logged_anything, 100.0),
        Trigger::Logged(category) => {
            let rank = match category {
                Category::UltraProcessed => 4.0,
                Category::Sugar => 3.0,
                Category::FastFood => 2.0,
                _ => 1.0,
            };
            fires(
                day.logged_anything && day.categories.contains(category),
                90.0 + rank,
            )
        }
        Trigger::LowSkinDays => fires(day.low_skin_days >= rules.low_skin_days, 80.0),
        Trigger::FiberUnderTarget => {
            let target = rules.fiber_target_g.max(f32::EPSILON);
            let shortfall = ((target - day.fibre_g.max(0.0)) / target).clamp(0.0, 1.0);
            fires(
                day.logged_anything && day.fibre_g < rules.fiber_target_g,
                60.0 + 20.0 * shortfall,
            )
        }
        Trigger::PlantsBehindPace => {
            let weekday = day.weekday.clamp(1, 7) as f32;
            let pace = rules.weekly_plants as f32 * weekday / 7.0;
            let plants = day.plants_this_week as f32;
            let shortfall = if pace > 0.0 {
                ((pace - plants) / pace).clamp(0.0, 1.0)
            } else {
                0.0
            };
            fires(plants < pace, 55.0 + 20.0 * shortfall)
        }
        Trigger::Missing(category) => {
            // One fermented food a day is one of the document's steps; the other groups
            // are foods to include, not daily rules.
            let base = if category == Category::Fermented {
                50.0
            } else {
                40.0
            };
            fires(
                day.logged_anything && !day.categories.contains(category),
                base,
            )
        }
        Trigger::AnyDay => Some(1.0),
    }
}

/// The most relevant tip for the day that is not `last_shown`. Deterministic: equal
/// relevance goes to the tip listed first in the knowledge base.
pub(crate) fn choose<'a>(
    tips: &'a [Tip],
    day: &DayContext,
    rules: &TipRules,
    last_shown: Option<&str>,
) -> Option<&'a Tip> {
    let mut best: Option<(f32, &Tip)> = None;
    for tip in tips {
        if Some(tip.id.as_str()) == last_shown {
            continue;
        }
        let Some(score) = relevance(tip.trigger, day, rules) else {
            continue;
        };
        if best.is_none_or(|(top, _)| score > top) {
            best = Some((score, tip));
        }
    }
    best.map(|(_, tip)| tip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> TipRules {
        TipRules {
            weekly_plants: 30,
            fiber_target_g: 25.0,
            low_skin_days: 3,
        }
    }

    fn day() -> DayContext {
        DayContext {
            categories: CategorySet::EMPTY,
            fibre_g: 30.0,
            plants_this_week: 30,
            weekday: 3,
            low_skin_days: 0,
            logged_anything: true,
        }
    }

    #[test]
    fn triggers_parse_and_print_back() {
        for text in [
            "missing:fermented",
            "logged:alcohol",
            "fiber_under_target",
            "plants_behind_pace",
            "low_skin_days",
            "nothing_logged",
            "any_day",
        ] {
            let trigger: Trigger = text.parse().expect(text);
            assert_eq!(trigger.to_string(), text);
        }
        for bad in [
            "missing:sugar",
            "logged:fiber",
            "missing:kale",
            "sometimes",
            "eaten:fiber",
        ] {
            assert!(bad.parse::<Trigger>().is_err(), "{bad}");
        }
    }

    #[test]
    fn plant_pace_grows_through_the_week() {
        let mut d = day();
        d.plants_this_week = 10;
        d.weekday = 2; // pace 8.6
        assert_eq!(relevance(Trigger::PlantsBehindPace, &d, &rules()), None);
        d.weekday = 3; // pace 12.9
        assert!(relevance(Trigger::PlantsBehindPace, &d, &rules()).is_some());
    }

    #[test]
    fn nothing_logged_silences_food_gaps() {
        let mut d = day();
        d.logged_anything = false;
        d.fibre_g = 0.0;
        assert_eq!(relevance(Trigger::FiberUnderTarget, &d, &rules()), None);
        assert_eq!(
            relevance(Trigger::Missing(Category::Fermented), &d, &rules()),
            None
        );
        assert!(relevance(Trigger::NothingLogged, &d, &rules()).is_some());
    }
}

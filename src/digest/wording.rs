//! What the digest says: pure functions from day and week summaries to Telegram HTML.
//!
//! The engine's `render` has the shared pieces (the day's standing line, the tip, the skin
//! buttons); these are the digest's own: the evening summary, the nudge for an empty day,
//! and the Sunday report. Labels come from our own config but are escaped all the same.

use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveTime};

use crate::chat::html::escape;
use crate::chat::render;
use crate::diary::{DaySummary, WeekSummary};
use crate::food::Category;
use crate::knowledge::Tip;

/// A change in the average skin rating smaller than this reads as "about the same".
const SAME_RATING: f32 = 0.3;

/// The heading every digest starts with.
pub(crate) fn heading(day: NaiveDate) -> String {
    format!("<b>Your digest for {}</b>", render::day_label(day))
}

/// The evening summary of a day with entries: the score and its parts, fibre, the week's
/// plants, the streak, and the tip.
pub(crate) fn day(
    summary: &DaySummary,
    plants_this_week: usize,
    streak: u32,
    tip: Option<&Tip>,
) -> String {
    let mut text = heading(summary.day);
    let _ = write!(
        text,
        "\n{}",
        render::standing("Today", summary, plants_this_week)
    );
    let parts: Vec<String> = summary
        .score
        .parts
        .iter()
        .map(|part| format!("{} {:+}", escape(&part.label), part.points))
        .collect();
    if !parts.is_empty() {
        let _ = write!(text, "\n<i>{}</i>", parts.join(" · "));
    }
    if streak >= 2 {
        let _ = write!(text, "\n🔥 {streak} days logged in a row");
    }
    if let Some(tip) = tip {
        let _ = write!(text, "\n\n{}", render::tip(tip));
    }
    text
}

/// The nudge for a day with nothing logged: short, with the streak at stake if there is one.
pub(crate) fn nudge(day: NaiveDate, streak: u32, cutoff: NaiveTime) -> String {
    let mut text = heading(day);
    let _ = write!(
        text,
        "\nNothing logged today yet. What did you eat? Tell me in your own words, e.g. \
         <i>salmon, rice and broccoli</i>; it counts for today until {}.",
        cutoff.format("%H:%M")
    );
    if streak >= 2 {
        let _ = write!(
            text,
            "\n🔥 Log something to keep your {streak}-day streak going."
        );
    }
    text
}

/// The Sunday report: the week's plants with their names against the goal, the average
/// score, the skin ratings' trend, and on how many days each food group appeared.
/// `previous_ratings` are the week before's ratings, one per rated day.
pub(crate) fn week(summary: &WeekSummary, previous_ratings: &[u8]) -> String {
    let mut text = format!(
        "<b>Your week, {} to {}</b>",
        render::day_label(summary.week.monday()),
        render::day_label(summary.week.sunday())
    );
    let _ = write!(
        text,
        "\n🌱 Plants: <b>{}/{}</b>",
        summary.plant_count(),
        render::WEEKLY_PLANTS
    );
    if !summary.plants.is_empty() {
        let _ = write!(text, ": {}", escape(&summary.plants.join(", ")));
    }

    let scores: Vec<u32> = summary
        .days
        .iter()
        .filter(|d| d.summary.logged_anything())
        .map(|d| u32::from(d.summary.score.total))
        .collect();
    if scores.is_empty() {
        text.push_str("\nNo meals logged this week.");
    } else {
        let average = scores.iter().sum::<u32>() as f32 / scores.len() as f32;
        let _ = write!(
            text,
            "\nAverage score <b>{average:.0}/100</b> over {} logged day{}",
            scores.len(),
            render::plural(scores.len())
        );
    }

    let ratings: Vec<Option<u8>> = summary.days.iter().map(|d| d.rating).collect();
    let _ = write!(text, "\n{}", skin_trend(&ratings, previous_ratings));

    let days = summary.days.len();
    let count = |category: Category| {
        summary
            .days
            .iter()
            .filter(|d| d.summary.categories.contains(category))
            .count()
    };
    let line = |harmful: bool| {
        Category::ALL
            .into_iter()
            .filter(|c| c.is_harmful() == harmful)
            .map(|c| format!("{} {}", c.label(), count(c)))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let _ = write!(
        text,
        "\nDays with each group (of {days}):\n{}\n{}",
        line(false),
        line(true)
    );
    text
}

/// "Skin (Mon to Sun): 3 · 3 · – · 4 · 4 · 5 · 4, average 3.8/5, up from 3.2 the week
/// before". Without a week before to compare, the first and last ratings of this week.
pub(crate) fn skin_trend(days: &[Option<u8>], previous: &[u8]) -> String {
    let rated: Vec<u8> = days.iter().flatten().copied().collect();
    if rated.is_empty() {
        return "Skin: not rated this week; the buttons below take a second a day.".to_string();
    }
    let marks: Vec<String> = days
        .iter()
        .map(|rating| rating.map_or_else(|| "–".to_string(), |r| r.to_string()))
        .collect();
    let average = mean(&rated);
    let mut text = format!(
        "Skin (Mon to Sun): {}, average {average:.1}/5",
        marks.join(" · ")
    );
    if !previous.is_empty() {
        let before = mean(previous);
        let change = average - before;
        if change >= SAME_RATING {
            let _ = write!(text, ", up from {before:.1} the week before");
        } else if change <= -SAME_RATING {
            let _ = write!(text, ", down from {before:.1} the week before");
        } else {
            let _ = write!(text, ", about the same as the week before ({before:.1})");
        }
    } else if let (Some(first), Some(last)) = (rated.first(), rated.last()) {
        if rated.len() >= 2 {
            text.push_str(match last.cmp(first) {
                std::cmp::Ordering::Greater => ", rising through the week",
                std::cmp::Ordering::Less => ", falling through the week",
                std::cmp::Ordering::Equal => ", steady through the week",
            });
        }
    }
    text
}

fn mean(ratings: &[u8]) -> f32 {
    ratings.iter().map(|&r| f32::from(r)).sum::<f32>() / ratings.len().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trend_compares_with_the_week_before_or_within_the_week() {
        let week = [Some(3), Some(3), None, Some(4), Some(4), Some(5), Some(4)];
        assert_eq!(
            skin_trend(&week, &[3, 3, 3]),
            "Skin (Mon to Sun): 3 · 3 · – · 4 · 4 · 5 · 4, average 3.8/5, up from 3.0 the week before"
        );
        assert!(skin_trend(&week, &[5, 5]).ends_with("down from 5.0 the week before"));
        assert!(skin_trend(&week, &[4]).ends_with("about the same as the week before (4.0)"));
        assert!(skin_trend(&week, &[]).ends_with("rising through the week"));
        assert!(skin_trend(&[Some(2), None], &[]).ends_with("average 2.0/5"));
        assert!(skin_trend(&[None; 7], &[4]).starts_with("Skin: not rated this week"));
    }
}

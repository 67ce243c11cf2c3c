//! The wording of replies: pure functions from diary values to Telegram HTML.
//!
//! Kept apart from the engine so that what the bot says can be read (and changed) in one
//! place, and so that nothing here touches the store. Every piece of the person's own text
//! is escaped here; food names and labels come from our own config but are escaped too.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, NaiveTime};
use chrono_tz::Tz;

use crate::chat::action::Action;
use crate::chat::experiment::{ExperimentStatus, MIN_RATED_DAYS};
use crate::chat::html::{escape, shorten};
use crate::chat::{Button, Reply};
use crate::diary::{
    DaySummary, Direction, Entry, Finding, Insights, RatingMean, ScoreWeights, WeekSummary,
    EXPERIMENT_DAYS,
};
use crate::food::{Category, CategorySet, Item, NotEaten};
use crate::knowledge::{Tip, Topic};
use crate::store::StoredMeal;

/// How many characters of a logged message lists show.
const ENTRY_PREVIEW_CHARS: usize = 60;

/// The document's daily fibre range, as replies state it.
pub(crate) const FIBRE_RANGE: &str = "25-35";

/// The weekly plant goal of the document.
pub(crate) const WEEKLY_PLANTS: usize = 30;

/// "Sat 28 Nov".
pub(crate) fn day_label(day: NaiveDate) -> String {
    day.format("%a %-d %b").to_string()
}

/// "9.5" or "12": grams to one decimal below 10, whole above.
pub(crate) fn grams(value: f32) -> String {
    let value = if value.is_finite() {
        value.max(0.0)
    } else {
        0.0
    };
    if value >= 10.0 {
        format!("{value:.0}")
    } else {
        let rounded = (value * 10.0).round() / 10.0;
        if rounded.fract() == 0.0 {
            format!("{rounded:.0}")
        } else {
            format!("{rounded:.1}")
        }
    }
}

/// "fibre · polyphenols · fermented", helpful groups first, as the score lists them.
pub(crate) fn category_line(categories: CategorySet) -> String {
    let helpful = Category::ALL
        .into_iter()
        .filter(|c| !c.is_harmful() && categories.contains(*c));
    let harmful = Category::ALL
        .into_iter()
        .filter(|c| c.is_harmful() && categories.contains(*c));
    helpful
        .chain(harmful)
        .map(Category::label)
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "beer ×2" for an item eaten more than once, the name alone otherwise.
fn item_name(food: &str, quantity: f32) -> String {
    let quantity = if quantity.is_finite() { quantity } else { 1.0 };
    if (quantity - 1.0).abs() < 0.01 || quantity <= 0.0 {
        escape(food)
    } else if quantity.fract().abs() < 0.01 {
        format!("{} ×{quantity:.0}", escape(food))
    } else {
        format!("{} ×{}", escape(food), grams(quantity))
    }
}

/// The foods of a parsed message that were eaten, as a list.
pub(crate) fn eaten_list(items: &[Item<'_>]) -> String {
    items
        .iter()
        .filter(|item| !item.negated)
        .map(|item| item_name(&item.food, item.quantity))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The foods a message named but that were not eaten, each with why: "no mayo", "curry
/// (someone else's)", "takeaway (still to come)", "pizza (not eaten after all)".
pub(crate) fn not_eaten_list(items: &[Item<'_>]) -> String {
    items
        .iter()
        .filter(|item| item.negated)
        .map(|item| {
            let name = escape(&item.food);
            match item.not_eaten {
                Some(NotEaten::SomeoneElse) => format!("{name} (someone else's)"),
                Some(NotEaten::Plan) => format!("{name} (still to come)"),
                Some(NotEaten::TakenBack) => format!("{name} (not eaten after all)"),
                Some(NotEaten::Negated) | None => format!("no {name}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "I didn't recognise: horta, gulab jamun." for the words that looked like food.
pub(crate) fn unrecognised_note(words: &[&str]) -> Option<String> {
    (!words.is_empty()).then(|| {
        let words: Vec<String> = words.iter().map(|w| format!("“{}”", escape(w))).collect();
        format!(
            "I didn't recognise {}, so it is not counted (I kept your words).",
            words.join(", ")
        )
    })
}

/// The foods of a stored entry, as a list.
pub(crate) fn entry_foods(entry: &Entry) -> String {
    entry
        .items
        .iter()
        .map(|item| item_name(&item.food, item.quantity))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the day stands at: "Today 64/100 · fibre 9 g of 25-35 · plants this week 11/30".
pub(crate) fn standing(day_name: &str, summary: &DaySummary, week_plants: usize) -> String {
    format!(
        "{day_name} <b>{}/100</b> · fibre {} g of {FIBRE_RANGE} · plants this week {week_plants}/{WEEKLY_PLANTS}",
        summary.score.total,
        grams(summary.fibre_g),
    )
}

/// The confirmation of a logged meal (DESIGN.md, step 2).
pub(crate) struct MealConfirmation<'a> {
    /// "Logged", "Updated".
    pub verb: &'a str,
    pub items: &'a [Item<'a>],
    /// Words that looked like food but are not known.
    pub unrecognised: &'a [&'a str],
    /// `None` for today, else the day the meal was logged for.
    pub other_day: Option<NaiveDate>,
    /// When in the day it was eaten, if the message said: "evening", "19:30".
    pub when: Option<&'a str>,
    pub summary: &'a DaySummary,
    pub week_plants: usize,
    pub tip: Option<&'a Tip>,
}

impl MealConfirmation<'_> {
    pub(crate) fn render(&self) -> String {
        let mut text = String::new();
        let eaten: Vec<&Item> = self.items.iter().filter(|i| !i.negated).collect();
        let categories = eaten
            .iter()
            .fold(CategorySet::EMPTY, |set, item| set.union(item.categories));
        let _ = write!(text, "<b>{}", self.verb);
        match (self.other_day, self.when) {
            (Some(day), Some(when)) => {
                let _ = write!(text, " for {}, {}", day_label(day), escape(when));
            }
            (Some(day), None) => {
                let _ = write!(text, " for {}", day_label(day));
            }
            (None, Some(when)) => {
                let _ = write!(text, " for today, {}", escape(when));
            }
            (None, None) => {}
        }
        let _ = write!(text, ":</b> {}.", eaten_list(self.items));
        if !categories.is_empty() {
            let _ = write!(text, "\n{}", category_line(categories));
        }
        if self.items.iter().any(|i| i.negated) {
            let _ = write!(text, "\nNot counted: {}.", not_eaten_list(self.items));
        }
        if let Some(note) = unrecognised_note(self.unrecognised) {
            let _ = write!(text, "\n<i>{note}</i>");
        }
        for item in self.items.iter().filter(|i| i.corrected) {
            let _ = write!(
                text,
                "\n<i>I read “{}” as {}.</i>",
                escape(item.matched),
                escape(&item.food)
            );
        }
        let day_name = match self.other_day {
            Some(day) => day_label(day),
            None => "Today".to_string(),
        };
        let _ = write!(
            text,
            "\n{}",
            standing(&day_name, self.summary, self.week_plants)
        );
        if let Some(tip) = self.tip {
            let _ = write!(text, "\n\n💡 {}", escape(&tip.text));
        }
        text
    }
}

/// One line per entry: "08:12 porridge with… → oats, blueberries", at the time it was eaten
/// when the message said, else when it was logged.
pub(crate) fn entry_line(meal: &StoredMeal, tz: Tz) -> String {
    let time = match meal.entry.eaten_at {
        Some(eaten) => eaten.format("%H:%M").to_string(),
        None => meal
            .entry
            .logged_at
            .with_timezone(&tz)
            .format("%H:%M")
            .to_string(),
    };
    let foods = entry_foods(&meal.entry);
    format!(
        "{time} {} → {foods}",
        escape(&shorten(&meal.entry.text, ENTRY_PREVIEW_CHARS))
    )
}

/// `/today`: the entries, the score and its parts, fibre, plants and the skin rating.
pub(crate) fn today(
    summary: &DaySummary,
    meals: &[StoredMeal],
    week_plants: usize,
    rating: Option<u8>,
    tz: Tz,
) -> String {
    let mut text = format!(
        "<b>Today, {}: {}/100</b>",
        day_label(summary.day),
        summary.score.total
    );
    if meals.is_empty() {
        text.push_str(
            "\nNothing logged yet. Tell me what you eat, e.g. <i>porridge with blueberries</i>.",
        );
    } else {
        for meal in meals {
            let _ = write!(text, "\n{}", entry_line(meal, tz));
        }
        text.push_str("\n\n<b>Score</b>");
        for part in &summary.score.parts {
            let _ = write!(text, "\n{} {:+}", escape(&part.label), part.points);
        }
    }
    let _ = write!(
        text,
        "\n\nFibre {} g (aim for {FIBRE_RANGE} g a day)",
        grams(summary.fibre_g)
    );
    if summary.plants.is_empty() {
        let _ = write!(text, "\nPlants this week: {week_plants}/{WEEKLY_PLANTS}");
    } else {
        let _ = write!(
            text,
            "\nPlants today: {}. This week: {week_plants}/{WEEKLY_PLANTS}",
            escape(&summary.plants.join(", "))
        );
    }
    match rating {
        Some(rating) => {
            let _ = write!(text, "\nSkin today: {rating}/5");
        }
        None => text.push_str("\nSkin today: not rated yet (/skin)"),
    }
    text
}

/// `/week`: each day's score and rating, the average, and the week's plants.
pub(crate) fn week(summary: &WeekSummary, today: NaiveDate) -> String {
    let mut text = format!(
        "<b>This week, {} to {}</b>\n",
        day_label(summary.week.monday()),
        day_label(summary.week.sunday())
    );
    let mut scores = Vec::new();
    for day in &summary.days {
        let date = day.summary.day;
        if date > today {
            break;
        }
        let score = if day.summary.logged_anything() {
            scores.push(u32::from(day.summary.score.total));
            format!("{:>3}/100", day.summary.score.total)
        } else {
            "   –   ".to_string()
        };
        let skin = day
            .rating
            .map_or_else(|| "skin –".to_string(), |r| format!("skin {r}/5"));
        let _ = write!(
            text,
            "\n<code>{} {score}  {skin}</code>",
            date.format("%a %d")
        );
    }
    if !scores.is_empty() {
        let average = scores.iter().sum::<u32>() as f32 / scores.len() as f32;
        let _ = write!(
            text,
            "\n\nAverage score {average:.0}/100 over {} logged day{}",
            scores.len(),
            if scores.len() == 1 { "" } else { "s" }
        );
    }
    let _ = write!(
        text,
        "\n<b>Plants this week: {}/{WEEKLY_PLANTS}</b>",
        summary.plant_count()
    );
    if !summary.plants.is_empty() {
        let _ = write!(text, "\n{}", escape(&summary.plants.join(", ")));
    }
    text
}

/// An FAQ answer with its question and sources.
pub(crate) fn answer(topic: &Topic) -> String {
    format!(
        "<b>{}</b>\n{}\n\n<i>{}</i>",
        escape(&topic.question),
        escape(&topic.answer),
        escape(&topic.source_line())
    )
}

/// A tip with its sources.
pub(crate) fn tip(tip: &Tip) -> String {
    format!(
        "💡 {}\n<i>Sources: {}</i>",
        escape(&tip.text),
        escape(&tip.sources.join("; "))
    )
}

/// `/score`: how the day is scored, with the weights in force.
pub(crate) fn scoring(weights: &ScoreWeights) -> String {
    let mut text = String::from("<b>How your day is scored (0-100)</b>");
    for category in Category::ALL.into_iter().filter(|c| !c.is_harmful()) {
        let _ = write!(
            text,
            "\n{:+} {}",
            weights.group_points(category),
            category.label()
        );
    }
    let _ = write!(
        text,
        "\nup to {:+} fibre, in full at {} g",
        weights.fibre_points(),
        grams(weights.fibre_full_g())
    );
    let _ = write!(
        text,
        "\n{:+} for each plant, up to {:+}",
        weights.points_per_plant(),
        weights.max_plant_points()
    );
    for category in Category::ALL.into_iter().filter(|c| c.is_harmful()) {
        let _ = write!(
            text,
            "\n{:+} {}",
            weights.group_points(category),
            category.label()
        );
    }
    text.push_str(
        "\n\nEach group counts once a day, however much of it you log: the score rewards \
         variety, not volume. It is a nudge and a way to see patterns beside your skin \
         ratings, not a verdict on your health.",
    );
    text
}

/// `/settings`.
pub(crate) fn settings(
    zone: &str,
    local_now: DateTime<Tz>,
    cutoff: NaiveTime,
    digest_at: Option<NaiveTime>,
    experiment: Option<&ExperimentStatus>,
) -> String {
    let digest = digest_at.map_or_else(|| "off".to_string(), |t| t.format("%H:%M").to_string());
    let mut text = format!(
        "<b>Your settings</b>\nTime zone: {} (it is {} there)\nA day ends at: {}\nEvening digest: {digest}",
        escape(zone),
        local_now.format("%a %H:%M"),
        cutoff.format("%H:%M"),
    );
    if let Some(status) = experiment {
        let without = escape(status.category.label());
        if status.is_over() {
            let _ = write!(
                text,
                "\nExperiment: two weeks without {without}, finished (/insights has the comparison)"
            );
        } else {
            let _ = write!(
                text,
                "\nExperiment: two weeks without {without}, day {} of {EXPERIMENT_DAYS} (comparison on {})",
                status.day_number(),
                day_label(status.result_day())
            );
        }
    }
    text.push_str("\n\nChange them with /tz CITY and /digest HH:MM or /digest off.");
    text
}

/// The 1-5 skin buttons for `day`, the current rating ticked.
pub(crate) fn skin_buttons(day: NaiveDate, current: Option<u8>, is_today: bool) -> Reply {
    let name = if is_today {
        format!("today ({})", day_label(day))
    } else {
        format!("yesterday ({})", day_label(day))
    };
    let text = match current {
        Some(rating) => format!("Your skin {name}: <b>{rating}/5</b>. Tap to change it."),
        None => format!("How is your skin {name}? 1 is bad, 5 is great."),
    };
    let row = (1..=5u8)
        .map(|rating| {
            let label = if current == Some(rating) {
                format!("✅ {rating}")
            } else {
                rating.to_string()
            };
            Button::new(label, &Action::Skin { day, rating })
        })
        .collect();
    Reply::text(text).with_buttons(vec![row])
}

/// "On days after alcohol your skin rating averaged 0.9 lower (10 days vs 18, q = 0.03)."
pub(crate) fn finding(finding: &Finding) -> String {
    let when = match finding.lag_days {
        0 => format!("On days with {}", finding.category.label()),
        1 => format!("On days after {}", finding.category.label()),
        lag => format!("{lag} days after {}", finding.category.label()),
    };
    let direction = match finding.direction {
        Direction::Worse => "lower",
        Direction::Better => "higher",
    };
    format!(
        "{when} your skin rating averaged {:.1} {direction} ({} days vs {}, q = {}).",
        finding.effect.abs(),
        finding.days_with,
        finding.days_without,
        format_q(finding.q)
    )
}

fn format_q(q: f64) -> String {
    if q < 0.001 {
        "&lt; 0.001".to_string()
    } else if q < 0.01 {
        format!("{q:.3}")
    } else {
        format!("{q:.2}")
    }
}

/// `/insights` without an experiment running: the findings, or what is missing.
pub(crate) fn insights(insights: &Insights) -> String {
    let mut text = String::from("<b>Food and skin patterns</b>");
    if insights.findings.is_empty() {
        if insights.more_rated_days_needed > 0 {
            let _ = write!(
                text,
                "\nNot enough data yet: rate your skin on {} more day{} (/skin), and keep \
                 logging your meals. Each food group needs at least 7 rated days with it and 7 \
                 without before I compare them. Rated so far: {}.",
                insights.more_rated_days_needed,
                if insights.more_rated_days_needed == 1 {
                    ""
                } else {
                    "s"
                },
                insights.rated_days
            );
        } else {
            let _ = write!(
                text,
                "\nNo clear pattern across your {} rated days ({} comparisons of food groups \
                 and skin). There may be none, or it needs more days: keep logging and rating.",
                insights.rated_days, insights.pairs_tested
            );
        }
        return text;
    }
    for found in &insights.findings {
        let _ = write!(text, "\n• {}", finding(found));
    }
    let _ = write!(
        text,
        "\n\n<i>From {} rated days. A pattern, not proof: foods travel together and skin has \
         many causes. q is the chance this is a fluke among all the comparisons made.</i>",
        insights.rated_days
    );
    text
}

/// What `/insights` adds below a harmful finding when no experiment runs.
pub(crate) fn experiment_offer(category: Category) -> String {
    format!(
        "\n\nTo test it, try two weeks without {}: tap the button, and after 14 days I'll \
         compare your skin ratings before and during.",
        escape(category.label())
    )
}

/// The label of the button that starts an experiment (plain text, as labels are).
pub(crate) fn experiment_button(category: Category) -> String {
    format!("Try two weeks without {}", category.label())
}

/// The label of the button that ends an experiment early.
pub(crate) const STOP_EXPERIMENT_BUTTON: &str = "Stop the experiment";

/// "9 of the 14 days before": how many days of a span were rated.
fn rated_of(mean: &RatingMean) -> String {
    format!("{} of the {EXPERIMENT_DAYS} days", mean.days)
}

/// The reply to the button that starts an experiment (on its first day).
pub(crate) fn experiment_started(status: &ExperimentStatus) -> String {
    let without = escape(status.category.label());
    let mut text = format!(
        "<b>Your two weeks without {without} start today, {}.</b>\n\
         Until {}, leave out {without} as best you can, keep logging your meals, and rate your \
         skin every day (/skin, or the buttons of the evening digest).\n\n\
         On {}, /insights compares your skin in these two weeks with the {EXPERIMENT_DAYS} days \
         before, of which {} are rated.",
        day_label(status.started()),
        day_label(status.last_day()),
        day_label(status.result_day()),
        status.comparison.before.days,
    );
    if status.comparison.before.days < MIN_RATED_DAYS {
        text.push_str(" That is few, so the comparison may be rough.");
    }
    text.push_str("\n/insights shows how it's going, and can stop it.");
    text
}

/// The notice when an experiment is started again, or another one while it runs (plain
/// text: a notice is not HTML).
pub(crate) fn experiment_already_running(status: &ExperimentStatus) -> String {
    let without = status.category.label();
    if status.is_over() {
        format!("Your two weeks without {without} are over: /insights has the comparison.")
    } else {
        format!(
            "Your two weeks without {without} are already running (day {} of {EXPERIMENT_DAYS}), \
             so I changed nothing.",
            status.day_number()
        )
    }
}

/// `/insights` while an experiment runs: how far it is and what the diary shows so far.
pub(crate) fn experiment_progress(status: &ExperimentStatus) -> String {
    let without = escape(status.category.label());
    let so_far = status.days_so_far();
    let mut text = format!(
        "<b>Two weeks without {without}: day {} of {EXPERIMENT_DAYS}</b>\n\
         Started {}; the comparison comes on {}.",
        status.day_number(),
        day_label(status.started()),
        day_label(status.result_day()),
    );
    match (status.days_logged, status.days_with_category) {
        (0, _) => text.push_str("\nNo meals logged since it started: keep logging them."),
        (logged, 0) => {
            let _ = write!(
                text,
                "\nNo {without} on the {logged} day{} with meals logged so far.",
                plural(logged)
            );
        }
        (logged, with) => {
            let _ = write!(
                text,
                "\nYou logged {without} on {with} of the {logged} day{} with meals so far.",
                plural(logged)
            );
        }
    }
    let _ = write!(
        text,
        "\nSkin rated on {} of the {so_far} day{} so far, and on {} before it started.",
        status.comparison.during.days,
        plural(so_far as usize),
        rated_of(&status.comparison.before),
    );
    if (status.comparison.during.days as u64) < so_far {
        text.push_str(" Rate every day (/skin): the comparison needs them.");
    }
    text
}

/// `/insights` once an experiment is over: skin before against during, honestly.
pub(crate) fn experiment_result(status: &ExperimentStatus) -> String {
    let without = escape(status.category.label());
    let comparison = &status.comparison;
    let span = |mean: &RatingMean| match mean.mean {
        Some(average) => format!(
            "average {average:.1} over {} rated day{}",
            mean.days,
            plural(mean.days)
        ),
        None => "no rated days".to_string(),
    };
    let mut text = format!(
        "<b>Your two weeks without {without}: before and during</b>\n\
         Skin in the {EXPERIMENT_DAYS} days before ({} to {}): {}.\n\
         Skin during ({} to {}): {}.",
        day_label(status.before_from()),
        day_label(status.started().pred_opt().unwrap_or(status.started())),
        span(&comparison.before),
        day_label(status.started()),
        day_label(status.last_day()),
        span(&comparison.during),
    );
    match status.days_logged {
        0 => text.push_str("\nNo meals were logged during it, so I can't tell how it went."),
        logged => {
            let _ = write!(
                text,
                "\nYou logged {without} on {} of the {logged} day{} with meals during it.",
                status.days_with_category,
                plural(logged)
            );
        }
    }
    match comparison.difference() {
        Some(difference) if status.comparable() => {
            // Rounded as shown, so "0.0 higher" never appears.
            let tenths = (difference * 10.0).round();
            let (change, reading) = if tenths == 0.0 {
                (
                    "about the same as".to_string(),
                    "No visible difference in these two weeks: it may matter less for you than \
                     the pattern suggested, or take longer to show.",
                )
            } else if tenths > 0.0 {
                (
                    format!("{:.1} higher than", tenths / 10.0),
                    "If you want to be surer, keep going and see if it holds.",
                )
            } else {
                (
                    format!("{:.1} lower than", -tenths / 10.0),
                    "Going without did not help in these two weeks; the pattern may have \
                     another cause.",
                )
            };
            let _ = write!(
                text,
                "\n\nDuring the two weeks your skin rating averaged <b>{change} before</b>. \
                 Two weeks are few days and skin changes for many reasons (sleep, stress, \
                 season, care), so this is a hint, not proof. {reading}"
            );
            if status.days_logged > 0 && 2 * status.days_with_category >= status.days_logged {
                let _ = write!(
                    text,
                    " With {without} on half the days or more, it also says little about \
                     leaving {without} out."
                );
            }
        }
        _ => {
            let _ = write!(
                text,
                "\n\nToo few rated days to compare: I need at least {MIN_RATED_DAYS} in each \
                 two weeks, and have {} before and {} during. Rating your skin every day makes \
                 the next try count.",
                comparison.before.days, comparison.during.days
            );
        }
    }
    text.push_str(
        "\n\nThe experiment is over. /insights shows your patterns with these days included, \
         and can start a new one.",
    );
    text
}

/// The reply to the button that ends an experiment early.
pub(crate) fn experiment_stopped(status: &ExperimentStatus) -> String {
    format!(
        "Stopped your two weeks without {} on day {} of {EXPERIMENT_DAYS}. Nothing is \
         compared; /insights can start a new one.",
        escape(status.category.label()),
        status.day_number()
    )
}

/// "s" after a count other than one ("1 day", "2 days").
pub(crate) fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{DayObservation, ExperimentComparison};
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("a November day")
    }

    fn finished(before: (usize, f64), during: (usize, f64), logged: usize, with: usize) -> String {
        let mean = |(days, mean): (usize, f64)| RatingMean {
            days,
            mean: (days > 0).then_some(mean),
        };
        experiment_result(&ExperimentStatus {
            category: Category::UltraProcessed,
            comparison: ExperimentComparison {
                start: day(15),
                before: mean(before),
                during: mean(during),
            },
            today: day(29),
            days_logged: logged,
            days_with_category: with,
        })
    }

    #[test]
    fn a_finished_experiment_says_which_way_and_how_sure() {
        let lower = finished((14, 4.0), (10, 3.36), 12, 1);
        assert!(
            lower.contains("averaged <b>0.6 lower than before</b>"),
            "{lower}"
        );
        assert!(lower.contains("did not help") && lower.contains("not proof"));
        assert!(lower.contains("(Sun 1 Nov to Sat 14 Nov)"), "{lower}");
        assert!(lower.contains("(Sun 15 Nov to Sat 28 Nov)"), "{lower}");

        let same = finished((14, 3.5), (14, 3.54), 14, 7);
        assert!(same.contains("<b>about the same as before</b>"), "{same}");
        assert!(
            same.contains("With ultra-processed on half the days or more"),
            "{same}"
        );

        let thin = finished((6, 3.0), (14, 4.5), 14, 0);
        assert!(thin.contains("Too few rated days to compare"), "{thin}");
        assert!(!thin.contains("higher than"), "{thin}");

        let unlogged = finished((14, 3.0), (0, 0.0), 0, 0);
        assert!(unlogged.contains("during (Sun 15 Nov to Sat 28 Nov): no rated days"));
        assert!(unlogged.contains("No meals were logged during it"));
    }

    #[test]
    fn an_entry_shows_when_it_was_eaten_if_known() {
        let logged_at = chrono::Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
            .single()
            .expect("instant");
        let mut entry = Entry {
            logged_at,
            local_day: day(30),
            eaten_at: None,
            text: "last night: pizza".to_string(),
            items: Vec::new(),
            unrecognised: Vec::new(),
        };
        let id = crate::store::EntryId::of(logged_at, 1);
        let line = |entry: &Entry| {
            entry_line(
                &StoredMeal {
                    id,
                    entry: entry.clone(),
                },
                chrono_tz::Europe::Berlin,
            )
        };
        assert!(line(&entry).starts_with("10:00 last night: pizza"));
        entry.eaten_at = NaiveTime::from_hms_opt(19, 0, 0);
        assert!(line(&entry).starts_with("19:00 last night: pizza"));
    }

    #[test]
    fn experiment_wording_is_safe_html() {
        let days = [DayObservation {
            day: day(16),
            categories: Some(CategorySet::EMPTY),
            rating: Some(4),
        }];
        let status = ExperimentStatus::new(Category::FastFood, day(15), day(16), &days);
        for text in [
            experiment_offer(Category::FastFood),
            experiment_started(&status),
            experiment_progress(&status),
            experiment_result(&status),
            experiment_stopped(&status),
        ] {
            assert!(text.contains("fast food"), "{text}");
            assert!(!text.contains('&') && text.len() < 4096, "{text}");
        }
        assert!(experiment_progress(&status).contains("day 2 of 14"));
        assert!(experiment_progress(&status).contains("No fast food on the 1 day with meals"));
    }
}

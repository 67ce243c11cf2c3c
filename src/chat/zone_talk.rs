//! Talking about time zones: reading a place out of free text ("I'm in Paris", "Tokyo
//! please", "UTC-3"), setting the zone or asking first, the Yes/No buttons of that question,
//! and the confirmation.
//!
//! Who is asked:
//! - Someone with **no zone yet** (nothing stored, or the UTC the engine files a first meal
//!   under until they say where they are) has just been asked where they are, so a place
//!   sets the zone at once. Except a place alone that is also a food ("Turkey", "Chile"):
//!   that is asked, and the question says how to log the food instead.
//! - Someone **with a zone** who names a place ("Italy", "in Lisbon this week") is asked
//!   "Set your time zone to Europe/Rome (it's 14:05 there)?" before anything changes. A food
//!   that is also their own zone's place is read as the food.
//! - `/tz PLACE` always sets the zone directly (see the engine).
//!
//! The Yes button carries the zone and a check of the chat and the zone it replaces
//! ([`zone_check`]), so a button pressed after the zone has changed, or sent from another
//! chat, is refused as expired. Forged data can at most do what the person could type.

use chrono::{DateTime, Utc};

use crate::chat::action::Action;
use crate::chat::engine::{Engine, Person, Result};
use crate::chat::html::escape;
use crate::chat::{Button, Outcome, Reply};
use crate::diary::{find_place, ChosenZone};
use crate::store::UserSettings;

/// What a button from before a change says.
const EXPIRED: &str = "That button has expired.";

/// Whether the person has told us where they are. The engine files someone who logs before
/// answering under UTC without a label; someone who chose UTC by typing it has the label
/// "UTC" (see `diary::offset_label`), and a name like `Etc/UTC` is not "UTC" either.
pub(super) fn has_zone(person: &Person) -> bool {
    person.known() && (person.settings.zone != "UTC" || person.settings.zone_label.is_some())
}

/// A short check of the chat and the zone it has now, carried by a "set your zone" button:
/// 32 bits of FNV-1a, which is stable across builds and platforms (unlike std's hasher), so
/// buttons survive a restart. It is no secret; it only tells a stale button from a fresh one.
pub(super) fn zone_check(settings: &UserSettings) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    let mut add = |bytes: &[u8]| {
        for &byte in bytes {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    };
    add(&settings.user.to_le_bytes());
    add(settings.zone.as_bytes());
    add(&[0xff]);
    add(settings.zone_label.as_deref().unwrap_or("").as_bytes());
    hash
}

impl Engine {
    /// The reply to a message that names a place, or `None` when it names none (or names a
    /// food that is also the person's own zone) and the text goes on to the meal parser.
    pub(super) async fn on_place(
        &self,
        user: i64,
        at: DateTime<Utc>,
        text: &str,
    ) -> Result<Option<Outcome>> {
        let Some(found) = find_place(text) else {
            return Ok(None);
        };
        let person = self.person(user, at).await?;
        let food = if found.bare {
            let meal = self.lexicon.parse(text);
            meal.items
                .iter()
                .find(|item| !item.negated)
                .map(|item| item.food.to_string())
        } else {
            None
        };
        let same_zone = found.zone.tz == person.tz();
        if has_zone(&person) && same_zone {
            if food.is_some() {
                return Ok(None);
            }
            return Ok(Some(Outcome::reply(Reply::text(format!(
                "That is your time zone already: <b>{}</b> (it is {} there). Nothing changed.",
                escape(person.settings.zone_shown()),
                person.clock.local_time(at).format("%a %H:%M")
            )))));
        }
        if !has_zone(&person) && food.is_none() {
            let reply = self.set_zone(user, at, &found.zone).await?;
            return Ok(Some(Outcome::reply(reply)));
        }
        Ok(Some(Outcome::reply(zone_question(
            &person,
            at,
            &found.place,
            &found.zone,
            food.as_deref(),
        ))))
    }

    /// Sets the person's zone (and its label) and says so.
    pub(super) async fn set_zone(
        &self,
        user: i64,
        at: DateTime<Utc>,
        chosen: &ChosenZone,
    ) -> Result<Reply> {
        let mut person = self.person(user, at).await?;
        person.settings.set_zone(chosen);
        self.save(&mut person, at).await?;
        let local = at.with_timezone(&chosen.tz).format("%a %H:%M");
        let shown = escape(chosen.shown());
        let mut text = match &chosen.label {
            None => format!("Time zone set: <b>{shown}</b> (it is {local} there)."),
            Some(_) if is_fixed_offset(chosen) => format!(
                "Time zone set: <b>{shown}</b> (it is {local} there). An offset stays the same \
                 all year: if your clocks change in summer, send your city instead."
            ),
            Some(_) => format!(
                "Time zone set: <b>{shown}</b>, the clock of {} (it is {local} there).",
                escape(chosen.tz.name())
            ),
        };
        match person.settings.digest_at {
            Some(time) => text.push_str(&format!(
                " Your evening digest comes at {} (/digest to change).",
                time.format("%H:%M")
            )),
            None => text.push_str(" Your evening digest is off (/digest 21:00 turns it on)."),
        }
        text.push_str(
            "\n\nNow tell me what you eat, e.g. <i>porridge with blueberries and kefir</i>.",
        );
        Ok(Reply::text(text))
    }

    /// The Yes and No of [`zone_question`].
    pub(super) async fn on_zone_button(
        &self,
        user: i64,
        at: DateTime<Utc>,
        action: Action,
    ) -> Result<Outcome> {
        match action {
            Action::SetZone { check, zone } => {
                let person = self.person(user, at).await?;
                if check != zone_check(&person.settings) {
                    return Ok(Outcome::notice(EXPIRED));
                }
                let reply = self.set_zone(user, at, &zone).await?;
                Ok(Outcome {
                    notice: Some("Saved".to_string()),
                    edit: Some(reply),
                    replies: Vec::new(),
                })
            }
            Action::KeepZone => {
                let person = self.person(user, at).await?;
                let text = if has_zone(&person) {
                    format!(
                        "Kept your time zone: <b>{}</b>.",
                        escape(person.settings.zone_shown())
                    )
                } else {
                    "Nothing changed: I count your days in UTC until you send your city (or \
                     /tz CITY)."
                        .to_string()
                };
                Ok(Outcome {
                    notice: Some("Kept".to_string()),
                    edit: Some(Reply::text(text)),
                    replies: Vec::new(),
                })
            }
            _ => Ok(Outcome::notice(EXPIRED)),
        }
    }
}

/// Whether a chosen offset is a fixed one (`Etc/GMT-2`, `UTC`) rather than a place that
/// keeps it (`Asia/Kolkata` for +05:30).
fn is_fixed_offset(chosen: &ChosenZone) -> bool {
    let name = chosen.tz.name();
    name == "UTC" || name.starts_with("Etc/")
}

/// "Set your time zone to Europe/Rome (it's 14:05 there)?" with Yes and No.
fn zone_question(
    person: &Person,
    at: DateTime<Utc>,
    place: &str,
    zone: &ChosenZone,
    food: Option<&str>,
) -> Reply {
    let shown = zone.shown();
    let mut text = format!(
        "Set your time zone to <b>{}</b> (it's {} there)?",
        escape(shown),
        at.with_timezone(&zone.tz).format("%H:%M")
    );
    let keep = if has_zone(person) {
        let current = person.settings.zone_shown();
        text.push_str(&format!(
            " It is {} now ({}).",
            escape(current),
            person.clock.local_time(at).format("%H:%M")
        ));
        format!("No, keep {current}")
    } else {
        "No".to_string()
    };
    if let Some(food) = food {
        text.push_str(&format!(
            "\n<i>“{}” is a food too: if you ate it, tap No and send “had {}”.</i>",
            escape(place),
            escape(food)
        ));
    }
    let yes = Action::SetZone {
        check: zone_check(&person.settings),
        zone: zone.clone(),
    };
    Reply::text(text).with_buttons(vec![vec![
        Button::new(format!("Yes, {shown}"), &yes),
        Button::new(keep, &Action::KeepZone),
    ]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_check_changes_with_the_chat_and_the_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let berlin = UserSettings::new(1, chrono_tz::Europe::Berlin, at);
        let mut other_chat = berlin.clone();
        other_chat.user = 2;
        let mut offset = berlin.clone();
        offset.set_zone(&crate::diary::choose_zone("UTC+1").expect("offset"));
        let mut same_zone_labelled = offset.clone();
        same_zone_labelled.zone_label = Some("GMT+1".into());
        let checks = [&berlin, &other_chat, &offset, &same_zone_labelled].map(zone_check);
        for (i, a) in checks.iter().enumerate() {
            for b in &checks[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // Stable: the same settings give the same check, in any build.
        assert_eq!(zone_check(&berlin), zone_check(&berlin.clone()));
        assert_eq!(
            zone_check(&UserSettings::new(0, chrono_tz::UTC, at)),
            0x4794_a286
        );
    }
}

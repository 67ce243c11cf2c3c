//! The engine: routes each input to what it means and composes the replies.
//!
//! Routing of a text message, in order (see `text` for the tests of each step):
//! 1. empty or too long: a friendly word, nothing stored;
//! 2. `/command`;
//! 3. greetings and thanks;
//! 4. a place ("I'm in Paris", "Tokyo please", "UTC-3"): the zone is set, or for someone who
//!    has one (or a place that is also a food) asked about first (see `zone_talk`);
//! 5. `skin 4`, `skin great`, `bad skin day`: today's skin rating (see `skin`);
//! 6. a question (a question mark, or a question word first): the FAQ answer, or an honest
//!    "I can't answer that" with the topics; a question is never logged as a meal;
//! 7. a meal: logged, confirmed with Undo; time words anywhere in it ("yesterday", "last
//!    night", "on monday", "at 8am") log it for that day and time (see `meal_time`), and a
//!    day more than a week back or still to come stores nothing;
//! 8. only foods not eaten ("no sugar today", "skipped the fries"): noted, nothing stored;
//! 9. no food but close to an FAQ topic: the answer;
//! 10. anything else: examples of what to send, and nothing stored.
//!
//! The only writes are the ones a reply announces, and each is durable before the reply is
//! returned (the store flushes first). One person's inputs must be handled in order (the
//! Telegram dispatcher and the console both do).

use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use tokio::sync::mpsc::UnboundedSender;

use crate::chart::{self, ChartDay, ChartError};
use crate::chat::action::Action;
use crate::chat::experiment::ExperimentStatus;
use crate::chat::html::{escape, shorten};
use crate::chat::text::{self, SmallTalk};
use crate::chat::week_cache::{MealStanding, WeekCache, WEEK_CACHE_USERS};
use crate::chat::{export, render};
use crate::chat::{meal_time, skin};
use crate::chat::{Attachment, Button, Incoming, Input, NonText, Outcome, Reply};
use crate::diary::{
    choose_zone, day_context, find_patterns, latest_ratings, observations, streaks, DayClock,
    DayObservation, DaySummary, DiaryConfig, Entry, SkinRating, WeekSummary, WeekTally, WhenSaid,
    ZoneError, EXPERIMENT_DAYS,
};
use crate::food::{Category, CategorySet, Lexicon, Meal};
use crate::knowledge::{KnowledgeBase, Tip};
use crate::store::{Experiment, LogOutcome, Store, StoreError, StoredMeal, UserSettings};

/// The longest message read as a meal or question; longer ones are politely refused (a
/// Telegram message holds 4096, and nobody's lunch needs more than this).
pub const MAX_TEXT_CHARS: usize = 2000;

/// How far back a skin button may rate (a digest's buttons stay usable for a week).
const MAX_RATING_DAYS_BACK: u64 = 7;

/// How far back `/insights` looks: a year of diary.
const INSIGHT_DAYS: u64 = 365;

/// The digest time a new person starts with.
const DEFAULT_DIGEST_AT: NaiveTime = match NaiveTime::from_hms_opt(21, 0, 0) {
    Some(time) => time,
    None => panic!("21:00 is a time"),
};

const EXPIRED: &str = "That button has expired.";

const EXAMPLES: &str = "Tell me what you ate in your own words, for example:\n\
    • <i>porridge with blueberries and kefir</i>\n\
    • <i>yesterday: 2 beers and a burger</i>\n\
    • <i>🍕🍺</i>\n\
    Ask me things like <i>does sugar cause acne?</i>, or see /help.";

const ZONE_QUESTION: &str = "Which time zone are you in? Send your city (<i>Berlin</i>), \
    a zone name (<i>Europe/Berlin</i>) or an offset (<i>UTC+1</i>). It decides when your day \
    starts and when your evening digest arrives.";

/// Why an input could not be handled; the person gets an apology, the log gets this.
#[derive(Debug, thiserror::Error)]
pub(super) enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not draw the chart: {0}")]
    Chart(#[from] ChartError),
}

pub(super) type Result<T> = std::result::Result<T, EngineError>;

/// The conversation engine. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Engine {
    pub(super) lexicon: Arc<Lexicon>,
    knowledge: Arc<KnowledgeBase>,
    pub(super) diary: Arc<DiaryConfig>,
    pub(super) store: Store,
    /// Told the chat id whenever someone's settings change or are deleted, so the digest
    /// can reschedule them without scanning everyone.
    settings_changed: Option<UnboundedSender<i64>>,
    /// The weeks of the people logging now, so a meal's reply need not read its week.
    weeks: Arc<WeekCache>,
}

/// A meal being logged: as parsed, as stored, and when it was eaten as the reply says it
/// ("evening", "19:30").
struct LoggedMeal<'m, 'a> {
    meal: &'m Meal<'a>,
    entry: &'m Entry,
    when: Option<&'m str>,
}

/// A person as the engine sees them: their settings, or the defaults for someone new.
pub(super) struct Person {
    pub(super) settings: UserSettings,
    /// The settings as stored when read or last saved (`None` for someone who has not set
    /// anything yet), so that saving applies only what this input changed (see
    /// [`Engine::save`]).
    read: Option<UserSettings>,
    pub(super) clock: DayClock,
}

impl Person {
    /// Whether they have settings stored (not so for someone who has not set anything yet).
    pub(super) fn known(&self) -> bool {
        self.read.is_some()
    }

    pub(super) fn tz(&self) -> Tz {
        self.clock.tz()
    }
}

impl Engine {
    pub fn new(
        lexicon: Arc<Lexicon>,
        knowledge: Arc<KnowledgeBase>,
        diary: Arc<DiaryConfig>,
        store: Store,
    ) -> Engine {
        Engine {
            lexicon,
            knowledge,
            diary,
            store,
            settings_changed: None,
            weeks: Arc::new(WeekCache::new(WEEK_CACHE_USERS)),
        }
    }

    /// The same engine keeping the weeks of at most `users` people in memory for the
    /// replies to their meals (see `week_cache`); 0 reads every week from the store.
    pub fn with_week_cache(mut self, users: usize) -> Engine {
        self.weeks = Arc::new(WeekCache::new(users));
        self
    }

    /// The same engine, also telling `listener` the chat id of everyone whose settings
    /// change (zone, digest time, `/forget`, a first meal).
    pub fn with_settings_listener(mut self, listener: UnboundedSender<i64>) -> Engine {
        self.settings_changed = Some(listener);
        self
    }

    fn settings_changed(&self, user: i64) {
        if let Some(listener) = &self.settings_changed {
            // A closed listener means the digest has stopped; nothing to tell.
            let _ = listener.send(user);
        }
    }

    /// The diary settings: day cutoff and score weights.
    pub fn diary(&self) -> &DiaryConfig {
        &self.diary
    }

    /// The store the engine writes to (for adapters that flush on shutdown, and the digest).
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.knowledge
    }

    /// Handles one input. Never fails: a database error is logged (without the person's
    /// text) and the person is told to try again.
    pub async fn handle(&self, incoming: Incoming) -> Outcome {
        let is_button = matches!(incoming.input, Input::Button { .. });
        match self.dispatch(&incoming).await {
            Ok(outcome) => outcome,
            Err(error) => {
                tracing::error!(user = incoming.user, %error, "could not handle an input");
                let sorry = "Sorry, something went wrong on my side. Please try again in a moment.";
                if is_button {
                    Outcome::notice(sorry)
                } else {
                    Outcome::reply(Reply::text(sorry))
                }
            }
        }
    }

    async fn dispatch(&self, incoming: &Incoming) -> Result<Outcome> {
        let (user, at) = (incoming.user, incoming.at);
        match &incoming.input {
            Input::Text { message_id, text } => self.on_text(user, at, *message_id, text).await,
            Input::Edited { message_id, text } => self.on_edit(user, at, *message_id, text).await,
            Input::Button { data } => self.on_button(user, at, data).await,
            Input::NonText(kind) => Ok(Outcome::reply(Reply::text(non_text_reply(*kind)))),
        }
    }

    // ----- people -----

    pub(super) async fn person(&self, user: i64, at: DateTime<Utc>) -> Result<Person> {
        let read = self.store.user(user).await?;
        let settings = match read.clone() {
            Some(settings) => settings,
            None => {
                let mut settings = UserSettings::new(user, Tz::UTC, at);
                settings.digest_at = Some(DEFAULT_DIGEST_AT);
                settings.day_cutoff = self.diary.day_cutoff;
                settings
            }
        };
        // A zone this build no longer knows falls back to UTC rather than locking them out.
        let clock = settings
            .clock()
            .unwrap_or_else(|| self.diary.clock(Tz::UTC));
        Ok(Person {
            settings,
            read,
            clock,
        })
    }

    /// Stores what this input changed in the person's settings. Only the fields it changed
    /// are written over what is stored now: the digest may have recorded a day or a tip
    /// since the settings were read, and that must stay.
    pub(super) async fn save(&self, person: &mut Person, at: DateTime<Utc>) -> Result<()> {
        person.settings.updated_at = at;
        let changed = &person.settings;
        let read = person.read.as_ref();
        let saved = self
            .store
            .update_user(changed.user, |stored| {
                Some(match (stored, read) {
                    (Some(stored), Some(read)) => stored.with_changes(read, changed),
                    // Nothing stored, or nothing was when this input began: all of it.
                    _ => changed.clone(),
                })
            })
            .await?;
        if let Some(saved) = saved {
            person.settings = saved;
        }
        person.read = Some(person.settings.clone());
        self.settings_changed(person.settings.user);
        Ok(())
    }

    // ----- text -----

    async fn on_text(
        &self,
        user: i64,
        at: DateTime<Utc>,
        message_id: i64,
        raw: &str,
    ) -> Result<Outcome> {
        let cleaned = text::clean(raw);
        if cleaned.is_empty() {
            return Ok(Outcome::reply(Reply::text(format!(
                "That message looks empty to me.\n\n{EXAMPLES}"
            ))));
        }
        if cleaned.contains(char::REPLACEMENT_CHARACTER)
            && !cleaned.chars().any(char::is_alphabetic)
        {
            return Ok(Outcome::reply(Reply::text(format!(
                "I couldn't read that message: it doesn't look like text.\n\n{EXAMPLES}"
            ))));
        }
        if cleaned.chars().count() > MAX_TEXT_CHARS {
            return Ok(Outcome::reply(Reply::text(format!(
                "That message is too long for me ({} characters; I read up to {MAX_TEXT_CHARS}). \
                 Please send one meal or question at a time.",
                cleaned.chars().count()
            ))));
        }
        if let Some((name, argument)) = text::command(&cleaned) {
            return self.on_command(user, at, &name, argument).await;
        }
        match text::small_talk(&cleaned) {
            Some(SmallTalk::Greeting) => {
                let person = self.person(user, at).await?;
                let mut reply = String::from("Hi! ");
                if !person.known() {
                    reply.push_str(ZONE_QUESTION);
                    reply.push_str("\n\n");
                }
                reply.push_str(EXAMPLES);
                return Ok(Outcome::reply(Reply::text(reply)));
            }
            Some(SmallTalk::Thanks) => return Ok(Outcome::reply(Reply::text(
                "You're welcome! Keep telling me what you eat; /today shows how the day stands.",
            ))),
            None => {}
        }
        if let Some(outcome) = self.on_place(user, at, &cleaned).await? {
            return Ok(outcome);
        }
        if let Some(said) = skin::read(&cleaned) {
            return self.on_skin_said(user, at, said).await;
        }
        // When it was eaten ("last night", "on monday", "at 8am"): the parser reads the rest.
        let first = self.lexicon.parse(&cleaned);
        let said = meal_time::read(&cleaned, &first);
        let rest;
        let (body, meal) = match &said {
            Some(said) => {
                rest = said.rest_of(&cleaned);
                (rest.as_str(), self.lexicon.parse(&rest))
            }
            None => (cleaned.as_str(), first),
        };
        if body.is_empty() {
            return Ok(Outcome::reply(Reply::text(
                "And what did you eat then? Send it like this: <i>yesterday: 2 beers and a \
                 burger</i>.",
            )));
        }
        // A message that opens with when ("yesterday: ...") is a meal, as it always was.
        let led_by_time = said
            .as_ref()
            .and_then(|said| said.taken.first())
            .is_some_and(|first| first.start == 0);
        if text::is_question(&cleaned) && !led_by_time {
            // A question that names food without a question mark may still be a meal
            // ("tell me about kefir" is not; "any chance of oats" is rare); only an
            // unanswerable one with food and no '?' falls through to the meal log.
            if let Some(found) = self.knowledge.best_match(body) {
                return Ok(Outcome::reply(Reply::text(render::answer(found.topic))));
            }
            if !meal.has_food() || body.ends_with('?') {
                return Ok(Outcome::reply(self.cannot_answer()));
            }
        }
        if meal.has_food() {
            return self
                .log_meal(user, at, message_id, &cleaned, &meal, said.as_ref())
                .await;
        }
        if meal.items.is_empty() && text::is_abstention(body) {
            return Ok(Outcome::reply(Reply::text(
                "Noted. There is no food to log in that, so I stored nothing.",
            )));
        }
        if !meal.items.is_empty() {
            return Ok(Outcome::reply(Reply::text(format!(
                "Noted: {}. There is nothing you ate to log, so I stored nothing.",
                render::not_eaten_list(&meal.items)
            ))));
        }
        if said.is_none() {
            if let Some(found) = self.knowledge.best_match(body) {
                return Ok(Outcome::reply(Reply::text(render::answer(found.topic))));
            }
        }
        Ok(Outcome::reply(Reply::text(format!(
            "I didn't find a food I know in “{}”, so I stored nothing.\n\n{EXAMPLES}",
            escape(&shorten(body, 80))
        ))))
    }

    async fn log_meal(
        &self,
        user: i64,
        at: DateTime<Utc>,
        message_id: i64,
        text: &str,
        meal: &Meal<'_>,
        said: Option<&WhenSaid>,
    ) -> Result<Outcome> {
        let mut person = self.person(user, at).await?;
        let today = person.clock.local_day(at);
        let eaten = match said.map(|said| said.resolve(&person.clock, at)).transpose() {
            Ok(eaten) => eaten,
            Err(error) => return Ok(Outcome::reply(Reply::text(meal_time::refusal(&error)))),
        };
        let mut entry = Entry::from_meal(meal, text, at, eaten.map_or(today, |e| e.day));
        entry.eaten_at = eaten.and_then(|e| e.time);
        let when = eaten.and_then(|e| e.label());
        let first_time = !person.known();
        if first_time {
            self.save(&mut person, at).await?;
        }
        let revision_before = self.store.revision(user);
        let (_, reply) = self
            .store
            .log_meal_and(user, message_id, &entry, |outcome| {
                let meal = LoggedMeal {
                    meal,
                    entry: &entry,
                    when: when.as_deref(),
                };
                self.confirm_meal(user, &person, today, meal, outcome, revision_before)
            })
            .await?;
        let mut reply = reply?;
        if first_time {
            reply.text.push_str(
                "\n\n<i>I'm counting your days in UTC for now. Send your city (e.g. Berlin) \
                 to set your time zone.</i>",
            );
        }
        Ok(Outcome::reply(reply))
    }

    /// The reply to `entry`, which the store has just logged as `outcome` (its revision of
    /// `user`'s meals was `revision_before` before): the meal's place in its day and week,
    /// from the week kept in memory if that is current, else read. It runs while the meal is
    /// being flushed, so it must not tell anyone anything itself.
    async fn confirm_meal(
        &self,
        user: i64,
        person: &Person,
        today: NaiveDate,
        logged: LoggedMeal<'_, '_>,
        outcome: LogOutcome,
        revision_before: u64,
    ) -> Result<Reply> {
        let LoggedMeal { meal, entry, when } = logged;
        let id = outcome.id();
        let day = entry.local_day;
        // Read before the week is, so it also stamps a week read below (see `week_cache`).
        let revision = self.store.revision(user);
        let kept = match outcome {
            LogOutcome::Stored(_) => {
                self.weeks
                    .add_logged(user, revision_before, revision, entry, &self.diary.score)
            }
            LogOutcome::Duplicate(_) => None,
        };
        let standing = match kept {
            Some(standing) => standing,
            None => {
                let week = person.clock.week_of(day);
                // The whole week, not just up to the meal's day: the tally is kept for the
                // next meal, which may be on a later day.
                let entries = self
                    .entries_between(user, week.monday(), week.sunday())
                    .await?;
                if let LogOutcome::Duplicate(_) = outcome {
                    if !entries.iter().any(|m| m.id == id) {
                        return Ok(Reply::text(
                            "I logged that message before and it was undone since, so I left \
                             it out. Send it again as a new message to log it.",
                        ));
                    }
                }
                let earlier = entries
                    .iter()
                    .filter(|m| m.entry.local_day == day && m.id != id)
                    .fold(CategorySet::EMPTY, |set, m| set.union(m.entry.categories()));
                let tally = WeekTally::new(week, entries.iter().map(|m| &m.entry));
                let standing = MealStanding::new(&tally, day, earlier, &self.diary.score);
                self.weeks.keep(user, revision, tally);
                standing
            }
        };
        let tip = if new_harmful(entry.categories(), standing.earlier) && day == today {
            self.tip_for_day(user, person, &standing.summary, standing.week_plants)
                .await?
        } else {
            None
        };
        let verb = match outcome {
            LogOutcome::Stored(_) => "Logged",
            LogOutcome::Duplicate(_) => "Already logged",
        };
        let text = render::MealConfirmation {
            verb,
            items: &meal.items,
            unrecognised: &meal.unrecognised,
            other_day: (day != today).then_some(day),
            when,
            summary: &standing.summary,
            week_plants: standing.week_plants,
            tip,
        }
        .render();
        Ok(Reply::text(text).with_buttons(vec![vec![Button::new("↩️ Undo", &Action::Undo(id))]]))
    }

    /// The tip for the gaps of the day `summary` describes, with `week_plants` distinct
    /// plants this week up to it; never the one shown last (from the digest).
    async fn tip_for_day(
        &self,
        user: i64,
        person: &Person,
        summary: &DaySummary,
        week_plants: usize,
    ) -> Result<Option<&Tip>> {
        let day = summary.day;
        let from = day.checked_sub_days(Days::new(2)).unwrap_or(day);
        let ratings = self.store.ratings(user, from, day).await?;
        let context = day_context(summary, week_plants, &ratings);
        Ok(self
            .knowledge
            .tip_for(&context, person.settings.last_tip_id.as_deref()))
    }

    async fn entries_between(
        &self,
        user: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<StoredMeal>> {
        Ok(self
            .store
            .days(user, from, to)
            .await?
            .into_values()
            .flatten()
            .collect())
    }

    async fn on_edit(
        &self,
        user: i64,
        at: DateTime<Utc>,
        message_id: i64,
        raw: &str,
    ) -> Result<Outcome> {
        let cleaned = text::clean(raw);
        if cleaned.chars().count() > MAX_TEXT_CHARS || text::command(&cleaned).is_some() {
            return Ok(Outcome::reply(Reply::text(
                "I only read edits of meals, so I left that one alone.",
            )));
        }
        // The time words are read again too: an edit can move the meal to another day.
        let first = self.lexicon.parse(&cleaned);
        let said = meal_time::read(&cleaned, &first);
        let rest;
        let meal = match &said {
            Some(said) => {
                rest = said.rest_of(&cleaned);
                self.lexicon.parse(&rest)
            }
            None => first,
        };
        if !meal.has_food() {
            return Ok(Outcome::reply(Reply::text(
                "Your edited message has no food I know, so I changed nothing. \
                 To remove a meal, use /undo or the buttons of /history.",
            )));
        }
        let person = self.person(user, at).await?;
        let today = person.clock.local_day(at);
        let eaten = match said
            .as_ref()
            .map(|said| said.resolve(&person.clock, at))
            .transpose()
        {
            Ok(eaten) => eaten,
            Err(error) => {
                return Ok(Outcome::reply(Reply::text(format!(
                    "{} (Your earlier entry stays as it was.)",
                    meal_time::refusal(&error)
                ))))
            }
        };
        let day = eaten.map_or(today, |e| e.day);
        let mut entry = Entry::from_meal(&meal, cleaned.as_str(), at, day);
        entry.eaten_at = eaten.and_then(|e| e.time);
        match self.store.edit_meal(user, message_id, &entry).await? {
            Some(id) => {
                let week = person.clock.week_of(day);
                let entries = self.entries_between(user, week.monday(), day).await?;
                let tally = WeekTally::new(week, entries.iter().map(|m| &m.entry));
                let text = render::MealConfirmation {
                    verb: "Updated",
                    items: &meal.items,
                    unrecognised: &meal.unrecognised,
                    // An edit can come days later: name the day rather than say "today".
                    other_day: Some(day),
                    when: eaten.and_then(|e| e.label()).as_deref(),
                    summary: &tally.summary(day, &self.diary.score),
                    week_plants: tally.plants_through(day).len(),
                    tip: None,
                }
                .render();
                Ok(Outcome::reply(Reply::text(text).with_buttons(vec![vec![
                    Button::new("↩️ Undo", &Action::Undo(id)),
                ]])))
            }
            // Never logged (it had no food before): log it now, as a new message would be.
            None => {
                self.log_meal(user, at, message_id, &cleaned, &meal, said.as_ref())
                    .await
            }
        }
    }

    fn cannot_answer(&self) -> Reply {
        Reply::text(
            "I can't answer that one from my source document, and I'd rather not guess. \
             These are the topics I know (tap one), or ask in other words:",
        )
        .with_buttons(self.topic_buttons())
    }

    fn topic_buttons(&self) -> Vec<Vec<Button>> {
        let buttons: Vec<Button> = self
            .knowledge
            .topics()
            .iter()
            .map(|topic| Button::new(topic_label(&topic.question), &Action::Faq(topic.id.clone())))
            .collect();
        buttons.chunks(2).map(<[Button]>::to_vec).collect()
    }

    // ----- commands -----

    async fn on_command(
        &self,
        user: i64,
        at: DateTime<Utc>,
        name: &str,
        argument: &str,
    ) -> Result<Outcome> {
        let reply = match name {
            "start" => self.start(user, at).await?,
            "help" => Reply::text(HELP),
            "today" => self.today(user, at).await?,
            "week" => self.week(user, at).await?,
            "skin" => return self.skin_question(user, at).await,
            "undo" => self.undo(user, at).await?,
            "history" => self.history(user, at).await?,
            "tz" | "timezone" => {
                if argument.is_empty() {
                    let person = self.person(user, at).await?;
                    Reply::text(format!(
                        "Your time zone is {} (it is {} there).\n\n{ZONE_QUESTION}",
                        escape(person.settings.zone_shown()),
                        person.clock.local_time(at).format("%a %H:%M")
                    ))
                } else {
                    match choose_zone(argument) {
                        Ok(chosen) => self.set_zone(user, at, &chosen).await?,
                        Err(error) => Reply::text(zone_error(&error)),
                    }
                }
            }
            "digest" => self.digest_setting(user, at, argument).await?,
            "settings" => {
                let person = self.person(user, at).await?;
                let experiment = match person.settings.experiment {
                    Some(running) => Some(
                        self.experiment_status(user, running, person.clock.local_day(at))
                            .await?,
                    ),
                    None => None,
                };
                Reply::text(render::settings(
                    person.settings.zone_shown(),
                    person.clock.local_time(at),
                    person.clock.cutoff(),
                    person.settings.digest_at,
                    experiment.as_ref(),
                ))
            }
            "faq" => {
                if argument.is_empty() {
                    Reply::text("Pick a topic, or just ask me a question in your own words:")
                        .with_buttons(self.topic_buttons())
                } else {
                    match self.knowledge.best_match(argument) {
                        Some(found) => Reply::text(render::answer(found.topic)),
                        None => self.cannot_answer(),
                    }
                }
            }
            "tips" | "tip" => self.tips(user, at).await?,
            "score" => Reply::text(render::scoring(&self.diary.score)),
            "chart" => self.chart(user, at).await?,
            "insights" | "patterns" => self.insights(user, at).await?,
            "privacy" => match self.knowledge.topic("privacy") {
                Some(topic) => Reply::text(format!(
                    "{}\n\n/export sends you everything as a CSV file; /forget deletes it all.",
                    render::answer(topic)
                )),
                None => Reply::text(
                    "I keep your settings, meals and skin ratings. /export sends them to you; \
                     /forget deletes them.",
                ),
            },
            "export" => self.export(user, at).await?,
            "forget" => Reply::text(
                "This deletes your meals, skin ratings and settings for good. Are you sure?",
            )
            .with_buttons(vec![vec![
                Button::new(
                    "Yes, delete everything",
                    &Action::Forget { confirmed: true },
                ),
                Button::new("No, keep it", &Action::Forget { confirmed: false }),
            ]]),
            _ => Reply::text(format!(
                "I don't know /{}. /help lists what I can do.",
                escape(&shorten(name, 32))
            )),
        };
        Ok(Outcome::reply(reply))
    }

    async fn start(&self, user: i64, at: DateTime<Utc>) -> Result<Reply> {
        let person = self.person(user, at).await?;
        if person.known() {
            return Ok(Reply::text(format!(
                "Welcome back! Your time zone is {}. Tell me what you eat and I'll keep the diary.\n\n{EXAMPLES}",
                escape(person.settings.zone_shown())
            )));
        }
        Ok(Reply::text(format!(
            "<b>Welcome to gutskin!</b> Text me what you eat, in your own words, and I'll sort it \
             into the food groups that matter for the gut-skin connection, score your day, ask \
             how your skin is, and over a few weeks show which foods go with better or worse skin.\n\n\
             {ZONE_QUESTION}"
        )))
    }

    async fn digest_setting(&self, user: i64, at: DateTime<Utc>, argument: &str) -> Result<Reply> {
        let mut person = self.person(user, at).await?;
        let argument = argument.trim().to_lowercase();
        if argument.is_empty() {
            let now = person.settings.digest_at.map_or_else(
                || "off".to_string(),
                |t| format!("at {}", t.format("%H:%M")),
            );
            return Ok(Reply::text(format!(
                "Your evening digest is {now}. Change it with /digest HH:MM (your local time) \
                 or turn it off with /digest off."
            )));
        }
        let digest_at =
            if argument == "off" {
                None
            } else {
                match parse_clock_time(&argument) {
                    Some(time) => Some(time),
                    None => return Ok(Reply::text(
                        "I didn't understand that time. Send it like /digest 21:00 or /digest off.",
                    )),
                }
            };
        person.settings.digest_at = digest_at;
        self.save(&mut person, at).await?;
        Ok(Reply::text(match digest_at {
            Some(time) => format!(
                "Done: your digest will come at {} your time ({}).",
                time.format("%H:%M"),
                escape(person.settings.zone_shown())
            ),
            None => "Done: no more evening digests. /digest 21:00 turns them back on.".to_string(),
        }))
    }

    async fn today(&self, user: i64, at: DateTime<Utc>) -> Result<Reply> {
        let person = self.person(user, at).await?;
        let day = person.clock.local_day(at);
        let week = person.clock.week_of(day);
        let entries = self.entries_between(user, week.monday(), day).await?;
        let tally = WeekTally::new(week, entries.iter().map(|m| &m.entry));
        let summary = tally.summary(day, &self.diary.score);
        let meals: Vec<StoredMeal> = entries
            .iter()
            .filter(|m| m.entry.local_day == day)
            .cloned()
            .collect();
        let rating = self
            .store
            .ratings(user, day, day)
            .await?
            .last()
            .map(SkinRating::rating);
        let week_plants = tally.plants_through(day).len();
        let mut text = render::today(&summary, &meals, week_plants, rating, person.tz());
        let logged_days = self
            .store
            .days(
                user,
                day.checked_sub_days(Days::new(366)).unwrap_or(day),
                day,
            )
            .await?;
        let streak = streaks(logged_days.keys().copied(), day);
        if streak.current > 1 {
            text.push_str(&format!(
                "\nStreak: {} days in a row (longest {})",
                streak.current, streak.longest
            ));
        }
        Ok(Reply::text(text))
    }

    async fn week(&self, user: i64, at: DateTime<Utc>) -> Result<Reply> {
        let person = self.person(user, at).await?;
        let day = person.clock.local_day(at);
        let week = person.clock.week_of(day);
        let entries = self
            .entries_between(user, week.monday(), week.sunday())
            .await?;
        let ratings = self
            .store
            .ratings(user, week.monday(), week.sunday())
            .await?;
        let summary = WeekSummary::new(
            week,
            entries.iter().map(|m| &m.entry),
            &ratings,
            &self.diary.score,
        );
        Ok(Reply::text(render::week(&summary, day)))
    }

    async fn tips(&self, user: i64, at: DateTime<Utc>) -> Result<Reply> {
        let person = self.person(user, at).await?;
        let day = person.clock.local_day(at);
        let week = person.clock.week_of(day);
        let entries = self.entries_between(user, week.monday(), day).await?;
        let tally = WeekTally::new(week, entries.iter().map(|m| &m.entry));
        let summary = tally.summary(day, &self.diary.score);
        let week_plants = tally.plants_through(day).len();
        Ok(
            match self
                .tip_for_day(user, &person, &summary, week_plants)
                .await?
            {
                Some(tip) => Reply::text(format!(
                    "<b>A tip for today</b>\n{}\n\nYour evening digest brings one each day.",
                    render::tip(tip)
                )),
                None => Reply::text("No tip fits today better than what you're doing. Keep going!"),
            },
        )
    }

    /// `/insights`: which food groups go with better or worse skin, over the last year, and
    /// the two-week experiment: offered for the strongest harmful finding, its progress
    /// while it runs, and once it is over the comparison, which ends it.
    async fn insights(&self, user: i64, at: DateTime<Utc>) -> Result<Reply> {
        let mut person = self.person(user, at).await?;
        let today = person.clock.local_day(at);
        let days = self.observed_days(user, today).await?;
        if let Some(running) = person.settings.experiment {
            let status = ExperimentStatus::new(running.category, running.started, today, &days);
            if status.is_over() {
                // Ended before the reply says so, so a second /insights cannot report twice.
                person.settings.experiment = None;
                self.save(&mut person, at).await?;
                return Ok(Reply::text(render::experiment_result(&status)));
            }
            let found = find_patterns(&days);
            let text = format!(
                "{}\n\n{}",
                render::insights(&found),
                render::experiment_progress(&status)
            );
            return Ok(Reply::text(text).with_buttons(vec![vec![Button::new(
                render::STOP_EXPERIMENT_BUTTON,
                &Action::StopTrying,
            )]]));
        }
        let found = find_patterns(&days);
        let mut reply = Reply::text(render::insights(&found));
        if let Some(harmful) = found.strongest_harmful() {
            reply
                .text
                .push_str(&render::experiment_offer(harmful.category));
            reply = reply.with_buttons(vec![vec![Button::new(
                render::experiment_button(harmful.category),
                &Action::TryWithout(harmful.category),
            )]]);
        }
        Ok(reply)
    }

    /// The `try:<category>` button: starts two weeks without `category`, if it is still the
    /// strongest harmful finding and no experiment runs.
    async fn try_without(
        &self,
        user: i64,
        at: DateTime<Utc>,
        category: Category,
    ) -> Result<Outcome> {
        let mut person = self.person(user, at).await?;
        if !person.known() {
            return Ok(Outcome::notice(EXPIRED));
        }
        let today = person.clock.local_day(at);
        if let Some(running) = person.settings.experiment {
            let status = self.experiment_status(user, running, today).await?;
            return Ok(Outcome::notice(render::experiment_already_running(&status)));
        }
        let days = self.observed_days(user, today).await?;
        // The button may be old or forged: only the finding /insights would offer today.
        let offered = find_patterns(&days)
            .strongest_harmful()
            .map(|finding| finding.category);
        if offered != Some(category) {
            return Ok(Outcome::notice(EXPIRED));
        }
        person.settings.experiment = Some(Experiment {
            category,
            started: today,
        });
        self.save(&mut person, at).await?;
        let status = ExperimentStatus::new(category, today, today, &days);
        Ok(Outcome {
            notice: Some("Started".to_string()),
            edit: None,
            replies: vec![Reply::text(render::experiment_started(&status))],
        })
    }

    /// The `try:stop` button: ends the running experiment without a comparison.
    async fn stop_trying(&self, user: i64, at: DateTime<Utc>) -> Result<Outcome> {
        let mut person = self.person(user, at).await?;
        let Some(running) = person.settings.experiment else {
            return Ok(Outcome::notice(EXPIRED));
        };
        let status = self
            .experiment_status(user, running, person.clock.local_day(at))
            .await?;
        person.settings.experiment = None;
        self.save(&mut person, at).await?;
        Ok(Outcome {
            notice: Some("Stopped".to_string()),
            edit: None,
            replies: vec![Reply::text(render::experiment_stopped(&status))],
        })
    }

    /// What the diary knows of each day of the last year: categories logged and rating.
    async fn observed_days(&self, user: i64, today: NaiveDate) -> Result<Vec<DayObservation>> {
        let first = today
            .checked_sub_days(Days::new(INSIGHT_DAYS))
            .unwrap_or(today);
        self.observed_between(user, first, today).await
    }

    /// Where `running` stands on `today`, read from its own weeks (the two before it and
    /// those since), not the year `/insights` reads.
    async fn experiment_status(
        &self,
        user: i64,
        running: Experiment,
        today: NaiveDate,
    ) -> Result<ExperimentStatus> {
        let first = running
            .started
            .checked_sub_days(Days::new(EXPERIMENT_DAYS))
            .unwrap_or(running.started);
        let days = self.observed_between(user, first, today).await?;
        Ok(ExperimentStatus::new(
            running.category,
            running.started,
            today,
            &days,
        ))
    }

    /// What the diary knows of each day from `first` to `today`.
    async fn observed_between(
        &self,
        user: i64,
        first: NaiveDate,
        today: NaiveDate,
    ) -> Result<Vec<DayObservation>> {
        let entries: Vec<Entry> = self
            .entries_between(user, first, today)
            .await?
            .into_iter()
            .map(|meal| meal.entry)
            .collect();
        let ratings = self.store.ratings(user, first, today).await?;
        Ok(observations(&entries, &ratings))
    }

    /// `/chart`: the last 30 days as a picture.
    async fn chart(&self, user: i64, at: DateTime<Utc>) -> Result<Reply> {
        let person = self.person(user, at).await?;
        let today = person.clock.local_day(at);
        let days = self.chart_days(user, today).await?;
        let logged = days.iter().filter(|d| d.score.is_some()).count();
        let rated = days.iter().filter(|d| d.rating.is_some()).count();
        let png = chart::render_png(&days, "Your last 30 days")?;
        Ok(Reply {
            text: format!(
                "Your last 30 days: the bars are your daily score, the line your skin rating \
                 ({logged} day{} logged, {rated} rated).",
                render::plural(logged),
            ),
            buttons: Vec::new(),
            attachment: Some(Attachment::Photo {
                file_name: "gutskin-chart.png".to_string(),
                bytes: png,
            }),
        })
    }

    /// The 30 diary days ending `today`, each with its score if anything was logged and its
    /// rating if rated.
    async fn chart_days(&self, user: i64, today: NaiveDate) -> Result<Vec<ChartDay>> {
        let first = today
            .checked_sub_days(Days::new(chart::CHART_DAYS as u64 - 1))
            .unwrap_or(today);
        let entries = self.store.days(user, first, today).await?;
        let ratings = latest_ratings(&self.store.ratings(user, first, today).await?);
        Ok(first
            .iter_days()
            .take_while(|day| *day <= today)
            .map(|day| ChartDay {
                day,
                score: entries.get(&day).map(|meals| {
                    DaySummary::new(day, meals.iter().map(|m| &m.entry), &self.diary.score)
                        .score
                        .total
                }),
                rating: ratings.get(&day).map(SkinRating::rating),
            })
            .collect())
    }

    async fn undo(&self, user: i64, at: DateTime<Utc>) -> Result<Reply> {
        let Some(last) = self.store.last_meal(user).await? else {
            return Ok(Reply::text("There's nothing to undo: your diary is empty."));
        };
        if !self.store.delete_meal(user, last.id).await? {
            return Ok(Reply::text("There's nothing to undo."));
        }
        let person = self.person(user, at).await?;
        Ok(Reply::text(format!(
            "Undone: {} ({}, {}).",
            render::entry_foods(&last.entry),
            render::day_label(last.entry.local_day),
            last.entry
                .logged_at
                .with_timezone(&person.tz())
                .format("%H:%M")
        )))
    }

    async fn history(&self, user: i64, at: DateTime<Utc>) -> Result<Reply> {
        let person = self.person(user, at).await?;
        let day = person.clock.local_day(at);
        let meals = self.store.day(user, day).await?;
        Ok(history_reply(&meals, day, person.tz()))
    }

    async fn export(&self, user: i64, at: DateTime<Utc>) -> Result<Reply> {
        let person = self.person(user, at).await?;
        let export = self.store.export_user(user).await?;
        if export.entries.is_empty() && export.ratings.is_empty() && export.settings.is_none() {
            return Ok(Reply::text("I have nothing stored about you."));
        }
        let csv = export::csv(&export, person.tz());
        let caption = format!(
            "Everything I keep about you: {} meal{}, {} skin rating{}. Time zone {}, evening digest {}.",
            export.entries.len(),
            render::plural(export.entries.len()),
            export.ratings.len(),
            render::plural(export.ratings.len()),
            escape(person.settings.zone_shown()),
            person
                .settings
                .digest_at
                .map_or_else(|| "off".to_string(), |t| t.format("%H:%M").to_string()),
        );
        Ok(Reply {
            text: caption,
            buttons: Vec::new(),
            attachment: Some(Attachment::Document {
                file_name: "gutskin-diary.csv".to_string(),
                bytes: csv.into_bytes(),
            }),
        })
    }

    // ----- skin -----

    async fn skin_question(&self, user: i64, at: DateTime<Utc>) -> Result<Outcome> {
        let person = self.person(user, at).await?;
        let today = person.clock.local_day(at);
        let yesterday = today.pred_opt().unwrap_or(today);
        let ratings = self.store.ratings(user, yesterday, today).await?;
        let rated = |day: NaiveDate| {
            ratings
                .iter()
                .rev()
                .find(|r| r.day() == day)
                .map(SkinRating::rating)
        };
        let mut replies = vec![render::skin_buttons(today, rated(today), true)];
        if rated(yesterday).is_none() {
            replies.push(render::skin_buttons(yesterday, None, false));
        }
        Ok(Outcome {
            replies,
            ..Outcome::default()
        })
    }

    pub(super) async fn rate(
        &self,
        user: i64,
        at: DateTime<Utc>,
        day: NaiveDate,
        rating: u8,
    ) -> Result<()> {
        // Ratings come from validated buttons or a 1-5 shortcut; anything else is refused
        // before here, so this cannot fail, but it is not worth a panic if it did.
        if let Ok(rating) = SkinRating::new(day, rating, at) {
            self.store.rate_skin(user, rating).await?;
        }
        Ok(())
    }

    // ----- buttons -----

    async fn on_button(&self, user: i64, at: DateTime<Utc>, data: &str) -> Result<Outcome> {
        let Ok(action) = data.parse::<Action>() else {
            return Ok(Outcome::notice(EXPIRED));
        };
        match action {
            Action::Undo(id) => {
                if !self.store.delete_meal(user, id).await? {
                    return Ok(Outcome::notice(EXPIRED));
                }
                Ok(Outcome {
                    notice: Some("Undone".to_string()),
                    edit: Some(Reply::text("↩️ Undone: that meal is out of your diary.")),
                    replies: Vec::new(),
                })
            }
            Action::Delete(id) => {
                if !self.store.delete_meal(user, id).await? {
                    return Ok(Outcome::notice(EXPIRED));
                }
                let person = self.person(user, at).await?;
                let day = person.clock.local_day(at);
                let meals = self.store.day(user, day).await?;
                Ok(Outcome {
                    notice: Some("Deleted".to_string()),
                    edit: Some(history_reply(&meals, day, person.tz())),
                    replies: Vec::new(),
                })
            }
            Action::Skin { day, rating } => {
                let mut person = self.person(user, at).await?;
                let today = person.clock.local_day(at);
                let earliest = today
                    .checked_sub_days(Days::new(MAX_RATING_DAYS_BACK))
                    .unwrap_or(today);
                if day > today || day < earliest {
                    return Ok(Outcome::notice(EXPIRED));
                }
                if !person.known() {
                    self.save(&mut person, at).await?;
                }
                self.rate(user, at, day, rating).await?;
                Ok(Outcome {
                    notice: Some(format!("Saved: {rating}/5")),
                    edit: Some(render::skin_buttons(day, Some(rating), day == today)),
                    replies: Vec::new(),
                })
            }
            Action::Faq(topic) => match self.knowledge.topic(&topic) {
                Some(topic) => Ok(Outcome {
                    notice: None,
                    edit: None,
                    replies: vec![Reply::text(render::answer(topic))],
                }),
                None => Ok(Outcome::notice(EXPIRED)),
            },
            Action::Forget { confirmed: true } => {
                let removed = self.store.delete_user(user).await?;
                // The revision already marks their kept week stale; it also goes from memory.
                self.weeks.forget(user);
                self.settings_changed(user);
                tracing::info!(user, removed, "forgot a user");
                Ok(Outcome {
                    notice: Some("Deleted".to_string()),
                    edit: Some(Reply::text(
                        "Done: I deleted everything I kept about you. Send /start if you ever \
                         want to begin again.",
                    )),
                    replies: Vec::new(),
                })
            }
            Action::Forget { confirmed: false } => Ok(Outcome {
                notice: Some("Kept".to_string()),
                edit: Some(Reply::text("Nothing deleted: your diary stays as it is.")),
                replies: Vec::new(),
            }),
            Action::TryWithout(category) => self.try_without(user, at, category).await,
            Action::StopTrying => self.stop_trying(user, at).await,
            zone @ (Action::SetZone { .. } | Action::KeepZone) => {
                self.on_zone_button(user, at, zone).await
            }
        }
    }
}

/// `/help`.
const HELP: &str = "<b>What I understand</b>\n\
    Just tell me what you ate: <i>porridge with blueberries and kefir</i>, \
    <i>2 beers and a burger</i>, <i>🍕🍺</i>. Say when if it wasn't just now: \
    <i>last night: pizza</i>, <i>oats at 8am</i>, <i>on monday: dal</i> (up to 7 days back). \
    Edit your message and I update the entry. Ask questions like \
    <i>does sugar cause acne?</i>\n\n\
    /today your day: meals, score and its parts, fibre, plants\n\
    /week the last seven days and this week's plants\n\
    /skin rate your skin 1-5 (or send <i>skin 4</i>, <i>skin great</i>)\n\
    /undo remove the last meal\n\
    /history today's meals, with delete buttons\n\
    /faq questions I can answer\n\
    /tips a tip for today\n\
    /chart your last 30 days as a picture\n\
    /insights which foods go with better or worse skin, and a two-week test\n\
    /score how the score works\n\
    /tz your time zone\n\
    /digest HH:MM or off: your evening digest\n\
    /settings your settings\n\
    /privacy what I keep about you\n\
    /export all your data as a CSV file\n\
    /forget delete everything";

fn non_text_reply(kind: NonText) -> String {
    let what = match kind {
        NonText::Photo => "I can't see photos yet",
        NonText::Sticker => "Nice sticker! I only read text, though",
        NonText::Voice => "I can't listen to voice messages yet",
        NonText::Video => "I can't watch videos",
        NonText::Document => "I can't read files",
        NonText::Location => "I don't need your location; a city name sets your time zone",
        NonText::Other => "I can only read text messages",
    };
    format!("{what}. Type what you ate instead, e.g. <i>salmon, rice and broccoli</i>.")
}

fn zone_error(error: &ZoneError) -> String {
    format!(
        "I couldn't use that time zone: {}. Try your city (<i>/tz Berlin</i>), a zone name \
         (<i>/tz Europe/Berlin</i>) or an offset (<i>/tz UTC+1</i>).",
        escape(&error.to_string())
    )
}

/// "HH:MM", "H:MM", "H" or "HH" (24-hour clock).
fn parse_clock_time(text: &str) -> Option<NaiveTime> {
    let (hours, minutes) = match text.split_once([':', '.', 'h']) {
        Some((h, m)) => (h, if m.is_empty() { "0" } else { m }),
        None => (text, "0"),
    };
    if hours.is_empty() || hours.len() > 2 || minutes.len() > 2 {
        return None;
    }
    let hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    NaiveTime::from_hms_opt(hours, minutes, 0)
}

fn history_reply(meals: &[StoredMeal], day: NaiveDate, tz: Tz) -> Reply {
    if meals.is_empty() {
        return Reply::text(format!(
            "Nothing logged today ({}).",
            render::day_label(day)
        ));
    }
    let mut text = format!("<b>Today, {}</b> (tap to delete)", render::day_label(day));
    let mut rows = Vec::new();
    for (index, meal) in meals.iter().enumerate() {
        text.push_str(&format!(
            "\n{}. {}",
            index + 1,
            render::entry_line(meal, tz)
        ));
        rows.push(vec![Button::new(
            format!(
                "🗑 {}. {}",
                index + 1,
                shorten(&render_plain_foods(&meal.entry), 40)
            ),
            &Action::Delete(meal.id),
        )]);
    }
    Reply::text(text).with_buttons(rows)
}

/// Button labels are plain text, not HTML.
fn render_plain_foods(entry: &Entry) -> String {
    entry
        .items
        .iter()
        .map(|i| i.food.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A topic's question as a short button label.
fn topic_label(question: &str) -> String {
    shorten(question.trim_end_matches('?'), 36)
}

/// Whether `meal` brings a harmful category the day did not have yet.
fn new_harmful(meal: CategorySet, earlier: CategorySet) -> bool {
    meal.difference(earlier).iter().any(|c| c.is_harmful())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_clock_time("21:30"), t(21, 30));
        assert_eq!(parse_clock_time("9"), t(9, 0));
        assert_eq!(parse_clock_time("07.15"), t(7, 15));
        assert_eq!(parse_clock_time("21h"), t(21, 0));
        assert_eq!(parse_clock_time("24:00"), None);
        assert_eq!(parse_clock_time("9pm"), None);
        assert_eq!(parse_clock_time("-1"), None);
    }
}

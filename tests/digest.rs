//! The daily digest end to end: the real engine and scheduler on a sled database in a
//! temporary directory, a hand-moved clock, and a sender that records what it is given.
//!
//! The clock moves through every instant the scheduler wakes at (`ManualClock::run_until`)
//! and each step waits until the scheduler has done everything due and gone back to sleep,
//! so a simulated month takes seconds and nothing depends on real timing except the pacing
//! test, which checks only lower bounds on real time.

use std::collections::BTreeMap;
use std::future::Future;
use std::num::NonZeroU32;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use gutskin::chat::{Engine, Incoming, Input, Outcome, Reply};
use gutskin::diary::DiaryConfig;
use gutskin::digest::{
    self, Clock, DigestConfig, DigestSchedule, DigestTask, ManualClock, RecordingSender, Scheduler,
    SentMessage,
};
use gutskin::food::Lexicon;
use gutskin::knowledge::KnowledgeBase;
use gutskin::store::{Store, UserSettings};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// How long a step may take before the test fails rather than hangs: generous, because the
/// machine running the tests may be busy.
const PATIENCE: Duration = Duration::from_secs(30);

fn shared() -> &'static (Arc<Lexicon>, Arc<KnowledgeBase>, Arc<DiaryConfig>) {
    static SHARED: OnceLock<(Arc<Lexicon>, Arc<KnowledgeBase>, Arc<DiaryConfig>)> = OnceLock::new();
    SHARED.get_or_init(|| {
        (
            Arc::new(Lexicon::builtin().expect("lexicon")),
            Arc::new(KnowledgeBase::builtin().expect("knowledge")),
            Arc::new(DiaryConfig::builtin().expect("diary config")),
        )
    })
}

async fn patiently<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, future)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

/// The bot with its digest task, on a fresh database, at a simulated time.
struct Bot {
    engine: Engine,
    /// The engine tells settings changes here; the bot passes them on to the running task
    /// and waits until it has handled them.
    changes: UnboundedReceiver<i64>,
    to_task: UnboundedSender<i64>,
    clock: ManualClock,
    sender: Arc<RecordingSender>,
    task: Option<DigestTask>,
    config: DigestConfig,
    next_message: i64,
    _dir: tempfile::TempDir,
}

impl Bot {
    async fn start(at: DateTime<Utc>) -> Bot {
        Bot::start_with(at, unpaced()).await
    }

    async fn start_with(at: DateTime<Utc>, config: DigestConfig) -> Bot {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open store");
        let (lexicon, knowledge, diary) = shared().clone();
        let (engine_tx, changes) = unbounded_channel();
        let engine =
            Engine::new(lexicon, knowledge, diary, store).with_settings_listener(engine_tx);
        let clock = ManualClock::new(at);
        let sender = Arc::new(RecordingSender::new().timed_by(clock.clone()));
        let (to_task, _) = unbounded_channel();
        let mut bot = Bot {
            engine,
            changes,
            to_task,
            clock,
            sender,
            task: None,
            config,
            next_message: 1,
            _dir: dir,
        };
        bot.spawn().await;
        bot
    }

    /// Starts a digest task over the bot's store and waits until it sleeps.
    async fn spawn(&mut self) {
        assert!(self.task.is_none(), "one task at a time");
        let (to_task, from_bot) = unbounded_channel();
        self.to_task = to_task;
        let before = self.clock.sleeps();
        let task = digest::spawn(
            self.engine.clone(),
            from_bot,
            Arc::clone(&self.sender),
            self.clock.clone(),
            self.config.clone(),
        )
        .expect("the digest starts");
        self.task = Some(task);
        patiently(
            "the new task sleeps",
            self.clock.wait_for_sleep_after(before),
        )
        .await;
    }

    /// Stops the task cleanly.
    async fn stop(&mut self) {
        let task = self.task.take().expect("a running task");
        patiently("the task stops", task.stop())
            .await
            .expect("the task ends cleanly");
    }

    async fn restart(&mut self) {
        self.stop().await;
        self.spawn().await;
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn run_until(&self, to: DateTime<Utc>) {
        patiently("the clock runs", self.clock.run_until(to)).await;
    }

    /// Sets the clock (a jump, forwards or back) and waits for what that makes due.
    async fn jump_to(&self, to: DateTime<Utc>) {
        patiently("the clock jumps", self.clock.set_and_settle(to)).await;
    }

    /// `user` sends `text` now; settings it changes are handled by the digest task before
    /// this returns.
    async fn say(&mut self, user: i64, text: &str) -> Outcome {
        self.next_message += 1;
        let input = Input::Text {
            message_id: self.next_message,
            text: text.to_string(),
        };
        self.input(user, input).await
    }

    async fn press(&mut self, user: i64, data: &str) -> Outcome {
        let input = Input::Button {
            data: data.to_string(),
        };
        self.input(user, input).await
    }

    async fn input(&mut self, user: i64, input: Input) -> Outcome {
        let before = self.clock.sleeps();
        let outcome = self
            .engine
            .handle(Incoming {
                user,
                at: self.now(),
                input,
            })
            .await;
        let mut told = false;
        while let Ok(changed) = self.changes.try_recv() {
            if self.task.is_some() && self.to_task.send(changed).is_ok() {
                told = true;
            }
        }
        if told {
            patiently(
                "the task handles a settings change",
                self.clock.wait_for_sleep_after(before),
            )
            .await;
        }
        outcome
    }

    /// A person in `zone` with the digest at `digest_at`.
    async fn person(&mut self, user: i64, zone: &str, digest_at: &str) {
        let reply = self.say(user, &format!("/tz {zone}")).await;
        assert!(reply.replies[0].text.contains("Time zone set"), "{reply:?}");
        let reply = self.say(user, &format!("/digest {digest_at}")).await;
        assert!(reply.replies[0].text.contains("Done"), "{reply:?}");
    }

    async fn settings(&self, user: i64) -> UserSettings {
        self.engine
            .store()
            .user(user)
            .await
            .expect("read settings")
            .expect("the user is known")
    }

    fn sent_to(&self, user: i64) -> Vec<SentMessage> {
        self.sender.sent_to(user)
    }

    /// The diary days `user`'s digests were about, in the order sent.
    fn days_sent(&self, user: i64) -> Vec<NaiveDate> {
        self.sent_to(user).iter().map(digest_day).collect()
    }
}

fn unpaced() -> DigestConfig {
    DigestConfig {
        messages_per_second: None,
        ..DigestConfig::default()
    }
}

/// The diary day a digest is about, from its skin buttons (`skin:2026-03-01:1`).
fn digest_day(message: &SentMessage) -> NaiveDate {
    let data = message
        .reply
        .button_data()
        .next()
        .unwrap_or_else(|| panic!("a digest has skin buttons: {:?}", message.reply));
    let day = data
        .strip_prefix("skin:")
        .and_then(|rest| rest.rsplit_once(':'))
        .map(|(day, _)| day)
        .unwrap_or_else(|| panic!("skin button data: {data}"));
    NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a date")
}

fn sent_at(message: &SentMessage) -> DateTime<Utc> {
    message.at.expect("the recorder has the clock")
}

fn local_time(message: &SentMessage, tz: Tz) -> NaiveTime {
    sent_at(message).with_timezone(&tz).time()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid instant")
}

/// A local wall-clock reading in `tz` (the first, if it happens twice).
fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, d, h, min, 0)
        .earliest()
        .expect("a reading that exists")
        .with_timezone(&Utc)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

fn days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).collect()
}

/// Telegram HTML: only our tags, every `&` an entity; buttons' data within 64 bytes.
fn check_reply(reply: &Reply) {
    let text = &reply.text;
    let mut rest = text.as_str();
    while let Some(at) = rest.find(['<', '&']) {
        rest = &rest[at..];
        let known = ["<b>", "</b>", "<i>", "</i>", "<code>", "</code>"]
            .iter()
            .chain(&["&amp;", "&lt;", "&gt;", "&quot;"])
            .find(|token| rest.starts_with(*token));
        let token = known.unwrap_or_else(|| panic!("unsafe markup at {rest:?} in {text:?}"));
        rest = &rest[token.len()..];
    }
    assert!(text.chars().count() < 4096, "one message: {text}");
    for button in reply.buttons.iter().flatten() {
        assert!(
            !button.data.is_empty() && button.data.len() <= 64,
            "{button:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Clock changes.

const BERLIN: Tz = chrono_tz::Europe::Berlin;
const NEW_YORK: Tz = chrono_tz::America::New_York;

#[tokio::test]
async fn digests_keep_their_local_hour_through_spring_and_autumn_clock_changes() {
    // Spring: New York moves its clocks on 8 March 2026 (02:00 -> 03:00), Berlin on 29 March.
    // Autumn: Berlin on 25 October (03:00 -> 02:00), New York on 1 November (02:00 -> 01:00).
    for (start, end) in [
        (utc(2026, 3, 1, 0, 0), utc(2026, 4, 2, 12, 0)),
        (utc(2026, 10, 18, 0, 0), utc(2026, 11, 5, 12, 0)),
    ] {
        let mut bot = Bot::start(start).await;
        bot.person(1, "Europe/Berlin", "21:00").await;
        bot.person(2, "America/New_York", "21:00").await;
        // In the hour the clocks skip in spring and repeat in autumn.
        bot.person(3, "Europe/Berlin", "02:30").await;
        bot.person(4, "America/New_York", "02:30").await;
        bot.person(5, "America/New_York", "01:30").await;
        bot.run_until(end).await;

        for (user, tz) in [(1, BERLIN), (2, NEW_YORK)] {
            let sent = bot.sent_to(user);
            assert!(sent.len() >= 17, "user {user}: {} digests", sent.len());
            for message in &sent {
                assert_eq!(local_time(message, tz), time(21, 0), "user {user}");
                assert_eq!(
                    sent_at(message).with_timezone(&tz).date_naive(),
                    digest_day(message)
                );
            }
        }
        for (user, tz, digest_at) in [
            (3, BERLIN, time(2, 30)),
            (4, NEW_YORK, time(2, 30)),
            (5, NEW_YORK, time(1, 30)),
        ] {
            let sent = bot.sent_to(user);
            let days_sent = bot.days_sent(user);
            let first = days_sent[0];
            let last = *days_sent.last().expect("digests");
            assert_eq!(
                days_sent,
                days(first, last),
                "user {user}: one digest a day, none twice"
            );
            for message in &sent {
                let reading = local_time(message, tz);
                // A night time belongs to the diary day before.
                let night_of = sent_at(message).with_timezone(&tz).date_naive() - Days::new(1);
                assert_eq!(night_of, digest_day(message), "user {user}");
                if reading != digest_at {
                    // Only the night the clocks skip it: at the end of the gap instead.
                    assert_eq!(reading, time(3, 0), "user {user} at {}", sent_at(message));
                }
            }
        }
        if start.format("%m").to_string() == "03" {
            // The skipped 02:30: Berlin's comes at 03:00 CEST (01:00 UTC), New York's at
            // 03:00 EDT (07:00 UTC), each once.
            let gap = |user: i64, night: NaiveDate| {
                bot.sent_to(user)
                    .into_iter()
                    .filter(|m| digest_day(m) == night)
                    .map(|m| sent_at(&m))
                    .collect::<Vec<_>>()
            };
            assert_eq!(gap(3, date(2026, 3, 28)), [utc(2026, 3, 29, 1, 0)]);
            assert_eq!(gap(4, date(2026, 3, 7)), [utc(2026, 3, 8, 7, 0)]);
        } else {
            // The repeated hour: once, at the first reading (still summer time).
            let fold = |user: i64, night: NaiveDate| {
                bot.sent_to(user)
                    .into_iter()
                    .filter(|m| digest_day(m) == night)
                    .map(|m| sent_at(&m))
                    .collect::<Vec<_>>()
            };
            assert_eq!(fold(3, date(2026, 10, 24)), [utc(2026, 10, 25, 0, 30)]);
            assert_eq!(fold(5, date(2026, 10, 31)), [utc(2026, 11, 1, 5, 30)]);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Exactly once.

#[tokio::test]
async fn exactly_once_over_a_month_in_seven_zones_through_restarts_and_clock_jumps() {
    let start = utc(2026, 3, 1, 0, 0);
    let end = utc(2026, 4, 10, 0, 0);
    let people: [(i64, Tz, &str); 7] = [
        (11, BERLIN, "21:00"),
        (12, NEW_YORK, "21:00"),
        (13, chrono_tz::Asia::Kolkata, "21:30"),
        (14, chrono_tz::Pacific::Auckland, "20:00"),
        (15, chrono_tz::America::Los_Angeles, "00:30"),
        (16, chrono_tz::UTC, "23:59"),
        (17, chrono_tz::Australia::Lord_Howe, "01:45"),
    ];
    let mut bot = Bot::start(start).await;
    for (user, tz, at) in people {
        bot.person(user, tz.name(), at).await;
    }

    // Meals at local noon on three days out of four; the fourth day gets a nudge.
    let mut meals: Vec<(DateTime<Utc>, i64)> = Vec::new();
    for (index, day) in days(date(2026, 3, 1), date(2026, 4, 9))
        .into_iter()
        .enumerate()
    {
        for (n, (user, tz, _)) in people.iter().enumerate() {
            if (index + n) % 4 != 0 {
                let noon = day.and_time(time(12, 0));
                let at = tz
                    .from_local_datetime(&noon)
                    .earliest()
                    .expect("noon exists");
                meals.push((at.with_timezone(&Utc), *user));
            }
        }
    }
    meals.sort();

    // The disturbances, in order: a restart, a bot down for two and a half hours, the
    // clock set forward two hours, set back three, a crash.
    // Berlin's digest is due at 20:00 UTC in March, so the outage and the jump forward make
    // it late (by at most three hours: still sent).
    let mut disturbances = vec![
        (utc(2026, 3, 10, 20, 30), "restart"),
        (utc(2026, 3, 15, 19, 0), "down"),
        (utc(2026, 3, 20, 19, 0), "forward"),
        (utc(2026, 3, 25, 22, 0), "back"),
        (utc(2026, 4, 2, 11, 0), "crash"),
    ];
    disturbances.reverse();
    let mut nudges = 0;
    for (at, user) in meals {
        while disturbances.last().is_some_and(|(when, _)| *when <= at) {
            let (when, what) = disturbances.pop().expect("a disturbance");
            bot.run_until(when).await;
            match what {
                "restart" => bot.restart().await,
                "down" => {
                    bot.stop().await;
                    bot.clock.set(when + TimeDelta::minutes(150));
                    bot.spawn().await;
                }
                "forward" => bot.jump_to(when + TimeDelta::hours(2)).await,
                "back" => bot.jump_to(when - TimeDelta::hours(3)).await,
                "crash" => {
                    bot.task.take().expect("a task").abort().await;
                    bot.spawn().await;
                }
                _ => unreachable!(),
            }
        }
        bot.run_until(at).await;
        let reply = bot.say(user, "porridge with blueberries and kefir").await;
        assert!(reply.replies[0].text.contains("Logged"), "{reply:?}");
    }
    bot.run_until(end).await;
    assert!(disturbances.is_empty());

    let diary = DiaryConfig::builtin().expect("diary config");
    for (user, _, _) in people {
        let settings = bot.settings(user).await;
        let schedule = DigestSchedule::of(&settings, &diary).expect("digest on");
        let sent = bot.sent_to(user);
        let mut by_day: BTreeMap<NaiveDate, Vec<DateTime<Utc>>> = BTreeMap::new();
        for message in &sent {
            check_reply(&message.reply);
            by_day
                .entry(digest_day(message))
                .or_default()
                .push(sent_at(message));
            nudges += usize::from(message.reply.text.contains("Nothing logged today"));
        }
        // Every diary day whose digest time fell inside the month, and no other.
        let expected: Vec<NaiveDate> = days(date(2026, 2, 27), date(2026, 4, 11))
            .into_iter()
            .filter(|day| {
                schedule
                    .occurrence(*day)
                    .is_some_and(|at| start < at && at <= end)
            })
            .collect();
        let got: Vec<NaiveDate> = by_day.keys().copied().collect();
        assert_eq!(got, expected, "user {user}: missed or extra days");
        for (day, times) in &by_day {
            assert_eq!(
                times.len(),
                1,
                "user {user}: {day} sent {} times",
                times.len()
            );
            let due = schedule.occurrence(*day).expect("an occurrence");
            let late = times[0] - due;
            assert!(
                late >= TimeDelta::zero() && late <= TimeDelta::hours(3),
                "user {user}: {day} due {due}, sent {}",
                times[0]
            );
        }
        assert_eq!(
            settings.last_digest_day,
            expected.last().copied(),
            "user {user}"
        );
    }
    assert!(nudges > 0, "empty days get nudges");
}

#[tokio::test]
async fn a_restart_mid_day_sends_nothing_twice_and_misses_nothing() {
    let mut bot = Bot::start(utc(2026, 5, 4, 8, 0)).await;
    bot.person(1, "Europe/Berlin", "18:00").await; // 16:00 UTC
    bot.person(2, "Europe/London", "21:00").await; // 20:00 UTC
    bot.run_until(utc(2026, 5, 4, 17, 0)).await;
    assert_eq!(bot.days_sent(1), [date(2026, 5, 4)]);
    assert!(bot.sent_to(2).is_empty());

    // Restarted between the two: the first is not sent again, the second comes on time.
    bot.restart().await;
    bot.run_until(utc(2026, 5, 4, 23, 0)).await;
    bot.restart().await;
    bot.run_until(utc(2026, 5, 5, 23, 0)).await;
    assert_eq!(bot.days_sent(1), [date(2026, 5, 4), date(2026, 5, 5)]);
    assert_eq!(bot.days_sent(2), [date(2026, 5, 4), date(2026, 5, 5)]);
    let london = bot.sent_to(2);
    assert_eq!(sent_at(&london[0]), utc(2026, 5, 4, 20, 0));
}

#[tokio::test]
async fn a_digest_missed_while_down_is_sent_if_at_most_three_hours_late() {
    let mut bot = Bot::start(utc(2026, 5, 4, 8, 0)).await;
    bot.person(1, "UTC", "21:00").await;
    bot.person(2, "UTC", "20:00").await;
    bot.person(3, "UTC", "20:59").await;

    // Down from 19:00 to 23:59: 1 is 2 h 59 late, 3 is exactly 3 h late, 2 is 3 h 59 late.
    bot.run_until(utc(2026, 5, 4, 19, 0)).await;
    bot.stop().await;
    bot.clock.set(utc(2026, 5, 4, 23, 59));
    bot.spawn().await;
    assert_eq!(bot.days_sent(1), [date(2026, 5, 4)]);
    assert_eq!(sent_at(&bot.sent_to(1)[0]), utc(2026, 5, 4, 23, 59));
    assert_eq!(bot.days_sent(3), [date(2026, 5, 4)]);
    assert!(
        bot.sent_to(2).is_empty(),
        "more than three hours late: skipped"
    );

    // The next day is not affected.
    bot.run_until(utc(2026, 5, 5, 22, 0)).await;
    assert_eq!(bot.days_sent(2), [date(2026, 5, 5)]);
    assert_eq!(sent_at(&bot.sent_to(2)[0]), utc(2026, 5, 5, 20, 0));
    assert_eq!(bot.days_sent(1), [date(2026, 5, 4), date(2026, 5, 5)]);

    // Down past the end of the diary day (04:00): however few hours late, it is not sent
    // the next day. 01:30's digest is for the day before (the night after it).
    bot.person(4, "UTC", "01:30").await;
    bot.run_until(utc(2026, 5, 6, 1, 0)).await;
    bot.stop().await;
    bot.clock.set(utc(2026, 5, 6, 4, 10));
    bot.spawn().await;
    assert!(bot.sent_to(4).is_empty(), "its day ended at 04:00");
    bot.run_until(utc(2026, 5, 7, 2, 0)).await;
    assert_eq!(bot.days_sent(4), [date(2026, 5, 6)]);
}

// ---------------------------------------------------------------------------------------
// Settings.

#[tokio::test]
async fn digest_off_sends_nothing_and_on_again_resumes() {
    let mut bot = Bot::start(utc(2026, 5, 4, 8, 0)).await;
    bot.person(1, "UTC", "21:00").await;
    bot.say(1, "/digest off").await;
    assert_eq!(bot.settings(1).await.digest_at, None);
    bot.run_until(utc(2026, 5, 6, 23, 0)).await;
    assert!(bot.sent_to(1).is_empty());

    // Off across a restart too.
    bot.restart().await;
    bot.run_until(utc(2026, 5, 7, 23, 0)).await;
    assert!(bot.sent_to(1).is_empty());

    bot.say(1, "/digest 22:00").await;
    bot.run_until(utc(2026, 5, 8, 23, 0)).await;
    assert_eq!(bot.days_sent(1), [date(2026, 5, 8)]);
}

#[tokio::test]
async fn changing_the_time_or_zone_reschedules_and_forget_unschedules() {
    let mut bot = Bot::start(utc(2026, 5, 4, 8, 0)).await;
    bot.person(1, "UTC", "21:00").await;

    // Earlier, still ahead: it comes at the new time.
    bot.run_until(utc(2026, 5, 4, 12, 0)).await;
    bot.say(1, "/digest 18:30").await;
    bot.run_until(utc(2026, 5, 4, 23, 0)).await;
    let sent = bot.sent_to(1);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent_at(&sent[0]), utc(2026, 5, 4, 18, 30));

    // Moved to a time already past today after today's was sent: nothing more today.
    bot.say(1, "/digest 22:00").await;
    bot.run_until(utc(2026, 5, 5, 10, 0)).await;
    assert_eq!(bot.sent_to(1).len(), 1);

    // Moved to a time that passed today before today's came: from tomorrow, not at once.
    bot.person(2, "UTC", "21:00").await;
    bot.run_until(utc(2026, 5, 5, 20, 0)).await;
    bot.say(2, "/digest 19:00").await;
    bot.run_until(utc(2026, 5, 6, 20, 0)).await;
    let sent = bot.sent_to(2);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent_at(&sent[0]), utc(2026, 5, 6, 19, 0));

    // A new zone: the same hour there.
    bot.say(1, "/tz Asia/Tokyo").await;
    bot.run_until(utc(2026, 5, 7, 14, 0)).await;
    let tokyo: Vec<DateTime<Utc>> = bot.sent_to(1).iter().map(sent_at).collect();
    assert_eq!(
        tokyo.last(),
        Some(&utc(2026, 5, 7, 13, 0)),
        "22:00 in Tokyo"
    );

    // Forgotten: nothing more.
    let count = bot.sent_to(1).len();
    let outcome = bot.say(1, "/forget").await;
    let yes = outcome.replies[0]
        .button_data()
        .find(|d| d.ends_with("yes"))
        .expect("a yes button")
        .to_string();
    bot.press(1, &yes).await;
    bot.run_until(utc(2026, 5, 9, 14, 0)).await;
    assert_eq!(bot.sent_to(1).len(), count);
}

// ---------------------------------------------------------------------------------------
// What a digest says.

#[tokio::test]
async fn the_digest_has_the_day_in_numbers_a_fresh_tip_and_the_skin_buttons() {
    let mut bot = Bot::start(utc(2026, 5, 4, 8, 0)).await; // a Monday
    bot.person(1, "UTC", "21:00").await;
    let mut tips = Vec::new();
    for day in 4..=6 {
        bot.run_until(utc(2026, 5, day, 12, 0)).await;
        bot.say(1, "porridge with blueberries and a coffee").await;
        bot.say(1, "2 beers and a burger").await;
        bot.run_until(utc(2026, 5, day, 21, 30)).await;
        tips.push(bot.settings(1).await.last_tip_id.expect("a tip was shown"));
    }
    let sent = bot.sent_to(1);
    assert_eq!(sent.len(), 3);
    let knowledge = &shared().1;
    for (message, tip) in sent.iter().zip(&tips) {
        let text = &message.reply.text;
        check_reply(&message.reply);
        assert!(text.contains("Your digest for"), "{text}");
        assert!(
            text.contains("Today <b>") && text.contains("/100</b>"),
            "score: {text}"
        );
        assert!(
            text.contains("fibre") && text.contains("g of 25-35"),
            "fibre: {text}"
        );
        assert!(text.contains("plants this week"), "plants: {text}");
        assert!(text.contains("alcohol -"), "the score's parts: {text}");
        let tip_text = &knowledge
            .tips()
            .iter()
            .find(|t| &t.id == tip)
            .expect("a known tip")
            .text;
        assert!(
            text.contains(&gutskin::chat::html::escape(tip_text)),
            "the tip recorded is the tip shown: {text}"
        );
        let buttons: Vec<&str> = message.reply.button_data().collect();
        let day = digest_day(message);
        let expected: Vec<String> = (1..=5).map(|r| format!("skin:{day}:{r}")).collect();
        assert_eq!(buttons, expected);
        assert!(text.contains("How is your skin today"), "{text}");
    }
    assert!(
        tips.windows(2).all(|pair| pair[0] != pair[1]),
        "never the same tip twice running: {tips:?}"
    );
    assert!(
        sent[2].reply.text.contains("3 days logged in a row"),
        "{}",
        sent[2].reply.text
    );

    // Rated already: the button shows it.
    bot.run_until(utc(2026, 5, 7, 12, 0)).await;
    bot.say(1, "salmon with rice").await;
    bot.press(1, "skin:2026-05-07:4").await;
    bot.run_until(utc(2026, 5, 7, 22, 0)).await;
    let last = bot.sent_to(1).pop().expect("a digest");
    assert!(last.reply.text.contains("Your skin today") && last.reply.text.contains("<b>4/5</b>"));
    assert!(last.reply.buttons[0].iter().any(|b| b.label == "✅ 4"));
}

#[tokio::test]
async fn an_empty_day_gets_a_short_nudge() {
    let mut bot = Bot::start(utc(2026, 5, 4, 8, 0)).await;
    bot.person(1, "UTC", "21:00").await;
    bot.run_until(utc(2026, 5, 4, 12, 0)).await;
    bot.say(1, "lentil soup with sourdough").await;
    bot.run_until(utc(2026, 5, 5, 12, 0)).await;
    bot.say(1, "kimchi and rice").await;
    bot.run_until(utc(2026, 5, 6, 22, 0)).await;
    let sent = bot.sent_to(1);
    assert_eq!(sent.len(), 3);
    let nudge = &sent[2].reply;
    check_reply(nudge);
    assert!(
        nudge.text.contains("Nothing logged today yet"),
        "{}",
        nudge.text
    );
    assert!(nudge.text.contains("until 04:00"), "{}", nudge.text);
    assert!(
        nudge.text.contains("keep your 2-day streak"),
        "{}",
        nudge.text
    );
    assert!(!nudge.text.contains("/100"), "no score for an empty day");
    assert!(!nudge.text.contains("💡"), "no tip in a nudge");
    assert_eq!(
        nudge.button_data().count(),
        5,
        "the skin buttons all the same"
    );
    assert!(nudge.text.chars().count() < sent[1].reply.text.chars().count());
}

#[tokio::test]
async fn the_weekly_report_comes_on_sundays_only() {
    // Monday 4 May 2026 to Tuesday 12 May.
    let mut bot = Bot::start(utc(2026, 5, 4, 6, 0)).await;
    bot.person(1, "Asia/Kolkata", "21:00").await;
    let kolkata = chrono_tz::Asia::Kolkata;
    let meals = [
        "porridge with blueberries and kefir",
        "lentil soup with sourdough and spinach",
        "salmon, brown rice and broccoli",
        "2 beers and a burger",
        "kimchi and tofu with noodles",
        "greek yogurt with walnuts and honey",
        "chickpeas, quinoa and olive oil",
    ];
    for (offset, meal) in meals.iter().enumerate() {
        let day = date(2026, 5, 4) + Days::new(offset as u64);
        let lunch = kolkata.from_local_datetime(&day.and_time(time(13, 0)));
        bot.run_until(lunch.earliest().expect("13:00 exists").with_timezone(&Utc))
            .await;
        bot.say(1, meal).await;
        if offset % 2 == 0 {
            bot.press(1, &format!("skin:{day}:{}", 2 + offset / 2))
                .await;
        }
    }
    bot.run_until(local(kolkata, 2026, 5, 12, 22, 0)).await;
    let sent = bot.sent_to(1);
    assert_eq!(bot.days_sent(1), days(date(2026, 5, 4), date(2026, 5, 12)));
    for message in &sent {
        check_reply(&message.reply);
        let sunday = digest_day(message) == date(2026, 5, 10);
        assert_eq!(
            message.reply.text.contains("Your week"),
            sunday,
            "{}",
            message.reply.text
        );
    }
    let report = &sent[6].reply.text;
    assert!(
        report.contains("Your week, Mon 4 May to Sun 10 May"),
        "{report}"
    );
    assert!(
        report.contains("Plants: <b>") && report.contains("/30</b>: oat"),
        "{report}"
    );
    assert!(
        report.contains("Average score <b>") && report.contains("over 7 logged days"),
        "{report}"
    );
    assert!(
        report.contains("Skin (Mon to Sun): 2 · – · 3 · – · 4 · – · 5"),
        "{report}"
    );
    assert!(report.contains("rising through the week"), "{report}");
    assert!(report.contains("Days with each group (of 7):"), "{report}");
    assert!(report.contains("alcohol 1"), "{report}");
    assert!(
        report.contains("fermented 3"),
        "kefir, kimchi, yogurt: {report}"
    );
}

// ---------------------------------------------------------------------------------------
// Sending.

#[tokio::test]
async fn a_blocked_person_is_marked_inactive_and_not_sent_to_again() {
    let mut bot = Bot::start(utc(2026, 5, 4, 8, 0)).await;
    bot.person(1, "UTC", "21:00").await;
    bot.person(2, "UTC", "21:00").await;
    bot.sender.block(1);
    bot.run_until(utc(2026, 5, 4, 22, 0)).await;
    assert!(!bot.settings(1).await.active, "marked inactive");
    assert_eq!(bot.sender.attempts(1), 1);
    bot.run_until(utc(2026, 5, 6, 22, 0)).await;
    assert_eq!(bot.sender.attempts(1), 1, "not tried again");
    assert_eq!(bot.days_sent(2).len(), 3);

    // Back (the Telegram adapter marks people active when they write): served again, even
    // though nobody told the digest.
    bot.sender.unblock(1);
    let mut settings = bot.settings(1).await;
    settings.active = true;
    bot.engine.store().save_user(&settings).await.expect("save");
    bot.run_until(utc(2026, 5, 8, 22, 0)).await;
    assert_eq!(bot.sender.attempts(1), 3);
    assert_eq!(bot.days_sent(1), [date(2026, 5, 7), date(2026, 5, 8)]);
}

#[tokio::test]
async fn a_failed_send_is_tried_again_later_the_same_day() {
    let mut bot = Bot::start(utc(2026, 5, 4, 8, 0)).await;
    bot.person(1, "UTC", "21:00").await;
    bot.sender.fail_next(1, 2);
    bot.run_until(utc(2026, 5, 5, 22, 0)).await;
    assert_eq!(
        bot.sender.attempts(1),
        4,
        "two failures, then today's and tomorrow's"
    );
    let sent = bot.sent_to(1);
    assert_eq!(bot.days_sent(1), [date(2026, 5, 4), date(2026, 5, 5)]);
    // retry_after is five minutes.
    assert_eq!(sent_at(&sent[0]), utc(2026, 5, 4, 21, 10));
    assert_eq!(sent_at(&sent[1]), utc(2026, 5, 5, 21, 0));
}

#[tokio::test]
async fn a_crash_between_record_and_send_loses_that_digest_but_never_doubles_it() {
    let mut bot = Bot::start(utc(2026, 5, 4, 8, 0)).await;
    bot.person(1, "UTC", "21:00").await;
    bot.sender.hang(1);
    bot.clock.set(utc(2026, 5, 4, 21, 0));
    patiently("the send starts", async {
        while bot.sender.attempts(1) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    // Recorded before the send: at most once.
    assert_eq!(
        bot.settings(1).await.last_digest_day,
        Some(date(2026, 5, 4))
    );
    bot.task.take().expect("a task").abort().await;

    bot.sender = Arc::new(RecordingSender::new().timed_by(bot.clock.clone()));
    bot.clock.set(utc(2026, 5, 4, 21, 1));
    bot.spawn().await;
    bot.run_until(utc(2026, 5, 5, 22, 0)).await;
    assert_eq!(
        bot.days_sent(1),
        [date(2026, 5, 5)],
        "the 4th is lost, not doubled"
    );
}

#[tokio::test]
async fn digests_due_at_once_leave_at_the_configured_rate() {
    const PEOPLE: i64 = 12;
    const RATE: u32 = 100;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open store");
    let (lexicon, knowledge, diary) = shared().clone();
    let engine = Engine::new(lexicon, knowledge, diary, store.clone());
    let noon = utc(2026, 5, 4, 12, 0);
    for user in 1..=PEOPLE {
        let mut settings = UserSettings::new(user, chrono_tz::UTC, noon - TimeDelta::days(1));
        settings.digest_at = Some(time(12, 0));
        store.save_user(&settings).await.expect("save");
    }
    // A round trip of 40 ms: sent one after another they would take half a second.
    let sender = Arc::new(RecordingSender::new().with_latency(Duration::from_millis(40)));
    let config = DigestConfig {
        messages_per_second: NonZeroU32::new(RATE),
        ..DigestConfig::default()
    };
    let mut scheduler = Scheduler::new(
        engine,
        Arc::clone(&sender),
        config,
        noon - TimeDelta::minutes(1),
    )
    .expect("scheduler");
    assert_eq!(scheduler.len(), PEOPLE as usize);
    assert_eq!(scheduler.next_wake(), Some(noon));

    let started = Instant::now();
    let report = scheduler.run_due(noon).await;
    assert_eq!(report.sent, PEOPLE as usize);
    let mut instants: Vec<Instant> = sender.sent().iter().map(|m| m.instant).collect();
    instants.sort();
    let interval = Duration::from_secs(1) / RATE;
    for (index, instant) in instants.iter().enumerate() {
        // The n-th send waits for the n-th slot, so none is early, however busy the machine.
        assert!(
            instant.duration_since(started) >= interval * index as u32,
            "send {index} came {:?} after the start",
            instant.duration_since(started)
        );
    }
    assert!(
        sender.max_concurrent() > 1,
        "sends overlap while the pacer spaces them"
    );
    // Tomorrow is scheduled for everyone.
    assert_eq!(scheduler.next_wake(), Some(noon + TimeDelta::days(1)));
    assert_eq!(
        scheduler.run_due(noon + TimeDelta::minutes(5)).await.sent,
        0
    );
}

#[tokio::test]
async fn a_streak_longer_than_a_week_is_counted_in_full() {
    let mut bot = Bot::start(utc(2026, 5, 1, 8, 0)).await;
    bot.person(1, "UTC", "21:00").await;
    for day in 1..=12 {
        bot.run_until(utc(2026, 5, day, 12, 0)).await;
        bot.say(1, "kimchi and rice").await;
    }
    bot.run_until(utc(2026, 5, 13, 22, 0)).await;
    let sent = bot.sent_to(1);
    assert!(
        sent[11].reply.text.contains("12 days logged in a row"),
        "{}",
        sent[11].reply.text
    );
    // The 13th has nothing yet: the streak is at stake, not broken.
    assert!(
        sent[12].reply.text.contains("keep your 12-day streak"),
        "{}",
        sent[12].reply.text
    );
}

#[tokio::test]
async fn a_streak_read_from_earlier_weeks_leaves_out_undone_meals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open store");
    let (lexicon, knowledge, diary_config) = shared().clone();
    let text = "kimchi and rice";
    let meal = lexicon.parse(text);
    // One meal a day for 40 days, the last the digest's day: the streak runs back through
    // the first week's read and two reads of earlier weeks.
    let first = NaiveDate::from_ymd_opt(2026, 4, 1).expect("date");
    let day = first + Days::new(39);
    let mut ids = Vec::new();
    for n in 0..40 {
        let date = first + Days::new(n);
        let at = utc(2026, 4, 1, 12, 0) + TimeDelta::days(n as i64);
        let entry = gutskin::diary::Entry::from_meal(&meal, text, at, date);
        let logged = store.log_meal(1, n as i64 + 1, &entry).await.expect("log");
        ids.push(logged.id());
    }
    let cutoff = NaiveTime::from_hms_opt(4, 0, 0).expect("04:00");
    let compose = |diary: &digest::DigestDiary| {
        digest::compose_from(diary, None, &knowledge, &diary_config)
            .reply
            .text
    };

    let diary = digest::read_diary(&store, 1, day, cutoff)
        .await
        .expect("read");
    assert_eq!(diary.entries.len(), digest::FIRST_READ_DAYS as usize);
    let mut earlier = diary.earlier_logged_days.clone();
    earlier.sort();
    let before_the_week: Vec<NaiveDate> = first.iter_days().take(33).collect();
    assert_eq!(earlier, before_the_week);
    let text_before = compose(&diary);
    assert!(
        text_before.contains("40 days logged in a row"),
        "{text_before}"
    );

    // Undo the meal of the 20th day before: it is in the first earlier read, and only its
    // marker is left, which is no meal.
    assert!(store.delete_meal(1, ids[19]).await.expect("undo"));
    let diary = digest::read_diary(&store, 1, day, cutoff)
        .await
        .expect("read");
    assert!(!diary.earlier_logged_days.contains(&(first + Days::new(19))));
    assert!(diary.earlier_logged_days.contains(&(first + Days::new(18))));
    assert!(
        !diary.earlier_logged_days.contains(&(first + Days::new(4))),
        "the streak broke within the read before, so no earlier read follows"
    );
    let text_after = compose(&diary);
    assert!(
        text_after.contains("20 days logged in a row"),
        "{text_after}"
    );
}

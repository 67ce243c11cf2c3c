//! Whole conversations through the engine, on a real sled database in a temporary directory,
//! with a fixed clock: what a person sends, what the bot answers, and what ends up stored.
//!
//! Every reply any test sees is checked to be Telegram-safe HTML, with buttons whose data
//! fits Telegram's 64 bytes.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use gutskin::chat::{Attachment, Engine, Incoming, Input, NonText, Outcome, Reply};
use gutskin::diary::DiaryConfig;
use gutskin::food::{Category, Lexicon};
use gutskin::knowledge::KnowledgeBase;
use gutskin::store::Store;

const ALICE: i64 = 4_001;
const BOB: i64 = 4_002;

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

/// A person's chat with the bot: an engine on a fresh database and a message counter.
struct Chat {
    engine: Engine,
    user: i64,
    next_message: i64,
    _dir: tempfile::TempDir,
}

impl Chat {
    fn new(user: i64) -> Chat {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open store");
        let (lexicon, knowledge, diary) = shared().clone();
        Chat {
            engine: Engine::new(lexicon, knowledge, diary, store),
            user,
            next_message: 100,
            _dir: dir,
        }
    }

    /// Another person on the same database.
    fn as_user(&self, user: i64) -> Chat {
        Chat {
            engine: self.engine.clone(),
            user,
            next_message: 10_000,
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn store(&self) -> &Store {
        self.engine.store()
    }

    async fn input(&self, at: DateTime<Utc>, input: Input) -> Outcome {
        let outcome = self
            .engine
            .handle(Incoming {
                user: self.user,
                at,
                input,
            })
            .await;
        for reply in outcome.edit.iter().chain(&outcome.replies) {
            check_reply(reply);
        }
        outcome
    }

    /// Sends a text message; returns its message id and the bot's one reply.
    async fn send(&mut self, at: DateTime<Utc>, text: &str) -> (i64, Reply) {
        self.next_message += 1;
        let id = self.next_message;
        let outcome = self
            .input(
                at,
                Input::Text {
                    message_id: id,
                    text: text.to_string(),
                },
            )
            .await;
        assert_eq!(
            outcome.replies.len(),
            1,
            "one reply to {text:?}: {outcome:?}"
        );
        assert!(outcome.edit.is_none() && outcome.notice.is_none());
        (id, outcome.replies.into_iter().next().expect("a reply"))
    }

    async fn say(&mut self, at: DateTime<Utc>, text: &str) -> String {
        self.send(at, text).await.1.text
    }

    async fn press(&self, at: DateTime<Utc>, data: &str) -> Outcome {
        self.input(
            at,
            Input::Button {
                data: data.to_string(),
            },
        )
        .await
    }

    async fn day_texts(&self, day: NaiveDate) -> Vec<String> {
        self.store()
            .day(self.user, day)
            .await
            .expect("read day")
            .into_iter()
            .map(|m| m.entry.text)
            .collect()
    }

    async fn entry_count(&self) -> usize {
        self.store()
            .export_user(self.user)
            .await
            .expect("export")
            .entries
            .len()
    }

    /// A person who has set their zone.
    async fn in_zone(user: i64, zone: &str) -> Chat {
        let mut chat = Chat::new(user);
        let reply = chat
            .say(utc(2026, 11, 20, 12, 0), &format!("/tz {zone}"))
            .await;
        assert!(reply.contains("Time zone set"), "{reply}");
        chat
    }
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
    for button in reply.buttons.iter().flatten() {
        assert!(
            !button.data.is_empty() && button.data.len() <= 64,
            "{button:?}"
        );
        assert!(!button.label.is_empty());
    }
    assert!(text.chars().count() <= 4096 || reply.attachment.is_none());
}

fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("valid instant")
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

fn only_button(reply: &Reply) -> String {
    let data: Vec<&str> = reply.button_data().collect();
    assert_eq!(data.len(), 1, "{reply:?}");
    data[0].to_string()
}

#[tokio::test]
async fn a_first_conversation() {
    let mut chat = Chat::new(ALICE);
    let now = utc(2026, 11, 28, 7, 15); // 08:15 in Berlin

    let welcome = chat.say(now, "/start").await;
    assert!(welcome.contains("Welcome to gutskin"), "{welcome}");
    assert!(welcome.contains("time zone"), "{welcome}");
    assert!(
        chat.store().user(ALICE).await.expect("user").is_none(),
        "/start alone stores nothing"
    );

    let zone = chat.say(now, "Berlin").await;
    assert!(
        zone.contains("Europe/Berlin") && zone.contains("08:15"),
        "{zone}"
    );

    let (_, logged) = chat.send(now, "porridge with blueberries and kefir").await;
    assert!(
        logged
            .text
            .starts_with("<b>Logged:</b> porridge, blueberries, kefir."),
        "{}",
        logged.text
    );
    assert!(logged.text.contains("fibre · polyphenols · fermented"));
    assert!(logged.text.contains("Today <b>"));
    assert!(logged.text.contains("plants this week 2/30"));
    let undo = only_button(&logged);
    assert!(undo.starts_with("undo:"), "{undo}");

    let today = chat.say(now, "/today").await;
    assert!(today.contains("porridge with blueberries and kefir"));
    assert!(today.contains("fermented foods +12"), "{today}");

    let pressed = chat.press(now, &undo).await;
    assert_eq!(pressed.notice.as_deref(), Some("Undone"));
    assert!(pressed.edit.expect("edited").text.contains("Undone"));
    assert!(chat.day_texts(date(2026, 11, 28)).await.is_empty());
    let again = chat.press(now, &undo).await;
    assert_eq!(again.notice.as_deref(), Some("That button has expired."));
}

#[tokio::test]
async fn yesterday_logs_to_the_day_before() {
    let mut chat = Chat::in_zone(ALICE, "Europe/London").await;
    let now = utc(2026, 11, 28, 12, 0);
    let reply = chat.say(now, "yesterday: 2 beers and a burger").await;
    assert!(
        reply.contains("Logged for Fri 27 Nov:</b> beer ×2, burger."),
        "{reply}"
    );
    assert!(reply.contains("fast food · alcohol"));
    assert_eq!(
        chat.day_texts(date(2026, 11, 27)).await,
        ["yesterday: 2 beers and a burger"]
    );
    assert!(chat.day_texts(date(2026, 11, 28)).await.is_empty());
}

#[tokio::test]
async fn a_late_snack_belongs_to_the_evening_before() {
    let mut chat = Chat::in_zone(ALICE, "Europe/Berlin").await;
    // 03:30 in Berlin on Sunday the 29th: still Saturday's diary day (cutoff 04:00).
    chat.say(utc(2026, 11, 29, 2, 30), "crisps").await;
    // 04:10: Sunday.
    chat.say(utc(2026, 11, 29, 3, 10), "oats").await;
    assert_eq!(chat.day_texts(date(2026, 11, 28)).await, ["crisps"]);
    assert_eq!(chat.day_texts(date(2026, 11, 29)).await, ["oats"]);
}

#[tokio::test]
async fn clock_changes_keep_days_whole() {
    // Berlin falls back on 25 Oct 2026 at 03:00 CEST; New York on 1 Nov 2026 at 02:00 EDT.
    let mut berlin = Chat::in_zone(ALICE, "Europe/Berlin").await;
    // 02:30 CET on the 25th (after the change) is before the cutoff: the 24th.
    berlin.say(utc(2026, 10, 25, 1, 30), "kimchi").await;
    // 04:30 CET: the 25th.
    berlin.say(utc(2026, 10, 25, 3, 30), "kefir").await;
    assert_eq!(berlin.day_texts(date(2026, 10, 24)).await, ["kimchi"]);
    assert_eq!(berlin.day_texts(date(2026, 10, 25)).await, ["kefir"]);

    let mut new_york = Chat::in_zone(BOB, "America/New_York").await;
    // 03:59 EST on 1 Nov (08:59 UTC) is before the cutoff; 04:00 EST (09:00 UTC) is not.
    new_york.say(utc(2026, 11, 1, 8, 59), "beer").await;
    new_york.say(utc(2026, 11, 1, 9, 0), "oats").await;
    assert_eq!(new_york.day_texts(date(2026, 10, 31)).await, ["beer"]);
    assert_eq!(new_york.day_texts(date(2026, 11, 1)).await, ["oats"]);
}

#[tokio::test]
async fn a_person_who_changes_zone_keeps_their_days() {
    let mut chat = Chat::in_zone(ALICE, "Europe/Berlin").await;
    // 07:00 in Berlin on the 28th.
    chat.say(utc(2026, 11, 28, 6, 0), "oats").await;
    let reply = chat
        .say(utc(2026, 11, 28, 6, 5), "/tz America/New_York")
        .await;
    assert!(
        reply.contains("America/New_York") && reply.contains("01:05"),
        "{reply}"
    );
    // 01:10 in New York is still the 27th there: a new meal goes to the 27th ...
    chat.say(utc(2026, 11, 28, 6, 10), "kefir").await;
    assert_eq!(chat.day_texts(date(2026, 11, 27)).await, ["kefir"]);
    // ... and the meal logged in Berlin keeps the day it was logged for.
    assert_eq!(chat.day_texts(date(2026, 11, 28)).await, ["oats"]);
    let settings = chat
        .store()
        .user(ALICE)
        .await
        .expect("read")
        .expect("known");
    assert_eq!(settings.zone, "America/New_York");
}

#[tokio::test]
async fn the_same_message_twice_is_one_entry() {
    let chat = Chat::in_zone(ALICE, "UTC").await;
    let now = utc(2026, 11, 28, 12, 0);
    let message = Input::Text {
        message_id: 77,
        text: "salmon and rice".into(),
    };
    let first = chat.input(now, message.clone()).await;
    let second = chat.input(now, message).await;
    assert!(first.replies[0].text.contains("Logged:"));
    assert!(
        second.replies[0].text.contains("Already logged:"),
        "{second:?}"
    );
    assert_eq!(
        only_button(&first.replies[0]),
        only_button(&second.replies[0])
    );
    assert_eq!(chat.entry_count().await, 1);
}

#[tokio::test]
async fn an_edit_reparses_its_entry() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 12, 0);
    let (id, _) = chat.send(at, "oats").await;
    let edited = chat
        .input(
            at,
            Input::Edited {
                message_id: id,
                text: "oats and a pint of beer".into(),
            },
        )
        .await;
    assert!(edited.replies[0]
        .text
        .contains("Updated for Sat 28 Nov:</b> oats, beer"));
    let day = chat
        .store()
        .day(ALICE, date(2026, 11, 28))
        .await
        .expect("day");
    assert_eq!(day.len(), 1);
    assert!(day[0].entry.categories().contains(Category::Alcohol));

    // An edit with no food changes nothing.
    let blank = chat
        .input(
            at,
            Input::Edited {
                message_id: id,
                text: "hmm".into(),
            },
        )
        .await;
    assert!(blank.replies[0].text.contains("changed nothing"));
    assert_eq!(
        chat.day_texts(date(2026, 11, 28)).await,
        ["oats and a pint of beer"]
    );

    // An undone meal is not brought back by editing it.
    chat.say(at, "/undo").await;
    let after_undo = chat
        .input(
            at,
            Input::Edited {
                message_id: id,
                text: "oats and kefir".into(),
            },
        )
        .await;
    assert!(
        after_undo.replies[0].text.contains("undone"),
        "{after_undo:?}"
    );
    assert_eq!(chat.entry_count().await, 0);

    // A message that had no food becomes an entry when edited into a meal.
    let (typo, _) = chat.send(at, "ots").await;
    let fixed = chat
        .input(
            at,
            Input::Edited {
                message_id: typo,
                text: "oats".into(),
            },
        )
        .await;
    assert!(fixed.replies[0].text.contains("Logged:"), "{fixed:?}");
    assert_eq!(chat.entry_count().await, 1);
}

#[tokio::test]
async fn text_without_food_gets_examples_and_stores_nothing() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 12, 0);
    for text in ["went for a run", "🙂", "asdfgh", "no sugar today"] {
        let reply = chat.say(at, text).await;
        assert!(
            reply.contains("stored nothing") || reply.contains("for example"),
            "{text}: {reply}"
        );
    }
    assert_eq!(chat.entry_count().await, 0);
}

#[tokio::test]
async fn questions_are_answered_and_never_logged() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 12, 0);
    let answer = chat.say(at, "does sugar cause acne?").await;
    assert!(answer.contains("Sources:"), "{answer}");
    let (_, unknown) = chat.send(at, "is pizza better than pasta?").await;
    assert!(unknown.text.contains("can't answer"), "{}", unknown.text);
    assert!(unknown.button_data().all(|d| d.starts_with("faq:")));
    let topic = chat.press(at, "faq:fermented").await;
    assert!(topic.replies[0].text.contains("Sources:"));
    assert_eq!(chat.entry_count().await, 0);
}

#[tokio::test]
async fn peoples_markup_arrives_escaped() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 12, 0);
    let logged = chat.say(at, "<b>pizza</b> & chips _*[]").await;
    assert!(logged.contains("Logged:"), "{logged}");
    let history = chat.say(at, "/history").await;
    assert!(
        history.contains("&lt;b&gt;pizza&lt;/b&gt; &amp; chips _*[]"),
        "{history}"
    );
    let odd_zone = chat.say(at, "/tz <script>&").await;
    assert!(odd_zone.contains("&lt;script&gt;&amp;"), "{odd_zone}");
}

#[tokio::test]
async fn forged_buttons_change_nothing() {
    let alice = Chat::in_zone(ALICE, "UTC").await;
    let mut bob = alice.as_user(BOB);
    let at = utc(2026, 11, 28, 12, 0);
    bob.say(at, "/tz UTC").await;
    let (_, bobs_meal) = bob.send(at, "kimchi").await;
    let bobs_undo = only_button(&bobs_meal);

    let expired = Some("That button has expired.");
    for data in [
        bobs_undo.clone(),
        bobs_undo.replace("undo:", "del:"),
        "skin:2026-11-29:4".into(), // tomorrow
        "skin:2026-11-20:4".into(), // eight days back
        "skin:2026-02-30:4".into(),
        "skin:2026-11-28:9".into(),
        "faq:not_a_topic".into(),
        "try:fiber".into(),
        "garbage".into(),
        "".into(),
        "x".repeat(300),
    ] {
        let outcome = alice.press(at, &data).await;
        assert_eq!(outcome.notice.as_deref(), expired, "{data}");
        assert!(
            outcome.edit.is_none() && outcome.replies.is_empty(),
            "{data}"
        );
    }
    assert_eq!(bob.entry_count().await, 1, "Bob's meal is still there");
    assert!(alice
        .store()
        .ratings(ALICE, date(2026, 11, 1), date(2026, 11, 30))
        .await
        .expect("ratings")
        .is_empty());
    // Bob's own button still works.
    assert_eq!(
        bob.press(at, &bobs_undo).await.notice.as_deref(),
        Some("Undone")
    );
}

#[tokio::test]
async fn skin_ratings_for_today_and_yesterday() {
    let mut chat = Chat::in_zone(ALICE, "Europe/Berlin").await;
    let at = utc(2026, 11, 28, 19, 0);
    let outcome = chat
        .input(
            at,
            Input::Text {
                message_id: 1,
                text: "/skin".into(),
            },
        )
        .await;
    assert_eq!(outcome.replies.len(), 2, "today and the unrated yesterday");
    let today: Vec<&str> = outcome.replies[0].button_data().collect();
    assert_eq!(today.len(), 5);
    assert_eq!(today[3], "skin:2026-11-28:4");
    let yesterday: Vec<&str> = outcome.replies[1].button_data().collect();
    assert_eq!(yesterday[1], "skin:2026-11-27:2");

    let pressed = chat.press(at, today[3]).await;
    assert_eq!(pressed.notice.as_deref(), Some("Saved: 4/5"));
    let edit = pressed.edit.expect("the rating message changes");
    assert!(edit.text.contains("4/5"));
    assert!(edit.buttons[0][3].label.contains('✅'));
    chat.press(at, yesterday[1]).await;
    chat.say(at, "skin 5").await; // changes today's rating
    let ratings = chat
        .store()
        .ratings(ALICE, date(2026, 11, 27), date(2026, 11, 28))
        .await
        .expect("ratings");
    let pairs: Vec<(NaiveDate, u8)> = ratings.iter().map(|r| (r.day(), r.rating())).collect();
    assert_eq!(pairs, [(date(2026, 11, 27), 2), (date(2026, 11, 28), 5)]);

    // With yesterday rated, /skin asks about today only.
    let again = chat
        .input(
            at,
            Input::Text {
                message_id: 2,
                text: "/skin".into(),
            },
        )
        .await;
    assert_eq!(again.replies.len(), 1);
    assert!(again.replies[0].text.contains("5/5"));
}

#[tokio::test]
async fn forget_asks_first_then_deletes_everything() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 12, 0);
    chat.say(at, "oats and kefir").await;
    chat.say(at, "skin 3").await;
    let (_, question) = chat.send(at, "/forget").await;
    let buttons: Vec<&str> = question.button_data().collect();
    assert_eq!(buttons, ["forget:yes", "forget:no"]);

    let kept = chat.press(at, "forget:no").await;
    assert!(kept.edit.expect("edit").text.contains("Nothing deleted"));
    assert_eq!(chat.entry_count().await, 1);

    let gone = chat.press(at, "forget:yes").await;
    assert!(gone.edit.expect("edit").text.contains("deleted everything"));
    let export = chat.store().export_user(ALICE).await.expect("export");
    assert!(export.settings.is_none() && export.entries.is_empty() && export.ratings.is_empty());
}

#[tokio::test]
async fn export_is_a_csv_of_meals_and_ratings() {
    let mut chat = Chat::in_zone(ALICE, "Europe/Berlin").await;
    let at = utc(2026, 11, 28, 12, 0);
    chat.say(at, "=SUM(A1), oats, \"kefir\"").await;
    chat.say(at, "skin 4").await;
    let (_, reply) = chat.send(at, "/export").await;
    let Some(Attachment::Document { file_name, bytes }) = reply.attachment else {
        panic!("a CSV file: {reply:?}");
    };
    assert!(file_name.ends_with(".csv"));
    let csv = String::from_utf8(bytes).expect("utf-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "record,diary_day,local_time,text,foods,categories,fibre_g,skin_rating"
    );
    assert!(
        lines[1].starts_with(
            "meal,2026-11-28,2026-11-28 13:00:00,\"'=SUM(A1), oats, \"\"kefir\"\"\",oats; kefir,"
        ),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("skin,2026-11-28,") && lines[2].ends_with(",4"));
    assert!(reply.text.contains("1 meal, 1 skin rating"));
}

#[tokio::test]
async fn bad_input_gets_a_friendly_reply_and_loses_nothing() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 12, 0);
    chat.say(at, "oats").await;
    let huge = "oats ".repeat(20_000);
    let binary = String::from_utf8_lossy(&[0, 159, 146, 150, 255, 1, 2]).to_string();
    for text in [
        "",
        "   \n\t ",
        huge.as_str(),
        binary.as_str(),
        "🙂🙃😎",
        "\u{202e}\u{200f}שלום",
        "*_[]()~`>#+-=|{}.!",
        "/",
        "/nonsense",
        "/tz Atlantis",
        "/digest 25:00",
        "yesterday:",
    ] {
        let reply = chat.say(at, text).await;
        assert!(!reply.is_empty(), "{text:?}");
    }
    for kind in [
        NonText::Photo,
        NonText::Sticker,
        NonText::Voice,
        NonText::Other,
    ] {
        let outcome = chat.input(at, Input::NonText(kind)).await;
        assert!(outcome.replies[0].text.contains("Type what you ate"));
    }
    assert_eq!(chat.day_texts(date(2026, 11, 28)).await, ["oats"]);
    let settings = chat
        .store()
        .user(ALICE)
        .await
        .expect("read")
        .expect("known");
    assert_eq!(settings.zone, "UTC");
}

#[tokio::test]
async fn one_tip_when_a_harmful_group_first_appears() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 12, 0);
    let first = chat.say(at, "oats").await;
    assert!(!first.contains("💡"));
    let beer = chat.say(at, "a pint of beer").await;
    assert_eq!(beer.matches("💡").count(), 1, "{beer}");
    let more = chat.say(at, "another beer").await;
    assert!(!more.contains("💡"), "{more}");
}

#[tokio::test]
async fn settings_and_digest_time() {
    let mut chat = Chat::in_zone(ALICE, "Asia/Kolkata").await;
    let at = utc(2026, 11, 28, 12, 0);
    assert!(chat.say(at, "/digest 07:30").await.contains("07:30"));
    let settings = chat.say(at, "/settings").await;
    assert!(
        settings.contains("Asia/Kolkata") && settings.contains("07:30"),
        "{settings}"
    );
    assert!(chat.say(at, "/digest off").await.contains("no more"));
    let stored = chat
        .store()
        .user(ALICE)
        .await
        .expect("read")
        .expect("known");
    assert_eq!(stored.digest_at, None);
    assert!(chat
        .say(at, "/digest 9pm")
        .await
        .contains("didn't understand"));
    let offset = chat.say(at, "/tz UTC+5:30").await;
    assert!(offset.contains("Time zone set"), "{offset}");
}

#[tokio::test]
async fn the_week_and_history() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let monday = utc(2026, 11, 23, 12, 0);
    for (day, meal) in [
        (0, "oats and blueberries"),
        (1, "lentils"),
        (2, "burger and fries"),
    ] {
        let at = monday
            .checked_add_days(Days::new(day))
            .expect("a later day");
        chat.say(at, meal).await;
    }
    let wednesday = utc(2026, 11, 25, 13, 0);
    chat.say(wednesday, "skin 2").await;
    let week = chat.say(wednesday, "/week").await;
    assert!(week.contains("Mon 23 Nov to Sun 29 Nov"), "{week}");
    assert!(week.contains("skin 2/5"));
    assert!(week.contains("Plants this week: 3/30"), "{week}");
    assert!(
        !week.contains("Thu 26"),
        "days still to come are left out: {week}"
    );

    let (_, history) = chat.send(wednesday, "/history").await;
    let delete = only_button(&history);
    assert!(delete.starts_with("del:"));
    let pressed = chat.press(wednesday, &delete).await;
    assert_eq!(pressed.notice.as_deref(), Some("Deleted"));
    assert!(pressed
        .edit
        .expect("edit")
        .text
        .contains("Nothing logged today"));
    assert!(chat.day_texts(date(2026, 11, 25)).await.is_empty());
}

#[tokio::test]
async fn the_chart_is_a_picture_of_thirty_days() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 12, 0);
    chat.say(at, "oats and kefir").await;
    chat.say(at, "skin 4").await;
    let (_, reply) = chat.send(at, "/chart").await;
    let Some(Attachment::Photo { file_name, bytes }) = reply.attachment else {
        panic!("a picture: {reply:?}");
    };
    assert!(file_name.ends_with(".png"));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(
        reply.text.contains("1 day logged, 1 rated"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn insights_say_what_is_missing_then_find_a_pattern() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let start = utc(2026, 10, 1, 12, 0);
    let early = chat.say(start, "/insights").await;
    assert!(early.contains("rate your skin on"), "{early}");

    // Six weeks: beer every third day, and the skin the day after a beer is worse.
    for day in 0..42u64 {
        let at = start.checked_add_days(Days::new(day)).expect("day");
        let meal = if day % 3 == 0 {
            "oats and a pint of beer"
        } else {
            "oats and kefir"
        };
        chat.say(at, meal).await;
        let rating = if day % 3 == 1 {
            2
        } else {
            4 + (day % 2) as u8 % 2
        };
        chat.say(at, &format!("skin {rating}")).await;
    }
    let at = start.checked_add_days(Days::new(41)).expect("day");
    let (_, reply) = chat.send(at, "/insights").await;
    assert!(
        reply
            .text
            .contains("On days after alcohol your skin rating averaged"),
        "{}",
        reply.text
    );
    assert!(reply.text.contains("lower"));
    assert!(
        reply.text.contains("try two weeks without alcohol"),
        "{}",
        reply.text
    );
}

// ----- the two-week experiment -----

/// A fixed-seed generator (Knuth's MMIX constants), so a planted diary is the same on every
/// run and every machine.
struct Seeded(u64);

impl Seeded {
    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn noon(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(12, 0, 0).expect("noon").and_utc()
}

fn label(day: NaiveDate) -> String {
    day.format("%a %-d %b").to_string()
}

fn after(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).expect("a later day")
}

/// Logs `meal` at noon of `day`, and rates the day with its skin button in the evening.
async fn keep_day(chat: &mut Chat, day: NaiveDate, meal: &str, rating: Option<u8>) {
    let logged = chat.say(noon(day), meal).await;
    assert!(logged.contains("Logged:"), "{meal}: {logged}");
    if let Some(rating) = rating {
        let evening = day.and_hms_opt(20, 0, 0).expect("evening").and_utc();
        let data = format!("skin:{}:{rating}", day.format("%Y-%m-%d"));
        let pressed = chat.press(evening, &data).await;
        assert_eq!(
            pressed.notice.as_deref(),
            Some(format!("Saved: {rating}/5").as_str())
        );
    }
}

/// The first day of the planted diary, and the day after its six weeks.
const DIARY_START: (i32, u32, u32) = (2026, 10, 1);
const DIARY_DAYS: u64 = 42;

fn diary_start() -> NaiveDate {
    date(DIARY_START.0, DIARY_START.1, DIARY_START.2)
}

/// Six weeks with wine on about a third of the days (chosen by a fixed seed), and the skin
/// two points worse the day after wine, give or take one. Returns the ratings given.
async fn six_weeks_with_wine(chat: &mut Chat) -> BTreeMap<NaiveDate, u8> {
    let mut seeded = Seeded(7);
    let mut ratings = BTreeMap::new();
    let mut wine_yesterday = false;
    for offset in 0..DIARY_DAYS {
        let day = after(diary_start(), offset);
        let wine = seeded.below(3) == 0;
        let meal = if wine {
            "oats, kefir and two glasses of wine"
        } else {
            "oats and kefir"
        };
        let noise = seeded.below(3) as u8; // 0, 1 or 2
        let rating = if wine_yesterday { 1 + noise } else { 3 + noise };
        keep_day(chat, day, meal, Some(rating)).await;
        ratings.insert(day, rating);
        wine_yesterday = wine;
    }
    ratings
}

fn mean(ratings: &BTreeMap<NaiveDate, u8>, from: NaiveDate, through: NaiveDate) -> (f64, usize) {
    let days: Vec<f64> = ratings
        .range(from..=through)
        .map(|(_, r)| f64::from(*r))
        .collect();
    (days.iter().sum::<f64>() / days.len() as f64, days.len())
}

async fn stored_experiment(chat: &Chat) -> Option<(Category, NaiveDate)> {
    chat.store()
        .user(chat.user)
        .await
        .expect("read settings")
        .expect("known")
        .experiment
        .map(|e| (e.category, e.started))
}

#[tokio::test]
async fn a_two_week_experiment_from_offer_to_comparison() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let mut ratings = six_weeks_with_wine(&mut chat).await;
    let start = after(diary_start(), DIARY_DAYS); // Thu 12 Nov
    assert_eq!(start, date(2026, 11, 12));

    // /insights finds the wine and offers the experiment.
    let (_, offer) = chat.send(noon(start), "/insights").await;
    assert!(
        offer
            .text
            .contains("On days after alcohol your skin rating averaged"),
        "{}",
        offer.text
    );
    assert!(offer.text.contains("try two weeks without alcohol"));
    assert_eq!(only_button(&offer), "try:alcohol");
    assert_eq!(offer.buttons[0][0].label, "Try two weeks without alcohol");

    // Forged, stale or garbled experiment buttons are refused and change nothing.
    let before = chat.store().user(ALICE).await.expect("read");
    for data in [
        "try:sugar",
        "try:fiber",
        "try:stop",
        "try:wine",
        "try:Alcohol",
        "try:alcohol:now",
        "try:",
    ] {
        let outcome = chat.press(noon(start), data).await;
        assert_eq!(
            outcome.notice.as_deref(),
            Some("That button has expired."),
            "{data}"
        );
        assert!(
            outcome.replies.is_empty() && outcome.edit.is_none(),
            "{data}"
        );
    }
    assert_eq!(chat.store().user(ALICE).await.expect("read"), before);
    assert_eq!(stored_experiment(&chat).await, None);

    // The real button starts it today and says when the comparison comes.
    let started = chat.press(noon(start), "try:alcohol").await;
    assert_eq!(started.notice.as_deref(), Some("Started"));
    let text = &started.replies[0].text;
    assert!(
        text.contains("Your two weeks without alcohol start today, Thu 12 Nov."),
        "{text}"
    );
    assert!(
        text.contains("Until Wed 25 Nov, leave out alcohol"),
        "{text}"
    );
    assert!(
        text.contains("On Thu 26 Nov, /insights compares your skin"),
        "{text}"
    );
    assert!(
        text.contains("the 14 days before, of which 14 are rated"),
        "{text}"
    );
    assert_eq!(
        stored_experiment(&chat).await,
        Some((Category::Alcohol, start))
    );

    // Pressing it again, or another category's, changes nothing and says so.
    let running = chat.store().user(ALICE).await.expect("read");
    for data in ["try:alcohol", "try:sugar"] {
        let again = chat.press(noon(start), data).await;
        assert_eq!(
            again.notice.as_deref(),
            Some("Your two weeks without alcohol are already running (day 1 of 14), so I changed nothing."),
            "{data}"
        );
        assert!(again.replies.is_empty());
    }
    assert_eq!(chat.store().user(ALICE).await.expect("read"), running);

    let settings = chat.say(noon(start), "/settings").await;
    assert!(
        settings.contains(
            "Experiment: two weeks without alcohol, day 1 of 14 (comparison on Thu 26 Nov)"
        ),
        "{settings}"
    );

    // Fourteen days: wine twice anyway, better skin, two days left unrated.
    let mut seeded = Seeded(11);
    let wine_days = [2u64, 8];
    let unrated = [5u64, 10];
    for offset in 0..14u64 {
        let day = after(start, offset);
        let meal = if wine_days.contains(&offset) {
            "a glass of wine and crisps"
        } else {
            "porridge with blueberries"
        };
        let rating = if unrated.contains(&offset) {
            None
        } else if wine_days.contains(&(offset.wrapping_sub(1))) {
            Some(3)
        } else {
            Some(4 + seeded.below(2) as u8)
        };
        keep_day(&mut chat, day, meal, rating).await;
        if let Some(rating) = rating {
            ratings.insert(day, rating);
        }
        if offset == 4 {
            // Day 5: progress so far, with a way out.
            let (_, progress) = chat.send(noon(day), "/insights").await;
            let text = &progress.text;
            assert!(
                text.contains("<b>Two weeks without alcohol: day 5 of 14</b>"),
                "{text}"
            );
            assert!(
                text.contains("Started Thu 12 Nov; the comparison comes on Thu 26 Nov."),
                "{text}"
            );
            assert!(
                text.contains("You logged alcohol on 1 of the 5 days with meals so far."),
                "{text}"
            );
            assert!(
                text.contains("Skin rated on 5 of the 5 days so far, and on 14 of the 14 days before it started."),
                "{text}"
            );
            assert_eq!(only_button(&progress), "try:stop");
            assert_eq!(
                stored_experiment(&chat).await,
                Some((Category::Alcohol, start))
            );
        }
    }
    let last = after(start, 13);
    let (_, day_14) = chat.send(noon(last), "/insights").await;
    assert!(day_14.text.contains("day 14 of 14"), "{}", day_14.text);
    assert!(
        day_14
            .text
            .contains("Skin rated on 12 of the 14 days so far"),
        "{}",
        day_14.text
    );
    assert!(stored_experiment(&chat).await.is_some());

    // The day after: before against during, and the experiment ends.
    let result_day = after(start, 14);
    let (before_mean, before_days) = mean(
        &ratings,
        after(start, 0) - Days::new(14),
        last - Days::new(14),
    );
    let (during_mean, during_days) = mean(&ratings, start, last);
    assert_eq!((before_days, during_days), (14, 12));
    assert!(
        during_mean > before_mean + 0.3,
        "{before_mean} {during_mean}"
    );
    let (_, result) = chat.send(noon(result_day), "/insights").await;
    let text = &result.text;
    assert!(
        text.contains("<b>Your two weeks without alcohol: before and during</b>"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Skin in the 14 days before (Thu 29 Oct to Wed 11 Nov): average {before_mean:.1} over 14 rated days."
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Skin during (Thu 12 Nov to Wed 25 Nov): average {during_mean:.1} over 12 rated days."
        )),
        "{text}"
    );
    assert!(
        text.contains("You logged alcohol on 2 of the 14 days with meals during it."),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "During the two weeks your skin rating averaged <b>{:.1} higher than before</b>.",
            during_mean - before_mean
        )),
        "{text}"
    );
    assert!(text.contains("a hint, not proof"), "{text}");
    assert!(result.buttons.is_empty());
    assert_eq!(stored_experiment(&chat).await, None);
    assert_eq!(label(result_day), "Thu 26 Nov");

    // Over: /insights is back to the patterns, /settings shows no experiment.
    let (_, next) = chat.send(noon(result_day), "/insights").await;
    assert!(
        next.text.starts_with("<b>Food and skin patterns</b>") && !next.text.contains("day 1"),
        "{}",
        next.text
    );
    assert_eq!(only_button(&next), "try:alcohol", "a new one can start");
    assert!(!chat
        .say(noon(result_day), "/settings")
        .await
        .contains("Experiment"));
}

#[tokio::test]
async fn an_experiment_can_stop_early_and_a_thin_one_says_so() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    six_weeks_with_wine(&mut chat).await;
    let start = after(diary_start(), DIARY_DAYS);

    // Stopped on day 3: cleared, and the stop button is then stale.
    chat.say(noon(start), "/insights").await;
    assert_eq!(
        chat.press(noon(start), "try:alcohol")
            .await
            .notice
            .as_deref(),
        Some("Started")
    );
    let day_3 = after(start, 2);
    let stopped = chat.press(noon(day_3), "try:stop").await;
    assert_eq!(stopped.notice.as_deref(), Some("Stopped"));
    assert!(
        stopped.replies[0]
            .text
            .contains("Stopped your two weeks without alcohol on day 3 of 14."),
        "{stopped:?}"
    );
    assert_eq!(stored_experiment(&chat).await, None);
    assert_eq!(
        chat.press(noon(day_3), "try:stop").await.notice.as_deref(),
        Some("That button has expired.")
    );

    // Started again, then two weeks with meals but no ratings: too few to compare.
    let (_, offer) = chat.send(noon(day_3), "/insights").await;
    assert_eq!(only_button(&offer), "try:alcohol");
    chat.press(noon(day_3), "try:alcohol").await;
    for offset in 0..14 {
        keep_day(&mut chat, after(day_3, offset), "oats and kefir", None).await;
    }
    // A rating for the last day, given the next morning through the digest's button.
    let result_day = after(day_3, 14);
    let data = format!("skin:{}:5", after(day_3, 13).format("%Y-%m-%d"));
    chat.press(noon(result_day), &data).await;
    let (_, result) = chat.send(noon(result_day), "/insights").await;
    let text = &result.text;
    assert!(text.contains("average 5.0 over 1 rated day."), "{text}");
    assert!(
        text.contains("You logged alcohol on 0 of the 14 days with meals during it."),
        "{text}"
    );
    assert!(
        text.contains("Too few rated days to compare: I need at least 7 in each two weeks, and have 12 before and 1 during."),
        "{text}"
    );
    assert!(!text.contains("higher than before") && !text.contains("lower than before"));
    assert_eq!(stored_experiment(&chat).await, None);
}

/// What a step of [`kept_weeks_answer_as_reading_the_store_does`] does.
enum Step {
    Say(&'static str),
    /// The same message again, as a redelivered update.
    Again,
    /// Edit the message of the step this many steps back.
    Edit(usize, &'static str),
    /// Press the first button of the last reply whose data starts with this.
    Press(&'static str),
    /// The next step happens on another day: this many days and hours after the start.
    At(u64, u32),
}

/// The engine keeps the weeks of people logging now, so the reply to a meal adds the meal to
/// its week instead of reading it (`Engine::with_week_cache`). Whatever happens in between
/// (edits, undos, deletes from /history, "yesterday:", a redelivered message, a new week,
/// /forget), every answer must be the one an engine that reads every week from the store
/// gives.
#[tokio::test]
async fn kept_weeks_answer_as_reading_the_store_does() {
    use Step::*;
    let mut kept = Chat::in_zone(ALICE, "Europe/Berlin").await;
    let mut read = Chat::in_zone(ALICE, "Europe/Berlin").await;
    read.engine = read.engine.clone().with_week_cache(0);
    let steps = [
        At(0, 7),
        Say("porridge with blueberries and kefir"),
        At(0, 12),
        Say("2 beers and a burger"),
        Say("salmon, brown rice and broccoli"),
        Edit(2, "a burger and a side salad"),
        Say("apple and walnuts"),
        Press("undo:"),
        Say("apple and pear"),
        Again,
        At(1, 8),
        Say("yesterday: 85% dark chocolate and green tea"),
        Say("oats with kefir and a banana"),
        Say("/history"),
        Press("del:"),
        Say("lentil soup with sourdough"),
        Say("/today"),
        Say("/undo"),
        Say("lentil soup with sourdough and a coke"),
        At(6, 20),
        Say("pizza and a glass of red wine"),
        Say("sauerkraut, onions and leeks"),
        At(7, 7),
        Say("oats and blueberries"),
        Say("yesterday: walnuts"),
        Say("sugary cereal"),
        Say("/forget"),
        Press("forget:yes"),
        Say("kimchi fried rice and an apple"),
        Say("/tz Asia/Tokyo"),
        Say("miso soup and green tea"),
    ];
    let start = utc(2026, 11, 23, 0, 0);
    let mut at = start;
    let mut sent: Vec<i64> = Vec::new();
    let mut last_reply = Reply::default();
    for (number, step) in steps.iter().enumerate() {
        let input = match *step {
            At(days, hours) => {
                at = start
                    + chrono::TimeDelta::days(days as i64)
                    + chrono::TimeDelta::hours(hours.into());
                continue;
            }
            Say(text) => {
                // Messages a minute apart, as people send them (meals logged in the same
                // second as the one before are read afresh, and would test nothing here).
                at += chrono::TimeDelta::minutes(1);
                kept.next_message += 1;
                read.next_message = kept.next_message;
                sent.push(kept.next_message);
                Input::Text {
                    message_id: kept.next_message,
                    text: text.to_string(),
                }
            }
            Again => Input::Text {
                message_id: *sent.last().expect("a message before"),
                text: "apple and pear".to_string(),
            },
            Edit(back, text) => Input::Edited {
                message_id: sent[sent.len() - back],
                text: text.to_string(),
            },
            Press(prefix) => Input::Button {
                data: last_reply
                    .button_data()
                    .find(|data| data.starts_with(prefix))
                    .unwrap_or_else(|| panic!("step {number}: no {prefix} button"))
                    .to_string(),
            },
        };
        let from_kept = kept.input(at, input.clone()).await;
        let from_read = read.input(at, input).await;
        assert_eq!(from_kept, from_read, "step {number}");
        if let Some(reply) = from_kept.replies.into_iter().last() {
            last_reply = reply;
        }
    }
    // The last meal's reply came from the kept week, and it counts the day as it is.
    assert!(last_reply.text.contains("Logged"), "{}", last_reply.text);
}

/// Today's ratings, oldest first, as (day, rating).
async fn ratings_of(chat: &Chat, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, u8)> {
    chat.store()
        .ratings(chat.user, from, to)
        .await
        .expect("ratings")
        .iter()
        .map(|r| (r.day(), r.rating()))
        .collect()
}

#[tokio::test]
async fn skin_in_words_rates_today_with_buttons_to_change_it() {
    let mut chat = Chat::in_zone(ALICE, "Europe/Berlin").await;
    let at = utc(2026, 11, 28, 19, 0);
    let today = date(2026, 11, 28);
    for (text, expected, words) in [
        ("skin great", 5, Some("great")),
        ("skin is good today", 4, Some("good")),
        ("my skin is really bad today", 1, Some("really bad")),
        ("face is clear today", 4, Some("clear")),
        ("skin's a bit meh", 3, Some("a bit meh")),
        ("bad skin day", 2, Some("bad")),
        ("breakout today", 2, Some("breakout")),
        ("skin not great", 2, Some("not great")),
        ("skin 4/5", 4, None),
        ("skin 4", 4, None),
    ] {
        let (_, reply) = chat.send(at, text).await;
        assert!(
            reply.text.contains(&format!(
                "your skin today (Sat 28 Nov) is <b>{expected}/5</b>"
            )),
            "{text}: {}",
            reply.text
        );
        match words {
            Some(words) => assert!(
                reply
                    .text
                    .contains(&format!("I read “{words}” as {expected}")),
                "{text}: {}",
                reply.text
            ),
            None => assert!(!reply.text.contains("I read"), "{}", reply.text),
        }
        let buttons: Vec<&str> = reply.button_data().collect();
        assert_eq!(buttons.len(), 5, "{text}");
        assert_eq!(buttons[0], "skin:2026-11-28:1");
        let ticked = &reply.buttons[0][usize::from(expected) - 1];
        assert!(ticked.label.contains('✅'), "{text}: {reply:?}");
        assert_eq!(
            ratings_of(&chat, today, today).await.last(),
            Some(&(today, expected)),
            "{text}"
        );
    }
    // The buttons change it, as those of /skin do.
    let (_, reply) = chat.send(at, "skin is amazing").await;
    let three = reply.button_data().nth(2).expect("a button").to_string();
    let pressed = chat.press(at, &three).await;
    assert_eq!(pressed.notice.as_deref(), Some("Saved: 3/5"));
    assert_eq!(
        ratings_of(&chat, today, today).await.last(),
        Some(&(today, 3))
    );
    assert_eq!(chat.entry_count().await, 0, "no rating became a meal");
}

#[tokio::test]
async fn skin_numbers_that_are_no_rating_show_the_buttons_and_save_nothing() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 19, 0);
    let today = date(2026, 11, 28);
    let (_, unclear) = chat.send(at, "skin 3.5").await;
    assert!(
        unclear
            .text
            .contains("whole numbers from 1 (bad) to 5 (great)"),
        "{}",
        unclear.text
    );
    assert!(unclear.text.contains("saved nothing"));
    let buttons: Vec<&str> = unclear.button_data().collect();
    assert_eq!(buttons.len(), 5);
    assert_eq!(buttons[3], "skin:2026-11-28:4");
    for text in ["skin 6", "skin 0"] {
        let (_, reply) = chat.send(at, text).await;
        assert!(
            reply
                .text
                .contains("Skin ratings go from 1 (bad) to 5 (great)"),
            "{text}: {}",
            reply.text
        );
        assert_eq!(reply.button_data().count(), 5, "{text}");
    }
    assert!(ratings_of(&chat, today, today).await.is_empty());
    // With a rating saved, the buttons show it.
    chat.say(at, "skin 2").await;
    let (_, again) = chat.send(at, "skin 2.5").await;
    assert!(again.buttons[0][1].label.contains('✅'), "{again:?}");
    assert_eq!(ratings_of(&chat, today, today).await, [(today, 2)]);
}

#[tokio::test]
async fn meals_and_questions_about_skin_stay_what_they_are() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 11, 28, 12, 0);
    for question in ["is sugar bad for my skin?", "does dairy affect skin"] {
        let reply = chat.say(at, question).await;
        assert!(
            reply.contains("Sources:") || reply.contains("can't answer"),
            "{question}: {reply}"
        );
        assert!(!reply.contains("Saved"), "{question}: {reply}");
    }
    for meal in [
        "skinny latte and a muffin",
        "salmon skin and rice",
        "chicken skin",
    ] {
        let reply = chat.say(at, meal).await;
        assert!(reply.contains("Logged:"), "{meal}: {reply}");
    }
    assert_eq!(chat.entry_count().await, 3);
    let today = date(2026, 11, 28);
    assert!(ratings_of(&chat, today, today).await.is_empty());
}

/// The person's stored zone and its label.
async fn stored_zone(chat: &Chat) -> Option<(String, Option<String>)> {
    chat.store()
        .user(chat.user)
        .await
        .expect("read")
        .map(|settings| (settings.zone, settings.zone_label))
}

#[tokio::test]
async fn the_zone_question_is_answered_in_a_sentence() {
    let now = utc(2026, 11, 28, 7, 15);
    for (text, zone, label) in [
        ("I'm in Paris", "Europe/Paris", None),
        ("Tokyo please", "Asia/Tokyo", None),
        ("im in new york", "America/New_York", None),
        ("London, UK", "Europe/London", None),
        ("living in Berlin atm", "Europe/Berlin", None),
        ("UTC-3", "Etc/GMT+3", Some("UTC-3")),
        ("gmt+5:30", "Asia/Kolkata", Some("GMT+5:30")),
    ] {
        let mut chat = Chat::new(ALICE);
        chat.say(now, "/start").await;
        let reply = chat.say(now, text).await;
        assert!(reply.contains("Time zone set"), "{text}: {reply}");
        assert!(
            reply.contains(&format!("<b>{}</b>", label.unwrap_or(zone))),
            "{text}: {reply}"
        );
        assert_eq!(
            stored_zone(&chat).await,
            Some((zone.to_string(), label.map(str::to_string))),
            "{text}"
        );
        assert_eq!(chat.entry_count().await, 0, "{text}");
    }

    // No place: on to the meal parser.
    let mut chat = Chat::new(ALICE);
    chat.say(now, "/start").await;
    let meal = chat.say(now, "porridge and kefir").await;
    assert!(meal.contains("Logged:"), "{meal}");
    assert!(meal.contains("counting your days in UTC"), "{meal}");
    // Logging first still leaves the zone to be told, without a question.
    let zone = chat.say(now, "I'm in Paris").await;
    assert!(
        zone.contains("Time zone set: <b>Europe/Paris</b>"),
        "{zone}"
    );
}

#[tokio::test]
async fn an_offset_is_shown_as_written() {
    let mut chat = Chat::new(ALICE);
    let now = utc(2026, 11, 28, 12, 0);
    let set = chat.say(now, "UTC-3").await;
    assert!(
        set.contains("<b>UTC-3</b> (it is Sat 09:00 there)"),
        "{set}"
    );
    assert!(set.contains("send your city instead"), "{set}");
    for command in ["/tz", "/settings", "/start", "/digest 20:00"] {
        let reply = chat.say(now, command).await;
        assert!(reply.contains("UTC-3"), "{command}: {reply}");
        assert!(!reply.contains("Etc/GMT"), "{command}: {reply}");
    }
    let (_, export) = chat.send(now, "/export").await;
    assert!(export.text.contains("Time zone UTC-3"), "{}", export.text);

    // A half-hour offset names the place whose clock it keeps.
    let fractional = chat.say(now, "/tz gmt+5:30").await;
    assert!(
        fractional.contains("<b>GMT+5:30</b>, the clock of Asia/Kolkata"),
        "{fractional}"
    );
    // A city clears the label.
    let city = chat.say(now, "/tz Paris").await;
    assert!(city.contains("<b>Europe/Paris</b>"), "{city}");
    assert_eq!(
        stored_zone(&chat).await,
        Some(("Europe/Paris".to_string(), None))
    );
    assert!(chat.say(now, "/tz").await.contains("Europe/Paris"));
}

#[tokio::test]
async fn a_place_named_later_is_asked_about_first() {
    let mut chat = Chat::in_zone(ALICE, "Europe/Berlin").await;
    let at = utc(2026, 11, 28, 13, 5); // 14:05 in Berlin and Rome, 22:05 in Tokyo
    let berlin = Some(("Europe/Berlin".to_string(), None));

    let (_, italy) = chat.send(at, "Italy").await;
    assert!(
        italy
            .text
            .starts_with("Set your time zone to <b>Europe/Rome</b> (it's 14:05 there)?"),
        "{}",
        italy.text
    );
    assert!(
        italy.text.contains("It is Europe/Berlin now"),
        "{}",
        italy.text
    );
    let buttons: Vec<&str> = italy.button_data().collect();
    assert_eq!(buttons.len(), 2);
    assert!(
        buttons[0].starts_with("zone:") && buttons[0].ends_with(":Europe/Rome"),
        "{buttons:?}"
    );
    assert_eq!(buttons[1], "zone:keep");
    assert_eq!(stored_zone(&chat).await, berlin, "asking changes nothing");

    let kept = chat.press(at, buttons[1]).await;
    assert_eq!(kept.notice.as_deref(), Some("Kept"));
    assert!(kept
        .edit
        .expect("edit")
        .text
        .contains("Kept your time zone: <b>Europe/Berlin</b>"));
    assert_eq!(stored_zone(&chat).await, berlin);

    // Yes sets it; the same button again, or the Italy one, is stale.
    let (_, tokyo) = chat.send(at, "Tokyo").await;
    assert!(tokyo.text.contains("(it's 22:05 there)"), "{}", tokyo.text);
    let yes = tokyo.button_data().next().expect("yes").to_string();
    let bob = chat.as_user(BOB);
    let forged = bob.press(at, &yes).await;
    assert_eq!(forged.notice.as_deref(), Some("That button has expired."));
    let pressed = chat.press(at, &yes).await;
    assert_eq!(pressed.notice.as_deref(), Some("Saved"));
    assert!(pressed
        .edit
        .expect("edit")
        .text
        .contains("Time zone set: <b>Asia/Tokyo</b>"));
    assert_eq!(
        stored_zone(&chat).await,
        Some(("Asia/Tokyo".to_string(), None))
    );
    for stale in [yes.as_str(), buttons[0]] {
        let outcome = chat.press(at, stale).await;
        assert_eq!(outcome.notice.as_deref(), Some("That button has expired."));
        assert!(outcome.edit.is_none());
    }
    assert!(bob.store().user(BOB).await.expect("read").is_none());
    let forged = buttons[0].replace("Europe/Rome", "Europe/Paris");
    for data in [
        forged.as_str(),
        "zone:zzzzzzzz:Europe/Rome",
        "zone:Europe/Rome",
    ] {
        let outcome = chat.press(at, data).await;
        assert_eq!(outcome.notice.as_deref(), Some("That button has expired."));
    }
    assert_eq!(
        stored_zone(&chat).await,
        Some(("Asia/Tokyo".to_string(), None))
    );

    // Phrased, an offset, or the zone they have.
    let lisbon = chat.say(at, "in Lisbon this week").await;
    assert!(lisbon.contains("<b>Europe/Lisbon</b>"), "{lisbon}");
    let (_, offset) = chat.send(at, "UTC-3").await;
    assert!(
        offset.text.contains("<b>UTC-3</b> (it's 10:05 there)"),
        "{}",
        offset.text
    );
    let yes = offset.button_data().next().expect("yes").to_string();
    chat.press(at, &yes).await;
    assert_eq!(
        stored_zone(&chat).await,
        Some(("Etc/GMT+3".to_string(), Some("UTC-3".to_string())))
    );
    let same = chat.say(at, "UTC-3").await;
    assert!(same.contains("already"), "{same}");

    // /tz with a place still sets it directly.
    let direct = chat.say(at, "/tz Tokyo").await;
    assert!(direct.contains("Time zone set"), "{direct}");
    assert_eq!(chat.entry_count().await, 0);
}

#[tokio::test]
async fn places_that_are_foods() {
    let at = utc(2026, 11, 28, 12, 0);
    // At the zone question: a meal that names a place is a meal; a place alone that is a
    // food too is asked about, with the way to log the food.
    let mut new = Chat::new(ALICE);
    new.say(at, "/start").await;
    let sandwich = new.say(at, "turkey sandwich").await;
    assert!(sandwich.contains("Logged:"), "{sandwich}");
    let (_, turkey) = new.send(at, "Turkey").await;
    assert!(
        turkey
            .text
            .starts_with("Set your time zone to <b>Europe/Istanbul</b>"),
        "{}",
        turkey.text
    );
    assert!(
        turkey.text.contains("“Turkey” is a food too") && turkey.text.contains("“had turkey”"),
        "{}",
        turkey.text
    );
    assert_eq!(new.entry_count().await, 1);
    let no = new.press(at, "zone:keep").await;
    assert!(no.edit.expect("edit").text.contains("Nothing changed"));
    assert!(new.say(at, "had turkey").await.contains("Logged:"));
    let yes = turkey.button_data().next().expect("yes").to_string();
    assert_eq!(new.press(at, &yes).await.notice.as_deref(), Some("Saved"));
    assert_eq!(
        stored_zone(&new).await,
        Some(("Europe/Istanbul".to_string(), None))
    );
    // In Istanbul, "Turkey" is the food.
    assert!(new.say(at, "Turkey").await.contains("Logged:"));

    // With a zone set: the food where it is food, a question for the place alone.
    let mut chat = Chat::in_zone(BOB, "Europe/Berlin").await;
    for meal in ["turkey sandwich", "Brazil nuts", "chile con carne"] {
        let reply = chat.say(at, meal).await;
        assert!(reply.contains("Logged:"), "{meal}: {reply}");
    }
    let chile = chat.say(at, "Chile").await;
    assert!(
        chile.contains("America/Santiago") && chile.contains("is a food too"),
        "{chile}"
    );
    let java = chat.say(at, "Java").await;
    assert!(!java.contains("Set your time zone"), "{java}");
    assert_eq!(
        stored_zone(&chat).await,
        Some(("Europe/Berlin".to_string(), None))
    );
}

#[tokio::test]
async fn time_words_anywhere_log_the_meal_for_that_day_and_time() {
    // London is on UTC in winter. Tuesday 1 December, 09:00.
    let mut chat = Chat::in_zone(ALICE, "Europe/London").await;
    let now = utc(2026, 12, 1, 9, 0);
    for (text, starts, day) in [
        (
            "last night: pizza and 3 beers",
            "<b>Logged for Mon 30 Nov, evening:</b> pizza, beer ×3.",
            date(2026, 11, 30),
        ),
        (
            "2 beers and a burger yesterday",
            "<b>Logged for Mon 30 Nov:</b> beer ×2, burger.",
            date(2026, 11, 30),
        ),
        (
            "for breakfast yesterday: porridge",
            "<b>Logged for Mon 30 Nov, morning:</b> porridge.",
            date(2026, 11, 30),
        ),
        (
            "on sunday: kimchi",
            "<b>Logged for Sun 29 Nov:</b> kimchi.",
            date(2026, 11, 29),
        ),
        (
            "kefir 2 days ago",
            "<b>Logged for Sun 29 Nov:</b> kefir.",
            date(2026, 11, 29),
        ),
        (
            "the day before yesterday at 19:30 salmon",
            "<b>Logged for Sun 29 Nov, 19:30:</b> salmon.",
            date(2026, 11, 29),
        ),
        (
            "monday: lentils",
            "<b>Logged for Mon 30 Nov:</b> lentils.",
            date(2026, 11, 30),
        ),
        (
            "on 24 nov: oats",
            "<b>Logged for Tue 24 Nov:</b> oats.",
            date(2026, 11, 24),
        ),
        (
            "oats at 8am",
            "<b>Logged for today, 08:00:</b> oats.",
            date(2026, 12, 1),
        ),
    ] {
        let (_, reply) = chat.send(now, text).await;
        assert!(reply.text.starts_with(starts), "{text}: {}", reply.text);
        assert!(
            chat.day_texts(day).await.contains(&text.to_string()),
            "{text} is kept as written under {day}"
        );
        if day != date(2026, 12, 1) {
            let label = day.format("%a %-d %b").to_string();
            assert!(
                reply.text.contains(&format!("\n{label} <b>")),
                "the standing is that day's: {}",
                reply.text
            );
        }
    }
    // The time is kept with the entry, and /today-style lists show it.
    let eaten: Vec<(String, Option<String>)> = chat
        .store()
        .day(ALICE, date(2026, 11, 29))
        .await
        .expect("day")
        .into_iter()
        .map(|m| {
            let time = m.entry.eaten_at.map(|t| t.format("%H:%M").to_string());
            (m.entry.text, time)
        })
        .collect();
    assert!(
        eaten.contains(&(
            "the day before yesterday at 19:30 salmon".to_string(),
            Some("19:30".to_string())
        )),
        "{eaten:?}"
    );
    assert!(eaten.contains(&("on sunday: kimchi".to_string(), None)));
    let evening: Vec<Option<String>> = chat
        .store()
        .day(ALICE, date(2026, 11, 30))
        .await
        .expect("day")
        .into_iter()
        .filter(|m| m.entry.text.starts_with("last night"))
        .map(|m| m.entry.eaten_at.map(|t| t.format("%H:%M").to_string()))
        .collect();
    assert_eq!(
        evening,
        [Some("19:00".to_string())],
        "an evening's typical time"
    );
    let history = chat.say(now, "/history").await;
    assert!(history.contains("08:00 oats at 8am"), "{history}");
    // Undo takes it out of the day it went to.
    let (_, reply) = chat.send(now, "yesterday at 9pm crisps").await;
    assert!(reply
        .text
        .starts_with("<b>Logged for Mon 30 Nov, 21:00:</b> crisps."));
    chat.press(now, &only_button(&reply)).await;
    assert!(!chat
        .day_texts(date(2026, 11, 30))
        .await
        .contains(&"yesterday at 9pm crisps".to_string()));
    // A question about a day is still a question.
    let question = chat.say(now, "what did I eat yesterday?").await;
    assert!(!question.contains("Logged"), "{question}");
}

#[tokio::test]
async fn last_night_after_midnight_is_the_same_diary_day() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    // 01:30 on Tuesday is still Monday's diary day: last night is today's evening.
    let late = chat.say(utc(2026, 12, 1, 1, 30), "last night: pizza").await;
    assert!(
        late.starts_with("<b>Logged for today, evening:</b> pizza."),
        "{late}"
    );
    // At 09:00 the diary day is Tuesday, and last night is Monday's.
    let morning = chat.say(utc(2026, 12, 1, 9, 0), "last night: kebab").await;
    assert!(
        morning.starts_with("<b>Logged for Mon 30 Nov, evening:</b>"),
        "{morning}"
    );
    assert_eq!(
        chat.day_texts(date(2026, 11, 30)).await,
        ["last night: pizza", "last night: kebab"]
    );
}

#[tokio::test]
async fn a_day_too_far_back_or_still_to_come_stores_nothing() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let now = utc(2026, 12, 2, 12, 0);
    for (text, says) in [
        (
            "8 days ago: pizza",
            "up to 7 days back, and Tue 24 Nov is further",
        ),
        ("on the 3rd: pizza", "up to 7 days back"),
        ("2 weeks ago: pizza", "up to 7 days back"),
        ("tomorrow: pizza", "still to come"),
        ("next monday: pizza", "still to come"),
        ("tonight at 9 pizza", "still to come"),
        ("on 30 feb: pizza", "couldn't find that day"),
    ] {
        let reply = chat.say(now, text).await;
        assert!(reply.contains(says), "{text}: {reply}");
        assert!(reply.contains("stored nothing"), "{text}: {reply}");
    }
    assert_eq!(chat.entry_count().await, 0);
    let nothing = chat.say(now, "yesterday").await;
    assert!(nothing.contains("what did you eat"), "{nothing}");
}

#[tokio::test]
async fn words_of_foods_and_names_are_not_times() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    // Tuesday 1 December, 17:00.
    let now = utc(2026, 12, 1, 17, 0);
    for (text, starts) in [
        ("sunday roast", "<b>Logged:</b> sunday roast."),
        ("late night kebab", "<b>Logged:</b> kebab."),
        ("last night's pizza", "<b>Logged:</b> pizza."),
        (
            "morning coffee",
            "<b>Logged for today, morning:</b> coffee.",
        ),
        ("had tea at 4", "<b>Logged for today, 16:00:</b> tea."),
        (
            "sunday roast on monday",
            "<b>Logged for Mon 30 Nov:</b> sunday roast.",
        ),
    ] {
        let reply = chat.say(now, text).await;
        assert!(reply.starts_with(starts), "{text}: {reply}");
    }
    let deals = chat.say(now, "cyber monday deals").await;
    assert!(deals.contains("didn't find a food"), "{deals}");
    assert_eq!(chat.day_texts(date(2026, 12, 1)).await.len(), 5);
}

#[tokio::test]
async fn an_edit_reads_the_time_words_again() {
    let mut chat = Chat::in_zone(ALICE, "UTC").await;
    let at = utc(2026, 12, 1, 9, 0);
    let (id, _) = chat.send(at, "pizza").await;
    let edit = |text: &str| Input::Edited {
        message_id: id,
        text: text.to_string(),
    };
    let moved = chat.input(at, edit("pizza last night")).await;
    assert!(
        moved.replies[0]
            .text
            .starts_with("<b>Updated for Mon 30 Nov, evening:</b> pizza."),
        "{moved:?}"
    );
    assert_eq!(
        chat.day_texts(date(2026, 11, 30)).await,
        ["pizza last night"]
    );
    assert!(chat.day_texts(date(2026, 12, 1)).await.is_empty());

    let refused = chat.input(at, edit("pizza 9 days ago")).await;
    assert!(
        refused.replies[0].text.contains("stays as it was"),
        "{refused:?}"
    );
    assert_eq!(
        chat.day_texts(date(2026, 11, 30)).await,
        ["pizza last night"]
    );

    let back = chat.input(at, edit("pizza")).await;
    assert!(back.replies[0]
        .text
        .starts_with("<b>Updated for Tue 1 Dec:</b> pizza."));
    assert_eq!(chat.day_texts(date(2026, 12, 1)).await, ["pizza"]);
    assert_eq!(chat.entry_count().await, 1);
}

//! The Telegram bot end to end: the real teloxide dispatcher, engine and sled database,
//! talking over loopback to a fake Bot API (`support::fake_telegram`) that checks HTML,
//! lengths and button data the way Telegram does. Nothing of ours is mocked.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, NaiveDate, Utc};
use gutskin::chat::html::to_plain;
use gutskin::chat::{Attachment, Button, Outcome, Reply};
use gutskin::store::Store;
use gutskin::telegram::{telegram_len, Delivery, Mode, Webhook, SECRET_TOKEN_HEADER};
use serde_json::json;
use teloxide::types::ChatId;

use support::fake_telegram::{
    button_press, edited_message, membership, parse_html, photo_message, text_message, unix_now,
    Call, FakeTelegram, Fault, TOKEN,
};
use support::{quick_settings, settings, RunningBot, PATIENCE};

const ANN: i64 = 1001;
const BEN: i64 = 1002;
const GROUP: i64 = -5001;

/// The Undo (or other) button data of a reply, which must have exactly one button.
fn only_button(reply: &Call) -> String {
    let data = reply.button_data();
    assert_eq!(data.len(), 1, "one button on {:?}", reply.text());
    data[0].clone()
}

/// Waits (bounded) until `check` holds for the store; the store is written by the bot's
/// own tasks, so a test that just saw a reply may look a moment before the write it
/// follows is done.
async fn eventually<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn is_active(store: &Store, chat: i64) -> bool {
    store
        .user(chat)
        .await
        .expect("readable")
        .expect("known user")
        .active
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_gets_the_welcome_and_the_command_menu_is_set() {
    let mut bot = RunningBot::start(quick_settings()).await;
    let reply = bot.say(ANN, 1, "/start").await;
    assert!(reply.is("sendMessage"));
    assert_eq!(reply.params["parse_mode"], "HTML");
    assert!(
        reply.text().contains("Welcome to gutskin"),
        "{}",
        reply.text()
    );

    let menus = bot.fake.calls_to("setMyCommands");
    assert_eq!(menus.len(), 1);
    assert!(menus[0].ok());
    let names: Vec<&str> = menus[0].params["commands"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["command"].as_str())
        .collect();
    for name in ["start", "help", "today", "skin", "undo", "export", "forget"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meal_is_logged_and_its_undo_button_answers_then_edits() {
    let mut bot = RunningBot::start(quick_settings()).await;
    let reply = bot.say(ANN, 2, "porridge with blueberries and kefir").await;
    assert!(reply.text().contains("Logged"), "{}", reply.text());
    assert!(reply.text().contains("kefir"));
    let undo = only_button(&reply);
    assert!(undo.starts_with("undo:"), "{undo}");
    let stored = bot.store.last_meal(ANN).await.expect("readable");
    assert!(stored.expect("stored").entry.text.contains("porridge"));

    let message_id = reply.message_id.expect("sent");
    bot.fake
        .push_update(button_press(ANN, "q-undo", message_id, reply.text(), &undo));
    let calls = bot
        .fake
        .wait_for(PATIENCE, |calls| {
            calls.iter().any(|c| c.is("editMessageText"))
        })
        .await;
    let answered = calls
        .iter()
        .position(|c| c.is("answerCallbackQuery") && c.params["callback_query_id"] == "q-undo")
        .expect("the press is answered");
    let edited = calls
        .iter()
        .position(|c| c.is("editMessageText"))
        .expect("edited");
    assert!(answered < edited, "answered first, then edited");
    assert_eq!(calls[answered].params["text"], "Undone");
    let edit = &calls[edited];
    assert!(edit.ok());
    assert_eq!(edit.params["message_id"], json!(message_id));
    assert!(edit.text().contains("Undone"), "{}", edit.text());
    assert!(edit.buttons().is_empty(), "the Undo button is gone");
    assert!(bot.store.last_meal(ANN).await.expect("readable").is_none());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skin_rating_tap_saves_it_and_the_message_shows_the_choice() {
    let mut bot = RunningBot::start(quick_settings()).await;
    let question = bot.say(ANN, 3, "/skin").await;
    let data = question.button_data();
    assert_eq!(data.len(), 5, "{data:?}");
    let four = data
        .iter()
        .find(|d| d.ends_with(":4"))
        .expect("a 4 button")
        .clone();
    let day: NaiveDate = four["skin:".len()..four.len() - 2]
        .parse()
        .expect("the button names a day");

    let message_id = question.message_id.expect("sent");
    bot.fake.push_update(button_press(
        ANN,
        "q-skin",
        message_id,
        question.text(),
        &four,
    ));
    let calls = bot
        .fake
        .wait_for(PATIENCE, |calls| {
            calls.iter().any(|c| c.is("editMessageText"))
        })
        .await;
    let answer = calls
        .iter()
        .find(|c| c.is("answerCallbackQuery"))
        .expect("answered");
    assert_eq!(answer.params["text"], "Saved: 4/5");
    let edit = calls
        .iter()
        .find(|c| c.is("editMessageText"))
        .expect("edited");
    assert!(edit.ok(), "the fake accepted the edit");
    assert!(edit.text().contains("<b>4/5</b>"), "{}", edit.text());
    let labels: Vec<String> = edit.buttons().into_iter().map(|(label, _)| label).collect();
    assert!(labels.contains(&"✅ 4".to_string()), "{labels:?}");
    let ratings = bot.store.ratings(ANN, day, day).await.expect("readable");
    assert_eq!(ratings.len(), 1);
    assert_eq!(ratings[0].rating(), 4);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_meal_message_updates_its_entry() {
    let mut bot = RunningBot::start(quick_settings()).await;
    let sent_at = unix_now();
    let first = bot.say(ANN, 10, "toast with butter").await;
    assert!(first.text().contains("Logged"), "{}", first.text());

    bot.fake.push_update(edited_message(
        ANN,
        10,
        "toast with avocado and kefir",
        sent_at,
    ));
    let update = bot.nth_sent(ANN, 1).await;
    assert!(update.text().contains("Updated"), "{}", update.text());
    assert!(update.text().contains("avocado"), "{}", update.text());
    let meal = bot
        .store
        .last_meal(ANN)
        .await
        .expect("readable")
        .expect("stored");
    assert!(meal.entry.text.contains("avocado"));
    let day = bot
        .store
        .day(ANN, meal.entry.local_day)
        .await
        .expect("readable");
    assert_eq!(day.len(), 1, "the entry was replaced, not added");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_buttons_expire_and_change_nothing() {
    let mut bot = RunningBot::start(quick_settings()).await;
    let ann_meal = bot.say(ANN, 20, "salmon and rice").await;
    let ann_undo = only_button(&ann_meal);
    let ben_meal = bot.say(BEN, 21, "an apple").await;
    let ben_message = ben_meal.message_id.expect("sent");

    let today = Utc::now().date_naive();
    let future = today
        .checked_add_days(Days::new(3))
        .expect("a date")
        .format("%Y-%m-%d");
    let forged = [
        ann_undo.clone(),                    // another chat's entry
        "skin:2020-01-01:3".to_string(),     // far in the past
        format!("skin:{future}:3"),          // in the future
        "skin:2026-13-45:3".to_string(),     // no such date
        "skin:2026-11-28:9".to_string(),     // no such rating
        "undo:not-an-id".to_string(),        // garbage id
        "💥'; DROP TABLE meals".to_string(), // garbage
        "x".repeat(64),                      // garbage at the length limit
    ];
    for (index, data) in forged.iter().enumerate() {
        bot.fake.push_update(button_press(
            BEN,
            &format!("forged-{index}"),
            ben_message,
            ben_meal.text(),
            data,
        ));
    }
    let calls = bot
        .fake
        .wait_for(PATIENCE, |calls| {
            calls.iter().filter(|c| c.is("answerCallbackQuery")).count() == forged.len()
        })
        .await;
    for answer in calls.iter().filter(|c| c.is("answerCallbackQuery")) {
        assert_eq!(answer.params["text"], "That button has expired.");
    }
    // Nothing edited, nothing sent beyond the two meal confirmations.
    assert!(calls.iter().all(|c| !c.is("editMessageText")));
    assert_eq!(calls.iter().filter(|c| c.is("sendMessage")).count(), 2);
    assert!(bot.store.last_meal(ANN).await.expect("readable").is_some());
    assert!(bot.store.last_meal(BEN).await.expect("readable").is_some());
    let ratings = bot
        .store
        .ratings(BEN, NaiveDate::MIN, NaiveDate::MAX)
        .await
        .expect("readable");
    assert!(ratings.is_empty(), "{ratings:?}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_gets_the_reply_for_photos() {
    let mut bot = RunningBot::start(quick_settings()).await;
    bot.fake.push_update(photo_message(ANN, 30, "my lunch"));
    let reply = bot.nth_sent(ANN, 0).await;
    assert!(reply.text().contains("photos"), "{}", reply.text());
    assert!(bot.store.last_meal(ANN).await.expect("readable").is_none());
    bot.stop().await;
}

/// A 429 on the first send: the send waits `retry_after` and is made once more, and the
/// person gets the message once.
async fn too_many_requests_then_one_message(settings: gutskin::telegram::TelegramSettings) {
    let mut bot = RunningBot::start(settings).await;
    bot.fake
        .fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 });
    let reply = bot.say(ANN, 1, "/help").await;
    assert!(reply.text().contains("What I understand"));
    let sends: Vec<Call> = bot
        .fake
        .calls_to("sendMessage")
        .into_iter()
        .filter(|c| c.chat() == Some(ANN))
        .collect();
    assert_eq!(sends.len(), 2, "one refused, one delivered");
    assert_eq!(sends[0].status, 429);
    assert!(sends[1].ok());
    let waited = sends[1].at.duration_since(sends[0].at);
    assert!(
        waited >= Duration::from_millis(950),
        "retry_after honoured: waited {waited:?}"
    );
    assert_eq!(bot.fake.sent_to(ANN).len(), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_through_throttle() {
    // The shipped settings: Throttle on, Telegram's limits.
    too_many_requests_then_one_message(settings(&[("GUTSKIN_POLLING_TIMEOUT_SECS", "2")])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_without_throttle() {
    too_many_requests_then_one_message(quick_settings()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_failure_is_retried_with_backoff() {
    let fake = FakeTelegram::start().await;
    // A client that gives up after 2 s, and a send that takes 4: a timeout, to the bot.
    let client = teloxide::net::default_reqwest_settings()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("a client");
    let bot = teloxide::Bot::with_client(TOKEN, client).set_api_url(fake.url());
    let settings = settings(&[
        ("GUTSKIN_THROTTLE", "false"),
        ("GUTSKIN_FIRST_RETRY_DELAY_MS", "200"),
        ("GUTSKIN_POLLING_TIMEOUT_SECS", "1"),
    ]);
    fake.fail_next("sendMessage", Fault::Stall(Duration::from_secs(4)));
    let mut bot = RunningBot::start_with(fake, bot, settings, Mode::Polling).await;
    bot.fake.push_update(text_message(ANN, 1, "/help"));
    let calls = bot
        .fake
        .wait_for(PATIENCE, |calls| {
            calls.iter().filter(|c| c.is("sendMessage")).count() == 2
        })
        .await;
    let sends: Vec<&Call> = calls.iter().filter(|c| c.is("sendMessage")).collect();
    assert_eq!(sends[0].status, 0, "the first try got no answer");
    assert!(sends[1].ok(), "the second was delivered");
    let gap = sends[1].at.duration_since(sends[0].at);
    // The client timed out at 2 s, then the retry waited its 200 ms backoff (plus jitter).
    assert!(gap >= Duration::from_millis(2_150), "retried after {gap:?}");
    assert!(sends.iter().all(|c| c.text().contains("What I understand")));
    assert_eq!(bot.fake.sent_to(ANN).len(), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_people_write_arrives_escaped() {
    let mut bot = RunningBot::start(quick_settings()).await;
    let meal = "<b>oats</b> & honey _*[]` kefir";
    let logged = bot.say(ANN, 40, meal).await;
    assert!(
        logged.ok() && logged.text().contains("Logged"),
        "{}",
        logged.text()
    );
    let history = bot.say(ANN, 41, "/history").await;
    assert!(history.ok(), "the fake parsed the HTML");
    let html = history.text();
    assert!(
        html.contains("&lt;b&gt;oats&lt;/b&gt; &amp; honey _*[]`"),
        "{html}"
    );
    parse_html(html).expect("valid Telegram HTML");
    assert!(to_plain(html).contains(meal), "shown as written");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_of_5000_characters_arrives_as_two_messages() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(dir.path().join("db")).expect("a database");
    let delivery = Delivery::new(Arc::new(fake.bot()), store, quick_settings().retry);
    // 100 lines, some in italics across where the cut will fall; 5,000 characters shown.
    let mut lines: Vec<String> = (0..100)
        .map(|i| format!("{i:03} {}", "x".repeat(45)))
        .collect();
    lines[99].push('!');
    lines[70] = format!("<i>{}", lines[70]);
    lines[90] = format!("{}</i>", lines[90]);
    let text = lines.join("\n");
    assert_eq!(telegram_len(&to_plain(&text)), 5_000);
    let reply = Reply {
        text: text.clone(),
        buttons: vec![vec![Button {
            label: "↩️ Undo".to_string(),
            data: "undo:x".to_string(),
        }]],
        attachment: None,
    };
    let outcome = Outcome {
        replies: vec![reply],
        ..Outcome::default()
    };
    delivery
        .deliver(ChatId(ANN), outcome, None)
        .await
        .expect("delivered");
    let sends = fake.calls_to("sendMessage");
    assert_eq!(sends.len(), 2);
    assert!(
        sends.iter().all(Call::ok),
        "each within 4096 and valid HTML"
    );
    assert!(
        sends[0].buttons().is_empty(),
        "buttons only on the last part"
    );
    assert_eq!(sends[1].button_data(), vec!["undo:x".to_string()]);
    let rejoined = format!(
        "{}\n{}",
        to_plain(sends[0].text()),
        to_plain(sends[1].text())
    );
    assert_eq!(rejoined, to_plain(&text), "cut at a line end, nothing lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_arrives_as_a_document_with_its_caption() {
    let mut bot = RunningBot::start(quick_settings()).await;
    bot.say(ANN, 50, "porridge with blueberries and kefir")
        .await;
    let export = bot.say(ANN, 51, "/export").await;
    assert!(export.is("sendDocument"), "{}", export.method);
    assert_eq!(export.params["document"]["file_name"], "gutskin-diary.csv");
    assert!(export.params["document"]["size"].as_u64().unwrap_or(0) > 0);
    assert!(export.text().contains("1 meal"), "{}", export.text());
    assert_eq!(export.params["parse_mode"], "HTML");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_with_a_caption_too_long_goes_as_text_then_picture() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(dir.path().join("db")).expect("a database");
    let delivery = Delivery::new(Arc::new(fake.bot()), store, quick_settings().retry);
    let picture = |caption: String| Outcome {
        replies: vec![Reply {
            text: caption,
            buttons: Vec::new(),
            attachment: Some(Attachment::Photo {
                file_name: "chart.png".to_string(),
                bytes: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
            }),
        }],
        ..Outcome::default()
    };
    delivery
        .deliver(
            ChatId(ANN),
            picture("<b>Your 30 days</b>".to_string()),
            None,
        )
        .await
        .expect("delivered");
    let long = "A long look back at your month. ".repeat(40);
    delivery
        .deliver(ChatId(ANN), picture(long.clone()), None)
        .await
        .expect("delivered");
    let calls = fake.calls();
    let kinds: Vec<&str> = calls.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(kinds, ["sendphoto", "sendmessage", "sendphoto"]);
    assert!(calls.iter().all(Call::ok));
    assert_eq!(calls[0].text(), "<b>Your 30 days</b>");
    assert_eq!(calls[0].params["photo"]["size"], 7);
    assert_eq!(calls[1].text(), long);
    assert!(
        calls[2].params.get("caption").is_none(),
        "no caption on the picture"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_takes_updates_with_the_secret_only() {
    let fake = FakeTelegram::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("bound");
    let url = url::Url::parse(&format!("http://{address}/telegram/hook")).expect("a URL");
    let secret = "s3cret-Token_for-tests";
    let webhook = Webhook {
        url: url.clone(),
        listener,
        secret_token: Some(secret.to_string()),
    };
    let bot = fake.bot();
    let mut bot = RunningBot::start_with(fake, bot, quick_settings(), Mode::Webhook(webhook)).await;
    bot.fake
        .wait_for(PATIENCE, |calls| calls.iter().any(|c| c.is("setWebhook")))
        .await;
    assert_eq!(bot.fake.webhook_secret().as_deref(), Some(secret));

    let client = teloxide::net::default_reqwest_settings()
        .build()
        .expect("a client");
    let post = |chat: i64, secret: Option<&str>| {
        let mut update = text_message(chat, 1, "/help");
        update["update_id"] = json!(chat);
        let mut request = client
            .post(url.clone())
            .header("content-type", "application/json")
            .body(update.to_string());
        if let Some(secret) = secret {
            request = request.header(SECRET_TOKEN_HEADER, secret);
        }
        request.send()
    };
    let wrong = post(ANN, Some("not-the-secret")).await.expect("an answer");
    assert_eq!(wrong.status().as_u16(), 401);
    let missing = post(ANN, None).await.expect("an answer");
    assert_eq!(missing.status().as_u16(), 401);
    let right = post(BEN, Some(secret)).await.expect("an answer");
    assert_eq!(right.status().as_u16(), 200);
    let reply = bot.nth_sent(BEN, 0).await;
    assert!(reply.text().contains("What I understand"));
    assert!(
        bot.fake.sent_to(ANN).is_empty(),
        "refused updates are not handled"
    );
    drop(client);

    bot.stop().await;
    assert!(
        bot.fake.calls().iter().any(|c| c.is("deleteWebhook")),
        "the webhook is removed on shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_cost_one_reply_and_a_blocked_person_becomes_inactive() {
    let mut bot = RunningBot::start(quick_settings()).await;
    bot.say(ANN, 1, "banana and yoghurt").await;
    assert!(is_active(&bot.store, ANN).await);

    // A send refused for good: logged, and the next update is handled as usual.
    bot.fake.fail_next(
        "sendMessage",
        Fault::Refuse {
            code: 400,
            description: "Bad Request: something unexpected".to_string(),
        },
    );
    bot.fake.push_update(text_message(BEN, 2, "/help"));
    bot.fake
        .wait_for(PATIENCE, |calls| {
            calls.iter().any(|c| c.is("sendMessage") && c.status == 400)
        })
        .await;
    let reply = bot.say(BEN, 3, "/help").await;
    assert!(reply.ok());

    // Blocked: the refused send marks the person inactive.
    bot.fake.block(ANN);
    bot.fake.push_update(text_message(ANN, 4, "an apple"));
    bot.fake
        .wait_for(PATIENCE, |calls| {
            calls
                .iter()
                .any(|c| c.chat() == Some(ANN) && c.status == 403)
        })
        .await;
    eventually("Ann marked inactive", || async {
        !is_active(&bot.store, ANN).await
    })
    .await;

    // Unblocking (Telegram's "Restart") shows as the bot becoming a member again.
    bot.fake.push_update(membership(ANN, "kicked", "member"));
    eventually("Ann active again", || async {
        is_active(&bot.store, ANN).await
    })
    .await;
    bot.fake.push_update(membership(ANN, "member", "kicked"));
    eventually("Ann inactive on the block update", || async {
        !is_active(&bot.store, ANN).await
    })
    .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_is_told_once_and_nothing_is_stored() {
    let mut bot = RunningBot::start(quick_settings()).await;
    bot.fake.push_update(text_message(GROUP, 1, "/start"));
    bot.fake
        .push_update(text_message(GROUP, 2, "pizza and beer"));
    bot.fake.push_update(membership(GROUP, "left", "member"));
    let note = bot.nth_sent(GROUP, 0).await;
    assert!(
        note.text().contains("private chats only"),
        "{}",
        note.text()
    );
    // Removed and added again (in order after the updates above): told once more.
    bot.fake.push_update(membership(GROUP, "member", "left"));
    bot.fake.push_update(membership(GROUP, "left", "member"));
    bot.fake.push_update(text_message(GROUP, 3, "/help"));
    bot.nth_sent(GROUP, 1).await;
    // A private message afterwards, to be sure the group's updates are all handled.
    bot.say(ANN, 4, "/help").await;
    assert_eq!(bot.fake.sent_to(GROUP).len(), 2);
    assert!(bot.store.user(GROUP).await.expect("readable").is_none());
    assert!(bot
        .store
        .last_meal(GROUP)
        .await
        .expect("readable")
        .is_none());
    bot.stop().await;
}

/// Runs the real binary (`gutskin run`) at the most verbose log level against the fake, with
/// a refused send, a 429 and a group message on the way, stops it with SIGTERM, and reads
/// its log: the token must not be in it, nor what the group wrote.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_appears_in_the_log_and_sigterm_stops_cleanly() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let log_path = dir.path().join("gutskin.log");
    let log = std::fs::File::create(&log_path).expect("a log file");
    let mut child = KillOnDrop(
        std::process::Command::new(env!("CARGO_BIN_EXE_gutskin"))
            .args(["run", "--db"])
            .arg(&db)
            .arg("--api-url")
            .arg(fake.url().as_str())
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("RUST_LOG", "trace")
            .env("GUTSKIN_THROTTLE", "false")
            .env("GUTSKIN_FIRST_RETRY_DELAY_MS", "50")
            .env("GUTSKIN_POLLING_TIMEOUT_SECS", "1")
            .env_remove("RUST_BACKTRACE")
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the binary starts"),
    );

    // One at a time, so that each fault meets the send it is meant for.
    fake.push_update(text_message(GROUP, 1, "GROUPSECRET pizza party"));
    fake.wait_for(PATIENCE, |calls| {
        calls.iter().any(|c| c.ok() && c.chat() == Some(GROUP))
    })
    .await;
    fake.fail_next(
        "sendMessage",
        Fault::Refuse {
            code: 400,
            description: "Bad Request: chat not found".to_string(),
        },
    );
    fake.push_update(text_message(BEN, 2, "/help"));
    fake.wait_for(PATIENCE, |calls| {
        calls
            .iter()
            .any(|c| c.chat() == Some(BEN) && c.status == 400)
    })
    .await;
    fake.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 });
    fake.push_update(text_message(ANN, 3, "porridge with kefir"));
    fake.wait_for(PATIENCE, |calls| {
        calls
            .iter()
            .any(|c| c.ok() && c.chat() == Some(ANN) && c.text().contains("Logged"))
    })
    .await;

    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let deadline = std::time::Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("waitable") {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "stops after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "a clean exit on SIGTERM: {status}");

    let log = std::fs::read_to_string(&log_path).expect("the log");
    assert!(
        log.contains("connected to Telegram"),
        "the log is being written:\n{log}"
    );
    assert!(log.contains("trying again"), "the 429 was logged");
    assert!(
        log.contains("could not be delivered"),
        "the refusal was logged"
    );
    let (_, secret_half) = TOKEN.split_once(':').expect("a token has two halves");
    assert!(
        !log.contains(TOKEN) && !log.contains(secret_half),
        "the token leaked:\n{log}"
    );
    assert!(!log.contains("GROUPSECRET"), "a group's message was logged");

    let store = Store::open(&db).expect("the database reopens after shutdown");
    let meal = store.last_meal(ANN).await.expect("readable");
    assert!(meal
        .expect("the meal is durable")
        .entry
        .text
        .contains("porridge"));
}

/// A child process, killed if the test fails before it ends, so no bot outlives its test.
#[cfg(unix)]
struct KillOnDrop(std::process::Child);

#[cfg(unix)]
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// The daily digest runs beside the bot: someone whose digest time passed a minute ago (the
/// bot was down) gets it at start, through Telegram, once; a restart does not send it again,
/// and someone who turned the digest off gets none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_due_at_start_arrives_once_across_a_restart() {
    use chrono::{TimeDelta, Timelike};
    use gutskin::store::UserSettings;

    let now = Utc::now();
    // A zone where it is around noon now, so the digest time a minute ago is well inside
    // the person's diary day whatever time the test runs (Etc/GMT-N is UTC+N).
    let offset = 12 - i64::from(now.hour());
    let zone_name = if offset >= 0 {
        format!("Etc/GMT-{offset}")
    } else {
        format!("Etc/GMT+{}", -offset)
    };
    let zone: chrono_tz::Tz = zone_name.parse().expect("an IANA zone");
    let local_now = now.with_timezone(&zone);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(dir.path().join("db")).expect("a fresh database");
    let mut ann = UserSettings::new(ANN, zone, now - TimeDelta::days(3));
    ann.digest_at = Some(
        (local_now - TimeDelta::minutes(1))
            .time()
            .with_second(0)
            .expect("0 s"),
    );
    store.save_user(&ann).await.expect("saved");
    let mut ben = UserSettings::new(BEN, zone, now - TimeDelta::days(3));
    ben.digest_at = None;
    store.save_user(&ben).await.expect("saved");

    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let mut first = RunningBot::start_on(fake, bot, quick_settings(), Mode::Polling, dir, store);
    let digest = first.nth_sent(ANN, 0).await;
    assert!(digest.is("sendMessage"), "{digest:?}");
    assert!(parse_html(digest.text()).is_ok(), "{}", digest.text());
    assert!(
        digest
            .button_data()
            .iter()
            .any(|data| data.starts_with("skin:")),
        "the digest asks for today's rating: {:?}",
        digest.button_data()
    );
    first.stop().await;
    let recorded = first
        .store
        .user(ANN)
        .await
        .expect("readable")
        .expect("known")
        .last_digest_day;
    assert_eq!(recorded, Some(local_now.date_naive()), "recorded as sent");

    // Started again on the same database: nothing more to send today.
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let keep_alive = tempfile::tempdir().expect("a temporary directory");
    let mut second = RunningBot::start_on(
        fake,
        bot,
        quick_settings(),
        Mode::Polling,
        keep_alive,
        first.store.clone(),
    );
    // A reply to Ben proves the second bot is up and its digest task has had its start.
    let help = second.say(BEN, 1, "/help").await;
    assert!(help.ok());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(second.fake.sent_to(ANN).is_empty(), "no second digest");
    assert_eq!(second.fake.sent_to(BEN).len(), 1, "only the help reply");
    assert_eq!(
        first.fake.sent_to(BEN).len(),
        0,
        "a digest that is off stays off"
    );
    second.stop().await;
}

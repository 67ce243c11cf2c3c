//! Stopping the digest in the middle of a big round: `DigestTask::stop` (what SIGTERM leads
//! to) must not wait out a paced round that can take minutes. The digests under way finish;
//! the rest are left unrecorded, and the next start sends them, each exactly once.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveTime, TimeDelta, TimeZone, Utc};
use gutskin::chat::Engine;
use gutskin::diary::DiaryConfig;
use gutskin::digest::{self, DigestConfig, ManualClock, RecordingSender};
use gutskin::food::Lexicon;
use gutskin::knowledge::KnowledgeBase;
use gutskin::store::{Store, UserSettings};
use tokio::sync::mpsc::unbounded_channel;

const PEOPLE: i64 = 200;
const PATIENCE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_mid_round_leaves_the_rest_for_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open store");
    let nine_pm = NaiveTime::from_hms_opt(21, 0, 0).expect("a time");
    let joined = Utc
        .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .expect("a date");
    for user in 1..=PEOPLE {
        let mut settings = UserSettings::new(user, chrono_tz::UTC, joined);
        settings.digest_at = Some(nine_pm);
        store.save_user(&settings).await.expect("saved");
    }
    let engine = Engine::new(
        Arc::new(Lexicon::builtin().expect("lexicon")),
        Arc::new(KnowledgeBase::builtin().expect("knowledge")),
        Arc::new(DiaryConfig::builtin().expect("diary config")),
        store,
    );
    // Everyone is due at once (the bot was down at 21:00); paced, the round takes 4 s.
    let clock = ManualClock::new(joined + TimeDelta::days(2) + TimeDelta::hours(12));
    let sender = Arc::new(RecordingSender::new());
    let config = DigestConfig {
        messages_per_second: NonZeroU32::new(50),
        max_in_flight: 8,
        ..DigestConfig::default()
    };

    // No settings change in this test: the channel's sending end is dropped at once.
    let start = || {
        digest::spawn(
            engine.clone(),
            unbounded_channel().1,
            Arc::clone(&sender),
            clock.clone(),
            config.clone(),
        )
        .expect("the digest starts")
    };
    let task = start();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while sender.sent().len() < 10 {
        assert!(tokio::time::Instant::now() < deadline, "the round started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::timeout(PATIENCE, task.stop())
        .await
        .expect("stops")
        .expect("cleanly");
    let sent_before_stop = sender.sent().len();
    assert!(
        sent_before_stop < 100,
        "the stop did not wait out the round: {sent_before_stop} of {PEOPLE} sent"
    );

    // The next start sends the rest.
    let task = start();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while sender.sent().len() < PEOPLE as usize {
        assert!(tokio::time::Instant::now() < deadline, "the rest are sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    task.stop().await.expect("cleanly");

    let mut per_person: BTreeMap<i64, usize> = BTreeMap::new();
    for message in sender.sent() {
        *per_person.entry(message.chat).or_default() += 1;
    }
    assert_eq!(per_person.len(), PEOPLE as usize, "nobody missed");
    assert!(
        per_person.values().all(|&count| count == 1),
        "nobody twice: {per_person:?}"
    );
}

//! The knowledge base as people meet it: questions find their topic (or honestly none), every
//! answer and tip carries its source and fits a Telegram message, treatment answers say they
//! are not medical advice, and the daily tip fits the day and never repeats the last one.
//!
//! The held-out lists at the bottom were written apart from the knowledge base's phrasings
//! and are checked as a fraction, not line by line, so that tuning goes into general rules
//! (synonyms, stopwords) rather than into fitting individual questions.

use gutskin::food::{Category, CategorySet};
use gutskin::knowledge::{
    DayContext, KnowledgeBase, Trigger, MEDICAL_NOTE, MEDICAL_TOPICS, REQUIRED_TOPICS,
};
use proptest::prelude::*;
use std::collections::HashSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::builtin().expect("config/knowledge.toml loads"))
}

fn topic_of(question: &str) -> Option<&'static str> {
    kb().best_match(question).map(|m| m.topic.id.as_str())
}

#[test]
fn every_required_topic_is_present() {
    for id in REQUIRED_TOPICS {
        assert!(kb().topic(id).is_some(), "missing topic {id}");
    }
}

#[test]
fn each_topic_answers_its_own_question_and_phrasings() {
    let mut wrong = Vec::new();
    for topic in kb().topics() {
        assert!(
            (8..=15).contains(&topic.phrasings.len()),
            "{}: {} phrasings, want 8-15",
            topic.id,
            topic.phrasings.len()
        );
        for question in std::iter::once(&topic.question).chain(&topic.phrasings) {
            let found = topic_of(question);
            if found != Some(topic.id.as_str()) {
                wrong.push(format!("{question:?}: {} got {found:?}", topic.id));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn off_topic_questions_get_no_answer() {
    assert!(OFF_TOPIC.len() >= 30);
    let answered: Vec<String> = OFF_TOPIC
        .iter()
        .filter_map(|q| topic_of(q).map(|t| format!("{q:?} -> {t}")))
        .collect();
    assert!(answered.is_empty(), "answered off-topic: {answered:#?}");
}

#[test]
fn held_out_paraphrases_mostly_find_their_topic() {
    let mut total = 0;
    let mut right = 0;
    let mut misses = Vec::new();
    for (topic, questions) in HELD_OUT_PARAPHRASES {
        assert!(kb().topic(topic).is_some(), "unknown topic {topic}");
        let mut topic_right = 0;
        for q in *questions {
            total += 1;
            let found = topic_of(q);
            if found == Some(*topic) {
                right += 1;
                topic_right += 1;
            } else {
                misses.push(format!("{q:?}: {topic} got {found:?}"));
            }
        }
        // No topic may be systematically unreachable.
        assert!(
            topic_right * 10 >= questions.len() * 7,
            "{topic}: {topic_right}/{}\n{}",
            questions.len(),
            misses.join("\n")
        );
    }
    assert!(total >= 100);
    let accuracy = right as f64 / total as f64;
    assert!(
        accuracy >= 0.90,
        "accuracy {accuracy:.3}\n{}",
        misses.join("\n")
    );
}

#[test]
fn held_out_off_topic_questions_are_mostly_rejected() {
    let rejected = HELD_OUT_OFF_TOPIC
        .iter()
        .filter(|q| topic_of(q).is_none())
        .count();
    let share = rejected as f64 / HELD_OUT_OFF_TOPIC.len() as f64;
    let answered: Vec<_> = HELD_OUT_OFF_TOPIC
        .iter()
        .filter_map(|q| topic_of(q).map(|t| format!("{q:?} -> {t}")))
        .collect();
    assert!(share >= 0.95, "rejected {share:.3}: {answered:#?}");
}

#[test]
fn typos_and_slang_still_find_the_topic() {
    assert_eq!(topic_of("probiotcs for acne?"), Some("probiotics"));
    assert_eq!(topic_of("psoraisis and diet"), Some("psoriasis"));
    assert_eq!(topic_of("does booze give u zits"), Some("alcohol"));
    assert_eq!(topic_of("how much fibre should I eat"), Some("fiber"));
    assert_eq!(topic_of("HOW MUCH FIBER DO I NEED???"), Some("fiber"));
    assert_eq!(topic_of("Omega-3s: worth it?"), Some("omega3"));
}

#[test]
fn matching_is_deterministic_and_scores_are_fractions() {
    for (_, questions) in HELD_OUT_PARAPHRASES {
        for q in *questions {
            let a = kb().closest(q).map(|m| (m.topic.id.clone(), m.score));
            let b = kb().closest(q).map(|m| (m.topic.id.clone(), m.score));
            assert_eq!(a, b, "{q}");
            if let Some((_, score)) = a {
                assert!((0.0..=1.0001).contains(&score), "{q}: {score}");
            }
        }
    }
}

proptest! {
    #[test]
    fn any_text_is_matched_without_panicking(text in "\\PC{0,200}") {
        if let Some(m) = kb().best_match(&text) {
            prop_assert!(m.score.is_finite() && m.bm25.is_finite());
        }
    }
}

#[test]
fn odd_inputs_are_handled() {
    for text in [
        "",
        " ",
        "???",
        "🍕🍺",
        "\u{0}\u{7}",
        "a",
        &"fibre ".repeat(2000),
    ] {
        let _ = kb().best_match(text);
    }
    assert_eq!(topic_of(""), None);
    assert_eq!(topic_of("what is it"), None);
}

#[test]
fn every_topic_and_tip_names_a_source() {
    for topic in kb().topics() {
        assert!(!topic.sources.is_empty(), "{}", topic.id);
        assert!(
            topic.sources.iter().all(|s| !s.trim().is_empty()),
            "{}",
            topic.id
        );
    }
    for tip in kb().tips() {
        assert!(!tip.sources.is_empty(), "{}", tip.id);
        assert!(
            tip.sources.iter().all(|s| !s.trim().is_empty()),
            "{}",
            tip.id
        );
    }
}

/// Telegram's HTML parse mode, as the bot will send an answer.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn answers_fit_one_telegram_message_with_the_source_line() {
    for topic in kb().topics() {
        assert!(topic.answer.chars().count() <= 900, "{}", topic.id);
        let message = format!(
            "<b>{}</b>\n\n{}\n\n<i>{}</i>",
            escape_html(&topic.question),
            escape_html(&topic.answer),
            escape_html(&topic.source_line())
        );
        // Telegram counts UTF-16 code units; 4096 is the limit for one message.
        let units = message.encode_utf16().count();
        assert!(units <= 4096, "{}: {units}", topic.id);
    }
}

#[test]
fn treatment_answers_say_they_are_not_medical_advice() {
    for id in MEDICAL_TOPICS {
        let topic = kb().topic(id).expect(id);
        assert!(
            topic.answer.to_lowercase().contains(MEDICAL_NOTE),
            "{id} lacks the not-medical-advice line"
        );
    }
    let antibiotics = kb().topic("antibiotics").expect("antibiotics");
    assert!(
        antibiotics.answer.contains("Never stop"),
        "must warn against stopping a prescription"
    );
    let timeline = kb().topic("timeline").expect("timeline");
    assert!(timeline.answer.contains("6-12 weeks"));
}

#[test]
fn answers_and_tips_are_in_the_projects_own_words() {
    // No run of 7 words is copied from the source document.
    let Ok(document) = std::fs::read_to_string("../shared/docs/gut-skin-axis.txt") else {
        eprintln!("../shared/docs not present; skipping the copy check");
        return;
    };
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let doc = words(&document);
    let runs: HashSet<&[String]> = doc.windows(7).collect();
    let texts = kb()
        .topics()
        .iter()
        .map(|t| (t.id.as_str(), t.answer.as_str()))
        .chain(kb().tips().iter().map(|t| (t.id.as_str(), t.text.as_str())));
    for (id, text) in texts {
        let own = words(text);
        if let Some(run) = own.windows(7).find(|w| runs.contains(w)) {
            panic!("{id} copies {:?} from the document", run.join(" "));
        }
    }
}

#[test]
fn tips_are_short_and_cover_every_situation() {
    let triggers: HashSet<Trigger> = kb().tips().iter().map(|t| t.trigger).collect();
    for tip in kb().tips() {
        assert!(tip.text.chars().count() <= 280, "{}", tip.id);
    }
    let mut needed = vec![
        Trigger::Missing(Category::Fermented),
        Trigger::Missing(Category::Omega3),
        Trigger::Missing(Category::OliveOil),
        Trigger::Missing(Category::Prebiotic),
        Trigger::Missing(Category::Polyphenol),
        Trigger::PlantsBehindPace,
        Trigger::FiberUnderTarget,
        Trigger::LowSkinDays,
        Trigger::NothingLogged,
        Trigger::AnyDay,
    ];
    needed.extend(
        Category::ALL
            .into_iter()
            .filter(|c| c.is_harmful())
            .map(Trigger::Logged),
    );
    for trigger in needed {
        assert!(triggers.contains(&trigger), "no tip for {trigger}");
    }
}

/// A good day: everything helpful logged, fibre and plants on target, skin fine.
fn good_day() -> DayContext {
    let mut categories = CategorySet::EMPTY;
    for c in Category::ALL.into_iter().filter(|c| !c.is_harmful()) {
        categories.insert(c);
    }
    DayContext {
        categories,
        fibre_g: 32.0,
        plants_this_week: 30,
        weekday: 7,
        low_skin_days: 0,
        logged_anything: true,
    }
}

fn tip_trigger(day: &DayContext) -> Trigger {
    kb().tip_for(day, None).expect("a tip").trigger
}

#[test]
fn the_tip_fits_the_days_gap() {
    assert_eq!(tip_trigger(&good_day()), Trigger::AnyDay);

    for harmful in Category::ALL.into_iter().filter(|c| c.is_harmful()) {
        let mut day = good_day();
        day.categories.insert(harmful);
        assert_eq!(tip_trigger(&day), Trigger::Logged(harmful), "{harmful}");
    }
    let mut day = good_day();
    day.categories.remove(Category::Fermented);
    assert_eq!(tip_trigger(&day), Trigger::Missing(Category::Fermented));

    let mut day = good_day();
    day.categories.remove(Category::Omega3);
    assert_eq!(tip_trigger(&day), Trigger::Missing(Category::Omega3));

    let mut day = good_day();
    day.fibre_g = 9.0;
    assert_eq!(tip_trigger(&day), Trigger::FiberUnderTarget);

    let mut day = good_day();
    day.plants_this_week = 12;
    day.weekday = 5; // pace 21.4
    assert_eq!(tip_trigger(&day), Trigger::PlantsBehindPace);
    day.weekday = 2; // pace 8.6: on track
    assert_eq!(tip_trigger(&day), Trigger::AnyDay);

    let mut day = good_day();
    day.low_skin_days = 4;
    day.fibre_g = 9.0;
    assert_eq!(tip_trigger(&day), Trigger::LowSkinDays);

    let mut day = good_day();
    day.logged_anything = false;
    day.categories = CategorySet::EMPTY;
    day.fibre_g = 0.0;
    assert_eq!(tip_trigger(&day), Trigger::NothingLogged);

    // Ultra-processed food is the document's biggest disruptor: it outranks the others.
    let mut day = good_day();
    for c in Category::ALL.into_iter().filter(|c| c.is_harmful()) {
        day.categories.insert(c);
    }
    assert_eq!(tip_trigger(&day), Trigger::Logged(Category::UltraProcessed));
}

#[test]
fn tip_rotation_never_repeats_the_last_tip() {
    let tip_ids: Vec<Option<&str>> = std::iter::once(None)
        .chain(kb().tips().iter().map(|t| Some(t.id.as_str())))
        .collect();
    for bits in 0u16..1024 {
        let categories: CategorySet = Category::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, c)| c)
            .collect();
        for fibre_g in [3.0, 30.0] {
            for plants_this_week in [0, 30] {
                for (weekday, low_skin_days, logged_anything) in
                    [(1, 0, true), (4, 5, true), (7, 0, false), (7, 3, true)]
                {
                    let day = DayContext {
                        categories,
                        fibre_g,
                        plants_this_week,
                        weekday,
                        low_skin_days,
                        logged_anything,
                    };
                    for last in &tip_ids {
                        let tip = kb().tip_for(&day, *last).expect("always a tip");
                        assert_ne!(Some(tip.id.as_str()), *last, "{day:?}");
                        // Deterministic: the same day and history give the same tip.
                        assert_eq!(kb().tip_for(&day, *last).map(|t| &t.id), Some(&tip.id));
                    }
                }
            }
        }
    }
}

#[test]
fn two_weeks_of_the_same_gap_alternate_tips() {
    let mut day = good_day();
    day.categories.remove(Category::Fermented);
    let mut last: Option<String> = None;
    let mut seen = HashSet::new();
    for _ in 0..14 {
        let tip = kb().tip_for(&day, last.as_deref()).expect("a tip");
        assert_ne!(Some(&tip.id), last.as_ref());
        assert_eq!(tip.trigger, Trigger::Missing(Category::Fermented));
        seen.insert(tip.id.clone());
        last = Some(tip.id.clone());
    }
    assert!(seen.len() >= 2);
}

#[test]
fn faq_jsonl_answers_each_line_in_order_even_invalid_utf8() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gutskin"))
        .args(["faq", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run gutskin");
    let mut input = Vec::new();
    input.extend_from_slice(b"Does alcohol affect my skin?\n");
    input.extend_from_slice(b"what's the weather like\n");
    input.extend_from_slice(b"\xff\xfe bad bytes \xc3\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"How do I delete my data?\r\n");
    input.extend_from_slice(b"is kimchi good for you"); // no final newline
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write");
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8 output");
    let topics: Vec<Option<String>> = text
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("json line");
            assert!(value["score"].is_number(), "{line}");
            value["topic"].as_str().map(String::from)
        })
        .collect();
    assert_eq!(
        topics,
        [
            Some("alcohol".to_string()),
            None,
            None,
            None,
            Some("privacy".to_string()),
            Some("fermented".to_string()),
        ]
    );
}

#[test]
fn faq_and_tips_commands_print_answers_and_triggers() {
    let faq = Command::new(env!("CARGO_BIN_EXE_gutskin"))
        .args(["faq", "does sugar cause acne?"])
        .output()
        .expect("run gutskin faq");
    assert!(faq.status.success());
    let text = String::from_utf8_lossy(&faq.stdout);
    assert!(text.starts_with("topic: sugar"), "{text}");
    assert!(text.contains("Sources: "), "{text}");

    let none = Command::new(env!("CARGO_BIN_EXE_gutskin"))
        .args(["faq", "who won the world cup"])
        .output()
        .expect("run gutskin faq");
    assert!(String::from_utf8_lossy(&none.stdout).starts_with("topic: none"));

    let tips = Command::new(env!("CARGO_BIN_EXE_gutskin"))
        .arg("tips")
        .output()
        .expect("run gutskin tips");
    let text = String::from_utf8_lossy(&tips.stdout);
    for tip in kb().tips() {
        assert!(
            text.contains(&tip.id) && text.contains(&tip.trigger.to_string()),
            "{}",
            tip.id
        );
    }
}

/// Questions people might ask, written apart from the knowledge base's phrasings and never
/// copied into it: a check that matching generalises beyond the lines it was built from.
/// 504 paraphrases in all.
const HELD_OUT_PARAPHRASES: &[(&str, &[&str])] = &[
    (
        "gut_skin_axis",
        &[
            "what does gut skin axis mean",
            "Is the gut linked to the skin?",
            "how is my gut connected to my skin",
            "what's the connection between your gut and your skin",
            "is gut health related to skin health",
            "explain the gut–skin axis please",
            "I keep hearing about the gut skin axis, what is it",
            "so is my skin basically a mirror of my gut?",
            "does the state of my gut show on my skin",
            "what's the deal with gut health and skin",
            "gut skin link??",
            "what is the gut skin connection",
            "is it true my gut affects my skin",
            "gut-skin axis?",
            "how does the gut talk to the skin",
            "can an unhappy gut show up as bad skin",
            "whats this gut skin axis thing",
            "are gut and skin connected",
            "what does the gut have to do with skin",
            "why does my gut matter for my skin",
            "how do the gut and skin affect each other",
        ],
    ),
    (
        "scfa",
        &[
            "what role do gut bacteria play in skin health",
            "how does gut bacteria influence the skin?",
            "what are short-chain fatty acids and why do they matter",
            "in what way do gut microbes affect my skin",
            "how do the bacteria in my gut change my skin",
            "what do SCFAs do",
            "what do short chain fatty acids have to do with skin",
            "how exactly does my microbiome calm inflammation",
            "why does having diverse gut bacteria matter for your skin",
            "what do good gut bacteria actually produce",
            "how do microbes in the intestine affect skin inflammation",
            "what do gut microbes make that helps skin",
            "why are gut bacteria important for your skin",
            "what's NF-kB",
            "how do scfa reduce inflammation",
            "how does my microbiome affect my skin",
            "how do intestinal bacteria affect the complexion",
            "what are scfas and what do they do for skin",
            "do gut bacteria reduce inflammation",
            "how does my gut flora influence my skin",
            "why do healthy gut bugs mean better skin",
        ],
    ),
    (
        "leaky_gut",
        &[
            "what does leaky gut mean",
            "can you explain leaky gut",
            "is leaky gut bad for skin",
            "what is a leaky gut barrier",
            "what's the leaky gut leaky skin idea",
            "what causes leaky gut",
            "what's leaky gut and is it bad",
            "can a leaky gut make my skin break out",
            "leaky gut - real or a myth?",
            "what is increased intestinal permeability",
            "how does a leaky gut cause inflammation",
            "leaky gut?",
            "what happens when the gut barrier is damaged",
            "is leaky gut linked to skin",
            "what's leaky skin",
            "signs of a leaky gut",
            "could I have leaky gut",
            "what's leaky gut syndrome exactly",
            "does leaky gut cause acne",
            "how does the gut lining get damaged",
            "is intestinal permeability a real thing",
        ],
    ),
    (
        "probiotics",
        &[
            "do I need probiotics for clear skin",
            "is a probiotic supplement good for skin?",
            "are probiotics good for acne",
            "should I buy probiotic tablets",
            "will taking probiotics help my eczema",
            "do probiotic supplements actually work",
            "I was thinking of buying probiotics for my skin, good idea?",
            "r probiotics worth taking",
            "do probiotic supplements help eczema in babies",
            "should I try a probiotic for my acne",
            "are probiotic capsules any good",
            "probiotics?",
            "should i take probiotics",
            "are probiotics good for your skin",
            "best probiotic for acne",
            "do probiotic pills help eczema",
            "do probiotics actually help skin",
            "is taking a daily probiotic worth it",
            "probiotic supplements for eczema?",
            "can probiotics clear up spots",
            "which probiotic should i buy for my skin",
        ],
    ),
    (
        "timeline",
        &[
            "how long does it take to see results in my skin",
            "when will my skin get better after changing my diet?",
            "how fast will my skin improve",
            "how many weeks until I see a difference in my skin",
            "how long for gut changes to show on skin",
            "how quickly does diet affect the gut microbiome",
            "how long does it take before skin improves",
            "I changed my diet 2 weeks ago and my skin is the same, how long does it take?",
            "when should I expect to see my skin change",
            "how quick does the microbiome change",
            "how many months until my skin clears",
            "how long until i see results",
            "how long does the gut take to change",
            "when will my skin clear up",
            "how long does it take for skin to improve from diet",
            "how soon will i notice a difference",
            "how long till my skin gets better",
            "how soon do gut changes show",
            "when do results show on skin",
            "how many days for the microbiome to change",
            "timeframe for clearer skin after diet change",
        ],
    ),
    (
        "antibiotics",
        &[
            "do antibiotics affect the gut microbiome",
            "can antibiotics make my skin worse",
            "do antibiotics damage gut bacteria",
            "will antibiotics ruin my gut",
            "how long to recover from antibiotics",
            "are antibiotics bad for skin",
            "I just finished a course of antibiotics, has it wrecked my gut bacteria",
            "can antibiotics give you acne",
            "does taking antibiotics affect your skin long term",
            "antibiotics killed my gut flora, what now",
            "should I stop taking my antibiotics",
            "antibiotics and skin",
            "do antibiotics harm my microbiome",
            "can antibiotics cause breakouts",
            "how to recover gut after antibiotics",
            "antibiotics wrecked my gut",
            "can antibiotics damage my gut flora",
            "do antibiotics cause skin issues",
            "is doxycycline bad for my gut",
            "how to look after my gut during antibiotics",
            "antibiotic course and gut recovery",
        ],
    ),
    (
        "fiber",
        &[
            "how much fibre a day",
            "how many grams of fibre do I need daily",
            "what is the recommended daily fiber intake",
            "how much fiber should I be eating",
            "what's a good amount of fibre per day",
            "is fibre important for gut health",
            "how much fibre is enough",
            "what's the recommended amount of fiber",
            "25 or 35 grams of fibre?",
            "how do I get more fiber in my diet",
            "am I eating enough fibre",
            "fibre intake per day?",
            "how much fibre",
            "how many g of fiber daily",
            "what's the fibre target",
            "is 20g fibre enough",
            "how much roughage a day",
            "daily fibre amount?",
            "how do i hit 30g of fibre",
            "what is a high fibre diet",
            "is fiber good for acne",
        ],
    ),
    (
        "plants30",
        &[
            "why should i eat 30 plants a week",
            "what is the 30 plants rule",
            "do I really need 30 different plants each week",
            "what's this 30 plant foods a week thing",
            "how do you count plants per week",
            "why is plant variety important",
            "30 plants a week sounds impossible, what counts?",
            "does garlic count as one of my 30 plants",
            "why do I need so many different plants",
            "explain the 30 plant target",
            "is 30 plants per week a real recommendation",
            "30 plants?",
            "what are the 30 plants",
            "why eat 30 different plants every week",
            "do spices count as plants",
            "how can i eat 30 plants a week",
            "do i need to eat 30 plants",
            "what counts towards 30 plants a week",
            "30 different veg a week?",
            "does fruit count as a plant",
            "why thirty plants",
        ],
    ),
    (
        "fermented",
        &[
            "is fermented food good for your skin",
            "are fermented foods healthy",
            "should I eat kimchi for my skin",
            "does eating fermented food help the gut",
            "what fermented foods should I eat",
            "is kefir good for gut health",
            "is sauerkraut good for your gut",
            "do fermented foods help acne",
            "how often should I eat fermented foods",
            "is greek yoghurt fermented",
            "kombucha good for skin?",
            "fermented foods?",
            "is kimchi good for skin",
            "which fermented foods are best",
            "should i drink kefir",
            "why eat fermented food every day",
            "what fermented foods help skin",
            "is kefir better than yoghurt",
            "how much kimchi should i eat",
            "are fermented drinks like kombucha good",
            "fermented food for gut health",
        ],
    ),
    (
        "prebiotics",
        &[
            "what are prebiotic foods",
            "which foods contain prebiotics",
            "what's a prebiotic",
            "name some prebiotic foods",
            "are garlic and onions prebiotics",
            "what foods are prebiotics",
            "what's the difference between prebiotics and probiotics",
            "do onions and garlic feed gut bacteria",
            "prebiotic foods for skin",
            "are leeks a prebiotic",
            "what foods feed my gut bugs",
            "prebiotics?",
            "what is a prebiotic food",
            "is asparagus a prebiotic",
            "which foods have prebiotics",
            "do i need prebiotics",
            "what are some prebiotic foods",
            "do i need prebiotic supplements",
            "is garlic good for gut bacteria",
            "prebiotics vs probiotics",
            "which veg are prebiotic",
        ],
    ),
    (
        "omega3",
        &[
            "are omega 3s good for skin",
            "does fish oil help skin",
            "is omega-3 good for inflammation",
            "should I take omega 3",
            "does eating salmon help my skin",
            "do omega 3 fatty acids help skin",
            "is it worth taking fish oil for my skin",
            "what foods have omega 3",
            "does olive oil help with inflammation",
            "are chia seeds good for skin",
            "do I need omega 3 if I don't eat fish",
            "omega 3?",
            "is omega 3 good for acne",
            "fish oil for skin",
            "best source of omega 3",
            "does flaxseed help skin",
            "should i eat salmon for my skin",
            "are omega-3 supplements good",
            "omega 3 and skin inflammation",
            "best omega-3 foods",
            "is extra virgin olive oil anti-inflammatory",
        ],
    ),
    (
        "polyphenols",
        &[
            "why are berries good for you",
            "why is dark chocolate on the list",
            "are nuts good for gut bacteria",
            "why eat berries and nuts",
            "what's so good about dark chocolate",
            "is dark chocolate good for the gut",
            "is dark chocolate actually good for your gut",
            "why do berries help the gut",
            "are nuts good for your skin",
            "what does 85% dark chocolate do",
            "which chocolate should I eat for my gut",
            "berries nuts and dark chocolate?",
            "why is dark chocolate good",
            "are berries good for the gut",
            "do nuts help skin",
            "what are polyphenols good for",
            "is chocolate good for the gut",
            "do blueberries help skin",
            "are walnuts good for you",
            "why is 85 percent chocolate recommended",
            "berries and gut health",
        ],
    ),
    (
        "sugar",
        &[
            "does sugar affect skin",
            "is sugar bad for acne",
            "can sugar cause breakouts",
            "how does sugar affect my skin",
            "is eating sugar bad for the gut",
            "does sugar make skin worse",
            "does eating sugar give you acne",
            "why is sugar bad for your skin",
            "is sugar making my skin worse",
            "do sugary drinks cause breakouts",
            "should I quit sugar for clearer skin",
            "sugar and skin",
            "does sugar cause spots",
            "is sugar bad for you",
            "does sugar affect gut bacteria",
            "sugar acne link",
            "is sugar the reason for my breakouts",
            "does cutting sugar help skin",
            "sugar and gut bacteria",
            "are sweets bad for skin",
            "how bad is sugar for the gut",
        ],
    ),
    (
        "ultra_processed",
        &[
            "what are ultra processed foods",
            "what is considered ultra-processed",
            "are processed foods bad for your skin",
            "which foods count as ultra processed",
            "why are ultra-processed foods bad",
            "what counts as processed food",
            "why is ultra processed food so bad",
            "are ready meals ultra processed",
            "what are emulsifiers and are they bad",
            "is processed food bad for gut bacteria",
            "are crisps bad for my skin",
            "ultra processed foods?",
            "what is upf",
            "why avoid ultra processed food",
            "is processed food bad for skin",
            "examples of ultra-processed foods",
            "how do i know if food is ultra processed",
            "are packaged snacks bad for the gut",
            "do additives hurt my gut",
            "why are upfs bad",
            "processed food and skin",
        ],
    ),
    (
        "fast_food",
        &[
            "is fast food bad for my gut",
            "does fast food affect skin",
            "is eating junk fast food bad for the gut",
            "are burgers bad for my gut",
            "does takeaway food hurt gut health",
            "is fast food bad for acne",
            "does eating takeaways affect your skin",
            "is mcdonald's bad for acne",
            "are fries bad for your gut",
            "can fast food cause breakouts",
            "how bad is fast food for the gut microbiome",
            "fast food and skin",
            "is fast food bad for acne",
            "does junk food like burgers hurt your gut",
            "is takeaway pizza bad for my skin",
            "fast food gut health",
            "is a burger bad for my skin",
            "does fast food damage the gut",
            "kfc and acne",
            "is takeaway food bad",
            "how does fast food affect gut bacteria",
        ],
    ),
    (
        "alcohol",
        &[
            "is alcohol bad for skin",
            "does drinking alcohol affect your skin",
            "does alcohol hurt the gut",
            "is wine bad for my skin",
            "can alcohol cause acne",
            "how does alcohol affect skin",
            "does drinking wine affect your skin",
            "is beer bad for the gut",
            "will quitting alcohol clear my skin",
            "does booze cause spots",
            "how does drinking affect gut health",
            "alcohol and skin",
            "is drinking bad for your skin",
            "does wine cause acne",
            "alcohol gut damage",
            "is booze bad for your gut",
            "does alcohol cause rosacea flare ups",
            "how bad is alcohol for the gut",
            "do cocktails affect skin",
            "is beer bad for acne",
            "does drinking damage gut bacteria",
        ],
    ),
    (
        "stress",
        &[
            "can stress affect my skin",
            "does stress cause acne",
            "is stress bad for the gut",
            "how does stress affect gut health",
            "does being stressed make my skin worse",
            "can anxiety affect my gut",
            "does stress mess with your gut",
            "can stress make eczema worse",
            "why does my skin flare up when I'm stressed",
            "how does cortisol affect skin",
            "is anxiety bad for gut health",
            "stress and skin",
            "can stress cause skin problems",
            "does stress hurt gut health",
            "how does stress affect your skin",
            "stressed out and breaking out",
            "can stress cause acne flare ups",
            "how does stress harm the gut",
            "does cortisol damage gut barrier",
            "stress and gut health",
            "my skin is worse when stressed, why",
        ],
    ),
    (
        "acne",
        &[
            "is my acne caused by my gut",
            "does gut health affect acne",
            "can bad gut health cause acne",
            "what causes acne",
            "is there a link between acne and gut health",
            "can improving my gut help my acne",
            "I've had acne for years, could it be my gut?",
            "do gut issues cause spots",
            "is acne a gut problem",
            "what's the connection between acne and the microbiome",
            "can healing my gut get rid of my acne",
            "acne and gut",
            "is acne related to gut health",
            "can gut bacteria cause acne",
            "does my gut cause my acne",
            "acne gut connection",
            "could my acne be caused by my gut",
            "what's the link between gut health and acne",
            "can fixing gut health help acne",
            "are pimples linked to gut bacteria",
            "what foods cause acne",
        ],
    ),
    (
        "eczema",
        &[
            "can food help eczema",
            "does diet affect eczema",
            "is eczema related to gut health",
            "will changing my diet help my eczema",
            "what foods help eczema",
            "can eczema be caused by the gut",
            "is eczema caused by gut problems",
            "can what I eat make my eczema worse",
            "my son has eczema, is it his gut",
            "does diet make a difference for atopic dermatitis",
            "eczema and food, any link?",
            "eczema and gut",
            "does eczema come from the gut",
            "can diet help atopic dermatitis",
            "eczema diet",
            "is eczema linked to diet",
            "is eczema linked to gut bacteria",
            "can food trigger eczema flares",
            "does gut health matter for eczema",
            "eczema and the microbiome",
            "can changing diet help eczema",
        ],
    ),
    (
        "psoriasis",
        &[
            "is psoriasis related to the gut",
            "does psoriasis have to do with gut health",
            "can gut health affect psoriasis",
            "is psoriasis connected to gut bacteria",
            "does diet affect psoriasis",
            "psoriasis and gut health",
            "does psoriasis have anything to do with the gut",
            "can my diet improve psoriasis",
            "psoriasis gut connection",
            "are psoriasis flares linked to gut bacteria",
            "does gut health influence psoriasis",
            "psoriasis and gut",
            "is psoriasis a gut issue",
            "psoriasis diet help",
            "can gut bacteria affect psoriasis",
            "does psoriasis relate to the gut",
            "is there a psoriasis diet",
            "does the gut play a role in psoriasis",
            "psoriasis and inflammation from the gut",
            "can food help psoriasis",
            "is psoriasis related to diet",
        ],
    ),
    (
        "rosacea",
        &[
            "is rosacea linked to the gut",
            "does gut health affect rosacea",
            "can rosacea be caused by the gut",
            "is rosacea connected to gut bacteria",
            "rosacea and gut health",
            "can diet affect rosacea",
            "does rosacea come from the gut",
            "is rosacea caused by sibo",
            "can gut problems cause rosacea",
            "what's the link between rosacea and gut bacteria",
            "rosacea diet",
            "rosacea and gut",
            "is rosacea a gut issue",
            "does sibo cause rosacea",
            "rosacea gut link",
            "can food affect rosacea",
            "is rosacea linked to diet",
            "does rosacea have gut causes",
            "what is the rosacea gut connection",
            "can rosacea be from sibo",
            "can fixing my gut help rosacea",
        ],
    ),
    (
        "aging",
        &[
            "does gut health affect aging skin",
            "can gut health make skin age faster",
            "is skin aging linked to gut health",
            "does the gut affect wrinkles",
            "can my gut cause premature aging",
            "does gut health affect skin ageing",
            "can gut health cause wrinkles",
            "does an unhealthy gut age your skin",
            "is ageing skin related to gut inflammation",
            "can improving my gut slow down skin ageing",
            "does collagen breakdown come from the gut",
            "aging and gut",
            "does the gut affect ageing",
            "can gut health prevent wrinkles",
            "does gut inflammation age skin",
            "skin aging gut link",
            "can bad gut health speed up skin aging",
            "does the microbiome affect wrinkles",
            "gut health and collagen",
            "can diet slow skin aging",
            "is premature aging caused by inflammation",
        ],
    ),
    (
        "score",
        &[
            "how does the score work",
            "what does my score mean",
            "how do you calculate my daily score",
            "how is my daily score worked out",
            "what is the score based on",
            "why is my score low",
            "what does the score mean",
            "how do I improve my score",
            "how are my daily points calculated",
            "why did my score go down",
            "what's a good score",
            "score?",
            "how does scoring work",
            "what is my daily score",
            "how are points given",
            "what is a good daily score",
            "how is my score worked out",
            "what makes my score go up",
            "why was my score only 40",
            "how does the bot score my day",
            "what do the points mean",
        ],
    ),
    (
        "privacy",
        &[
            "how can I delete my data",
            "what data do you keep",
            "can I delete my account",
            "is my data safe",
            "how do I remove my data",
            "do you share my data",
            "what do you do with my data",
            "how do I wipe my data",
            "can I export my data",
            "who has access to my data",
            "do you store my messages",
            "privacy?",
            "delete my data",
            "how is my data stored",
            "can you delete everything about me",
            "do you sell data",
            "do you keep my data",
            "how do i delete my account",
            "is my info shared",
            "can i get my data",
            "what information do you collect",
        ],
    ),
];

/// Questions outside the document's scope that must never get an answer.
const OFF_TOPIC: &[&str] = &[
    "what's the weather like today",
    "will it rain tomorrow",
    "best pizza near me",
    "where can I get good sushi nearby",
    "how do I reset my iphone",
    "what's the best android phone",
    "who won the election",
    "who is the prime minister of the uk",
    "translate thank you into german",
    "how do you say good morning in french",
    "give me a recipe for lasagne",
    "how do I bake bread",
    "how long do I boil an egg",
    "who won the world cup",
    "what time does the football start",
    "how do I write a for loop in python",
    "why won't my javascript code compile",
    "tell me a joke",
    "what's the capital of australia",
    "how far is the moon",
    "what's 15 times 23",
    "recommend a good movie",
    "how do I get to the airport",
    "what's the stock price of apple",
    "how do I fix my wifi",
    "book me a table for two",
    "what is bitcoin",
    "how do I lose belly fat fast",
    "set an alarm for 7am",
    "who wrote harry potter",
    "best running shoes",
    "how many calories in a banana",
    "what day is it today",
    "what's a good name for a cat",
    "how do I change a tyre",
    "when is the next train to london",
    "what's the score in the arsenal game",
    "is the president doing a good job",
    "what's a good pizza topping",
    "how do I cook salmon",
];

/// More out-of-scope questions for the held-out check (some share a word with a topic).
const HELD_OUT_OFF_TOPIC: &[&str] = &[
    "what's the weather in paris",
    "is it going to be sunny this weekend",
    "any good pizza places around here",
    "where's the nearest mcdonalds",
    "my phone battery dies fast, what do I do",
    "which iphone should I buy",
    "who should I vote for",
    "what do you think about the government",
    "how do I say cheers in italian",
    "translate this to english: bonjour",
    "how do I make a chocolate cake",
    "recipe for lentil soup",
    "how long should I roast a chicken",
    "who won the match last night",
    "what's the latest football score",
    "how do I center a div in css",
    "fix this python error: index out of range",
    "what's the meaning of life",
    "how tall is mount everest",
    "can you write me a poem",
    "how do I get a job at google",
    "what's the best laptop for students",
    "how much does a flight to new york cost",
    "what's a good book to read",
    "how do I learn guitar",
    "how do I get rid of a headache",
    "is it safe to fly when pregnant",
    "what's the best protein powder",
    "how many steps should I walk a day",
    "how do I sleep better",
    "what's 2 plus 2",
    "how old is the universe",
    "what is the tallest building",
    "who is taylor swift",
    "how do I open a bank account",
    "weather tomorrow?",
    "is it cold outside",
    "where can i get pizza",
    "best burger place in town",
    "how do i update my phone",
    "is the new samsung phone good",
    "who won the last election",
    "what's the news today",
    "translate 'thank you' to japanese",
    "what does 'hola' mean in english",
    "how do i make pancakes",
    "easy dinner recipes",
    "how to cook rice",
    "who won the champions league",
    "when does the tennis start",
    "how do i learn to code",
    "what is an api",
    "can you help me with my homework",
    "what's your name",
    "how are you",
    "tell me something funny",
    "what is the population of china",
    "convert 5 miles to km",
    "how do i fix my car",
    "what's the best tv show",
    "where should i go on holiday",
    "how much is a ticket to london",
    "what's a good gift for my mum",
    "how do i grow tomatoes",
    "how do i train my dog",
    "what's the best coffee machine",
    "how many calories should i eat",
    "what is the best diet for weight loss",
    "how to build muscle",
    "what's the time in tokyo",
    "good songs for a party",
    "how do i write a cv",
    "how to meditate",
    "what is quantum physics",
    "how do i clean my oven",
    "will it snow this week",
    "what's the temperature outside",
    "best italian restaurant near me",
    "order me a pizza",
    "how do i reset my password",
    "what's the best smartphone",
    "who is the current president",
    "what's happening in the news",
    "how do you say hello in german",
    "translate goodbye to french",
    "chocolate chip cookie recipe",
    "how to make sushi at home",
    "how to cook pasta",
    "who won the super bowl",
    "when is the next world cup",
    "how do i install python",
    "what is machine learning",
    "what's the best programming language",
    "tell me a story",
    "who are you",
    "how many continents are there",
    "what's the speed of light",
    "how do i file my taxes",
    "where can i buy cheap flights",
    "what should i watch on netflix",
    "how do i tie a tie",
    "how to paint a wall",
    "what's a good birthday present",
    "how much water should i drink a day",
    "how many hours should i sleep",
    "is running good for you",
    "how do i stop snoring",
    "what is the best mattress",
    "how to get rid of a cold",
    "what's the best shampoo",
    "how do i whiten my teeth",
    "can dogs eat chocolate",
    "how do i lose weight quickly",
    "what is a healthy bmi",
    "best time to go to the gym",
];

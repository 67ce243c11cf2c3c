//! Parser throughput over a realistic mix of messages, beside the floor: the same phrase
//! automaton scanning the same text with no parsing at all. The ratio of the two rates is the
//! parser's overhead. Also times building the lexicon from its TOML file.
//!
//! Run: `cargo bench --bench parse` (release profile, one thread).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use gutskin::food::Lexicon;

/// Messages written the way people write a food diary: short, mixed case, typos, emoji.
const MESSAGES: &[&str] = &[
    "porridge with blueberries and a spoon of kefir",
    "2 beers and a burger",
    "Breakfast: overnight oats with chia. Lunch: chicken caesar wrap. Dinner: salmon, rice and broccoli",
    "coffee, no sugar",
    "🍕🍺🍺",
    "tuna salad sandwich and a packet of crisps",
    "a large glass of red wine",
    "greek yoghurt with honey and walnuts",
    "skipped breakfast, had a big mac and fries for lunch",
    "kimchi fried rice",
    "lentil soup with a slice of sourdough",
    "a couple of biscuits with my tea",
    "3 pints at the pub then a kebab on the way home",
    "scrambled eggs on wholemeal toast, half an avocado",
    "smoothie with banana, spinach, frozen berries and flaxseed",
    "didn't have dessert tonight",
    "chocolate cake 🎂",
    "85% dark chocolate, 2 squares",
    "non-alcoholic beer and some peanuts",
    "pasta with garlic, olive oil and cherry tomatoes",
    "Apple",
    "handful of almonds",
    "brocoli and sweet potato mash with a fillet of mackerel",
    "Diet Coke and a chicken salad",
    "200g salmon with asparagus",
    "ate a whole bag of doritos lol",
    "miso soup, sushi and green tea",
    "hummus with carrots and cucumber",
    "instant noodles again",
    "fish and chips on friday",
    "bowl of sugary cereal with milk",
    "sauerkraut on a hot dog",
    "just water today",
    "Frappuccino and a blueberry muffin",
    "quinoa bowl with chickpeas, roasted cauliflower and tahini",
    "unsweetened almond milk latte",
    "margarita x2 and nachos",
    "banana",
    "beef stew with onions, carrots and potatoes",
    "two slices of pizza and a coke",
];

fn bench_parse(c: &mut Criterion) {
    let lexicon = Lexicon::builtin().expect("lexicon");
    let mut group = c.benchmark_group("messages");
    group.throughput(Throughput::Elements(MESSAGES.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            let mut n = 0;
            for m in MESSAGES {
                n += lexicon.parse(black_box(m)).items.len();
            }
            n
        })
    });
    group.bench_function("raw_automaton_scan", |b| {
        b.iter(|| {
            let mut n = 0;
            for m in MESSAGES {
                n += lexicon.scan_count(black_box(m));
            }
            n
        })
    });
    group.finish();
}

fn bench_build(c: &mut Criterion) {
    c.bench_function("lexicon_load_and_build", |b| {
        b.iter(|| Lexicon::builtin().expect("lexicon"))
    });
}

criterion_group!(benches, bench_parse, bench_build);
criterion_main!(benches);

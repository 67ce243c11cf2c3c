//! The meal parser's hard cases, each as the rule it protects, against the built-in lexicon.

use gutskin::food::{Category, Item, Lexicon, Meal};
use std::sync::OnceLock;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::builtin().expect("the built-in lexicon loads"))
}

fn parse(text: &str) -> Meal<'static> {
    lexicon().parse(Box::leak(text.to_string().into_boxed_str()))
}

fn ids(meal: &Meal<'_>) -> Vec<&'static str> {
    meal.categories.iter().map(Category::id).collect()
}

fn item<'m>(meal: &'m Meal<'static>, food: &str) -> &'m Item<'static> {
    meal.items
        .iter()
        .find(|i| i.food == food)
        .unwrap_or_else(|| panic!("no {food:?} in {:?}", meal.items))
}

fn foods(meal: &Meal<'_>) -> Vec<String> {
    meal.items
        .iter()
        .filter(|i| !i.negated)
        .map(|i| i.food.to_string())
        .collect()
}

#[test]
fn quantities() {
    assert_eq!(item(&parse("2x banana"), "banana").quantity, 2.0);
    assert_eq!(item(&parse("banana x2"), "banana").quantity, 2.0);
    assert_eq!(item(&parse("two bananas"), "banana").quantity, 2.0);
    assert_eq!(item(&parse("½ avocado"), "avocado").quantity, 0.5);
    assert_eq!(item(&parse("half an avocado"), "avocado").quantity, 0.5);
    assert_eq!(item(&parse("a couple of apples"), "apple").quantity, 2.0);
    assert_eq!(item(&parse("3 beers"), "beer").quantity, 3.0);
    assert_eq!(
        item(&parse("a handful of almonds"), "almonds").quantity,
        1.0
    );
    let salmon = parse("200g salmon");
    let salmon = item(&salmon, "salmon");
    assert_eq!(salmon.grams, Some(200.0));
    assert!(salmon.quantity > 0.0);
    // Fibre follows the amount: two bananas hold twice the fibre of one.
    let one = item(&parse("a banana"), "banana").fibre_g;
    let two = item(&parse("2 bananas"), "banana").fibre_g;
    assert!(one > 0.0 && (two - 2.0 * one).abs() < 0.15, "{one} {two}");
}

#[test]
fn negation_removes_a_food() {
    assert_eq!(ids(&parse("tea, no sugar")), Vec::<&str>::new());
    assert_eq!(
        ids(&parse("cup of coffee without sugar")),
        Vec::<&str>::new()
    );
    assert!(!parse("soup without onions")
        .categories
        .contains(Category::Prebiotic));
    assert!(!parse("skipped the fries")
        .categories
        .contains(Category::FastFood));
    assert!(!parse("didn't have dessert")
        .categories
        .contains(Category::Sugar));
    assert!(parse("skipped the beer tonight").categories.is_empty());
    let meal = parse("no onions or garlic please");
    assert!(meal.items.iter().all(|i| i.negated), "{:?}", meal.items);
    // Negation ends with its clause.
    let meal = parse("no sugar, but a cookie");
    assert!(meal.categories.contains(Category::Sugar));
    assert!(parse("had a burger, not fries")
        .items
        .iter()
        .any(|i| i.negated && i.food.contains("fries")));
}

#[test]
fn modifiers_remove_one_category() {
    // Sugar-free and unsweetened keep the food, drop its sugar.
    assert!(!parse("sugar-free red bull")
        .categories
        .contains(Category::Sugar));
    assert!(parse("sugar-free red bull")
        .categories
        .contains(Category::UltraProcessed));
    assert!(!parse("unsweetened iced tea")
        .categories
        .contains(Category::Sugar));
    assert!(!parse("coke, no sugar").categories.contains(Category::Sugar));
    // Alcohol-free drinks.
    for text in [
        "alcohol-free beer",
        "0.0 lager",
        "non-alcoholic beer",
        "a non alcoholic cider",
        "virgin mojito",
        "beer 0.0%",
    ] {
        assert!(
            !parse(text).categories.contains(Category::Alcohol),
            "{text}: {:?}",
            parse(text).items
        );
        assert!(parse(text).has_food(), "{text} still names a drink");
    }
    assert!(parse("a 5% lager").categories.contains(Category::Alcohol));
}

#[test]
fn typos_in_long_words_are_corrected() {
    for (typo, food) in [
        ("cauliflowr cheese", "cauliflower"),
        ("chickpeaz", "chickpeas"),
        ("pistacios", "pistachios"),
        ("kombuca", "kombucha"),
        ("sauerkrautt", "sauerkraut"),
        ("asparagos spears", "asparagus"),
    ] {
        let meal = parse(typo);
        let found = meal.items.iter().find(|i| i.food == food);
        assert!(
            found.is_some_and(|i| i.corrected),
            "{typo}: {:?}",
            meal.items
        );
    }
    for (listed, food) in [
        ("brocoli", "broccoli"),
        ("bluberries", "blueberries"),
        ("yoghurt", "yogurt"),
        ("saurkraut", "sauerkraut"),
    ] {
        assert_eq!(foods(&parse(listed)), [food], "{listed}");
    }
}

#[test]
fn similar_short_words_are_never_confused() {
    assert_eq!(foods(&parse("a pear")), ["pear"]);
    assert_eq!(foods(&parse("peas")), ["peas"]);
    assert_eq!(foods(&parse("pears and peas")), ["pear", "peas"]);
    assert!(parse("saw a bear").items.is_empty());
    assert!(parse("gummy bears").categories.contains(Category::Sugar));
    assert!(!parse("two bears").categories.contains(Category::Alcohol));
    assert!(!parse("see you later")
        .categories
        .contains(Category::Alcohol));
    assert!(!parse("lunch break").has_food());
}

#[test]
fn several_meals_in_one_message() {
    let meal = parse("Breakfast: porridge with flaxseed. Lunch: tuna sandwich. Dinner: dal");
    assert_eq!(item(&meal, "flaxseed").meal, Some("breakfast"));
    let dal = meal
        .items
        .iter()
        .find(|i| i.plants.iter().any(|p| p == "lentil"))
        .expect("dal");
    assert_eq!(dal.meal, Some("dinner"));
    assert!(meal.categories.contains(Category::Omega3));
    // A label is not a food: "Dessert:" names the section, the fruit is what was eaten.
    let meal = parse("Dessert: an apple");
    assert!(!meal.categories.contains(Category::Sugar));
    assert_eq!(item(&meal, "apple").meal, Some("dessert"));
}

#[test]
fn cocoa_percentage_decides_dark_chocolate() {
    assert_eq!(ids(&parse("99% dark chocolate")), ["polyphenol"]);
    assert_eq!(ids(&parse("dark chocolate, 85 percent")), ["polyphenol"]);
    assert_eq!(ids(&parse("2 squares of 70% dark chocolate")), ["sugar"]);
    assert_eq!(ids(&parse("milk chocolate bar")), ["sugar"]);
}

#[test]
fn compound_foods_are_one_food() {
    let cases: &[(&str, &[&str])] = &[
        ("peanut butter on toast", &[]),
        ("chocolate cake", &["sugar"]),
        ("milk chocolate", &["sugar"]),
        ("beer-battered fish", &[]),
        ("non-alcoholic beer", &[]),
        ("onion rings", &["fast_food"]),
        ("banana bread", &["sugar"]),
        ("hot dog", &["ultra_processed"]),
        ("ice cream", &["sugar"]),
        ("apple pie", &["sugar"]),
        ("sweet potato", &["fiber"]),
    ];
    for (text, expected) in cases {
        assert_eq!(
            &ids(&parse(text)),
            expected,
            "{text}: {:?}",
            parse(text).items
        );
    }
    assert!(parse("garlic bread")
        .categories
        .contains(Category::Prebiotic));
    assert_eq!(parse("peanut butter").plants, ["peanut"]);
}

#[test]
fn plants_count_once_per_plant() {
    assert_eq!(parse("banana and another banana").plants, ["banana"]);
    assert_eq!(parse("blueberries and raspberries").plants.len(), 2);
    assert_eq!(parse("a blueberry, more blueberries").plants, ["blueberry"]);
    assert!(parse("coffee and green tea with cinnamon")
        .plants
        .is_empty());
}

#[test]
fn emoji_case_and_accents() {
    assert!(parse("🍕🍺").categories.contains(Category::Alcohol));
    assert!(parse("🍕🍺").categories.contains(Category::FastFood));
    assert!(parse("🥦").categories.contains(Category::Fiber));
    assert_eq!(foods(&parse("BROCCOLI")), ["broccoli"]);
    assert!(parse("Café au lait and a crème brûlée")
        .categories
        .contains(Category::Sugar));
}

#[test]
fn matched_text_is_the_users_own_words() {
    let text = "Had 2 BLUEBERRY muffins";
    let meal = parse(text);
    assert_eq!(meal.items.len(), 1, "{:?}", meal.items);
    assert_eq!(meal.items[0].matched, "BLUEBERRY muffins");
    assert_eq!(meal.items[0].quantity, 2.0);
}

#[test]
fn bad_input_gives_a_valid_meal() {
    let huge = "porridge and kefir. ".repeat(5_000);
    assert!(huge.len() >= 100_000);
    let meal = parse(&huge);
    assert!(meal.categories.contains(Category::Fermented));
    let binary: String = String::from_utf8_lossy(&[0xff, 0x00, 0xfe, 0x80, b'a', 0x9f]).into();
    let inputs = [
        "",
        " ",
        binary.as_str(),
        "שלום עולם סלט",
        "مرحبا بالعالم",
        "😀😀🎉",
        "?!.,;:-()%%%",
        "\u{202e}kefir\u{202c}",
        "0.0.0.0 1/0 ½½½ 99999999999999999999999999%",
    ];
    for text in inputs {
        let meal = parse(text);
        assert!(serde_json::to_string(&meal).is_ok());
        assert!(meal.fibre_g.is_finite());
    }
}

#[test]
fn json_has_the_documented_fields() {
    let json = serde_json::to_value(parse("3 beers and a burger")).unwrap();
    for key in ["categories", "plants", "fibre_g", "items"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    let item = &json["items"][0];
    for key in [
        "food",
        "matched",
        "quantity",
        "categories",
        "plants",
        "fibre_g",
        "negated",
    ] {
        assert!(item.get(key).is_some(), "{key}");
    }
    assert_eq!(
        json["categories"],
        serde_json::json!(["alcohol", "fast_food"])
    );
}

#[test]
fn idioms_with_food_words_are_not_food() {
    for text in [
        "Apple Watch says 12k steps",
        "going bananas at work",
        "that exam was a piece of cake",
        "cool beans",
        "my gut flora",
    ] {
        assert!(
            parse(text).items.is_empty(),
            "{text}: {:?}",
            parse(text).items
        );
    }
    // The idiom takes only its own words: a real food beside it still counts.
    assert_eq!(foods(&parse("going bananas, ate an apple")), ["apple"]);
}

#[test]
fn craving_is_not_eating() {
    assert!(!parse("craving a big mac so bad")
        .categories
        .contains(Category::FastFood));
    assert!(!parse("I want cake").categories.contains(Category::Sugar));
    assert!(!parse("was tempted by the doughnuts")
        .categories
        .contains(Category::Sugar));
    assert!(parse("craving pizza so I had a burger")
        .categories
        .contains(Category::FastFood));
}

#[test]
fn an_emoji_after_a_food_is_the_same_food() {
    // It follows the food's negation and modifiers instead of adding them back.
    assert!(parse("no beer tonight 🍺").categories.is_empty());
    assert!(parse("0.0 beer 🍺").categories.is_empty());
    assert!(parse("alcohol-free prosecco 🥂").categories.is_empty());
    assert!(parse("cider 🍺").categories.contains(Category::Alcohol));
    assert!(parse("🍺🍺").categories.contains(Category::Alcohol));
}

#[test]
fn six_letter_typos_may_substitute_a_letter() {
    for (typo, food) in [("garlec", "garlic"), ("kimshi", "kimchi")] {
        let meal = parse(typo);
        assert!(
            meal.items.iter().any(|i| i.food == food && i.corrected),
            "{typo}: {:?}",
            meal.items
        );
    }
    // Five-letter words may not ("kefor" is not kefir), and real words are never corrected.
    assert!(parse("kefor").items.is_empty());
    assert!(parse("absolute disaster").items.is_empty());
    assert!(parse("an activist").items.is_empty());
}

#[test]
fn crisp_flavours_and_sweetened_coffee() {
    assert_eq!(
        ids(&parse("Pringles sour cream & onion")),
        ["ultra_processed"]
    );
    assert!(parse("pumpkin spice latte")
        .categories
        .contains(Category::Sugar));
    assert!(parse("flat white").categories.is_empty());
}

#[test]
fn a_name_that_is_also_a_size_describes_the_next_food() {
    assert_eq!(ids(&parse("a monster burger")), ["fast_food"]);
    assert!(parse("had a monster for breakfast")
        .categories
        .contains(Category::UltraProcessed));
}

#[test]
fn a_spirit_with_a_sugary_mixer_is_both_drinks() {
    assert_eq!(ids(&parse("jack and coke")), ["alcohol", "sugar"]);
    assert_eq!(
        ids(&parse("vodka diet coke")),
        ["alcohol", "ultra_processed"]
    );
    // A dish named after a helpful food keeps it: garlic prawns hold garlic.
    assert!(parse("garlic prawns")
        .categories
        .contains(Category::Prebiotic));
}

#[test]
fn saying_no_is_not_eating() {
    assert!(parse("said no to cake at work").categories.is_empty());
    assert!(parse("could murder a pint").categories.is_empty());
    assert!(parse("quit sugar in my tea").categories.is_empty());
    // "want to" followed by a logging verb is not a craving.
    assert_eq!(foods(&parse("want to log a banana")), ["banana"]);
}

#[test]
fn a_retraction_takes_back_the_food_before_it() {
    let meal = parse("ordered pizza but gave it all to my flatmates, I had a yoghurt");
    assert_eq!(ids(&meal), ["fermented"]);
    // Only within its sentence.
    assert!(parse("pizza. gave it to the dog")
        .categories
        .contains(Category::FastFood));
}

// ----- issue 13: every food once, with its count, under its own name -----

/// The foods eaten, each with its count: ("pizza", 2.0).
fn eaten(text: &str) -> Vec<(String, f32)> {
    parse(text)
        .items
        .iter()
        .filter(|i| !i.negated)
        .map(|i| (i.food.to_string(), i.quantity))
        .collect()
}

fn pairs(list: &[(&str, f32)]) -> Vec<(String, f32)> {
    list.iter().map(|(f, q)| (f.to_string(), *q)).collect()
}

#[test]
fn a_food_named_twice_is_one_item() {
    assert_eq!(eaten("a glass of red wine 🍷"), pairs(&[("red wine", 1.0)]));
    assert_eq!(eaten("donut 🍩"), pairs(&[("doughnut", 1.0)]));
    assert_eq!(eaten("🍕🍺🍺"), pairs(&[("pizza", 1.0), ("beer", 2.0)]));
    assert_eq!(eaten("beers 🍺🍺🍺"), pairs(&[("beer", 3.0)]));
    assert_eq!(
        eaten("coffee at 8, another coffee at 11 and a kitkat"),
        pairs(&[("coffee", 2.0), ("kitkat", 1.0)])
    );
    // A serving named again is the same serving.
    assert_eq!(
        eaten("cajun fries and a cheeseburger, shared the fries with my bf"),
        pairs(&[("cajun fries", 1.0), ("cheeseburger", 1.0)])
    );
    // Taco Bell's 🌮 are tacos, not more Taco Bell.
    assert_eq!(eaten("taco bell run 🌮🌮🌮")[0].1, 3.0);
}

#[test]
fn counts_in_every_form() {
    for (text, food, count) in [
        ("3 glasses of wine", "wine", 3.0),
        ("3 pints of lager", "lager", 3.0),
        ("two shots of tequila", "tequila", 2.0),
        ("tacos, 3 of them", "taco", 3.0),
        ("wings x6", "chicken wings", 6.0),
        ("wings ×6", "chicken wings", 6.0),
        ("pierogi (8) with sour cream", "pierogi", 8.0),
        (
            "gingerbread men from the bakery, i had three",
            "gingerbread men",
            3.0,
        ),
        ("a corona with dinner then another one after", "corona", 2.0),
        ("2 slices of pizza from dominos", "pizza", 2.0),
        ("2 flat whites", "flat white", 2.0),
        ("8 count nuggets", "chicken nuggets", 8.0),
    ] {
        let meal = parse(text);
        let found = item(&meal, food);
        assert_eq!(found.quantity, count, "{text}");
    }
}

#[test]
fn counted_pieces_are_parts_of_a_portion() {
    // A portion of tacos is two, of pizza two slices: counts are of tacos and slices.
    let one = item(&parse("a taco"), "taco").fibre_g;
    let three = item(&parse("3 tacos"), "taco").fibre_g;
    let portion = item(&parse("tacos"), "taco").fibre_g;
    assert!((three - 3.0 * one).abs() < 0.2, "{one} {three}");
    assert!((portion - 2.0 * one).abs() < 0.2, "{one} {portion}");
    let slice = item(&parse("a slice of pizza"), "pizza").fibre_g;
    let portion = item(&parse("pizza"), "pizza").fibre_g;
    assert!((portion - 2.0 * slice).abs() < 0.2, "{slice} {portion}");
    // "a few" of something not counted in pieces is no three portions.
    assert_eq!(item(&parse("a few nachos"), "nachos").quantity, 1.0);
}

#[test]
fn chains_and_shops_are_where_food_came_from() {
    let roll = parse("Greggs sausage roll");
    assert_eq!(foods(&roll), ["sausage roll"]);
    assert_eq!(roll.items[0].from.as_deref(), Some("greggs"));
    assert_eq!(foods(&parse("salad from tesco")), ["salad"]);
    assert_eq!(foods(&parse("2 slices of pizza from dominos")), ["pizza"]);
    // Food from a fast-food chain is fast food.
    assert!(parse("mcdonalds apple pie")
        .categories
        .contains(Category::FastFood));
    // Named alone, a restaurant is one typical meal; a shop is nothing eaten.
    let meal = parse("had a mcdonalds");
    assert_eq!(meal.items.len(), 1);
    assert!(meal.categories.contains(Category::FastFood));
    assert!(
        meal.fibre_g > 2.0 && meal.fibre_g < 10.0,
        "{}",
        meal.fibre_g
    );
    assert!(parse("went to tesco").items.is_empty());
    assert!(!parse("walked past a KFC").has_food());
}

#[test]
fn dishes_are_shown_under_their_own_names() {
    for name in [
        "raita",
        "pilau rice",
        "garlic naan",
        "samosa",
        "gulab jamun",
        "moussaka",
        "butter chicken",
        "coconut chutney",
        "marmite",
        "jollof rice",
        "pierogi",
        "pastel de nata",
    ] {
        let meal = parse(name);
        assert_eq!(foods(&meal), [name], "{name}");
    }
}

#[test]
fn dishes_count_the_plants_in_them() {
    assert!(parse("greek salad").plants.len() >= 3);
    assert_eq!(parse("rajma chawal").plants, ["kidney bean", "rice"]);
    assert!(parse("rajma chawal").categories.contains(Category::Fiber));
    assert!(!parse("shakshuka").plants.is_empty());
    assert!(!parse("sushi").plants.is_empty());
    // An ingredient before a dish is part of it: one item, its plant counted.
    let jam = parse("lingonberry jam");
    assert_eq!(foods(&jam), ["lingonberry jam"]);
    assert_eq!(jam.plants, ["lingonberry"]);
}

#[test]
fn fibre_counts_a_dish_or_its_listed_parts_not_both() {
    let listed = parse("full english: eggs, beans, toast");
    assert_eq!(foods(&listed), ["egg", "beans", "toast"]);
    let parts = parse("eggs, beans, toast");
    assert!((listed.fibre_g - parts.fibre_g).abs() < 0.05);
}

#[test]
fn food_not_eaten_by_the_writer_is_not_logged() {
    for (text, eaten_foods) in [
        (
            "my flatmate ordered a curry, I just had toast",
            vec!["toast"],
        ),
        ("might get a takeaway later", vec![]),
        ("made the kids nuggets, had a salad myself", vec!["salad"]),
        ("bought my mum a cake", vec![]),
        ("ordered pizza and wings but cancelled", vec![]),
        ("hubby had a beer, I stuck to water", vec!["water"]),
        ("two sugars in his tea, none in mine", vec![]),
        (
            "a bottle of prosecco for saturday, tonight just miso soup",
            vec!["miso soup"],
        ),
        (
            "bought a dozen doughnuts for the office, had one myself",
            vec!["doughnut"],
        ),
        (
            "this arvo: a sausage roll, no wait it was a steak bake",
            vec!["steak bake"],
        ),
    ] {
        assert_eq!(foods(&parse(text)), eaten_foods, "{text}");
    }
    let why = parse("my flatmate ordered a curry");
    assert_eq!(
        why.items[0].not_eaten,
        Some(gutskin::food::NotEaten::SomeoneElse)
    );
}

#[test]
fn negation_reaches_only_its_own_food() {
    assert_eq!(foods(&parse("no mayo and a coke")), ["coke"]);
    assert_eq!(foods(&parse("no milk + 2 digestives")), ["digestives"]);
    assert_eq!(foods(&parse("no onions or garlic")), Vec::<String>::new());
    assert_eq!(
        foods(&parse("caramel frappe, hold the whipped cream")),
        ["caramel frappe"]
    );
    assert_eq!(
        foods(&parse("sweet potato fries instead of normal fries")),
        ["sweet potato fries"]
    );
}

#[test]
fn words_in_other_senses_are_not_food() {
    assert!(ids(&parse("a turmeric shot")).is_empty());
    assert!(ids(&parse("a wheatgrass shot")).is_empty());
    assert!(parse("a sugar rush after lunch").items.is_empty());
    assert!(parse("feeling a sugar low").items.is_empty());
    assert!(parse("got my flu shot").items.is_empty());
    // "chips" are crisps alone, fries beside fish or a burger.
    assert!(parse("chips and a coke")
        .categories
        .contains(Category::UltraProcessed));
    assert!(parse("fish and chips")
        .categories
        .contains(Category::FastFood));
    assert!(parse("burger and chips")
        .categories
        .contains(Category::FastFood));
}

#[test]
fn plurals_meet_singulars_both_ways() {
    assert_eq!(foods(&parse("blueberries")), foods(&parse("blueberry")));
    assert_eq!(foods(&parse("2 energy drinks")), ["energy drink"]);
    // A plural whose singular is an ordinary word stays what it is.
    assert_eq!(foods(&parse("dates")), ["dates"]);
    assert!(parse("on a date").items.is_empty());
}

#[test]
fn unknown_food_words_are_kept_not_guessed() {
    let meal = parse("had zibbleberry and bread");
    assert_eq!(foods(&meal), ["bread"]);
    assert_eq!(meal.unrecognised, ["zibbleberry"]);
    // Ordinary words and names are not reported.
    assert!(parse("pizza with Sarah at the cinema")
        .unrecognised
        .is_empty());
}

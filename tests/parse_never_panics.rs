//! Property: any text at all parses to a valid meal without panicking.

use gutskin::food::Lexicon;
use proptest::prelude::*;
use std::sync::OnceLock;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::builtin().expect("the built-in lexicon loads"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,200}") {
        let meal = lexicon().parse(&text);
        prop_assert!(meal.fibre_g.is_finite() && meal.fibre_g >= 0.0);
        for item in &meal.items {
            prop_assert!(text.contains(item.matched));
            prop_assert!(item.quantity.is_finite() && item.quantity >= 0.0);
        }
    }

    #[test]
    fn food_words_mixed_with_noise_never_panic(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("2x".to_string()), Just("½".to_string()), Just("no".to_string()),
                Just("beer".to_string()), Just("0.0".to_string()), Just("%".to_string()),
                Just("dark chocolate".to_string()), Just("Lunch:".to_string()),
                Just("of".to_string()), Just("pint".to_string()), Just("🍺".to_string()),
                Just("free".to_string()), Just("x".to_string()), "\\PC{0,6}",
            ],
            0..30,
        )
    ) {
        let text = parts.join(" ");
        let meal = lexicon().parse(&text);
        prop_assert!(serde_json::to_string(&meal).is_ok());
    }
}

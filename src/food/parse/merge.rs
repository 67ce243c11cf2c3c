//! One item per food eaten.
//!
//! A message often names one food twice: a word and its emoji ("donut 🍩"), a container
//! phrase and the word ("a glass of red wine"), a chain and its dish ("McDonalds big mac"),
//! a dish and its parts ("full english: eggs, beans, toast"), or the same food again later
//! ("coffee at 8, another coffee at 11"). These rules turn the first reading into the list a
//! person expects to read back: each food once, with its count.

use super::{breaks_clause, ends_sentence, Category, Draft, Lexicon, Mention, Plants};
use crate::food::lexicon::{singular, ChainKind, Food};
use crate::food::text::{TokenKind, Tokens};
use std::borrow::Cow;

/// Words before a chain that make it where the food before them came from: "pizza from
/// dominos", "a salad at pret".
const FROM_WORDS: &[&str] = &["from", "at", "frm", "fr", "in", "via", "outside", "off"];
/// Words that may stand between such a word and the chain: "from the local greggs".
const CHAIN_FILLERS: &[&str] = &["the", "a", "my", "local", "nearest", "usual", "an", "our"];

fn is_symbol(tokens: &Tokens, draft: &Draft<'_>) -> bool {
    draft.first == draft.last && tokens.list[draft.first].kind == TokenKind::Symbol
}

/// Whether `general`'s shown name is contained, word for word, in `specific`'s ("wine" in
/// "red wine").
fn name_within(general: &str, specific: &str) -> bool {
    general.split(' ').all(|w| {
        specific
            .split(' ')
            .any(|s| s == w || s.trim_end_matches('s') == w.trim_end_matches('s'))
    })
}

/// A name with its last word in the singular: "cherries" -> "cherry", "sweet potatoes" ->
/// "sweet potato", for naming a dish after it ("cherry vareniki").
fn singular_phrase(name: &str) -> String {
    match name.rsplit_once(' ') {
        Some((head, last)) => format!("{head} {}", singular(last)),
        None => singular(name),
    }
}

/// Whether the words of `draft` include every word of `name`: "alcohol-free prosecco" names
/// the prosecco of 🥂 even when it reads as another food.
fn words_name(tokens: &Tokens, draft: &Draft<'_>, name: &str) -> bool {
    name.split(' ')
        .all(|w| (draft.first..=draft.last).any(|k| tokens.text(k) == w))
}

impl Lexicon {
    fn food_of(&self, draft: &Draft<'_>) -> &Food {
        &self.foods[draft.item.food_id as usize]
    }

    /// Whether two foods are the same food named two ways: the same entry, one's name within
    /// the other's, or (for an emoji, which stands for a kind of food) a shared category or
    /// plant.
    fn same_food(&self, a: &Draft<'_>, b: &Draft<'_>, loosely: bool) -> bool {
        if a.item.food_id == b.item.food_id {
            return true;
        }
        if name_within(&a.item.food, &b.item.food) || name_within(&b.item.food, &a.item.food) {
            return true;
        }
        if !loosely {
            return false;
        }
        // Emoji picture drinks and treats loosely (🍺 for cider, 🥤 for a coke), but a shared
        // helpful group says nothing: 🥑 is not rye bread because both are fibre.
        let (fa, fb) = (self.food_of(a), self.food_of(b));
        let shared = fa.categories.intersection(fb.categories);
        [Category::Alcohol, Category::Sugar, Category::FastFood]
            .into_iter()
            .any(|c| shared.contains(c))
            || fa.plants.iter().any(|p| fb.plants.contains(p))
    }

    /// Whether an emoji may stand for `draft`: a food in words, not a chain's name ("taco
    /// bell 🌮🌮🌮" is tacos).
    fn may_picture(&self, tokens: &Tokens, draft: &Draft<'_>) -> bool {
        !draft.dropped && !is_symbol(tokens, draft) && self.food_of(draft).chain.is_none()
    }

    /// Emoji: a run of the same emoji is one item with a count ("🍺🍺🍺" is beer x3), and an
    /// emoji after a food it pictures is that food again, not a second one ("donut 🍩", "no
    /// beer tonight 🍺"), giving it its count when the words gave none ("beers 🍺🍺").
    pub(super) fn echo_emoji(&self, tokens: &Tokens, drafts: &mut [Draft<'_>]) {
        let mut i = 0;
        while i < drafts.len() {
            if !is_symbol(tokens, &drafts[i]) || drafts[i].dropped {
                i += 1;
                continue;
            }
            let mut run = 1;
            while i + run < drafts.len()
                && is_symbol(tokens, &drafts[i + run])
                && drafts[i + run].item.food_id == drafts[i].item.food_id
                && drafts[i + run].first == drafts[i + run - 1].last + 1
            {
                drafts[i + run].dropped = true;
                run += 1;
            }
            let pictured = (0..i)
                .rev()
                .take_while(|&j| {
                    (drafts[j].last + 1..drafts[i].first).all(|k| {
                        tokens.list[k].kind == TokenKind::Symbol
                            || !breaks_clause(tokens, k)
                            || tokens.is_punct(k, ',')
                    })
                })
                .filter(|&j| self.may_picture(tokens, &drafts[j]))
                .find(|&j| {
                    self.same_food(&drafts[j], &drafts[i], true)
                        || words_name(tokens, &drafts[j], &drafts[i].item.food)
                });
            // An emoji before the word it pictures: "🥟🥟🥟 dumplings".
            let pictured = pictured.or_else(|| {
                (i + run..drafts.len())
                    .take_while(|&j| {
                        (drafts[i + run - 1].last + 1..drafts[j].first).all(|k| {
                            tokens.list[k].kind == TokenKind::Symbol || !breaks_clause(tokens, k)
                        })
                    })
                    .filter(|&j| self.may_picture(tokens, &drafts[j]))
                    .find(|&j| self.same_food(&drafts[j], &drafts[i], false))
            });
            let count = run as f32;
            match pictured {
                Some(j) => {
                    drafts[i].dropped = true;
                    let text_item = &mut drafts[j];
                    if !text_item.counted && run > 1 && text_item.item.grams.is_none() {
                        text_item.item.quantity = count;
                        text_item.counted = true;
                    }
                }
                None if run > 1 && !drafts[i].counted => {
                    drafts[i].item.quantity = count;
                    drafts[i].counted = true;
                }
                None => {}
            }
            i += run;
        }
    }

    /// The rules of the module comment, after the first reading and the context rules.
    pub(super) fn one_item_per_food<'a>(
        &'a self,
        text: &'a str,
        tokens: &Tokens,
        drafts: &mut [Draft<'a>],
    ) {
        self.place_chains(tokens, drafts);
        self.join_restatements(text, tokens, drafts);
        self.join_compounds(text, tokens, drafts);
        self.fold_sugar(tokens, drafts);
        self.mark_headers(tokens, drafts);
        self.add_up_repeats(drafts);
    }

    /// A chain named with its food is only where the food came from: "2 slices of pizza from
    /// dominos" is pizza, "greggs sausage roll" a sausage roll. A restaurant's categories pass
    /// to that food (an apple pie from McDonald's is fast food too). Named alone, a restaurant
    /// stays as one typical meal ("had a maccies") and a shop is nothing eaten. A chain not
    /// eaten at ("bf got a dominos") is no place for food the writer did eat.
    fn place_chains(&self, tokens: &Tokens, drafts: &mut [Draft<'_>]) {
        for c in 0..drafts.len() {
            let Some(kind) = self.food_of(&drafts[c]).chain else {
                continue;
            };
            if drafts[c].dropped {
                continue;
            }
            let is_chain = |d: &Draft<'_>| self.foods[d.item.food_id as usize].chain.is_some();
            let negated = drafts[c].item.negated;
            let (first, last) = (drafts[c].first, drafts[c].last);
            // Backwards: the foods since the sentence began or the previous chain.
            let backward: Vec<usize> = (0..c)
                .rev()
                .take_while(|&j| !is_chain(&drafts[j]))
                .filter(|&j| (drafts[j].last + 1..first).all(|k| !ends_sentence(tokens, k)))
                .filter(|&j| !drafts[j].dropped && drafts[j].item.negated == negated)
                .collect();
            // Forwards: to the sentence's end or the next chain; "mcdonalds: big mac" too.
            let forward: Vec<usize> = (c + 1..drafts.len())
                .take_while(|&j| !is_chain(&drafts[j]))
                .filter(|&j| {
                    (last + 1..drafts[j].first).all(|k| {
                        !ends_sentence(tokens, k) || (k == last + 1 && tokens.is_punct(k, ':'))
                    })
                })
                .filter(|&j| !drafts[j].dropped && drafts[j].item.negated == negated)
                .collect();
            let mut k = first;
            while k > 0 && CHAIN_FILLERS.contains(&tokens.text(k - 1)) {
                k -= 1;
            }
            let came_from = k > 0 && FROM_WORDS.contains(&tokens.text(k - 1));
            let foods = match (came_from, backward.is_empty(), forward.is_empty()) {
                (true, false, _) | (false, false, true) => backward,
                (_, _, false) => forward,
                _ => Vec::new(),
            };
            if foods.is_empty() {
                if kind == ChainKind::Shop {
                    drafts[c].dropped = true;
                }
                continue;
            }
            drafts[c].dropped = true;
            let (name, categories) = (
                drafts[c].item.food.clone(),
                self.food_of(&drafts[c]).categories,
            );
            for j in foods {
                let item = &mut drafts[j].item;
                item.from = Some(name.clone());
                // Food from a fast-food chain is fast food (TAXONOMY.md: chain names).
                if kind == ChainKind::Restaurant {
                    item.categories = item.categories.union(categories);
                }
            }
        }
    }

    /// Two foods side by side that name one food: "glass of red" and "wine" in "a glass of
    /// red wine", "🍕 pizza". The more specific name stays, with the words of both.
    fn join_restatements<'a>(&self, text: &'a str, tokens: &Tokens, drafts: &mut [Draft<'a>]) {
        let mut prev: Option<usize> = None;
        for i in 0..drafts.len() {
            if drafts[i].dropped {
                continue;
            }
            if let Some(p) = prev {
                // "plantain (dodo)": a name in brackets right after is the same food.
                let bracketed = drafts[i].first == drafts[p].last + 2
                    && tokens.is_punct(drafts[p].last + 1, '(');
                let adjacent = drafts[i].first == drafts[p].last + 1 || bracketed;
                if adjacent
                    && drafts[p].item.negated == drafts[i].item.negated
                    && self.same_food(&drafts[p], &drafts[i], false)
                {
                    let (keep, drop) = if drafts[i].item.food.len() > drafts[p].item.food.len() {
                        (i, p)
                    } else {
                        (p, i)
                    };
                    let (quantity, counted, grams) =
                        if drafts[p].counted || drafts[p].item.grams.is_some() {
                            (
                                drafts[p].item.quantity,
                                drafts[p].counted,
                                drafts[p].item.grams,
                            )
                        } else {
                            (
                                drafts[i].item.quantity,
                                drafts[i].counted,
                                drafts[i].item.grams,
                            )
                        };
                    let span = tokens.list[drafts[p].first].orig.start
                        ..tokens.list[drafts[i].last].orig.end;
                    let first = drafts[p].first;
                    let last = drafts[i].last;
                    drafts[drop].dropped = true;
                    let kept = &mut drafts[keep];
                    kept.item.quantity = quantity;
                    kept.item.grams = grams;
                    kept.counted = counted;
                    kept.item.matched = &text[span];
                    kept.first = first;
                    kept.last = last;
                    prev = Some(keep);
                    continue;
                }
            }
            prev = Some(i);
        }
    }

    /// Ingredients named right before a dish that takes them into its name ("tomato salad",
    /// "lingonberry jam", "tuna sweetcorn sandwich"): one food, shown as the ingredients and
    /// the dish, counting the ingredients' plants and categories too.
    fn join_compounds<'a>(&'a self, text: &'a str, tokens: &Tokens, drafts: &mut [Draft<'a>]) {
        for i in 1..drafts.len() {
            if drafts[i].dropped || !self.compound_heads.contains(&drafts[i].item.food_id) {
                continue;
            }
            while let Some(p) = (0..i).rev().find(|&j| !drafts[j].dropped) {
                if !self.joins_as_ingredient(tokens, &drafts[p], &drafts[i]) {
                    break;
                }
                let ingredient = self.food_of(&drafts[p]);
                // Named as the person wrote the ingredient ("caramel frappe"), unless it was
                // a typo, then by the lexicon's name for it.
                let lexicon_name = format!(
                    "{} {}",
                    singular_phrase(ingredient.shown_name(0)),
                    drafts[i].item.food
                );
                let name = match drafts[p].item.corrected {
                    true => lexicon_name.clone(),
                    false => format!(
                        "{} {}",
                        singular_phrase(&drafts[p].item.matched.to_lowercase()),
                        drafts[i].item.food
                    ),
                };
                let ingredient_fibre = ingredient.fibre_for_portions(1.0);
                // The two words may name a dish of their own ("avacado toast" is avocado
                // toast): then it is that dish.
                let dish = self
                    .lookup_id(&lexicon_name)
                    .or_else(|| self.lookup_id(&name));
                if let Some(id) = dish {
                    let span = tokens.list[drafts[p].first].orig.start
                        ..tokens.list[drafts[i].last].orig.end;
                    let dish = &self.foods[id as usize];
                    let (counted, quantity) = (drafts[p].counted, drafts[p].item.quantity);
                    let first = drafts[p].first;
                    drafts[p].dropped = true;
                    let draft = &mut drafts[i];
                    draft.item.food = Cow::Borrowed(&dish.name);
                    draft.item.food_id = id;
                    draft.item.plants = Plants::of(&dish.plants);
                    draft.item.categories = dish.categories;
                    draft.item.matched = &text[span];
                    draft.first = first;
                    if counted && !draft.counted {
                        draft.item.quantity = quantity;
                        draft.counted = true;
                    }
                    continue;
                }
                let plants = drafts[i].item.plants.with(&ingredient.plants);
                let categories = drafts[p].item.categories.union(drafts[i].item.categories);
                let span =
                    tokens.list[drafts[p].first].orig.start..tokens.list[drafts[i].last].orig.end;
                let (counted, quantity) = (drafts[p].counted, drafts[p].item.quantity);
                let first = drafts[p].first;
                drafts[p].dropped = true;
                let dish = &mut drafts[i];
                dish.item.food = Cow::Owned(name);
                dish.item.plants = plants;
                dish.item.categories = categories;
                dish.item.matched = &text[span];
                dish.first = first;
                // Half a portion of the ingredient: it is part of the dish, not a side.
                dish.extra_fibre += ingredient_fibre / 2.0;
                if counted && !dish.counted {
                    dish.item.quantity = quantity;
                    dish.counted = true;
                }
            }
        }
    }

    /// Whether `ingredient` is a plain food right before `dish`, to be read as part of its
    /// name: not a dish or chain itself, not a word such as "sugar", not an emoji.
    fn joins_as_ingredient(
        &self,
        tokens: &Tokens,
        ingredient: &Draft<'_>,
        dish: &Draft<'_>,
    ) -> bool {
        let food = self.food_of(ingredient);
        ingredient.last + 1 == dish.first
            && ingredient.item.negated == dish.item.negated
            && !is_symbol(tokens, ingredient)
            && food.parts.is_empty()
            && food.chain.is_none()
            && !food.category_word
            && !food.unit
            && !self.compound_heads.contains(&ingredient.item.food_id)
    }

    /// "chai with sugar", "tea w 2 sugars", "coffee (1 sugar)": sugar put in a food is part
    /// of it, which then counts as sugary, not a second item.
    fn fold_sugar(&self, tokens: &Tokens, drafts: &mut [Draft<'_>]) {
        for s in 1..drafts.len() {
            let food = self.food_of(&drafts[s]);
            if drafts[s].dropped || drafts[s].item.negated || !food.category_word {
                continue;
            }
            let Some(p) = (0..s).rev().find(|&j| !drafts[j].dropped) else {
                continue;
            };
            let between: Vec<&str> = (drafts[p].last + 1..drafts[s].first)
                .map(|k| tokens.text(k))
                .collect();
            let put_in = matches!(between.first(), Some(&("with" | "w" | "(" | "plus")))
                && between.iter().skip(1).all(|w| {
                    w.parse::<f32>().is_ok()
                        || matches!(
                            *w,
                            "a" | "one"
                                | "two"
                                | "three"
                                | "spoon"
                                | "teaspoon"
                                | "tsp"
                                | "of"
                                | "some"
                                | "extra"
                        )
                });
            if put_in && !drafts[p].item.negated {
                let categories = drafts[s].item.categories;
                drafts[p].item.categories = drafts[p].item.categories.union(categories);
                drafts[s].dropped = true;
            }
        }
    }

    /// A dish followed by its parts ("full english: eggs, beans, toast", "poke bowl (salmon,
    /// rice, edamame)", "dim sum: har gow, siu mai") is the parts: they carry the fibre and
    /// plants, and the dish is not listed again beside them. After a colon or dash (a word or
    /// two may come between: "mezze night:") any two foods are its parts; otherwise two of
    /// its own listed parts must follow.
    fn mark_headers(&self, tokens: &Tokens, drafts: &mut [Draft<'_>]) {
        for d in 0..drafts.len() {
            if drafts[d].dropped {
                continue;
            }
            let last = drafts[d].last;
            let colon = (last + 1..(last + 5).min(tokens.list.len()))
                .find(|&k| tokens.list[k].kind != TokenKind::Word)
                .filter(|&k| tokens.is_punct(k, ':') || tokens.is_punct(k, '-'))
                .filter(|&k| {
                    drafts[d + 1..]
                        .iter()
                        .find(|next| !next.dropped)
                        .is_none_or(|next| next.first > k)
                });
            if colon.is_none() && self.food_of(&drafts[d]).parts.is_empty() {
                continue;
            }
            let listed: Vec<usize> = (d + 1..drafts.len())
                .filter(|&j| !drafts[j].dropped)
                .take_while(|&j| {
                    (last + 1..drafts[j].first).all(|k| {
                        !['.', ';', '!', '?', ')']
                            .iter()
                            .any(|&ch| tokens.is_punct(k, ch))
                    })
                })
                .collect();
            let parts = &self.food_of(&drafts[d]).parts;
            let named_parts = listed
                .iter()
                .filter(|&&j| parts.contains(&drafts[j].item.food_id))
                .count();
            if (colon.is_some() && listed.len() >= 2) || named_parts >= 2 {
                drafts[d].dropped = true;
                // "maccies breakfast: 2 hash browns, a bacon roll": the parts were served as
                // fast food.
                if drafts[d].item.categories.contains(Category::FastFood) {
                    for &j in &listed {
                        if !drafts[j].item.negated {
                            drafts[j].item.categories.insert(Category::FastFood);
                        }
                    }
                }
            }
        }
    }

    /// The same food named again in the same meal is one item: "coffee at 8, another coffee
    /// at 11" is coffee x2, "wine, wine, wine" wine x3, while "hummus ... 3 tbsp hummus" says
    /// how much hummus and "shared the fries" is the fries named before.
    fn add_up_repeats(&self, drafts: &mut [Draft<'_>]) {
        for i in 0..drafts.len() {
            if drafts[i].dropped {
                continue;
            }
            for j in i + 1..drafts.len() {
                let same_food = !drafts[j].dropped
                    && drafts[j].item.food_id == drafts[i].item.food_id
                    && drafts[j].item.meal == drafts[i].item.meal
                    && drafts[j].item.negated == drafts[i].item.negated;
                // "the fries" after "cajun fries" names that serving, whatever its kind.
                let named_again = drafts[j].mention == Mention::Same;
                if !same_food || (drafts[j].item.food != drafts[i].item.food && !named_again) {
                    continue;
                }
                drafts[j].dropped = true;
                let (later, earlier) = (&drafts[j], &drafts[i]);
                let (quantity, grams, counted) = match later.mention {
                    Mention::Same => continue,
                    Mention::Plain if later.counted && !earlier.counted => {
                        (later.item.quantity, later.item.grams, true)
                    }
                    Mention::More | Mention::Plain => (
                        earlier.item.quantity + later.item.quantity,
                        earlier.item.grams.zip(later.item.grams).map(|(a, b)| a + b),
                        true,
                    ),
                };
                let first = &mut drafts[i];
                first.item.quantity = quantity;
                first.item.grams = grams;
                first.counted = counted;
            }
        }
    }
}

//! Meal text -> foods, categories, plants and fibre.
//!
//! Pure: no storage, no network, no clock. The lexicon (`config/foods/`) says what foods
//! exist and which category each belongs to; [`Lexicon::parse`] applies the reading rules
//! (phrases, typos, negation, quantities, modifiers) to one message.

mod category;
mod lexicon;
mod parse;
mod phrases;
mod text;

pub use category::{Category, CategorySet};
pub use lexicon::{
    ChainKind, Food, Lexicon, LexiconError, PercentRule, PortionCount, BUILTIN_LEXICON,
};
pub use parse::{Item, Meal, NotEaten, Plants};

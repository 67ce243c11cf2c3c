//! gutskin: a Telegram bot that makes the gut-skin connection visible.
//!
//! Layers, with data flowing one way (see `../shared/DESIGN.md`): the pure `food` module reads
//! meals, the pure `knowledge` module answers questions and picks tips from the source
//! document; later layers store them, score days and talk to people.

pub mod food;
pub mod knowledge;

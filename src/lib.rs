//! gutskin: a Telegram bot that makes the gut-skin connection visible.
//!
//! Layers, with data flowing one way (see `../shared/DESIGN.md`): the pure `food` module reads
//! meals, the pure `knowledge` module answers questions and picks tips from the source
//! document, the pure `diary` module keeps days and scores them; later layers store and talk.

pub mod diary;
pub mod food;
pub mod knowledge;
/// Durable storage of users, meals and skin ratings on sled (see `store`).
pub mod store;
/// The conversation, platform-free: inputs in, replies out (see `chat`).
pub mod chat;
/// The conversation in a terminal, over the same engine (see `console`).
pub mod console;

//! gutskin: a Telegram bot that makes the gut-skin connection visible.
//!
//! Layers, with data flowing one way (see `../shared/DESIGN.md`): the pure `food` module reads
//! meals, the pure `knowledge` module answers questions and picks tips from the source
//! document, the pure `diary` module keeps days, scores them and finds food-skin patterns;
//! `store` keeps them durably; `chat` is the conversation, carried by `telegram` and
//! `console`; `digest` comes to each person once a day; `chart` draws their month.

/// The /chart picture: 30 days of scores and skin ratings as a PNG (see `chart`).
pub mod chart;
/// The conversation, platform-free: inputs in, replies out (see `chat`).
pub mod chat;
/// The conversation in a terminal, over the same engine (see `console`).
pub mod console;
pub mod diary;
/// The daily digest and Sunday report at each person's hour (see `digest`).
pub mod digest;
pub mod food;
pub mod knowledge;
/// Durable storage of users, meals and skin ratings on sled (see `store`).
pub mod store;
/// The bot on Telegram: teloxide carrying the engine (see `telegram`).
pub mod telegram;

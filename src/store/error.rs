//! What can go wrong in the store, as one error type for every method.
//!
//! Unreadable records are not errors: they are skipped with a warning where they are read
//! (see `record`), so one damaged value never hides the rest of a diary.

use chrono::NaiveDate;

/// A failed store operation. Nothing it carries includes meal text.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled could not read, write or flush.
    #[error("database error: {0}")]
    Database(#[from] sled::Error),
    /// A record could not be serialised (a bug rather than bad input).
    #[error("could not encode a {kind} record: {source}")]
    Encode {
        kind: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// An entry's diary day is further from the instant it was logged than a repeat or an
    /// edit of its message looks (see [`crate::store::layout::MAX_DAYS_LOGGED_AFTER`]);
    /// stored, it could be logged twice or not be found by an edit.
    #[error("an entry for {local_day} cannot be logged on {logged_on} (UTC)")]
    DayOutOfRange {
        local_day: NaiveDate,
        logged_on: NaiveDate,
    },
}

impl From<sled::transaction::TransactionError<StoreError>> for StoreError {
    fn from(error: sled::transaction::TransactionError<StoreError>) -> StoreError {
        match error {
            sled::transaction::TransactionError::Abort(error) => error,
            sled::transaction::TransactionError::Storage(error) => StoreError::Database(error),
        }
    }
}

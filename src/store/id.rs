//! [`EntryId`]: which entry of a user's diary, short enough for Telegram callback data.
//!
//! An id is the meal key without its user: the instant logged (µs) and the source message
//! id, 16 bytes written as 22 characters of unpadded base64url. It names an entry only
//! together with the user who presses the button, so a callback copied into another chat
//! names nothing there: the store looks it up under the presser's own key prefix.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

/// Length of an id's text form.
pub const ENTRY_ID_CHARS: usize = 22;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// One entry of one user's diary (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId {
    logged_at_micros: i64,
    message_id: i64,
}

/// Text that is not an [`EntryId`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an entry id")]
pub struct EntryIdError;

impl EntryId {
    pub(crate) fn new(logged_at_micros: i64, message_id: i64) -> EntryId {
        EntryId {
            logged_at_micros,
            message_id,
        }
    }

    /// The id of an entry logged at `logged_at` from message `message_id`.
    pub fn of(logged_at: DateTime<Utc>, message_id: i64) -> EntryId {
        EntryId::new(logged_at.timestamp_micros(), message_id)
    }

    /// The Telegram message the entry came from.
    pub fn message_id(&self) -> i64 {
        self.message_id
    }

    /// When the entry was logged, to the microsecond.
    pub fn logged_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_micros(self.logged_at_micros)
    }

    pub(crate) fn logged_at_micros(&self) -> i64 {
        self.logged_at_micros
    }

    fn to_bytes(self) -> [u8; 16] {
        let mut bytes = [0; 16];
        bytes[..8].copy_from_slice(&self.logged_at_micros.to_be_bytes());
        bytes[8..].copy_from_slice(&self.message_id.to_be_bytes());
        bytes
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        let mut text = String::with_capacity(ENTRY_ID_CHARS);
        // 16 bytes = 128 bits = 21 full sextets and 2 bits, padded with zero bits.
        let mut buffer: u32 = 0;
        let mut bits = 0;
        for byte in bytes {
            buffer = (buffer << 8) | u32::from(byte);
            bits += 8;
            while bits >= 6 {
                bits -= 6;
                text.push(char::from(ALPHABET[((buffer >> bits) & 63) as usize]));
            }
        }
        text.push(char::from(ALPHABET[((buffer << (6 - bits)) & 63) as usize]));
        f.write_str(&text)
    }
}

impl FromStr for EntryId {
    type Err = EntryIdError;

    /// Reads the text form back. Only the canonical form is accepted (the two spare bits of
    /// the last character must be zero), so each id has exactly one spelling.
    fn from_str(text: &str) -> Result<EntryId, EntryIdError> {
        if text.len() != ENTRY_ID_CHARS {
            return Err(EntryIdError);
        }
        let mut bytes = [0u8; 16];
        let mut filled = 0;
        let mut buffer: u32 = 0;
        let mut bits = 0;
        for (index, symbol) in text.bytes().enumerate() {
            let value = ALPHABET
                .iter()
                .position(|&candidate| candidate == symbol)
                .ok_or(EntryIdError)? as u32;
            if index == ENTRY_ID_CHARS - 1 {
                // The last character carries the final 2 bits and 4 zero bits.
                if value & 0b1111 != 0 {
                    return Err(EntryIdError);
                }
                buffer = (buffer << 2) | (value >> 4);
                bits += 2;
            } else {
                buffer = (buffer << 6) | value;
                bits += 6;
            }
            if bits >= 8 {
                bits -= 8;
                bytes[filled] = ((buffer >> bits) & 0xff) as u8;
                filled += 1;
            }
        }
        if filled != 16 {
            return Err(EntryIdError);
        }
        let mut half = [0u8; 8];
        half.copy_from_slice(&bytes[..8]);
        let logged_at_micros = i64::from_be_bytes(half);
        half.copy_from_slice(&bytes[8..]);
        Ok(EntryId::new(logged_at_micros, i64::from_be_bytes(half)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        for (at, message) in [
            (0, 0),
            (1_764_300_000_123_456, 4_812),
            (-1, -1),
            (i64::MAX, i64::MIN),
        ] {
            let id = EntryId::new(at, message);
            let text = id.to_string();
            assert_eq!(text.len(), ENTRY_ID_CHARS);
            assert_eq!(text.parse::<EntryId>(), Ok(id), "{text}");
        }
    }

    #[test]
    fn malformed_ids_are_refused() {
        let good = EntryId::new(1_764_300_000_123_456, 77).to_string();
        assert!(good[..21].parse::<EntryId>().is_err());
        assert!(format!("{good}A").parse::<EntryId>().is_err());
        assert!(good.replace(&good[..1], "+").parse::<EntryId>().is_err());
        // Same bits but a non-zero spare bit in the last character.
        let mut sloppy = good.clone();
        sloppy.pop();
        sloppy.push('B');
        assert!(sloppy.parse::<EntryId>().is_err());
        assert!("ééééééééééé".parse::<EntryId>().is_err());
    }
}

//! The compact binary form of a logged meal, the bulk of the database.
//!
//! Meals are most of what the store holds, so their records are binary rather than JSON,
//! about a third of the size (the budget is 400 bytes on disk per meal, sled's own
//! overhead included). The format is not self-describing, which is what the record's version
//! byte is for: a change of layout is a new version, and old versions stay readable.
//!
//! Version 1, after the version byte (varints are LEB128, signed ones zigzag-encoded):
//!
//! | field | encoding |
//! |---|---|
//! | source message id | signed varint |
//! | `logged_at` | signed varint seconds, varint nanoseconds |
//! | `local_day` | signed varint days from 0001-01-01 (CE) |
//! | `text` | varint length, UTF-8 |
//! | item count | varint |
//! | each item: `food` | varint length, UTF-8 |
//! | `quantity`, then categories | f32 little-endian, varint bit mask (see [`CATEGORY_BITS`]) |
//! | `plant` | varint: 0 for none, else length + 1, then UTF-8 |
//! | `fibre_g` | f32 little-endian |
//!
//! Decoding checks everything (lengths against what is left, UTF-8, dates, unknown category
//! bits, trailing bytes) and fails rather than guessing.

use chrono::{DateTime, NaiveDate, Utc};

use crate::diary::{Entry, LoggedItem};
use crate::food::{Category, CategorySet};

/// The category of each bit of a stored mask, by stable id. Append only: a bit's meaning
/// never changes, whatever order `Category` lists its variants in.
const CATEGORY_BITS: [&str; 10] = [
    "fiber",
    "polyphenol",
    "prebiotic",
    "fermented",
    "omega3",
    "olive_oil",
    "sugar",
    "ultra_processed",
    "fast_food",
    "alcohol",
];

/// Why a meal record did not decode. Carries no content, so it is safe to log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodecError {
    /// The record ends in the middle of a field.
    Truncated,
    /// A varint longer than 64 bits.
    Overlong,
    /// Text that is not UTF-8.
    NotUtf8,
    /// A time or day outside what chrono represents.
    BadDate,
    /// A category bit no category has.
    UnknownCategory,
    /// Bytes after the last item.
    TrailingBytes,
}

/// A meal record: the entry and the message it came from.
#[derive(Debug, PartialEq)]
pub(crate) struct MealRecord {
    pub(crate) message_id: i64,
    pub(crate) entry: Entry,
}

/// Appends the version-1 body of a meal record (without the version byte) to `out`.
pub(crate) fn encode_meal(message_id: i64, entry: &Entry, out: &mut Vec<u8>) {
    put_signed(out, message_id);
    put_signed(out, entry.logged_at.timestamp());
    put_unsigned(out, u64::from(entry.logged_at.timestamp_subsec_nanos()));
    put_signed(
        out,
        i64::from(chrono::Datelike::num_days_from_ce(&entry.local_day)),
    );
    put_str(out, &entry.text);
    put_unsigned(out, entry.items.len() as u64);
    for item in &entry.items {
        put_str(out, &item.food);
        out.extend_from_slice(&item.quantity.to_le_bytes());
        put_unsigned(out, u64::from(category_mask(item.categories)));
        match &item.plant {
            None => put_unsigned(out, 0),
            Some(plant) => {
                put_unsigned(out, plant.len() as u64 + 1);
                out.extend_from_slice(plant.as_bytes());
            }
        }
        out.extend_from_slice(&item.fibre_g.to_le_bytes());
    }
}

/// Reads the version-1 body written by [`encode_meal`].
pub(crate) fn decode_meal(bytes: &[u8]) -> Result<MealRecord, CodecError> {
    let mut input = Reader { bytes };
    let message_id = input.signed()?;
    let seconds = input.signed()?;
    let nanos = u32::try_from(input.unsigned()?).map_err(|_| CodecError::BadDate)?;
    let logged_at: DateTime<Utc> =
        DateTime::from_timestamp(seconds, nanos).ok_or(CodecError::BadDate)?;
    let days = i32::try_from(input.signed()?).map_err(|_| CodecError::BadDate)?;
    let local_day = NaiveDate::from_num_days_from_ce_opt(days).ok_or(CodecError::BadDate)?;
    let text = input.string()?;
    let count = input.unsigned()?;
    // Each item takes at least 11 bytes, so a count beyond that is damage, not a reason to
    // reserve memory.
    if count > (input.bytes.len() / 11) as u64 {
        return Err(CodecError::Truncated);
    }
    let mut items = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let food = input.string()?;
        let quantity = input.f32()?;
        let categories = categories_from_mask(input.unsigned()?)?;
        let plant = match input.unsigned()? {
            0 => None,
            len_plus_one => Some(input.text(len_plus_one - 1)?),
        };
        let fibre_g = input.f32()?;
        items.push(LoggedItem {
            food,
            quantity,
            categories,
            plant,
            fibre_g,
        });
    }
    if !input.bytes.is_empty() {
        return Err(CodecError::TrailingBytes);
    }
    Ok(MealRecord {
        message_id,
        entry: Entry {
            logged_at,
            local_day,
            text,
            items,
        },
    })
}

fn category_mask(categories: CategorySet) -> u16 {
    categories
        .iter()
        .filter_map(|category| CATEGORY_BITS.iter().position(|id| *id == category.id()))
        .fold(0, |mask, bit| mask | (1 << bit))
}

fn categories_from_mask(mask: u64) -> Result<CategorySet, CodecError> {
    if mask >> CATEGORY_BITS.len() != 0 {
        return Err(CodecError::UnknownCategory);
    }
    let mut set = CategorySet::EMPTY;
    for (bit, id) in CATEGORY_BITS.iter().enumerate() {
        if mask & (1 << bit) != 0 {
            set.insert(Category::from_id(id).ok_or(CodecError::UnknownCategory)?);
        }
    }
    Ok(set)
}

fn put_unsigned(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_signed(out: &mut Vec<u8>, value: i64) {
    put_unsigned(out, ((value << 1) ^ (value >> 63)) as u64);
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_unsigned(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// The unread rest of a record.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, len: u64) -> Result<&[u8], CodecError> {
        let len = usize::try_from(len).map_err(|_| CodecError::Truncated)?;
        if len > self.bytes.len() {
            return Err(CodecError::Truncated);
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(taken)
    }

    fn unsigned(&mut self) -> Result<u64, CodecError> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.bytes.split_first().ok_or(CodecError::Truncated)?;
            self.bytes = rest;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(CodecError::Overlong);
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(CodecError::Overlong)
    }

    fn signed(&mut self) -> Result<i64, CodecError> {
        let zigzag = self.unsigned()?;
        Ok(((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64))
    }

    fn text(&mut self, len: u64) -> Result<String, CodecError> {
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| CodecError::NotUtf8)
    }

    fn string(&mut self) -> Result<String, CodecError> {
        let len = self.unsigned()?;
        self.text(len)
    }

    fn f32(&mut self) -> Result<f32, CodecError> {
        let bytes: [u8; 4] = self
            .take(4)?
            .try_into()
            .map_err(|_| CodecError::Truncated)?;
        Ok(f32::from_le_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        let mut categories = CategorySet::EMPTY;
        categories.insert(Category::Fiber);
        categories.insert(Category::Alcohol);
        Entry {
            logged_at: DateTime::from_timestamp(1_764_300_000, 123_456_789).expect("instant"),
            local_day: NaiveDate::from_ymd_opt(2026, 11, 27).expect("day"),
            text: "porridge, 2 beers 🍺 und Müsli".to_string(),
            items: vec![
                LoggedItem {
                    food: "porridge".to_string(),
                    quantity: 1.5,
                    categories,
                    plant: Some("oat".to_string()),
                    fibre_g: 4.2,
                },
                LoggedItem {
                    food: "beer".to_string(),
                    quantity: 2.0,
                    categories: CategorySet::EMPTY,
                    plant: None,
                    fibre_g: 0.0,
                },
            ],
        }
    }

    #[test]
    fn meals_round_trip_exactly() {
        for message_id in [0, 1, -1, 4_812, i64::MIN, i64::MAX] {
            let mut bytes = Vec::new();
            encode_meal(message_id, &entry(), &mut bytes);
            let record = decode_meal(&bytes).expect("decodes");
            assert_eq!(record.message_id, message_id);
            assert_eq!(record.entry, entry());
        }
    }

    #[test]
    fn every_category_has_a_stable_bit() {
        for category in Category::ALL {
            let set: CategorySet = [category].into_iter().collect();
            assert_eq!(categories_from_mask(category_mask(set).into()), Ok(set));
        }
        assert_eq!(
            categories_from_mask(1 << 10),
            Err(CodecError::UnknownCategory)
        );
    }

    #[test]
    fn damaged_records_fail_without_panicking() {
        let mut bytes = Vec::new();
        encode_meal(7, &entry(), &mut bytes);
        for len in 0..bytes.len() {
            assert!(decode_meal(&bytes[..len]).is_err(), "prefix of {len} bytes");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_meal(&longer), Err(CodecError::TrailingBytes));
        assert_eq!(decode_meal(&[0xff; 11]), Err(CodecError::Overlong));
        // Every single-byte corruption either decodes to something or fails cleanly.
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0xa5;
            let _ = decode_meal(&damaged);
        }
        // A huge item count must not allocate.
        let mut huge = Vec::new();
        put_signed(&mut huge, 1);
        put_signed(&mut huge, 0);
        put_unsigned(&mut huge, 0);
        put_signed(&mut huge, 700_000);
        put_str(&mut huge, "");
        put_unsigned(&mut huge, u64::MAX);
        assert_eq!(decode_meal(&huge), Err(CodecError::Truncated));
    }
}

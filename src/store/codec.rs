//! The compact binary forms of a logged meal, the bulk of the database.
//!
//! Meals are most of what the store holds, so their records are binary rather than JSON
//! (the budget is 400 bytes on disk per meal, sled's own overhead included). The
//! format is not self-describing, which is what the record's version byte (see `record`) is
//! for: a change of layout is a new version, and old versions stay readable.
//!
//! Varints are LEB128, signed ones zigzag-encoded. Decoding checks everything (lengths
//! against what is left, UTF-8, dates, unknown category bits, trailing bytes) and fails
//! rather than guessing.
//!
//! **Version 2** (written today) leaves out what the key already says (the user, the diary
//! day and the source message, see `layout`) and spends a byte only where a value needs it:
//!
//! | field | encoding |
//! |---|---|
//! | kind | 2 for a meal (0 for a meal in the first version-2 layout, still read), 1 for the marker an undone meal leaves behind |
//! | `logged_at` | signed varint seconds from the start (00:00 UTC) of the key's day, varint nanoseconds |
//! | then, for a meal only: | |
//! | `text` | varint length, UTF-8 |
//! | `eaten_at` (kind 2 only) | varint: 0 for none, else seconds after local midnight + 1 |
//! | `unrecognised` (kind 2 only) | varint count, then each: varint length, UTF-8 |
//! | item count | varint |
//! | each item: `food` | varint length, UTF-8 |
//! | `plants` (kind 2) | varint count, then each: varint 0 for the same name as the food, else length + 1, then UTF-8 |
//! | `plant` (kind 0) | varint: 0 for none, 1 for the same name as the food, else length + 2, then UTF-8 |
//! | `quantity`, `fibre_g` | compact number (see [`put_number`]) each |
//! | categories | varint bit mask (see [`CATEGORY_BITS`]) |
//!
//! Kind 2 came with dishes (an item may count as several plants), the time a meal was
//! eaten and the words the parser did not recognise; kind 0 records read as having none.
//!
//! The seconds are relative to the day so that they take three bytes instead of five; the
//! numbers are the parser's rounded values (a portion of 1, 4.2 g of fibre), which fit in a
//! byte or two instead of an `f32`'s four, while any other value is still kept bit for bit.
//!
//! **Version 1** (the first layout, still read): the source message id (signed varint),
//! `logged_at` (signed varint seconds, varint nanoseconds), `local_day` (signed varint days
//! from 0001-01-01), `text`, the item count, and per item `food`, `quantity` (f32 LE), the
//! category mask, `plant` (0 for none, else length + 1, then UTF-8) and `fibre_g` (f32 LE).

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};

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
    /// A kind of record or a number form no version-2 record has.
    UnknownTag,
    /// Bytes after the last item.
    TrailingBytes,
}

/// A version-1 meal record: the entry and the message it came from.
#[derive(Debug, PartialEq)]
pub(crate) struct MealRecordV1 {
    pub(crate) message_id: i64,
    pub(crate) entry: Entry,
}

/// What a version-2 value holds.
#[derive(Debug, PartialEq)]
pub(crate) enum MealValue {
    /// A logged meal.
    Meal(Entry),
    /// A meal that was undone: the message stays processed, and this is when it was logged
    /// (so a repeat of the message answers with the id it had).
    Undone { logged_at: DateTime<Utc> },
}

/// A meal in the first layout: one plant an item, no time eaten, no unrecognised words.
const KIND_MEAL_FIRST: u64 = 0;
const KIND_UNDONE: u64 = 1;
const KIND_MEAL: u64 = 2;

/// Appends the version-2 body of a meal filed under diary day `entry.local_day`.
pub(crate) fn encode_meal(entry: &Entry, out: &mut Vec<u8>) {
    put_unsigned(out, KIND_MEAL);
    put_instant(out, entry.logged_at, entry.local_day);
    put_str(out, &entry.text);
    put_unsigned(
        out,
        entry
            .eaten_at
            .map_or(0, |time| u64::from(time.num_seconds_from_midnight()) + 1),
    );
    put_unsigned(out, entry.unrecognised.len() as u64);
    for words in &entry.unrecognised {
        put_str(out, words);
    }
    put_unsigned(out, entry.items.len() as u64);
    for item in &entry.items {
        put_str(out, &item.food);
        put_unsigned(out, item.plants.len() as u64);
        for plant in &item.plants {
            if *plant == item.food {
                put_unsigned(out, 0);
            } else {
                put_unsigned(out, plant.len() as u64 + 1);
                out.extend_from_slice(plant.as_bytes());
            }
        }
        put_number(out, item.quantity);
        put_number(out, item.fibre_g);
        put_unsigned(out, u64::from(category_mask(item.categories)));
    }
}

/// Appends the version-2 body of the marker an undone meal of diary day `day` leaves.
pub(crate) fn encode_undone(logged_at: DateTime<Utc>, day: NaiveDate, out: &mut Vec<u8>) {
    put_unsigned(out, KIND_UNDONE);
    put_instant(out, logged_at, day);
}

/// Reads a version-2 body filed under diary day `day` (from its key).
pub(crate) fn decode_meal(bytes: &[u8], day: NaiveDate) -> Result<MealValue, CodecError> {
    let mut input = Reader { bytes };
    let kind = input.unsigned()?;
    let logged_at = input.instant(day)?;
    let value = match kind {
        KIND_UNDONE => MealValue::Undone { logged_at },
        KIND_MEAL | KIND_MEAL_FIRST => {
            let first_layout = kind == KIND_MEAL_FIRST;
            let text = input.string()?;
            let mut eaten_at = None;
            let mut unrecognised = Vec::new();
            if !first_layout {
                eaten_at = match input.unsigned()? {
                    0 => None,
                    seconds_plus_one => Some(
                        u32::try_from(seconds_plus_one - 1)
                            .ok()
                            .and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, 0))
                            .ok_or(CodecError::BadDate)?,
                    ),
                };
                let count = input.unsigned()?;
                if count > input.bytes.len() as u64 {
                    return Err(CodecError::Truncated);
                }
                for _ in 0..count {
                    unrecognised.push(input.string()?);
                }
            }
            let count = input.unsigned()?;
            // Each item takes at least 5 bytes, so a count beyond that is damage, not a
            // reason to reserve memory.
            if count > (input.bytes.len() / 5) as u64 {
                return Err(CodecError::Truncated);
            }
            let mut items = Vec::with_capacity(count as usize);
            for _ in 0..count {
                let food = input.string()?;
                let plants = if first_layout {
                    match input.unsigned()? {
                        0 => Vec::new(),
                        1 => vec![food.clone()],
                        len_plus_two => vec![input.text(len_plus_two - 2)?],
                    }
                } else {
                    let count = input.unsigned()?;
                    if count > input.bytes.len() as u64 {
                        return Err(CodecError::Truncated);
                    }
                    let mut plants = Vec::with_capacity(count as usize);
                    for _ in 0..count {
                        plants.push(match input.unsigned()? {
                            0 => food.clone(),
                            len_plus_one => input.text(len_plus_one - 1)?,
                        });
                    }
                    plants
                };
                let quantity = input.number()?;
                let fibre_g = input.number()?;
                let categories = categories_from_mask(input.unsigned()?)?;
                items.push(LoggedItem {
                    food,
                    quantity,
                    categories,
                    plants,
                    fibre_g,
                });
            }
            MealValue::Meal(Entry {
                logged_at,
                local_day: day,
                eaten_at,
                text,
                items,
                unrecognised,
            })
        }
        _ => return Err(CodecError::UnknownTag),
    };
    if !input.bytes.is_empty() {
        return Err(CodecError::TrailingBytes);
    }
    Ok(value)
}

/// Whether a version-2 body holds a meal (`Some(true)`) or the marker of an undone one
/// (`Some(false)`), from its first byte alone: the kind comes first and is below 128, so it
/// is one varint byte. `None` for an empty body or a kind no version-2 record has. Nothing
/// else is checked, which is the point: the question "was anything eaten that day" is asked
/// of many days at once (a digest's streak), and a marker and a short meal cannot be told
/// apart by their length (a marker's body takes 3 to 16 bytes, a meal's from 5).
pub(crate) fn is_meal(body: &[u8]) -> Option<bool> {
    match body.first().map(|&kind| u64::from(kind)) {
        Some(KIND_MEAL | KIND_MEAL_FIRST) => Some(true),
        Some(KIND_UNDONE) => Some(false),
        _ => None,
    }
}

/// Reads a version-1 body (see the module docs).
pub(crate) fn decode_meal_v1(bytes: &[u8]) -> Result<MealRecordV1, CodecError> {
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
    // Each item takes at least 11 bytes, so a count beyond that is damage.
    if count > (input.bytes.len() / 11) as u64 {
        return Err(CodecError::Truncated);
    }
    let mut items = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let food = input.string()?;
        let quantity = input.f32()?;
        let categories = categories_from_mask(input.unsigned()?)?;
        let plants = match input.unsigned()? {
            0 => Vec::new(),
            len_plus_one => vec![input.text(len_plus_one - 1)?],
        };
        let fibre_g = input.f32()?;
        items.push(LoggedItem {
            food,
            quantity,
            categories,
            plants,
            fibre_g,
        });
    }
    if !input.bytes.is_empty() {
        return Err(CodecError::TrailingBytes);
    }
    Ok(MealRecordV1 {
        message_id,
        entry: Entry {
            logged_at,
            local_day,
            eaten_at: None,
            text,
            items,
            unrecognised: Vec::new(),
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

fn day_start_seconds(day: NaiveDate) -> i64 {
    day.and_time(NaiveTime::MIN).and_utc().timestamp()
}

fn put_instant(out: &mut Vec<u8>, at: DateTime<Utc>, day: NaiveDate) {
    put_signed(out, at.timestamp() - day_start_seconds(day));
    put_unsigned(out, u64::from(at.timestamp_subsec_nanos()));
}

/// Decimal scales a compact number may have: whole, tenths, hundredths. The parser rounds
/// quantities to hundredths and fibre to tenths.
const SCALES: [f32; 3] = [1.0, 10.0, 100.0];
/// The tag of a number stored as its four `f32` bytes.
const RAW_NUMBER: u64 = 3;

/// Writes `value` as a varint `n << 2 | scale` when `n / 10^scale` (as `f32`) gives back
/// exactly `value`, which covers every rounded amount in one or two bytes; anything else
/// (a negative, NaN, an unrounded fraction) as the tag [`RAW_NUMBER`] and its LE bytes.
fn put_number(out: &mut Vec<u8>, value: f32) {
    for (scale, factor) in SCALES.iter().enumerate() {
        let scaled = (value * factor).round();
        if (0.0..=1_000_000.0).contains(&scaled) {
            let n = scaled as u64;
            if (n as f32 / factor).to_bits() == value.to_bits() {
                put_unsigned(out, n << 2 | scale as u64);
                return;
            }
        }
    }
    put_unsigned(out, RAW_NUMBER);
    out.extend_from_slice(&value.to_le_bytes());
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

    fn number(&mut self) -> Result<f32, CodecError> {
        let tag = self.unsigned()?;
        if tag == RAW_NUMBER {
            return self.f32();
        }
        let factor = SCALES
            .get((tag & 3) as usize)
            .ok_or(CodecError::UnknownTag)?;
        Ok((tag >> 2) as f32 / factor)
    }

    fn instant(&mut self, day: NaiveDate) -> Result<DateTime<Utc>, CodecError> {
        let offset = self.signed()?;
        let nanos = u32::try_from(self.unsigned()?).map_err(|_| CodecError::BadDate)?;
        let seconds = day_start_seconds(day)
            .checked_add(offset)
            .ok_or(CodecError::BadDate)?;
        DateTime::from_timestamp(seconds, nanos).ok_or(CodecError::BadDate)
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
            logged_at: DateTime::from_timestamp(1_795_836_000, 123_456_789).expect("instant"),
            local_day: NaiveDate::from_ymd_opt(2026, 11, 27).expect("day"),
            text: "porridge, 2 beers 🍺 und Müsli".to_string(),
            items: vec![
                LoggedItem {
                    food: "porridge".to_string(),
                    quantity: 1.5,
                    categories,
                    plants: vec!["oat".to_string()],
                    fibre_g: 4.2,
                },
                LoggedItem {
                    food: "beer".to_string(),
                    quantity: 2.0,
                    categories: CategorySet::EMPTY,
                    plants: Vec::new(),
                    fibre_g: 0.0,
                },
                LoggedItem {
                    food: "apple".to_string(),
                    quantity: 0.33,
                    categories: CategorySet::EMPTY,
                    plants: vec!["apple".to_string()],
                    fibre_g: 2.4,
                },
                LoggedItem {
                    food: "rajma chawal".to_string(),
                    quantity: 1.0,
                    categories,
                    plants: vec!["kidney bean".to_string(), "rice".to_string()],
                    fibre_g: 9.1,
                },
            ],
            eaten_at: NaiveTime::from_hms_opt(8, 30, 0),
            unrecognised: vec!["horta".to_string(), "Müsli".to_string()],
        }
    }

    fn encoded(entry: &Entry) -> Vec<u8> {
        let mut bytes = Vec::new();
        encode_meal(entry, &mut bytes);
        bytes
    }

    #[test]
    fn meals_round_trip_exactly() {
        let original = entry();
        let bytes = encoded(&original);
        assert_eq!(
            decode_meal(&bytes, original.local_day),
            Ok(MealValue::Meal(original))
        );
        // Logged well before or after its diary day, with no sub-second part.
        for seconds in [1_795_636_000, 1_796_436_000] {
            let mut other = entry();
            other.logged_at = DateTime::from_timestamp(seconds, 0).expect("instant");
            let bytes = encoded(&other);
            assert_eq!(
                decode_meal(&bytes, other.local_day),
                Ok(MealValue::Meal(other))
            );
        }
    }

    #[test]
    fn undo_markers_round_trip() {
        let logged_at = DateTime::from_timestamp(1_795_836_000, 5).expect("instant");
        let day = logged_at.date_naive();
        let mut bytes = Vec::new();
        encode_undone(logged_at, day, &mut bytes);
        assert_eq!(bytes.len(), 5);
        assert_eq!(
            decode_meal(&bytes, day),
            Ok(MealValue::Undone { logged_at })
        );
    }

    #[test]
    fn the_first_byte_tells_meals_from_markers() {
        let meal = encoded(&entry());
        assert_eq!(is_meal(&meal), Some(true));
        let logged_at = DateTime::from_timestamp(1_795_836_000, 5).expect("instant");
        let mut marker = Vec::new();
        encode_undone(logged_at, logged_at.date_naive(), &mut marker);
        assert_eq!(is_meal(&marker), Some(false));
        assert_eq!(is_meal(&[]), None);
        assert_eq!(is_meal(&[7, 0, 0]), None);
        assert_eq!(is_meal(&[0x80, 0]), None, "a kind of more than one byte");
    }

    #[test]
    fn numbers_are_compact_and_exact() {
        let samples = [
            0.0,
            1.0,
            2.0,
            0.5,
            0.33,
            1.25,
            4.2,
            12.5,
            33.3,
            0.1,
            7.77,
            250.0,
            -1.0,
            -0.0,
            1e-7,
            f32::MAX,
            f32::INFINITY,
            1.0 / 3.0,
            3e6,
        ];
        for value in samples {
            let mut bytes = Vec::new();
            put_number(&mut bytes, value);
            let back = Reader { bytes: &bytes }.number().expect("decodes");
            assert_eq!(back.to_bits(), value.to_bits(), "{value}");
        }
        for (value, len) in [(1.0, 1), (0.0, 1), (4.2, 2), (0.33, 2), (-1.0, 5)] {
            let mut bytes = Vec::new();
            put_number(&mut bytes, value);
            assert_eq!(bytes.len(), len, "{value}");
        }
        let mut nan = Vec::new();
        put_number(&mut nan, f32::NAN);
        assert!(Reader { bytes: &nan }.number().expect("decodes").is_nan());
    }

    #[test]
    fn version_2_is_smaller_than_version_1() {
        // The same meal as the version-1 golden record below (70 bytes there, 56 here).
        let smaller = encoded(&golden_v1_entry()).len();
        assert!(smaller + 14 <= GOLDEN_V1.len(), "{smaller} bytes");
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
        let bytes = encoded(&entry());
        let day = entry().local_day;
        for len in 0..bytes.len() {
            assert!(decode_meal(&bytes[..len], day).is_err(), "prefix of {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_meal(&longer, day), Err(CodecError::TrailingBytes));
        assert_eq!(decode_meal(&[0xff; 11], day), Err(CodecError::Overlong));
        assert_eq!(decode_meal(&[7, 0, 0], day), Err(CodecError::UnknownTag));
        // A time eaten past the end of the day.
        let mut late = Vec::new();
        put_unsigned(&mut late, KIND_MEAL);
        put_signed(&mut late, 0);
        put_unsigned(&mut late, 0);
        put_str(&mut late, "");
        put_unsigned(&mut late, 86_400 + 1);
        put_unsigned(&mut late, 0);
        put_unsigned(&mut late, 0);
        assert_eq!(decode_meal(&late, day), Err(CodecError::BadDate));
        // Every single-byte corruption either decodes to something or fails cleanly.
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0xa5;
            let _ = decode_meal(&damaged, day);
            let _ = decode_meal(&damaged, NaiveDate::MIN);
        }
        // A huge item count must not allocate.
        let mut huge = Vec::new();
        put_unsigned(&mut huge, KIND_MEAL);
        put_signed(&mut huge, 0);
        put_unsigned(&mut huge, 0);
        put_str(&mut huge, "");
        put_unsigned(&mut huge, 0);
        put_unsigned(&mut huge, u64::MAX);
        assert_eq!(decode_meal(&huge, day), Err(CodecError::Truncated));
        // An offset that leaves chrono's range.
        let mut far = Vec::new();
        put_unsigned(&mut far, KIND_UNDONE);
        put_signed(&mut far, i64::MAX);
        put_unsigned(&mut far, 0);
        assert_eq!(decode_meal(&far, day), Err(CodecError::BadDate));
    }

    /// A version-1 record exactly as the first release of the store wrote it (message 4812,
    /// "porridge with kefir"), kept as bytes so that no later change can stop it decoding.
    const GOLDEN_V1: &[u8] = b"\x98\x4b\xe0\xef\xd3\xb0\x0d\x00\xd8\xa9\x5a\x13porridge with kefir\
        \x02\x08porridge\x00\x00\x80\x3f\x05\x04oat\x66\x66\x86\x40\
        \x05kefir\x00\x00\x00\x3f\x00\x00\x00\x00\x00\x00";

    fn golden_v1_entry() -> Entry {
        let mut categories = CategorySet::EMPTY;
        categories.insert(Category::Fiber);
        categories.insert(Category::Prebiotic);
        Entry {
            logged_at: DateTime::from_timestamp(1_795_849_200, 0).expect("instant"),
            local_day: NaiveDate::from_ymd_opt(2026, 11, 28).expect("day"),
            eaten_at: None,
            unrecognised: Vec::new(),
            text: "porridge with kefir".to_string(),
            items: vec![
                LoggedItem {
                    food: "porridge".to_string(),
                    quantity: 1.0,
                    categories,
                    plants: vec!["oat".to_string()],
                    fibre_g: 4.2,
                },
                LoggedItem {
                    food: "kefir".to_string(),
                    quantity: 0.5,
                    categories: CategorySet::EMPTY,
                    plants: Vec::new(),
                    fibre_g: 0.0,
                },
            ],
        }
    }

    /// The same meal in the first version-2 layout (kind 0: one plant an item, no time eaten,
    /// no unrecognised words), as the store wrote it before dishes came.
    const GOLDEN_FIRST_LAYOUT: &[u8] = b"\x00\xe0\x89\x03\x00\x13porridge with kefir\x02\
        \x08porridge\x05oat\x04\xa9\x01\x05\x05kefir\x00\x15\x00\x00";

    #[test]
    fn meals_of_the_first_layout_still_decode() {
        let day = golden_v1_entry().local_day;
        assert_eq!(
            decode_meal(GOLDEN_FIRST_LAYOUT, day),
            Ok(MealValue::Meal(golden_v1_entry()))
        );
        assert_eq!(is_meal(GOLDEN_FIRST_LAYOUT), Some(true));
        for len in 0..GOLDEN_FIRST_LAYOUT.len() {
            assert!(decode_meal(&GOLDEN_FIRST_LAYOUT[..len], day).is_err());
        }
    }

    #[test]
    fn version_1_records_still_decode() {
        assert_eq!(
            decode_meal_v1(GOLDEN_V1),
            Ok(MealRecordV1 {
                message_id: 4_812,
                entry: golden_v1_entry(),
            })
        );
        for len in 0..GOLDEN_V1.len() {
            assert!(
                decode_meal_v1(&GOLDEN_V1[..len]).is_err(),
                "prefix of {len}"
            );
        }
        for at in 0..GOLDEN_V1.len() {
            let mut damaged = GOLDEN_V1.to_vec();
            damaged[at] ^= 0xa5;
            let _ = decode_meal_v1(&damaged);
        }
    }
}

//! Reading a time zone the way a person types it: "Europe/London", "london", "UTC+2",
//! "+05:30", "GMT-3", "new york", "São Paulo", "Mumbai".
//!
//! [`parse_zone`] tries, in order:
//! 1. a UTC offset: an optional `UTC` or `GMT`, a sign, then `H`, `HH`, `H:MM`, `HHMM`, `H.MM`
//!    or `H.5`. Whole hours become the fixed `Etc/GMT∓N` zones (whose POSIX names carry the
//!    opposite sign: UTC+2 is `Etc/GMT-2`); zero is `UTC`. IANA has no fixed zone for half and
//!    quarter hours, so such an offset becomes the place that keeps it (see
//!    [`FRACTIONAL_OFFSETS`]); where that place changes its clocks the zone follows them,
//!    which is what its people expect. An offset no place keeps is refused with a hint to
//!    type a city. An offset never changes with the seasons, so the chat layer should say
//!    which zone it chose, and that a city follows clock changes.
//! 2. the alias table: cities, countries and abbreviations that are not zone names
//!    (Delhi, Beijing, San Francisco, "EST"), each to the zone people there use. It comes
//!    before IANA names on purpose: someone typing "EST" means New York's clock, which
//!    changes in summer, not IANA's fixed `EST`.
//! 3. an IANA name, ignoring case, accents and whether words are joined by spaces,
//!    underscores or hyphens ("america/new york").
//! 4. the city part of an IANA name ("tokyo", "new york", "sao paulo"), ignoring case,
//!    accents, spaces and punctuation. Where two names share a city part, the canonical one
//!    wins over backward-compatible links (see `prefer`).
//!
//! [`choose_zone`] reads the same and keeps an offset as it was written ("UTC-3"), to be
//! shown back instead of `Etc/GMT+3`; [`find_zone`] is for text that may be no zone at all,
//! and never searches for a likely typo.
//!
//! Anything else is a [`ZoneError`] the chat layer can word kindly; an unknown name carries
//! the closest known one as a suggestion, which is offered, never silently applied.

use chrono_tz::{Tz, TZ_VARIANTS};
use rustc_hash::FxHashMap;
use std::str::FromStr;
use std::sync::OnceLock;

/// The longest input considered. The longest IANA name has 32 characters; anything much
/// longer is not a time zone, and is refused before any work is spent on it.
pub const MAX_ZONE_CHARS: usize = 64;

/// UTC offsets in use run from -12:00 (Baker Island) to +14:00 (Kiritimati).
const MIN_OFFSET_MINUTES: i32 = -12 * 60;
const MAX_OFFSET_MINUTES: i32 = 14 * 60;

/// The place that keeps each half- or quarter-hour offset, in minutes east of UTC. Where two
/// places share one, the choice is the zone whose people would type it: -02:30 is
/// Newfoundland in summer, +10:30 Adelaide in summer (Lord Howe Island, the other, has a few
/// hundred people).
pub const FRACTIONAL_OFFSETS: [(i32, Tz); 13] = [
    (-9 * 60 - 30, chrono_tz::Pacific::Marquesas),
    (-3 * 60 - 30, chrono_tz::America::St_Johns),
    (-2 * 60 - 30, chrono_tz::America::St_Johns),
    (3 * 60 + 30, chrono_tz::Asia::Tehran),
    (4 * 60 + 30, chrono_tz::Asia::Kabul),
    (5 * 60 + 30, chrono_tz::Asia::Kolkata),
    (5 * 60 + 45, chrono_tz::Asia::Kathmandu),
    (6 * 60 + 30, chrono_tz::Asia::Yangon),
    (8 * 60 + 45, chrono_tz::Australia::Eucla),
    (9 * 60 + 30, chrono_tz::Australia::Darwin),
    (10 * 60 + 30, chrono_tz::Australia::Adelaide),
    (12 * 60 + 45, chrono_tz::Pacific::Chatham),
    (13 * 60 + 45, chrono_tz::Pacific::Chatham),
];

/// Places people name that are not IANA zone names, or whose IANA name would mislead.
const ALIASES: &[(&str, Tz)] = {
    use chrono_tz::{Africa, America, Asia, Australia, Europe, Pacific};
    &[
        // India
        ("Delhi", Asia::Kolkata),
        ("New Delhi", Asia::Kolkata),
        ("Mumbai", Asia::Kolkata),
        ("Bombay", Asia::Kolkata),
        ("Bangalore", Asia::Kolkata),
        ("Bengaluru", Asia::Kolkata),
        ("Chennai", Asia::Kolkata),
        ("Madras", Asia::Kolkata),
        ("Hyderabad", Asia::Kolkata),
        ("Pune", Asia::Kolkata),
        ("Ahmedabad", Asia::Kolkata),
        ("Calcutta", Asia::Kolkata),
        ("India", Asia::Kolkata),
        ("IST", Asia::Kolkata),
        // China, Japan, Korea, Taiwan
        ("Beijing", Asia::Shanghai),
        ("Peking", Asia::Shanghai),
        ("Guangzhou", Asia::Shanghai),
        ("Shenzhen", Asia::Shanghai),
        ("Chengdu", Asia::Shanghai),
        ("Hangzhou", Asia::Shanghai),
        ("Wuhan", Asia::Shanghai),
        ("Xi'an", Asia::Shanghai),
        ("Nanjing", Asia::Shanghai),
        ("Tianjin", Asia::Shanghai),
        ("China", Asia::Shanghai),
        ("Hong Kong", Asia::Hong_Kong),
        ("HKT", Asia::Hong_Kong),
        ("Osaka", Asia::Tokyo),
        ("Kyoto", Asia::Tokyo),
        ("Yokohama", Asia::Tokyo),
        ("Nagoya", Asia::Tokyo),
        ("Sapporo", Asia::Tokyo),
        ("Fukuoka", Asia::Tokyo),
        ("Japan", Asia::Tokyo),
        ("JST", Asia::Tokyo),
        ("Busan", Asia::Seoul),
        ("Incheon", Asia::Seoul),
        ("Korea", Asia::Seoul),
        ("South Korea", Asia::Seoul),
        ("KST", Asia::Seoul),
        ("Taiwan", Asia::Taipei),
        // South-east and south Asia
        ("Ho Chi Minh City", Asia::Ho_Chi_Minh),
        ("Saigon", Asia::Ho_Chi_Minh),
        ("Hanoi", Asia::Ho_Chi_Minh),
        ("Vietnam", Asia::Ho_Chi_Minh),
        ("Phuket", Asia::Bangkok),
        ("Chiang Mai", Asia::Bangkok),
        ("Thailand", Asia::Bangkok),
        ("Bali", Asia::Makassar),
        ("Denpasar", Asia::Makassar),
        ("Cebu", Asia::Manila),
        ("Philippines", Asia::Manila),
        ("Malaysia", Asia::Kuala_Lumpur),
        ("Singapore", Asia::Singapore),
        ("SGT", Asia::Singapore),
        ("Lahore", Asia::Karachi),
        ("Islamabad", Asia::Karachi),
        ("Pakistan", Asia::Karachi),
        ("Bangladesh", Asia::Dhaka),
        ("Nepal", Asia::Kathmandu),
        ("Katmandu", Asia::Kathmandu),
        ("Sri Lanka", Asia::Colombo),
        ("Rangoon", Asia::Yangon),
        // Middle East
        ("Abu Dhabi", Asia::Dubai),
        ("UAE", Asia::Dubai),
        ("Tel Aviv", Asia::Jerusalem),
        ("Israel", Asia::Jerusalem),
        ("Mecca", Asia::Riyadh),
        ("Jeddah", Asia::Riyadh),
        ("Saudi Arabia", Asia::Riyadh),
        ("Doha", Asia::Qatar),
        ("Iran", Asia::Tehran),
        // Africa
        ("Cape Town", Africa::Johannesburg),
        ("Durban", Africa::Johannesburg),
        ("Pretoria", Africa::Johannesburg),
        ("South Africa", Africa::Johannesburg),
        ("Abuja", Africa::Lagos),
        ("Nigeria", Africa::Lagos),
        ("Kenya", Africa::Nairobi),
        ("Egypt", Africa::Cairo),
        ("Marrakech", Africa::Casablanca),
        ("Rabat", Africa::Casablanca),
        ("Morocco", Africa::Casablanca),
        // United States
        ("San Francisco", America::Los_Angeles),
        ("SF", America::Los_Angeles),
        ("LA", America::Los_Angeles),
        ("Seattle", America::Los_Angeles),
        ("San Diego", America::Los_Angeles),
        ("San Jose", America::Los_Angeles),
        ("Sacramento", America::Los_Angeles),
        ("Portland", America::Los_Angeles),
        ("Las Vegas", America::Los_Angeles),
        ("Oakland", America::Los_Angeles),
        ("California", America::Los_Angeles),
        ("Pacific", America::Los_Angeles),
        ("Pacific Time", America::Los_Angeles),
        ("PST", America::Los_Angeles),
        ("PDT", America::Los_Angeles),
        ("Salt Lake City", America::Denver),
        ("Albuquerque", America::Denver),
        ("Colorado", America::Denver),
        ("Mountain", America::Denver),
        ("Mountain Time", America::Denver),
        ("MST", America::Denver),
        ("MDT", America::Denver),
        ("Houston", America::Chicago),
        ("Dallas", America::Chicago),
        ("Austin", America::Chicago),
        ("San Antonio", America::Chicago),
        ("Minneapolis", America::Chicago),
        ("St Louis", America::Chicago),
        ("Saint Louis", America::Chicago),
        ("New Orleans", America::Chicago),
        ("Kansas City", America::Chicago),
        ("Nashville", America::Chicago),
        ("Milwaukee", America::Chicago),
        ("Texas", America::Chicago),
        ("Central", America::Chicago),
        ("Central Time", America::Chicago),
        ("CST", America::Chicago),
        ("CDT", America::Chicago),
        ("New York City", America::New_York),
        ("NYC", America::New_York),
        ("NY", America::New_York),
        ("Manhattan", America::New_York),
        ("Brooklyn", America::New_York),
        ("Washington", America::New_York),
        ("Washington DC", America::New_York),
        ("DC", America::New_York),
        ("Boston", America::New_York),
        ("Miami", America::New_York),
        ("Atlanta", America::New_York),
        ("Philadelphia", America::New_York),
        ("Orlando", America::New_York),
        ("Charlotte", America::New_York),
        ("Pittsburgh", America::New_York),
        ("Baltimore", America::New_York),
        ("Tampa", America::New_York),
        ("Cleveland", America::New_York),
        ("Eastern", America::New_York),
        ("Eastern Time", America::New_York),
        ("EST", America::New_York),
        ("EDT", America::New_York),
        ("Hawaii", Pacific::Honolulu),
        ("Alaska", America::Anchorage),
        // Canada, Mexico, South America
        ("Montreal", America::Toronto),
        ("Ottawa", America::Toronto),
        ("Quebec", America::Toronto),
        ("Calgary", America::Edmonton),
        ("Alberta", America::Edmonton),
        ("Mexico", America::Mexico_City),
        ("CDMX", America::Mexico_City),
        ("Guadalajara", America::Mexico_City),
        ("Rio", America::Sao_Paulo),
        ("Rio de Janeiro", America::Sao_Paulo),
        ("Brasilia", America::Sao_Paulo),
        ("Brazil", America::Sao_Paulo),
        ("Argentina", America::Argentina::Buenos_Aires),
        ("Colombia", America::Bogota),
        ("Peru", America::Lima),
        ("Chile", America::Santiago),
        // Europe
        ("UK", Europe::London),
        ("United Kingdom", Europe::London),
        ("Britain", Europe::London),
        ("Great Britain", Europe::London),
        ("England", Europe::London),
        ("Scotland", Europe::London),
        ("Wales", Europe::London),
        ("Manchester", Europe::London),
        ("Edinburgh", Europe::London),
        ("Glasgow", Europe::London),
        ("Liverpool", Europe::London),
        ("Leeds", Europe::London),
        ("Bristol", Europe::London),
        ("Cardiff", Europe::London),
        ("Oxford", Europe::London),
        ("Cambridge", Europe::London),
        ("BST", Europe::London),
        ("Ireland", Europe::Dublin),
        ("Cork", Europe::Dublin),
        ("Galway", Europe::Dublin),
        ("France", Europe::Paris),
        ("Lyon", Europe::Paris),
        ("Marseille", Europe::Paris),
        ("Nice", Europe::Paris),
        ("Toulouse", Europe::Paris),
        ("Bordeaux", Europe::Paris),
        ("CEST", Europe::Paris),
        ("Germany", Europe::Berlin),
        ("Munich", Europe::Berlin),
        ("München", Europe::Berlin),
        ("Muenchen", Europe::Berlin),
        ("Frankfurt", Europe::Berlin),
        ("Hamburg", Europe::Berlin),
        ("Cologne", Europe::Berlin),
        ("Köln", Europe::Berlin),
        ("Stuttgart", Europe::Berlin),
        ("Düsseldorf", Europe::Berlin),
        ("Leipzig", Europe::Berlin),
        ("Dresden", Europe::Berlin),
        ("Spain", Europe::Madrid),
        ("Barcelona", Europe::Madrid),
        ("Valencia", Europe::Madrid),
        ("Seville", Europe::Madrid),
        ("Sevilla", Europe::Madrid),
        ("Malaga", Europe::Madrid),
        ("Bilbao", Europe::Madrid),
        ("Italy", Europe::Rome),
        ("Roma", Europe::Rome),
        ("Milan", Europe::Rome),
        ("Milano", Europe::Rome),
        ("Florence", Europe::Rome),
        ("Firenze", Europe::Rome),
        ("Venice", Europe::Rome),
        ("Venezia", Europe::Rome),
        ("Naples", Europe::Rome),
        ("Napoli", Europe::Rome),
        ("Turin", Europe::Rome),
        ("Torino", Europe::Rome),
        ("Bologna", Europe::Rome),
        ("Netherlands", Europe::Amsterdam),
        ("Holland", Europe::Amsterdam),
        ("Rotterdam", Europe::Amsterdam),
        ("The Hague", Europe::Amsterdam),
        ("Den Haag", Europe::Amsterdam),
        ("Utrecht", Europe::Amsterdam),
        ("Eindhoven", Europe::Amsterdam),
        ("Belgium", Europe::Brussels),
        ("Bruxelles", Europe::Brussels),
        ("Brussel", Europe::Brussels),
        ("Antwerp", Europe::Brussels),
        ("Ghent", Europe::Brussels),
        ("Switzerland", Europe::Zurich),
        ("Geneva", Europe::Zurich),
        ("Genève", Europe::Zurich),
        ("Basel", Europe::Zurich),
        ("Bern", Europe::Zurich),
        ("Lausanne", Europe::Zurich),
        ("Austria", Europe::Vienna),
        ("Wien", Europe::Vienna),
        ("Salzburg", Europe::Vienna),
        ("Portugal", Europe::Lisbon),
        ("Lisboa", Europe::Lisbon),
        ("Porto", Europe::Lisbon),
        ("Poland", Europe::Warsaw),
        ("Warszawa", Europe::Warsaw),
        ("Krakow", Europe::Warsaw),
        ("Wroclaw", Europe::Warsaw),
        ("Gdansk", Europe::Warsaw),
        ("Czechia", Europe::Prague),
        ("Praha", Europe::Prague),
        ("Brno", Europe::Prague),
        ("Sweden", Europe::Stockholm),
        ("Gothenburg", Europe::Stockholm),
        ("Göteborg", Europe::Stockholm),
        ("Malmö", Europe::Stockholm),
        ("Norway", Europe::Oslo),
        ("Bergen", Europe::Oslo),
        ("Denmark", Europe::Copenhagen),
        ("København", Europe::Copenhagen),
        ("Aarhus", Europe::Copenhagen),
        ("Finland", Europe::Helsinki),
        ("Greece", Europe::Athens),
        ("Thessaloniki", Europe::Athens),
        ("Istanbul", Europe::Istanbul),
        ("Ankara", Europe::Istanbul),
        ("Izmir", Europe::Istanbul),
        ("Turkey", Europe::Istanbul),
        ("Moskva", Europe::Moscow),
        ("Saint Petersburg", Europe::Moscow),
        ("St Petersburg", Europe::Moscow),
        ("MSK", Europe::Moscow),
        ("Kiev", Europe::Kyiv),
        ("Ukraine", Europe::Kyiv),
        ("Kharkiv", Europe::Kyiv),
        ("Odesa", Europe::Kyiv),
        ("Odessa", Europe::Kyiv),
        // Oceania
        ("Canberra", Australia::Sydney),
        ("AEST", Australia::Sydney),
        ("AEDT", Australia::Sydney),
        ("Gold Coast", Australia::Brisbane),
        ("New Zealand", Pacific::Auckland),
        ("Wellington", Pacific::Auckland),
        ("Christchurch", Pacific::Auckland),
        ("NZST", Pacific::Auckland),
        ("NZDT", Pacific::Auckland),
        ("Samoa", Pacific::Apia),
        ("American Samoa", Pacific::Pago_Pago),
    ]
};

/// A time zone the diary could not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ZoneError {
    #[error("no time zone given")]
    Empty,
    #[error("a time zone is at most {MAX_ZONE_CHARS} characters")]
    TooLong,
    #[error("{0:?} is not a UTC offset (try UTC+2 or +05:30)")]
    BadOffset(String),
    #[error("UTC offsets run from -12:00 to +14:00, not {}", format_offset(*.0))]
    OffsetOutOfRange(i32),
    #[error("no place keeps UTC{}; try your city instead", format_offset(*.0))]
    NoPlaceWithOffset(i32),
    #[error("unknown time zone {input:?}{}", did_you_mean(.suggestion))]
    Unknown {
        input: String,
        /// The closest known zone or city, to offer (not to apply) when it is a likely typo.
        suggestion: Option<Tz>,
    },
}

fn did_you_mean(suggestion: &Option<Tz>) -> String {
    suggestion.map_or_else(String::new, |tz| format!(" (did you mean {}?)", tz.name()))
}

/// Reads a time zone as a person types it; see the module comment for what is accepted.
pub fn parse_zone(text: &str) -> Result<Tz, ZoneError> {
    choose_zone(text).map(|chosen| chosen.tz)
}

/// A zone as a person chose it: the zone, and for a UTC offset the offset as they wrote it
/// ("UTC-3", "GMT+5:30"), which is what to show them: `Etc/GMT+3` reads backwards to anyone
/// who does not know POSIX signs, and `Asia/Kolkata` is not what they typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChosenZone {
    pub tz: Tz,
    /// For an offset, the offset as written ([`offset_label`]); `None` for a place or name.
    pub label: Option<String>,
}

impl ChosenZone {
    /// What to call the zone when showing it: the label, else the IANA name.
    pub fn shown(&self) -> &str {
        self.label.as_deref().unwrap_or(self.tz.name())
    }
}

/// [`parse_zone`], keeping an offset's label (see [`ChosenZone`]).
pub fn choose_zone(text: &str) -> Result<ChosenZone, ZoneError> {
    match lookup(text) {
        Ok(Some(chosen)) => Ok(chosen),
        Ok(None) => Err(ZoneError::Unknown {
            input: text.trim().to_string(),
            suggestion: ZoneIndex::get().suggest(text.trim()),
        }),
        Err(error) => Err(error),
    }
}

/// [`choose_zone`] for text that may well be no zone at all (a word of a sentence): an
/// unknown name is `None`, without the search for a likely typo that [`ZoneError::Unknown`]
/// makes, which compares it with every known city.
pub fn find_zone(text: &str) -> Option<ChosenZone> {
    lookup(text).ok().flatten()
}

/// The zone `text` names, `Ok(None)` if it names none, or why an offset cannot be used.
fn lookup(text: &str) -> Result<Option<ChosenZone>, ZoneError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ZoneError::Empty);
    }
    if text.chars().count() > MAX_ZONE_CHARS {
        return Err(ZoneError::TooLong);
    }
    if let Some(offset) = parse_offset(text) {
        return Ok(Some(ChosenZone {
            tz: zone_for_offset(offset?)?,
            label: offset_label(text),
        }));
    }
    let place = |tz: Tz| Ok(Some(ChosenZone { tz, label: None }));
    let index = ZoneIndex::get();
    let city = city_key(text);
    if let Some(&tz) = index.aliases.get(&city) {
        return place(tz);
    }
    if let Some(&tz) = index.names.get(&name_key(text)) {
        return place(tz);
    }
    if !text.contains('/') {
        if let Some(&tz) = index.cities.get(&city) {
            return place(tz);
        }
    }
    Ok(None)
}

/// An offset as the person wrote it, tidied: spaces out, dashes as minus signs, the prefix
/// in capitals and `UTC` when there was none ("utc -3" is "UTC-3", "+05:30" is
/// "UTC+05:30", "gmt+5:30" is "GMT+5:30"); `None` unless `text` is a usable offset.
pub fn offset_label(text: &str) -> Option<String> {
    let minutes = parse_offset(text)?.ok()?;
    zone_for_offset(minutes).ok()?;
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{2212}' | '\u{2013}' | '\u{2014}' => '-',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    Some(
        if compact.starts_with("UTC") || compact.starts_with("GMT") {
            compact
        } else {
            format!("UTC{compact}")
        },
    )
}

/// The zone for an offset in minutes east of UTC.
fn zone_for_offset(minutes: i32) -> Result<Tz, ZoneError> {
    if !(MIN_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&minutes) {
        return Err(ZoneError::OffsetOutOfRange(minutes));
    }
    if minutes == 0 {
        return Ok(chrono_tz::UTC);
    }
    if minutes % 60 == 0 {
        // POSIX signs: Etc/GMT-2 is two hours *ahead* of UTC.
        let name = format!("Etc/GMT{:+}", -minutes / 60);
        return Tz::from_str(&name).map_err(|_| ZoneError::NoPlaceWithOffset(minutes));
    }
    FRACTIONAL_OFFSETS
        .iter()
        .find(|(offset, _)| *offset == minutes)
        .map(|(_, tz)| *tz)
        .ok_or(ZoneError::NoPlaceWithOffset(minutes))
}

/// `Some` when the text is written as a UTC offset ("UTC", "gmt+1", "+05:30", "UTC -3"),
/// with its minutes east of UTC or why they cannot be read; `None` when it is not an offset.
fn parse_offset(text: &str) -> Option<Result<i32, ZoneError>> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{2212}' | '\u{2013}' | '\u{2014}' => '-', // minus sign, en and em dash
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let (prefixed, rest) = match compact
        .strip_prefix("utc")
        .or_else(|| compact.strip_prefix("gmt"))
    {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let (sign, body) = match rest.chars().next() {
        None if prefixed => return Some(Ok(0)),
        Some('+') => (1, &rest[1..]),
        Some('-') => (-1, &rest[1..]),
        _ => return None,
    };
    let bad = || ZoneError::BadOffset(text.to_string());
    let Some((hours, minutes)) = split_offset(body) else {
        return Some(Err(bad()));
    };
    if minutes >= 60 {
        return Some(Err(bad()));
    }
    Some(Ok(sign * (hours * 60 + minutes)))
}

/// Hours and minutes of an unsigned offset: `5`, `05`, `5:30`, `0530`, `5.30`, `5.5`.
fn split_offset(body: &str) -> Option<(i32, i32)> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    let number = |s: &str| s.parse::<i32>().ok();
    if let Some((hours, minutes)) = body.split_once(':') {
        if !digits(hours) || minutes.len() != 2 || !digits(minutes) {
            return None;
        }
        return Some((number(hours)?, number(minutes)?));
    }
    if let Some((hours, fraction)) = body.split_once('.') {
        if !digits(hours) || !digits(fraction) {
            return None;
        }
        // "5.30" is written minutes; "5.5" is a decimal hour.
        let minutes = match fraction.len() {
            2 => number(fraction)?,
            _ => number(fraction)? * 6,
        };
        return Some((number(hours)?, minutes));
    }
    if !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match body.len() {
        1 | 2 => Some((number(body)?, 0)),
        3 | 4 => {
            let (hours, minutes) = body.split_at(body.len() - 2);
            Some((number(hours)?, number(minutes)?))
        }
        _ => None,
    }
}

/// `+05:30`, `-03:00`.
fn format_offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A key for comparing IANA names: lowercase ASCII, accents dropped, and spaces, hyphens
/// and underscores all one `_`, except a hyphen before a digit, which is a sign (`Etc/GMT-3`).
fn name_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek().is_some_and(char::is_ascii_digit) => key.push('-'),
            ' ' | '_' | '-' => {
                if !key.ends_with(['_', '/']) {
                    key.push('_');
                }
            }
            '/' => {
                if key.ends_with('_') {
                    key.pop();
                }
                key.push('/');
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
            }
            '+' => key.push('+'),
            c => push_folded(&mut key, c),
        }
    }
    key
}

/// A key for comparing city names: lowercase ASCII letters and digits only, so that
/// "São Paulo", "sao_paulo" and "SaoPaulo" are the same city.
fn city_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        push_folded(&mut key, c);
    }
    key
}

/// Appends a letter or digit as lowercase ASCII (transliterating accents); drops the rest,
/// including emoji and punctuation.
fn push_folded(key: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        key.push(c.to_ascii_lowercase());
    } else if c.is_alphanumeric() {
        let ascii = deunicode::deunicode_char(c).unwrap_or("");
        key.extend(
            ascii
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|a| a.to_ascii_lowercase()),
        );
    }
}

/// Whether `a` should win over `b` as the zone for a shared city part: a geographic region
/// over a backward-compatible country folder (`US/Pacific`), then the longer, canonical path
/// (`America/Argentina/Buenos_Aires` over the link `America/Buenos_Aires`), then the first
/// in alphabetical order, so the choice never depends on iteration order.
fn prefer(a: &str, b: &str) -> bool {
    const REGIONS: [&str; 9] = [
        "Africa",
        "America",
        "Antarctica",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    ];
    let rank = |name: &str| {
        let region = name.split('/').next().unwrap_or("");
        (
            !REGIONS.contains(&region),
            std::cmp::Reverse(name.matches('/').count()),
            name.to_string(),
        )
    };
    rank(a) < rank(b)
}

/// Lookup tables built once from chrono-tz's zone list and the alias table.
struct ZoneIndex {
    names: FxHashMap<String, Tz>,
    cities: FxHashMap<String, Tz>,
    aliases: FxHashMap<String, Tz>,
}

impl ZoneIndex {
    fn get() -> &'static ZoneIndex {
        static INDEX: OnceLock<ZoneIndex> = OnceLock::new();
        INDEX.get_or_init(ZoneIndex::build)
    }

    fn build() -> ZoneIndex {
        let mut names = FxHashMap::default();
        let mut cities: FxHashMap<String, Tz> = FxHashMap::default();
        for tz in TZ_VARIANTS {
            let name = tz.name();
            names.insert(name_key(name), tz);
            // Etc/GMT+3 is reached through offsets; its "city" would read backwards.
            let Some((folder, city)) = name.rsplit_once('/') else {
                continue;
            };
            if folder == "Etc" {
                continue;
            }
            let key = city_key(city);
            match cities.get(&key) {
                Some(existing) if !prefer(name, existing.name()) => {}
                _ => {
                    cities.insert(key, tz);
                }
            }
        }
        let aliases = ALIASES
            .iter()
            .map(|(alias, tz)| (city_key(alias), *tz))
            .collect();
        ZoneIndex {
            names,
            cities,
            aliases,
        }
    }

    /// The known zone or city closest to a misspelt `text`, if one is close enough to be a
    /// likely typo ("Londn", "Amsterdm", "europe/pariss"). Only the city part is compared:
    /// whole names share long prefixes ("Europe/At...") that would make strangers look alike.
    fn suggest(&self, text: &str) -> Option<Tz> {
        const MIN_SIMILARITY: f64 = 0.9;
        let city = text.rsplit('/').next().unwrap_or(text);
        let key = city_key(city);
        let candidates = self.aliases.iter().chain(self.cities.iter());
        if key.len() < 4 {
            return None;
        }
        let mut best: Option<(f64, &str, Tz)> = None;
        for (candidate, tz) in candidates {
            let similarity = strsim::jaro_winkler(&key, candidate);
            let better = match best {
                None => true,
                // Ties go to the alphabetically first key, so the answer is deterministic.
                Some((top, top_key, _)) => {
                    similarity > top || (similarity == top && candidate.as_str() < top_key)
                }
            };
            if better {
                best = Some((similarity, candidate, *tz));
            }
        }
        best.filter(|(similarity, _, _)| *similarity >= MIN_SIMILARITY)
            .map(|(_, _, tz)| tz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Offset, TimeZone};

    #[test]
    fn keys_fold_case_accents_and_separators() {
        assert_eq!(city_key("São Paulo"), "saopaulo");
        assert_eq!(city_key("new_york"), city_key("New York"));
        assert_eq!(city_key("🇬🇧"), "");
        assert_eq!(name_key("america / new york"), "america/new_york");
        assert_eq!(name_key("America/Port-au-Prince"), "america/port_au_prince");
        assert_eq!(name_key("Etc/GMT-3"), "etc/gmt-3");
    }

    #[test]
    fn every_fractional_offset_is_kept_by_its_zone() {
        let instants = [(2025, 1, 15), (2025, 7, 15)].map(|(y, m, d)| {
            NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .expect("date")
        });
        for (minutes, tz) in FRACTIONAL_OFFSETS {
            let kept = instants.iter().any(|instant| {
                tz.offset_from_utc_datetime(instant).fix().local_minus_utc() == minutes * 60
            });
            assert!(kept, "{tz} does not keep {}", format_offset(minutes));
            assert_ne!(minutes % 60, 0);
        }
    }

    #[test]
    fn aliases_are_unambiguous_and_never_empty() {
        let mut seen: FxHashMap<String, Tz> = FxHashMap::default();
        for (alias, tz) in ALIASES {
            let key = city_key(alias);
            assert!(!key.is_empty(), "{alias}");
            if let Some(previous) = seen.insert(key, *tz) {
                assert_eq!(previous, *tz, "{alias} maps to two zones");
            }
        }
    }

    #[test]
    fn shared_city_parts_go_to_canonical_names() {
        let index = ZoneIndex::get();
        assert_eq!(
            index.cities.get("buenosaires"),
            Some(&chrono_tz::America::Argentina::Buenos_Aires)
        );
        assert_eq!(
            index.cities.get("indianapolis"),
            Some(&chrono_tz::America::Indiana::Indianapolis)
        );
        assert!(!index.cities.contains_key("gmt3"));
    }
}

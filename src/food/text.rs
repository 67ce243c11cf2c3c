//! Meal text to normalised tokens.
//!
//! Every message and every lexicon phrase goes through the same tokeniser, so a phrase matches
//! a message exactly when their tokens agree. Tokens are lowercase ASCII words (accents and
//! other scripts transliterated by `deunicode`), numbers (`2`, `0.0`, `1/2`, `½`), punctuation
//! that ends a clause or carries meaning (`,` `.` `:` `%` ...), and food emoji.
//!
//! The normalised buffer doubles as the haystack for the phrase automaton: each token is written
//! as `" token "`, so neighbours are separated by two spaces, and a pattern `" peanut  butter "`
//! can only match whole tokens. Apostrophes inside words vanish ("mcdonald's" -> "mcdonalds"),
//! hyphens and slashes between words split them ("sugar-free" -> "sugar free"), `&` and `+`
//! read as "and".

use super::lexicon::WordInfo;
use rustc_hash::FxHashSet;
use std::ops::Range;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    /// A single punctuation character: `, . ; : ! ? ( ) - %`; line breaks become `;`.
    Punct,
    /// An emoji or other symbol that some lexicon phrase contains.
    Symbol,
}

/// One token: where it sits in the normalised buffer and in the original text.
#[derive(Clone, Debug)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte range of the token's text inside [`Tokens::norm`] (without the padding spaces).
    pub norm: Range<usize>,
    /// Byte range in the original text, always on character boundaries.
    pub orig: Range<usize>,
    /// The numeric value of a `Number` token, 0 otherwise.
    pub value: f32,
}

/// A tokenised text: the padded, normalised buffer and the tokens inside it.
#[derive(Debug, Default)]
pub struct Tokens {
    pub norm: String,
    pub list: Vec<Token>,
    /// What the lexicon knows of each word token (rule flags, number values), looked up once
    /// per message by the parser (see `Lexicon::read_words`); empty until then.
    pub(crate) info: Vec<WordInfo>,
}

impl Tokens {
    pub fn text(&self, index: usize) -> &str {
        &self.norm[self.list[index].norm.clone()]
    }

    pub fn is_punct(&self, index: usize, ch: char) -> bool {
        let token = &self.list[index];
        token.kind == TokenKind::Punct && self.norm[token.norm.clone()].starts_with(ch)
    }

    /// The token whose padded form starts at `haystack_offset` (where a match starts).
    pub fn index_at(&self, haystack_offset: usize) -> usize {
        self.list
            .partition_point(|t| t.norm.start <= haystack_offset + 1)
            .saturating_sub(1)
    }

    /// The last token inside a match that ends at `haystack_end`.
    pub fn last_index_before(&self, haystack_end: usize) -> usize {
        self.list
            .partition_point(|t| t.norm.start < haystack_end)
            .saturating_sub(1)
    }
}

/// Characters that join a word instead of splitting it ("didn't", "mcdonald’s").
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´')
}

/// Invisible parts of emoji sequences: variation selectors, joiners, skin tones.
fn is_emoji_modifier(c: char) -> bool {
    matches!(
        c,
        '\u{FE0E}' | '\u{FE0F}' | '\u{200D}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}'
    )
}

fn vulgar_fraction(c: char) -> Option<f32> {
    Some(match c {
        '½' => 0.5,
        '⅓' => 1.0 / 3.0,
        '⅔' => 2.0 / 3.0,
        '¼' => 0.25,
        '¾' => 0.75,
        '⅛' => 0.125,
        _ => return None,
    })
}

/// Whether `c` would become a symbol token if a phrase used it: not a letter, digit, space,
/// apostrophe or one of the ASCII characters the tokeniser already interprets.
pub fn is_symbol_char(c: char) -> bool {
    !c.is_ascii()
        && !c.is_alphanumeric()
        && !c.is_whitespace()
        && !is_apostrophe(c)
        && !is_emoji_modifier(c)
        && vulgar_fraction(c).is_none()
}

struct Builder<'o> {
    out: &'o mut Tokens,
    kind: Option<TokenKind>,
    norm_start: usize,
    orig: Range<usize>,
}

impl Builder<'_> {
    fn start(&mut self, kind: TokenKind, at: usize) {
        self.out.norm.push(' ');
        self.kind = Some(kind);
        self.norm_start = self.out.norm.len();
        self.orig = at..at;
    }

    /// Appends one normalised ASCII character belonging to a word or number.
    fn push(&mut self, kind: TokenKind, ch: char, orig: Range<usize>) {
        if self.kind != Some(kind) {
            self.finish();
            self.start(kind, orig.start);
        }
        self.out.norm.push(ch);
        self.orig.end = orig.end;
    }

    fn finish(&mut self) {
        let Some(kind) = self.kind.take() else {
            return;
        };
        // "fish n chips", "ben n jerrys": a lone "n" is "and".
        if kind == TokenKind::Word && &self.out.norm[self.norm_start..] == "n" {
            self.out.norm.truncate(self.norm_start);
            self.out.norm.push_str("and");
        }
        let norm = self.norm_start..self.out.norm.len();
        let value = if kind == TokenKind::Number {
            parse_number(&self.out.norm[norm.clone()])
        } else {
            0.0
        };
        self.out.norm.push(' ');
        self.out.list.push(Token {
            kind,
            norm,
            orig: self.orig.clone(),
            value,
        });
    }

    /// Emits a complete one-piece token (punctuation, symbol, a fraction, "and").
    fn single(&mut self, kind: TokenKind, text: &str, value: f32, orig: Range<usize>) {
        self.finish();
        self.start(kind, orig.start);
        self.out.norm.push_str(text);
        self.orig = orig;
        let norm = self.norm_start..self.out.norm.len();
        self.out.norm.push(' ');
        self.kind = None;
        self.out.list.push(Token {
            kind,
            norm,
            orig: self.orig.clone(),
            value,
        });
    }
}

fn parse_number(text: &str) -> f32 {
    if let Some((num, den)) = text.split_once('/') {
        let (num, den) = (num.parse::<f32>(), den.parse::<f32>());
        return match (num, den) {
            (Ok(n), Ok(d)) if d > 0.0 => n / d,
            _ => 0.0,
        };
    }
    text.parse::<f32>()
        .ok()
        .filter(|v| v.is_finite())
        .unwrap_or(0.0)
}

/// Emoji and pictographs (faces, hands, symbols), which people put between parts of a message.
fn is_pictograph(c: char) -> bool {
    matches!(c, '\u{1F300}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}')
}

/// Tokenises `text` into `out` (cleared first). `symbols` are the non-ASCII symbols (emoji)
/// that lexicon phrases use; any other symbol separates tokens like a space.
pub fn tokenize(text: &str, symbols: &FxHashSet<char>, out: &mut Tokens) {
    out.norm.clear();
    out.list.clear();
    out.info.clear();
    let mut b = Builder {
        out,
        kind: None,
        norm_start: 0,
        orig: 0..0,
    };
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let here = at..at + c.len_utf8();
        let next = chars.peek().map(|&(_, n)| n);
        if c.is_ascii_alphabetic() {
            b.push(TokenKind::Word, c.to_ascii_lowercase(), here);
        } else if c.is_ascii_digit() {
            b.push(TokenKind::Number, c, here);
        } else if matches!(c, '.' | ',' | '/')
            && b.kind == Some(TokenKind::Number)
            && next.is_some_and(|n| n.is_ascii_digit())
            && !b.out.norm[b.norm_start..].contains(['.', '/'])
        {
            // A decimal point, a decimal comma ("1,5") or a fraction ("1/2") inside a number.
            b.push(TokenKind::Number, if c == '/' { '/' } else { '.' }, here);
        } else if is_apostrophe(c) {
            if !(b.kind == Some(TokenKind::Word) && next.is_some_and(|n| n.is_alphabetic())) {
                b.finish();
            }
        } else if c.is_whitespace() {
            b.finish();
            if c == '\n' {
                b.single(TokenKind::Punct, ";", 0.0, here);
            }
        } else if c.is_ascii() {
            match c {
                '&' | '+' => b.single(TokenKind::Word, "and", 0.0, here),
                '*' => b.single(TokenKind::Word, "x", 0.0, here),
                '-' | '/' | '_'
                    if b.kind.is_some() && next.is_some_and(|n| n.is_alphanumeric()) =>
                {
                    b.finish()
                }
                ',' | '.' | ';' | ':' | '!' | '?' | '(' | ')' | '-' | '%' => {
                    let mut buf = [0u8; 4];
                    b.single(TokenKind::Punct, c.encode_utf8(&mut buf), 0.0, here)
                }
                '[' | ']' | '{' | '}' => b.single(TokenKind::Punct, "(", 0.0, here),
                _ => b.finish(),
            }
        } else if let Some(value) = vulgar_fraction(c) {
            // "1½" reads as one and a half.
            let whole = if b.kind == Some(TokenKind::Number) {
                let v = parse_number(&b.out.norm[b.norm_start..]);
                b.out.norm.truncate(b.norm_start - 1);
                let start = b.orig.start;
                b.kind = None;
                Some((v, start))
            } else {
                None
            };
            let (value, start) = match whole {
                Some((v, start)) => (v + value, start),
                None => (value, at),
            };
            let text = format!("{value}");
            b.single(TokenKind::Number, &text, value, start..here.end);
        } else if c.is_alphanumeric() {
            let ascii = deunicode::deunicode_char(c).unwrap_or("");
            for d in ascii.chars() {
                if d.is_ascii_alphabetic() {
                    b.push(TokenKind::Word, d.to_ascii_lowercase(), here.clone());
                } else if d.is_ascii_digit() {
                    b.push(TokenKind::Number, d, here.clone());
                } else {
                    b.finish();
                }
            }
        } else if c == '×' {
            // "wings ×6" is "wings x6".
            b.single(TokenKind::Word, "x", 0.0, here);
        } else if is_emoji_modifier(c) {
            // Part of the previous emoji; keeps "🍺\u{FE0F}" the same as "🍺".
        } else if symbols.contains(&c) {
            let mut buf = [0u8; 4];
            b.single(TokenKind::Symbol, c.encode_utf8(&mut buf), 0.0, here);
        } else if is_pictograph(c) {
            // An emoji that names no food ("didn't have any 😇 had rice cakes") still ends
            // what came before, as a comma would.
            b.single(TokenKind::Punct, ",", 0.0, here);
        } else {
            b.finish();
        }
    }
    b.finish();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let symbols: FxHashSet<char> = ['🍕', '🍺'].into_iter().collect();
        let mut tokens = Tokens::default();
        tokenize(text, &symbols, &mut tokens);
        (0..tokens.list.len())
            .map(|i| tokens.text(i).to_string())
            .collect()
    }

    #[test]
    fn normalises_case_accents_apostrophes_and_hyphens() {
        assert_eq!(
            words("McDonald’s Crème-Brûlée, sugar-free!"),
            ["mcdonalds", "creme", "brulee", ",", "sugar", "free", "!"]
        );
        assert_eq!(words("didn't have dessert"), ["didnt", "have", "dessert"]);
        assert_eq!(
            words("mac & cheese + peas"),
            ["mac", "and", "cheese", "and", "peas"]
        );
        assert_eq!(words("fish n chips"), ["fish", "and", "chips"]);
    }

    #[test]
    fn numbers_units_and_fractions() {
        assert_eq!(words("200g salmon"), ["200", "g", "salmon"]);
        assert_eq!(words("2x beer x2"), ["2", "x", "beer", "x", "2"]);
        assert_eq!(words("wings ×6"), ["wings", "x", "6"]);
        assert_eq!(words("0.0 lager, 1,5 l"), ["0.0", "lager", ",", "1.5", "l"]);
        assert_eq!(words("85% dark"), ["85", "%", "dark"]);
        assert_eq!(
            words("½ avocado 1/2 lime 1½ cups"),
            ["0.5", "avocado", "1/2", "lime", "1.5", "cups"]
        );
    }

    #[test]
    fn emoji_and_original_offsets() {
        let symbols: FxHashSet<char> = ['🍕', '🍺'].into_iter().collect();
        let mut tokens = Tokens::default();
        let text = "🍕🍺\u{FE0F} and 🙂 Pâté";
        tokenize(text, &symbols, &mut tokens);
        let texts: Vec<&str> = (0..tokens.list.len()).map(|i| tokens.text(i)).collect();
        // An emoji no food uses ends a clause, as a comma would.
        assert_eq!(texts, ["🍕", "🍺", "and", ",", "pate"]);
        assert_eq!(&text[tokens.list[4].orig.clone()], "Pâté");
        assert_eq!(tokens.norm, " 🍕  🍺  and  ,  pate ");
        assert_eq!(tokens.index_at(tokens.list[2].norm.start - 1), 2);
    }
}

//! Long replies cut into messages Telegram accepts: at most 4096 characters each (1024 for a
//! caption), cut at line ends where possible, with the HTML still well formed in every part.
//!
//! Telegram refuses a message over the limit outright, so a long `/history` would otherwise
//! never arrive. Lengths are counted in UTF-16 code units of the HTML as sent: Telegram counts
//! the text after parsing entities, which is never longer, so the count errs on the safe side.
//! A tag open across a cut (`<b>` spanning lines) is closed at the end of one part and opened
//! again at the start of the next; a cut never falls inside a tag or an entity (`&amp;`).

/// The longest text of one message.
pub const MESSAGE_LIMIT: usize = 4096;

/// The longest caption of a photo or document.
pub const CAPTION_LIMIT: usize = 1024;

/// Room kept in each part for the tags closed at its end and reopened at the next start; the
/// engine's markup nests at most a couple of short tags, so this is plenty.
const TAG_ROOM: usize = 64;

/// The length Telegram's limits are measured in (UTF-16 code units).
pub fn telegram_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// `html` as parts of at most `limit` units (see [`telegram_len`]), in order. Parts are cut
/// after a line where possible, else after a space, else between characters; parts with no
/// visible text are dropped. Text within the limit comes back as one part, unchanged.
pub fn split_html(html: &str, limit: usize) -> Vec<String> {
    if telegram_len(html) <= limit {
        return vec![html.to_string()];
    }
    let piece_limit = limit.saturating_sub(2 * TAG_ROOM).max(1);
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    // The tags open where `current` starts, and where it ends.
    let mut open_at_start: Vec<Tag> = Vec::new();
    let mut open: Vec<Tag> = Vec::new();
    for line in html.split_inclusive('\n') {
        for piece in pieces(line, piece_limit) {
            let piece_len = telegram_len(piece);
            let mut open_after = open.clone();
            track_tags(piece, &mut open_after);
            let total =
                reopen_len(&open_at_start) + current_len + piece_len + close_len(&open_after);
            if current_len > 0 && total > limit {
                push_part(&mut parts, &open_at_start, &current, &open);
                open_at_start = open.clone();
                current.clear();
                current_len = 0;
            }
            current.push_str(piece);
            current_len += piece_len;
            open = open_after;
        }
    }
    push_part(&mut parts, &open_at_start, &current, &open);
    parts
}

/// An open tag: its name (to match the closing tag) and the opening tag as written (to open
/// it again with its attributes).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Tag {
    name: String,
    opening: String,
}

fn reopen_len(open: &[Tag]) -> usize {
    open.iter().map(|tag| telegram_len(&tag.opening)).sum()
}

fn close_len(open: &[Tag]) -> usize {
    open.iter().map(|tag| tag.name.len() + 3).sum()
}

fn push_part(parts: &mut Vec<String>, open_at_start: &[Tag], body: &str, open_at_end: &[Tag]) {
    let body = body.trim_end_matches(['\n', ' ']);
    if crate::chat::html::to_plain(body).trim().is_empty() {
        return;
    }
    let mut part = String::with_capacity(body.len() + 2 * TAG_ROOM);
    for tag in open_at_start {
        part.push_str(&tag.opening);
    }
    part.push_str(body);
    for tag in open_at_end.iter().rev() {
        part.push_str("</");
        part.push_str(&tag.name);
        part.push('>');
    }
    parts.push(part);
}

/// Follows the tags in `html`, pushing opened ones on `open` and popping closed ones.
fn track_tags(html: &str, open: &mut Vec<Tag>) {
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        let Some(end) = rest.find('>') else {
            return;
        };
        let tag = &rest[..=end];
        rest = &rest[end + 1..];
        if let Some(closing) = tag.strip_prefix("</") {
            let name = closing.trim_end_matches('>').trim();
            if let Some(at) = open.iter().rposition(|t| t.name == name) {
                open.truncate(at);
            }
        } else {
            let name: String = tag[1..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            if !name.is_empty() && !tag.ends_with("/>") {
                open.push(Tag {
                    name,
                    opening: tag.to_string(),
                });
            }
        }
    }
}

/// `line` in pieces of at most `limit` units, cut only between atoms (a tag, an entity or a
/// character), after a space when one is near enough.
fn pieces(line: &str, limit: usize) -> Vec<&str> {
    if telegram_len(line) <= limit {
        return vec![line];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut len = 0;
    // The end of the last space in the current piece: the preferred cut.
    let mut after_space: Option<(usize, usize)> = None;
    let mut at = 0;
    while at < line.len() {
        let atom_end = atom_end(line, at);
        let atom_len = telegram_len(&line[at..atom_end]);
        if len > 0 && len + atom_len > limit {
            // Cut after the last space unless that leaves a short stub of a piece.
            let (cut, cut_len) = match after_space {
                Some((end, end_len)) if end_len * 2 >= limit => (end, end_len),
                _ => (at, len),
            };
            pieces.push(&line[start..cut]);
            start = cut;
            len -= cut_len;
            after_space = None;
        }
        len += atom_len;
        if line[at..atom_end].chars().all(char::is_whitespace) {
            after_space = Some((atom_end, len));
        }
        at = atom_end;
    }
    if start < line.len() {
        pieces.push(&line[start..]);
    }
    pieces
}

/// Where the atom starting at byte `at` ends: after a whole tag, a whole entity, or one char.
fn atom_end(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    let closing = match rest.as_bytes().first() {
        Some(b'<') => rest.find('>'),
        // An entity is short; an '&' without a ';' soon after is a lone character.
        Some(b'&') => rest
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';' || c == ' ')
            .filter(|&(_, c)| c == ';')
            .map(|(i, _)| i),
        _ => None,
    };
    match closing {
        Some(last) => at + last + 1,
        None => at + rest.chars().next().map_or(1, char::len_utf8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(count: usize, width: usize) -> String {
        (0..count)
            .map(|i| format!("{i:04} {}", "x".repeat(width - 5)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn text_within_the_limit_is_one_part_unchanged() {
        let text = "Logged: <b>oats</b> &amp; kefir\nToday 64/100";
        assert_eq!(split_html(text, MESSAGE_LIMIT), vec![text.to_string()]);
    }

    #[test]
    fn five_thousand_characters_become_two_parts_cut_at_a_line_end() {
        let text = lines(100, 50);
        assert_eq!(telegram_len(&text), 100 * 51 - 1);
        let parts = split_html(&text, MESSAGE_LIMIT);
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| telegram_len(p) <= MESSAGE_LIMIT));
        assert_eq!(
            parts.join("\n"),
            text,
            "nothing lost, every cut at a line end"
        );
    }

    #[test]
    fn a_tag_open_across_a_cut_is_closed_and_reopened() {
        let text = format!("<b>{}</b>\nend", lines(100, 50));
        let parts = split_html(&text, MESSAGE_LIMIT);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].starts_with("<b>") && parts[0].ends_with("</b>"));
        assert!(parts[1].starts_with("<b>") && parts[1].ends_with("end"));
        assert!(parts.iter().all(|p| telegram_len(p) <= MESSAGE_LIMIT));
    }

    #[test]
    fn a_long_line_is_cut_at_spaces_and_never_inside_an_entity_or_tag() {
        let word = "fish&amp;chips <i>peas</i> ";
        let text = word.repeat(400);
        let parts = split_html(&text, 1000);
        assert!(parts.len() > 1);
        for part in &parts {
            assert!(telegram_len(part) <= 1000, "{}", telegram_len(part));
            assert!(!part.ends_with('&') && !part.contains("&amp<") && !part.ends_with("&am"));
            assert_eq!(part.matches("<i>").count(), part.matches("</i>").count());
        }
        let rejoined: String = parts.join(" ");
        assert_eq!(
            crate::chat::html::to_plain(&rejoined)
                .split_whitespace()
                .count(),
            crate::chat::html::to_plain(&text)
                .split_whitespace()
                .count()
        );
    }

    #[test]
    fn a_line_without_spaces_is_cut_between_characters() {
        let text = "🍕".repeat(3000); // 6000 UTF-16 units
        let parts = split_html(&text, MESSAGE_LIMIT);
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| telegram_len(p) <= MESSAGE_LIMIT));
        assert_eq!(parts.concat(), text);
    }

    #[test]
    fn blank_parts_are_dropped() {
        let text = format!("{}\n\n\n\n", "a".repeat(5000));
        let parts = split_html(&text, MESSAGE_LIMIT);
        assert!(parts.iter().all(|p| !p.trim().is_empty()));
        assert_eq!(parts.concat(), "a".repeat(5000));
    }
}

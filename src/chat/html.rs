//! Telegram HTML: escaping what people wrote, and reading replies back as plain text.
//!
//! Replies use Telegram's HTML parse mode, which knows `<b>`, `<i>`, `<code>` and a few
//! more tags and rejects a message with any other `<` or unescaped `&`. So every piece of a
//! person's text that goes into a reply passes through [`escape`]; the engine's own markup is
//! written by hand. [`to_plain`] undoes both for the console.

/// `text` safe inside Telegram HTML: `&`, `<`, `>` and `"` as entities.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A reply as plain text for a terminal: tags dropped, entities turned back into characters.
pub fn to_plain(html: &str) -> String {
    let mut plain = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(['<', '&']) {
        plain.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('<') {
            match rest.find('>') {
                Some(end) => rest = &rest[end + 1..],
                None => {
                    plain.push_str(rest);
                    rest = "";
                }
            }
        } else {
            let entity = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&quot;", '"'),
            ]
            .into_iter()
            .find(|(name, _)| rest.starts_with(name));
            match entity {
                Some((name, c)) => {
                    plain.push(c);
                    rest = &rest[name.len()..];
                }
                None => {
                    plain.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    plain.push_str(rest);
    plain
}

/// At most `max_chars` characters of `text`, with an ellipsis when cut.
pub fn shorten(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max_chars).collect();
    if chars.next().is_some() {
        format!("{}…", head.trim_end())
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_reads_it_back() {
        let raw = r#"<b>pizza</b> & "chips" _*[]"#;
        let escaped = escape(raw);
        assert_eq!(
            escaped,
            "&lt;b&gt;pizza&lt;/b&gt; &amp; &quot;chips&quot; _*[]"
        );
        assert_eq!(to_plain(&escaped), raw);
        assert_eq!(
            to_plain("<b>Logged:</b> oats &amp; kefir"),
            "Logged: oats & kefir"
        );
    }

    #[test]
    fn shortens_on_characters_not_bytes() {
        assert_eq!(shorten("crème brûlée", 5), "crème…");
        assert_eq!(shorten("🍕🍕", 2), "🍕🍕");
    }
}

//! Escaping for text that goes into the report: everything the target sent (bodies, headers,
//! messages quoting them) is data, never markup.

/// Escapes `text` for an HTML text node or a quoted attribute value.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_esc(&mut out, text);
    out
}

/// Appends `text`, escaped, to `out`.
pub fn push_esc(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // NUL and the other C0 controls but tab and newlines are parse errors in HTML.
            '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}' => {
                out.push('\u{fffd}')
            }
            c => out.push(c),
        }
    }
}

/// At most `max` bytes of `text` (cut on a character boundary), and how many bytes were left out.
pub fn truncate(text: &str, max: usize) -> (&str, usize) {
    if text.len() <= max {
        return (text, 0);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], text.len() - end)
}

/// A token safe inside an attribute and a CSS class: lowercase ASCII letters, digits and `-`.
pub fn token(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(esc("a\u{0}b\tc\n"), "a\u{fffd}b\tc\n");
    }

    #[test]
    fn truncation_keeps_characters_whole() {
        assert_eq!(truncate("abc", 5), ("abc", 0));
        assert_eq!(truncate("abcdef", 4), ("abcd", 2));
        // "é" is two bytes: a cut inside it moves back before it.
        assert_eq!(truncate("aé", 2), ("a", 2));
    }

    #[test]
    fn tokens_are_plain() {
        assert_eq!(token("AS+RS"), "as-rs");
        assert_eq!(token("expected failure"), "expected-failure");
        assert_eq!(token("\"><x"), "---x");
    }
}

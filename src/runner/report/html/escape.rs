//! Escaping for text that goes into the report: everything the target sent (bodies, headers,
//! messages quoting them) is data, never markup.

pub use crate::text::html_escaped as esc;
pub use crate::text::push_html_escaped as push_esc;

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
pub use crate::text::slug as token;

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

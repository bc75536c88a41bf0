//! Small text helpers that the reports and the mocks share; nothing here knows about either.

/// Appends `text` to `out`, safe inside HTML element content and quoted attribute values.
/// Control characters HTML forbids (all C0 but tab and newlines, and DEL) become U+FFFD.
pub fn push_html_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}' => {
                out.push('\u{fffd}')
            }
            c => out.push(c),
        }
    }
}

/// `text` escaped for HTML (see [`push_html_escaped`]).
pub fn html_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_html_escaped(&mut out, text);
    out
}

/// Lowercase ASCII letters and digits, everything else `-`: safe as an id, a class or a slug.
pub fn slug(text: &str) -> String {
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
    fn escapes_markup_and_controls() {
        assert_eq!(
            html_escaped("<a href=\"x\">'&'\u{1}</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;\u{fffd}&lt;/a&gt;"
        );
        assert_eq!(slug("GRANT-3.3 x"), "grant-3-3-x");
    }
}

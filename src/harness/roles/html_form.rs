//! Reading the forms of an HTML page the way a browser would submit them, so the harness can
//! play a requesting party at a claims interaction endpoint without a browser. Only what form
//! submission needs: each form's action and method, its inputs with their values, and its submit
//! buttons. Pages from the target are untrusted input: nothing here panics on malformed markup.

/// One `<form>` of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlForm {
    /// The `action` attribute as written (empty or absent: the page's own URL).
    pub action: String,
    /// `get` or `post` (lower case); HTML's default is `get`.
    pub method: String,
    /// Named inputs a browser would submit, in document order, with their initial values.
    pub fields: Vec<FormField>,
    /// Named submit buttons, as (name, value).
    pub buttons: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub name: String,
    pub value: String,
    pub hidden: bool,
    /// An `<input type=password>`: what is typed into it is a secret, whatever its name.
    pub password: bool,
}

impl HtmlForm {
    /// The name/value pairs a browser submits when `fill` values are typed in and `button` (by
    /// value or name; default the first) is pressed. Unchecked boxes are never collected.
    pub fn submission(
        &self,
        fill: &[(String, String)],
        button: Option<&str>,
    ) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .fields
            .iter()
            .map(|f| {
                let value = fill
                    .iter()
                    .find(|(name, _)| *name == f.name)
                    .map_or_else(|| f.value.clone(), |(_, v)| v.clone());
                (f.name.clone(), value)
            })
            .collect();
        // Values for fields the page does not show still go along: some pages add inputs by
        // script, which a harness cannot run.
        for (name, value) in fill {
            if !self.fields.iter().any(|f| &f.name == name) {
                pairs.push((name.clone(), value.clone()));
            }
        }
        let pressed = match button {
            Some(wanted) => self
                .buttons
                .iter()
                .find(|(name, value)| value == wanted || name == wanted),
            None => self.buttons.first(),
        };
        if let Some((name, value)) = pressed {
            pairs.push((name.clone(), value.clone()));
        }
        pairs
    }
}

/// Every form of `html`, in document order.
pub fn forms(html: &str) -> Vec<HtmlForm> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut at = 0;
    // A hostile page of unclosed forms cannot make the reading unbounded.
    while let Some(start) = find_tag(&lower, "form", at).filter(|_| found.len() < 100) {
        let Some((attrs, open_end)) = tag_at(html, start) else {
            break;
        };
        let close = lower[open_end..]
            .find("</form")
            .map_or(html.len(), |i| open_end + i);
        let inner = &html[open_end..close];
        let mut form = HtmlForm {
            action: attribute(&attrs, "action").unwrap_or_default(),
            method: attribute(&attrs, "method")
                .map(|m| m.to_ascii_lowercase())
                .filter(|m| m == "post")
                .unwrap_or_else(|| "get".into()),
            fields: Vec::new(),
            buttons: Vec::new(),
        };
        read_controls(inner, &mut form);
        found.push(form);
        at = close.max(open_end);
    }
    found
}

/// The most controls read from one form: a hostile page cannot make the reading unbounded.
const MAX_CONTROLS: usize = 1000;

/// The next `<input`, `<button` or `<textarea` from `at`, in one pass over the text.
fn next_control(lower: &str, mut at: usize) -> Option<(usize, &'static str)> {
    while let Some(i) = lower.get(at..)?.find('<') {
        let start = at + i;
        let rest = &lower[start + 1..];
        for tag in ["input", "button", "textarea"] {
            let after = rest.strip_prefix(tag).and_then(|r| r.chars().next());
            if matches!(after, Some(c) if c.is_ascii_whitespace() || c == '>' || c == '/') {
                return Some((start, tag));
            }
        }
        at = start + 1;
    }
    None
}

fn read_controls(inner: &str, form: &mut HtmlForm) {
    let lower = inner.to_ascii_lowercase();
    let mut at = 0;
    while at < lower.len() && form.fields.len() + form.buttons.len() < MAX_CONTROLS {
        let Some((start, tag)) = next_control(&lower, at) else {
            break;
        };
        let Some((attrs, end)) = tag_at(inner, start) else {
            break;
        };
        at = end;
        let Some(name) = attribute(&attrs, "name").filter(|n| !n.is_empty()) else {
            continue;
        };
        if attribute(&attrs, "disabled").is_some() {
            continue;
        }
        let kind = attribute(&attrs, "type")
            .unwrap_or_else(|| if tag == "button" { "submit" } else { "text" }.into())
            .to_ascii_lowercase();
        match (tag, kind.as_str()) {
            ("textarea", _) => {
                let close = lower[end..]
                    .find("</textarea")
                    .map_or(inner.len(), |i| end + i);
                form.fields.push(FormField {
                    name,
                    value: decode_entities(&inner[end..close]),
                    hidden: false,
                    password: false,
                });
                at = close;
            }
            (_, "submit") | (_, "image") => {
                let value = attribute(&attrs, "value").unwrap_or_default();
                form.buttons.push((name, value));
            }
            (_, "button") | (_, "reset") | (_, "file") => {}
            (_, "checkbox") | (_, "radio") => {
                if attribute(&attrs, "checked").is_some() {
                    let value = attribute(&attrs, "value").unwrap_or_else(|| "on".into());
                    form.fields.push(FormField {
                        name,
                        value,
                        hidden: false,
                        password: false,
                    });
                }
            }
            (_, kind) => form.fields.push(FormField {
                name,
                value: attribute(&attrs, "value").unwrap_or_default(),
                hidden: kind == "hidden",
                password: kind == "password",
            }),
        }
    }
}

/// The index of the next `<tag` (followed by a space, `/` or `>`) in lower-cased `html`.
fn find_tag(lower: &str, tag: &str, from: usize) -> Option<usize> {
    let needle = format!("<{tag}");
    let mut at = from;
    while let Some(i) = lower.get(at..)?.find(&needle) {
        let start = at + i;
        let after = lower[start + needle.len()..].chars().next();
        if matches!(after, Some(c) if c.is_ascii_whitespace() || c == '>' || c == '/') {
            return Some(start);
        }
        at = start + needle.len();
    }
    None
}

/// The attributes of the tag opening at `start`, and the index just after its `>`.
fn tag_at(html: &str, start: usize) -> Option<(Vec<(String, String)>, usize)> {
    let bytes = html.as_bytes();
    let mut i = start + 1;
    // Skip the tag name.
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/'
    {
        i += 1;
    }
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        if bytes[i] == b'>' {
            return Some((attrs, i + 1));
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i]) {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let value_start = i + 1;
                let end = bytes[value_start..].iter().position(|b| *b == quote)?;
                value = decode_entities(&html[value_start..value_start + end]);
                i = value_start + end + 1;
            } else {
                let value_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&html[value_start..i]);
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

/// The URLs `<meta http-equiv="refresh" content="N; url=...">` tags of a page send the user
/// agent to.
pub fn meta_refresh_targets(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut targets = Vec::new();
    let mut at = 0;
    while let Some(start) = find_tag(&lower, "meta", at) {
        let Some((attrs, end)) = tag_at(html, start) else {
            break;
        };
        at = end;
        let refresh = attribute(&attrs, "http-equiv")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"));
        let content = attribute(&attrs, "content").unwrap_or_default();
        if let (true, Some(i)) = (refresh, content.to_ascii_lowercase().find("url=")) {
            let url = content[i + 4..]
                .trim()
                .trim_matches(['\'', '"'])
                .to_string();
            targets.push(url);
        }
    }
    targets
}

fn attribute(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// Decodes the character references an attribute or text may carry.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body>
      <form method="get" action="/search"><input name="q"></form>
      <FORM Method=POST action='https://as.example/claims?x=1&amp;y=2'>
        <input type="hidden" name="csrf_token" value="a&quot;b">
        <input name=username autocomplete="username">
        <input name="password" type="password" value="">
        <input type="checkbox" name="remember" checked>
        <input type="checkbox" name="marketing">
        <input name="off" disabled value="x">
        <textarea name="note">hi &amp; bye</textarea>
        <button type="submit" name="action" value="submit">Go</button>
        <button name="action" value="cancel">Cancel</button>
        <button type="button" name="noop">x</button>
      </FORM></body></html>"#;

    #[test]
    fn reads_forms_controls_and_entities() {
        let found = forms(PAGE);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].method, "get");
        let form = &found[1];
        assert_eq!(form.action, "https://as.example/claims?x=1&y=2");
        assert_eq!(form.method, "post");
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["csrf_token", "username", "password", "remember", "note"]
        );
        assert_eq!(form.fields[0].value, "a\"b");
        assert!(form.fields[0].hidden);
        assert_eq!(form.fields[4].value, "hi & bye");
        assert_eq!(
            form.buttons,
            [
                ("action".into(), "submit".into()),
                ("action".into(), "cancel".into())
            ]
        );
    }

    #[test]
    fn submission_fills_and_presses_a_button() {
        let form = &forms(PAGE)[1];
        let fill = vec![("username".to_string(), "carol".to_string())];
        let sent = form.submission(&fill, Some("cancel"));
        assert!(sent.contains(&("username".into(), "carol".into())));
        assert!(sent.contains(&("csrf_token".into(), "a\"b".into())));
        assert_eq!(sent.last(), Some(&("action".into(), "cancel".into())));
        let default = form.submission(&[], None);
        assert_eq!(default.last(), Some(&("action".into(), "submit".into())));
    }

    #[test]
    fn meta_refresh_targets_are_read_from_the_tag() {
        let page = r#"<meta http-equiv="Refresh" content="0; URL='https://c.example/cb?x=1'">
            <meta name="refresh" content="url=https://no.example/">
            <p>refresh https://echo.example/ http-equiv</p>"#;
        assert_eq!(meta_refresh_targets(page), ["https://c.example/cb?x=1"]);
    }

    #[test]
    fn a_huge_page_is_read_up_to_the_control_cap() {
        let page = format!("<form>{}</form>", "<input name=a value=b>".repeat(100_000));
        let found = forms(&page);
        assert_eq!(found[0].fields.len(), MAX_CONTROLS);
    }

    #[test]
    fn malformed_markup_never_panics() {
        for page in [
            "<form",
            "<form action=\"x",
            "<form><input name='a",
            "&#xZZ; &#99999999;",
            "<form>é<input name=é value=ü>",
        ] {
            let _ = forms(page);
            let _ = decode_entities(page);
        }
        assert_eq!(decode_entities("&#65;&#x42;&bogus;&"), "AB&bogus;&");
    }
}

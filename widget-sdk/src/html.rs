//! HTML escaping for text and attribute values.

use std::fmt::Write as _;

/// Escape `text` for HTML text or a double-quoted attribute value.
///
/// ```
/// assert_eq!(wasmdash_plugin_sdk::html::escape(r#"<a href="x">&'"#),
///            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Append `text` to `out`, escaped (see [`escape`]).
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab/newline are invalid in HTML.
            c if c.is_control() && c != '\t' && c != '\n' => {
                let _ = write!(out, "&#xFFFD;");
            }
            c => out.push(c),
        }
    }
}

/// The "No data for this range" state every built-in widget shows when it
/// gets no data; a plugin may reuse it so empty widgets look alike.
pub fn empty_state(title: &str) -> String {
    let mut out = String::from("<div class=\"wd-widget wd-empty\">");
    if !title.is_empty() {
        out.push_str("<div class=\"wd-title\">");
        escape_into(&mut out, title);
        out.push_str("</div>");
    }
    out.push_str("<p class=\"wd-empty-message\">No data for this range</p></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape("x\u{0}y"), "x&#xFFFD;y");
        assert_eq!(escape("Zürich ✓"), "Zürich ✓");
    }

    #[test]
    fn empty_state_escapes_title() {
        let h = empty_state("<b>");
        assert!(h.contains("&lt;b&gt;") && h.contains("No data for this range"));
    }
}

//! Cleaning plugin HTML before it reaches a page.
//!
//! Plugins are third-party code: whatever HTML they return is parsed and
//! rebuilt against an allowlist of HTML basics plus the SVG elements and
//! attributes charts need. Anything else (script, event handlers, `style`,
//! links, images, `url(...)` and `javascript:` values, htmx attributes that
//! would make the browser send requests) is dropped. The page's
//! Content-Security-Policy is the second line of defence.
//!
//! Cleaning has a bounded cost. HTML parsing can amplify: every unclosed
//! formatting element (`<b>`, `<i>`, ...) is re-opened at each following
//! block, so 28 KiB of them and `<p>`s once became a 17 MiB page after 2 s
//! of parsing on an async worker. So [`sanitize_bounded`] first measures
//! the input in one linear pass ([`check_cost`]: size, nesting depth, and
//! how many elements parsing would create, counting the re-opened ones)
//! and refuses what is over the limits; what passes is parsed on a
//! blocking thread, a few at a time, under a time budget, and the result
//! is size-checked again. A refusal becomes the widget's error card.

use std::collections::HashSet;
use std::sync::LazyLock;
use std::time::Duration;

use ammonia::Builder;
use tokio::sync::Semaphore;

/// Largest plugin HTML that is cleaned at all, bytes.
pub(crate) const MAX_INPUT_BYTES: usize = 2 * 1024 * 1024;
/// Deepest element nesting accepted (charts and tables need about 10).
pub(crate) const MAX_DEPTH: usize = 256;
/// Most elements parsing may create, counting re-opened formatting
/// elements.
pub(crate) const MAX_ESTIMATED_ELEMENTS: usize = 100_000;
/// Largest cleaned output, bytes.
pub(crate) const MAX_OUTPUT_BYTES: usize = 4 * 1024 * 1024;

const HTML_TAGS: &[&str] = &[
    "div",
    "span",
    "p",
    "strong",
    "em",
    "b",
    "i",
    "small",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "colgroup",
    "col",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "abbr",
    "time",
    "code",
    "pre",
    "sup",
    "sub",
    "button",
    "nav",
    "meter",
    "progress",
];

const SVG_TAGS: &[&str] = &[
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "title", "desc",
];

const GENERIC_ATTRIBUTES: &[&str] = &[
    "class",
    "title",
    "role",
    "lang",
    "dir",
    "tabindex",
    "aria-label",
    "aria-hidden",
    "aria-describedby",
    "aria-sort",
    "aria-current",
    "aria-valuenow",
    "aria-valuemin",
    "aria-valuemax",
    "colspan",
    "rowspan",
    "scope",
    "datetime",
    "abbr",
    "value",
    "min",
    "max",
    "low",
    "high",
    "optimum",
    "type",
    "disabled",
    // SVG geometry and presentation.
    "viewBox",
    "preserveAspectRatio",
    "width",
    "height",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "dx",
    "dy",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "d",
    "points",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "transform",
    "text-anchor",
    "dominant-baseline",
    "font-size",
    "font-weight",
    "focusable",
];

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    builder
        .tags(HTML_TAGS.iter().chain(SVG_TAGS).copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .generic_attribute_prefixes(HashSet::from(["data-"]))
        .clean_content_tags(HashSet::from(["script", "style"]))
        .strip_comments(true)
        .link_rel(None)
        .attribute_filter(|_element, attribute, value| {
            // htmx also reads `data-hx-*`; a plugin must never make the
            // browser send requests in the user's name.
            if attribute.starts_with("data-hx") || attribute.starts_with("data-on") {
                return None;
            }
            let lowered = value.to_ascii_lowercase();
            if lowered.contains("url(") || lowered.contains("javascript:") {
                return None;
            }
            Some(value.into())
        });
    builder
});

/// Clean one plugin's HTML fragment against the allowlist, whatever its
/// cost: call [`sanitize_bounded`] for anything a plugin returned.
pub fn sanitize_plugin_html(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// Why plugin HTML was not cleaned (and so not shown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SanitizeError {
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("the widget returned {0} bytes of HTML, more than the {MAX_INPUT_BYTES} allowed")]
    TooLarge(usize),
    /// Elements nest deeper than [`MAX_DEPTH`].
    #[error("the widget's HTML nests more than {MAX_DEPTH} elements deep")]
    TooDeep,
    /// Parsing would create more than [`MAX_ESTIMATED_ELEMENTS`] elements
    /// (typically unclosed formatting elements re-opened again and again).
    #[error("the widget's HTML would expand to too many elements (unclosed tags?)")]
    TooManyElements,
    /// The cleaned output exceeds [`MAX_OUTPUT_BYTES`].
    #[error("the widget's cleaned HTML is larger than {MAX_OUTPUT_BYTES} bytes")]
    OutputTooLarge,
    /// Cleaning did not finish within its time budget.
    #[error("cleaning the widget's HTML took longer than {0} ms")]
    Timeout(u128),
}

/// Elements the HTML parser re-opens after a block closes them.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];
/// Elements without content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen",
];
/// Elements whose end tag may be left out: not counted as nesting, as a
/// list of `<li>` without `</li>` is flat.
const IMPLIED_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "thead",
    "tbody", "tfoot", "colgroup", "caption",
];
/// Elements whose content is not markup.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Measure `html` in one linear pass and refuse it when cleaning could
/// cost too much: too large, too deep, or expanding to too many elements.
/// The measure errs on the generous side of the real parser.
pub(crate) fn check_cost(html: &str) -> Result<(), SanitizeError> {
    if html.len() > MAX_INPUT_BYTES {
        return Err(SanitizeError::TooLarge(html.len()));
    }
    let bytes = html.as_bytes();
    let (mut i, mut depth, mut formatting, mut elements) = (0usize, 0usize, 0usize, 0usize);
    // Inside `<svg>`/`<math>`, `<x/>` really is empty; in HTML the slash
    // is ignored and `<div/>` stays open.
    let mut foreign = 0usize;
    let mut in_text = false;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            // A run of text re-opens the formatting elements too.
            if !in_text && !bytes[i].is_ascii_whitespace() {
                elements += 1 + formatting;
                in_text = true;
            }
            i += 1;
            continue;
        }
        in_text = false;
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"!--") {
            i = find(bytes, i + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = i + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':'))
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            // `<!doctype>`, `<?x>`, or a lone `<` in text.
            i = if matches!(rest.first(), Some(b'!' | b'?')) {
                find(bytes, i, b">").map_or(bytes.len(), |e| e + 1)
            } else {
                i + 1
            };
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(bytes, name_start + name_len);
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        i = end;
        let is = |set: &[&str]| set.contains(&name.as_str());
        if closing {
            if !is(IMPLIED_END) && !is(VOID) {
                depth = depth.saturating_sub(1);
            }
            if is(&["svg", "math"]) {
                foreign = foreign.saturating_sub(1);
            }
            if is(FORMATTING) {
                formatting = formatting.saturating_sub(1);
            }
            continue;
        }
        elements += 1 + formatting;
        if is(RAW_TEXT) {
            let close = format!("</{name}");
            i = find_ascii_ci(bytes, i, close.as_bytes()).unwrap_or(bytes.len());
            continue;
        }
        if (self_closing && foreign > 0) || is(VOID) || is(IMPLIED_END) {
            continue;
        }
        if is(&["svg", "math"]) {
            foreign += 1;
        }
        depth += 1;
        if is(FORMATTING) {
            formatting += 1;
        }
        if depth > MAX_DEPTH {
            return Err(SanitizeError::TooDeep);
        }
        if elements > MAX_ESTIMATED_ELEMENTS {
            return Err(SanitizeError::TooManyElements);
        }
    }
    if elements > MAX_ESTIMATED_ELEMENTS {
        return Err(SanitizeError::TooManyElements);
    }
    Ok(())
}

/// Index just past the `>` ending the tag whose attributes start at
/// `from`, skipping quoted values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (offset, &b) in bytes[from..].iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return from + offset + 1,
            None => {}
        }
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ascii_ci(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// Cleanings running at once: parsing is CPU work, so no more than there
/// are cores; the rest wait (within their budget).
static CLEANING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

/// Clean plugin HTML with a bounded cost: [`check_cost`] first, then the
/// parse on a blocking thread (never an async worker) within `budget`,
/// then a check of the output size.
pub async fn sanitize_bounded(html: String, budget: Duration) -> Result<String, SanitizeError> {
    check_cost(&html)?;
    let timeout = || SanitizeError::Timeout(budget.as_millis());
    let work = async {
        let _permit = CLEANING.acquire().await.map_err(|_| timeout())?;
        tokio::task::spawn_blocking(move || sanitize_plugin_html(&html))
            .await
            .map_err(|_| timeout())
    };
    let clean = tokio::time::timeout(budget, work)
        .await
        .map_err(|_| timeout())??;
    if clean.len() > MAX_OUTPUT_BYTES {
        return Err(SanitizeError::OutputTooLarge);
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::sanitize_plugin_html as clean;
    use super::*;

    /// Unclosed formatting elements (each different, so the parser keeps
    /// them all) followed by many paragraphs: 28 KiB of input.
    fn bomb() -> String {
        let mut s = String::new();
        for i in 0..500 {
            s.push_str(&format!("<b class=a{i:03}>"));
        }
        while s.len() < 28 * 1024 {
            s.push_str("<p>x");
        }
        s
    }

    #[test]
    fn the_nesting_bomb_is_refused_before_parsing() {
        let started = std::time::Instant::now();
        let err = check_cost(&bomb()).unwrap_err();
        assert!(
            matches!(err, SanitizeError::TooDeep | SanitizeError::TooManyElements),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_millis(50));
        // Fewer formatting elements, but enough paragraphs to multiply them.
        let mut s = "<i class=x1><i class=x2><i class=x3><u><s><em>".repeat(20);
        s.push_str(&"<p>x".repeat(2_000));
        assert_eq!(check_cost(&s), Err(SanitizeError::TooManyElements));
        assert_eq!(
            check_cost(&"<div>".repeat(300)),
            Err(SanitizeError::TooDeep)
        );
        assert_eq!(
            check_cost(&"<div/>".repeat(300)),
            Err(SanitizeError::TooDeep)
        );
        let huge = "x".repeat(MAX_INPUT_BYTES + 1);
        assert!(matches!(check_cost(&huge), Err(SanitizeError::TooLarge(_))));
    }

    #[test]
    fn ordinary_widget_html_passes_the_measure() {
        let mut table = String::from("<table><thead><tr><th>a<th>b</thead><tbody>");
        for i in 0..5_000 {
            table.push_str(&format!("<tr><td><b>{i}</b><td>text"));
        }
        table.push_str("</tbody></table>");
        assert_eq!(check_cost(&table), Ok(()));
        let list = format!("<ul>{}</ul>", "<li>item".repeat(3_000));
        assert_eq!(check_cost(&list), Ok(()));
        let svg =
            r#"<svg viewBox="0 0 10 10"><g><path d="M0 0"/><text x="1">a > b</text></g></svg>"#;
        assert_eq!(check_cost(&svg.repeat(500)), Ok(()));
        // Quotes, comments and scripts do not fool the measure.
        let tricky = r#"<div title="<b><b><b>"><!-- <div><div> --><script>"<div>"</script></div>"#;
        assert_eq!(check_cost(&tricky.repeat(1_000)), Ok(()));
    }

    #[tokio::test]
    async fn cleaning_runs_within_its_budget() {
        let html = "<div><b>ok</b><script>x</script></div>".to_owned();
        let out = sanitize_bounded(html, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(out, "<div><b>ok</b></div>");
        let err = sanitize_bounded(bomb(), Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("widget's HTML"), "{err}");
        // Large but legitimate input with a budget too short to parse it.
        let big = "<p>some text</p>".repeat(40_000);
        let err = sanitize_bounded(big, Duration::from_micros(1))
            .await
            .unwrap_err();
        assert!(matches!(err, SanitizeError::Timeout(_)), "{err}");
    }

    #[test]
    fn keeps_chart_svg() {
        let svg = r#"<svg viewBox="0 0 100 50" role="img" aria-label="Orders"><title>Orders</title><g class="wd-c0"><path d="M0 0L10 10" fill="none" stroke="currentColor" stroke-width="2"></path><rect x="1" y="2" width="3" height="4"></rect><text x="5" y="6" text-anchor="middle">12</text></g></svg>"#;
        let out = clean(svg);
        for kept in [
            "viewBox=\"0 0 100 50\"",
            "<path d=\"M0 0L10 10\"",
            "stroke-width=\"2\"",
            "<rect",
            "text-anchor=\"middle\"",
            "<title>Orders</title>",
            "class=\"wd-c0\"",
        ] {
            assert!(out.contains(kept), "{kept} missing from {out}");
        }
    }

    #[test]
    fn drops_script_handlers_and_styles() {
        let out = clean(
            r#"<div onclick="x()" style="color:red">ok<script>alert(1)</script><style>*{}</style><img src=x onerror=alert(1)></div>"#,
        );
        assert_eq!(out, "<div>ok</div>");
    }

    #[test]
    fn drops_links_urls_and_htmx_attributes() {
        let out = clean(
            r#"<a href="javascript:alert(1)">a</a><rect fill="url(https://evil/x)"></rect><div hx-get="/api/v1/x" data-hx-post="/x" data-wd-page="2">d</div>"#,
        );
        assert!(!out.contains("href"), "{out}");
        assert!(!out.contains("url("), "{out}");
        assert!(!out.contains("hx-"), "{out}");
        assert!(out.contains(r#"data-wd-page="2""#), "{out}");
    }

    #[test]
    fn svg_script_and_foreign_object_are_removed() {
        let out = clean(
            r#"<svg><script>alert(1)</script><foreignObject><div>x</div></foreignObject><circle cx="1" cy="2" r="3" onload="alert(1)"></circle></svg>"#,
        );
        assert!(!out.contains("script") && !out.contains("alert"), "{out}");
        assert!(!out.contains("foreignObject"), "{out}");
        assert!(out.contains(r#"<circle cx="1" cy="2" r="3">"#), "{out}");
    }
}

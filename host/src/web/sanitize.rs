//! Cleaning plugin HTML before it reaches a page.
//!
//! Plugins are third-party code: whatever HTML they return is parsed and
//! rebuilt against an allowlist of HTML basics plus the SVG elements and
//! attributes charts need. Anything else (script, event handlers, `style`,
//! links, images, `url(...)` and `javascript:` values, htmx attributes that
//! would make the browser send requests) is dropped. The page's
//! Content-Security-Policy is the second line of defence.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::Builder;

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

/// Clean one plugin's HTML fragment against the allowlist.
pub fn sanitize_plugin_html(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::sanitize_plugin_html as clean;

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

//! The page layout every HTML page is wrapped in.

use maud::{DOCTYPE, Markup, html};

use super::assets;

/// What the layout needs to know about the request.
#[derive(Debug, Default, Clone)]
pub(super) struct PageContext {
    /// Signed-in user's name, if any.
    pub(super) username: Option<String>,
    /// Whether the user may see the admin pages.
    pub(super) is_admin: bool,
    /// CSRF token of the session, sent by htmx as a header.
    pub(super) csrf_token: Option<String>,
    /// Which top-level section is active (for `aria-current`).
    pub(super) section: Section,
}

/// Top-level sections of the navigation.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    /// Dashboards and their widgets.
    #[default]
    Dashboards,
    /// Installed plugins.
    Plugins,
    /// Alerts on metrics.
    Alerts,
    /// User management.
    Admin,
    /// No section (login, errors).
    None,
}

/// Wrap `body` in the full HTML page.
pub(super) fn page(title: &str, ctx: &PageContext, body: Markup) -> Markup {
    let current = |s: Section| if ctx.section == s { Some("page") } else { None };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // htmx would otherwise inject an inline <style>, which the CSP forbids.
                meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}"#;
                @if let Some(token) = &ctx.csrf_token {
                    meta name="csrf-token" content=(token);
                }
                title { (title) " · wasmdash" }
                link rel="icon" type="image/svg+xml" href=(assets::url("favicon.svg"));
                link rel="stylesheet" href=(assets::url("gridstack-14.1.0.min.css"));
                link rel="stylesheet" href=(assets::url(assets::APP_CSS));
                script src=(assets::url("htmx-2.0.11.min.js")) defer {}
                script src=(assets::url("gridstack-14.1.0-all.js")) defer {}
                script src=(assets::url(assets::APP_JS)) defer {}
            }
            body {
                a.skip-link href="#main" { "Skip to content" }
                header.topbar {
                    a.brand href="/" { "wasm" span { "dash" } }
                    @if ctx.username.is_some() {
                        // On a phone the navigation folds behind one button
                        // (a checkbox and its label: no script needed).
                        input #nav-toggle.nav-toggle type="checkbox" aria-label="Menu";
                        label.btn.nav-button for="nav-toggle" aria-hidden="true" { "Menu" }
                    }
                    div.topbar-menu {
                        @if ctx.username.is_some() {
                            nav aria-label="Main" {
                                a href="/dashboards" aria-current=[current(Section::Dashboards)] { "Dashboards" }
                                a href="/alerts" aria-current=[current(Section::Alerts)] { "Alerts" }
                                a href="/plugins" aria-current=[current(Section::Plugins)] { "Plugins" }
                                @if ctx.is_admin {
                                    a href="/admin/users" aria-current=[current(Section::Admin)] { "Users" }
                                    a href="/admin/tokens" { "All tokens" }
                                }
                            }
                        }
                        span.spacer {}
                        @if let Some(name) = &ctx.username {
                            span.muted { (name) }
                            a href="/account/tokens" { "API tokens" }
                            form method="post" action="/logout" {
                                @if let Some(token) = &ctx.csrf_token {
                                    input type="hidden" name="csrf_token" value=(token);
                                }
                                button type="submit" { "Log out" }
                            }
                        }
                    }
                }
                main #main { (body) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_title_and_marks_current_section() {
        let ctx = PageContext {
            username: Some("ann<".into()),
            section: Section::Plugins,
            ..Default::default()
        };
        let out = page("<x>", &ctx, html! { p { "hi" } }).into_string();
        assert!(out.contains("&lt;x&gt; · wasmdash"));
        assert!(out.contains("ann&lt;"));
        assert!(out.contains(r#"href="/plugins" aria-current="page""#));
        assert!(!out.contains(r#"href="/dashboards" aria-current"#));
        assert!(!out.contains("<script>"), "no inline script: {out}");
    }
}

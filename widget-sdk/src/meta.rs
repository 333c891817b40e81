//! What a plugin says about itself, whatever its kind.

/// The identity of a plugin: written once as a constant on the plugin's
/// trait impl, and turned by the SDK into the WIT `*-info` record together
/// with the config schema (and, for a widget, the data shape), so that the
/// description can never disagree with the code.
///
/// ```
/// use wasmdash_plugin_sdk::PluginMeta;
///
/// const META: PluginMeta = PluginMeta {
///     id: "big-number",
///     name: "Big number",
///     // The plugin crate's own version, read at compile time.
///     version: env!("CARGO_PKG_VERSION"),
///     description: "One value, large.",
/// };
/// assert_eq!(META.id, "big-number");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginMeta {
    /// Stable id, lowercase `a-z0-9-`, unique among installed plugins. It is
    /// what dashboards, exports and alerts store to name the plugin.
    pub id: &'static str,
    /// Human name shown in pickers and menus.
    pub name: &'static str,
    /// The plugin's version, usually `env!("CARGO_PKG_VERSION")`.
    pub version: &'static str,
    /// One sentence saying what the plugin does.
    pub description: &'static str,
}

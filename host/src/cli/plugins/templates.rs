//! The plugin project templates (`host/templates/plugin/`), embedded in the
//! binary, and how a template's placeholders are filled in.

/// Which kind of plugin a project builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A dashboard widget.
    Widget,
    /// An export format.
    Exporter,
    /// An alert rule.
    AlertRule,
}

impl Kind {
    /// The WIT world, e.g. `alert-rule`.
    pub fn world(self) -> &'static str {
        match self {
            Self::Widget => "widget",
            Self::Exporter => "exporter",
            Self::AlertRule => "alert-rule",
        }
    }
}

/// The language a project is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Rust with `wasmdash-plugin-sdk`.
    Rust,
    /// Python with componentize-py.
    Python,
    /// JavaScript with componentize-js.
    Js,
}

/// One file of a project: where it goes and its template text.
#[derive(Debug, Clone, Copy)]
pub(super) struct TemplateFile {
    /// Path inside the project.
    pub(super) path: &'static str,
    /// Text with `{{placeholders}}`.
    pub(super) text: &'static str,
    /// Whether it is a script to make executable.
    pub(super) executable: bool,
}

const fn file(path: &'static str, text: &'static str) -> TemplateFile {
    TemplateFile {
        path,
        text,
        executable: false,
    }
}

const fn script(path: &'static str, text: &'static str) -> TemplateFile {
    TemplateFile {
        path,
        text,
        executable: true,
    }
}

/// The plugin WIT, copied into Python and JavaScript projects (their
/// tools read it; a Rust project gets it through the SDK).
const WIT: &str = include_str!("../../../../widget-sdk/wit/plugin.wit");

const RUST: &[TemplateFile] = &[
    file(
        "Cargo.toml",
        include_str!("../../../templates/plugin/rust/Cargo.toml.tmpl"),
    ),
    file(
        "README.md",
        include_str!("../../../templates/plugin/rust/README.md"),
    ),
    file(
        ".gitignore",
        include_str!("../../../templates/plugin/rust/gitignore"),
    ),
];

const PYTHON: &[TemplateFile] = &[
    file(
        "app.py",
        include_str!("../../../templates/plugin/python/app.py"),
    ),
    file(
        "plugin.py",
        include_str!("../../../templates/plugin/python/plugin.py"),
    ),
    file(
        "test_plugin.py",
        include_str!("../../../templates/plugin/python/test_plugin.py"),
    ),
    script(
        "build.sh",
        include_str!("../../../templates/plugin/python/build.sh"),
    ),
    file(
        "README.md",
        include_str!("../../../templates/plugin/python/README.md"),
    ),
    file(
        ".gitignore",
        include_str!("../../../templates/plugin/python/gitignore"),
    ),
    // The examples' pin, byte for byte: the tool cache is keyed by its hash.
    file(
        "requirements.txt",
        include_str!("../../../../examples/python-widget/requirements.txt"),
    ),
    file("wit/plugin.wit", WIT),
];

const JS: &[TemplateFile] = &[
    file(
        "widget.js",
        include_str!("../../../templates/plugin/js/widget.js"),
    ),
    file(
        "plugin.js",
        include_str!("../../../templates/plugin/js/plugin.js"),
    ),
    file(
        "plugin.test.js",
        include_str!("../../../templates/plugin/js/plugin.test.js"),
    ),
    file(
        "package.json",
        include_str!("../../../templates/plugin/js/package.json"),
    ),
    script(
        "build.sh",
        include_str!("../../../templates/plugin/js/build.sh"),
    ),
    file(
        "README.md",
        include_str!("../../../templates/plugin/js/README.md"),
    ),
    file(
        ".gitignore",
        include_str!("../../../templates/plugin/js/gitignore"),
    ),
    // The examples' pins, byte for byte: the tool cache is keyed by their hash.
    file(
        "tools/package.json",
        include_str!("../../../../examples/js-widget/package.json"),
    ),
    file(
        "tools/package-lock.json",
        include_str!("../../../../examples/js-widget/package-lock.json"),
    ),
    file("wit/plugin.wit", WIT),
];

/// The files of a `kind` project in `lang`, or why there is none.
pub(super) fn project(kind: Kind, lang: Lang) -> Result<Vec<TemplateFile>, String> {
    match (lang, kind) {
        (Lang::Rust, _) => {
            let lib = match kind {
                Kind::Widget => include_str!("../../../templates/plugin/rust/widget.rs"),
                Kind::Exporter => include_str!("../../../templates/plugin/rust/exporter.rs"),
                Kind::AlertRule => include_str!("../../../templates/plugin/rust/alert-rule.rs"),
            };
            let mut files = RUST.to_vec();
            files.push(file("src/lib.rs", lib));
            Ok(files)
        }
        (Lang::Python, Kind::Widget) => Ok(PYTHON.to_vec()),
        (Lang::Js, Kind::Widget) => Ok(JS.to_vec()),
        (lang, kind) => Err(format!(
            "there is no {} template for {} plugins yet; use --lang rust",
            match lang {
                Lang::Python => "Python",
                _ => "JavaScript",
            },
            kind.world()
        )),
    }
}

/// `text` with every `{{key}}` replaced by its value from `values`;
/// unknown placeholders are left alone.
pub(super) fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (key, value) in values {
        out = out.replace(&format!("{{{{{key}}}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_its_placeholders_filled() {
        let values = [
            ("id", "my-plugin"),
            ("name", "My plugin"),
            ("crate", "my_plugin"),
            ("type", "MyPlugin"),
            ("kind", "widget"),
            ("sdk", "\"/sdk\""),
            ("sdk_shown", "/sdk"),
            ("preview", ""),
        ];
        for kind in [Kind::Widget, Kind::Exporter, Kind::AlertRule] {
            for file in project(kind, Lang::Rust).unwrap() {
                let text = fill(file.text, &values);
                assert!(!text.contains("{{"), "{} of {kind:?}: {text}", file.path);
            }
        }
        for lang in [Lang::Python, Lang::Js] {
            for file in project(Kind::Widget, lang).unwrap() {
                let text = fill(file.text, &values);
                assert!(!text.contains("{{"), "{} of {lang:?}: {text}", file.path);
            }
        }
        assert!(project(Kind::Exporter, Lang::Python).is_err());
    }

    #[test]
    fn fill_replaces_only_known_keys() {
        assert_eq!(fill("{{a}} {{b}}", &[("a", "x")]), "x {{b}}");
    }
}

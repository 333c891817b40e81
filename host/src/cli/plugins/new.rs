//! `wasmdash plugins new NAME --kind KIND --lang LANG`: write a plugin
//! project that builds as it is, with a unit test and a README, from the
//! embedded templates (`templates`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::templates::{self, Kind, Lang};
use crate::cli::terminal::{outln, safe_path};

/// Arguments of `wasmdash plugins new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The plugin's id and folder name: 1-64 of a-z, 0-9 and -, starting
    /// with a letter.
    pub name: String,
    /// What the plugin is.
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// The language to write it in (Python and JavaScript: widgets only).
    #[arg(long, value_enum)]
    pub lang: Lang,
    /// Where to create the project folder NAME.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The Rust SDK's folder (`widget-sdk` of a wasmdash checkout) [default:
    /// the one this binary was built from].
    #[arg(long, value_name = "DIR", env = "WASMDASH_SDK")]
    pub sdk: Option<PathBuf>,
}

/// The SDK folder of the source tree this binary was built from.
const BUILT_FROM_SDK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../widget-sdk");

/// Run `wasmdash plugins new`.
pub(super) fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    check_name(&args.name)?;
    let files = templates::project(args.kind, args.lang).map_err(anyhow::Error::msg)?;
    let sdk = match args.lang {
        Lang::Rust => Some(find_sdk(args.sdk.as_deref())?),
        _ => None,
    };
    let target = args.dir.join(&args.name);
    if target.exists() {
        bail!(
            "{} already exists; pick another name or --dir",
            safe_path(&target)
        );
    }
    if !args.dir.is_dir() {
        bail!("{} is not a folder", safe_path(&args.dir));
    }
    let sdk_shown = sdk.as_ref().map(|p| p.display().to_string());
    let sdk_toml = sdk_shown.as_deref().map(toml_string).unwrap_or_default();
    let preview = match args.kind {
        Kind::Widget => format!(
            "    wasmdash plugins preview target/wasm32-wasip2/release/{}.wasm --metric orders -o preview.html\n",
            crate_name(&args.name)
        ),
        Kind::Exporter => format!(
            "    wasmdash plugins preview target/wasm32-wasip2/release/{}.wasm --dataset orders -o orders.tsv\n",
            crate_name(&args.name)
        ),
        Kind::AlertRule => String::new(),
    };
    let values = [
        ("id", args.name.as_str()),
        ("name", &title(&args.name)),
        ("crate", &crate_name(&args.name)),
        ("type", &type_name(&args.name)),
        ("kind", &args.kind.world().replace('-', " ")),
        ("sdk", &sdk_toml),
        ("sdk_shown", sdk_shown.as_deref().unwrap_or_default()),
        ("preview", &preview),
    ];
    write_project(&target, &files, &values).inspect_err(|_| {
        // Leave nothing half-written behind.
        let _ = std::fs::remove_dir_all(&target);
    })?;
    outln!(
        "created {} ({} {} plugin); next: {}",
        safe_path(&target),
        match args.lang {
            Lang::Rust => "Rust",
            Lang::Python => "Python",
            Lang::Js => "JavaScript",
        },
        args.kind.world(),
        match args.lang {
            Lang::Rust => "cargo test && cargo build --target wasm32-wasip2 --release",
            _ => "./build.sh",
        }
    )?;
    Ok(ExitCode::SUCCESS)
}

fn write_project(
    target: &Path,
    files: &[templates::TemplateFile],
    values: &[(&str, &str)],
) -> anyhow::Result<()> {
    for f in files {
        let path = target.join(f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", safe_path(parent)))?;
        }
        std::fs::write(&path, templates::fill(f.text, values))
            .with_context(|| format!("cannot write {}", safe_path(&path)))?;
        if f.executable {
            make_executable(&path)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", safe_path(path)))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Plugin ids are URL segments and config keys: keep them boring, like the
/// host's own check of a plugin's `describe()`.
fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        bail!(
            "invalid plugin name {:?}: use 1-64 of a-z, 0-9 and -, starting with a letter",
            crate::cli::terminal::safe(&name.chars().take(80).collect::<String>())
        );
    }
    Ok(())
}

/// The SDK folder: `--sdk` (or `WASMDASH_SDK`), else the one this binary
/// was built from; it must hold the `wasmdash-plugin-sdk` package.
fn find_sdk(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    let dir = given.map_or_else(|| PathBuf::from(BUILT_FROM_SDK), Path::to_path_buf);
    let is_sdk = std::fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|m| m.contains("name = \"wasmdash-plugin-sdk\""));
    if !is_sdk {
        bail!(
            "the Rust plugin SDK is not at {}; pass --sdk DIR (the widget-sdk folder of a wasmdash checkout)",
            safe_path(&dir)
        );
    }
    dir.canonicalize()
        .with_context(|| format!("cannot resolve {}", safe_path(&dir)))
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `my-chart` → `My chart`.
fn title(name: &str) -> String {
    let words = name.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `my-chart` → `my_chart` (the library and `.wasm` file name).
fn crate_name(name: &str) -> String {
    name.replace('-', "_")
}

/// `my-chart` → `MyChart`.
fn type_name(name: &str) -> String {
    let mut out: String = name
        .split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'P');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_derived() {
        assert!(check_name("sales-chart2").is_ok());
        for bad in ["", "Sales", "2d", "a_b", "x-", &"a".repeat(65), "a b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(title("sales-chart"), "Sales chart");
        assert_eq!(crate_name("sales-chart"), "sales_chart");
        assert_eq!(type_name("sales-chart-2"), "SalesChart2");
    }

    #[test]
    fn sdk_paths_are_toml_strings() {
        assert_eq!(toml_string(r#"C:\sdk "x""#), r#""C:\\sdk \"x\"""#);
    }

    #[test]
    fn a_missing_sdk_is_one_clear_line() {
        let err = find_sdk(Some(Path::new("/nonexistent/sdk"))).unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.contains("pass --sdk DIR") && !msg.contains('\n'),
            "{msg}"
        );
    }
}

//! How a `[[dataset]]` declares its columns: a bare name, or a table with
//! a label, a type the database cannot tell, a display format and, for
//! columns metrics group by, category colours.
//!
//! ```toml
//! columns = [
//!   "created_at",
//!   { name = "id", label = "Order", format = "id" },
//!   { name = "amount", format = "currency", unit = "USD", decimals = 2 },
//!   { name = "completion_seconds", label = "Completion", format = "duration" },
//!   { name = "status", colors = { error = "#dc2626", completed = "#16a34a" } },
//! ]
//! ```
//!
//! The checks that need no database are [`ColumnConfig::check`] (run by
//! the host's config validation, so `wasmdash config check` names the key);
//! [`ColumnConfig::check_kind`] runs when the catalog knows the column's
//! type. The format travels with the column's [`ColumnSchema`] to tables,
//! exports and the editor.
//!
//! [`ColumnSchema`]: wasmdash_frame::ColumnSchema

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use wasmdash_frame::{ColumnFormat, ColumnFormatKind, ColumnKind};

/// Largest number of decimals a format may ask for.
pub(crate) const MAX_DECIMALS: u8 = 12;

/// One exposed column of a dataset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnConfig {
    /// Column name.
    pub name: String,
    /// Human label; defaults to the name.
    pub label: Option<String>,
    /// Type when the database cannot tell (SQLite expressions).
    pub kind: Option<ColumnKind>,
    /// How values are shown; none shows them as they come.
    pub format: Option<ColumnFormatKind>,
    /// Currency code (`currency`), `s` or `ms` (`duration`), or a unit
    /// written after the number (`number`).
    pub unit: String,
    /// Decimals to show.
    pub decimals: Option<u8>,
    /// Colours of this column's values when a metric is grouped by it:
    /// value → `#rrggbb` (as written; see [`parse_color`]).
    pub colors: BTreeMap<String, String>,
}

/// The table form, every key checked by serde so a typo is named.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnTable {
    name: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    kind: Option<ColumnKind>,
    #[serde(default)]
    format: Option<ColumnFormatKind>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    decimals: Option<u8>,
    #[serde(default)]
    colors: BTreeMap<String, String>,
}

impl<'de> Deserialize<'de> for ColumnConfig {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = ColumnConfig;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a column name or a table { name = \"...\", label, format, ... }")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<ColumnConfig, E> {
                Ok(ColumnConfig {
                    name: name.to_owned(),
                    ..ColumnConfig::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ColumnConfig, A::Error> {
                let t = ColumnTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ColumnConfig {
                    name: t.name,
                    label: t.label,
                    kind: t.kind,
                    format: t.format,
                    unit: t.unit,
                    decimals: t.decimals,
                    colors: t.colors,
                })
            }
        }
        d.deserialize_any(Either)
    }
}

impl ColumnConfig {
    /// The column name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The display format (plain when none is declared).
    pub fn display_format(&self) -> ColumnFormat {
        ColumnFormat {
            kind: self.format.unwrap_or_default(),
            unit: self.unit.clone(),
            decimals: self.decimals,
        }
    }

    /// The configured colours, normalized to `#rrggbb` (bad ones, which
    /// [`ColumnConfig::check`] refuses, are left out).
    pub fn colors(&self) -> Vec<(String, String)> {
        normalized_colors(&self.colors)
    }

    /// What can be checked without the database. The error names the key
    /// (`label`, `unit`, `decimals`, `colors`) and says what to write.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let col = &self.name;
        if self.label.as_ref().is_some_and(|l| l.trim().is_empty()) {
            return Err(("label", format!("`{col}`: the label is empty")));
        }
        if self.label.as_ref().is_some_and(|l| l.chars().count() > 100) {
            return Err((
                "label",
                format!("`{col}`: keep the label under 100 characters"),
            ));
        }
        check_format(col, self.format, &self.unit, self.decimals)?;
        check_colors(&self.colors).map_err(|m| ("colors", format!("`{col}`: {m}")))
    }

    /// Whether the declared format fits a column of type `kind`.
    pub fn check_kind(&self, kind: ColumnKind) -> Result<(), String> {
        use ColumnFormatKind as F;
        let Some(format) = self.format else {
            return Ok(());
        };
        let fits = match format {
            F::Plain => true,
            F::Id => kind == ColumnKind::Int64,
            F::Number | F::Percent | F::Currency | F::Duration => {
                matches!(kind, ColumnKind::Int64 | ColumnKind::Float64)
            }
            F::Date | F::DateTime => kind == ColumnKind::Timestamp,
        };
        if fits {
            return Ok(());
        }
        let needs = match format {
            F::Id => "an integer column",
            F::Date | F::DateTime => "a timestamp column",
            _ => "a numeric column",
        };
        Err(format!(
            "column `{}`: format \"{}\" needs {needs}, but `{}` holds {}",
            self.name,
            format.name(),
            self.name,
            kind_name(kind)
        ))
    }
}

fn kind_name(k: ColumnKind) -> &'static str {
    match k {
        ColumnKind::Float64 => "numbers",
        ColumnKind::Int64 => "integers",
        ColumnKind::Timestamp => "timestamps",
        ColumnKind::Boolean => "true/false",
        ColumnKind::Text => "text",
    }
}

fn check_format(
    col: &str,
    format: Option<ColumnFormatKind>,
    unit: &str,
    decimals: Option<u8>,
) -> Result<(), (&'static str, String)> {
    use ColumnFormatKind as F;
    let Some(f) = format else {
        if !unit.is_empty() || decimals.is_some() {
            let key = if unit.is_empty() { "decimals" } else { "unit" };
            return Err((
                key,
                format!("`{col}`: `{key}` needs a `format`, e.g. format = \"number\""),
            ));
        }
        return Ok(());
    };
    let name = f.name();
    match f {
        F::Currency if !is_currency_code(unit) => {
            return Err((
                "unit",
                if unit.is_empty() {
                    format!(
                        "`{col}`: format \"currency\" needs the currency code in `unit`, e.g. unit = \"USD\""
                    )
                } else {
                    format!(
                        "`{col}`: {unit:?} is not a currency code; use three capital letters (ISO 4217), e.g. \"USD\" or \"EUR\""
                    )
                },
            ));
        }
        F::Duration if !matches!(unit, "" | "s" | "ms") => {
            return Err((
                "unit",
                format!(
                    "`{col}`: a duration's unit is \"s\" (the default) or \"ms\", not {unit:?}"
                ),
            ));
        }
        F::Plain | F::Id | F::Percent | F::Date | F::DateTime if !unit.is_empty() => {
            return Err(("unit", format!("`{col}`: format \"{name}\" takes no unit")));
        }
        _ => {}
    }
    match decimals {
        Some(_) if matches!(f, F::Id | F::Date | F::DateTime | F::Duration) => Err((
            "decimals",
            format!("`{col}`: format \"{name}\" takes no decimals"),
        )),
        Some(d) if d > MAX_DECIMALS => Err((
            "decimals",
            format!("`{col}`: must be at most {MAX_DECIMALS}"),
        )),
        _ => Ok(()),
    }
}

fn is_currency_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// A colour as the config may write it, `#rrggbb` or `#rgb` (any case),
/// as `#rrggbb` in lower case.
pub fn parse_color(s: &str) -> Result<String, String> {
    let bad = || format!("{s:?} is not a colour; write \"#rrggbb\" or \"#rgb\", e.g. \"#dc2626\"");
    let hex = s.strip_prefix('#').ok_or_else(bad)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let hex = hex.to_ascii_lowercase();
    match hex.len() {
        6 => Ok(format!("#{hex}")),
        3 => Ok(hex.chars().fold(String::from("#"), |mut out, c| {
            out.push(c);
            out.push(c);
            out
        })),
        _ => Err(bad()),
    }
}

/// Check a `colors = { value = "#rrggbb" }` table; the message names the
/// first bad entry.
pub fn check_colors(colors: &BTreeMap<String, String>) -> Result<(), String> {
    for (label, color) in colors {
        if label.is_empty() {
            return Err("a colour is given for an empty value".into());
        }
        parse_color(color).map_err(|m| format!("colors.{label}: {m}"))?;
    }
    Ok(())
}

/// `colors`, normalized, leaving out bad entries.
pub fn normalized_colors(colors: &BTreeMap<String, String>) -> Vec<(String, String)> {
    colors
        .iter()
        .filter_map(|(label, c)| Some((label.clone(), parse_color(c).ok()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Doc {
        columns: Vec<ColumnConfig>,
    }

    fn parse(toml_text: &str) -> Result<Vec<ColumnConfig>, String> {
        toml::from_str::<Doc>(toml_text)
            .map(|d| d.columns)
            .map_err(|e| e.message().to_owned())
    }

    #[test]
    fn names_and_tables_both_parse() {
        let cols = parse(
            r##"columns = ["id", { name = "amount", label = "Amount", format = "currency", unit = "USD", decimals = 2 },
                { name = "at", format = "datetime" }, { name = "status", colors = { error = "#F00" } }]"##,
        )
        .unwrap();
        assert_eq!(cols[0].name(), "id");
        assert_eq!(cols[0].display_format(), ColumnFormat::default());
        let amount = cols[1].display_format();
        assert_eq!(
            (amount.kind, amount.unit.as_str(), amount.decimals),
            (ColumnFormatKind::Currency, "USD", Some(2))
        );
        assert_eq!(cols[2].format, Some(ColumnFormatKind::DateTime));
        assert_eq!(
            cols[3].colors(),
            [("error".to_owned(), "#ff0000".to_owned())]
        );
        for c in &cols {
            assert_eq!(c.check(), Ok(()), "{c:?}");
        }
    }

    #[test]
    fn typos_are_named() {
        let e = parse(r#"columns = [{ name = "a", fromat = "id" }]"#).unwrap_err();
        assert!(e.contains("unknown field `fromat`"), "{e}");
        let e = parse(r#"columns = [{ name = "a", format = "money" }]"#).unwrap_err();
        assert!(
            e.contains("unknown variant `money`") && e.contains("currency"),
            "{e}"
        );
        let e = parse(r#"columns = [42]"#).unwrap_err();
        assert!(e.contains("a column name or a table"), "{e}");
    }

    #[test]
    fn formats_are_checked_with_a_reason() {
        let col = |format, unit: &str, decimals| ColumnConfig {
            name: "x".into(),
            format,
            unit: unit.into(),
            decimals,
            ..ColumnConfig::default()
        };
        use ColumnFormatKind as F;
        let err = |c: ColumnConfig| c.check().unwrap_err();
        assert_eq!(err(col(Some(F::Currency), "", None)).0, "unit");
        assert!(
            err(col(Some(F::Currency), "", None))
                .1
                .contains("unit = \"USD\"")
        );
        assert!(
            err(col(Some(F::Currency), "usd", None))
                .1
                .contains("ISO 4217")
        );
        assert!(err(col(Some(F::Duration), "h", None)).1.contains("\"ms\""));
        assert!(
            err(col(Some(F::Id), "", Some(1)))
                .1
                .contains("takes no decimals")
        );
        assert!(
            err(col(Some(F::Percent), "%", None))
                .1
                .contains("takes no unit")
        );
        assert!(
            err(col(Some(F::Number), "", Some(13)))
                .1
                .contains("at most 12")
        );
        assert!(err(col(None, "kg", None)).1.contains("needs a `format`"));
        assert_eq!(col(Some(F::Number), "kg", Some(1)).check(), Ok(()));
        assert_eq!(col(Some(F::Duration), "ms", None).check(), Ok(()));
        let empty_label = ColumnConfig {
            label: Some(" ".into()),
            ..col(None, "", None)
        };
        assert_eq!(err(empty_label).0, "label");
    }

    #[test]
    fn formats_must_fit_the_column_type() {
        let col = |format| ColumnConfig {
            name: "status".into(),
            format: Some(format),
            ..ColumnConfig::default()
        };
        use ColumnFormatKind as F;
        let e = col(F::Currency).check_kind(ColumnKind::Text).unwrap_err();
        assert_eq!(
            e,
            "column `status`: format \"currency\" needs a numeric column, but `status` holds text"
        );
        assert!(col(F::Id).check_kind(ColumnKind::Float64).is_err());
        assert!(col(F::Date).check_kind(ColumnKind::Int64).is_err());
        assert!(col(F::Id).check_kind(ColumnKind::Int64).is_ok());
        assert!(col(F::Duration).check_kind(ColumnKind::Float64).is_ok());
        assert!(col(F::DateTime).check_kind(ColumnKind::Timestamp).is_ok());
    }

    #[test]
    fn colours_are_hex_and_normalized() {
        assert_eq!(parse_color("#DC2626").unwrap(), "#dc2626");
        assert_eq!(parse_color("#0f0").unwrap(), "#00ff00");
        for bad in ["red", "#12345", "#ggg", "dc2626", "#dc2626;x", ""] {
            let e = parse_color(bad).unwrap_err();
            assert!(
                e.contains("is not a colour") && e.contains("#rrggbb"),
                "{e}"
            );
        }
        let mut colors = BTreeMap::new();
        colors.insert("error".to_owned(), "reddish".to_owned());
        assert!(
            check_colors(&colors)
                .unwrap_err()
                .starts_with("colors.error: \"reddish\"")
        );
    }
}

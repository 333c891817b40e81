//! Built-in widget `data-table`: a page of rows as a real `<table>` with
//! column headers marked for sorting (`aria-sort`, buttons carrying
//! `data-wd-sort`), the page info and previous/next buttons carrying
//! `data-wd-offset`. No script: the host wires the data attributes up.
//!
//! Headers show each column's label and cells its configured display
//! format (the `display` import): ids without thousands separators,
//! amounts as currency, durations as "2h 34m", dates without a time.
//!
//! A cell is aligned as its column is (numbers right, an empty "–" too),
//! and carries its column's label (`data-label`) so a narrow widget — a
//! phone — can show each row as a card of label/value lines instead of
//! scrolling eight columns sideways (the host stylesheet does that).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::display::{self, ColumnFormat};
use wasmdash_plugin_sdk::{
    ColumnKind, PluginConfig, PluginError, PluginMeta, RenderContext, RowsData, Value, Widget,
    format, html, time,
};

/// Largest page the config allows.
const MAX_PAGE_SIZE: u32 = 1000;

/// The `data-table` widget's options.
#[derive(Debug, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Config {
    /// Empty uses the dataset's label.
    #[schemars(title = "Title")]
    title: String,
    /// Column the rows are sorted by.
    #[schemars(title = "Sort by")]
    sort_column: Option<String>,
    #[schemars(title = "Sort direction")]
    sort_direction: SortDirection,
    /// How many rows a page shows.
    // Left out, the page is as long as the rows the host sends; 50 is what
    // the editor suggests.
    #[schemars(title = "Rows per page", range(min = 1, max = MAX_PAGE_SIZE), extend("default" = 50))]
    page_size: Option<u32>,
}

impl PluginConfig for Config {
    fn check(&self) -> Result<(), String> {
        match self.page_size {
            Some(p) if !(1..=MAX_PAGE_SIZE).contains(&p) => {
                Err(format!("page_size must be between 1 and {MAX_PAGE_SIZE}"))
            }
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
enum SortDirection {
    #[default]
    Asc,
    Desc,
}

/// The `data-table` widget.
pub struct DataTable;

impl Widget for DataTable {
    const META: PluginMeta = PluginMeta {
        id: "data-table",
        name: "Data table",
        version: env!("CARGO_PKG_VERSION"),
        description: "Rows as a sortable, paginated table.",
    };
    type Config = Config;
    type Data = RowsData;

    fn render(cfg: &Config, data: &RowsData, ctx: &RenderContext) -> Result<String, PluginError> {
        Ok(render(cfg, data, ctx))
    }
}

/// One cell, shown as its column's configured format says (an order id
/// without separators, an amount as currency, seconds as "2h 34m"); plain
/// columns show numbers with separators and timestamps as date and time.
fn cell(out: &mut String, v: Value<'_>, format: &ColumnFormat, col: &Col, offset_minutes: i32) {
    let td = |out: &mut String, class: &str| {
        out.push_str("<td");
        if !class.is_empty() {
            let _ = write!(out, " class=\"{class}\"");
        }
        let _ = write!(out, " data-label=\"{}\">", col.label);
    };
    match v {
        Value::Null if col.numeric => td(out, "wd-num wd-null"),
        Value::Null => td(out, "wd-null"),
        Value::Float(_) | Value::Int(_) => td(out, "wd-num"),
        Value::Timestamp(_) => td(out, "wd-time"),
        Value::Bool(_) => td(out, "wd-bool"),
        Value::Text(_) => td(out, ""),
    }
    match v {
        Value::Null => out.push('–'),
        Value::Timestamp(ms) => {
            let _ = write!(
                out,
                "<time datetime=\"{}\">{}</time>",
                time::iso8601(ms, offset_minutes),
                html::escape(&format.text(v, offset_minutes))
            );
        }
        Value::Bool(b) => out.push_str(if b { "yes" } else { "no" }),
        _ => html::escape_into(out, &format.text(v, offset_minutes)),
    }
    out.push_str("</td>");
}

/// What every cell of a column shares: its label (escaped, for
/// `data-label`) and whether it holds numbers (aligned right).
struct Col {
    label: String,
    numeric: bool,
}

fn render(cfg: &Config, data: &RowsData, ctx: &RenderContext) -> String {
    let title = if cfg.title.trim().is_empty() {
        &data.label
    } else {
        &cfg.title
    };
    let rows = data.rows.rows();
    if rows == 0 || data.schema.is_empty() {
        return html::empty_state(title);
    }
    let mut out = String::from("<div class=\"wd-widget wd-data-table\"><div class=\"wd-title\">");
    html::escape_into(&mut out, title);
    out.push_str("</div><div class=\"wd-table-scroll\"><table class=\"wd-table\"><thead><tr>");
    let cols: Vec<Col> = data
        .schema
        .iter()
        .map(|c| Col {
            label: html::escape(if c.label.is_empty() {
                &c.name
            } else {
                &c.label
            }),
            numeric: matches!(c.kind, ColumnKind::Float64 | ColumnKind::Int64),
        })
        .collect();
    for (c, col) in data.schema.iter().zip(&cols) {
        let sorted = cfg.sort_column.as_deref() == Some(c.name.as_str());
        let (aria, next) = match (sorted, cfg.sort_direction) {
            (true, SortDirection::Asc) => ("ascending", "desc"),
            (true, SortDirection::Desc) => ("descending", "asc"),
            (false, _) => ("none", "asc"),
        };
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"wd-sortable{}\" aria-sort=\"{aria}\"><button type=\"button\" class=\"wd-sort\" \
             data-wd-sort=\"{}\" data-wd-dir=\"{next}\">{}</button></th>",
            if col.numeric { " wd-num" } else { "" },
            html::escape(&c.name),
            col.label
        );
    }
    out.push_str("</tr></thead><tbody>");
    // The host answers a format per column of the schema; an older host
    // answers none, and a column without one shows its values plainly.
    let mut formats = display::columns();
    formats.resize(data.schema.len(), ColumnFormat::plain());
    for row in 0..rows {
        out.push_str("<tr>");
        for (i, (format, col)) in formats.iter().zip(&cols).enumerate() {
            cell(
                &mut out,
                data.rows.value(row, i),
                format,
                col,
                ctx.utc_offset_minutes,
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");

    let page = u64::from(cfg.page_size.unwrap_or(data.rows.row_count.max(1)));
    let first = data.offset + 1;
    let last = data.offset + rows as u64;
    let info = match data.total_rows {
        Some(t) => format!(
            "Rows {}–{} of {}",
            format::number(first as f64, Some(0)),
            format::number(last as f64, Some(0)),
            format::number(t as f64, Some(0))
        ),
        None => format!(
            "Rows {}–{}",
            format::number(first as f64, Some(0)),
            format::number(last as f64, Some(0))
        ),
    };
    let has_prev = data.offset > 0;
    let has_next = data.total_rows.map_or(rows as u64 >= page, |t| last < t);
    let button = |label: &str, class: &str, offset: u64, enabled: bool| {
        format!(
            "<button type=\"button\" class=\"wd-page {class}\" data-wd-offset=\"{offset}\"{}>{label}</button>",
            if enabled { "" } else { " disabled" }
        )
    };
    let _ = write!(
        out,
        "<nav class=\"wd-pagination\" aria-label=\"Pages\">{}<span class=\"wd-page-info\">{info}</span>{}</nav></div>",
        button(
            "‹ Previous",
            "wd-page-prev",
            data.offset.saturating_sub(page),
            has_prev
        ),
        button("Next ›", "wd-page-next", last, has_next)
    );
    out
}

wasmdash_plugin_sdk::export_plugin!(widget: DataTable);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing::{self, render_context};
    use wasmdash_plugin_sdk::{Batch, Column, ColumnSchema, ColumnValues, WidgetData};

    fn table(config: &str, data: impl Into<WidgetData>) -> Result<String, PluginError> {
        testing::render::<DataTable>(config, data, &render_context(600, 300))
    }

    fn data(n: usize, offset: u64, total: Option<u64>) -> RowsData {
        let schema = vec![
            ColumnSchema {
                name: "customer".into(),
                label: "Customer".into(),
                kind: ColumnKind::Text,
            },
            ColumnSchema {
                name: "amount".into(),
                label: "Amount".into(),
                kind: ColumnKind::Float64,
            },
            ColumnSchema {
                name: "at".into(),
                label: "".into(),
                kind: ColumnKind::Timestamp,
            },
        ];
        RowsData {
            label: "Orders".into(),
            schema,
            rows: Batch {
                row_count: n as u32,
                columns: vec![
                    Column {
                        values: ColumnValues::Text(vec!["<b>Ann</b>".into(); n]),
                        nulls: vec![],
                    },
                    Column {
                        values: ColumnValues::Float64(vec![1234.5; n]),
                        nulls: (0..n).map(|i| i == 0).collect(),
                    },
                    Column {
                        values: ColumnValues::Timestamp(vec![0; n]),
                        nulls: vec![],
                    },
                ],
            },
            total_rows: total,
            offset,
        }
    }

    #[test]
    fn table_headers_cells_and_pages() {
        let h = table(
            r#"{"sort_column":"amount","sort_direction":"desc"}"#,
            data(3, 3, Some(10)),
        )
        .unwrap();
        assert_eq!(h.matches("<th scope=\"col\"").count(), 3);
        assert!(
            h.contains("aria-sort=\"descending\"")
                && h.contains("data-wd-sort=\"amount\" data-wd-dir=\"asc\""),
            "{h}"
        );
        assert!(h.contains("&lt;b&gt;Ann") && h.contains("1,234.5") && h.contains("wd-null"));
        assert!(
            h.contains("Rows 4–6 of 10")
                && h.contains("data-wd-offset=\"0\"")
                && h.contains("data-wd-offset=\"6\"")
        );
        assert!(!h.contains("disabled"), "{h}");
        let last = table("", data(4, 6, Some(10))).unwrap();
        assert!(
            last.contains("wd-page-next\" data-wd-offset=\"10\" disabled"),
            "{last}"
        );
    }

    #[test]
    fn cells_follow_the_configured_column_formats() {
        use wasmdash_plugin_sdk::display::{ColumnFormatKind as K, Display};
        let mut d = data(2, 0, Some(2));
        d.schema[0] = ColumnSchema {
            name: "customer_id".into(),
            label: "Customer".into(),
            kind: ColumnKind::Int64,
        };
        d.rows.columns[0] = Column {
            values: ColumnValues::Int64(vec![1_000_000, 42]),
            nulls: vec![],
        };
        d.rows.columns[1].values = ColumnValues::Float64(vec![1234.5, 9268.95]);
        let formats = Display {
            columns: vec![
                ColumnFormat::of(K::Id, "", None),
                ColumnFormat::of(K::Currency, "USD", None),
                ColumnFormat::of(K::Date, "", None),
            ],
            ..Display::default()
        };
        let h = testing::with_display(formats, || table("", d.clone())).unwrap();
        assert!(h.contains(">Customer</button>"), "{h}");
        assert!(
            h.contains("<td class=\"wd-num\" data-label=\"Customer\">1000000</td>"),
            "{h}"
        );
        assert!(!h.contains("1,000,000"), "{h}");
        assert!(
            h.contains("<td class=\"wd-num\" data-label=\"Amount\">$9,268.95</td>"),
            "{h}"
        );
        assert!(h.contains(">1970-01-01</time>"), "{h}");
        let durations = Display {
            columns: vec![
                ColumnFormat::plain(),
                ColumnFormat::of(K::Duration, "s", None),
            ],
            ..Display::default()
        };
        let h = testing::with_display(durations, || table("", d.clone())).unwrap();
        assert!(
            h.contains(">2h 34m</td>") && h.contains(">1,000,000</td>"),
            "{h}"
        );
        // Without formats (an older host) values show as they come.
        let plain = table("", d).unwrap();
        assert!(
            plain.contains(">1,000,000</td>") && plain.contains(">9,268.95</td>"),
            "{plain}"
        );
    }

    #[test]
    fn an_empty_cell_is_aligned_as_its_column_and_every_cell_is_labelled() {
        let h = table("", data(2, 0, Some(2))).unwrap();
        // Row 0's amount is null: right-aligned like the amounts.
        assert!(
            h.contains("<td class=\"wd-num wd-null\" data-label=\"Amount\">–</td>"),
            "{h}"
        );
        assert!(
            h.contains("<td data-label=\"Customer\">&lt;b&gt;Ann&lt;/b&gt;</td>"),
            "{h}"
        );
        // A column without a label is labelled by its name.
        assert!(
            h.contains("<td class=\"wd-time\" data-label=\"at\"><time"),
            "{h}"
        );
        let mut text = data(1, 0, Some(1));
        text.rows.columns[0].nulls = vec![true];
        let h = table("", text).unwrap();
        assert!(
            h.contains("<td class=\"wd-null\" data-label=\"Customer\">–</td>"),
            "{h}"
        );
        assert_eq!(h.matches("data-label=").count(), 3, "{h}");
    }

    #[test]
    fn empty_and_bad_inputs() {
        assert!(
            table("", data(0, 0, Some(0)))
                .unwrap()
                .contains("No data for this range")
        );
        assert!(matches!(
            table(r#"{"page_size":0}"#, data(1, 0, None)),
            Err(PluginError::InvalidConfig(_))
        ));
        assert!(matches!(
            table(r#"{"sort_direction":"up"}"#, data(1, 0, None)),
            Err(PluginError::InvalidConfig(_))
        ));
        let mut r = data(1, 0, None);
        r.rows.columns.pop();
        assert!(matches!(table("", r), Err(PluginError::InvalidData(_))));
        let scalar = testing::scalar("Orders", Some(1.0));
        assert!(matches!(
            table("", scalar),
            Err(PluginError::InvalidData(m)) if m == "data-table needs rows data, got scalar data"
        ));
    }

    #[test]
    fn schema_has_no_metric_and_bounds_the_page() {
        let schema = testing::widget_schema::<DataTable>();
        let p = &schema["properties"];
        assert!(p.get("metric").is_none(), "{schema}");
        assert_eq!(p["page_size"]["type"], "integer");
        assert_eq!(
            (&p["page_size"]["minimum"], &p["page_size"]["maximum"]),
            (&1.into(), &1000.into())
        );
        assert_eq!(p["page_size"]["default"], 50);
        assert_eq!(
            p["sort_direction"]["enum"],
            serde_json::json!(["asc", "desc"])
        );
        assert_eq!(p["sort_column"]["type"], "string");
        assert!(
            table(
                r#"{"page_size":1000,"dataset":"orders","columns":["a"]}"#,
                data(1, 0, None)
            )
            .is_ok()
        );
    }
}

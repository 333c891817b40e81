//! The demo's `[[dataset]]` columns carry labels and display formats, and
//! its status column the colours of its values (issue 13, item 4 and the
//! colour map of item 1): the table widget, the API, CSV (labels on
//! request), JSON, the PDF and the editor's column picker all use them,
//! and a grouped widget's export heads its groups with the dimension's label.

use serde_json::Value;

use crate::demo_support::{DEMO_ORDERS, start_demo};
use crate::export_support::enc;
use crate::web_support::send;

/// The text of every `<td>` of column `col` (0-based) of the table body.
fn column(html: &str, col: usize) -> Vec<String> {
    let body = html.split("<tbody>").nth(1).unwrap_or_default();
    body.split("<tr>")
        .skip(1)
        .filter_map(|row| {
            let cell = row.split("<td").nth(col + 1)?;
            let inner = &cell[cell.find('>')? + 1..];
            let inner = inner.split("</td>").next()?;
            // Strip a `<time>` wrapper.
            let text: String = inner
                .split('<')
                .map(|p| p.split_once('>').map_or(p, |(_, t)| t))
                .collect();
            Some(text)
        })
        .collect()
}

/// Whether `s` reads as a duration the way the dashboard writes one:
/// "2h 34m", "45m 3s", "12.5s", "1d 3h", "800ms".
fn is_duration(s: &str) -> bool {
    let parts: Vec<&str> = s.split(' ').collect();
    !parts.is_empty()
        && parts.len() <= 2
        && parts.iter().all(|p| {
            let digits = p.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let unit = &p[digits.len()..];
            ["d", "h", "m", "s", "ms"].contains(&unit)
                && !digits.is_empty()
                && digits.parse::<f64>().is_ok()
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_table_shows_labels_ids_currency_and_durations() {
    let running = start_demo(DEMO_ORDERS, "").await;
    let demo = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let admin = demo.admin();
        let got = send("GET", &demo.widget("latest", "30d"), &admin, None);
        assert_eq!(got.status, 200, "{}", got.body);
        let h = &got.body;
        for label in [
            "Order",
            "Created",
            "Status",
            "Customer",
            "Amount",
            "Completion time",
        ] {
            assert!(
                h.contains(&format!(">{label}</button>")),
                "no {label} header: {h}"
            );
        }
        assert!(!h.contains(">customer_id</button>"), "{h}");
        let ids = column(h, 0);
        assert_eq!(ids.len(), 10, "{h}");
        // Ids past 1,000 without thousands separators.
        for id in &ids {
            let n: u64 = id.parse().unwrap_or_else(|_| panic!("id {id:?} in {h}"));
            assert!(n >= 1_000, "{id}");
        }
        for customer in column(h, 4) {
            assert!(customer.bytes().all(|b| b.is_ascii_digit()), "{customer}");
        }
        for amount in column(h, 6) {
            let n = amount
                .strip_prefix('$')
                .unwrap_or_else(|| panic!("{amount}"));
            assert!(n.replace(',', "").parse::<f64>().is_ok(), "{amount}");
            assert_eq!(n.split('.').nth(1).map(str::len), Some(2), "{amount}");
        }
        let durations = column(h, 7);
        assert!(
            durations.iter().all(|d| d == "–" || is_duration(d)),
            "{durations:?}"
        );
        // The newest orders may all be open (no completion time yet): the
        // longest completions first show durations on every row.
        let url = format!(
            "{}&sort_column=completion_seconds&sort_direction=desc",
            demo.widget("latest", "30d")
        );
        let got = send("GET", &url, &admin, None);
        assert_eq!(got.status, 200, "{}", got.body);
        let durations = column(&got.body, 7);
        assert_eq!(durations.len(), 10, "{}", got.body);
        assert!(durations.iter().all(|d| is_duration(d)), "{durations:?}");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_csv_json_and_editor_carry_the_column_metadata() {
    let running = start_demo(DEMO_ORDERS, "").await;
    let demo = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let admin = demo.admin();
        let base = &demo.base;

        // The API lists each column's label and format.
        let list = send("GET", &format!("{base}/api/v1/datasets"), &admin, None).json();
        let orders = list["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "orders")
            .unwrap();
        let col = |name: &str| -> Value {
            orders["columns"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .unwrap()
                .clone()
        };
        assert_eq!(col("customer_id")["label"], "Customer");
        assert_eq!(col("customer_id")["format"]["kind"], "id");
        assert_eq!(col("amount")["format"]["kind"], "currency");
        assert_eq!(col("amount")["format"]["unit"], "USD");
        assert_eq!(col("completion_seconds")["format"]["kind"], "duration");
        let metrics = send("GET", &format!("{base}/api/v1/metrics"), &admin, None).json();
        let total = metrics["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "total_orders")
            .unwrap();
        assert_eq!(total["colors"]["status"]["error"], "#dc2626", "{total}");

        // CSV: names by default, labels when asked; values stay raw.
        let csv = |options: &str| {
            let url = format!(
                "{base}/api/v1/export?dataset=orders&format=csv&range=30d&order=id{options}"
            );
            let got = send("GET", &url, &admin, None);
            assert_eq!(got.status, 200, "{}", got.body);
            got.body
        };
        let names = csv("");
        assert!(
            names.starts_with(
                "id,created_at,status,region,customer_id,product,amount,completion_seconds\r\n"
            ),
            "{}",
            &names[..200.min(names.len())]
        );
        let labels = csv(&format!("&options={}", enc(r#"{"header_labels":true}"#)));
        assert!(
            labels.starts_with(
                "Order,Created,Status,Region,Customer,Product,Amount,Completion time\r\n"
            ),
            "{}",
            &labels[..200.min(labels.len())]
        );
        let second = labels.lines().nth(1).unwrap();
        assert!(!second.contains('$'), "raw values in CSV: {second}");

        // JSON: a report's table section describes its columns' formats;
        // a plain export may carry the same metadata.
        let report = send(
            "GET",
            &format!(
                "{base}/api/v1/dashboards/{}/export?format=json&range=30d",
                demo.dashboard
            ),
            &admin,
            None,
        );
        assert_eq!(report.status, 200, "{}", report.body);
        let report = report.json();
        let latest = report
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["title"].as_str().unwrap().starts_with("Latest orders"))
            .unwrap();
        let amount = latest["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "amount")
            .unwrap();
        assert_eq!(
            amount["format"],
            serde_json::json!({"kind": "currency", "unit": "USD", "decimals": 2})
        );
        assert!(latest["rows"][0]["amount"].is_number(), "{latest}");
        // A grouped widget's groups are headed by the dimension's label.
        let by_status = report
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["title"] == "Orders by status")
            .unwrap();
        assert_eq!(by_status["columns"][0]["name"], "label", "{by_status}");
        assert_eq!(by_status["columns"][0]["label"], "Status", "{by_status}");
        let regions = send(
            "GET",
            &format!(
                "{base}/api/v1/dashboards/{}/widgets/regions/export?format=csv&range=30d&options={}",
                demo.dashboard,
                enc(r#"{"header_labels":true}"#)
            ),
            &admin,
            None,
        );
        assert_eq!(regions.status, 200, "{}", regions.body);
        assert!(
            regions.body.starts_with("Region,Revenue\r\n"),
            "{}",
            regions.body
        );
        let plain = send(
            "GET",
            &format!(
                "{base}/api/v1/export?dataset=orders&format=json&range=7d&options={}",
                enc(r#"{"metadata":true}"#)
            ),
            &admin,
            None,
        );
        assert_eq!(plain.status, 200, "{}", plain.body);
        let plain = plain.json();
        assert_eq!(plain["columns"][4]["label"], "Customer");
        assert_eq!(plain["columns"][4]["format"]["kind"], "id");
        assert!(
            plain["rows"][0]["customer_id"].is_i64(),
            "{}",
            plain["rows"][0]
        );

        // The editor's column picker names each column by its label, with
        // its name and format beside.
        let form = send(
            "GET",
            &format!("{base}/dashboards/{}/widgets/latest/edit", demo.dashboard),
            &admin,
            None,
        );
        assert_eq!(form.status, 200, "{}", form.body);
        assert!(
            form.body
                .contains("Customer <small class=\"muted\">(customer_id · id)</small>"),
            "{}",
            form.body
        );
        assert!(
            form.body.contains("(amount · currency USD)"),
            "{}",
            form.body
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_colours_come_from_the_config_everywhere() {
    let running = start_demo(DEMO_ORDERS, "").await;
    let demo = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let admin = demo.admin();
        let pie = |range: &str| {
            let got = send("GET", &demo.widget("status", range), &admin, None);
            assert_eq!(got.status, 200, "{}", got.body);
            got.body
        };
        // "error" is red and "completed" green at any range, whatever
        // their rank.
        for range in ["30d", "90d"] {
            let h = pie(range);
            let slice = |label: &str| {
                let at = h
                    .find(&format!("<title>{label}:"))
                    .unwrap_or_else(|| panic!("no {label} slice: {h}"));
                h[h[..at].rfind("<path").unwrap()..at].to_owned()
            };
            assert!(slice("error").contains("fill=\"#dc2626\""), "{h}");
            assert!(slice("completed").contains("fill=\"#16a34a\""), "{h}");
            assert!(
                h.contains("fill=\"#dc2626\"></rect></svg>"),
                "legend swatch: {h}"
            );
        }
    })
    .await
    .unwrap();
}

#[test]
fn config_check_names_bad_formats_and_colours() {
    let dir = tempfile::tempdir().unwrap();
    crate::demo_support::demo_config(dir.path(), DEMO_ORDERS);
    let path = dir.path().join("wasmdash.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let good = crate::ops_cli::wasmdash(dir.path(), &["config", "check"], "");
    assert_eq!(good.0, 0, "the demo config is valid: {} {}", good.1, good.2);

    let broken = text
        // A currency without its code.
        .replace(
            r#"format = "currency", unit = "USD", decimals = 2 }"#,
            r#"format = "currency", decimals = 2 }"#,
        )
        // A colour that is none.
        .replace(
            "name = \"total_orders\"\n",
            "name = \"total_orders\"\ncolors = { error = \"reddish\" }\n",
        )
        // A format the column's type cannot take (found by the database).
        .replace(
            r#"{ name = "name", label = "Name" }"#,
            r#"{ name = "name", label = "Name", format = "currency", unit = "EUR" }"#,
        );
    assert_eq!(broken.matches("reddish").count(), 1);
    assert!(broken.contains(r#"label = "Name", format = "currency""#));
    std::fs::write(&path, &broken).unwrap();
    let (code, stdout, stderr) = crate::ops_cli::wasmdash(dir.path(), &["config", "check"], "");
    assert_eq!(code, 1, "{stdout} {stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].contains("dataset \"orders\".columns.unit")
            && lines[0].contains("`amount`: format \"currency\" needs the currency code"),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("metric \"total_orders\".colors")
                && l.contains("\"reddish\" is not a colour")),
        "{stdout}"
    );
    assert!(
        lines.iter().any(|l| l.contains("dataset \"customers\"")
            && l.contains("format \"currency\" needs a numeric column, but `name` holds text")),
        "{stdout}"
    );
}

//! SQLite's side of sliced scans (see `slices`): the per-connection table
//! the slices are loaded into, the check that SQLite really walks the time
//! index slice by slice, and the probe of whether a table stores its rows
//! in time order.

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::error::{DataError, Result};
use crate::slices::Slice;

use super::sqlite::iso_text;

/// The slices table, its alias in scans and its columns. Prefixed so
/// they do not clash with a dataset's own column names (a clash fails the
/// plan check, and the scan runs unsliced).
pub(crate) const TABLE: &str = "temp.wasmdash_slices";
pub(crate) const ALIAS: &str = "wasmdash_s";
pub(crate) const ID: &str = "wasmdash_id";
pub(crate) const TAG: &str = "wasmdash_tag";
pub(crate) const KEY: &str = "wasmdash_key";
pub(crate) const LO: &str = "wasmdash_lo";
pub(crate) const HI: &str = "wasmdash_hi";

/// Rows sampled, evenly over the rowids, to tell whether a table stores
/// its rows in time order.
const SAMPLES: i64 = 64;
/// The share of sampled neighbours in time order from which a table
/// counts as stored in time order (shuffled rows give about half).
const IN_ORDER_SHARE: f64 = 0.9;

/// Create this connection's slices table if needed. Its bounds have no
/// declared type, so comparing the time column with them works exactly
/// as comparing it with a bound parameter does (SQLite's affinity rules).
fn ensure_table(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS {TABLE} ({ID} INTEGER PRIMARY KEY, {TAG}, {KEY}, {LO}, {HI})"
    ))
    .map_err(DataError::db)
}

/// Replace the connection's slices with `slices`, in order (rowids follow
/// time within each tag). One insert: the slices travel as JSON.
pub(crate) fn load(conn: &Connection, slices: &[Slice]) -> Result<()> {
    ensure_table(conn)?;
    clear(conn)?;
    let mut json = String::with_capacity(slices.len() * 56 + 2);
    json.push('[');
    for (i, s) in slices.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        let key = s.key.map_or_else(|| "null".to_owned(), |k| k.to_string());
        // ISO text holds digits, '-', ':', '.' and a space: no escaping.
        json.push_str(&format!(
            "[{},{key},\"{}\",\"{}\"]",
            s.tag,
            iso_text(s.lo_ms),
            iso_text(s.hi_ms)
        ));
    }
    json.push(']');
    conn.prepare_cached(&format!(
        "INSERT INTO {TABLE} ({TAG}, {KEY}, {LO}, {HI}) \
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
    ))
    .and_then(|mut st| st.execute([json]))
    .map_err(DataError::db)?;
    Ok(())
}

/// Empty the connection's slices table (it lives as long as the
/// connection; keep it small).
pub(crate) fn clear(conn: &Connection) -> Result<()> {
    conn.execute(&format!("DELETE FROM {TABLE}"), [])
        .map_err(DataError::db)
        .map(drop)
}

/// Whether SQLite plans the sliced statement `text` as meant: the slices
/// scanned in rowid order, the dataset's rows found through an index on
/// `time_column` for each, and no sort for `GROUP BY`. Anything else (no
/// such index, a column named like the slices', an automatic index) is
/// `false`: the scan then runs unsliced.
pub(crate) fn walks_index(conn: &Connection, text: &str, time_column: &str) -> Result<bool> {
    ensure_table(conn)?;
    let Ok(mut st) = conn.prepare(&format!("EXPLAIN QUERY PLAN {text}")) else {
        return Ok(false);
    };
    // The plan does not depend on the values: bind NULLs.
    let nulls = std::iter::repeat_n(Value::Null, st.parameter_count());
    let details: Vec<String> = st
        .query_map(rusqlite::params_from_iter(nulls), |row| {
            row.get::<_, String>(3)
        })
        .and_then(|rows| rows.collect())
        .map_err(DataError::db)?;
    Ok(plan_walks_index(&details, time_column))
}

/// [`walks_index`] on the plan's detail lines.
fn plan_walks_index(details: &[String], time_column: &str) -> bool {
    let through_time_index = format!("({time_column}>");
    let mut searched = false;
    for d in details {
        if d.contains("TEMP B-TREE") || d.contains("AUTOMATIC") {
            return false;
        }
        if d.starts_with("SCAN ") && d != &format!("SCAN {ALIAS}") {
            return false;
        }
        if d.starts_with("SEARCH ") && d != &format!("SEARCH {ALIAS}") {
            if !(d.contains(" INDEX ") && d.contains(&through_time_index)) {
                return false;
            }
            searched = true;
        }
    }
    searched
}

/// Whether `from` (a quoted table) stores its rows in time order: the
/// time column of rows sampled evenly over the rowids rises from one to
/// the next. `false` when it cannot tell (a view, a table without rowid).
pub(crate) fn stored_in_time_order(conn: &Connection, from: &str, time: &str) -> Result<bool> {
    let Ok((first, last)) = conn.query_row(
        &format!("SELECT min(rowid), max(rowid) FROM {from}"),
        [],
        |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?)),
    ) else {
        return Ok(false);
    };
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(true); // Empty: any path is fast.
    };
    let mut st = conn
        .prepare(&format!(
            "SELECT {time} FROM {from} WHERE rowid >= ?1 ORDER BY rowid LIMIT 1"
        ))
        .map_err(DataError::db)?;
    let step = ((last - first) / SAMPLES).max(1);
    let mut times = Vec::new();
    let mut at = first;
    while at <= last {
        let v: Option<Value> = st
            .query_row([at], |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(DataError::db)?;
        if let Some(v) = v.filter(|v| !matches!(v, Value::Null)) {
            times.push(v);
        }
        at += step;
    }
    Ok(in_order(&times))
}

/// Whether at least [`IN_ORDER_SHARE`] of neighbouring values rise (or
/// stay); text compares as text, numbers as numbers, as SQLite would.
fn in_order(times: &[Value]) -> bool {
    if times.len() < 3 {
        return true;
    }
    let rising = times
        .windows(2)
        .filter(|w| match (&w[0], &w[1]) {
            (Value::Text(a), Value::Text(b)) => a <= b,
            (Value::Integer(a), Value::Integer(b)) => a <= b,
            (Value::Real(a), Value::Real(b)) => a <= b,
            (Value::Integer(a), Value::Real(b)) => (*a as f64) <= *b,
            (Value::Real(a), Value::Integer(b)) => *a <= (*b as f64),
            _ => false,
        })
        .count();
    rising as f64 / (times.len() - 1) as f64 >= IN_ORDER_SHARE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(ordered: bool) -> Connection {
        let conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT NOT NULL, v REAL);
             CREATE INDEX t_at ON t(at);",
        )
        .expect("schema");
        let order = if ordered { "n" } else { "(n * 7919) % 5000" };
        conn.execute_batch(&format!(
            "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 4999)
             INSERT INTO t (at, v) SELECT datetime(1735689600 + {order} * 600, 'unixepoch'), n FROM s;"
        ))
        .expect("rows");
        conn
    }

    fn sliced(conn: &Connection, slices: &[Slice]) -> Vec<(i64, i64, i64)> {
        load(conn, slices).expect("load");
        let text = format!(
            "SELECT {ALIAS}.{TAG}, {ALIAS}.{KEY}, COUNT(*) FROM {TABLE} AS {ALIAS} CROSS JOIN t \
             WHERE at >= {ALIAS}.{LO} AND at < {ALIAS}.{HI} GROUP BY {ALIAS}.{ID}"
        );
        assert!(walks_index(conn, &text, "at").expect("plan"));
        let mut st = conn.prepare(&text).expect("prepare");
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .expect("rows")
    }

    #[test]
    fn slices_count_the_rows_a_bound_range_does() {
        let conn = db(true);
        let day = 86_400_000;
        let start = 1_735_689_600_000;
        let slices: Vec<Slice> = (0..3)
            .map(|i| Slice {
                tag: i64::from(i == 0),
                key: Some(i),
                lo_ms: start + i * day,
                hi_ms: start + (i + 1) * day,
            })
            .collect();
        let got = sliced(&conn, &slices);
        for (i, s) in slices.iter().enumerate() {
            let want: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM t WHERE at >= ?1 AND at < ?2",
                    [iso_text(s.lo_ms), iso_text(s.hi_ms)],
                    |r| r.get(0),
                )
                .expect("count");
            assert_eq!(got[i], (s.tag, i as i64, want));
        }
        clear(&conn).expect("clear");
        let left: i64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM {TABLE}"), [], |r| r.get(0))
            .expect("count");
        assert_eq!(left, 0);
    }

    #[test]
    fn plans_without_the_time_index_or_with_a_sort_are_refused() {
        let conn = db(true);
        let plain = format!(
            "SELECT COUNT(*) FROM {TABLE} AS {ALIAS} CROSS JOIN t \
             WHERE at >= {ALIAS}.{LO} AND at < {ALIAS}.{HI} GROUP BY {ALIAS}.{ID}"
        );
        assert!(walks_index(&conn, &plain, "at").expect("plan"));
        // No index on `v`: one full scan per slice.
        let other = plain.replace("at >=", "v >=").replace("at <", "v <");
        assert!(!walks_index(&conn, &other, "v").expect("plan"));
        // Grouping by something else than the slice sorts.
        let sorted = plain.replace(&format!("GROUP BY {ALIAS}.{ID}"), "GROUP BY v");
        assert!(!walks_index(&conn, &sorted, "at").expect("plan"));
        // Bound values (the filters') do not change the answer.
        let filtered = plain.replace("GROUP BY", "AND v > ?1 GROUP BY");
        assert!(walks_index(&conn, &filtered, "at").expect("plan"));
        // A statement that does not prepare.
        let broken = plain.replace("COUNT(*)", "COUNT(nope)");
        assert!(!walks_index(&conn, &broken, "at").expect("plan"));
    }

    #[test]
    fn rows_in_time_order_are_told_from_shuffled_ones() {
        assert!(stored_in_time_order(&db(true), "t", "at").expect("probe"));
        assert!(!stored_in_time_order(&db(false), "t", "at").expect("probe"));
        let conn = db(true);
        conn.execute_batch("CREATE VIEW w AS SELECT at FROM t")
            .expect("view");
        assert!(!stored_in_time_order(&conn, "w", "at").expect("probe"));
    }
}

//! The download's file name: `<title>_<range>_<YYYY-MM-DD>.<ext>`, reduced
//! to characters that are safe in a `Content-Disposition` header and on
//! every file system.

/// Longest title part kept, in characters.
const MAX_TITLE: usize = 60;

/// Keep ASCII letters, digits, `-` and `.`; everything else becomes one
/// `-`; no leading dots (hidden files), never empty.
pub fn sanitize(part: &str, max: usize) -> String {
    let mut out = String::new();
    for c in part.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= max {
            break;
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '.');
    if trimmed.is_empty() {
        "export".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// `title_range_date.ext`; `range` is left out when there is none.
pub fn file_name(title: &str, range: Option<&str>, date: chrono::NaiveDate, ext: &str) -> String {
    let mut name = sanitize(title, MAX_TITLE);
    if let Some(r) = range {
        name.push('_');
        name.push_str(&sanitize(r, 60));
    }
    name.push('_');
    name.push_str(&date.format("%Y-%m-%d").to_string());
    name.push('.');
    name.push_str(&sanitize(ext, 10));
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()
    }

    #[test]
    fn names_say_what_when_and_which_range() {
        assert_eq!(
            file_name("Orders", Some("30d"), day(), "csv"),
            "Orders_30d_2025-04-01.csv"
        );
        assert_eq!(
            file_name("Sales & Ops / Q1", None, day(), "pdf"),
            "Sales-Ops-Q1_2025-04-01.pdf"
        );
    }

    #[test]
    fn header_breaking_and_path_characters_are_removed() {
        let name = file_name(
            "a\"b\r\nc/../..\\d;é",
            Some("2025-01-01..2025-02-01"),
            day(),
            "c\"sv",
        );
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)),
            "{name}"
        );
        assert!(!name.starts_with('.'));
        assert_eq!(sanitize("...", 10), "export");
        assert_eq!(sanitize("", 10), "export");
    }
}

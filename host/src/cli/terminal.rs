//! Printing text that came from plugins, users or files without letting
//! it drive the terminal.
//!
//! A plugin's name, version or description, an alert's name or message, a
//! file name in the plugins folder: any of them may hold escape sequences
//! that clear the screen or recolour it, a carriage return that overwrites
//! the start of the line, a newline that forges a line of our own (`ok:`
//! in `plugins check`, which operators use to vet untrusted files), or a
//! bidirectional override that reorders what is shown. [`safe`] writes
//! every such character as a visible escape; everything the CLI prints
//! from outside goes through it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` could change what a terminal shows beyond its own glyph.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with control characters (C0 including newline, carriage return
/// and tab; DEL; C1) and bidirectional controls written as escapes:
/// `\n`, `\r`, `\t`, `\e` for ESC, `\u{…}` otherwise.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Print `text` to standard output. A reader that went away (`wasmdash
/// plugins list | head -1`) ends the output quietly, as with other Unix
/// tools, instead of a panic in `println!`; other write errors are
/// returned.
pub fn print_out(text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// `println!` through [`print_out`]: every line the CLI prints goes
/// through it, so no command panics on a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::terminal::print_out(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// [`safe`] for a path.
pub fn safe_path(path: &std::path::Path) -> String {
    safe(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        assert!(matches!(safe("Bar chart 1.2 — äöü"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(
            safe("a\u{1b}[2J\r\nok: x\t\u{7}\u{9b}31m\u{7f}\u{202e}"),
            "a\\e[2J\\r\\nok: x\\t\\u{7}\\u{9b}31m\\u{7f}\\u{202e}"
        );
    }
}

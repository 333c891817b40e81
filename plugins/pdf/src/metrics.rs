//! Text measuring and wrapping with the real advance widths of the built-in
//! Helvetica faces (Adobe's AFM metrics), so columns fit their text without
//! embedding a font.

/// Advance widths of Helvetica for ASCII 32..=126, in 1/1000 em.
#[rustfmt::skip]
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // '0'..'?'
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // '@'..'O'
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 'P'..'_'
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // '`'..'o'
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 'p'..'~'
];

/// Advance widths of Helvetica-Bold for ASCII 32..=126, in 1/1000 em.
#[rustfmt::skip]
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // ' '..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // '0'..'?'
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // '@'..'O'
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 'P'..'_'
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // '`'..'o'
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // 'p'..'~'
];

/// The letter an accented Latin-1 letter is drawn like (same advance in
/// Helvetica), for the letters that have one.
fn base_letter(c: char) -> Option<char> {
    Some(match c {
        'À'..='Å' => 'A',
        'Ç' => 'C',
        'È'..='Ë' => 'E',
        'Ð' => 'D',
        'Ñ' => 'N',
        'Ò'..='Ö' | 'Ø' => 'O',
        'Ù'..='Ü' => 'U',
        'Ý' => 'Y',
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ñ' => 'n',
        'ò'..='ö' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => return None,
    })
}

/// Width of one character at size 1, as viewers draw the built-in font
/// (text is WinAnsi-encoded; characters outside it become `?`).
fn advance(c: char, bold: bool) -> f32 {
    let table = if bold { &BOLD } else { &REGULAR };
    let c = base_letter(c).unwrap_or(c);
    let units = match c {
        ' '..='~' => table[c as usize - 32],
        'Æ' | '—' | '…' | '‰' | '™' => 1000,
        'æ' | 'Œ' | 'œ' => 889 + u16::from(bold) * 55,
        'ì'..='ï' | 'Ì'..='Ï' => 278,
        'ø' | 'ß' => 611,
        '€' | '–' | '£' | '¥' | '¢' | '°' | '±' | '×' | '÷' | '§' | '¶' => 556,
        '“' | '”' | '„' | '«' | '»' => 333 + u16::from(bold) * 167,
        '‘' | '’' | '‚' => 222 + u16::from(bold) * 56,
        '•' => 350,
        'Þ' | '©' | '®' => 737,
        'µ' | 'þ' => 556 + u16::from(bold) * 55,
        _ => table[usize::from(b'?') - 32],
    };
    f32::from(units) / 1000.0
}

/// Width of `text` in points at `size`.
pub(crate) fn width(text: &str, size: f32, bold: bool) -> f32 {
    text.chars().map(|c| advance(c, bold)).sum::<f32>() * size
}

/// Control characters would show as garbage glyphs.
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The longest prefix of `chars` that fits in `max` points (at least one
/// character, so text always progresses).
fn fitting(chars: &[char], max: f32, size: f32, bold: bool) -> usize {
    let mut used = 0.0;
    for (i, c) in chars.iter().enumerate() {
        used += advance(*c, bold) * size;
        if used > max {
            return i.max(1);
        }
    }
    chars.len()
}

/// Wrap `text` into at most `max_lines` lines no wider than `max` points,
/// breaking at spaces where possible and inside words that are longer than
/// a line; the last line ends in "..." when text was left out.
pub(crate) fn wrap(text: &str, max: f32, size: f32, bold: bool, max_lines: usize) -> Vec<String> {
    // Most cells fit on one line as they are.
    if max_lines > 0
        && !text.chars().any(char::is_control)
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && width(text, size, bold) <= max
    {
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![text.to_owned()]
        };
    }
    let space = advance(' ', bold) * size;
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_w = 0.0;
    let mut truncated = false;
    'words: for word in clean(text).split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let word_w: f32 = word.iter().map(|c| advance(*c, bold) * size).sum();
            let gap = if current.is_empty() { 0.0 } else { space };
            if current_w + gap + word_w <= max {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.extend(word.iter());
                current_w += gap + word_w;
                break;
            }
            if current.is_empty() {
                // A word longer than the line: hard-break it.
                let n = fitting(&word, max, size, bold);
                current.extend(word.drain(..n));
            }
            lines.push(std::mem::take(&mut current));
            current_w = 0.0;
            if lines.len() == max_lines {
                truncated = true;
                break 'words;
            }
            if word.is_empty() {
                break;
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if truncated && let Some(last) = lines.last_mut() {
        let room = max - width("...", size, bold);
        let chars: Vec<char> = last.chars().collect();
        let keep = if width(last, size, bold) <= room {
            chars.len()
        } else {
            fitting(&chars, room, size, bold)
        };
        let cut: String = chars[..keep.min(chars.len())].iter().collect();
        *last = format!("{}...", cut.trim_end());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font() {
        assert!((width("Hello", 10.0, false) - 22.78).abs() < 0.01);
        assert!(width("Hello", 10.0, true) > width("Hello", 10.0, false));
        assert!(width("iii", 10.0, false) < width("mmm", 10.0, false));
        assert_eq!(width("", 10.0, false), 0.0);
    }

    #[test]
    fn wraps_breaks_and_truncates() {
        let w = |s: &str| width(s, 10.0, false);
        assert_eq!(
            wrap("hello world", 200.0, 10.0, false, 2),
            vec!["hello world"]
        );
        assert_eq!(
            wrap("hello world", w("world") + 1.0, 10.0, false, 2),
            vec!["hello", "world"]
        );
        assert_eq!(
            wrap("abcdabcdab", w("abcd") + 0.5, 10.0, false, 3),
            vec!["abcd", "abcd", "ab"]
        );
        let max = w("one two") + 1.0;
        let lines = wrap("one two three four five six", max, 10.0, false, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with("..."), "{lines:?}");
        assert!(lines.iter().all(|l| w(l) <= max), "{lines:?}");
        assert!(wrap("", 50.0, 10.0, false, 2).is_empty());
        assert_eq!(wrap("a\nb\tc", 100.0, 10.0, false, 2), vec!["a b c"]);
        // A column narrower than one character still makes progress.
        assert_eq!(wrap("ab", 1.0, 10.0, false, 5), vec!["a", "b"]);
    }
}

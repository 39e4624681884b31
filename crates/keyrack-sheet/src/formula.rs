//! Formula-injection neutralising (SECURITY-TESTS G.31) and its exact inverse for re-import.
//!
//! A spreadsheet program may run a cell that starts with `=`, `+`, `-` or `@` as a formula, and
//! some also when TAB, CR, LF or NUL comes first (they skip that character). The rule, shared by
//! the writers and the reader so that re-importing an export changes nothing (SPEC §6):
//!
//! - A value is *risky* when, after any number of leading `'`, its next character is one of
//!   `= + - @ TAB CR LF NUL` (`^'*[=+\-@\t\r\n\0]`).
//! - The CSV writer prefixes every risky value with one `'`.
//! - The XLSX writer stores every cell as a string (never a formula). A value that starts with a
//!   risky character gets Excel's "quote prefix" cell style instead of a visible `'` (so
//!   `+31 6 1234 5678` stays readable and stays text when edited); a value that already starts
//!   with `'` before a risky character gets one more `'`, because the reader strips one.
//! - The reader (all formats) removes exactly one leading `'` when the value matches
//!   `^'+[=+\-@\t\r\n\0]`, and touches nothing else.
//!
//! This is a bijection: for every string `v`, `strip(csv_neutralise(v)) == v`, and for every
//! string the XLSX writer stores, the reader gives back the original. A value a person typed
//! as `'=x` in a CSV means "the text =x", which is also what the reader returns. `'abc` (no risky
//! character after the quotes) is left alone both ways.

use std::borrow::Cow;

/// Characters that make a spreadsheet treat the rest of a cell as a formula.
const RISKY: [char; 8] = ['=', '+', '-', '@', '\t', '\r', '\n', '\0'];

fn is_risky_char(c: char) -> bool {
    RISKY.contains(&c)
}

/// The character after any leading apostrophes, and how many apostrophes came before it.
fn after_quotes(value: &str) -> (usize, Option<char>) {
    let quotes = value.bytes().take_while(|&b| b == b'\'').count();
    // `'` is one byte in UTF-8, so `quotes` is also a char boundary.
    (quotes, value.get(quotes..).and_then(|rest| rest.chars().next()))
}

/// Whether `value` starts (after any `'`) with a character that could start a formula.
pub fn is_risky(value: &str) -> bool {
    matches!(after_quotes(value), (_, Some(c)) if is_risky_char(c))
}

/// The CSV form of a cell value: risky values get a leading `'`.
pub fn neutralise_csv(value: &str) -> Cow<'_, str> {
    if is_risky(value) { Cow::Owned(format!("'{value}")) } else { Cow::Borrowed(value) }
}

/// How the XLSX writer stores a value: the text to write, and whether the cell needs Excel's
/// quote-prefix style (a risky first character with no `'` before it).
pub fn neutralise_xlsx(value: &str) -> (Cow<'_, str>, bool) {
    match after_quotes(value) {
        (0, Some(c)) if is_risky_char(c) => (Cow::Borrowed(value), true),
        (_, Some(c)) if is_risky_char(c) => (Cow::Owned(format!("'{value}")), false),
        _ => (Cow::Borrowed(value), false),
    }
}

/// The reader's inverse: removes the one `'` that a writer added before a risky character.
pub fn strip_neutraliser(value: &str) -> &str {
    match after_quotes(value) {
        (q, Some(c)) if q > 0 && is_risky_char(c) => &value[1..],
        _ => value,
    }
}

/// In-place form of [`strip_neutraliser`] for owned cell text.
pub(crate) fn strip_owned(mut value: String) -> String {
    let keep_from = value.len() - strip_neutraliser(&value).len();
    if keep_from > 0 {
        value.drain(..keep_from);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_prefixes_only_risky_values() {
        assert_eq!(neutralise_csv("=1+2"), "'=1+2");
        assert_eq!(neutralise_csv("+31 6 1234"), "'+31 6 1234");
        assert_eq!(neutralise_csv("-5"), "'-5");
        assert_eq!(neutralise_csv("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise_csv("\tx"), "'\tx");
        assert_eq!(neutralise_csv("\r"), "'\r");
        assert_eq!(neutralise_csv("\nx"), "'\nx");
        assert_eq!(neutralise_csv("\0"), "'\0");
        assert_eq!(neutralise_csv("'=x"), "''=x");
        assert_eq!(neutralise_csv("anne=bob"), "anne=bob");
        assert_eq!(neutralise_csv("'quoted"), "'quoted");
        assert_eq!(neutralise_csv("'"), "'");
        assert_eq!(neutralise_csv(""), "");
    }

    #[test]
    fn xlsx_uses_the_style_for_a_bare_risky_start() {
        assert_eq!(neutralise_xlsx("=1+2"), (Cow::Borrowed("=1+2"), true));
        assert_eq!(neutralise_xlsx("'=1+2"), (Cow::Owned::<str>("''=1+2".into()), false));
        assert_eq!(neutralise_xlsx("plain"), (Cow::Borrowed("plain"), false));
        assert_eq!(neutralise_xlsx("'plain"), (Cow::Borrowed("'plain"), false));
    }

    #[test]
    fn reader_strips_exactly_one_added_quote() {
        assert_eq!(strip_neutraliser("'=1+2"), "=1+2");
        assert_eq!(strip_neutraliser("''=1+2"), "'=1+2");
        assert_eq!(strip_neutraliser("'abc"), "'abc");
        assert_eq!(strip_neutraliser("'"), "'");
        assert_eq!(strip_neutraliser("=x"), "=x");
        assert_eq!(strip_owned("'-1".to_string()), "-1");
        assert_eq!(strip_owned("'é".to_string()), "'é");
    }

    #[test]
    fn every_risky_character_round_trips_with_any_number_of_quotes() {
        for c in RISKY {
            for quotes in 0..3 {
                let v = format!("{}{c}tail", "'".repeat(quotes));
                assert_eq!(strip_neutraliser(&neutralise_csv(&v)), v);
                let (stored, _) = neutralise_xlsx(&v);
                assert_eq!(strip_neutraliser(&stored), v);
            }
        }
    }
}

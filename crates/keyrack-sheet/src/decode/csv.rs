//! CSV as spreadsheets really write it: the encoding and delimiter are guessed, because Excel
//! in nl/de/fr/ro locales writes `;` in Windows-1252 and "Unicode text" is UTF-16 with TAB.
//!
//! - Encoding: a BOM decides (UTF-8, UTF-16LE, UTF-16BE); without one, UTF-16 is recognised by
//!   the NUL bytes every ASCII character brings in alternate positions; otherwise valid UTF-8 is
//!   UTF-8 and anything else is Windows-1252 (every byte sequence is valid there).
//! - Delimiter: the most frequent of `;` `,` TAB outside quotes in the header record.
//! - Parsing: the `csv` crate (RFC 4180 quotes, doubled quotes, quoted newlines, ragged rows).
//!   It silently ends an unterminated quoted field at end of input, swallowing the rest of the
//!   file into one cell; a linear pre-scan with the same state machine reports it instead.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::builder::Builder;
use super::{Format, Limits, Table};
use crate::error::SheetError;

/// How many bytes the UTF-16-without-BOM guess looks at; the start of a file is representative
/// and this keeps the guess constant-time.
const UTF16_SAMPLE: usize = 4096;

pub(super) fn read(bytes: &[u8], prefer_tab: bool, limits: &Limits) -> Result<Table, SheetError> {
    let (text, encoding) = decode(bytes)?;
    if text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').is_empty() {
        return Err(SheetError::Empty);
    }
    refuse_binary(&text)?;
    let delimiter = sniff_delimiter(&text, prefer_tab);
    check_quotes(&text, delimiter)?;

    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut builder = Builder::new(limits);
    let mut lines = LineCounter { text: text.as_bytes(), pos: 0, line: 1 };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(SheetError::malformed(e.to_string())),
        }
        let start = record.position().map_or(0, csv::Position::byte);
        let line = lines.line_of_record_at(usize::try_from(start).unwrap_or(usize::MAX));
        let row = u32::try_from(line).unwrap_or(u32::MAX);
        for (col, field) in record.iter().enumerate() {
            let col = u32::try_from(col).unwrap_or(u32::MAX);
            builder.push(row, col, field.to_owned())?;
        }
    }
    builder.finish(Format::Csv { delimiter, encoding })
}

/// Line numbers of records. The `csv` crate's own `Position::line` is the line where it started
/// looking for the record, before it skipped blank lines and the `\n` of a `\r\n`, so two
/// records can share a number; this counts line breaks up to the record's first character.
struct LineCounter<'t> {
    text: &'t [u8],
    pos: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// `start` is where the `csv` crate says the record begins; records only move forward, so
    /// the counting is linear over the whole file.
    fn line_of_record_at(&mut self, start: usize) -> u64 {
        let mut first = start.max(self.pos);
        while let Some(b'\r' | b'\n') = self.text.get(first) {
            first += 1;
        }
        let first = first.min(self.text.len());
        for (i, &b) in self.text[self.pos..first].iter().enumerate() {
            // `\r\n` and `\n` end a line, and so does a lone `\r` (old Mac files).
            if b == b'\n' || (b == b'\r' && self.text.get(self.pos + i + 1) != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.pos = first;
        self.line
    }
}

/// Decodes the bytes to text, returning the WHATWG name of the encoding used.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), SheetError> {
    let (encoding, body) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, &bytes[bom_len..])
    } else if let Some(enc) = utf16_without_bom(bytes) {
        (enc, bytes)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), UTF_8.name()));
    } else {
        (WINDOWS_1252, bytes)
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        // A BOM or the UTF-16 pattern promised this encoding; replacement characters in names
        // and e-mail addresses would be worse than a refusal.
        return Err(SheetError::malformed(format!("the text is not valid {}", encoding.name())));
    }
    Ok((text, encoding.name()))
}

/// UTF-16 written without a BOM: ASCII-heavy text has a NUL in every other byte.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(UTF16_SAMPLE) & !1];
    let pairs = sample.len() / 2;
    if pairs == 0 {
        return None;
    }
    let zeros_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let zeros_odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // At least 30 % of the units look like ASCII in one byte order and almost none in the other.
    let looks = |hits: usize, misses: usize| hits * 10 >= pairs * 3 && misses * 20 <= pairs;
    if looks(zeros_odd, zeros_even) {
        Some(UTF_16LE)
    } else if looks(zeros_even, zeros_odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// A header line with control characters is a binary file that happened to have no known
/// signature; reading it as CSV would only produce a confusing list of unknown columns.
fn refuse_binary(text: &str) -> Result<(), SheetError> {
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let first_line = start.split('\n').next().unwrap_or_default();
    let binary = first_line.chars().take(1024).any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'));
    if binary {
        return Err(SheetError::unsupported("the file is neither a spreadsheet (XLSX, ODS) nor CSV text"));
    }
    Ok(())
}

const CANDIDATES: [u8; 3] = [b';', b',', b'\t'];

/// The delimiter of the header record: the candidate seen most often outside quotes. Ties go to
/// `;` before `,` before TAB (`;` is what Excel writes in the Keyrack locales other than en),
/// or to TAB first for a `.tsv` file; a one-column file gets `,` (or TAB for `.tsv`).
fn sniff_delimiter(text: &str, prefer_tab: bool) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut seen_content = false;
    let mut bytes = text.as_bytes().iter().peekable();
    while let Some(&b) = bytes.next() {
        if in_quotes {
            if b == b'"' {
                if bytes.peek() == Some(&&b'"') {
                    bytes.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match b {
            b'"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
                seen_content = true;
            }
            b'\r' | b'\n' => {
                // Leading blank lines come before the header; the header record ends here.
                if seen_content {
                    break;
                }
                at_field_start = true;
            }
            _ => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[i] += 1;
                    at_field_start = true;
                } else {
                    at_field_start = false;
                }
                seen_content = true;
            }
        }
    }
    let order: [usize; 3] = if prefer_tab { [2, 0, 1] } else { [0, 1, 2] };
    let best = order.iter().copied().fold(None::<usize>, |best, i| match best {
        Some(b) if counts[b] >= counts[i] => Some(b),
        _ if counts[i] > 0 => Some(i),
        _ => best,
    });
    match best {
        Some(i) => CANDIDATES[i],
        None if prefer_tab => b'\t',
        None => b',',
    }
}

/// Runs csv-core's quoting state machine (quotes open only at the start of a field, `""` is a
/// quote inside one) and reports a quoted field still open at the end of the input.
fn check_quotes(text: &str, delimiter: u8) -> Result<(), SheetError> {
    #[derive(PartialEq)]
    enum State {
        FieldStart,
        InField,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut line: u64 = 1;
    let mut opened_on = 1;
    for &b in text.as_bytes() {
        if b == b'\n' {
            line += 1;
        }
        state = match state {
            State::FieldStart if b == b'"' => {
                opened_on = line;
                State::Quoted
            }
            State::FieldStart | State::InField | State::QuoteInQuoted if b == delimiter || b == b'\r' || b == b'\n' => {
                State::FieldStart
            }
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::FieldStart | State::InField | State::QuoteInQuoted => State::InField,
        };
    }
    if state == State::Quoted {
        return Err(SheetError::UnterminatedQuote { line: opened_on });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_header_delimiter_outside_quotes() {
        assert_eq!(sniff_delimiter("a;b;c\n1,2,3,4,5\n", false), b';');
        assert_eq!(sniff_delimiter("\"x;y;z\",b,c\n", false), b',');
        assert_eq!(sniff_delimiter("a\tb\tc", false), b'\t');
        assert_eq!(sniff_delimiter("\n\r\nid,email\n", false), b',');
        assert_eq!(sniff_delimiter("\"a\"\"b;c\";d,e\n", false), b';');
        assert_eq!(sniff_delimiter("email\n", false), b',');
        assert_eq!(sniff_delimiter("email\n", true), b'\t');
        assert_eq!(sniff_delimiter("a,b;c", false), b';');
        assert_eq!(sniff_delimiter("a,b\tc", true), b'\t');
    }

    #[test]
    fn quote_scan_finds_the_line_where_the_open_quote_started() {
        assert_eq!(check_quotes("a,b\n1,\"x\ny\"\n", b','), Ok(()));
        assert_eq!(check_quotes("a,b\n1,x\"y\n", b','), Ok(()));
        assert_eq!(check_quotes("a,b\n1,\"x\"\"\n", b','), Err(SheetError::UnterminatedQuote { line: 2 }));
        assert_eq!(check_quotes("a,b\n1,2\n3,\"open\n\n", b','), Err(SheetError::UnterminatedQuote { line: 3 }));
        assert_eq!(check_quotes("\"a\"b,c\n", b','), Ok(()));
    }

    #[test]
    fn utf16_without_bom_is_recognised_by_its_nul_pattern() {
        let le: Vec<u8> = "id;email\r\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "id;email\r\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(utf16_without_bom(&le), Some(UTF_16LE));
        assert_eq!(utf16_without_bom(&be), Some(UTF_16BE));
        assert_eq!(utf16_without_bom(b"id;email\r\n"), None);
        assert_eq!(utf16_without_bom(b"x"), None);
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let (text, enc) = decode(b"caf\xe9;na\xefve").unwrap();
        assert_eq!((text.as_ref(), enc), ("café;naïve", "windows-1252"));
        let (text, enc) = decode("café".as_bytes()).unwrap();
        assert_eq!((text.as_ref(), enc), ("café", "UTF-8"));
    }

    #[test]
    fn a_bom_that_lies_is_refused() {
        let err = decode(b"\xEF\xBB\xBFcaf\xe9").unwrap_err();
        assert_eq!(err.code(), "malformed_file");
    }
}

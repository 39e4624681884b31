//! XLSX and ODS through calamine, after the archive passed [`super::zipcheck`].
//!
//! XLSX cells are streamed (`worksheet_cells_reader`) rather than loaded as a `Range`: calamine
//! sizes a `Range` by the bounding box of the used cells, so one cell at `XFD1048576` would ask
//! for 17 billion slots. Streaming lets the [`Builder`] stop at the first limit instead.
//!
//! Before calamine opens a file, [`super::prescan`] refuses what calamine would allocate
//! without limit (repeated ODS cells, a declared shared-string count, style records).
//!
//! XML entities: quick-xml never expands DTD entities and calamine resolves only the five
//! predefined ones and character references, so XXE and billion-laughs sheets fail with a parse
//! error (see `tests/it/hostile.rs`).

use std::io::Cursor;

use calamine::{Data, DataRef, ExcelDateTime, Ods, Reader, Sheet, SheetType, SheetVisible, Xlsx};

use super::builder::Builder;
use super::prescan;
use super::zipcheck::WorkbookKind;
use super::{Format, Limits, Table};
use crate::error::SheetError;

/// Reads the workbook. A panic inside the parsers (calamine subtracts a damaged `<dimension>`'s
/// corners without checking their order, which panics where overflow checks are on; the fuzz
/// target found it) is answered as a damaged file rather than taking the request down with it.
pub(super) fn read(bytes: &[u8], kind: WorkbookKind, limits: &Limits) -> Result<Table, SheetError> {
    std::panic::catch_unwind(|| read_unguarded(bytes, kind, limits))
        .unwrap_or_else(|_| Err(SheetError::malformed("the workbook's structure is damaged; open and save it again")))
}

fn read_unguarded(bytes: &[u8], kind: WorkbookKind, limits: &Limits) -> Result<Table, SheetError> {
    match kind {
        WorkbookKind::Xlsx => {
            prescan::xlsx_parts(bytes, limits)?;
            read_xlsx(bytes, limits)
        }
        WorkbookKind::Ods => {
            prescan::ods_content(bytes, limits)?;
            read_ods(bytes, limits)
        }
    }
}

/// calamine's errors as refusals. The `zip` crate reports an entry that inflates past its
/// declared size as an I/O error with this text; that is a zip bomb, not a damaged file.
pub(super) fn calamine_error(e: impl std::fmt::Display) -> SheetError {
    let text = e.to_string();
    if text.contains("larger than its declared uncompressed size") {
        SheetError::ZipBomb { detail: "an entry inflates past its declared size (or is damaged)".into() }
    } else if text.to_ascii_lowercase().contains("password") {
        SheetError::unsupported("the workbook is password-protected")
    } else {
        SheetError::malformed(text)
    }
}

/// The sheet a person sees first: the first visible worksheet (a chart sheet or a hidden sheet
/// is not what they meant to upload), else the first worksheet.
fn first_sheet(sheets: &[Sheet]) -> Result<String, SheetError> {
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
        .ok_or(SheetError::NoHeader)
}

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(calamine_error)?;
    let name = first_sheet(workbook.sheets_metadata())?;
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(calamine_error)?;
    let mut builder = Builder::new(limits);
    while let Some(cell) = cells.next_cell().map_err(calamine_error)? {
        let (row, col) = cell.get_position();
        let data: Data = match cell.get_value() {
            DataRef::SharedString(s) => Data::String((*s).to_owned()),
            other => other.clone().into(),
        };
        builder.push(row.saturating_add(1), col, cell_text(data))?;
    }
    drop(cells);
    builder.finish(Format::Xlsx)
}

fn read_ods(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    let mut workbook: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(calamine_error)?;
    let name = first_sheet(workbook.sheets_metadata())?;
    let range = workbook.worksheet_range(&name).map_err(calamine_error)?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut builder = Builder::new(limits);
    for (r, row) in range.rows().enumerate() {
        let r = row0.saturating_add(u32::try_from(r).unwrap_or(u32::MAX));
        for (c, value) in row.iter().enumerate() {
            let c = col0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX));
            builder.push(r.saturating_add(1), c, cell_text(value.clone()))?;
        }
    }
    builder.finish(Format::Ods)
}

/// A cell as the text a person sees in it, in a form the import can parse back.
fn cell_text(data: Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s,
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(f),
        Data::Bool(b) => if b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => date_text(&dt),
        Data::Error(e) => e.to_string(),
    }
}

/// Whole numbers without ".0" (a phone or id typed as a number), others in Rust's shortest
/// round-trip form, which never uses an exponent.
fn float_text(f: f64) -> String {
    // 2^53: every whole float below this converts to i64 exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if f.is_finite() && f.fract() == 0.0 && f.abs() < EXACT {
        // Whole and below 2^53, so the cast is exact.
        (f as i64).to_string()
    } else {
        f.to_string()
    }
}

/// ISO 8601: `yyyy-mm-dd` for a date, with `Thh:mm:ss` when it has a time, `hh:mm:ss` for a
/// time of day alone, and `[h]:mm:ss` for a duration.
fn date_text(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        let total = (dt.as_f64() * 86_400.0).round();
        // `as` saturates; a duration of 292 billion years is not worth an error.
        let secs = total as i64;
        let sign = if secs < 0 { "-" } else { "" };
        let secs = secs.unsigned_abs();
        return format!("{sign}{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    }
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    let time = (h, mi, s) != (0, 0, 0);
    if dt.as_f64() < 1.0 && dt.as_f64() >= 0.0 {
        format!("{h:02}:{mi:02}:{s:02}")
    } else if time {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_as_a_person_typed_them() {
        assert_eq!(float_text(31_612_345_678.0), "31612345678");
        assert_eq!(float_text(-4.0), "-4");
        assert_eq!(float_text(2.5), "2.5");
        assert_eq!(float_text(0.1), "0.1");
        assert_eq!(float_text(1e20), "100000000000000000000");
        assert_eq!(float_text(f64::NAN), "NaN");
    }

    #[test]
    fn dates_render_as_iso() {
        use calamine::ExcelDateTimeType;
        let date = ExcelDateTime::new(45_292.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_text(&date), "2024-01-01");
        let with_time = ExcelDateTime::new(45_292.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_text(&with_time), "2024-01-01T12:00:00");
        let time = ExcelDateTime::new(0.75, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_text(&time), "18:00:00");
        let duration = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(date_text(&duration), "36:00:00");
    }
}

//! Refuses, before calamine opens a workbook, what calamine would allocate without a limit.
//!
//! - ODS: calamine has no streaming reader and expands `number-rows-repeated` and
//!   `number-columns-repeated` into real cells for every sheet when the file is opened, so a
//!   few hundred bytes of XML can ask for 100 million cells, each holding a copy of the text.
//!   [`ods_content`] adds up what the expansion would cost.
//! - XLSX: calamine reserves room for the `uniqueCount` that `sharedStrings.xml` declares
//!   (`uniqueCount="100000000000"` in a 700-byte file aborts the process with a failed 2.4 TB
//!   allocation, which no `catch_unwind` can stop), then keeps every shared string in memory;
//!   and it copies the font, fill and border of a style into each of the style's `xf` records.
//!   [`xlsx_parts`] checks the declared count and counts the records.
//!
//! calamine finds these parts through the package relationships and looks names up
//! case-insensitively, so every entry whose file name matches (in any folder, any case) is
//! checked, not just the usual path. The scans stream with the same quick-xml; they never
//! check attributes for duplicates, which is quadratic in the attribute count.

use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::Limits;
use super::workbook::calamine_error;
use crate::error::SheetError;

/// Excel's own limit is 64,000 cell formats; fonts, fills and borders cannot usefully exceed it.
const MAX_STYLE_RECORDS: u64 = 65_536;

fn open(bytes: &[u8]) -> Result<ZipArchive<Cursor<&[u8]>>, SheetError> {
    ZipArchive::new(Cursor::new(bytes)).map_err(|e| SheetError::malformed(format!("not a readable ZIP archive: {e}")))
}

fn reader<R: Read>(part: R) -> quick_xml::Reader<BufReader<R>> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    xml.config_mut().check_end_names = false;
    xml
}

/// The file name of a ZIP entry as calamine would look it up: lower case, `/` separated.
fn file_name(entry_name: &str) -> String {
    let normalised = entry_name.replace('\\', "/").to_ascii_lowercase();
    normalised.rsplit('/').next().unwrap_or_default().to_owned()
}

fn read_event<'b, R: BufRead>(xml: &mut quick_xml::Reader<R>, buf: &'b mut Vec<u8>, part: &str) -> Result<Event<'b>, SheetError> {
    xml.read_event_into(buf).map_err(|e| calamine_error(format!("{part}: {e}")))
}

/// Checks every `sharedStrings.xml` and `styles.xml` of an XLSX archive.
pub(super) fn xlsx_parts(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let mut archive = open(bytes)?;
    for index in 0..archive.len() {
        let name = match archive.name_for_index(index) {
            Some(Ok(name)) => file_name(&name),
            _ => continue,
        };
        if name != "sharedstrings.xml" && name != "styles.xml" {
            continue;
        }
        let entry = archive.by_index(index).map_err(|e| SheetError::malformed(format!("unreadable archive entry: {e}")))?;
        if name == "styles.xml" {
            styles(entry)?;
        } else {
            shared_strings(entry, limits)?;
        }
    }
    Ok(())
}

fn count_attr(e: &BytesStart<'_>, key: &str) -> Option<u64> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| a.value.trim().parse::<u64>().unwrap_or(u64::MAX))
}

fn shared_strings<R: Read>(part: R, limits: &Limits) -> Result<(), SheetError> {
    let max = limits.max_cells as u64;
    let mut xml = reader(part);
    let mut buf = Vec::new();
    let mut strings: u64 = 0;
    loop {
        match read_event(&mut xml, &mut buf, "sharedStrings.xml")? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                // The count calamine reserves for. (`count`, the number of references to the
                // strings, is larger in a real workbook and calamine ignores it.)
                "sst" => {
                    if let Some(n) = count_attr(&e, "uniqueCount").filter(|&n| n > max) {
                        return Err(SheetError::malformed(format!(
                            "sharedStrings.xml declares {n} unique strings, more than the {max} cells allowed"
                        )));
                    }
                }
                "si" => {
                    strings += 1;
                    if strings > max {
                        return Err(SheetError::TooManyCells { max: limits.max_cells });
                    }
                }
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

fn styles<R: Read>(part: R) -> Result<(), SheetError> {
    let mut xml = reader(part);
    let mut buf = Vec::new();
    // xf, font, fill, border, numFmt, dxf
    let mut counts = [0u64; 6];
    let names = ["xf", "font", "fill", "border", "numFmt", "dxf"];
    loop {
        match read_event(&mut xml, &mut buf, "styles.xml")? {
            Event::Start(e) | Event::Empty(e) => {
                let local = e.local_name();
                if let Some(i) = names.iter().position(|n| *n == local.as_ref()) {
                    counts[i] += 1;
                    if counts[i] > MAX_STYLE_RECORDS {
                        return Err(SheetError::malformed(format!(
                            "styles.xml has more than {MAX_STYLE_RECORDS} {} records",
                            names[i]
                        )));
                    }
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// What calamine would materialise for one table of an ODS file.
#[derive(Default)]
struct TableCost {
    rows_seen: u64,
    first_row: Option<u64>,
    last_row_end: u64,
    width: u64,
}

impl TableCost {
    fn cells(&self) -> u64 {
        let span = self.last_row_end.saturating_sub(self.first_row.unwrap_or(0));
        span.saturating_mul(self.width)
    }
}

fn repeat_attr(e: &BytesStart<'_>, key: &str) -> Result<u64, SheetError> {
    // No duplicate-attribute check: that check is quadratic in the attribute count, and a
    // hostile element can have hundreds of thousands. The first occurrence wins.
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|err| SheetError::malformed(format!("content.xml: {err}")))?;
        if attr.key.as_ref() == key {
            return attr
                .value
                .trim()
                .parse::<u64>()
                .ok()
                .ok_or_else(|| SheetError::malformed("content.xml: a repeat count is not a number"));
        }
    }
    Ok(1)
}

/// The bytes of all attribute values: calamine copies `office:string-value`, `office:date-value`
/// and `table:formula` into every repeated cell.
fn attribute_bytes(e: &BytesStart<'_>) -> u64 {
    e.attributes().with_checks(false).flatten().map(|a| a.value.len() as u64).sum()
}

/// What an element inside a cell adds to the cell's text in calamine.
fn cell_content_cost(e: &BytesStart<'_>) -> Result<u64, SheetError> {
    if e.name().as_ref() == "text:s" {
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| SheetError::malformed(format!("content.xml: {err}")))?;
            if attr.key.as_ref() == "text:c" {
                return Ok(attr.value.trim().parse::<u64>().unwrap_or(u64::MAX));
            }
        }
        return Ok(1);
    }
    Ok(attribute_bytes(e))
}

fn has_value_attr(e: &BytesStart<'_>) -> bool {
    e.attributes().with_checks(false).flatten().any(|a| matches!(a.key.as_ref(), "office:value-type" | "table:formula"))
}

/// Streams `content.xml` and adds up, for every table (calamine opens them all), the cells and
/// the text bytes that repeated rows and columns expand to. Counts err on the high side: a
/// cell with any child element or a value type counts as non-empty.
pub(super) fn ods_content(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let mut archive = open(bytes)?;
    let content = archive.by_name("content.xml").map_err(|e| SheetError::malformed(format!("content.xml: {e}")))?;
    let mut xml = reader(content);

    let max_cells = limits.max_cells as u64;
    let too_many_cells = || SheetError::TooManyCells { max: limits.max_cells };
    let too_much_text = |n: u64| SheetError::ZipBomb { detail: format!("repeated cells expand to {n} bytes of text") };

    let max_cell_bytes = (limits.max_cell_chars as u64).saturating_mul(10);
    let mut tables_done = 0usize;
    let mut total_cells: u64 = 0;
    let mut total_text: u64 = 0;
    let mut table: Option<TableCost> = None;
    let (mut row_repeat, mut cols, mut last_col_end, mut row_text) = (1u64, 0u64, 0u64, 0u64);
    // (columns repeated, text bytes, non-empty, element depth) of the cell being read.
    let mut cell: Option<(u64, u64, bool, usize)> = None;
    let mut depth = 0usize;
    let mut buf = Vec::new();

    loop {
        let event = read_event(&mut xml, &mut buf, "content.xml")?;
        let (start, end) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        // calamine skips whatever a cell contains, nested tables included; so does this count
        // (a nested table must not reset or end the table being counted).
        let in_cell = cell.is_some();
        let mut close_cell = false;
        let mut close_row = false;
        let mut close_table = false;
        if let Some(e) = start
            && let Some((_, text, _, _)) = cell.as_mut()
        {
            // Inside a cell, what calamine turns into text: `<text:s text:c="n"/>` is n spaces
            // (a few bytes asking for gigabytes), and attribute values such as
            // `office:string-value` are the cell's text too.
            *text = text.saturating_add(cell_content_cost(e)?);
        }
        if let Some(e) = start
            && !in_cell
        {
            match e.name().as_ref() {
                "table:table" => {
                    table = Some(TableCost::default());
                    close_table = end;
                }
                "table:table-row" => {
                    row_repeat = repeat_attr(e, "table:number-rows-repeated")?;
                    (cols, last_col_end, row_text) = (0, 0, 0);
                    close_row = end;
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let repeat = repeat_attr(e, "table:number-columns-repeated")?;
                    cell = Some((repeat, attribute_bytes(e), has_value_attr(e) || !end, depth + 1));
                    close_cell = end;
                }
                _ => {}
            }
        }
        match &event {
            Event::Start(_) => depth += 1,
            Event::Text(t) => {
                if let Some((_, text, _, _)) = cell.as_mut() {
                    *text = text.saturating_add(t.len() as u64);
                }
            }
            Event::CData(t) => {
                if let Some((_, text, _, _)) = cell.as_mut() {
                    *text = text.saturating_add(t.len() as u64);
                }
            }
            Event::GeneralRef(_) => {
                if let Some((_, text, _, _)) = cell.as_mut() {
                    *text = text.saturating_add(4);
                }
            }
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table-cell" | "table:covered-table-cell" => {
                        close_cell = cell.as_ref().is_some_and(|c| c.3 == depth);
                    }
                    "table:table-row" if !in_cell => close_row = true,
                    "table:table" if !in_cell => close_table = true,
                    _ => {}
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
        if close_cell && let Some((repeat, text, non_empty, _)) = cell.take() {
            // A character takes at most 10 bytes of XML (`&#x10FFFF;`), so this cell is too
            // long for sure; saying so now spares calamine copying it. Only in the first table
            // (normally the one read) do the row and column mean something to the person.
            if text > max_cell_bytes && tables_done == 0 {
                let row = u32::try_from(table.as_ref().map_or(0, |t| t.rows_seen) + 1).unwrap_or(u32::MAX);
                let column = u32::try_from(cols + 1).unwrap_or(u32::MAX);
                return Err(SheetError::CellTooLong { row, column, max: limits.max_cell_chars });
            }
            cols = cols.saturating_add(repeat);
            if non_empty {
                last_col_end = cols;
                row_text = row_text.saturating_add(text.saturating_mul(repeat));
            }
        }
        if close_row && let Some(t) = table.as_mut() {
            if last_col_end > 0 {
                t.first_row.get_or_insert(t.rows_seen);
                t.last_row_end = t.rows_seen.saturating_add(row_repeat);
                t.width = t.width.max(last_col_end);
                total_text = total_text.saturating_add(row_text.saturating_mul(row_repeat));
                if total_cells.saturating_add(t.cells()) > max_cells {
                    return Err(too_many_cells());
                }
                if total_text > limits.max_uncompressed_bytes {
                    return Err(too_much_text(total_text));
                }
            }
            t.rows_seen = t.rows_seen.saturating_add(row_repeat);
            (row_repeat, cols, last_col_end, row_text) = (1, 0, 0, 0);
        }
        if close_table && let Some(t) = table.take() {
            total_cells = total_cells.saturating_add(t.cells());
            tables_done += 1;
        }
        buf.clear();
    }
    Ok(())
}

//! Writing any table back as CSV or XLSX — the import's error report: the uploaded headers and
//! rows as they were read, with an extra column. Cells are neutralised as the export's are
//! (see [`crate::formula`]), so a report opened in a spreadsheet runs nothing and reads back
//! as written.

use csv_core::{QuoteStyle, Terminator};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::error::SheetError;
use crate::export::{CsvOut, MAX_WIDTH, MIN_WIDTH, UTF8_BOM, write_error};
use crate::formula::{neutralise_csv, neutralise_xlsx};

/// The table as CSV (UTF-8 with BOM, `\r\n`, quoted where needed), like [`crate::write_csv`].
pub fn write_table_csv<R: AsRef<[String]>>(headers: &[String], rows: &[R], delimiter: u8) -> Vec<u8> {
    let delimiter = if matches!(delimiter, b',' | b';' | b'\t') { delimiter } else { b',' };
    let writer = csv_core::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(Terminator::CRLF)
        .quote_style(QuoteStyle::Necessary)
        .build();
    let mut csv = CsvOut { writer, out: UTF8_BOM.to_vec() };
    let header: Vec<_> = headers.iter().map(|h| neutralise_csv(h)).collect();
    csv.record(header.iter().map(AsRef::as_ref));
    for row in rows {
        let cells: Vec<_> = row.as_ref().iter().map(|c| neutralise_csv(c)).collect();
        csv.record(cells.iter().map(AsRef::as_ref));
    }
    csv.out
}

/// The table as an XLSX workbook with one sheet named `sheet`: text cells, a bold frozen
/// header, like [`crate::write_xlsx`].
pub fn write_table_xlsx<R: AsRef<[String]>>(sheet_name: &str, headers: &[String], rows: &[R]) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(write_error)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let quoted = Format::new().set_num_format("@").set_quote_prefix();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    let put = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, value: &str, plain: &Format| {
        let (stored, quote_prefix) = neutralise_xlsx(value);
        sheet.write_string_with_format(r, c, stored.as_ref(), if quote_prefix { &quoted } else { plain })?;
        Ok::<usize, XlsxError>(stored.chars().count())
    };
    for (c, h) in (0u16..).zip(headers) {
        put(sheet, 0, c, h, &bold).map_err(write_error)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let r = u32::try_from(index + 1).map_err(|_| write_error(XlsxError::RowColumnLimitError))?;
        for ((c, value), width) in (0u16..).zip(row.as_ref()).zip(widths.iter_mut()) {
            if !value.is_empty() {
                *width = (*width).max(put(sheet, r, c, value, &text).map_err(write_error)?);
            }
        }
    }
    for (c, width) in (0u16..).zip(&widths) {
        let chars = (*width).clamp(MIN_WIDTH, MAX_WIDTH) + 2;
        sheet.set_column_width(c, chars as f64).map_err(write_error)?;
        sheet.set_column_format(c, &text).map_err(write_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(write_error)?;
    workbook.save_to_buffer().map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, read_table};

    fn table() -> (Vec<String>, Vec<Vec<String>>) {
        let headers = vec!["username".to_owned(), "first_name".to_owned(), "errors".to_owned()];
        let rows = vec![
            vec!["ann".to_owned(), "=cmd()".to_owned(), "The password must contain a digit.".to_owned()],
            vec!["bob".to_owned(), "Bob; \"B\"".to_owned(), String::new()],
        ];
        (headers, rows)
    }

    #[test]
    fn both_formats_read_back_as_written() {
        let (headers, rows) = table();
        for (bytes, name) in [
            (write_table_csv(&headers, &rows, b';'), "report.csv"),
            (write_table_xlsx("People", &headers, &rows).unwrap(), "report.xlsx"),
        ] {
            let back = read_table(&bytes, Some(name), &Limits::default()).unwrap();
            assert_eq!(back.headers, headers, "{name}");
            assert_eq!(back.rows, rows, "{name}");
        }
    }
}

//! Writing the people spreadsheet as CSV or XLSX, with formula cells neutralised (G.31).
//!
//! Both writers put the [`Column::ALL`] headers (canonical en names) in the first row and one
//! [`ExportRow`] per line after it. The `password` column is always written, always empty:
//! the type has no field for it, so a caller cannot leak one, and the admin can fill it in
//! before re-importing. See [`crate::formula`] for how risky cells are neutralised so that
//! [`crate::read_table`] gives back exactly what was written.

use csv_core::{QuoteStyle, Terminator, WriteResult};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::columns::Column;
use crate::error::SheetError;
use crate::formula::{neutralise_csv, neutralise_xlsx};

/// One person as text, one `String` per column of SPEC §6 except `password` (never exported).
/// List columns (`branches`, `permissions`, `notifications`) hold their items joined with `|`
/// (see [`crate::join_list`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportRow {
    pub id: String,
    pub username: String,
    pub kind: String,
    pub salutation: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub language: String,
    pub access: String,
    pub role: String,
    pub branches: String,
    pub permissions: String,
    pub notifications: String,
}

impl ExportRow {
    /// The text of `column` (always `""` for [`Column::Password`]).
    pub fn cell(&self, column: Column) -> &str {
        match column {
            Column::Id => &self.id,
            Column::Username => &self.username,
            Column::Kind => &self.kind,
            Column::Salutation => &self.salutation,
            Column::FirstName => &self.first_name,
            Column::LastName => &self.last_name,
            Column::Email => &self.email,
            Column::Phone => &self.phone,
            Column::Language => &self.language,
            Column::Access => &self.access,
            Column::Role => &self.role,
            Column::Branches => &self.branches,
            Column::Permissions => &self.permissions,
            Column::Notifications => &self.notifications,
            Column::Password => "",
        }
    }
}

/// The bytes of a UTF-8 byte-order mark: Excel needs it to read the file as UTF-8 rather than
/// the machine's ANSI code page.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Accumulates csv-core output. csv-core writes into caller buffers and cannot fail, which keeps
/// [`write_csv`] infallible (the `csv` crate's writer goes through `io::Write` and returns
/// errors that a `Vec` can never produce).
pub(crate) struct CsvOut {
    pub(crate) writer: csv_core::Writer,
    pub(crate) out: Vec<u8>,
}

impl CsvOut {
    /// Runs one csv-core step with room for the worst case (every byte a doubled quote, plus
    /// the surrounding quotes), looping only if csv-core still asks for more room.
    fn step(&mut self, mut input: &[u8], kind: Step) {
        loop {
            let start = self.out.len();
            self.out.resize(start + input.len() * 2 + 8, 0);
            let (result, read, written) = match kind {
                Step::Field => self.writer.field(input, &mut self.out[start..]),
                Step::Delimiter => {
                    let (r, w) = self.writer.delimiter(&mut self.out[start..]);
                    (r, 0, w)
                }
                Step::Terminator => {
                    let (r, w) = self.writer.terminator(&mut self.out[start..]);
                    (r, 0, w)
                }
            };
            self.out.truncate(start + written);
            input = &input[read..];
            if result == WriteResult::InputEmpty {
                return;
            }
        }
    }

    pub(crate) fn record<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) {
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.step(b"", Step::Delimiter);
            }
            self.step(field.as_bytes(), Step::Field);
        }
        self.step(b"", Step::Terminator);
    }
}

#[derive(Clone, Copy)]
enum Step {
    Field,
    Delimiter,
    Terminator,
}

/// The rows as CSV: UTF-8 with BOM, `\r\n` line ends, RFC 4180 quoting (a field is quoted when
/// it holds the delimiter, a quote or a line break; quotes inside are doubled), and risky cells
/// prefixed with `'`.
///
/// `delimiter` is `b','`, `b';'` or `b'\t'` (what [`crate::read_table`] recognises); any other
/// byte is replaced by `,` so the file always reads back.
pub fn write_csv(rows: &[ExportRow], delimiter: u8) -> Vec<u8> {
    let delimiter = if matches!(delimiter, b',' | b';' | b'\t') { delimiter } else { b',' };
    let writer = csv_core::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(Terminator::CRLF)
        .quote_style(QuoteStyle::Necessary)
        .build();
    let mut csv = CsvOut { writer, out: UTF8_BOM.to_vec() };
    csv.record(Column::ALL.iter().map(|c| c.name()));
    for row in rows {
        let cells: Vec<_> = Column::ALL.iter().map(|&c| neutralise_csv(row.cell(c))).collect();
        csv.record(cells.iter().map(AsRef::as_ref));
    }
    csv.out
}

/// Column widths in characters: wide enough for most values, never a screen wide.
pub(crate) const MIN_WIDTH: usize = 8;
pub(crate) const MAX_WIDTH: usize = 50;

pub(crate) fn write_error(e: XlsxError) -> SheetError {
    SheetError::Write { detail: e.to_string() }
}

/// The rows as an XLSX workbook with one sheet, `People`.
///
/// Every cell is a string cell and every column has the text number format `@`, so values
/// the admin types in later (a phone `0612…`) stay text too. The header row is bold, frozen
/// and has an autofilter. Cells starting with a formula character get Excel's quote-prefix
/// style (see [`crate::formula`]). Fails only past Excel's own limits (1,048,575 rows, 32,767
/// characters in a cell).
pub fn write_xlsx(rows: &[ExportRow]) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("People").map_err(write_error)?;
    let header = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let quoted = Format::new().set_num_format("@").set_quote_prefix();

    let mut widths: Vec<usize> = Column::ALL.iter().map(|c| c.name().chars().count()).collect();
    for (col, column) in (0u16..).zip(Column::ALL) {
        sheet.write_string_with_format(0, col, column.name(), &header).map_err(write_error)?;
    }
    let mut last_row = 0;
    for (index, row) in rows.iter().enumerate() {
        let r = u32::try_from(index + 1).map_err(|_| write_error(XlsxError::RowColumnLimitError))?;
        last_row = r;
        for ((col, column), width) in (0u16..).zip(Column::ALL).zip(widths.iter_mut()) {
            let value = row.cell(column);
            if value.is_empty() {
                continue;
            }
            let (stored, quote_prefix) = neutralise_xlsx(value);
            let format = if quote_prefix { &quoted } else { &text };
            sheet.write_string_with_format(r, col, stored.as_ref(), format).map_err(write_error)?;
            *width = (*width).max(stored.chars().count());
        }
    }
    for ((col, _), width) in (0u16..).zip(Column::ALL).zip(&widths) {
        // +2: room for the autofilter button beside the header text.
        let chars = (*width).clamp(MIN_WIDTH, MAX_WIDTH) + 2;
        sheet.set_column_width(col, chars as f64).map_err(write_error)?;
        sheet.set_column_format(col, &text).map_err(write_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(write_error)?;
    let last_col = u16::try_from(Column::ALL.len() - 1).unwrap_or(u16::MAX);
    sheet.autofilter(0, 0, last_row, last_col).map_err(write_error)?;
    workbook.save_to_buffer().map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(first_name: &str) -> ExportRow {
        ExportRow {
            id: "0190a0b0-0000-7000-8000-000000000001".into(),
            email: "ann@example.test".into(),
            first_name: first_name.into(),
            ..ExportRow::default()
        }
    }

    #[test]
    fn csv_has_bom_crlf_quoting_and_neutralised_cells() {
        let out = write_csv(&[row("=HYPERLINK(\"x\";\"y\")"), row("Zoë, \"Z\"\nvan Dijk")], b';');
        let text = std::str::from_utf8(&out).unwrap();
        let expected_header = "\u{feff}id;username;kind;salutation;first_name;last_name;email;phone;\
             language;access;role;branches;permissions;notifications;password\r\n";
        assert!(text.starts_with(expected_header), "{text}");
        let lines: Vec<&str> = text[expected_header.len()..].split("\r\n").collect();
        assert_eq!(
            lines[0],
            "0190a0b0-0000-7000-8000-000000000001;;;;\"'=HYPERLINK(\"\"x\"\";\"\"y\"\")\";;ann@example.test;;;;;;;;"
        );
        assert_eq!(lines[1], "0190a0b0-0000-7000-8000-000000000001;;;;\"Zoë, \"\"Z\"\"\nvan Dijk\";;ann@example.test;;;;;;;;");
        assert_eq!(lines[2], "");
    }

    #[test]
    fn csv_delimiters_other_than_the_three_fall_back_to_comma() {
        let out = write_csv(&[], b'"');
        assert!(out.starts_with(b"\xEF\xBB\xBFid,username,"));
        let tab = write_csv(&[], b'\t');
        assert!(tab.starts_with(b"\xEF\xBB\xBFid\tusername\t"));
    }

    #[test]
    fn password_is_never_exported() {
        assert_eq!(row("x").cell(Column::Password), "");
    }

    #[test]
    fn xlsx_is_a_zip_with_string_cells_only() {
        let bytes = write_xlsx(&[row("=1+2"), row("Ann")]).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
        assert!(!sheet.contains("<f>"), "no formula cells: {sheet}");
        assert!(sheet.contains("<pane ySplit=\"1\""), "header row frozen: {sheet}");
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
        assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
        assert!(styles.contains("<b/>"), "bold header: {styles}");
    }
}

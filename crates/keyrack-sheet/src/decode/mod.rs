//! Reading an uploaded file (XLSX, ODS or CSV) into a table of text cells, within limits.
//!
//! The format comes from the bytes, not the name: a ZIP is opened and looked into (XLSX has
//! `xl/workbook.xml`, ODS has the OpenDocument spreadsheet `mimetype`), an OLE2 container is a
//! legacy `.xls` or a password-protected workbook (refused), and anything else is read as CSV.
//! The file name only breaks ties (`.tsv` prefers TAB) and turns "a `.xlsx` that is not a ZIP"
//! into a clear refusal instead of a page of garbage rows.
//!
//! Every step is bounded before it is taken: the size of the upload, the ZIP central directory
//! (entry count, declared sizes, compression ratio, entry names) before calamine sees it; what
//! calamine would allocate on the file's word (ODS repeated cells, the declared shared-string
//! count, style records); and rows, columns, cells and cell length while the cells stream in.
//! Hostile input gets a [`SheetError`], never a panic.
//!
//! # Measured cost (2-core machine, `/usr/bin/time -v`, release build, default limits)
//!
//! Worst hostile case found: one text node of 240 MiB in an XLSX sheet (a 9.7 MB upload whose
//! text compresses 26×, inside every limit until the cell is seen): refused as `cell_too_long`
//! after **1.2 s, 750 MB peak RSS** (quick-xml's buffer and calamine's copy of the text; it
//! scales as about 3 × `max_uncompressed_bytes`, so lower that limit to lower the bound).
//! Other cases:
//!
//! | input | result | time | peak RSS |
//! |---|---|---|---|
//! | ODS, one 240 MiB cell (9.7 MB) | `cell_too_long` from the pre-scan | 0.4 s | 258 MB |
//! | XLSX, 1.5 M shared strings, 225 MB of text (13 MB) | accepted (sheet is 1 cell) | 1.9 s | 285 MB |
//! | XLSX, `uniqueCount="100000000000"` (700 B) | `malformed_file`; calamine alone aborts the process | 0 s | 3 MB |
//! | XLSX, 1 M style records (565 KB) | `malformed_file`; calamine alone: 3.4 s, 1.3 GB | 0.2 s | < 140 MB |
//! | legitimate: 100,000 people, our XLSX (4.6 MB) | 100,000 rows | 1.1 s | 141 MB |
//! | legitimate: the same saved as ODS by LibreOffice (1.5 MB) | 100,000 rows | 1.9 s | 291 MB |
//! | legitimate: the same as CSV (14.9 MB) | 100,000 rows | 0.2 s | 132 MB |
//!
//! Every case in `tests/it/hostile.rs` (zip bombs, 20,000 entries, `../` names, XXE, billion
//! laughs, duplicate attributes, namespace floods, ODS repeat bombs, 10 MB cells, unterminated
//! quotes, row floods) finishes `read_table` within 1 s in a debug build; the slowest, 200,000
//! namespace declarations, took 0.9 s with other builds loading the machine. The heaviest test
//! process (the 10 MB cells) peaks at 108 MB RSS, most of it the test's own inputs.

mod builder;
mod csv;
mod prescan;
mod workbook;
mod zipcheck;

use crate::error::SheetError;

/// What [`read_table`] accepts. `Default` takes 100,000 people in any of the formats with room
/// to spare, and keeps the worst case measured above under 1 GB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Size of the uploaded file.
    pub max_bytes: usize,
    /// Data rows after the header (empty rows are not counted).
    pub max_rows: usize,
    /// Characters (not bytes) in one cell.
    pub max_cell_chars: usize,
    /// Entries in an XLSX/ODS archive.
    pub max_zip_entries: usize,
    /// Sum of the declared uncompressed sizes of an archive's entries, and the most text the
    /// cells of the table may hold in all (one XLSX shared string can fill many cells). This is
    /// what bounds memory for an accepted archive (see the measurements above): the largest
    /// legitimate part measured, LibreOffice's `content.xml` for 100,000 people, is 155 MB.
    pub max_uncompressed_bytes: u64,
    /// Columns between the first and the last non-empty column.
    pub max_columns: usize,
    /// Rows × columns of the resulting table, and of what calamine would expand an ODS sheet
    /// to. This bounds memory where rows and columns alone would not (100,000 rows that each
    /// reach column 1,000 are tiny on disk and gigabytes in memory).
    pub max_cells: usize,
    /// Largest accepted uncompressed/compressed ratio of an entry bigger than 1 MiB. Measured
    /// on 100,000-row files: rust_xlsxwriter's sheet XML 12–14×, its shared strings 25×,
    /// LibreOffice's XLSX 16×, LibreOffice's ODS `content.xml` 104× (varied rows) to 180×
    /// (identical rows); deflated zeros, the classic bomb, 1,000×.
    pub max_compression_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 20 * 1024 * 1024,
            max_rows: 100_000,
            max_cell_chars: 10_000,
            max_zip_entries: 10_000,
            max_uncompressed_bytes: 256 * 1024 * 1024,
            max_columns: 256,
            max_cells: 3_000_000,
            max_compression_ratio: 500,
        }
    }
}

/// The format a file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Ods,
    /// `encoding` is the WHATWG name of the encoding the bytes were decoded from: `UTF-8`,
    /// `UTF-16LE`, `UTF-16BE` or `windows-1252`.
    Csv {
        delimiter: u8,
        encoding: &'static str,
    },
}

/// The first (visible) sheet as text.
///
/// - `headers` is the first non-empty row. Every row of `rows` has exactly `headers.len()`
///   cells: short rows are padded with `""`, and a column that has values but no header gets
///   the header `""` (the header mapping reports it).
/// - Rows whose cells are all empty are dropped, wherever they are; `row_numbers[i]` is the row
///   of `rows[i]` as a person sees it: the 1-based sheet row for XLSX/ODS, the 1-based line on
///   which the record starts for CSV. Use it in messages ("row 12: invalid e-mail").
/// - Cells are text: whole numbers without `.0`, dates as `yyyy-mm-dd` (date-times as
///   `yyyy-mm-ddThh:mm:ss`), booleans as `TRUE`/`FALSE`, formula cells as their cached value,
///   error cells as their text (`#N/A`). The writers' formula-neutralising `'` is removed (see
///   [`crate::formula`]); nothing else is trimmed or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub row_numbers: Vec<u32>,
    /// The 1-based row (XLSX/ODS) or line (CSV) of the header.
    pub header_row: u32,
    pub format: Format,
}

/// What the bytes are, before any parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Zip,
    Ole2,
    Text,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Signatures of common non-spreadsheet files, so an upload of the wrong file is named as such
/// instead of being read as one-column CSV.
const OTHER_MAGICS: &[(&[u8], &str)] = &[
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1F\x8B", "gzip archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xBC\xAF", "7-Zip archive"),
    (b"{\\rtf", "RTF document"),
];

fn sniff_container(bytes: &[u8]) -> Container {
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(ZIP_EMPTY_MAGIC) {
        Container::Zip
    } else if bytes.starts_with(OLE2_MAGIC) {
        Container::Ole2
    } else {
        Container::Text
    }
}

fn extension(filename_hint: Option<&str>) -> Option<String> {
    let name = filename_hint?;
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

/// Reads the first visible worksheet of an XLSX or ODS file, or a CSV file, as text.
///
/// `filename_hint` is the uploaded file's name if known; the content decides the format.
pub fn read_table(bytes: &[u8], filename_hint: Option<&str>, limits: &Limits) -> Result<Table, SheetError> {
    if bytes.len() > limits.max_bytes {
        return Err(SheetError::FileTooLarge { size: bytes.len(), max: limits.max_bytes });
    }
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    let ext = extension(filename_hint);
    match sniff_container(bytes) {
        Container::Zip => {
            let kind = zipcheck::inspect(bytes, limits)?;
            workbook::read(bytes, kind, limits)
        }
        Container::Ole2 => Err(SheetError::unsupported(
            "a legacy .xls workbook or a password-protected file; save it as .xlsx without a \
             password",
        )),
        Container::Text => {
            if let Some((_, what)) = OTHER_MAGICS.iter().find(|(m, _)| bytes.starts_with(m)) {
                return Err(SheetError::unsupported(format!("this is a {what}")));
            }
            match ext.as_deref() {
                // Legacy systems often export tab-separated text named `.xls`, so that one is
                // read as text; the ZIP-based names cannot be text.
                Some(e @ ("xlsx" | "xlsm" | "xlsb" | "ods")) => {
                    Err(SheetError::malformed(format!("the file is named .{e} but is not one")))
                }
                _ => csv::read(bytes, ext.as_deref() == Some("tsv"), limits),
            }
        }
    }
}

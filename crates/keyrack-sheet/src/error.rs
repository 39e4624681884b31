//! Why a spreadsheet was refused: one variant per reason, each with a stable `code()`.

/// A file that cannot be read or written as a table.
///
/// `code()` is stable and machine-readable; pages translate it with `params()`. The `Display`
/// text is English for logs and API clients. `detail` strings may quote the underlying parser's
/// message: they help an operator debug a file but never contain cell values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes, more than the limit of {max} bytes")]
    FileTooLarge { size: usize, max: usize },
    #[error("unsupported file format: {detail}")]
    UnsupportedFormat { detail: String },
    #[error("the file is damaged or not a spreadsheet: {detail}")]
    Malformed { detail: String },
    #[error("the archive expands far beyond its size ({detail}); refused as a possible zip bomb")]
    ZipBomb { detail: String },
    #[error("the archive has {count} entries, more than the limit of {max}")]
    TooManyEntries { count: u64, max: usize },
    #[error("the first sheet has no header row")]
    NoHeader,
    #[error("the sheet has more than {max} data rows")]
    TooManyRows { max: usize },
    #[error("the sheet has more than {max} columns")]
    TooManyColumns { max: usize },
    #[error("the sheet has more than {max} cells")]
    TooManyCells { max: usize },
    #[error("the cell in row {row}, column {column} is longer than {max} characters")]
    CellTooLong { row: u32, column: u32, max: usize },
    #[error("a quoted field that starts on line {line} is never closed")]
    UnterminatedQuote { line: u64 },
    #[error("the spreadsheet could not be written: {detail}")]
    Write { detail: String },
}

impl SheetError {
    /// Stable machine-readable code, for API clients and translations.
    pub fn code(&self) -> &'static str {
        match self {
            SheetError::Empty => "empty_file",
            SheetError::FileTooLarge { .. } => "file_too_large",
            SheetError::UnsupportedFormat { .. } => "unsupported_format",
            SheetError::Malformed { .. } => "malformed_file",
            SheetError::ZipBomb { .. } => "zip_bomb",
            SheetError::TooManyEntries { .. } => "too_many_entries",
            SheetError::NoHeader => "no_header",
            SheetError::TooManyRows { .. } => "too_many_rows",
            SheetError::TooManyColumns { .. } => "too_many_columns",
            SheetError::TooManyCells { .. } => "too_many_cells",
            SheetError::CellTooLong { .. } => "cell_too_long",
            SheetError::UnterminatedQuote { .. } => "unterminated_quote",
            SheetError::Write { .. } => "write_failed",
        }
    }

    /// The numbers a translated message refers to (limits, positions). Free-text `detail` is
    /// left out on purpose: it is English parser output, not something to show translated.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            SheetError::FileTooLarge { size, max } => {
                vec![("size", size.to_string()), ("max", max.to_string())]
            }
            SheetError::TooManyEntries { count, max } => {
                vec![("count", count.to_string()), ("max", max.to_string())]
            }
            SheetError::TooManyRows { max } | SheetError::TooManyColumns { max } | SheetError::TooManyCells { max } => {
                vec![("max", max.to_string())]
            }
            SheetError::CellTooLong { row, column, max } => {
                vec![("row", row.to_string()), ("column", column.to_string()), ("max", max.to_string())]
            }
            SheetError::UnterminatedQuote { line } => vec![("line", line.to_string())],
            SheetError::Empty
            | SheetError::UnsupportedFormat { .. }
            | SheetError::Malformed { .. }
            | SheetError::ZipBomb { .. }
            | SheetError::NoHeader
            | SheetError::Write { .. } => Vec::new(),
        }
    }

    pub(crate) fn malformed(detail: impl Into<String>) -> Self {
        SheetError::Malformed { detail: detail.into() }
    }

    pub(crate) fn unsupported(detail: impl Into<String>) -> Self {
        SheetError::UnsupportedFormat { detail: detail.into() }
    }
}

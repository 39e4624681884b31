//! Collects non-empty cells from any reader into a dense [`Table`], enforcing the limits as
//! the cells arrive so a hostile file stops early instead of after it has filled memory.

use super::{Format, Limits, Table};
use crate::error::SheetError;
use crate::formula::strip_owned;

pub(super) struct Builder<'a> {
    limits: &'a Limits,
    /// (row number as shown to a person, 0-based column, text), non-empty cells only: sparse,
    /// so a cell at row 1,000,000 costs one entry, not a million empty rows.
    cells: Vec<(u32, u32, String)>,
    distinct_rows: usize,
    last_row: Option<u32>,
    /// Bytes of cell text so far. In an XLSX one shared string can fill any number of cells,
    /// so 3 million references to a 10,000-character string would be 30 GB from a small file.
    text_bytes: u64,
}

impl<'a> Builder<'a> {
    pub(super) fn new(limits: &'a Limits) -> Self {
        Self { limits, cells: Vec::new(), distinct_rows: 0, last_row: None, text_bytes: 0 }
    }

    /// Adds one cell; `row` is 1-based as a person sees it, `col` 0-based.
    pub(super) fn push(&mut self, row: u32, col: u32, value: String) -> Result<(), SheetError> {
        if value.is_empty() {
            return Ok(());
        }
        let max = self.limits.max_cell_chars;
        // Byte length bounds char count from above, so the count is only needed near the limit.
        if value.len() > max && value.chars().count() > max {
            return Err(SheetError::CellTooLong { row, column: col.saturating_add(1), max });
        }
        if self.last_row != Some(row) {
            self.last_row = Some(row);
            self.distinct_rows += 1;
            // Out-of-order rows (never written by real programs) can only make this count
            // larger than the truth, so the limit stays safe.
            if self.distinct_rows > self.limits.max_rows.saturating_add(1) {
                return Err(SheetError::TooManyRows { max: self.limits.max_rows });
            }
        }
        if self.cells.len() >= self.limits.max_cells {
            return Err(SheetError::TooManyCells { max: self.limits.max_cells });
        }
        self.text_bytes = self.text_bytes.saturating_add(value.len() as u64);
        if self.text_bytes > self.limits.max_uncompressed_bytes {
            return Err(SheetError::ZipBomb {
                detail: format!("the cells hold more than {} bytes of text", self.limits.max_uncompressed_bytes),
            });
        }
        self.cells.push((row, col, strip_owned(value)));
        Ok(())
    }

    pub(super) fn finish(mut self, format: Format) -> Result<Table, SheetError> {
        // Stable sort keeps a duplicated position (hostile XLSX) in arrival order; the last
        // one written wins, as in the sheet XML.
        self.cells.sort_by_key(|&(r, c, _)| (r, c));
        let Some(&(header_row, _, _)) = self.cells.first() else {
            return Err(SheetError::NoHeader);
        };
        let (mut min_col, mut max_col) = (u32::MAX, 0);
        for &(_, c, _) in &self.cells {
            min_col = min_col.min(c);
            max_col = max_col.max(c);
        }
        let width = usize::try_from(max_col - min_col).unwrap_or(usize::MAX).saturating_add(1);
        if width > self.limits.max_columns {
            return Err(SheetError::TooManyColumns { max: self.limits.max_columns });
        }
        let mut data_rows = 0usize;
        let mut prev = None;
        for &(r, _, _) in &self.cells {
            if r != header_row && prev != Some(r) {
                data_rows += 1;
            }
            prev = Some(r);
        }
        if data_rows > self.limits.max_rows {
            return Err(SheetError::TooManyRows { max: self.limits.max_rows });
        }
        if data_rows.saturating_add(1).saturating_mul(width) > self.limits.max_cells {
            return Err(SheetError::TooManyCells { max: self.limits.max_cells });
        }

        let mut headers = vec![String::new(); width];
        let mut rows: Vec<Vec<String>> = Vec::with_capacity(data_rows);
        let mut row_numbers = Vec::with_capacity(data_rows);
        for (r, c, value) in self.cells {
            let idx = (c - min_col) as usize;
            if r == header_row {
                if let Some(h) = headers.get_mut(idx) {
                    // Whitespace (and a stray second BOM) around a header name never means
                    // anything; cell values keep theirs.
                    *h = value.trim_matches(|ch: char| ch.is_whitespace() || ch == '\u{feff}').to_string();
                }
                continue;
            }
            if row_numbers.last() != Some(&r) {
                row_numbers.push(r);
                rows.push(vec![String::new(); width]);
            }
            if let Some(cell) = rows.last_mut().and_then(|row| row.get_mut(idx)) {
                *cell = value;
            }
        }
        Ok(Table { headers, rows, row_numbers, header_row, format })
    }
}

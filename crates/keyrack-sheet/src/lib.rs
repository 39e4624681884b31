//! The format layer of Keyrack's spreadsheet import and export (SPEC §6), independent of the
//! database: read an upload into a [`Table`] of text cells, map its headers to [`Column`]s,
//! and write people as CSV or XLSX.
//!
//! - [`read_table`] reads XLSX, ODS and CSV (UTF-8 with or without BOM, UTF-16 with or without
//!   BOM, Windows-1252; `,` `;` or TAB) within [`Limits`], refusing hostile files (zip bombs,
//!   entry floods, `../` names, XXE, row floods, huge cells, unterminated quotes) with a
//!   [`SheetError`] whose `code()` is stable.
//! - [`map_headers`] accepts the column names in en, nl, de, fr and ro.
//! - [`write_csv`] and [`write_xlsx`] neutralise cells a spreadsheet would run as formulas, and
//!   re-reading their output gives back exactly the values written (see [`formula`]).
//!
//! Matching rows to people, validating values and applying changes belong to the import
//! service, not here.

pub mod columns;
mod decode;
pub mod error;
mod export;
pub mod formula;
mod table;

pub use columns::{
    Column, HeaderMap, HeaderProblem, HeaderProblemKind, LIST_SEPARATOR, column_letter, join_list, map_headers, normalise_header,
    split_list,
};
pub use decode::{Format, Limits, Table, read_table};
pub use error::SheetError;
pub use export::{ExportRow, write_csv, write_xlsx};
pub use table::{write_table_csv, write_table_xlsx};

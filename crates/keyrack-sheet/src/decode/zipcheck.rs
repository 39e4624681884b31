//! Inspects a ZIP archive's central directory before calamine opens it: entry count, declared
//! sizes and compression ratios, entry names, encryption and compression methods.
//!
//! Declared sizes are enough: the `zip` crate (the 9.x that calamine itself uses) stops any
//! entry that inflates past the uncompressed size declared in the central directory with an
//! error, so an entry that lies about its size fails while being read instead of growing.
//! Nothing is ever extracted to disk; names like `../evil` are refused anyway, because no
//! spreadsheet program writes them and a later change that extracts must not meet them.

use std::io::{Cursor, Read};

use zip::{CompressionMethod, ZipArchive};

use super::Limits;
use crate::error::SheetError;

/// Entries up to this size are not ratio-checked: small parts compress unpredictably, and at
/// this size even a 1,000× ratio costs nothing.
const RATIO_FLOOR: u64 = 1024 * 1024;

const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// What the archive turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WorkbookKind {
    Xlsx,
    Ods,
}

pub(super) fn inspect(bytes: &[u8], limits: &Limits) -> Result<WorkbookKind, SheetError> {
    precheck_end_record(bytes, limits)?;
    let mut archive =
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| SheetError::malformed(format!("not a readable ZIP archive: {e}")))?;
    if archive.len() > limits.max_zip_entries {
        return Err(SheetError::TooManyEntries { count: archive.len() as u64, max: limits.max_zip_entries });
    }
    if archive.has_duplicate_names() {
        // Two entries with one name let two readers see two different workbooks.
        return Err(SheetError::malformed("the archive has two entries with the same name"));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(|e| SheetError::malformed(format!("unreadable archive entry: {e}")))?;
        let name = entry.name().map_err(|e| SheetError::malformed(format!("unreadable entry name: {e}")))?;
        check_name(&name)?;
        if entry.encrypted() {
            return Err(SheetError::unsupported("the archive is encrypted"));
        }
        let method = entry.compression();
        if !matches!(method, CompressionMethod::Stored | CompressionMethod::Deflated) {
            return Err(SheetError::unsupported(format!(
                "entry {name:?} uses compression {method}, which spreadsheet programs do not write"
            )));
        }
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        if size > limits.max_uncompressed_bytes {
            return Err(SheetError::ZipBomb { detail: format!("entry {name:?} declares {size} bytes uncompressed") });
        }
        if size > RATIO_FLOOR && size / packed > limits.max_compression_ratio {
            return Err(SheetError::ZipBomb { detail: format!("entry {name:?} expands {}×", size / packed) });
        }
        total = total.saturating_add(size);
    }
    if total > limits.max_uncompressed_bytes {
        return Err(SheetError::ZipBomb { detail: format!("entries declare {total} bytes in all") });
    }
    kind(&mut archive)
}

/// Names that would escape an extraction directory, or that no spreadsheet program writes.
fn check_name(name: &str) -> Result<(), SheetError> {
    let bytes = name.as_bytes();
    let escapes = name.starts_with('/')
        || name.starts_with('\\')
        || name.contains('\0')
        || (bytes.len() >= 2 && bytes[1] == b':')
        || name.split(['/', '\\']).any(|part| part == "..");
    if escapes {
        return Err(SheetError::malformed(format!("the archive has an entry named {name:?}, which points outside the archive")));
    }
    Ok(())
}

fn kind(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Result<WorkbookKind, SheetError> {
    let has = |archive: &ZipArchive<Cursor<&[u8]>>, name: &str| archive.index_for_name(name).is_some();
    if has(archive, "xl/workbook.bin") {
        return Err(SheetError::unsupported("an Excel binary workbook (.xlsb); save it as .xlsx"));
    }
    if has(archive, "xl/workbook.xml") {
        return Ok(WorkbookKind::Xlsx);
    }
    if has(archive, "mimetype") {
        let mut mimetype = Vec::new();
        archive
            .by_name("mimetype")
            .map_err(|e| SheetError::malformed(format!("unreadable mimetype: {e}")))?
            .take(128)
            .read_to_end(&mut mimetype)
            .map_err(|e| SheetError::malformed(format!("unreadable mimetype: {e}")))?;
        let mimetype = mimetype.trim_ascii();
        if mimetype == ODS_MIMETYPE {
            return Ok(WorkbookKind::Ods);
        }
        if mimetype.starts_with(b"application/vnd.oasis.opendocument.") {
            return Err(SheetError::unsupported("an OpenDocument file that is not a spreadsheet"));
        }
    }
    if has(archive, "word/document.xml") {
        return Err(SheetError::unsupported("a Word document"));
    }
    Err(SheetError::unsupported("a ZIP archive that is not a spreadsheet"))
}

/// End of central directory record signatures and sizes (APPNOTE 4.3.14–4.3.16).
const EOCD_SIG: [u8; 4] = *b"PK\x05\x06";
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR_SIG: [u8; 4] = *b"PK\x06\x07";
const ZIP64_LOCATOR_LEN: usize = 20;
const ZIP64_EOCD_SIG: [u8; 4] = *b"PK\x06\x06";
/// The archive comment is at most 65,535 bytes, so the record is within this of the end.
const EOCD_SEARCH: usize = EOCD_LEN + 65_535;

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?)))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Reads the entry count the archive declares, straight from its end record, so a count of
/// millions is refused before any parser allocates for it.
fn precheck_end_record(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let tail_start = bytes.len().saturating_sub(EOCD_SEARCH);
    let Some(eocd) =
        (tail_start..=bytes.len().saturating_sub(EOCD_LEN)).rev().find(|&i| bytes.get(i..i + 4) == Some(&EOCD_SIG[..]))
    else {
        return Err(SheetError::malformed("the ZIP archive is truncated (no end record)"));
    };
    let mut count = u16_at(bytes, eocd + 10).unwrap_or(0);
    // 0xFFFF means "see the ZIP64 end record", which a locator just before this record points to.
    if count == 0xFFFF
        && let Some(locator) = eocd.checked_sub(ZIP64_LOCATOR_LEN)
        && bytes.get(locator..locator + 4) == Some(&ZIP64_LOCATOR_SIG[..])
        && let Some(offset) = u64_at(bytes, locator + 8).and_then(|o| usize::try_from(o).ok())
        && bytes.get(offset..offset.saturating_add(4)) == Some(&ZIP64_EOCD_SIG[..])
    {
        count = u64_at(bytes, offset + 32).unwrap_or(u64::MAX);
    }
    if count > limits.max_zip_entries as u64 {
        return Err(SheetError::TooManyEntries { count, max: limits.max_zip_entries });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_names_are_refused() {
        for bad in ["../evil", "xl/../../evil", "/etc/passwd", "\\x", "C:\\x", "a\\..\\b", "a\0b"] {
            assert_eq!(check_name(bad).map_err(|e| e.code()), Err("malformed_file"), "{bad}");
        }
        for good in ["xl/worksheets/sheet1.xml", "[Content_Types].xml", "a..b/c", "mimetype"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn end_record_count_is_read_before_parsing() {
        let mut eocd = vec![0u8; 100];
        eocd.extend_from_slice(&EOCD_SIG);
        eocd.extend_from_slice(&[0, 0, 0, 0]);
        eocd.extend_from_slice(&60_000u16.to_le_bytes());
        eocd.extend_from_slice(&60_000u16.to_le_bytes());
        eocd.extend_from_slice(&[0; 10]);
        let err = precheck_end_record(&eocd, &Limits::default()).unwrap_err();
        assert_eq!(err, SheetError::TooManyEntries { count: 60_000, max: 10_000 });
        assert_eq!(precheck_end_record(b"PK\x03\x04 no end", &Limits::default()).map_err(|e| e.code()), Err("malformed_file"));
    }
}

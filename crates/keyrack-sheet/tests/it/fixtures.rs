//! Files written by another program: LibreOffice Calc converted our CSV export to XLSX and
//! ODS (`tests/fixtures/make.sh`). Reading them must give the same people as the CSV, which
//! checks the cross-program half of "re-importing an export changes nothing".

use std::fs;
use std::path::PathBuf;

use keyrack_sheet::{Format, Limits, read_table, write_csv, write_xlsx};

use crate::common::{expected, people};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// make.sh sets this to refresh the files it converts.
fn refreshing() -> bool {
    std::env::var_os("KEYRACK_SHEET_WRITE_FIXTURES").is_some()
}

#[test]
fn csv_fixture_is_the_writers_output() {
    let bytes = write_csv(&people(), b',');
    let path = fixture("people.csv");
    if refreshing() {
        fs::write(&path, &bytes).unwrap();
    }
    assert_eq!(fs::read(&path).unwrap(), bytes, "stale fixture: run tests/fixtures/make.sh");
}

/// LibreOffice keeps every value, the neutralising `'` included (it imports `'=x` from CSV as
/// the text `'=x`, which the reader turns back into `=x`), except that it stores a line break
/// inside a cell as LF: `\r\n` comes back as `\n`. Names and e-mails cannot hold line breaks,
/// so for real people nothing changes.
#[test]
fn libreoffice_xlsx_and_ods_read_like_the_csv() {
    let (headers, rows) = expected(&people());
    let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.into_iter().map(|c| c.replace("\r\n", "\n")).collect()).collect();
    for (name, format) in [("people.xlsx", Format::Xlsx), ("people.ods", Format::Ods)] {
        let bytes = fs::read(fixture(name)).unwrap();
        let table = read_table(&bytes, Some(name), &Limits::default()).unwrap();
        assert_eq!(table.format, format, "{name}");
        assert_eq!(table.headers, headers, "{name}");
        for (got, want) in table.rows.iter().zip(&rows) {
            assert_eq!(got, want, "{name}");
        }
        assert_eq!(table.rows.len(), rows.len(), "{name}");
    }
}

/// Our XLSX export as LibreOffice saves it as ODS: its quote-prefix cells (`=…`, `+31…`) come
/// back as the same text, and the `''=…` cell as `'=…`.
#[test]
fn our_xlsx_saved_as_ods_by_libreoffice_reads_back() {
    let bytes = write_xlsx(&people()).unwrap();
    if refreshing() {
        // Not committed (rust_xlsxwriter stamps the time into it); make.sh converts it.
        fs::write(fixture("people-export.xlsx"), &bytes).unwrap();
    }
    let (headers, rows) = expected(&people());
    let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.into_iter().map(|c| c.replace("\r\n", "\n")).collect()).collect();
    let ods = fs::read(fixture("people-export.ods")).unwrap();
    let table = read_table(&ods, None, &Limits::default()).unwrap();
    assert_eq!(table.format, Format::Ods);
    assert_eq!(table.headers, headers);
    assert_eq!(table.rows, rows);
}

//! G.31: what the writers produce reads back unchanged, formula cells included, for arbitrary
//! text (property tests) and for the hand-picked hostile names.

use keyrack_sheet::{Column, ExportRow, Format, Limits, formula, map_headers, read_table, write_csv, write_xlsx};
use proptest::prelude::*;

use crate::common::{expected, people};

/// Text that stresses every rule: formula characters, quotes, delimiters, line breaks, NUL,
/// `'`, Excel's `_xHHHH_` escapes, XML syntax, a BOM character and anything Unicode.
fn cell() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        3 => any::<char>().prop_map(String::from),
        2 => prop::sample::select(vec![
            "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "\0", "'", "''", "\"", ";", ",", "|",
            " ", "é", "ș", "€", "_x0041_", "_x000D_", "_x005F_", "&amp;", "<t>", "]]>", "\u{feff}",
            "\u{fffe}", "\u{1f600}", "=1+2", "\";=1+2",
        ])
        .prop_map(String::from),
        1 => "[a-zA-Z0-9@.]{1,12}",
    ];
    prop::collection::vec(fragment, 0..10).prop_map(|parts| parts.concat())
}

fn export_row() -> impl Strategy<Value = ExportRow> {
    prop::collection::vec(cell(), 14).prop_map(|c| {
        let mut c = c.into_iter();
        let mut next = || c.next().unwrap_or_default();
        ExportRow {
            id: next(),
            username: next(),
            kind: next(),
            salutation: next(),
            first_name: next(),
            last_name: next(),
            email: next(),
            phone: next(),
            language: next(),
            access: next(),
            role: next(),
            branches: next(),
            permissions: next(),
            notifications: next(),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn csv_round_trips(
        rows in prop::collection::vec(export_row(), 0..6),
        delimiter in prop::sample::select(vec![b',', b';', b'\t']),
    ) {
        let bytes = write_csv(&rows, delimiter);
        let table = read_table(&bytes, Some("people.csv"), &Limits::default()).unwrap();
        let (headers, want) = expected(&rows);
        prop_assert_eq!(table.format, Format::Csv { delimiter, encoding: "UTF-8" });
        prop_assert_eq!(table.headers, headers);
        prop_assert_eq!(table.rows, want);
    }

    #[test]
    fn xlsx_round_trips(rows in prop::collection::vec(export_row(), 0..6)) {
        let bytes = write_xlsx(&rows).unwrap();
        let table = read_table(&bytes, Some("people.xlsx"), &Limits::default()).unwrap();
        let (headers, want) = expected(&rows);
        prop_assert_eq!(table.format, Format::Xlsx);
        prop_assert_eq!(table.headers, headers);
        prop_assert_eq!(table.rows, want);
    }

    #[test]
    fn neutralising_is_inverted_exactly(value in cell()) {
        let csv = formula::neutralise_csv(&value);
        prop_assert_eq!(formula::strip_neutraliser(&csv), value.as_str());
        let (stored, _) = formula::neutralise_xlsx(&value);
        prop_assert_eq!(formula::strip_neutraliser(&stored), value.as_str());
    }
}

#[test]
fn hostile_names_survive_csv_in_every_delimiter() {
    let rows = people();
    for delimiter in [b',', b';', b'\t'] {
        let bytes = write_csv(&rows, delimiter);
        let text = String::from_utf8(bytes.clone()).unwrap();
        // Neutralised on the way out…
        assert!(text.contains("'=HYPERLINK"), "{text}");
        assert!(text.contains("'@SUM"), "{text}");
        assert!(text.contains("'-2+3"), "{text}");
        assert!(text.contains("'+31 6 1234 5678"), "{text}");
        assert!(text.contains("''=already quoted"), "{text}");
        assert!(!text.contains("''quote but harmless"), "{text}");
        // …and back exactly on the way in.
        let table = read_table(&bytes, None, &Limits::default()).unwrap();
        let (headers, want) = expected(&rows);
        assert_eq!(table.headers, headers);
        assert_eq!(table.rows, want);
        assert_eq!(table.row_numbers.len(), rows.len());
    }
}

#[test]
fn hostile_names_survive_xlsx() {
    let rows = people();
    let bytes = write_xlsx(&rows).unwrap();
    let table = read_table(&bytes, None, &Limits::default()).unwrap();
    let (headers, want) = expected(&rows);
    assert_eq!(table.headers, headers);
    assert_eq!(table.rows, want);
    assert_eq!(table.header_row, 1);
    assert_eq!(table.row_numbers, [2, 3, 4, 5]);
}

#[test]
fn an_export_re_imports_as_the_same_people() {
    // What the import service will do: map the headers, then read each column back.
    let rows = people();
    for bytes in [write_csv(&rows, b';'), write_xlsx(&rows).unwrap()] {
        let table = read_table(&bytes, None, &Limits::default()).unwrap();
        let map = map_headers(&table.headers).unwrap();
        assert!(map.warnings.is_empty());
        for (row, person) in table.rows.iter().zip(&rows) {
            for column in Column::ALL {
                assert_eq!(map.get(row, column), Some(person.cell(column)), "{column}");
            }
        }
    }
}

#[test]
fn an_empty_export_is_a_header_row() {
    for bytes in [write_csv(&[], b','), write_xlsx(&[]).unwrap()] {
        let table = read_table(&bytes, None, &Limits::default()).unwrap();
        assert_eq!(table.headers.len(), Column::ALL.len());
        assert!(table.rows.is_empty());
    }
}

#[test]
fn typed_xlsx_cells_read_as_the_text_a_person_sees() {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, header) in ["email", "phone", "rate", "since", "at", "active"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "ann@x.test").unwrap();
    sheet.write_number(1, 1, 31_612_345_678.0).unwrap();
    sheet.write_number(1, 2, 2.5).unwrap();
    sheet.write_number_with_format(1, 3, 45_292.0, &CellFormat::new().set_num_format("dd/mm/yyyy")).unwrap();
    sheet.write_number_with_format(1, 4, 45_292.75, &CellFormat::new().set_num_format("dd/mm/yyyy hh:mm")).unwrap();
    sheet.write_boolean(1, 5, true).unwrap();
    let table = read_table(&workbook.save_to_buffer().unwrap(), None, &Limits::default()).unwrap();
    assert_eq!(table.rows, [["ann@x.test", "31612345678", "2.5", "2024-01-01", "2024-01-01T18:00:00", "TRUE"]]);
}

#[test]
fn typed_ods_cells_read_as_the_text_a_person_sees() {
    use crate::common::{ods_cell, raw_ods};
    let typed = r#"<table:table-cell office:value-type="float" office:value="31612345678"/><table:table-cell office:value-type="date" office:date-value="2024-01-05"/><table:table-cell office:value-type="boolean" office:boolean-value="false"/>"#;
    let ods = raw_ods(&format!(
        r#"<table:table table:name="S"><table:table-row>{}{}{}{}</table:table-row><table:table-row>{}{typed}</table:table-row></table:table>"#,
        ods_cell("email"),
        ods_cell("phone"),
        ods_cell("since"),
        ods_cell("active"),
        ods_cell("ann@x.test"),
    ));
    let table = read_table(&ods, None, &Limits::default()).unwrap();
    assert_eq!(table.format, Format::Ods);
    assert_eq!(table.rows, [["ann@x.test", "31612345678", "2024-01-05", "FALSE"]]);
}

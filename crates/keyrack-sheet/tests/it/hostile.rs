//! G.32: hostile files are refused with a clear code, in bounded time and memory, and
//! never panic. Each case builds its file here, so the attack is visible next to the check.
//! Time and peak memory, measured with `/usr/bin/time -v`, are recorded in the module docs of
//! `src/decode/mod.rs` ("Measured cost").

use std::time::{Duration, Instant};

use keyrack_sheet::{Limits, SheetError, Table, read_table, write_xlsx};
use proptest::prelude::*;

use crate::common::{
    SHEET_HEAD, declare_size, inline_sheet, ods_cell, ods_document, ods_with_content, people, raw_ods, raw_xlsx, strings,
    xlsx_entries, zip_entries, zip_of,
};

/// Reads with default limits and checks the time bound every hostile case must meet.
fn read(bytes: &[u8]) -> Result<Table, SheetError> {
    read_with(bytes, &Limits::default())
}

fn read_with(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    let start = Instant::now();
    let result = read_table(bytes, None, limits);
    // The slowest case takes about 1 s in a debug build; the bound leaves room for a CI machine
    // busy with other builds, while a hang or a quadratic blow-up would take hours.
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
    result
}

fn code(result: Result<Table, SheetError>) -> &'static str {
    match result {
        Ok(table) => panic!("accepted a hostile file: {} rows", table.rows.len()),
        Err(e) => e.code(),
    }
}

/// Letters from a fixed pseudo-random sequence: text that does not compress, so a size test
/// is not mistaken for a zip bomb.
fn noise(len: usize) -> String {
    let mut state: u32 = 0x2545_f491;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            char::from(b'a' + (state % 26) as u8)
        })
        .collect()
}

fn valid_xlsx() -> Vec<u8> {
    raw_xlsx(&inline_sheet(&[strings(&["id", "email"]), strings(&["1", "a@x.test"])]), None)
}

/// Found by `scripts/fuzz`: calamine computes with a damaged `<dimension>` (corners in the wrong
/// order) and with cell references whose row number does not fit in 32 bits without checking
/// for overflow. Where overflow checks are on (test builds) that panics, and the reader answers
/// a damaged file; in a release build the numbers wrap and the limits catch what follows. Either
/// way: never a panic out of `read_table`.
#[test]
fn numbers_that_overflow_inside_the_parser_are_a_damaged_file() {
    let sheet = inline_sheet(&[strings(&["id", "email"]), strings(&["1", "a@x.test"])]);
    let reversed = sheet.replacen("<sheetData>", "<dimension ref=\"K7:O5\"/><sheetData>", 1);
    let huge_row = sheet.replacen("r=\"B2\"", "r=\"B99999999999\"", 1);
    assert_ne!(huge_row, sheet);
    for xml in [reversed, huge_row] {
        let result = read(&raw_xlsx(&xml, None));
        if cfg!(debug_assertions) {
            assert_eq!(code(result), "malformed_file");
        }
    }
}

// ---------------------------------------------------------------- archives

#[test]
fn deflated_zeros_are_a_zip_bomb() {
    // 8 MiB of zeros deflate to about 8 KiB: ratio ~1000, twice the 500 allowed.
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let mut entries = xlsx_entries(&inline_sheet(&[strings(&["id"]), strings(&["1"])]));
    entries.push(("xl/media/padding.bin".to_owned(), zeros));
    let bomb = zip_entries(&entries);
    assert!(bomb.len() < 64 * 1024, "the bomb should be tiny: {}", bomb.len());
    match read(&bomb) {
        Err(SheetError::ZipBomb { detail }) => assert!(detail.contains("padding.bin"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_sheet_that_declares_an_enormous_size_is_refused_unread() {
    // The G.32 "1 MB → 2 GB" case without spending 2 GB: the central directory says 4 GB.
    let mut xlsx = valid_xlsx();
    declare_size(&mut xlsx, "xl/worksheets/sheet1.xml", 0xFFFF_0000);
    assert_eq!(code(read(&xlsx)), "zip_bomb");
}

#[test]
fn the_sum_of_declared_sizes_is_limited_too() {
    let limits = Limits { max_uncompressed_bytes: 4096, ..Limits::default() };
    let sheet = inline_sheet(&[strings(&["id"]), strings(&[&noise(3000)])]);
    let xlsx = raw_xlsx(&sheet, Some(&format!("<sst>{}</sst>", noise(3000))));
    assert_eq!(code(read_with(&xlsx, &limits)), "zip_bomb");
}

#[test]
fn an_entry_that_inflates_past_its_declared_size_is_stopped() {
    // Declares 1,000 bytes (passes every check) but holds 2 MB of rows: the zip crate stops
    // reading at the declared size, so memory stays bounded by what was checked.
    let rows: Vec<Vec<String>> = (0..20_000).map(|i| vec![format!("{i}"), noise(80)]).collect();
    let mut xlsx = raw_xlsx(&inline_sheet(&rows), None);
    declare_size(&mut xlsx, "xl/worksheets/sheet1.xml", 1000);
    assert_eq!(code(read(&xlsx)), "zip_bomb");
}

#[test]
fn more_than_ten_thousand_entries_are_refused() {
    let names: Vec<String> = (0..20_000).map(|i| format!("xl/media/f{i:05}.bin")).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let sheet = inline_sheet(&[strings(&["id"])]);
    entries.push(("xl/workbook.xml", b"<workbook/>"));
    entries.push(("xl/worksheets/sheet1.xml", sheet.as_bytes()));
    let archive = zip_of(&entries, &[]);
    match read(&archive) {
        Err(SheetError::TooManyEntries { count, max }) => assert_eq!((count, max), (20_002, 10_000)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn entry_names_that_leave_the_archive_are_refused() {
    for evil in ["../evil", "xl/../../evil.xml", "/etc/cron.d/x", "..\\evil.bat"] {
        let sheet = inline_sheet(&[strings(&["id"])]);
        let archive = zip_of(
            &[("xl/workbook.xml", b"<workbook/>".as_slice()), (evil, b"x"), ("xl/worksheets/sheet1.xml", sheet.as_bytes())],
            &[],
        );
        match read(&archive) {
            Err(SheetError::Malformed { detail }) => assert!(detail.contains("outside"), "{detail}"),
            other => panic!("{evil}: {other:?}"),
        }
    }
}

#[test]
fn other_zip_and_binary_formats_are_named() {
    let docx = zip_of(&[("word/document.xml", b"<w:document/>".as_slice())], &[]);
    let xlsb = zip_of(&[("xl/workbook.bin", b"\0".as_slice())], &[]);
    let odt =
        zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text".as_slice()), ("content.xml", b"<x/>")], &["mimetype"]);
    let plain_zip = zip_of(&[("readme.txt", b"hi".as_slice())], &[]);
    for (what, bytes) in [("docx", docx), ("xlsb", xlsb), ("odt", odt), ("zip", plain_zip)] {
        assert_eq!(code(read(&bytes)), "unsupported_format", "{what}");
    }
    let ole2 = [&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..], &[0u8; 512]].concat();
    assert_eq!(code(read(&ole2)), "unsupported_format");
    assert_eq!(code(read(b"%PDF-1.7\n%\xE2\xE3\n1 0 obj")), "unsupported_format");
    assert_eq!(code(read(b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0")), "unsupported_format");
    assert_eq!(code(read(b"")), "empty_file");
    assert_eq!(code(read(b"\xEF\xBB\xBF \r\n\t\r\n")), "empty_file");
    assert_eq!(code(read_table(b"id,email\n", Some("x.xlsx"), &Limits::default())), "malformed_file");
    let big = vec![b'a'; Limits::default().max_bytes + 1];
    assert_eq!(code(read(&big)), "file_too_large");
}

#[test]
fn a_truncated_workbook_is_malformed() {
    let xlsx = write_xlsx(&people()).unwrap();
    for cut in [10, xlsx.len() / 2, xlsx.len() - 10] {
        assert_eq!(code(read(&xlsx[..cut])), "malformed_file", "cut at {cut}");
    }
}

// ---------------------------------------------------------------- XML attacks

fn shared_string_sheet() -> String {
    format!(
        "{SHEET_HEAD}<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>email</t></is></c></row>\
         <row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>"
    )
}

#[test]
fn xxe_in_shared_strings_is_not_expanded() {
    let sst = r#"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>"#;
    let xlsx = raw_xlsx(&shared_string_sheet(), Some(sst));
    // calamine resolves only the predefined entities: the unknown one is a parse error.
    assert_eq!(code(read(&xlsx)), "malformed_file");
}

#[test]
fn xxe_in_the_sheet_is_not_expanded() {
    let sheet = r#"<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"#;
    assert_eq!(code(read(&raw_xlsx(sheet, None))), "malformed_file");
}

#[test]
fn billion_laughs_is_not_expanded() {
    let mut dtd = String::from(r#"<!ENTITY lol0 "lollollollollollollollollollol">"#);
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        dtd.push_str(&format!(r#"<!ENTITY lol{i} "{refs}">"#));
    }
    let sst = format!(
        r#"<?xml version="1.0"?><!DOCTYPE sst [{dtd}]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>"#
    );
    let xlsx = raw_xlsx(&shared_string_sheet(), Some(&sst));
    assert_eq!(code(read(&xlsx)), "malformed_file");

    let content = format!(
        r#"<?xml version="1.0"?><!DOCTYPE office:document-content [{dtd}]>{}"#,
        ods_document(&format!(
            r#"<table:table table:name="S"><table:table-row>{}</table:table-row></table:table>"#,
            ods_cell("&lol9;")
        ))
    );
    assert_eq!(code(read(&ods_with_content(&content))), "malformed_file");
}

#[test]
fn duplicate_attributes_and_namespace_floods_finish_quickly() {
    // The quick-xml advisories: a duplicate-attribute check and namespace resolution that are
    // quadratic in the attribute count. 200,000 of each, in a ~4 MB sheet.
    // Values from `noise` so the sheet does not compress like a zip bomb and reaches the parser.
    let values = noise(6 * 200_000);
    let dup_attrs: String = values.as_bytes().chunks(6).map(|v| format!(" x=\"{}\"", String::from_utf8_lossy(v))).collect();
    let sheet = format!(
        "{SHEET_HEAD}<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"{dup_attrs}><is><t>email</t></is></c></row>\
         <row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>a@x.test</t></is></c></row></sheetData></worksheet>"
    );
    // calamine reads the attributes it knows and ignores the rest, duplicates included.
    assert_eq!(read(&raw_xlsx(&sheet, None)).unwrap().rows, [strings(&["a@x.test"])]);

    let ns: String = (0..200_000).map(|i| format!(" xmlns:n{i}=\"urn:x:{i}\"")).collect();
    let sheet = format!(
        "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"{ns}>\
         <sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>email</t></is></c></row></sheetData></worksheet>"
    );
    assert_eq!(read(&raw_xlsx(&sheet, None)).unwrap().headers, ["email"]);

    let ods_attrs = " table:number-columns-repeated=\"1\"".repeat(200_000);
    let content = format!(
        "<table:table table:name=\"S\"><table:table-row><table:table-cell{ods_attrs} office:value-type=\"string\"><text:p>email</text:p></table:table-cell></table:table-row></table:table>"
    );
    // The ODS pre-scan counts attribute values as cell text (calamine copies some of them), so
    // 200,000 attributes make a cell too long, found in one linear pass.
    assert_eq!(code(read(&raw_ods(&content))), "cell_too_long");
}

const SST_HEAD: &str = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;

#[test]
fn a_declared_shared_string_count_cannot_abort_the_process() {
    // calamine reserves `uniqueCount` strings up front: 10^11 is a 2.4 TB allocation, and a
    // failed allocation aborts the whole server. It must be refused before calamine runs; if
    // it were not, this test binary would die with SIGABRT.
    let sst = format!(r#"{SST_HEAD} count="1" uniqueCount="100000000000"><si><t>x</t></si></sst>"#);
    let sheet = inline_sheet(&[strings(&["email"])]);
    assert_eq!(code(read(&raw_xlsx(&sheet, Some(&sst)))), "malformed_file");

    // calamine finds the part case-insensitively, so the check must too.
    let mut entries = xlsx_entries(&sheet);
    entries.push(("XL/SHAREDSTRINGS.XML".to_owned(), sst.into_bytes()));
    assert_eq!(code(read(&zip_entries(&entries))), "malformed_file");
}

#[test]
fn shared_strings_beyond_the_cell_limit_are_refused() {
    let limits = Limits { max_cells: 1000, ..Limits::default() };
    let items: String = (0..1001).map(|i| format!("<si><t>s{i}</t></si>")).collect();
    // The declared counts lie low; the records are counted.
    let sst = format!(r#"{SST_HEAD} count="1" uniqueCount="1">{items}</sst>"#);
    let sheet = inline_sheet(&[strings(&["email"])]);
    assert_eq!(code(read_with(&raw_xlsx(&sheet, Some(&sst)), &limits)), "too_many_cells");
}

#[test]
fn one_shared_string_cannot_fill_memory_through_many_cells() {
    // Each `<c t="s"><v>0</v></c>` is 20 bytes of XML and 9,000 characters of text.
    let limits = Limits { max_uncompressed_bytes: 10 * 1024 * 1024, ..Limits::default() };
    let sst = format!(r#"{SST_HEAD} count="1" uniqueCount="1"><si><t>{}</t></si></sst>"#, noise(9000));
    let cells: String = (1..=2000).map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#)).collect();
    let sheet = format!("{SHEET_HEAD}<sheetData>{cells}</sheetData></worksheet>");
    match read_with(&raw_xlsx(&sheet, Some(&sst)), &limits) {
        Err(SheetError::ZipBomb { detail }) => assert!(detail.contains("bytes of text"), "{detail}"),
        other => panic!("{:?}", other.map(|t| t.rows.len())),
    }
}

#[test]
fn a_style_record_flood_is_refused() {
    // calamine copies the font, fill and border into every `xf`: measured, 1,000,000 of them
    // (a 565 KB file) took 1.3 GB and 3.4 s to open. Excel allows 64,000.
    let xfs: String = (0..70_000).map(|i| format!(r#"<xf numFmtId="{}" fontId="0"/>"#, i % 7)).collect();
    let styles = format!(
        r#"<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><name val="Calibri"/></font></fonts><cellXfs>{xfs}</cellXfs></styleSheet>"#
    );
    let mut entries = xlsx_entries(&inline_sheet(&[strings(&["email"])]));
    entries.push(("xl/styles.xml".to_owned(), styles.into_bytes()));
    match read(&zip_entries(&entries)) {
        Err(SheetError::Malformed { detail }) => assert!(detail.contains("xf records"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_shared_string_index_out_of_range_is_not_a_panic() {
    let sheet = format!(
        "{SHEET_HEAD}<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>\
         <row r=\"2\"><c r=\"A2\" t=\"s\"><v>4294967295</v></c></row></sheetData></worksheet>"
    );
    let sst = format!(r#"{SST_HEAD} count="1" uniqueCount="1"><si><t>email</t></si></sst>"#);
    // calamine reads a missing shared string as empty or as an error; either is fine here.
    if let Ok(table) = read(&raw_xlsx(&sheet, Some(&sst))) {
        assert_eq!(table.headers, ["email"]);
        assert!(table.rows.iter().flatten().all(String::is_empty));
    }
}

// ---------------------------------------------------------------- limits

#[test]
fn rows_over_the_limit_are_refused_in_every_format() {
    let limits = Limits { max_rows: 1000, ..Limits::default() };
    let mut csv = String::from("id,email\n");
    for i in 0..1001 {
        csv.push_str(&format!("{i},p{i}@x.test\n"));
    }
    assert_eq!(code(read_with(csv.as_bytes(), &limits)), "too_many_rows");
    // Exactly at the limit is fine.
    let at_limit: String = csv.lines().take(1001).map(|l| format!("{l}\n")).collect();
    assert_eq!(read_with(at_limit.as_bytes(), &limits).unwrap().rows.len(), 1000);

    let mut rows = vec![strings(&["id", "email"])];
    rows.extend((0..1001).map(|i| vec![format!("{i}"), format!("p{i}@x.test")]));
    assert_eq!(code(read_with(&raw_xlsx(&inline_sheet(&rows), None), &limits)), "too_many_rows");

    let ods_rows: String = rows
        .iter()
        .map(|r| format!("<table:table-row>{}</table:table-row>", r.iter().map(|c| ods_cell(c)).collect::<String>()))
        .collect();
    let ods = raw_ods(&format!("<table:table table:name=\"S\">{ods_rows}</table:table>"));
    assert_eq!(code(read_with(&ods, &limits)), "too_many_rows");
}

#[test]
fn the_default_row_limit_holds_for_a_real_sized_csv() {
    let mut csv = String::from("id;email\n");
    for i in 0..=Limits::default().max_rows {
        csv.push_str(&format!("{i};p{i}@x.test\n"));
    }
    assert_eq!(code(read(csv.as_bytes())), "too_many_rows");
}

#[test]
fn far_away_cells_cost_nothing_and_wide_sheets_are_refused() {
    // A1 and XFD1048576: calamine's Range would allocate 17 billion cells.
    let sheet = format!(
        "{SHEET_HEAD}<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>email</t></is></c></row>\
         <row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData></worksheet>"
    );
    assert_eq!(code(read(&raw_xlsx(&sheet, None))), "too_many_columns");

    // Far down but narrow is just two rows, numbered as the person sees them.
    let sheet = format!(
        "{SHEET_HEAD}<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>email</t></is></c></row>\
         <row r=\"1048576\"><c r=\"A1048576\" t=\"inlineStr\"><is><t>a@x.test</t></is></c></row></sheetData></worksheet>"
    );
    let table = read(&raw_xlsx(&sheet, None)).unwrap();
    assert_eq!(table.row_numbers, [1_048_576]);

    let wide = format!("{}\n", vec!["h"; 300].join(","));
    assert_eq!(code(read(wide.as_bytes())), "too_many_columns");
}

#[test]
fn cells_over_the_limit_are_refused() {
    let limits = Limits { max_cells: 10_000, ..Limits::default() };
    let mut csv = String::new();
    for _ in 0..200 {
        csv.push_str(&vec!["v"; 100].join(","));
        csv.push('\n');
    }
    assert_eq!(code(read_with(csv.as_bytes(), &limits)), "too_many_cells");
    // Sparse rows that reach far right: few cells on disk, many in the table.
    let mut csv = String::from("id\n");
    for _ in 0..200 {
        csv.push_str(&",".repeat(99));
        csv.push_str("x\n");
    }
    assert_eq!(code(read_with(csv.as_bytes(), &limits)), "too_many_cells");
}

#[test]
fn ods_repeat_bomb_is_refused_before_calamine_expands_it() {
    // A few hundred bytes asking for 1,000,000 × 16,384 cells.
    let content = r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>email</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
    let ods = raw_ods(content);
    assert!(ods.len() < 2048);
    assert_eq!(code(read(&ods)), "too_many_cells");

    // A table nested in a cell must not reset the count of the table around it.
    let nested = content.replacen(
        "<text:p>email</text:p>",
        "<text:p>email</text:p><table:table><table:table-row><table:table-cell/></table:table-row></table:table>",
        1,
    );
    assert_eq!(code(read(&raw_ods(&nested))), "too_many_cells");

    // A hidden second sheet is expanded too when calamine opens the file.
    let hidden =
        format!(r#"<table:table table:name="A"><table:table-row>{}</table:table-row></table:table>{content}"#, ods_cell("email"));
    assert_eq!(code(read(&raw_ods(&hidden))), "too_many_cells");

    // Fewer cells, but each repeats 8 KB of text: 100 × 2,000 × 8 KB = 1.6 GB.
    let text = noise(8 * 1024);
    let content = format!(
        r#"<table:table table:name="S"><table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="2000"><table:table-cell table:number-columns-repeated="100" office:value-type="string"><text:p>{text}</text:p></table:table-cell></table:table-row></table:table>"#,
        ods_cell("email")
    );
    assert_eq!(code(read(&raw_ods(&content))), "zip_bomb");
}

#[test]
fn ods_space_runs_and_attribute_values_count_as_text() {
    // `<text:s text:c="n"/>` is n spaces to calamine: 40 bytes asking for 4 GB.
    let spaces =
        r#"<table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/>b</text:p></table:table-cell>"#;
    let first =
        format!(r#"<table:table table:name="S"><table:table-row>{}{spaces}</table:table-row></table:table>"#, ods_cell("email"));
    match read(&raw_ods(&first)) {
        Err(SheetError::CellTooLong { row, column, .. }) => assert_eq!((row, column), (1, 2)),
        other => panic!("{other:?}"),
    }
    // In a second (hidden) table the row and column mean nothing to the person, but the cost
    // still counts.
    let second = format!(
        r#"<table:table table:name="A"><table:table-row>{}</table:table-row></table:table><table:table table:name="B"><table:table-row>{spaces}</table:table-row></table:table>"#,
        ods_cell("email")
    );
    assert_eq!(code(read(&raw_ods(&second))), "zip_bomb");
    // A value in an attribute is copied into every repeated cell too: 2,000 × 100 × 8 KB.
    let value = noise(8 * 1024);
    let attribute = format!(
        r#"<table:table table:name="S"><table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="2000"><table:table-cell table:number-columns-repeated="100" office:value-type="string" office:string-value="{value}"/></table:table-row></table:table>"#,
        ods_cell("email")
    );
    assert_eq!(code(read(&raw_ods(&attribute))), "zip_bomb");
}

#[test]
fn ods_trailing_empty_repeats_are_fine() {
    // What LibreOffice writes after the data: empty cells and rows repeated to the sheet edge.
    let content = format!(
        r#"<table:table table:name="S"><table:table-row>{}{}<table:table-cell table:number-columns-repeated="16382"/></table:table-row><table:table-row>{}{}<table:table-cell table:number-columns-repeated="16382"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        ods_cell("id"),
        ods_cell("email"),
        ods_cell("1"),
        ods_cell("a@x.test"),
    );
    let table = read(&raw_ods(&content)).unwrap();
    assert_eq!(table.headers, ["id", "email"]);
    assert_eq!(table.rows, [strings(&["1", "a@x.test"])]);
}

#[test]
fn an_ods_as_repetitive_as_libreoffice_writes_it_is_not_a_bomb() {
    // LibreOffice writes identical rows one by one with verbose cells; 100,000 of them measured
    // 180× in content.xml. The ratio limit must leave room for that.
    let cell = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let header: String = ["id", "email", "first_name", "kind"].iter().map(|h| cell(h)).collect();
    let row = format!(
        r#"<table:table-row table:style-name="ro1">{}{}{}<table:table-cell/>{}</table:table-row>"#,
        cell("0190a0b0-0000-7000-8000-000000000000"),
        cell("anne@example.test"),
        cell("Anne"),
        cell("staff")
    );
    let rows = row.repeat(12_000);
    let ods = raw_ods(&format!(r#"<table:table table:name="S"><table:table-row>{header}</table:table-row>{rows}</table:table>"#));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&ods)).unwrap();
    let content = archive.by_name("content.xml").unwrap();
    let ratio = content.size() / content.compressed_size();
    assert!(ratio > 120, "the test file should compress like LibreOffice's (104–180×): {ratio}×");
    drop(content);
    let table = read(&ods).unwrap();
    assert_eq!(table.rows.len(), 12_000);
}

// ---------------------------------------------------------------- CSV attacks

#[test]
fn unterminated_quote_is_an_error_not_a_swallowed_file() {
    let csv = "id,email,first_name\n1,a@x.test,\"Ann\n2,b@x.test,Bob\n3,c@x.test,Cy\n";
    match read(csv.as_bytes()) {
        Err(SheetError::UnterminatedQuote { line }) => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
    // 10 MB of quoted text with no closing quote.
    let mut big = String::from("id,email\n1,\"");
    big.push_str(&"a,\n".repeat(3_500_000));
    assert_eq!(code(read(big.as_bytes())), "unterminated_quote");
}

#[test]
fn a_ten_megabyte_cell_is_refused() {
    let cell = "a".repeat(10 * 1024 * 1024);
    for csv in [format!("id,email\n1,{cell}\n"), format!("id,email\n1,\"{cell}\"\n"), format!("{cell}\n1\n")] {
        match read(csv.as_bytes()) {
            Err(SheetError::CellTooLong { max, .. }) => assert_eq!(max, 10_000),
            other => panic!("{:?}", other.map(|t| t.rows.len())),
        }
    }
    // The same in an XLSX, with text that does not compress (so it is not a zip bomb).
    let big = noise(10 * 1024 * 1024);
    let sheet = inline_sheet(&[strings(&["id", "email"]), vec!["1".into(), big.clone()]]);
    match read(&raw_xlsx(&sheet, None)) {
        Err(SheetError::CellTooLong { row, column, .. }) => assert_eq!((row, column), (2, 2)),
        other => panic!("{:?}", other.map(|t| t.rows.len())),
    }
    // And in an ODS, where the pre-scan stops it before calamine copies it.
    let content = format!(
        r#"<table:table table:name="S"><table:table-row>{}{}</table:table-row><table:table-row>{}{}</table:table-row></table:table>"#,
        ods_cell("id"),
        ods_cell("email"),
        ods_cell("1"),
        ods_cell(&big)
    );
    match read(&raw_ods(&content)) {
        Err(SheetError::CellTooLong { row, column, .. }) => assert_eq!((row, column), (2, 2)),
        other => panic!("{:?}", other.map(|t| t.rows.len())),
    }
}

#[test]
fn characters_not_bytes_are_counted() {
    let limits = Limits { max_cell_chars: 5, ..Limits::default() };
    let table = read_with("email\néééée\n".as_bytes(), &limits).unwrap();
    assert_eq!(table.rows, [strings(&["éééée"])]);
    assert_eq!(code(read_with("email\néééééé\n".as_bytes(), &limits)), "cell_too_long");
}

#[test]
fn utf16_without_bom_and_broken_utf16_never_panic() {
    let text = "id\temail\r\n1\tzoë@x.test\r\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let table = read(&le).unwrap();
    assert_eq!(table.rows, [strings(&["1", "zoë@x.test"])]);
    // Odd length and an unpaired surrogate after a BOM: refused, not replaced with U+FFFD.
    assert_eq!(code(read(&le[..le.len() - 1])), "malformed_file");
    let mut bad = vec![0xFF, 0xFE];
    bad.extend_from_slice(&le);
    bad.extend_from_slice(&[0x00, 0xD8, b'x', 0]);
    assert_eq!(code(read(&bad)), "malformed_file");
}

#[test]
fn an_empty_first_sheet_has_no_header() {
    let sheet = format!("{SHEET_HEAD}<sheetData/></worksheet>");
    assert_eq!(code(read(&raw_xlsx(&sheet, None))), "no_header");
    assert_eq!(code(read(&raw_ods(r#"<table:table table:name="S"/>"#))), "no_header");
}

// ---------------------------------------------------------------- fuzzing

fn mutate(mut bytes: Vec<u8>, flips: &[(usize, u8)], cut: usize) -> Vec<u8> {
    for &(at, value) in flips {
        if !bytes.is_empty() {
            let i = at % bytes.len();
            bytes[i] = value;
        }
    }
    bytes.truncate(bytes.len().saturating_sub(cut));
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Damaged files of every format give a result or a refusal, never a panic or a hang.
    #[test]
    fn damaged_files_never_panic(
        format in 0usize..3,
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in prop_oneof![3 => Just(0usize), 1 => 0usize..4000],
    ) {
        let rows = people();
        let original = match format {
            0 => write_xlsx(&rows).unwrap(),
            1 => {
                let cells: String = rows
                    .iter()
                    .map(|r| format!("<table:table-row>{}{}</table:table-row>", ods_cell(&r.id), ods_cell(&r.email)))
                    .collect();
                raw_ods(&format!("<table:table table:name=\"S\">{cells}</table:table>"))
            }
            _ => keyrack_sheet::write_csv(&rows, b';'),
        };
        let damaged = mutate(original, &flips, cut);
        let _ = read(&damaged);
    }
}

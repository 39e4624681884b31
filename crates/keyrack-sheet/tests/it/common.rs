//! Fixture builders shared by the integration tests: sample people, hand-made XLSX/ODS
//! archives whose XML the test controls, and ZIP header surgery for lying sizes.

use std::io::{Cursor, Write};

use keyrack_sheet::{Column, ExportRow};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// People whose cells exercise G.31: formula starts, quotes, delimiters, line breaks,
/// non-ASCII, and the `'` rule's edge cases.
pub fn people() -> Vec<ExportRow> {
    vec![
        ExportRow {
            id: "0190a0b0-0000-7000-8000-000000000001".into(),
            username: "annemieke".into(),
            kind: "staff".into(),
            salutation: "mevrouw".into(),
            first_name: "Annemieke".into(),
            last_name: "te Velde".into(),
            email: "atevelde@bedrijf.example".into(),
            phone: "+31 6 1234 5678".into(),
            language: "nl".into(),
            access: "active".into(),
            role: "manager".into(),
            branches: "Gent|Brugge".into(),
            permissions: "clients|reports".into(),
            notifications: "invoices|reminders".into(),
        },
        ExportRow {
            id: "0190a0b0-0000-7000-8000-000000000002".into(),
            username: "=HYPERLINK(\"http://evil.example\";\"klik\")".into(),
            kind: "guest".into(),
            first_name: "@SUM(1+1)*cmd|' /C calc'!A0".into(),
            last_name: "-2+3".into(),
            email: "zoë.ştefănescu@exemplu.example".into(),
            phone: "\t=1+2".into(),
            language: "ro".into(),
            access: "invited".into(),
            branches: "Cluj-Napoca".into(),
            ..ExportRow::default()
        },
        ExportRow {
            id: "0190a0b0-0000-7000-8000-000000000003".into(),
            username: "'=already quoted".into(),
            kind: "owner".into(),
            salutation: "Herr".into(),
            first_name: "Jürgen \"Jo\"".into(),
            last_name: "Müller; Söhne, Töchter".into(),
            email: "jm@firma.example".into(),
            phone: "0612345678".into(),
            language: "de".into(),
            access: "none".into(),
            notifications: "newsletter".into(),
            ..ExportRow::default()
        },
        ExportRow {
            id: "0190a0b0-0000-7000-8000-000000000004".into(),
            first_name: "Line\r\nbreak".into(),
            last_name: "\nleading newline".into(),
            email: "élodie@société.example".into(),
            phone: "'quote but harmless".into(),
            language: "fr".into(),
            access: "blocked".into(),
            role: "staff".into(),
            ..ExportRow::default()
        },
    ]
}

/// The headers and rows [`keyrack_sheet::read_table`] must give back for `rows` written by
/// either writer: every column, `password` empty, all-empty rows dropped.
pub fn expected(rows: &[ExportRow]) -> (Vec<String>, Vec<Vec<String>>) {
    let headers = Column::ALL.iter().map(|c| c.name().to_owned()).collect();
    let rows = rows
        .iter()
        .map(|r| Column::ALL.iter().map(|&c| r.cell(c).to_owned()).collect::<Vec<_>>())
        .filter(|cells| cells.iter().any(|c| !c.is_empty()))
        .collect();
    (headers, rows)
}

pub fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// A ZIP with the given entries, deflated unless `stored`.
pub fn zip_of(entries: &[(&str, &[u8])], stored: &[&str]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if stored.contains(name) { CompressionMethod::Stored } else { CompressionMethod::Deflated };
        let options = SimpleFileOptions::default().compression_method(method).large_file(false);
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

pub const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// The parts of a minimal XLSX (no shared strings, no styles) around a worksheet XML.
pub fn xlsx_entries(sheet_xml: &str) -> Vec<(String, Vec<u8>)> {
    [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ]
    .iter()
    .map(|(name, xml)| ((*name).to_owned(), xml.as_bytes().to_vec()))
    .collect()
}

/// Zips owned entries (see [`xlsx_entries`]), all deflated.
pub fn zip_entries(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    zip_of(&borrowed, &[])
}

/// A minimal XLSX whose worksheet (and optionally shared strings) XML the test writes.
pub fn raw_xlsx(sheet_xml: &str, shared_strings: Option<&str>) -> Vec<u8> {
    let empty_sst = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#;
    let mut entries = xlsx_entries(sheet_xml);
    entries.push(("xl/sharedStrings.xml".to_owned(), shared_strings.unwrap_or(empty_sst).as_bytes().to_vec()));
    zip_entries(&entries)
}

/// A worksheet of inline-string rows, `cells[r][c]` at row r+1.
pub fn inline_sheet(cells: &[Vec<String>]) -> String {
    let mut xml = String::from(SHEET_HEAD);
    xml.push_str("<sheetData>");
    for (r, row) in cells.iter().enumerate() {
        xml.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, value) in row.iter().enumerate() {
            let col = keyrack_sheet::column_letter(c);
            let escaped = value.replace('&', "&amp;").replace('<', "&lt;");
            xml.push_str(&format!(
                "<c r=\"{col}{}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{escaped}</t></is></c>",
                r + 1
            ));
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

const ODS_MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";
const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// A minimal ODS around the given `<table:table>` elements.
pub fn raw_ods(tables: &str) -> Vec<u8> {
    ods_with_content(&format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}", ods_document(tables)))
}

/// The `office:document-content` root element around `<table:table>` elements.
pub fn ods_document(tables: &str) -> String {
    format!(
        r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    )
}

/// A minimal ODS whose whole `content.xml` the test writes.
pub fn ods_with_content(content: &str) -> Vec<u8> {
    zip_of(
        &[
            ("mimetype", ODS_MIMETYPE.as_bytes()),
            ("META-INF/manifest.xml", ODS_MANIFEST.as_bytes()),
            ("content.xml", content.as_bytes()),
        ],
        &["mimetype"],
    )
}

/// An ODS string cell.
pub fn ods_cell(text: &str) -> String {
    format!(r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#)
}

/// Rewrites the declared uncompressed size of `name` in both its local header and its
/// central directory header, leaving the data (and CRC) as they are.
pub fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    let mut i = 0;
    while i + 46 <= zip.len() {
        let sig = &zip[i..i + 4];
        let (name_len_at, name_at, size_at) = if sig == b"PK\x03\x04" {
            (i + 26, i + 30, i + 22)
        } else if sig == b"PK\x01\x02" {
            (i + 28, i + 46, i + 24)
        } else {
            i += 1;
            continue;
        };
        let name_len = u16::from_le_bytes([zip[name_len_at], zip[name_len_at + 1]]) as usize;
        if zip.get(name_at..name_at + name_len) == Some(name.as_bytes()) {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
        i += 4;
    }
    assert_eq!(patched, 2, "{name} not found in both headers");
}

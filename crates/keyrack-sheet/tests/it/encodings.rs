//! CSV as spreadsheets write it: every encoding × every delimiter, quoted line breaks, ragged
//! rows, and the header aliases of all five languages read end to end.

use keyrack_sheet::{Column, Format, Limits, map_headers, read_table};

use crate::common::strings;

const HEADERS: [&str; 5] = ["id", "e-mailadres", "voornaam", "achternaam", "notities"];

/// Rows with quotes, every delimiter inside a value, a line break and a tab inside values, and
/// characters that Windows-1252 can encode (€ is 0x80 there).
fn rows() -> Vec<Vec<&'static str>> {
    vec![
        vec!["1", "zoe@example.test", "Zoë", "van 't Hoff", "café, crème; brûlée"],
        vec!["2", "jm@example.test", "Jürgen", "Müller \"der Große\"", "line one\r\nline two"],
        vec!["3", "x@example.test"],
        vec!["4", "euro@example.test", "François", "Ça\tva", "€ 5"],
    ]
}

fn field(value: &str, delimiter: char) -> String {
    if value.contains([delimiter, '"', '\r', '\n']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value.to_owned() }
}

fn csv_text(delimiter: char) -> String {
    let mut text = String::new();
    let mut line = |cells: &[&str]| {
        let fields: Vec<String> = cells.iter().map(|c| field(c, delimiter)).collect();
        text.push_str(&fields.join(&delimiter.to_string()));
        text.push_str("\r\n");
    };
    line(&HEADERS);
    for row in rows() {
        line(&row);
    }
    text
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = if bom { vec![0xFEFF] } else { Vec::new() };
    for unit in units.into_iter().chain(text.encode_utf16()) {
        out.extend_from_slice(&if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
    }
    out
}

fn encodings(text: &str) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    vec![
        ("UTF-8", text.as_bytes().to_vec(), "UTF-8"),
        ("UTF-8 with BOM", [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(), "UTF-8"),
        ("UTF-16LE with BOM", utf16(text, false, true), "UTF-16LE"),
        ("UTF-16BE with BOM", utf16(text, true, true), "UTF-16BE"),
        ("UTF-16LE without BOM", utf16(text, false, false), "UTF-16LE"),
        ("UTF-16BE without BOM", utf16(text, true, false), "UTF-16BE"),
        ("Windows-1252", cp1252.into_owned(), "windows-1252"),
    ]
}

#[test]
fn every_encoding_with_every_delimiter() {
    let want_rows: Vec<Vec<String>> = rows()
        .into_iter()
        .map(|r| {
            let mut r = strings(&r);
            r.resize(HEADERS.len(), String::new());
            r
        })
        .collect();
    let mut combinations = 0;
    for delimiter in [',', ';', '\t'] {
        let text = csv_text(delimiter);
        for (label, bytes, encoding) in encodings(&text) {
            let table = read_table(&bytes, Some("export.csv"), &Limits::default())
                .unwrap_or_else(|e| panic!("{label} {delimiter:?}: {e}"));
            let format = Format::Csv { delimiter: delimiter as u8, encoding };
            assert_eq!(table.format, format, "{label} {delimiter:?}");
            assert_eq!(table.headers, strings(&HEADERS), "{label} {delimiter:?}");
            assert_eq!(table.rows, want_rows, "{label} {delimiter:?}");
            // Row 2's quoted line break makes row 3 start on line 5.
            assert_eq!(table.row_numbers, [2, 3, 5, 6], "{label} {delimiter:?}");
            combinations += 1;
        }
    }
    assert_eq!(combinations, 21);
}

#[test]
fn blank_and_empty_lines_are_skipped_but_numbered() {
    let text = "\r\nid;email\r\n1;a@x.test\r\n;\r\n\r\n2;b@x.test\r\n;;;\r\n";
    let table = read_table(text.as_bytes(), None, &Limits::default()).unwrap();
    assert_eq!(table.header_row, 2);
    assert_eq!(table.rows, [strings(&["1", "a@x.test"]), strings(&["2", "b@x.test"])]);
    assert_eq!(table.row_numbers, [3, 6]);
}

#[test]
fn a_column_without_header_is_kept_with_an_empty_header() {
    let text = "id,email\n1,a@x.test,note\n2,b@x.test,,\n";
    let table = read_table(text.as_bytes(), None, &Limits::default()).unwrap();
    assert_eq!(table.headers, ["id", "email", ""]);
    assert_eq!(table.rows[0], ["1", "a@x.test", "note"]);
    assert_eq!(table.rows[1], ["2", "b@x.test", ""]);
    let map = map_headers(&table.headers).unwrap();
    assert_eq!(map.warnings[0].code(), "unnamed_column");
}

#[test]
fn mixed_delimiters_follow_the_header() {
    // Header with `;`, a data line someone pasted with `,`: read as one cell, never a panic;
    // the import then reports the row as invalid.
    let text = "id;email;voornaam\n1;a@x.test;Ann\n2,b@x.test,Bob\n";
    let table = read_table(text.as_bytes(), None, &Limits::default()).unwrap();
    assert_eq!(table.format, Format::Csv { delimiter: b';', encoding: "UTF-8" });
    assert_eq!(table.rows[1], ["2,b@x.test,Bob", "", ""]);
}

#[test]
fn tsv_name_prefers_tab_for_a_single_column() {
    let table = read_table(b"email\na@x.test\n", Some("list.tsv"), &Limits::default()).unwrap();
    assert_eq!(table.format, Format::Csv { delimiter: b'\t', encoding: "UTF-8" });
    let table = read_table(b"email\na@x.test\n", Some("list.csv"), &Limits::default()).unwrap();
    assert_eq!(table.format, Format::Csv { delimiter: b',', encoding: "UTF-8" });
}

#[test]
fn text_named_xls_is_read_as_text() {
    // Legacy systems export tab-separated text as `.xls`.
    let table = read_table(b"id\temail\n1\ta@x.test\n", Some("export.xls"), &Limits::default()).unwrap();
    assert_eq!(table.rows, [strings(&["1", "a@x.test"])]);
}

#[test]
fn header_aliases_of_all_five_languages_read_end_to_end() {
    let header_rows: [(&str, &str); 5] = [
        (
            "en",
            "ID;Username;Kind;Salutation;First name;Last name;E-mail;Phone;Language;Access;Role;Branches;Permissions;Notifications;Password",
        ),
        (
            "nl",
            "ID;Gebruikersnaam;Soort;Aanhef;Voornaam;Achternaam;E-mailadres;Telefoon;Taal;Toegang;Rol;Vestigingen;Rechten;Meldingen;Wachtwoord",
        ),
        (
            "de",
            "ID;Benutzername;Art;Anrede;Vorname;Nachname;E-Mail-Adresse;Telefon;Sprache;Zugang;Rolle;Filialen;Berechtigungen;Benachrichtigungen;Passwort",
        ),
        (
            "fr",
            "ID;Nom d'utilisateur;Type;Civilité;Prénom;Nom;Adresse e-mail;Téléphone;Langue;Accès;Rôle;Succursales;Droits;Notifications;Mot de passe",
        ),
        (
            "ro",
            "ID;Nume de utilizator;Tip;Formulă de adresare;Prenume;Nume;Adresă de e-mail;Telefon;Limbă;Acces;Rol;Filiale;Permisiuni;Notificări;Parolă",
        ),
    ];
    for (lang, header) in header_rows {
        let text = format!("{header}\r\n1;u;staff;;A;B;a@x.test;;{lang};active;staff;;;;\r\n");
        // Romanian needs UTF-8 (ș, ă are not in Windows-1252); the others also go through 1252.
        let mut inputs = vec![text.as_bytes().to_vec()];
        let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
        if !unmappable {
            inputs.push(cp1252.into_owned());
        }
        for bytes in inputs {
            let table = read_table(&bytes, None, &Limits::default()).unwrap();
            let map = map_headers(&table.headers).unwrap_or_else(|p| panic!("{lang}: {p:?}"));
            let got: Vec<Column> = map.columns().map(|(_, c)| c).collect();
            assert_eq!(got, Column::ALL, "{lang}");
            assert_eq!(map.get(&table.rows[0], Column::Language), Some(lang));
        }
    }
}

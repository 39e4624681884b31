//! The spreadsheet columns of SPEC §6 and the header names accepted for them in en, nl, de, fr
//! and ro.
//!
//! Headers are matched after normalising both sides: Unicode compatibility decomposition,
//! combining marks (accents, Romanian commas and cedillas) dropped, lower case, and everything
//! that is not a letter or digit removed. So `First Name`, `first_name`, `FIRSTNAME`, `Prénom`
//! and `prenom` all match, and `E-mailadres`, `Nom d'utilisateur` and `Parolă` are written
//! here as a person would label the column. A test checks that no normalised alias belongs to
//! two columns.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// One column of the people spreadsheet, in export order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Id,
    Username,
    Kind,
    Salutation,
    FirstName,
    LastName,
    Email,
    Phone,
    Language,
    Access,
    Role,
    Branches,
    Permissions,
    Notifications,
    Password,
}

/// Separator of the list columns (`branches`, `permissions`, `notifications`).
pub const LIST_SEPARATOR: char = '|';

impl Column {
    /// Every column, in the order of SPEC §6 and of the export.
    pub const ALL: [Column; 15] = [
        Column::Id,
        Column::Username,
        Column::Kind,
        Column::Salutation,
        Column::FirstName,
        Column::LastName,
        Column::Email,
        Column::Phone,
        Column::Language,
        Column::Access,
        Column::Role,
        Column::Branches,
        Column::Permissions,
        Column::Notifications,
        Column::Password,
    ];

    /// The canonical (en) header, as written by the export.
    pub fn name(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::Username => "username",
            Column::Kind => "kind",
            Column::Salutation => "salutation",
            Column::FirstName => "first_name",
            Column::LastName => "last_name",
            Column::Email => "email",
            Column::Phone => "phone",
            Column::Language => "language",
            Column::Access => "access",
            Column::Role => "role",
            Column::Branches => "branches",
            Column::Permissions => "permissions",
            Column::Notifications => "notifications",
            Column::Password => "password",
        }
    }

    /// Whether the cell holds a list separated by [`LIST_SEPARATOR`].
    pub fn is_list(self) -> bool {
        matches!(self, Column::Branches | Column::Permissions | Column::Notifications)
    }

    /// Whether the column can identify an existing person (SPEC §6: by id, username or e-mail).
    pub fn is_identity(self) -> bool {
        matches!(self, Column::Id | Column::Username | Column::Email)
    }

    /// Accepted header names besides [`Column::name`], by language.
    pub fn aliases(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            Column::Id => &[
                ("en", &["ID", "Person ID", "Keyrack ID", "Identifier"]),
                ("nl", &["ID", "Persoons-ID"]),
                ("de", &["ID", "Personen-ID"]),
                ("fr", &["ID", "ID de la personne"]),
                ("ro", &["ID", "Identificator"]),
            ],
            Column::Username => &[
                ("en", &["Username", "User name", "Login", "Login name", "User"]),
                ("nl", &["Gebruikersnaam", "Inlognaam", "Loginnaam", "Gebruiker"]),
                ("de", &["Benutzername", "Kontoname", "Anmeldename", "Benutzer"]),
                // "Identifiant" is what French login forms call the username.
                ("fr", &["Nom d'utilisateur", "Identifiant", "Utilisateur"]),
                ("ro", &["Nume de utilizator", "Nume utilizator", "Utilizator"]),
            ],
            Column::Kind => &[
                ("en", &["Kind", "Type", "Person type"]),
                ("nl", &["Soort", "Type", "Soort persoon"]),
                ("de", &["Art", "Typ", "Personentyp"]),
                ("fr", &["Type", "Type de personne"]),
                ("ro", &["Tip", "Tip persoană"]),
            ],
            Column::Salutation => &[
                ("en", &["Salutation", "Title"]),
                ("nl", &["Aanhef", "Titel"]),
                ("de", &["Anrede"]),
                ("fr", &["Civilité", "Titre"]),
                ("ro", &["Formulă de adresare", "Titlu", "Apelativ"]),
            ],
            Column::FirstName => &[
                ("en", &["First name", "Given name", "Forename"]),
                ("nl", &["Voornaam"]),
                ("de", &["Vorname"]),
                ("fr", &["Prénom"]),
                ("ro", &["Prenume"]),
            ],
            Column::LastName => &[
                ("en", &["Last name", "Surname", "Family name"]),
                ("nl", &["Achternaam", "Familienaam"]),
                ("de", &["Nachname", "Familienname"]),
                ("fr", &["Nom", "Nom de famille"]),
                ("ro", &["Nume", "Nume de familie"]),
            ],
            Column::Email => &[
                ("en", &["E-mail", "Email address", "E-mail address", "Mail"]),
                ("nl", &["E-mail", "E-mailadres", "Emailadres"]),
                ("de", &["E-Mail", "E-Mail-Adresse", "Mail"]),
                ("fr", &["E-mail", "Courriel", "Adresse e-mail", "Adresse électronique", "Adresse mail"]),
                ("ro", &["E-mail", "Adresă de e-mail", "Adresă e-mail"]),
            ],
            Column::Phone => &[
                ("en", &["Phone", "Telephone", "Phone number", "Mobile"]),
                ("nl", &["Telefoon", "Telefoonnummer", "Mobiel", "Mobiel nummer", "GSM"]),
                ("de", &["Telefon", "Telefonnummer", "Mobil", "Mobilnummer", "Handy"]),
                ("fr", &["Téléphone", "Numéro de téléphone", "Tél.", "Portable", "Mobile"]),
                ("ro", &["Telefon", "Număr de telefon", "Mobil"]),
            ],
            Column::Language => &[
                ("en", &["Language", "Locale"]),
                ("nl", &["Taal"]),
                ("de", &["Sprache"]),
                ("fr", &["Langue"]),
                ("ro", &["Limbă"]),
            ],
            Column::Access => &[
                ("en", &["Access", "Access state"]),
                ("nl", &["Toegang"]),
                ("de", &["Zugang", "Zugriff"]),
                ("fr", &["Accès"]),
                ("ro", &["Acces"]),
            ],
            Column::Role => &[("en", &["Role"]), ("nl", &["Rol"]), ("de", &["Rolle"]), ("fr", &["Rôle"]), ("ro", &["Rol"])],
            Column::Branches => &[
                ("en", &["Branches", "Branch", "Locations"]),
                ("nl", &["Filialen", "Filiaal", "Vestigingen", "Vestiging"]),
                ("de", &["Filialen", "Filiale", "Standorte", "Niederlassungen"]),
                ("fr", &["Succursales", "Succursale", "Établissements", "Agences"]),
                ("ro", &["Filiale", "Filială", "Sucursale", "Locații"]),
            ],
            Column::Permissions => &[
                ("en", &["Permissions", "Extra permissions", "Rights"]),
                ("nl", &["Rechten", "Bevoegdheden", "Machtigingen"]),
                ("de", &["Berechtigungen", "Rechte"]),
                ("fr", &["Permissions", "Droits", "Autorisations"]),
                ("ro", &["Permisiuni", "Drepturi"]),
            ],
            Column::Notifications => &[
                ("en", &["Notifications", "E-mail categories", "Subscriptions"]),
                ("nl", &["Meldingen", "Notificaties", "E-mailcategorieën"]),
                ("de", &["Benachrichtigungen", "E-Mail-Kategorien"]),
                ("fr", &["Notifications", "Catégories d'e-mails", "Abonnements"]),
                ("ro", &["Notificări", "Categorii de e-mail"]),
            ],
            Column::Password => &[
                ("en", &["Password"]),
                ("nl", &["Wachtwoord"]),
                ("de", &["Passwort", "Kennwort"]),
                ("fr", &["Mot de passe"]),
                ("ro", &["Parolă"]),
            ],
        }
    }

    /// The column a header names, if any.
    pub fn from_header(header: &str) -> Option<Column> {
        ALIASES.get(&normalise_header(header)).copied()
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Normalised alias → column. Built once; a duplicate alias keeps its first column, and the
/// test `no_alias_names_two_columns` makes sure there is none.
static ALIASES: LazyLock<HashMap<String, Column>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for column in Column::ALL {
        map.entry(normalise_header(column.name())).or_insert(column);
        for (_, names) in column.aliases() {
            for name in *names {
                map.entry(normalise_header(name)).or_insert(column);
            }
        }
    }
    map
});

/// Lower case, without accents, spaces, punctuation or anything but letters and digits.
pub fn normalise_header(header: &str) -> String {
    header.nfkd().filter(|&c| !is_combining_mark(c)).flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).collect()
}

/// Splits a list cell on `|`, trimming items and dropping empty ones.
pub fn split_list(cell: &str) -> Vec<String> {
    cell.split(LIST_SEPARATOR).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// Joins list items with `|`, the inverse of [`split_list`] for items that are trimmed,
/// non-empty and contain no `|` (branch, permission and category names).
pub fn join_list<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(LIST_SEPARATOR);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// The spreadsheet letter of a 0-based column index: A … Z, AA … .
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Which column each header of a file is, once the headers are acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// `columns[i]` is the column of header `i`, `None` for an ignored one.
    columns: Vec<Option<Column>>,
    /// Headers that are ignored (unknown or empty); show them, but the import can go on.
    pub warnings: Vec<HeaderProblem>,
}

impl HeaderMap {
    /// The column of the header at `index`.
    pub fn column_at(&self, index: usize) -> Option<Column> {
        self.columns.get(index).copied().flatten()
    }

    /// The position of `column` in the file's rows, if the file has it.
    pub fn index_of(&self, column: Column) -> Option<usize> {
        self.columns.iter().position(|&c| c == Some(column))
    }

    /// Whether the file has `column`. A missing column means "leave as is"; a present but
    /// empty cell means "empty" — the import needs to tell the two apart.
    pub fn has(&self, column: Column) -> bool {
        self.index_of(column).is_some()
    }

    /// The cell of `column` in `row`: `None` when the file has no such column.
    pub fn get<'r>(&self, row: &'r [String], column: Column) -> Option<&'r str> {
        self.index_of(column).map(|i| row.get(i).map_or("", String::as_str))
    }

    /// The recognised columns with their positions, in file order.
    pub fn columns(&self) -> impl Iterator<Item = (usize, Column)> + '_ {
        self.columns.iter().enumerate().filter_map(|(i, c)| c.map(|c| (i, c)))
    }
}

/// One thing wrong with the header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderProblem {
    /// 0-based position of the header, `None` for a problem of the row as a whole.
    pub index: Option<usize>,
    /// The header as written in the file (empty for a row-wide problem).
    pub header: String,
    pub kind: HeaderProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblemKind {
    /// Not a Keyrack column: ignored (warning).
    Unknown,
    /// A column without a header: ignored (warning).
    Unnamed,
    /// A second header for a column already present (error): which value wins is unclear.
    Duplicate { column: Column, first_index: usize },
    /// Neither `id`, `username` nor `email`: no row could be matched (error).
    MissingIdentity,
}

impl HeaderProblem {
    pub fn is_error(&self) -> bool {
        matches!(self.kind, HeaderProblemKind::Duplicate { .. } | HeaderProblemKind::MissingIdentity)
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self.kind {
            HeaderProblemKind::Unknown => "unknown_column",
            HeaderProblemKind::Unnamed => "unnamed_column",
            HeaderProblemKind::Duplicate { .. } => "duplicate_column",
            HeaderProblemKind::MissingIdentity => "missing_identity_column",
        }
    }

    /// Values a translated message refers to.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(i) = self.index {
            params.push(("column", column_letter(i)));
            params.push(("header", self.header.clone()));
        }
        if let HeaderProblemKind::Duplicate { column, first_index } = self.kind {
            params.push(("name", column.name().to_owned()));
            params.push(("first_column", column_letter(first_index)));
        }
        params
    }
}

impl fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.index.map(column_letter).unwrap_or_default();
        match &self.kind {
            HeaderProblemKind::Unknown => {
                write!(f, "column {at} ({:?}) is not a known column and is ignored", self.header)
            }
            HeaderProblemKind::Unnamed => write!(f, "column {at} has no header and is ignored"),
            HeaderProblemKind::Duplicate { column, first_index } => {
                write!(f, "column {at} ({:?}) is {column} again, already in column {}", self.header, column_letter(*first_index))
            }
            HeaderProblemKind::MissingIdentity => {
                f.write_str("the header row needs an id, username or email column to match people")
            }
        }
    }
}

/// Maps a header row to columns.
///
/// Unknown and empty headers are ignored and reported as warnings (in `HeaderMap::warnings` on
/// success). Duplicates and a missing identity column are errors; on error every problem,
/// warnings included, is returned so the person can fix the file in one go.
pub fn map_headers(headers: &[String]) -> Result<HeaderMap, Vec<HeaderProblem>> {
    let mut columns = Vec::with_capacity(headers.len());
    let mut problems = Vec::new();
    let mut seen: HashMap<Column, usize> = HashMap::new();
    for (index, header) in headers.iter().enumerate() {
        let problem = |kind| HeaderProblem { index: Some(index), header: header.clone(), kind };
        if header.trim().is_empty() {
            problems.push(problem(HeaderProblemKind::Unnamed));
            columns.push(None);
            continue;
        }
        match Column::from_header(header) {
            None => {
                problems.push(problem(HeaderProblemKind::Unknown));
                columns.push(None);
            }
            Some(column) => {
                if let Some(&first_index) = seen.get(&column) {
                    problems.push(problem(HeaderProblemKind::Duplicate { column, first_index }));
                    columns.push(None);
                } else {
                    seen.insert(column, index);
                    columns.push(Some(column));
                }
            }
        }
    }
    if !seen.keys().any(|c| c.is_identity()) {
        problems.push(HeaderProblem { index: None, header: String::new(), kind: HeaderProblemKind::MissingIdentity });
    }
    if problems.iter().any(HeaderProblem::is_error) { Err(problems) } else { Ok(HeaderMap { columns, warnings: problems }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn no_alias_names_two_columns() {
        let mut owner: HashMap<String, Column> = HashMap::new();
        for column in Column::ALL {
            let mut names = vec![column.name()];
            for (_, list) in column.aliases() {
                names.extend_from_slice(list);
            }
            for name in names {
                let key = normalise_header(name);
                assert!(!key.is_empty(), "{name:?} normalises to nothing");
                if let Some(other) = owner.insert(key.clone(), column) {
                    assert_eq!(other, column, "{name:?} ({key}) names both {other} and {column}");
                }
            }
        }
    }

    #[test]
    fn every_column_has_aliases_in_the_five_languages() {
        for column in Column::ALL {
            let langs: Vec<&str> = column.aliases().iter().map(|(l, _)| *l).collect();
            assert_eq!(langs, ["en", "nl", "de", "fr", "ro"], "{column}");
            assert_eq!(Column::from_header(column.name()), Some(column));
        }
    }

    #[test]
    fn normalising_ignores_case_accents_spaces_and_punctuation() {
        assert_eq!(normalise_header("  Prénom "), "prenom");
        assert_eq!(normalise_header("Nom d’utilisateur"), "nomdutilisateur");
        assert_eq!(normalise_header("E-MAIL_ADRES"), "emailadres");
        assert_eq!(normalise_header("Parolă"), "parola");
        assert_eq!(normalise_header("Locații"), "locatii");
        assert_eq!(normalise_header("Locaţii"), "locatii");
        assert_eq!(normalise_header("ÉTABLISSEMENTS"), "etablissements");
    }

    #[test]
    fn headers_in_each_language_map_to_the_same_columns() {
        let rows: [(&str, &[&str]); 5] = [
            ("en", &["ID", "User Name", "First Name", "Last Name", "E-mail address", "Password", "Access", "Role", "Branches"]),
            (
                "nl",
                &["ID", "Gebruikersnaam", "Voornaam", "Achternaam", "E-mailadres", "Wachtwoord", "Toegang", "Rol", "Vestigingen"],
            ),
            ("de", &["ID", "Benutzername", "Vorname", "Nachname", "E-Mail-Adresse", "Passwort", "Zugang", "Rolle", "Filialen"]),
            (
                "fr",
                &["ID", "Nom d'utilisateur", "Prénom", "Nom", "Adresse e-mail", "Mot de passe", "Accès", "Rôle", "Succursales"],
            ),
            ("ro", &["ID", "Nume de utilizator", "Prenume", "Nume", "Adresă de e-mail", "Parolă", "Acces", "Rol", "Filiale"]),
        ];
        let expected = [
            Column::Id,
            Column::Username,
            Column::FirstName,
            Column::LastName,
            Column::Email,
            Column::Password,
            Column::Access,
            Column::Role,
            Column::Branches,
        ];
        for (lang, headers) in rows {
            let map = map_headers(&strings(headers)).unwrap_or_else(|p| panic!("{lang}: {p:?}"));
            let got: Vec<Column> = map.columns().map(|(_, c)| c).collect();
            assert_eq!(got, expected, "{lang}");
            assert!(map.warnings.is_empty(), "{lang}: {:?}", map.warnings);
        }
    }

    #[test]
    fn remaining_columns_in_each_language() {
        let cases: [(&[&str], Column); 7] = [
            (&["kind", "soort", "Art", "type", "tip"], Column::Kind),
            (&["salutation", "Aanhef", "Anrede", "Civilité", "Formulă de adresare"], Column::Salutation),
            (&["phone", "Telefoonnummer", "Telefon", "Téléphone", "Număr de telefon"], Column::Phone),
            (&["language", "taal", "Sprache", "langue", "limbă"], Column::Language),
            (&["permissions", "rechten", "Berechtigungen", "droits", "permisiuni"], Column::Permissions),
            (&["notifications", "meldingen", "Benachrichtigungen", "notifications", "notificări"], Column::Notifications),
            (&["username", "inlognaam", "Anmeldename", "identifiant", "utilizator"], Column::Username),
        ];
        for (names, column) in cases {
            for name in names {
                assert_eq!(Column::from_header(name), Some(column), "{name}");
            }
        }
        assert_eq!(Column::from_header("Naam"), None, "Dutch 'naam' is a full name, not a column");
    }

    #[test]
    fn unknown_and_unnamed_columns_are_warnings() {
        let map = map_headers(&strings(&["email", "Notes", "", "voornaam"])).unwrap();
        assert_eq!(map.index_of(Column::Email), Some(0));
        assert_eq!(map.index_of(Column::FirstName), Some(3));
        assert_eq!(map.column_at(1), None);
        let codes: Vec<&str> = map.warnings.iter().map(HeaderProblem::code).collect();
        assert_eq!(codes, ["unknown_column", "unnamed_column"]);
        assert_eq!(map.warnings[0].to_string(), "column B (\"Notes\") is not a known column and is ignored");
        let row = strings(&["a@x.test", "n", "", "Ann"]);
        assert_eq!(map.get(&row, Column::FirstName), Some("Ann"));
        assert_eq!(map.get(&row, Column::Phone), None);
    }

    #[test]
    fn duplicates_and_missing_identity_are_errors() {
        let problems = map_headers(&strings(&["E-mail", "Voornaam", "e-mailadres", "x"])).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(HeaderProblem::code).collect();
        assert_eq!(codes, ["duplicate_column", "unknown_column"]);
        assert_eq!(problems[0].kind, HeaderProblemKind::Duplicate { column: Column::Email, first_index: 0 });
        assert_eq!(problems[0].to_string(), "column C (\"e-mailadres\") is email again, already in column A");

        let problems = map_headers(&strings(&["Voornaam", "Achternaam"])).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code(), "missing_identity_column");
        assert!(problems[0].is_error());
        assert!(map_headers(&strings(&["gebruikersnaam"])).is_ok());
        assert!(map_headers(&strings(&["id"])).is_ok());
    }

    #[test]
    fn lists_split_and_join() {
        assert_eq!(split_list(" Gent | Brugge||"), ["Gent", "Brugge"]);
        assert_eq!(split_list(""), Vec::<String>::new());
        assert_eq!(join_list(["a", "b"]), "a|b");
        assert_eq!(join_list(Vec::<String>::new()), "");
        assert_eq!(split_list(&join_list(["x.y", "z"])), ["x.y", "z"]);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}

//! Plain records as stored, one per table, decoded from rows with their domain types.

use keyrack_core::access::AccessState;
use keyrack_core::types::{Locale, PersonKind};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn opt_int(row: &AnyRow, col: &str) -> Result<Option<i64>> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

pub(crate) fn json_list(row: &AnyRow, col: &str) -> Result<Vec<String>> {
    let raw = text(row, col)?;
    serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

pub(crate) fn to_json_list(list: &[String]) -> String {
    serde_json::Value::from(list.to_vec()).to_string()
}

fn parsed<T>(col: &str, r: std::result::Result<T, keyrack_core::FieldError>) -> Result<T> {
    r.map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRecord {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub language: Locale,
    /// The tenant's settings as JSON; the application layer owns their shape.
    pub settings: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl TenantRecord {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            slug: text(row, "slug")?,
            name: text(row, "name")?,
            language: parsed("language", Locale::parse(&text(row, "language")?))?,
            settings: text(row, "settings")?,
            created_at: int(row, "created_at")?,
            updated_at: int(row, "updated_at")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchRecord {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub created_at: i64,
}

impl BranchRecord {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            name: text(row, "name")?,
            created_at: int(row, "created_at")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub permissions: Vec<String>,
    pub builtin: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl RoleRecord {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            name: text(row, "name")?,
            permissions: json_list(row, "permissions")?,
            builtin: int(row, "builtin")? != 0,
            created_at: int(row, "created_at")?,
            updated_at: int(row, "updated_at")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub id: String,
    pub tenant_id: String,
    pub kind: PersonKind,
    pub salutation: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phones: Vec<String>,
    pub language: Locale,
    pub notifications: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl PersonRecord {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            kind: parsed("kind", PersonKind::parse(&text(row, "kind")?))?,
            salutation: text(row, "salutation")?,
            first_name: text(row, "first_name")?,
            last_name: text(row, "last_name")?,
            email: opt_text(row, "email")?,
            phones: json_list(row, "phones")?,
            language: parsed("language", Locale::parse(&text(row, "language")?))?,
            notifications: json_list(row, "notifications")?,
            created_at: int(row, "created_at")?,
            updated_at: int(row, "updated_at")?,
            version: int(row, "version")?,
        })
    }

    /// "First Last", or the e-mail when both names are empty: how people are named in audit
    /// events and messages.
    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name, self.last_name).trim().to_owned();
        if name.is_empty() { self.email.clone().unwrap_or_else(|| self.id.clone()) } else { name }
    }
}

/// The text a person is found by with `q`: names, e-mail and phones, lower-cased.
pub fn search_text(p: &PersonRecord, username: Option<&str>) -> String {
    let mut parts = vec![p.first_name.as_str(), p.last_name.as_str()];
    parts.extend(p.email.as_deref());
    parts.extend(username);
    parts.extend(p.phones.iter().map(String::as_str));
    parts.join(" ").to_lowercase()
}

/// The longest term kept, in characters: long enough to tell people apart, short enough to keep
/// the index small. A longer search word is looked up by its first this-many characters and
/// then checked whole against the search text.
pub const SEARCH_TERM_CHARS: usize = 24;

/// The terms a person is found by, from their [`search_text`]: each word (split at white
/// space) and each tail of it that starts a new run of letters or digits, so that a search
/// finds the beginning of any part: `person7@bench.example` gives `person7@bench.example`,
/// `bench.example` and `example`; `vries-jansen` gives `vries-jansen` and `jansen`; `+31`
/// gives `+31` and `31`. Each is cut to [`SEARCH_TERM_CHARS`].
pub fn search_terms(search_text: &str) -> std::collections::BTreeSet<String> {
    let mut terms = std::collections::BTreeSet::new();
    for word in search_text.split_whitespace() {
        let mut previous_alphanumeric = false;
        for (at, c) in word.char_indices() {
            let alphanumeric = c.is_alphanumeric();
            if at == 0 || (alphanumeric && !previous_alphanumeric) {
                terms.insert(word[at..].chars().take(SEARCH_TERM_CHARS).collect());
            }
            previous_alphanumeric = alphanumeric;
        }
    }
    terms
}

/// Where a search word's terms are looked up: the word without leading punctuation (which a
/// term may lack: `-jansen` is found as `jansen`), lower-cased and cut like a term; `None` for a
/// word with no letter or digit.
pub fn search_term_prefix(word: &str) -> Option<String> {
    let start = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    (!start.is_empty()).then(|| start.to_lowercase().chars().take(SEARCH_TERM_CHARS).collect())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRecord {
    pub person_id: String,
    pub tenant_id: String,
    pub username: String,
    pub state: AccessState,
    pub state_before_block: Option<AccessState>,
    pub password_hash: Option<String>,
    pub role_id: Option<String>,
    pub permissions: Vec<String>,
    /// `None` means every branch; `Some(ids)` only those.
    pub branches: Option<Vec<String>>,
    pub must_change_password: bool,
    pub last_login_at: Option<i64>,
    pub failed_logins: i64,
    pub last_failed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl LoginRecord {
    /// Decodes the login columns; `branches` are filled in by the repository afterwards.
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        let state_before_block =
            opt_text(row, "state_before_block")?.map(|s| parsed("state_before_block", AccessState::parse(&s))).transpose()?;
        let scope = text(row, "branch_scope")?;
        Ok(Self {
            person_id: text(row, "person_id")?,
            tenant_id: text(row, "tenant_id")?,
            username: text(row, "username")?,
            state: parsed("state", AccessState::parse(&text(row, "state")?))?,
            state_before_block,
            password_hash: opt_text(row, "password_hash")?,
            role_id: opt_text(row, "role_id")?,
            permissions: json_list(row, "permissions")?,
            branches: if scope == "all" { None } else { Some(Vec::new()) },
            must_change_password: int(row, "must_change_password")? != 0,
            last_login_at: opt_int(row, "last_login_at")?,
            failed_logins: int(row, "failed_logins")?,
            last_failed_at: opt_int(row, "last_failed_at")?,
            created_at: int(row, "created_at")?,
            updated_at: int(row, "updated_at")?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Invitation,
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::Reset => "reset",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "invitation" => Ok(LinkPurpose::Invitation),
            "reset" => Ok(LinkPurpose::Reset),
            other => Err(StoreError::Corrupt(format!("purpose: {other}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRecord {
    pub id: String,
    pub tenant_id: String,
    pub person_id: String,
    pub purpose: LinkPurpose,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl LinkRecord {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            person_id: text(row, "person_id")?,
            purpose: LinkPurpose::parse(&text(row, "purpose")?)?,
            token_hash: text(row, "token_hash")?,
            created_at: int(row, "created_at")?,
            expires_at: int(row, "expires_at")?,
            used_at: opt_int(row, "used_at")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: String,
    pub tenant_id: String,
    pub scope: String,
    pub label: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

impl ApiKeyRecord {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            scope: text(row, "scope")?,
            label: text(row, "label")?,
            created_at: int(row, "created_at")?,
            revoked_at: opt_int(row, "revoked_at")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: String,
    pub tenant_id: String,
    pub at: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub subject_id: Option<String>,
    pub subject_label: String,
    pub address: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// The link in the tenant's hash chain; `None` only for events written before the chain
    /// existed and not yet chained.
    pub link: Option<AuditLink>,
}

/// What chains an audit event to the one before it (see migration 0005).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLink {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    /// `None` once the actor's name was redacted; the digest stays.
    pub actor_salt: Option<String>,
    pub actor_digest: String,
    /// `None` once the subject's name and values were redacted; the digest stays.
    pub subject_salt: Option<String>,
    pub subject_digest: String,
}

impl AuditRecord {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            at: int(row, "at")?,
            actor_kind: text(row, "actor_kind")?,
            actor_id: opt_text(row, "actor_id")?,
            actor_label: text(row, "actor_label")?,
            action: text(row, "action")?,
            subject_id: opt_text(row, "subject_id")?,
            subject_label: text(row, "subject_label")?,
            address: opt_text(row, "address")?,
            before_json: opt_text(row, "before_json")?,
            after_json: opt_text(row, "after_json")?,
            // A link with a blanked hash field reads as empty, so that verify reports the
            // event as changed instead of failing to read it.
            link: match opt_int(row, "seq")? {
                None => None,
                Some(seq) => Some(AuditLink {
                    seq,
                    prev_hash: opt_text(row, "prev_hash")?.unwrap_or_default(),
                    hash: opt_text(row, "hash")?.unwrap_or_default(),
                    actor_salt: opt_text(row, "actor_salt")?,
                    actor_digest: opt_text(row, "actor_digest")?.unwrap_or_default(),
                    subject_salt: opt_text(row, "subject_salt")?,
                    subject_digest: opt_text(row, "subject_digest")?.unwrap_or_default(),
                }),
            },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    pub id: String,
    pub tenant_id: String,
    pub person_id: Option<String>,
    pub template: String,
    pub recipient: String,
    pub language: String,
    pub payload: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

impl OutboxRecord {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            person_id: opt_text(row, "person_id")?,
            template: text(row, "template")?,
            recipient: text(row, "recipient")?,
            language: text(row, "language")?,
            payload: text(row, "payload")?,
            created_at: int(row, "created_at")?,
            attempts: int(row, "attempts")?,
            next_attempt_at: int(row, "next_attempt_at")?,
            sent_at: opt_int(row, "sent_at")?,
            last_error: opt_text(row, "last_error")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{SEARCH_TERM_CHARS, search_term_prefix, search_terms};

    #[test]
    fn terms_are_each_word_and_each_part_after_punctuation() {
        let terms: Vec<String> = search_terms("ann de vries-jansen ann@bench.example +31 6 1234").into_iter().collect();
        assert_eq!(
            terms,
            ["+31", "1234", "31", "6", "ann", "ann@bench.example", "bench.example", "de", "example", "jansen", "vries-jansen"]
        );
    }

    #[test]
    fn long_words_are_cut_and_search_words_lose_leading_punctuation() {
        let long = "a".repeat(40);
        assert_eq!(search_terms(&long).into_iter().next().map(|t| t.chars().count()), Some(SEARCH_TERM_CHARS));
        assert_eq!(search_terms("ţară").into_iter().collect::<Vec<_>>(), ["ţară"]);
        assert_eq!(search_term_prefix("-Jansen").as_deref(), Some("jansen"));
        assert_eq!(search_term_prefix("@+"), None);
        assert_eq!(search_term_prefix(&long).map(|t| t.chars().count()), Some(SEARCH_TERM_CHARS));
    }
}

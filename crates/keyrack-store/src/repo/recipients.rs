//! Who receives an e-mail category: the people of a tenant who opted in and have an address,
//! optionally only those whose login reaches a branch.
//!
//! `people.notifications` is a JSON list in TEXT, which neither database can index portably.
//! The query narrows the tenant's rows with a `LIKE` on the quoted category (cheap, one pass
//! over the tenant's index range, no per-row JSON parsing in SQL), and the exact membership is
//! decided here in Rust on the parsed list: `LIKE` ignores ASCII case on SQLite and would treat a
//! category that happens to be a substring of another's JSON text as a match.

use keyrack_core::authz::ADMINISTRATOR;
use keyrack_core::types::{Locale, PersonKind};
use sqlx::any::AnyRow;

use super::{Arg, Sql};
use crate::records::{json_list, text};
use crate::{Conn, Result, StoreError};

/// One recipient: only the columns a mailing needs, not the whole person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientRecord {
    pub id: String,
    pub kind: PersonKind,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub language: Locale,
}

/// A page of the people of the tenant who receive `category` and have an e-mail address, in
/// id order (creation order): at most `limit`, those with an id after `after` (the last id of
/// the page before). With `branch_id`, only people whose login reaches that branch: scope
/// `all`, the branch listed, or the built-in administrator role, which is in every branch
/// whatever scope is stored (as [`keyrack_core::authz::check`] decides). People without a login
/// have no branch scope and are left out.
///
/// The `LIKE` may let through rows that the exact check then drops, so the candidates are read
/// in chunks (keyset, like the people list) until the page is full or the tenant is done.
///
/// The caller checks that the category and the branch exist; an unknown one simply matches
/// nobody here.
pub async fn list(
    conn: &mut Conn,
    tenant_id: &str,
    category: &str,
    branch_id: Option<&str>,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<RecipientRecord>> {
    let mut out = Vec::new();
    let mut after = after.map(str::to_owned);
    let chunk = i64::try_from(limit.max(1)).unwrap_or(i64::MAX);
    loop {
        let rows = candidates(conn, tenant_id, category, branch_id, after.as_deref(), chunk).await?;
        for row in &rows {
            if out.len() == limit {
                return Ok(out);
            }
            after = Some(text(row, "id")?);
            if json_list(row, "notifications")?.iter().any(|c| c == category) {
                out.push(recipient(row)?);
            }
        }
        if out.len() == limit || i64::try_from(rows.len()).unwrap_or(i64::MAX) < chunk {
            return Ok(out);
        }
    }
}

/// Up to `chunk` rows that the `LIKE` lets through, after the id `after`.
async fn candidates(
    conn: &mut Conn,
    tenant_id: &str,
    category: &str,
    branch_id: Option<&str>,
    after: Option<&str>,
    chunk: i64,
) -> Result<Vec<AnyRow>> {
    let mut sql = Sql::new("SELECT p.id, p.kind, p.first_name, p.last_name, p.email, p.language, p.notifications FROM people p");
    if branch_id.is_some() {
        // An inner join: a person without a login reaches no branch.
        sql.push(" JOIN logins l ON l.person_id = p.id LEFT JOIN roles r ON r.id = l.role_id");
    }
    sql.push(" WHERE p.tenant_id = ").bind(Arg::Text(tenant_id.to_owned()));
    sql.push(" AND p.email IS NOT NULL AND p.notifications LIKE ").bind(Arg::Text(like_pattern(category))).push(" ESCAPE '\\'");
    if let Some(branch) = branch_id {
        sql.push(" AND (l.branch_scope = 'all' OR (r.builtin = 1 AND r.name = ")
            .bind(Arg::Text(ADMINISTRATOR.to_owned()))
            .push(") OR EXISTS (SELECT 1 FROM login_branches b WHERE b.person_id = p.id AND b.branch_id = ")
            .bind(Arg::Text(branch.to_owned()))
            .push("))");
    }
    if let Some(after) = after {
        sql.push(" AND p.id > ").bind(Arg::Text(after.to_owned()));
    }
    sql.push(" ORDER BY p.id LIMIT ").bind(Arg::Int(chunk));
    Ok(sql.query().fetch_all(&mut *conn).await?)
}

/// `%"category"%` with the category written as JSON writes it (so the quotes delimit a whole
/// list element) and `\`, `%`, `_` escaped for `LIKE`.
fn like_pattern(category: &str) -> String {
    let quoted = serde_json::Value::from(category).to_string();
    let escaped = quoted.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn recipient(row: &AnyRow) -> Result<RecipientRecord> {
    let corrupt = |col: &str, e: keyrack_core::FieldError| StoreError::Corrupt(format!("{col}: {e}"));
    Ok(RecipientRecord {
        id: text(row, "id")?,
        kind: PersonKind::parse(&text(row, "kind")?).map_err(|e| corrupt("kind", e))?,
        first_name: text(row, "first_name")?,
        last_name: text(row, "last_name")?,
        email: text(row, "email")?,
        language: Locale::parse(&text(row, "language")?).map_err(|e| corrupt("language", e))?,
    })
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn the_pattern_matches_a_whole_quoted_element_and_escapes_like_wildcards() {
        assert_eq!(like_pattern("invoices"), "%\"invoices\"%");
        assert_eq!(like_pattern("last_minute"), "%\"last\\_minute\"%");
        assert_eq!(like_pattern("50%"), "%\"50\\%\"%");
        // A quote inside a category is escaped by JSON first, then its backslash for LIKE.
        assert_eq!(like_pattern("a\"b"), "%\"a\\\\\"b\"%");
    }
}

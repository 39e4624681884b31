//! People, with or without a login.

use keyrack_core::access::AccessState;
use keyrack_core::types::PersonKind;

use super::{Arg, Sql};
use crate::records::{PersonRecord, int, opt_int, opt_text, search_term_prefix, search_terms, text, to_json_list};
use crate::{Conn, Result};

pub async fn insert(conn: &mut Conn, p: &PersonRecord, search_text: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO people (id, tenant_id, kind, salutation, first_name, last_name, email, email_folded, phones, \
         language, notifications, search_text, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&p.id)
    .bind(&p.tenant_id)
    .bind(p.kind.as_str())
    .bind(&p.salutation)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(p.email.clone())
    .bind(p.email.as_ref().map(|e| e.to_lowercase()))
    .bind(to_json_list(&p.phones))
    .bind(p.language.as_str())
    .bind(to_json_list(&p.notifications))
    .bind(search_text)
    .bind(p.created_at)
    .bind(p.updated_at)
    .bind(p.version)
    .execute(&mut *conn)
    .await?;
    insert_terms(conn, &p.tenant_id, &p.id, search_text, "").await
}

/// Writes every field of the person (the version was already bumped by [`lock`]).
pub async fn update(conn: &mut Conn, p: &PersonRecord, search_text: &str) -> Result<()> {
    sqlx::query(
        "UPDATE people SET kind = $1, salutation = $2, first_name = $3, last_name = $4, email = $5, email_folded = $6, \
         phones = $7, language = $8, notifications = $9, search_text = $10, updated_at = $11 WHERE tenant_id = $12 AND id = $13",
    )
    .bind(p.kind.as_str())
    .bind(&p.salutation)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(p.email.clone())
    .bind(p.email.as_ref().map(|e| e.to_lowercase()))
    .bind(to_json_list(&p.phones))
    .bind(p.language.as_str())
    .bind(to_json_list(&p.notifications))
    .bind(search_text)
    .bind(p.updated_at)
    .bind(&p.tenant_id)
    .bind(&p.id)
    .execute(&mut *conn)
    .await?;
    replace_terms(conn, &p.tenant_id, &p.id, search_text).await
}

/// Takes the person's row lock for the rest of the transaction by bumping its version, so that
/// two actions on one person run one after the other on PostgreSQL as on SQLite. Answers
/// whether the person exists in this tenant.
pub async fn lock(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<bool> {
    let r = sqlx::query("UPDATE people SET version = version + 1 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn get(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<PersonRecord>> {
    let row = sqlx::query("SELECT * FROM people WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(PersonRecord::from_row).transpose()
}

pub async fn delete(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM people WHERE tenant_id = $1 AND id = $2").bind(tenant_id).bind(id).execute(conn).await?;
    Ok(r.rows_affected() == 1)
}

/// The people of a tenant with this address (compared case-insensitively).
pub async fn with_email(conn: &mut Conn, tenant_id: &str, email: &str) -> Result<Vec<PersonRecord>> {
    let rows = sqlx::query("SELECT * FROM people WHERE tenant_id = $1 AND email_folded = $2 ORDER BY id")
        .bind(tenant_id)
        .bind(email.to_lowercase())
        .fetch_all(conn)
        .await?;
    rows.iter().map(PersonRecord::from_row).collect()
}

/// How many other people of the tenant who have access share this person's address.
pub async fn sharing_email_with_access(conn: &mut Conn, tenant_id: &str, person_id: &str, email: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM people p JOIN logins l ON l.person_id = p.id \
         WHERE p.tenant_id = $1 AND p.email_folded = $2 AND p.id <> $3",
    )
    .bind(tenant_id)
    .bind(email.to_lowercase())
    .bind(person_id)
    .fetch_one(conn)
    .await?)
}

/// Filters of the people list; every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Words that must each begin a word of the name, e-mail, username or phones, or a part of
    /// one after punctuation (`jans` finds "de Vries-Jansen", `bench` "ann@bench.example").
    pub q: Option<String>,
    pub state: Option<AccessState>,
    pub kind: Option<PersonKind>,
    pub role_id: Option<String>,
    /// People whose login reaches this branch (scope `all` included).
    pub branch_id: Option<String>,
    /// Only people with an id greater than this (the cursor of the page before).
    pub after: Option<String>,
    /// Only the people a branch-limited admin reaches, `None` for all.
    pub reach: Option<Reach>,
    /// People who share their e-mail address with someone else in the tenant.
    pub email_shared: bool,
    /// People invited whose invitation is no longer valid at this time (unix ms).
    pub invitation_expired_at: Option<i64>,
    /// People with a login who never logged in.
    pub never_logged_in: bool,
}

/// What a branch-limited admin reaches (keyrack-core `authz::reaches`): people without a login,
/// and people whose login is in at least one of these branches — not those whose login spans
/// every branch or holds the administrator role.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    pub branches: Vec<String>,
    pub administrator_role_id: String,
}

/// A page of people in id order (ids are time-ordered UUIDs: creation order).
pub async fn list(conn: &mut Conn, tenant_id: &str, f: &PeopleFilter, limit: i64) -> Result<Vec<PersonRecord>> {
    let sql = filtered("SELECT p.*", tenant_id, f, limit);
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(PersonRecord::from_row).collect()
}

/// The login columns the people list shows, read in the same query as the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedLogin {
    pub state: AccessState,
    pub username: String,
    pub role_id: Option<String>,
    /// `false` when the login is limited to the branches in `login_branches`.
    pub all_branches: bool,
    pub last_login_at: Option<i64>,
    pub failed_logins: i64,
    pub last_failed_at: Option<i64>,
    pub must_change_password: bool,
}

/// A page of the people list: each person with their login, in one query.
pub async fn list_with_logins(
    conn: &mut Conn,
    tenant_id: &str,
    f: &PeopleFilter,
    limit: i64,
) -> Result<Vec<(PersonRecord, Option<ListedLogin>)>> {
    let sql = filtered(
        "SELECT p.*, l.state AS l_state, l.username AS l_username, l.role_id AS l_role_id, l.branch_scope AS l_scope, \
         l.last_login_at AS l_last_login_at, l.failed_logins AS l_failed_logins, l.last_failed_at AS l_last_failed_at, \
         l.must_change_password AS l_must_change",
        tenant_id,
        f,
        limit,
    );
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter()
        .map(|row| {
            let person = PersonRecord::from_row(row)?;
            let login = match opt_text(row, "l_state")? {
                None => None,
                Some(state) => Some(ListedLogin {
                    state: AccessState::parse(&state).map_err(|e| crate::StoreError::Corrupt(format!("state: {e}")))?,
                    username: text(row, "l_username")?,
                    role_id: opt_text(row, "l_role_id")?,
                    all_branches: text(row, "l_scope")? == "all",
                    last_login_at: opt_int(row, "l_last_login_at")?,
                    failed_logins: int(row, "l_failed_logins")?,
                    last_failed_at: opt_int(row, "l_last_failed_at")?,
                    must_change_password: int(row, "l_must_change")? != 0,
                }),
            };
            Ok((person, login))
        })
        .collect()
}

/// The branches of these people's logins, as (person id, branch id) pairs.
pub async fn branches_of(conn: &mut Conn, person_ids: &[String]) -> Result<Vec<(String, String)>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT person_id, branch_id FROM login_branches WHERE person_id");
    sql.in_list(person_ids).push(" ORDER BY person_id, branch_id");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(|r| Ok((text(r, "person_id")?, text(r, "branch_id")?))).collect()
}

/// How many people of the tenant have each of these (folded) addresses.
pub async fn email_counts(conn: &mut Conn, tenant_id: &str, folded: &[String]) -> Result<Vec<(String, i64)>> {
    if folded.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT email_folded, COUNT(*) AS n FROM people WHERE tenant_id = ");
    sql.bind(Arg::Text(tenant_id.to_owned())).push(" AND email_folded").in_list(folded).push(" GROUP BY email_folded");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(|r| Ok((text(r, "email_folded")?, int(r, "n")?))).collect()
}

/// The list query with every filter; `select` names the columns.
fn filtered(select: &str, tenant_id: &str, f: &PeopleFilter, limit: i64) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(" FROM people p LEFT JOIN logins l ON l.person_id = p.id WHERE p.tenant_id = ");
    sql.bind(Arg::Text(tenant_id.to_owned()));
    if let Some(q) = &f.q {
        // Each word narrows through the terms index (a range scan: the terms that begin with
        // it), then is checked whole against the search text (a word longer than a term, or
        // with leading punctuation, is looked up by its beginning only).
        for word in q.split_whitespace().take(8) {
            if let Some(prefix) = search_term_prefix(word) {
                let low = term_key(&prefix);
                sql.push(" AND p.id IN (SELECT t.person_id FROM person_terms t WHERE t.tenant_id = ")
                    .bind(Arg::Text(tenant_id.to_owned()))
                    .push(" AND t.term >= ")
                    .bind(Arg::Text(low.clone()))
                    .push(" AND t.term < ")
                    .bind(Arg::Text(format!("{low}g")))
                    .push(")");
            }
            let escaped = word.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            sql.push(" AND p.search_text LIKE ").bind(Arg::Text(format!("%{escaped}%"))).push(" ESCAPE '\\'");
        }
    }
    match f.state {
        Some(AccessState::None) => {
            sql.push(" AND l.person_id IS NULL");
        }
        Some(s) => {
            sql.push(" AND l.state = ").bind(Arg::Text(s.as_str().to_owned()));
        }
        None => {}
    }
    if let Some(kind) = f.kind {
        sql.push(" AND p.kind = ").bind(Arg::Text(kind.as_str().to_owned()));
    }
    if let Some(role) = &f.role_id {
        sql.push(" AND l.role_id = ").bind(Arg::Text(role.clone()));
    }
    if let Some(branch) = &f.branch_id {
        sql.push(
            " AND (l.branch_scope = 'all' OR EXISTS (SELECT 1 FROM login_branches b WHERE b.person_id = p.id AND b.branch_id = ",
        )
        .bind(Arg::Text(branch.clone()))
        .push("))");
    }
    if let Some(reach) = &f.reach {
        sql.push(" AND (l.person_id IS NULL OR (l.branch_scope <> 'all' AND (l.role_id IS NULL OR l.role_id <> ")
            .bind(Arg::Text(reach.administrator_role_id.clone()))
            .push(") AND EXISTS (SELECT 1 FROM login_branches b WHERE b.person_id = p.id AND b.branch_id")
            .in_list(&reach.branches)
            .push(")))");
    }
    if f.email_shared {
        sql.push(
            " AND p.email_folded IS NOT NULL AND EXISTS (SELECT 1 FROM people o WHERE o.tenant_id = p.tenant_id \
             AND o.email_folded = p.email_folded AND o.id <> p.id)",
        );
    }
    if let Some(now) = f.invitation_expired_at {
        sql.push(
            " AND l.state = 'invited' AND NOT EXISTS (SELECT 1 FROM links k WHERE k.person_id = p.id \
             AND k.purpose = 'invitation' AND k.used_at IS NULL AND k.expires_at > ",
        )
        .bind(Arg::Int(now))
        .push(")");
    }
    if f.never_logged_in {
        sql.push(" AND l.person_id IS NOT NULL AND l.last_login_at IS NULL");
    }
    if let Some(after) = &f.after {
        sql.push(" AND p.id > ").bind(Arg::Text(after.clone()));
    }
    sql.push(" ORDER BY p.id LIMIT ").bind(Arg::Int(limit));
    sql
}

pub async fn count(conn: &mut Conn, tenant_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE tenant_id = $1").bind(tenant_id).fetch_one(conn).await?)
}

/// Refreshes the search text after a username change.
pub async fn set_search_text(conn: &mut Conn, id: &str, search_text: &str) -> Result<()> {
    let tenant_id: Option<String> = sqlx::query_scalar("UPDATE people SET search_text = $1 WHERE id = $2 RETURNING tenant_id")
        .bind(search_text)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match tenant_id {
        Some(tenant_id) => replace_terms(conn, &tenant_id, id, search_text).await,
        None => Ok(()),
    }
}

/// A term as stored: its UTF-8 bytes in lower-case hex (see migration 0009: "begins with" is
/// then a range under any collation).
fn term_key(term: &str) -> String {
    term.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Rewrites the person's terms from their new search text.
async fn replace_terms(conn: &mut Conn, tenant_id: &str, person_id: &str, search_text: &str) -> Result<()> {
    sqlx::query("DELETE FROM person_terms WHERE person_id = $1").bind(person_id).execute(&mut *conn).await?;
    insert_terms(conn, tenant_id, person_id, search_text, "").await
}

/// Terms in one statement per person; `conflict` is appended (the start's fill tolerates rows
/// another node wrote first).
async fn insert_terms(conn: &mut Conn, tenant_id: &str, person_id: &str, search_text: &str, conflict: &str) -> Result<()> {
    let terms = search_terms(search_text);
    if terms.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("INSERT INTO person_terms (tenant_id, term, person_id) VALUES ");
    for (i, term) in terms.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(Arg::Text(tenant_id.to_owned())).push(", ").bind(Arg::Text(term_key(term))).push(", ");
        sql.bind(Arg::Text(person_id.to_owned())).push(")");
    }
    sql.push(conflict);
    sql.query().execute(conn).await?;
    Ok(())
}

/// Gives every person their terms when the table is empty while people exist: the first start
/// after migration 0009, whose SQL cannot compute them. One transaction; rows another node wrote
/// meanwhile are kept.
pub(crate) async fn fill_missing_terms(pool: &sqlx::AnyPool) -> Result<()> {
    let mut tx = pool.begin().await?;
    let has_terms = sqlx::query("SELECT 1 FROM person_terms LIMIT 1").fetch_optional(&mut *tx).await?.is_some();
    let has_people = sqlx::query("SELECT 1 FROM people LIMIT 1").fetch_optional(&mut *tx).await?.is_some();
    if has_terms || !has_people {
        return Ok(());
    }
    let rows = sqlx::query("SELECT id, tenant_id, search_text FROM people").fetch_all(&mut *tx).await?;
    for row in &rows {
        let (id, tenant_id, search_text) = (text(row, "id")?, text(row, "tenant_id")?, text(row, "search_text")?);
        insert_terms(&mut tx, &tenant_id, &id, &search_text, " ON CONFLICT DO NOTHING").await?;
    }
    tx.commit().await?;
    Ok(())
}

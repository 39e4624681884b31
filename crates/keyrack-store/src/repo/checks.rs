//! `POST /tenants/{t}/check` in one statement: the API key, its tenant, the person, their
//! login and role, and the branch — what took five reads and three connections before. Every
//! call reads the rows as they are now (no cache), so a key revoked or a login blocked on
//! another node is seen at the next call. On a SQLite file the statement runs on the calling
//! thread ([`facts_here`], see [`crate::direct`]); [`facts`] runs it through sqlx.

use keyrack_core::access::AccessState;
use sqlx::any::AnyRow;

use crate::records::{int, opt_int, opt_text};
use crate::{Conn, Result, StoreError};

/// What one check needs to know, as the database holds it at this moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFacts {
    /// `true` when the slug asked for is the key's tenant; `false` for another tenant's slug or
    /// one that does not exist (both answer "not found").
    pub tenant_matches: bool,
    pub person_found: bool,
    /// `None` for a person without a login (or a person who was not found).
    pub login: Option<CheckLogin>,
    /// The branch asked about exists in the tenant.
    pub branch_known: bool,
    /// The branch asked about is in the login's list (for a login limited to some branches).
    pub branch_listed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLogin {
    pub state: AccessState,
    /// The extra permissions of the login.
    pub permissions: Vec<String>,
    /// Branch scope `all`; otherwise the branches listed in `login_branches`.
    pub all_branches: bool,
    /// The role's id as the login stores it, and the role when it was found.
    pub role_id: Option<String>,
    pub role: Option<CheckRole>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRole {
    pub name: String,
    pub builtin: bool,
    pub permissions: Vec<String>,
}

/// The columns of the statement as read, before they are checked.
struct Columns {
    tenant_id: Option<String>,
    person_id: Option<String>,
    login_state: Option<String>,
    login_permissions: Option<String>,
    branch_scope: Option<String>,
    role_id: Option<String>,
    role_name: Option<String>,
    role_builtin: Option<i64>,
    role_permissions: Option<String>,
    branch_known: i64,
    branch_listed: i64,
}

impl Columns {
    fn from_any(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            tenant_id: opt_text(row, "tenant_id")?,
            person_id: opt_text(row, "person_id")?,
            login_state: opt_text(row, "login_state")?,
            login_permissions: opt_text(row, "login_permissions")?,
            branch_scope: opt_text(row, "branch_scope")?,
            role_id: opt_text(row, "role_id")?,
            role_name: opt_text(row, "role_name")?,
            role_builtin: opt_int(row, "role_builtin")?,
            role_permissions: opt_text(row, "role_permissions")?,
            branch_known: int(row, "branch_known")?,
            branch_listed: int(row, "branch_listed")?,
        })
    }

    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            tenant_id: row.get("tenant_id")?,
            person_id: row.get("person_id")?,
            login_state: row.get("login_state")?,
            login_permissions: row.get("login_permissions")?,
            branch_scope: row.get("branch_scope")?,
            role_id: row.get("role_id")?,
            role_name: row.get("role_name")?,
            role_builtin: row.get("role_builtin")?,
            role_permissions: row.get("role_permissions")?,
            branch_known: row.get("branch_known")?,
            branch_listed: row.get("branch_listed")?,
        })
    }

    fn facts(self) -> Result<CheckFacts> {
        fn list(col: &str, raw: Option<String>) -> Result<Vec<String>> {
            let raw = raw.ok_or_else(|| StoreError::Corrupt(format!("{col}: missing")))?;
            serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
        }
        let login = match self.login_state {
            Some(state) => {
                let role = match self.role_name {
                    Some(name) => Some(CheckRole {
                        name,
                        builtin: self.role_builtin.ok_or_else(|| StoreError::Corrupt("role_builtin: missing".into()))? != 0,
                        permissions: list("role_permissions", self.role_permissions)?,
                    }),
                    None => None,
                };
                Some(CheckLogin {
                    state: AccessState::parse(&state).map_err(|e| StoreError::Corrupt(format!("state: {e}")))?,
                    permissions: list("login_permissions", self.login_permissions)?,
                    all_branches: self.branch_scope.ok_or_else(|| StoreError::Corrupt("branch_scope: missing".into()))? == "all",
                    role_id: self.role_id,
                    role,
                })
            }
            None => None,
        };
        Ok(CheckFacts {
            tenant_matches: self.tenant_id.is_some(),
            person_found: self.person_id.is_some(),
            login,
            branch_known: self.branch_known > 0,
            branch_listed: self.branch_listed > 0,
        })
    }
}

/// The one statement of a check: every join carries the key's tenant id, so nothing of another
/// tenant can be read through it.
const FACTS: &str = "SELECT t.id AS tenant_id, p.id AS person_id, \
           l.state AS login_state, l.permissions AS login_permissions, l.branch_scope AS branch_scope, l.role_id AS role_id, \
           r.name AS role_name, r.builtin AS role_builtin, r.permissions AS role_permissions, \
           (SELECT COUNT(*) FROM branches b WHERE b.tenant_id = t.id AND b.id = $4) AS branch_known, \
           (SELECT COUNT(*) FROM login_branches lb WHERE lb.person_id = l.person_id AND lb.branch_id = $5) AS branch_listed \
         FROM api_keys k \
         LEFT JOIN tenants t ON t.id = k.tenant_id AND t.slug = $2 \
         LEFT JOIN people p ON p.tenant_id = t.id AND p.id = $3 \
         LEFT JOIN logins l ON l.tenant_id = t.id AND l.person_id = p.id \
         LEFT JOIN roles r ON r.tenant_id = t.id AND r.id = l.role_id \
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL";

/// The facts of one check, or `None` when no live key has this hash. Every join carries the
/// key's tenant id, so nothing of another tenant can be read through it.
pub async fn facts(
    conn: &mut Conn,
    key_hash: &str,
    slug: &str,
    person_id: &str,
    branch: Option<&str>,
) -> Result<Option<CheckFacts>> {
    let row = sqlx::query(FACTS).bind(key_hash).bind(slug).bind(person_id).bind(branch).bind(branch).fetch_optional(conn).await?;
    row.as_ref().map(Columns::from_any).transpose()?.map(Columns::facts).transpose()
}

/// [`facts`] on a direct SQLite connection, on the calling thread (see [`crate::direct`]):
/// `None` on PostgreSQL, or when SQLite could not answer at once; then the caller uses [`facts`].
pub fn facts_here(
    store: &crate::Store,
    key_hash: &str,
    slug: &str,
    person_id: &str,
    branch: Option<&str>,
) -> Option<Result<Option<CheckFacts>>> {
    let columns = store.direct()?.read(|conn| {
        let mut statement = conn.prepare_cached(FACTS)?;
        let params = rusqlite::named_params! {"$1": key_hash, "$2": slug, "$3": person_id, "$4": branch, "$5": branch};
        let mut rows = statement.query(params)?;
        rows.next()?.map(Columns::from_sqlite).transpose()
    })?;
    Some(columns.map(Columns::facts).transpose())
}

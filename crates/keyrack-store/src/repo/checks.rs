//! `POST /tenants/{t}/check` in one statement: the API key, its tenant, the person, their
//! login and role, and the branch — what took five reads and three connections before. Every
//! call reads the rows as they are now (no cache), so a key revoked or a login blocked on
//! another node is seen at the next call.

use keyrack_core::access::AccessState;
use sqlx::any::AnyRow;

use crate::records::{int, json_list, opt_text, text};
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

impl CheckFacts {
    fn from_row(row: &AnyRow) -> Result<Self> {
        let login = match opt_text(row, "login_state")? {
            Some(state) => {
                let role = match opt_text(row, "role_name")? {
                    Some(name) => Some(CheckRole {
                        name,
                        builtin: int(row, "role_builtin")? != 0,
                        permissions: json_list(row, "role_permissions")?,
                    }),
                    None => None,
                };
                Some(CheckLogin {
                    state: AccessState::parse(&state).map_err(|e| StoreError::Corrupt(format!("state: {e}")))?,
                    permissions: json_list(row, "login_permissions")?,
                    all_branches: text(row, "branch_scope")? == "all",
                    role_id: opt_text(row, "role_id")?,
                    role,
                })
            }
            None => None,
        };
        Ok(Self {
            tenant_matches: opt_text(row, "tenant_id")?.is_some(),
            person_found: opt_text(row, "person_id")?.is_some(),
            login,
            branch_known: int(row, "branch_known")? > 0,
            branch_listed: int(row, "branch_listed")? > 0,
        })
    }
}

/// The facts of one check, or `None` when no live key has this hash. Every join carries the
/// key's tenant id, so nothing of another tenant can be read through it.
pub async fn facts(
    conn: &mut Conn,
    key_hash: &str,
    slug: &str,
    person_id: &str,
    branch: Option<&str>,
) -> Result<Option<CheckFacts>> {
    let row = sqlx::query(
        "SELECT t.id AS tenant_id, p.id AS person_id, \
           l.state AS login_state, l.permissions AS login_permissions, l.branch_scope AS branch_scope, l.role_id AS role_id, \
           r.name AS role_name, r.builtin AS role_builtin, r.permissions AS role_permissions, \
           (SELECT COUNT(*) FROM branches b WHERE b.tenant_id = t.id AND b.id = $4) AS branch_known, \
           (SELECT COUNT(*) FROM login_branches lb WHERE lb.person_id = l.person_id AND lb.branch_id = $5) AS branch_listed \
         FROM api_keys k \
         LEFT JOIN tenants t ON t.id = k.tenant_id AND t.slug = $2 \
         LEFT JOIN people p ON p.tenant_id = t.id AND p.id = $3 \
         LEFT JOIN logins l ON l.tenant_id = t.id AND l.person_id = p.id \
         LEFT JOIN roles r ON r.tenant_id = t.id AND r.id = l.role_id \
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
    )
    .bind(key_hash)
    .bind(slug)
    .bind(person_id)
    .bind(branch)
    .bind(branch)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(CheckFacts::from_row).transpose()
}

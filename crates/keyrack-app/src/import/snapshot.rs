//! Reading a tenant's people a page at a time — for the export, which streams them into rows,
//! and for the preview, which keeps them in memory to match every row without a query per row.

use std::collections::HashMap;

use keyrack_core::types::Username;
use keyrack_store::records::{BranchRecord, LoginRecord, PersonRecord, RoleRecord};
use keyrack_store::repo;
use keyrack_store::repo::people::PeopleFilter;

use crate::tenants::Tenant;
use crate::{App, AppResult};

/// People read per query: large enough that 100,000 people take 100 round trips, small enough
/// that the `IN (...)` list of their logins stays far below either database's bind limit.
pub(crate) const PAGE: i64 = 1_000;

/// A person with their login, if any.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) person: PersonRecord,
    pub(crate) login: Option<LoginRecord>,
}

/// The tenant's roles and branches, looked up by id and by name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Catalogue {
    pub(crate) roles: Vec<RoleRecord>,
    pub(crate) branches: Vec<BranchRecord>,
}

impl Catalogue {
    pub(crate) async fn load(conn: &mut keyrack_store::Conn, tenant_id: &str) -> AppResult<Self> {
        Ok(Self { roles: repo::roles::list(conn, tenant_id).await?, branches: repo::branches::list(conn, tenant_id).await? })
    }

    pub(crate) fn role(&self, id: &str) -> Option<&RoleRecord> {
        self.roles.iter().find(|r| r.id == id)
    }

    pub(crate) fn role_named(&self, name: &str) -> Option<&RoleRecord> {
        let name = name.trim();
        self.roles.iter().find(|r| r.name == name).or_else(|| self.roles.iter().find(|r| r.name.eq_ignore_ascii_case(name)))
    }

    /// A branch by id, or by name compared case-insensitively (names are unique that way).
    pub(crate) fn branch(&self, id_or_name: &str) -> Option<&BranchRecord> {
        let wanted = id_or_name.trim();
        self.branches
            .iter()
            .find(|b| b.id == wanted)
            .or_else(|| self.branches.iter().find(|b| b.name.to_lowercase() == wanted.to_lowercase()))
    }

    /// How the export names a branch: by name, unless the name could not be read back as that
    /// one branch (it holds the list separator, or is the word `all`); then by id.
    pub(crate) fn branch_cell(&self, id: &str) -> String {
        match self.branches.iter().find(|b| b.id == id) {
            Some(b) if !b.name.contains(keyrack_sheet::LIST_SEPARATOR) && !b.name.trim().eq_ignore_ascii_case("all") => {
                b.name.trim().to_owned()
            }
            _ => id.to_owned(),
        }
    }

    /// The `branches` cell of a login: `all`, or the branches joined with `|`, sorted by how
    /// they are written so that the cell is stable.
    pub(crate) fn branches_cell(&self, branches: Option<&Vec<String>>) -> String {
        match branches {
            None => "all".to_owned(),
            Some(ids) => {
                let mut names: Vec<String> = ids.iter().map(|id| self.branch_cell(id)).collect();
                names.sort();
                keyrack_sheet::join_list(names)
            }
        }
    }
}

/// Everyone in the tenant, with indexes for matching rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snapshot {
    pub(crate) entries: Vec<Entry>,
    pub(crate) by_id: HashMap<String, usize>,
    /// By [`Username::fold`].
    pub(crate) by_username: HashMap<String, usize>,
    /// By lower-cased address: every person who has it.
    pub(crate) by_email: HashMap<String, Vec<usize>>,
    pub(crate) catalogue: Catalogue,
}

impl Snapshot {
    fn add(&mut self, entry: Entry) {
        let i = self.entries.len();
        self.by_id.insert(entry.person.id.clone(), i);
        if let Some(l) = &entry.login {
            self.by_username.insert(Username::fold(&l.username), i);
        }
        if let Some(e) = &entry.person.email {
            self.by_email.entry(e.to_lowercase()).or_default().push(i);
        }
        self.entries.push(entry);
    }

    /// How many logins can act as administrator (neither blocked nor without access).
    pub(crate) fn administrators(&self) -> usize {
        let Some(admin) = self.catalogue.roles.iter().find(|r| r.builtin && r.name == keyrack_core::authz::ADMINISTRATOR) else {
            return 0;
        };
        self.entries
            .iter()
            .filter_map(|e| e.login.as_ref())
            .filter(|l| l.role_id.as_deref() == Some(admin.id.as_str()) && l.state != keyrack_core::access::AccessState::Blocked)
            .count()
    }
}

impl App {
    /// Calls `page` with the tenant's people in id order, [`PAGE`] at a time, each with their
    /// login. Only one page is in memory at a time.
    pub(crate) async fn people_pages(&self, tenant: &Tenant, mut page: impl FnMut(Vec<Entry>) -> AppResult<()>) -> AppResult<()> {
        let mut after: Option<String> = None;
        loop {
            let mut conn = self.store.read().await?;
            let filter = PeopleFilter { after: after.clone(), ..PeopleFilter::default() };
            let people = repo::people::list(&mut conn, tenant.id(), &filter, PAGE).await?;
            let Some(last) = people.last() else { return Ok(()) };
            after = Some(last.id.clone());
            let full = i64::try_from(people.len()).unwrap_or(i64::MAX) >= PAGE;
            let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
            let mut logins: HashMap<String, LoginRecord> = repo::logins::for_people(&mut conn, tenant.id(), &ids)
                .await?
                .into_iter()
                .map(|l| (l.person_id.clone(), l))
                .collect();
            drop(conn);
            page(people.into_iter().map(|p| Entry { login: logins.remove(&p.id), person: p }).collect())?;
            if !full {
                return Ok(());
            }
        }
    }

    /// The whole tenant in memory, for matching.
    pub(crate) async fn snapshot(&self, tenant: &Tenant) -> AppResult<Snapshot> {
        let mut snapshot = Snapshot::default();
        self.people_pages(tenant, |entries| {
            for e in entries {
                snapshot.add(e);
            }
            Ok(())
        })
        .await?;
        let mut conn = self.store.read().await?;
        snapshot.catalogue = Catalogue::load(&mut conn, tenant.id()).await?;
        Ok(snapshot)
    }
}

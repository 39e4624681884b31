//! How many people each role and each branch concern, for the console pages that change or
//! delete them ("3 people have it in scope").

use std::collections::BTreeMap;

use keyrack_store::repo;

use crate::views::{BranchView, RoleView};
use crate::{Actor, App, AppResult};

impl App {
    /// The tenant's roles, each with how many logins hold it.
    pub async fn roles_with_holders(&self, actor: &Actor, slug: &str) -> AppResult<Vec<(RoleView, i64)>> {
        let roles = self.roles(actor, slug).await?;
        let mut conn = self.store.read().await?;
        let mut out = Vec::with_capacity(roles.len());
        for role in roles {
            let holders = repo::roles::holders(&mut conn, &role.id).await?;
            out.push((role, holders));
        }
        Ok(out)
    }

    /// The tenant's branches, each with how many logins name it in their branch scope (logins
    /// with every branch in scope are not counted: deleting a branch does not change them).
    pub async fn branches_with_people(&self, actor: &Actor, slug: &str) -> AppResult<Vec<(BranchView, i64)>> {
        let branches = self.branches(actor, slug).await?;
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        let counts: BTreeMap<String, i64> = repo::branches::in_scope_counts(&mut conn, tenant.id()).await?.into_iter().collect();
        Ok(branches
            .into_iter()
            .map(|b| {
                let n = counts.get(&b.id).copied().unwrap_or(0);
                (b, n)
            })
            .collect())
    }
}

//! Queries, one module per table. Every function takes a connection (`&mut *tx` inside a
//! transaction) and, where rows belong to a tenant, the tenant id: a row of another tenant is
//! simply not found, which is how tenant isolation starts.

pub mod api_keys;
pub mod audit;
pub mod branches;
pub mod checks;
pub mod imports;
pub mod links;
pub mod logins;
pub mod merges;
pub mod oidc;
pub mod outbox;
pub mod people;
pub mod recipients;
pub mod roles;
pub mod sessions;
pub mod setup;
pub mod tenants;
pub mod throttle;

use sqlx::any::AnyArguments;
use sqlx::{Any, AssertSqlSafe};

/// A value bound to a numbered placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

/// A statement assembled at run time (list filters) with `$n` placeholders, which both SQLite
/// and PostgreSQL accept. Values are always bound, never formatted into the text.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Self {
        Self { text: text.to_owned(), args: Vec::new() }
    }

    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the placeholder for `arg`.
    pub(crate) fn bind(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    pub(crate) fn query(&self) -> sqlx::query::Query<'_, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text.clone()));
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

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

    /// Appends ` IN (...)` with a placeholder per item; an empty list matches nothing
    /// (`IN (NULL)`), which both databases accept where `IN ()` is an error.
    pub(crate) fn in_list(&mut self, items: &[String]) -> &mut Self {
        self.text.push_str(" IN (");
        if items.is_empty() {
            self.text.push_str("NULL");
        }
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(Arg::Text(item.clone()));
        }
        self.text.push(')');
        self
    }

    /// The statement with its values bound, planned with those values at every execution
    /// (not a prepared statement kept on the connection). A filtered list's best plan depends on
    /// the values: once PostgreSQL has planned the same text five times for a common search word,
    /// it switches to one generic plan, which walks all 100,000 people of a tenant for a rare
    /// word (37 ms instead of 0.2). The texts also vary with every filter and list length, and
    /// would crowd the connection's cache of prepared statements out of the fixed queries.
    pub(crate) fn query(&self) -> sqlx::query::Query<'_, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text.clone())).persistent(false);
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

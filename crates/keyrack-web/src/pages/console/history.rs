//! The tenant's audit log (`audit.view`): filters for who acted, the action, the person and
//! the days, keyset pages, and each event's before and after in readable lines.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use keyrack_app::audit::AuditQuery;
use keyrack_app::rights::AUDIT_VIEW;
use keyrack_app::views::AuditEventView;
use serde::Deserialize;

use super::gate::require;
use super::shell::{Console, Shell};
use crate::pages::Tr;
use crate::pages::context::{Page, render};

/// One event as a row.
pub struct Line {
    pub at: String,
    pub by: String,
    pub address: String,
    pub what: String,
    pub about: String,
    pub about_id: Option<String>,
    /// `field: old → new`, one per changed field.
    pub changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "console/history.html")]
struct HistoryPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    q: Filters,
    actions: Vec<(String, String)>,
    lines: Vec<Line>,
    next: Option<String>,
}

/// The filter form, echoed back.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub actor: String,
    pub action: String,
    pub person: String,
    pub from: String,
    pub to: String,
    pub cursor: String,
}

impl Filters {
    fn query(&self) -> AuditQuery {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        AuditQuery {
            actor: some(&self.actor),
            action: some(&self.action),
            person: some(&self.person),
            from: some(&self.from),
            to: some(&self.to),
            cursor: some(&self.cursor),
            limit: Some(50),
        }
    }

    /// The query string of the next page: these filters and the cursor.
    pub fn next_href(&self, cursor: &str) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in
            [("actor", &self.actor), ("action", &self.action), ("person", &self.person), ("from", &self.from), ("to", &self.to)]
        {
            if !v.is_empty() {
                out.append_pair(k, v);
            }
        }
        out.append_pair("cursor", cursor);
        out.finish()
    }
}

/// The actions an admin filters by: groups first, then single actions.
const ACTIONS: &[&str] = &[
    "access.",
    "person.",
    "role.",
    "branch.",
    "tenant.updated",
    "import.",
    "access.grant",
    "access.invite",
    "access.block",
    "access.unblock",
    "access.remove",
    "access.reset",
    "access.set_password",
    "access.role",
    "person.created",
    "person.updated",
    "person.merged",
    "person.deleted",
];

fn action_label(tr: Tr, action: &str) -> String {
    let key = format!("console-event-{}", action.trim_end_matches('.').replace(['.', '_'], "-"));
    if keyrack_i18n::has(&key) { tr.t(&key) } else { action.to_owned() }
}

fn short(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(short).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The fields whose value differs between before and after, as `field: old → new`; a merge's
/// nested records are compared field by field.
fn changes(e: &AuditEventView) -> Vec<String> {
    let empty = serde_json::Map::new();
    let flat = |v: &Option<serde_json::Value>| -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        for (k, v) in v.as_ref().and_then(|v| v.as_object()).unwrap_or(&empty) {
            match v.as_object() {
                Some(inner) if !inner.is_empty() => {
                    for (ik, iv) in inner {
                        out.insert(format!("{k}.{ik}"), iv.clone());
                    }
                }
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        out
    };
    let (before, after) = (flat(&e.before), flat(&e.after));
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (b, a) = (before.get(k).cloned().unwrap_or_default(), after.get(k).cloned().unwrap_or_default());
            (b != a).then(|| format!("{k}: {} → {}", short(&b), short(&a)))
        })
        .collect()
}

pub async fn page(Console { r, admin }: Console, Query(q): Query<Filters>) -> Response {
    if let Err(refused) = require(&r, &admin, AUDIT_VIEW) {
        return *refused;
    }
    let mut page = r.page.clone();
    let tr = page.tr;
    let found = match r.app.audit_log(&admin.actor(), r.tenant.slug(), q.query()).await {
        Ok(f) => f,
        Err(e @ keyrack_app::AppError::Validation(_)) => {
            page = page.with_app_error(&e);
            keyrack_app::views::Page { items: Vec::new(), next_cursor: None }
        }
        Err(e) => return crate::pages::context::error_page(&r, e),
    };
    let lines = found
        .items
        .iter()
        .map(|e| Line {
            at: e.at.replace('T', " ").chars().take(16).collect(),
            by: e.actor.label.clone(),
            address: e.address.clone().unwrap_or_default(),
            what: action_label(tr, &e.action),
            about: e.subject.clone(),
            about_id: e.subject_id.clone().filter(|_| e.action.starts_with("person.") || e.action.starts_with("access.")),
            changes: changes(e),
        })
        .collect();
    let actions = ACTIONS.iter().map(|a| ((*a).to_owned(), action_label(tr, a))).collect();
    let next = found.next_cursor.map(|c| q.next_href(&c));
    render(
        r.jar.clone(),
        axum::http::StatusCode::OK,
        &HistoryPage { page, tr, shell: admin.shell.clone(), q, actions, lines, next },
    )
}

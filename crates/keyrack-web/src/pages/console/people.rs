//! The people list: search and filters as a GET form, keyset pages, and invitations or blocks
//! for several people at once.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use keyrack_app::AppError;
use keyrack_app::access::{ActionInput, InviteInput};
use keyrack_app::people_list::{PeopleListQuery, PeopleListRow};
use keyrack_core::access::{AccessState, Action};
use keyrack_core::types::PersonKind;
use serde::Deserialize;

use super::shell::{Admin, Console, Shell};
use super::view::{Badge, action_label, badge, kind_label, moment};
use crate::pages::Tr;
use crate::pages::context::{Done, Page, PageRequest, error_page, render, submit};

/// How many people a page shows.
pub const PAGE_SIZE: i64 = 50;

/// One row of the table.
pub struct Row {
    pub id: String,
    pub name: String,
    pub email: String,
    pub badge: Badge,
    pub facts: Vec<String>,
    pub kind: String,
    pub username: String,
    pub role: String,
    pub branches: String,
    pub last_login: String,
}

/// A choice in a filter's drop-down.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "console/people.html")]
struct PeoplePage {
    page: Page,
    tr: Tr,
    shell: Shell,
    query: PeopleListQuery,
    states: Vec<Choice>,
    kinds: Vec<Choice>,
    roles: Vec<Choice>,
    branches: Vec<Choice>,
    rows: Vec<Row>,
    next: Option<String>,
    first: Option<String>,
    may_act: bool,
}

fn choices(values: impl IntoIterator<Item = (String, String)>, selected: &str) -> Vec<Choice> {
    values.into_iter().map(|(value, label)| Choice { selected: value == selected, value, label }).collect()
}

fn row(tr: Tr, r: PeopleListRow) -> Row {
    let mut facts = Vec::new();
    for (on, key) in [
        (r.invitation_expired, "console-fact-invitation-expired"),
        (r.email_shared, "console-fact-email-shared"),
        (r.locked, "console-fact-locked"),
        (r.must_change_password, "console-fact-must-change-password"),
    ] {
        if on {
            facts.push(tr.t(key));
        }
    }
    Row {
        badge: badge(tr, r.state),
        kind: kind_label(tr, r.kind),
        username: r.username.unwrap_or_default(),
        role: r.role.unwrap_or_default(),
        branches: match r.branches {
            None if r.state == AccessState::None => String::new(),
            None => tr.t("console-all-branches"),
            Some(list) if list.is_empty() => tr.t("console-no-branches"),
            Some(list) => list.join(", "),
        },
        last_login: if r.state == AccessState::None { String::new() } else { moment(tr, r.last_login_at) },
        email: r.email.unwrap_or_default(),
        name: r.name,
        facts,
        id: r.id,
    }
}

/// The query string of the same search on another page.
fn page_link(home: &str, q: &PeopleListQuery, after: &str) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [("q", &q.q), ("state", &q.state), ("kind", &q.kind), ("role", &q.role), ("branch", &q.branch)] {
        if !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    for (k, on) in
        [("email_shared", q.email_shared), ("invitation_expired", q.invitation_expired), ("never_logged_in", q.never_logged_in)]
    {
        if on {
            s.append_pair(k, "true");
        }
    }
    if !after.is_empty() {
        s.append_pair("after", after);
    }
    let qs = s.finish();
    if qs.is_empty() { home.to_owned() } else { format!("{home}?{qs}") }
}

async fn list_page(r: &PageRequest, admin: &Admin, query: PeopleListQuery, page: Page) -> Response {
    let tr = page.tr;
    let actor = admin.actor();
    let slug = r.tenant.slug();
    let (found, page) = match r.app.people_list(&actor, slug, &query, PAGE_SIZE).await {
        Ok(found) => (found, page),
        Err(e @ AppError::Validation(_)) => (Default::default(), page.with_app_error(&e)),
        Err(e) => return error_page(r, e),
    };
    let (roles, branches) = match (r.app.roles(&actor, slug).await, r.app.branches(&actor, slug).await) {
        (Ok(roles), Ok(branches)) => (roles, branches),
        (Err(e), _) | (_, Err(e)) => return error_page(r, e),
    };
    let any = || (String::new(), tr.t("console-filter-any"));
    let view = PeoplePage {
        states: choices(
            std::iter::once(any())
                .chain(AccessState::ALL.iter().map(|s| (s.as_str().to_owned(), keyrack_i18n::state_label(tr.0, *s)))),
            &query.state,
        ),
        kinds: choices(
            std::iter::once(any()).chain(PersonKind::ALL.iter().map(|k| (k.as_str().to_owned(), kind_label(tr, *k)))),
            &query.kind,
        ),
        roles: choices(std::iter::once(any()).chain(roles.into_iter().map(|r| (r.name.clone(), r.name))), &query.role),
        branches: choices(std::iter::once(any()).chain(branches.into_iter().map(|b| (b.id, b.name))), &query.branch),
        rows: found.rows.into_iter().map(|x| row(tr, x)).collect(),
        next: found.next.map(|after| page_link(&admin.shell.home, &query, &after)),
        first: (!query.after.is_empty()).then(|| page_link(&admin.shell.home, &query, "")),
        may_act: admin.may_manage_access(),
        shell: admin.shell.clone(),
        query,
        page,
        tr,
    };
    render(r.jar.clone(), StatusCode::OK, &view)
}

pub async fn list(c: Console, Query(query): Query<PeopleListQuery>) -> Response {
    let page = c.r.page.clone();
    list_page(&c.r, &c.admin, query, page).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BulkForm {
    csrf: String,
    action: String,
    person: Vec<String>,
    confirmed: bool,
}

/// What happened to one selected person.
pub struct BulkResult {
    pub id: String,
    pub name: String,
    pub ok: bool,
    pub message: String,
}

#[derive(Template)]
#[template(path = "console/bulk.html")]
struct BulkPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    action: String,
    action_label: String,
    /// Asking to confirm (the people are listed, nothing was done yet), or the report.
    confirming: bool,
    results: Vec<BulkResult>,
}

/// Invitations or blocks for the selected people. Each person goes through the same state
/// machine as on their own page, in their own transaction: one refusal does not undo the
/// others, and the report says per person what happened. Blocking asks for a confirmation
/// first (a second form post, so it works without JavaScript). The report is shown once, not
/// redirected to: it describes this post, not a resource.
pub async fn bulk(c: Console, Form(f): Form<BulkForm>) -> Response {
    let back = c.admin.shell.home.clone();
    let csrf = f.csrf.clone();
    let call = async |r: &PageRequest, admin: &Admin| {
        let action = match f.action.as_str() {
            "invite" => Action::Invite,
            "block" => Action::Block,
            _ => return Ok(Done::to(admin.shell.home.clone(), "console-bulk-nothing")),
        };
        if f.person.is_empty() {
            return Ok(Done::Redirect {
                to: admin.shell.home.clone(),
                flash: crate::pages::context::Flash::refusal("console-bulk-none-selected"),
            });
        }
        let tr = r.page.tr;
        let actor = admin.actor();
        let slug = r.tenant.slug();
        let confirming = action == Action::Block && !f.confirmed;
        let mut results = Vec::new();
        for id in f.person.iter().take(200) {
            let name = match r.app.person(&actor, slug, id).await {
                Ok(p) => [p.first_name, p.last_name].join(" ").trim().to_owned(),
                Err(_) => {
                    results.push(BulkResult {
                        id: id.clone(),
                        name: String::new(),
                        ok: false,
                        message: tr.t("message-not-found-title"),
                    });
                    continue;
                }
            };
            if confirming {
                results.push(BulkResult { id: id.clone(), name, ok: true, message: String::new() });
                continue;
            }
            let input = if action == Action::Invite { ActionInput::Invite(InviteInput::default()) } else { ActionInput::None };
            let (ok, message) = match r.app.act(&actor, r.origin(), slug, id, action, input).await {
                Ok(_) => (true, tr.t(&format!("console-bulk-done-{}", action.as_str()))),
                Err(e) => (false, super::person::refusal_text(tr, &e)),
            };
            results.push(BulkResult { id: id.clone(), name, ok, message });
        }
        let view = BulkPage {
            page: r.page.clone(),
            tr,
            shell: admin.shell.clone(),
            action: action.as_str().to_owned(),
            action_label: action_label(tr, action, AccessState::Active),
            confirming,
            results,
        };
        Ok(Done::Page(render(r.jar.clone(), StatusCode::OK, &view)))
    };
    let again = async |r: &PageRequest, admin: &Admin, page: Page| list_page(r, admin, PeopleListQuery::default(), page).await;
    submit(c.r, c.admin, &csrf, back, call, again).await
}

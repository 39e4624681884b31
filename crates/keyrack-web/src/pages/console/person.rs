//! A person's page: details, the access panel with exactly the actions valid in the current
//! state, role with extra permissions and branches, e-mail categories, the diagnosis in plain
//! words and the person's history; and the page that adds a person.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use keyrack_app::AppError;
use keyrack_app::access::{ActionInput, GrantInput, InviteInput, PasswordInput, UsernameInput};
use keyrack_app::people::{NewPerson, PersonPatch, RoleAssignment};
use keyrack_app::rights::{ADMINISTRATOR_ROLE, AUDIT_VIEW, PEOPLE_MANAGE};
use keyrack_app::views::PersonView;
use keyrack_core::FieldError;
use keyrack_core::access::{AccessState, Action};
use keyrack_core::types::PersonKind;
use serde::Deserialize;

use super::shell::{Admin, Console, Shell};
use super::view::{ActionButton, Badge, action_label, badge, kind_label, parse_action, valid_actions};
use crate::pages::Tr;
use crate::pages::context::{Done, Flash, Page, PageRequest, error_page, refusal, render, submit};

/// A checkbox or radio button; `enabled` is false for what the admin may not grant.
pub struct Tick {
    pub value: String,
    pub label: String,
    pub checked: bool,
    pub enabled: bool,
}

/// One line of the person's history.
pub struct HistoryLine {
    pub at: String,
    pub what: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "console/person.html")]
struct PersonPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    p: PersonView,
    form: DetailsForm,
    name: String,
    badge: Badge,
    facts: Vec<String>,
    kinds: Vec<Tick>,
    languages: Vec<Tick>,
    can_log_in: bool,
    diagnosis: Vec<String>,
    may_edit: bool,
    /// Others of the tenant have this address: a reset by e-mail cannot go out (SPEC §4), so the
    /// page points to merging or changing the address.
    email_shared: bool,
    may_access: bool,
    actions: Vec<ActionButton>,
    may_set_password: bool,
    has_login: bool,
    /// Whether the admin may change the username: `access.manage`, and an administrator's
    /// login only for an administrator (the use case refuses the rest anyway).
    may_rename: bool,
    /// The username form's value: the name just refused, else the current one.
    username: String,
    roles: Vec<Tick>,
    permissions: Vec<Tick>,
    all_branches: bool,
    all_branches_enabled: bool,
    branches: Vec<Tick>,
    /// Branches of the login outside the admin's scope: kept, not shown as choices.
    kept_branches: Vec<String>,
    categories: Vec<Tick>,
    history: Option<Vec<HistoryLine>>,
    last_login: String,
    /// A password generated just now, shown this once.
    generated: Option<String>,
}

fn label_or(tr: Tr, key: &str, fallback: &str) -> String {
    if keyrack_i18n::has(key) { tr.t(key) } else { fallback.to_owned() }
}

/// A refused action in the reader's words (for reports of several people).
pub fn refusal_text(tr: Tr, e: &AppError) -> String {
    match refusal(e) {
        Some(flash) => {
            let state = flash.args.iter().find(|(n, _)| n == "state").map(|(_, v)| v.clone()).unwrap_or_default();
            let label = AccessState::parse(&state).map(|s| keyrack_i18n::state_label(tr.0, s)).unwrap_or(state);
            keyrack_i18n::t_args(tr.0, &flash.key, &[("state", label.into())])
        }
        None if matches!(e, AppError::Validation(_)) => {
            let AppError::Validation(errors) = e else { return String::new() };
            errors.0.iter().map(|f| keyrack_i18n::field_error(tr.0, f)).collect::<Vec<_>>().join(" ")
        }
        None => tr.t("message-not-found-title"),
    }
}

async fn person_page(r: &PageRequest, admin: &Admin, id: &str, page: Page, generated: Option<String>) -> Response {
    person_page_with(r, admin, id, page, generated, None).await
}

/// The person page; `typed` is a refused username, shown again in its form.
async fn person_page_with(
    r: &PageRequest,
    admin: &Admin,
    id: &str,
    page: Page,
    generated: Option<String>,
    typed: Option<String>,
) -> Response {
    let tr = page.tr;
    let actor = admin.actor();
    let slug = r.tenant.slug();
    let p = match r.app.person(&actor, slug, id).await {
        Ok(p) => p,
        Err(e) => return error_page(r, e),
    };
    let (diagnosis, roles, branches) =
        match (r.app.diagnosis(&actor, slug, id).await, r.app.roles(&actor, slug).await, r.app.branches(&actor, slug).await) {
            (Ok(d), Ok(roles), Ok(branches)) => (d, roles, branches),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return error_page(r, e),
        };
    let history = if admin.may(AUDIT_VIEW) {
        match r.app.audit(&actor, slug, Some(id), None, 30).await {
            Ok(events) => Some(
                events
                    .items
                    .into_iter()
                    .map(|e| HistoryLine {
                        at: e.at.replace('T', " ").chars().take(16).collect(),
                        what: label_or(tr, &format!("console-event-{}", e.action.replace(['.', '_'], "-")), &e.action),
                        by: e.actor.label,
                    })
                    .collect(),
            ),
            Err(_) => None,
        }
    } else {
        None
    };
    let state = AccessState::parse(&p.access.state).unwrap_or(AccessState::None);
    // Whether a blocked login may be unblocked does not depend on the state before blocking.
    let before_block = (state == AccessState::Blocked).then_some(AccessState::Granted);
    let rights = &admin.rights;
    let limit = rights.branch_limit();
    let stored: Option<Vec<String>> =
        p.access.branches.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
    let all_branches = stored.is_none();
    let kind = PersonKind::parse(&p.kind).unwrap_or(PersonKind::Contact);
    let view = PersonPage {
        name: [p.first_name.as_str(), p.last_name.as_str()].join(" ").trim().to_owned(),
        badge: badge(tr, state),
        email_shared: p.access.flags.iter().any(|f| f == "email_shared"),
        facts: p
            .access
            .flags
            .iter()
            .filter(|f| f.as_str() != "never_logged_in")
            .map(|f| label_or(tr, &format!("console-fact-{}", f.replace('_', "-")), f))
            .collect(),
        kinds: PersonKind::ALL
            .iter()
            .map(|k| Tick { value: k.as_str().into(), label: kind_label(tr, *k), checked: *k == kind, enabled: true })
            .collect(),
        languages: r
            .page
            .languages
            .iter()
            .map(|l| Tick { value: l.code.into(), label: l.name.into(), checked: l.code == p.language, enabled: true })
            .collect(),
        can_log_in: diagnosis.can_log_in,
        diagnosis: diagnosis
            .reasons
            .iter()
            .map(|x| keyrack_i18n::reason_parts(tr.0, &x.code, &x.message, x.params.iter()))
            .collect(),
        may_edit: admin.may(PEOPLE_MANAGE),
        may_access: admin.may_manage_access(),
        actions: valid_actions(tr, state, before_block),
        may_set_password: keyrack_core::access::decide(state, before_block, Action::SetPassword).is_ok(),
        has_login: state != AccessState::None,
        may_rename: admin.may_manage_access()
            && p.access.username.is_some()
            && (rights.is_administrator() || p.access.role.as_deref() != Some(ADMINISTRATOR_ROLE)),
        username: typed.or_else(|| p.access.username.clone()).unwrap_or_default(),
        roles: std::iter::once(Tick {
            value: String::new(),
            label: tr.t("console-no-role"),
            checked: p.access.role.is_none(),
            enabled: true,
        })
        .chain(roles.iter().map(|role| Tick {
            checked: p.access.role.as_deref() == Some(role.name.as_str()),
            // Keeping what the login has is not granting it; only a change must be held.
            enabled: p.access.role.as_deref() == Some(role.name.as_str())
                || if role.name == ADMINISTRATOR_ROLE {
                    rights.is_administrator()
                } else {
                    role.permissions.iter().all(|x| rights.holds(x))
                },
            label: role.name.clone(),
            value: role.name.clone(),
        }))
        .collect(),
        permissions: r
            .app
            .config()
            .all_permissions()
            .iter()
            .map(|x| Tick {
                checked: p.access.permissions.contains(x),
                enabled: p.access.permissions.contains(x) || rights.holds(x),
                label: label_or(tr, &format!("permission-{}", x.replace(['.', '_'], "-")), x),
                value: x.clone(),
            })
            .collect(),
        all_branches,
        all_branches_enabled: limit.is_none(),
        kept_branches: match (&stored, &limit) {
            (Some(ids), Some(limit)) => ids.iter().filter(|b| !limit.contains(*b)).cloned().collect(),
            _ => Vec::new(),
        },
        branches: branches
            .iter()
            .filter(|b| limit.as_ref().is_none_or(|l| l.contains(&b.id)))
            .map(|b| Tick {
                checked: stored.as_ref().is_some_and(|ids| ids.contains(&b.id)),
                enabled: true,
                label: b.name.clone(),
                value: b.id.clone(),
            })
            .collect(),
        categories: r
            .app
            .config()
            .email_categories
            .iter()
            .map(|c| Tick {
                checked: p.notifications.contains(c),
                enabled: true,
                label: label_or(tr, &format!("category-{c}"), c),
                value: c.clone(),
            })
            .collect(),
        history,
        form: DetailsForm {
            csrf: String::new(),
            kind: p.kind.clone(),
            salutation: p.salutation.clone(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            email: p.email.clone().unwrap_or_default(),
            phone: p.phones.first().cloned().unwrap_or_default(),
            language: p.language.clone(),
        },
        last_login: match &p.access.last_login_at {
            Some(at) => at.replace('T', " ").chars().take(16).collect(),
            None => super::view::moment(tr, None),
        },
        generated,
        shell: admin.shell.clone(),
        page,
        tr,
        p,
    };
    render(r.jar.clone(), StatusCode::OK, &view)
}

pub async fn page(c: Console, Path((_, id)): Path<(String, String)>) -> Response {
    let page = c.r.page.clone();
    person_page(&c.r, &c.admin, &id, page, None).await
}

fn person_url(admin: &Admin, id: &str) -> String {
    admin.url(&format!("/people/{id}"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DetailsForm {
    csrf: String,
    kind: String,
    salutation: String,
    first_name: String,
    last_name: String,
    email: String,
    phone: String,
    language: String,
}

pub async fn details(c: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<DetailsForm>) -> Response {
    let back = person_url(&c.admin, &id);
    let patch = PersonPatch {
        kind: Some(f.kind),
        salutation: Some(f.salutation),
        first_name: Some(f.first_name),
        last_name: Some(f.last_name),
        email: Some(f.email),
        phones: Some(vec![f.phone]),
        language: Some(f.language),
        notifications: None,
    };
    let call = async |r: &PageRequest, admin: &Admin| {
        r.app.update_person(&admin.actor(), r.origin(), r.tenant.slug(), &id, patch).await?;
        Ok(Done::to(person_url(admin, &id), "console-flash-saved"))
    };
    let again = async |r: &PageRequest, admin: &Admin, page: Page| person_page(r, admin, &id, page, None).await;
    submit(c.r, c.admin, &f.csrf, back, call, again).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccessForm {
    csrf: String,
    /// `grant`: a username other than the e-mail address.
    username: String,
    confirmed: bool,
}

#[derive(Template)]
#[template(path = "console/confirm.html")]
struct ConfirmPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    action: String,
    label: String,
    question: String,
    back: String,
}

/// The confirmation step of a destructive action: a page with one form, so it works without
/// JavaScript. Showing it changes nothing.
pub async fn confirm(c: Console, Path((_, id, action)): Path<(String, String, String)>) -> Response {
    let tr = c.r.page.tr;
    let Some(action) = parse_action(&action) else { return error_page(&c.r, AppError::NotFound) };
    let p = match c.r.app.person(&c.admin.actor(), c.r.tenant.slug(), &id).await {
        Ok(p) => p,
        Err(e) => return error_page(&c.r, e),
    };
    let name = [p.first_name.as_str(), p.last_name.as_str()].join(" ").trim().to_owned();
    let state = AccessState::parse(&p.access.state).unwrap_or(AccessState::None);
    let view = ConfirmPage {
        question: keyrack_i18n::t_args(tr.0, &format!("console-confirm-{}", action.as_str()), &[("name", name.clone().into())]),
        label: action_label(tr, action, state),
        action: action.as_str().to_owned(),
        back: person_url(&c.admin, &id),
        shell: c.admin.shell.clone(),
        page: c.r.page.clone(),
        tr,
    };
    render(c.r.jar.clone(), StatusCode::OK, &view)
}

pub async fn access(c: Console, Path((_, id, action)): Path<(String, String, String)>, Form(f): Form<AccessForm>) -> Response {
    let back = person_url(&c.admin, &id);
    let Some(action) = parse_action(&action) else { return error_page(&c.r, AppError::NotFound) };
    let call = async |r: &PageRequest, admin: &Admin| {
        if super::view::destructive(action) && !f.confirmed {
            // Without the confirmation step's field, nothing happens: back to the question.
            return Ok(Done::Redirect {
                to: admin.url(&format!("/people/{id}/access/{}", action.as_str())),
                flash: Flash::new("console-confirm-first"),
            });
        }
        let input = match action {
            Action::Grant => ActionInput::Grant(GrantInput {
                username: Some(f.username.trim().to_owned()).filter(|u| !u.is_empty()),
                role: None,
            }),
            Action::Invite => ActionInput::Invite(InviteInput::default()),
            _ => ActionInput::None,
        };
        r.app.act(&admin.actor(), r.origin(), r.tenant.slug(), &id, action, input).await?;
        Ok(Done::to(person_url(admin, &id), &format!("console-flash-{}", action.as_str())))
    };
    let again = async |r: &PageRequest, admin: &Admin, page: Page| person_page(r, admin, &id, page, None).await;
    submit(c.r, c.admin, &f.csrf, back, call, again).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UsernameForm {
    csrf: String,
    username: String,
}

/// Changes the username of the person's login ("Kontoname ändern"). A name that another login
/// has is refused next to the field, like a malformed one, with the typed name kept there.
pub async fn username(c: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<UsernameForm>) -> Response {
    let back = person_url(&c.admin, &id);
    let input = UsernameInput { username: f.username.clone() };
    let call = async |r: &PageRequest, admin: &Admin| {
        if let Err(e) = r.app.change_username(&admin.actor(), r.origin(), r.tenant.slug(), &id, input).await {
            return Err(match e {
                AppError::Conflict { code: "username_taken", message } => {
                    FieldError::new("username", "username_taken", message).into()
                }
                e => e,
            });
        }
        Ok(Done::to(person_url(admin, &id), "console-flash-username-changed"))
    };
    let csrf = f.csrf.clone();
    let again =
        async |r: &PageRequest, admin: &Admin, page: Page| person_page_with(r, admin, &id, page, None, Some(f.username)).await;
    submit(c.r, c.admin, &csrf, back, call, again).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    csrf: String,
    password: String,
    /// Set by the "Generate password" button.
    generate: String,
    must_change: bool,
}

/// Sets the given password, or generates one and shows it this once (a page, not a redirect:
/// the password must not travel in a cookie or a URL).
pub async fn password(c: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<PasswordForm>) -> Response {
    let back = person_url(&c.admin, &id);
    let generate = !f.generate.is_empty();
    let input =
        PasswordInput { password: (!generate).then(|| f.password.clone()), generate, must_change_password: Some(f.must_change) };
    let call = async |r: &PageRequest, admin: &Admin| {
        let view = r.app.set_password(&admin.actor(), r.origin(), r.tenant.slug(), &id, input).await?;
        match view.password {
            Some(generated) => {
                let mut page = r.page.clone();
                page.flash = Some(r.page.tr.t("console-flash-password-generated"));
                Ok(Done::Page(person_page(r, admin, &id, page, Some(generated)).await))
            }
            None => Ok(Done::to(person_url(admin, &id), "console-flash-password-set")),
        }
    };
    let again = async |r: &PageRequest, admin: &Admin, page: Page| person_page(r, admin, &id, page, None).await;
    submit(c.r, c.admin, &f.csrf, back, call, again).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    csrf: String,
    role: String,
    permission: Vec<String>,
    /// `all`, or `some` with the `branch` boxes.
    scope: String,
    branch: Vec<String>,
}

pub async fn role(c: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<RoleForm>) -> Response {
    let back = person_url(&c.admin, &id);
    let input = RoleAssignment {
        role: Some(f.role.clone()).filter(|r| !r.is_empty()),
        permissions: f.permission.clone(),
        branches: if f.scope == "all" { serde_json::Value::from("all") } else { serde_json::Value::from(f.branch.clone()) },
    };
    let call = async |r: &PageRequest, admin: &Admin| {
        r.app.assign_role(&admin.actor(), r.origin(), r.tenant.slug(), &id, input).await?;
        Ok(Done::to(person_url(admin, &id), "console-flash-role-saved"))
    };
    let again = async |r: &PageRequest, admin: &Admin, page: Page| person_page(r, admin, &id, page, None).await;
    submit(c.r, c.admin, &f.csrf, back, call, again).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CategoriesForm {
    csrf: String,
    category: Vec<String>,
}

pub async fn notifications(c: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<CategoriesForm>) -> Response {
    let back = person_url(&c.admin, &id);
    let patch = PersonPatch { notifications: Some(f.category), ..PersonPatch::default() };
    let call = async |r: &PageRequest, admin: &Admin| {
        r.app.update_person(&admin.actor(), r.origin(), r.tenant.slug(), &id, patch).await?;
        Ok(Done::to(person_url(admin, &id), "console-flash-saved"))
    };
    let again = async |r: &PageRequest, admin: &Admin, page: Page| person_page(r, admin, &id, page, None).await;
    submit(c.r, c.admin, &f.csrf, back, call, again).await
}

#[derive(Template)]
#[template(path = "console/new_person.html")]
struct NewPersonPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    form: DetailsForm,
    kinds: Vec<Tick>,
    languages: Vec<Tick>,
}

fn new_person_page(r: &PageRequest, admin: &Admin, page: Page, form: DetailsForm) -> Response {
    let tr = page.tr;
    let language = if form.language.is_empty() { r.tenant.record.language.as_str().to_owned() } else { form.language.clone() };
    let view = NewPersonPage {
        kinds: PersonKind::ALL
            .iter()
            .map(|k| Tick {
                value: k.as_str().into(),
                label: kind_label(tr, *k),
                checked: k.as_str() == form.kind,
                enabled: true,
            })
            .collect(),
        languages: page
            .languages
            .iter()
            .map(|l| Tick { value: l.code.into(), label: l.name.into(), checked: l.code == language, enabled: true })
            .collect(),
        shell: admin.shell.clone(),
        form,
        page,
        tr,
    };
    render(r.jar.clone(), StatusCode::OK, &view)
}

pub async fn new_form(c: Console) -> Response {
    let page = c.r.page.clone();
    let form = DetailsForm { kind: "staff".into(), ..DetailsForm::default() };
    new_person_page(&c.r, &c.admin, page, form)
}

pub async fn create(c: Console, Form(f): Form<DetailsForm>) -> Response {
    let back = c.admin.url("/people/new");
    let input = NewPerson {
        kind: f.kind.clone(),
        salutation: Some(f.salutation.clone()),
        first_name: Some(f.first_name.clone()),
        last_name: Some(f.last_name.clone()),
        email: Some(f.email.clone()).filter(|e| !e.trim().is_empty()),
        phones: Some(vec![f.phone.clone()]),
        language: Some(f.language.clone()).filter(|l| !l.is_empty()),
        notifications: None,
    };
    let csrf = f.csrf.clone();
    let call = async |r: &PageRequest, admin: &Admin| {
        let p = r.app.create_person(&admin.actor(), r.origin(), r.tenant.slug(), input).await?;
        Ok(Done::to(person_url(admin, &p.id), "console-flash-person-added"))
    };
    let again = async |r: &PageRequest, admin: &Admin, page: Page| new_person_page(r, admin, page, f);
    submit(c.r, c.admin, &csrf, back, call, again).await
}

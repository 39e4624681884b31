//! Shared e-mail addresses, grouped, with the two ways out of them: merge two people who are
//! one (choosing the person who stays, per field the value to keep, and the login that stays),
//! or give one of them another address.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use axum_extra::extract::Form;
use keyrack_app::merge::{MergeFields, MergeInput, SharedEmailsQuery, Side};
use keyrack_app::people::PersonPatch;
use keyrack_app::views::PersonView;
use keyrack_core::FieldError;
use keyrack_core::access::AccessState;
use serde::Deserialize;

use super::shell::{Admin, Console, Shell};
use super::view::{Badge, badge, kind_label};
use crate::pages::Tr;
use crate::pages::context::{Done, Page, PageRequest, error_page, render, submit};

/// One person of a group.
pub struct Member {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub username: String,
    pub badge: Badge,
    pub email: String,
}

pub struct Group {
    pub email: String,
    pub count: String,
    pub people: Vec<Member>,
    /// (keep, other, label) for each pair that can be merged.
    pub merges: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "console/duplicates.html")]
struct ListPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    groups: Vec<Group>,
    next: Option<String>,
}

fn name(p: &PersonView) -> String {
    let n = format!("{} {}", p.first_name, p.last_name).trim().to_owned();
    if n.is_empty() { p.email.clone().unwrap_or_default() } else { n }
}

fn member(tr: Tr, p: &PersonView) -> Member {
    Member {
        id: p.id.clone(),
        name: name(p),
        kind: keyrack_core::types::PersonKind::parse(&p.kind).map(|k| kind_label(tr, k)).unwrap_or_default(),
        username: p.access.username.clone().unwrap_or_default(),
        badge: badge(tr, AccessState::parse(&p.access.state).unwrap_or(AccessState::None)),
        email: p.email.clone().unwrap_or_default(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    cursor: Option<String>,
}

async fn list_page(r: &PageRequest, admin: &Admin, cursor: Option<String>, page: Page) -> Response {
    let tr = page.tr;
    let query = SharedEmailsQuery { cursor, limit: Some(50) };
    let found = match r.app.shared_emails(&admin.actor(), r.tenant.slug(), query).await {
        Ok(f) => f,
        Err(e) => return error_page(r, e),
    };
    let groups = found
        .items
        .iter()
        .map(|g| {
            let people: Vec<Member> = g.people.iter().map(|p| member(tr, p)).collect();
            let mut merges = Vec::new();
            for keep in &g.people {
                for other in g.people.iter().filter(|o| o.id != keep.id) {
                    let label = keyrack_i18n::t_args(tr.0, "admin-merge-with", &[("name", name(other).into())]);
                    merges.push((keep.id.clone(), other.id.clone(), format!("{} → {label}", name(keep))));
                }
            }
            let count = keyrack_i18n::t_args(tr.0, "admin-shared-count", &[("count", g.people.len().into())]);
            Group { email: g.email.clone(), count, people, merges }
        })
        .collect();
    render(
        r.jar.clone(),
        axum::http::StatusCode::OK,
        &ListPage { page, tr, shell: admin.shell.clone(), groups, next: found.next_cursor },
    )
}

pub async fn list(Console { r, admin }: Console, Query(q): Query<ListQuery>) -> Response {
    let page = r.page.clone();
    list_page(&r, &admin, q.cursor, page).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddressForm {
    csrf: String,
    person: String,
    email: String,
}

/// Gives one person of a group another address.
pub async fn change_address(Console { r, admin }: Console, Form(f): Form<AddressForm>) -> Response {
    let back = admin.url("/duplicates");
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f),
        &csrf,
        back.clone(),
        async |r, (admin, f)| {
            if f.email.trim().is_empty() {
                return Err(FieldError::new("email", "required", "give the new address").into());
            }
            let patch = PersonPatch { email: Some(f.email.clone()), ..PersonPatch::default() };
            r.app.update_person(&admin.actor(), r.origin(), r.tenant.slug(), &f.person, patch).await?;
            Ok(Done::to(back.clone(), "flash-address-changed"))
        },
        async |r, (admin, _), page| list_page(r, admin, None, page).await,
    )
    .await
}

/// One field of the wizard: the value of each person and which one is kept.
pub struct Choice {
    pub field: &'static str,
    pub label: String,
    pub keep: String,
    pub other: String,
    pub take_other: bool,
    pub differs: bool,
}

#[derive(Template)]
#[template(path = "console/merge.html")]
struct MergePage {
    page: Page,
    tr: Tr,
    shell: Shell,
    keep: Member,
    other: Member,
    choices: Vec<Choice>,
    keep_login: Option<String>,
    other_login: Option<String>,
    login_other: bool,
    confirm: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MergeQuery {
    keep: String,
    other: String,
}

const FIELDS: [&str; 8] = ["kind", "salutation", "first_name", "last_name", "email", "phones", "language", "notifications"];

fn field_label(tr: Tr, field: &str) -> String {
    tr.t(match field {
        "kind" => "admin-field-kind",
        "salutation" => "profile-salutation",
        "first_name" => "profile-first-name",
        "last_name" => "profile-last-name",
        "email" => "admin-field-email",
        "phones" => "admin-field-phones",
        "language" => "profile-language",
        _ => "admin-field-notifications",
    })
}

fn field_value(tr: Tr, p: &PersonView, field: &str) -> String {
    let v = match field {
        "kind" => keyrack_core::types::PersonKind::parse(&p.kind).map(|k| kind_label(tr, k)).unwrap_or_default(),
        "salutation" => p.salutation.clone(),
        "first_name" => p.first_name.clone(),
        "last_name" => p.last_name.clone(),
        "email" => p.email.clone().unwrap_or_default(),
        "phones" => p.phones.join(", "),
        "language" => p.language.clone(),
        _ => p.notifications.iter().map(|c| tr.t(&format!("category-{c}"))).collect::<Vec<_>>().join(", "),
    };
    if v.is_empty() { tr.t("admin-empty") } else { v }
}

fn login_text(tr: Tr, p: &PersonView) -> Option<String> {
    let state = AccessState::parse(&p.access.state).unwrap_or(AccessState::None);
    p.access.username.as_ref().map(|u| format!("{u} · {}", keyrack_i18n::state_label(tr.0, state)))
}

async fn merge_page(r: &PageRequest, admin: &Admin, f: &MergeForm, page: Page) -> Response {
    let tr = page.tr;
    let (actor, slug) = (admin.actor(), r.tenant.slug());
    let (keep, other) = match (r.app.person(&actor, slug, &f.keep).await, r.app.person(&actor, slug, &f.other).await) {
        (Ok(k), Ok(o)) => (k, o),
        (Err(e), _) | (_, Err(e)) => return error_page(r, e),
    };
    let choices = FIELDS
        .iter()
        .map(|field| {
            let (a, b) = (field_value(tr, &keep, field), field_value(tr, &other, field));
            Choice {
                field,
                label: field_label(tr, field),
                take_other: f.side(field) == Side::Other,
                differs: a != b,
                keep: a,
                other: b,
            }
        })
        .collect();
    let view = MergePage {
        confirm: keyrack_i18n::t_args(tr.0, "admin-merge-confirm", &[("name", name(&other).into())]),
        keep_login: login_text(tr, &keep),
        other_login: login_text(tr, &other),
        login_other: f.login == "other",
        keep: member(tr, &keep),
        other: member(tr, &other),
        choices,
        page,
        tr,
        shell: admin.shell.clone(),
    };
    render(r.jar.clone(), axum::http::StatusCode::OK, &view)
}

/// The wizard: the two people side by side.
pub async fn wizard(Console { r, admin }: Console, Query(q): Query<MergeQuery>) -> Response {
    let f = MergeForm { keep: q.keep, other: q.other, ..MergeForm::default() };
    let page = r.page.clone();
    merge_page(&r, &admin, &f, page).await
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct MergeForm {
    csrf: String,
    keep: String,
    other: String,
    kind: String,
    salutation: String,
    first_name: String,
    last_name: String,
    email: String,
    phones: String,
    language: String,
    notifications: String,
    login: String,
    confirmed: String,
}

impl MergeForm {
    fn side(&self, field: &str) -> Side {
        let v = match field {
            "kind" => &self.kind,
            "salutation" => &self.salutation,
            "first_name" => &self.first_name,
            "last_name" => &self.last_name,
            "email" => &self.email,
            "phones" => &self.phones,
            "language" => &self.language,
            _ => &self.notifications,
        };
        if v == "other" { Side::Other } else { Side::Survivor }
    }

    fn input(&self) -> MergeInput {
        let s = |f: &str| Some(self.side(f));
        MergeInput {
            other: self.other.clone(),
            fields: MergeFields {
                kind: s("kind"),
                salutation: s("salutation"),
                first_name: s("first_name"),
                last_name: s("last_name"),
                email: s("email"),
                phones: s("phones"),
                language: s("language"),
                notifications: s("notifications"),
            },
            login: match self.login.as_str() {
                "other" => Some(Side::Other),
                "survivor" => Some(Side::Survivor),
                _ => None,
            },
        }
    }
}

/// Merges, after the admin ticked that the other person will be removed.
pub async fn merge(Console { r, admin }: Console, Form(f): Form<MergeForm>) -> Response {
    let back = format!("{}?keep={}&other={}", admin.url("/duplicates/merge"), f.keep, f.other);
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f),
        &csrf,
        back,
        async |r, (admin, f)| {
            if f.confirmed != "true" {
                return Err(FieldError::new("confirmed", "confirm_required", "tick the box to confirm").into());
            }
            let merged = r.app.merge_people(&admin.actor(), r.origin(), r.tenant.slug(), &f.keep, f.input()).await?;
            Ok(Done::to(admin.url(&format!("/people/{}", merged.id)), "flash-merged"))
        },
        async |r, (admin, f), page| merge_page(r, admin, f, page).await,
    )
    .await
}

//! The tenant's settings (`settings.manage`): name and default language, the password rules
//! (preset and options), self-registration per kind, link lifetimes and modules.
//!
//! Choosing other password rules starts their options from that preset's values; keeping the
//! preset applies the options as entered. Each refused value is named with its rule.

use std::collections::BTreeSet;

use askama::Template;
use axum::response::Response;
use axum_extra::extract::Form;
use keyrack_app::tenants::{PerKind, TenantSettings, TenantUpdate};
use keyrack_core::password::PasswordPolicy;
use keyrack_core::types::{Module, PasswordPreset};
use keyrack_core::{FieldError, FieldErrors};
use serde::Deserialize;

use super::gate::require;
use super::shell::{Admin, Console, Shell};
use crate::pages::Tr;
use crate::pages::context::{Done, Page, PageRequest, render, submit};
use keyrack_app::rights::SETTINGS_MANAGE;

#[derive(Template)]
#[template(path = "console/settings.html")]
struct SettingsPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    f: SettingsForm,
}

/// The form as the page shows it, from the stored settings or from a refused post.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    csrf: String,
    name: String,
    language: String,
    preset: String,
    min_length: String,
    require_lower: bool,
    require_upper: bool,
    require_digit: bool,
    require_symbol: bool,
    min_score: String,
    register_staff: bool,
    register_owner: bool,
    register_guest: bool,
    invitation_ttl_hours: String,
    reset_ttl_minutes: String,
    module_staff: bool,
    module_owners: bool,
    module_guests: bool,
}

impl SettingsForm {
    fn of(r: &PageRequest) -> Self {
        let s = &r.tenant.settings;
        let p = &s.password;
        Self {
            csrf: String::new(),
            name: r.tenant.record.name.clone(),
            language: r.tenant.record.language.as_str().to_owned(),
            preset: p.preset.as_str().to_owned(),
            min_length: p.min_length.to_string(),
            require_lower: p.require_lower,
            require_upper: p.require_upper,
            require_digit: p.require_digit,
            require_symbol: p.require_symbol,
            min_score: p.min_score.to_string(),
            register_staff: s.self_registration.staff,
            register_owner: s.self_registration.owner,
            register_guest: s.self_registration.guest,
            invitation_ttl_hours: s.invitation_ttl_hours.to_string(),
            reset_ttl_minutes: s.reset_ttl_minutes.to_string(),
            module_staff: s.modules.contains(&Module::Staff),
            module_owners: s.modules.contains(&Module::Owners),
            module_guests: s.modules.contains(&Module::Guests),
        }
    }

    /// The update to send, or every field that is not a number.
    fn update(&self, current: &TenantSettings) -> Result<TenantUpdate, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut number = |field: &str, raw: &str| -> u32 {
            raw.trim().parse().unwrap_or_else(|_| {
                errors.push(FieldError::new(field, "not_a_number", "must be a whole number"));
                0
            })
        };
        let min_length = number("settings.password.min_length", &self.min_length);
        let min_score = number("settings.password.min_score", &self.min_score);
        let invitation_ttl_hours = number("settings.invitation_ttl_hours", &self.invitation_ttl_hours);
        let reset_ttl_minutes = number("settings.reset_ttl_minutes", &self.reset_ttl_minutes);
        let preset = errors.take(PasswordPreset::parse(&self.preset).map_err(|e| e.at("settings.password.preset")));
        errors.into_result()?;
        let preset = preset.unwrap_or(PasswordPreset::Default);
        let password = if preset == current.password.preset {
            PasswordPolicy {
                preset,
                min_length: usize::try_from(min_length).unwrap_or(usize::MAX),
                require_lower: self.require_lower,
                require_upper: self.require_upper,
                require_digit: self.require_digit,
                require_symbol: self.require_symbol,
                min_score: u8::try_from(min_score).unwrap_or(u8::MAX),
            }
        } else {
            PasswordPolicy::preset(preset)
        };
        let modules: BTreeSet<Module> =
            [(self.module_staff, Module::Staff), (self.module_owners, Module::Owners), (self.module_guests, Module::Guests)]
                .into_iter()
                .filter_map(|(on, m)| on.then_some(m))
                .collect();
        Ok(TenantUpdate {
            name: Some(self.name.clone()),
            language: Some(self.language.clone()),
            settings: Some(TenantSettings {
                password,
                self_registration: PerKind { staff: self.register_staff, owner: self.register_owner, guest: self.register_guest },
                invitation_ttl_hours,
                reset_ttl_minutes,
                modules,
            }),
        })
    }
}

fn settings_page(r: &PageRequest, admin: &Admin, f: SettingsForm, page: Page) -> Response {
    let tr = page.tr;
    render(r.jar.clone(), axum::http::StatusCode::OK, &SettingsPage { page, tr, shell: admin.shell.clone(), f })
}

pub async fn form(Console { r, admin }: Console) -> Response {
    if let Err(refused) = require(&r, &admin, SETTINGS_MANAGE) {
        return *refused;
    }
    let page = r.page.clone();
    settings_page(&r, &admin, SettingsForm::of(&r), page)
}

pub async fn save(Console { r, admin }: Console, Form(f): Form<SettingsForm>) -> Response {
    let back = admin.url("/settings");
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f),
        &csrf,
        back.clone(),
        async |r, (admin, f)| {
            let update = f.update(&r.tenant.settings)?;
            r.app.update_tenant(&admin.actor(), r.origin(), r.tenant.slug(), update).await?;
            Ok(Done::to(back.clone(), "flash-settings-saved"))
        },
        async |r, (admin, f), page| settings_page(r, admin, f.clone(), page),
    )
    .await
}

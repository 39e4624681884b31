//! The catalogues checked against each other and against the codes the domain produces.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;
use keyrack_core::access::AccessState;
use keyrack_core::diagnosis::{LoginFacts, diagnose};
use keyrack_core::password::{PasswordContext, PasswordPolicy, check};
use keyrack_core::types::{Locale, PasswordPreset};

use super::*;

const SOURCES: [(Locale, &str); 5] = [
    (Locale::En, catalogue!("en")),
    (Locale::Nl, catalogue!("nl")),
    (Locale::De, catalogue!("de")),
    (Locale::Fr, catalogue!("fr")),
    (Locale::Ro, catalogue!("ro")),
];

/// Every message of one catalogue with the variables it uses, parsed from the file itself.
fn catalogue(source: &'static str) -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| panic!("syntax errors: {errors:?}"));
    let mut messages = BTreeMap::new();
    for entry in resource.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                assert!(m.attributes.is_empty(), "{}: attributes are not looked up by this crate", m.id.name);
                assert!(messages.insert(m.id.name, vars).is_none(), "{} twice", m.id.name);
            }
            ast::Entry::Term(t) => panic!("term -{}: keep catalogues flat so translators see whole sentences", t.id.name),
            ast::Entry::Junk { content } => panic!("unparsed text: {content}"),
            ast::Entry::Comment(_) | ast::Entry::GroupComment(_) | ast::Entry::ResourceComment(_) => {}
        }
    }
    messages
}

fn pattern_vars(p: &ast::Pattern<&'static str>, vars: &mut BTreeSet<&'static str>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&'static str>, vars: &mut BTreeSet<&'static str>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &ast::InlineExpression<&'static str>, vars: &mut BTreeSet<&'static str>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name);
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        other => panic!("unexpected expression {other:?}: the catalogues use variables and plural selects only"),
    }
}

/// Sample values: numbers where a number is meant (they select plural forms), text otherwise.
fn sample(var: &str, n: i64) -> FluentValue<'static> {
    match var {
        "min" | "max" | "minutes" | "count" => n.into(),
        _ => format!("<{var}>").into(),
    }
}

#[test]
fn every_language_has_exactly_the_english_keys() {
    let en: BTreeSet<_> = catalogue(SOURCES[0].1).into_keys().collect();
    assert!(en.len() > 80, "the English catalogue is read: {}", en.len());
    for (locale, source) in &SOURCES[1..] {
        let keys: BTreeSet<_> = catalogue(source).into_keys().collect();
        let missing: Vec<_> = en.difference(&keys).collect();
        let extra: Vec<_> = keys.difference(&en).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{locale}: missing {missing:?}, not in English {extra:?}");
    }
    assert_eq!(KEYS.len(), en.len(), "has() knows every key");
}

#[test]
fn translations_use_only_the_variables_that_english_receives() {
    let en = catalogue(SOURCES[0].1);
    for (locale, source) in &SOURCES[1..] {
        for (key, vars) in catalogue(source) {
            let allowed = &en[key];
            let unknown: Vec<_> = vars.difference(allowed).collect();
            assert!(unknown.is_empty(), "{locale} {key} uses {unknown:?}, which callers do not pass");
        }
    }
}

#[test]
fn every_message_formats_without_errors_in_every_language() {
    let en = catalogue(SOURCES[0].1);
    // 1, 3, 21 and 256 reach every plural category of the five languages (Romanian: one, few, other).
    for n in [1, 3, 21, 256] {
        for (locale, _) in SOURCES {
            for (key, vars) in &en {
                let args: HashMap<Cow<'static, str>, FluentValue<'static>> =
                    vars.iter().map(|v| (Cow::Borrowed(*v), sample(v, n))).collect();
                let text = LOCALES
                    .lookup_single_language(&language(locale), key, Some(&args))
                    .unwrap_or_else(|e| panic!("{locale} {key} (n = {n}): {e}"));
                assert!(!text.trim().is_empty(), "{locale} {key} is empty");
                assert!(!text.contains(['{', '}', '\u{2068}', '\u{2069}']), "{locale} {key}: {text}");
                // Numbers may be written as words ("one day"), so only text values are looked for.
                for v in vars.iter().filter(|v| matches!(sample(v, n), FluentValue::String(_))) {
                    assert!(text.contains(&format!("<{v}>")), "{locale} {key} drops ${v}: {text}");
                }
            }
        }
    }
}

/// Words a language rightly shares with English (German says "Newsletter" too).
const SAME_AS_ENGLISH: &[(Locale, &str)] = &[
    (Locale::De, "category-newsletter"),
    (Locale::De, "import-col-person"),
    (Locale::Fr, "console-nav-clients"),
    (Locale::Fr, "clients-title"),
    (Locale::Nl, "import-class-conflict"),
    (Locale::Ro, "console-nav-import"),
    (Locale::Ro, "import-class-invalid"),
    (Locale::Ro, "import-class-conflict"),
];

#[test]
fn every_message_is_translated() {
    let en = catalogue(SOURCES[0].1);
    for (locale, _) in &SOURCES[1..] {
        for (key, vars) in en.iter().filter(|(k, _)| !SAME_AS_ENGLISH.contains(&(*locale, **k))) {
            let args: Vec<(&str, FluentValue<'_>)> = vars.iter().map(|v| (*v, sample(v, 3))).collect();
            assert_ne!(t_args(*locale, key, &args), t_args(Locale::En, key, &args), "{locale} {key} is still English");
        }
    }
}

#[test]
fn state_labels_are_the_specifications() {
    let en = [
        "No access",
        "Yes (no password)",
        "Yes (invited)",
        "Yes",
        "Yes (password reset sent)",
        "Yes (reset requested)",
        "Yes (blocked)",
    ];
    let nl = [
        "Nee",
        "Ja (geen wachtwoord)",
        "Ja (uitgenodigd)",
        "Ja",
        "Ja (reset wachtwoord)",
        "Ja (reset aangevraagd)",
        "Ja (geblokkeerd)",
    ];
    for ((state, en), nl) in AccessState::ALL.into_iter().zip(en).zip(nl) {
        assert_eq!(state_label(Locale::En, state), en);
        assert_eq!(state_label(Locale::Nl, state), nl);
    }
}

#[test]
fn actions_use_the_help_centre_words() {
    assert_eq!(t(Locale::En, "action-grant"), "Grant access");
    assert_eq!(t(Locale::Nl, "action-grant"), "Toegang verlenen");
    assert_eq!(t(Locale::Nl, "action-invite"), "Uitnodiging versturen");
    assert_eq!(t(Locale::Nl, "action-remove"), "Toegang verwijderen");
    assert_eq!(t(Locale::De, "action-set-password"), "Passwort erfassen");
    assert_eq!(t(Locale::Fr, "action-set-password"), "Définir le mot de passe");
    assert_eq!(t(Locale::Fr, "action-forgot"), "Mot de passe oublié\u{a0}?");
}

#[test]
fn plural_forms_follow_each_language() {
    let locked = |locale, minutes: i64| t_args(locale, "diagnosis-locked", &[("minutes", minutes.into())]);
    assert!(locked(Locale::En, 1).contains("one more minute"), "{}", locked(Locale::En, 1));
    assert!(locked(Locale::En, 5).contains("5 more minutes"));
    assert!(locked(Locale::Ro, 1).contains("un minut"));
    assert!(locked(Locale::Ro, 5).contains("5 minute."), "{}", locked(Locale::Ro, 5));
    assert!(locked(Locale::Ro, 20).contains("20 de minute"), "{}", locked(Locale::Ro, 20));
    assert_eq!(
        t_args(Locale::Nl, "mail-link-valid-hours", &[("count", 1.into())]),
        "De link werkt één keer en is één uur geldig."
    );
    assert_eq!(
        t_args(Locale::De, "mail-link-valid-days", &[("count", 7.into())]),
        "Der Link funktioniert ein einziges Mal und ist 7 Tage gültig."
    );
}

#[test]
fn every_password_refusal_of_the_domain_has_words() {
    let classic = PasswordPolicy::preset(PasswordPreset::Classic);
    let ctx = PasswordContext { username: Some("anna.devries"), email: Some("anna@example.com"), words: &[] };
    let mut codes = BTreeSet::new();
    for pw in ["", "abc", "ABC", "anna.devries", "anna@example.com", &"x".repeat(300)] {
        for e in check(&classic, pw, &ctx).err().unwrap_or_default() {
            let nl = field_error(Locale::Nl, &e);
            assert_ne!(nl, e.message, "{} falls back to English", e.code);
            assert_ne!(nl, field_error(Locale::En, &e), "{} is not translated", e.code);
            codes.insert(e.code);
        }
    }
    let expected = [
        "contains_email",
        "contains_username",
        "needs_digit",
        "needs_lowercase",
        "needs_symbol",
        "needs_uppercase",
        "required",
        "too_guessable",
        "too_long",
        "too_short",
    ];
    assert_eq!(codes, expected.into_iter().map(str::to_owned).collect::<BTreeSet<_>>());
    for code in expected {
        assert!(has(&format!("password-{code}")), "{code}");
    }
}

#[test]
fn field_errors_name_the_rule_in_the_readers_language() {
    let short = FieldError::new("password", "too_short", "must be at least 15 characters").with_param("min", 15);
    assert_eq!(field_error(Locale::Nl, &short), "Het wachtwoord moet minimaal 15 tekens lang zijn.");
    let long = keyrack_core::types::Username::parse(&"a".repeat(300)).unwrap_err();
    assert_eq!(field_error(Locale::De, &long), "Hier sind höchstens 254 Zeichen möglich.");
    // The same code on another field is not about a password.
    let name = FieldError::new("name", "required", "must not be empty");
    assert_eq!(field_error(Locale::En, &name), "This field is required.");
    // A code no catalogue knows keeps the domain's English message rather than showing a key.
    let odd = FieldError::new("x", "brand_new_rule", "must be fine");
    assert_eq!(field_error(Locale::Fr, &odd), "must be fine");
    let email = keyrack_core::types::Email::parse("not an address").unwrap_err();
    assert_eq!(field_error(Locale::Ro, &email), "Aceasta nu este o adresă de e-mail validă.");
}

#[test]
fn every_field_code_of_the_domain_has_words() {
    // The codes of keyrack-core (types, access, authz, password settings) and keyrack-app.
    for code in [
        "required",
        "too_long",
        "invalid_email",
        "invalid_choice",
        "invalid_phone",
        "taken",
        "invalid_slug",
        "invalid_username",
        "invalid_characters",
        "invalid_permission",
        "invalid_role_name",
        "invalid_branches",
        "unknown_branch",
        "unknown_category",
        "unknown_permission",
        "unknown_role",
        "name_required",
        "out_of_range",
        "cannot_grant",
        "cannot_revoke",
    ] {
        assert!(has(&format!("field-{code}")), "field-{code}");
    }
}

#[test]
fn every_diagnosis_reason_of_the_domain_has_words() {
    const NOW: i64 = 1_773_144_000_000;
    const DAY: i64 = 86_400_000;
    let mut seen = BTreeSet::new();
    for state in AccessState::ALL {
        for (has_password, module_enabled, shared, must_change, logged_in) in
            [(true, true, 0, false, true), (false, false, 1, true, false), (true, true, 3, true, false)]
        {
            for links in [None, Some(NOW + DAY), Some(NOW - DAY)] {
                let facts = LoginFacts {
                    state,
                    has_password,
                    module_enabled,
                    invitation_expires_at: links,
                    invitation_sent_at: links.map(|_| NOW - 2 * DAY).filter(|_| has_password),
                    reset_expires_at: links,
                    locked_until: (!logged_in).then_some(NOW + 90_000),
                    email_shared_with: shared,
                    must_change_password: must_change,
                    last_login_at: logged_in.then_some(NOW - DAY),
                };
                for r in diagnose(&facts, NOW).reasons {
                    assert!(has(&format!("diagnosis-{}", r.code)), "{}: no catalogue entry", r.code);
                    for (locale, _) in SOURCES {
                        let text = reason(locale, &r);
                        if locale != Locale::En {
                            assert_ne!(text, r.message, "{locale} {}: still the domain's English", r.code);
                        }
                        for (_, value) in r.params.iter().filter(|(_, v)| v.parse::<f64>().is_err()) {
                            assert!(text.contains(value.as_str()), "{locale} {} drops {value}: {text}", r.code);
                        }
                    }
                    seen.insert(r.code);
                }
            }
        }
    }
    // The walk above reaches every reason, so a new code in the domain fails here until translated.
    assert_eq!(seen.len(), 15, "{seen:?}");
}

#[test]
fn optional_values_choose_the_sentence_that_names_them() {
    let r = |params: &[(&str, &str)]| Reason {
        code: "invitation_pending",
        message: String::new(),
        params: params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
    };
    assert_eq!(
        reason(Locale::Nl, &r(&[("expires_on", "2026-03-12")])),
        "Kan nog niet inloggen: de uitnodiging is geldig tot 2026-03-12, maar er is nog geen wachtwoord gekozen."
    );
    assert_eq!(
        reason(Locale::Nl, &r(&[("expires_on", "2026-03-12"), ("sent_on", "2026-03-05")])),
        "Kan nog niet inloggen: de uitnodiging van 2026-03-05 is geldig tot 2026-03-12, maar er is nog geen wachtwoord gekozen."
    );
}

#[test]
fn a_missing_key_shows_itself() {
    assert_eq!(t(Locale::De, "no-such-key"), "no-such-key");
    assert!(!has("no-such-key"));
}

#[test]
fn accept_language_is_negotiated_by_weight() {
    let all = Locale::ALL;
    assert_eq!(negotiate(Some("nl-BE,nl;q=0.9,en;q=0.8"), all), Some(Locale::Nl));
    assert_eq!(negotiate(Some("de-CH"), all), Some(Locale::De));
    assert_eq!(negotiate(Some("en;q=0.5, fr"), all), Some(Locale::Fr), "weights, not order");
    assert_eq!(negotiate(Some("ro-RO;q=0.7, fr-BE;q=0.7"), all), Some(Locale::Ro), "equal weights keep the order");
    assert_eq!(negotiate(Some("es, it;q=0.5"), all), None);
    assert_eq!(negotiate(Some("fr;q=0, de;q=0.1"), all), Some(Locale::De), "q=0 means not acceptable");
    assert_eq!(negotiate(Some("fr;q=abc, nl"), all), Some(Locale::Nl), "a malformed weight drops its tag");
    assert_eq!(negotiate(Some("nl"), &[Locale::En, Locale::De]), None, "only what is supported");
    assert_eq!(negotiate(Some(""), all), None);
    assert_eq!(negotiate(None, all), None);
}

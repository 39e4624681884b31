//! Keyrack's texts in English, Dutch, German, French and Romanian: Fluent catalogues under
//! `locales/<lang>/main.ftl` (domain words, e-mails), `pages.ftl` (the pages) and `setup.ftl` (first run), embedded in the binary at compile time, with English as the
//! fallback for anything missing or broken in another language.
//!
//! Keys are grouped by prefix (`state-`, `action-`, `password-`, `field-`, `diagnosis-`,
//! `mail-`); the header of `locales/en/main.ftl` lists them. Pages and e-mails ask for a key in
//! the reader's [`Locale`]; stable codes from the domain (a refused field, a diagnosis reason)
//! are turned into sentences by [`field_error`] and [`reason`].

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use fluent_templates::{LanguageIdentifier, langid, static_loader};
use keyrack_core::FieldError;
use keyrack_core::access::AccessState;
use keyrack_core::diagnosis::Reason;
use keyrack_core::types::Locale;

/// A value for a `{ $name }` placeable: text, or a number (which also selects plural forms).
pub use fluent_bundle::FluentValue;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Fluent wraps every value in bidi isolation marks (U+2068 … U+2069) by default. All five
        // languages run left to right, and the marks would end up in e-mail subjects, plain-text
        // bodies and copied usernames.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The English catalogue, parsed once to answer whether a key exists. The other catalogues have
/// exactly the same keys (a test checks it), so this answers for every language.
/// A language's whole catalogue: its files in the order the loader reads them.
macro_rules! catalogue {
    ($lang:literal) => {
        concat!(
            include_str!(concat!("../locales/", $lang, "/main.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/pages.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/setup.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/console.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/console-admin.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/console-import.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/console-clients.ftl"))
        )
    };
}

static EN_SOURCE: &str = catalogue!("en");
static KEYS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    let resource = match fluent_syntax::parser::parse(EN_SOURCE) {
        Ok(r) => r,
        // A syntax error would already have stopped the build in `static_loader!`; keep what parsed.
        Err((r, _)) => r,
    };
    resource
        .body
        .into_iter()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name),
            _ => None,
        })
        .collect()
});

const EN: LanguageIdentifier = langid!("en");

fn language(locale: Locale) -> LanguageIdentifier {
    match locale {
        Locale::En => EN,
        Locale::Nl => langid!("nl"),
        Locale::De => langid!("de"),
        Locale::Fr => langid!("fr"),
        Locale::Ro => langid!("ro"),
    }
}

/// Whether the catalogues have a message with this key.
pub fn has(key: &str) -> bool {
    KEYS.contains(key)
}

/// The message `key` in `locale`, for messages without variables.
pub fn t(locale: Locale, key: &str) -> String {
    lookup(locale, key, None)
}

/// The message `key` in `locale` with its variables, e.g.
/// `t_args(Locale::Nl, "password-too_short", &[("min", 15.into())])`.
///
/// Numbers should be passed as numbers: Fluent chooses plural forms ("1 minute", "2 minutes",
/// Romanian "20 de minute") from them.
pub fn t_args(locale: Locale, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> =
        args.iter().map(|(name, value)| (Cow::Owned((*name).to_owned()), value.clone())).collect();
    lookup(locale, key, Some(&map))
}

/// Looks a message up in one language, then in English. A missing or broken message is logged
/// and shows its key: a page with a key in it is a bug someone will report, an empty one is not.
fn lookup(locale: Locale, key: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue<'_>>>) -> String {
    match LOCALES.lookup_single_language(&language(locale), key, args) {
        Ok(text) => return text,
        Err(error) => tracing::warn!(%locale, key, %error, "text missing or broken; trying English"),
    }
    if locale != Locale::En {
        match LOCALES.lookup_single_language(&EN, key, args) {
            Ok(text) => return text,
            Err(error) => tracing::warn!(key, %error, "English text missing or broken"),
        }
    }
    key.to_owned()
}

/// The label of an access state (SPEC §3), e.g. "Ja (geen wachtwoord)".
pub fn state_label(locale: Locale, state: AccessState) -> String {
    t(locale, &format!("state-{}", state.as_str()))
}

/// A refused input in words. A field whose name mentions a password gets the password wording
/// (`password-<code>`) where there is one, any other field `field-<code>`; a code no catalogue
/// knows keeps the English message the domain wrote.
pub fn field_error(locale: Locale, error: &FieldError) -> String {
    let password_key = format!("password-{}", error.code);
    // A code with several rules (a refused redirect URI) names the broken one in `rule`.
    let rule_key = error.params.iter().find(|(name, _)| name == "rule").map(|(_, rule)| format!("field-{}-{rule}", error.code));
    let key = if error.field.contains("password") && has(&password_key) {
        password_key
    } else if let Some(rule_key) = rule_key.filter(|k| has(k)) {
        rule_key
    } else {
        format!("field-{}", error.code)
    };
    if !has(&key) {
        return error.message.clone();
    }
    t_args(locale, &key, &arguments(&error.params))
}

/// A diagnosis reason in words. Some reasons carry a value only sometimes (the date an
/// invitation was sent, the last login); the sentence naming it is `diagnosis-<code>-with-<param>`
/// and is chosen when that value is there. An unknown code keeps the domain's English message.
pub fn reason(locale: Locale, reason: &Reason) -> String {
    reason_parts(locale, reason.code, &reason.message, reason.params.iter().map(|(n, v)| (n, v)))
}

/// [`reason`] from its parts, as the API's diagnosis answer carries them.
pub fn reason_parts<'a>(
    locale: Locale,
    code: &str,
    message: &str,
    params: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> String {
    let params: Vec<(String, String)> = params.into_iter().map(|(n, v)| (n.clone(), v.clone())).collect();
    let base = format!("diagnosis-{code}");
    let key = params.iter().map(|(name, _)| format!("{base}-with-{name}")).find(|k| has(k)).unwrap_or(base);
    if !has(&key) {
        return message.to_owned();
    }
    t_args(locale, &key, &arguments(&params))
}

/// The domain hands parameters over as text; numeric ones become numbers again so that
/// Fluent can choose the plural form.
fn arguments(params: &[(String, String)]) -> Vec<(&str, FluentValue<'_>)> {
    params.iter().map(|(name, value)| (name.as_str(), FluentValue::try_number(value.as_str()))).collect()
}

/// The best of `supported` for an `Accept-Language` header, or `None` when the header names
/// none of them (the caller then uses the tenant's or the person's language).
///
/// Tags are taken in order of their `q` weight (a tag with `q=0` is refused); `nl-BE` matches
/// `nl`, and `en-GB` matches `en`. The matching itself is fluent-langneg's.
pub fn negotiate(accept_language: Option<&str>, supported: &[Locale]) -> Option<Locale> {
    let mut weighted: Vec<(u16, LanguageIdentifier)> = accept_language?
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let tag: LanguageIdentifier = parts.next()?.parse().ok()?;
            let weight = parts.find_map(|p| p.strip_prefix("q=")).map_or(Some(1000), parse_weight)?;
            (weight > 0).then_some((weight, tag))
        })
        .collect();
    // A stable sort keeps the header's order among equal weights, as RFC 9110 §12.5.4 intends.
    weighted.sort_by_key(|(weight, _)| std::cmp::Reverse(*weight));
    let requested: Vec<LanguageIdentifier> = weighted.into_iter().map(|(_, tag)| tag).collect();
    let available: Vec<LanguageIdentifier> = supported.iter().map(|l| language(*l)).collect();
    let chosen = fluent_langneg::negotiate_languages(&requested, &available, None, fluent_langneg::NegotiationStrategy::Lookup);
    let first = chosen.first()?;
    supported.iter().copied().find(|l| language(*l) == **first)
}

/// A `q` value (`0` to `1` with at most three decimals) in thousandths; `None` when malformed,
/// which drops the tag rather than guessing.
fn parse_weight(raw: &str) -> Option<u16> {
    let value: f32 = raw.parse().ok()?;
    if !(0.0..=1.0).contains(&value) {
        return None;
    }
    // 0.0..=1.0 by the check above: the product fits a u16 and is never negative.
    Some((value * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests;

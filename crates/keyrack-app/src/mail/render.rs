//! An outbox row becomes a subject, a plain-text body and an HTML body in the recipient's
//! language. Each template builds one [`Content`] (greeting, paragraphs, links), which is then
//! written out twice, as text and through the HTML layout, so the two bodies always say the
//! same. The words come from keyrack-i18n (`mail-…` keys); the layout is `layout.html`.
//!
//! Templates and their payloads (JSON, written by the use case that queues the mail):
//! - `invitation`, `reset`: `{link, expires_at, tenant_name, person_name, username}`
//! - `forgot_shared`: `{tenant_name, accounts: [{person_name, username, link}], expires_at}`, one
//!   mail for every account that shares the address, each with its own link (SPEC §3 rule 4).
//!
//! No template has a place for a password (SPEC rule 3).

use std::sync::LazyLock;

use keyrack_core::types::Locale;
use keyrack_i18n::{FluentValue, t, t_args};
use keyrack_store::records::OutboxRecord;
use serde::{Deserialize, Serialize};

/// A mail ready to be put into a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The recipient's name for the `To:` header, when the mail is for one person.
    pub recipient_name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("unknown mail template '{0}'")]
    UnknownTemplate(String),
    #[error("the payload of a '{template}' mail is not valid: {reason}")]
    Payload { template: String, reason: String },
    #[error("the HTML layout failed: {0}")]
    Layout(String),
}

/// The payload of `invitation` and `reset`.
#[derive(Debug, Deserialize)]
struct LinkPayload {
    link: String,
    expires_at: String,
    tenant_name: String,
    person_name: String,
    username: String,
}

/// The payload of `forgot_shared`.
#[derive(Debug, Deserialize)]
struct SharedPayload {
    tenant_name: String,
    accounts: Vec<Account>,
    expires_at: String,
}

#[derive(Debug, Deserialize)]
struct Account {
    person_name: String,
    username: String,
    link: String,
}

/// What a mail says, before it is written as text or HTML.
#[derive(Debug, Serialize)]
struct Content {
    lang: &'static str,
    subject: String,
    greeting: String,
    blocks: Vec<Block>,
    /// "If the button does not work, copy this address…", under every button of the HTML body.
    fallback: String,
    sign_off: String,
    /// Who the mail is from in words: the tenant, whose people these are.
    sender: String,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Block {
    Paragraph {
        text: String,
    },
    /// A line that introduces the action after it (an account in `forgot_shared`).
    Heading {
        text: String,
    },
    /// A link, shown as a button and as the plain address.
    Action {
        label: String,
        url: String,
    },
}

/// Renders an outbox row. The row's `created_at` is when the link was issued, so the link's
/// lifetime is said as "valid for 7 days" rather than as a date in a time zone we do not know.
pub fn render(mail: &OutboxRecord) -> Result<RenderedMail, RenderError> {
    // The column is written from a parsed `Locale`; anything else reads in English.
    let locale = Locale::parse(&mail.language).unwrap_or(Locale::En);
    let invalid = |reason: String| RenderError::Payload { template: mail.template.clone(), reason };
    let (content, recipient_name) = match mail.template.as_str() {
        "invitation" | "reset" => {
            let p: LinkPayload = serde_json::from_str(&mail.payload).map_err(|e| invalid(e.to_string()))?;
            let validity = Validity::between(mail.created_at, &p.expires_at).map_err(invalid)?;
            let name = p.person_name.clone();
            (single_link(locale, &mail.template, &p, validity), Some(name))
        }
        "forgot_shared" => {
            let p: SharedPayload = serde_json::from_str(&mail.payload).map_err(|e| invalid(e.to_string()))?;
            if p.accounts.is_empty() {
                return Err(invalid("no accounts".into()));
            }
            let validity = Validity::between(mail.created_at, &p.expires_at).map_err(invalid)?;
            (shared(locale, &p, validity), None)
        }
        other => return Err(RenderError::UnknownTemplate(other.to_owned())),
    };
    Ok(RenderedMail { subject: content.subject.clone(), text: text(&content), html: html(&content)?, recipient_name })
}

/// `invitation` and `reset`: one person, one link.
fn single_link(locale: Locale, template: &str, p: &LinkPayload, validity: Validity) -> Content {
    let tenant = || [("tenant_name", FluentValue::from(p.tenant_name.as_str()))];
    let key = |part: &str| format!("mail-{template}-{part}");
    let blocks = vec![
        Block::Paragraph { text: t_args(locale, &key("intro"), &tenant()) },
        Block::Paragraph { text: t_args(locale, "mail-username", &[("username", p.username.as_str().into())]) },
        Block::Action { label: t(locale, &key("action")), url: p.link.clone() },
        Block::Paragraph { text: validity.sentence(locale, "mail-link-valid") },
        Block::Paragraph { text: t_args(locale, &key("unexpected"), &tenant()) },
    ];
    Content {
        lang: locale.as_str(),
        subject: t_args(locale, &key("subject"), &tenant()),
        greeting: t_args(locale, "mail-greeting", &[("person_name", p.person_name.as_str().into())]),
        blocks,
        fallback: t(locale, "mail-link-fallback"),
        sign_off: t(locale, "mail-sign-off"),
        sender: p.tenant_name.clone(),
    }
}

/// `forgot_shared`: one address, several accounts, each with its own link.
fn shared(locale: Locale, p: &SharedPayload, validity: Validity) -> Content {
    let tenant = || [("tenant_name", FluentValue::from(p.tenant_name.as_str()))];
    let mut blocks = vec![Block::Paragraph { text: t_args(locale, "mail-forgot_shared-intro", &tenant()) }];
    for a in &p.accounts {
        let who = [("person_name", a.person_name.as_str().into()), ("username", a.username.as_str().into())];
        blocks.push(Block::Heading { text: t_args(locale, "mail-forgot_shared-account", &who) });
        // The button names the username, so that two buttons never read the same (screen readers
        // list links by their text).
        let label = t_args(locale, "mail-forgot_shared-action", &[("username", a.username.as_str().into())]);
        blocks.push(Block::Action { label, url: a.link.clone() });
    }
    blocks.push(Block::Paragraph { text: validity.sentence(locale, "mail-links-valid") });
    blocks.push(Block::Paragraph { text: t_args(locale, "mail-forgot_shared-merge", &tenant()) });
    blocks.push(Block::Paragraph { text: t_args(locale, "mail-forgot_shared-unexpected", &tenant()) });
    Content {
        lang: locale.as_str(),
        subject: t_args(locale, "mail-forgot_shared-subject", &tenant()),
        greeting: t(locale, "mail-greeting-anonymous"),
        blocks,
        fallback: t(locale, "mail-link-fallback"),
        sign_off: t(locale, "mail-sign-off"),
        sender: p.tenant_name.clone(),
    }
}

/// How long a link stays valid, in the largest unit that says it exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Validity {
    Days(i64),
    Hours(i64),
    Minutes(i64),
}

impl Validity {
    const MINUTE_MS: i64 = 60_000;
    const HOUR_MS: i64 = 3_600_000;
    const DAY_MS: i64 = 86_400_000;

    fn between(issued_at: i64, expires_at: &str) -> Result<Self, String> {
        let expires = time::OffsetDateTime::parse(expires_at, &time::format_description::well_known::Rfc3339)
            .map_err(|e| format!("expires_at '{expires_at}': {e}"))?;
        let expires_ms = i64::try_from(expires.unix_timestamp_nanos() / 1_000_000)
            .map_err(|_| format!("expires_at '{expires_at}' is out of range"))?;
        Ok(Self::of(expires_ms.saturating_sub(issued_at)))
    }

    fn of(ttl_ms: i64) -> Self {
        if ttl_ms >= Self::DAY_MS && ttl_ms % Self::DAY_MS == 0 {
            Self::Days(ttl_ms / Self::DAY_MS)
        } else if ttl_ms >= Self::HOUR_MS && ttl_ms % Self::HOUR_MS == 0 {
            Self::Hours(ttl_ms / Self::HOUR_MS)
        } else {
            // Rounded down, and never "0 minutes": the sentence must not promise more than is left.
            Self::Minutes((ttl_ms / Self::MINUTE_MS).max(1))
        }
    }

    /// `mail-link-valid-days` and its siblings, with the count.
    fn sentence(self, locale: Locale, prefix: &str) -> String {
        let (unit, count) = match self {
            Self::Days(n) => ("days", n),
            Self::Hours(n) => ("hours", n),
            Self::Minutes(n) => ("minutes", n),
        };
        t_args(locale, &format!("{prefix}-{unit}"), &[("count", count.into())])
    }
}

/// The plain-text body: paragraphs separated by a blank line; a link as its label with the
/// address alone on the next line, where every mail program makes it clickable.
fn text(c: &Content) -> String {
    let mut paragraphs = vec![c.greeting.clone()];
    let mut heading: Option<&str> = None;
    for block in &c.blocks {
        match block {
            Block::Paragraph { text } => paragraphs.push(text.clone()),
            Block::Heading { text } => heading = Some(text),
            Block::Action { label, url } => {
                let action = format!("{label}\n{url}");
                // A heading belongs to the link after it: keep the two together.
                paragraphs.push(match heading.take() {
                    Some(h) => format!("{h}\n{action}"),
                    None => action,
                });
            }
        }
    }
    paragraphs.push(format!("{}\n{}", c.sign_off, c.sender));
    let mut body = paragraphs.join("\n\n");
    body.push('\n');
    body
}

/// The layout's name ends in `.html`, which turns minijinja's auto-escaping on for every value.
static LAYOUT: LazyLock<minijinja::Environment<'static>> = LazyLock::new(|| {
    let mut env = minijinja::Environment::new();
    // minijinja's HTML escaping also writes `/` as `&#x2f;`, which turns every link into
    // `https:&#x2f;&#x2f;…`. Every value here is text in an element or in a double-quoted
    // attribute, where only `& < > " '` can do harm; those five are escaped, nothing else.
    env.set_formatter(|out, state, value| match (state.auto_escape(), value.as_str()) {
        (minijinja::AutoEscape::Html, Some(text)) if !value.is_safe() => Ok(out.write_str(&escape_html(text))?),
        _ => minijinja::escape_formatter(out, state, value),
    });
    if let Err(e) = env.add_template("mail.html", include_str!("layout.html")) {
        // A broken layout cannot get past the snapshot tests; if it ever did, `html` says so
        // for every mail instead of the process stopping.
        tracing::error!(error = %e, "the mail layout does not parse");
    }
    env
});

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

fn html(c: &Content) -> Result<String, RenderError> {
    let template = LAYOUT.get_template("mail.html").map_err(|e| RenderError::Layout(e.to_string()))?;
    template.render(minijinja::Value::from(minijinja::value::Serde(c))).map_err(|e| RenderError::Layout(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-01T12:00:00Z, the test kit's start.
    const ISSUED: i64 = 1_772_366_400_000;

    fn row(template: &str, language: &str, payload: serde_json::Value) -> OutboxRecord {
        OutboxRecord {
            id: "0190f0e0-0000-7000-8000-000000000001".into(),
            tenant_id: "tenant".into(),
            person_id: Some("person".into()),
            template: template.into(),
            recipient: "els.janssen@example.com".into(),
            language: language.into(),
            payload: payload.to_string(),
            created_at: ISSUED,
            attempts: 0,
            next_attempt_at: ISSUED,
            sent_at: None,
            last_error: None,
        }
    }

    fn invitation(language: &str) -> OutboxRecord {
        row(
            "invitation",
            language,
            serde_json::json!({
                "link": "https://id.example.test/t/zeven-heuvels/invite/TOKEN-INVITE",
                "expires_at": "2026-03-08T12:00:00Z",
                "tenant_name": "De Zeven Heuvels",
                "person_name": "Els Janssen",
                "username": "els.janssen@example.com",
            }),
        )
    }

    fn reset(language: &str) -> OutboxRecord {
        row(
            "reset",
            language,
            serde_json::json!({
                "link": "https://id.example.test/t/zeven-heuvels/reset/TOKEN-RESET",
                "expires_at": "2026-03-01T13:00:00Z",
                "tenant_name": "De Zeven Heuvels",
                "person_name": "Els Janssen",
                "username": "els",
            }),
        )
    }

    fn forgot_shared(language: &str) -> OutboxRecord {
        row(
            "forgot_shared",
            language,
            serde_json::json!({
                "tenant_name": "De Zeven Heuvels",
                "accounts": [
                    {"person_name": "Els Janssen", "username": "els", "link": "https://id.example.test/t/zeven-heuvels/reset/TOKEN-ELS"},
                    {"person_name": "Els Janssen-de Vries", "username": "els.eigenaar", "link": "https://id.example.test/t/zeven-heuvels/reset/TOKEN-OWNER"},
                ],
                "expires_at": "2026-03-01T13:00:00Z",
            }),
        )
    }

    /// One snapshot per mail and language: subject, text body and HTML body, as a reader gets them.
    fn snapshot(mail: &OutboxRecord) -> String {
        let r = render(mail).unwrap();
        format!("Subject: {}\nTo-name: {:?}\n\n--- text ---\n{}\n--- html ---\n{}", r.subject, r.recipient_name, r.text, r.html)
    }

    #[test]
    fn invitation_en() {
        insta::assert_snapshot!(snapshot(&invitation("en")));
    }

    #[test]
    fn invitation_nl() {
        insta::assert_snapshot!(snapshot(&invitation("nl")));
    }

    #[test]
    fn reset_en() {
        insta::assert_snapshot!(snapshot(&reset("en")));
    }

    #[test]
    fn reset_nl() {
        insta::assert_snapshot!(snapshot(&reset("nl")));
    }

    #[test]
    fn forgot_shared_en() {
        insta::assert_snapshot!(snapshot(&forgot_shared("en")));
    }

    #[test]
    fn forgot_shared_nl() {
        insta::assert_snapshot!(snapshot(&forgot_shared("nl")));
    }

    #[test]
    fn every_template_renders_in_every_language_with_each_link_twice_in_html() {
        for locale in Locale::ALL {
            for mail in [invitation(locale.as_str()), reset(locale.as_str()), forgot_shared(locale.as_str())] {
                let r = render(&mail).unwrap();
                let payload: serde_json::Value = serde_json::from_str(&mail.payload).unwrap();
                let links: Vec<&str> = match payload["accounts"].as_array() {
                    Some(accounts) => accounts.iter().map(|a| a["link"].as_str().unwrap()).collect(),
                    None => vec![payload["link"].as_str().unwrap()],
                };
                for link in links {
                    assert_eq!(r.text.matches(link).count(), 1, "{locale} {}: {link} once in the text", mail.template);
                    // As the button's target, as the fallback's target and as the fallback's text.
                    assert_eq!(r.html.matches(link).count(), 3, "{locale} {}: {link}", mail.template);
                }
                assert!(r.html.contains(&format!("<html lang=\"{locale}\">")));
                assert!(!r.text.contains("mail-") && !r.html.contains("mail-"), "{locale}: an untranslated key");
            }
        }
    }

    #[test]
    fn names_are_escaped_in_html_and_kept_in_text() {
        let mut mail = invitation("en");
        mail.payload = mail.payload.replace("De Zeven Heuvels", "Bed & <b>Breakfast</b> \\\"O'Hara\\\"");
        let r = render(&mail).unwrap();
        assert!(r.html.contains("Bed &amp; &lt;b&gt;Breakfast&lt;/b&gt; &quot;O&#39;Hara&quot;"), "{}", r.html);
        assert!(!r.html.contains("<b>Breakfast"));
        assert!(r.text.contains("Bed & <b>Breakfast</b> \"O'Hara\""));
        assert!(r.subject.contains("Bed & <b>Breakfast</b>"), "a subject is not HTML");
    }

    #[test]
    fn validity_is_said_in_the_largest_exact_unit() {
        assert_eq!(Validity::of(7 * Validity::DAY_MS), Validity::Days(7));
        assert_eq!(Validity::of(Validity::HOUR_MS), Validity::Hours(1));
        assert_eq!(Validity::of(36 * Validity::HOUR_MS), Validity::Hours(36));
        assert_eq!(Validity::of(90 * Validity::MINUTE_MS), Validity::Minutes(90));
        assert_eq!(Validity::of(1_000), Validity::Minutes(1), "never zero");
        assert_eq!(Validity::between(ISSUED, "2026-03-01T13:00:00Z"), Ok(Validity::Hours(1)));
        assert!(Validity::between(ISSUED, "next week").is_err());
    }

    #[test]
    fn a_broken_row_is_an_error_not_a_mail() {
        let mut mail = invitation("en");
        mail.template = "welcome".into();
        assert!(matches!(render(&mail), Err(RenderError::UnknownTemplate(t)) if t == "welcome"));
        let mut mail = invitation("en");
        mail.payload = "{}".into();
        assert!(matches!(render(&mail), Err(RenderError::Payload { .. })));
        let mut mail = forgot_shared("en");
        mail.payload = serde_json::json!({"tenant_name": "x", "accounts": [], "expires_at": "2026-03-01T13:00:00Z"}).to_string();
        assert!(matches!(render(&mail), Err(RenderError::Payload { .. })), "a shared mail without accounts");
    }

    #[test]
    fn an_unknown_language_reads_in_english() {
        let r = render(&invitation("xx")).unwrap();
        assert_eq!(r.subject, "Your access to De Zeven Heuvels");
    }
}

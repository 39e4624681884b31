//! Validated domain types: parse, don't validate. Each `parse` returns a [`FieldError`] naming
//! the rule broken; a value of one of these types is known to be well-formed everywhere after.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::FieldError;

/// A tenant's URL name: 2 to 63 lower-case ASCII letters, digits and inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantSlug(String);

impl TenantSlug {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        let ok_chars = s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !(2..=63).contains(&s.len()) || !ok_chars || s.starts_with('-') || s.ends_with('-') {
            return Err(FieldError::new(
                "slug",
                "invalid_slug",
                "must be 2 to 63 characters: lower-case letters, digits and inner hyphens",
            ));
        }
        if RESERVED_SLUGS.contains(&s) {
            return Err(FieldError::new("slug", "reserved_slug", format!("'{s}' is reserved; choose another slug")));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Slugs that would collide with Keyrack's own cookie names: a tenant's session cookie is
/// `keyrack_{slug}`, beside `keyrack_csrf`, `keyrack_lang` and `keyrack_flash`.
const RESERVED_SLUGS: [&str; 3] = ["csrf", "lang", "flash"];

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A login name. Matching is case-insensitive: the canonical form used for lookups and
/// uniqueness is NFKC, then Unicode lower case, then trimmed, so `Alice`, ` alice ` and the
/// fullwidth `ａｌｉｃｅ` are one name. The name as typed is kept for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Username {
    display: String,
    canonical: String,
}

impl Username {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let display: String = raw.nfkc().collect::<String>().trim().to_owned();
        if display.is_empty() {
            return Err(FieldError::new("username", "required", "must not be empty"));
        }
        if display.chars().count() > Self::MAX_LEN {
            return Err(
                FieldError::new("username", "too_long", "must be at most 254 characters").with_param("max", Self::MAX_LEN)
            );
        }
        if display.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(FieldError::new("username", "invalid_username", "must not contain spaces or control characters"));
        }
        Ok(Self { canonical: Self::fold(&display), display })
    }

    /// The canonical form of any typed name, for lookups: the same fold as uniqueness uses.
    pub fn fold(raw: &str) -> String {
        raw.nfkc().collect::<String>().trim().to_lowercase().nfkc().collect()
    }

    pub fn as_str(&self) -> &str {
        &self.display
    }

    pub fn canonical(&self) -> &str {
        &self.canonical
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

/// An e-mail address, checked by lettre's RFC 5321 parser; the domain is lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new("email", "required", "must not be empty"));
        }
        if s.len() > 254 {
            return Err(FieldError::new("email", "too_long", "must be at most 254 characters").with_param("max", 254));
        }
        let addr = lettre::Address::from_str(s)
            .map_err(|_| FieldError::new("email", "invalid_email", "is not a valid e-mail address"))?;
        Ok(Self(format!("{}@{}", addr.user(), addr.domain().to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`, which a password may not contain.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or(self.0.as_str(), |(l, _)| l)
    }

    /// The form used to find people who share an address: compared case-insensitively.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a closed set of snake_case words with parse/as_str/ALL, used for every enum that
/// crosses a boundary (JSON, database text column, spreadsheet cell).
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident, $field:literal, { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl Default for $name {
            /// The first word of the list.
            fn default() -> Self {
                Self::ALL[0]
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                let t = raw.trim().to_ascii_lowercase();
                match t.as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err(FieldError::new(
                        $field,
                        "invalid_choice",
                        format!("must be one of: {}", [$($word),+].join(", ")),
                    ).with_param("allowed", [$($word),+].join(", "))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum!(
    /// The languages Keyrack speaks.
    Locale, "language", { En = "en", Nl = "nl", De = "de", Fr = "fr", Ro = "ro" }
);

word_enum!(
    /// What a person is to the tenant.
    PersonKind, "kind", { Staff = "staff", Owner = "owner", Guest = "guest", Contact = "contact" }
);

word_enum!(
    /// A part of the product a tenant can switch on or off; access for a kind needs its module.
    Module, "modules", { Staff = "staff", Owners = "owners", Guests = "guests" }
);

word_enum!(
    /// Password policy preset (SPEC §4).
    PasswordPreset, "password_preset", { Default = "default", Classic = "classic" }
);

impl PersonKind {
    /// The module that must be on for a person of this kind to have access; contacts never log in.
    pub fn module(self) -> Option<Module> {
        match self {
            PersonKind::Staff => Some(Module::Staff),
            PersonKind::Owner => Some(Module::Owners),
            PersonKind::Guest => Some(Module::Guests),
            PersonKind::Contact => None,
        }
    }
}

/// A permission name: Keyrack's own or the operator's catalogue (`appointments.own`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Permission(String);

impl Permission {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
        if !ok {
            return Err(FieldError::new(
                "permissions",
                "invalid_permission",
                "permission names use lower-case letters, digits, '_' and '.'",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name must have at least one of first or last name, each at most 100 characters.
pub fn parse_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let s: String = raw.nfc().collect::<String>().trim().to_owned();
    if s.chars().count() > 100 {
        return Err(FieldError::new(field, "too_long", "must be at most 100 characters").with_param("max", 100));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(field, "invalid_characters", "must not contain control characters"));
    }
    Ok(s)
}

/// A phone number as people write it: digits with spaces, `+`, `-`, `(`, `)`, `/` and `.`.
pub fn parse_phone(raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let ok = s.chars().all(|c| c.is_ascii_digit() || " +-()/.".contains(c)) && (5..=20).contains(&digits);
    if !ok {
        return Err(FieldError::new("phones", "invalid_phone", "must be a phone number of 5 to 20 digits"));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_fold_case_width_and_space_alike() {
        let a = Username::parse("Alice").unwrap();
        for other in ["alice", " alice ", "ＡＬＩＣＥ", "ａｌｉｃｅ"] {
            assert_eq!(Username::parse(other).unwrap().canonical(), a.canonical(), "{other}");
        }
        assert_eq!(Username::fold("ALICE"), "alice");
    }

    #[test]
    fn turkish_dotted_capital_i_folds_consistently() {
        // Lookup and uniqueness use the same fold, so whatever `İ` becomes, it is stable.
        let u = Username::parse("İlker").unwrap();
        assert_eq!(Username::fold("İlker"), u.canonical());
        assert_ne!(u.canonical(), Username::fold("ilker"), "İ is not plain I");
    }

    #[test]
    fn emails_are_checked_and_domain_lowercased() {
        assert_eq!(Email::parse(" Ann@Example.COM ").unwrap().as_str(), "Ann@example.com");
        assert_eq!(Email::parse("ann@example.com").unwrap().local_part(), "ann");
        for bad in ["", "ann", "ann@", "@x.nl", "a b@x.nl"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_and_words() {
        assert!(TenantSlug::parse("de-zeven-heuvels").is_ok());
        assert!(TenantSlug::parse("Bad Slug").is_err());
        assert!(TenantSlug::parse("-x").is_err());
        assert_eq!(TenantSlug::parse("csrf").unwrap_err().code, "reserved_slug", "the CSRF cookie's name");
        assert_eq!(PersonKind::parse("Guest").unwrap(), PersonKind::Guest);
        let e = PersonKind::parse("alien").unwrap_err();
        assert_eq!(e.code, "invalid_choice");
        assert!(e.message.contains("staff, owner, guest, contact"));
    }
}

//! "Why can or can't this person log in right now, in words" (SPEC §3 derived facts, §5
//! `GET …/diagnosis`): turns the stored facts about a login into a yes/no and a list of reasons,
//! each with a stable code, an English sentence an admin understands and the values it names.
//!
//! Dates are calendar days in UTC (`YYYY-MM-DD`); pages translate by `code` with `params`.

use serde::Serialize;

use crate::access::AccessState;

/// What the application layer loads about one login to diagnose it. Times are unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFacts {
    pub state: AccessState,
    pub has_password: bool,
    /// Whether the module for the person's kind is on in the tenant.
    pub module_enabled: bool,
    /// Expiry of the newest outstanding (unused, unrevoked) invitation link.
    pub invitation_expires_at: Option<i64>,
    pub invitation_sent_at: Option<i64>,
    /// Expiry of the newest outstanding reset link.
    pub reset_expires_at: Option<i64>,
    /// End of the current throttling delay, from [`crate::throttle::locked_until`].
    pub locked_until: Option<i64>,
    /// How many other people of the tenant with access have the same e-mail address.
    pub email_shared_with: u32,
    pub must_change_password: bool,
    pub last_login_at: Option<i64>,
}

/// One reason, most important first in [`Diagnosis::reasons`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub message: String,
    /// The values the message names (`expires_on`, `minutes`, …), for translation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
}

impl Reason {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), params: Vec::new() }
    }

    fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push((name.to_owned(), value.to_string()));
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub can_log_in: bool,
    pub reasons: Vec<Reason>,
}

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// Diagnoses a login at `now`.
///
/// The reasons come in the order an admin should act on them: `ok` when the person can log in,
/// else what stops them (the access state first, then the switched-off module, then the
/// throttling lock), followed by facts worth knowing that stop nobody (`reset_requested`,
/// `must_change_password`, `email_shared`, `never_logged_in`). A link is valid while
/// `now < expires_at`, the same rule the link check uses.
pub fn diagnose(facts: &LoginFacts, now: i64) -> Diagnosis {
    let mut blocking = Vec::new();
    let mut info = Vec::new();
    let state = facts.state;

    match state {
        AccessState::None => {
            blocking.push(Reason::new("no_access", "Cannot log in: this person has no access. Grant access first."));
        }
        AccessState::Blocked => {
            blocking.push(Reason::new(
                "blocked",
                "Cannot log in: access is blocked. Unblock it (or grant access) to restore the previous state.",
            ));
        }
        AccessState::Granted => {
            blocking.push(Reason::new(
                "no_password",
                "Cannot log in: access was granted but no password has been set. Send an invitation or set a password.",
            ));
        }
        AccessState::Invited => blocking.push(invitation_reason(facts, now)),
        AccessState::ResetPending => blocking.push(reset_pending_reason(facts, now)),
        AccessState::ResetRequested => {
            let mut r = Reason::new(
                "reset_requested",
                "The person asked for a password reset; the current password keeps working until a new one is set.",
            );
            if let Some(exp) = facts.reset_expires_at.filter(|e| now < *e) {
                r = Reason::new(
                    "reset_requested",
                    format!(
                        "The person asked for a password reset (link valid until {}); the current password keeps working until a new one is set.",
                        format_date(exp)
                    ),
                )
                .with("expires_on", format_date(exp));
            }
            info.push(r);
        }
        AccessState::Active => {}
    }

    // The state says a password works, but none is stored: data from an import or a bug; say so
    // rather than claim the person can log in.
    if state.can_log_in() && !facts.has_password {
        blocking.push(Reason::new(
            "no_password",
            "Cannot log in: no password is stored for this login. Set a password or send a reset link.",
        ));
    }
    if !facts.module_enabled {
        let message = if state.has_login() {
            "Cannot log in: the module for this kind of person is switched off in the tenant settings."
        } else {
            "The module for this kind of person is switched off in the tenant settings, so access cannot be granted."
        };
        blocking.push(Reason::new("module_off", message));
    }

    if state.has_login() {
        if let Some(until) = facts.locked_until.filter(|u| now < *u) {
            let minutes = minutes_left(until, now);
            let unit = if minutes == 1 { "minute" } else { "minutes" };
            blocking.push(
                Reason::new(
                    "locked",
                    format!("Cannot log in right now: locked for {minutes} more {unit} after failed attempts. The lock ends by itself."),
                )
                .with("minutes", minutes),
            );
        }
        if facts.must_change_password && state.can_log_in() {
            info.push(Reason::new("must_change_password", "Must choose a new password at the next login."));
        }
        if facts.email_shared_with > 0 {
            let n = facts.email_shared_with;
            let whom = if n == 1 { "1 other person".to_owned() } else { format!("{n} other people") };
            info.push(
                Reason::new(
                    "email_shared",
                    format!("The e-mail address is shared with {whom} with access; a forgotten-password e-mail lists each account with its own link. Consider merging the people or changing an address."),
                )
                .with("count", n),
            );
        }
        if facts.last_login_at.is_none() {
            info.push(Reason::new("never_logged_in", "Has never logged in."));
        }
    }

    let can_log_in = blocking.is_empty();
    let mut reasons = Vec::with_capacity(blocking.len() + info.len() + 1);
    if can_log_in {
        let ok = match facts.last_login_at {
            Some(at) => Reason::new("ok", format!("Can log in. Last login on {}.", format_date(at)))
                .with("last_login_on", format_date(at)),
            None => Reason::new("ok", "Can log in."),
        };
        reasons.push(ok);
    }
    reasons.extend(blocking);
    reasons.extend(info);
    Diagnosis { can_log_in, reasons }
}

fn invitation_reason(facts: &LoginFacts, now: i64) -> Reason {
    let sent = facts.invitation_sent_at.map(|s| format!(" sent on {}", format_date(s))).unwrap_or_default();
    match facts.invitation_expires_at {
        Some(exp) if now < exp => {
            let r = Reason::new(
                "invitation_pending",
                format!(
                    "Cannot log in yet: the invitation{sent} is valid until {}; the person has not set a password yet.",
                    format_date(exp)
                ),
            )
            .with("expires_on", format_date(exp));
            with_sent(r, facts)
        }
        Some(exp) => {
            let r = Reason::new(
                "invitation_expired",
                format!("Cannot log in: the invitation expired on {}; send a new one.", format_date(exp)),
            )
            .with("expired_on", format_date(exp));
            with_sent(r, facts)
        }
        // Invited, but every link was used up or revoked: only a new invitation helps.
        None => Reason::new("invitation_missing", "Cannot log in: there is no valid invitation link; send a new one."),
    }
}

fn with_sent(r: Reason, facts: &LoginFacts) -> Reason {
    match facts.invitation_sent_at {
        Some(s) => r.with("sent_on", format_date(s)),
        None => r,
    }
}

fn reset_pending_reason(facts: &LoginFacts, now: i64) -> Reason {
    match facts.reset_expires_at {
        Some(exp) if now < exp => Reason::new(
            "reset_pending",
            format!(
                "Cannot log in: the password was reset by an administrator; the person must set a new one through the reset link, valid until {}.",
                format_date(exp)
            ),
        )
        .with("expires_on", format_date(exp)),
        Some(exp) => Reason::new(
            "reset_expired",
            format!("Cannot log in: the password was reset, and the reset link expired on {}; reset the password again or set one.", format_date(exp)),
        )
        .with("expired_on", format_date(exp)),
        None => Reason::new(
            "reset_expired",
            "Cannot log in: the password was reset and there is no valid reset link; reset the password again or set one.",
        ),
    }
}

/// Whole minutes left, rounded up: "1 more minute" while any of it remains.
fn minutes_left(until: i64, now: i64) -> i64 {
    let left = until.saturating_sub(now);
    left / MINUTE_MS + i64::from(left % MINUTE_MS > 0)
}

/// `YYYY-MM-DD` (UTC) of a unix-millisecond instant, for every i64.
///
/// Howard Hinnant's `civil_from_days` in plain integer arithmetic: total (no error case for
/// out-of-range years, unlike a date library) and checked against the `time` crate in the tests.
pub fn format_date(unix_ms: i64) -> String {
    let days = unix_ms.div_euclid(DAY_MS);
    let z = days + 719_468; // days since 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2026-03-10 12:00 UTC.
    const NOW: i64 = 1_773_144_000_000;
    const HOUR: i64 = 3_600_000;

    fn facts(state: AccessState) -> LoginFacts {
        LoginFacts {
            state,
            has_password: state.can_log_in(),
            module_enabled: true,
            invitation_expires_at: None,
            invitation_sent_at: None,
            reset_expires_at: None,
            locked_until: None,
            email_shared_with: 0,
            must_change_password: false,
            last_login_at: Some(NOW - DAY_MS),
        }
    }

    fn codes(d: &Diagnosis) -> Vec<&'static str> {
        d.reasons.iter().map(|r| r.code).collect()
    }

    fn param<'a>(d: &'a Diagnosis, code: &str, name: &str) -> &'a str {
        let r = d.reasons.iter().find(|r| r.code == code).unwrap();
        &r.params.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn now_is_the_day_the_tests_say() {
        assert_eq!(format_date(NOW), "2026-03-10");
    }

    #[test]
    fn ok_names_the_last_login() {
        let d = diagnose(&facts(AccessState::Active), NOW);
        assert!(d.can_log_in);
        assert_eq!(codes(&d), vec!["ok"]);
        assert_eq!(d.reasons[0].message, "Can log in. Last login on 2026-03-09.");
    }

    #[test]
    fn no_access() {
        let mut f = facts(AccessState::None);
        f.last_login_at = None;
        let d = diagnose(&f, NOW);
        assert!(!d.can_log_in);
        assert_eq!(codes(&d), vec!["no_access"], "nothing about a login that does not exist");
    }

    #[test]
    fn blocked() {
        let mut f = facts(AccessState::Blocked);
        f.has_password = true;
        let d = diagnose(&f, NOW);
        assert_eq!((d.can_log_in, codes(&d)), (false, vec!["blocked"]));
        assert!(d.reasons[0].message.starts_with("Cannot log in: access is blocked."));
    }

    #[test]
    fn no_password_when_granted_or_when_the_hash_is_missing() {
        let mut f = facts(AccessState::Granted);
        f.last_login_at = None;
        let d = diagnose(&f, NOW);
        assert_eq!((d.can_log_in, codes(&d)), (false, vec!["no_password", "never_logged_in"]));
        assert!(d.reasons[0].message.contains("Send an invitation or set a password"));

        let mut f = facts(AccessState::Active);
        f.has_password = false;
        let d = diagnose(&f, NOW);
        assert_eq!((d.can_log_in, codes(&d)), (false, vec!["no_password"]));
    }

    #[test]
    fn invitation_pending_and_expired_at_the_edge() {
        let mut f = facts(AccessState::Invited);
        f.last_login_at = None;
        f.invitation_sent_at = Some(NOW - 6 * DAY_MS);
        f.invitation_expires_at = Some(NOW + DAY_MS);
        let d = diagnose(&f, NOW);
        assert_eq!((d.can_log_in, codes(&d)), (false, vec!["invitation_pending", "never_logged_in"]));
        assert_eq!(
            d.reasons[0].message,
            "Cannot log in yet: the invitation sent on 2026-03-04 is valid until 2026-03-11; the person has not set a password yet."
        );
        assert_eq!(param(&d, "invitation_pending", "expires_on"), "2026-03-11");

        // Valid while now < expires_at: one millisecond before, pending; at the instant, expired.
        f.invitation_expires_at = Some(NOW + 1);
        assert_eq!(codes(&diagnose(&f, NOW))[0], "invitation_pending");
        f.invitation_expires_at = Some(NOW - 7 * DAY_MS);
        let d = diagnose(&f, NOW);
        assert_eq!(codes(&d)[0], "invitation_expired");
        assert_eq!(d.reasons[0].message, "Cannot log in: the invitation expired on 2026-03-03; send a new one.");
        assert_eq!(param(&d, "invitation_expired", "sent_on"), "2026-03-04");
        f.invitation_expires_at = Some(NOW);
        assert_eq!(codes(&diagnose(&f, NOW))[0], "invitation_expired");

        f.invitation_expires_at = None;
        assert_eq!(codes(&diagnose(&f, NOW))[0], "invitation_missing");
    }

    #[test]
    fn reset_pending_and_expired() {
        let mut f = facts(AccessState::ResetPending);
        f.reset_expires_at = Some(NOW + HOUR / 2);
        let d = diagnose(&f, NOW);
        assert_eq!((d.can_log_in, codes(&d)), (false, vec!["reset_pending"]));
        assert!(d.reasons[0].message.contains("valid until 2026-03-10"), "{}", d.reasons[0].message);
        f.reset_expires_at = Some(NOW - HOUR);
        let d = diagnose(&f, NOW);
        assert_eq!(codes(&d), vec!["reset_expired"]);
        assert_eq!(param(&d, "reset_expired", "expired_on"), "2026-03-10");
        f.reset_expires_at = None;
        assert_eq!(codes(&diagnose(&f, NOW)), vec!["reset_expired"]);
    }

    #[test]
    fn reset_requested_still_logs_in() {
        let mut f = facts(AccessState::ResetRequested);
        f.reset_expires_at = Some(NOW + HOUR);
        let d = diagnose(&f, NOW);
        assert_eq!((d.can_log_in, codes(&d)), (true, vec!["ok", "reset_requested"]));
        assert!(d.reasons[1].message.contains("current password keeps working"));
        assert_eq!(param(&d, "reset_requested", "expires_on"), "2026-03-10");
    }

    #[test]
    fn locked_counts_minutes_up_and_ends() {
        let mut f = facts(AccessState::Active);
        f.locked_until = Some(NOW + 14 * MINUTE_MS + 1);
        let d = diagnose(&f, NOW);
        assert_eq!((d.can_log_in, codes(&d)), (false, vec!["locked"]));
        assert_eq!(param(&d, "locked", "minutes"), "15");
        assert!(d.reasons[0].message.contains("locked for 15 more minutes after failed attempts"));
        f.locked_until = Some(NOW + 1_000);
        let d = diagnose(&f, NOW);
        assert!(d.reasons[0].message.contains("locked for 1 more minute after"), "{}", d.reasons[0].message);
        f.locked_until = Some(NOW);
        assert!(diagnose(&f, NOW).can_log_in, "the lock has ended at its instant");
        f.locked_until = Some(i64::MAX);
        assert_eq!(param(&diagnose(&f, i64::MIN), "locked", "minutes"), (i64::MAX / MINUTE_MS + 1).to_string());
    }

    #[test]
    fn email_shared_must_change_and_never_logged_in_inform_without_blocking() {
        let mut f = facts(AccessState::Active);
        f.email_shared_with = 2;
        f.must_change_password = true;
        f.last_login_at = None;
        let d = diagnose(&f, NOW);
        assert!(d.can_log_in);
        assert_eq!(codes(&d), vec!["ok", "must_change_password", "email_shared", "never_logged_in"]);
        assert_eq!(d.reasons[0].message, "Can log in.");
        assert!(d.reasons[2].message.contains("shared with 2 other people"));
        assert_eq!(param(&d, "email_shared", "count"), "2");
        f.email_shared_with = 1;
        assert!(diagnose(&f, NOW).reasons[2].message.contains("shared with 1 other person "));
    }

    #[test]
    fn module_off_blocks_even_an_active_login() {
        let mut f = facts(AccessState::Active);
        f.module_enabled = false;
        let d = diagnose(&f, NOW);
        assert_eq!((d.can_log_in, codes(&d)), (false, vec!["module_off"]));
        let mut f = facts(AccessState::None);
        f.module_enabled = false;
        assert_eq!(codes(&diagnose(&f, NOW)), vec!["no_access", "module_off"]);
    }

    #[test]
    fn several_blockers_are_all_named_state_first() {
        let mut f = facts(AccessState::Blocked);
        f.module_enabled = false;
        f.locked_until = Some(NOW + MINUTE_MS);
        f.email_shared_with = 1;
        assert_eq!(codes(&diagnose(&f, NOW)), vec!["blocked", "module_off", "locked", "email_shared"]);
    }

    #[test]
    fn serialises_as_the_api_shape() {
        let mut f = facts(AccessState::Invited);
        f.invitation_expires_at = Some(NOW - DAY_MS);
        let json = serde_json::to_value(diagnose(&f, NOW)).unwrap();
        assert_eq!(json["can_log_in"], false);
        assert_eq!(json["reasons"][0]["code"], "invitation_expired");
        assert_eq!(json["reasons"][0]["params"][0], serde_json::json!(["expired_on", "2026-03-09"]));
        assert!(json["reasons"][0]["message"].as_str().unwrap().ends_with("send a new one."));
    }

    #[test]
    fn format_date_edges() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(-1), "1969-12-31");
        assert_eq!(format_date(951_782_400_000), "2000-02-29");
        assert_eq!(format_date(4_107_542_400_000), "2100-03-01");
        // Total over i64: no panic or overflow at the extremes.
        assert!(!format_date(i64::MAX).is_empty());
        assert!(!format_date(i64::MIN).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn format_date_agrees_with_the_time_crate(ms in -62_135_596_800_000i64..253_402_300_799_999) {
            let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap();
            let expected = format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day());
            prop_assert_eq!(format_date(ms), expected);
        }

        /// The summary never contradicts the reasons: `ok` exactly when allowed, and then only
        /// informational reasons follow.
        #[test]
        fn can_log_in_matches_the_reasons(
            state in proptest::sample::select(AccessState::ALL.to_vec()),
            has_password in any::<bool>(),
            module_enabled in any::<bool>(),
            lock in proptest::option::of(-HOUR..HOUR),
            shared in 0u32..3,
            must_change in any::<bool>(),
        ) {
            let f = LoginFacts {
                state, has_password, module_enabled,
                invitation_expires_at: Some(NOW + HOUR), invitation_sent_at: None,
                reset_expires_at: None, locked_until: lock.map(|l| NOW + l),
                email_shared_with: shared, must_change_password: must_change, last_login_at: None,
            };
            let d = diagnose(&f, NOW);
            let expected = state.can_log_in() && has_password && module_enabled && lock.is_none_or(|l| l <= 0);
            prop_assert_eq!(d.can_log_in, expected);
            prop_assert_eq!(d.reasons.first().map(|r| r.code) == Some("ok"), expected);
            prop_assert!(d.reasons.iter().all(|r| !r.message.is_empty()));
        }
    }
}

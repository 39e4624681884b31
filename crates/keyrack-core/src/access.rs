//! The access state machine of SPEC §3: which action is allowed in which state, the state it
//! leads to, and the side effects the application layer must carry out in the same transaction.
//!
//! [`decide`] is a pure function; the table it implements is snapshot-tested so that it reads
//! like the specification.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// Where a person stands with logging in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessState {
    None,
    Granted,
    Invited,
    Active,
    ResetPending,
    ResetRequested,
    Blocked,
}

impl AccessState {
    pub const ALL: [AccessState; 7] = [
        AccessState::None,
        AccessState::Granted,
        AccessState::Invited,
        AccessState::Active,
        AccessState::ResetPending,
        AccessState::ResetRequested,
        AccessState::Blocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessState::None => "none",
            AccessState::Granted => "granted",
            AccessState::Invited => "invited",
            AccessState::Active => "active",
            AccessState::ResetPending => "reset_pending",
            AccessState::ResetRequested => "reset_requested",
            AccessState::Blocked => "blocked",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim().to_ascii_lowercase()).ok_or_else(|| {
            FieldError::new(
                "state",
                "invalid_choice",
                "must be one of: none, granted, invited, active, reset_pending, reset_requested, blocked",
            )
        })
    }

    /// Whether a correct password lets the person in (SPEC §3, column "can log in").
    pub fn can_log_in(self) -> bool {
        matches!(self, AccessState::Active | AccessState::ResetRequested)
    }

    /// Whether the person has a login row at all (username, role, ...).
    pub fn has_login(self) -> bool {
        self != AccessState::None
    }

    /// The English label of SPEC §3; other languages live in the message catalogues.
    pub fn label_en(self) -> &'static str {
        match self {
            AccessState::None => "No access",
            AccessState::Granted => "Yes (no password)",
            AccessState::Invited => "Yes (invited)",
            AccessState::Active => "Yes",
            AccessState::ResetPending => "Yes (password reset sent)",
            AccessState::ResetRequested => "Yes (reset requested)",
            AccessState::Blocked => "Yes (blocked)",
        }
    }
}

impl fmt::Display for AccessState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can happen to a person's access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// An admin gives access (or lifts a block: Tommy's "Verleen toegang").
    Grant,
    /// An admin sends (or resends) the set-password invitation.
    Invite,
    /// The person sets a password through an invitation or reset link.
    AcceptLink,
    /// An admin sets or generates a password.
    SetPassword,
    /// An admin revokes the password and e-mails a reset link.
    AdminReset,
    /// The person asks for a reset ("forgot password").
    Forgot,
    /// The person logs in with a correct password.
    LogIn,
    Block,
    Unblock,
    /// Access is taken away entirely (Tommy's "Verwijder toegang").
    Remove,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Grant,
        Action::Invite,
        Action::AcceptLink,
        Action::SetPassword,
        Action::AdminReset,
        Action::Forgot,
        Action::LogIn,
        Action::Block,
        Action::Unblock,
        Action::Remove,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Grant => "grant",
            Action::Invite => "invite",
            Action::AcceptLink => "accept_link",
            Action::SetPassword => "set_password",
            Action::AdminReset => "reset",
            Action::Forgot => "forgot",
            Action::LogIn => "log_in",
            Action::Block => "block",
            Action::Unblock => "unblock",
            Action::Remove => "remove",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A consequence of a transition that the application layer carries out in the same
/// transaction as the state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Create the login row (username, role) for a person who had none.
    CreateLogin,
    /// Issue a set-password link (revoking any earlier one) and send or return it.
    IssueInvitation,
    /// Issue a reset link and e-mail it.
    IssueReset,
    /// Store the new password hash.
    StorePassword,
    /// Delete the password hash: the old password stops working.
    RevokePassword,
    /// Mark every outstanding link of the person used.
    RevokeLinks,
    /// Mark outstanding reset links used (a successful login while a reset was requested).
    RevokeResetLinks,
    /// End the person's sessions and refresh tokens.
    RevokeSessions,
    /// Remember the state to return to when the block is lifted.
    RememberStateBeforeBlock,
    /// Delete username, password, links, sessions and role.
    DeleteLogin,
}

/// The outcome of an allowed action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub from: AccessState,
    pub to: AccessState,
    pub effects: Vec<Effect>,
}

/// Why an action is refused: a stable `code` plus the state it was refused in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub code: RefusalCode,
    pub action: Action,
    pub state: AccessState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The person has no access, so the action has nothing to act on.
    AccessNotGranted,
    /// The person is blocked; only unblock, grant, remove apply.
    PersonBlocked,
    /// Any other action that the table does not list for this state.
    InvalidTransition,
}

impl RefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::AccessNotGranted => "access_not_granted",
            RefusalCode::PersonBlocked => "person_blocked",
            RefusalCode::InvalidTransition => "invalid_transition",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' is not possible while access is '{}'", self.action, self.state)
    }
}

impl std::error::Error for Refusal {}

/// Decides an action in the current state. `before_block` is the remembered state of a blocked
/// login (ignored otherwise); it falls back to `granted` when nothing was remembered.
pub fn decide(current: AccessState, before_block: Option<AccessState>, action: Action) -> Result<Transition, Refusal> {
    use AccessState as S;
    use Action as A;
    use Effect as E;

    let restored = before_block.filter(|s| !matches!(s, S::None | S::Blocked)).unwrap_or(S::Granted);
    let (to, effects): (S, Vec<Effect>) = match (action, current) {
        (A::Grant, S::None) => (S::Granted, vec![E::CreateLogin]),
        (A::Grant | A::Unblock, S::Blocked) => (restored, vec![]),
        (A::Invite, S::Granted | S::Invited) => (S::Invited, vec![E::IssueInvitation]),
        (A::AcceptLink, S::Invited | S::ResetPending | S::ResetRequested) => {
            (S::Active, vec![E::StorePassword, E::RevokeLinks, E::RevokeSessions])
        }
        (A::SetPassword, S::Granted | S::Invited | S::Active | S::ResetPending | S::ResetRequested) => {
            (S::Active, vec![E::StorePassword, E::RevokeLinks, E::RevokeSessions])
        }
        (A::AdminReset, S::Active | S::ResetRequested | S::ResetPending) => {
            (S::ResetPending, vec![E::RevokePassword, E::RevokeSessions, E::RevokeLinks, E::IssueReset])
        }
        (A::Forgot, S::Active | S::ResetRequested) => (S::ResetRequested, vec![E::IssueReset]),
        (A::Forgot, S::Granted | S::Invited) => (S::Invited, vec![E::IssueInvitation]),
        (A::LogIn, S::ResetRequested) => (S::Active, vec![E::RevokeResetLinks]),
        (A::LogIn, S::Active) => (S::Active, vec![]),
        (A::Block, S::Granted | S::Invited | S::Active | S::ResetPending | S::ResetRequested) => {
            (S::Blocked, vec![E::RememberStateBeforeBlock, E::RevokeSessions, E::RevokeLinks])
        }
        (A::Remove, s) if s != S::None => (S::None, vec![E::DeleteLogin]),
        (_, state) => {
            let code = match state {
                S::None => RefusalCode::AccessNotGranted,
                S::Blocked => RefusalCode::PersonBlocked,
                _ => RefusalCode::InvalidTransition,
            };
            return Err(Refusal { code, action, state });
        }
    };
    Ok(Transition { from: current, to, effects })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole table, one line per state × action, in the words of SPEC §3.
    fn table() -> String {
        let mut out = String::new();
        for state in AccessState::ALL {
            for action in Action::ALL {
                let before = (state == AccessState::Blocked).then_some(AccessState::Active);
                let line = match decide(state, before, action) {
                    Ok(t) => {
                        let effects: Vec<String> = t.effects.iter().map(|e| format!("{e:?}")).collect();
                        format!("{:<15} {:<12} -> {:<15} {}", state.as_str(), action.as_str(), t.to.as_str(), effects.join(", "))
                    }
                    Err(r) => format!("{:<15} {:<12} xx {}", state.as_str(), action.as_str(), r.code.as_str()),
                };
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn transition_table_reads_like_the_spec() {
        insta::assert_snapshot!(table());
    }

    #[test]
    fn unblock_returns_to_the_exact_previous_state() {
        for prev in [
            AccessState::Granted,
            AccessState::Invited,
            AccessState::Active,
            AccessState::ResetPending,
            AccessState::ResetRequested,
        ] {
            let blocked = decide(prev, None, Action::Block).unwrap();
            assert_eq!(blocked.to, AccessState::Blocked);
            assert_eq!(decide(AccessState::Blocked, Some(prev), Action::Unblock).unwrap().to, prev);
            assert_eq!(decide(AccessState::Blocked, Some(prev), Action::Grant).unwrap().to, prev);
        }
    }

    #[test]
    fn refusals_name_the_current_state() {
        let r = decide(AccessState::None, None, Action::Invite).unwrap_err();
        assert_eq!((r.code, r.state), (RefusalCode::AccessNotGranted, AccessState::None));
        let r = decide(AccessState::Blocked, Some(AccessState::Active), Action::Invite).unwrap_err();
        assert_eq!(r.code, RefusalCode::PersonBlocked);
        let r = decide(AccessState::Active, None, Action::Invite).unwrap_err();
        assert_eq!(r.code, RefusalCode::InvalidTransition);
        assert!(r.to_string().contains("'active'"));
    }

    #[test]
    fn only_active_and_reset_requested_can_log_in() {
        let can: Vec<_> = AccessState::ALL.into_iter().filter(|s| s.can_log_in()).collect();
        assert_eq!(can, vec![AccessState::Active, AccessState::ResetRequested]);
    }
}

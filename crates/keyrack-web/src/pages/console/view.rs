//! Small pieces the console's pages share: the state badge, dates, kinds and the derived facts
//! in the reader's words.

use keyrack_core::access::{AccessState, Action, decide};
use keyrack_core::types::PersonKind;

use crate::pages::Tr;

/// An access state as a coloured badge with its label (SPEC §3); the colour is a class, the
/// label carries the meaning, so the badge reads the same without colour.
#[derive(Debug, Clone)]
pub struct Badge {
    pub class: &'static str,
    pub label: String,
}

pub fn badge(tr: Tr, state: AccessState) -> Badge {
    Badge { class: state.as_str(), label: keyrack_i18n::state_label(tr.0, state) }
}

/// A moment as `2026-03-03 14:05` (UTC), or the word for "never".
pub fn moment(tr: Tr, at: Option<i64>) -> String {
    match at {
        Some(ms) => keyrack_app::clock::rfc3339(ms).replace('T', " ").chars().take(16).collect(),
        None => tr.t("console-never"),
    }
}

pub fn kind_label(tr: Tr, kind: PersonKind) -> String {
    tr.t(&format!("console-kind-{}", kind.as_str()))
}

/// The access actions the panel offers, in the help-centre order; only those valid in the
/// current state are shown.
pub const PANEL: [Action; 6] =
    [Action::Grant, Action::Invite, Action::Unblock, Action::AdminReset, Action::Block, Action::Remove];

/// Whether an action needs a confirmation step: it ends someone's access or password.
pub fn destructive(action: Action) -> bool {
    matches!(action, Action::Block | Action::Remove | Action::AdminReset)
}

/// The access actions valid in this state, with the help-centre words.
pub fn valid_actions(tr: Tr, state: AccessState, before_block: Option<AccessState>) -> Vec<ActionButton> {
    PANEL
        .iter()
        .filter(|a| !(state == AccessState::Blocked && **a == Action::Grant))
        .filter(|a| decide(state, before_block, **a).is_ok())
        .map(|a| ActionButton { name: a.as_str(), label: action_label(tr, *a, state), destructive: destructive(*a) })
        .collect()
}

pub fn action_label(tr: Tr, action: Action, state: AccessState) -> String {
    let key = match (action, state) {
        (Action::Invite, AccessState::Invited) => "action-resend-invitation".to_owned(),
        _ => format!("action-{}", action.as_str()),
    };
    tr.t(&key)
}

/// The action in a URL, e.g. `block`.
pub fn parse_action(raw: &str) -> Option<Action> {
    PANEL.into_iter().find(|a| a.as_str() == raw)
}

#[derive(Debug, Clone)]
pub struct ActionButton {
    pub name: &'static str,
    pub label: String,
    pub destructive: bool,
}

//! The spreadsheet round trip of SPEC §6: export every person of a tenant, preview what an
//! uploaded sheet would change, apply the rows an admin selects in one transaction.
//!
//! The file formats (XLSX, ODS, CSV in its many encodings), header names and formula
//! neutralising are `keyrack_sheet`'s; this module matches rows to people, validates them with
//! the domain's own parse functions and rules, and writes them through the same code paths as
//! the API (the access state machine, the outbox, the audit log).
//!
//! # Rows
//!
//! A row matches a person by `id`, else by `username`, else by an e-mail address that exactly
//! one person of the tenant has; otherwise it is new. An `id` that is not a person of this
//! tenant (another tenant's, or none at all) never matches: the row is `invalid`. A row is a
//! `conflict` when its `id` names one person and its `username` another, or when two rows
//! target the same person (or would give two logins the same username); every row involved is
//! marked, so the admin decides which one is right.
//!
//! A missing column leaves that field as it is; a present but empty cell empties the field.
//! Cells that cannot be empty are left as they are when empty: `kind`, `language`, `access`,
//! `username` and `password` (an empty `password` never changes anything). The list columns
//! (`phone`, `branches`, `permissions`, `notifications`) separate items with `|`; `branches`
//! holds branch names (or ids) or the word `all`, and on a row that gives access for the first
//! time empty `role` and `branches` cells mean what `grant` does by default (the `staff` role
//! for staff, every branch). The export writes exactly these forms, so re-importing an export
//! changes nothing.
//!
//! `access` is the state to reach: `none`, `granted`, `invited` (= send an invitation),
//! `active` or `blocked`; the export's `reset_pending` and `reset_requested` are accepted only
//! where they are already the state. The preview finds the shortest sequence of the console's
//! actions (`grant`, `invite`, `password`, `block`, `unblock`, `remove`) that
//! [`keyrack_core::access::decide`] allows from the current state, and apply runs exactly those
//! actions; `active` needs a password in the row unless unblocking returns to it, and a state
//! no sequence reaches (`active` → `granted`, say) makes the row invalid, saying why. A password
//! is checked against the tenant's policy with [`keyrack_core::password::check`] and its value
//! is never shown, stored or logged: changes show it as `********`.
//!
//! # Who may import
//!
//! Previews and applies change people, so they need write access: a read key is refused (403),
//! and another tenant's import or tenant is "not found" (404). Operator, command line (system)
//! and API keys with the write scope act as administrators: they hold every right. A person
//! (the console) needs `import_export` to export, preview or apply, and each row is checked
//! against what they hold (SECURITY-TESTS G.34): new people and changed person fields need
//! `people.manage`; any change to access, username or password needs `access.manage`; role,
//! extra permissions and branches must pass [`keyrack_core::authz::check_assignment`] for what
//! the row adds (nobody hands out a permission or a branch they lack, only an administrator
//! assigns `administrator`); and only an administrator changes an administrator's login. A row
//! that breaks any of these is `invalid`, naming the cell. Apply is allowed to the actor who
//! made the preview, or to one that acts as administrator, and is refused if the person's own
//! rights changed since the preview.
//!
//! # What is stored between preview and apply
//!
//! Making a preview writes no person, login, audit event or mail: the preview is kept in the
//! `imports` table for [`PREVIEW_TTL_MS`] (24 hours) with the tenant and the actor, and each row
//! of the file in `import_rows` with what the preview shows and a plan of what apply will
//! write. Rows are written and read a page at a time, so a 100,000-row file is never one text
//! in memory and the console can show any page of it with one index range. Passwords are the one thing the plan cannot hold as given: apply must
//! not need the file again, and plain passwords are stored nowhere. So the preview hashes each
//! valid row's password with argon2id on all cores ([`crate::PasswordHasher`], the login
//! parameters) and the plan keeps only the hash — as strong as what `logins` stores, and deleted
//! with the plan once applied. The cost is CPU at preview time for rows that may never be
//! applied; in exchange apply only writes, which keeps its one transaction short.
//!
//! Apply re-validates every selected row inside its transaction, holding each person's lock: a
//! person whose fields or login changed since the preview (a digest of both is kept per row;
//! merely logging in does not count), a role or branch deleted since, or a username taken since
//! turns that row into a `conflict`, and the whole apply is refused (409 `import_stale`, listing
//! the rows) with nothing written. Any failure rolls everything back, and an applied preview
//! cannot be applied again (409 `import_applied`).
//!
//! Through the API a preview must finish within the server's 30-second request timeout, which
//! 100,000 rows without passwords do (a few seconds); files that set thousands of passwords
//! (about 36 argon2id hashes a second on two cores) belong to `keyrack import`, which has no
//! such limit and shows progress.

mod apply;
mod classify;
mod export;
mod preview;
mod report;
mod rights;
mod snapshot;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use apply::{ApplyInput, ApplyRows};
pub use report::{ImportReport, ImportSource, SourceFormat};

/// How long a preview can be applied.
pub const PREVIEW_TTL_MS: i64 = 24 * 3_600_000;

/// What `changes` shows for a new password: its value is never shown.
pub const HIDDEN_PASSWORD: &str = "********";

/// The file formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// UTF-8 with BOM; `delimiter` is `,`, `;` or TAB.
    Csv {
        delimiter: u8,
    },
    Xlsx,
}

/// An exported spreadsheet, ready to download.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    /// `{tenant}-people-{yyyy-mm-dd}.xlsx` (or `.csv`).
    pub filename: String,
    pub content_type: &'static str,
    /// People in the file.
    pub people: usize,
}

/// How a row of the file relates to the tenant's people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowClass {
    /// Matches no one: applying creates the person.
    New,
    /// Matches a person and changes something (listed in `changes`).
    Changed,
    /// Matches a person and changes nothing.
    Unchanged,
    /// A cell is not acceptable (listed in `errors`); cannot be applied.
    Invalid,
    /// The row names two different people, or shares its person with another row; cannot be applied.
    Conflict,
}

impl RowClass {
    /// The name as the API and the database write it.
    pub fn as_str(self) -> &'static str {
        match self {
            RowClass::New => "new",
            RowClass::Changed => "changed",
            RowClass::Unchanged => "unchanged",
            RowClass::Invalid => "invalid",
            RowClass::Conflict => "conflict",
        }
    }
}

/// The counts per class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportSummary {
    pub new: u32,
    pub changed: u32,
    pub unchanged: u32,
    pub invalid: u32,
    pub conflict: u32,
}

impl ImportSummary {
    fn count(&mut self, class: RowClass) {
        let n = match class {
            RowClass::New => &mut self.new,
            RowClass::Changed => &mut self.changed,
            RowClass::Unchanged => &mut self.unchanged,
            RowClass::Invalid => &mut self.invalid,
            RowClass::Conflict => &mut self.conflict,
        };
        *n += 1;
    }

    fn of<'a>(rows: impl IntoIterator<Item = &'a PreviewRow>) -> Self {
        let mut s = Self::default();
        for r in rows {
            s.count(r.class);
        }
        s
    }
}

/// One changed field, as the cells read (lists joined with `|`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    /// The column: `first_name`, `access`, `password`, ...
    pub field: String,
    pub old: String,
    /// For `password` always `********`.
    pub new: String,
}

/// Why a cell (or the row) cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowError {
    /// The column, or `row` for the row as a whole.
    pub field: String,
    /// Stable: `invalid_email`, `too_short`, `unknown_id`, `cannot_grant`, ...
    pub code: String,
    pub message: String,
    /// The values the message names (`min` of `too_short`, the `permission` of `forbidden`),
    /// so that a page can say it in its reader's language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

impl RowError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into(), params: BTreeMap::new() }
    }

    /// The error as the domain's field error, for the translations of [`keyrack_core::FieldError`].
    pub fn to_field_error(&self) -> keyrack_core::FieldError {
        let mut e = keyrack_core::FieldError::new(self.field.clone(), self.code.clone(), self.message.clone());
        e.params = self.params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        e
    }
}

impl From<keyrack_core::FieldError> for RowError {
    fn from(e: keyrack_core::FieldError) -> Self {
        Self { field: e.field, code: e.code, message: e.message, params: e.params.into_iter().collect() }
    }
}

/// One row of the file in the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PreviewRow {
    /// The row number as the spreadsheet shows it (the CSV line where the record starts).
    pub row: u32,
    pub class: RowClass,
    /// The matched person; null for a new row or one that matches no one.
    pub person_id: Option<String>,
    pub changes: Vec<FieldChange>,
    pub errors: Vec<RowError>,
    /// The access actions apply will run, in order (`grant`, `invite`, `set_password`, ...).
    pub actions: Vec<String>,
}

/// What apply did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApplyResult {
    /// People created.
    pub created: u32,
    /// Existing people changed.
    pub updated: u32,
    /// Invitation mails queued in the outbox.
    pub invitations_queued: u32,
    pub passwords_set: u32,
    /// Rows of the file not written: unchanged, invalid, conflicting or not selected.
    pub skipped: u32,
}

/// A stored preview, as `POST /imports` and `GET /imports/{id}` answer it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportPreview {
    pub id: String,
    pub filename: String,
    pub summary: ImportSummary,
    pub rows: Vec<PreviewRow>,
    /// Columns that are ignored (unknown or without a header).
    pub warnings: Vec<RowError>,
    pub created_at: String,
    /// After this the preview can no longer be applied.
    pub expires_at: String,
    pub applied_at: Option<String>,
    /// What apply did, once applied.
    pub result: Option<ApplyResult>,
}

/// The stages of a long import, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the file and the tenant's people, and checking the rows.
    Reading,
    /// Hashing the passwords of the valid rows.
    Hashing,
    /// Writing the applied rows.
    Writing,
}

/// Receives progress. Calls come from async tasks and blocking threads alike.
pub trait Progress: Send + Sync {
    /// A stage starts with this many steps.
    fn start(&self, stage: Stage, total: u64);
    /// `n` more steps of the current stage are done.
    fn advance(&self, n: u64);
    /// The current stage is over.
    fn finish(&self) {}
}

/// No progress reporting (the API).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: Stage, _: u64) {}
    fn advance(&self, _: u64) {}
}

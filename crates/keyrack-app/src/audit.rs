//! Audit events: built by the use cases, appended in their transaction, chained per tenant by
//! hash, listed for the API and verified by `keyrack audit verify`.
//!
//! The chain: every event of a tenant has a sequence number and
//! `hash = SHA-256(previous hash, the event's fields, actor digest, subject digest)`. The
//! personal fields (actor name; subject name and before/after values) enter only through their
//! digests, each salted with a random salt stored beside the fields. Redacting a deleted person
//! blanks the fields and the salt and keeps the digest: the chain still verifies, and nobody can
//! test a guessed name against the digest. A per-tenant head row holds the last link; it is
//! updated first by every append, so appends of one tenant take turns, and verify sees events
//! cut from the end of the chain.

use keyrack_core::{FieldError, FieldErrors};
use keyrack_store::records::{AuditLink, AuditRecord};
use keyrack_store::repo::audit::AuditFilter;
use keyrack_store::{Conn, StoreError, repo};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use crate::clock::rfc3339;
use crate::transaction;
use crate::views::{AuditActorView, AuditEventView, Page};
use crate::{Actor, App, AppResult, Origin, new_id};

/// One event being recorded.
#[derive(Debug, Clone)]
pub struct Event {
    record: AuditRecord,
}

impl Event {
    pub fn new(
        tenant_id: &str,
        actor: &Actor,
        origin: &Origin,
        now: i64,
        action: &str,
        subject_id: Option<&str>,
        subject_label: &str,
    ) -> Self {
        Self {
            record: AuditRecord {
                id: new_id(),
                tenant_id: tenant_id.to_owned(),
                at: now,
                actor_kind: actor.kind().to_owned(),
                actor_id: actor.id().map(str::to_owned),
                actor_label: actor.label(),
                action: action.to_owned(),
                subject_id: subject_id.map(str::to_owned),
                subject_label: subject_label.to_owned(),
                address: origin.address.clone(),
                before_json: None,
                after_json: None,
                link: None,
            },
        }
    }

    #[must_use]
    pub fn before(mut self, v: serde_json::Value) -> Self {
        self.record.before_json = Some(v.to_string());
        self
    }

    #[must_use]
    pub fn after(mut self, v: serde_json::Value) -> Self {
        self.record.after_json = Some(v.to_string());
        self
    }
}

/// What a redacted name reads as, in the subject and in the actor of an event.
pub const REDACTED: &str = "(deleted person)";

/// Appends the event inside the caller's transaction, as the next link of its tenant's chain.
/// Call it after the change's other writes where possible: the chain head stays locked until
/// the transaction ends. Inside [`batch`], the head is advanced in memory instead.
pub async fn append(conn: &mut Conn, event: Event) -> AppResult<()> {
    let mut record = event.record;
    let tenant_id = record.tenant_id.clone();
    let reached = BATCH.try_with(|b| b.borrow().clone()).ok();
    let in_batch = reached.is_some();
    let link = match reached {
        // Outside a batch: the head moves with every event.
        None => {
            let (seq, prev_hash) = next_position(conn, &tenant_id).await?;
            let link = link_for(&record, seq, prev_hash);
            repo::audit::set_head_hash(conn, &tenant_id, &link.hash).await?;
            link
        }
        // The batch's next event of the same tenant: the head is already locked by its first.
        Some(Some(at)) if at.tenant_id == tenant_id => link_for(&record, at.seq + 1, at.hash),
        Some(Some(_)) => return Err(crate::AppError::Internal("an audit batch spans two tenants".into())),
        // The batch's first event: locks and advances the head, whose hash is written at the end.
        Some(None) => {
            let (seq, prev_hash) = next_position(conn, &tenant_id).await?;
            link_for(&record, seq, prev_hash)
        }
    };
    if in_batch {
        let at = Reached { tenant_id, seq: link.seq, hash: link.hash.clone() };
        BATCH.with(|b| *b.borrow_mut() = Some(at));
    }
    record.link = Some(link);
    repo::audit::insert(conn, &record).await?;
    Ok(())
}

/// Where a [`batch`] has taken its tenant's chain.
#[derive(Debug, Clone)]
struct Reached {
    tenant_id: String,
    seq: i64,
    hash: String,
}

tokio::task_local! {
    /// Set while [`batch`] runs: the chain position its events have reached (`None` before
    /// the first).
    static BATCH: std::cell::RefCell<Option<Reached>>;
}

/// Runs `body`, the part of a transaction that appends many events of one tenant (an import
/// applying thousands of rows), with the chain head written once at the end instead of twice
/// per event; the events are the same links either way. On PostgreSQL the per-event updates of
/// the one head row made a long transaction quadratic: an updated row keeps every earlier
/// version until the transaction ends, and each update walked them (100,000 rows took 13
/// minutes). The first event locks the head as usual, so other writers of the tenant's chain
/// wait for the transaction, as they do for any append.
pub async fn batch<T>(conn: &mut Conn, body: impl AsyncFnOnce(&mut Conn) -> AppResult<T>) -> AppResult<T> {
    let (result, reached) = BATCH
        .scope(std::cell::RefCell::new(None), async {
            let result = body(&mut *conn).await;
            (result, BATCH.with(|b| b.borrow_mut().take()))
        })
        .await;
    let value = result?;
    if let Some(at) = reached {
        repo::audit::set_head(conn, &at.tenant_id, at.seq, &at.hash).await?;
    }
    Ok(value)
}

/// The next sequence number and the hash before it, locking the tenant's chain head. A tenant
/// without a head (a new tenant, or a database from before the chain) gets one here, after its
/// earlier events are chained.
async fn next_position(conn: &mut Conn, tenant_id: &str) -> AppResult<(i64, String)> {
    if let Some(position) = repo::audit::advance_head(conn, tenant_id).await? {
        return Ok(position);
    }
    start_chain(conn, tenant_id).await?;
    repo::audit::advance_head(conn, tenant_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("the audit chain head of tenant {tenant_id} vanished")).into())
}

/// Chains the tenant's events written before the chain existed (oldest first) and creates the
/// head after them. When another transaction creates the head at the same time, its links win
/// and ours are not written (the UPDATE only touches rows still without a link).
async fn start_chain(conn: &mut Conn, tenant_id: &str) -> AppResult<()> {
    let mut seq = 0;
    let mut hash = String::new();
    for record in repo::audit::unchained(conn, tenant_id).await? {
        seq += 1;
        let link = link_for(&record, seq, hash);
        repo::audit::set_link(conn, &record.id, &link).await?;
        hash = link.hash;
    }
    repo::audit::create_head(conn, tenant_id, seq, &hash).await?;
    Ok(())
}

fn salt() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Feeds length-prefixed fields, so that no two different field lists hash alike.
struct Hasher(Sha256);

impl Hasher {
    fn new(domain: &str) -> Self {
        let mut h = Self(Sha256::new());
        h.text(domain);
        h
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.0.update((s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }

    fn opt(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            None => self.0.update([0u8]),
            Some(s) => {
                self.0.update([1u8]);
                self.text(s);
            }
        }
        self
    }

    fn int(&mut self, i: i64) -> &mut Self {
        self.0.update(i.to_le_bytes());
        self
    }

    fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

fn actor_digest(salt: &str, r: &AuditRecord) -> String {
    let mut h = Hasher::new("keyrack-audit-actor-v1");
    h.text(salt).text(&r.actor_label);
    h.finish()
}

fn subject_digest(salt: &str, r: &AuditRecord) -> String {
    let mut h = Hasher::new("keyrack-audit-subject-v1");
    h.text(salt).text(&r.subject_label).opt(r.before_json.as_deref()).opt(r.after_json.as_deref());
    h.finish()
}

fn link_hash(r: &AuditRecord, seq: i64, prev_hash: &str, actor_digest: &str, subject_digest: &str) -> String {
    let mut h = Hasher::new("keyrack-audit-link-v1");
    h.text(prev_hash)
        .text(&r.tenant_id)
        .int(seq)
        .text(&r.id)
        .int(r.at)
        .text(&r.actor_kind)
        .opt(r.actor_id.as_deref())
        .text(&r.action)
        .opt(r.subject_id.as_deref())
        .opt(r.address.as_deref())
        .text(actor_digest)
        .text(subject_digest);
    h.finish()
}

fn link_for(r: &AuditRecord, seq: i64, prev_hash: String) -> AuditLink {
    let (a_salt, s_salt) = (salt(), salt());
    let a_digest = actor_digest(&a_salt, r);
    let s_digest = subject_digest(&s_salt, r);
    let hash = link_hash(r, seq, &prev_hash, &a_digest, &s_digest);
    AuditLink {
        seq,
        prev_hash,
        hash,
        actor_salt: Some(a_salt),
        actor_digest: a_digest,
        subject_salt: Some(s_salt),
        subject_digest: s_digest,
    }
}

/// Where and why a tenant's chain does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first event found changed, or the one after the gap; `None` when events are
    /// missing at the end of the chain.
    pub event_id: Option<String>,
    pub seq: i64,
    pub reason: String,
}

/// The outcome of verifying one tenant's chain.
#[derive(Debug, Clone)]
pub struct ChainReport {
    pub tenant: String,
    pub events: i64,
    /// The head's sequence number and hash: keeping them elsewhere lets a later verify show
    /// that the chain was not rebuilt from scratch.
    pub head_seq: i64,
    pub head_hash: String,
    pub problem: Option<ChainBreak>,
}

fn broken(r: &AuditRecord, seq: i64, reason: impl Into<String>) -> Option<ChainBreak> {
    Some(ChainBreak { event_id: Some(r.id.clone()), seq, reason: reason.into() })
}

/// Checks one chained event against the link before it; the first problem found, if any.
async fn check_link(conn: &mut Conn, r: &AuditRecord, expected_seq: i64, prev_hash: &str) -> AppResult<Option<ChainBreak>> {
    let Some(link) = &r.link else { return Ok(broken(r, expected_seq, "has no chain link")) };
    if link.seq > expected_seq {
        let reason = if expected_seq + 1 == link.seq {
            format!("event #{expected_seq} is missing before it")
        } else {
            format!("events #{expected_seq} to #{} are missing before it", link.seq - 1)
        };
        return Ok(broken(r, link.seq, reason));
    }
    if link.prev_hash != prev_hash {
        return Ok(broken(r, link.seq, "does not follow the event before it (an event was changed, removed or moved)"));
    }
    let actor = match &link.actor_salt {
        Some(salt) => actor_digest(salt, r),
        None if r.actor_label == REDACTED => link.actor_digest.clone(),
        None => return Ok(broken(r, link.seq, "was changed (its actor's name)")),
    };
    if actor != link.actor_digest {
        return Ok(broken(r, link.seq, "was changed (its actor's name)"));
    }
    let subject = match &link.subject_salt {
        Some(salt) => subject_digest(salt, r),
        None if r.subject_label == REDACTED && r.before_json.is_none() && r.after_json.is_none() => link.subject_digest.clone(),
        None => return Ok(broken(r, link.seq, "was changed (its subject or values)")),
    };
    if subject != link.subject_digest {
        return Ok(broken(r, link.seq, "was changed (its subject or values)"));
    }
    if link_hash(r, link.seq, prev_hash, &actor, &subject) != link.hash {
        return Ok(broken(r, link.seq, "was changed"));
    }
    // Redaction is only for deleted people: blanking a living person's events hides history.
    let tenant = &r.tenant_id;
    if link.subject_salt.is_none()
        && let Some(id) = &r.subject_id
        && repo::people::get(conn, tenant, id).await?.is_some()
    {
        return Ok(broken(r, link.seq, "was redacted although its subject still exists"));
    }
    if link.actor_salt.is_none()
        && r.actor_kind == "person"
        && let Some(id) = &r.actor_id
        && repo::people::get(conn, tenant, id).await?.is_some()
    {
        return Ok(broken(r, link.seq, "was redacted although its actor still exists"));
    }
    Ok(None)
}

fn view(r: AuditRecord) -> AuditEventView {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    AuditEventView {
        id: r.id,
        at: rfc3339(r.at),
        actor: AuditActorView { kind: r.actor_kind, id: r.actor_id, label: r.actor_label },
        action: r.action,
        subject_id: r.subject_id,
        subject: r.subject_label,
        address: r.address,
        before: parse(r.before_json),
        after: parse(r.after_json),
    }
}

/// Filters of the audit log (`GET /tenants/{t}/audit` and the console's history page).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Words in the name of who acted (a person's name, `API key …`, `operator`, `Keyrack`).
    pub actor: Option<String>,
    /// An action (`access.block`), or every action under a prefix ending in `.` (`access.`).
    pub action: Option<String>,
    /// A person's id: the events about them and about the people merged into them.
    pub person: Option<String>,
    /// The first day, `YYYY-MM-DD` (UTC), inclusive.
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD` (UTC), inclusive.
    pub to: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<i64>,
}

const DAY_MS: i64 = 86_400_000;

/// The start of a UTC day in unix milliseconds.
fn day_start(field: &str, raw: &str) -> Result<i64, FieldError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw.trim(), &format)
        .map(|d| d.midnight().assume_utc().unix_timestamp() * 1000)
        .map_err(|_| FieldError::new(field, "invalid_date", "must be a date written YYYY-MM-DD"))
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl App {
    /// Verifies the audit chain of one tenant (by slug) or of every tenant. Events written
    /// before the chain existed are chained first, as the tenant's next append would do.
    pub async fn verify_audit(&self, slug: Option<&str>) -> AppResult<Vec<ChainReport>> {
        let tenants = match slug {
            Some(slug) => vec![self.tenant(&Actor::System, slug).await?],
            None => self.tenants(&Actor::System).await?,
        };
        let mut reports = Vec::with_capacity(tenants.len());
        for tenant in tenants {
            let tenant_id = tenant.id().to_owned();
            {
                let mut conn = self.store.read().await?;
                if repo::audit::head(&mut conn, &tenant_id).await?.is_none() {
                    drop(conn);
                    transaction!(self, |tx| {
                        start_chain(tx, &tenant_id).await?;
                        Ok(())
                    })?;
                }
            }
            reports.push(self.verify_chain(tenant.slug(), &tenant_id).await?);
        }
        Ok(reports)
    }

    async fn verify_chain(&self, slug: &str, tenant_id: &str) -> AppResult<ChainReport> {
        const PAGE: i64 = 2_000;
        let mut conn = self.store.read().await?;
        // Read the head first: events appended while we read lie beyond it and are ignored.
        let (head_seq, head_hash) = repo::audit::head(&mut conn, tenant_id).await?.unwrap_or((0, String::new()));
        let mut report =
            ChainReport { tenant: slug.to_owned(), events: 0, head_seq, head_hash: head_hash.clone(), problem: None };
        let mut expected = 1;
        let mut prev = String::new();
        'pages: while expected <= head_seq {
            let rows = repo::audit::chain_page(&mut conn, tenant_id, expected - 1, PAGE).await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let seq = r.link.as_ref().map_or(expected, |l| l.seq);
                if seq > head_seq {
                    break 'pages;
                }
                if let Some(problem) = check_link(&mut conn, r, expected, &prev).await? {
                    report.problem = Some(problem);
                    return Ok(report);
                }
                report.events += 1;
                prev = r.link.as_ref().map(|l| l.hash.clone()).unwrap_or_default();
                expected = seq + 1;
            }
        }
        if expected <= head_seq {
            let reason = if expected == head_seq {
                format!("event #{expected}, the last one, is missing")
            } else {
                format!("events #{expected} to #{head_seq}, the last ones, are missing")
            };
            report.problem = Some(ChainBreak { event_id: None, seq: expected, reason });
        } else if prev != head_hash {
            report.problem = Some(ChainBreak {
                event_id: None,
                seq: head_seq,
                reason: "the chain head does not match the last event (it was changed)".to_owned(),
            });
        } else if repo::audit::count_unchained(&mut conn, tenant_id).await? > 0 {
            report.problem = Some(ChainBreak {
                event_id: None,
                seq: head_seq + 1,
                reason: "some events have no chain link (written outside Keyrack or by a Keyrack older than the chain)"
                    .to_owned(),
            });
        }
        Ok(report)
    }

    /// The tenant's events, newest first, optionally about one person.
    /// The tenant's events, newest first, optionally about one person (and the people merged
    /// into them).
    pub async fn audit(
        &self,
        actor: &Actor,
        slug: &str,
        person_id: Option<&str>,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<Page<AuditEventView>> {
        let query = AuditQuery {
            person: person_id.map(str::to_owned),
            cursor: cursor.map(str::to_owned),
            limit: Some(limit),
            ..AuditQuery::default()
        };
        self.audit_log(actor, slug, query).await
    }

    /// The tenant's events, newest first, filtered by who acted, the action, the person and
    /// the days; keyset pagination, so a page deep in a long log costs what the first does.
    pub async fn audit_log(&self, actor: &Actor, slug: &str, query: AuditQuery) -> AppResult<Page<AuditEventView>> {
        let tenant = self.tenant(actor, slug).await?;
        let mut errors = FieldErrors::default();
        let from = non_empty(query.from).and_then(|d| errors.take(day_start("from", &d)));
        let until = non_empty(query.to).and_then(|d| errors.take(day_start("to", &d))).map(|d| d + DAY_MS);
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            errors.push(FieldError::new("to", "before_from", "must be the same day as 'from' or later"));
        }
        let mut conn = self.store.read().await?;
        let subjects = match non_empty(query.person) {
            Some(pid) => {
                // A person of another tenant is "not found", even though events could be empty.
                repo::people::get(&mut conn, tenant.id(), &pid).await?.ok_or(crate::AppError::NotFound)?;
                self.require_person(&mut conn, actor, &tenant, &pid, crate::rights::AUDIT_VIEW).await?;
                let mut ids = repo::merges::merged_into(&mut conn, tenant.id(), &pid).await?;
                ids.push(pid);
                Some(ids)
            }
            None => {
                let rights = self.rights(&mut conn, &tenant, actor).await?;
                rights.require(crate::rights::AUDIT_VIEW)?;
                // The whole log names people of every branch.
                if rights.branch_limit().is_some() {
                    return Err(crate::AppError::Forbidden {
                        code: "branch_limited",
                        message: "the tenant's whole audit log needs access to every branch; open a person's history instead"
                            .into(),
                    });
                }
                None
            }
        };
        errors.into_result()?;
        let filter = AuditFilter {
            subjects,
            actor_id: None,
            actor_label: non_empty(query.actor),
            action: non_empty(query.action),
            from,
            until,
            before: non_empty(query.cursor),
        };
        let limit = query.limit.unwrap_or(100).clamp(1, 500);
        let mut rows = repo::audit::search(&mut conn, tenant.id(), &filter, limit + 1).await?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor = if more { rows.last().map(|r| r.id.clone()) } else { None };
        Ok(Page { items: rows.into_iter().map(view).collect(), next_cursor })
    }
}

//! `keyrack`: the server and its operator commands. Thin: it parses arguments and
//! configuration, then calls the application and web crates.

mod config;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use keyrack_app::access::{ActionInput, GrantInput, InviteInput};
use keyrack_app::apikeys::NewApiKey;
use keyrack_app::people::NewPerson;
use keyrack_app::tenants::NewTenant;
use keyrack_app::{Actor, App, AppError, Origin, SystemClock};
use keyrack_core::access::Action;
use keyrack_store::Store;

use crate::config::Config;

#[derive(Debug, Parser)]
#[command(name = "keyrack", version, about = "Who may log in to your customers' portals, and why not.")]
struct Cli {
    /// A TOML configuration file (default: ./keyrack.toml when present, or KEYRACK_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the server. On a database without tenants it prints a one-time setup link.
    Serve {
        /// Loads the demo tenant (a holiday park, slug `zonnedal`) if it is not there yet, and
        /// prints how to sign in as its administrator. For trying Keyrack out, not for real use.
        #[arg(long)]
        demo: bool,
    },
    /// Manages tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Shows a tenant's mail that is waiting in the outbox (for servers without SMTP).
    Outbox {
        #[arg(long)]
        tenant: String,
        /// Also show mail that was already delivered.
        #[arg(long)]
        all: bool,
    },
    /// Checks the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manages a tenant's API keys.
    Apikey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Manages OpenID Connect clients and the key that signs their tokens.
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// Previews what a spreadsheet of people (XLSX, ODS or CSV) would change, and with --apply
    /// applies it in one transaction. Prints the counts per class, each change of the new and
    /// changed rows (passwords as ********), and every invalid or conflicting row with the cell
    /// and the reason.
    #[command(after_help = "Exit codes:\n  \
        0  no row is invalid or conflicting (with --apply: every new and changed row was applied)\n  \
        1  an error: the file could not be read, an unknown tenant, the database; nothing applied\n  \
        2  some rows are invalid or conflicting (listed); nothing applied, unless --skip-invalid\n     \
           was given, which applies the other new and changed rows")]
    Import {
        /// The spreadsheet: .xlsx, .ods or .csv (`,` `;` or TAB; UTF-8, UTF-16 or Windows-1252).
        file: PathBuf,
        #[arg(long)]
        tenant: String,
        /// Apply every new and changed row after the preview (only when none is invalid or conflicting).
        #[arg(long)]
        apply: bool,
        /// With --apply: apply the valid rows even when others are invalid or conflicting.
        #[arg(long, requires = "apply")]
        skip_invalid: bool,
    },
    /// Writes every person of a tenant to a spreadsheet, in the columns the import reads.
    Export {
        #[arg(long)]
        tenant: String,
        /// xlsx or csv (UTF-8 with BOM).
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// The CSV delimiter: `,` `;` or `tab`.
        #[arg(long, default_value = ",")]
        delimiter: String,
        /// The file to write (default: `{tenant}-people-{date}.{format}` here; `-` for standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum TenantCommand {
    /// Creates a tenant and its first administrator, and prints the administrator's invitation link.
    Create {
        /// URL name: lower-case letters, digits and hyphens.
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// en, nl, de, fr or ro.
        #[arg(long, default_value = "en")]
        language: String,
        /// The first administrator's e-mail address (also their username).
        #[arg(long)]
        admin_email: String,
        #[arg(long, default_value = "")]
        admin_first_name: String,
        #[arg(long, default_value = "")]
        admin_last_name: String,
    },
    /// Lists the tenants.
    List,
}

#[derive(Debug, Subcommand)]
enum ApiKeyCommand {
    /// Creates an API key and prints it (it is shown this once).
    Create {
        #[arg(long)]
        tenant: String,
        /// read or write.
        #[arg(long, default_value = "read")]
        scope: String,
        #[arg(long)]
        label: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ClientCommand {
    /// Registers an application (relying party) and prints its client id and, unless it is
    /// public, its secret (shown only now).
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        name: String,
        /// Where codes may be sent; exact match. Repeat for several.
        #[arg(long = "redirect-uri", required = true)]
        redirect_uri: Vec<String>,
        /// Where people may be sent after signing out through the application. Repeatable.
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uri: Vec<String>,
        /// An application that cannot keep a secret (single-page, native): PKCE only.
        #[arg(long)]
        public: bool,
    },
    /// Gives a confidential application a new secret and prints it (shown only now); the old
    /// secret stops working at once.
    RotateSecret {
        #[arg(long)]
        tenant: String,
        /// The client id.
        #[arg(long)]
        client: String,
    },
    /// Deletes an application; everyone signed in to it through Keyrack is signed out.
    Delete {
        #[arg(long)]
        tenant: String,
        /// The client id.
        #[arg(long)]
        client: String,
    },
    /// Makes a new signing key; the old ones stay published until their tokens have expired.
    RotateKey,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Verifies each tenant's hash chain of audit events and names the first event that was
    /// changed, removed or moved; exits with 1 when any chain is broken.
    Verify {
        /// Only this tenant (its slug).
        #[arg(long)]
        tenant: Option<String>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let cfg = Config::load(cli.config.as_deref())?;
    init_logging(&cfg);
    let store = Store::connect(&cfg.database_url, cfg.database_max_connections)
        .await
        .with_context(|| "cannot open the database".to_owned())?;
    let mut app_config = cfg.app_config();
    // Only the commands that touch the signing keys need the key-encryption key (a PostgreSQL
    // operator can list tenants without it).
    if matches!(cli.command, Command::Serve { .. } | Command::Client { command: ClientCommand::RotateKey }) {
        app_config.key_encryption_key = Some(cfg.key_encryption_key()?);
    }
    let app = App::new(store, Arc::new(SystemClock), app_config);
    match cli.command {
        Command::Serve { demo } => serve(&cfg, app, demo).await,
        Command::Tenant { command: TenantCommand::List } => {
            for t in app.tenants(&Actor::System).await.map_err(app_error)? {
                println!("{}\t{}\t{}", t.slug(), t.record.language, t.record.name);
            }
            Ok(())
        }
        Command::Tenant {
            command: TenantCommand::Create { slug, name, language, admin_email, admin_first_name, admin_last_name },
        } => {
            let link =
                create_tenant_with_admin(&app, slug, name, language, admin_email, admin_first_name, admin_last_name).await?;
            println!("Tenant created. The administrator sets a password here (valid 7 days):\n{link}");
            Ok(())
        }
        Command::Client { command } => client_command(&app, command).await,
        Command::Import { file, tenant, apply, skip_invalid } => import_command(&app, &file, &tenant, apply, skip_invalid).await,
        Command::Export { tenant, format, delimiter, output } => export_command(&app, &tenant, &format, &delimiter, output).await,
        Command::Outbox { tenant, all } => {
            let mails = app.outbox(&Actor::System, &tenant, !all).await.map_err(app_error)?;
            if mails.is_empty() {
                println!("No mail waiting for {tenant}.");
            }
            for m in mails {
                let status = match (&m.sent_at, &m.next_attempt_at) {
                    (Some(at), _) => format!("sent {at}"),
                    (None, Some(next)) => format!("waiting, attempt {} at {next}", m.attempts + 1),
                    (None, None) => "waiting".to_owned(),
                };
                println!("To: {}\nSubject: {}\nQueued: {} ({status})", m.recipient, m.subject.unwrap_or_default(), m.created_at);
                if let Some(e) = m.last_error.or(m.render_error) {
                    println!("Last error: {e}");
                }
                println!("\n{}\n---", m.text.unwrap_or_default());
            }
            Ok(())
        }
        Command::Audit { command: AuditCommand::Verify { tenant } } => audit_verify(&app, tenant.as_deref()).await,
        Command::Apikey { command: ApiKeyCommand::Create { tenant, scope, label } } => {
            let key = app
                .create_api_key(&Actor::System, &Origin::default(), &tenant, NewApiKey { scope, label })
                .await
                .map_err(app_error)?;
            println!("{}", key.key);
            eprintln!("This {} key is shown only now; store it safely.", key.scope);
            Ok(())
        }
    }
}

/// `keyrack audit verify`: one line per tenant; the head printed on success can be kept
/// elsewhere to show later that the chain was not rebuilt.
async fn audit_verify(app: &App, tenant: Option<&str>) -> Result<()> {
    let reports = app.verify_audit(tenant).await.map_err(app_error)?;
    let mut broken = 0;
    for r in &reports {
        match &r.problem {
            None => println!("{}: ok, {} events, head #{} {}", r.tenant, r.events, r.head_seq, r.head_hash),
            Some(p) => {
                broken += 1;
                match &p.event_id {
                    Some(id) => println!("{}: BROKEN at event #{} ({id}): {}", r.tenant, p.seq, p.reason),
                    None => println!("{}: BROKEN at #{}: {}", r.tenant, p.seq, p.reason),
                }
            }
        }
    }
    if broken > 0 {
        anyhow::bail!("the audit log of {broken} tenant(s) does not verify");
    }
    Ok(())
}

async fn client_command(app: &App, command: ClientCommand) -> Result<()> {
    match command {
        ClientCommand::Create { tenant, name, redirect_uri, post_logout_redirect_uri, public } => {
            let input = keyrack_app::oidc::clients::NewClient {
                name,
                redirect_uris: redirect_uri,
                public,
                post_logout_redirect_uris: post_logout_redirect_uri,
            };
            let created = app.create_client(&Actor::System, &Origin::default(), &tenant, input).await.map_err(app_error)?;
            println!("issuer\t{}", created.client.issuer);
            println!("client_id\t{}", created.client.client_id);
            if let Some(secret) = created.client_secret {
                println!("client_secret\t{secret}");
                eprintln!("The secret is shown only now; store it safely.");
            }
            Ok(())
        }
        ClientCommand::RotateSecret { tenant, client } => {
            let rotated =
                app.rotate_client_secret(&Actor::System, &Origin::default(), &tenant, &client).await.map_err(app_error)?;
            if let Some(secret) = rotated.client_secret {
                println!("client_secret\t{secret}");
                eprintln!("The secret is shown only now; store it safely. The old one no longer works.");
            }
            Ok(())
        }
        ClientCommand::Delete { tenant, client } => {
            app.delete_client(&Actor::System, &Origin::default(), &tenant, &client).await.map_err(app_error)?;
            eprintln!("Deleted {client}.");
            Ok(())
        }
        ClientCommand::RotateKey => {
            let rotation = app.rotate_signing_key().await.map_err(app_error)?;
            println!("{}", rotation.kid);
            eprintln!(
                "New signing key {}; {} retired key(s) stay published until their tokens have expired, {} old key(s) deleted.",
                rotation.kid, rotation.retired, rotation.deleted
            );
            Ok(())
        }
    }
}

/// Creates the tenant, its first person with the administrator role, and an invitation link
/// answered instead of e-mailed, so that it works before mail is set up.
async fn create_tenant_with_admin(
    app: &App,
    slug: String,
    name: String,
    language: String,
    email: String,
    first_name: String,
    last_name: String,
) -> Result<String> {
    let (actor, origin) = (Actor::System, Origin::default());
    let tenant =
        app.create_tenant(&actor, &origin, NewTenant { slug, name, language: Some(language) }).await.map_err(app_error)?;
    let person = app
        .create_person(
            &actor,
            &origin,
            tenant.slug(),
            NewPerson {
                kind: "staff".into(),
                first_name: Some(first_name),
                last_name: Some(last_name),
                email: Some(email),
                ..NewPerson::default()
            },
        )
        .await
        .map_err(app_error)?;
    let grant = GrantInput { username: None, role: Some(keyrack_core::authz::ADMINISTRATOR.into()) };
    app.act(&actor, &origin, tenant.slug(), &person.id, Action::Grant, ActionInput::Grant(grant)).await.map_err(app_error)?;
    let invited = app
        .act(&actor, &origin, tenant.slug(), &person.id, Action::Invite, ActionInput::Invite(InviteInput { send_email: false }))
        .await
        .map_err(app_error)?;
    invited.link.context("the invitation carried no link")
}

fn app_error(e: AppError) -> anyhow::Error {
    match e {
        AppError::Validation(errors) => anyhow::anyhow!("{errors}"),
        other => anyhow::anyhow!("{other}"),
    }
}

async fn serve(cfg: &Config, app: App, demo: bool) -> Result<()> {
    // The signing key is made (or checked) before anything is served: a wrong secret key stops
    // the start here, not at the first sign-in through OpenID Connect.
    let keys = app.prepare_signing_keys().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(kid = %keys.active_kid, created = keys.created, sealed_now = keys.sealed_now, "signing keys ready");
    let listener =
        tokio::net::TcpListener::bind(&cfg.listen).await.with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, public_url = %cfg.public_url(), backend = ?app.store().backend(), "Keyrack is listening");
    if demo {
        let loaded = app.load_demo().await.map_err(app_error)?;
        let base = cfg.public_url();
        let base = base.trim_end_matches('/');
        let what = match loaded {
            keyrack_app::demo::DemoLoad::Loaded { people } => format!("Loaded the demo tenant with {people} people."),
            keyrack_app::demo::DemoLoad::AlreadyThere => "The demo tenant is loaded.".to_owned(),
        };
        eprintln!(
            "\n{what} Sign in as its administrator at\n\n    {base}/t/{}/login\n\n  username: {}\n  password: {}\n\n\
             This is demo data with a published password: never use --demo on a server that real people use.\n",
            keyrack_app::demo::SLUG,
            keyrack_app::demo::ADMIN_USERNAME,
            keyrack_app::demo::ADMIN_PASSWORD,
        );
    }
    if let Some(link) = app.issue_setup_link().await.map_err(app_error)? {
        eprintln!(
            "\nNo tenant yet. Open this one-time link to create the first tenant and its administrator\n\
             (valid 24 hours; each start prints a new one until a tenant exists):\n\n    {link}\n\n\
             Or create one on the command line:\n  keyrack tenant create --slug my-park --name \"My park\" --admin-email you@example.com\n"
        );
    }
    let _metrics_upkeep = keyrack_web::metrics::spawn_upkeep();
    // Mail queued by actions is delivered after commit; without SMTP it waits in the outbox,
    // where `keyrack outbox` shows it.
    let _mail_worker = match (&cfg.smtp_url, &cfg.smtp_from) {
        (Some(url), Some(from)) => {
            Some(keyrack_app::mail::spawn_worker(app.clone(), keyrack_app::mail::MailSettings::new(url, from)?))
        }
        (Some(_), None) => anyhow::bail!("KEYRACK_SMTP_FROM (smtp_from) is required when KEYRACK_SMTP_URL is set"),
        (None, _) => {
            tracing::warn!("no SMTP server configured (KEYRACK_SMTP_URL): mail stays in the outbox (see `keyrack outbox`)");
            None
        }
    };
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    keyrack_web::serve(app, listener, shutdown).await?;
    Ok(())
}

fn init_logging(cfg: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEYRACK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if cfg.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// `keyrack import`: preview, print, and apply if asked; exit code 2 when rows are not importable.
async fn import_command(app: &App, file: &std::path::Path, tenant: &str, apply: bool, skip_invalid: bool) -> Result<()> {
    use keyrack_app::import::{ApplyInput, ApplyRows, RowClass};

    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.file_name().map_or_else(|| "upload".to_owned(), |n| n.to_string_lossy().into_owned());
    let bars = Arc::new(Bars::default());
    bars.spin("reading the file");
    let preview = app.preview_import(&Actor::System, tenant, bytes, &name, bars.clone()).await;
    bars.done();
    let preview = preview.map_err(app_error)?;
    let s = preview.summary;
    println!(
        "{name}: {} new, {} changed, {} unchanged, {} invalid, {} conflicting",
        s.new, s.changed, s.unchanged, s.invalid, s.conflict
    );
    for w in &preview.warnings {
        println!("warning: {}", w.message);
    }
    // What apply would write, one line per changed field (a password only as `********`), then
    // each reason a row cannot be applied.
    for row in preview.rows.iter().filter(|r| matches!(r.class, RowClass::New | RowClass::Changed)) {
        let class = if row.class == RowClass::New { "new" } else { "changed" };
        for c in &row.changes {
            println!("row {}\t{class}\t{}: {} -> {}", row.row, c.field, c.old, c.new);
        }
    }
    for row in preview.rows.iter().filter(|r| matches!(r.class, RowClass::Invalid | RowClass::Conflict)) {
        for e in &row.errors {
            println!("row {}\t{}\t{}", row.row, e.field, e.message);
        }
    }
    let blocked = s.invalid + s.conflict > 0;
    if apply && (!blocked || skip_invalid) {
        let input = ApplyInput { rows: ApplyRows::All, must_change_password: None };
        let result = app.apply_import(&Actor::System, &Origin::default(), tenant, &preview.id, input, bars.clone()).await;
        bars.done();
        let r = result.map_err(app_error)?;
        println!(
            "applied: {} created, {} updated, {} invitations queued, {} passwords set, {} rows skipped",
            r.created, r.updated, r.invitations_queued, r.passwords_set, r.skipped
        );
    } else if apply {
        println!("nothing applied: fix the rows above, or add --skip-invalid to apply the other rows");
    } else {
        println!("nothing applied (preview only): run again with --apply to apply the new and changed rows");
    }
    if blocked {
        // Exit code 2 tells a script that rows were left out; everything is committed or rolled
        // back by now, so ending the process here loses nothing.
        app.store().close().await;
        std::process::exit(2);
    }
    Ok(())
}

/// `keyrack export`: every person of the tenant to a file or standard output.
async fn export_command(app: &App, tenant: &str, format: &str, delimiter: &str, output: Option<PathBuf>) -> Result<()> {
    use std::io::Write;

    use keyrack_app::import::ExportFormat;

    let format = match format {
        "xlsx" => ExportFormat::Xlsx,
        "csv" => ExportFormat::Csv {
            delimiter: match delimiter {
                "," => b',',
                ";" => b';',
                "tab" | "\t" => b'\t',
                other => anyhow::bail!("unknown delimiter {other:?}: use ',', ';' or tab"),
            },
        },
        other => anyhow::bail!("unknown format {other:?}: use xlsx or csv"),
    };
    let file = app.export(&Actor::System, tenant, format).await.map_err(app_error)?;
    let path = output.unwrap_or_else(|| PathBuf::from(&file.filename));
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(&file.bytes)?;
        out.flush()?;
    } else {
        std::fs::write(&path, &file.bytes).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("{} people written to {}", file.people, path.display());
    }
    Ok(())
}

/// indicatif bars on standard error for the stages of an import, so standard output keeps
/// only the summary a script reads.
#[derive(Default)]
struct Bars(std::sync::Mutex<Option<indicatif::ProgressBar>>);

impl Bars {
    fn replace(&self, bar: Option<indicatif::ProgressBar>) {
        let mut current = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(old) = current.take() {
            old.finish();
        }
        *current = bar;
    }

    /// A spinner for a step of unknown length.
    fn spin(&self, message: &'static str) {
        let bar = indicatif::ProgressBar::new_spinner().with_message(message);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        self.replace(Some(bar));
    }

    fn done(&self) {
        self.replace(None);
    }
}

impl keyrack_app::import::Progress for Bars {
    fn start(&self, stage: keyrack_app::import::Stage, total: u64) {
        use keyrack_app::import::Stage;
        let message = match stage {
            Stage::Reading => "checking rows",
            Stage::Hashing => "hashing passwords",
            Stage::Writing => "writing",
        };
        let style = indicatif::ProgressStyle::with_template("{msg:18} [{bar:40}] {pos}/{len} ({elapsed}, {eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
        self.replace(Some(indicatif::ProgressBar::new(total).with_style(style).with_message(message)));
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref() {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        self.done();
    }
}

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
    /// Runs the server.
    Serve,
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
    /// Makes a new signing key; the old ones stay published until their tokens have expired.
    RotateKey,
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
    let app = App::new(store, Arc::new(SystemClock), cfg.app_config());
    match cli.command {
        Command::Serve => serve(&cfg, app).await,
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

async fn serve(cfg: &Config, app: App) -> Result<()> {
    let listener =
        tokio::net::TcpListener::bind(&cfg.listen).await.with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, public_url = %cfg.public_url(), backend = ?app.store().backend(), "Keyrack is listening");
    if app.tenants(&Actor::System).await.map_err(app_error)?.is_empty() {
        eprintln!(
            "No tenant yet. Create the first one with:\n  keyrack tenant create --slug my-park --name \"My park\" --admin-email you@example.com"
        );
    }
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

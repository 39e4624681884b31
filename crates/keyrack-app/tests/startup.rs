//! What `keyrack serve` does before it listens, on SQLite or PostgreSQL
//! (`KEYRACK_TEST_DATABASE_URL`): the signing keys sealed at rest, and the demo tenant.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use keyrack_app::auth::Credentials;
use keyrack_app::demo::{ADMIN_PASSWORD, ADMIN_USERNAME, DemoLoad, SLUG};
use keyrack_app::oidc::keys::KeyringError;
use keyrack_app::people::PeopleQuery;
use keyrack_app::sealing::KeyEncryptionKey;
use keyrack_app::{Actor, App, AppConfig, Origin};
use keyrack_testkit::TestApp;

async fn stored_keys(app: &TestApp) -> Vec<(String, String)> {
    let kids = app.strings("SELECT kid FROM signing_keys ORDER BY kid").await;
    let privates = app.strings("SELECT private_key FROM signing_keys ORDER BY kid").await;
    kids.into_iter().zip(privates).collect()
}

/// A second server on the same database with another configuration.
fn node(app: &TestApp, kek: Option<KeyEncryptionKey>) -> App {
    App::new(
        app.app.store().clone(),
        app.clock.clone() as Arc<dyn keyrack_app::Clock>,
        AppConfig { key_encryption_key: kek, ..AppConfig::default() },
    )
}

#[tokio::test]
async fn the_signing_key_is_made_at_start_and_stored_sealed() {
    let app = TestApp::spawn().await;
    let keys = stored_keys(&app).await;
    assert_eq!(keys.len(), 1, "made when the server started, before any use");
    let (kid, private) = &keys[0];
    assert!(private.starts_with("kr-sealed-v1:"), "{private}");
    assert!(!private.contains("PRIVATE KEY") && !private.contains("MII"), "no PEM or DER in the clear: {private}");
    let kek = app.app.config().key_encryption_key.clone().unwrap();
    let pem = String::from_utf8(kek.open(private, kid).unwrap()).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));

    // A second start changes nothing; rotation keeps sealing.
    let report = app.app.prepare_signing_keys().await.unwrap();
    assert_eq!((report.active_kid.as_str(), report.created, report.sealed_now), (kid.as_str(), false, 0));
    let rotation = app.app.rotate_signing_key().await.unwrap();
    let after = stored_keys(&app).await;
    assert_eq!(after.len(), 2);
    assert!(after.iter().all(|(_, p)| p.starts_with("kr-sealed-v1:")));
    assert!(after.iter().any(|(k, _)| *k == rotation.kid));
    assert_eq!(app.app.jwks().await.unwrap().keys.len(), 2, "the retired key stays published");
}

#[tokio::test]
async fn a_wrong_or_missing_secret_key_stops_the_start_with_a_clear_error() {
    let app = TestApp::spawn().await;
    let before = stored_keys(&app).await;
    let err = node(&app, Some(KeyEncryptionKey::generate())).prepare_signing_keys().await.unwrap_err();
    assert!(matches!(err, KeyringError::WrongKey { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("secret key does not open") && message.contains("KEYRACK_SECRET_KEY"), "{message}");
    let err = node(&app, None).prepare_signing_keys().await.unwrap_err();
    assert!(matches!(err, KeyringError::NoKey) && err.to_string().contains("KEYRACK_SECRET_KEY"), "{err}");
    assert_eq!(stored_keys(&app).await, before, "a refused start changes nothing");
}

#[tokio::test]
async fn keys_stored_in_the_clear_are_sealed_at_the_next_start() {
    let app = TestApp::spawn().await;
    let (kid, sealed) = stored_keys(&app).await.remove(0);
    let kek = app.app.config().key_encryption_key.clone().unwrap();
    let pem = String::from_utf8(kek.open(&sealed, &kid).unwrap()).unwrap();
    // As an earlier version stored it.
    let mut conn = app.app.store().read().await.unwrap();
    sqlx::query("UPDATE signing_keys SET private_key = $1 WHERE kid = $2")
        .bind(&pem)
        .bind(&kid)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);

    let report = app.app.prepare_signing_keys().await.unwrap();
    assert_eq!((report.sealed_now, report.created, report.active_kid.as_str()), (1, false, kid.as_str()));
    let (same_kid, now_sealed) = stored_keys(&app).await.remove(0);
    assert_eq!(same_kid, kid, "the same key, so tokens it signed stay valid");
    assert!(now_sealed.starts_with("kr-sealed-v1:") && !now_sealed.contains("PRIVATE KEY"));
    assert_eq!(String::from_utf8(kek.open(&now_sealed, &kid).unwrap()).unwrap(), pem);
}

#[tokio::test]
async fn the_demo_tenant_has_every_kind_in_every_state_and_loads_once() {
    let app = TestApp::spawn().await;
    assert!(matches!(app.app.load_demo().await.unwrap(), DemoLoad::Loaded { .. }));
    let query = PeopleQuery { limit: Some(200), ..PeopleQuery::default() };
    let people = app.app.people(&Actor::System, SLUG, query.clone()).await.unwrap().items;

    let states: BTreeSet<&str> = people.iter().map(|p| p.access.state.as_str()).collect();
    let expected = ["none", "granted", "invited", "active", "reset_pending", "reset_requested", "blocked"];
    assert_eq!(states, expected.into_iter().collect(), "every access state of SPEC §3");
    let kinds: BTreeSet<&str> = people.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["contact", "guest", "owner", "staff"].into_iter().collect());
    let mut by_email: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &people {
        *by_email.entry(p.email.as_deref().unwrap_or_default()).or_default() += 1;
    }
    assert!(by_email.values().any(|n| *n > 1), "some people share an e-mail address");
    assert!(people.iter().any(|p| p.access.flags.iter().any(|f| f == "email_shared")), "and the flag shows it");
    assert_eq!(app.app.branches(&Actor::System, SLUG).await.unwrap().len(), 2);
    let roles: BTreeSet<String> = app.app.roles(&Actor::System, SLUG).await.unwrap().into_iter().map(|r| r.name).collect();
    assert!(["administrator", "manager", "staff"].iter().all(|r| roles.contains(*r)), "{roles:?}");

    // Real history: audit events from the use cases, mail queued, a failed sign-in, a block.
    let actions: BTreeSet<String> = app.strings("SELECT DISTINCT action FROM audit_events").await.into_iter().collect();
    for a in
        ["tenant.created", "person.created", "access.grant", "access.invite", "access.accept_invitation", "access.block", "login"]
    {
        assert!(actions.contains(a), "{a} in {actions:?}");
    }
    assert!(app.count("outbox").await >= 3, "invitations and resets are queued");
    assert!(app.count("logins WHERE failed_logins > 0").await >= 1);

    // The administrator signs in with the printed password.
    let admin = Credentials { username: ADMIN_USERNAME.into(), password: ADMIN_PASSWORD.into() };
    let signed_in = app.app.authenticate(&Origin::default(), SLUG, admin).await.unwrap();
    assert_eq!(signed_in.access.role.as_deref(), Some("administrator"));

    // A second start with --demo leaves everything as it is.
    let events = app.count("audit_events").await;
    assert_eq!(app.app.load_demo().await.unwrap(), DemoLoad::AlreadyThere);
    assert_eq!(app.count("audit_events").await, events);
    assert_eq!(app.app.people(&Actor::System, SLUG, query).await.unwrap().items.len(), people.len());
    assert_eq!(app.app.issue_setup_link().await.unwrap(), None, "no setup link once the demo tenant exists");
}

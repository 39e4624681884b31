//! First run in a real browser, in French: the setup link's page refuses a bad slug and a weak
//! password with every rule named, then creates the tenant and its administrator, signs the
//! administrator in and lands on the console's address; the link then shows "already set up".

use keyrack_core::types::Locale;
use keyrack_testkit::TestApp;
use keyrack_testkit::browser::Browser;

use crate::journey::{screenshots, see};

const GOOD: &str = "pins maritimes 2027 dune lavande";

#[tokio::test]
async fn the_setup_page_creates_the_first_tenant_and_signs_its_administrator_in() {
    let app = TestApp::spawn_reachable(|_| {}).await;
    let link = app.app.issue_setup_link().await.unwrap().unwrap();
    assert!(link.starts_with(&app.base), "{link}");
    let fr = |key: &str| keyrack_i18n::t(Locale::Fr, key);
    let fr_args = |key: &str, args: &[(&str, keyrack_i18n::FluentValue<'_>)]| keyrack_i18n::t_args(Locale::Fr, key, args);

    let browser = Browser::start("fr").await;
    browser.goto(&link).await;
    see(&browser, "h1", |t| t == fr("setup-title")).await;
    browser.fill("#name", "Camping Les Pins").await;
    browser.fill("#slug", "Les Pins").await;
    browser.fill("#first_name", "Camille").await;
    browser.fill("#last_name", "Durand").await;
    browser.fill("#email", "camille@lespins.example").await;
    browser.fill("#password", "motdepasse").await;
    browser.fill("#password_again", "motdepasse1").await;
    browser.click("button.primary").await;
    let summary = see(&browser, "#error-summary", |t| !t.is_empty()).await;
    assert!(summary.contains(&fr("field-invalid_slug")), "{summary}");
    assert!(summary.contains(&fr_args("password-too_short", &[("min", 15.into())])), "{summary}");
    assert!(summary.contains(&fr("password-mismatch")), "{summary}");
    let name_kept = browser.driver().find(keyrack_testkit::browser::thirtyfour::By::Css("#name")).await.unwrap();
    assert_eq!(name_kept.value().await.unwrap().as_deref(), Some("Camping Les Pins"), "typed values are kept");
    browser.screenshot(&screenshots().join("setup-refused-fr.png")).await;
    assert_eq!(app.count("tenants").await, 0);

    // The typed values stay; the passwords are typed again.
    browser.fill("#slug", "les-pins").await;
    browser.fill("#password", GOOD).await;
    browser.fill("#password_again", GOOD).await;
    browser.click("button.primary").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !browser.current_url().await.ends_with("/t/les-pins/console") {
        assert!(std::time::Instant::now() < deadline, "never reached the console: {}", browser.current_url().await);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The console is served by its own module; reaching its address signed in is what counts:
    // the account page answers only to a session.
    browser.goto(&format!("{}/t/les-pins/account", app.base)).await;
    see(&browser, "h1", |t| t == fr("account-title")).await;
    let tenant = app.app.tenant_by_slug("les-pins").await.unwrap();
    assert_eq!(tenant.record.language, Locale::Fr, "the default language followed the reader's");
    browser.goto(&link).await;
    see(&browser, "h1", |t| t == fr("setup-done-title")).await;
    browser.quit().await;
}

//! A real headless Chromium for page tests, driven over WebDriver by Debian's chromedriver.
//!
//! [`Browser::start`] runs `/usr/bin/chromedriver` as a child process and opens one session with
//! thirtyfour. Everything is torn down on drop, also when the test panics: the session is closed
//! (which ends Chromium), chromedriver is killed and the fresh profile directory removed. Chromium
//! talks to chromedriver over a pipe, so even when closing the session fails, Chromium ends with
//! chromedriver instead of outliving the test.
//!
//! A missing chromedriver is a test failure, not a skip: CI installs `chromium` and
//! `chromium-driver`, so a browser test that silently passed without a browser would hide a broken
//! CI machine.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use thirtyfour::extensions::query::ElementPollerWithTimeout;
use thirtyfour::prelude::*;

/// Re-exported so page tests can use [`Browser::driver`] without a dependency of their own.
pub use thirtyfour;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's launcher script: it execs the real binary with the distribution's flags, among them
/// `--disable-dev-shm-usage` when `/dev/shm` is small (as in many containers).
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const INSTALL_HINT: &str = "install chromium and chromium-driver (apt-get install chromium chromium-driver)";
pub const WINDOW_WIDTH: u32 = 1280;
pub const WINDOW_HEIGHT: u32 = 900;
/// How long element queries and waits poll before failing: long enough for a loaded CI machine,
/// short enough that a wrong selector fails the test quickly.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);
/// chromedriver answers within a second here; the margin is for a busy 2-core CI machine.
const DRIVER_START: Duration = Duration::from_secs(20);

/// Whether both chromedriver and Chromium are installed where [`Browser::start`] looks for them.
pub fn chromium_available() -> bool {
    Path::new(CHROMEDRIVER).is_file() && Path::new(CHROMIUM).is_file()
}

/// A headless Chromium session.
pub struct Browser {
    driver: WebDriver,
    // Dropped after the session is closed (see `Drop for Browser`): chromedriver first, then the
    // directory holding the profile and chromedriver's log.
    _chromedriver: ChromeDriver,
    dir: tempfile::TempDir,
}

/// The chromedriver child process, killed when dropped.
struct ChromeDriver(Child);

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // Errors mean the process is already gone, which is what is wanted.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // `leak` fails when `quit` already closed the session; otherwise it stops thirtyfour's own
        // closing on drop. That one sends its DELETE on the session's pooled connection, which
        // belongs to the test's runtime — blocked right here on a current-thread runtime — so it
        // hangs for the 120 s request timeout and then leaves Chromium running.
        if self.driver.clone().leak().is_ok() {
            let url = format!("{}session/{}", self.driver.server_url(), self.driver.session_id());
            // A fresh client on a fresh runtime, on its own thread since this may run inside the
            // test's runtime. chromedriver answers once Chromium has exited, so the profile
            // directory is no longer written to when it is removed.
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                runtime.block_on(async {
                    let _ = reqwest::Client::new().delete(url).timeout(DRIVER_START).send().await;
                });
            })
            .join();
        }
        // Chromium's helper processes (zygote, renderers) leave a moment after the browser
        // process; the profile is removed only once none of them uses it any more.
        let profile = self.dir.path().join("profile").to_string_lossy().into_owned();
        let deadline = Instant::now() + Duration::from_secs(5);
        while processes_using(&profile) > 0 && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
    }
}

/// How many live processes name `needle` in their command line (Linux `/proc`).
fn processes_using(needle: &str) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .filter(|cmdline| String::from_utf8_lossy(cmdline).contains(needle))
        .count()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium whose UI language and `Accept-Language` are
    /// `lang` (e.g. `"nl"`, or `"nl,en"` for a preference list), in a 1280×900 window with a
    /// fresh profile.
    pub async fn start(lang: &str) -> Self {
        assert!(chromium_available(), "browser tests need {CHROMEDRIVER} and {CHROMIUM}: {INSTALL_HINT}");
        let dir = tempfile::tempdir().expect("create the browser's temporary directory");
        let log = dir.path().join("chromedriver.log");
        let profile = dir.path().join("profile");

        // Port 0: chromedriver binds a port the OS chose and announces it, so parallel test
        // processes cannot race for a port picked in advance. It binds IPv6 first and then
        // wants the same port on IPv4, which another process may hold by then ("IPv4 port not
        // available"): that start is retried, a few times at most.
        let mut attempts = 0;
        let (chromedriver, port) = loop {
            attempts += 1;
            let mut child = Command::new(CHROMEDRIVER)
                .arg("--port=0")
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| fail(format!("start {CHROMEDRIVER}: {e}; {INSTALL_HINT}")));
            let stdout = child.stdout.take().expect("chromedriver's stdout is piped");
            let chromedriver = ChromeDriver(child);
            match announced_port(stdout, &log).await {
                Ok(port) => break (chromedriver, port),
                Err(seen) if attempts < 3 && seen.contains("port not available") => {}
                Err(seen) => fail(format!("{seen}{}", log_tail(&log))),
            }
        };
        let url = format!("http://127.0.0.1:{port}");
        wait_until_ready(&url, &log).await;

        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).expect("set the Chromium binary");
        for arg in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ] {
            caps.add_arg(arg).expect("add a Chromium argument");
        }
        caps.add_arg(&format!("--window-size={WINDOW_WIDTH},{WINDOW_HEIGHT}")).expect("add the window size");
        caps.add_arg(&format!("--user-data-dir={}", profile.display())).expect("add the profile directory");
        // Over a pipe instead of a debugging port, Chromium exits when chromedriver does.
        caps.add_arg("--remote-debugging-pipe").expect("connect chromedriver over a pipe");
        // `--lang` sets the UI language (and `navigator.language`); the preference sets the
        // `Accept-Language` header that a server negotiates on.
        caps.add_arg(&format!("--lang={lang}")).expect("add the language");
        caps.add_experimental_option("prefs", serde_json::json!({ "intl": { "accept_languages": lang } }))
            .expect("add the language preference");

        let driver = WebDriver::builder(&url, caps)
            .poller(Arc::new(ElementPollerWithTimeout::new(WAIT, POLL)))
            .await
            .unwrap_or_else(|e| fail(format!("open a Chromium session: {e}\n{}", log_tail(&log))));
        Self { driver, _chromedriver: chromedriver, dir }
    }

    /// The thirtyfour session, for anything the helpers below do not cover.
    pub fn driver(&self) -> &WebDriver {
        &self.driver
    }

    /// chromedriver's log (commands and answers), for a test that wants to print it on failure.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("chromedriver.log")
    }

    /// Loads `url` and waits until the page has loaded (thirtyfour's page load timeout: 60 s).
    pub async fn goto(&self, url: &str) {
        self.driver.goto(url).await.unwrap_or_else(|e| fail(format!("load {url}: {e}")));
    }

    /// Waits (up to [`WAIT`]) until an element matches `css`, and answers the first.
    pub async fn wait_for(&self, css: &str) -> WebElement {
        self.driver.query(By::Css(css)).first().await.unwrap_or_else(|e| fail(format!("wait for `{css}`: {e}")))
    }

    /// Replaces the value of the field `css` with `text`, as typed by a person.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        let typed = async {
            field.wait_until().clickable().await?;
            field.clear().await?;
            field.send_keys(text).await
        };
        typed.await.unwrap_or_else(|e| fail(format!("fill `{css}`: {e}")));
    }

    /// Clicks the element `css` once it is displayed and enabled.
    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        element.click_when_ready().await.unwrap_or_else(|e| fail(format!("click `{css}`: {e}")));
    }

    /// The visible text of the element `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.wait_for(css).await;
        element.text().await.unwrap_or_else(|e| fail(format!("read the text of `{css}`: {e}")))
    }

    pub async fn current_url(&self) -> String {
        self.driver.current_url().await.unwrap_or_else(|e| fail(format!("read the current URL: {e}"))).to_string()
    }

    /// The current DOM serialised as HTML (after scripts ran, so not the bytes the server sent).
    pub async fn page_source(&self) -> String {
        self.driver.source().await.unwrap_or_else(|e| fail(format!("read the page source: {e}")))
    }

    /// Saves a PNG of the viewport to `path`.
    pub async fn screenshot(&self, path: &Path) {
        self.driver.screenshot(path).await.unwrap_or_else(|e| fail(format!("screenshot to {}: {e}", path.display())));
    }

    /// The cookies of the current page's origin.
    pub async fn cookies(&self) -> Vec<Cookie> {
        self.driver.get_all_cookies().await.unwrap_or_else(|e| fail(format!("read the cookies: {e}")))
    }

    /// Closes the session without blocking the test's runtime, then stops chromedriver. Dropping
    /// the browser does the same, blocking.
    pub async fn quit(self) {
        self.driver.clone().quit().await.unwrap_or_else(|e| fail(format!("close the Chromium session: {e}")));
    }
}

/// Reads chromedriver's stdout until it announces its port, then keeps draining it on the same
/// thread: a closed pipe would kill chromedriver at its next write.
async fn announced_port(stdout: std::process::ChildStdout, log: &Path) -> Result<u16, String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        let mut seen = String::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.is_some() {
                seen.push_str(&line);
                seen.push('\n');
                // "ChromeDriver was started successfully on port 41235."
                let port =
                    line.split_once("started successfully on port ").and_then(|(_, p)| p.trim_end_matches('.').parse().ok());
                if let Some(port) = port
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(Ok(port));
                }
            }
        }
        // stdout closed before the announcement: chromedriver exited.
        if let Some(tx) = tx.take() {
            let _ = tx.send(Err(seen));
        }
    });
    match tokio::time::timeout(DRIVER_START, rx).await {
        Ok(Ok(Ok(port))) => Ok(port),
        Ok(Ok(Err(seen))) => Err(format!("{CHROMEDRIVER} exited before it listened:\n{seen}")),
        Ok(Err(_)) => fail(format!("{CHROMEDRIVER}'s output reader stopped")),
        Err(_) => fail(format!("{CHROMEDRIVER} announced no port within {DRIVER_START:?}\n{}", log_tail(log))),
    }
}

/// Polls chromedriver's `/status` until it reports itself ready to create sessions.
async fn wait_until_ready(url: &str, log: &Path) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + DRIVER_START;
    let mut last = String::new();
    while Instant::now() < deadline {
        match client.get(format!("{url}/status")).timeout(Duration::from_secs(2)).send().await {
            Ok(res) => match res.json::<serde_json::Value>().await {
                Ok(status) if status["value"]["ready"] == true => return,
                Ok(status) => last = status.to_string(),
                Err(e) => last = e.to_string(),
            },
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(POLL).await;
    }
    fail(format!("{CHROMEDRIVER} at {url} not ready within {DRIVER_START:?}: {last}\n{}", log_tail(log)))
}

/// The end of chromedriver's log, which says why Chromium did not start.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(40);
    format!("chromedriver log ({}):\n{}", log.display(), lines[start..].join("\n"))
}

/// Fails the test with a message that says what the browser was asked to do.
#[expect(clippy::panic, reason = "test support: a failed browser step is a failed test")]
fn fail(message: String) -> ! {
    panic!("{message}")
}

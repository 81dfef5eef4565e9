//! What the browser tests stand on: one `relais demo` server and one
//! chromedriver per test binary, a headless Chromium session per test, a few
//! page helpers with bounded waits, and artifacts (screenshot and HTML) when a
//! journey fails.
//!
//! Both servers are started through a small `sh` guard that reads its stdin:
//! when the test process ends, however it ends, the pipe closes and the guard
//! stops the server and removes its temporary directory.

use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// How long a page element may take to appear before a journey fails.
pub const WAIT: Duration = Duration::from_secs(20);
/// How long a whole journey may take.
const JOURNEY_LIMIT: Duration = Duration::from_secs(120);

/// One sign-in printed by `relais demo`.
#[derive(Debug, Clone)]
pub struct Login {
    /// e.g. `caseworker — Association Entraide Sahel – Rabat`
    pub label: String,
    /// The e-mail address to sign in with.
    pub email: String,
    /// The generated password.
    pub password: String,
}

/// The servers shared by the tests of this binary.
pub struct Env {
    /// `http://127.0.0.1:<port>` of the demo.
    pub base: String,
    /// The sign-ins the demo printed.
    pub logins: Vec<Login>,
    chromedriver: String,
    chromium: Option<PathBuf>,
    profiles: PathBuf,
    // The guards' stdin: dropped only when the process ends.
    _guards: Mutex<Vec<(Child, ChildStdin)>>,
}

impl Env {
    /// The first printed sign-in whose label starts with `role` (e.g. `caseworker`, `volunteer`).
    pub fn login(&self, role: &str) -> anyhow::Result<&Login> {
        let prefix = format!("{role} ");
        self.logins
            .iter()
            .find(|l| l.label.starts_with(&prefix))
            .ok_or_else(|| anyhow!("the demo printed no `{role}` sign-in: {:?}", self.logins))
    }
}

fn locate(var: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let from_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    from_path.or_else(|| Some(Path::new("/usr/bin").join(name)).filter(|p| p.is_file()))
}

/// The shared servers, started on first use; `None` (with one visible note)
/// when chromedriver is not installed outside CI. Under CI its absence fails.
pub fn env() -> Option<&'static Env> {
    static ENV: OnceLock<Result<Env, String>> = OnceLock::new();
    let Some(chromedriver) = locate("RELAIS_CHROMEDRIVER", "chromedriver") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver is not installed under CI: the browser tests must run \
             (apt-get install chromium chromium-driver, or set RELAIS_CHROMEDRIVER)"
        );
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "note: chromedriver not found (install Debian's chromium and chromium-driver, \
                 or set RELAIS_CHROMEDRIVER); browser tests are skipped"
            );
        });
        return None;
    };
    let env = ENV.get_or_init(|| start(&chromedriver).map_err(|e| format!("{e:#}")));
    match env {
        Ok(env) => Some(env),
        Err(e) => panic!("the browser test servers did not start: {e}"),
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts `program args…` under the guard; `cleanup` is removed when it stops.
/// Its standard error goes to `target/browser-artifacts/<log>`.
fn guarded(
    program: &Path,
    args: &[String],
    cleanup: &Path,
    stdout: Stdio,
    log: &str,
) -> anyhow::Result<(Child, ChildStdin)> {
    std::fs::create_dir_all(artifacts_dir())?;
    let log = std::fs::File::create(artifacts_dir().join(log))?;
    let script = r#"dir="$1"; shift; "$@" & child=$!; read -r _ || true; kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; rm -rf "$dir""#;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("guard")
        .arg(cleanup)
        .arg(program)
        .args(args)
        .env_remove("RELAIS_DATABASE__URL")
        .env_remove("RELAIS_CONFIG")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let stdin = child.stdin.take().context("guard stdin")?;
    Ok((child, stdin))
}

fn wait_for_port(port: u16, what: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("{what} did not listen on port {port} within 60 s")
}

/// Parses the sign-ins `relais demo` prints:
/// `    caseworker — Association …   caseworker.2@….invalid / PASSWORD`.
pub fn parse_logins(stdout: &str) -> Vec<Login> {
    stdout
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let slash = words.iter().rposition(|w| *w == "/")?;
            if slash < 2 || slash + 2 != words.len() || !words[slash - 1].contains('@') {
                return None;
            }
            Some(Login {
                label: words[..slash - 1].join(" "),
                email: words[slash - 1].to_owned(),
                password: words[slash + 1].to_owned(),
            })
        })
        .collect()
}

fn start(chromedriver: &Path) -> anyhow::Result<Env> {
    let relais = PathBuf::from(env!("CARGO_BIN_EXE_relais"));
    anyhow::ensure!(relais.is_file(), "the relais binary is missing at {}", relais.display());
    let run = format!("relais-browser-{}", std::process::id());
    let demo_dir = std::env::temp_dir().join(format!("{run}-demo"));
    let profiles = std::env::temp_dir().join(format!("{run}-profiles"));
    std::fs::create_dir_all(&demo_dir)?;
    std::fs::create_dir_all(&profiles)?;

    let port = free_port()?;
    let args = [
        "demo".to_owned(),
        "--database".to_owned(),
        demo_dir.join("demo.db").display().to_string(),
        "--bind".to_owned(),
        format!("127.0.0.1:{port}"),
    ];
    let (mut demo, demo_stdin) = guarded(&relais, &args, &demo_dir, Stdio::piped(), "relais-demo.log")?;
    let stdout = demo.stdout.take().context("demo stdout")?;
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        let mut printed = String::new();
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            printed.push_str(&line);
            printed.push('\n');
            if !sent && line.contains("e-mails:") {
                let _ = tx.send(printed.clone());
                sent = true;
            }
        }
        if !sent {
            let _ = tx.send(printed);
        }
    });
    let printed =
        rx.recv_timeout(Duration::from_secs(120)).context("`relais demo` printed no sign-ins within 120 s")?;
    let logins = parse_logins(&printed);
    anyhow::ensure!(!logins.is_empty(), "`relais demo` printed no sign-ins:\n{printed}");
    wait_for_port(port, "relais demo")?;

    let driver_port = free_port()?;
    let (driver, driver_stdin) =
        guarded(chromedriver, &[format!("--port={driver_port}")], &profiles, Stdio::null(), "chromedriver.log")?;
    wait_for_port(driver_port, "chromedriver")?;

    Ok(Env {
        base: format!("http://127.0.0.1:{port}"),
        logins,
        chromedriver: format!("http://127.0.0.1:{driver_port}"),
        chromium: locate("RELAIS_CHROMIUM", "chromium"),
        profiles,
        _guards: Mutex::new(vec![(demo, demo_stdin), (driver, driver_stdin)]),
    })
}

/// A headless Chromium session on the demo.
#[derive(Clone)]
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    /// The demo's base URL.
    pub base: String,
}

impl Browser {
    /// Starts a new headless Chromium with a new empty profile, at `width`×`height`.
    pub async fn start(env: &Env, width: u32, height: u32) -> anyhow::Result<Browser> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let profile = env.profiles.join(format!("p{}", N.fetch_add(1, Ordering::SeqCst)));
        let mut options = json!({
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": { "intl.accept_languages": "fr-FR,fr" },
        });
        if let Some(chromium) = &env.chromium {
            options["binary"] = json!(chromium.display().to_string());
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&env.chromedriver)
            .await
            .context("connecting to chromedriver")?;
        let browser = Browser { client, base: env.base.clone() };
        browser.viewport(width, height).await?;
        Ok(browser)
    }

    /// Makes the page area exactly `width`×`height` CSS pixels.
    pub async fn viewport(&self, width: u32, height: u32) -> anyhow::Result<()> {
        self.client.set_window_size(width, height).await?;
        let inner = self.client.execute("return [window.innerWidth, window.innerHeight];", vec![]).await?;
        let (w, h) = (inner[0].as_u64().unwrap_or(0), inner[1].as_u64().unwrap_or(0));
        if (w, h) != (u64::from(width), u64::from(height)) {
            let (dw, dh) = (u64::from(width).saturating_sub(w), u64::from(height).saturating_sub(h));
            let (dw, dh) = (u32::try_from(dw)?, u32::try_from(dh)?);
            self.client.set_window_size(width + dw, height + dh).await?;
        }
        Ok(())
    }

    /// Opens a path of the demo.
    pub async fn goto(&self, path: &str) -> anyhow::Result<()> {
        self.client.goto(&format!("{}{path}", self.base)).await.with_context(|| format!("opening {path}"))
    }

    /// The current path (and query) of the page.
    pub async fn path(&self) -> anyhow::Result<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// Waits (bounded) for an element matching `css`.
    pub async fn find(&self, css: &str) -> anyhow::Result<Element> {
        match self.client.wait().at_most(WAIT).every(Duration::from_millis(100)).for_element(Locator::Css(css)).await {
            Ok(element) => Ok(element),
            Err(e) => Err(anyhow!(e).context(format!("no `{css}` on {}", self.path_or_unknown().await))),
        }
    }

    /// Whether an element matching `css` is on the page now.
    pub async fn has(&self, css: &str) -> anyhow::Result<bool> {
        Ok(!self.client.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// The path and title of the current page, for error messages.
    async fn path_or_unknown(&self) -> String {
        let path = self.path().await.unwrap_or_else(|_| "(unknown page)".into());
        let title = self.client.title().await.unwrap_or_default();
        // An error page names its status and request id.
        let code = self.eval("const c = document.querySelector('.error-page p.muted'); return c ? c.textContent : '';");
        let code = code.await.ok().and_then(|c| c.as_str().map(str::to_owned)).filter(|c| !c.trim().is_empty());
        match code {
            Some(code) => format!("{path} («{title}», {})", code.trim()),
            None => format!("{path} («{title}»)"),
        }
    }

    /// Waits (bounded) until the element matching `css` contains `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> anyhow::Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return Ok(text);
            }
            if Instant::now() > deadline {
                bail!("`{css}` on {} never contained {needle:?}; it reads {text:?}", self.path_or_unknown().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits (bounded) until the path starts with `prefix`; returns the path.
    pub async fn wait_path(&self, prefix: &str) -> anyhow::Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let path = self.path().await?;
            if path.starts_with(prefix) {
                return Ok(path);
            }
            if Instant::now() > deadline {
                bail!("expected a page under {prefix}, still on {path}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types `value` into the input with id `f-<name>` (cleared first).
    pub async fn fill(&self, name: &str, value: &str) -> anyhow::Result<()> {
        let input = self.find(&format!("#f-{name}")).await?;
        input.clear().await?;
        input.send_keys(value).await.with_context(|| format!("typing into {name}"))
    }

    /// Sets an input's value directly (date inputs, whose typing depends on the browser's locale).
    pub async fn set_value(&self, name: &str, value: &str) -> anyhow::Result<()> {
        let input = self.find(&format!("#f-{name}")).await?;
        let element = serde_json::to_value(&input)?;
        self.client.execute("arguments[0].value = arguments[1];", vec![element, json!(value)]).await?;
        Ok(())
    }

    /// Chooses the option `value` of the select with id `f-<name>`.
    pub async fn choose(&self, name: &str, value: &str) -> anyhow::Result<()> {
        self.find(&format!("#f-{name}"))
            .await?
            .select_by_value(value)
            .await
            .with_context(|| format!("choosing {value} in {name}"))
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        self.find(css).await?.click().await.with_context(|| format!("clicking `{css}`"))
    }

    /// The page's HTML as the browser holds it.
    pub async fn html(&self) -> anyhow::Result<String> {
        Ok(self.client.source().await?)
    }

    /// Runs a script in the page and returns its value.
    pub async fn eval(&self, script: &str) -> anyhow::Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Signs in on /login and waits for the signed-in header.
    pub async fn sign_in(&self, login: &Login) -> anyhow::Result<()> {
        self.goto("/login").await?;
        self.fill("email", &login.email).await?;
        self.fill("password", &login.password).await?;
        self.click("main form[action='/login'] button[type=submit]").await?;
        self.find("form.sign-out").await.with_context(|| format!("signing in as {}", login.email))?;
        Ok(())
    }

    /// Signs out with the header's button and waits for the signed-out header.
    pub async fn sign_out(&self) -> anyhow::Result<()> {
        self.click("form.sign-out button[type=submit]").await?;
        let deadline = Instant::now() + WAIT;
        while self.has("form.sign-out").await? {
            if Instant::now() > deadline {
                bail!("still signed in after signing out");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// Switches the interface language with the header's language form.
    pub async fn switch_language(&self, lang: &str) -> anyhow::Result<()> {
        self.find("#language-switch").await?.select_by_value(lang).await?;
        self.click("form.language-switcher button[type=submit]").await?;
        let deadline = Instant::now() + WAIT;
        loop {
            let current = self.eval("return document.documentElement.lang;").await?;
            if current.as_str().is_some_and(|l| l.starts_with(lang)) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the page is still in {current} after choosing {lang}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A PNG of the visible page.
    pub async fn screenshot(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.client.screenshot().await?)
    }

    /// Saves a screenshot and the HTML of the current page under target/browser-artifacts/.
    pub async fn save_artifacts(&self, name: &str) -> PathBuf {
        let dir = artifacts_dir();
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
        if let Ok(html) = self.client.source().await {
            let url = self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let _ = std::fs::write(dir.join(format!("{name}.html")), format!("<!-- {url} -->\n{html}"));
        }
        dir
    }
}

/// `target/browser-artifacts` (following `CARGO_TARGET_DIR`).
pub fn artifacts_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("browser-artifacts")
}

/// Runs one journey in its own browser session (desktop size). On failure it
/// saves the artifacts, closes the session, then fails the test with the error.
pub async fn journey<F, Fut>(name: &str, body: F)
where
    F: FnOnce(&'static Env, Browser) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let Some(env) = env() else { return };
    for stale in ["png", "html"] {
        let _ = std::fs::remove_file(artifacts_dir().join(format!("{name}.{stale}")));
    }
    let browser = match Browser::start(env, 1280, 900).await {
        Ok(b) => b,
        Err(e) => panic!("{name}: no browser session: {e:#}"),
    };
    let outcome = match tokio::time::timeout(JOURNEY_LIMIT, body(env, browser.clone())).await {
        Ok(result) => result,
        Err(_) => Err(anyhow!("the journey took more than {} s", JOURNEY_LIMIT.as_secs())),
    };
    let saved = match &outcome {
        Err(_) => Some(browser.save_artifacts(name).await),
        Ok(()) => None,
    };
    let _ = browser.client.close().await;
    if let Err(e) = outcome {
        let saved = saved.map(|d| d.display().to_string()).unwrap_or_default();
        panic!("{name}: {e:#}\n(screenshot and HTML of the last page: {saved}/{name}.png, .html)");
    }
}

/// A fictitious person for a registration form.
pub struct Person<'a> {
    /// Given names.
    pub given: &'a str,
    /// Family names.
    pub family: &'a str,
    /// `AAAA-MM-JJ` or a year.
    pub birth: &'a str,
    /// A residence card number to record with the person.
    pub residence_card: Option<&'a str>,
    /// Whether to record a written case-management consent.
    pub consent: bool,
}

/// Fills in and submits /beneficiaries/new (without following a duplicate warning).
pub async fn submit_person(b: &Browser, p: &Person<'_>) -> anyhow::Result<()> {
    b.goto("/beneficiaries/new").await?;
    b.fill("given_names", p.given).await?;
    b.fill("family_names", p.family).await?;
    b.choose("sex", "female").await?;
    b.fill("birth", p.birth).await?;
    if let Some(number) = p.residence_card {
        b.choose("doc_type", "residence_card").await?;
        b.fill("doc_number", number).await?;
        b.set_value("doc_issued_on", "2024-03-01").await?;
        b.set_value("doc_expires_on", "2034-02-28").await?;
    }
    if p.consent {
        b.choose("consent_channel", "written").await?;
    }
    b.click("main form.panel p.actions button[type=submit]").await
}

/// Registers a person and returns their id (from the person page's address).
pub async fn register_person(b: &Browser, p: &Person<'_>) -> anyhow::Result<String> {
    submit_person(b, p).await?;
    // The form itself lives under /beneficiaries/new: wait for the person page, not just the prefix.
    let deadline = Instant::now() + WAIT;
    loop {
        let path = b.path().await?;
        let id =
            path.trim_start_matches("/beneficiaries/").split(['?', '#', '/']).next().unwrap_or_default().to_owned();
        if path.starts_with("/beneficiaries/") && !id.is_empty() && id != "new" {
            b.wait_text("main h1", p.given).await?;
            return Ok(id);
        }
        if Instant::now() > deadline {
            bail!("registration did not lead to a person page: {path}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens a case for a person the way a user does — the person's page, its
/// "open a case" button — and returns the case id.
pub async fn open_case(b: &Browser, person_id: &str) -> anyhow::Result<String> {
    b.goto(&format!("/beneficiaries/{person_id}")).await?;
    b.click(&format!("#cases a[href='/cases/new?beneficiary={person_id}']")).await?;
    b.wait_path("/cases/new").await?;
    let pathway = b.find("#f-pathway option:nth-child(2)").await?.attr("value").await?.unwrap_or_default();
    b.choose("pathway", &pathway).await?;
    b.click("main form[action='/cases'] button[type=submit]").await?;
    let deadline = Instant::now() + WAIT;
    loop {
        let path = b.path().await?;
        let id = path.trim_start_matches("/cases/").split(['?', '#', '/']).next().unwrap_or_default().to_owned();
        if path.starts_with("/cases/") && !id.is_empty() && id != "new" {
            b.find("#case-notes").await?;
            return Ok(id);
        }
        if Instant::now() > deadline {
            bail!("opening a case did not lead to the case page: {path}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Adds a note to the open case page; waits until it is listed.
pub async fn add_note(b: &Browser, body: &str, visibility: &str) -> anyhow::Result<()> {
    b.fill("body", body).await?;
    b.click(&format!("#case-notes input[name=visibility][value={visibility}]")).await?;
    b.click("#case-notes > form button[type=submit]").await?;
    b.wait_text("#case-notes", body).await?;
    Ok(())
}

//! End-to-end test harness: serves the built `dist/` on 127.0.0.1, starts `chromedriver` and
//! drives headless Chromium with thirtyfour.
//!
//! Every helper waits (up to [`App::timeout`], 15 s by default) and panics with a useful report
//! (what it waited for, current URL, console messages, visible body text, and a screenshot in
//! `tests/e2e/artifacts/`) when the page never gets there, so scenario tests read as plain steps:
//!
//! ```ignore
//! let mut app = App::start().await;          // server + chromedriver + Chromium, app mounted
//! app.click("nav-tickets").await;
//! app.fill("ticket-title", "漏水").await;
//! app.select("ticket-kind", "repair").await;
//! app.click("ticket-save").await;
//! app.wait_text("已保存").await;
//! app.stop_server().await;                   // "offline"
//! app.reload().await;                        // served by the service worker
//! app.quit().await;
//! ```
//!
//! Needs `dist/` built first (`make dist`), `/usr/bin/chromium` and `/usr/bin/chromedriver`
//! (`make test-deps`). Dropping an [`App`] without `quit()` (a failed test) still kills
//! chromedriver and Chromium and removes the temporary browser profile.

#![allow(dead_code)]

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use thirtyfour::prelude::*;
use thirtyfour::LoggingPrefsLogLevel;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Selector that tells the app has mounted (rendered hidden by the app shell).
pub const READY_SELECTOR: &str = r#"[data-testid="app-ready"], body[data-ready]"#;
const POLL: Duration = Duration::from_millis(100);

/// The crate root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `dist/`, as built by `make dist` (`trunk build --release`).
pub fn dist_dir() -> PathBuf {
    repo_root().join("dist")
}

/// `tests/e2e/artifacts/` (git-ignored): screenshots and failure reports.
pub fn artifacts_dir() -> PathBuf {
    let dir = repo_root().join("tests/e2e/artifacts");
    std::fs::create_dir_all(&dir).expect("create tests/e2e/artifacts");
    dir
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free port on 127.0.0.1")
}

// ---------------------------------------------------------------------------------------------
// Static file server
// ---------------------------------------------------------------------------------------------

/// Content type by file extension (what a static host would send).
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        "json" | "map" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// A tiny HTTP/1.1 static file server on 127.0.0.1 that can be stopped and restarted on the same
/// port (same origin, so the browser keeps its service worker and IndexedDB).
pub struct StaticServer {
    root: PathBuf,
    port: u16,
    running: Option<(watch::Sender<bool>, JoinHandle<()>)>,
    log: Arc<Mutex<Vec<String>>>,
}

impl StaticServer {
    /// Serves `root` on a free port.
    pub async fn start(root: impl Into<PathBuf>) -> io::Result<Self> {
        let mut server = StaticServer {
            root: root.into(),
            port: 0,
            running: None,
            log: Arc::default(),
        };
        server.listen().await?;
        Ok(server)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>/`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Request lines served so far ("GET /index.html 200"), oldest first.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    pub fn clear_requests(&self) {
        self.log.lock().unwrap().clear();
    }

    /// Closes the listening socket and every open connection; returns once they are closed.
    pub async fn stop(&mut self) {
        if let Some((shutdown, task)) = self.running.take() {
            let _ = shutdown.send(true);
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&mut self) -> io::Result<()> {
        self.stop().await;
        self.listen().await
    }

    async fn listen(&mut self) -> io::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let listener = loop {
            match bind(self.port) {
                Ok(l) => break l,
                Err(e) if self.port != 0 && Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(POLL).await;
                }
                Err(e) => return Err(e),
            }
        };
        self.port = listener.local_addr()?.port();
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(
            listener,
            self.root.clone(),
            self.log.clone(),
            rx,
        ));
        self.running = Some((tx, task));
        Ok(())
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        if let Some((shutdown, task)) = self.running.take() {
            let _ = shutdown.send(true);
            task.abort();
        }
    }
}

fn bind(port: u16) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)))?;
    socket.listen(128)
}

async fn accept_loop(
    listener: TcpListener,
    root: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let (root, log) = (root.clone(), log.clone());
                    connections.spawn(async move {
                        let _ = serve_connection(stream, &root, &log).await;
                    });
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    connections.shutdown().await;
}

async fn serve_connection(
    stream: TcpStream,
    root: &Path,
    log: &Mutex<Vec<String>>,
) -> io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await? == 0 {
            return Ok(());
        }
        let request_line = request_line.trim_end().to_string();
        if request_line.is_empty() {
            continue;
        }
        let mut headers = HashMap::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        // Discard a request body, if any.
        if let Some(len) = headers
            .get("content-length")
            .and_then(|v| v.parse::<u64>().ok())
        {
            let mut sink = Vec::new();
            (&mut reader).take(len).read_to_end(&mut sink).await?;
        }

        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("/").to_string();
        let version = parts.next().unwrap_or("HTTP/1.0").to_string();
        let close = headers
            .get("connection")
            .map(|v| v.eq_ignore_ascii_case("close"))
            .unwrap_or(version == "HTTP/1.0");

        let (status, content_type, body) = match method.as_str() {
            "GET" | "HEAD" => match resolve(root, &target) {
                Some(path) => match tokio::fs::read(&path).await {
                    Ok(bytes) => ("200 OK", mime_type(&path), bytes),
                    Err(_) => not_found(),
                },
                None => not_found(),
            },
            _ => (
                "405 Method Not Allowed",
                "text/plain; charset=utf-8",
                b"method not allowed\n".to_vec(),
            ),
        };
        log.lock()
            .unwrap()
            .push(format!("{method} {target} {}", &status[..3]));

        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
             Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n\r\n",
            body.len(),
            if close { "close" } else { "keep-alive" }
        );
        let stream = reader.get_mut();
        stream.write_all(head.as_bytes()).await?;
        if method != "HEAD" {
            stream.write_all(&body).await?;
        }
        stream.flush().await?;
        if close {
            return Ok(());
        }
    }
}

fn not_found() -> (&'static str, &'static str, Vec<u8>) {
    (
        "404 Not Found",
        "text/plain; charset=utf-8",
        b"not found\n".to_vec(),
    )
}

/// Maps a request target to a file under `root` (no `..`, `/` and folders give index.html).
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let mut file = root.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// ---------------------------------------------------------------------------------------------
// chromedriver process and temporary profile
// ---------------------------------------------------------------------------------------------

/// chromedriver in its own process group; dropping it kills the group (driver and browser).
struct DriverProcess {
    child: Option<Child>,
    port: u16,
}

impl DriverProcess {
    async fn start() -> Self {
        use std::os::unix::process::CommandExt;
        assert!(
            Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
            "{CHROMEDRIVER} or {CHROMIUM} is missing: run `make test-deps` \
             (apt-get install chromium chromium-driver fonts-noto-cjk)"
        );
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {CHROMEDRIVER}: {e}"));
        let mut process = DriverProcess {
            child: Some(child),
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .await
                .is_ok()
            {
                break;
            }
            if let Some(Ok(Some(status))) = process.child.as_mut().map(|c| c.try_wait()) {
                panic!("chromedriver exited at start: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within 20 s"
            );
            tokio::time::sleep(POLL).await;
        }
        process
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Negative pid: the whole process group (chromedriver and the Chromium it started).
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------------------------------------
// The app under test
// ---------------------------------------------------------------------------------------------

/// How [`App::start_with`] starts.
#[derive(Clone, Debug)]
pub struct Options {
    /// Folder to serve; `dist/` by default.
    pub root: PathBuf,
    /// Page to open first, relative to the server root.
    pub path: String,
    /// Wait for [`READY_SELECTOR`] after opening the page.
    pub wait_ready: bool,
    /// A fake camera and microphone, and no permission prompt
    /// (`--use-fake-device-for-media-stream --use-fake-ui-for-media-stream`).
    pub fake_media: bool,
    /// Browser window size (a portrait tablet by default).
    pub window: (u32, u32),
    /// Extra Chromium flags.
    pub extra_args: Vec<String>,
    /// How long helpers wait before failing.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            root: dist_dir(),
            path: String::new(),
            wait_ready: true,
            fake_media: false,
            window: (800, 1280),
            extra_args: Vec::new(),
            timeout: Duration::from_secs(15),
        }
    }
}

/// Server + chromedriver + one Chromium session on the app.
pub struct App {
    driver: Option<WebDriver>,
    server: StaticServer,
    chromedriver: DriverProcess,
    profile: TempDir,
    /// How long helpers wait before failing (15 s by default).
    pub timeout: Duration,
    failures: AtomicUsize,
}

/// `[data-testid="<id>"]`
pub fn testid_selector(id: &str) -> String {
    format!(
        "[data-testid=\"{}\"]",
        id.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

impl App {
    /// Draws a short stroke on a signature pad (`SignatureView`'s `.sig-ink` gets a path) —
    /// the customer's or staff member's drawn signature in every area.
    pub async fn draw_signature(&self, testid: &str) {
        let pad = self.wait_testid(testid).await;
        let _ = pad.scroll_into_view().await;
        self.driver()
            .action_chain()
            .move_to_element_center(&pad)
            .click_and_hold()
            .move_by_offset(40, 15)
            .move_by_offset(40, -20)
            .move_by_offset(50, 25)
            .release()
            .perform()
            .await
            .expect("draw the signature");
        let q = format!(
            "return document.querySelector('[data-testid={testid}] .sig-ink').getAttribute('d') || '';"
        );
        self.poll("ink on the pad", Duration::from_secs(10), || async {
            let d = self.js(&q, vec![]).await;
            d.as_str()
                .is_some_and(|s| s.starts_with('M') && s.contains('L'))
                .then_some(())
        })
        .await;
    }

    /// Serves `dist/`, starts Chromium, opens the app and waits until it has mounted.
    pub async fn start() -> App {
        App::start_with(Options::default()).await
    }

    /// Like [`App::start`] with a fake camera/microphone.
    pub async fn start_with_fake_media() -> App {
        App::start_with(Options {
            fake_media: true,
            ..Options::default()
        })
        .await
    }

    pub async fn start_with(options: Options) -> App {
        if options.root == dist_dir() {
            assert!(
                dist_dir().join("index.html").is_file(),
                "dist/index.html is missing: build the app first with `make dist` \
                 (trunk build --release)"
            );
        }
        let server = StaticServer::start(&options.root)
            .await
            .unwrap_or_else(|e| panic!("serve {}: {e}", options.root.display()));
        let chromedriver = DriverProcess::start().await;
        let profile = TempDir::new("estate-desk-e2e-profile");

        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).expect("caps");
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--disable-features=Translate,MediaRouter,OptimizationHints".into(),
            "--hide-scrollbars".into(),
            format!("--user-data-dir={}", profile.path().display()),
            format!("--window-size={},{}", options.window.0, options.window.1),
            "--lang=zh-CN".into(),
        ];
        if options.fake_media {
            args.push("--use-fake-device-for-media-stream".into());
            args.push("--use-fake-ui-for-media-stream".into());
        }
        args.extend(options.extra_args.iter().cloned());
        for arg in &args {
            caps.add_arg(arg).expect("caps");
        }
        caps.set_browser_log_level(LoggingPrefsLogLevel::All)
            .expect("caps");

        let driver = match tokio::time::timeout(
            Duration::from_secs(60),
            WebDriver::new(chromedriver.url(), caps),
        )
        .await
        {
            Ok(Ok(driver)) => driver,
            Ok(Err(e)) => panic!("start a Chromium session through chromedriver: {e}"),
            Err(_) => panic!("starting a Chromium session took over 60 s"),
        };

        // --window-size includes the browser's own bars: grow the window so the page itself
        // (the viewport) is exactly `options.window`, like a tablet screen.
        let chrome = driver
            .execute(
                "return [window.outerWidth - window.innerWidth, \
                 window.outerHeight - window.innerHeight];",
                vec![],
            )
            .await
            .ok()
            .and_then(|r| r.convert::<(u32, u32)>().ok());
        if let Some((dx, dy)) = chrome {
            if dx > 0 || dy > 0 {
                let (w, h) = options.window;
                let _ = driver.set_window_rect(0, 0, w + dx, h + dy).await;
            }
        }

        let app = App {
            driver: Some(driver),
            server,
            chromedriver,
            profile,
            timeout: options.timeout,
            failures: AtomicUsize::new(0),
        };
        app.goto(&options.path).await;
        if options.wait_ready {
            // The first start compiles the wasm on a busy machine: allow longer.
            app.wait_ready_for(app.timeout.max(Duration::from_secs(30)))
                .await;
        }
        app
    }

    /// The WebDriver session, for anything the helpers don't cover.
    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("the session has quit")
    }

    pub fn server(&self) -> &StaticServer {
        &self.server
    }

    /// Absolute URL of `path` (relative to the served folder).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.base_url(), path.trim_start_matches('/'))
    }

    /// Opens `path` (relative to the served folder) without waiting for the app.
    pub async fn goto(&self, path: &str) {
        let url = self.url(path);
        if let Err(e) = self.driver().goto(url.as_str()).await {
            self.fail(&format!("open {url}: {e}")).await;
        }
    }

    /// Waits until the app has mounted ([`READY_SELECTOR`]).
    pub async fn wait_ready(&self) {
        self.wait_ready_for(self.timeout).await
    }

    async fn wait_ready_for(&self, timeout: Duration) {
        let what = "the app to mount ([data-testid=app-ready] or body[data-ready])";
        self.poll(what, timeout, || async {
            self.driver()
                .find_all(By::Css(READY_SELECTOR))
                .await
                .map(|v| (!v.is_empty()).then_some(()))
                .unwrap_or(None)
        })
        .await
    }

    /// Reloads the page and waits until the app has mounted again.
    pub async fn reload(&self) {
        self.reload_no_wait().await;
        self.wait_ready_for(self.timeout.max(Duration::from_secs(30)))
            .await;
    }

    /// Reloads the page without waiting for the app.
    pub async fn reload_no_wait(&self) {
        if let Err(e) = self.driver().refresh().await {
            self.fail(&format!("reload: {e}")).await;
        }
    }

    /// Sets the page's clock to `at_ms` (ms since the epoch) from now on, and reloads: every
    /// new document gets a `Date` shifted by a fixed amount, so time still runs (timers, SLA
    /// clocks) but the day is the one a scenario needs. For screens whose content depends on
    /// the day — the training estate is generated for "today" — so a scenario does not pass on
    /// some weekdays and fail on others. Call it before anything is recorded.
    #[allow(deprecated)] // `WebDriver::cdp()` needs thirtyfour's `cdp` feature, not enabled here.
    pub async fn pin_clock(&self, at_ms: i64) {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default();
        let shift = at_ms - real;
        let source = format!(
            "(() => {{ const Real = Date; const shift = {shift}; \
             class Pinned extends Real {{ \
               constructor(...a) {{ if (a.length) {{ super(...a); }} else {{ super(Real.now() + shift); }} }} \
               static now() {{ return Real.now() + shift; }} }} \
             globalThis.Date = Pinned; }})();"
        );
        thirtyfour::extensions::cdp::ChromeDevTools::new(self.driver().handle().clone())
            .execute_cdp_with_params(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": source }),
            )
            .await
            .expect("pin the page's clock");
        self.reload().await;
    }

    /// Stops the web server (the browser is "offline" for this origin).
    pub async fn stop_server(&mut self) {
        self.server.stop().await;
    }

    /// Starts the web server again on the same port (same origin).
    pub async fn restart_server(&mut self) {
        if let Err(e) = self.server.restart().await {
            panic!("restart the web server on port {}: {e}", self.server.port());
        }
    }

    /// Waits until a service worker controls the page (so it can load without the server).
    pub async fn wait_service_worker(&self) {
        self.wait_js(
            "a service worker to control the page",
            "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);",
        )
        .await
    }

    /// The first element with `data-testid=id`, waiting for it to exist.
    pub async fn by_testid(&self, id: &str) -> WebElement {
        let selector = testid_selector(id);
        self.poll(&format!("element {selector}"), self.timeout, || async {
            self.driver()
                .find_all(By::Css(selector.as_str()))
                .await
                .ok()
                .and_then(|v| v.into_iter().next())
        })
        .await
    }

    /// The element with `data-testid=id` if it exists now (no waiting).
    pub async fn try_testid(&self, id: &str) -> Option<WebElement> {
        self.driver()
            .find_all(By::Css(testid_selector(id)))
            .await
            .ok()
            .and_then(|v| v.into_iter().next())
    }

    /// Every element with `data-testid=id` now (no waiting).
    pub async fn all_testid(&self, id: &str) -> Vec<WebElement> {
        self.driver()
            .find_all(By::Css(testid_selector(id)))
            .await
            .unwrap_or_default()
    }

    /// Waits until an element with `data-testid=id` exists and is displayed.
    pub async fn wait_testid(&self, id: &str) -> WebElement {
        let selector = testid_selector(id);
        self.poll(
            &format!("{selector} to be visible"),
            self.timeout,
            || async {
                for el in self
                    .driver()
                    .find_all(By::Css(selector.as_str()))
                    .await
                    .ok()?
                {
                    if el.is_displayed().await.unwrap_or(false) {
                        return Some(el);
                    }
                }
                None
            },
        )
        .await
    }

    /// Waits until no displayed element has `data-testid=id`.
    pub async fn wait_testid_gone(&self, id: &str) {
        let selector = testid_selector(id);
        self.poll(
            &format!("{selector} to disappear"),
            self.timeout,
            || async {
                for el in self
                    .driver()
                    .find_all(By::Css(selector.as_str()))
                    .await
                    .ok()?
                {
                    if el.is_displayed().await.unwrap_or(false) {
                        return None;
                    }
                }
                Some(())
            },
        )
        .await
    }

    /// The first element matching a CSS selector, waiting for it to exist.
    pub async fn by_css(&self, css: &str) -> WebElement {
        self.poll(&format!("element {css}"), self.timeout, || async {
            self.driver()
                .find_all(By::Css(css))
                .await
                .ok()
                .and_then(|v| v.into_iter().next())
        })
        .await
    }

    /// Waits until an element matching a CSS selector is displayed.
    pub async fn wait_css(&self, css: &str) -> WebElement {
        self.poll(&format!("{css} to be visible"), self.timeout, || async {
            self.find_visible(css).await
        })
        .await
    }

    /// Clicks the first displayed element matching a CSS selector (e.g. a row picked by
    /// `[data-testid=staff-row][data-name="李娜"]`) once it is enabled.
    pub async fn click_css(&self, css: &str) {
        let last_error = std::cell::RefCell::new(String::new());
        let done = self
            .try_poll(self.timeout, || async {
                let el = self.find_visible(css).await?;
                if !el.is_enabled().await.unwrap_or(false) {
                    return None;
                }
                let _ = el.scroll_into_view().await;
                match el.click().await {
                    Ok(()) => Some(()),
                    Err(e) => {
                        *last_error.borrow_mut() = e.to_string();
                        None
                    }
                }
            })
            .await;
        if done.is_none() {
            let last_error = last_error.into_inner();
            self.fail(&format!(
                "click {css}: not visible and enabled within {:?}{}",
                self.timeout,
                if last_error.is_empty() {
                    String::new()
                } else {
                    format!(" (last error: {last_error})")
                }
            ))
            .await;
        }
    }

    /// Clicks the element with `data-testid=id` once it is visible and enabled.
    pub async fn click(&self, id: &str) {
        self.click_css(&testid_selector(id)).await
    }

    /// Replaces the text of the input/textarea `data-testid=id` by typing `text`.
    pub async fn fill(&self, id: &str, text: &str) {
        let el = self.wait_testid(id).await;
        let _ = el.scroll_into_view().await;
        let result = async {
            el.clear().await?;
            // clear() may not fire `input`; select-all + backspace does, for any framework.
            el.send_keys(Key::Control + "a").await?;
            el.send_keys(Key::Backspace).await?;
            if !text.is_empty() {
                el.send_keys(text).await?;
            }
            WebDriverResult::Ok(())
        }
        .await;
        if let Err(e) = result {
            self.fail(&format!("fill {} with {text:?}: {e}", testid_selector(id)))
                .await;
        }
    }

    /// Sets the value of an input `data-testid=id` directly and fires `input` and `change`
    /// (for date/time/colour inputs that typing does not fill well).
    pub async fn set_value(&self, id: &str, value: &str) {
        let el = self.by_testid(id).await;
        let script = r#"
            const el = arguments[0], value = arguments[1];
            const proto = Object.getPrototypeOf(el);
            const setter = Object.getOwnPropertyDescriptor(proto, "value")?.set;
            if (setter) setter.call(el, value); else el.value = value;
            el.dispatchEvent(new Event("input", { bubbles: true }));
            el.dispatchEvent(new Event("change", { bubbles: true }));
        "#;
        let el_json = el.to_json().expect("element json");
        if let Err(e) = self
            .driver()
            .execute(script, vec![el_json, json!(value)])
            .await
        {
            self.fail(&format!("set value of {}: {e}", testid_selector(id)))
                .await;
        }
    }

    /// Chooses the option of `<select data-testid=id>` whose value (or else visible text) is
    /// `value`, firing `input` and `change`.
    pub async fn select(&self, id: &str, value: &str) {
        let el = self.wait_testid(id).await;
        let script = r#"
            const sel = arguments[0], wanted = arguments[1];
            const options = Array.from(sel.options || []);
            const option = options.find(o => o.value === wanted)
                || options.find(o => o.text.trim() === wanted);
            if (!option) return options.map(o => `${o.value} (${o.text.trim()})`).join(", ") || "(no options)";
            sel.value = option.value;
            option.selected = true;
            sel.dispatchEvent(new Event("input", { bubbles: true }));
            sel.dispatchEvent(new Event("change", { bubbles: true }));
            return null;
        "#;
        let el_json = el.to_json().expect("element json");
        let selector = testid_selector(id);
        let missing = std::cell::RefCell::new(String::new());
        let done = self
            .try_poll(self.timeout, || async {
                let ret = self
                    .driver()
                    .execute(script, vec![el_json.clone(), json!(value)])
                    .await
                    .ok()?;
                match ret.json() {
                    Value::Null => Some(()),
                    other => {
                        *missing.borrow_mut() = other.as_str().unwrap_or_default().to_string();
                        None
                    }
                }
            })
            .await;
        if done.is_none() {
            let missing = missing.into_inner();
            self.fail(&format!(
                "select {value:?} in {selector}: no such option; options are: {missing}"
            ))
            .await;
        }
    }

    /// The visible text of `data-testid=id` (waits for the element).
    pub async fn text(&self, id: &str) -> String {
        let el = self.by_testid(id).await;
        el.text().await.unwrap_or_default()
    }

    /// The current value of the input `data-testid=id`.
    pub async fn value(&self, id: &str) -> String {
        let el = self.by_testid(id).await;
        el.prop("value").await.ok().flatten().unwrap_or_default()
    }

    /// `document.body.innerText` (what a person can see, hidden elements excluded).
    pub async fn body_text(&self) -> String {
        self.driver()
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await
            .ok()
            .and_then(|r| r.json().as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Waits until the visible page text contains `text`.
    pub async fn wait_text(&self, text: &str) {
        self.poll(&format!("text {text:?}"), self.timeout, || async {
            self.body_text().await.contains(text).then_some(())
        })
        .await
    }

    /// Waits until the visible page text no longer contains `text`.
    pub async fn wait_no_text(&self, text: &str) {
        self.poll(
            &format!("text {text:?} to disappear"),
            self.timeout,
            || async { (!self.body_text().await.contains(text)).then_some(()) },
        )
        .await
    }

    /// Waits until the visible text of `data-testid=id` contains `text`.
    pub async fn wait_testid_text(&self, id: &str, text: &str) {
        let selector = testid_selector(id);
        self.poll(
            &format!("{selector} to contain {text:?}"),
            self.timeout,
            || async {
                let el = self.find_visible(&selector).await?;
                el.text().await.ok()?.contains(text).then_some(())
            },
        )
        .await
    }

    /// Runs JavaScript (a function body: use `return`); `arguments` are `args`.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        match self.driver().execute(script, args).await {
            Ok(ret) => ret.json().clone(),
            Err(e) => {
                self.fail(&format!("run script {script:?}: {e}")).await;
                unreachable!()
            }
        }
    }

    /// Scrolls a windowed list (issue 19: `LoadMore`) page by page until its sentinel is gone,
    /// so every row is rendered; returns how many `row_testid` rows the page then holds.
    pub async fn scroll_list_to_end(&self, row_testid: &str) -> u64 {
        let script = format!(
            "const s = document.querySelector('[data-testid=load-more]');\n\
             if (s) {{ s.scrollIntoView(); return null; }}\n\
             return document.querySelectorAll('[data-testid={row_testid}]').length;"
        );
        self.poll("the list scrolled to its end", self.timeout, || async {
            self.js(&script, vec![]).await.as_u64()
        })
        .await
    }

    /// Scrolls a windowed list (issue 19, `LoadMore`) page by page until an element matching
    /// `css` is rendered, and returns once it is. Works while the list is still (re)loading.
    pub async fn scroll_list_to(&self, css: &str) {
        let script = format!(
            "if (document.querySelector({css:?})) return true;\n\
             const s = document.querySelector('[data-testid=load-more]');\n\
             if (s) s.scrollIntoView();\n\
             return false;"
        );
        self.wait_js(&format!("{css} in the list"), &script).await;
    }

    /// Taps a print button and waits until the page asks to print once (the browser's dialog
    /// replaced by a counter): what the form shows is then in the DOM, hidden on screen.
    pub async fn print_via(&self, testid: &str) {
        self.js(
            "window.__printed = 0; window.print = () => { window.__printed++; }; return 1;",
            vec![],
        )
        .await;
        self.click(testid).await;
        self.wait_js("print called", "return window.__printed === 1;")
            .await;
    }

    /// Waits until `script` (a function body) returns true.
    pub async fn wait_js(&self, what: &str, script: &str) {
        self.poll(what, self.timeout, || async {
            let ret = self.driver().execute(script, vec![]).await.ok()?;
            (ret.json() == &Value::Bool(true)).then_some(())
        })
        .await
    }

    /// Polls `check` every 100 ms until it returns `Some`, or fails after `timeout`.
    pub async fn poll<T, F, Fut>(&self, what: &str, timeout: Duration, check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        match self.try_poll(timeout, check).await {
            Some(v) => v,
            None => {
                self.fail(&format!("timed out after {timeout:?} waiting for {what}"))
                    .await;
                unreachable!()
            }
        }
    }

    /// Polls `check` every 100 ms until it returns `Some`; `None` after `timeout`.
    pub async fn try_poll<T, F, Fut>(&self, timeout: Duration, mut check: F) -> Option<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = check().await {
                return Some(v);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn find_visible(&self, selector: &str) -> Option<WebElement> {
        for el in self.driver().find_all(By::Css(selector)).await.ok()? {
            if el.is_displayed().await.unwrap_or(false) {
                return Some(el);
            }
        }
        None
    }

    /// Saves a PNG of the viewport as `tests/e2e/artifacts/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let file = artifacts_dir().join(format!("{}.png", sanitize(name)));
        match self.driver().screenshot_as_png().await {
            Ok(png) => std::fs::write(&file, png).expect("write screenshot"),
            Err(e) => panic!("screenshot {name}: {e}"),
        }
        file
    }

    /// Messages the page wrote to the console since the last call ("LEVEL message").
    pub async fn console_log(&self) -> Vec<String> {
        self.driver()
            .browser_log()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|e| format!("{} {}", e.level, e.message))
            .collect()
    }

    /// Panics with what was waited for, the URL, console messages, the visible text and a
    /// screenshot (saved in tests/e2e/artifacts/).
    pub async fn fail(&self, message: &str) {
        let report = self.failure_report(message).await;
        panic!("{report}");
    }

    async fn failure_report(&self, message: &str) -> String {
        let limit = Duration::from_secs(5);
        let driver = self.driver();
        let url = tokio::time::timeout(limit, driver.current_url())
            .await
            .ok()
            .and_then(Result::ok)
            .map(|u| u.to_string())
            .unwrap_or_else(|| "(unknown)".into());
        let body = tokio::time::timeout(limit, self.body_text())
            .await
            .unwrap_or_default();
        // Chromium's own DOM hints ("[DOM] Password field is not contained in a form") are noise.
        let console: Vec<String> = tokio::time::timeout(limit, self.console_log())
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|l| !(l.starts_with("DEBUG") && l.contains("[DOM]")))
            .collect();
        let n = self.failures.fetch_add(1, Ordering::SeqCst);
        let test = std::thread::current()
            .name()
            .map(sanitize)
            .unwrap_or_else(|| "test".into());
        let shot = artifacts_dir().join(format!("FAILED-{test}-{n}.png"));
        let shot_note = match tokio::time::timeout(limit, driver.screenshot_as_png()).await {
            Ok(Ok(png)) if std::fs::write(&shot, &png).is_ok() => shot.display().to_string(),
            _ => "(could not take one)".into(),
        };
        let body = truncate(body.trim(), 3000);
        let console = console
            .iter()
            .rev()
            .take(20)
            .rev()
            .map(|l| format!("    {}", truncate(l, 400)))
            .collect::<Vec<_>>()
            .join("\n");
        let report = format!(
            "e2e: {message}\n  url: {url}\n  server: {}\n  screenshot: {shot_note}\n  \
             console (last 20):\n{}\n  visible text:\n{}\n",
            if self.server.is_running() {
                self.server.base_url()
            } else {
                format!("stopped (port {})", self.server.port())
            },
            if console.is_empty() {
                "    (none)".into()
            } else {
                console
            },
            if body.is_empty() {
                "    (empty)".to_string()
            } else {
                body.lines()
                    .map(|l| format!("    {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            },
        );
        let _ = std::fs::write(
            artifacts_dir().join(format!("FAILED-{test}-{n}.txt")),
            &report,
        );
        report
    }

    /// Ends the browser session, chromedriver and the web server.
    pub async fn quit(mut self) {
        if let Some(driver) = self.driver.take() {
            let _ = tokio::time::timeout(Duration::from_secs(15), driver.quit()).await;
        }
        self.chromedriver.kill();
        self.server.stop().await;
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // A test that failed before quit(): kill chromedriver and Chromium first, so the
        // session's own cleanup does not wait on them; the profile dir is removed after.
        self.chromedriver.kill();
        let _ = &self.profile;
    }
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max_chars).collect();
        format!("{cut} …(truncated)")
    }
}

// Downloads (the sync export, the quality monthly pack): the DevTools
// `Browser.setDownloadBehavior` command sends them to a fresh folder.

/// Points the browser's downloads at a fresh folder `into/name`.
#[allow(deprecated)] // `WebDriver::cdp()` needs thirtyfour's `cdp` feature, not enabled here.
pub async fn download_into(app: &App, into: &Path, name: &str) -> PathBuf {
    let dir = into.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    thirtyfour::extensions::cdp::ChromeDevTools::new(app.driver().handle().clone())
        .execute_cdp_with_params(
            "Browser.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": dir.to_string_lossy() }),
        )
        .await
        .expect("set the download folder");
    dir
}

/// Waits for a complete file with extension `ext` in `dir`.
pub async fn downloaded(app: &App, dir: &Path, ext: &str) -> PathBuf {
    app.poll(
        &format!("a .{ext} file to be saved in {}", dir.display()),
        app.timeout,
        || async move {
            std::fs::read_dir(dir)
                .ok()?
                .flatten()
                .map(|e| e.path())
                .find(|p| {
                    p.extension().is_some_and(|e| e == ext)
                        && std::fs::metadata(p).is_ok_and(|m| m.len() > 0)
                })
        },
    )
    .await
}

//! The processes a browser test runs: chromedriver (driving headless
//! Chromium) and the login server, each on a free loopback port and killed on
//! drop; plus a raw HTTP client for what a browser hides (response headers).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

const INSTALL_HINT: &str = "the browser test needs Debian's `chromium` and `chromium-driver` \
     packages: run scripts/install-deps.sh (or apt-get install chromium chromium-driver)";

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The first of `$env` and `candidates` that is a file; a clear failure,
/// never a skip, when there is none.
fn binary(env: &str, candidates: &[&str]) -> PathBuf {
    std::env::var_os(env)
        .map(PathBuf::from)
        .into_iter()
        .chain(candidates.iter().map(PathBuf::from))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{} not found (${env}, {candidates:?}): {INSTALL_HINT}",
                candidates[0]
            )
        })
}

/// A child process started in its own process group, killed with the whole
/// group (chromedriver's Chromium processes too, should a test fail before
/// closing its browsers) and reaped on drop.
struct Process(Child);

impl Process {
    fn spawn(command: &mut Command) -> std::io::Result<Process> {
        command.process_group(0).spawn().map(Process)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A chromedriver on a free loopback port.
pub struct Chromedriver {
    port: u16,
    _process: Process,
}

impl Chromedriver {
    pub fn start() -> Chromedriver {
        let driver = binary("OTPCORE_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
        // Checked here too, so a missing browser fails with the hint rather
        // than with chromedriver's "cannot find Chrome binary".
        binary("OTPCORE_CHROMIUM", &["/usr/bin/chromium"]);
        let port = free_port();
        let process = Process::spawn(
            Command::new(driver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .unwrap_or_else(|e| panic!("cannot start chromedriver: {e}; {INSTALL_HINT}"));
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Chromedriver {
            port,
            _process: process,
        }
    }

    /// A new browser session: its own headless Chromium with its own cookie jar.
    /// As root, Chromium needs `--no-sandbox`.
    pub async fn browser(&self) -> Client {
        let chromium = binary("OTPCORE_CHROMIUM", &["/usr/bin/chromium"]);
        let options = serde_json::json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=800,1000"],
        });
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|e| {
                panic!("cannot start Chromium through chromedriver: {e}; {INSTALL_HINT}")
            })
    }
}

/// The login server binary on a free port, its log lines collected.
pub struct Server {
    pub base: String,
    logs: Arc<Mutex<String>>,
    _process: Process,
}

impl Server {
    /// Starts `otpcore-login-server --listen 127.0.0.1:0 <args>` at log level
    /// `trace` for every crate: the most a log could ever reveal.
    pub fn start(args: &[&str]) -> Server {
        let mut process = Process::spawn(
            Command::new(env!("CARGO_BIN_EXE_otpcore-login-server"))
                .args(["--listen", "127.0.0.1:0"])
                .args(args)
                .env("RUST_LOG", "trace")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        )
        .unwrap();
        let logs = Arc::new(Mutex::new(String::new()));
        let stderr = process.0.stderr.take().unwrap();
        let sink = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut logs = sink.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        });
        let mut first = String::new();
        BufReader::new(process.0.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let base = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("server did not start: {first:?}\n{}", logs.lock().unwrap()))
            .to_owned();
        Server {
            base,
            logs,
            _process: process,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every log line so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// A raw HTTP/1.1 request with the session cookie `id`; the whole response.
    pub fn request(&self, method: &str, path: &str, session: &str, body: &str) -> String {
        let authority = self.base.strip_prefix("http://").unwrap();
        let mut stream = TcpStream::connect(authority).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nCookie: id={session}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }
}

impl Drop for Server {
    /// A failed test shows what the server logged (trace level: every guard
    /// outcome and the drift it recorded), so a failure in CI can be read
    /// without running it again. The logs hold no secret (`checks`).
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- login server log ---\n{}--- end ---", self.logs());
        }
    }
}

/// Where the test writes its screenshots (and prints the path).
pub fn screenshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

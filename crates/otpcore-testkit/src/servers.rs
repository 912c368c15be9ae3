//! Private Redis and PostgreSQL servers for the store tests: each on a free
//! loopback port with a throwaway data directory, killable and restartable
//! (for the fault tests), and stopped and deleted on drop.
//!
//! Missing server binaries are a test failure with instructions, never a skip.
//! As root, PostgreSQL (which refuses to run as root) runs as the `postgres`
//! system user that Debian's package creates.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{chown, MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

const INSTALL_HINT: &str =
    "install it with `scripts/install-deps.sh` (Debian: apt-get install redis-server postgresql)";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh directory `otpcore-<kind>-<pid>-<n>` in the temp dir. First clears
/// up after test processes that were killed before they could: their
/// directories are deleted and the servers recorded there killed.
fn scratch_dir(kind: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    reap_stale(kind);
    let dir = std::env::temp_dir().join(format!("otpcore-{kind}-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn reap_stale(kind: &str) {
    let prefix = format!("otpcore-{kind}-");
    for entry in fs::read_dir(std::env::temp_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(owner) = name.strip_prefix(&prefix).and_then(|r| r.split('-').next()) else {
            continue;
        };
        if Path::new(&format!("/proc/{owner}")).exists() {
            continue;
        }
        if let Ok(group) = fs::read_to_string(entry.path().join("server.pgid")) {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", group.trim())])
                .stderr(Stdio::null())
                .status();
        }
        let _ = fs::remove_dir_all(entry.path());
    }
}

fn running_as_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// uid and gid of a system user, from /etc/passwd.
fn system_user(name: &str) -> Option<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.first() == Some(&name) && f.len() > 3)
            .then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

fn log_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// A server process in its own process group, so killing it kills its
/// children too (PostgreSQL's backends).
struct Process {
    child: Option<Child>,
}

impl Process {
    fn spawn(mut cmd: Command, log: &Path) -> Process {
        let out = File::options().create(true).append(true).open(log).unwrap();
        cmd.stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .process_group(0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        // For `reap_stale`, should this test process die without cleaning up.
        if let Some(dir) = log.parent() {
            let _ = fs::write(dir.join("server.pgid"), child.id().to_string());
        }
        Process { child: Some(child) }
    }

    fn exited(&mut self) -> bool {
        self.child
            .as_mut()
            .is_none_or(|c| !matches!(c.try_wait(), Ok(None)))
    }

    /// SIGKILL to the whole group, then wait until no member is left.
    fn kill(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let group = format!("-{}", child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = child.wait();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let alive = Command::new("kill")
                .args(["-0", "--", &group])
                .stderr(Stdio::null())
                .status();
            if !alive.is_ok_and(|s| s.success()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn wait_until(what: &str, log: &Path, process: &mut Process, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if ready() {
            return;
        }
        if process.exited() {
            panic!("{what} exited during start-up; log:\n{}", log_tail(log));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("{what} not ready after 60 s; log:\n{}", log_tail(log));
}

// ---------------------------------------------------------------- Redis ----

pub struct RedisServer {
    binary: PathBuf,
    dir: PathBuf,
    port: u16,
    extra: Vec<String>,
    process: Process,
}

fn redis_binary() -> PathBuf {
    let candidates = std::env::var_os("OTPCORE_REDIS_SERVER")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            PathBuf::from("/usr/bin/redis-server"),
            PathBuf::from("/usr/local/bin/redis-server"),
        ]);
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("redis-server not found ($OTPCORE_REDIS_SERVER, /usr/bin, /usr/local/bin): {INSTALL_HINT}"))
}

impl RedisServer {
    /// Starts redis-server with an append-only file fsynced on every write, so
    /// a killed server restarts with every acknowledged write.
    pub fn start() -> RedisServer {
        Self::start_with(&[])
    }

    /// As [`RedisServer::start`], with extra command-line settings appended
    /// (later settings override earlier ones, e.g. `["--appendonly", "no"]`).
    pub fn start_with(extra: &[&str]) -> RedisServer {
        let binary = redis_binary();
        let dir = scratch_dir("redis");
        let port = free_port();
        let process = Process { child: None };
        let extra = extra.iter().map(|s| s.to_string()).collect();
        let mut server = RedisServer {
            binary,
            dir,
            port,
            extra,
            process,
        };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// (Re)starts the server on the same port and data directory.
    pub fn restart(&mut self) {
        self.process.kill();
        let mut cmd = Command::new(&self.binary);
        let port = self.port.to_string();
        cmd.args([
            "--port",
            &port,
            "--bind",
            "127.0.0.1",
            "--protected-mode",
            "no",
        ])
        .args([
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
        ])
        .args([
            "--auto-aof-rewrite-percentage",
            "0",
            "--daemonize",
            "no",
            "--logfile",
            "",
        ])
        .arg("--dir")
        .arg(&self.dir)
        .args(&self.extra);
        let log = self.dir.join("server.log");
        self.process = Process::spawn(cmd, &log);
        let port = self.port;
        wait_until("redis-server", &log, &mut self.process, || redis_ping(port));
    }
}

fn redis_ping(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    let mut buf = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.process.kill();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

// ----------------------------------------------------------- PostgreSQL ----

pub struct PostgresServer {
    bindir: PathBuf,
    dir: PathBuf,
    port: u16,
    settings: Vec<String>,
    user: Option<(u32, u32)>,
    process: Process,
}

fn postgres_bindir() -> PathBuf {
    if let Some(dir) = std::env::var_os("OTPCORE_PG_BINDIR") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| {
            bin.join("postgres").is_file() && bin.join("initdb").is_file()
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!("PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql/*/bin or $OTPCORE_PG_BINDIR: {INSTALL_HINT}")
    })
}

impl PostgresServer {
    /// initdb + postgres with default durability (fsync, synchronous commit).
    pub fn start() -> PostgresServer {
        Self::start_with(&[])
    }

    /// As [`PostgresServer::start`], with extra `name=value` settings.
    pub fn start_with(settings: &[&str]) -> PostgresServer {
        let bindir = postgres_bindir();
        let dir = scratch_dir("pg");
        let user = if running_as_root() {
            let user = system_user("postgres").unwrap_or_else(|| {
                panic!("running as root, PostgreSQL needs the `postgres` system user, which is missing: {INSTALL_HINT}")
            });
            chown(&dir, Some(user.0), Some(user.1)).unwrap();
            Some(user)
        } else {
            None
        };
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        let settings = settings.iter().map(|s| s.to_string()).collect();
        let process = Process { child: None };
        let mut server = PostgresServer {
            bindir,
            dir,
            port: free_port(),
            settings,
            user,
            process,
        };
        let log = server.dir.join("initdb.log");
        let mut initdb = server.command("initdb");
        initdb.arg("-D").arg(server.dir.join("data"));
        initdb.args([
            "-U",
            "otp",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        let mut p = Process::spawn(initdb, &log);
        let status = p.child.as_mut().unwrap().wait().unwrap();
        assert!(status.success(), "initdb failed; log:\n{}", log_tail(&log));
        server.restart();
        server
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(program));
        cmd.env("LC_ALL", "C").current_dir(&self.dir);
        if let Some((uid, gid)) = self.user {
            cmd.uid(uid).gid(gid);
        }
        cmd
    }

    /// A libpq-style connection string.
    pub fn conn_str(&self) -> String {
        format!("host=127.0.0.1 port={} user=otp dbname=postgres", self.port)
    }

    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// (Re)starts the server on the same port and data directory; after a kill
    /// it runs crash recovery from the WAL.
    pub fn restart(&mut self) {
        self.process.kill();
        let mut cmd = self.command("postgres");
        cmd.arg("-D").arg(self.dir.join("data"));
        cmd.args([
            "-p",
            &self.port.to_string(),
            "-c",
            "listen_addresses=127.0.0.1",
        ]);
        cmd.arg("-c")
            .arg(format!("unix_socket_directories={}", self.dir.display()));
        cmd.args(["-c", "max_connections=120", "-c", "shared_buffers=32MB"]);
        for s in &self.settings {
            cmd.args(["-c", s]);
        }
        let log = self.dir.join("server.log");
        self.process = Process::spawn(cmd, &log);
        let isready = self.bindir.join("pg_isready");
        let port = self.port.to_string();
        wait_until("postgres", &log, &mut self.process, || {
            Command::new(&isready)
                .args([
                    "-q",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "otp",
                    "-d",
                    "postgres",
                    "-t",
                    "1",
                ])
                .status()
                .is_ok_and(|s| s.success())
        });
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        self.process.kill();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

//! Private Redis and PostgreSQL servers for the store tests: each on a free
//! loopback port with a throwaway data directory, killable and restartable
//! (for the fault tests), and stopped and deleted on drop.
//!
//! Missing server binaries are a test failure with instructions, never a skip.
//! As root, PostgreSQL (which refuses to run as root) runs as the `postgres`
//! system user that Debian's package creates.

use std::fs::{self, File};
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

mod pgbouncer;
mod postgres;
mod redis;
mod redis_cluster;

pub use pgbouncer::PgBouncer;
pub use postgres::PostgresServer;
pub use redis::RedisServer;
pub use redis_cluster::RedisCluster;

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

    /// `signal` (`-STOP`, `-CONT`) to the whole group.
    fn signal(&self, signal: &str) {
        let Some(child) = &self.child else { return };
        let group = format!("-{}", child.id());
        let sent = Command::new("kill")
            .args([signal, "--", &group])
            .stderr(Stdio::null())
            .status();
        assert!(
            sent.is_ok_and(|s| s.success()),
            "kill {signal} -- {group} failed"
        );
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

//! [`RedisServer`]: a private `redis-server` on a loopback port.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use super::{free_port, scratch_dir, wait_until, Process, INSTALL_HINT};

pub struct RedisServer {
    binary: PathBuf,
    dir: PathBuf,
    port: u16,
    extra: Vec<String>,
    process: Process,
    /// Stopped by [`RedisServer::pause`]: it would answer nothing, so the
    /// cluster helpers skip it rather than wait for it.
    paused: bool,
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
            paused: false,
        };
        server.restart();
        server
    }

    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn kill(&mut self) {
        self.process.kill();
        self.paused = false;
    }

    /// SIGSTOP: the server keeps its sockets open and answers nothing, as a
    /// host that vanished from the network does (no RST, no FIN): clients
    /// see timeouts, not refused or reset connections. Undone by
    /// [`RedisServer::resume`]; `kill`, `restart` and drop work on a paused
    /// server.
    pub fn pause(&mut self) {
        self.process.signal("-STOP");
        self.paused = true;
    }

    /// SIGCONT, after [`RedisServer::pause`].
    pub fn resume(&mut self) {
        self.process.signal("-CONT");
        self.paused = false;
    }

    /// Whether [`RedisServer::pause`] stopped it.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// (Re)starts the server on the same port and data directory.
    pub fn restart(&mut self) {
        self.process.kill();
        self.paused = false;
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

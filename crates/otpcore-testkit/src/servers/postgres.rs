//! [`PostgresServer`]: a private PostgreSQL cluster on a loopback port, run as
//! the `postgres` system user when the tests run as root.

use std::fs;
use std::os::unix::fs::{chown, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

use super::{
    free_port, log_tail, running_as_root, scratch_dir, system_user, wait_until, Process,
    INSTALL_HINT,
};

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

    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory of the server binaries (`pgbench` is there too).
    pub fn bindir(&self) -> &std::path::Path {
        &self.bindir
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

//! [`PgBouncer`]: a private `pgbouncer` in transaction-pooling mode on a
//! loopback port, in front of a [`PostgresServer`](super::PostgresServer):
//! every transaction may run on a different server connection, so a named
//! prepared statement made in one is unknown in the next.

use std::fs;
use std::net::TcpStream;
use std::os::unix::fs::chown;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

use super::{free_port, running_as_root, scratch_dir, system_user, wait_until, Process};

pub struct PgBouncer {
    dir: PathBuf,
    port: u16,
    process: Process,
}

const HINT: &str = "install it with `scripts/install-deps.sh` (Debian: apt-get install pgbouncer)";

impl PgBouncer {
    /// Starts pgbouncer (`pool_mode = transaction`, `pool_size` server
    /// connections) in front of the PostgreSQL server on `upstream_port`,
    /// database `postgres`, user `otp`, trust authentication.
    pub fn start(upstream_port: u16, pool_size: u32) -> PgBouncer {
        let binary = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("pgbouncer not found in /usr/sbin or /usr/bin: {HINT}"));
        let dir = scratch_dir("pgbouncer");
        let port = free_port();
        let users = dir.join("users.txt");
        fs::write(&users, "\"otp\" \"\"\n").unwrap();
        let ini = dir.join("pgbouncer.ini");
        fs::write(
            &ini,
            format!(
                "[databases]\n\
                 postgres = host=127.0.0.1 port={upstream_port} dbname=postgres user=otp\n\
                 [pgbouncer]\n\
                 listen_addr = 127.0.0.1\n\
                 listen_port = {port}\n\
                 unix_socket_dir =\n\
                 auth_type = trust\n\
                 auth_file = {users}\n\
                 pool_mode = transaction\n\
                 default_pool_size = {pool_size}\n\
                 max_client_conn = 500\n\
                 server_reset_query =\n\
                 ignore_startup_parameters = extra_float_digits\n\
                 pidfile = {pid}\n",
                users = users.display(),
                pid = dir.join("pgbouncer.pid").display(),
            ),
        )
        .unwrap();
        let mut cmd = Command::new(binary);
        cmd.arg(&ini).current_dir(&dir);
        // pgbouncer refuses to run as root: as root, run it as `postgres`.
        if running_as_root() {
            let (uid, gid) = system_user("postgres").unwrap_or_else(|| {
                panic!("running as root, pgbouncer needs the `postgres` system user: {HINT}")
            });
            for path in [&dir, &users, &ini] {
                chown(path, Some(uid), Some(gid)).unwrap();
            }
            cmd.uid(uid).gid(gid);
        }
        let log = dir.join("server.log");
        let mut process = Process::spawn(cmd, &log);
        wait_until("pgbouncer", &log, &mut process, || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        PgBouncer { dir, port, process }
    }

    /// A libpq-style connection string through the pooler.
    pub fn conn_str(&self) -> String {
        format!("host=127.0.0.1 port={} user=otp dbname=postgres", self.port)
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        self.process.kill();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

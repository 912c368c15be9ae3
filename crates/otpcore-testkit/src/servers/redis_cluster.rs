//! [`RedisCluster`]: a private Redis Cluster of three primaries and three
//! replicas on free loopback ports (`redis-server --cluster-enabled yes` ×6,
//! joined by `redis-cli --cluster create … --cluster-replicas 1`), stopped and
//! deleted on drop.

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::RedisServer;

pub struct RedisCluster {
    /// The six nodes; which are primaries changes after a failover.
    pub nodes: Vec<RedisServer>,
}

/// `redis-cli -p port args…`, its stdout.
fn cli(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("redis-cli: {e} (install redis-tools / redis-server)"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl RedisCluster {
    /// Starts six nodes (no persistence, `cluster-node-timeout` 1 s, so a
    /// replica takes over about a second after its primary dies) and joins
    /// them into a cluster; returns once every node reports `cluster_state:ok`.
    pub fn start() -> RedisCluster {
        let nodes: Vec<RedisServer> = (0..6)
            .map(|_| {
                RedisServer::start_with(&[
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    "1000",
                    "--appendonly",
                    "no",
                ])
            })
            .collect();
        let addresses: Vec<String> = nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port()))
            .collect();
        let out = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .output()
            .expect("redis-cli --cluster create");
        assert!(
            out.status.success(),
            "redis-cli --cluster create failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let cluster = RedisCluster { nodes };
        cluster.wait_ok(Duration::from_secs(60));
        cluster.wait_replicated(Duration::from_secs(60));
        cluster
    }

    /// Waits until every replica's link to its primary is up (its first full
    /// sync done): before that a replica cannot take over, and `WAIT` cannot
    /// count it.
    fn wait_replicated(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let replicas_up = self
                .nodes
                .iter()
                .map(|n| cli(n.port(), &["INFO", "replication"]))
                .filter(|info| {
                    info.contains("role:slave") && info.contains("master_link_status:up")
                })
                .count();
            if replicas_up == 3 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "replicas not in sync after {limit:?}"
            );
            sleep(Duration::from_millis(100));
        }
    }

    /// `redis://` URLs of every node (the cluster client discovers the rest).
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// Waits until every running node reports `cluster_state:ok` and sees
    /// three primaries with slots; panics after `limit`.
    pub fn wait_ok(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let ok = self.nodes.iter().all(|n| {
                let info = cli(n.port(), &["CLUSTER", "INFO"]);
                info.contains("cluster_state:ok") && info.contains("cluster_size:3")
            });
            if ok {
                return;
            }
            assert!(Instant::now() < deadline, "cluster not ok after {limit:?}");
            sleep(Duration::from_millis(100));
        }
    }

    /// The index in `nodes` of the primary that serves `key`'s slot now.
    pub fn primary_of(&self, key: &str) -> usize {
        self.serving_primary(key)
            .unwrap_or_else(|| panic!("no primary serves {key}'s slot:\n{}", self.view()))
    }

    /// The running node that is a primary and, by its own view, owns `key`'s
    /// slot; `None` while none does (a killed primary's replica not yet
    /// promoted). A killed or paused node never counts.
    pub fn serving_primary(&self, key: &str) -> Option<usize> {
        let answering = |n: &RedisServer| !n.is_paused();
        let port = self
            .nodes
            .iter()
            .filter(|n| answering(n))
            .map(RedisServer::port)
            .find(|&p| cli(p, &["PING"]).trim() == "PONG")?;
        let slot: u16 = cli(port, &["CLUSTER", "KEYSLOT", key])
            .trim()
            .parse()
            .ok()?;
        self.nodes.iter().position(|n| {
            if !answering(n) || !cli(n.port(), &["ROLE"]).starts_with("master") {
                return false;
            }
            let nodes = cli(n.port(), &["CLUSTER", "NODES"]);
            let me = nodes.lines().find(|l| l.contains("myself")).unwrap_or("");
            me.split_whitespace().skip(8).any(|range| {
                let mut ends = range.split('-').map(|s| s.parse::<u16>().ok());
                match (ends.next().flatten(), ends.next().flatten()) {
                    (Some(a), Some(b)) => (a..=b).contains(&slot),
                    (Some(a), None) => a == slot,
                    _ => false,
                }
            })
        })
    }

    /// Every running node's `CLUSTER NODES` (whom it sees as primary, replica,
    /// failed) and `cluster_state`, for the message of a failed test.
    pub fn view(&self) -> String {
        let mut out = String::new();
        for n in &self.nodes {
            if n.is_paused() {
                out.push_str(&format!("node 127.0.0.1:{} paused\n", n.port()));
                continue;
            }
            let info = cli(n.port(), &["CLUSTER", "INFO"]);
            let state = info
                .lines()
                .find(|l| l.starts_with("cluster_state"))
                .unwrap_or("no answer (killed?)");
            out.push_str(&format!("node 127.0.0.1:{} {}\n", n.port(), state.trim()));
            for line in cli(n.port(), &["CLUSTER", "NODES"]).lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
        out
    }
}

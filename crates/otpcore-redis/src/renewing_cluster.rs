//! [`RenewingCluster`]: a Redis Cluster connection that replaces itself with
//! a fresh one (new node connections, new slot map) after failures that say
//! the old one has lost the cluster.
//!
//! Why: redis-rs 0.32's `cluster_async::ClusterConnection` repairs itself only
//! on `MOVED` (slot map) and on errors such as "connection refused" (that
//! node's socket). A request that times out is retried on the same route, and
//! once the caller's `response_timeout` has fired it is dropped without any
//! repair. So a primary that stops answering without closing its sockets
//! leaves every request for its slots timing out for as long as it is gone,
//! and after a primary was SIGKILLed the connection's background task was seen
//! to stay in its recovery step for good (3 of 12 test failovers), timing out on
//! every request while a new connection was served at once
//! (`tests/redis_store/failover.rs`). A new connection from the same
//! [`ClusterClient`] asks the initial nodes for the slot map and starts over.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use redis::aio::ConnectionLike;
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, ErrorKind, Pipeline, RedisError, RedisFuture, RedisResult, Value};

use crate::confirm::{Replicated, Waiting};

/// A cluster connection for [`RedisStore`](crate::RedisStore) that recovers
/// from a failover the `redis` crate's own connection does not recover from.
///
/// Every command goes to the current `ClusterConnection`. Once `failures`
/// commands (2 by default) have failed within [`RenewingCluster::WINDOW`]
/// with a timeout, an I/O error or a cluster error (`CLUSTERDOWN`,
/// `TRYAGAIN`, `MOVED` after the retries, `READONLY`, no connection for a
/// slot), the command that failed last builds a new connection from the
/// [`ClusterClient`] before it returns its error (unless one was built less
/// than [`RenewingCluster::MIN_INTERVAL`] ago); later commands use the new
/// one, and commands already in flight finish on the old one. Successes in
/// between do not reset the count: they may have gone to the other primaries
/// while every command for the lost one's slots fails. Server errors that
/// prove the node answers (a script error, `NOSCRIPT`) do not count.
///
/// Build the client with a `response_timeout` (and `connection_timeout`):
/// without one a request to a lost node can wait for ever, and nothing here
/// can count it. The command that renews waits for the new connection too
/// (connecting to every initial node at once, so about one of those
/// timeouts when a node takes connections but does not answer).
///
/// # Security
/// Renewing changes only which sockets carry the scripts, never what they
/// decide: a command that failed still fails (the guard fails closed, and a
/// step a timed-out script did record stays recorded, so its code is a
/// replay), and each verification is still one atomic script on the primary
/// that owns the credential's slot.
///
/// # Errors
/// As the `ClusterConnection`'s: each failed command returns its own error,
/// whether or not it triggered a renewal; a renewal that fails (the cluster
/// is unreachable) keeps the old connection and is tried again on the next
/// failure.
///
/// # Panics
/// Never.
#[derive(Clone)]
pub struct RenewingCluster {
    shared: Arc<Shared>,
}

struct Shared {
    client: ClusterClient,
    current: Mutex<ClusterConnection>,
    failures: Mutex<Failures>,
    renew_after: u32,
    /// Set while one command renews, so that concurrent failures build one
    /// new connection, not one each.
    renewing: AtomicBool,
    renewals: AtomicU64,
}

impl RenewingCluster {
    /// How long failures count towards a renewal, from the first of them.
    pub const WINDOW: Duration = Duration::from_secs(60);

    /// The least time between two renewals: while the cluster itself is down,
    /// every command fails, and reconnecting on each would only add load.
    pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

    /// Connects with `client` (`ClusterClient::get_async_connection`),
    /// renewing after 2 failures within [`RenewingCluster::WINDOW`].
    ///
    /// # Errors
    /// When no initial node can be reached or none returns the slot map.
    pub async fn connect(client: ClusterClient) -> RedisResult<Self> {
        Self::connect_renewing_after(client, 2).await
    }

    /// As [`RenewingCluster::connect`], renewing after `failures` failures
    /// (at least 1) within [`RenewingCluster::WINDOW`]. Each failure that
    /// counts may have cost its caller the client's `response_timeout`.
    ///
    /// # Errors
    /// As [`RenewingCluster::connect`].
    pub async fn connect_renewing_after(client: ClusterClient, failures: u32) -> RedisResult<Self> {
        let connection = client.get_async_connection().await?;
        Ok(RenewingCluster {
            shared: Arc::new(Shared {
                client,
                current: Mutex::new(connection),
                failures: Mutex::new(Failures::default()),
                renew_after: failures.max(1),
                renewing: AtomicBool::new(false),
                renewals: AtomicU64::new(0),
            }),
        })
    }

    /// How many times the connection was replaced (for metrics and tests).
    #[must_use]
    pub fn renewals(&self) -> u64 {
        self.shared.renewals.load(Ordering::Relaxed)
    }

    fn current(&self) -> ClusterConnection {
        self.shared
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Counts a failed `result` and renews the connection when the count is
    /// reached.
    async fn observe<T>(&self, result: &RedisResult<T>) {
        let shared = &self.shared;
        let Err(e) = result else { return };
        if !lost_the_cluster(e) {
            return;
        }
        let due = shared.failures().failed(Instant::now(), shared.renew_after);
        if due {
            self.renew().await;
        }
    }

    async fn renew(&self) {
        let shared = &self.shared;
        if shared.renewing.swap(true, Ordering::AcqRel) {
            return; // another command is renewing
        }
        // Cleared however this future ends, even if the caller drops it.
        let _renewing = ClearOnDrop(&shared.renewing);
        let renewed = shared.client.get_async_connection().await;
        let mut failures = shared.failures();
        failures.renewal_tried(Instant::now(), renewed.is_ok());
        if let Ok(fresh) = renewed {
            *shared
                .current
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = fresh;
            shared.renewals.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Failures that count towards a renewal (how many, since when), and when
/// the last renewal was tried.
#[derive(Default)]
struct Failures {
    count: u32,
    since: Option<Instant>,
    last_renewal: Option<Instant>,
}

impl Failures {
    /// Counts a failure at `now`; whether it is time to renew.
    fn failed(&mut self, now: Instant, renew_after: u32) -> bool {
        let window = RenewingCluster::WINDOW;
        if self
            .since
            .is_none_or(|since| now.saturating_duration_since(since) > window)
        {
            self.count = 0;
            self.since = Some(now);
        }
        self.count = self.count.saturating_add(1);
        let rested = self.last_renewal.is_none_or(|last| {
            now.saturating_duration_since(last) >= RenewingCluster::MIN_INTERVAL
        });
        self.count >= renew_after && rested
    }

    /// A renewal was tried at `now`; a new connection starts a new count.
    fn renewal_tried(&mut self, now: Instant, renewed: bool) {
        self.last_renewal = Some(now);
        if renewed {
            self.count = 0;
            self.since = None;
        }
    }
}

impl Shared {
    fn failures(&self) -> MutexGuard<'_, Failures> {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct ClearOnDrop<'a>(&'a AtomicBool);

impl Drop for ClearOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Errors after which the connection may be what is wrong: no answer, a lost
/// socket, or a cluster that (by the connection's slot map) is not there.
fn lost_the_cluster(e: &RedisError) -> bool {
    e.is_timeout()
        || e.is_io_error()
        || e.is_cluster_error()
        || matches!(
            e.kind(),
            ErrorKind::MasterDown | ErrorKind::ReadOnly | ErrorKind::ClusterConnectionNotFound
        )
}

impl ConnectionLike for RenewingCluster {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(async move {
            let result = self.current().req_packed_command(cmd).await;
            self.observe(&result).await;
            result
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            let result = self
                .current()
                .req_packed_commands(pipeline, offset, count)
                .await;
            self.observe(&result).await;
            result
        })
    }

    fn get_db(&self) -> i64 {
        0
    }
}

impl Replicated for RenewingCluster {
    fn wait_for(&self, tag: &str, replicas: u32, timeout_ms: u64) -> Waiting {
        let waiting = self.current().wait_for(tag, replicas, timeout_ms);
        let this = self.clone();
        Box::pin(async move {
            let result = waiting.await;
            this.observe(&result).await;
            result
        })
    }
}

impl core::fmt::Debug for RenewingCluster {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RenewingCluster")
            .field("renew_after", &self.shared.renew_after)
            .field("renewals", &self.renewals())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renews_after_the_count_within_the_window_at_most_once_a_second() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut f = Failures::default();
        assert!(!f.failed(at(0), 2));
        assert!(f.failed(at(10), 2), "second failure within the window");
        f.renewal_tried(at(20), true);
        assert!(!f.failed(at(30), 2));
        assert!(
            !f.failed(at(40), 2),
            "less than MIN_INTERVAL since the renewal"
        );
        assert!(f.failed(at(1_020), 2), "a second later");
        f.renewal_tried(at(1_030), false);
        assert!(f.failed(at(2_030), 2), "a failed renewal keeps the count");
    }

    #[test]
    fn failures_further_apart_than_the_window_do_not_add_up() {
        let t0 = Instant::now();
        let mut f = Failures::default();
        assert!(!f.failed(t0, 2));
        let later = t0 + RenewingCluster::WINDOW + Duration::from_secs(1);
        assert!(!f.failed(later, 2));
        assert!(f.failed(later + Duration::from_secs(1), 2));
    }

    #[test]
    fn only_errors_of_a_lost_cluster_count() {
        use std::io;
        let timeout = RedisError::from(io::Error::from(io::ErrorKind::TimedOut));
        let refused = RedisError::from(io::Error::from(io::ErrorKind::ConnectionRefused));
        let down = RedisError::from((ErrorKind::ClusterDown, "CLUSTERDOWN"));
        let readonly = RedisError::from((ErrorKind::ReadOnly, "READONLY"));
        for e in [timeout, refused, down, readonly] {
            assert!(lost_the_cluster(&e), "{e:?}");
        }
        let noscript = RedisError::from((ErrorKind::NoScriptError, "NOSCRIPT"));
        let script = RedisError::from((ErrorKind::ResponseError, "ERR in script"));
        for e in [noscript, script] {
            assert!(!lost_the_cluster(&e), "{e:?}");
        }
    }
}

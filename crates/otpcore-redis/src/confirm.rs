//! [`Replicated`]: how a connection confirms a credential's writes on
//! replicas with `WAIT` — on one server, on the connection itself; on a
//! cluster, on the primary that owns the credential's hash slot, so that a
//! failover elsewhere in the cluster does not block it.

use core::future::Future;
use core::pin::Pin;

use redis::aio::ConnectionLike;
use redis::RedisResult;

/// A `WAIT` in flight.
pub type Waiting = Pin<Box<dyn Future<Output = RedisResult<i64>> + Send>>;

/// Connections that can confirm writes on replicas
/// ([`RedisStore::with_replica_confirmation`](crate::RedisStore::with_replica_confirmation)).
pub trait Replicated: ConnectionLike + Clone + Send + Sync + 'static {
    /// `WAIT replicas timeout_ms` where the writes to the `{tag}` hash slot
    /// went; the number of replicas that acknowledged them.
    fn wait_for(&self, tag: &str, replicas: u32, timeout_ms: u64) -> Waiting;
}

fn plain_wait<C: ConnectionLike + Clone + Send + 'static>(
    connection: &C,
    replicas: u32,
    timeout_ms: u64,
) -> Waiting {
    let mut connection = connection.clone();
    Box::pin(async move {
        redis::cmd("WAIT")
            .arg(replicas)
            .arg(timeout_ms)
            .query_async(&mut connection)
            .await
    })
}

impl Replicated for redis::aio::MultiplexedConnection {
    fn wait_for(&self, _: &str, replicas: u32, timeout_ms: u64) -> Waiting {
        plain_wait(self, replicas, timeout_ms)
    }
}

impl Replicated for redis::aio::ConnectionManager {
    fn wait_for(&self, _: &str, replicas: u32, timeout_ms: u64) -> Waiting {
        plain_wait(self, replicas, timeout_ms)
    }
}

#[cfg(feature = "cluster")]
impl Replicated for redis::cluster_async::ClusterConnection {
    fn wait_for(&self, tag: &str, replicas: u32, timeout_ms: u64) -> Waiting {
        use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
        // Redis Cluster's slot of a `{tag}` key: CRC16 (XMODEM) of the tag.
        let slot = crc16::State::<crc16::XMODEM>::calculate(tag.as_bytes()) % 16384;
        let route = SingleNodeRoutingInfo::SpecificNode(Route::new(slot, SlotAddr::Master));
        let mut connection = self.clone();
        Box::pin(async move {
            let mut wait = redis::cmd("WAIT");
            wait.arg(replicas).arg(timeout_ms);
            let reply = connection
                .route_command(&wait, RoutingInfo::SingleNode(route))
                .await?;
            redis::FromRedisValue::from_redis_value(&reply)
        })
    }
}

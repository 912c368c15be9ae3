//! The private servers of the `stateful` bench, each with its trivial
//! command and its references, measured by `remote.rs`: for Redis `PING`,
//! `roundtrip/redis/script-empty` (`EVALSHA` of `return 1` with an accepted
//! verification's 3 keys and 13 arguments) and `roundtrip/redis/script-floor`
//! (a script making only the four commands an accepted verification needs:
//! `HMGET`, `MGET`, `TIME`, `SET … EX`); for PostgreSQL `SELECT 1` and
//! `roundtrip/postgres/upsert` (one `INSERT … ON CONFLICT DO UPDATE` by primary
//! key, a trivial write). Then the servers' own load generators on the same
//! server, printed to stderr: `redis-benchmark -c 64` (`PING`, and
//! `EVAL "return 1" 0`, a trivial script) and `pgbench -c 64 -M prepared` with
//! `SELECT 1`.

#[cfg(feature = "redis")]
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use criterion::Criterion;
use otpcore_guard::Guard;
#[cfg(feature = "redis")]
use tokio::runtime::Runtime;

use super::config;
#[cfg(feature = "postgres")]
use super::remote::TASKS;
use super::remote::{measure, runtime, Trivial};

/// Prints the tool's output (its summary lines) to stderr.
fn report(what: &str, mut cmd: std::process::Command) {
    match cmd.output() {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                eprintln!("reference {what}: {}", line.trim());
            }
        }
        Err(e) => eprintln!("reference {what}: not run ({e})"),
    }
}

/// The commands an accepted verification cannot do without, and nothing else:
/// read the failures and the drift and last step, read the server's clock,
/// record the step with its expiry.
#[cfg(feature = "redis")]
const SCRIPT_FLOOR: &str = "
local failures = redis.call('HMGET', KEYS[3], 'n', 'at')
local recorded = redis.call('MGET', KEYS[2], KEYS[1])
local now = redis.call('TIME')
redis.call('SET', KEYS[1], ARGV[6], 'EX', ARGV[13])
return {1, ARGV[6]}";

/// `EVALSHA` of `source` (loaded first) with the keys and arguments of an
/// accepted verification, on fresh keys each time.
#[cfg(feature = "redis")]
fn script_call(
    rt: &Runtime,
    connection: &redis::aio::MultiplexedConnection,
    source: &str,
) -> Trivial {
    static CALL: AtomicU64 = AtomicU64::new(0);
    let connection = connection.clone();
    let mut con = connection.clone();
    let sha: String = rt
        .block_on(
            redis::cmd("SCRIPT")
                .arg("LOAD")
                .arg(source)
                .query_async(&mut con),
        )
        .unwrap();
    Arc::new(move || {
        let (mut con, sha) = (connection.clone(), sha.clone());
        Box::pin(async move {
            let base = format!("ref:{{{}}}", CALL.fetch_add(1, Ordering::Relaxed));
            let _: redis::Value = redis::cmd("EVALSHA")
                .arg(&sha)
                .arg(3)
                .arg(&[
                    format!("{base}:last"),
                    format!("{base}:drift"),
                    format!("{base}:fail"),
                ])
                .arg(&[
                    "1700000040",
                    "100",
                    "100",
                    "0",
                    "0",
                    "56666657",
                    "11",
                    "10",
                    "1",
                    "1",
                    "00000000000100000000000",
                    "1700000460",
                    "30",
                ])
                .query_async(&mut con)
                .await
                .unwrap();
        })
    })
}

#[cfg(feature = "redis")]
pub fn redis(c: &mut Criterion) {
    use otpcore_testkit::servers::RedisServer;
    // No persistence: the round trips and the scripts, without an fsync each.
    let server = RedisServer::start_with(&["--appendonly", "no"]);
    let rt = runtime();
    let connection = rt.block_on(async {
        redis::Client::open(server.url())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap()
    });
    let ping_connection = connection.clone();
    let trivial: Trivial = Arc::new(move || {
        let mut con = ping_connection.clone();
        Box::pin(async move {
            let _: String = redis::cmd("PING").query_async(&mut con).await.unwrap();
        })
    });
    let references = [
        ("script-empty", script_call(&rt, &connection, "return 1")),
        ("script-floor", script_call(&rt, &connection, SCRIPT_FLOOR)),
    ];
    let guard = Guard::new(otpcore_redis::RedisStore::new(connection), config()).unwrap();
    measure(c, "redis", &rt, Arc::new(guard), trivial, &references);
    let port = server.port().to_string();
    for args in [&["-t", "ping"][..], &["EVAL", "return 1", "0"][..]] {
        let mut cmd = std::process::Command::new("redis-benchmark");
        cmd.args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-c",
            "64",
            "-n",
            "200000",
            "-q",
        ]);
        cmd.args(args);
        report("redis-benchmark -c 64", cmd);
    }
}

/// Connections in the PostgreSQL pool the 64 tasks share:
/// `OTPCORE_BENCH_PG_POOL`, by default four per CPU (at least 4, at most 64).
/// On 2 vCPUs `pgbench` calling `otpcore_attempt` made 15,000–17,000 tps with 8
/// or 16 connections and 7,600–8,100 with 64, where `SELECT 1` stayed at
/// 71,000–85,000 (README.md, "Distributed stores"): more backends than the
/// server has CPUs to run them only contend.
#[cfg(feature = "postgres")]
fn pool_size() -> usize {
    let default = std::thread::available_parallelism().map_or(4, |n| n.get().saturating_mul(4));
    let size = std::env::var("OTPCORE_BENCH_PG_POOL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        .clamp(1, TASKS as usize);
    eprintln!("postgres pool: {size} connections for {TASKS} tasks");
    size
}

#[cfg(feature = "postgres")]
pub fn postgres(c: &mut Criterion) {
    use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime as Rt};
    use otpcore_testkit::servers::PostgresServer;
    // Default durability except the commit's WAL flush, as pgbench below.
    let server = PostgresServer::start_with(&["synchronous_commit=off"]);
    let rt = runtime();
    let config_pg: tokio_postgres::Config = server.conn_str().parse().unwrap();
    let manager = Manager::from_config(
        config_pg,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(pool_size())
        .runtime(Rt::Tokio1)
        .build()
        .unwrap();
    let store = otpcore_postgres::PostgresStore::new(pool.clone());
    rt.block_on(store.migrate()).unwrap();
    let statement = |sql: &'static str| -> Trivial {
        let pool = pool.clone();
        Arc::new(move || {
            let pool = pool.clone();
            Box::pin(async move {
                let client = pool.get().await.unwrap();
                let statement = client.prepare_cached(sql).await.unwrap();
                client.execute(&statement, &[]).await.unwrap();
            })
        })
    };
    let trivial = statement("SELECT 1");
    let upsert = statement(
        "INSERT INTO otpcore_state AS s (credential, last_step) VALUES ('bench:upsert', 1)
         ON CONFLICT (credential) DO UPDATE SET last_step = s.last_step + 1",
    );
    let guard = Guard::new(store, config()).unwrap();
    measure(
        c,
        "postgres",
        &rt,
        Arc::new(guard),
        trivial,
        &[("upsert", upsert)],
    );
    let script = std::env::temp_dir().join(format!("otpcore-select1-{}.sql", std::process::id()));
    std::fs::write(&script, "SELECT 1;\n").unwrap();
    let mut cmd = std::process::Command::new(server.bindir().join("pgbench"));
    let port = server.port().to_string();
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-U",
        "otp",
        "-n",
        "-M",
        "prepared",
    ]);
    cmd.args(["-c", "64", "-j", "2", "-T", "5", "-f"])
        .arg(&script);
    cmd.arg("postgres");
    report("pgbench -c 64 SELECT 1", cmd);
    let _ = std::fs::remove_file(script);
}

//! The shared stores against one round trip of a trivial command on the same
//! private server, in the same run: latency of an accepted verification
//! against `PING` / `SELECT 1` (ids `stateful/roundtrip/<backend>/{trivial,accepted}`),
//! and throughput of 64 concurrent tasks against the same trivial command
//! (`stateful/concurrent64/<backend>/{trivial,accepted}`, in elements per
//! second). Then the servers' own load generators on the same server, printed
//! to stderr: `redis-benchmark -c 64` (`PING`, and `EVAL "return 1" 0`, a
//! trivial script) and `pgbench -c 64 -M prepared` with `SELECT 1`.
//!
//! Between the trivial command and the verification, references that say
//! where the difference goes, in the same run: for Redis
//! `roundtrip/redis/script-empty` (`EVALSHA` of `return 1` with an accepted
//! verification's 3 keys and 13 arguments) and `roundtrip/redis/script-floor`
//! (a script making only the four commands an accepted verification needs:
//! `HMGET`, `MGET`, `TIME`, `SET … EX`); for PostgreSQL
//! `roundtrip/postgres/upsert` (one `INSERT … ON CONFLICT DO UPDATE` by primary
//! key, a trivial write).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput};
use otpcore_guard::store::{CredentialId, Store};
use otpcore_guard::{Guard, Outcome};
use tokio::runtime::Runtime;

use super::{config, interleave, totp, T};

/// One round trip of the backend's trivial command.
pub type Trivial = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

const TASKS: u64 = 64;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A fresh credential per sample, so that every verification is accepted.
fn credential(task: u64) -> CredentialId {
    static SAMPLE: AtomicU64 = AtomicU64::new(0);
    let n = SAMPLE.fetch_add(1, Ordering::Relaxed);
    CredentialId::new(&format!("bench:{}:{n}:{task}", std::process::id())).unwrap()
}

fn assert_served(o: &Outcome) {
    assert!(
        !matches!(o, Outcome::StoreUnavailable(_) | Outcome::Throttled { .. }),
        "{o}"
    );
}

/// Both groups for one backend.
pub fn measure<S: Store + 'static>(
    c: &mut Criterion,
    backend: &str,
    rt: &Runtime,
    guard: Arc<Guard<S>>,
    trivial: Trivial,
    references: &[(&str, Trivial)],
) {
    if std::env::var_os("OTPCORE_BENCH_RATIOS").is_some() {
        ratios(backend, rt, &guard, &trivial, references);
        return;
    }
    let t = totp();
    let mut group = c.benchmark_group(format!("stateful/roundtrip/{backend}"));
    let one = trivial.clone();
    group.bench_function("trivial", |b| b.iter(|| rt.block_on(one())));
    for (name, reference) in references {
        group.bench_function(*name, |b| b.iter(|| rt.block_on(reference())));
    }
    let id = credential(0);
    let mut at = T;
    group.bench_function("accepted", |b| {
        b.iter_batched(
            || {
                at += 30;
                (t.generate_at(at).unwrap().to_string(), at)
            },
            |(code, at)| {
                let o = rt.block_on(guard.verify_totp(&id, &t, &code, at));
                assert_served(&o);
                o
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group(format!("stateful/concurrent64/{backend}"));
    group.throughput(Throughput::Elements(1));
    group.bench_function("trivial", |b| {
        b.iter_custom(|iters| {
            let per = iters.div_ceil(TASKS);
            let start = Instant::now();
            rt.block_on(async {
                let tasks: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let trivial = trivial.clone();
                        tokio::spawn(async move {
                            for _ in 0..per {
                                trivial().await;
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            });
            scale(start.elapsed(), iters, per * TASKS)
        })
    });
    group.bench_function("accepted", |b| {
        b.iter_custom(|iters| {
            let per = iters.div_ceil(TASKS);
            // Codes are computed before the clock starts.
            let work: Vec<(CredentialId, Vec<(String, u64)>)> = (0..TASKS)
                .map(|task| {
                    let codes = (1..=per)
                        .map(|k| {
                            let at = T + k * 30;
                            (t.generate_at(at).unwrap().to_string(), at)
                        })
                        .collect();
                    (credential(task), codes)
                })
                .collect();
            let start = Instant::now();
            rt.block_on(async {
                let tasks: Vec<_> = work
                    .into_iter()
                    .map(|(id, codes)| {
                        let (guard, t) = (guard.clone(), totp());
                        tokio::spawn(async move {
                            for (code, at) in codes {
                                assert_served(&guard.verify_totp(&id, &t, &code, at).await);
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            });
            scale(start.elapsed(), iters, per * TASKS)
        })
    });
    group.finish();
}

/// `OTPCORE_BENCH_RATIOS=1`: instead of criterion's groups, each reference
/// and an accepted verification against the trivial command, interleaved
/// (`common/interleave.rs`, trials of about 40 ms), as markdown rows. The
/// accepted side also computes its code (about 0.1 µs, under 0.2 % of it).
fn ratios<S: Store + 'static>(
    backend: &str,
    rt: &Runtime,
    guard: &Guard<S>,
    trivial: &Trivial,
    references: &[(&str, Trivial)],
) {
    const TRIAL_NS: u128 = 40_000_000;
    let t = totp();
    let id = credential(0);
    let mut at = T;
    let mut one = || rt.block_on(trivial());
    let mut row = |name: &str, b: &mut dyn FnMut()| {
        let (a, b, median) = interleave::ab(&mut one, b, TRIAL_NS);
        println!(
            "| {backend} | {name} | {:.1} µs | {:.1} µs | {} |",
            b / 1e3,
            a / 1e3,
            interleave::ratio(a, b, median)
        );
    };
    println!("| backend | call | time | trivial command | ratio |");
    println!("|---|---|---:|---:|---:|");
    for (name, reference) in references {
        row(name, &mut || rt.block_on(reference()));
    }
    row("accepted verification", &mut || {
        at += 30;
        let code = t.generate_at(at).unwrap().to_string();
        assert_served(&rt.block_on(guard.verify_totp(&id, &t, &code, at)));
    });
}

/// `elapsed` for `done` operations, as the time `iters` would take.
fn scale(elapsed: Duration, iters: u64, done: u64) -> Duration {
    elapsed.mul_f64(iters as f64 / done as f64)
}

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

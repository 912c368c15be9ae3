"""A verifier shared by several server processes (StatefulVerifier.with_redis and
with_postgres): two Python interpreters race the same codes on one private
redis-server or PostgreSQL server started here; exactly one of them accepts each
code, and while the server is down every attempt is STORE_UNAVAILABLE (fail closed)."""

import glob
import multiprocessing
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from otpcore_ffi import (
    OtpError,
    Secret,
    StatefulVerifier,
    ThrottlePolicy,
    Totp,
    VerifierConfig,
    VerifyOutcome,
)

SEED = b"12345678901234567890"
T = 1_700_000_000
ROUNDS = 200
LOOSE = VerifierConfig(throttle=ThrottlePolicy(lockout=100, free_failures=100))



def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pong(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(7) == b"+PONG\r\n"
    except OSError:
        return False


class RedisServer:
    """A private redis-server on a free loopback port, in a temporary directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="otpcore-redis-")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--logfile", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not pong(self.port):
            assert self.process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)

    def kill(self):
        self.process.kill()
        self.process.wait()

    def close(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresServer:
    """A private PostgreSQL server (initdb + postgres) on a free loopback port; as the
    `postgres` system user when running as root, which PostgreSQL refuses."""

    def __init__(self):
        bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        self.bin = os.environ.get("OTPCORE_PG_BINDIR") or (bindirs[-1] if bindirs else None)
        assert self.bin, "PostgreSQL binaries not found: run scripts/install-deps.sh"
        self.dir = tempfile.mkdtemp(prefix="otpcore-pg-")
        self.user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self.user:
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self.port = free_port()
        self.url = f"host=127.0.0.1 port={self.port} user=otp dbname=postgres"
        self.run("initdb", "-D", f"{self.dir}/data", "-U", "otp", "-A", "trust", "-E", "UTF8",
                 "--locale=C", "--no-sync").wait(timeout=120)
        self.process = None
        self.start()

    def run(self, program, *args):
        user = {"user": self.user.pw_uid, "group": self.user.pw_gid} if self.user else {}
        return subprocess.Popen([f"{self.bin}/{program}", *args], cwd=self.dir, env={**os.environ, "LC_ALL": "C"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                **user)

    def start(self):
        self.process = self.run("postgres", "-D", f"{self.dir}/data", "-p", str(self.port),
                                "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.dir}",
                                "-c", "fsync=off")
        deadline = time.monotonic() + 30
        while subprocess.run([f"{self.bin}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)]).returncode:
            assert self.process.poll() is None and time.monotonic() < deadline, "postgres did not start"
            time.sleep(0.1)

    def kill(self):
        # The whole group: a backend outlives a killed postmaster for a while and would
        # keep serving its open connection.
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        while subprocess.run(["pgrep", "-g", str(self.process.pid)], stdout=subprocess.DEVNULL).returncode == 0:
            time.sleep(0.02)

    def close(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


SERVERS = {"redis": RedisServer, "postgres": PostgresServer}
CONNECT = {"redis": StatefulVerifier.with_redis, "postgres": StatefulVerifier.with_postgres}


@pytest.fixture(params=sorted(SERVERS))
def store(request):
    if request.param == "redis" and shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (scripts/install-deps.sh)")
    server = SERVERS[request.param]()
    server.kind = request.param
    yield server
    server.close()


def kind(outcome):
    for name in ("ACCEPTED", "REJECTED", "REPLAYED", "THROTTLED", "STORE_UNAVAILABLE"):
        if isinstance(outcome, getattr(VerifyOutcome, name)):
            return name
    raise AssertionError(outcome)


def worker(store, url, barrier, first, rounds, results):
    """One server process: its own verifier on the shared store, racing the other."""
    verifier = CONNECT[store](url, LOOSE)
    totp = Totp(Secret.from_bytes(SEED))
    seen = []
    for r in range(first, first + rounds):
        at = T + 30 * r
        code = totp.generate_at(at)
        barrier.wait()  # both processes send the same code at once
        seen.append((r, kind(verifier.verify_totp("alice", totp, code, at))))
    results.put(seen)


def race(store, url, first, rounds):
    ctx = multiprocessing.get_context("spawn")  # two fresh interpreters
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(store, url, barrier, first, rounds, results)) for _ in range(2)]
    for p in procs:
        p.start()
    seen = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return seen


def test_two_processes_accept_each_code_once(store):
    a, b = race(store.kind, store.url, 0, ROUNDS)
    assert [r for r, _ in a] == [r for r, _ in b] == list(range(ROUNDS))
    for (r, x), (_, y) in zip(a, b):
        assert sorted([x, y]) == ["ACCEPTED", "REPLAYED"], f"round {r}: {x}, {y}"
    # Both processes won some rounds: they did race.
    assert 0 < sum(x == "ACCEPTED" for _, x in a) < ROUNDS or ROUNDS < 20


def test_bad_configs_raise(store):
    with pytest.raises(OtpError.InvalidConfig):
        CONNECT[store.kind](store.url, VerifierConfig(max_drift=1001))


def test_fails_closed_while_the_server_is_down(store):
    verifier = CONNECT[store.kind](store.url, LOOSE)
    totp = Totp(Secret.from_bytes(SEED))
    code = totp.generate_at(T)
    assert verifier.verify_totp("bob", totp, code, T) == VerifyOutcome.ACCEPTED(step=T // 30, offset=0)
    store.kill()
    for i in range(20):  # right codes, never used: still refused
        at = T + 30 * (i + 1)
        outcome = verifier.verify_totp("bob", totp, totp.generate_at(at), at)
        assert isinstance(outcome, VerifyOutcome.STORE_UNAVAILABLE), outcome
        assert store.url not in outcome.message
    with pytest.raises(OtpError.StoreUnavailable):
        verifier.state("bob")
    # A new verifier cannot connect: it fails at construction, without the URL.
    with pytest.raises(OtpError.StoreUnavailable) as e:
        CONNECT[store.kind](store.url, LOOSE)
    assert str(store.port) not in str(e.value)
    # Back up (Redis empty: no persistence here; PostgreSQL recovers its data): the verifier reconnects by itself; until
    # it has, attempts are still refused.
    store.start()
    at = T + 30 * 30
    deadline = time.monotonic() + 10
    while isinstance(outcome := verifier.verify_totp("bob", totp, totp.generate_at(at), at),
                     VerifyOutcome.STORE_UNAVAILABLE) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert outcome == VerifyOutcome.ACCEPTED(step=at // 30, offset=0)


def test_bad_urls_fail_without_echoing_them():
    with pytest.raises(OtpError.StoreUnavailable) as e:
        StatefulVerifier.with_redis("notredis://user:hunter2@host/", LOOSE)
    assert "hunter2" not in str(e.value)
    with pytest.raises(OtpError.StoreUnavailable) as e:
        StatefulVerifier.with_postgres("postgresql://u:hunter2@[::1", LOOSE)
    assert "hunter2" not in str(e.value)

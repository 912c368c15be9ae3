package otpcore

import java.io.File
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFileAttributeView
import java.util.concurrent.TimeUnit

/**
 * A private Redis or PostgreSQL server for [SharedStoreTest], on a free loopback port in a
 * temporary directory, started as bindings/python/test_shared_store.py and
 * crates/otpcore-testkit/src/servers/ start theirs. [kill] stops it at once (SIGKILL);
 * [start] brings it back on the same port.
 */
internal sealed class StoreServer : AutoCloseable {
    abstract val kind: String
    abstract val port: Int
    /** What `StatefulVerifier.withRedis` / `withPostgres` takes. Never logged. */
    abstract val url: String
    protected abstract val dir: Path
    protected var process: Process? = null

    abstract fun start()

    open fun kill() {
        val p = process ?: return
        process = null
        p.destroyForcibly()
        p.waitFor()
    }

    override fun close() {
        kill()
        dir.toFile().deleteRecursively()
    }

    companion object {
        fun of(kind: String): StoreServer = when (kind) {
            "redis" -> RedisServer()
            "postgres" -> PostgresServer()
            else -> error("unknown store $kind")
        }

        /** A port nobody listens on now (the server binds it right after). */
        fun freePort(): Int = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }

        /** Polls [ready] until it holds; fails if [process] exits or [seconds] pass. */
        fun waitUntil(what: String, process: Process, seconds: Long, ready: () -> Boolean) {
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
            while (!ready()) {
                check(process.isAlive) { "$what exited while starting (scripts/install-deps.sh installs it)" }
                check(System.nanoTime() < deadline) { "$what did not start within $seconds s" }
                Thread.sleep(20)
            }
        }

        fun runningAsRoot(): Boolean =
            // "Uid: real effective saved fs"
            File("/proc/self/status").readLines().first { it.startsWith("Uid:") }.split(Regex("\\s+"))[2] == "0"
    }
}

/** `redis-server` without persistence: a restart comes back empty. */
internal class RedisServer : StoreServer() {
    override val kind = "redis"
    override val dir: Path = Files.createTempDirectory("otpcore-redis-")
    override val port = freePort()
    override val url = "redis://127.0.0.1:$port/"

    init {
        start()
    }

    override fun start() {
        val p = ProcessBuilder(
            "redis-server", "--port", "$port", "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", dir.toString(), "--logfile", "",
        ).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start()
        process = p
        waitUntil("redis-server", p, 10) { pong() }
    }

    private fun pong(): Boolean = try {
        Socket().use { s ->
            s.connect(InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000)
            s.soTimeout = 1000
            s.getOutputStream().write("PING\r\n".toByteArray())
            String(s.getInputStream().readNBytes(7)) == "+PONG\r\n"
        }
    } catch (_: java.io.IOException) {
        false
    }
}

/**
 * initdb + postgres (Debian's postgresql package: the newest /usr/lib/postgresql/N/bin, or
 * `$OTPCORE_PG_BINDIR`), as the `postgres` system user when running as root, which
 * PostgreSQL refuses. The server runs in its own process group (`setsid`), and [kill] kills
 * the whole group: a backend outlives a killed postmaster for a moment and would keep
 * serving its open connection. A restart recovers the data from the WAL.
 */
internal class PostgresServer : StoreServer() {
    override val kind = "postgres"
    override val dir: Path = Files.createTempDirectory("otpcore-pg-") // mode 0700
    override val port = freePort()
    override val url = "host=127.0.0.1 port=$port user=otp dbname=postgres"
    private val bin: Path = System.getenv("OTPCORE_PG_BINDIR")?.let { Path.of(it) }
        ?: (File("/usr/lib/postgresql").listFiles() ?: emptyArray())
            .mapNotNull { d -> d.name.toIntOrNull()?.let { it to d.toPath().resolve("bin") } }
            .filter { (_, b) -> Files.isRegularFile(b.resolve("postgres")) && Files.isRegularFile(b.resolve("initdb")) }
            .maxByOrNull { it.first }?.second
        ?: error("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: run scripts/install-deps.sh")
    private val asPostgres = runningAsRoot()

    init {
        if (asPostgres) {
            val users = dir.fileSystem.userPrincipalLookupService
            val view = Files.getFileAttributeView(dir, PosixFileAttributeView::class.java)
            view.owner = users.lookupPrincipalByName("postgres")
            view.setGroup(users.lookupPrincipalByGroupName("postgres"))
        }
        val log = dir.resolve("initdb.log").toFile()
        val initdb = command("initdb", "-D", "$dir/data", "-U", "otp", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
            .redirectErrorStream(true).redirectOutput(log).start()
        check(initdb.waitFor(120, TimeUnit.SECONDS) && initdb.exitValue() == 0) {
            "initdb failed:\n" + log.readLines().takeLast(20).joinToString("\n")
        }
        start()
    }

    private fun command(program: String, vararg args: String): ProcessBuilder {
        // setsid: a new process group whose id is the server's pid (setsid execs, it does not
        // fork, since a JVM's child is not a group leader; if it did fork, the process would
        // exit at once and waitUntil would fail). setpriv: the postgres user, when root.
        val cmd = mutableListOf("setsid")
        if (asPostgres) cmd += listOf("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups")
        cmd += bin.resolve(program).toString()
        cmd += args
        return ProcessBuilder(cmd).directory(dir.toFile()).also { it.environment()["LC_ALL"] = "C" }
    }

    override fun start() {
        val p = command(
            "postgres", "-D", "$dir/data", "-p", "$port", "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=$dir", "-c", "fsync=off",
        ).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start()
        process = p
        waitUntil("postgres", p, 30) {
            ProcessBuilder(bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p", "$port", "-U", "otp", "-d", "postgres", "-t", "1")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor() == 0
        }
    }

    override fun kill() {
        val p = process ?: return
        process = null
        val group = "-${p.pid()}"
        fun signal(sig: String) = ProcessBuilder("kill", sig, "--", group)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
            .start().waitFor() == 0
        signal("-KILL")
        p.waitFor()
        // Until no process of the group is left (kill -0 fails).
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (signal("-0")) {
            check(System.nanoTime() < deadline) { "PostgreSQL processes outlived SIGKILL" }
            Thread.sleep(20)
        }
    }
}

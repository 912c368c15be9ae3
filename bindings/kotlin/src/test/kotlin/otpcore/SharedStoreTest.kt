package otpcore

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import java.io.BufferedReader
import java.io.BufferedWriter
import java.io.File
import java.nio.file.Path
import java.time.Instant
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue
import kotlin.test.fail

/**
 * A verifier shared by several server processes (`StatefulVerifier.withRedis` and
 * `withPostgres`), as bindings/python/test_shared_store.py checks it for Python: two JVM
 * OS processes race the same codes on one private redis-server or PostgreSQL server started
 * here; exactly one of them accepts each code, and while the server is down every attempt
 * is `StoreUnavailable` (fail closed). Nothing here prints a code, the seed or the URL.
 */
class SharedStoreTest {
    companion object {
        /** RFC 4226's test key: a public value, not a secret of anyone's. */
        val SEED = "12345678901234567890".toByteArray()
        const val T = 1_700_000_000uL
        const val ROUNDS = 200

        /** Throttling loose enough that the replays of a race never lock the credential. */
        fun loose() = VerifierConfig(throttle = ThrottlePolicy(lockout = 100u, freeFailures = 100u))

        fun connect(kind: String, url: String, config: VerifierConfig): StatefulVerifier = when (kind) {
            "redis" -> StatefulVerifier.withRedis(url, config)
            "postgres" -> StatefulVerifier.withPostgres(url, config)
            // Not shared: each process its own record (the control in aRaceWithoutASharedStoreIsCaught).
            "memory" -> StatefulVerifier(config)
            else -> error("unknown store $kind")
        }

        /** An outcome as a child reports it: no message, no code. */
        fun describe(outcome: VerifyOutcome): String = when (outcome) {
            is VerifyOutcome.Accepted -> "ACCEPTED ${outcome.step}"
            is VerifyOutcome.Rejected -> "REJECTED"
            is VerifyOutcome.Replayed -> "REPLAYED"
            is VerifyOutcome.Throttled -> "THROTTLED"
            is VerifyOutcome.StoreUnavailable -> "STORE_UNAVAILABLE"
        }

        fun epochNanos(): Long = Instant.now().let { it.epochSecond * 1_000_000_000L + it.nano }

        /**
         * The check of a race: in every round exactly one process accepted the code, at that
         * round's step, and the other was told it is a replay. Two acceptances of one code
         * (the store not shared, or not atomic) give ["ACCEPTED s", "ACCEPTED s"], no
         * acceptance ["REPLAYED", "REPLAYED"], an outage "STORE_UNAVAILABLE": each differs
         * from the expected pair and fails the assertEquals. aRaceWithoutASharedStoreIsCaught
         * runs it on a race that does accept every code twice and sees it fail.
         */
        fun assertOneAcceptancePerCode(a: List<String>, b: List<String>, rounds: Int) {
            assertEquals(List(rounds) { "$it" }, a.map { it.substringBefore(' ') }, "process A's rounds")
            assertEquals(List(rounds) { "$it" }, b.map { it.substringBefore(' ') }, "process B's rounds")
            for (r in 0 until rounds) {
                val step = (T + 30uL * r.toULong()) / 30uL
                val pair = listOf(a[r], b[r]).map { it.substringAfter(' ') }.sorted()
                assertEquals(listOf("ACCEPTED $step", "REPLAYED"), pair, "round $r")
            }
        }
    }

    /** A child JVM running [SharedStoreChild.main], spoken to line by line over its stdin/stdout. */
    private class Child(val process: Process, val stderr: File) {
        private val input: BufferedWriter = process.outputStream.bufferedWriter()
        private val output: BufferedReader = process.inputStream.bufferedReader()

        fun send(line: String) {
            input.write(line)
            input.newLine()
            input.flush()
        }

        fun receive(): String = output.readLine()
            ?: fail("a child JVM exited early; its stderr:\n" + stderr.readLines().takeLast(30).joinToString("\n"))
    }

    /**
     * A new JVM OS process, with the test JVM's class path and the system properties that
     * point JNA at libotpcore_ffi (scripts/test-kotlin.sh sets them through the pom).
     */
    private fun launchChild(): Child {
        val java = Path.of(System.getProperty("java.home"), "bin", "java").toString()
        val command = mutableListOf(java, "-cp", System.getProperty("java.class.path"))
        for (name in listOf("jna.library.path", "jna.boot.library.path", "uniffi.component.otpcore_ffi.libraryOverride", "otpcore.data.dir")) {
            System.getProperty(name)?.let { command += "-D$name=$it" }
        }
        command += SharedStoreChild::class.java.name
        val stderr = File.createTempFile("otpcore-child-", ".err").apply { deleteOnExit() }
        val process = ProcessBuilder(command).redirectError(stderr).start()
        return Child(process, stderr)
    }

    /**
     * Two child JVMs, each with its own verifier of [kind] on [url], verify the same fresh
     * code in each of [rounds] rounds (credential "alice", step T/30 + round), both at the
     * same instant: the parent sends both a start time 20 ms ahead and each spins until it.
     * Returns each child's reports ("round OUTCOME"), in order.
     */
    private fun race(kind: String, url: String, rounds: Int): List<List<String>> {
        val children = List(2) { launchChild() }
        try {
            // The URL goes through stdin, not the command line (where `ps` would show it).
            for (c in children) {
                c.send(kind)
                c.send(url)
                c.send("$rounds")
            }
            for (c in children) assertEquals("READY", c.receive())
            val seen = List(2) { mutableListOf<String>() }
            repeat(rounds) {
                val go = epochNanos() + 20_000_000L
                for (c in children) c.send("GO $go")
                children.forEachIndexed { i, c -> seen[i] += c.receive() }
            }
            for (c in children) {
                c.send("EXIT")
                assertTrue(c.process.waitFor(30, TimeUnit.SECONDS), "a child JVM did not exit")
                assertEquals(0, c.process.exitValue(), "a child JVM's exit status; stderr:\n" + c.stderr.readText())
            }
            return seen
        } finally {
            for (c in children) {
                c.process.destroyForcibly()
                c.stderr.delete()
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["redis", "postgres"])
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    fun twoProcessesAcceptEachCodeOnce(kind: String) {
        StoreServer.of(kind).use { store ->
            val (a, b) = race(kind, store.url, ROUNDS)
            assertOneAcceptancePerCode(a, b, ROUNDS)
            // Both processes won some rounds: they did race (one always first would mean
            // the start signal serialised them).
            val wonByA = a.count { it.contains("ACCEPTED") }
            assertTrue(wonByA in 1 until ROUNDS, "process A won $wonByA of $ROUNDS rounds")
            // The record is the store's: a third process (this one) sees round 0's code as used.
            connect(kind, store.url, loose()).use { verifier ->
                Totp(Secret.fromBytes(SEED)).use { totp ->
                    assertEquals(VerifyOutcome.Replayed, verifier.verifyTotp("alice", totp, totp.generateAt(T), T))
                }
            }
        }
    }

    /**
     * The control: the same race with an in-memory verifier in each child (nothing shared)
     * accepts every code in both processes, and [assertOneAcceptancePerCode] rejects it.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    fun aRaceWithoutASharedStoreIsCaught() {
        val rounds = 20
        val (a, b) = race("memory", "", rounds)
        val twice = List(rounds) { "$it ACCEPTED ${(T + 30uL * it.toULong()) / 30uL}" }
        assertEquals(twice, a)
        assertEquals(twice, b)
        assertThrows<AssertionError> { assertOneAcceptancePerCode(a, b, rounds) }
    }

    @ParameterizedTest
    @ValueSource(strings = ["redis", "postgres"])
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    fun failsClosedWhileTheServerIsDown(kind: String) {
        StoreServer.of(kind).use { store ->
            assertThrows<OtpException.InvalidConfig> { connect(kind, store.url, VerifierConfig(maxDrift = 1001uL)) }
            val verifier = connect(kind, store.url, loose())
            val totp = Totp(Secret.fromBytes(SEED))
            assertEquals(VerifyOutcome.Accepted(step = T / 30uL, offset = 0), verifier.verifyTotp("bob", totp, totp.generateAt(T), T))

            store.kill()
            for (i in 1..20) { // right codes, never used: still refused
                val at = T + 30uL * i.toULong()
                val outcome = verifier.verifyTotp("bob", totp, totp.generateAt(at), at)
                assertIs<VerifyOutcome.StoreUnavailable>(outcome, "attempt $i: ${describe(outcome)}")
                assertFalse(store.url in outcome.message || "${store.port}" in outcome.message, "attempt $i: the message names the server")
            }
            assertThrows<OtpException.StoreUnavailable> { verifier.state("bob") }
            assertThrows<OtpException.StoreUnavailable> { verifier.reset("bob") }
            // A new verifier cannot connect: it fails at construction, without the URL.
            val e = assertThrows<OtpException.StoreUnavailable> { connect(kind, store.url, loose()) }
            assertFalse("${store.port}" in e.message.orEmpty(), "the message names the server")

            // Back up (Redis empty, no persistence here; PostgreSQL recovers its data): the
            // verifier reconnects by itself; until it has, attempts are still refused.
            store.start()
            val at = T + 30uL * 30uL
            val code = totp.generateAt(at)
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
            var outcome: VerifyOutcome
            do {
                outcome = verifier.verifyTotp("bob", totp, code, at)
                if (outcome !is VerifyOutcome.StoreUnavailable || System.nanoTime() > deadline) break
                Thread.sleep(50)
            } while (true)
            assertEquals(VerifyOutcome.Accepted(step = at / 30uL, offset = 0), outcome)
            // And the record is kept again: the same code is now a replay.
            assertEquals(VerifyOutcome.Replayed, verifier.verifyTotp("bob", totp, code, at + 1uL))
            verifier.close()
            totp.close()
        }
    }

    @Test
    fun badUrlsFailWithoutEchoingThem() {
        val e = assertThrows<OtpException.StoreUnavailable> { StatefulVerifier.withRedis("notredis://user:hunter2@host/", loose()) }
        assertFalse("hunter2" in e.message.orEmpty())
        val f = assertThrows<OtpException.StoreUnavailable> { StatefulVerifier.withPostgres("postgresql://u:hunter2@[::1", loose()) }
        assertFalse("hunter2" in f.message.orEmpty())
    }
}

/**
 * One "server process" of [SharedStoreTest]: reads the store kind, its URL and the number
 * of rounds from stdin, makes its own verifier, says READY; then for each round computes
 * that round's code, waits for "GO <epoch ns>", spins until that instant, verifies, and
 * prints "round OUTCOME" (never the code); exits on "EXIT".
 */
object SharedStoreChild {
    @JvmStatic
    fun main(args: Array<String>) {
        val input = System.`in`.bufferedReader()
        val out = java.io.PrintWriter(System.out, false)
        val kind = input.readLine()
        val url = input.readLine()
        val rounds = input.readLine().toInt()
        val verifier = SharedStoreTest.connect(kind, url, SharedStoreTest.loose())
        val totp = Totp(Secret.fromBytes(SharedStoreTest.SEED))
        out.println("READY")
        out.flush()
        for (r in 0 until rounds) {
            val at = SharedStoreTest.T + 30uL * r.toULong()
            val code = totp.generateAt(at)
            val go = input.readLine().removePrefix("GO ").toLong()
            while (SharedStoreTest.epochNanos() < go) Thread.onSpinWait()
            val outcome = verifier.verifyTotp("alice", totp, code, at)
            out.println("$r ${SharedStoreTest.describe(outcome)}")
            out.flush()
        }
        check(input.readLine() == "EXIT") { "expected EXIT" }
        verifier.close()
        totp.close()
    }
}

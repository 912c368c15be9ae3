package otpcore

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.Callable
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import kotlin.test.assertEquals

/** The stateful verifier: each code accepted once, across JVM threads, and throttling. */
class StatefulVerifierTest {
    private val totp = Totp(Secret.fromBytes("12345678901234567890".toByteArray()))
    private val t = 1_700_000_000uL

    /** Throttling loose enough that 64 contenders in flight are never held back. */
    private fun lenient() = StatefulVerifier(
        VerifierConfig(throttle = ThrottlePolicy(lockout = 100u, freeFailures = 100u)),
    )

    @Test
    fun aVerifiedCodeCannotBeVerifiedTwice() {
        val verifier = StatefulVerifier()
        val code = totp.generateAt(t)
        assertEquals(VerifyOutcome.Accepted(step = t / 30uL, offset = 0), verifier.verifyTotp("alice", totp, code, t))
        // Again, re-spaced, later in the same step and in the next one: always a replay.
        assertEquals(VerifyOutcome.Replayed, verifier.verifyTotp("alice", totp, code, t + 1uL))
        val respaced = code.substring(0, 3) + " " + code.substring(3)
        assertEquals(VerifyOutcome.Replayed, verifier.verifyTotp("alice", totp, respaced, t + 30uL))
        assertEquals(t / 30uL, verifier.state("alice").lastStep)
        // Another credential is independent.
        assertEquals(VerifyOutcome.Accepted(step = t / 30uL, offset = 0), verifier.verifyTotp("bob", totp, code, t))

        val hotp = Hotp(Secret.fromBytes("12345678901234567890".toByteArray()))
        assertEquals(VerifyOutcome.Accepted(step = 0uL, offset = 0), verifier.verifyHotp("carol:hotp", hotp, "755224", t))
        assertEquals(VerifyOutcome.Replayed, verifier.verifyHotp("carol:hotp", hotp, "755224", t))
    }

    @Test
    fun exactlyOneAcceptanceAmongConcurrentThreads() {
        val verifier = lenient()
        val contenders = 64
        val rounds = 50
        val pool = Executors.newFixedThreadPool(contenders)
        try {
            for (round in 0 until rounds) {
                val at = t + 30uL * round.toULong()
                val code = totp.generateAt(at)
                val barrier = CyclicBarrier(contenders)
                val outcomes = pool.invokeAll((0 until contenders).map {
                    Callable {
                        barrier.await() // all threads call at once
                        verifier.verifyTotp("alice", totp, code, at)
                    }
                }).map { it.get() }
                val accepted = outcomes.filterIsInstance<VerifyOutcome.Accepted>()
                assertEquals(listOf(VerifyOutcome.Accepted(step = at / 30uL, offset = 0)), accepted, "round $round")
                assertEquals(contenders - 1, outcomes.count { it == VerifyOutcome.Replayed }, "round $round: $outcomes")
            }
        } finally {
            pool.shutdown()
        }
    }

    @Test
    fun throttlingIsATypedOutcome() {
        val verifier = StatefulVerifier(
            VerifierConfig(
                throttle = ThrottlePolicy(lockout = 3u, freeFailures = 1u, baseDelaySecs = 10uL, maxDelaySecs = 60uL),
            ),
        )
        val mismatch = VerifyOutcome.Rejected(RejectReason.MISMATCH)
        assertEquals(mismatch, verifier.verifyTotp("mallory", totp, "000000", t))
        assertEquals(VerifyOutcome.Throttled(retryAfterSecs = 10uL), verifier.verifyTotp("mallory", totp, "000000", t))
        // The right code is refused too while throttled: it is not even checked.
        assertEquals(VerifyOutcome.Throttled(retryAfterSecs = 9uL), verifier.verifyTotp("mallory", totp, totp.generateAt(t + 1uL), t + 1uL))
        assertEquals(mismatch, verifier.verifyTotp("mallory", totp, "000000", t + 10uL))
        assertEquals(mismatch, verifier.verifyTotp("mallory", totp, "000000", t + 40uL))
        assertEquals(VerifyOutcome.Throttled(retryAfterSecs = null), verifier.verifyTotp("mallory", totp, "000000", t + 10_000uL))
        assertEquals(3u, verifier.state("mallory").failures)
        verifier.reset("mallory")
        val late = t + 10_000uL
        assertEquals(VerifyOutcome.Accepted(step = late / 30uL, offset = 0), verifier.verifyTotp("mallory", totp, totp.generateAt(late), late))
        assertEquals(
            VerifyOutcome.Rejected(RejectReason.MALFORMED_CODE),
            verifier.verifyTotp("mallory", totp, "12x456", late),
        )
    }

    @Test
    fun badIdsAndConfigsThrowTypedExceptions() {
        val verifier = StatefulVerifier()
        for (id in listOf("", "a b", "{x}", "é", "x".repeat(201))) {
            assertThrows<OtpException.InvalidCredentialId> { verifier.verifyTotp(id, totp, "000000", t) }
        }
        assertThrows<OtpException.InvalidConfig> {
            StatefulVerifier(VerifierConfig(throttle = ThrottlePolicy(lockout = 0u)))
        }
        assertThrows<OtpException.InvalidConfig> { StatefulVerifier(VerifierConfig(maxDrift = 1001uL)) }
        assertThrows<OtpException.InvalidConfig> {
            StatefulVerifier(VerifierConfig(totpWindow = Window(behind = 1000uL, ahead = 1uL)))
        }
    }
}

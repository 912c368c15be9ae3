package otpcore

import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/** The Kotlin usage example, run so that it cannot rot. Keep it in sync with bindings/README.md. */
class UsageExampleTest {
    @Test
    fun enrolThenVerify() {
        // --- usage example (bindings/README.md, in Kotlin) ---
        // Enrollment: a fresh secret and the otpauth:// URI to show as a QR code.
        val secret = Secret.generate(Algorithm.SHA1)
        val provisioning = KeyUri.totp(secret, issuer = "ACME Co", account = "alice@example.com").toUriString()
        // Keep secret.exposeBase32() encrypted at rest; never log it.

        // Login: one verifier per process, shared by every thread.
        val verifier = StatefulVerifier()
        val totp = Totp(secret)
        val now = 1_700_000_000uL // or verifyTotpNow(...) on the device clock
        val typed = totp.generateAt(now) // what the user's app shows
        val outcome = verifier.verifyTotp("alice:totp", totp, typed, now)
        val message = when (outcome) {
            is VerifyOutcome.Accepted -> "welcome (clock off by ${outcome.offset} steps)"
            is VerifyOutcome.Throttled -> "too many attempts; retry in ${outcome.retryAfterSecs} s"
            else -> "wrong code"
        }
        // The same code again is a replay, whichever thread sends it.
        assertEquals(VerifyOutcome.Replayed, verifier.verifyTotp("alice:totp", totp, typed, now + 5uL))
        secret.close() // wipes the key in native memory
        // --- end usage example ---

        assertTrue(provisioning.startsWith("otpauth://totp/ACME%20Co:alice%40example.com?secret="))
        assertEquals(VerifyOutcome.Accepted(step = now / 30uL, offset = 0), outcome)
        assertEquals("welcome (clock off by 0 steps)", message)
    }

    @Test
    fun scannedUriOnTheDeviceClock() {
        val qr = KeyUri.totp(Secret.generate(Algorithm.SHA256), "ACME Co", "alice@example.com")
            .withAlgorithm(Algorithm.SHA256)
            .toUriString()
        val app = KeyUri.parse(qr).toTotp()
        assertNotNull(app)
        val code = app.generateNow()
        assertEquals(6, code.length)
        // Generated a moment ago: still inside the default ±1 window.
        assertTrue(app.verifyNow(code).offset in -1L..0L)
    }

    @Test
    fun uriRoundTrip() {
        val secret = Secret.fromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        val uri = KeyUri.totp(secret, "ACME Co", "alice@example.com").withDigits(8u).withAlgorithm(Algorithm.SHA256)
        val parsed = KeyUri.parse(uri.toUriString())
        assertEquals(uri, parsed)
        assertEquals("ACME Co", parsed.issuer())
        assertEquals("alice@example.com", parsed.account())
        assertEquals(OtpKind.Totp(period = 30u), parsed.kind())
        assertEquals(8u, parsed.digits())
        assertEquals(secret, parsed.secret())

        val hotp = KeyUri.hotp(secret, null, "bob", counter = 7u)
        assertEquals(OtpKind.Hotp(counter = 7u), KeyUri.parse(hotp.toUriString()).kind())
        assertEquals(null, hotp.toTotp())
    }
}

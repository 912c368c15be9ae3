package otpcore

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** Bad input throws a typed OtpException subclass, never crashes, and never echoes the secret. */
class ErrorsTest {
    private val rfcSecret = "12345678901234567890".toByteArray()

    @Test
    fun badSecrets() {
        val e = assertThrows<OtpException.InvalidBase32> { Secret.fromBase32("JBSWY3DPEHPK3PX1JBSWY3DPEHPK3PXP") }
        assertFalse(e.message!!.contains("JBSWY3DP"), e.message)
        assertThrows<OtpException.SecretTooShort> { Secret.fromBytes(ByteArray(15)) }
        assertThrows<OtpException.SecretTooShort> { Secret.fromBase32("JBSWY3DPEHPK3PXP") }
        assertThrows<OtpException.SecretTooLong> { Secret.fromBytes(ByteArray(1025)) }
        // The legacy policy accepts the 80-bit secrets many services issue.
        assertEquals(10u, Secret.fromBase32WithPolicy("jbsw y3dp-ehpk 3pxp", SecretPolicy.LEGACY).byteCount())
    }

    @Test
    fun badParameters() {
        val secret = Secret.fromBytes(rfcSecret)
        assertThrows<OtpException.InvalidDigits> { Hotp.withConfig(secret, HotpConfig(Algorithm.SHA1, digits = 5u)) }
        assertThrows<OtpException.InvalidDigits> { Totp.withConfig(secret, TotpConfig(Algorithm.SHA1, digits = 11u)) }
        assertThrows<OtpException.InvalidPeriod> { Totp.withConfig(secret, TotpConfig(Algorithm.SHA1, period = 0u)) }
        val late = Totp.withConfig(secret, TotpConfig(Algorithm.SHA1, t0 = 1_000u))
        assertThrows<OtpException.BeforeT0> { late.generateAt(999u) }
    }

    @Test
    fun rejectedCodes() {
        val totp = Totp(Secret.fromBytes(rfcSecret))
        assertThrows<OtpException.MalformedCode> { totp.verifyAt("28708", 59u) }
        assertThrows<OtpException.MalformedCode> { totp.verifyAt("28708x", 59u) }
        assertThrows<OtpException.Mismatch> { totp.verifyAt("000000", 59u) }
        val m = totp.verifyAt("287 082", 59u)
        assertThrows<OtpException.Replayed> { totp.verifyAt("287082", 59u, lastUsed = m.step) }
        assertThrows<OtpException.WindowTooLarge> { totp.verifyAt("287082", 59u, Window(behind = 1000u, ahead = 1u)) }
    }

    @Test
    fun badUris() {
        val secretText = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ!"
        for (uri in listOf(
            "https://example.com",
            "otpauth://sotp/acct?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "otpauth://totp/acct?secret=$secretText",
            "otpauth://totp/acct",
            "otpauth://hotp/acct?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        )) {
            val e = assertThrows<OtpException.InvalidUri>(uri) { KeyUri.parse(uri) }
            assertFalse(e.message!!.contains("GEZDGNBV"), e.message)
        }
    }

    @Test
    fun everyErrorIsAnOtpException() {
        val e: Exception = assertThrows<OtpException> { Secret.fromBase32("not base32 !") }
        assertTrue(e is OtpException.InvalidBase32)
    }

    @Test
    fun secretsAreRedactedWhenPrinted() {
        val secret = Secret.fromBytes(rfcSecret)
        assertEquals("Secret(..)", secret.toString())
        val uri = KeyUri.totp(secret, "ACME", "alice@example.com")
        assertFalse(uri.toString().contains(secret.exposeBase32()), uri.toString())
    }
}

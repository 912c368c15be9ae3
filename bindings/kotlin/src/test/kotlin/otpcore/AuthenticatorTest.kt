package otpcore

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * Issue 15 from Kotlin: codes shown as apps show them (grouped, with the
 * countdown), Google Authenticator export (imported back, QR decoded by ZXing),
 * and TOTP resynchronisation in the stateful verifier.
 */
class AuthenticatorTest {
    private val seed = "12345678901234567890".toByteArray()
    private val t = 1_700_000_000uL

    @Test
    fun codesAreGroupedAsAppsShowThem() {
        assertEquals(
            listOf("711 725", "123 4567", "9428 7082", "123 456 789", "123 456 7890"),
            listOf("711725", "1234567", "94287082", "123456789", "1234567890").map { groupCode(it) },
        )
        assertThrows<OtpException.MalformedCode> { groupCode("12345") }
        assertThrows<OtpException.MalformedCode> { groupCode("12345a") }
    }

    @Test
    fun displayCountsDownThroughAStep() {
        val totp = Totp.withConfig(Secret.fromBytes(seed), TotpConfig(algorithm = Algorithm.SHA1, digits = 8u))
        val shown = totp.displayAt(59uL) // RFC 6238 Appendix B
        assertEquals("94287082" to "9428 7082", shown.code to shown.grouped)
        assertEquals(StepWindow(step = 1uL, validFrom = 30uL, validUntil = 60uL, remaining = 1uL), shown.window)
        for (at in t..t + 30uL) {
            val w = totp.stepWindow(at)
            assertEquals(30uL - at % 30uL, w.remaining)
            assertEquals(totp.generateAt(at), totp.displayAt(at).code)
            assertEquals(w, Steam(Secret.fromBytes(seed)).stepWindow(at))
        }
        val late = Totp.withConfig(Secret.fromBytes(seed), TotpConfig(algorithm = Algorithm.SHA1, t0 = 100uL))
        assertThrows<OtpException.BeforeT0> { late.stepWindow(99uL) }
    }

    private fun accounts(): List<KeyUri> =
        (0 until 8).map { KeyUri.totp(Secret.fromBytes(ByteArray(20) { _ -> it.toByte() }), "Acme", "user$it@example.com") } +
            listOf(
                KeyUri.totp(Secret.fromBytesWithPolicy(ByteArray(10) { it.toByte() }, SecretPolicy.LEGACY), "GitHub", "octocat"),
                KeyUri.hotp(Secret.fromBytes(seed), "Bank", "carol", 1uL shl 40),
            )

    @Test
    fun exportImportsBackAndDecodesInZxing() {
        val batches = exportMigration(accounts(), 4u)
        assertEquals(listOf(0, 1, 2), batches.map { it.batchIndex() })
        assertEquals(setOf(batches[0].batchId()), batches.map { it.batchId() }.toSet())
        val imported = batches.flatMap { b ->
            assertEquals(3, b.batchSize())
            assertEquals(b.uri(), decodeQrPng(b.qrPng(4u)))
            assertFalse(b.toString().contains("user"))
            importMigration(b.uri()).accounts
        }
        assertEquals(accounts(), imported)
        assertEquals(1, exportMigration(accounts()).size) // ten per QR code by default
        val seven = KeyUri.totp(Secret.fromBytes(seed), "Acme", "bob").withDigits(7u)
        val e = assertThrows<OtpException.InvalidExport> { exportMigration(listOf(accounts()[0], seven)) }
        assertTrue(e.message!!.contains("account #1") && !e.message!!.contains("bob"), e.message)
    }

    @Test
    fun totpResyncRecentresTheDrift() {
        val totp = Totp(Secret.fromBytes(seed))
        val verifier = StatefulVerifier(VerifierConfig(totpResyncWindow = 10uL))
        fun device(skew: Int, at: ULong = t) = totp.generateAt((at.toLong() + 30L * skew).toULong())
        val mismatch = VerifyOutcome.Rejected(RejectReason.MISMATCH)
        assertEquals(mismatch, verifier.verifyTotp("phone", totp, device(-8), t))
        assertEquals(mismatch, verifier.resyncTotp("phone", totp, device(-9), device(-7), t))
        assertEquals(2u, verifier.state("phone").failures)
        assertEquals(
            VerifyOutcome.Accepted(step = t / 30uL - 8uL, offset = -8),
            verifier.resyncTotp("phone", totp, device(-9), device(-8), t),
        )
        assertEquals(-8L, verifier.state("phone").drift)
        assertEquals(VerifyOutcome.Replayed, verifier.resyncTotp("phone", totp, device(-9), device(-8), t))
        assertEquals(
            VerifyOutcome.Accepted(step = (t + 30uL) / 30uL - 8uL, offset = -8),
            verifier.verifyTotp("phone", totp, device(-8, t + 30uL), t + 30uL),
        )
        assertEquals(mismatch, verifier.resyncTotp("far", totp, device(12), device(13), t))
        assertThrows<OtpException.InvalidConfig> { StatefulVerifier(VerifierConfig(totpResyncWindow = 501uL)) }
    }

    @Test
    fun appExample() {
        // --- app example (bindings/README.md, "Showing codes, exporting, resynchronising")
        // An authenticator's screen: the code as apps show it, and the seconds left.
        val totp = Totp(Secret.fromBytes("12345678901234567890".toByteArray()))
        val shown = totp.displayAt(1_700_000_000uL)
        val label = "${shown.grouped}  ${shown.window.remaining} s" // "ddd ddd  10 s"

        // Moving to Google Authenticator: one QR code per ten accounts, as the app makes them.
        val accounts = (0 until 12).map { KeyUri.totp(Secret.generate(Algorithm.SHA1), "ACME Co", "user$it@example.com") }
        val batches = exportMigration(accounts)
        val pictures = batches.map { it.qrSvg() } // show them one after another
        check(batches.flatMap { importMigration(it.uri()).accounts } == accounts)

        // A phone whose clock runs 4 minutes fast: two consecutive codes re-centre the drift.
        val verifier = StatefulVerifier(VerifierConfig(totpResyncWindow = 10uL))
        val now = 1_700_000_000uL
        val outcome = verifier.resyncTotp("alice:totp", totp, totp.generateAt(now + 210uL), totp.generateAt(now + 240uL), now)
        check(outcome == VerifyOutcome.Accepted(step = now / 30uL + 8uL, offset = 8))
        // --- end app example ---
        assertTrue(Regex("""\d{3} \d{3}  10 s""").matches(label), label)
        assertEquals(2, pictures.size)
    }
}

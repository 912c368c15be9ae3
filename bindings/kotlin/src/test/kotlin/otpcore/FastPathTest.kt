package otpcore

import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * The JNI fast path (FastTotp, FastHotp) gives the same codes, matches and exceptions as
 * the uniffi calls it shortcuts: RFC vectors from testdata, every verify outcome, and
 * the handle lifecycle.
 */
class FastPathTest {
    private val rfcKey = "12345678901234567890".toByteArray()

    @TestFactory
    fun rfc6238(): List<DynamicTest> {
        val file = Vectors.load("rfc6238.json")
        val digits = file["digits"].asInt.toUInt()
        val period = file["period"].asLong.toULong()
        val t0 = file["t0"].asLong.toULong()
        return file["vectors"].asJsonArray.map { it.asJsonObject }.map { v ->
            val algorithm = Vectors.algorithm(v["algorithm"].asString)
            val time = v["time"].asLong.toULong()
            val step = v["step"].asLong.toULong()
            val code = v["code"].asString
            dynamicTest("$algorithm/t=$time") {
                val secret = Secret.fromBytes(Vectors.hex(v["secret_hex"].asString))
                val totp = Totp.withConfig(secret, TotpConfig(algorithm, digits, period, t0))
                FastTotp(totp).use { fast ->
                    assertEquals(code, fast.generateAt(time))
                    assertEquals(Match(step = step, offset = 0), fast.verifyAt(code, time))
                    assertEquals(Match(step = step, offset = -1), fast.verifyAt(code, time + period))
                    assertThrows<OtpException.Replayed> { fast.verifyAt(code, time, lastUsed = step) }
                }
            }
        }
    }

    @TestFactory
    fun rfc4226(): List<DynamicTest> {
        val file = Vectors.load("rfc4226.json")
        val hotp = Hotp(Secret.fromBytes(Vectors.hex(file["secret_hex"].asString)))
        val fast = FastHotp(hotp)
        return file["vectors"].asJsonArray.map { it.asJsonObject }.map { v ->
            val counter = v["counter"].asLong.toULong()
            val code = v["code"].asString
            dynamicTest("counter=$counter") {
                assertEquals(code, fast.generate(counter))
                assertEquals(hotp.generate(counter), fast.generate(counter))
                val window = Window(behind = 0u, ahead = 0u)
                assertEquals(hotp.verify(code, counter, window), fast.verify(code, counter, window))
            }
        }
    }

    /** Each failure is the uniffi call's exception class with the uniffi call's message. */
    @Test
    fun failuresMatchTheUniffiPath() {
        val totp = Totp(Secret.fromBytes(rfcKey))
        val fast = FastTotp(totp)
        val cases: List<Pair<() -> Match, () -> Match>> = listOf(
            { totp.verifyAt("000000", 59u) } to { fast.verifyAt("000000", 59u) },
            { totp.verifyAt("287082", 59u, lastUsed = 1u) } to { fast.verifyAt("287082", 59u, lastUsed = 1u) },
            { totp.verifyAt("28708", 59u) } to { fast.verifyAt("28708", 59u) },
            { totp.verifyAt("28708x", 59u) } to { fast.verifyAt("28708x", 59u) },
            { totp.verifyAt("2870822", 59u) } to { fast.verifyAt("2870822", 59u) },
            { totp.verifyAt("287 082 ", 59u) } to { fast.verifyAt("287 082 ", 59u) },
            { totp.verifyAt("２８７０８２", 59u) } to { fast.verifyAt("２８７０８２", 59u) },
            { totp.verifyAt("28708\u0000", 59u) } to { fast.verifyAt("28708\u0000", 59u) },
            { totp.verifyAt("1".repeat(5000), 59u) } to { fast.verifyAt("1".repeat(5000), 59u) },
            { totp.verifyAt("287082", 59u, Window(600u, 600u)) } to
                { fast.verifyAt("287082", 59u, Window(600u, 600u)) },
        )
        for ((slow, quick) in cases) {
            val expected = assertThrows<OtpException> { slow() }
            val actual = assertThrows<OtpException> { quick() }
            assertEquals(expected.javaClass, actual.javaClass)
            assertEquals(expected.message, actual.message)
            // Messages never echo the code (SECURITY.md).
            assertFalse(actual.message.orEmpty().contains("287"))
        }
        val late = Totp.withConfig(Secret.fromBytes(rfcKey), TotpConfig(Algorithm.SHA1, 6u, 30u, 100u))
        FastTotp(late).use { assertThrows<OtpException.BeforeT0> { it.generateAt(99u) } }
        FastTotp(late).use { assertThrows<OtpException.BeforeT0> { it.verifyAt("287082", 99u) } }
    }

    /** Grouped input, the ±1 window, and unsigned values above Long.MAX_VALUE. */
    @Test
    fun sameAnswersAsTheUniffiPath() {
        val totp = Totp(Secret.fromBytes(rfcKey))
        val fast = FastTotp(totp)
        for (at in listOf(59uL, 1111111109uL, 20000000000uL, ULong.MAX_VALUE - 40u)) {
            val code = totp.generateAt(at)
            assertEquals(code, fast.generateAt(at))
            val grouped = code.substring(0, 3) + " " + code.substring(3)
            assertEquals(totp.verifyAt(grouped, at + 30u), fast.verifyAt(grouped, at + 30u))
        }
    }

    /** tryVerify… answer null for a wrong code only; every other error still throws. */
    @Test
    fun tryVerifyReturnsNullForAWrongCodeOnly() {
        val fast = FastTotp(Totp(Secret.fromBytes(rfcKey)))
        assertEquals(null, fast.tryVerifyAt("000000", 59u))
        assertEquals(Match(step = 1u, offset = 0), fast.tryVerifyAt("287082", 59u))
        assertThrows<OtpException.Replayed> { fast.tryVerifyAt("287082", 59u, lastUsed = 1u) }
        assertThrows<OtpException.MalformedCode> { fast.tryVerifyAt("28708", 59u) }
        val hotp = FastHotp(Hotp(Secret.fromBytes(rfcKey)))
        val window = Window(behind = 0u, ahead = 2u)
        assertEquals(null, hotp.tryVerify("000000", 0u, window))
        assertEquals(Match(step = 1u, offset = 1), hotp.tryVerify("287082", 0u, window))
        assertThrows<OtpException.Mismatch> { hotp.verify("000000", 0u, window) }
        assertThrows<OtpException.Replayed> { hotp.tryVerify("287082", 0u, window, lastUsed = 1u) }
    }

    @Test
    fun closedHandleIsRefusedAndTheTotpOutlivesIt() {
        val totp = Totp(Secret.fromBytes(rfcKey))
        val fast = FastTotp(totp)
        fast.close()
        fast.close()
        assertThrows<IllegalStateException> { fast.generateAt(59u) }
        assertEquals("287082", totp.generateAt(59u))
        // The other way round: the fast object keeps the native Totp alive.
        val other = Totp(Secret.fromBytes(rfcKey))
        val kept = FastTotp(other)
        other.close()
        assertEquals("287082", kept.generateAt(59u))
        kept.close()
    }

    @Test
    fun sharedBetweenThreads() {
        val fast = FastTotp(Totp(Secret.fromBytes(rfcKey)))
        val ok = java.util.concurrent.atomic.AtomicInteger()
        val threads = (0 until 4).map {
            Thread {
                repeat(2000) { i ->
                    val at = 59uL + 30uL * i.toULong()
                    if (fast.verifyAt(fast.generateAt(at), at).offset == 0L) ok.incrementAndGet()
                }
            }
        }
        threads.forEach { it.start() }
        threads.forEach { it.join() }
        assertEquals(8000, ok.get())
        assertTrue(fast.generateAt(59u).length == 6)
    }
}

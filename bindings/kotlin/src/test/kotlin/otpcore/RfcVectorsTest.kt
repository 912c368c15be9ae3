package otpcore

import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import kotlin.test.assertEquals

/** RFC 4226 Appendix D and RFC 6238 Appendix B, from testdata, through the bindings. */
class RfcVectorsTest {
    @TestFactory
    fun rfc4226(): List<DynamicTest> {
        val file = Vectors.load("rfc4226.json")
        val config = HotpConfig(
            algorithm = Vectors.algorithm(file["algorithm"].asString),
            digits = file["digits"].asInt.toUInt(),
        )
        val fromHex = Secret.fromBytes(Vectors.hex(file["secret_hex"].asString))
        val fromBase32 = Secret.fromBase32(file["secret_base32"].asString)
        assertEquals(fromHex, fromBase32)
        val hotp = Hotp.withConfig(fromHex, config)
        return file["vectors"].asJsonArray.map { it.asJsonObject }.map { v ->
            val counter = v["counter"].asLong.toULong()
            val code = v["code"].asString
            dynamicTest("counter=$counter") {
                assertEquals(code, hotp.generate(counter))
                val m = hotp.verify(code, counter, Window(behind = 0u, ahead = 0u))
                assertEquals(Match(step = counter, offset = 0), m)
            }
        }
    }

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
                Secret.fromBytes(Vectors.hex(v["secret_hex"].asString)).use { secret ->
                    assertEquals(secret, Secret.fromBase32(v["secret_base32"].asString))
                    val totp = Totp.withConfig(secret, TotpConfig(algorithm, digits, period, t0))
                    assertEquals(step, totp.stepAt(time))
                    assertEquals(code, totp.generateAt(time))
                    assertEquals(Match(step = step, offset = 0), totp.verifyAt(code, time))
                    // One period later the same code is still accepted, one step behind.
                    assertEquals(Match(step = step, offset = -1), totp.verifyAt(code, time + period))
                }
            }
        }
    }
}

package otpcore

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.ByteArrayInputStream
import javax.imageio.ImageIO
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * Enrollment: QR codes (PNG decoded by ZXing, an independent decoder), Google
 * Authenticator export import and Steam Guard codes, against the shared vectors in
 * testdata (migration.json, steam.json).
 */
class EnrollTest {
    private val demo = "otpauth://totp/Example:alice%40example.com?secret=DEMODEMODEMODEMODEMODEMODEMODEMO" +
        "&issuer=Example&algorithm=SHA1&digits=6&period=30"

    @Test
    fun qrPngDecodesToTheUri() {
        val uri = KeyUri.parse(demo)
        for (scale in listOf(3u, 8u)) {
            val png = uri.qrPng(scale)
            assertEquals(demo, decodeQrPng(png))
            assertEquals(57 * scale.toInt(), ImageIO.read(ByteArrayInputStream(png)).width)
        }
        val svg = uri.qrSvg()
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.contains("viewBox=\"0 0 57 57\""))
        assertThrows<OtpException.InvalidQrScale> { uri.qrPng(65u) }
        val long = KeyUri.totp(Secret.fromBytes(ByteArray(20)), "X", "a".repeat(2400))
        assertThrows<OtpException.QrTooLong> { long.qrSvg() }
    }

    @Test
    fun importMigrationVectors() {
        val data = Vectors.load("migration.json")
        for (element in data.getAsJsonArray("valid")) {
            val v = element.asJsonObject
            val batch = importMigration(v.get("uri").asString)
            assertEquals(v.get("batch_size").asInt, batch.batchSize)
            assertEquals(v.get("batch_index").asInt, batch.batchIndex)
            assertEquals(v.get("batch_id").asInt, batch.batchId)
            val want = v.getAsJsonArray("accounts")
            assertEquals(want.size(), batch.accounts.size)
            for ((got, w) in batch.accounts.zip(want.map { it.asJsonObject })) {
                assertEquals(w.get("account").asString, got.account())
                assertEquals(w.get("issuer").takeUnless { it.isJsonNull }?.asString, got.issuer())
                assertEquals(w.get("secret_base32").asString, got.secret().exposeBase32())
                assertEquals(w.get("digits").asInt.toUInt(), got.digits())
                assertEquals(Vectors.algorithm(w.get("algorithm").asString), got.algorithm())
                val kind = when (w.get("type").asString) {
                    "totp" -> OtpKind.Totp(30u)
                    else -> OtpKind.Hotp(w.get("counter").asLong.toULong())
                }
                assertEquals(kind, got.kind())
            }
        }
        for (element in data.getAsJsonArray("invalid")) {
            val e = assertThrows<OtpException.InvalidMigration> { importMigration(element.asJsonObject.get("uri").asString) }
            assertFalse(e.message!!.contains("eve") || e.message!!.contains("Acme"), e.message)
        }
    }

    @Test
    fun steamVectors() {
        for (element in Vectors.load("steam.json").getAsJsonArray("vectors")) {
            val v = element.asJsonObject
            val secret = Secret.fromBytesWithPolicy(Vectors.hex(v.get("secret_hex").asString), SecretPolicy.LEGACY)
            val steam = Steam(secret)
            val time = v.get("time").asLong.toULong()
            val code = v.get("code").asString
            assertEquals(code, steam.generateAt(time))
            val m = steam.verifyAt(code.lowercase(), time + 30u)
            assertEquals(v.get("step").asLong.toULong(), m.step)
            assertEquals(-1L, m.offset)
        }
        val steam = Steam(Secret.fromBytes("12345678901234567890".toByteArray()))
        assertThrows<OtpException.MalformedCode> { steam.verifyAt("287082", 59u) }
        assertThrows<OtpException.Replayed> { steam.verifyAt("PV9M4", 59u, lastUsed = 1u) }
        assertEquals(5, steam.generateNow().length)
    }
}

package otpcore

import com.google.gson.JsonElement
import com.google.gson.JsonObject
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * testdata/uri-corpus.json: otpauth URIs as real services and apps emit them
 * (Microsoft 365, GitHub, Discord, Steam exports, ...), each with its source. The
 * Rust, Swift and Python suites read the same file.
 */
class UriCorpusTest {
    private fun JsonObject.string(name: String): String? =
        get(name).takeUnless(JsonElement::isJsonNull)?.asString

    private fun check(name: String, uri: KeyUri, want: JsonObject, code: JsonObject) {
        val kind = uri.kind()
        val (type, period, counter) = when (kind) {
            is OtpKind.Totp -> Triple("totp", kind.period, null)
            is OtpKind.Hotp -> Triple("hotp", null, kind.counter)
            OtpKind.Steam -> Triple("steam", 30uL, null)
        }
        assertEquals(want.get("type").asString, type, name)
        assertEquals(want.string("issuer"), uri.issuer(), name)
        assertEquals(want.string("label_issuer"), uri.labelIssuer(), name)
        assertEquals(want.get("account").asString, uri.account(), name)
        assertEquals(want.get("secret_base32").asString, uri.secret().exposeBase32(), name)
        assertEquals(Vectors.algorithm(want.get("algorithm").asString), uri.algorithm(), name)
        val digits = if (type == "steam") 5u else uri.digits()
        assertEquals(want.get("digits").asInt.toUInt(), digits, name)
        assertEquals(want.get("period").takeUnless(JsonElement::isJsonNull)?.asLong?.toULong(), period, name)
        assertEquals(want.get("counter").takeUnless(JsonElement::isJsonNull)?.asLong?.toULong(), counter, name)
        assertEquals(want.string("image"), uri.image(), name)
        assertEquals(want.get("canonical").asString, uri.toUriString(), name)
        val got = when (type) {
            "steam" -> uri.toSteam()!!.generateAt(code.get("time").asLong.toULong())
            "hotp" -> uri.toHotp()!!.generate(code.get("counter").asLong.toULong())
            else -> uri.toTotp()!!.generateAt(code.get("time").asLong.toULong())
        }
        assertEquals(code.get("code").asString, got, name)
    }

    @Test
    fun corpus() {
        var accepted = 0
        var refused = 0
        for (element in Vectors.load("uri-corpus.json").getAsJsonArray("cases")) {
            val case = element.asJsonObject
            val name = case.get("name").asString
            assertTrue(case.get("source").asString.isNotEmpty(), name)
            val text = case.get("uri").asString
            val allowShort = case.get("allow_short_secret").asBoolean
            if (case.has("expect")) {
                val uri = KeyUri.parse(text, allowShortSecret = allowShort)
                check(name, uri, case.getAsJsonObject("expect"), case.getAsJsonObject("code"))
                assertEquals(uri, KeyUri.parse(uri.toUriString(), allowShortSecret = allowShort), name)
                accepted++
            } else {
                val e = assertThrows<OtpException.InvalidUri>(name) { KeyUri.parse(text, allowShortSecret = allowShort) }
                assertEquals(case.get("message").asString, e.message, name)
                refused++
            }
        }
        assertTrue(accepted >= 20 && refused >= 7, "$accepted accepted, $refused refused")
    }

    @Test
    fun shortSecretOptInAndBuilders() {
        val microsoft = "otpauth://totp/Some+Company%3ame%40somecompany.net?secret=abcdefghijklmnop&issuer=Microsoft"
        assertThrows<OtpException.InvalidUri> { KeyUri.parse(microsoft) }
        assertEquals("Some Company", KeyUri.parse(microsoft, allowShortSecret = true).labelIssuer())
        val secret = Secret.fromBytes("12345678901234567890".toByteArray())
        val steam = KeyUri.steam(secret, "Steam", "alice").withImage("https://example.com/a.png")
        val again = KeyUri.parse(steam.toUriString())
        assertEquals(steam, again)
        assertEquals(OtpKind.Steam, again.kind())
        assertEquals("https://example.com/a.png", again.image())
        assertEquals("PV9M4", again.toSteam()!!.generateAt(59u))
        assertNull(again.toTotp())
    }
}

package consumer

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import otpcore.FastTotp
import otpcore.Match
import otpcore.OtpException
import otpcore.Secret
import otpcore.StatefulVerifier
import otpcore.Totp
import otpcore.VerifierConfig
import otpcore.VerifyOutcome
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * The installed otpcore JAR, used by coordinates: the native library comes out of the
 * JAR (no library path is set in this project), and both the uniffi calls and the JNI
 * fast path work from it.
 */
class ConsumerTest {
    private val rfcKey = "12345678901234567890".toByteArray()

    @Test
    fun noLibraryPathIsSet() {
        assertNull(System.getProperty("jna.library.path"))
        assertNull(System.getProperty("uniffi.component.otpcore_ffi.libraryOverride"))
        // The library is a resource inside the installed JAR, where JNA finds it.
        val resource = Totp::class.java.classLoader.getResource("${com.sun.jna.Platform.RESOURCE_PREFIX}/libotpcore_ffi.so")
        assertEquals("jar", resource?.protocol, "resource: $resource")
        assertTrue(resource.toString().contains("/.m2/") || resource.toString().contains("otpcore-0.2.0.jar"))
        assertEquals("287082", Totp(Secret.fromBytes(rfcKey)).generateAt(59u))
    }

    /** RFC 6238 Appendix B, SHA-1 rows. */
    @Test
    fun rfc6238Vectors() {
        val totp = Totp.withConfig(Secret.fromBytes(rfcKey), otpcore.TotpConfig(otpcore.Algorithm.SHA1, 8u, 30u, 0u))
        val fast = FastTotp(totp)
        val vectors = mapOf(
            59uL to "94287082", 1111111109uL to "07081804", 1111111111uL to "14050471",
            1234567890uL to "89005924", 2000000000uL to "69279037", 20000000000uL to "65353130",
        )
        for ((time, code) in vectors) {
            assertEquals(code, totp.generateAt(time))
            assertEquals(code, fast.generateAt(time))
            assertEquals(Match(step = time / 30u, offset = 0), fast.verifyAt(code, time))
        }
    }

    @Test
    fun verifyWindowAndErrors() {
        val fast = FastTotp(Totp(Secret.fromBytes(rfcKey)))
        assertEquals(Match(step = 1u, offset = -1), fast.verifyAt("287082", 89u))
        assertThrows<OtpException.Mismatch> { fast.verifyAt("287082", 200u) }
        assertThrows<OtpException.Replayed> { fast.verifyAt("287082", 59u, lastUsed = 1u) }
        assertThrows<OtpException.MalformedCode> { fast.verifyAt("28708", 59u) }
    }

    @Test
    fun statefulVerifierRefusesAReplay() {
        val verifier = StatefulVerifier(VerifierConfig())
        val totp = Totp(Secret.fromBytes(rfcKey))
        assertEquals(VerifyOutcome.Accepted(step = 1uL, offset = 0), verifier.verifyTotp("alice", totp, "287082", 59u))
        assertEquals(VerifyOutcome.Replayed, verifier.verifyTotp("alice", totp, "287082", 60u))
    }

    /**
     * The JAR is built with `--features stores` (for JVM servers): the shared-store
     * constructors are in it and its library exports them. A malformed URL fails closed,
     * without echoing the URL; SharedStoreTest in bindings/kotlin runs them on real servers.
     */
    @Test
    fun sharedStoreConstructorsAreInTheJar() {
        val e = assertThrows<OtpException.StoreUnavailable> {
            StatefulVerifier.withRedis("notredis://user:hunter2@host/", VerifierConfig())
        }
        assertFalse("hunter2" in e.message.orEmpty())
        val f = assertThrows<OtpException.StoreUnavailable> {
            StatefulVerifier.withPostgres("postgresql://u:hunter2@[::1", VerifierConfig())
        }
        assertFalse("hunter2" in f.message.orEmpty())
    }
}

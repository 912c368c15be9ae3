package otpcore

import org.junit.jupiter.api.Test
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import kotlin.test.assertEquals

/** One native object used from many JVM threads at once. */
class ThreadsTest {
    @Test
    fun sharedTotpAcrossThreads() {
        val totp = Totp(Secret.fromBytes("12345678901234567890".toByteArray()))
        val pool = Executors.newFixedThreadPool(8)
        try {
            val results = pool.invokeAll((0 until 64).map { i ->
                Callable { totp.verifyAt(totp.generateAt(59uL + 30uL * i.toULong()), 59uL + 30uL * i.toULong()).step }
            }).map { it.get() }
            assertEquals((0 until 64).map { 1uL + it.toULong() }, results)
        } finally {
            pool.shutdown()
        }
    }
}

package bench

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator
import otpcore.FastTotp
import otpcore.OtpException
import otpcore.Secret
import otpcore.Totp
import java.time.Duration
import java.time.Instant
import javax.crypto.spec.SecretKeySpec

/**
 * Per-call time of TOTP generate and verify ±1 (right and wrong code) for java-otp,
 * otpcore's uniffi `Totp` and otpcore's JNI `FastTotp`, same key (RFC 6238's), same
 * time, one JVM. java-otp has no verify: as a server would, it generates the codes of
 * the three steps and compares each (all three, as a constant-time verify must).
 *
 * Method: every case is warmed up, then 7 rounds run the cases in turn (interleaved,
 * so load from other processes spreads over all of them); each round times `calls`
 * calls; the report is the median round's time per call.
 */
private const val ROUNDS = 7

@Volatile private var sink = 0

private class Case(val name: String, val calls: Int, val body: () -> Int)

fun main() {
    val key = "12345678901234567890".toByteArray()
    val at = 1_111_111_109uL
    val instant = Instant.ofEpochSecond(at.toLong())
    val step = Duration.ofSeconds(30)

    val javaOtp = TimeBasedOneTimePasswordGenerator()
    val jkey = SecretKeySpec(key, "HmacSHA1")
    val totp = Totp(Secret.fromBytes(key))
    val fast = FastTotp(totp)
    val right = totp.generateAt(at)
    val wrong = if (right == "000000") "000001" else "000000"

    fun javaOtpVerify(code: String): Int {
        var ok = 0
        for (i in -1L..1L) {
            if (javaOtp.generateOneTimePasswordString(jkey, instant.plus(step.multipliedBy(i))) == code) ok = ok or 1
        }
        return ok
    }
    fun uniffiVerify(code: String): Int = try {
        totp.verifyAt(code, at).offset.toInt()
    } catch (e: OtpException.Mismatch) {
        7
    }
    fun fastTryVerify(code: String): Int = fast.tryVerifyAt(code, at)?.offset?.toInt() ?: 7
    fun fastVerify(code: String): Int = try {
        fast.verifyAt(code, at).offset.toInt()
    } catch (e: OtpException.Mismatch) {
        7
    }

    // uniffi's JNA calls are ~100x slower: fewer calls per round keep the run short.
    val cases = listOf(
        Case("generate/java-otp", 50_000) { javaOtp.generateOneTimePasswordString(jkey, instant).length },
        Case("generate/otpcore-uniffi", 2_000) { totp.generateAt(at).length },
        Case("generate/otpcore-fast", 50_000) { fast.generateAt(at).length },
        Case("verify-right/java-otp", 20_000) { javaOtpVerify(right) },
        Case("verify-right/otpcore-uniffi", 2_000) { uniffiVerify(right) },
        Case("verify-right/otpcore-fast", 50_000) { fastVerify(right) },
        Case("verify-wrong/java-otp", 20_000) { javaOtpVerify(wrong) },
        Case("verify-wrong/otpcore-uniffi", 2_000) { uniffiVerify(wrong) },
        Case("verify-wrong/otpcore-fast", 50_000) { fastVerify(wrong) },
        Case("verify-wrong-null/otpcore-fast", 50_000) { fastTryVerify(wrong) },
    )
    // Sanity: every implementation agrees before anything is timed.
    check(javaOtp.generateOneTimePasswordString(jkey, instant) == right)
    check(fast.generateAt(at) == right && fastVerify(right) == 0 && fastVerify(wrong) == 7 && fastTryVerify(wrong) == 7)
    check(javaOtpVerify(right) == 1 && javaOtpVerify(wrong) == 0 && uniffiVerify(wrong) == 7)

    for (case in cases) repeat(3) { time(case) }
    val samples = cases.associateWith { mutableListOf<Double>() }
    repeat(ROUNDS) { for (case in cases) samples.getValue(case).add(time(case)) }

    val cpu = java.io.File("/proc/cpuinfo").readLines().firstOrNull { it.startsWith("model name") }
        ?.substringAfter(':')?.trim() ?: System.getProperty("os.arch")
    println("CPU: $cpu; JVM: ${System.getProperty("java.vm.name")} ${System.getProperty("java.version")}")
    println("median of $ROUNDS interleaved rounds, µs per call")
    println()
    println("| call | java-otp 0.4.0 | otpcore uniffi (JNA) | otpcore FastTotp (JNI) | FastTotp / java-otp |")
    println("|---|---:|---:|---:|---:|")
    for (call in listOf("generate", "verify-right", "verify-wrong")) {
        val m = listOf("java-otp", "otpcore-uniffi", "otpcore-fast").map { impl ->
            median(samples.getValue(cases.first { it.name == "$call/$impl" }))
        }
        println("| ${label(call)} | %.2f | %.1f | %.2f | %.2f× |".format(m[0], m[1], m[2], m[2] / m[0]))
    }
    val javaWrong = median(samples.getValue(cases.first { it.name == "verify-wrong/java-otp" }))
    val tryWrong = median(samples.getValue(cases.first { it.name == "verify-wrong-null/otpcore-fast" }))
    println("| verify ±1, wrong code, `tryVerifyAt` (null, no exception) | %.2f | | %.2f | %.2f× |".format(javaWrong, tryWrong, tryWrong / javaWrong))
}

private fun label(call: String) = when (call) {
    "generate" -> "generate"
    "verify-right" -> "verify ±1, right code"
    else -> "verify ±1, wrong code"
}

/** One round of `case`: microseconds per call. */
private fun time(case: Case): Double {
    var acc = 0
    val start = System.nanoTime()
    for (i in 0 until case.calls) acc += case.body()
    val elapsed = System.nanoTime() - start
    sink += acc
    return elapsed / 1000.0 / case.calls
}

private fun median(xs: List<Double>): Double = xs.sorted()[xs.size / 2]

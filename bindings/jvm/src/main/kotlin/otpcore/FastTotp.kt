package otpcore

/**
 * [Totp]'s hot calls over JNI: the same codes, matches and exceptions as [Totp.generateAt]
 * and [Totp.verifyAt], at a fraction of the cost per call (uniffi's JNA calls allocate
 * native memory on every call; these do not). Use it on servers that verify many codes.
 *
 * Built from a [Totp] (it shares the native object: the key is not copied, and never
 * reaches the JVM heap); the [Totp] may be closed afterwards. Safe to share between
 * threads. Call [close] when done, or let the garbage collector release it.
 *
 * ```kotlin
 * val fast = FastTotp(Totp(secret))
 * val match = fast.verifyAt(code, now, lastUsed = stored)   // throws OtpException.Mismatch …
 * ```
 */
class FastTotp(totp: Totp) : FastHandle(OtpJni.totpAdopt(totp.uniffiCloneHandle()), OtpJni::totpRelease) {
    /**
     * The code at Unix time `at`, zero-padded; as [Totp.generateAt].
     *
     * @throws OtpException.BeforeT0 when `at` is earlier than `t0`.
     */
    fun generateAt(at: ULong): String = withHandle { OtpJni.totpGenerateAt(it, at.toLong()) }

    /**
     * Checks a code the user typed at Unix time `at`; as [Totp.verifyAt] (same window
     * default, same `lastUsed` rule, same exceptions).
     *
     * @throws OtpException.Mismatch, OtpException.Replayed, OtpException.MalformedCode,
     *   OtpException.WindowTooLarge, OtpException.BeforeT0.
     */
    fun verifyAt(code: String, at: ULong, window: Window = Window(), lastUsed: ULong? = null): Match =
        verify(code, at, window, lastUsed, mismatchThrows = true)!!

    /**
     * As [verifyAt], but a wrong code returns `null` instead of throwing
     * [OtpException.Mismatch] (building an exception costs microseconds; a server under a
     * guessing attack sees mostly wrong codes). Every other error still throws.
     */
    fun tryVerifyAt(code: String, at: ULong, window: Window = Window(), lastUsed: ULong? = null): Match? =
        verify(code, at, window, lastUsed, mismatchThrows = false)

    private fun verify(code: String, at: ULong, window: Window, lastUsed: ULong?, mismatchThrows: Boolean): Match? {
        val out = LongArray(3)
        withHandle {
            OtpJni.totpVerifyAt(
                it, code, at.toLong(), window.behind.toLong(), window.ahead.toLong(),
                lastUsed?.toLong() ?: 0L, lastUsed != null, mismatchThrows, out,
            )
        }
        return if (out[2] == 1L) Match(step = out[0].toULong(), offset = out[1]) else null
    }
}

/**
 * [Hotp]'s hot calls over JNI, as [FastTotp] is for [Totp]: the same codes, matches and
 * exceptions as [Hotp.generate] and [Hotp.verify].
 */
class FastHotp(hotp: Hotp) : FastHandle(OtpJni.hotpAdopt(hotp.uniffiCloneHandle()), OtpJni::hotpRelease) {
    /** The code for `counter`, zero-padded; as [Hotp.generate]. */
    fun generate(counter: ULong): String = withHandle { OtpJni.hotpGenerate(it, counter.toLong()) }

    /**
     * Checks a code against the counters around `counter`; as [Hotp.verify].
     *
     * @throws OtpException.Mismatch, OtpException.Replayed, OtpException.MalformedCode,
     *   OtpException.WindowTooLarge.
     */
    fun verify(code: String, counter: ULong, window: Window, lastUsed: ULong? = null): Match =
        verifyWith(code, counter, window, lastUsed, mismatchThrows = true)!!

    /** As [verify], but a wrong code returns `null` instead of throwing [OtpException.Mismatch]. */
    fun tryVerify(code: String, counter: ULong, window: Window, lastUsed: ULong? = null): Match? =
        verifyWith(code, counter, window, lastUsed, mismatchThrows = false)

    private fun verifyWith(code: String, counter: ULong, window: Window, lastUsed: ULong?, mismatchThrows: Boolean): Match? {
        val out = LongArray(3)
        withHandle {
            OtpJni.hotpVerify(
                it, code, counter.toLong(), window.behind.toLong(), window.ahead.toLong(),
                lastUsed?.toLong() ?: 0L, lastUsed != null, mismatchThrows, out,
            )
        }
        return if (out[2] == 1L) Match(step = out[0].toULong(), offset = out[1]) else null
    }
}

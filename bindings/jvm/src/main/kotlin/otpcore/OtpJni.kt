package otpcore

/**
 * The JNI entry points of the fast path (bindings/otpcore-ffi/src/jni), in the same
 * native library as the uniffi bindings.
 *
 * Binding: JNA has already loaded the library for the uniffi classes (from
 * `jna.library.path`, or extracted from this JAR's `linux-x86-64/` resource into a
 * temporary file it deletes at once). [Registrar] asks JNA for that same instance (same
 * name and options, so JNA's cache returns it) and calls its `otpcore_jni_register`, which
 * binds the `external fun`s below with JNI's `RegisterNatives`: one copy of the library,
 * nothing loaded twice, no file needed.
 */
internal object OtpJni {
    init {
        val status = Registrar.register()
        if (status != 0) throw UnsatisfiedLinkError("otpcore_jni_register failed ($status)")
    }

    @JvmStatic external fun totpAdopt(uniffiHandle: Long): Long
    @JvmStatic external fun totpRelease(handle: Long)
    @JvmStatic external fun totpGenerateAt(handle: Long, at: Long): String
    @JvmStatic external fun totpVerifyAt(
        handle: Long, code: String, at: Long, behind: Long, ahead: Long,
        lastUsed: Long, hasLastUsed: Boolean, mismatchThrows: Boolean, out: LongArray,
    )

    @JvmStatic external fun hotpAdopt(uniffiHandle: Long): Long
    @JvmStatic external fun hotpRelease(handle: Long)
    @JvmStatic external fun hotpGenerate(handle: Long, counter: Long): String
    @JvmStatic external fun hotpVerify(
        handle: Long, code: String, counter: Long, behind: Long, ahead: Long,
        lastUsed: Long, hasLastUsed: Boolean, mismatchThrows: Boolean, out: LongArray,
    )
}

/** JNA's direct mapping of the one plain C function that binds [OtpJni]'s natives. */
private object Registrar {
    init {
        UniffiLib.ensureInitialized()
        val name = System.getProperty("uniffi.component.otpcore_ffi.libraryOverride") ?: "otpcore_ffi"
        val library = com.sun.jna.NativeLibrary.getInstance(
            name,
            java.util.Collections.singletonMap(com.sun.jna.Library.OPTION_CLASSLOADER, UniffiLib::class.java.classLoader),
        )
        com.sun.jna.Native.register(Registrar::class.java, library)
    }

    fun register(): Int = otpcore_jni_register(com.sun.jna.JNIEnv.CURRENT)

    @JvmStatic
    @Suppress("FunctionName")
    private external fun otpcore_jni_register(env: com.sun.jna.JNIEnv): Int
}

/**
 * A native handle shared by [FastTotp] and [FastHotp]: released exactly once, after the
 * last call that uses it, as uniffi's generated objects do (a call counter that starts at
 * 1 for the owner; `close()` or the cleaner drops that 1).
 */
abstract class FastHandle internal constructor(
    private val handle: Long,
    release: (Long) -> Unit,
) : AutoCloseable {
    private val calls = java.util.concurrent.atomic.AtomicLong(1)
    private val closed = java.util.concurrent.atomic.AtomicBoolean(false)
    private val cleanable = UniffiLib.CLEANER.register(this, Release(handle, release))

    // A static class, not a lambda: the cleanup must not capture `this`.
    private class Release(private val handle: Long, private val release: (Long) -> Unit) : Runnable {
        override fun run() = release(handle)
    }

    /** Releases the native object now (otherwise the garbage collector does). */
    override fun close() {
        if (closed.compareAndSet(false, true) && calls.decrementAndGet() == 0L) {
            cleanable.clean()
        }
    }

    internal inline fun <R> withHandle(block: (Long) -> R): R {
        while (true) {
            val c = calls.get()
            check(c != 0L) { "${javaClass.simpleName} is closed" }
            check(c != Long.MAX_VALUE) { "${javaClass.simpleName} call counter would overflow" }
            if (calls.compareAndSet(c, c + 1)) break
        }
        try {
            return block(handle)
        } finally {
            if (calls.decrementAndGet() == 0L) cleanable.clean()
        }
    }
}

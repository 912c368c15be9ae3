#![allow(unsafe_code)] // JNI RegisterNatives: raw pointers; each unsafe block says what holds.
//! Binds the `external fun`s of the Kotlin object `otpcore.OtpJni` to [`super::exports`].
//!
//! Why not `System.load` and JNI's `Java_…` name lookup: JNA extracts the library from
//! the JAR to a temporary file, loads it and deletes the file, so the JVM has nothing to
//! load; and loading a second copy would split the library's state in two. Instead
//! Kotlin calls [`otpcore_jni_register`] through JNA (which passes the `JNIEnv*`), on the
//! copy JNA already loaded for the uniffi classes, and this registers the natives.

use core::ffi::{c_void, CStr};

use jni_sys::{jint, JNIEnv, JNINativeMethod};

use super::exports as x;

/// `(name, JNI signature, function)` for each `external fun` of `OtpJni`.
fn methods() -> [(&'static CStr, &'static CStr, *mut c_void); 8] {
    const VERIFY: &CStr = c"(JLjava/lang/String;JJJJZZ[J)V";
    [
        (c"totpAdopt", c"(J)J", x::totp_adopt as *mut c_void),
        (c"totpRelease", c"(J)V", x::totp_release as *mut c_void),
        (
            c"totpGenerateAt",
            c"(JJ)Ljava/lang/String;",
            x::totp_generate_at as *mut c_void,
        ),
        (c"totpVerifyAt", VERIFY, x::totp_verify_at as *mut c_void),
        (c"hotpAdopt", c"(J)J", x::hotp_adopt as *mut c_void),
        (c"hotpRelease", c"(J)V", x::hotp_release as *mut c_void),
        (
            c"hotpGenerate",
            c"(JJ)Ljava/lang/String;",
            x::hotp_generate as *mut c_void,
        ),
        (c"hotpVerify", VERIFY, x::hotp_verify as *mut c_void),
    ]
}

/// Registers `OtpJni`'s natives. Returns 0 on success, a negative JNI error otherwise
/// (with `NoClassDefFoundError` or `NoSuchMethodError` pending when the Kotlin class
/// and this table disagree).
///
/// # Safety
/// `env` is the `JNIEnv*` of the calling thread (JNA's `JNIEnv.CURRENT`).
#[no_mangle]
pub unsafe extern "C" fn otpcore_jni_register(env: *mut JNIEnv) -> jint {
    let result = std::panic::catch_unwind(|| {
        let table = methods().map(|(name, signature, function)| JNINativeMethod {
            name: name.as_ptr().cast_mut(),
            signature: signature.as_ptr().cast_mut(),
            fnPtr: function,
        });
        // SAFETY: `env` is live (contract above); the strings are NUL-terminated statics
        // (JNI only reads them); each function has the signature its entry names.
        unsafe {
            let f = &(**env).v1_6;
            let class = (f.FindClass)(env, c"otpcore/OtpJni".as_ptr());
            if class.is_null() {
                return -1;
            }
            let count = jint::try_from(table.len()).unwrap_or(0);
            (f.RegisterNatives)(env, class, table.as_ptr(), count)
        }
    });
    result.unwrap_or(-1)
}

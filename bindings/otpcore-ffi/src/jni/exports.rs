#![allow(unsafe_code)] // JNI entry points: each unsafe block says what holds.
//! The `extern "system"` functions bound to the `external fun`s of the Kotlin object
//! `otpcore.OtpJni` (by `super::register`; one argument per Kotlin one, after the
//! `JNIEnv*` and the class).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use jni_sys::{jboolean, jclass, jlong, jlongArray, jstring, JNIEnv};

use super::env::Env;
use crate::{Hotp, Match, OtpError, Totp, Window};

/// Runs `body` with the call's [`Env`]; a panic becomes a pending `InternalException`
/// and `fallback` is returned (the JVM ignores the value when an exception is pending).
fn guarded<R>(env: *mut JNIEnv, fallback: R, body: impl FnOnce(&Env) -> R) -> R {
    // SAFETY: every caller passes the JNIEnv* the JVM gave its native method.
    let env = unsafe { Env::new(env) };
    match catch_unwind(AssertUnwindSafe(|| body(&env))) {
        Ok(value) => value,
        Err(_) => {
            env.throw_internal();
            fallback
        }
    }
}

/// Kotlin passes unsigned values as the `Long` with the same bits (`ULong.toLong()`).
fn unsigned(v: jlong) -> u64 {
    u64::from_ne_bytes(v.to_ne_bytes())
}

fn signed(v: u64) -> jlong {
    jlong::from_ne_bytes(v.to_ne_bytes())
}

/// Takes over one reference of a uniffi object handle (from Kotlin's
/// `uniffiCloneHandle()`) through uniffi's own conversion, and returns it as this
/// module's handle: the `Arc`'s pointer. 0 (with an exception pending) on failure.
fn adopt<T>(env: &Env, uniffi_handle: jlong) -> jlong
where
    Arc<T>: uniffi::Lift<crate::UniFfiTag, FfiType = uniffi::Handle>,
{
    let handle = uniffi::Handle::from_raw_unchecked(unsigned(uniffi_handle));
    match <Arc<T> as uniffi::Lift<crate::UniFfiTag>>::try_lift(handle) {
        Ok(object) => signed(Arc::into_raw(object) as usize as u64),
        Err(_) => {
            env.throw_internal();
            0
        }
    }
}

/// The object behind a handle made by [`adopt`].
///
/// # Safety
/// `handle` came from `adopt::<T>` and has not been released (the Kotlin wrapper's call
/// counter guarantees both).
unsafe fn borrow<'a, T>(env: &Env, handle: jlong) -> Option<&'a T> {
    let ptr = usize::try_from(unsigned(handle)).ok()? as *const T;
    // SAFETY: by the contract above, a live `Arc<T>` pointer (or null, refused).
    let object = unsafe { ptr.as_ref() };
    if object.is_none() {
        env.throw_internal();
    }
    object
}

/// Drops the reference a handle made by [`adopt`] holds.
///
/// # Safety
/// As [`borrow`], and called once per handle.
unsafe fn release<T>(handle: jlong) {
    if let Ok(addr) = usize::try_from(unsigned(handle)) {
        if addr != 0 {
            // SAFETY: the pointer `adopt` made with `Arc::into_raw`, released once.
            drop(unsafe { Arc::from_raw(addr as *const T) });
        }
    }
}

/// `lastUsed` arrives as a value and a flag (no boxing of a nullable `Long`).
fn last_used(value: jlong, present: jboolean) -> Option<u64> {
    present.then(|| unsigned(value))
}

/// Writes a match to `out` as `[step, offset, 1]`; a wrong code as `[0, 0, 0]` when the
/// caller asked for no exception on a mismatch (`tryVerify…`, which return `null`:
/// a server that sees many wrong codes need not pay for building an exception each);
/// throws every other error.
fn answer(env: &Env, result: Result<Match, OtpError>, mismatch_throws: jboolean, out: jlongArray) {
    match result {
        Ok(m) => env.set_longs(out, &[signed(m.step), m.offset, 1]),
        Err(OtpError::Mismatch) if !mismatch_throws => env.set_longs(out, &[0, 0, 0]),
        Err(e) => env.throw(&e),
    }
}

pub(super) extern "system" fn totp_adopt(env: *mut JNIEnv, _: jclass, handle: jlong) -> jlong {
    guarded(env, 0, |env| adopt::<Totp>(env, handle))
}

pub(super) extern "system" fn totp_release(env: *mut JNIEnv, _: jclass, handle: jlong) {
    // SAFETY: the Kotlin wrapper releases its handle once, after its last call.
    guarded(env, (), |_| unsafe { release::<Totp>(handle) });
}

pub(super) extern "system" fn totp_generate_at(
    env: *mut JNIEnv,
    _: jclass,
    handle: jlong,
    at: jlong,
) -> jstring {
    guarded(env, core::ptr::null_mut(), |env| {
        // SAFETY: a live handle (the Kotlin wrapper's call counter).
        let Some(totp) = (unsafe { borrow::<Totp>(env, handle) }) else {
            return core::ptr::null_mut();
        };
        match totp.inner.generate_at(unsigned(at)) {
            Ok(code) => env.new_string(&code),
            Err(e) => {
                env.throw(&e.into());
                core::ptr::null_mut()
            }
        }
    })
}

#[allow(clippy::too_many_arguments)] // The JNI signature: one argument per Kotlin one.
pub(super) extern "system" fn totp_verify_at(
    env: *mut JNIEnv,
    _: jclass,
    handle: jlong,
    code: jstring,
    at: jlong,
    behind: jlong,
    ahead: jlong,
    last: jlong,
    has_last: jboolean,
    mismatch_throws: jboolean,
    out: jlongArray,
) {
    guarded(env, (), |env| {
        // SAFETY: a live handle (the Kotlin wrapper's call counter).
        let Some(totp) = (unsafe { borrow::<Totp>(env, handle) }) else {
            return;
        };
        let window = Window {
            behind: unsigned(behind),
            ahead: unsigned(ahead),
        };
        let result = env.with_text(code, |code| {
            totp.inner
                .verify_at(code, unsigned(at), window.into(), last_used(last, has_last))
                .map(Match::from)
                .map_err(OtpError::from)
        });
        answer(env, result, mismatch_throws, out);
    });
}

pub(super) extern "system" fn hotp_adopt(env: *mut JNIEnv, _: jclass, handle: jlong) -> jlong {
    guarded(env, 0, |env| adopt::<Hotp>(env, handle))
}

pub(super) extern "system" fn hotp_release(env: *mut JNIEnv, _: jclass, handle: jlong) {
    // SAFETY: the Kotlin wrapper releases its handle once, after its last call.
    guarded(env, (), |_| unsafe { release::<Hotp>(handle) });
}

pub(super) extern "system" fn hotp_generate(
    env: *mut JNIEnv,
    _: jclass,
    handle: jlong,
    counter: jlong,
) -> jstring {
    guarded(env, core::ptr::null_mut(), |env| {
        // SAFETY: a live handle (the Kotlin wrapper's call counter).
        match unsafe { borrow::<Hotp>(env, handle) } {
            Some(hotp) => env.new_string(&hotp.inner.generate(unsigned(counter))),
            None => core::ptr::null_mut(),
        }
    })
}

#[allow(clippy::too_many_arguments)] // The JNI signature: one argument per Kotlin one.
pub(super) extern "system" fn hotp_verify(
    env: *mut JNIEnv,
    _: jclass,
    handle: jlong,
    code: jstring,
    counter: jlong,
    behind: jlong,
    ahead: jlong,
    last: jlong,
    has_last: jboolean,
    mismatch_throws: jboolean,
    out: jlongArray,
) {
    guarded(env, (), |env| {
        // SAFETY: a live handle (the Kotlin wrapper's call counter).
        let Some(hotp) = (unsafe { borrow::<Hotp>(env, handle) }) else {
            return;
        };
        let window = Window {
            behind: unsigned(behind),
            ahead: unsigned(ahead),
        };
        let result = env.with_text(code, |code| {
            hotp.inner
                .verify(
                    code,
                    unsigned(counter),
                    window.into(),
                    last_used(last, has_last),
                )
                .map(Match::from)
                .map_err(OtpError::from)
        });
        answer(env, result, mismatch_throws, out);
    });
}

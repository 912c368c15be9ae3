#![allow(unsafe_code)] // JNI is raw pointers: each unsafe block says what holds.

//! The few JNI calls the fast path makes, over `jni-sys`'s raw function table: reading
//! a code from a `jstring` without a heap copy, returning text, filling a `long[]`, and
//! throwing the Kotlin exception that matches an [`OtpError`].

use core::ffi::{c_char, CStr};
use core::fmt::{self, Write};
use std::ffi::CString;

use jni_sys::{jlong, jlongArray, jstring, JNIEnv};
use zeroize::Zeroize;

use crate::OtpError;

/// Codes are at most 10 digits; with a separator between each, 19 characters. Input up to
/// this size is read into a stack buffer; longer input (malformed anyway) into the heap.
const STACK_CODE: usize = 64;

/// The Kotlin exception class for each case of [`OtpError`] (JNI class names): the
/// subclasses uniffi generates for the flat error, so the fast path throws exactly what
/// the uniffi path throws.
fn exception_class(e: &OtpError) -> &'static CStr {
    match e {
        OtpError::InvalidBase32 => c"otpcore/OtpException$InvalidBase32",
        OtpError::SecretTooShort(_) => c"otpcore/OtpException$SecretTooShort",
        OtpError::SecretTooLong(_) => c"otpcore/OtpException$SecretTooLong",
        OtpError::RandomFailed => c"otpcore/OtpException$RandomFailed",
        OtpError::InvalidDigits(_) => c"otpcore/OtpException$InvalidDigits",
        OtpError::InvalidPeriod => c"otpcore/OtpException$InvalidPeriod",
        OtpError::UnknownAlgorithm => c"otpcore/OtpException$UnknownAlgorithm",
        OtpError::MalformedCode(_) => c"otpcore/OtpException$MalformedCode",
        OtpError::Mismatch => c"otpcore/OtpException$Mismatch",
        OtpError::Replayed => c"otpcore/OtpException$Replayed",
        OtpError::WindowTooLarge => c"otpcore/OtpException$WindowTooLarge",
        OtpError::BeforeT0 => c"otpcore/OtpException$BeforeT0",
        OtpError::ClockBeforeUnixEpoch => c"otpcore/OtpException$ClockBeforeUnixEpoch",
        OtpError::InvalidCredentialId(_) => c"otpcore/OtpException$InvalidCredentialId",
        OtpError::InvalidConfig(_) => c"otpcore/OtpException$InvalidConfig",
        OtpError::StoreUnavailable(_) => c"otpcore/OtpException$StoreUnavailable",
        OtpError::InvalidUri(_) => c"otpcore/OtpException$InvalidUri",
        OtpError::QrTooLong => c"otpcore/OtpException$QrTooLong",
        OtpError::InvalidQrScale => c"otpcore/OtpException$InvalidQrScale",
        OtpError::InvalidMigration(_) => c"otpcore/OtpException$InvalidMigration",
        OtpError::InvalidExport(_) => c"otpcore/OtpException$InvalidExport",
        OtpError::Other(_) => c"otpcore/OtpException$Other",
    }
}

/// The class thrown when the Rust side fails in a way no `OtpError` describes (a panic
/// caught at the boundary): uniffi's own `InternalException`.
const INTERNAL: &CStr = c"otpcore/InternalException";

/// The `JNIEnv*` of the current native call.
pub(super) struct Env(*mut JNIEnv);

impl Env {
    /// # Safety
    /// `raw` is the `JNIEnv*` the JVM passed to the running native method.
    pub(super) unsafe fn new(raw: *mut JNIEnv) -> Self {
        Env(raw)
    }

    /// Throws `e` as its `OtpException` subclass. The message is `e`'s Display, which
    /// never contains a secret, a code or a URI (see [`OtpError`]).
    pub(super) fn throw(&self, e: &OtpError) {
        let mut message = e.to_string();
        message.retain(|c| c != '\0');
        let message = CString::new(message).unwrap_or_default();
        self.throw_class(exception_class(e), &message);
    }

    /// Throws uniffi's `InternalException` with a fixed message (a caught panic).
    pub(super) fn throw_internal(&self) {
        self.throw_class(INTERNAL, c"otpcore: internal error in the JNI fast path");
    }

    fn throw_class(&self, class: &CStr, message: &CStr) {
        // SAFETY: `self.0` is a live JNIEnv (constructor contract); both strings are
        // NUL-terminated. A null class means FindClass already left
        // NoClassDefFoundError pending, which the JVM then throws.
        unsafe {
            let f = &(**self.0).v1_6;
            let cls = (f.FindClass)(self.0, class.as_ptr());
            if !cls.is_null() {
                (f.ThrowNew)(self.0, cls, message.as_ptr());
            }
        }
    }

    /// Calls `f` with the text of `s` (JNI's modified UTF-8; anything that is not plain
    /// UTF-8 is replaced by U+FFFD, which no code contains, so the core rejects it as
    /// malformed). The bytes are wiped afterwards.
    pub(super) fn with_text<R>(&self, s: jstring, f: impl FnOnce(&str) -> R) -> R {
        if s.is_null() {
            return f("");
        }
        // SAFETY: live JNIEnv; `s` is a non-null jstring passed by the JVM.
        let (chars, utf_len) = unsafe {
            let t = &(**self.0).v1_6;
            (
                (t.GetStringLength)(self.0, s),
                (t.GetStringUTFLength)(self.0, s),
            )
        };
        let len = usize::try_from(utf_len).unwrap_or(0);
        // HotSpot writes a terminating NUL after the text: room for it.
        let room = len.saturating_add(1);
        let mut stack = [0u8; STACK_CODE];
        let mut heap = Vec::new();
        let buf: &mut [u8] = if room <= STACK_CODE {
            &mut stack
        } else {
            heap.resize(room, 0);
            &mut heap
        };
        // SAFETY: `buf` holds `utf_len + 1` bytes, the most GetStringUTFRegion writes for
        // the whole string (`chars` UTF-16 units from 0).
        unsafe {
            (((**self.0).v1_6).GetStringUTFRegion)(
                self.0,
                s,
                0,
                chars,
                buf.as_mut_ptr().cast::<c_char>(),
            );
        }
        let bytes = buf.get(..len).unwrap_or_default();
        let result = match core::str::from_utf8(bytes) {
            Ok(text) => f(text),
            Err(_) => f(&String::from_utf8_lossy(bytes)),
        };
        buf.zeroize();
        result
    }

    /// A new Java string holding `value`'s Display (a code: ASCII digits), formatted
    /// into a stack buffer that is wiped afterwards. Null (with an exception pending)
    /// if the JVM is out of memory.
    pub(super) fn new_string(&self, value: &impl fmt::Display) -> jstring {
        let mut text = StackText::default();
        let s = if write!(text, "{value}\0").is_ok() {
            // SAFETY: live JNIEnv; `text` is NUL-terminated ASCII (valid modified UTF-8).
            unsafe { (((**self.0).v1_6).NewStringUTF)(self.0, text.buf.as_ptr().cast::<c_char>()) }
        } else {
            self.throw_internal();
            core::ptr::null_mut()
        };
        text.buf.zeroize();
        s
    }

    /// Writes `values` to the start of `array` (a `long[]` of at least that length,
    /// checked by the JVM: a shorter one gets ArrayIndexOutOfBoundsException).
    pub(super) fn set_longs(&self, array: jlongArray, values: &[jlong]) {
        let len = i32::try_from(values.len()).unwrap_or(0);
        // SAFETY: live JNIEnv; `values` holds `len` longs.
        unsafe {
            (((**self.0).v1_6).SetLongArrayRegion)(self.0, array, 0, len, values.as_ptr());
        }
    }
}

/// A fixed buffer for one code's text: 10 digits and a NUL fit with room to spare.
#[derive(Default)]
struct StackText {
    buf: [u8; 24],
    len: usize,
}

impl Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

//! The JVM fast path: a few JNI entry points for the hot calls (`Totp.generateAt` /
//! `verifyAt`, `Hotp.generate` / `verify`), called by the hand-written Kotlin classes
//! `FastTotp` and `FastHotp` (bindings/kotlin/src/main/kotlin).
//!
//! Why: uniffi's Kotlin bindings reach the library through JNA and allocate a JNA
//! `Structure` (with tracked native `Memory`) for every call's status and every returned
//! string or record; that costs tens to hundreds of microseconds a call
//! (docs/design/bindings-speed.md). These entry points take and return only primitives,
//! a `String` and a `long[]`, so a call costs what JNI costs (tens of nanoseconds) plus
//! the HMAC.
//!
//! One copy of the decisions: each entry point calls the same core method the uniffi
//! export calls (`otpcore::Totp::verify_at` …) with the same conversions
//! ([`crate::Window`], [`OtpError`]), and a failure is thrown as the same
//! `OtpException` subclass with the same message.
//!
//! # Safety at the boundary
//! - Every entry point runs its body under `catch_unwind`: a panic (a bug; no input
//!   causes one) becomes uniffi's `InternalException`, never an unwind into the JVM.
//! - Handles are `Arc` pointers this module made (`…Adopt`) and frees once (`…Release`);
//!   the Kotlin side keeps them alive across calls with uniffi's call-counter scheme.
//! - The typed code is read into a buffer that is wiped after the call; generated codes
//!   are formatted by the core's constant-time `Display` into a wiped stack buffer.

mod env;
mod exports;
mod register;

//! [`WipeOnFree`]: the library's global allocator, which zeroes every heap block
//! before handing it back to the system allocator.
//!
//! Why an allocator: secrets cross the FFI in uniffi `RustBuffer`s, plain
//! `Vec<u8>`s that Rust allocates and frees but whose lifetime the foreign code
//! decides. The foreign side calls `rustbuffer_free` (or `rustbuffer_reserve`,
//! which reallocates) on a returned `exposeBase32()` string, a URI, a QR picture;
//! uniffi's lifting of a byte-array argument reads it into a new `Vec` and drops
//! the argument buffer; `Vec<u8>` results (`qrPng`) are serialised byte by byte
//! into a growing buffer. None of that code is ours, and no converter hook runs
//! when the foreign side frees a buffer. Wiping in `dealloc` covers all of it,
//! and the buffers of dependencies (`qrcode`, `png`) as well.
//!
//! Cost: one pass of zeroing per freed byte. The bindings allocate little (their
//! work is hashing a few blocks), so this does not show next to the FFI call
//! itself.
//!
//! Limits: memory still allocated is not wiped (a leak or a `Secret` that is never
//! released keeps its bytes), nor the foreign runtime's own copies (a Python
//! `str`/`bytes`, a JVM `String`/`ByteArray`, a Swift `String`/`Data`), nor the
//! stack and registers.

// A global allocator is `unsafe impl GlobalAlloc`; it forwards to the inner
// allocator and writes only within the block it is freeing.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};

use zeroize::Zeroize;

/// A global allocator that zeroes each block on `dealloc` and forwards
/// everything to `A`. `realloc` is the trait's default (allocate, copy, free), so
/// the old block of a growing buffer is wiped too; the inner allocator's own
/// `realloc` is never used.
pub struct WipeOnFree<A>(pub A);

// SAFETY: every method forwards to `A` with the caller's arguments; `dealloc`
// first writes zeros over exactly the block it is about to free.
unsafe impl<A: GlobalAlloc> GlobalAlloc for WipeOnFree<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated with `layout` and is not freed yet, so it is
        // valid for writes of `layout.size()` bytes; `u8` has no invalid values.
        let block = unsafe { std::slice::from_raw_parts_mut(ptr, layout.size()) };
        // Volatile writes and a fence: not optimised away before the free.
        block.zeroize();
        // SAFETY: forwarded unchanged; the block came from `self.0`.
        unsafe { self.0.dealloc(ptr, layout) }
    }
}

#[cfg(test)]
mod tests;

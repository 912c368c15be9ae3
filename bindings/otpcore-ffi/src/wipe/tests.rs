//! The FFI path under a spy allocator: argument buffers lifted, results lowered
//! and freed as the foreign side frees them (`uniffi_rustbuffer_free`, what the
//! generated `rustbuffer_free` calls).
//!
//! The test binary's allocator is [`WipeOnFree`] around a spy that, in `dealloc`,
//! scans each block for the test secret (as `otpcore_testkit::spy` does for the
//! core and the CLI; this spy sits under `WipeOnFree`, so it cannot be that one). Every test runs each path twice: with wiping off, the spy must fire
//! (the path really frees secret bytes: this is the code before `WipeOnFree`);
//! with wiping on, it must not.

// The spy needs `unsafe impl GlobalAlloc`; it forwards to `System` and reads only
// blocks it was handed, within their layout.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use uniffi::{Lift, Lower, RustBuffer, RustCallStatus};

use crate::{import_migration, KeyUri, Secret, UniFfiTag, WipeOnFree};

// The test secret and its base32 form, shared with every wiping test.
use otpcore_testkit::spy::{B32, RAW};

static ARMED: AtomicBool = AtomicBool::new(false);
static WIPE: AtomicBool = AtomicBool::new(true);
static HITS: AtomicUsize = AtomicUsize::new(0);
/// A test's own marker (a window of a QR picture), `len` bytes; 0 for none.
static EXTRA: Mutex<([u8; 64], usize)> = Mutex::new(([0; 64], 0));

struct Spy;

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

unsafe impl GlobalAlloc for Spy {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Zeroed, so `dealloc` may read every byte of the block.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) {
            // SAFETY: allocated by `alloc` with `layout`, not freed yet, every byte
            // initialised (zeroed at allocation or written since).
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let (extra, len) = *EXTRA.lock().unwrap_or_else(|e| e.into_inner());
            if contains(block, &RAW) || contains(block, B32) || contains(block, &extra[..len]) {
                HITS.fetch_add(1, Ordering::SeqCst);
            }
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// `WipeOnFree<Spy>`, or the bare spy while `WIPE` is off.
struct Harness;

unsafe impl GlobalAlloc for Harness {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { Spy.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WIPE.load(Ordering::SeqCst) {
            unsafe { WipeOnFree(Spy).dealloc(ptr, layout) }
        } else {
            unsafe { Spy.dealloc(ptr, layout) }
        }
    }
}

#[global_allocator]
static GLOBAL: Harness = Harness;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Hits with wiping off and on, for `f` run with the spy armed.
fn hits(marker: &[u8], f: impl Fn()) -> (usize, usize) {
    {
        let mut extra = EXTRA.lock().unwrap_or_else(|e| e.into_inner());
        extra.0[..marker.len()].copy_from_slice(marker);
        extra.1 = marker.len();
    }
    let mut out = [0; 2];
    for (wipe, count) in [false, true].into_iter().zip(&mut out) {
        WIPE.store(wipe, Ordering::SeqCst);
        HITS.store(0, Ordering::SeqCst);
        ARMED.store(true, Ordering::SeqCst);
        f();
        ARMED.store(false, Ordering::SeqCst);
        *count = HITS.load(Ordering::SeqCst);
    }
    WIPE.store(true, Ordering::SeqCst);
    EXTRA.lock().unwrap_or_else(|e| e.into_inner()).1 = 0;
    (out[0], out[1])
}

/// What the foreign side does with a returned buffer once it has copied it.
fn foreign_frees(buf: RustBuffer) {
    let mut status = RustCallStatus::default();
    uniffi::uniffi_rustbuffer_free(buf, &mut status);
}

fn secret() -> Arc<Secret> {
    Secret::from_bytes(RAW.to_vec()).unwrap()
}

#[test]
fn secret_arguments_are_wiped() {
    let _serial = serial();
    // A byte array: a 4-byte big-endian length, then the bytes.
    let (before, after) = hits(b"", || {
        let arg = RustBuffer::from_vec([&20i32.to_be_bytes()[..], &RAW].concat());
        let bytes = <Vec<u8> as Lift<UniFfiTag>>::try_lift(arg).unwrap();
        drop(Secret::from_bytes(bytes).unwrap());
    });
    assert!(before > 0 && after == 0, "bytes: {before} -> {after}");
    // A string: the UTF-8 bytes as they are.
    let (before, after) = hits(b"", || {
        let arg = RustBuffer::from_vec(B32.to_vec());
        let text = <String as Lift<UniFfiTag>>::try_lift(arg).unwrap();
        drop(Secret::from_base32(text).unwrap());
    });
    // `from_base32` already wiped the text it was given; the buffer was the same.
    assert!(after == 0, "base32: {before} -> {after}");
}

#[test]
fn secret_results_are_wiped_when_the_foreign_side_frees_them() {
    let _serial = serial();
    let secret = secret();
    let uri = KeyUri::totp(secret.clone(), Some("Acme".into()), "alice".into()).unwrap();
    let (before, after) = hits(b"", || {
        foreign_frees(<String as Lower<UniFfiTag>>::lower(secret.expose_base32()));
        foreign_frees(<String as Lower<UniFfiTag>>::lower(uri.to_uri_string()));
    });
    assert!(before > 0 && after == 0, "{before} -> {after}");
}

#[test]
fn qr_pictures_are_wiped_when_the_foreign_side_frees_them() {
    let _serial = serial();
    let uri = KeyUri::totp(secret(), Some("Acme".into()), "alice".into()).unwrap();
    let svg = uri.qr_svg().unwrap();
    let middle = svg.len() / 2;
    let (before, after) = hits(&svg.as_bytes()[middle..middle + 64], || {
        foreign_frees(<String as Lower<UniFfiTag>>::lower(uri.qr_svg().unwrap()));
    });
    assert!(before > 0 && after == 0, "svg: {before} -> {after}");
    // The PNG's IDAT chunk head and first compressed bytes.
    let png = uri.qr_png(8).unwrap();
    let (before, after) = hits(&png[33..73], || {
        foreign_frees(<Vec<u8> as Lower<UniFfiTag>>::lower(uri.qr_png(8).unwrap()));
    });
    assert!(before > 0 && after == 0, "png: {before} -> {after}");
}

#[test]
fn migration_import_is_wiped() {
    let _serial = serial();
    // One TOTP account, secret `RAW`, name "alice", issuer "Acme".
    let export = "otpauth-migration://offline?data=CikKFKdacQOc4Ux3GNJfgDvJZg70IX24EgVhbGljZRoEQWNtZSABKAEwAhABGAEgACgH";
    let (before, after) = hits(b"", || {
        let arg = RustBuffer::from_vec(export.as_bytes().to_vec());
        let uri = <String as Lift<UniFfiTag>>::try_lift(arg).unwrap();
        let batch = import_migration(uri).unwrap();
        assert_eq!(batch.accounts.len(), 1);
        foreign_frees(<String as Lower<UniFfiTag>>::lower(
            batch.accounts[0].secret().expose_base32(),
        ));
    });
    assert!(before > 0 && after == 0, "{before} -> {after}");
}

//! Secrets are wiped before their memory goes back to the allocator.
//!
//! Technique (sound: nothing reads freed or uninitialised memory). This test
//! binary installs a global allocator that hands out zeroed blocks from the system
//! allocator and, in `dealloc` -- while the block still belongs to the program and
//! is valid to read -- scans it for the test secret: its raw bytes and its base32
//! text. A hit means a buffer holding the secret was released without being wiped.
//! `realloc` is the trait's default (`alloc` + copy + `dealloc`), so the old block
//! of a growing buffer is scanned too. `cargo +nightly miri test --test zeroize`
//! checks the allocator itself for undefined behaviour.
//!
//! A test may add a marker of its own (`unwiped_blocks_with`): a window of a QR
//! picture or of an export's base64, which contain the secret in another form.
//!
//! Limits: only heap blocks are checked; copies in registers or on the stack (for
//! instance a `[u8; 8]` counter, or HMAC's inline state) are not, and nothing here
//! can see a copy the caller makes through `expose_bytes`.

// The spy allocator needs `unsafe impl GlobalAlloc`; it only forwards to `System`
// and reads blocks it was handed, within their layout.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

#[cfg(feature = "cli")]
mod cli;
#[cfg(all(feature = "qr", feature = "migration"))]
mod enroll;

use otpcore::{Hotp, HotpConfig, KeyUri, Secret, SecretPolicy, Totp, TotpConfig, Window};
use zeroize::Zeroizing;

/// The test secret: 20 bytes that occur nowhere else.
const RAW: [u8; 20] = *b"\xa7Zq\x03\x9c\xe1Lw\x18\xd2\x5f\x80\x3b\xc9\x66\x0e\xf4\x21\x7d\xb8";
/// `RAW` in base32 (checked in `the_markers_are_right`).
const B32: &[u8] = b"U5NHCA444FGHOGGSL6ADXSLGB32CC7NY";

struct Spy;

static ARMED: AtomicBool = AtomicBool::new(false);
static HITS: AtomicUsize = AtomicUsize::new(0);
/// A test's own marker, `len` bytes (0: none). A fixed array, so that setting it
/// never allocates or frees inside the allocator's lock.
static EXTRA: Mutex<([u8; 64], usize)> = Mutex::new(([0; 64], 0));

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

unsafe impl GlobalAlloc for Spy {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Zeroed, so that every byte of every block is initialised from the start
        // and `dealloc` may read the whole block (spare capacity included).
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) {
            // SAFETY: `ptr` came from `alloc` with this `layout` and is not freed yet,
            // so it is valid for reads of `layout.size()` bytes, all of them
            // initialised (zeroed by `alloc`, or since written by the program; std's
            // collections never write uninitialised values back into a buffer).
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let (extra, len) = *EXTRA.lock().unwrap_or_else(|e| e.into_inner());
            let extra = extra.get(..len).filter(|m| !m.is_empty());
            if contains(block, &RAW)
                || contains(block, B32)
                || extra.is_some_and(|m| contains(block, m))
            {
                HITS.fetch_add(1, Ordering::SeqCst);
            }
        }
        // SAFETY: forwarded unchanged; `alloc` got this block from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Spy = Spy;

/// One test at a time, for the whole test: the counters and the armed flag are
/// global, so a test's own setup (which may free secret-bearing strings) must not
/// run while another test has the spy armed.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` with the spy armed and returns how many released blocks still held
/// the secret.
fn unwiped_blocks(f: impl FnOnce()) -> usize {
    HITS.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    HITS.load(Ordering::SeqCst)
}

/// As [`unwiped_blocks`], also counting blocks that hold `marker` (at most 64
/// bytes).
fn unwiped_blocks_with(marker: &[u8], f: impl FnOnce()) -> usize {
    assert!(marker.len() <= 64, "marker too long");
    {
        let mut extra = EXTRA.lock().unwrap_or_else(|e| e.into_inner());
        extra.0[..marker.len()].copy_from_slice(marker);
        extra.1 = marker.len();
    }
    let hits = unwiped_blocks(f);
    EXTRA.lock().unwrap_or_else(|e| e.into_inner()).1 = 0;
    hits
}

fn text(s: String) -> Zeroizing<String> {
    Zeroizing::new(s)
}

#[test]
fn the_markers_are_right() {
    let _serial = serial();
    let s = Secret::from_bytes(&RAW).unwrap();
    assert_eq!(s.expose_base32().as_bytes(), B32);
}

/// The control: without it, a spy that never fires would pass every test.
#[test]
fn the_spy_sees_an_unwiped_buffer() {
    let _serial = serial();
    assert_eq!(unwiped_blocks(|| drop(RAW.to_vec())), 1);
    assert_eq!(unwiped_blocks(|| drop(B32.to_vec())), 1);
    assert_eq!(unwiped_blocks(|| drop(Zeroizing::new(RAW.to_vec()))), 0);
    let marker = b"a marker of the test's own";
    assert_eq!(unwiped_blocks_with(marker, || drop(marker.to_vec())), 1);
    assert_eq!(unwiped_blocks(|| drop(marker.to_vec())), 0);
}

#[test]
fn secret_is_wiped_on_drop() {
    let _serial = serial();
    let hits = unwiped_blocks(|| {
        let s = Secret::from_bytes(&RAW).unwrap();
        let copy = s.clone();
        drop(s);
        drop(copy);
    });
    assert_eq!(hits, 0);
}

#[test]
fn base32_parsing_leaves_no_copy() {
    let _serial = serial();
    // The inputs are made before the spy is armed: building them is the test's
    // business, and `format!` may reallocate.
    let b32 = text(String::from_utf8(B32.to_vec()).unwrap());
    let lower = text(b32.to_lowercase());
    let padded = text(format!("{}====", b32.as_str()));
    let spaced = text(format!("{} {}-{}", &b32[..8], &b32[8..16], &b32[16..]));
    let hits = unwiped_blocks(|| {
        for input in [&b32, &lower, &padded, &spaced] {
            let s = Secret::from_base32_with_policy(input, SecretPolicy::Strict).unwrap();
            assert_eq!(s.expose_bytes(), RAW);
        }
        drop(Secret::from_bytes(&RAW).unwrap().expose_base32());
    });
    assert_eq!(hits, 0);
}

#[test]
fn generators_and_verifiers_leave_no_copy() {
    let _serial = serial();
    let hits = unwiped_blocks(|| {
        let s = Secret::from_bytes(&RAW).unwrap();
        let totp = Totp::new(&s, TotpConfig::default());
        let code = totp.generate_at(1_700_000_000).unwrap().to_string();
        totp.verify_at(&code, 1_700_000_000, Window::default(), None)
            .unwrap();
        let hotp = Hotp::new(&s, HotpConfig::default());
        let code = hotp.generate(7).to_string();
        hotp.verify(&code, 7, Window::look_ahead(3), None).unwrap();
        drop((s, totp, hotp));
    });
    assert_eq!(hits, 0);
}

#[test]
fn uri_building_leaves_no_copy() {
    let _serial = serial();
    let hits = unwiped_blocks(|| {
        let s = Secret::from_bytes(&RAW).unwrap();
        // Long names: the URI outgrows any small first allocation.
        let issuer = "An Issuer With A Rather Long Name, Inc. & Partners";
        let account = "someone.with.a.long.address@subdomain.example.com";
        let uri = KeyUri::totp(s, Some(issuer), account).unwrap();
        drop(uri.to_uri_string());
        drop(uri);
    });
    assert_eq!(hits, 0);
}

#[test]
fn uri_parsing_leaves_no_copy() {
    let _serial = serial();
    let b32 = std::str::from_utf8(B32).unwrap();
    let spaced = format!("{}%20{}+{}", &b32[..8], &b32[8..16], &b32[16..]);
    for secret in [
        b32.to_string(),
        b32.to_lowercase(),
        format!("{b32}%3D%3D"),
        spaced,
    ] {
        let uri = text(format!(
            "otpauth://totp/Acme:alice?secret={secret}&issuer=Acme"
        ));
        drop(Zeroizing::new(secret));
        let hits = unwiped_blocks(|| {
            let parsed = KeyUri::parse(&uri).unwrap();
            assert_eq!(parsed.secret().expose_bytes(), RAW);
            drop(parsed);
        });
        assert_eq!(hits, 0, "{}", uri.replace(b32, "<secret>"));
    }
}

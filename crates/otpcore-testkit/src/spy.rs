//! A spy allocator for wiping tests: did a block holding the secret go back
//! to the allocator unwiped?
//!
//! Technique (sound: nothing reads freed or uninitialised memory). A test
//! binary installs [`Spy`] as its global allocator (`#[global_allocator] static
//! GLOBAL: Spy = Spy;`), an allocator that hands out zeroed blocks from the system
//! allocator and, in `dealloc` -- while the block still belongs to the program and
//! is valid to read -- scans it for the test secret: its raw bytes and its base32
//! text. A hit means a buffer holding the secret was released without being wiped.
//! `realloc` is the trait's default (`alloc` + copy + `dealloc`), so the old block
//! of a growing buffer is scanned too. `cargo +nightly miri test -p otpcore --test wiping`
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

/// The test secret: 20 bytes that occur nowhere else.
pub const RAW: [u8; 20] = *b"\xa7Zq\x03\x9c\xe1Lw\x18\xd2\x5f\x80\x3b\xc9\x66\x0e\xf4\x21\x7d\xb8";
/// `RAW` in base32 (checked in `the_markers_are_right`).
pub const B32: &[u8] = b"U5NHCA444FGHOGGSL6ADXSLGB32CC7NY";

/// The allocator: install it with `#[global_allocator]` in the test binary.
pub struct Spy;

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

/// One test at a time, for the whole test: the counters and the armed flag are
/// global, so a test's own setup (which may free secret-bearing strings) must not
/// run while another test has the spy armed.
static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` with the spy armed and returns how many released blocks still held
/// the secret.
pub fn unwiped_blocks(f: impl FnOnce()) -> usize {
    HITS.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    HITS.load(Ordering::SeqCst)
}

/// As [`unwiped_blocks`], also counting blocks that hold `marker` (at most 64
/// bytes).
pub fn unwiped_blocks_with(marker: &[u8], f: impl FnOnce()) -> usize {
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

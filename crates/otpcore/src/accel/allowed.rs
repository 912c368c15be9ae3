//! Which kernels a process may use: every kernel the CPU has, or, with `std`,
//! only those the `OTPCORE_KERNELS` environment variable lists
//! (`OTPCORE_KERNELS=portable,avx2,avx512`: as if this CPU had no SHA
//! extensions).
//!
//! What it is for: otpcore chooses its kernels by measurement, and what it
//! chooses depends on which kernels the CPU has. A machine with all of them can
//! show what otpcore does on one with fewer — which kernels its plan takes,
//! whether a batch still never runs slower than single calls — by taking some
//! away (the speeds are still this CPU's). `OTPCORE_BACKEND` forces one kernel
//! for everything; this only narrows the planner's choice.
//!
//! The variable is read once per process, at the first question. The portable
//! kernel is always allowed (it is the fallback, and every plan may use it);
//! unknown names are ignored; an empty or unset variable allows every kernel.
//!
//! # Security
//! Removing kernels only removes choices: every kernel computes the same codes
//! in constant time, and the list is the operator's, never a secret.

use super::kernel::Kernel;

/// The bit of `kernel` in a mask.
#[cfg(any(feature = "std", test))]
const fn bit(kernel: Kernel) -> u8 {
    1 << kernel.index()
}

/// Every kernel.
#[cfg(any(feature = "std", test))]
const ALL: u8 = (1 << Kernel::ALL.len()) - 1;

/// The kernels a comma-separated list allows: the portable one, and each name
/// [`Kernel::from_name`] knows; every kernel for an empty list.
#[cfg(any(feature = "std", test))]
fn parse(list: &str) -> u8 {
    if list.trim().is_empty() {
        return ALL;
    }
    list.split(',')
        .filter_map(Kernel::from_name)
        .fold(bit(Kernel::Portable), |mask, kernel| mask | bit(kernel))
}

/// Whether the process may use `kernel` (whatever the CPU has: `backend` asks
/// the CPU).
#[cfg(feature = "std")]
pub(super) fn allowed(kernel: Kernel) -> bool {
    use core::sync::atomic::{AtomicU8, Ordering};
    /// The mask read from the environment, with bit 7 set once read.
    static MASK: AtomicU8 = AtomicU8::new(0);
    const READ: u8 = 0x80;
    let mut mask = MASK.load(Ordering::Relaxed);
    if mask & READ == 0 {
        // Two threads may both read the variable; they read the same value.
        mask = std::env::var("OTPCORE_KERNELS").map_or(ALL, |list| parse(&list)) | READ;
        MASK.store(mask, Ordering::Relaxed);
    }
    mask & bit(kernel) != 0
}

/// Without `std` there is no environment: every kernel the CPU has.
#[cfg(not(feature = "std"))]
pub(super) fn allowed(_kernel: Kernel) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::{bit, parse, ALL};
    use crate::kernels::Kernel;

    #[test]
    fn a_list_allows_the_portable_kernel_and_what_it_names() {
        assert_eq!(parse(""), ALL);
        assert_eq!(parse("  "), ALL);
        assert_eq!(parse("portable"), bit(Kernel::Portable));
        assert_eq!(
            parse("avx2, AVX512"),
            bit(Kernel::Portable) | bit(Kernel::Avx2) | bit(Kernel::Avx512)
        );
        assert_eq!(
            parse("shani,nonsense"),
            bit(Kernel::Portable) | bit(Kernel::ShaNi)
        );
        assert_eq!(parse("nonsense"), bit(Kernel::Portable));
        assert_eq!(parse("portable,shani,avx2,avx512"), ALL);
    }
}

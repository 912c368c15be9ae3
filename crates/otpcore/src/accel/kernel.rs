//! The public names of the kernel sets ([`Kernel`]) and the error for one this
//! CPU lacks. Names only: whether a CPU can run one is `backend`'s business.

use core::fmt;

/// A set of HMAC kernels otpcore can compute codes with.
///
/// A name, not a capability: [`Kernel::is_available`] says whether this CPU can
/// run it. Which kernel computes a group of codes is chosen by measurement once
/// per process ([`plan`](crate::kernels::plan)); [`force`](crate::kernels::force) or
/// the `OTPCORE_BACKEND` environment variable (with `std`) override the choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kernel {
    /// RustCrypto's compression functions, one code at a time: any CPU.
    Portable,
    /// The x86 SHA extensions, up to four codes interleaved (SHA-1, SHA-256;
    /// SHA-512 codes run on [`Kernel::Portable`]).
    ShaNi,
    /// Eight SHA-1 / SHA-256 or four SHA-512 codes side by side in AVX2 registers.
    Avx2,
    /// Sixteen SHA-1 / SHA-256 or eight SHA-512 codes in AVX-512F registers.
    Avx512,
}

impl Kernel {
    /// Every kernel, in a fixed order (also the order of `Kernel::index`).
    pub const ALL: [Kernel; 4] = [
        Kernel::Portable,
        Kernel::ShaNi,
        Kernel::Avx2,
        Kernel::Avx512,
    ];

    /// The name `OTPCORE_BACKEND` and [`Kernel::from_name`] use: `portable`,
    /// `shani`, `avx2`, `avx512`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable",
            Kernel::ShaNi => "shani",
            Kernel::Avx2 => "avx2",
            Kernel::Avx512 => "avx512",
        }
    }

    /// The kernel called `name` (as [`Kernel::name`] spells it, any case).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Kernel> {
        Kernel::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Position in [`Kernel::ALL`].
    pub(crate) const fn index(self) -> usize {
        match self {
            Kernel::Portable => 0,
            Kernel::ShaNi => 1,
            Kernel::Avx2 => 2,
            Kernel::Avx512 => 3,
        }
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// [`force`](crate::kernels::force) was asked for a kernel this CPU (or build)
/// cannot run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelUnavailable(pub Kernel);

impl fmt::Display for KernelUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the {} kernel is not available on this CPU", self.0)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for KernelUnavailable {}

//! [`match_run`]: which steps of a run a code matches, one constant-time bit
//! per step, for verifiers that let someone else pick the window
//! ([`Totp::match_steps`](crate::Totp::match_steps)).

use subtle::ConstantTimeEq;

use crate::accel::MAX_LANES;
use crate::format::Format;
use crate::mac::KeyedMac;
use crate::VerifyError;

/// Writes `out[i] = b'1'` if `input` is the code of step `first + i`, else
/// `b'0'`; steps past `u64::MAX` do not exist and get `b'0'`.
///
/// # Errors
/// [`VerifyError::Malformed`] for input that is not a code of `format` (public:
/// checked before any HMAC).
///
/// # Security
/// Every step of `out` is computed and compared with `subtle`, whatever matched:
/// the work depends on `out.len()` alone. Each byte is `b'0' + hit`, an addition
/// of the comparison's 0 or 1, so neither the bytes' layout nor the time to
/// write them depends on where (or whether) the code matched. The bytes are
/// ASCII so that a store can be sent them verbatim: the message has the same
/// length whatever they say.
pub(crate) fn match_run(
    mac: &KeyedMac,
    format: &Format,
    input: &str,
    first: u64,
    out: &mut [u8],
) -> Result<(), VerifyError> {
    let code = format.parse(input)?;
    let mut values = [0u32; MAX_LANES];
    let mut step = first;
    // Runs of at most `MAX_LANES` candidates; their sizes depend on `out.len()` only.
    for chunk in out.chunks_mut(MAX_LANES) {
        let Some(run) = values.get_mut(..chunk.len()) else {
            break;
        };
        mac.truncated_run(step, run);
        for (bit, value) in chunk.iter_mut().zip(run.iter()) {
            // Public: whether this lane is a real step (only at the very end of u64).
            let exists = u8::from(step >= first);
            let hit = format.reduce(*value).ct_eq(&code).unwrap_u8() & exists;
            *bit = b'0'.wrapping_add(hit);
            step = step.wrapping_add(1);
        }
    }
    Ok(())
}

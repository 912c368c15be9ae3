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

#[cfg(test)]
mod tests {
    use alloc::string::ToString;
    use alloc::vec;

    use crate::{Algorithm, Secret, Totp, TotpConfig, VerifyError};

    /// Every length from 0 to 40 (one run of up to sixteen lanes, and more),
    /// on each hash function, near step 0 and at the end of `u64`: a bit is
    /// set exactly where the code is that step's; malformed input writes
    /// nothing.
    #[test]
    fn marks_the_steps_whose_code_it_is() {
        for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
            let totp = Totp::new(
                &Secret::from_bytes(b"12345678901234567890123456789012").unwrap(),
                TotpConfig {
                    algorithm,
                    ..TotpConfig::default()
                },
            );
            for len in 0..=40u64 {
                for first in [0, 1000, u64::MAX - 20] {
                    let mut out = vec![b'x'; len as usize];
                    // The code of the step in the middle of the run (or of `first`).
                    let target = first.wrapping_add(len / 2);
                    let code = totp.generate_step(target).to_string();
                    totp.match_steps(&code, first, &mut out).unwrap();
                    for (i, bit) in out.iter().enumerate() {
                        let step = first.checked_add(i as u64);
                        let expected =
                            step.is_some_and(|s| totp.generate_step(s).to_string() == code);
                        assert_eq!(
                            *bit,
                            if expected { b'1' } else { b'0' },
                            "{algorithm} len {len} first {first} i {i}"
                        );
                    }
                    if len > 0 && first.checked_add(len - 1).is_some() {
                        assert_eq!(out[(len / 2) as usize], b'1');
                    }
                }
            }
            let mut out = [b'x'; 3];
            assert_eq!(
                totp.match_steps("12a456", 0, &mut out),
                Err(VerifyError::Malformed(crate::CodeError::InvalidCharacter))
            );
            assert_eq!(out, [b'x'; 3]);
        }
    }
}

//! Unit tests of the stateful wrapper (the foreign-language suites test it in
//! each runtime).

use std::sync::Arc;

use super::*;
use crate::{Secret, Window};

const AT: u64 = 1_700_000_000;

fn totp() -> Result<Arc<Totp>, OtpError> {
    Ok(Totp::new(Secret::from_bytes(
        b"12345678901234567890".to_vec(),
    )?))
}

fn default_config() -> VerifierConfig {
    VerifierConfig {
        totp_window: Window::default(),
        max_drift: 10,
        hotp_look_ahead: 10,
        hotp_resync_look_ahead: 100,
        totp_resync_window: 10,
        throttle: ThrottlePolicy {
            lockout: 100,
            free_failures: 5,
            base_delay_secs: 1,
            max_delay_secs: 900,
        },
    }
}

#[test]
fn accepts_once_then_replayed() -> Result<(), OtpError> {
    let v = StatefulVerifier::new(default_config())?;
    let totp = totp()?;
    let code = totp.generate_at(AT)?;
    let first = v.verify_totp("alice".into(), Arc::clone(&totp), code.clone(), AT)?;
    assert_eq!(
        first,
        VerifyOutcome::Accepted {
            step: AT / 30,
            offset: 0
        }
    );
    let again = v.verify_totp("alice".into(), Arc::clone(&totp), code, AT + 1)?;
    assert_eq!(again, VerifyOutcome::Replayed);
    assert_eq!(v.state("alice".into())?.last_step, Some(AT / 30));
    let now = totp.generate_now()?;
    assert!(matches!(
        v.verify_totp_now("alice".into(), Arc::clone(&totp), now)?,
        VerifyOutcome::Accepted { offset: -1..=0, .. }
    ));
    Ok(())
}

#[test]
fn rejections_and_throttling_are_outcomes() -> Result<(), OtpError> {
    let mut config = default_config();
    config.throttle = ThrottlePolicy {
        lockout: 3,
        free_failures: 1,
        base_delay_secs: 10,
        max_delay_secs: 60,
    };
    let v = StatefulVerifier::new(config)?;
    let totp = totp()?;
    let wrong = |at| v.verify_totp("bob".into(), Arc::clone(&totp), "000000".into(), at);
    let mismatch = VerifyOutcome::Rejected {
        reason: RejectReason::Mismatch,
    };
    assert_eq!(wrong(AT)?, mismatch);
    assert_eq!(
        wrong(AT)?,
        VerifyOutcome::Throttled {
            retry_after_secs: Some(10)
        }
    );
    assert_eq!(wrong(AT + 10)?, mismatch);
    assert_eq!(wrong(AT + 30)?, mismatch);
    assert_eq!(
        wrong(AT + 1_000)?,
        VerifyOutcome::Throttled {
            retry_after_secs: None
        }
    );
    v.reset("bob".into())?;
    assert_eq!(wrong(AT + 1_000)?, mismatch);
    assert_eq!(
        v.verify_totp("bob".into(), Arc::clone(&totp), "12x456".into(), AT)?,
        VerifyOutcome::Rejected {
            reason: RejectReason::MalformedCode
        }
    );
    Ok(())
}

#[test]
fn bad_ids_and_configs_are_errors() -> Result<(), OtpError> {
    let v = StatefulVerifier::new(default_config())?;
    for id in ["", "a b", "{x}", "é"] {
        assert!(matches!(
            v.verify_totp(id.into(), totp()?, "000000".into(), AT),
            Err(OtpError::InvalidCredentialId(_))
        ));
    }
    let mut config = default_config();
    config.throttle.lockout = 0;
    assert!(matches!(
        StatefulVerifier::new(config),
        Err(OtpError::InvalidConfig(_))
    ));
    config = default_config();
    config.max_drift = 1_001;
    assert!(matches!(
        StatefulVerifier::new(config),
        Err(OtpError::InvalidConfig(_))
    ));
    Ok(())
}

#[test]
fn hotp_counter_moves_forward() -> Result<(), OtpError> {
    let v = StatefulVerifier::new(default_config())?;
    let hotp = crate::Hotp::new(Secret::from_bytes(b"12345678901234567890".to_vec())?);
    let verify = |code: &str| v.verify_hotp("h".into(), Arc::clone(&hotp), code.into(), AT);
    // RFC 4226 Appendix D: counter 2 is "359152".
    assert_eq!(
        verify("359152")?,
        VerifyOutcome::Accepted { step: 2, offset: 2 }
    );
    assert_eq!(verify("359152")?, VerifyOutcome::Replayed);
    assert_eq!(
        v.verify_hotp_now("h".into(), Arc::clone(&hotp), "969429".into())?,
        VerifyOutcome::Accepted { step: 3, offset: 0 }
    );
    // Counter 1 ("287082") is behind the counter now: wrong.
    assert_eq!(
        verify("287082")?,
        VerifyOutcome::Rejected {
            reason: RejectReason::Mismatch
        }
    );
    Ok(())
}

#[test]
fn totp_resync_recentres_the_drift() -> Result<(), OtpError> {
    let v = StatefulVerifier::new(default_config())?;
    let totp = totp()?;
    // A device 6 steps (3 minutes) fast: out of the ±1 window.
    let device = |skew: u64| totp.generate_at(AT + 30 * skew);
    let late = v.verify_totp("dev".into(), Arc::clone(&totp), device(6)?, AT)?;
    assert!(matches!(
        late,
        VerifyOutcome::Rejected {
            reason: RejectReason::Mismatch
        }
    ));
    let m = v.resync_totp("dev".into(), Arc::clone(&totp), device(5)?, device(6)?, AT)?;
    assert_eq!(
        m,
        VerifyOutcome::Accepted {
            step: AT / 30 + 6,
            offset: 6
        }
    );
    assert_eq!(v.state("dev".into())?.drift, 6);
    let next = v.verify_totp("dev".into(), Arc::clone(&totp), device(7)?, AT + 30)?;
    assert!(matches!(next, VerifyOutcome::Accepted { offset: 6, .. }));
    // Not consecutive: a failure.
    let bad = v.resync_totp("dev2".into(), Arc::clone(&totp), device(3)?, device(5)?, AT)?;
    assert!(matches!(
        bad,
        VerifyOutcome::Rejected {
            reason: RejectReason::Mismatch
        }
    ));
    assert_eq!(v.state("dev2".into())?.failures, 1);
    Ok(())
}

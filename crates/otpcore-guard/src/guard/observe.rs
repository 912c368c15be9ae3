//! What a [`Guard`](super::Guard) reports with feature `observe`: a `tracing`
//! span per verification (`otpcore.verify`, fields `kind` and `outcome`) and
//! per store operation (`otpcore.store`, field `op`), and through the
//! `metrics` facade:
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `otpcore_verifications_total` | counter | `kind` (`totp`, `hotp`, `hotp_resync`, `totp_resync`), `outcome` (`accepted`, `rejected`, `replayed`, `throttled`, `unavailable`) |
//! | `otpcore_store_seconds` | histogram | `op` (`attempt`, `begin`, `advance`, `refund`) |
//! | `otpcore_drift_steps` | histogram | `kind`: the accepted match's offset from the expected step |
//!
//! Without the feature every function here is a no-op that the compiler
//! removes.
//!
//! # Security
//! Fields and labels are fixed words and numbers: never a secret, a code, a
//! URI or a credential id (test `tests/observe.rs`, which captures every span
//! field, metric name and label of a full scenario).

use core::future::Future;

use super::outcome::Outcome;

/// The word for an outcome, for the `outcome` field and label.
fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Accepted(_) => "accepted",
        Outcome::Rejected(_) => "rejected",
        Outcome::Replayed => "replayed",
        Outcome::Throttled { .. } => "throttled",
        Outcome::StoreUnavailable(_) => "unavailable",
    }
}

/// Runs one verification of `kind` inside its span, then counts its outcome
/// (and the drift of an accepted one).
#[cfg(feature = "observe")]
pub(super) async fn verification(
    kind: &'static str,
    run: impl Future<Output = Outcome>,
) -> Outcome {
    use tracing::Instrument;
    let span = tracing::info_span!("otpcore.verify", kind, outcome = tracing::field::Empty);
    let outcome = run.instrument(span.clone()).await;
    record(&span, kind, &outcome);
    outcome
}

#[cfg(not(feature = "observe"))]
#[inline(always)]
pub(super) async fn verification(
    _kind: &'static str,
    run: impl Future<Output = Outcome>,
) -> Outcome {
    run.await
}

/// As [`verification`], for the synchronous driver.
#[cfg(feature = "observe")]
pub(super) fn verification_blocking(kind: &'static str, run: impl FnOnce() -> Outcome) -> Outcome {
    let span = tracing::info_span!("otpcore.verify", kind, outcome = tracing::field::Empty);
    let outcome = span.in_scope(run);
    record(&span, kind, &outcome);
    outcome
}

#[cfg(not(feature = "observe"))]
#[inline(always)]
pub(super) fn verification_blocking(_kind: &'static str, run: impl FnOnce() -> Outcome) -> Outcome {
    run()
}

#[cfg(feature = "observe")]
fn record(span: &tracing::Span, kind: &'static str, outcome: &Outcome) {
    let name = outcome_name(outcome);
    span.record("outcome", name);
    metrics::counter!("otpcore_verifications_total", "kind" => kind, "outcome" => name)
        .increment(1);
    if let Outcome::Accepted(m) = outcome {
        // An offset within 2 · MAX_DRIFT + MAX_SPAN steps: exact as f64.
        #[allow(clippy::cast_precision_loss)]
        let drift = m.offset as f64;
        metrics::histogram!("otpcore_drift_steps", "kind" => kind).record(drift);
    }
}

/// Awaits one store operation `op` inside its span, timing it.
#[cfg(feature = "observe")]
pub(super) async fn store_call<T>(op: &'static str, call: impl Future<Output = T>) -> T {
    use tracing::Instrument;
    let start = std::time::Instant::now();
    let result = call
        .instrument(tracing::debug_span!("otpcore.store", op))
        .await;
    metrics::histogram!("otpcore_store_seconds", "op" => op).record(start.elapsed().as_secs_f64());
    result
}

#[cfg(not(feature = "observe"))]
#[inline(always)]
pub(super) async fn store_call<T>(_op: &'static str, call: impl Future<Output = T>) -> T {
    call.await
}

// Only the feature's functions name outcomes.
#[cfg(not(feature = "observe"))]
const _: fn(&Outcome) -> &'static str = outcome_name;

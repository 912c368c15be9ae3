//! Blocking entry points for a [`Guard`] over a [`MemoryStore`]: what synchronous
//! callers and the language bindings use.
//!
//! A verification here holds its credential's shard lock from the throttle check
//! to the compare-and-set, so it costs one lock and one hash lookup, not one per
//! store operation (the async methods, shared with every [`Store`](crate::store::Store),
//! take up to three), and no future. Both drivers pump the same verification
//! (`machine.rs`) and apply the same entry operations (`Entry::{begin, advance,
//! refund, attempt}`, which `MemoryStore`'s `Store` methods call too) under the same shard
//! locks, so they decide alike and can be mixed on one store.

use super::check::{self, Decision};
use super::machine::{Action, Event, Verification};
use super::{observe, Guard, Outcome};
use crate::store::{CredentialId, Entry, MemoryStore, State, StoreError};
use otpcore::{Hotp, Totp};

impl Guard<MemoryStore> {
    /// [`Guard::verify_totp`] without an async runtime.
    pub fn verify_totp_blocking(
        &self,
        credential: &CredentialId,
        totp: &Totp,
        input: &str,
        at: u64,
    ) -> Outcome {
        // Under the lock the state is known first: only its window's codes are
        // computed, and `Candidates::decide` runs on them.
        let check = check::totp_locked(self.config(), totp, input, at);
        let run = || self.run_locked(credential, at, Verification::start(check, at));
        observe::verification_blocking("totp", run)
    }

    /// [`Guard::verify_hotp`] without an async runtime.
    pub fn verify_hotp_blocking(
        &self,
        credential: &CredentialId,
        hotp: &Hotp,
        input: &str,
        at: u64,
    ) -> Outcome {
        let check = check::hotp(self.config(), hotp, input, at);
        let run = || self.run_locked(credential, at, Verification::start(check, at));
        observe::verification_blocking("hotp", run)
    }

    /// [`Guard::resync_hotp`] without an async runtime.
    pub fn resync_hotp_blocking(
        &self,
        credential: &CredentialId,
        hotp: &Hotp,
        first: &str,
        second: &str,
        at: u64,
    ) -> Outcome {
        let check = check::resync(self.config(), hotp, [first, second], at);
        let run = || self.run_locked(credential, at, Verification::start(check, at));
        observe::verification_blocking("hotp_resync", run)
    }

    /// [`Guard::resync_totp`] without an async runtime.
    pub fn resync_totp_blocking(
        &self,
        credential: &CredentialId,
        totp: &Totp,
        first: &str,
        second: &str,
        at: u64,
    ) -> Outcome {
        let check = check::totp_resync(self.config(), totp, [first, second], at);
        let run = || self.run_locked(credential, at, Verification::start(check, at));
        observe::verification_blocking("totp_resync", run)
    }

    /// [`Guard::reset`] without an async runtime.
    ///
    /// # Errors
    /// As [`Guard::reset`].
    pub fn reset_blocking(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.store().reset_now(credential)
    }

    /// [`Guard::remove`] without an async runtime.
    ///
    /// # Errors
    /// As [`Guard::remove`].
    pub fn remove_blocking(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.store().remove_now(credential)
    }

    /// [`Guard::state`] without an async runtime.
    ///
    /// # Errors
    /// As [`Guard::state`].
    pub fn state_blocking(&self, credential: &CredentialId) -> Result<State, StoreError> {
        self.store().load_now(credential)
    }

    /// The synchronous driver: pumps the verification of `machine.rs` on the
    /// credential's entry, all under its shard's lock (one lock, one lookup);
    /// it decides nothing itself. Input errors return before the store is
    /// touched; a poisoned lock fails closed.
    fn run_locked(
        &self,
        credential: &CredentialId,
        at: u64,
        (mut verification, mut action): (Verification<impl FnOnce(State) -> Decision>, Action),
    ) -> Outcome {
        if let Action::Finish(outcome) = action {
            return outcome;
        }
        let policy = &self.config().throttle;
        let pump = |entry: &mut Entry| loop {
            action = verification.on(match action {
                Action::Attempt(candidates) => {
                    let verdict = entry.attempt(&candidates, policy);
                    Event::Attempted(candidates, Ok(verdict))
                }
                Action::Begin { now } => Event::Begun(Ok(entry.begin(now, policy))),
                Action::Advance(advance) => Event::Advanced(Ok(entry.advance(&advance))),
                Action::Refund => {
                    entry.refund();
                    Event::Refunded(Ok(()))
                }
                Action::Finish(outcome) => return outcome,
            });
        };
        self.store()
            .with_entry(credential, at, pump)
            .unwrap_or_else(Outcome::StoreUnavailable)
    }
}

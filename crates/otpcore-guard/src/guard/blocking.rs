//! Blocking entry points for a [`Guard`] over a [`MemoryStore`]: what synchronous
//! callers and the language bindings use.
//!
//! A verification here holds its credential's shard lock from the throttle check
//! to the compare-and-set, so it costs one lock and one hash lookup, not one per
//! store operation (the async methods, shared with every [`Store`](crate::store::Store),
//! take up to three), and no future. Both run the same steps (`check`, and the
//! `opened`/`settle`/`won`/`refunded` decisions) and lock the same shards, so they
//! can be mixed on one store.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use std::sync::Arc;
use std::task::Wake;
use std::thread::{self, Thread};

use super::check::{self, Decision};
use super::{opened, refunded, settle, won, Guard, Outcome, Settle};
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
        self.run_locked(credential, at, check::totp(self.config(), totp, input, at))
    }

    /// [`Guard::verify_hotp`] without an async runtime.
    pub fn verify_hotp_blocking(
        &self,
        credential: &CredentialId,
        hotp: &Hotp,
        input: &str,
        at: u64,
    ) -> Outcome {
        self.run_locked(credential, at, check::hotp(self.config(), hotp, input, at))
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
        self.run_locked(credential, at, check)
    }

    /// [`Guard::reset`] without an async runtime.
    ///
    /// # Errors
    /// As [`Guard::reset`].
    pub fn reset_blocking(&self, credential: &CredentialId) -> Result<(), StoreError> {
        block_on(self.reset(credential))
    }

    /// [`Guard::remove`] without an async runtime.
    ///
    /// # Errors
    /// As [`Guard::remove`].
    pub fn remove_blocking(&self, credential: &CredentialId) -> Result<(), StoreError> {
        block_on(self.remove(credential))
    }

    /// [`Guard::state`] without an async runtime.
    ///
    /// # Errors
    /// As [`Guard::state`].
    pub fn state_blocking(&self, credential: &CredentialId) -> Result<State, StoreError> {
        block_on(self.state(credential))
    }
}

impl Guard<MemoryStore> {
    /// The synchronous driver: [`Guard::run`]'s steps on the credential's entry,
    /// all under its shard's lock; a poisoned lock fails closed.
    fn run_locked(
        &self,
        credential: &CredentialId,
        at: u64,
        check: Result<impl FnOnce(State) -> Decision, Outcome>,
    ) -> Outcome {
        let decide = match check {
            Ok(decide) => decide,
            Err(outcome) => return outcome,
        };
        let policy = &self.config().throttle;
        self.store()
            .with_entry(credential, at, |entry| {
                let state = match opened(Ok(entry.begin(at, policy))) {
                    Ok(state) => state,
                    Err(outcome) => return outcome,
                };
                let refund = |entry: &mut Entry| {
                    entry.refund();
                    refunded(Ok(()))
                };
                match settle(decide(state)) {
                    Settle::Done(outcome) => outcome,
                    Settle::Advance(m, advance) => match won(m, Ok(entry.advance(&advance))) {
                        Some(outcome) => outcome,
                        None => refund(entry),
                    },
                    Settle::Refund => refund(entry),
                }
            })
            .unwrap_or_else(Outcome::StoreUnavailable)
    }
}

/// Wakes the thread that is blocked on a future.
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread. The memory store's futures are
/// ready at once, so the first poll, with a no-op waker, returns; a future that
/// is not ready parks the thread under a waker that unparks it, without spinning.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    if let Poll::Ready(output) = future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        return output;
    }
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

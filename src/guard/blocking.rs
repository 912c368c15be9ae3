//! Blocking entry points for a [`Guard`] over a [`MemoryStore`], whose futures
//! are always ready: what synchronous callers and the language bindings use.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use std::sync::Arc;
use std::task::Wake;
use std::thread::{self, Thread};

use super::{Guard, Outcome};
use crate::store::{CredentialId, MemoryStore, State, StoreError};
use crate::{Hotp, Totp};

impl Guard<MemoryStore> {
    /// [`Guard::verify_totp`] without an async runtime.
    pub fn verify_totp_blocking(
        &self,
        credential: &CredentialId,
        totp: &Totp,
        input: &str,
        at: u64,
    ) -> Outcome {
        block_on(self.verify_totp(credential, totp, input, at))
    }

    /// [`Guard::verify_hotp`] without an async runtime.
    pub fn verify_hotp_blocking(
        &self,
        credential: &CredentialId,
        hotp: &Hotp,
        input: &str,
        at: u64,
    ) -> Outcome {
        block_on(self.verify_hotp(credential, hotp, input, at))
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
        block_on(self.resync_hotp(credential, hotp, first, second, at))
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

/// Wakes the thread that is blocked on a future.
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread. The memory store's futures are
/// ready at once, so this returns after one poll; parking covers any future
/// that is not, without spinning.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

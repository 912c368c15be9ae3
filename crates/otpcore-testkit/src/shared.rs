//! [`Shared`]: one store behind several guards, for the guard scenarios, which
//! build a guard per configuration. A test wrapper, so that `Store` itself
//! needs no blanket `Arc` implementation.

use std::future::Future;
use std::sync::Arc;

use otpcore_guard::store::{
    Advance, Advanced, Candidates, CredentialId, Gate, State, Store, StoreError, Verdict,
};
use otpcore_guard::ThrottlePolicy;

/// A [`Store`] that forwards every call to the store it shares.
pub struct Shared<S>(pub Arc<S>);

impl<S> Clone for Shared<S> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<S: Store> Store for Shared<S> {
    fn begin(
        &self,
        credential: &CredentialId,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Gate, StoreError>> + Send {
        self.0.begin(credential, now, policy)
    }

    fn attempt(
        &self,
        credential: &CredentialId,
        candidates: &Candidates,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Verdict, StoreError>> + Send {
        self.0.attempt(credential, candidates, policy)
    }

    fn advance(
        &self,
        credential: &CredentialId,
        advance: Advance,
    ) -> impl Future<Output = Result<Advanced, StoreError>> + Send {
        self.0.advance(credential, advance)
    }

    fn refund(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.refund(credential)
    }

    fn reset(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.reset(credential)
    }

    fn remove(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.remove(credential)
    }

    fn load(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<State, StoreError>> + Send {
        self.0.load(credential)
    }
}

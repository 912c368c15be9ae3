//! A deliberately broken store (test fixture only): `advance` reads the last
//! step, yields, and then writes — GET then SET, the bug every shared store
//! must avoid. The race test must catch it.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

use otpcore_guard::store::{Advance, Advanced, CredentialId, Gate, State, Store, StoreError};
use otpcore_guard::ThrottlePolicy;

#[derive(Default)]
pub struct GetThenSetStore {
    last: Mutex<HashMap<CredentialId, u64>>,
}

impl GetThenSetStore {
    fn get(&self, c: &CredentialId) -> Option<u64> {
        self.last.lock().unwrap().get(c).copied()
    }
}

impl Store for GetThenSetStore {
    fn begin(
        &self,
        c: &CredentialId,
        _: u64,
        _: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Gate, StoreError>> + Send {
        let state = State {
            last_step: self.get(c),
            drift: 0,
            failures: 0,
        };
        async move { Ok(Gate::Open(state)) }
    }

    async fn advance(&self, c: &CredentialId, a: Advance) -> Result<Advanced, StoreError> {
        // GET …
        let last = self.get(c);
        // … any await point between the read and the write (a network round
        // trip, in a real store) lets other requests read the same value …
        tokio::task::yield_now().await;
        if last.is_some_and(|l| l >= a.step) {
            return Ok(Advanced::Lost);
        }
        // … then SET.
        self.last.lock().unwrap().insert(c.clone(), a.step);
        Ok(Advanced::Won)
    }

    async fn refund(&self, _: &CredentialId) -> Result<(), StoreError> {
        Ok(())
    }

    async fn reset(&self, _: &CredentialId) -> Result<(), StoreError> {
        Ok(())
    }

    fn remove(&self, c: &CredentialId) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.last.lock().unwrap().remove(c);
        async { Ok(()) }
    }

    fn load(&self, c: &CredentialId) -> impl Future<Output = Result<State, StoreError>> + Send {
        let state = State {
            last_step: self.get(c),
            drift: 0,
            failures: 0,
        };
        async move { Ok(state) }
    }
}

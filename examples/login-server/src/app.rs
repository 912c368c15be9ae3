//! The application state: the user table and the [`Guard`] that checks codes.
//!
//! Users live in memory here to keep the example short; in your application
//! they are rows in your database. The guard's state (used steps, failure
//! counts) lives in the store chosen on the command line, shared by every
//! server process.

use std::collections::HashMap;
use std::sync::RwLock;

use otpcore::{Algorithm, KeyUri, Secret, Totp};
use otpcore_guard::store::{CredentialId, Store};
use otpcore_guard::Guard;

/// Shown by authenticator apps above the account name.
pub const ISSUER: &str = "otpcore demo";

/// Everything a request handler needs, shared behind an `Arc`.
pub struct App<S> {
    /// Checks codes: replay refusal, throttling, fail-closed store errors.
    pub guard: Guard<S>,
    /// The user table.
    pub users: Users,
}

impl<S: Store> App<S> {
    pub fn new(guard: Guard<S>) -> Self {
        App {
            guard,
            users: Users::default(),
        }
    }
}

/// One account. The key is an [`otpauth://` URI](KeyUri) whose [`Secret`] is
/// wiped when dropped and printed as `Secret(..)`.
struct User {
    /// Argon2id hash in PHC format (`$argon2id$v=19$…`).
    password_hash: String,
    /// The key being enrolled: shown until its first code is verified.
    pending: Option<KeyUri>,
    /// The enrolled key: two-factor login is on.
    enabled: Option<KeyUri>,
}

/// The user table.
#[derive(Default)]
pub struct Users(RwLock<HashMap<String, User>>);

/// Why a username was refused at sign-up.
pub enum SignUpError {
    Taken,
}

impl Users {
    /// Adds a user; [`SignUpError::Taken`] if the name exists.
    pub fn create(&self, name: &str, password_hash: String) -> Result<(), SignUpError> {
        let mut users = self.0.write().unwrap_or_else(|e| e.into_inner());
        if users.contains_key(name) {
            return Err(SignUpError::Taken);
        }
        let user = User {
            password_hash,
            pending: None,
            enabled: None,
        };
        users.insert(name.to_owned(), user);
        Ok(())
    }

    /// The stored password hash, if the user exists.
    pub fn password_hash(&self, name: &str) -> Option<String> {
        let users = self.0.read().unwrap_or_else(|e| e.into_inner());
        users.get(name).map(|u| u.password_hash.clone())
    }

    /// Whether two-factor login is on for `name`.
    pub fn has_two_factor(&self, name: &str) -> bool {
        let users = self.0.read().unwrap_or_else(|e| e.into_inner());
        users.get(name).is_some_and(|u| u.enabled.is_some())
    }

    /// The code generator of the enrolled key, if two-factor login is on.
    pub fn totp(&self, name: &str) -> Option<Totp> {
        let users = self.0.read().unwrap_or_else(|e| e.into_inner());
        users.get(name)?.enabled.as_ref()?.to_totp()
    }

    /// The key being enrolled, made on first use: a fresh 160-bit secret
    /// (RFC 4226 R6 recommends the hash size) from the OS generator. `None` if
    /// the user does not exist, already has two-factor login, or the OS
    /// generator failed.
    pub fn pending_key(&self, name: &str) -> Option<KeyUri> {
        let mut users = self.0.write().unwrap_or_else(|e| e.into_inner());
        let user = users.get_mut(name).filter(|u| u.enabled.is_none())?;
        if user.pending.is_none() {
            let secret = Secret::generate(Algorithm::Sha1).ok()?;
            user.pending = Some(KeyUri::totp(secret, Some(ISSUER), name).ok()?);
        }
        user.pending.clone()
    }

    /// Turns two-factor login on with the pending key, once its first code
    /// was accepted.
    pub fn enable(&self, name: &str) {
        let mut users = self.0.write().unwrap_or_else(|e| e.into_inner());
        if let Some(user) = users.get_mut(name) {
            if let Some(key) = user.pending.take() {
                user.enabled = Some(key);
            }
        }
    }
}

/// The guard's key for a user's TOTP credential. Usernames are checked at
/// sign-up ([`valid_username`]), so this never fails for a stored user.
pub fn credential(name: &str) -> Option<CredentialId> {
    CredentialId::new(&format!("user:{name}:totp")).ok()
}

/// 3 to 32 of `a-z 0-9 . _ -`: safe in HTML, logs and store keys.
pub fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

//! Sessions and CSRF protection.
//!
//! Sessions are `tower-sessions` records in server memory; the browser holds
//! only a random id in a cookie that is `HttpOnly` (no script can read it) and
//! `SameSite=Strict` (no other site's page can send it). The id is replaced
//! whenever the login state changes (sign-up, password, code), so an id planted
//! before login is worthless after it.
//!
//! CSRF: every form carries a synchronizer token, 32 random bytes kept in the
//! session; a POST whose token does not match the session's, compared in
//! constant time, is refused with 403 before anything else happens.

use axum::http::StatusCode;
use data_encoding::BASE64URL_NOPAD;
use subtle::ConstantTimeEq;
use tower_sessions::cookie::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, MemoryStore, Session, SessionManagerLayer};

use crate::routes::Failure;

/// The logged-in user's name: set only once every factor has passed.
pub const USER: &str = "user";
/// The name of a user who gave the right password and still owes a code.
pub const AWAITING_CODE: &str = "awaiting_code";
const CSRF: &str = "csrf";

/// The session middleware: cookie `id`, `HttpOnly`, `SameSite=Strict`,
/// expiring after 15 minutes without a request.
///
/// `Secure` is off because this demo serves plain HTTP on loopback; behind
/// HTTPS, set `.with_secure(true)` so the cookie never travels unencrypted.
pub fn layer() -> SessionManagerLayer<MemoryStore> {
    SessionManagerLayer::new(MemoryStore::default())
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(false)
        .with_expiry(Expiry::OnInactivity(Duration::minutes(15)))
}

/// The session's CSRF token, made on first use; put it in every form.
///
/// # Errors
/// [`Failure`] (500) if the session store or the OS generator fails.
pub async fn csrf_token(session: &Session) -> Result<String, Failure> {
    if let Some(token) = session.get::<String>(CSRF).await? {
        return Ok(token);
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| Failure::internal("the OS generator failed"))?;
    let token = BASE64URL_NOPAD.encode(&bytes);
    session.insert(CSRF, &token).await?;
    Ok(token)
}

/// Refuses (403) a form whose token is missing or differs from the session's.
///
/// # Errors
/// [`Failure`]: 403 on a mismatch, 500 if the session store fails.
pub async fn check_csrf(session: &Session, submitted: &str) -> Result<(), Failure> {
    let expected = session.get::<String>(CSRF).await?.unwrap_or_default();
    // Constant time: a byte-by-byte early exit would tell an attacker how much
    // of a guessed token is right. Lengths are public (always 43 characters).
    let same = expected.len() == submitted.len()
        && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()));
    if same && !expected.is_empty() {
        Ok(())
    } else {
        tracing::warn!("form refused: missing or wrong CSRF token");
        Err(Failure::new(
            StatusCode::FORBIDDEN,
            "This form has expired. Go back, reload the page and try again.",
        ))
    }
}

/// The logged-in user, if every factor has passed.
///
/// # Errors
/// [`Failure`] (500) if the session store fails.
pub async fn user(session: &Session) -> Result<Option<String>, Failure> {
    Ok(session.get::<String>(USER).await?)
}

/// Logs `name` in (or marks the password as passed, for `key` =
/// [`AWAITING_CODE`]) under a fresh session id.
///
/// # Errors
/// [`Failure`] (500) if the session store fails.
pub async fn promote(session: &Session, key: &str, name: &str) -> Result<(), Failure> {
    session.cycle_id().await?;
    session.remove_value(USER).await?;
    session.remove_value(AWAITING_CODE).await?;
    session.insert(key, name).await?;
    Ok(())
}

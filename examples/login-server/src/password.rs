//! Password hashing with Argon2id (RFC 9106) at the `argon2` crate's default
//! cost (19 MiB, 2 passes: OWASP's minimum), on the blocking thread pool so a
//! hash never stalls the async workers.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use zeroize::Zeroizing;

/// Shortest and longest accepted password (NIST SP 800-63B §3.1.1.2: at least
/// 8; the cap keeps one request from costing unbounded hashing).
pub const LENGTH: std::ops::RangeInclusive<usize> = 8..=128;

/// The PHC string of `password` with a fresh 16-byte salt.
///
/// # Errors
/// A message (never containing the password) if the OS generator or the
/// hasher fails.
pub async fn hash(password: Zeroizing<String>) -> Result<String, String> {
    blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| format!("salt: {e}"))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| format!("salt: {e}"))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| format!("argon2: {e}"))
    })
    .await
}

/// Whether `password` matches `stored`. For an unknown user pass `None`: a
/// dummy hash is checked instead, so the answer takes as long and does not
/// tell which usernames exist.
pub async fn verify(password: Zeroizing<String>, stored: Option<String>) -> bool {
    blocking(move || {
        let dummy = dummy_hash();
        let phc = stored.as_deref().unwrap_or(dummy);
        let matches = PasswordHash::new(phc).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        Ok(matches && stored.is_some())
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password nobody knows, made once.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut random = [0u8; 16];
        let _ = getrandom::fill(&mut random);
        let Ok(salt) = SaltString::encode_b64(&random) else {
            return String::new();
        };
        let hash = Argon2::default().hash_password(&random, &salt);
        hash.map(|h| h.to_string()).unwrap_or_default()
    })
}

async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| format!("hashing task failed: {e}"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let pw = || Zeroizing::new("correct horse battery".to_owned());
        let phc = hash(pw()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(!phc.contains("correct horse"));
        assert!(verify(pw(), Some(phc.clone())).await);
        assert!(!verify(Zeroizing::new("wrong password".into()), Some(phc)).await);
        assert!(!verify(pw(), None).await);
    }
}

//! [`CredentialId`]: the validated key under which a store keeps one credential's state.

use alloc::boxed::Box;
use core::fmt;

/// Identifies one credential (one enrolled TOTP or HOTP secret) in a
/// [`Store`](super::Store): for example `"user:42:totp"`.
///
/// 1 to [`CredentialId::MAX_LEN`] printable ASCII characters (`!` to `~`) other
/// than `{` and `}`. The restriction lets every store use the id verbatim in key
/// names: Redis wraps it in a `{…}` hash tag, which a brace inside would break.
/// A TOTP and an HOTP credential must not share an id.
///
/// The id is not secret: it appears in `Debug` output and in store keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialId(Box<str>);

/// Why a string is not a [`CredentialId`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialIdError {
    /// Empty, or longer than [`CredentialId::MAX_LEN`] bytes.
    Length,
    /// A character outside `!`..=`~`, or a brace.
    InvalidCharacter,
}

impl fmt::Display for CredentialIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialIdError::Length => write!(
                f,
                "credential id must have 1 to {} characters",
                CredentialId::MAX_LEN
            ),
            CredentialIdError::InvalidCharacter => {
                f.write_str("credential id may only contain printable ASCII other than braces")
            }
        }
    }
}

impl std::error::Error for CredentialIdError {}

impl CredentialId {
    /// Longest accepted id, in bytes.
    pub const MAX_LEN: usize = 200;

    /// Checked constructor.
    ///
    /// # Errors
    /// [`CredentialIdError`] for an empty or too long id, whitespace, control or
    /// non-ASCII characters, and braces.
    pub fn new(id: &str) -> Result<Self, CredentialIdError> {
        if id.is_empty() || id.len() > Self::MAX_LEN {
            return Err(CredentialIdError::Length);
        }
        if !id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'{' && b != b'}')
        {
            return Err(CredentialIdError::InvalidCharacter);
        }
        Ok(CredentialId(id.into()))
    }

    /// The id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::str::FromStr for CredentialId {
    type Err = CredentialIdError;

    fn from_str(s: &str) -> Result<Self, CredentialIdError> {
        CredentialId::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert_eq!(
            CredentialId::new("user:42:totp").unwrap().as_str(),
            "user:42:totp"
        );
        assert_eq!(CredentialId::new(""), Err(CredentialIdError::Length));
        let long = "a".repeat(CredentialId::MAX_LEN + 1);
        assert_eq!(CredentialId::new(&long), Err(CredentialIdError::Length));
        assert!(CredentialId::new(&long[1..]).is_ok());
        for bad in ["a b", "a{b", "a}b", "é", "a\nb", "a\0"] {
            assert_eq!(
                CredentialId::new(bad),
                Err(CredentialIdError::InvalidCharacter),
                "{bad:?}"
            );
        }
    }
}

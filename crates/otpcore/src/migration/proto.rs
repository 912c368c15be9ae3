//! Google Authenticator's `MigrationPayload` protobuf messages, declared by hand with
//! `prost`'s derive (no `.proto` file, no build script).
//!
//! ```proto
//! message MigrationPayload {
//!   enum Algorithm { ALGORITHM_UNSPECIFIED = 0; SHA1 = 1; SHA256 = 2; SHA512 = 3; MD5 = 4; }
//!   enum DigitCount { DIGIT_COUNT_UNSPECIFIED = 0; SIX = 1; EIGHT = 2; }
//!   enum OtpType { OTP_TYPE_UNSPECIFIED = 0; HOTP = 1; TOTP = 2; }
//!   message OtpParameters {
//!     bytes secret = 1; string name = 2; string issuer = 3; Algorithm algorithm = 4;
//!     DigitCount digits = 5; OtpType type = 6; int64 counter = 7;
//!   }
//!   repeated OtpParameters otp_parameters = 1;
//!   int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
//! }
//! ```
//!
//! The enums are read as plain `int32` (the same varint on the wire) and mapped
//! in the parent module, so an unknown value is a typed error, not a default.
//!
//! `OtpParameters` implements `prost::Message` by hand for one field: prost's
//! own decoding of a `bytes` field copies it through a temporary `Bytes` that is
//! freed unwiped, so the secret is copied here, once, into its final buffer.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use prost::bytes::{Buf, BufMut};
use prost::encoding::{self, DecodeContext, WireType};
use prost::DecodeError;
use zeroize::Zeroize;

/// The whole export (one QR code of a possibly multi-QR batch).
#[derive(Clone, PartialEq, prost::Message)]
#[prost(skip_debug)]
pub(crate) struct MigrationPayload {
    #[prost(message, repeated, tag = "1")]
    pub otp_parameters: Vec<OtpParameters>,
    #[prost(int32, tag = "2")]
    pub version: i32,
    #[prost(int32, tag = "3")]
    pub batch_size: i32,
    /// `optional`, so that `Some(0)` is written: Google Authenticator writes
    /// the first batch's index 0 explicitly, and so does the export.
    #[prost(int32, optional, tag = "4")]
    pub batch_index: Option<i32>,
    #[prost(int32, tag = "5")]
    pub batch_id: i32,
}

/// One account. The secret is wiped on drop.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct OtpParameters {
    pub secret: Vec<u8>,
    pub name: String,
    pub issuer: String,
    pub algorithm: i32,
    pub digits: i32,
    pub r#type: i32,
    pub counter: i64,
}

/// What `#[derive(prost::Message)]` would generate for the declaration above,
/// except for field 1 (see the module documentation).
impl prost::Message for OtpParameters {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        if !self.secret.is_empty() {
            encoding::bytes::encode(1, &self.secret, buf);
        }
        if !self.name.is_empty() {
            encoding::string::encode(2, &self.name, buf);
        }
        if !self.issuer.is_empty() {
            encoding::string::encode(3, &self.issuer, buf);
        }
        for (tag, value) in [(4, self.algorithm), (5, self.digits), (6, self.r#type)] {
            if value != 0 {
                encoding::int32::encode(tag, &value, buf);
            }
        }
        if self.counter != 0 {
            encoding::int64::encode(7, &self.counter, buf);
        }
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        match tag {
            1 => merge_secret(&mut self.secret, wire_type, buf),
            2 => encoding::string::merge(wire_type, &mut self.name, buf, ctx),
            3 => encoding::string::merge(wire_type, &mut self.issuer, buf, ctx),
            4 => encoding::int32::merge(wire_type, &mut self.algorithm, buf, ctx),
            5 => encoding::int32::merge(wire_type, &mut self.digits, buf, ctx),
            6 => encoding::int32::merge(wire_type, &mut self.r#type, buf, ctx),
            7 => encoding::int64::merge(wire_type, &mut self.counter, buf, ctx),
            _ => encoding::skip_field(wire_type, tag, buf, ctx),
        }
    }

    fn encoded_len(&self) -> usize {
        let mut len = 0usize;
        if !self.secret.is_empty() {
            len = len.saturating_add(encoding::bytes::encoded_len(1, &self.secret));
        }
        for (tag, text) in [(2, &self.name), (3, &self.issuer)] {
            if !text.is_empty() {
                len = len.saturating_add(encoding::string::encoded_len(tag, text));
            }
        }
        for (tag, value) in [(4, self.algorithm), (5, self.digits), (6, self.r#type)] {
            if value != 0 {
                len = len.saturating_add(encoding::int32::encoded_len(tag, &value));
            }
        }
        if self.counter != 0 {
            len = len.saturating_add(encoding::int64::encoded_len(7, &self.counter));
        }
        len
    }

    fn clear(&mut self) {
        // The old value, secret included, is wiped as it drops.
        *self = OtpParameters::default();
    }
}

/// Reads a length-delimited secret straight into a buffer of its exact size,
/// wiping any earlier value (a repeated field: the last one wins).
fn merge_secret(
    secret: &mut Vec<u8>,
    wire_type: WireType,
    buf: &mut impl Buf,
) -> Result<(), DecodeError> {
    encoding::check_wire_type(WireType::LengthDelimited, wire_type)?;
    let len = encoding::decode_varint(buf)?;
    let Some(len) = usize::try_from(len).ok().filter(|&l| l <= buf.remaining()) else {
        // prost offers no public constructor for "buffer underflow"; a varint
        // read from nothing fails with a `DecodeError`, which is all the caller
        // looks at (it becomes `MigrationError::BadPayload`).
        return encoding::decode_varint(&mut &[][..]).and(Ok(()));
    };
    secret.zeroize();
    let mut fresh = alloc::vec![0u8; len];
    buf.copy_to_slice(&mut fresh);
    *secret = fresh;
    Ok(())
}

impl Drop for OtpParameters {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl fmt::Debug for MigrationPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MigrationPayload")
            .field("otp_parameters", &self.otp_parameters)
            .field("version", &self.version)
            .field("batch_size", &self.batch_size)
            .field("batch_index", &self.batch_index)
            .field("batch_id", &self.batch_id)
            .finish()
    }
}

impl fmt::Debug for OtpParameters {
    /// Everything but the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtpParameters")
            .field("secret", &"Secret(..)")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("type", &self.r#type)
            .field("counter", &self.counter)
            .finish()
    }
}

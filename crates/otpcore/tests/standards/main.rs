//! otpcore agrees with the specifications and with independent implementations:
//! RFC 4226 Appendix D and RFC 6238 Appendix B (`testdata/rfc*.json`), Steam
//! Guard codes computed by pyotp (`testdata/steam.json`), the Key URI Format,
//! Google Authenticator exports built with Python's protobuf
//! (`testdata/migration.json`), and QR codes read back by an independent decoder.

mod migration;
mod migration_export;
mod qr;
mod rfc4226;
mod rfc6238;
mod steam;
mod uri;
mod uri_corpus;
mod vectors;

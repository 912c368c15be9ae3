//! Secrets stay secret in what the library prints and in how it is built: no
//! Debug string, Display or error contains a secret or a code (`redaction`), and
//! the only exemptions from the panic-freedom lints and from `deny(unsafe_code)`
//! are the ones SECURITY.md lists (`lint_exemptions`).

mod lint_exemptions;
mod redaction;

//! The languages `cargo xtask bindings` generates, and where each one's bindings go by default.

use std::fmt;

use uniffi::TargetLanguage;

/// A language uniffi generates bindings for, as this project packages and tests it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// The Kotlin sources (package `otpcore`, from `uniffi.toml`); the JVM suite compiles them.
    Kotlin,
    /// A SwiftPM layout: C module, Swift sources and the library (see `swift_package`).
    Swift,
    /// The `otpcore_ffi` module next to a copy of the library it loads.
    Python,
}

impl Language {
    /// The language named `name` on the command line.
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "kotlin" => Ok(Self::Kotlin),
            "swift" => Ok(Self::Swift),
            "python" => Ok(Self::Python),
            _ => Err(format!(
                "unknown language `{name}` (kotlin, swift or python)"
            )),
        }
    }

    /// Where the language's tests read the bindings, relative to the workspace root.
    pub fn default_out(self) -> &'static str {
        match self {
            Self::Kotlin => "bindings/kotlin/target/generated-sources/uniffi",
            Self::Swift => "bindings/swift",
            Self::Python => "bindings/python/generated",
        }
    }

    /// uniffi's name for the language.
    pub fn uniffi(self) -> TargetLanguage {
        match self {
            Self::Kotlin => TargetLanguage::Kotlin,
            Self::Swift => TargetLanguage::Swift,
            Self::Python => TargetLanguage::Python,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Kotlin => "kotlin",
            Self::Swift => "swift",
            Self::Python => "python",
        })
    }
}

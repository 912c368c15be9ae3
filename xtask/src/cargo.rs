//! The cargo side of `cargo xtask bindings`: where the workspace and its target directory
//! are, and building the `otpcore-ffi` library.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::process::Command;

use anyhow::{bail, Context, Result};
use cargo_metadata::camino::Utf8PathBuf;
use cargo_metadata::MetadataCommand;

/// The package whose library the bindings wrap.
const FFI_PACKAGE: &str = "otpcore-ffi";
/// Its `[lib] name`.
const FFI_LIB: &str = "otpcore_ffi";

/// The workspace, as `cargo metadata` sees it.
pub struct Workspace {
    /// The directory of the root `Cargo.toml`.
    pub root: Utf8PathBuf,
    /// `target/`, or wherever `CARGO_TARGET_DIR` or `build.target-dir` put it.
    pub target_dir: Utf8PathBuf,
}

impl Workspace {
    /// Asks `cargo metadata` about the workspace this xtask belongs to.
    pub fn locate() -> Result<Self> {
        let metadata = MetadataCommand::new()
            .cargo_path(cargo())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .no_deps()
            .exec()
            .context("cargo metadata")?;
        Ok(Self {
            root: metadata.workspace_root,
            target_dir: metadata.target_directory,
        })
    }

    /// Runs `cargo build -p otpcore-ffi --profile <profile> [--features <features>]` and
    /// returns the path of the built shared library (`libotpcore_ffi.so`, `.dylib` on
    /// macOS).
    pub fn build_ffi(&self, profile: &str, features: Option<&str>) -> Result<Utf8PathBuf> {
        let mut build = Command::new(cargo());
        build
            .current_dir(&self.root)
            .args(["build", "-p", FFI_PACKAGE, "--profile", profile]);
        if let Some(features) = features {
            build.args(["--features", features]);
        }
        let status = build.status().context("running cargo build")?;
        if !status.success() {
            let features = features.map_or(String::new(), |f| format!(" --features {f}"));
            bail!("cargo build -p {FFI_PACKAGE} --profile {profile}{features} failed ({status})");
        }
        let lib = self
            .target_dir
            .join(profile_dir(profile))
            .join(format!("{DLL_PREFIX}{FFI_LIB}{DLL_SUFFIX}"));
        if !lib.is_file() {
            bail!("cargo build succeeded but {lib} is missing");
        }
        Ok(lib)
    }
}

/// The cargo that runs us (`cargo xtask` sets `CARGO`), or the one on the `PATH`.
fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The directory under the target directory that a profile's artifacts go to.
fn profile_dir(profile: &str) -> &str {
    match profile {
        "dev" | "test" => "debug",
        "bench" => "release",
        custom => custom,
    }
}

#[cfg(test)]
mod tests {
    use super::profile_dir;

    #[test]
    fn built_in_profiles_share_two_directories() {
        assert_eq!(profile_dir("dev"), "debug");
        assert_eq!(profile_dir("test"), "debug");
        assert_eq!(profile_dir("release"), "release");
        assert_eq!(profile_dir("bench"), "release");
        assert_eq!(profile_dir("ci-fast"), "ci-fast");
    }
}

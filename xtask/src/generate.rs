//! `cargo xtask bindings`: build the library, run uniffi's library-mode generator on it
//! into a scratch directory, and install the result where the language wants it.

use std::path;

use anyhow::{Context, Result};
use cargo_metadata::camino::Utf8Path;
use uniffi::GenerateOptions;

use crate::cargo::Workspace;
use crate::language::Language;
use crate::{install, swift_package, Bindings};

/// Builds `otpcore-ffi` with `request.profile` (and `request.features`) and writes `request.language`'s bindings to
/// `request.out` (or the language's default directory).
///
/// # Errors
///
/// When cargo, the generator or a file operation fails; the message says which.
pub fn bindings(request: &Bindings) -> Result<()> {
    let Bindings {
        language,
        profile,
        features,
        out,
    } = request;
    let workspace = Workspace::locate()?;
    // Before changing directory: a relative `--out` is relative to where the caller is.
    let out = match out {
        Some(dir) => path::absolute(dir).with_context(|| format!("--out {}", dir.display()))?,
        None => workspace.root.join(language.default_out()).into(),
    };
    let lib = workspace.build_ffi(profile, features.as_deref())?;

    // uniffi finds each crate's `uniffi.toml` by running `cargo metadata` in the current
    // directory, so that must be the workspace.
    std::env::set_current_dir(&workspace.root).with_context(|| format!("cd {}", workspace.root))?;
    // A fresh directory per run, in the target directory and removed when done: only what
    // this run generated gets installed, never a leftover of an earlier run.
    let scratch = tempfile::Builder::new()
        .prefix("xtask-bindings-")
        .tempdir_in(&workspace.target_dir)
        .context("creating a scratch directory in the target directory")?;
    let generated = Utf8Path::from_path(scratch.path()).context("non-UTF-8 scratch path")?;
    generate(*language, &lib, generated)?;

    match language {
        Language::Kotlin => install::tree(generated.as_std_path(), &out)?,
        Language::Python => {
            // The module loads the library from its own directory.
            install::tree(generated.as_std_path(), &out)?;
            install::file_into(lib.as_std_path(), &out)?;
        }
        Language::Swift => swift_package::write(generated.as_std_path(), lib.as_std_path(), &out)?,
    }
    eprintln!("xtask: {language} bindings from {lib} in {}", out.display());
    Ok(())
}

/// uniffi's `uniffi-bindgen generate --library <lib> --language <language> --no-format`.
fn generate(language: Language, lib: &Utf8Path, out_dir: &Utf8Path) -> Result<()> {
    uniffi::generate(GenerateOptions {
        languages: vec![language.uniffi()],
        source: lib.to_owned(),
        out_dir: out_dir.to_owned(),
        // Every crate's own uniffi.toml (found through cargo metadata), nothing else.
        config_override: None,
        // Formatters (ktlint, swiftformat, yapf) are not prerequisites of the tests.
        format: false,
        crate_filter: None,
        metadata_no_deps: false,
    })
    .with_context(|| format!("generating {language} bindings from {lib}"))
}

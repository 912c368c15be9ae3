//! Putting generated files in place, each only when its content changed: SwiftPM, Maven
//! and pytest then see no change where there is none, and a library a running process
//! has mapped is replaced (renamed over), never rewritten in place.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// Installs every file under `src` at the same relative path under `dest`. Files already
/// in `dest` that `src` does not have are left alone.
pub fn tree(src: &Path, dest: &Path) -> Result<()> {
    for entry in fs::read_dir(src).with_context(|| format!("reading {}", src.display()))? {
        let entry = entry?;
        let target = dest.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            tree(&entry.path(), &target)?;
        } else {
            file(&entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Installs `src` into the directory `dir` under its own name.
pub fn file_into(src: &Path, dir: &Path) -> Result<bool> {
    let name = src.file_name().context("a file name")?;
    file(src, &dir.join(name))
}

/// Installs the file `src` as `dest` (with its permissions) unless `dest` already holds
/// the same bytes; see [`bytes`]. Returns whether it wrote.
pub fn file(src: &Path, dest: &Path) -> Result<bool> {
    let contents = fs::read(src).with_context(|| format!("reading {}", src.display()))?;
    if unchanged(&contents, dest) {
        return Ok(false);
    }
    replace(dest, |partial| fs::copy(src, partial).map(drop))?;
    Ok(true)
}

/// Writes `contents` to `dest` unless it already holds exactly that, creating the parent
/// directories. Returns whether it wrote.
pub fn bytes(contents: &[u8], dest: &Path) -> Result<bool> {
    if unchanged(contents, dest) {
        return Ok(false);
    }
    replace(dest, |partial| fs::write(partial, contents))?;
    Ok(true)
}

fn unchanged(contents: &[u8], dest: &Path) -> bool {
    fs::read(dest).is_ok_and(|old| old == contents)
}

/// Has `write` make the new file next to `dest`, then renames it over `dest`: a reader
/// sees the old file or the new one, never half of one.
fn replace(dest: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) -> Result<()> {
    let dir = dest.parent().context("a parent directory")?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = dest.file_name().context("a file name")?.to_string_lossy();
    let partial = dir.join(format!(".{name}.xtask-partial"));
    write(&partial).with_context(|| format!("writing {}", partial.display()))?;
    fs::rename(&partial, dest).with_context(|| format!("replacing {}", dest.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a/b/module.modulemap");
        assert!(bytes(b"one", &dest).unwrap());
        assert!(!bytes(b"one", &dest).unwrap());
        assert!(bytes(b"two", &dest).unwrap());
        assert_eq!(fs::read(&dest).unwrap(), b"two");
        // No partial file is left behind.
        assert_eq!(fs::read_dir(dest.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn tree_keeps_the_layout_and_leaves_other_files() {
        let src = tempfile::tempdir().unwrap();
        let dest = tempfile::tempdir().unwrap();
        fs::create_dir_all(src.path().join("otpcore")).unwrap();
        fs::write(src.path().join("otpcore/otpcore_ffi.kt"), "k").unwrap();
        fs::write(dest.path().join("keep.txt"), "mine").unwrap();
        tree(src.path(), dest.path()).unwrap();
        assert_eq!(
            fs::read(dest.path().join("otpcore/otpcore_ffi.kt")).unwrap(),
            b"k"
        );
        assert_eq!(fs::read(dest.path().join("keep.txt")).unwrap(), b"mine");
        assert!(!file(
            &src.path().join("otpcore/otpcore_ffi.kt"),
            &dest.path().join("otpcore/otpcore_ffi.kt")
        )
        .unwrap());
    }
}

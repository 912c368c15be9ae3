"""The suite runs against the installed `otpcore` wheel (scripts/test-python.sh builds
it and installs it into a fresh venv); this checks that is what `otpcore_ffi` is."""

import json
import pathlib
import sysconfig

import pytest

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent.parent / "testdata"

try:
    import otpcore_ffi
except ImportError as e:
    raise pytest.UsageError(f"otpcore_ffi is not installed ({e}): run scripts/test-python.sh") from e

_installed = pathlib.Path(otpcore_ffi.__file__).resolve()
if not _installed.is_relative_to(pathlib.Path(sysconfig.get_paths()["platlib"]).resolve()):
    raise pytest.UsageError(f"otpcore_ffi comes from {_installed}, not from an installed wheel")


def load_vectors(name):
    """One of the shared RFC vector files in testdata."""
    return json.loads((DATA / name).read_text())

"""Puts the generated `otpcore_ffi` module (and the cdylib beside it) on the path.

scripts/test-python.sh generates both into bindings/python/generated/ first.
"""

import json
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
GENERATED = HERE / "generated"
DATA = HERE.parent.parent / "testdata"

if not (GENERATED / "otpcore_ffi.py").exists():
    raise pytest.UsageError(
        f"{GENERATED}/otpcore_ffi.py is missing: run scripts/test-python.sh"
    )
sys.path.insert(0, str(GENERATED))


def load_vectors(name):
    """One of the shared RFC vector files in testdata."""
    return json.loads((DATA / name).read_text())

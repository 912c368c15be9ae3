"""The bindings guide's Kotlin, Swift and Python examples are the suites' usage examples.

Each suite runs a block between `--- usage example` and `--- end usage example ---`
markers; bindings/README.md must show exactly those lines (dedented), so the published
examples cannot drift from the tested ones.
"""

import pathlib
import re
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SUITES = {
    "kotlin": ("bindings/kotlin/src/test/kotlin/otpcore/UsageExampleTest.kt", "//"),
    "swift": ("bindings/swift/Tests/OtpcoreTests/UsageExampleTests.swift", "//"),
    "python": ("bindings/python/test_usage_example.py", "#"),
}


def marked_block(path, comment):
    lines = (ROOT / path).read_text().splitlines()
    starts = [i for i, l in enumerate(lines) if l.strip().startswith(f"{comment} --- usage example")]
    ends = [i for i, l in enumerate(lines) if l.strip() == f"{comment} --- end usage example ---"]
    assert len(starts) == 1 and len(ends) == 1 and starts[0] < ends[0], f"one marked block in {path}"
    return textwrap.dedent("\n".join(lines[starts[0] + 1 : ends[0]])).strip("\n")


def readme_block(language):
    body = (ROOT / "bindings" / "README.md").read_text()
    # The first fenced block of that language in the guide is the example.
    found = re.search(rf"^```{language}\n(.*?)^```$", body, re.S | re.M)
    assert found, f"bindings/README.md has a {language} block"
    return found.group(1).strip("\n")


@pytest.mark.parametrize("language", sorted(SUITES))
def test_readme_example_is_the_tested_one(language):
    path, comment = SUITES[language]
    tested = marked_block(path, comment)
    assert len(tested.splitlines()) > 5
    assert readme_block(language) == tested, f"bindings/README.md's {language} example differs from {path}"

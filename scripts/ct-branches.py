#!/usr/bin/env python3
"""No conditional branch between a verification's kernel and its return.

A verification's result must be built without a branch on it (SECURITY.md,
"Constant time"), and `Scan::finish` gets there through the optimiser: it
writes both outcomes through selected pointers and relies on the compiler
merging them into conditional moves (`crates/otpcore/src/scan.rs`). A compiler
upgrade or a change to the inlining around it can turn that back into a branch
on the outcome; this check reads the machine code of a release build and fails
if one appears.

For every call to a window kernel (`accel::shani::window`,
`accel::shani256::window`, `accel::backend::window_through_lanes`: every
verification window of one to three candidates, on every backend) from a
verification function (any function of otpcore's `scan` and `batch` modules,
and `Totp`/`Hotp`/`Steam` `verify*`, wherever the scan is inlined), it follows the instructions after the call, taking every
unconditional jump, to the `ret`, and fails on any conditional jump or call on
the way. Those paths hold the reductions, the comparisons, the fold and the
`Result`'s stores: nothing on them may branch, even on public data (the public
choices — window, format, backend — are all made before the kernel).

Not covered here (dudect covers them, `scripts/ct-smoke.sh`): windows of more
than three candidates (the fold runs in a loop over runs, whose public loop
branches this walk cannot tell from others), resynchronisation (a loop over
pairs) and the batch fold.

The check must be able to fail: it also walks `ct_verify::leaky::verify_at`
(the early-exit verifier the dudect harness keeps as a positive control) from
its call to `Totp::generate_step`, and stops with an error unless it finds a
conditional jump there.

    scripts/ct-branches.py target/release/ct_verify

x86-64 ELF binaries only (objdump from binutils); run by scripts/test-security.sh.
"""

import re
import subprocess
import sys

KERNELS = re.compile(
    r"^otpcore::accel::(shani::window|shani256::window|backend::window_through_lanes)$"
)
VERIFIERS = re.compile(
    r"^otpcore::(scan::\w+|batch::\w+|totp::Totp::verify\w*|hotp::Hotp::verify\w*|steam::Steam::verify\w*)$"
)
# Resynchronisation loops over pairs of windows: see the docstring.
LOOPS = re.compile(r"verify_consecutive$")
CONTROL = ("ct_verify::leaky::verify_at", "otpcore::totp::Totp::generate_step")


def objdump(*args):
    return subprocess.run(
        ["objdump", *args], capture_output=True, text=True, check=True
    ).stdout


def read(binary):
    """Functions by name (address, mnemonic, operands), names by address, and
    the targets of `R_X86_64_RELATIVE` slots (calls through the GOT)."""
    slots = {}
    for line in objdump("-R", binary).splitlines():
        m = re.match(r"^([0-9a-f]+) R_X86_64_RELATIVE\s+\*ABS\*\+0x([0-9a-f]+)", line)
        if m:
            slots[int(m.group(1), 16)] = int(m.group(2), 16)
    functions, names, current = {}, {}, None
    for line in objdump("-d", "--no-show-raw-insn", "-C", binary).splitlines():
        m = re.match(r"^([0-9a-f]+) <(.*)>:$", line)
        if m:
            current = []
            names[int(m.group(1), 16)] = m.group(2)
            functions.setdefault(m.group(2), []).append(current)
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if m and current is not None:
            current.append((int(m.group(1), 16), m.group(2), m.group(3)))
    return functions, names, slots


def target(operands, slots):
    """The address a `call`/`jmp` goes to, if the disassembly says."""
    through = re.search(r"# ([0-9a-f]+) <", operands)
    if operands.startswith("*") and through:
        return slots.get(int(through.group(1), 16))
    direct = re.match(r"([0-9a-f]+) <", operands)
    return int(direct.group(1), 16) if direct else None


def walk(body, start, slots):
    """From instruction `start` to `ret`, following unconditional jumps inside
    the function: the conditional jumps and calls met on the way."""
    at = {address: i for i, (address, _, _) in enumerate(body)}
    found, seen, i = [], set(), start
    while i < len(body) and i not in seen:
        seen.add(i)
        address, mnemonic, operands = body[i]
        if mnemonic.startswith("ret"):
            return found
        if mnemonic == "jmp":
            to = target(operands, slots)
            if to in at:
                i = at[to]
                continue
            return found + [f"{address:x}: jmp {operands} (leaves the function)"]
        if mnemonic.startswith("j") or mnemonic.startswith("call"):
            found.append(f"{address:x}: {mnemonic} {operands}")
        i += 1
    return found + ["(no ret reached)"]


def calls(body, names, slots, callee):
    """Indices of the calls in `body` whose target's name matches `callee`."""
    for i, (_, mnemonic, operands) in enumerate(body):
        if mnemonic.startswith("call"):
            name = names.get(target(operands, slots))
            if name and callee(name):
                yield i, name


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    functions, names, slots = read(sys.argv[1])

    # (function, branch) -> the kernels whose calls reach it.
    checked, failures, kinds = 0, {}, set()
    for name, copies in functions.items():
        if not VERIFIERS.match(name) or LOOPS.search(name):
            continue
        for body in copies:
            for i, kernel in calls(body, names, slots, KERNELS.match):
                checked += 1
                kinds.add(kernel)
                for branch in walk(body, i + 1, slots):
                    failures.setdefault((name, branch), set()).add(kernel)

    control, callee = CONTROL
    seen_branch = any(
        walk(body, i + 1, slots)
        for body in functions.get(control, [])
        for i, _ in calls(body, names, slots, lambda n: n == callee)
    )

    if not seen_branch:
        sys.exit(
            f"ct-branches: the check cannot see the early exit of {control} "
            f"after {callee}: it would not see one in otpcore either"
        )
    if len(kinds) < 3:
        sys.exit(
            f"ct-branches: found calls to {sorted(kinds)} only; expected all three "
            "window kernels (renamed? update KERNELS/VERIFIERS)"
        )
    if failures:
        print("ct-branches: a branch between a verification's kernel and its return:")
        for (name, branch), reached_from in sorted(failures.items()):
            kernels = ", ".join("::".join(k.split("::")[-2:]) for k in sorted(reached_from))
            print(f"  {name}: {branch} (after {kernels})")
        sys.exit(1)
    print(
        f"ct-branches: {checked} kernel calls in verification functions, no branch "
        f"from any of them to the return; the control ({control}) branches"
    )


if __name__ == "__main__":
    main()

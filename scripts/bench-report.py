#!/usr/bin/env python3
"""Turn one criterion run of `cargo bench --bench otp` into the README's
Performance tables and the chart docs/perf.svg.

    cargo bench --bench otp                 # one run, quiet machine
    scripts/bench-report.py                 # print the tables (Markdown)
    scripts/bench-report.py --write         # also rewrite README.md and docs/perf.svg

Reads target/criterion/**/new/{benchmark,estimates}.json (the last run of each id)
and refuses to mix runs: every file must come from within one hour. Uses only the
Python standard library.
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRITERION = os.path.join(ROOT, "target", "criterion")
README = os.path.join(ROOT, "README.md")
SVG = os.path.join(ROOT, "docs", "perf.svg")
START, END = "<!-- perf:start -->", "<!-- perf:end -->"

PEERS = ["otpcore", "floor", "totp-rs", "libreauth", "totp-lite"]
JOBS = [
    ("generate/sha1", "generate"),
    ("verify/sha1/window=3/ok", "verify ±1, right code"),
    ("verify/sha1/window=3/wrong", "verify ±1, wrong code"),
]


def load():
    """{full_id: (ns per iteration, mtime)} from criterion's latest estimates."""
    out = {}
    for bench in glob.glob(os.path.join(CRITERION, "**", "new", "benchmark.json"), recursive=True):
        est = os.path.join(os.path.dirname(bench), "estimates.json")
        if not os.path.exists(est):
            continue
        with open(bench) as f:
            full_id = json.load(f)["full_id"]
        with open(est) as f:
            e = json.load(f)
        # What criterion prints as "time": the slope when it fitted one, else the mean.
        value = (e.get("slope") or e["mean"])["point_estimate"]
        out[full_id] = (value, os.path.getmtime(est))
    return out


def machine():
    model = platform.processor() or "unknown CPU"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        m = re.search(r"Model name:\s*(.+)", lscpu)
        if m:
            model = m.group(1).strip()
    except OSError:
        pass
    family = cpu_model = None
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
        family = re.search(r"cpu family\s*:\s*(\d+)", info)
        cpu_model = re.search(r"^model\s*:\s*(\d+)", info, re.M)
    except OSError:
        pass
    if family and cpu_model:
        model += f" (family {family.group(1)}, model {cpu_model.group(1)})"
    cores = os.cpu_count()
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{model}, {cores} cores; {rustc}"


def ns(v):
    if v >= 10_000:
        return f"{v / 1000:,.1f} µs"
    return f"{v:,.0f} ns" if v >= 100 else f"{v:.1f} ns"


def tables(data):
    def get(i):
        return data[i][0] if i in data else None

    lines = []
    # Ratios are times divided by the floor's / totp-rs's time for the same job:
    # below 1 is faster.
    lines.append("| job (SHA-1, 6 digits) | implementation | time | × floor | × totp-rs |")
    lines.append("|---|---|---:|---:|---:|")
    for job, label in JOBS:
        floor = get(f"peers/{job}/floor")
        totp_rs = get(f"peers/{job}/totp-rs")
        for who in PEERS:
            v = get(f"peers/{job}/{who}")
            if v is None:
                continue
            name = "**otpcore**" if who == "otpcore" else who
            if who == "floor":
                name = "floor (2 raw compressions per code)"
            rf = f"{v / floor:.2f}" if floor else ""
            rt = f"{v / totp_rs:.2f}" if totp_rs else ""
            lines.append(f"| {label} | {name} | {ns(v)} | {rf} | {rt} |")
    lines.append("")

    lines.append("| verify, wrong code | 1 step | ±1 | ±2 | ±5 | ±10 | generate |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for alg in ["sha1", "sha256", "sha512"]:
        row = [get(f"totp/verify/{alg}/window={w}/wrong") for w in (1, 3, 5, 11, 21)]
        row.append(get(f"totp/generate/{alg}/digits=6"))
        if all(v is None for v in row):
            continue
        cells = " | ".join(ns(v) if v is not None else "" for v in row)
        lines.append(f"| {alg.upper().replace('SHA', 'SHA-')} | {cells} |")
    lines.append("")

    lines.append("| stateful verify ±1 (`Guard` + `MemoryStore`) | right code | wrong code | plain `verify_at`, wrong |")
    lines.append("|---|---:|---:|---:|")
    for alg in ["sha1", "sha256", "sha512"]:
        ok = get(f"store/verify/memory/{alg}/window=3/ok")
        wrong = get(f"store/verify/memory/{alg}/window=3/wrong")
        plain = get(f"totp/verify/{alg}/window=3/wrong")
        if ok is None or wrong is None:
            continue
        cells = " | ".join(ns(v) if v is not None else "" for v in (ok, wrong, plain))
        lines.append(f"| {alg.upper().replace('SHA', 'SHA-')} | {cells} |")
    lines.append("")

    lines.append("| batch (per code) | n | one call each | batch API | speed-up | batch codes/s |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for alg in ["sha1", "sha256", "sha512"]:
        for job, label in [("generate", "generate"), ("verify/{}/window=3", "verify ±1")]:
            for n, count in [("1", 1), ("2", 2), ("4", 4), ("8", 8), ("16", 16), ("10k", 10000)]:
                base = f"batch/{job.format(alg) if '{}' in job else job + '/' + alg}"
                # The rows on the process's measured plan (`/plan`).
                scalar = get(f"{base}/scalar/n={n}/plan")
                batch = get(f"{base}/batch/n={n}/plan")
                if scalar is None or batch is None:
                    continue
                per_s, per_b = scalar / count, batch / count
                name = f"{label} {alg.upper().replace('SHA', 'SHA-')}"
                lines.append(
                    f"| {name} | {n} | {ns(per_s)} | {ns(per_b)} | {scalar / batch:.2f}× "
                    f"| {1e3 / per_b:.1f} M |"
                )
    return "\n".join(lines)


def svg(data):
    """A horizontal bar chart of the peers table. Linear scale, cut at 1.15x the
    slowest bar that is not libreauth's: longer bars end in a break mark and
    carry their true value."""
    rows = []
    for job, label in JOBS:
        for who in PEERS:
            i = f"peers/{job}/{who}"
            if i in data:
                rows.append((label, who, data[i][0]))
    if not rows:
        return None
    width, left, bar_h, gap, top = 860, 130, 18, 5, 44
    others = [v for _, who, v in rows if who != "libreauth"] or [v for _, _, v in rows]
    vmax = max(others) * 1.15
    plot = width - left - 110
    scale = plot / vmax
    colors = {"otpcore": "#1f77b4", "floor": "#8c8c8c", "totp-rs": "#ff7f0e",
              "libreauth": "#2ca02c", "totp-lite": "#9467bd"}
    parts = []
    y = top
    # Grid lines every 100 ns.
    grid_top = y
    last = None
    body = []
    for label, who, v in rows:
        if label != last:
            y += 14
            body.append(f'<text x="8" y="{y + 4}" font-weight="bold">{label}</text>')
            y += 10
            last = label
        w = min(v, vmax) * scale
        body.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{who}</text>')
        body.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{colors.get(who, "#333")}"/>')
        if v > vmax:
            x = left + w
            body.append(f'<path d="M{x - 14:.1f},{y - 1} l6,{bar_h + 2} M{x - 8:.1f},{y - 1} '
                        f'l6,{bar_h + 2}" stroke="white" stroke-width="3"/>')
        body.append(f'<text x="{left + w + 6:.1f}" y="{y + 13}">{ns(v)}</text>')
        y += bar_h + gap
    step = 100 if vmax > 300 else 50
    tick = step
    while tick < vmax:
        x = left + tick * scale
        parts.append(f'<line x1="{x:.1f}" y1="{grid_top}" x2="{x:.1f}" y2="{y}" stroke="#e4e4e4"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 14}" text-anchor="middle" fill="#666" '
                     f'font-size="11">{tick} ns</text>')
        tick += step
    height = y + 26
    title = "TOTP, SHA-1, 6 digits: time per call, lower is better (one criterion run)"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="13">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n'
        f'<text x="8" y="24" font-size="15" font-weight="bold">{title}</text>\n'
        + "\n".join(parts + body) + "\n</svg>\n"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="rewrite README.md's section and docs/perf.svg")
    args = ap.parse_args()

    data = load()
    if not data:
        sys.exit("no criterion results: run `cargo bench --bench otp` first")
    times = [t for _, t in data.values()]
    if max(times) - min(times) > 3600:
        sys.exit("target/criterion mixes runs more than an hour apart: run the whole bench once")
    when = datetime.datetime.fromtimestamp(max(times)).strftime("%Y-%m-%d")
    body = f"Measured {when} on {machine()}, one `cargo bench --bench otp` run.\n\n" + tables(data)
    print(body)
    if args.write:
        chart = svg(data)
        if chart:
            os.makedirs(os.path.dirname(SVG), exist_ok=True)
            with open(SVG, "w") as f:
                f.write(chart)
        with open(README) as f:
            readme = f.read()
        if START not in readme or END not in readme:
            sys.exit(f"README.md has no {START} … {END} section")
        head, rest = readme.split(START, 1)
        _, tail = rest.split(END, 1)
        with open(README, "w") as f:
            f.write(head + START + "\n" + body + "\n" + END + tail)


if __name__ == "__main__":
    main()

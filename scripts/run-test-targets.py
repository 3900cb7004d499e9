#!/usr/bin/env python3
"""Runs each test target in its own `swift test` process, one after another, and fails when a
target ran no test at all, or (with --no-skips) when any test or suite was skipped.

    scripts/run-test-targets.py [--no-skips] [--swift SWIFT] TARGET...

`make test` passes --no-skips: it runs under scripts/with-postgres.sh, so the PostgreSQL suites
(store contract on PostgreSQL, PostgresStoreTests, scale-out) must run, not be skipped quietly.
Output is streamed as it comes and summarised per target at the end. Only the standard library.
"""
import argparse
import re
import subprocess
import sys
import time

# Swift Testing's closing line: "✔ Test run with 16 tests in 2 suites passed after 1.2 seconds."
RUN_LINE = re.compile(r"Test run with (\d+) tests? (?:in \d+ suites? )?(passed|failed)")
# A skipped test or suite: "➜ Test foo() skipped: "reason"" / "➜ Suite Foo skipped: …".
SKIP_LINE = re.compile(r"\b(Test|Suite) (.+?) skipped(?:: (.*))?$")
# XCTest's closing line, should a target use it: "Executed 12 tests, with 0 failures".
XCTEST_LINE = re.compile(r"Executed (\d+) tests?, with (\d+) failures?")


def run_target(swift: str, target: str) -> dict:
    started = time.monotonic()
    process = subprocess.Popen([swift, "test", "--skip-build", "--filter", f"^{target}\\."],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    ran = None
    xctest = 0
    skipped = []
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if m := RUN_LINE.search(line):
            ran = int(m.group(1))
        elif m := SKIP_LINE.search(line.strip()):
            skipped.append(f"{m.group(1).lower()} {m.group(2)}" + (f" ({m.group(3)})" if m.group(3) else ""))
        elif m := XCTEST_LINE.search(line):
            xctest += int(m.group(1))
    status = process.wait()
    # Swift Testing counts skipped tests in its total; a skipped suite's tests are listed one by one.
    skipped_tests = sum(1 for s in skipped if s.startswith("test "))
    return {"target": target, "status": status, "ran": (ran or 0) - skipped_tests + xctest, "reported": ran is not None or xctest > 0,
            "skipped": skipped, "seconds": time.monotonic() - started}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-skips", action="store_true", help="fail when any test or suite is skipped")
    parser.add_argument("--swift", default="swift")
    parser.add_argument("targets", nargs="+")
    args = parser.parse_args()
    results = []
    for target in args.targets:
        print(f"== {target}", flush=True)
        results.append(run_target(args.swift, target))
    problems = []
    print("== test targets")
    for r in results:
        print(f"   {r['target']}: {r['ran']} tests run, {len(r['skipped'])} skipped, exit {r['status']}, {r['seconds']:.0f} s")
        if r["status"] != 0:
            problems.append(f"{r['target']}: swift test exited {r['status']}")
        if not r["reported"]:
            problems.append(f"{r['target']}: no test-run summary in the output (did the test binary crash?)")
        elif r["ran"] <= 0:
            problems.append(f"{r['target']}: no test ran")
        if args.no_skips:
            problems += [f"{r['target']}: skipped {s}" for s in r["skipped"]]
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Builds the request-parser fuzzer (libFuzzer + AddressSanitizer) and runs it for SECONDS (default 60),
# or for RUNS executions when RUNS is set (RUNS=10000000 bash Fuzz/run.sh).
# Exits non-zero if the fuzzer finds a crash, a sanitizer report or a split-dependence bug.
set -euo pipefail
seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../Sources/DescentHTTP"
out="$here/out"
mkdir -p "$out" "$here/corpus-run"
cp -n "$here"/corpus/* "$here/corpus-run/" 2>/dev/null || true
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name DescentHTTPFuzz \
  "$src/RequestParser.swift" "$src/RequestLineCheck.swift" "$src/HeaderSyntax.swift" "$src/TextUtilities.swift" \
  "$src/HTTPMethod.swift" "$src/HTTPHeaders.swift" "$src/QueryParameters.swift" "$src/HTTPRequest.swift" \
  "$src/HTTPResponse.swift" "$src/HTTPMiddleware.swift" "$src/HTTPResponder.swift" "$src/ErrorResponse.swift" "$src/EventStream.swift" "$here/ParserFuzz.swift" -o "$out/parser-fuzz"
if [ -n "${RUNS:-}" ]; then stop=(-runs="$RUNS"); else stop=(-max_total_time="$seconds"); fi
"$out/parser-fuzz" "${stop[@]}" -max_len=8192 -print_final_stats=1 \
  -artifact_prefix="$out/" "$here/corpus-run" 2>&1 | tail -n 25

#!/usr/bin/env bash
# Browser test of the dashboard: starts `descent serve` on a free port with an empty data dir,
# runs a lecture preset, loads every page in headless Chromium and checks that the plots rendered
# with data (SVG paths with points) and that the page reported no JavaScript errors. Then drives the
# pages over the DevTools protocol (scripts/browser-interactions.js: tick labels against the fixture
# the Swift tests share, leaving pages while they load or poll, the new-experiment form, the list's
# filters). Saves one screenshot per page into docs/screenshots/. Exits non-zero on any failure.
#
# Environment: DESCENT_BIN (prebuilt binary; otherwise `swift build`), SCRATCH (build scratch path),
# SCREENSHOTS (output folder, default docs/screenshots), BUDGET_MS (virtual time per page, default 15000).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    echo "installing chromium" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

SCRATCH_ARGS=()
[ -n "${SCRATCH:-}" ] && SCRATCH_ARGS=(--scratch-path "$SCRATCH")
BIN="${DESCENT_BIN:-}"
if [ -z "$BIN" ]; then
    swift build --product descent "${SCRATCH_ARGS[@]}" >&2
    BIN="$(swift build --show-bin-path "${SCRATCH_ARGS[@]}")/descent"
fi
SHOTS="${SCREENSHOTS:-docs/screenshots}"
BUDGET="${BUDGET_MS:-15000}"
mkdir -p "$SHOTS"

DATA="$(mktemp -d)"; WORK="$(mktemp -d)"
"$BIN" serve --port 0 --data-dir "$DATA" >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
CHROME=""
cleanup() {
    [ -z "$CHROME" ] || { kill "$CHROME" 2>/dev/null || true; wait "$CHROME" 2>/dev/null || true; }
    kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA" "$WORK"
}
trap cleanup EXIT

URL=""
for _ in $(seq 1 100); do
    URL="$(sed -n 's/^descent listening on //p' "$WORK/serve.out")"
    [ -n "$URL" ] && break
    sleep 0.1
done
[ -n "$URL" ] || { echo "FAIL: server did not start"; cat "$WORK/serve.err"; exit 1; }
echo "server at $URL"

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1; }

# A study of four optimizers on the same 2-D objective (paths on one contour) and a dataset run (epochs).
STUDY="$(curl -fsS -X POST "$URL/v1/presets/momentum/run" | sed -n 's/.*"id":"\(std_[^"]*\)".*/\1/p')"
DATASET_EXP="$(curl -fsS -X POST "$URL/v1/experiments" -H 'Content-Type: application/json' --data-binary @examples/warmup-cosine.json | json_field id)"
# A run recording its sharpness (analysis.sharpness_every): the edge-of-stability preset's spec, shortened.
# It records its parameters too, for the landscape cards (PCA plane and line) of a run of 49 parameters.
SHARP_EXP="$(sed 's/"steps": 1000/"steps": 200/; s/"record_params": false/"record_params": true/' examples/edge-of-stability.json | \
    curl -fsS -X POST "$URL/v1/experiments" -H 'Content-Type: application/json' --data-binary @- | json_field id)"
# A comparison (three optimizers tuned on two noisy problems, each best confirmed on three seeds) for the study page.
COMPARISON="$(curl -fsS -X POST "$URL/v1/studies" -H 'Content-Type: application/json' -d '{"name":"tuned","compare":{
    "optimizers":[{"type":"sgd"},{"label":"momentum","optimizer":{"type":"sgd","momentum":0.9}},{"type":"adam"}],
    "problems":[{"label":"quadratic","spec":{"objective":{"type":"ill_conditioned","dimension":2,"kappa":100},"start":[1,1],"steps":200,"transforms":[{"type":"gradient_noise","eta":0.01}]}},
                {"label":"rosenbrock","spec":{"objective":{"type":"rosenbrock"},"start":[-1.2,1],"steps":1000,"transforms":[{"type":"gradient_noise","eta":0.01}]}}]},
    "search":{"space":{"optimizer.lr":{"type":"log_uniform","low":1e-4,"high":0.1}},"sampler":"random","trials":8,"max_concurrent":4,"seed":1},"confirm":3,"loss_target":1e-3}' \
    | sed -n 's/.*"id":"\(std_[^"]*\)".*/\1/p' | head -n 1)"
[ -n "$STUDY" ] && [ -n "$DATASET_EXP" ] && [ -n "$SHARP_EXP" ] && [ -n "$COMPARISON" ] || { echo "FAIL: could not submit presets"; exit 1; }
for _ in $(seq 1 600); do
    curl -fsS "$URL/v1/studies/$COMPARISON" | grep -q '"status":"finished"' && \
    curl -fsS "$URL/v1/studies/$STUDY" | grep -q '"status":"finished"' && \
        curl -fsS "$URL/v1/experiments/$DATASET_EXP" | grep -q '"status":"succeeded"' && \
        curl -fsS "$URL/v1/experiments/$SHARP_EXP" | grep -q '"status":"succeeded"' && break
    sleep 0.1
done
EXP="$(curl -fsS "$URL/v1/studies/$STUDY" | sed -n 's/.*"experiments":\[{[^}]*"id":"\(exp_[^"]*\)".*/\1/p')"
[ -n "$EXP" ] || { echo "FAIL: study has no experiments"; exit 1; }

chrome() { chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget="$BUDGET" "$@"; }

# Longest SVG series path in a DOM dump, counted in points (M/L commands).
max_points() { { grep -o 'class="series"[^>]* d="[^"]*"' "$1" || true; } | awk '{ n = gsub(/[ML]/, "&"); if (n > m) m = n } END { print m + 0 }'; }

# check NAME HASH MIN_POINTS [required substring]
check() {
    local name="$1" hash="$2" min="$3" needle="${4:-}" dom="$WORK/$1.html"
    chrome --window-size=1280,800 --dump-dom "$URL/$hash" >"$dom" 2>"$WORK/$name.log" || fail "$name: chromium exited non-zero"
    grep -q 'data-page-ready=' "$dom" || fail "$name: page did not finish rendering"
    grep -q 'data-js-errors="0"' "$dom" || fail "$name: JavaScript errors: $(sed -n 's/.*<pre id="errors"[^>]*>\([^<]*\).*/\1/p' "$dom")"
    local pts; pts="$(max_points "$dom")"
    [ "$pts" -ge "$min" ] || fail "$name: longest plotted series has $pts points, want >= $min"
    [ -z "$needle" ] || grep -q "$needle" "$dom" || fail "$name: missing '$needle'"
    chrome --window-size=1280,800 --screenshot="$SHOTS/$name.png" "$URL/$hash" >/dev/null 2>&1 || fail "$name: screenshot failed"
    echo "ok   $name: series with $pts points"
}

check experiments "#/experiments" 10 'class="spark"'
check experiment "#/experiments/$EXP" 50 'class="contour"'
check dataset-run "#/experiments/$DATASET_EXP" 50 'train vs validation loss per epoch'
check sharpness-run "#/experiments/$SHARP_EXP" 10 'sharpness (λmax) vs 2/η'
grep -q "loss on the path's top two principal directions" "$WORK/sharpness-run.html" || fail "sharpness-run: no PCA landscape"
grep -q 'L((1 − α)·θ₀ + α·θ_end)' "$WORK/sharpness-run.html" || fail "sharpness-run: no line landscape"
# The landscape page: the run's PCA plane with its path, a filter-normalised random plane and an eigenvector plane
# (heat maps under contours), the line from its start to its end, and the line between two runs of the momentum study.
check landscape "#/landscape?experiment=$SHARP_EXP&kind=pca&resolution=21" 41 'class="heat"'
grep -q 'explained variance' "$WORK/landscape.html" || fail "landscape: no explained variance"
check landscape-random "#/landscape?experiment=$SHARP_EXP&kind=random&resolution=15&seed=3" 0 'filter-normalised for MLPs (seed 3)'
[ "$(grep -o 'class="cell"' "$WORK/landscape-random.html" | wc -l)" -eq 225 ] || fail "landscape-random: the heat map is not 15×15 cells"
check landscape-eigenvectors "#/landscape?experiment=$SHARP_EXP&kind=eigenvectors&resolution=11" 0 'the top two eigenvectors, λ ='
check landscape-line "#/landscape?experiment=$SHARP_EXP&kind=line" 31 'loss against α'
OTHER="$(curl -fsS "$URL/v1/studies/$STUDY" | grep -o '"id":"exp_[^"]*"' | sed -n '2s/"id":"\(.*\)"/\1/p')"
[ -n "$OTHER" ] && [ "$OTHER" != "$EXP" ] || fail "landscape: the momentum study has no second experiment"
check landscape-two "#/landscape?experiment=$EXP&other=$OTHER&kind=line&resolution=41" 41 'loss against α'
grep -q "θ(.*) + α·θ(" "$WORK/landscape-two.html" || fail "landscape-two: the line is not between the two runs"
check compare "#/compare?study=$STUDY" 50 'parameter paths'
# Legends name each run as the study does (here by its experiment's name), not by the optimizer's JSON.
grep -q 'plain gradient descent, η = 0.019' "$WORK/compare.html" || fail "compare: no legend reads 'plain gradient descent, η = 0.019'"
if grep -q 'optimizer={' "$WORK/compare.html"; then fail "compare: a legend prints an optimizer's JSON"; fi
check studies "#/studies" 0 'id="studies"'
check study "#/studies/$COMPARISON" 10 'parallel coordinates'
for needle in 'class="point"' 'class="band"' 'class="leaderboard"' 'id="trials"' 'best final_loss so far' 'final_loss vs optimizer.lr'; do
    grep -q "$needle" "$WORK/study.html" || fail "study: missing '$needle'"
done
# The leaderboard lists the three optimizers of each problem; every confirmation trial is in the table.
[ "$(grep -o 'data-optimizer="' "$WORK/study.html" | wc -l)" -eq 6 ] || fail "study: leaderboard rows are not 3 per problem"
[ "$(grep -o 'class="confirmation"' "$WORK/study.html" | wc -l)" -eq 6 ] || fail "study: not one confirmation trial per cell"
# Parallel coordinates: one chart per cell (problem × optimizer), not the cells' trials mixed in one.
[ "$(grep -o 'class="chart parallel"' "$WORK/study.html" | wc -l)" -eq 6 ] || fail "study: not one parallel-coordinates chart per cell"
# A trial whose runs diverged shows as diverged, never as succeeded with an infinite value.
if grep -q 'succeeded</span></td><td class="num">Infinity' "$WORK/study.html"; then fail "study: a diverged trial shows as succeeded"; fi
check new "#/new" 0 '&quot;objective&quot;\|"objective"'
check analysis "#/analysis" 0 'saddle'
# Phone width.
chrome --window-size=390,844 --screenshot="$SHOTS/experiments-phone.png" "$URL/#/experiments" >/dev/null 2>&1 || fail "phone screenshot failed"

# Interactions, over the DevTools protocol, with a run long enough to be running while they happen.
RUNNING="$(curl -fsS -X POST "$URL/v1/experiments" -H 'Content-Type: application/json' \
    -d '{"name":"long run","objective":{"type":"rosenbrock"},"optimizer":{"type":"sgd","lr":0.0001},"start":[-1.2,1],"steps":9000000,"record_every":5}' | json_field id)"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --remote-debugging-port=0 about:blank >/dev/null 2>"$WORK/devtools.log" &
CHROME=$!
DEVTOOLS=""
for _ in $(seq 1 100); do
    DEVTOOLS="$(sed -n 's#^DevTools listening on ws://\([^/]*\)/.*#http://\1#p' "$WORK/devtools.log" | head -n 1)"
    [ -n "$DEVTOOLS" ] && break
    sleep 0.1
done
if [ -z "$DEVTOOLS" ] || [ -z "$RUNNING" ]; then
    fail "interactions: chromium's DevTools endpoint or the long run did not start"
else
    node scripts/browser-interactions.js "$DEVTOOLS" "$URL" "$RUNNING" || fail "interactions (see above)"
fi
kill "$CHROME" 2>/dev/null || true; wait "$CHROME" 2>/dev/null || true; CHROME=""
curl -fsS -X POST "$URL/v1/experiments/$RUNNING/cancel" >/dev/null || true

# Server-rendered plots are standalone SVG.
for kind in loss lr path; do
    curl -fsS "$URL/v1/experiments/$EXP/plot.svg?kind=$kind" | grep -q '<path class="series"' || fail "plot.svg?kind=$kind has no series"
done
curl -fsS "$URL/v1/studies/$STUDY/plot.svg" | grep -q 'class="legend"' || fail "study plot.svg has no legend"
curl -fsS "$URL/v1/studies/$COMPARISON/leaderboard.svg?problem=rosenbrock" | grep -q '<path class="series"' || fail "leaderboard.svg has no series"
curl -fsS "$URL/v1/experiments/$SHARP_EXP/plot.svg?kind=sharpness" | grep -q '2/η' || fail "plot.svg?kind=sharpness has no 2/η series"

if [ "$failures" -ne 0 ]; then echo "browser test: $failures failure(s)"; exit 1; fi
echo "browser test: all pages rendered"

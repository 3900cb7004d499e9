#!/bin/sh
# The single-experiment comparison in one command: the C loop and descent-bench's single run, back to back.
# Usage: Benchmarks/c/run.sh [steps] [repeats]   (default 2000000 5; needs a release descent-bench)
set -e
cd "$(dirname "$0")/../.."
steps=${1:-2000000}; repeats=${2:-5}
mkdir -p .build
cc -O2 -o .build/rosenbrock_adam_c Benchmarks/c/rosenbrock_adam.c -lm
[ -x .build/release/descent-bench ] || swift build -c release --product descent-bench
.build/rosenbrock_adam_c "$steps" "$repeats"
.build/release/descent-bench "$steps" "$repeats" rosenbrock | head -1

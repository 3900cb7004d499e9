#!/bin/sh
# The numeric core against its peers, side by side in one run (BENCHMARKS.md, "Numeric core"):
#   - 2-D Rosenbrock + Adam recording every step: the C loop (Benchmarks/c), descent-bench's single run, JAX jit + scan;
#   - the 64-member learning-rate sweep: descent-bench lockstep vs member by member (kept and streamed recording),
#     JAX jit(vmap(scan));
#   - MLP 2-16-16-1, batch 32, on 1,024 two-moons samples: descent-bench vs JAX jit.
# Prints the load average before and after, since the figures mean little on a loaded machine.
# Usage: Benchmarks/numeric-core.sh [steps] [repeats] [sweep-steps] [members]
#   (defaults 2000000 5 100000 64; PYTHON names an interpreter with jax, default python3;
#    NO_BUILD=1 uses the existing .build/release/descent-bench)
set -e
cd "$(dirname "$0")/.."
steps=${1:-2000000}; repeats=${2:-5}; sweep_steps=${3:-100000}; members=${4:-64}
python=${PYTHON:-python3}
bench=.build/release/descent-bench
[ -n "$NO_BUILD" ] || swift build -c release -j 2 --product descent-bench
mkdir -p .build
cc -O2 -o .build/rosenbrock_adam_c Benchmarks/c/rosenbrock_adam.c -lm
echo "start: $(date -u '+%Y-%m-%d %H:%M UTC'); $(uptime)"
.build/rosenbrock_adam_c "$steps" "$repeats"
"$bench" "$steps" "$repeats" rosenbrock | head -1
"$python" Benchmarks/python/rosenbrock_adam_jax.py "$steps" "$repeats"
"$bench" "$sweep_steps" "$repeats" sweep "$members"
"$python" Benchmarks/python/rosenbrock_adam_jax.py "$sweep_steps" "$repeats" "$members"
"$bench" 0 "$repeats" mlp
"$python" Benchmarks/python/mlp_epoch_jax.py 50 "$repeats"
echo "end: $(date -u '+%Y-%m-%d %H:%M UTC'); $(uptime)"

#!/bin/sh
# Instructions per epoch of the MLP's fused pass alone, without building the package: copies the pass and what it
# needs from Sources/ (and the fused pass of git revision OLD, renamed MLPFusedPassOld) next to this folder's driver,
# compiles them with `swiftc -O`, checks every batch's loss and gradient bits against the generic pass, and counts
# instructions with callgrind. Usage: Benchmarks/mlp-pass/run.sh [OLD (default: the merge base with main)]
# Prints: instructions per epoch for the pass at OLD and for the working tree's (2 and 12 epochs, the difference / 10).
# OLD must call only functions today's CLaneMath has (revisions from d80f4c5 on; its copies take their Swift loops).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
old=${1:-$(git -C "$root" merge-base HEAD main)}
work=$(mktemp -d)
models=$root/Sources/DescentCore/Objectives/Models
cp "$root/Sources/DescentCore/Math/LaneTanh.swift" "$models/MLPFusedPass.swift" "$models/MLPPass.swift" \
   "$models/MLPBackward.swift" "$models/MLPArchitecture.swift" "$models/ModelScalar.swift" "$models/MLPOptions.swift" \
   "$root/Benchmarks/mlp-pass/main.swift" "$root/Benchmarks/mlp-pass/Stubs.swift" "$work/"
sed -n '1,23p' "$models/ModelSupport.swift" > "$work/Rows.swift"
git -C "$root" show "$old:Sources/DescentCore/Objectives/Models/MLPFusedPass.swift" \
    | sed 's/struct MLPFusedPass {/struct MLPFusedPassOld {/' > "$work/OldFused.swift"
git -C "$root" show "$old:Sources/DescentCore/Math/LaneTanh.swift" \
    | sed 's/enum LaneTanh {/enum LaneTanhOld {/' > "$work/OldTanh.swift"
sed -i 's/LaneTanh\./LaneTanhOld./g' "$work/OldFused.swift"
# OLD's kernels may not exist in today's CLaneMath: OLD's copies take their Swift loops.
sed -i 's/descent_lanes_[a-z0-9]*_available() != 0/false/g' "$work/OldTanh.swift" "$work/OldFused.swift"
# CLaneMath (the tanh and the pass's kernels) as a C module beside the copies.
mkdir -p "$work/CLaneMath"
cp "$root/Sources/CLaneMath/include/CLaneMath.h" "$work/CLaneMath/"
printf 'module CLaneMath {\n    header "CLaneMath.h"\n    export *\n}\n' > "$work/CLaneMath/module.modulemap"
for c in "$root"/Sources/CLaneMath/*.c; do
    clang -O2 -I "$root/Sources/CLaneMath/include" -c "$c" -o "$work/$(basename "$c" .c).o"
done
(cd "$work" && swiftc -O -wmo -module-name Harness -I CLaneMath ./*.swift ./*.o -o harness)
"$work/harness" check 20
for mode in old new; do
    for epochs in 2 12; do
        valgrind --tool=callgrind --callgrind-out-file="$work/cg.$mode.$epochs" "$work/harness" "$mode" "$epochs" 2>"$work/log.$mode.$epochs" >/dev/null
        eval "count_${mode}_$epochs=$(grep -o 'Collected : [0-9]*' "$work/log.$mode.$epochs" | grep -o '[0-9]*$')"
    done
done
echo "instructions_per_epoch old=$(( (count_old_12 - count_old_2) / 10 )) new=$(( (count_new_12 - count_new_2) / 10 ))"
echo "callgrind files in $work"

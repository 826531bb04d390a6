#!/usr/bin/env bash
# Instructions per benchmark iteration for every contender of benches/retry.rs, counted by
# callgrind: stable where wall time on a shared machine is not (docs/BENCHMARKS.md).
#
#   bash benches/callgrind.sh                 # every group
#   bash benches/callgrind.sh 'happy/sync'    # groups matching a regex
#
# Needs valgrind (callgrind_annotate comes with it). Each contender runs alone under callgrind in
# criterion's profiling mode (`--profile-time`, no analysis); its cost is the inclusive count of
# criterion's iteration loop divided by the number of iterations, read as the number of calls
# of the `#[inline(never)]` operation (1 per happy iteration, 3 per failing one; the plain call
# makes 1 in both groups). Output files go to target/callgrind/.
set -euo pipefail
cd "$(dirname "$0")/.."

groups=${1:-.}
target=${CARGO_TARGET_DIR:-target}
out="$target/callgrind"
mkdir -p "$out"

bin=$(cargo bench --bench retry --no-run 2>&1 |
    sed -n 's/.*Executable benches\/retry.rs (\(.*\))/\1/p')
if [[ -z $bin ]]; then
    echo "could not find the benchmark binary" >&2
    exit 1
fi

names=("plain call" "hand-written loop" "#[retry]" "#[retry(policy = &STATIC)]"
    "Retrying::call" "Retrying::call_async" "Engine by hand" "backon" "tokio-retry")

printf '%-14s %-28s %12s %10s\n' group contender "Ir/iter" iterations
for group in happy/sync happy/async failure/sync failure/async; do
    grep -qE "$groups" <<<"$group" || continue
    for name in "${names[@]}"; do
        escaped=$(printf '%s' "$name" | sed 's/[][()*+?.^$|\\]/\\&/g')
        file="$out/$(tr '/ #[]:&=()' '__________' <<<"$group-$name").out"
        valgrind --tool=callgrind --callgrind-out-file="$file" "$bin" --bench \
            --profile-time 1 "^$group/$escaped\$" >/dev/null 2>&1
        loop=$(callgrind_annotate --inclusive=yes "$file" 2>/dev/null |
            awk '/criterion::bencher::(Async)?Bencher<.*>::iter /{gsub(",", "", $1); print $1; exit}')
        if [[ -z $loop ]]; then
            rm -f "$file" # not a contender of this group
            continue
        fi
        # The callers of the operation, with their call counts: "(1,234x)".
        calls=$(callgrind_annotate --tree=caller "$file" 2>/dev/null |
            awk '/^ *[0-9,]+ .*< /{buf = buf $0 "\n"; next}
                 /\*  \?\?\?:retry::operation /{printf "%s", buf}
                 {buf = ""}' |
            grep -oE '\([0-9,]+x\)' | tr -d '(),x' | paste -sd+ | bc)
        per_call=1
        if [[ $group == failure/* && $name != "plain call" ]]; then per_call=3; fi
        awk -v g="$group" -v n="$name" -v ir="$loop" -v c="$calls" -v k="$per_call" \
            'BEGIN { printf "%-14s %-28s %12.1f %10d\n", g, n, ir * k / c, c / k }'
    done
done

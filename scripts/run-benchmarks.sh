#!/usr/bin/env bash
# Runs every benchmark executable (bench_*) of a build. Benchmarks measure; they never fail a
# build on a number. Results also go to <build>/bench/<name>.json.
set -euo pipefail
build=${1:-build}
found=0
while IFS= read -r exe; do
  found=1
  name=$(basename "$exe")
  echo "== $name"
  "$exe" --benchmark_out="$build/bench/$name.json" --benchmark_out_format=json ${BENCH_ARGS:-}
done < <(find "$build/bench" -type f -name 'bench_*' -perm -u+x | sort)
[ $found -eq 1 ] || echo "no benchmarks built"

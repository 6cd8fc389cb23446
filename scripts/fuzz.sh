#!/usr/bin/env bash
# Runs the libFuzzer targets listed in <build>/fuzzers.txt.
#   fuzz.sh regress  <build>            every target over its seed corpus, once
#   fuzz.sh campaign <build> <seconds>  every target for <seconds>, new inputs kept in
#                                       <build>/corpus/<target>/
set -euo pipefail
mode=$1
build=$2
seconds=${3:-120}
root=$(cd "$(dirname "$0")/.." && pwd)
list="$build/fuzzers.txt"
[ -f "$list" ] || { echo "fuzz.sh: $list not found: build the fuzz targets first" >&2; exit 2; }

failed=0
count=0
while read -r target; do
  [ -n "$target" ] || continue
  exe=$(find "$build/fuzz" -type f -name "fuzz_$target" -perm -u+x | head -n 1)
  [ -n "$exe" ] || { echo "fuzz.sh: fuzz_$target was not built" >&2; failed=1; continue; }
  corpus="$root/fuzz/corpus/$target"
  dict=()
  for d in "$root/fuzz/dict/$target.dict" "$root/fuzz/dict/$(echo "$target" | sed -E 's/^(ikev[12]).*/\1/').dict"; do
    if [ -f "$d" ]; then dict=(-dict="$d"); break; fi
  done
  count=$((count + 1))
  case $mode in
    regress)
      if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
        echo "fuzz.sh: fuzz_$target has no seed corpus in fuzz/corpus/$target" >&2
        failed=1
        continue
      fi
      # Reproducers of fixed bugs (fuzz/corpus/<target>_crashes) are regression inputs too.
      dirs=("$corpus")
      [ -d "${corpus}_crashes" ] && dirs+=("${corpus}_crashes")
      n=$(find "${dirs[@]}" -type f | wc -l)
      if "$exe" -runs=0 "${dict[@]}" "${dirs[@]}" > "$build/fuzz_$target.log" 2>&1; then
        echo "ok    fuzz_$target ($n inputs)"
      else
        echo "FAIL  fuzz_$target (log: $build/fuzz_$target.log)"
        tail -n 30 "$build/fuzz_$target.log"
        failed=1
      fi
      ;;
    campaign)
      out="$build/corpus/$target"
      mkdir -p "$out"
      if "$exe" -max_total_time="$seconds" -print_final_stats=1 "${dict[@]}" \
           -artifact_prefix="$build/crash-$target-" "$out" "$corpus" > "$build/fuzz_$target.log" 2>&1; then
        echo "ok    fuzz_$target ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz_$target.log" | awk '{print $2}') runs)"
      else
        echo "FAIL  fuzz_$target (log: $build/fuzz_$target.log)"
        tail -n 40 "$build/fuzz_$target.log"
        failed=1
      fi
      ;;
    *) echo "fuzz.sh: unknown mode $mode" >&2; exit 2 ;;
  esac
done < "$list"
[ "$count" -gt 0 ] || { echo "fuzz.sh: no fuzz targets" >&2; exit 1; }
exit $failed

#!/bin/sh
# Runs scenario folders in netns mode (real namespaces, real time) and checks the JUnit
# report with xmllint: no failure, no error, at least one scenario passed. Skipped scenarios
# are allowed (each names its reason: sim-only conditions, longer than the netns limit) unless
# --no-skips is given (the interop suite: every peer must be installed, as `make test` does).
# Without root it exits 77, which ctest reports as skipped.
# Usage: check_netns_suite.sh IKESUITE OUT_DIR [--no-skips] [--known-deviations FILE]... DIR...
set -u
ikesuite=$1
out=$2
shift 2
if [ "$(id -u)" != 0 ]; then
  echo "check_netns_suite: netns mode needs root; skipped"
  exit 77
fi
no_skips=0
args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-skips) no_skips=1; shift ;;
    --known-deviations) args="$args --known-deviations $2"; shift 2 ;;
    *) break ;;
  esac
done
rm -rf "$out"
# shellcheck disable=SC2086
"$ikesuite" run --mode netns --keep-going --jobs 2 --out "$out" $args "$@"
junit="$out/junit.xml"
[ -f "$junit" ] || { echo "check_netns_suite: no $junit" >&2; exit 1; }
xmllint --noout "$junit" || exit 1
cases=$(xmllint --xpath 'count(//testcase)' "$junit")
failures=$(xmllint --xpath 'count(//testcase/failure)' "$junit")
errors=$(xmllint --xpath 'count(//testcase/error)' "$junit")
skipped=$(xmllint --xpath 'count(//testcase/skipped)' "$junit")
passed=$((cases - failures - errors - skipped))
echo "check_netns_suite: $cases testcases: $passed passed, $failures failures, $errors errors, $skipped skipped"
[ "$failures" = 0 ] && [ "$errors" = 0 ] || exit 1
[ "$passed" -gt 0 ] || { echo "check_netns_suite: nothing passed" >&2; exit 1; }
if [ "$no_skips" = 1 ] && [ "$skipped" != 0 ]; then
  echo "check_netns_suite: $skipped scenarios skipped (a peer is not installed?)" >&2
  exit 1
fi
# Nothing of the run is left: no namespace of ours (the runner's prefix is iks<pid>x).
if ip netns list 2>/dev/null | grep -q '^iks[0-9]*x'; then
  echo "check_netns_suite: namespaces left behind:" >&2
  ip netns list >&2
  exit 1
fi
exit 0

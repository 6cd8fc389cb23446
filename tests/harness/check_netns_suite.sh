#!/bin/sh
# Runs scenario folders in netns mode (real namespaces, real time) and checks the JUnit
# report with xmllint: no failure, no error, at least one scenario passed. Skipped scenarios
# are allowed (each names its reason: sim-only conditions, longer than the netns limit) unless
# --no-skips is given (the interop suite: every peer must be installed, as `make test` does).
# Without root it exits 77, which ctest reports as skipped.
# With --tshark, every capture of the run must decrypt under tshark with the key tables the
# run wrote: as many "[correct]" integrity verdicts as IKEv2 Encrypted (46) and Encrypted
# Fragment (53) payloads (ours and the peer's).
# Usage: check_netns_suite.sh IKESUITE OUT_DIR [--no-skips] [--tshark] [--known-deviations FILE]... DIR...
set -u
ikesuite=$1
out=$2
shift 2
if [ "$(id -u)" != 0 ]; then
  echo "check_netns_suite: netns mode needs root; skipped"
  exit 77
fi
no_skips=0
tshark_check=0
args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-skips) no_skips=1; shift ;;
    --tshark) tshark_check=1; shift ;;
    --known-deviations) args="$args --known-deviations $2"; shift 2 ;;
    *) break ;;
  esac
done
rm -rf "$out"
# shellcheck disable=SC2086
# CI machines are shared and run two real-time scenarios at once: check windows widen by 2 s
# (the default for people is 1 s).
"$ikesuite" run --mode netns --keep-going --jobs 2 --netns-tolerance 2 --out "$out" $args "$@" &
run_pid=$!
wait "$run_pid"
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
if [ "$tshark_check" = 1 ]; then
  bad=0
  for cap in $(find "$out" -name capture.pcap); do
    folder=$(dirname "$cap")
    text=$(WIRESHARK_CONFIG_DIR="$folder" tshark -r "$cap" -V 2>/dev/null)
    encrypted=$(printf '%s\n' "$text" | grep -c 'Payload: Encrypted and Authenticated')
    correct=$(printf '%s\n' "$text" | grep -c '\[correct\]')
    if [ "$encrypted" != "$correct" ]; then
      echo "check_netns_suite: $cap: $encrypted encrypted IKEv2 messages, $correct decrypted and verified" >&2
      bad=1
    fi
  done
  [ "$bad" = 0 ] || exit 1
  echo "check_netns_suite: every encrypted IKEv2 message of every capture decrypts with the run's key tables"
fi
# Nothing of the run is left: no namespace of that run (its prefix is iks<pid>x), no folder.
if ip netns list 2>/dev/null | grep -q "^iks${run_pid}x"; then
  echo "check_netns_suite: namespaces left behind:" >&2
  ip netns list >&2
  exit 1
fi
if ls -d /tmp/iks"${run_pid}"x* >/dev/null 2>&1; then
  echo "check_netns_suite: host folders left behind: $(ls -d /tmp/iks"${run_pid}"x*)" >&2
  exit 1
fi
exit 0

#!/bin/sh
# An interrupted netns run cleans up: SIGINT while a scenario runs ends it (reported as an
# error "interrupted"), removes its namespaces, host folders and daemons, and exits non-zero;
# a later run removes the namespaces a SIGKILLed run left.
# Usage: check_netns_interrupt.sh IKESUITE SCENARIO OUT_DIR. Without root it exits 77.
set -u
ikesuite=$1
scenario=$2
out=$3
if [ "$(id -u)" != 0 ]; then
  echo "check_netns_interrupt: netns mode needs root; skipped"
  exit 77
fi
fail() { echo "check_netns_interrupt: $*" >&2; exit 1; }
rm -rf "$out"
"$ikesuite" run --mode netns --out "$out/int" "$scenario" &
pid=$!
sleep 3
ip netns list | grep -q "^iks${pid}x" || fail "no namespace of the run after 3 s"
kill -INT "$pid"
wait "$pid"
status=$?
[ "$status" != 0 ] || fail "an interrupted run exited 0"
ip netns list | grep -q "^iks${pid}x" && fail "namespaces left after SIGINT: $(ip netns list | grep "^iks${pid}x")"
ls -d /tmp/iks"${pid}"x* >/dev/null 2>&1 && fail "host folders left after SIGINT"
pgrep -f "ike-refd.*iks${pid}x" >/dev/null && fail "ike-refd left running after SIGINT"
grep -q 'interrupted' "$out/int/junit.xml" || fail "the report does not say the scenario was interrupted"

# SIGKILL: nothing can clean up then; daemons die with the harness (PR_SET_PDEATHSIG) and
# the next run removes the namespaces.
"$ikesuite" run --mode netns --out "$out/kill" "$scenario" &
pid=$!
sleep 3
kill -KILL "$pid"
wait "$pid" 2>/dev/null
sleep 1
pgrep -f "ike-refd.*iks${pid}x" >/dev/null && fail "ike-refd outlived a SIGKILLed harness"
ip netns list | grep -q "^iks${pid}x" || echo "check_netns_interrupt: (the killed run left no namespace)"
"$ikesuite" run --mode netns --out "$out/next" --filter nothing-matches-this "$scenario" >/dev/null 2>&1
ip netns list | grep -q "^iks${pid}x" && fail "the next run did not remove the namespaces of the killed one"
ls -d /tmp/iks"${pid}"x* >/dev/null 2>&1 && fail "the next run did not remove the host folders of the killed one"
echo "check_netns_interrupt: SIGINT and SIGKILL leave nothing behind"
exit 0

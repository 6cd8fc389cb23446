#!/bin/sh
# Runs every scenario of a folder in sim mode and checks the JUnit report with xmllint: as
# many testcases as scenario files, and every one passed except the expected failures named
# after the folder, each of which must fail (an expected failure that passes is an error
# too: remove it from the list).
# Usage: check_suite.sh IKESUITE SCENARIO_DIR OUT_DIR [EXPECTED_FAILURE...]
set -u
ikesuite=$1
dir=$2
out=$3
shift 3
rm -rf "$out"
"$ikesuite" run --keep-going --jobs 2 --out "$out" "$dir"
status=$?
junit="$out/junit.xml"
if [ ! -f "$junit" ]; then
  echo "check_suite: no $junit" >&2
  exit 1
fi
xmllint --noout "$junit" || exit 1
files=$(find "$dir" -name '*.json' ! -name '*.deviations.json' ! -name schema.json | wc -l)
cases=$(xmllint --xpath 'count(//testcase)' "$junit")
failures=$(xmllint --xpath 'count(//testcase/failure)' "$junit")
errors=$(xmllint --xpath 'count(//testcase/error)' "$junit")
skipped=$(xmllint --xpath 'count(//testcase/skipped)' "$junit")
echo "check_suite: $cases testcases for $files files, $failures failures, $errors errors, $skipped skipped"
[ "$cases" = "$files" ] || { echo "check_suite: expected $files testcases" >&2; exit 1; }
[ "$errors" = 0 ] && [ "$skipped" = 0 ] || exit 1
expected=0
for name in "$@"; do
  expected=$((expected + 1))
  failed=$(xmllint --xpath "count(//testcase[@name='$name']/failure)" "$junit")
  if [ "$failed" != 1 ]; then
    echo "check_suite: $name was expected to fail (known engine limitation) but did not" >&2
    exit 1
  fi
  echo "check_suite: $name fails as expected (known engine limitation)"
done
[ "$failures" = "$expected" ] || { echo "check_suite: $failures failures, expected $expected" >&2; exit 1; }
if [ "$expected" = 0 ] && [ "$status" != 0 ]; then
  echo "check_suite: ikesuite run exited with $status" >&2
  exit 1
fi
exit 0

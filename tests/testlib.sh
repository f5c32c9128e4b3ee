# testlib.sh: sourced by the shell tests. A fresh temporary folder $T,
# removed at exit (read-only fixtures included), the ok/bad counters and
# the closing summary, whose status is the test's.
T=$(mktemp -d)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
summary() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }

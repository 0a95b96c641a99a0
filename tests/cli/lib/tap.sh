# TAP for the CLI tests: ok STATUS DESCRIPTION counts a check (STATUS 0:
# passed) in n and the failures in bad; the test prints "1..$n" at its
# end and exits non-zero when bad is.  Sourced, after set -u.
n=0 bad=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=$((bad + 1)); fi; }

#!/bin/bash
# replytime report: golden JSON reports written by hand from the metrics
# spec (docs in tests/report/README.md).  Each case directory under
# tests/report/ holds mail.mbox, config.ini, args (extra options, one line)
# and expected.json.  Both sides are normalised with jq (sorted keys,
# numbers in canonical form) and compared.  Prints TAP; RT is the binary
# under test.  Exit 77 (skip) when the report command or jq is missing.
set -u
rt=${RT:?RT must name the replytime binary}
src=${RT_SOURCE_DIR:?RT_SOURCE_DIR must name the source tree}
cases=$src/tests/report

if ! "$rt" report --help > /dev/null 2>&1; then
	echo "1..0 # SKIP report command not available"
	exit 77
fi
if ! command -v jq > /dev/null 2>&1; then
	echo "1..0 # SKIP jq not installed (apt-get install jq)"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0

# Sorted keys, and every number passed through arithmetic so that 1, 1.0
# and 1.0000 compare equal whichever jq version prints them.
norm() { jq -S 'walk(if type == "number" then . + 0 else . end)' "$1"; }

for dir in "$cases"/*/; do
	dir=${dir%/}
	[ -f "$dir/expected.json" ] || continue
	name=$(basename "$dir")
	n=$((n + 1))
	args=""
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	# shellcheck disable=SC2086 # args is a list of words
	"$rt" report --config "$dir/config.ini" $args --format json "$dir/mail.mbox" \
	    > "$tmp/out.json" 2> "$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "not ok $n - $name (exit status $rc)"
		sed 's/^/# /' "$tmp/err"
		bad=$((bad + 1))
		continue
	fi
	if ! norm "$tmp/out.json" > "$tmp/got" 2> "$tmp/jqerr"; then
		echo "not ok $n - $name (output is not JSON)"
		sed 's/^/# /' "$tmp/jqerr" "$tmp/out.json"
		bad=$((bad + 1))
		continue
	fi
	norm "$dir/expected.json" > "$tmp/want"
	if diff -u --label "expected/$name" --label "actual/$name" \
	    "$tmp/want" "$tmp/got" > "$tmp/diff"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' "$tmp/diff"
		bad=$((bad + 1))
	fi
done

echo "1..$n"
[ $bad -eq 0 ]

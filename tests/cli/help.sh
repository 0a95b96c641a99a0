#!/bin/bash
# Every command of main.c's table: --help and -h print its usage on
# standard output and exit 0; a wrong option prints the usage on standard
# error and exits 2.  Prints TAP.
set -u
rt=${RT:?}
src=${RT_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"

cmds=$(sed -n 's/^[[:space:]]*{ \.name = "\([a-z-]*\)".*/\1/p' "$src/src/cli/main.c")
[ "$(echo "$cmds" | wc -w)" -ge 18 ]; ok $? "main.c's table read ($(echo $cmds | wc -w) commands)"
for c in $cmds; do
	for h in --help -h; do
		"$rt" "$c" $h > "$tmp/out" 2> "$tmp/err"; rc=$?
		[ $rc -eq 0 ] && grep -q '^usage: replytime' "$tmp/out" && [ ! -s "$tmp/err" ]
		ok $? "$c $h: usage on stdout, exit 0 (rc $rc)"
	done
	[ "$c" = help ] && continue
	"$rt" "$c" --no-such-option > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q '^usage: replytime' "$tmp/err"
	ok $? "$c --no-such-option: usage on stderr, exit 2 (rc $rc)"
done
# Commands with verbs: the verb's --help too.
for cv in "tenant create" "settings set" "key init" "user list" "audit verify" \
    "mailbox add" "config check"; do
	"$rt" $cv --help > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ $rc -eq 0 ] && grep -q '^usage: replytime' "$tmp/out" && [ ! -s "$tmp/err" ]
	ok $? "$cv --help: usage on stdout, exit 0 (rc $rc)"
done
"$rt" --help | grep -q "man ./docs/replytime.1"; ok $? "replytime --help names the man page in the tree"
echo "1..$n"
[ $bad -eq 0 ]

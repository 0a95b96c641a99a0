#!/bin/bash
# A message's lookup indexes (its keys blob, stored unencrypted) altered in
# the database: replytime export and the dashboard refuse to read the
# message instead of showing other addresses (docs/security.md).  Prints
# TAP.
set -u
rt=${RT:?}
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"
export REPLYTIME_KEY_FILE=$tmp/master.key
db=$tmp/db/rt.db
mkdir -p "$tmp/db"
"$rt" key init 2>/dev/null
"$rt" demo-data --messages 200 --seed 9 --out "$tmp/demo" 2>/dev/null
"$rt" tenant create --db "$db" --tenant acme 2>/dev/null
"$rt" settings set --db "$db" --tenant acme "$tmp/demo/replytime.ini" 2>/dev/null
"$rt" import --db "$db" --tenant acme "$tmp/demo/demo.mbox" 2>/dev/null; ok $? "import"
view() { "$rt" view --db "$db" --tenant acme --page overview --format json --now 2026-01-01T00:00:00Z; }
"$rt" export --db "$db" --tenant acme --out "$tmp/x1" 2>/dev/null; ok $? "export as stored"
view > /dev/null 2>&1; ok $? "the dashboard as stored"

# The keys of the first message replaced by those of a message with
# another sender (bytes 3-18 of the blob: the sender's index).
sqlite3 "$db" "UPDATE messages SET keys = (SELECT keys FROM messages
    WHERE substr(keys, 3, 16) <> (SELECT substr(keys, 3, 16) FROM messages
    WHERE seq = (SELECT min(seq) FROM messages)) ORDER BY seq LIMIT 1)
    WHERE seq = (SELECT min(seq) FROM messages)" 2>/dev/null
ok $? "keys of another message written over the first one's"
"$rt" export --db "$db" --tenant acme --out "$tmp/x2" 2> "$tmp/err"; [ $? -ne 0 ] &&
    grep -q "not the ones its fields were sealed with" "$tmp/err"
ok $? "export refuses the message"
view > /dev/null 2> "$tmp/err"; [ $? -ne 0 ] &&
    grep -q "not the ones its fields were sealed with" "$tmp/err"
ok $? "the dashboard refuses it"
! grep -q '@' "$tmp/err"; ok $? "the error names no address"
echo "1..$n"
[ $bad -eq 0 ]

#!/bin/bash
# A re-import of a grown mbox reads only from its checkpoint: the last
# message stored is read again (its envelope is where reading resumes)
# and counts as already stored; everything before it is not read at all.
# The report equals the one from the whole file.  Prints TAP.
set -u
rt=${RT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"
mkdir -p "$tmp/keys" "$tmp/db"
export REPLYTIME_KEY_FILE=$tmp/keys/master.key
db=$tmp/db/rt.db
"$rt" key init 2>/dev/null
"$rt" demo-data --messages 2000 --seed 4 --out "$tmp/demo" 2>/dev/null
f=$tmp/demo/demo.mbox
line=$(grep -n '^From ' "$f" | sed -n 1500p | cut -d: -f1)
head -n $((line - 1)) "$f" > "$tmp/grow.mbox"
"$rt" tenant create --db "$db" --tenant a 2>/dev/null
"$rt" settings set --db "$db" --tenant a "$tmp/demo/replytime.ini" 2>/dev/null
"$rt" import --db "$db" --tenant a "$tmp/grow.mbox" 2> "$tmp/err"
grep -q '1499 messages read, 1499 new' "$tmp/err"; ok $? "the first 1499 messages"
cp "$f" "$tmp/grow.mbox"
total=$(grep -c '^From ' "$f")
"$rt" import --db "$db" --tenant a "$tmp/grow.mbox" 2> "$tmp/err"
grep -q "$((total - 1498)) messages read, $((total - 1499)) new, 1 already stored" "$tmp/err"
ok $? "the re-import reads from the last message stored on ($(cat "$tmp/err"))"
"$rt" import --db "$db" --tenant a "$tmp/grow.mbox" 2> "$tmp/err"
grep -q "1 messages\? read, 0 new, 1 already stored" "$tmp/err"; ok $? "a third run reads one message ($(cat "$tmp/err"))"
"$rt" report --db "$db" --tenant a --format json > "$tmp/a.json" &&
    "$rt" report --config "$tmp/demo/replytime.ini" --format json "$f" > "$tmp/b.json" &&
    cmp -s "$tmp/a.json" "$tmp/b.json"
ok $? "the report equals the whole file's"
echo "1..$n"
[ $bad -eq 0 ]

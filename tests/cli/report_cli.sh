#!/bin/bash
# replytime report, config check and demo-data from the command line:
# options, errors, formats, the default without --config.  Prints TAP.
set -u
rt=${RT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"

# demo-data: deterministic, both files, the config loads.
"$rt" demo-data --messages 3000 --seed 7 > "$tmp/a.mbox" 2>/dev/null
"$rt" demo-data --messages 3000 --seed 7 > "$tmp/b.mbox" 2>/dev/null
cmp -s "$tmp/a.mbox" "$tmp/b.mbox"; ok $? "demo-data: same seed, same bytes"
"$rt" demo-data --messages 3000 --seed 8 > "$tmp/c.mbox" 2>/dev/null
! cmp -s "$tmp/a.mbox" "$tmp/c.mbox"; ok $? "demo-data: another seed, other bytes"
[ "$(grep -c '^From ' "$tmp/a.mbox")" -eq 3000 ]; ok $? "demo-data: 3000 messages"
"$rt" demo-data --messages 3000 --seed 7 --out "$tmp/demo" 2>/dev/null
cmp -s "$tmp/a.mbox" "$tmp/demo/demo.mbox"; ok $? "demo-data --out: the same mbox"
"$rt" config check "$tmp/demo/replytime.ini" > "$tmp/eff.ini"; ok $? "config check: the demo configuration loads"
"$rt" config check "$tmp/eff.ini" > "$tmp/eff2.ini" && cmp -s "$tmp/eff.ini" "$tmp/eff2.ini"
ok $? "config check: its output loads and prints the same"
"$rt" demo-data --messages 0 > /dev/null 2>&1; [ $? -ne 0 ]; ok $? "demo-data: --messages 0 refused"

# config check: defaults filled in; errors name file and line.
printf '[team "t"]\nmembers = a@x.example\n' > "$tmp/min.ini"
"$rt" config check "$tmp/min.ini" > "$tmp/out"
grep -q '^clock_start = parent' "$tmp/out" && grep -q '^outlier_cap = 30d' "$tmp/out"
ok $? "config check: defaults written out"
printf '[rules]\nclock_start = parent\ntimezon = x\n[hours]\ntimezone = Mars/Base\nmon = 09:00-17:00\n' > "$tmp/bad.ini"
"$rt" config check "$tmp/bad.ini" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ]; ok $? "config check: bad file exits 1"
grep -q "bad.ini:3: " "$tmp/err" && grep -q "bad.ini:5: " "$tmp/err"; ok $? "config check: every error with file:line"
[ "$(wc -l < "$tmp/err")" -eq 2 ] && [ "$(sort "$tmp/err" | uniq -d | wc -l)" -eq 0 ]
ok $? "config check: each error once"
"$rt" config check "$tmp/missing.ini" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "^replytime: config check: .*missing.ini" "$tmp/err"; ok $? "config check: a missing file, said with the prefix"

# report: a configuration that does not load stops everything.
"$rt" report --config "$tmp/bad.ini" "$tmp/a.mbox" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "nothing was analysed" "$tmp/err"
ok $? "report: bad configuration, nothing analysed, exit 1"
"$rt" report --from 2025-13-01 "$tmp/a.mbox" > /dev/null 2> "$tmp/err"; [ $? -eq 1 ] && grep -q -- "--from" "$tmp/err"
ok $? "report: malformed --from named"
"$rt" report --from 2025-06-10 --to 2025-06-01 "$tmp/a.mbox" > /dev/null 2>&1; [ $? -eq 1 ]
ok $? "report: empty period refused"
"$rt" report --format yaml "$tmp/a.mbox" > /dev/null 2>&1; [ $? -eq 1 ]; ok $? "report: unknown format refused"

# report: the three formats agree on the configured groups.
cfg=$tmp/demo/replytime.ini
"$rt" report --config "$cfg" --format json "$tmp/a.mbox" > "$tmp/r.json"; ok $? "report: json"
jq -e . "$tmp/r.json" > /dev/null; ok $? "report: json parses"
groups=$(jq '.groups | length' "$tmp/r.json")
"$rt" report --config "$cfg" --format csv "$tmp/a.mbox" > "$tmp/r.csv"
[ "$(wc -l < "$tmp/r.csv")" -eq $((groups + 1)) ]; ok $? "report: csv has a row per group ($groups)"
"$rt" report --config "$cfg" "$tmp/a.mbox" > "$tmp/r.txt"
grep -q '^team support' "$tmp/r.txt" && grep -q '^all ' "$tmp/r.txt"; ok $? "report: text table rows"
all_count=$(jq '.groups[0].replies.count' "$tmp/r.json")
grep -qE "^all +$all_count " "$tmp/r.txt"; ok $? "report: text and json agree on replies ($all_count)"
"$rt" report --config "$cfg" --format json --now 2025-06-15T00:00:00Z --from 2025-06-01 --to 2025-06-15 "$tmp/a.mbox" > "$tmp/p.json"
jq -e '.period == {"from":"2025-06-01T00:00:00Z","to":"2025-06-15T00:00:00Z","now":"2025-06-15T00:00:00Z"}' "$tmp/p.json" > /dev/null
ok $? "report: --from/--to/--now in the period"
"$rt" report --config "$cfg" --format json --from 2025-06-01T02:00:00+02:00 --to 2025-06-15 "$tmp/a.mbox" > "$tmp/q.json"
jq -e '.period.from == "2025-06-01T00:00:00Z"' "$tmp/q.json" > /dev/null; ok $? "report: offsets in times"

# An agent in many teams (a regression: its groups overflowed a fixed
# array of 66 entries).
for i in $(seq 1 70); do printf '[team "t%d"]\nmembers = alice.morgan@acme.example\n' "$i"; done > "$tmp/many.ini"
"$rt" report --config "$tmp/many.ini" --format json "$tmp/a.mbox" 2> "$tmp/err" > "$tmp/many.json"
[ $? -eq 0 ] && jq -e '(.groups | length) == 72 and ([.groups[1:71][].volume.sent] | unique | length) == 1' "$tmp/many.json" > /dev/null
ok $? "an agent in 70 teams: 72 groups, each team the same"

# Without --config: the default is said, and it still measures something.
"$rt" report "$tmp/a.mbox" > "$tmp/d.txt" 2>&1
grep -q "No --config given" "$tmp/d.txt"; ok $? "report: the default is explained"
"$rt" report --format json "$tmp/a.mbox" 2> "$tmp/err" | jq -e '.groups[0].replies.count > 0' > /dev/null
ok $? "report: the default measures replies"
grep -q "No --config given" "$tmp/err"; ok $? "report: json keeps the note on stderr"

# A group name too long for the table: cut, with an ellipsis, aligned.
long=a-team-whose-name-is-far-too-long-for-the-table
printf '[team "%s"]\nmembers = alice.morgan@acme.example\n' "$long" > "$tmp/long.ini"
"$rt" report --config "$tmp/long.ini" "$tmp/a.mbox" > "$tmp/long.txt" 2>/dev/null
row=$(grep '^team ' "$tmp/long.txt")
echo "$row" | grep -q "^$(echo "team $long" | cut -c1-35)… " &&
    [ "$(echo "$row" | sed 's/…/./' | wc -c)" = "$(grep '^all ' "$tmp/long.txt" | wc -c)" ]
ok $? "report: a long group name is cut with an ellipsis, columns aligned"

# A source that cannot be read: the error alone, no empty report.
"$rt" report "$tmp/missing" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "missing" "$tmp/err"
ok $? "report: no source read, only the error (exit 1)"
"$rt" report --format csv "$tmp/missing" > "$tmp/out" 2>/dev/null; rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ]; ok $? "report: csv, no source read, nothing on stdout"
"$rt" report --config "$cfg" --format json "$tmp/missing" "$tmp/a.mbox" > "$tmp/out" 2>/dev/null; rc=$?
[ $rc -eq 1 ] && jq -e '.groups[0].volume.received > 0' "$tmp/out" > /dev/null
ok $? "report: one source of two read, its report and exit 1"
"$rt" scan --format csv "$tmp/missing" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && ! grep -q "^scan:" "$tmp/err"
ok $? "scan: no source read, only the error (exit 1)"
echo "1..$n"
[ $bad -eq 0 ]

#!/bin/bash
# replytime scan end to end: golden output for whole messages, every kind
# of source, and errors.  Prints TAP; RT is the binary under test.
set -u
rt=${RT:?RT must name the replytime binary}
src=${RT_SOURCE_DIR:?}
gold=$src/tests/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0

ok() {	# $1: 0 for pass, $2: description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=$((bad + 1)); fi
}
# Runs scan and strips the machine-specific source path.
scan() { "$rt" scan "$@" 2>"$tmp/err" | sed "s|$src/||g; s|$tmp/||g"; }

# 1. Golden files: every message of the demo mailbox, and single messages.
scan --quiet "$src/examples/demo.mbox" > "$tmp/demo.jsonl"
diff -u "$gold/demo.jsonl" "$tmp/demo.jsonl"; ok $? "golden: demo.mbox as JSON lines"
grep -q '^scan: 9 messages, 0 malformed, 0 undated, 0 without id, 3 automated' "$tmp/err"
ok $? "summary line counts"
scan --quiet --format csv "$src/examples/demo.mbox" > "$tmp/demo.csv"
diff -u "$gold/demo.csv" "$tmp/demo.csv"; ok $? "golden: demo.mbox as CSV"
for eml in "$gold"/*.eml; do
	scan --quiet "$eml" > "$tmp/one.jsonl"
	diff -u "${eml%.eml}.jsonl" "$tmp/one.jsonl"; ok $? "golden: $(basename "$eml")"
done

# 2. The same messages through every kind of source give the same records.
one() { sed -E 's/"n":[0-9]+,"source":"[^"]*","pos":[0-9]+,//' "$@"; }
one "$tmp/demo.jsonl" > "$tmp/demo.norm"
gzip -c "$src/examples/demo.mbox" > "$tmp/demo.mbox.gz"
zstd -q -c "$src/examples/demo.mbox" > "$tmp/demo.mbox.zst"
for f in demo.mbox.gz demo.mbox.zst; do
	scan --quiet "$tmp/$f" | one > "$tmp/x"
	cmp -s "$tmp/demo.norm" "$tmp/x"; ok $? "$f reads like the plain mbox"
done
scan --quiet - < "$tmp/demo.mbox.zst" | one > "$tmp/x"
cmp -s "$tmp/demo.norm" "$tmp/x"; ok $? "standard input, compressed"

# A Maildir: cur/ then new/, names in bytewise order, one message a file.
md=$tmp/Maildir
mkdir -p "$md/cur" "$md/new" "$md/tmp" "$md/.Sent/cur"
awk -v d="$md" '/^From / && (p == "" || NR == 1) { n++; f = sprintf("%s/%s/%02d.x:2,S", d, n % 2 ? "cur" : "new", 10 - n); next } { print > f; p = $0 }' \
    "$src/examples/demo.mbox"
printf 'From: s@acme.example\nSubject: sent\nMessage-ID: <sent@x>\n\n' > "$md/.Sent/cur/1.x:2,S"
scan --quiet "$md" > "$tmp/md.jsonl"
[ "$(wc -l < "$tmp/md.jsonl")" -eq 10 ]; ok $? "Maildir with a Maildir++ folder: 10 messages"
first=$(sed -n 1p "$tmp/md.jsonl" | grep -o '"source":"[^"]*"')
[ "$first" = '"source":"Maildir/cur/01.x:2,S"' ]; ok $? "Maildir order starts in cur/ by name ($first)"
last=$(tail -n 1 "$tmp/md.jsonl" | grep -o '"source":"[^"]*"')
[ "$last" = '"source":"Maildir/.Sent/cur/1.x:2,S"' ]; ok $? "Maildir++ folder last ($last)"

# A Maildir with an empty new/ (a regression: sorting an empty listing).
mkdir -p "$tmp/M2/cur" "$tmp/M2/new" "$tmp/M2/tmp"
cp "$gold/list-markers.eml" "$tmp/M2/cur/1.x:2,S"
scan --quiet "$tmp/M2" > "$tmp/m2.jsonl"
[ $? -eq 0 ] && [ "$(wc -l < "$tmp/m2.jsonl")" -eq 1 ] && ! grep -q "runtime error" "$tmp/err"
ok $? "Maildir with an empty new/"

# A tree: mbox, Maildir and .eml side by side; a README is skipped.
tree=$tmp/tree
mkdir -p "$tree/a"
cp "$src/examples/demo.mbox" "$tree/a/list.mbox"
cp -r "$md" "$tree/b"
cp "$gold"/*.eml "$tree/"
echo "notes about this folder" > "$tree/README"
mkdir -p "$tree/.git" && printf 'Subject: x\n\n' > "$tree/.git/HEAD"
scan --quiet "$tree" > "$tmp/tree.jsonl"
want=$((9 + 10 + $(ls "$gold"/*.eml | wc -l)))
[ "$(wc -l < "$tmp/tree.jsonl")" -eq "$want" ]; ok $? "tree: $want messages"
grep -q ', 1 skipped' "$tmp/err"; ok $? "tree: README skipped and counted"

# 3. Errors: a missing path is named, the others still scanned, exit 1.
"$rt" scan --quiet "$tmp/nope.mbox" "$src/examples/demo.mbox" > "$tmp/x" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ]; ok $? "missing path: exit status 1 (got $rc)"
grep -q "nope.mbox: cannot read" "$tmp/err"; ok $? "missing path named in the error"
[ "$(wc -l < "$tmp/x")" -eq 9 ]; ok $? "other sources still scanned"
head -c 1000 "$tmp/demo.mbox.zst" > "$tmp/cut.zst"
"$rt" scan --quiet "$tmp/cut.zst" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "cut.zst: zstd data is truncated" "$tmp/err"; ok $? "truncated zstd: named error"
"$rt" scan --format xml x > /dev/null 2>&1; [ $? -eq 1 ]; ok $? "unknown format rejected"
"$rt" scan > /dev/null 2>&1; [ $? -eq 2 ]; ok $? "no source: usage, exit 2"
"$rt" scan --help | grep -q "^usage: replytime scan"; ok $? "scan --help"

# 4. Malformed messages are counted with their position, never fatal.
printf 'From a@x Mon Jan  1 00:00:00 2024\nDate: yesterday\nFrom: nobody\n\nb\n\nFrom b@x Mon Jan  1 00:00:00 2024\nSubject: ok\n\n' > "$tmp/bad.mbox"
"$rt" scan "$tmp/bad.mbox" > "$tmp/x" 2> "$tmp/err"
[ $? -eq 0 ]; ok $? "malformed messages do not fail the run"
grep -q "bad.mbox:0: malformed message" "$tmp/err"; ok $? "malformed message reported with its position"
grep -q '^scan: 2 messages, 1 malformed, 2 undated, 2 without id' "$tmp/err"; ok $? "malformed and undated counted"
grep -q '"problems":\["date","from"\]' "$tmp/x"; ok $? "record lists the problems"

# 5. Privacy: a body is never printed.
! grep -q "zero-rated" "$tmp/demo.jsonl" "$tmp/demo.csv"; ok $? "no body text in the output"

echo "1..$n"
[ $bad -eq 0 ]

#!/bin/bash
# The store end to end: master key, tenants, settings, import (idempotent,
# resumable after kill -9), reports from the store byte-identical to
# reports from the files, no plaintext header data in the database files,
# wrong and rotated keys, and tenant isolation.  Prints TAP.
set -u
rt=${RT:?}
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"
mkdir -p "$tmp/keys" "$tmp/db"
export REPLYTIME_KEY_FILE=$tmp/keys/master.key
db=$tmp/db/rt.db

"$rt" demo-data --messages 3000 --seed 3 --out "$tmp/demo" 2>/dev/null
mbox=$tmp/demo/demo.mbox ini=$tmp/demo/replytime.ini

# Keys and tenants.
"$rt" key init 2> "$tmp/err"; ok $? "key init"
[ "$(stat -c %a "$REPLYTIME_KEY_FILE")" = 600 ]; ok $? "key file mode 0600"
"$rt" key init 2>/dev/null; [ $? -ne 0 ]; ok $? "key init never overwrites"
"$rt" key init --key-file "$tmp/db/inside.key" --db "$db" 2> "$tmp/err"; [ $? -ne 0 ]
ok $? "a key file beside the database is refused"
"$rt" tenant create --db "$db" --tenant acme 2>/dev/null; ok $? "tenant create"
"$rt" tenant create --db "$db" --tenant acme 2> "$tmp/err"; [ $? -ne 0 ] && grep -q exists "$tmp/err"
ok $? "tenant create twice refused"
"$rt" tenant create --db "$db" --tenant globex 2>/dev/null; ok $? "a second tenant"
[ "$("$rt" tenant list --db "$db" | cut -f1 | tr '\n' ' ')" = "acme globex " ]; ok $? "tenant list"

# Settings.
"$rt" settings set --db "$db" --tenant acme "$ini" 2> "$tmp/err"; ok $? "settings set"
[ "$(wc -l < "$tmp/err")" = 1 ] && grep -q 'settings set: .* stored as the settings of tenant "acme"' "$tmp/err"
ok $? "settings set says so in one line"
"$rt" settings get --db "$db" --tenant acme > "$tmp/got.ini"; cmp -s "$ini" "$tmp/got.ini"
ok $? "settings get returns them"
printf '[rules]\nclock_start = sometimes\n' > "$tmp/bad.ini"
"$rt" settings set --db "$db" --tenant acme "$tmp/bad.ini" 2> "$tmp/err"; [ $? -ne 0 ] && grep -q "bad.ini:2" "$tmp/err"
ok $? "bad settings refused with file:line"

# A command that needs a tenant makes no database on the way to failing.
for c in "import --db $tmp/db/new.db --tenant nope $mbox" "report --db $tmp/db/new.db --tenant nope" \
    "settings get --db $tmp/db/new.db --tenant nope" "export --db $tmp/db/new.db --tenant nope --out $tmp/x"; do
	"$rt" $c > /dev/null 2> "$tmp/err"; rc=$?
	[ $rc -eq 1 ] && [ ! -e "$tmp/db/new.db" ] && grep -q "no such database" "$tmp/err"
	ok $? "${c%% *} on a missing database: refused, none created (rc $rc)"
done
"$rt" import --db "$db" --tenant nope "$mbox" 2> "$tmp/err"; [ $? -eq 1 ] && grep -q 'no tenant\|nope' "$tmp/err"
ok $? "import for a missing tenant: refused"

# Import, twice.
"$rt" import --db "$db" --tenant acme "$mbox" 2> "$tmp/err"; ok $? "import"
grep -q "3000 messages read, 3000 new" "$tmp/err"; ok $? "3000 new"
"$rt" import --db "$db" --tenant acme "$mbox" 2> "$tmp/err"
# (It reads the last stored message again, where its envelope is; the
# check is anchored: "3000 messages read, 0 new" once passed it.)
grep -q "^import: 1 messages read, 0 new, 1 already stored" "$tmp/err"
ok $? "import again: reads only the last message (resumes at the checkpoint)"
# Resuming: new mail appended to an imported mbox is all that is read.
gdb=$tmp/db/grow.db
cp "$mbox" "$tmp/grow.mbox"
"$rt" tenant create --db "$gdb" --tenant grow 2>/dev/null
"$rt" import --db "$gdb" --tenant grow "$tmp/grow.mbox" 2>/dev/null
"$rt" demo-data --messages 40 --seed 11 >> "$tmp/grow.mbox" 2>/dev/null
"$rt" import --db "$gdb" --tenant grow "$tmp/grow.mbox" 2> "$tmp/err"
grep -q "^import: 41 messages read, 40 new, 1 already stored" "$tmp/err"
ok $? "appended mail: only the 40 new messages (and the last stored one) read"
"$rt" report --db "$gdb" --tenant grow --config "$ini" --format json 2>/dev/null | jq -e '.totals.messages + .totals.duplicates == 3040' > /dev/null
ok $? "3040 messages stored"
# A Maildir: files already imported are not even opened again.
mkdir -p "$tmp/md/cur" "$tmp/md/new"
"$rt" demo-data --messages 50 --seed 12 2>/dev/null |
    awk -v d="$tmp/md/cur" '/^From / { if (f) close(f); n++; f = sprintf("%s/%05d.m:2,S", d, n); next } { print > f }'
nfiles=$(ls "$tmp/md/cur" | wc -l)
"$rt" import --db "$gdb" --tenant grow "$tmp/md" 2>/dev/null
"$rt" import --db "$gdb" --tenant grow "$tmp/md" 2> "$tmp/err"
grep -q "^import: 0 messages read" "$tmp/err"; ok $? "Maildir re-import reads none of its $nfiles files"

# Reports from the store equal reports from the file, byte for byte.
for fmt in json csv text; do
	"$rt" report --config "$ini" --format $fmt "$mbox" > "$tmp/file.$fmt" 2>/dev/null
	"$rt" report --db "$db" --tenant acme --format $fmt > "$tmp/db.$fmt" 2>/dev/null
	cmp -s "$tmp/file.$fmt" "$tmp/db.$fmt"; ok $? "report --db equals report from the file ($fmt)"
done
# A long mailbox (over 4 MB) is parsed on a second thread beside its
# splitting, and imported so: every message, in order, the same report.
"$rt" demo-data --messages 6000 --seed 5 --out "$tmp/long" 2>/dev/null
lm=$tmp/long/demo.mbox
[ "$(stat -c %s "$lm")" -gt 4194304 ]; ok $? "the long mailbox is over 4 MB"
"$rt" scan --quiet "$lm" 2>/dev/null | jq -r '"\(.n) \(.pos)"' > "$tmp/long.np"
awk 'NR > 1 && ($1 != pn + 1 || $2 <= pp) { bad = 1 } { pn = $1; pp = $2 }
    END { exit bad || NR != 6000 }' "$tmp/long.np"
ok $? "scan: 6000 records, numbered and placed in order"
ldb=$tmp/db/long.db
"$rt" tenant create --db "$ldb" --tenant long 2>/dev/null
"$rt" import --db "$ldb" --tenant long "$lm" 2> "$tmp/err"
grep -q "^import: 6000 messages read, 6000 new" "$tmp/err"; ok $? "import reads all 6000"
"$rt" report --config "$tmp/long/replytime.ini" --format json "$lm" > "$tmp/lf.json" 2>/dev/null
"$rt" report --db "$ldb" --tenant long --config "$tmp/long/replytime.ini" --format json > "$tmp/ld.json" 2>/dev/null
cmp -s "$tmp/lf.json" "$tmp/ld.json" && jq -e '.totals.messages + .totals.duplicates == 6000' "$tmp/lf.json" > /dev/null
ok $? "report --db equals report from the long file"

"$rt" report --db "$db" --tenant acme --config "$ini" --format json --now 2025-06-20 > "$tmp/a.json" 2>/dev/null
"$rt" report --config "$ini" --format json --now 2025-06-20 "$mbox" > "$tmp/b.json" 2>/dev/null
cmp -s "$tmp/a.json" "$tmp/b.json"; ok $? "--config overrides the stored settings, same result"

# No plaintext header data in the database, its WAL or journal.
"$rt" scan --quiet "$mbox" 2>/dev/null | jq -r '.from[].addr, .to[].addr, .cc[].addr,
    .subject // empty, .message_id // empty' | awk 'length($0) >= 8' | sort -u > "$tmp/plain.txt"
[ "$(wc -l < "$tmp/plain.txt")" -gt 1000 ]; ok $? "$(wc -l < "$tmp/plain.txt") plaintext strings to look for"
found=$(cat "$db"* 2>/dev/null | grep -a -c -F -f "$tmp/plain.txt")
[ "$found" -eq 0 ]; ok $? "none of them in the database files (found $found)"
ls "$db"* > /dev/null; ok $? "database files exist: $(ls "$db"* | xargs -n1 basename | tr '\n' ' ')"

# Keys: wrong, missing, rotated.
"$rt" key init --key-file "$tmp/keys/other.key" 2>/dev/null
REPLYTIME_KEY_FILE=$tmp/keys/other.key "$rt" report --db "$db" --tenant acme > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q "is not the key of this database" "$tmp/err"; ok $? "a wrong key fails clearly"
REPLYTIME_KEY_FILE=$tmp/keys/none.key "$rt" report --db "$db" --tenant acme > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q "does not exist" "$tmp/err"; ok $? "a missing key fails clearly"
[ ! -e "$tmp/keys/none.key" ]; ok $? "and no key was created over the data"
"$rt" key init --key-file "$tmp/keys/new.key" 2>/dev/null
"$rt" key rotate --db "$db" --new-key-file "$tmp/keys/new.key" 2> "$tmp/err"; ok $? "key rotate"
grep -q "2 data keys re-wrapped" "$tmp/err"; ok $? "both tenants re-wrapped"
REPLYTIME_KEY_FILE=$tmp/keys/new.key "$rt" report --db "$db" --tenant acme --format json > "$tmp/r.json" 2>/dev/null
cmp -s "$tmp/r.json" "$tmp/file.json"; ok $? "the new key reads the same report"
"$rt" report --db "$db" --tenant acme > /dev/null 2>&1; [ $? -ne 0 ]; ok $? "the old key no longer does"
export REPLYTIME_KEY_FILE=$tmp/keys/new.key

# Tenant isolation: another tenant's import changes nothing for acme.
"$rt" demo-data --messages 500 --seed 9 > "$tmp/globex.mbox" 2>/dev/null
"$rt" import --db "$db" --tenant globex "$tmp/globex.mbox" 2>/dev/null; ok $? "import for globex"
"$rt" report --db "$db" --tenant acme --format json > "$tmp/r2.json" 2>/dev/null
cmp -s "$tmp/r2.json" "$tmp/file.json"; ok $? "acme's report is unchanged"
"$rt" report --db "$db" --tenant globex --config "$ini" --format json 2>/dev/null |
    jq -e '.totals.messages == 500' > /dev/null; ok $? "globex sees its own 500 messages"

# Export: every message decrypted, a manifest with row counts and hashes,
# never over an existing export.
"$rt" export --db "$db" --tenant acme --out "$tmp/export" 2> "$tmp/err"; ok $? "export"
[ "$(jq '.files[] | select(.name == "messages.csv") | .rows' "$tmp/export/manifest.json")" -eq 3000 ]
ok $? "manifest: 3000 message rows"
[ "$(($(wc -l < "$tmp/export/messages.csv") - 1))" -eq 3000 ]; ok $? "messages.csv: 3000 rows and a header"
want=$(jq -r '.files[] | select(.name == "messages.csv") | .sha256' "$tmp/export/manifest.json")
[ "$(sha256sum "$tmp/export/messages.csv" | cut -d' ' -f1)" = "$want" ]; ok $? "manifest: sha256 of messages.csv"
first=$("$rt" scan --quiet "$mbox" 2>/dev/null | head -n 1 | jq -r '.message_id')
grep -qF "$first" "$tmp/export/messages.csv"; ok $? "export holds the plaintext (a message id)"
cmp -s "$tmp/export/settings.ini" "$ini"; ok $? "export holds the settings"
grep -q ',import,"done: 3000 read, 3000 new' "$tmp/export/log.csv"; ok $? "the processing log records the import"
"$rt" export --db "$db" --tenant acme --out "$tmp/export" 2>/dev/null; [ $? -ne 0 ]; ok $? "export never overwrites"

# Backup and restore.
"$rt" backup --db "$db" --out "$tmp/rt.backup" 2>/dev/null; ok $? "backup"
found=$(grep -a -c -F -f "$tmp/plain.txt" "$tmp/rt.backup")
[ "$found" -eq 0 ]; ok $? "no plaintext in the backup"
"$rt" restore --in "$tmp/rt.backup" --db "$db" 2>/dev/null; [ $? -ne 0 ]; ok $? "restore never replaces without --force"
"$rt" restore --in "$tmp/nonexist" --db "$tmp/db/n.db" 2> "$tmp/err"; [ $? -eq 1 ] &&
    grep -q "^replytime: restore: $tmp/nonexist: " "$tmp/err" && ! grep -q "restore: restore" "$tmp/err"
ok $? "restore of a missing file: said once ($(cat "$tmp/err"))"
"$rt" restore --in "$tmp/rt.backup" --db "$tmp/db/restored.db" 2>/dev/null; ok $? "restore"
"$rt" report --db "$tmp/db/restored.db" --tenant acme --format json > "$tmp/rest.json" 2>/dev/null
cmp -s "$tmp/rest.json" "$tmp/file.json"; ok $? "the restored database gives the same report"
head -c 5000 "$tmp/rt.backup" > "$tmp/cut.backup"
"$rt" restore --in "$tmp/cut.backup" --db "$tmp/db/cut.db" 2> "$tmp/err"; [ $? -ne 0 ] && [ ! -e "$tmp/db/cut.db" ]
ok $? "a truncated backup is refused and restores nothing"
REPLYTIME_KEY_FILE=$tmp/keys/other.key "$rt" restore --in "$tmp/rt.backup" --db "$tmp/db/x.db" 2> "$tmp/err"
[ $? -ne 0 ]; ok $? "a backup does not open with another master key"

# Deletion, termination, purge.
"$rt" tenant delete --db "$db" --tenant globex 2>/dev/null; [ $? -eq 2 ]; ok $? "delete asks for --yes"
"$rt" tenant delete --db "$db" --tenant globex --yes 2>/dev/null; ok $? "tenant delete"
[ "$("$rt" tenant list --db "$db" | cut -f1 | tr '\n' ' ')" = "acme " ]; ok $? "only acme is left"
"$rt" report --db "$db" --tenant globex --config "$ini" > /dev/null 2>&1; [ $? -ne 0 ]; ok $? "globex is gone"
"$rt" report --db "$db" --tenant acme --format json 2>/dev/null | cmp -s - "$tmp/file.json"; ok $? "acme untouched"
# Crypto-shredding: the backup taken before the deletion still holds
# globex's rows, but its data key is gone from the keyring.
"$rt" restore --in "$tmp/rt.backup" --db "$tmp/db/old.db" 2>/dev/null; ok $? "restore the pre-deletion backup"
"$rt" report --db "$tmp/db/old.db" --tenant globex --config "$ini" > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q "the tenant was deleted" "$tmp/err"; ok $? "the deleted tenant's rows in it are unreadable"
"$rt" report --db "$tmp/db/old.db" --tenant acme --format json 2>/dev/null | cmp -s - "$tmp/file.json"
ok $? "other tenants in the old backup still read"
ring=$(ls -d "$(dirname "$REPLYTIME_KEY_FILE")"/keyring-* | head -n 1)
[ "$(stat -c %a "$ring")" = 700 ] && [ "$(ls "$ring" | wc -l)" -eq 1 ]; ok $? "the keyring beside the key: one key left, folder 0700"
"$rt" tenant create --db "$db" --tenant initech 2>/dev/null
"$rt" tenant terminate --db "$db" --tenant initech 2>/dev/null; ok $? "tenant terminate"
"$rt" purge --db "$db" 2> "$tmp/err"; grep -q "0 tenants deleted" "$tmp/err"; ok $? "purge keeps it during the grace period"
"$rt" purge --db "$db" --now 2099-01-01 2> "$tmp/err"; grep -q "1 tenants deleted" "$tmp/err"; ok $? "purge deletes it after"
[ "$("$rt" tenant list --db "$db" | cut -f1 | tr '\n' ' ')" = "acme " ]; ok $? "and only it"

# Crash safety: kill -9 at random instants until an import gets to the
# end by itself; the result equals an uninterrupted import.  The input is
# large enough that a fast import is still killed a few times.
"$rt" demo-data --messages 240000 --seed 5 > "$tmp/big.mbox" 2>/dev/null
cdb=$tmp/db/crash.db
"$rt" tenant create --db "$cdb" --tenant t 2>/dev/null
kills=0 runs=0 rc=137
while [ $rc -eq 137 ] && [ $runs -lt 60 ]; do
	ms=$(( (RANDOM % 200) + 30 + runs * runs * 10 ))	# grows: slow builds finish too
	{ timeout -s KILL "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')" \
	    "$rt" import --db "$cdb" --tenant t "$tmp/big.mbox" > /dev/null 2>&1; } 2>/dev/null
	rc=$?
	runs=$((runs + 1))
	[ $rc -eq 137 ] && kills=$((kills + 1))
done
[ $rc -eq 0 ]; ok $? "an import completed after $kills kill -9s ($runs runs)"
"$rt" import --db "$cdb" --tenant t "$tmp/big.mbox" 2> "$tmp/err"
grep -q " 0 new" "$tmp/err"; ok $? "and nothing is left to import"
"$rt" report --db "$cdb" --tenant t --config "$ini" --format json > "$tmp/c.json" 2>/dev/null
"$rt" report --config "$ini" --format json "$tmp/big.mbox" > "$tmp/f.json" 2>/dev/null
cmp -s "$tmp/c.json" "$tmp/f.json"; ok $? "after $kills kill -9s: the same report as the file"
jq -e '.totals.messages == 240000 and .totals.duplicates == 0' "$tmp/c.json" > /dev/null
ok $? "every message once"
[ "$kills" -ge 3 ]; ok $? "the import was really killed ($kills times)"
echo "1..$n"
[ $bad -eq 0 ]

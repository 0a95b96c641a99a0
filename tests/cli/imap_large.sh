#!/bin/bash
# A mailbox of 100,000 messages: written straight into a Dovecot Maildir
# (tests/cli/lib/maildir_fill.py; on tmpfs when /dev/shm is there, where
# it takes seconds instead of tens), indexed by Dovecot, synced over TLS
# into a fresh store, counted, and its report compared with the report of
# the same messages imported from the mbox; then replytime serve's
# scheduler is stopped mid-sync and the sync completed.  MESSAGES overrides the
# number.  Prints the time of each step, and TAP.
set -u
rt=${RT:?}
src=${RT_SOURCE_DIR:?}
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 77; }
. "$src/tests/cli/lib/dovecot.sh"
msgs=${MESSAGES:-100000}
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	tmp=$(mktemp -d -p /dev/shm)
else
	tmp=$(mktemp -d)
fi
cleanup() { dovecot_stop; rm -rf "$tmp"; }
trap cleanup EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"
t0=$(date +%s.%N) tl=$t0
lap() {	# prints the seconds since the last lap
	local t; t=$(date +%s.%N)
	echo "# $1: $(awk -v a="$tl" -v b="$t" 'BEGIN { printf "%.1f", b - a }') s"
	tl=$t
}

mkdir -p "$tmp/keys" "$tmp/db"
export REPLYTIME_KEY_FILE=$tmp/keys/master.key
db=$tmp/db/rt.db
dovecot_start "$tmp/dv" || { echo "1..0 # SKIP dovecot did not start"; exit 77; }
"$rt" key init 2>/dev/null
"$rt" tenant create --db "$db" --tenant imap 2>/dev/null
"$rt" tenant create --db "$db" --tenant files 2>/dev/null
"$rt" demo-data --messages "$msgs" --seed 3 --out "$tmp/demo" 2>/dev/null
mbox=$tmp/demo/demo.mbox ini=$tmp/demo/replytime.ini
lap "demo data ($msgs messages, $(( $(wc -c < "$mbox") / 1048576 )) MiB)"
dv_maildir_fill INBOX "$mbox"
lap "Maildir written"
[ "$(dv_doveadm fetch -u "$DV_USER" uid ALL | grep -c '^uid:')" = "$msgs" ]; ok $? "Dovecot holds $msgs messages"
lap "Dovecot indexed"

printf '%s\n' "$DV_PASS" > "$tmp/pw"
"$rt" mailbox add --db "$db" --tenant imap --imap "127.0.0.1:$DV_IMAPS" --user "$DV_USER" \
    --password-file "$tmp/pw" --ca-file "$DV_CA" --folder INBOX > /dev/null 2>&1
"$rt" sync --db "$db" --tenant imap --retries 0 2> "$tmp/err"; ok $? "sync over TLS"
lap "synced"
grep -q "$msgs headers fetched, $msgs new" "$tmp/err"; ok $? "$msgs headers fetched and stored"
"$rt" import --db "$db" --tenant files "$mbox" 2>/dev/null; ok $? "the same mbox imported"
lap "imported"
for t in imap files; do
	"$rt" report --db "$db" --tenant $t --config "$ini" --format json 2>/dev/null | jq -S . > "$tmp/$t.json"
done
lap "two reports"
[ "$(jq '.totals.messages + .totals.duplicates' "$tmp/imap.json")" = "$msgs" ]; ok $? "the report counts $msgs messages"
[ -s "$tmp/imap.json" ] && cmp -s "$tmp/imap.json" "$tmp/files.json"; ok $? "the report equals the report of the mbox import"
"$rt" sync --db "$db" --tenant imap --retries 0 2> "$tmp/err"
grep -q "0 headers fetched, 0 new" "$tmp/err"; ok $? "a second sync fetches nothing"
lap "second sync"
# The server's scheduler, stopped mid-sync: what it committed is whole,
# and a later sync completes it, nothing lost and nothing twice.
"$rt" tenant create --db "$db" --tenant serve 2>/dev/null
"$rt" mailbox add --db "$db" --tenant serve --imap "127.0.0.1:$DV_IMAPS" --user "$DV_USER" \
    --password-file "$tmp/pw" --ca-file "$DV_CA" --folder INBOX > /dev/null 2>&1
rows() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1], timeout=10).execute("select count(*) from messages m join tenants t on t.id = m.tenant_id where t.name = ?", ("serve",)).fetchone()[0])' "$db"; }
"$rt" serve --db "$db" --listen 127.0.0.1:0 --sync-workers 1 2> "$tmp/serve.log" & spid=$!
for _ in $(seq 300); do [ "$(rows)" -gt 0 ] && break; sleep 0.05; done
kill -TERM $spid; ts=$(date +%s.%N); wait $spid; r=$?
stop_s=$(awk -v a="$ts" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
c1=$(rows)
echo "# serve stopped in $stop_s s with $c1 of $msgs messages committed"
[ $r -eq 0 ] && grep -q 'replytime: stopped' "$tmp/serve.log" && [ "$c1" -gt 0 ] && [ "$c1" -lt "$msgs" ]
ok $? "SIGTERM to serve mid-sync: a clean stop"
awk -v s="$stop_s" 'BEGIN { exit !(s < 2) }'; ok $? "within 2 seconds"
"$rt" sync --db "$db" --tenant serve --retries 0 2> "$tmp/err"
grep -q "$((msgs - c1)) new" "$tmp/err"; ok $? "the next sync adds the other $((msgs - c1))"
"$rt" report --db "$db" --tenant serve --config "$ini" --format json 2>/dev/null | jq -S . > "$tmp/serve.json"
cmp -s "$tmp/serve.json" "$tmp/files.json"; ok $? "and the report equals the mbox import's"
lap "serve stopped and resumed"
tl=$t0; lap "total"

echo "1..$n"
[ $bad -eq 0 ]
